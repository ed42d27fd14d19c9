/**
 * VADER sentiment (Hutto & Gilbert 2014, ICWSM), following the rules of vaderSentiment 3.3.2, the
 * authors' current Python release: tokens are split on white space and stripped of surrounding
 * punctuation only when more than two characters remain (so "I", "no." and ":)" stay); booster and
 * dampener words, ALL-CAPS emphasis (against the other words' case, as Python's `str.isupper`
 * decides it), negation within three words ("NOT alone" is negated, not emphasised), "never so",
 * "without doubt", "least", "kind of", special idioms, the "but" rule (with its list-index
 * behaviour), and emphasis from "!" and "?". The lexicon (7,503 tokens with their mean valence) is
 * the published VADER lexicon as the `vader-sentiment` package ships it. Not included: 3.3.2's
 * replacement of emojis by their English descriptions (its emoji table is not shipped here), so an
 * emoji contributes no valence.
 */
import { lexicon as LEXICON_OBJECT } from 'vader-sentiment/src/vader_lexicon.js';

const B_INCR = 0.293;
const B_DECR = -0.293;
const C_INCR = 0.733;
const N_SCALAR = -0.74;

const LEXICON: ReadonlyMap<string, number> = new Map(Object.entries(LEXICON_OBJECT));

const NEGATE = new Set([
  'aint', 'arent', 'cannot', 'cant', 'couldnt', 'darent', 'didnt', 'doesnt',
  "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
  'dont', 'hadnt', 'hasnt', 'havent', 'isnt', 'mightnt', 'mustnt', 'neither',
  "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
  'neednt', "needn't", 'never', 'none', 'nope', 'nor', 'not', 'nothing', 'nowhere',
  'oughtnt', 'shant', 'shouldnt', 'uhuh', 'wasnt', 'werent',
  "oughtn't", "shan't", "shouldn't", 'uh-uh', "wasn't", "weren't",
  'without', 'wont', 'wouldnt', "won't", "wouldn't", 'rarely', 'seldom', 'despite',
]);

const BOOSTERS: ReadonlyMap<string, number> = new Map([
  ...['absolutely', 'amazingly', 'awfully', 'completely', 'considerable', 'considerably', 'decidedly', 'deeply', 'effing', 'enormous', 'enormously',
    'entirely', 'especially', 'exceptional', 'exceptionally', 'extreme', 'extremely', 'fabulously', 'flipping', 'flippin', 'frackin', 'fracking',
    'fricking', 'frickin', 'frigging', 'friggin', 'fully', 'fuckin', 'fucking', 'fuggin', 'fugging', 'greatly', 'hella', 'highly', 'hugely',
    'incredible', 'incredibly', 'intensely', 'major', 'majorly', 'more', 'most', 'particularly', 'purely', 'quite', 'really', 'remarkably',
    'so', 'substantially', 'thoroughly', 'total', 'totally', 'tremendous', 'tremendously', 'uber', 'unbelievably', 'unusually', 'utter', 'utterly',
    'very'].map((w): [string, number] => [w, B_INCR]),
  ...['almost', 'barely', 'hardly', 'just enough', 'kind of', 'kinda', 'kindof', 'kind-of', 'less', 'little', 'marginal', 'marginally',
    'occasional', 'occasionally', 'partly', 'scarce', 'scarcely', 'slight', 'slightly', 'somewhat', 'sort of', 'sorta', 'sortof', 'sort-of'].map(
    (w): [string, number] => [w, B_DECR],
  ),
]);

const SPECIAL_CASES: ReadonlyMap<string, number> = new Map([
  ['the shit', 3], ['the bomb', 3], ['bad ass', 1.5], ['badass', 1.5], ['bus stop', 0], ['yeah right', -2],
  ['kiss of death', -1.5], ['to die for', 3], ['beating heart', 3.1], ['broken heart', -2.9],
]);

/** Python's `string.punctuation`, as a table of character codes. */
const PUNCTUATION = new Uint8Array(128);
for (const c of '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') PUNCTUATION[c.charCodeAt(0)] = 1;
const isPunctuation = (code: number) => code < 128 && PUNCTUATION[code] === 1;

/** Python's `str.strip(string.punctuation)`, kept only when more than two characters remain. */
function stripPunctuationIfWord(token: string): string {
  let a = 0;
  let b = token.length;
  while (a < b && isPunctuation(token.charCodeAt(a))) a++;
  while (b > a && isPunctuation(token.charCodeAt(b - 1))) b--;
  return b - a <= 2 ? token : token.slice(a, b);
}

/** Python's `str.isupper`: at least one cased character, and no lower-case one. */
function isUpper(s: string): boolean {
  let cased = false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) cased = true;
    else if (c > 127) return s !== s.toLowerCase() && s === s.toUpperCase();
  }
  return cased;
}

function countChar(text: string, code: number): number {
  let n = 0;
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === code) n++;
  return n;
}

function negatedWord(word: string): boolean {
  return NEGATE.has(word) || word.includes("n't");
}

function scalarIncDec(word: string, lower: string, valence: number, capDiff: boolean): number {
  let scalar = BOOSTERS.get(lower);
  if (scalar === undefined) return 0;
  if (valence < 0) scalar *= -1;
  if (capDiff && isUpper(word)) scalar += valence > 0 ? C_INCR : -C_INCR;
  return scalar;
}

/** The word at `k`, or '' before the first (as vaderSentiment's checks see it). */
const at = (low: readonly string[], k: number) => low[k] ?? '';

function negationCheck(valence: number, low: readonly string[], startI: number, i: number): number {
  if (startI === 0) {
    if (negatedWord(at(low, i - 1))) return valence * N_SCALAR;
  } else if (startI === 1) {
    if (at(low, i - 2) === 'never' && (at(low, i - 1) === 'so' || at(low, i - 1) === 'this')) return valence * 1.25;
    if (at(low, i - 2) === 'without' && at(low, i - 1) === 'doubt') return valence;
    if (negatedWord(at(low, i - 2))) return valence * N_SCALAR;
  } else if (startI === 2) {
    // As in vaderSentiment: (never and (so or this)) or (so or this), by Python's precedence.
    if ((at(low, i - 3) === 'never' && (at(low, i - 2) === 'so' || at(low, i - 2) === 'this')) || at(low, i - 1) === 'so' || at(low, i - 1) === 'this') return valence * 1.25;
    if (at(low, i - 3) === 'without' && (at(low, i - 2) === 'doubt' || at(low, i - 1) === 'doubt')) return valence;
    if (negatedWord(at(low, i - 3))) return valence * N_SCALAR;
  }
  return valence;
}

/** Python's negative indices: `words[-1]` is the last word. */
const py = (low: readonly string[], k: number) => (k < 0 ? (low[low.length + k] ?? '') : (low[k] ?? ''));

/** Every word of a special idiom or a multi-word booster: a window without one of them matches none. */
const IDIOM_WORDS = new Set([...SPECIAL_CASES.keys(), ...[...BOOSTERS.keys()].filter((k) => k.includes(' '))].flatMap((k) => k.split(' ')));

/** Called for i >= 3 only (the third word back exists). `idiom[k]`: whether word k is in IDIOM_WORDS. */
function specialIdiomsCheck(valence: number, low: readonly string[], idiom: Uint8Array, i: number): number {
  let any = false;
  for (let k = i - 3; k <= i + 2 && k < low.length && !any; k++) any = idiom[k] === 1;
  if (!any) return valence;
  const oneZero = `${py(low, i - 1)} ${py(low, i)}`;
  const twoOneZero = `${py(low, i - 2)} ${py(low, i - 1)} ${py(low, i)}`;
  const twoOne = `${py(low, i - 2)} ${py(low, i - 1)}`;
  const threeTwoOne = `${py(low, i - 3)} ${py(low, i - 2)} ${py(low, i - 1)}`;
  const threeTwo = `${py(low, i - 3)} ${py(low, i - 2)}`;
  for (const seq of [oneZero, twoOneZero, twoOne, threeTwoOne, threeTwo]) {
    const v = SPECIAL_CASES.get(seq);
    if (v !== undefined) {
      valence = v;
      break;
    }
  }
  if (low.length - 1 > i) {
    const v = SPECIAL_CASES.get(`${py(low, i)} ${py(low, i + 1)}`);
    if (v !== undefined) valence = v;
  }
  if (low.length - 1 > i + 1) {
    const v = SPECIAL_CASES.get(`${py(low, i)} ${py(low, i + 1)} ${py(low, i + 2)}`);
    if (v !== undefined) valence = v;
  }
  for (const gram of [threeTwoOne, threeTwo, twoOne]) {
    const b = BOOSTERS.get(gram);
    if (b !== undefined) valence += b;
  }
  return valence;
}

function leastCheck(valence: number, low: readonly string[], known: Uint8Array, i: number): number {
  if (i > 1 && !known[i - 1] && low[i - 1] === 'least') {
    if (low[i - 2] !== 'at' && low[i - 2] !== 'very') return valence * N_SCALAR;
  } else if (i > 0 && !known[i - 1] && low[i - 1] === 'least') return valence * N_SCALAR;
  return valence;
}

/**
 * A text's tokens as the rules read them: as written, lower-cased, each one's lexicon valence
 * (`known[k]` says whether it has one) and whether it belongs to some idiom; looked up once per token.
 */
interface Tokens {
  readonly words: readonly string[];
  readonly low: readonly string[];
  readonly valence: Float64Array;
  readonly known: Uint8Array;
  readonly idiom: Uint8Array;
}

function sentimentValence({ words, low, valence: lexicon, known, idiom }: Tokens, capDiff: boolean, i: number): number {
  if (!known[i]) return 0;
  const item = words[i];
  const lower = low[i];
  const base = lexicon[i];
  let valence = base;
  // "no" before another lexicon word negates it instead of counting itself.
  if (lower === 'no' && i !== words.length - 1 && known[i + 1]) valence = 0;
  if ((i > 0 && low[i - 1] === 'no') || (i > 1 && low[i - 2] === 'no') || (i > 2 && low[i - 3] === 'no' && (low[i - 1] === 'or' || low[i - 1] === 'nor'))) valence = base * N_SCALAR;
  if (capDiff && isUpper(item)) valence += valence > 0 ? C_INCR : -C_INCR;
  for (let startI = 0; startI < 3; startI++) {
    if (i > startI && !known[i - (startI + 1)]) {
      let s = scalarIncDec(words[i - (startI + 1)], low[i - (startI + 1)], valence, capDiff);
      if (startI === 1 && s !== 0) s *= 0.95;
      if (startI === 2 && s !== 0) s *= 0.9;
      valence += s;
      valence = negationCheck(valence, low, startI, i);
      if (startI === 2) valence = specialIdiomsCheck(valence, low, idiom, i);
    }
  }
  return leastCheck(valence, low, known, i);
}

/** The "but" rule as vaderSentiment applies it, including its lookup of each value's first position. */
function butCheck(low: readonly string[], sentiments: number[]): number[] {
  const bi = low.indexOf('but');
  if (bi < 0) return sentiments;
  for (let k = 0; k < sentiments.length; k++) {
    const sentiment = sentiments[k];
    const si = sentiments.indexOf(sentiment);
    if (si < bi) sentiments[si] = sentiment * 0.5;
    else if (si > bi) sentiments[si] = sentiment * 1.5;
  }
  return sentiments;
}

/** Python's `str.split()` separators: \t-\r, \x1c-\x1f, space, \x85, no-break and Unicode spaces. */
const NOT_SPACE = /[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export interface VaderScores {
  readonly neg: number;
  readonly neu: number;
  readonly pos: number;
  readonly compound: number;
}

export function vaderScores(text: string): VaderScores {
  // Python's str.split(): runs of its white space (which is not quite JavaScript's \s) separate tokens.
  const raw = text.match(NOT_SPACE) ?? [];
  const n = raw.length;
  const words: string[] = new Array<string>(n);
  const low: string[] = new Array<string>(n);
  const valence = new Float64Array(n);
  const known = new Uint8Array(n);
  const idiom = new Uint8Array(n);
  let upper = 0;
  for (let k = 0; k < n; k++) {
    const w = stripPunctuationIfWord(raw[k]);
    const l = w.toLowerCase();
    words[k] = w;
    low[k] = l;
    const v = LEXICON.get(l);
    if (v !== undefined) {
      valence[k] = v;
      known[k] = 1;
    }
    if (IDIOM_WORDS.has(l)) idiom[k] = 1;
    if (isUpper(w)) upper++;
  }
  const tokens: Tokens = { words, low, valence, known, idiom };
  if (words.length === 0) return { neg: 0, neu: 0, pos: 0, compound: 0 };
  const capDiff = words.length - upper > 0 && words.length - upper < words.length;
  let sentiments: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const lower = low[i];
    if (BOOSTERS.has(lower) || (i < words.length - 1 && lower === 'kind' && low[i + 1] === 'of')) sentiments.push(0);
    else sentiments.push(sentimentValence(tokens, capDiff, i));
  }
  sentiments = butCheck(low, sentiments);
  let sum = 0;
  for (const s of sentiments) sum += s;
  const exclamations = Math.min(4, countChar(text, 33));
  const questions = countChar(text, 63);
  const emphasis = exclamations * 0.292 + (questions > 1 ? (questions <= 3 ? questions * 0.18 : 0.96) : 0);
  if (sum > 0) sum += emphasis;
  else if (sum < 0) sum -= emphasis;
  const compound = Math.max(-1, Math.min(1, sum / Math.sqrt(sum * sum + 15)));
  let pos = 0;
  let neg = 0;
  let neu = 0;
  for (const s of sentiments) {
    if (s > 0) pos += s + 1;
    if (s < 0) neg += s - 1;
    if (s === 0) neu += 1;
  }
  if (pos > Math.abs(neg)) pos += emphasis;
  else if (pos < Math.abs(neg)) neg -= emphasis;
  const total = pos + Math.abs(neg) + neu;
  return { neg: round(Math.abs(neg / total), 3), neu: round(Math.abs(neu / total), 3), pos: round(Math.abs(pos / total), 3), compound: round(compound, 4) };
}
