/**
 * Who rates what. Pure functions of the study's posts and responses and of how full each response
 * already is ("fill": ratings done plus ratings promised by live assignments), so every arrival takes
 * the least-filled slots and every response converges on the target. Seeded: the same arrivals in
 * the same order give the same assignments.
 *
 * - `within-post` (the reference design): a rater gets P posts and rates every response to each.
 * - `one-per-post`: a rater gets P posts and one response to each, with sources balanced within the
 *   rater (each source floor(P/S) or ceil(P/S) times, Latin-square style).
 */
import { seededRng, shuffled, type Rng } from '../stats/random.js';

export interface PlanResponse {
  readonly id: string;
  readonly post: string;
  readonly source: string;
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

/** FNV-1a: a participant's id as a seed, so their draws do not depend on who else arrived. */
export function hashSeed(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const fillOf = (fill: ReadonlyMap<string, number>, id: string) => fill.get(id) ?? 0;

/** The P neediest posts: a post is as needy as its least-filled response; ties at random. */
function neediestPosts(posts: readonly PlanPost[], fill: ReadonlyMap<string, number>, p: number, rng: Rng): PlanPost[] {
  const rated = posts.filter((x) => x.responses.length > 0);
  const need = (x: PlanPost) => Math.min(...x.responses.map((r) => fillOf(fill, r.id)));
  return shuffled(rated, rng)
    .map((post, i) => ({ post, i, need: need(post) }))
    .sort((a, b) => a.need - b.need || a.i - b.i)
    .slice(0, p)
    .map((x) => x.post);
}

export function chooseSlots(design: DesignType, posts: readonly PlanPost[], fill: ReadonlyMap<string, number>, p: number, rng: Rng): Chosen[] {
  const chosen = neediestPosts(posts, fill, p, rng);
  if (design === 'within-post') return chosen.map((post) => ({ post, responses: post.responses }));
  // one-per-post: quotas per source, the remainder to the sources that are least filled overall.
  const sources = [...new Set(chosen.flatMap((x) => x.responses.map((r) => r.source)))].sort();
  const total = new Map<string, number>();
  for (const x of posts) for (const r of x.responses) total.set(r.source, (total.get(r.source) ?? 0) + fillOf(fill, r.id));
  const base = Math.floor(chosen.length / sources.length);
  const quota = new Map(sources.map((s) => [s, base]));
  const extra = shuffled(sources, rng)
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (total.get(a.s) ?? 0) - (total.get(b.s) ?? 0) || a.i - b.i)
    .slice(0, chosen.length - base * sources.length);
  for (const { s } of extra) quota.set(s, (quota.get(s) as number) + 1);
  const pairs = shuffled(
    chosen.flatMap((post) => post.responses.map((r) => ({ post, r }))),
    rng,
  )
    .map((x, i) => ({ ...x, i }))
    .sort((a, b) => fillOf(fill, a.r.id) - fillOf(fill, b.r.id) || a.i - b.i);
  const pick = new Map<string, PlanResponse>();
  for (const { post, r } of pairs) {
    if (pick.has(post.id) || (quota.get(r.source) ?? 0) <= 0) continue;
    pick.set(post.id, r);
    quota.set(r.source, (quota.get(r.source) as number) - 1);
  }
  // A post without a response from a source that still has quota takes its least-filled response.
  for (const { post, r } of pairs) if (!pick.has(post.id)) pick.set(post.id, r);
  return chosen.map((post) => ({ post, responses: [pick.get(post.id) as PlanResponse] }));
}

/** How many raters reach the target number of ratings per response. */
export function ratersNeeded(design: DesignType, posts: readonly PlanPost[], postsPerRater: number, target: number): number {
  const rated = posts.filter((p) => p.responses.length > 0);
  const p = Math.min(postsPerRater, rated.length);
  if (p === 0) return 0;
  const slots = design === 'within-post' ? rated.length : rated.reduce((s, x) => s + x.responses.length, 0);
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
