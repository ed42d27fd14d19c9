import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import type { Output } from './output.js';
import { withStudy, type StudyOptions } from './study-context.js';
import { printStatus } from './study-status.js';

export function registerStatus(program: Command, output: Output): void {
  program
    .command('status')
    .summary(SUMMARIES.status)
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  $ empathy-lab status examples/demo --json')
    .action(async (dir: string, o: StudyOptions & { json?: boolean }) => {
      await withStudy(dir, o, (s) => printStatus(s, output, o.json), { field: true });
    });
}

