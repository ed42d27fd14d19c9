/**
 * Multinomial logistic regression with an L2 (ridge) penalty, with glmnet's objective (Friedman,
 * Hastie & Tibshirani 2010; alpha = 0):
 *
 *   minimise  -(1/N) sum_i log p(y_i | x_i)  +  (lambda / 2) sum_k |beta_k|^2,
 *   p(k | x) = exp(b0_k + x' beta_k) / sum_j exp(b0_j + x' beta_j),
 *
 * with one coefficient vector per class and unpenalised intercepts, centred to sum to zero (the
 * objective does not identify their common level). Solved by L-BFGS.
 */
import { StatsInputError } from './errors.js';
import { lbfgs } from './lbfgs.js';

export interface MultinomialFit {
  readonly classes: readonly string[];
  readonly p: number;
  readonly intercepts: Float64Array;
  /** K x p, row-major: class k's weights. */
  readonly weights: Float64Array;
  readonly lambda: number;
  readonly converged: boolean;
  readonly iterations: number;
}

/**
 * x as a constant per column plus sparse deviations from it: a standardised bag of words is
 * (count - mean) / sd, the same value wherever the count is 0, so each objective evaluation costs
 * the non-zero counts, not n x p.
 */
function columnConstantPlusSparse(x: Float64Array, n: number, p: number): { constant: Float64Array; rowStart: Int32Array; cols: Int32Array; values: Float64Array } {
  const constant = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    // The column's most frequent value: a majority vote (Boyer-Moore) finds it when more than half
    // the rows share it, as most columns of a bag of words do; otherwise count every value.
    let best = 0;
    let votes = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * p + j];
      if (votes === 0) {
        best = v;
        votes = 1;
      } else if (v === best) votes++;
      else votes--;
    }
    let bestCount = 0;
    for (let i = 0; i < n; i++) if (x[i * p + j] === best) bestCount++;
    if (bestCount * 2 <= n) {
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const v = x[i * p + j];
        const c = (counts.get(v) ?? 0) + 1;
        counts.set(v, c);
        if (c > bestCount) {
          bestCount = c;
          best = v;
        }
      }
    }
    constant[j] = best;
  }
  const rowStart = new Int32Array(n + 1);
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const d = x[i * p + j] - constant[j];
      if (d !== 0) {
        cols.push(j);
        values.push(d);
      }
    }
    rowStart[i + 1] = cols.length;
  }
  return { constant, rowStart, cols: Int32Array.from(cols), values: Float64Array.from(values) };
}

/**
 * `x` is n x p row-major; `y` holds class indices into `classes`. `start` (intercepts and weights
 * per class, as `fitMultinomial` returns them) warm-starts the optimiser, e.g. a cross-validation
 * fold from the fit on all the training data; the optimum does not depend on it.
 */
export function fitMultinomial(x: Float64Array, y: Int32Array, classes: readonly string[], p: number, lambda: number, options: { start?: Pick<MultinomialFit, 'intercepts' | 'weights'> } = {}): MultinomialFit {
  const n = y.length;
  const k = classes.length;
  if (k < 2) throw new StatsInputError('a classifier needs at least two classes', 'labels', 'give replies from two or more sources');
  if (!(lambda > 0)) throw new StatsInputError('lambda must be positive', 'lambda', 'use a small positive penalty such as 1/N');
  const width = p + 1; // per class: intercept, then weights
  const { constant, rowStart, cols, values } = columnConstantPlusSparse(x, n, p);
  const eta = new Float64Array(k);
  const base = new Float64Array(k);
  const residualSum = new Float64Array(k);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    residualSum.fill(0);
    // Each class's linear predictor at the columns' constants.
    for (let c = 0; c < k; c++) {
      let v = theta[c * width];
      for (let j = 0; j < p; j++) v += theta[c * width + 1 + j] * constant[j];
      base[c] = v;
    }
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const from = rowStart[i];
      const to = rowStart[i + 1];
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let v = base[c];
        const off = c * width + 1;
        for (let q = from; q < to; q++) v += theta[off + cols[q]] * values[q];
        eta[c] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(eta[c] - max);
      const logSum = max + Math.log(sum);
      const yi = y[i];
      loss -= eta[yi] - logSum;
      for (let c = 0; c < k; c++) {
        const r = Math.exp(eta[c] - logSum) - (c === yi ? 1 : 0);
        residualSum[c] += r;
        const off = c * width + 1;
        for (let q = from; q < to; q++) grad[off + cols[q]] += r * values[q];
      }
    }
    let penalty = 0;
    for (let c = 0; c < k; c++) {
      const rs = residualSum[c];
      grad[c * width] = rs / n;
      for (let j = 0; j < p; j++) {
        const idx = c * width + 1 + j;
        const w = theta[idx];
        penalty += w * w;
        grad[idx] = (grad[idx] + rs * constant[j]) / n + lambda * w;
      }
    }
    return loss / n + (lambda / 2) * penalty;
  };
  const start = new Float64Array(k * width);
  if (options.start) {
    for (let c = 0; c < k; c++) {
      start[c * width] = options.start.intercepts[c];
      for (let j = 0; j < p; j++) start[c * width + 1 + j] = options.start.weights[c * p + j];
    }
  }
  const result = lbfgs(objective, start, { gtol: 1e-10 });
  const intercepts = Float64Array.from({ length: k }, (_, c) => result.x[c * width]);
  const mean = intercepts.reduce((s, v) => s + v, 0) / k;
  for (let c = 0; c < k; c++) intercepts[c] -= mean;
  const weights = new Float64Array(k * p);
  for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) weights[c * p + j] = result.x[c * width + 1 + j];
  return { classes, p, intercepts, weights, lambda, converged: result.converged, iterations: result.iterations };
}

/** Class probabilities, n x K row-major. */
export function predictProbabilities(fit: MultinomialFit, x: Float64Array): Float64Array {
  const k = fit.classes.length;
  const p = fit.p;
  const n = x.length / p;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let v = fit.intercepts[c];
      for (let j = 0; j < p; j++) v += fit.weights[c * p + j] * x[i * p + j];
      out[i * k + c] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp(out[i * k + c] - max);
    for (let c = 0; c < k; c++) out[i * k + c] = out[i * k + c] / sum;
  }
  return out;
}

export function predictClasses(fit: MultinomialFit, x: Float64Array): Int32Array {
  const k = fit.classes.length;
  const probs = predictProbabilities(fit, x);
  const n = probs.length / k;
  return Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    return best;
  });
}
