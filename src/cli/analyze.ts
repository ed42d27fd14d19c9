import { SUMMARIES } from './commands.js';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { modelFailures, modelWarnings } from '../analysis/study-analysis.js';
import { analyzeStoredField, analyzeStoredStudy } from '../analysis/stored.js';
import { fieldFailures } from '../analysis/field.js';
import { unfitted } from '../errors.js';
import { json, table, type Output } from './output.js';
import { storedStudy, withStudy, type StudyOptions } from './study-context.js';

interface AnalyzeOptions extends StudyOptions {
  out?: string;
  json?: boolean;
}

export function registerAnalyze(program: Command, output: Output): void {
  program
    .command('analyze')
    .summary(SUMMARIES.analyze)
    .description(
      'Applies the manifest\'s exclusion rules (and reports how many raters and ratings each removed); for each scale of the\n' +
        'instrument fits the manifest\'s model (REML, reference source from the manifest), all pairwise contrasts with the\n' +
        'manifest\'s adjustment, means with 95% CIs across posts per source and per domain, and Krippendorff\'s alpha; correlates\n' +
        'the scales; and compares sources on the style battery. Writes one JSON document (schema empathy-lab/analysis@1);\n' +
        'the same inputs give byte-identical output.',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--out <file>', 'where to write the document (default: analysis.json in the study folder)')
    .option('--json', 'print the document instead of a summary')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab analyze my-study\n  $ empathy-lab analyze my-study --out results/analysis.json')
    .action(async (dir: string, o: AnalyzeOptions) => {
      await withStudy(dir, o, async (opened) => {
        if (opened.loaded.study.field) {
          const field = await analyzeStoredField(storedStudy(opened), dir);
          const out = o.out ?? path.join(opened.loaded.dir, 'analysis.json');
          const text = `${json(field)}\n`;
          await writeFile(out, text);
          if (o.json) output.out(text.trimEnd());
          else {
            output.out(`wrote ${out}`);
            output.out(`posts: ${field.posts.total}, screened out ${field.posts.screenedOut}, flagged ${field.posts.flagged}; ${field.posts.byArm.map((r) => `${r.arm}: ${r.answered} answered, ${r.rated} rated`).join('; ')}`);
            for (const m of field.measures.filter((x) => x.model && !x.model.error)) {
              output.out(`\n${m.measure} (${m.phase === 'post' ? 'after the reply' : 'follow-up'}), adjusted for the pre-measure:`);
              output.out(table(['contrast', 'estimate', 'lower.CL', 'upper.CL', 't.ratio', 'p.value'], (m.model as NonNullable<typeof m.model>).contrasts.map((c) => [c.contrast, Number(c.estimate.toFixed(3)), Number(c.lower.toFixed(3)), Number(c.upper.toFixed(3)), Number(c.t.toFixed(2)), Number(c.p.toPrecision(3))])));
            }
          }
          const failed = fieldFailures(field);
          if (failed.length) throw unfitted(failed, out);
          return;
        }
        const doc = await analyzeStoredStudy(storedStudy(opened), dir);
        const loaded = opened.loaded;
        const text = `${json(doc)}\n`;
        const out = o.out ?? path.join(loaded.dir, 'analysis.json');
        await writeFile(out, text);
        const failures = modelFailures(doc);
        if (o.json) {
          output.out(text.trimEnd());
          if (failures.length) throw unfitted(failures, out);
          return;
        }
        output.out(`wrote ${out}`);
        output.out(`raters: ${doc.raters.total}, excluded ${doc.raters.excluded} (${doc.exclusions.filter((e) => e.raters.length > 0).map((e) => `${e.rule}: ${e.raters.length}`).join('; ') || 'none'})`);
        for (const s of doc.scales) {
          if (!('contrasts' in s) || !s.contrasts) continue;
          output.out(`\n${s.scale}: ${s.ratings} ratings`);
          output.out(table(['source', 'emmean', 'lower.CL', 'upper.CL'], s.contrasts.emmeans.map((m) => [m.source, Number(m.emmean.toFixed(3)), Number(m['lower.CL'].toFixed(3)), Number(m['upper.CL'].toFixed(3))])));
          output.out(
            table(
              ['contrast', 'estimate', 'lower.CL', 'upper.CL', 'd', 'd.lower', 'd.upper', 't.ratio', 'p.value'],
              s.contrasts.pairs.map((c) => [c.contrast, ...[c.estimate, c['lower.CL'], c['upper.CL']].map((v) => Number(v.toFixed(3))), ...[c.d, c['d.lower.CL'], c['d.upper.CL']].map((v) => Number(v.toFixed(2))), Number(c['t.ratio'].toFixed(2)), Number(c['p.value'].toPrecision(3))]),
            ),
          );
          output.out(`  (p: ${s.contrasts.adjust}; 95% CI: ${s.contrasts.ciAdjust} adjustment; d: Westfall, Kenny & Judd 2014)`);
        }
        for (const w of modelWarnings(doc)) output.err(`warning: ${w}`);
        if (failures.length) throw unfitted(failures, out);
      }, { field: true });
    });
}
