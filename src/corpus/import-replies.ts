import { UserError } from '../errors.js';
import { countWords } from '../language/words.js';
import type { RepliesFileSpec } from '../study/schema.js';
import { sha256 } from '../study/hash.js';
import { newId, nowIso } from '../store/ids.js';
import { recordImport } from '../store/imports.repository.js';
import { insertPosts, postsByExternalId } from '../store/posts.repository.js';
import { insertResponses, responseKey, responsesByKey } from '../store/responses.repository.js';
import type { NewPost, NewResponse } from '../store/tables.js';
import { cellWhere, columnNumber, requireColumns, type Table } from './table.js';
import { cell, checkLength, labelsFor, requireNonEmpty, type ImportContext, type ImportResult } from './import-context.js';

/**
 * Replies to posts, in either layout:
 * - long: one row per reply (post id, text, optional source and author columns);
 * - wide: one row per post, one column per source (`post_id, domain, seeker_post, human, model_a`).
 *   With `post_text` (and `domain`) mapped, posts not yet in the study are created from the file.
 * Every reply is stored with `provider: imported`; an empty wide cell is a missing reply.
 */
export async function importReplies(ctx: ImportContext, table: Table, spec: RepliesFileSpec): Promise<ImportResult> {
  const cols = spec.columns;
  const labels = labelsFor(ctx.study, spec.aliases);
  const prefix = spec.id_prefix ?? '';
  const posts = await postsByExternalId(ctx.db, ctx.studyId);
  const existing = await responsesByKey(ctx.db, ctx.studyId);
  const now = nowIso();

  let sourceColumns: Array<{ column: string; source: string }> = [];
  if (spec.layout === 'wide') {
    requireColumns(table, { post: cols.post, post_text: cols.post_text, domain: cols.domain, author: cols.author });
    const declared = ctx.study.sources.map((s) => s.id);
    const mapped = new Set([cols.post, cols.post_text, cols.domain, cols.author, ...spec.ignore_columns].filter((c): c is string => c !== undefined));
    if (spec.sources) {
      for (const c of spec.sources) {
        requireColumns(table, { [`source ${c}`]: c }, '--sources');
        sourceColumns.push({ column: c, source: labels.source(c, `${table.file}:1:${columnNumber(table, c)}`) });
      }
    } else {
      // Every other column is a source, by its name or an alias; a column that is neither is an error, not dropped.
      for (const c of table.columns) {
        if (mapped.has(c)) continue;
        const where = `${table.file}:1:${columnNumber(table, c)}`;
        const source = labels.alias(c);
        if (!declared.includes(source))
          throw new UserError(
            `the column "${c}" is named like no source of the study (sources: ${declared.join(', ')})`,
            where,
            `map it with \`aliases: { ${c}: SOURCE }\`, declare the source under \`sources\`, or list it under \`ignore_columns\``,
          );
        sourceColumns.push({ column: c, source });
      }
    }
    if (sourceColumns.length === 0) {
      throw new UserError(
        `no column holds replies (sources: ${declared.join(', ')}; columns: ${table.columns.join(', ')})`,
        `${table.file}:1`,
        'name the reply columns after the sources, map them with `aliases`, or list them with --sources',
      );
    }
  } else {
    requireColumns(table, { post: cols.post, text: cols.text, source: cols.source, author: cols.author });
  }

  const newPosts: NewPost[] = [];
  const rows: NewResponse[] = [];
  const firstLine = new Map<string, number>();
  let unchanged = 0;
  let missing = 0;

  const postIdFor = (postExt: string, record: Table['records'][number]): string => {
    const known = posts.get(postExt);
    // A file that carries its posts must agree with the post of that id already in the study.
    if (known && spec.layout === 'wide' && cols.post_text) {
      const text = cell(table, record, cols.post_text);
      const domain = cols.domain ? labels.domain(cell(table, record, cols.domain), cellWhere(table, record, cols.domain)) : known.domain;
      if (text !== known.text || domain !== known.domain)
        throw new UserError(
          `post "${postExt}" is already in the study with a different ${text !== known.text ? 'text' : `domain ("${known.domain}" there, "${domain}" here)`}${known.source ? ` (imported from ${known.source})` : ''}`,
          cellWhere(table, record, text !== known.text ? cols.post_text : (cols.domain as string)),
          'if these are different posts, set `id_prefix` on this corpus entry (e.g. `id_prefix: "s2-"`) so the two files\' ids cannot collide',
        );
    }
    if (known) return known.id;
    if (spec.layout === 'wide' && cols.post_text) {
      const text = checkLength(ctx.study, requireNonEmpty(cell(table, record, cols.post_text), 'post text', table, record, cols.post_text), cellWhere(table, record, cols.post_text), spec.allow_long_cells);
      const domain = labels.domain(cols.domain ? cell(table, record, cols.domain) : '', cellWhere(table, record, cols.domain ?? cols.post));
      const row: NewPost = {
        id: newId(),
        study_id: ctx.studyId,
        external_id: postExt,
        domain,
        title: null,
        text,
        word_count: countWords(text),
        import_id: null,
        created_at: now,
      };
      newPosts.push(row);
      posts.set(postExt, { id: row.id, text, domain, title: null, source: table.file });
      return row.id;
    }
    throw new UserError(
      `no post "${postExt}" in the study`,
      cellWhere(table, record, cols.post),
      'import the posts first (`empathy-lab import --posts FILE`) or fix the post id',
    );
  };

  const whereOf = new Map<string, string>();
  const postExtOf = new Map<string, string>();
  const add = (postId: string, postExt: string, source: string, text: string, author: string | null, where: string, line: number) => {
    const key = responseKey(postId, source);
    const seenAt = firstLine.get(key);
    if (seenAt !== undefined)
      throw new UserError(`a second ${source} reply to post "${postExt}" (first on line ${seenAt})`, where, 'keep one reply per post and source');
    firstLine.set(key, line);
    const before = existing.get(key);
    if (before) {
      if (before.text === text) return void unchanged++;
      throw new UserError(`post "${postExt}" already has a different ${source} reply`, where, 'remove the changed reply from the file, or start a new study database');
    }
    const id = newId();
    whereOf.set(id, where);
    postExtOf.set(postId, postExt);
    rows.push({
      id,
      study_id: ctx.studyId,
      post_id: postId,
      source,
      parent_id: null,
      text,
      word_count: countWords(text),
      author,
      provider: 'imported',
      model: null,
      prompt_hash: null,
      content_hash: ctx.contentHash,
      tokens_in: null,
      tokens_out: null,
      cost_usd: null,
      latency_ms: null,
      finish_reason: null,
      import_id: null,
      created_at: now,
    });
  };

  for (const record of table.records) {
    ctx.tick?.();
    const postExt = prefix + requireNonEmpty(cell(table, record, cols.post), 'post id', table, record, cols.post);
    const postId = postIdFor(postExt, record);
    if (spec.layout === 'wide') {
      for (const { column, source } of sourceColumns) {
        const text = cell(table, record, column);
        if (text === '') {
          missing++;
          continue;
        }
        add(postId, postExt, source, checkLength(ctx.study, text, cellWhere(table, record, column), spec.allow_long_cells), cols.author ? cell(table, record, cols.author) || null : null, cellWhere(table, record, column), record.line);
      }
    } else {
      const raw = cols.source ? requireNonEmpty(cell(table, record, cols.source), 'source', table, record, cols.source) : spec.source;
      const source = labels.source(raw, cols.source ? cellWhere(table, record, cols.source) : `${table.file}:${record.line}`);
      const text = checkLength(ctx.study, requireNonEmpty(cell(table, record, cols.text), 'reply text', table, record, cols.text), cellWhere(table, record, cols.text), spec.allow_long_cells);
      add(postId, postExt, source, text, cols.author ? cell(table, record, cols.author) || null : null, cellWhere(table, record, cols.text), record.line);
    }
  }

  // A variant arm's replies made elsewhere are linked to their parent: the parent source's reply to
  // the same post, already in the study or in this import. Without one they could not be kept from
  // the rater who sees the parent.
  const arms = new Map(ctx.study.sources.flatMap((x) => (x.kind === 'variant' ? [[x.id, x.of] as const] : [])));
  const added = arms.size ? new Map(rows.map((x) => [responseKey(x.post_id, x.source), x.id])) : new Map<string, string>();
  for (const r of rows) {
    const of = arms.get(r.source);
    if (of === undefined) continue;
    const key = responseKey(r.post_id, of);
    const parent = existing.get(key)?.id ?? added.get(key);
    const where = whereOf.get(r.id) ?? table.file;
    if (!parent) throw new UserError(`the ${r.source} reply to post "${postExtOf.get(r.post_id) ?? r.post_id}" has no ${of} reply to derive from`, where, `import ${of}'s replies first (or in the same file); ${r.source} is a variant of ${of}`);
    r.parent_id = parent;
  }

  if (rows.length > 0 || newPosts.length > 0) {
    const importId = await recordImport(ctx.db, {
      studyId: ctx.studyId,
      kind: 'replies',
      file: table.file,
      fileSha256: sha256(table.sha256Input),
      rowsRead: table.records.length,
      rowsInserted: rows.length,
    });
    await insertPosts(ctx.db, newPosts.map((p) => ({ ...p, import_id: importId })));
    await insertResponses(ctx.db, rows.map((r) => ({ ...r, import_id: importId })));
  }
  return {
    kind: 'replies',
    file: table.file,
    rowsRead: table.records.length,
    inserted: rows.length,
    unchanged,
    missing,
    created: newPosts.length > 0 ? { posts: newPosts.length } : {},
  };
}
