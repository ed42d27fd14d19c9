import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { hashStudy } from '../../src/study/hash.js';
import { loadStudy, parseStudy } from '../../src/study/load.js';
import { studyJsonSchema } from '../../src/study/schema.js';
import { SMALL_MANIFEST, tempFolder } from '../helpers/study.js';

function errorOf(text: string): string {
  try {
    parseStudy(text, 'study.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).format();
  }
  throw new Error('expected a manifest error');
}

describe('study manifest', () => {
  it('turns the plain link off when the study recruits on Prolific, unless the manifest says otherwise', () => {
    expect(parseStudy(SMALL_MANIFEST).recruitment.allow_anonymous).toBe(true);
    const prolific = `${SMALL_MANIFEST}recruitment:\n  prolific: { completion_code: ABC123, study_id: 6650a1b2c3 }\n`;
    expect(parseStudy(prolific).recruitment).toMatchObject({ allow_anonymous: false, prolific: { completion_code: 'ABC123', study_id: '6650a1b2c3' } });
    expect(parseStudy(prolific.replace('recruitment:\n', 'recruitment:\n  allow_anonymous: true\n')).recruitment.allow_anonymous).toBe(true);
    expect(parseStudy(SMALL_MANIFEST).design.idle_minutes).toBe(15);
  });

  it('refuses an unknown participant text key, a code with spaces, and consent given twice', () => {
    expect(errorOf(SMALL_MANIFEST.replace('instrument:\n', 'instrument:\n  text: { done.titel: Fertig }\n'))).toContain('instrument.text.done.titel');
    expect(errorOf(`${SMALL_MANIFEST}recruitment:\n  prolific: { completion_code: "ABC 123" }\n`)).toContain('recruitment.prolific.completion_code');
    expect(errorOf(SMALL_MANIFEST.replace('instrument:\n', 'instrument:\n  consent: I agree.\n  consent_file: consent.md\n'))).toContain('give either consent or consent_file, not both');
  });

  it('takes every rating format, and refuses each misuse in one line naming the key', () => {
    const scales = (extra: string) => SMALL_MANIFEST.replace('    - { id: empathy, question: How empathic is it?, points: 5 }\n', `    - { id: empathy, question: How empathic is it?, points: 5 }\n${extra}`);
    const ok = parseStudy(
      scales(
        '    - { id: warmth, type: slider, question: How warm?, anchors: [Cold, Warm] }\n    - { id: mie, type: multi-item, question: Agree?, items: [{ id: a, text: A }, { id: b, text: B, reverse: true }] }\n    - { id: which, type: pairwise }\n',
      ),
    );
    expect(ok.instrument.scales.map((x) => x.type)).toEqual(['likert', 'likert', 'slider', 'multi-item', 'pairwise']);
    expect(ok.instrument.scales[4]).toEqual({ id: 'which', type: 'pairwise', question: 'Which reply is more empathic?', strength: false });
    expect(errorOf(scales('    - { id: warmth, type: sliders, question: Q }\n'))).toMatch(/instrument\.scales\[2\]\.type: expected a scale type: likert, slider, multi-item or pairwise/);
    expect(errorOf(scales('    - { id: warmth, type: slider, question: Q, anchors: [a, b, c] }\n'))).toContain('instrument.scales[2].anchors: a slider takes two anchors');
    expect(errorOf(scales('    - { id: warmth, type: slider, question: Q, anchors: [a, b], points: 7 }\n'))).toContain('instrument.scales[2].points: unknown key "points"');
    expect(errorOf(scales('    - { id: mie, type: multi-item, question: Q, items: [{ id: a, text: A }] }\n'))).toContain('instrument.scales[2].items: a multi-item scale needs at least two items');
    expect(errorOf(scales('    - { id: mie, type: multi-item, question: Q, items: [{ id: a, text: A }, { id: a, text: B }] }\n'))).toContain('instrument.scales[2].items[1].id: duplicate item id "a"');
    expect(errorOf(scales('    - { id: p1, type: pairwise }\n    - { id: p2, type: pairwise }\n'))).toContain('one pairwise scale per study');
    expect(errorOf(`${scales('    - { id: which, type: pairwise }\n')}design: { type: one-per-post }\n`)).toContain('instrument.scales[2].type: a pairwise scale compares replies to the same post, so it needs design.type: within-post');
    const onlyPairs = SMALL_MANIFEST.replace(/ {4}- \{ id: appropriateness.*\n {4}- \{ id: empathy.*\n/, '    - { id: which, type: pairwise }\n');
    expect(errorOf(onlyPairs)).toContain('add a scale that rates each reply (likert, slider or multi-item) beside the pairwise one');
    const check = (c: string) => `${SMALL_MANIFEST.replace('instrument:\n', `instrument:\n  attention_checks:\n    - ${c}\n`)}`;
    expect(parseStudy(check('{ id: ac, text: Choose B., pair: { left: x, right: y }, answer: right, after: 2 }')).instrument.attention_checks[0]?.pair).toEqual({ left: 'x', right: 'y' });
    expect(errorOf(check('{ id: ac, text: Choose B., pair: { left: x, right: y }, answer: B, after: 2 }'))).toContain("instrument.attention_checks[0].answer: a pairwise check's answer is left or right");
    expect(errorOf(check('{ id: ac, text: Choose B., answer: B, after: 2 }'))).toContain('instrument.attention_checks[0].options: give the options to choose from (or a pair of replies)');
  });

  it('fills in the reference study defaults', () => {
    const study = parseStudy(SMALL_MANIFEST);
    const gpt4 = study.sources[1];
    expect(gpt4).toMatchObject({ kind: 'model', params: { temperature: 0.1, top_p: 0.9, max_tokens: 512 }, samples: 1 });
    expect(gpt4?.kind === 'model' && gpt4.conditions).toEqual([{ id: 'base', prompt: 'prompts/base.md' }]);
    expect(study.analysis).toEqual({
      formula: 'value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)',
      reference_source: 'human',
      adjust: 'holm',
      reml: true,
      models: ['lmm'],
      clmm: { link: 'logit', thresholds: 'flexible' },
    });
    expect(study.design.type).toBe('within-post');
    expect(study.lint).toMatchObject({ min_words: 50, max_words: 400 });
    expect(study.generation).toEqual({ min_words: 100, max_words: 150, blind: true });
  });

  it('accepts the bundled demo and the init template', async () => {
    const demo = await loadStudy(path.resolve('examples/demo'));
    expect(demo.study.domains).toEqual(['anger', 'anxiety', 'covid', 'parenting', 'relationships', 'workplace']);
    expect(demo.study.instrument.scales.map((s) => [s.id, 'points' in s ? s.points : s.type, 'anchors' in s ? s.anchors?.length : undefined])).toEqual([
      ['appropriateness', 5, 5],
      ['empathy', 5, 5],
      ['which', 'pairwise', undefined],
    ]);
    const template = (await readFile('templates/study/study.yaml', 'utf8')).replace('{{name}}', 'tpl');
    expect(parseStudy(template).name).toBe('tpl');
  });

  it('names file, line and path of a wrong value, and what is expected', () => {
    const text = SMALL_MANIFEST.replace('model: gpt-4-turbo }', 'model: gpt-4-turbo, params: { temperature: hot } }');
    expect(errorOf(text)).toBe('study.yaml:6 sources[1].params.temperature: expected a number from 0 to 2, got "hot"');
  });

  it('rejects unknown keys with a suggestion, on the line of the key', () => {
    const text = SMALL_MANIFEST.replace('    - { id: empathy, question: How empathic is it?, points: 5 }', '    - id: empathy\n      question: How empathic?\n      pionts: 5');
    expect(errorOf(text)).toBe('study.yaml:13 instrument.scales[1].pionts: unknown key "pionts"; did you mean "points"?');
    expect(errorOf(`${SMALL_MANIFEST}\ndesing: { type: within-post }\n`)).toBe('study.yaml:13 desing: unknown key "desing"; did you mean "design"?');
  });

  it('reports missing required keys, bad enums, YAML syntax and cross-field rules', () => {
    expect(errorOf(SMALL_MANIFEST.replace('name: small\n', ''))).toMatch(/^study\.yaml:\d+ name: required/);
    expect(errorOf(SMALL_MANIFEST.replace('provider: openai, model: gpt', 'provider: opnai, model: gpt'))).toMatch(
      /^study\.yaml:6 sources\[1\]\.provider: .*"openai".*got "opnai"$/,
    );
    expect(errorOf('name: x\ndomains: [a, b\n')).toMatch(/^study\.yaml:\d+: .*; fix the YAML syntax$/);
    expect(errorOf(SMALL_MANIFEST.replace('{ id: llama2,', '{ id: gpt4,'))).toMatch(/sources\[2\]\.id: duplicate source id "gpt4"/);
    expect(errorOf(SMALL_MANIFEST.replace('points: 5 }\n    - { id: empathy', 'points: 3, anchors: [a, b] }\n    - { id: empathy'))).toMatch(
      /instrument\.scales\[0\]\.anchors: anchors must have one label per point/,
    );
    // The rating app's items: an answer must be one of the options, a choice needs options.
    const check = SMALL_MANIFEST.replace('instrument:\n', 'instrument:\n  attention_checks: [{ id: ac1, text: Choose B., options: [A, B], answer: b, after: 2 }]\n');
    expect(errorOf(check)).toBe('study.yaml:9 instrument.attention_checks[0].answer: the answer "b" is not one of the options');
    const choice = SMALL_MANIFEST.replace('instrument:\n', 'instrument:\n  demographics: [{ id: country, question: Where?, type: choice }]\n');
    expect(errorOf(choice)).toBe('study.yaml:9 instrument.demographics[0].options: a choice question needs at least two options');
  });

  it('publishes a JSON Schema with the manifest sections, strict objects and defaults', () => {
    const schema = studyJsonSchema() as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['name', 'domains', 'corpus', 'sources', 'instrument', 'design', 'recruitment', 'exclusions', 'analysis']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'domains', 'sources', 'instrument']));
    expect(schema.required).not.toContain('design');
    expect(schema.additionalProperties).toBe(false);
  });

  it('hashes manifest, prompts and corpus stably, and changes when a corpus file changes', async () => {
    const dir = await tempFolder({
      'study.yaml': `${SMALL_MANIFEST}corpus:\n  posts: { file: posts.csv }\n`,
      'posts.csv': 'post_id,domain,text\np1,anger,hello\n',
      'prompts/base.md': '## user\n{{post}}\n',
    });
    const a = await loadStudy(dir);
    const h1 = await hashStudy(a.study, a.dir);
    const h2 = await hashStudy(a.study, a.dir);
    expect(h1).toEqual(h2);
    expect(h1.files.map((f) => f.path)).toEqual(['posts.csv', 'prompts/base.md']);
    await writeFile(path.join(dir, 'posts.csv'), 'post_id,domain,text\np1,anger,hello!\n');
    const h3 = await hashStudy(a.study, a.dir);
    expect(h3.manifest).toBe(h1.manifest);
    expect(h3.content).not.toBe(h1.content);
  });
});
