/**
 * The pages of a participant's session: one per step, the end of a session (completed, screened out,
 * declined, left, timed out), and the pages that say why an arrival got no session. The same step
 * pages serve the admin's preview (another form action, a banner, nothing recorded).
 */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { TextKey } from '../../study/participant-text.js';
import type { App } from '../deps.js';
import { studyNameOf } from '../deps.js';
import { demographicsOf, type Arrival } from '../flow.js';
import type { Step } from '../steps.js';
import { Layout } from './layout.js';
import { pairwiseScale, ratedScales } from '../../study/formats.js';
import { ChoiceField, Demographic, PairField, PostCard, ScaleField, StepForm } from './pages.js';

export function Message(p: { app: App; title: string; heading?: string; children?: Child; refresh?: { seconds: number; url: string } | undefined }) {
  return (
    <Layout title={p.title} studyName={studyNameOf(p.app)} t={p.app.t} refresh={p.refresh}>
      <h1>{p.heading ?? p.title}</h1>
      {p.children}
    </Layout>
  );
}

/** Why an arrival got no session. */
export function Refused(p: { app: App; why: Exclude<Arrival, { token: string }>['refused'] | 'wrong_study' }) {
  const { t } = p.app;
  const keys: Record<typeof p.why, [TextKey, TextKey, TextKey?]> = {
    full: ['full.title', 'full.body', 'full.prolific'],
    already_rated: ['already_rated.title', 'already_rated.body', 'full.prolific'],
    blocked: ['blocked.title', 'blocked.body'],
    open_elsewhere: ['open_elsewhere.title', 'open_elsewhere.body'],
    paused: ['paused.title', 'paused.body'],
    closed: ['closed.title', 'closed.body'],
    wrong_study: ['wrong_study.title', 'wrong_study.body'],
  };
  const [title, body, prolific] = keys[p.why];
  return (
    <Message app={p.app} title={t(title)}>
      <p>{t(body)}</p>
      {prolific ? <p>{t(prolific)}</p> : null}
    </Message>
  );
}

/** Prolific's completion URL for a code (or the manifest's own completion URL for the completion code). */
export function prolificUrl(app: App, code: string): string {
  const p = app.study.recruitment.prolific;
  if (p?.completion_url && code === p.completion_code) return p.completion_url;
  return `https://app.prolific.com/submissions/complete?cc=${encodeURIComponent(code)}`;
}

/** The end of a session: what the participant does next, with their Prolific code where there is one. */
export function EndPage(p: { app: App; status: string; code: string | null; prolific: boolean; ended?: string | undefined; preview?: boolean }) {
  const { app } = p;
  const { t } = app;
  const url = p.prolific && p.code && !p.preview ? prolificUrl(app, p.code) : null;
  const codeBlock = (label: TextKey) =>
    p.code ? (
      <>
        <p>{t('done.code')}</p>
        <p class="code">{p.code}</p>
        {url ? (
          <p>
            <a href={url} rel="noreferrer">
              {t(label)}
            </a>
          </p>
        ) : null}
      </>
    ) : null;
  if (p.status === 'completed')
    return (
      <Message app={app} title={t('done.title')} heading={t('done.heading')} refresh={url ? { seconds: 5, url } : undefined}>
        {p.code ? (
          <>
            <p>{t('done.code')}</p>
            <p class="code">{p.code}</p>
          </>
        ) : null}
        {url ? (
          <>
            <p>{t('done.redirect')}</p>
            <p>
              <a href={url} rel="noreferrer">
                {t('done.link')}
              </a>
            </p>
          </>
        ) : (
          <p>{t('done.saved')}</p>
        )}
      </Message>
    );
  if (p.status === 'screened_out')
    return (
      <Message app={app} title={t('screened_out.title')}>
        <p>{t('screened_out.body')}</p>
        <p>{t(p.code ? 'screened_out.prolific' : 'screened_out.no_code')}</p>
        {codeBlock('screened_out.link')}
      </Message>
    );
  if (p.status === 'returned' && p.ended === 'declined')
    return (
      <Message app={app} title={t('declined.title')}>
        <p>{t('declined.body')}</p>
        {p.code ? <p>{t('declined.prolific')}</p> : null}
        {codeBlock('declined.link')}
      </Message>
    );
  if (p.status === 'returned' && p.ended === 'full') return <Refused app={app} why="full" />;
  if (p.status === 'returned' || p.status === 'reset')
    return (
      <Message app={app} title={t('left.title')}>
        <p>{t('left.body')}</p>
      </Message>
    );
  if (p.status === 'blocked') return <Refused app={app} why="blocked" />;
  return (
    <Message app={app} title={t('time_up.title')}>
      <p>{t('time_up.body')}</p>
      <p>{t('time_up.prolific')}</p>
    </Message>
  );
}

export interface StepView {
  readonly step: Step;
  readonly position: number;
  readonly steps: readonly Step[];
  readonly csrf: string;
  /** Where the form goes: `/study`, or `/admin/preview` for the preview. */
  readonly action: string;
  readonly key: string;
  readonly errors?: Readonly<Record<string, string>> | undefined;
  readonly notice?: string | undefined;
  readonly preview?: boolean;
  /** The participant's panel: its consent text and screening questions ('' or absent: the study's). */
  readonly panel?: string;
}

function progressOf(steps: readonly Step[], position: number): { done: number; total: number; pairs: boolean } {
  const responses = steps.map((x, i) => ({ x, i })).filter(({ x }) => x.kind === 'response' || x.kind === 'pair');
  return { done: responses.filter(({ i }) => i < position).length, total: responses.length, pairs: steps.some((x) => x.kind === 'pair') };
}

/** The page of one step. */
export function StepPage(p: { app: App; view: StepView }) {
  const { app, view } = p;
  const { t } = app;
  const instrument = app.study.instrument;
  const rated = ratedScales(app.study);
  const pairwise = pairwiseScale(app.study);
  const keysMax = Math.max(...rated.map((x) => (x.type === 'slider' ? 0 : x.points)), pairwise ? (pairwise.strength ? 4 : 2) : 0);
  const step = view.step;
  const errors = view.errors ?? {};
  const form = (submitLabel: string, children: Child) => (
    <StepForm step={view.position} idempotencyKey={view.key} csrf={view.csrf} submit={submitLabel} action={view.action}>
      {children}
    </StepForm>
  );
  const banner = view.preview ? 'Preview: nothing you answer here is recorded, and no place is taken.' : undefined;
  const common = { studyName: studyNameOf(app), t, banner, leave: !view.preview };
  const rating = { ...common, progress: progressOf(view.steps, view.position), keysToggle: true };
  const notice = view.notice ? (
    <p class="notice" role="alert">
      {view.notice}
    </p>
  ) : null;
  switch (step.kind) {
    case 'consent':
      return (
        <Layout title={t('consent.title')} {...common}>
          <h1>{t('consent.heading')}</h1>
          {notice}
          <div class="markdown">{raw(app.panelConsentHtml.get(p.view.panel ?? '') ?? app.consentHtml)}</div>
          {form(t('consent.continue'), <ChoiceField name="consent" legend={t('consent.question')} options={['yes', 'no']} labels={[t('consent.yes'), t('consent.no')]} error={errors.consent} />)}
        </Layout>
      );
    case 'instructions':
      return (
        <Layout title={t('instructions.title')} {...common} keysToggle>
          <h1>{t('instructions.heading')}</h1>
          {notice}
          <div class="markdown">{raw(app.instructionsHtml)}</div>
          <p>{rated.length === 1 ? t('instructions.questions_one') : t('instructions.questions_many', { n: rated.length })}</p>
          <ul>
            {rated.map((sc) => (
              <li>
                {sc.type === 'slider'
                  ? t('instructions.slider', { question: sc.question })
                  : sc.type === 'multi-item'
                    ? t('instructions.items', { question: sc.question, n: sc.items.length, points: sc.points })
                    : t('instructions.scale', { question: sc.question, points: sc.points })}
              </li>
            ))}
          </ul>
          {pairwise ? <p>{t('instructions.pairs', { question: pairwise.question })}</p> : null}
          <p class="hint">{t('instructions.keys', { max: keysMax })}</p>
          {form(t('instructions.start'), null)}
        </Layout>
      );
    case 'comprehension': {
      const comp = instrument.comprehension;
      return (
        <Layout title={t('comprehension.title')} {...common}>
          <h1>{t('comprehension.heading')}</h1>
          {notice}
          {form(t('consent.continue'), <ChoiceField name="answer" legend={comp?.question ?? ''} options={comp?.options ?? []} error={errors.answer} />)}
        </Layout>
      );
    }
    case 'post': {
      const post = app.content.posts.get(step.post);
      const title = t('post.title', { index: step.index, of: step.of });
      return (
        <Layout title={title} {...rating}>
          <h1>{title}</h1>
          {notice}
          <p>{t('post.lead')}</p>
          <PostCard title={post?.title ?? null} text={post?.text ?? ''} label={t('post.label')} />
          {form(t('post.continue'), null)}
        </Layout>
      );
    }
    case 'response': {
      const post = app.content.posts.get(step.post);
      const reply = app.content.responses.get(step.response);
      return (
        <Layout title={t('reply.title', { n: step.n, of: step.of })} {...rating}>
          <h1>{t('reply.heading', { n: step.n, of: step.of })}</h1>
          {notice}
          <PostCard title={post?.title ?? null} text={post?.text ?? ''} label={t('post.label')} />
          <section class="card reply" aria-label={t('reply.label')}>
            <span class="label">{t('reply.label')}</span>
            <div class="text">{reply?.text ?? ''}</div>
          </section>
          {form(
            t('reply.next'),
            <>
              {rated.map((sc) => (
                <ScaleField scale={sc} t={t} errors={errors} />
              ))}
              {instrument.free_text ? (
                <fieldset>
                  <legend>
                    <label for="comment">{t('reply.comment')}</label>
                  </legend>
                  <textarea id="comment" name="comment" maxlength={2000}></textarea>
                  {errors.comment ? <p class="error">{errors.comment}</p> : null}
                </fieldset>
              ) : null}
            </>,
          )}
        </Layout>
      );
    }
    case 'pair': {
      const post = app.content.posts.get(step.post);
      const title = t('pair.title', { n: step.n, of: step.of });
      return (
        <Layout title={title} {...rating} wide>
          <h1>{t('pair.heading', { n: step.n, of: step.of })}</h1>
          {notice}
          <PostCard title={post?.title ?? null} text={post?.text ?? ''} label={t('post.label')} />
          {form(
            t('pair.next'),
            <PairField
              left={app.content.responses.get(step.left)?.text ?? ''}
              right={app.content.responses.get(step.right)?.text ?? ''}
              question={pairwise?.question ?? ''}
              strength={pairwise?.strength ?? false}
              t={t}
              error={errors.choice}
            />,
          )}
        </Layout>
      );
    }
    case 'attention': {
      const check = instrument.attention_checks.find((x) => x.id === step.check);
      return (
        <Layout title={t('attention.title')} {...rating} wide={Boolean(check?.pair)}>
          <h1>{t('attention.title')}</h1>
          {notice}
          {form(
            t('attention.next'),
            check?.pair ? (
              <PairField left={check.pair.left} right={check.pair.right} question={check.text} strength={false} t={t} error={errors.answer} name="answer" values={['left', 'right']} />
            ) : (
              <ChoiceField name="answer" legend={check?.text ?? ''} options={check?.options ?? []} error={errors.answer} />
            ),
          )}
        </Layout>
      );
    }
    case 'demographics':
      return (
        <Layout title={t('demographics.title')} {...rating} keysToggle={false}>
          <h1>{t('demographics.heading')}</h1>
          {notice}
          {form(
            t('demographics.finish'),
            <>
              {demographicsOf(app.study, t, p.view.panel ?? '').map((d) => (
                <Demographic d={d} t={t} error={errors[`demo_${d.id}`]} />
              ))}
            </>,
          )}
        </Layout>
      );
  }
}
