import type { Db } from '../store/tables.js';
import type { Study } from './schema.js';

/**
 * A study as the modules outside cli/ take it once cli/ has opened it: its database, its manifest
 * and folder, its row id and the hashes that stamp what it writes.
 */
export interface StoredStudy {
  readonly db: Db;
  readonly study: Study;
  /** The folder study.yaml is in (prompt files and outputs are relative to it). */
  readonly dir: string;
  readonly studyId: string;
  readonly manifestHash: string;
  readonly contentHash: string;
}
