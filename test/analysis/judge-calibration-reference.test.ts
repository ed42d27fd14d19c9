/**
 * A judge's calibration against R on a synthetic study written here: make-judge-calibration.R
 * (cor.test, the Bonett-Wright interval of Spearman's rho by hand, Krippendorff's alpha by hand from
 * its definition, t.test, psych::ICC, lmerTest + emmeans) made judge-calibration.csv and .json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeCalibration } from '../../src/analysis/judges.js';
import type { RatingRow } from '../../src/analysis/study-analysis.js';
import { parseTable } from '../../src/corpus/table.js';
import { REFERENCE_DIR } from '../helpers/reference.js';

const ref = JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'judge-calibration.json'), 'utf8'));
const table = parseTable(readFileSync(path.join(REFERENCE_DIR, 'judge-calibration.csv')), 'csv', 'judge-calibration.csv');
const rows: RatingRow[] = table.records.map((r) => ({ rater: String(r.values.rater), post: String(r.values.post), domain: 'all', source: String(r.values.source), response: String(r.values.response), scale: 'empathy', value: Number(r.values.value) }));
const replies = new Map<string, { id: string; source: string; post: string; text: string; j1: number; j2: number }>();
for (const r of table.records) {
  const id = String(r.values.response);
  if (!replies.has(id)) replies.set(id, { id, source: String(r.values.source), post: String(r.values.post), text: Array.from({ length: Number(r.values.words) }, () => 'word').join(' '), j1: Number(r.values.judge1), j2: Number(r.values.judge2) });
}
const list = [...replies.values()];
const scores = list.map((r) => ({ response: r.id, judge: 'j', scale: 'empathy', value: (r.j1 + r.j2) / 2 }));
const samples = list.flatMap((r) => [
  { judge: 'j', response: r.id, sample: 0, scores: { empathy: r.j1 } },
  { judge: 'j', response: r.id, sample: 1, scores: { empathy: r.j2 } },
]);
const humanContrasts = new Map([['empathy', ref.judge_contrasts.map((c: { contrast: string }) => ({ contrast: c.contrast, estimate: 1, p: 0.5 }))]]);
const [c] = judgeCalibration(rows, scores, samples, list, { scales: ['empathy'], reference: 'human', adjust: 'holm', humanContrasts });

const close = (ours: number | null | undefined, r: number, rel: number) => expect(Math.abs((ours as number) - r) <= rel * Math.max(1, Math.abs(r)), `${ours} vs ${r}`).toBe(true);

describe('judge calibration against R', () => {
  it('correlations with their intervals, MAE, and alpha with and without the judge', () => {
    if (!c) throw new Error('no calibration');
    expect(c.replies).toBe(ref.replies);
    close(c.pearson?.r, ref.pearson.r, 1e-9);
    close(c.pearson?.lower, ref.pearson.lower, 1e-9);
    close(c.pearson?.upper, ref.pearson.upper, 1e-9);
    close(c.spearman?.rho, ref.spearman.rho, 1e-9);
    close(c.spearman?.lower, ref.spearman.lower, 1e-9);
    close(c.spearman?.upper, ref.spearman.upper, 1e-9);
    close(c.meanAbsoluteError, ref.mae, 1e-12);
    close(c.alpha.humans, ref.alpha.humans, 1e-9);
    close(c.alpha.withJudge, ref.alpha.with_judge, 1e-9);
  });

  it('bias per source with its t interval, and the ranking of sources', () => {
    for (const b of ref.bias) {
      const ours = c?.biasBySource.find((x) => x.source === b.source);
      close(ours?.bias, b.bias, 1e-12);
      close(ours?.lower, b.lower, 1e-9);
      close(ours?.upper, b.upper, 1e-9);
    }
    close(c?.kendallTau, ref.kendall_tau, 1e-12);
  });

  it("the judge's contrasts (lmerTest + emmeans, Holm), test-retest ICC(A,1) with its interval, length bias and the raters it is worth", () => {
    for (const rc of ref.judge_contrasts) {
      const ours = c?.contrasts.find((x) => x.contrast === rc.contrast);
      close(ours?.judge, rc.estimate, 1e-6);
      close(ours?.judgeP, rc.p, 1e-3);
    }
    close(c?.testRetest?.iccA1, ref.test_retest.icc, 1e-9);
    close(c?.testRetest?.lower, ref.test_retest.lower, 1e-6);
    close(c?.testRetest?.upper, ref.test_retest.upper, 1e-6);
    close(c?.lengthBias.judgePartial, ref.length.judge_partial_by_residuals, 1e-9);
    close(c?.lengthBias.human, ref.length.human, 1e-9);
    expect(c?.equivalentRaters.meanHumanRaters).toBe(ref.worth.mean_raters);
    close(c?.equivalentRaters.raters, ref.worth.raters, 1e-9);
  });
});
