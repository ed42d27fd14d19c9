/**
 * The field study's rows (see migration 012). Every change of a post's status is one conditional
 * UPDATE (`where status = <the one expected>`), so a double click, a second tab or a second server
 * never answers a post twice, never records a seeker's answers twice and never lets two supporters
 * hold one post.
 */
import { sql } from 'kysely';
import { chunks, newId } from './ids.js';
import type { Db, FieldPostRow, FieldReplyRow, FieldStatus } from './tables.js';

export interface NewFieldPost {
  readonly id: string;
  readonly studyId: string;
  readonly seekerHash: string;
  readonly origin: string;
  readonly externalId: string | null;
  readonly country: string;
  readonly domain: string;
  readonly text: string;
  readonly redactions: number;
  readonly wordCount: number;
  readonly createdAt: string;
}

export interface SafetyEntry {
  readonly rule: string;
  readonly kind: string;
  readonly detail: string;
}

export type Measure = { readonly item: string; readonly value: number };

/**
 * Stores a post screened out for risk: no arm, the screen's findings in the safety log, the
 * seeker's pre-measure. Nobody is given the post.
 */
export async function insertScreenedOut(db: Db, post: NewFieldPost, pre: readonly Measure[], findings: readonly SafetyEntry[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('field_posts').values(postRow(post, 'screened_out', null, null)).execute();
    await insertMeasures(trx, post.id, 'pre', pre, post.createdAt);
    await trx
      .insertInto('field_safety')
      .values(findings.map((f) => ({ id: newId(), study_id: post.studyId, post_id: post.id, rule: f.rule, kind: f.kind, detail: f.detail, created_at: post.createdAt })))
      .execute();
  });
}

/**
 * Stores a post that passed the screen and randomises it: the arm is `armAt(index)` for the next
 * index of its stratum, counted in the same transaction (one atomic upsert), so every server agrees.
 */
export async function insertRandomised(db: Db, post: NewFieldPost, pre: readonly Measure[], stratum: string, armAt: (index: number) => string): Promise<{ arm: string; index: number }> {
  return db.transaction().execute(async (trx) => {
    const counted = await trx
      .insertInto('field_blocks')
      .values({ study_id: post.studyId, stratum, next_index: 1 })
      .onConflict((oc) => oc.columns(['study_id', 'stratum']).doUpdateSet({ next_index: sql<number>`field_blocks.next_index + 1` }))
      .returning('next_index')
      .executeTakeFirstOrThrow();
    const index = Number(counted.next_index) - 1;
    const arm = armAt(index);
    await trx.insertInto('field_posts').values(postRow(post, 'waiting', arm, index)).execute();
    await insertMeasures(trx, post.id, 'pre', pre, post.createdAt);
    return { arm, index };
  });
}

function postRow(p: NewFieldPost, status: FieldStatus, arm: string | null, index: number | null) {
  return {
    id: p.id,
    study_id: p.studyId,
    seeker_hash: p.seekerHash,
    origin: p.origin,
    external_id: p.externalId,
    country: p.country,
    domain: p.domain,
    text: p.text,
    redactions: p.redactions,
    word_count: p.wordCount,
    status,
    arm,
    block_index: index,
    created_at: p.createdAt,
  };
}

async function insertMeasures(db: Db, postId: string, phase: string, rows: readonly Measure[], at: string): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('field_measures')
    .values(rows.map((m) => ({ post_id: postId, phase, item: m.item, value: m.value, created_at: at })))
    .execute();
}

export interface SeekerView {
  readonly post: FieldPostRow;
  readonly reply: FieldReplyRow | undefined;
}

/** A seeker's post, by the hash of their link's token, with its reply once sent. */
export async function postOfSeeker(db: Db, studyId: string, seekerHash: string): Promise<SeekerView | null> {
  const post = await db.selectFrom('field_posts').selectAll().where('study_id', '=', studyId).where('seeker_hash', '=', seekerHash).executeTakeFirst();
  if (!post) return null;
  const reply = await db.selectFrom('field_replies').selectAll().where('post_id', '=', post.id).executeTakeFirst();
  return { post, reply };
}

/**
 * A seeker's answers of one phase, recorded once: the post moves from `from` to `to` and the answers
 * are stored in one transaction; false when the post had already moved (a second submit).
 */
export async function recordSeekerPhase(db: Db, postId: string, from: FieldStatus, to: FieldStatus, stamp: 'rated_at' | 'followed_up_at', rows: ReadonlyArray<{ phase: string } & Measure>, at: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const moved = await trx.updateTable('field_posts').set({ status: to, [stamp]: at }).where('id', '=', postId).where('status', '=', from).executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return false;
    await trx
      .insertInto('field_measures')
      .values(rows.map((m) => ({ post_id: postId, phase: m.phase, item: m.item, value: m.value, created_at: at })))
      .execute();
    return true;
  });
}

export interface QueueItem {
  readonly id: string;
  readonly domain: string;
  readonly word_count: number;
  readonly created_at: string;
  readonly claimed_by: string | null;
  readonly claim_expires_at: string | null;
}

/** Posts waiting for a supporter (the model arm's are answered by the model), oldest first. */
export async function supporterQueue(db: Db, studyId: string): Promise<QueueItem[]> {
  return db
    .selectFrom('field_posts')
    .select(['id', 'domain', 'word_count', 'created_at', 'claimed_by', 'claim_expires_at'])
    .where('study_id', '=', studyId)
    .where('status', '=', 'waiting')
    .where('arm', '!=', 'model')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** A supporter takes a waiting post: free, theirs already, or held past its time by another. */
export async function claimPost(db: Db, studyId: string, postId: string, supporter: string, now: Date, minutes: number): Promise<boolean> {
  const r = await db
    .updateTable('field_posts')
    .set({ claimed_by: supporter, claim_expires_at: new Date(now.getTime() + minutes * 60_000).toISOString() })
    .where('study_id', '=', studyId)
    .where('id', '=', postId)
    .where('status', '=', 'waiting')
    .where('arm', '!=', 'model')
    .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', supporter), eb('claim_expires_at', '<', now.toISOString())]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseClaim(db: Db, postId: string, supporter: string): Promise<void> {
  await db.updateTable('field_posts').set({ claimed_by: null, claim_expires_at: null }).where('id', '=', postId).where('claimed_by', '=', supporter).where('status', '=', 'waiting').execute();
}

export async function fieldPost(db: Db, studyId: string, postId: string): Promise<FieldPostRow | undefined> {
  return db.selectFrom('field_posts').selectAll().where('study_id', '=', studyId).where('id', '=', postId).executeTakeFirst();
}

/** Keeps the model's draft of a post (the first one made, if two servers drafted at once). */
export async function storeDraft(db: Db, postId: string, text: string, provenance: unknown): Promise<string> {
  await db.updateTable('field_posts').set({ draft_text: text, draft_json: JSON.stringify(provenance) }).where('id', '=', postId).where('draft_text', 'is', null).execute();
  const row = await db.selectFrom('field_posts').select('draft_text').where('id', '=', postId).executeTakeFirstOrThrow();
  return row.draft_text ?? text;
}

export interface SentReply {
  readonly postId: string;
  readonly studyId: string;
  readonly arm: string;
  /** The supporter who sent it; null for the model arm. */
  readonly supporter: string | null;
  readonly draft: string | null;
  readonly text: string;
  readonly wordCount: number;
  readonly editDistance: number | null;
  readonly editShare: number | null;
  readonly openedAt: string | null;
  readonly sentAt: string;
  readonly origin: string;
}

/**
 * Sends a reply: the post must still be waiting and, for a supporter, held by them. The reply and
 * the post's new status are one transaction; false when the post was answered or taken meanwhile.
 */
export async function sendReply(db: Db, reply: SentReply): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    let q = trx.updateTable('field_posts').set({ status: 'answered', answered_at: reply.sentAt, claim_expires_at: null }).where('id', '=', reply.postId).where('status', '=', 'waiting');
    q = reply.supporter === null ? q.where('arm', '=', 'model') : q.where('claimed_by', '=', reply.supporter);
    const moved = await q.executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return false;
    await trx
      .insertInto('field_replies')
      .values({
        post_id: reply.postId,
        study_id: reply.studyId,
        arm: reply.arm,
        supporter: reply.supporter,
        draft_text: reply.draft,
        text: reply.text,
        word_count: reply.wordCount,
        edit_distance: reply.editDistance,
        edit_share: reply.editShare,
        opened_at: reply.openedAt,
        sent_at: reply.sentAt,
        origin: reply.origin,
      })
      .execute();
    return true;
  });
}

/** A supporter's flag: the post leaves the queue for good and the study team is alerted. */
export async function flagPost(db: Db, studyId: string, postId: string, supporter: string, reason: string, at: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const moved = await trx.updateTable('field_posts').set({ status: 'flagged', claim_expires_at: null }).where('id', '=', postId).where('status', '=', 'waiting').where('claimed_by', '=', supporter).executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return false;
    await trx.insertInto('field_safety').values({ id: newId(), study_id: studyId, post_id: postId, rule: 'supporter', kind: 'flag', detail: reason, created_at: at }).execute();
    return true;
  });
}

export interface SafetyRow {
  readonly id: string;
  readonly post_id: string;
  readonly rule: string;
  readonly kind: string;
  readonly detail: string;
  readonly created_at: string;
  readonly seen_at: string | null;
  readonly country: string;
  readonly domain: string;
  readonly text: string;
}

/** The safety log, newest first, with each post as the team may read it (redacted). */
export async function safetyLog(db: Db, studyId: string): Promise<SafetyRow[]> {
  return db
    .selectFrom('field_safety as s')
    .innerJoin('field_posts as p', 'p.id', 's.post_id')
    .select(['s.id', 's.post_id', 's.rule', 's.kind', 's.detail', 's.created_at', 's.seen_at', 'p.country', 'p.domain', 'p.text'])
    .where('s.study_id', '=', studyId)
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id')
    .execute();
}

/** Marks every entry of a post's alert as seen by the study team. */
export async function markAlertSeen(db: Db, studyId: string, postId: string, at: string): Promise<void> {
  await db.updateTable('field_safety').set({ seen_at: at }).where('study_id', '=', studyId).where('post_id', '=', postId).where('seen_at', 'is', null).execute();
}

/** Posts by status and arm (counts only: nobody peeks at outcomes while the study runs). */
export async function fieldCounts(db: Db, studyId: string): Promise<Array<{ status: string; arm: string | null; n: number }>> {
  const rows = await db
    .selectFrom('field_posts')
    .select(['status', 'arm', (eb) => eb.fn.countAll<number>().as('n')])
    .where('study_id', '=', studyId)
    .groupBy(['status', 'arm'])
    .execute();
  return rows.map((r) => ({ status: r.status, arm: r.arm, n: Number(r.n) }));
}

export interface FieldData {
  readonly posts: FieldPostRow[];
  readonly replies: FieldReplyRow[];
  readonly measures: Array<{ post_id: string; phase: string; item: string; value: number; created_at: string }>;
  readonly safety: Array<{ post_id: string; rule: string; kind: string; detail: string; created_at: string; seen_at: string | null }>;
}

/** Everything the analysis and the export read, in a stable order. */
export async function fieldData(db: Db, studyId: string): Promise<FieldData> {
  const posts = await db.selectFrom('field_posts').selectAll().where('study_id', '=', studyId).orderBy('created_at').orderBy('id').execute();
  const replies = await db.selectFrom('field_replies').selectAll().where('study_id', '=', studyId).orderBy('sent_at').orderBy('post_id').execute();
  const measures = await db
    .selectFrom('field_measures as m')
    .innerJoin('field_posts as p', 'p.id', 'm.post_id')
    .select(['m.post_id', 'm.phase', 'm.item', 'm.value', 'm.created_at'])
    .where('p.study_id', '=', studyId)
    .orderBy('m.post_id')
    .orderBy('m.phase')
    .orderBy('m.item')
    .execute();
  const safety = await db.selectFrom('field_safety').select(['post_id', 'rule', 'kind', 'detail', 'created_at', 'seen_at']).where('study_id', '=', studyId).orderBy('created_at').orderBy('id').execute();
  return { posts, replies, measures: measures.map((m) => ({ ...m, value: Number(m.value) })), safety };
}

export interface SimulatedFieldRows {
  readonly posts: ReadonlyArray<NewFieldPost & { status: FieldStatus; arm: string | null; blockIndex: number | null; answeredAt: string | null; ratedAt: string | null; followedUpAt: string | null }>;
  readonly replies: readonly SentReply[];
  readonly measures: ReadonlyArray<{ postId: string; phase: string } & Measure & { at: string }>;
  readonly safety: ReadonlyArray<SafetyEntry & { postId: string; at: string }>;
}

/** A simulated field study in one transaction (a failure leaves nothing behind). */
export async function insertSimulatedField(db: Db, studyId: string, rows: SimulatedFieldRows): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const batch of chunks(rows.posts, 24))
      await trx
        .insertInto('field_posts')
        .values(batch.map((p) => ({ ...postRow({ ...p, studyId }, p.status, p.arm, p.blockIndex), answered_at: p.answeredAt, rated_at: p.ratedAt, followed_up_at: p.followedUpAt })))
        .execute();
    for (const batch of chunks(rows.replies, 12))
      await trx
        .insertInto('field_replies')
        .values(
          batch.map((r) => ({
            post_id: r.postId,
            study_id: studyId,
            arm: r.arm,
            supporter: r.supporter,
            draft_text: r.draft,
            text: r.text,
            word_count: r.wordCount,
            edit_distance: r.editDistance,
            edit_share: r.editShare,
            opened_at: r.openedAt,
            sent_at: r.sentAt,
            origin: r.origin,
          })),
        )
        .execute();
    for (const batch of chunks(rows.measures, 5)) await trx.insertInto('field_measures').values(batch.map((m) => ({ post_id: m.postId, phase: m.phase, item: m.item, value: m.value, created_at: m.at }))).execute();
    for (const batch of chunks(rows.safety, 7))
      await trx.insertInto('field_safety').values(batch.map((s) => ({ id: newId(), study_id: studyId, post_id: s.postId, rule: s.rule, kind: s.kind, detail: s.detail, created_at: s.at }))).execute();
  });
}

/** Whether the study already holds field posts (simulate adds to an empty study only). */
export async function hasFieldPosts(db: Db, studyId: string): Promise<boolean> {
  return (await db.selectFrom('field_posts').select('id').where('study_id', '=', studyId).executeTakeFirst()) !== undefined;
}
