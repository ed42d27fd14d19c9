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
  /** A JSON Schema the answer must follow (judges), sent where the provider supports it (openai's response_format). */
  readonly responseFormat?: { readonly name: string; readonly schema: Record<string, unknown> };
}

export interface GenerationResult {
  readonly text: string;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
  readonly latencyMs: number;
  /** `stop`: finished; `length`: cut at max_tokens. */
  readonly finishReason: 'stop' | 'length' | 'other';
}

/**
 * What one call to a model came to, as `generation_attempts.status`: `ok`; `cached` (answered from
 * the request cache, no call made); `429`, `5xx`, `4xx` (the HTTP status class); `timeout`;
 * `malformed` (a reply that could not be read); `connection` (the connection failed or dropped);
 * `interrupted` (the run was stopped while the call was in flight); `error` (anything else).
 */
export type CallStatus = 'ok' | 'cached' | '429' | '5xx' | '4xx' | 'timeout' | 'malformed' | 'connection' | 'interrupted' | 'error';

export interface CallOutcome {
  readonly status: CallStatus;
  /** Whether another attempt followed this one. */
  readonly retried: boolean;
  readonly httpStatus?: number | undefined;
  readonly error?: string | undefined;
  readonly tokensIn?: number | undefined;
  readonly tokensOut?: number | undefined;
  readonly latencyMs?: number | undefined;
}

/**
 * The record of every call a unit makes: a row is written when a call starts (so a call in flight
 * when the process dies is still on record) and completed when it ends, before any retry.
 */
export interface CallLog {
  start(): Promise<string>;
  end(id: string, outcome: CallOutcome): Promise<void>;
}

export interface CallOptions {
  /** Aborts the call in flight (a second Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Once aborted, no further attempt is started (a first Ctrl-C): the call in flight finishes. */
  readonly stop?: AbortSignal;
  readonly calls?: CallLog;
}

export interface Provider {
  readonly id: string;
  /**
   * The parameters a call carries to the model, of those a source declares: the record of each
   * reply (and the report's Methods) says these, not the manifest's. `{}` for a provider that
   * sends none (eliza, replay).
   */
  sends(params: GenerationParams): Partial<GenerationParams>;
  /** Whether the reply is made from the rendered prompt (false for eliza and replay, which ignore it). */
  readonly readsPrompt: boolean;
  generate(request: GenerationRequest, options: CallOptions): Promise<GenerationResult>;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  /** What kind of failure this was, for the attempt log (see `CallStatus`). */
  readonly kind: CallStatus;
  constructor(
    message: string,
    readonly retriable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown; kind?: CallStatus },
  ) {
    super(message, options);
    this.kind = options?.kind ?? (status === 429 ? '429' : status !== undefined && status >= 500 ? '5xx' : status !== undefined && status >= 400 ? '4xx' : 'error');
  }

  /** A wrong or missing key, or a key not allowed to use the model: no other call of the source can succeed. */
  get isAuth(): boolean {
    return this.status === 401 || this.status === 403;
  }
}
