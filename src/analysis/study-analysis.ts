/**
 * The analysis of a study, as one JSON document with a versioned schema: exclusions with the raters
 * and ratings each rule removed; per scale, the manifest's mixed model, every pairwise contrast of
 * sources, means with 95% CIs across posts (per source, and per domain and source) and rater
 * reliability; correlations between scales; and the language comparisons between sources.
 * A pure function of plain rows: the same inputs give byte-identical output (stable orders, seeded
 * steps, no clocks).
 */
import { compareGroups, type GroupComparison } from '../stats/compare-groups.js';
import { emmeans, meansAcrossUnits, type Adjustment, type Emmeans, type UnitMeans } from '../stats/emmeans.js';
import { fitLmm } from '../stats/lmm.js';
import { krippendorffAlpha } from '../stats/reliability.js';
import { modelToJson } from './model-json.js';

export const ANALYSIS_SCHEMA = 'empathy-lab/analysis@1';

export interface RatingRow {
  readonly rater: string;
  readonly post: string;
  readonly domain: string;
  readonly source: string;
  readonly response: string;
  readonly scale: string;
  readonly value: number;
}

export interface RaterInfo {
  readonly rater: string;
  readonly totalSeconds: number | null;
  readonly attentionFailures: number;
}

export interface AnalysisInput {
  readonly ratings: readonly RatingRow[];
  readonly raters: readonly RaterInfo[];
  readonly scales: readonly string[];
  readonly formula: string;
  readonly reference: string;
  readonly adjust: Adjustment;
  readonly reml: boolean;
  readonly exclusions: { readonly minTotalMinutes?: number; readonly maxTotalMinutes?: number; readonly maxAttentionFailures: number; readonly straightLining: boolean };
  /** Per-reply style features, for the language comparisons (optional). */
  readonly features?: ReadonlyArray<{ readonly source: string; readonly post: string; readonly values: Readonly<Record<string, number>> }>;
}

export interface ExclusionReport {
  readonly rule: string;
  readonly raters: string[];
  readonly ratingsRemoved: number;
}

function straightLiners(ratings: readonly RatingRow[]): Set<string> {
  const values = new Map<string, Set<number>>();
  const counts = new Map<string, number>();
  for (const r of ratings) {
    const key = `${r.rater}\u0000${r.scale}`;
    (values.get(key) ?? values.set(key, new Set()).get(key))?.add(r.value);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const out = new Set<string>();
  for (const [key, set] of values) if (set.size === 1 && (counts.get(key) as number) >= 4) out.add(key.split('\u0000')[0] as string);
  return out;
}

export function exclusionsOf(input: AnalysisInput): ExclusionReport[] {
  const e = input.exclusions;
  const rules: Array<{ rule: string; hit: (r: RaterInfo) => boolean }> = [];
  if (e.minTotalMinutes !== undefined) rules.push({ rule: `total time under ${e.minTotalMinutes} minutes`, hit: (r) => r.totalSeconds !== null && r.totalSeconds < (e.minTotalMinutes as number) * 60 });
  if (e.maxTotalMinutes !== undefined) rules.push({ rule: `total time over ${e.maxTotalMinutes} minutes`, hit: (r) => r.totalSeconds !== null && r.totalSeconds > (e.maxTotalMinutes as number) * 60 });
  rules.push({ rule: `more than ${e.maxAttentionFailures} failed attention checks`, hit: (r) => r.attentionFailures > e.maxAttentionFailures });
  const straight = e.straightLining ? straightLiners(input.ratings) : new Set<string>();
  if (e.straightLining) rules.push({ rule: 'the same value on every item of a scale (straight-lining)', hit: (r) => straight.has(r.rater) });
  const count = new Map<string, number>();
  for (const r of input.ratings) count.set(r.rater, (count.get(r.rater) ?? 0) + 1);
  return rules.map(({ rule, hit }) => {
    const raters = input.raters.filter(hit).map((r) => r.rater).sort();
    return { rule, raters, ratingsRemoved: raters.reduce((s, r) => s + (count.get(r) ?? 0), 0) };
  });
}

function contrastsJson(e: Emmeans) {
  return {
    emmeans: e.emmeans.map((m) => ({ source: m.level, emmean: m.emmean, SE: m.se, df: m.df, 'lower.CL': m.lower, 'upper.CL': m.upper })),
    pairs: e.pairs.map((c) => ({ contrast: c.contrast, estimate: c.estimate, SE: c.se, df: c.df, 't.ratio': c.t, 'p.value': c.p })),
    adjust: e.adjust,
  };
}

function reliability(rows: readonly RatingRow[]): { krippendorffAlphaInterval: number | null; raters: number; responses: number } {
  const raters = [...new Set(rows.map((r) => r.rater))].sort();
  const responses = [...new Set(rows.map((r) => r.response))].sort();
  const ri = new Map(raters.map((r, i) => [r, i]));
  const ui = new Map(responses.map((u, i) => [u, i]));
  const data: Array<Array<number | null>> = raters.map(() => new Array<number | null>(responses.length).fill(null));
  for (const r of rows) (data[ri.get(r.rater) as number] as Array<number | null>)[ui.get(r.response) as number] = r.value;
  // Reliability is defined only when some response was rated by two or more raters.
  const perResponse = new Map<string, number>();
  for (const r of rows) perResponse.set(r.response, (perResponse.get(r.response) ?? 0) + 1);
  const pairable = [...perResponse.values()].some((n) => n >= 2);
  return { krippendorffAlphaInterval: pairable ? krippendorffAlpha(data, 'interval') : null, raters: raters.length, responses: responses.length };
}

function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 3) return null;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((x[i] as number) - mx) * ((y[i] as number) - my);
    sxx += ((x[i] as number) - mx) ** 2;
    syy += ((y[i] as number) - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

export function analyzeStudy(input: AnalysisInput) {
  const exclusions = exclusionsOf(input);
  const excluded = new Set(exclusions.flatMap((e) => e.raters));
  const kept = input.ratings.filter((r) => !excluded.has(r.rater));
  const scales = input.scales.map((scale) => {
    const rows = kept.filter((r) => r.scale === scale).sort((a, b) => (a.rater + a.response < b.rater + b.response ? -1 : 1));
    if (rows.length === 0) return { scale, ratings: 0 };
    const data = {
      value: rows.map((r) => r.value),
      source: rows.map((r) => r.source),
      post: rows.map((r) => r.post),
      rater: rows.map((r) => r.rater),
      domain: rows.map((r) => r.domain),
    };
    const sources = new Set(rows.map((r) => r.source));
    let model: Record<string, unknown> | { error: string };
    let contrasts: ReturnType<typeof contrastsJson> | null = null;
    try {
      const fit = fitLmm(input.formula, data, { reml: input.reml, reference: sources.has(input.reference) ? { source: input.reference } : {} });
      model = modelToJson(fit);
      if (sources.size >= 2 && fit.design.frame.columns.get('source')?.kind === 'factor') contrasts = contrastsJson(emmeans(fit, 'source', { adjust: input.adjust }));
    } catch (err) {
      model = { error: (err as Error).message };
    }
    const means: UnitMeans[] = meansAcrossUnits(rows.map((r) => r.value), rows.map((r) => r.post), rows.map((r) => r.source));
    const domains = [...new Set(rows.map((r) => r.domain))].sort();
    const byDomain = domains.map((d) => {
      const sub = rows.filter((r) => r.domain === d);
      return { domain: d, means: meansAcrossUnits(sub.map((r) => r.value), sub.map((r) => r.post), sub.map((r) => r.source)).sort((a, b) => (a.group < b.group ? -1 : 1)) };
    });
    return { scale, ratings: rows.length, model, contrasts, meansAcrossPosts: means.sort((a, b) => (a.group < b.group ? -1 : 1)), byDomain, reliability: reliability(rows) };
  });
  const correlations: Array<{ a: string; b: string; r: number | null; n: number }> = [];
  for (let i = 0; i < input.scales.length; i++)
    for (let j = i + 1; j < input.scales.length; j++) {
      const a = input.scales[i] as string;
      const b = input.scales[j] as string;
      const bKey = new Map(kept.filter((r) => r.scale === b).map((r) => [`${r.rater}\u0000${r.response}`, r.value]));
      const pairs = kept.filter((r) => r.scale === a && bKey.has(`${r.rater}\u0000${r.response}`));
      correlations.push({ a, b, r: pearson(pairs.map((p) => p.value), pairs.map((p) => bKey.get(`${p.rater}\u0000${p.response}`) as number)), n: pairs.length });
    }
  let language: Record<string, GroupComparison> | null = null;
  const features = input.features ?? [];
  if (new Set(features.map((f) => f.source)).size >= 2) {
    language = {};
    const names = Object.keys(features[0]?.values ?? {}).sort();
    const reference = features.some((f) => f.source === input.reference) ? { reference: input.reference } : {};
    for (const n of names) {
      language[n] = compareGroups(features.map((f) => f.values[n] as number), features.map((f) => f.source), { units: features.map((f) => f.post), adjust: input.adjust, ...reference });
    }
  }
  return {
    schema: ANALYSIS_SCHEMA,
    raters: { total: input.raters.length, excluded: excluded.size, kept: input.raters.length - excluded.size },
    exclusions,
    scales,
    correlations,
    language,
  };
}

export type StudyAnalysis = ReturnType<typeof analyzeStudy>;
