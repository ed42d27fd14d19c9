/**
 * Comparing a measure between groups (a style feature between sources), as the reference study
 * compared models: per-group mean and SD, and every pair of groups by regression, once by OLS
 * (value ~ group) and once by a mixed model with a random intercept per unit (value ~ group +
 * (1 | unit)), since every post has one reply from every source. Contrasts are differences of the
 * groups' estimated means (the first group of a pair minus the second), with an adjustment for the
 * family of pairs.
 */
import { quadForm } from './dense.js';
import { factorColumn } from './design.js';
import { tTestP } from './distributions.js';
import { bonferroni, emmeans, holm, type Adjustment } from './emmeans.js';
import { fitLmm } from './lmm.js';
import { ols } from './ols.js';
import { ptukey } from './studentized-range.js';

export interface GroupSummary {
  readonly group: string;
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
}

export interface PairComparison {
  readonly contrast: string;
  readonly b: number;
  readonly se: number;
  readonly df: number;
  readonly t: number;
  readonly p: number;
}

export interface GroupComparison {
  readonly groups: GroupSummary[];
  readonly ols: PairComparison[];
  /** Absent when no units were given, or the mixed model could not be fitted (then `mixedError`). */
  readonly mixed?: PairComparison[];
  readonly mixedError?: string;
  readonly adjust: Adjustment;
}

function adjustP(raw: readonly PairComparison[], adjust: Adjustment, groups: number): PairComparison[] {
  const p = raw.map((r) => r.p);
  const adjusted =
    adjust === 'holm' ? holm(p) : adjust === 'bonferroni' ? bonferroni(p) : adjust === 'tukey' ? raw.map((r) => 1 - ptukey(Math.abs(r.t) * Math.SQRT2, groups, r.df)) : p;
  return raw.map((r, i) => ({ ...r, p: adjusted[i] }));
}

export function compareGroups(
  values: readonly number[],
  groups: readonly string[],
  options: { units?: readonly string[]; reference?: string; adjust?: Adjustment } = {},
): GroupComparison {
  const adjust = options.adjust ?? 'holm';
  const g = factorColumn(groups, options.reference, 'group');
  const k = g.levels.length;
  const summaries = g.levels.map((level, j) => {
    const v = values.filter((_, i) => g.codes[i] === j);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : NaN;
    return { group: level, n: v.length, mean, sd };
  });

  // OLS with treatment coding: group j's mean is b0 + b_j.
  const n = values.length;
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    x[i * k] = 1;
    const c = g.codes[i];
    if (c > 0) x[i * k + c] = 1;
  }
  const fit = ols(values, x, g.levels.map((l, j) => (j === 0 ? '(Intercept)' : `group${l}`)));
  const raw: PairComparison[] = [];
  for (let a = 0; a < k; a++)
    for (let b = a + 1; b < k; b++) {
      const l = new Float64Array(k);
      if (a > 0) l[a] = 1;
      if (b > 0) l[b] = -1;
      let est = 0;
      for (let j = 0; j < k; j++) est += l[j] * fit.coef[j];
      const se = Math.sqrt(quadForm(l, fit.vcov));
      const t = est / se;
      raw.push({ contrast: `${g.levels[a]} - ${g.levels[b]}`, b: est, se, df: fit.df, t, p: tTestP(t, fit.df) });
    }
  const result: GroupComparison = { groups: summaries, ols: adjustP(raw, adjust, k), adjust };
  if (!options.units) return result;
  try {
    const mixed = fitLmm('value ~ group + (1 | unit)', { value: [...values], group: [...groups], unit: [...options.units] }, { reference: { group: g.levels[0] } });
    const e = emmeans(mixed, 'group', { adjust });
    return { ...result, mixed: e.pairs.map((p) => ({ contrast: p.contrast, b: p.estimate, se: p.se, df: p.df, t: p.t, p: p.p })) };
  } catch (err) {
    return { ...result, mixedError: (err as Error).message };
  }
}
