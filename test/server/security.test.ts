import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/server/app.js';
import { clientAddress, CONTENT_SECURITY_POLICY, neutraliseCell } from '../../src/server/security.js';
import { demoStudy, Participant, studyApp, type StudyApp } from '../helpers/app.js';

const PAYLOAD = '<script>alert("owned")</script><img src=x onerror=alert(1)>';

/** One post whose human reply carries a script payload, plus the eliza reply. */
function payloadStudy(): Promise<string> {
  return demoStudy({
    prepare: async (dir) => {
      const file = path.join(dir, 'corpus/human-replies.csv');
      const lines = (await readFile(file, 'utf8')).split('\n');
      // The first reply becomes the payload (quoted for CSV).
      lines[1] = (lines[1] as string).replace(/^([^,]+),("[^"]*"|[^,]*)/, (_, id) => `${id},"${PAYLOAD.replace(/"/g, '""')} Hang in there."`);
      await writeFile(file, lines.join('\n'));
    },
    // Every rater sees every post, so the test participant meets the payload.
    edit: (yaml) => yaml.replace('posts_per_rater: 6', 'posts_per_rater: 36'),
  });
}

describe('client addresses behind proxies, and spreadsheet cells', () => {
  it('takes the N-th X-Forwarded-For entry from the right, never the client-set left-most one', () => {
    expect(clientAddress('6.6.6.6, 203.0.113.7', 1, '10.0.0.1')).toBe('203.0.113.7');
    expect(clientAddress('6.6.6.6, 203.0.113.7, 10.0.0.2', 2, '10.0.0.1')).toBe('203.0.113.7');
    expect(clientAddress('6.6.6.6, 203.0.113.7', 0, '10.0.0.1')).toBe('10.0.0.1');
    // Fewer entries than proxies: the request did not come through them.
    expect(clientAddress('203.0.113.7', 2, '10.0.0.1')).toBe('10.0.0.1');
    expect(clientAddress(undefined, 1, '10.0.0.1')).toBe('10.0.0.1');
  });

  it("prefixes cells a spreadsheet would run (OWASP), and leaves numbers and text alone", () => {
    for (const bad of ["=cmd|' /C calc'!A0", '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseCell(bad)).toBe(`'${bad}`);
    expect(neutraliseCell(-0.5)).toBe(-0.5);
    expect(neutraliseCell('Quite empathic')).toBe('Quite empathic');
  });
});

describe('rating app security', () => {
  let s: StudyApp;
  beforeAll(async () => {
    s = await studyApp(await payloadStudy(), { entryPerMinute: 3 });
  });
  afterAll(async () => s?.close());

  it('shows a reply containing <script> as text, and never names a reply\'s source or id', async () => {
    const p = new Participant(s.app, 'escape');
    let page = await p.get('/?PROLIFIC_PID=ESC1');
    const seen: string[] = [];
    while (page.title !== 'Thank you' && seen.length < 200) {
      seen.push(page.html);
      page = await p.next(page);
    }
    const all = seen.join('\n');
    const payloadPage = seen.find((h) => h.includes('Hang in there.')) as string;
    expect(payloadPage).toBeDefined();
    expect(payloadPage).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(payloadPage).not.toContain('<script>alert');
    expect(payloadPage).not.toContain('<img src=x');
    // The only script is the app's own file.
    for (const h of seen) expect([...h.matchAll(/<script/g)]).toHaveLength(1);
    // Neither the sources' names (eliza; "human" occurs in the posts' own words) nor provenance.
    expect(all).not.toMatch(/eliza|imported|provider|source=|data-source/i);
    for (const id of s.deps.content.responses.keys()) expect(all).not.toContain(id);
  });

  it('sends a Content-Security-Policy and safe cookies, and refuses forms without their CSRF token', async () => {
    const p = new Participant(s.app, 'csrf');
    const res = await s.app.request('/?PROLIFIC_PID=CSRF1', { headers: { 'x-test-ip': 'csrf' } });
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const cookie = res.headers.getSetCookie()[0] as string;
    expect(cookie).toMatch(/^el_session=[\w-]{32}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    p.cookies.set('el_session', (cookie.split(';')[0] as string).split('=')[1] as string);
    const consent = await p.get('/study');
    const fields: Record<string, string> = { ...Participant.answers(consent.html), consent: 'yes' };
    for (const csrf of [undefined, 'forged', (fields.csrf as string).slice(1)]) {
      const { csrf: _, ...rest } = fields;
      const r = await p.request('POST', '/study', csrf === undefined ? rest : { ...rest, csrf });
      expect(r.status).toBe(403);
    }
    expect((await p.get('/study')).title).toBe('Consent');
    // Another participant's token does not work with this participant's cookie.
    const other = new Participant(s.app, 'csrf2');
    await other.get('/?PROLIFIC_PID=CSRF2');
    expect((await other.request('POST', '/study', fields)).status).toBe(403);
    // The anonymous start needs its pre-session cookie and token too.
    expect((await new Participant(s.app, 'csrf3').request('POST', '/start', { csrf: 'x' })).status).toBe(403);
  });

  it('limits request size and the rate of arrivals from one address, without a stack trace', async () => {
    const p = new Participant(s.app, 'big');
    const consent = await p.get('/?PROLIFIC_PID=BIG1');
    const r = await p.request('POST', '/study', { ...Participant.answers(consent.html), consent: 'yes', comment: 'x'.repeat(MAX_BODY_BYTES) });
    expect(r.status).toBe(413);
    expect((await p.get('/study')).title).toBe('Consent');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await new Participant(s.app, 'one-network').get(`/?PROLIFIC_PID=RATE${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    s.clock.advanceMinutes(1);
    expect((await new Participant(s.app, 'one-network').get('/?PROLIFIC_PID=RATE9')).status).toBe(200);
  });

  it('behind --trust-proxy, limits arrivals by the proxy-seen address, so a forged X-Forwarded-For does not help', async () => {
    const proxied = await studyApp(s.dir, { entryPerMinute: 2, deps: { clientIp: undefined, trustProxy: 1 } });
    try {
      const arrive = (pid: string, xff: string, proto?: string) => proxied.app.request(`/?PROLIFIC_PID=${pid}`, { headers: { 'x-forwarded-for': xff, ...(proto ? { 'x-forwarded-proto': proto } : {}) } });
      // One client forging a new left-most address each time is still one client.
      expect((await arrive('PX1', '1.1.1.1, 198.51.100.9')).status).toBe(303);
      expect((await arrive('PX2', '2.2.2.2, 198.51.100.9')).status).toBe(303);
      expect((await arrive('PX3', '3.3.3.3, 198.51.100.9')).status).toBe(429);
      // Another client behind the same proxy has its own limit.
      expect((await arrive('PX4', '198.51.100.10')).status).toBe(303);
      const https = await arrive('PX5', '198.51.100.11', 'https');
      expect(https.headers.getSetCookie()[0]).toContain('Secure');
      expect(https.headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await proxied.close();
    }
    // Without trusted proxies, X-Forwarded-Proto is not believed.
    const direct = await s.app.request('/?PROLIFIC_PID=PX6', { headers: { 'x-forwarded-proto': 'https', 'x-test-ip': 'px6' } });
    expect(direct.headers.getSetCookie()[0]).not.toContain('Secure');
    expect(direct.headers.get('strict-transport-security')).toBeNull();
  });

  it('answers an internal error with a 500 page and an error id, never the error', async () => {
    const lines: string[] = [];
    const broken = await studyApp(s.dir, {
      deps: {
        lockStudy: async () => {
          throw new Error('database password is hunter2 at /srv/secret.ts:12');
        },
        log: (l) => void lines.push(l),
      },
    });
    try {
      const r = await new Participant(broken.app).get('/?PROLIFIC_PID=ERR1');
      expect(r.status).toBe(500);
      expect(r.html).toMatch(/Error [0-9a-f]{8}/);
      expect(r.html).not.toMatch(/hunter2|secret\.ts|at /);
      expect(lines.join('\n')).toContain('hunter2');
      // A damaged Prolific link is a 400 with a plain message.
      const bad = await new Participant(broken.app).get('/?PROLIFIC_PID=%3Cscript%3E');
      expect(bad.status).toBe(400);
    } finally {
      await broken.close();
    }
  });

  it('keeps /admin behind the token; a participant cannot reach it', async () => {
    const anon = new Participant(s.app, 'admin');
    const login = await anon.get('/admin');
    expect(login.title).toBe('Admin');
    expect(login.html).toContain('Researcher sign-in');
    for (const url of ['/admin/ratings.csv', '/admin/ratings.jsonl']) expect((await anon.get(url)).status).toBe(401);
    const participant = new Participant(s.app, 'admin2');
    await participant.get('/?PROLIFIC_PID=ADM1');
    expect((await participant.get('/admin/ratings.csv')).status).toBe(401);
    expect((await s.app.request('/admin/ratings.csv', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    // The sign-in form: a wrong token fails, the right one opens the dashboard.
    const csrf = /name="csrf" value="([^"]+)"/.exec(login.html)?.[1] as string;
    expect((await anon.request('POST', '/admin/login', { csrf, token: 'nope' })).status).toBe(401);
    const dash = await anon.request('POST', '/admin/login', { csrf, token: 'admin-token-for-tests' });
    expect(dash.status).toBe(200);
    expect(dash.html).toContain('Ratings per response');
    expect(anon.cookies.get('el_admin')).toBeDefined();
    // No per-source results while collecting: counts by source and domain, never a mean or a value.
    expect(dash.html.split('</h1>')[1]).not.toMatch(/mean|average|appropriateness|empathy/i);
    const csv = await s.app.request('/admin/ratings.csv', { headers: { authorization: 'Bearer admin-token-for-tests' } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n')[0]).toBe('rater,rater_origin,rater_status,prolific_study_id,prolific_session_id,started_at,completed_at,total_seconds,attention_failures,post,domain,response,source,condition,scale,value,rt_ms,origin,rated_at,demographic_age,demographic_gender');
  });
});
