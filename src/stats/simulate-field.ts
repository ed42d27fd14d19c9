/**
 * A synthetic field study (issue 20): seekers who post about a difficulty, a supporter who answers
 * each post in the post's arm, and the seeker's own outcomes. The generative model, per seeker i in
 * domain d, answered by supporter s in arm a:
 *
 *   pre_i   = preMean + u_i,                        u_i ~ N(0, sdSeeker^2), clamped to 0..100
 *   post_i  = pre_i + improvement + effect[a] + v_s + e_i,
 *             v_s ~ N(0, sdSupporter^2), e_i ~ N(0, sdResidual^2), clamped to 0..100
 *   rating_i (1..points) = round(ratingMean + ratingEffect[a] + v_s / 10 + N(0, ratingSd^2))
 *
 * so `post ~ arm + pre + (1 | supporter)` recovers the planted arm effects. Arms come from the
 * stratified block randomisation the study uses (`randomise.ts`), supporters in turn.
 */
import { blockArm } from './randomise.js';
import { normalDraw, seededRng } from './random.js';

export interface FieldModel {
  readonly seekers: number;
  readonly supporters: number;
  readonly domains: readonly string[];
  readonly arms: readonly string[];
  /** Per arm, points on the 0-100 outcome added to the improvement (the first arm typically 0). */
  readonly effects: Readonly<Record<string, number>>;
  readonly ratingEffects?: Readonly<Record<string, number>>;
  readonly preMean: number;
  readonly improvement: number;
  readonly sdSeeker: number;
  readonly sdSupporter: number;
  readonly sdResidual: number;
  readonly ratingMean: number;
  readonly ratingSd: number;
  readonly points: number;
  readonly seed: number;
  /** Units per randomisation block (default: twice the arms), as the study randomises. */
  readonly blockSize?: number;
}

export const DEFAULT_FIELD: Omit<FieldModel, 'seekers' | 'supporters' | 'domains' | 'arms' | 'effects' | 'seed'> = {
  preMean: 40,
  improvement: 8,
  sdSeeker: 15,
  sdSupporter: 4,
  sdResidual: 10,
  ratingMean: 3.6,
  ratingSd: 0.9,
  points: 5,
};

export interface FieldSeeker {
  readonly seeker: number;
  readonly domain: string;
  readonly arm: string;
  readonly supporter: number;
  readonly pre: number;
  readonly post: number;
  readonly rating: number;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export function simulateField(model: FieldModel): FieldSeeker[] {
  const rng = seededRng(model.seed);
  const supporterEffect = Array.from({ length: model.supporters }, () => model.sdSupporter * normalDraw(rng));
  const perDomain = new Map<string, number>();
  return Array.from({ length: model.seekers }, (_, i) => {
    const domain = model.domains[i % model.domains.length] as string;
    const index = perDomain.get(domain) ?? 0;
    perDomain.set(domain, index + 1);
    const arm = blockArm(model.arms, domain, index, { seed: model.seed, ...(model.blockSize !== undefined ? { blockSize: model.blockSize } : {}) });
    const supporter = i % model.supporters;
    const pre = Math.round(clamp(model.preMean + model.sdSeeker * normalDraw(rng), 0, 100));
    const v = supporterEffect[supporter] as number;
    const post = Math.round(clamp(pre + model.improvement + (model.effects[arm] ?? 0) + v + model.sdResidual * normalDraw(rng), 0, 100));
    const rating = Math.round(clamp(model.ratingMean + (model.ratingEffects?.[arm] ?? 0) + v / 10 + model.ratingSd * normalDraw(rng), 1, model.points));
    return { seeker: i, domain, arm, supporter, pre, post, rating };
  });
}
