/** Fits one CSV in its own process and prints timing and peak memory as JSON (used by run.ts). */
import { readFileSync } from 'node:fs';
import { parseTable } from '../../src/corpus/table.js';
import { fitLmm } from '../../src/stats/lmm.js';
import { fitClmmFormula } from '../../src/stats/clmm.js';

const [file, formula, satterthwaite] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
const table = parseTable(readFileSync(file), 'csv', file);
const data: Record<string, string[]> = {};
for (const c of table.columns) data[c] = table.records.map((r) => r.values[c] as string);
const t1 = performance.now();
const timing = (t2: number) => ({ readSeconds: (t1 - t0) / 1000, fitSeconds: (t2 - t1) / 1000, peakMB: process.resourceUsage().maxRSS / 1024 });
if (formula.startsWith('ordered(')) {
  const fit = fitClmmFormula(formula, data, { reference: { source: 'human' } });
  console.log(JSON.stringify({ ...timing(performance.now()), logLik: fit.logLik, fixef: Object.fromEntries(fit.names.map((n, i) => [n, fit.beta[i]])) }));
} else {
  const fit = fitLmm(formula, data, { reference: { source: 'human' }, satterthwaite: satterthwaite === 'yes' });
  console.log(
    JSON.stringify({
      ...timing(performance.now()),
      evaluations: fit.evaluations,
      criterion: fit.devianceOrRemlCriterion,
      fixef: Object.fromEntries(fit.fixefNames.map((n, i) => [n, fit.beta[i]])),
      df: Array.from(fit.df),
    }),
  );
}
