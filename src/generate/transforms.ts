/**
 * Text transforms of generated replies.
 *
 * Blinding clean-up, applied to every generated reply before it is stored, so raters cannot tell a
 * model by its formatting (each change is logged with the reply): Markdown to plain text, sentences
 * that disclose an AI, and signatures and boilerplate sign-offs.
 *
 * Style variants, for controlled experiments on what drives ratings (a limitation the reference
 * study names: emojis and exclamation marks may drive perceived empathy): emojis removed,
 * exclamation marks turned into full stops, truncation to N words at a sentence boundary. Variants
 * are stored as new responses linked to their parent.
 */
import emojiRegex from 'emoji-regex';

export interface TransformLog {
  readonly transform: string;
  readonly before: string;
  readonly after: string;
}

/** Markdown to plain text: headings, emphasis, list markers, links, code, rules, quotes. */
export function markdownToPlain(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, (m) => m.replace(/```\w*\n?/g, ''))
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, '')
    .replace(/^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$/gm, '')
    .replace(/^[ \t]*>[ \t]?/gm, '')
    .replace(/^[ \t]*[-*+][ \t]+/gm, '')
    .replace(/^[ \t]*\d+[.)][ \t]+/gm, '')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])/g, '$2')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const AI_SENTENCE = /[^.!?\n]*\b(as an? (?:ai|artificial intelligence)(?: language model| assistant| model)?|i(?:'m| am) (?:just )?an? (?:ai|language model|chatbot|virtual assistant)|as a (?:large )?language model|i (?:don't|do not) have (?:personal )?(?:feelings|experiences|emotions))\b[^.!?\n]*[.!?]?/gi;

/** Removes sentences in which the writer says it is an AI (line breaks are kept). */
export function removeAiDisclosure(text: string): string {
  return text
    .replace(/’/g, "'")
    .replace(AI_SENTENCE, '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/^[ \t]+|[ \t]+$/gm, '')
    .trim();
}

const SIGN_OFF = /\n+\s*(?:(?:warm(?:est)? regards|best(?: wishes| regards)?|kind regards|sincerely|take care|cheers|with care|wishing you (?:well|the best)|hugs)[,!.]?\s*(?:\n\s*[^\n]{0,40})?|[-–—]\s*[^\n]{1,40}|\[(?:your name|name)\])\s*$/i;

/** Removes a signature or boilerplate sign-off on the last lines ("Warm regards,\nAlex", "- A friend"). */
export function removeSignOff(text: string): string {
  let out = text.trimEnd();
  for (let i = 0; i < 2; i++) out = out.replace(SIGN_OFF, '').trimEnd();
  return out;
}

/** The blinding clean-up: every transform that changed the text, logged. */
export function blind(text: string): { text: string; log: TransformLog[] } {
  const log: TransformLog[] = [];
  let current = text;
  for (const [name, fn] of [
    ['markdown-to-plain', markdownToPlain],
    ['remove-ai-disclosure', removeAiDisclosure],
    ['remove-sign-off', removeSignOff],
  ] as const) {
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

export type VariantSpec = { readonly name: string; apply(text: string): string };

/** Style variants by name: `no-emoji`, `no-exclamation`, `truncate-N`. */
export function variant(name: string): VariantSpec | undefined {
  if (name === 'no-emoji') return { name, apply: removeEmojis };
  if (name === 'no-exclamation') return { name, apply: exclamationsToFullStops };
  const m = /^truncate-(\d+)$/.exec(name);
  if (m) {
    const n = Number(m[1]);
    return { name, apply: (t) => truncateWords(t, n) };
  }
  return undefined;
}
