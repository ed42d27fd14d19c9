/**
 * Power by simulation for crossed rating designs, as R's simr does it for lme4 models (Green &
 * MacLeod 2016): simulate a data set from the model on the design, refit the model, test each
 * contrast, and count how often the test rejects. One simulation is a pure function of the design,
 * the model and its seed, so a run gives the same answer however its simulations are spread over
 * workers.
 *
 * The linear model (`lmm`) simulates
 *   y = mean[source] + a_post + b_rater + c_post:rater + e,
 * with normal random intercepts and residual (simr's `simulate()` of a fitted lmer model), refits
 * it by REML and tests every pairwise contrast of the sources' marginal means with Satterthwaite's t
 * test (lmerTest's), adjusted over the pairs as the analysis adjusts them. The ordinal model
 * (`clmm`) simulates a latent y* = location[source] + a_post + b_rater + logistic (or normal) noise,
 * cut at the thresholds into categories 1..K, refits the CLMM and tests the same contrasts with
 * Wald z tests.
 */
import { fitClmmFormula, type ClmmLink } from './clmm.js';
import type { DataFrame } from './design.js';
import { incompleteBeta } from './distributions.js';
import { emmeans, type Adjustment } from './emmeans.js';
import { clmmMeans } from './clmm-means.js';
import { StatsInputError } from './errors.js';
import { fitLmm } from './lmm.js';
import { normalDraw, seededRng, streamSeed, type Rng } from './random.js';

/** Who rates what: one row per rating, as codes into `sources` and 0..posts-1, 0..raters-1. */
export interface PowerDesign {
  readonly sources: readonly string[];
  readonly posts: number;
  readonly raters: number;
  readonly post: Int32Array;
  readonly rater: Int32Array;
  readonly source: Int32Array;
  /** `within-post` designs have a post x rater term; `one-per-post` ones do not (one rating per pair). */
  readonly type: 'within-post' | 'one-per-post';
}

export interface LmmPowerModel {
  readonly kind: 'lmm';
  /** Mean rating per source, on the scale's units. */
  readonly means: Readonly<Record<string, number>>;
  readonly sdPost: number;
  readonly sdRater: number;
  /** Ignored by one-per-post designs (it cannot be told from the residual there). */
  readonly sdPostRater: number;
  readonly sdResidual: number;
}

export interface ClmmPowerModel {
  readonly kind: 'clmm';
  readonly link: ClmmLink;
  /** Location of each source on the latent scale (the reference source 0). */
  readonly locations: Readonly<Record<string, number>>;
  /** K - 1 increasing thresholds. */
  readonly thresholds: readonly number[];
  readonly sdPost: number;
  readonly sdRater: number;
}

export type PowerModel = LmmPowerModel | ClmmPowerModel;

export interface PowerTest {
  readonly reference: string;
  readonly alpha: number;
  readonly adjust: Adjustment;
}

export interface SimulationResult {
  readonly index: number;
  /** Per contrast (the pairs of `contrastLabels`): estimate and adjusted p; null when the fit failed. */
  readonly estimates: number[] | null;
  readonly p: number[] | null;
  readonly converged: boolean;
  readonly singular: boolean;
  readonly error?: string;
}

/** The pairs every simulation tests, as emmeans labels them: `a - b` for each a before b in `sources`. */
export function contrastLabels(sources: readonly string[]): string[] {
  const out: string[] = [];
  for (let a = 0; a < sources.length; a++) for (let b = a + 1; b < sources.length; b++) out.push(`${sources[a]} - ${sources[b]}`);
  return out;
}

/** The fitted formula for a design: the reference study's model, without post:rater where it cannot be estimated. */
export function powerFormula(design: Pick<PowerDesign, 'type'>, model: Pick<PowerModel, 'kind'>): string {
  if (model.kind === 'clmm') return 'ordered(value) ~ source + (1 | rater) + (1 | post)';
  return design.type === 'within-post' ? 'value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)' : 'value ~ source + (1 | post) + (1 | rater)';
}

/** One simulated data set's responses on the design. */
export function simulateResponses(design: PowerDesign, model: PowerModel, rng: Rng): Float64Array {
  const n = design.post.length;
  const a = Float64Array.from({ length: design.posts }, () => model.sdPost * normalDraw(rng));
  const b = Float64Array.from({ length: design.raters }, () => model.sdRater * normalDraw(rng));
  const y = new Float64Array(n);
  if (model.kind === 'lmm') {
    const means = design.sources.map((s) => valueOf(model.means, s, 'mean'));
    const c = new Map<number, number>();
    const pr = design.type === 'within-post' ? model.sdPostRater : 0;
    for (let i = 0; i < n; i++) {
      const key = design.post[i] * design.raters + design.rater[i];
      let ci = c.get(key);
      if (ci === undefined) c.set(key, (ci = pr > 0 ? pr * normalDraw(rng) : 0));
      y[i] = means[design.source[i]] + a[design.post[i]] + b[design.rater[i]] + ci + model.sdResidual * normalDraw(rng);
    }
    return y;
  }
  const loc = design.sources.map((s) => valueOf(model.locations, s, 'latent location'));
  for (let i = 0; i < n; i++) {
    const noise = model.link === 'logit' ? logisticDraw(rng) : normalDraw(rng);
    const latent = loc[design.source[i]] + a[design.post[i]] + b[design.rater[i]] + noise;
    let k = 0;
    while (k < model.thresholds.length && latent > model.thresholds[k]) k++;
    y[i] = k + 1;
  }
  return y;
}

function valueOf(values: Readonly<Record<string, number>>, source: string, what: string): number {
  const v = values[source];
  if (v === undefined) throw new StatsInputError(`no ${what} for the source ${source}`, source, 'give every source of the design a value');
  return v;
}

function logisticDraw(u: Rng): number {
  const v = Math.min(1 - 1e-16, Math.max(1e-16, u()));
  return Math.log(v / (1 - v));
}

function frameOf(design: PowerDesign, y: Float64Array): DataFrame {
  const n = y.length;
  const post: string[] = new Array(n);
  const rater: string[] = new Array(n);
  const source: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    post[i] = `p${design.post[i]}`;
    rater[i] = `r${design.rater[i]}`;
    source[i] = design.sources[design.source[i]];
  }
  return { value: Array.from(y), post, rater, source };
}

/**
 * The model's pairwise contrasts (labelled by the factor's levels, reference first) in the order of
 * `contrastLabels(sources)`, a contrast given the other way round negated.
 */
function inOurOrder(sources: readonly string[], pairs: ReadonlyArray<{ readonly contrast: string; readonly estimate: number; readonly p: number }>): { estimates: number[]; p: number[] } {
  const byLabel = new Map(pairs.map((r) => [r.contrast, r]));
  const estimates: number[] = [];
  const p: number[] = [];
  for (const label of contrastLabels(sources)) {
    const [x, z] = label.split(' - ') as [string, string];
    const direct = byLabel.get(label);
    const row = direct ?? byLabel.get(`${z} - ${x}`);
    if (!row) throw new StatsInputError(`no contrast ${label} in the fit`, 'source', 'every source must be rated');
    estimates.push(direct ? row.estimate : -row.estimate);
    p.push(row.p);
  }
  return { estimates, p };
}

/** Simulation `index` of a run seeded with `seed`: simulate, refit, test every pair of sources. */
export function runSimulation(design: PowerDesign, model: PowerModel, test: PowerTest, seed: number, index: number): SimulationResult {
  const rng = seededRng(streamSeed(seed, index));
  const y = simulateResponses(design, model, rng);
  const data = frameOf(design, y);
  const formula = powerFormula(design, model);
  try {
    if (model.kind === 'lmm') {
      // Start at the simulated components, near the optimum (the optimum is the same; it takes a third of the evaluations).
      const start = { 'post:rater': model.sdPostRater / model.sdResidual, post: model.sdPost / model.sdResidual, rater: model.sdRater / model.sdResidual };
      const fit = fitLmm(formula, data, { reference: { source: test.reference }, satterthwaite: false, start });
      return { index, ...inOurOrder(design.sources, emmeans(fit, 'source', { adjust: test.adjust }).pairs), converged: fit.converged, singular: fit.singular };
    }
    const fit = fitClmmFormula(formula, data, { link: model.link, reference: { source: test.reference } });
    const pairs = clmmMeans(fit, 'source', { adjust: test.adjust }).pairs;
    return { index, ...inOurOrder(design.sources, pairs), converged: fit.converged, singular: Object.values(fit.randomSd).some((sd) => sd < 1e-3) };
  } catch (error) {
    if (!(error instanceof StatsInputError)) throw error;
    return { index, estimates: null, p: null, converged: false, singular: false, error: error.message };
  }
}

/** Clopper-Pearson exact interval of a binomial proportion (as R's binom.test, and simr, report). */
export function binomialInterval(successes: number, trials: number, level = 0.95): { lower: number; upper: number } {
  const a = (1 - level) / 2;
  const quantile = (p: number, x: number, y: number) => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (incompleteBeta(mid, x, y) < p) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  return {
    lower: successes === 0 ? 0 : quantile(a, successes, trials - successes + 1),
    upper: successes === trials ? 1 : quantile(1 - a, successes + 1, trials - successes),
  };
}

export interface PowerRow {
  readonly contrast: string;
  /** The difference the model plants (second source's mean subtracted from the first's). */
  readonly planted: number;
  readonly rejections: number;
  readonly simulations: number;
  readonly power: number;
  readonly lower: number;
  readonly upper: number;
  /** Mean estimate over successful fits (a check that the fits recover the planted difference). */
  readonly meanEstimate: number;
}

export interface PowerSummary {
  readonly rows: PowerRow[];
  readonly simulations: number;
  readonly failed: number;
  readonly notConverged: number;
  readonly singular: number;
}

/** Power per contrast with its exact 95% interval: failed fits count as non-rejections (simr counts them as errors and leaves them out; we keep the denominator honest). */
export function summarisePower(design: PowerDesign, model: PowerModel, test: PowerTest, results: readonly SimulationResult[]): PowerSummary {
  const labels = contrastLabels(design.sources);
  const planted = (x: string, z: string) => (model.kind === 'lmm' ? (model.means[x] ?? 0) - (model.means[z] ?? 0) : (model.locations[x] ?? 0) - (model.locations[z] ?? 0));
  const rows = labels.map((label, k) => {
    const [x, z] = label.split(' - ') as [string, string];
    const ok = results.filter((r) => r.p !== null);
    const rejections = ok.filter((r) => (r.p as number[])[k] < test.alpha).length;
    const ci = binomialInterval(rejections, results.length);
    const meanEstimate = ok.reduce((s, r) => s + (r.estimates as number[])[k], 0) / Math.max(1, ok.length);
    return { contrast: label, planted: planted(x, z), rejections, simulations: results.length, power: rejections / Math.max(1, results.length), ...ci, meanEstimate };
  });
  return {
    rows,
    simulations: results.length,
    failed: results.filter((r) => r.p === null).length,
    notConverged: results.filter((r) => r.p !== null && !r.converged).length,
    singular: results.filter((r) => r.singular).length,
  };
}
