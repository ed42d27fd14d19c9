import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { elizaProvider } from '../generate/providers/eliza-provider.js';
import { anthropicProvider } from '../generate/providers/anthropic-provider.js';
import { openAiProvider } from '../generate/providers/openai-provider.js';
import { parseRecordings, replayProvider } from '../generate/providers/replay-provider.js';
import { withRetries } from '../generate/retry.js';
import type { Provider } from '../generate/provider.js';
import { planGeneration, runGeneration, type UnitTally } from '../generate/runner.js';
import type { Study } from '../study/schema.js';
import { countPostsByDomain } from '../store/posts.repository.js';
import { json, Progress, table, type Output } from './output.js';
import { withStudy, type OpenStudy, type StudyOptions } from './study-context.js';

interface GenerateOptions extends StudyOptions {
  source?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** The concrete provider of each selected model source (constructed here, in the composition root). */
export async function providersFor(study: Study, dir: string, only?: ReadonlySet<string>): Promise<Map<string, Provider>> {
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
      out.set(s.id, replayProvider(parseRecordings(text, s.file), s.id));
      continue;
    }
    // The key is read here, in the composition root, and never stored or printed.
    const key = s.api_key_env ? process.env[s.api_key_env] : 'not-needed';
    if (!key) throw new UserError(`the environment variable ${s.api_key_env} is not set`, `${where}.api_key_env`, `export ${s.api_key_env}=... before running generate (local servers such as Ollama need no key: leave api_key_env out)`);
    const timeoutMs = s.timeout_seconds * 1000;
    const options = { ...(s.endpoint ? { baseURL: s.endpoint } : {}), apiKey: key, timeoutMs, label: s.id };
    const provider = s.provider === 'openai' ? openAiProvider(options) : anthropicProvider(options);
    out.set(
      s.id,
      withRetries(provider, {
        maxAttempts: 6,
        baseDelayMs: 1000,
        maxDelayMs: 60_000,
        timeoutMs,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        random: Math.random,
      }),
    );
  }
  return out;
}

const median = (xs: number[]) => (xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number);

export async function generateForStudy(s: OpenStudy, output: Output, only?: ReadonlySet<string>): Promise<UnitTally[]> {
  const plans = await planGeneration(s.loaded.study, s.loaded.dir, only);
  const providers = await providersFor(s.loaded.study, s.loaded.dir, only);
  const posts = (await countPostsByDomain(s.store.db, s.row.id)).reduce((n, d) => n + d.posts, 0);
  const units = plans.reduce((n, p) => n + posts * p.source.samples, 0);
  const progress = units >= 50 ? new Progress(output, 'generating', units) : undefined;
  return runGeneration({ db: s.store.db, study: s.loaded.study, studyId: s.row.id, contentHash: s.hashes.content, plans, providers, onUnit: () => progress?.tick() });
}

export function summaryTable(tallies: readonly UnitTally[]): string {
  return table(
    ['source', 'condition', 'done', 'already there', 'failed', 'failed checks', 'tokens in', 'tokens out', 'cost USD', 'median ms'],
    tallies.map((t) => [t.source, t.condition, t.done, t.skipped, t.failed, t.failedChecks, t.tokensIn, t.tokensOut, Number(t.costUsd.toFixed(4)), Math.round(median(t.latencies))]),
  );
}

export function registerGenerate(program: Command, output: Output): void {
  program
    .command('generate')
    .summary('replies from every model source and prompt condition (resumable)')
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
    .option('--dry-run', 'print the number of calls and stop')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab generate examples/demo\n  $ empathy-lab generate my-study --source eliza --dry-run')
    .action(async (dir: string, o: GenerateOptions) => {
      const only = o.source ? new Set(o.source.split(',')) : undefined;
      await withStudy(dir, o, async (s) => {
        for (const id of only ?? []) {
          const src = s.loaded.study.sources.find((x) => x.id === id);
          if (!src || src.kind !== 'model') throw new UserError(`"${id}" is not a model source of this study`, '--source', `use one of ${s.loaded.study.sources.filter((x) => x.kind === 'model').map((x) => x.id).join(', ')}`);
        }
        if (o.dryRun) {
          const plans = await planGeneration(s.loaded.study, s.loaded.dir, only);
          const posts = (await countPostsByDomain(s.store.db, s.row.id)).reduce((n, d) => n + d.posts, 0);
          const calls = plans.map((p) => ({ source: p.source.id, condition: p.condition.id, calls: posts * p.source.samples }));
          return output.out(o.json ? json({ calls }) : table(['source', 'condition', 'calls (at most)'], calls.map((c) => [c.source, c.condition, c.calls])));
        }
        const tallies = await generateForStudy(s, output, only);
        output.out(o.json ? json(tallies.map(({ latencies, ...t }) => ({ ...t, medianLatencyMs: median(latencies) }))) : summaryTable(tallies));
        if (!o.json) for (const t of tallies) if (t.stopped ?? t.lastError) output.err(`${t.source}/${t.condition}: ${t.stopped ?? `last failure: ${t.lastError}`}`);
      });
    });
}
