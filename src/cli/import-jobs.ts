/** The files and mapping flags of `import` and `lint` (--posts, --columns, ...) as import jobs. */
import path from 'node:path';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { corpusJobs, type ImportJob } from '../corpus/import.js';
import { formatPath } from '../study/load.js';
import { postsFileSchema, ratingsFileSchema, repliesFileSchema, type Study } from '../study/schema.js';
import type { StudyOptions } from './study-context.js';

export interface ImportOptions extends StudyOptions {
  posts?: string;
  replies?: string;
  ratings?: string;
  columns?: string;
  layout?: string;
  format?: string;
  source?: string;
  sources?: string;
  scale?: string;
  pattern?: string;
  alias: string[];
  metadata?: string;
  delimiter?: string;
  encoding?: string;
  skipRows?: string;
  idPrefix?: string;
  ignoreColumns?: string;
  allowLongCells?: boolean;
  createMissing?: boolean;
  json?: boolean;
}

/** `a=b,c=d` -> { a: 'b', c: 'd' } */
function pairs(text: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UserError(`expected KEY=VALUE, got "${part}"`, flag, `write it as ${flag} id=post_id,text=body`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function parseSpec<S extends z.ZodType>(schema: S, raw: Record<string, unknown>, flag: string): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new UserError(issue?.message ?? 'invalid option', `${flag} ${formatPath(issue?.path ?? [])}`.trim(), 'see `empathy-lab import --help`');
}

/** The import jobs named on the command line, with their mapping flags, or else the manifest's corpus. */
export function importJobs(study: Study, dir: string, o: ImportOptions): ImportJob[] {
  const given = (['posts', 'replies', 'ratings'] as const).filter((k) => o[k] !== undefined);
  const mappingFlags = [o.columns, o.layout, o.source, o.sources, o.scale, o.pattern, o.metadata, o.createMissing, o.alias.length ? 1 : undefined, o.delimiter, o.encoding, o.skipRows, o.idPrefix, o.ignoreColumns, o.allowLongCells];
  if (given.length > 1 && mappingFlags.some((f) => f !== undefined)) {
    throw new UserError('mapping flags apply to one file at a time', '--posts/--replies/--ratings', 'import the files one by one, or put their mappings in study.yaml');
  }
  const resolve = (f: string) => path.resolve(f);
  const common = {
    ...(o.format ? { format: o.format } : {}),
    ...(o.layout ? { layout: o.layout } : {}),
    ...(o.delimiter ? { delimiter: o.delimiter } : {}),
    ...(o.encoding ? { encoding: o.encoding } : {}),
    ...(o.skipRows !== undefined ? { skip_rows: Number(o.skipRows) } : {}),
    ...(o.idPrefix !== undefined ? { id_prefix: o.idPrefix } : {}),
    ...(o.alias.length ? { aliases: pairs(o.alias.join(','), '--alias') } : {}),
    ...(o.allowLongCells ? { allow_long_cells: true } : {}),
  };
  const jobs: ImportJob[] = [];
  if (o.posts) {
    const spec = parseSpec(
      postsFileSchema,
      { file: o.posts, ...common, ...(o.columns ? { columns: pairs(o.columns, '--columns') } : {}), ...(o.metadata ? { metadata: o.metadata.split(',') } : {}) },
      '--posts',
    );
    jobs.push({ kind: 'posts', path: resolve(o.posts), label: o.posts, spec });
  }
  if (o.replies) {
    const spec = parseSpec(
      repliesFileSchema,
      {
        file: o.replies,
        ...common,
        ...(o.columns ? { columns: pairs(o.columns, '--columns') } : {}),
        ...(o.source ? { source: o.source } : {}),
        ...(o.sources ? { sources: o.sources.split(',') } : {}),
        ...(o.ignoreColumns ? { ignore_columns: o.ignoreColumns.split(',') } : {}),
      },
      '--replies',
    );
    jobs.push({ kind: 'replies', path: resolve(o.replies), label: o.replies, spec });
  }
  if (o.ratings) {
    const spec = parseSpec(
      ratingsFileSchema,
      {
        file: o.ratings,
        ...common,
        ...(o.columns ? { columns: pairs(o.columns, '--columns') } : {}),
        ...(o.scale ? { scale: o.scale } : {}),
        ...(o.pattern ? { pattern: o.pattern } : {}),
        ...(o.createMissing ? { create_missing: true } : {}),
      },
      '--ratings',
    );
    jobs.push({ kind: 'ratings', path: resolve(o.ratings), label: o.ratings, spec });
  }
  if (jobs.length > 0) return jobs;

  return corpusJobs(study, dir);
}
