/** The participant's routes: entry (Prolific or the plain link), the current step, submitting it, leaving. */
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { arrive, sessionOf, submit, withdraw, type Session } from './flow.js';
import { clientAddress, csrfToken, formFields, randomToken, ClientThrottle, sameSecret } from './security.js';
import { studyNameOf, type App } from './deps.js';
import { Layout } from './views/layout.js';
import { EndPage, Message, Refused, StepPage } from './views/session.js';
import { attributesOf } from '../store/sessions.repository.js';

export const SESSION_COOKIE = 'el_session';
const PRE_COOKIE = 'el_pre';
export const PROLIFIC_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** HTTPS as the client sees it: the URL's scheme, or X-Forwarded-Proto from a trusted proxy. */
export function isHttps(c: Context, trustProxy: number): boolean {
  return new URL(c.req.url).protocol === 'https:' || (trustProxy > 0 && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https');
}

export function cookieOptions(c: Context, app: App, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'Lax' as const, secure: isHttps(c, app.trustProxy ?? 0), path: '/', maxAge: maxAgeSeconds };
}

/** The client's address for rate limits: behind `--trust-proxy N`, from X-Forwarded-For. */
export function clientIpOf(c: Context, app: App): string {
  if (app.clientIp) return app.clientIp(c);
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
  return clientAddress(c.req.header('x-forwarded-for'), app.trustProxy ?? 0, socket);
}

/** The CSRF token of a participant's forms: bound to their session. */
const sessionCsrf = (app: App, s: Session) => csrfToken(app.secret, 'participant', s.participant.session_token as string);

/** The page for a session's current step, or the page that says how it ended. */
function renderSession(c: Context, app: App, s: Session, extra: { errors?: Readonly<Record<string, string>>; notice?: string } = {}) {
  if (!s.step) {
    const attributes = attributesOf(s.participant.attributes_json);
    return c.html(
      <EndPage app={app} status={s.participant.status} code={s.participant.completion_code} prolific={s.participant.origin === 'prolific'} ended={typeof attributes.ended === 'string' ? attributes.ended : undefined} />,
    );
  }
  const status = extra.errors && Object.keys(extra.errors).length > 0 ? 422 : 200;
  return c.html(
    <StepPage
      app={app}
      view={{ step: s.step, position: s.assignment.position, steps: s.steps, csrf: sessionCsrf(app, s), action: '/study', key: randomToken(12), errors: extra.errors, notice: extra.notice, panel: s.participant.panel }}
    />,
    status,
  );
}

export function participantRoutes(router: Hono, app: App): void {
  const { t } = app;
  const limiter = new ClientThrottle(app.entryPerMinute ?? 60, () => app.now().getTime());
  const maxAge = app.study.design.expiry_minutes * 60 + 7 * 24 * 3600;
  const noSession = () => new HTTPException(401, { message: t('error.no_session.body') });
  const tooMany = () => new HTTPException(429, { message: t('error.rate.body') });
  const prolific = app.study.recruitment.prolific;

  const sessionFrom = async (c: Context) => {
    const token = getCookie(c, SESSION_COOKIE);
    return token ? sessionOf(app, token) : null;
  };

  const panels = app.study.recruitment.panels;
  const badLink = () => new HTTPException(400, { message: t('error.bad_link.body') });
  /** The panel of a Prolific arrival: the one its link names, else the first Prolific panel, else the one pool. */
  const prolificPanel = (named: string | undefined): string => {
    if (panels.length === 0) {
      if (named !== undefined) throw badLink();
      return '';
    }
    const p = named === undefined ? panels.find((x) => x.entry === 'prolific') : panels.find((x) => x.id === named && x.entry === 'prolific');
    if (!p) throw badLink();
    return p.id;
  };
  /** A link panel and whether the token opens it: its shared token, or one of its invitees' tokens. */
  const linkPanel = (named: string | undefined, token: string | undefined) => {
    const p = panels.find((x) => x.id === named && x.entry === 'link');
    if (!p || token === undefined) throw badLink();
    const invitee = p.tokens_file !== undefined;
    const ok = invitee ? (app.panelTokens?.get(p.id)?.has(token) ?? false) : p.token !== undefined && sameSecret(token, p.token);
    if (!ok) throw new HTTPException(403, { message: t('error.bad_link.body') });
    return { panel: p.id, invitee };
  };
  const startPage = (c: Context, hidden: Record<string, string>) => {
    const pre = getCookie(c, PRE_COOKIE) ?? randomToken();
    setCookie(c, PRE_COOKIE, pre, { ...cookieOptions(c, app, 3600), sameSite: 'Strict' });
    return c.html(
      <Layout title={t('welcome.title')} studyName={studyNameOf(app)} t={t}>
        <h1>{t('welcome.title')}</h1>
        <p>{t('welcome.body')}</p>
        <form method="post" action="/start" data-step="start">
          <input type="hidden" name="csrf" value={csrfToken(app.secret, 'start', pre)} />
          {Object.entries(hidden).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <div class="actions">
            <button type="submit">{t('welcome.start')}</button>
          </div>
        </form>
      </Layout>,
    );
  };

  router.get('/', async (c) => {
    const pid = c.req.query('PROLIFIC_PID');
    const named = c.req.query('panel');
    if (pid === undefined && named !== undefined) {
      const { panel, invitee } = linkPanel(named, c.req.query('token'));
      const existing = await sessionFrom(c);
      if (existing && existing.participant.panel === panel) return c.redirect('/study', 303);
      // A shared token opens a welcome page (a link preview makes no session); an invitee's own token is theirs alone.
      if (!invitee) return startPage(c, { panel, token: c.req.query('token') ?? '' });
      if (!limiter.take(clientIpOf(c, app))) throw tooMany();
      const arrival = await arrive(app, { externalId: `invite-${createHash('sha256').update(c.req.query('token') ?? '').digest('hex').slice(0, 24)}`, origin: 'anonymous', panel, proven: true });
      if ('refused' in arrival) return c.html(<Refused app={app} why={arrival.refused} />);
      setCookie(c, SESSION_COOKIE, arrival.token, cookieOptions(c, app, maxAge));
      return c.redirect('/study', 303);
    }
    if (pid !== undefined) {
      if (!PROLIFIC_ID.test(pid)) throw new HTTPException(400, { message: t('error.bad_link.body') });
      const panel = prolificPanel(named);
      const studyId = c.req.query('STUDY_ID');
      const sessionId = c.req.query('SESSION_ID');
      // A link made for another Prolific study (or a hand-made one) takes no place in this one.
      if (prolific?.study_id && studyId !== prolific.study_id) return c.html(<Refused app={app} why="wrong_study" />, 403);
      const existing = await sessionFrom(c);
      if (!existing || existing.participant.external_id !== pid) {
        if (!limiter.take(clientIpOf(c, app))) throw tooMany();
        const arrival = await arrive(app, {
          externalId: pid,
          origin: 'prolific',
          panel,
          ...(studyId && PROLIFIC_ID.test(studyId) ? { prolificStudyId: studyId } : {}),
          ...(sessionId && PROLIFIC_ID.test(sessionId) ? { prolificSessionId: sessionId } : {}),
        });
        if ('refused' in arrival) return c.html(<Refused app={app} why={arrival.refused} />, arrival.refused === 'open_elsewhere' ? 409 : 200);
        setCookie(c, SESSION_COOKIE, arrival.token, cookieOptions(c, app, maxAge));
      }
      return c.redirect('/study', 303);
    }
    if (await sessionFrom(c)) return c.redirect('/study', 303);
    if (!app.study.recruitment.allow_anonymous)
      return c.html(
        <Message app={app} title={t('prolific_only.title')}>
          <p>{t('prolific_only.body')}</p>
        </Message>,
        403,
      );
    return startPage(c, {});
  });

  router.post('/start', async (c) => {
    const f = await formFields(c);
    const pre = getCookie(c, PRE_COOKIE);
    // A link panel's shared token, carried by its welcome page; otherwise the plain link.
    const link = f.panel !== undefined ? linkPanel(f.panel, f.token) : null;
    if (link?.invitee) throw badLink();
    if (!link && !app.study.recruitment.allow_anonymous) throw new HTTPException(403, { message: t('prolific_only.body') });
    if (!pre || !sameSecret(f.csrf, csrfToken(app.secret, 'start', pre))) throw new HTTPException(403, { message: t('error.expired.body') });
    if (await sessionFrom(c)) return c.redirect('/study', 303);
    if (!limiter.take(clientIpOf(c, app))) throw tooMany();
    const arrival = await arrive(app, link ? { externalId: `${link.panel}-${randomToken(9)}`, origin: 'anonymous', panel: link.panel } : { externalId: `anon-${randomToken(9)}`, origin: 'anonymous', ...(panels.length ? { panel: prolificPanel(undefined) } : {}) });
    if ('refused' in arrival) return c.html(<Refused app={app} why={arrival.refused} />);
    setCookie(c, SESSION_COOKIE, arrival.token, cookieOptions(c, app, maxAge));
    return c.redirect('/study', 303);
  });

  router.get('/study', async (c) => {
    const s = await sessionFrom(c);
    if (!s) throw noSession();
    return renderSession(c, app, s, c.req.query('answered') === '1' && s.step ? { notice: t('answered.notice') } : {});
  });

  router.post('/study', async (c) => {
    const s = await sessionFrom(c);
    if (!s) throw noSession();
    const f = await formFields(c);
    if (!sameSecret(f.csrf, sessionCsrf(app, s))) throw new HTTPException(403, { message: t('error.expired.body') });
    const step = Number(f.step);
    const key = f.key ?? '';
    if (!Number.isInteger(step) || step < 0 || !/^[A-Za-z0-9_-]{8,64}$/.test(key)) throw new HTTPException(400, { message: t('error.damaged') });
    const ms = Number(f.ms);
    const outcome = await submit(app, t, s, { step, key, clientMs: f.ms && Number.isFinite(ms) && ms >= 0 ? Math.min(Math.round(ms), 2_147_483_647) : null, fields: f });
    if (outcome.kind === 'invalid') return renderSession(c, app, s, { errors: outcome.errors });
    if (outcome.kind === 'retry') return renderSession(c, app, (await sessionFrom(c)) as Session, { notice: outcome.message });
    // A page answered elsewhere (another tab, an old page) is not silently dropped: say so.
    if (outcome.kind === 'duplicate' && outcome.stale) return c.redirect('/study?answered=1', 303);
    return c.redirect('/study', 303);
  });

  router.get('/withdraw', async (c) => {
    const s = await sessionFrom(c);
    if (!s) throw noSession();
    if (!s.step) return c.redirect('/study', 303);
    return c.html(
      <Layout title={t('leave.title')} studyName={studyNameOf(app)} t={t}>
        <h1>{t('leave.heading')}</h1>
        <p>{t('leave.body')}</p>
        <form method="post" action="/withdraw">
          <input type="hidden" name="csrf" value={sessionCsrf(app, s)} />
          <div class="actions">
            <a href="/study">{t('leave.stay')}</a>
            <button type="submit" class="secondary">
              {t('leave.confirm')}
            </button>
          </div>
        </form>
      </Layout>,
    );
  });

  router.post('/withdraw', async (c) => {
    const s = await sessionFrom(c);
    if (!s) throw noSession();
    const f = await formFields(c);
    if (!sameSecret(f.csrf, sessionCsrf(app, s))) throw new HTTPException(403, { message: t('error.expired.body') });
    await withdraw(app, s);
    return c.redirect('/study', 303);
  });
}
