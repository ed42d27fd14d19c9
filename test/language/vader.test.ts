import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../../src/language/features.js';

// The example sentences published with VADER (Hutto & Gilbert 2014; the vaderSentiment README) and
// their compound scores, as published for the release the vader-sentiment package ports.
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

  it('does not have the rules added to the Python package after this release (documented in the README)', () => {
    // vaderSentiment 3.3 scores these 0.875 (emoji descriptions), 0.431 ("not bad at all") and 0.5249.
    expect(extractFeatures('Catch utf-8 emoji such as such as 💘 and 💋 and 😁').vader_compound).toBe(0);
    expect(extractFeatures('Not bad at all').vader_compound).toBeCloseTo(-0.5423, 4);
    expect(extractFeatures("Today only kinda sux! But I'll get by, lol").vader_compound).toBeCloseTo(0.2228, 4);
  });
});
