/**
 * `judge` against a fake OpenAI-compatible judge whose scores are a known function of the human
 * ratings: the true score of each reply (every rater gives it), plus a planted bias of +1 point for
 * one source, plus noise of -1, 0 or +1 in turn. The calibration recovers the bias within its
 * interval, and none for the other source; malformed JSON, a refusal and an out-of-range score are
 * asked again and, when they persist, recorded as failed, never stored as scores.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/cli/open-db.js';
import { cli } from '../helpers/cli.js';
import { fakeOpenAiForSuite } from '../helpers/fake-openai.js';
import { tempFolder } from '../helpers/study.js';

const POSTS = 40;
const fake = fakeOpenAiForSuite();

/** Reply texts of two sources; a reply's true score is 2 or 3, and gpt4's judge score gets +1. */
function corpus() {
  const replies: Array<{ post: string; source: 'human' | 'gpt4'; text: string; truth: number }> = [];
  for (let p = 0; p < POSTS; p++)
    for (const source of ['human', 'gpt4'] as const) {
      const truth = 2 + ((p + (source === 'gpt4' ? 1 : 0)) % 2);
      replies.push({ post: `p${p}`, source, truth, text: `Reply ${source} ${p}: that sounds hard, and ${'it makes sense to feel this way '.repeat(1 + (p % 3))}.` });
    }
  return replies;
}

function study(endpoint: string, samples: number): Record<string, string> {
  const replies = corpus();
  const ratings = replies.flatMap((r) => Array.from({ length: 3 }, (_, k) => `r${(Number(r.post.slice(1)) + k) % 12},${r.post},${r.source},empathy,${r.truth}`));
  return {
    'study.yaml': `
name: judged
domains: [anger]
corpus:
  posts: { file: posts.csv }
  replies:
    - { file: replies.csv, columns: { post: post_id, text: text, source: source } }
  ratings:
    - { file: ratings.csv, scale: empathy }
sources:
  - { id: human, kind: corpus }
  - { id: gpt4, kind: corpus }
instrument:
  scales:
    - { id: empathy, question: How empathic is this response?, points: 5, anchors: [Not empathic, Slightly, Moderately, Quite, Very empathic] }
exclusions: { incomplete: false, max_attention_failures: 0 }
judges:
  - { id: fake, provider: openai, model: judge-1, endpoint: ${endpoint}, api_key_env: FAKE_KEY, samples: ${samples}, concurrency: 4, timeout_seconds: 5 }
`,
    'posts.csv': `post_id,domain,text\n${Array.from({ length: POSTS }, (_, p) => `p${p},anger,Post ${p}: my brother keeps borrowing my car and laughs when I complain.`).join('\n')}\n`,
    'replies.csv': `post_id,source,text\n${replies.map((r) => `${r.post},${r.source},"${r.text}"`).join('\n')}\n`,
    'ratings.csv': `rater,post,source,scale,value\n${ratings.join('\n')}\n`,
  };
}

/** The fake judge: each reply's true score, +1 for gpt4, and noise -1, 0, +1 by reply and sample. */
function judgeAnswer(n: number): string {
  const body = fake.server.requests[n - 1]?.body as { messages: Array<{ content: string }> };
  const user = body.messages.at(-1)?.content ?? '';
  const reply = corpus().find((r) => user.includes(r.text));
  if (!reply) return 'I cannot find the reply.';
  const p = Number(reply.post.slice(1));
  const noise = [-1, 0, 1][(p + n) % 3] as number;
  const score = Math.min(5, Math.max(1, reply.truth + (reply.source === 'gpt4' ? 1 : 0) + noise));
  return `{"scores": {"empathy": ${score}}, "rationale": "planted"}`;
}

describe('judge: calibration against planted biases', () => {
  it('recovers a planted source bias within its interval, none for the other source, and disagrees with people on the contrast it biases', async () => {
    const dir = await tempFolder(study(fake.server.baseURL, 2));
    expect((await cli('import', dir)).code).toBe(0);
    fake.server.requests.length = 0;
    fake.server.fallback((n) => ({ kind: 'ok', text: judgeAnswer(n) }));
    try {
      const dry = await cli('judge', dir, '--dry-run', '--json');
      expect(JSON.parse(dry.stdout)).toEqual([{ judge: 'fake', provider: 'openai', model: 'judge-1', replies: 80, calls: 160, atMost: 480 }]);
      expect(fake.server.requests).toHaveLength(0);
      const r = await cli('judge', dir, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)[0]).toMatchObject({ judge: 'fake', replies: 80, asked: 160, done: 160, failed: 0 });
      // The request: blinded (no source named), the JSON Schema sent, the study's scale verbatim.
      const first = fake.server.requests[0]?.body as { messages: Array<{ role: string; content: string }>; response_format: { type: string; json_schema: { schema: { properties: { scores: { required: string[] } } } } } };
      expect(first.response_format.type).toBe('json_schema');
      expect(first.response_format.json_schema.schema.properties.scores.required).toEqual(['empathy']);
      expect(first.messages[0]?.content).toContain('- empathy: How empathic is this response? (a whole number, 1 = Not empathic; 2 = Slightly; 3 = Moderately; 4 = Quite; 5 = Very empathic)');
      expect(first.messages[1]?.content).not.toMatch(/\bsource\b|\bhuman\b(?! \d)/i);
      expect((await cli('analyze', dir)).code).toBe(0);
      const doc = JSON.parse(await (await import('node:fs/promises')).readFile(path.join(dir, 'analysis.json'), 'utf8'));
      const [c] = doc.judgeCalibration;
      expect(c).toMatchObject({ judge: 'fake', scale: 'empathy', replies: 80 });
      const gpt4 = c.biasBySource.find((b: { source: string }) => b.source === 'gpt4');
      const human = c.biasBySource.find((b: { source: string }) => b.source === 'human');
      expect(gpt4.lower).toBeLessThan(1);
      expect(gpt4.upper).toBeGreaterThan(1);
      expect(gpt4.lower).toBeGreaterThan(0);
      expect(human.lower).toBeLessThan(0);
      expect(human.upper).toBeGreaterThan(0);
      // Both sources have true means of 2.5: people see no difference, the judge a significant one.
      expect(c.contrasts).toHaveLength(1);
      expect(c.contrasts[0]).toMatchObject({ contrast: 'human - gpt4', sameVerdict: false });
      expect(c.contrasts[0].human).toBeCloseTo(0, 10);
      expect(c.contrasts[0].judgeP).toBeLessThan(0.001);
      expect(c.contrasts[0].judge).toBeLessThan(-0.5);
      expect(c.testRetest.samples).toBe(2);
      expect(c.testRetest.replies).toBe(80);
      expect(c.pearson.r).toBeGreaterThan(0);
      // A rerun asks for nothing.
      const again = await cli('judge', dir, '--json');
      expect(JSON.parse(again.stdout)[0]).toMatchObject({ done: 0, already: 160 });
      expect(fake.server.requests).toHaveLength(160);
    } finally {
      fake.server.fallback({ kind: 'ok' });
    }
  });

  it('malformed JSON, a refusal and an out-of-range score are asked again, then recorded as failed, never as scores; exit 3', async () => {
    const dir = await tempFolder(study(fake.server.baseURL, 1));
    expect((await cli('import', dir)).code).toBe(0);
    const bad = corpus()[0] as { text: string };
    const flaky = corpus()[1] as { text: string };
    const seen = new Map<string, number>();
    fake.server.fallback((n) => {
      const user = (fake.server.requests[n - 1]?.body as { messages: Array<{ content: string }> }).messages.at(-1)?.content ?? '';
      if (user.includes(bad.text)) {
        const k = (seen.get('bad') ?? 0) + 1;
        seen.set('bad', k);
        return { kind: 'ok', text: ['{"scores": {"empathy": 4', 'I cannot help with rating this.', '{"scores": {"empathy": 9}, "rationale": "x"}'][k - 1] ?? '' };
      }
      if (user.includes(flaky.text) && !seen.has('flaky')) {
        seen.set('flaky', 1);
        return { kind: 'malformed' };
      }
      return { kind: 'ok', text: user.includes(flaky.text) ? 'Here you go: ```json\n{"scores": {"empathy": "4"}, "rationale": "ok"}\n```' : '{"scores": {"empathy": 3}, "rationale": "ok"}' };
    });
    try {
      const r = await cli('judge', dir, '--json');
      expect(r.code).toBe(3);
      expect(r.stderr.trim().split("\n").at(-1)).toBe(`empathy-lab: 1 sample failed (recorded, not scores); run \`empathy-lab judge ${dir}\` again to ask for them`);
      const store = await openDb(undefined, dir);
      try {
        const failed = await store.db.selectFrom('judge_samples').select(['status', 'error', 'attempts']).where('status', '=', 'failed').execute();
        expect(failed).toEqual([{ status: 'failed', error: 'empathy = 9 is outside 1 to 5', attempts: 3 }]);
        const scores = await store.db.selectFrom('judge_scores').innerJoin('responses', 'responses.id', 'judge_scores.response_id').select(['responses.text as text', 'judge_scores.value as value']).execute();
        expect(scores).toHaveLength(79);
        expect(scores.some((s) => s.text === bad.text)).toBe(false);
        // The flaky reply: a malformed HTTP body (retried by the provider), then a fenced answer with a quoted number.
        expect(scores.find((s) => s.text === flaky.text)?.value).toBe(4);
      } finally {
        await store.close();
      }
    } finally {
      fake.server.fallback({ kind: 'ok' });
    }
  });
});

describe('judge: budget and several workers', () => {
  it('--budget: stops starting samples when the next would not fit, says so, exits 3; every call is on record', async () => {
    const files = study(fake.server.baseURL, 1);
    files['study.yaml'] += 'prices: { judge-1: { input_per_mtok: 1000, output_per_mtok: 2000 } }\n';
    const dir = await tempFolder(files);
    expect((await cli('import', dir)).code).toBe(0);
    fake.server.requests.length = 0;
    fake.server.fallback((n) => ({ kind: 'ok', text: judgeAnswer(n) }));
    try {
      // Each call: 11 tokens in at $1000/M and 7 out at $2000/M = $0.025; the estimate is higher (the prompt's length, 400 tokens out).
      const r = await cli('judge', dir, '--budget', '1', '--json');
      expect(r.code).toBe(3);
      const [t] = JSON.parse(r.stdout);
      expect(t.heldBack).toBeGreaterThan(0);
      expect(t.done + t.heldBack).toBe(80);
      expect(t.costUsd).toBeCloseTo(t.done * 0.025, 10);
      expect(t.costUsd).toBeLessThanOrEqual(1);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(`empathy-lab: ${t.heldBack} held back by the budget; run \`empathy-lab judge ${dir}\` again to ask for them (with a larger --budget)`);
      const store = await openDb(undefined, dir);
      try {
        const calls = await store.db.selectFrom('generation_attempts').select(['unit_key', 'status']).where('unit_key', 'like', 'judge:fake:%').execute();
        expect(calls).toHaveLength(t.done);
        expect(calls.every((c) => c.status === 'ok')).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      fake.server.fallback({ kind: 'ok' });
    }
  });

  it('two judge processes at once on one study: each sample paid for once, and a rerun finishes', async () => {
    const dir = await tempFolder(study(fake.server.baseURL, 1));
    expect((await cli('import', dir)).code).toBe(0);
    fake.server.requests.length = 0;
    fake.server.fallback((n) => ({ kind: 'ok', text: judgeAnswer(n), delayMs: 40 }));
    try {
      const [a, b] = await Promise.all([cli('judge', dir, '--json'), cli('judge', dir, '--json')]);
      const done = [a, b].map((x) => JSON.parse(x.stdout)[0].done as number);
      expect(done[0] + done[1]).toBeLessThanOrEqual(80);
      expect(fake.server.requests.length).toBe(done[0] + done[1]);
      const again = await cli('judge', dir, '--json');
      expect(again.code).toBe(0);
      const t = JSON.parse(again.stdout)[0];
      expect(t.already + t.done).toBe(80);
      expect(fake.server.requests.length).toBe(80);
    } finally {
      fake.server.fallback({ kind: 'ok' });
    }
  });
});
