import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../src/stats/random.js';
import { buildSteps, orientedPairs } from '../../src/server/steps.js';
import { backends } from '../helpers/backends.js';
import { appOn, completeStudy, correctAnswers, demoStudy, Participant, type StudyApp } from '../helpers/app.js';
import { withFormats } from '../helpers/formats.js';

/** Right answers to the demo's checks and the pairwise check; slider 75, items 4, pairs "Reply B, clearly" (2). */
const answers = (name: string, options: string[]) => (name === 'answer' && options.includes('right') ? 'right' : correctAnswers(name, options));

describe('pairs in a session', () => {
  it('every pair of a post follows its replies, each the way round it was shown less often', () => {
    const shown = new Map([['a>b', 3], ['b>a', 2], ['c>a', 1]]);
    const pairs = orientedPairs(['a', 'b', 'c'], shown, seededRng(1));
    expect(pairs).toHaveLength(3);
    expect(pairs).toContainEqual({ left: 'b', right: 'a' });
    expect(pairs).toContainEqual({ left: 'a', right: 'c' });
    const steps = buildSteps([{ post: { id: 'p', domain: 'd', responses: [] }, responses: ['a', 'b', 'c'].map((id) => ({ id, post: 'p', source: id })) }], { comprehension: false, attention: [], pairs: shown }, seededRng(2));
    expect(steps.map((x) => x.kind)).toEqual(['consent', 'instructions', 'post', 'response', 'response', 'response', 'pair', 'pair', 'pair', 'demographics']);
  });
});

for (const backend of await backends()) {
  describe(`rating formats in the app (${backend.name})`, () => {
    let s: StudyApp;
    beforeAll(async () => {
      s = await appOn(backend, (db) => demoStudy({ edit: withFormats, ...(db ? { db } : {}) }));
    });
    afterAll(async () => s?.close());

    it('records a slider, every item of a multi-item scale and a pairwise choice with the order shown', async () => {
      const p = new Participant(s.app);
      const pages = await completeStudy(p, 'PIDF001', answers);
      const titles = pages.map((x) => x.title.replace(/ \d+ of \d+$/, ''));
      // Six posts: the post, its two replies, then their one pair; the pairwise check after three rated pages.
      expect(titles.filter((t) => t === 'Pair')).toHaveLength(6);
      expect(titles.slice(2, 9)).toEqual(['Post', 'Reply', 'Reply', 'Pair', 'A question', 'Post', 'Reply']);
      const db = s.deps.db;
      const person = await db.selectFrom('participants').selectAll().where('external_id', '=', 'PIDF001').executeTakeFirstOrThrow();
      expect(person.status).toBe('completed');
      const ratings = await db.selectFrom('ratings').select(['scale', 'value']).where('participant_id', '=', person.id).execute();
      const byScale = new Map<string, number[]>();
      for (const r of ratings) (byScale.get(r.scale) ?? byScale.set(r.scale, []).get(r.scale))?.push(r.value);
      expect([...byScale.keys()].sort()).toEqual(['appropriateness', 'empathy', 'mie.cared', 'mie.cold', 'mie.understood', 'warmth']);
      expect(byScale.get('warmth')).toEqual(Array(12).fill(75));
      expect(byScale.get('mie.cold')).toEqual(Array(12).fill(4));
      const choices = await db.selectFrom('choices').selectAll().where('participant_id', '=', person.id).execute();
      expect(choices).toHaveLength(6);
      expect(choices.every((c) => c.value === 2 && c.scale === 'pair' && c.origin === 'web' && c.content_hash === s.deps.contentHash)).toBe(true);
      // The order recorded is the order shown: the left reply's text comes first on the page.
      const pairPage = pages.find((x) => x.title.startsWith('Pair')) as (typeof pages)[number];
      const texts = await db.selectFrom('responses').select(['id', 'text']).where('id', 'in', choices.flatMap((c) => [c.left_id, c.right_id])).execute();
      const textOf = new Map(texts.map((t) => [t.id, t.text.slice(0, 40).replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;')]));
      const shown = choices.find((c) => pairPage.html.includes(textOf.get(c.left_id) as string) && pairPage.html.includes(textOf.get(c.right_id) as string));
      expect(shown).toBeDefined();
      expect(pairPage.html.indexOf(textOf.get(shown?.left_id as string) as string)).toBeLessThan(pairPage.html.indexOf(textOf.get(shown?.right_id as string) as string));
      const attention = await db.selectFrom('attention_results').selectAll().where('participant_id', '=', person.id).where('check_id', '=', 'ac-pair').executeTakeFirstOrThrow();
      expect(attention).toMatchObject({ expected: 'right', answer: 'right', passed: 1 });
    });

    it('refuses an unset slider, a value off the slider, a missing item and a forged choice, recording nothing', async () => {
      const p = new Participant(s.app);
      let page = await p.get('/?PROLIFIC_PID=PIDF002&STUDY_ID=study1&SESSION_ID=x');
      while (!page.title.startsWith('Reply')) page = await p.next(page, answers);
      const fields = Participant.answers(page.html, answers);
      const unset = await p.request('POST', '/study', { ...fields, scale_warmth: '' });
      expect(unset.status).toBe(422);
      expect(unset.html).toContain('Please set the slider');
      expect((await p.request('POST', '/study', { ...fields, scale_warmth: '101' })).html).toContain('Choose a whole number from 0 to 100.');
      expect((await p.request('POST', '/study', { ...fields, scale_warmth: '33.5' })).html).toContain('Choose a whole number from 0 to 100.');
      const noItem: Record<string, string> = { ...fields };
      delete noItem['scale_mie.cared'];
      expect((await p.request('POST', '/study', noItem)).html).toContain('Please choose one option.');
      const person = await s.deps.db.selectFrom('participants').select('id').where('external_id', '=', 'PIDF002').executeTakeFirstOrThrow();
      expect(await s.deps.db.selectFrom('ratings').select('id').where('participant_id', '=', person.id).execute()).toHaveLength(0);
      while (!page.title.startsWith('Pair')) page = await p.next(page, answers);
      const pair = Participant.answers(page.html, answers);
      for (const forged of ['0', '3', 'left', '']) expect((await p.request('POST', '/study', { ...pair, choice: forged })).status).toBe(422);
      expect(await s.deps.db.selectFrom('choices').select('id').where('participant_id', '=', person.id).execute()).toHaveLength(0);
      // Leaving gives the pairs this session still promised back.
      await p.request('POST', '/withdraw', { csrf: pair.csrf as string });
    });

    it('shows each order of every pair equally often, and every pair as often as its post is rated', async () => {
      for (let i = 0; i < 10; i++) await completeStudy(new Participant(s.app), `PIDB${String(i).padStart(3, '0')}`, answers);
      const db = s.deps.db;
      const choices = await db.selectFrom('choices').select(['post_id', 'left_id', 'right_id']).execute();
      const orders = new Map<string, Map<string, number>>();
      for (const c of choices) {
        const key = [c.left_id, c.right_id].sort().join('|');
        const m = orders.get(key) ?? orders.set(key, new Map()).get(key) ?? new Map<string, number>();
        m.set(c.left_id, (m.get(c.left_id) ?? 0) + 1);
      }
      expect(orders.size).toBeGreaterThan(10);
      for (const m of orders.values()) {
        const counts = [...m.values()];
        const [a = 0, b = 0] = counts.length === 1 ? [counts[0], 0] : counts;
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
      }
      // Each pair is shown once to every rater of its post: as many choices as raters who rated the post's first reply.
      const rated = await db.selectFrom('ratings').select(['participant_id', 'response_id']).where('scale', '=', 'empathy').execute();
      for (const c of choices.slice(0, 10)) {
        const raters = new Set(rated.filter((r) => r.response_id === c.left_id).map((r) => r.participant_id)).size;
        expect(choices.filter((x) => [x.left_id, x.right_id].sort().join('|') === [c.left_id, c.right_id].sort().join('|'))).toHaveLength(raters);
      }
      // The researcher's download has every choice, the reply shown first as left.
      const admin = { authorization: 'Bearer admin-token-for-tests' };
      const download = (await (await s.app.request('/admin/choices.csv', { headers: admin })).text()).trim().split('\n');
      expect(download[0]).toBe('rater,post,domain,scale,left,left_source,right,right_source,value,rt_ms,origin,chosen_at');
      expect(download).toHaveLength(choices.length + 1);
      // The counters agree with what was shown.
      const counted = await db.selectFrom('pair_slot_counts').select(['left_id', 'right_id', 'assigned']).execute();
      for (const k of counted) expect(k.assigned).toBe(choices.filter((c) => c.left_id === k.left_id && c.right_id === k.right_id).length);
    });
  });
}
