/**
 * Predicting a rating from many features, as the reference study predicted empathy ratings from
 * its bag of words: OLS (weights with SE, t and p, where it is identified) and ridge regression
 * (features standardised, intercept unpenalised, minimising |y - b0 - X b|^2 + lambda |b|^2, lambda
 * chosen by nested cross-validation), each scored by seeded k-fold cross-validation (MAE and R^2)
 * beside the baseline of predicting the training mean.
 */
import { cholesky, dense, solveLower, solveLowerTransposed } from './dense.js';
import { StatsInputError } from './errors.js';
import { ols, type OlsFit } from './ols.js';
import { seededRng, shuffled } from './random.js';
import { standardize } from './classification.js';

export interface RidgeFit {
  readonly intercept: number;
  readonly weights: Float64Array;
  readonly lambda: number;
}

/** The centred cross-products of a ridge problem, formed once for every penalty tried. */
interface Gram {
  readonly p: number;
  readonly my: number;
  readonly mx: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
}

function gram(y: ArrayLike<number>, x: Float64Array, p: number): Gram {
  const n = y.length;
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i] / n;
  const mx = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mx[j] += x[i * p + j] / n;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) row[j] = x[i * p + j] - mx[j];
    const dy = y[i] - my;
    for (let j = 0; j < p; j++) {
      const xj = row[j];
      if (xj === 0) continue;
      b[j] += xj * dy;
      for (let k = 0; k <= j; k++) a[j * p + k] += xj * row[k];
    }
  }
  return { p, my, mx, a, b };
}

function solveRidge(g: Gram, lambda: number): RidgeFit {
  const p = g.p;
  const a = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k <= j; k++) a[j * p + k] = a[k * p + j] = g.a[j * p + k];
    a[j * p + j] += lambda;
  }
  const l = cholesky(dense(p, p, a), 0);
  if (!l) throw new StatsInputError('the ridge system is singular', 'lambda', 'use a positive lambda');
  const w = solveLowerTransposed(l, solveLower(l, g.b));
  let intercept = g.my;
  for (let j = 0; j < p; j++) intercept -= w[j] * g.mx[j];
  return { intercept, weights: w, lambda };
}

/** Ridge on already standardised columns (x: n x p), intercept unpenalised. */
export function ridge(y: ArrayLike<number>, x: Float64Array, p: number, lambda: number): RidgeFit {
  return solveRidge(gram(y, x, p), lambda);
}

/** The penalties tried when ridge chooses its own (a log grid, as glmnet's path is). */
export const RIDGE_LAMBDAS: readonly number[] = [0.01, 0.1, 1, 10, 100, 1000, 10000];

/** Rows of x (n x p) as their own matrix. */
function rowsOf(x: Float64Array, p: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * p);
  rows.forEach((i, k) => out.set(x.subarray(i * p, (i + 1) * p), k * p));
  return out;
}

function predict(fit: RidgeFit, x: Float64Array, p: number, row: number): number {
  let v = fit.intercept;
  for (let j = 0; j < p; j++) v += fit.weights[j] * x[row * p + j];
  return v;
}

/**
 * The penalty with the lowest mean squared error in k-fold cross-validation within `y`, `x`
 * (already standardised on these rows): the inner loop of nested cross-validation.
 */
export function chooseLambda(y: readonly number[], x: Float64Array, p: number, folds: number, seed: number): number {
  const n = y.length;
  const k = Math.min(folds, n);
  if (k < 2) return 1;
  const order = shuffled(Array.from({ length: n }, (_, i) => i), seededRng(seed));
  const sse = RIDGE_LAMBDAS.map(() => 0);
  for (let f = 0; f < k; f++) {
    const test = order.filter((_, i) => i % k === f);
    const inTest = new Set(test);
    const train = order.filter((i) => !inTest.has(i));
    const g = gram(train.map((i) => y[i]), rowsOf(x, p, train), p);
    RIDGE_LAMBDAS.forEach((lambda, li) => {
      const fit = solveRidge(g, lambda);
      for (const i of test) sse[li] += (y[i] - predict(fit, x, p, i)) ** 2;
    });
  }
  let best = 0;
  sse.forEach((v, i) => {
    if (v < sse[best]) best = i;
  });
  return RIDGE_LAMBDAS[best];
}

export interface CvScore {
  readonly mae: number;
  readonly r2: number;
}

export interface RatingRegression {
  readonly n: number;
  readonly p: number;
  readonly folds: number;
  /** Predicting every held-out reply by its training part's mean rating: what a model must beat. */
  readonly baseline: CvScore;
  readonly ridge: {
    readonly lambda: number;
    /** `cross-validation`: chosen within each training part (nested) and, for the weights, on all replies; `given`: set by hand. */
    readonly lambdaChosenBy: 'cross-validation' | 'given';
    readonly cv: CvScore;
    readonly weights: Array<{ name: string; weight: number }>;
  };
  /** Absent where OLS is not identified; `olsOmitted` says why. */
  readonly ols?: { readonly cv: CvScore; readonly fit: OlsFit };
  readonly olsOmitted?: string;
  /** Terms left out of a fold's OLS because they were constant in its training part (summed over folds). */
  readonly constantInFolds: number;
}

function score(actual: number[], predicted: number[]): CvScore {
  const n = actual.length;
  const mean = actual.reduce((s, v) => s + v, 0) / n;
  let abs = 0;
  let rss = 0;
  let tss = 0;
  actual.forEach((a, i) => {
    abs += Math.abs(a - predicted[i]);
    rss += (a - predicted[i]) ** 2;
    tss += (a - mean) ** 2;
  });
  return { mae: abs / n, r2: tss > 0 ? 1 - rss / tss : NaN };
}

/** Columns that vary among `rows` of raw x. */
function varying(x: Float64Array, p: number, rows: readonly number[]): number[] {
  const keep: number[] = [];
  for (let j = 0; j < p; j++) {
    const first = x[rows[0] * p + j];
    if (rows.some((i) => x[i * p + j] !== first)) keep.push(j);
  }
  return keep;
}

/** OLS with an intercept on the standardised columns `keep` of `xs` (rows x p); undefined when not identified. */
function olsOn(y: readonly number[], xs: Float64Array, p: number, keep: readonly number[], names: readonly string[]): OlsFit | undefined {
  const q = keep.length + 1;
  if (y.length <= q) return undefined;
  const m = new Float64Array(y.length * q);
  for (let r = 0; r < y.length; r++) {
    m[r * q] = 1;
    keep.forEach((j, c) => (m[r * q + 1 + c] = xs[r * p + j]));
  }
  try {
    return ols(y, m, ['(Intercept)', ...keep.map((j) => names[j])]);
  } catch (err) {
    if (err instanceof StatsInputError) return undefined;
    throw err;
  }
}

/**
 * `x` is n x p raw features; columns are standardised within each training fold. Ridge always,
 * with its penalty chosen by cross-validation inside each training part (nested, so the reported
 * error is honest) unless `lambda` is given; OLS where it is identified, on the terms that vary in
 * the fold's training part; and the baseline of predicting the training mean.
 */
export function ratingRegression(y: readonly number[], x: Float64Array, names: readonly string[], options: { folds?: number; seed?: number; lambda?: number } = {}): RatingRegression {
  const n = y.length;
  const p = names.length;
  const k = Math.min(options.folds ?? 5, n);
  if (k < 2) throw new StatsInputError('cross-validation needs at least two observations', 'ratings', 'rate more replies');
  const seed = options.seed ?? 1;
  const order = shuffled(Array.from({ length: n }, (_, i) => i), seededRng(seed));
  const folds = Array.from({ length: k }, (_, f) => order.filter((_, i) => i % k === f));
  const actual: number[] = [];
  const ridgePred: number[] = [];
  const olsPred: number[] = [];
  const basePred: number[] = [];
  let olsOmitted: string | undefined;
  let constantInFolds = 0;
  folds.forEach((test, f) => {
    const inTest = new Set(test);
    const train = order.filter((i) => !inTest.has(i)).sort((a, b) => a - b);
    const xs = standardize(x, p, train, train);
    const xt = standardize(x, p, test, train);
    const yTrain = train.map((i) => y[i]);
    const lambda = options.lambda ?? chooseLambda(yTrain, xs, p, k, seed + 1 + f);
    const r = ridge(yTrain, xs, p, lambda);
    const mean = yTrain.reduce((s, v) => s + v, 0) / yTrain.length;
    const keep = varying(x, p, train);
    constantInFolds += p - keep.length;
    let o: OlsFit | undefined;
    if (olsOmitted === undefined) {
      o = olsOn(yTrain, xs, p, keep, names);
      if (!o) olsOmitted = yTrain.length <= keep.length + 1 ? `not identified: ${yTrain.length} replies in a training part for ${keep.length} terms` : 'not identified: the terms are collinear in a cross-validation fold';
    }
    test.forEach((i, row) => {
      actual.push(y[i]);
      ridgePred.push(predict(r, xt, p, row));
      basePred.push(mean);
      if (o) {
        let po = o.coef[0];
        keep.forEach((j, c) => (po += o.coef[c + 1] * xt[row * p + j]));
        olsPred.push(po);
      }
    });
  });
  const all = Array.from({ length: n }, (_, i) => i);
  const xAll = standardize(x, p, all, all);
  const lambda = options.lambda ?? chooseLambda(y, xAll, p, k, seed);
  const full = ridge(y, xAll, p, lambda);
  const result = {
    n,
    p,
    folds: k,
    baseline: score(actual, basePred),
    ridge: {
      lambda,
      lambdaChosenBy: options.lambda === undefined ? ('cross-validation' as const) : ('given' as const),
      cv: score(actual, ridgePred),
      weights: names.map((name, j) => ({ name, weight: full.weights[j] })).sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)),
    },
    constantInFolds,
  };
  if (olsOmitted !== undefined) return { ...result, olsOmitted };
  const fit = olsOn(y, xAll, p, varying(x, p, all), names);
  return fit ? { ...result, ols: { cv: score(actual, olsPred), fit } } : { ...result, olsOmitted: 'not identified: the terms are collinear' };
}
