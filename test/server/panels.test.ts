/**
 * Two panels in the rating app, on SQLite and Postgres: a crowd panel from Prolific and an expert
 * panel by a private link with one token per invitee. Each panel fills every reply to its own
 * target, independently; experts answer the panel's screening questions and get the panel's code;
 * a wrong token takes no place.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { appOn, completeStudy, demoStudy, Participant, type Page, type StudyApp } from '../helpers/app.js';

const TOKENS = Array.from({ length: 8 }, (_, i) => `invitee-token-${String(i).padStart(3, '0')}`);
const PANELS = `  panels:
    - { id: crowd, entry: prolific, target_ratings_per_response: 2 }
    - id: experts
      entry: link
      tokens_file: experts.txt
      completion_code: EXPERT01
      target_ratings_per_response: 1
      consent: "Consent for experts: you take part as a trained peer supporter."
      screening:
        - { id: years, question: How many years have you supported peers?, type: number, required: true }
`;
const edit = (y: string) => y.replace(/^recruitment:\n/m, `recruitment:\n${PANELS}`);

/** An invitee from the welcome-free link to the end; returns the pages. */
async function invitee(p: Participant, token: string): Promise<Page[]> {
  const pages: Page[] = [];
  let page = await p.get(`/?panel=experts&token=${token}`);
  for (let i = 0; i < 200 && page.title !== 'Thank you'; i++) {
    pages.push(page);
    if (page.status !== 200) throw new Error(`${page.status} on ${page.title}: ${page.html.slice(0, 300)}`);
    page = await p.next(page);
  }
  pages.push(page);
  return pages;
}

for (const backend of await backends()) {
  describe(`panels in the app (${backend.name})`, () => {
    let s: StudyApp;
    beforeAll(async () => {
      const study = (db?: string) => demoStudy({ edit, prepare: (d) => writeFile(path.join(d, 'experts.txt'), `# one line per invitee\n${TOKENS.join('\n')}\n`), ...(db ? { db } : {}) });
      s = await appOn(backend, study, { deps: { panelTokens: new Map([['experts', new Set(TOKENS)]]) } });
    });
    afterAll(() => s?.close());

    it('fills each panel to its own target: 12 crowd raters for 2 ratings per reply, 6 experts for 1', async () => {
      // 36 posts, 6 per rater: 6 raters give every reply one rating.
      for (let i = 0; i < 12; i++) {
        s.clock.advanceMinutes(1);
        const pages = await completeStudy(new Participant(s.app), `CROWD${i}`, undefined, `/?PROLIFIC_PID=CROWD${i}&STUDY_ID=study1&SESSION_ID=s${i}${i % 2 ? '&panel=crowd' : ''}`);
        expect(pages.at(-1)?.html).toContain('DEMO2026');
      }
      expect((await new Participant(s.app).get('/?PROLIFIC_PID=CROWDLATE&STUDY_ID=study1&SESSION_ID=late')).title).toBe('This study is full');
      for (let i = 0; i < 6; i++) {
        s.clock.advanceMinutes(1);
        const pages = await invitee(new Participant(s.app), TOKENS[i] as string);
        expect(pages[0]?.html).toContain('Consent for experts: you take part as a trained peer supporter.');
        expect(pages.some((p) => p.html.includes('How many years have you supported peers?'))).toBe(true);
        expect(pages.at(-1)?.html).toContain('EXPERT01');
      }
      expect((await new Participant(s.app).get(`/?panel=experts&token=${TOKENS[6]}`)).title).toBe('This study is full');
      const db = s.deps.db;
      const rows = await db
        .selectFrom('ratings as r')
        .innerJoin('participants as u', 'u.id', 'r.participant_id')
        .select(['u.panel as panel', 'r.response_id as response', 'u.attributes_json as attributes'])
        .where('r.scale', '=', 'empathy')
        .execute();
      const count = (panel: string) => {
        const m = new Map<string, number>();
        for (const r of rows) if (r.panel === panel) m.set(r.response, (m.get(r.response) ?? 0) + 1);
        return [...m.values()];
      };
      expect(count('crowd')).toEqual(Array(72).fill(2));
      expect(count('experts')).toEqual(Array(72).fill(1));
      expect(rows.filter((r) => r.panel === 'experts').every((r) => (JSON.parse(r.attributes) as { demographics?: { years?: number } }).demographics?.years === 34)).toBe(true);
      const counters = await db.selectFrom('panel_slot_counts').select(['panel', db.fn.sum<number>('assigned').as('n')]).groupBy('panel').orderBy('panel').execute();
      expect(counters.map((c) => [c.panel, Number(c.n)])).toEqual([
        ['crowd', 144],
        ['experts', 72],
      ]);
    });

    it('refuses a wrong token, a panel that does not exist and a Prolific link to the link panel, taking no place', async () => {
      const before = await s.deps.db.selectFrom('participants').select(s.deps.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect((await new Participant(s.app).get('/?panel=experts&token=not-a-real-token-123')).status).toBe(403);
      expect((await new Participant(s.app).get('/?panel=nurses&token=whatever-whatever')).status).toBe(400);
      expect((await new Participant(s.app).get('/?PROLIFIC_PID=X1&STUDY_ID=study1&SESSION_ID=x&panel=experts')).status).toBe(400);
      const after = await s.deps.db.selectFrom('participants').select(s.deps.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('an invitee who comes back with their token resumes their session instead of starting a second one', async () => {
      const p = new Participant(s.app);
      const first = await p.get(`/?panel=experts&token=${TOKENS[7]}`);
      // Full for experts by now, so the invitee is told so; either way the same token never makes two participants.
      const again = await new Participant(s.app).get(`/?panel=experts&token=${TOKENS[7]}`);
      expect(again.title).toBe(first.title);
      const n = await s.deps.db.selectFrom('participants').select(s.deps.db.fn.countAll<number>().as('n')).where('panel', '=', 'experts').executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(6);
    });
  });
}
