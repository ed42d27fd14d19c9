/**
 * Runs the dated migration files in `migrations/` (never hand-edited tables). The result is data:
 * which migrations ran, so `empathy-lab db migrate` can print it.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { UserError } from '../errors.js';
import * as initial from './migrations/2026_11_22_001_initial.js';
import * as generationCache from './migrations/2026_11_22_002_generation_cache.js';
import * as generationClaims from './migrations/2026_11_22_003_generation_claims.js';
import * as ratingApp from './migrations/2026_11_22_004_rating_app.js';
import * as slotCounts from './migrations/2026_11_22_005_slot_counts.js';
import * as liveStudy from './migrations/2026_11_26_006_live_study.js';
import * as generationCalls from './migrations/2026_11_26_007_generation_calls.js';
import * as prompts from './migrations/2026_11_26_008_prompts.js';
import * as panels from './migrations/2026_11_26_009_panels.js';
import * as judgeSamples from './migrations/2026_11_26_010_judge_samples.js';
import * as ratingFormats from './migrations/2026_11_27_011_rating_formats.js';
import * as fieldStudy from './migrations/2026_11_27_012_field_study.js';

/** Every migration, by dated name; add new files here in date order. */
const migrations: Record<string, Migration> = {
  '2026_11_22_001_initial': initial,
  '2026_11_22_002_generation_cache': generationCache,
  '2026_11_22_003_generation_claims': generationClaims,
  '2026_11_22_004_rating_app': ratingApp,
  '2026_11_22_005_slot_counts': slotCounts,
  '2026_11_26_006_live_study': liveStudy,
  '2026_11_26_007_generation_calls': generationCalls,
  '2026_11_26_008_prompts': prompts,
  '2026_11_26_009_panels': panels,
  '2026_11_26_010_judge_samples': judgeSamples,
  '2026_11_27_011_rating_formats': ratingFormats,
  '2026_11_27_012_field_study': fieldStudy,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface MigrationReport {
  readonly applied: string[];
  readonly current: string | undefined;
}

export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'el_migrations', migrationLockTableName: 'el_migrations_lock' });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error) {
    throw new UserError(
      `${failed ? `database migration ${failed.migrationName}` : 'migrating the database'} failed: ${error instanceof Error ? error.message : String(error)}`,
      undefined,
      'check that --db points to an empathy-lab database that this version can upgrade',
      { cause: error },
    );
  }
  const all = await migrator.getMigrations();
  const done = all.filter((m) => m.executedAt);
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName), current: done.at(-1)?.name };
}
