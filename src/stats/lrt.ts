/**
 * Likelihood-ratio tests between nested mixed models, as `anova(m0, m1)` does in lme4: both models
 * are (re)fitted by maximum likelihood, and twice the difference in log-likelihood is referred to a
 * chi-squared distribution with the difference in the number of parameters.
 */
import type { DataFrame } from './design.js';
import { chiSquaredUpperTail } from './distributions.js';
import { StatsInputError } from './errors.js';
import { fitLmm, type FitOptions, type LmmFit } from './lmm.js';

export interface LrtRow {
  readonly formula: string;
  readonly npar: number;
  readonly aic: number;
  readonly bic: number;
  readonly logLik: number;
  readonly deviance: number;
  /** For the larger model: the test against the one before it. */
  readonly chisq: number | null;
  readonly df: number | null;
  readonly p: number | null;
}

export function likelihoodRatioTest(formulas: readonly string[], data: DataFrame, options: Omit<FitOptions, 'reml'> = {}): LrtRow[] {
  if (formulas.length < 2) throw new StatsInputError('a likelihood-ratio test needs two or more models', 'formulas', 'give the smaller model first');
  const fits: LmmFit[] = formulas.map((f) => fitLmm(f, data, { ...options, reml: false, satterthwaite: false }));
  const nobs = new Set(fits.map((f) => f.nobs));
  if (nobs.size > 1) throw new StatsInputError('the models were fitted to different numbers of observations', 'formulas', 'use the same rows for every model (no missing values in the added variables)');
  const order = fits.map((_, i) => i).sort((a, b) => fits[a].npar - fits[b].npar || a - b);
  return order.map((i, rank) => {
    const fit = fits[i];
    const row = { formula: fit.formula, npar: fit.npar, aic: fit.aic, bic: fit.bic, logLik: fit.logLik, deviance: -2 * fit.logLik };
    if (rank === 0) return { ...row, chisq: null, df: null, p: null };
    const prev = fits[order[rank - 1]];
    const chisq = Math.max(0, 2 * (fit.logLik - prev.logLik));
    const df = fit.npar - prev.npar;
    return { ...row, chisq, df, p: df > 0 ? chiSquaredUpperTail(chisq, df) : null };
  });
}
