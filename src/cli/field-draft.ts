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

/** A model source of a field study with its provider (one attempt, a person waits) and a prompt file, parsed. */
async function promptedSource(study: Study, dir: string, db: Db, id: string, promptFile: string, where: { source: string; prompt: string }, cacheRead: boolean) {
  const source = study.sources.find((s) => s.id === id);
  if (source?.kind !== 'model') throw new UserError(`"${id}" is not a model source of this study`, where.source);
  const provider = (await providersFor(study, dir, db, { only: new Set([id]), cacheRead, command: 'serve', interactive: true })).get(id);
  if (!provider) throw new UserError(`no provider for "${id}"`, where.source);
  let promptText: string;
  try {
    promptText = await readFile(path.join(dir, promptFile), 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the prompt (${(err as NodeJS.ErrnoException).code ?? String(err)})`, promptFile, `check ${where.prompt}`, { cause: err });
  }
  return { source, provider, promptText, template: parsePrompt(promptText, promptFile) };
}

export async function fieldDrafter(study: Study, dir: string, db: Db): Promise<Drafter | undefined> {
  const id = study.field?.draft_source;
  if (id === undefined) return undefined;
  const declared = study.sources.find((s) => s.id === id);
  const condition = declared?.kind === 'model' ? declared.conditions[0] : undefined;
  if (!condition) throw new UserError(`"${id}" is not a model source with a condition (prompt)`, 'field.draft_source');
  const where = `sources[${study.sources.indexOf(declared as (typeof study.sources)[number])}]`;
  const { source, provider, promptText, template } = await promptedSource(study, dir, db, id, condition.prompt, { source: 'field.draft_source', prompt: `${where}.conditions[0].prompt` }, true);
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
  const { source, provider, template } = await promptedSource(study, dir, db, spec.source, spec.prompt, { source: 'field.screening.model.source', prompt: 'field.screening.model.prompt' }, false);
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
