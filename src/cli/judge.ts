import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { IncompleteWork, UserError } from '../errors.js';
import { runJudge, type JudgeTally } from '../judge/run.js';
import { listResponsesWithPosts } from '../store/responses.repository.js';
import { httpProvider, workerId } from './generation.js';
import { json, Progress, table, type Output } from './output.js';
import { storedStudy, withStudy, type StudyOptions } from './study-context.js';

interface JudgeOptions extends StudyOptions {
  judge?: string;
  budget?: string;
  leaseSeconds?: string;
  dryRun?: boolean;
  cache: boolean;
  json?: boolean;
}

function tallyTable(tallies: readonly JudgeTally[]): string {
  return table(
    ['judge', 'replies', 'samples asked', 'done', 'already there', 'failed', 'asked again', 'other worker', 'held back', 'tokens in', 'tokens out', 'cost USD'],
    tallies.map((t) => [t.judge, t.replies, t.asked, t.done, t.already, t.failed, t.reasked, t.otherWorker, t.heldBack, t.tokensIn, t.tokensOut, t.costUsd === null ? 'no price' : Number(t.costUsd.toFixed(4))]),
  );
}

export function registerJudge(program: Command, output: Output): void {
  program
    .command('judge')
    .summary(SUMMARIES.judge)
    .description(
      'Scores every reply of the study with each judge of the manifest (judges:): a provider and model with a rubric\n' +
        '(the study\'s scales as the raters saw them, the EPITOME dimensions, or a rubric file), or the offline lexicon\n' +
        'baseline. The judge sees the post and the reply, never the source, and answers in JSON; an answer that is not\n' +
        'usable is asked again twice, then recorded as failed, never as a score. samples: k scores each reply k times\n' +
        '(the judge\'s test-retest reliability); its score is their median (or mean). A rerun adds only what is missing.\n' +
        'analyze and report then calibrate each judge against the human ratings.',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--judge <ids>', 'only these judges (comma-separated)')
    .option('--dry-run', 'print the number of calls each judge would make, and stop')
    .option('--no-cache', 'ask again instead of reading answers from the request cache')
    .option('--budget <usd>', 'stop starting samples once this much would be spent (from prices:)')
    .option('--lease-seconds <n>', 'how long a claimed sample is held without a heartbeat (several workers on one study)', '60')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab judge my-study\n  $ empathy-lab judge my-study --judge gpt4o-scales --dry-run')
    .action(async (dir: string, o: JudgeOptions) => {
      await withStudy(dir, o, async (opened) => {
        const study = opened.loaded.study;
        if (study.judges.length === 0) throw new UserError('the study has no judges', 'study.yaml judges', 'add one, e.g. judges: [{ id: lexicon, provider: lexicon }]');
        const only = o.judge?.split(',').map((x) => x.trim());
        for (const id of only ?? []) if (!study.judges.some((j) => j.id === id)) throw new UserError(`"${id}" is not a judge of this study`, '--judge', `use one of ${study.judges.map((j) => j.id).join(', ')}`);
        const judges = study.judges.filter((j) => !only || only.includes(j.id));
        const replies = (await listResponsesWithPosts(opened.store.db, opened.row.id)).length;
        if (o.dryRun) {
          const rows = judges.map((j) => ({ judge: j.id, provider: j.provider, model: j.model ?? null, replies, calls: j.provider === 'lexicon' ? 0 : replies * j.samples, atMost: j.provider === 'lexicon' ? 0 : replies * j.samples * 3 }));
          output.out(o.json ? json(rows) : table(['judge', 'provider', 'model', 'replies', 'calls', 'at most (answers asked again)'], rows.map((r) => [r.judge, r.provider, r.model ?? '', r.replies, r.calls, r.atMost])));
          return;
        }
        const budget = o.budget === undefined ? undefined : Number(o.budget);
        if (budget !== undefined && !(budget >= 0)) throw new UserError(`expected an amount in USD, got "${o.budget}"`, '--budget', 'e.g. --budget 5');
        const lease = Number(o.leaseSeconds ?? 60);
        if (!(lease >= 1)) throw new UserError(`expected a number of seconds, got "${o.leaseSeconds}"`, '--lease-seconds', 'e.g. --lease-seconds 60');
        for (const j of judges) if (budget !== undefined && j.provider !== 'lexicon' && j.model && !study.prices[j.model]) throw new UserError(`--budget needs a price for ${j.model}`, 'study.yaml prices', `add prices: { ${j.model}: { input_per_mtok: ..., output_per_mtok: ... } }`);
        const claims = { worker: workerId(), leaseMs: lease * 1000 };
        const tallies: JudgeTally[] = [];
        let spent = 0;
        for (const j of judges) {
          const where = `judges[${study.judges.indexOf(j)}]`;
          const provider = j.provider === 'lexicon' ? null : httpProvider({ ...j, provider: j.provider }, where, opened.store.db, o.cache, 'judge');
          const progress = provider && replies * j.samples > 0 ? new Progress(output, `judging (${j.id})`, replies * j.samples) : undefined;
          const t = await runJudge(storedStudy(opened), j, provider, { onUnit: () => progress?.tick(), claims, ...(budget !== undefined ? { budgetUsd: budget - spent } : {}) });
          spent += t.costUsd ?? 0;
          tallies.push(t);
        }
        output.out(o.json ? json(tallies) : tallyTable(tallies));
        const failed = tallies.reduce((n, t) => n + t.failed, 0);
        const held = tallies.reduce((n, t) => n + t.heldBack, 0);
        const other = tallies.reduce((n, t) => n + t.otherWorker, 0);
        const parts = [failed ? `${failed} ${failed === 1 ? 'sample' : 'samples'} failed (recorded, not scores)` : '', held ? `${held} held back by the budget` : '', other ? `${other} in flight in another worker` : ''].filter(Boolean);
        if (parts.length) throw new IncompleteWork(`${parts.join(', ')}; run \`empathy-lab judge ${dir}\` again to ask for them${held ? ' (with a larger --budget)' : ''}`, 3);
      });
    });
}
