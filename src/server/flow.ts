/**
 * The participant flow against the database. An arrival holds nothing: it gets a session whose only
 * step is consent, which expires within minutes. Places are taken at consent, under a study-wide
 * lock so that concurrent participants, even at two servers, see each other: the least-filled slots
 * become the session's steps. Every submission is one transaction that first advances the step
 * conditionally; only the submission that advanced it writes anything, so nothing is recorded twice
 * and every rating is committed before the next page is served.
 */
import { randomBytes } from 'node:crypto';
import { pairwiseScale, preferenceValues, rangeOf, ratedScales, storedScaleIds } from '../study/formats.js';
import type { PairwiseScale, Panel, Study } from '../study/schema.js';
import { ratingDesign } from '../study/schema.js';
import type { Text } from '../study/participant-text.js';
import {
  addPairs,
  addSlots,
  advanceStep,
  assignmentOf,
  attributesOf,
  createSession,
  endParticipant,
  pairCounts,
  expireAssignments,
  pageViewWithKey,
  participantByExternalId,
  participantByToken,
  recordAnswers,
  releaseAssignment,
  renewConsentWindow,
  setAttributes,
  slotCounts,
  slotsOf,
  startAssignment,
} from '../store/sessions.repository.js';
import { appState } from '../store/studies.repository.js';
import type { Db } from '../store/tables.js';
import { hashSeed, seededRng } from '../stats/random.js';
import { chooseSlots, isFull } from './assignment.js';
import type { StudyContent } from './content.js';
import { buildSteps, type Step } from './steps.js';

export interface FlowDeps {
  readonly db: Db;
  readonly studyId: string;
  readonly contentHash: string;
  readonly study: Study;
  readonly content: StudyContent;
  readonly now: () => Date;
  /** Serialises place-taking across processes (Postgres: an advisory lock; SQLite: one writer already). */
  readonly lockStudy: (trx: Db, studyId: string) => Promise<void>;
}

/** An arrival that has not consented holds no place and its session ends after this long. */
export const CONSENT_MINUTES = 10;

export interface Entry {
  readonly externalId: string;
  readonly origin: 'prolific' | 'anonymous';
  /** The panel the arrival belongs to ('' when the study has no panels). */
  readonly panel?: string;
  /** The arrival proved who it is (an invitee's own token): a returning arrival resumes its session. */
  readonly proven?: boolean;
  readonly prolificStudyId?: string;
  readonly prolificSessionId?: string;
}

/** A panel of the study by id (undefined for the pool '' or a study without panels). */
export function panelOf(study: Study, id: string): Panel | undefined {
  return study.recruitment.panels.find((p) => p.id === id);
}

/** Ratings per reply a panel collects: its own target, or the design's. */
export function targetOf(study: Study, panel: string): number {
  return panelOf(study, panel)?.target_ratings_per_response ?? study.design.target_ratings_per_response;
}

/** Built-in demographics (age, gender) unless the manifest asks them itself, then the manifest's, then the panel's screening questions. */
export function demographicsOf(study: Study, t: Text, panel = ''): Study['instrument']['demographics'] {
  const listed = [...study.instrument.demographics, ...(panelOf(study, panel)?.screening ?? [])];
  const builtIn: Study['instrument']['demographics'] = [
    { id: 'age', question: t('demographics.age'), type: 'number', required: false },
    {
      id: 'gender',
      question: t('demographics.gender'),
      type: 'choice',
      options: [t('demographics.gender_woman'), t('demographics.gender_man'), t('demographics.gender_nonbinary'), t('demographics.gender_self'), t('demographics.gender_none')],
      required: false,
    },
  ];
  return [...builtIn.filter((b) => !listed.some((d) => d.id === b.id)), ...listed];
}

/** A choice option that asks for the participant's own words gets a text box beside it. */
export const SELF_DESCRIBE = /self-describe|self describe/i;

/**
 * An arrival's outcome: a session token, or why there is none. `openElsewhere`: the id has a session
 * and the request did not present its Prolific SESSION_ID (knowing a PID is not enough).
 */
export type Arrival = { readonly token: string } | { readonly refused: 'full' | 'already_rated' | 'blocked' | 'open_elsewhere' | 'paused' | 'closed' };

/**
 * Finds the session of a returning id (only with the same Prolific SESSION_ID), or creates a new
 * participant whose session starts at consent and holds no place yet.
 */
export async function arrive(deps: FlowDeps, entry: Entry): Promise<Arrival> {
  return deps.db.transaction().execute(async (trx) => {
    await deps.lockStudy(trx, deps.studyId);
    const now = deps.now();
    // A write first: on SQLite the transaction then holds the write lock from its start, so another
    // process's commit cannot invalidate what it read (SQLITE_BUSY_SNAPSHOT).
    await expireAssignments(trx, deps.studyId, now.toISOString());
    const existing = await participantByExternalId(trx, deps.studyId, entry.externalId);
    if (existing) {
      if (existing.status === 'blocked') return { refused: 'blocked' };
      if (!existing.session_token) return { refused: 'already_rated' };
      const sameSession = entry.proven === true || (entry.prolificSessionId !== undefined && existing.prolific_session_id === entry.prolificSessionId);
      return sameSession ? { token: existing.session_token } : { refused: 'open_elsewhere' };
    }
    const state = await appState(trx, deps.studyId);
    if (state !== 'open') return { refused: state };
    const panel = entry.panel ?? '';
    if (isFull(deps.content.plan, await slotCounts(trx, deps.studyId, panel), targetOf(deps.study, panel))) return { refused: 'full' };
    const token = randomBytes(24).toString('base64url');
    const steps: Step[] = [{ kind: 'consent' }];
    await createSession(trx, {
      studyId: deps.studyId,
      externalId: entry.externalId,
      origin: entry.origin,
      prolificStudyId: entry.prolificStudyId ?? null,
      prolificSessionId: entry.prolificSessionId ?? null,
      token,
      stepsJson: JSON.stringify(steps),
      now: now.toISOString(),
      expiresAt: new Date(now.getTime() + CONSENT_MINUTES * 60_000).toISOString(),
      panel,
    });
    return { token };
  });
}

/** A consented session gives its places back at its time limit or when idle this long after `now`, whichever is first. */
function deadlineAfter(deps: FlowDeps, now: Date, expiresAt: string): string {
  const idle = new Date(now.getTime() + deps.study.design.idle_minutes * 60_000).toISOString();
  return idle < expiresAt ? idle : expiresAt;
}

export interface Session {
  readonly participant: NonNullable<Awaited<ReturnType<typeof participantByToken>>>;
  readonly assignment: NonNullable<Awaited<ReturnType<typeof assignmentOf>>>;
  readonly steps: Step[];
  /** The step to show, or null when there is none (completed, expired, withdrawn, screened out). */
  readonly step: Step | null;
}

export async function sessionOf(deps: FlowDeps, token: string): Promise<Session | null> {
  const participant = await participantByToken(deps.db, deps.studyId, token);
  if (!participant) return null;
  const assignment = await assignmentOf(deps.db, participant.id);
  if (!assignment) return null;
  const now = deps.now();
  const iso = now.toISOString();
  if (assignment.status === 'active') {
    // A session past its deadline is reclaimed here too, not only when someone else arrives.
    if ((assignment.deadline ?? assignment.expires_at) < iso) {
      await deps.db.transaction().execute((trx) => expireAssignments(trx, deps.studyId, iso));
      return sessionOf(deps, token);
    }
  } else if (assignment.status === 'expired' && assignment.position === 0 && participant.status === 'timed_out') {
    // Someone who arrived, held nothing and came back after the consent window may start again.
    await renewConsentWindow(deps.db, assignment.id, participant.id, new Date(now.getTime() + CONSENT_MINUTES * 60_000).toISOString());
    return sessionOf(deps, token);
  }
  const steps = slotsOf<Step>(assignment.slots_json);
  const step = assignment.status === 'active' ? (steps[assignment.position] ?? null) : null;
  return { participant, assignment, steps, step };
}

/** A submitted page: its step number, idempotency key, the browser's time on page and the answers. */
export interface Submission {
  readonly step: number;
  readonly key: string;
  readonly clientMs: number | null;
  readonly fields: Readonly<Record<string, string>>;
}

export type Outcome =
  | { readonly kind: 'advanced' }
  /**
   * Not the current step: nothing was written. `stale`: the page was answered by another submission
   * (another tab, an old page); otherwise this very submission was already recorded (a double click).
   */
  | { readonly kind: 'duplicate'; readonly stale: boolean }
  /** The answers cannot be accepted; the page is shown again with these messages. */
  | { readonly kind: 'invalid'; readonly errors: Readonly<Record<string, string>> }
  | { readonly kind: 'retry'; readonly message: string }
  | { readonly kind: 'screened_out' }
  | { readonly kind: 'declined' }
  /** Consent given, but every place was taken meanwhile. */
  | { readonly kind: 'full' };

export const MAX_TEXT = 2000;

type Values = Record<string, string | number>;

/** A rating that `validate` accepted: a whole number, or a bug upstream. */
function scaleValue(values: Values, scale: string): number {
  const v = values[`scale_${scale}`];
  if (typeof v !== 'number') throw new Error(`internal: scale ${scale} passed validation without a number`);
  return v;
}

/** The form field of a stored scale id (a likert or slider scale, or one item of a multi-item scale). */
export const fieldOf = (stored: string) => `scale_${stored}`;

/** The preference a pair page's field names, or an error message. */
function pairChoice(scale: PairwiseScale, raw: string | undefined, t: Text): { value: number } | { error: string } {
  if (raw === undefined || raw === '') return { error: t('scale.required') };
  const v = Number(raw);
  return preferenceValues(scale).includes(v) ? { value: v } : { error: t('scale.required') };
}

/** Checks a page's answers; returns the values to store or the messages to show. */
export function validate(study: Study, t: Text, step: Step, f: Readonly<Record<string, string>>, panel = ''): { errors: Record<string, string>; values: Values } {
  const errors: Record<string, string> = {};
  const values: Values = {};
  const instrument = study.instrument;
  if (step.kind === 'consent') {
    if (f.consent !== 'yes' && f.consent !== 'no') errors.consent = t('consent.error');
    else values.consent = f.consent;
  } else if (step.kind === 'comprehension') {
    const c = instrument.comprehension;
    if (!c || !c.options.includes(f.answer ?? '')) errors.answer = t('choice.required');
    else values.answer = f.answer;
  } else if (step.kind === 'response') {
    for (const s of ratedScales(study))
      for (const stored of storedScaleIds(s)) {
        const field = fieldOf(stored);
        const raw = f[field];
        const v = Number(raw);
        const { min, max } = rangeOf(s);
        if (raw === undefined || raw.trim() === '') errors[field] = s.type === 'slider' ? t('slider.required') : t('scale.required');
        else if (!Number.isInteger(v) || v < min || v > max) errors[field] = s.type === 'slider' ? t('slider.range') : t('scale.range', { points: max });
        else values[field] = v;
      }
    const comment = (f.comment ?? '').trim();
    if (instrument.free_text && comment.length > MAX_TEXT) errors.comment = t('reply.comment_too_long', { max: MAX_TEXT });
    else if (instrument.free_text && comment) values.comment = comment;
  } else if (step.kind === 'pair') {
    const scale = pairwiseScale(study);
    const choice = scale ? pairChoice(scale, f.choice, t) : { error: t('scale.required') };
    if ('error' in choice) errors.choice = choice.error;
    else values.choice = choice.value;
  } else if (step.kind === 'attention') {
    const check = instrument.attention_checks.find((c) => c.id === step.check);
    const options = check?.pair ? ['left', 'right'] : (check?.options ?? []);
    if (!check || !options.includes(f.answer ?? '')) errors.answer = t('choice.required');
    else values.answer = f.answer;
  } else if (step.kind === 'demographics') {
    for (const d of demographicsOf(study, t, panel)) {
      const raw = (f[`demo_${d.id}`] ?? '').trim();
      if (raw === '') {
        if (d.required) errors[`demo_${d.id}`] = t('demographics.required');
        continue;
      }
      if (d.type === 'number') {
        const n = Number(raw);
        if (!Number.isFinite(n) || n < 0 || n > 150) errors[`demo_${d.id}`] = t('demographics.number');
        else values[d.id] = n;
      } else if (d.type === 'choice') {
        if (!d.options?.includes(raw)) errors[`demo_${d.id}`] = t('demographics.choice');
        else {
          values[d.id] = raw;
          const own = (f[`demo_${d.id}_text`] ?? '').trim();
          if (SELF_DESCRIBE.test(raw) && own) {
            if (own.length > 500) errors[`demo_${d.id}`] = t('demographics.too_long');
            else values[`${d.id}_self_description`] = own;
          }
        }
      } else if (raw.length > 500) errors[`demo_${d.id}`] = t('demographics.too_long');
      else values[d.id] = raw;
    }
  }
  return { errors, values };
}

/** What one submission works with: the session, its current step and the time it came in. */
interface Turn {
  readonly deps: FlowDeps;
  readonly session: Session;
  readonly step: NonNullable<Session['step']>;
  readonly submission: Submission;
  readonly values: Values;
  readonly view: Parameters<typeof recordAnswers>[1];
  readonly attributes: Record<string, unknown>;
  readonly now: Date;
  readonly serverMs: number | null;
  /** The answer to a submission that was already taken (a double click, or a stale tab). */
  readonly duplicate: () => Promise<Outcome>;
}

/** A page submitted: checked, then handled by its kind (consent, comprehension, any other page). */
export async function submit(deps: FlowDeps, t: Text, session: Session, s: Submission): Promise<Outcome> {
  const { assignment, participant } = session;
  const duplicate = async (): Promise<Outcome> => ({ kind: 'duplicate', stale: !(await pageViewWithKey(deps.db, participant.id, s.key)) });
  if (assignment.status !== 'active' || s.step !== assignment.position || !session.step) return duplicate();
  const step = session.step;
  const { errors, values } = validate(deps.study, t, step, s.fields, session.participant.panel);
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const now = deps.now();
  const serverMs = assignment.step_started_at ? Math.max(0, now.getTime() - Date.parse(assignment.step_started_at)) : null;
  const view = { participantId: participant.id, step: s.step, page: step.kind, responseId: step.kind === 'response' ? step.response : step.kind === 'pair' ? step.left : null, clientMs: s.clientMs, serverMs, key: s.key, now: now.toISOString() };
  const turn: Turn = { deps, session, step, submission: s, values, view, attributes: attributesOf(participant.attributes_json), now, serverMs, duplicate };
  if (step.kind === 'consent') return values.consent === 'no' ? decline(turn) : takePlaces(deps, session, view, turn.attributes);
  if (step.kind === 'comprehension' && values.answer !== deps.study.instrument.comprehension?.answer) return wrongComprehension(turn, t);
  return advance(turn);
}

/** Consent declined: the session ends as returned, with Prolific's no-consent code when there is one. */
async function decline({ deps, session, submission, attributes, duplicate }: Turn): Promise<Outcome> {
  const declined = await deps.db.transaction().execute(async (trx) => {
    if (!(await releaseAssignment(trx, deps.studyId, session.assignment.id, submission.step))) return false;
    await endParticipant(trx, session.participant.id, { status: 'returned', code: deps.study.recruitment.prolific?.no_consent_code ?? null, attributes: { ...attributes, consent: 'no', ended: 'declined' } });
    return true;
  });
  return declined ? { kind: 'declined' } : duplicate();
}

/** A wrong comprehension answer does not advance; the same submission (key) counts once; too many screen out. */
async function wrongComprehension({ deps, session, submission, attributes }: Turn, t: Text): Promise<Outcome> {
  const comp = deps.study.instrument.comprehension as NonNullable<Study['instrument']['comprehension']>;
  const keys = (attributes.comprehension_keys as string[] | undefined) ?? [];
  if (keys.includes(submission.key)) return { kind: 'retry', message: t('comprehension.wrong') };
  const attempts = keys.length + 1;
  const out = attempts >= comp.attempts;
  await deps.db.transaction().execute(async (trx) => {
    const next = { ...attributes, comprehension_keys: [...keys, submission.key] };
    if (!out) return setAttributes(trx, session.participant.id, next);
    await endParticipant(trx, session.participant.id, { status: 'screened_out', code: deps.study.recruitment.prolific?.screened_out_code ?? null, attributes: next });
    await releaseAssignment(trx, deps.studyId, session.assignment.id);
  });
  return out ? { kind: 'screened_out' } : { kind: 'retry', message: comp.attempts - attempts === 1 ? t('comprehension.wrong_one_left') : t('comprehension.wrong_left', { left: comp.attempts - attempts }) };
}

/** Any other page: its answers recorded and the session moved on in one transaction; the last page completes it. */
async function advance({ deps, session, step, submission: s, values, view, attributes, now, serverMs, duplicate }: Turn): Promise<Outcome> {
  const { assignment, participant } = session;
  const iso = now.toISOString();
  const last = s.step === session.steps.length - 1;
  const advanced = await deps.db.transaction().execute(async (trx) => {
    if (!(await advanceStep(trx, assignment.id, s.step, iso, last, deadlineAfter(deps, now, assignment.expires_at)))) return false;
    const check = step.kind === 'attention' ? deps.study.instrument.attention_checks.find((c) => c.id === step.check) : undefined;
    await recordAnswers(trx, view, {
      ratings:
        step.kind === 'response'
          ? ratedScales(deps.study)
              .flatMap(storedScaleIds)
              .map((id) => ({ scale: id, value: scaleValue(values, id), rtMs: s.clientMs ?? serverMs, key: `${s.key}:${id}` }))
          : [],
      choice: step.kind === 'pair' ? pairRecord(deps.study, step, values, s.clientMs ?? serverMs, s.key) : null,
      studyId: deps.studyId,
      contentHash: deps.contentHash,
      comment: step.kind === 'response' && typeof values.comment === 'string' ? values.comment : null,
      attention: check ? { checkId: check.id, expected: check.answer, answer: values.answer as string } : null,
      attributes: step.kind === 'demographics' ? { ...attributes, demographics: values } : null,
    });
    if (last) {
      const started = participant.started_at ? Date.parse(participant.started_at) : now.getTime();
      await endParticipant(trx, participant.id, { status: 'completed', code: panelOf(deps.study, participant.panel)?.completion_code ?? deps.study.recruitment.prolific?.completion_code ?? null, completedAt: iso, totalSeconds: (now.getTime() - started) / 1000 });
    }
    return true;
  });
  return advanced ? { kind: 'advanced' } : duplicate();
}

/** The choice a pair page records. */
function pairRecord(study: Study, step: Extract<Step, { kind: 'pair' }>, values: Values, rtMs: number | null, key: string) {
  const scale = pairwiseScale(study);
  if (!scale || typeof values.choice !== 'number') throw new Error('internal: a pair step without a pairwise scale or a choice');
  return { post: step.post, scale: scale.id, left: step.left, right: step.right, value: values.choice, rtMs, key: `${key}:${scale.id}` };
}

/**
 * Consent given: the least-filled slots become the session's steps, under the study lock. The
 * session's time limit starts now; its consent page is recorded like any other page.
 */
async function takePlaces(deps: FlowDeps, session: Session, view: Parameters<typeof recordAnswers>[1], attributes: Record<string, unknown>): Promise<Outcome> {
  const { participant, assignment } = session;
  const design = deps.study.design;
  const outcome = await deps.db.transaction().execute(async (trx): Promise<Outcome | null> => {
    await deps.lockStudy(trx, deps.studyId);
    const now = deps.now();
    await expireAssignments(trx, deps.studyId, now.toISOString());
    const rng = seededRng(hashSeed(participant.external_id, design.seed));
    const panel = participant.panel;
    const chosen = chooseSlots(ratingDesign(design.type), deps.content.plan, await slotCounts(trx, deps.studyId, panel), design.posts_per_rater, rng, targetOf(deps.study, panel));
    if (chosen.length === 0) {
      if (!(await releaseAssignment(trx, deps.studyId, assignment.id, 0))) return null;
      await endParticipant(trx, participant.id, { status: 'returned', code: null, attributes: { ...attributes, consented_at: view.now, ended: 'full' } });
      return { kind: 'full' };
    }
    const pairs = pairwiseScale(deps.study) ? await pairCounts(trx, deps.studyId, panel) : undefined;
    const steps = buildSteps(chosen, { comprehension: Boolean(deps.study.instrument.comprehension), attention: deps.study.instrument.attention_checks, pairs }, rng);
    const expiresAt = new Date(now.getTime() + design.expiry_minutes * 60_000).toISOString();
    if (!(await startAssignment(trx, assignment.id, JSON.stringify(steps), expiresAt, deadlineAfter(deps, now, expiresAt), view.now))) return null;
    await addSlots(trx, deps.studyId, panel, chosen.flatMap((c) => c.responses.map((r) => r.id)), 1);
    await addPairs(trx, deps.studyId, panel, steps.flatMap((x) => (x.kind === 'pair' ? [{ left: x.left, right: x.right }] : [])), 1);
    await recordAnswers(trx, view, { ratings: [], studyId: deps.studyId, contentHash: deps.contentHash, comment: null, attention: null, attributes: { ...attributes, consented_at: view.now } });
    return { kind: 'advanced' };
  });
  return outcome ?? { kind: 'duplicate', stale: !(await pageViewWithKey(deps.db, participant.id, view.key)) };
}

/** The participant leaves: their assignment is released for others; what they rated stays. */
export async function withdraw(deps: FlowDeps, session: Session): Promise<void> {
  if (session.assignment.status !== 'active') return;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await releaseAssignment(trx, deps.studyId, session.assignment.id))) return;
    await endParticipant(trx, session.participant.id, { status: 'returned', code: null, onlyIfStarted: true });
  });
}
