/**
 * Retries wrap a provider from outside: retriable failures (429, 5xx, timeouts, dropped connections)
 * are tried again with exponential backoff and full jitter, waiting at least as long as the server's
 * Retry-After; other failures are thrown at once. Each call gets its own timeout.
 */
import { ProviderError, type Provider } from './provider.js';

export interface RetryOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Called before each retry, for the attempt log and the summary. */
  readonly onRetry?: (error: ProviderError, attempt: number, delayMs: number) => void;
}

export function withRetries(provider: Provider, o: RetryOptions): Provider {
  return {
    id: provider.id,
    async generate(request, { signal } = {}) {
      for (let attempt = 1; ; attempt++) {
        const timeout = AbortSignal.timeout(o.timeoutMs);
        const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
        try {
          return await provider.generate(request, { signal: combined });
        } catch (err) {
          const e =
            err instanceof ProviderError
              ? err
              : new ProviderError(timeout.aborted ? `timed out after ${o.timeoutMs} ms` : String(err), timeout.aborted, undefined, undefined, { cause: err });
          if (signal?.aborted || !e.retriable || attempt >= o.maxAttempts) throw e;
          const backoff = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1)) * o.random();
          const delay = Math.max(backoff, e.retryAfterMs ?? 0);
          o.onRetry?.(e, attempt, delay);
          await o.sleep(delay);
        }
      }
    },
  };
}
