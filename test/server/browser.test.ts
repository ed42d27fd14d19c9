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
      await page.getByLabel('Non-binary').check();
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
      expect((await download.text()).split('\n').length).toBeGreaterThan(24);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
