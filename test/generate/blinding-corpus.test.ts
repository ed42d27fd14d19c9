import { describe, expect, it } from 'vitest';
import { blind } from '../../src/generate/transforms.js';
import { CHANGED, UNCHANGED } from './fixtures/blinding-corpus.js';

describe('the blinding clean-up on replies as models write them', () => {
  it(`has a corpus of at least 40 replies to clean and 20 to leave alone (${CHANGED.length} and ${UNCHANGED.length})`, () => {
    expect(CHANGED.length).toBeGreaterThanOrEqual(40);
    expect(UNCHANGED.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of CHANGED)
    it(`cleans: ${c.name}`, () => {
      const r = blind(c.input);
      expect(r.text).toBe(c.expected);
      // Every change is logged, under the transform that made it, and the log chains from input to output.
      expect(r.log.map((l) => l.transform)).toEqual(c.transforms);
      expect(r.log[0]?.before).toBe(c.input);
      expect(r.log.at(-1)?.after).toBe(c.expected);
      for (let i = 1; i < r.log.length; i++) expect(r.log[i]?.before).toBe(r.log[i - 1]?.after);
    });

  for (const text of UNCHANGED)
    it(`leaves alone: ${text.slice(0, 50)}`, () => {
      expect(blind(text)).toEqual({ text, log: [] });
    });
});
