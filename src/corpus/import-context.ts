/**
 * What every importer shares: the transaction it writes in, the study it writes to, and the checks
 * of labels (domains, sources, scales) against the manifest, each failing with `file:line:column`
 * and a fix.
 */
import { UserError } from '../errors.js';
import { closest } from '../study/load.js';
import type { Study } from '../study/schema.js';
import type { Db } from '../store/tables.js';
import { cellWhere, type Table, type TableRecord } from './table.js';

export interface ImportContext {
  /** A transaction: an importer never commits; a thrown error rolls everything back. */
  readonly db: Db;
  readonly study: Study;
  readonly studyId: string;
  readonly contentHash: string;
  /** Called once per record checked, for progress displays. */
  readonly tick?: () => void;
}

export interface ImportResult {
  readonly kind: 'posts' | 'replies' | 'ratings';
  readonly file: string;
  readonly rowsRead: number;
  /** Rows written by this import (posts, responses or ratings). */
  readonly inserted: number;
  /** Rows already in the database with the same content (a re-import is a no-op). */
  readonly unchanged: number;
  /** Empty cells: missing values, not zeros. */
  readonly missing: number;
  /** Placeholder posts or responses and new participants made along the way. */
  readonly created: Readonly<Record<string, number>>;
}

export function cell(table: Table, record: TableRecord, column: string | undefined): string {
  return column === undefined ? '' : (record.values[column] ?? '').trim();
}

function oneOf(kind: string, value: string, allowed: readonly string[], where: string, fix: string): never {
  const guess = closest(value, allowed);
  throw new UserError(
    `${kind} "${value}" is not one of ${allowed.map((a) => `"${a}"`).join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`,
    where,
    fix,
  );
}

export function checkDomain(study: Study, value: string, where: string): string {
  if (!study.domains.includes(value)) oneOf('domain', value, study.domains, where, 'fix the label or add the domain to `domains` in study.yaml');
  return value;
}

export function checkSource(study: Study, value: string, where: string): string {
  const ids = study.sources.map((s) => s.id);
  if (!ids.includes(value)) oneOf('source', value, ids, where, 'fix the label, map it with --alias WRONG=RIGHT, or declare the source under `sources` in study.yaml');
  return value;
}

export function checkScale(study: Study, value: string, where: string): { id: string; points: number } {
  const scale = study.instrument.scales.find((s) => s.id === value);
  if (!scale)
    oneOf(
      'scale',
      value,
      study.instrument.scales.map((s) => s.id),
      where,
      'fix the label, map it with --alias WRONG=RIGHT, or add the scale to `instrument.scales`',
    );
  return { id: scale.id, points: scale.points };
}

/** A Likert value: a whole number from 1 to the scale's number of points. */
export function checkValue(raw: string, scale: { id: string; points: number }, where: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > scale.points) {
    throw new UserError(
      `${JSON.stringify(raw)} is not a value of the ${scale.id} scale (a whole number from 1 to ${scale.points})`,
      where,
      'fix the value, leave the cell empty if it is missing, or change the scale\'s points in study.yaml',
    );
  }
  return value;
}

export function requireNonEmpty(value: string, what: string, table: Table, record: TableRecord, column: string): string {
  if (value === '') throw new UserError(`empty ${what}`, cellWhere(table, record, column), `give every row a ${what}`);
  return value;
}

export const applyAlias = (aliases: Readonly<Record<string, string>>, label: string): string => aliases[label] ?? label;
