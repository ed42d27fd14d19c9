/**
 * Personal information that must not reach raters: e-mail addresses, phone numbers, URLs and user
 * handles (`u/name`, `@name`). Found spans do not overlap; the earliest, longest match wins.
 */
export type PersonalInfoKind = 'email' | 'url' | 'phone' | 'handle' | 'name' | 'place';

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

/**
 * Names and places, found by the words that introduce them (no name list can be complete): a
 * capitalised word or two after "my name is", "I'm called", "named", a title (Mr, Dr), a relation
 * ("my boss Karen", "my sister Amy"), and after "live in", "moved to", "from", "work at". The
 * capture group is the name or place; the cue stays, so the sentence still reads.
 */
const RELATIONS = 'husband|wife|partner|boyfriend|girlfriend|son|daughter|mother|father|mum|mom|dad|brother|sister|friend|boss|manager|colleague|coworker|teacher|neighbour|neighbor|ex|cousin|aunt|uncle|grandma|grandpa|therapist|doctor';
const PROPER = "((?:[A-Z][\\p{Ll}'’-]+)(?:\\s+[A-Z][\\p{Ll}'’-]+)?)";
const CUED: ReadonlyArray<readonly [PersonalInfoKind, RegExp]> = [
  ['name', new RegExp(`\\b(?:[Mm]y name is|[Ii]'?m called|[Ii] am called|[Cc]alled|[Nn]amed|(?:Mr|Mrs|Ms|Miss|Dr|Prof)\\.?|[Mm]y (?:${RELATIONS})(?:'s name is)?)\\s+${PROPER}`, 'gu')],
  ['place', new RegExp(`\\b(?:[Ll]ive in|[Ll]iving in|[Mm]oved to|[Mm]oving to|[Gg]rew up in|[Ff]rom|[Ww]ork at|[Ww]orking at|[Ss]tudy at|[Ss]tudying at|[Nn]ear)\\s+(?:the\\s+)?${PROPER}`, 'gu')],
];
/** Capitalised words that follow a cue without being a name or a place ("my friend I", "from Monday"). */
const NOT_PROPER = new Set(['I', 'The', 'A', 'An', 'And', 'But', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December', 'God']);

const REPLACEMENT: Record<PersonalInfoKind, string> = { email: '[EMAIL]', url: '[URL]', phone: '[PHONE]', handle: '[USER]', name: '[NAME]', place: '[PLACE]' };

/**
 * Personal information in a text. With `namesAndPlaces` (the field study's posts), also names and
 * places after the words that introduce them; without it, contact details only (the corpus lint).
 */
export function findPersonalInfo(text: string, options: { namesAndPlaces?: boolean } = {}): PersonalInfoSpan[] {
  const found: PersonalInfoSpan[] = [];
  if (options.namesAndPlaces)
    for (const [kind, re] of CUED) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const words = (m[1] as string).split(/\s+/);
        // "my friend Sam Monday": the name is the words before a word that is not one.
        const cut = words.findIndex((w) => NOT_PROPER.has(w));
        const kept = cut < 0 ? words : words.slice(0, cut);
        if (kept.length === 0) continue;
        const name = kept.join(' ');
        const start = m.index + m[0].length - (m[1] as string).length;
        const end = start + (m[1] as string).indexOf(name) + name.length;
        if (found.some((f) => start < f.end && f.start < end)) continue;
        found.push({ kind, start, end, text: text.slice(start, end) });
      }
    }
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
