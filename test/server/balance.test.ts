import { describe, expect, it } from 'vitest';
import { chooseSlots, ratersNeeded, simulateBalance, type PlanPost } from '../../src/server/assignment.js';
import { buildSteps } from '../../src/server/steps.js';
import { seededRng } from '../../src/stats/random.js';
import { completeStudy, demoStudy, Participant, studyApp } from '../helpers/app.js';

const posts: PlanPost[] = Array.from({ length: 12 }, (_, i) => ({
  id: `p${i}`,
  domain: ['a', 'b', 'c'][i % 3] as string,
  responses: ['human', 'gpt4', 'llama2'].map((source) => ({ id: `p${i}-${source}`, post: `p${i}`, source })),
}));

describe('assignment planner', () => {
  it('gives each arrival the least-filled posts, ties at random but reproducibly', () => {
    const fill = new Map(posts.flatMap((p, i) => p.responses.map((r) => [r.id, i < 4 ? 0 : 3] as [string, number])));
    const chosen = chooseSlots('within-post', posts, fill, 3, seededRng(1));
    expect(chosen.every((c) => ['p0', 'p1', 'p2', 'p3'].includes(c.post.id))).toBe(true);
    expect(chosen.every((c) => c.responses.length === 3)).toBe(true);
    expect(chooseSlots('within-post', posts, fill, 3, seededRng(1)).map((c) => c.post.id)).toEqual(chosen.map((c) => c.post.id));
    // Full: every response at the target.
    expect(chooseSlots('within-post', posts, new Map([...fill].map(([k]) => [k, 5])), 3, seededRng(1), 5)).toEqual([]);
  });

  it('one-per-post: one reply per post, each source equally often within the rater', () => {
    const fill = new Map<string, number>();
    for (let rater = 0; rater < 60; rater++) {
      const chosen = chooseSlots('one-per-post', posts, fill, 6, seededRng(rater + 1));
      expect(chosen).toHaveLength(6);
      const perSource = new Map<string, number>();
      for (const c of chosen) {
        expect(c.responses).toHaveLength(1);
        const r = c.responses[0] as { id: string; source: string };
        perSource.set(r.source, (perSource.get(r.source) ?? 0) + 1);
        fill.set(r.id, (fill.get(r.id) ?? 0) + 1);
      }
      expect([...perSource.values()]).toEqual([2, 2, 2]);
    }
    // 60 raters x 6 = 360 ratings over 36 responses: 10 each, give or take one.
    const counts = posts.flatMap((p) => p.responses.map((r) => fill.get(r.id) as number));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(360);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...counts)).toBeLessThanOrEqual(11);
  });

  it('plans the raters needed and the balance they reach', () => {
    expect(ratersNeeded('within-post', posts, 4, 5)).toBe(15);
    expect(ratersNeeded('one-per-post', posts, 4, 5)).toBe(45);
    const b = simulateBalance('within-post', posts, 4, 15, 1);
    expect(b.perResponse).toEqual({ min: 5, max: 5, mean: 5 });
    expect(b.perSource.map((s) => s.ratings)).toEqual([60, 60, 60]);
    expect(b.perDomain.map((d) => d.ratings)).toEqual([60, 60, 60]);
  });

  it('puts attention checks after the given number of rated replies', () => {
    const steps = buildSteps(chooseSlots('within-post', posts, new Map(), 2, seededRng(3)), { comprehension: true, attention: [{ id: 'ac1', after: 4 }, { id: 'ac2', after: 99 }] }, seededRng(3));
    const kinds = steps.map((s) => s.kind);
    expect(kinds).toEqual(['consent', 'instructions', 'comprehension', 'post', 'response', 'response', 'response', 'post', 'response', 'attention', 'response', 'response', 'attention', 'demographics']);
  });
});

describe('balance under real arrivals (app.request, SQLite)', () => {
  it('300 arrivals, 10% abandoning: every reply ends within 1 of the target and each rater sees every source equally often', async () => {
    // 36 posts x 2 replies, 6 posts per rater, target 40 raters per reply: 240 full sessions fill it.
    const s = await studyApp(await demoStudy({ edit: (y) => y.replace('target_ratings_per_response: 5', 'target_ratings_per_response: 40') }));
    try {
      let full = 0;
      for (let i = 0; i < 300; i++) {
        s.clock.advanceMinutes(1);
        const p = new Participant(s.app);
        if (i % 10 === 7) {
          // Abandons somewhere in the middle: after 0 to 12 pages.
          let page = await p.get(`/?PROLIFIC_PID=BAL${i}`);
          for (let k = 0; k < (i * 7) % 13 && page.title.match(/^(Consent|Instructions|Post|Reply|A question)/); k++) page = await p.next(page);
          continue;
        }
        const first = await p.get(`/?PROLIFIC_PID=BAL${i}`);
        if (first.title === 'This study is full') {
          full++;
          continue;
        }
        await completeStudy(p, `BAL${i}`, (_, options) => options[(i + options.length) % options.length] as string);
      }
      const db = s.deps.db;
      const perResponse = await db.selectFrom('ratings').select(['response_id', db.fn.count<number>('participant_id').distinct().as('n')]).where('scale', '=', 'empathy').groupBy('response_id').execute();
      const counts = perResponse.map((r) => Number(r.n));
      expect(counts).toHaveLength(72);
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(39);
      expect(Math.max(...counts)).toBeLessThanOrEqual(41);
      expect(full).toBeGreaterThan(0);
      // The fill counters equal what the sessions say: raters who rated a reply plus live sessions still promising it.
      const counters = new Map((await db.selectFrom('panel_slot_counts').select(['response_id', 'assigned']).execute()).map((r) => [r.response_id, Number(r.assigned)]));
      const expected = new Map(perResponse.map((r) => [r.response_id, Number(r.n)]));
      for (const a of await db.selectFrom('assignments').select(['slots_json', 'position']).where('status', '=', 'active').execute())
        for (const step of (JSON.parse(a.slots_json) as Array<{ kind: string; response?: string }>).slice(a.position))
          if (step.kind === 'response') expected.set(step.response as string, (expected.get(step.response as string) ?? 0) + 1);
      expect(counters).toEqual(expected);
      // Within-post: every completed rater rated 6 human and 6 eliza replies.
      const bySource = await db
        .selectFrom('ratings as r')
        .innerJoin('responses as x', 'x.id', 'r.response_id')
        .innerJoin('participants as u', 'u.id', 'r.participant_id')
        .select(['u.external_id as rater', 'x.source as source', db.fn.countAll<number>().as('n')])
        .where('r.scale', '=', 'empathy')
        .where('u.status', '=', 'completed')
        .groupBy(['u.external_id', 'x.source'])
        .execute();
      const perRater = new Map<string, Map<string, number>>();
      for (const r of bySource) (perRater.get(r.rater) ?? perRater.set(r.rater, new Map()).get(r.rater))?.set(r.source, Number(r.n));
      expect(perRater.size).toBeGreaterThan(200);
      for (const m of perRater.values()) expect([...m.entries()].sort()).toEqual([['eliza', 6], ['human', 6]]);
    } finally {
      await s.close();
    }
  }, 240_000);
});

describe('one-per-post through the app', () => {
  it('each rater sees one reply to each of 6 posts, 3 from each source; every reply rated equally often', async () => {
    const s = await studyApp(await demoStudy({ edit: (y) => y.replace('type: within-post', 'type: one-per-post').replace('target_ratings_per_response: 5', 'target_ratings_per_response: 10') }));
    try {
      for (let i = 0; i < 24; i++) {
        const pages = await completeStudy(new Participant(s.app), `OPP${i}`);
        expect(pages.filter((p) => p.title.startsWith('Reply'))).toHaveLength(6);
      }
      const db = s.deps.db;
      const rows = await db
        .selectFrom('ratings as r')
        .innerJoin('responses as x', 'x.id', 'r.response_id')
        .innerJoin('participants as u', 'u.id', 'r.participant_id')
        .select(['u.external_id as rater', 'x.source as source', 'x.post_id as post', 'x.id as response'])
        .where('r.scale', '=', 'empathy')
        .execute();
      const byRater = new Map<string, typeof rows>();
      for (const r of rows) (byRater.get(r.rater) ?? byRater.set(r.rater, []).get(r.rater))?.push(r);
      expect(byRater.size).toBe(24);
      for (const list of byRater.values()) {
        expect(new Set(list.map((r) => r.post)).size).toBe(6);
        expect(list.filter((r) => r.source === 'human')).toHaveLength(3);
      }
      // 24 raters x 6 = 144 ratings over 72 replies: 2 each.
      const perResponse = new Map<string, number>();
      for (const r of rows) perResponse.set(r.response, (perResponse.get(r.response) ?? 0) + 1);
      const counts = [...s.deps.content.responses.keys()].map((id) => perResponse.get(id) ?? 0);
      expect([Math.min(...counts), Math.max(...counts)]).toEqual([2, 2]);
    } finally {
      await s.close();
    }
  }, 60_000);
});
