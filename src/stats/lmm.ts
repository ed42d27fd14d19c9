/**
 * Fitting a linear mixed model from an lme4 formula and a data frame, with the quantities lme4 and
 * lmerTest report: fixed effects and their covariance, Satterthwaite t tests, variance components,
 * the REML criterion or deviance, information criteria, conditional modes, and convergence and
 * singularity diagnostics.
 */
import { cholesky, dense, inverseFromCholesky, solveLowerTransposed, type Dense } from './dense.js';
import { buildFrame, frameVariablesUsedAsFactors, groupingFactor, modelMatrix, type DataFrame, type Frame } from './design.js';
import { StatsInputError } from './errors.js';
import { formulaVariables, parseFormula, type Formula } from './formula.js';
import { centralDerivatives } from './derivatives.js';
import { blockFactor, LmmProblem, profiledDeviance, thetaLength, thetaLowerBounds, type RandomBlock } from './lmm-problem.js';
import { minimize } from './optimize.js';
import { satterthwaiteDf, satterthwaiteSetup, type Satterthwaite } from './satterthwaite.js';
import { tTestP } from './distributions.js';

export interface FitOptions {
  /** REML (default) or maximum likelihood. */
  readonly reml?: boolean;
  /** Reference level per factor (`relevel`): `{ source: 'human' }`. */
  readonly reference?: Readonly<Record<string, string>>;
  /** Skip the Satterthwaite computations (df, t tests) when only estimates are needed. */
  readonly satterthwaite?: boolean;
  /**
   * Evaluate the model at these covariance parameters instead of optimising (lme4's devFunOnly):
   * for checking this implementation against another's estimates, or profiling.
   */
  readonly theta?: ArrayLike<number>;
  /**
   * Where the optimiser starts (covariance parameters in lme4's order), instead of lme4's start of
   * ones: a power simulation starts at the parameters it simulated from, near the optimum, which
   * saves most of the evaluations and finds the same optimum.
   */
  readonly start?: ArrayLike<number> | Readonly<Record<string, number>>;
}

export interface VarCorrRow {
  readonly grp: string;
  readonly var1: string | null;
  readonly var2: string | null;
  /** A variance or covariance. */
  readonly vcov: number;
  /** An SD or correlation. */
  readonly sdcor: number;
}

export interface LmmFit {
  readonly formula: string;
  readonly reml: boolean;
  readonly nobs: number;
  /** Rows dropped for missing values. */
  readonly dropped: number;
  readonly ngroups: Readonly<Record<string, number>>;
  readonly fixefNames: readonly string[];
  readonly beta: Float64Array;
  readonly vcov: Dense;
  readonly se: Float64Array;
  readonly df: Float64Array;
  readonly t: Float64Array;
  readonly p: Float64Array;
  readonly theta: Float64Array;
  readonly sigma: number;
  readonly varcor: readonly VarCorrRow[];
  /** REML criterion for REML fits, deviance (-2 log-likelihood) for ML fits. */
  readonly devianceOrRemlCriterion: number;
  readonly logLik: number;
  /** Number of parameters: fixed effects + covariance parameters + residual variance. */
  readonly npar: number;
  readonly aic: number;
  readonly bic: number;
  readonly ranef: ReadonlyArray<{ group: string; names: readonly string[]; levels: readonly string[]; values: Float64Array }>;
  readonly singular: boolean;
  readonly converged: boolean;
  readonly warnings: readonly string[];
  readonly evaluations: number;
  /** Satterthwaite df of any contrast L of the fixed effects (lmerTest's definition). */
  dfFor(l: ArrayLike<number>): number;
  /** Asymptotic covariance of (theta, sigma) and the Jacobians of Var(beta-hat) (lmerTest's vcov_varpar, Jac_list). */
  satterthwaite(): Satterthwaite;
  /** The design, for reference grids. */
  readonly design: { readonly frame: Frame; readonly formula: Formula; readonly droppedColumns: readonly string[] };
}

/** Columns of X that are linear combinations of earlier ones (as lme4 drops them, with a message). */
function estimableColumns(x: Float64Array, n: number, p: number): number[] {
  const keep: number[] = [];
  for (let j = 0; j < p; j++) {
    const cols = [...keep, j];
    const m = cols.length;
    const xtx = new Float64Array(m * m);
    for (let a = 0; a < m; a++)
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i * p + cols[a]] * x[i * p + cols[b]];
        xtx[a * m + b] = xtx[b * m + a] = s;
      }
    if (cholesky(dense(m, m, xtx), 1e-10)) keep.push(j);
  }
  return keep;
}

function buildBlocks(frame: Frame, formula: Formula): RandomBlock[] {
  const raw = formula.random.map((rt) => {
    const g = groupingFactor(frame, rt.group);
    const mm = modelMatrix(frame, rt.intercept, rt.terms);
    return { g, mm };
  });
  // lme4 orders terms by decreasing number of levels (stable).
  const order = raw.map((_, i) => i).sort((a, b) => raw[b].g.levels.length - raw[a].g.levels.length || a - b);
  const seen = new Map<string, number>();
  let offset = 0;
  let thetaOffset = 0;
  return order.map((i) => {
    const { g, mm } = raw[i];
    const r = mm.names.length;
    if (g.levels.length >= frame.n) {
      throw new StatsInputError(
        `the grouping factor ${g.name} has ${g.levels.length} level${g.levels.length === 1 ? '' : 's'} for ${frame.n} observation${frame.n === 1 ? '' : 's'}, so its random effects cannot be told apart from the residual`,
        `(… | ${g.name})`,
        'remove the term, or check that the data have several observations per level',
      );
    }
    const count = seen.get(g.name) ?? 0;
    seen.set(g.name, count + 1);
    const block: RandomBlock = {
      group: count === 0 ? g.name : `${g.name}.${count}`,
      levels: g.levels,
      codes: g.codes,
      names: mm.names,
      x: mm.values,
      r,
      offset,
      thetaOffset,
    };
    offset += g.levels.length * r;
    thetaOffset += (r * (r + 1)) / 2;
    return block;
  });
}

function varCorr(blocks: readonly RandomBlock[], theta: Float64Array, sigma: number): VarCorrRow[] {
  const rows: VarCorrRow[] = [];
  for (const b of blocks) {
    const t = blockFactor(b, theta);
    const r = b.r;
    const cov = new Float64Array(r * r);
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += t[i * r + k] * t[j * r + k];
        cov[i * r + j] = s * sigma * sigma;
      }
    const sd = Array.from({ length: r }, (_, i) => Math.sqrt(cov[i * r + i]));
    for (let i = 0; i < r; i++) rows.push({ grp: b.group, var1: b.names[i], var2: null, vcov: cov[i * r + i], sdcor: sd[i] });
    for (let j = 0; j < r; j++)
      for (let i = j + 1; i < r; i++) {
        const c = cov[i * r + j];
        rows.push({ grp: b.group, var1: b.names[j], var2: b.names[i], vcov: c, sdcor: c / (sd[i] * sd[j]) });
      }
  }
  rows.push({ grp: 'Residual', var1: null, var2: null, vcov: sigma * sigma, sdcor: sigma });
  return rows;
}

/**
 * Input no mixed model can be fitted to, refused as lme4 refuses it (rather than fitted into a
 * -Inf criterion): no rows, a response with no variance, a fixed factor with one level.
 */
function checkDegenerate(formula: Formula, frame: Frame): void {
  if (frame.n === 0) throw new StatsInputError('the data have no rows (after dropping rows with missing values)', formula.response, 'give a file with a header and at least one row per observation');
  const response = frame.columns.get(formula.response);
  if (response?.kind === 'numeric' && response.values.every((v) => v === response.values[0]))
    throw new StatsInputError(`the response has no variance (every ${formula.response} is ${response.values[0]})`, formula.response, 'a mixed model needs a response that varies');
  for (const v of new Set(formula.fixed.flat())) {
    const col = frame.columns.get(v);
    if (col?.kind === 'factor' && col.levels.length < 2)
      throw new StatsInputError(`contrasts can be applied only to factors with 2 or more levels (${v} has only "${col.levels[0]}")`, v, `leave ${v} out of the formula, or use data with more than one ${v}`);
  }
  // A grouping factor with a level per observation is refused where the random blocks are built.
}

/**
 * The optimiser's start: given in lme4's order, or as each intercept-only term's SD relative to the
 * residual SD by grouping factor (`{ 'post:rater': 0.3, post: 0.24, rater: 0.67 }`).
 */
function startTheta(start: ArrayLike<number> | Readonly<Record<string, number>>, blocks: readonly RandomBlock[], k: number): Float64Array {
  if (typeof (start as ArrayLike<number>).length === 'number') {
    const s = start as ArrayLike<number>;
    if (s.length !== k) throw new StatsInputError(`the start has ${s.length} covariance parameters, the model ${k}`, 'start', 'give one value per covariance parameter');
    return Float64Array.from(s);
  }
  const byGroup = start as Readonly<Record<string, number>>;
  const out = new Float64Array(k);
  for (const b of blocks) {
    if (b.r !== 1) throw new StatsInputError(`a start by group is for intercept-only terms, and ${b.group} has ${b.r}`, 'start', 'give the start in lme4\'s order');
    // Start a hair inside the bound: Newton steps only move interior parameters.
    out[b.thetaOffset] = Math.max(1e-3, byGroup[b.group] ?? 1);
  }
  return out;
}

export function fitLmm(formulaText: string, data: DataFrame, options: FitOptions = {}): LmmFit {
  const reml = options.reml ?? true;
  const formula = parseFormula(formulaText);
  if (formula.random.length === 0) {
    throw new StatsInputError('the formula has no random-effects term', formulaText, 'add one such as (1 | post), or fit a linear model instead');
  }
  const frame = buildFrame(data, formulaVariables(formula), frameVariablesUsedAsFactors(formula), options.reference ?? {});
  checkDegenerate(formula, frame);
  const response = frame.columns.get(formula.response);
  if (!response || response.kind !== 'numeric') {
    throw new StatsInputError(`the response ${formula.response} is not numeric`, formula.response, 'use a numeric rating column as the response');
  }
  const warnings: string[] = [];
  if (frame.dropped > 0) warnings.push(`${frame.dropped} rows with missing values were dropped`);

  const full = modelMatrix(frame, formula.intercept, formula.fixed);
  const pFull = full.names.length;
  const keep = estimableColumns(full.values, frame.n, pFull);
  const droppedColumns = full.names.filter((_, j) => !keep.includes(j));
  if (droppedColumns.length > 0) warnings.push(`fixed-effect model matrix is rank deficient so dropping ${droppedColumns.length} columns: ${droppedColumns.join(', ')}`);
  const p = keep.length;
  const x = new Float64Array(frame.n * p);
  for (let i = 0; i < frame.n; i++) keep.forEach((j, k) => (x[i * p + k] = full.values[i * pFull + j]));
  const fixefNames = keep.map((j) => full.names[j]);

  const blocks = buildBlocks(frame, formula);
  const problem = new LmmProblem({ y: response.values, x, p, blocks });
  const k = thetaLength(blocks);
  const lower = thetaLowerBounds(blocks);
  const start = options.start ? startTheta(options.start, blocks, k) : Float64Array.from(lower, (lo) => (lo === 0 ? 1 : 0));
  const result = options.theta
    ? { x: Float64Array.from(options.theta), value: problem.deviance(options.theta, reml, true), evaluations: 1, converged: true }
    : minimize((th) => problem.deviance(th, reml), start, { lower, nearOptimum: options.start !== undefined });
  if (result.x.length !== k) throw new StatsInputError(`theta has ${result.x.length} values, the model ${k}`, 'theta', 'give one value per covariance parameter');
  const theta = result.x;
  const e = problem.evaluate(theta);
  if (!e.ok) throw new StatsInputError('the model could not be fitted: the penalised system is not positive definite', formulaText, 'check the fixed effects for collinearity');

  const n = frame.n;
  const sigma = Math.sqrt(e.r2 / (reml ? n - p : n));
  const vcov = inverseFromCholesky(e.lx);
  for (let i = 0; i < vcov.data.length; i++) vcov.data[i] *= sigma * sigma;
  const se = Float64Array.from({ length: p }, (_, i) => Math.sqrt(vcov.data[i * p + i]));
  const crit = profiledDeviance(e, n, p, reml);
  const npar = p + k + 1;
  const logLik = -crit / 2;

  // Conditional modes b = Lambda u, per term and level.
  const b = problem.applyLambda(theta, e.u, false);
  const ranef = blocks.map((bl) => ({ group: bl.group, names: bl.names, levels: bl.levels, values: b.slice(bl.offset, bl.offset + bl.levels.length * bl.r) }));

  const singular = blocks.some((b) => {
    let idx = b.thetaOffset;
    for (let j = 0; j < b.r; j++)
      for (let i = j; i < b.r; i++, idx++) if (i === j && theta[idx] < 1e-4) return true;
    return false;
  });
  if (singular) warnings.push('boundary (singular) fit: see help("isSingular")');
  // lme4's check (checkConv): the gradient of the interior parameters, scaled by the Cholesky factor
  // of the Hessian, should vanish; where the Hessian is not positive definite, the smaller of the
  // scaled and raw gradients is used.
  const free = Array.from(theta, (_, i) => i).filter((i) => (lower[i] === 0 ? theta[i] > 1e-4 : true));
  let maxGrad = 0;
  if (free.length > 0 && options.theta === undefined) {
    const sub = (y: Float64Array) => {
      const th = Float64Array.from(theta);
      free.forEach((i, a) => (th[i] = y[a]));
      return problem.deviance(th, reml);
    };
    const { gradient: g, hessian: h } = centralDerivatives(sub, Float64Array.from(free, (i) => theta[i]));
    const l = cholesky(dense(free.length, free.length, h), 0);
    // R = chol(H) is upper (H = R'R = L L'), and solve(R, g) is L'^{-1} g.
    const scaled = l ? solveLowerTransposed(l, Float64Array.from(g)) : g;
    maxGrad = Math.max(...Array.from(scaled, (v, a) => Math.min(Math.abs(v), Math.abs(g[a]))));
  }
  const converged = options.theta !== undefined || (result.converged && maxGrad < 0.002);
  if (!converged) warnings.push(`Model failed to converge with max|grad| = ${maxGrad.toPrecision(3)} after ${result.evaluations} evaluations`);

  let satt: Satterthwaite | undefined;
  const satterthwaite = () => (satt ??= satterthwaiteSetup(problem, theta, sigma, reml));
  const dfFor = (l: ArrayLike<number>): number => satterthwaiteDf(satterthwaite(), vcov, l);
  const df = new Float64Array(p).fill(NaN);
  const t = Float64Array.from({ length: p }, (_, i) => e.beta[i] / se[i]);
  const pv = new Float64Array(p).fill(NaN);
  if (options.satterthwaite !== false) {
    for (let i = 0; i < p; i++) {
      const l = new Float64Array(p);
      l[i] = 1;
      df[i] = dfFor(l);
      pv[i] = tTestP(t[i], df[i]);
    }
  }
  const ngroups: Record<string, number> = {};
  for (const bl of blocks) {
    const name = bl.group.replace(/\.\d+$/, '');
    ngroups[name] = bl.levels.length;
  }
  return {
    formula: formulaText,
    reml,
    nobs: n,
    dropped: frame.dropped,
    ngroups,
    fixefNames,
    beta: e.beta,
    vcov,
    se,
    df,
    t,
    p: pv,
    theta,
    sigma,
    varcor: varCorr(blocks, theta, sigma),
    devianceOrRemlCriterion: crit,
    logLik,
    npar,
    aic: -2 * logLik + 2 * npar,
    bic: -2 * logLik + Math.log(n) * npar,
    ranef,
    singular,
    converged,
    warnings,
    evaluations: result.evaluations,
    dfFor,
    satterthwaite,
    design: { frame, formula, droppedColumns },
  };
}
