/**
 * bench/features: the whole style battery over 100,000 replies (built by recombining the demo's
 * human replies with emojis and exclamations), replies per second and peak memory, next to
 * reference runs of the tokeniser alone and of the battery without VADER, in the same process.
 *
 * It runs the built code in dist/ (what `empathy-lab` runs; `npm run build` first), or the
 * TypeScript sources through tsx with --src (slower: tsx wraps every closure to keep its name).
 *
 *   npm run build && npx tsx bench/features/run.ts [--replies 100000] [--src]
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as TableModule from '../../src/corpus/table.js';
import type * as FeaturesModule from '../../src/language/features.js';
import type * as TokenizeModule from '../../src/language/tokenize.js';
import type * as RandomModule from '../../src/stats/random.js';

const args = process.argv.slice(2);
const root = args.includes('--src') ? '../../src' : '../../dist';
if (root === '../../dist' && !existsSync(path.resolve('dist/language/features.js'))) {
  console.error('bench/features: dist/ is not built; run `npm run build` first (or pass --src)');
  process.exit(1);
}
const { parseTable } = (await import(`${root}/corpus/table.js`)) as typeof TableModule;
const { BATTERY, extractFeatures } = (await import(`${root}/language/features.js`)) as typeof FeaturesModule;
const { tokenize } = (await import(`${root}/language/tokenize.js`)) as typeof TokenizeModule;
const { seededRng } = (await import(`${root}/stats/random.js`)) as typeof RandomModule;

const count = args.includes('--replies') ? Number(args[args.indexOf('--replies') + 1]) : 100_000;
const demo = parseTable(readFileSync(path.resolve('examples/demo/corpus/human-replies.csv')), 'csv', 'human-replies.csv');
const sentences = demo.records.flatMap((r) => (r.values.text as string).split(/(?<=[.!?])\s+/));
const extras = ['😊', '💔', '🤗', '👍🏽', '!!', ' Hey!', ' Totally get it.', ' Have you talked to someone?'];
const rng = seededRng(2026);
const replies = Array.from({ length: count }, () => {
  const k = 5 + Math.floor(rng() * 5);
  let s = '';
  for (let i = 0; i < k; i++) s += `${sentences[Math.floor(rng() * sentences.length)]} `;
  return s + (extras[Math.floor(rng() * extras.length)] as string);
});

const time = (fn: () => void) => {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
};
let sink = 0;
const tokenizeSeconds = time(() => {
  for (const r of replies) sink += tokenize(r).words.length;
});
const withoutVader = BATTERY.filter((f) => !f.name.startsWith('vader_'));
const styleSeconds = time(() => {
  for (const r of replies) sink += extractFeatures(r, withoutVader).words as number;
});
const batterySeconds = time(() => {
  for (const r of replies) sink += extractFeatures(r).words as number;
});
const peakMB = process.resourceUsage().maxRSS / 1024;
console.log(`bench/features: ${count} replies (mean ${Math.round(sink / (3 * count))} words), ${BATTERY.length} features, code from ${root.slice(6)}/`);
console.log(`tokeniser only (reference): ${(count / tokenizeSeconds).toFixed(0)} replies/s`);
console.log(`battery without VADER:      ${(count / styleSeconds).toFixed(0)} replies/s (${(styleSeconds / tokenizeSeconds).toFixed(2)} x the tokeniser's time)`);
console.log(`whole battery:              ${(count / batterySeconds).toFixed(0)} replies/s (${(batterySeconds / tokenizeSeconds).toFixed(2)} x the tokeniser's time)`);
console.log(`peak memory: ${peakMB.toFixed(0)} MB`);
