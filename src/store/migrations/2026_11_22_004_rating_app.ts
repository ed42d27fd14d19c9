import type { Kysely } from 'kysely';

/**
 * The rating app: the study's app secret, a participant's session token (the cookie names it), when the current step of an
 * assignment was served (server-side page times), the time on every page, and optional free text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The key of the app's CSRF tokens and admin cookie, shared by every serve process of the study.
  await db.schema.alterTable('studies').addColumn('app_secret', 'text').execute();
  await db.schema.alterTable('participants').addColumn('session_token', 'text').execute();
  await db.schema.createIndex('participants_session').unique().on('participants').column('session_token').execute();
  await db.schema.alterTable('assignments').addColumn('step_started_at', 'text').execute();
  await db.schema.createIndex('assignments_study_status').on('assignments').columns(['study_id', 'status']).execute();
  await db.schema
    .createTable('page_views')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
    .addColumn('step', 'integer', (c) => c.notNull())
    // 'consent' | 'instructions' | 'comprehension' | 'post' | 'response' | 'attention' | 'demographics'
    .addColumn('page', 'text', (c) => c.notNull())
    .addColumn('response_id', 'text')
    // Time on the page as the browser measured it (null without script) and as the server saw it.
    .addColumn('client_ms', 'integer')
    .addColumn('server_ms', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('page_views_once', ['participant_id', 'step'])
    .execute();
  await db.schema
    .createTable('comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id').onDelete('cascade'))
    .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('comments_once', ['participant_id', 'response_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('comments').ifExists().execute();
  await db.schema.dropTable('page_views').ifExists().execute();
  await db.schema.dropIndex('assignments_study_status').ifExists().execute();
  await db.schema.alterTable('assignments').dropColumn('step_started_at').execute();
  await db.schema.dropIndex('participants_session').ifExists().execute();
  await db.schema.alterTable('participants').dropColumn('session_token').execute();
  await db.schema.alterTable('studies').dropColumn('app_secret').execute();
}
