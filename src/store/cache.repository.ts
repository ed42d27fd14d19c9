import type { Db } from './tables.js';
import { nowIso } from './ids.js';

export async function cacheGet(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('generation_cache').select('result_json').where('key', '=', key).executeTakeFirst();
  return row?.result_json;
}

export async function cachePut(db: Db, key: string, provider: string, model: string, resultJson: string): Promise<void> {
  // A redo replaces the cached reply, so later runs get the new one.
  await db
    .insertInto('generation_cache')
    .values({ key, provider, model, result_json: resultJson, created_at: nowIso() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ result_json: resultJson, created_at: nowIso() }))
    .execute();
}
