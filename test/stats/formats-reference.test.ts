import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { abilityContrast, contrastVariance, fitBradleyTerry, fitOrdinalPairs, worths, type PairChoice } from '../../src/stats/bradley-terry.js';
import { cronbachAlpha, itemRestCorrelations, omegaTotal } from '../../src/stats/scale-reliability.js';

/** R's values for the committed sets (test/reference/formats/formats.R; its README says how they were made). */
const dir = path.resolve(import.meta.dirname, '../reference/formats');
const ref = JSON.parse(readFileSync(path.join(dir, 'formats.r.json'), 'utf8')) as {
  ordinal: { coef: number[]; se: number[]; loglik: number };
  bt: { coef: number[]; se_model: number[]; se_rater: number[]; se_rater_post: number[]; loglik: number; btm_coef: number[]; btm_se: number[] };
  items: { alpha: number; feldt_lower: number; feldt_upper: number; r_drop: number[]; omega_tot: number; n: number };
};
const rows = (file: string) =>
  readFileSync(path.join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

describe('Bradley-Terry against glm, BradleyTerry2 and sandwich', () => {
  const choices: PairChoice[] = rows('choices.csv').map(([rater, post, left, right, choice]) => ({ rater: rater as string, post: post as string, left: left as string, right: right as string, leftChosen: choice === 'left' ? 1 : 0 }));
  const fit = fitBradleyTerry(choices, 'human');
  const se = (v: { rows: number; data: Float64Array }) => Array.from({ length: v.rows }, (_, i) => Math.sqrt(v.data[i * v.rows + i] as number));

  it('gives the same position effect, abilities and log-likelihood as glm (and BTm)', () => {
    expect(fit.sources).toEqual(['human', 'gpt4', 'llama2', 'mistral']);
    const mine = [fit.position, ...fit.ability.slice(1)];
    mine.forEach((v, i) => expect(v).toBeCloseTo(ref.bt.coef[i] as number, 8));
    // BTm orders them as the three abilities, then the position (at.home).
    expect(fit.position).toBeCloseTo(ref.bt.btm_coef[3] as number, 8);
    expect(fit.logLik).toBeCloseTo(ref.bt.loglik, 6);
  });

  it('gives the model SEs and the cluster-robust SEs (by rater, by rater and post) of sandwich::vcovCL', () => {
    se(fit.vcov.model).forEach((v, i) => expect(v).toBeCloseTo(ref.bt.se_model[i] as number, 6));
    se(fit.vcov.rater).forEach((v, i) => expect(v).toBeCloseTo(ref.bt.se_rater[i] as number, 6));
    se(fit.vcov.raterPost).forEach((v, i) => expect(v).toBeCloseTo(ref.bt.se_rater_post[i] as number, 6));
  });

  it('worths sum to one and a contrast of abilities has the variance of its parameters', () => {
    const w = worths(fit);
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(w[1]).toBeGreaterThan(w[0] as number); // gpt4 over human
    expect(Math.sqrt(contrastVariance(fit.vcov.model, abilityContrast(fit, 'gpt4', 'human')))).toBeCloseTo(ref.bt.se_model[1] as number, 6);
  });

  it('fits the ordinal extension for strengths as ordinal::clm with symmetric thresholds', () => {
    const strengths = rows('choices.csv').map(([rater, post, left, right, choice, strength]) => ({
      rater: rater as string,
      post: post as string,
      left: left as string,
      right: right as string,
      category: ((choice === 'left' ? 2 : 0) + (choice === 'left' ? (strength === 'clearly' ? 1 : 0) : strength === 'clearly' ? 0 : 1)) as 0 | 1 | 2 | 3,
    }));
    const o = fitOrdinalPairs(strengths, 'human');
    expect(o.converged).toBe(true);
    expect(o.position).toBeCloseTo(-(ref.ordinal.coef[0] as number), 5);
    expect(o.spacing).toBeCloseTo(ref.ordinal.coef[1] as number, 5);
    o.ability.slice(1).forEach((v, i) => expect(v).toBeCloseTo(ref.ordinal.coef[i + 2] as number, 5));
    expect(o.positionSe).toBeCloseTo(ref.ordinal.se[0] as number, 4);
    o.abilitySe.slice(1).forEach((v, i) => expect(v).toBeCloseTo(ref.ordinal.se[i + 2] as number, 4));
    expect(o.logLik).toBeCloseTo(ref.ordinal.loglik, 5);
  });

  it('says why when a source wins every comparison', () => {
    const lopsided = choices.map((c) => ({ ...c, leftChosen: (c.left === 'gpt4' ? 1 : c.right === 'gpt4' ? 0 : c.leftChosen) as 0 | 1 }));
    expect(() => fitBradleyTerry(lopsided, 'human')).toThrow(/won or lost every comparison/);
  });
});

describe('alpha and omega against psych', () => {
  const items = rows('items.csv').map(([, , warm, understood, helpful, cold]) => [Number(warm), Number(understood), Number(helpful), 6 - Number(cold)]);

  it("gives psych::alpha's raw alpha, Feldt interval and corrected item-total correlations", () => {
    const a = cronbachAlpha(items);
    expect(a.n).toBe(ref.items.n);
    expect(a.alpha).toBeCloseTo(ref.items.alpha, 10);
    expect(a.lower).toBeCloseTo(ref.items.feldt_lower, 8);
    expect(a.upper).toBeCloseTo(ref.items.feldt_upper, 8);
    itemRestCorrelations(items).forEach((r, i) => expect(r).toBeCloseTo(ref.items.r_drop[i] as number, 10));
  });

  it("gives psych::omega's omega total from one factor (minres) to the fourth decimal", () => {
    expect(omegaTotal(items).omega).toBeCloseTo(ref.items.omega_tot, 4);
  });
});
