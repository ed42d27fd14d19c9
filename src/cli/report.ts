import { SUMMARIES } from './commands.js';
import path from 'node:path';
import type { Command } from 'commander';
import { UserError, unfitted } from '../errors.js';
import { writeFieldReport, writeReport } from '../report/write.js';
import type { Output } from './output.js';
import { storedStudy, withStudy, type StudyOptions } from './study-context.js';

interface ReportOptions extends StudyOptions {
  out?: string;
  format: string;
}

export function registerReport(program: Command, output: Output): void {
  program
    .command('report')
    .summary(SUMMARIES.report)
    .description(
      'Analyses the study (as analyze does) and writes one self-contained HTML file: the findings in sentences generated from\n' +
        'the numbers, a methods paragraph, means with 95% CIs per source and per domain, model tables with every contrast,\n' +
        'reliability, the language of each source, the classifier and the rating regression, and a provenance appendix\n' +
        '(hashes, software versions, every prompt). Charts are Vega-Lite rendered to inline SVG: no network needed to open it.\n' +
        'Beside the report: analysis.json (the numbers it shows) and tables/*.csv (every table, for papers).',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--out <file>', 'the report file (default: report.html, or report.md, in the study folder)')
    .option('--format <format>', 'html or md (Markdown, with figures as SVG files)', 'html')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab report my-study\n  $ empathy-lab report my-study --format md --out paper/results.md')
    .action(async (dir: string, o: ReportOptions) => {
      if (o.format !== 'html' && o.format !== 'md') throw new UserError(`unknown format "${o.format}"`, '--format', 'use --format html or --format md');
      const format = o.format;
      const written = await withStudy(
        dir,
        o,
        (opened) => {
          if (!opened.loaded.study.field) return writeReport(storedStudy(opened), dir, { format, ...(o.out ? { out: o.out } : {}) });
          if (format !== 'html') throw new UserError('a field study\'s report is HTML only', '--format', 'use --format html (its tables are also written as CSV files)');
          return writeFieldReport(storedStudy(opened), dir, o.out ? { out: o.out } : {});
        },
        { field: true },
      );
      output.out(`wrote ${written.report}`);
      output.out(`      ${written.analysis} (the numbers in the report)`);
      output.out(`      ${written.tables.length} tables in ${path.join(path.dirname(written.report), 'tables')}/${written.figures.length ? `, ${written.figures.length} figures in ${path.join(path.dirname(written.report), 'figures')}/` : ''}`);
      if (written.failures.length) throw unfitted(written.failures, written.report);
    });
}
