import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/corpus/table.js';
import { cli } from '../helpers/cli.js';
import { tempFolder } from '../helpers/study.js';

describe('empathy-lab classify', () => {
  it('classifies sources from a CSV of texts and regresses ratings on the same terms', async () => {
    const rows: Array<Record<string, string>> = [];
    const casual = ['hey', 'totally', 'omg', 'wow', 'hugs'];
    const formal = ['consider', 'therapist', 'professional', 'support', 'situation'];
    for (let i = 0; i < 40; i++) {
      const w = i % 2 === 0 ? casual : formal;
      const text = `${w[i % 5]} ${w[(i + 2) % 5]} this sounds hard ${i % 3 === 0 ? 'really' : 'truly'} ${i % 2 === 0 ? '🤗' : ''}`;
      rows.push({ model: i % 2 === 0 ? 'llama2' : 'gpt4', reply: text, empathy: String(i % 2 === 0 ? 3 + (i % 3) * 0.1 : 4 + (i % 3) * 0.1) });
    }
    const dir = await tempFolder({});
    const file = path.join(dir, 'replies.csv');
    await writeFile(file, toCsv(['model', 'reply', 'empathy'], rows));
    const r = await cli('classify', '--data', file, '--text', 'reply', '--group', 'model', '--rating', 'empathy', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.classifier.classes).toEqual(['gpt4', 'llama2']);
    expect(out.classifier.test.accuracy).toBe(1);
    expect(out.classifier.crossValidation.meanF1).toEqual({ gpt4: 1, llama2: 1 });
    expect(out.terms).toContain('🤗');
    expect(out.regressions.empathy.n).toBe(40);
    expect(out.regressions.empathy.ridge.cv.mae).toBeLessThan(0.5);

    const text = await cli('classify', '--data', file, '--text', 'reply', '--group', 'model');
    expect(text.stdout).toContain('confusion (rows actual, columns predicted):');
    expect(text.stdout).toMatch(/top terms per source/);
  });

  it('does not fall over on terms that always occur together or once: OLS is left out with its reason, ridge chooses its penalty, --ridge-lambda sets it', async () => {
    const rows: Array<Record<string, string>> = [];
    for (let i = 0; i < 60; i++) {
      const a = i % 2 === 0;
      // "sleep hygiene" always together; "zeitgeist" once.
      const text = `${a ? 'sleep hygiene matters' : 'talk to someone'} ${i % 3 === 0 ? 'gently' : 'slowly'} ${i === 11 ? 'zeitgeist' : ''} ${i % 5 === 0 ? 'please' : 'now'}`;
      rows.push({ model: a ? 'gpt4' : 'human', reply: text, empathy: String(3 + (a ? 0.6 : 0) + ((i * 7) % 5) * 0.1) });
    }
    const dir = await tempFolder({});
    const file = path.join(dir, 'replies.csv');
    await writeFile(file, toCsv(['model', 'reply', 'empathy'], rows));
    const r = await cli('classify', '--data', file, '--text', 'reply', '--group', 'model', '--rating', 'empathy', '--json');
    expect(r.code).toBe(0);
    const reg = JSON.parse(r.stdout).regressions.empathy;
    expect(reg.ols).toBeNull();
    expect(reg.olsOmitted).toMatch(/^not identified/);
    expect(reg.ridge.lambdaChosenBy).toBe('cross-validation');
    expect(reg.ridge.cv.mae).toBeLessThan(reg.baseline.mae);
    const text = await cli('classify', '--data', file, '--text', 'reply', '--group', 'model', '--rating', 'empathy', '--ridge-lambda', '5');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('ridge (lambda 5, given)');
    expect(text.stdout).toMatch(/OLS: left out \(not identified/);
    expect(text.stdout).toContain('baseline (the training mean)');
    expect(text.stderr).not.toContain('collinear');
  });

  it('refuses a single source in one line', async () => {
    const dir = await tempFolder({ 'x.csv': 'source,text\na,hello there\na,hi again\n' });
    const r = await cli('classify', '--data', path.join(dir, 'x.csv'));
    expect(r).toMatchObject({ code: 1 });
    expect(r.stderr).toMatch(/the classifier needs replies from at least two sources/);
  });
});
