/**
 * The rating app under test: the demo study (or an edited copy) on SQLite or Postgres, an app made
 * by `createApp` with a clock the test moves, and a cookie-keeping client that fills in pages the
 * way a participant would, all through `app.request()` (no socket).
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Hono } from 'hono';
import { packageRoot } from '../../src/paths.js';
import { openStudy, type OpenStudy } from '../../src/cli/study-context.js';
import { createApp, type AppDeps } from '../../src/server/app.js';
import { loadContent } from '../../src/server/content.js';
import { cli } from './cli.js';
import { createPgDatabase } from './backends.js';
import { tempFolder } from './study.js';

export interface Clock {
  now: Date;
  advanceMinutes(m: number): void;
}

export interface StudyApp {
  readonly app: Hono;
  readonly deps: AppDeps;
  readonly opened: OpenStudy;
  readonly clock: Clock;
  readonly dir: string;
  close(): Promise<void>;
}

/** The demo study (36 posts, human and eliza replies), its manifest edited by `edit`. */
/** The demo's manifest without its variant arm (human-plain), its panels, its ordinal model and its pairwise scale: two sources, human and eliza, one pool of raters, two Likert scales. */
export const withoutArm = (yaml: string): string => {
  const out = yaml
    .replace(/^ {2}- id: human-plain\n(?: {4}.*\n)+/m, '')
    .replace(/^ {2}# Two panels[\s\S]*?^ {2}panels:\n(?: {4}.*\n)+/m, '')
    .replace(/^ {2}models: \[lmm, clmm\].*\n/m, '')
    .replace(/^ {4}# A second format[^\n]*\n {4}- id: which\n(?: {6}.*\n)+/m, '');
  if (out === yaml || out.includes('human-plain') || out.includes('panels:') || out.includes('clmm') || out.includes('type: pairwise')) throw new Error('the demo manifest has no human-plain arm, panels, ordinal model or pairwise scale to remove');
  return out;
};

/**
 * The demo study, imported and generated (demo --no-panel). Without `arms`, the manifest's variant
 * arm, panels and ordinal model are removed first, so a study has the two sources and the one model
 * most tests are written for.
 */
export async function demoStudy(options: { edit?: (yaml: string) => string; prepare?: (dir: string) => Promise<void>; db?: string; arms?: boolean; at?: string } = {}): Promise<string> {
  const dir = options.at ?? path.join(await tempFolder({}), 'study');
  await cp(path.join(packageRoot, 'examples', 'demo'), dir, { recursive: true, filter: (src) => !/\.sqlite(-wal|-shm)?$/.test(src) });
  await options.prepare?.(dir);
  const file = path.join(dir, 'study.yaml');
  const base = await readFile(file, 'utf8');
  const edited = options.edit ? options.edit(options.arms ? base : withoutArm(base)) : options.arms ? base : withoutArm(base);
  if (edited !== base) await writeFile(file, edited);
  const r = await cli('demo', '--out', dir, '--no-panel', ...(options.db ? ['--db', options.db] : []));
  if (r.code !== 0) throw new Error(r.stderr);
  return dir;
}

export async function studyApp(dir: string, options: { db?: string; entryPerMinute?: number; adminToken?: string; deps?: Partial<AppDeps> } = {}): Promise<StudyApp> {
  const opened = await openStudy(dir, options.db ? { db: options.db } : {}, { field: true });
  const clock: Clock = {
    now: new Date('2026-11-22T09:00:00Z'),
    advanceMinutes(m) {
      this.now = new Date(this.now.getTime() + m * 60_000);
    },
  };
  const deps: AppDeps = {
    db: opened.store.db,
    studyId: opened.row.id,
    contentHash: opened.hashes.content,
    study: opened.loaded.study,
    content: await loadContent(opened.store.db, opened.row.id),
    now: () => clock.now,
    lockStudy: opened.store.lockStudy,
    ping: opened.store.ping,
    secret: 'test-secret',
    adminToken: options.adminToken ?? 'admin-token-for-tests',
    entryPerMinute: options.entryPerMinute ?? 1_000_000,
    clientIp: (c) => c.req.header('x-test-ip') ?? 'test',
    ...options.deps,
  };
  return { app: createApp(deps), deps, opened, clock, dir, close: () => opened.store.close() };
}

export interface Page {
  readonly status: number;
  readonly html: string;
  readonly headers: Headers;
  /** The page's <title> up to " · ". */
  readonly title: string;
}

/** What a participant talks to: an app (`app.request`) or a running server over HTTP. */
export interface Requester {
  request(url: string, init: RequestInit): Response | Promise<Response>;
}

/** A running server at `base`, redirects not followed (the participant follows them). */
/** A requester over HTTP; with `timeoutMs`, a request that takes longer fails (an AbortError) instead of hanging. */
export const overHttp = (base: string, timeoutMs?: number): Requester => ({
  request: (url, init) => fetch(new URL(url, base), { ...init, redirect: 'manual', ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}) }),
});

/** A participant's browser: keeps cookies, follows redirects, fills in the current page. */
export class Participant {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly app: Requester,
    private readonly ip = 'test',
  ) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>, follow = true): Promise<Page> {
    const headers: Record<string, string> = { 'x-test-ip': this.ip };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await this.app.request(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = (pair as string).split('=');
      if (/Max-Age=0/i.test(c) || v === '') this.cookies.delete(k as string);
      else this.cookies.set(k as string, v as string);
    }
    const location = res.headers.get('location');
    if (follow && location && res.status >= 300 && res.status < 400) return this.request('GET', location);
    const html = await res.text();
    return { status: res.status, html, headers: res.headers, title: /<title>([^<·]*)/.exec(html)?.[1]?.trim() ?? '' };
  }

  get(url: string): Promise<Page> {
    return this.request('GET', url);
  }

  /** Submits a form as given (following the redirect). */
  post(url: string, form: Record<string, string>): Promise<Page> {
    return this.request('POST', url, form);
  }

  /** The hidden fields and the first option of every question of the page's step form. */
  static answers(html: string, choose: (name: string, options: string[]) => string = (_, o) => o[0] as string): Record<string, string> {
    const form = /<form method="post" action="\/study"[\s\S]*?<\/form>/.exec(html)?.[0];
    if (!form) throw new Error(`no step form on the page: ${html.slice(0, 300)}`);
    const fields: Record<string, string> = {};
    for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1] as string] = m[2] as string;
    const radios = new Map<string, string[]>();
    for (const m of form.matchAll(/<input type="radio" name="([^"]+)" value="([^"]*)"/g)) (radios.get(m[1] as string) ?? radios.set(m[1] as string, []).get(m[1] as string))?.push(unescape(m[2] as string));
    for (const [name, options] of radios) fields[name] = choose(name, options);
    for (const m of form.matchAll(/<input id="([^"]+)" name="([^"]+)" type="number"/g)) fields[m[2] as string] = '34';
    // A slider's answer box (what the page's script fills from the slider).
    for (const m of form.matchAll(/<input type="number" name="([^"]+)" min="0" max="100"/g)) fields[m[1] as string] = choose(m[1] as string, SLIDER_OPTIONS);
    return fields;
  }

  /** Answers the current page and submits it (the consent page: yes). */
  async next(page: Page, choose?: (name: string, options: string[]) => string, override: Record<string, string> = {}): Promise<Page> {
    const fields = Participant.answers(page.html, (name, options) => (name === 'consent' ? 'yes' : choose ? choose(name, options) : (options[0] as string)));
    return this.request('POST', '/study', { ...fields, ...override });
  }
}

/** What `choose` is offered for a slider: a few of its values (its answer is any whole number 0..100). */
export const SLIDER_OPTIONS = ['0', '25', '50', '75', '100'];

function unescape(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Runs a participant from entry to the completion page; returns the pages seen. */
export async function completeStudy(p: Participant, pid: string, choose?: (name: string, options: string[]) => string, entry = `/?PROLIFIC_PID=${pid}&STUDY_ID=study1&SESSION_ID=session-${pid}`): Promise<Page[]> {
  const pages: Page[] = [];
  let page = await p.get(entry);
  for (let i = 0; i < 200 && page.title !== 'Thank you'; i++) {
    pages.push(page);
    if (page.status !== 200) throw new Error(`${page.status} on ${page.title}: ${page.html.slice(0, 500)}`);
    page = await p.next(page, choose);
  }
  pages.push(page);
  return pages;
}

/** A comprehension check (two attempts) and free text, to splice in after `instrument:` of the demo's manifest. */
export const COMPREHENSION = `  comprehension:
    question: What will you rate?
    options: [How long each reply is, How appropriate and how empathic each reply is]
    answer: How appropriate and how empathic each reply is
    attempts: 2
  free_text: true
`;

/** Answers the demo's checks right (comprehension, attention) and every scale with its 4th point. */
export const correctAnswers = (name: string, options: string[]): string =>
  name === 'answer' ? (options.find((o) => o.startsWith('How appropriate') || o === 'Somewhat appropriate') ?? (options[0] as string)) : (options[3] ?? (options[0] as string));

/**
 * The rating app on a study, on SQLite or on a fresh Postgres database (dropped by `close`): the
 * set-up of the tests that run on both backends.
 */
export async function appOn(backend: { name: 'sqlite' | 'postgres' }, study: (db?: string) => Promise<string>, options: Parameters<typeof studyApp>[1] = {}): Promise<StudyApp> {
  let db: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  if (backend.name === 'postgres') {
    const created = await createPgDatabase();
    db = created.url;
    drop = created.drop;
  }
  const s = await studyApp(await study(db), { ...options, ...(db ? { db } : {}) });
  return {
    ...s,
    close: async () => {
      await s.close();
      await drop?.();
    },
  };
}
