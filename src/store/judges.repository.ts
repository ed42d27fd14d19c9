/** Judges' scores: every sample with its provenance, and each reply's reduced score per item. */
import { newId, nowIso } from './ids.js';
import type { Db, JudgeSamplesTable } from './tables.js';
import type { Insertable } from 'kysely';

export type NewJudgeSample = Insertable<JudgeSamplesTable>;

/** The samples a judge has already given (`response \0 sample`), ok or failed. */
export async function judgeSamplesDone(db: Db, studyId: string, judge: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('judge_samples').select(['response_id', 'sample_index', 'status']).where('study_id', '=', studyId).where('judge', '=', judge).execute();
  return new Map(rows.map((r) => [`${r.response_id}\u0000${r.sample_index}`, r.status]));
}

/** Whether a judge's sample of a reply is stored and usable (another worker may have made it meanwhile). */
export async function judgeSampleStored(db: Db, judge: string, responseId: string, sample: number): Promise<boolean> {
  const row = await db.selectFrom('judge_samples').select('id').where('judge', '=', judge).where('response_id', '=', responseId).where('sample_index', '=', sample).where('status', '=', 'ok').executeTakeFirst();
  return row !== undefined;
}

/**
 * A sample, replacing a failed one of the same reply and sample (a rerun tries failed samples
 * again). When another process stored this sample meanwhile, theirs is kept and this one dropped.
 */
export async function storeJudgeSample(db: Db, row: NewJudgeSample): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('judge_samples').where('response_id', '=', row.response_id).where('judge', '=', row.judge).where('sample_index', '=', row.sample_index).where('status', '=', 'failed').execute();
    await trx.insertInto('judge_samples').values(row).onConflict((oc) => oc.columns(['response_id', 'judge', 'sample_index']).doNothing()).execute();
  });
}

/** Replaces every sample of a judge in one transaction (the lexicon baseline, scored in full each time). */
export async function replaceJudgeSamples(db: Db, studyId: string, judge: string, rows: readonly NewJudgeSample[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('judge_samples').where('study_id', '=', studyId).where('judge', '=', judge).execute();
    for (let i = 0; i < rows.length; i += 50) await trx.insertInto('judge_samples').values(rows.slice(i, i + 50)).execute();
  });
}

/** A judge's usable samples: each reply's scores per sample. */
export async function judgeSamplesOk(db: Db, studyId: string, judge?: string) {
  let q = db.selectFrom('judge_samples').select(['judge', 'response_id as response', 'sample_index as sample', 'scores_json']).where('study_id', '=', studyId).where('status', '=', 'ok');
  if (judge) q = q.where('judge', '=', judge);
  return q.orderBy('judge').orderBy('response_id').orderBy('sample_index').execute();
}


/** Replaces a judge's reduced scores (one per reply and item) in one transaction. */
export async function replaceJudgeScores(db: Db, studyId: string, judge: string, scores: ReadonlyArray<{ response: string; scale: string; value: number }>): Promise<void> {
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('judge_scores').where('study_id', '=', studyId).where('judge', '=', judge).execute();
    for (let i = 0; i < scores.length; i += 100)
      await trx
        .insertInto('judge_scores')
        .values(scores.slice(i, i + 100).map((s) => ({ id: newId(), study_id: studyId, response_id: s.response, judge, scale: s.scale, value: s.value, created_at: now })))
        .execute();
  });
}
