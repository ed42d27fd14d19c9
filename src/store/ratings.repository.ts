import { chunks, newId } from './ids.js';
import type { Db, NewChoice, NewRating } from './tables.js';

export const ratingKey = (participantId: string, responseId: string, scale: string): string =>
  `${participantId}\u0000${responseId}\u0000${scale}`;

export async function insertRatings(db: Db, rows: readonly NewRating[]): Promise<void> {
  for (const batch of chunks(rows, 12)) await db.insertInto('ratings').values(batch).execute();
}

export async function insertChoices(db: Db, rows: readonly NewChoice[]): Promise<void> {
  for (const batch of chunks(rows, 12)) await db.insertInto('choices').values(batch).execute();
}

/** Every rating of a study by its natural key, with its value (for idempotent re-imports). */
export async function ratingValuesByKey(db: Db, studyId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('ratings').select(['participant_id', 'response_id', 'scale', 'value']).where('study_id', '=', studyId).execute();
  return new Map(rows.map((r) => [ratingKey(r.participant_id, r.response_id, r.scale), r.value]));
}

export async function countRatingsByScale(db: Db, studyId: string): Promise<Array<{ scale: string; ratings: number }>> {
  const rows = await db
    .selectFrom('ratings')
    .select(['scale', db.fn.countAll<string | number>().as('n')])
    .where('study_id', '=', studyId)
    .groupBy('scale')
    .orderBy('scale')
    .execute();
  return rows.map((r) => ({ scale: r.scale, ratings: Number(r.n) }));
}

/** A study's ratings joined to their response (s), post (p) and rater (u). */
function ratingsJoined(db: Db, studyId: string) {
  return db
    .selectFrom('ratings as r')
    .innerJoin('responses as s', 's.id', 'r.response_id')
    .innerJoin('posts as p', 'p.id', 's.post_id')
    .innerJoin('participants as u', 'u.id', 'r.participant_id')
    .where('r.study_id', '=', studyId);
}

/** Long-format ratings joined to their post and response, in a stable order (for analysis and export). */
export function ratingsLong(db: Db, studyId: string) {
  return ratingsJoined(db, studyId)
    .select([
      'u.external_id as rater',
      'p.external_id as post',
      'p.domain as domain',
      's.source as source',
      's.condition as condition',
      'r.scale as scale',
      'r.value as value',
      'r.origin as origin',
    ])
    .orderBy('u.external_id')
    .orderBy('p.external_id')
    .orderBy('s.source')
    .orderBy('s.condition')
    .orderBy('r.scale')
    .execute();
}

/** Mean rating per response and scale (every rating counted; exclusions come with the analysis). */
export async function meanRatingsByResponse(db: Db, studyId: string): Promise<Map<string, Map<string, number>>> {
  const rows = await db
    .selectFrom('ratings')
    .select(['response_id', 'scale', db.fn.avg<number | string>('value').as('mean')])
    .where('study_id', '=', studyId)
    .groupBy(['response_id', 'scale'])
    .execute();
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const byScale = out.get(r.scale) ?? new Map<string, number>();
    byScale.set(r.response_id, Number(r.mean));
    out.set(r.scale, byScale);
  }
  return out;
}

/** Every rating with its rater, post, domain, source and response, for the analysis. */
export function ratingsForAnalysis(db: Db, studyId: string) {
  return ratingsJoined(db, studyId)
    .select(['u.external_id as rater', 'u.panel as panel', 'p.external_id as post', 'p.domain as domain', 's.source as source', 's.condition as condition', 's.id as response', 'r.scale as scale', 'r.value as value'])
    .orderBy('u.external_id')
    .orderBy('s.id')
    .orderBy('r.scale')
    .execute();
}

/** Every pairwise choice of a study, with the sources of the two replies in the order shown (for the analysis, the export and the researcher's download). */
export function choicesForAnalysis(db: Db, studyId: string) {
  return db
    .selectFrom('choices as c')
    .innerJoin('participants as u', 'u.id', 'c.participant_id')
    .innerJoin('posts as p', 'p.id', 'c.post_id')
    .innerJoin('responses as l', 'l.id', 'c.left_id')
    .innerJoin('responses as r', 'r.id', 'c.right_id')
    .select([
      'u.external_id as rater',
      'u.panel as panel',
      'p.external_id as post',
      'p.domain as domain',
      'c.scale as scale',
      'l.id as left',
      'l.source as leftSource',
      'l.condition as leftCondition',
      'r.id as right',
      'r.source as rightSource',
      'r.condition as rightCondition',
      'c.value as value',
      'c.rt_ms as rt_ms',
      'c.origin as origin',
      'c.created_at as chosen_at',
    ])
    .where('c.study_id', '=', studyId)
    .orderBy('u.external_id')
    .orderBy('c.left_id')
    .orderBy('c.right_id')
    .execute();
}

/** Participants with their total time and failed attention checks, for the exclusion rules. */
export async function ratersForAnalysis(db: Db, studyId: string): Promise<Array<{ rater: string; totalSeconds: number | null; attentionFailures: number; attentionChecks: number; finished: boolean }>> {
  const people = await db.selectFrom('participants').select(['id', 'external_id', 'total_seconds', 'status']).where('study_id', '=', studyId).orderBy('external_id').execute();
  const results = await db
    .selectFrom('attention_results as a')
    .innerJoin('participants as u', 'u.id', 'a.participant_id')
    .select(['u.id as id', 'a.passed as passed'])
    .where('u.study_id', '=', studyId)
    .execute();
  const failed = new Map<string, number>();
  const answered = new Map<string, number>();
  for (const r of results) {
    answered.set(r.id, (answered.get(r.id) ?? 0) + 1);
    if (!r.passed) failed.set(r.id, (failed.get(r.id) ?? 0) + 1);
  }
  const unfinished = new Set(['started', 'returned', 'timed_out', 'screened_out', 'blocked', 'reset']);
  return people.map((p) => ({ rater: p.external_id, totalSeconds: p.total_seconds, attentionFailures: failed.get(p.id) ?? 0, attentionChecks: answered.get(p.id) ?? 0, finished: !unfinished.has(p.status) }));
}

/** The analysis's exclusions, recorded with their reasons (the previous record of the study replaced). */
export async function recordExclusions(db: Db, studyId: string, exclusions: ReadonlyArray<{ rule: string; raters: readonly string[]; reasons: readonly string[] }>, now: string): Promise<void> {
  const ids = new Map((await db.selectFrom('participants').select(['id', 'external_id']).where('study_id', '=', studyId).execute()).map((p) => [p.external_id, p.id]));
  const rows = exclusions.flatMap((e) => e.raters.map((r, i) => ({ id: newId(), study_id: studyId, participant_id: ids.get(r) as string, rule: e.rule, reason: e.reasons[i] ?? e.rule, created_at: now })));
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('exclusions').where('study_id', '=', studyId).execute();
    for (const batch of chunks(rows, 6)) await trx.insertInto('exclusions').values(batch).execute();
  });
}

/** Scores of automatic judges per response and scale (empty when no judge has run). */
export function judgeScoresForAnalysis(db: Db, studyId: string) {
  return db
    .selectFrom('judge_scores')
    .select(['response_id as response', 'judge', 'scale', 'value'])
    .where('study_id', '=', studyId)
    .orderBy('judge')
    .orderBy('response_id')
    .orderBy('scale')
    .execute();
}

/** One row per rating with its rater's attributes and timing, for the admin's downloads. */
export function ratingsForDownload(db: Db, studyId: string) {
  return ratingsJoined(db, studyId)
    .select([
      'u.external_id as rater',
      'u.origin as rater_origin',
      'u.status as rater_status',
      'u.attributes_json as attributes_json',
      'u.prolific_study_id as prolific_study_id',
      'u.prolific_session_id as prolific_session_id',
      'u.started_at as started_at',
      'u.completed_at as completed_at',
      'u.total_seconds as total_seconds',
      'p.external_id as post',
      'p.domain as domain',
      's.id as response',
      's.source as source',
      's.condition as condition',
      'r.scale as scale',
      'r.value as value',
      'r.rt_ms as rt_ms',
      'r.origin as origin',
      'r.created_at as rated_at',
    ])
    .orderBy('u.external_id')
    .orderBy('r.created_at')
    .orderBy('s.id')
    .orderBy('r.scale')
    .execute();
}

/** Ratings per rated response and scale (for the fewest, median and most a reply received). */
export async function ratingsPerResponse(db: Db, studyId: string): Promise<number[]> {
  const rows = await db.selectFrom('ratings').select(['response_id', 'scale', db.fn.countAll<string | number>().as('n')]).where('study_id', '=', studyId).groupBy(['response_id', 'scale']).execute();
  return rows.map((r) => Number(r.n));
}

/** Ratings by origin: `app`, `imported`, `simulated`. */
export async function countRatingsByOrigin(db: Db, studyId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('ratings').select(['origin', db.fn.countAll<string | number>().as('n')]).where('study_id', '=', studyId).groupBy('origin').execute();
  return new Map(rows.map((r) => [r.origin, Number(r.n)]));
}
