import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type OpenedDb } from '../../src/cli/open-db.js';
import { demoStudy } from '../helpers/app.js';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { withFormats } from '../helpers/formats.js';

const run = chromiumAvailable();

describe.runIf(run)('rating formats in Chromium', () => {
  let server: ServerProcess;
  let store: OpenedDb;
  beforeAll(async () => {
    const dir = await demoStudy({ edit: withFormats });
    server = await startServer(dir, []);
    store = await openDb(undefined, dir);
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
    it(`a slider with no default, items and a pair of replies, by keyboard (${name})`, async () => {
      const browser = await launchChromium();
      const pid = `FORMATS${name.toUpperCase()}`;
      try {
        const page = await (await browser.newContext({ viewport })).newPage();
        const problems: string[] = [];
        page.on('pageerror', (e) => void problems.push(String(e)));
        page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
        const submit = () => Promise.all([page.waitForEvent('load'), page.locator('form[data-step] button[type=submit]').click()]);
        await page.goto(`${server.base}/?PROLIFIC_PID=${pid}&STUDY_ID=s1&SESSION_ID=x1`);
        await page.getByLabel('Yes, I agree to take part').check();
        await submit();
        expect(await page.locator('main').textContent()).toContain('How warm does this reply feel? (a slider from 0 to 100)');
        await submit();
        await submit(); // the post
        expect(await page.title()).toMatch(/^Reply 1 of 2/);
        const slider = page.locator('input[type=range]');
        const box = page.locator('input[name="scale_warmth"]');
        // No default position: the marker is hidden and the answer empty until the rater sets it.
        expect(await slider.isVisible()).toBe(true);
        expect(await box.isVisible()).toBe(false);
        expect(await slider.getAttribute('class')).toBe('untouched');
        expect(await box.inputValue()).toBe('');
        await page.locator('body').press('4');
        await page.locator('body').press('5');
        for (const k of ['2', '2', '4']) await page.locator('body').press(k);
        // Submitting without the slider keeps the page and points at it.
        await page.locator('form[data-step] button[type=submit]').click();
        expect(await page.title()).toMatch(/^Reply 1 of 2/);
        expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('type') ?? null")).toBe('range');
        await slider.press('End');
        for (let i = 0; i < 3; i++) await slider.press('ArrowLeft');
        expect(await box.inputValue()).toBe('97');
        expect(await slider.getAttribute('class')).toBe('');
        await page.screenshot({ path: path.join(SCREENSHOTS, `formats-reply-${name}.png`), fullPage: true });
        await submit();
        // The second reply with the mouse: a click on the track sets the slider where it lands.
        await slider.scrollIntoViewIfNeeded();
        const track = await slider.boundingBox();
        if (!track) throw new Error('no slider on the page');
        await page.mouse.click(track.x + track.width * 0.25, track.y + track.height / 2);
        expect(Number(await box.inputValue())).toBeGreaterThan(15);
        expect(Number(await box.inputValue())).toBeLessThan(35);
        for (const k of ['3', '3', '3', '3', '3']) await page.locator('body').press(k);
        await submit();
        expect(await page.title()).toMatch(/^Pair 1 of 1/);
        const [a, b] = await page.locator('.pair .card').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, top: r.top, bottom: r.bottom })));
        // Side by side on a desktop, A above B on a phone.
        if (name === 'desktop') expect((b as { left: number }).left).toBeGreaterThan((a as { left: number }).left + 100);
        else expect((b as { top: number }).top).toBeGreaterThanOrEqual((a as { bottom: number }).bottom);
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        await page.locator('body').press('3'); // "Reply B, slightly"
        await page.screenshot({ path: path.join(SCREENSHOTS, `formats-pair-${name}.png`), fullPage: true });
        await submit();
        const person = await store.db.selectFrom('participants').select('id').where('external_id', '=', pid).executeTakeFirstOrThrow();
        const warmth = await store.db.selectFrom('ratings').select(['value']).where('participant_id', '=', person.id).where('scale', '=', 'warmth').orderBy('created_at').execute();
        expect(warmth[0]?.value).toBe(97);
        const items = await store.db.selectFrom('ratings').select(['scale', 'value']).where('participant_id', '=', person.id).where('scale', 'like', 'mie.%').execute();
        expect(items).toHaveLength(6);
        const choice = await store.db.selectFrom('choices').select(['value']).where('participant_id', '=', person.id).executeTakeFirstOrThrow();
        expect(choice.value).toBe(1);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 60_000);
  }
});
