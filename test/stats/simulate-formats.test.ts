import { describe, expect, it } from 'vitest';
import { fitBradleyTerry } from '../../src/stats/bradley-terry.js';
import { fitLmm } from '../../src/stats/lmm.js';
import { cronbachAlpha } from '../../src/stats/scale-reliability.js';
import { DEFAULT_PANEL, latentPanel, simulateItems, simulatePairs, simulatePanel, simulateSlider } from '../../src/stats/simulate.js';

describe('every format from one latent', () => {
  const sources = ['human', 'gpt4', 'llama2'];
  const responses = Array.from({ length: 60 }, (_, p) => sources.map((source) => ({ post: p, source }))).flat();
  const assignments = Array.from({ length: 150 }, (_, r) => Array.from({ length: 10 }, (_, k) => ((r * 7 + k * 6) % 60) * 3).flatMap((j) => [j, j + 1, j + 2]));
  const model = { ...DEFAULT_PANEL, effects: { human: 0, gpt4: 0.6, llama2: 0.3 }, points: 5, seed: 11, traitSeed: 5, inattentiveShare: 0.05 };
  const latent = latentPanel(responses, assignments, model);
  const sourceOf = (j: number) => (responses[j] as { source: string }).source;

  it('is the latent the Likert simulation rounds: without rating noise, each Likert answer is its latent rounded', () => {
    const likert = simulatePanel(responses, assignments, { ...model, sdResidual: 0 });
    const careful = likert.ratings.filter((r) => !likert.inattentive[r.rater]);
    expect(likert.inattentive).toEqual(latent.inattentive);
    for (const r of careful.slice(0, 500)) expect(r.value).toBe(Math.min(5, Math.max(1, Math.round(latent.eta[r.rater]?.get(r.response) as number))));
  });

  it('sliders recover the planted order, stay on 0-100 and pile up at the ends', () => {
    const slider = simulateSlider(latent, { sdResidual: model.sdResidual, seed: 3, points: 5 });
    expect(slider.every((r) => Number.isInteger(r.value) && r.value >= 0 && r.value <= 100)).toBe(true);
    const atEnds = slider.filter((r) => r.value <= 2 || r.value >= 98).length / slider.length;
    const middle = slider.filter((r) => r.value >= 48 && r.value <= 52).length / slider.length;
    expect(atEnds).toBeGreaterThan(middle);
    const fit = fitLmm('value ~ source + (1 | post) + (1 | rater)', { value: slider.map((r) => r.value), source: slider.map((r) => sourceOf(r.response)), post: slider.map((r) => `p${responses[r.response]?.post}`), rater: slider.map((r) => `r${r.rater}`) }, { reference: { source: 'human' } });
    const b = (name: string) => fit.beta[fit.fixefNames.indexOf(name)] as number;
    expect(b('sourcegpt4')).toBeGreaterThan(b('sourcellama2'));
    expect(b('sourcellama2')).toBeGreaterThan(0);
  });

  it('items of a multi-item scale hang together, the reverse-keyed one answered the other way', () => {
    const items = simulateItems(latent, [{ reverse: false }, { reverse: false }, { reverse: true }], { sdResidual: model.sdResidual, seed: 4, points: 5 });
    const sets = new Map<string, number[]>();
    for (const r of items) (sets.get(`${r.rater}:${r.response}`) ?? sets.set(`${r.rater}:${r.response}`, [0, 0, 0]).get(`${r.rater}:${r.response}`) as number[])[r.item] = r.item === 2 ? 6 - r.value : r.value;
    expect(sets.size).toBe(150 * 30);
    expect(cronbachAlpha([...sets.values()]).alpha).toBeGreaterThan(0.7);
  });

  it('pairwise choices recover the sources\' order and the planted position bias', () => {
    const pairs = assignments.map((list) => {
      const out: Array<{ left: number; right: number }> = [];
      for (let k = 0; k < list.length; k += 3) {
        const [a, b, c] = list.slice(k, k + 3) as [number, number, number];
        out.push({ left: a, right: b }, { left: c, right: a }, { left: b, right: c });
      }
      return out;
    });
    const choices = simulatePairs(latent, pairs, { sdResidual: model.sdResidual, seed: 6, positionBias: 0.4, strength: true });
    expect(new Set(choices.map((c) => c.value))).toEqual(new Set([-2, -1, 1, 2]));
    const fit = fitBradleyTerry(
      choices.map((c) => ({ rater: `r${c.rater}`, post: `p${responses[c.left]?.post}`, left: sourceOf(c.left), right: sourceOf(c.right), leftChosen: c.value < 0 ? 1 : 0 })),
      'human',
    );
    const ability = (s: string) => fit.ability[fit.sources.indexOf(s)] as number;
    expect(ability('gpt4')).toBeGreaterThan(ability('llama2'));
    expect(ability('llama2')).toBeGreaterThan(0);
    const se = Math.sqrt(fit.vcov.raterPost.data[0] as number);
    expect(Math.abs(fit.position - 0.4)).toBeLessThan(3 * se);
  });
});
