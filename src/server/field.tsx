/**
 * The field study's pages (design.type: field): seekers write a post and answer the pre-measure,
 * come back by their own link to read the reply, rate it and answer the post-measure (and the
 * follow-up); supporters sign in with their token, take posts from the queue and reply (editing the
 * model's draft in the assisted arm) or flag a post. A post screened out for risk, or flagged, shows
 * its seeker the crisis resources of their country. Seekers are never told the arm before the debrief.
 */
import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { Child } from 'hono/jsx';
import { postOfSeeker, recordSeekerPhase, releaseClaim, flagPost, fieldPost, supporterQueue, type Measure } from '../store/field.repository.js';
import { appState } from '../store/studies.repository.js';
import type { FieldPostRow } from '../store/tables.js';
import type { FieldSettings, LikertScale, SliderScale } from '../study/schema.js';
import { studyNameOf, type App } from './deps.js';
import { answerByModel, fieldOf, followUpFrom, openPost, ScreenUnavailable, seekerHash, sendSupporterReply, submitPost, supporterId } from './field-flow.js';
import { fieldOf as fieldName } from './flow.js';
import { cookieOptions, clientIpOf, PROLIFIC_ID } from './participant.js';
import { ClientThrottle, csrfToken, formFields, randomToken, sameSecret } from './security.js';
import { Layout } from './views/layout.js';
import { PostCard, ScaleField } from './views/pages.js';
import { prolificUrl } from './views/session.js';

const SEEKER_COOKIE = 'el_seeker';
const SEEKER_PID = 'el_seeker_pid';
const SUPPORTER_COOKIE = 'el_supporter';
const PRE_COOKIE = 'el_field_pre';

type FieldScale = LikertScale | SliderScale;

/** A measure as a form field of its phase: `scale_m-feeling`. */
const asField = (m: FieldScale): FieldScale => ({ ...m, id: `m-${m.id}` });

/** The values of the given scales from a form, or an error per missing or out-of-range field. */
function readScales(scales: readonly FieldScale[], f: Readonly<Record<string, string>>): { values: Measure[]; errors: Record<string, string> } {
  const values: Measure[] = [];
  const errors: Record<string, string> = {};
  for (const s of scales) {
    const name = fieldName(s.id);
    const raw = (f[name] ?? '').trim();
    const [lo, hi] = s.type === 'slider' ? [0, 100] : [1, s.points];
    const v = Number(raw);
    if (raw === '' || !Number.isInteger(v) || v < lo || v > hi) errors[name] = raw === '' ? 'Please answer this question.' : `Please give a whole number from ${lo} to ${hi}.`;
    else values.push({ item: s.id.replace(/^m-/, ''), value: v });
  }
  return { values, errors };
}

function Page(p: { app: App; title: string; children?: Child; wide?: boolean }) {
  return (
    <Layout title={p.title} studyName={studyNameOf(p.app)} t={p.app.t} wide={p.wide ?? false}>
      {p.children}
    </Layout>
  );
}

/** The crisis resources for a seeker's country (and the study's default ones). */
function Resources(p: { f: FieldSettings; country: string }) {
  const list = [...(p.f.crisis_resources[p.country] ?? []), ...(p.country === 'default' ? [] : (p.f.crisis_resources.default ?? []))];
  return (
    <ul class="resources">
      {list.map((r) => (
        <li>
          <strong>{r.name}</strong>: {r.contact}
          {r.hours ? ` (${r.hours})` : ''}
          {r.url ? (
            <>
              {' '}
              <a href={r.url}>{r.url}</a>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

const ARM_DEBRIEF: Readonly<Record<string, string>> = {
  human: 'The reply you read was written by a peer supporter on their own.',
  assisted: 'The reply you read was written by a peer supporter who started from a draft written by an AI language model and edited it before sending it.',
  model: 'The reply you read was written by an AI language model and sent without a person reading it first.',
};

export function fieldRoutes(router: Hono, app: App): void {
  const f = fieldOf(app.study);
  const limiter = new ClientThrottle(app.entryPerMinute ?? 60, () => app.now().getTime());
  const deps = { db: app.db, studyId: app.studyId, study: app.study, now: app.now, ...(app.draft ? { draft: app.draft } : {}), ...(app.screen ? { screen: app.screen } : {}), ...(app.log ? { log: app.log } : {}) };
  const domainLabel = (d: string) => app.study.domain_labels[d] ?? d;
  const countries = Object.keys(f.crisis_resources).filter((c) => c !== 'default').sort();
  const outcomeScales = (): FieldScale[] => app.study.instrument.scales.filter((s): s is FieldScale => s.type === 'likert' || s.type === 'slider');
  const measures = f.measures.map(asField);
  const seekerCsrf = (token: string) => csrfToken(app.secret, 'seeker', token);
  const linkOf = (c: Context, token: string) => `${new URL(c.req.url).origin}/s/${token}`;

  // ---------------------------------------------------------------- seekers

  router.get('/', async (c) => {
    const state = await appState(app.db, app.studyId);
    if (state !== 'open') return c.html(<Page app={app} title={app.t(`${state}.title`)}><h1>{app.t(`${state}.title`)}</h1><p>{app.t(`${state}.body`)}</p></Page>);
    const pid = c.req.query('PROLIFIC_PID');
    if (pid !== undefined && !PROLIFIC_ID.test(pid)) throw new HTTPException(400, { message: app.t('error.bad_link.body') });
    if (pid === undefined && !app.study.recruitment.allow_anonymous) return c.html(<Page app={app} title={app.t('prolific_only.title')}><h1>{app.t('prolific_only.title')}</h1><p>{app.t('prolific_only.body')}</p></Page>);
    const existing = getCookie(c, SEEKER_COOKIE);
    if (existing && (await postOfSeeker(app.db, app.studyId, seekerHash(existing)))) return c.redirect(`/s/${existing}`, 303);
    const pre = getCookie(c, PRE_COOKIE) ?? randomToken();
    setCookie(c, PRE_COOKIE, pre, { ...cookieOptions(c, app, 3600), sameSite: 'Strict' });
    return c.html(
      <Page app={app} title={app.t('consent.title')}>
        <h1>{app.t('consent.heading')}</h1>
        <div class="consent" dangerouslySetInnerHTML={{ __html: app.consentHtml }} />
        <form method="post" action="/consent">
          <input type="hidden" name="csrf" value={csrfToken(app.secret, 'field-consent', pre)} />
          {pid !== undefined ? <input type="hidden" name="pid" value={pid} /> : null}
          <fieldset>
            <legend>{app.t('consent.question')}</legend>
            <label>
              <input type="radio" name="consent" value="yes" required /> {app.t('consent.yes')}
            </label>
            <label>
              <input type="radio" name="consent" value="no" /> {app.t('consent.no')}
            </label>
          </fieldset>
          <div class="actions">
            <button type="submit">{app.t('consent.continue')}</button>
          </div>
        </form>
      </Page>,
    );
  });

  router.post('/consent', async (c) => {
    const form = await formFields(c);
    const pre = getCookie(c, PRE_COOKIE);
    if (!pre || !sameSecret(form.csrf, csrfToken(app.secret, 'field-consent', pre))) throw new HTTPException(403, { message: app.t('error.expired.body') });
    if (form.consent !== 'yes') return c.html(<Page app={app} title={app.t('declined.title')}><h1>{app.t('declined.title')}</h1><p>{app.t('field.declined')}</p></Page>);
    if (!limiter.take(clientIpOf(c, app))) throw new HTTPException(429, { message: app.t('error.rate.body') });
    const token = randomToken();
    setCookie(c, SEEKER_COOKIE, token, cookieOptions(c, app, 90 * 24 * 3600));
    if (form.pid && PROLIFIC_ID.test(form.pid)) setCookie(c, SEEKER_PID, form.pid, cookieOptions(c, app, 24 * 3600));
    return c.redirect('/write', 303);
  });

  const WritePage = (p: { token: string; values?: Readonly<Record<string, string>>; errors?: Readonly<Record<string, string>>; notice?: string }) => {
    const v = p.values ?? {};
    const e = p.errors ?? {};
    return (
      <Page app={app} title={app.t('field.write.title')}>
        <h1>{app.t('field.write.title')}</h1>
        {p.notice ? (
          <p class="notice" role="alert">
            {p.notice}
          </p>
        ) : null}
        <p>{f.seekers.prompt}</p>
        <p class="hint">{app.t('field.write.privacy')}</p>
        <form method="post" action="/write" data-step="field-write">
          <input type="hidden" name="csrf" value={seekerCsrf(p.token)} />
          <fieldset>
            <legend>
              <label for="domain">{app.t('field.write.domain')}</label>
            </legend>
            <select id="domain" name="domain" required>
              <option value="">{app.t('field.write.choose')}</option>
              {app.study.domains.map((d) => (
                <option value={d} selected={v.domain === d}>
                  {domainLabel(d)}
                </option>
              ))}
            </select>
            {e.domain ? <p class="error">{e.domain}</p> : null}
          </fieldset>
          <fieldset>
            <legend>
              <label for="text">{app.t('field.write.text')}</label>
            </legend>
            <textarea id="text" name="text" rows={10} required>
              {v.text ?? ''}
            </textarea>
            {e.text ? <p class="error">{e.text}</p> : null}
          </fieldset>
          <fieldset>
            <legend>
              <label for="country">{app.t('field.write.country')}</label>
            </legend>
            <select id="country" name="country" required>
              <option value="">{app.t('field.write.choose')}</option>
              {countries.map((x) => (
                <option value={x} selected={v.country === x}>
                  {x}
                </option>
              ))}
              <option value="default" selected={v.country === 'default'}>
                {app.t('field.write.other_country')}
              </option>
            </select>
            {e.country ? <p class="error">{e.country}</p> : null}
          </fieldset>
          <h2>{app.t('field.measures.now')}</h2>
          {measures.map((m) => (
            <ScaleField scale={m} t={app.t} errors={e} />
          ))}
          <div class="actions">
            <button type="submit">{app.t('field.write.send')}</button>
          </div>
        </form>
      </Page>
    );
  };

  const seekerToken = (c: Context) => {
    const token = getCookie(c, SEEKER_COOKIE);
    if (!token) throw new HTTPException(401, { message: app.t('error.no_session.body') });
    return token;
  };

  router.get('/write', async (c) => {
    const token = seekerToken(c);
    if (await postOfSeeker(app.db, app.studyId, seekerHash(token))) return c.redirect(`/s/${token}`, 303);
    return c.html(<WritePage token={token} />);
  });

  router.post('/write', async (c) => {
    const token = seekerToken(c);
    const form = await formFields(c);
    if (!sameSecret(form.csrf, seekerCsrf(token))) throw new HTTPException(403, { message: app.t('error.expired.body') });
    if (await postOfSeeker(app.db, app.studyId, seekerHash(token))) return c.redirect(`/s/${token}`, 303);
    if ((await appState(app.db, app.studyId)) !== 'open') throw new HTTPException(403, { message: app.t('paused.body') });
    const errors: Record<string, string> = {};
    const domain = form.domain ?? '';
    if (!app.study.domains.includes(domain)) errors.domain = app.t('field.write.need_domain');
    const country = form.country ?? '';
    if (country !== 'default' && !countries.includes(country)) errors.country = app.t('field.write.need_country');
    const text = (form.text ?? '').trim();
    const n = text.split(/\s+/).filter(Boolean).length;
    if (n < f.seekers.min_words) errors.text = app.t('field.write.too_short', { min: f.seekers.min_words, n });
    const pre = readScales(measures, form);
    Object.assign(errors, pre.errors);
    if (Object.keys(errors).length > 0) return c.html(<WritePage token={token} values={form} errors={errors} />, 422);
    const pid = getCookie(c, SEEKER_PID);
    try {
      await submitPost(deps, { seekerToken: token, origin: pid ? 'prolific' : 'link', externalId: pid ?? null, country, domain, text, pre: pre.values });
    } catch (err) {
      if (!(err instanceof ScreenUnavailable)) throw err;
      // Nothing was stored: the seeker sends the same post again in a moment.
      app.log?.(`field: the screening model could not check a post: ${err.message}`);
      c.header('Retry-After', '30');
      return c.html(<WritePage token={token} values={form} notice={app.t('field.write.screen_failed')} />, 503);
    }
    return c.redirect(`/s/${token}`, 303);
  });

  /** A seeker's answers of one phase by their link: `children` (the reply's scales) before the measures. */
  const PhaseForm = (p: { token: string; phase: 'rating' | 'follow_up'; errors: Readonly<Record<string, string>>; children?: Child }) => (
    <form method="post" action={`/s/${p.token}`} data-step={`field-${p.phase}`}>
      <input type="hidden" name="csrf" value={seekerCsrf(p.token)} />
      <input type="hidden" name="phase" value={p.phase} />
      {p.children}
      <h2>{app.t('field.measures.now')}</h2>
      {measures.map((m) => (
        <ScaleField scale={m} t={app.t} errors={p.errors} />
      ))}
      <div class="actions">
        <button type="submit">{app.t('field.reply.send')}</button>
      </div>
    </form>
  );

  const SeekerPage = async (c: Context, token: string, errors: Readonly<Record<string, string>> = {}) => {
    const found = await postOfSeeker(app.db, app.studyId, seekerHash(token));
    if (!found) throw new HTTPException(404, { message: app.t('field.no_post') });
    const { post, reply } = found;
    const status = errors && Object.keys(errors).length ? 422 : 200;
    if (post.status === 'screened_out' || post.status === 'flagged')
      return c.html(
        <Page app={app} title={app.t('field.resources.title')}>
          <h1>{app.t('field.resources.title')}</h1>
          <p>{app.t(post.status === 'flagged' ? 'field.resources.flagged' : 'field.resources.body')}</p>
          <Resources f={f} country={post.country} />
          <p>{app.t('field.resources.emergency')}</p>
        </Page>,
      );
    // A model-arm post whose reply could not be made at once is tried again when its seeker looks.
    if (post.status === 'waiting' && post.arm === 'model' && f.unreviewed_model_replies) {
      await answerByModel(deps, post.id).catch((err: unknown) => app.log?.(`field: the model-arm reply to post ${post.id} could not be made yet: ${err instanceof Error ? err.message : String(err)}`));
      const again = await postOfSeeker(app.db, app.studyId, seekerHash(token));
      if (again?.post.status === 'answered') return SeekerPage(c, token);
    }
    const code = post.origin === 'prolific' ? app.study.recruitment.prolific?.completion_code : undefined;
    if (post.status === 'waiting')
      return c.html(
        <Page app={app} title={app.t('field.waiting.title')}>
          <h1>{app.t('field.waiting.title')}</h1>
          <p>{app.t('field.waiting.body', { hours: f.reply_within_hours })}</p>
          <p>
            {app.t('field.waiting.link')} <a href={linkOf(c, token)}>{linkOf(c, token)}</a>
          </p>
          {code ? (
            <p>
              {app.t('field.waiting.prolific')} <a href={prolificUrl(app, code)}>{code}</a>
            </p>
          ) : null}
        </Page>,
      );
    if (post.status === 'answered' && reply)
      return c.html(
        <Page app={app} title={app.t('field.reply.title')} wide>
          <h1>{app.t('field.reply.title')}</h1>
          <PostCard title={null} text={post.text} label={app.t('field.reply.your_post')} />
          <section class="card reply" aria-label={app.t('field.reply.label')}>
            <span class="label">{app.t('field.reply.label')}</span>
            <div class="text">{reply.text}</div>
          </section>
          <PhaseForm token={token} phase="rating" errors={errors}>
            <h2>{app.t('field.reply.rate')}</h2>
            {outcomeScales().map((s) => (
              <ScaleField scale={s} t={app.t} errors={errors} />
            ))}
          </PhaseForm>
        </Page>,
        status,
      );
    const due = followUpFrom(f, post.rated_at);
    if (post.status === 'rated' && due && due > app.now())
      return c.html(
        <Page app={app} title={app.t('field.later.title')}>
          <h1>{app.t('field.later.title')}</h1>
          <p>{app.t('field.later.body', { date: due.toISOString().slice(0, 10) })}</p>
          <p>
            {app.t('field.waiting.link')} <a href={linkOf(c, token)}>{linkOf(c, token)}</a>
          </p>
        </Page>,
      );
    if (post.status === 'rated' && due)
      return c.html(
        <Page app={app} title={app.t('field.follow_up.title')}>
          <h1>{app.t('field.follow_up.title')}</h1>
          <PhaseForm token={token} phase="follow_up" errors={errors} />
        </Page>,
        status,
      );
    // Rated with no follow-up, or followed up: the debrief, which now tells the arm.
    return c.html(
      <Page app={app} title={app.t('field.debrief.title')}>
        <h1>{app.t('field.debrief.title')}</h1>
        <p>{app.t('field.debrief.body')}</p>
        <p>
          <strong>{ARM_DEBRIEF[post.arm ?? 'human']}</strong>
        </p>
        <p>{app.t('field.debrief.support')}</p>
        <Resources f={f} country={post.country} />
      </Page>,
    );
  };

  router.get('/s/:token', (c) => SeekerPage(c, c.req.param('token')));

  router.post('/s/:token', async (c) => {
    const token = c.req.param('token');
    const form = await formFields(c);
    if (!sameSecret(form.csrf, seekerCsrf(token))) throw new HTTPException(403, { message: app.t('error.expired.body') });
    const found = await postOfSeeker(app.db, app.studyId, seekerHash(token));
    if (!found) throw new HTTPException(404, { message: app.t('field.no_post') });
    const now = app.now().toISOString();
    if (form.phase === 'rating' && found.post.status === 'answered') {
      const rating = readScales(outcomeScales(), form);
      const post = readScales(measures, form);
      const errors = { ...rating.errors, ...post.errors };
      if (Object.keys(errors).length) return SeekerPage(c, token, errors);
      await recordSeekerPhase(app.db, found.post.id, 'answered', 'rated', 'rated_at', [...rating.values.map((v) => ({ ...v, phase: 'rating' })), ...post.values.map((v) => ({ ...v, phase: 'post' }))], now);
    } else if (form.phase === 'follow_up' && found.post.status === 'rated') {
      const due = followUpFrom(f, found.post.rated_at);
      if (due && due <= app.now()) {
        const later = readScales(measures, form);
        if (Object.keys(later.errors).length) return SeekerPage(c, token, later.errors);
        await recordSeekerPhase(app.db, found.post.id, 'rated', 'followed_up', 'followed_up_at', later.values.map((v) => ({ ...v, phase: 'follow_up' })), now);
      }
    }
    // A second submit (another tab, the back button) changes nothing: the seeker sees where they are.
    return c.redirect(`/s/${token}`, 303);
  });

  // ---------------------------------------------------------------- supporters

  const supporter = (c: Context): string => {
    const token = getCookie(c, SUPPORTER_COOKIE);
    if (!token || !app.supporterTokens?.has(token)) throw new HTTPException(401, { message: app.t('field.supporter.sign_in') });
    return supporterId(token);
  };
  const supporterCsrf = (id: string) => csrfToken(app.secret, 'supporter', id);

  router.get('/supporter', (c) => {
    const token = c.req.query('token');
    if (!token || !app.supporterTokens?.has(token)) throw new HTTPException(403, { message: app.t('error.bad_link.body') });
    setCookie(c, SUPPORTER_COOKIE, token, cookieOptions(c, app, 30 * 24 * 3600));
    return c.redirect('/supporter/queue', 303);
  });

  router.get('/supporter/queue', async (c) => {
    const me = supporter(c);
    const now = app.now().toISOString();
    const queue = (await supporterQueue(app.db, app.studyId)).filter((p) => p.claimed_by === null || p.claimed_by === me || (p.claim_expires_at ?? '') < now);
    const notice = c.req.query('notice');
    return c.html(
      <Page app={app} title={app.t('field.queue.title')}>
        <h1>{app.t('field.queue.title')}</h1>
        {notice ? <p class="notice" role="status">{app.t(notice === 'taken' ? 'field.queue.taken' : notice === 'sent' ? 'field.queue.sent' : notice === 'flagged' ? 'field.queue.flagged' : 'field.queue.draft_failed')}</p> : null}
        {app.supporterBriefingHtml ? <div class="consent" dangerouslySetInnerHTML={{ __html: app.supporterBriefingHtml }} /> : null}
        {queue.length === 0 ? <p>{app.t('field.queue.empty')}</p> : null}
        <ul class="queue">
          {queue.map((p) => (
            <li>
              <form method="post" action="/supporter/open">
                <input type="hidden" name="csrf" value={supporterCsrf(me)} />
                <input type="hidden" name="post" value={p.id} />
                <span>{app.t('field.queue.item', { domain: domainLabel(p.domain), words: p.word_count, since: p.created_at.slice(0, 16).replace('T', ' ') })}</span>{' '}
                <button type="submit">{app.t(p.claimed_by === me ? 'field.queue.resume' : 'field.queue.open')}</button>
              </form>
            </li>
          ))}
        </ul>
      </Page>,
    );
  });

  router.post('/supporter/open', async (c) => {
    const me = supporter(c);
    const form = await formFields(c);
    if (!sameSecret(form.csrf, supporterCsrf(me))) throw new HTTPException(403, { message: app.t('error.expired.body') });
    try {
      const opened = await openPost(deps, form.post ?? '', me);
      if (opened.kind === 'taken') return c.redirect('/supporter/queue?notice=taken', 303);
    } catch (err) {
      // The draft could not be made (the model's server is down): the post goes back to the queue.
      await releaseClaim(app.db, form.post ?? '', me);
      app.log?.(`field: the draft of post ${form.post} could not be made: ${err instanceof Error ? err.message : String(err)}`);
      return c.redirect('/supporter/queue?notice=draft_failed', 303);
    }
    return c.redirect(`/supporter/post/${encodeURIComponent(form.post ?? '')}`, 303);
  });

  const heldBy = async (postId: string, me: string): Promise<FieldPostRow> => {
    const post = await fieldPost(app.db, app.studyId, postId);
    if (!post || post.status !== 'waiting' || post.claimed_by !== me) throw new HTTPException(403, { message: app.t('field.queue.taken') });
    return post;
  };

  const ReplyPage = (p: { post: FieldPostRow; me: string; text?: string; error?: string }) => (
    <Page app={app} title={app.t('field.answer.title')} wide>
      <h1>{app.t('field.answer.title')}</h1>
      <PostCard title={null} text={p.post.text} label={app.t('field.answer.post', { domain: domainLabel(p.post.domain) })} />
      <form method="post" action={`/supporter/post/${p.post.id}`}>
        <input type="hidden" name="csrf" value={supporterCsrf(p.me)} />
        <fieldset>
          <legend>
            <label for="reply">{app.t(p.post.arm === 'assisted' ? 'field.answer.draft' : 'field.answer.write')}</label>
          </legend>
          {p.post.arm === 'assisted' ? <p class="hint">{app.t('field.answer.draft_hint')}</p> : null}
          <textarea id="reply" name="reply" rows={12}>
            {p.text ?? (p.post.arm === 'assisted' ? (p.post.draft_text ?? '') : '')}
          </textarea>
          {p.error ? <p class="error">{p.error}</p> : null}
        </fieldset>
        <div class="actions">
          <button type="submit" name="action" value="send">
            {app.t('field.answer.send')}
          </button>
          <button type="submit" name="action" value="release" class="secondary">
            {app.t('field.answer.release')}
          </button>
        </div>
        <details class="flag">
          <summary>{app.t('field.answer.flag')}</summary>
          <label for="reason">{app.t('field.answer.flag_reason')}</label>
          <textarea id="reason" name="reason" rows={3}></textarea>
          <button type="submit" name="action" value="flag">
            {app.t('field.answer.flag_send')}
          </button>
        </details>
      </form>
    </Page>
  );

  router.get('/supporter/post/:id', async (c) => {
    const me = supporter(c);
    const post = await heldBy(c.req.param('id'), me);
    return c.html(<ReplyPage post={post} me={me} />);
  });

  router.post('/supporter/post/:id', async (c) => {
    const me = supporter(c);
    const form = await formFields(c);
    if (!sameSecret(form.csrf, supporterCsrf(me))) throw new HTTPException(403, { message: app.t('error.expired.body') });
    const post = await heldBy(c.req.param('id'), me);
    if (form.action === 'release') {
      await releaseClaim(app.db, post.id, me);
      return c.redirect('/supporter/queue', 303);
    }
    if (form.action === 'flag') {
      await flagPost(app.db, app.studyId, post.id, me, (form.reason ?? '').trim().slice(0, 2000) || '(no reason given)', app.now().toISOString());
      app.log?.(`field: post ${post.id} flagged by a supporter; see /admin`);
      return c.redirect('/supporter/queue?notice=flagged', 303);
    }
    const text = form.reply ?? '';
    const openedAt = post.claim_expires_at ? new Date(new Date(post.claim_expires_at).getTime() - f.claim_minutes * 60_000).toISOString() : null;
    const sent = await sendSupporterReply(deps, post, me, text, openedAt);
    if (sent.kind === 'too_short') return c.html(<ReplyPage post={post} me={me} text={text} error={app.t('field.answer.too_short', { min: sent.min })} />, 422);
    return c.redirect(`/supporter/queue?notice=${sent.kind === 'sent' ? 'sent' : 'taken'}`, 303);
  });
}
