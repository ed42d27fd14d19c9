/**
 * A fake OpenAI-compatible (and Anthropic-compatible: POST /v1/messages) server on 127.0.0.1 for
 * tests: each request takes the next scripted behaviour (or the fallback): a reply, an HTTP status (with Retry-After),
 * a hang (never answers), or malformed JSON. Requests are recorded.
 */
import { afterAll, beforeAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | { kind: 'ok'; text?: string; finish?: 'stop' | 'length'; delayMs?: number }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'hang' }
  | { kind: 'malformed' };

export interface FakeServer {
  readonly baseURL: string;
  /** Every request received, with what it was answered (`answered`: the behaviour's kind). */
  readonly requests: Array<{ body: Record<string, unknown>; authorization: string | undefined; answered?: Behaviour['kind'] }>;
  script(...behaviours: Behaviour[]): void;
  fallback(b: Behaviour | ((n: number) => Behaviour)): void;
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeServer> {
  const queue: Behaviour[] = [];
  let fallback: Behaviour | ((n: number) => Behaviour) = { kind: 'ok' };
  const requests: FakeServer['requests'] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      requests.push({ body, authorization: req.headers.authorization });
      const b = queue.shift() ?? (typeof fallback === 'function' ? fallback(requests.length) : fallback);
      (requests.at(-1) as FakeServer['requests'][number]).answered = b.kind;
      const send = (status: number, payload: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(payload);
      };
      if (b.kind === 'hang') {
        hanging.add(res);
        return;
      }
      if (b.kind === 'malformed') return send(200, '{"id": "x", "choices": [ {"message": ');
      if (b.kind === 'status') return send(b.status, JSON.stringify({ error: { message: `scripted ${b.status}`, type: 'scripted' } }), b.retryAfter ? { 'retry-after': b.retryAfter } : {});
      const messages = body.messages as Array<{ content: string }>;
      const text = b.text ?? `A reply to: ${String(messages.at(-1)?.content ?? '').slice(0, 40)}`;
      const anthropic = req.url?.endsWith('/messages') ?? false;
      const reply = () =>
        anthropic
          ? send(200, JSON.stringify({ id: `msg_${requests.length}`, type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text }], stop_reason: b.finish === 'length' ? 'max_tokens' : 'end_turn', usage: { input_tokens: 13, output_tokens: 5 } }))
          : send(
          200,
          JSON.stringify({
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion',
            created: 0,
            model: body.model,
            choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: b.finish ?? 'stop' }],
            usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
          }),
        );
      if (b.delayMs) setTimeout(reply, b.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...b) => queue.push(...b),
    fallback: (b) => (fallback = b),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * For a test file: a fake server started before its tests and closed after, with the API key the
 * test manifests name (`api_key_env: FAKE_KEY`) set meanwhile. Read `.server` inside the tests.
 */
export function fakeOpenAiForSuite(): { server: FakeServer } {
  const holder = {} as { server: FakeServer };
  beforeAll(async () => {
    holder.server = await startFakeOpenAi();
    process.env.FAKE_KEY = 'test-key';
  });
  afterAll(async () => {
    delete process.env.FAKE_KEY;
    await holder.server.close();
  });
  return holder;
}
