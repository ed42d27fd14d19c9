/**
 * The field study's analysis against R (test/reference/field: lmerTest, emmeans and the
 * order-statistic median interval, commands in field.R) on a committed set shaped like the
 * dashboard's field-posts.csv: three arms, supporters as a random effect, model-arm replies as one
 * supporter level.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeField, type ArmModel, type FieldInput } from '../../src/analysis/field.js';
import { parseStudy } from '../../src/study/load.js';

const dir = path.resolve(import.meta.dirname, '../reference/field');
const r = JSON.parse(readFileSync(path.join(dir, 'field.r.json'), 'utf8'));
const [header, ...lines] = readFileSync(path.join(dir, 'field-posts.csv'), 'utf8').trim().split('\n');
const cols = (header as string).split(',');
const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])) as Record<string, string>);

const study = parseStudy(`name: ref
domains: [work, relationships, everyday]
sources: [{ id: m, kind: model, provider: eliza, model: e }]
design: { type: field }
field:
  arms: [human, assisted, model]
  draft_source: m
  unreviewed_model_replies: true
  measures: [{ id: feeling, type: slider, question: How do you feel?, anchors: [bad, good] }]
  supporters: { tokens_file: s.txt }
  crisis_resources: { default: [{ name: X, contact: call 1 }] }
instrument: { consent: ok, scales: [{ id: empathy, question: Q }] }
`);

const t0 = Date.parse('2026-01-01T00:00:00Z');
const input: FieldInput = {
  posts: rows.map((x) => ({ id: x.post as string, origin: 'import', domain: x.domain as string, status: 'rated', arm: x.arm as string, created_at: new Date(t0).toISOString(), answered_at: new Date(t0 + Number(x.hours_to_reply) * 3_600_000).toISOString() })),
  replies: rows.map((x) => ({ post_id: x.post as string, arm: x.arm as string, supporter: x.supporter === 'model' ? null : (x.supporter as string), edit_distance: x.edit_share === '' ? null : 0, edit_share: x.edit_share === '' ? null : Number(x.edit_share), word_count: 100, draft_text: null })),
  measures: rows.flatMap((x) => [
    { post_id: x.post as string, phase: 'pre', item: 'feeling', value: Number(x.pre_feeling) },
    { post_id: x.post as string, phase: 'post', item: 'feeling', value: Number(x.post_feeling) },
    { post_id: x.post as string, phase: 'rating', item: 'empathy', value: Number(x.rating_empathy) },
  ]),
  safety: [],
};
const a = analyzeField(study, input);

function expectModel(ours: ArmModel | null, ref: typeof r.outcome, covariate: string | null) {
  expect(ours?.error).toBeUndefined();
  const m = ours as ArmModel;
  const terms = (ref.fixed.term as string[]).map((t) => (covariate && t === covariate ? 'pre' : t));
  expect(m.fixed.map((f) => f.term)).toEqual(terms);
  m.fixed.forEach((f, i) => {
    expect(f.estimate).toBeCloseTo(ref.fixed.estimate[i], 4);
    expect(f.se).toBeCloseTo(ref.fixed.se[i], 4);
    expect(f.df).toBeCloseTo(ref.fixed.df[i], 2);
  });
  expect(m.emmeans.map((e) => e.level)).toEqual(ref.emmeans.level);
  m.emmeans.forEach((e, i) => {
    expect(e.emmean).toBeCloseTo(ref.emmeans.emmean[i], 4);
    expect(e.se).toBeCloseTo(ref.emmeans.se[i], 4);
    expect(e.lower).toBeCloseTo(ref.emmeans.lower[i], 3);
    expect(e.upper).toBeCloseTo(ref.emmeans.upper[i], 3);
  });
  expect(m.contrasts.map((c) => c.contrast)).toEqual(ref.contrasts.contrast);
  m.contrasts.forEach((c, i) => {
    expect(c.estimate).toBeCloseTo(ref.contrasts.estimate[i], 4);
    expect(c.se).toBeCloseTo(ref.contrasts.se[i], 4);
    expect(c.p).toBeCloseTo(ref.contrasts.p[i], 4);
    expect(c.lower).toBeCloseTo(ref.contrasts.lower[i], 3);
    expect(c.upper).toBeCloseTo(ref.contrasts.upper[i], 3);
  });
  expect(m.sdSupporter).toBeCloseTo(ref.sdSupporter, 3);
  expect(m.sigma).toBeCloseTo(ref.sigma, 4);
}

describe('the field analysis against R', () => {
  it('post ~ arm + pre + (1 | supporter): lmerTest coefficients and Satterthwaite df, emmeans at the mean pre, Holm pairs with Bonferroni intervals', () => {
    const outcome = a.measures.find((m) => m.phase === 'post' && m.measure === 'feeling');
    expectModel(outcome?.model ?? null, r.outcome, 'pre_feeling');
    expect(a.measures.filter((m) => m.phase === 'follow_up')).toEqual([]);
  });

  it("the seekers' rating: value ~ arm + (1 | supporter)", () => {
    expectModel(a.ratings[0]?.model ?? null, r.rating, null);
  });

  it('medians of hours to reply per arm and of the edit share, with the order-statistic intervals', () => {
    for (const t of a.timeToReply) {
      const ref = r.hours[t.arm];
      expect([t.n, t.estimate, t.lower, t.upper].map((x) => Number(x.toFixed(6)))).toEqual([ref.n, ref.median, ref.lower, ref.upper].map((x: number) => Number(x.toFixed(6))));
    }
    const e = a.edits.share as NonNullable<typeof a.edits.share>;
    expect([e.n, e.estimate, e.lower, e.upper]).toEqual([r.edit_share.n, r.edit_share.median, r.edit_share.lower, r.edit_share.upper]);
  });
});
