/**
 * The researcher's dashboard (/admin): progress tiles, the study's state, a participant's block or
 * reset, ratings per response, counts of rated replies by source and domain (counts only: nobody
 * should peek at the outcome while collecting), the exclusions preview, Prolific's decisions and
 * the downloads. The route gathers the numbers; this only lays them out.
 */
import { Layout } from './layout.js';

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

export interface DashboardProps {
  readonly title: string;
  readonly studyName: string;
  /** What the last action did, said once. */
  readonly done: string | undefined;
  readonly csrf: string;
  readonly tiles: ReadonlyArray<readonly [string, number | string]>;
  readonly state: string;
  readonly responses: number;
  readonly atTarget: number;
  readonly target: number;
  readonly counts: ReadonlyArray<{ x: number; n: number }>;
  readonly domains: readonly string[];
  readonly arms: ReadonlyArray<{ readonly arm: string; readonly byDomain: readonly number[] }>;
  readonly exclusions: ReadonlyArray<{ readonly rule: string; readonly raters: readonly string[]; readonly ratingsRemoved: number }>;
  readonly decisions: { readonly approve: number; readonly reject: number; readonly return: number };
  /** The study has a pairwise scale (its choices are a download of their own). */
  readonly pairwise: boolean;
}

export function Dashboard(p: DashboardProps) {
  const hidden = <input type="hidden" name="csrf" value={p.csrf} />;
  return (
    <Layout title="Admin" studyName={p.studyName} wide>
    <h1>{p.title}</h1>
    {p.done ? (
      <p class="notice" role="status">
        {p.done}
      </p>
    ) : null}
    <div class="tiles">
      {p.tiles.map(([label, value]) => (
        <div class="tile">
          <b>{String(value)}</b>
          <span>{label}</span>
        </div>
      ))}
    </div>
    <h2>The study is {p.state}</h2>
    <p class="hint">Paused or closed: new arrivals see a polite page; people already in the study finish.</p>
    <div class="admin-forms">
      {(['open', 'paused', 'closed'] as const)
        .filter((s) => s !== p.state)
        .map((s) => (
          <form method="post" action="/admin/state">
            {hidden}
            <input type="hidden" name="state" value={s} />
            <button type="submit" class="secondary">
              {s === 'open' ? 'Open' : s === 'paused' ? 'Pause' : 'Close'}
            </button>
          </form>
        ))}
      <a href="/admin/preview?new=1">Preview the study as a participant</a>
    </div>
    <h2>A participant</h2>
    <form method="post" action="/admin/participant" class="admin-forms">
      {hidden}
      <label for="pid">Prolific id</label>
      <input id="pid" name="pid" type="text" required />
      <button type="submit" name="action" value="block" class="secondary">
        Block
      </button>
      <button type="submit" name="action" value="reset" class="secondary">
        Reset (may start again)
      </button>
    </form>
    <h2>Ratings per response</h2>
    <p>{`${p.atTarget} of ${p.responses} responses have reached the target of ${p.target} raters.`}</p>
    <Histogram counts={p.counts} target={p.target} />
    <h2>Replies rated, by source and domain</h2>
    <p class="hint">Counts only; no ratings are shown while the study runs.</p>
    <table class="admin">
      <thead>
        <tr>
          <th>source</th>
          {p.domains.map((d) => (
            <th class="num">{d}</th>
          ))}
          <th class="num">all</th>
        </tr>
      </thead>
      <tbody>
        {p.arms.map((a) => (
          <tr>
            <td>{a.arm}</td>
            {a.byDomain.map((n) => (
              <td class="num">{String(n)}</td>
            ))}
            <td class="num">{String(a.byDomain.reduce((s, n) => s + n, 0))}</td>
          </tr>
        ))}
      </tbody>
    </table>
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
        {p.exclusions.map((x) => (
          <tr>
            <td>{x.rule}</td>
            <td class="num">{String(x.raters.length)}</td>
            <td class="num">{String(x.ratingsRemoved)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <h2>Prolific</h2>
    <p>
      {`Approve ${p.decisions.approve}, reject ${p.decisions.reject}, ask to return ${p.decisions.return}: `}
      <a href="/admin/prolific.csv">prolific.csv</a> (one row per submission with the decision and its reason, for Prolific's bulk actions)
    </p>
    <h2>Downloads</h2>
    <p>
      One row per rating, with the rater's attributes and timing: <a href="/admin/ratings.csv">ratings.csv</a> · <a href="/admin/ratings.jsonl">ratings.jsonl</a> · comments:{' '}
      <a href="/admin/comments.csv">comments.csv</a> · the time on every page: <a href="/admin/page-times.csv">page-times.csv</a>
      {p.pairwise ? (
        <>
          {' '}
          · pairwise choices, the reply shown first as <code>left</code>: <a href="/admin/choices.csv">choices.csv</a>
        </>
      ) : null}
    </p>
    <form method="post" action="/admin/logout">
      {hidden}
      <button type="submit" class="secondary">
        Sign out
      </button>
    </form>
  </Layout>
  );
}
