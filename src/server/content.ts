/** What participants rate: the study's posts and their original replies, read once when the app starts. */
import { contentPosts } from '../store/posts.repository.js';
import { contentResponses } from '../store/responses.repository.js';
import type { Db } from '../store/tables.js';
import type { PlanPost, PlanResponse } from './assignment.js';
import { armLabel } from '../study/arm.js';

export interface ContentPost {
  readonly id: string;
  readonly externalId: string;
  readonly domain: string;
  readonly title: string | null;
  readonly text: string;
}

export interface ContentResponse {
  readonly id: string;
  readonly post: string;
  /** Never shown to participants; for balance and the admin's downloads only. */
  readonly source: string;
  readonly text: string;
  /** The reply's family: its parent's id for a variant arm's reply, else its own. */
  readonly family: string;
}

export interface StudyContent {
  readonly posts: ReadonlyMap<string, ContentPost>;
  readonly responses: ReadonlyMap<string, ContentResponse>;
  readonly plan: readonly PlanPost[];
}

export async function loadContent(db: Db, studyId: string): Promise<StudyContent> {
  const posts = await contentPosts(db, studyId);
  const responses = await contentResponses(db, studyId);
  const postMap = new Map(posts.map((p) => [p.id, { id: p.id, externalId: p.external_id, domain: p.domain, title: p.title, text: p.text }]));
  const responseMap = new Map(
    responses.filter((r) => postMap.has(r.post_id)).map((r) => [r.id, { id: r.id, post: r.post_id, source: armLabel(r.source, r.condition), text: r.text, family: r.parent_id ?? r.id }]),
  );
  const byPost = new Map<string, PlanResponse[]>();
  for (const r of responseMap.values()) (byPost.get(r.post) ?? byPost.set(r.post, []).get(r.post))?.push({ id: r.id, post: r.post, source: r.source, family: r.family });
  const plan = posts.map((p) => ({ id: p.id, domain: p.domain, responses: byPost.get(p.id) ?? [] }));
  return { posts: postMap, responses: responseMap, plan };
}
