/**
 * Marginal means, contrasts, category probabilities and likelihood-ratio tests of cumulative link
 * mixed models, as R's emmeans and ordinal report them:
 * - the latent mean of a level is x'beta minus the mean threshold (emmeans' `mode = "latent"`), with
 *   an asymptotic (z) interval; pairwise differences of latent means are differences of x'beta,
 *   tested by Wald z tests and adjusted over the family (Holm, Bonferroni, Tukey with infinite df, or
 *   none; intervals as emmeans adjusts them);
 * - category probabilities at the random effects' mean, u = 0 (emmeans' `mode = "prob"`), and
 *   averaged over the random effects' distribution, u ~ N(0, sum of their variances), by Gauss-Hermite
 *   quadrature: the population-averaged probabilities, which emmeans does not give;
 * - likelihood-ratio tests between nested fits (ordinal's `anova`).
 */
import type { ClmmFormulaFit } from './clmm.js';
import { logistic, normal } from './clmm.js';
import { chiSquaredUpperTail, normalQuantile, normalUpperTail } from './distributions.js';
import { bonferroni, holm, referenceGrid, type Adjustment } from './emmeans.js';
import { StatsInputError } from './errors.js';
import { ptukey, qtukey } from './studentized-range.js';

export interface ClmmMean {
  readonly level: string;
  readonly latent: number;
  readonly se: number;
  readonly lower: number;
  readonly upper: number;
  /** P(Y = category j) at u = 0, per category. */
  readonly prob: number[];
  /** P(Y = category j) averaged over the random effects. */
  readonly probMarginal: number[];
  /** Expected rating (the categories' values weighted by prob, and by probMarginal). */
  readonly meanRating: number;
  readonly meanRatingMarginal: number;
}

export interface ClmmContrast {
  readonly contrast: string;
  readonly estimate: number;
  readonly se: number;
  readonly z: number;
  readonly p: number;
  readonly lower: number;
  readonly upper: number;
}

export interface ClmmMeans {
  readonly factor: string;
  readonly means: ClmmMean[];
  readonly pairs: ClmmContrast[];
  readonly adjust: Adjustment;
  readonly ciAdjust: 'tukey' | 'bonferroni' | 'none';
  readonly level: number;
  /** Gauss-Hermite nodes used for the marginal probabilities. */
  readonly quadratureNodes: number;
}

/** Nodes and weights of n-point Gauss-Hermite quadrature (weight exp(-x^2)), by Newton's method on H_n. */
export function gaussHermite(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  let z = 0;
  for (let i = 0; i < m; i++) {
    // Initial guesses for the largest roots first (Numerical Recipes' gauher scheme).
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * nodes[0];
    else if (i === 3) z = 1.91 * z - 0.91 * nodes[1];
    else z = 2 * z - nodes[i - 2];
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      // Orthonormal Hermite recurrence.
      let p1 = Math.PI ** -0.25;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) < 1e-15) break;
    }
    nodes[i] = z;
    nodes[n - 1 - i] = -z;
    weights[i] = 2 / (pp * pp);
    weights[n - 1 - i] = weights[i];
  }
  return { nodes, weights };
}

const QUADRATURE = 60;

/** Category probabilities at linear predictor eta (thresholds theta, P(Y <= j) = F(theta_j - eta)). */
function categoryProbs(theta: Float64Array, eta: number, F: (x: number) => number): number[] {
  const out: number[] = [];
  let below = 0;
  for (let j = 0; j <= theta.length; j++) {
    const cum = j < theta.length ? F(theta[j] - eta) : 1;
    out.push(cum - below);
    below = cum;
  }
  return out;
}

export function clmmMeans(fit: ClmmFormulaFit, factor: string, options: { adjust?: Adjustment; level?: number } = {}): ClmmMeans {
  const adjust = options.adjust ?? 'holm';
  const level = options.level ?? 0.95;
  const col = fit.design.frame.columns.get(factor);
  if (!col || col.kind !== 'factor' || !fit.design.formula.fixed.some((t) => t.includes(factor)))
    throw new StatsInputError(`${factor} is not a factor in the fixed part of the ordinal model`, factor, 'name a factor of the formula, e.g. source');
  const grid = referenceGrid(fit);
  const p = fit.beta.length;
  const J1 = fit.thresholds.length;
  const r = J1 + p;
  const cov = fit.vcovThresholdsBeta;
  const F = fit.link === 'logit' ? logistic.F : normal.F;
  const totalSd = Math.sqrt(Object.values(fit.randomSd).reduce((s, sd) => s + sd * sd, 0));
  const gh = gaussHermite(QUADRATURE);
  const z = normalQuantile(1 - (1 - level) / 2);
  const lFor = col.levels.map((lev) => {
    const rows = grid.rows.filter((_, i) => grid.levels[i]?.get(factor) === lev);
    if (rows.some((row) => row.length !== p)) throw new StatsInputError('the reference grid does not match the ordinal model\'s coefficients', factor, 'report this as a bug');
    return { rows, l: Float64Array.from({ length: p }, (_, j) => rows.reduce((s, row) => s + row[j], 0) / rows.length) };
  });
  const dot = (l: Float64Array) => l.reduce((s, v, j) => s + v * fit.beta[j], 0);
  const means = lFor.map(({ rows, l }, k) => {
    // Latent mean: l'beta - mean(theta); its gradient in (theta, beta) is (-1/(J-1), ..., l).
    const g = new Float64Array(r);
    for (let j = 0; j < J1; j++) g[j] = -1 / J1;
    l.forEach((v, j) => (g[J1 + j] = v));
    let v = 0;
    for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) v += g[a] * cov[a * r + b] * g[b];
    const latent = dot(l) - fit.thresholds.reduce((s, t) => s + t, 0) / J1;
    const se = Math.sqrt(v);
    // Probabilities per grid row, averaged over the rows (emmeans averages the response scale).
    const prob = new Array<number>(J1 + 1).fill(0);
    const probMarginal = new Array<number>(J1 + 1).fill(0);
    for (const row of rows) {
      const eta = row.reduce((s, x, j) => s + x * fit.beta[j], 0);
      categoryProbs(fit.thresholds, eta, F).forEach((q, j) => (prob[j] += q / rows.length));
      for (let i = 0; i < QUADRATURE; i++) {
        const u = Math.SQRT2 * totalSd * gh.nodes[i];
        const w = gh.weights[i] / Math.sqrt(Math.PI);
        categoryProbs(fit.thresholds, eta + u, F).forEach((q, j) => (probMarginal[j] += (w * q) / rows.length));
      }
    }
    const expected = (ps: number[]) => ps.reduce((s, q, j) => s + q * (fit.categories[j] ?? j + 1), 0);
    return { level: col.levels[k] as string, latent, se, lower: latent - z * se, upper: latent + z * se, prob, probMarginal, meanRating: expected(prob), meanRatingMarginal: expected(probMarginal) };
  });
  const raw: Array<Omit<ClmmContrast, 'p' | 'lower' | 'upper'> & { rawP: number }> = [];
  for (let a = 0; a < lFor.length; a++)
    for (let b = a + 1; b < lFor.length; b++) {
      const l = Float64Array.from(lFor[a]?.l ?? [], (v, j) => v - (lFor[b]?.l[j] ?? 0));
      let v = 0;
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) v += l[i] * fit.vcovBeta[i * p + j] * l[j];
      const estimate = dot(l);
      const se = Math.sqrt(v);
      const zv = estimate / se;
      raw.push({ contrast: `${col.levels[a]} - ${col.levels[b]}`, estimate, se, z: zv, rawP: Math.min(1, 2 * normalUpperTail(Math.abs(zv))) });
    }
  const rawP = raw.map((x) => x.rawP);
  const k = col.levels.length;
  const adjusted = adjust === 'holm' ? holm(rawP) : adjust === 'bonferroni' ? bonferroni(rawP) : adjust === 'tukey' ? raw.map((x) => 1 - ptukey(Math.abs(x.z) * Math.SQRT2, k, Infinity)) : rawP;
  const m = raw.length;
  const ciAdjust = m <= 1 || adjust === 'none' ? 'none' : adjust === 'tukey' ? 'tukey' : 'bonferroni';
  const q = ciAdjust === 'tukey' ? qtukey(level, k, Infinity) / Math.SQRT2 : normalQuantile(1 - (1 - level) / (2 * (ciAdjust === 'bonferroni' ? m : 1)));
  const pairs = raw.map(({ rawP: _raw, ...x }, i) => ({ ...x, p: adjusted[i] as number, lower: x.estimate - q * x.se, upper: x.estimate + q * x.se }));
  return { factor, means, pairs, adjust, ciAdjust, level, quadratureNodes: QUADRATURE };
}

export interface ClmmLrtRow {
  readonly formula: string;
  readonly npar: number;
  readonly logLik: number;
  readonly AIC: number;
  readonly chisq: number | null;
  readonly df: number | null;
  readonly p: number | null;
}

/** Likelihood-ratio tests of nested CLMMs, smallest first (ordinal's `anova(m0, m1, ...)`). */
export function clmmLrt(fits: ReadonlyArray<Pick<ClmmFormulaFit, 'formula' | 'npar' | 'logLik' | 'aic' | 'nobs'>>): ClmmLrtRow[] {
  const sorted = [...fits].sort((a, b) => a.npar - b.npar);
  if (new Set(sorted.map((f) => f.nobs)).size > 1) throw new StatsInputError('the models were fitted to different numbers of ratings', 'models', 'fit every model to the same rows');
  return sorted.map((f, i) => {
    const prev = i > 0 ? sorted[i - 1] : undefined;
    if (!prev) return { formula: f.formula, npar: f.npar, logLik: f.logLik, AIC: f.aic, chisq: null, df: null, p: null };
    const chisq = Math.max(0, 2 * (f.logLik - prev.logLik));
    const df = f.npar - prev.npar;
    return { formula: f.formula, npar: f.npar, logLik: f.logLik, AIC: f.aic, chisq, df, p: df > 0 ? chiSquaredUpperTail(chisq, df) : null };
  });
}
