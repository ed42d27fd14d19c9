/** What `variants` and `demo` print after making the replies of the variant arms. */
import type { ArmTally } from '../generate/arms.js';
import { table } from './output.js';

export function armTable(tallies: readonly ArmTally[]): string {
  return table(['arm', 'of', 'parent replies', 'made', 'already there', 'failed content check', 'failed calls'], tallies.map((t) => [t.arm, t.of, t.parents, t.made, t.already, t.failedCheck, t.failedCall]));
}
