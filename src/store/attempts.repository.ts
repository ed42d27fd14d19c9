/** The record of generation: one row per call to a model, and a unit's replies stored with it. */
import { newId, nowIso } from './ids.js';
import type { Db, NewResponse } from './tables.js';

export interface CallStart {
  readonly studyId: string;
  readonly unitKey: string;
  readonly provider: string;
  readonly model: string;
  readonly worker: string;
}

/** A call about to be made: its row, status `started`, before anything is sent. */
export async function startCall(db: Db, c: CallStart): Promise<string> {
  const id = newId();
  await db
    .insertInto('generation_attempts')
    .values({ id, study_id: c.studyId, unit_key: c.unitKey, response_id: null, provider: c.provider, model: c.model, status: 'started', error: null, http_status: null, tokens_in: null, tokens_out: null, latency_ms: null, started_at: nowIso(), finished_at: null, worker: c.worker, retried: 0 })
    .execute();
  return id;
}

export async function endCall(
  db: Db,
  id: string,
  o: { status: string; retried: boolean; httpStatus?: number | undefined; error?: string | undefined; tokensIn?: number | undefined; tokensOut?: number | undefined; latencyMs?: number | undefined },
): Promise<void> {
  await db
    .updateTable('generation_attempts')
    .set({ status: o.status, retried: o.retried ? 1 : 0, http_status: o.httpStatus ?? null, error: o.error ?? null, tokens_in: o.tokensIn ?? null, tokens_out: o.tokensOut ?? null, latency_ms: o.latencyMs ?? null, finished_at: nowIso() })
    .where('id', '=', id)
    .execute();
}

/**
 * A unit's replies, the end of the call that made them, and the release of the unit's claim,
 * committed together: never half a unit, and one commit instead of three.
 */
export async function storeUnit(
  db: Db,
  rows: readonly NewResponse[],
  call: { id: string; outcome: Parameters<typeof endCall>[2] } | undefined,
  claim: { studyId: string; unitKey: string; worker: string } | undefined,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('responses').values([...rows]).onConflict((oc) => oc.columns(['post_id', 'source', 'condition', 'sample_index', 'variant']).doNothing()).execute();
    if (call) {
      await endCall(trx, call.id, call.outcome);
      await trx.updateTable('generation_attempts').set({ response_id: rows[0]?.id ?? null }).where('id', '=', call.id).execute();
    }
    if (claim) await trx.deleteFrom('generation_claims').where('study_id', '=', claim.studyId).where('unit_key', '=', claim.unitKey).where('worker', '=', claim.worker).execute();
  });
}

/** Whether a unit's reply is stored (by this worker or another). */
export async function unitStored(db: Db, postId: string, source: string, sample: number, conditions: readonly string[]): Promise<boolean> {
  const row = await db
    .selectFrom('responses')
    .select('id')
    .where('post_id', '=', postId)
    .where('source', '=', source)
    .where('sample_index', '=', sample)
    .where('variant', '=', '')
    .where('condition', 'in', conditions)
    .executeTakeFirst();
  return row !== undefined;
}
