import { UserError } from '../errors.js';
import type { RatingsFileSpec } from '../study/schema.js';
import { sha256 } from '../study/hash.js';
import { newId, nowIso } from '../store/ids.js';
import { recordImport } from '../store/imports.repository.js';
import { insertParticipants, participantsByExternalId } from '../store/participants.repository.js';
import { insertPosts, postsByExternalId } from '../store/posts.repository.js';
import { insertRatings, ratingKey, ratingValuesByKey } from '../store/ratings.repository.js';
import { insertResponses, responseKey, responsesByKey } from '../store/responses.repository.js';
import type { NewParticipant, NewPost, NewRating, NewResponse } from '../store/tables.js';
import { cellWhere, requireColumns, type Table, type TableRecord } from './table.js';
import { cell, checkValue, labelsFor, requireNonEmpty, type ImportContext, type ImportResult } from './import-context.js';

/** Placeholder domain for posts created from ratings that carry no domain column. */
export const UNSPECIFIED_DOMAIN = 'unspecified';

/** Compiles a wide-export column pattern, anchored, with its named groups checked. */
export function compileColumnPattern(pattern: string, needScale: boolean, where: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new UserError(`invalid column pattern: ${(err as Error).message}`, where, 'fix the regular expression', { cause: err });
  }
  const groups = ['post', 'source', ...(needScale ? ['scale'] : [])];
  for (const g of groups) {
    if (!pattern.includes(`(?<${g}>`)) {
      throw new UserError(`the column pattern has no named group "${g}"`, where, `write it as (?<${g}>...), e.g. s(?<post>\\d+)_(?<source>[a-z0-9]+)_(?<scale>app|emp)`);
    }
  }
  return re;
}

interface Cell {
  readonly record: TableRecord;
  readonly column: string;
  readonly rater: string;
  readonly post: string;
  readonly source: string;
  readonly scale: string;
  readonly domain: string;
  readonly raw: string;
  /** The rater's panel ('' when neither a panel column nor the entry's `panel` says). */
  readonly panel: string;
}

/** The cells of a file, read by layout: each rating with its row, column and raw labels. */
interface ReadCells {
  readonly cells: Cell[];
  /** Wide layout: each rater's other columns (age, an attention check), kept as attributes. */
  readonly attributes: Map<string, Record<string, string>>;
  readonly missing: number;
}

/** Wide layout: one row per participant, one column per post x source x scale named by `pattern`. */
function readWide(ctx: ImportContext, table: Table, spec: RatingsFileSpec, alias: (label: string) => string, prefix: string): ReadCells {
  const cols = spec.columns;
  const cells: Cell[] = [];
  const attributes = new Map<string, Record<string, string>>();
  let missing = 0;
  const where = `${table.file}:1`;
  if (!spec.pattern) throw new UserError('a wide ratings file needs a column pattern', where, 'pass --pattern "s(?<post>\\d+)_(?<source>[a-z0-9]+)_(?<scale>app|emp)"');
  const re = compileColumnPattern(spec.pattern, !spec.scale, where);
  requireColumns(table, { rater: cols.rater });
  const matched: Array<{ column: string; groups: Record<string, string> }> = [];
  const other: string[] = [];
  for (const c of table.columns) {
    if (c === cols.rater) continue;
    const m = re.exec(c);
    if (m?.groups) matched.push({ column: c, groups: m.groups });
    else other.push(c);
  }
  if (matched.length === 0) throw new UserError(`no column matches the pattern ${spec.pattern}`, where, `check the pattern against the header: ${table.columns.slice(0, 8).join(', ')}`);
  const firstLine = new Map<string, number>();
  for (const record of table.records) {
    ctx.tick?.();
    const rater = requireNonEmpty(cell(table, record, cols.rater), 'rater id', table, record, cols.rater);
    const seenAt = firstLine.get(rater);
    if (seenAt !== undefined)
      throw new UserError(`rater "${rater}" has a second row (first on line ${seenAt})`, cellWhere(table, record, cols.rater), 'keep one row per participant');
    firstLine.set(rater, record.line);
    attributes.set(rater, Object.fromEntries(other.map((c) => [c, cell(table, record, c)])));
    for (const { column, groups } of matched) {
      const raw = cell(table, record, column);
      if (raw === '') {
        missing++;
        continue;
      }
      const g = groups as { post: string; source: string; scale?: string };
      cells.push({ record, column, rater, post: prefix + alias(g.post), source: g.source, scale: g.scale ?? spec.scale ?? '', domain: '', raw, panel: spec.panel ?? '' });
    }
  }
  return { cells, attributes, missing };
}

/** Long layout: one row per rating (or per rater, post and source with several value columns). */
function readLong(ctx: ImportContext, table: Table, spec: RatingsFileSpec, alias: (label: string) => string, prefix: string): ReadCells {
  const cols = spec.columns;
  const cells: Cell[] = [];
  let missing = 0;
  // The scale of each value: a mapping of value columns to scales, a scale column (named, or
  // `scale` when the file has one), or one scale for the whole file.
  const scaleColumn = cols.scale ?? (!spec.scale && !cols.values && table.columns.includes('scale') ? 'scale' : undefined);
  const valueColumns: Array<{ column: string; scale?: string }> = cols.values ? Object.entries(cols.values).map(([column, scale]) => ({ column, scale })) : [{ column: cols.value }];
  requireColumns(table, { rater: cols.rater, post: cols.post, source: cols.source, scale: scaleColumn, domain: cols.domain, panel: cols.panel, ...Object.fromEntries(valueColumns.map((v) => [`value${v.scale ? ` (${v.scale})` : ''}`, v.column])) });
  if (!scaleColumn && !spec.scale && !cols.values) {
    throw new UserError(
      'the file has no scale column and no scale was named',
      `${table.file}:1`,
      `name the scale (--scale SCALE, or \`scale:\` on the corpus entry), map a scale column (--columns scale=NAME), or map value columns to scales (\`columns: { values: { app: appropriateness, emp: empathy } }\`)`,
    );
  }
  for (const record of table.records) {
    ctx.tick?.();
    for (const v of valueColumns) {
      const raw = cell(table, record, v.column);
      if (raw === '') {
        missing++;
        continue;
      }
      cells.push({
        record,
        column: v.column,
        rater: requireNonEmpty(cell(table, record, cols.rater), 'rater id', table, record, cols.rater),
        post: prefix + alias(requireNonEmpty(cell(table, record, cols.post), 'post id', table, record, cols.post)),
        source: requireNonEmpty(cell(table, record, cols.source), 'source', table, record, cols.source),
        scale: v.scale ?? (scaleColumn ? requireNonEmpty(cell(table, record, scaleColumn), 'scale', table, record, scaleColumn) : (spec.scale as string)),
        domain: cols.domain ? cell(table, record, cols.domain) : '',
        raw,
        panel: cols.panel ? requireNonEmpty(cell(table, record, cols.panel), 'panel', table, record, cols.panel) : (spec.panel ?? ''),
      });
    }
  }
  return { cells, attributes: new Map(), missing };
}

/**
 * Ratings collected elsewhere (another survey tool), in either layout:
 * - long: one row per rating (rater, post, source, scale or a fixed `--scale`, value);
 * - wide: one row per participant, one column per post x source x scale, the column names parsed by
 *   `pattern`; columns that do not match become participant attributes (age, an attention check).
 * Empty cells are missing values, never zeros. Labels go through `aliases` before they are checked.
 */
export async function importRatings(ctx: ImportContext, table: Table, spec: RatingsFileSpec): Promise<ImportResult> {
  const cols = spec.columns;
  const labels = labelsFor(ctx.study, spec.aliases);
  const prefix = spec.id_prefix ?? '';
  const { cells, attributes, missing } = spec.layout === 'wide' ? readWide(ctx, table, spec, labels.alias, prefix) : readLong(ctx, table, spec, labels.alias, prefix);

  const now = nowIso();
  const posts = await postsByExternalId(ctx.db, ctx.studyId);
  const responses = await responsesByKey(ctx.db, ctx.studyId);
  const participants = await participantsByExternalId(ctx.db, ctx.studyId);
  const existing = await ratingValuesByKey(ctx.db, ctx.studyId);
  const newPosts: NewPost[] = [];
  const newResponses: NewResponse[] = [];
  const newParticipants: NewParticipant[] = [];
  const rows: NewRating[] = [];
  const firstSeen = new Map<string, string>();
  let unchanged = 0;

  for (const c of cells) {
    const where = (column: string | undefined) => cellWhere(table, c.record, column ?? c.column);
    const wide = spec.layout === 'wide';
    const scale = labels.scale(c.scale, where(wide || cols.values ? c.column : (cols.scale ?? 'scale')));
    const value = checkValue(c.raw, scale, where(c.column), table.decimalComma);
    const source = labels.source(c.source, where(wide ? c.column : cols.source));

    let post = posts.get(c.post);
    if (!post) {
      if (!spec.create_missing) {
        throw new UserError(`no post "${c.post}" in the study`, where(wide ? c.column : cols.post), 'import the posts first, fix the id, or pass --create-missing to make placeholder posts');
      }
      const domain = c.domain ? labels.domain(c.domain, where(cols.domain)) : UNSPECIFIED_DOMAIN;
      const row: NewPost = {
        id: newId(),
        study_id: ctx.studyId,
        external_id: c.post,
        domain,
        title: null,
        text: '',
        word_count: 0,
        metadata_json: JSON.stringify({ placeholder: true }),
        import_id: null,
        created_at: now,
      };
      newPosts.push(row);
      post = { id: row.id, text: '', domain, title: null };
      posts.set(c.post, post);
    }

    const rKey = responseKey(post.id, source);
    let response = responses.get(rKey);
    if (!response) {
      if (!spec.create_missing) {
        throw new UserError(`post "${c.post}" has no ${source} reply in the study`, where(wide ? c.column : cols.source), 'import the replies first, or pass --create-missing to make placeholder responses');
      }
      const row: NewResponse = {
        id: newId(),
        study_id: ctx.studyId,
        post_id: post.id,
        source,
        parent_id: null,
        text: '',
        word_count: 0,
        author: null,
        provider: 'imported',
        model: null,
        prompt_hash: null,
        content_hash: ctx.contentHash,
        tokens_in: null,
        tokens_out: null,
        cost_usd: null,
        latency_ms: null,
        finish_reason: null,
        transforms_json: JSON.stringify([{ placeholder: true }]),
        import_id: null,
        created_at: now,
      };
      newResponses.push(row);
      response = { id: row.id, text: '', source, post_id: post.id };
      responses.set(rKey, response);
    }

    const declaredPanels = ctx.study.recruitment.panels.map((p) => p.id);
    if (c.panel !== '' && declaredPanels.length > 0 && !declaredPanels.includes(c.panel))
      throw new UserError(`panel "${c.panel}" is not a panel of this study`, where(spec.columns.panel ?? c.column), `use one of ${declaredPanels.join(', ')} (recruitment.panels)`);
    let participant = participants.get(c.rater);
    if (participant && participant.panel !== c.panel)
      throw new UserError(`rater "${c.rater}" is in panel "${participant.panel}" and here in "${c.panel}"`, where(spec.columns.panel ?? c.column), 'a rater belongs to one panel; give each panel its own rater ids');
    if (!participant) {
      const row: NewParticipant = {
        id: newId(),
        study_id: ctx.studyId,
        external_id: c.rater,
        origin: 'imported',
        status: 'imported',
        prolific_study_id: null,
        prolific_session_id: null,
        attributes_json: JSON.stringify(attributes.get(c.rater) ?? {}),
        completion_code: null,
        started_at: null,
        completed_at: null,
        total_seconds: null,
        import_id: null,
        created_at: now,
        panel: c.panel,
      };
      newParticipants.push(row);
      participant = { id: row.id, attributes_json: row.attributes_json as string, panel: c.panel };
      participants.set(c.rater, participant);
    }

    const key = ratingKey(participant.id, response.id, scale.id);
    const seenAt = firstSeen.get(key);
    if (seenAt !== undefined) {
      throw new UserError(`rater "${c.rater}" rated the ${source} reply to post "${c.post}" on ${scale.id} twice (first at ${seenAt})`, where(c.column), 'keep one rating per rater, reply and scale');
    }
    firstSeen.set(key, `line ${c.record.line}`);
    const before = existing.get(key);
    if (before !== undefined) {
      if (before === value) {
        unchanged++;
        continue;
      }
      throw new UserError(`rater "${c.rater}" already has a different ${scale.id} rating of this reply in the study (${before})`, where(c.column), 'remove the changed row, or start a new study database');
    }
    rows.push({
      id: newId(),
      study_id: ctx.studyId,
      participant_id: participant.id,
      response_id: response.id,
      scale: scale.id,
      value,
      rt_ms: null,
      idempotency_key: null,
      origin: 'imported',
      content_hash: ctx.contentHash,
      import_id: null,
      created_at: now,
    });
  }

  if (rows.length > 0 || newParticipants.length > 0) {
    const importId = await recordImport(ctx.db, {
      studyId: ctx.studyId,
      kind: 'ratings',
      file: table.file,
      fileSha256: sha256(table.sha256Input),
      rowsRead: table.records.length,
      rowsInserted: rows.length,
    });
    await insertPosts(ctx.db, newPosts.map((r) => ({ ...r, import_id: importId })));
    await insertResponses(ctx.db, newResponses.map((r) => ({ ...r, import_id: importId })));
    await insertParticipants(ctx.db, newParticipants.map((r) => ({ ...r, import_id: importId })));
    await insertRatings(ctx.db, rows.map((r) => ({ ...r, import_id: importId })));
  }
  const created: Record<string, number> = {};
  if (newParticipants.length) created.participants = newParticipants.length;
  if (newPosts.length) created.posts = newPosts.length;
  if (newResponses.length) created.responses = newResponses.length;
  return { kind: 'ratings', file: table.file, rowsRead: table.records.length, inserted: rows.length, unchanged, missing, created };
}
