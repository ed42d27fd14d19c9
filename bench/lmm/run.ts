/**
 * bench/lmm: fit time and peak memory of the reference study's model,
 *   value ~ source + (1 | post:rater) + (1 | post) + (1 | rater),
 * on generated crossed rating studies of 10,000, 100,000 and 1,000,000 ratings (each rater rates
 * 10 posts x 4 sources, as in the reference design), and, where R with lme4 is installed, the same
 * files fitted by lme4 in the same run, with the ratio. Each fit runs in its own process, so its
 * peak memory is its own.
 *
 *   npx tsx bench/lmm/run.ts [--sizes 10000,100000,1000000] [--satterthwaite]
 *   npx tsx bench/lmm/run.ts --clmm [--sizes 10000,100000]   the ordinal model against ordinal::clmm
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRng } from '../../src/stats/random.js';

const CLMM = process.argv.includes('--clmm');
const FORMULA = CLMM ? 'ordered(rating) ~ source + (1 | rater) + (1 | post)' : 'rating ~ source + (1 | post:rater) + (1 | post) + (1 | rater)';
const SOURCES = ['human', 'gpt4', 'llama2', 'mistral'];
const EFFECTS = [0, 0.58, 0.5, 0.26];
const args = process.argv.slice(2);
const sizes = (args[args.indexOf('--sizes') + 1] && args.includes('--sizes') ? (args[args.indexOf('--sizes') + 1] as string) : '10000,100000,1000000').split(',').map(Number);
const satterthwaite = args.includes('--satterthwaite');

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u() || 1e-300)) * Math.cos(2 * Math.PI * u());
}

function generate(ratings: number, file: string): { posts: number; raters: number } {
  const perRater = 10 * SOURCES.length;
  const raters = Math.round(ratings / perRater);
  const posts = Math.max(60, Math.round(Math.sqrt(ratings) * 0.6));
  const u = seededRng(ratings);
  const postEffect = Array.from({ length: posts }, () => 0.18 * normal(u));
  const lines = ['rater,post,source,rating'];
  for (let r = 0; r < raters; r++) {
    const raterEffect = 0.5 * normal(u);
    const chosen = new Set<number>();
    while (chosen.size < 10) chosen.add(Math.floor(u() * posts));
    for (const p of chosen) {
      const pr = 0.23 * normal(u);
      SOURCES.forEach((s, k) => {
        const v = 3.38 + (EFFECTS[k] as number) + (postEffect[p] as number) + raterEffect + pr + 0.75 * normal(u);
        lines.push(`r${r},p${p},${s},${Math.min(5, Math.max(1, Math.round(v)))}`);
      });
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { posts, raters };
}

function hasR(): boolean {
  try {
    execFileSync('Rscript', ['-e', `stopifnot(requireNamespace("${CLMM ? 'ordinal' : 'lme4'}", quietly = TRUE))`], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // no R, or no lme4: the run reports ours alone
  }
}

function run(cmd: string, argv: string[]): Record<string, unknown> & { peakMB?: number } {
  const timeBin = '/usr/bin/time';
  const useTime = spawnSync(timeBin, ['-f', '%M', 'true']).status === 0;
  const r = useTime ? spawnSync(timeBin, ['-f', 'PEAK_KB=%M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 }) : spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as Record<string, unknown> & { peakMB?: number };
  const peak = /PEAK_KB=(\d+)/.exec(r.stderr);
  if (peak) out.peakMB = Number(peak[1]) / 1024;
  return out;
}

const dir = path.join(os.tmpdir(), 'empathy-lab-bench-lmm');
mkdirSync(dir, { recursive: true });
const withR = hasR();
const R_NAME = CLMM ? 'clmm' : 'lme4';
console.log(`bench/lmm: ${FORMULA}${satterthwaite ? ' with Satterthwaite df' : ''}; ${os.cpus().length} cores; R/${R_NAME} ${withR ? 'installed' : 'not installed (ours only)'}`);
console.log(`ratings    posts  raters  ours fit s  ours peak MB  ${R_NAME} fit s  ${R_NAME} peak MB  ours/${R_NAME}  max |fixef diff|${CLMM ? '  |logLik diff|' : ''}`);
for (const n of sizes) {
  const file = path.join(dir, `ratings-${n}.csv`);
  const { posts, raters } = generate(n, file);
  const ours = run(process.execPath, ['--import', 'tsx', path.resolve('bench/lmm/fit-worker.ts'), file, FORMULA, satterthwaite ? 'yes' : 'no']);
  let line = `${String(n).padEnd(9)}  ${String(posts).padStart(5)}  ${String(raters).padStart(6)}  ${(ours.fitSeconds as number).toFixed(2).padStart(10)}  ${(ours.peakMB as number).toFixed(0).padStart(12)}`;
  if (withR) {
    const r = run('Rscript', [path.resolve('bench/lmm/fit.R'), file, FORMULA, satterthwaite ? 'yes' : 'no']);
    const diff = Math.max(...Object.entries(r.fixef as Record<string, number>).map(([k, v]) => Math.abs(v - ((ours.fixef as Record<string, number>)[k] as number))));
    line += `  ${(r.fitSeconds as number).toFixed(2).padStart(10)}  ${(r.peakMB ?? NaN).toFixed(0).padStart(12)}  ${((ours.fitSeconds as number) / (r.fitSeconds as number)).toFixed(2).padStart(9)}  ${diff.toExponential(1).padStart(16)}`;
    if (CLMM) line += `  ${Math.abs((r.logLik as number) - (ours.logLik as number)).toExponential(1).padStart(13)}`;
  }
  console.log(line);
}
