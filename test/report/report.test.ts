import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixed, formatP } from '../../src/report/format.js';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { cli } from '../helpers/cli.js';
import { tempFolder } from '../helpers/study.js';

const unescape = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The body rows of `<table id="table-ID">` as cell texts. */
function tableRows(html: string, id: string): string[][] {
  const m = new RegExp(`<table id="table-${id}"[^>]*>[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(html);
  if (!m) throw new Error(`no table ${id}`);
  return [...(m[1] as string).matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...(r[1] as string).matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => unescape(c[1] as string)));
}

describe('report format', () => {
  it('prints p values and numbers as journals do', () => {
    expect(formatP(0.0482)).toBe('.048');
    expect(formatP(0.0004)).toBe('< .001');
    expect(formatP(null)).toBe('–');
    expect(fixed(-0.1234, 2)).toBe('−0.12');
    expect(fixed(-0.001, 2)).toBe('0.00');
  });
});

describe('empathy-lab demo and report', async () => {
  const root = await tempFolder({});
  const demo = path.join(root, 'demo');

  it('the demo runs import, eliza, a synthetic panel, the analysis and the report, and ends with the report path', async () => {
    const r = await cli('demo', '--out', demo);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe(`report: ${path.resolve(demo, 'report.html')}`);
    expect(r.stdout).toContain(`empathy-lab serve ${demo}`);
    // Two simulated panels (crowd and experts), 60 raters each: 5 ratings per reply, a reply and its arm's copy taking a visit each.
    expect(r.stdout).toMatch(/synthetic panel: simulated 120 raters in 2 panels \(crowd: 60, experts: 60\)/);
    const again = await cli('demo', '--out', demo);
    expect(again.stdout).toContain('synthetic panel: already there (kept)');
  });

  it('the report shows the numbers of the analysis it was made from', async () => {
    const html = await readFile(path.join(demo, 'report.html'), 'utf8');
    const analysis = JSON.parse(await readFile(path.join(demo, 'analysis.json'), 'utf8'));
    // The first thing in the report says the ratings are simulated.
    expect(html).toMatch(/<main>\s*<p class="banner" id="simulated">Simulated data: All of the ratings/);
    const scales = analysis.scales as Array<Record<string, any>>;
    const contrasts = tableRows(html, 'contrasts');
    const expected = scales.flatMap((s) =>
      s.contrasts.pairs.map((c: any) => [s.scale, c.contrast, fixed(c.estimate, 3), fixed(c.SE, 3), fixed(c.df, 2), fixed(c['t.ratio'], 2), formatP(c['p.value']), fixed(c['lower.CL'], 3), fixed(c['upper.CL'], 3), fixed(c.d), fixed(c['d.lower.CL']), fixed(c['d.upper.CL'])]),
    );
    expect(contrasts).toEqual(expected);
    const means = tableRows(html, 'means');
    expect(means).toEqual(scales.flatMap((s) => s.meansAcrossPosts.map((m: any) => [s.scale, m.group, fixed(m.mean), fixed(m.sd), String(m.n), fixed(m.lower), fixed(m.upper)])));
    const fixef = tableRows(html, 'fixed-effects');
    expect(fixef.map((r) => r[2])).toEqual(scales.flatMap((s) => Object.values(s.model.fixef).map((b) => fixed(b as number, 3))));
    const reliability = tableRows(html, 'reliability');
    expect(reliability.map((r) => r[4])).toEqual(scales.map((s) => fixed(s.reliability.krippendorffAlphaInterval, 3)));
    const excl = tableRows(html, 'exclusions');
    expect(excl.map((r) => [r[0], Number(r[1])])).toEqual([...analysis.exclusions.map((e: any) => [e.rule, e.raters.length]), ...analysis.flags.map((f: any) => [`${f.rule}: flagged, not excluded`, f.raters.length])]);
    const classifier = tableRows(html, 'classifier');
    expect(classifier.map((r) => r[3])).toEqual(analysis.languageModels.classifier.test.perClass.map((m: any) => fixed(m.f1, 3)));
    // The summary sentences quote the model's means.
    for (const s of scales) for (const m of s.contrasts.emmeans) expect(html).toContain(`${m.source} (<i>M</i> = ${fixed(m.emmean)}, 95% CI [${fixed(m['lower.CL'])}, ${fixed(m['upper.CL'])}])`);
    // The methods paragraph counts what the study holds.
    expect(html).toContain('36 support-seeking posts from 6 domains');
    expect(html).toContain(`${analysis.raters.total} raters were simulated`);
    // The demo's sections on its variant arm, its two panels and its offline judge, each answering its question.
    for (const title of ['Does style drive the ratings?', 'Do experts see it the same way?', 'Can a model stand in for the raters?']) expect(html).toContain(title);
    expect(html).toContain('The arm human-plain holds human&#39;s 36 replies after removing emojis and turning exclamation marks into full stops');
    const calibration = tableRows(html, 'judge-calibration');
    expect(calibration.map((r) => [r[0], r[1], r[2]])).toEqual(analysis.judgeCalibration.map((c: any) => ['lexicon', c.scale, String(c.replies)]));
    // The demo's two formats (Likert and pairwise) compared on the same replies, with the analysis's numbers.
    expect(html).toContain('Which format measures best?');
    const comparison = tableRows(html, 'format-comparison');
    expect(comparison.map((r) => [r[0], r[1], r[3], r[4]])).toEqual(
      analysis.formats.comparison.rows.map((r: any) => [r.scale, r.format, fixed(r.splitHalf.estimate), `[${fixed(r.splitHalf.lower)}, ${fixed(r.splitHalf.upper)}]`]),
    );
    expect(comparison.map((r) => r[1])).toEqual(['likert', 'likert', 'pairwise']);
    const bt = tableRows(html, 'format-pairwise');
    expect(bt.map((r) => [r[0], r[1]])).toEqual(analysis.formats.pairwise.sources.map((x: any) => [x.source, fixed(x.ability, 3)]));
    expect(html).toContain(`was chosen ${fixed(100 * analysis.formats.pairwise.position.leftShare, 1)}% of the time`);
    // Self-contained: no scripts, nothing fetched.
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import|url\(/i);
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    // Provenance: the hashes, the versions and every prompt.
    expect(html).toMatch(/manifest hash \(SHA-256\)<\/dt><dd>[0-9a-f]{64}/);
    expect(html).toContain('vega-lite');
    // The demo's replies come from the corpus and from ELIZA, which reads no prompt: the appendix says so.
    expect(html).toContain('eliza · base</h3><p class="note-inline">No prompt: its replies were not made from one (the eliza provider answers the post by rule).');
    expect(html).not.toContain('temperature');
  });

  it('writes the tables as CSV with the analysis\'s numbers, and Markdown with SVG figures', async () => {
    const analysis = JSON.parse(await readFile(path.join(demo, 'analysis.json'), 'utf8'));
    const csv = (await readFile(path.join(demo, 'tables', 'contrasts.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('scale,contrast,estimate,SE,df,t,p,95% CI lower,95% CI upper,d,d 95% CI lower,d 95% CI upper');
    const first = analysis.scales[0].contrasts.pairs[0];
    expect((csv[1] as string).split(',').slice(0, 3)).toEqual([analysis.scales[0].scale, first.contrast, String(Number(first.estimate.toFixed(4)))]);
    const md = path.join(root, 'paper', 'results.md');
    const r = await cli('report', demo, '--format', 'md', '--out', md);
    expect(r.code).toBe(0);
    const text = await readFile(md, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^> \*\*Simulated data/);
    expect(text).toContain('![Figure 1. Mean rating per source](figures/figure-means.svg)');
    expect(text).toMatch(/\| scale \| contrast \| estimate \| \*SE\* \| \*df\* \| \*t\* \| \*p\* \| 95% CI lower \|/);
    expect(await readFile(path.join(root, 'paper', 'figures', 'figure-means.svg'), 'utf8')).toMatch(/^<svg /);
    expect((await cli('report', demo, '--format', 'pdf')).stderr).toBe('empathy-lab: --format: unknown format "pdf"; use --format html or --format md');
  });

  it.runIf(chromiumAvailable())('opens in Chromium with no console errors, on a desktop and a phone', async () => {
    const browser = await launchChromium();
    try {
      for (const [name, viewport] of [['desktop', { width: 1200, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
        const page = await browser.newPage({ viewport });
        const errors: string[] = [];
        page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
        page.on('pageerror', (e) => void errors.push(String(e)));
        const failed: string[] = [];
        page.on('requestfailed', (q) => void failed.push(q.url()));
        await page.goto(`file://${path.resolve(demo, 'report.html')}`);
        expect(await page.locator('h1').textContent()).toContain('empathy-lab demo');
        const boxes = await page.locator('figure svg').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
        expect(boxes).toHaveLength(4);
        for (const w of boxes) expect(w).toBeGreaterThan(200);
        // No sideways scroll of the page; every figure's text at 11 px or more as shown; every table's title in view.
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        // The text of every figure as shown: its font size times the figure's scale.
        const smallest = await page.evaluate<number>(`Math.min(...[...document.querySelectorAll('figure svg')].map((svg) => {
          const scale = svg.getBoundingClientRect().width / (svg.viewBox.baseVal?.width || svg.width.baseVal.value);
          return Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
        }))`);
        expect(smallest).toBeGreaterThanOrEqual(11);
        const titles = await page.locator('.table-title').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right));
        expect(titles.length).toBeGreaterThan(10);
        for (const right of titles) expect(right).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({ path: path.join(SCREENSHOTS, `report-${name}.png`), fullPage: true });
        expect(errors).toEqual([]);
        expect(failed).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
