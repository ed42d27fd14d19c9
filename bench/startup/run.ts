/**
 * Start-up of the command line: `--version`, `--help`, and `fit` on a 100-row file, each run as its
 * own process (the installed bin, from dist/; run `npm run build` first), beside `node -e ""` (the
 * floor: Node's own start-up) in the same script. Median of 7 runs each; the ratio to node is the
 * figure to compare across machines.
 *
 *   npx tsx bench/startup/run.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../bin/empathy-lab.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'el-startup-'));
const csv = path.join(dir, 'ratings.csv');
// 100 ratings: 10 raters x 10 posts, two sources.
const rows = ['rater,post,source,rating'];
for (let r = 0; r < 10; r++) for (let p = 0; p < 10; p++) rows.push(`r${r},p${p},${(r + p) % 2 ? 'gpt4' : 'human'},${1 + ((r * 7 + p * 3) % 5)}`);
writeFileSync(csv, `${rows.join('\n')}\n`);

const cases: Array<[string, string[]]> = [
  ['node -e "" (the floor)', ['-e', '']],
  ['empathy-lab --version', [BIN, '--version']],
  ['empathy-lab --help', [BIN, '--help']],
  ['empathy-lab fit (100 rows)', [BIN, 'fit', '--data', csv, '--formula', 'rating ~ source + (1 | rater) + (1 | post)']],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const results = cases.map(([label, args]) => {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    times.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr}`);
  }
  return { label, seconds: median(times) };
});
const floor = (results[0] as { seconds: number }).seconds;
console.log(`${'command'.padEnd(30)} ${'median s'.padStart(9)} ${'x node'.padStart(7)}`);
for (const r of results) console.log(`${r.label.padEnd(30)} ${r.seconds.toFixed(3).padStart(9)} ${(r.seconds / floor).toFixed(1).padStart(7)}`);
