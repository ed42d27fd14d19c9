import type { Kysely } from 'kysely';

/** The persistent request cache: a reply per full request, so re-running a study costs nothing. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('generation_cache')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('result_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('generation_cache').ifExists().execute();
}
