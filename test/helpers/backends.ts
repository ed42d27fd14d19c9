/**
 * Every store test runs on SQLite and on Postgres (the same repository code, the same assertions).
 * Postgres: a fresh database per suite on EMPATHY_LAB_TEST_PG (default the local server). Under
 * CI=true a missing server fails the run; elsewhere those tests are skipped with a message.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { openDb, type OpenedDb } from '../../src/cli/open-db.js';

export const PG_URL = process.env.EMPATHY_LAB_TEST_PG ?? 'postgres://root@127.0.0.1:5432/test';

let pgAvailable: Promise<boolean> | undefined;

export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (err) {
      if (process.env.CI) throw new Error(`Postgres is required in CI but ${PG_URL} is not reachable: ${(err as Error).message}`);
      console.warn(`skipping Postgres tests: ${PG_URL} is not reachable (${(err as Error).message})`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgAvailable;
}

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty, migrated database; `dispose` drops it. */
  create(): Promise<{ opened: OpenedDb; url: string; dispose(): Promise<void> }>;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new Postgres database; returns its URL. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `el_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  async create() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'el-sqlite-'));
    const file = path.join(dir, 'test.sqlite');
    const opened = await openDb(file, dir);
    return { opened, url: file, dispose: async () => { await opened.close(); await rm(dir, { recursive: true, force: true }); } };
  },
};

export const postgresBackend: Backend = {
  name: 'postgres',
  async create() {
    const database = await createPgDatabase();
    const opened = await openDb(database.url, os.tmpdir());
    return { opened, url: database.url, dispose: async () => { await opened.close(); await database.drop(); } };
  },
};

/** The backends to run on: SQLite always, Postgres when reachable (always under CI). */
export async function backends(): Promise<Backend[]> {
  return (await postgresAvailable()) ? [sqliteBackend, postgresBackend] : [sqliteBackend];
}

/**
 * For a describe block: a new database on `backend` before its tests (handed to `use`), dropped
 * after them.
 */
export function databaseForSuite(backend: Backend, use: (db: OpenedDb['db']) => void): void {
  let dispose: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await backend.create();
    use(created.opened.db);
    dispose = created.dispose;
  });
  afterAll(async () => dispose?.());
}
