/** What the researcher's dashboard reads and changes: progress, counts, downloads, sessions, block and reset. */
import { createHash } from 'node:crypto';
import { newId } from './ids.js';
import type { Db } from './tables.js';

const APP_ORIGINS = ['prolific', 'anonymous'] as const;

/** Participants of the app itself (not imported or simulated raters) by status. */
export async function appStatusCounts(db: Db, studyId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('participants')
    .select(['status', db.fn.countAll<string | number>().as('n')])
    .where('study_id', '=', studyId)
    .where('origin', 'in', APP_ORIGINS)
    .groupBy('status')
    .execute();
  return new Map(rows.map((s) => [s.status, Number(s.n)]));
}

/** Session lengths of the app's completed participants, in seconds, sorted. */
export async function completedSeconds(db: Db, studyId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('participants')
    .select('total_seconds')
    .where('study_id', '=', studyId)
    .where('origin', 'in', APP_ORIGINS)
    .where('status', '=', 'completed')
    .where('total_seconds', 'is not', null)
    .execute();
  return rows.flatMap((r) => (r.total_seconds === null ? [] : [r.total_seconds])).sort((a, b) => a - b);
}

/** Replies rated in the app per source (and condition) and domain: counts only, never values. */
export async function ratedCountsBySourceDomain(db: Db, studyId: string, scale: string) {
  const rows = await db
    .selectFrom('ratings as r')
    .innerJoin('responses as s', 's.id', 'r.response_id')
    .innerJoin('posts as p', 'p.id', 's.post_id')
    .select(['s.source as source', 's.condition as condition', 'p.domain as domain', db.fn.countAll<string | number>().as('n')])
    .where('r.study_id', '=', studyId)
    .where('r.origin', '=', 'web')
    .where('r.scale', '=', scale)
    .groupBy(['s.source', 's.condition', 'p.domain'])
    .execute();
  return rows.map((r) => ({ source: r.source, condition: r.condition, domain: r.domain, n: Number(r.n) }));
}

export function commentsForDownload(db: Db, studyId: string) {
  return db
    .selectFrom('comments as c')
    .innerJoin('participants as u', 'u.id', 'c.participant_id')
    .innerJoin('responses as s', 's.id', 'c.response_id')
    .innerJoin('posts as p', 'p.id', 's.post_id')
    .select(['u.external_id as rater', 'p.external_id as post', 'p.domain as domain', 's.id as response', 's.source as source', 's.condition as condition', 'c.text as comment', 'c.created_at as created_at'])
    .where('u.study_id', '=', studyId)
    .orderBy('u.external_id')
    .orderBy('c.created_at')
    .execute();
}

export function pageTimesForDownload(db: Db, studyId: string) {
  return db
    .selectFrom('page_views as v')
    .innerJoin('participants as u', 'u.id', 'v.participant_id')
    .select(['u.external_id as rater', 'v.step as step', 'v.page as page', 'v.response_id as response', 'v.client_ms as client_ms', 'v.server_ms as server_ms', 'v.created_at as submitted_at'])
    .where('u.study_id', '=', studyId)
    .orderBy('u.external_id')
    .orderBy('v.step')
    .execute();
}

/** The app's participants as Prolific knows them: id, session, status, the code they were shown. */
export function prolificParticipants(db: Db, studyId: string) {
  return db
    .selectFrom('participants')
    .select(['external_id as pid', 'prolific_session_id as session_id', 'status', 'completion_code as code', 'attributes_json'])
    .where('study_id', '=', studyId)
    .where('origin', '=', 'prolific')
    .orderBy('external_id')
    .execute();
}

export type PidAction = 'block' | 'reset';

/**
 * Block: the id takes no place (a live session is closed and its places given back; an id never seen
 * gets a row that refuses it). Reset: the id may start again; its unfinished session is closed, its
 * places given back, and what it rated stays recorded under the closed session (status `reset`).
 * Returns what happened, in words for the dashboard.
 */
export async function changeParticipant(db: Db, studyId: string, pid: string, action: PidAction, now: string, release: (trx: Db, assignmentId: string) => Promise<boolean>): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const person = await trx.selectFrom('participants').select(['id', 'status', 'origin']).where('study_id', '=', studyId).where('external_id', '=', pid).executeTakeFirst();
    const live = person ? await trx.selectFrom('assignments').select('id').where('participant_id', '=', person.id).where('status', '=', 'active').executeTakeFirst() : undefined;
    if (live) await release(trx, live.id);
    if (action === 'block') {
      if (!person) {
        await trx
          .insertInto('participants')
          .values({ id: newId(), study_id: studyId, external_id: pid, origin: 'prolific', status: 'blocked', prolific_study_id: null, prolific_session_id: null, attributes_json: '{}', completion_code: null, started_at: null, completed_at: null, total_seconds: null, import_id: null, created_at: now, session_token: null })
          .execute();
        return `${pid} is blocked (never seen before)`;
      }
      if (person.status === 'completed') return `${pid} has completed the study; nothing to block`;
      await trx.updateTable('participants').set({ status: 'blocked', session_token: null }).where('id', '=', person.id).execute();
      return `${pid} is blocked${live ? '; their places were given back' : ''}`;
    }
    if (!person) return `${pid} has not taken part; nothing to reset`;
    if (person.status === 'completed') return `${pid} has completed the study; a reset would collect their ratings twice, so nothing was changed`;
    if (person.origin !== 'prolific' && person.origin !== 'anonymous') return `${pid} was not a participant of the app; nothing to reset`;
    const n = await trx.selectFrom('participants').select('id').where('study_id', '=', studyId).where('external_id', 'like', `${pid}~reset%`).execute();
    await trx
      .updateTable('participants')
      .set({ external_id: `${pid}~reset${n.length + 1}`, status: 'reset', session_token: null })
      .where('id', '=', person.id)
      .execute();
    return `${pid} can start again${live ? '; their places were given back' : ''}`;
  });
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createAdminSession(db: Db, studyId: string, token: string, now: Date, hours: number): Promise<void> {
  await db.deleteFrom('admin_sessions').where('expires_at', '<', now.toISOString()).execute();
  await db
    .insertInto('admin_sessions')
    .values({ id: digest(token), study_id: studyId, created_at: now.toISOString(), expires_at: new Date(now.getTime() + hours * 3600_000).toISOString() })
    .execute();
}

export async function adminSessionValid(db: Db, studyId: string, token: string, now: Date): Promise<boolean> {
  const row = await db.selectFrom('admin_sessions').select('id').where('id', '=', digest(token)).where('study_id', '=', studyId).where('expires_at', '>', now.toISOString()).executeTakeFirst();
  return row !== undefined;
}

export async function endAdminSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('id', '=', digest(token)).execute();
}
