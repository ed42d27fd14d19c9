import { describe, expect, it } from 'vitest';
import { buildVocabulary, terms, vectorize } from '../../src/language/bag-of-words.js';
import { classify, evaluate, stratifiedFolds, stratifiedSplit } from '../../src/stats/classification.js';

describe('bag of words', () => {
  it('drops stopwords and punctuation, keeps negations, forms bigrams over content words, counts emojis', () => {
    expect(terms("I'm so sorry to hear that, it is not okay! 💔")).toEqual({
      words: ["i'm", 'so', 'sorry', 'hear', 'not', 'okay', "i'm so", 'so sorry', 'sorry hear', 'hear not', 'not okay'],
      emojis: ['💔'],
    });
  });

  it('keeps the most frequent terms, ties alphabetical, and counts them per text', () => {
    const texts = ['sorry sorry hear', 'sorry hear 💔', 'okay 💔 💔'];
    const v = buildVocabulary(texts, { words: 2, emojis: 1 });
    expect(v.terms).toEqual(['sorry', 'hear', '💔']);
    expect(Array.from(vectorize(texts, v))).toEqual([2, 1, 0, 1, 1, 1, 0, 0, 2]);
  });
});

describe('classifier evaluation', () => {
  it('computes precision, recall, F1 and the confusion matrix by hand', () => {
    // actual:    a a a b b c
    // predicted: a a b b c c
    const e = evaluate(Int32Array.of(0, 0, 0, 1, 1, 2), Int32Array.of(0, 0, 1, 1, 2, 2), ['a', 'b', 'c']);
    expect(e.confusion).toEqual([[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
    expect(e.perClass.map((m) => [m.label, m.precision, m.recall])).toEqual([['a', 1, 2 / 3], ['b', 0.5, 0.5], ['c', 0.5, 1]]);
    expect(e.perClass[0]?.f1).toBeCloseTo(0.8, 12);
    expect(e.accuracy).toBeCloseTo(4 / 6, 12);
  });

  it('splits and folds by class, reproducibly for a seed', () => {
    const labels = Int32Array.from({ length: 30 }, (_, i) => i % 3);
    const s1 = stratifiedSplit(labels, 0.1, 7);
    expect(s1).toEqual(stratifiedSplit(labels, 0.1, 7));
    expect(s1.test.map((i) => labels[i]).sort()).toEqual([0, 1, 2]);
    const folds = stratifiedFolds(labels, 5, 7);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const f of folds) expect(f.map((i) => labels[i]).sort()).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('tells apart sources with distinct styles and names their marker words', () => {
    const texts: string[] = [];
    const labels: string[] = [];
    for (let i = 0; i < 30; i++) {
      texts.push(`hey totally get it friend ${i % 2 ? 'wow' : 'omg'} hugs 🤗`);
      labels.push('casual');
      texts.push(`consider speaking with a therapist about this situation ${i % 2 ? 'professional' : 'counsellor'}`);
      labels.push('formal');
    }
    const v = buildVocabulary(texts);
    const r = classify(vectorize(texts, v), v.terms.length, labels, v.terms, { seed: 3 });
    expect(r.test.accuracy).toBe(1);
    expect(r.crossValidation.meanF1).toEqual({ casual: 1, formal: 1 });
    expect(r.topFeatures.formal?.map((t) => t.term)).toContain('therapist');
    expect(r.topFeatures.casual?.map((t) => t.term)).toContain('🤗');
    expect(r.trainSize + r.testSize).toBe(60);
  });
});
