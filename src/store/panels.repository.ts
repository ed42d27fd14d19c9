import type { Db } from './tables.js';

/** Keeps a simulated panel's settings (one panel per study) with its raters. */
export async function recordSimulatedPanel(db: Db, studyId: string, settings: unknown, createdAt: string): Promise<void> {
  await db.insertInto('simulated_panels').values({ study_id: studyId, settings_json: JSON.stringify(settings), created_at: createdAt }).execute();
}

/** The settings of the study's simulated panel as recorded (parsed JSON), or null when it has none. */
export async function simulatedPanelSettings(db: Db, studyId: string): Promise<unknown> {
  const row = await db.selectFrom('simulated_panels').select('settings_json').where('study_id', '=', studyId).executeTakeFirst();
  return row ? (JSON.parse(row.settings_json) as unknown) : null;
}

/** Whether the study already has simulated raters (a study takes one panel). */
export async function hasSimulatedPanel(db: Db, studyId: string): Promise<boolean> {
  return (await db.selectFrom('participants').select('id').where('study_id', '=', studyId).where('origin', '=', 'simulated').executeTakeFirst()) !== undefined;
}
