import path from 'node:path';

/** A path as a user would like to read it in a message: relative to here, unless that climbs out. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel === '' ? file : rel.startsWith('..') ? path.resolve(file) : rel;
}
