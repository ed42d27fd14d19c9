/**
 * Does style drive the ratings? For each variant arm (a source's replies with a style feature
 * removed or added), the style effect within its parent: the manifest's model restricted to the
 * parent's and the arm's ratings, with the parent as reference, so the arm's coefficient is the
 * effect of the transform on the same replies (Satterthwaite t test, 95% CI, Westfall-Kenny-Judd
 * d); and the language features of the parent and the arm, so a reader sees whether the transform
 * changed the feature as well as the rating. A rater never sees two versions of one reply, so a
 * random term whose groups each hold one rating of the subset (post:rater, typically) cannot be
 * estimated there and is left out; the formula fitted is recorded.
 */
import { extractFeatures } from '../language/features.js';
import { tQuantile } from '../stats/distributions.js';
import { meansAcrossUnits, totalSd } from '../stats/emmeans.js';
import { fitLmm } from '../stats/lmm.js';
import type { RatingRow, ReplyRow } from './study-analysis.js';
import type { StyleArmJson } from './schema.js';

export interface ArmSpec {
  /** The arm's label in the ratings (its source id, or source/condition). */
  readonly arm: string;
  readonly parent: string;
  readonly transforms: readonly string[];
}

/** Features a style transform is about, reported for every arm. */
export const STYLE_FEATURES = ['words', 'emojis', 'exclamation_marks', 'question_marks', 'positive_emotion', 'vader_compound', 'flesch_reading_ease'] as const;

/** A formula's response and its right-hand terms split at the top-level `+` signs. */
export function splitFormula(formula: string): { lhs: string; terms: string[] } {
  const tilde = formula.indexOf('~');
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of formula.slice(tilde + 1)) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === '+' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += c;
  }
  terms.push(current.trim());
  return { lhs: formula.slice(0, tilde).trim(), terms: terms.filter((t) => t !== '') };
}

/** The grouping factor of a random term, as the rows' keys: `(1 | post:rater)` -> post and rater. */
function groupsOf(term: string, row: RatingRow): string | null {
  const g = term.slice(term.indexOf('|') + 1, -1).trim();
  const parts = g.split(':').map((x) => x.trim());
  const values = parts.map((p) => (p === 'post' || p === 'rater' || p === 'domain' || p === 'source' ? row[p] : null));
  return values.some((v) => v === null) ? null : values.join('\u0000');
}

/** The manifest's formula without the random terms that have a group per rating in `rows`. */
export function styleFormula(formula: string, rows: readonly RatingRow[]): string {
  const { lhs, terms } = splitFormula(formula);
  const kept = terms.filter((term) => {
    if (!term.startsWith('(') || !term.includes('|')) return true;
    const levels = new Set(rows.map((r) => groupsOf(term, r)));
    return !levels.has(null) && levels.size < rows.length;
  });
  return `${lhs} ~ ${kept.join(' + ')}`;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

export function styleArms(arms: readonly ArmSpec[], kept: readonly RatingRow[], replies: readonly ReplyRow[], scales: readonly string[], o: { formula: string; reml: boolean }): StyleArmJson[] {
  const features = new Map<string, Record<string, number>>();
  const featuresOf = (r: ReplyRow) => {
    let f = features.get(r.id);
    if (!f) {
      f = extractFeatures(r.text);
      features.set(r.id, f);
    }
    return f;
  };
  return arms.map((a) => {
    const scaleResults = scales.map((scale) => {
      const rows = kept.filter((r) => r.scale === scale && (r.source === a.arm || r.source === a.parent)).sort((x, y) => (x.rater + x.response < y.rater + y.response ? -1 : 1));
      const n = { ratings: rows.length, raters: new Set(rows.map((r) => r.rater)).size };
      const means = meansAcrossUnits(rows.map((r) => r.value), rows.map((r) => r.post), rows.map((r) => r.source)).sort((x, y) => (x.group < y.group ? -1 : 1));
      if (!rows.some((r) => r.source === a.arm) || !rows.some((r) => r.source === a.parent)) return { scale, ...n, means, effect: { error: `no ratings of ${rows.some((r) => r.source === a.arm) ? a.parent : a.arm} on ${scale}` } };
      const formula = styleFormula(o.formula, rows);
      try {
        const fit = fitLmm(formula, { value: rows.map((r) => r.value), source: rows.map((r) => r.source), post: rows.map((r) => r.post), rater: rows.map((r) => r.rater), domain: rows.map((r) => r.domain) }, { reml: o.reml, reference: { source: a.parent } });
        const i = fit.fixefNames.indexOf(`source${a.arm}`);
        if (i < 0) throw new Error(`the model has no coefficient for ${a.arm}`);
        const estimate = fit.beta[i];
        const se = fit.se[i];
        const df = fit.df[i];
        const half = tQuantile(0.975, df) * se;
        const sd = totalSd(fit);
        return {
          scale,
          ...n,
          means,
          effect: { formula: fit.formula, contrast: `${a.arm} - ${a.parent}`, estimate, SE: se, df, t: fit.t[i], p: fit.p[i], 'lower.CL': estimate - half, 'upper.CL': estimate + half, d: estimate / sd, 'd.lower.CL': (estimate - half) / sd, 'd.upper.CL': (estimate + half) / sd, dDenominator: sd, singular: fit.singular },
        };
      } catch (err) {
        return { scale, ...n, means, effect: { error: (err as Error).message } };
      }
    });
    const armReplies = replies.filter((r) => r.source === a.arm);
    const parentReplies = replies.filter((r) => r.source === a.parent);
    const language = STYLE_FEATURES.map((feature) => {
      const p = mean(parentReplies.map((r) => featuresOf(r)[feature] ?? 0));
      const v = mean(armReplies.map((r) => featuresOf(r)[feature] ?? 0));
      return { feature, parent: p, arm: v, difference: p === null || v === null ? null : v - p };
    });
    return { arm: a.arm, parent: a.parent, transforms: [...a.transforms], replies: { arm: armReplies.length, parent: parentReplies.length }, scales: scaleResults, language };
  });
}
