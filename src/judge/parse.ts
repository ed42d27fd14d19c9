/**
 * A judge's answer, checked: JSON (the first object in the text, so a fenced block or a sentence
 * around it is tolerated), a whole-number score within range for every item of the rubric, and a
 * rationale. Anything else is a failure with a reason, never a score.
 */
import type { Rubric } from './rubric.js';

export type JudgeAnswer = { readonly ok: true; readonly scores: Record<string, number>; readonly rationale: string } | { readonly ok: false; readonly error: string };

const REFUSAL = /\b(I (?:can(?:no|')t|am unable to|won't) (?:help|assist|rate|evaluate|provide)|as an AI\b)/i;

function firstObject(text: string): string | null {
  const start = text.indexOf('{');
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return null;
}

export function parseJudgeAnswer(text: string, rubric: Rubric): JudgeAnswer {
  const json = firstObject(text);
  if (json === null) return { ok: false, error: REFUSAL.test(text) ? 'refused' : 'no JSON object in the answer' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, error: 'malformed JSON' };
  }
  const scores = (value as { scores?: unknown }).scores;
  if (!scores || typeof scores !== 'object' || Array.isArray(scores)) return { ok: false, error: 'no "scores" object' };
  const out: Record<string, number> = {};
  for (const item of rubric.items) {
    const v = (scores as Record<string, unknown>)[item.id];
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) return { ok: false, error: `no whole-number score for ${item.id}` };
    if (n < item.min || n > item.max) return { ok: false, error: `${item.id} = ${n} is outside ${item.min} to ${item.max}` };
    out[item.id] = n;
  }
  const rationale = (value as { rationale?: unknown }).rationale;
  return { ok: true, scores: out, rationale: typeof rationale === 'string' ? rationale : '' };
}
