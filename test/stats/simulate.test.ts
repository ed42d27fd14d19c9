import { describe, expect, it } from 'vitest';
import { emmeans } from '../../src/stats/emmeans.js';
import { fitLmm } from '../../src/stats/lmm.js';
import { DEFAULT_PANEL, simulatePanel, simulateSessions } from '../../src/stats/simulate.js';

describe('synthetic panel', () => {
  const sources = ['human', 'gpt4', 'llama2'];
  const responses = Array.from({ length: 60 }, (_, p) => sources.map((source) => ({ post: p, source }))).flat();
  // 150 raters, each 10 posts x 3 responses (the within-post design).
  const assignments = Array.from({ length: 150 }, (_, r) => Array.from({ length: 10 }, (_, k) => ((r * 7 + k * 6) % 60) * 3).flatMap((j) => [j, j + 1, j + 2]));
  const model = { ...DEFAULT_PANEL, effects: { human: 0, gpt4: 0.6, llama2: 0.3 }, points: 5, seed: 11, inattentiveShare: 0 };

  it('is reproducible for a seed and stays on the scale', () => {
    const a = simulatePanel(responses, assignments, model);
    expect(a).toEqual(simulatePanel(responses, assignments, model));
    expect(a.ratings).toHaveLength(150 * 30);
    expect(a.ratings.every((r) => Number.isInteger(r.value) && r.value >= 1 && r.value <= 5)).toBe(true);
    expect(simulatePanel(responses, assignments, { ...model, seed: 12 })).not.toEqual(a);
  });

  it('plants effects that the reference study\'s model recovers', () => {
    const { ratings } = simulatePanel(responses, assignments, model);
    const data = {
      value: ratings.map((r) => String(r.value)),
      source: ratings.map((r) => (responses[r.response] as { source: string }).source),
      post: ratings.map((r) => `p${(responses[r.response] as { post: number }).post}`),
      rater: ratings.map((r) => `r${r.rater}`),
    };
    const fit = fitLmm('value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)', data, { reference: { source: 'human' } });
    const b = (name: string) => fit.beta[fit.fixefNames.indexOf(name)] as number;
    // Rounding to a 5-point scale shrinks effects a little; they stay within 0.1 of the planted ones.
    expect(b('sourcegpt4')).toBeGreaterThan(0.5);
    expect(b('sourcegpt4')).toBeLessThan(0.7);
    expect(b('sourcellama2')).toBeGreaterThan(0.2);
    expect(b('sourcellama2')).toBeLessThan(0.4);
    expect(emmeans(fit, 'source').pairs.find((p) => p.contrast === 'human - gpt4')?.p).toBeLessThan(1e-10);
  });

  it('marks inattentive raters, who answer at random', () => {
    const { inattentive } = simulatePanel(responses, assignments, { ...model, inattentiveShare: 0.2 });
    const share = inattentive.filter(Boolean).length / inattentive.length;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.3);
  });

  it('gives inattentive raters rushed sessions and random answers to attention checks', () => {
    const inattentive = Array.from({ length: 2000 }, (_, i) => i % 10 === 0);
    const sessions = simulateSessions(inattentive, [5], { seed: 3, medianMinutes: 14 });
    expect(simulateSessions(inattentive, [5], { seed: 3, medianMinutes: 14 })).toEqual(sessions);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const attentive = sessions.filter((_, i) => !inattentive[i]);
    const rushed = sessions.filter((_, i) => inattentive[i]);
    expect(median(attentive.map((s) => s.totalSeconds)) / 60).toBeCloseTo(14, 0);
    expect(median(rushed.map((s) => s.totalSeconds)) / 60).toBeCloseTo(2, 0);
    expect(attentive.every((s) => s.passed[0])).toBe(true);
    // A random choice among five options passes one time in five.
    const passRate = rushed.filter((s) => s.passed[0]).length / rushed.length;
    expect(passRate).toBeGreaterThan(0.12);
    expect(passRate).toBeLessThan(0.28);
  });

  it('shares raters\' and posts\' traits between scales when asked, so the scales correlate', () => {
    const pearson = (x: number[], y: number[]) => {
      const mx = x.reduce((a, b) => a + b, 0) / x.length;
      const my = y.reduce((a, b) => a + b, 0) / y.length;
      const sxy = x.reduce((s, v, i) => s + (v - mx) * ((y[i] as number) - my), 0);
      return sxy / Math.sqrt(x.reduce((s, v) => s + (v - mx) ** 2, 0) * y.reduce((s, v) => s + (v - my) ** 2, 0));
    };
    const shared = [1, 2].map((s) => simulatePanel(responses, assignments, { ...model, seed: 100 + s, traitSeed: 100 }));
    const apart = [1, 2].map((s) => simulatePanel(responses, assignments, { ...model, seed: 100 + s }));
    const r = (pair: typeof shared) => pearson(pair[0]?.ratings.map((x) => x.value) as number[], pair[1]?.ratings.map((x) => x.value) as number[]);
    // Shared: rater leniency (SD 0.5), post and post x rater effects are common to both scales.
    expect(r(shared)).toBeGreaterThan(0.3);
    expect(Math.abs(r(apart))).toBeLessThan(0.1);
    expect(shared[0]?.inattentive).toEqual(shared[1]?.inattentive);
  });
});
