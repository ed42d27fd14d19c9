/**
 * A stable content hash of a study: the validated manifest (with defaults, keys sorted), every prompt
 * file and every corpus file. Stored with the study, every generated reply and every rating, so a
 * number in a report can be traced to the inputs that made it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Study } from './schema.js';

/** JSON with object keys sorted at every level, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The files a study depends on, relative to its folder, sorted. */
export function studyFiles(study: Study): string[] {
  const files = new Set<string>();
  for (const s of study.sources) {
    if (s.kind !== 'model') continue;
    for (const c of s.conditions) files.add(c.prompt);
    if (s.file) files.add(s.file);
  }
  if (study.corpus.posts) files.add(study.corpus.posts.file);
  if (study.instrument.consent_file) files.add(study.instrument.consent_file);
  if (study.instrument.instructions_file) files.add(study.instrument.instructions_file);
  for (const r of study.corpus.replies) files.add(r.file);
  for (const r of study.corpus.ratings) files.add(r.file);
  return [...files].sort();
}

export interface StudyHashes {
  /** The validated manifest alone. */
  readonly manifest: string;
  /** Manifest + prompts + corpus. */
  readonly content: string;
  readonly files: ReadonlyArray<{ path: string; sha256: string | null }>;
}

export async function hashStudy(study: Study, dir: string): Promise<StudyHashes> {
  const manifest = sha256(canonicalJson(study));
  const files = await Promise.all(
    studyFiles(study).map(async (rel) => {
      try {
        return { path: rel, sha256: sha256(await readFile(path.join(dir, rel))) };
      } catch (err) {
        // A missing file hashes as absent (status shows it; lint and import report it); any other
        // failure to read is an error.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path: rel, sha256: null };
        throw err;
      }
    }),
  );
  const content = sha256(canonicalJson({ manifest, files }));
  return { manifest, content, files };
}
