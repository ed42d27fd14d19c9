import { sql } from 'kysely';
import type { Db } from './tables.js';

/** The cheapest statement: does the database answer? */
export async function selectOne(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Postgres: serialises writers of one study's counters for the rest of the transaction. */
export async function lockStudyTransaction(trx: Db, studyId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`empathy-lab:${studyId}`}))`.execute(trx);
}
