/**
 * Generation you can interrupt, as a user would: the installed CLI against a fake OpenAI-compatible
 * server that answers 20% of calls with a fault (429 with Retry-After, 500, malformed JSON, a slow
 * reply), on SQLite and on Postgres. SIGKILL at a random point and an immediate rerun finish every
 * unit; Ctrl-C leaves every call on record and the next run finishes; every call the server
 * received is a row of generation_attempts.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/cli/open-db.js';
import { backends, createPgDatabase } from '../helpers/backends.js';
import { cli } from '../helpers/cli.js';
import { startFakeOpenAi, type Behaviour, type FakeServer } from '../helpers/fake-openai.js';
import { tempFolder } from '../helpers/study.js';

const bin = path.resolve('bin/empathy-lab.js');
const POSTS = 24;
const UNITS = POSTS * 2;

function study(endpoint: string): Record<string, string> {
  return {
    'study.yaml': `
name: interrupt
domains: [anger]
corpus: { posts: { file: posts.csv } }
sources:
  - { id: alpha, kind: model, provider: openai, model: fake-a, endpoint: ${endpoint}, concurrency: 4, timeout_seconds: 5 }
  - { id: beta, kind: model, provider: openai, model: fake-b, endpoint: ${endpoint}, concurrency: 4, timeout_seconds: 5 }
generation: { min_words: 1, max_words: 100 }
instrument: { scales: [{ id: empathy, question: Q }] }
`,
    'prompts/base.md': '## user\nReply to: {{post}}\n',
    'posts.csv': `post_id,domain,text\n${Array.from({ length: POSTS }, (_, i) => `p${i},anger,Post ${i} about a bad day.`).join('\n')}\n`,
  };
}

/** 20% faults, in a fixed rotation so that every kind occurs. */
const faulty = (n: number): Behaviour => {
  const faults: Behaviour[] = [{ kind: 'status', status: 429, retryAfter: '0' }, { kind: 'status', status: 500 }, { kind: 'malformed' }, { kind: 'ok', delayMs: 400 }];
  return n % 5 === 0 ? (faults[(n / 5) % faults.length] as Behaviour) : { kind: 'ok', delayMs: 30 };
};

function run(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  return {
    done: new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? -9 : -1)))),
    signal: (s: NodeJS.Signals) => child.kill(s),
    stderr: () => stderr,
  };
}

async function state(dbSpec: string | undefined, dir: string) {
  const opened = await openDb(dbSpec, dir);
  try {
    const db = opened.db;
    const responses = await db.selectFrom('responses').select(['post_id', 'source', 'sample_index']).execute();
    const attempts = await db.selectFrom('generation_attempts').select(['status', 'finished_at', 'response_id']).execute();
    const claims = await db.selectFrom('generation_claims').select('unit_key').execute();
    return { responses: responses.length, distinct: new Set(responses.map((r) => `${r.post_id}/${r.source}/${r.sample_index}`)).size, attempts, claims: claims.length };
  } finally {
    await opened.close();
  }
}

async function waitFor(what: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600 && !(await what()); i++) await new Promise((r) => setTimeout(r, 25));
}

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAi();
});
afterAll(async () => server.close());

for (const backend of await backends()) {
  describe(`generate interrupted (${backend.name})`, () => {
    /** Starts generate against the faulty server and sends `signal` once 8 to 31 units are stored. */
    const signalAtRandom = async (dir: string, dbArgs: string[], dbUrl: string | undefined, signal: NodeJS.Signals) => {
      server.requests.length = 0;
      server.fallback(faulty);
      const first = run(['generate', dir, ...dbArgs]);
      const at = 8 + Math.floor(Math.random() * 24);
      await waitFor(async () => (await state(dbUrl, dir)).responses >= at);
      first.signal(signal);
      return first;
    };
    const setup = async () => {
      const dir = await tempFolder(study(server.baseURL));
      const database = backend.name === 'postgres' ? await createPgDatabase() : null;
      const dbArgs = database ? ['--db', database.url] : [];
      expect((await cli('import', dir, ...dbArgs)).code).toBe(0);
      return { dir, database, dbArgs };
    };

    it('SIGKILL at a random point, then at once a rerun that finishes every unit; every call on record', async () => {
      const { dir, database, dbArgs } = await setup();
      try {
        const first = await signalAtRandom(dir, dbArgs, database?.url, 'SIGKILL');
        expect(await first.done).toBe(-9);
        const killed = await state(database?.url, dir);
        const inFlight = killed.attempts.filter((a) => a.status === 'started').length;
        expect(inFlight).toBeLessThanOrEqual(8);
        // At once: the dead worker's claims are taken over (same host, its process is gone), not waited out.
        const started = Date.now();
        const second = run(['generate', dir, ...dbArgs]);
        expect(await second.done).toBe(0);
        expect(Date.now() - started).toBeLessThan(60_000);
        expect(second.stderr()).toContain(`generation complete: all ${UNITS} units stored`);
        const after = await state(database?.url, dir);
        expect(after).toMatchObject({ responses: UNITS, distinct: UNITS, claims: 0 });
        // One row per call the server received; the calls in flight at the kill stay "started".
        expect(after.attempts.length).toBeGreaterThanOrEqual(server.requests.length);
        expect(after.attempts.length - server.requests.length).toBeLessThanOrEqual(inFlight);
        // A commit the dead process had already sent may still land after it exited (Postgres finishes
        // it), so the calls left "started" are at most those seen right after the kill.
        const lost = after.attempts.filter((a) => a.status === 'started').length;
        expect(lost).toBeLessThanOrEqual(inFlight);
        expect(after.attempts.filter((a) => a.finished_at === null)).toHaveLength(lost);
        // Paid for: every stored unit once, plus at most the calls in flight at the kill.
        const answeredOk = server.requests.filter((r) => r.answered === 'ok').length;
        expect(answeredOk).toBeGreaterThanOrEqual(UNITS);
        expect(answeredOk - UNITS).toBeLessThanOrEqual(inFlight);
        expect(after.attempts.filter((a) => a.response_id !== null)).toHaveLength(UNITS);
      } finally {
        server.fallback({ kind: 'ok' });
        await database?.drop();
      }
    }, 120_000);

    it('Ctrl-C at a random point: the calls in flight finish and are recorded, claims released, exit 130; the next run finishes', async () => {
      const { dir, database, dbArgs } = await setup();
      try {
        const first = await signalAtRandom(dir, dbArgs, database?.url, 'SIGINT');
        expect(await first.done).toBe(130);
        expect(first.stderr()).toMatch(/interrupted; generation incomplete: \d+ not started of 48 units; run `empathy-lab generate/);
        const stopped = await state(database?.url, dir);
        expect(stopped.claims).toBe(0);
        expect(stopped.attempts.filter((a) => a.status === 'started')).toHaveLength(0);
        // Exactly one row per call the server received.
        expect(stopped.attempts).toHaveLength(server.requests.length);
        const second = run(['generate', dir, ...dbArgs]);
        expect(await second.done).toBe(0);
        const after = await state(database?.url, dir);
        expect(after).toMatchObject({ responses: UNITS, distinct: UNITS, claims: 0 });
        expect(after.attempts).toHaveLength(server.requests.length);
        expect(server.requests.filter((r) => r.answered === 'ok')).toHaveLength(UNITS);
        // Every kind of fault was met and recorded as what it was.
        const statuses = new Set(after.attempts.map((a) => a.status));
        for (const s of ['ok', '429', '5xx', 'malformed']) expect(statuses).toContain(s);
      } finally {
        server.fallback({ kind: 'ok' });
        await database?.drop();
      }
    }, 120_000);
  });
}

describe('generate: a second Ctrl-C', () => {
  it('aborts the calls in flight at once, records them as interrupted and releases every claim', async () => {
    const dir = await tempFolder(study(server.baseURL));
    expect((await cli('import', dir)).code).toBe(0);
    server.requests.length = 0;
    // Every call takes 4 s: the first Ctrl-C would wait for them.
    server.fallback({ kind: 'ok', delayMs: 4000 });
    try {
      const first = run(['generate', dir]);
      await waitFor(async () => server.requests.length >= 5);
      first.signal('SIGINT');
      await new Promise((r) => setTimeout(r, 200));
      const at = Date.now();
      first.signal('SIGINT');
      expect(await first.done).toBe(130);
      expect(Date.now() - at).toBeLessThan(3000);
      expect(first.stderr()).toContain('aborting the calls in flight');
      const s = await state(undefined, dir);
      expect(s.claims).toBe(0);
      expect(s.attempts.filter((a) => a.status === 'started')).toHaveLength(0);
      // The first call of each source finished before (it is made alone); every other call was aborted.
      const interrupted = s.attempts.filter((a) => a.status === 'interrupted').length;
      expect(interrupted).toBeGreaterThan(0);
      expect(interrupted + s.attempts.filter((a) => a.status === 'ok').length).toBe(server.requests.length);
      expect(s.attempts).toHaveLength(server.requests.length);
    } finally {
      server.fallback({ kind: 'ok' });
    }
  }, 60_000);
});
