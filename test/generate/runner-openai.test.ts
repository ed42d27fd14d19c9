import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/generate/provider.js';
import { openAiProvider } from '../../src/generate/providers/openai-provider.js';
import { withRetries } from '../../src/generate/retry.js';
import { planGeneration, runGeneration } from '../../src/generate/runner.js';
import { parseStudy } from '../../src/study/load.js';
import { seededRng } from '../../src/stats/random.js';
import { insertPosts } from '../../src/store/posts.repository.js';
import { upsertStudy } from '../../src/store/studies.repository.js';
import type { Db } from '../../src/store/tables.js';
import { backends, databaseForSuite } from '../helpers/backends.js';
import { cli } from '../helpers/cli.js';
import { startFakeOpenAi, type FakeServer } from '../helpers/fake-openai.js';
import { tempFolder } from '../helpers/study.js';

const manifest = (endpoint: string) => `
name: remote
domains: [anger]
corpus:
  posts: { file: posts.csv }
sources:
  - { id: human, kind: corpus }
  - id: gpt4
    kind: model
    provider: openai
    model: gpt-4-turbo
    endpoint: ${endpoint}
    api_key_env: FAKE_OPENAI_KEY
    samples: 2
    timeout_seconds: 1
prices: { gpt-4-turbo: { input_per_mtok: 10, output_per_mtok: 30 } }
generation: { min_words: 1, max_words: 200 }
instrument: { scales: [{ id: empathy, question: Q }] }
`;

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAi();
});
afterAll(async () => server.close());

for (const backend of await backends()) {
  describe(`generation against an OpenAI-compatible server, on ${backend.name}`, () => {
    let db: Db;
    databaseForSuite(backend, (d) => (db = d));

    it('stores every unit exactly once after a run with 30% injected failures', async () => {
      const dir = await tempFolder({ 'prompts/base.md': '## user\nReply to: {{post}}\n' });
      const study = parseStudy(manifest(server.baseURL));
      const row = await upsertStudy(db, { name: 'remote', title: null, manifestJson: '{}', manifestHash: 'm', contentHash: 'c' });
      const posts = Array.from({ length: 20 }, (_, i) => `p${i}`);
      await insertPosts(db, posts.map((id) => ({ id: `${row.id}-${id}`, study_id: row.id, external_id: id, domain: 'anger', title: null, text: `Post ${id}: I feel stuck.`, word_count: 5, import_id: null, created_at: 'now' })));
      const rng = seededRng(30);
      const failures = [{ kind: 'status', status: 429, retryAfter: '0' }, { kind: 'status', status: 500 }, { kind: 'malformed' }, { kind: 'hang' }] as const;
      server.fallback(() => (rng() < 0.3 ? failures[Math.floor(rng() * failures.length)] : { kind: 'ok' }));
      let retries = 0;
      const provider: Provider = withRetries(openAiProvider({ baseURL: server.baseURL, apiKey: 'k', timeoutMs: 300, label: 'gpt4' }), {
        maxAttempts: 10,
        baseDelayMs: 1,
        maxDelayMs: 5,
        timeoutMs: 300,
        sleep: async () => undefined,
        random: () => 0.5,
        onRetry: () => void retries++,
      });
      const tallies = await runGeneration({ db, study, studyId: row.id, contentHash: 'c', plans: await planGeneration(study, dir), providers: new Map([['gpt4', provider]]) }).finally(() => server.fallback({ kind: 'ok' }));
      expect(tallies[0]).toMatchObject({ done: 40, failed: 0 });
      expect(retries).toBeGreaterThan(5);
      const stored = await db.selectFrom('responses').select(['post_id', 'sample_index']).where('study_id', '=', row.id).execute();
      expect(stored).toHaveLength(40);
      expect(new Set(stored.map((r) => `${r.post_id}/${r.sample_index}`)).size).toBe(40);
      const cost = await db.selectFrom('responses').select('cost_usd').where('study_id', '=', row.id).executeTakeFirstOrThrow();
      expect(cost.cost_usd).toBeCloseTo((11 * 10 + 7 * 30) / 1e6, 12);
      server.fallback({ kind: 'ok' });
    });

    it('stops a source after 10 failures in a row and says why (an unknown model), and after its first call when the key is refused', async () => {
      const dir = await tempFolder({ 'prompts/base.md': '## user\nReply to: {{post}}\n' });
      const study = parseStudy(manifest(server.baseURL).replace('name: remote', 'name: wrongkey'));
      const row = await upsertStudy(db, { name: 'wrongkey', title: null, manifestJson: '{}', manifestHash: 'm', contentHash: 'c' });
      await insertPosts(db, Array.from({ length: 30 }, (_, i) => ({ id: `${row.id}-q${i}`, study_id: row.id, external_id: `q${i}`, domain: 'anger', title: null, text: 'text', word_count: 1, import_id: null, created_at: 'now' })));
      const providers = new Map([['gpt4', openAiProvider({ baseURL: server.baseURL, apiKey: 'bad', timeoutMs: 300, label: 'gpt4' })]]);
      try {
        server.fallback({ kind: 'status', status: 404 });
        let before = server.requests.length;
        const [t] = await runGeneration({ db, study, studyId: row.id, contentHash: 'c', plans: await planGeneration(study, dir), providers });
        // 60 units; the 10th failure in a row stops the source; calls already in flight (concurrency 4) finish.
        expect(server.requests.length - before).toBeGreaterThanOrEqual(10);
        expect(server.requests.length - before).toBeLessThanOrEqual(13);
        expect(t?.stopped).toMatch(/^stopped after 1[0-3] failures in a row; the last: gpt4: HTTP 404: unknown model "gpt-4-turbo" or wrong endpoint$/);
        server.fallback({ kind: 'status', status: 401 });
        before = server.requests.length;
        const [k] = await runGeneration({ db, study, studyId: row.id, contentHash: 'c', plans: await planGeneration(study, dir), providers });
        expect(server.requests.length - before).toBe(1);
        expect(k).toMatchObject({ authFailure: true, failed: 1, stopped: 'stopped after the first call: gpt4: HTTP 401: wrong or missing API key (check the environment variable named by api_key_env)' });
      } finally {
        server.fallback({ kind: 'ok' });
      }
    });
  });
}

describe('generate from the CLI against the fake server', () => {
  it('reads the key from the environment variable the manifest names, and refuses when it is unset', async () => {
    const dir = await tempFolder({ 'prompts/base.md': '## user\nReply to: {{post}}\n', 'posts.csv': 'post_id,domain,text\np1,anger,I am so angry at my brother.\np2,anger,My boss shouted at me today.\n' });
    await writeFile(path.join(dir, 'study.yaml'), manifest(server.baseURL));
    expect((await cli('import', dir)).code).toBe(0);
    delete process.env.FAKE_OPENAI_KEY;
    const missing = await cli('generate', dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/sources\[1\]\.api_key_env: the environment variable FAKE_OPENAI_KEY is not set/);
    process.env.FAKE_OPENAI_KEY = 'sk-from-env';
    try {
      const r = await cli('generate', dir, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)[0]).toMatchObject({ source: 'gpt4', condition: 'base', done: 4, failed: 0 });
      expect(server.requests.at(-1)?.authorization).toBe('Bearer sk-from-env');
      const status = JSON.parse((await cli('status', dir, '--json')).stdout);
      expect(status.responses).toEqual([{ source: 'gpt4', condition: 'base', responses: 4 }]);
    } finally {
      delete process.env.FAKE_OPENAI_KEY;
    }
  });
});

describe('cache, budget and dry run from the CLI', () => {
  it('a rerun after the responses are lost is served from the cache: no new calls', async () => {
    const dir = await tempFolder({ 'prompts/base.md': '## user\nReply to: {{post}}\n', 'posts.csv': 'post_id,domain,text\np1,anger,I am so angry at my brother.\np2,anger,My boss shouted at me today.\n' });
    await writeFile(path.join(dir, 'study.yaml'), manifest(server.baseURL).replace('name: remote', 'name: cached').replace('    api_key_env: FAKE_OPENAI_KEY\n', ''));
    await cli('import', dir);
    const before = server.requests.length;
    expect(JSON.parse((await cli('generate', dir, '--json')).stdout)[0]).toMatchObject({ done: 4 });
    expect(server.requests.length - before).toBe(4);
    // Lose the replies (a crash before they were kept, or a fresh copy of the study sharing the database).
    const { openDb } = await import('../../src/cli/open-db.js');
    const opened = await openDb(undefined, dir);
    await opened.db.deleteFrom('generation_attempts').execute();
    await opened.db.deleteFrom('responses').execute();
    await opened.close();
    expect(JSON.parse((await cli('generate', dir, '--json')).stdout)[0]).toMatchObject({ done: 4 });
    expect(server.requests.length - before).toBe(4);
  });

  it('--dry-run estimates calls, tokens and cost; --budget stops before crossing it', async () => {
    const dir = await tempFolder({ 'prompts/base.md': '## user\nReply to: {{post}}\n', 'posts.csv': 'post_id,domain,text\n' + Array.from({ length: 10 }, (_, i) => `p${i},anger,Post number ${i} about anger.`).join('\n') + '\n' });
    await writeFile(path.join(dir, 'study.yaml'), manifest(server.baseURL).replace('name: remote', 'name: budget').replace('    api_key_env: FAKE_OPENAI_KEY\n', ''));
    await cli('import', dir);
    const dry = JSON.parse((await cli('generate', dir, '--dry-run', '--json')).stdout).calls[0];
    // 10 posts x 2 samples; out: at most 512 tokens each; price $10 / $30 per million.
    expect(dry).toMatchObject({ source: 'gpt4', condition: 'base', calls: 20, tokensOut: 20 * 512 });
    expect(dry.costUsd).toBeCloseTo((dry.tokensIn * 10 + dry.tokensOut * 30) / 1e6, 12);
    // Each call is budgeted at its estimate (prompt + 512 tokens at the higher price): about $0.016; $0.05 allows 3.
    const r = await cli('generate', dir, '--budget', '0.05', '--json');
    const t = JSON.parse(r.stdout)[0];
    expect(t.done).toBeGreaterThan(0);
    expect(t.done).toBeLessThan(20);
    expect(t.costUsd).toBeLessThanOrEqual(0.05);
    expect(t.stopped).toMatch(/past the budget of \$0\.05/);
  });
});

describe('blinding, retries, redo and variants from the CLI', () => {
  it('cleans replies for blinding with a log, counts retries, redoes failed checks keeping history, and makes variants', async () => {
    const dir = await tempFolder({ 'prompts/base.md': '## user\nReply to: {{post}}\n', 'posts.csv': 'post_id,domain,text\np1,anger,I am so angry at my brother.\n' });
    await writeFile(path.join(dir, 'study.yaml'), manifest(server.baseURL).replace('name: remote', 'name: blinded').replace('    api_key_env: FAKE_OPENAI_KEY\n', '').replace('samples: 2', 'samples: 1').replace('generation: { min_words: 1, max_words: 200 }', 'generation: { min_words: 5, max_words: 200 }'));
    await cli('import', dir);
    server.script({ kind: 'status', status: 429, retryAfter: '0' }, { kind: 'ok', text: '**Hey!** As an AI, I cannot feel. That sounds hard 😢!\n\nWarm regards,\nBot' });
    const first = JSON.parse((await cli('generate', dir, '--json')).stdout)[0];
    expect(first).toMatchObject({ done: 0, retried: 1, failedChecks: 1 }); // "Hey! That sounds hard 😢!" has 4 words < 5
    const { openDb } = await import('../../src/cli/open-db.js');
    const read = async () => {
      const opened = await openDb(undefined, dir);
      try {
        return await opened.db.selectFrom('responses').select(['id', 'text', 'variant', 'parent_id', 'transforms_json', 'checks_json']).orderBy('created_at').execute();
      } finally {
        await opened.close();
      }
    };
    const [stored] = await read();
    expect(stored?.text).toBe('Hey! That sounds hard 😢!');
    expect(JSON.parse(stored?.transforms_json as string).map((l: { transform: string }) => l.transform)).toEqual(['remove-sign-off', 'markdown-to-plain', 'remove-ai-disclosure']);

    const before = server.requests.length;
    server.script({ kind: 'ok', text: 'That sounds really hard, and your anger makes sense!' });
    const redo = await cli('generate', dir, '--redo', 'failed-checks', '--json');
    expect(redo.stderr).toContain('1 replies with failed checks kept as history and generated again');
    expect(server.requests.length - before).toBe(1); // not served from the cache
    const after = await read();
    expect(after.map((r) => r.variant)).toEqual([`superseded-${stored?.id}`, '']);
    expect(after[1]?.text).toBe('That sounds really hard, and your anger makes sense!');

    const v = await cli('variants', dir, '--make', 'no-exclamation,truncate-3', '--json');
    expect(JSON.parse(v.stdout)).toEqual([
      { variant: 'no-exclamation', made: 1, already: 0, unchanged: 0 },
      { variant: 'truncate-3', made: 1, already: 0, unchanged: 0 },
    ]);
    const withVariants = await read();
    const noExcl = withVariants.find((r) => r.variant === 'no-exclamation');
    expect(noExcl).toMatchObject({ text: 'That sounds really hard, and your anger makes sense.', parent_id: after[1]?.id });
    expect(JSON.parse((await cli('variants', dir, '--make', 'no-exclamation', '--json')).stdout)[0]).toMatchObject({ made: 0, already: 1 });
    expect((await cli('variants', dir, '--make', 'shout')).stderr).toMatch(/unknown variant "shout"/);
  });
});
