import type { Db, NewResponse, ResponseRow } from './tables.js';
import { chunks } from './ids.js';

/** The natural key of a response: one per post, source, condition, sample and variant. */
export const responseKey = (postId: string, source: string, condition = 'base', sampleIndex = 0, variant = ''): string =>
  `${postId}\u0000${source}\u0000${condition}\u0000${sampleIndex}\u0000${variant}`;

export async function insertResponses(db: Db, rows: readonly NewResponse[]): Promise<void> {
  for (const batch of chunks(rows, 26)) await db.insertInto('responses').values(batch).execute();
}

export async function responsesByKey(db: Db, studyId: string): Promise<Map<string, Pick<ResponseRow, 'id' | 'text' | 'source' | 'post_id'>>> {
  const rows = await db
    .selectFrom('responses')
    .select(['id', 'post_id', 'source', 'condition', 'sample_index', 'variant', 'text'])
    .where('study_id', '=', studyId)
    .execute();
  return new Map(rows.map((r) => [responseKey(r.post_id, r.source, r.condition, r.sample_index, r.variant), r]));
}

export async function countResponsesBySource(
  db: Db,
  studyId: string,
): Promise<Array<{ source: string; condition: string; responses: number }>> {
  const rows = await db
    .selectFrom('responses')
    .select(['source', 'condition', db.fn.countAll<string | number>().as('n')])
    .where('study_id', '=', studyId)
    .groupBy(['source', 'condition'])
    .orderBy('source')
    .orderBy('condition')
    .execute();
  return rows.map((r) => ({ source: r.source, condition: r.condition, responses: Number(r.n) }));
}

/** Original (non-variant) replies with text, joined to their post, in a stable order. */
export function listResponsesWithPosts(db: Db, studyId: string) {
  return db
    .selectFrom('responses as r')
    .innerJoin('posts as p', 'p.id', 'r.post_id')
    .select(['r.id as id', 'p.external_id as post', 'p.id as post_id', 'p.domain as domain', 'r.source as source', 'r.condition as condition', 'r.sample_index as sample', 'r.text as text', 'r.parent_id as parent'])
    .where('r.study_id', '=', studyId)
    .where('r.variant', '=', '')
    .where('r.text', '!=', '')
    .orderBy('p.external_id')
    .orderBy('r.source')
    .orderBy('r.condition')
    .orderBy('r.sample_index')
    .execute();
}

/** Records the prompt texts of a run by hash (once per study and hash), so the report can show them. */
export async function recordPrompts(db: Db, studyId: string, prompts: ReadonlyArray<{ hash: string; file: string; text: string }>, createdAt: string): Promise<void> {
  for (const p of prompts)
    await db
      .insertInto('prompts')
      .values({ study_id: studyId, hash: p.hash, file: p.file, text: p.text, created_at: createdAt })
      .onConflict((oc) => oc.columns(['study_id', 'hash']).doNothing())
      .execute();
}

/**
 * How every original reply of a study was made, as the database records it: provider, model, the
 * parameters sent, the prompt's hash, the checks and the blinding transforms; which replies were
 * rated; and the prompt texts on record.
 */
export async function replyRecord(db: Db, studyId: string) {
  const replies = await db
    .selectFrom('responses')
    .select(['id', 'source', 'condition', 'provider', 'model', 'params_json', 'prompt_hash', 'checks_json', 'transforms_json', 'text'])
    .where('study_id', '=', studyId)
    .where('variant', '=', '')
    .orderBy('source')
    .orderBy('condition')
    .orderBy('id')
    .execute();
  const rated = await db.selectFrom('ratings').select('response_id').distinct().where('study_id', '=', studyId).execute();
  const prompts = await db.selectFrom('prompts').select(['hash', 'file', 'text']).where('study_id', '=', studyId).orderBy('hash').execute();
  return {
    replies: replies.map(({ params_json, checks_json, transforms_json, ...r }) => ({ ...r, params: decodeObject(params_json), checks: decodeChecks(checks_json), transforms: decodeTransforms(transforms_json) })),
    rated: new Set(rated.map((r) => r.response_id)),
    prompts,
  };
}

export type ReplyRecord = Awaited<ReturnType<typeof replyRecord>>;

/** Original replies with text (the rating app's content), in a stable order. */
export function contentResponses(db: Db, studyId: string) {
  return db
    .selectFrom('responses')
    .select(['id', 'post_id', 'source', 'condition', 'text', 'parent_id'])
    .where('study_id', '=', studyId)
    .where('variant', '=', '')
    .where('text', '!=', '')
    .orderBy('post_id')
    .orderBy('source')
    .orderBy('condition')
    .orderBy('sample_index')
    .execute();
}

/** Generated (not imported) original replies of these sources whose checks failed. */
export async function failedCheckReplies(db: Db, studyId: string, sources: readonly string[]): Promise<string[]> {
  if (sources.length === 0) return [];
  const rows = await db
    .selectFrom('responses')
    .select(['id', 'checks_json'])
    .where('study_id', '=', studyId)
    .where('variant', '=', '')
    .where('source', 'in', [...sources])
    .where('provider', '!=', 'imported')
    .execute();
  return rows.filter((r) => decodeChecks(r.checks_json).passed === false).map((r) => r.id);
}

/** Keeps replies as history: each moves to the variant `superseded-<id>`, so its unit is missing again. */
export async function supersedeReplies(db: Db, ids: readonly string[]): Promise<void> {
  for (const id of ids) await db.updateTable('responses').set({ variant: `superseded-${id}` }).where('id', '=', id).execute();
}

function decodeObject(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The one decoder of `responses.checks_json` (as `generate/checks.ts` writes it). */
export function decodeChecks(json: string): { passed?: boolean; words?: number } & Record<string, unknown> {
  return decodeObject(json);
}

/** The one decoder of `responses.transforms_json`: the names of the transforms that changed the reply. */
export function decodeTransforms(json: string): string[] {
  let t: unknown;
  try {
    t = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(t)) return [];
  const names = t.map((x: unknown) => (x && typeof x === 'object' && typeof (x as { transform?: unknown }).transform === 'string' ? (x as { transform: string }).transform : ''));
  return [...new Set(names.filter((x) => x !== ''))];
}

/** Original replies with text (of some sources, or all), the parents of style variants. */
export function variantParents(db: Db, studyId: string, sources?: readonly string[]) {
  let q = db.selectFrom('responses').selectAll().where('study_id', '=', studyId).where('variant', '=', '').where('text', '!=', '');
  if (sources) q = q.where('source', 'in', [...sources]);
  return q.execute();
}

/** The variants already made: `parent \0 variant`. */
export async function existingVariants(db: Db, studyId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('responses').select(['parent_id', 'variant']).where('study_id', '=', studyId).where('parent_id', 'is not', null).execute();
  return new Set(rows.map((r) => `${r.parent_id}\u0000${r.variant}`));
}

/** A variant arm's derived replies (rated or flagged), by parent. */
export function armReplies(db: Db, studyId: string, arm: string) {
  return db.selectFrom('responses').select(['id', 'parent_id']).where('study_id', '=', studyId).where('source', '=', arm).where('parent_id', 'is not', null).execute();
}
