/**
 * Variant arms (`kind: variant` sources): every reply of the parent source gets one derived reply,
 * the arm's transforms applied in order, stored as an original reply of the arm with `parent_id`
 * set, so it is assigned, rated and analysed like any source. Each step is logged with its before
 * and after. Deterministic transforms (no-emoji, add-exclamation, truncate-N, ...) need nothing;
 * `formal` and `casual` are rewrites by a model source's provider with the arm's prompt, and must
 * keep the parent's content (share of its content words kept, length ratio). A rewrite that fails
 * is stored as variant `failed-content-check` (on record, never rated) unless the arm allows it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { STOPWORDS } from '../language/bag-of-words.js';
import { contentKept } from '../language/similarity.js';
import { countWords } from '../language/words.js';
import { endCall, startCall } from '../store/attempts.repository.js';
import { newId, nowIso } from '../store/ids.js';
import { listPosts } from '../store/posts.repository.js';
import { armReplies, insertResponses, recordPrompts, variantParents } from '../store/responses.repository.js';
import type { NewResponse } from '../store/tables.js';
import { canonicalJson, sha256 } from '../study/hash.js';
import type { ModelSource, VariantSource } from '../study/schema.js';
import type { StoredStudy } from '../study/stored.js';
import { parsePrompt, renderPrompt, REWRITE_VARIABLES, type PromptTemplate } from './prompts.js';
import type { Provider } from './provider.js';
import { variant, type TransformLog } from './transforms.js';

/** What a derived reply is stored as when its rewrite lost the parent's content and the arm does not allow it. */
export const FAILED_CONTENT_CHECK = 'failed-content-check';

export interface ArmTally {
  readonly arm: string;
  readonly of: string;
  /** Parent replies with text. */
  parents: number;
  made: number;
  already: number;
  /** Rewrites that failed the content check (stored, flagged; rated only when the arm allows it). */
  failedCheck: number;
  /** Rewrites whose call failed (nothing stored; run `variants` again). */
  failedCall: number;
}

/** The variant arms of a study, or the named ones. */
export function variantArms(study: StoredStudy['study'], only?: ReadonlySet<string>): VariantSource[] {
  return study.sources.filter((s): s is VariantSource => s.kind === 'variant' && (!only || only.has(s.id)));
}

const isRewrite = (t: string) => t === 'formal' || t === 'casual';

interface Rewriter {
  readonly source: ModelSource;
  readonly provider: Provider;
  readonly prompt: PromptTemplate;
  readonly promptHash: string;
}

async function rewriterFor(s: StoredStudy, arm: VariantSource, providers: ReadonlyMap<string, Provider>): Promise<Rewriter | null> {
  if (!arm.transforms.some(isRewrite) || !arm.rewrite) return null;
  const source = s.study.sources.find((x): x is ModelSource => x.kind === 'model' && x.id === arm.rewrite?.with);
  const provider = source ? providers.get(source.id) : undefined;
  if (!source || !provider) throw new UserError(`no provider for "${arm.rewrite.with}"`, `sources.${arm.id}.rewrite.with`, 'name a model source of this study');
  const file = path.join(s.dir, arm.rewrite.prompt);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UserError('the rewrite prompt file is missing', file, `write it (a "## user" part with {{reply}}), or fix sources.${arm.id}.rewrite.prompt`);
  });
  const prompt = parsePrompt(text, arm.rewrite.prompt, REWRITE_VARIABLES);
  const promptHash = sha256(text);
  if (provider.readsPrompt) await recordPrompts(s.db, s.studyId, [{ hash: promptHash, file: arm.rewrite.prompt, text }], nowIso());
  return { source, provider, prompt, promptHash };
}

/**
 * Makes the derived replies of every variant arm (or the named ones) that are not there yet, in one
 * transaction per arm. `providers` holds the model sources' providers (only rewrites use them).
 */
export async function makeArmReplies(s: StoredStudy, providers: ReadonlyMap<string, Provider>, o: { only?: ReadonlySet<string>; worker?: string } = {}): Promise<ArmTally[]> {
  const tallies: ArmTally[] = [];
  const posts = new Map((await listPosts(s.db, s.studyId)).map((p) => [p.id, p]));
  for (const arm of variantArms(s.study, o.only)) {
    const tally: ArmTally = { arm: arm.id, of: arm.of, parents: 0, made: 0, already: 0, failedCheck: 0, failedCall: 0 };
    tallies.push(tally);
    const parents = await variantParents(s.db, s.studyId, [arm.of]);
    tally.parents = parents.length;
    const existing = new Set((await armReplies(s.db, s.studyId, arm.id)).map((r) => r.parent_id));
    const todo = parents.filter((p) => !existing.has(p.id));
    tally.already = parents.length - todo.length;
    if (todo.length === 0) continue;
    const rewriter = await rewriterFor(s, arm, providers);
    const rows: NewResponse[] = [];
    for (const parent of todo) {
      const log: TransformLog[] = [];
      let text = parent.text;
      let call: { tokensIn: number; tokensOut: number; latencyMs: number; finishReason: string } | null = null;
      let failedCall = false;
      for (const name of arm.transforms) {
        let next: string;
        if (isRewrite(name)) {
          if (!rewriter) throw new UserError(`${name} needs a model`, `sources.${arm.id}.rewrite`, 'add rewrite: { with: <a model source>, prompt: <file> }');
          const post = posts.get(parent.post_id);
          const messages = renderPrompt(rewriter.prompt, { reply: text, post: post?.text ?? '', title: post?.title ?? '', domain: post?.domain ?? '' });
          const unitKey = `rewrite:${arm.id}:${parent.id}`;
          const id = await startCall(s.db, { studyId: s.studyId, unitKey, provider: rewriter.source.provider, model: rewriter.source.model, worker: o.worker ?? 'local' });
          try {
            const r = await rewriter.provider.generate(
              { model: rewriter.source.model, messages, params: rewriter.source.params, unit: { postId: post?.external_id ?? parent.post_id, source: arm.id, condition: name, sampleIndex: parent.sample_index }, post: { text: post?.text ?? '', title: post?.title ?? null, domain: post?.domain ?? '' } },
              {},
            );
            await endCall(s.db, id, { status: 'ok', retried: false, tokensIn: r.usage.inputTokens, tokensOut: r.usage.outputTokens, latencyMs: Math.round(r.latencyMs) });
            next = r.text.trim();
            call = { tokensIn: r.usage.inputTokens, tokensOut: r.usage.outputTokens, latencyMs: Math.round(r.latencyMs), finishReason: r.finishReason };
          } catch (err) {
            await endCall(s.db, id, { status: 'error', retried: false, error: (err as Error).message });
            failedCall = true;
            break;
          }
        } else {
          const spec = variant(name);
          if (!spec) throw new UserError(`unknown transform "${name}"`, `sources.${arm.id}.transforms`, 'use no-emoji, no-exclamation, add-emoji, add-exclamation, truncate-N, formal or casual');
          next = spec.apply(text);
        }
        log.push({ transform: name, before: text, after: next });
        text = next;
      }
      if (failedCall) {
        tally.failedCall++;
        continue;
      }
      let checks: Record<string, unknown> = {};
      let stored = '';
      if (rewriter) {
        const { kept, lengthRatio } = contentKept(parent.text, text, STOPWORDS);
        const [lo, hi] = arm.content_check.length_ratio;
        const passed = kept >= arm.content_check.min_similarity && lengthRatio >= lo && lengthRatio <= hi;
        checks = { passed, contentKept: Math.round(kept * 1000) / 1000, lengthRatio: Math.round(lengthRatio * 1000) / 1000, minSimilarity: arm.content_check.min_similarity, lengthRange: [lo, hi] };
        if (!passed) {
          tally.failedCheck++;
          if (!arm.allow_failed_checks) stored = FAILED_CONTENT_CHECK;
        }
      }
      if (stored === '') tally.made++;
      rows.push({
        id: newId(),
        study_id: s.studyId,
        post_id: parent.post_id,
        source: arm.id,
        condition: parent.condition,
        sample_index: parent.sample_index,
        variant: stored,
        parent_id: parent.id,
        text,
        word_count: countWords(text),
        author: null,
        provider: rewriter ? rewriter.source.provider : 'variant',
        model: rewriter ? rewriter.source.model : null,
        params_json: rewriter ? canonicalJson(rewriter.provider.sends(rewriter.source.params)) : '{}',
        prompt_hash: rewriter && rewriter.provider.readsPrompt ? rewriter.promptHash : null,
        content_hash: s.contentHash,
        tokens_in: call?.tokensIn ?? null,
        tokens_out: call?.tokensOut ?? null,
        cost_usd: null,
        latency_ms: call?.latencyMs ?? null,
        finish_reason: call?.finishReason ?? null,
        checks_json: JSON.stringify(checks),
        transforms_json: JSON.stringify(log),
        import_id: null,
        created_at: nowIso(),
      });
    }
    await s.db.transaction().execute((trx) => insertResponses(trx, rows));
  }
  return tallies;
}
