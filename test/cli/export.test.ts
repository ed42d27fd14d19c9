import { execFileSync, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoStudy } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';
import { expectClose } from '../helpers/reference.js';
import { tempFolder } from '../helpers/study.js';

const rAvailable = spawnSync('Rscript', ['-e', 'stopifnot(requireNamespace("lmerTest", quietly = TRUE))'], { stdio: 'ignore' }).status === 0;
if (rAvailable && spawnSync('Rscript', ['-e', 'stopifnot(requireNamespace("sandwich", quietly = TRUE))'], { stdio: 'ignore' }).status !== 0) throw new Error('the R refit test needs sandwich for the cluster-robust SEs: apt-get install r-cran-sandwich');
const rOrdinal = spawnSync('Rscript', ['-e', 'stopifnot(requireNamespace("ordinal", quietly = TRUE))'], { stdio: 'ignore' }).status === 0;
if (!rAvailable) console.warn('skipping the R refit test: Rscript with lme4 and lmerTest is not installed (apt-get install r-base-core r-cran-lme4 r-cran-lmertest)');

describe('empathy-lab export', () => {
  it('writes tidy CSV and JSONL of posts, responses, participants and ratings', async () => {
    // The demo's two sources, one pool of raters.
    const dir = await demoStudy();
    await cli('simulate', dir, '--effect', 'human=0', '--effect', 'eliza=-0.5');
    const r = await cli('export', dir);
    expect(r.stdout).toMatch(/wrote posts \(36\), responses \(72\), participants \(30\), ratings \(720\)/);
    const ratings = (await readFile(path.join(dir, 'export/ratings.csv'), 'utf8')).trim().split('\n');
    expect(ratings[0]).toBe('rater,post,domain,source,response,scale,value,excluded');
    expect(ratings).toHaveLength(721);
    // Raters the analysis leaves out are marked, with the rule and the reason.
    const people = (await readFile(path.join(dir, 'export/participants.csv'), 'utf8')).trim().split('\n');
    expect(people[0]).toBe('rater,origin,status,total_seconds,attributes,excluded,exclusion_reasons');
    expect(people.some((l) => /,true,.*a failed attention check \(1 failed attention check\)/.test(l))).toBe(true);
    const first = JSON.parse((await readFile(path.join(dir, 'export/responses.jsonl'), 'utf8')).split('\n')[0] as string);
    expect(first).toMatchObject({ post: 'anger-01', source: 'eliza', condition: 'base', variant: '' });
    // The codebook covers every column of every exported CSV, in order, with the scales' anchors.
    const codebook = (await readFile(path.join(dir, 'export/codebook.csv'), 'utf8')).trim().split('\n');
    expect(codebook[0]).toBe('file,column,type,meaning,values,units');
    const described = codebook.slice(1).map((l) => l.split(',').slice(0, 2).join(','));
    const exported: string[] = [];
    for (const file of ['posts.csv', 'responses.csv', 'participants.csv', 'ratings.csv']) {
      const header = (await readFile(path.join(dir, 'export', file), 'utf8')).split('\n')[0] as string;
      exported.push(...header.split(',').map((c) => `${file},${c}`));
    }
    expect(described).toEqual(exported);
    expect(codebook.find((l) => l.startsWith('ratings.csv,value,'))).toContain('empathy: 1 = Not empathic, 2 = Slightly empathic, 3 = Moderately empathic, 4 = Quite empathic, 5 = Very empathic');
    const description = JSON.parse(await readFile(path.join(dir, 'export/dataset_description.json'), 'utf8'));
    expect(description).toMatchObject({ '@context': 'https://schema.org/', '@type': 'Dataset', schemaVersion: 'Psych-DS 0.1.0' });
    expect(new Set(description.variableMeasured.map((v: { name: string }) => v.name))).toEqual(new Set(exported.map((c) => c.split(',')[1])));
    expect(await readFile(path.join(dir, 'export/codebook.md'), 'utf8')).toContain('| value | integer | the answer, as a scale point |');
  });

  it.runIf(rAvailable)("the R script reproduces the tool's estimates with lme4 + lmerTest, the Bradley-Terry model with glm and sandwich, and the ordinal model with ordinal::clmm", async () => {
    const root = await tempFolder({});
    const dir = path.join(root, 'demo');
    await cli('demo', '--out', dir, '--no-panel');
    await cli('simulate', dir, '--effect', 'human=0', '--effect', 'eliza=-0.5');
    const ours = JSON.parse((await cli('analyze', dir, '--json')).stdout);
    await cli('export', dir);
    const lines = execFileSync('Rscript', [path.join(dir, 'export/refit.R')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
    const problems: string[] = [];
    for (const line of lines) {
      if (JSON.parse(line).model === 'clmm' || JSON.parse(line).model === 'bradley-terry') continue;
      const r = JSON.parse(line) as { scale: string; fixef: Record<string, number>; se: Record<string, number>; df: Record<string, number>; criterion: number };
      const s = ours.scales.find((x: { scale: string }) => x.scale === r.scale);
      for (const name of Object.keys(r.fixef)) {
        for (const [what, a, b, rel] of [
          ['fixef', s.model.fixef[name], r.fixef[name], 1e-4],
          ['se', s.model.se[name], r.se[name], 1e-4],
          ['df', s.model.df_satterthwaite[name], r.df[name], 1e-3],
        ] as const) {
          const c = expectClose(a as number, b as number, rel);
          if (c) problems.push(`${r.scale} ${what} ${name}: ${c}`);
        }
      }
      const c = expectClose(s.model.deviance_or_reml_criterion, r.criterion);
      if (c) problems.push(`${r.scale} criterion: ${c}`);
    }
    expect(lines.filter((l) => JSON.parse(l).model === undefined)).toHaveLength(2);
    expect(problems).toEqual([]);
    // The demo's pairwise scale: glm on the paired design gives the Bradley-Terry abilities and position
    // effect, and sandwich::vcovCL the two-way cluster-robust SEs.
    const bt = JSON.parse(lines.find((l) => JSON.parse(l).model === 'bradley-terry') as string) as { coef: Record<string, number>; se: Record<string, number> };
    const pw = ours.formats.pairwise;
    expect(bt.coef['(Intercept)']).toBeCloseTo(pw.position.effect, 6);
    expect(bt.se['(Intercept)']).toBeCloseTo(pw.position.SE, 6);
    const eliza = pw.sources.find((x: { source: string }) => x.source === 'eliza');
    expect(bt.coef.eliza).toBeCloseTo(eliza.ability, 6);
    expect(bt.se.eliza).toBeCloseTo(eliza.SE, 6);
    // The demo's analysis.models is [lmm, clmm]: the same script refits the ordinal model with ordinal::clmm.
    const script = await readFile(path.join(dir, 'export/refit.R'), 'utf8');
    expect(script).toContain('ordinal::clmm(ordered(value) ~ source + (1 | post) + (1 | rater), data = d, link = "logit", threshold = "flexible")');
    if (!rOrdinal) return;
    const clmm = lines.map((l) => JSON.parse(l) as { scale: string; model?: string; beta: Record<string, number>; se: Record<string, number>; logLik: number }).filter((r) => r.model === 'clmm');
    expect(clmm.map((r) => r.scale).sort()).toEqual(['appropriateness', 'empathy']);
    for (const r of clmm) {
      const c = ours.scales.find((x: { scale: string }) => x.scale === r.scale).clmm;
      expect(Math.abs(c.logLik - r.logLik), r.scale).toBeLessThan(1e-3);
      for (const name of Object.keys(r.beta)) {
        expect(Math.abs(c.beta[name] - (r.beta[name] as number)), `${r.scale} ${name}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(r.beta[name] as number)));
        expect(Math.abs(c.se[name] / (r.se[name] as number) - 1), `${r.scale} se ${name}`).toBeLessThan(1e-2);
      }
    }
  }, 180_000);

});
