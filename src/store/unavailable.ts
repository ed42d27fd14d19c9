/**
 * Whether an error means the database could not answer (gone, restarting, frozen, locked by another
 * process for too long) rather than that the request was wrong. Such a request can be tried again
 * in a moment; the rating app shows "please try again in a minute" and answers 503.
 */

/** Postgres SQLSTATEs: class 08 (connection), 57P01-03 (shut down, restarting), 57014 (statement timeout), 53300 (too many connections). */
const PG_CODES = /^(08...|57P0[123]|57014|53300)$/;
/** Node's socket errors. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLite: another process holds the lock past the busy timeout, or the disk failed. */
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|PROTOCOL)/;
/** pg's own messages for connections that died or timed out (they carry no code). */
const PG_MESSAGES = /Connection terminated|not queryable|read timeout|timeout exceeded when trying to connect|Connection ended|connect ETIMEDOUT/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (PG_CODES.test(code) || NET_CODES.has(code) || SQLITE_CODES.test(code))) return true;
    if (e instanceof Error && PG_MESSAGES.test(e.message)) return true;
  }
  return false;
}
