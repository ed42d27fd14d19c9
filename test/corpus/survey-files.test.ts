/**
 * Files as survey tools, spreadsheets and replication packages write them, imported through the
 * manifest alone, on SQLite and Postgres: a Qualtrics export (three header rows, a repeated column
 * name, choice text), a semicolon CSV with decimal commas and two scale columns, a UTF-16
 * tab-separated export, a Windows-1252 posts file, a wide replies file with domain labels and
 * differently named reply columns, and a Prolific demographics file. Every fixture is written here.
 * Each bad variant gives one line with file:line:column and a fix, and leaves the database as it was.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importJobs } from '../../src/cli/import-jobs.js';
import { runImports } from '../../src/corpus/import.js';
import { UserError } from '../../src/errors.js';
import { parseStudy } from '../../src/study/load.js';
import type { Study } from '../../src/study/schema.js';
import { upsertStudy } from '../../src/store/studies.repository.js';
import type { Db } from '../../src/store/tables.js';
import { backends, databaseForSuite } from '../helpers/backends.js';
import { tempFolder } from '../helpers/study.js';

const POSTS = [
  ['p1', 'anger', 'I’m so angry at my brother: he borrows my car and returns it empty, every week.'],
  ['p2', 'COVID-19', 'The café I ran closed in the lockdown and I feel useless at home.'],
  ['p3', 'work', 'My manager criticised me in front of everyone and I cannot face Monday.'],
] as const;

const cp1252 = (text: string) => Buffer.from([...text].map((ch) => (ch === '’' ? 0x92 : ch.charCodeAt(0))));
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

const EMP = ['Not empathic', 'Slightly empathic', 'Moderately empathic', 'Quite empathic', 'Very empathic'];
const APP = ['Extremely inappropriate', 'Somewhat inappropriate', 'Neither', 'Somewhat appropriate', 'Extremely appropriate'];

const MANIFEST = `
name: bring
domains: [anger, { id: covid, label: COVID-19 }, work]
corpus:
  posts: { file: posts-1252.csv }
  replies:
    - file: replies-wide.csv
      layout: wide
      columns: { post: post_id, post_text: seeker_post, domain: domain }
      aliases: { human_reply: human, gpt_base: gpt4 }
      ignore_columns: [notes]
  ratings:
    - file: qualtrics.csv
      layout: wide
      columns: { rater: PROLIFIC_PID }
      pattern: "s(?<post>\\\\d+)_(?<source>[a-z0-9]+)_(?<scale>app|emp)"
      aliases: { app: appropriateness, emp: empathy }
      id_prefix: p
    - file: ratings-semicolon.csv
      columns: { rater: pid, post: post, source: model, values: { app: appropriateness, emp: empathy } }
    - { file: ratings-utf16.tsv }
  raters:
    - { file: prolific.csv }
sources:
  - { id: human, kind: corpus }
  - { id: gpt4, kind: corpus, model: gpt-4-0613 }
instrument:
  scales:
    - { id: appropriateness, question: How appropriate is this response?, points: 5, anchors: [${APP.join(', ')}] }
    - { id: empathy, question: How empathic is this response?, points: 5, anchors: [${EMP.join(', ')}] }
`;

const QUALTRICS = [
  'StartDate,EndDate,Status,Finished,ResponseId,PROLIFIC_PID,attention_check,s1_human_emp,s1_gpt4_emp,s1_human_app,s1_gpt4_app,attention_check,age',
  '"Start Date","End Date","Response Type","Finished","Response ID","PROLIFIC_PID","Please choose Quite empathic","Reply A - How empathic is this response?","Reply B - How empathic is this response?","Reply A - How appropriate is this response?","Reply B - How appropriate is this response?","Please choose Neither","How old are you?"',
  '"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}","{""ImportId"":""endDate""}","{""ImportId"":""status""}","{""ImportId"":""finished""}","{""ImportId"":""_recordId""}","{""ImportId"":""PROLIFIC_PID""}","{""ImportId"":""QID9""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}","{""ImportId"":""QID3""}","{""ImportId"":""QID4""}","{""ImportId"":""QID10""}","{""ImportId"":""QID11""}"',
  '2026-03-02 10:01:00,2026-03-02 10:12:30,IP Address,True,R_1a,5f1a,Quite empathic,Quite empathic,very empathic ,Somewhat appropriate,Extremely appropriate,Neither,34',
  '2026-03-02 10:03:00,2026-03-02 10:15:10,IP Address,True,R_1b,5f1b,Quite empathic,  Slightly Empathic,Moderately empathic,Neither,Somewhat appropriate,Neither,51',
  '2026-03-02 10:04:00,2026-03-02 10:19:40,IP Address,True,R_1c,5f1c,Quite empathic,Not empathic,,Somewhat inappropriate,Somewhat appropriate,Neither,27',
].join('\r\n');

const FILES = (overrides: Record<string, string | Uint8Array> = {}): Record<string, string | Uint8Array> => ({
  'study.yaml': MANIFEST,
  'posts-1252.csv': cp1252(`post_id,domain,text\r\n${POSTS.map(([id, d, t]) => `${id},${d},${q(t)}`).join('\r\n')}\r\n`),
  'replies-wide.csv':
    'post_id,domain,seeker_post,human_reply,gpt_base,notes\n' +
    `${POSTS.map(([id, d, t], i) => `${id},${d},${q(t)},${q(`A human reply to post ${i + 1}.`)},${q(`A GPT-4 reply to post ${i + 1}.`)},checked`).join('\n')}\n`,
  'qualtrics.csv': QUALTRICS,
  'ratings-semicolon.csv': 'pid;post;model;app;emp\nr10;p2;human;4,0;5,0\nr10;p2;gpt4;3,0;4,0\nr11;p3;human;5;\nr11;p3;gpt4;2;3\n',
  'ratings-utf16.tsv': utf16('rater\tpost\tsource\tscale\tvalue\r\nr20\tp1\thuman\tempathy\t4\r\nr20\tp1\tgpt4\tempathy\t5\r\nr20\tp1\tgpt4\tappropriateness\t4\r\n'),
  'prolific.csv': 'Participant id,Status,Age,Sex,Country of residence\n5f1a,APPROVED,34,Female,United Kingdom\n5f1b,APPROVED,51,Male,Canada\n5f9z,RETURNED,22,Female,Spain\n',
  ...overrides,
});

async function load(files: Record<string, string | Uint8Array>): Promise<{ study: Study; dir: string }> {
  const dir = await tempFolder(files);
  return { study: parseStudy(files['study.yaml'] as string), dir };
}

for (const backend of await backends()) {
  describe(`files as survey tools write them, on ${backend.name}`, () => {
    let db: Db;
    databaseForSuite(backend, (d) => (db = d));
    let n = 0;
    const target = async (study: Study) => {
      const row = await upsertStudy(db, { name: `${study.name}-${++n}`, title: null, manifestJson: '{}', manifestHash: 'm', contentHash: 'c' });
      return { study, studyId: row.id, contentHash: 'c' };
    };
    const count = async (studyId: string, table: 'posts' | 'responses' | 'ratings' | 'participants') =>
      Number((await db.selectFrom(table).select(db.fn.countAll<string | number>().as('n')).where('study_id', '=', studyId).executeTakeFirstOrThrow()).n);
    const failing = async (files: Record<string, string | Uint8Array>) => {
      const { study, dir } = await load(files);
      const t = await target(study);
      try {
        await runImports(db, t, importJobs(study, dir, { alias: [] }));
      } catch (err) {
        expect(err).toBeInstanceOf(UserError);
        for (const table of ['posts', 'responses', 'ratings', 'participants'] as const) expect(await count(t.studyId, table)).toBe(0);
        return (err as UserError).format().replaceAll(`${dir}/`, '');
      }
      throw new Error('expected the import to fail');
    };

    let results: Awaited<ReturnType<typeof runImports>>;
    let studyId: string;
    beforeAll(async () => {
      const { study, dir } = await load(FILES());
      const t = await target(study);
      studyId = t.studyId;
      results = await runImports(db, t, importJobs(study, dir, { alias: [] }));
    });

    it('imports every file through the manifest alone, with the counts of what each held', async () => {
      expect(results.map((r) => [r.kind, path.basename(r.file), r.inserted, r.missing])).toEqual([
        ['posts', 'posts-1252.csv', 3, 0],
        ['replies', 'replies-wide.csv', 6, 0],
        // Qualtrics: 3 raters x 4 cells, one empty.
        ['ratings', 'qualtrics.csv', 11, 1],
        // Semicolon file: 4 rows x 2 scales, one empty.
        ['ratings', 'ratings-semicolon.csv', 7, 1],
        ['ratings', 'ratings-utf16.tsv', 3, 0],
        ['raters', 'prolific.csv', 2, 0],
      ]);
      expect(await count(studyId, 'posts')).toBe(3);
      expect(await count(studyId, 'responses')).toBe(6);
      expect(await count(studyId, 'ratings')).toBe(21);
      expect(await count(studyId, 'participants')).toBe(6);
    });

    it('says what it read beyond plain CSV', () => {
      const notes = Object.fromEntries(results.map((r) => [path.basename(r.file), r.notes ?? []]));
      expect(notes['posts-1252.csv']).toEqual(['not UTF-8 (first at line 2): read as Windows-1252']);
      expect(notes['qualtrics.csv']).toEqual([
        'repeated column names made unique: attention_check (columns 7, 12) as attention_check, attention_check.1',
        'a Qualtrics export: its question-text and ImportId rows (lines 2 and 3) skipped',
      ]);
      expect(notes['ratings-semicolon.csv']).toEqual(['semicolon-separated']);
      expect(notes['ratings-utf16.tsv']).toEqual(['read as UTF-16LE']);
      expect(results.find((r) => r.kind === 'raters')?.unmatched).toBe(1);
    });

    it('reads the values as written: Windows-1252 text, domain labels, choice text, decimal commas, attributes', async () => {
      const posts = await db.selectFrom('posts').select(['external_id', 'domain', 'text']).where('study_id', '=', studyId).orderBy('external_id').execute();
      expect(posts.map((p) => [p.external_id, p.domain, p.text])).toEqual(POSTS.map(([id, d, t]) => [id, d === 'COVID-19' ? 'covid' : d, t]));
      const ratings = await db
        .selectFrom('ratings as r')
        .innerJoin('participants as p', 'p.id', 'r.participant_id')
        .innerJoin('responses as s', 's.id', 'r.response_id')
        .innerJoin('posts as o', 'o.id', 's.post_id')
        .select(['p.external_id as rater', 'o.external_id as post', 's.source as source', 'r.scale as scale', 'r.value as value'])
        .where('r.study_id', '=', studyId)
        .execute();
      const value = (rater: string, source: string, scale: string) => ratings.find((r) => r.rater === rater && r.source === source && r.scale === scale)?.value;
      // Choice text through the anchors, whatever its case and spacing.
      expect([value('5f1a', 'human', 'empathy'), value('5f1a', 'gpt4', 'empathy'), value('5f1b', 'human', 'empathy'), value('5f1c', 'human', 'appropriateness')]).toEqual([4, 5, 2, 2]);
      // id_prefix: Qualtrics' "s1" is post "p1".
      expect(new Set(ratings.filter((r) => r.rater.startsWith('5f')).map((r) => r.post))).toEqual(new Set(['p1']));
      // Decimal commas; two scale columns in one file.
      expect([value('r10', 'human', 'appropriateness'), value('r10', 'human', 'empathy'), value('r11', 'gpt4', 'empathy')]).toEqual([4, 5, 3]);
      const rater = await db.selectFrom('participants').select('attributes_json').where('study_id', '=', studyId).where('external_id', '=', '5f1b').executeTakeFirstOrThrow();
      expect(JSON.parse(rater.attributes_json)).toMatchObject({ age: '51', Age: '51', Sex: 'Male', 'Country of residence': 'Canada', Status: 'APPROVED' });
    });

    it('a re-import of every file changes nothing', async () => {
      const { study, dir } = await load(FILES());
      const again = await runImports(db, { study, studyId, contentHash: 'c' }, importJobs(study, dir, { alias: [] }));
      expect(again.map((r) => r.inserted)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(await count(studyId, 'ratings')).toBe(21);
    });

    it.each([
      [
        'a choice label that is no anchor',
        { 'qualtrics.csv': QUALTRICS.replace('Quite empathic,  Slightly Empathic', 'Quite empathic,Kinda empathic') },
        'qualtrics.csv:5:8: "Kinda empathic" is not an anchor of the empathy scale (1 = "Not empathic", 2 = "Slightly empathic", 3 = "Moderately empathic", 4 = "Quite empathic", 5 = "Very empathic"); fix the label, export numbers instead of choice text, or correct the anchors in study.yaml',
      ],
      [
        'a reply column named like no source',
        { 'replies-wide.csv': FILES()['replies-wide.csv'].toString().replace('gpt_base,notes', 'gpt_base,llama_reply') },
        'replies-wide.csv:1:6: the column "llama_reply" is named like no source of the study (sources: human, gpt4); map it with `aliases: { llama_reply: SOURCE }`, declare the source under `sources`, or list it under `ignore_columns`',
      ],
      [
        'a post id that exists with another text',
        { 'replies-wide.csv': FILES()['replies-wide.csv'].toString().replace('I cannot face Monday', 'I cannot face Tuesday') },
        'replies-wide.csv:4:3: post "p3" is already in the study with a different text (imported from posts-1252.csv); if these are different posts, set `id_prefix` on this corpus entry (e.g. `id_prefix: "s2-"`) so the two files\' ids cannot collide',
      ],
      [
        'a domain label the manifest does not know',
        { 'posts-1252.csv': cp1252('post_id,domain,text\r\np1,Covid,A post.\r\n') },
        'posts-1252.csv:2:2: domain "Covid" is not one of "anger", "covid", "work" (did you mean "covid"?); map it to a domain with `aliases: { Covid: covid }` on this corpus entry, or declare it in study.yaml as `domains: [..., { id: covid, label: "Covid" }]`',
      ],
      [
        'a used column that the header repeats',
        { 'ratings-utf16.tsv': utf16('rater\tpost\tsource\tscale\tvalue\tvalue\r\nr20\tp1\thuman\tempathy\t4\t4\r\n') },
        'ratings-utf16.tsv:1:5: the column "value" for the value is ambiguous: the header has it 2 times (columns 5, 6); map the one you mean by its unique name: value or value.1',
      ],
      [
        'a decimal value on a Likert scale (semicolon file)',
        { 'ratings-semicolon.csv': 'pid;post;model;app;emp\nr10;p2;human;4,5;5\n' },
        'ratings-semicolon.csv:2:4: "4,5" is not a value of the appropriateness scale (a whole number from 1 to 5, or an anchor); fix the value, leave the cell empty if it is missing, or change the scale\'s points in study.yaml',
      ],
      [
        'a participant twice in the demographics file',
        { 'prolific.csv': 'Participant id,Age\n5f1a,34\n5f1a,35\n' },
        'prolific.csv:3:1: participant "5f1a" has a second row (first on line 2); keep one row per participant',
      ],
      [
        'a text cell over lint.max_chars',
        { 'replies-wide.csv': FILES()['replies-wide.csv'].toString().replace('A human reply to post 2.', 'x'.repeat(20_001)) },
        'replies-wide.csv:3:4: a text cell of 20,001 characters (the limit is 20,000); check that the cell is one reply (a missing closing quote swallows the rows after it), or set `allow_long_cells: true` on this corpus entry (or raise `lint.max_chars`)',
      ],
    ])('%s: one line with file:line:column and a fix; nothing imported', async (_what, overrides, message) => {
      expect(await failing(FILES(overrides as Record<string, string>))).toBe(message);
    });

    it('the suggested edit works as written: the alias the domain error proposes imports the file', async () => {
      const files = FILES({ 'posts-1252.csv': cp1252('post_id,domain,text\r\np1,Covid,A post.\r\n') });
      files['study.yaml'] = MANIFEST.replace('posts: { file: posts-1252.csv }', 'posts: { file: posts-1252.csv, aliases: { Covid: covid } }').replace(/\n {2}replies:[\s\S]*\nsources:/, '\nsources:');
      const { study, dir } = await load(files);
      const [posts] = await runImports(db, await target(study), importJobs(study, dir, { alias: [] }));
      expect(posts).toMatchObject({ kind: 'posts', inserted: 1 });
    });
  });
}
