/**
 * Estimated marginal means and pairwise contrasts, as emmeans computes them for a mixed model
 * (Lenth, emmeans): the reference grid holds every level of each factor in the fixed part and
 * numeric covariates at their mean; a factor's marginal mean averages the grid's predictions over
 * the other factors with equal weights. Degrees of freedom are Satterthwaite's, per contrast.
 */
import type { Column, Frame } from './design.js';
import { modelMatrix } from './design.js';
import { quadForm } from './dense.js';
import { tQuantile, tTestP } from './distributions.js';
import { StatsInputError, lookup } from './errors.js';
import type { LmmFit } from './lmm.js';
import { ptukey, qtukey } from './studentized-range.js';

import type { Adjustment } from './adjustments.js';

export { ADJUSTMENTS, type Adjustment } from './adjustments.js';

export interface EmmeanRow {
  readonly level: string;
  readonly emmean: number;
  readonly se: number;
  readonly df: number;
  readonly lower: number;
  readonly upper: number;
}

export interface ContrastRow {
  /** `human - gpt4`: the first level minus the second, as emmeans labels it. */
  readonly contrast: string;
  readonly estimate: number;
  readonly se: number;
  readonly df: number;
  readonly t: number;
  /** Adjusted for the family of all pairs. */
  readonly p: number;
  /** Confidence interval of the difference, adjusted as `Emmeans.ciAdjust` says. */
  readonly lower: number;
  readonly upper: number;
}

export interface Emmeans {
  readonly factor: string;
  readonly emmeans: EmmeanRow[];
  readonly pairs: ContrastRow[];
  readonly adjust: Adjustment;
  /**
   * How the contrasts' intervals are adjusted for the family, as emmeans' `confint` does it: Tukey's
   * studentized range for tukey, Bonferroni for holm and bonferroni (Holm's step-down has no
   * interval), none for none.
   */
  readonly ciAdjust: 'tukey' | 'bonferroni' | 'none';
  readonly level: number;
}

/** Holm's step-down adjustment (Holm 1979). */
export function holm(p: readonly number[]): number[] {
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
  const out = new Array<number>(p.length);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (p.length - rank) * p[idx]));
    out[idx] = running;
  });
  return out;
}

export function bonferroni(p: readonly number[]): number[] {
  return p.map((x) => Math.min(1, x * p.length));
}

/**
 * The reference grid's rows of the fixed-effects model matrix (less `droppedColumns`), with each
 * row's factor levels. Used by the CLMM's means too, with the intercept among the dropped columns.
 */
export function referenceGrid(fit: { readonly design: Pick<LmmFit['design'], 'frame' | 'formula' | 'droppedColumns'> }): { rows: Float64Array[]; levels: Array<Map<string, string>> } {
  const { frame, formula, droppedColumns } = fit.design;
  const variables = [...new Set(formula.fixed.flat())];
  const factors = variables.filter((v) => frame.columns.get(v)?.kind === 'factor');
  const cells: Array<Map<string, number>> = [new Map()];
  for (const f of factors) {
    const col = frame.columns.get(f) as Extract<Column, { kind: 'factor' }>;
    const next: Array<Map<string, number>> = [];
    for (const cell of cells) col.levels.forEach((_, k) => next.push(new Map(cell).set(f, k)));
    cells.splice(0, cells.length, ...next);
  }
  const columns = new Map<string, Column>();
  for (const v of variables) {
    const col = frame.columns.get(v) as Column;
    if (col.kind === 'factor') columns.set(v, { kind: 'factor', levels: col.levels, codes: Int32Array.from(cells, (c) => lookup(c, v, 'level code')) });
    else {
      const mean = col.values.reduce((s, x) => s + x, 0) / col.values.length;
      columns.set(v, { kind: 'numeric', values: new Float64Array(cells.length).fill(mean) });
    }
  }
  const grid: Frame = { n: cells.length, dropped: 0, columns, rows: new Int32Array(cells.length) };
  const mm = modelMatrix(grid, formula.intercept, formula.fixed);
  const keep = mm.names.map((name, j) => (droppedColumns.includes(name) ? -1 : j)).filter((j) => j >= 0);
  const p = mm.names.length;
  const rows = cells.map((_, i) => Float64Array.from(keep, (j) => mm.values[i * p + j]));
  const levels = cells.map((c) => new Map([...c].map(([f, k]) => [f, (frame.columns.get(f) as Extract<Column, { kind: 'factor' }>).levels[k]])));
  return { rows, levels };
}

function estimate(fit: LmmFit, l: Float64Array) {
  let est = 0;
  for (let j = 0; j < l.length; j++) est += l[j] * fit.beta[j];
  const se = Math.sqrt(quadForm(l, fit.vcov));
  return { est, se, df: fit.dfFor(l) };
}

/** Marginal means of `factor` with confidence intervals, and all pairwise differences. */
export function emmeans(fit: LmmFit, factor: string, options: { adjust?: Adjustment; level?: number } = {}): Emmeans {
  const adjust = options.adjust ?? 'holm';
  const level = options.level ?? 0.95;
  const col = fit.design.frame.columns.get(factor);
  if (!col || col.kind !== 'factor' || !fit.design.formula.fixed.some((t) => t.includes(factor))) {
    throw new StatsInputError(`${factor} is not a factor in the fixed part of the model`, factor, 'name a factor of the formula, e.g. --contrasts source');
  }
  const grid = referenceGrid(fit);
  const p = fit.beta.length;
  const lFor = col.levels.map((lev) => {
    const rows = grid.rows.filter((_, i) => grid.levels[i]?.get(factor) === lev);
    const l = new Float64Array(p);
    for (const r of rows) for (let j = 0; j < p; j++) l[j] += r[j] / rows.length;
    return l;
  });
  const means = lFor.map((l, k) => {
    const { est, se, df } = estimate(fit, l);
    const q = tQuantile(1 - (1 - level) / 2, df);
    return { level: col.levels[k], emmean: est, se, df, lower: est - q * se, upper: est + q * se };
  });
  const raw: Array<Omit<ContrastRow, 'p' | 'lower' | 'upper'> & { rawP: number }> = [];
  for (let a = 0; a < lFor.length; a++)
    for (let b = a + 1; b < lFor.length; b++) {
      const l = Float64Array.from(lFor[a] as Float64Array, (v, j) => v - (lFor[b] as Float64Array)[j]);
      const { est, se, df } = estimate(fit, l);
      const t = est / se;
      raw.push({ contrast: `${col.levels[a]} - ${col.levels[b]}`, estimate: est, se, df, t, rawP: tTestP(t, df) });
    }
  const rawP = raw.map((r) => r.rawP);
  const adjusted =
    adjust === 'holm'
      ? holm(rawP)
      : adjust === 'bonferroni'
        ? bonferroni(rawP)
        : adjust === 'tukey'
          ? raw.map((r) => 1 - ptukey(Math.abs(r.t) * Math.SQRT2, col.levels.length, r.df))
          : rawP;
  const m = raw.length;
  // One contrast is a family of one: its interval needs no adjustment (nor does emmeans make one).
  const ciAdjust = m <= 1 || adjust === 'none' ? 'none' : adjust === 'tukey' ? 'tukey' : 'bonferroni';
  const half = (r: { se: number; df: number }) => {
    const q =
      ciAdjust === 'tukey'
        ? qtukey(level, col.levels.length, r.df) / Math.SQRT2
        : tQuantile(1 - (1 - level) / (2 * (ciAdjust === 'bonferroni' ? m : 1)), r.df);
    return q * r.se;
  };
  const pairs = raw.map(({ rawP: _raw, ...r }, i) => ({ ...r, p: adjusted[i], lower: r.estimate - half(r), upper: r.estimate + half(r) }));
  return { factor, emmeans: means, pairs, adjust, ciAdjust, level };
}

export interface UnitMeans {
  readonly group: string;
  readonly mean: number;
  readonly sd: number;
  /** Number of units (posts) averaged. */
  readonly n: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * Means per group with t confidence intervals across units: each unit's (post's) values are
 * averaged first, then a t interval is taken over the unit means. This is how the reference study
 * drew its main figure (means per source with 95% CIs across posts).
 */
export function meansAcrossUnits(values: readonly number[], units: readonly string[], groups: readonly string[], level = 0.95): UnitMeans[] {
  const sums = new Map<string, Map<string, { s: number; n: number }>>();
  values.forEach((v, i) => {
    const g = groups[i];
    const u = units[i];
    const byUnit = sums.get(g) ?? new Map<string, { s: number; n: number }>();
    sums.set(g, byUnit);
    const acc = byUnit.get(u) ?? { s: 0, n: 0 };
    acc.s += v;
    acc.n += 1;
    byUnit.set(u, acc);
  });
  return [...sums.entries()].map(([group, byUnit]) => {
    const unitMeans = [...byUnit.values()].map((a) => a.s / a.n);
    const n = unitMeans.length;
    const mean = unitMeans.reduce((s, x) => s + x, 0) / n;
    const sd = n > 1 ? Math.sqrt(unitMeans.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : NaN;
    const half = n > 1 ? tQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n)) : NaN;
    return { group, mean, sd, n, lower: mean - half, upper: mean + half };
  });
}

/**
 * A standardised effect size for designs with crossed random effects (Westfall, Kenny & Judd 2014):
 * the difference over the square root of the sum of every variance component of the model (each
 * random-effect variance and the residual variance), so that d compares the difference with the
 * total variation of a single rating. The interval divides the contrast's interval by the same
 * denominator (the variance components taken as known).
 */
export function westfallKennyJuddD(fit: Pick<LmmFit, 'varcor'>, contrast: { estimate: number; lower: number; upper: number }): { d: number; lower: number; upper: number; denominator: number } {
  const denominator = totalSd(fit);
  return { d: contrast.estimate / denominator, lower: contrast.lower / denominator, upper: contrast.upper / denominator, denominator };
}

/** The denominator of d: the square root of the sum of every variance component, residual included. */
export function totalSd(fit: Pick<LmmFit, 'varcor'>): number {
  const denominator = Math.sqrt(fit.varcor.filter((v) => v.var2 === null).reduce((s, v) => s + v.vcov, 0));
  if (!(denominator > 0)) throw new StatsInputError('the model has no variance', 'd', 'a standardised effect size needs a non-zero variance');
  return denominator;
}
