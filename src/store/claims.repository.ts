/**
 * Claiming a unit of generation work. One atomic statement: insert the claim, or take it over if
 * the holder's lease has run out; the worker owns the unit only if the row comes back with its id.
 * The same statement runs on SQLite and Postgres (INSERT ... ON CONFLICT DO UPDATE ... WHERE ...
 * RETURNING), so workers on several machines sharing one Postgres database never pay for a unit
 * twice, and a worker killed mid-run leaves claims that expire after their lease.
 */
import type { Db } from './tables.js';

export async function claimUnit(db: Db, studyId: string, unitKey: string, worker: string, now: Date, leaseMs: number): Promise<boolean> {
  const expires = new Date(now.getTime() + leaseMs).toISOString();
  const row = await db
    .insertInto('generation_claims')
    .values({ study_id: studyId, unit_key: unitKey, worker, expires_at: expires })
    .onConflict((oc) =>
      oc
        .columns(['study_id', 'unit_key'])
        .doUpdateSet({ worker, expires_at: expires })
        .where('generation_claims.expires_at', '<', now.toISOString()),
    )
    .returning('worker')
    .executeTakeFirst();
  return row?.worker === worker;
}

export async function releaseUnit(db: Db, studyId: string, unitKey: string, worker: string): Promise<void> {
  await db.deleteFrom('generation_claims').where('study_id', '=', studyId).where('unit_key', '=', unitKey).where('worker', '=', worker).execute();
}

/** The heartbeat: every claim this worker holds is extended (while its calls are in flight). */
export async function renewClaims(db: Db, studyId: string, worker: string, now: Date, leaseMs: number): Promise<void> {
  await db.updateTable('generation_claims').set({ expires_at: new Date(now.getTime() + leaseMs).toISOString() }).where('study_id', '=', studyId).where('worker', '=', worker).execute();
}

/** Who holds a unit's claim, if anyone. */
export async function claimHolder(db: Db, studyId: string, unitKey: string): Promise<string | undefined> {
  const row = await db.selectFrom('generation_claims').select('worker').where('study_id', '=', studyId).where('unit_key', '=', unitKey).executeTakeFirst();
  return row?.worker;
}

/** Takes a claim over from a worker known to be dead; false if someone else moved first. */
export async function takeOverClaim(db: Db, studyId: string, unitKey: string, from: string, worker: string, now: Date, leaseMs: number): Promise<boolean> {
  const r = await db
    .updateTable('generation_claims')
    .set({ worker, expires_at: new Date(now.getTime() + leaseMs).toISOString() })
    .where('study_id', '=', studyId)
    .where('unit_key', '=', unitKey)
    .where('worker', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Releases every claim of this worker (an interrupted run leaves none behind). */
export async function releaseAllClaims(db: Db, studyId: string, worker: string): Promise<void> {
  await db.deleteFrom('generation_claims').where('study_id', '=', studyId).where('worker', '=', worker).execute();
}

/** The workers holding claims on the study. */
export async function claimWorkers(db: Db, studyId: string): Promise<string[]> {
  const rows = await db.selectFrom('generation_claims').select('worker').distinct().where('study_id', '=', studyId).execute();
  return rows.map((r) => r.worker);
}
