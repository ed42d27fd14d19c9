/**
 * The researcher's dashboard at /admin, as its own Hono app: progress, ratings per response, counts
 * per source and domain (counts only: nobody should peek at the outcome while collecting), the
 * exclusion preview, pause and close, block or reset an id, the preview link, and the downloads.
 * Signed in with the admin token (a form that gives a random session cookie per sign-in, or
 * `Authorization: Bearer` for scripts); failed sign-ins are throttled per address.
 */
import { pairwiseScale } from '../study/formats.js';
import type { Context, Next } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { prolificDecisions } from '../analysis/prolific.js';
import { storedExclusions } from '../analysis/stored.js';
import { toCsv } from '../corpus/table.js';
import {
  adminSessionValid,
  appStatusCounts,
  changeParticipant,
  commentsForDownload,
  completedSeconds,
  createAdminSession,
  endAdminSession,
  pageTimesForDownload,
  prolificParticipants,
  ratedCountsBySourceDomain,
  type PidAction,
} from '../store/admin.repository.js';
import { choicesForAnalysis, ratersForAnalysis, ratingsForDownload } from '../store/ratings.repository.js';
import { attributesOf, ratedByResponse, releaseAssignment } from '../store/sessions.repository.js';
import { appState, setAppState } from '../store/studies.repository.js';
import type { AppState } from '../store/tables.js';
import { studyNameOf, type App } from './deps.js';
import { clientIpOf, cookieOptions, PROLIFIC_ID } from './participant.js';
import { previewRoutes } from './preview.js';
import { csrfToken, formFields, neutraliseCell, randomToken, ClientThrottle, sameSecret } from './security.js';
import { Dashboard } from './views/dashboard.js';
import { Layout } from './views/layout.js';
import { armLabel } from '../study/arm.js';
import { fieldAdminRoutes } from './field-admin.js';

const ADMIN_COOKIE = 'el_admin';
const ADMIN_PRE = 'el_admin_pre';
const SESSION_HOURS = 12;

/** A CSV for spreadsheets: cells that a spreadsheet would run as a formula are neutralised. */
function spreadsheetCsv<T extends object>(columns: readonly string[], rows: readonly T[]): string {
  return toCsv(columns, rows.map((r) => Object.fromEntries(columns.map((k) => [k, neutraliseCell((r as Record<string, unknown>)[k]) as string | number | null | undefined]))));
}

export function adminRoutes(app: App): Hono {
  const admin = new Hono();
  const failedSignIns = new ClientThrottle(app.signInPerMinute ?? 5, () => app.now().getTime());

  const cookieSession = async (c: Context): Promise<string | null> => {
    const token = getCookie(c, ADMIN_COOKIE);
    return token && (await adminSessionValid(app.db, app.studyId, token, app.now())) ? token : null;
  };
  const bearer = (c: Context) => sameSecret(c.req.header('authorization')?.match(/^Bearer (.+)$/)?.[1], app.adminToken);
  /** The CSRF token of the dashboard's forms: bound to the sign-in's cookie. */
  const formToken = (session: string) => csrfToken(app.secret, 'admin', session);

  const requireAdmin = async (c: Context, next: Next) => {
    if (bearer(c) || (await cookieSession(c))) return next();
    if (c.req.method === 'GET' && (c.req.path === '/admin' || c.req.path === '/admin/')) return c.redirect('/admin/login', 303);
    throw new HTTPException(401, { message: 'Sign in at /admin/login with the admin token.' });
  };
  /** A form of the dashboard: signed in by cookie with the form's token, or by the bearer token (a script). */
  const checkForm = async (c: Context): Promise<Record<string, string>> => {
    const f = await formFields(c);
    if (bearer(c)) return f;
    const session = await cookieSession(c);
    if (!session || !sameSecret(f.csrf, formToken(session))) throw new HTTPException(403, { message: 'This form has expired. Please reload the dashboard.' });
    return f;
  };

  admin.get('/login', (c) => {
    const pre = randomToken();
    setCookie(c, ADMIN_PRE, pre, { ...cookieOptions(c, app, 3600), sameSite: 'Strict', path: '/admin' });
    return c.html(
      <Layout title="Admin" studyName={studyNameOf(app)}>
        <h1>Researcher sign-in</h1>
        <form method="post" action="/admin/login">
          <input type="hidden" name="csrf" value={csrfToken(app.secret, 'admin-login', pre)} />
          <fieldset>
            <legend>
              <label for="token">Admin token</label>
            </legend>
            <input id="token" name="token" type="password" autocomplete="current-password" required />
            <p class="hint">Printed by empathy-lab serve, or set with EMPATHY_LAB_ADMIN_TOKEN.</p>
          </fieldset>
          <div class="actions">
            <button type="submit">Sign in</button>
          </div>
        </form>
      </Layout>,
    );
  });

  admin.post('/login', async (c) => {
    const ip = clientIpOf(c, app);
    if (failedSignIns.exhausted(ip)) throw new HTTPException(429, { message: 'Too many failed sign-ins from this address. Please wait a minute.' });
    const body = await formFields(c);
    const pre = getCookie(c, ADMIN_PRE);
    if (!pre || !sameSecret(body.csrf, csrfToken(app.secret, 'admin-login', pre))) throw new HTTPException(403, { message: 'This form has expired. Please open /admin/login again.' });
    if (!sameSecret(body.token, app.adminToken)) {
      failedSignIns.take(ip);
      throw new HTTPException(401, { message: 'That is not the admin token.' });
    }
    const session = randomToken(32);
    await createAdminSession(app.db, app.studyId, session, app.now(), SESSION_HOURS);
    setCookie(c, ADMIN_COOKIE, session, { ...cookieOptions(c, app, SESSION_HOURS * 3600), sameSite: 'Strict' });
    return c.redirect('/admin', 303);
  });

  admin.use('*', async (c, next) => (c.req.path === '/admin/login' ? next() : requireAdmin(c, next)));

  admin.post('/logout', async (c) => {
    await checkForm(c);
    const session = getCookie(c, ADMIN_COOKIE);
    if (session) await endAdminSession(app.db, session);
    deleteCookie(c, ADMIN_COOKIE, { path: '/' });
    return c.redirect('/admin/login', 303);
  });

  admin.post('/state', async (c) => {
    const f = await checkForm(c);
    const state = f.state as AppState;
    if (!['open', 'paused', 'closed'].includes(state)) throw new HTTPException(400, { message: 'state must be open, paused or closed' });
    await setAppState(app.db, app.studyId, state);
    return c.redirect('/admin', 303);
  });

  admin.post('/participant', async (c) => {
    const f = await checkForm(c);
    const pid = (f.pid ?? '').trim();
    const action = f.action as PidAction;
    if (!PROLIFIC_ID.test(pid)) throw new HTTPException(400, { message: 'Enter a participant id (letters, digits, "_" or "-").' });
    if (action !== 'block' && action !== 'reset') throw new HTTPException(400, { message: 'action must be block or reset' });
    const said = await changeParticipant(app.db, app.studyId, pid, action, app.now().toISOString(), (trx, id) => releaseAssignment(trx, app.studyId, id));
    return c.redirect(`/admin?done=${encodeURIComponent(said)}`, 303);
  });

  const csv = (c: Context, name: string, body: string) => {
    c.header('Content-Disposition', `attachment; filename="${app.study.name}-${name}.csv"`);
    return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  };

  if (app.study.design.type === 'field') {
    fieldAdminRoutes(admin, app, {
      checkForm,
      csrfOf: async (c) => {
        const session = await cookieSession(c);
        return session ? formToken(session) : '';
      },
      csv: (c, name, columns, rows) => csv(c, name, spreadsheetCsv(columns, rows)),
    });
    return admin;
  }

  const exclusions = () => storedExclusions(app.db, app.study, app.studyId);

  const decisions = async () => {
    const people = await prolificParticipants(app.db, app.studyId);
    return prolificDecisions(
      people.map((p) => ({ ...p, ended: attributesOf(p.attributes_json).ended as string | undefined })),
      await exclusions(),
      Boolean(app.study.recruitment.prolific?.screened_out_code),
    );
  };

  admin.get('/', async (c) => {
    const db = app.db;
    const byStatus = await appStatusCounts(db, app.studyId);
    const rated = await ratedByResponse(db, app.studyId);
    const target = app.study.design.target_ratings_per_response;
    const responses = [...app.content.responses.keys()];
    const perResponse = responses.map((r) => rated.get(r) ?? 0);
    const maxCount = Math.max(target, ...perResponse);
    const counts = Array.from({ length: maxCount + 1 }, (_, x) => ({ x, n: perResponse.filter((v) => v === x).length }));
    const times = await completedSeconds(db, app.studyId);
    const median = times.length ? times[Math.floor((times.length - 1) / 2)] : null;
    const excl = await exclusions();
    const excluded = new Set(excl.flatMap((x) => x.raters)).size;
    const state = await appState(db, app.studyId);
    const session = await cookieSession(c);
    const csrf = session ? formToken(session) : '';
    const bySourceDomain = await ratedCountsBySourceDomain(db, app.studyId, app.study.instrument.scales[0]?.id ?? '');
    const arms = [...new Set(bySourceDomain.map((r) => armLabel(r.source, r.condition)))].sort();
    const domains = app.study.domains;
    const cell = (arm: string, domain: string) => bySourceDomain.filter((r) => armLabel(r.source, r.condition) === arm && r.domain === domain).reduce((s, r) => s + r.n, 0);
    const decided = await decisions();
    const tiles: Array<[string, number | string]> = [
      ['started', [...byStatus.values()].reduce((a, b) => a + b, 0)],
      ['in progress', byStatus.get('started') ?? 0],
      ['completed', byStatus.get('completed') ?? 0],
      ['returned', byStatus.get('returned') ?? 0],
      ['timed out', byStatus.get('timed_out') ?? 0],
      ['screened out', byStatus.get('screened_out') ?? 0],
      ['excluded (preview)', excluded],
      ['median time', median === null ? '–' : `${(median / 60).toFixed(1)} min`],
    ];
    const atTarget = perResponse.filter((v) => v >= target).length;
    return c.html(
      <Dashboard
        title={app.study.title ?? app.study.name}
        studyName={studyNameOf(app)}
        done={c.req.query('done')}
        csrf={csrf}
        tiles={tiles}
        state={state}
        responses={responses.length}
        atTarget={atTarget}
        target={target}
        counts={counts}
        domains={domains}
        pairwise={pairwiseScale(app.study) !== undefined}
        arms={arms.map((arm) => ({ arm, byDomain: domains.map((d) => cell(arm, d)) }))}
        exclusions={excl}
        decisions={{ approve: decided.filter((d) => d.decision === 'approve').length, reject: decided.filter((d) => d.decision === 'reject').length, return: decided.filter((d) => d.decision === 'return').length }}
      />,
    );
  });

  const downloadRows = async () => {
    const rows = await ratingsForDownload(app.db, app.studyId);
    const failures = new Map((await ratersForAnalysis(app.db, app.studyId)).map((r) => [r.rater, r.attentionFailures]));
    return rows.map(({ attributes_json, ...r }) => {
      const demographics = (attributesOf(attributes_json).demographics ?? {}) as Record<string, string | number>;
      return { ...r, attention_failures: failures.get(r.rater) ?? 0, ...Object.fromEntries(Object.entries(demographics).map(([k, v]) => [`demographic_${k}`, v])) };
    });
  };
  admin.get('/ratings.csv', async (c) => {
    const rows = await downloadRows();
    const columns = [...new Set(['rater', 'rater_origin', 'rater_status', 'prolific_study_id', 'prolific_session_id', 'started_at', 'completed_at', 'total_seconds', 'attention_failures', 'post', 'domain', 'response', 'source', 'condition', 'scale', 'value', 'rt_ms', 'origin', 'rated_at', ...rows.flatMap((r) => Object.keys(r))])];
    return csv(c, 'ratings', spreadsheetCsv(columns, rows));
  });

  admin.get('/ratings.jsonl', async (c) => {
    const rows = await downloadRows();
    c.header('Content-Disposition', `attachment; filename="${app.study.name}-ratings.jsonl"`);
    return c.body(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''), 200, { 'Content-Type': 'application/x-ndjson; charset=utf-8' });
  });

  admin.get('/comments.csv', async (c) => csv(c, 'comments', spreadsheetCsv(['rater', 'post', 'domain', 'response', 'source', 'condition', 'comment', 'created_at'], await commentsForDownload(app.db, app.studyId))));

  admin.get('/choices.csv', async (c) => {
    const rows = (await choicesForAnalysis(app.db, app.studyId)).map((x) => ({ ...x, left_source: armLabel(x.leftSource, x.leftCondition), right_source: armLabel(x.rightSource, x.rightCondition) }));
    return csv(c, 'choices', spreadsheetCsv(['rater', 'post', 'domain', 'scale', 'left', 'left_source', 'right', 'right_source', 'value', 'rt_ms', 'origin', 'chosen_at'], rows));
  });

  admin.get('/page-times.csv', async (c) => csv(c, 'page-times', spreadsheetCsv(['rater', 'step', 'page', 'response', 'client_ms', 'server_ms', 'submitted_at'], await pageTimesForDownload(app.db, app.studyId))));

  admin.get('/prolific.csv', async (c) => csv(c, 'prolific', spreadsheetCsv(['participant_id', 'session_id', 'status', 'code', 'decision', 'reason'], await decisions())));

  admin.route('/preview', previewRoutes(app));
  return admin;
}
