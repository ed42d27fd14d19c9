/**
 * What a judge is asked: a rubric's items (each with its range and, where there are, the anchors),
 * rendered with the post and the reply into one prompt that asks for JSON. Three kinds of rubric:
 * - `scales`: the study's own scales, the question and anchors verbatim, as the raters saw them;
 * - `epitome`: the three communication mechanisms of EPITOME (Sharma, Miner, Atkins & Althoff 2020,
 *   "A computational approach to understanding empathy expressed in text-based mental health
 *   support", EMNLP), 0 to 2 each, in wording written for this project from the published definitions;
 * - a YAML file in the study folder: `instructions:` (optional) and `items: [{ id, question, min, max, anchors? }]`.
 * The judge never sees which source wrote the reply.
 */
import { itemScaleId, rangeOf, type RatedScale } from '../study/formats.js';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.js';
import type { Message } from '../generate/provider.js';

export interface RubricItem {
  readonly id: string;
  readonly question: string;
  readonly min: number;
  readonly max: number;
  readonly anchors?: readonly string[];
}

export interface Rubric {
  readonly name: string;
  readonly instructions: string;
  readonly items: readonly RubricItem[];
}

const INSTRUCTIONS =
  'You rate replies written to people who asked an online community for support. Read the post, then the reply, and rate the reply on every item below. Rate the reply as written; do not guess who wrote it.';

export function scalesRubric(scales: readonly RatedScale[]): Rubric {
  return {
    name: 'scales',
    instructions: INSTRUCTIONS,
    items: scales.flatMap((s) => {
      if (s.type === 'multi-item') return s.items.map((item) => ({ id: itemScaleId(s, item.id), question: item.text, min: 1, max: s.points, ...(s.anchors ? { anchors: s.anchors } : {}) }));
      const { min, max } = rangeOf(s);
      return [{ id: s.id, question: s.question, min, max, ...(s.type === 'likert' && s.anchors ? { anchors: s.anchors } : {}) }];
    }),
  };
}

/** EPITOME's three mechanisms, each 0 (none), 1 (weak), 2 (strong); definitions written here. */
export const EPITOME: Rubric = {
  name: 'epitome',
  instructions: INSTRUCTIONS,
  items: [
    {
      id: 'emotional_reactions',
      question: 'Emotional reactions: does the reply express warmth, compassion or concern about what the person is going through?',
      min: 0,
      max: 2,
      anchors: ['none', 'weak: a generic expression such as "I understand how you feel"', 'strong: feelings stated about this person\'s situation'],
    },
    {
      id: 'interpretations',
      question: 'Interpretations: does the reply show that it understood the feelings and experiences the post describes?',
      min: 0,
      max: 2,
      anchors: ['none', 'weak: a general acknowledgement of understanding', 'strong: it names or reflects the specific feelings or experiences'],
    },
    {
      id: 'explorations',
      question: 'Explorations: does the reply try to learn more about the person\'s feelings or experiences, beyond what the post says?',
      min: 0,
      max: 2,
      anchors: ['none', 'weak: a generic question such as "What happened?"', 'strong: a specific question about this person\'s feelings or experiences'],
    },
  ],
};

const fileSchema = z.strictObject({
  instructions: z.string().optional(),
  items: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-z0-9_-]*$/, { error: 'expected an item id (lower-case letters, digits, "_" or "-")' }),
        question: z.string().min(1),
        min: z.number().int(),
        max: z.number().int(),
        anchors: z.array(z.string()).optional(),
      }),
    )
    .min(1),
});

/** A rubric file's items, checked; `file` names it in errors. */
export function parseRubricFile(text: string, file: string): Rubric {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new UserError(`the rubric is not valid YAML (${(err as Error).message.split('\n')[0]})`, file, 'write it as instructions: ... and items: [{ id, question, min, max, anchors }]', { cause: err });
  }
  const r = fileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UserError(`${issue?.path.join('.') || 'the rubric'}: ${issue?.message ?? 'invalid'}`, file, 'write it as instructions: ... and items: [{ id, question, min, max, anchors }]');
  }
  for (const item of r.data.items) {
    if (item.min >= item.max) throw new UserError(`item ${item.id}: min must be below max`, file, 'e.g. min: 1, max: 5');
    if (item.anchors && item.anchors.length !== item.max - item.min + 1) throw new UserError(`item ${item.id}: ${item.anchors.length} anchors for ${item.max - item.min + 1} points`, file, 'give one anchor per point, lowest first');
  }
  return { name: file, instructions: r.data.instructions ?? INSTRUCTIONS, items: r.data.items };
}

/** The JSON a judge must answer with, as a JSON Schema (sent where the provider supports it). */
export function answerSchema(rubric: Rubric): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['scores', 'rationale'],
    properties: {
      scores: {
        type: 'object',
        additionalProperties: false,
        required: rubric.items.map((i) => i.id),
        properties: Object.fromEntries(rubric.items.map((i) => [i.id, { type: 'integer', minimum: i.min, maximum: i.max }])),
      },
      rationale: { type: 'string' },
    },
  };
}

/** The prompt: the instructions and items (system), the post and the reply (user). */
export function judgePrompt(rubric: Rubric, post: { title: string | null; text: string }, reply: string): Message[] {
  const items = rubric.items
    .map((i) => {
      const scale = i.anchors ? i.anchors.map((a, k) => `${i.min + k} = ${a}`).join('; ') : `${i.min} (lowest) to ${i.max} (highest)`;
      return `- ${i.id}: ${i.question} (a whole number, ${scale})`;
    })
    .join('\n');
  const example = `{"scores": {${rubric.items.map((i) => `"${i.id}": ${i.min}`).join(', ')}}, "rationale": "one or two sentences"}`;
  return [
    { role: 'system', content: `${rubric.instructions}\n\nItems:\n${items}\n\nAnswer with JSON only, in this form: ${example}` },
    { role: 'user', content: `Post:\n${post.title ? `${post.title}\n\n` : ''}${post.text}\n\nReply:\n${reply}` },
  ];
}
