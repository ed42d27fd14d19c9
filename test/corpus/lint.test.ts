import { describe, expect, it } from 'vitest';
import { lintPosts, redactTable } from '../../src/corpus/lint.js';
import { parseTable } from '../../src/corpus/table.js';
import { findPersonalInfo, redact } from '../../src/language/personal-info.js';
import { countWords } from '../../src/language/words.js';
import { smallStudy } from '../helpers/study.js';

const long = (n: number, word = 'word') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

describe('personal information', () => {
  it('finds e-mails, phone numbers, URLs and handles, and leaves years and prices alone', () => {
    const text =
      'Mail me at jane.doe+x@example.co.uk or call +1 (555) 123-4567. See https://example.org/a?b=1 ' +
      'and www.forum.net. Thanks u/throwaway_99 and @sunny_day! In 2019-2020 I paid 1,200 dollars.';
    expect(findPersonalInfo(text).map((s) => [s.kind, s.text])).toEqual([
      ['email', 'jane.doe+x@example.co.uk'],
      ['phone', '+1 (555) 123-4567'],
      ['url', 'https://example.org/a?b=1'],
      ['url', 'www.forum.net'],
      ['handle', 'u/throwaway_99'],
      ['handle', '@sunny_day'],
    ]);
    expect(redact('write to a@b.com now')).toBe('write to [EMAIL] now');
  });

  it('counts words with contractions, curly apostrophes and hyphens as one', () => {
    expect(countWords("I don't know, it’s my well-being… 3 times!")).toBe(8);
    expect(countWords('')).toBe(0);
  });
});

describe('lintPosts', () => {
  const study = smallStudy();
  const csv = [
    'post_id,domain,text',
    `ok1,anger,"${long(60, 'calm')}"`,
    `short,anger,"${long(20)}"`,
    `toolong,work,"${long(450)}"`,
    `q,anxiety,"Is it normal to feel anxious before exams?"`,
    `dup1,work,"${long(70, 'same')}"`,
    `dup2,work,"${long(70, 'same')} extra"`,
    `pii,anger,"${long(55, 'text')} contact me at someone@example.com"`,
  ].join('\n');
  const table = parseTable(new TextEncoder().encode(csv), 'csv', 'posts.csv');
  const findings = lintPosts(study, { table, idColumn: 'post_id', textColumns: ['text'] });

  it('reports every rule with file:line:column and the post id', () => {
    expect(findings.map((f) => `${f.where} ${f.rule} ${f.id}`)).toEqual([
      'posts.csv:3:3 length short',
      'posts.csv:4:3 length toolong',
      'posts.csv:5:3 length q',
      'posts.csv:5:3 question-only q',
      'posts.csv:7:3 near-duplicate dup2',
      'posts.csv:8:3 personal-info pii',
    ]);
    expect(findings.find((f) => f.rule === 'near-duplicate')?.message).toBe('99% similar to post "dup1" (line 6)');
  });

  it('redacts a copy and logs every change', () => {
    const { rows, log } = redactTable({ table, idColumn: 'post_id', textColumns: ['text'] });
    expect(rows[6]?.text?.endsWith('contact me at [EMAIL]')).toBe(true);
    expect(log).toEqual([{ file: 'posts.csv', line: 8, column: 'text', id: 'pii', kind: 'email', original: 'someone@example.com' }]);
  });
});
