/**
 * bench/generate: 2,000 units against a fake OpenAI-compatible server on 127.0.0.1 that answers
 * every call after 200 ms, under a requests-per-minute limit, through the real provider (official
 * SDK), retry wrapper, runner and SQLite store, with every unit claimed under a 60-second lease
 * renewed by the heartbeat and every call written to generation_attempts when it starts and when it
 * ends, as `generate` runs. Prints the wall time next to the ideal time the limit allows
 * ((units - 1) / rate + latency), and their ratio (target: 96% of ideal or better).
 *
 *   npx tsx bench/generate/run.ts [--units 2000] [--rpm 6000] [--concurrency 40]
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../src/cli/open-db.js';
import { openAiProvider } from '../../src/generate/providers/openai-provider.js';
import { withRetries } from '../../src/generate/retry.js';
import { planGeneration, runGeneration } from '../../src/generate/runner.js';
import { parseStudy } from '../../src/study/load.js';
import { insertPosts } from '../../src/store/posts.repository.js';
import { upsertStudy } from '../../src/store/studies.repository.js';
import { startFakeOpenAi } from '../../test/helpers/fake-openai.js';

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const units = arg('--units', 2000);
const rpm = arg('--rpm', 6000);
const concurrency = arg('--concurrency', 40);
const latencyMs = 200;
const samples = 20;
const posts = Math.ceil(units / samples);

const server = await startFakeOpenAi();
server.fallback({ kind: 'ok', text: 'That sounds really hard, and it makes sense that you feel this way.', delayMs: latencyMs });
const dir = await mkdtemp(path.join(os.tmpdir(), 'el-bench-gen-'));
await writeFile(path.join(dir, 'base.md'), '## user\nReply to: {{post}}\n');
const study = parseStudy(`
name: bench
domains: [anger]
sources:
  - id: model
    kind: model
    provider: openai
    model: fake
    endpoint: ${server.baseURL}
    samples: ${samples}
    concurrency: ${concurrency}
    requests_per_minute: ${rpm}
    conditions: [{ id: base, prompt: base.md }]
generation: { min_words: 1, max_words: 100 }
instrument: { scales: [{ id: empathy, question: Q }] }
`);
const opened = await openDb(path.join(dir, 'bench.sqlite'), dir);
const row = await upsertStudy(opened.db, { name: 'bench', title: null, manifestJson: '{}', manifestHash: 'm', contentHash: 'c' });
await insertPosts(opened.db, Array.from({ length: posts }, (_, i) => ({ id: `p${i}`, study_id: row.id, external_id: `p${i}`, domain: 'anger', title: null, text: `Post ${i}`, word_count: 2, import_id: null, created_at: 'now' })));
const provider = withRetries(openAiProvider({ baseURL: server.baseURL, apiKey: 'k', timeoutMs: 10_000, label: 'model' }), {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  timeoutMs: 10_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
});
const t0 = performance.now();
const [tally] = await runGeneration({
  db: opened.db,
  study,
  studyId: row.id,
  contentHash: 'c',
  plans: await planGeneration(study, dir),
  providers: new Map([['model', provider]]),
  claims: { worker: `bench:${process.pid}:1`, leaseMs: 60_000, isDead: () => false },
});
const wall = (performance.now() - t0) / 1000;
const ideal = (posts * samples - 1) / (rpm / 60) + latencyMs / 1000;
console.log(`bench/generate: ${posts * samples} units, ${latencyMs} ms per call, limit ${rpm} requests/minute, concurrency ${concurrency}`);
const attempts = await opened.db.selectFrom('generation_attempts').select(opened.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
console.log(`done ${tally?.done}, failed ${tally?.failed}; server saw ${server.requests.length} requests; ${Number(attempts.n)} calls on record; claims with a 60 s lease and heartbeat`);
console.log(`wall ${wall.toFixed(2)} s, ideal ${ideal.toFixed(2)} s: ${((ideal / wall) * 100).toFixed(1)}% of ideal`);
await opened.close();
await server.close();
