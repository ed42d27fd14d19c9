import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { expectClose, REFERENCE_DIR, readReference } from '../helpers/reference.js';

const data = (f: string) => path.join(REFERENCE_DIR, f);

describe('empathy-lab fit', () => {
  it('prints one JSON object with the reference files\' field names and lme4\'s values', async () => {
    const ref = readReference('ratings-within');
    const model = ref.models[0] as (typeof ref.models)[0];
    const r = await cli('fit', '--data', data(ref.dataset), '--formula', model.formula, '--ref', 'source=human', '--contrasts', 'source', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ['fixef', 'se', 'df_satterthwaite', 't', 'p', 'varcor', 'sigma', 'deviance_or_reml_criterion', 'logLik', 'nobs', 'ngroups', 'singular']) {
      expect(out, key).toHaveProperty(key);
    }
    expect(Object.keys(out.fixef)).toEqual(Object.keys(model.fixef));
    expect(expectClose(out.fixef.sourcegpt4, model.fixef.sourcegpt4 as number)).toBeNull();
    expect(expectClose(out.deviance_or_reml_criterion, model.deviance_or_reml_criterion)).toBeNull();
    expect(out.varcor[0]).toMatchObject({ grp: 'post:rater', var1: '(Intercept)', var2: null });
    const contrasts = ref.contrasts as NonNullable<typeof ref.contrasts>;
    expect(Object.keys(out.contrasts.emmeans[0])).toEqual(Object.keys(contrasts.emmeans[0] as object));
    // emmeans' fields first, then the interval and d (Westfall, Kenny & Judd) that emmeans does not give.
    expect(Object.keys(out.contrasts.pairs_holm[0])).toEqual([...Object.keys(contrasts.pairs_holm[0] as object), 'lower.CL', 'upper.CL', 'd', 'd.lower.CL', 'd.upper.CL']);
    expect(expectClose(out.contrasts.emmeans[1].emmean, contrasts.emmeans[1]?.emmean as number)).toBeNull();
    expect(out.ranef.rater).toHaveLength(160);
  });

  it('prints a readable summary', async () => {
    const r = await cli('fit', '--data', data('sleepstudy.csv'), '--formula', 'Reaction ~ Days + (Days | Subject)');
    expect(r.stdout).toMatch(/^Linear mixed model fit by REML\. t-tests use Satterthwaite's method/);
    expect(r.stdout).toContain('REML criterion at convergence: 1743.6');
    expect(r.stdout).toMatch(/Subject\s+Days\s+35\.07\s+5\.922\s+0\.066/);
    expect(r.stdout).toContain('Number of obs: 180, groups:  Subject, 18');
  });

  it.each([
    [['--formula', 'rating ~ source + (1 | post:ratr)'], 'empathy-lab: ratr: no column "ratr" in the data (columns: rater, post, domain, source, rating); check the spelling in the formula'],
    [['--formula', 'rating ~ source + (1 | post'], /^empathy-lab: formula "rating ~ source \+ \(1 \| post": expected "\)" to close the random term opened at position 19/],
    [['--formula', 'rating ~ source'], /has no random-effects term/],
    [['--formula', 'rating ~ source + (1 | post)', '--ref', 'source=humn'], /"humn" is not a level of source \(levels: gpt4, human, llama2, mistral\)/],
    [['--formula', 'rating ~ source + (1 | post)', '--contrasts', 'domain'], /domain is not a factor in the fixed part of the model/],
  ])('bad input %j gives one line and exit 1', async (args, message) => {
    const r = await cli('fit', '--data', data('ratings-within.csv'), ...(args as string[]));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    ['a constant response', 'rater,post,source,rating\nr1,p1,a,3\nr1,p2,b,3\nr2,p1,a,3\nr2,p2,b,3\n', 'rating ~ source + (1 | rater)', 'empathy-lab: rating: the response has no variance (every rating is 3); a mixed model needs a response that varies'],
    ['a one-level factor', 'rater,post,source,rating\nr1,p1,a,3\nr1,p2,a,4\nr2,p1,a,2\nr2,p2,a,5\n', 'rating ~ source + (1 | rater)', 'empathy-lab: source: contrasts can be applied only to factors with 2 or more levels (source has only "a"); leave source out of the formula, or use data with more than one source'],
    ['a header and no rows', 'rater,post,source,rating\n', 'rating ~ source + (1 | rater)', 'empathy-lab: rating: the data have no rows (after dropping rows with missing values); give a file with a header and at least one row per observation'],
    ['a grouping factor with one level per observation', 'rater,post,source,rating\nr1,p1,a,3\nr2,p2,b,4\nr3,p1,a,2\nr4,p2,b,5\n', 'rating ~ source + (1 | rater)', 'empathy-lab: (… | rater): the grouping factor rater has 4 levels for 4 observations, so its random effects cannot be told apart from the residual; remove the term, or check that the data have several observations per level'],
  ])('refuses %s with one line and exit 1, as lme4 does', async (_, csv, formula, message) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'el-fit-'));
    const file = path.join(dir, 'data.csv');
    await writeFile(file, csv);
    const r = await cli('fit', '--data', file, '--formula', formula);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(message);
  });
});
