import { SUMMARIES } from './commands.js';
import { cp, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { corpusJobs, runImports } from '../corpus/import.js';
import { loadStudy } from '../study/load.js';
import { UserError } from '../errors.js';
import { packageRoot } from '../paths.js';
import type { Output } from './output.js';
import { printStatus } from './study-status.js';
import { storedStudy, withStudy } from './study-context.js';
import { generateForStudy, summaryTable } from './generation.js';
import { writeReport } from '../report/write.js';
import { makeArmReplies, variantArms } from '../generate/arms.js';
import { runJudge } from '../judge/run.js';
import { armTable } from './arm-table.js';
import { describePanel, simulatePanelForStudy } from '../simulation/panel.js';

/** What the demo plants for its simulated expert panel, on top of the crowd's effects (scale points). */
const DEMO_EXPERT_SHIFTS: Readonly<Record<string, number>> = { eliza: -0.4 };

export function registerDemo(program: Command, output: Output): void {
  program
    .command('demo')
    .summary(SUMMARIES.demo)
    .description(
      'Copies the bundled demo study (examples/demo) to a working folder, imports its corpus, generates replies with the\n' +
        'offline eliza baseline, collects ratings from a synthetic panel (empathy-lab simulate: marked simulated everywhere),\n' +
        'analyses them and writes report.html. Needs no network and no keys. Running it again reuses the folder: imports and\n' +
        'generation add only what is missing, an existing panel is kept, and the analysis and report are rewritten.',
    )
    .option('--out <dir>', 'working folder', 'empathy-lab-demo')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--no-panel', 'stop before the synthetic panel (to simulate your own, or rate by hand with serve)')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab demo\n  $ empathy-lab demo --out /tmp/demo --no-panel')
    .action(async (o: { out: string; db?: string; panel: boolean }) => {
      const existing = await readdir(o.out).catch(() => null);
      if (existing === null || existing.length === 0) {
        await cp(path.join(packageRoot, 'examples', 'demo'), o.out, { recursive: true, filter: (src) => !/\.sqlite(-wal|-shm)?$/.test(src) });
        output.out(`copied the demo study to ${o.out}/`);
      } else {
        const loaded = await loadStudy(o.out).catch(() => null);
        if (loaded?.study.name !== 'demo') throw new UserError('the folder exists and is not a demo study', o.out, 'pass --out with a new folder');
      }
      const dbArgs = o.db ? ` --db ${o.db}` : '';
      const report = await withStudy(o.out, { db: o.db }, async (s) => {
        const results = await runImports(s.store.db, { study: s.loaded.study, studyId: s.row.id, contentHash: s.hashes.content }, corpusJobs(s.loaded.study, s.loaded.dir));
        for (const r of results) output.out(`imported ${r.kind} from ${r.file}: ${r.inserted} new, ${r.unchanged} already there`);
        output.out('\ngenerating replies with the offline eliza baseline:');
        output.out(summaryTable(await generateForStudy(s, output)));
        if (variantArms(s.loaded.study).length > 0) {
          output.out('\nmaking the replies of the variant arms:');
          output.out(armTable(await makeArmReplies(storedStudy(s), new Map())));
        }
        output.out('');
        if (!o.panel) {
          await printStatus(s, output);
          return null;
        }
        // The demo's experts (a simulated panel) are planted to rate ELIZA lower than the crowd does.
        const panels = s.loaded.study.recruitment.panels.map((p) => ({ id: p.id, shifts: p.id === 'experts' ? DEMO_EXPERT_SHIFTS : {} }));
        const panel = await simulatePanelForStudy(storedStudy(s), o.out, { effects: null, ...(panels.length ? { panels } : {}) });
        output.out(panel ? `synthetic panel: ${describePanel(panel)}` : 'synthetic panel: already there (kept)');
        // The offline judges (the lexicon baseline); a judge that calls a model is left to `judge`.
        for (const j of s.loaded.study.judges.filter((x) => x.provider === 'lexicon')) {
          const t = await runJudge(storedStudy(s), j, null);
          output.out(`judge ${j.id}: ${t.done ? `scored ${t.done} replies` : `${t.already} replies already scored`}`);
        }
        const written = await writeReport(storedStudy(s), o.out, { format: 'html' });
        output.out(`analysis: ${written.analysis}`);
        return written.report;
      });
      if (report === null) {
        output.out(`\nnext: empathy-lab simulate ${o.out}${dbArgs}   (a synthetic panel)`);
        output.out(`      empathy-lab serve ${o.out}${dbArgs}      (rate the replies yourself)`);
        return;
      }
      output.out(`\nto rate the replies yourself: empathy-lab serve ${o.out}${dbArgs}`);
      output.out(`report: ${report}`);
    });
}
