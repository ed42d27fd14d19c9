import { cp, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { runImports } from '../corpus/import.js';
import { loadStudy } from '../study/load.js';
import { UserError } from '../errors.js';
import { importJobs } from './import.js';
import { packageRoot } from './init.js';
import type { Output } from './output.js';
import { printStatus } from './status.js';
import { withStudy } from './study-context.js';
import { generateForStudy, summaryTable } from './generate.js';

export function registerDemo(program: Command, output: Output): void {
  program
    .command('demo')
    .summary('copy, import, generate (eliza) and show the bundled demo study (offline, no keys)')
    .description(
      'Copies the bundled demo study (examples/demo) to a working folder, imports its corpus, generates replies with the\n' +
        'offline eliza baseline, and shows what the study holds.\n' +
        'Needs no network and no keys. Running it again reuses the folder (imports are idempotent).',
    )
    .option('--out <dir>', 'working folder', 'empathy-lab-demo')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .addHelpText('after', '\nExample:\n  $ empathy-lab demo --out /tmp/demo')
    .action(async (o: { out: string; db?: string }) => {
      const existing = await readdir(o.out).catch(() => null);
      if (existing === null || existing.length === 0) {
        await cp(path.join(packageRoot, 'examples', 'demo'), o.out, { recursive: true, filter: (src) => !/\.sqlite(-wal|-shm)?$/.test(src) });
        output.out(`copied the demo study to ${o.out}/`);
      } else {
        const loaded = await loadStudy(o.out).catch(() => null);
        if (loaded?.study.name !== 'demo') throw new UserError('the folder exists and is not a demo study', o.out, 'pass --out with a new folder');
      }
      await withStudy(o.out, { db: o.db }, async (s) => {
        const results = await runImports(s.store.db, { study: s.loaded.study, studyId: s.row.id, contentHash: s.hashes.content }, importJobs(s.loaded.study, s.loaded.dir, { alias: [] }));
        for (const r of results) output.out(`imported ${r.kind} from ${r.file}: ${r.inserted} new, ${r.unchanged} already there`);
        output.out('\ngenerating replies with the offline eliza baseline:');
        output.out(summaryTable(await generateForStudy(s, output)));
        output.out('');
        await printStatus(s, output);
      });
      output.out(`\nnext: empathy-lab features ${o.out}   (style of each source)`);
      output.out(`      empathy-lab classify ${o.out}   (which source wrote this?)`);
    });
}
