import { describe, expect, it } from 'vitest';
import { BATTERY, extractFeatures, syllables } from '../../src/language/features.js';
import { sentences, tokenize } from '../../src/language/tokenize.js';

describe('tokenize', () => {
  it('keeps contractions, curly apostrophes, hyphens and numbers as single lower-case words', () => {
    const t = tokenize('I don’t know, it\'s my well-being… 3 times! You’re OK?');
    expect(t.words).toEqual(["i", "don't", 'know', "it's", 'my', 'well-being', '3', 'times', "you're", 'ok']);
    expect(t.questionMarks).toBe(1);
    expect(t.exclamationMarks).toBe(1);
  });

  it('counts emoji sequences as one: skin tones, ZWJ families, flags, variation selectors', () => {
    const t = tokenize('Hugs 👍🏽 from 👨‍👩‍👧 and 🇯🇵 ❤️❤️ 😁');
    expect(t.emojis).toEqual(['👍🏽', '👨‍👩‍👧', '🇯🇵', '❤️', '❤️', '😁']);
    expect(t.words).toEqual(['hugs', 'from', 'and']);
  });

  it('splits sentences after . ! ? runs and line breaks, not after abbreviations', () => {
    expect(sentences('Hi there. Dr. Smith said so!! Really?! Yes…\nNew line 😊')).toEqual(['Hi there.', 'Dr. Smith said so!!', 'Really?!', 'Yes…', 'New line 😊']);
  });

  it('handles empty text', () => {
    const f = extractFeatures('');
    for (const feature of BATTERY) expect(f[feature.name], feature.name).toBe(0);
  });
});

describe('style battery on hand-counted texts', () => {
  // 21 words: I'm so sorry that makes sense You're not alone and we can talk to her or them How is
  // your sister; 3 sentences (the emoji alone is not one).
  const text = "I'm so sorry, that makes sense. You're not alone and we can talk to her or them! How is your sister? 😊";
  const f = extractFeatures(text);

  it('counts words, sentences and their ratio', () => {
    expect(tokenize(text).words).toHaveLength(21);
    expect(f.words).toBe(21);
    expect(f.sentences).toBe(3);
    expect(f.words_per_sentence).toBeCloseTo(21 / 3, 12);
  });

  it('counts pronoun classes, punctuation and emojis per word', () => {
    expect(f.pronoun_i).toBeCloseTo(1 / 21, 12); // I'm
    expect(f.pronoun_you).toBeCloseTo(2 / 21, 12); // You're, your
    expect(f.pronoun_we).toBeCloseTo(1 / 21, 12);
    expect(f.pronoun_shehe).toBeCloseTo(1 / 21, 12); // her
    expect(f.pronoun_they).toBeCloseTo(1 / 21, 12); // them
    expect(f.question_marks).toBeCloseTo(1 / 21, 12);
    expect(f.exclamation_marks).toBeCloseTo(1 / 21, 12);
    expect(f.emojis).toBeCloseTo(1 / 21, 12);
  });

  it('counts the empathy categories', () => {
    expect(f.apology).toBeCloseTo(1 / 21, 12); // "i'm so sorry" once, not also "sorry"
    expect(f.validation).toBeCloseTo(2 / 21, 12); // makes sense, not alone
    expect(f.questions_to_seeker).toBeCloseTo(1 / 3, 12); // "How is your sister?"
    expect(f.referral).toBe(0);
  });

  it('counts AFINN emotion words, letting a phrase consume its words', () => {
    // sorry (-1), alone (-2): negative 2; no positive word. "no fun" is one negative phrase.
    expect(f.negative_emotion).toBeCloseTo(2 / 21, 12);
    expect(f.positive_emotion).toBe(0);
    const g = extractFeatures('This is no fun at all');
    expect(g.negative_emotion).toBeCloseTo(1 / 6, 12);
    expect(g.positive_emotion).toBe(0);
  });

  it('computes Flesch reading ease and Flesch-Kincaid grade from words, sentences and syllables', () => {
    // "The cat sat on the mat." 6 words, 1 sentence, 6 syllables.
    const g = extractFeatures('The cat sat on the mat.');
    expect(g.flesch_reading_ease).toBeCloseTo(206.835 - 1.015 * 6 - 84.6 * 1, 10);
    expect(g.flesch_kincaid_grade).toBeCloseTo(0.39 * 6 + 11.8 * 1 - 15.59, 10);
    expect([syllables('the'), syllables('table'), syllables('beautiful'), syllables('understanding'), syllables('made')]).toEqual([1, 2, 3, 4, 1]);
  });

  it('names and documents every feature', () => {
    const names = BATTERY.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    for (const b of BATTERY) expect(b.description.length, b.name).toBeGreaterThan(10);
  });
});
