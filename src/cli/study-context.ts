/** Opening a study as every command does: manifest, hashes, database, and the study's row. */
import { loadStudy, type LoadedStudy } from '../study/load.js';
import { hashStudy, canonicalJson, type StudyHashes } from '../study/hash.js';
import { upsertStudy } from '../store/studies.repository.js';
import type { StudyRow } from '../store/tables.js';
import type { StoredStudy } from '../study/stored.js';
import { UserError } from '../errors.js';
import { openDb, type DbTimeouts, type OpenedDb } from './open-db.js';

export interface StudyOptions {
  /** `--study path/to/study.yaml`; otherwise the positional folder, otherwise `.`. */
  readonly study?: string;
  readonly db?: string;
}

/** What a long-running process (`serve`) adds: limits on how long a database call may take. */
export interface OpenOptions {
  readonly timeouts?: DbTimeouts;
  /** The command serves field studies too (serve, simulate, analyze, report, export, status); others refuse them. */
  readonly field?: boolean;
}

/** The commands that work on a field study (design.type: field). */
export const FIELD_COMMANDS = ['serve', 'simulate', 'analyze', 'report', 'export', 'status', 'lint'] as const;

export interface OpenStudy {
  readonly loaded: LoadedStudy;
  readonly hashes: StudyHashes;
  readonly store: OpenedDb;
  readonly row: StudyRow;
}

export function manifestArg(dir: string | undefined, options: StudyOptions): string {
  return options.study ?? dir ?? '.';
}

export async function openStudy(dir: string | undefined, options: StudyOptions, open: OpenOptions = {}): Promise<OpenStudy> {
  const loaded = await loadStudy(manifestArg(dir, options));
  if (loaded.study.design.type === 'field' && !open.field)
    throw new UserError('this command is for rating studies, and this is a field study (design.type: field)', loaded.manifestPath, `use ${FIELD_COMMANDS.join(', ')}`);
  const hashes = await hashStudy(loaded.study, loaded.dir);
  const store = await openDb(options.db, loaded.dir, open.timeouts);
  try {
    const row = await upsertStudy(store.db, {
      name: loaded.study.name,
      title: loaded.study.title ?? null,
      manifestJson: canonicalJson(loaded.study),
      manifestHash: hashes.manifest,
      contentHash: hashes.content,
    });
    return { loaded, hashes, store, row };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Runs `fn` with an open study and always closes the database. */
export async function withStudy<T>(dir: string | undefined, options: StudyOptions, fn: (s: OpenStudy) => Promise<T>, open: OpenOptions = {}): Promise<T> {
  const s = await openStudy(dir, options, open);
  try {
    return await fn(s);
  } finally {
    await s.store.close();
  }
}

/** An open study as the modules outside cli/ take it. */
export function storedStudy(s: OpenStudy): StoredStudy {
  return { db: s.store.db, study: s.loaded.study, dir: s.loaded.dir, studyId: s.row.id, manifestHash: s.hashes.manifest, contentHash: s.hashes.content };
}
