/**
 * The analysis of a study, as one JSON document with a versioned schema: exclusions with the raters
 * and ratings each rule removed; per scale, the manifest's mixed model, every pairwise contrast of
 * sources, means with 95% CIs across posts (per source, and per domain and source), the source x
 * domain model, rater reliability and the agreement of automatic judges with people; correlations
 * between scales; the language comparisons between sources; the classifier of sources and the
 * regression of ratings on the same bag of words.
 * A pure function of plain rows: the same inputs give byte-identical output (stable orders, seeded
 * steps, no clocks).
 */
import { buildVocabulary, vectorize } from '../language/bag-of-words.js';
import { extractFeatures } from '../language/features.js';
import { classify } from '../stats/classification.js';
import { compareGroups, type GroupComparison } from '../stats/compare-groups.js';
import { bonferroni, emmeans, holm, meansAcrossUnits, type Adjustment, type UnitMeans } from '../stats/emmeans.js';
import { fitLmm } from '../stats/lmm.js';
import { likelihoodRatioTest } from '../stats/lrt.js';
import { ratingRegression } from '../stats/regression.js';
import { krippendorffAlpha, pearson } from '../stats/reliability.js';
import { lookup } from '../stats/errors.js';
import type { Study } from '../study/schema.js';
import { contrastsJson } from './contrasts.js';
import { ordinalJson } from './ordinal.js';
import type { ClmmLink, ClmmThresholds } from '../stats/clmm.js';
import { modelToJson } from './model-json.js';
import { judgeCalibration, type JudgeSampleRow } from './judges.js';
import { panelsAnalysis } from './panels.js';
import { splitFormula, styleArms, type ArmSpec } from './style-arms.js';
import { formatsAnalysis, type ChoiceRow, type FormatSpec, type ItemAnswer } from './formats.js';
import { ANALYSIS_SCHEMA, type ClassifierJson, type FormatsJson, type ExclusionReport, type ModelJson, type RegressionResult, type ScaleResult, type SourceByDomain, type StudyAnalysis } from './schema.js';

export { ANALYSIS_SCHEMA, type StudyAnalysis } from './schema.js';

export interface RatingRow {
  readonly rater: string;
  readonly post: string;
  readonly domain: string;
  readonly source: string;
  readonly response: string;
  readonly scale: string;
  readonly value: number;
  /** The panel the rater belongs to ('' when the study has one undifferentiated pool). */
  readonly panel?: string;
}

export interface RaterInfo {
  readonly rater: string;
  readonly totalSeconds: number | null;
  readonly attentionFailures: number;
  /** Attention checks the rater answered (0: none shown or recorded, so the attention rule cannot be checked). */
  readonly attentionChecks?: number;
  /** False for a rating-app session that did not finish (returned, timed out, screened out, in progress). */
  readonly finished?: boolean;
}

export interface AnalysisInput {
  readonly ratings: readonly RatingRow[];
  readonly raters: readonly RaterInfo[];
  readonly scales: readonly string[];
  readonly formula: string;
  readonly reference: string;
  readonly adjust: Adjustment;
  readonly reml: boolean;
  readonly exclusions: {
    readonly minTotalMinutes?: number;
    readonly maxTotalMinutes?: number;
    readonly maxAttentionFailures: number;
    readonly straightLining: boolean;
    /** Exclude raters whose rating-app session did not finish (default true). */
    readonly incomplete?: boolean;
  };
  /** Every reply of the study, for the language comparisons, the classifier and the rating regression. */
  readonly replies?: readonly ReplyRow[];
  /** Automatic ratings by judges (an LLM or an offline scorer), compared with people's. */
  readonly judgeScores?: readonly JudgeScoreRow[];
  /** Seed of the classifier's split and folds. */
  readonly seed?: number;
  /** Variant arms and their parents (labels as in `ratings.source`): the style effects. */
  readonly arms?: readonly ArmSpec[];
  /** Every usable sample of every judge (for its test-retest reliability). */
  readonly judgeSamples?: readonly JudgeSampleRow[];
  /** The models per scale (default: the linear one); with clmm, the ordinal model beside it. */
  readonly models?: readonly ('lmm' | 'clmm')[];
  readonly clmm?: { readonly link: ClmmLink; readonly thresholds: ClmmThresholds };
  /** The scales the ordinal model is fitted to (default: every scale): Likert scales, whose answers are ordered categories. */
  readonly ordinalScales?: readonly string[];
  /** Slider scales: straight-lining on them is near-constant values (all within SLIDER_TOLERANCE points). */
  readonly sliders?: readonly string[];
  /** The formats of every scale, a multi-item scale's item answers and the pairwise choices (see formats.ts). */
  readonly formats?: { readonly specs: readonly FormatSpec[]; readonly items: readonly ItemAnswer[]; readonly choices: readonly ChoiceRow[]; readonly replicates?: number };
}

/** A rater whose slider answers on a scale all lie within this many points of each other is straight-lining. */
export const SLIDER_TOLERANCE = 5;

export interface ReplyRow {
  readonly id: string;
  readonly source: string;
  readonly post: string;
  readonly text: string;
}

export interface JudgeScoreRow {
  readonly response: string;
  readonly judge: string;
  readonly scale: string;
  readonly value: number;
}

/** The bag of words of the classifier and the rating regression (the reference study's sizes). */
export const BAG_OF_WORDS = { words: 200, emojis: 20, folds: 5 } as const;

/** The straight-lining rule as analyses and reports name it, whether it excludes or only flags (a slider: answers within 5 points; pairs: always the same side). */
const STRAIGHT_LINING = 'the same value on every item of a scale (straight-lining)';

/**
 * Raters who gave one value to every item of a scale (at least 4 items), with that value and scale;
 * on a slider, values all within SLIDER_TOLERANCE points of each other.
 */
function straightLiners(ratings: readonly RatingRow[], sliders: readonly string[] = [], choices: readonly ChoiceRow[] = []): Map<string, string> {
  const values = new Map<string, number[]>();
  for (const r of ratings) {
    const key = `${r.rater}\u0000${r.scale}`;
    (values.get(key) ?? values.set(key, []).get(key))?.push(r.value);
  }
  const out = new Map<string, string>();
  for (const [key, list] of [...values].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [rater, scale] = key.split('\u0000') as [string, string];
    if (list.length < 4 || out.has(rater)) continue;
    const lo = Math.min(...list);
    const hi = Math.max(...list);
    if (sliders.includes(scale)) {
      if (hi - lo <= SLIDER_TOLERANCE) out.set(rater, `${scale}: every one of ${list.length} slider answers between ${lo} and ${hi}`);
    } else if (lo === hi) out.set(rater, `${scale}: ${lo} on all ${list.length} items`);
  }
  // Pairwise: the reply on the same side chosen every time (at least 4 pairs).
  const sides = new Map<string, { scale: string; left: number; n: number }>();
  for (const c of choices) {
    const x = sides.get(c.rater) ?? sides.set(c.rater, { scale: c.scale, left: 0, n: 0 }).get(c.rater);
    if (!x) continue;
    x.n++;
    if (c.value < 0) x.left++;
  }
  for (const [rater, x] of [...sides].sort(([a], [b]) => (a < b ? -1 : 1)))
    if (!out.has(rater) && x.n >= 4 && (x.left === 0 || x.left === x.n)) out.set(rater, `${x.scale}: the ${x.left ? 'left' : 'right'} reply on all ${x.n} pairs`);
  return out;
}

/** The manifest's exclusion rules as the analysis takes them. */
export function exclusionSettings(e: Study['exclusions']): AnalysisInput['exclusions'] {
  return {
    ...(e.min_total_minutes !== undefined ? { minTotalMinutes: e.min_total_minutes } : {}),
    ...(e.max_total_minutes !== undefined ? { maxTotalMinutes: e.max_total_minutes } : {}),
    maxAttentionFailures: e.max_attention_failures,
    straightLining: e.straight_lining,
    incomplete: e.incomplete,
  };
}

/** The attention rule as a researcher says it: "a failed attention check", "more than 2 failed attention checks". */
export function attentionRule(maxFailures: number): string {
  return maxFailures === 0 ? 'a failed attention check' : `more than ${maxFailures} failed attention checks`;
}

export function exclusionsOf(input: Pick<AnalysisInput, 'ratings' | 'raters' | 'exclusions' | 'sliders' | 'formats'>): ExclusionReport[] {
  const e = input.exclusions;
  const minutes = (r: RaterInfo) => (r.totalSeconds === null ? 'no total time recorded' : `total time ${(r.totalSeconds / 60).toFixed(1)} minutes`);
  // `checkable`: whether the rater's record has what the rule looks at (timing, attention checks).
  const timed = (r: RaterInfo) => r.totalSeconds !== null;
  const attended = (r: RaterInfo) => r.attentionChecks === undefined || r.attentionChecks > 0;
  const rules: Array<{ rule: string; hit: (r: RaterInfo) => boolean; reason: (r: RaterInfo) => string; checkable?: (r: RaterInfo) => boolean }> = [];
  if (e.incomplete !== false) rules.push({ rule: 'did not finish the session', hit: (r) => r.finished === false, reason: () => 'returned, timed out, screened out or still in progress' });
  const { minTotalMinutes: min, maxTotalMinutes: max } = e;
  if (min !== undefined) rules.push({ rule: `total time under ${min} minutes`, hit: (r) => r.totalSeconds !== null && r.totalSeconds < min * 60, reason: minutes, checkable: timed });
  if (max !== undefined) rules.push({ rule: `total time over ${max} minutes`, hit: (r) => r.totalSeconds !== null && r.totalSeconds > max * 60, reason: minutes, checkable: timed });
  rules.push({ rule: attentionRule(e.maxAttentionFailures), hit: (r) => r.attentionFailures > e.maxAttentionFailures, reason: (r) => `${r.attentionFailures} failed attention ${r.attentionFailures === 1 ? 'check' : 'checks'}`, checkable: attended });
  const straight = e.straightLining ? straightLiners(input.ratings, input.sliders, input.formats?.choices) : new Map<string, string>();
  if (e.straightLining) rules.push({ rule: STRAIGHT_LINING, hit: (r) => straight.has(r.rater), reason: (r) => straight.get(r.rater) as string });
  const count = new Map<string, number>();
  for (const r of input.ratings) count.set(r.rater, (count.get(r.rater) ?? 0) + 1);
  return rules.map(({ rule, hit, reason, checkable }) => {
    const hits = input.raters.filter(hit).sort((a, b) => (a.rater < b.rater ? -1 : a.rater > b.rater ? 1 : 0));
    const raters = hits.map((r) => r.rater);
    const notApplied = checkable ? input.raters.filter((r) => !checkable(r)).length : 0;
    return { rule, raters, reasons: hits.map(reason), ratingsRemoved: raters.reduce((s, r) => s + (count.get(r) ?? 0), 0), notApplied };
  });
}


function reliability(rows: readonly RatingRow[]): { krippendorffAlphaInterval: number | null; raters: number; responses: number } {
  const raters = [...new Set(rows.map((r) => r.rater))].sort();
  const responses = [...new Set(rows.map((r) => r.response))].sort();
  const ri = new Map(raters.map((r, i) => [r, i]));
  const ui = new Map(responses.map((u, i) => [u, i]));
  const data: Array<Array<number | null>> = raters.map(() => new Array<number | null>(responses.length).fill(null));
  for (const r of rows) data[lookup(ri, r.rater, 'rater row')][lookup(ui, r.response, 'reply column')] = r.value;
  // Reliability is defined only when some response was rated by two or more raters.
  const perResponse = new Map<string, number>();
  for (const r of rows) perResponse.set(r.response, (perResponse.get(r.response) ?? 0) + 1);
  const pairable = [...perResponse.values()].some((n) => n >= 2);
  return { krippendorffAlphaInterval: pairable ? krippendorffAlpha(data, 'interval') : null, raters: raters.length, responses: responses.length };
}

type Data = Record<string, Array<string | number>>;

/**
 * Does the advantage of a source depend on the domain? `value ~ source * domain` with the manifest's
 * random effects (REML, Satterthwaite tests), and the likelihood-ratio test (ML) of the interaction.
 */
function sourceByDomain(formula: string, data: Data, reference: Record<string, string>, reml: boolean): SourceByDomain {
  const random = splitFormula(formula).terms.filter((t) => t.startsWith('('));
  const tail = random.length ? ` + ${random.join(' + ')}` : '';
  try {
    const fit = fitLmm(`value ~ source * domain${tail}`, data, { reml, reference });
    const lrt = likelihoodRatioTest([`value ~ source + domain${tail}`, `value ~ source * domain${tail}`], data, { reference });
    const test = lrt[1];
    return {
      formula: fit.formula,
      fixef: fit.fixefNames.map((term, i) => ({ term, estimate: fit.beta[i], SE: fit.se[i], df: fit.df[i], t: fit.t[i], p: fit.p[i] })),
      interactionTest: { chisq: test.chisq, df: test.df, p: test.p },
      singular: fit.singular,
    };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Per judge: how its scores agree with the mean human rating of each response (Pearson r, MAE). */
function judgeAgreement(scale: string, rows: readonly RatingRow[], scores: readonly JudgeScoreRow[]) {
  const human = new Map<string, { s: number; n: number }>();
  for (const r of rows) {
    const m = human.get(r.response) ?? { s: 0, n: 0 };
    m.s += r.value;
    m.n += 1;
    human.set(r.response, m);
  }
  const judges = [...new Set(scores.filter((j) => j.scale === scale).map((j) => j.judge))].sort();
  return judges.map((judge) => {
    const pairs = scores
      .filter((j) => j.scale === scale && j.judge === judge && human.has(j.response))
      .sort((a, b) => (a.response < b.response ? -1 : a.response > b.response ? 1 : 0))
      .map((j) => {
        const m = human.get(j.response) as { s: number; n: number };
        return { judge: j.value, human: m.s / m.n };
      });
    const mae = pairs.length ? pairs.reduce((s, p) => s + Math.abs(p.judge - p.human), 0) / pairs.length : null;
    return { judge, responses: pairs.length, pearsonR: pearson(pairs.map((p) => p.judge), pairs.map((p) => p.human)), meanAbsoluteError: mae };
  });
}

/**
 * Which source wrote this, and what predicts the ratings: the bag of words (200 unigrams and bigrams,
 * 20 emojis), a multinomial L2 logistic regression of source on it, and per scale a ridge and an OLS
 * regression of each reply's mean rating (excluded raters left out) on the same terms.
 */
function languageModels(replies: readonly ReplyRow[], kept: readonly RatingRow[], scales: readonly string[], seed: number) {
  if (new Set(replies.map((r) => r.source)).size < 2 || replies.length < 10) return null;
  const vocabulary = buildVocabulary(replies.map((r) => r.text), { words: BAG_OF_WORDS.words, emojis: BAG_OF_WORDS.emojis });
  const p = vocabulary.terms.length;
  const x = vectorize(replies.map((r) => r.text), vocabulary);
  let classifier: ClassifierJson | { error: string };
  try {
    const { model: _model, test, ...report } = classify(x, p, replies.map((r) => r.source), vocabulary.terms, { seed, folds: BAG_OF_WORDS.folds, top: 10 });
    classifier = { terms: p, ...report, classes: [...report.classes], test: { ...test, perClass: test.perClass.map((m) => ({ ...m })) } };
  } catch (err) {
    classifier = { error: (err as Error).message };
  }
  const index = new Map(replies.map((r, i) => [r.id, i]));
  const regressions = scales.map((scale): RegressionResult => {
    const sums = new Map<string, { s: number; n: number }>();
    for (const r of kept) {
      if (r.scale !== scale || !index.has(r.response)) continue;
      const m = sums.get(r.response) ?? { s: 0, n: 0 };
      m.s += r.value;
      m.n += 1;
      sums.set(r.response, m);
    }
    const rated = replies.map((r, i) => ({ i, m: sums.get(r.id) })).filter((r): r is { i: number; m: { s: number; n: number } } => r.m !== undefined);
    if (rated.length < 10) return { scale, error: `only ${rated.length} rated replies (at least 10 are needed)` };
    const xs = new Float64Array(rated.length * p);
    rated.forEach((r, k) => xs.set(x.subarray(r.i * p, (r.i + 1) * p), k * p));
    try {
      const r = ratingRegression(rated.map((q) => q.m.s / q.m.n), xs, vocabulary.terms, { folds: BAG_OF_WORDS.folds, seed });
      return {
        scale,
        n: r.n,
        p: r.p,
        folds: r.folds,
        baseline: r.baseline,
        ridge: { lambda: r.ridge.lambda, lambdaChosenBy: r.ridge.lambdaChosenBy, cv: r.ridge.cv, weights: r.ridge.weights.slice(0, 15) },
        ols: r.ols ? { cv: r.ols.cv } : null,
        olsOmitted: r.olsOmitted ?? null,
        constantInFolds: r.constantInFolds,
      };
    } catch (err) {
      return { scale, error: (err as Error).message };
    }
  });
  return { classifier, regressions };
}

/** Raters a rule the manifest does not apply would have excluded: reported, not excluded (straight-lining when off). */
export function flagsOf(input: Pick<AnalysisInput, 'ratings' | 'exclusions' | 'sliders' | 'formats'>): StudyAnalysis['flags'] {
  if (input.exclusions.straightLining) return [];
  const straight = straightLiners(input.ratings, input.sliders, input.formats?.choices);
  const raters = [...straight.keys()].sort();
  return [{ rule: STRAIGHT_LINING, raters, reasons: raters.map((r) => straight.get(r) as string) }];
}

export function analyzeStudy(input: AnalysisInput): StudyAnalysis {
  const exclusions = exclusionsOf(input);
  const excluded = new Set(exclusions.flatMap((e) => e.raters));
  const kept = input.ratings.filter((r) => !excluded.has(r.rater));
  const scales = input.scales.map((scale): ScaleResult => {
    const rows = kept.filter((r) => r.scale === scale).sort((a, b) => (a.rater + a.response < b.rater + b.response ? -1 : 1));
    if (rows.length === 0) return { scale, ratings: 0 as const };
    const data = {
      value: rows.map((r) => r.value),
      source: rows.map((r) => r.source),
      post: rows.map((r) => r.post),
      rater: rows.map((r) => r.rater),
      domain: rows.map((r) => r.domain),
    };
    const sources = new Set(rows.map((r) => r.source));
    const domainSet = new Set(rows.map((r) => r.domain));
    let model: ModelJson | { error: string };
    let contrasts: ReturnType<typeof contrastsJson> | null = null;
    try {
      const fit = fitLmm(input.formula, data, { reml: input.reml, reference: sources.has(input.reference) ? { source: input.reference } : {} });
      model = modelToJson(fit);
      if (sources.size >= 2 && fit.design.frame.columns.get('source')?.kind === 'factor') contrasts = contrastsJson(emmeans(fit, 'source', { adjust: input.adjust }), fit);
    } catch (err) {
      model = { error: (err as Error).message };
    }
    const means: UnitMeans[] = meansAcrossUnits(rows.map((r) => r.value), rows.map((r) => r.post), rows.map((r) => r.source));
    const domains = [...new Set(rows.map((r) => r.domain))].sort();
    const byDomain = domains.map((d) => {
      const sub = rows.filter((r) => r.domain === d);
      return { domain: d, means: meansAcrossUnits(sub.map((r) => r.value), sub.map((r) => r.post), sub.map((r) => r.source)).sort((a, b) => (a.group < b.group ? -1 : 1)) };
    });
    const reference: Record<string, string> = sources.has(input.reference) ? { source: input.reference } : {};
    return {
      scale,
      ratings: rows.length,
      model,
      contrasts,
      meansAcrossPosts: means.sort((a, b) => (a.group < b.group ? -1 : 1)),
      byDomain,
      sourceByDomain: sources.size >= 2 && domainSet.size >= 2 ? sourceByDomain(input.formula, data, reference, input.reml) : null,
      reliability: reliability(rows),
      judges: judgeAgreement(scale, rows, input.judgeScores ?? []),
      ...(input.models?.includes('clmm') && (input.ordinalScales?.includes(scale) ?? true)
        ? {
            clmm: ordinalJson(input.formula, data, {
              link: input.clmm?.link ?? 'logit',
              thresholds: input.clmm?.thresholds ?? 'flexible',
              reference,
              adjust: input.adjust,
              lmmPairs: contrasts ? contrasts.pairs.map((c) => ({ contrast: c.contrast, estimate: c.estimate, p: c['p.value'] })) : null,
            }),
          }
        : {}),
    };
  });
  const correlations: Array<{ a: string; b: string; r: number | null; n: number }> = [];
  for (let i = 0; i < input.scales.length; i++)
    for (let j = i + 1; j < input.scales.length; j++) {
      const a = input.scales[i];
      const b = input.scales[j];
      const bKey = new Map(kept.filter((r) => r.scale === b).map((r) => [`${r.rater}\u0000${r.response}`, r.value]));
      const pairs = kept.filter((r) => r.scale === a && bKey.has(`${r.rater}\u0000${r.response}`));
      correlations.push({ a, b, r: pearson(pairs.map((p) => p.value), pairs.map((p) => lookup(bKey, `${p.rater}\u0000${p.response}`, 'paired rating'))), n: pairs.length });
    }
  let language: Record<string, GroupComparison> | null = null;
  const replies = input.replies ?? [];
  const features = replies.map((r) => ({ source: r.source, post: r.post, values: extractFeatures(r.text) }));
  if (new Set(features.map((f) => f.source)).size >= 2) {
    language = {};
    const names = Object.keys(features[0]?.values ?? {}).sort();
    const reference = features.some((f) => f.source === input.reference) ? { reference: input.reference } : {};
    for (const n of names) {
      language[n] = compareGroups(features.map((f) => f.values[n]), features.map((f) => f.source), { units: features.map((f) => f.post), adjust: 'none', ...reference });
    }
    language = adjustAcrossFeatures(language, input.adjust);
  }
  return {
    schema: ANALYSIS_SCHEMA,
    raters: { total: input.raters.length, excluded: excluded.size, kept: input.raters.length - excluded.size },
    exclusions,
    flags: flagsOf(input),
    scales,
    correlations,
    language,
    languageModels: languageModels(replies, kept, input.scales, input.seed ?? 1),
    ...((input.judgeScores?.length ?? 0) > 0
      ? {
          judgeCalibration: judgeCalibration(kept, input.judgeScores ?? [], input.judgeSamples ?? [], replies, {
            scales: input.scales,
            reference: input.reference,
            adjust: input.adjust,
            humanContrasts: new Map(scales.flatMap((s) => ('contrasts' in s && s.contrasts ? [[s.scale, s.contrasts.pairs.map((c) => ({ contrast: c.contrast, estimate: c.estimate, p: c['p.value'] }))] as const] : []))),
          }),
        }
      : {}),
    ...(new Set(kept.map((r) => r.panel ?? '')).size >= 2 ? { panels: panelsAnalysis(kept, input.scales, { formula: input.formula, reml: input.reml, reference: input.reference, adjust: input.adjust }) } : {}),
    ...(input.arms?.length ? { styleArms: styleArms(input.arms, kept, replies, input.scales, { formula: input.formula, reml: input.reml }) } : {}),
    ...formatsOf(input, kept, excluded),
  };
}

/** The formats section, from the kept raters' ratings, item answers and choices. */
function formatsOf(input: AnalysisInput, kept: readonly RatingRow[], excluded: ReadonlySet<string>): { formats?: FormatsJson } {
  const f = input.formats;
  if (!f) return {};
  const doc = formatsAnalysis({
    specs: f.specs,
    ratings: kept,
    items: f.items.filter((a) => !excluded.has(a.rater)),
    choices: f.choices.filter((c) => !excluded.has(c.rater)),
    reference: input.reference,
    seed: input.seed ?? 1,
    ...(f.replicates !== undefined ? { replicates: f.replicates } : {}),
  });
  return doc ? { formats: doc } : {};
}

/** The models of an analysis that could not be fitted: "empathy: <why>", "empathy (source x domain): <why>". */
export function modelFailures(doc: StudyAnalysis): string[] {
  const out: string[] = [];
  for (const s of doc.scales) {
    if ('model' in s && s.model && 'error' in s.model) out.push(`${s.scale}: ${String(s.model.error)}`);
    const byDomain = 'sourceByDomain' in s ? s.sourceByDomain : null;
    if (byDomain && 'error' in byDomain) out.push(`${s.scale} (source x domain): ${byDomain.error}`);
  }
  return out;
}

/** A scale's model warnings, each prefixed by the scale: a singular fit, dropped rows or columns, convergence. */
export function scaleWarnings(s: StudyAnalysis['scales'][number]): string[] {
  if (!('model' in s) || !s.model || 'error' in s.model) return [];
  const m = s.model;
  return [...(m.singular ? [`${s.scale}: singular fit (a variance component is estimated as zero or a correlation as ±1)`] : []), ...m.warnings.map((w) => `${s.scale}: ${w}`)];
}

export function modelWarnings(doc: StudyAnalysis): string[] {
  return doc.scales.flatMap(scaleWarnings);
}

/**
 * The language comparisons are one family: every pair of sources on every feature. Their p values
 * are adjusted across the whole family (Holm, or Bonferroni when the manifest asks for it; none for
 * `none`), separately for the OLS and the mixed-model tests, so that 28 features x pairs do not
 * hand out significant differences by chance. `adjust` on each comparison records the method.
 */
export function adjustAcrossFeatures(language: Record<string, GroupComparison>, adjust: Adjustment): Record<string, GroupComparison> {
  const method: Adjustment = adjust === 'none' ? 'none' : adjust === 'bonferroni' ? 'bonferroni' : 'holm';
  const correct = (p: readonly number[]) => (method === 'none' ? [...p] : method === 'bonferroni' ? bonferroni(p) : holm(p));
  const names = Object.keys(language);
  const family = (pick: (c: GroupComparison) => GroupComparison['ols'] | undefined) => {
    const raw = names.flatMap((n) => (pick(language[n]) ?? []).map((pair) => pair.p));
    return correct(raw);
  };
  const ols = family((c) => c.ols);
  const mixed = family((c) => c.mixed);
  let io = 0;
  let im = 0;
  return Object.fromEntries(
    names.map((n) => {
      const c = language[n];
      return [
        n,
        {
          ...c,
          adjust: method,
          ols: c.ols.map((pair) => ({ ...pair, p: ols[io++] })),
          ...(c.mixed ? { mixed: c.mixed.map((pair) => ({ ...pair, p: mixed[im++] })) } : {}),
        },
      ];
    }),
  );
}
