import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTable, toCsv } from '../../src/corpus/table.js';
import { cli } from '../helpers/cli.js';
import { tempFolder } from '../helpers/study.js';

describe('empathy-lab features', () => {
  it('writes per-reply features for any CSV of texts and compares sources by OLS and a mixed model', async () => {
    const dir = await tempFolder({});
    const texts = [
      ['p1', 'human', 'That sounds really hard. I went through something similar and it took time.'],
      ['p1', 'bot', "Hey!! I'm so sorry 😢 That totally makes sense! Have you talked to a therapist?"],
      ['p2', 'human', 'It makes sense that you feel tired. Give yourself some rest this week.'],
      ['p2', 'bot', 'Oh no!! That sounds awful 💔 You are not alone! What helps you relax?'],
      ['p3', 'human', 'I am sorry about your job. Maybe talk to someone you trust about it.'],
      ['p3', 'bot', 'Wow, that is a lot! 😮 Sending hugs! Could a counsellor help you?'],
      ['p4', 'human', 'Losing a friend hurts. It is okay to grieve and to reach out when ready.'],
      ['p4', 'bot', "Aww I'm sorry!! 🫂 It's understandable to feel that way! How are you now?"],
    ];
    const data = path.join(dir, 'replies.csv');
    await writeFile(data, toCsv(['post', 'model', 'reply'], texts.map(([post, model, reply]) => ({ post, model, reply }))));
    const out = path.join(dir, 'f.csv');
    const r = await cli('features', '--data', data, '--text', 'reply', '--group', 'model', '--unit', 'post', '--out', out, '--reference', 'human', '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.replies).toBe(8);
    const ex = res.comparisons.exclamation_marks;
    expect(ex.groups.map((g: { group: string }) => g.group)).toEqual(['human', 'bot']);
    expect(ex.ols[0].contrast).toBe('human - bot');
    expect(ex.ols[0].b).toBeLessThan(0);
    expect(ex.mixed[0].contrast).toBe('human - bot');
    expect(res.comparisons.emojis.groups[0].mean).toBe(0);
    const table = parseTable(await readFile(out), 'csv', 'f.csv');
    expect(table.records).toHaveLength(8);
    expect(table.columns.slice(0, 4)).toEqual(['id', 'group', 'unit', 'words']);
    // Row 2: "Hey!! I'm so sorry 😢 That totally makes sense! Have you talked to a therapist?" has 14 words, 1 emoji.
    expect(Number(table.records[1]?.values.words)).toBe(14);
    expect(Number(table.records[1]?.values.emojis)).toBeCloseTo(1 / 14, 12);
  });

  it('names a missing column in one line', async () => {
    const dir = await tempFolder({ 'x.csv': 'post,text\np1,hello there\n' });
    const r = await cli('features', '--data', path.join(dir, 'x.csv'), '--group', 'model');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/x\.csv:1: no column "model" for the group \(the columns are: post, text\); name the right column with --group NAME$/);
  });
});
