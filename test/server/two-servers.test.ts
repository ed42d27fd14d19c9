import { describe, expect, it } from 'vitest';
import { createPgDatabase, postgresAvailable } from '../helpers/backends.js';
import { demoStudy, overHttp, Participant } from '../helpers/app.js';
import { startServer } from '../helpers/server-process.js';
import { openDb } from '../../src/cli/open-db.js';

const pg = await postgresAvailable();

describe('two serve processes on one Postgres database', () => {
  it.runIf(pg)('participants arriving at both at once: balanced, full at the target, nothing twice', async () => {
    const database = await createPgDatabase();
    const dir = await demoStudy({ db: database.url });
    const servers = await Promise.all([0, 1].map(() => startServer(dir, ['--db', database.url, '--entry-rate', '100000'])));
    try {
      // 36 posts x 2 replies, 6 posts each, target 5: 30 sessions fill the study. 48 people arrive, half at each server.
      const outcomes = await Promise.all(
        Array.from({ length: 48 }, async (_, i) => {
          const p = new Participant(overHttp((servers[i % 2] as { base: string }).base), `10.0.0.${i}`);
          let page = await p.get(`/?PROLIFIC_PID=TWO${i}`);
          if (page.title === 'This study is full') return 'full';
          for (let k = 0; k < 100 && page.title !== 'Thank you'; k++) {
            // Places are taken at consent: some consent after the last place went.
            if (page.title === 'This study is full') return 'full';
            if (page.status !== 200) throw new Error(`${page.status}: ${page.html.slice(0, 300)}`);
            // Every page submitted twice at once (a double click that reaches both servers' pool).
            const fields = Participant.answers(page.html, (name, o) => (name === 'consent' ? 'yes' : (o[(i + k) % o.length] as string)));
            await Promise.all([p.request('POST', '/study', fields, false), p.request('POST', '/study', fields, false)]);
            page = await p.get('/study');
          }
          return page.title;
        }),
      );
      const opened = await openDb(database.url, dir);
      try {
        const db = opened.db;
        const assignments = await db.selectFrom('assignments').select('status').execute();
        expect(assignments.filter((a) => a.status === 'completed')).toHaveLength(30);
        // The others consented after every place was taken: their sessions held nothing.
        expect(assignments.filter((a) => a.status === 'released')).toHaveLength(18);
        expect(outcomes.filter((o) => o === 'Thank you')).toHaveLength(30);
        expect(outcomes.filter((o) => o === 'full')).toHaveLength(18);
        const counts = await db.selectFrom('ratings').select(['response_id', 'scale', db.fn.countAll<number>().as('n'), db.fn.count<number>('participant_id').distinct().as('raters')]).groupBy(['response_id', 'scale']).execute();
        expect(counts).toHaveLength(72 * 2);
        // Exactly the target everywhere, and no rating twice.
        expect(new Set(counts.map((c) => Number(c.n)))).toEqual(new Set([5]));
        expect(new Set(counts.map((c) => Number(c.raters)))).toEqual(new Set([5]));
        const views = await db.selectFrom('page_views').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        // 30 sessions x (consent, instructions, 6 posts, 12 replies, 1 attention check, demographics).
        expect(Number(views.n)).toBe(30 * 22);
      } finally {
        await opened.close();
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await database.drop();
    }
  }, 120_000);
});
