/**
 * Bag-of-words features as the reference study built them for its classifier: the N most frequent
 * unigrams and bigrams (stopwords and punctuation removed; bigrams over the remaining words), plus
 * the K most frequent emojis, counted per text. Stopwords: the English list of the `stopword`
 * package (MIT; 108 function words, without "not" and other negations, which carry meaning here).
 */
import { eng } from 'stopword';
import { tokenize } from './tokenize.js';

export const STOPWORDS: ReadonlySet<string> = new Set(eng.map((w: string) => w.toLowerCase()));

export interface Vocabulary {
  /** Terms in column order: unigrams and bigrams ("sorry hear"), then emojis. */
  readonly terms: readonly string[];
  readonly kinds: ReadonlyArray<'word' | 'emoji'>;
}

/** The content terms of a text: unigrams and bigrams after stopword removal, and its emojis. */
export function terms(text: string): { words: string[]; emojis: string[] } {
  const t = tokenize(text);
  const content = t.words.filter((w) => !STOPWORDS.has(w) && /\p{L}/u.test(w));
  const bigrams = content.slice(1).map((w, i) => `${content[i]} ${w}`);
  return { words: [...content, ...bigrams], emojis: [...t.emojis] };
}

function topK(counts: Map<string, number>, k: number): string[] {
  // Most frequent first; ties broken alphabetically so the vocabulary is reproducible.
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, k).map(([t]) => t);
}

export function buildVocabulary(texts: readonly string[], options: { words?: number; emojis?: number } = {}): Vocabulary {
  const wordCounts = new Map<string, number>();
  const emojiCounts = new Map<string, number>();
  for (const text of texts) {
    const { words, emojis } = terms(text);
    for (const w of words) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    for (const e of emojis) emojiCounts.set(e, (emojiCounts.get(e) ?? 0) + 1);
  }
  const words = topK(wordCounts, options.words ?? 200);
  const emojis = topK(emojiCounts, options.emojis ?? 20);
  return { terms: [...words, ...emojis], kinds: [...words.map(() => 'word' as const), ...emojis.map(() => 'emoji' as const)] };
}

/** Term counts per text, n x terms row-major. */
export function vectorize(texts: readonly string[], vocabulary: Vocabulary): Float64Array {
  const index = new Map(vocabulary.terms.map((t, i) => [t, i]));
  const p = vocabulary.terms.length;
  const out = new Float64Array(texts.length * p);
  texts.forEach((text, i) => {
    const { words, emojis } = terms(text);
    for (const t of [...words, ...emojis]) {
      const j = index.get(t);
      if (j !== undefined) out[i * p + j] += 1;
    }
  });
  return out;
}
