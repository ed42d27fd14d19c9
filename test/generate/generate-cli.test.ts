/**
 * What `generate` says and how it exits when it cannot do everything asked: a wrong key, a budget,
 * a replay file that does not match the study, an undeclared source.
 */
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/cli/open-db.js';
import { cli } from '../helpers/cli.js';
import { fakeOpenAiForSuite } from '../helpers/fake-openai.js';
import { tempFolder } from '../helpers/study.js';

const POSTS = 24;

function study(endpoint: string, extra = ''): Record<string, string> {
  return {
    'study.yaml': `
name: gencli
domains: [anger]
corpus: { posts: { file: posts.csv } }
sources:
  - { id: human, kind: corpus }
  - { id: alpha, kind: model, provider: openai, model: fake-a, endpoint: ${endpoint}, api_key_env: FAKE_KEY, concurrency: 4, timeout_seconds: 5, params: { max_tokens: 20 } }
  - { id: tape, kind: model, provider: replay, model: recorded, file: tape.jsonl }
prices: { fake-a: { input_per_mtok: 1000, output_per_mtok: 2000 } }
generation: { min_words: 1, max_words: 100 }
instrument: { scales: [{ id: empathy, question: Q }] }
${extra}`,
    'prompts/base.md': '## user\nReply to: {{post}}\n',
    'posts.csv': `post_id,domain,text\n${Array.from({ length: POSTS }, (_, i) => `p${i},anger,Post ${i} about a bad day.`).join('\n')}\n`,
    // Recordings for 20 of the 24 posts, and 2 for posts the study does not have.
    'tape.jsonl': [...Array.from({ length: 20 }, (_, i) => JSON.stringify({ post_id: `p${i}`, text: `A recorded reply to post ${i}.` })), JSON.stringify({ post_id: 'x1', text: 'stray' }), JSON.stringify({ post_id: 'x2', text: 'stray' })].join('\n') + '\n',
  };
}

const fake = fakeOpenAiForSuite();

describe('generate: exit statuses and what they say', () => {
  it('a refused key stops the source after its first call, and the run exits 1 saying what to fix', async () => {
    const dir = await tempFolder(study(fake.server.baseURL));
    expect((await cli('import', dir)).code).toBe(0);
    fake.server.requests.length = 0;
    fake.server.fallback({ kind: 'status', status: 401 });
    try {
      const r = await cli('generate', dir, '--source', 'alpha');
      expect(r.code).toBe(1);
      expect(fake.server.requests).toHaveLength(1);
      expect(r.stderr.split('\n').at(-1)).toBe('empathy-lab: alpha: the provider refused the key (alpha: HTTP 401: wrong or missing API key (check the environment variable named by api_key_env)); fix the key in the environment variable named by api_key_env, then run generate again');
    } finally {
      fake.server.fallback({ kind: 'ok' });
    }
  });

  it('--budget: the stop message, the summary and the database agree to the cent; the progress stops where the run stopped; exit 3', async () => {
    const dir = await tempFolder(study(fake.server.baseURL));
    expect((await cli('import', dir)).code).toBe(0);
    fake.server.fallback({ kind: 'ok' });
    const r = await cli('generate', dir, '--source', 'alpha', '--budget', '0.5', '--concurrency', '1', '--json');
    expect(r.code).toBe(3);
    const [tally] = JSON.parse(r.stdout) as Array<{ done: number; heldBack: number; costUsd: number; asked: number; stillToDo: number }>;
    // Each call: 11 tokens in at $1000/M and 7 out at $2000/M = $0.025.
    expect(tally).toMatchObject({ asked: 24, stillToDo: 0 });
    expect(tally?.done).toBeGreaterThan(0);
    expect((tally?.done ?? 0) + (tally?.heldBack ?? 0)).toBe(24);
    expect(tally?.costUsd).toBeCloseTo((tally?.done ?? 0) * 0.025, 10);
    const opened = await openDb(undefined, dir);
    const rows = await opened.db.selectFrom('responses').select('cost_usd').where('source', '=', 'alpha').execute();
    await opened.close();
    const inDb = rows.reduce((s, x) => s + (x.cost_usd ?? 0), 0);
    expect(inDb.toFixed(2)).toBe((tally?.costUsd ?? 0).toFixed(2));
    expect(r.stderr).toContain(`$${(tally?.costUsd ?? 0).toFixed(4)} spent by this run`);
    expect(r.stderr).toContain(`generation incomplete: ${tally?.heldBack} held back by the budget of 24 units`);
    // The progress line stops where the run stopped.
    expect(r.stderr).not.toContain('generating: 24/24');
  });

  it('replay: lines for posts not in the study and posts with no line are reported; the missing ones fail; exit 3', async () => {
    const dir = await tempFolder(study(fake.server.baseURL));
    expect((await cli('import', dir)).code).toBe(0);
    const r = await cli('generate', dir, '--source', 'tape');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('tape: 2 recorded replies name posts not in the study, ignored (x1, x2); check tape.jsonl');
    expect(r.stderr).toContain('tape: 4 posts have no recorded reply in tape.jsonl (p20, p21, p22, p23); their units fail');
    expect(r.stderr.split('\n').at(-1)).toBe(`empathy-lab: generation incomplete: 4 failed of 24 units; run \`empathy-lab generate ${dir} --source tape\` to finish`);
  });

  it('refuses an undeclared source in generate and variants, naming the declared ones', async () => {
    const dir = await tempFolder(study(fake.server.baseURL));
    const g = await cli('generate', dir, '--source', 'llama2');
    expect(g.code).toBe(1);
    expect(g.stderr).toBe('empathy-lab: --source: "llama2" is not a model source of this study; use one of alpha, tape');
    const v = await cli('variants', dir, '--make', 'no-emoji', '--source', 'llama2');
    expect(v.code).toBe(1);
    expect(v.stderr).toBe('empathy-lab: --source: "llama2" is not a source of this study; use one of human, alpha, tape');
    const c = await cli('generate', dir, '--concurrency', 'lots');
    expect(c.stderr).toBe('empathy-lab: --concurrency: expected a whole number of calls in flight, got "lots"; e.g. --concurrency 8');
  });

  it('--no-cache makes the call anew; otherwise a reply the cache holds is taken from it and recorded as cached', async () => {
    const dir = await tempFolder(study(fake.server.baseURL));
    expect((await cli('import', dir)).code).toBe(0);
    fake.server.fallback({ kind: 'ok' });
    expect((await cli('generate', dir, '--source', 'alpha')).code).toBe(0);
    const forget = async () => {
      const opened = await openDb(undefined, dir);
      await opened.db.deleteFrom('generation_attempts').execute();
      await opened.db.deleteFrom('responses').where('source', '=', 'alpha').execute();
      await opened.close();
    };
    const statuses = async () => {
      const opened = await openDb(undefined, dir);
      const rows = await opened.db.selectFrom('generation_attempts').select('status').execute();
      await opened.close();
      return new Set(rows.map((r) => r.status));
    };
    await forget();
    let before = fake.server.requests.length;
    expect((await cli('generate', dir, '--source', 'alpha')).code).toBe(0);
    expect(fake.server.requests.length - before).toBe(0);
    expect(await statuses()).toEqual(new Set(['cached']));
    await forget();
    before = fake.server.requests.length;
    expect((await cli('generate', dir, '--source', 'alpha', '--no-cache')).code).toBe(0);
    expect(fake.server.requests.length - before).toBe(24);
    expect(await statuses()).toEqual(new Set(['ok']));
  });
});
