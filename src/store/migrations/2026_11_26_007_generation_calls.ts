import type { Kysely } from 'kysely';

/**
 * Every call to a model is a row of `generation_attempts`, written when the call starts: which
 * worker made it, whether another attempt followed it, and, for a call in flight when the process
 * died, a row with status `started` and no `finished_at`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generation_attempts').addColumn('worker', 'text').execute();
  await db.schema.alterTable('generation_attempts').addColumn('retried', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generation_attempts').dropColumn('retried').execute();
  await db.schema.alterTable('generation_attempts').dropColumn('worker').execute();
}
