import { describe, expect, it } from 'vitest';
import { adjustAcrossFeatures } from '../../src/analysis/study-analysis.js';
import type { GroupComparison } from '../../src/stats/compare-groups.js';

const pair = (p: number) => ({ contrast: 'gpt4 - human', b: 0, se: 1, df: 10, t: 0, p });
const cmp = (ols: number, mixed: number): GroupComparison => ({ groups: [], ols: [pair(ols)], mixed: [pair(mixed)], adjust: 'none' });

describe('the language comparisons as one family of tests', () => {
  // Two features, one pair each: raw OLS p .04 and .01, mixed .03 and .02 (values worked by hand).
  const language = { emojis: cmp(0.04, 0.03), questions: cmp(0.01, 0.02) };

  it('adjusts by Holm across every feature and pair, the OLS and the mixed tests each as a family', () => {
    const a = adjustAcrossFeatures(language, 'holm');
    // OLS: .01 x 2 = .02; .04 x 1 = .04. Mixed: .02 x 2 = .04; .03 x 1 = .03, raised to .04 (monotone).
    expect(a.questions?.ols[0]?.p).toBeCloseTo(0.02, 12);
    expect(a.emojis?.ols[0]?.p).toBeCloseTo(0.04, 12);
    expect(a.questions?.mixed?.[0]?.p).toBeCloseTo(0.04, 12);
    expect(a.emojis?.mixed?.[0]?.p).toBeCloseTo(0.04, 12);
    expect(a.emojis?.adjust).toBe('holm');
  });

  it('uses Bonferroni when asked, none for none, and Holm for Tukey (which has no meaning across features)', () => {
    expect(adjustAcrossFeatures(language, 'bonferroni').emojis?.ols[0]?.p).toBeCloseTo(0.08, 12);
    expect(adjustAcrossFeatures(language, 'none').emojis?.ols[0]?.p).toBe(0.04);
    expect(adjustAcrossFeatures(language, 'tukey').questions?.ols[0]?.p).toBeCloseTo(0.02, 12);
    expect(adjustAcrossFeatures(language, 'tukey').questions?.adjust).toBe('holm');
  });
});
