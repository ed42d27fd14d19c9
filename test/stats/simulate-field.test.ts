import { describe, expect, it } from 'vitest';
import { fitLmm } from '../../src/stats/lmm.js';
import { DEFAULT_FIELD, simulateField } from '../../src/stats/simulate-field.js';

describe('a synthetic field study', () => {
  const model = { ...DEFAULT_FIELD, seekers: 600, supporters: 30, domains: ['anger', 'anxiety', 'work'], arms: ['human', 'assisted'], effects: { human: 0, assisted: 4 }, seed: 3 };
  const seekers = simulateField(model);

  it('balances the arms within each domain, and stays on its scales', () => {
    for (const d of model.domains) {
      const mine = seekers.filter((s) => s.domain === d);
      const assisted = mine.filter((s) => s.arm === 'assisted').length;
      expect(Math.abs(2 * assisted - mine.length)).toBeLessThanOrEqual(2);
    }
    expect(seekers.every((s) => s.pre >= 0 && s.pre <= 100 && s.post >= 0 && s.post <= 100 && s.rating >= 1 && s.rating <= 5)).toBe(true);
    expect(simulateField(model)).toEqual(seekers);
  });

  it('post ~ arm + pre + (1 | supporter) recovers the planted arm effect within its interval', () => {
    const fit = fitLmm('post ~ arm + pre + (1 | supporter)', { post: seekers.map((s) => s.post), arm: seekers.map((s) => s.arm), pre: seekers.map((s) => s.pre), supporter: seekers.map((s) => `s${s.supporter}`) }, { reference: { arm: 'human' } });
    const k = fit.fixefNames.indexOf('armassisted');
    const [b, se] = [fit.beta[k] as number, fit.se[k] as number];
    expect(Math.abs(b - 4)).toBeLessThan(2 * se);
    expect(b - 1.96 * se).toBeGreaterThan(0);
    expect(fit.beta[fit.fixefNames.indexOf('pre')]).toBeCloseTo(1, 0);
  });
});
