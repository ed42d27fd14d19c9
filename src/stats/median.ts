/**
 * The median with a distribution-free confidence interval from order statistics (as in
 * Conover's Practical Nonparametric Statistics, and R's `wilcox.test`-free `DescTools::MedianCI`
 * with method "exact"): the interval [x_(j), x_(k)] is the narrowest symmetric pair of order
 * statistics whose binomial(n, 1/2) coverage reaches the level.
 */
import { incompleteBeta } from './distributions.js';
import { StatsInputError } from './errors.js';

/** P(B <= k) for B ~ binomial(n, 1/2). */
function binomialCdfHalf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  // P(B <= k) = I_{1/2}(n - k, k + 1)
  return incompleteBeta(0.5, n - k, k + 1);
}

export interface MedianInterval {
  readonly n: number;
  readonly median: number;
  /** NaN when there are too few values for the level (n < 6 at 95%). */
  readonly lower: number;
  readonly upper: number;
  /** The interval's exact coverage. */
  readonly coverage: number;
}

export function medianInterval(values: readonly number[], level = 0.95): MedianInterval {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) throw new StatsInputError('no values to take the median of', undefined, 'give at least one value');
  const median = n % 2 === 1 ? (xs[(n - 1) / 2] as number) : ((xs[n / 2 - 1] as number) + (xs[n / 2] as number)) / 2;
  // The largest j (1-based) with P(j <= B <= n - j) >= level, i.e. 1 - 2 P(B <= j - 1) >= level.
  let j = 0;
  for (let cand = 1; cand <= Math.floor(n / 2); cand++) {
    if (1 - 2 * binomialCdfHalf(cand - 1, n) >= level) j = cand;
    else break;
  }
  if (j === 0) return { n, median, lower: Number.NaN, upper: Number.NaN, coverage: Number.NaN };
  return { n, median, lower: xs[j - 1] as number, upper: xs[n - j] as number, coverage: 1 - 2 * binomialCdfHalf(j - 1, n) };
}
