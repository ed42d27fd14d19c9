/**
 * Words as researchers count them for length criteria (the reference study's 50-400-word posts and
 * 100-150-word replies): runs of letters or digits, with inner apostrophes (curly or straight) and
 * hyphens kept inside the word, so "don't", "it’s" and "well-being" are one word each.
 */
const WORD = /[\p{L}\p{N}]+(?:[’'\-‐][\p{L}\p{N}]+)*/gu;

export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

export function countWords(text: string): number {
  let n = 0;
  WORD.lastIndex = 0;
  while (WORD.exec(text) !== null) n++;
  return n;
}
