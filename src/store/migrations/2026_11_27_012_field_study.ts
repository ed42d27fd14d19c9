import type { Kysely } from 'kysely';

/**
 * The field study (design.type: field). `field_posts` holds each seeker's post as others may see it
 * (redacted before anyone reads it), its screening, its arm and where it is; a post screened out
 * for risk keeps no arm and never reaches a supporter or a model. `field_replies` holds the reply
 * sent, with the model's draft and the edit distance in the assisted arm. `field_measures` holds
 * the seeker's answers by phase (pre, rating, post, follow_up). `field_safety` is the safety log:
 * every screening rule that fired and every supporter's flag, with when the study team saw it.
 * `field_blocks` counts the posts randomised per stratum (the domain), so the block randomisation
 * gives each post the next place in its stratum's sequence, on any number of servers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('field_posts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('seeker_hash', 'text', (c) => c.notNull().unique())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('redactions', 'integer', (c) => c.notNull())
    .addColumn('word_count', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('arm', 'text')
    .addColumn('block_index', 'integer')
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'text')
    .addColumn('draft_text', 'text')
    .addColumn('draft_json', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    .addColumn('rated_at', 'text')
    .addColumn('followed_up_at', 'text')
    .execute();
  await db.schema.createIndex('field_posts_queue').on('field_posts').columns(['study_id', 'status', 'created_at']).execute();
  await db.schema
    .createTable('field_replies')
    .addColumn('post_id', 'text', (c) => c.primaryKey().references('field_posts.id').onDelete('cascade'))
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('arm', 'text', (c) => c.notNull())
    .addColumn('supporter', 'text')
    .addColumn('draft_text', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('word_count', 'integer', (c) => c.notNull())
    .addColumn('edit_distance', 'integer')
    .addColumn('edit_share', 'real')
    .addColumn('opened_at', 'text')
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('field_measures')
    .addColumn('post_id', 'text', (c) => c.notNull().references('field_posts.id').onDelete('cascade'))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('value', 'real', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('field_measures_pk', ['post_id', 'phase', 'item'])
    .execute();
  await db.schema
    .createTable('field_safety')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('post_id', 'text', (c) => c.notNull().references('field_posts.id').onDelete('cascade'))
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text')
    .execute();
  await db.schema
    .createTable('field_blocks')
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('stratum', 'text', (c) => c.notNull())
    .addColumn('next_index', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('field_blocks_pk', ['study_id', 'stratum'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['field_blocks', 'field_safety', 'field_measures', 'field_replies', 'field_posts']) await db.schema.dropTable(t).execute();
}
