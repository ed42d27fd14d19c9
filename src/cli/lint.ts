import { SUMMARIES } from './commands.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { lintLongCells, lintPersonalInfo, lintPosts, redactTable, type Finding, type TextColumn } from '../corpus/lint.js';
import { readOptions } from '../corpus/import.js';
import { importJobs } from './import-jobs.js';
import { readTable, toCsv } from '../corpus/table.js';
import { loadStudy } from '../study/load.js';
import { parsePrompt } from '../generate/prompts.js';
import { riskPhrases } from '../server/field-flow.js';
import { readTokens } from './tokens.js';
import { json, type Output } from './output.js';
import { manifestArg, type StudyOptions } from './study-context.js';

interface LintOptions extends StudyOptions {
  redact?: string;
  json?: boolean;
  posts?: string;
  replies?: string;
  columns?: string;
  layout?: string;
}

/** Exit status 1 when a blocking (error) finding exists, so `lint` can gate a pipeline. */
export class LintFailed extends UserError {}

export function registerLint(program: Command, output: Output): void {
  program
    .command('lint')
    .summary(SUMMARIES.lint)
    .description(
      'Checks the corpus files listed in study.yaml before they are imported. Exits 1 when a blocking problem is found.\n' +
        'With --redact DIR, writes copies of the files with personal information replaced ([EMAIL], [PHONE], [URL], [USER])\n' +
        'and DIR/redactions.jsonl, one line per change.',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--posts <file>', 'check this posts file (relative to the current folder) instead of the manifest\'s')
    .option('--replies <file>', 'check this replies file instead of the manifest\'s')
    .option('--columns <map>', 'column mapping for the file, as import takes it, e.g. id=post_id,text=body')
    .option('--layout <layout>', 'replies: long or wide')
    .option('--redact <dir>', 'write redacted copies of the corpus files and a log of every change to this folder')
    .option('--json', 'print the findings as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab lint examples/demo\n  $ empathy-lab lint my-study --redact my-study/redacted')
    .action(async (dir: string, o: LintOptions) => {
      const { study, dir: studyDir } = await loadStudy(manifestArg(dir, o));
      if (study.field) {
        // A field study has no corpus: its posts are screened and redacted as seekers send them.
        // What lint can check is what serve reads: the supporters' tokens and the draft prompt.
        const lines = [...(await readTokens(study.field.supporters.tokens_file, studyDir, 'field.supporters.tokens_file'))];
        const draft = study.sources.find((x) => x.id === study.field?.draft_source);
        if (draft?.kind === 'model') for (const c of draft.conditions) parsePrompt(await readFile(path.join(studyDir, c.prompt), 'utf8').catch(() => { throw new UserError('cannot read the draft prompt', c.prompt, 'check the source\'s conditions[].prompt'); }), c.prompt);
        const f = study.field;
        const screen = f.screening.model;
        if (screen) parsePrompt(await readFile(path.join(studyDir, screen.prompt), 'utf8').catch(() => { throw new UserError('cannot read the screening prompt', screen.prompt, 'check field.screening.model.prompt'); }), screen.prompt);
        if (o.json) output.out(json({ field: true, arms: f.arms, supporters: lines.length, riskPhrases: riskPhrases(f).length, errors: 0 }));
        else output.out(`field study: arms ${f.arms.join(', ')}; ${lines.length} supporter token${lines.length === 1 ? '' : 's'}; ${riskPhrases(f).length} risk phrases${f.screening.model ? ` and a model screen (${f.screening.model.source})` : ''}; crisis resources for ${Object.keys(f.crisis_resources).join(', ')}. Posts are screened and redacted as seekers send them.`);
        return;
      }
      const inputs: Array<{ file: string; column: TextColumn; posts: boolean }> = [];
      // The files named on the command line (read as import reads them), or else the manifest's.
      const given = o.posts !== undefined || o.replies !== undefined;
      const jobs = given || study.corpus.posts || study.corpus.replies.length ? importJobs(study, studyDir, { alias: [], ...o }) : [];
      for (const job of jobs) {
        if (job.kind === 'posts') {
          const t = await readTable(job.path, { label: job.label, ...readOptions(job.spec) });
          inputs.push({ file: job.path, posts: true, column: { table: t, idColumn: job.spec.columns.id, textColumns: [job.spec.columns.text] } });
        } else if (job.kind === 'replies') {
          const spec = job.spec;
          const t = await readTable(job.path, { label: job.label, ...readOptions(spec) });
          const mapped = new Set([spec.columns.post, spec.columns.post_text, spec.columns.domain, spec.columns.author, ...spec.ignore_columns]);
          const textColumns = spec.layout === 'wide' ? (spec.sources ?? t.columns.filter((c) => !mapped.has(c))) : [spec.columns.text];
          inputs.push({ file: job.path, posts: false, column: { table: t, idColumn: spec.columns.post, textColumns } });
        }
      }
      if (inputs.length === 0) throw new UserError('there are no corpus files to check', 'study.yaml corpus', 'list files under `corpus.posts` and `corpus.replies`, or name them with --posts FILE or --replies FILE');

      const findings: Finding[] = inputs.flatMap((i) => [...(i.posts ? lintPosts(study, i.column) : lintPersonalInfo(i.column)), ...lintLongCells(study, i.column)]);
      const errors = findings.filter((f) => f.severity === 'error').length;
      const checked = inputs.map((i) => ({ file: i.column.table.file, rows: i.column.table.records.length }));

      let redactions = 0;
      if (o.redact) {
        await mkdir(o.redact, { recursive: true });
        const log: string[] = [];
        for (const i of inputs) {
          const { rows, log: changes } = redactTable(i.column);
          const out = path.join(o.redact, path.basename(i.file));
          await writeFile(out, out.endsWith('.jsonl') ? rows.map((r) => JSON.stringify(r)).join('\n') + '\n' : toCsv(i.column.table.columns, rows));
          log.push(...changes.map((c) => JSON.stringify(c)));
          redactions += changes.length;
        }
        await writeFile(path.join(o.redact, 'redactions.jsonl'), log.length ? `${log.join('\n')}\n` : '');
      }

      if (o.json) output.out(json({ checked, findings, errors, redactions }));
      else {
        for (const f of findings) output.out(`${f.where}: ${f.severity}: ${f.rule}: post ${f.id}: ${f.message}`);
        const rows = checked.map((c) => `${c.file} (${c.rows} rows)`).join(', ');
        output.out(`${findings.length === 0 ? 'no problems' : `${errors} blocking problem${errors === 1 ? '' : 's'}`} in ${rows}`);
        if (o.redact) output.out(`redacted copies in ${o.redact}: ${redactions} change${redactions === 1 ? '' : 's'} logged in redactions.jsonl`);
      }
      if (errors > 0) throw new LintFailed(`${errors} blocking problem${errors === 1 ? '' : 's'} found`, 'lint', 'fix them, or use --redact for personal information');
    });
}
