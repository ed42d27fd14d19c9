/**
 * Volume: a 10,000-post CSV and a 50,000-rating wide survey export (one row per participant, one
 * column per post x source x scale, 720 columns, most cells empty as in a real Qualtrics export).
 * Prints seconds and rows per second for the closing note; asserts counts, never timings.
 */
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runImports } from '../../src/corpus/import.js';
import { parseStudy } from '../../src/study/load.js';
import { postsFileSchema, ratingsFileSchema, repliesFileSchema } from '../../src/study/schema.js';
import { upsertStudy } from '../../src/store/studies.repository.js';
import { backends } from '../helpers/backends.js';
import { tempFolder } from '../helpers/study.js';

const study = parseStudy(`
name: volume
domains: [anger, anxiety, covid, parenting, relationships, workplace]
sources: [{ id: human, kind: corpus }, { id: gpt4, kind: corpus }, { id: llama2, kind: corpus }]
instrument:
  scales: [{ id: appropriateness, question: Q1 }, { id: empathy, question: Q2 }]
`);
const DOMAINS = study.domains;
const SOURCES = ['human', 'gpt4', 'llama2'];
const POSTS = 10_000;
const RATED_POSTS = 120;
const PER_RATER = 10;
const RATERS = 834; // x 10 posts x 3 sources x 2 scales = 50,040 ratings

const pid = (i: number) => `p${String(i).padStart(5, '0')}`;

async function writeFiles(dir: string): Promise<void> {
  const posts = ['post_id,domain,text'];
  for (let i = 0; i < POSTS; i++) {
    posts.push(`${pid(i)},${DOMAINS[i % DOMAINS.length]},"Post ${i}: I have been struggling with something at home and at work, and I keep thinking ""why me"", day ${i % 97}."`);
  }
  await writeFile(path.join(dir, 'posts.csv'), `${posts.join('\n')}\n`);
  const replies = ['post_id,source,text'];
  for (let i = 0; i < RATED_POSTS; i++) for (const s of SOURCES) replies.push(`${pid(i)},${s},"A ${s} reply to post ${i}."`);
  await writeFile(path.join(dir, 'replies.csv'), `${replies.join('\n')}\n`);
  const cols: string[] = [];
  for (let i = 0; i < RATED_POSTS; i++) for (const s of SOURCES) for (const sc of ['app', 'emp']) cols.push(`s${i}_${s}_${sc}`);
  const lines = [['PROLIFIC_PID', 'age', 'attention', ...cols].join(',')];
  for (let r = 0; r < RATERS; r++) {
    const seen = new Set<number>();
    for (let k = 0; k < PER_RATER; k++) seen.add((r * PER_RATER + k) % RATED_POSTS);
    const cells = cols.map((c, j) => {
      const post = Math.floor(j / 6);
      return seen.has(post) ? String(1 + ((r + j) % 5)) : '';
    });
    lines.push([`R${r}`, String(18 + (r % 50)), r % 20 === 0 ? 'fail' : 'pass', ...cells].join(','));
  }
  await writeFile(path.join(dir, 'ratings-wide.csv'), `${lines.join('\n')}\n`);
}

for (const backend of await backends()) {
  describe(`import volume on ${backend.name}`, () => {
    it('imports 10,000 posts and a 50,040-rating wide export', async () => {
      const dir = await tempFolder({});
      await writeFiles(dir);
      const { opened, dispose } = await backend.create();
      try {
        const row = await upsertStudy(opened.db, { name: 'volume', title: null, manifestJson: '{}', manifestHash: 'm', contentHash: 'c' });
        const target = { study, studyId: row.id, contentHash: 'c' };

        let t0 = performance.now();
        const [posts] = await runImports(opened.db, target, [
          { kind: 'posts', path: path.join(dir, 'posts.csv'), label: 'posts.csv', spec: postsFileSchema.parse({ file: 'posts.csv' }) },
        ]);
        const postSeconds = (performance.now() - t0) / 1000;
        expect(posts?.inserted).toBe(POSTS);

        await runImports(opened.db, target, [
          { kind: 'replies', path: path.join(dir, 'replies.csv'), label: 'replies.csv', spec: repliesFileSchema.parse({ file: 'replies.csv', columns: { post: 'post_id', text: 'text', source: 'source' } }) },
        ]);

        t0 = performance.now();
        const [ratings] = await runImports(opened.db, target, [
          {
            kind: 'ratings',
            path: path.join(dir, 'ratings-wide.csv'),
            label: 'ratings-wide.csv',
            spec: ratingsFileSchema.parse({
              file: 'ratings-wide.csv',
              layout: 'wide',
              columns: { rater: 'PROLIFIC_PID' },
              pattern: 's(?<post>\\d+)_(?<source>[a-z0-9]+)_(?<scale>app|emp)',
              // Survey columns number the posts 0..119; the corpus calls them p00000..p00119.
              aliases: { ...Object.fromEntries(Array.from({ length: RATED_POSTS }, (_, i) => [String(i), pid(i)])), app: 'appropriateness', emp: 'empathy' },
            }),
          },
        ]);
        const ratingSeconds = (performance.now() - t0) / 1000;
        expect(ratings).toMatchObject({ inserted: RATERS * PER_RATER * 6, created: { participants: RATERS } });
        const n = await opened.db.selectFrom('ratings').select(opened.db.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
        expect(Number(n.n)).toBe(50_040);

        console.log(
          `[import volume, ${backend.name}] 10,000 posts: ${postSeconds.toFixed(2)} s (${Math.round(POSTS / postSeconds)} rows/s); ` +
            `50,040 ratings from a ${RATERS} x 723 wide file: ${ratingSeconds.toFixed(2)} s (${Math.round(50_040 / ratingSeconds)} ratings/s)`,
        );
      } finally {
        await dispose();
      }
    });
  });
}
