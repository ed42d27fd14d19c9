import { describe, expect, it } from 'vitest';
import { icc, krippendorffAlpha } from '../../src/stats/reliability.js';

describe('intraclass correlations', () => {
  it('reproduces Shrout & Fleiss (1979), Table 2 data and Table 4 values (6 targets, 4 judges)', () => {
    const table2 = [
      [9, 2, 5, 8],
      [6, 1, 3, 2],
      [8, 4, 6, 8],
      [7, 1, 2, 6],
      [10, 5, 6, 9],
      [6, 2, 4, 7],
    ];
    const r = icc(table2);
    // Published (two decimals): .17, .29, .71, .44, .62, .91
    expect(r.icc1).toBeCloseTo(0.17, 2);
    expect(r.icc2).toBeCloseTo(0.29, 2);
    expect(r.icc3).toBeCloseTo(0.71, 2);
    expect(r.icc1k).toBeCloseTo(0.44, 2);
    expect(r.icc2k).toBeCloseTo(0.62, 2);
    expect(r.icc3k).toBeCloseTo(0.91, 2);
    // Their ANOVA table: BMS 11.24, WMS 6.26, JMS 32.49, EMS 1.02
    expect(r.meanSquares.between).toBeCloseTo(11.24, 2);
    expect(r.meanSquares.within).toBeCloseTo(6.26, 2);
    expect(r.meanSquares.judges).toBeCloseTo(32.49, 2);
    expect(r.meanSquares.error).toBeCloseTo(1.02, 2);
  });

  it('rejects incomplete tables with a pointer to alpha', () => {
    expect(() => icc([[1, 2], [3]])).toThrow(/complete table/);
  });
});

describe("Krippendorff's alpha", () => {
  // Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers, 12 units,
  // values 1..5 with missing data; published alpha nominal .743, ordinal .815, interval .849, ratio .797.
  const _ = null;
  const data = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
  ];
  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ] as const)('%s metric: %f', (metric, published) => {
    expect(krippendorffAlpha(data, metric)).toBeCloseTo(published, 3);
  });

  it('is 1 for perfect agreement and needs a pairable unit', () => {
    expect(krippendorffAlpha([[1, 2, 3], [1, 2, 3]], 'interval')).toBe(1);
    expect(() => krippendorffAlpha([[1, _], [_, 2]])).toThrow(/two or more values/);
  });
});
