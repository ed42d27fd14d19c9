import { extractFeatures } from '../language/features.js';

/**
 * Source effects from the offline style battery: a warmth composite per reply (validation, apology,
 * emotion naming, VADER compound; each standardised), averaged per source,
 * relative to the reference source (the first when it is absent), at half a scale point per SD.
 */
export function effectsFromStyle(replies: ReadonlyArray<{ source: string; text: string }>, reference?: string): Record<string, number> {
  // Questions to the seeker are left out: a reply made only of questions (ELIZA) is not warm.
  const names = ['validation', 'apology', 'emotion_naming', 'vader_compound'];
  const f = replies.map((r) => extractFeatures(r.text));
  const z = names.map((n) => {
    const v = f.map((x) => x[n]);
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length - 1)) || 1;
    return v.map((x) => (x - m) / sd);
  });
  const composite = replies.map((_, i) => z.reduce((s, col) => s + col[i], 0) / names.length);
  const sources = [...new Set(replies.map((r) => r.source))];
  const mean = (s: string) => {
    const v = composite.filter((_, i) => replies[i]?.source === s);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  const base = mean(reference && sources.includes(reference) ? reference : sources[0]);
  return Object.fromEntries(sources.map((s) => [s, 0.5 * (mean(s) - base)]));
}
