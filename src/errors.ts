/**
 * Errors a user can cause (a bad file, a bad manifest, a bad request). Each says where (`file:line`,
 * a manifest path, a field), what is wrong, and what to do about it. The CLI prints them as one line
 * and exits 1; the server maps them to 4xx. Anything else is a bug: exit 2.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly where?: string,
    readonly fix?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** `where: message (fix)`, the one line a user sees. */
  format(): string {
    const head = this.where ? `${this.where}: ${this.message}` : this.message;
    return this.fix ? `${head}; ${this.fix}` : head;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/**
 * Work that ended without error but is not complete (generation with units still missing, an
 * interrupted run): the CLI prints the one line and exits with `code` (3: incomplete; 130:
 * interrupted), so a script never mistakes it for success.
 */
export class IncompleteWork extends Error {
  override readonly name = 'IncompleteWork';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** Exit status 3 when a model could not be fitted: the document is written, the terminal says which and why. */
export function unfitted(failures: readonly string[], file: string): IncompleteWork {
  return new IncompleteWork(`${failures.length === 1 ? 'a model' : `${failures.length} models`} could not be fitted (${failures.join('; ')}); ${file} is written without ${failures.length === 1 ? 'it' : 'them'}`, 3);
}
