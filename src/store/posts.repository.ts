import type { Db, NewPost, PostRow } from './tables.js';
import { chunks } from './ids.js';

export async function insertPosts(db: Db, rows: readonly NewPost[]): Promise<void> {
  for (const batch of chunks(rows, 10)) await db.insertInto('posts').values(batch).execute();
}

export function listPosts(db: Db, studyId: string): Promise<PostRow[]> {
  return db.selectFrom('posts').selectAll().where('study_id', '=', studyId).orderBy('external_id').execute();
}

/** Posts of a study by their external id (the id in the corpus file). */
export async function postsByExternalId(db: Db, studyId: string): Promise<Map<string, Pick<PostRow, 'id' | 'text' | 'domain' | 'title'>>> {
  const rows = await db.selectFrom('posts').select(['id', 'external_id', 'text', 'domain', 'title']).where('study_id', '=', studyId).execute();
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
