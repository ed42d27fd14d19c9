/**
 * Ratings imported with a panel column analyse as the app's do: the same raters, replies and values,
 * collected in two panels through the app, then written as a long CSV with a panel column (as a
 * survey tool would export them) and imported into a fresh copy of the study, give the same panel
 * analysis and the same contrasts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/corpus/table.js';
import { cli } from '../helpers/cli.js';
import { completeStudy, demoStudy, Participant, studyApp } from '../helpers/app.js';

const edit = (y: string) =>
  y
    .replace(/^recruitment:\n/m, 'recruitment:\n  panels:\n    - { id: crowd, entry: prolific, target_ratings_per_response: 2 }\n    - { id: experts, entry: link, token: experts-shared-token, target_ratings_per_response: 2 }\n')
    // The app's test clock makes every session a minute long, and imported ratings carry no timing or
    // attention data: the same raters are kept on both sides.
    .replace(/^exclusions:\n(?: {2}.*\n| {30}.*\n)+/m, 'exclusions:\n  max_attention_failures: 99\n');

/**
 * Where two JSON values differ: strings, booleans and structure exactly, numbers beyond 1e-6
 * relative, Satterthwaite df beyond 1e-4 (they come from numerical derivatives of the fit, whose
 * last digits move with the order the rows reach it).
 */
function mismatches(a: unknown, b: unknown, at = '$'): string[] {
  const tol = /\.df$/.test(at) ? 1e-4 : 1e-6;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)) ? [] : [`${at}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b)) return a.length !== b.length ? [`${at}: length ${a.length} vs ${b.length}`] : a.flatMap((x, i) => mismatches(x, b[i], `${at}[${i}]`));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => mismatches((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return a === b ? [] : [`${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

describe('imported ratings with a panel column', () => {
  it('give the same panel analysis and contrasts as the same ratings collected by the app', async () => {
    const appDir = await demoStudy({ edit });
    const s = await studyApp(appDir);
    try {
      for (let i = 0; i < 12; i++) await completeStudy(new Participant(s.app), `PID${i}`);
      for (let i = 0; i < 12; i++) {
        const p = new Participant(s.app);
        const welcome = await p.get('/?panel=experts&token=experts-shared-token');
        const csrf = /name="csrf" value="([^"]+)"/.exec(welcome.html)?.[1] as string;
        let page = await p.request('POST', '/start', { csrf, panel: 'experts', token: 'experts-shared-token' });
        for (let k = 0; k < 200 && page.title !== 'Thank you'; k++) page = await p.next(page, (_, o) => o[(k + i) % o.length] as string);
      }
      const db = s.deps.db;
      const rows = await db
        .selectFrom('ratings as r')
        .innerJoin('participants as u', 'u.id', 'r.participant_id')
        .innerJoin('responses as x', 'x.id', 'r.response_id')
        .innerJoin('posts as p', 'p.id', 'x.post_id')
        .select(['u.external_id as rater', 'u.panel as panel', 'p.external_id as post', 'x.source as source', 'r.scale as scale', 'r.value as value'])
        .orderBy('u.external_id')
        .orderBy('p.external_id')
        .orderBy('x.source')
        .orderBy('r.scale')
        .execute();
      expect(new Set(rows.map((r) => r.panel))).toEqual(new Set(['crowd', 'experts']));
      const importDir = await demoStudy({ edit });
      const file = path.join(importDir, 'ratings-export.csv');
      await writeFile(file, toCsv(['ResponseId', 'Panel', 'post', 'source', 'scale', 'value'], rows.map((r) => ({ ResponseId: r.rater, Panel: r.panel, post: r.post, source: r.source, scale: r.scale, value: r.value }))));
      const imported = await cli('import', importDir, '--ratings', file, '--columns', 'rater=ResponseId,panel=Panel');
      expect(imported.stdout).toContain(`ratings-export.csv: ${rows.length} rows read, ${rows.length} new, 0 already there, 24 participants created`);
      expect(imported.code).toBe(0);
      expect((await cli('analyze', appDir)).code).toBe(0);
      expect((await cli('analyze', importDir)).code).toBe(0);
      const a = JSON.parse(await readFile(path.join(appDir, 'analysis.json'), 'utf8'));
      const b = JSON.parse(await readFile(path.join(importDir, 'analysis.json'), 'utf8'));
      expect(a.panels.panels).toEqual(['crowd', 'experts']);
      // The same numbers: the rows reach the fit in another order (the replies' ids differ), so the last digits may.
      expect(mismatches(b.panels, a.panels)).toEqual([]);
      expect(mismatches(b.scales.map((x: { contrasts: unknown }) => x.contrasts), a.scales.map((x: { contrasts: unknown }) => x.contrasts))).toEqual([]);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('a panel the manifest does not declare is refused with the file, line and column, and nothing is imported', async () => {
    const dir = await demoStudy({ edit });
    const file = path.join(dir, 'bad.csv');
    await writeFile(file, 'rater,panel,post,source,scale,value\nr1,crowd,anger-01,human,empathy,4\nr2,nurses,anger-01,human,empathy,3\n');
    const r = await cli('import', dir, '--ratings', file, '--columns', 'panel=panel');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/bad\.csv:3:2: panel "nurses" is not a panel of this study; use one of crowd, experts \(recruitment\.panels\)$/);
    const status = await cli('status', dir, '--json');
    expect(JSON.parse(status.stdout).ratings).toEqual([]);
  });
});
