/**
 * Corpus checks before a study goes to raters: post length (the reference study kept 50-400 words),
 * near-duplicate posts, posts that are only a short question, and personal information in posts and
 * replies. `redactTable` writes a copy with personal information replaced, and a log of each change.
 */
import { countWords } from '../language/words.js';
import { findPersonalInfo, redact } from '../language/personal-info.js';
import { nearDuplicates } from '../language/similarity.js';
import type { Study } from '../study/schema.js';
import { cellWhere, requireColumns, type Table } from './table.js';

export type Severity = 'error' | 'warning';

export interface Finding {
  readonly severity: Severity;
  readonly rule: 'length' | 'near-duplicate' | 'question-only' | 'personal-info' | 'empty' | 'long-cell';
  /** `file:line:column` */
  readonly where: string;
  readonly id: string;
  readonly message: string;
}

export interface TextColumn {
  readonly table: Table;
  /** Column holding the row id (post id). */
  readonly idColumn: string;
  /** Columns holding text to check. */
  readonly textColumns: readonly string[];
}

function isQuestionOnly(text: string, maxWords: number): boolean {
  const t = text.trim();
  if (!t.endsWith('?') || countWords(t) > maxWords) return false;
  // Only a question: no sentence in it ends in anything but a question mark.
  const sentences = t.split(/(?<=[.!?])\s+/).filter((s) => s.trim() !== '');
  return sentences.every((s) => /\?["')\]]*$/.test(s.trim()));
}

export function lintPosts(study: Study, posts: TextColumn): Finding[] {
  const { table, idColumn } = posts;
  const textColumn = posts.textColumns[0];
  requireColumns(table, { id: idColumn, text: textColumn });
  const rules = study.lint;
  const out: Finding[] = [];
  const texts: string[] = [];
  for (const record of table.records) {
    const id = record.values[idColumn] ?? '';
    const text = record.values[textColumn] ?? '';
    const where = cellWhere(table, record, textColumn);
    texts.push(text);
    const n = countWords(text);
    if (n === 0) out.push({ severity: 'error', rule: 'empty', where, id, message: 'empty post' });
    else if (n < rules.min_words || n > rules.max_words)
      out.push({ severity: 'error', rule: 'length', where, id, message: `${n} words, outside ${rules.min_words} to ${rules.max_words}` });
    if (n > 0 && isQuestionOnly(text, rules.question_max_words))
      out.push({ severity: 'error', rule: 'question-only', where, id, message: 'only a short question, not a narrative a reply can respond to' });
  }
  for (const { a, b, similarity } of nearDuplicates(texts, rules.near_duplicate)) {
    const ra = table.records[a];
    const rb = table.records[b];
    if (!ra || !rb) continue;
    out.push({
      severity: 'error',
      rule: 'near-duplicate',
      where: cellWhere(table, rb, textColumn),
      id: rb.values[idColumn] ?? '',
      message: `${Math.round(similarity * 100)}% similar to post "${ra.values[idColumn] ?? ''}" (line ${ra.line})`,
    });
  }
  out.push(...lintPersonalInfo(posts));
  return out;
}

/** Text cells over `lint.max_chars` (a missing closing quote swallows the rows after it): import refuses them. */
export function lintLongCells(study: Study, { table, idColumn, textColumns }: TextColumn): Finding[] {
  const out: Finding[] = [];
  for (const record of table.records)
    for (const column of textColumns) {
      const n = (record.values[column] ?? '').length;
      if (n > study.lint.max_chars)
        out.push({ severity: 'error', rule: 'long-cell', where: cellWhere(table, record, column), id: record.values[idColumn] ?? '', message: `${n.toLocaleString('en-US')} characters, over lint.max_chars (${study.lint.max_chars.toLocaleString('en-US')})` });
    }
  return out;
}

export function lintPersonalInfo({ table, idColumn, textColumns }: TextColumn): Finding[] {
  const out: Finding[] = [];
  for (const record of table.records) {
    for (const column of textColumns) {
      for (const span of findPersonalInfo(record.values[column] ?? '')) {
        out.push({
          severity: 'error',
          rule: 'personal-info',
          where: cellWhere(table, record, column),
          id: record.values[idColumn] ?? '',
          message: `${span.kind} ${JSON.stringify(span.text)}`,
        });
      }
    }
  }
  return out;
}

export interface Redaction {
  readonly file: string;
  readonly line: number;
  readonly column: string;
  readonly id: string;
  readonly kind: string;
  readonly original: string;
}

/** The table's rows with personal information replaced in the given columns, and the change log. */
export function redactTable({ table, idColumn, textColumns }: TextColumn): { rows: Array<Record<string, string>>; log: Redaction[] } {
  const log: Redaction[] = [];
  const rows = table.records.map((record) => {
    const row = { ...record.values };
    for (const column of textColumns) {
      const text = row[column] ?? '';
      const spans = findPersonalInfo(text);
      if (spans.length === 0) continue;
      row[column] = redact(text, spans);
      for (const s of spans) log.push({ file: table.file, line: record.line, column, id: row[idColumn] ?? '', kind: s.kind, original: s.text });
    }
    return row;
  });
  return { rows, log };
}
