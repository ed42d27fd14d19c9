/**
 * The analysis document, `empathy-lab/analysis@1`, as one zod schema: `analyze` writes it, `report`
 * reads it through its type, and `empathy-lab schema analysis` prints it as JSON Schema. Field names
 * follow lme4, lmerTest and emmeans where they have one (`fixef`, `df_satterthwaite`, `lower.CL`).
 * Numbers that can be undefined for the data (an SD of one post, a correlation of constant values)
 * are `null` in the JSON.
 */
import { z } from 'zod';

export const ANALYSIS_SCHEMA = 'empathy-lab/analysis@1';

/** A number that is null where the data leave it undefined (NaN in memory, null in JSON). */
const maybe = z.number().nullable();
const byTerm = z.record(z.string(), z.number());

const varCorrRow = z.strictObject({ grp: z.string(), var1: z.string().nullable(), var2: z.string().nullable(), vcov: z.number(), sdcor: z.number() });

export const modelSchema = z.strictObject({
  formula: z.string(),
  REML: z.boolean(),
  nobs: z.number().int(),
  ngroups: z.record(z.string(), z.number().int()),
  fixef: byTerm,
  se: byTerm,
  df_satterthwaite: z.record(z.string(), maybe),
  t: byTerm,
  p: z.record(z.string(), maybe),
  varcor: z.array(varCorrRow),
  sigma: z.number(),
  deviance_or_reml_criterion: z.number(),
  logLik: z.number(),
  AIC: z.number(),
  BIC: z.number(),
  singular: z.boolean(),
  converged: z.boolean(),
  warnings: z.array(z.string()),
  /** With `details`: the fixed-effects covariance, theta and the conditional modes. */
  vcov: z.array(z.array(z.number())).optional(),
  theta: z.array(z.number()).optional(),
  ranef: z.record(z.string(), z.array(z.record(z.string(), z.union([z.string(), z.number()])))).optional(),
});

const failure = z.strictObject({ error: z.string() });

const contrastsSchema = z.strictObject({
  emmeans: z.array(z.strictObject({ source: z.string(), emmean: z.number(), SE: z.number(), df: z.number(), 'lower.CL': z.number(), 'upper.CL': z.number() })),
  pairs: z.array(
    z.strictObject({
      contrast: z.string(),
      estimate: z.number(),
      SE: z.number(),
      df: z.number(),
      't.ratio': z.number(),
      'p.value': z.number(),
      'lower.CL': z.number(),
      'upper.CL': z.number(),
      d: z.number(),
      'd.lower.CL': z.number(),
      'd.upper.CL': z.number(),
    }),
  ),
  adjust: z.enum(['holm', 'tukey', 'bonferroni', 'none']),
  ciAdjust: z.enum(['tukey', 'bonferroni', 'none']),
  level: z.number(),
  /** The denominator of d: the square root of the sum of every variance component (Westfall, Kenny & Judd 2014). */
  dDenominator: z.number(),
});

const unitMeans = z.strictObject({ group: z.string(), mean: z.number(), sd: maybe, n: z.number().int(), lower: maybe, upper: maybe });

const sourceByDomainSchema = z.union([
  z.strictObject({
    formula: z.string(),
    fixef: z.array(z.strictObject({ term: z.string(), estimate: z.number(), SE: z.number(), df: maybe, t: z.number(), p: maybe })),
    interactionTest: z.strictObject({ chisq: maybe, df: maybe, p: maybe }),
    singular: z.boolean(),
  }),
  failure,
]);

/**
 * The ordinal model beside the linear one (`analysis.models: [lmm, clmm]`): ordinal::clmm's fit,
 * the sources' marginal means on the latent scale and as category probabilities, the pairwise
 * contrasts (Wald z, adjusted as the linear model's), and per contrast whether the two models agree.
 */
export const clmmSchema = z.strictObject({
  formula: z.string(),
  /** What the ordinal model leaves out of the linear model's formula, and why. */
  note: z.string().optional(),
  link: z.enum(['logit', 'probit']),
  threshold_type: z.enum(['flexible', 'equidistant']),
  categories: z.array(z.number()),
  thresholds: z.array(z.number()),
  threshold_se: z.array(z.number()),
  beta: byTerm,
  se: byTerm,
  z: byTerm,
  p: byTerm,
  random_sd: z.record(z.string(), z.number()),
  logLik: z.number(),
  AIC: z.number(),
  nobs: z.number().int(),
  converged: z.boolean(),
  condition_hessian: z.number(),
  /**
   * Per source: the latent mean as emmeans' `mode = "latent"` gives it (x'beta minus the mean
   * threshold), and each category's probability at the random effects' mean (`prob`, emmeans'
   * `mode = "prob"`) and averaged over the random effects' distribution by Gauss-Hermite
   * quadrature (`prob_marginal`), with the expected rating under each.
   */
  emmeans: z.array(
    z.strictObject({
      source: z.string(),
      latent: z.number(),
      SE: z.number(),
      'lower.CL': z.number(),
      'upper.CL': z.number(),
      prob: z.array(z.number()),
      prob_marginal: z.array(z.number()),
      mean_rating: z.number(),
      mean_rating_marginal: z.number(),
    }),
  ),
  pairs: z.array(z.strictObject({ contrast: z.string(), estimate: z.number(), SE: z.number(), 'z.ratio': z.number(), 'p.value': z.number(), 'lower.CL': z.number(), 'upper.CL': z.number() })),
  adjust: z.enum(['holm', 'tukey', 'bonferroni', 'none']),
  /** Per pair: both models' estimate and adjusted p, and whether they agree (same sign and both significant, or both not). */
  agreement: z.array(
    z.strictObject({ contrast: z.string(), lmm_estimate: z.number(), lmm_p: z.number(), clmm_estimate: z.number(), clmm_p: z.number(), agree: z.boolean() }),
  ),
});

const ratedScale = z.strictObject({
  scale: z.string(),
  ratings: z.number().int(),
  model: z.union([modelSchema, failure]),
  contrasts: contrastsSchema.nullable(),
  meansAcrossPosts: z.array(unitMeans),
  byDomain: z.array(z.strictObject({ domain: z.string(), means: z.array(unitMeans) })),
  sourceByDomain: sourceByDomainSchema.nullable(),
  reliability: z.strictObject({ krippendorffAlphaInterval: maybe, raters: z.number().int(), responses: z.number().int() }),
  judges: z.array(z.strictObject({ judge: z.string(), responses: z.number().int(), pearsonR: maybe, meanAbsoluteError: maybe })),
  /** The ordinal model, when `analysis.models` has clmm. */
  clmm: z.union([clmmSchema, failure]).optional(),
});

const unratedScale = z.strictObject({ scale: z.string(), ratings: z.literal(0) });

const pairComparison = z.strictObject({ contrast: z.string(), b: maybe, se: maybe, df: maybe, t: maybe, p: maybe });

const groupComparison = z.strictObject({
  groups: z.array(z.strictObject({ group: z.string(), n: z.number().int(), mean: maybe, sd: maybe })),
  ols: z.array(pairComparison),
  mixed: z.array(pairComparison).optional(),
  mixedError: z.string().optional(),
  adjust: z.enum(['holm', 'tukey', 'bonferroni', 'none']),
});

export const classifierSchema = z.strictObject({
  terms: z.number().int(),
  classes: z.array(z.string()),
  test: z.strictObject({
    perClass: z.array(z.strictObject({ label: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() })),
    accuracy: z.number(),
    confusion: z.array(z.array(z.number().int())),
  }),
  crossValidation: z.strictObject({ folds: z.number().int(), meanF1: z.record(z.string(), z.number()), meanAccuracy: z.number() }),
  topFeatures: z.record(z.string(), z.array(z.strictObject({ term: z.string(), weight: z.number() }))),
  trainSize: z.number().int(),
  testSize: z.number().int(),
});

const fit = z.strictObject({ mae: z.number(), r2: z.number() });

const regressionSchema = z.union([
  z.strictObject({
    scale: z.string(),
    n: z.number().int(),
    p: z.number().int(),
    folds: z.number().int(),
    /** Predicting each held-out reply by its training part's mean. */
    baseline: fit,
    ridge: z.strictObject({ lambda: z.number(), lambdaChosenBy: z.enum(['cross-validation', 'given']), cv: fit, weights: z.array(z.strictObject({ name: z.string(), weight: z.number() })) }),
    ols: z.strictObject({ cv: fit }).nullable(),
    /** Why OLS is not reported (not identified), when it is not. */
    olsOmitted: z.string().nullable(),
    constantInFolds: z.number().int(),
  }),
  z.strictObject({ scale: z.string(), error: z.string() }),
]);

export const exclusionSchema = z.strictObject({
  rule: z.string(),
  raters: z.array(z.string()),
  /** Why each rater (same order) met the rule, e.g. "total time 3.2 minutes". */
  reasons: z.array(z.string()),
  ratingsRemoved: z.number().int(),
  /** Raters the rule could not be checked for (imported ratings without timing or attention-check data). */
  notApplied: z.number().int(),
});

const styleEffect = z.union([
  z.strictObject({
    formula: z.string(),
    contrast: z.string(),
    estimate: z.number(),
    SE: z.number(),
    df: z.number(),
    t: z.number(),
    p: z.number(),
    'lower.CL': z.number(),
    'upper.CL': z.number(),
    d: z.number(),
    'd.lower.CL': z.number(),
    'd.upper.CL': z.number(),
    dDenominator: z.number(),
    singular: z.boolean(),
  }),
  failure,
]);

/** A variant arm's style effect within its parent, per scale, and the features it changed. */
export const styleArmSchema = z.strictObject({
  arm: z.string(),
  parent: z.string(),
  transforms: z.array(z.string()),
  replies: z.strictObject({ arm: z.number().int(), parent: z.number().int() }),
  scales: z.array(z.strictObject({ scale: z.string(), ratings: z.number().int(), raters: z.number().int(), means: z.array(unitMeans), effect: styleEffect })),
  language: z.array(z.strictObject({ feature: z.string(), parent: maybe, arm: maybe, difference: maybe })),
});
export type StyleArmJson = z.infer<typeof styleArmSchema>;

const interval = z.strictObject({ r: z.number(), lower: z.number(), upper: z.number(), n: z.number().int() });

/** Several panels of raters (crowd, experts): per panel, the interaction with source, and agreement. */
export const panelsSchema = z.strictObject({
  panels: z.array(z.string()),
  scales: z.array(
    z.strictObject({
      scale: z.string(),
      perPanel: z.array(
        z.strictObject({
          panel: z.string(),
          ratings: z.number().int(),
          raters: z.number().int(),
          means: z.array(unitMeans),
          contrasts: z.union([contrastsSchema, failure]).nullable(),
          krippendorffAlphaInterval: maybe,
        }),
      ),
      interaction: z
        .union([z.strictObject({ formulas: z.array(z.string()), chisq: maybe, df: maybe, p: maybe }), z.strictObject({ formulas: z.array(z.string()), error: z.string() })])
        .nullable(),
      agreement: z.array(
        z.strictObject({
          a: z.string(),
          b: z.string(),
          replies: z.number().int(),
          pearson: interval.nullable(),
          iccA1: z.strictObject({ icc: z.number(), lower: z.number(), upper: z.number() }).nullable(),
          sources: z.number().int(),
          kendallTau: maybe,
        }),
      ),
    }),
  ),
});
export type PanelsJson = z.infer<typeof panelsSchema>;

/** A judge calibrated against the human ratings on one scale (see analysis/judges.ts). */
export const judgeCalibrationSchema = z.strictObject({
  judge: z.string(),
  scale: z.string(),
  replies: z.number().int(),
  pearson: interval.nullable(),
  spearman: z.strictObject({ rho: z.number(), lower: z.number(), upper: z.number() }).nullable(),
  meanAbsoluteError: maybe,
  alpha: z.strictObject({ humans: maybe, withJudge: maybe }),
  biasBySource: z.array(z.strictObject({ source: z.string(), replies: z.number().int(), bias: z.number(), lower: maybe, upper: maybe })),
  kendallTau: maybe,
  contrasts: z.array(z.strictObject({ contrast: z.string(), human: z.number(), humanP: z.number(), judge: z.number(), judgeP: z.number(), sameSign: z.boolean(), sameVerdict: z.boolean() })),
  testRetest: z.strictObject({ samples: z.number().int(), replies: z.number().int(), iccA1: z.number(), lower: z.number(), upper: z.number() }).nullable(),
  lengthBias: z.strictObject({ judgePartial: maybe, human: maybe }),
  equivalentRaters: z.strictObject({ raters: maybe, beyond: z.boolean(), meanHumanRaters: z.number() }),
});
export type JudgeCalibrationJson = z.infer<typeof judgeCalibrationSchema>;

const estimateCi = z.strictObject({ estimate: z.number(), lower: maybe, upper: maybe });
const failed = z.strictObject({ error: z.string() });

/** A slider's distribution: 10-point bins, and the share of answers at an end (0-2 or 98-100). */
const sliderSchema = z.strictObject({
  scale: z.string(),
  n: z.number().int(),
  mean: z.number(),
  sd: maybe,
  bins: z.array(z.strictObject({ from: z.number(), to: z.number(), count: z.number().int() })),
  /** Share of answers within 2 points of 0 or 100, with a 95% CI clustered by rater. */
  atEnds: z.strictObject({ share: z.number(), lower: z.number(), upper: z.number() }),
});

/** A multi-item scale's reliability (answer sets: one rater's answers about one reply). */
const itemsSchema = z.union([
  z.strictObject({
    scale: z.string(),
    answerSets: z.number().int(),
    alpha: z.strictObject({ estimate: z.number(), lower: z.number(), upper: z.number(), method: z.literal('Feldt') }),
    omega: z.strictObject({ estimate: z.number(), lower: maybe, upper: maybe, method: z.literal('bootstrap over raters'), replicates: z.number().int() }),
    items: z.array(z.strictObject({ item: z.string(), reverse: z.boolean(), mean: z.number(), itemRest: maybe, loading: z.number() })),
  }),
  z.strictObject({ scale: z.string(), answerSets: z.number().int(), error: z.string() }),
]);

/** The Bradley-Terry model of a pairwise scale. */
const pairwiseSchema = z.union([
  z.strictObject({
    scale: z.string(),
    choices: z.number().int(),
    raters: z.number().int(),
    posts: z.number().int(),
    reference: z.string(),
    /** How the SEs are computed: cluster-robust, two-way by rater and post. */
    se: z.literal('cluster-robust (rater and post)'),
    sources: z.array(z.strictObject({ source: z.string(), ability: z.number(), SE: z.number(), lower: z.number(), upper: z.number(), worth: z.number(), worthLower: z.number(), worthUpper: z.number() })),
    /** P(a chosen over b) with the sides' effect removed, with 95% CIs. */
    preferences: z.array(z.strictObject({ a: z.string(), b: z.string(), probability: z.number(), lower: z.number(), upper: z.number(), chosen: z.number().int(), shown: z.number().int() })),
    position: z.strictObject({ leftShare: z.number(), lower: z.number(), upper: z.number(), effect: z.number(), SE: z.number(), p: z.number() }),
    /** With strength: the share answered "clearly", and the ordinal extension's abilities (model SEs). */
    strength: z
      .union([
        z.strictObject({ clearly: z.number(), spacing: z.number(), position: z.number(), positionSE: z.number(), sources: z.array(z.strictObject({ source: z.string(), ability: z.number(), SE: z.number() })) }),
        z.strictObject({ clearly: z.number(), error: z.string() }),
      ])
      .optional(),
  }),
  z.strictObject({ scale: z.string(), choices: z.number().int(), error: z.string() }),
]);

/** How the formats compare: reliability, separation of the sources, and agreement on their order. */
const comparisonSchema = z.strictObject({
  /** Bootstrap replicates over posts behind every interval. */
  replicates: z.number().int(),
  seed: z.number().int(),
  rows: z.array(
    z.strictObject({
      scale: z.string(),
      format: z.enum(['likert', 'slider', 'multi-item', 'pairwise']),
      observations: z.number().int(),
      splitHalf: z.union([estimateCi, failed]),
      icc2k: z.union([estimateCi.extend({ k: z.number() }), failed]),
      separation: z.union([estimateCi.extend({ contrast: z.string() }), failed]),
      /** Sources from the highest score to the lowest. */
      order: z.array(z.string()),
    }),
  ),
  agreement: z.array(z.strictObject({ a: z.string(), b: z.string(), tau: maybe, lower: maybe, upper: maybe })),
});

export const formatsSchema = z.strictObject({
  sliders: z.array(sliderSchema),
  items: z.array(itemsSchema),
  pairwise: pairwiseSchema.optional(),
  /** Present when the study has two or more scales to compare. */
  comparison: comparisonSchema.optional(),
});
export type FormatsJson = z.infer<typeof formatsSchema>;

export const analysisSchema = z.strictObject({
  schema: z.literal(ANALYSIS_SCHEMA),
  raters: z.strictObject({ total: z.number().int(), excluded: z.number().int(), kept: z.number().int() }),
  exclusions: z.array(exclusionSchema),
  /** Raters a rule that is not applied would have excluded (straight-lining when `exclusions.straight_lining` is false): reported, kept. */
  flags: z.array(z.strictObject({ rule: z.string(), raters: z.array(z.string()), reasons: z.array(z.string()) })),
  scales: z.array(z.union([ratedScale, unratedScale])),
  correlations: z.array(z.strictObject({ a: z.string(), b: z.string(), r: maybe, n: z.number().int() })),
  language: z.record(z.string(), groupComparison).nullable(),
  languageModels: z.strictObject({ classifier: z.union([classifierSchema, failure]), regressions: z.array(regressionSchema) }).nullable(),
  /** Variant arms (style-controlled copies of a source): absent when the study has none. */
  styleArms: z.array(styleArmSchema).optional(),
  /** Judges calibrated against the human ratings: absent when no judge has scored the replies. */
  judgeCalibration: z.array(judgeCalibrationSchema).optional(),
  /** Panels of raters: absent when every rater is in one pool. */
  panels: panelsSchema.optional(),
  /** Rating formats other than Likert, and how the formats compare: absent when every scale is Likert. */
  formats: formatsSchema.optional(),
});

export type StudyAnalysis = z.infer<typeof analysisSchema>;
export type ModelJson = z.infer<typeof modelSchema>;
export type ClmmJson = z.infer<typeof clmmSchema>;
export type ScaleResult = StudyAnalysis['scales'][number];
export type RatedScale = z.infer<typeof ratedScale>;
export type RegressionResult = z.infer<typeof regressionSchema>;
export type ExclusionReport = z.infer<typeof exclusionSchema>;
export type ClassifierJson = z.infer<typeof classifierSchema>;
export type SourceByDomain = z.infer<typeof sourceByDomainSchema>;

/** The JSON Schema of the analysis document (`empathy-lab schema analysis`). */
export function analysisJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://empathy-lab.dev/schema/analysis@1.json',
    title: 'empathy-lab analysis document (empathy-lab/analysis@1)',
    ...z.toJSONSchema(analysisSchema, { io: 'output', unrepresentable: 'any' }),
  };
}

type Issue = { readonly path: readonly PropertyKey[]; readonly message: string; readonly code?: string; readonly errors?: readonly (readonly Issue[])[] };

/** The issue to report: inside a union, the one from the branch that got furthest into the document. */
function deepest(issue: Issue, prefix: readonly PropertyKey[] = []): { path: PropertyKey[]; message: string } {
  const here = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return { path: here, message: issue.message };
  const candidates = issue.errors.flatMap((branch) => branch.map((i) => deepest(i, here)));
  return candidates.sort((a, b) => b.path.length - a.path.length)[0] ?? { path: here, message: issue.message };
}

/** Checks a parsed analysis.json; the error names the field that does not fit. */
export function parseAnalysis(doc: unknown): { ok: true; analysis: StudyAnalysis } | { ok: false; error: string } {
  const r = analysisSchema.safeParse(doc);
  if (r.success) return { ok: true, analysis: r.data };
  const first = r.error.issues[0];
  if (!first) return { ok: false, error: '(document): does not fit the schema' };
  const { path, message } = deepest(first as Issue);
  return { ok: false, error: `${path.map(String).join('.') || '(document)'}: ${message}` };
}
