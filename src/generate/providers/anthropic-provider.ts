/**
 * `anthropic`: Claude models through the official Anthropic SDK (the Messages API). As with the
 * openai provider, the SDK's own retries are off and failures are classified for the wrapper.
 * The current Messages API takes no temperature or top_p: only max_tokens and stop sequences of a
 * source's params are sent, and only those are recorded with every reply.
 */
import Anthropic, { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { ProviderError, type GenerationRequest, type GenerationResult, type Provider } from '../provider.js';
import { classifyHttpError } from './http-errors.js';

export interface AnthropicOptions {
  readonly baseURL?: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly label: string;
}

export function anthropicProvider(options: AnthropicOptions): Provider {
  const client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.timeoutMs });
  return {
    id: 'anthropic',
    sends: (p) => ({ max_tokens: p.max_tokens, ...(p.stop ? { stop: p.stop } : {}) }),
    readsPrompt: true,
    async generate(request: GenerationRequest, { signal } = {}): Promise<GenerationResult> {
      const started = performance.now();
      const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
      try {
        const message = await client.messages.create(
          {
            model: request.model,
            max_tokens: request.params.max_tokens,
            ...(system ? { system } : {}),
            ...(request.params.stop ? { stop_sequences: [...request.params.stop] } : {}),
            messages: request.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content })),
          },
          signal ? { signal } : {},
        );
        const text = (message.content ?? []).map((b) => (b.type === 'text' ? b.text : '')).join('');
        if (!Array.isArray(message.content)) throw new ProviderError(`${options.label}: the reply has no content`, true, undefined, undefined, { kind: 'malformed' });
        return {
          text,
          usage: { inputTokens: message.usage?.input_tokens ?? 0, outputTokens: message.usage?.output_tokens ?? 0 },
          latencyMs: performance.now() - started,
          finishReason: message.stop_reason === 'max_tokens' ? 'length' : message.stop_reason === 'end_turn' || message.stop_reason === 'stop_sequence' ? 'stop' : 'other',
        };
      } catch (err) {
        throw classifyHttpError(err, { apiError: APIError, connectionError: APIConnectionError }, options.label, request.model, 'check the environment variable named by api_key_env');
      }
    },
  };
}
