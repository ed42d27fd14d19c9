/**
 * Who rates what. Pure functions of the study's posts and responses and of how full each response
 * already is ("fill": ratings done plus ratings promised by live assignments), so every arrival takes
 * the least-filled slots and every response converges on the target. Seeded: the same arrivals in
 * the same order give the same assignments.
 *
 * - `within-post` (the reference design): a rater gets P posts and rates every response to each;
 *   where a reply has versions (a parent and its variant arms' derived replies: one family), the
 *   rater gets one version of it, the least filled, and never two.
 * - `one-per-post`: a rater gets P posts and one response to each, with sources balanced within the
 *   rater (each source floor(P/S) or ceil(P/S) times, Latin-square style).
 */
import { hashSeed, seededRng, shuffled, type Rng } from '../stats/random.js';

export interface PlanResponse {
  readonly id: string;
  readonly post: string;
  readonly source: string;
  /** The versions of one reply share a family (the parent's id); a rater sees one of them. Default: the reply's own id. */
  readonly family?: string;
}

const familyOf = (r: PlanResponse) => r.family ?? r.id;

/** One version of each reply of the post: the least filled (ties at random). */
function oneVersionEach(post: PlanPost, fill: ReadonlyMap<string, number>, rng: Rng): PlanResponse[] {
  const families = new Map<string, PlanResponse[]>();
  for (const r of post.responses) (families.get(familyOf(r)) ?? families.set(familyOf(r), []).get(familyOf(r)))?.push(r);
  if (families.size === post.responses.length) return [...post.responses];
  const picked = new Set<string>();
  for (const members of families.values()) {
    const [first] = sortedWithRandomTies(members, rng, (a, b) => fillOf(fill, a.id) - fillOf(fill, b.id));
    if (first) picked.add(first.id);
  }
  return post.responses.filter((r) => picked.has(r.id));
}

/** The replies a rater of the post rates: one version of each (within-post). */
export function repliesShown(post: PlanPost): number {
  return new Set(post.responses.map(familyOf)).size;
}

/** The most versions any reply of the post has: how many raters one round of the post takes. */
function versionsOf(post: PlanPost): number {
  const counts = new Map<string, number>();
  for (const r of post.responses) counts.set(familyOf(r), (counts.get(familyOf(r)) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

export interface PlanPost {
  readonly id: string;
  readonly domain: string;
  readonly responses: readonly PlanResponse[];
}

export type DesignType = 'within-post' | 'one-per-post';

export interface Chosen {
  readonly post: PlanPost;
  readonly responses: readonly PlanResponse[];
}

const fillOf = (fill: ReadonlyMap<string, number>, id: string) => fill.get(id) ?? 0;

/** Sorted by `compare`, ties in random order (a shuffle, then a stable sort). */
const sortedWithRandomTies = <T>(items: readonly T[], rng: Rng, compare: (a: T, b: T) => number): T[] => shuffled(items, rng).sort(compare);

/**
 * The P neediest posts: a post is as needy as its least-filled response; among equally needy posts,
 * those whose fullest response is least full (a post left half-rated by someone who abandoned is not
 * pushed further over the target); remaining ties at random.
 */
function neediestPosts(posts: readonly PlanPost[], fill: ReadonlyMap<string, number>, p: number, rng: Rng): PlanPost[] {
  const rated = posts.filter((x) => x.responses.length > 0);
  const scored = rated.map((post) => {
    const f = post.responses.map((r) => fillOf(fill, r.id));
    return { post, need: Math.min(...f), most: Math.max(...f) };
  });
  return sortedWithRandomTies(scored, rng, (a, b) => a.need - b.need || a.most - b.most)
    .slice(0, p)
    .map((x) => x.post);
}

/**
 * The slots for one arrival. Empty when every response has reached `target` (the study is full);
 * otherwise always P posts, the neediest first, so that every session is as long as promised.
 */
/** Every response has its target number of ratings, done or promised: no place is left. */
export function isFull(posts: readonly PlanPost[], fill: ReadonlyMap<string, number>, target: number): boolean {
  return posts.every((x) => x.responses.every((r) => fillOf(fill, r.id) >= target));
}

export function chooseSlots(design: DesignType, posts: readonly PlanPost[], fill: ReadonlyMap<string, number>, p: number, rng: Rng, target = Infinity): Chosen[] {
  if (isFull(posts, fill, target)) return [];
  if (design === 'within-post') return neediestPosts(posts, fill, p, rng).map((post) => ({ post, responses: oneVersionEach(post, fill, rng) }));
  return onePerPost(posts, fill, p, rng);
}

/**
 * One response from each of P different posts: the least-filled (post, response) pairs first, each
 * source taken floor(P/S) times, the remainder going to the sources least filled overall (so sources
 * stay balanced within the rater, Latin-square style, and across raters).
 */
function onePerPost(posts: readonly PlanPost[], fill: ReadonlyMap<string, number>, p: number, rng: Rng): Chosen[] {
  const rated = posts.filter((x) => x.responses.length > 0);
  const n = Math.min(p, rated.length);
  const sources = [...new Set(rated.flatMap((x) => x.responses.map((r) => r.source)))].sort();
  const total = new Map<string, number>();
  for (const x of rated) for (const r of x.responses) total.set(r.source, (total.get(r.source) ?? 0) + fillOf(fill, r.id));
  const base = Math.floor(n / sources.length);
  const quota = new Map(sources.map((src) => [src, base]));
  const extra = sortedWithRandomTies(sources, rng, (a, b) => (total.get(a) ?? 0) - (total.get(b) ?? 0)).slice(0, n - base * sources.length);
  for (const src of extra) quota.set(src, (quota.get(src) ?? 0) + 1);
  const pairs = sortedWithRandomTies(
    rated.flatMap((post) => post.responses.map((r) => ({ post, r }))),
    rng,
    (a, b) => fillOf(fill, a.r.id) - fillOf(fill, b.r.id),
  );
  const picked = new Map<string, { post: PlanPost; r: PlanResponse }>();
  for (const x of pairs) {
    if (picked.size === n) break;
    if (picked.has(x.post.id) || (quota.get(x.r.source) ?? 0) <= 0) continue;
    picked.set(x.post.id, x);
    quota.set(x.r.source, (quota.get(x.r.source) ?? 0) - 1);
  }
  // When quotas cannot be met (a source missing from the remaining posts), fill with the least filled.
  for (const x of pairs) {
    if (picked.size === n) break;
    if (!picked.has(x.post.id)) picked.set(x.post.id, x);
  }
  return [...picked.values()].map(({ post, r }) => ({ post, responses: [r] }));
}

/** How many raters reach the target number of ratings per response. */
export function ratersNeeded(design: DesignType, posts: readonly PlanPost[], postsPerRater: number, target: number): number {
  const rated = posts.filter((p) => p.responses.length > 0);
  const p = Math.min(postsPerRater, rated.length);
  if (p === 0) return 0;
  const slots = design === 'within-post' ? rated.reduce((s, x) => s + versionsOf(x), 0) : rated.reduce((s, x) => s + x.responses.length, 0);
  return Math.ceil((target * slots) / p);
}

export interface Balance {
  readonly raters: number;
  readonly perResponse: { readonly min: number; readonly max: number; readonly mean: number };
  readonly perSource: ReadonlyArray<{ readonly source: string; readonly ratings: number; readonly responses: number }>;
  readonly perDomain: ReadonlyArray<{ readonly domain: string; readonly ratings: number; readonly posts: number }>;
}

/**
 * The balance a study will reach: `raters` arrivals, each taking the least-filled slots as the app
 * would, nobody abandoning. Counts are raters per response (each rates every scale).
 */
export function simulateBalance(design: DesignType, posts: readonly PlanPost[], postsPerRater: number, raters: number, seed: number): Balance {
  const fill = new Map<string, number>();
  for (let i = 0; i < raters; i++) {
    const rng = seededRng(hashSeed(`plan-${i}`, seed));
    for (const c of chooseSlots(design, posts, fill, postsPerRater, rng)) for (const r of c.responses) fill.set(r.id, (fill.get(r.id) ?? 0) + 1);
  }
  const all = posts.flatMap((p) => p.responses);
  const counts = all.map((r) => fill.get(r.id) ?? 0);
  const sources = [...new Set(all.map((r) => r.source))].sort();
  const domains = [...new Set(posts.map((p) => p.domain))].sort();
  return {
    raters,
    perResponse: { min: Math.min(...counts), max: Math.max(...counts), mean: counts.reduce((s, v) => s + v, 0) / Math.max(1, counts.length) },
    perSource: sources.map((source) => {
      const rs = all.filter((r) => r.source === source);
      return { source, responses: rs.length, ratings: rs.reduce((s, r) => s + (fill.get(r.id) ?? 0), 0) };
    }),
    perDomain: domains.map((domain) => {
      const ps = posts.filter((p) => p.domain === domain);
      return { domain, posts: ps.length, ratings: ps.reduce((s, p) => s + p.responses.reduce((t, r) => t + (fill.get(r.id) ?? 0), 0), 0) };
    }),
  };
}
