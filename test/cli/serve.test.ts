import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import { openStudy } from '../../src/cli/study-context.js';
import { describe, expect, it } from 'vitest';
import { demoStudy } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';
import { tempFolder } from '../helpers/study.js';
import { withFormats } from '../helpers/formats.js';

describe('empathy-lab plan and serve', async () => {
  const dir = await demoStudy();

  it('plan prints the raters needed and the balance they reach', async () => {
    const r = await cli('plan', dir, '--json');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    // 36 posts, 6 per rater, 5 raters per reply: 30 raters.
    expect(plan).toMatchObject({ design: 'within-post', posts: 36, responses: 72, ratersNeeded: 30 });
    expect(plan.balance.perResponse).toEqual({ min: 5, max: 5, mean: 5 });
    expect(plan.balance.perSource).toEqual([
      { source: 'eliza', responses: 36, ratings: 180 },
      { source: 'human', responses: 36, ratings: 180 },
    ]);
    const fewer = JSON.parse((await cli('plan', dir, '--raters', '12', '--json')).stdout);
    expect(fewer.balance.perResponse).toEqual({ min: 2, max: 2, mean: 2 });
    // The session length for the Prolific listing: 6 posts and 12 replies of median length, read at
    // 200-250 words per minute, 5 s per answer on 2 scales, 2 minutes of fixed pages.
    const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
    const median = (xs: number[]) => {
      const v = [...xs].sort((a, b) => a - b);
      return v.length % 2 ? (v[(v.length - 1) / 2] as number) : ((v[v.length / 2 - 1] as number) + (v[v.length / 2] as number)) / 2;
    };
    const opened = await openStudy(dir, {});
    const posts = await opened.store.db.selectFrom('posts').select(['title', 'text']).execute();
    const replies = await opened.store.db.selectFrom('responses').select('text').execute();
    await opened.store.close();
    const read = 6 * median(posts.map((p) => words(`${p.title ?? ''} ${p.text}`))) + 12 * median(replies.map((x) => words(x.text)));
    expect(plan.session).toEqual({
      wordsToRead: Math.round(read),
      repliesToRate: 12,
      minutes: Math.round(Math.round(read) / 225 + (12 * 2 * 5) / 60 + 2),
      fastMinutes: Math.round(Math.round(read) / 250 + (12 * 2 * 5) / 60 + 2),
      slowMinutes: Math.round(Math.round(read) / 200 + (12 * 2 * 5) / 60 + 2),
    });
    const text = await cli('plan', dir);
    expect(text.stdout).toContain(`median session: about ${plan.session.minutes} minutes`);
  });

  it('plan counts every item and pair in the session length', async () => {
    const formats = await demoStudy({ edit: withFormats });
    const plan = JSON.parse((await cli('plan', formats, '--json', '--no-power')).stdout);
    const base = JSON.parse((await cli('plan', dir, '--json')).stdout);
    // Each reply: 2 Likert scales, a slider and 3 items (6 answers, was 2); each post one pair (a 7th answer and its 2 replies skimmed, half their words).
    const replyWords = (plan.session.wordsToRead - base.session.wordsToRead) / 6;
    expect(replyWords).toBeGreaterThan(20);
    expect(plan.session.minutes).toBe(Math.max(1, Math.round(plan.session.wordsToRead / 225 + ((12 * 6 + 6) * 5) / 60 + 2)));
  });

  it('serve explains, in one line, a study without replies and a port in use', async () => {
    const empty = await tempFolder({ 'study.yaml': 'name: empty\ndomains: [a]\nsources: [{ id: human, kind: corpus }]\ninstrument: { scales: [{ id: empathy, question: How empathic?, points: 5 }] }\n' });
    const none = await cli('serve', empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`empathy-lab: ${empty}: the study has no replies to rate; import or generate replies first (empathy-lab import, empathy-lab generate)`);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const busy = await cli('serve', dir, '--port', String(port));
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(`empathy-lab: --port: port ${port} is in use; choose another port, e.g. --port 8081`);
    } finally {
      blocker.close();
    }
    expect((await cli('serve', dir, '--port', 'http')).stderr).toBe('empathy-lab: --port: expected a port number, got "http"; e.g. --port 8080');
  });

  it('serve refuses a typo in --trust-proxy and a consent file that is not there, in one line', async () => {
    expect((await cli('serve', dir, '--trust-proxy', 'yes')).stderr).toBe(
      'empathy-lab: --trust-proxy: expected the number of proxies in front of the app (1 to 10), got "yes"; e.g. --trust-proxy 1 behind one nginx or load balancer',
    );
    const file = path.join(dir, 'study.yaml');
    const yaml = await readFile(file, 'utf8');
    await writeFile(file, yaml.replace(/^instrument:\n/m, 'instrument:\n  consent_file: consnet.md\n'));
    try {
      const r = await cli('serve', dir, '--port', '0');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('empathy-lab: instrument.consent_file: cannot read consnet.md (ENOENT); check the path; it is relative to the study folder');
    } finally {
      await writeFile(file, yaml);
    }
  });
});
