/**
 * Writes the data sets that empathy-lab's power simulation draws on the committed small design
 * (small/design.csv, small/params.json; simulation i of a run seeded 11), for paired.R to refit.
 *
 *   npx tsx test/reference/power/write-sims.ts /tmp/sims.csv 200
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { powerDesign } from '../../../src/power/design.js';
import { simulateResponses, type LmmPowerModel } from '../../../src/stats/power.js';
import { seededRng, streamSeed } from '../../../src/stats/random.js';

const params = JSON.parse(readFileSync(new URL('small/params.json', import.meta.url), 'utf8')) as { sources: string[]; means: Record<string, number>; sd_post: number; sd_rater: number; sd_post_rater: number; sd_residual: number };
const design = powerDesign({ type: 'within-post', sources: params.sources, posts: 30, raters: 24, postsPerRater: 5, seed: 1 });
const model: LmmPowerModel = { kind: 'lmm', means: params.means, sdPost: params.sd_post, sdRater: params.sd_rater, sdPostRater: params.sd_post_rater, sdResidual: params.sd_residual };
const lines = ['sim,post,rater,source,value'];
for (let i = 0; i < Number(process.argv[3] ?? 200); i++) {
  const y = simulateResponses(design, model, seededRng(streamSeed(11, i)));
  for (let k = 0; k < y.length; k++) lines.push(`${i},p${design.post[k]},r${design.rater[k]},${params.sources[design.source[k] as number]},${y[k]}`);
}
writeFileSync(process.argv[2] as string, `${lines.join('\n')}\n`);
