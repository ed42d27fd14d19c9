import { describe, expect, it } from 'vitest';
import { tTestP, tUpperTail } from '../../src/stats/distributions.js';
import { bonferroni, emmeans, holm, meansAcrossUnits, westfallKennyJuddD } from '../../src/stats/emmeans.js';
import { fitLmm } from '../../src/stats/lmm.js';
import { ptukey, qtukey } from '../../src/stats/studentized-range.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expectClose, expectCloseP, readReference, readReferenceData, REFERENCE_DIR, thetaFromVarCorr } from '../helpers/reference.js';

describe('emmeans against emmeans 1.8.4 (ratings-within, Satterthwaite df, Holm)', () => {
  const ref = readReference('ratings-within');
  const data = readReferenceData(ref.dataset);
  const model = ref.models[0] as (typeof ref.models)[0];
  const contrasts = ref.contrasts as NonNullable<typeof ref.contrasts>;

  const check = (e: ReturnType<typeof emmeans>) => {
    const problems: string[] = [];
    const c = (what: string, r: string | null) => r && problems.push(`${what}: ${r}`);
    e.emmeans.forEach((row, i) => {
      const r = contrasts.emmeans[i] as Record<string, number | string>;
      expect(row.level).toBe(r.source);
      c(`emmean ${row.level}`, expectClose(row.emmean, r.emmean as number));
      c(`SE ${row.level}`, expectClose(row.se, r.SE as number));
      c(`df ${row.level}`, expectClose(row.df, r.df as number, 1e-3, 0));
      c(`lower ${row.level}`, expectClose(row.lower, r['lower.CL'] as number));
      c(`upper ${row.level}`, expectClose(row.upper, r['upper.CL'] as number));
    });
    e.pairs.forEach((row, i) => {
      const r = contrasts.pairs_holm[i] as Record<string, number | string>;
      expect(row.contrast).toBe(r.contrast);
      c(`estimate ${row.contrast}`, expectClose(row.estimate, r.estimate as number));
      c(`SE ${row.contrast}`, expectClose(row.se, r.SE as number));
      c(`df ${row.contrast}`, expectClose(row.df, r.df as number, 1e-3, 0));
      c(`t ${row.contrast}`, expectClose(row.t, r['t.ratio'] as number));
      c(`p ${row.contrast}`, expectCloseP(row.p, r['p.value'] as number));
    });
    return problems;
  };

  it('reproduces the marginal means, CIs and Holm-adjusted pairs from the fitted model', () => {
    const fit = fitLmm(model.formula, data, { reference: { source: 'human' } });
    expect(check(emmeans(fit, 'source', { adjust: 'holm' }))).toEqual([]);
  });

  it("and at lme4's own theta", () => {
    const fitted = fitLmm(model.formula, data, { reference: { source: 'human' }, satterthwaite: false });
    const theta = thetaFromVarCorr(model, fitted.ranef.map((r) => ({ group: r.group, names: r.names })));
    expect(check(emmeans(fitLmm(model.formula, data, { reference: { source: 'human' }, theta }), 'source'))).toEqual([]);
  });

  it('averages over other factors with equal weights (source x domain model)', () => {
    const between = readReference('ratings-between');
    const fit = fitLmm((between.models[0] as (typeof between.models)[0]).formula, readReferenceData(between.dataset), { reference: { source: 'human' } });
    const e = emmeans(fit, 'source', { adjust: 'none' });
    // The human marginal mean is the intercept plus the average of the domain effects.
    const names = fit.fixefNames;
    const b = (n: string) => fit.beta[names.indexOf(n)] as number;
    const domains = ['anxiety', 'covid', 'parenting', 'relationships', 'workplace'];
    const human = b('(Intercept)') + domains.reduce((s, d) => s + b(`domain${d}`), 0) / 6;
    expect(e.emmeans[0]?.emmean).toBeCloseTo(human, 12);
    expect(e.pairs).toHaveLength(6);
  });
});

describe('contrast intervals and d against R (make-effect-sizes.R: emmeans confint, d by hand from VarCorr)', () => {
  interface Pair { contrast: string; estimate: number; 'lower.CL': number; 'upper.CL': number; d: number; 'd.lower.CL': number; 'd.upper.CL': number }
  const ref = JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'ratings-within.effect-sizes.json'), 'utf8')) as Record<'holm' | 'tukey' | 'none', { pairs: Pair[] }> & { d_denominator: number; formula: string };
  const fit = fitLmm(ref.formula, readReferenceData('ratings-within.csv'), { reference: { source: 'human' } });

  it('d divides by the square root of the sum of every variance component (0.9485 in R)', () => {
    expect(expectClose(westfallKennyJuddD(fit, { estimate: 0, lower: 0, upper: 0 }).denominator, ref.d_denominator)).toBeNull();
  });

  for (const adjust of ['holm', 'tukey', 'none'] as const)
    it(`${adjust}: every pair's interval (${adjust === 'none' ? 'unadjusted' : adjust === 'holm' ? 'Bonferroni, as emmeans does for Holm' : 'Tukey'}), d and d's interval`, () => {
      const e = emmeans(fit, 'source', { adjust });
      const problems: string[] = [];
      e.pairs.forEach((row, i) => {
        const r = ref[adjust].pairs[i] as Pair;
        expect(row.contrast).toBe(r.contrast);
        const d = westfallKennyJuddD(fit, row);
        for (const [what, ours, theirs] of [
          ['lower', row.lower, r['lower.CL']],
          ['upper', row.upper, r['upper.CL']],
          ['d', d.d, r.d],
          ['d lower', d.lower, r['d.lower.CL']],
          ['d upper', d.upper, r['d.upper.CL']],
        ] as const) {
          const problem = expectClose(ours, theirs);
          if (problem) problems.push(`${row.contrast} ${what}: ${problem}`);
        }
      });
      expect(problems).toEqual([]);
    });

  it('qtukey inverts ptukey (q(0.95; 4, 20) = 3.958 from tables)', () => {
    expect(qtukey(0.95, 4, 20)).toBeCloseTo(3.958, 3);
    expect(ptukey(qtukey(0.9, 3, 12), 3, 12)).toBeCloseTo(0.9, 8);
  });
});

describe('multiplicity adjustments', () => {
  it('Holm and Bonferroni on a worked example (Holm 1979 step-down)', () => {
    expect(holm([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(bonferroni([0.01, 0.3])).toEqual([0.02, 0.6]);
  });

  it('Tukey: the studentized range matches table values and the k = 2 identity with t', () => {
    // Upper 5% points q(0.05; k, nu) from standard tables (3 decimals).
    expect(ptukey(3.877, 3, 10)).toBeCloseTo(0.95, 3);
    expect(ptukey(3.958, 4, 20)).toBeCloseTo(0.95, 3);
    expect(ptukey(3.633, 4, Infinity)).toBeCloseTo(0.95, 3);
    // For two means, Q = sqrt(2) |T|: P(Q <= sqrt(2) t) = 1 - 2 P(T > t), exactly.
    for (const [t, nu] of [[2.1, 7], [1.3, 40], [3.5, 250]] as const) {
      expect(ptukey(Math.SQRT2 * t, 2, nu)).toBeCloseTo(1 - 2 * tUpperTail(t, nu), 7);
    }
    expect(tTestP(2.1, 7)).toBeCloseTo(2 * tUpperTail(2.1, 7), 15);
  });
});

describe('means across units', () => {
  it('averages within each post first, then takes a t interval over posts', () => {
    // Post a: human 4 and 2 (mean 3); post b: human 5; post c: human 4. Means 3, 5, 4.
    const m = meansAcrossUnits([4, 2, 5, 4, 1], ['a', 'a', 'b', 'c', 'a'], ['human', 'human', 'human', 'human', 'gpt4']);
    const human = m.find((r) => r.group === 'human');
    expect(human).toMatchObject({ mean: 4, sd: 1, n: 3 });
    // t(0.975, 2) = 4.302653: 4 +/- 4.302653 / sqrt(3)
    expect(human?.lower).toBeCloseTo(4 - 4.302652729749464 / Math.sqrt(3), 10);
    expect(m.find((r) => r.group === 'gpt4')).toMatchObject({ mean: 1, n: 1 });
  });
});

describe('likelihood-ratio tests', async () => {
  const { likelihoodRatioTest } = await import('../../src/stats/lrt.js');
  const { chiSquaredUpperTail } = await import('../../src/stats/distributions.js');
  it('refits by ML (matching the ML reference fit) and tests the difference', () => {
    const ref = readReference('sleepstudy');
    const ml = ref.models.find((m) => !m.REML) as (typeof ref.models)[0];
    const rows = likelihoodRatioTest(['Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)', 'Reaction ~ Days + (Days | Subject)'], readReferenceData(ref.dataset));
    expect(rows.map((r) => r.npar)).toEqual([5, 6]);
    // The larger model refitted by ML is lme4's ML fit.
    expect(expectClose(rows[1]?.logLik as number, ml.logLik)).toBeNull();
    const chisq = 2 * ((rows[1]?.logLik as number) - (rows[0]?.logLik as number));
    expect(rows[1]?.chisq).toBeCloseTo(chisq, 12);
    expect(rows[1]?.p).toBeCloseTo(chiSquaredUpperTail(chisq, 1), 12);
    expect(rows[1]?.aic).toBeCloseTo(-2 * ml.logLik + 12, 6);
  });
});
