/**
 * Personal information that must not reach raters: e-mail addresses, phone numbers, URLs and user
 * handles (`u/name`, `@name`). Found spans do not overlap; the earliest, longest match wins.
 */
export type PersonalInfoKind = 'email' | 'url' | 'phone' | 'handle';

export interface PersonalInfoSpan {
  readonly kind: PersonalInfoKind;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const PATTERNS: ReadonlyArray<readonly [PersonalInfoKind, RegExp]> = [
  ['email', /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu],
  // A URL does not end in the punctuation of the sentence around it.
  ['url', /\b(?:https?:\/\/|www\.)[^\s<>"')\]]*[^\s<>"')\].,;:!?]|\b[a-z0-9-]+\.(?:com|org|net|io|co|uk|de|edu|gov|me|ly)(?:\/[^\s<>"')\]]*[^\s<>"')\].,;:!?])?\b/giu],
  ['handle', /(?<![\p{L}\p{N}/])\/?u\/[A-Za-z0-9_-]{3,20}\b|(?<![\p{L}\p{N}@.])@[A-Za-z0-9_]{2,30}\b/gu],
  // 9 to 15 digits with the usual separators, e.g. +1 (555) 123-4567, 07700 900123, 555.123.4567.
  ['phone', /(?<![\p{N}\p{L}])\+?\d[\d\s().-]{7,20}\d(?![\p{N}\p{L}])/gu],
];

const REPLACEMENT: Record<PersonalInfoKind, string> = { email: '[EMAIL]', url: '[URL]', phone: '[PHONE]', handle: '[USER]' };

export function findPersonalInfo(text: string): PersonalInfoSpan[] {
  const found: PersonalInfoSpan[] = [];
  for (const [kind, re] of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const span = { kind, start: m.index, end: m.index + m[0].length, text: m[0] };
      if (kind === 'phone') {
        const digits = span.text.replace(/\D/g, '').length;
        if (digits < 9 || digits > 15) continue;
      }
      if (found.some((f) => span.start < f.end && f.start < span.end)) continue;
      found.push(span);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Replaces every span by a placeholder such as `[EMAIL]`. */
export function redact(text: string, spans: readonly PersonalInfoSpan[] = findPersonalInfo(text)): string {
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + REPLACEMENT[s.kind];
    at = s.end;
  }
  return out + text.slice(at);
}
