import type { Kysely } from 'kysely';

/** Which worker is generating which unit, until when: several workers never pay for a unit twice. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('generation_claims')
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('unit_key', 'text', (c) => c.notNull())
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('generation_claims_pk', ['study_id', 'unit_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('generation_claims').ifExists().execute();
}
