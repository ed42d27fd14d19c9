/**
 * A fitted mixed model as JSON, with the field names of lme4's reference files (`fixef`, `se`,
 * `df_satterthwaite`, `varcor`, ...) and coefficients spelled as lme4 spells them. `details` adds the
 * fixed-effects covariance, theta and the conditional modes (large for big studies).
 */
import type { LmmFit } from '../stats/lmm.js';
import type { ModelJson } from './schema.js';

const byName = (names: readonly string[], values: ArrayLike<number>) => Object.fromEntries(names.map((n, i) => [n, values[i]]));

export function modelToJson(fit: LmmFit, options: { details?: boolean } = {}): ModelJson {
  const p = fit.fixefNames.length;
  const out: ModelJson = {
    formula: fit.formula,
    REML: fit.reml,
    nobs: fit.nobs,
    ngroups: fit.ngroups,
    fixef: byName(fit.fixefNames, fit.beta),
    se: byName(fit.fixefNames, fit.se),
    df_satterthwaite: byName(fit.fixefNames, fit.df),
    t: byName(fit.fixefNames, fit.t),
    p: byName(fit.fixefNames, fit.p),
    varcor: fit.varcor.map((v) => ({ ...v })),
    sigma: fit.sigma,
    deviance_or_reml_criterion: fit.devianceOrRemlCriterion,
    logLik: fit.logLik,
    AIC: fit.aic,
    BIC: fit.bic,
    singular: fit.singular,
    converged: fit.converged,
    warnings: [...fit.warnings],
  };
  if (!options.details) return out;
  return {
    ...out,
    vcov: fit.fixefNames.map((_, i) => Array.from(fit.vcov.data.subarray(i * p, (i + 1) * p))),
    theta: Array.from(fit.theta),
    ranef: Object.fromEntries(
      fit.ranef.map((r) => [r.group, r.levels.map((level, i) => ({ level, ...Object.fromEntries(r.names.map((n, j) => [n, r.values[i * r.names.length + j]])) }))]),
    ),
  };
}
