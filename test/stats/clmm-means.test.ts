/**
 * The CLMM's marginal means, contrasts, probabilities, likelihood-ratio tests and equidistant
 * thresholds against R (ordinal 2022.11-16, emmeans 1.8.4): test/reference/lmm/make-clmm-emmeans.R
 * on ratings-within.csv. Tolerances as in clmm-golden.test.ts: estimates 1e-3 relative, standard
 * errors of contrasts 5e-3 relative (both sides' SEs come from central-difference Hessians), of the
 * latent means 7e-3 (they carry the thresholds' SEs, which agree to 6.1e-3), interval ends 1e-2 of
 * the SE (2e-2 for the latent means'), log-likelihoods 1e-4, probabilities 1e-4 absolute.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTable } from '../../src/corpus/table.js';
import { fitClmmFormula } from '../../src/stats/clmm.js';
import { clmmLrt, clmmMeans, gaussHermite } from '../../src/stats/clmm-means.js';
import { REFERENCE_DIR } from '../helpers/reference.js';

interface Ref {
  latent: Array<{ source: string; emmean: number; SE: number; lower: number; upper: number }>;
  pairs: Array<{ contrast: string; estimate: number; SE: number; z: number; p: number; lower: number; upper: number }>;
  prob: Array<{ source: string; prob: number[] }>;
  mean_class: Array<{ source: string; mean_class: number }>;
  prob_marginal: Array<{ source: string; prob: number[] }>;
  lrt_source: { chisq: number; df: number; p: number; logLik: number[] };
  lrt_domain: { chisq: number; df: number; p: number; logLik: number[] };
  equidistant: { thresholds: number[]; beta: Record<string, number>; beta_se: Record<string, number>; random_sd: Record<string, number>; logLik: number };
}
const ref = JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'ratings-within.clmm-emmeans.json'), 'utf8')) as Ref;
const records = parseTable(readFileSync(path.join(REFERENCE_DIR, 'ratings-within.csv')), 'csv', 'ratings-within.csv').records.map((r) => r.values);
const data = Object.fromEntries(['rater', 'post', 'domain', 'source'].map((c) => [c, records.map((r) => r[c] as string)]));
const frame = { ...data, rating: records.map((r) => Number(r.rating)) };
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('Gauss-Hermite quadrature', () => {
  it('integrates polynomials against exp(-x^2) exactly', () => {
    const { nodes, weights } = gaussHermite(20);
    const integral = (f: (x: number) => number) => nodes.reduce((s, x, i) => s + (weights[i] as number) * f(x), 0);
    expect(integral(() => 1)).toBeCloseTo(Math.sqrt(Math.PI), 12);
    expect(integral((x) => x * x)).toBeCloseTo(Math.sqrt(Math.PI) / 2, 12);
    expect(integral((x) => x ** 4)).toBeCloseTo((3 * Math.sqrt(Math.PI)) / 4, 11);
  });
});

describe('CLMM means and contrasts (emmeans)', () => {
  const fit = fitClmmFormula('ordered(rating) ~ source + (1 | rater) + (1 | post)', frame, { reference: { source: 'human' } });
  const means = clmmMeans(fit, 'source', { adjust: 'holm' });
  it('gives the latent means of mode = "latent" with their SEs and intervals', () => {
    for (const r of ref.latent) {
      const m = means.means.find((x) => x.level === r.source);
      expect(m, r.source).toBeDefined();
      expect(rel(m?.latent ?? NaN, r.emmean)).toBeLessThan(1e-3);
      // The latent mean's SE is mostly the mean threshold's, and the thresholds' numerical-Hessian
      // SEs agree with ordinal's to 6.1e-3 (their spread leans on the random effects' curvature).
      expect(rel(m?.se ?? NaN, r.SE)).toBeLessThan(7e-3);
      expect(Math.abs((m?.lower ?? NaN) - r.lower)).toBeLessThan(2e-2 * r.SE);
    }
  });
  it('gives the Holm-adjusted pairwise contrasts with Bonferroni intervals', () => {
    for (const r of ref.pairs) {
      const c = means.pairs.find((x) => x.contrast === r.contrast);
      expect(c, r.contrast).toBeDefined();
      expect(rel(c?.estimate ?? NaN, r.estimate)).toBeLessThan(1e-3);
      expect(rel(c?.se ?? NaN, r.SE)).toBeLessThan(5e-3);
      expect(Math.abs((c?.lower ?? NaN) - r.lower)).toBeLessThan(1e-2 * r.SE);
      // log10 p within 0.05 where p is tiny (the folder's rule), 1e-2 relative otherwise.
      const ours = c?.p ?? NaN;
      if (r.p < 1e-8) expect(Math.abs(Math.log10(ours) - Math.log10(r.p))).toBeLessThan(0.05 * Math.abs(Math.log10(r.p)));
      else expect(rel(ours, r.p)).toBeLessThan(1e-2);
    }
  });
  it('gives the probabilities of mode = "prob" (u = 0) and the mean class', () => {
    for (const r of ref.prob) {
      const m = means.means.find((x) => x.level === r.source);
      r.prob.forEach((q, j) => expect(Math.abs((m?.prob[j] ?? NaN) - q)).toBeLessThan(1e-4));
    }
    for (const r of ref.mean_class) expect(Math.abs((means.means.find((x) => x.level === r.source)?.meanRating ?? NaN) - r.mean_class)).toBeLessThan(1e-3);
  });
  it('averages the probabilities over the random effects as R integrate() does', () => {
    for (const r of ref.prob_marginal) {
      const m = means.means.find((x) => x.level === r.source);
      r.prob.forEach((q, j) => expect(Math.abs((m?.probMarginal[j] ?? NaN) - q)).toBeLessThan(1e-4));
      expect((m?.probMarginal ?? []).reduce((s, q) => s + q, 0)).toBeCloseTo(1, 10);
    }
  });
  it('tests nested models by likelihood ratio as anova() does', () => {
    const m0 = fitClmmFormula('ordered(rating) ~ 1 + (1 | rater) + (1 | post)', frame);
    const m2 = fitClmmFormula('ordered(rating) ~ source + domain + (1 | rater) + (1 | post)', frame, { reference: { source: 'human' } });
    const [a, b, c] = clmmLrt([fit, m2, m0]);
    expect(a?.formula).toContain('~ 1 +');
    expect(Math.abs((a?.logLik ?? NaN) - (ref.lrt_source.logLik[0] as number))).toBeLessThan(1e-4);
    expect(b?.df).toBe(ref.lrt_source.df);
    expect(Math.abs((b?.chisq ?? NaN) - ref.lrt_source.chisq)).toBeLessThan(5e-4);
    expect(c?.df).toBe(ref.lrt_domain.df);
    expect(Math.abs((c?.chisq ?? NaN) - ref.lrt_domain.chisq)).toBeLessThan(5e-4);
    expect(rel(c?.p ?? NaN, ref.lrt_domain.p)).toBeLessThan(1e-3);
  }, 120_000);
});

describe('equidistant thresholds (threshold = "equidistant")', () => {
  it('fits the first threshold and one spacing as ordinal does', () => {
    const fit = fitClmmFormula('ordered(rating) ~ source + (1 | rater) + (1 | post)', frame, { reference: { source: 'human' }, thresholds: 'equidistant' });
    expect(fit.thresholdType).toBe('equidistant');
    expect(fit.npar).toBe(2 + 3 + 2);
    const [first, spacing] = ref.equidistant.thresholds as [number, number];
    fit.thresholds.forEach((t, j) => expect(rel(t, first + j * spacing)).toBeLessThan(1e-3));
    fit.names.forEach((name, k) => {
      expect(rel(fit.beta[k] as number, ref.equidistant.beta[name] as number)).toBeLessThan(1e-3);
      expect(rel(fit.se[k] as number, ref.equidistant.beta_se[name] as number)).toBeLessThan(5e-3);
    });
    expect(Math.abs(fit.logLik - ref.equidistant.logLik)).toBeLessThan(1e-4);
    for (const [g, sd] of Object.entries(ref.equidistant.random_sd)) expect(rel(fit.randomSd[g] as number, sd)).toBeLessThan(1e-3);
  }, 60_000);
});

describe('empathy-lab fit --ordinal --contrasts --compare', () => {
  it('prints the contrasts and the likelihood-ratio test as R does', async () => {
    const { cli } = await import('../helpers/cli.js');
    const r = await cli('fit', '--data', path.join(REFERENCE_DIR, 'ratings-within.csv'), '--formula', 'ordered(rating) ~ source + (1 | rater) + (1 | post)', '--ref', 'source=human', '--contrasts', 'source', '--compare', 'ordered(rating) ~ 1 + (1 | rater) + (1 | post)', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const pair = out.contrasts.pairs.find((c: { contrast: string }) => c.contrast === 'gpt4 - mistral');
    const refPair = ref.pairs.find((c) => c.contrast === 'gpt4 - mistral');
    expect(rel(pair.estimate, refPair?.estimate ?? NaN)).toBeLessThan(1e-3);
    expect(out.lrt[1].df).toBe(3);
    expect(Math.abs(out.lrt[1].chisq - ref.lrt_source.chisq)).toBeLessThan(5e-4);
    const bad = await cli('fit', '--data', path.join(REFERENCE_DIR, 'ratings-within.csv'), '--formula', 'ordered(rating) ~ source + (1 | rater)', '--thresholds', 'symmetric');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--thresholds.*unknown thresholds "symmetric"/);
  }, 120_000);
});
