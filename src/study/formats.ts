/**
 * The rating formats of `instrument.scales[].type` as the rest of the project sees them: the scales
 * that give each reply a number (likert, slider, and a multi-item scale's composite) and the one
 * pairwise scale that compares two replies. A multi-item scale's answers are stored one rating per
 * item, under the scale id `SCALE.ITEM` (ids never contain a dot).
 */
import type { MultiItemScale, PairwiseScale, Scale, Study } from './schema.js';

export type RatedScale = Exclude<Scale, PairwiseScale>;

/** A slider's values: whole numbers from 0 to 100. */
export const SLIDER_MIN = 0;
export const SLIDER_MAX = 100;

/** The scales that rate each reply on its own (every format but pairwise), in the manifest's order. */
export function ratedScales(study: Study): RatedScale[] {
  return study.instrument.scales.filter((s): s is RatedScale => s.type !== 'pairwise');
}

/** The study's pairwise scale, if it has one. */
export function pairwiseScale(study: Study): PairwiseScale | undefined {
  return study.instrument.scales.find((s): s is PairwiseScale => s.type === 'pairwise');
}

/** The lowest and highest value of a rated scale (a multi-item scale: of each item and of the composite). */
export function rangeOf(scale: RatedScale): { min: number; max: number } {
  return scale.type === 'slider' ? { min: SLIDER_MIN, max: SLIDER_MAX } : { min: 1, max: scale.points };
}

/** The stored scale id of one item of a multi-item scale. */
export const itemScaleId = (scale: MultiItemScale | string, item: string) => `${typeof scale === 'string' ? scale : scale.id}.${item}`;

/** The scale and item of a stored scale id (`empathy` or `mie.warm`). */
export function splitScaleId(stored: string): { scale: string; item: string | null } {
  const dot = stored.indexOf('.');
  return dot < 0 ? { scale: stored, item: null } : { scale: stored.slice(0, dot), item: stored.slice(dot + 1) };
}

/** The scale ids a rating of one reply stores: one per likert or slider scale, one per item of a multi-item scale. */
export function storedScaleIds(scale: RatedScale): string[] {
  return scale.type === 'multi-item' ? scale.items.map((i) => itemScaleId(scale, i.id)) : [scale.id];
}

/** The composite of a multi-item answer: the mean of the items, reverse-keyed items scored points + 1 - answer. */
export function composite(scale: MultiItemScale, answers: ReadonlyMap<string, number>): number | null {
  let sum = 0;
  for (const item of scale.items) {
    const v = answers.get(item.id);
    if (v === undefined) return null;
    sum += item.reverse ? scale.points + 1 - v : v;
  }
  return sum / scale.items.length;
}

/**
 * A pairwise preference as stored: the right reply's side of a symmetric scale. Without strength:
 * -1 (left chosen) or 1 (right chosen); with strength: -2 clearly left, -1 slightly left, 1 slightly
 * right, 2 clearly right.
 */
export const preferenceValues = (scale: PairwiseScale): readonly number[] => (scale.strength ? [-2, -1, 1, 2] : [-1, 1]);
