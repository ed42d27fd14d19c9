import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseRecordings, replayProvider } from '../../src/generate/providers/replay-provider.js';
import { cli } from '../helpers/cli.js';
import { tempFolder } from '../helpers/study.js';

describe('replay provider', () => {
  it('parses recordings and names the line of a bad one', () => {
    const r = parseRecordings('{"post_id":"p1","text":"Hello","output_tokens":3}\n\n{"post_id":"p1","condition":"empathy-very_high","sample":1,"text":"Hi"}\n', 'rec.jsonl');
    expect(r.size).toBe(2);
    expect(() => parseRecordings('{"post_id":"p1"}\n', 'rec.jsonl')).toThrow(UserError);
    expect(() => parseRecordings('{"post_id":"p1","text":"a"}\n{"post_id":"p1","text":"b"}\n', 'rec.jsonl')).toThrow(/second recording for post p1/);
    try {
      parseRecordings('{"post_id":"p1","text":"a"}\n{oops\n', 'rec.jsonl');
    } catch (err) {
      expect((err as UserError).format()).toMatch(/^rec\.jsonl:2: not valid JSON/);
    }
  });

  it('answers a recorded unit and fails a missing one without retry', async () => {
    const p = replayProvider(parseRecordings('{"post_id":"p1","text":"Hello there"}\n', 'rec.jsonl'), 'gpt4');
    const req = { model: 'm', messages: [], params: { temperature: 0, top_p: 1, max_tokens: 10 }, post: { text: 't', title: null, domain: 'd' } };
    expect((await p.generate({ ...req, unit: { postId: 'p1', source: 'gpt4', condition: 'base', sampleIndex: 0 } }, {})).text).toBe('Hello there');
    await expect(p.generate({ ...req, unit: { postId: 'p2', source: 'gpt4', condition: 'base', sampleIndex: 0 } }, {})).rejects.toMatchObject({ retriable: false, message: 'gpt4: no recorded reply for post p2, condition base, sample 0' });
  });

  it('generate stores recorded replies with provider replay', async () => {
    const dir = await tempFolder({
      'prompts/base.md': '## user\n{{post}}\n',
      'posts.csv': 'post_id,domain,text\np1,anger,I am angry.\np2,anger,I am upset.\n',
      'recordings/gpt4.jsonl': '{"post_id":"p1","text":"That sounds frustrating."}\n{"post_id":"p2","text":"I hear you."}\n',
    });
    await writeFile(
      path.join(dir, 'study.yaml'),
      'name: rep\ndomains: [anger]\ncorpus: { posts: { file: posts.csv } }\nsources:\n  - { id: gpt4, kind: model, provider: replay, model: gpt-4-turbo, file: recordings/gpt4.jsonl }\ninstrument: { scales: [{ id: empathy, question: Q }] }\n',
    );
    await cli('import', dir);
    const r = await cli('generate', dir, '--json');
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ source: 'gpt4', done: 0, failed: 0, failedChecks: 2, stillToDo: 0 });
  });
});

describe('a condition that drafts several labelled replies in one call', () => {
  it('stores each part as its own condition, and counts a reply missing a part as failed', async () => {
    const dir = await tempFolder({
      'prompts/levels.md': '## user\nWrite a VERY_LOW and a VERY_HIGH empathy reply to: {{post}}\n',
      'posts.csv': 'post_id,domain,text\np1,anger,I am angry.\np2,anger,I am upset.\n',
      'recordings/gpt4.jsonl':
        '{"post_id":"p1","condition":"levels","text":"VERY_LOW: Get over it.\\n\\nVERY_HIGH: That sounds so frustrating, and it makes sense."}\n' +
        '{"post_id":"p2","condition":"levels","text":"Only one reply here."}\n',
    });
    await writeFile(
      path.join(dir, 'study.yaml'),
      'name: levels\ndomains: [anger]\ncorpus: { posts: { file: posts.csv } }\ngeneration: { min_words: 1, max_words: 50 }\nsources:\n' +
        '  - id: gpt4\n    kind: model\n    provider: replay\n    model: gpt-4-turbo\n    file: recordings/gpt4.jsonl\n' +
        '    conditions: [{ id: levels, prompt: prompts/levels.md, split: { labels: [very_low, very_high] } }]\n' +
        'instrument: { scales: [{ id: empathy, question: Q }] }\n',
    );
    await cli('import', dir);
    const r = JSON.parse((await cli('generate', dir, '--json')).stdout)[0];
    expect(r).toMatchObject({ condition: 'levels', done: 1, failed: 1 });
    expect(r.lastError).toBe('the reply does not hold every labelled part (very_low, very_high)');
    const status = JSON.parse((await cli('status', dir, '--json')).stdout);
    expect(status.responses).toEqual([
      { source: 'gpt4', condition: 'levels-very_high', responses: 1 },
      { source: 'gpt4', condition: 'levels-very_low', responses: 1 },
    ]);
  });
});
