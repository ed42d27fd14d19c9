/**
 * Checks stored with every generated reply: length against the manifest's word range, refusals and
 * AI self-disclosure, repetition loops, empty output and truncation (finish reason "length").
 */
import { countWords, words } from '../language/words.js';

export interface ReplyChecks {
  readonly words: number;
  readonly inRange: boolean;
  readonly empty: boolean;
  readonly refusal: boolean;
  readonly aiDisclosure: boolean;
  readonly repetition: boolean;
  readonly truncated: boolean;
  /** All checks passed. */
  readonly passed: boolean;
}

const REFUSAL = /\b(i(?:'m| am) (?:sorry, but i|unable to|not able to) (?:can(?:no|')t )?(?:help|assist|provide|respond)|i can(?:no|')t (?:help|assist|provide|respond) with (?:that|this))/i;
const AI_DISCLOSURE = /\b(as an? (?:ai|artificial intelligence)(?: language model| assistant| model)?|i(?:'m| am) (?:just )?an? (?:ai|language model|chatbot|virtual assistant)|as a (?:large )?language model)\b/i;

/** The same word four or more times in a row, or a 3-to-8-word phrase three or more times in a row. */
export function hasRepetitionLoop(text: string): boolean {
  const w = words(text.toLowerCase());
  for (let i = 0; i + 3 < w.length; i++) if (w[i] === w[i + 1] && w[i] === w[i + 2] && w[i] === w[i + 3]) return true;
  for (let n = 3; n <= 8; n++)
    for (let i = 0; i + 3 * n <= w.length; i++) {
      const a = w.slice(i, i + n).join(' ');
      if (a === w.slice(i + n, i + 2 * n).join(' ') && a === w.slice(i + 2 * n, i + 3 * n).join(' ')) return true;
    }
  return false;
}

export function checkReply(text: string, finishReason: string, range: { min: number; max: number }): ReplyChecks {
  const n = countWords(text);
  const c = {
    words: n,
    inRange: n >= range.min && n <= range.max,
    empty: text.trim() === '',
    refusal: REFUSAL.test(text.replace(/’/g, "'")),
    aiDisclosure: AI_DISCLOSURE.test(text.replace(/’/g, "'")),
    repetition: hasRepetitionLoop(text),
    truncated: finishReason === 'length',
  };
  return { ...c, passed: c.inRange && !c.empty && !c.refusal && !c.aiDisclosure && !c.repetition && !c.truncated };
}
