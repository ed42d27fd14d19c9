import { warmthComposite } from '../language/warmth.js';

/**
 * Source effects from the offline style battery: a warmth composite per reply (validation, apology,
 * emotion naming, VADER compound; each standardised), averaged per source,
 * relative to the reference source (the first when it is absent), at half a scale point per SD.
 */
export function effectsFromStyle(replies: ReadonlyArray<{ source: string; text: string }>, reference?: string): Record<string, number> {
  const composite = warmthComposite(replies.map((r) => r.text));
  const sources = [...new Set(replies.map((r) => r.source))];
  const mean = (s: string) => {
    const v = composite.filter((_, i) => replies[i]?.source === s);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  const base = mean(reference && sources.includes(reference) ? reference : sources[0]);
  return Object.fromEntries(sources.map((s) => [s, 0.5 * (mean(s) - base)]));
}
