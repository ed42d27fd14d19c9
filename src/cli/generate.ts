import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { IncompleteWork, UserError } from '../errors.js';
import { estimateGeneration, supersedeFailedChecks } from '../generate/estimate.js';
import { stillToDo, type UnitTally } from '../generate/runner.js';
import { completion, generateForStudy, median, summaryTable } from './generation.js';
import { json, table, type Output } from './output.js';
import { withStudy, type StudyOptions } from './study-context.js';

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
