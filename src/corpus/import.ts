/**
 * Runs one or more imports as a single transaction: every file is read and parsed first, then all
 * rows are checked and written together, and any error leaves the database as it was.
 */
import type { RatersFileSpec, RatingsFileSpec, RepliesFileSpec, PostsFileSpec, Study } from '../study/schema.js';
import type { Db } from '../store/tables.js';
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
import type { ImportResult } from './import-context.js';
import { importPosts } from './import-posts.js';
import { importReplies } from './import-replies.js';
import { importRaters } from './import-raters.js';
import { importRatings } from './import-ratings.js';

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
