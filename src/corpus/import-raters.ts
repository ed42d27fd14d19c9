import { UserError } from '../errors.js';
import type { RatersFileSpec } from '../study/schema.js';
import { sha256 } from '../study/hash.js';
import { recordImport } from '../store/imports.repository.js';
import { participantsByExternalId, setParticipantAttributes } from '../store/participants.repository.js';
import { attributesOf } from '../store/sessions.repository.js';
import { cellWhere, requireColumns, type Table } from './table.js';
import { cell, requireNonEmpty, type ImportContext, type ImportResult } from './import-context.js';

/**
 * Raters' attributes (age, country, ...) from a participant file such as Prolific's demographic
 * export, merged by id into the attributes of the study's raters (imported or from the rating app).
 * A row for someone who rated nothing in this study (returned, timed out) is counted, not an error.
 */
export async function importRaters(ctx: ImportContext, table: Table, spec: RatersFileSpec): Promise<ImportResult> {
  const idColumn = spec.columns.rater;
  requireColumns(table, { rater: idColumn, ...Object.fromEntries((spec.keep ?? []).map((k) => [`kept column ${k}`, k])) }, '`columns` / `keep`');
  const keep = spec.keep ?? table.columns.filter((c) => c !== idColumn);
  const participants = await participantsByExternalId(ctx.db, ctx.studyId);
  const firstLine = new Map<string, number>();
  const updates: Array<{ id: string; attributesJson: string }> = [];
  let unchanged = 0;
  let unmatched = 0;
  for (const record of table.records) {
    ctx.tick?.();
    const rater = requireNonEmpty(cell(table, record, idColumn), 'participant id', table, record, idColumn);
    const seenAt = firstLine.get(rater);
    if (seenAt !== undefined) throw new UserError(`participant "${rater}" has a second row (first on line ${seenAt})`, cellWhere(table, record, idColumn), 'keep one row per participant');
    firstLine.set(rater, record.line);
    const p = participants.get(rater);
    if (!p) {
      unmatched++;
      continue;
    }
    const before = attributesOf(p.attributes_json);
    const after = { ...before, ...Object.fromEntries(keep.map((k) => [k, cell(table, record, k)])) };
    const json = JSON.stringify(after);
    if (json === p.attributes_json) unchanged++;
    else updates.push({ id: p.id, attributesJson: json });
  }
  if (updates.length > 0) {
    await recordImport(ctx.db, { studyId: ctx.studyId, kind: 'raters', file: table.file, fileSha256: sha256(table.sha256Input), rowsRead: table.records.length, rowsInserted: updates.length });
    await setParticipantAttributes(ctx.db, updates);
  }
  return { kind: 'raters', file: table.file, rowsRead: table.records.length, inserted: updates.length, unchanged, missing: 0, created: {}, ...(unmatched ? { unmatched } : {}) };
}
