import type { Insertable } from 'kysely';
import type { AttentionResultsTable, Db, NewParticipant, ParticipantRow } from './tables.js';
import { chunks } from './ids.js';

export async function insertParticipants(db: Db, rows: readonly NewParticipant[]): Promise<void> {
  for (const batch of chunks(rows, 15)) await db.insertInto('participants').values(batch).execute();
}

export async function participantsByExternalId(db: Db, studyId: string): Promise<Map<string, Pick<ParticipantRow, 'id' | 'attributes_json' | 'panel'>>> {
  const rows = await db.selectFrom('participants').select(['id', 'external_id', 'attributes_json', 'panel']).where('study_id', '=', studyId).execute();
  return new Map(rows.map((r) => [r.external_id, r]));
}

export async function countParticipantsByStatus(db: Db, studyId: string): Promise<Array<{ status: string; participants: number }>> {
  const rows = await db
    .selectFrom('participants')
    .select(['status', db.fn.countAll<string | number>().as('n')])
    .where('study_id', '=', studyId)
    .groupBy('status')
    .orderBy('status')
    .execute();
  return rows.map((r) => ({ status: r.status, participants: Number(r.n) }));
}

/** Replaces the attributes of participants (by row id), e.g. with a demographics file merged in. */
export async function setParticipantAttributes(db: Db, rows: ReadonlyArray<{ id: string; attributesJson: string }>): Promise<void> {
  for (const r of rows) await db.updateTable('participants').set({ attributes_json: r.attributesJson }).where('id', '=', r.id).execute();
}

/** Attention-check answers recorded elsewhere than the app (a simulated panel), in batches. */
export async function insertAttentionResults(db: Db, rows: ReadonlyArray<Insertable<AttentionResultsTable>>): Promise<void> {
  for (const batch of chunks(rows, 1000)) await db.insertInto('attention_results').values([...batch]).execute();
}
