/**
 * Reading `study.yaml`: YAML syntax errors and schema violations become one-line `UserError`s that
 * name the file, the line and the manifest path, e.g.
 * `study.yaml:14 sources[2].params.temperature: expected a number from 0 to 2, got "hot"`.
 */
import { displayPath } from '../paths.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { studySchema, unusedInField, type Study } from './schema.js';

export interface LoadedStudy {
  readonly study: Study;
  /** The study folder: every relative path in the manifest is resolved against it. */
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifestText: string;
}

type PathPart = string | number;

/** `sources[2].params.temperature` */
export function formatPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function lineOf(doc: Document, counter: LineCounter, parts: readonly PathPart[], key?: string): number | undefined {
  // Walk up until a node exists at the path (a missing key is reported on its parent's line).
  for (let n = parts.length; n >= 0; n--) {
    const node = doc.getIn(parts.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (!node) continue;
    if (key !== undefined && n === parts.length && isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && it.key.value === key);
      const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
      if (keyNode?.range) return counter.linePos(keyNode.range[0]).line;
    }
    if (node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

function valueAt(data: unknown, parts: readonly PathPart[]): unknown {
  let cur = data;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PathPart, unknown>)[p];
  }
  return cur;
}

/** A schema through zod 4's public `def` (its definition: type, inner type, shape, options, element). */
interface ZodInternals {
  def: { readonly type: string; readonly shape?: unknown; readonly values?: unknown };
}

/** The keys a strict object at `parts` accepts, found by walking the schema alongside the data. */
function allowedKeys(schema: z.ZodType, data: unknown, parts: readonly PathPart[]): string[] {
  let s: ZodInternals = schema;
  let d = data;
  let i = 0;
  for (let guard = 0; guard < 200; guard++) {
    const def = s.def as { readonly type: string } & Record<string, unknown>;
    if (def.type === 'default' || def.type === 'optional' || def.type === 'nullable' || def.type === 'prefault') {
      s = def.innerType as ZodInternals;
      continue;
    }
    if (def.type === 'pipe') {
      s = def.in as ZodInternals;
      continue;
    }
    if (def.type === 'union') {
      const options = def.options as ZodInternals[];
      // Sources are told apart by `kind`, scales by `type` (absent: the option whose `type` has a default).
      const key = typeof def.discriminator === 'string' ? def.discriminator : 'kind';
      const value = (d as Record<string, unknown> | undefined)?.[key];
      const match = options.find((o) => {
        const field = (o.def.shape as Record<string, ZodInternals> | undefined)?.[key];
        if (!field) return false;
        if (value === undefined) return field.def.type === 'default';
        const inner = field.def.type === 'default' ? ((field.def as unknown as { innerType: ZodInternals }).innerType) : field;
        return (inner.def.values as unknown[] | undefined)?.includes(value) ?? false;
      });
      if (!match) return [];
      s = match;
      continue;
    }
    if (i === parts.length) {
      return def.type === 'object' ? Object.keys(def.shape as object) : [];
    }
    const part = parts[i++];
    d = (d as Record<PathPart, unknown> | undefined)?.[part];
    if (def.type === 'object') s = (def.shape as Record<string, ZodInternals>)[part as string];
    else if (def.type === 'array') s = def.element as ZodInternals;
    else if (def.type === 'record') s = def.valueType as ZodInternals;
    else return [];
    if (!s) return [];
  }
  return [];
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Parses and validates manifest text. `label` is how the file is named in messages (its path as the
 * user gave it). Throws `UserError` for the first problem found, which is what a user fixes first.
 */
export function parseStudy(text: string, label = 'study.yaml'): Study {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0].line;
    const msg = yamlError.message.split('\n')[0] ?? 'invalid YAML';
    throw new UserError(msg.replace(/ at line \d+, column \d+:?$/, ''), `${label}${line ? `:${line}` : ''}`, 'fix the YAML syntax');
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError('expected a mapping of study settings (name, domains, sources, instrument, ...)', label, 'start from `empathy-lab init`');
  }
  const result = studySchema.safeParse(data);
  if (result.success) {
    const unused = unusedInField(data);
    if (!unused) return result.data;
    const line = lineOf(doc, counter, unused.path);
    throw new UserError(unused.message, `${label}${line ? `:${line}` : ''} ${formatPath(unused.path)}`);
  }

  // A misspelled key also makes its correct spelling "required": report the typo, which explains both.
  const issues = result.error.issues;
  const issue = (issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]);
  const parts = issue.path.filter((p): p is PathPart => typeof p === 'string' || typeof p === 'number');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const line = lineOf(doc, counter, parts, key);
    const suggestion = closest(key, allowedKeys(studySchema, data, parts));
    const where = `${label}${line ? `:${line}` : ''} ${formatPath([...parts, key])}`;
    throw new UserError(
      `unknown key "${key}"`,
      where,
      suggestion ? `did you mean "${suggestion}"?` : 'remove it, or see `empathy-lab schema` for the keys allowed here',
    );
  }
  const line = lineOf(doc, counter, parts);
  const where = `${label}${line ? `:${line}` : ''} ${formatPath(parts) || '(top level)'}`;
  const got = valueAt(data, parts);
  let message = issue.message;
  if (issue.code === 'invalid_type' && got === undefined) message = `required: ${message.replace(/, received undefined$/i, '')}`;
  // A cross-field rule (code "custom") says what is wrong in its own words.
  else if (issue.code !== 'custom' && !/received|got /i.test(message)) message = `${message}, got ${describe(got)}`;
  throw new UserError(message, where);
}

/** Reads and validates a manifest file; `manifestPath` may be the study folder or the YAML file. */
export async function loadStudy(manifestPath: string): Promise<LoadedStudy> {
  const file = manifestPath.endsWith('.yaml') || manifestPath.endsWith('.yml') ? manifestPath : path.join(manifestPath, 'study.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? 'no study manifest here' : `cannot read the manifest (${code ?? String(err)})`,
      file,
      'pass a study folder or --study path/to/study.yaml, or create one with `empathy-lab init DIR`',
      { cause: err },
    );
  }
  const study = parseStudy(text, displayPath(file));
  return { study, dir: path.dirname(path.resolve(file)), manifestPath: path.resolve(file), manifestText: text };
}
