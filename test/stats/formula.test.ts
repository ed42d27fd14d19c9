import { describe, expect, it } from 'vitest';
import { buildFrame, frameVariablesUsedAsFactors, modelMatrix, sortLevels } from '../../src/stats/design.js';
import { StatsInputError } from '../../src/stats/errors.js';
import { formulaVariables, parseFormula } from '../../src/stats/formula.js';
import { fitLmm } from '../../src/stats/lmm.js';
import { readReferenceData } from '../helpers/reference.js';

const data = {
  y: ['1', '2', '3', '4', '5', '6', '7', '8'],
  x: ['0.5', '1', '1.5', '2', '2.5', '3', '3.5', '4'],
  a: ['p', 'q', 'r', 'p', 'q', 'r', 'p', 'q'],
  b: ['u', 'v', 'u', 'v', 'u', 'v', 'u', 'v'],
  g: ['1', '1', '2', '2', '3', '3', '4', '4'],
};

/** Column names of the fixed part, as R's model.matrix names them. */
function fixedNames(formula: string): string[] {
  const f = parseFormula(formula);
  const frame = buildFrame(data, formulaVariables(f), frameVariablesUsedAsFactors(f));
  return modelMatrix(frame, f.intercept, f.fixed).names;
}

describe('formula language', () => {
  it.each([
    ['y ~ x + (1 | g)', ['(Intercept)', 'x']],
    ['y ~ a + (1 | g)', ['(Intercept)', 'aq', 'ar']],
    ['y ~ 0 + a + (1 | g)', ['ap', 'aq', 'ar']],
    ['y ~ a - 1 + (1 | g)', ['ap', 'aq', 'ar']],
    ['y ~ a * b + (1 | g)', ['(Intercept)', 'aq', 'ar', 'bv', 'aq:bv', 'ar:bv']],
    ['y ~ a:b + a + (1 | g)', ['(Intercept)', 'aq', 'ar', 'ap:bv', 'aq:bv', 'ar:bv']],
    ['y ~ x * a + (1 | g)', ['(Intercept)', 'x', 'aq', 'ar', 'x:aq', 'x:ar']],
    ['y ~ (a + b) * x - b + (1 | g)', ['(Intercept)', 'aq', 'ar', 'x', 'aq:x', 'ar:x', 'bv:x']],
  ])('%s has the columns R gives', (formula, names) => {
    expect(fixedNames(formula)).toEqual(names);
  });

  it('parses random terms: slopes, no intercept, interactions, nesting and ||', () => {
    const f = parseFormula('y ~ x + (1 + x | g) + (0 + a | g) + (1 | a:b) + (1 | a/b) + (x || b)');
    expect(f.random.map((r) => [r.intercept, r.terms.map((t) => t.join(':')), r.group.join(':')])).toEqual([
      [true, ['x'], 'g'],
      [false, ['a'], 'g'],
      [true, [], 'a:b'],
      [true, [], 'a'],
      [true, [], 'a:b'],
      [true, [], 'b'],
      [false, ['x'], 'b'],
    ]);
  });

  it.each([
    ['y ~ x + (1 | g', /expected "\)" to close the random term opened at position 9/],
    ['y x', /expected "~" at position 3/],
    ['y ~ x + (0 | g)', /has no intercept and no slope/],
    ['y ~ x $ z', /unexpected character "\$" at position 7/],
    ['y ~ 2 + x', /only 0 or 1 may stand alone/],
  ])('rejects %s with the place', (formula, message) => {
    expect(() => parseFormula(formula)).toThrow(StatsInputError);
    expect(() => parseFormula(formula)).toThrow(message);
  });

  it('sorts levels as R factor() does and relevels', () => {
    expect(sortLevels(['10', '9', '100'])).toEqual(['9', '10', '100']);
    expect(sortLevels(['mistral', 'gpt4', 'human', 'llama2'])).toEqual(['gpt4', 'human', 'llama2', 'mistral']);
  });
});

describe('fits beyond the reference set', () => {
  const within = readReferenceData('ratings-within.csv');

  it('factor-valued random slopes: (0 + source | rater) gives a 4 x 4 covariance per rater', () => {
    const fit = fitLmm('rating ~ source + (1 | post) + (0 + source | rater)', within, { reference: { source: 'human' }, satterthwaite: false });
    const rater = fit.varcor.filter((v) => v.grp === 'rater');
    expect(rater.filter((v) => v.var2 === null).map((v) => v.var1)).toEqual(['sourcehuman', 'sourcegpt4', 'sourcellama2', 'sourcemistral']);
    expect(rater.filter((v) => v.var2 !== null)).toHaveLength(6);
    for (const v of rater.filter((r) => r.var2 !== null)) expect(Math.abs(v.sdcor)).toBeLessThanOrEqual(1);
    expect(fit.theta).toHaveLength(1 + 10);
    expect(fit.ranef.find((r) => r.group === 'rater')?.values).toHaveLength(160 * 4);
  });

  it('nested grouping (1 | post/rater) is (1 | post) + (1 | post:rater)', () => {
    const a = fitLmm('rating ~ source + (1 | post/rater)', within, { satterthwaite: false });
    const b = fitLmm('rating ~ source + (1 | post) + (1 | post:rater)', within, { satterthwaite: false });
    expect(a.devianceOrRemlCriterion).toBeCloseTo(b.devianceOrRemlCriterion, 6);
    expect(a.ngroups).toEqual({ 'post:rater': 1280, post: 60 });
  });

  it('reports a singular fit the way lme4 does', () => {
    // A grouping factor that explains nothing: its variance goes to the boundary.
    const y = Array.from({ length: 60 }, (_, i) => String(((i * 7919) % 13) / 3));
    const g = Array.from({ length: 60 }, (_, i) => `g${i % 5}`);
    const h = Array.from({ length: 60 }, (_, i) => `h${Math.floor(i / 6)}`);
    const fit = fitLmm('y ~ 1 + (1 | g) + (1 | h)', { y, g, h }, { satterthwaite: false });
    expect(fit.singular).toBe(true);
    expect(fit.warnings).toContain('boundary (singular) fit: see help("isSingular")');
  });

  it('drops rows with missing values and says so; refuses a grouping factor with a level per row', () => {
    const d = { ...data, y: ['1', '', '3', '4', 'NA', '6', '7', '8'] };
    const fit = fitLmm('y ~ x + (1 | g)', d, { satterthwaite: false });
    expect(fit.nobs).toBe(6);
    expect(fit.warnings[0]).toBe('2 rows with missing values were dropped');
    expect(() => fitLmm('y ~ x + (1 | id)', { ...data, id: data.y.map((_, i) => `i${i}`) })).toThrow(/the grouping factor id has 8 levels for 8 observations/);
  });
});
