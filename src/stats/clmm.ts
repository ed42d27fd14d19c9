/**
 * Cumulative link mixed models for ordinal ratings (Likert items), as R's `ordinal::clmm` fits them:
 * P(Y <= j | u) = F(theta_j - x'beta - sum_g u_g[level]), with flexible thresholds theta_1 < ... <
 * theta_{J-1}, a logit or probit link F, and crossed random intercepts u_g ~ N(0, sigma_g^2) (raters,
 * posts). The marginal likelihood is approximated by Laplace's method in the spherical random
 * effects z (u = sigma z): log L ~ log p(y | z^) - z^'z^/2 - log det(I + Lambda Z'WZ Lambda)/2, with
 * z^ the conditional mode (found by Newton's method; the model is log-concave in the linear
 * predictor, so the mode is unique) and W the negative second derivative of log p(y | eta).
 *
 * Two crossed factors, the design of rating studies, are solved through the Schur complement of the
 * first factor's (diagonal) block, so a Newton step costs a q2 x q2 Cholesky, not a (q1 + q2)^3
 * one; one factor is diagonal. More factors, nested terms and random slopes are refused.
 *
 * The outer optimisation is over theta_1, log increments of the thresholds, beta and log sigma_g,
 * by L-BFGS on central-difference gradients; standard errors of beta and the thresholds come from a
 * central-difference Hessian of -log L at the optimum (as `ordinal` computes them numerically).
 */
import { cholesky, dense, inverseFromCholesky, logDetFromCholesky, solveLower, solveLowerTransposed, symmetricEigen } from './dense.js';
import { normalUpperTail } from './distributions.js';
import { buildFrame, frameVariablesUsedAsFactors, groupingFactor, modelMatrix, type DataFrame, type Frame } from './design.js';
import { StatsInputError, lookup } from './errors.js';
import { formulaVariables, parseFormula, type Formula } from './formula.js';
import { lbfgs } from './lbfgs.js';

export type ClmmLink = 'logit' | 'probit';

export interface ClmmInput {
  /** Response categories 1..J (as integers in order; empty categories are refused). */
  readonly y: readonly number[];
  /** Fixed effects without an intercept, row-major n x p. */
  readonly x: { readonly names: readonly string[]; readonly values: Float64Array };
  /** Crossed random intercepts: one or two grouping factors. */
  readonly groups: ReadonlyArray<{ readonly name: string; readonly codes: Int32Array; readonly levels: number }>;
  readonly link?: ClmmLink;
  /** `flexible` (default): J - 1 free thresholds; `equidistant`: the first and one spacing (ordinal's `threshold = "equidistant"`). */
  readonly thresholds?: ClmmThresholds;
}

export type ClmmThresholds = 'flexible' | 'equidistant';

export interface ClmmFit {
  readonly link: ClmmLink;
  readonly thresholdType: ClmmThresholds;
  /** Parameters: threshold parameters + fixed effects + random-effect SDs (for AIC and likelihood-ratio tests). */
  readonly npar: number;
  readonly thresholds: Float64Array;
  readonly thresholdSe: Float64Array;
  readonly names: readonly string[];
  readonly beta: Float64Array;
  readonly se: Float64Array;
  readonly z: Float64Array;
  readonly p: Float64Array;
  /** Covariance of beta (p x p, row-major), from the inverse Hessian. */
  readonly vcovBeta: Float64Array;
  /** Covariance of (thresholds, beta) ((J - 1 + p) square, row-major). */
  readonly vcovThresholdsBeta: Float64Array;
  readonly randomSd: Readonly<Record<string, number>>;
  readonly logLik: number;
  readonly aic: number;
  readonly nobs: number;
  readonly converged: boolean;
  /** The largest absolute gradient of -log L at the optimum, in the optimiser's parameters (clmm's `max.grad`). */
  readonly maxGradient: number;
  /** Condition number of the Hessian of -log L at the optimum (as clmm's `cond.H`). */
  readonly conditionHessian: number;
  readonly iterations: number;
}

export const logistic = { F: (x: number) => 1 / (1 + Math.exp(-x)), f: (x: number) => { const e = Math.exp(-Math.abs(x)); return e / ((1 + e) * (1 + e)); }, df: (x: number) => { const F = 1 / (1 + Math.exp(-x)); const e = Math.exp(-Math.abs(x)); return (e / ((1 + e) * (1 + e))) * (1 - 2 * F); } };
const SQRT2PI = Math.sqrt(2 * Math.PI);
export const normal = { F: (x: number) => 1 - normalUpperTail(x), f: (x: number) => Math.exp(-0.5 * x * x) / SQRT2PI, df: (x: number) => (-x * Math.exp(-0.5 * x * x)) / SQRT2PI };

/**
 * A link's distribution function F, density f and the density's derivative f' at x, written into
 * out[0..2] with one exponential (the evaluation of every rating's likelihood is the hot loop).
 */
type LinkEval = (x: number, out: Float64Array) => void;
const logisticEval: LinkEval = (x, out) => {
  const e = Math.exp(-Math.abs(x));
  const F = x >= 0 ? 1 / (1 + e) : e / (1 + e);
  const f = e / ((1 + e) * (1 + e));
  out[0] = F;
  out[1] = f;
  out[2] = f * (1 - 2 * F);
};
const normalEval: LinkEval = (x, out) => {
  const f = Math.exp(-0.5 * x * x) / SQRT2PI;
  out[0] = x >= 0 ? 1 - normalUpperTail(x) : normalUpperTail(-x);
  out[1] = f;
  out[2] = -x * f;
};

interface Problem {
  readonly n: number;
  readonly p: number;
  readonly J: number;
  readonly y: Int32Array;
  readonly x: Float64Array;
  readonly groups: ClmmInput['groups'];
  readonly link: LinkEval;
  /** Threshold parameters: J - 1 (flexible) or 2 (equidistant). */
  readonly nt: number;
  readonly equidistant: boolean;
  /** Two factors: the distinct (first level, second level) pairs, per first level (CSR), and each row's pair. */
  readonly pairs?: { readonly start: Int32Array; readonly second: Int32Array; readonly ofRow: Int32Array };
}

/** The sparsity of Z1'WZ2 for two crossed factors, computed once per problem. */
function pairStructure(groups: ClmmInput['groups'], n: number): Problem['pairs'] {
  const [g1, g2] = groups;
  if (!g1 || !g2) return undefined;
  const byFirst = Array.from({ length: g1.levels }, () => new Map<number, number>());
  for (let i = 0; i < n; i++) byFirst[g1.codes[i]]?.set(g2.codes[i], 0);
  const start = new Int32Array(g1.levels + 1);
  const second: number[] = [];
  const index = byFirst.map((m, r) => {
    start[r] = second.length;
    const keys = [...m.keys()].sort((a, b) => a - b);
    for (const k of keys) m.set(k, second.push(k) - 1);
    return m;
  });
  start[g1.levels] = second.length;
  const ofRow = new Int32Array(n);
  for (let i = 0; i < n; i++) ofRow[i] = index[g1.codes[i]]?.get(g2.codes[i]) ?? 0;
  return { start, second: Int32Array.from(second), ofRow };
}

/** Thresholds from the unconstrained parameters: theta_1, then log increments (or one log spacing). */
function thresholdsOf(phi: Float64Array, J: number, equidistant: boolean): Float64Array {
  const t = new Float64Array(J - 1);
  t[0] = phi[0];
  for (let j = 1; j < J - 1; j++) t[j] = t[j - 1] + Math.exp(equidistant ? phi[1] : phi[j]);
  return t;
}

/**
 * The Laplace log-likelihood at phi; `z` is the starting point of the inner Newton iterations and
 * receives the conditional modes.
 */
function laplace(pr: Problem, phi: Float64Array, z: Float64Array, exact = false): number {
  const { n, p, J, y, x, groups, link, nt } = pr;
  const theta = thresholdsOf(phi, J, pr.equidistant);
  const beta = phi.subarray(nt, nt + p);
  const sigma = groups.map((_, g) => Math.exp(phi[nt + p + g]));
  const offsets = groups.map((_, g) => groups.slice(0, g).reduce((s, x2) => s + x2.levels, 0));
  const q = groups.reduce((s, g) => s + g.levels, 0);
  const fixed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < p; k++) s += x[i * p + k] * beta[k];
    fixed[i] = s;
  }
  const grad = new Float64Array(n);
  const w = new Float64Array(n);
  const ea = new Float64Array(3);
  const eb = new Float64Array(3);
  const c0 = groups[0]?.codes as Int32Array;
  const c1 = groups[1]?.codes;
  const s0 = sigma[0] as number;
  const s1 = sigma[1] ?? 0;
  const o1 = offsets[1] ?? 0;
  /** log p(y | z) - z'z/2, with the first and (negative) second derivatives of log p in eta. */
  const evaluate = (zz: Float64Array): number => {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const e = fixed[i] + s0 * zz[c0[i]] + (c1 ? s1 * zz[o1 + c1[i]] : 0);
      const c = y[i];
      let Fa = 1;
      let fa = 0;
      let dfa = 0;
      let Fb = 0;
      let fb = 0;
      let dfb = 0;
      if (c < J) {
        link(theta[c - 1] - e, ea);
        Fa = ea[0];
        fa = ea[1];
        dfa = ea[2];
      }
      if (c > 1) {
        link(theta[c - 2] - e, eb);
        Fb = eb[0];
        fb = eb[1];
        dfb = eb[2];
      }
      const P = Fa - Fb;
      if (!(P > 0)) return -Infinity;
      ll += Math.log(P);
      const g1 = -(fa - fb) / P;
      grad[i] = g1;
      w[i] = -((dfa - dfb) / P - g1 * g1);
    }
    for (let k = 0; k < q; k++) ll -= 0.5 * zz[k] * zz[k];
    return ll;
  };
  // Newton's method for the conditional modes; each trial point is evaluated with its derivatives,
  // so an accepted point's are ready for the next step.
  let current = evaluate(z);
  const trial = new Float64Array(q);
  const gz = new Float64Array(q);
  for (let it = 0; it < 50; it++) {
    for (let k = 0; k < q; k++) gz[k] = -z[k];
    for (let i = 0; i < n; i++) {
      gz[c0[i]] += s0 * grad[i];
      if (c1) gz[o1 + c1[i]] += s1 * grad[i];
    }
    const step = solveH(pr, sigma, w, gz).x;
    let size = 0;
    for (let k = 0; k < q; k++) size = Math.max(size, Math.abs(step[k]));
    if (!exact && size < 1e-10) break;
    // For the standard errors: close enough for Newton's quadratic convergence, take this last step
    // without a line search, so the modes are exact to rounding. The log-determinant depends on them
    // to first order, and the numerical Hessian divides that noise by its step squared (1e-8).
    if (exact && size < 1e-8) {
      for (let k = 0; k < q; k++) z[k] += step[k];
      current = evaluate(z);
      break;
    }
    let t = 1;
    let accepted = false;
    for (let h = 0; h < 30; h++) {
      for (let k = 0; k < q; k++) trial[k] = z[k] + t * step[k];
      const next = evaluate(trial);
      if (next >= current - 1e-12) {
        z.set(trial);
        current = next;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) {
      evaluate(z); // the derivatives at the current point again
      break;
    }
    if (!exact && size * t < 1e-10) break;
  }
  // The log-determinant at the final modes (the loop's last solve was at the point before the step).
  const logDet = solveH(pr, sigma, w, new Float64Array(q), true).logDet;
  return current - 0.5 * logDet;
}

/** Solves (I + Lambda Z'WZ Lambda) x = b (unless `logDetOnly`) and returns log det of that matrix. */
function solveH(pr: Problem, sigma: readonly number[], w: Float64Array, b: Float64Array, logDetOnly = false): { x: Float64Array; logDet: number } {
  const { n, groups } = pr;
  if (groups.length === 1) {
    const g = groups[0] as ClmmInput['groups'][number];
    const d = new Float64Array(g.levels).fill(1);
    for (let i = 0; i < n; i++) d[g.codes[i]] += sigma[0] * sigma[0] * w[i];
    let logDet = 0;
    const x = new Float64Array(g.levels);
    for (let k = 0; k < g.levels; k++) {
      x[k] = b[k] / d[k];
      logDet += Math.log(d[k]);
    }
    return { x, logDet };
  }
  const [g1, g2] = groups as [ClmmInput['groups'][number], ClmmInput['groups'][number]];
  const pairs = pr.pairs as NonNullable<Problem['pairs']>;
  const q1 = g1.levels;
  const q2 = g2.levels;
  const a = new Float64Array(q1).fill(1);
  const bb = dense(q2, q2);
  for (let k = 0; k < q2; k++) bb.data[k * q2 + k] = 1;
  // C (q1 x q2) is sparse: one value per distinct (first, second) pair.
  const c = new Float64Array(pairs.second.length);
  const s12 = sigma[0] * sigma[1];
  const s11 = sigma[0] * sigma[0];
  const s22 = sigma[1] * sigma[1];
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    a[g1.codes[i]] += s11 * wi;
    const s = g2.codes[i];
    bb.data[s * q2 + s] += s22 * wi;
    c[pairs.ofRow[i]] += s12 * wi;
  }
  // Schur complement S = B - C' A^-1 C.
  for (let r = 0; r < q1; r++) {
    const from = pairs.start[r];
    const to = pairs.start[r + 1];
    const ar = a[r];
    for (let u = from; u < to; u++) {
      const su = pairs.second[u] * q2;
      const cu = c[u] / ar;
      for (let v = from; v < to; v++) bb.data[su + pairs.second[v]] -= cu * c[v];
    }
  }
  const l = cholesky(bb);
  if (!l) throw new StatsInputError('the random-effects system is not positive definite', 'clmm', 'check that every grouping level has ratings');
  let logDet = logDetFromCholesky(l);
  for (let r = 0; r < q1; r++) logDet += Math.log(a[r]);
  if (logDetOnly) return { x: new Float64Array(0), logDet };
  // Solve: x2 = S^-1 (b2 - C' A^-1 b1); x1 = A^-1 (b1 - C x2).
  const rhs = Float64Array.from(b.subarray(q1, q1 + q2));
  for (let r = 0; r < q1; r++) for (let u = pairs.start[r]; u < pairs.start[r + 1]; u++) rhs[pairs.second[u]] -= (c[u] * b[r]) / a[r];
  const x2 = solveLowerTransposed(l, solveLower(l, rhs));
  const x = new Float64Array(q1 + q2);
  for (let r = 0; r < q1; r++) {
    let sum = b[r];
    for (let u = pairs.start[r]; u < pairs.start[r + 1]; u++) sum -= c[u] * x2[pairs.second[u]];
    x[r] = sum / a[r];
  }
  x.set(x2, q1);
  return { x, logDet };
}

export function fitClmm(input: ClmmInput): ClmmFit {
  const link = input.link ?? 'logit';
  const n = input.y.length;
  const p = input.x.names.length;
  if (input.groups.length < 1 || input.groups.length > 2) throw new StatsInputError(`the ordinal model takes one or two crossed random intercepts, not ${input.groups.length}`, 'clmm', 'use (1 | rater) + (1 | post)');
  const J = Math.max(...input.y);
  const counts = new Array<number>(J + 1).fill(0);
  for (const v of input.y) {
    if (!Number.isInteger(v) || v < 1) throw new StatsInputError(`an ordinal response must be a whole number from 1, got ${v}`, 'y', 'code the categories 1, 2, ...');
    counts[v]++;
  }
  for (let j = 1; j <= J; j++) if (counts[j] === 0) throw new StatsInputError(`category ${j} has no ratings`, 'y', 'merge or drop empty categories');
  const equidistant = input.thresholds === 'equidistant' && J >= 3;
  const nt = equidistant ? 2 : J - 1;
  // The factor with more levels is the diagonal block; the other's block (the Schur complement) is dense.
  const [g0, g1] = input.groups;
  const groups = g0 && g1 && g1.levels > g0.levels ? [g1, g0] : input.groups;
  const pairs = pairStructure(groups, n);
  const pr: Problem = { n, p, J, y: Int32Array.from(input.y), x: input.x.values, groups, link: link === 'logit' ? logisticEval : normalEval, nt, equidistant, ...(pairs ? { pairs } : {}) };
  const q = groups.reduce((s, g) => s + g.levels, 0);
  // Start: thresholds from the cumulative proportions, no effects, SDs of 0.5.
  const Finv = (u: number) => (link === 'logit' ? Math.log(u / (1 - u)) : probitQ(u));
  const phi0 = new Float64Array(nt + p + groups.length);
  let cum = 0;
  const start: number[] = [];
  for (let j = 1; j < J; j++) {
    cum += counts[j] as number;
    start.push(Finv(cum / n));
  }
  phi0[0] = start[0] as number;
  if (equidistant) phi0[1] = Math.log(Math.max(1e-3, ((start[J - 2] as number) - (start[0] as number)) / (J - 2)));
  else for (let j = 1; j < J - 1; j++) phi0[j] = Math.log(Math.max(1e-3, (start[j] as number) - (start[j - 1] as number)));
  for (let g = 0; g < groups.length; g++) phi0[nt + p + g] = Math.log(0.5);
  const z = new Float64Array(q);
  const f = (phi: Float64Array) => -laplace(pr, phi, z);
  const h = 1e-5;
  const result = lbfgs(
    (phi, grad) => {
      const value = f(phi);
      for (let k = 0; k < phi.length; k++) {
        const up = Float64Array.from(phi);
        const down = Float64Array.from(phi);
        up[k] += h;
        down[k] -= h;
        grad[k] = (f(up) - f(down)) / (2 * h);
      }
      return value;
    },
    phi0,
    // The gradient grows with the number of ratings (and so does its numerical noise): its
    // tolerance is 1e-6 per 5,000 ratings.
    { gtol: 1e-6 * Math.max(1, n / 5000), maxIterations: 500, value: f },
  );
  const phi = result.x;
  const exactF = (v: Float64Array) => -laplace(pr, v, z, true);
  const logLik = -exactF(phi);
  // Convergence as ordinal judges it: the largest gradient at the optimum (central differences of
  // the Laplace likelihood at exact modes) below 1e-3 per 5,000 ratings; the line search stops at
  // the numerical gradient's noise floor before L-BFGS's own tolerance, which is stricter.
  let maxGradient = 0;
  for (let k = 0; k < phi.length; k++) {
    const up = Float64Array.from(phi);
    const down = Float64Array.from(phi);
    up[k] += h;
    down[k] -= h;
    maxGradient = Math.max(maxGradient, Math.abs((exactF(up) - exactF(down)) / (2 * h)));
  }
  const converged = result.converged || maxGradient < 1e-3 * Math.max(1, n / 5000);
  // Standard errors: the Hessian of -log L in (thresholds, beta, log sigma), by central differences.
  const theta = thresholdsOf(phi, J, equidistant);
  // In the thresholds themselves (or the first and the spacing), beta and the log SDs of the random
  // effects, with ordinal's central-difference stencil (step 1e-4). Standard errors from a numerical
  // Hessian carry its truncation error: they agree with ordinal's to a few parts in a thousand.
  const natural = equidistant ? Float64Array.from([phi[0], Math.exp(phi[1]), ...phi.subarray(2)]) : Float64Array.from([...theta, ...phi.subarray(J - 1)]);
  const toPhi = (v: Float64Array) => {
    const out = Float64Array.from(v);
    if (equidistant) out[1] = Math.log(v[1]);
    else for (let j = 1; j < J - 1; j++) out[j] = Math.log(v[j] - v[j - 1]);
    return out;
  };
  const fn = (v: Float64Array) => exactF(toPhi(v));
  const m = natural.length;
  const hess = dense(m, m);
  const e = 1e-4;
  const f0 = fn(natural);
  for (let a = 0; a < m; a++)
    for (let b = a; b < m; b++) {
      const shift = (da: number, db: number) => {
        const v = Float64Array.from(natural);
        v[a] += da;
        v[b] += db;
        return fn(v);
      };
      const value = a === b ? (shift(e, 0) - 2 * f0 + shift(-e, 0)) / (e * e) : (shift(e, e) - shift(e, -e) - shift(-e, e) + shift(-e, -e)) / (4 * e * e);
      hess.data[a * m + b] = value;
      hess.data[b * m + a] = value;
    }
  // A random-effect SD estimated at zero (a singular fit) leaves its row of the Hessian flat: the
  // standard errors are then those with that SD held at zero, from the Hessian without its row and
  // column (the rest of the model is unaffected by it at the optimum).
  const boundary = new Set(groups.flatMap((_, g) => (Math.exp(phi[nt + p + g]) < 1e-3 ? [nt + p + g] : [])));
  const keep = Array.from({ length: m }, (_, k) => k).filter((k) => !boundary.has(k));
  const reduced = dense(keep.length, keep.length);
  keep.forEach((a, i) => keep.forEach((b, j) => (reduced.data[i * keep.length + j] = hess.data[a * m + b])));
  const l = cholesky(reduced);
  if (!l) throw new StatsInputError('the Hessian of the ordinal model is not positive definite at the optimum', 'clmm', 'the model may be over-parameterised (an empty level, a constant column)');
  const covKept = inverseFromCholesky(l);
  const cov = dense(m, m);
  keep.forEach((a, i) => keep.forEach((b, j) => (cov.data[a * m + b] = covKept.data[i * keep.length + j])));
  // Covariance of (every threshold, beta): M cov M', M the (linear) map from the natural parameters.
  const r = J - 1 + p;
  const map = new Float64Array(r * m);
  for (let j = 0; j < J - 1; j++) {
    if (equidistant) {
      map[j * m] = 1;
      map[j * m + 1] = j;
    } else map[j * m + j] = 1;
  }
  for (let k = 0; k < p; k++) map[(J - 1 + k) * m + nt + k] = 1;
  const covTB = new Float64Array(r * r);
  for (let a = 0; a < r; a++)
    for (let b = 0; b < r; b++) {
      let sum = 0;
      for (let i = 0; i < m; i++) {
        const ai = map[a * m + i];
        if (ai === 0) continue;
        for (let k = 0; k < m; k++) sum += ai * cov.data[i * m + k] * map[b * m + k];
      }
      covTB[a * r + b] = sum;
    }
  const sd = (k: number) => Math.sqrt(covTB[k * r + k]);
  const beta = Float64Array.from(phi.subarray(nt, nt + p));
  const se = Float64Array.from({ length: p }, (_, k) => sd(J - 1 + k));
  const zs = Float64Array.from({ length: p }, (_, k) => beta[k] / se[k]);
  const eigen = symmetricEigen(reduced).values;
  const conditionHessian = Math.max(...eigen) / Math.min(...eigen);
  return {
    link,
    thresholdType: equidistant ? 'equidistant' : 'flexible',
    npar: m,
    thresholds: theta,
    thresholdSe: Float64Array.from({ length: J - 1 }, (_, j) => sd(j)),
    names: input.x.names,
    beta,
    se,
    z: zs,
    p: Float64Array.from(zs, (v) => Math.min(1, 2 * normalUpperTail(Math.abs(v)))),
    vcovBeta: Float64Array.from({ length: p * p }, (_, k) => covTB[(J - 1 + Math.floor(k / p)) * r + J - 1 + (k % p)]),
    vcovThresholdsBeta: covTB,
    randomSd: Object.fromEntries(input.groups.map((g) => [g.name, Math.exp(phi[nt + p + groups.indexOf(g)])])),
    logLik,
    aic: -2 * logLik + 2 * m,
    nobs: n,
    converged,
    maxGradient,
    conditionHessian,
    iterations: result.iterations,
  };
}

/** The normal quantile by bisection (start values only). */
function probitQ(u: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (1 - normalUpperTail(mid) < u) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}


/**
 * A CLMM from an lme4-style formula on a data frame: `ordered(rating) ~ source + (1 | rater) + (1 |
 * post)` (the `ordered(...)` around the response is optional). The response's distinct values, in
 * numeric order, are the categories (as R's `ordered()` makes them); fixed effects are treatment
 * coded with the intercept absorbed into the thresholds; random terms must be intercepts, one or two.
 */
export interface ClmmFormulaFit extends ClmmFit {
  readonly formula: string;
  /** The response's values, in order: category j is categories[j - 1]. */
  readonly categories: readonly number[];
  /** The design, for reference grids (the intercept, absorbed into the thresholds, is dropped). */
  readonly design: { readonly frame: Frame; readonly formula: Formula; readonly droppedColumns: readonly string[] };
}

export function fitClmmFormula(formulaText: string, data: DataFrame, options: { link?: ClmmLink; thresholds?: ClmmThresholds; reference?: Readonly<Record<string, string>> } = {}): ClmmFormulaFit {
  const text = formulaText.replace(/^\s*ordered\s*\(\s*([A-Za-z_.][\w.]*)\s*\)/, '$1');
  const formula = parseFormula(text);
  if (formula.random.length < 1 || formula.random.length > 2) throw new StatsInputError(`the ordinal model takes one or two random intercepts, the formula has ${formula.random.length}`, formulaText, 'write them as (1 | rater) + (1 | post)');
  for (const r of formula.random)
    if (!r.intercept || r.terms.length > 0) throw new StatsInputError(`random slopes are not supported in the ordinal model (${r.group.join(':')})`, formulaText, 'use random intercepts: (1 | rater) + (1 | post)');
  const frame = buildFrame(data, formulaVariables(formula), frameVariablesUsedAsFactors(formula), options.reference ?? {});
  const response = frame.columns.get(formula.response);
  if (!response || response.kind !== 'numeric') throw new StatsInputError(`the response ${formula.response} is not numeric`, formula.response, 'use a rating column of whole numbers');
  const categories = [...new Set(response.values)].sort((a, b) => a - b);
  const category = new Map(categories.map((v, i) => [v, i + 1]));
  const full = modelMatrix(frame, true, formula.fixed);
  const keep = full.names.map((_, j) => j).filter((j) => full.names[j] !== '(Intercept)');
  const p = keep.length;
  const x = new Float64Array(frame.n * p);
  for (let i = 0; i < frame.n; i++) keep.forEach((j, k) => (x[i * p + k] = full.values[i * full.names.length + j]));
  const groups = formula.random.map((r) => {
    const g = groupingFactor(frame, r.group);
    return { name: g.name, codes: g.codes, levels: g.levels.length };
  });
  const fit = fitClmm({ y: Array.from(response.values, (v) => lookup(category, v, 'category')), x: { names: keep.map((j) => full.names[j]), values: x }, groups, ...(options.link ? { link: options.link } : {}), ...(options.thresholds ? { thresholds: options.thresholds } : {}) });
  return { ...fit, formula: `ordered(${formula.response}) ~ ${formulaText.slice(formulaText.indexOf('~') + 1).trim()}`, categories, design: { frame, formula, droppedColumns: ['(Intercept)'] } };
}
