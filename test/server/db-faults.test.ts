/**
 * The rating app survives its database: a real `serve` process, real participants over HTTP, and the
 * database's connections killed, the database stopped and restarted, and frozen in the middle of
 * the run. The server stays up, `/healthz` says 503 while the database is gone, participants get a
 * "try again" page instead of a hang, and afterwards everyone finishes with nothing lost and nothing
 * twice.
 */
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/cli/open-db.js';
import { createPgDatabase, PG_URL, postgresAvailable } from '../helpers/backends.js';
import { demoStudy, overHttp, Participant, type Page } from '../helpers/app.js';
import { createPgCluster, postgresBinaries } from '../helpers/pg-cluster.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const havePg = await postgresAvailable();
const pgBin = postgresBinaries();
if (!pgBin && process.env.CI) throw new Error('the database fault tests need initdb and pg_ctl (Debian: postgresql-15) in CI');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request the server did not answer in this time is a hang: the app promises a "try again" page within seconds. */
const HANG_MS = 30_000;
interface Progress {
  pages: number;
  errors: number;
  /** Requests that got no answer within HANG_MS. */
  hung: number;
}
const hung = (err: unknown) => (err as { name?: string }).name === 'TimeoutError';

/** A participant who, like a person, reloads the page after an error page or a failed connection. */
async function persevere(p: Participant, pid: string, progress: Progress): Promise<string> {
  const get = async (url: string): Promise<Page | null> => {
    try {
      return await p.get(url);
    } catch (err) {
      if (hung(err)) progress.hung++;
      return null;
    }
  };
  let page = await get(`/?PROLIFIC_PID=${pid}&STUDY_ID=study1&SESSION_ID=s-${pid}`);
  for (let i = 0; i < 400; i++) {
    if (page?.title === 'Thank you') return page.title;
    if (!page || page.status >= 500) {
      progress.errors++;
      await sleep(250);
      page = await get('/study');
      // The first request may have failed before a session existed: arrive again.
      if (page?.status === 401) page = await get(`/?PROLIFIC_PID=${pid}&STUDY_ID=study1&SESSION_ID=s-${pid}`);
      continue;
    }
    if (page.status !== 200) throw new Error(`${pid}: ${page.status} ${page.title}: ${page.html.slice(0, 300)}`);
    await sleep(60);
    try {
      page = await p.next(page);
      progress.pages++;
    } catch (err) {
      if (hung(err)) progress.hung++;
      page = null;
    }
  }
  throw new Error(`${pid} did not finish`);
}

/** Where a long test is, on stdout with the seconds since it began: a timeout then says which phase stalled. */
function phases(name: string): (what: string) => void {
  const t0 = Date.now();
  return (what) => console.log(`[${name} +${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const health = async (base: string) => (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(15_000) })).status;

/** Every participant finished; every reply they were given rated once per scale; every page once. */
async function expectNothingLostNothingTwice(dbUrl: string, dir: string, pids: readonly string[]): Promise<void> {
  const opened = await openDb(dbUrl, dir);
  try {
    const db = opened.db;
    const people = await db.selectFrom('participants').select(['id', 'external_id', 'status']).execute();
    expect(people.map((x) => x.external_id).sort()).toEqual([...pids].sort());
    expect(new Set(people.map((x) => x.status))).toEqual(new Set(['completed']));
    const ratings = await db.selectFrom('ratings').select(['participant_id', 'response_id', 'scale']).execute();
    const views = await db.selectFrom('page_views').select(['participant_id', 'step']).execute();
    for (const person of people) {
      const mine = ratings.filter((r) => r.participant_id === person.id);
      // 6 posts x 2 replies x 2 scales, each once.
      expect(mine).toHaveLength(24);
      expect(new Set(mine.map((r) => `${r.response_id}:${r.scale}`)).size).toBe(24);
      const pages = views.filter((v) => v.participant_id === person.id).map((v) => v.step);
      expect(pages.sort((a, b) => a - b)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    }
    // The fill counters agree with what was rated.
    const counts = await db.selectFrom('panel_slot_counts').select(['response_id', 'assigned']).execute();
    const rated = new Map<string, number>();
    for (const r of ratings) if (r.scale === 'empathy') rated.set(r.response_id, (rated.get(r.response_id) ?? 0) + 1);
    for (const c of counts) expect(Number(c.assigned)).toBe(rated.get(c.response_id) ?? 0);
  } finally {
    await opened.close();
  }
}

describe('the rating app when the database fails', () => {
  it.runIf(havePg)('Postgres: connections killed again and again mid-run (pg_terminate_backend); the server stays up and everyone finishes', async () => {
    const database = await createPgDatabase();
    const dir = await demoStudy({ db: database.url });
    const server = await startServer(dir, ['--db', database.url, '--entry-rate', '100000']);
    const name = new URL(database.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const progress: Progress = { pages: 0, errors: 0, hung: 0 };
      const pids = Array.from({ length: 8 }, (_, i) => `KILL${i}`);
      const finished = Promise.all(pids.map((pid, i) => persevere(new Participant(overHttp(server.base, HANG_MS), `10.1.0.${i}`), pid, progress)));
      let killed = 0;
      await until('the first pages', () => progress.pages >= 20);
      for (let round = 0; round < 8; round++) {
        const r = await admin.query('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        killed += (r.rows[0] as { n: number }).n;
        await sleep(150);
      }
      expect(await finished).toEqual(pids.map(() => 'Thank you'));
      expect(progress.hung).toBe(0);
      expect(killed).toBeGreaterThan(0);
      expect(server.child.exitCode).toBeNull();
      expect(server.stderr()).toContain('a database connection was closed');
      expect(await health(server.base)).toBe(200);
      await expectNothingLostNothingTwice(database.url, dir, pids);
    } finally {
      await admin.end();
      await server.stop();
      await database.drop();
    }
  }, 180_000);

  it.runIf(havePg && pgBin)('Postgres of its own: stopped and restarted, then frozen (SIGSTOP); 503 and a "try again" page meanwhile, then everyone finishes', async () => {
    const at = phases('own postgres');
    const cluster = await createPgCluster(pgBin as string);
    let server: ServerProcess | undefined;
    try {
      const dir = await demoStudy({ db: cluster.url });
      server = await startServer(dir, ['--db', cluster.url, '--entry-rate', '100000']);
      const base = server.base;
      const progress: Progress = { pages: 0, errors: 0, hung: 0 };
      const pids = Array.from({ length: 6 }, (_, i) => `DOWN${i}`);
      const finished = Promise.all(pids.map((pid, i) => persevere(new Participant(overHttp(base, HANG_MS), `10.2.0.${i}`), pid, progress)));
      await until('the first pages', () => progress.pages >= 15);

      at('stopping the database');
      await cluster.stop();
      expect(await health(base)).toBe(503);
      const during = await fetch(`${base}/?PROLIFIC_PID=LATE1`, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('30');
      expect(await during.text()).toContain('Please try again in a minute');
      await until('participants to meet the outage', () => progress.errors > 0);
      await sleep(1000);
      expect(server.child.exitCode).toBeNull();
      const before = progress.pages;
      at('restarting the database');
      await cluster.start();
      await until('/healthz after the restart', async () => (await health(base)) === 200);
      await until('participants to go on', () => progress.pages > before + 10);

      at('freezing the database');
      await cluster.freeze(true);
      expect(await health(base)).toBe(503);
      // A page while the database does not answer: the "try again" page, not a hang.
      const frozen = await fetch(`${base}/?PROLIFIC_PID=LATE2`, { redirect: 'manual', signal: AbortSignal.timeout(20_000) });
      expect(frozen.status).toBe(503);
      at('thawing the database');
      await cluster.freeze(false);
      await until('/healthz after the freeze', async () => (await health(base)) === 200);

      at('waiting for every participant to finish');
      expect(await finished).toEqual(pids.map(() => 'Thank you'));
      at(`finished: ${progress.pages} pages, ${progress.errors} error pages or failed requests, ${progress.hung} hung`);
      expect(progress.hung).toBe(0);
      expect(server.child.exitCode).toBeNull();
      await expectNothingLostNothingTwice(cluster.url, dir, pids);
      // Stopped while the database is frozen: the pool cannot close its connections, and serve
      // stops anyway once its grace period is over.
      at('stopping serve with the database frozen');
      await cluster.freeze(true);
      const t0 = Date.now();
      await server.stop();
      at(`serve stopped after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(server.stderr()).toContain('the database did not close its connections; stopping anyway');
      expect(server.stderr()).not.toContain('[test helper');
      expect(server.child.exitCode).toBe(0);
    } finally {
      await server?.stop();
      await cluster.destroy();
    }
  }, 240_000);

  it('SQLite: another process holding the write lock gives a "try again" page within seconds; the participant goes on after', async () => {
    const dir = await demoStudy();
    const server = await startServer(dir, ['--entry-rate', '100000']);
    const file = path.join(dir, 'empathy-lab.sqlite');
    try {
      const p = new Participant(overHttp(server.base));
      let page = await p.get('/?PROLIFIC_PID=LOCK1');
      page = await p.next(page);
      expect(page.title).toBe('Instructions');
      const locker = new SqliteDatabase(file);
      locker.exec('begin immediate');
      try {
        const blocked = await p.next(page);
        expect(blocked.status).toBe(503);
        expect(blocked.html).toContain('Please try again in a minute');
      } finally {
        locker.exec('rollback');
        locker.close();
      }
      expect(server.child.exitCode).toBeNull();
      page = await p.get('/study');
      expect(page.title).toBe('Instructions');
      page = await p.next(page);
      expect(page.title).toMatch(/^Post 1 of 6/);
      // The instructions page was recorded once.
      const reader = new SqliteDatabase(file, { readonly: true });
      try {
        expect(reader.prepare("select count(*) as n from page_views where page = 'instructions'").get()).toEqual({ n: 1 });
      } finally {
        reader.close();
      }
    } finally {
      await server.stop();
    }
  }, 60_000);
});
