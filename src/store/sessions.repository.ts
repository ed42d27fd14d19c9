/** The rating app's rows: participants by session, assignments and their steps, page times. */
import { sql } from 'kysely';
import type { Db } from './tables.js';

export function participantByToken(db: Db, studyId: string, token: string) {
  return db.selectFrom('participants').selectAll().where('study_id', '=', studyId).where('session_token', '=', token).executeTakeFirst();
}

export function participantByExternalId(db: Db, studyId: string, externalId: string) {
  return db.selectFrom('participants').selectAll().where('study_id', '=', studyId).where('external_id', '=', externalId).executeTakeFirst();
}

/** The participant's assignment (one per participant in the rating app). */
export function assignmentOf(db: Db, participantId: string) {
  return db.selectFrom('assignments').selectAll().where('participant_id', '=', participantId).orderBy('created_at', 'desc').executeTakeFirst();
}

/**
 * Reclaims the slots of participants who timed out: their assignment becomes `expired` (what they
 * rated stays) and they become `timed_out`. Returns how many were reclaimed.
 */
export async function expireAssignments(db: Db, studyId: string, now: string): Promise<number> {
  const expired = await db
    .updateTable('assignments')
    .set({ status: 'expired' })
    .where('study_id', '=', studyId)
    .where('status', '=', 'active')
    .where('expires_at', '<', now)
    .returning('participant_id')
    .execute();
  if (expired.length === 0) return 0;
  await db
    .updateTable('participants')
    .set({ status: 'timed_out' })
    .where('id', 'in', expired.map((e) => e.participant_id))
    .where('status', '=', 'started')
    .execute();
  return expired.length;
}

/**
 * How full each response is, as one statement (one snapshot): raters who rated it in the app, and
 * the live assignments with their positions. Two separate queries could straddle a participant's
 * submission (a reply moving from promised to rated) and count it in neither.
 */
export async function fillSnapshot(db: Db, studyId: string): Promise<{ rated: Map<string, number>; active: Array<{ slots_json: string; position: number }> }> {
  const rows = await sql<{ response_id: string | null; n: string | number | null; slots_json: string | null; position: number | null }>`
    select response_id, count(distinct participant_id) as n, null as slots_json, null as position
      from ratings where study_id = ${studyId} and origin = 'web' group by response_id
    union all
    select null, null, slots_json, position
      from assignments where study_id = ${studyId} and status = 'active'`.execute(db);
  const rated = new Map<string, number>();
  const active: Array<{ slots_json: string; position: number }> = [];
  for (const r of rows.rows) {
    if (r.response_id !== null) rated.set(r.response_id, Number(r.n));
    else active.push({ slots_json: r.slots_json as string, position: Number(r.position) });
  }
  return { rated, active };
}

/** Raters who rated each response in the app (any scale). */
export async function ratedByResponse(db: Db, studyId: string): Promise<Map<string, number>> {
  return (await fillSnapshot(db, studyId)).rated;
}

/**
 * Moves an assignment from `step` to the next step, only if it is still at `step`: of two
 * submissions of the same page (a double click, a retry, the back button) exactly one advances.
 */
export async function advanceStep(db: Db, assignmentId: string, step: number, now: string, finished: boolean): Promise<boolean> {
  const r = await db
    .updateTable('assignments')
    .set({ position: step + 1, step_started_at: now, ...(finished ? { status: 'completed' } : {}) })
    .where('id', '=', assignmentId)
    .where('position', '=', step)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A participant's attributes (written only by empathy-lab, always a JSON object). */
export function attributesOf(json: string): Record<string, unknown> {
  return JSON.parse(json) as Record<string, unknown>;
}
