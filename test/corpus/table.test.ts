import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseTable, toCsv } from '../../src/corpus/table.js';

const enc = (s: string) => new TextEncoder().encode(s);
const errorOf = (bytes: Uint8Array, format: 'csv' | 'jsonl' = 'csv', options: Parameters<typeof parseTable>[3] = {}) => {
  try {
    parseTable(bytes, format, 'f.csv', options);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).format();
  }
  throw new Error('expected an error');
};

describe('table reader', () => {
  it('keeps the starting line of records that span lines, after blank lines, with BOM and CRLF', () => {
    const t = parseTable(enc('\uFEFFid,text\r\n1,"a\r\nb"\r\n\r\n2,"say ""hi"""\r\n3,c\r\n'), 'csv', 'f.csv');
    expect(t.columns).toEqual(['id', 'text']);
    expect(t.records.map((r) => [r.line, r.values.id, r.values.text])).toEqual([
      [2, '1', 'a\r\nb'],
      [5, '2', 'say "hi"'],
      [6, '3', 'c'],
    ]);
  });

  it('names the line of invalid UTF-8 (when UTF-8 is set), a wrong field count, and a quote never closed', () => {
    expect(errorOf(Uint8Array.from([...enc('a,b\n1,2\n3,'), 0xff, 0xfe, ...enc('\n')]), 'csv', { encoding: 'utf-8' })).toBe(
      'f.csv:3: the file is not valid UTF-8; save it as UTF-8 (in Excel: "CSV UTF-8"), or set `encoding: windows-1252` for an older Excel file, then import again',
    );
    // Bytes that are neither UTF-8 nor Windows-1252 (0x81 is undefined there) are an error even when detecting.
    expect(errorOf(Uint8Array.from([...enc('a,b\n1,'), 0x81, ...enc('\n')]))).toMatch(/^f\.csv:2: the file is not valid UTF-8/);
    expect(errorOf(enc('a,b\r\n1,"x\r\ny"\r\n3\r\n'))).toMatch(/^f\.csv:4: 1 field where the header has 2;/);
    expect(errorOf(enc('a,b\n1,2\n3,"open\n4,5\n'))).toMatch(/^f\.csv:3: a quoted field is never closed;/);
    expect(errorOf(enc(''))).toBe('f.csv: the file is empty; add a header row and data rows');
  });

  it('reads JSONL, naming the line of bad JSON', () => {
    const t = parseTable(enc('{"id":"1","n":2}\n\n{"id":"2","extra":null}\n'), 'jsonl', 'f.jsonl');
    expect(t.columns).toEqual(['id', 'n', 'extra']);
    expect(t.records.map((r) => [r.line, r.values])).toEqual([
      [1, { id: '1', n: '2' }],
      [3, { id: '2', extra: '' }],
    ]);
    expect(errorOf(enc('{"id":1}\n{oops}\n'), 'jsonl')).toMatch(/^f\.csv:2: not valid JSON/);
  });

  it('writes CSV that reads back to the same values', () => {
    const rows = [{ a: 'x, y', b: 'say "hi"\nnext line' }, { a: ' padded ', b: '' }];
    const back = parseTable(enc(toCsv(['a', 'b'], rows)), 'csv', 'f.csv');
    expect(back.records.map((r) => r.values)).toEqual(rows);
  });
});
