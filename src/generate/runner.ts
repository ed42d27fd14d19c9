/**
 * Generation: every (post, source, condition, sample) is one unit of work. A unit whose response is
 * already stored is skipped, so a rerun does only what is missing; every call is recorded in
 * `generation_attempts`; a failure is counted and the run goes on (one failure never stops 10,000).
 *
 * Each source runs with its own concurrency and rate limits (all sources at once); retries wrap the
 * providers from outside. Workers on several machines claiming units with FOR UPDATE SKIP LOCKED,
 * and the request cache, are still to come.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { canonicalJson, sha256 } from '../study/hash.js';
import type { ModelSource, Study } from '../study/schema.js';
import { newId, nowIso } from '../store/ids.js';
import { listPosts } from '../store/posts.repository.js';
import { responseKey, responsesByKey } from '../store/responses.repository.js';
import type { Db } from '../store/tables.js';
import { checkReply } from './checks.js';
import { blind } from './transforms.js';
import { parsePrompt, renderPrompt, type PromptTemplate } from './prompts.js';
import { ProviderError, type Provider } from './provider.js';
import { pool, RateLimiter, type Clock } from './rate-limit.js';
import { claimUnit, releaseUnit } from '../store/claims.repository.js';

export interface UnitTally {
  source: string;
  condition: string;
  done: number;
  /** Calls tried again after a retriable failure (429, 5xx, timeouts). */
  retried: number;
  skipped: number;
  failed: number;
  failedChecks: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  latencies: number[];
  lastError?: string;
  /** Set when the source was stopped after too many consecutive failures. */
  stopped?: string;
}

export interface GenerationPlan {
  readonly source: ModelSource;
  readonly condition: ModelSource['conditions'][number];
  readonly template: PromptTemplate;
  readonly promptHash: string;
}

/** The conditions' prompt templates, read and checked before any call. */
export async function planGeneration(study: Study, dir: string, only?: ReadonlySet<string>): Promise<GenerationPlan[]> {
  const plans: GenerationPlan[] = [];
  for (const source of study.sources) {
    if (source.kind !== 'model' || (only && !only.has(source.id))) continue;
    for (const condition of source.conditions) {
      const file = path.join(dir, condition.prompt);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new UserError('cannot read the prompt file', condition.prompt, `create it, or fix sources[${study.sources.indexOf(source)}].conditions prompt in study.yaml`, { cause: err });
      }
      plans.push({ source, condition, template: parsePrompt(text, condition.prompt), promptHash: sha256(text) });
    }
  }
  return plans;
}

/** Splits one reply that holds several labelled replies ("VERY_LOW: ... VERY_HIGH: ..."). */
export function splitLabelled(text: string, labels: readonly string[], marker?: string): Map<string, string> | null {
  const re = new RegExp(marker ?? `^\\s*\\**\\s*(?<label>${labels.map((l) => l.replace(/[-_]/g, '[-_ ]')).join('|')})\\s*\\**\\s*:`, 'gim');
  const hits = [...text.matchAll(re)].map((m) => ({ at: m.index as number, end: (m.index as number) + m[0].length, label: (m.groups?.label ?? '').toLowerCase().replace(/[- ]/g, '_') }));
  const out = new Map<string, string>();
  hits.forEach((h, i) => out.set(h.label, text.slice(h.end, hits[i + 1]?.at ?? text.length).trim()));
  return labels.every((l) => (out.get(l.toLowerCase()) ?? '') !== '') ? new Map(labels.map((l) => [l, out.get(l.toLowerCase()) as string])) : null;
}

export interface RunOptions {
  readonly db: Db;
  readonly study: Study;
  readonly studyId: string;
  readonly contentHash: string;
  readonly plans: readonly GenerationPlan[];
  readonly providers: ReadonlyMap<string, Provider>;
  readonly onUnit?: () => void;
  /** Stop a source after this many failures in a row (default 10): a wrong key should not cost 10,000 calls. */
  readonly maxConsecutiveFailures?: number;
  /** For the rate limits (default: the real clock). */
  readonly clock?: Clock;
  /** Stop before a call whose estimated cost would take this run's spending past this (US dollars). */
  readonly budgetUsd?: number;
  /**
   * Claim each unit before calling, so several workers can share one study: this worker's id and
   * how long a claim holds (a killed worker's claims expire after it).
   */
  readonly claims?: { readonly worker: string; readonly leaseMs: number };
}

const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

interface Unit {
  readonly plan: GenerationPlan;
  readonly post: Awaited<ReturnType<typeof listPosts>>[number];
  readonly sample: number;
  readonly tally: UnitTally;
}

export async function runGeneration(o: RunOptions): Promise<UnitTally[]> {
  const posts = await listPosts(o.db, o.studyId);
  const existing = await responsesByKey(o.db, o.studyId);
  const range = { min: o.study.generation.min_words, max: o.study.generation.max_words };
  const clock = o.clock ?? realClock;
  const tallies: UnitTally[] = [];
  const bySource = new Map<string, Unit[]>();
  for (const plan of o.plans) {
    const { source, condition } = plan;
    if (!o.providers.get(source.id)) throw new UserError(`no provider for source ${source.id}`, 'sources', "check the source's provider");
    const labels = condition.split?.labels ?? [];
    const stored = labels.length > 0 ? labels.map((l) => `${condition.id}-${l}`) : [condition.id];
    const tally: UnitTally = { source: source.id, condition: condition.id, done: 0, retried: 0, skipped: 0, failed: 0, failedChecks: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, latencies: [] };
    tallies.push(tally);
    const units = bySource.get(source.id) ?? [];
    bySource.set(source.id, units);
    for (const post of posts) {
      if (post.text === '') continue; // placeholder posts from imported ratings have nothing to answer
      for (let sample = 0; sample < source.samples; sample++) {
        if (stored.every((c) => existing.has(responseKey(post.id, source.id, c, sample)))) {
          tally.skipped++;
          o.onUnit?.();
        } else units.push({ plan, post, sample, tally });
      }
    }
  }

  // The budget is shared by every source: committed spending plus the estimates of calls in flight.
  const budget = { spent: 0, reserved: 0, stopped: false };

  // Every source at once, each with its own concurrency and limits.
  await Promise.all(
    [...bySource.entries()].map(async ([sourceId, units]) => {
      const source = (units[0]?.plan.source ?? o.plans.find((p) => p.source.id === sourceId)?.source) as ModelSource;
      const provider = o.providers.get(sourceId) as Provider;
      const limiter = new RateLimiter(clock, {
        ...(source.requests_per_minute ? { requestsPerMinute: source.requests_per_minute } : {}),
        ...(source.tokens_per_minute ? { tokensPerMinute: source.tokens_per_minute } : {}),
      });
      let consecutive = 0;
      let stopped: string | undefined;
      await pool(units, source.concurrency, async (unit) => {
        o.onUnit?.();
        if (stopped) return;
        if (budget.stopped) return;
        const ok = await runUnit(o, unit, provider, limiter, range, budget);
        if (budget.stopped) {
          for (const t of tallies) t.stopped ??= `stopped: the next call would take the cost past the budget of $${o.budgetUsd} ($${budget.spent.toFixed(4)} spent)`;
          return;
        }
        consecutive = ok ? 0 : consecutive + 1;
        if (consecutive >= (o.maxConsecutiveFailures ?? 10) && !stopped) {
          stopped = `stopped after ${consecutive} failures in a row; the last: ${unit.tally.lastError}`;
          for (const t of tallies) if (t.source === sourceId) t.stopped = stopped;
        }
      });
    }),
  );
  return tallies;
}

/** One unit: the call, then its responses and attempt committed together. Returns whether it succeeded. */
async function runUnit(
  o: RunOptions,
  unit: Unit,
  provider: Provider,
  limiter: RateLimiter,
  range: { min: number; max: number },
  budget: { spent: number; reserved: number; stopped: boolean },
): Promise<boolean> {
  const { plan, post, sample } = unit;
  const { source, condition } = plan;
  const price = o.study.prices[source.model];
  const messages = renderPrompt(plan.template, {
    post: post.text,
    title: post.title ?? '',
    domain: post.domain,
    min_words: String(range.min),
    max_words: String(range.max),
  });
  // Tokens a call may use: the prompt (about 4 characters a token) and at most max_tokens out.
  const estimate = Math.ceil(messages.reduce((s, m) => s + m.content.length, 0) / 4) + source.params.max_tokens;
  const attempt = { id: newId(), study_id: o.studyId, unit_key: `${post.id}/${source.id}/${condition.id}/${sample}`, provider: source.provider, model: source.model, started_at: nowIso() };
  const estimatedCost = price ? (estimate * Math.max(price.input_per_mtok, price.output_per_mtok)) / 1e6 : 0;
  if (o.budgetUsd !== undefined && budget.spent + budget.reserved + estimatedCost > o.budgetUsd) {
    budget.stopped = true;
    return true;
  }
  if (o.claims) {
    // Another worker holds it, or finished it since this worker listed its units: not ours.
    if (!(await claimUnit(o.db, o.studyId, attempt.unit_key, o.claims.worker, new Date(), o.claims.leaseMs))) return true;
    const stored = condition.split ? condition.split.labels.map((l) => `${condition.id}-${l}`) : [condition.id];
    const done = await o.db.selectFrom('responses').select('id').where('post_id', '=', post.id).where('source', '=', source.id).where('sample_index', '=', sample).where('variant', '=', '').where('condition', 'in', stored).executeTakeFirst();
    if (done) {
      unit.tally.skipped++;
      await releaseUnit(o.db, o.studyId, attempt.unit_key, o.claims.worker);
      return true;
    }
  }
  budget.reserved += estimatedCost;
  try {
    return await callUnit(o, unit, provider, limiter, range, messages, estimate, attempt, budget);
  } finally {
    budget.reserved -= estimatedCost;
    if (o.claims) await releaseUnit(o.db, o.studyId, attempt.unit_key, o.claims.worker);
  }
}

async function callUnit(
  o: RunOptions,
  unit: Unit,
  provider: Provider,
  limiter: RateLimiter,
  range: { min: number; max: number },
  messages: ReturnType<typeof renderPrompt>,
  estimate: number,
  attempt: { id: string; study_id: string; unit_key: string; provider: string; model: string; started_at: string },
  budget: { spent: number },
): Promise<boolean> {
  const { plan, post, sample, tally } = unit;
  const { source, condition } = plan;
  const labels = condition.split?.labels ?? [];
  const price = o.study.prices[source.model];
  await limiter.acquire(estimate);
  try {
    const result = await provider.generate(
      { model: source.model, messages, params: source.params, unit: { postId: post.external_id, source: source.id, condition: condition.id, sampleIndex: sample }, post: { text: post.text, title: post.title, domain: post.domain } },
      {},
    );
    limiter.settle(estimate, result.usage.inputTokens + result.usage.outputTokens);
    const parts = labels.length > 0 ? splitLabelled(result.text, labels, condition.split?.marker) : new Map([['', result.text]]);
    if (!parts) throw new ProviderError(`the reply does not hold every labelled part (${labels.join(', ')})`, false);
    const cost = price ? (result.usage.inputTokens * price.input_per_mtok + result.usage.outputTokens * price.output_per_mtok) / 1e6 : null;
    const rows = [...parts.entries()].map(([label, raw]) => {
      const { text, log } = o.study.generation.blind ? blind(raw) : { text: raw, log: [] };
      const checks = checkReply(text, result.finishReason, range);
      if (!checks.passed) tally.failedChecks++;
      return {
        id: newId(),
        study_id: o.studyId,
        post_id: post.id,
        source: source.id,
        condition: label ? `${condition.id}-${label}` : condition.id,
        sample_index: sample,
        parent_id: null,
        text,
        word_count: checks.words,
        author: null,
        provider: source.provider,
        model: source.model,
        params_json: canonicalJson(source.params),
        prompt_hash: plan.promptHash,
        content_hash: o.contentHash,
        tokens_in: result.usage.inputTokens,
        tokens_out: result.usage.outputTokens,
        cost_usd: cost,
        latency_ms: Math.round(result.latencyMs),
        finish_reason: result.finishReason,
        checks_json: JSON.stringify(checks),
        transforms_json: JSON.stringify(log),
        import_id: null,
        created_at: nowIso(),
      };
    });
    // The unit's responses and its attempt are committed together: never half a unit.
    await o.db.transaction().execute(async (trx) => {
      await trx.insertInto('responses').values(rows).onConflict((oc) => oc.columns(['post_id', 'source', 'condition', 'sample_index', 'variant']).doNothing()).execute();
      await trx
        .insertInto('generation_attempts')
        .values({ ...attempt, response_id: rows[0]?.id ?? null, status: 'ok', error: null, http_status: null, tokens_in: result.usage.inputTokens, tokens_out: result.usage.outputTokens, latency_ms: Math.round(result.latencyMs), finished_at: nowIso() })
        .execute();
    });
    tally.done++;
    tally.tokensIn += result.usage.inputTokens;
    tally.tokensOut += result.usage.outputTokens;
    tally.costUsd += cost ?? 0;
    budget.spent += cost ?? 0;
    tally.latencies.push(result.latencyMs);
    return true;
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    tally.failed++;
    tally.lastError = err.message;
    await o.db.insertInto('generation_attempts').values({ ...attempt, response_id: null, status: 'failed', error: err.message, http_status: err.status ?? null, tokens_in: null, tokens_out: null, latency_ms: null, finished_at: nowIso() }).execute();
    return false;
  }
}
