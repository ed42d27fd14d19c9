/**
 * Runs one or more imports as a single transaction: every file is read and parsed first, then all
 * rows are checked and written together, and any error leaves the database as it was.
 */
import type { RatingsFileSpec, RepliesFileSpec, PostsFileSpec, Study } from '../study/schema.js';
import type { Db } from '../store/tables.js';
import { readTable, type Table } from './table.js';
import type { ImportResult } from './import-context.js';
import { importPosts } from './import-posts.js';
import { importReplies } from './import-replies.js';
import { importRatings } from './import-ratings.js';

export type ImportJob =
  | { readonly kind: 'posts'; readonly path: string; readonly label: string; readonly spec: PostsFileSpec }
  | { readonly kind: 'replies'; readonly path: string; readonly label: string; readonly spec: RepliesFileSpec }
  | { readonly kind: 'ratings'; readonly path: string; readonly label: string; readonly spec: RatingsFileSpec };

export interface StudyTarget {
  readonly study: Study;
  readonly studyId: string;
  readonly contentHash: string;
}

const ORDER = { posts: 0, replies: 1, ratings: 2 } as const;

export interface ImportProgress {
  /** Called once all files are read, with the number of records to check. */
  start(records: number): void;
  tick(): void;
}

export async function runImports(db: Db, target: StudyTarget, jobs: readonly ImportJob[], progress?: ImportProgress): Promise<ImportResult[]> {
  const sorted = [...jobs].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const tables: Table[] = [];
  for (const job of sorted) tables.push(await readTable(job.path, { format: job.spec.format, label: job.label }));
  progress?.start(tables.reduce((n, t) => n + t.records.length, 0));
  return db.transaction().execute(async (trx) => {
    const ctx = { db: trx, ...target, ...(progress ? { tick: () => progress.tick() } : {}) };
    const results: ImportResult[] = [];
    for (const [i, job] of sorted.entries()) {
      const table = tables[i] as Table;
      if (job.kind === 'posts') results.push(await importPosts(ctx, table, job.spec));
      else if (job.kind === 'replies') results.push(await importReplies(ctx, table, job.spec));
      else results.push(await importRatings(ctx, table, job.spec));
    }
    return results;
  });
}
