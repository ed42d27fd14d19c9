import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's folder (templates/, examples/, package.json): dist/paths.js or src/paths.ts lives one below it. */
export const packageRoot = fileURLToPath(new URL('../', import.meta.url));

/** A path as a user would like to read it in a message: relative to here, unless that climbs out. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel === '' ? file : rel.startsWith('..') ? path.resolve(file) : rel;
}
