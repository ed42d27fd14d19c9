/**
 * The field study's logic, apart from its pages: a seeker's post is screened for risk before anyone
 * else sees it, redacted, randomised to an arm (stratified permuted blocks by domain, seeded), and
 * answered by a supporter alone, by a supporter editing a model's draft, or (only with
 * `unreviewed_model_replies: true`) by the model alone; the seeker's answers are recorded once.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { wordEditDistance } from '../language/edit-distance.js';
import { findPersonalInfo, redact } from '../language/personal-info.js';
import { defaultRiskPhrases, screenForRisk, type RiskPhrase } from '../language/risk.js';
import { words } from '../language/words.js';
import { blockArm } from '../stats/randomise.js';
import { claimPost, fieldPost, insertRandomised, insertScreenedOut, sendReply, storeDraft, type Measure, type NewFieldPost } from '../store/field.repository.js';
import { newId } from '../store/ids.js';
import type { Db, FieldPostRow } from '../store/tables.js';
import type { FieldArm, FieldSettings, Study } from '../study/schema.js';

/** A model's draft of a reply to a post, with what was sent to make it. */
export interface Draft {
  readonly text: string;
  readonly provenance: Readonly<Record<string, unknown>>;
}

/** Writes a draft reply to a (redacted) post: the draft source's provider, prompt and parameters. */
export type Drafter = (post: { readonly id: string; readonly text: string; readonly domain: string }) => Promise<Draft>;

/** The model screen's verdict on a (redacted) post: RISK or SAFE, with what it signals and its words. */
export interface ScreenVerdict {
  readonly risk: boolean;
  readonly kind: string;
  readonly detail: string;
}

/** Asks the study's screening model about a post; throws when it cannot answer (the post is then not taken). */
export type Screener = (post: { readonly text: string; readonly domain: string }) => Promise<ScreenVerdict>;

/** The post could not be screened (the screening model failed): nothing is stored, the seeker sends it again. */
export class ScreenUnavailable extends Error {
  override readonly name = 'ScreenUnavailable';
}

/** Reads a screening model's answer: RISK or SAFE first, then optionally what it signals; anything else is no answer. */
export function parseVerdict(answer: string): ScreenVerdict | null {
  const first = answer.trim().split(/\r?\n/)[0] ?? '';
  const m = /^\W*(RISK|SAFE)\b[\s:,.-]*(self[_ -]harm|harm[_ -]to[_ -]others|danger[_ -]from[_ -]others)?/i.exec(first);
  if (!m) return null;
  return { risk: (m[1] as string).toUpperCase() === 'RISK', kind: m[2] ? m[2].toLowerCase().replace(/[ -]/g, '_') : 'unspecified', detail: first.slice(0, 200) };
}

export interface FieldDeps {
  readonly db: Db;
  readonly studyId: string;
  readonly study: Study;
  readonly now: () => Date;
  /** The draft source (absent when the study has only the human arm, or in tests of that arm). */
  readonly draft?: Drafter;
  /** The model screen (with `field.screening.model`). */
  readonly screen?: Screener;
  readonly log?: (line: string) => void;
}

export function fieldOf(study: Study): FieldSettings {
  if (!study.field) throw new Error('internal: not a field study');
  return study.field;
}

/** A seeker's link token as stored: its SHA-256 (the link itself is only ever in the seeker's hands). */
export const seekerHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A supporter's id in the data: the first 16 hex digits of their token's SHA-256 (never the token). */
export const supporterId = (token: string): string => `sup-${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;

/** The phrases the study screens with: the built-in list and its own, or its own only. */
export function riskPhrases(f: FieldSettings): RiskPhrase[] {
  return [...(f.screening.replace_builtin ? [] : defaultRiskPhrases()), ...f.screening.phrases];
}

export interface Submission {
  readonly seekerToken: string;
  readonly origin: 'link' | 'prolific';
  readonly externalId: string | null;
  readonly country: string;
  readonly domain: string;
  readonly text: string;
  readonly pre: readonly Measure[];
}

export type Submitted = { readonly kind: 'screened_out'; readonly postId: string; readonly matches: number } | { readonly kind: 'randomised'; readonly postId: string; readonly arm: string };

/**
 * A seeker's post: screened first (on the text as written), then redacted; a post that signals risk
 * is stored without an arm and logged, and nobody is given it; any other is randomised. A model-arm
 * post is answered by the model at once (see `answerByModel`).
 */
export async function submitPost(deps: FieldDeps, s: Submission): Promise<Submitted> {
  const f = fieldOf(deps.study);
  const matches = screenForRisk(s.text, riskPhrases(f));
  const spans = findPersonalInfo(s.text, { namesAndPlaces: true });
  const text = redact(s.text, spans);
  const post: NewFieldPost = {
    id: newId(),
    studyId: deps.studyId,
    seekerHash: seekerHash(s.seekerToken),
    origin: s.origin,
    externalId: s.externalId,
    country: s.country,
    domain: s.domain,
    text,
    redactions: spans.length,
    wordCount: words(s.text).length,
    createdAt: deps.now().toISOString(),
  };
  if (matches.length > 0) {
    // The log names the phrase and what it signals, never the text around it.
    await insertScreenedOut(deps.db, post, s.pre, matches.map((m) => ({ rule: 'lexicon', kind: m.kind, detail: m.phrase })));
    return { kind: 'screened_out', postId: post.id, matches: matches.length };
  }
  if (f.screening.model) {
    if (!deps.screen) throw new Error('internal: the study has a model screen but the app was given none');
    // The model sees the post as supporters would: redacted.
    let verdict: ScreenVerdict;
    try {
      verdict = await deps.screen({ text, domain: s.domain });
    } catch (err) {
      throw new ScreenUnavailable(err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (verdict.risk) {
      await insertScreenedOut(deps.db, post, s.pre, [{ rule: 'model', kind: verdict.kind, detail: verdict.detail }]);
      return { kind: 'screened_out', postId: post.id, matches: 1 };
    }
  }
  const blockSize = f.block_size ?? 2 * f.arms.length;
  const { arm } = await insertRandomised(deps.db, post, s.pre, s.domain, (index) => blockArm(f.arms, s.domain, index, { seed: deps.study.design.seed, blockSize }));
  // A model that does not answer now is asked again when the seeker comes back (see the seeker's page).
  if (arm === 'model') await answerByModel(deps, post.id).catch((err: unknown) => deps.log?.(`field: the model-arm reply to post ${post.id} could not be made yet: ${err instanceof Error ? err.message : String(err)}`));
  return { kind: 'randomised', postId: post.id, arm };
}

/** The draft of a post: made once by the draft source and kept (a second server keeps the first). */
export async function draftFor(deps: FieldDeps, post: FieldPostRow): Promise<string> {
  if (post.draft_text !== null) return post.draft_text;
  if (!deps.draft) throw new UserError('the study has no draft source to write the draft', 'field.draft_source', 'set field.draft_source to a model source');
  const draft = await deps.draft({ id: post.id, text: post.text, domain: post.domain });
  return storeDraft(deps.db, post.id, draft.text, draft.provenance);
}

/**
 * Sends the model's draft as the reply, with no person reading it: only when the manifest says
 * `unreviewed_model_replies: true`, checked here as well as when the manifest loads. False when the
 * post is not a waiting model-arm post (answered already, or another arm).
 */
export async function answerByModel(deps: FieldDeps, postId: string): Promise<boolean> {
  const f = fieldOf(deps.study);
  if (f.unreviewed_model_replies !== true) throw new UserError('a reply no person has read cannot be sent: the manifest does not say unreviewed_model_replies: true', 'field.unreviewed_model_replies');
  const post = await fieldPost(deps.db, deps.studyId, postId);
  if (!post || post.status !== 'waiting' || post.arm !== 'model') return false;
  const text = await draftFor(deps, post);
  return sendReply(deps.db, {
    postId,
    studyId: deps.studyId,
    arm: 'model',
    supporter: null,
    draft: text,
    text,
    wordCount: words(text).length,
    editDistance: 0,
    editShare: 0,
    openedAt: null,
    sentAt: deps.now().toISOString(),
    origin: 'app',
  });
}

export type Opened = { readonly kind: 'taken' } | { readonly kind: 'open'; readonly post: FieldPostRow; readonly draft: string | null };

/** A supporter opens a post: they hold it for `claim_minutes`; an assisted post comes with its draft. */
export async function openPost(deps: FieldDeps, postId: string, supporter: string): Promise<Opened> {
  const f = fieldOf(deps.study);
  if (!(await claimPost(deps.db, deps.studyId, postId, supporter, deps.now(), f.claim_minutes))) return { kind: 'taken' };
  const post = await fieldPost(deps.db, deps.studyId, postId);
  if (!post) return { kind: 'taken' };
  return { kind: 'open', post, draft: post.arm === 'assisted' ? await draftFor(deps, post) : null };
}

export type Sent = { readonly kind: 'sent' } | { readonly kind: 'too_short'; readonly min: number } | { readonly kind: 'taken' };

/** A supporter sends their reply; in the assisted arm the draft shown and the edit distance are kept. */
export async function sendSupporterReply(deps: FieldDeps, post: FieldPostRow, supporter: string, text: string, openedAt: string | null): Promise<Sent> {
  const f = fieldOf(deps.study);
  const n = words(text).length;
  if (n < f.supporters.min_words) return { kind: 'too_short', min: f.supporters.min_words };
  const draft = post.arm === 'assisted' ? post.draft_text : null;
  const edit = draft === null ? null : wordEditDistance(draft, text);
  const ok = await sendReply(deps.db, {
    postId: post.id,
    studyId: deps.studyId,
    arm: post.arm as FieldArm,
    supporter,
    draft,
    text: text.trim(),
    wordCount: n,
    editDistance: edit?.distance ?? null,
    editShare: edit?.normalised ?? null,
    openedAt,
    sentAt: deps.now().toISOString(),
    origin: 'app',
  });
  return ok ? { kind: 'sent' } : { kind: 'taken' };
}

/** When the follow-up opens for a post rated at `ratedAt`, or null when the study has none. */
export function followUpFrom(f: FieldSettings, ratedAt: string | null): Date | null {
  if (f.follow_up_days === undefined || ratedAt === null) return null;
  return new Date(new Date(ratedAt).getTime() + f.follow_up_days * 24 * 3600 * 1000);
}
