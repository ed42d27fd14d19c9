/**
 * The researcher's dashboard at /admin: progress, ratings per response, completion time, the
 * exclusion preview and the downloads. No per-source means: nobody should peek at the outcome
 * while collecting. Signed in with the admin token (a form, or `Authorization: Bearer` for scripts).
 */
import type { Context, Hono, Next } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { exclusionSettings, exclusionsOf } from '../analysis/study-analysis.js';
import { toCsv } from '../corpus/table.js';
import { ratersForAnalysis, ratingsForAnalysis, ratingsForDownload } from '../store/ratings.repository.js';
import { ratedByResponse, attributesOf } from '../store/sessions.repository.js';
import { studyNameOf, type AppDeps } from './deps.js';
import { cookieOptions } from './participant.js';
import { csrfToken, formFields, randomToken, sameSecret } from './security.js';
import { Layout } from './views/layout.js';

const ADMIN_COOKIE = 'el_admin';
const ADMIN_PRE = 'el_admin_pre';

/** A small bar chart as inline SVG (attributes only; the CSP allows no inline style). */
function Histogram(p: { counts: ReadonlyArray<{ x: number; n: number }>; target: number }) {
  const w = 520;
  const h = 120;
  const max = Math.max(1, ...p.counts.map((c) => c.n));
  const bw = Math.min(60, Math.max(6, Math.floor((w - 40) / Math.max(1, p.counts.length)) - 4));
  return (
    <svg class="histogram" viewBox={`0 0 ${w} ${h + 60}`} width={w} height={h + 60} role="img" aria-label="Number of responses by how many raters rated them">
      {p.counts.map((c, i) => {
        const bh = Math.round((c.n / max) * h);
        const x = 30 + i * (bw + 4);
        return (
          <g>
            <rect x={x} y={h - bh + 20} width={bw} height={bh} fill={c.x >= p.target ? '#047857' : '#1d4ed8'} />
            <text x={x + bw / 2} y={h + 36} font-size="12" text-anchor="middle" fill="#374151">
              {String(c.x)}
            </text>
            <text x={x + bw / 2} y={h - bh + 15} font-size="11" text-anchor="middle" fill="#374151">
              {String(c.n)}
            </text>
          </g>
        );
      })}
      <text x={w / 2} y={h + 54} font-size="12" text-anchor="middle" fill="#6b7280">
        raters per response (green: target reached)
      </text>
    </svg>
  );
}

export function adminRoutes(app: Hono, deps: AppDeps): void {
  const sessionValue = () => csrfToken(deps.secret, 'admin-session', deps.adminToken);
  const signedIn = (c: Context) => {
    const bearer = c.req.header('authorization')?.match(/^Bearer (.+)$/)?.[1];
    return sameSecret(bearer, deps.adminToken) || sameSecret(getCookie(c, ADMIN_COOKIE), sessionValue());
  };
  const requireAdmin = async (c: Context, next: Next) => {
    if (!signedIn(c)) {
      if (c.req.method === 'GET' && c.req.path === '/admin') return c.redirect('/admin/login', 303);
      throw new HTTPException(401, { message: 'Sign in at /admin/login with the admin token.' });
    }
    await next();
  };

  app.get('/admin/login', (c) => {
    const pre = randomToken();
    setCookie(c, ADMIN_PRE, pre, { ...cookieOptions(c, 3600), sameSite: 'Strict', path: '/admin' });
    return c.html(
      <Layout title="Admin" studyName={studyNameOf(deps)}>
        <h1>Researcher sign-in</h1>
        <form method="post" action="/admin/login">
          <input type="hidden" name="csrf" value={csrfToken(deps.secret, 'admin-login', pre)} />
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

  app.post('/admin/login', async (c) => {
    const body = await formFields(c);
    const pre = getCookie(c, ADMIN_PRE);
    if (!pre || !sameSecret(body.csrf, csrfToken(deps.secret, 'admin-login', pre))) throw new HTTPException(403, { message: 'This form has expired. Please open /admin/login again.' });
    if (!sameSecret(body.token, deps.adminToken)) throw new HTTPException(401, { message: 'That is not the admin token.' });
    setCookie(c, ADMIN_COOKIE, sessionValue(), { ...cookieOptions(c, 12 * 3600), sameSite: 'Strict' });
    return c.redirect('/admin', 303);
  });

  app.use('/admin', requireAdmin);
  app.use('/admin/*', async (c, next) => (c.req.path === '/admin/login' ? next() : requireAdmin(c, next)));

  app.post('/admin/logout', async (c) => {
    const body = await formFields(c);
    if (!sameSecret(body.csrf, csrfToken(deps.secret, 'admin', sessionValue()))) throw new HTTPException(403, { message: 'This form has expired.' });
    deleteCookie(c, ADMIN_COOKIE, { path: '/' });
    return c.redirect('/admin/login', 303);
  });

  app.get('/admin', async (c) => {
    const db = deps.db;
    // Progress counts the app's own participants (not imported or simulated raters of the same study).
    const statuses = await db
      .selectFrom('participants')
      .select(['status', db.fn.countAll<string | number>().as('n')])
      .where('study_id', '=', deps.studyId)
      .where('origin', 'in', ['prolific', 'anonymous'])
      .groupBy('status')
      .execute();
    const byStatus = new Map(statuses.map((s) => [s.status, Number(s.n)]));
    const rated = await ratedByResponse(db, deps.studyId);
    const target = deps.study.design.target_ratings_per_response;
    const responses = [...deps.content.responses.keys()];
    const perResponse = responses.map((r) => rated.get(r) ?? 0);
    const maxCount = Math.max(target, ...perResponse);
    const counts = Array.from({ length: maxCount + 1 }, (_, x) => ({ x, n: perResponse.filter((v) => v === x).length }));
    const completed = await db
      .selectFrom('participants')
      .select('total_seconds')
      .where('study_id', '=', deps.studyId)
      .where('origin', 'in', ['prolific', 'anonymous'])
      .where('status', '=', 'completed')
      .where('total_seconds', 'is not', null)
      .execute();
    const times = completed.map((r) => r.total_seconds as number).sort((a, b) => a - b);
    const median = times.length ? (times[Math.floor((times.length - 1) / 2)] as number) : null;
    const exclusions = exclusionsOf({
      ratings: await ratingsForAnalysis(db, deps.studyId),
      raters: await ratersForAnalysis(db, deps.studyId),
      exclusions: exclusionSettings(deps.study.exclusions),
    });
    const excluded = new Set(exclusions.flatMap((x) => x.raters)).size;
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
      <Layout title="Admin" studyName={studyNameOf(deps)} wide>
        <h1>{deps.study.title ?? deps.study.name}</h1>
        <div class="tiles">
          {tiles.map(([label, value]) => (
            <div class="tile">
              <b>{String(value)}</b>
              <span>{label}</span>
            </div>
          ))}
        </div>
        <h2>Ratings per response</h2>
        <p>{`${atTarget} of ${responses.length} responses have reached the target of ${target} raters.`}</p>
        <Histogram counts={counts} target={target} />
        <h2>Exclusions (preview)</h2>
        <p class="hint">Every rater of the study, as the analysis will apply the rules; nothing is deleted.</p>
        <table class="admin">
          <thead>
            <tr>
              <th>rule</th>
              <th class="num">raters</th>
              <th class="num">ratings</th>
            </tr>
          </thead>
          <tbody>
            {exclusions.map((x) => (
              <tr>
                <td>{x.rule}</td>
                <td class="num">{String(x.raters.length)}</td>
                <td class="num">{String(x.ratingsRemoved)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Downloads</h2>
        <p>
          One row per rating, with the rater's attributes and timing: <a href="/admin/ratings.csv">ratings.csv</a> · <a href="/admin/ratings.jsonl">ratings.jsonl</a>
        </p>
        <form method="post" action="/admin/logout">
          <input type="hidden" name="csrf" value={csrfToken(deps.secret, 'admin', sessionValue())} />
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
      </Layout>,
    );
  });

  const downloadRows = async () => {
    const rows = await ratingsForDownload(deps.db, deps.studyId);
    const attention = await deps.db
      .selectFrom('attention_results as a')
      .innerJoin('participants as u', 'u.id', 'a.participant_id')
      .select(['u.external_id as rater', 'a.passed as passed'])
      .where('u.study_id', '=', deps.studyId)
      .execute();
    const failures = new Map<string, number>();
    for (const a of attention) if (!a.passed) failures.set(a.rater, (failures.get(a.rater) ?? 0) + 1);
    return rows.map(({ attributes_json, ...r }) => {
      const demographics = (attributesOf(attributes_json).demographics ?? {}) as Record<string, string | number>;
      return { ...r, attention_failures: failures.get(r.rater) ?? 0, ...Object.fromEntries(Object.entries(demographics).map(([k, v]) => [`demographic_${k}`, v])) };
    });
  };

  app.get('/admin/ratings.csv', async (c) => {
    const rows = await downloadRows();
    const columns = [...new Set(['rater', 'rater_origin', 'rater_status', 'prolific_study_id', 'prolific_session_id', 'started_at', 'completed_at', 'total_seconds', 'attention_failures', 'post', 'domain', 'response', 'source', 'condition', 'scale', 'value', 'rt_ms', 'origin', 'rated_at', ...rows.flatMap((r) => Object.keys(r))])];
    c.header('Content-Disposition', `attachment; filename="${deps.study.name}-ratings.csv"`);
    return c.body(toCsv(columns, rows as never), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  app.get('/admin/ratings.jsonl', async (c) => {
    const rows = await downloadRows();
    c.header('Content-Disposition', `attachment; filename="${deps.study.name}-ratings.jsonl"`);
    return c.body(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''), 200, { 'Content-Type': 'application/x-ndjson; charset=utf-8' });
  });
}
