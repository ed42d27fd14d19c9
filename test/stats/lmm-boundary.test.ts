/**
 * A fit whose optimum is inside the bounds but near theta = 0: a Nelder-Mead simplex projected onto
 * the bound used to stall there (a singular fit with a REML criterion 0.64 above the optimum). The
 * restart from the point found must reach lme4's optimum (test/reference/lmm/make-boundary-trap.R).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitLmm } from '../../src/stats/lmm.js';

const dir = new URL('../reference/lmm/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('boundary-trap.lme4.json', dir), 'utf8')) as { formula: string; theta: Record<string, number>; reml_criterion: number; fixef: Record<string, number>; se: Record<string, number>; singular: boolean };
const lines = readFileSync(new URL('boundary-trap.csv', dir), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const data = { rater: lines.map((l) => l[0] as string), post: lines.map((l) => l[1] as string), source: lines.map((l) => l[2] as string), rating: lines.map((l) => Number(l[3])) };

describe('an optimum near the bound theta = 0', () => {
  const fit = fitLmm(ref.formula, data, { reference: { source: 'gpt4' } });
  it('reaches lme4 REML criterion and theta, not the bound', () => {
    expect(fit.singular).toBe(ref.singular);
    expect(Math.abs(fit.devianceOrRemlCriterion - ref.reml_criterion)).toBeLessThan(1e-4);
    // lme4 orders the terms post:rater, rater, post here (by levels); compare by name.
    const sd = (grp: string) => fit.varcor.find((v) => v.grp === grp)?.sdcor ?? NaN;
    const sigma = fit.sigma;
    expect(sd('post:rater') / sigma).toBeCloseTo(ref.theta['post:rater.(Intercept)'] as number, 4);
    expect(sd('post') / sigma).toBeCloseTo(ref.theta['post.(Intercept)'] as number, 4);
    expect(sd('rater') / sigma).toBeCloseTo(ref.theta['rater.(Intercept)'] as number, 4);
  });
  it('gives lme4 fixed effects and standard errors', () => {
    fit.fixefNames.forEach((name, i) => {
      expect(fit.beta[i]).toBeCloseTo(ref.fixef[name] as number, 5);
      expect(fit.se[i]).toBeCloseTo(ref.se[name] as number, 5);
    });
  });
});
