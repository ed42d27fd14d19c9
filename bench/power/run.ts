/**
 * bench/power: `empathy-lab power`'s simulations against the R loop that does what simr::powerSim
 * does (power-loop.R), on the same design and model, timed one after the other in one run.
 *
 * The design is the reference study's Study 2 (within-post; 120 posts, 3 sources, 10 posts per
 * rater) with 202 raters, assigned by the rating app; the model plants 0.05, 0.1 and 0.15 points
 * between the sources with the components of shared/reference/lmm/ratings-within (lme4's fit:
 * SD post 0.18, rater 0.50, post x rater 0.23, residual 0.75).
 *
 *   npx tsx bench/power/run.ts [--simulations 1000] [--workers N] [--no-r]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { powerDesign } from '../../src/power/design.js';
import { defaultWorkers, runPower } from '../../src/power/run.js';
import { summarisePower, type LmmPowerModel } from '../../src/stats/power.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? (args[args.indexOf(`--${name}`) + 1] as string) : fallback);
const simulations = Number(arg('simulations', '1000'));
const workers = Number(arg('workers', String(defaultWorkers())));
const withR = !args.includes('--no-r');

const sources = ['gpt4', 'llama2', 'mistral'];
const model: LmmPowerModel = { kind: 'lmm', means: { gpt4: 3.85, llama2: 3.8, mistral: 3.7 }, sdPost: 0.18, sdRater: 0.5, sdPostRater: 0.23, sdResidual: 0.75 };
const design = powerDesign({ type: 'within-post', sources, posts: 120, raters: 202, postsPerRater: 10, seed: 1 });
const test = { reference: 'gpt4', alpha: 0.05, adjust: 'none' as const };

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-power-'));
const rows = ['post,rater,source'];
for (let i = 0; i < design.post.length; i++) rows.push(`p${design.post[i]},r${design.rater[i]},${sources[design.source[i] as number]}`);
writeFileSync(path.join(dir, 'design.csv'), `${rows.join('\n')}\n`);
writeFileSync(path.join(dir, 'params.json'), JSON.stringify({ sources, means: model.means, sd_post: model.sdPost, sd_rater: model.sdRater, sd_post_rater: model.sdPostRater, sd_residual: model.sdResidual, type: 'within-post' }));

console.log(`bench/power: Study 2 design, ${design.post.length} ratings (120 posts x 3 sources, 202 raters x 10 posts); ${simulations} simulations each`);
console.log(`machine: ${os.cpus().length} cores; ours on ${workers} worker thread(s), R on one (R is single-threaded)`);

const started = performance.now();
const results = await runPower({ design, model, test, simulations, seed: 1, workers });
const ourSeconds = (performance.now() - started) / 1000;
const ours = summarisePower(design, model, test, results);

interface RLoop { seconds: number; singular: number; not_converged: number; failed: number; contrasts: Array<{ contrast: string; power: number; lower: number; upper: number }> }
let r: RLoop | null = null;
if (withR) {
  try {
    execFileSync('Rscript', [path.join(import.meta.dirname, 'power-loop.R'), path.join(dir, 'design.csv'), path.join(dir, 'params.json'), String(simulations), '1', path.join(dir, 'r.json')], { stdio: ['ignore', 'ignore', 'ignore'] });
    r = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8')) as RLoop;
  } catch {
    console.log('R with lme4 and lmerTest is not installed: ours alone');
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log('');
console.log('contrast          planted  ours power (95% CI)       R loop power (95% CI)     intervals overlap');
for (const row of ours.rows) {
  const x = r?.contrasts.find((c) => c.contrast === row.contrast);
  const overlap = x ? (row.lower <= x.upper && row.upper >= x.lower ? 'yes' : 'NO') : '';
  console.log(
    `${row.contrast.padEnd(16)}  ${row.planted.toFixed(2).padStart(7)}  ${`${pct(row.power)} (${pct(row.lower)}-${pct(row.upper)})`.padEnd(24)}  ${x ? `${pct(x.power)} (${pct(x.lower)}-${pct(x.upper)})`.padEnd(24) : ''}  ${overlap}`,
  );
}
console.log('');
console.log(`ours:   ${ourSeconds.toFixed(1)} s (${((1000 * ourSeconds) / simulations).toFixed(0)} ms per simulation on ${workers} workers); ${ours.failed} failed, ${ours.notConverged} not converged, ${ours.singular} singular`);
if (r) {
  console.log(`R loop: ${r.seconds.toFixed(1)} s (${((1000 * r.seconds) / simulations).toFixed(0)} ms per simulation); ${r.failed} failed, ${r.not_converged} convergence warnings, ${r.singular} singular`);
  console.log(`R loop / ours: ${(r.seconds / ourSeconds).toFixed(1)}x`);
}
