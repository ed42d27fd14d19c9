/**
 * A field study from the command line, as a researcher meets it: `init --type field` writes a
 * complete example that `lint` passes; `simulate` fills it with seekers, supporters and outcomes with
 * a planted arm effect; `analyze` recovers the effect; `report` writes "What did the people who asked
 * think?"; `export` leaves the free text out unless asked, and its refit.R gives R's numbers for the
 * same model. Commands of rating studies refuse a field study in one line.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempFolder } from '../helpers/study.js';

const rAvailable = spawnSync('Rscript', ['-e', 'stopifnot(requireNamespace("lmerTest", quietly = TRUE), requireNamespace("emmeans", quietly = TRUE))'], { stdio: 'ignore' }).status === 0;
if (!rAvailable && process.env.CI) throw new Error('the field refit test needs R with lmerTest and emmeans in CI');

describe('a field study from the command line', async () => {
  const dir = path.join(await tempFolder({}), 'pilot');

  it('init --type field writes a commented example that lint passes; a bad type is one line', async () => {
    const init = await cli('init', dir, '--type', 'field');
    expect(init.code).toBe(0);
    const yaml = await readFile(path.join(dir, 'study.yaml'), 'utf8');
    expect(yaml).toContain('type: field');
    expect(yaml).toMatch(/^# .*safety and ethics checklist/m);
    const tokens = (await readFile(path.join(dir, 'supporters.txt'), 'utf8')).split('\n').filter((l) => /^[0-9a-f]{24}$/.test(l));
    expect(tokens).toHaveLength(3);
    const lint = await cli('lint', dir);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('field study: arms human, assisted; 3 supporter tokens');
    const bad = await cli('init', path.join(dir, '..', 'other'), '--type', 'feild');
    expect([bad.code, bad.stderr.trim()]).toEqual([1, 'empathy-lab: --type: unknown study type "feild"; use --type rating or --type field']);
  });

  it('simulate plants an arm effect that analyze recovers; the report answers its question; rating commands refuse', async () => {
    const sim = await cli('simulate', dir, '--seekers', '400', '--supporters', '20', '--effect', 'assisted=5');
    expect(sim.code).toBe(0);
    expect(sim.stdout).toContain('400 seekers');
    expect((await cli('simulate', dir)).stderr).toContain('the study already has posts');
    expect((await cli('simulate', dir, '--effect', 'gpt4=1')).stderr).toContain('"gpt4" is not an arm of this study');
    const analyzed = await cli('analyze', dir, '--json');
    expect(analyzed.code).toBe(0);
    const a = JSON.parse(analyzed.stdout);
    expect(a.schema).toBe('empathy-lab/field-analysis@1');
    const outcome = a.measures.find((m: { phase: string; measure: string }) => m.phase === 'post' && m.measure === 'feeling').model;
    const c = outcome.contrasts.find((x: { contrast: string }) => x.contrast === 'human - assisted');
    // The planted +5 for assisted: human - assisted = -5 within its interval, which excludes 0.
    expect(c.lower).toBeLessThan(-5);
    expect(c.upper).toBeGreaterThan(-5);
    expect(c.upper).toBeLessThan(0);
    expect(a.posts.screenedOut).toBeGreaterThan(0);
    expect(a.safety.byRule.find((r: { rule: string }) => r.rule === 'lexicon').posts).toBe(a.posts.screenedOut);
    expect(a.edits.n).toBe(a.posts.byArm.find((r: { arm: string }) => r.arm === 'assisted').answered);

    const report = await cli('report', dir);
    expect(report.code).toBe(0);
    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>What did the people who asked think?</h2>');
    expect(html).toContain('Simulated data');
    expect(html).toContain(`human - assisted = ${c.estimate < 0 ? '−' : ''}${Math.abs(c.estimate).toFixed(2)} points`);
    expect(html).toContain('higher in the assisted arm');
    expect((await cli('report', dir, '--format', 'md')).stderr.trim()).toBe("empathy-lab: --format: a field study's report is HTML only; use --format html (its tables are also written as CSV files)");
    for (const command of ['generate', 'plan', 'judge']) {
      const r = await cli(command, dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('this command is for rating studies, and this is a field study');
    }
  });

  it('export leaves the free text out unless asked; refit.R gives the same contrast in R', async () => {
    const plain = await cli('export', dir, '--out', path.join(dir, 'export'));
    expect(plain.code).toBe(0);
    const csv = await readFile(path.join(dir, 'export', 'field-posts.csv'), 'utf8');
    expect(csv.split('\n')[0]).not.toContain('post_text');
    expect(csv).not.toContain('Simulated post');
    const full = await cli('export', dir, '--out', path.join(dir, 'export-text'), '--with-text');
    expect(full.code).toBe(0);
    expect(await readFile(path.join(dir, 'export-text', 'field-posts.csv'), 'utf8')).toContain('Simulated post 1.');
    if (!rAvailable) return;
    const lines = execFileSync('Rscript', ['refit.R'], { cwd: path.join(dir, 'export'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((l) => l.startsWith('{'));
    const r = JSON.parse(lines[0] as string);
    const a = JSON.parse(await readFile(path.join(dir, 'analysis.json'), 'utf8'));
    const ours = a.measures[0].model.contrasts[0];
    expect(r.contrast).toBe(ours.contrast);
    expect(ours.estimate).toBeCloseTo(r.estimate, 6);
    expect(ours.se).toBeCloseTo(r.se, 6);
    expect(ours.df).toBeCloseTo(r.df, 3);
  });

  it("readers rate the same replies in a rating study; the report sets their ratings beside the seekers' own", async () => {
    // The rating study of the replies, from the export's reader corpus (the source of a reply is its arm).
    const readers = path.join(dir, '..', 'readers');
    await mkdir(path.join(readers, 'corpus'), { recursive: true });
    for (const f of ['posts.csv', 'replies.csv']) await copyFile(path.join(dir, 'export-text', 'reader-corpus', f), path.join(readers, 'corpus', f));
    await writeFile(
      path.join(readers, 'study.yaml'),
      `name: readers
domains: [work, relationships, everyday]
corpus:
  posts: { file: corpus/posts.csv }
  replies: [{ file: corpus/replies.csv, columns: { post: post_id, text: text, source: source } }]
sources: [{ id: human, kind: corpus }, { id: assisted, kind: corpus }]
instrument:
  scales:
    - { id: empathy, question: How much does the reply show that its writer understood how the person feels?, points: 5 }
design: { posts_per_rater: 20, target_ratings_per_response: 3 }
lint: { min_words: 1 }
`,
    );
    expect((await cli('import', readers)).code).toBe(0);
    expect((await cli('simulate', readers, '--effect', 'human=0', '--effect', 'assisted=0.3')).code).toBe(0);
    expect((await cli('export', readers)).code).toBe(0);
    // Back into the field study as field.readers.
    const file = path.join(dir, 'study.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('  crisis_resources:', '  readers: { ratings: ../readers/export/ratings.csv }\n  crisis_resources:'));
    const analyzed = await cli('analyze', dir, '--json');
    expect(analyzed.code).toBe(0);
    const a = JSON.parse(analyzed.stdout);
    const rated = a.posts.byArm.reduce((n: number, x: { rated: number }) => n + x.rated, 0);
    expect(a.readers.unmatchedPosts).toBe(0);
    expect(a.readers.scales.map((x: { scale: string }) => x.scale)).toEqual(['empathy']);
    const c = a.readers.scales[0];
    // Every reply its seeker rated has the readers' ratings too.
    expect(c.replies).toBe(rated);
    expect(c.ratingsPerReply.min).toBeGreaterThanOrEqual(3);
    expect(c.correlation.n).toBe(rated);
    expect(c.correlation.lower).toBeLessThan(c.correlation.r);
    expect((await cli('report', dir)).code).toBe(0);
    const html = (await readFile(path.join(dir, 'report.html'), 'utf8')).replace(/&#39;/g, "'");
    expect(html).toContain('Readers and seekers on the same replies: empathy');
    expect(html).toContain("Do readers' ratings predict the seeker's own? On empathy");
    // A readers' file without the seekers' scales is one line naming the file.
    await writeFile(path.join(dir, 'other.csv'), 'post,scale,value\nsim-00001,warmth,3\n');
    await writeFile(file, (await readFile(file, 'utf8')).replace('../readers/export/ratings.csv', 'other.csv'));
    const bad = await cli('analyze', dir);
    expect([bad.code, bad.stderr.trim()]).toEqual([1, "empathy-lab: other.csv: no scale of the readers' file is one the seekers answered (the file has warmth); rate the replies on a scale with the same id as the seekers' (empathy, heard, helpful)"]);
  });
});
