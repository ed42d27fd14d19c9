/**
 * The one reader of tabular input (CSV and JSONL) in the project. Every record keeps the line it
 * starts on, so every import error can say `file:line:column`. It reads files as survey tools and
 * spreadsheets write them: UTF-8 with or without BOM, UTF-16 (Qualtrics' tab-separated export),
 * Windows-1252 (older Excel); comma, semicolon or tab delimiters (detected, or set), decimal commas
 * where the delimiter is a semicolon; CRLF, quoted newlines and embedded quotes; duplicate column
 * names (made unique as R's `make.unique` does: `x`, `x.1`); and Qualtrics' two extra header rows.
 * What it did beyond plain CSV is listed in `notes`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';

export interface TableRecord {
  /** 1-based line where the record starts in the file. */
  readonly line: number;
  readonly values: Readonly<Record<string, string>>;
}

export interface Table {
  /** The file as the user named it, for messages. */
  readonly file: string;
  /** Column names, made unique (`x`, `x.1`, ...). */
  readonly columns: readonly string[];
  readonly records: readonly TableRecord[];
  readonly sha256Input: Uint8Array;
  /** Names that appear more than once in the header, with their (1-based) positions. */
  readonly duplicated?: ReadonlyMap<string, readonly number[]>;
  /** Numbers are written with a decimal comma ("4,5"): the delimiter is a semicolon. */
  readonly decimalComma?: boolean;
  /** What was done beyond plain UTF-8 CSV (an encoding, a delimiter, skipped rows, renamed columns). */
  readonly notes?: readonly string[];
}

export type TableFormat = 'csv' | 'jsonl';
export type Delimiter = ',' | ';' | '\t';
export type Encoding = 'utf-8' | 'utf-16' | 'windows-1252';

/** How to read a file, beyond its format; everything is detected when not set. */
export interface ReadOptions {
  readonly delimiter?: Delimiter;
  readonly encoding?: Encoding;
  /** Rows after the header to skip (a survey tool's extra header rows); default: Qualtrics' are detected. */
  readonly skipRows?: number;
}

export function formatOf(file: string, explicit?: TableFormat): TableFormat {
  if (explicit) return explicit;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  throw new UserError(`cannot tell the format from the extension "${ext}"`, file, 'use a .csv or .jsonl file, or pass --format csv|jsonl');
}

/** The line of the first byte sequence that is not valid UTF-8. */
function badUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        break;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

/** Decodes UTF-8 strictly; on a bad byte, names the line it is on. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new UserError('the file is not valid UTF-8', `${file}:${badUtf8Line(bytes)}`, 'save it as UTF-8 (in Excel: "CSV UTF-8"), or set `encoding: windows-1252` for an older Excel file, then import again');
  }
}

/** Bytes Windows-1252 leaves undefined: a file with them is not Windows-1252 either. */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** Windows-1252's characters for 0x80..0x9F (the rest is Latin-1); Node's decoder reads these bytes as C1 controls. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function decodeCp1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return out;
}

/**
 * Decodes a file as survey tools write it: UTF-16 by its byte-order mark, UTF-8 (with or without BOM),
 * or, when the bytes are not UTF-8 and the encoding is not set, Windows-1252 (noted).
 */
export function decodeText(bytes: Uint8Array, file: string, encoding: Encoding | undefined, notes: string[]): string {
  const bom16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (encoding === 'utf-16' || (encoding === undefined && bom16)) {
    const le = !(bytes[0] === 0xfe && bytes[1] === 0xff);
    const text = new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(bytes);
    notes.push(`read as UTF-16${le ? 'LE' : 'BE'}`);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  if (encoding === 'windows-1252') return decodeCp1252(bytes);
  if (encoding === 'utf-8') return decodeUtf8(bytes, file);
  try {
    return decodeUtf8(bytes, file);
  } catch (err) {
    const line = badUtf8Line(bytes);
    if (bytes.some((b) => CP1252_UNDEFINED.has(b))) throw err;
    notes.push(`not UTF-8 (first at line ${line}): read as Windows-1252`);
    return decodeCp1252(bytes);
  }
}

/** The delimiter of a delimited text: the one of comma, semicolon and tab the header line has most of (outside quotes). */
export function detectDelimiter(text: string): Delimiter {
  let inQuotes = false;
  const counts = { ',': 0, ';': 0, '\t': 0 } as Record<Delimiter, number>;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  const best = (Object.entries(counts) as Array<[Delimiter, number]>).sort((a, b) => b[1] - a[1])[0];
  return best[1] > 0 ? best[0] : ',';
}

const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/** R's make.unique: the second "x" becomes "x.1", the third "x.2" (skipping names already taken). */
export function makeUnique(names: readonly string[]): { columns: string[]; duplicated: Map<string, number[]> } {
  const taken = new Set(names);
  const seen = new Map<string, number>();
  const duplicated = new Map<string, number[]>();
  const columns = names.map((name, i) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    duplicated.set(name, [...(duplicated.get(name) ?? []), i + 1]);
    if (n === 0) return name;
    let k = n;
    while (taken.has(`${name}.${k}`)) k++;
    const unique = `${name}.${k}`;
    taken.add(unique);
    return unique;
  });
  for (const [name, at] of [...duplicated]) if (at.length < 2) duplicated.delete(name);
  return { columns, duplicated };
}

/** A number as a spreadsheet writes it: "4.5", or "4,5" where the file uses decimal commas. */
export function parseNumber(raw: string, decimalComma = false): number {
  const s = raw.trim();
  if (s === '') return NaN;
  return Number(decimalComma && /^-?\d+,\d+$/.test(s) ? s.replace(',', '.') : s);
}

/**
 * Line numbers from byte offsets. csv-parse counts a CRLF inside a quoted field as two lines, so its
 * own line counts drift; offsets do not.
 */
function lineIndex(bytes: Uint8Array): (offset: number) => number {
  const newlines: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) newlines.push(i);
  return (offset) => {
    // Skip the line breaks that end the previous record (and blank lines) to the record's first byte.
    while (offset < bytes.length && (bytes[offset] === 0x0a || bytes[offset] === 0x0d)) offset++;
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

interface Parsed {
  columns: string[];
  records: TableRecord[];
  duplicated?: Map<string, number[]>;
  decimalComma?: boolean;
}

function parseCsv(text: string, file: string, options: ReadOptions, notes: string[]): Parsed {
  const delimiter = options.delimiter ?? (file.toLowerCase().endsWith('.tsv') ? '\t' : detectDelimiter(text));
  if (!options.delimiter && delimiter !== ',' && !file.toLowerCase().endsWith('.tsv')) notes.push(`${DELIMITER_NAMES[delimiter]}-separated`);
  const bytes = Buffer.from(text, 'utf8');
  const lineAt = lineIndex(bytes);
  // Where each record ends: the next one starts there, and so does the record a parse error is in.
  const ends: number[] = [];
  let rows: string[][];
  try {
    rows = parse(bytes, {
      delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: delimiter === '\t',
      on_record: (record: string[], context: { bytes: number }) => {
        ends.push(context.bytes);
        return record;
      },
    });
  } catch (err) {
    const msg = ((err as Error).message ?? String(err)).replace(/^Quote Not Closed: .*/, 'a quoted field is never closed').replace(/,? (at|on) line \d+.*$/, '');
    throw new UserError(msg, `${file}:${lineAt(ends.at(-1) ?? 0)}`, 'check the quoting on that line', { cause: err });
  }
  const header = rows[0];
  if (!header) throw new UserError('the file is empty', file, 'add a header row and data rows');
  const names = header.map((c) => c.trim());
  names.forEach((c, i) => {
    if (c === '') throw new UserError(`column ${i + 1} of the header has no name`, `${file}:1:${i + 1}`, 'name every column');
  });
  const { columns, duplicated } = makeUnique(names);
  if (duplicated.size > 0) notes.push(`repeated column names made unique: ${[...duplicated].map(([n, at]) => `${n} (columns ${at.join(', ')}) as ${at.map((c) => columns[c - 1]).join(', ')}`).join('; ')}`);
  // Qualtrics writes two rows under the header: the question texts and {"ImportId":"QID1"} tags.
  let skip = options.skipRows ?? 0;
  if (options.skipRows === undefined && rows.length >= 3 && rows[2].some((c) => /^\{"ImportId":/.test(c.trim()))) {
    skip = 2;
    notes.push(`a Qualtrics export: its question-text and ImportId rows (lines ${lineAt(ends[0])} and ${lineAt(ends[1])}) skipped`);
  } else if (skip > 0) notes.push(`${skip} row${skip === 1 ? '' : 's'} under the header skipped (skip_rows)`);
  const records: TableRecord[] = [];
  for (let r = 1 + skip; r < rows.length; r++) {
    const row = rows[r];
    const line = lineAt(ends[r - 1]);
    if (row.length !== columns.length) {
      throw new UserError(
        `${row.length} field${row.length === 1 ? '' : 's'} where the header has ${columns.length}`,
        `${file}:${line}`,
        delimiter === ',' ? 'check quoting and commas on that line (a comma inside text needs "double quotes")' : `check quoting on that line (the file is ${DELIMITER_NAMES[delimiter]}-separated; set \`delimiter:\` if it is not)`,
      );
    }
    const values: Record<string, string> = {};
    columns.forEach((c, i) => {
      values[c] = row[i];
    });
    records.push({ line, values });
  }
  return { columns, records, ...(duplicated.size > 0 ? { duplicated } : {}), ...(delimiter === ';' ? { decimalComma: true } : {}) };
}

function parseJsonl(text: string, file: string): Parsed {
  const columns: string[] = [];
  const known = new Set<string>();
  const records: TableRecord[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (err) {
      throw new UserError(`not valid JSON (${(err as Error).message})`, `${file}:${i + 1}`, 'each line must be one JSON object', { cause: err });
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new UserError('expected a JSON object on this line', `${file}:${i + 1}`, 'each line must be one JSON object');
    }
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (!known.has(k)) {
        known.add(k);
        columns.push(k);
      }
      values[k] = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    records.push({ line: i + 1, values });
  });
  if (records.length === 0) throw new UserError('the file has no records', file, 'add one JSON object per line');
  return { columns, records };
}

/** Reads a CSV or JSONL file. `label` is how the file is named in messages. */
export async function readTable(file: string, options: { format?: TableFormat; label?: string } & ReadOptions = {}): Promise<Table> {
  const label = options.label ?? file;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : `cannot read the file (${code})`, label, 'check the path (paths in study.yaml are relative to the study folder, paths on the command line to the current folder)', { cause: err });
  }
  return parseTable(bytes, formatOf(file, options.format), label, options);
}

export function parseTable(bytes: Uint8Array, format: TableFormat, label: string, options: ReadOptions = {}): Table {
  const notes: string[] = [];
  const text = format === 'csv' ? decodeText(bytes, label, options.encoding, notes) : decodeUtf8(bytes, label);
  const parsed = format === 'csv' ? parseCsv(text, label, options, notes) : parseJsonl(text, label);
  return { file: label, sha256Input: bytes, ...parsed, ...(notes.length ? { notes } : {}) };
}

/** Position of a column for `file:line:column` messages (1-based; 0 when the column is absent). */
export function columnNumber(table: Table, column: string): number {
  return table.columns.indexOf(column) + 1;
}

export function cellWhere(table: Table, record: TableRecord, column: string): string {
  const col = columnNumber(table, column);
  return col > 0 ? `${table.file}:${record.line}:${col}` : `${table.file}:${record.line}`;
}

/** Throws a one-line error if a mapped column is missing from the header, listing what is there. */
export function requireColumns(
  table: Table,
  mapping: Readonly<Record<string, string | undefined>>,
  flag = '--columns',
  fixFor: (role: string) => string = (role) => `map it with ${flag} ${role}=NAME or in the manifest's corpus section`,
): void {
  for (const [role, column] of Object.entries(mapping)) {
    if (column === undefined) continue;
    const twice = table.duplicated?.get(column);
    if (twice) {
      throw new UserError(
        `the column "${column}" for the ${role} is ambiguous: the header has it ${twice.length} times (columns ${twice.join(', ')})`,
        `${table.file}:1:${twice[0]}`,
        `map the one you mean by its unique name: ${twice.map((_, k) => (k === 0 ? column : `${column}.${k}`)).join(' or ')}`,
      );
    }
    if (!table.columns.includes(column)) {
      throw new UserError(
        `no column "${column}" for the ${role} (the columns are: ${table.columns.join(', ')})`,
        `${table.file}:1`,
        fixFor(role),
      );
    }
  }
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value.trim() !== value ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV text (RFC 4180, CRLF-free) with the columns in the given order. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Readonly<Record<string, string | number | null | undefined>>>): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c] === null || row[c] === undefined ? '' : String(row[c]))).join(','));
  return `${lines.join('\n')}\n`;
}
