/**
 * Methods and the appendix are written from the database's record, not the manifest: the parameters
 * each call sent (none for eliza and replay), the prompt a reply was made with (even after the file
 * has changed), what the blinding clean-up changed, which replies failed a check and were rated
 * anyway, and the effects a simulated panel planted. Run end to end through the CLI against a fake
 * OpenAI-compatible server.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { fakeOpenAiForSuite } from '../helpers/fake-openai.js';
import { tempFolder } from '../helpers/study.js';

const POSTS = 6;
// Distinct words, so no reply trips the repetition check.
const WORDS = (n: number, word = 'steady') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');
const PROMPT = '## system\nYou are a peer supporter.\n## user\nReply to: {{post}}\n';

function files(endpoint: string): Record<string, string> {
  return {
    'study.yaml': `
name: record
domains: [anger]
corpus:
  posts: { file: posts.csv }
  replies:
    - { file: human.csv, layout: long, columns: { post: post_id, text: text }, source: human }
sources:
  - { id: human, kind: corpus }
  - { id: gpt4, kind: model, provider: openai, model: gpt-4-turbo, endpoint: ${endpoint}, api_key_env: FAKE_KEY, concurrency: 1, params: { temperature: 0.1, top_p: 0.9, max_tokens: 512 } }
  - { id: eliza, kind: model, provider: eliza, model: eliza-1966, params: { temperature: 0.7 } }
  - { id: tape, kind: model, provider: replay, model: recorded, file: tape.jsonl }
generation: { min_words: 20, max_words: 150 }
instrument: { scales: [{ id: empathy, question: How empathic is this response?, points: 5 }] }
design: { posts_per_rater: 6, target_ratings_per_response: 3 }
`,
    'prompts/base.md': PROMPT,
    'posts.csv': `post_id,domain,text\n${Array.from({ length: POSTS }, (_, i) => `p${i},anger,My brother keeps borrowing my car and returning it empty. Day ${i}.`).join('\n')}\n`,
    'human.csv': `post_id,text\n${Array.from({ length: POSTS }, (_, i) => `p${i},"That sounds exhausting. ${WORDS(25, 'calm')} (${i})"`).join('\n')}\n`,
    // One recording of six is too short for the length check.
    'tape.jsonl': `${Array.from({ length: POSTS }, (_, i) => JSON.stringify({ post_id: `p${i}`, text: i === 0 ? 'Too short.' : `A recorded reply. ${WORDS(30, 'kind')}` })).join('\n')}\n`,
  };
}

const fake = fakeOpenAiForSuite();

describe('Methods and appendix from the record', () => {
  it('says the parameters sent, the prompt used, the blinding changes, the failed checks and the planted effects', async () => {
    const dir = await tempFolder(files(fake.server.baseURL));
    expect((await cli('import', dir)).code).toBe(0);
    // Of six replies: two end in a sign-off (the blinding clean-up removes it), two are too short.
    fake.server.fallback((n) => ({
      kind: 'ok',
      text: n % 3 === 1 ? `I hear how tired you are. ${WORDS(25)}\n\nBest wishes,\nYour supporter` : n % 3 === 2 ? 'So sorry.' : `I hear how tired you are. ${WORDS(25)}`,
    }));
    const generated = await cli('generate', dir);
    expect(generated.code).toBe(0);
    // What the server received is what the record says.
    expect(fake.server.requests).toHaveLength(POSTS);
    expect(fake.server.requests.map((r) => [r.body.temperature, r.body.top_p, r.body.max_tokens])).toEqual(fake.server.requests.map(() => [0.1, 0.9, 512]));
    // The prompt file changes after the replies were made: the appendix shows the one they were made with.
    await writeFile(path.join(dir, 'prompts/base.md'), '## user\nA NEW PROMPT: {{post}}\n');
    const sim = await cli('simulate', dir, '--effect', 'gpt4=0.6', '--seed', '3');
    expect(sim.code).toBe(0);
    const r = await cli('report', dir);
    expect(r.code).toBe(0);
    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    const text = html.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

    expect(text).toContain('gpt4: 6 replies from gpt-4-turbo via the openai provider (each call sent max_tokens 512, temperature 0.1, top_p 0.9)');
    expect(text).toContain('eliza: 6 replies by the offline ELIZA provider, made by rule from the post (no prompt, no sampling parameters)');
    expect(text).toContain('tape: 6 replies replayed from recordings (no call made; the record does not say how they were made)');
    expect(text).toContain('human: 6 replies written by people, imported from the corpus');
    // The manifest's eliza temperature was never sent, so no sentence says it.
    expect(text).not.toContain('temperature 0.7');
    expect(text).toContain('Replies. The blinding clean-up changed 2 of 18 generated replies (remove-sign-off: 2; a reply can be changed by more than one).');
    expect(text).toContain('3 of 18 generated replies failed a reply check (length outside the allowed range: 3) and all 3 were rated nonetheless.');
    // The appendix: the prompt as it was, by hash; none for eliza and the recordings.
    expect(html).toContain('You are a peer supporter.');
    expect(html).not.toContain('A NEW PROMPT');
    expect(text).toContain('eliza · baseNo prompt: its replies were not made from one (the eliza provider answers the post by rule).');
    expect(text).toContain('tape · baseNo prompt: its replies were not made from one (replayed recordings).');
    // The simulated panel: planted effects in the banner, the settings in Methods, a table beside the estimates.
    expect(text).toContain('Planted effects, in scale points over human: eliza 0.00, gpt4 +0.60 and tape 0.00. Do not read these findings as evidence.');
    expect(text).toMatch(/Simulated panel\. \d+ raters \(6 posts each, seed 3\) were drawn from the model y = 3\.40 \+ effect\(source\)/);
    expect(text).toContain('(given with --effect): eliza 0.00, gpt4 +0.60 and tape 0.00.');
    const panel = html.slice(html.indexOf('id="table-panel"'), html.indexOf('</table>', html.indexOf('id="table-panel"')));
    expect(panel).toContain('<td>gpt4</td><td class="num">0.60</td>');
    const analysis = JSON.parse(await readFile(path.join(dir, 'analysis.json'), 'utf8'));
    const pair = analysis.scales[0].contrasts.pairs.find((c: { contrast: string }) => c.contrast === 'human - gpt4');
    expect(panel).toContain(`<td class="num">${(-pair.estimate).toFixed(2).replace('-', '−')}</td>`);
  });
});
