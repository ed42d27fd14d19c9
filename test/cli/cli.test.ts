import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { openDb } from '../../src/cli/open-db.js';
import { createPgDatabase, postgresAvailable } from '../helpers/backends.js';
import { demoStudy } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';
import { tempFolder } from '../helpers/study.js';

const run = promisify(execFile);
const pg = await postgresAvailable();

describe('empathy-lab CLI', async () => {
  const root = await tempFolder({});
  const demo = path.join(root, 'demo');

  it('demo copies, imports, generates eliza replies and shows the bundled study; a second run changes nothing', async () => {
    const first = await cli('demo', '--out', demo);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('imported posts from');
    expect(first.stdout).toContain('36 new');
    const again = await cli('demo', '--out', demo);
    expect(again.stdout).toContain('0 new, 36 already there');
    const status = await cli('status', demo, '--json');
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s.posts).toEqual(['anger', 'anxiety', 'covid', 'parenting', 'relationships', 'workplace'].map((domain) => ({ domain, posts: 6 })));
    // The demo's variant arm: the human replies without emojis and exclamation marks.
    expect(s.responses).toEqual([
      { source: 'eliza', condition: 'base', responses: 36 },
      { source: 'human', condition: 'base', responses: 36 },
      { source: 'human-plain', condition: 'base', responses: 36 },
    ]);
    expect(first.stdout).toMatch(/human-plain\s+human\s+36\s+36\s+0\s+0\s+0/);
    expect(again.stdout).toMatch(/human-plain\s+human\s+36\s+0\s+36\s+0\s+0/);
    expect(first.stdout).toMatch(/eliza\s+base\s+36\s+36\s+0\s+0/);
    expect(again.stdout).toMatch(/eliza\s+base\s+36\s+0\s+36\s+0/);
    expect(s.hashes.content).toMatch(/^[0-9a-f]{64}$/);
    expect(s.imports.map((i: { kind: string; rows: number }) => [i.kind, i.rows])).toEqual([
      ['posts', 36],
      ['replies', 36],
    ]);
  });

  it('features and classify run end to end on the demo (human and eliza replies)', async () => {
    const f = await cli('features', demo, '--out', path.join(root, 'demo-features.csv'), '--json');
    expect(f.code).toBe(0);
    const features = JSON.parse(f.stdout);
    expect(features.replies).toBe(108);
    expect(features.comparisons.words.groups.map((g: { group: string }) => g.group)).toEqual(['human', 'eliza', 'human-plain']);
    expect(features.comparisons.words.mixed[0].contrast).toBe('human - eliza');
    const c = await cli('classify', demo, '--json');
    expect(c.code).toBe(0);
    const classifier = JSON.parse(c.stdout).classifier;
    expect(classifier.classes).toEqual(['eliza', 'human', 'human-plain']);
    expect(classifier.testSize).toBe(12);
    expect(classifier.crossValidation.folds).toBe(5);
  });

  it('lint passes the demo corpus and fails, with file:line:column, on personal information', async () => {
    expect((await cli('lint', demo)).code).toBe(0);
    const posts = path.join(demo, 'corpus/posts.csv');
    const text = await readFile(posts, 'utf8');
    await writeFile(posts, text.replace('I snapped at my neighbour', 'I (mail: me@example.com) snapped at my neighbour'));
    const r = await cli('lint', demo, '--redact', path.join(root, 'redacted'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/corpus\/posts\.csv:2:3: error: personal-info: post anger-01: email "me@example\.com"/);
    expect(r.stderr).toBe('empathy-lab: lint: 1 blocking problem found; fix them, or use --redact for personal information');
    const redacted = await readFile(path.join(root, 'redacted/posts.csv'), 'utf8');
    expect(redacted).toContain('I (mail: [EMAIL]) snapped');
    const log = (await readFile(path.join(root, 'redacted/redactions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(log).toEqual([{ file: expect.stringMatching(/posts\.csv$/), line: 2, column: 'text', id: 'anger-01', kind: 'email', original: 'me@example.com' }]);
    await writeFile(posts, text);
  });

  it('a manifest with an unknown key fails in one line and never touches the database', async () => {
    const dir = await tempFolder({});
    await cli('init', path.join(dir, 's'));
    const manifest = path.join(dir, 's/study.yaml');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('  posts_per_rater: 10', '  posts_per_rater: 10\n  post_per_rater: 3'));
    const r = await cli('import', path.join(dir, 's'));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/s\/study\.yaml:\d+ design\.post_per_rater: unknown key "post_per_rater"; did you mean "posts_per_rater"\?$/);
    expect(existsSync(path.join(dir, 's/empathy-lab.sqlite'))).toBe(false);
  });

  it('imports ratings from the command line with mapping flags, and rejects a bad flag value', async () => {
    const file = path.join(root, 'ratings.csv');
    await writeFile(file, 'pid,post,src,emp\nx1,anger-01,human,4\nx1,anger-02,human,\n');
    const ok = await cli('import', demo, '--ratings', file, '--columns', 'rater=pid,source=src,value=emp', '--scale', 'empathy', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).results[0]).toMatchObject({ kind: 'ratings', inserted: 1, missing: 1 });
    const bad = await cli('import', demo, '--ratings', file, '--columns', 'rater');
    expect(bad).toMatchObject({ code: 1, stderr: 'empathy-lab: --columns: expected KEY=VALUE, got "rater"; write it as --columns id=post_id,text=body' });
  });

  it('init writes a study that validates, with its JSON Schema beside it; refuses a non-empty folder', async () => {
    const dir = path.join(root, 'new-study');
    const r = await cli('init', dir);
    expect(r.code).toBe(0);
    expect((await readFile(path.join(dir, 'study.yaml'), 'utf8')).split('\n')[0]).toBe('# yaml-language-server: $schema=./study.schema.json');
    expect(JSON.parse(await readFile(path.join(dir, 'study.schema.json'), 'utf8')).title).toBe('empathy-lab study manifest');
    expect((await readFile(path.join(dir, 'prompts/base.md'), 'utf8'))).toContain('{{post}}');
    expect((await cli('status', dir)).code).toBe(0);
    expect(await cli('init', dir)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^empathy-lab: .*new-study: the folder is not empty; choose a new folder name$/) });
  });

  it('schema prints the JSON Schema', async () => {
    const r = await cli('schema');
    expect(JSON.parse(r.stdout).properties.sources.type).toBe('array');
  });

  it.runIf(pg)('db migrate applies migrations to Postgres once, then reports it up to date', async () => {
    const database = await createPgDatabase();
    try {
      expect((await cli('db', 'migrate', '--db', database.url)).stdout).toMatch(/applied 2026_11_22_001_initial, .*2026_11_27_012_field_study$/);
      expect((await cli('db', 'migrate', '--db', database.url)).stdout).toMatch(/up to date \(2026_11_27_012_field_study\)$/);
      const full = await cli('demo', '--out', path.join(root, 'demo-pg'), '--db', database.url);
      expect(full.code).toBe(0);
      expect(full.stdout.trim().split('\n').at(-1)).toBe(`report: ${path.resolve(root, 'demo-pg', 'report.html')}`);
      const s = JSON.parse((await cli('status', path.join(root, 'demo-pg'), '--db', database.url, '--json')).stdout);
      expect(s.responses).toEqual([
        { source: 'eliza', condition: 'base', responses: 36 },
        { source: 'human', condition: 'base', responses: 36 },
        { source: 'human-plain', condition: 'base', responses: 36 },
      ]);
    } finally {
      await database.drop();
    }
  });

  it('every command has --help with an example', async () => {
    const program = await buildProgram({ out: () => undefined, err: () => undefined, isTty: false });
    const commands = program.commands.flatMap((c) => (c.commands.length ? c.commands : [c]));
    for (const c of commands) {
      let help = '';
      c.configureOutput({ writeOut: (s) => void (help += s) });
      c.outputHelp();
      expect(help, c.name()).toMatch(/Examples?:\n\s+\$ empathy-lab /);
    }
  });

  it('the installed bin exits 1 with one line and no stack trace on bad input', async () => {
    const bin = path.resolve('bin/empathy-lab.js');
    const r = await run(process.execPath, [bin, 'status', path.join(root, 'nowhere')]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(r).toMatchObject({ code: 1 });
    expect((r as { stderr: string }).stderr.trim()).toMatch(/^empathy-lab: .*nowhere\/study\.yaml: no study manifest here; pass a study folder/);
    expect((r as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });

});

describe('database errors', () => {
  it('an unreachable Postgres server is a one-line connection error, not a migration error', async () => {
    const r = await cli('db', 'migrate', '--db', 'postgres://nobody@127.0.0.1:1/none');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('empathy-lab: postgres://nobody@127.0.0.1:1/none: cannot connect to the database (ECONNREFUSED); check that the Postgres server is running and the URL (host, port, user, database) is right');
  });
});

describe('simulate', () => {
  it('adds a simulated panel to the demo: a balanced within-post design on every scale, marked simulated, once', async () => {
    const dir = await demoStudy();
    const r = await cli('simulate', dir, '--effect', 'human=0', '--effect', 'eliza=-0.8', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    // 36 posts, 6 per rater, 5 ratings per response: 30 raters x 6 posts x 2 replies x 2 scales.
    expect(s).toMatchObject({ raters: 30, ratings: 30 * 6 * 2 * 2, scales: ['appropriateness', 'empathy'], effects: { human: 0, eliza: -0.8 } });
    const status = JSON.parse((await cli('status', dir, '--json')).stdout);
    expect(status.participants).toEqual([{ status: 'completed', participants: 30 }]);
    expect(status.ratings).toEqual([{ scale: 'appropriateness', ratings: 360 }, { scale: 'empathy', ratings: 360 }]);
    expect((await cli('simulate', dir)).stderr).toMatch(/already has a simulated panel/);
    // The ratings feed the rating regression.
    const c = JSON.parse((await cli('classify', dir, '--json')).stdout);
    expect(Object.keys(c.regressions).sort()).toEqual(['appropriateness', 'empathy']);
    expect(c.regressions.empathy.n).toBe(72);
    // Sessions and attention checks are stored, so the analysis excludes the inattentive raters.
    const a = JSON.parse((await cli('analyze', dir, '--json')).stdout);
    const failed = a.exclusions.find((e: { rule: string }) => e.rule === 'a failed attention check');
    expect(failed.raters.length).toBeGreaterThan(0);
    expect(failed.ratingsRemoved).toBe(failed.raters.length * 6 * 2 * 2);
    expect(a.raters.total).toBe(30);
    // ...and records whom it left out, and why, in the exclusions table.
    const store = await openDb(undefined, dir);
    try {
      const recorded = await store.db.selectFrom('exclusions').select(['rule', 'reason']).where('rule', '=', 'a failed attention check').execute();
      expect(recorded).toHaveLength(failed.raters.length);
      expect(recorded.every((r) => r.reason === '1 failed attention check')).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('compare', () => {
  it('fits one model across two studies with a study factor and tests whether the source effects differ', async () => {
    const root = await tempFolder({});
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    await demoStudy({ at: a });
    await cli('simulate', a, '--effect', 'human=0', '--effect', 'eliza=-0.8', '--seed', '1');
    await demoStudy({ at: b });
    await writeFile(path.join(b, 'study.yaml'), (await readFile(path.join(b, 'study.yaml'), 'utf8')).replace(/^name: demo$/m, 'name: replication'));
    await cli('import', b, '--db', path.join(b, 'replication.sqlite'));
    await cli('generate', b, '--db', path.join(b, 'replication.sqlite'));
    await cli('simulate', b, '--db', path.join(b, 'replication.sqlite'), '--effect', 'human=0', '--effect', 'eliza=-0.8', '--seed', '2');
    const r = await cli('compare', a, b, '--db-b', path.join(b, 'replication.sqlite'), '--scale', 'empathy', '--json');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.studies).toEqual(['demo', 'replication']);
    // Each study's exclusions apply, as in analyze: the ratings are those analyze keeps.
    const kept = async (dir: string, ...db: string[]) => {
      await cli('analyze', dir, ...db, '--out', path.join(dir, 'kept.json'));
      const doc = JSON.parse(await readFile(path.join(dir, 'kept.json'), 'utf8'));
      return (doc.scales as Array<{ scale: string; ratings: number }>).find((x) => x.scale === 'empathy')?.ratings as number;
    };
    const keptA = await kept(a);
    const keptB = await kept(b, '--db', path.join(b, 'replication.sqlite'));
    expect(keptA + keptB).toBeLessThan(720);
    expect(c.ratings).toBe(keptA + keptB);
    expect(c.excludedRaters.demo + c.excludedRaters.replication).toBeGreaterThan(0);
    expect(c.fixef.map((f: { term: string }) => f.term)).toEqual(['(Intercept)', 'sourceeliza', 'studyreplication', 'sourceeliza:studyreplication']);
    expect(c.fixef[1].estimate).toBeLessThan(-0.4);
    expect(c.interactionTest).toMatchObject({ df: 1 });
    expect(c.perStudy.map((s: { study: string }) => s.study)).toEqual(['demo', 'replication']);
    // Two studies with the same name (two runs of one manifest) are told apart by their folders.
    const twin = path.join(root, 'twin');
    await demoStudy({ at: twin });
    await cli('simulate', twin, '--effect', 'human=0', '--effect', 'eliza=-0.8', '--seed', '3');
    const same = JSON.parse((await cli('compare', a, twin, '--scale', 'empathy', '--json')).stdout);
    expect(same.studies).toEqual(['a', 'twin']);
    expect(same.fixef.map((f: { term: string }) => f.term)).toContain('studytwin');
  });
});
