/**
 * Paths on the command line are relative to the current folder (not the study folder), for
 * `--db`, `import --posts` and `lint --posts`; `lint` checks a file given on the command line,
 * long cells included.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../helpers/study.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/empathy-lab.js');
const run = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
};

const MANIFEST = `
name: paths
domains: [anger]
sources: [{ id: human, kind: corpus }]
instrument: { scales: [{ id: empathy, question: Q }] }
lint: { min_words: 1, max_chars: 200 }
`;

describe('paths from the current folder', () => {
  it('--db, import --posts and lint --posts resolve against the current folder', async () => {
    const root = await tempFolder({
      'study/study.yaml': MANIFEST,
      'data/posts.csv': `post_id,domain,text\np1,anger,I shouted at my neighbour this morning and feel awful about it.\np2,anger,"${'very '.repeat(60)}long"\n`,
    });
    const lint = run(root, 'lint', 'study', '--posts', 'data/posts.csv');
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(`data/posts.csv:3:3: error: long-cell: post p2: 304 characters, over lint.max_chars (200)`);
    const imported = run(root, 'import', 'study', '--posts', 'data/posts.csv', '--db', 'dbs/here.sqlite', '--allow-long-cells');
    expect(imported.stderr).toBe('empathy-lab: dbs/here.sqlite: cannot open the SQLite database (Cannot open database because the directory does not exist); check the --db path and that its folder exists'.replace('dbs/here.sqlite', path.join(root, 'dbs/here.sqlite')));
    const ok = run(root, 'import', 'study', '--posts', 'data/posts.csv', '--db', 'here.sqlite', '--allow-long-cells');
    expect(ok.code).toBe(0);
    expect(existsSync(path.join(root, 'here.sqlite'))).toBe(true);
    expect(existsSync(path.join(root, 'study', 'here.sqlite'))).toBe(false);
    expect(run(root, 'import', 'study', '--posts', 'data/posts.csv', '--db', 'here.sqlite').stderr).toMatch(/^empathy-lab: data\/posts\.csv:3:3: a text cell of 304 characters \(the limit is 200\);/);
  });
});
