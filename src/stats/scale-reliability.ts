/**
 * The reliability of a multi-item scale from a table of answers (rows: one rater's answers about one
 * reply; columns: the items, reverse-keyed items already recoded):
 * - Cronbach's alpha, k / (k - 1) (1 - sum of item variances / variance of the sum), with Feldt's
 *   (1965) F-based interval, as psych::alpha reports them ("95% confidence boundaries (Feldt)");
 * - corrected item-total correlations (each item with the sum of the others: psych's r.drop);
 * - McDonald's omega total from a one-factor model fitted by minimum residuals (unweighted least
 *   squares on the correlation matrix, psych::fa's default "minres"): one minus the uniquenesses
 *   over the sum of the correlation matrix, as psych::omega(nfactors = 1) computes omega.tot.
 */
import { symmetricEigen, dense } from './dense.js';
import { fQuantile } from './distributions.js';
import { StatsInputError } from './errors.js';
import { pearson as pearsonOrNull } from './reliability.js';

/** Pearson's r, NaN where it is not defined (a constant item). */
const pearson = (x: readonly number[], y: readonly number[]) => pearsonOrNull(x, y) ?? NaN;

const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
function variance(x: readonly number[]): number {
  const m = mean(x);
  return x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1);
}
function check(rows: ReadonlyArray<readonly number[]>): number {
  const k = rows[0]?.length ?? 0;
  if (k < 2) throw new StatsInputError('a multi-item scale needs at least two items', undefined, 'add items to the scale');
  if (rows.length < 3) throw new StatsInputError(`${rows.length} answer sets are too few for a reliability`, undefined, 'collect more ratings');
  if (rows.some((r) => r.length !== k)) throw new StatsInputError('every answer set needs every item', undefined, 'leave out incomplete answer sets');
  return k;
}

const column = (rows: ReadonlyArray<readonly number[]>, j: number) => rows.map((r) => r[j] as number);

/** Cronbach's alpha with Feldt's interval at `level`. */
export function cronbachAlpha(rows: ReadonlyArray<readonly number[]>, level = 0.95): { alpha: number; lower: number; upper: number; n: number; items: number } {
  const k = check(rows);
  const itemVar = Array.from({ length: k }, (_, j) => variance(column(rows, j))).reduce((s, v) => s + v, 0);
  const totalVar = variance(rows.map((r) => r.reduce((s, v) => s + v, 0)));
  if (!(totalVar > 0)) throw new StatsInputError('every answer set has the same total, so alpha is not defined', undefined, 'check the answers');
  const alpha = (k / (k - 1)) * (1 - itemVar / totalVar);
  const n = rows.length;
  const d1 = n - 1;
  const d2 = (n - 1) * (k - 1);
  const tail = (1 - level) / 2;
  return { alpha, lower: 1 - (1 - alpha) * fQuantile(1 - tail, d1, d2), upper: 1 - (1 - alpha) * fQuantile(tail, d1, d2), n, items: k };
}

/** Each item's correlation with the sum of the other items. */
export function itemRestCorrelations(rows: ReadonlyArray<readonly number[]>): number[] {
  const k = check(rows);
  return Array.from({ length: k }, (_, j) => pearson(column(rows, j), rows.map((r) => r.reduce((s, v, i) => (i === j ? s : s + v), 0))));
}

/** The correlation matrix of the items. */
export function correlationMatrix(rows: ReadonlyArray<readonly number[]>): number[][] {
  const k = check(rows);
  const cols = Array.from({ length: k }, (_, j) => column(rows, j));
  return cols.map((a, i) => cols.map((b, j) => (i === j ? 1 : pearson(a, b))));
}

/**
 * The loadings of a one-factor model by minimum residuals: communalities iterated (principal axis
 * factoring) until they stop changing, which minimises the sum of squared off-diagonal residuals.
 */
export function oneFactorLoadings(r: readonly (readonly number[])[], options: { tolerance?: number; maxIterations?: number } = {}): number[] {
  const k = r.length;
  // Start from squared multiple correlations' simple stand-in: each item's largest correlation.
  let h = r.map((row, i) => Math.max(...row.filter((_, j) => j !== i).map(Math.abs)));
  let loadings = new Array<number>(k).fill(0);
  for (let it = 0; it < (options.maxIterations ?? 10_000); it++) {
    const m = dense(k, k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) m.data[i * k + j] = i === j ? (h[i] as number) : ((r[i] as number[])[j] as number);
    const { values, vectors } = symmetricEigen(m);
    let top = 0;
    for (let a = 1; a < k; a++) if ((values[a] as number) > (values[top] as number)) top = a;
    const scale = Math.sqrt(Math.max(0, values[top] as number));
    loadings = Array.from({ length: k }, (_, i) => (vectors.data[i * k + top] as number) * scale);
    // The sign of a factor is arbitrary: most loadings positive.
    if (loadings.reduce((s, v) => s + v, 0) < 0) loadings = loadings.map((v) => -v);
    const next = loadings.map((l) => Math.min(1, l * l));
    const change = Math.max(...next.map((v, i) => Math.abs(v - (h[i] as number))));
    h = next;
    if (change < (options.tolerance ?? 1e-12)) break;
  }
  return loadings;
}

/**
 * McDonald's omega total from a one-factor model, as psych::omega computes omega.tot: one minus the
 * sum of the uniquenesses (1 - loading^2) over the sum of the correlation matrix.
 */
export function omegaTotal(rows: ReadonlyArray<readonly number[]>): { omega: number; loadings: number[] } {
  const r = correlationMatrix(rows);
  if (r.some((row) => row.some((v) => !Number.isFinite(v)))) throw new StatsInputError('an item has the same answer in every answer set, so omega is not defined', undefined, 'check the items');
  const loadings = oneFactorLoadings(r);
  const total = r.reduce((s, row) => s + row.reduce((t, v) => t + v, 0), 0);
  const uniqueness = loadings.reduce((s, l) => s + (1 - l * l), 0);
  return { omega: (total - uniqueness) / total, loadings };
}

/** Spearman-Brown: the reliability of a measure `factor` times as long. */
export const spearmanBrown = (r: number, factor = 2) => (factor * r) / (1 + (factor - 1) * r);
