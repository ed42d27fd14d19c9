/**
 * The one place that picks a concrete database: SQLite (better-sqlite3, WAL, foreign keys on) for a
 * file path, Postgres (pg) for a `postgres://` URL. Everything else receives a Kysely handle.
 */
import { displayPath } from '../paths.js';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type PostgresCursor, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import pg from 'pg';
import { UserError } from '../errors.js';
import { migrateToLatest, type MigrationReport } from '../store/migrate.js';
import { lockStudyTransaction, selectOne } from '../store/connection.repository.js';
import type { Database, Db } from '../store/tables.js';

export const DEFAULT_DB_FILE = 'empathy-lab.sqlite';

export interface OpenedDb {
  readonly db: Db;
  /** What the user sees: the SQLite path or the Postgres URL without its password. */
  readonly label: string;
  readonly dialect: 'sqlite' | 'postgres';
  readonly migrations: MigrationReport;
  /**
   * Holds a study-wide lock until the transaction `trx` ends, so that concurrent arrivals at the
   * rating app see each other. Postgres: an advisory transaction lock (across processes). SQLite:
   * nothing to do; one connection per process runs one transaction at a time, and a second process
   * waits for the write lock.
   */
  lockStudy(trx: Db, studyId: string): Promise<void>;
  /** A cheap query that fails within `timeoutMs` when the database cannot answer (for `/healthz`). */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * How long a statement, and a wait for a connection, may take before it fails. `serve` sets them so
 * that a frozen or unreachable database gives a participant an error page within seconds instead of
 * a hang; batch commands (an import of 50,000 ratings in one statement) keep no limit.
 */
export interface DbTimeouts {
  readonly statementMs: number;
  readonly connectMs: number;
}

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//.test(spec);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

const COMMANDS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE'] as const;

/**
 * The pool Kysely sees: pg's, each checked-out connection wrapped so that a client-side read timeout
 * ends the connection. pg's connection is still waiting for the lost answer; left open, the pool
 * would queue the next request behind it. Kysely's `stream()` (cursors) is not used by this project.
 */
function endingTimedOut(pool: pg.Pool): PostgresPool {
  return {
    end: () => pool.end(),
    connect: async () => {
      const client = await pool.connect();
      function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
      function query<R>(sql: string | PostgresCursor<R>, parameters: ReadonlyArray<unknown> = []): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
        if (typeof sql !== 'string') throw new Error('internal: cursors are not supported by this pool');
        return client.query<R & pg.QueryResultRow>(sql, [...parameters]).then(
          (r) => ({ command: COMMANDS.find((c) => c === r.command) ?? 'SELECT', rowCount: r.rowCount ?? 0, rows: r.rows }),
          (err: Error) => {
            if (/read timeout/i.test(err.message)) void client.end().catch(() => undefined);
            throw err;
          },
        );
      }
      const wrapped: PostgresPoolClient = { query, release: () => client.release() };
      return wrapped;
    },
  };
}

/** Opens (and migrates) the database named by `--db`, or the study folder's SQLite file. */
export async function openDb(spec: string | undefined, studyDir: string, timeouts?: DbTimeouts): Promise<OpenedDb> {
  let db: Db;
  let label: string;
  let dialect: OpenedDb['dialect'];
  if (spec && isPostgresUrl(spec)) {
    const pool = new pg.Pool({
      connectionString: spec,
      max: 10,
      keepAlive: true,
      ...(timeouts
        ? {
            connectionTimeoutMillis: timeouts.connectMs,
            // The server ends a slow statement; the client gives up a little later on a server that
            // does not answer at all (frozen, or its network gone).
            statement_timeout: timeouts.statementMs,
            query_timeout: timeouts.statementMs + 1000,
          }
        : {}),
    });
    // A connection can be closed under us (a restart, a failover, pg_terminate_backend, an idle
    // timeout) while idle in the pool or while checked out. pg reports that as an 'error' event,
    // which would end the process; the request that used it fails instead, and the pool drops the
    // connection (it is no longer queryable) and opens a new one when the database is back.
    let reported = 0;
    const report = (err: Error) => {
      if (reported++ % 100 === 0) process.stderr.write(`empathy-lab: a database connection was closed (${err.message}); continuing\n`);
    };
    pool.on('error', report);
    pool.on('connect', (client) => client.on('error', report));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: endingTimedOut(pool) }) });
    label = redactUrl(spec);
    dialect = 'postgres';
  } else {
    // A path given on the command line is relative to the current folder, as every path there is.
    const file = spec ? path.resolve(spec) : path.join(studyDir, DEFAULT_DB_FILE);
    let sqlite: SqliteDatabase.Database;
    try {
      sqlite = new SqliteDatabase(file);
    } catch (err) {
      throw new UserError(`cannot open the SQLite database (${(err as Error).message})`, file, 'check the --db path and that its folder exists', { cause: err });
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // A writer waits this long for another process's write lock before the request fails.
    sqlite.pragma(`busy_timeout = ${timeouts?.statementMs ?? 10000}`);
    sqlite.pragma('synchronous = NORMAL');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    label = displayPath(file);
    dialect = 'sqlite';
  }
  let migrations: MigrationReport;
  try {
    await selectOne(db);
  } catch (err) {
    await db.destroy();
    // Network errors say most by their code (ECONNREFUSED); server errors by their message.
    const code = (err as { code?: string }).code;
    const detail = code && /^E[A-Z]+$/.test(code) ? code : (err as Error).message;
    throw new UserError(
      `cannot connect to the database (${detail})`,
      label,
      dialect === 'postgres' ? 'check that the Postgres server is running and the URL (host, port, user, database) is right' : 'check the --db path',
      { cause: err },
    );
  }
  try {
    migrations = await migrateToLatest(db as Kysely<unknown>);
  } catch (err) {
    await db.destroy();
    if (err instanceof UserError) throw err;
    const code = (err as { code?: string }).code;
    throw new UserError(
      `cannot use the database (${code ? `${code}: ` : ''}${(err as Error).message})`,
      label,
      dialect === 'postgres' ? 'check that the Postgres server is running and the URL is right' : 'check the --db path',
      { cause: err },
    );
  }
  const lockStudy =
    dialect === 'postgres'
      ? lockStudyTransaction
      : async () => undefined;
  const ping = async (timeoutMs: number) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        selectOne(db),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the database did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { db, label, dialect, migrations, lockStudy, ping, close: () => db.destroy() };
}
