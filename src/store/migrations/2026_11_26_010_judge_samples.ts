import type { Kysely } from 'kysely';

/**
 * Every score a judge gave: one row per judge, reply and sample, with the provenance `generate`
 * keeps for replies (provider, model, parameters sent, the rubric prompt's hash, tokens, latency) and
 * the judge's rationale; `failed` rows record answers that could not be used (malformed, out of
 * range, a refusal) and are never scores. `judge_scores` holds each reply's reduced score per item.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('judge_samples')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('judge', 'text', (c) => c.notNull())
    .addColumn('sample_index', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scores_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('rationale', 'text')
    .addColumn('error', 'text')
    .addColumn('raw_text', 'text')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('params_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('prompt_hash', 'text')
    .addColumn('tokens_in', 'integer')
    .addColumn('tokens_out', 'integer')
    .addColumn('latency_ms', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('judge_sample_once', ['response_id', 'judge', 'sample_index'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('judge_samples').execute();
}
