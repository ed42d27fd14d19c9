/**
 * The rating formats of a study, and which measures best. Per format: a slider's distribution; a
 * multi-item scale's alpha, omega and item-rest correlations; the Bradley-Terry model of a pairwise
 * scale. Comparing every scale of the study on the same replies:
 * - reliability: split-half over raters (raters split at random into two halves, each reply's score
 *   in each half correlated across replies, Spearman-Brown stepped up; the mean over 100 splits) and
 *   ICC(2,k) of reply means from `value ~ 1 + (1 | response) + (1 | rater)` (REML):
 *   var(reply) / (var(reply) + (var(rater) + var(residual)) / k), k the mean ratings per reply;
 * - separation: the standardised difference of the two sources furthest apart: for rated scales the
 *   difference of their mean ratings over the SD of all ratings, for the pairwise scale the
 *   difference of their abilities times sqrt(3) / pi (the logistic-to-normal conversion of Chinn
 *   2000), so both are on Cohen's d scale;
 * - agreement on the sources' order: Kendall's tau-b between each two scales' source scores (mean
 *   rating; Bradley-Terry ability).
 * Every interval is the 2.5th and 97.5th percentile over bootstrap replicates that resample posts
 * (each replicate's split-half the mean of 10 random splits of its raters). A reply's pairwise score is the share of
 * its comparisons it won.
 */
import { abilityContrast, contrastVariance, fitBradleyTerry, fitOrdinalPairs, worthInterval, worths, type BradleyTerryFit, type PairChoice } from '../stats/bradley-terry.js';
import { normalQuantile, normalUpperTail } from '../stats/distributions.js';
import { fitLmm } from '../stats/lmm.js';
import { seededRng, shuffled, type Rng } from '../stats/random.js';
import { kendallTauB, pearson } from '../stats/reliability.js';
import { cronbachAlpha, itemRestCorrelations, omegaTotal, spearmanBrown } from '../stats/scale-reliability.js';
import type { FormatsJson } from './schema.js';

export type FormatType = 'likert' | 'slider' | 'multi-item' | 'pairwise';

export interface FormatSpec {
  readonly scale: string;
  readonly type: FormatType;
  /** A multi-item scale's items and points (for reverse keying). */
  readonly items?: ReadonlyArray<{ readonly id: string; readonly reverse: boolean }>;
  readonly points?: number;
  readonly strength?: boolean;
}

export interface ScoreRow {
  readonly rater: string;
  readonly post: string;
  readonly response: string;
  readonly source: string;
  readonly scale: string;
  readonly value: number;
}

/** One item's answer, as given (reverse-keyed items not yet recoded). */
export interface ItemAnswer extends ScoreRow {
  readonly item: string;
}

export interface ChoiceRow {
  readonly rater: string;
  readonly post: string;
  readonly scale: string;
  readonly left: string;
  readonly right: string;
  readonly leftSource: string;
  readonly rightSource: string;
  /** -1 left, 1 right; with strength -2 .. 2. */
  readonly value: number;
}

export interface FormatsInput {
  readonly specs: readonly FormatSpec[];
  /** The kept raters' ratings of the rated scales (a multi-item scale's composite under its id). */
  readonly ratings: readonly ScoreRow[];
  readonly items: readonly ItemAnswer[];
  readonly choices: readonly ChoiceRow[];
  readonly reference: string;
  readonly seed: number;
  /** Bootstrap replicates (default 200). */
  readonly replicates?: number;
}

const Z = normalQuantile(0.975);
const SPLITS = 100;
/** Random splits averaged in each bootstrap replicate (so the interval reflects the posts, not one split's luck). */
const SPLITS_PER_REPLICATE = 10;
/** A slider answer this close to 0 or 100 is "at an end". */
export const SLIDER_END = 2;

const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
function sd(x: readonly number[]): number {
  if (x.length < 2) return NaN;
  const m = mean(x);
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
}
const group = <T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const r of rows) (m.get(key(r)) ?? m.set(key(r), []).get(key(r)))?.push(r);
  return m;
};
const sorted = (x: Iterable<string>) => [...x].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const percentile = (x: readonly number[], q: number): number | null => {
  const v = x.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length < 10) return null;
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  return (v[lo] as number) + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)] as number) - (v[lo] as number));
};
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** A share with a 95% CI clustered by `cluster` (the sandwich variance of a mean of 0/1 flags), clamped to [0, 1]. */
export function clusteredShare(flags: readonly boolean[], clusters: readonly string[]): { share: number; lower: number; upper: number } {
  const n = flags.length;
  const share = flags.filter(Boolean).length / n;
  const sums = new Map<string, number>();
  flags.forEach((f, i) => sums.set(clusters[i] as string, (sums.get(clusters[i] as string) ?? 0) + ((f ? 1 : 0) - share)));
  const g = sums.size;
  const v = g > 1 ? ((g / (g - 1)) * [...sums.values()].reduce((s, u) => s + u * u, 0)) / (n * n) : NaN;
  const half = Z * Math.sqrt(v);
  return { share, lower: Number.isFinite(half) ? Math.max(0, share - half) : 0, upper: Number.isFinite(half) ? Math.min(1, share + half) : 1 };
}

// ---------------------------------------------------------------- per format

function sliderSummary(scale: string, rows: readonly ScoreRow[]): FormatsJson['sliders'][number] {
  const values = rows.map((r) => r.value);
  const bins = Array.from({ length: 10 }, (_, b) => ({ from: b * 10, to: b === 9 ? 100 : b * 10 + 9, count: values.filter((v) => (b === 9 ? v >= 90 : v >= b * 10 && v < b * 10 + 10)).length }));
  return { scale, n: values.length, mean: mean(values), sd: finite(sd(values)), bins, atEnds: clusteredShare(values.map((v) => v <= SLIDER_END || v >= 100 - SLIDER_END), rows.map((r) => r.rater)) };
}

/** Answer sets of a multi-item scale with every item answered, reverse-keyed items recoded. */
function answerSets(spec: FormatSpec, answers: readonly ItemAnswer[]): Array<{ rater: string; values: number[] }> {
  const items = spec.items ?? [];
  const points = spec.points ?? 5;
  const byAnswer = group(answers, (a) => `${a.rater}\u0000${a.response}`);
  const out: Array<{ rater: string; values: number[] }> = [];
  for (const key of sorted(byAnswer.keys())) {
    const rows = byAnswer.get(key) ?? [];
    const values = items.map((item) => {
      const a = rows.find((r) => r.item === item.id);
      return a === undefined ? NaN : item.reverse ? points + 1 - a.value : a.value;
    });
    if (values.every(Number.isFinite)) out.push({ rater: (rows[0] as ItemAnswer).rater, values });
  }
  return out;
}

function itemsSummary(spec: FormatSpec, answers: readonly ItemAnswer[], seed: number, replicates: number): FormatsJson['items'][number] {
  const sets = answerSets(spec, answers);
  try {
    const rows = sets.map((s) => s.values);
    const alpha = cronbachAlpha(rows);
    const omega = omegaTotal(rows);
    const rest = itemRestCorrelations(rows);
    // Omega's interval: the answer sets resampled by rater (a rater's answers stay together).
    const byRater = [...group(sets, (s) => s.rater).values()];
    const rng = seededRng(seed ^ 0x0e6a);
    const boot: number[] = [];
    for (let b = 0; b < replicates; b++) {
      const sample = Array.from({ length: byRater.length }, () => byRater[Math.floor(rng() * byRater.length)] ?? []).flat();
      try {
        boot.push(omegaTotal(sample.map((s) => s.values)).omega);
      } catch {
        // A replicate with a constant item has no omega; the interval comes from the others.
      }
    }
    return {
      scale: spec.scale,
      answerSets: sets.length,
      alpha: { estimate: alpha.alpha, lower: alpha.lower, upper: alpha.upper, method: 'Feldt' },
      omega: { estimate: omega.omega, lower: percentile(boot, 0.025), upper: percentile(boot, 0.975), method: 'bootstrap over raters', replicates: boot.length },
      items: (spec.items ?? []).map((item, j) => ({ item: item.id, reverse: item.reverse, mean: mean(rows.map((r) => r[j] as number)), itemRest: finite(rest[j] as number), loading: omega.loadings[j] as number })),
    };
  } catch (err) {
    return { scale: spec.scale, answerSets: sets.length, error: (err as Error).message };
  }
}

const asPairChoice = (c: ChoiceRow): PairChoice => ({ rater: c.rater, post: c.post, left: c.leftSource, right: c.rightSource, leftChosen: c.value < 0 ? 1 : 0 });

function pairwiseSummary(spec: FormatSpec, choices: readonly ChoiceRow[], reference: string): NonNullable<FormatsJson['pairwise']> {
  try {
    const fit = fitBradleyTerry(choices.map(asPairChoice), reference);
    const v = fit.vcov.raterPost;
    const pi = worths(fit);
    const sources = fit.sources.map((source, i) => {
      const se = i === 0 ? 0 : Math.sqrt(v.data[i * v.cols + i] as number);
      const w = worthInterval(fit, v, i, Z);
      return { source, ability: fit.ability[i] as number, SE: se, lower: (fit.ability[i] as number) - Z * se, upper: (fit.ability[i] as number) + Z * se, worth: pi[i] as number, worthLower: w.lower, worthUpper: w.upper };
    });
    const preferences = [];
    for (let i = 0; i < fit.sources.length; i++)
      for (let j = i + 1; j < fit.sources.length; j++) {
        const a = fit.sources[i] as string;
        const b = fit.sources[j] as string;
        const diff = (fit.ability[i] as number) - (fit.ability[j] as number);
        const se = Math.sqrt(contrastVariance(v, abilityContrast(fit, a, b)));
        const between = choices.filter((c) => (c.leftSource === a && c.rightSource === b) || (c.leftSource === b && c.rightSource === a));
        const chosen = between.filter((c) => (c.value < 0 ? c.leftSource : c.rightSource) === a).length;
        const logistic = (x: number) => 1 / (1 + Math.exp(-x));
        preferences.push({ a, b, probability: logistic(diff), lower: logistic(diff - Z * se), upper: logistic(diff + Z * se), chosen, shown: between.length });
      }
    const positionSe = Math.sqrt(v.data[0] as number);
    const left = clusteredShare(
      choices.map((c) => c.value < 0),
      choices.map((c) => c.rater),
    );
    return {
      scale: spec.scale,
      choices: choices.length,
      raters: new Set(choices.map((c) => c.rater)).size,
      posts: new Set(choices.map((c) => c.post)).size,
      reference: fit.reference,
      se: 'cluster-robust (rater and post)',
      sources,
      preferences,
      position: { leftShare: left.share, lower: left.lower, upper: left.upper, effect: fit.position, SE: positionSe, p: 2 * normalUpperTail(Math.abs(fit.position / positionSe)) },
      ...(spec.strength ? { strength: strengthSummary(choices, reference) } : {}),
    };
  } catch (err) {
    return { scale: spec.scale, choices: choices.length, error: (err as Error).message };
  }
}

function strengthSummary(choices: readonly ChoiceRow[], reference: string): NonNullable<Extract<NonNullable<FormatsJson['pairwise']>, { sources: unknown }>['strength']> {
  const clearly = choices.filter((c) => Math.abs(c.value) === 2).length / choices.length;
  try {
    const o = fitOrdinalPairs(
      choices.map((c) => ({ rater: c.rater, post: c.post, left: c.leftSource, right: c.rightSource, category: (c.value === 2 ? 0 : c.value === 1 ? 1 : c.value === -1 ? 2 : 3) as 0 | 1 | 2 | 3 })),
      reference,
    );
    return { clearly, spacing: o.spacing, position: o.position, positionSE: o.positionSe, sources: o.sources.map((source, i) => ({ source, ability: o.ability[i] as number, SE: o.abilitySe[i] as number })) };
  } catch (err) {
    return { clearly, error: (err as Error).message };
  }
}

// ---------------------------------------------------------------- comparing formats

/** One scale's data as the comparison sees it: per-rater scores of replies, or choices. */
type FormatData = { readonly kind: 'rated'; readonly rows: readonly ScoreRow[] } | { readonly kind: 'pairwise'; readonly choices: readonly ChoiceRow[] };

/** Each reply's score from some raters: mean rating, or share of comparisons won. */
function replyScores(data: FormatData, raters: ReadonlySet<string> | null): Map<string, number> {
  const out = new Map<string, number>();
  if (data.kind === 'rated') {
    for (const [response, rows] of group(raters ? data.rows.filter((r) => raters.has(r.rater)) : data.rows, (r) => r.response)) out.set(response, mean(rows.map((r) => r.value)));
    return out;
  }
  const won = new Map<string, number>();
  const shown = new Map<string, number>();
  for (const c of data.choices) {
    if (raters && !raters.has(c.rater)) continue;
    const winner = c.value < 0 ? c.left : c.right;
    for (const id of [c.left, c.right]) shown.set(id, (shown.get(id) ?? 0) + 1);
    won.set(winner, (won.get(winner) ?? 0) + 1);
  }
  for (const [id, n] of shown) out.set(id, (won.get(id) ?? 0) / n);
  return out;
}

function splitHalfOnce(data: FormatData, raters: readonly string[], rng: Rng): number {
  const order = shuffled(raters, rng);
  const half = new Set(order.slice(0, Math.floor(order.length / 2)));
  const other = new Set(order.slice(Math.floor(order.length / 2)));
  const a = replyScores(data, half);
  const b = replyScores(data, other);
  const both = sorted([...a.keys()].filter((k) => b.has(k)));
  const r = pearson(
    both.map((k) => a.get(k) as number),
    both.map((k) => b.get(k) as number),
  );
  return r === null ? NaN : spearmanBrown(r);
}

const ratersOf = (data: FormatData) => sorted(new Set(data.kind === 'rated' ? data.rows.map((r) => r.rater) : data.choices.map((c) => c.rater)));

function icc2k(rows: readonly ScoreRow[], start?: ArrayLike<number>): { estimate: number; k: number; theta: Float64Array } {
  const fit = fitLmm('value ~ 1 + (1 | response) + (1 | rater)', { value: rows.map((r) => r.value), response: rows.map((r) => r.response), rater: rows.map((r) => r.rater) }, { satterthwaite: false, ...(start ? { start } : {}) });
  const variance = (grp: string) => fit.varcor.find((v) => v.grp === grp)?.vcov ?? 0;
  const k = rows.length / new Set(rows.map((r) => r.response)).size;
  const reply = variance('response');
  return { estimate: reply / (reply + (variance('rater') + fit.sigma ** 2) / k), k, theta: fit.theta };
}

/** Each source's score: mean rating, or Bradley-Terry ability (null when the model cannot be fitted). */
function sourceScores(data: FormatData, reference: string): Map<string, number> | null {
  if (data.kind === 'rated') {
    const out = new Map<string, number>();
    for (const [source, rows] of group(data.rows, (r) => r.source)) out.set(source, mean(rows.map((r) => r.value)));
    return out;
  }
  try {
    const fit: BradleyTerryFit = fitBradleyTerry(data.choices.map(asPairChoice), reference);
    return new Map(fit.sources.map((s, i) => [s, fit.ability[i] as number]));
  } catch {
    return null;
  }
}

/** The standardised difference between sources a and b. */
function separationOf(data: FormatData, scores: ReadonlyMap<string, number> | null, a: string, b: string): number {
  if (!scores || !scores.has(a) || !scores.has(b)) return NaN;
  const diff = (scores.get(a) as number) - (scores.get(b) as number);
  return data.kind === 'rated' ? diff / sd(data.rows.map((r) => r.value)) : (diff * Math.sqrt(3)) / Math.PI;
}

function tauOf(x: ReadonlyMap<string, number> | null, y: ReadonlyMap<string, number> | null): number {
  if (!x || !y) return NaN;
  const common = sorted([...x.keys()].filter((k) => y.has(k)));
  if (common.length < 3) return NaN;
  return kendallTauB(
    common.map((k) => x.get(k) as number),
    common.map((k) => y.get(k) as number),
  ) ?? NaN;
}

/** The data of a bootstrap replicate: posts drawn with replacement, each copy's replies kept apart. */
function resample(data: FormatData, draw: ReadonlyMap<string, number>): FormatData {
  const copies = (post: string) => draw.get(post) ?? 0;
  if (data.kind === 'rated')
    return { kind: 'rated', rows: data.rows.flatMap((r) => Array.from({ length: copies(r.post) }, (_, c) => ({ ...r, post: `${r.post}#${c}`, response: `${r.response}#${c}` }))) };
  return { kind: 'pairwise', choices: data.choices.flatMap((x) => Array.from({ length: copies(x.post) }, (_, c) => ({ ...x, post: `${x.post}#${c}`, left: `${x.left}#${c}`, right: `${x.right}#${c}` }))) };
}

function comparison(specs: readonly FormatSpec[], data: ReadonlyMap<string, FormatData>, reference: string, seed: number, replicates: number): NonNullable<FormatsJson['comparison']> {
  const rng = seededRng(seed ^ 0xf0a7);
  const posts = sorted(new Set([...data.values()].flatMap((d) => (d.kind === 'rated' ? d.rows.map((r) => r.post) : d.choices.map((c) => c.post)))));
  const full = new Map(specs.map((s) => [s.scale, sourceScores(data.get(s.scale) as FormatData, reference)]));
  // The two sources furthest apart on each scale: the contrast its separation reports.
  const contrastOf = new Map(
    specs.map((s) => {
      const scores = full.get(s.scale);
      if (!scores || scores.size < 2) return [s.scale, null] as const;
      const bySize = [...scores].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
      return [s.scale, { a: (bySize[0] as [string, number])[0], b: (bySize[bySize.length - 1] as [string, number])[0] }] as const;
    }),
  );
  // Each rated scale's ICC on all the data; its covariance parameters start the replicates' fits.
  type Icc = { estimate: number; k: number; theta: Float64Array } | { error: string } | null;
  const iccFull = new Map<string, Icc>(
    specs.map((s): [string, Icc] => {
      const d = data.get(s.scale) as FormatData;
      if (d.kind !== 'rated') return [s.scale, null];
      try {
        return [s.scale, icc2k(d.rows)];
      } catch (err) {
        return [s.scale, { error: (err as Error).message }];
      }
    }),
  );
  const boot = new Map(specs.map((s) => [s.scale, { split: [] as number[], icc: [] as number[], sep: [] as number[] }]));
  const tauBoot = new Map<string, number[]>();
  for (let b = 0; b < replicates; b++) {
    const draw = new Map<string, number>();
    for (let i = 0; i < posts.length; i++) {
      const p = posts[Math.floor(rng() * posts.length)] as string;
      draw.set(p, (draw.get(p) ?? 0) + 1);
    }
    const scores = new Map<string, Map<string, number> | null>();
    for (const s of specs) {
      const d = resample(data.get(s.scale) as FormatData, draw);
      const acc = boot.get(s.scale) as { split: number[]; icc: number[]; sep: number[] };
      const raters = ratersOf(d);
      const splits = Array.from({ length: SPLITS_PER_REPLICATE }, () => splitHalfOnce(d, raters, rng)).filter(Number.isFinite);
      acc.split.push(splits.length ? mean(splits) : NaN);
      const start = iccFull.get(s.scale);
      if (d.kind === 'rated' && start && 'theta' in start)
        try {
          acc.icc.push(icc2k(d.rows, start.theta).estimate);
        } catch {
          acc.icc.push(NaN);
        }
      const sc = sourceScores(d, reference);
      scores.set(s.scale, sc);
      const c = contrastOf.get(s.scale);
      acc.sep.push(c ? separationOf(d, sc, c.a, c.b) : NaN);
    }
    for (let i = 0; i < specs.length; i++)
      for (let j = i + 1; j < specs.length; j++) {
        const key = `${(specs[i] as FormatSpec).scale}\u0000${(specs[j] as FormatSpec).scale}`;
        (tauBoot.get(key) ?? tauBoot.set(key, []).get(key))?.push(tauOf(scores.get((specs[i] as FormatSpec).scale) ?? null, scores.get((specs[j] as FormatSpec).scale) ?? null));
      }
  }
  const ci = (x: readonly number[]) => ({ lower: percentile(x, 0.025), upper: percentile(x, 0.975) });
  const rows = specs.map((s) => {
    const d = data.get(s.scale) as FormatData;
    const acc = boot.get(s.scale) as { split: number[]; icc: number[]; sep: number[] };
    const splitRng = seededRng(seed ^ 0x5b17);
    const splits = Array.from({ length: SPLITS }, () => splitHalfOnce(d, ratersOf(d), splitRng)).filter(Number.isFinite);
    const splitHalf = splits.length ? { estimate: mean(splits), ...ci(acc.split) } : { error: 'no reply was scored in both halves of the raters' };
    const est = iccFull.get(s.scale);
    const icc: NonNullable<FormatsJson['comparison']>['rows'][number]['icc2k'] =
      d.kind === 'pairwise' || !est ? { error: 'not defined for choices between two replies (a choice scores no reply on its own)' } : 'error' in est ? { error: est.error } : { estimate: est.estimate, k: est.k, ...ci(acc.icc) };
    const c = contrastOf.get(s.scale);
    const sepEstimate = c ? separationOf(d, full.get(s.scale) ?? null, c.a, c.b) : NaN;
    const separation = c && Number.isFinite(sepEstimate) ? { contrast: `${c.a} - ${c.b}`, estimate: sepEstimate, ...ci(acc.sep) } : { error: s.type === 'pairwise' ? 'the Bradley-Terry model could not be fitted' : 'fewer than two sources' };
    const scores = full.get(s.scale);
    return {
      scale: s.scale,
      format: s.type,
      observations: d.kind === 'rated' ? d.rows.length : d.choices.length,
      splitHalf,
      icc2k: icc,
      separation,
      order: scores ? [...scores].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([source]) => source) : [],
    };
  });
  const agreement = [];
  for (let i = 0; i < specs.length; i++)
    for (let j = i + 1; j < specs.length; j++) {
      const a = (specs[i] as FormatSpec).scale;
      const b = (specs[j] as FormatSpec).scale;
      agreement.push({ a, b, tau: finite(tauOf(full.get(a) ?? null, full.get(b) ?? null)), ...ci(tauBoot.get(`${a}\u0000${b}`) ?? []) });
    }
  return { replicates, seed, rows, agreement };
}

/** The formats section of the analysis, or null when every scale is Likert (nothing to add). */
export function formatsAnalysis(input: FormatsInput): FormatsJson | null {
  const { specs } = input;
  if (specs.every((s) => s.type === 'likert')) return null;
  const replicates = input.replicates ?? 200;
  const byScale = group(input.ratings, (r) => r.scale);
  const data = new Map<string, FormatData>(
    specs.map((s) => [s.scale, s.type === 'pairwise' ? { kind: 'pairwise', choices: input.choices.filter((c) => c.scale === s.scale) } : { kind: 'rated', rows: byScale.get(s.scale) ?? [] }] as const),
  );
  const usable = specs.filter((s) => {
    const d = data.get(s.scale) as FormatData;
    return d.kind === 'rated' ? d.rows.length > 0 : d.choices.length > 0;
  });
  const pairSpec = specs.find((s) => s.type === 'pairwise');
  const choices = pairSpec ? input.choices.filter((c) => c.scale === pairSpec.scale) : [];
  return {
    sliders: specs.filter((s) => s.type === 'slider' && (byScale.get(s.scale)?.length ?? 0) > 0).map((s) => sliderSummary(s.scale, byScale.get(s.scale) ?? [])),
    items: specs.filter((s) => s.type === 'multi-item').map((s) => itemsSummary(s, input.items.filter((a) => a.scale === s.scale), input.seed, replicates)),
    ...(pairSpec && choices.length > 0 ? { pairwise: pairwiseSummary(pairSpec, choices, input.reference) } : {}),
    ...(usable.length >= 2 ? { comparison: comparison(usable, data, input.reference, input.seed, replicates) } : {}),
  };
}
