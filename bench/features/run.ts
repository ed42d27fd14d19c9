/**
 * bench/features: the whole style battery over 100,000 replies (built by recombining the demo's
 * human replies with emojis and exclamations), replies per second and peak memory, next to
 * reference runs of the tokeniser alone and of the battery without VADER, in the same process.
 *
 *   npx tsx bench/features/run.ts [--replies 100000]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTable } from '../../src/corpus/table.js';
import { BATTERY, extractFeatures } from '../../src/language/features.js';
import { tokenize } from '../../src/language/tokenize.js';
import { seededRng } from '../../src/stats/random.js';

const args = process.argv.slice(2);
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
console.log(`bench/features: ${count} replies (mean ${Math.round(sink / (3 * count))} words), ${BATTERY.length} features`);
console.log(`tokeniser only (reference): ${(count / tokenizeSeconds).toFixed(0)} replies/s`);
console.log(`battery without VADER:      ${(count / styleSeconds).toFixed(0)} replies/s (${(styleSeconds / tokenizeSeconds).toFixed(2)} x the tokeniser's time)`);
console.log(`whole battery:              ${(count / batterySeconds).toFixed(0)} replies/s (${(batterySeconds / tokenizeSeconds).toFixed(2)} x the tokeniser's time)`);
console.log(`peak memory: ${peakMB.toFixed(0)} MB`);
