/**
 * `replay`: replies recorded in a JSONL file (a replication package's generated replies, or a
 * fixture): one object per line with `post_id`, `text`, and optionally `condition` (default
 * "base"), `sample` (default 0), `input_tokens`, `output_tokens`, `finish_reason`. A unit with no
 * recording is a non-retriable failure naming it.
 */
import { UserError } from '../../errors.js';
import { ProviderError, type GenerationRequest, type GenerationResult, type Provider } from '../provider.js';

export interface Recording {
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly finishReason: GenerationResult['finishReason'];
}

const key = (post: string, condition: string, sample: number) => `${post}\u0000${condition}\u0000${sample}`;

/** Parses the JSONL text of a recording file; `label` names it in errors. */
export function parseRecordings(text: string, label: string): Map<string, Recording> {
  const out = new Map<string, Recording>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      throw new UserError(`not valid JSON (${(err as Error).message})`, `${label}:${i + 1}`, 'each line must be one JSON object', { cause: err });
    }
    if (typeof r.post_id !== 'string' || typeof r.text !== 'string') throw new UserError('a recording needs "post_id" and "text" strings', `${label}:${i + 1}`, 'fix the line');
    const k = key(r.post_id, typeof r.condition === 'string' ? r.condition : 'base', typeof r.sample === 'number' ? r.sample : 0);
    if (out.has(k)) throw new UserError(`a second recording for post ${r.post_id}`, `${label}:${i + 1}`, 'keep one line per post, condition and sample');
    const finish = r.finish_reason === 'length' ? 'length' : r.finish_reason === 'other' ? 'other' : 'stop';
    out.set(k, { text: r.text, inputTokens: Number(r.input_tokens ?? 0), outputTokens: Number(r.output_tokens ?? 0), finishReason: finish });
  });
  return out;
}

export function replayProvider(recordings: ReadonlyMap<string, Recording>, label: string): Provider {
  return {
    id: 'replay',
    // A recorded reply was made elsewhere: nothing is sent, and the record cannot say how it was made.
    sends: () => ({}),
    readsPrompt: false,
    async generate(request: GenerationRequest): Promise<GenerationResult> {
      const r = recordings.get(key(request.unit.postId, request.unit.condition, request.unit.sampleIndex));
      if (!r) throw new ProviderError(`${label}: no recorded reply for post ${request.unit.postId}, condition ${request.unit.condition}, sample ${request.unit.sampleIndex}`, false);
      return { text: r.text, usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens }, latencyMs: 0, finishReason: r.finishReason };
    },
  };
}
