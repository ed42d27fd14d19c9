/**
 * An error in the input to a statistical function (a formula it cannot fit, a column that is
 * missing, too few observations). `where` names the offending term or column; `fix` says what to do.
 * Kept here so `stats/` imports nothing from the rest of the project; the CLI maps it to exit 1.
 */
export class StatsInputError extends Error {
  override readonly name = 'StatsInputError';
  constructor(
    message: string,
    readonly where?: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}
