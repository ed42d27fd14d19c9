/**
 * Satterthwaite denominator degrees of freedom for linear contrasts of the fixed effects, defined
 * as lmerTest defines them (Kuznetsova, Brockhoff & Christensen 2017, J. Stat. Softw. 82(13)):
 *
 *   df(L) = 2 (L C L')^2 / (g' A g),   g_k = L (dC / d varpar_k) L',   A = 2 H^+
 *
 * where varpar = (theta, sigma), C = Var(beta-hat) = sigma^2 (R_X'R_X)^{-1} as a function of varpar,
 * H the Hessian of the (RE)ML deviance in varpar (beta profiled out), and H^+ its Moore-Penrose
 * inverse over eigenvalues above 1e-8.
 */
import { dense, inverseFromCholesky, quadForm, symmetricPseudoInverse, type Dense } from './dense.js';
import { hessian, jacobian } from './derivatives.js';
import type { LmmProblem } from './lmm-problem.js';

export interface Satterthwaite {
  /** Asymptotic covariance of varpar = (theta, sigma). */
  readonly vcovVarpar: Dense;
  /** dC / d varpar_k, each p x p. */
  readonly jacobians: readonly Dense[];
}

export function satterthwaiteSetup(problem: LmmProblem, theta: Float64Array, sigma: number, reml: boolean): Satterthwaite {
  const k = theta.length;
  const n = problem.n;
  const p = problem.p;
  // Evaluations are cached by theta: the Hessian visits many points that differ only in sigma.
  const cache = new Map<string, ReturnType<LmmProblem['evaluate']>>();
  const evaluateAt = (th: Float64Array) => {
    const key = Array.from(th).join(',');
    let e = cache.get(key);
    if (!e) {
      e = problem.evaluate(th);
      if (cache.size > 512) cache.clear();
      cache.set(key, e);
    }
    return e;
  };
  const split = (varpar: Float64Array) => ({ th: varpar.subarray(0, k), s2: varpar[k] ** 2 });
  const deviance = (varpar: Float64Array) => {
    const { th, s2 } = split(varpar);
    const e = evaluateAt(Float64Array.from(th));
    if (!e.ok) return NaN;
    let dev = e.ldL2 + e.r2 / s2 + n * Math.log(2 * Math.PI * s2);
    if (reml) dev += e.ldRX2 - p * Math.log(2 * Math.PI * s2);
    return dev;
  };
  const covBeta = (varpar: Float64Array) => {
    const { th, s2 } = split(varpar);
    const e = evaluateAt(Float64Array.from(th));
    return inverseFromCholesky(e.lx).data.map((v) => v * s2);
  };
  const varpar = Float64Array.from([...theta, sigma]);
  const h = hessian(deviance, varpar);
  const vcovVarpar = symmetricPseudoInverse(dense(k + 1, k + 1, h));
  for (let i = 0; i < vcovVarpar.data.length; i++) vcovVarpar.data[i] *= 2;
  const jac = jacobian(covBeta, varpar).map((d) => dense(p, p, d));
  return { vcovVarpar, jacobians: jac };
}

/** Satterthwaite df of the contrast L (a row of length p), given C = Var(beta-hat). */
export function satterthwaiteDf(s: Satterthwaite, vcovBeta: Dense, l: ArrayLike<number>): number {
  const v = quadForm(l, vcovBeta);
  const g = s.jacobians.map((j) => quadForm(l, j));
  const denom = quadForm(g, s.vcovVarpar);
  return (2 * v * v) / denom;
}
