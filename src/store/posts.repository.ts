import type { Db, NewPost, PostRow } from './tables.js';
import { chunks } from './ids.js';

export async function insertPosts(db: Db, rows: readonly NewPost[]): Promise<void> {
  for (const batch of chunks(rows, 10)) await db.insertInto('posts').values(batch).execute();
}

export function listPosts(db: Db, studyId: string): Promise<PostRow[]> {
  return db.selectFrom('posts').selectAll().where('study_id', '=', studyId).orderBy('external_id').execute();
}

/** Posts of a study by their external id (the id in the corpus file). */
/** The study's posts by their id in the data, with the file each was imported from (null: made by a ratings import or by hand). */
export async function postsByExternalId(db: Db, studyId: string): Promise<Map<string, Pick<PostRow, 'id' | 'text' | 'domain' | 'title'> & { source?: string | null }>> {
  const rows = await db
    .selectFrom('posts as p')
    .leftJoin('imports as i', 'i.id', 'p.import_id')
    .select(['p.id as id', 'p.external_id as external_id', 'p.text as text', 'p.domain as domain', 'p.title as title', 'i.file as source'])
    .where('p.study_id', '=', studyId)
    .execute();
  return new Map(rows.map((r) => [r.external_id, r]));
}

export async function countPostsByDomain(db: Db, studyId: string): Promise<Array<{ domain: string; posts: number }>> {
  const rows = await db
    .selectFrom('posts')
    .select(['domain', db.fn.countAll<string | number>().as('n')])
    .where('study_id', '=', studyId)
    .groupBy('domain')
    .orderBy('domain')
    .execute();
  return rows.map((r) => ({ domain: r.domain, posts: Number(r.n) }));
}

/** Posts with text (placeholders of imported ratings left out), in id order. */
export function contentPosts(db: Db, studyId: string) {
  return db.selectFrom('posts').select(['id', 'external_id', 'domain', 'title', 'text']).where('study_id', '=', studyId).where('text', '!=', '').orderBy('external_id').execute();
}
