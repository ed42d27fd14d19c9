/**
 * Writes a power design (the rating app's assignment, as `empathy-lab power` makes it) and its
 * parameters for the R loop: post,rater,source rows and params.json.
 *
 *   npx tsx bench/power/write-design.ts OUT_DIR --posts 120 --raters 202 --posts-per-rater 10 \
 *     --sources gpt4,llama2,mistral --means 3.85,3.8,3.7 --sd 0.18,0.5,0.23,0.75 [--design within-post] [--seed 1]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { powerDesign } from '../../src/power/design.js';

const args = process.argv.slice(2);
const out = args[0] as string;
const flag = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? args[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
};
const sources = flag('sources').split(',');
const means = flag('means').split(',').map(Number);
const [sdPost, sdRater, sdPostRater, sdResidual] = flag('sd').split(',').map(Number);
const type = flag('design', 'within-post') as 'within-post' | 'one-per-post';
const design = powerDesign({ type, sources, posts: Number(flag('posts')), raters: Number(flag('raters')), postsPerRater: Number(flag('posts-per-rater')), seed: Number(flag('seed', '1')) });
mkdirSync(out, { recursive: true });
const rows = ['post,rater,source'];
for (let i = 0; i < design.post.length; i++) rows.push(`p${design.post[i]},r${design.rater[i]},${sources[design.source[i] as number]}`);
writeFileSync(path.join(out, 'design.csv'), `${rows.join('\n')}\n`);
writeFileSync(
  path.join(out, 'params.json'),
  `${JSON.stringify({ sources, means: Object.fromEntries(sources.map((s, i) => [s, means[i]])), sd_post: sdPost, sd_rater: sdRater, sd_post_rater: sdPostRater, sd_residual: sdResidual, type }, null, 2)}\n`,
);
console.log(`${design.post.length} ratings written to ${out}`);
