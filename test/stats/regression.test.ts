import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTable } from '../../src/corpus/table.js';
import { standardize } from '../../src/stats/classification.js';
import { ratingRegression, ridge } from '../../src/stats/regression.js';

const table = parseTable(readFileSync(path.join(import.meta.dirname, '../reference/logistic/multinomial.csv')), 'csv', 'multinomial.csv');
const n = table.records.length;
const x = new Float64Array(n * 4);
table.records.forEach((r, i) => ['x1', 'x2', 'x3', 'x4'].forEach((c, j) => (x[i * 4 + j] = Number(r.values[c]))));
const ref = JSON.parse(readFileSync(path.join(import.meta.dirname, '../reference/ols/ridge.reference.json'), 'utf8'));

describe('ridge regression', () => {
  it("matches R's closed form on standardised columns (see make-ridge-reference.R)", () => {
    const all = Array.from({ length: n }, (_, i) => i);
    const fit = ridge(ref.y, standardize(x, 4, all, all), 4, ref.lambda);
    Array.from(fit.weights).forEach((w, j) => expect(w).toBeCloseTo(ref.weights[j], 10));
    expect(fit.intercept).toBeCloseTo(ref.intercept, 10);
  });
});

describe('rating regression with cross-validation', () => {
  it('recovers a linear signal: small MAE, high R^2, OLS weights with SE, t and p', () => {
    const y = Array.from({ length: n }, (_, i) => 2 + 0.8 * (x[i * 4] as number) - 0.4 * (x[i * 4 + 2] as number));
    const r = ratingRegression(y, x, ['x1', 'x2', 'x3', 'x4'], { folds: 5, seed: 1, lambda: 0.01 });
    expect(r.ridge.cv.mae).toBeLessThan(0.01);
    expect(r.ridge.cv.r2).toBeGreaterThan(0.999);
    expect(r.ridge.weights[0]?.name).toBe('x1');
    expect(r.ols?.cv.mae).toBeLessThan(1e-9);
    expect(r.ols?.fit.names).toEqual(['(Intercept)', 'x1', 'x2', 'x3', 'x4']);
    expect(r.ols?.fit.p[1]).toBeLessThan(1e-10);
  });

  it('leaves OLS out when features outnumber observations, and is reproducible for a seed', () => {
    const wide = new Float64Array(10 * 20).map((_, i) => Math.sin(i * 1.7));
    const y = Array.from({ length: 10 }, (_, i) => i % 3);
    const a = ratingRegression(y, wide, Array.from({ length: 20 }, (_, j) => `f${j}`), { seed: 4 });
    expect(a.ols).toBeUndefined();
    expect(a).toEqual(ratingRegression(y, wide, Array.from({ length: 20 }, (_, j) => `f${j}`), { seed: 4 }));
  });
});

describe('rating regression on real bags of words', () => {
  // 60 replies, 6 terms: "rare" occurs once (constant in most training parts), "twin" copies "warm" (collinear).
  const rows = 60;
  const terms = ['warm', 'twin', 'question', 'rare', 'noise1', 'noise2'];
  const bag = new Float64Array(rows * terms.length);
  const rng = (i: number) => Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1;
  for (let i = 0; i < rows; i++) {
    const warm = i % 3 === 0 ? 2 : i % 3 === 1 ? 1 : 0;
    bag.set([warm, warm, i % 2, i === 7 ? 1 : 0, Math.floor(rng(i) * 3), Math.floor(rng(i + 100) * 3)], i * terms.length);
  }

  it('leaves constant terms out of a fold, reports OLS only where identified, and never throws', () => {
    const y = Array.from({ length: rows }, (_, i) => 3 + 0.5 * (bag[i * terms.length] as number) + 0.3 * (rng(i + 500) - 0.5));
    const r = ratingRegression(y, bag, terms, { folds: 5, seed: 1 });
    expect(r.ols).toBeUndefined();
    expect(r.olsOmitted).toBe('not identified: the terms are collinear in a cross-validation fold');
    expect(r.constantInFolds).toBe(1); // "rare" is constant in the one training part without reply 7
    expect(r.ridge.cv.r2).toBeGreaterThan(0.5);
    expect(r.ridge.lambdaChosenBy).toBe('cross-validation');
    expect(r.baseline.r2).toBeLessThanOrEqual(0);
    expect(r.ridge.cv.mae).toBeLessThan(r.baseline.mae);
  });

  it('chooses a small penalty for a strong signal and a large one for noise (nested cross-validation)', () => {
    const signal = Array.from({ length: rows }, (_, i) => 3 + 0.5 * (bag[i * terms.length] as number));
    const noise = Array.from({ length: rows }, (_, i) => 3 + rng(i + 900));
    const s = ratingRegression(signal, bag, terms, { folds: 5, seed: 1 });
    const n = ratingRegression(noise, bag, terms, { folds: 5, seed: 1 });
    expect(s.ridge.lambda).toBeLessThan(n.ridge.lambda);
    expect(n.ridge.cv.r2).toBeLessThan(0.1);
    expect(ratingRegression(signal, bag, terms, { folds: 5, seed: 1, lambda: 7 }).ridge).toMatchObject({ lambda: 7, lambdaChosenBy: 'given' });
  });
});
