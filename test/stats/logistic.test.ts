import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTable } from '../../src/corpus/table.js';
import { fitMultinomial, predictProbabilities } from '../../src/stats/logistic.js';

// test/reference/logistic: a fixed data set and glmnet's solution (see make-reference.R).
const dir = path.join(import.meta.dirname, '../reference/logistic');
const table = parseTable(readFileSync(path.join(dir, 'multinomial.csv')), 'csv', 'multinomial.csv');
const ref = JSON.parse(readFileSync(path.join(dir, 'multinomial.glmnet.json'), 'utf8'));
const classes = ['human', 'gpt4', 'llama2'];
const n = table.records.length;
const x = new Float64Array(n * 4);
table.records.forEach((r, i) => ['x1', 'x2', 'x3', 'x4'].forEach((c, j) => (x[i * 4 + j] = Number(r.values[c]))));
const y = Int32Array.from(table.records, (r) => classes.indexOf(r.values.y as string));

describe('multinomial L2 logistic regression against glmnet', () => {
  const fit = fitMultinomial(x, y, classes, 4, ref.lambda);

  it('reaches the same optimum: weights and centred intercepts agree to 1e-6', () => {
    expect(fit.converged).toBe(true);
    const glm = classes.map((c) => ref.coefficients[c] as number[]);
    const meanIntercept = glm.reduce((s, v) => s + (v[0] as number), 0) / 3;
    classes.forEach((c, k) => {
      const g = glm[k] as number[];
      expect(fit.intercepts[k]).toBeCloseTo((g[0] as number) - meanIntercept, 6);
      for (let j = 0; j < 4; j++) expect(fit.weights[k * 4 + j], `${c} x${j + 1}`).toBeCloseTo(g[j + 1] as number, 6);
    });
  });

  it('predicts probabilities that sum to one', () => {
    const probs = predictProbabilities(fit, x);
    for (let i = 0; i < n; i++) expect((probs[i * 3] as number) + (probs[i * 3 + 1] as number) + (probs[i * 3 + 2] as number)).toBeCloseTo(1, 12);
  });
});
