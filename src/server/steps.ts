/**
 * A participant's session as a list of steps, fixed when they arrive and stored with their
 * assignment; `position` says which step is next. Advancing is one conditional update, so a double
 * click or a resubmitted old page can never record a step twice.
 */
import { shuffled, type Rng } from '../stats/random.js';
import type { Chosen } from './assignment.js';

export type Step =
  | { readonly kind: 'consent' }
  | { readonly kind: 'instructions' }
  | { readonly kind: 'comprehension' }
  /** The post alone, read before its responses. `index` counts posts from 1. */
  | { readonly kind: 'post'; readonly post: string; readonly index: number; readonly of: number }
  /** One response to rate; `n` of `of` within its post. */
  | { readonly kind: 'response'; readonly post: string; readonly response: string; readonly n: number; readonly of: number }
  | { readonly kind: 'attention'; readonly check: string }
  | { readonly kind: 'demographics' };

export interface StepOptions {
  readonly comprehension: boolean;
  /** Attention checks, each shown after this many rated responses. */
  readonly attention: ReadonlyArray<{ readonly id: string; readonly after: number }>;
}

/** Posts in random order, each post's responses in random order, attention checks where the manifest puts them. */
export function buildSteps(chosen: readonly Chosen[], options: StepOptions, rng: Rng): Step[] {
  const steps: Step[] = [{ kind: 'consent' }, { kind: 'instructions' }];
  if (options.comprehension) steps.push({ kind: 'comprehension' });
  const checks = [...options.attention].sort((a, b) => a.after - b.after || (a.id < b.id ? -1 : 1));
  let rated = 0;
  const due = () => {
    while (checks.length > 0 && (checks[0] as { after: number }).after <= rated) steps.push({ kind: 'attention', check: (checks.shift() as { id: string }).id });
  };
  const posts = shuffled(chosen, rng);
  posts.forEach((c, i) => {
    steps.push({ kind: 'post', post: c.post.id, index: i + 1, of: posts.length });
    const responses = shuffled(c.responses, rng);
    responses.forEach((r, n) => {
      due();
      steps.push({ kind: 'response', post: c.post.id, response: r.id, n: n + 1, of: responses.length });
      rated++;
      due();
    });
  });
  due();
  for (const c of checks) steps.push({ kind: 'attention', check: c.id });
  steps.push({ kind: 'demographics' });
  return steps;
}
