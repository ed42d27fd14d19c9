import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openDb, type OpenedDb } from '../../src/cli/open-db.js';
import { demoStudy } from '../helpers/app.js';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const run = chromiumAvailable();

describe.runIf(run)('the rating app in Chromium', () => {
  let server: ServerProcess;
  let store: OpenedDb;
  let dir: string;
  beforeAll(async () => {
    dir = await demoStudy({ edit: (y) => y.replace(/^instrument:\n/m, 'instrument:\n  free_text: true\n') });
    server = await startServer(dir, []);
    store = await openDb(undefined, dir);
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  const ratingsOf = async (pid: string) =>
    store.db.selectFrom('ratings as r').innerJoin('participants as u', 'u.id', 'r.participant_id').select(['r.response_id', 'r.scale', 'r.value']).where('u.external_id', '=', pid).execute();

  /** Answers whatever the page asks, mostly with the keyboard, and submits; returns the next title. */
  async function answer(page: Page): Promise<void> {
    const title = await page.title();
    if (title.startsWith('Consent')) await page.getByLabel('Yes, I agree to take part').check();
    if (title.startsWith('Reply')) {
      // Keys 1..5 pick an option of the first unanswered question, then the next.
      await page.locator('body').press('4');
      await page.locator('body').press('5');
      await page.getByLabel('Anything you want to add about this reply? (optional)').fill('Kind, but a lot of questions.');
    }
    if (title.startsWith('A question')) await page.getByLabel('Somewhat appropriate', { exact: true }).check();
    if (title.startsWith('About you')) {
      await page.getByLabel('How old are you?').fill('29');
      await page.getByLabel('Non-binary', { exact: true }).check();
    }
    await Promise.all([page.waitForEvent('load'), page.locator('form[data-step] button[type=submit]').click()]);
  }

  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
    it(`completes the study as a participant (${name}): resume after reload, a double click, the completion redirect`, async () => {
      const browser = await launchChromium();
      const pid = `BROWSER${name.toUpperCase()}`;
      try {
        const context = await browser.newContext({ viewport });
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
        page.on('pageerror', (e) => void problems.push(String(e)));
        await page.route('https://app.prolific.com/**', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<title>Prolific</title>completed' }));
        await page.goto(`${server.base}/?PROLIFIC_PID=${pid}&STUDY_ID=s1&SESSION_ID=x1`);
        const shot = new Set<string>();
        let doubleClicked = false;
        let reloaded = false;
        for (let i = 0; i < 60; i++) {
          const title = (await page.title()).split(' · ')[0] as string;
          if (title === 'Prolific') break;
          const kind = title.replace(/ \d+ of \d+$/, '').toLowerCase().replace(/\s+/g, '-');
          if (!shot.has(kind)) {
            shot.add(kind);
            await page.screenshot({ path: path.join(SCREENSHOTS, `app-${name}-${kind}.png`), fullPage: true });
          }
          if (title === 'Thank you') {
            expect(await page.locator('.code').textContent()).toBe('DEMO2026');
            await page.waitForURL(/app\.prolific\.com\/submissions\/complete\?cc=DEMO2026/, { timeout: 15_000 });
            break;
          }
          if (!reloaded && title === 'Reply 2 of 2') {
            // Reload in the middle: the same page comes back.
            await page.reload();
            expect((await page.title()).split(' · ')[0]).toBe('Reply 2 of 2');
            reloaded = true;
          }
          if (!doubleClicked && title === 'Reply 1 of 2' && shot.has('post') && (await ratingsOf(pid)).length >= 4) {
            const before = (await ratingsOf(pid)).length;
            await page.locator('body').press('2');
            await page.locator('body').press('3');
            await Promise.all([page.waitForEvent('load'), page.locator('form[data-step] button[type=submit]').dblclick()]);
            expect((await page.title()).split(' · ')[0]).toBe('Reply 2 of 2');
            expect((await ratingsOf(pid)).length).toBe(before + 2);
            doubleClicked = true;
            continue;
          }
          await answer(page);
        }
        expect(doubleClicked).toBe(true);
        expect(reloaded).toBe(true);
        expect(page.url()).toContain('cc=DEMO2026');
        const ratings = await ratingsOf(pid);
        expect(ratings).toHaveLength(24);
        expect(new Set(ratings.map((r) => `${r.response_id}:${r.scale}`)).size).toBe(24);
        const person = await store.db.selectFrom('participants').selectAll().where('external_id', '=', pid).executeTakeFirstOrThrow();
        expect(person.status).toBe('completed');
        expect(JSON.parse(person.attributes_json).demographics).toEqual({ age: 29, gender: 'Non-binary' });
        const times = await store.db.selectFrom('page_views').select(['client_ms', 'server_ms']).where('participant_id', '=', person.id).execute();
        expect(times).toHaveLength(22);
        expect(times.every((t) => t.client_ms !== null && t.client_ms >= 0)).toBe(true);
        expect(problems).toEqual([]);
        expect([...shot]).toEqual(expect.arrayContaining(['consent', 'instructions', 'post', 'reply', 'a-question', 'about-you', 'thank-you']));
      } finally {
        await browser.close();
      }
    });
  }

  it('shows the admin dashboard after signing in with the token', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
      await page.goto(`${server.base}/admin`);
      await page.getByLabel('Admin token').fill('admin-token-for-tests');
      await Promise.all([page.waitForURL(/\/admin$/), page.getByRole('button', { name: 'Sign in' }).click()]);
      expect(await page.locator('.tile').count()).toBe(8);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'app-admin.png'), fullPage: true });
      const download = await page.request.get(`${server.base}/admin/ratings.csv`);
      expect(download.status()).toBe(200);
      // One line per rating the database holds (whatever other tests have submitted by now), plus the header.
      const held = Number((await store.db.selectFrom('ratings').select(store.db.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
      expect((await download.text()).trimEnd().split('\n')).toHaveLength(held + 1);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
    it(`the researcher's preview, a paused study, a stale tab, the number-key switch and the self-description box (${name})`, async () => {
      const browser = await launchChromium();
      const shot = (page: Page, what: string) => page.screenshot({ path: path.join(SCREENSHOTS, `app-${name}-${what}.png`), fullPage: true });
      const count = async (table: 'participants' | 'ratings' | 'page_views') => Number((await store.db.selectFrom(table).select(store.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      try {
        const problems: string[] = [];
        const admin = await browser.newPage({ viewport });
        admin.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
        await admin.goto(`${server.base}/admin`);
        await admin.getByLabel('Admin token').fill('admin-token-for-tests');
        await Promise.all([admin.waitForURL(/\/admin$/), admin.getByRole('button', { name: 'Sign in' }).click()]);
        // The preview: the whole flow, nothing written.
        const before = [await count('participants'), await count('ratings'), await count('page_views')];
        await Promise.all([admin.waitForEvent('load'), admin.getByRole('link', { name: 'Preview the study as a participant' }).click()]);
        expect(await admin.locator('.banner').textContent()).toContain('Preview: nothing you answer here is recorded');
        await shot(admin, 'preview-consent');
        for (let i = 0; i < 60 && !(await admin.title()).startsWith('Thank you'); i++) {
          if ((await admin.title()).startsWith('Reply 1 of 2') && i < 6) await shot(admin, 'preview-reply');
          await answer(admin);
        }
        expect((await admin.title()).startsWith('Thank you')).toBe(true);
        expect([await count('participants'), await count('ratings'), await count('page_views')]).toEqual(before);
        // Paused: a new arrival is told so; reopened, it gets the consent page.
        await admin.goto(`${server.base}/admin`);
        await Promise.all([admin.waitForEvent('load'), admin.getByRole('button', { name: 'Pause' }).click()]);
        const arrival = await browser.newPage({ viewport });
        await arrival.goto(`${server.base}/?PROLIFIC_PID=PAUSED${name.toUpperCase()}&STUDY_ID=s1&SESSION_ID=p1`);
        expect((await arrival.title()).split(' · ')[0]).toBe('The study is paused');
        await shot(arrival, 'paused');
        await Promise.all([admin.waitForEvent('load'), admin.getByRole('button', { name: 'Open' }).click()]);
        await arrival.reload();
        expect((await arrival.title()).split(' · ')[0]).toBe('Consent');

        // Two tabs of one session: the page answered in one tab, then submitted from the other.
        const context = await browser.newContext({ viewport });
        const tabA = await context.newPage();
        tabA.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
        await tabA.goto(`${server.base}/?PROLIFIC_PID=TABS${name.toUpperCase()}&STUDY_ID=s1&SESSION_ID=t1`);
        while (!(await tabA.title()).startsWith('Post 1')) await answer(tabA);
        const tabB = await context.newPage();
        await tabB.goto(`${server.base}/study`);
        await answer(tabA);
        expect((await tabA.title()).startsWith('Reply 1 of 2')).toBe(true);
        await Promise.all([tabB.waitForEvent('load'), tabB.locator('form[data-step] button[type=submit]').click()]);
        expect((await tabB.title()).startsWith('Reply 1 of 2')).toBe(true);
        expect(await tabB.getByRole('alert').textContent()).toContain('That page was already answered');
        await shot(tabB, 'stale-tab');
        // The number keys can be switched off: then a key press chooses nothing.
        const toggle = tabA.getByLabel('Use the number keys to choose options');
        expect(await toggle.isVisible()).toBe(true);
        await toggle.uncheck();
        await tabA.locator('body').press('4');
        expect(await tabA.locator('input[type=radio]:checked').count()).toBe(0);
        await tabA.reload();
        expect(await tabA.getByLabel('Use the number keys to choose options').isChecked()).toBe(false);
        await tabA.getByLabel('Use the number keys to choose options').check();
        // The self-describe box appears with its option.
        while (!(await tabA.title()).startsWith('About you')) await answer(tabA);
        const box = tabA.getByLabel('Your description (optional)');
        expect(await box.isVisible()).toBe(false);
        await tabA.getByLabel('Prefer to self-describe').check();
        expect(await box.isVisible()).toBe(true);
        await box.fill('genderfluid');
        await shot(tabA, 'self-describe');
        await Promise.all([tabA.waitForEvent('load'), tabA.locator('form[data-step] button[type=submit]').click()]);
        const person = await store.db.selectFrom('participants').selectAll().where('external_id', '=', `TABS${name.toUpperCase()}`).executeTakeFirstOrThrow();
        expect(JSON.parse(person.attributes_json).demographics).toMatchObject({ gender: 'Prefer to self-describe', gender_self_description: 'genderfluid' });
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 180_000);
  }
});
