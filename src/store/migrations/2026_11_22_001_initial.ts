import type { Kysely } from 'kysely';

/**
 * The data model of the architecture ("Data model"). Identifiers are text (UUIDs made by
 * the application) so the same DDL runs on SQLite and Postgres; natural keys are unique constraints,
 * which is what makes re-imports no-ops and retried submissions idempotent. Timestamps are ISO-8601
 * text in UTC; JSON is text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('studies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text')
    .addColumn('manifest_json', 'text', (c) => c.notNull())
    .addColumn('manifest_hash', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('rows_read', 'integer', (c) => c.notNull())
    .addColumn('rows_inserted', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('posts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('word_count', 'integer', (c) => c.notNull())
    .addColumn('metadata_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('import_id', 'text', (c) => c.references('imports.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('posts_study_external', ['study_id', 'external_id'])
    .execute();

  await db.schema
    .createTable('responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull().defaultTo('base'))
    .addColumn('sample_index', 'integer', (c) => c.notNull().defaultTo(0))
    // '' for an original reply; the transform's name for a style variant (which has a parent).
    .addColumn('variant', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('parent_id', 'text', (c) => c.references('responses.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('word_count', 'integer', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('params_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('prompt_hash', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('tokens_in', 'integer')
    .addColumn('tokens_out', 'integer')
    .addColumn('cost_usd', 'double precision')
    .addColumn('latency_ms', 'integer')
    .addColumn('finish_reason', 'text')
    .addColumn('checks_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('transforms_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('import_id', 'text', (c) => c.references('imports.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('responses_unit', ['post_id', 'source', 'condition', 'sample_index', 'variant'])
    .execute();

  await db.schema
    .createTable('generation_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('unit_key', 'text', (c) => c.notNull())
    .addColumn('response_id', 'text', (c) => c.references('responses.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('http_status', 'integer')
    .addColumn('tokens_in', 'integer')
    .addColumn('tokens_out', 'integer')
    .addColumn('latency_ms', 'integer')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  await db.schema
    .createTable('participants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    // 'prolific' | 'anonymous' | 'imported' | 'simulated'
    .addColumn('origin', 'text', (c) => c.notNull())
    // 'started' | 'completed' | 'returned' | 'timed_out' | 'imported'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('prolific_study_id', 'text')
    .addColumn('prolific_session_id', 'text')
    .addColumn('attributes_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('completion_code', 'text')
    .addColumn('started_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('total_seconds', 'double precision')
    .addColumn('import_id', 'text', (c) => c.references('imports.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('participants_study_external', ['study_id', 'external_id'])
    .execute();

  await db.schema
    .createTable('assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
    .addColumn('slots_json', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ratings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
    .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('scale', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('rt_ms', 'integer')
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    // 'web' | 'imported' | 'simulated'
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.references('imports.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ratings_once', ['participant_id', 'response_id', 'scale'])
    .execute();

  await db.schema
    .createTable('attention_results')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('expected', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('attention_once', ['participant_id', 'check_id'])
    .execute();

  await db.schema
    .createTable('judge_scores')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('judge', 'text', (c) => c.notNull())
    .addColumn('scale', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('judge_once', ['response_id', 'judge', 'scale'])
    .execute();

  await db.schema
    .createTable('exclusions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('exclusion_once', ['participant_id', 'rule'])
    .execute();

  await db.schema.createIndex('responses_study').on('responses').columns(['study_id', 'source']).execute();
  await db.schema.createIndex('ratings_study').on('ratings').columns(['study_id', 'response_id']).execute();
  await db.schema.createIndex('ratings_participant').on('ratings').column('participant_id').execute();
  await db.schema.createIndex('attempts_unit').on('generation_attempts').columns(['study_id', 'unit_key']).execute();
  await db.schema.createIndex('assignments_participant').on('assignments').column('participant_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'exclusions',
    'judge_scores',
    'attention_results',
    'ratings',
    'assignments',
    'participants',
    'generation_attempts',
    'responses',
    'posts',
    'imports',
    'studies',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
