/**
 * The field study's dashboard at /admin: safety alerts first (posts screened out for risk and posts
 * flagged by a supporter, until the team marks them seen), then posts by status and arm (counts
 * only), the safety log, and the downloads. Free text (posts, drafts, replies) is left out of the
 * downloads unless asked for with `?text=1`.
 */
import type { Context, Hono } from 'hono';
import { fieldPostRows } from '../analysis/field.js';
import { fieldCounts, fieldData, markAlertSeen, safetyLog } from '../store/field.repository.js';
import { appState } from '../store/studies.repository.js';
import { studyNameOf, type App } from './deps.js';
import { fieldOf } from './field-flow.js';
import { Layout } from './views/layout.js';

const STATUSES = ['waiting', 'answered', 'rated', 'followed_up', 'screened_out', 'flagged'] as const;

export interface AdminHelpers {
  readonly checkForm: (c: Context) => Promise<Record<string, string>>;
  readonly csrfOf: (c: Context) => Promise<string>;
  readonly csv: (c: Context, name: string, columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>) => Response;
}

export function fieldAdminRoutes(admin: Hono, app: App, h: AdminHelpers): void {
  const f = fieldOf(app.study);

  admin.get('/', async (c) => {
    const counts = await fieldCounts(app.db, app.studyId);
    const log = await safetyLog(app.db, app.studyId);
    const alerts = [...new Map(log.filter((x) => x.seen_at === null).map((x) => [x.post_id, x])).values()];
    const csrf = await h.csrfOf(c);
    const state = await appState(app.db, app.studyId);
    const n = (status: string, arm: string | null) => counts.filter((x) => x.status === status && x.arm === arm).reduce((s, x) => s + x.n, 0);
    return c.html(
      <Layout title="Field study" studyName={studyNameOf(app)} wide>
        <h1>{app.study.title ?? app.study.name}: field study</h1>
        <section aria-labelledby="alerts">
          <h2 id="alerts">Safety alerts ({alerts.length})</h2>
          {alerts.length === 0 ? <p>No alert waiting.</p> : null}
          {alerts.map((a) => (
            <div class="card notice" role="alert">
              <p>
                <strong>{a.rule === 'supporter' ? 'Flagged by a supporter' : `Screened out (${a.kind.replace(/_/g, ' ')}: "${a.detail}")`}</strong> · {a.created_at.slice(0, 16).replace('T', ' ')} UTC · country {a.country} · {a.domain}
              </p>
              {a.rule === 'supporter' ? <p>Reason: {a.detail}</p> : null}
              <p class="text">{a.text}</p>
              <form method="post" action="/admin/field/seen">
                <input type="hidden" name="csrf" value={csrf} />
                <input type="hidden" name="post" value={a.post_id} />
                <button type="submit">Mark as seen</button>
              </form>
            </div>
          ))}
        </section>
        <section aria-labelledby="posts">
          <h2 id="posts">Posts by status and arm</h2>
          <p>
            New posts: {state}. Paused or closed, the writing page is closed to new seekers; seekers already in come back by their link, and supporters go on replying. (Counts only: outcomes are not shown while the study runs.)
          </p>
          <div class="admin-forms">
            {(['open', 'paused', 'closed'] as const)
              .filter((x) => x !== state)
              .map((x) => (
                <form method="post" action="/admin/state">
                  <input type="hidden" name="csrf" value={csrf} />
                  <input type="hidden" name="state" value={x} />
                  <button type="submit" class="secondary">
                    {x === 'open' ? 'Open' : x === 'paused' ? 'Pause' : 'Close'}
                  </button>
                </form>
              ))}
          </div>
          <table class="admin">
            <thead>
              <tr>
                <th scope="col">status</th>
                {f.arms.map((a) => (
                  <th scope="col">{a}</th>
                ))}
                <th scope="col">no arm</th>
              </tr>
            </thead>
            <tbody>
              {STATUSES.map((s) => (
                <tr>
                  <th scope="row">{s.replace('_', ' ')}</th>
                  {f.arms.map((a) => (
                    <td class="num">{n(s, a)}</td>
                  ))}
                  <td class="num">{n(s, null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="log">
          <h2 id="log">Safety log</h2>
          <table class="admin">
            <thead>
              <tr>
                <th scope="col">when (UTC)</th>
                <th scope="col">rule</th>
                <th scope="col">signal</th>
                <th scope="col">phrase or reason</th>
                <th scope="col">seen</th>
              </tr>
            </thead>
            <tbody>
              {log.map((x) => (
                <tr>
                  <td>{x.created_at.slice(0, 16).replace('T', ' ')}</td>
                  <td>{x.rule}</td>
                  <td>{x.kind.replace(/_/g, ' ')}</td>
                  <td>{x.detail}</td>
                  <td>{x.seen_at ? x.seen_at.slice(0, 16).replace('T', ' ') : 'not yet'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="downloads">
          <h2 id="downloads">Downloads</h2>
          <ul>
            <li>
              <a href="/admin/field-posts.csv">field-posts.csv</a> (one row per post: arm, status, times, measures; no free text) or <a href="/admin/field-posts.csv?text=1">with the posts and replies</a>
            </li>
            <li>
              <a href="/admin/field-safety.csv">field-safety.csv</a>
            </li>
          </ul>
        </section>
      </Layout>,
    );
  });

  admin.post('/field/seen', async (c) => {
    const form = await h.checkForm(c);
    await markAlertSeen(app.db, app.studyId, form.post ?? '', app.now().toISOString());
    return c.redirect('/admin', 303);
  });

  admin.get('/field-posts.csv', async (c) => {
    const { rows, columns } = fieldPostRows(await fieldData(app.db, app.studyId), c.req.query('text') === '1');
    return h.csv(c, 'field-posts', columns, rows);
  });

  admin.get('/field-safety.csv', async (c) => {
    const data = await fieldData(app.db, app.studyId);
    return h.csv(c, 'field-safety', ['post', 'rule', 'kind', 'detail', 'created_at', 'seen_at'], data.safety.map((s) => ({ post: s.post_id, ...s })));
  });
}

