/**
 * Power by simulation: the exact binomial interval against R's binom.test, the type I error of the
 * Satterthwaite test on null simulations, power against the R loop that does what simr::powerSim
 * does (bench/power/power-loop.R, run on the committed design: test/reference/power/README.md), and
 * the same answer for one worker and two.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { powerDesign } from '../../src/power/design.js';
import { runPower } from '../../src/power/run.js';
import { binomialInterval, runSimulation, summarisePower, type LmmPowerModel, type PowerDesign } from '../../src/stats/power.js';
import { cli } from '../helpers/cli.js';

const dir = new URL('../reference/power/small/', import.meta.url);
const params = JSON.parse(readFileSync(new URL('params.json', dir), 'utf8')) as { sources: string[]; means: Record<string, number>; sd_post: number; sd_rater: number; sd_post_rater: number; sd_residual: number };
const rLoop = JSON.parse(readFileSync(new URL('r-loop.json', dir), 'utf8')) as { nsim: number; contrasts: Array<{ contrast: string; rejections: number; power: number; lower: number; upper: number }> };

/** The committed design R was given, read back as the simulation's design. */
function committedDesign(): PowerDesign {
  const rows = readFileSync(new URL('design.csv', dir), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const code = (prefix: string, v: string) => Number(v.slice(prefix.length));
  return {
    sources: params.sources,
    posts: 30,
    raters: 24,
    post: Int32Array.from(rows, (r) => code('p', r[0] as string)),
    rater: Int32Array.from(rows, (r) => code('r', r[1] as string)),
    source: Int32Array.from(rows, (r) => params.sources.indexOf(r[2] as string)),
    type: 'within-post',
  };
}

const model: LmmPowerModel = { kind: 'lmm', means: params.means, sdPost: params.sd_post, sdRater: params.sd_rater, sdPostRater: params.sd_post_rater, sdResidual: params.sd_residual };
const test = { reference: 'gpt4', alpha: 0.05, adjust: 'none' as const };

describe('binomialInterval (Clopper-Pearson)', () => {
  it('matches R binom.test', () => {
    const a = binomialInterval(7, 20);
    expect(a.lower).toBeCloseTo(0.1539092048, 8);
    expect(a.upper).toBeCloseTo(0.5921885345, 8);
    expect(binomialInterval(0, 50).upper).toBeCloseTo(0.07112173646, 8);
    const c = binomialInterval(50, 1000);
    expect(c.lower).toBeCloseTo(0.0373353976, 8);
    expect(c.upper).toBeCloseTo(0.06539048792, 8);
  });
});

describe('the design', () => {
  it('is the app assignment, as written for R', () => {
    const made = powerDesign({ type: 'within-post', sources: params.sources, posts: 30, raters: 24, postsPerRater: 5, seed: 1 });
    const committed = committedDesign();
    expect(Array.from(made.post)).toEqual(Array.from(committed.post));
    expect(Array.from(made.rater)).toEqual(Array.from(committed.rater));
    expect(Array.from(made.source)).toEqual(Array.from(committed.source));
  });
});

describe('power against the R loop (simr::powerSim written out)', () => {
  it('agrees with R within the binomial intervals, on 1,000 simulations each', async () => {
    const design = committedDesign();
    const results = await runPower({ design, model, test, simulations: rLoop.nsim, seed: 11, workers: 2 });
    const ours = summarisePower(design, model, test, results);
    expect(ours.failed).toBe(0);
    for (const r of rLoop.contrasts) {
      const row = ours.rows.find((x) => x.contrast === r.contrast);
      expect(row, r.contrast).toBeDefined();
      if (!row) continue;
      // The two intervals overlap: neither estimate is outside what the other allows.
      expect(row.lower, `${r.contrast}: ours ${row.power} vs R ${r.power}`).toBeLessThanOrEqual(r.upper);
      expect(row.upper, `${r.contrast}: ours ${row.power} vs R ${r.power}`).toBeGreaterThanOrEqual(r.lower);
      // And the fits recover the planted difference on average.
      expect(row.meanEstimate).toBeCloseTo(row.planted, 1);
    }
  }, 240_000);

  it('keeps the type I error at .05 on null simulations (the test itself is right)', async () => {
    const design = committedDesign();
    const mean = (params.means.gpt4 as number) - 0.1;
    const nullModel: LmmPowerModel = { ...model, means: Object.fromEntries(params.sources.map((s) => [s, mean])) };
    const results = await runPower({ design, model: nullModel, test, simulations: 1000, seed: 5, workers: 2 });
    const summary = summarisePower(design, nullModel, test, results);
    for (const row of summary.rows) {
      expect(row.lower, row.contrast).toBeLessThanOrEqual(0.05);
      expect(row.upper, row.contrast).toBeGreaterThanOrEqual(0.05);
    }
  }, 240_000);
});

describe('each simulated data set, refitted by lme4 + lmerTest (paired.R)', () => {
  const paired = JSON.parse(readFileSync(new URL('../reference/power/paired.r.json', import.meta.url), 'utf8')) as { sims: Array<{ sim: number; p: number[]; estimate: number[]; reml: number; singular: boolean }> };
  it('gives the same Satterthwaite p values and the same decisions at .05, data set by data set', () => {
    const design = powerDesign({ type: 'within-post', sources: params.sources, posts: 30, raters: 24, postsPerRater: 5, seed: 1 });
    let worst = 0;
    for (const r of paired.sims) {
      const ours = runSimulation(design, model, test, 11, r.sim);
      expect(ours.p, `simulation ${r.sim}`).not.toBeNull();
      r.p.forEach((p, k) => {
        const q = (ours.p as number[])[k] as number;
        worst = Math.max(worst, Math.abs(q - p));
        expect(q < 0.05, `simulation ${r.sim}, contrast ${k}: ours ${q}, R ${p}`).toBe(p < 0.05);
        expect((ours.estimates as number[])[k]).toBeCloseTo(r.estimate[k] as number, 8);
      });
    }
    // Near-singular fits put theta a little differently from lme4's optimiser; p moves in the fifth decimal.
    expect(worst).toBeLessThan(2e-4);
  }, 120_000);
});

describe('one-per-post designs', () => {
  it('give each rater one reply per post, sources balanced within the rater, and fit without post x rater', async () => {
    const design = powerDesign({ type: 'one-per-post', sources: params.sources, posts: 30, raters: 18, postsPerRater: 6, seed: 2 });
    expect(design.post.length).toBe(18 * 6);
    for (let r = 0; r < 18; r++) {
      const rows = Array.from(design.rater.keys()).filter((i) => design.rater[i] === r);
      expect(new Set(rows.map((i) => design.post[i])).size).toBe(6);
      const perSource = params.sources.map((_, k) => rows.filter((i) => design.source[i] === k).length);
      expect(perSource).toEqual([2, 2, 2]);
    }
    const results = await runPower({ design, model, test, simulations: 6, seed: 4, workers: 1 });
    expect(results.every((x) => x.p !== null)).toBe(true);
  }, 60_000);
});

describe('workers', () => {
  it('gives identical results for one worker and two', async () => {
    const design = powerDesign({ type: 'within-post', sources: params.sources, posts: 30, raters: 24, postsPerRater: 5, seed: 3 });
    const one = await runPower({ design, model, test, simulations: 24, seed: 9, workers: 1 });
    const two = await runPower({ design, model, test, simulations: 24, seed: 9, workers: 2 });
    expect(two).toEqual(one);
    expect(new Set(one.map((r) => r.estimates?.[0])).size).toBe(24);
  }, 120_000);
});

describe('empathy-lab power', () => {
  const flags = ['--sources', 'gpt4,llama2,mistral', '--means', 'gpt4=3.9,llama2=3.7,mistral=3.6', '--sd-post', '0.18', '--sd-rater', '0.5', '--sd-post-rater', '0.23', '--sd-residual', '0.75', '--posts', '30', '--posts-per-rater', '5'];
  it('prints power per contrast with intervals, the type I error, and draws the curve; the same for --workers 1 and 2', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'power-'));
    const svg = path.join(out, 'curve.svg');
    const a = await cli('power', ...flags, '--raters', '12,24', '--simulations', '20', '--null-simulations', '20', '--workers', '2', '--plot', svg, '--json');
    expect(a.stderr).not.toMatch(/Error/);
    expect(a.code).toBe(0);
    const result = JSON.parse(a.stdout) as { points: Array<{ raters: number; ratings: number; power: { rows: Array<{ contrast: string; planted: number; power: number; lower: number; upper: number }> }; typeOne: { familywise: { simulations: number } } }> };
    expect(result.points.map((p) => p.raters)).toEqual([12, 24]);
    expect(result.points[1]?.ratings).toBe(360);
    const row = result.points[1]?.power.rows.find((r) => r.contrast === 'gpt4 - mistral');
    expect(row?.planted).toBeCloseTo(0.3, 10);
    expect(row?.lower).toBeLessThanOrEqual(row?.power ?? -1);
    expect(result.points[0]?.typeOne.familywise.simulations).toBe(20);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*Power per contrast[\s\S]*<\/svg>$/);
    const b = await cli('power', ...flags, '--raters', '12,24', '--simulations', '20', '--null-simulations', '20', '--workers', '1', '--json');
    expect(JSON.parse(b.stdout).points).toEqual(result.points);
  }, 120_000);

  it('runs an ordinal power analysis (--model clmm) from thresholds and latent locations', async () => {
    const r = await cli('power', '--model', 'clmm', '--sources', 'a,b', '--means', 'a=0,b=1', '--thresholds', '-2,-0.7,0.7,2', '--sd-post', '0.3', '--sd-rater', '0.8', '--posts', '20', '--raters', '20', '--posts-per-rater', '5', '--simulations', '8', '--null-simulations', '4', '--workers', '2', '--json');
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.model).toMatchObject({ kind: 'clmm', link: 'logit', thresholds: [-2, -0.7, 0.7, 2] });
    expect(out.test).toBe('Wald z test of the one pair of sources, alpha 0.05');
    const row = out.points[0].power.rows[0];
    expect(row).toMatchObject({ contrast: 'a - b', planted: -1, simulations: 8 });
    // 200 ratings, a latent difference of one logit: the fits find it.
    expect(row.meanEstimate).toBeLessThan(-0.5);
    expect(row.meanEstimate).toBeGreaterThan(-1.6);
    const missing = await cli('power', '--model', 'clmm', '--sources', 'a,b', '--means', 'a=0,b=1', '--sd-post', '0.3', '--sd-rater', '0.8', '--posts', '20', '--raters', '20');
    expect(missing.stderr).toMatch(/--thresholds.*no thresholds/);
  }, 120_000);

  it('refuses a bad grid, an unknown source and missing components in one line each', async () => {
    const bad = await cli('power', ...flags, '--raters', '50:10:5');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--raters.*FROM:TO:STEP/);
    const unknown = await cli('power', ...flags.map((f) => (f === 'gpt4=3.9,llama2=3.7,mistral=3.6' ? 'gpt5=3.9' : f)), '--raters', '20');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--means.*"gpt5" is not one of the sources/);
    const missing = await cli('power', '--sources', 'a,b', '--means', 'a=3,b=3.2', '--posts', '20', '--raters', '20');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--sd-post.*no post SD/);
    for (const r of [bad, unknown, missing]) expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
