import { sql, type Kysely } from 'kysely';

/**
 * A live study the researcher controls: whether the rating app takes new arrivals (open, paused,
 * closed), when each live session gives its places back, signed-in admin sessions (a random cookie per sign-in, ended by signing out), and the
 * idempotency key of every page view, so a submission from a stale tab can be told from a double
 * click.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // 'open' | 'paused' | 'closed'
  await db.schema.alterTable('studies').addColumn('app_state', 'text', (c) => c.notNull().defaultTo('open')).execute();
  await db.schema.alterTable('page_views').addColumn('idempotency_key', 'text').execute();
  // When a live session gives its places back: the earlier of its time limit and its last page plus
  // the idle limit. Indexed, so that reclaiming reads only the sessions that are due.
  await db.schema.alterTable('assignments').addColumn('deadline', 'text').execute();
  await sql`update assignments set deadline = expires_at`.execute(db);
  await db.schema.createIndex('assignments_deadline').on('assignments').columns(['study_id', 'status', 'deadline']).execute();
  await db.schema.createIndex('page_views_key').on('page_views').columns(['participant_id', 'idempotency_key']).execute();
  await db.schema
    .createTable('admin_sessions')
    // SHA-256 of the cookie's random value: a database dump does not sign anyone in.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('admin_sessions').ifExists().execute();
  await db.schema.dropIndex('assignments_deadline').ifExists().execute();
  await db.schema.alterTable('assignments').dropColumn('deadline').execute();
  await db.schema.dropIndex('page_views_key').ifExists().execute();
  await db.schema.alterTable('page_views').dropColumn('idempotency_key').execute();
  await db.schema.alterTable('studies').dropColumn('app_state').execute();
}
