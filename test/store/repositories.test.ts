/** The repositories, directly, on every backend (SQLite always; Postgres when reachable, required in CI). */
import { describe, expect, it } from 'vitest';
import { countParticipantsByStatus, insertParticipants } from '../../src/store/participants.repository.js';
import { countPostsByDomain, insertPosts, postsByExternalId } from '../../src/store/posts.repository.js';
import { countRatingsByScale, insertRatings, ratingsLong, ratingValuesByKey, ratingKey } from '../../src/store/ratings.repository.js';
import { countResponsesBySource, insertResponses, responseKey, responsesByKey } from '../../src/store/responses.repository.js';
import { findStudy, upsertStudy } from '../../src/store/studies.repository.js';
import type { Db } from '../../src/store/tables.js';
import { backends, databaseForSuite } from '../helpers/backends.js';

const now = '2026-11-22T00:00:00.000Z';

for (const backend of await backends()) {
  describe(`repositories on ${backend.name}`, () => {
    let db: Db;
    databaseForSuite(backend, (d) => (db = d));

    it('upserts a study: same content is a no-op, new content updates in place', async () => {
      const a = await upsertStudy(db, { name: 's', title: 'T', manifestJson: '{}', manifestHash: 'm1', contentHash: 'c1' });
      const b = await upsertStudy(db, { name: 's', title: 'T', manifestJson: '{}', manifestHash: 'm1', contentHash: 'c1' });
      expect(b).toEqual(a);
      const c = await upsertStudy(db, { name: 's', title: 'T2', manifestJson: '{"x":1}', manifestHash: 'm2', contentHash: 'c2' });
      expect(c.id).toBe(a.id);
      expect(await findStudy(db, 's')).toMatchObject({ id: a.id, title: 'T2', content_hash: 'c2', manifest_hash: 'm2' });
    });

    it('writes and reads posts, responses, participants and ratings, with counts and a stable long table', async () => {
      const study = (await findStudy(db, 's'))?.id as string;
      await insertPosts(db, [
        { id: 'P1', study_id: study, external_id: 'p1', domain: 'anger', title: null, text: 'a', word_count: 1, import_id: null, created_at: now },
        { id: 'P2', study_id: study, external_id: 'p2', domain: 'work', title: 'T', text: 'b c', word_count: 2, import_id: null, created_at: now },
      ]);
      const base = { study_id: study, parent_id: null, word_count: 1, author: null, provider: 'imported', model: null, prompt_hash: null, content_hash: 'c2', tokens_in: null, tokens_out: null, cost_usd: null, latency_ms: null, finish_reason: null, import_id: null, created_at: now };
      await insertResponses(db, [
        { ...base, id: 'R1', post_id: 'P1', source: 'human', text: 'h1' },
        { ...base, id: 'R2', post_id: 'P1', source: 'gpt4', text: 'g1' },
        { ...base, id: 'R3', post_id: 'P2', source: 'human', text: 'h2', cost_usd: 0.0125, tokens_in: 10 },
      ]);
      await insertParticipants(db, [
        { id: 'U1', study_id: study, external_id: 'r2', origin: 'imported', status: 'imported', prolific_study_id: null, prolific_session_id: null, completion_code: null, started_at: null, completed_at: null, total_seconds: null, import_id: null, created_at: now },
        { id: 'U2', study_id: study, external_id: 'r1', origin: 'prolific', status: 'completed', prolific_study_id: 'S', prolific_session_id: 'X', completion_code: 'C', started_at: now, completed_at: now, total_seconds: 612.5, import_id: null, created_at: now },
      ]);
      const rating = { study_id: study, rt_ms: null, idempotency_key: null, origin: 'imported' as const, content_hash: 'c2', import_id: null, created_at: now };
      await insertRatings(db, [
        { ...rating, id: 'A1', participant_id: 'U1', response_id: 'R1', scale: 'empathy', value: 4 },
        { ...rating, id: 'A2', participant_id: 'U1', response_id: 'R2', scale: 'empathy', value: 5 },
        { ...rating, id: 'A3', participant_id: 'U2', response_id: 'R3', scale: 'appropriateness', value: 2.5, rt_ms: 1234 },
      ]);

      expect(await countPostsByDomain(db, study)).toEqual([{ domain: 'anger', posts: 1 }, { domain: 'work', posts: 1 }]);
      expect(await countResponsesBySource(db, study)).toEqual([
        { source: 'gpt4', condition: 'base', responses: 1 },
        { source: 'human', condition: 'base', responses: 2 },
      ]);
      expect(await countParticipantsByStatus(db, study)).toEqual([{ status: 'completed', participants: 1 }, { status: 'imported', participants: 1 }]);
      expect(await countRatingsByScale(db, study)).toEqual([{ scale: 'appropriateness', ratings: 1 }, { scale: 'empathy', ratings: 2 }]);
      expect((await postsByExternalId(db, study)).get('p2')).toMatchObject({ id: 'P2', text: 'b c', domain: 'work', title: 'T' });
      expect((await responsesByKey(db, study)).get(responseKey('P1', 'gpt4'))?.id).toBe('R2');
      expect((await ratingValuesByKey(db, study)).get(ratingKey('U2', 'R3', 'appropriateness'))).toBe(2.5);
      expect(await ratingsLong(db, study)).toEqual([
        { rater: 'r1', post: 'p2', domain: 'work', source: 'human', condition: 'base', scale: 'appropriateness', value: 2.5, origin: 'imported' },
        { rater: 'r2', post: 'p1', domain: 'anger', source: 'gpt4', condition: 'base', scale: 'empathy', value: 5, origin: 'imported' },
        { rater: 'r2', post: 'p1', domain: 'anger', source: 'human', condition: 'base', scale: 'empathy', value: 4, origin: 'imported' },
      ]);
      const r3 = await db.selectFrom('responses').select(['cost_usd', 'tokens_in']).where('id', '=', 'R3').executeTakeFirstOrThrow();
      expect(r3).toEqual({ cost_usd: 0.0125, tokens_in: 10 });
    });

    it('enforces one rating per participant, response and scale, and foreign keys', async () => {
      const study = (await findStudy(db, 's'))?.id as string;
      const dup = { id: 'A9', study_id: study, participant_id: 'U1', response_id: 'R1', scale: 'empathy', value: 1, rt_ms: null, idempotency_key: null, origin: 'web' as const, content_hash: 'c', import_id: null, created_at: now };
      await expect(insertRatings(db, [dup])).rejects.toThrow();
      await expect(insertRatings(db, [{ ...dup, id: 'A10', response_id: 'NOPE' }])).rejects.toThrow();
      expect(await countRatingsByScale(db, study)).toEqual([{ scale: 'appropriateness', ratings: 1 }, { scale: 'empathy', ratings: 2 }]);
    });
  });
}
