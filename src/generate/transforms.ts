/**
 * Text transforms of generated replies.
 *
 * Blinding clean-up, applied to every generated reply before it is stored, so raters cannot tell a
 * model by its formatting (each change is logged with the reply): Markdown to plain text, sentences
 * that disclose an AI, and signatures and boilerplate sign-offs.
 *
 * Style variants, for controlled experiments on what drives ratings (a limitation the reference
 * study names: emojis and exclamation marks may drive perceived empathy): emojis removed or added,
 * exclamation marks turned into full stops or added, truncation to N words at a sentence boundary.
 * Variants are stored as new responses linked to their parent. Model rewrites (`formal`, `casual`)
 * are in arms.ts.
 */
import emojiRegex from 'emoji-regex';

export interface TransformLog {
  readonly transform: string;
  readonly before: string;
  readonly after: string;
}

/** Markdown to plain text: headings, emphasis, list markers, links, code, rules, quotes. Text without Markdown comes back as it was. */
export function markdownToPlain(text: string): string {
  const stripped = text
    .replace(/```[\s\S]*?```/g, (m) => m.replace(/```\w*\n?/g, ''))
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, '')
    .replace(/^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$/gm, '')
    .replace(/^[ \t]*>[ \t]?/gm, '')
    .replace(/^[ \t]*[-*+][ \t]+/gm, '')
    .replace(/^[ \t]*\d+[.)][ \t]+/gm, '')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])/g, '$2');
  return stripped === text ? text : stripped.replace(/\n{3,}/g, '\n\n').trim();
}

const APOSTROPHE = "['\u2019]";
const AI_NOUN = '(?:ai(?: language model| assistant| model)?|artificial intelligence|(?:large )?language model|chatbot|virtual assistant)';
const AI_SENTENCE = new RegExp(
  `[^.!?\\n]*\\b(?:as an? ${AI_NOUN}|i(?:${APOSTROPHE}m| am) (?:just |only |merely )?an? ${AI_NOUN}|being an? ${AI_NOUN}|i (?:don${APOSTROPHE}t|do not) have (?:personal )?(?:feelings|experiences|emotions))\\b[^.!?\\n]*[.!?]?`,
  'gi',
);

/** Removes sentences in which the writer says it is an AI; everything else (line breaks, curly quotes) is kept. */
export function removeAiDisclosure(text: string): string {
  if (!new RegExp(AI_SENTENCE.source, 'i').test(text)) return text;
  return text
    .replace(AI_SENTENCE, '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/^[ \t]+|[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Closing formulas of a letter, each letter of the first word in either case. */
const CLOSINGS = [
  'warm regards', 'warmest regards', 'warmly', 'best', 'best wishes', 'best regards', 'best of luck', 'all the best', 'kind regards', 'regards',
  'sincerely', 'yours truly', 'take care', 'cheers', 'with love', 'with care', 'sending love', 'sending hugs', 'sending strength',
  'wishing you well', 'wishing you the best', 'wishing you strength', 'hugs',
];
const closing = `(?:${CLOSINGS.map((c) => `[${c[0]?.toUpperCase()}${c[0]}]${c.slice(1)}`).join('|')})`;
/** On its own line(s) at the end: a closing (and a short signature line), a dash signature with no sentence in it, or a name placeholder. */
const SIGN_OFF_LINES = new RegExp(
  // A dash line right after a list item is the list's last item, not a signature.
  `(?:\\n+[ \\t]*(?:${closing}[,!.]?[ \\t]*(?:\\n[ \\t]*[^\\n]{1,40})?|\\[(?:[Yy]our [Nn]ame|[Nn]ame)\\])|(?<!(?:^|\\n)[ \\t]*[-*+\u2013\u2014][^\\n]*)\\n+[ \\t]*[-\u2013\u2014][ \\t]*[^\\n.!?]{1,40})[ \\t]*$`,
);
/** On the same line as the last sentence: a closing, alone or with a capitalised name ("Take care, Sam"). */
const SIGN_OFF_SAME_LINE = new RegExp(`(?<=[.!?])[ \\t]+${closing}(?:,?[ \\t]+[A-Z][a-z'\u2019-]+(?:[ \\t]+[A-Z][a-z'\u2019-]+)?)?[ \\t]*[.!]?[ \\t]*$`);

/** Removes a signature or boilerplate sign-off at the end ("Warm regards,\nAlex", "- A friend", "... Take care, Sam"). */
export function removeSignOff(text: string): string {
  let out = text.trimEnd();
  for (let i = 0; i < 2; i++) out = out.replace(SIGN_OFF_LINES, '').replace(SIGN_OFF_SAME_LINE, '').trimEnd();
  return out === text.trimEnd() ? text : out;
}

// Sign-offs first: a signature such as "- A friend" would otherwise be read as a Markdown list item.
const BLINDING = [
  ['remove-sign-off', removeSignOff],
  ['markdown-to-plain', markdownToPlain],
  ['remove-ai-disclosure', removeAiDisclosure],
] as const;

/** The names of the blinding transforms, as replies' transform logs record them. */
export const BLINDING_TRANSFORMS: ReadonlySet<string> = new Set(BLINDING.map(([name]) => name));

/** The blinding clean-up: every transform that changed the text, logged. */
export function blind(text: string): { text: string; log: TransformLog[] } {
  const log: TransformLog[] = [];
  let current = text;
  for (const [name, fn] of BLINDING) {
    const next = fn(current);
    if (next !== current) log.push({ transform: name, before: current, after: next });
    current = next;
  }
  return { text: current, log };
}

const EMOJI = emojiRegex();

export function removeEmojis(text: string): string {
  return text.replace(EMOJI, '').replace(/[ \t]{2,}/g, ' ').replace(/\s+([.,!?])/g, '$1').trim();
}

/** "!" and "!!" become ".", and "?!" becomes "?". */
export function exclamationsToFullStops(text: string): string {
  return text.replace(/\?!+/g, '?').replace(/!+/g, '.');
}

/** The longest run of whole sentences within `n` words (at least the first sentence, cut at n words). */
export function truncateWords(text: string, n: number): string {
  const sentences = text.match(/[^.!?]+[.!?]+["')\]]*\s*|[^.!?]+$/g) ?? [text];
  let out = '';
  let count = 0;
  for (const s of sentences) {
    const w = (s.match(/[\p{L}\p{N}'’-]+/gu) ?? []).length;
    if (count + w > n) break;
    out += s;
    count += w;
  }
  if (out.trim() !== '') return out.trim();
  return text.split(/\s+/).slice(0, n).join(' ');
}

/** A reply's sentences, each with its end punctuation and the space after it. */
function sentencesOf(text: string): string[] {
  return text.match(/[^.!?]+[.!?]+["')\]]*\s*|[^.!?]+$/g) ?? [text];
}

/** Emojis `add-emoji` inserts, in turn: warm and neutral, none that changes what a reply says. */
const ADDED_EMOJIS = ['\u{1F499}', '\u{1F917}', '\u{1F60A}'] as const;

/**
 * The reverse of `no-emoji`, for human replies: an emoji after the first sentence, after every
 * third sentence after it (the 4th, 7th, ...) and after the last, taking 💙, 🤗 and 😊 in turn.
 * Deterministic: the same reply always gets the same emojis in the same places.
 */
export function addEmojis(text: string): string {
  const parts = sentencesOf(text.trim());
  let k = 0;
  return parts
    .map((s, i) => {
      if (i % 3 !== 0 && i !== parts.length - 1) return s;
      const m = /^([\s\S]*?)(\s*)$/.exec(s);
      const body = m?.[1] ?? s;
      const space = m?.[2] ?? '';
      return `${body} ${ADDED_EMOJIS[k++ % ADDED_EMOJIS.length]}${space}`;
    })
    .join('');
}

/**
 * The reverse of `no-exclamation`: the full stop that ends the first sentence, every other sentence
 * after it (the 3rd, 5th, ...) and the last becomes "!". Questions keep their question mark.
 */
export function addExclamations(text: string): string {
  const parts = sentencesOf(text.trim());
  return parts.map((s, i) => (i % 2 === 0 || i === parts.length - 1 ? s.replace(/(?<!\.)\.(["')\]]*\s*)$/, '!$1') : s)).join('');
}

export type VariantSpec = { readonly name: string; apply(text: string): string };

/** Deterministic style variants by name: `no-emoji`, `no-exclamation`, `add-emoji`, `add-exclamation`, `truncate-N`. */
export function variant(name: string): VariantSpec | undefined {
  if (name === 'no-emoji') return { name, apply: removeEmojis };
  if (name === 'no-exclamation') return { name, apply: exclamationsToFullStops };
  if (name === 'add-emoji') return { name, apply: addEmojis };
  if (name === 'add-exclamation') return { name, apply: addExclamations };
  const m = /^truncate-(\d+)$/.exec(name);
  if (m) {
    const n = Number(m[1]);
    return { name, apply: (t) => truncateWords(t, n) };
  }
  return undefined;
}
