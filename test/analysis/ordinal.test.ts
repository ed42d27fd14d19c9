/**
 * analysis.models [lmm, clmm]: the ordinal model beside the linear one in analyze and the report, and
 * its formula taken from the linear model's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordinalFormula } from '../../src/analysis/ordinal.js';
import { demoStudy } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';

describe('ordinalFormula', () => {
  it('keeps the fixed part and the rater and post intercepts, and says what it leaves out', () => {
    expect(ordinalFormula('value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)')).toEqual({
      formula: 'ordered(value) ~ source + (1 | post) + (1 | rater)',
      note: "the linear model's (1 | post:rater) is left out: the ordinal model takes at most two crossed random intercepts",
    });
    expect(ordinalFormula('value ~ source * domain + (1 | rater)')).toEqual({ formula: 'ordered(value) ~ source * domain + (1 | rater)', note: null });
  });
  it('refuses random slopes and other groups', () => {
    expect(ordinalFormula('value ~ source + (1 + source | rater)')).toEqual({ error: 'the ordinal model takes random intercepts only, and the formula has (1 + source | rater)' });
    expect(ordinalFormula('value ~ source + (1 | domain)')).toEqual({ error: 'the ordinal model takes (1 | rater) and (1 | post), and the formula has (1 | domain)' });
  });
});

describe('analyze and report with the ordinal model', () => {
  it('fits the CLMM per scale, compares every contrast with the linear model, and reports both', async () => {
    const dir = await demoStudy({ edit: (y) => y.replace('  adjust: holm\n', '  adjust: holm\n  models: [lmm, clmm]\n  clmm: { link: probit }\n') });
    expect((await cli('simulate', dir, '--effect', 'human=0', '--effect', 'eliza=-0.6')).code).toBe(0);
    const r = await cli('analyze', dir, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    for (const s of doc.scales) {
      const c = s.clmm;
      expect(c.formula).toBe('ordered(value) ~ source + (1 | post) + (1 | rater)');
      expect(c.link).toBe('probit');
      expect(c.thresholds).toHaveLength(c.categories.length - 1);
      // The same contrast as the linear model's, in the same direction, both significant.
      expect(c.agreement).toHaveLength(1);
      expect(c.agreement[0]).toMatchObject({ contrast: 'human - eliza', agree: true });
      expect(c.agreement[0].lmm_estimate).toBe(s.contrasts.pairs[0].estimate);
      expect(c.agreement[0].clmm_estimate).toBeGreaterThan(0);
      for (const m of c.emmeans) {
        expect(m.prob.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 10);
        expect(m.prob_marginal.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 8);
      }
      // Averaging over the random effects moves probability to the extremes.
      const human = c.emmeans.find((m: { source: string }) => m.source === 'human');
      expect(human.prob_marginal[0]).toBeGreaterThan(human.prob[0]);
    }
    const md = path.join(dir, 'report.md');
    expect((await cli('report', dir, '--format', 'md', '--out', md)).code).toBe(0);
    const text = await readFile(md, 'utf8');
    expect(text).toContain('## Does the ordinal model agree?');
    expect(text).toContain(
      "The ratings are ordered categories, so each scale was also fitted with the probit cumulative link mixed model ordered(value) ~ source + (1 | post) + (1 | rater); the linear model's (1 | post:rater) is left out: the ordinal model takes at most two crossed random intercepts.",
    );
    expect(text).toContain('On empathy, the two models agree on the one contrast between sources (the same significant direction at .05, or no difference in both).');
    expect(text).toContain('each scale was also modelled with a cumulative link mixed model (probit link, flexible thresholds, Laplace approximation');
  }, 180_000);

  it('refuses an unknown model in the manifest in one line', async () => {
    const dir = await demoStudy();
    const manifest = path.join(dir, 'study.yaml');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('  adjust: holm\n', '  adjust: holm\n  models: [lmm, glmm]\n'));
    const r = await cli('analyze', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/study\.yaml:\d+ analysis\.models\[1\]: expected lmm or clmm, got "glmm"/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
