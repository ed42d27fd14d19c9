/**
 * Retries wrap a provider from outside: retriable failures (429, 5xx, timeouts, dropped connections,
 * malformed replies) are tried again with exponential backoff and full jitter, waiting at least as
 * long as the server's Retry-After; other failures are thrown at once. Each call gets its own
 * timeout, and each call is recorded through the caller's `CallLog` (started before it is made,
 * completed with its outcome before the next attempt).
 */
import { ProviderError, type CallStatus, type Provider } from './provider.js';

export interface RetryOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  /** Called before each retry, for the summary. */
  readonly onRetry?: (error: ProviderError, attempt: number, delayMs: number) => void;
}

export function withRetries(provider: Provider, o: RetryOptions): Provider {
  return {
    id: provider.id,
    sends: provider.sends,
    readsPrompt: provider.readsPrompt,
    async generate(request, { signal, stop, calls } = {}) {
      for (let attempt = 1; ; attempt++) {
        const timeout = AbortSignal.timeout(o.timeoutMs);
        const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
        const call = await calls?.start();
        const started = performance.now();
        try {
          const result = await provider.generate(request, { signal: combined });
          if (call !== undefined)
            await calls?.end(call, { status: 'ok', retried: false, tokensIn: result.usage.inputTokens, tokensOut: result.usage.outputTokens, latencyMs: Math.round(result.latencyMs) });
          return result;
        } catch (err) {
          const kind: CallStatus = signal?.aborted ? 'interrupted' : timeout.aborted ? 'timeout' : err instanceof ProviderError ? err.kind : 'error';
          const e =
            err instanceof ProviderError
              ? err
              : new ProviderError(timeout.aborted ? `timed out after ${o.timeoutMs} ms` : String(err), timeout.aborted, undefined, undefined, { cause: err, kind });
          const retry = !signal?.aborted && !stop?.aborted && e.retriable && attempt < o.maxAttempts;
          if (call !== undefined)
            await calls?.end(call, { status: kind, retried: retry, httpStatus: e.status, error: e.message, latencyMs: Math.round(performance.now() - started) });
          if (!retry) throw signal?.aborted ? new ProviderError(`interrupted: ${e.message}`, false, e.status, undefined, { cause: e, kind: 'interrupted' }) : e;
          const backoff = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1)) * o.random();
          const delay = Math.max(backoff, e.retryAfterMs ?? 0);
          o.onRetry?.(e, attempt, delay);
          await o.sleep(delay, signal);
        }
      }
    },
  };
}
