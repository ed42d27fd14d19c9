/**
 * The design a power analysis simulates: who rates what, made by the rating app's own assignment
 * (`chooseSlots`, seeded per arrival as the app and `plan` seed it), on posts that each have one reply
 * per source.
 */
import { chooseSlots, type DesignType, type PlanPost } from '../server/assignment.js';
import { hashSeed, seededRng } from '../stats/random.js';
import type { PowerDesign } from '../stats/power.js';

export interface DesignSpec {
  readonly type: DesignType;
  readonly sources: readonly string[];
  readonly posts: number;
  readonly raters: number;
  readonly postsPerRater: number;
  readonly seed: number;
}

export function powerDesign(spec: DesignSpec): PowerDesign {
  const posts: PlanPost[] = Array.from({ length: spec.posts }, (_, p) => ({
    id: `p${p}`,
    domain: 'all',
    responses: spec.sources.map((source) => ({ id: `p${p}/${source}`, post: `p${p}`, source })),
  }));
  const postIndex = new Map(posts.map((p, i) => [p.id, i]));
  const sourceIndex = new Map(spec.sources.map((s, i) => [s, i]));
  const fill = new Map<string, number>();
  const post: number[] = [];
  const rater: number[] = [];
  const source: number[] = [];
  for (let r = 0; r < spec.raters; r++) {
    const rng = seededRng(hashSeed(`plan-${r}`, spec.seed));
    for (const chosen of chooseSlots(spec.type, posts, fill, spec.postsPerRater, rng)) {
      for (const reply of chosen.responses) {
        fill.set(reply.id, (fill.get(reply.id) ?? 0) + 1);
        post.push(postIndex.get(chosen.post.id) ?? 0);
        rater.push(r);
        source.push(sourceIndex.get(reply.source) ?? 0);
      }
    }
  }
  return { sources: spec.sources, posts: spec.posts, raters: spec.raters, post: Int32Array.from(post), rater: Int32Array.from(rater), source: Int32Array.from(source), type: spec.type };
}
