import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob } from '../../src/corpus/import.js';
import { runImports } from '../../src/corpus/import.js';
import { UserError } from '../../src/errors.js';
import { postsFileSchema, ratingsFileSchema, repliesFileSchema, type Study } from '../../src/study/schema.js';
import { upsertStudy } from '../../src/store/studies.repository.js';
import type { Db } from '../../src/store/tables.js';
import { backends, databaseForSuite } from '../helpers/backends.js';
import { smallStudy, tempFolder } from '../helpers/study.js';

const TABLES = ['posts', 'responses', 'participants', 'ratings', 'imports'] as const;

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const r = await db.selectFrom(t).select(db.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}

const POSTS_CSV =
  '\uFEFFpost_id,domain,text,title\r\n' +
  'p1,anger,"I shouted at my neighbour, and now I feel awful.",Neighbour\r\n' +
  'p2,anxiety,"My interview is on Thursday.\r\nI cannot sleep, and I keep thinking ""what if I freeze"".",\r\n' +
  'p3,work,I was passed over for promotion again.,Work\r\n';

const postsJob = (dir: string, file = 'posts.csv', extra: Record<string, unknown> = {}): ImportJob => ({
  kind: 'posts',
  path: path.join(dir, file),
  label: file,
  spec: postsFileSchema.parse({ file, columns: { id: 'post_id', domain: 'domain', text: 'text', title: 'title' }, ...extra }),
});
const repliesJob = (dir: string, file: string, extra: Record<string, unknown> = {}): ImportJob => ({
  kind: 'replies',
  path: path.join(dir, file),
  label: file,
  spec: repliesFileSchema.parse({ file, ...extra }),
});
const ratingsJob = (dir: string, file: string, extra: Record<string, unknown> = {}): ImportJob => ({
  kind: 'ratings',
  path: path.join(dir, file),
  label: file,
  spec: ratingsFileSchema.parse({ file, ...extra }),
});

/** Runs jobs expecting a UserError; returns its one-line message. */
async function failing(db: Db, target: { study: Study; studyId: string; contentHash: string }, jobs: ImportJob[]): Promise<string> {
  try {
    await runImports(db, target, jobs);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const line = (err as UserError).format();
    expect(line).not.toContain('\n');
    return line;
  }
  throw new Error('expected the import to fail');
}

for (const backend of await backends()) {
  describe(`import on ${backend.name}`, () => {
    let db: Db;
    let target: { study: Study; studyId: string; contentHash: string };
    let dir: string;

    databaseForSuite(backend, (d) => (db = d));
    beforeAll(async () => {
      const study = smallStudy();
      const row = await upsertStudy(db, { name: study.name, title: null, manifestJson: '{}', manifestHash: 'm', contentHash: 'c' });
      target = { study, studyId: row.id, contentHash: 'c' };
      dir = await tempFolder({
        'posts.csv': POSTS_CSV,
        'posts-dup.csv': 'post_id,domain,text\np9,anger,one\np9,anger,two\n',
        'posts-domain.csv': 'post_id,domain,text\np9,angr,text\n',
        'posts-latin1.csv': Buffer.concat([Buffer.from('post_id,domain,text\np9,anger,fine\np10,anger,caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
        'posts-nocol.csv': 'id,domain,body\np9,anger,text\n',
        'posts-changed.csv': 'post_id,domain,text\np1,anger,A different text for p1.\n',
        'replies-long.jsonl':
          '{"post_id":"p1","text":"That sounds really hard.","author":"a1"}\n{"post_id":"p2","text":"Interviews are scary.","author":"a1"}\n',
        'replies-missing-post.csv': 'post_id,text\np2,fine\np99,no such post\n',
        'replies-wide.csv':
          'post_id,domain,seeker_post,human,gpt4,llama2\n' +
          'p3,work,I was passed over for promotion again.,Human reply three.,GPT reply three.,\n' +
          'p4,anger,"A new post, only in the wide file.",Human reply four.,GPT reply four.,Llama reply four.\n',
        'ratings-long.csv':
          'rater,post,source,scale,value\n' +
          'r1,p1,human,empathy,4\nr1,p1,human,appropriateness,5\nr2,p1,human,empathy,\nr2,p4,gpt4,empathy,3\n',
        'ratings-outside.csv': 'rater,post,source,scale,value\nr3,p1,human,empathy,4\nr3,p4,gpt4,empathy,7\n',
        'ratings-wide.csv':
          'PROLIFIC_PID,age,ac1,s4_gpt4_app,s4_gtp4_emp,s4_llama2_emp,s4_human_emp\n' +
          'w1,34,yes,5,4,3,2\n' +
          'w2,51,no,,5,4,\n',
        'ratings-unknown.csv': 'rater,post,source,value\nq1,p77,claude,4\n',
      });
    });

    it('imports posts from CSV with BOM, CRLF, quoted newlines and embedded quotes, and a re-import is a no-op', async () => {
      const [r] = await runImports(db, target, [postsJob(dir)]);
      expect(r).toMatchObject({ kind: 'posts', rowsRead: 3, inserted: 3, unchanged: 0 });
      const p2 = await db.selectFrom('posts').selectAll().where('external_id', '=', 'p2').executeTakeFirstOrThrow();
      expect(p2.text).toBe('My interview is on Thursday.\r\nI cannot sleep, and I keep thinking "what if I freeze".');
      expect(p2.domain).toBe('anxiety');
      expect(p2.title).toBeNull();
      expect(p2.word_count).toBe(16);
      const before = await counts(db);
      const [again] = await runImports(db, target, [postsJob(dir)]);
      expect(again).toMatchObject({ inserted: 0, unchanged: 3 });
      expect(await counts(db)).toEqual(before);
    });

    it.each([
      ['a duplicate id', 'posts-dup.csv', /^posts-dup\.csv:3:1: duplicate post id "p9" \(first on line 2\)/],
      ['an unknown domain', 'posts-domain.csv', /^posts-domain\.csv:2:2: domain "angr" is not one of "anger", "anxiety", "work" \(did you mean "anger"\?\)/],
      ['bytes that are not UTF-8 when UTF-8 is set', 'posts-latin1.csv', /^posts-latin1\.csv:3: the file is not valid UTF-8; save it as UTF-8/],
      ['a wrong column', 'posts-nocol.csv', /^posts-nocol\.csv:1: no column "post_id" for the id \(the columns are: id, domain, body\); map it with --columns id=NAME/],
      ['a changed post', 'posts-changed.csv', /^posts-changed\.csv:2:1: post "p1" is already in the study with a different text/],
    ])('rejects %s with file:line:column and leaves the database unchanged', async (_what, file, message) => {
      const before = await counts(db);
      expect(await failing(db, target, [postsJob(dir, file, { columns: { id: 'post_id', domain: 'domain', text: 'text' }, ...(file === 'posts-latin1.csv' ? { encoding: 'utf-8' } : {}) })])).toMatch(message);
      expect(await counts(db)).toEqual(before);
    });

    it('imports long replies (JSONL) and wide replies that carry their posts', async () => {
      const [long] = await runImports(db, target, [repliesJob(dir, 'replies-long.jsonl', { columns: { post: 'post_id', text: 'text', author: 'author' } })]);
      expect(long).toMatchObject({ inserted: 2, unchanged: 0 });
      const [wide] = await runImports(db, target, [
        repliesJob(dir, 'replies-wide.csv', { layout: 'wide', columns: { post: 'post_id', text: 'text', post_text: 'seeker_post', domain: 'domain' } }),
      ]);
      // p3 already exists; p4 is created from the file. Empty cell for p3/llama2 is missing.
      expect(wide).toMatchObject({ inserted: 5, missing: 1, created: { posts: 1 } });
      const rows = await db
        .selectFrom('responses')
        .innerJoin('posts', 'posts.id', 'responses.post_id')
        .select(['posts.external_id', 'responses.source', 'responses.provider', 'responses.text', 'responses.author'])
        .orderBy('posts.external_id')
        .orderBy('responses.source')
        .execute();
      expect(rows.map((r) => `${r.external_id}/${r.source}/${r.provider}`)).toEqual([
        'p1/human/imported',
        'p2/human/imported',
        'p3/gpt4/imported',
        'p3/human/imported',
        'p4/gpt4/imported',
        'p4/human/imported',
        'p4/llama2/imported',
      ]);
      expect(rows[0]?.author).toBe('a1');
      const p4 = await db.selectFrom('posts').select(['domain', 'text']).where('external_id', '=', 'p4').executeTakeFirstOrThrow();
      expect(p4).toEqual({ domain: 'anger', text: 'A new post, only in the wide file.' });
    });

    it('rejects a reply to a missing post, naming the line, and imports nothing from the file', async () => {
      const before = await counts(db);
      const msg = await failing(db, target, [repliesJob(dir, 'replies-missing-post.csv', { columns: { post: 'post_id', text: 'text' }, source: 'llama2' })]);
      expect(msg).toBe('replies-missing-post.csv:3:1: no post "p99" in the study; import the posts first (`empathy-lab import --posts FILE`) or fix the post id');
      expect(await counts(db)).toEqual(before);
    });

    it('imports long ratings with empty cells as missing, and a re-import is a no-op', async () => {
      const [r] = await runImports(db, target, [ratingsJob(dir, 'ratings-long.csv', { columns: { rater: 'rater', post: 'post', source: 'source', scale: 'scale', value: 'value' } })]);
      expect(r).toMatchObject({ inserted: 3, missing: 1, created: { participants: 2 } });
      const values = await db
        .selectFrom('ratings')
        .innerJoin('participants', 'participants.id', 'ratings.participant_id')
        .select(['participants.external_id', 'ratings.scale', 'ratings.value', 'ratings.origin'])
        .orderBy('participants.external_id')
        .orderBy('ratings.scale')
        .execute();
      expect(values).toEqual([
        { external_id: 'r1', scale: 'appropriateness', value: 5, origin: 'imported' },
        { external_id: 'r1', scale: 'empathy', value: 4, origin: 'imported' },
        { external_id: 'r2', scale: 'empathy', value: 3, origin: 'imported' },
      ]);
      const before = await counts(db);
      const [again] = await runImports(db, target, [ratingsJob(dir, 'ratings-long.csv', { columns: { rater: 'rater', post: 'post', source: 'source', scale: 'scale', value: 'value' } })]);
      expect(again).toMatchObject({ inserted: 0, unchanged: 3 });
      expect(await counts(db)).toEqual(before);
    });

    it('rejects a value outside the scale and leaves the database unchanged', async () => {
      const before = await counts(db);
      const msg = await failing(db, target, [ratingsJob(dir, 'ratings-outside.csv', { columns: { rater: 'rater', post: 'post', source: 'source', scale: 'scale', value: 'value' } })]);
      expect(msg).toMatch(/^ratings-outside\.csv:3:5: "7" is not a value of the empathy scale \(a whole number from 1 to 5\)/);
      expect(await counts(db)).toEqual(before);
    });

    it('imports a wide survey export: regex column names, aliases, attributes, empty cells missing', async () => {
      const [r] = await runImports(db, target, [
        ratingsJob(dir, 'ratings-wide.csv', {
          layout: 'wide',
          columns: { rater: 'PROLIFIC_PID' },
          pattern: 's(?<post>\\d+)_(?<source>[a-z0-9]+)_(?<scale>app|emp)',
          aliases: { '4': 'p4', app: 'appropriateness', emp: 'empathy', gtp4: 'gpt4' },
        }),
      ]);
      expect(r).toMatchObject({ inserted: 6, missing: 2, created: { participants: 2 } });
      const w2 = await db.selectFrom('participants').select(['attributes_json', 'origin', 'status']).where('external_id', '=', 'w2').executeTakeFirstOrThrow();
      expect(JSON.parse(w2.attributes_json)).toEqual({ age: '51', ac1: 'no' });
      expect(w2.status).toBe('imported');
      const gpt = await db
        .selectFrom('ratings')
        .innerJoin('participants', 'participants.id', 'ratings.participant_id')
        .innerJoin('responses', 'responses.id', 'ratings.response_id')
        .select(['participants.external_id', 'ratings.scale', 'ratings.value'])
        .where('responses.source', '=', 'gpt4')
        .where('ratings.origin', '=', 'imported')
        .orderBy('participants.external_id')
        .orderBy('ratings.scale')
        .execute();
      expect(gpt).toEqual([
        { external_id: 'r2', scale: 'empathy', value: 3 },
        { external_id: 'w1', scale: 'appropriateness', value: 5 },
        { external_id: 'w1', scale: 'empathy', value: 4 },
        { external_id: 'w2', scale: 'empathy', value: 5 },
      ]);
    });

    it('rejects an unknown source in ratings with a suggestion, and --create-missing makes placeholders', async () => {
      const before = await counts(db);
      const msg = await failing(db, target, [ratingsJob(dir, 'ratings-unknown.csv', { scale: 'empathy' })]);
      expect(msg).toMatch(/^ratings-unknown\.csv:2:3: source "claude" is not one of "human", "gpt4", "llama2"/);
      expect(await counts(db)).toEqual(before);
      const [r] = await runImports(db, target, [ratingsJob(dir, 'ratings-unknown.csv', { scale: 'empathy', aliases: { claude: 'gpt4' }, create_missing: true })]);
      expect(r).toMatchObject({ inserted: 1, created: { participants: 1, posts: 1, responses: 1 } });
      const p77 = await db.selectFrom('posts').select(['text', 'domain', 'metadata_json']).where('external_id', '=', 'p77').executeTakeFirstOrThrow();
      expect(p77).toEqual({ text: '', domain: 'unspecified', metadata_json: '{"placeholder":true}' });
    });

    it('rolls back every file of a multi-file import when the last one fails', async () => {
      const fresh = await tempFolder({
        'posts.csv': 'post_id,domain,text\nn1,anger,new post one\nn2,work,new post two\n',
        'replies.csv': 'post_id,text\nn1,ok\nn3,missing post\n',
      });
      const before = await counts(db);
      const msg = await failing(db, target, [
        postsJob(fresh, 'posts.csv', { columns: { id: 'post_id', domain: 'domain', text: 'text' } }),
        repliesJob(fresh, 'replies.csv', { columns: { post: 'post_id', text: 'text' } }),
      ]);
      expect(msg).toMatch(/^replies\.csv:3:1: no post "n3"/);
      expect(await counts(db)).toEqual(before);
    });
  });
}
