/**
 * Generation across processes: three workers sharing one Postgres study, and a run killed with
 * SIGKILL and run again. Both run the installed bin against the fake server on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/cli/open-db.js';
import { createPgDatabase, postgresAvailable } from '../helpers/backends.js';
import { cli } from '../helpers/cli.js';
import { startFakeOpenAi, type FakeServer } from '../helpers/fake-openai.js';
import { tempFolder } from '../helpers/study.js';

const bin = path.resolve('bin/empathy-lab.js');
const pg = await postgresAvailable();

function study(endpoint: string, posts: number): Record<string, string> {
  return {
    'study.yaml': `
name: workers
domains: [anger]
corpus: { posts: { file: posts.csv } }
sources:
  - { id: model, kind: model, provider: openai, model: fake, endpoint: ${endpoint}, samples: 2, concurrency: 4, timeout_seconds: 5 }
generation: { min_words: 1, max_words: 100 }
instrument: { scales: [{ id: empathy, question: Q }] }
`,
    'prompts/base.md': '## user\nReply to: {{post}}\n',
    'posts.csv': `post_id,domain,text\n${Array.from({ length: posts }, (_, i) => `p${i},anger,Post ${i} about a bad day.`).join('\n')}\n`,
  };
}

function run(args: string[]): { done: Promise<number>; kill(): void } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume();
  child.stderr.resume();
  return { done: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : 0)))), kill: () => child.kill('SIGKILL') };
}

async function responses(dbSpec: string | undefined, dir: string): Promise<{ total: number; distinct: number }> {
  const opened = await openDb(dbSpec, dir);
  try {
    const rows = await opened.db.selectFrom('responses').select(['post_id', 'sample_index']).execute();
    return { total: rows.length, distinct: new Set(rows.map((r) => `${r.post_id}/${r.sample_index}`)).size };
  } finally {
    await opened.close();
  }
}

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAi();
});
afterAll(async () => server.close());

describe('generation across processes', () => {
  it.runIf(pg)('three workers on one Postgres study generate every unit once and pay for each once', async () => {
    server.fallback({ kind: 'ok', delayMs: 20 });
    const dir = await tempFolder(study(server.baseURL, 30));
    const database = await createPgDatabase();
    try {
      expect((await cli('import', dir, '--db', database.url)).code).toBe(0);
      const before = server.requests.length;
      const codes = await Promise.all([0, 1, 2].map(() => run(['generate', dir, '--db', database.url]).done));
      expect(codes).toEqual([0, 0, 0]);
      expect(await responses(database.url, dir)).toEqual({ total: 60, distinct: 60 });
      expect(server.requests.length - before).toBe(60);
    } finally {
      await database.drop();
    }
  });

  it('a run killed with SIGKILL and run again: no unit missing or twice, at most the calls in flight paid again', async () => {
    server.fallback({ kind: 'ok', delayMs: 40 });
    const dir = await tempFolder(study(server.baseURL, 40));
    expect((await cli('import', dir)).code).toBe(0);
    const before = server.requests.length;
    const first = run(['generate', dir, '--lease-seconds', '1']);
    for (let i = 0; i < 400; i++) {
      if ((await responses(undefined, dir)).total >= 20) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    first.kill();
    expect(await first.done).toBe(-1);
    const afterKill = await responses(undefined, dir);
    expect(afterKill.total).toBeGreaterThanOrEqual(20);
    expect(afterKill.total).toBeLessThan(80);
    await new Promise((r) => setTimeout(r, 1100)); // the killed worker's claims expire
    expect(await run(['generate', dir]).done).toBe(0);
    expect(await responses(undefined, dir)).toEqual({ total: 80, distinct: 80 });
    // Every unit was paid for once, except the calls in flight when the process died (concurrency 4).
    expect(server.requests.length - before).toBeLessThanOrEqual(80 + 4);
    server.fallback({ kind: 'ok' });
  });
});
