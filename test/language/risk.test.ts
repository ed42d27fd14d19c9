import { describe, expect, it } from 'vitest';
import { findPersonalInfo, redact } from '../../src/language/personal-info.js';
import { medianInterval } from '../../src/stats/median.js';
import { wordEditDistance } from '../../src/language/edit-distance.js';
import { screenForRisk } from '../../src/language/risk.js';
import { blockArm } from '../../src/stats/randomise.js';

describe('the risk screen of a post', () => {
  it('finds risk phrases whatever their case, spacing, apostrophes or hyphens, and says where', () => {
    const text = "Honestly some nights I think everyone would be better off without me. I don’t want to live like this, I've thought about Self-Harm.";
    const found = screenForRisk(text);
    expect(found.map((m) => [m.kind, m.phrase])).toEqual([
      ['self_harm', 'better off without me'],
      ['self_harm', "don't want to live"],
      ['self_harm', 'self harm'],
    ]);
    expect(text.slice(found[0]?.start, found[0]?.end)).toBe('better off without me');
  });

  it('matches even when negated (a false alarm costs a reply; a miss costs more), and not inside other words', () => {
    expect(screenForRisk("I'm not going to KILL   myself, don't worry.").map((m) => m.phrase)).toEqual(['kill myself']);
    expect(screenForRisk('My partner hits me when he drinks.').map((m) => m.kind)).toEqual(['danger_from_others']);
    expect(screenForRisk('I am so angry I could kill them.').map((m) => m.kind)).toEqual(['harm_to_others']);
    // "skills", "shooting star" as a word is not "shoot"; an everyday frustration is not a risk.
    expect(screenForRisk('My boss ignores my skills and the deadline is killing the mood; I watched a shooting star.')).toEqual([]);
  });

  it("takes a study's own phrases instead of the built-in ones", () => {
    expect(screenForRisk('Ich will nicht mehr leben.', [{ kind: 'self_harm', phrase: 'nicht mehr leben' }])).toMatchObject([{ phrase: 'nicht mehr leben', start: 9, end: 25 }]);
  });
});

describe('how much a supporter changed the draft', () => {
  it('counts whole-word insertions, deletions and substitutions', () => {
    expect(wordEditDistance('That sounds really hard.', 'That sounds really hard.')).toEqual({ distance: 0, normalised: 0, draftWords: 4, sentWords: 4 });
    // "really" -> "so", "hard" kept, ", I'm here" added (2 words): 3 edits over 6 words.
    expect(wordEditDistance('That sounds really hard.', "That sounds so hard, I'm here.")).toEqual({ distance: 3, normalised: 0.5, draftWords: 4, sentWords: 6 });
    expect(wordEditDistance('', '')).toEqual({ distance: 0, normalised: 0, draftWords: 0, sentWords: 0 });
    expect(wordEditDistance('a b c', 'x y').normalised).toBe(1);
  });
});

describe('arms balanced within each domain', () => {
  it('every block of a stratum holds each arm equally often, and the same seed gives the same arms', () => {
    const arms = ['human', 'assisted'] as const;
    const run = (stratum: string) => Array.from({ length: 40 }, (_, i) => blockArm(arms, stratum, i, { seed: 7 }));
    const anger = run('anger');
    for (let b = 0; b < 10; b++) expect(anger.slice(b * 4, b * 4 + 4).filter((a) => a === 'human')).toHaveLength(2);
    expect(run('anger')).toEqual(anger);
    expect(run('anxiety')).not.toEqual(anger);
    expect(Array.from({ length: 40 }, (_, i) => blockArm(arms, 'anger', i, { seed: 8 }))).not.toEqual(anger);
    expect(() => blockArm(arms, 'anger', 0, { seed: 1, blockSize: 3 })).toThrow(/cannot hold each of 2 arms equally often/);
  });
});

describe('names and places in a field post', () => {
  it('redacts a name or place after the words that introduce it, and leaves the cue and other capitals', () => {
    const text = 'My name is Anna Kowalski and I live in Leeds. My boss Karen shouts; Dr. Patel said rest. I moved to New York from Monday on. My friend I trust. Call 07700 900123.';
    const spans = findPersonalInfo(text, { namesAndPlaces: true });
    expect(spans.map((s) => [s.kind, s.text])).toEqual([
      ['name', 'Anna Kowalski'],
      ['place', 'Leeds'],
      ['name', 'Karen'],
      ['name', 'Patel'],
      ['place', 'New York'],
      ['phone', '07700 900123'],
    ]);
    expect(redact(text, spans)).toBe('My name is [NAME] and I live in [PLACE]. My boss [NAME] shouts; Dr. [NAME] said rest. I moved to [PLACE] from Monday on. My friend I trust. Call [PHONE].');
    // The corpus lint keeps to contact details.
    expect(findPersonalInfo(text).map((s) => s.kind)).toEqual(['phone']);
  });
});

describe('the median with its distribution-free interval', () => {
  it('takes the order statistics R finds with pbinom (n = 10: the 2nd and 9th, coverage 97.9%)', () => {
    const xs = [7, 1, 9, 3, 5, 10, 2, 8, 4, 6];
    const m = medianInterval(xs);
    expect([m.n, m.median, m.lower, m.upper]).toEqual([10, 5.5, 2, 9]);
    // 1 - 2 * pbinom(1, 10, 0.5) in R
    expect(m.coverage).toBeCloseTo(0.978515625, 12);
    // n = 5 is too few for 95%: 1 - 2 * pbinom(0, 5, .5) = .9375
    expect(Number.isNaN(medianInterval([1, 2, 3, 4, 5]).lower)).toBe(true);
  });
});
