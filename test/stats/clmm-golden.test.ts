/**
 * The cumulative link mixed model against R's ordinal::clmm (Laplace, logit) on the reference
 * study's synthetic ratings: shared/reference/lmm/ratings-within.clmm.json. Tolerances as the
 * issue sets them: 1e-3 relative on estimates and SEs, 1e-4 on the log-likelihood.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTable } from '../../src/corpus/table.js';
import { fitClmm } from '../../src/stats/clmm.js';
import { factorColumn } from '../../src/stats/design.js';
import { REFERENCE_DIR } from '../helpers/reference.js';

const ref = JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'ratings-within.clmm.json'), 'utf8')) as {
  formula: string;
  link: string;
  thresholds: number[];
  beta: Record<string, number>;
  beta_se: Record<string, number>;
  random_sd: Record<string, number>;
  logLik: number;
};

const rel = (ours: number, r: number) => Math.abs(ours - r) / Math.abs(r);

describe('CLMM against ordinal::clmm', () => {
  it(`${ref.formula} (${ref.link}, Laplace): thresholds, coefficients, SEs, random SDs and logLik`, () => {
    const table = parseTable(readFileSync(path.join(REFERENCE_DIR, 'ratings-within.csv')), 'csv', 'ratings-within.csv');
    const rows = table.records.map((r) => r.values);
    const source = factorColumn(rows.map((r) => r.source), 'human', 'source');
    const names = source.levels.slice(1).map((l) => `source${l}`);
    const x = new Float64Array(rows.length * names.length);
    rows.forEach((_, i) => {
      const c = source.codes[i] as number;
      if (c > 0) x[i * names.length + c - 1] = 1;
    });
    const rater = factorColumn(rows.map((r) => r.rater));
    const post = factorColumn(rows.map((r) => r.post));
    const fit = fitClmm({
      y: rows.map((r) => Number(r.rating)),
      x: { names, values: x },
      groups: [
        { name: 'rater', codes: rater.codes, levels: rater.levels.length },
        { name: 'post', codes: post.codes, levels: post.levels.length },
      ],
      link: 'logit',
    });
    expect(fit.converged).toBe(true);
    ref.thresholds.forEach((t, j) => expect(rel(fit.thresholds[j] as number, t), `threshold ${j + 1}`).toBeLessThan(1e-3));
    for (const [k, name] of fit.names.entries()) {
      expect(rel(fit.beta[k] as number, ref.beta[name] as number), name).toBeLessThan(1e-3);
      expect(rel(fit.se[k] as number, ref.beta_se[name] as number), `${name} SE`).toBeLessThan(1e-3);
    }
    for (const [g, sd] of Object.entries(ref.random_sd)) expect(rel(fit.randomSd[g] as number, sd), `${g} SD`).toBeLessThan(1e-3);
    expect(Math.abs(fit.logLik - ref.logLik)).toBeLessThan(1e-4);
  }, 60_000);
});
