import type { Db } from './tables.js';

/** The tidy tables of `export`: posts, responses (every variant) and participants, in stable orders. */
export async function exportTables(db: Db, studyId: string) {
  const posts = await db.selectFrom('posts').select(['external_id as post', 'domain', 'title', 'text', 'word_count']).where('study_id', '=', studyId).orderBy('external_id').execute();
  const responses = await db
    .selectFrom('responses as r')
    .innerJoin('posts as p', 'p.id', 'r.post_id')
    .select(['r.id as response', 'p.external_id as post', 'r.source', 'r.condition', 'r.sample_index as sample', 'r.variant', 'r.parent_id as parent', 'r.provider', 'r.model', 'r.word_count', 'r.text', 'r.content_hash'])
    .where('r.study_id', '=', studyId)
    .orderBy('p.external_id')
    .orderBy('r.source')
    .orderBy('r.condition')
    .orderBy('r.sample_index')
    .orderBy('r.variant')
    .execute();
  const participants = await db
    .selectFrom('participants')
    .select(['external_id as rater', 'origin', 'status', 'total_seconds', 'attributes_json as attributes'])
    .where('study_id', '=', studyId)
    .orderBy('external_id')
    .execute();
  return { posts, responses, participants };
}
