/**
 * A power analysis over a grid of designs (posts x raters): at each point, the power of every
 * contrast under the planted model and, as a check of the test itself, its type I error under the
 * null model (every source at one mean); and the search `plan` makes for the raters that reach a
 * target power.
 */
import type { Adjustment } from '../stats/adjustments.js';
import { binomialInterval, contrastLabels, summarisePower, type PowerModel, type PowerSummary, type PowerTest } from '../stats/power.js';
import type { DesignType } from '../server/assignment.js';
import { powerDesign } from './design.js';
import { runPower } from './run.js';

export interface PowerPlan {
  readonly type: DesignType;
  readonly sources: readonly string[];
  readonly postsPerRater: number;
  readonly posts: readonly number[];
  readonly raters: readonly number[];
  readonly model: PowerModel;
  readonly reference: string;
  readonly alpha: number;
  readonly adjust: Adjustment;
  readonly simulations: number;
  /** Null simulations per point for the type I error (0: not checked, and the output says so). */
  readonly nullSimulations: number;
  readonly seed: number;
  readonly workers?: number;
}

export interface Rate {
  readonly rejections: number;
  readonly simulations: number;
  readonly rate: number;
  readonly lower: number;
  readonly upper: number;
}

export interface PowerPoint {
  readonly posts: number;
  readonly raters: number;
  readonly ratings: number;
  readonly power: PowerSummary;
  /** Under the null model: per contrast, and any contrast (the family-wise rate). */
  readonly typeOne: { readonly perContrast: ReadonlyArray<Rate & { readonly contrast: string }>; readonly familywise: Rate; readonly failed: number } | null;
}

/** Every source at the mean of the planted means (or latent locations). */
export function nullModel(model: PowerModel, sources: readonly string[]): PowerModel {
  if (model.kind === 'lmm') {
    const mean = sources.reduce((s, x) => s + (model.means[x] ?? 0), 0) / sources.length;
    return { ...model, means: Object.fromEntries(sources.map((s) => [s, mean])) };
  }
  return { ...model, locations: Object.fromEntries(sources.map((s) => [s, 0])) };
}

const rate = (rejections: number, simulations: number): Rate => ({ rejections, simulations, rate: rejections / Math.max(1, simulations), ...binomialInterval(rejections, simulations) });

export async function powerAt(plan: PowerPlan, posts: number, raters: number, onProgress?: (done: number) => void): Promise<PowerPoint> {
  const design = powerDesign({ type: plan.type, sources: plan.sources, posts, raters, postsPerRater: plan.postsPerRater, seed: plan.seed });
  const test: PowerTest = { reference: plan.reference, alpha: plan.alpha, adjust: plan.adjust };
  const planted = await runPower({ design, model: plan.model, test, simulations: plan.simulations, seed: plan.seed, ...(plan.workers ? { workers: plan.workers } : {}), ...(onProgress ? { onProgress } : {}) });
  let typeOne: PowerPoint['typeOne'] = null;
  if (plan.nullSimulations > 0) {
    // The null runs draw from their own streams (seed + 1), not the planted runs' draws again.
    const nulls = await runPower({
      design,
      model: nullModel(plan.model, plan.sources),
      test,
      simulations: plan.nullSimulations,
      seed: plan.seed + 1,
      ...(plan.workers ? { workers: plan.workers } : {}),
      ...(onProgress ? { onProgress: (d: number) => onProgress(plan.simulations + d) } : {}),
    });
    const labels = contrastLabels(plan.sources);
    typeOne = {
      perContrast: labels.map((contrast, k) => ({ contrast, ...rate(nulls.filter((r) => r.p !== null && r.p[k] < plan.alpha).length, nulls.length) })),
      familywise: rate(nulls.filter((r) => r.p !== null && r.p.some((p) => p < plan.alpha)).length, nulls.length),
      failed: nulls.filter((r) => r.p === null).length,
    };
  }
  return { posts, raters, ratings: design.post.length, power: summarisePower(design, plan.model, test, planted), typeOne };
}

export async function powerCurve(plan: PowerPlan, onProgress?: (done: number) => void): Promise<PowerPoint[]> {
  const points: PowerPoint[] = [];
  const perPoint = plan.simulations + plan.nullSimulations;
  for (const posts of plan.posts)
    for (const raters of plan.raters) {
      const before = points.length * perPoint;
      points.push(await powerAt(plan, posts, raters, onProgress ? (d) => onProgress(before + d) : undefined));
    }
  return points;
}

/**
 * The fewest raters (in steps of `step`) whose power for `contrast` reaches `target`: doubling from
 * `start` until it does, then bisection. Every point uses the same seed (common random numbers), so
 * the search is not thrown about by simulation noise between neighbouring points.
 */
export async function ratersForPower(
  plan: Omit<PowerPlan, 'raters' | 'posts' | 'nullSimulations'>,
  posts: number,
  contrast: string,
  target: number,
  options: { start: number; step: number; max: number; onPoint?: (raters: number, power: number) => void },
): Promise<{ raters: number; point: PowerPoint } | { raters: null; point: PowerPoint }> {
  const full: PowerPlan = { ...plan, raters: [], posts: [posts], nullSimulations: 0 };
  const k = contrastLabels(plan.sources).indexOf(contrast);
  const at = async (raters: number) => {
    const point = await powerAt(full, posts, raters);
    const power = point.power.rows[k]?.power ?? 0;
    options.onPoint?.(raters, power);
    return { point, power };
  };
  const round = (n: number) => Math.max(options.step, Math.ceil(n / options.step) * options.step);
  let lo = 0;
  let hi = round(options.start);
  let best = await at(hi);
  while (best.power < target) {
    if (hi >= options.max) return { raters: null, point: best.point };
    lo = hi;
    hi = Math.min(options.max, round(hi * 2));
    best = await at(hi);
  }
  while (hi - lo > options.step) {
    const mid = round((lo + hi) / 2);
    if (mid >= hi) break;
    const r = await at(mid);
    if (r.power >= target) {
      hi = mid;
      best = r;
    } else lo = mid;
  }
  return { raters: hi, point: best.point };
}
