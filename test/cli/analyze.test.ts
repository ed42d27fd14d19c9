import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { expectClose, expectCloseP, readReference, REFERENCE_RATINGS_IMPORT, REFERENCE_STUDY_MANIFEST } from '../helpers/reference.js';
import { tempFolder } from '../helpers/study.js';

const MANIFEST = REFERENCE_STUDY_MANIFEST;

describe('empathy-lab analyze', () => {
  it('reproduces the reference model and Holm contrasts from ratings imported from another tool, byte-identically on a rerun', async () => {
    const dir = await tempFolder({ 'study.yaml': MANIFEST });
    const imported = await cli('import', dir, ...REFERENCE_RATINGS_IMPORT);
    expect(imported.code).toBe(0);
    const out = path.join(dir, 'a.json');
    expect((await cli('analyze', dir, '--out', out)).code).toBe(0);
    const doc = JSON.parse(await readFile(out, 'utf8'));
    expect(doc.schema).toBe('empathy-lab/analysis@1');
    const ref = readReference('ratings-within');
    const m = ref.models[0] as (typeof ref.models)[0];
    const s = doc.scales[0];
    expect(s.model.nobs).toBe(m.nobs);
    const problems: string[] = [];
    for (const name of Object.keys(m.fixef)) {
      for (const [what, ours, theirs, check] of [
        ['fixef', s.model.fixef[name], m.fixef[name], expectClose],
        ['se', s.model.se[name], m.se[name], expectClose],
        ['p', s.model.p[name], m.p[name], expectCloseP],
      ] as const) {
        const r = check(ours as number, theirs as number);
        if (r) problems.push(`${what} ${name}: ${r}`);
      }
      const df = expectClose(s.model.df_satterthwaite[name], m.df_satterthwaite[name] as number, 1e-3, 0);
      if (df) problems.push(`df ${name}: ${df}`);
    }
    const contrasts = ref.contrasts as NonNullable<typeof ref.contrasts>;
    s.contrasts.pairs.forEach((c: Record<string, number | string>, i: number) => {
      const r = contrasts.pairs_holm[i] as Record<string, number | string>;
      expect(c.contrast).toBe(r.contrast);
      const e = expectClose(c.estimate as number, r.estimate as number);
      if (e) problems.push(`estimate ${c.contrast}: ${e}`);
      const p = expectCloseP(c['p.value'] as number, r['p.value'] as number);
      if (p) problems.push(`p ${c.contrast}: ${p}`);
    });
    s.contrasts.emmeans.forEach((e: Record<string, number | string>, i: number) => {
      const r = contrasts.emmeans[i] as Record<string, number | string>;
      const d = expectClose(e['lower.CL'] as number, r['lower.CL'] as number);
      if (d) problems.push(`lower.CL ${e.source}: ${d}`);
    });
    expect(problems).toEqual([]);
    expect(s.meansAcrossPosts.map((x: { group: string }) => x.group)).toEqual(['gpt4', 'human', 'llama2', 'mistral']);
    expect(s.reliability.krippendorffAlphaInterval).toBeGreaterThan(0);

    // The source x domain model and its likelihood-ratio test, against lme4 + lmerTest
    // (test/reference/source-domain/make-reference.R).
    const sd = JSON.parse(await readFile(path.join(import.meta.dirname, '../reference/source-domain/reference.json'), 'utf8'));
    for (const f of s.sourceByDomain.fixef as Array<{ term: string; estimate: number; SE: number; df: number }>) {
      for (const [what, ours, theirs] of [['fixef', f.estimate, sd.fixef[f.term]], ['se', f.SE, sd.se[f.term]]] as const) {
        const r = expectClose(ours, theirs);
        if (r) problems.push(`source x domain ${what} ${f.term}: ${r}`);
      }
      const df = expectClose(f.df, sd.df[f.term], 1e-3, 0);
      if (df) problems.push(`source x domain df ${f.term}: ${df}`);
    }
    expect(s.sourceByDomain.fixef).toHaveLength(Object.keys(sd.fixef).length);
    expect(s.sourceByDomain.interactionTest.df).toBe(sd.lrt.df);
    expect(expectClose(s.sourceByDomain.interactionTest.chisq, sd.lrt.chisq)).toBeNull();
    expect(expectCloseP(s.sourceByDomain.interactionTest.p, sd.lrt.p)).toBeNull();
    expect(problems).toEqual([]);

    const first = await readFile(out);
    await cli('analyze', dir, '--out', out);
    expect((await readFile(out)).equals(first)).toBe(true);
  });

  it('applies the straight-lining rule and reports whom it removed', async () => {
    const dir = await tempFolder({ 'study.yaml': MANIFEST.replace('exclusions: { straight_lining: false }', 'exclusions: { straight_lining: true }') });
    const rows = ['rater,post,source,domain,rating'];
    for (let r = 0; r < 12; r++)
      for (let p = 0; p < 6; p++)
        for (const s of ['human', 'gpt4'])
          rows.push(`r${r},p${p},${s},anger,${r === 0 ? 3 : 1 + ((r * 7 + p * 3 + (s === 'gpt4' ? 2 : 0)) % 5)}`);
    await writeFile(path.join(dir, 'ratings.csv'), `${rows.join('\n')}\n`);
    await cli('import', dir, '--ratings', path.join(dir, 'ratings.csv'), '--columns', 'rater=rater,post=post,source=source,value=rating,domain=domain', '--scale', 'empathy', '--create-missing');
    const doc = JSON.parse((await cli('analyze', dir, '--json')).stdout);
    const rule = doc.exclusions.find((e: { rule: string }) => e.rule.startsWith('the same value'));
    expect(rule).toMatchObject({ raters: ['r0'], ratingsRemoved: 12 });
    expect(doc.raters).toEqual({ total: 12, excluded: 1, kept: 11 });
    expect(doc.scales[0].ratings).toBe(11 * 12);
  });

  it('checks the analysis settings when the manifest loads, in every command, and exits 3 when a model cannot be fitted', async () => {
    const dir = await tempFolder({ 'study.yaml': MANIFEST });
    const edit = (from: string, to: string) => writeFile(path.join(dir, 'study.yaml'), MANIFEST.replace(from, to));
    await edit('reference_source: human', 'reference_source: humans');
    for (const command of ['lint', 'analyze', 'status']) {
      const r = await cli(command, dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`empathy-lab: ${path.join(dir, 'study.yaml')}:14 analysis.reference_source: "humans" is not a source of this study; use one of human, gpt4, llama2, mistral`);
    }
    await edit('formula: value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)', 'formula: value ~ source + (1 | post:rater + (1 | post)');
    expect((await cli('lint', dir)).stderr).toBe(
      `empathy-lab: ${path.join(dir, 'study.yaml')}:13 analysis.formula: expected ")" to close the random term opened at column 18 of the formula; write the formula as in lme4, e.g. value ~ source + (1 | post) + (1 | rater)`,
    );
    // Parsed, but the ratings cannot fit it: every rating its own level of post:rater:source.
    await edit('formula: value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)', 'formula: value ~ source + (1 | post:rater:source)');
    expect((await cli('import', dir, ...REFERENCE_RATINGS_IMPORT)).code).toBe(0);
    const r = await cli('analyze', dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^empathy-lab: 2 models could not be fitted \(empathy: the grouping factor post:rater:source has 4966 levels for 4966 observations, so its random effects cannot be told apart from the residual; empathy \(source x domain\): .*\); .*analysis\.json is written without them$/,
    );
    const doc = JSON.parse(await readFile(path.join(dir, 'analysis.json'), 'utf8'));
    expect(doc.scales[0].model.error).toMatch(/the grouping factor post:rater:source has 4966 levels for 4966 observations/);
  });

  it('simulate refuses an effect for a source the study does not have', async () => {
    const dir = await tempFolder({ 'study.yaml': MANIFEST });
    const r = await cli('simulate', dir, '--effect', 'gtp4=0.6');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('empathy-lab: --effect: "gtp4" is not a source of this study; use one of human, gpt4, llama2, mistral, e.g. --effect human=0');
  });
});
