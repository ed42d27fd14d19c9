import { sql, type Kysely } from 'kysely';

/**
 * Panels of raters (a crowd panel and an expert panel, say): each participant and assignment
 * belongs to one (`''`: the study's one pool), and each panel fills every reply to its own target,
 * so the fill counters are kept per panel. The old counters belong to the pool `''`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('participants').addColumn('panel', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('assignments').addColumn('panel', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema
    .createTable('panel_slot_counts')
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('panel', 'text', (c) => c.notNull())
    .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('assigned', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('panel_slot_counts_pk', ['study_id', 'panel', 'response_id'])
    .execute();
  await sql`insert into panel_slot_counts (study_id, panel, response_id, assigned) select study_id, '', response_id, assigned from slot_counts`.execute(db);
  await db.schema.dropTable('slot_counts').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('slot_counts')
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('assigned', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('slot_counts_pk', ['study_id', 'response_id'])
    .execute();
  await sql`insert into slot_counts (study_id, response_id, assigned) select study_id, response_id, sum(assigned) from panel_slot_counts group by study_id, response_id`.execute(db);
  await db.schema.dropTable('panel_slot_counts').execute();
  await db.schema.alterTable('assignments').dropColumn('panel').execute();
  await db.schema.alterTable('participants').dropColumn('panel').execute();
}
