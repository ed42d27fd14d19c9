/**
 * The reference study's ratings (test/reference/lmm/ratings-within.csv), imported as another tool
 * wrote them, give a report whose every contrast, interval and d is R's (lme4 + lmerTest + emmeans,
 * d computed by hand from VarCorr: make-effect-sizes.R), and an analysis.json that fits the
 * analysis@1 schema, as does the demo's.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAnalysis } from '../../src/analysis/schema.js';
import { fixed, formatP } from '../../src/report/format.js';
import { cli } from '../helpers/cli.js';
import { expectClose, REFERENCE_DIR, REFERENCE_RATINGS_IMPORT, REFERENCE_STUDY_MANIFEST } from '../helpers/reference.js';
import { tempFolder } from '../helpers/study.js';

const MANIFEST = REFERENCE_STUDY_MANIFEST;

interface RPair { contrast: string; estimate: number; SE: number; df: number; 't.ratio': number; 'p.value': number; 'lower.CL': number; 'upper.CL': number; d: number; 'd.lower.CL': number; 'd.upper.CL': number }

function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`id="table-${id}"`);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...(m[1] as string).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1] as string));
}

describe('the reference study, imported, reported and checked against R', () => {
  let dir: string;
  let html: string;
  const r = JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'ratings-within.effect-sizes.json'), 'utf8')) as { holm: { pairs: RPair[] }; d_denominator: number };
  beforeAll(async () => {
    dir = await tempFolder({ 'study.yaml': MANIFEST });
    const imported = await cli('import', dir, ...REFERENCE_RATINGS_IMPORT);
    expect(imported.code).toBe(0);
    const report = await cli('report', dir);
    expect(report.code).toBe(0);
    html = await readFile(path.join(dir, 'report.html'), 'utf8');
  });

  it('every contrast, its interval (Bonferroni, as emmeans gives for Holm), d and its interval are R\'s to the printed digit', () => {
    const rows = tableRows(html, 'contrasts');
    expect(rows.map((row) => row.slice(0, 2))).toEqual(r.holm.pairs.map((p) => ['empathy', p.contrast]));
    // Each printed number is R's value rounded to the digits shown (df within lmerTest's 1e-3 relative).
    const columns: Array<[keyof RPair, number, number]> = [['estimate', 2, 3], ['SE', 3, 3], ['df', 4, 2], ['t.ratio', 5, 2], ['lower.CL', 7, 3], ['upper.CL', 8, 3], ['d', 9, 2], ['d.lower.CL', 10, 2], ['d.upper.CL', 11, 2]];
    const problems: string[] = [];
    rows.forEach((row, i) => {
      const p = r.holm.pairs[i] as RPair;
      for (const [field, column, digits] of columns) {
        const shown = Number((row[column] as string).replace('−', '-'));
        const want = p[field] as number;
        const slack = 0.5 * 10 ** -digits + (field === 'df' ? 1e-3 : 1e-4) * Math.abs(want);
        if (!(Math.abs(shown - want) <= slack)) problems.push(`${p.contrast} ${field}: shown ${row[column]}, R ${want}`);
      }
      if (row[6] !== formatP(p['p.value']).replace('<', '&lt;')) problems.push(`${p.contrast} p: shown ${row[6]}, R ${p['p.value']}`);
    });
    expect(problems).toEqual([]);
  });

  it('the summary sentences quote R\'s numbers, turned to say which source was rated higher', () => {
    // human - gpt4 is negative in R: the sentence says gpt4 was rated higher, with the interval and d turned.
    const p = r.holm.pairs.find((x) => x.contrast === 'human - gpt4') as RPair;
    expect(html).toContain(
      `On empathy, gpt4 replies were rated higher than human replies (<i>M</i> = 3.96 vs 3.38; difference ${fixed(-p.estimate)} points, 95% CI (Bonferroni-adjusted) [${fixed(-p['upper.CL'])}, ${fixed(-p['lower.CL'])}], <i>d</i> = ${fixed(-p.d)}, 95% CI (Bonferroni-adjusted) [${fixed(-p['d.upper.CL'])}, ${fixed(-p['d.lower.CL'])}]; <i>t</i>(3729.0) = ${fixed(Math.abs(p['t.ratio']))}, <i>p</i> &lt; .001, Holm-adjusted).`,
    );
    expect(fixed(-p.d)).toBe('0.61');
  });

  it('analysis.json fits the analysis@1 schema, and d\'s denominator is R\'s', async () => {
    const doc = JSON.parse(await readFile(path.join(dir, 'analysis.json'), 'utf8'));
    const parsed = parseAnalysis(doc);
    expect(parsed).toMatchObject({ ok: true });
    const s = parsed.ok ? parsed.analysis.scales[0] : undefined;
    const denominator = s && 'contrasts' in s ? s.contrasts?.dDenominator : undefined;
    expect(expectClose(denominator as number, r.d_denominator)).toBeNull();
    // A document that does not fit names the field.
    doc.scales[0].contrasts.pairs[0].d = 'large';
    expect(parseAnalysis(doc)).toEqual({ ok: false, error: 'scales.0.contrasts.pairs.0.d: Invalid input: expected number, received string' });
  });
});

describe('analysis@1 schema', () => {
  it('the demo\'s analysis.json fits it, and `schema analysis` prints it as JSON Schema', async () => {
    const demo = path.join(await tempFolder({}), 'demo');
    expect((await cli('demo', '--out', demo)).code).toBe(0);
    expect(parseAnalysis(JSON.parse(await readFile(path.join(demo, 'analysis.json'), 'utf8')))).toMatchObject({ ok: true });
    const printed = await cli('schema', 'analysis');
    expect(printed.code).toBe(0);
    const schema = JSON.parse(printed.stdout);
    expect(schema.title).toBe('empathy-lab analysis document (empathy-lab/analysis@1)');
    expect(schema.required).toEqual(['schema', 'raters', 'exclusions', 'flags', 'scales', 'correlations', 'language', 'languageModels']);
    expect(schema.properties.schema.const).toBe('empathy-lab/analysis@1');
    expect((await cli('schema', 'analyses')).stderr).toBe('empathy-lab: schema: unknown document "analyses"; use empathy-lab schema study or empathy-lab schema analysis');
  });
});
