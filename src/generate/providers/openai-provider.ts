/**
 * `openai`: OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LM Studio,
 * Together, Azure OpenAI) through the official SDK, by `baseURL`. The SDK's own retries are off:
 * retries, rate limits and the cache wrap providers from outside. Failures become ProviderErrors:
 * 429, 5xx, timeouts, dropped connections and malformed replies are retriable; 400/401/403/404 are
 * not, with a message saying what to fix.
 */
import OpenAI, { APIConnectionError, APIError } from 'openai';
import { ProviderError, type GenerationRequest, type GenerationResult, type Provider } from '../provider.js';
import { classifyHttpError } from './http-errors.js';

export interface OpenAiOptions {
  readonly baseURL?: string;
  /** The key itself (read from the environment variable the manifest names, by the CLI). */
  readonly apiKey: string;
  readonly timeoutMs: number;
  /** What the model is called in messages (the source id). */
  readonly label: string;
}

/** A ProviderError for any failure of a call, classified. */
export function classifyOpenAiError(err: unknown, label: string, model: string): ProviderError {
  return classifyHttpError(err, { apiError: APIError, connectionError: APIConnectionError }, label, model, 'check the environment variable named by api_key_env');
}

export function openAiProvider(options: OpenAiOptions): Provider {
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.timeoutMs });
  return {
    id: 'openai',
    sends: (p) => ({ temperature: p.temperature, top_p: p.top_p, max_tokens: p.max_tokens, ...(p.seed !== undefined ? { seed: p.seed } : {}), ...(p.stop ? { stop: p.stop } : {}) }),
    readsPrompt: true,
    async generate(request: GenerationRequest, { signal } = {}): Promise<GenerationResult> {
      const started = performance.now();
      try {
        const completion = await client.chat.completions.create(
          {
            model: request.model,
            messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
            temperature: request.params.temperature,
            top_p: request.params.top_p,
            max_tokens: request.params.max_tokens,
            ...(request.params.seed !== undefined ? { seed: request.params.seed } : {}),
            ...(request.params.stop ? { stop: [...request.params.stop] } : {}),
            ...(request.responseFormat ? { response_format: { type: 'json_schema' as const, json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema, strict: true } } } : {}),
          },
          signal ? { signal } : {},
        );
        const choice = completion.choices?.[0];
        if (!choice || typeof choice.message?.content !== 'string') throw new ProviderError(`${options.label}: the reply has no message content`, true, undefined, undefined, { kind: 'malformed' });
        return {
          text: choice.message.content,
          usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
          latencyMs: performance.now() - started,
          finishReason: choice.finish_reason === 'stop' ? 'stop' : choice.finish_reason === 'length' ? 'length' : 'other',
        };
      } catch (err) {
        throw classifyOpenAiError(err, options.label, request.model);
      }
    },
  };
}
