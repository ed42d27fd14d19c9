/**
 * bench/classify: the source classifier (200 unigrams and bigrams + 20 emojis, multinomial L2
 * logistic regression, 90:10 split and 5-fold cross-validation) on N replies from 4 sources built
 * by recombining the demo's human replies (each source with its own habits, in about a third of its
 * replies: openings, closings, an emoji), next to a reference run of the tokeniser over the same replies in the same process.
 *
 *   npx tsx bench/classify/run.ts [--replies 20000]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTable } from '../../src/corpus/table.js';
import { buildVocabulary, vectorize } from '../../src/language/bag-of-words.js';
import { tokenize } from '../../src/language/tokenize.js';
import { classify } from '../../src/stats/classification.js';
import { seededRng } from '../../src/stats/random.js';

const args = process.argv.slice(2);
const count = args.includes('--replies') ? Number(args[args.indexOf('--replies') + 1]) : 20_000;
const demo = parseTable(readFileSync(path.resolve('examples/demo/corpus/human-replies.csv')), 'csv', 'human-replies.csv');
const sentences = demo.records.flatMap((r) => (r.values.text as string).split(/(?<=[.!?])\s+/));
const habits = [
  { source: 'human', open: '', close: '' },
  { source: 'gpt4', open: 'I am really sorry you are going through this. ', close: ' You are not alone in this.' },
  { source: 'llama2', open: 'Thank you for sharing. ', close: ' Have you thought about talking to someone? 😊' },
  { source: 'mistral', open: 'It sounds like ', close: ' Take care of yourself!' },
];
const rng = seededRng(2026);
const labels: string[] = [];
const replies = Array.from({ length: count }, (_, i) => {
  const h = habits[i % habits.length] as (typeof habits)[number];
  labels.push(h.source);
  const k = 5 + Math.floor(rng() * 4);
  // Each habit shows in about a third of a source's replies, so the sources overlap as real ones do.
  let s = rng() < 0.35 ? h.open : '';
  for (let j = 0; j < k; j++) s += `${sentences[Math.floor(rng() * sentences.length)]} `;
  return s + (rng() < 0.35 ? h.close : '');
});

const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const out = fn();
  return [out, (performance.now() - t0) / 1000];
};
const [, tokenizeSeconds] = time(() => replies.reduce((n, r) => n + tokenize(r).words.length, 0));
const [[vocabulary, x], vectorSeconds] = time(() => {
  const v = buildVocabulary(replies, { words: 200, emojis: 20 });
  return [v, vectorize(replies, v)] as const;
});
const [report, fitSeconds] = time(() => classify(x, vocabulary.terms.length, labels, vocabulary.terms, { seed: 1, folds: 5, top: 5 }));
const classifySeconds = vectorSeconds + fitSeconds;
console.log(`bench/classify: ${count} replies, 4 sources, 220 terms, 1 fit on the 90% split + 5 cross-validation folds`);
console.log(`tokeniser only (reference): ${tokenizeSeconds.toFixed(2)} s`);
console.log(`vocabulary and vectors: ${vectorSeconds.toFixed(2)} s; the 6 fits: ${fitSeconds.toFixed(2)} s`);
console.log(`vocabulary, vectors and classifier: ${classifySeconds.toFixed(2)} s (${(classifySeconds / tokenizeSeconds).toFixed(1)} x the tokeniser's time)`);
console.log(`held-out accuracy ${report.test.accuracy.toFixed(3)}; iterations of the main fit: ${report.model.iterations}`);
