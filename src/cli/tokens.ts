/** Token files (a link panel's invitees, a field study's supporters), as serve and lint read them. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

/** One token per non-empty line (# starts a comment), each at least 12 characters. */
export function tokensOf(text: string, file: string): Set<string> {
  const tokens = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const short = tokens.findIndex((x) => x.length < 12);
  if (short >= 0) throw new UserError(`token ${short + 1} is shorter than 12 characters`, file, 'give everyone a long random token (e.g. openssl rand -hex 12)');
  return new Set(tokens);
}

/** A tokens file named by the manifest at `key`, relative to the study folder; an empty one is an error. */
export async function readTokens(file: string, dir: string, key: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, key, 'check the path; it is relative to the study folder', { cause: err });
  }
  const tokens = tokensOf(text, file);
  if (tokens.size === 0) throw new UserError('no token in the file', file, 'write one token per line (openssl rand -hex 12)');
  return tokens;
}
