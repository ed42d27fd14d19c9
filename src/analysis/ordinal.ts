/**
 * The ordinal model beside the linear one (`analysis.models: [lmm, clmm]`): the CLMM of a scale, its
 * sources' latent means and category probabilities, its adjusted contrasts, and per contrast whether
 * it agrees with the linear model.
 */
import { fitClmmFormula, type ClmmLink, type ClmmThresholds } from '../stats/clmm.js';
import { clmmMeans } from '../stats/clmm-means.js';
import type { Adjustment } from '../stats/adjustments.js';
import type { DataFrame } from '../stats/design.js';
import type { ClmmJson } from './schema.js';
import { splitFormula } from './style-arms.js';

/**
 * The CLMM's formula from the linear model's: the same response and fixed part, with the random
 * intercepts of rater and post. A post x rater intercept is left out (the ordinal model takes at most
 * two crossed random intercepts), and the note says so; slopes and other groups are refused.
 */
export function ordinalFormula(lmmFormula: string): { formula: string; note: string | null } | { error: string } {
  const { lhs, terms } = splitFormula(lmmFormula);
  const fixed = terms.filter((t) => !t.startsWith('('));
  const random = terms.filter((t) => t.startsWith('('));
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const t of random) {
    const m = /^\(\s*1\s*\|\s*([\w.:]+)\s*\)$/.exec(t);
    if (!m) return { error: `the ordinal model takes random intercepts only, and the formula has ${t}` };
    const group = m[1] as string;
    if (group === 'rater' || group === 'post') kept.push(`(1 | ${group})`);
    else if (group === 'post:rater' || group === 'rater:post') dropped.push(t);
    else return { error: `the ordinal model takes (1 | rater) and (1 | post), and the formula has ${t}` };
  }
  if (kept.length === 0) return { error: 'the ordinal model needs (1 | rater) or (1 | post) in the formula' };
  return {
    formula: `ordered(${lhs}) ~ ${[...(fixed.length ? fixed : ['1']), ...kept].join(' + ')}`,
    note: dropped.length ? `the linear model's ${dropped.join(' + ')} is left out: the ordinal model takes at most two crossed random intercepts` : null,
  };
}

export interface LmmPair {
  readonly contrast: string;
  readonly estimate: number;
  readonly p: number;
}

export function ordinalJson(
  lmmFormula: string,
  data: DataFrame,
  options: { readonly link: ClmmLink; readonly thresholds: ClmmThresholds; readonly reference: Readonly<Record<string, string>>; readonly adjust: Adjustment; readonly lmmPairs: readonly LmmPair[] | null },
): ClmmJson | { error: string } {
  const f = ordinalFormula(lmmFormula);
  if ('error' in f) return f;
  const values = (data.value ?? []) as readonly unknown[];
  if (values.some((v) => typeof v === 'number' && !Number.isInteger(v))) return { error: 'the ordinal model needs whole-number ratings (Likert points), and this scale has fractional values' };
  try {
    const fit = fitClmmFormula(f.formula, data, { link: options.link, thresholds: options.thresholds, reference: options.reference });
    const source = fit.design.frame.columns.get('source');
    const means = source?.kind === 'factor' && source.levels.length >= 2 && fit.design.formula.fixed.some((t) => t.includes('source')) ? clmmMeans(fit, 'source', { adjust: options.adjust === 'tukey' ? 'tukey' : options.adjust }) : null;
    const byName = (v: Float64Array) => Object.fromEntries(fit.names.map((n, k) => [n, v[k] as number]));
    const agreement = (options.lmmPairs ?? []).flatMap((l) => {
      const c = means?.pairs.find((x) => x.contrast === l.contrast);
      if (!c) return [];
      const lmmSig = l.p < 0.05;
      const clmmSig = c.p < 0.05;
      return [{ contrast: l.contrast, lmm_estimate: l.estimate, lmm_p: l.p, clmm_estimate: c.estimate, clmm_p: c.p, agree: lmmSig === clmmSig && (!lmmSig || Math.sign(l.estimate) === Math.sign(c.estimate)) }];
    });
    return {
      formula: fit.formula,
      ...(f.note ? { note: f.note } : {}),
      link: fit.link,
      threshold_type: fit.thresholdType,
      categories: [...fit.categories],
      thresholds: Array.from(fit.thresholds),
      threshold_se: Array.from(fit.thresholdSe),
      beta: byName(fit.beta),
      se: byName(fit.se),
      z: byName(fit.z),
      p: byName(fit.p),
      random_sd: { ...fit.randomSd },
      logLik: fit.logLik,
      AIC: fit.aic,
      nobs: fit.nobs,
      converged: fit.converged,
      condition_hessian: fit.conditionHessian,
      emmeans: (means?.means ?? []).map((m) => ({ source: m.level, latent: m.latent, SE: m.se, 'lower.CL': m.lower, 'upper.CL': m.upper, prob: m.prob, prob_marginal: m.probMarginal, mean_rating: m.meanRating, mean_rating_marginal: m.meanRatingMarginal })),
      pairs: (means?.pairs ?? []).map((c) => ({ contrast: c.contrast, estimate: c.estimate, SE: c.se, 'z.ratio': c.z, 'p.value': c.p, 'lower.CL': c.lower, 'upper.CL': c.upper })),
      adjust: options.adjust,
      agreement,
    };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
