/**
 * Inter-rater reliability.
 * - Intraclass correlations of Shrout & Fleiss (1979), "Intraclass correlations: uses in assessing
 *   rater reliability", Psychological Bulletin 86(2): ICC(1,1), ICC(2,1), ICC(3,1) for one rater and
 *   ICC(1,k), ICC(2,k), ICC(3,k) for the mean of k raters, from the two-way ANOVA of a complete
 *   targets x judges table.
 * - Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's alpha-reliability") from the
 *   coincidence matrix, for any number of coders, missing values allowed, with the nominal,
 *   ordinal, interval and ratio difference functions.
 */
import { fQuantile, normalQuantile } from './distributions.js';
import { StatsInputError, lookup } from './errors.js';

export interface IccResult {
  /** One-way random: each target rated by a different set of judges. */
  readonly icc1: number;
  /** Two-way random: judges a random sample, absolute agreement. */
  readonly icc2: number;
  /** Two-way mixed: these judges only, consistency. */
  readonly icc3: number;
  /** The same for the mean of k judges. */
  readonly icc1k: number;
  readonly icc2k: number;
  readonly icc3k: number;
  readonly targets: number;
  readonly judges: number;
  readonly meanSquares: { readonly between: number; readonly within: number; readonly judges: number; readonly error: number };
}

/** ICCs of a complete table: `ratings[target][judge]`. */
export function icc(ratings: readonly (readonly number[])[]): IccResult {
  const n = ratings.length;
  const k = ratings[0]?.length ?? 0;
  if (n < 2 || k < 2 || ratings.some((r) => r.length !== k || r.some((v) => !Number.isFinite(v)))) {
    throw new StatsInputError('ICC needs a complete table of at least 2 targets x 2 judges', 'ratings', 'use Krippendorff\'s alpha for incomplete designs');
  }
  const grand = ratings.flat().reduce((s, v) => s + v, 0) / (n * k);
  const rowMeans = ratings.map((r) => r.reduce((s, v) => s + v, 0) / k);
  const colMeans = Array.from({ length: k }, (_, j) => ratings.reduce((s, r) => s + r[j], 0) / n);
  let ssTotal = 0;
  for (const r of ratings) for (const v of r) ssTotal += (v - grand) ** 2;
  const ssRows = k * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssCols = n * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssError = ssTotal - ssRows - ssCols;
  const bms = ssRows / (n - 1);
  const wms = (ssTotal - ssRows) / (n * (k - 1));
  const jms = ssCols / (k - 1);
  const ems = ssError / ((n - 1) * (k - 1));
  return {
    icc1: (bms - wms) / (bms + (k - 1) * wms),
    icc2: (bms - ems) / (bms + (k - 1) * ems + (k * (jms - ems)) / n),
    icc3: (bms - ems) / (bms + (k - 1) * ems),
    icc1k: (bms - wms) / bms,
    icc2k: (bms - ems) / (bms + (jms - ems) / n),
    icc3k: (bms - ems) / bms,
    targets: n,
    judges: k,
    meanSquares: { between: bms, within: wms, judges: jms, error: ems },
  };
}

/**
 * The 95% (or `level`) confidence interval of ICC(A,1), Shrout & Fleiss's ICC(2,1), by McGraw & Wong
 * (1996)'s F-based formula with Satterthwaite's df, as psych::ICC computes it.
 */
export function iccAgreementInterval(r: IccResult, level = 0.95): { lower: number; upper: number } {
  const { between: msb, judges: msj, error: mse } = r.meanSquares;
  const n = r.targets;
  const k = r.judges;
  const icc = r.icc2;
  const fj = msj / mse;
  const vn = (k - 1) * (n - 1) * (k * icc * fj + n * (1 + (k - 1) * icc) - k * icc) ** 2;
  const vd = (n - 1) * k ** 2 * icc ** 2 * fj ** 2 + (n * (1 + (k - 1) * icc) - k * icc) ** 2;
  const v = vn / vd;
  const q = 1 - (1 - level) / 2;
  const fu = fQuantile(q, n - 1, v);
  const fl = fQuantile(q, v, n - 1);
  return {
    lower: (n * (msb - fu * mse)) / (fu * (k * msj + (k * n - k - n) * mse) + n * msb),
    upper: (n * (fl * msb - mse)) / (k * msj + (k * n - k - n) * mse + n * fl * msb),
  };
}

/** Kendall's tau-b of two paired lists (ties in either corrected for, as R's cor(method = "kendall")). */
export function kendallTauB(x: readonly number[], y: readonly number[]): number | null {
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++)
    for (let j = i + 1; j < x.length; j++) {
      const a = Math.sign(x[i] - x[j]);
      const b = Math.sign(y[i] - y[j]);
      if (a === 0 && b === 0) continue;
      if (a === 0) tiesX++;
      else if (b === 0) tiesY++;
      else if (a === b) concordant++;
      else discordant++;
    }
  const denominator = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denominator === 0 ? null : (concordant - discordant) / denominator;
}

/** Pearson's r of paired lists (null with fewer than 3 pairs, or when either list is constant). */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 3) return null;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** Pearson's r with the Fisher-z confidence interval (as R's cor.test); null with fewer than 4 pairs. */
export function pearsonWithInterval(x: readonly number[], y: readonly number[], level = 0.95): { r: number; lower: number; upper: number; n: number } | null {
  const n = x.length;
  const r = n < 4 ? null : pearson(x, y);
  if (r === null) return null;
  const z = Math.atanh(r);
  const half = normalQuantile(1 - (1 - level) / 2) / Math.sqrt(n - 3);
  return { r, lower: Math.tanh(z - half), upper: Math.tanh(z + half), n };
}

export type AlphaMetric = 'nominal' | 'ordinal' | 'interval' | 'ratio';

/**
 * Krippendorff's alpha. `data[coder][unit]` holds a value or null (missing). Units with fewer than
 * two values are not pairable and are left out, as the coefficient defines.
 */
export function krippendorffAlpha(data: ReadonlyArray<ReadonlyArray<number | null | undefined>>, metric: AlphaMetric = 'interval'): number {
  const units = Math.max(0, ...data.map((row) => row.length));
  const values = [...new Set(data.flat().filter((v): v is number => v !== null && v !== undefined))].sort((a, b) => a - b);
  const index = new Map(values.map((v, i) => [v, i]));
  const v = values.length;
  const o = new Float64Array(v * v);
  for (let u = 0; u < units; u++) {
    const here = data.map((row) => row[u]).filter((x): x is number => x !== null && x !== undefined);
    const m = here.length;
    if (m < 2) continue;
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++) if (a !== b) o[lookup(index, here[a], 'value index') * v + lookup(index, here[b], 'value index')] += 1 / (m - 1);
  }
  const nc = Array.from({ length: v }, (_, c) => {
    let s = 0;
    for (let k = 0; k < v; k++) s += o[c * v + k];
    return s;
  });
  const n = nc.reduce((s, x) => s + x, 0);
  if (n < 2) throw new StatsInputError('Krippendorff\'s alpha needs at least one unit with two or more values', 'data', 'add ratings of the same unit by several raters');
  const delta2 = (c: number, k: number): number => {
    if (c === k) return 0;
    const vc = values[c];
    const vk = values[k];
    switch (metric) {
      case 'nominal':
        return 1;
      case 'interval':
        return (vc - vk) ** 2;
      case 'ratio':
        return ((vc - vk) / (vc + vk)) ** 2;
      case 'ordinal': {
        const [lo, hi] = c < k ? [c, k] : [k, c];
        let s = 0;
        for (let g = lo; g <= hi; g++) s += nc[g];
        return (s - (nc[c] + nc[k]) / 2) ** 2;
      }
    }
  };
  let dObserved = 0;
  let dExpected = 0;
  for (let c = 0; c < v; c++)
    for (let k = 0; k < v; k++) {
      const d = delta2(c, k);
      if (d === 0) continue;
      dObserved += o[c * v + k] * d;
      dExpected += nc[c] * nc[k] * d;
    }
  dObserved /= n;
  dExpected /= n * (n - 1);
  return 1 - dObserved / dExpected;
}

/**
 * Krippendorff's alpha of ratings given as rows (who rated which unit, and the value), or null when
 * it is not defined (no unit with two values, or no variation).
 */
export function krippendorffAlphaOfRows(rows: ReadonlyArray<{ readonly rater: string; readonly unit: string; readonly value: number }>, metric: AlphaMetric = 'interval'): number | null {
  const raters = [...new Set(rows.map((r) => r.rater))].sort();
  const units = [...new Set(rows.map((r) => r.unit))].sort();
  const ri = new Map(raters.map((r, i) => [r, i]));
  const ui = new Map(units.map((u, i) => [u, i]));
  const data: Array<Array<number | null>> = raters.map(() => new Array<number | null>(units.length).fill(null));
  for (const r of rows) data[lookup(ri, r.rater, 'rater row')][lookup(ui, r.unit, 'unit column')] = r.value;
  try {
    return krippendorffAlpha(data, metric);
  } catch (err) {
    if (err instanceof StatsInputError) return null;
    throw err;
  }
}
