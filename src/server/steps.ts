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
  /** Two responses to the post side by side (the pairwise scale): `left` is shown first (left, or on top on a phone). */
  | { readonly kind: 'pair'; readonly post: string; readonly left: string; readonly right: string; readonly n: number; readonly of: number }
  | { readonly kind: 'attention'; readonly check: string }
  | { readonly kind: 'demographics' };

export interface StepOptions {
  readonly comprehension: boolean;
  /** Attention checks, each shown after this many rated responses. */
  readonly attention: ReadonlyArray<{ readonly id: string; readonly after: number }>;
  /**
   * With a pairwise scale: how often each ordered pair (`left>right`) has been shown. Every pair of a
   * post's responses follows them, in random order, each shown the way round it has been shown less.
   */
  readonly pairs?: ReadonlyMap<string, number> | undefined;
}

/** The key of an ordered pair in the pair counters. */
export const pairKey = (left: string, right: string) => `${left}>${right}`;

/** Every pair of the responses, each the way round it was shown less often (ties at random), in random order. */
export function orientedPairs(ids: readonly string[], shown: ReadonlyMap<string, number>, rng: Rng): Array<{ left: string; right: string }> {
  const pairs: Array<{ left: string; right: string }> = [];
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++) {
      const a = ids[i] as string;
      const b = ids[j] as string;
      const ab = shown.get(pairKey(a, b)) ?? 0;
      const ba = shown.get(pairKey(b, a)) ?? 0;
      const aFirst = ab < ba || (ab === ba && rng() < 0.5);
      pairs.push(aFirst ? { left: a, right: b } : { left: b, right: a });
    }
  return shuffled(pairs, rng);
}

/**
 * Posts in random order, each post's responses in random order, then (with a pairwise scale) every
 * pair of them; attention checks where the manifest puts them (counting rated replies and pairs).
 */
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
    if (options.pairs) {
      // Sorted first, so the pairs drawn depend on the rng and the counters, not on the shuffle above.
      const pairs = orientedPairs([...c.responses.map((r) => r.id)].sort(), options.pairs, rng);
      pairs.forEach((pair, n) => {
        due();
        steps.push({ kind: 'pair', post: c.post.id, left: pair.left, right: pair.right, n: n + 1, of: pairs.length });
        rated++;
        due();
      });
    }
  });
  due();
  for (const c of checks) steps.push({ kind: 'attention', check: c.id });
  steps.push({ kind: 'demographics' });
  return steps;
}
