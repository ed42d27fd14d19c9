import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createPgDatabase } from '../helpers/backends.js';
import { completeStudy, COMPREHENSION, correctAnswers, demoStudy, Participant, studyApp, type StudyApp } from '../helpers/app.js';

/** The demo with a comprehension check and free text (the manifest's instrument extended). */
const edit = (yaml: string) => yaml.replace(/^instrument:\n/m, `instrument:\n${COMPREHENSION}`);
const correct = correctAnswers;

for (const backend of await backends()) {
  describe(`rating app flow (${backend.name})`, () => {
    let s: StudyApp;
    let drop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      let db: string | undefined;
      if (backend.name === 'postgres') {
        const created = await createPgDatabase();
        db = created.url;
        drop = created.drop;
      }
      s = await studyApp(await demoStudy({ edit, ...(db ? { db } : {}) }), db ? { db } : {});
    });
    afterAll(async () => {
      await s?.close();
      await drop?.();
    });

    it('takes a Prolific participant from entry to the completion redirect, storing every answer once', async () => {
      const p = new Participant(s.app);
      const pages = await completeStudy(p, 'PID0001', correct);
      expect(pages.map((x) => x.title.replace(/ \d+ of \d+$/, ''))).toEqual([
        'Consent',
        'Instructions',
        'A check question',
        ...Array.from({ length: 6 }, (_, i) => ['Post', 'Reply', 'Reply', ...(i === 2 ? ['A question'] : [])]).flat(),
        'About you',
        'Thank you',
      ]);
      const done = pages.at(-1)?.html as string;
      expect(done).toContain('DEMO2026');
      expect(done).toContain('<meta http-equiv="refresh" content="5;url=https://app.prolific.com/submissions/complete?cc=DEMO2026"/>');
      const db = s.deps.db;
      const person = await db.selectFrom('participants').selectAll().where('external_id', '=', 'PID0001').executeTakeFirstOrThrow();
      expect(person).toMatchObject({ status: 'completed', origin: 'prolific', prolific_study_id: 'study1', prolific_session_id: 'session-PID0001', completion_code: 'DEMO2026' });
      expect(JSON.parse(person.attributes_json).demographics).toEqual({ age: 34, gender: 'Prefer to self-describe' });
      const ratings = await db.selectFrom('ratings').selectAll().where('participant_id', '=', person.id).execute();
      expect(ratings).toHaveLength(12 * 2);
      expect(ratings.every((r) => r.value === 4 && r.origin === 'web' && r.content_hash === s.deps.contentHash)).toBe(true);
      // Every page's time is recorded, in step order.
      const views = await db.selectFrom('page_views').select(['step', 'page']).where('participant_id', '=', person.id).orderBy('step').execute();
      expect(views.map((v) => v.step)).toEqual(Array.from({ length: pages.length - 1 }, (_, i) => i));
      const attention = await db.selectFrom('attention_results').selectAll().where('participant_id', '=', person.id).execute();
      expect(attention).toMatchObject([{ check_id: 'ac1', answer: 'Somewhat appropriate', passed: 1 }]);
      // The completed page stays (a reload shows the code again, nothing more is recorded).
      expect((await p.get('/study')).html).toContain('DEMO2026');
    });

    it('resumes at the same page after a reload, a closed browser, or the Prolific link again', async () => {
      const p = new Participant(s.app);
      let page = await p.get('/?PROLIFIC_PID=PID0002&STUDY_ID=study1&SESSION_ID=a');
      for (let i = 0; i < 5; i++) page = await p.next(page, correct);
      const here = page.title;
      expect(here).toMatch(/^(Reply|Post) /);
      expect((await p.get('/study')).title).toBe(here);
      // A new browser (no cookie) through the same Prolific link gets the same session.
      const again = new Participant(s.app);
      expect((await again.get('/?PROLIFIC_PID=PID0002&STUDY_ID=study1&SESSION_ID=a')).title).toBe(here);
      const count = await s.deps.db.selectFrom('participants').select(s.deps.db.fn.countAll().as('n')).where('external_id', '=', 'PID0002').executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
    });

    it('never records a page twice: double clicks, concurrent retries and the back button', async () => {
      const p = new Participant(s.app);
      let page = await p.get('/?PROLIFIC_PID=PID0003');
      while (!page.title.startsWith('Reply')) page = await p.next(page, correct);
      const person = await s.deps.db.selectFrom('participants').select('id').where('external_id', '=', 'PID0003').executeTakeFirstOrThrow();
      const count = async () => Number((await s.deps.db.selectFrom('ratings').select(s.deps.db.fn.countAll().as('n')).where('participant_id', '=', person.id).executeTakeFirstOrThrow()).n);
      const fields = Participant.answers(page.html, () => '5');
      // Five submissions of the same page at once (a double click, a retrying proxy).
      const results = await Promise.all(Array.from({ length: 5 }, () => p.request('POST', '/study', fields, false)));
      expect(results.map((r) => r.status)).toEqual([303, 303, 303, 303, 303]);
      expect(await count()).toBe(2);
      // The back button: the old page submitted again, with other values, after the next one was served.
      const next = await p.get('/study');
      expect(next.title).not.toBe(page.title === next.title ? '' : page.title);
      await p.request('POST', '/study', { ...fields, scale_empathy: '1', key: 'another-key-123' });
      expect(await count()).toBe(2);
      const values = await s.deps.db.selectFrom('ratings').select('value').where('participant_id', '=', person.id).execute();
      expect(values.map((v) => v.value)).toEqual([5, 5]);
    });

    it('refuses values off the scale and missing answers, and shows the page again', async () => {
      const p = new Participant(s.app);
      let page = await p.get('/?PROLIFIC_PID=PID0004');
      while (!page.title.startsWith('Reply')) page = await p.next(page, correct);
      const fields = Participant.answers(page.html, () => '3');
      const off = await p.request('POST', '/study', { ...fields, scale_empathy: '6' });
      expect(off.status).toBe(422);
      expect(off.html).toContain('Choose a value from 1 to 5.');
      const { scale_appropriateness: _, ...missing } = fields;
      const none = await p.request('POST', '/study', missing);
      expect(none.status).toBe(422);
      expect(none.html).toContain('Please choose one option.');
      // A response id in the form is ignored: the step decides which reply is rated.
      const person = await s.deps.db.selectFrom('participants').select('id').where('external_id', '=', 'PID0004').executeTakeFirstOrThrow();
      const slots = (await s.deps.db.selectFrom('assignments').select('slots_json').where('participant_id', '=', person.id).executeTakeFirstOrThrow()).slots_json;
      const other = [...s.deps.content.responses.keys()].find((id) => !slots.includes(id)) as string;
      expect(page.html).not.toContain(other);
      await p.request('POST', '/study', { ...fields, response: other, response_id: other });
      const rated = await s.deps.db.selectFrom('ratings').select('response_id').where('participant_id', '=', person.id).execute();
      expect(rated).toHaveLength(2);
      expect(rated.every((r) => r.response_id !== other)).toBe(true);
    });

    it('screens out after two wrong comprehension answers and releases the slots', async () => {
      const p = new Participant(s.app);
      let page = await p.get('/?PROLIFIC_PID=PID0005');
      while (page.title !== 'A check question') page = await p.next(page);
      const wrong = () => 'How long each reply is';
      page = await p.next(page, wrong);
      expect(page.html).toContain('1 attempt left');
      // The same wrong submission again (a double click) does not use up the second attempt.
      const fields = Participant.answers(page.html, wrong);
      await p.request('POST', '/study', fields);
      const retried = await p.request('POST', '/study', fields);
      expect(retried.title).toBe('Thank you for your time');
      const person = await s.deps.db.selectFrom('participants').select(['id', 'status']).where('external_id', '=', 'PID0005').executeTakeFirstOrThrow();
      expect(person.status).toBe('screened_out');
      expect((await s.deps.db.selectFrom('assignments').select('status').where('participant_id', '=', person.id).executeTakeFirstOrThrow()).status).toBe('released');
    });

    it('lets a participant decline or leave, and times out an unfinished session', async () => {
      const decline = new Participant(s.app);
      const consent = await decline.get('/?PROLIFIC_PID=PID0006');
      const declined = await decline.request('POST', '/study', { ...Participant.answers(consent.html), consent: 'no' });
      // Declining shows the no-consent code and takes no place.
      expect(declined.title).toBe('You have chosen not to take part');
      expect(declined.html).toContain('DEMONOCONSENT');
      const leaver = new Participant(s.app);
      let page = await leaver.get('/?PROLIFIC_PID=PID0007');
      page = await leaver.next(page);
      expect(page.html).toContain('<a href="/withdraw">Leave the study</a>');
      const confirm = await leaver.get('/withdraw');
      expect(confirm.title).toBe('Leave the study?');
      const csrf = /action="\/withdraw">\s*<input type="hidden" name="csrf" value="([^"]+)"/.exec(confirm.html)?.[1] as string;
      expect((await leaver.request('POST', '/withdraw', { csrf })).title).toBe('You have left the study');
      const slow = new Participant(s.app);
      await slow.next(await slow.get('/?PROLIFIC_PID=PID0008'));
      s.clock.advanceMinutes(61);
      expect((await slow.get('/study')).title).toBe('The time for this session is up');
      const statuses = await s.deps.db.selectFrom('participants').select(['external_id', 'status']).where('external_id', 'in', ['PID0006', 'PID0007', 'PID0008']).orderBy('external_id').execute();
      expect(statuses.map((x) => x.status)).toEqual(['returned', 'returned', 'timed_out']);
    });

    it('turns away someone who already rated the study outside the app (imported ratings)', async () => {
      await s.deps.db
        .insertInto('participants')
        .values({ id: 'imported-1', study_id: s.deps.studyId, external_id: 'PIDOLD', origin: 'imported', status: 'imported', prolific_study_id: null, prolific_session_id: null, completion_code: null, started_at: null, completed_at: null, total_seconds: null, import_id: null, created_at: new Date().toISOString() })
        .execute();
      const page = await new Participant(s.app).get('/?PROLIFIC_PID=PIDOLD');
      expect(page.status).toBe(200);
      expect(page.title).toBe('You have already taken part');
      expect(await s.deps.db.selectFrom('assignments').select('id').where('participant_id', '=', 'imported-1').execute()).toEqual([]);
      // The admin's progress counts the app's participants only, not imported or simulated raters.
      await s.deps.db
        .insertInto('participants')
        .values({ id: 'simulated-1', study_id: s.deps.studyId, external_id: 'sim-0001', origin: 'simulated', status: 'completed', prolific_study_id: null, prolific_session_id: null, completion_code: null, started_at: null, completed_at: null, total_seconds: 60, import_id: null, created_at: new Date().toISOString() })
        .execute();
      const admin = await (await s.app.request('/admin', { headers: { authorization: 'Bearer admin-token-for-tests' } })).text();
      const tile = (label: string) => Number(new RegExp(`<b>(\\d+)</b><span>${label}</span>`).exec(admin)?.[1]);
      const app = await s.deps.db.selectFrom('participants').select('status').where('origin', 'in', ['prolific', 'anonymous']).execute();
      expect(tile('completed')).toBe(app.filter((p) => p.status === 'completed').length);
      expect(tile('started')).toBe(app.length);
    });

    it('starts anonymous participants from the plain link', async () => {
      const p = new Participant(s.app);
      const welcome = await p.get('/');
      expect(welcome.title).toBe('Welcome');
      const csrf = /name="csrf" value="([^"]+)"/.exec(welcome.html)?.[1] as string;
      const consent = await p.request('POST', '/start', { csrf });
      expect(consent.title).toBe('Consent');
      const person = await s.deps.db.selectFrom('participants').select(['external_id', 'origin']).where('origin', '=', 'anonymous').executeTakeFirstOrThrow();
      expect(person.external_id).toMatch(/^anon-/);
    });
  });
}
