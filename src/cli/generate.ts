import { SUMMARIES } from './commands.js';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { IncompleteWork, UserError } from '../errors.js';
import { elizaProvider } from '../generate/providers/eliza-provider.js';
import { anthropicProvider } from '../generate/providers/anthropic-provider.js';
import { openAiProvider } from '../generate/providers/openai-provider.js';
import { parseRecordings, replayProvider } from '../generate/providers/replay-provider.js';
import { estimateGeneration, supersedeFailedChecks } from '../generate/estimate.js';
import { listPosts } from '../store/posts.repository.js';
import { withRetries } from '../generate/retry.js';
import { withCache } from '../generate/cache.js';
import { cacheGet, cachePut } from '../store/cache.repository.js';
import type { Db } from '../store/tables.js';
import type { Provider } from '../generate/provider.js';
import { generationComplete, planGeneration, runGeneration, stillToDo, type UnitTally } from '../generate/runner.js';
import type { Study } from '../study/schema.js';
import { json, Progress, table, type Output } from './output.js';
import { withStudy, type OpenStudy, type StudyOptions } from './study-context.js';

interface GenerateOptions extends StudyOptions {
  source?: string;
  dryRun?: boolean;
  budget?: string;
  leaseSeconds?: string;
  redo?: string;
  concurrency?: string;
  cache: boolean;
  json?: boolean;
}

/** Exit statuses of `generate` beside 0 (complete), 1 (your input) and 2 (a bug). */
export const EXIT_INCOMPLETE = 3;
export const EXIT_INTERRUPTED = 130;

/**
 * Ctrl-C (SIGINT) and SIGTERM: the first stops starting units and retries and lets the calls in
 * flight finish (each within its timeout); the second aborts them. Both are recorded and every
 * claim released before the summary is printed.
 */
function interruptions(output: Output): { stop: AbortController; abort: AbortController; dispose(): void } {
  const stop = new AbortController();
  const abort = new AbortController();
  const on = () => {
    if (!stop.signal.aborted) {
      stop.abort();
      output.err('\nstopping: no new calls; waiting for the calls in flight to finish (Ctrl-C again to abort them)');
    } else if (!abort.signal.aborted) {
      abort.abort();
      output.err('\naborting the calls in flight');
    }
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { stop, abort, dispose: () => (process.off('SIGINT', on), process.off('SIGTERM', on)) };
}

/** The concrete provider of each selected model source (constructed here, in the composition root). */
export interface ProviderOptions {
  readonly only?: ReadonlySet<string>;
  /** False for a redo: replies are cached but not taken from the cache. */
  readonly cacheRead?: boolean;
  /** Warnings about the inputs (a replay file's lines for posts not in the study, posts with no line). */
  readonly notes?: string[];
  /** The study's post ids, to check replay files against. */
  readonly postIds?: ReadonlySet<string>;
}

/** A few ids, for a message: "p031, p032, p033 and 3 more". */
function someIds(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
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
    // The key is read here, in the composition root, and never stored or printed.
    const key = s.api_key_env ? process.env[s.api_key_env] : 'not-needed';
    if (!key) throw new UserError(`the environment variable ${s.api_key_env} is not set`, `${where}.api_key_env`, `export ${s.api_key_env}=... before running generate (local servers such as Ollama need no key: leave api_key_env out)`);
    const timeoutMs = s.timeout_seconds * 1000;
    const options = { ...(s.endpoint ? { baseURL: s.endpoint } : {}), apiKey: key, timeoutMs, label: s.id };
    const provider = s.provider === 'openai' ? openAiProvider(options) : anthropicProvider(options);
    const retrying = withRetries(provider, {
      maxAttempts: 6,
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      timeoutMs,
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        }),
      random: Math.random,
    });
    out.set(s.id, withCache(retrying, { get: (k) => cacheGet(db, k), put: (k, p, m, r) => cachePut(db, k, p, m, r) }, { read: po.cacheRead !== false }));
  }
  return out;
}

const median = (xs: number[]) => (xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]);

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
  // Each process is a worker with its own id; several may share one study (on one Postgres database).
  const worker = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
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

export function registerGenerate(program: Command, output: Output): void {
  program
    .command('generate')
    .summary(SUMMARIES.generate)
    .description(
      'Generates the replies the manifest asks for: every post x model source x prompt condition x sample. A rerun does only\n' +
        'what is missing. Every reply is stored with its provenance (provider, model, parameters, prompt hash, tokens, cost,\n' +
        'latency) and its checks (length, refusal, AI self-disclosure, repetition, truncation). Providers: openai (and every\n' +
        'OpenAI-compatible server), anthropic, replay (recorded replies) and the offline eliza baseline.',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--source <ids>', 'only these sources, comma-separated')
    .option('--dry-run', 'print the number of calls and the estimated tokens and cost, and stop')
    .option('--budget <usd>', 'stop before a call would take the cost of this run past this many US dollars')
    .option('--redo <what>', 'failed-checks: generate again the replies whose checks failed (the old ones are kept as history)')
    .option('--lease-seconds <s>', 'how long a worker\'s claim on a unit holds without its heartbeat; a killed worker\'s units are free again after it', '60')
    .option('--concurrency <n>', 'calls in flight per source (instead of the manifest\'s concurrency)')
    .option('--no-cache', 'make every call anew instead of taking replies from the request cache (replies are still cached)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab generate examples/demo\n  $ empathy-lab generate my-study --source eliza --dry-run')
    .action(async (dir: string, o: GenerateOptions) => {
      const only = o.source ? new Set(o.source.split(',')) : undefined;
      await withStudy(dir, o, async (s) => {
        for (const id of only ?? []) {
          const src = s.loaded.study.sources.find((x) => x.id === id);
          if (!src || src.kind !== 'model') throw new UserError(`"${id}" is not a model source of this study`, '--source', `use one of ${s.loaded.study.sources.filter((x) => x.kind === 'model').map((x) => x.id).join(', ')}`);
        }
        const budget = o.budget === undefined ? undefined : Number(o.budget);
        if (budget !== undefined && !(budget >= 0)) throw new UserError(`expected an amount in US dollars, got "${o.budget}"`, '--budget', 'e.g. --budget 25');
        if (o.dryRun) {
          const estimates = await estimateGeneration(s.loaded.study, s.loaded.dir, s.store.db, s.row.id);
          const filtered = estimates.filter((e) => !only || only.has(e.source));
          if (o.json) return output.out(json({ calls: filtered }));
          output.out(table(['source', 'condition', 'calls', 'tokens in (est.)', 'tokens out (at most)', 'cost USD (at most)'], filtered.map((c) => [c.source, c.condition, c.calls, c.tokensIn, c.tokensOut, c.costUsd === null ? 'no price' : Number(c.costUsd.toFixed(2))])));
          return;
        }
        const lease = Number(o.leaseSeconds);
        if (!(lease > 0)) throw new UserError(`expected a number of seconds, got "${o.leaseSeconds}"`, '--lease-seconds', 'e.g. --lease-seconds 60');
        const concurrency = o.concurrency === undefined ? undefined : Number(o.concurrency);
        if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) throw new UserError(`expected a whole number of calls in flight, got "${o.concurrency}"`, '--concurrency', 'e.g. --concurrency 8');
        if (o.redo !== undefined && o.redo !== 'failed-checks') throw new UserError(`unknown redo "${o.redo}"`, '--redo', 'use --redo failed-checks');
        if (o.redo) output.err(`${await supersedeFailedChecks(s.loaded.study, s.store.db, s.row.id, only)} replies with failed checks kept as history and generated again`);
        const signals = interruptions(output);
        let tallies: UnitTally[];
        try {
          tallies = await generateForStudy(s, output, {
            ...(only ? { only } : {}),
            ...(budget !== undefined ? { budgetUsd: budget } : {}),
            ...(concurrency !== undefined ? { concurrency } : {}),
            leaseMs: lease * 1000,
            cacheRead: o.cache && !o.redo,
            stop: signals.stop.signal,
            abort: signals.abort.signal,
          });
        } finally {
          signals.dispose();
        }
        output.out(o.json ? json(tallies.map(({ latencies, ...t }) => ({ ...t, stillToDo: stillToDo(t), medianLatencyMs: median(latencies) }))) : summaryTable(tallies));
        const reported = new Set<string>();
        for (const t of tallies) {
          const why = t.stopped ?? (t.failed > 0 ? `last failure: ${t.lastError}` : undefined);
          if (why && !reported.has(`${t.source}:${why}`)) output.err(`${t.source}/${t.condition}: ${why}`);
          if (why) reported.add(`${t.source}:${why}`);
        }
        const auth = tallies.find((t) => t.authFailure);
        if (auth) throw new UserError(`the provider refused the key (${auth.lastError})`, auth.source, 'fix the key in the environment variable named by api_key_env, then run generate again');
        const rerun = ['empathy-lab generate', dir, ...(o.study ? ['--study', o.study] : []), ...(o.db ? ['--db', o.db] : []), ...(o.source ? ['--source', o.source] : [])].join(' ');
        const done = completion(tallies, rerun);
        if (signals.stop.signal.aborted) throw new IncompleteWork(`interrupted; ${done.line}`, EXIT_INTERRUPTED);
        if (!done.complete) throw new IncompleteWork(done.line, EXIT_INCOMPLETE);
        output.err(done.line);
      });
    });
}
