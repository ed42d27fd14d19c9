/**
 * Variant arms: the deterministic transforms, the content check, and `variants` making an arm's
 * replies, including a formal rewrite by a model (a fake OpenAI-compatible server) that keeps the
 * content and one that does not (stored as failed-content-check, never rated).
 */
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/cli/open-db.js';
import { addEmojis, addExclamations } from '../../src/generate/transforms.js';
import { STOPWORDS } from '../../src/language/bag-of-words.js';
import { contentKept } from '../../src/language/similarity.js';
import { contentResponses } from '../../src/store/responses.repository.js';
import { cli } from '../helpers/cli.js';
import { fakeOpenAiForSuite } from '../helpers/fake-openai.js';
import { tempFolder } from '../helpers/study.js';

const REPLY = "I'm so sorry you're going through this. It sounds exhausting. Have you talked to her about it? You deserve rest. Take it one day at a time.";

describe('style transforms', () => {
  it('add-emoji: after the first sentence, every third after it and the last, 💙 🤗 😊 in turn', () => {
    expect(addEmojis(REPLY)).toBe("I'm so sorry you're going through this. 💙 It sounds exhausting. Have you talked to her about it? You deserve rest. 🤗 Take it one day at a time. 😊");
    expect(addEmojis('Hang in there')).toBe('Hang in there 💙');
  });

  it('add-exclamation: the full stops of the 1st, 3rd, ... and last sentences; questions keep their mark', () => {
    expect(addExclamations(REPLY)).toBe("I'm so sorry you're going through this! It sounds exhausting. Have you talked to her about it? You deserve rest. Take it one day at a time!");
  });

  it('the content check: the share of the original content words kept, and the length ratio', () => {
    const formal = 'I am very sorry that you are going through this. It sounds exhausting. Have you spoken with her about it? You deserve rest. Please take it one day at a time.';
    const kept = contentKept(REPLY, formal, STOPWORDS);
    // Content words of the original (the stopword list's words and contractions left out): so, sorry,
    // going, sounds, exhausting, talked, deserve, rest, one, day, time (11); "so" and "talked" are lost.
    expect(kept.kept).toBeCloseTo(9 / 11, 10);
    expect(kept.lengthRatio).toBeCloseTo(31 / 27, 10);
    const unrelated = contentKept(REPLY, 'The weather in Lisbon was mild and the trams ran on schedule.', STOPWORDS);
    expect(unrelated.kept).toBe(0);
  });
});

const fake = fakeOpenAiForSuite();

function study(endpoint: string, arm: string): Record<string, string> {
  return {
    'study.yaml': `
name: arms
domains: [anger]
corpus:
  posts: { file: posts.csv }
  replies: [{ file: human.csv, source: human }]
sources:
  - { id: human, kind: corpus }
  - { id: writer, kind: model, provider: openai, model: fake-formal, endpoint: ${endpoint}, api_key_env: FAKE_KEY, timeout_seconds: 5, params: { temperature: 0, max_tokens: 300 } }
${arm}
instrument: { scales: [{ id: empathy, question: Q }] }
`,
    'prompts/base.md': '## user\nReply to: {{post}}\n',
    'prompts/formal.md': '## system\nRewrite replies in a formal register. Keep every point.\n## user\nThe post: {{post}}\n\nRewrite this reply formally:\n{{reply}}\n',
    'posts.csv': 'post_id,domain,text\np1,anger,My sister ignores me at every family dinner.\np2,anger,My boss yelled at me in front of the team.\n',
    'human.csv': `post_id,text\np1,"${REPLY}"\np2,That sounds humiliating! You didn't deserve that. Maybe ask him for a word in private. 💪\n`,
  };
}

describe('variants: making a variant arm', () => {
  it('formal rewrites through the provider: one keeps the content and is rated, one does not and is kept as failed-content-check', async () => {
    const arm = '  - { id: human-formal, kind: variant, of: human, transforms: [no-emoji, formal], rewrite: { with: writer, prompt: prompts/formal.md } }';
    const dir = await tempFolder(study(fake.server.baseURL, arm));
    expect((await cli('import', dir)).code).toBe(0);
    fake.server.requests.length = 0;
    fake.server.fallback((n) => ({
      kind: 'ok',
      text: String(fake.server.requests[n - 1]?.body.messages && JSON.stringify(fake.server.requests[n - 1]?.body.messages)).includes('sister')
        ? 'I am very sorry that you are going through this. It sounds exhausting. Have you spoken with her about it? You deserve rest. Please take it one day at a time.'
        : 'Thank you for your message. We will reply within five working days.',
    }));
    try {
      const r = await cli('variants', dir, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([{ arm: 'human-formal', of: 'human', parents: 2, made: 1, already: 0, failedCheck: 1, failedCall: 0 }]);
      // The prompt sent: the system part, and the reply after the no-emoji step (no 💪).
      expect(fake.server.requests).toHaveLength(2);
      const sent = fake.server.requests.map((q) => q.body.messages as Array<{ role: string; content: string }>);
      expect(sent[0]?.[0]).toEqual({ role: 'system', content: 'Rewrite replies in a formal register. Keep every point.' });
      expect(sent.some((m) => m[1]?.content.endsWith("That sounds humiliating! You didn't deserve that. Maybe ask him for a word in private."))).toBe(true);
      expect(fake.server.requests[0]?.body).toMatchObject({ model: 'fake-formal', temperature: 0, max_tokens: 300 });
      const store = await openDb(undefined, dir);
      try {
        const rows = await store.db.selectFrom('responses').selectAll().where('source', '=', 'human-formal').orderBy('variant').execute();
        expect(rows.map((x) => x.variant)).toEqual(['', 'failed-content-check']);
        const [ok, failed] = rows as [(typeof rows)[number], (typeof rows)[number]];
        expect(ok.text).toContain('spoken with her');
        expect(ok.parent_id).not.toBeNull();
        expect(JSON.parse(ok.checks_json)).toMatchObject({ passed: true, contentKept: 0.818, lengthRatio: 1.148 });
        expect((JSON.parse(ok.transforms_json) as Array<{ transform: string }>).map((t) => t.transform)).toEqual(['no-emoji', 'formal']);
        expect(ok.provider).toBe('openai');
        expect(JSON.parse(failed.checks_json)).toMatchObject({ passed: false, contentKept: 0 });
        // Only the faithful rewrite is among what the app shows.
        const study = (await store.db.selectFrom('studies').select('id').executeTakeFirstOrThrow()).id;
        const shown = (await contentResponses(store.db, study)).filter((x) => x.source === 'human-formal');
        expect(shown.map((x) => x.id)).toEqual([ok.id]);
      } finally {
        await store.close();
      }
      // A second run makes nothing and calls nobody.
      const again = await cli('variants', dir, '--json');
      expect(JSON.parse(again.stdout)).toEqual([{ arm: 'human-formal', of: 'human', parents: 2, made: 0, already: 2, failedCheck: 0, failedCall: 0 }]);
      expect(fake.server.requests).toHaveLength(2);
    } finally {
      fake.server.fallback({ kind: 'ok' });
    }
  });

  it('a rewrite call that fails stores nothing for that reply and exits 1; the next run makes it', async () => {
    const arm = '  - { id: human-casual, kind: variant, of: human, transforms: [casual], rewrite: { with: writer, prompt: prompts/formal.md }, content_check: { min_similarity: 0 , length_ratio: [0.1, 10] } }';
    const dir = await tempFolder(study(fake.server.baseURL, arm));
    expect((await cli('import', dir)).code).toBe(0);
    fake.server.fallback({ kind: 'status', status: 400 });
    try {
      const r = await cli('variants', dir);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').at(-1)).toBe('empathy-lab: variants: 2 rewrite calls failed; nothing was stored for those replies; run `empathy-lab variants` again to make what is missing');
    } finally {
      fake.server.fallback({ kind: 'ok', text: 'hey so sorry, that sounds rough' });
    }
    const again = await cli('variants', dir, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)[0]).toMatchObject({ made: 2, failedCall: 0 });
  });

  it('a manifest error names the path: an arm of an unknown source, a rewrite without a model', async () => {
    const bad = await tempFolder(study(fake.server.baseURL, '  - { id: plain, kind: variant, of: gpt4, transforms: [no-emoji] }'));
    const r = await cli('variants', bad);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/study\.yaml:10 sources\[2\]\.of: "gpt4" is not a source of this study; use one of human, writer$/);
    const noModel = await tempFolder(study(fake.server.baseURL, '  - { id: formal, kind: variant, of: human, transforms: [formal] }'));
    const r2 = await cli('variants', noModel);
    expect(r2.code).toBe(1);
    expect(r2.stderr.trim()).toMatch(/sources\[2\]\.rewrite: formal needs a model: add rewrite: \{ with: <a model source>, prompt: prompts\/formal\.md \}$/);
  });
});

describe('importing a variant arm made elsewhere', () => {
  it("links each reply to its parent's reply to the same post, and refuses one without a parent, importing nothing", async () => {
    const dir = await tempFolder(study(fake.server.baseURL, '  - { id: human-edited, kind: variant, of: human, transforms: [add-emoji] }'));
    expect((await cli('import', dir)).code).toBe(0);
    const bad = `${dir}/edited-bad.csv`;
    await (await import('node:fs/promises')).writeFile(bad, 'post_id,text\np1,"I am so sorry you are going through this. 💙"\np9,Hang in there.\n');
    const refused = await cli('import', dir, '--replies', bad, '--source', 'human-edited');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/edited-bad\.csv:3:1: no post "p9" in the study/);
    const orphan = `${dir}/edited-orphan.csv`;
    await (await import('node:fs/promises')).writeFile(`${dir}/more-posts.csv`, 'post_id,domain,text\np3,anger,My neighbour plays loud music every night.\n');
    expect((await cli('import', dir, '--posts', `${dir}/more-posts.csv`)).code).toBe(0);
    await (await import('node:fs/promises')).writeFile(orphan, 'post_id,text\np3,A reply to a post with no human reply.\n');
    const o = await cli('import', dir, '--replies', orphan, '--source', 'human-edited');
    expect(o.code).toBe(1);
    expect(o.stderr.trim()).toMatch(/edited-orphan\.csv:2:2: the human-edited reply to post "p3" has no human reply to derive from; import human's replies first \(or in the same file\); human-edited is a variant of human$/);
    const good = `${dir}/edited.csv`;
    await (await import('node:fs/promises')).writeFile(good, 'post_id,text\np1,"I am so sorry you are going through this. 💙"\np2,"That sounds humiliating. 💪"\n');
    expect((await cli('import', dir, '--replies', good, '--source', 'human-edited')).code).toBe(0);
    const store = await openDb(undefined, dir);
    try {
      const rows = await store.db.selectFrom('responses as r').innerJoin('responses as p', 'p.id', 'r.parent_id').innerJoin('posts as x', 'x.id', 'r.post_id').select(['x.external_id as post', 'p.source as parent']).where('r.source', '=', 'human-edited').orderBy('x.external_id').execute();
      expect(rows).toEqual([
        { post: 'p1', parent: 'human' },
        { post: 'p2', parent: 'human' },
      ]);
      // The refused files left nothing: p3 has no reply of any source.
      const p3 = await store.db.selectFrom('responses as r').innerJoin('posts as x', 'x.id', 'r.post_id').select('r.id').where('x.external_id', '=', 'p3').execute();
      expect(p3).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
