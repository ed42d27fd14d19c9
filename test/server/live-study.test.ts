/**
 * A live study a researcher can trust with money: only real participants take places (Prolific's
 * study and session ids, places from consent on, idle sessions give them back), Prolific's codes,
 * the researcher's controls (preview, pause and close, block and reset, counts, downloads), what
 * participants read (Markdown pages, the text table, self-description, stale tabs) and the admin's
 * sign-in. Every test runs on SQLite and on Postgres.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createPgDatabase } from '../helpers/backends.js';
import { completeStudy, COMPREHENSION, correctAnswers, demoStudy, Participant, studyApp, type StudyApp } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';

const INSTRUMENT = `instrument:
  consent_file: consent.md
  text:
    done.heading: "Danke! You have finished the study"
    consent.yes: "Ja, I agree"
${COMPREHENSION}`;

const CONSENT_MD = `# Taking part

Please read this. <script>alert(1)</script> More at [our page](https://example.org/study) and [x](javascript:alert(1)).
`;

/** The demo as a Prolific study with a study id and every code; the plain link is left at its default. */
function edit(yaml: string): string {
  return yaml
    .replace(/^instrument:\n/m, INSTRUMENT)
    .replace(/ {2}allow_anonymous: true\n/, '')
    .replace('    completion_code: DEMO2026\n', '    completion_code: DEMO2026\n    study_id: STUDY42\n');
}

const correct = correctAnswers;
const link = (pid: string, session = `S-${pid}`, study = 'STUDY42') => `/?PROLIFIC_PID=${pid}&STUDY_ID=${study}&SESSION_ID=${session}`;

for (const backend of await backends()) {
  describe(`a live study (${backend.name})`, () => {
    let s: StudyApp;
    let drop: (() => Promise<void>) | undefined;
    let dbUrl: string | undefined;
    const admin = { authorization: 'Bearer admin-token-for-tests' };
    const filled = async () => {
      const rows = await s.deps.db.selectFrom('panel_slot_counts').select('assigned').execute();
      return rows.reduce((a, r) => a + Number(r.assigned), 0);
    };
    const person = (pid: string) => s.deps.db.selectFrom('participants').selectAll().where('external_id', '=', pid).executeTakeFirst();

    beforeAll(async () => {
      let db: string | undefined;
      if (backend.name === 'postgres') {
        const created = await createPgDatabase();
        db = created.url;
        dbUrl = db;
        drop = created.drop;
      }
      const dir = await demoStudy({ edit, prepare: (d) => writeFile(path.join(d, 'consent.md'), CONSENT_MD), ...(db ? { db } : {}) });
      s = await studyApp(dir, { ...(db ? { db } : {}), deps: { pageFiles: { consent: CONSENT_MD } } });
    });
    afterAll(async () => {
      await s?.close();
      await drop?.();
    });

    it('refuses another study\'s link and the plain link; a PID alone never opens a session', async () => {
      expect(s.deps.study.recruitment.allow_anonymous).toBe(false);
      const plain = await new Participant(s.app).get('/');
      expect(plain.status).toBe(403);
      expect(plain.title).toBe('Please start from Prolific');
      const wrong = await new Participant(s.app).get(link('WRONG1', 'S1', 'OTHERSTUDY'));
      expect(wrong.status).toBe(403);
      expect(wrong.title).toBe('This link belongs to another study');
      expect(await person('WRONG1')).toBeUndefined();

      const owner = new Participant(s.app);
      let page = await owner.get(link('OWNER1', 'SESS-A'));
      page = await owner.next(page);
      expect(page.title).toBe('Instructions');
      expect(await person('OWNER1')).toMatchObject({ prolific_study_id: 'STUDY42', prolific_session_id: 'SESS-A' });
      // Someone who knows the PID, without the session id or with another one.
      for (const url of [`/?PROLIFIC_PID=OWNER1&STUDY_ID=STUDY42`, link('OWNER1', 'SESS-B')]) {
        const stranger = new Participant(s.app);
        const r = await stranger.get(url);
        expect(r.status).toBe(409);
        expect(r.title).toBe('This study is already open elsewhere');
        expect(stranger.cookies.has('el_session')).toBe(false);
        expect((await stranger.get('/withdraw')).status).toBe(401);
      }
      // The participant's own link in a new browser resumes.
      expect((await new Participant(s.app).get(link('OWNER1', 'SESS-A'))).title).toBe('Instructions');
      expect((await person('OWNER1'))?.status).toBe('started');
    });

    it('holds places only from consent on: 30 arrivals that never consent take nothing, and expire within minutes', async () => {
      const before = await filled();
      for (let i = 0; i < 30; i++) expect((await new Participant(s.app).get(link(`FORGED${i}`))).title).toBe('Consent');
      expect(await filled()).toBe(before);
      const real = new Participant(s.app);
      const consent = await real.get(link('REAL1'));
      expect(consent.title).toBe('Consent');
      expect((await real.next(consent)).title).toBe('Instructions');
      expect(await filled()).toBe(before + 12);
      s.clock.advanceMinutes(11);
      // The next arrival expires the unconsented ones: they held nothing, so nothing is given back.
      await new Participant(s.app).get(link('LATER1'));
      expect((await person('FORGED0'))?.status).toBe('timed_out');
      expect(await filled()).toBe(before + 12 - 0);
      // Coming back, a forged-then-real participant can still consent.
      const back = new Participant(s.app);
      expect((await back.get(link('FORGED1'))).title).toBe('Consent');
      expect((await person('FORGED1'))?.status).toBe('started');
    });

    it('gives back the places of a consented participant idle for design.idle_minutes (15)', async () => {
      // Earlier participants go idle first, so that only IDLE1's places change below.
      s.clock.advanceMinutes(16);
      await new Participant(s.app).get(link('TICK1'));
      const p = new Participant(s.app);
      let page = await p.get(link('IDLE1'));
      page = await p.next(page);
      const held = await filled();
      s.clock.advanceMinutes(14);
      page = await p.next(page, correct);
      expect(page.title).toBe('A check question');
      s.clock.advanceMinutes(16);
      const after = await p.get('/study');
      expect(after.title).toBe('The time for this session is up');
      expect(after.html).toContain('Stop without completing');
      expect((await person('IDLE1'))?.status).toBe('timed_out');
      expect(await filled()).toBe(held - 12);
    });

    it('shows the Prolific code for screen-out and for declining, and records which code each got', async () => {
      const out = new Participant(s.app);
      let page = await out.get(link('SCREEN1'));
      page = await out.next(page);
      page = await out.next(page);
      const wrong = (n: string, o: string[]) => (n === 'answer' ? (o[0] as string) : (o[0] as string));
      page = await out.next(page, wrong);
      expect(page.html).toContain('1 attempt left');
      page = await out.next(page, wrong);
      expect(page.title).toBe('Thank you for your time');
      expect(page.html).toContain('DEMOSCREEN');
      expect(page.html).toContain('https://app.prolific.com/submissions/complete?cc=DEMOSCREEN');
      expect((await person('SCREEN1'))?.completion_code).toBe('DEMOSCREEN');
      const no = new Participant(s.app);
      const consent = await no.get(link('NOPE1'));
      const declined = await no.request('POST', '/study', { ...Participant.answers(consent.html), consent: 'no' });
      expect(declined.html).toContain('https://app.prolific.com/submissions/complete?cc=DEMONOCONSENT');
      expect(await person('NOPE1')).toMatchObject({ status: 'returned', completion_code: 'DEMONOCONSENT' });
    });

    it('renders the consent file as safe Markdown and uses the study\'s text overrides', async () => {
      const page = await new Participant(s.app).get(link('READ1'));
      expect(page.html).toContain('<h1>Taking part</h1>');
      expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.html).toContain('<a href="https://example.org/study" target="_blank" rel="noopener noreferrer">our page</a>');
      expect(page.html).not.toContain('href="javascript:');
      expect(page.html).toContain('Ja, I agree');
    });

    it('tells a participant who submits a page from a stale tab where they are, and records nothing twice', async () => {
      const p = new Participant(s.app);
      let page = await p.get(link('TABS1'));
      page = await p.next(page);
      page = await p.next(page);
      page = await p.next(page, correct);
      expect(page.title).toMatch(/^Post 1 of 6/);
      const oldTab = Participant.answers(page.html);
      page = await p.next(page);
      expect(page.title).toMatch(/^Reply 1 of 2/);
      // The double click of the same form is silent; the stale tab's form is told.
      const again = await p.request('POST', '/study', oldTab);
      expect(again.title).toMatch(/^Reply 1 of 2/);
      expect(again.html).not.toContain('already answered');
      const otherTab = { ...oldTab, key: 'anotherkey123' };
      const stale = await p.request('POST', '/study', otherTab);
      expect(stale.title).toMatch(/^Reply 1 of 2/);
      expect(stale.html).toContain('That page was already answered, perhaps in another tab or window.');
      const id = (await person('TABS1'))?.id as string;
      const views = await s.deps.db.selectFrom('page_views').select('step').where('participant_id', '=', id).execute();
      expect(views.map((v) => v.step).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    });

    it('stores a self-description beside the gender choice, and neutralises a formula in the CSV downloads', async () => {
      const p = new Participant(s.app);
      const pages = await completeStudy(p, 'CSV1', correct, link('CSV1'));
      expect(pages.at(-1)?.html).toContain('Danke! You have finished the study');
      // completeStudy answered the last page already; a second participant answers it by hand.
      const q = new Participant(s.app);
      let page = await q.get(link('CSV2'));
      for (let i = 0; i < 60 && page.title !== 'About you'; i++) page = await q.next(page, correct);
      expect(page.html).toContain('name="demo_gender_text"');
      const fields = { ...Participant.answers(page.html, correct), demo_gender: 'Prefer to self-describe', demo_gender_text: "=cmd|' /C calc'!A0", demo_age: '41' };
      expect((await q.request('POST', '/study', fields)).title).toBe('Thank you');
      expect(JSON.parse((await person('CSV2'))?.attributes_json as string).demographics).toEqual({ age: 41, gender: 'Prefer to self-describe', gender_self_description: "=cmd|' /C calc'!A0" });
      const csv = await (await s.app.request('/admin/ratings.csv', { headers: admin })).text();
      expect(csv).toMatch(/,'=cmd\|' \/C calc'!A0$/m);
      expect(csv).not.toMatch(/(^|,)"?=cmd/m);
    });

    it('lets the researcher pause and close arrivals while people already in finish', async () => {
      const inside = new Participant(s.app);
      let page = await inside.get(link('INSIDE1'));
      page = await inside.next(page);
      const dash = new Participant(s.app);
      const form = async (state: string) => (await s.app.request('/admin/state', { method: 'POST', headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${state}` })).status;
      expect(await form('paused')).toBe(303);
      expect((await new Participant(s.app).get(link('PAUSED1'))).title).toBe('The study is paused');
      expect(await person('PAUSED1')).toBeUndefined();
      expect(await form('closed')).toBe(303);
      expect((await new Participant(s.app).get(link('CLOSED1'))).title).toBe('The study is closed');
      page = await inside.next(page);
      expect(page.title).toBe('A check question');
      expect(await form('shut')).toBe(400);
      expect(await form('open')).toBe(303);
      expect((await new Participant(s.app).get(link('OPEN1'))).title).toBe('Consent');
      void dash;
    });

    it('blocks an id (never seen, or in the middle of the study) and resets one so it can start again', async () => {
      const post = async (pid: string, action: string) => s.app.request('/admin/participant', { method: 'POST', headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' }, body: `pid=${pid}&action=${action}` });
      expect((await post('BLOCKME', 'block')).status).toBe(303);
      expect((await new Participant(s.app).get(link('BLOCKME'))).title).toBe('You cannot take part in this study');
      const mid = new Participant(s.app);
      let page = await mid.get(link('MID1'));
      page = await mid.next(page);
      const held = await filled();
      await post('MID1', 'block');
      expect(await filled()).toBe(held - 12);
      expect((await mid.get('/study')).status).toBe(401);
      const again = new Participant(s.app);
      page = await again.get(link('AGAIN1'));
      page = await again.next(page);
      page = await again.next(page);
      expect((await post('AGAIN1', 'reset')).status).toBe(303);
      const fresh = new Participant(s.app);
      expect((await fresh.get(link('AGAIN1'))).title).toBe('Consent');
      const rows = await s.deps.db.selectFrom('participants').select(['external_id', 'status']).where('external_id', 'like', 'AGAIN1%').orderBy('external_id').execute();
      expect(rows).toEqual([
        { external_id: 'AGAIN1', status: 'started' },
        { external_id: 'AGAIN1~reset1', status: 'reset' },
      ]);
      const done = await (await post('CSV1', 'reset')).headers.get('location');
      expect(decodeURIComponent(done ?? '')).toContain('has completed the study');
    });

    it('counts ratings by source and domain, downloads comments, page times and the Prolific decisions', async () => {
      const html = await (await s.app.request('/admin', { headers: admin })).text();
      expect(html).toContain('Replies rated, by source and domain');
      // CSV1 and CSV2 completed: 12 replies each, 6 per source.
      expect(html).toMatch(/<td>eliza<\/td>(<td class="num">\d+<\/td>){6}<td class="num">12<\/td>/);
      const pageTimes = await (await s.app.request('/admin/page-times.csv', { headers: admin })).text();
      expect(pageTimes.split('\n')[0]).toBe('rater,step,page,response,client_ms,server_ms,submitted_at');
      expect(pageTimes.split('\n').filter((l) => l.startsWith('CSV1,'))).toHaveLength(23);
      const comments = await (await s.app.request('/admin/comments.csv', { headers: admin })).text();
      expect(comments.split('\n')[0]).toBe('rater,post,domain,response,source,condition,comment,created_at');
      const prolific = (await (await s.app.request('/admin/prolific.csv', { headers: admin })).text()).split('\n');
      expect(prolific[0]).toBe('participant_id,session_id,status,code,decision,reason');
      const row = (pid: string) => prolific.find((l) => l.startsWith(`${pid},`));
      expect(row('SCREEN1')).toMatch(/,screened_out,DEMOSCREEN,approve,/);
      expect(row('NOPE1')).toMatch(/,returned,DEMONOCONSENT,return,declined consent$/);
      expect(row('IDLE1')).toMatch(/,timed_out,,return,did not finish in time$/);
      // The demo's rules exclude sessions under 5 minutes (the test clock makes these instant) and straight-lining.
      // export writes the same list.
      const db = dbUrl ? ['--db', dbUrl] : [];
      const out = path.join(s.dir, 'export-test');
      expect((await cli('export', s.dir, '--out', out, ...db)).code).toBe(0);
      expect((await readFile(path.join(out, 'prolific.csv'), 'utf8')).split('\n')).toEqual(prolific);
      // The demo flags straight-lining without excluding for it (as the reference study did): the reason is the time rule alone.
      expect(row('CSV1')).toBe('CSV1,S-CSV1,completed,DEMO2026,reject,total time under 5 minutes (total time 0.0 minutes)');
    });

    it('walks the whole flow in the preview without taking a place or writing a row', async () => {
      const count = async () => {
        const tables = ['participants', 'assignments', 'ratings', 'page_views', 'attention_results', 'comments'] as const;
        return Promise.all(tables.map(async (t) => Number((await s.deps.db.selectFrom(t).select(s.deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));
      };
      const before = [await count(), await filled()];
      const r = new Participant(s.app);
      // Signed in through the form (the preview is for the researcher only).
      expect((await r.get('/admin/preview?new=1')).status).toBe(401);
      const login = await r.get('/admin/login');
      await r.request('POST', '/admin/login', { csrf: /name="csrf" value="([^"]+)"/.exec(login.html)?.[1] as string, token: 'admin-token-for-tests' });
      let page = await r.get('/admin/preview?new=1');
      const titles: string[] = [];
      for (let i = 0; i < 60 && page.title !== 'Thank you'; i++) {
        titles.push(page.title);
        expect(page.html).toContain('Preview: nothing you answer here is recorded');
        const form = /<form method="post" action="\/admin\/preview"[\s\S]*?<\/form>/.exec(page.html)?.[0] as string;
        const fields = Participant.answers(form.replace('action="/admin/preview"', 'action="/study"'), (n, o) => (n === 'consent' ? 'yes' : correct(n, o)));
        page = await r.request('POST', '/admin/preview', fields);
      }
      expect(titles[0]).toBe('Consent');
      expect(titles.filter((x) => x.startsWith('Reply'))).toHaveLength(12);
      expect(page.html).toContain('DEMO2026');
      expect(page.html).not.toContain('http-equiv="refresh"');
      expect([await count(), await filled()]).toEqual(before);
    });

    it('admin sign-in: a random cookie per sign-in, sign-out ends it, failed sign-ins are throttled per address, HSTS over HTTPS', async () => {
      const signIn = async (p: Participant, token: string) => {
        const login = await p.get('/admin/login');
        return p.request('POST', '/admin/login', { csrf: /name="csrf" value="([^"]+)"/.exec(login.html)?.[1] as string, token });
      };
      const a = new Participant(s.app, 'admin-a');
      const b = new Participant(s.app, 'admin-b');
      await signIn(a, 'admin-token-for-tests');
      await signIn(b, 'admin-token-for-tests');
      const cookieA = a.cookies.get('el_admin') as string;
      expect(cookieA).toMatch(/^[\w-]{40,}$/);
      expect(cookieA).not.toBe(b.cookies.get('el_admin'));
      const dash = await a.get('/admin');
      const csrf = /action="\/admin\/logout">\s*<input type="hidden" name="csrf" value="([^"]+)"/.exec(dash.html)?.[1] as string;
      await a.request('POST', '/admin/logout', { csrf });
      const replay = new Participant(s.app, 'admin-a');
      replay.cookies.set('el_admin', cookieA);
      expect((await replay.get('/admin/ratings.csv')).status).toBe(401);
      expect((await b.get('/admin/ratings.csv')).status).toBe(200);
      // Five wrong tokens from one address, then even the right one waits; another address does not.
      const guesser = new Participant(s.app, 'guesser');
      for (let i = 0; i < 5; i++) expect((await signIn(guesser, `wrong${i}`)).status).toBe(401);
      expect((await signIn(guesser, 'admin-token-for-tests')).status).toBe(429);
      expect((await signIn(new Participant(s.app, 'elsewhere'), 'admin-token-for-tests')).status).toBe(200);
      const https = await s.app.request('https://study.example/admin/login');
      expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(https.headers.getSetCookie()[0]).toContain('Secure');
      expect((await s.app.request('http://study.example/admin/login')).headers.get('strict-transport-security')).toBeNull();
    });
  });
}
