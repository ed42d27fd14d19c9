/**
 * The participant flow against the database: arrival (assignment to the least-filled slots, under a
 * study-wide lock so that concurrent arrivals, even at two servers, see each other), the current
 * step, and submitting a step. Every submission is one transaction that first advances the step
 * conditionally; only the submission that advanced it writes anything, so nothing is recorded twice
 * and every rating is committed before the next page is served.
 */
import { randomBytes } from 'node:crypto';
import type { Study } from '../study/schema.js';
import { newId } from '../store/ids.js';
import { addSlots, advanceStep, assignmentOf, attributesOf, expireAssignments, participantByExternalId, participantByToken, releaseAssignment, slotCounts } from '../store/sessions.repository.js';
import type { Db } from '../store/tables.js';
import { seededRng } from '../stats/random.js';
import { chooseSlots, hashSeed } from './assignment.js';
import type { StudyContent } from './content.js';
import { buildSteps, type Step } from './steps.js';

export interface FlowDeps {
  readonly db: Db;
  readonly studyId: string;
  readonly contentHash: string;
  readonly study: Study;
  readonly content: StudyContent;
  readonly now: () => Date;
  /** Serialises arrivals across processes (Postgres: an advisory lock; SQLite: one writer already). */
  readonly lockStudy: (trx: Db, studyId: string) => Promise<void>;
}

export interface Entry {
  readonly externalId: string;
  readonly origin: 'prolific' | 'anonymous';
  readonly prolificStudyId?: string;
  readonly prolificSessionId?: string;
}

/** Built-in demographics (age, gender) unless the manifest asks them itself, then the manifest's. */
export function demographicsOf(study: Study): Study['instrument']['demographics'] {
  const listed = study.instrument.demographics;
  const builtIn: Study['instrument']['demographics'] = [
    { id: 'age', question: 'How old are you?', type: 'number', required: false },
    { id: 'gender', question: 'What is your gender?', type: 'choice', options: ['Woman', 'Man', 'Non-binary', 'Prefer to self-describe', 'Prefer not to say'], required: false },
  ];
  return [...builtIn.filter((b) => !listed.some((d) => d.id === b.id)), ...listed];
}

/** An arrival's outcome: a session token, or why there is none. */
export type Arrival = { readonly token: string } | { readonly full: true } | { readonly alreadyRated: true };

/**
 * Creates the participant and their assignment on first arrival (or finds their session again).
 * No session when every response has its target number of ratings (done or promised), or when the
 * id already rated this study outside the app (imported ratings of an earlier wave).
 */
export async function arrive(deps: FlowDeps, entry: Entry): Promise<Arrival> {
  return deps.db.transaction().execute(async (trx) => {
    await deps.lockStudy(trx, deps.studyId);
    const now = deps.now();
    const iso = now.toISOString();
    // A write first: on SQLite the transaction then holds the write lock from its start, so another
    // process's commit cannot invalidate what it read (SQLITE_BUSY_SNAPSHOT).
    await expireAssignments(trx, deps.studyId, iso);
    const existing = await participantByExternalId(trx, deps.studyId, entry.externalId);
    if (existing?.session_token) return { token: existing.session_token };
    if (existing) return { alreadyRated: true };
    const fill = await slotCounts(trx, deps.studyId);
    const design = deps.study.design;
    const rng = seededRng(hashSeed(entry.externalId, design.seed));
    const chosen = chooseSlots(design.type, deps.content.plan, fill, design.posts_per_rater, rng, design.target_ratings_per_response);
    if (chosen.length === 0) return { full: true };
    const steps = buildSteps(chosen, { comprehension: Boolean(deps.study.instrument.comprehension), attention: deps.study.instrument.attention_checks }, rng);
    const token = randomBytes(24).toString('base64url');
    const participantId = newId();
    await trx
      .insertInto('participants')
      .values({
        id: participantId,
        study_id: deps.studyId,
        external_id: entry.externalId,
        origin: entry.origin,
        status: 'started',
        prolific_study_id: entry.prolificStudyId ?? null,
        prolific_session_id: entry.prolificSessionId ?? null,
        attributes_json: '{}',
        completion_code: null,
        started_at: iso,
        completed_at: null,
        total_seconds: null,
        import_id: null,
        created_at: iso,
        session_token: token,
      })
      .execute();
    await trx
      .insertInto('assignments')
      .values({
        id: newId(),
        study_id: deps.studyId,
        participant_id: participantId,
        slots_json: JSON.stringify(steps),
        status: 'active',
        created_at: iso,
        expires_at: new Date(now.getTime() + design.expiry_minutes * 60_000).toISOString(),
        step_started_at: iso,
      })
      .execute();
    await addSlots(trx, deps.studyId, chosen.flatMap((c) => c.responses.map((r) => r.id)), 1);
    return { token };
  });
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
  // A session past its time is reclaimed here too, not only when someone else arrives.
  if (assignment.status === 'active' && assignment.expires_at < deps.now().toISOString()) {
    await deps.db.transaction().execute((trx) => expireAssignments(trx, deps.studyId, deps.now().toISOString()));
    return sessionOf(deps, token);
  }
  const steps = JSON.parse(assignment.slots_json) as Step[];
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
  /** Not the current step (a double click, a retry, the back button): nothing was written. */
  | { readonly kind: 'duplicate' }
  /** The answers cannot be accepted; the page is shown again with these messages. */
  | { readonly kind: 'invalid'; readonly errors: Readonly<Record<string, string>> }
  | { readonly kind: 'retry'; readonly message: string }
  | { readonly kind: 'screened_out' }
  | { readonly kind: 'declined' };

const MAX_TEXT = 2000;

/** Checks a page's answers; returns the values to store or the messages to show. */
function validate(deps: FlowDeps, step: Step, f: Readonly<Record<string, string>>): { errors: Record<string, string>; values: Record<string, string | number> } {
  const errors: Record<string, string> = {};
  const values: Record<string, string | number> = {};
  const instrument = deps.study.instrument;
  if (step.kind === 'consent') {
    if (f.consent !== 'yes' && f.consent !== 'no') errors.consent = 'Please choose whether you agree to take part.';
    else values.consent = f.consent;
  } else if (step.kind === 'comprehension') {
    const c = instrument.comprehension;
    if (!c || !c.options.includes(f.answer ?? '')) errors.answer = 'Please choose an answer.';
    else values.answer = f.answer as string;
  } else if (step.kind === 'response') {
    for (const s of instrument.scales) {
      const raw = f[`scale_${s.id}`];
      const v = Number(raw);
      if (raw === undefined || raw === '') errors[`scale_${s.id}`] = 'Please choose one option.';
      else if (!Number.isInteger(v) || v < 1 || v > s.points) errors[`scale_${s.id}`] = `Choose a value from 1 to ${s.points}.`;
      else values[`scale_${s.id}`] = v;
    }
    const comment = (f.comment ?? '').trim();
    if (instrument.free_text && comment.length > MAX_TEXT) errors.comment = `Please keep your comment under ${MAX_TEXT} characters.`;
    else if (instrument.free_text && comment) values.comment = comment;
  } else if (step.kind === 'attention') {
    const check = instrument.attention_checks.find((c) => c.id === step.check);
    if (!check || !check.options.includes(f.answer ?? '')) errors.answer = 'Please choose one option.';
    else values.answer = f.answer as string;
  } else if (step.kind === 'demographics') {
    for (const d of demographicsOf(deps.study)) {
      const raw = (f[`demo_${d.id}`] ?? '').trim();
      if (raw === '') {
        if (d.required) errors[`demo_${d.id}`] = 'Please answer this question.';
        continue;
      }
      if (d.type === 'number') {
        const n = Number(raw);
        if (!Number.isFinite(n) || n < 0 || n > 150) errors[`demo_${d.id}`] = 'Please enter a number.';
        else values[d.id] = n;
      } else if (d.type === 'choice') {
        if (!d.options?.includes(raw)) errors[`demo_${d.id}`] = 'Please choose one of the options.';
        else values[d.id] = raw;
      } else if (raw.length > 500) errors[`demo_${d.id}`] = 'Please keep your answer under 500 characters.';
      else values[d.id] = raw;
    }
  }
  return { errors, values };
}

export async function submit(deps: FlowDeps, session: Session, s: Submission): Promise<Outcome> {
  const { assignment, participant } = session;
  if (assignment.status !== 'active' || s.step !== assignment.position || !session.step) return { kind: 'duplicate' };
  const step = session.step;
  const { errors, values } = validate(deps, step, s.fields);
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const now = deps.now();
  const iso = now.toISOString();
  const serverMs = assignment.step_started_at ? Math.max(0, now.getTime() - Date.parse(assignment.step_started_at)) : null;
  const last = s.step === session.steps.length - 1;
  const attributes = attributesOf(participant.attributes_json);

  if (step.kind === 'comprehension' && values.answer !== deps.study.instrument.comprehension?.answer) {
    // A wrong answer does not advance; the same submission (key) counts once.
    const comp = deps.study.instrument.comprehension as NonNullable<Study['instrument']['comprehension']>;
    const keys = (attributes.comprehension_keys as string[] | undefined) ?? [];
    if (keys.includes(s.key)) return { kind: 'retry', message: 'That answer is not right. Please read the instructions again.' };
    const attempts = keys.length + 1;
    const out = attempts >= comp.attempts;
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('participants')
        .set({ attributes_json: JSON.stringify({ ...attributes, comprehension_keys: [...keys, s.key] }), ...(out ? { status: 'screened_out' } : {}) })
        .where('id', '=', participant.id)
        .execute();
      if (out) await releaseAssignment(trx, deps.studyId, assignment.id);
    });
    return out ? { kind: 'screened_out' } : { kind: 'retry', message: `That answer is not right. Please read the instructions again (${comp.attempts - attempts} ${comp.attempts - attempts === 1 ? 'attempt' : 'attempts'} left).` };
  }

  let outcome: Outcome = { kind: 'advanced' };
  const advanced = await deps.db.transaction().execute(async (trx) => {
    if (step.kind === 'consent' && values.consent === 'no') {
      if (!(await releaseAssignment(trx, deps.studyId, assignment.id, s.step))) return false;
      await trx.updateTable('participants').set({ status: 'returned' }).where('id', '=', participant.id).execute();
      outcome = { kind: 'declined' };
      return true;
    }
    if (!(await advanceStep(trx, assignment.id, s.step, iso, last))) return false;
    await trx
      .insertInto('page_views')
      .values({ id: newId(), participant_id: participant.id, step: s.step, page: step.kind, response_id: step.kind === 'response' ? step.response : null, client_ms: s.clientMs, server_ms: serverMs, created_at: iso })
      .execute();
    if (step.kind === 'response') {
      await trx
        .insertInto('ratings')
        .values(
          deps.study.instrument.scales.map((sc) => ({
            id: newId(),
            study_id: deps.studyId,
            participant_id: participant.id,
            response_id: step.response,
            scale: sc.id,
            value: values[`scale_${sc.id}`] as number,
            rt_ms: s.clientMs ?? serverMs,
            idempotency_key: `${s.key}:${sc.id}`,
            origin: 'web' as const,
            content_hash: deps.contentHash,
            import_id: null,
            created_at: iso,
          })),
        )
        .execute();
      if (typeof values.comment === 'string') await trx.insertInto('comments').values({ id: newId(), participant_id: participant.id, response_id: step.response, text: values.comment, created_at: iso }).execute();
    } else if (step.kind === 'attention') {
      const check = deps.study.instrument.attention_checks.find((c) => c.id === step.check) as Study['instrument']['attention_checks'][number];
      await trx
        .insertInto('attention_results')
        .values({ id: newId(), participant_id: participant.id, check_id: check.id, expected: check.answer, answer: values.answer as string, passed: values.answer === check.answer ? 1 : 0, created_at: iso })
        .execute();
    } else if (step.kind === 'consent') {
      await trx.updateTable('participants').set({ attributes_json: JSON.stringify({ ...attributes, consented_at: iso }) }).where('id', '=', participant.id).execute();
    } else if (step.kind === 'demographics') {
      await trx.updateTable('participants').set({ attributes_json: JSON.stringify({ ...attributes, demographics: values }) }).where('id', '=', participant.id).execute();
    }
    if (last) {
      const started = participant.started_at ? Date.parse(participant.started_at) : now.getTime();
      await trx
        .updateTable('participants')
        .set({ status: 'completed', completed_at: iso, total_seconds: (now.getTime() - started) / 1000, completion_code: deps.study.recruitment.prolific?.completion_code ?? null })
        .where('id', '=', participant.id)
        .execute();
    }
    return true;
  });
  return advanced ? outcome : { kind: 'duplicate' };
}

/** The participant leaves: their assignment is released for others; what they rated stays. */
export async function withdraw(deps: FlowDeps, session: Session): Promise<void> {
  if (session.assignment.status !== 'active') return;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await releaseAssignment(trx, deps.studyId, session.assignment.id))) return;
    await trx.updateTable('participants').set({ status: 'returned' }).where('id', '=', session.participant.id).where('status', '=', 'started').execute();
  });
}
