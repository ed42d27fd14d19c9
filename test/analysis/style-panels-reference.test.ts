/**
 * The style effect of a variant arm and the panel analysis against R (lme4 1.1-31, lmerTest 3.1-3,
 * emmeans 1.8.4, psych 2.2.9) on a synthetic study written here: test/reference/lmm/make-style-panels.R
 * made style-panels.csv and style-panels.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { panelsAnalysis } from '../../src/analysis/panels.js';
import type { RatingRow } from '../../src/analysis/study-analysis.js';
import { styleArms } from '../../src/analysis/style-arms.js';
import { parseTable } from '../../src/corpus/table.js';
import { REFERENCE_DIR } from '../helpers/reference.js';

interface Pair { contrast: string; estimate: number; SE: number; df: number; 't.ratio': number; 'p.value': number; 'lower.CL': number; 'upper.CL': number }
const ref = JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'style-panels.json'), 'utf8')) as {
  style: Record<string, number | string>;
  interaction: { chisq: number; df: number; p: number };
  per_panel: Array<{ panel: string; pairs: Pair[] }>;
  agreement: { replies: number; pearson: { r: number; lower: number; upper: number }; icc_a1: { icc: number; lower: number; upper: number }; kendall_tau: number };
};
const table = parseTable(readFileSync(path.join(REFERENCE_DIR, 'style-panels.csv')), 'csv', 'style-panels.csv');
const rows: RatingRow[] = table.records.map((r) => ({
  value: Number(r.values.value),
  source: String(r.values.source),
  post: String(r.values.post),
  rater: String(r.values.rater),
  panel: String(r.values.panel),
  response: String(r.values.response),
  domain: 'all',
  scale: 'empathy',
}));
const FORMULA = 'value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)';

/** Relative agreement, or absolute near zero (the README's tolerances). */
const close = (ours: number, r: number, rel: number, abs = 1e-6) => expect(Math.abs(ours - r) <= Math.max(rel * Math.abs(r), abs), `${ours} vs ${r}`).toBe(true);

describe('a variant arm against its parent, against lmerTest', () => {
  it('the style effect within the parent: estimate, SE, Satterthwaite df, t, p, CI and d', () => {
    const [arm] = styleArms([{ arm: 'gpt4-plain', parent: 'gpt4', transforms: ['no-emoji'] }], rows, [], ['empathy'], { formula: FORMULA, reml: true });
    const e = arm?.scales[0]?.effect;
    if (!e || 'error' in e) throw new Error(`no effect: ${JSON.stringify(e)}`);
    // (1 | post:rater) has one rating per group in the pair's subset: left out, as in R.
    expect(e.formula).toBe(ref.style.formula);
    expect(arm?.scales[0]?.ratings).toBe(rows.filter((r) => r.source !== 'human').length);
    for (const [ours, r] of [
      [e.estimate, 'estimate'],
      [e.SE, 'SE'],
      [e.t, 't'],
      [e['lower.CL'], 'lower.CL'],
      [e['upper.CL'], 'upper.CL'],
      [e.d, 'd'],
      [e['d.lower.CL'], 'd.lower.CL'],
      [e['d.upper.CL'], 'd.upper.CL'],
    ] as const)
      close(ours, ref.style[r] as number, 1e-4);
    close(e.df, ref.style.df as number, 1e-3);
    close(e.p, ref.style.p as number, 1e-3);
  });
});

describe('panels against lme4, lmerTest, emmeans and psych', () => {
  const doc = panelsAnalysis(rows, ['empathy'], { formula: FORMULA, reml: true, reference: 'human', adjust: 'holm' });
  const scale = doc.scales[0];

  it('the source x panel interaction: likelihood-ratio test of ML fits', () => {
    expect(doc.panels).toEqual(['crowd', 'experts']);
    const x = scale?.interaction;
    if (!x || 'error' in x) throw new Error(JSON.stringify(x));
    close(x.chisq as number, ref.interaction.chisq, 1e-4);
    expect(x.df).toBe(ref.interaction.df);
    close(x.p as number, ref.interaction.p, 1e-3);
  });

  it('per panel: every pairwise contrast with Holm p values and Bonferroni intervals', () => {
    for (const p of ref.per_panel) {
      const ours = scale?.perPanel.find((x) => x.panel === p.panel)?.contrasts;
      if (!ours || 'error' in ours) throw new Error(JSON.stringify(ours));
      expect(ours.pairs).toHaveLength(p.pairs.length);
      for (const rp of p.pairs) {
        const c = ours.pairs.find((x) => x.contrast === rp.contrast.replace(/[()]/g, ''));
        if (!c) throw new Error(`no contrast ${rp.contrast}`);
        for (const k of ['estimate', 'SE', 't.ratio', 'lower.CL', 'upper.CL'] as const) close(c[k], rp[k], 1e-4);
        close(c.df, rp.df, 1e-3);
        close(c['p.value'], rp['p.value'], 1e-3);
      }
    }
  });

  it('agreement on reply means (Pearson r and ICC(A,1), each with its 95% CI) and on the ranking of sources (Kendall tau-b)', () => {
    const a = scale?.agreement[0];
    expect(a?.replies).toBe(ref.agreement.replies);
    close(a?.pearson?.r as number, ref.agreement.pearson.r, 1e-6);
    close(a?.pearson?.lower as number, ref.agreement.pearson.lower, 1e-6);
    close(a?.pearson?.upper as number, ref.agreement.pearson.upper, 1e-6);
    close(a?.iccA1?.icc as number, ref.agreement.icc_a1.icc, 1e-6);
    close(a?.iccA1?.lower as number, ref.agreement.icc_a1.lower, 1e-4);
    close(a?.iccA1?.upper as number, ref.agreement.icc_a1.upper, 1e-4);
    close(a?.kendallTau as number, ref.agreement.kendall_tau, 1e-9);
  });
});
