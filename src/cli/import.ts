import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { runImports, type ImportProgress } from '../corpus/import.js';
import type { ImportResult } from '../corpus/import-context.js';
import { importJobs, type ImportOptions } from './import-jobs.js';
import { json, Progress, type Output } from './output.js';
import { withStudy } from './study-context.js';

/** A progress bar for imports large enough to take a moment. */
export function importProgress(output: Output): ImportProgress {
  let bar: Progress | undefined;
  return {
    start: (records) => {
      if (records >= 5000) bar = new Progress(output, 'checking rows', records);
    },
    tick: () => bar?.tick(),
  };
}

function describe(r: ImportResult): string {
  const created = Object.entries(r.created).map(([k, n]) => `${n} ${n === 1 ? k.replace(/s$/, '') : k} created`);
  const parts =
    r.kind === 'raters'
      ? [`${r.inserted} raters given attributes`, `${r.unchanged} already there`, ...(r.unmatched ? [`${r.unmatched} rows for people who rated nothing in this study`] : [])]
      : [`${r.inserted} new`, `${r.unchanged} already there`, ...(r.missing ? [`${r.missing} empty cells (missing)`] : []), ...created];
  return `${r.kind} from ${r.file}: ${r.rowsRead} rows read, ${parts.join(', ')}${r.notes?.length ? `\n  note: ${r.notes.join('\n  note: ')}` : ''}`;
}

export function registerImport(program: Command, output: Output): void {
  program
    .command('import')
    .summary(SUMMARIES.import)
    .description(
      'Imports the corpus files listed in study.yaml, or the file given with --posts, --replies or --ratings.\n' +
        'All files are imported in one transaction: any bad row aborts the import and leaves the database as it was.\n' +
        'Re-importing the same file is a no-op.',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL (default: empathy-lab.sqlite in the study folder)')
    .option('--posts <file>', 'a posts file')
    .option('--replies <file>', 'a replies file')
    .option('--ratings <file>', 'a ratings file')
    .option('--format <format>', 'csv or jsonl (default: from the extension)')
    .option('--layout <layout>', 'long or wide')
    .option('--columns <map>', 'column mapping, e.g. id=post_id,text=body,domain=subreddit')
    .option('--metadata <cols>', 'posts: further columns to keep, comma-separated')
    .option('--source <id>', 'long replies without a source column: their source (default human)')
    .option('--sources <ids>', 'wide replies: the columns that hold replies, comma-separated')
    .option('--scale <id>', 'ratings without a scale column: the scale of every value')
    .option('--pattern <regex>', 'wide ratings: column-name regex with named groups post, source, scale')
    .option('--alias <from=to>', 'map a label as the file writes it to the manifest\'s id: a domain, source or scale (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--delimiter <d>', 'comma, semicolon or tab (default: detected from the header)')
    .option('--encoding <e>', 'utf-8, utf-16 or windows-1252 (default: detected)')
    .option('--skip-rows <n>', 'rows under the header to skip (Qualtrics\' two are detected)')
    .option('--id-prefix <p>', 'prefix for the post ids of this file (and the ratings that name them)')
    .option('--ignore-columns <cols>', 'wide replies: columns that hold no replies, comma-separated')
    .option('--allow-long-cells', 'accept text cells over lint.max_chars')
    .option('--create-missing', 'ratings: create placeholder posts and replies that are not in the study')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ empathy-lab import examples/demo
  $ empathy-lab import my-study --posts reddit.csv --columns id=post_id,domain=subreddit,text=body
  $ empathy-lab import my-study --replies published.csv --layout wide --columns post=post_id,post_text=seeker_post,domain=domain
  $ empathy-lab import my-study --ratings qualtrics.csv --layout wide --columns rater=PROLIFIC_PID \\
      --pattern 's(?<post>\\d+)_(?<source>[a-z0-9]+)_(?<scale>app|emp)' --alias app=appropriateness --alias emp=empathy`,
    )
    .action(async (dir: string, o: ImportOptions) => {
      await withStudy(dir, o, async ({ loaded, hashes, store, row }) => {
        const jobs = importJobs(loaded.study, loaded.dir, o);
        const results = await runImports(store.db, { study: loaded.study, studyId: row.id, contentHash: hashes.content }, jobs, importProgress(output));
        if (o.json) output.out(json({ database: store.label, results }));
        else {
          for (const r of results) output.out(describe(r));
          output.out(`database: ${store.label}`);
        }
      });
    });
}
