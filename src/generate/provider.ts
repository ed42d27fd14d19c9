/**
 * The provider plug-in point: one call in, one reply out. Caching, rate limiting and retries wrap
 * providers from outside; a provider never caches itself. Failures are `ProviderError`s classified
 * as retriable (429, 5xx, timeouts, dropped connections) or not (a wrong key, an unknown model).
 */
export interface Message {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface GenerationParams {
  readonly temperature: number;
  readonly top_p: number;
  readonly max_tokens: number;
  readonly seed?: number;
  readonly stop?: readonly string[];
}

export interface GenerationRequest {
  readonly model: string;
  readonly messages: readonly Message[];
  readonly params: GenerationParams;
  /** Which unit of work this is; offline providers (eliza, replay) use it. */
  readonly unit: { readonly postId: string; readonly source: string; readonly condition: string; readonly sampleIndex: number };
  /** The post itself, for providers that answer it directly rather than through the prompt. */
  readonly post: { readonly text: string; readonly title: string | null; readonly domain: string };
}

export interface GenerationResult {
  readonly text: string;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
  readonly latencyMs: number;
  /** `stop`: finished; `length`: cut at max_tokens. */
  readonly finishReason: 'stop' | 'length' | 'other';
}

export interface Provider {
  readonly id: string;
  generate(request: GenerationRequest, options: { signal?: AbortSignal }): Promise<GenerationResult>;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    message: string,
    readonly retriable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
