/**
 * The draft source of a field study, built in the composition root: the model source named by
 * `field.draft_source`, its first condition's prompt, its parameters, with retries (and the request
 * cache) as `generate` uses them, and the blinding clean-up when `generation.blind` is on (a draft
 * that says "As an AI" would tell the seeker the arm). Each draft records what was sent.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { parsePrompt, renderPrompt } from '../generate/prompts.js';
import { blind } from '../generate/transforms.js';
import { parseVerdict, type Drafter, type Screener } from '../server/field-flow.js';
import { sha256 } from '../study/hash.js';
import type { Study } from '../study/schema.js';
import type { Db } from '../store/tables.js';
import { providersFor } from './generation.js';

export async function fieldDrafter(study: Study, dir: string, db: Db): Promise<Drafter | undefined> {
  const id = study.field?.draft_source;
  if (id === undefined) return undefined;
  const source = study.sources.find((s) => s.id === id);
  if (source?.kind !== 'model') throw new UserError(`"${id}" is not a model source of this study`, 'field.draft_source');
  const provider = (await providersFor(study, dir, db, { only: new Set([id]), command: 'serve', interactive: true })).get(id);
  if (!provider) throw new UserError(`no provider for "${id}"`, 'field.draft_source');
  const condition = source.conditions[0];
  if (!condition) throw new UserError(`"${id}" has no condition (prompt)`, `sources[${study.sources.indexOf(source)}].conditions`);
  let promptText: string;
  try {
    promptText = await readFile(path.join(dir, condition.prompt), 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the draft prompt (${(err as NodeJS.ErrnoException).code ?? String(err)})`, condition.prompt, `check sources[${study.sources.indexOf(source)}].conditions[0].prompt`, { cause: err });
  }
  const template = parsePrompt(promptText, condition.prompt);
  const range = { min: study.generation.min_words, max: study.generation.max_words };
  return async (post) => {
    const messages = renderPrompt(template, { post: post.text, title: '', domain: post.domain, min_words: String(range.min), max_words: String(range.max) });
    const result = await provider.generate(
      { model: source.model, messages, params: source.params, unit: { postId: post.id, source: id, condition: condition.id, sampleIndex: 0 }, post: { text: post.text, title: null, domain: post.domain } },
      {},
    );
    const cleaned = study.generation.blind ? blind(result.text) : { text: result.text, log: [] };
    return {
      text: cleaned.text,
      provenance: {
        source: id,
        provider: source.provider,
        model: source.model,
        params: provider.sends(source.params),
        prompt: condition.prompt,
        prompt_hash: provider.readsPrompt ? sha256(promptText) : null,
        latency_ms: result.latencyMs,
        finish_reason: result.finishReason,
        blinding: cleaned.log,
      },
    };
  };
}

/**
 * The model screen of a field study (`field.screening.model`): the model source asked with the
 * screening prompt about the redacted post, its answer read as RISK or SAFE. An answer that is
 * neither is no answer: the post is not taken, and the seeker sends it again.
 */
export async function fieldScreener(study: Study, dir: string, db: Db): Promise<Screener | undefined> {
  const spec = study.field?.screening.model;
  if (!spec) return undefined;
  const source = study.sources.find((s) => s.id === spec.source);
  if (source?.kind !== 'model') throw new UserError(`"${spec.source}" is not a model source of this study`, 'field.screening.model.source');
  const provider = (await providersFor(study, dir, db, { only: new Set([spec.source]), cacheRead: false, command: 'serve', interactive: true })).get(spec.source);
  if (!provider) throw new UserError(`no provider for "${spec.source}"`, 'field.screening.model.source');
  let promptText: string;
  try {
    promptText = await readFile(path.join(dir, spec.prompt), 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the screening prompt (${(err as NodeJS.ErrnoException).code ?? String(err)})`, spec.prompt, 'check field.screening.model.prompt', { cause: err });
  }
  const template = parsePrompt(promptText, spec.prompt);
  return async (post) => {
    const messages = renderPrompt(template, { post: post.text, title: '', domain: post.domain, min_words: '', max_words: '' });
    const result = await provider.generate(
      { model: source.model, messages, params: source.params, unit: { postId: 'screen', source: spec.source, condition: 'screen', sampleIndex: 0 }, post: { text: post.text, title: null, domain: post.domain } },
      {},
    );
    const verdict = parseVerdict(result.text);
    if (!verdict) throw new Error(`the screening model answered neither RISK nor SAFE: "${result.text.slice(0, 80)}"`);
    return verdict;
  };
}
