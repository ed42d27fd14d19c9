/**
 * Predicting a rating from many features, as the reference study predicted empathy ratings from
 * its bag of words: OLS (weights with SE, t and p, when there are more observations than
 * features) and ridge regression (features standardised, intercept unpenalised, minimising
 * |y - b0 - X b|^2 + lambda |b|^2), each scored by seeded k-fold cross-validation (MAE and R^2).
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

/** Ridge on already standardised columns (x: n x p), intercept unpenalised. */
export function ridge(y: ArrayLike<number>, x: Float64Array, p: number, lambda: number): RidgeFit {
  const n = y.length;
  let my = 0;
  for (let i = 0; i < n; i++) my += (y[i] as number) / n;
  const mx = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mx[j] += (x[i * p + j] as number) / n;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) {
      const xj = (x[i * p + j] as number) - (mx[j] as number);
      b[j] += xj * ((y[i] as number) - my);
      for (let k = 0; k <= j; k++) a[j * p + k] += xj * ((x[i * p + k] as number) - (mx[k] as number));
    }
  for (let j = 0; j < p; j++) {
    a[j * p + j] += lambda;
    for (let k = j + 1; k < p; k++) a[j * p + k] = a[k * p + j] as number;
  }
  const l = cholesky(dense(p, p, a), 0);
  if (!l) throw new StatsInputError('the ridge system is singular', 'lambda', 'use a positive lambda');
  const w = solveLowerTransposed(l, solveLower(l, b));
  let intercept = my;
  for (let j = 0; j < p; j++) intercept -= (w[j] as number) * (mx[j] as number);
  return { intercept, weights: w, lambda };
}

export interface CvScore {
  readonly mae: number;
  readonly r2: number;
}

export interface RatingRegression {
  readonly n: number;
  readonly p: number;
  readonly folds: number;
  readonly ridge: { readonly lambda: number; readonly cv: CvScore; readonly weights: Array<{ name: string; weight: number }> };
  /** Absent when there are not more observations than features plus one. */
  readonly ols?: { readonly cv: CvScore; readonly fit: OlsFit };
}

function score(actual: number[], predicted: number[]): CvScore {
  const n = actual.length;
  const mean = actual.reduce((s, v) => s + v, 0) / n;
  let abs = 0;
  let rss = 0;
  let tss = 0;
  actual.forEach((a, i) => {
    abs += Math.abs(a - (predicted[i] as number));
    rss += (a - (predicted[i] as number)) ** 2;
    tss += (a - mean) ** 2;
  });
  return { mae: abs / n, r2: tss > 0 ? 1 - rss / tss : NaN };
}

/** `x` is n x p raw features; columns are standardised within each training fold. */
export function ratingRegression(y: readonly number[], x: Float64Array, names: readonly string[], options: { folds?: number; seed?: number; lambda?: number } = {}): RatingRegression {
  const n = y.length;
  const p = names.length;
  const k = Math.min(options.folds ?? 5, n);
  if (k < 2) throw new StatsInputError('cross-validation needs at least two observations', 'ratings', 'rate more replies');
  const lambda = options.lambda ?? 1;
  const order = shuffled(Array.from({ length: n }, (_, i) => i), seededRng(options.seed ?? 1));
  const folds = Array.from({ length: k }, (_, f) => order.filter((_, i) => i % k === f));
  const canOls = n - Math.ceil(n / k) > p + 1;
  const actual: number[] = [];
  const ridgePred: number[] = [];
  const olsPred: number[] = [];
  for (const test of folds) {
    const inTest = new Set(test);
    const train = order.filter((i) => !inTest.has(i)).sort((a, b) => a - b);
    const xs = standardize(x, p, train, train);
    const xt = standardize(x, p, test, train);
    const yTrain = train.map((i) => y[i] as number);
    const r = ridge(yTrain, xs, p, lambda);
    let o: OlsFit | undefined;
    if (canOls) {
      const withIntercept = new Float64Array(train.length * (p + 1));
      train.forEach((_, row) => {
        withIntercept[row * (p + 1)] = 1;
        for (let j = 0; j < p; j++) withIntercept[row * (p + 1) + 1 + j] = xs[row * p + j] as number;
      });
      o = ols(yTrain, withIntercept, ['(Intercept)', ...names]);
    }
    test.forEach((i, row) => {
      actual.push(y[i] as number);
      let pr = r.intercept;
      let po = o ? (o.coef[0] as number) : 0;
      for (let j = 0; j < p; j++) {
        pr += (r.weights[j] as number) * (xt[row * p + j] as number);
        if (o) po += (o.coef[j + 1] as number) * (xt[row * p + j] as number);
      }
      ridgePred.push(pr);
      if (o) olsPred.push(po);
    });
  }
  const all = Array.from({ length: n }, (_, i) => i);
  const xAll = standardize(x, p, all, all);
  const full = ridge(y, xAll, p, lambda);
  const result: RatingRegression = {
    n,
    p,
    folds: k,
    ridge: {
      lambda,
      cv: score(actual, ridgePred),
      weights: names.map((name, j) => ({ name, weight: full.weights[j] as number })).sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)),
    },
  };
  if (!canOls) return result;
  const withIntercept = new Float64Array(n * (p + 1));
  for (let i = 0; i < n; i++) {
    withIntercept[i * (p + 1)] = 1;
    for (let j = 0; j < p; j++) withIntercept[i * (p + 1) + 1 + j] = xAll[i * p + j] as number;
  }
  return { ...result, ols: { cv: score(actual, olsPred), fit: ols(y, withIntercept, ['(Intercept)', ...names]) } };
}
