import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { loadStudy } from '../study/load.js';
import { isPostgresUrl, openDb } from './open-db.js';
import { json, type Output } from './output.js';
import { manifestArg, type StudyOptions } from './study-context.js';

export function registerDb(program: Command, output: Output): void {
  const db = program.command('db').summary(SUMMARIES.db);
  db.command('migrate')
    .summary('bring the database schema up to date (also done on first use)')
    .argument('[dir]', 'study folder (for its default SQLite file)', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab db migrate examples/demo\n  $ empathy-lab db migrate --db postgres://root@127.0.0.1:5432/test')
    .action(async (dir: string, o: StudyOptions & { json?: boolean }) => {
      const folder = o.db && isPostgresUrl(o.db) ? '.' : (await loadStudy(manifestArg(dir, o))).dir;
      const opened = await openDb(o.db, folder);
      await opened.close();
      const { applied, current } = opened.migrations;
      if (o.json) output.out(json({ database: opened.label, applied, current }));
      else output.out(applied.length ? `${opened.label}: applied ${applied.join(', ')}` : `${opened.label}: up to date (${current ?? 'no migrations'})`);
    });
}
