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

/** Responses a session still promises: those at or after its position. */
function promised(slotsJson: string, position: number): string[] {
  return (JSON.parse(slotsJson) as Array<{ kind: string; response?: string }>).slice(position).flatMap((s) => (s.kind === 'response' && s.response ? [s.response] : []));
}

/** How full each response is (see migration 005): sessions that rated it or still may. */
export async function slotCounts(db: Db, studyId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('slot_counts').select(['response_id', 'assigned']).where('study_id', '=', studyId).execute();
  return new Map(rows.map((r) => [r.response_id, Number(r.assigned)]));
}

export async function addSlots(db: Db, studyId: string, responseIds: readonly string[], delta: 1 | -1): Promise<void> {
  if (responseIds.length === 0) return;
  const counts = new Map<string, number>();
  for (const r of responseIds) counts.set(r, (counts.get(r) ?? 0) + delta);
  await db
    .insertInto('slot_counts')
    .values([...counts].map(([response_id, assigned]) => ({ study_id: studyId, response_id, assigned })))
    .onConflict((oc) => oc.columns(['study_id', 'response_id']).doUpdateSet({ assigned: (eb) => eb('slot_counts.assigned', '+', eb.ref('excluded.assigned')) }))
    .execute();
}

/**
 * Reclaims the slots of participants who timed out: their assignment becomes `expired` (what they
 * rated stays counted) and they become `timed_out`. Returns how many were reclaimed.
 */
export async function expireAssignments(db: Db, studyId: string, now: string): Promise<number> {
  const expired = await db
    .updateTable('assignments')
    .set({ status: 'expired' })
    .where('study_id', '=', studyId)
    .where('status', '=', 'active')
    .where('expires_at', '<', now)
    .returning(['participant_id', 'slots_json', 'position'])
    .execute();
  if (expired.length === 0) return 0;
  await addSlots(db, studyId, expired.flatMap((e) => promised(e.slots_json, e.position)), -1);
  await db
    .updateTable('participants')
    .set({ status: 'timed_out' })
    .where('id', 'in', expired.map((e) => e.participant_id))
    .where('status', '=', 'started')
    .execute();
  return expired.length;
}

/**
 * Ends a live assignment early (the participant left, declined or was screened out) and gives its
 * unrated slots back. `atStep`: only if the assignment is still at that step. False if it was not live.
 */
export async function releaseAssignment(db: Db, studyId: string, assignmentId: string, atStep?: number): Promise<boolean> {
  let q = db.updateTable('assignments').set({ status: 'released' }).where('id', '=', assignmentId).where('status', '=', 'active');
  if (atStep !== undefined) q = q.where('position', '=', atStep);
  const released = await q.returning(['slots_json', 'position']).executeTakeFirst();
  if (!released) return false;
  await addSlots(db, studyId, promised(released.slots_json, released.position), -1);
  return true;
}

/** Raters who rated each response in the app (any scale). */
export async function ratedByResponse(db: Db, studyId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('ratings')
    .select(['response_id', sql<string | number>`count(distinct participant_id)`.as('n')])
    .where('study_id', '=', studyId)
    .where('origin', '=', 'web')
    .groupBy('response_id')
    .execute();
  return new Map(rows.map((r) => [r.response_id, Number(r.n)]));
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
