/**
 * The report's sentences say what the numbers say, in APA 7: no leading zero where a value cannot
 * exceed 1, p > .999, whole df without decimals, one count per excluded rater, and plain words for
 * weak results (raters who barely agreed, words that predict no better than the mean).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeStoredStudy } from '../../src/analysis/stored.js';
import { reportContext } from '../../src/report/write.js';
import { storedStudy, withStudy } from '../../src/cli/study-context.js';
import type { ReportInput } from '../../src/report/context.js';
import { exclusionsOf, modelWarnings } from '../../src/analysis/study-analysis.js';
import { formatDf, formatP, noLeadingZero, pClause, statHtml, statPlain } from '../../src/report/format.js';
import { buildTables } from '../../src/report/tables.js';
import { methodsParagraph, summarySentences } from '../../src/report/sentences.js';
import { cli } from '../helpers/cli.js';
import { tempFolder } from '../helpers/study.js';

describe('APA 7 numbers', () => {
  it('formats p, r, alpha and df as APA 7 asks', () => {
    expect(formatP(1)).toBe('> .999');
    expect(statPlain(pClause(0.9996))).toBe('p > .999');
    expect(statPlain(pClause(0.0004))).toBe('p < .001');
    expect(statPlain(pClause(0.034))).toBe('p = .034');
    // Statistic symbols in italics, Greek letters upright (APA 7).
    expect(statHtml(`${pClause(0.034)}, α = .8 <x>`)).toBe('<i>p</i> = .034, α = .8 &lt;x&gt;');
    expect(noLeadingZero(0.32)).toBe('.32');
    expect(noLeadingZero(-0.02)).toBe('−.02');
    expect(formatDf(28)).toBe('28');
    expect(formatDf(27.46)).toBe('27.5');
  });
});

describe('report sentences', () => {
  let input: ReportInput;
  beforeAll(async () => {
    const dir = path.join(await tempFolder({}), 'demo');
    expect((await cli('demo', '--out', dir)).code).toBe(0);
    input = await withStudy(dir, {}, async (s) => ({ analysis: await analyzeStoredStudy(storedStudy(s), dir), context: await reportContext(storedStudy(s)) }));
  }, 180_000);

  it('counts each excluded rater once, however many rules they met', () => {
    const twice = input.analysis.exclusions.find((e) => e.raters.length > 0);
    expect(twice).toBeDefined();
    // The same rater also failed another rule.
    const analysis = { ...input.analysis, exclusions: input.analysis.exclusions.map((e) => (e === twice ? e : e.rule === 'a failed attention check' ? { ...e, raters: [...e.raters, (twice as { raters: string[] }).raters[0] as string] } : e)) };
    const methods = statPlain(methodsParagraph({ ...input, analysis }).join(' '));
    expect(methods).toMatch(new RegExp(`They excluded ${input.analysis.raters.excluded} raters in all \\(.*; a rater can meet more than one rule\\), leaving`));
  });

  it('says in words when raters barely agreed, and when the words predict no better than the mean', () => {
    const scales = input.analysis.scales.map((s) => ('reliability' in s ? { ...s, reliability: { ...s.reliability, krippendorffAlphaInterval: -0.02 } } : s));
    const lm = input.analysis.languageModels;
    expect(lm).not.toBeNull();
    const regressions = (lm as NonNullable<typeof lm>).regressions.map((r) => ('ridge' in r ? { ...r, ridge: { ...r.ridge, cv: { mae: 0.6, r2: -1.23 } } } : r));
    const summary = statPlain(summarySentences({ ...input, analysis: { ...input.analysis, scales, languageModels: { ...(lm as NonNullable<typeof lm>), regressions } } as typeof input.analysis }).join(' '));
    expect(summary).toContain("Raters barely agreed on empathy (Krippendorff's α = −.02, about what chance gives)");
    expect(summary).toContain('predicted the mean empathy rating of a reply no better than the mean rating itself does (ridge, cross-validated R² −1.23;');
    expect(summary).not.toMatch(/with an R² of −/);
    expect(summary).toMatch(/r = \.\d\d/);
    expect(summary).not.toMatch(/r = 0\./);
  });

  it('puts a singular fit and the fit\'s warnings beside the model and in the terminal', () => {
    // The demo's own fits, made clean first (whether one of them is singular depends on the simulated data).
    const clean = { ...input.analysis, scales: input.analysis.scales.map((s) => ('model' in s && !('error' in s.model) ? { ...s, model: { ...s.model, singular: false, warnings: [] } } : s)) } as typeof input.analysis;
    const scales = clean.scales.map((s) => ('model' in s && s.scale === 'empathy' ? { ...s, model: { ...s.model, singular: true, warnings: ['2 rows with missing values were dropped'] } } : s));
    const analysis = { ...clean, scales } as typeof input.analysis;
    expect(modelWarnings(analysis)).toEqual(['empathy: singular fit (a variance component is estimated as zero or a correlation as ±1)', 'empathy: 2 rows with missing values were dropped']);
    const fixed = buildTables({ ...input, analysis }).find((t) => t.id === 'fixed-effects');
    expect(fixed?.note).toBe('Warnings: empathy: singular fit (a variance component is estimated as zero or a correlation as ±1); empathy: 2 rows with missing values were dropped.');
    expect(buildTables({ ...input, analysis: clean }).find((t) => t.id === 'fixed-effects')?.note).toBeUndefined();
  });

  it('says which rules could not be applied, for raters whose record has no timing or attention data', () => {
    const raters = [
      { rater: 'app1', totalSeconds: 600, attentionFailures: 0, attentionChecks: 1, finished: true },
      { rater: 'imp1', totalSeconds: null, attentionFailures: 0, attentionChecks: 0, finished: true },
      { rater: 'imp2', totalSeconds: null, attentionFailures: 0, attentionChecks: 0, finished: true },
    ];
    const exclusions = exclusionsOf({ ratings: [], raters, exclusions: { minTotalMinutes: 5, maxAttentionFailures: 0, straightLining: true, incomplete: true } });
    expect(exclusions.map((e) => [e.rule, e.notApplied])).toEqual([
      ['did not finish the session', 0],
      ['total time under 5 minutes', 2],
      ['a failed attention check', 2],
      ['the same value on every item of a scale (straight-lining)', 0],
    ]);
    const analysis = { ...input.analysis, exclusions, raters: { total: 3, excluded: 0, kept: 3 } } as typeof input.analysis;
    const methods = statPlain(methodsParagraph({ ...input, analysis }).join(' '));
    expect(methods).toContain('Some rules could not be applied, for lack of timing or attention-check data in the record: total time under 5 minutes (2 of 3 raters) and a failed attention check (2 of 3 raters).');
    expect(statPlain(methodsParagraph(input).join(' '))).not.toContain('could not be applied');
  });

  it('names a corpus source\'s model (replies a model wrote elsewhere) and shows domain labels', () => {
    const context = {
      ...input.context,
      posts: { ...input.context.posts, byDomain: input.context.posts.byDomain.map((d) => (d.domain === 'covid' ? { ...d, label: 'COVID-19' } : d)) },
      sources: input.context.sources.map((s) => (s.id === 'human' ? { ...s, id: 'gpt4', model: 'gpt-4-0613' } : s)),
    };
    const methods = statPlain(methodsParagraph({ ...input, context }).join(' '));
    expect(methods).toContain('gpt4: 36 replies by gpt-4-0613, written elsewhere and imported (the record does not say with which prompt or parameters)');
    expect(methods).toContain('COVID-19 (6)');
  });
});
