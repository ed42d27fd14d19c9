import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../../src/language/features.js';

// The example sentences published with VADER (Hutto & Gilbert 2014; the vaderSentiment README) and
// their compound scores. src/language/vader.ts follows vaderSentiment 3.3.2's rules.
const PUBLISHED: Array<[string, number]> = [
  ['VADER is smart, handsome, and funny.', 0.8316],
  ['VADER is smart, handsome, and funny!', 0.8439],
  ['VADER is very smart, handsome, and funny.', 0.8545],
  ['VADER is VERY SMART, handsome, and FUNNY.', 0.9227],
  ['VADER is VERY SMART, handsome, and FUNNY!!!', 0.9342],
  ['VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!', 0.9469],
  ['VADER is not smart, handsome, nor funny.', -0.7424],
  ['The book was good.', 0.4404],
  ["At least it isn't a horrible book.", 0.431],
  ['The book was only kind of good.', 0.3832],
  ['The plot was good, but the characters are uncompelling and the dialog is not great.', -0.7042],
  ['Today SUX!', -0.5461],
  ['Make sure you :) or :D today!', 0.8633],
];

describe('VADER', () => {
  it.each(PUBLISHED)('%s -> %f', (sentence, compound) => {
    expect(extractFeatures(sentence).vader_compound).toBeCloseTo(compound, 4);
  });

  it('pos, neg and neu are shares that sum to one; empty text scores 0', () => {
    const f = extractFeatures('The book was good.');
    expect(f.vader_pos).toBeCloseTo(0.492, 3);
    expect(f.vader_neu).toBeCloseTo(0.508, 3);
    expect((f.vader_pos as number) + (f.vader_neg as number) + (f.vader_neu as number)).toBeCloseTo(1, 2);
    expect(extractFeatures('').vader_compound).toBe(0);
  });

  it('follows vaderSentiment 3.3.2 where the older port did not: capitalised negation, "I", "not bad at all", the but rule', () => {
    // 3.3.2: "NOT" negates (x -0.74) rather than adding ALL-CAPS emphasis; the older port gave -0.25 and -0.40.
    expect(extractFeatures('You are NOT alone.').vader_compound).toBeCloseTo(0.1877, 4);
    expect(extractFeatures('It is NOT your fault.').vader_compound).toBeCloseTo(0.3089, 4);
    // 3.3.2 keeps one-letter tokens ("I"), so "so" three words back amplifies x 1.25 (the port: -0.151).
    expect(extractFeatures('I am so sorry').vader_compound).toBeCloseTo(-0.188, 4);
    expect(extractFeatures('Not bad at all').vader_compound).toBeCloseTo(0.431, 4);
    // The but rule on "But" too (3.3.2 lower-cases before looking); the README's 0.2228 predates that.
    expect(extractFeatures("Today only kinda sux! But I'll get by, lol").vader_compound).toBeCloseTo(0.5249, 4);
  });

  it("leaves out 3.3.2's emoji descriptions (its emoji table is not shipped here): an emoji scores 0 (3.3.2: 0.875)", () => {
    expect(extractFeatures('Catch utf-8 emoji such as such as 💘 and 💋 and 😁').vader_compound).toBe(0);
  });
});
