import { randomUUID } from 'node:crypto';

/** Row identifiers: random UUIDs, so rows made on several machines never collide. */
export const newId = (): string => randomUUID();

export const nowIso = (): string => new Date().toISOString();

/** Splits rows into batches small enough for both drivers' bound-parameter limits. */
export function* chunks<T>(rows: readonly T[], columnsPerRow: number): Generator<T[]> {
  const size = Math.max(1, Math.floor(16_000 / Math.max(1, columnsPerRow)));
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
