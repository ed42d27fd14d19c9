/**
 * The one reader of tabular input (CSV and JSONL) in the project. Every record keeps the line it
 * starts on, so every import error can say `file:line:column`. UTF-8 with or without BOM, CRLF,
 * quoted newlines and embedded quotes are handled; invalid UTF-8 is an error naming its line.
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
  readonly columns: readonly string[];
  readonly records: readonly TableRecord[];
  readonly sha256Input: Uint8Array;
}

export type TableFormat = 'csv' | 'jsonl';

export function formatOf(file: string, explicit?: TableFormat): TableFormat {
  if (explicit) return explicit;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  throw new UserError(`cannot tell the format from the extension "${ext}"`, file, 'use a .csv or .jsonl file, or pass --format csv|jsonl');
}

/** Decodes UTF-8 strictly; on a bad byte, names the line it is on. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
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
    throw new UserError('the file is not valid UTF-8', `${file}:${line}`, 'save it as UTF-8 (in Excel: "CSV UTF-8"), then import again');
  }
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
      if ((newlines[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

function parseCsv(text: string, file: string): { columns: string[]; records: TableRecord[] } {
  const delimiter = file.toLowerCase().endsWith('.tsv') ? '\t' : ',';
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
      on_record: (record: string[], context: { bytes: number }) => {
        ends.push(context.bytes);
        return record;
      },
    }) as string[][];
  } catch (err) {
    const msg = ((err as Error).message ?? String(err)).replace(/^Quote Not Closed: .*/, 'a quoted field is never closed').replace(/,? (at|on) line \d+.*$/, '');
    throw new UserError(msg, `${file}:${lineAt(ends.at(-1) ?? 0)}`, 'check the quoting on that line', { cause: err });
  }
  const header = rows[0];
  if (!header) throw new UserError('the file is empty', file, 'add a header row and data rows');
  const columns = header.map((c) => c.trim());
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (c === '') throw new UserError(`column ${i + 1} of the header has no name`, `${file}:1:${i + 1}`, 'name every column');
    if (seen.has(c)) throw new UserError(`column "${c}" appears twice in the header`, `${file}:1:${i + 1}`, 'give every column a distinct name');
    seen.add(c);
  });
  const records: TableRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r] as string[];
    const line = lineAt(ends[r - 1] as number);
    if (row.length !== columns.length) {
      throw new UserError(`${row.length} field${row.length === 1 ? "" : "s"} where the header has ${columns.length}`, `${file}:${line}`, 'check quoting and commas on that line (a comma inside text needs "double quotes")');
    }
    const values: Record<string, string> = {};
    columns.forEach((c, i) => {
      values[c] = row[i] as string;
    });
    records.push({ line, values });
  }
  return { columns, records };
}

function parseJsonl(text: string, file: string): { columns: string[]; records: TableRecord[] } {
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
export async function readTable(file: string, options: { format?: TableFormat; label?: string } = {}): Promise<Table> {
  const label = options.label ?? file;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : `cannot read the file (${code})`, label, 'check the path (paths in study.yaml are relative to the study folder, paths on the command line to the current folder)', { cause: err });
  }
  return parseTable(bytes, formatOf(file, options.format), label);
}

export function parseTable(bytes: Uint8Array, format: TableFormat, label: string): Table {
  const text = decodeUtf8(bytes, label);
  const { columns, records } = format === 'csv' ? parseCsv(text, label) : parseJsonl(text, label);
  return { file: label, columns, records, sha256Input: bytes };
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
