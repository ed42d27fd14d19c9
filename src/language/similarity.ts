import { words } from './words.js';

/** Word n-gram shingles of a text, lower-cased (Broder 1997, "On the resemblance of documents"). */
export function shingles(text: string, n = 3): Set<string> {
  const w = words(text.toLowerCase());
  const out = new Set<string>();
  if (w.length < n) {
    if (w.length > 0) out.add(w.join(' '));
    return out;
  }
  for (let i = 0; i + n <= w.length; i++) out.add(w.slice(i, i + n).join(' '));
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * Pairs of texts whose shingle sets have Jaccard similarity >= `threshold`. Candidates come from an
 * inverted index over shingles, skipping shingles so common they say nothing, so a 10,000-text
 * corpus is not compared pair by pair.
 */
export function nearDuplicates(texts: readonly string[], threshold: number, n = 3): Array<{ a: number; b: number; similarity: number }> {
  const sets = texts.map((t) => shingles(t, n));
  const index = new Map<string, number[]>();
  sets.forEach((s, i) => {
    for (const sh of s) {
      const list = index.get(sh);
      if (list) list.push(i);
      else index.set(sh, [i]);
    }
  });
  const commonCutoff = Math.max(50, Math.ceil(texts.length * 0.05));
  const pairs = new Map<string, { a: number; b: number }>();
  for (const list of index.values()) {
    if (list.length < 2 || list.length > commonCutoff) continue;
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        pairs.set(`${a},${b}`, { a, b });
      }
  }
  const out: Array<{ a: number; b: number; similarity: number }> = [];
  for (const { a, b } of pairs.values()) {
    const similarity = jaccard(sets[a], sets[b]);
    if (similarity >= threshold) out.push({ a, b, similarity });
  }
  return out.sort((x, y) => x.a - y.a || x.b - y.b);
}

/**
 * Whether a rewrite kept a reply's content: `kept`, the share of the original's distinct content
 * words (words that are not stopwords of the given list, not contractions, not numbers) that the
 * rewrite still has;
 * `lengthRatio`, the rewrite's words over the original's. A formal or casual rewrite changes
 * function words and contractions, not what is said, so most content words stay.
 */
export function contentKept(original: string, rewrite: string, stopwords: ReadonlySet<string>): { kept: number; lengthRatio: number } {
  const content = (t: string) => new Set(words(t.toLowerCase()).filter((w) => !stopwords.has(w) && !/['’]/.test(w) && !/^\d+$/.test(w)));
  const a = content(original);
  const b = content(rewrite);
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  const n = words(original).length;
  return { kept: a.size === 0 ? 1 : shared / a.size, lengthRatio: n === 0 ? 1 : words(rewrite).length / n };
}
