import type { Db } from './tables.js';
import { newId, nowIso } from './ids.js';

export interface ImportLog {
  readonly studyId: string;
  readonly kind: string;
  readonly file: string;
  readonly fileSha256: string;
  readonly rowsRead: number;
  readonly rowsInserted: number;
}

export async function recordImport(db: Db, log: ImportLog): Promise<string> {
  const id = newId();
  await db
    .insertInto('imports')
    .values({
      id,
      study_id: log.studyId,
      kind: log.kind,
      file: log.file,
      file_sha256: log.fileSha256,
      rows_read: log.rowsRead,
      rows_inserted: log.rowsInserted,
      created_at: nowIso(),
    })
    .execute();
  return id;
}

export function listImports(db: Db, studyId: string) {
  return db.selectFrom('imports').selectAll().where('study_id', '=', studyId).orderBy('created_at').execute();
}
