/**
 * The field study in Chromium, through all three roles on a desktop and a phone: a seeker writes a
 * post with the pre-measure (a slider by keyboard), a supporter answers it from the queue, the
 * seeker reads and rates the reply; a second seeker's risk post shows the crisis resources; the
 * researcher sees the alert on the dashboard and marks it seen. No console errors, no sideways
 * scrolling on the phone; screenshots in test-results/screenshots/field-*.png.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNewStudy } from '../../src/cli/init.js';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tempFolder } from '../helpers/study.js';

const run = chromiumAvailable();
const SUPPORTER = 'walk-supporter-token-0001';
const ADMIN = 'admin-token-for-tests';

async function noSidewaysScroll(page: Page): Promise<void> {
  expect(await page.evaluate('document.scrollingElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
}

describe.runIf(run)('the field study in Chromium: seeker, supporter, researcher', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    const dir = path.join(await tempFolder({}), 'walk');
    await writeNewStudy(dir, 'walk', 'field');
    await writeFile(path.join(dir, 'supporters.txt'), `${SUPPORTER}\n`);
    // No follow-up, so the walk ends at the debrief.
    const file = path.join(dir, 'study.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^ {2}follow_up_days: 7\n/m, ''));
    server = await startServer(dir, ['--admin-token', ADMIN]);
  });
  afterAll(async () => server?.stop());

  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
    it(`all three roles (${name})`, async () => {
      const browser = await launchChromium();
      try {
        const problems: string[] = [];
        const open = async () => {
          const page = await (await browser.newContext({ viewport })).newPage();
          page.on('pageerror', (e) => void problems.push(String(e)));
          page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
          return page;
        };
        const shot = (page: Page, what: string) => page.screenshot({ path: path.join(SCREENSHOTS, `field-${what}-${name}.png`), fullPage: true });
        const click = (page: Page, label: string) => Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: label }).click()]);

        // The seeker: consent, the post and the pre-measure.
        const seeker = await open();
        await seeker.goto(`${server.base}/`);
        await seeker.getByLabel('Yes, I agree to take part').check();
        await click(seeker, 'Continue');
        expect(await seeker.title()).toMatch(/^Your post/);
        await seeker.getByLabel('What is it about?').selectOption('work');
        await seeker.getByLabel('Your post').fill(`My manager keeps moving my deadlines and I stay late most nights to keep up (${name}). I feel tired all the time and I do not know how to say no without it costing me.`);
        await seeker.getByLabel(/Where do you live/).selectOption('GB');
        await seeker.locator('input[type=range]').press('End');
        for (let i = 0; i < 30; i++) await seeker.locator('input[type=range]').press('ArrowLeft');
        await seeker.getByLabel('a lot').check();
        await noSidewaysScroll(seeker);
        await shot(seeker, 'seeker-write');
        await click(seeker, 'Send my post');
        expect(await seeker.title()).toMatch(/^Your post is in/);
        const link = (await seeker.locator('main a').first().getAttribute('href')) as string;
        expect(link).toMatch(/\/s\/[A-Za-z0-9_-]{32}$/);
        await shot(seeker, 'seeker-waiting');

        // The supporter: the queue, the post (with the draft in the assisted arm), the reply.
        const supporter = await open();
        await supporter.goto(`${server.base}/supporter?token=${SUPPORTER}`);
        expect(await supporter.title()).toMatch(/^Posts waiting for a reply/);
        await click(supporter, 'Reply');
        expect(await supporter.title()).toMatch(/^Reply to a post/);
        expect(await supporter.locator('main').textContent()).toContain(`(${name})`);
        const box = supporter.locator('textarea[name=reply]');
        const draft = await box.inputValue();
        await box.fill(`${draft} That sounds exhausting. It makes sense that you feel tired; what would you want to say to your manager if it cost you nothing?`.trim());
        await noSidewaysScroll(supporter);
        await shot(supporter, 'supporter-reply');
        await click(supporter, 'Send the reply');
        expect(await supporter.locator('.notice').textContent()).toContain('Your reply has been sent');

        // The seeker comes back by their link, reads, rates, answers again, and is told the arm.
        await seeker.goto(link);
        expect(await seeker.title()).toMatch(/^Your reply/);
        expect(await seeker.locator('.card.reply').textContent()).toContain('what would you want to say to your manager');
        for (const q of ['How much did the reply show', 'How much did you feel heard', 'How helpful was the reply']) await seeker.getByRole('group', { name: new RegExp(q) }).getByLabel('quite a lot').check();
        await seeker.locator('input[type=range]').press('Home');
        for (let i = 0; i < 60; i++) await seeker.locator('input[type=range]').press('ArrowRight');
        await seeker.getByRole('group', { name: /weighing on you/ }).getByLabel('somewhat').check();
        await noSidewaysScroll(seeker);
        await shot(seeker, 'seeker-reply');
        await click(seeker, 'Send my answers');
        expect(await seeker.title()).toMatch(/^Thank you for taking part/);
        expect(await seeker.locator('main').textContent()).toMatch(/peer supporter (on their own|who started from a draft written by an AI)/);
        await shot(seeker, 'seeker-debrief');

        // A second seeker whose post signals risk: the resources at once, nothing else.
        const risk = await open();
        await risk.goto(`${server.base}/`);
        await risk.getByLabel('Yes, I agree to take part').check();
        await click(risk, 'Continue');
        await risk.getByLabel('What is it about?').selectOption('everyday');
        await risk.getByLabel('Your post').fill(`Nothing is working out and lately I keep thinking I would be better off dead (${name}), I cannot see how this gets any better for me or anyone around me.`);
        await risk.getByLabel(/Where do you live/).selectOption('US');
        await risk.locator('input[type=range]').press('Home');
        await risk.getByLabel('very much').check();
        await click(risk, 'Send my post');
        expect(await risk.title()).toMatch(/^Support is available now/);
        expect(await risk.locator('.resources').textContent()).toContain('call or text 988');
        await noSidewaysScroll(risk);
        await shot(risk, 'seeker-resources');

        // The researcher: the alert, then marked seen.
        const admin = await open();
        await admin.goto(`${server.base}/admin/login`);
        await admin.getByLabel('Admin token').fill(ADMIN);
        await click(admin, 'Sign in');
        expect(await admin.locator('#alerts').textContent()).toBe('Safety alerts (1)');
        expect(await admin.locator('[role=alert]').textContent()).toContain('better off dead');
        await shot(admin, 'admin');
        await click(admin, 'Mark as seen');
        expect(await admin.locator('#alerts').textContent()).toBe('Safety alerts (0)');
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  }
});
