/**
 * What a run of `generate` will cost before it starts, and what a call cost after: the calls still
 * to make per source and condition, with estimated tokens (prompt length / 4 in, max_tokens out)
 * and the price from the manifest's `prices`.
 */
import { listPosts } from '../store/posts.repository.js';
import { failedCheckReplies, responsesByKey, supersedeReplies } from '../store/responses.repository.js';
import type { Db } from '../store/tables.js';
import { storedConditions } from '../study/arm.js';
import type { Study } from '../study/schema.js';
import { renderPrompt } from './prompts.js';
import { planGeneration, unitAlreadyStored } from './runner.js';

/** The cost of tokens at a model's price (USD per million tokens in and out); null without a price. */
export function costUsd(price: Study['prices'][string] | undefined, tokensIn: number, tokensOut: number): number | null {
  return price ? (tokensIn * price.input_per_mtok + tokensOut * price.output_per_mtok) / 1e6 : null;
}

export interface GenerationEstimate {
  readonly source: string;
  readonly condition: string;
  readonly calls: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number | null;
}

export async function estimateGeneration(study: Study, dir: string, db: Db, studyId: string): Promise<GenerationEstimate[]> {
  const plans = await planGeneration(study, dir);
  const posts = await listPosts(db, studyId);
  const existing = await responsesByKey(db, studyId);
  const range = study.generation;
  return plans.map((plan) => {
    const stored = storedConditions(plan.condition);
    let calls = 0;
    let tokensIn = 0;
    for (const post of posts) {
      if (post.text === '') continue;
      for (let sample = 0; sample < plan.source.samples; sample++) {
        if (unitAlreadyStored(existing, post.id, plan.source.id, stored, sample)) continue;
        calls++;
        const messages = renderPrompt(plan.template, { post: post.text, title: post.title ?? '', domain: post.domain, min_words: String(range.min_words), max_words: String(range.max_words) });
        tokensIn += Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
      }
    }
    const tokensOut = calls * plan.source.params.max_tokens;
    return { source: plan.source.id, condition: plan.condition.id, calls, tokensIn, tokensOut, costUsd: costUsd(study.prices[plan.source.model], tokensIn, tokensOut) };
  });
}

/**
 * `--redo failed-checks`: generated replies whose checks failed are kept as history (moved to the
 * variant `superseded-<id>`), so their units are missing and are generated again.
 */
export async function supersedeFailedChecks(study: Study, db: Db, studyId: string, only?: ReadonlySet<string>): Promise<number> {
  const models = study.sources.filter((x) => x.kind === 'model' && (!only || only.has(x.id))).map((x) => x.id);
  const ids = await failedCheckReplies(db, studyId, models);
  await supersedeReplies(db, ids);
  return ids.length;
}
