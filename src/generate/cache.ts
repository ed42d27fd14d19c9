/**
 * The request cache wraps a provider from outside: a reply is stored under the hash of the full
 * request (provider, model, messages, parameters with the seed, condition and sample index), so
 * re-running a study after a crash, or on another machine sharing the database, makes no new call.
 */
import { canonicalJson, sha256 } from '../study/hash.js';
import type { GenerationRequest, GenerationResult, Provider } from './provider.js';

export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  put(key: string, provider: string, model: string, resultJson: string): Promise<void>;
}

export function requestKey(providerId: string, r: GenerationRequest): string {
  return sha256(canonicalJson({ provider: providerId, model: r.model, messages: r.messages, params: r.params, condition: r.unit.condition, sample: r.unit.sampleIndex }));
}

/** With `read: false` (a redo), replies are written to the cache but never taken from it. */
export function withCache(provider: Provider, store: CacheStore, options: { read?: boolean; stats?: { hits: number; misses: number } } = {}): Provider {
  const stats = options.stats;
  return {
    id: provider.id,
    sends: provider.sends,
    readsPrompt: provider.readsPrompt,
    async generate(request, callOptions) {
      const key = requestKey(provider.id, request);
      const hit = options.read === false ? undefined : await store.get(key);
      if (hit !== undefined) {
        if (stats) stats.hits++;
        const result = JSON.parse(hit) as GenerationResult;
        // No call is made; the unit's record still says where its reply came from.
        const call = await callOptions.calls?.start();
        if (call !== undefined) await callOptions.calls?.end(call, { status: 'cached', retried: false, tokensIn: result.usage.inputTokens, tokensOut: result.usage.outputTokens, latencyMs: 0 });
        return result;
      }
      if (stats) stats.misses++;
      const result = await provider.generate(request, callOptions);
      await store.put(key, provider.id, request.model, JSON.stringify(result));
      return result;
    },
  };
}
