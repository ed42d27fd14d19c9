/**
 * The Bradley-Terry model of pairwise choices with a position effect (Bradley & Terry 1952; the
 * "home advantage" form of Agresti 2002, 10.6): for a pair shown with source i on the left and j on
 * the right,
 *
 *   logit P(left chosen) = position + lambda_i - lambda_j,   lambda_reference = 0,
 *
 * fitted by maximum likelihood (Newton-Raphson, which for this logistic model is R's glm on the
 * paired design: a column per non-reference source, +1 for the left reply's source and -1 for the
 * right's, and an intercept for the position). Choices by the same rater, and about the same post,
 * are not independent, so besides the model's information-matrix SEs the fit gives cluster-robust
 * (sandwich) covariances: clustered by rater, and two-way by rater and post (Cameron, Gelbach &
 * Miller 2011: V_rater + V_post - V_rater-and-post), each with the G / (G - 1) small-sample factor,
 * as R's sandwich::vcovCL(type = "HC0", cadjust = TRUE) computes them.
 */
import { cholesky, dense, inverseFromCholesky, solveLower, solveLowerTransposed, type Dense } from './dense.js';
import { hessian } from './derivatives.js';
import { StatsInputError } from './errors.js';
import { lbfgs } from './lbfgs.js';

export interface PairChoice {
  readonly left: string;
  readonly right: string;
  /** 1 when the left reply was chosen, 0 when the right one was. */
  readonly leftChosen: 0 | 1;
  /** Cluster labels: who chose, and about which post. */
  readonly rater: string;
  readonly post: string;
}

export interface BradleyTerryFit {
  /** Sources in the order of the abilities: the reference first. */
  readonly sources: readonly string[];
  readonly reference: string;
  /** Log-ability of each source (the reference 0), and the position effect (log-odds of choosing the left reply between equals). */
  readonly ability: readonly number[];
  readonly position: number;
  /** Covariances of (position, abilities of the non-reference sources), in that order. */
  readonly vcov: { readonly model: Dense; readonly rater: Dense; readonly raterPost: Dense };
  readonly logLik: number;
  readonly n: number;
  readonly iterations: number;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The paired design shared by both models: the sources (the reference first) and each choice's row,
 * +1 in the left source's column and -1 in the right's (the reference has none), after `offset`
 * leading columns (the binary model's intercept).
 */
function pairDesign(choices: ReadonlyArray<{ readonly left: string; readonly right: string }>, reference: string, offset: number): { sources: string[]; rows: Float64Array[] } {
  const seen = [...new Set(choices.flatMap((c) => [c.left, c.right]))].sort();
  if (!seen.includes(reference)) throw new StatsInputError(`the reference source "${reference}" is in no pair`, undefined, 'choose a reference source that was compared');
  const sources = [reference, ...seen.filter((s) => s !== reference)];
  const column = new Map(sources.slice(1).map((s, i) => [s, i + offset]));
  const rows = choices.map((c) => {
    const x = new Float64Array(sources.length - 1 + offset);
    const l = column.get(c.left);
    const r = column.get(c.right);
    if (l !== undefined) x[l] += 1;
    if (r !== undefined) x[r] -= 1;
    return x;
  });
  return { sources, rows };
}

/**
 * Fits the model. Throws a StatsInputError when a source is never compared, when the choices cannot
 * separate the sources (a source that wins or loses every comparison has no finite ability), or
 * with fewer choices than parameters.
 */
export function fitBradleyTerry(choices: readonly PairChoice[], reference: string, options: { maxIterations?: number; tolerance?: number } = {}): BradleyTerryFit {
  const { sources, rows: X } = pairDesign(choices, reference, 1);
  for (const x of X) x[0] = 1;
  const p = sources.length; // intercept + (sources - 1)
  if (sources.length < 2) throw new StatsInputError('pairwise choices need at least two sources', undefined, 'compare replies from two or more sources');
  if (choices.length <= p) throw new StatsInputError(`${choices.length} choices cannot estimate ${p} parameters`, undefined, 'collect more pairwise choices');
  const y = choices.map((c) => c.leftChosen);
  const beta = new Float64Array(p);
  let iterations = 0;
  let info: Dense | null = null;
  let logLik = -Infinity;
  for (; iterations < (options.maxIterations ?? 50); iterations++) {
    const g = new Float64Array(p);
    const h = dense(p, p);
    let ll = 0;
    X.forEach((x, i) => {
      let eta = 0;
      for (let a = 0; a < p; a++) eta += (x[a] as number) * (beta[a] as number);
      const mu = logistic(eta);
      ll += (y[i] as number) === 1 ? Math.log(mu) : Math.log(1 - mu);
      const w = mu * (1 - mu);
      for (let a = 0; a < p; a++) {
        g[a] += (x[a] as number) * ((y[i] as number) - mu);
        for (let b = 0; b < p; b++) h.data[a * p + b] += w * (x[a] as number) * (x[b] as number);
      }
    });
    logLik = ll;
    const chol = cholesky(h);
    if (!chol) throw new StatsInputError('the pairs do not connect every source (a source is compared only with itself, or no pair links two groups of sources)', undefined, 'show pairs that link every source to the others');
    info = h;
    const step = solveLowerTransposed(chol, solveLower(chol, g));
    let size = 0;
    for (let a = 0; a < p; a++) {
      beta[a] += step[a] as number;
      size = Math.max(size, Math.abs(step[a] as number));
    }
    if (Math.max(...beta.map(Math.abs)) > 30) throw new StatsInputError('a source won or lost every comparison it was in, so its ability is not finite', undefined, 'collect more choices, or leave the pairwise analysis out for this study');
    if (size < (options.tolerance ?? 1e-10)) {
      iterations++;
      break;
    }
  }
  if (!info) throw new StatsInputError('no choices to fit', undefined, 'collect pairwise choices first');
  const bread = inverseFromCholesky(cholesky(info) as Dense);
  const scores = X.map((x, i) => {
    let eta = 0;
    for (let a = 0; a < p; a++) eta += (x[a] as number) * (beta[a] as number);
    const r = (y[i] as number) - logistic(eta);
    return x.map((v) => v * r);
  });
  const meat = (key: (c: PairChoice) => string) => clusterMeat(scores, choices.map(key), p);
  const sandwich = (m: Dense) => multiply(multiply(bread, m), bread);
  const rater = sandwich(meat((c) => c.rater));
  const post = sandwich(meat((c) => c.post));
  const both = sandwich(meat((c) => `${c.rater}\u0000${c.post}`));
  const raterPost = dense(p, p, rater.data.map((v, i) => v + (post.data[i] as number) - (both.data[i] as number)));
  return { sources, reference, ability: [0, ...Array.from(beta.slice(1))], position: beta[0] as number, vcov: { model: bread, rater, raterPost }, logLik, n: choices.length, iterations };
}

/** Sum over clusters of (sum of scores in the cluster)(...)', times G / (G - 1). */
function clusterMeat(scores: readonly Float64Array[], labels: readonly string[], p: number): Dense {
  const sums = new Map<string, Float64Array>();
  scores.forEach((s, i) => {
    const key = labels[i] as string;
    const acc = sums.get(key) ?? sums.set(key, new Float64Array(p)).get(key) ?? new Float64Array(p);
    for (let a = 0; a < p; a++) acc[a] += s[a] as number;
  });
  const g = sums.size;
  const m = dense(p, p);
  for (const u of sums.values()) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) m.data[a * p + b] += (u[a] as number) * (u[b] as number);
  const adjust = g > 1 ? g / (g - 1) : 1;
  return dense(p, p, m.data.map((v) => v * adjust));
}

function multiply(a: Dense, b: Dense): Dense {
  const out = dense(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < a.cols; k++) {
      const v = a.data[i * a.cols + k] as number;
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += v * (b.data[k * b.cols + j] as number);
    }
  return out;
}

/** The variance of a contrast c'beta (c over position and the non-reference abilities). */
export function contrastVariance(v: Dense, c: readonly number[]): number {
  let s = 0;
  for (let a = 0; a < v.rows; a++) for (let b = 0; b < v.cols; b++) s += (c[a] as number) * (v.data[a * v.cols + b] as number) * (c[b] as number);
  return s;
}

/** The contrast vector of lambda_i - lambda_j in the fit's parameter order. */
export function abilityContrast(fit: BradleyTerryFit, i: string, j: string): number[] {
  const c = new Array<number>(fit.sources.length).fill(0);
  const a = fit.sources.indexOf(i);
  const b = fit.sources.indexOf(j);
  if (a > 0) c[a] += 1;
  if (b > 0) c[b] -= 1;
  return c;
}

/**
 * Worths: each source's share exp(lambda_i) / sum exp(lambda), the probability it is preferred
 * over an average opponent drawn in proportion to worth (Hunter 2004's normalisation).
 */
export function worths(fit: BradleyTerryFit): number[] {
  const e = fit.ability.map(Math.exp);
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
}

/**
 * A Wald interval for a worth, by the delta method on the log scale's gradient: d pi_i / d lambda_k
 * = pi_i (1[i = k] - pi_k), over the non-reference abilities (the reference is fixed at 0).
 */
export function worthInterval(fit: BradleyTerryFit, v: Dense, i: number, z: number): { se: number; lower: number; upper: number } {
  const pi = worths(fit);
  const grad = [0, ...fit.sources.slice(1).map((_, k) => (pi[i] as number) * ((i === k + 1 ? 1 : 0) - (pi[k + 1] as number)))];
  const se = Math.sqrt(Math.max(0, contrastVariance(v, grad)));
  return { se, lower: Math.max(0, (pi[i] as number) - z * se), upper: Math.min(1, (pi[i] as number) + z * se) };
}

/**
 * The ordinal extension for choices with a strength: a cumulative logit model of the four answers
 * ordered from "right, clearly" to "left, clearly" (k = 0..3), with the Bradley-Terry predictor and
 * symmetric thresholds c - d, c, c + d (R's ordinal::clm(threshold = "symmetric")):
 *
 *   P(k <= j) = logistic(theta_j - (lambda_left - lambda_right)),
 *
 * so the central threshold's negative is the position effect (log-odds of the left reply between
 * equals) and d says how far apart "slightly" and "clearly" lie. Fitted by L-BFGS with the analytic
 * gradient; SEs from the observed information (a numerical Hessian).
 */
export interface OrdinalPairChoice extends Omit<PairChoice, 'leftChosen'> {
  /** 0 right clearly, 1 right slightly, 2 left slightly, 3 left clearly. */
  readonly category: 0 | 1 | 2 | 3;
}

export interface OrdinalPairFit {
  readonly sources: readonly string[];
  readonly ability: readonly number[];
  readonly abilitySe: readonly number[];
  readonly position: number;
  readonly positionSe: number;
  /** Half the distance between the "slightly" and "clearly" thresholds, on the logit scale. */
  readonly spacing: number;
  /** Covariance of (position, non-reference abilities). */
  readonly vcov: Dense;
  readonly logLik: number;
  readonly n: number;
  readonly converged: boolean;
}

export function fitOrdinalPairs(choices: readonly OrdinalPairChoice[], reference: string): OrdinalPairFit {
  const { sources, rows: X } = pairDesign(choices, reference, 0);
  const q = sources.length - 1;
  if (choices.length <= q + 2) throw new StatsInputError(`${choices.length} choices cannot estimate ${q + 2} parameters`, undefined, 'collect more pairwise choices');
  for (const k of [0, 1, 2, 3]) if (!choices.some((c) => c.category === k)) throw new StatsInputError(`no choice has strength category ${k}, so the ordinal model's thresholds are not defined`, undefined, 'use the choice-only Bradley-Terry model');
  // theta = [c, log d, beta...]
  const negLogLik = (theta: Float64Array, grad?: Float64Array): number => {
    const c = theta[0] as number;
    const d = Math.exp(theta[1] as number);
    const cuts = [c - d, c, c + d];
    let nll = 0;
    grad?.fill(0);
    choices.forEach((ch, i) => {
      const x = X[i] as Float64Array;
      let eta = 0;
      for (let a = 0; a < q; a++) eta += (x[a] as number) * (theta[a + 2] as number);
      const k = ch.category;
      const upper = k < 3 ? logistic((cuts[k] as number) - eta) : 1;
      const lower = k > 0 ? logistic((cuts[k - 1] as number) - eta) : 0;
      const p = Math.max(upper - lower, 1e-300);
      nll -= Math.log(p);
      if (!grad) return;
      const du = k < 3 ? upper * (1 - upper) : 0;
      const dl = k > 0 ? lower * (1 - lower) : 0;
      // d p / d cut_k = du, d p / d cut_{k-1} = -dl; d p / d eta = -(du - dl).
      const dCut = [0, 0, 0];
      if (k < 3) dCut[k] += du;
      if (k > 0) dCut[k - 1] -= dl;
      grad[0] -= ((dCut[0] as number) + (dCut[1] as number) + (dCut[2] as number)) / p;
      grad[1] -= (d * (-(dCut[0] as number) + (dCut[2] as number))) / p;
      for (let a = 0; a < q; a++) grad[a + 2] -= (-(du - dl) * (x[a] as number)) / p;
    });
    return nll;
  };
  const start = new Float64Array(q + 2);
  start[1] = Math.log(1.5);
  const result = lbfgs((t, g) => negLogLik(t, g), start, { gtol: 1e-10, maxIterations: 2000 });
  const h = hessian((t) => negLogLik(t), result.x);
  const n = q + 2;
  const info = dense(n, n, Float64Array.from(h));
  const chol = cholesky(info);
  if (!chol) throw new StatsInputError('the ordinal pairwise model has no finite SEs (the choices do not separate the sources)', undefined, 'use the choice-only Bradley-Terry model');
  const inv = inverseFromCholesky(chol);
  // (position, abilities) = (-c, beta): the covariance of -c with beta flips sign.
  const idx = [0, ...Array.from({ length: q }, (_, a) => a + 2)];
  const vcov = dense(q + 1, q + 1);
  idx.forEach((i, a) => idx.forEach((j, b) => (vcov.data[a * (q + 1) + b] = (a === 0) !== (b === 0) ? -(inv.data[i * n + j] as number) : (inv.data[i * n + j] as number))));
  return {
    sources,
    ability: [0, ...Array.from(result.x.slice(2))],
    abilitySe: [0, ...Array.from({ length: q }, (_, a) => Math.sqrt(inv.data[(a + 2) * n + a + 2] as number))],
    position: -(result.x[0] as number),
    positionSe: Math.sqrt(inv.data[0] as number),
    spacing: Math.exp(result.x[1] as number),
    vcov,
    logLik: -result.value,
    n: choices.length,
    converged: result.converged,
  };
}
