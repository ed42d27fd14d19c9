import { extractFeatures } from './features.js';

/** The features of the warmth composite (questions to the seeker are left out: a reply made only of questions, ELIZA's, is not warm). */
export const WARMTH_FEATURES = ['validation', 'apology', 'emotion_naming', 'vader_compound'] as const;

/**
 * A warmth composite per text, from the style battery: each feature standardised over the texts
 * (mean 0, SD 1; a constant feature contributes 0), then averaged. Relative to the texts given.
 */
export function warmthComposite(texts: readonly string[]): number[] {
  const f = texts.map((t) => extractFeatures(t));
  const z = WARMTH_FEATURES.map((n) => {
    const v = f.map((x) => x[n] ?? 0);
    const m = v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length - 1)) || 1;
    return v.map((x) => (x - m) / sd);
  });
  return texts.map((_, i) => z.reduce((s, col) => s + (col[i] ?? 0), 0) / WARMTH_FEATURES.length);
}
