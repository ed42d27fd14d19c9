/**
 * How an HTTP API's failure is classified, for every SDK-based provider: 408, 409, 429 and 5xx are
 * retriable (with the server's Retry-After), 400/401/403/404 are not and say what to fix; dropped
 * connections, timeouts and malformed replies are retriable.
 */
import { ProviderError } from '../provider.js';

export function retryAfterMs(headers: { get(name: string): string | null } | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

export interface SdkErrorShape {
  /** The SDK's API error class (has `status` and `headers`). */
  readonly apiError: abstract new (...args: never[]) => Error;
  /** The SDK's connection error class (includes its timeout error). */
  readonly connectionError: abstract new (...args: never[]) => Error;
}

export function classifyHttpError(err: unknown, sdk: SdkErrorShape, label: string, model: string, keyHint: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const api = err as { status?: number; headers?: { get(name: string): string | null }; message?: string };
  if (err instanceof sdk.apiError && api.status !== undefined) {
    const status = api.status;
    const hint: Record<number, string> = {
      400: 'the server rejected the request (check the parameters)',
      401: `wrong or missing API key (${keyHint})`,
      403: 'the key is not allowed to use this model',
      404: `unknown model "${model}" or wrong endpoint`,
    };
    const retriable = status === 408 || status === 409 || status === 429 || status >= 500;
    return new ProviderError(`${label}: HTTP ${status}: ${hint[status] ?? (api.message ?? '').split('\n')[0]}`, retriable, status, retryAfterMs(api.headers), { cause: err });
  }
  if (err instanceof sdk.connectionError) {
    const timedOut = /time(d)? ?out/i.test(err.message) || err.name.includes('Timeout');
    return new ProviderError(`${label}: ${err.message}`, true, undefined, undefined, { cause: err, kind: timedOut ? 'timeout' : 'connection' });
  }
  if (err instanceof Error && err.name === 'AbortError') return new ProviderError(`${label}: the call was cancelled or timed out`, true, undefined, undefined, { cause: err, kind: 'timeout' });
  return new ProviderError(`${label}: unexpected reply (${err instanceof Error ? err.message : String(err)})`, true, undefined, undefined, { cause: err, kind: 'malformed' });
}
