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

/**
 * The value a map holds for a key that the caller built the map to hold (a level's index, a
 * rater's row). A miss is a bug in the caller, not bad input, so it throws a plain Error naming
 * the key rather than returning undefined for the arithmetic to turn into NaN.
 */
export function lookup<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const v = map.get(key);
  if (v === undefined) throw new Error(`internal: no ${what} for ${String(key)}`);
  return v;
}
