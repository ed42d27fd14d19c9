/**
 * The analysis of a field study (schema `empathy-lab/field-analysis@1`): what happened to the posts
 * (screened out, flagged, answered, rated, followed up, by arm), the seekers' outcome by arm with
 * the pre-measure as covariate and the supporter as a random effect
 * (`post ~ arm + pre + (1 | supporter)`, REML, Satterthwaite df, emmeans at the mean pre-measure,
 * Holm-adjusted arm contrasts), the same for the follow-up, the seekers' ratings of their reply by
 * arm (`value ~ arm + (1 | supporter)`), time to reply and the edit distance of the assisted arm
 * (medians with distribution-free intervals, shares with Clopper-Pearson intervals), and the safety
 * log. Model-arm replies have no supporter: they share one level, `model`, of the supporter factor.
 */
import { emmeans, type ContrastRow, type EmmeanRow } from '../stats/emmeans.js';
import { StatsInputError } from '../stats/errors.js';
import { fitLmm } from '../stats/lmm.js';
import { medianInterval } from '../stats/median.js';
import { binomialInterval } from '../stats/power.js';
import { tQuantile } from '../stats/distributions.js';
import { pearsonWithInterval } from '../stats/reliability.js';
import type { Study } from '../study/schema.js';

export const FIELD_ANALYSIS_SCHEMA = 'empathy-lab/field-analysis@1';

/** The rows the analysis reads (as the store gives them). */
export interface FieldInput {
  readonly posts: ReadonlyArray<{ id: string; origin: string; domain: string; status: string; arm: string | null; created_at: string; answered_at: string | null }>;
  readonly replies: ReadonlyArray<{ post_id: string; arm: string; supporter: string | null; edit_distance: number | null; edit_share: number | null; word_count: number; draft_text: string | null }>;
  readonly measures: ReadonlyArray<{ post_id: string; phase: string; item: string; value: number }>;
  readonly safety: ReadonlyArray<{ post_id: string; rule: string; kind: string; detail: string }>;
}

export interface ArmModel {
  /** The model as fitted, in lme4's notation. */
  readonly formula: string;
  readonly n: number;
  readonly supporters: number;
  readonly fixed: ReadonlyArray<{ term: string; estimate: number; se: number; df: number; t: number; p: number }>;
  readonly emmeans: readonly EmmeanRow[];
  /** Every pair of arms, Holm-adjusted p; intervals Bonferroni-adjusted (as emmeans' confint). */
  readonly contrasts: readonly ContrastRow[];
  readonly sdSupporter: number;
  readonly sigma: number;
  readonly singular: boolean;
  /** Why the model could not be fitted (too few seekers or arms), instead of the numbers. */
  readonly error?: string;
}

export interface Interval {
  readonly n: number;
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/** A reader's rating of a field reply (from the reader study's export), by the field post's id. */
export interface ReaderRating {
  readonly post: string;
  readonly scale: string;
  readonly value: number;
  readonly rater: string;
}

export interface ReadersComparison {
  readonly scale: string;
  /** Replies both the readers and their seeker rated on this scale. */
  readonly replies: number;
  readonly raters: number;
  readonly ratingsPerReply: { readonly min: number; readonly median: number; readonly max: number };
  /** Pearson's r of the readers' mean rating of a reply and its seeker's own rating, with the Fisher-z 95% interval (as cor.test). */
  readonly correlation: { readonly r: number; readonly lower: number; readonly upper: number; readonly n: number } | null;
  /** Means over the same replies, per arm, with t intervals. */
  readonly byArm: ReadonlyArray<{ arm: string; readers: Interval; seekers: Interval }>;
}

export interface FieldAnalysis {
  readonly schema: typeof FIELD_ANALYSIS_SCHEMA;
  readonly study: string;
  readonly arms: readonly string[];
  readonly outcome: string;
  readonly simulated: boolean;
  readonly posts: {
    readonly total: number;
    readonly screenedOut: number;
    readonly flagged: number;
    readonly byArm: ReadonlyArray<{ arm: string; randomised: number; answered: number; rated: number; followedUp: number }>;
  };
  /** Post-measure of each measure (the outcome first), by arm, with its pre-measure as covariate. */
  readonly measures: ReadonlyArray<{ measure: string; phase: 'post' | 'follow_up'; model: ArmModel | null }>;
  readonly ratings: ReadonlyArray<{ scale: string; model: ArmModel | null; means: ReadonlyArray<{ arm: string } & Interval> }>;
  /** Hours from post to reply, per arm: the median with its distribution-free 95% interval. */
  readonly timeToReply: ReadonlyArray<{ arm: string } & Interval>;
  readonly edits: {
    readonly n: number;
    /** Words changed / words of the longer text: the median and its interval. */
    readonly share: Interval | null;
    readonly distance: Interval | null;
    /** Drafts sent unchanged: the share with its Clopper-Pearson interval. */
    readonly unchanged: Interval | null;
  };
  /** Readers' ratings of the same replies against the seekers' own (with `field.readers`), or null. */
  readonly readers: null | {
    readonly file: string;
    /** Posts the readers' file names that are not answered posts of this study. */
    readonly unmatchedPosts: number;
    readonly scales: readonly ReadersComparison[];
  };
  readonly safety: {
    readonly screenedOut: Interval;
    readonly byRule: ReadonlyArray<{ rule: string; kind: string; posts: number }>;
    readonly flagged: number;
  };
}

const round = (x: number, digits = 10) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** `y ~ arm [+ pre] + (1 | supporter)` on the given rows; null with a reason when it cannot be fitted. */
function armModel(rows: ReadonlyArray<{ y: number; arm: string; pre?: number; supporter: string }>, arms: readonly string[], covariate: boolean): ArmModel | null {
  const present = arms.filter((a) => rows.some((r) => r.arm === a));
  if (rows.length === 0) return null;
  const formula = `y ~ arm${covariate ? ' + pre' : ''} + (1 | supporter)`;
  const supporters = new Set(rows.map((r) => r.supporter)).size;
  const empty = { formula, n: rows.length, supporters, fixed: [], emmeans: [], contrasts: [], sdSupporter: Number.NaN, sigma: Number.NaN, singular: false };
  if (present.length < 2) return { ...empty, error: `only ${present.length} arm has answers so far` };
  if (supporters < 2) return { ...empty, error: 'answers from fewer than two supporters: the supporter variance cannot be estimated' };
  try {
    const data: Record<string, Array<number | string>> = { y: rows.map((r) => r.y), arm: rows.map((r) => r.arm), supporter: rows.map((r) => r.supporter) };
    if (covariate) data.pre = rows.map((r) => r.pre as number);
    const fit = fitLmm(formula, data, { reference: { arm: present[0] as string } });
    const means = emmeans(fit, 'arm', { adjust: 'holm' });
    const sd = fit.varcor.find((v) => v.grp === 'supporter' && v.var2 === null)?.sdcor ?? Number.NaN;
    return {
      formula,
      n: fit.nobs,
      supporters,
      fixed: fit.fixefNames.map((term, j) => ({ term, estimate: round(fit.beta[j] as number), se: round(fit.se[j] as number), df: round(fit.df[j] as number), t: round(fit.t[j] as number), p: round(fit.p[j] as number, 12) })),
      emmeans: means.emmeans.map((m) => ({ ...m, emmean: round(m.emmean), se: round(m.se), df: round(m.df), lower: round(m.lower), upper: round(m.upper) })),
      contrasts: means.pairs.map((c) => ({ ...c, estimate: round(c.estimate), se: round(c.se), df: round(c.df), t: round(c.t), p: round(c.p, 12), lower: round(c.lower), upper: round(c.upper) })),
      sdSupporter: round(sd),
      sigma: round(fit.sigma),
      singular: fit.singular,
    };
  } catch (err) {
    if (!(err instanceof StatsInputError)) throw err;
    return { ...empty, error: err.message };
  }
}

function meanInterval(xs: readonly number[]): Interval {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { n, estimate: round(mean), lower: Number.NaN, upper: Number.NaN };
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const h = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, estimate: round(mean), lower: round(mean - h), upper: round(mean + h) };
}

const medianOf = (xs: readonly number[]): Interval | null => {
  if (xs.length === 0) return null;
  const m = medianInterval(xs);
  return { n: m.n, estimate: round(m.median), lower: round(m.lower), upper: round(m.upper) };
};

const share = (k: number, n: number): Interval => {
  const ci = binomialInterval(k, n);
  return { n, estimate: n === 0 ? Number.NaN : round(k / n), lower: round(ci.lower), upper: round(ci.upper) };
};

function compareReaders(study: Study, answered: ReadonlyArray<{ id: string; arm: string | null }>, seekerRating: (post: string, scale: string) => number | undefined, readers: { file: string; ratings: readonly ReaderRating[] }): NonNullable<FieldAnalysis['readers']> {
  const ids = new Set(answered.map((p) => p.id));
  const unmatched = new Set(readers.ratings.filter((r) => !ids.has(r.post)).map((r) => r.post));
  const scales = study.instrument.scales.filter((s) => readers.ratings.some((r) => r.scale === s.id));
  return {
    file: readers.file,
    unmatchedPosts: unmatched.size,
    scales: scales.map((scale) => {
      const mine = readers.ratings.filter((r) => r.scale === scale.id && ids.has(r.post));
      const byPost = new Map<string, number[]>();
      for (const r of mine) byPost.set(r.post, [...(byPost.get(r.post) ?? []), r.value]);
      const pairs = answered.flatMap((p) => {
        const rs = byPost.get(p.id);
        const own = seekerRating(p.id, scale.id);
        return rs && own !== undefined ? [{ arm: p.arm as string, readers: rs.reduce((a, b) => a + b, 0) / rs.length, seeker: own, n: rs.length }] : [];
      });
      const counts = pairs.map((x) => x.n).sort((a, b) => a - b);
      const r = pearsonWithInterval(pairs.map((x) => x.readers), pairs.map((x) => x.seeker));
      return {
        scale: scale.id,
        replies: pairs.length,
        raters: new Set(mine.map((x) => x.rater)).size,
        ratingsPerReply: { min: counts[0] ?? 0, median: counts.length ? (counts[Math.floor((counts.length - 1) / 2)] as number) : 0, max: counts[counts.length - 1] ?? 0 },
        correlation: r ? { r: round(r.r), lower: round(r.lower), upper: round(r.upper), n: r.n } : null,
        byArm: (study.field?.arms ?? []).flatMap((arm) => {
          const xs = pairs.filter((x) => x.arm === arm);
          return xs.length ? [{ arm, readers: meanInterval(xs.map((x) => x.readers)), seekers: meanInterval(xs.map((x) => x.seeker)) }] : [];
        }),
      };
    }),
  };
}

export function analyzeField(study: Study, data: FieldInput, readers?: { file: string; ratings: readonly ReaderRating[] }): FieldAnalysis {
  const f = study.field;
  if (!f) throw new Error('internal: not a field study');
  const arms = f.arms;
  const outcome = f.outcome ?? (f.measures[0] as { id: string }).id;
  const replies = new Map(data.replies.map((r) => [r.post_id, r]));
  const value = new Map(data.measures.map((m) => [`${m.post_id}\u0000${m.phase}\u0000${m.item}`, m.value]));
  const get = (post: string, phase: string, item: string) => value.get(`${post}\u0000${phase}\u0000${item}`);
  const randomised = data.posts.filter((p) => p.arm !== null);
  const supporterOf = (post: string) => replies.get(post)?.supporter ?? 'model';
  const answered = randomised.filter((p) => replies.has(p.id));

  const order = [outcome, ...f.measures.map((m) => m.id).filter((m) => m !== outcome)];
  const measures = (['post', 'follow_up'] as const).flatMap((phase) =>
    order.map((measure) => {
      const rows = answered.flatMap((p) => {
        const y = get(p.id, phase, measure);
        const pre = get(p.id, 'pre', measure);
        return y === undefined || pre === undefined ? [] : [{ y, pre, arm: p.arm as string, supporter: supporterOf(p.id) }];
      });
      return { measure, phase, model: armModel(rows, arms, true) };
    }),
  ).filter((m) => m.phase === 'post' || m.model !== null);

  const ratings = study.instrument.scales.map((scale) => {
    const rows = answered.flatMap((p) => {
      const y = get(p.id, 'rating', scale.id);
      return y === undefined ? [] : [{ y, arm: p.arm as string, supporter: supporterOf(p.id) }];
    });
    return {
      scale: scale.id,
      model: armModel(rows, arms, false),
      means: arms.flatMap((arm) => {
        const ys = rows.filter((r) => r.arm === arm).map((r) => r.y);
        return ys.length ? [{ arm, ...meanInterval(ys) }] : [];
      }),
    };
  });

  const hours = (p: (typeof data.posts)[number]) => (new Date(p.answered_at as string).getTime() - new Date(p.created_at).getTime()) / 3_600_000;
  const timeToReply = arms.flatMap((arm) => {
    const m = medianOf(answered.filter((p) => p.arm === arm && p.answered_at !== null).map(hours));
    return m ? [{ arm, ...m }] : [];
  });

  const assisted = data.replies.filter((r) => r.arm === 'assisted' && r.edit_distance !== null);
  const edits = {
    n: assisted.length,
    share: medianOf(assisted.map((r) => r.edit_share as number)),
    distance: medianOf(assisted.map((r) => r.edit_distance as number)),
    unchanged: assisted.length ? share(assisted.filter((r) => r.edit_distance === 0).length, assisted.length) : null,
  };

  const screened = data.posts.filter((p) => p.status === 'screened_out');
  const rules = new Map<string, Set<string>>();
  for (const s of data.safety) {
    const key = `${s.rule}\u0000${s.kind}`;
    rules.set(key, (rules.get(key) ?? new Set()).add(s.post_id));
  }
  return {
    schema: FIELD_ANALYSIS_SCHEMA,
    study: study.name,
    arms,
    outcome,
    simulated: data.posts.length > 0 && data.posts.every((p) => p.origin === 'simulated'),
    posts: {
      total: data.posts.length,
      screenedOut: screened.length,
      flagged: data.posts.filter((p) => p.status === 'flagged').length,
      byArm: arms.map((arm) => {
        const mine = randomised.filter((p) => p.arm === arm);
        return {
          arm,
          randomised: mine.length,
          answered: mine.filter((p) => replies.has(p.id)).length,
          rated: mine.filter((p) => get(p.id, 'post', outcome) !== undefined).length,
          followedUp: mine.filter((p) => get(p.id, 'follow_up', outcome) !== undefined).length,
        };
      }),
    },
    measures,
    ratings,
    timeToReply,
    edits,
    readers: readers ? compareReaders(study, answered, (post, scale) => get(post, 'rating', scale), readers) : null,
    safety: {
      screenedOut: share(screened.length, data.posts.length),
      byRule: [...rules].map(([key, posts]) => {
        const [rule, kind] = key.split('\u0000') as [string, string];
        return { rule, kind, posts: posts.size };
      }).sort((a, b) => b.posts - a.posts || a.rule.localeCompare(b.rule) || a.kind.localeCompare(b.kind)),
      flagged: data.posts.filter((p) => p.status === 'flagged').length,
    },
  };
}

/** The models that could not be fitted (so `analyze` and `report` exit 3, as for a rating study). */
export function fieldFailures(a: FieldAnalysis): string[] {
  const models = [...a.measures.map((m) => [`${m.measure} (${m.phase})`, m.model] as const), ...a.ratings.map((r) => [`rating ${r.scale}`, r.model] as const)];
  return models.flatMap(([name, m]) => (m?.error ? [`${name}: ${m.error}`] : []));
}

/** What the post table reads (the store's rows). */
export interface FieldRowsInput {
  readonly posts: ReadonlyArray<{ id: string; origin: string; domain: string; country: string; status: string; arm: string | null; block_index: number | null; created_at: string; answered_at: string | null; rated_at: string | null; followed_up_at: string | null; word_count: number; redactions: number; text: string }>;
  readonly replies: ReadonlyArray<{ post_id: string; supporter: string | null; word_count: number; edit_distance: number | null; edit_share: number | null; draft_text: string | null; text: string }>;
  readonly measures: ReadonlyArray<{ post_id: string; phase: string; item: string; value: number }>;
}

/** One row per post, wide: arm, status, supporter, times, edit distance, and every measure by phase; free text only when asked. */
export function fieldPostRows(data: FieldRowsInput, withText: boolean): { rows: Array<Record<string, unknown>>; columns: string[] } {
  const replies = new Map(data.replies.map((r) => [r.post_id, r]));
  const measureColumns = [...new Set(data.measures.map((m) => `${m.phase}_${m.item}`))].sort();
  const byPost = new Map<string, Record<string, number>>();
  for (const m of data.measures) {
    const row = byPost.get(m.post_id) ?? {};
    row[`${m.phase}_${m.item}`] = m.value;
    byPost.set(m.post_id, row);
  }
  const rows = data.posts.map((p) => {
    const r = replies.get(p.id);
    return {
      post: p.id,
      origin: p.origin,
      domain: p.domain,
      country: p.country,
      status: p.status,
      arm: p.arm ?? '',
      block_index: p.block_index ?? '',
      supporter: r?.supporter ?? (r ? 'model' : ''),
      created_at: p.created_at,
      answered_at: p.answered_at ?? '',
      rated_at: p.rated_at ?? '',
      followed_up_at: p.followed_up_at ?? '',
      hours_to_reply: p.answered_at ? (new Date(p.answered_at).getTime() - new Date(p.created_at).getTime()) / 3_600_000 : '',
      post_words: p.word_count,
      redactions: p.redactions,
      reply_words: r?.word_count ?? '',
      edit_distance: r?.edit_distance ?? '',
      edit_share: r?.edit_share ?? '',
      ...Object.fromEntries(measureColumns.map((k) => [k, byPost.get(p.id)?.[k] ?? ''])),
      ...(withText ? { post_text: p.text, draft_text: r?.draft_text ?? '', reply_text: r?.text ?? '' } : {}),
    };
  });
  const columns = ['post', 'origin', 'domain', 'country', 'status', 'arm', 'block_index', 'supporter', 'created_at', 'answered_at', 'rated_at', 'followed_up_at', 'hours_to_reply', 'post_words', 'redactions', 'reply_words', 'edit_distance', 'edit_share', ...measureColumns, ...(withText ? ['post_text', 'draft_text', 'reply_text'] : [])];
  return { rows, columns };
}
