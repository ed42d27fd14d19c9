/**
 * A variant arm through the rating app, on SQLite and Postgres: the demo's human-plain arm (the human
 * replies without emojis and exclamation marks) is assigned and rated like any source, and no rater
 * ever sees two versions of one reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { appOn, completeStudy, demoStudy, Participant, type StudyApp } from '../helpers/app.js';

for (const backend of await backends()) {
  describe(`variant arms in the app (${backend.name})`, () => {
    let s: StudyApp;
    beforeAll(async () => {
      s = await appOn(backend, (db) => demoStudy({ arms: true, edit: (y) => y.replace('target_ratings_per_response: 5', 'target_ratings_per_response: 2'), ...(db ? { db } : {}) }));
    });
    afterAll(() => s?.close());

    it('fills the arm to the target like any source, one version of each reply per rater', async () => {
      // 36 posts, 6 per rater, target 2: human and human-plain are one family, so each post needs 2 x 2 visits: 24 raters.
      for (let i = 0; i < 24; i++) {
        s.clock.advanceMinutes(1);
        const pages = await completeStudy(new Participant(s.app), `ARM${i}`);
        expect(pages.filter((p) => p.title.startsWith('Reply'))).toHaveLength(12);
      }
      const db = s.deps.db;
      const rows = await db
        .selectFrom('ratings as r')
        .innerJoin('responses as x', 'x.id', 'r.response_id')
        .innerJoin('participants as u', 'u.id', 'r.participant_id')
        .select(['u.external_id as rater', 'x.source as source', 'x.id as response', 'x.parent_id as parent', 'x.post_id as post'])
        .where('r.scale', '=', 'empathy')
        .execute();
      const byRater = new Map<string, typeof rows>();
      for (const r of rows) (byRater.get(r.rater) ?? byRater.set(r.rater, []).get(r.rater))?.push(r);
      expect(byRater.size).toBe(24);
      for (const list of byRater.values()) {
        // Never two versions of one reply: each family (a reply and its derived copy) at most once.
        const families = list.filter((r) => r.source !== 'eliza').map((r) => r.parent ?? r.response);
        expect(new Set(families).size).toBe(families.length);
        expect(families).toHaveLength(6);
      }
      const perResponse = new Map<string, number>();
      for (const r of rows) perResponse.set(r.response, (perResponse.get(r.response) ?? 0) + 1);
      const bySource = new Map<string, number[]>();
      for (const r of rows) if (!bySource.has(r.source)) bySource.set(r.source, []);
      const responses = await db.selectFrom('responses').select(['id', 'source']).where('variant', '=', '').execute();
      for (const x of responses) bySource.get(x.source)?.push(perResponse.get(x.id) ?? 0);
      // Every human and human-plain reply rated exactly twice; ELIZA, shown with either, four times.
      expect(bySource.get('human')).toEqual(Array(36).fill(2));
      expect(bySource.get('human-plain')).toEqual(Array(36).fill(2));
      expect(bySource.get('eliza')).toEqual(Array(36).fill(4));
      // The study is full now.
      const late = await new Participant(s.app).get('/?PROLIFIC_PID=LATE&STUDY_ID=study1&SESSION_ID=late');
      expect(late.title).toBe('This study is full');
    });
  });
}
