/**
 * What every importer shares: the transaction it writes in, the study it writes to, and the checks
 * of labels (domains, sources, scales) against the manifest, each failing with `file:line:column`
 * and a fix.
 */
import { UserError } from '../errors.js';
import { closest } from '../study/load.js';
import { itemScaleId, rangeOf, ratedScales, splitScaleId, storedScaleIds } from '../study/formats.js';
import type { Study } from '../study/schema.js';
import type { Db } from '../store/tables.js';
import { cellWhere, parseNumber, type Table, type TableRecord } from './table.js';

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
  readonly kind: 'posts' | 'replies' | 'ratings' | 'raters';
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
  /** Raters files: rows for people who are not raters of this study. */
  readonly unmatched?: number;
  /** What the reader did beyond plain CSV (encoding, delimiter, skipped rows, renamed columns). */
  readonly notes?: readonly string[];
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

/** An identifier the manifest accepts, made from a label: "COVID-19" -> "covid-19", "2nd wave" -> "d-2nd-wave". */
export function idFrom(label: string): string {
  const slug = label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(slug) ? slug : `d-${slug || 'x'}`;
}

const yamlKey = (s: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) ? s : JSON.stringify(s));

/**
 * The labels of one corpus file: each goes through the entry's `aliases` (and a domain also through
 * the manifest's domain labels) before it is checked against the manifest. Errors suggest edits of
 * study.yaml that work as written.
 */
export function labelsFor(study: Study, aliases: Readonly<Record<string, string>>) {
  const alias = (v: string) => aliases[v] ?? v;
  const byLabel = new Map(Object.entries(study.domain_labels).map(([id, label]) => [label.trim().toLowerCase(), id]));
  return {
    domain(raw: string, where: string): string {
      const v = alias(raw);
      if (study.domains.includes(v)) return v;
      const labelled = byLabel.get(v.trim().toLowerCase());
      if (labelled) return labelled;
      const suggestion = idFrom(v);
      return oneOf(
        'domain',
        raw,
        study.domains,
        where,
        `map it to a domain with \`aliases: { ${yamlKey(raw)}: ${closest(v, study.domains) ?? study.domains[0]} }\` on this corpus entry, or declare it in study.yaml as \`domains: [..., { id: ${suggestion}, label: ${JSON.stringify(raw)} }]\``,
      );
    },
    source(raw: string, where: string): string {
      const v = alias(raw);
      const ids = study.sources.map((s) => s.id);
      if (ids.includes(v)) return v;
      return oneOf('source', raw, ids, where, `map it with \`aliases: { ${yamlKey(raw)}: ${closest(v, ids) ?? ids[0]} }\` on this corpus entry (--alias ${raw}=SOURCE on the command line), or declare the source under \`sources\``);
    },
    scale(raw: string, where: string): ImportScale {
      const v = alias(raw);
      const rated = ratedScales(study);
      const ids = rated.flatMap(storedScaleIds);
      const { scale: scaleId, item } = splitScaleId(v);
      const scale = rated.find((s) => s.id === scaleId);
      if (study.instrument.scales.some((s) => s.id === v && s.type === 'pairwise'))
        throw new UserError(`"${raw}" is the pairwise scale: choices between two replies are not ratings of one reply`, where, 'import ratings of single replies here; pairwise choices are collected by the rating app or simulated');
      if (!scale || !ids.includes(v)) {
        const fix = scale?.type === 'multi-item' ? `a multi-item scale is imported one item per column or row: ${storedScaleIds(scale).join(', ')}` : `map it with \`aliases: { ${yamlKey(raw)}: ${closest(v, ids) ?? ids[0]} }\` (--alias ${raw}=SCALE), or add the scale to \`instrument.scales\``;
        return oneOf('scale', raw, ids, where, fix);
      }
      const { min, max } = rangeOf(scale);
      const anchors = scale.type === 'slider' ? undefined : scale.anchors;
      return { id: item === null ? scale.id : itemScaleId(scale.id, item), min, max, ...(anchors ? { anchors } : {}) };
    },
    alias,
  };
}

export type Labels = ReturnType<typeof labelsFor>;

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * A rating: a whole number from 1 to the scale's points, or an anchor's text as survey tools export
 * choice answers ("Quite empathic"; case and spacing ignored).
 */
/** A rated scale as an import sees it: its stored id (`SCALE.ITEM` for an item) and its values. */
export interface ImportScale {
  readonly id: string;
  readonly min: number;
  readonly max: number;
  readonly anchors?: readonly string[];
}

export function checkValue(raw: string, scale: ImportScale, where: string, decimalComma = false): number {
  const value = parseNumber(raw, decimalComma);
  if (Number.isInteger(value) && value >= scale.min && value <= scale.max) return value;
  if (scale.anchors && Number.isNaN(value)) {
    const k = scale.anchors.findIndex((a) => norm(a) === norm(raw));
    if (k >= 0) return k + 1;
    throw new UserError(
      `${JSON.stringify(raw)} is not an anchor of the ${scale.id} scale (${scale.anchors.map((a, i) => `${i + 1} = "${a}"`).join(', ')})`,
      where,
      'fix the label, export numbers instead of choice text, or correct the anchors in study.yaml',
    );
  }
  throw new UserError(
    `${JSON.stringify(raw)} is not a value of the ${scale.id} scale (a whole number from ${scale.min} to ${scale.max}${scale.anchors ? ', or an anchor' : ''})`,
    where,
    scale.min === 0 ? 'fix the value (a slider records whole numbers from 0 to 100), or leave the cell empty if it is missing' : "fix the value, leave the cell empty if it is missing, or change the scale's points in study.yaml",
  );
}

/** A text cell no longer than `lint.max_chars` unless the corpus entry allows long cells. */
export function checkLength(study: Study, text: string, where: string, allow: boolean): string {
  if (!allow && text.length > study.lint.max_chars)
    throw new UserError(
      `a text cell of ${text.length.toLocaleString('en-US')} characters (the limit is ${study.lint.max_chars.toLocaleString('en-US')})`,
      where,
      'check that the cell is one reply (a missing closing quote swallows the rows after it), or set `allow_long_cells: true` on this corpus entry (or raise `lint.max_chars`)',
    );
  return text;
}

export function requireNonEmpty(value: string, what: string, table: Table, record: TableRecord, column: string): string {
  if (value === '') throw new UserError(`empty ${what}`, cellWhere(table, record, column), `give every row a ${what}`);
  return value;
}

