/**
 * The offline `lexicon` judge, a transparent baseline (no model, no network): each reply's warmth
 * composite from the style battery (validation, apology, emotion naming, VADER compound; each
 * standardised over the study's replies, then averaged: `language/warmth.ts`) mapped onto every
 * item's range through the normal distribution, min + (max - min) * Phi(z). A reply of average
 * warmth scores the middle of the range. It knows nothing about the raters; it is what a judge
 * must beat to be worth its cost.
 */
import { warmthComposite } from '../language/warmth.js';
import { normalUpperTail } from '../stats/distributions.js';
import type { Rubric } from './rubric.js';

export function lexiconScores(texts: readonly string[], rubric: Rubric): Array<Record<string, number>> {
  const z = warmthComposite(texts);
  return z.map((v) => Object.fromEntries(rubric.items.map((i) => [i.id, i.min + (i.max - i.min) * (1 - normalUpperTail(v))])));
}
