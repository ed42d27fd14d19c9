/**
 * How long a session takes, for the Prolific listing and the consent text: the words a rater reads
 * (each of their posts once, every reply they rate, and half of each pair they compare) at 200 to
 * 250 words per minute, plus the time to answer each scale, item and pair, plus the fixed pages (consent, instructions, checks, questions about them).
 */
import { pairwiseScale, ratedScales } from '../study/formats.js';
import { repliesShown } from './assignment.js';
import type { Study } from '../study/schema.js';
import type { StudyContent } from './content.js';

/** Seconds to answer one scale of one reply (choosing one of a few labelled options). */
export const SECONDS_PER_ANSWER = 5;
/** Consent, instructions, the checks and the demographics together. */
export const FIXED_MINUTES = 2;
export const WORDS_PER_MINUTE = { slow: 200, fast: 250 } as const;

export interface SessionLength {
  /** The median session at 225 words per minute, in whole minutes (at least 1). */
  readonly minutes: number;
  /** The range at 250 and 200 words per minute. */
  readonly fastMinutes: number;
  readonly slowMinutes: number;
  readonly wordsToRead: number;
  readonly repliesToRate: number;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function sessionLength(study: Study, content: StudyContent): SessionLength {
  const postWords = median([...content.posts.values()].map((p) => words(`${p.title ?? ''} ${p.text}`)));
  const replyWords = median([...content.responses.values()].map((r) => words(r.text)));
  // Within-post, a rater rates one version of each reply to a post (a reply and its variant arms' copies are one).
  const repliesPerPost = study.design.type === 'one-per-post' ? 1 : median(content.plan.map(repliesShown));
  const posts = Math.min(study.design.posts_per_rater, content.plan.length);
  const replies = posts * repliesPerPost;
  // A pair shows two replies the rater has read: skimming them again counts as half their words.
  const pairs = pairwiseScale(study) ? posts * ((repliesPerPost * (repliesPerPost - 1)) / 2) : 0;
  const wordsToRead = Math.round(posts * postWords + replies * replyWords + pairs * replyWords);
  // One answer per Likert scale and slider, one per item of a multi-item scale, one per pair.
  const answersPerReply = ratedScales(study).reduce((n, s) => n + (s.type === 'multi-item' ? s.items.length : 1), 0);
  const answering = ((replies * answersPerReply + pairs) * SECONDS_PER_ANSWER) / 60 + FIXED_MINUTES;
  const at = (wpm: number) => Math.max(1, Math.round(wordsToRead / wpm + answering));
  return { minutes: at((WORDS_PER_MINUTE.slow + WORDS_PER_MINUTE.fast) / 2), fastMinutes: at(WORDS_PER_MINUTE.fast), slowMinutes: at(WORDS_PER_MINUTE.slow), wordsToRead, repliesToRate: replies };
}
