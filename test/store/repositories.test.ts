/** The repositories, directly, on every backend (SQLite always; Postgres when reachable, required in CI). */
import { describe, expect, it } from 'vitest';
import { selectOne } from '../../src/store/connection.repository.js';
import { clearOfflineProvenance } from '../../src/store/migrations/2026_11_26_008_prompts.js';
import { exportTables } from '../../src/store/export.repository.js';
import { hasSimulatedPanel, recordSimulatedPanel, simulatedPanelSettings } from '../../src/store/panels.repository.js';
import { countParticipantsByStatus, insertAttentionResults, insertParticipants, setParticipantAttributes } from '../../src/store/participants.repository.js';
import { contentPosts, countPostsByDomain, insertPosts, postsByExternalId } from '../../src/store/posts.repository.js';
import { countRatingsByOrigin, countRatingsByScale, insertRatings, ratingsLong, ratingsPerResponse, ratingValuesByKey, ratingKey } from '../../src/store/ratings.repository.js';
import {
  contentResponses,
  countResponsesBySource,
  existingVariants,
  failedCheckReplies,
  insertResponses,
  recordPrompts,
  replyRecord,
  responseKey,
  responsesByKey,
  supersedeReplies,
  variantParents,
} from '../../src/store/responses.repository.js';
import { findStudy, upsertStudy } from '../../src/store/studies.repository.js';
import type { Db } from '../../src/store/tables.js';
import { backends, databaseForSuite } from '../helpers/backends.js';

const now = '2026-11-22T00:00:00.000Z';

/**
 * A study of its own for one test (ids prefixed, so no test depends on another's rows): two posts,
 * three replies (one generated that failed its checks), two raters and three ratings.
 */
async function seed(db: Db, name: string) {
  const study = (await upsertStudy(db, { name, title: null, manifestJson: '{}', manifestHash: 'm', contentHash: 'c2' })).id;
  const id = (x: string) => `${name}-${x}`;
  await insertPosts(db, [
    { id: id('P1'), study_id: study, external_id: 'p1', domain: 'anger', title: null, text: 'a', word_count: 1, import_id: null, created_at: now },
    { id: id('P2'), study_id: study, external_id: 'p2', domain: 'work', title: 'T', text: 'b c', word_count: 2, import_id: null, created_at: now },
  ]);
  const base = { study_id: study, parent_id: null, word_count: 1, author: null, provider: 'imported', model: null, prompt_hash: null, content_hash: 'c2', tokens_in: null, tokens_out: null, cost_usd: null, latency_ms: null, finish_reason: null, import_id: null, created_at: now, checks_json: '{}' };
  await insertResponses(db, [
    { ...base, id: id('R1'), post_id: id('P1'), source: 'human', text: 'h1' },
    { ...base, id: id('R2'), post_id: id('P1'), source: 'gpt4', text: 'g1', provider: 'openai', checks_json: JSON.stringify({ passed: false, inRange: false }) },
    { ...base, id: id('R3'), post_id: id('P2'), source: 'human', text: 'h2', cost_usd: 0.0125, tokens_in: 10 },
  ]);
  await insertParticipants(db, [
    { id: id('U1'), study_id: study, external_id: 'r2', origin: 'imported', status: 'imported', prolific_study_id: null, prolific_session_id: null, completion_code: null, started_at: null, completed_at: null, total_seconds: null, import_id: null, created_at: now },
    { id: id('U2'), study_id: study, external_id: 'r1', origin: 'prolific', status: 'completed', prolific_study_id: 'S', prolific_session_id: 'X', completion_code: 'C', started_at: now, completed_at: now, total_seconds: 612.5, import_id: null, created_at: now },
  ]);
  const rating = { study_id: study, rt_ms: null, idempotency_key: null, origin: 'imported' as const, content_hash: 'c2', import_id: null, created_at: now };
  await insertRatings(db, [
    { ...rating, id: id('A1'), participant_id: id('U1'), response_id: id('R1'), scale: 'empathy', value: 4 },
    { ...rating, id: id('A2'), participant_id: id('U1'), response_id: id('R2'), scale: 'empathy', value: 5 },
    { ...rating, id: id('A3'), participant_id: id('U2'), response_id: id('R3'), scale: 'appropriateness', value: 2.5, rt_ms: 1234 },
  ]);
  return { study, id };
}

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
      const { study, id } = await seed(db, 'rw');
      expect(await countPostsByDomain(db, study)).toEqual([{ domain: 'anger', posts: 1 }, { domain: 'work', posts: 1 }]);
      expect(await countResponsesBySource(db, study)).toEqual([
        { source: 'gpt4', condition: 'base', responses: 1 },
        { source: 'human', condition: 'base', responses: 2 },
      ]);
      expect(await countParticipantsByStatus(db, study)).toEqual([{ status: 'completed', participants: 1 }, { status: 'imported', participants: 1 }]);
      expect(await countRatingsByScale(db, study)).toEqual([{ scale: 'appropriateness', ratings: 1 }, { scale: 'empathy', ratings: 2 }]);
      expect((await postsByExternalId(db, study)).get('p2')).toMatchObject({ id: id('P2'), text: 'b c', domain: 'work', title: 'T' });
      expect((await responsesByKey(db, study)).get(responseKey(id('P1'), 'gpt4'))?.id).toBe(id('R2'));
      expect((await ratingValuesByKey(db, study)).get(ratingKey(id('U2'), id('R3'), 'appropriateness'))).toBe(2.5);
      expect(await ratingsLong(db, study)).toEqual([
        { rater: 'r1', post: 'p2', domain: 'work', source: 'human', condition: 'base', scale: 'appropriateness', value: 2.5, origin: 'imported' },
        { rater: 'r2', post: 'p1', domain: 'anger', source: 'gpt4', condition: 'base', scale: 'empathy', value: 5, origin: 'imported' },
        { rater: 'r2', post: 'p1', domain: 'anger', source: 'human', condition: 'base', scale: 'empathy', value: 4, origin: 'imported' },
      ]);
      const r3 = await db.selectFrom('responses').select(['cost_usd', 'tokens_in']).where('id', '=', id('R3')).executeTakeFirstOrThrow();
      expect(r3).toEqual({ cost_usd: 0.0125, tokens_in: 10 });
    });

    it('enforces one rating per participant, response and scale, and foreign keys', async () => {
      const { study, id } = await seed(db, 'fk');
      const dup = { id: id('A9'), study_id: study, participant_id: id('U1'), response_id: id('R1'), scale: 'empathy', value: 1, rt_ms: null, idempotency_key: null, origin: 'web' as const, content_hash: 'c', import_id: null, created_at: now };
      await expect(insertRatings(db, [dup])).rejects.toThrow(/UNIQUE constraint failed|duplicate key value violates unique constraint/);
      await expect(insertRatings(db, [{ ...dup, id: id('A10'), response_id: 'NOPE' }])).rejects.toThrow(/FOREIGN KEY constraint failed|violates foreign key constraint/);
      expect(await countRatingsByScale(db, study)).toEqual([{ scale: 'appropriateness', ratings: 1 }, { scale: 'empathy', ratings: 2 }]);
    });

    it('the queries that moved into store/: content, report context, redo of failed checks, variants, panels, prompts, export', async () => {
      const { study, id } = await seed(db, 'moved');
      await selectOne(db);
      expect((await contentPosts(db, study)).map((p) => p.external_id)).toEqual(['p1', 'p2']);
      expect((await contentResponses(db, study)).map((r) => r.id).sort()).toEqual([id('R1'), id('R2'), id('R3')].sort());
      expect(await countRatingsByOrigin(db, study)).toEqual(new Map([['imported', 3]]));
      expect((await ratingsPerResponse(db, study)).sort()).toEqual([1, 1, 1]);
      // Only generated replies whose checks failed are redone; they are kept as history.
      expect(await failedCheckReplies(db, study, ['gpt4', 'human'])).toEqual([id('R2')]);
      await supersedeReplies(db, [id('R2')]);
      expect(await failedCheckReplies(db, study, ['gpt4'])).toEqual([]);
      expect((await variantParents(db, study, ['human'])).map((r) => r.id).sort()).toEqual([id('R1'), id('R3')].sort());
      expect(await existingVariants(db, study)).toEqual(new Set());
      expect(await hasSimulatedPanel(db, study)).toBe(false);
      await recordSimulatedPanel(db, study, { seed: 7 }, now);
      expect(await simulatedPanelSettings(db, study)).toEqual({ seed: 7 });
      await recordPrompts(db, study, [{ hash: 'h1', file: 'prompts/base.md', text: 'Reply.' }, { hash: 'h1', file: 'prompts/base.md', text: 'Reply.' }], now);
      const record = await replyRecord(db, study);
      expect(record.prompts).toEqual([{ hash: 'h1', file: 'prompts/base.md', text: 'Reply.' }]);
      expect(record.rated).toEqual(new Set([id('R1'), id('R2'), id('R3')]));
      await setParticipantAttributes(db, [{ id: id('U1'), attributesJson: '{"Age":"34"}' }]);
      await insertAttentionResults(db, [{ id: id('T1'), participant_id: id('U1'), check_id: 'ac1', expected: 'x', answer: 'x', passed: 1, created_at: now }]);
      const tables = await exportTables(db, study);
      expect(tables.posts.map((p) => p.post)).toEqual(['p1', 'p2']);
      expect(tables.participants.find((p) => p.rater === 'r2')?.attributes).toBe('{"Age":"34"}');
      expect(tables.responses.map((r) => r.variant).sort()).toEqual(['', '', `superseded-${id('R2')}`]);
    });

    it('migration 008 clears the parameters and prompt that older eliza and replay rows said they were made with', async () => {
      const { study, id } = await seed(db, 'm008');
      const rows = { study_id: study, post_id: id('P2'), parent_id: null, word_count: 1, author: null, model: 'm', content_hash: 'c', tokens_in: null, tokens_out: null, cost_usd: null, latency_ms: null, finish_reason: null, import_id: null, created_at: now, checks_json: '{}', params_json: '{"temperature":0.1}', prompt_hash: 'abc' };
      await insertResponses(db, [
        { ...rows, id: id('E1'), source: 'eliza', provider: 'eliza', text: 'e' },
        { ...rows, id: id('O1'), source: 'gpt4', provider: 'openai', text: 'o' },
      ]);
      await clearOfflineProvenance(db as never);
      const after = await db.selectFrom('responses').select(['id', 'params_json', 'prompt_hash']).where('id', 'in', [id('E1'), id('O1')]).orderBy('id').execute();
      expect(after).toEqual([
        { id: id('E1'), params_json: '{}', prompt_hash: null },
        { id: id('O1'), params_json: '{"temperature":0.1}', prompt_hash: 'abc' },
      ]);
    });
  });
}
