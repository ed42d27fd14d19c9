/**
 * The rating app as a value: `createApp(deps)` returns a Hono app that a test drives with
 * `app.request()` and the CLI serves with @hono/node-server. One error handler: user errors become
 * a friendly page with their status, anything else a 500 page with an id (never a stack trace).
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { isDatabaseUnavailable } from '../store/unavailable.js';
import { adminRoutes } from './admin.js';
import { APP_CSS, APP_JS } from './assets.js';
import { studyNameOf, type AppDeps } from './deps.js';
import { participantRoutes } from './participant.js';
import { SECURITY_HEADERS } from './security.js';
import { Layout } from './views/layout.js';

export type { AppDeps } from './deps.js';

/** Forms are small; anything larger is refused before it is read. */
export const MAX_BODY_BYTES = 16 * 1024;
/** How long `/healthz` waits for the database. */
export const HEALTH_TIMEOUT_MS = 2000;

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const log = deps.log ?? (() => undefined);

  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    if (!c.req.path.startsWith('/static/')) c.res.headers.set('Cache-Control', 'no-store');
  });
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new HTTPException(413, { message: 'That was too much text to send. Please shorten your answer.' }); } }));

  app.get('/static/app.js', (c) => c.body(APP_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));
  app.get('/static/app.css', (c) => c.body(APP_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));
  // For a load balancer: 200 only while the database answers, so traffic goes where it can be served.
  app.get('/healthz', async (c) => {
    try {
      await deps.ping(HEALTH_TIMEOUT_MS);
      return c.text('ok');
    } catch (err) {
      return c.text(`database unavailable: ${err instanceof Error ? err.message : String(err)}`, 503);
    }
  });

  participantRoutes(app, deps);
  adminRoutes(app, deps);

  const page = (title: string, message: string) => (
    <Layout title={title} studyName={studyNameOf(deps)}>
      <h1>{title}</h1>
      <p>{message}</p>
    </Layout>
  );
  app.notFound((c) => c.html(page('Page not found', 'There is nothing at this address. Please use the link you were given.'), 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      const titles: Record<number, string> = { 400: 'Something is wrong with this link', 401: 'Please sign in again', 403: 'This page has expired', 413: 'Too much text', 429: 'Please wait a moment' };
      return c.html(page(titles[err.status] ?? 'Something went wrong', err.message), err.status);
    }
    const id = randomUUID().slice(0, 8);
    if (isDatabaseUnavailable(err)) {
      log(`error ${id} ${c.req.method} ${c.req.path}: database unavailable: ${err instanceof Error ? err.message : String(err)}`);
      c.header('Retry-After', '30');
      return c.html(page('Please try again in a minute', `The study cannot save or show answers right now. Everything you have answered so far is saved; please reload this page in a minute. (Error ${id})`), 503);
    }
    log(`error ${id} ${c.req.method} ${c.req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return c.html(page('Something went wrong', `Your answers so far are saved. Please reload the page in a moment. (Error ${id})`), 500);
  });
  return app;
}
