import { UserError } from '../errors.js';
import { countWords } from '../language/words.js';
import type { PostsFileSpec } from '../study/schema.js';
import { newId, nowIso } from '../store/ids.js';
import { recordImport } from '../store/imports.repository.js';
import { insertPosts, postsByExternalId } from '../store/posts.repository.js';
import type { NewPost } from '../store/tables.js';
import { sha256 } from '../study/hash.js';
import { cellWhere, requireColumns, type Table } from './table.js';
import { cell, checkLength, labelsFor, requireNonEmpty, type ImportContext, type ImportResult } from './import-context.js';

/** Support-seeking posts: one row each, with id, domain, text, an optional title and metadata. */
export async function importPosts(ctx: ImportContext, table: Table, spec: PostsFileSpec): Promise<ImportResult> {
  const cols = spec.columns;
  requireColumns(table, { id: cols.id, domain: cols.domain, text: cols.text, title: cols.title });
  for (const m of spec.metadata) requireColumns(table, { metadata: m }, 'the manifest\'s `metadata` list');

  const labels = labelsFor(ctx.study, spec.aliases);
  const prefix = spec.id_prefix ?? '';
  const existing = await postsByExternalId(ctx.db, ctx.studyId);
  const firstLine = new Map<string, number>();
  const rows: NewPost[] = [];
  let unchanged = 0;
  const now = nowIso();
  for (const record of table.records) {
    ctx.tick?.();
    const id = prefix + requireNonEmpty(cell(table, record, cols.id), 'post id', table, record, cols.id);
    const where = cellWhere(table, record, cols.id);
    const seenAt = firstLine.get(id);
    if (seenAt !== undefined) throw new UserError(`duplicate post id "${id}" (first on line ${seenAt})`, where, 'give every post a unique id');
    firstLine.set(id, record.line);
    const domain = labels.domain(cell(table, record, cols.domain), cellWhere(table, record, cols.domain));
    const text = checkLength(ctx.study, requireNonEmpty(cell(table, record, cols.text), 'post text', table, record, cols.text), cellWhere(table, record, cols.text), spec.allow_long_cells);
    const title = cols.title ? cell(table, record, cols.title) || null : null;
    const before = existing.get(id);
    if (before) {
      if (before.text === text && before.domain === domain) {
        unchanged++;
        continue;
      }
      throw new UserError(
        `post "${id}" is already in the study with a different ${before.text === text ? `domain ("${before.domain}" there, "${domain}" here)` : 'text'}${before.source ? ` (from ${before.source})` : ''}`,
        where,
        'give the changed post a new id, or set `id_prefix` on this corpus entry so its ids cannot collide with another file\'s',
      );
    }
    const metadata = Object.fromEntries(spec.metadata.map((m) => [m, record.values[m] ?? '']));
    rows.push({
      id: newId(),
      study_id: ctx.studyId,
      external_id: id,
      domain,
      title,
      text,
      word_count: countWords(text),
      metadata_json: JSON.stringify(metadata),
      import_id: null,
      created_at: now,
    });
  }
  if (rows.length > 0) {
    const importId = await recordImport(ctx.db, {
      studyId: ctx.studyId,
      kind: 'posts',
      file: table.file,
      fileSha256: sha256(table.sha256Input),
      rowsRead: table.records.length,
      rowsInserted: rows.length,
    });
    await insertPosts(ctx.db, rows.map((r) => ({ ...r, import_id: importId })));
  }
  return { kind: 'posts', file: table.file, rowsRead: table.records.length, inserted: rows.length, unchanged, missing: 0, created: {} };
}
