import { describe, expect, it } from 'vitest';
import { lexiconScores } from '../../src/judge/lexicon.js';
import { parseJudgeAnswer } from '../../src/judge/parse.js';
import { EPITOME, judgePrompt, parseRubricFile, scalesRubric } from '../../src/judge/rubric.js';
import { UserError } from '../../src/errors.js';

describe('rubrics', () => {
  it('a rubric file: items with their ranges and anchors; a wrong one says where and what', () => {
    const r = parseRubricFile('items:\n  - { id: warmth, question: How warm is it?, min: 1, max: 3, anchors: [cold, mild, warm] }\n', 'rubrics/warmth.yaml');
    expect(r.items).toEqual([{ id: 'warmth', question: 'How warm is it?', min: 1, max: 3, anchors: ['cold', 'mild', 'warm'] }]);
    expect(judgePrompt(r, { title: null, text: 'A post.' }, 'A reply.')[0]?.content).toContain('- warmth: How warm is it? (a whole number, 1 = cold; 2 = mild; 3 = warm)');
    const bad = () => parseRubricFile('items:\n  - { id: warmth, question: Q, min: 1, max: 3, anchors: [cold, warm] }\n', 'rubrics/warmth.yaml');
    expect(bad).toThrow(UserError);
    expect(bad).toThrow('item warmth: 2 anchors for 3 points');
    expect(() => parseRubricFile('items: []\n', 'r.yaml')).toThrow('items: Too small');
  });

  it('EPITOME: three items from 0 to 2; the study scales verbatim', () => {
    expect(EPITOME.items.map((i) => [i.id, i.min, i.max])).toEqual([
      ['emotional_reactions', 0, 2],
      ['interpretations', 0, 2],
      ['explorations', 0, 2],
    ]);
    expect(scalesRubric([{ id: 'empathy', type: 'likert', question: 'How empathic?', points: 7 }]).items).toEqual([{ id: 'empathy', question: 'How empathic?', min: 1, max: 7 }]);
  });

  it('an answer is a score only when every item has a whole number in range', () => {
    const r = scalesRubric([{ id: 'empathy', type: 'likert', question: 'Q', points: 5 }]);
    expect(parseJudgeAnswer('{"scores": {"empathy": 4}, "rationale": "warm"}', r)).toEqual({ ok: true, scores: { empathy: 4 }, rationale: 'warm' });
    expect(parseJudgeAnswer('{"scores": {"empathy": 4.5}}', r)).toEqual({ ok: false, error: 'no whole-number score for empathy' });
    expect(parseJudgeAnswer('{"scores": {"empathy": 0}}', r)).toEqual({ ok: false, error: 'empathy = 0 is outside 1 to 5' });
    expect(parseJudgeAnswer("I'm sorry, but I can't help with that.", r)).toEqual({ ok: false, error: 'refused' });
    expect(parseJudgeAnswer('{"scores": ', r)).toEqual({ ok: false, error: 'no JSON object in the answer' });
  });

  it('lexicon: warmer replies score higher, the average reply the middle of the range', () => {
    const texts = ['ok.', "I'm so sorry, that sounds really painful and it makes sense to feel hurt.", 'Fine, whatever you think.'];
    const [cold, warm, neutral] = lexiconScores(texts, scalesRubric([{ id: 'empathy', type: 'likert', question: 'Q', points: 5 }])).map((s) => s.empathy as number);
    expect(warm).toBeGreaterThan(cold as number);
    expect(warm).toBeGreaterThan(neutral as number);
    for (const v of [cold, warm, neutral]) expect(v).toBeGreaterThanOrEqual(1);
  });
});
