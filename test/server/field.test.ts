/**
 * The field study through `app.request()`, on SQLite and Postgres: a seeker's post is screened,
 * redacted and randomised, answered in each arm (a supporter alone, a supporter editing the draft,
 * the model alone), rated and followed up; a post that signals risk never reaches a supporter or
 * the model and shows the crisis resources; a supporter's flag does the same and alerts the team;
 * and a model-arm reply is never sent without `unreviewed_model_replies: true`.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldDrafter } from '../../src/cli/field-draft.js';
import { writeNewStudy } from '../../src/cli/init.js';
import { parseVerdict, type Drafter } from '../../src/server/field-flow.js';
import type { UserError } from '../../src/errors.js';
import { parseStudy } from '../../src/study/load.js';
import { appOn, Participant, type Page, type StudyApp } from '../helpers/app.js';
import { backends } from '../helpers/backends.js';
import { tempFolder } from '../helpers/study.js';

const SUPPORTERS = ['supporter-token-aaaa01', 'supporter-token-bbbb02'];
const csrfOf = (page: Page) => /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
const decode = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** The template of `init --type field`, with all three arms (one block of three per domain) and the model arm allowed. */
async function fieldStudy(): Promise<string> {
  const dir = path.join(await tempFolder({}), 'field');
  await writeNewStudy(dir, 'field-test', 'field');
  const file = path.join(dir, 'study.yaml');
  const yaml = (await readFile(file, 'utf8'))
    .replace('arms: [human, assisted]', 'arms: [human, assisted, model]')
    .replace('unreviewed_model_replies: false', 'unreviewed_model_replies: true')
    .replace('block_size: 4', 'block_size: 3');
  await writeFile(file, yaml);
  await writeFile(path.join(dir, 'supporters.txt'), `${SUPPORTERS.join('\n')}\n`);
  return dir;
}

const POSTS = [
  'My name is Anna and I live in Leeds. My manager keeps changing my deadlines and I stay late every night to keep up. I feel tired and I do not know how to say no to her without losing my job.',
  'I have an exam next week and I cannot focus at all. Every time I sit down to study my mind wanders and I end up scrolling my phone for hours. I am worried I will fail again this time.',
  'My team lead criticised my report in front of everyone today. I worked hard on it and now I feel embarrassed and angry, and I do not want to go back to the office tomorrow morning.',
];
const RISK = 'Everything is going wrong at work and at home and honestly I want to kill myself. I do not see any way out of this and nobody would notice if I was gone, I think about it every day now.';

/** A seeker from the link to their post: consent, the writing page, the pre-measure. Returns the page after sending and their link's token. */
async function seek(s: StudyApp, ip: string, text: string, country = 'GB', domain = 'work'): Promise<{ page: Page; token: string; p: Participant }> {
  const p = new Participant(s.app, ip);
  const consent = await p.get('/');
  expect(consent.title).toBe('Consent');
  const write = await p.post('/consent', { csrf: csrfOf(consent), consent: 'yes' });
  expect(write.title).toBe('Your post');
  const page = await p.post('/write', { csrf: csrfOf(write), domain, text, country, 'scale_m-feeling': '30', 'scale_m-intensity': '4' });
  return { page, token: p.cookies.get('el_seeker') as string, p };
}

for (const backend of await backends()) {
  describe(`the field study on ${backend.name}`, () => {
    let s: StudyApp;
    const drafted: string[] = [];
    beforeAll(async () => {
      const dir = await fieldStudy();
      s = await appOn(backend, async () => dir, {});
      const real = (await fieldDrafter(s.deps.study, dir, s.deps.db)) as Drafter;
      // The app as serve builds it, with the supporters' tokens and the draft source (eliza, offline), counting the drafts made.
      s = await appOn(backend, async () => dir, {
        deps: {
          supporterTokens: new Set(SUPPORTERS),
          draft: async (post) => {
            drafted.push(post.text);
            return real(post);
          },
        },
      });
    });
    afterAll(async () => s?.close());

    it('screens out a post that signals risk: the seeker sees the crisis resources, nobody else sees the post, the team is alerted', async () => {
      const { page } = await seek(s, '10.0.0.1', RISK, 'GB');
      expect(page.title).toBe('Support is available now');
      expect(page.html).toContain('Samaritans');
      expect(page.html).toContain('call 116 123');
      const db = s.deps.db;
      const post = await db.selectFrom('field_posts').selectAll().where('status', '=', 'screened_out').executeTakeFirstOrThrow();
      expect(post.arm).toBeNull();
      expect(post.draft_text).toBeNull();
      const log = await db.selectFrom('field_safety').selectAll().where('post_id', '=', post.id).execute();
      expect(log.map((x) => [x.rule, x.kind, x.detail])).toEqual([['lexicon', 'self_harm', 'kill myself']]);
      expect(drafted).toEqual([]);
      // The supporters' queue does not list it; opening it by id is refused.
      const sup = new Participant(s.app, '10.9.0.1');
      const queue = await sup.get(`/supporter?token=${SUPPORTERS[0]}`);
      expect(queue.title).toBe('Posts waiting for a reply');
      expect(queue.html).not.toContain(post.id);
      expect(queue.html).toContain('No post is waiting right now.');
      // The dashboard shows the alert until it is marked seen.
      const admin = await s.app.request('/admin', { headers: { authorization: 'Bearer admin-token-for-tests' } });
      const html = await admin.text();
      expect(html).toContain('Safety alerts (1)');
      expect(html).toContain('kill myself');
    });

    it('redacts, randomises each post by domain, and answers it in its arm: the model at once, a supporter with or without the draft', async () => {
      const seekers = [];
      for (const [i, text] of POSTS.entries()) seekers.push(await seek(s, `10.0.1.${i}`, text));
      const db = s.deps.db;
      const posts = await db.selectFrom('field_posts').selectAll().where('status', '!=', 'screened_out').orderBy('block_index').execute();
      // One block of three in the work domain: each arm once.
      expect(posts.map((p) => p.block_index)).toEqual([0, 1, 2]);
      expect(posts.map((p) => p.arm).sort()).toEqual(['assisted', 'human', 'model']);
      // Personal information is gone before anyone (a supporter, the model) sees the post.
      const first = posts.find((p) => p.text.includes('deadlines')) as (typeof posts)[number];
      expect(first.text).toContain('My name is [NAME] and I live in [PLACE].');
      expect(first.redactions).toBe(2);
      expect(JSON.stringify(await db.selectFrom('field_posts').select('text').execute())).not.toMatch(/Anna|Leeds/);
      expect(drafted.join(' ')).not.toMatch(/Anna|Leeds/);

      // The model arm's reply was sent at once, with no supporter, and is what its seeker reads.
      const model = posts.find((p) => p.arm === 'model') as (typeof posts)[number];
      const modelReply = await db.selectFrom('field_replies').selectAll().where('post_id', '=', model.id).executeTakeFirstOrThrow();
      expect(modelReply.supporter).toBeNull();
      expect(modelReply.draft_text).toBe(modelReply.text);
      expect(modelReply.edit_distance).toBe(0);

      const sup = new Participant(s.app, '10.9.0.2');
      let queue = await sup.get(`/supporter?token=${SUPPORTERS[1]}`);
      expect(queue.html).not.toContain(model.id);
      // The assisted post opens with the model's draft in the box; the supporter edits it.
      const assisted = posts.find((p) => p.arm === 'assisted') as (typeof posts)[number];
      let page = await sup.post('/supporter/open', { csrf: csrfOf(queue), post: assisted.id });
      expect(page.title).toBe('Reply to a post');
      expect(page.html).toContain('An AI language model wrote this draft');
      const stored = await db.selectFrom('field_posts').select(['draft_text', 'draft_json']).where('id', '=', assisted.id).executeTakeFirstOrThrow();
      expect(decode(page.html)).toContain(stored.draft_text as string);
      expect(JSON.parse(stored.draft_json as string)).toMatchObject({ source: 'drafter', provider: 'eliza', model: 'eliza-1966', prompt: 'prompts/draft.md' });
      const edited = `${stored.draft_text as string} I am here with you, and you do not have to sort this out alone.`;
      page = await sup.post(`/supporter/post/${assisted.id}`, { csrf: csrfOf(page), action: 'send', reply: edited });
      expect(page.html).toContain('Your reply has been sent');
      const reply = await db.selectFrom('field_replies').selectAll().where('post_id', '=', assisted.id).executeTakeFirstOrThrow();
      expect(reply.draft_text).toBe(stored.draft_text);
      expect(reply.text).toBe(edited);
      expect(reply.edit_distance).toBe(15);
      expect(reply.edit_share).toBeCloseTo(15 / edited.split(/\s+/).length, 2);
      expect(reply.supporter).toMatch(/^sup-[0-9a-f]{16}$/);

      // The human post has no draft; a too-short reply is not sent.
      const human = posts.find((p) => p.arm === 'human') as (typeof posts)[number];
      queue = await sup.get('/supporter/queue');
      page = await sup.post('/supporter/open', { csrf: csrfOf(queue), post: human.id });
      expect(page.html).not.toContain('An AI language model wrote this draft');
      const short = await sup.post(`/supporter/post/${human.id}`, { csrf: csrfOf(page), action: 'send', reply: 'That sounds hard.' });
      expect(short.status).toBe(422);
      expect(short.html).toContain('Please write at least 10 words');
      const words = 'That sounds really hard, and it makes sense that you feel embarrassed and angry after today. What would help most tomorrow?';
      page = await sup.post(`/supporter/post/${human.id}`, { csrf: csrfOf(short), action: 'send', reply: words });
      const humanReply = await db.selectFrom('field_replies').selectAll().where('post_id', '=', human.id).executeTakeFirstOrThrow();
      expect([humanReply.draft_text, humanReply.edit_distance, humanReply.text]).toEqual([null, null, words]);
      expect(drafted).toHaveLength(2);

      // Each seeker reads their reply (never the arm), rates it and answers the post-measure, once.
      for (const seeker of seekers) {
        let p = await seeker.p.get(`/s/${seeker.token}`);
        expect(p.title).toBe('Your reply');
        expect(p.html).not.toMatch(/assisted|AI language model|peer supporter who/);
        const form = { csrf: csrfOf(p), phase: 'rating', scale_empathy: '4', scale_heard: '5', scale_helpful: '4', 'scale_m-feeling': '60', 'scale_m-intensity': '2' };
        const missing = await seeker.p.post(`/s/${seeker.token}`, { ...form, scale_heard: '' });
        expect(missing.status).toBe(422);
        p = await seeker.p.post(`/s/${seeker.token}`, form);
        expect(p.title).toBe('Thank you');
        expect(p.html).toContain('on or after 2026-11-29');
        // The back button and a second submit change nothing.
        await seeker.p.post(`/s/${seeker.token}`, form);
      }
      const measures = await db.selectFrom('field_measures').select(['phase', 'item', 'value']).where('phase', 'in', ['rating', 'post']).execute();
      expect(measures).toHaveLength(3 * 5);
      expect(measures.filter((m) => m.item === 'feeling').map((m) => Number(m.value))).toEqual([60, 60, 60]);

      // The follow-up opens seven days after the rating, by the same link; then the debrief names the arm.
      s.clock.advanceMinutes(7 * 24 * 60);
      const seeker = seekers[0] as (typeof seekers)[number];
      let p = await seeker.p.get(`/s/${seeker.token}`);
      expect(p.title).toBe('Two last questions');
      p = await seeker.p.post(`/s/${seeker.token}`, { csrf: csrfOf(p), phase: 'follow_up', 'scale_m-feeling': '70', 'scale_m-intensity': '2' });
      expect(p.title).toBe('Thank you for taking part');
      const mine = await db.selectFrom('field_posts').selectAll().where('seeker_hash', 'is not', null).where('followed_up_at', 'is not', null).executeTakeFirstOrThrow();
      expect(mine.status).toBe('followed_up');
      expect(p.html).toContain({ human: 'written by a peer supporter on their own', assisted: 'started from a draft written by an AI', model: 'sent without a person reading it first' }[mine.arm as string]);
      const follow = await db.selectFrom('field_measures').select(['item', 'value']).where('post_id', '=', mine.id).where('phase', '=', 'follow_up').orderBy('item').execute();
      expect(follow.map((m) => [m.item, Number(m.value)])).toEqual([['feeling', 70], ['intensity', 2]]);

      // The download leaves the free text out unless asked.
      const csv = await (await s.app.request('/admin/field-posts.csv', { headers: { authorization: 'Bearer admin-token-for-tests' } })).text();
      expect(csv.split('\n')[0]).toContain('edit_distance');
      expect(csv).not.toContain('deadlines');
      const full = await (await s.app.request('/admin/field-posts.csv?text=1', { headers: { authorization: 'Bearer admin-token-for-tests' } })).text();
      expect(full).toContain('deadlines');
    });

    it('a supporter who flags a post takes it out of the queue for good; its seeker sees the resources; the team is alerted', async () => {
      const { token, p } = await seek(s, '10.0.2.1', 'My partner has been shouting at me for weeks and I feel scared in my own flat, I do not know who to talk to about it or what I should do next.', 'US', 'relationships');
      const db = s.deps.db;
      const post = await db.selectFrom('field_posts').selectAll().where('domain', '=', 'relationships').executeTakeFirstOrThrow();
      expect(post.status).toBe('waiting');
      const sup = new Participant(s.app, '10.9.0.3');
      const queue = await sup.get(`/supporter?token=${SUPPORTERS[0]}`);
      let page = await sup.post('/supporter/open', { csrf: csrfOf(queue), post: post.id });
      page = await sup.post(`/supporter/post/${post.id}`, { csrf: csrfOf(page), action: 'flag', reason: 'Sounds like she may not be safe at home.' });
      expect(page.html).toContain('the study team has been alerted');
      expect((await db.selectFrom('field_posts').select('status').where('id', '=', post.id).executeTakeFirstOrThrow()).status).toBe('flagged');
      expect(await db.selectFrom('field_replies').select('post_id').where('post_id', '=', post.id).executeTakeFirst()).toBeUndefined();
      const seen = await p.get(`/s/${token}`);
      expect(seen.title).toBe('Support is available now');
      expect(seen.html).toContain('988');
      const admin = await s.app.request('/admin', { headers: { authorization: 'Bearer admin-token-for-tests' } });
      expect(await admin.text()).toContain('Flagged by a supporter');
      const marked = await s.app.request('/admin/field/seen', { method: 'POST', headers: { authorization: 'Bearer admin-token-for-tests', 'content-type': 'application/x-www-form-urlencoded' }, body: `post=${post.id}` });
      expect(marked.status).toBe(303);
      expect((await db.selectFrom('field_safety').select('seen_at').where('post_id', '=', post.id).executeTakeFirstOrThrow()).seen_at).not.toBeNull();
      // Paused from the dashboard: the writing page is closed to new seekers; this seeker's link still works.
      const admin2 = await (await s.app.request('/admin', { headers: { authorization: 'Bearer admin-token-for-tests' } })).text();
      expect(admin2).toContain('New posts: open.');
      const paused = await s.app.request('/admin/state', { method: 'POST', headers: { authorization: 'Bearer admin-token-for-tests', 'content-type': 'application/x-www-form-urlencoded' }, body: 'state=paused' });
      expect(paused.status).toBe(303);
      expect((await new Participant(s.app, '10.0.2.9').get('/')).title).toBe('The study is paused');
      expect((await p.get(`/s/${token}`)).title).toBe('Support is available now');
      await s.app.request('/admin/state', { method: 'POST', headers: { authorization: 'Bearer admin-token-for-tests', 'content-type': 'application/x-www-form-urlencoded' }, body: 'state=open' });
    });

    it('refuses a wrong supporter token, a forged form and a stranger opening a post another supporter holds', async () => {
      const stranger = new Participant(s.app, '10.9.9.9');
      expect((await stranger.get('/supporter?token=guess-guess-guess')).status).toBe(403);
      expect((await stranger.get('/supporter/queue')).status).toBe(401);
      const { p, token } = await seek(s, '10.0.3.1', POSTS[1] as string, 'GB', 'everyday');
      // A second post in the domain: of two places in a block of three arms, at least one is not the model's.
      await seek(s, '10.0.3.2', POSTS[2] as string, 'GB', 'everyday');
      const forged = await p.post(`/s/${token}`, { csrf: 'forged', phase: 'rating' });
      expect(forged.status).toBe(403);
      const db = s.deps.db;
      const post = await db.selectFrom('field_posts').selectAll().where('domain', '=', 'everyday').where('arm', '!=', 'model').executeTakeFirstOrThrow();
      {
        const a = new Participant(s.app, '10.9.0.4');
        const b = new Participant(s.app, '10.9.0.5');
        const qa = await a.get(`/supporter?token=${SUPPORTERS[0]}`);
        const qb = await b.get(`/supporter?token=${SUPPORTERS[1]}`);
        expect(qb.html).toContain(`value="${post.id}"`);
        await a.post('/supporter/open', { csrf: csrfOf(qa), post: post.id });
        expect((await b.get('/supporter/queue')).html).not.toContain(`value="${post.id}"`);
        const taken = await b.post('/supporter/open', { csrf: csrfOf(qb), post: post.id });
        expect(taken.html).toContain('taken by another supporter');
        // Nor can a supporter open a post that was screened out, by its id.
        const risky = await db.selectFrom('field_posts').select('id').where('status', '=', 'screened_out').executeTakeFirstOrThrow();
        const refused = await b.post('/supporter/open', { csrf: csrfOf(qb), post: risky.id });
        expect(refused.html).toContain('taken by another supporter');
        expect((await db.selectFrom('field_posts').select('claimed_by').where('id', '=', risky.id).executeTakeFirstOrThrow()).claimed_by).toBeNull();
      }
    });
  });
}

describe('when the draft source fails', () => {
  it('an assisted post goes back to the queue and a model-arm reply is made when its seeker looks, once the model answers again', async () => {
    const [backend] = await backends();
    const dir = await fieldStudy();
    let down = true;
    let calls = 0;
    const s = await appOn(backend as { name: 'sqlite' }, async () => dir, {
      deps: {
        supporterTokens: new Set(SUPPORTERS),
        draft: async (post) => {
          calls++;
          if (down) throw new Error('503 from the model server');
          return { text: `A draft for a post of ${post.text.split(' ').length} words: that sounds hard, and you are not alone in it.`, provenance: { test: true } };
        },
      },
    });
    try {
      const seekers = [];
      for (let i = 0; i < 3; i++) seekers.push(await seek(s, `10.2.0.${i}`, POSTS[i] as string));
      const db = s.deps.db;
      const posts = await db.selectFrom('field_posts').selectAll().execute();
      const model = posts.find((p) => p.arm === 'model') as (typeof posts)[number];
      const assisted = posts.find((p) => p.arm === 'assisted') as (typeof posts)[number];
      // The model arm's reply could not be made at posting: the post waits, its seeker sees "your post is in".
      expect(model.status).toBe('waiting');
      // A supporter opening the assisted post while the model is down: back to the queue, nobody holds it.
      const sup = new Participant(s.app, '10.9.1.1');
      const queue = await sup.get(`/supporter?token=${SUPPORTERS[0]}`);
      const failed = await sup.post('/supporter/open', { csrf: csrfOf(queue), post: assisted.id });
      expect(failed.html).toContain('The draft for that post could not be made just now');
      expect((await db.selectFrom('field_posts').select(['claimed_by', 'draft_text']).where('id', '=', assisted.id).executeTakeFirstOrThrow())).toEqual({ claimed_by: null, draft_text: null });
      // The model answers again: the seeker of the model-arm post gets their reply when they look.
      down = false;
      const hash = model.seeker_hash;
      const mine = seekers.find((x) => createHash('sha256').update(x.token).digest('hex') === hash) as (typeof seekers)[number];
      const page = await mine.p.get(`/s/${mine.token}`);
      expect(page.title).toBe('Your reply');
      expect(page.html).toContain('you are not alone in it');
      expect((await db.selectFrom('field_replies').select(['supporter', 'arm']).where('post_id', '=', model.id).executeTakeFirstOrThrow())).toEqual({ supporter: null, arm: 'model' });
      const opened = await sup.post('/supporter/open', { csrf: csrfOf(queue), post: assisted.id });
      expect(opened.title).toBe('Reply to a post');
      expect(calls).toBeGreaterThanOrEqual(4);
    } finally {
      await s.close();
    }
  });
});

describe('the model screen', () => {
  it('screens out what the model calls a risk, takes nothing when it cannot answer, and sees only the redacted post', async () => {
    const [backend] = await backends();
    const dir = await fieldStudy();
    const file = path.join(dir, 'study.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('  screening:\n', '  screening:\n    model: { source: drafter, prompt: prompts/screen.md }\n'));
    await writeFile(path.join(dir, 'prompts', 'screen.md'), '## user\nDoes this post signal a risk of harm? Answer RISK or SAFE first.\n\n{{post}}\n');
    const seen: string[] = [];
    let drafts = 0;
    const s = await appOn(backend as { name: 'sqlite' }, async () => dir, {
      deps: {
        supporterTokens: new Set(SUPPORTERS),
        draft: async () => ((drafts += 1), { text: 'A draft that sounds caring and asks one open question about it.', provenance: {} }),
        screen: async (post) => {
          seen.push(post.text);
          if (post.text.includes('model server down')) throw new Error('connect ECONNREFUSED 127.0.0.1:9');
          return post.text.includes('tired of everything') ? { risk: true, kind: 'self_harm', detail: 'RISK: self_harm (hopelessness)' } : { risk: false, kind: 'unspecified', detail: 'SAFE' };
        },
      },
    });
    try {
      const db = s.deps.db;
      // No phrase of the list matches this post; the model calls it a risk.
      const quiet = 'My name is Anna. I am so tired of everything lately, work and home and all of it, and I honestly do not see the point of trying any more at all these days.';
      const risky = await seek(s, '10.3.0.1', quiet);
      expect(risky.page.title).toBe('Support is available now');
      const post = await db.selectFrom('field_posts').selectAll().executeTakeFirstOrThrow();
      expect([post.status, post.arm]).toEqual(['screened_out', null]);
      expect((await db.selectFrom('field_safety').select(['rule', 'kind', 'detail']).execute())).toEqual([{ rule: 'model', kind: 'self_harm', detail: 'RISK: self_harm (hopelessness)' }]);
      expect(seen[0]).toContain('My name is [NAME].');
      expect(seen.join(' ')).not.toContain('Anna');
      // The model cannot answer: the seeker keeps their text and is asked to send it again; nothing is stored.
      const text = 'The model server down test: my flatmate never cleans up and I am starting to dread coming home after work every single day of the week now.';
      const p = new Participant(s.app, '10.3.0.2');
      const consent = await p.get('/');
      const write = await p.post('/consent', { csrf: csrfOf(consent), consent: 'yes' });
      const failed = await p.post('/write', { csrf: csrfOf(write), domain: 'everyday', text, country: 'GB', 'scale_m-feeling': '40', 'scale_m-intensity': '3' });
      expect(failed.status).toBe(503);
      expect(failed.html).toContain('We could not check your post just now');
      expect(failed.html).toContain('my flatmate never cleans up');
      expect(await db.selectFrom('field_posts').select('id').where('domain', '=', 'everyday').execute()).toEqual([]);
      // A post the model calls safe is randomised as usual.
      await seek(s, '10.3.0.3', POSTS[1] as string);
      const taken = await db.selectFrom('field_posts').select(['arm', 'block_index']).where('status', '!=', 'screened_out').execute();
      expect(taken).toHaveLength(1);
      expect(taken[0]?.block_index).toBe(0);
      expect(drafts).toBeLessThanOrEqual(1);
    } finally {
      await s.close();
    }
  });

  it('reads the model\'s answer as RISK or SAFE first, or as no answer', () => {
    expect(parseVerdict('RISK: self-harm. The writer describes wanting to disappear.')).toEqual({ risk: true, kind: 'self_harm', detail: 'RISK: self-harm. The writer describes wanting to disappear.' });
    expect(parseVerdict('**SAFE**\nAn everyday worry about work.')).toEqual({ risk: false, kind: 'unspecified', detail: '**SAFE**' });
    expect(parseVerdict('risk - danger from others')).toMatchObject({ risk: true, kind: 'danger_from_others' });
    expect(parseVerdict('I think this post is probably fine.')).toBeNull();
  });
});

describe('unreviewed model replies', () => {
  it('a model arm without unreviewed_model_replies: true is refused when the manifest loads', () => {
    const yaml = `name: f\ndomains: [work]\nsources: [{ id: m, kind: model, provider: eliza, model: e }]\ndesign: { type: field }\nfield:\n  arms: [human, model]\n  draft_source: m\n  measures: [{ id: feeling, type: slider, question: How?, anchors: [bad, good] }]\n  supporters: { tokens_file: s.txt }\n  crisis_resources: { default: [{ name: X, contact: call 1 }] }\ninstrument: { consent: ok, scales: [{ id: empathy, question: Q }] }\n`;
    const refused = (() => {
      try {
        parseStudy(yaml);
        return null;
      } catch (err) {
        return (err as UserError).format();
      }
    })();
    expect(refused).toMatch(/^study.yaml:6 field.arms\[1\]: the model arm sends replies no person has read: add unreviewed_model_replies: true only if the ethics approval covers it/);
    expect(() => parseStudy(yaml.replace('  draft_source: m\n', '  draft_source: m\n  unreviewed_model_replies: true\n'))).not.toThrow();
  });

  it('the app sends no model reply when the key is off, even for a post already in the model arm', async () => {
    const [backend] = await backends();
    const dir = await fieldStudy();
    const s0 = await appOn(backend as { name: 'sqlite' }, async () => dir, {});
    const study = s0.deps.study;
    await s0.close();
    // The manifest as if the key were removed after posts were randomised (the loader refuses it; the app checks again).
    const forged = { ...study, field: { ...(study.field as NonNullable<typeof study.field>), arms: ['model', 'human'] as Array<'model' | 'human'>, block_size: 2, unreviewed_model_replies: false } };
    let calls = 0;
    const s = await appOn(backend as { name: 'sqlite' }, async () => dir, { deps: { study: forged, supporterTokens: new Set(SUPPORTERS), draft: async () => ((calls += 1), { text: 'draft', provenance: {} }) } });
    try {
      for (let i = 0; i < 4; i++) await seek(s, `10.1.0.${i}`, POSTS[i % 3] as string);
      const db = s.deps.db;
      const model = await db.selectFrom('field_posts').select(['id', 'status']).where('arm', '=', 'model').execute();
      expect(model.length).toBeGreaterThan(0);
      expect(model.every((p) => p.status === 'waiting')).toBe(true);
      expect(await db.selectFrom('field_replies').select('post_id').where('arm', '=', 'model').execute()).toEqual([]);
      expect(calls).toBe(0);
    } finally {
      await s.close();
    }
  });
});
