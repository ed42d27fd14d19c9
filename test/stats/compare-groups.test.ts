import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTable } from '../../src/corpus/table.js';
import { compareGroups } from '../../src/stats/compare-groups.js';
import { ols } from '../../src/stats/ols.js';

// test/reference/ols: a fixed data set and R's numbers for it (see make-reference.R for the command).
const dir = path.join(import.meta.dirname, '../reference/ols');
const table = parseTable(readFileSync(path.join(dir, 'features.csv')), 'csv', 'features.csv');
const value = table.records.map((r) => Number(r.values.value));
const source = table.records.map((r) => r.values.source as string);
const post = table.records.map((r) => r.values.post as string);
const ref = JSON.parse(readFileSync(path.join(dir, 'features.reference.json'), 'utf8'));

describe("OLS against R's lm", () => {
  it('reproduces coefficients, SEs, t, p, sigma and R^2', () => {
    const levels = ['human', 'gpt4', 'llama2'];
    const x = new Float64Array(value.length * 3);
    source.forEach((s, i) => {
      x[i * 3] = 1;
      const k = levels.indexOf(s);
      if (k > 0) x[i * 3 + k] = 1;
    });
    const fit = ols(value, x, ['(Intercept)', 'sourcegpt4', 'sourcellama2']);
    expect(Array.from(fit.coef)).toEqual(Object.values(ref.coef).map((v) => expect.closeTo(v as number, 12)));
    expect(Array.from(fit.se)).toEqual(ref.se.map((v: number) => expect.closeTo(v, 12)));
    expect(Array.from(fit.t)).toEqual(ref.t.map((v: number) => expect.closeTo(v, 10)));
    fit.p.forEach((p, i) => expect(Math.abs(p - ref.p[i]) / ref.p[i]).toBeLessThan(1e-9));
    expect(fit.sigma).toBeCloseTo(ref.sigma, 12);
    expect(fit.rSquared).toBeCloseTo(ref.r_squared, 12);
    expect(fit.df).toBe(ref.df);
  });

  it('refuses collinear predictors', () => {
    expect(() => ols([1, 2, 3, 4], Float64Array.from([1, 2, 1, 2, 1, 2, 1, 2]), ['a', 'b'])).toThrow(/collinear/);
  });
});

describe('compareGroups', () => {
  it('gives group means and SDs, and OLS pairs equal to R (no adjustment)', () => {
    const c = compareGroups(value, source, { reference: 'human', adjust: 'none' });
    expect(c.groups.map((g) => g.group)).toEqual(['human', 'gpt4', 'llama2']);
    expect(c.groups[0]?.mean).toBeCloseTo(ref.coef['(Intercept)'], 12);
    c.ols.forEach((p, i) => {
      const r = ref.pairs[i];
      expect(p.contrast).toBe(r.contrast);
      expect(p.b).toBeCloseTo(r.b, 12);
      expect(p.se).toBeCloseTo(r.se, 12);
      expect(p.t).toBeCloseTo(r.t, 10);
      expect(Math.abs(p.p - r.p) / r.p).toBeLessThan(1e-9);
    });
  });

  it('adds mixed-model pairs with the post as a random intercept, and adjusts for the family', () => {
    const c = compareGroups(value, source, { reference: 'human', units: post, adjust: 'holm' });
    expect(c.mixed?.map((p) => p.contrast)).toEqual(['human - gpt4', 'human - llama2', 'gpt4 - llama2']);
    // Balanced design: the mixed contrasts equal the OLS mean differences.
    c.mixed?.forEach((p, i) => expect(p.b).toBeCloseTo(c.ols[i]?.b as number, 10));
    const raw = compareGroups(value, source, { reference: 'human', adjust: 'none' });
    const sorted = [...raw.ols.map((p) => p.p)].sort((a, b) => a - b);
    expect(Math.min(...c.ols.map((p) => p.p))).toBeCloseTo(Math.min(1, 3 * (sorted[0] as number)), 12);
  });
});

describe('compareGroups mixed pairs against lmerTest + emmeans (Holm)', () => {
  const mixedRef = JSON.parse(readFileSync(path.join(dir, 'features.mixed.reference.json'), 'utf8'));
  it('reproduces estimate, SE, Satterthwaite df, t and Holm-adjusted p', () => {
    const c = compareGroups(value, source, { reference: 'human', units: post, adjust: 'holm' });
    c.mixed?.forEach((p, i) => {
      const r = mixedRef.pairs_holm[i];
      expect(p.contrast).toBe(r.contrast);
      expect(Math.abs(p.b - r.b) / Math.abs(r.b)).toBeLessThan(1e-4);
      expect(Math.abs(p.se - r.se) / r.se).toBeLessThan(1e-4);
      expect(Math.abs(p.df - r.df) / r.df).toBeLessThan(1e-3);
      expect(Math.abs(p.p - r.p) / r.p).toBeLessThan(1e-3);
    });
  });
});
