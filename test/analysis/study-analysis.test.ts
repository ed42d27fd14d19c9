import { describe, expect, it } from 'vitest';
import { analyzeStudy, type AnalysisInput, type RatingRow } from '../../src/analysis/study-analysis.js';

// Four responses to two posts, rated by three raters whose means per response are 1, 2, 3 and 4.
const ratings: RatingRow[] = [];
for (const [i, [post, source]] of ([['p1', 'human'], ['p1', 'gpt4'], ['p2', 'human'], ['p2', 'gpt4']] as const).entries())
  for (const [k, rater] of ['a', 'b', 'c'].entries()) ratings.push({ rater, post, domain: 'anger', source, response: `r${i + 1}`, scale: 'empathy', value: i + 1 + (k - 1) * 0.5 });

const input: AnalysisInput = {
  ratings,
  raters: ['a', 'b', 'c'].map((rater) => ({ rater, totalSeconds: 600, attentionFailures: 0 })),
  scales: ['empathy'],
  formula: 'value ~ source + (1 | post)',
  reference: 'human',
  adjust: 'holm',
  reml: true,
  exclusions: { maxAttentionFailures: 0, straightLining: false },
  judgeScores: [
    ...[2, 4, 6, 8].map((value, i) => ({ response: `r${i + 1}`, judge: 'doubler', scale: 'empathy', value })),
    ...[4, 3, 2, 1].map((value, i) => ({ response: `r${i + 1}`, judge: 'contrarian', scale: 'empathy', value })),
    { response: 'r1', judge: 'doubler', scale: 'appropriateness', value: 5 },
  ],
};

describe('judge agreement', () => {
  it('compares each judge with the mean human rating of every response it scored', () => {
    const doc = analyzeStudy(input);
    const s = doc.scales[0] as Extract<(typeof doc.scales)[number], { judges: unknown }>;
    // Judges in name order; r = +1 and -1; MAE = mean |judge - human|.
    expect(s.judges.map((j) => j.judge)).toEqual(['contrarian', 'doubler']);
    const [contrarian, doubler] = s.judges;
    expect(doubler?.responses).toBe(4);
    expect(doubler?.pearsonR).toBeCloseTo(1, 12);
    expect(doubler?.meanAbsoluteError).toBeCloseTo((1 + 2 + 3 + 4) / 4, 12);
    expect(contrarian?.pearsonR).toBeCloseTo(-1, 12);
    expect(contrarian?.meanAbsoluteError).toBeCloseTo((3 + 1 + 1 + 3) / 4, 12);
  });

  it('has no judges when none has scored the study, and no source x domain model with one domain', () => {
    const doc = analyzeStudy({ ...input, judgeScores: [] });
    const s = doc.scales[0] as Extract<(typeof doc.scales)[number], { judges: unknown }>;
    expect(s.judges).toEqual([]);
    expect(s.sourceByDomain).toBeNull();
    expect(doc.languageModels).toBeNull();
  });
});

describe('straight-lining: flagged by default, excluded only when the manifest asks', () => {
  // Rater "s" gives 3 to all four replies; the others vary.
  const rows: RatingRow[] = [...ratings.filter((r) => r.rater !== 'c'), ...ratings.filter((r) => r.rater === 'c').map((r) => ({ ...r, rater: 's', value: 3 }))];
  const raters = ['a', 'b', 's'].map((rater) => ({ rater, totalSeconds: 600, attentionFailures: 0 }));
  it('default (off): reported as a flag, every rater kept', () => {
    const doc = analyzeStudy({ ...input, ratings: rows, raters, judgeScores: [] });
    expect(doc.flags).toEqual([{ rule: 'the same value on every item of a scale (straight-lining)', raters: ['s'], reasons: ['empathy: 3 on all 4 items'] }]);
    expect(doc.raters).toEqual({ total: 3, excluded: 0, kept: 3 });
  });
  it('on: an exclusion, and no flag', () => {
    const doc = analyzeStudy({ ...input, ratings: rows, raters, judgeScores: [], exclusions: { maxAttentionFailures: 0, straightLining: true } });
    expect(doc.flags).toEqual([]);
    expect(doc.exclusions.find((e) => e.rule.includes('straight-lining'))?.raters).toEqual(['s']);
    expect(doc.raters).toEqual({ total: 3, excluded: 1, kept: 2 });
  });
});

describe('straight-lining on a slider: near-constant values', () => {
  // On a 0-100 slider, rater "n" keeps every answer within 5 points; rater "w" spreads them.
  const slider = (rater: string, values: number[]): RatingRow[] => values.map((value, i) => ({ rater, post: `p${1 + (i >> 1)}`, domain: 'anger', source: i % 2 ? 'gpt4' : 'human', response: `r${i + 1}`, scale: 'warmth', value }));
  const rows = [...slider('n', [48, 50, 53, 51]), ...slider('w', [10, 60, 35, 90]), ...slider('x', [20, 70, 45, 80])];
  const raters = ['n', 'w', 'x'].map((rater) => ({ rater, totalSeconds: 600, attentionFailures: 0 }));
  const base = { ...input, ratings: rows, raters, scales: ['warmth'], judgeScores: [], exclusions: { maxAttentionFailures: 0, straightLining: true } };

  it('excludes a rater whose slider answers all lie within 5 points, naming the range', () => {
    const doc = analyzeStudy({ ...base, sliders: ['warmth'] });
    const rule = doc.exclusions.find((e) => e.rule.includes('straight-lining'));
    expect(rule?.raters).toEqual(['n']);
    expect(rule?.reasons).toEqual(['warmth: every one of 4 slider answers between 48 and 53']);
  });

  it('without knowing the scale is a slider, the same answers are not one value, so nobody is excluded', () => {
    const doc = analyzeStudy(base);
    expect(doc.exclusions.find((e) => e.rule.includes('straight-lining'))?.raters).toEqual([]);
  });
});

describe('straight-lining on pairs: the same side every time', () => {
  const pairs = (rater: string, values: number[]) => values.map((value, i) => ({ rater, post: `p${i}`, scale: 'which', left: `a${i}`, right: `b${i}`, leftSource: 'human', rightSource: 'gpt4', value }));
  const choices = [...pairs('a', [-1, -2, -1, -1, -1]), ...pairs('b', [1, -1, 1, -1, 2]), ...pairs('c', [1, 1, 1])];
  it('a rater who chose the left reply on every pair (4 or more) is straight-lining; three pairs are too few to tell', () => {
    const doc = analyzeStudy({ ...input, judgeScores: [], raters: ['a', 'b', 'c'].map((rater) => ({ rater, totalSeconds: 600, attentionFailures: 0 })), formats: { specs: [], items: [], choices } });
    expect(doc.flags).toEqual([{ rule: expect.stringContaining('straight-lining'), raters: ['a'], reasons: ['which: the left reply on all 5 pairs'] }]);
  });
});
