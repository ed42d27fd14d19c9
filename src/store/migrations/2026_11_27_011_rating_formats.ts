import type { Kysely } from 'kysely';

/**
 * Rating formats. A pairwise choice compares two replies to one post, so it is not a rating of one
 * reply: `choices` holds each, with the pair in the order shown (`left_id` first: left on a
 * desktop, on top on a phone) and the preference on a symmetric scale (-1 left, 1 right; with
 * strength -2 clearly left .. 2 clearly right). `pair_slot_counts` counts how often each ordered
 * pair is shown (done or promised by a live session), per panel, so that both orders of every pair
 * are shown equally often. Sliders and multi-item answers are ratings (a multi-item answer's scale
 * is `SCALE.ITEM`), so `ratings` is unchanged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('choices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
    .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('scale', 'text', (c) => c.notNull())
    .addColumn('left_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('right_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('value', 'integer', (c) => c.notNull())
    .addColumn('rt_ms', 'integer')
    .addColumn('idempotency_key', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('choices_once', ['participant_id', 'left_id', 'right_id', 'scale'])
    .execute();
  await db.schema.createIndex('choices_study').on('choices').columns(['study_id', 'post_id']).execute();
  await db.schema
    .createTable('pair_slot_counts')
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('panel', 'text', (c) => c.notNull())
    .addColumn('left_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('right_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('assigned', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('pair_slot_counts_pk', ['study_id', 'panel', 'left_id', 'right_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pair_slot_counts').execute();
  await db.schema.dropTable('choices').execute();
}
