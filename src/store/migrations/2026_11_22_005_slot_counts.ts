import type { Kysely } from 'kysely';

/**
 * How full each response is, kept as a counter so that an arrival reads one row per response
 * instead of every live session: sessions that were given the response and rated it or still may.
 * Raised when a session is assigned; lowered, for the replies not yet rated, when it expires or is
 * released.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('slot_counts')
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('assigned', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('slot_counts_pk', ['study_id', 'response_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('slot_counts').ifExists().execute();
}
