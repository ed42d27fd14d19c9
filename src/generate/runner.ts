/**
 * Generation: every (post, source, condition, sample) is one unit of work. A unit whose response is
 * already stored is skipped, so a rerun does only what is missing; every call is recorded in
 * `generation_attempts`; a failure is counted and the run goes on (one failure never stops 10,000).
 *
 * Each source runs with its own concurrency and rate limits (all sources at once); retries and the
 * cache wrap the providers from outside. Several workers share a study by claiming each unit with
 * one atomic statement; a claim is short and renewed by a heartbeat while its call is in flight, so
 * a dead worker's units are free within one lease, and a claim of a dead process on this host is
 * taken over at once.
 */
import { storedCondition, storedConditions } from '../study/arm.js';
import { costUsd } from './estimate.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { canonicalJson, sha256 } from '../study/hash.js';
import type { ModelSource, Study } from '../study/schema.js';
import { newId, nowIso } from '../store/ids.js';
import { listPosts } from '../store/posts.repository.js';
import { recordPrompts, responseKey, responsesByKey } from '../store/responses.repository.js';
import type { Db } from '../store/tables.js';
import { checkReply } from './checks.js';
import { blind } from './transforms.js';
import { parsePrompt, renderPrompt, type PromptTemplate } from './prompts.js';
import { ProviderError, type CallLog, type CallOutcome, type Provider } from './provider.js';
import { pool, RateLimiter, realClock, type Clock } from './rate-limit.js';
import { claimHolder, claimUnit, claimWorkers, releaseAllClaims, releaseUnit, renewClaims, takeOverClaim } from '../store/claims.repository.js';
import { endCall, startCall, storeUnit, unitStored } from '../store/attempts.repository.js';

/**
 * What became of a source and condition's units in one run. Every unit the manifest asks for is in
 * exactly one of: done, failedChecks (stored, but a check failed), skipped (already stored before the
 * run), failed, otherWorker (stored by another live worker while this run waited), heldBack (not
 * started: the budget) and the rest, still to do (the run was interrupted or the source stopped).
 */
export interface UnitTally {
  source: string;
  condition: string;
  /** Units the manifest asks for: posts x samples. */
  asked: number;
  done: number;
  failedChecks: number;
  skipped: number;
  failed: number;
  otherWorker: number;
  heldBack: number;
  /** Calls tried again after a retriable failure (429, 5xx, timeouts). */
  retried: number;
  tokensIn: number;
  tokensOut: number;
  /** What this run's calls cost (cached replies cost nothing). */
  costUsd: number;
  latencies: number[];
  lastError?: string;
  /** Why the source (or the run) stopped before its units were done. */
  stopped?: string;
  /** The source was stopped by a wrong or missing key (401/403). */
  authFailure?: boolean;
}

/** In the replies read at the start: a unit is stored when every condition it stores under (each part of a split) has its reply. */
export function unitAlreadyStored(existing: ReadonlyMap<string, unknown>, postId: string, source: string, stored: readonly string[], sample: number): boolean {
  return stored.every((c) => existing.has(responseKey(postId, source, c, sample)));
}

/** Units neither stored, failed, done elsewhere nor held back: the run ended before them. */
export function stillToDo(t: Pick<UnitTally, 'asked' | 'done' | 'failedChecks' | 'skipped' | 'failed' | 'otherWorker' | 'heldBack'>): number {
  return t.asked - t.done - t.failedChecks - t.skipped - t.failed - t.otherWorker - t.heldBack;
}

/** Every unit asked for is stored (here, before, or by another worker). */
export function generationComplete(tallies: readonly UnitTally[]): boolean {
  return tallies.every((t) => t.failed === 0 && t.heldBack === 0 && stillToDo(t) === 0);
}

export interface GenerationPlan {
  readonly source: ModelSource;
  readonly condition: ModelSource['conditions'][number];
  readonly template: PromptTemplate;
  readonly promptHash: string;
  /** The prompt file as read (recorded by hash with the first run that uses it). */
  readonly promptText: string;
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
      plans.push({ source, condition, template: parsePrompt(text, condition.prompt), promptHash: sha256(text), promptText: text });
    }
  }
  return plans;
}

/** Splits one reply that holds several labelled replies ("VERY_LOW: ... VERY_HIGH: ..."). */
export function splitLabelled(text: string, labels: readonly string[], marker?: string): Map<string, string> | null {
  const re = new RegExp(marker ?? `^\\s*\\**\\s*(?<label>${labels.map((l) => l.replace(/[-_]/g, '[-_ ]')).join('|')})\\s*\\**\\s*:`, 'gim');
  const hits = [...text.matchAll(re)].map((m) => ({ at: m.index, end: m.index + m[0].length, label: (m.groups?.label ?? '').toLowerCase().replace(/[- ]/g, '_') }));
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
  /** Called once for every unit that comes to an end (stored, skipped, failed, done elsewhere). */
  readonly onUnit?: () => void;
  /** Stop a source after this many failures in a row (default 10). */
  readonly maxConsecutiveFailures?: number;
  /** For the rate limits (default: the real clock). */
  readonly clock?: Clock;
  /** Stop before a call whose estimated cost would take this run's spending past this (US dollars). */
  readonly budgetUsd?: number;
  /**
   * Claim each unit before calling, so several workers can share one study: this worker's id, how
   * long a claim holds without a heartbeat (renewed every third of it while calls are in flight),
   * and how to tell that another worker's process is gone (its claims are taken over at once).
   */
  readonly claims?: { readonly worker: string; readonly leaseMs: number; readonly isDead?: (worker: string) => boolean; readonly pollMs?: number };
  /** Once aborted, no new unit is started and no call retried; calls in flight finish and are recorded. */
  readonly stop?: AbortSignal;
  /** Aborts the calls in flight (they are recorded as interrupted). */
  readonly abort?: AbortSignal;
}


interface Unit {
  readonly plan: GenerationPlan;
  readonly post: Awaited<ReturnType<typeof listPosts>>[number];
  readonly sample: number;
  readonly tally: UnitTally;
  readonly key: string;
  readonly stored: readonly string[];
}

/** The run's spending, in one place: what calls cost, what calls in flight may cost, and where it stopped. */
export class Budget {
  spent = 0;
  #reserved = 0;
  exceeded = false;
  constructor(readonly limit: number | undefined) {}

  /** Reserves a call's estimated cost; false (and `exceeded`) when it would pass the limit. */
  reserve(estimate: number): boolean {
    if (this.limit !== undefined && this.spent + this.#reserved + estimate > this.limit) {
      this.exceeded = true;
      return false;
    }
    this.#reserved += estimate;
    return true;
  }

  release(estimate: number): void {
    this.#reserved -= estimate;
  }

  message(): string {
    return `stopped before a call that could take the cost past the budget of $${(this.limit ?? 0).toFixed(2)}: $${this.spent.toFixed(4)} spent by this run`;
  }
}

export async function runGeneration(o: RunOptions): Promise<UnitTally[]> {
  const posts = await listPosts(o.db, o.studyId);
  const existing = await responsesByKey(o.db, o.studyId);
  const clock = o.clock ?? realClock;
  const tallies: UnitTally[] = [];
  const bySource = new Map<string, Unit[]>();
  for (const plan of o.plans) {
    const { source, condition } = plan;
    if (!o.providers.get(source.id)) throw new UserError(`no provider for source ${source.id}`, 'sources', "check the source's provider");
    const stored = storedConditions(condition);
    const tally: UnitTally = { source: source.id, condition: condition.id, asked: 0, done: 0, failedChecks: 0, skipped: 0, failed: 0, otherWorker: 0, heldBack: 0, retried: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, latencies: [] };
    tallies.push(tally);
    const units = bySource.get(source.id) ?? [];
    bySource.set(source.id, units);
    for (const post of posts) {
      if (post.text === '') continue; // placeholder posts from imported ratings have nothing to answer
      for (let sample = 0; sample < source.samples; sample++) {
        tally.asked++;
        if (unitAlreadyStored(existing, post.id, source.id, stored, sample)) {
          tally.skipped++;
          o.onUnit?.();
        } else units.push({ plan, post, sample, tally, key: `${post.id}/${source.id}/${condition.id}/${sample}`, stored });
      }
    }
  }

  // The prompts this run uses are on record before any reply cites them.
  const read = o.plans.filter((p) => o.providers.get(p.source.id)?.readsPrompt && bySource.get(p.source.id)?.some((u) => u.plan === p));
  await recordPrompts(o.db, o.studyId, [...new Map(read.map((p) => [p.promptHash, { hash: p.promptHash, file: p.condition.prompt, text: p.promptText }])).values()], nowIso());
  const budget = new Budget(o.budgetUsd);
  const claims = o.claims;
  // Claims left by dead processes of this host (a SIGKILL, a crash) are cleared at once.
  if (claims?.isDead) for (const w of await claimWorkers(o.db, o.studyId)) if (w !== claims.worker && claims.isDead(w)) await releaseAllClaims(o.db, o.studyId, w);
  // The heartbeat: while this worker holds claims, they are renewed, so a live worker's units stay
  // its own and a dead worker's are free within one lease. A renewal that fails (the database away
  // for a moment) is made again at the next beat; the unit's own writes report a lasting outage.
  const heartbeat = claims ? setInterval(() => void renewClaims(o.db, o.studyId, claims.worker, new Date(), claims.leaseMs).catch(() => undefined), Math.max(50, claims.leaseMs / 3)) : undefined;
  try {
    await Promise.all(
      [...bySource.entries()].map(async ([sourceId, units]) => {
        const source = (units[0]?.plan.source ?? o.plans.find((p) => p.source.id === sourceId)?.source);
        const provider = o.providers.get(sourceId) as Provider;
        const limiter = new RateLimiter(clock, {
          ...(source.requests_per_minute ? { requestsPerMinute: source.requests_per_minute } : {}),
          ...(source.tokens_per_minute ? { tokensPerMinute: source.tokens_per_minute } : {}),
        });
        const state = { consecutive: 0, stopped: undefined as string | undefined };
        /** Units another live worker holds: tried again once the first pass is over. */
        const elsewhere: Unit[] = [];
        const work = async (unit: Unit): Promise<void> => {
          if (o.stop?.aborted || state.stopped) return;
          const outcome = await runUnit(o, unit, provider, limiter, budget);
          if (outcome === 'elsewhere') return void elsewhere.push(unit);
          if (outcome === 'auth') {
            state.stopped = `stopped after the first call: ${unit.tally.lastError}`;
            for (const t of tallies) if (t.source === sourceId) Object.assign(t, { stopped: state.stopped, authFailure: true });
            return;
          }
          if (outcome !== 'stored' && outcome !== 'failed') return;
          state.consecutive = outcome === 'failed' ? state.consecutive + 1 : 0;
          if (state.consecutive >= (o.maxConsecutiveFailures ?? 10) && !state.stopped) {
            state.stopped = `stopped after ${state.consecutive} failures in a row; the last: ${unit.tally.lastError}`;
            for (const t of tallies) if (t.source === sourceId) t.stopped = state.stopped;
          }
        };
        // The first unit alone: a wrong key (401/403) then costs one call, not one per slot of concurrency.
        const [first, ...rest] = units;
        if (first) await work(first);
        await pool(rest, source.concurrency, work);
        // Wait for them to be stored by their worker, or for the claim to come free (the worker died).
        while (elsewhere.length > 0 && claims && !o.stop?.aborted && !state.stopped) {
          await clock.sleep(claims.pollMs ?? 1000);
          await pool(elsewhere.splice(0), source.concurrency, work);
        }
      }),
    );
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    if (claims) await releaseAllClaims(o.db, o.studyId, claims.worker);
  }
  if (budget.exceeded) for (const t of tallies) t.stopped ??= budget.message();
  if (o.stop?.aborted) for (const t of tallies) if (stillToDo(t) > 0) t.stopped ??= 'interrupted (Ctrl-C) before these units';
  return tallies;
}

type UnitOutcome = 'stored' | 'skipped' | 'failed' | 'auth' | 'elsewhere' | 'held-back' | 'interrupted';

/** One unit: its budget, its claim, the call, then its responses and the call's record committed together. */
async function runUnit(o: RunOptions, unit: Unit, provider: Provider, limiter: RateLimiter, budget: Budget): Promise<UnitOutcome> {
  const { plan, post } = unit;
  const { source } = plan;
  const range = { min: o.study.generation.min_words, max: o.study.generation.max_words };
  const messages = renderPrompt(plan.template, { post: post.text, title: post.title ?? '', domain: post.domain, min_words: String(range.min), max_words: String(range.max) });
  // Tokens a call may use: the prompt (about 4 characters a token) and at most max_tokens out.
  const estimate = Math.ceil(messages.reduce((s, m) => s + m.content.length, 0) / 4) + source.params.max_tokens;
  const price = o.study.prices[source.model];
  const estimatedCost = price ? (estimate * Math.max(price.input_per_mtok, price.output_per_mtok)) / 1e6 : 0;
  if (!budget.reserve(estimatedCost)) {
    unit.tally.heldBack++;
    return 'held-back';
  }
  const claims = o.claims;
  let claimed = false;
  const held = { released: false };
  try {
    if (claims) {
      const now = new Date();
      claimed = await claimUnit(o.db, o.studyId, unit.key, claims.worker, now, claims.leaseMs);
      if (!claimed) {
        // A claim left by a process of this host that no longer exists is taken over at once.
        const holder = await claimHolder(o.db, o.studyId, unit.key);
        if (holder && claims.isDead?.(holder)) claimed = await takeOverClaim(o.db, o.studyId, unit.key, holder, claims.worker, now, claims.leaseMs);
      }
      if (!claimed) return (await unitStored(o.db, post.id, source.id, unit.sample, unit.stored)) ? record(o, unit, 'otherWorker') : 'elsewhere';
      // Finished by another worker since this one listed its units.
      if (await unitStored(o.db, post.id, source.id, unit.sample, unit.stored)) return record(o, unit, 'skipped');
    }
    return await callUnit(o, unit, provider, limiter, { messages, estimate, budget, claimed: claimed ? held : undefined });
  } finally {
    budget.release(estimatedCost);
    if (claimed && claims && !held.released) await releaseUnit(o.db, o.studyId, unit.key, claims.worker);
  }
}

function record(o: RunOptions, unit: Unit, what: 'skipped' | 'otherWorker'): UnitOutcome {
  unit.tally[what]++;
  o.onUnit?.();
  return what === 'skipped' ? 'skipped' : 'stored';
}

/**
 * The call log of one unit: a row per call, written when the call starts and completed when it
 * ends. The call whose reply is stored is completed in the same transaction as the reply.
 */
function callLog(o: RunOptions, unit: Unit) {
  const log = { calls: 0, okCall: undefined as { id: string; outcome: CallOutcome } | undefined, cached: false };
  const start = { studyId: o.studyId, unitKey: unit.key, provider: unit.plan.source.provider, model: unit.plan.source.model, worker: o.claims?.worker ?? 'local' };
  const calls: CallLog = {
    start: () => {
      log.calls++;
      return startCall(o.db, start);
    },
    end: async (id, outcome) => {
      if (outcome.retried) unit.tally.retried++;
      if (outcome.status === 'cached') log.cached = true;
      if (outcome.status === 'ok' || outcome.status === 'cached') log.okCall = { id, outcome };
      else await endCall(o.db, id, outcome);
    },
  };
  return { log, calls, start };
}

async function callUnit(
  o: RunOptions,
  unit: Unit,
  provider: Provider,
  limiter: RateLimiter,
  c: { messages: ReturnType<typeof renderPrompt>; estimate: number; budget: Budget; claimed: { released: boolean } | undefined },
): Promise<UnitOutcome> {
  const { plan, post, sample, tally } = unit;
  const { source, condition } = plan;
  const labels = condition.split?.labels ?? [];
  const price = o.study.prices[source.model];
  const range = { min: o.study.generation.min_words, max: o.study.generation.max_words };
  const { log, calls, start } = callLog(o, unit);
  await limiter.acquire(c.estimate);
  const started = performance.now();
  try {
    const result = await provider.generate(
      { model: source.model, messages: c.messages, params: source.params, unit: { postId: post.external_id, source: source.id, condition: condition.id, sampleIndex: sample }, post: { text: post.text, title: post.title, domain: post.domain } },
      { calls, ...(o.stop ? { stop: o.stop } : {}), ...(o.abort ? { signal: o.abort } : {}) },
    );
    // A provider that makes no HTTP call of its own (eliza, replay) is recorded here, as one call.
    if (log.calls === 0) {
      const id = await startCall(o.db, start);
      await calls.end(id, { status: 'ok', retried: false, tokensIn: result.usage.inputTokens, tokensOut: result.usage.outputTokens, latencyMs: Math.round(result.latencyMs) });
    }
    limiter.settle(c.estimate, result.usage.inputTokens + result.usage.outputTokens);
    const parts = labels.length > 0 ? splitLabelled(result.text, labels, condition.split?.marker) : new Map([['', result.text]]);
    if (!parts) throw new ProviderError(`the reply does not hold every labelled part (${labels.join(', ')})`, false, undefined, undefined, { kind: 'malformed' });
    const cost = costUsd(price, result.usage.inputTokens, result.usage.outputTokens);
    let checksFailed = false;
    const rows = [...parts.entries()].map(([label, raw]) => {
      const { text, log: transforms } = o.study.generation.blind ? blind(raw) : { text: raw, log: [] };
      const checks = checkReply(text, result.finishReason, range);
      if (!checks.passed) checksFailed = true;
      return {
        id: newId(),
        study_id: o.studyId,
        post_id: post.id,
        source: source.id,
        condition: storedCondition(condition.id, label || undefined),
        sample_index: sample,
        parent_id: null,
        text,
        word_count: checks.words,
        author: null,
        provider: source.provider,
        model: source.model,
        params_json: canonicalJson(provider.sends(source.params)),
        prompt_hash: provider.readsPrompt ? plan.promptHash : null,
        content_hash: o.contentHash,
        tokens_in: result.usage.inputTokens,
        tokens_out: result.usage.outputTokens,
        // What the reply cost when it was made (a cached reply was paid for once, by the run that made it).
        cost_usd: log.cached ? 0 : cost,
        latency_ms: Math.round(result.latencyMs),
        finish_reason: result.finishReason,
        checks_json: JSON.stringify(checks),
        transforms_json: JSON.stringify(transforms),
        import_id: null,
        created_at: nowIso(),
      };
    });
    await storeUnit(o.db, rows, log.okCall, c.claimed && o.claims ? { studyId: o.studyId, unitKey: unit.key, worker: o.claims.worker } : undefined);
    if (c.claimed) c.claimed.released = true;
    if (checksFailed) tally.failedChecks++;
    else tally.done++;
    tally.tokensIn += result.usage.inputTokens;
    tally.tokensOut += result.usage.outputTokens;
    if (!log.cached) {
      tally.costUsd += cost ?? 0;
      c.budget.spent += cost ?? 0;
    }
    tally.latencies.push(result.latencyMs);
    o.onUnit?.();
    return 'stored';
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    // A reply received but not usable (split parts missing): its call ends as malformed.
    if (log.okCall) await endCall(o.db, log.okCall.id, { ...log.okCall.outcome, status: err.kind, error: err.message });
    if (log.calls === 0) {
      const id = await startCall(o.db, start);
      await calls.end(id, { status: err.kind, retried: false, httpStatus: err.status, error: err.message, latencyMs: Math.round(performance.now() - started) });
    }
    tally.lastError = err.message;
    // Stopped by Ctrl-C: the unit is still to do, not failed.
    if (o.stop?.aborted && (err.kind === 'interrupted' || err.retriable)) return 'interrupted';
    tally.failed++;
    o.onUnit?.();
    return err.isAuth ? 'auth' : 'failed';
  }
}
