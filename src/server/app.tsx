/**
 * The rating app as a value: `createApp(deps)` returns a Hono app that a test drives with
 * `app.request()` and the CLI serves with @hono/node-server. One error handler: user errors become
 * a friendly page with their status, a database that cannot answer a 503 "try again in a minute"
 * page, anything else a 500 page with an id (never a stack trace).
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { TextKey } from '../study/participant-text.js';
import { isDatabaseUnavailable } from '../store/unavailable.js';
import { adminRoutes } from './admin.js';
import { APP_CSS, APP_JS } from './assets.js';
import { appOf, type AppDeps } from './deps.js';
import { fieldRoutes } from './field.js';
import { isHttps, participantRoutes } from './participant.js';
import { SECURITY_HEADERS } from './security.js';
import { Message } from './views/session.js';

export type { AppDeps } from './deps.js';

/** Forms are small; anything larger is refused before it is read. */
export const MAX_BODY_BYTES = 16 * 1024;
/** How long `/healthz` waits for the database. */
export const HEALTH_TIMEOUT_MS = 2000;

const ERROR_TITLES: Readonly<Record<number, TextKey>> = {
  400: 'error.bad_link.title',
  401: 'error.no_session.title',
  403: 'error.expired.title',
  413: 'error.too_much.title',
  429: 'error.rate.title',
};

export function createApp(deps: AppDeps): Hono {
  const app = appOf(deps);
  const { t } = app;
  const router = new Hono();
  const log = deps.log ?? (() => undefined);

  router.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    if (isHttps(c, app.trustProxy ?? 0)) c.res.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (!c.req.path.startsWith('/static/')) c.res.headers.set('Cache-Control', 'no-store');
  });
  router.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: t('error.too_much.body') });
      },
    }),
  );

  router.get('/static/app.js', (c) => c.body(APP_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));
  router.get('/static/app.css', (c) => c.body(APP_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));
  // For a load balancer: 200 only while the database answers, so traffic goes where it can be served.
  router.get('/healthz', async (c) => {
    try {
      await deps.ping(HEALTH_TIMEOUT_MS);
      return c.text('ok');
    } catch (err) {
      return c.text(`database unavailable: ${err instanceof Error ? err.message : String(err)}`, 503);
    }
  });

  if (app.study.design.type === 'field') fieldRoutes(router, app);
  else participantRoutes(router, app);
  router.route('/admin', adminRoutes(app));

  const page = (title: string, message: string) => (
    <Message app={app} title={title}>
      <p>{message}</p>
    </Message>
  );
  router.notFound((c) => c.html(page(t('error.not_found.title'), t('error.not_found.body')), 404));
  router.onError((err, c) => {
    if (err instanceof HTTPException) {
      const title = ERROR_TITLES[err.status];
      return c.html(page(title ? t(title) : t('error.internal.title'), err.message), err.status);
    }
    const id = randomUUID().slice(0, 8);
    if (isDatabaseUnavailable(err)) {
      log(`error ${id} ${c.req.method} ${c.req.path}: database unavailable: ${err instanceof Error ? err.message : String(err)}`);
      c.header('Retry-After', '30');
      return c.html(page(t('error.unavailable.title'), t('error.unavailable.body', { id })), 503);
    }
    log(`error ${id} ${c.req.method} ${c.req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return c.html(page(t('error.internal.title'), t('error.internal.body', { id })), 500);
  });
  return router;
}
