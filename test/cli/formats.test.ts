import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/cli/open-db.js';
import { demoStudy } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';
import { withFormats } from '../helpers/formats.js';
import { withComposites } from '../../src/analysis/stored.js';
import { ratingsForAnalysis } from '../../src/store/ratings.repository.js';
import { loadStudy } from '../../src/study/load.js';

describe('rating formats from simulate to the report', () => {
  it('simulates every format from one latent, analyses each, and compares them', async () => {
    const dir = await demoStudy({ edit: withFormats });
    const sim = await cli('simulate', dir, '--effect', 'human=0', '--effect', 'eliza=-0.6');
    expect(sim.code).toBe(0);
    expect(sim.stdout).toContain('ratings on appropriateness, empathy, warmth, mie, pair');
    const store = await openDb(undefined, dir);
    try {
      const choices = await store.db.selectFrom('choices').selectAll().execute();
      expect(choices.length).toBeGreaterThan(100);
      expect(choices.every((c) => c.origin === 'simulated' && [-2, -1, 1, 2].includes(c.value))).toBe(true);
      // Each pair's two orders equally often (within one), as the app shows them.
      const orders = new Map<string, number>();
      for (const c of choices) orders.set(`${c.left_id}>${c.right_id}`, (orders.get(`${c.left_id}>${c.right_id}`) ?? 0) + 1);
      for (const c of choices) expect(Math.abs((orders.get(`${c.left_id}>${c.right_id}`) ?? 0) - (orders.get(`${c.right_id}>${c.left_id}`) ?? 0))).toBeLessThanOrEqual(1);
      const r = await cli('analyze', dir);
      expect(r.code).toBe(0);
      const a = JSON.parse(await readFile(path.join(dir, 'analysis.json'), 'utf8'));
      // The composite the model fits is the mean of the items, the reverse-keyed one recoded: one rater's and reply's.
      const stored = await ratingsForAnalysis(store.db, (await store.db.selectFrom('studies').select('id').executeTakeFirstOrThrow()).id);
      const { ratings, items } = withComposites((await loadStudy(dir)).study, stored);
      const one = items.filter((x) => x.rater === items[0]?.rater && x.response === items[0]?.response);
      expect(one.map((x) => x.item)).toEqual(['cared', 'cold', 'understood']);
      const expected = one.reduce((s, x) => s + (x.item === 'cold' ? 6 - x.value : x.value), 0) / 3;
      expect(ratings.find((x) => x.scale === 'mie' && x.rater === items[0]?.rater && x.response === items[0]?.response)?.value).toBeCloseTo(expected, 12);
      expect(ratings.filter((x) => x.scale === 'mie')).toHaveLength(items.length / 3);
      expect(ratings.some((x) => x.scale.includes('.'))).toBe(false);
      expect(a.formats.items[0]).toMatchObject({ scale: 'mie', alpha: { method: 'Feldt' }, omega: { method: 'bootstrap over raters' } });
      expect(a.formats.items[0].alpha.estimate).toBeGreaterThan(0.6);
      expect(a.formats.items[0].items.map((i: { item: string; reverse: boolean }) => [i.item, i.reverse])).toEqual([['understood', false], ['cared', false], ['cold', true]]);
      // Sliders pile up at the ends; the planted difference shows on every format.
      expect(a.formats.sliders[0].atEnds.share).toBeGreaterThan(0.05);
      const pw = a.formats.pairwise;
      expect(pw.se).toBe('cluster-robust (rater and post)');
      expect(pw.sources.find((s: { source: string }) => s.source === 'eliza').upper).toBeLessThan(0);
      expect(Math.abs(pw.position.effect - 0.2)).toBeLessThan(3 * pw.position.SE);
      expect(pw.strength.spacing).toBeGreaterThan(0);
      const rows = a.formats.comparison.rows;
      expect(rows.map((x: { scale: string; format: string }) => [x.scale, x.format])).toEqual([['appropriateness', 'likert'], ['empathy', 'likert'], ['warmth', 'slider'], ['mie', 'multi-item'], ['pair', 'pairwise']]);
      for (const x of rows) expect(x.order).toEqual(['human', 'eliza']);
      for (const x of rows) expect(x.separation.lower).toBeGreaterThan(0);
      expect(rows.find((x: { scale: string }) => x.scale === 'pair').icc2k.error).toMatch(/not defined for choices/);
      // The ordinal model only on the Likert scales.
      expect(a.scales.filter((s: { clmm?: unknown }) => s.clmm).map((s: { scale: string }) => s.scale)).toEqual([]);
      const report = await cli('report', dir);
      expect(report.code).toBe(0);
      const html = await readFile(path.join(dir, 'report.html'), 'utf8');
      for (const title of ['Which format measures best?', 'Rating formats: sliders, item scales and pairwise choices', 'Multi-item scales: internal consistency', 'How the sliders were used']) expect(html).toContain(title);
      expect(html).toContain('a slider from 0 to 100 from &quot;Not warm at all&quot; to &quot;Extremely warm&quot;');
    } finally {
      await store.close();
    }
  }, 120_000);
});
