import { describe, expect, it } from 'vitest';
import { checkReply, hasRepetitionLoop } from '../../src/generate/checks.js';
import { parsePrompt, renderPrompt } from '../../src/generate/prompts.js';
import { ProviderError, type Provider } from '../../src/generate/provider.js';
import { elizaProvider, elizaReply, reflect } from '../../src/generate/providers/eliza-provider.js';
import { planGeneration, runGeneration, splitLabelled } from '../../src/generate/runner.js';
import { UserError } from '../../src/errors.js';
import { parseStudy } from '../../src/study/load.js';
import { insertPosts } from '../../src/store/posts.repository.js';
import { upsertStudy } from '../../src/store/studies.repository.js';
import type { Db } from '../../src/store/tables.js';
import { sha256 } from '../../src/study/hash.js';
import { backends, databaseForSuite } from '../helpers/backends.js';
import { tempFolder } from '../helpers/study.js';

const POST = "I snapped at my neighbour this morning and I can't stop replaying it. I feel sick about it. My brother says I am overreacting.";

describe('eliza', () => {
  it('reflects first and second person', () => {
    expect(reflect("I am sure my mother hates me")).toBe('you are sure your mother hates you');
  });

  it('answers deterministically, reflecting the writer\'s statements and probing keywords, within the range', () => {
    const a = elizaReply(POST, 0);
    expect(a).toBe(elizaReply(POST, 0));
    expect(a).not.toBe(elizaReply(POST, 1));
    expect(a).toMatch(/stop replaying it\?/);
    expect(a).toMatch(/feel(ing)? sick about it/);
    expect(a).toMatch(/Tell me more about your family\.|How do you get along with your family\?/);
    const n = a.split(/\s+/).length;
    expect(n).toBeGreaterThanOrEqual(100);
    expect(n).toBeLessThanOrEqual(150);
  });

  it('is a provider: usage, finish reason, and a typed error for an empty post', async () => {
    const p = elizaProvider({ min: 100, max: 150 });
    const req = { model: 'eliza-1966', messages: [{ role: 'user' as const, content: `Reply to: ${POST}` }], params: { temperature: 0.1, top_p: 0.9, max_tokens: 512 }, unit: { postId: 'p1', source: 'eliza', condition: 'base', sampleIndex: 0 }, post: { text: POST, title: null, domain: 'anger' } };
    const r = await p.generate(req, {});
    expect(r.finishReason).toBe('stop');
    expect(r.usage.outputTokens).toBeGreaterThan(0);
    await expect(p.generate({ ...req, post: { ...req.post, text: ' ' } }, {})).rejects.toMatchObject({ name: 'ProviderError', retriable: false });
  });
});

describe('prompts', () => {
  it('parses system and user parts and fills variables', () => {
    const t = parsePrompt('## system\nYou are a peer supporter.\n\n## user\nPost in {{domain}}:\n{{post}}\nWrite {{min_words}} to {{max_words}} words.', 'base.md');
    expect(renderPrompt(t, { post: 'Help', title: '', domain: 'anxiety', min_words: '100', max_words: '150' })).toEqual([
      { role: 'system', content: 'You are a peer supporter.' },
      { role: 'user', content: 'Post in anxiety:\nHelp\nWrite 100 to 150 words.' },
    ]);
  });

  it.each([
    ['## user\nReply to {{psot}}', 'base.md:2: unknown variable {{psot}}'],
    ['Hello\n## user\n{{post}}', 'base.md:1: text before the first'],
    ['## sytem\nx\n## user\n{{post}}', 'base.md:1: unknown prompt part "## sytem"'],
    ['## system\nonly a system part', 'base.md: the prompt has no "## user" part'],
  ])('rejects %j with the file and line', (text, message) => {
    expect(() => parsePrompt(text, 'base.md')).toThrow(UserError);
    try {
      parsePrompt(text, 'base.md');
    } catch (err) {
      expect((err as UserError).format()).toContain(message);
    }
  });
});

describe('reply checks', () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
  it('flags length, refusals, AI self-disclosure, repetition loops, empty output and truncation', () => {
    expect(checkReply(words(120), 'stop', { min: 100, max: 150 }).passed).toBe(true);
    expect(checkReply(words(90), 'stop', { min: 100, max: 150 })).toMatchObject({ inRange: false, passed: false });
    expect(checkReply("I'm sorry, but I can't help with that.", 'stop', { min: 1, max: 50 }).refusal).toBe(true);
    expect(checkReply('As an AI language model, I do not have feelings, but that sounds hard.', 'stop', { min: 1, max: 50 }).aiDisclosure).toBe(true);
    expect(checkReply('I’m just an AI, yet I hear you.', 'stop', { min: 1, max: 50 }).aiDisclosure).toBe(true);
    expect(hasRepetitionLoop('you you you you are not alone')).toBe(true);
    expect(hasRepetitionLoop('it will be okay it will be okay it will be okay')).toBe(true);
    expect(hasRepetitionLoop('It will be okay. It will take time, and it will get better.')).toBe(false);
    expect(checkReply('', 'stop', { min: 0, max: 10 }).empty).toBe(true);
    expect(checkReply(words(120), 'length', { min: 100, max: 150 })).toMatchObject({ truncated: true, passed: false });
  });

  it('splits one reply into labelled parts', () => {
    const parts = splitLabelled('VERY_LOW: Whatever.\n\nVERY_HIGH: That sounds so hard, and it makes sense.', ['very_low', 'very_high']);
    expect(parts && Object.fromEntries(parts)).toEqual({ very_low: 'Whatever.', very_high: 'That sounds so hard, and it makes sense.' });
    expect(splitLabelled('Only one reply', ['very_low', 'very_high'])).toBeNull();
  });
});

for (const backend of await backends()) {
  describe(`generation on ${backend.name}`, () => {
    let db: Db;
    databaseForSuite(backend, (d) => (db = d));

    it('generates every unit once, skips them on a rerun, and records failures without stopping', async () => {
      const dir = await tempFolder({ 'prompts/base.md': '## user\nReply to: {{post}}\n' });
      const study = parseStudy(`
name: gen
domains: [anger]
sources:
  - { id: human, kind: corpus }
  - { id: eliza, kind: model, provider: eliza, model: eliza-1966, samples: 2 }
  - { id: flaky, kind: model, provider: eliza, model: flaky-1 }
prices: { eliza-1966: { input_per_mtok: 1, output_per_mtok: 2 } }
instrument: { scales: [{ id: empathy, question: Q }] }
`);
      const row = await upsertStudy(db, { name: 'gen', title: null, manifestJson: '{}', manifestHash: 'm', contentHash: 'c' });
      await insertPosts(db, ['p1', 'p2', 'p3'].map((id) => ({ id: `${row.id}-${id}`, study_id: row.id, external_id: id, domain: 'anger', title: null, text: `${POST} (${id})`, word_count: 20, import_id: null, created_at: 'now' })));
      const plans = await planGeneration(study, dir);
      let calls = 0;
      const flaky: Provider = {
        id: 'flaky',
        sends: (p) => ({ temperature: p.temperature }),
        readsPrompt: true,
        async generate(req) {
          calls++;
          if (req.unit.postId === 'p2') throw new ProviderError('HTTP 500 from the server', true, 500);
          return { text: elizaReply(req.post.text), usage: { inputTokens: 10, outputTokens: 20 }, latencyMs: 5, finishReason: 'stop' };
        },
      };
      const providers = new Map<string, Provider>([['eliza', elizaProvider({ min: 100, max: 150 })], ['flaky', flaky]]);
      const first = await runGeneration({ db, study, studyId: row.id, contentHash: 'c', plans, providers });
      expect(first.map((t) => [t.source, t.done, t.skipped, t.failed])).toEqual([['eliza', 6, 0, 0], ['flaky', 2, 0, 1]]);
      expect(first[0]?.costUsd).toBeGreaterThan(0);
      const stored = await db.selectFrom('responses').select(['source', 'sample_index', 'provider', 'model', 'checks_json', 'cost_usd', 'prompt_hash', 'params_json']).where('study_id', '=', row.id).orderBy('source').execute();
      expect(stored).toHaveLength(8);
      expect(stored.filter((r) => r.source === 'eliza').map((r) => r.sample_index).sort()).toEqual([0, 0, 0, 1, 1, 1]);
      expect(JSON.parse(stored[0]?.checks_json as string)).toHaveProperty('passed');
      // The record says what each call carried: ELIZA reads no prompt and sends no parameters;
      // the flaky provider sends only temperature, and its prompt is on record by hash.
      const eliza = stored.filter((r) => r.source === 'eliza');
      expect(eliza.map((r) => [r.prompt_hash, r.params_json])).toEqual(eliza.map(() => [null, '{}']));
      const flakyRows = stored.filter((r) => r.source === 'flaky');
      expect(flakyRows.map((r) => JSON.parse(r.params_json))).toEqual([{ temperature: 0.1 }, { temperature: 0.1 }]);
      const hash = flakyRows[0]?.prompt_hash as string;
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      const prompt = await db.selectFrom('prompts').select(['hash', 'text']).where('study_id', '=', row.id).execute();
      expect(prompt.map((p) => p.hash)).toEqual([hash]);
      expect(sha256(prompt[0]?.text as string)).toBe(hash);
      const failedAttempt = await db.selectFrom('generation_attempts').select(['status', 'error', 'http_status']).where('status', '=', '5xx').executeTakeFirstOrThrow();
      expect(failedAttempt).toEqual({ status: '5xx', error: 'HTTP 500 from the server', http_status: 500 });

      calls = 0;
      const second = await runGeneration({ db, study, studyId: row.id, contentHash: 'c', plans, providers });
      expect(second.map((t) => [t.source, t.done, t.skipped, t.failed])).toEqual([['eliza', 0, 6, 0], ['flaky', 0, 2, 1]]);
      expect(calls).toBe(1); // only the missing unit is tried again
      const n = await db.selectFrom('responses').select(db.fn.countAll<string | number>().as('n')).where('study_id', '=', row.id).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(8);
    });
  });
}
