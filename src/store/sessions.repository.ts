/** The rating app's rows: participants by session, assignments and their steps, page times. */
import { sql } from 'kysely';
import { newId } from './ids.js';
import type { Db, ParticipantStatus } from './tables.js';

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
 * The one decoder of `assignments.slots_json`: a session's ordered steps, as the planner wrote them
 * (the server's `Step`; here only what the store reads: each step's kind and its response).
 */
export function slotsOf<T extends { readonly kind: string; readonly response?: string | undefined } = StoredStep>(slotsJson: string): T[] {
  return JSON.parse(slotsJson) as T[];
}

interface StoredStep {
  readonly kind: string;
  readonly response?: string;
  readonly left?: string;
  readonly right?: string;
}

/** Responses a session still promises: those at or after its position. */
function promised(slotsJson: string, position: number): string[] {
  return slotsOf(slotsJson).slice(position).flatMap((s) => (s.kind === 'response' && s.response ? [s.response] : []));
}

/** Ordered pairs a session still promises. */
function promisedPairs(slotsJson: string, position: number): Array<{ left: string; right: string }> {
  return slotsOf(slotsJson).slice(position).flatMap((s) => (s.kind === 'pair' && s.left && s.right ? [{ left: s.left, right: s.right }] : []));
}

/** Gives back the places (responses and pairs) that ended sessions still promised. */
async function givePlacesBack(db: Db, studyId: string, ended: ReadonlyArray<{ slots_json: string; position: number; panel: string }>): Promise<void> {
  for (const panel of new Set(ended.map((e) => e.panel))) {
    const mine = ended.filter((e) => e.panel === panel);
    await addSlots(db, studyId, panel, mine.flatMap((e) => promised(e.slots_json, e.position)), -1);
    await addPairs(db, studyId, panel, mine.flatMap((e) => promisedPairs(e.slots_json, e.position)), -1);
  }
}

/** How often each ordered pair (`left>right`) has been shown in a panel, done or promised (migration 011). */
export async function pairCounts(db: Db, studyId: string, panel = ''): Promise<Map<string, number>> {
  const rows = await db.selectFrom('pair_slot_counts').select(['left_id', 'right_id', 'assigned']).where('study_id', '=', studyId).where('panel', '=', panel).execute();
  return new Map(rows.map((r) => [`${r.left_id}>${r.right_id}`, Number(r.assigned)]));
}

export async function addPairs(db: Db, studyId: string, panel: string, pairs: ReadonlyArray<{ left: string; right: string }>, delta: 1 | -1): Promise<void> {
  if (pairs.length === 0) return;
  const counts = new Map<string, { left: string; right: string; n: number }>();
  for (const p of pairs) {
    const key = `${p.left}>${p.right}`;
    const c = counts.get(key) ?? counts.set(key, { ...p, n: 0 }).get(key);
    if (c) c.n += delta;
  }
  await db
    .insertInto('pair_slot_counts')
    .values([...counts.values()].map((c) => ({ study_id: studyId, panel, left_id: c.left, right_id: c.right, assigned: c.n })))
    .onConflict((oc) => oc.columns(['study_id', 'panel', 'left_id', 'right_id']).doUpdateSet({ assigned: (eb) => eb('pair_slot_counts.assigned', '+', eb.ref('excluded.assigned')) }))
    .execute();
}

/** How full each response is in a panel (see migrations 005 and 009): its sessions that rated it or still may. */
export async function slotCounts(db: Db, studyId: string, panel = ''): Promise<Map<string, number>> {
  const rows = await db.selectFrom('panel_slot_counts').select(['response_id', 'assigned']).where('study_id', '=', studyId).where('panel', '=', panel).execute();
  return new Map(rows.map((r) => [r.response_id, Number(r.assigned)]));
}

export async function addSlots(db: Db, studyId: string, panel: string, responseIds: readonly string[], delta: 1 | -1): Promise<void> {
  if (responseIds.length === 0) return;
  const counts = new Map<string, number>();
  for (const r of responseIds) counts.set(r, (counts.get(r) ?? 0) + delta);
  await db
    .insertInto('panel_slot_counts')
    .values([...counts].map(([response_id, assigned]) => ({ study_id: studyId, panel, response_id, assigned })))
    .onConflict((oc) => oc.columns(['study_id', 'panel', 'response_id']).doUpdateSet({ assigned: (eb) => eb('panel_slot_counts.assigned', '+', eb.ref('excluded.assigned')) }))
    .execute();
}

/**
 * Reclaims the slots of participants who timed out or went idle (their deadline passed): their
 * assignment becomes `expired` (what they rated stays counted) and they become `timed_out`. Returns
 * how many were reclaimed.
 */
export async function expireAssignments(db: Db, studyId: string, now: string): Promise<number> {
  const expired = await db
    .updateTable('assignments')
    .set({ status: 'expired' })
    .where('study_id', '=', studyId)
    .where('status', '=', 'active')
    .where('deadline', '<', now)
    .returning(['participant_id', 'slots_json', 'position', 'panel'])
    .execute();
  if (expired.length === 0) return 0;
  await givePlacesBack(db, studyId, expired);
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
  const released = await q.returning(['slots_json', 'position', 'panel']).executeTakeFirst();
  if (!released) return false;
  await givePlacesBack(db, studyId, [released]);
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
export async function advanceStep(db: Db, assignmentId: string, step: number, now: string, finished: boolean, deadline: string): Promise<boolean> {
  const r = await db
    .updateTable('assignments')
    .set({ position: step + 1, step_started_at: now, deadline, ...(finished ? { status: 'completed' } : {}) })
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

export interface NewSession {
  readonly studyId: string;
  readonly externalId: string;
  readonly origin: 'prolific' | 'anonymous';
  readonly prolificStudyId: string | null;
  readonly prolificSessionId: string | null;
  readonly token: string;
  readonly stepsJson: string;
  readonly now: string;
  readonly expiresAt: string;
  /** The participant's panel ('' for the study's one pool). */
  readonly panel: string;
}

/** A new participant of the rating app and their session (which holds no place until consent). */
export async function createSession(db: Db, s: NewSession): Promise<string> {
  const participantId = newId();
  await db
    .insertInto('participants')
    .values({
      id: participantId,
      study_id: s.studyId,
      external_id: s.externalId,
      origin: s.origin,
      status: 'started',
      prolific_study_id: s.prolificStudyId,
      prolific_session_id: s.prolificSessionId,
      attributes_json: '{}',
      completion_code: null,
      started_at: s.now,
      completed_at: null,
      total_seconds: null,
      import_id: null,
      created_at: s.now,
      session_token: s.token,
      panel: s.panel,
    })
    .execute();
  await db
    .insertInto('assignments')
    .values({ id: newId(), study_id: s.studyId, participant_id: participantId, slots_json: s.stepsJson, status: 'active', created_at: s.now, expires_at: s.expiresAt, deadline: s.expiresAt, step_started_at: s.now, panel: s.panel })
    .execute();
  return participantId;
}

/** Consent given: the session's steps, its time limit, and the move past consent (only from step 0). */
export async function startAssignment(db: Db, assignmentId: string, stepsJson: string, expiresAt: string, deadline: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('assignments')
    .set({ slots_json: stepsJson, expires_at: expiresAt, deadline, position: 1, step_started_at: now })
    .where('id', '=', assignmentId)
    .where('position', '=', 0)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A session that expired before consent (it held nothing) opens again for another consent window. */
export async function renewConsentWindow(db: Db, assignmentId: string, participantId: string, expiresAt: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('assignments').set({ status: 'active', expires_at: expiresAt, deadline: expiresAt }).where('id', '=', assignmentId).where('status', '=', 'expired').where('position', '=', 0).execute();
    await trx.updateTable('participants').set({ status: 'started' }).where('id', '=', participantId).where('status', '=', 'timed_out').execute();
  });
}

export function setAttributes(db: Db, participantId: string, attributes: Record<string, unknown>): Promise<unknown> {
  return db.updateTable('participants').set({ attributes_json: JSON.stringify(attributes) }).where('id', '=', participantId).execute();
}

/** A participant's session ends: their status, the Prolific code they were shown, and when. */
export async function endParticipant(
  db: Db,
  participantId: string,
  end: { status: ParticipantStatus; code: string | null; attributes?: Record<string, unknown>; completedAt?: string; totalSeconds?: number; onlyIfStarted?: boolean },
): Promise<void> {
  let q = db
    .updateTable('participants')
    .set({
      status: end.status,
      completion_code: end.code,
      ...(end.attributes ? { attributes_json: JSON.stringify(end.attributes) } : {}),
      ...(end.completedAt ? { completed_at: end.completedAt } : {}),
      ...(end.totalSeconds !== undefined ? { total_seconds: end.totalSeconds } : {}),
    })
    .where('id', '=', participantId);
  if (end.onlyIfStarted) q = q.where('status', '=', 'started');
  await q.execute();
}

export interface PageView {
  readonly participantId: string;
  readonly step: number;
  readonly page: string;
  readonly responseId: string | null;
  readonly clientMs: number | null;
  readonly serverMs: number | null;
  readonly key: string;
  readonly now: string;
}

/** What one page's submission writes, after it advanced the session: the page view and its answers. */
export async function recordAnswers(
  db: Db,
  view: PageView,
  a: {
    studyId: string;
    contentHash: string;
    ratings: ReadonlyArray<{ scale: string; value: number; rtMs: number | null; key: string }>;
    /** A pairwise choice (a pair step). */
    choice?: { post: string; scale: string; left: string; right: string; value: number; rtMs: number | null; key: string } | null;
    comment: string | null;
    attention: { checkId: string; expected: string; answer: string } | null;
    attributes: Record<string, unknown> | null;
  },
): Promise<void> {
  await db
    .insertInto('page_views')
    .values({ id: newId(), participant_id: view.participantId, step: view.step, page: view.page, response_id: view.responseId, client_ms: view.clientMs, server_ms: view.serverMs, created_at: view.now, idempotency_key: view.key })
    .execute();
  if (a.ratings.length > 0)
    await db
      .insertInto('ratings')
      .values(
        a.ratings.map((r) => ({
          id: newId(),
          study_id: a.studyId,
          participant_id: view.participantId,
          response_id: view.responseId as string,
          scale: r.scale,
          value: r.value,
          rt_ms: r.rtMs,
          idempotency_key: r.key,
          origin: 'web' as const,
          content_hash: a.contentHash,
          import_id: null,
          created_at: view.now,
        })),
      )
      .execute();
  if (a.choice)
    await db
      .insertInto('choices')
      .values({
        id: newId(),
        study_id: a.studyId,
        participant_id: view.participantId,
        post_id: a.choice.post,
        scale: a.choice.scale,
        left_id: a.choice.left,
        right_id: a.choice.right,
        value: a.choice.value,
        rt_ms: a.choice.rtMs,
        idempotency_key: a.choice.key,
        origin: 'web',
        content_hash: a.contentHash,
        import_id: null,
        created_at: view.now,
      })
      .execute();
  if (a.comment !== null) await db.insertInto('comments').values({ id: newId(), participant_id: view.participantId, response_id: view.responseId as string, text: a.comment, created_at: view.now }).execute();
  if (a.attention)
    await db
      .insertInto('attention_results')
      .values({ id: newId(), participant_id: view.participantId, check_id: a.attention.checkId, expected: a.attention.expected, answer: a.attention.answer, passed: a.attention.answer === a.attention.expected ? 1 : 0, created_at: view.now })
      .execute();
  if (a.attributes) await setAttributes(db, view.participantId, a.attributes);
}

/** Whether this submission (its idempotency key) was recorded: a double click, not a stale tab. */
export async function pageViewWithKey(db: Db, participantId: string, key: string): Promise<boolean> {
  const row = await db.selectFrom('page_views').select('id').where('participant_id', '=', participantId).where('idempotency_key', '=', key).executeTakeFirst();
  return row !== undefined;
}
