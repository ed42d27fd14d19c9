/**
 * How the replies of each source were made, summarised from the database's record of every reply
 * (not from the manifest): the provider and model, the parameters each call actually carried, the
 * prompt per condition by its hash, the blinding transforms that changed a reply and the checks a
 * reply failed, with how many of those were rated anyway.
 */

import { BLINDING_TRANSFORMS } from '../generate/transforms.js';
import type { PanelRecord } from '../stats/simulate.js';

/** A reply as the record holds it (`responses`): JSON columns as stored. */
export interface RecordedReply {
  readonly id: string;
  readonly source: string;
  readonly condition: string;
  readonly provider: string;
  readonly model: string | null;
  /** The parameters the call sent. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly prompt_hash: string | null;
  /** The reply checks as recorded (`passed`, and each check's outcome). */
  readonly checks: Readonly<Record<string, unknown>>;
  /** The blinding transforms that changed the reply, by name. */
  readonly transforms: readonly string[];
  readonly text: string;
}

export interface RecordedPrompt {
  readonly hash: string;
  readonly file: string;
  readonly text: string;
}

export interface SourceRecord {
  /** Replies with text (placeholders of imported ratings left out). */
  readonly replies: number;
  /** Placeholders made by importing ratings without the replies' texts. */
  readonly placeholders: number;
  /** The replies grouped by how they were made: provider, model and the parameters sent. */
  readonly made: ReadonlyArray<{ readonly provider: string; readonly model: string | null; readonly params: Readonly<Record<string, unknown>>; readonly replies: number }>;
  /** Per condition, the prompts its replies were made with (none for providers that read no prompt). */
  readonly conditions: ReadonlyArray<{ readonly id: string; readonly replies: number; readonly prompts: ReadonlyArray<{ readonly hash: string; readonly file: string | null; readonly text: string | null; readonly replies: number }> }>;
  /** Replies changed by the blinding clean-up, and by which transform (a reply can count under several). */
  readonly blinding: { readonly changed: number; readonly byTransform: ReadonlyArray<{ readonly transform: string; readonly replies: number }> };
  /** Replies that failed a check, by check, and how many of them were rated. */
  readonly checks: { readonly failed: number; readonly rated: number; readonly byCheck: ReadonlyArray<{ readonly check: string; readonly replies: number; readonly rated: number }> };
}

/** What each failed check means, as Methods says it. */
export const CHECK_NAMES: Record<string, string> = {
  inRange: 'length outside the allowed range',
  empty: 'empty',
  refusal: 'a refusal',
  aiDisclosure: 'an AI self-disclosure',
  repetition: 'a repetition loop',
  truncated: 'cut off at max_tokens',
};

const countBy = <T>(items: readonly T[], key: (t: T) => string) => {
  const out = new Map<string, number>();
  for (const i of items) out.set(key(i), (out.get(key(i)) ?? 0) + 1);
  return out;
};

/** The failed checks of a reply, by name (`inRange` false counts as failing `inRange`). */
function failedChecks(c: Readonly<Record<string, unknown>>): string[] {
  if (c.passed !== false) return [];
  return Object.keys(CHECK_NAMES).filter((k) => (k === 'inRange' ? c[k] === false : c[k] === true));
}

export function sourceRecord(source: string, replies: readonly RecordedReply[], rated: ReadonlySet<string>, prompts: readonly RecordedPrompt[]): SourceRecord {
  const all = replies.filter((r) => r.source === source);
  const mine = all.filter((r) => r.text !== '');
  const byHash = new Map(prompts.map((p) => [p.hash, p]));
  const made = new Map<string, { provider: string; model: string | null; params: Record<string, unknown>; replies: number }>();
  for (const r of mine) {
    const key = `${r.provider}\u0000${r.model ?? ''}\u0000${JSON.stringify(r.params)}`;
    const m = made.get(key) ?? { provider: r.provider, model: r.model, params: { ...r.params }, replies: 0 };
    m.replies++;
    made.set(key, m);
  }
  const conditions = [...countBy(mine, (r) => r.condition)].map(([id, n]) => ({
    id,
    replies: n,
    prompts: [...countBy(mine.filter((r) => r.condition === id && r.prompt_hash !== null), (r) => r.prompt_hash as string)].map(([hash, k]) => ({
      hash,
      file: byHash.get(hash)?.file ?? null,
      text: byHash.get(hash)?.text ?? null,
      replies: k,
    })),
  }));
  // Style transforms (a variant arm's) are what the arm is, not blinding.
  const transformed = mine.map((r) => r.transforms.filter((t) => BLINDING_TRANSFORMS.has(t)));
  const failed = mine.map((r) => ({ id: r.id, checks: failedChecks(r.checks) })).filter((f) => f.checks.length > 0);
  const checkNames = [...new Set(failed.flatMap((f) => f.checks))];
  return {
    replies: mine.length,
    placeholders: all.length - mine.length,
    made: [...made.values()].sort((a, b) => b.replies - a.replies),
    conditions,
    blinding: {
      changed: transformed.filter((t) => t.length > 0).length,
      byTransform: [...countBy(transformed.flat(), (t) => t)].map(([transform, n]) => ({ transform, replies: n })),
    },
    checks: {
      failed: failed.length,
      rated: failed.filter((f) => rated.has(f.id)).length,
      byCheck: checkNames.map((check) => {
        const hit = failed.filter((f) => f.checks.includes(check));
        return { check, replies: hit.length, rated: hit.filter((f) => rated.has(f.id)).length };
      }),
    },
  };
}

/** The prompts of the appendix: per source and condition, each prompt its replies were made with. */
export function appendixPrompts(sources: ReadonlyArray<{ readonly id: string; readonly record: SourceRecord }>): Array<{ title: string; file: string | null; text: string | null; note: string }> {
  return sources.flatMap((s) =>
    s.record.conditions.flatMap((c) => {
      const title = `${s.id} · ${c.id}`;
      if (c.prompts.length === 0) {
        const providers = listProviders(s.record.made.map((m) => m.provider));
        return providers === '' ? [] : [{ title, file: null, text: null, note: `No prompt: its ${c.replies === 1 ? 'reply was' : 'replies were'} not made from one (${providers}).` }];
      }
      return c.prompts.map((p) => ({
        title,
        file: p.file,
        text: p.text,
        note: `${p.replies} of ${c.replies} ${c.replies === 1 ? 'reply' : 'replies'}; prompt hash ${p.hash.slice(0, 12)}${p.text === null ? '. The text is not on record and the prompt file has changed since these replies were made.' : ''}`,
      }));
    }),
  );
}

function listProviders(providers: readonly string[]): string {
  const said: Record<string, string> = { eliza: 'the eliza provider answers the post by rule', replay: 'replayed recordings', imported: 'imported' };
  return [...new Set(providers)].map((p) => said[p]).filter((x): x is string => x !== undefined).join('; ');
}

/** Each rated source's planted effect (0 where none was given), as a difference from the panel's reference source. */
export function plantedEffects(panel: PanelRecord, sources: readonly string[]): Array<{ source: string; effect: number; difference: number }> {
  const base = panel.model.effects[panel.reference] ?? 0;
  return [...new Set([...sources, ...Object.keys(panel.model.effects)])]
    .filter((s) => s !== panel.reference)
    .sort()
    .map((source) => ({ source, effect: panel.model.effects[source] ?? 0, difference: (panel.model.effects[source] ?? 0) - base }));
}

/** The sources that have replies (or rated placeholders) in the study. */
export function ratedSourceIds(context: { readonly sources: ReadonlyArray<{ readonly id: string; readonly record: SourceRecord }> }): string[] {
  return context.sources.filter((s) => s.record.replies + s.record.placeholders > 0).map((s) => s.id);
}
