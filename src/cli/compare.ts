import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { emmeans } from '../stats/emmeans.js';
import { fitLmm } from '../stats/lmm.js';
import { likelihoodRatioTest } from '../stats/lrt.js';
import path from 'node:path';
import { exclusionSettings, exclusionsOf } from '../analysis/study-analysis.js';
import { ratersForAnalysis, ratingsForAnalysis } from '../store/ratings.repository.js';
import { json, table, type Output } from './output.js';
import { withStudy } from './study-context.js';
import { armLabel } from '../study/arm.js';

interface CompareOptions {
  scale?: string;
  dbA?: string;
  dbB?: string;
  json?: boolean;
}

export function registerCompare(program: Command, output: Output): void {
  program
    .command('compare')
    .summary(SUMMARIES.compare)
    .description(
      'Pools the ratings of two studies on one scale, with a study factor, as the reference study compared its two samples:\n' +
        'value ~ source * study + (1 | post:rater) + (1 | post) + (1 | rater) by REML (fixed effects, Satterthwaite tests,\n' +
        'marginal means of each source in each study), and a likelihood-ratio test (ML) of whether the source effects differ\n' +
        'between studies (source * study against source + study). Rater and post ids are kept apart by study.',
    )
    .argument('<studyA>', 'the first study folder')
    .argument('<studyB>', 'the second study folder')
    .option('--scale <id>', 'the scale (default: the first scale of the first study)')
    .option('--db-a <url>', 'the first study\'s database')
    .option('--db-b <url>', 'the second study\'s database')
    .option('--json', 'print the results as JSON')
    .addHelpText('after', '\nExample:\n  $ empathy-lab compare study1 study2 --scale empathy')
    .action(async (a: string, b: string, o: CompareOptions) => {
      // Each study's own exclusion rules apply to its raters, as `analyze` applies them.
      const load = (dir: string, db: string | undefined) =>
        withStudy(dir, db ? { db } : {}, async ({ loaded, store, row }) => {
          const ratings = await ratingsForAnalysis(store.db, row.id);
          const excluded = new Set(exclusionsOf({ ratings, raters: await ratersForAnalysis(store.db, row.id), exclusions: exclusionSettings(loaded.study.exclusions) }).flatMap((e) => e.raters));
          return {
            name: loaded.study.name,
            folder: path.basename(loaded.dir),
            reference: loaded.study.analysis.reference_source,
            scale: o.scale ?? loaded.study.instrument.scales[0]?.id,
            rows: ratings.filter((r) => !excluded.has(r.rater)),
            excluded: excluded.size,
          };
        });
      const loadedA = await load(a, o.dbA);
      const loadedB = await load(b, o.dbB);
      // Two studies of the same name (two runs of one manifest) are told apart by their folders.
      const labels =
        loadedA.name !== loadedB.name ? [loadedA.name, loadedB.name] : loadedA.folder !== loadedB.folder ? [loadedA.folder, loadedB.folder] : [`${loadedA.name}-A`, `${loadedB.name}-B`];
      const first = { ...loadedA, name: labels[0] };
      const second = { ...loadedB, name: labels[1] };
      const scale = first.scale;
      const rows = [first, second].flatMap((s) =>
        s.rows
          .filter((r) => r.scale === scale)
          .map((r) => ({ value: r.value, source: armLabel(r.source, r.condition), post: `${s.name}:${r.post}`, rater: `${s.name}:${r.rater}`, study: s.name })),
      );
      for (const s of [first, second]) if (!rows.some((r) => r.study === s.name)) throw new UserError(`the study "${s.name}" has no ratings on the scale ${scale}`, '--scale', 'choose a scale both studies rated');
      const data = { value: rows.map((r) => r.value), source: rows.map((r) => r.source), post: rows.map((r) => r.post), rater: rows.map((r) => r.rater), study: rows.map((r) => r.study) };
      const random = '(1 | post:rater) + (1 | post) + (1 | rater)';
      const reference = { source: first.reference, study: first.name };
      const fit = fitLmm(`value ~ source * study + ${random}`, data, { reference });
      const means = emmeans(fit, 'study', { adjust: 'none' });
      const lrt = likelihoodRatioTest([`value ~ source + study + ${random}`, `value ~ source * study + ${random}`], data, { reference });
      const perStudy = [first, second].map((s) => ({
        study: s.name,
        means: emmeans(
          fitLmm(`value ~ source + ${random}`, { value: data.value.filter((_, i) => data.study[i] === s.name), source: data.source.filter((_, i) => data.study[i] === s.name), post: data.post.filter((_, i) => data.study[i] === s.name), rater: data.rater.filter((_, i) => data.study[i] === s.name) }, { reference: { source: s.reference } }),
          'source',
          { adjust: 'none' },
        ).emmeans.map((m) => ({ source: m.level, emmean: m.emmean, lower: m.lower, upper: m.upper })),
      }));
      const result = {
        scale,
        studies: [first.name, second.name],
        ratings: rows.length,
        excludedRaters: { [first.name]: first.excluded, [second.name]: second.excluded },
        fixef: fit.fixefNames.map((n, i) => ({ term: n, estimate: fit.beta[i], se: fit.se[i], df: fit.df[i], t: fit.t[i], p: fit.p[i] })),
        studyMeans: means.emmeans.map((m) => ({ study: m.level, emmean: m.emmean, lower: m.lower, upper: m.upper })),
        perStudy,
        interactionTest: lrt[1],
      };
      if (o.json) return output.out(json(result));
      output.out(`${scale}: ${rows.length} ratings from ${first.name} and ${second.name} (each study's exclusion rules applied: ${first.excluded} and ${second.excluded} raters left out)\n`);
      output.out(table(['term', 'estimate', 'SE', 'df', 't', 'p'], result.fixef.map((f) => [f.term, Number(f.estimate.toFixed(4)), Number(f.se.toFixed(4)), Number(f.df.toFixed(1)), Number(f.t.toFixed(2)), Number(f.p.toPrecision(3))])));
      const t = result.interactionTest;
      output.out(`\ndo the source effects differ between the studies? chi^2(${t?.df}) = ${t?.chisq?.toFixed(2)}, p = ${t?.p?.toPrecision(3)} (likelihood-ratio test, ML)`);
      for (const s of perStudy) output.out(`${s.study}: ${s.means.map((m) => `${m.source} ${m.emmean.toFixed(2)} [${m.lower.toFixed(2)}, ${m.upper.toFixed(2)}]`).join('; ')}`);
    });
}
