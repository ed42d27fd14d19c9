import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type GenerationRequest } from '../../src/generate/provider.js';
import { anthropicProvider } from '../../src/generate/providers/anthropic-provider.js';
import { startFakeOpenAi, type FakeServer } from '../helpers/fake-openai.js';

const request: GenerationRequest = {
  model: 'claude-test',
  messages: [
    { role: 'system', content: 'You are a peer supporter.' },
    { role: 'user', content: 'Reply to: I feel alone.' },
  ],
  params: { temperature: 0.1, top_p: 0.9, max_tokens: 300, stop: ['END'] },
  unit: { postId: 'p1', source: 'claude', condition: 'base', sampleIndex: 0 },
  post: { text: 'I feel alone.', title: null, domain: 'anxiety' },
};

describe('anthropic provider against a fake Anthropic-compatible server', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAi();
  });
  afterAll(async () => server.close());
  const provider = () => anthropicProvider({ baseURL: server.baseURL.replace(/\/v1$/, ''), apiKey: 'sk-ant-test', timeoutMs: 500, label: 'claude' });

  it('sends the system prompt apart, max_tokens and stop sequences, and reads text, usage and stop reason', async () => {
    server.script({ kind: 'ok', text: 'That sounds lonely.', finish: 'length' });
    const r = await provider().generate(request, {});
    expect(r).toMatchObject({ text: 'That sounds lonely.', usage: { inputTokens: 13, outputTokens: 5 }, finishReason: 'length' });
    expect(server.requests.at(-1)?.body).toMatchObject({ model: 'claude-test', system: 'You are a peer supporter.', max_tokens: 300, stop_sequences: ['END'], messages: [{ role: 'user', content: 'Reply to: I feel alone.' }] });
  });

  it('classifies failures as the openai provider does', async () => {
    for (const [b, expected] of [
      [{ kind: 'status', status: 529 }, { retriable: true, status: 529 }],
      [{ kind: 'status', status: 429, retryAfter: '1' }, { retriable: true, retryAfterMs: 1000 }],
      [{ kind: 'status', status: 401 }, { retriable: false, status: 401 }],
      [{ kind: 'malformed' }, { retriable: true }],
      [{ kind: 'hang' }, { retriable: true }],
    ] as const) {
      server.script(b);
      const err = await provider().generate(request, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject(expected);
    }
  });
});
