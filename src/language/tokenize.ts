/**
 * Tokenisation for style features: words (lower-cased, curly apostrophes straightened, contractions
 * and hyphenated words kept whole, numbers as words), sentences, and emojis as whole grapheme
 * clusters (skin tones, ZWJ sequences, flags and keycaps count as one emoji; matched by the
 * `emoji-regex` package, which follows the Unicode emoji data).
 */
import emojiRegex from 'emoji-regex';
import { words } from './words.js';

export interface Tokens {
  readonly text: string;
  /** Lower-cased words, apostrophes straightened ("don't", "well-being", "2020"). */
  readonly words: readonly string[];
  /** Sentences, as trimmed strings. */
  readonly sentences: readonly string[];
  readonly emojis: readonly string[];
  readonly questionMarks: number;
  readonly exclamationMarks: number;
}

const EMOJI = emojiRegex();
/**
 * Characters an emoji can contain (©, ®, ‼, ⁉, the keycap mark, ™, ℹ, arrows, and everything from
 * U+231A up, surrogates included): a text without any has no emoji, and the long emoji pattern is
 * not run on it.
 */
const MAYBE_EMOJI = /[\u00A9\u00AE\u203C\u2049\u20E3\u2122\u2139\u2194-\u21AA\u231A-\uFFFF]/;

export function emojis(text: string): string[] {
  return MAYBE_EMOJI.test(text) ? (text.match(EMOJI) ?? []) : [];
}

const HAS_WORD = /[\p{L}\p{N}]/u;

/** Straightens curly apostrophes and quotes so "it’s" and "it's" are one word. */
export function normalizeApostrophes(text: string): string {
  return text.replace(/[\u2018\u2019\u02BC]/g, "'").replace(/[\u201C\u201D]/g, '"');
}

/**
 * Sentences: text split after ., ! or ? (runs such as "?!" or "..." end one sentence) followed by
 * white space, or at line breaks; pieces with no word (a lone emoji line) are not sentences.
 * Common abbreviations (Mr., Dr., e.g., i.e., vs.) do not end a sentence.
 */
export function sentences(text: string): string[] {
  const protectedText = text.replace(/\b(Mr|Mrs|Ms|Dr|Prof|St|vs|etc|e\.g|i\.e)\./gi, (m) => m.replace(/\./g, '\u0000'));
  return protectedText
    .split(/(?<=[.!?…]["')\]]*)\s+|\n+/u)
    .map((s) => s.replace(/\u0000/g, '.').trim())
    .filter((s) => HAS_WORD.test(s));
}

export function tokenize(text: string): Tokens {
  const normal = normalizeApostrophes(text);
  const maybeEmoji = MAYBE_EMOJI.test(normal);
  return {
    text,
    words: words(maybeEmoji ? normal.replace(EMOJI, ' ') : normal).map((w) => w.toLowerCase()),
    sentences: sentences(normal),
    emojis: maybeEmoji ? (normal.match(EMOJI) ?? []) : [],
    questionMarks: (normal.match(/\?/g) ?? []).length,
    exclamationMarks: (normal.match(/!/g) ?? []).length,
  };
}
