/**
 * `openai`: OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LM Studio,
 * Together, Azure OpenAI) through the official SDK, by `baseURL`. The SDK's own retries are off:
 * retries, rate limits and the cache wrap providers from outside. Failures become ProviderErrors:
 * 429, 5xx, timeouts, dropped connections and malformed replies are retriable; 400/401/403/404 are
 * not, with a message saying what to fix.
 */
import OpenAI, { APIConnectionError, APIError } from 'openai';
import { ProviderError, type GenerationRequest, type GenerationResult, type Provider } from '../provider.js';

export interface OpenAiOptions {
  readonly baseURL?: string;
  /** The key itself (read from the environment variable the manifest names, by the CLI). */
  readonly apiKey: string;
  readonly timeoutMs: number;
  /** What the model is called in messages (the source id). */
  readonly label: string;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** A ProviderError for any failure of a call, classified. */
export function classifyOpenAiError(err: unknown, label: string, model: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof APIError && err.status !== undefined) {
    const status = err.status;
    const hint: Record<number, string> = {
      400: 'the server rejected the request (check the parameters)',
      401: 'wrong or missing API key (check the environment variable named by api_key_env)',
      403: 'the key is not allowed to use this model',
      404: `unknown model "${model}" or wrong endpoint`,
    };
    const retriable = status === 408 || status === 409 || status === 429 || status >= 500;
    return new ProviderError(`${label}: HTTP ${status}: ${hint[status] ?? err.message.split('\n')[0]}`, retriable, status, retryAfterMs(err.headers), { cause: err });
  }
  if (err instanceof APIConnectionError) return new ProviderError(`${label}: ${err.message}`, true, undefined, undefined, { cause: err });
  if (err instanceof Error && err.name === 'AbortError') return new ProviderError(`${label}: the call was cancelled or timed out`, true, undefined, undefined, { cause: err });
  // Malformed JSON and other unexpected replies: retriable, they are usually transient.
  return new ProviderError(`${label}: unexpected reply (${err instanceof Error ? err.message : String(err)})`, true, undefined, undefined, { cause: err });
}

export function openAiProvider(options: OpenAiOptions): Provider {
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.timeoutMs });
  return {
    id: 'openai',
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
          },
          signal ? { signal } : {},
        );
        const choice = completion.choices?.[0];
        if (!choice || typeof choice.message?.content !== 'string') throw new ProviderError(`${options.label}: the reply has no message content`, true);
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
