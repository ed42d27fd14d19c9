import { sql, type Kysely } from 'kysely';

/**
 * The prompt texts replies were made with, by content hash (a reply's `prompt_hash`), so that the
 * report shows the prompt actually used even after the file has changed. Replies of providers that
 * read no prompt and send no parameters (eliza, replay) get neither on record: their old rows said
 * the manifest's parameters and prompt, which no call had carried. A simulated panel's generative
 * model (the planted effects and every setting) is kept with it in `simulated_panels`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('prompts')
    .addColumn('study_id', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('prompts_pk', ['study_id', 'hash'])
    .execute();
  await db.schema
    .createTable('simulated_panels')
    .addColumn('study_id', 'text', (c) => c.primaryKey())
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await clearOfflineProvenance(db);
}

/** Replies of eliza and replay carry no parameters and no prompt: no call sent them. */
export async function clearOfflineProvenance(db: Kysely<unknown>): Promise<void> {
  await sql`update responses set params_json = '{}', prompt_hash = null where provider in ('eliza', 'replay')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('simulated_panels').execute();
  await db.schema.dropTable('prompts').execute();
}
