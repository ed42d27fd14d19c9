/**
 * How much a supporter changed a model's draft before sending it (issue 20's assisted arm): the
 * word-level Levenshtein distance (insertions, deletions and substitutions of whole words, case
 * kept) and that distance over the longer text's length, 0 for a draft sent as it was and 1 for a
 * reply that shares nothing with it in order.
 */
import { words } from './words.js';

export function wordEditDistance(a: string, b: string): { distance: number; normalised: number; draftWords: number; sentWords: number } {
  const x = words(a);
  const y = words(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost));
    }
    prev = row;
  }
  const distance = prev[y.length] as number;
  const longest = Math.max(x.length, y.length);
  return { distance, normalised: longest === 0 ? 0 : distance / longest, draftWords: x.length, sentWords: y.length };
}
