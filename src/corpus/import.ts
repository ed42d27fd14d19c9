/**
 * Runs one or more imports as a single transaction: every file is read and parsed first, then all
 * rows are checked and written together, and any error leaves the database as it was.
 */
import type { RatersFileSpec, RatingsFileSpec, RepliesFileSpec, PostsFileSpec, Study } from '../study/schema.js';
import type { Db } from '../store/tables.js';
import path from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../paths.js';
import type { ImportResult } from './import-context.js';
import { importPosts } from './import-posts.js';
import { importReplies } from './import-replies.js';
import { importRaters } from './import-raters.js';
import { importRatings } from './import-ratings.js';
import { readTable, type Delimiter, type ReadOptions, type Table, type TableFormat } from './table.js';

/** A corpus entry's reading settings as the table reader takes them. */
export function readOptions(spec: { format?: TableFormat | undefined; delimiter?: string | undefined; encoding?: ReadOptions['encoding'] | undefined; skip_rows?: number | undefined }): ReadOptions & { format?: TableFormat } {
  return {
    ...(spec.format ? { format: spec.format } : {}),
    ...(spec.delimiter ? { delimiter: spec.delimiter as Delimiter } : {}),
    ...(spec.encoding ? { encoding: spec.encoding } : {}),
    ...(spec.skip_rows !== undefined ? { skipRows: spec.skip_rows } : {}),
  };
}

export type ImportJob =
  | { readonly kind: 'posts'; readonly path: string; readonly label: string; readonly spec: PostsFileSpec }
  | { readonly kind: 'replies'; readonly path: string; readonly label: string; readonly spec: RepliesFileSpec }
  | { readonly kind: 'ratings'; readonly path: string; readonly label: string; readonly spec: RatingsFileSpec }
  | { readonly kind: 'raters'; readonly path: string; readonly label: string; readonly spec: RatersFileSpec };

export interface StudyTarget {
  readonly study: Study;
  readonly studyId: string;
  readonly contentHash: string;
}

/** The manifest's corpus files as import jobs (paths relative to the study folder). */
export function corpusJobs(study: Study, dir: string): ImportJob[] {
  const jobs: ImportJob[] = [];
  const rel = (f: string) => displayPath(path.join(dir, f));
  const c = study.corpus;
  if (c.posts) jobs.push({ kind: 'posts', path: path.join(dir, c.posts.file), label: rel(c.posts.file), spec: c.posts });
  for (const r of c.replies) jobs.push({ kind: 'replies', path: path.join(dir, r.file), label: rel(r.file), spec: r });
  for (const r of c.ratings) jobs.push({ kind: 'ratings', path: path.join(dir, r.file), label: rel(r.file), spec: r });
  for (const r of c.raters) jobs.push({ kind: 'raters', path: path.join(dir, r.file), label: rel(r.file), spec: r });
  if (jobs.length === 0) {
    throw new UserError('nothing to import: the manifest lists no corpus files and no file was given', 'study.yaml corpus', 'pass --posts FILE, --replies FILE or --ratings FILE, or list files under `corpus`');
  }
  return jobs;
}

const ORDER = { posts: 0, replies: 1, ratings: 2, raters: 3 } as const;

export interface ImportProgress {
  /** Called once all files are read, with the number of records to check. */
  start(records: number): void;
  tick(): void;
}

export async function runImports(db: Db, target: StudyTarget, jobs: readonly ImportJob[], progress?: ImportProgress): Promise<ImportResult[]> {
  const sorted = [...jobs].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const tables: Table[] = [];
  for (const job of sorted) tables.push(await readTable(job.path, { label: job.label, ...readOptions(job.spec) }));
  progress?.start(tables.reduce((n, t) => n + t.records.length, 0));
  return db.transaction().execute(async (trx) => {
    const ctx = { db: trx, ...target, ...(progress ? { tick: () => progress.tick() } : {}) };
    const results: ImportResult[] = [];
    for (const [i, job] of sorted.entries()) {
      const table = tables[i];
      const result =
        job.kind === 'posts'
          ? await importPosts(ctx, table, job.spec)
          : job.kind === 'replies'
            ? await importReplies(ctx, table, job.spec)
            : job.kind === 'ratings'
              ? await importRatings(ctx, table, job.spec)
              : await importRaters(ctx, table, job.spec);
      results.push(table.notes ? { ...result, notes: table.notes } : result);
    }
    return results;
  });
}
