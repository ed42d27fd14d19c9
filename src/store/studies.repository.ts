import type { AppState, Db, StudyRow } from './tables.js';
import { newId, nowIso } from './ids.js';

export interface StudyRecord {
  readonly name: string;
  readonly title: string | null;
  readonly manifestJson: string;
  readonly manifestHash: string;
  readonly contentHash: string;
}

/** Creates the study row, or brings its manifest and hashes up to date. */
export async function upsertStudy(db: Db, s: StudyRecord): Promise<StudyRow> {
  const existing = await db.selectFrom('studies').selectAll().where('name', '=', s.name).executeTakeFirst();
  const now = nowIso();
  if (!existing) {
    const row: StudyRow = {
      id: newId(),
      name: s.name,
      title: s.title,
      manifest_json: s.manifestJson,
      manifest_hash: s.manifestHash,
      content_hash: s.contentHash,
      created_at: now,
      updated_at: now,
      app_secret: null,
      app_state: 'open',
    };
    await db.insertInto('studies').values(row).onConflict((oc) => oc.column('name').doNothing()).execute();
    // Another process may have created it at the same moment: read back whichever row won.
    return db.selectFrom('studies').selectAll().where('name', '=', s.name).executeTakeFirstOrThrow();
  }
  if (existing.content_hash === s.contentHash && existing.manifest_json === s.manifestJson && existing.title === s.title) return existing;
  await db
    .updateTable('studies')
    .set({ title: s.title, manifest_json: s.manifestJson, manifest_hash: s.manifestHash, content_hash: s.contentHash, updated_at: now })
    .where('id', '=', existing.id)
    .execute();
  return { ...existing, title: s.title, manifest_json: s.manifestJson, manifest_hash: s.manifestHash, content_hash: s.contentHash, updated_at: now };
}

export function findStudy(db: Db, name: string): Promise<StudyRow | undefined> {
  return db.selectFrom('studies').selectAll().where('name', '=', name).executeTakeFirst();
}

/** The study's app secret, created once by whichever serve process starts first. */
export async function appSecret(db: Db, studyId: string, fresh: string): Promise<string> {
  await db.updateTable('studies').set({ app_secret: fresh }).where('id', '=', studyId).where('app_secret', 'is', null).execute();
  const row = await db.selectFrom('studies').select('app_secret').where('id', '=', studyId).executeTakeFirstOrThrow();
  return row.app_secret as string;
}

/** Whether the rating app takes new arrivals (every serve process reads it per arrival). */
export async function appState(db: Db, studyId: string): Promise<AppState> {
  const row = await db.selectFrom('studies').select('app_state').where('id', '=', studyId).executeTakeFirstOrThrow();
  return row.app_state;
}

export async function setAppState(db: Db, studyId: string, state: AppState): Promise<void> {
  await db.updateTable('studies').set({ app_state: state }).where('id', '=', studyId).execute();
}
