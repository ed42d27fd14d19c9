/**
 * Generation as `generate` and `demo` run it: the concrete providers of a study's model sources
 * (constructed here, in the composition root), this process's worker identity, the progress line,
 * and the summary printed at the end. The work itself is `runGeneration` in generate/.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { elizaProvider } from '../generate/providers/eliza-provider.js';
import { anthropicProvider } from '../generate/providers/anthropic-provider.js';
import { openAiProvider } from '../generate/providers/openai-provider.js';
import { parseRecordings, replayProvider } from '../generate/providers/replay-provider.js';
import { listPosts } from '../store/posts.repository.js';
import { withRetries } from '../generate/retry.js';
import { withCache } from '../generate/cache.js';
import { cacheGet, cachePut } from '../store/cache.repository.js';
import type { Db } from '../store/tables.js';
import type { Provider } from '../generate/provider.js';
import { generationComplete, planGeneration, runGeneration, stillToDo, type UnitTally } from '../generate/runner.js';
import type { Study } from '../study/schema.js';
import { Progress, table, type Output } from './output.js';
import type { OpenStudy } from './study-context.js';

/** The concrete provider of each selected model source (constructed here, in the composition root). */
export interface ProviderOptions {
  readonly only?: ReadonlySet<string>;
  /** False for a redo: replies are cached but not taken from the cache. */
  readonly cacheRead?: boolean;
  /** Warnings about the inputs (a replay file's lines for posts not in the study, posts with no line). */
  readonly notes?: string[];
  /** The study's post ids, to check replay files against. */
  readonly postIds?: ReadonlySet<string>;
  /** The command to name in a missing key's message (default generate). */
  readonly command?: string;
  /**
   * A person waits for the call (serve's drafts and screen): one attempt of at most 30 s, so a model
   * server that is down gives a page within seconds instead of a hang (the page says to try again).
   */
  readonly interactive?: boolean;
}

/** A few ids, for a message: "p031, p032, p033 and 3 more". */
function someIds(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}

/**
 * The provider of an OpenAI-compatible or Anthropic endpoint (a model source or a judge), with
 * retries and the request cache. The key is read here, in the composition root, and never stored
 * or printed. `where` names the manifest entry in errors; `command` is the command to run again.
 */
export function httpProvider(
  s: { id: string; provider: 'openai' | 'anthropic'; endpoint?: string | undefined; api_key_env?: string | undefined; timeout_seconds: number },
  where: string,
  db: Db,
  cacheRead: boolean,
  command: string,
  interactive = false,
): Provider {
  const key = s.api_key_env ? process.env[s.api_key_env] : 'not-needed';
  if (!key) throw new UserError(`the environment variable ${s.api_key_env} is not set`, `${where}.api_key_env`, `export ${s.api_key_env}=... before running ${command} (local servers such as Ollama need no key: leave api_key_env out)`);
  const timeoutMs = interactive ? Math.min(30_000, s.timeout_seconds * 1000) : s.timeout_seconds * 1000;
  const options = { ...(s.endpoint ? { baseURL: s.endpoint } : {}), apiKey: key, timeoutMs, label: s.id };
  const provider = s.provider === 'openai' ? openAiProvider(options) : anthropicProvider(options);
  const retrying = withRetries(provider, {
    maxAttempts: interactive ? 1 : 6,
    baseDelayMs: 1000,
    maxDelayMs: interactive ? 2000 : 60_000,
    timeoutMs,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      }),
    random: Math.random,
  });
  return withCache(retrying, { get: (k) => cacheGet(db, k), put: (k, p, m, r) => cachePut(db, k, p, m, r) }, { read: cacheRead });
}

export async function providersFor(study: Study, dir: string, db: Db, po: ProviderOptions = {}): Promise<Map<string, Provider>> {
  const only = po.only;
  const out = new Map<string, Provider>();
  for (const s of study.sources) {
    if (s.kind !== 'model' || (only && !only.has(s.id))) continue;
    const where = `sources[${study.sources.indexOf(s)}]`;
    if (s.provider === 'eliza') {
      out.set(s.id, elizaProvider({ min: study.generation.min_words, max: study.generation.max_words }));
      continue;
    }
    if (s.provider === 'replay') {
      if (!s.file) throw new UserError('a replay source needs a file of recorded replies', `${where}.file`, 'add file: recordings/SOURCE.jsonl');
      let text: string;
      try {
        text = await readFile(path.join(dir, s.file), 'utf8');
      } catch (err) {
        throw new UserError('cannot read the recorded replies', s.file, `check ${where}.file`, { cause: err });
      }
      const recordings = parseRecordings(text, s.file);
      if (po.postIds) {
        const recorded = new Set([...recordings.keys()].map((k) => k.split('\u0000')[0]));
        const unknown = [...recorded].filter((id) => !po.postIds?.has(id)).sort();
        const missing = [...po.postIds].filter((id) => !recorded.has(id)).sort();
        if (unknown.length) po.notes?.push(`${s.id}: ${unknown.length} recorded ${unknown.length === 1 ? 'reply names a post' : 'replies name posts'} not in the study, ignored (${someIds(unknown)}); check ${s.file}`);
        if (missing.length) po.notes?.push(`${s.id}: ${missing.length} ${missing.length === 1 ? 'post has' : 'posts have'} no recorded reply in ${s.file} (${someIds(missing)}); their units fail`);
      }
      out.set(s.id, replayProvider(recordings, s.id));
      continue;
    }
    out.set(s.id, httpProvider({ ...s, provider: s.provider }, where, db, po.cacheRead !== false, po.command ?? 'generate', po.interactive === true));
  }
  return out;
}

export const median = (xs: number[]) => (xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]);

export interface GenerateForStudyOptions {
  readonly only?: ReadonlySet<string>;
  readonly budgetUsd?: number;
  /** How long a claim holds without a heartbeat (default 60 s). */
  readonly leaseMs?: number;
  readonly cacheRead?: boolean;
  /** Calls in flight per source, overriding the manifest. */
  readonly concurrency?: number;
  /** First Ctrl-C: start nothing new; second: abort the calls in flight. */
  readonly stop?: AbortSignal;
  readonly abort?: AbortSignal;
}

/** This process as a worker: each has its own id; several may share one study (on one Postgres database). */
export function workerId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Whether a worker id (`host:pid:random`) names a process of this host that no longer exists. */
export function workerIsDead(worker: string): boolean {
  const [host, pid] = worker.split(':');
  if (host !== os.hostname() || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function generateForStudy(s: OpenStudy, output: Output, options: GenerateForStudyOptions = {}): Promise<UnitTally[]> {
  const { only, budgetUsd, leaseMs = 60_000 } = options;
  const plans = (await planGeneration(s.loaded.study, s.loaded.dir, only)).map((p) => (options.concurrency ? { ...p, source: { ...p.source, concurrency: options.concurrency } } : p));
  const notes: string[] = [];
  const posts = (await listPosts(s.store.db, s.row.id)).filter((p) => p.text !== '');
  const providers = await providersFor(s.loaded.study, s.loaded.dir, s.store.db, { ...(only ? { only } : {}), cacheRead: options.cacheRead !== false, notes, postIds: new Set(posts.map((p) => p.external_id)) });
  for (const n of notes) output.err(n);
  const units = plans.reduce((n, p) => n + posts.length * p.source.samples, 0);
  // A progress line for every run that has units, whatever its size; it stops where the run stops.
  const progress = units > 0 ? new Progress(output, 'generating', units) : undefined;
  const worker = workerId();
  const tallies = await runGeneration({
    db: s.store.db,
    study: s.loaded.study,
    studyId: s.row.id,
    contentHash: s.hashes.content,
    plans,
    providers,
    onUnit: () => progress?.tick(),
    claims: { worker, leaseMs, isDead: workerIsDead },
    ...(budgetUsd !== undefined ? { budgetUsd } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
    ...(options.abort ? { abort: options.abort } : {}),
  });
  return tallies;
}

export function summaryTable(tallies: readonly UnitTally[]): string {
  return table(
    ['source', 'condition', 'asked', 'done', 'already there', 'failed', 'failed checks', 'other worker', 'held back', 'still to do', 'retried', 'tokens in', 'tokens out', 'cost USD', 'median ms'],
    tallies.map((t) => [t.source, t.condition, t.asked, t.done, t.skipped, t.failed, t.failedChecks, t.otherWorker, t.heldBack, stillToDo(t), t.retried, t.tokensIn, t.tokensOut, Number(t.costUsd.toFixed(4)), Math.round(median(t.latencies))]),
  );
}

/** The last line: whether the study's generation is complete, and if not, what is missing and how to finish. */
export function completion(tallies: readonly UnitTally[], rerun: string): { complete: boolean; line: string } {
  const asked = tallies.reduce((n, t) => n + t.asked, 0);
  if (generationComplete(tallies)) return { complete: true, line: `generation complete: all ${asked} units stored` };
  const failed = tallies.reduce((n, t) => n + t.failed, 0);
  const held = tallies.reduce((n, t) => n + t.heldBack, 0);
  const todo = tallies.reduce((n, t) => n + stillToDo(t), 0);
  const parts = [failed ? `${failed} failed` : '', held ? `${held} held back by the budget` : '', todo ? `${todo} not started` : ''].filter(Boolean);
  return { complete: false, line: `generation incomplete: ${parts.join(', ')} of ${asked} units; run \`${rerun}\` to finish${held ? ' (with a larger --budget)' : ''}` };
}
