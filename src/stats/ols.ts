/**
 * Ordinary least squares, as R's `lm` reports it: coefficients, standard errors, t and two-sided p
 * on n - p degrees of freedom, the residual standard error and R^2. Solved through the Cholesky
 * factor of X'X (the designs here are small and well conditioned); a rank-deficient X is an error
 * naming the column, not a silent drop.
 */
import { cholesky, dense, inverseFromCholesky, solveLower, solveLowerTransposed, type Dense } from './dense.js';
import { tTestP } from './distributions.js';
import { StatsInputError } from './errors.js';

export interface OlsFit {
  readonly names: readonly string[];
  readonly coef: Float64Array;
  readonly se: Float64Array;
  readonly t: Float64Array;
  readonly p: Float64Array;
  readonly df: number;
  readonly sigma: number;
  readonly rSquared: number;
  readonly vcov: Dense;
  readonly fitted: Float64Array;
}

/** `x` is n x p row-major; `names` labels its columns. */
export function ols(y: ArrayLike<number>, x: Float64Array, names: readonly string[]): OlsFit {
  const n = y.length;
  const p = names.length;
  if (n <= p) throw new StatsInputError(`${n} observations for ${p} coefficients`, 'data', 'add observations or remove predictors');
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < p; a++) {
      const xa = x[i * p + a];
      xty[a] += xa * y[i];
      for (let b = 0; b <= a; b++) xtx[a * p + b] += xa * x[i * p + b];
    }
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) xtx[a * p + b] = xtx[b * p + a];
  const l = cholesky(dense(p, p, xtx), 1e-10);
  if (!l) {
    throw new StatsInputError('the predictors are collinear (X\'X is singular)', names.join(', '), 'drop a predictor that is a combination of others, or a constant one');
  }
  const coef = solveLowerTransposed(l, solveLower(l, Float64Array.from(xty)));
  const fitted = new Float64Array(n);
  let rss = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] / n;
  let tss = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += x[i * p + a] * coef[a];
    fitted[i] = f;
    rss += (y[i] - f) ** 2;
    tss += (y[i] - mean) ** 2;
  }
  const df = n - p;
  const sigma = Math.sqrt(rss / df);
  const vcov = inverseFromCholesky(l);
  for (let k = 0; k < vcov.data.length; k++) vcov.data[k] *= sigma * sigma;
  const se = Float64Array.from({ length: p }, (_, a) => Math.sqrt(vcov.data[a * p + a]));
  const t = Float64Array.from(coef, (c, a) => c / se[a]);
  return { names, coef, se, t, p: Float64Array.from(t, (v) => tTestP(v, df)), df, sigma, rSquared: tss > 0 ? 1 - rss / tss : NaN, vcov, fitted };
}
