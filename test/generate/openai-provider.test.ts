import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type GenerationRequest } from '../../src/generate/provider.js';
import { openAiProvider } from '../../src/generate/providers/openai-provider.js';
import { withRetries } from '../../src/generate/retry.js';
import { startFakeOpenAi, type FakeServer } from '../helpers/fake-openai.js';

const request: GenerationRequest = {
  model: 'gpt-4-turbo',
  messages: [
    { role: 'system', content: 'You are a peer supporter.' },
    { role: 'user', content: 'Reply to: I feel alone.' },
  ],
  params: { temperature: 0.1, top_p: 0.9, max_tokens: 512, seed: 7 },
  unit: { postId: 'p1', source: 'gpt4', condition: 'base', sampleIndex: 0 },
  post: { text: 'I feel alone.', title: null, domain: 'anxiety' },
};

describe('openai provider against a fake OpenAI-compatible server', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAi();
  });
  afterAll(async () => server.close());
  const provider = () => openAiProvider({ baseURL: server.baseURL, apiKey: 'sk-test', timeoutMs: 500, label: 'gpt4' });
  const failure = async (): Promise<ProviderError> => {
    try {
      await provider().generate(request, {});
    } catch (err) {
      expect(err).toBeInstanceOf(ProviderError);
      return err as ProviderError;
    }
    throw new Error('expected a failure');
  };

  it('sends the messages and parameters with the key, and returns text, usage and finish reason', async () => {
    server.script({ kind: 'ok', text: 'That sounds lonely.', finish: 'length' });
    const r = await provider().generate(request, {});
    expect(r).toMatchObject({ text: 'That sounds lonely.', usage: { inputTokens: 11, outputTokens: 7 }, finishReason: 'length' });
    const sent = server.requests.at(-1);
    expect(sent?.authorization).toBe('Bearer sk-test');
    expect(sent?.body).toMatchObject({ model: 'gpt-4-turbo', temperature: 0.1, top_p: 0.9, max_tokens: 512, seed: 7, messages: request.messages });
  });

  it('classifies 429 with Retry-After, 500, a hang, malformed JSON as retriable', async () => {
    server.script({ kind: 'status', status: 429, retryAfter: '2' });
    expect(await failure()).toMatchObject({ retriable: true, status: 429, retryAfterMs: 2000 });
    server.script({ kind: 'status', status: 500 });
    expect(await failure()).toMatchObject({ retriable: true, status: 500 });
    server.script({ kind: 'hang' });
    expect(await failure()).toMatchObject({ retriable: true });
    server.script({ kind: 'malformed' });
    expect(await failure()).toMatchObject({ retriable: true });
  });

  it('does not retry a wrong key or an unknown model, and says what to fix', async () => {
    server.script({ kind: 'status', status: 401 });
    const e401 = await failure();
    expect(e401).toMatchObject({ retriable: false, status: 401 });
    expect(e401.message).toBe('gpt4: HTTP 401: wrong or missing API key (check the environment variable named by api_key_env)');
    server.script({ kind: 'status', status: 404 });
    expect((await failure()).message).toBe('gpt4: HTTP 404: unknown model "gpt-4-turbo" or wrong endpoint');
  });

  it('retries with backoff, waiting at least Retry-After, and gives up on non-retriable errors at once', async () => {
    const delays: number[] = [];
    const retrying = withRetries(provider(), { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000, timeoutMs: 1000, sleep: async (ms) => void delays.push(ms), random: () => 0.5 });
    server.script({ kind: 'status', status: 429, retryAfter: '3' }, { kind: 'status', status: 500 }, { kind: 'hang' }, { kind: 'ok', text: 'finally' });
    const before = server.requests.length;
    expect((await retrying.generate(request, {})).text).toBe('finally');
    expect(server.requests.length - before).toBe(4);
    expect(delays).toEqual([3000, 100, 200]);
    delays.length = 0;
    server.script({ kind: 'status', status: 401 });
    await expect(retrying.generate(request, {})).rejects.toMatchObject({ status: 401 });
    expect(delays).toEqual([]);
  });
});
