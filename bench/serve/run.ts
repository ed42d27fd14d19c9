/**
 * bench/serve, two profiles against a real `empathy-lab serve` process, on SQLite and on Postgres.
 *
 * Realistic (Prolific's launch rush): 2,000 participants arriving evenly over 2 minutes, each
 * spending 5 to 30 s (uniform) on every page before submitting it. Prints p50/p99 latency per page
 * kind (the page's GET and its POST), next to the reference in the same run: GET /healthz probed
 * every 100 ms during the load. Target: p99 under 250 ms for every page.
 *
 * Burst: 500 participants completing the demo study at once. Prints throughput and p50/p99 latency per request, next to a
 * reference run in the same script: the same clients hitting GET /healthz (the HTTP floor).
 * Then the crash check: the same load again, the server killed with SIGKILL once a third of the
 * ratings are acknowledged, restarted, and every rating the server acknowledged (a 303 to a rating
 * page's submission) looked up in the database; the participants then finish, and no rating may be
 * stored twice.
 *
 *   npx tsx bench/serve/run.ts [--participants 500] [--backends sqlite,postgres]
 */
import { openDb } from '../../src/cli/open-db.js';
import { demoStudy, Participant, type Page, type Requester } from '../../test/helpers/app.js';
import { createPgDatabase } from '../../test/helpers/backends.js';
import { startServer, type ServerProcess } from '../../test/helpers/server-process.js';

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? (process.argv[process.argv.indexOf(name) + 1] as string) : fallback);
const participants = Number(arg('--participants', '500'));
const backends = arg('--backends', 'sqlite,postgres').split(',');
const profiles = arg('--profiles', 'realistic,burst').split(',');
const rushPeople = Number(arg('--rush-participants', '2000'));
const rushSeconds = Number(arg('--rush-seconds', '120'));
const [thinkMin, thinkMax] = arg('--think', '5,30').split(',').map(Number) as [number, number];

/** The demo study with room for every participant: 36 posts, 6 per rater, target above the load. */
async function study(db?: string, people = participants): Promise<string> {
  const target = Math.ceil((people * 6) / 36) + 5;
  return demoStudy({ edit: (y) => y.replace('target_ratings_per_response: 5', `target_ratings_per_response: ${target}`), ...(db ? { db } : {}) });
}

/** A requester that times every request and can be pointed at a restarted server. */
class Timed implements Requester {
  readonly latencies: number[] = [];
  constructor(public base: string) {}
  async request(url: string, init: RequestInit): Promise<Response> {
    const t = performance.now();
    const res = await fetch(new URL(url, this.base), { ...init, redirect: 'manual' });
    const body = await res.arrayBuffer();
    this.latencies.push(performance.now() - t);
    return new Response(body, { status: res.status, headers: res.headers });
  }
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};

interface Tally {
  acked: Map<string, number>;
  killed: boolean;
}

/** One participant from entry to completion; rating submissions acknowledged with a 303 are tallied. */
async function participant(t: Timed, pid: string, tally?: Tally, onAck?: () => void): Promise<void> {
  const p = new Participant(t, `10.1.${Math.floor(Number(pid.slice(1)) / 250)}.${Number(pid.slice(1)) % 250}`);
  let page: Page | null = null;
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      page ??= await p.get(`/?PROLIFIC_PID=${pid}`);
      if (page.title === 'Thank you') return;
      if (page.status !== 200) throw new Error(`${pid}: ${page.status} ${page.title}`);
      const rating = page.title.startsWith('Reply');
      const fields = Participant.answers(page.html, (name, o) => (name === 'consent' ? 'yes' : (o[(pid.length + attempt) % o.length] as string)));
      const res = await p.request('POST', '/study', fields, false);
      if (res.status === 303 && rating && tally) {
        tally.acked.set(pid, (tally.acked.get(pid) ?? 0) + 1);
        onAck?.();
      }
      page = await p.get('/study');
    } catch (err) {
      if (!tally?.killed) throw err;
      // The server is down (killed): wait, then ask for the current page again.
      page = null;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${pid} did not finish`);
}

async function load(server: ServerProcess, ids: string[]): Promise<{ seconds: number; latencies: number[] }> {
  const clients = ids.map(() => new Timed(server.base));
  const t = performance.now();
  await Promise.all(ids.map((id, i) => participant(clients[i] as Timed, id)));
  return { seconds: (performance.now() - t) / 1000, latencies: clients.flatMap((c) => c.latencies) };
}

async function healthz(server: ServerProcess, requests: number): Promise<{ seconds: number; latencies: number[] }> {
  const clients = Array.from({ length: participants }, () => new Timed(server.base));
  const per = Math.ceil(requests / participants);
  const t = performance.now();
  await Promise.all(clients.map(async (c) => {
    for (let i = 0; i < per; i++) await c.request('/healthz', {});
  }));
  return { seconds: (performance.now() - t) / 1000, latencies: clients.flatMap((c) => c.latencies) };
}

const rows: string[] = [];
const crashReport: string[] = [];
const line = (cells: Array<string | number>) => cells.map((c) => String(c).padStart(12)).join('');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kindOf = (title: string) => title.replace(/ \d+ of \d+$/, '');

/** A timed requester that files each latency under the page it belongs to. */
class Filed implements Requester {
  label = 'entry';
  constructor(
    readonly base: string,
    readonly byPage: Map<string, number[]>,
  ) {}
  async request(url: string, init: RequestInit): Promise<Response> {
    const t = performance.now();
    const res = await fetch(new URL(url, this.base), { ...init, redirect: 'manual' });
    const body = await res.arrayBuffer();
    // A GET is filed under the page it showed; a POST under the page it submitted.
    const title = init.method === 'POST' ? this.label : kindOf(/<title>([^<·]*)/.exec(new TextDecoder().decode(body))?.[1]?.trim() ?? 'redirect');
    const key = `${init.method ?? 'GET'} ${title}`;
    (this.byPage.get(key) ?? this.byPage.set(key, []).get(key))?.push(performance.now() - t);
    if (res.status >= 500) throw new Error(`${res.status} on ${key}`);
    return new Response(body, { status: res.status, headers: res.headers });
  }
}

const rushRows: string[] = [];

async function rush(backend: string): Promise<void> {
  const pg = backend === 'postgres' ? await createPgDatabase() : null;
  try {
    const dir = await study(pg?.url, rushPeople);
    const server = await startServer(dir, [...(pg ? ['--db', pg.url] : []), '--entry-rate', '1000000']);
    const byPage = new Map<string, number[]>();
    const probe: number[] = [];
    let running = true;
    const prober = (async () => {
      while (running) {
        const t = performance.now();
        await fetch(`${server.base}/healthz`);
        probe.push(performance.now() - t);
        await sleep(100);
      }
    })();
    let done = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: rushPeople }, async (_, i) => {
        await sleep((i / rushPeople) * rushSeconds * 1000);
        const r = new Filed(server.base, byPage);
        const p = new Participant(r, `10.2.${Math.floor(i / 250)}.${i % 250}`);
        let page = await p.get(`/?PROLIFIC_PID=R${i}`);
        for (let k = 0; k < 100 && page.title !== 'Thank you'; k++) {
          r.label = kindOf(page.title);
          await sleep((thinkMin + Math.random() * (thinkMax - thinkMin)) * 1000);
          const fields = Participant.answers(page.html, (name, o) => (name === 'consent' ? 'yes' : (o[(i + k) % o.length] as string)));
          await p.request('POST', '/study', fields, false);
          page = await p.get('/study');
        }
        if (page.title !== 'Thank you') throw new Error(`R${i} did not finish`);
        done++;
      }),
    );
    running = false;
    await prober;
    await server.stop();
    const minutes = (performance.now() - started) / 60_000;
    const all = [...byPage.values()].flat();
    rushRows.push(`${backend}: ${done} of ${rushPeople} completed in ${minutes.toFixed(1)} min; ${all.length} requests; reference GET /healthz during the load: p50 ${pct(probe, 0.5).toFixed(1)} ms, p99 ${pct(probe, 0.99).toFixed(1)} ms (${probe.length} probes)`);
    const wide = (label: string, cells: Array<string | number>) => `  ${label.padEnd(26)}${line(cells)}`;
    rushRows.push(wide('page', ['requests', 'p50 ms', 'p99 ms', 'max ms', 'p99/ref p99']));
    for (const [key, xs] of [...byPage].sort(([a], [b]) => (a < b ? -1 : 1)))
      rushRows.push(wide(key, [xs.length, pct(xs, 0.5).toFixed(1), pct(xs, 0.99).toFixed(1), Math.max(...xs).toFixed(1), (pct(xs, 0.99) / pct(probe, 0.99)).toFixed(2)]));
    rushRows.push(wide('every page', [all.length, pct(all, 0.5).toFixed(1), pct(all, 0.99).toFixed(1), Math.max(...all).toFixed(1), (pct(all, 0.99) / pct(probe, 0.99)).toFixed(2)]));
  } finally {
    await pg?.drop();
  }
}

if (profiles.includes('realistic')) for (const backend of backends) await rush(backend);

for (const backend of profiles.includes('burst') ? backends : []) {
  const pg = backend === 'postgres' ? await createPgDatabase() : null;
  const dbArgs = pg ? ['--db', pg.url] : [];
  try {
    // 1. Throughput and latency.
    const dir = await study(pg?.url);
    let server = await startServer(dir, [...dbArgs, '--entry-rate', '1000000']);
    const run = await load(server, Array.from({ length: participants }, (_, i) => `P${i}`));
    const ref = await healthz(server, run.latencies.length);
    await server.stop();
    rows.push(
      line([backend, participants, run.latencies.length, (run.latencies.length / run.seconds).toFixed(0), pct(run.latencies, 0.5).toFixed(1), pct(run.latencies, 0.99).toFixed(1), (ref.latencies.length / ref.seconds).toFixed(0), pct(ref.latencies, 0.5).toFixed(1), ((run.latencies.length / run.seconds) / (ref.latencies.length / ref.seconds)).toFixed(2)]),
    );

    // 2. SIGKILL in the middle of the load, restart, check.
    const crashPg = pg ? await createPgDatabase() : null;
    const crashStudy = await study(crashPg?.url);
    const crashArgs = crashPg ? ['--db', crashPg.url] : [];
    server = await startServer(crashStudy, [...crashArgs, '--entry-rate', '1000000']);
    const tally: Tally = { acked: new Map(), killed: false };
    const clients = Array.from({ length: participants }, () => new Timed(server.base));
    let acks = 0;
    let killedAt = 0;
    let restarted: Promise<void> | null = null;
    const total = participants * 12;
    const onAck = () => {
      acks++;
      if (!tally.killed && acks >= total / 3) {
        tally.killed = true;
        killedAt = acks;
        const before = new Map(tally.acked);
        restarted = (async () => {
          await server.stop('SIGKILL');
          // Every acknowledged rating must be in the database.
          const store = await openDb(crashPg?.url, crashStudy);
          try {
            const stored = await store.db
              .selectFrom('ratings as r')
              .innerJoin('participants as u', 'u.id', 'r.participant_id')
              .select(['u.external_id as pid', store.db.fn.countAll<number>().as('n')])
              .where('r.scale', '=', 'empathy')
              .groupBy('u.external_id')
              .execute();
            const inDb = new Map(stored.map((s) => [s.pid, Number(s.n)]));
            let missing = 0;
            for (const [pid, n] of before) if ((inDb.get(pid) ?? 0) < n) missing += n - (inDb.get(pid) ?? 0);
            crashReport.push(`${backend}: killed after ${killedAt} acknowledged rating pages; ${[...before.values()].reduce((a, b) => a + b, 0)} acknowledged before the kill, ${missing} missing from the database`);
          } finally {
            await store.close();
          }
          server = await startServer(crashStudy, [...crashArgs, '--entry-rate', '1000000']);
          for (const c of clients) c.base = server.base;
        })();
      }
    };
    await Promise.all(Array.from({ length: participants }, (_, i) => participant(clients[i] as Timed, `K${i}`, tally, onAck)));
    await restarted;
    await server.stop();
    const store = await openDb(crashPg?.url, crashStudy);
    try {
      const db = store.db;
      const dupes = await db.selectFrom('ratings').select(['participant_id', 'response_id', 'scale', db.fn.countAll<number>().as('n')]).groupBy(['participant_id', 'response_id', 'scale']).having(db.fn.countAll(), '>', 1).execute();
      const done = await db.selectFrom('participants').select(db.fn.countAll<number>().as('n')).where('status', '=', 'completed').executeTakeFirstOrThrow();
      const ratings = await db.selectFrom('ratings').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      crashReport.push(`${backend}: after the restart all finished: ${Number(done.n)} of ${participants} completed, ${Number(ratings.n)} ratings (expected ${participants * 24}), ${dupes.length} stored twice`);
    } finally {
      await store.close();
    }
    await crashPg?.drop();
  } finally {
    await pg?.drop();
  }
}

if (rushRows.length) {
  console.log(`bench/serve (realistic): ${rushPeople} participants arriving over ${rushSeconds} s, ${thinkMin}-${thinkMax} s on every page; p99 target 250 ms`);
  for (const r of rushRows) console.log(r);
}
if (rows.length) console.log(`bench/serve: ${participants} participants at once, each: entry, consent, instructions, 6 posts x 2 replies (2 scales), 1 attention check, demographics`);
if (rows.length) {
  console.log(line(['backend', 'people', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'ref req/s', 'ref p50 ms', 'ratio']));
  for (const r of rows) console.log(r);
  console.log('ref: the same clients on GET /healthz (a cheap database query); ratio = study req/s / ref req/s');
}
for (const r of crashReport) console.log(r);
