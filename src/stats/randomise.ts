/**
 * Stratified permuted-block randomisation (issue 20's field study: each post to an arm, balanced
 * within its domain). Within a stratum, units fill blocks of `blockSize` (a multiple of the number
 * of arms), each block a seeded shuffle of the arms repeated, so after every complete block each arm
 * has the same count, and never differs by more than blockSize / arms from another in between. The
 * arm of the n-th unit of a stratum depends only on the seed, the stratum and n: a second server, a
 * restart or a replay gives the same arms.
 */
import { hashSeed, seededRng, shuffled } from './random.js';
import { StatsInputError } from './errors.js';

/** The arm of the unit with this index (0, 1, 2, ...) in its stratum. */
export function blockArm<A extends string>(arms: readonly A[], stratum: string, index: number, options: { seed: number; blockSize?: number }): A {
  if (arms.length === 0) throw new StatsInputError('no arms to randomise to', undefined, 'name at least one arm');
  if (!Number.isInteger(index) || index < 0) throw new StatsInputError(`the unit index ${index} is not a whole number from 0`, undefined, 'count the units of the stratum from 0');
  const size = options.blockSize ?? arms.length * 2;
  if (size % arms.length !== 0) throw new StatsInputError(`a block of ${size} cannot hold each of ${arms.length} arms equally often`, undefined, `use a multiple of ${arms.length}`);
  const block = Math.floor(index / size);
  const order = shuffled(
    Array.from({ length: size }, (_, i) => arms[i % arms.length] as A),
    seededRng(hashSeed(`${stratum}\u0000${block}`, options.seed)),
  );
  return order[index % size] as A;
}
