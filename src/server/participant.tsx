/** The participant's routes: entry (Prolific or anonymous), the current step, submitting it, leaving. */
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { demographicsOf, arrive, sessionOf, submit, withdraw, type Arrival, type Session } from './flow.js';
import { csrfToken, formFields, randomToken, RateLimiter, sameSecret } from './security.js';
import { studyNameOf, type AppDeps } from './deps.js';
import { Layout } from './views/layout.js';
import { ChoiceField, Demographic, Paragraphs, PostCard, ScaleField, StepForm } from './views/pages.js';

export const SESSION_COOKIE = 'el_session';
const PRE_COOKIE = 'el_pre';
const PROLIFIC_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/** The CSRF token of a participant's forms: bound to their session. */
const sessionCsrf = (deps: AppDeps, s: Session) => csrfToken(deps.secret, 'participant', s.participant.session_token as string);

const NO_SESSION = 'We could not find your session. Please open the study again from the link you were given.';

export function cookieOptions(c: Context, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'Lax' as const, secure: isHttps(c), path: '/', maxAge: maxAgeSeconds };
}

function Message(p: { deps: AppDeps; title: string; children?: Child }) {
  return (
    <Layout title={p.title} studyName={studyNameOf(p.deps)}>
      <h1>{p.title}</h1>
      {p.children}
    </Layout>
  );
}

/** Why an arrival got no session: the study is full, or this person already rated it. */
function NoPlace(p: { deps: AppDeps; arrival: Exclude<Arrival, { token: string }> }) {
  return (
    <Message deps={p.deps} title={'full' in p.arrival ? 'This study is full' : 'You have already taken part'}>
      <p>
        {'full' in p.arrival
          ? 'Every reply already has all the ratings it needs, so there is no place left. Thank you for your interest.'
          : 'Our records show that you have already rated replies in this study, so you cannot take part again. Thank you for your interest.'}
      </p>
      <p>If you came from Prolific, please return your submission there. You will not be penalised.</p>
    </Message>
  );
}

function completionUrl(deps: AppDeps): string | null {
  const p = deps.study.recruitment.prolific;
  if (!p) return null;
  return p.completion_url ?? `https://app.prolific.com/submissions/complete?cc=${encodeURIComponent(p.completion_code)}`;
}

function progress(s: Session): { done: number; total: number } {
  const responses = s.steps.map((x, i) => ({ x, i })).filter(({ x }) => x.kind === 'response');
  return { done: responses.filter(({ i }) => i < s.assignment.position).length, total: responses.length };
}

/** The page for a session's current step, or the page that says why there is none. */
function renderSession(c: Context, deps: AppDeps, s: Session, extra: { errors?: Readonly<Record<string, string>>; notice?: string } = {}) {
  const csrf = sessionCsrf(deps, s);
  const name = studyNameOf(deps);
  const instrument = deps.study.instrument;
  if (!s.step) {
    const status = s.participant.status;
    if (status === 'completed') {
      const url = s.participant.origin === 'prolific' ? completionUrl(deps) : null;
      return c.html(
        <Layout title="Thank you" studyName={name} refresh={url ? { seconds: 5, url } : undefined}>
          <h1>Thank you, you have finished the study</h1>
          {s.participant.completion_code ? (
            <>
              <p>Your completion code is:</p>
              <p class="code">{s.participant.completion_code}</p>
            </>
          ) : null}
          {url ? (
            <>
              <p>You will be taken back to Prolific in a few seconds. If nothing happens, use this link:</p>
              <p>
                <a href={url} rel="noreferrer">
                  Return to Prolific and record your completion
                </a>
              </p>
            </>
          ) : (
            <p>Your answers are saved. You can close this page.</p>
          )}
        </Layout>,
      );
    }
    if (status === 'screened_out')
      return c.html(
        <Message deps={deps} title="Thank you for your time">
          <p>The answers to the check questions did not match the instructions, so we cannot continue with the study.</p>
          <p>If you came from Prolific, please return your submission there (choose "Stop without completing" or "Return submission"). You will not be penalised.</p>
        </Message>,
      );
    if (status === 'returned')
      return c.html(
        <Message deps={deps} title="You have left the study">
          <p>Nothing more will be recorded. If you came from Prolific, please return your submission there.</p>
        </Message>,
      );
    return c.html(
      <Message deps={deps} title="The time for this session is up">
        <p>This session was not finished within its time limit, so its place has gone to another participant. Thank you for the answers you gave; they are saved.</p>
      </Message>,
    );
  }
  const step = s.step;
  const position = s.assignment.position;
  const key = randomToken(12);
  const errors = extra.errors ?? {};
  const form = (submitLabel: string, children: Child) => (
    <StepForm step={position} idempotencyKey={key} csrf={csrf} submit={submitLabel}>
      {children}
    </StepForm>
  );
  const common = { studyName: name, progress: progress(s), leave: true };
  const notice = extra.notice ? <p class="notice" role="alert">{extra.notice}</p> : null;
  const status = Object.keys(errors).length > 0 ? 422 : 200;
  switch (step.kind) {
    case 'consent':
      return c.html(
        <Layout title="Consent" {...common} progress={undefined}>
          <h1>Before you start</h1>
          <Paragraphs text={instrument.consent} />
          {form(
            'Continue',
            <ChoiceField name="consent" legend="Do you agree to take part?" options={['yes', 'no']} labels={['Yes, I agree to take part', 'No, I do not want to take part']} error={errors.consent} />,
          )}
        </Layout>,
        status,
      );
    case 'instructions':
      return c.html(
        <Layout title="Instructions" {...common} progress={undefined}>
          <h1>What you will do</h1>
          <Paragraphs text={instrument.instructions} />
          <p>
            For each reply you will answer {instrument.scales.length === 1 ? 'one question' : `${instrument.scales.length} questions`}:
          </p>
          <ul>
            {instrument.scales.map((sc) => (
              <li>{`${sc.question} (1 to ${sc.points})`}</li>
            ))}
          </ul>
          <p class="hint">Tip: on a keyboard, press 1 to {String(Math.max(...instrument.scales.map((x) => x.points)))} to choose an option, and Enter to go on.</p>
          {form('Start', null)}
        </Layout>,
        status,
      );
    case 'comprehension': {
      const comp = instrument.comprehension as NonNullable<typeof instrument.comprehension>;
      return c.html(
        <Layout title="A check question" {...common} progress={undefined}>
          <h1>A quick check</h1>
          {notice}
          {form('Continue', <ChoiceField name="answer" legend={comp.question} options={comp.options} error={errors.answer} />)}
        </Layout>,
        status,
      );
    }
    case 'post': {
      const post = deps.content.posts.get(step.post);
      return c.html(
        <Layout title={`Post ${step.index} of ${step.of}`} {...common}>
          <h1>{`Post ${step.index} of ${step.of}`}</h1>
          <p>Read this post carefully. On the next pages you will rate replies to it, one at a time.</p>
          <PostCard title={post?.title ?? null} text={post?.text ?? ''} label="The post" />
          {form('Continue to the replies', null)}
        </Layout>,
        status,
      );
    }
    case 'response': {
      const post = deps.content.posts.get(step.post);
      const reply = deps.content.responses.get(step.response);
      return c.html(
        <Layout title={`Reply ${step.n} of ${step.of}`} {...common}>
          <h1>{`Reply ${step.n} of ${step.of} to this post`}</h1>
          <PostCard title={post?.title ?? null} text={post?.text ?? ''} label="The post" />
          <section class="card reply" aria-label="The reply">
            <span class="label">The reply</span>
            <div class="text">{reply?.text ?? ''}</div>
          </section>
          {form(
            'Next',
            <>
              {instrument.scales.map((sc) => (
                <ScaleField scale={sc} error={errors[`scale_${sc.id}`]} />
              ))}
              {instrument.free_text ? (
                <fieldset>
                  <legend>
                    <label for="comment">Anything you want to add about this reply? (optional)</label>
                  </legend>
                  <textarea id="comment" name="comment" maxlength={2000}></textarea>
                  {errors.comment ? <p class="error">{errors.comment}</p> : null}
                </fieldset>
              ) : null}
            </>,
          )}
        </Layout>,
        status,
      );
    }
    case 'attention': {
      const check = instrument.attention_checks.find((x) => x.id === step.check);
      return c.html(
        <Layout title="A question" {...common}>
          <h1>A question</h1>
          {form('Next', <ChoiceField name="answer" legend={check?.text ?? ''} options={check?.options ?? []} error={errors.answer} />)}
        </Layout>,
        status,
      );
    }
    case 'demographics':
      return c.html(
        <Layout title="About you" {...common}>
          <h1>Almost done: a few questions about you</h1>
          {form(
            'Finish',
            <>
              {demographicsOf(deps.study).map((d) => (
                <Demographic d={d} error={errors[`demo_${d.id}`]} />
              ))}
            </>,
          )}
        </Layout>,
        status,
      );
  }
}

export function participantRoutes(app: Hono, deps: AppDeps): void {
  const limiter = new RateLimiter(deps.entryPerMinute ?? 60, () => deps.now().getTime());
  const ipOf = (c: Context) => deps.clientIp?.(c) ?? (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
  const maxAge = deps.study.design.expiry_minutes * 60 + 7 * 24 * 3600;

  const sessionFrom = async (c: Context) => {
    const token = getCookie(c, SESSION_COOKIE);
    return token ? sessionOf(deps, token) : null;
  };

  app.get('/', async (c) => {
    const pid = c.req.query('PROLIFIC_PID');
    if (pid !== undefined) {
      if (!PROLIFIC_ID.test(pid)) throw new HTTPException(400, { message: 'This study link is incomplete or damaged. Please open the study again from Prolific.' });
      const existing = await sessionFrom(c);
      if (!existing || existing.participant.external_id !== pid) {
        if (!limiter.take(ipOf(c))) throw new HTTPException(429, { message: 'Too many people are starting from this network at once. Please wait a minute and reload.' });
        const studyId = c.req.query('STUDY_ID');
        const sessionId = c.req.query('SESSION_ID');
        const arrival = await arrive(deps, {
          externalId: pid,
          origin: 'prolific',
          ...(studyId && PROLIFIC_ID.test(studyId) ? { prolificStudyId: studyId } : {}),
          ...(sessionId && PROLIFIC_ID.test(sessionId) ? { prolificSessionId: sessionId } : {}),
        });
        if (!('token' in arrival)) return c.html(<NoPlace deps={deps} arrival={arrival} />);
        setCookie(c, SESSION_COOKIE, arrival.token, cookieOptions(c, maxAge));
      }
      return c.redirect('/study', 303);
    }
    if (await sessionFrom(c)) return c.redirect('/study', 303);
    if (!deps.study.recruitment.allow_anonymous)
      return c.html(
        <Message deps={deps} title="Please start from Prolific">
          <p>This study is taken through Prolific. Please open it from your Prolific dashboard.</p>
        </Message>,
        403,
      );
    const pre = getCookie(c, PRE_COOKIE) ?? randomToken();
    setCookie(c, PRE_COOKIE, pre, { ...cookieOptions(c, 3600), sameSite: 'Strict' });
    return c.html(
      <Layout title="Welcome" studyName={studyNameOf(deps)}>
        <h1>Welcome</h1>
        <p>In this study you will read short posts in which people ask for support, and rate replies to them.</p>
        <form method="post" action="/start" data-step="start">
          <input type="hidden" name="csrf" value={csrfToken(deps.secret, 'start', pre)} />
          <div class="actions">
            <button type="submit">Start</button>
          </div>
        </form>
      </Layout>,
    );
  });

  app.post('/start', async (c) => {
    const f = await formFields(c);
    const pre = getCookie(c, PRE_COOKIE);
    if (!deps.study.recruitment.allow_anonymous) throw new HTTPException(403, { message: 'This study is taken through Prolific.' });
    if (!pre || !sameSecret(f.csrf, csrfToken(deps.secret, 'start', pre))) throw new HTTPException(403, { message: 'This form has expired. Please go back to the start page and try again.' });
    if (await sessionFrom(c)) return c.redirect('/study', 303);
    if (!limiter.take(ipOf(c))) throw new HTTPException(429, { message: 'Too many people are starting from this network at once. Please wait a minute and reload.' });
    const arrival = await arrive(deps, { externalId: `anon-${randomToken(9)}`, origin: 'anonymous' });
    if (!('token' in arrival)) return c.html(<NoPlace deps={deps} arrival={arrival} />);
    setCookie(c, SESSION_COOKIE, arrival.token, cookieOptions(c, maxAge));
    return c.redirect('/study', 303);
  });

  app.get('/study', async (c) => {
    const s = await sessionFrom(c);
    if (!s) throw new HTTPException(401, { message: NO_SESSION });
    return renderSession(c, deps, s);
  });

  app.post('/study', async (c) => {
    const s = await sessionFrom(c);
    if (!s) throw new HTTPException(401, { message: NO_SESSION });
    const f = await formFields(c);
    if (!sameSecret(f.csrf, sessionCsrf(deps, s))) throw new HTTPException(403, { message: 'This page has expired. Please reload it and answer again.' });
    const step = Number(f.step);
    const key = f.key ?? '';
    if (!Number.isInteger(step) || step < 0 || !/^[A-Za-z0-9_-]{8,64}$/.test(key)) throw new HTTPException(400, { message: 'This page is damaged. Please reload it.' });
    const ms = Number(f.ms);
    const outcome = await submit(deps, s, { step, key, clientMs: f.ms && Number.isFinite(ms) && ms >= 0 ? Math.min(Math.round(ms), 2_147_483_647) : null, fields: f });
    if (outcome.kind === 'invalid') return renderSession(c, deps, s, { errors: outcome.errors });
    if (outcome.kind === 'retry') {
      const again = (await sessionFrom(c)) as Session;
      return renderSession(c, deps, again, { notice: outcome.message });
    }
    return c.redirect('/study', 303);
  });

  app.get('/withdraw', async (c) => {
    const s = await sessionFrom(c);
    if (!s) throw new HTTPException(401, { message: NO_SESSION });
    if (!s.step) return c.redirect('/study', 303);
    return c.html(
      <Layout title="Leave the study?" studyName={studyNameOf(deps)}>
        <h1>Do you want to leave the study?</h1>
        <p>The answers you have given so far are saved. If you leave, you cannot come back to finish, and you will not get a completion code.</p>
        <form method="post" action="/withdraw">
          <input type="hidden" name="csrf" value={sessionCsrf(deps, s)} />
          <div class="actions">
            <a href="/study">No, go back to the study</a>
            <button type="submit" class="secondary">
              Yes, leave the study
            </button>
          </div>
        </form>
      </Layout>,
    );
  });

  app.post('/withdraw', async (c) => {
    const s = await sessionFrom(c);
    if (!s) throw new HTTPException(401, { message: NO_SESSION });
    const f = await formFields(c);
    if (!sameSecret(f.csrf, sessionCsrf(deps, s))) throw new HTTPException(403, { message: 'This page has expired. Please reload it.' });
    await withdraw(deps, s);
    return c.redirect('/study', 303);
  });
}
