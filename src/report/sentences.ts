/**
 * The report's prose, written from the numbers: the findings in plain sentences (as a results
 * section reports them: M, t(df), p) and the methods paragraph. Nothing here is typed by hand per
 * study; every figure comes from the analysis or the context.
 */
import { formatMethods, formatSentences } from './formats.js';
import type { StudyAnalysis } from '../analysis/schema.js';
import type { PanelRecord } from '../stats/simulate.js';
import type { ReportInput, ReportSource } from './context.js';
import { CHECK_NAMES, plantedEffects, ratedSourceIds, type SourceRecord } from './record.js';
import { fixed, formatDf, listOf, noLeadingZero, pClause, plural, stat } from './format.js';
import { ratedScales } from './tables.js';

const ADJUST_NAMES: Record<string, string> = { holm: 'Holm-adjusted', tukey: 'Tukey-adjusted', bonferroni: 'Bonferroni-adjusted', none: 'unadjusted' };

/** The findings: per scale the ranking of sources and every pairwise contrast; then language and the classifier. */
export function summarySentences({ analysis, context }: ReportInput): string[] {
  const out: string[] = [];
  const adjust = ADJUST_NAMES[context.analysis.adjust] ?? context.analysis.adjust;
  const kept = analysis.raters.kept;
  out.push(
    `${plural(analysis.raters.total, 'rater')} took part; ${analysis.raters.excluded} ${analysis.raters.excluded === 1 ? 'was' : 'were'} excluded by the study's rules, leaving ${plural(kept, 'rater')}.`,
  );
  for (const s of ratedScales(analysis)) {
    if (!s.contrasts) {
      out.push(`${capitalise(s.scale)}: the model could not be fitted (${'error' in s.model ? String(s.model.error) : 'only one source'}).`);
      continue;
    }
    const ranked = [...s.contrasts.emmeans].sort((a, b) => b.emmean - a.emmean);
    const means = ranked.map((m) => `${m.source} (${stat('M')} = ${fixed(m.emmean)}, 95% CI [${fixed(m['lower.CL'])}, ${fixed(m['upper.CL'])}])`);
    out.push(`${capitalise(s.scale)}: from highest to lowest, ${listOf(means)}, estimated by the mixed model from ${plural(s.ratings, 'rating')}.`);
    const byName = new Map(s.contrasts.emmeans.map((m) => [m.source, m.emmean]));
    const ciLabel = s.contrasts.ciAdjust === 'none' ? '95% CI' : `95% CI (${s.contrasts.ciAdjust === 'tukey' ? 'Tukey' : 'Bonferroni'}-adjusted)`;
    for (const c of s.contrasts.pairs) {
      const [a, b] = c.contrast.split(' - ') as [string, string];
      const higher = c.estimate >= 0 ? a : b;
      const lower = c.estimate >= 0 ? b : a;
      const test = `${stat('t')}(${formatDf(c.df)}) = ${fixed(Math.abs(c['t.ratio']))}, ${pClause(c['p.value'])}, ${adjust}`;
      // The difference as the sentence says it (higher minus lower, or a minus b), its intervals and d turned with it.
      const effect = (sign: 1 | -1) => {
        const ci = (lo: number, hi: number) => (sign > 0 ? `[${fixed(lo)}, ${fixed(hi)}]` : `[${fixed(-hi)}, ${fixed(-lo)}]`);
        return `difference ${fixed(sign * c.estimate)} points, ${ciLabel} ${ci(c['lower.CL'], c['upper.CL'])}, ${stat('d')} = ${fixed(sign * c.d)}, ${ciLabel} ${ci(c['d.lower.CL'], c['d.upper.CL'])}`;
      };
      out.push(
        c['p.value'] < 0.05
          ? `On ${s.scale}, ${higher} replies were rated higher than ${lower} replies (${stat('M')} = ${fixed(byName.get(higher))} vs ${fixed(byName.get(lower))}; ${effect(c.estimate >= 0 ? 1 : -1)}; ${test}).`
          : `On ${s.scale}, ${a} and ${b} replies did not differ significantly (${stat('M')} = ${fixed(byName.get(a))} vs ${fixed(byName.get(b))}; ${effect(1)}; ${test}).`,
      );
    }
    const x = s.sourceByDomain;
    if (x && 'interactionTest' in x && x.interactionTest.p !== null)
      out.push(
        x.interactionTest.p < 0.05
          ? `The differences between sources on ${s.scale} depended on the domain (source × domain, χ²(${x.interactionTest.df}) = ${fixed(x.interactionTest.chisq)}, ${pClause(x.interactionTest.p)}).`
          : `The differences between sources on ${s.scale} did not depend detectably on the domain (source × domain, χ²(${x.interactionTest.df}) = ${fixed(x.interactionTest.chisq)}, ${pClause(x.interactionTest.p)}).`,
      );
  }
  const corr = analysis.correlations.filter((c) => c.r !== null);
  if (corr.length > 0) out.push(`The scales correlated: ${listOf(corr.map((c) => `${c.a} with ${c.b}, ${stat('r')} = ${noLeadingZero(c.r, 2)}`))}.`);
  // Weak reliability is said in words, not left to a table.
  for (const s of ratedScales(analysis)) {
    const alpha = s.reliability.krippendorffAlphaInterval;
    if (alpha !== null && alpha < 0.4)
      out.push(
        `Raters barely agreed on ${s.scale} (Krippendorff's α = ${noLeadingZero(alpha, 2)}${alpha < 0.1 ? ', about what chance gives' : ''}): a single rating says little about a reply, and the comparisons rest on the number of ratings.`,
      );
  }
  if (analysis.language) {
    const kinds = new Map(context.features.map((f) => [f.name, f]));
    const found: string[] = [];
    for (const [name, cmp] of Object.entries(analysis.language)) {
      const pairs = cmp.mixed ?? cmp.ols;
      for (const p of pairs) {
        if (p.p === null || p.b === null || !(p.p < 0.05)) continue;
        const [a, b] = p.contrast.split(' - ') as [string, string];
        const kind = kinds.get(name)?.kind;
        const k = kind === 'proportion' ? 100 : 1;
        const mean = (g: string) => (cmp.groups.find((x) => x.group === g)?.mean ?? NaN) * k;
        const more = p.b >= 0 ? a : b;
        const less = p.b >= 0 ? b : a;
        const unit = name === 'questions_to_seeker' ? ' per 100 sentences' : k === 100 ? ' per 100 words' : '';
        found.push(`${more} replies had ${kind === 'score' ? 'a higher' : 'more'} ${label(name)} than ${less} replies (${fixed(mean(more))} vs ${fixed(mean(less))}${unit}, ${pClause(p.p)})`);
      }
    }
    const shown = found.slice(0, 6);
    out.push(
      shown.length > 0
        ? `In their language, ${listOf(shown)}${found.length > shown.length ? `; ${found.length - shown.length} further differences are in the language table` : ''}.`
        : 'No language feature differed significantly between sources after adjustment.',
    );
  }
  const lm = analysis.languageModels;
  if (lm && !('error' in lm.classifier)) {
    const c = lm.classifier;
    const macro = c.test.perClass.reduce((s, m) => s + m.f1, 0) / c.test.perClass.length;
    const cv = Object.values(c.crossValidation.meanF1).reduce((s, v) => s + v, 0) / Object.values(c.crossValidation.meanF1).length;
    out.push(
      `A bag-of-words classifier told the ${c.classes.length} sources apart with a macro F1 of ${fixed(macro)} on the held-out ${c.testSize} replies (${fixed(cv)} in ${c.crossValidation.folds}-fold cross-validation; chance is about ${fixed(1 / c.classes.length)}).`,
    );
  }
  if (lm) {
    for (const r of lm.regressions)
      if ('ridge' in r)
        out.push(
          r.ridge.cv.r2 > 0
            ? `The same words predicted the mean ${r.scale} rating of a reply with a cross-validated ${stat('R')}² of ${fixed(r.ridge.cv.r2)} (ridge; mean absolute error ${fixed(r.ridge.cv.mae)} points, against ${fixed(r.baseline.mae)} for predicting the mean rating).`
            : `The same words predicted the mean ${r.scale} rating of a reply no better than the mean rating itself does (ridge, cross-validated ${stat('R')}² ${fixed(r.ridge.cv.r2)}; mean absolute error ${fixed(r.ridge.cv.mae)} points, against ${fixed(r.baseline.mae)} for the mean).`,
        );
      else out.push(`The regression of the ${r.scale} ratings on the words could not be computed: ${r.error}.`);
  }
  return out;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What each transform did, for a sentence: "removing emojis and exclamation marks". */
const TRANSFORM_WORDS: Record<string, string> = {
  'no-emoji': 'removing emojis',
  'no-exclamation': 'turning exclamation marks into full stops',
  'add-emoji': 'adding emojis',
  'add-exclamation': 'adding exclamation marks',
  formal: 'a formal rewrite',
  casual: 'a casual rewrite',
};
const transformWords = (t: string) => TRANSFORM_WORDS[t] ?? (/^truncate-(\d+)$/.test(t) ? `cutting to ${t.slice(9)} words` : t);

/** The features a transform is about: the ones its sentence names. */
const TRANSFORM_FEATURES: Record<string, string> = { 'no-emoji': 'emojis', 'add-emoji': 'emojis', 'no-exclamation': 'exclamation_marks', 'add-exclamation': 'exclamation_marks' };

/** "Does style drive the ratings?": per arm and scale, the effect of the transform on the same replies. */
export function styleSentences({ analysis, context }: ReportInput): string[] {
  const out: string[] = [];
  const kinds = new Map(context.features.map((f) => [f.name, f.kind]));
  for (const a of analysis.styleArms ?? []) {
    const what = listOf(a.transforms.map(transformWords));
    const changed = a.transforms.flatMap((t) => {
      const name = TRANSFORM_FEATURES[t] ?? (/^truncate-/.test(t) || t === 'formal' || t === 'casual' ? 'words' : null);
      const f = name ? a.language.find((x) => x.feature === name) : undefined;
      if (!f || f.parent === null || f.arm === null) return [];
      const k = kinds.get(f.feature) === 'proportion' ? 100 : 1;
      return [`${label(f.feature)} went from ${fixed(f.parent * k)} to ${fixed(f.arm * k)}${k === 100 ? ' per 100 words' : ''}`];
    });
    out.push(`The arm ${a.arm} holds ${a.parent}'s ${plural(a.replies.arm, 'reply', 'replies')} after ${what}${changed.length ? `: ${listOf([...new Set(changed)])}` : ''}.`);
    for (const s of a.scales) {
      const e = s.effect;
      if ('error' in e) {
        out.push(`On ${s.scale}, the effect of ${what} could not be estimated (${e.error}).`);
        continue;
      }
      const ci = `95% CI [${fixed(e['lower.CL'])}, ${fixed(e['upper.CL'])}]`;
      const test = `${stat('t')}(${formatDf(e.df)}) = ${fixed(Math.abs(e.t))}, ${pClause(e.p)}, ${stat('d')} = ${fixed(e.d)}, 95% CI [${fixed(e['d.lower.CL'])}, ${fixed(e['d.upper.CL'])}]`;
      out.push(
        e.p < 0.05
          ? `On ${s.scale}, ${what} ${e.estimate < 0 ? 'lowered' : 'raised'} the ratings of the same replies by ${fixed(Math.abs(e.estimate))} points (${a.arm} minus ${a.parent}: ${fixed(e.estimate)}, ${ci}; ${test}; ${plural(s.ratings, 'rating')} from ${plural(s.raters, 'rater')}).`
          : `On ${s.scale}, ${what} did not change the ratings of the same replies detectably (${a.arm} minus ${a.parent}: ${fixed(e.estimate)} points, ${ci}; ${test}; ${plural(s.ratings, 'rating')} from ${plural(s.raters, 'rater')}).`,
      );
    }
  }
  return out;
}

/** "Do experts see it the same way?": per scale, whether the source effects differ between panels, and how the panels agree. */
export function panelSentences({ analysis }: ReportInput): string[] {
  const p = analysis.panels;
  if (!p) return [];
  const out: string[] = [];
  const raters = p.scales[0]?.perPanel.map((x) => `${x.panel || 'no panel'} (${plural(x.raters, 'rater')} after exclusions)`) ?? [];
  out.push(`The raters came from ${plural(p.panels.length, 'panel')}: ${listOf(raters)}; each panel's ratings were also analysed on their own.`);
  for (const s of p.scales) {
    const x = s.interaction;
    if (x && 'chisq' in x && x.p !== null)
      out.push(
        x.p < 0.05
          ? `On ${s.scale}, the differences between sources depended on the panel (source × panel, likelihood-ratio test of ML fits, χ²(${x.df}) = ${fixed(x.chisq)}, ${pClause(x.p)}).`
          : `On ${s.scale}, the differences between sources did not depend detectably on the panel (source × panel, χ²(${x.df}) = ${fixed(x.chisq)}, ${pClause(x.p)}).`,
      );
    else if (x && 'error' in x) out.push(`On ${s.scale}, the source × panel test could not be computed (${x.error}).`);
    for (const a of s.agreement) {
      const parts: string[] = [];
      if (a.pearson) parts.push(`${stat('r')} = ${noLeadingZero(a.pearson.r, 2)}, 95% CI [${noLeadingZero(a.pearson.lower, 2)}, ${noLeadingZero(a.pearson.upper, 2)}]`);
      if (a.iccA1) parts.push(`ICC(A,1) = ${noLeadingZero(a.iccA1.icc, 2)}, 95% CI [${noLeadingZero(a.iccA1.lower, 2)}, ${noLeadingZero(a.iccA1.upper, 2)}]`);
      const tau = a.kendallTau === null ? '' : `; the panels' rankings of the ${plural(a.sources, 'source')} agreed with Kendall's τ = ${noLeadingZero(a.kendallTau, 2)}`;
      out.push(
        parts.length
          ? `On ${s.scale}, the mean ratings ${a.a} and ${a.b} gave the ${plural(a.replies, 'reply', 'replies')} both panels rated agreed with ${listOf(parts)}${tau}.`
          : `On ${s.scale}, ${a.a} and ${a.b} rated too few replies in common (${a.replies}) to compare them${tau}.`,
      );
    }
  }
  return out;
}

/** "Can a model stand in for the raters?": per judge and scale, what to trust it for. */
export function judgeSentences({ analysis }: ReportInput): string[] {
  const out: string[] = [];
  for (const c of analysis.judgeCalibration ?? []) {
    const parts: string[] = [];
    if (c.pearson) parts.push(`correlated with the mean human rating of ${plural(c.replies, 'reply', 'replies')} at ${stat('r')} = ${noLeadingZero(c.pearson.r, 2)}, 95% CI [${noLeadingZero(c.pearson.lower, 2)}, ${noLeadingZero(c.pearson.upper, 2)}]`);
    if (c.meanAbsoluteError !== null) parts.push(`were ${fixed(c.meanAbsoluteError)} points from it on average`);
    const agreeing = c.contrasts.filter((x) => x.sameVerdict).length;
    if (c.contrasts.length) parts.push(`agreed with ${agreeing} of the ${plural(c.contrasts.length, 'contrast')} between sources in sign and significance`);
    const biased = c.biasBySource.filter((b) => b.lower !== null && b.upper !== null && (b.lower > 0 || b.upper < 0));
    const worst = [...biased].sort((a, b) => Math.abs(b.bias) - Math.abs(a.bias))[0];
    const bias = worst ? ` It scored ${worst.source}'s replies ${fixed(Math.abs(worst.bias))} points ${worst.bias > 0 ? 'higher' : 'lower'} than people did (95% CI [${fixed(worst.lower)}, ${fixed(worst.upper)}])${biased.length > 1 ? `, and ${biased.length - 1} other ${biased.length === 2 ? 'source' : 'sources'} differently as well` : ''}.` : ' Its scores were not detectably higher or lower than people\'s for any source.';
    const worth = c.equivalentRaters.beyond ? ' It is worth more raters than any number could be (its correlation exceeds what the raters\' own reliability allows).' : c.equivalentRaters.raters !== null && c.equivalentRaters.raters > 0 ? ` By the Spearman-Brown formula it is worth the mean of about ${fixed(c.equivalentRaters.raters, 1)} raters.` : '';
    const length = c.lengthBias.judgePartial !== null && c.lengthBias.human !== null ? ` Longer replies: ${stat('r')} = ${noLeadingZero(c.lengthBias.judgePartial, 2)} for the judge beyond what people's ratings explain, against ${noLeadingZero(c.lengthBias.human, 2)} for people.` : '';
    out.push(`On ${c.scale}, judge ${c.judge}'s scores ${listOf(parts)}.${bias}${worth}${length}`);
  }
  return out;
}

/** "Does the ordinal model agree?": what was fitted, then per scale on how many contrasts the two models agree, and where not. */
export function ordinalSentences({ analysis }: ReportInput): string[] {
  const fits = analysis.scales.flatMap((s) => ('clmm' in s && s.clmm ? [{ scale: s.scale, clmm: s.clmm }] : []));
  const fitted = fits.flatMap((f) => (!('error' in f.clmm) ? [f.clmm] : []));
  const out: string[] = [];
  const first = fitted[0];
  if (first) {
    const formulas = [...new Set(fitted.map((f) => f.formula))];
    const notes = [...new Set(fitted.flatMap((f) => (f.note ? [f.note] : [])))];
    out.push(`The ratings are ordered categories, so each scale was also fitted with the ${first.link} cumulative link mixed model ${listOf(formulas)}${notes.length ? `; ${notes.join('; ')}` : ''}.`);
  }
  for (const { scale, clmm } of fits) {
    if ('error' in clmm) {
      out.push(`On ${scale}, the ordinal model could not be fitted (${clmm.error}).`);
      continue;
    }
    const a = clmm.agreement;
    const disagree = a.filter((x) => !x.agree);
    if (a.length === 0) out.push(`On ${scale}, there were no contrasts between sources to compare.`);
    else if (disagree.length === 0) out.push(`On ${scale}, the two models agree on ${a.length === 1 ? 'the one contrast' : `all ${plural(a.length, 'contrast')}`} between sources (the same significant direction at .05, or no difference in both).`);
    else
      out.push(
        `On ${scale}, the two models disagree on ${disagree.length} of the ${plural(a.length, 'contrast')} between sources: ${listOf(disagree.map((x) => `${x.contrast} (linear ${fixed(x.lmm_estimate, 3)} points, ${pClause(x.lmm_p)}; ordinal ${fixed(x.clmm_estimate, 3)}, ${pClause(x.clmm_p)})`))}.`,
      );
  }
  return out;
}

/** The sentences that open result sections, by section id. */
export function sectionLeads(input: ReportInput): Record<string, string[]> {
  return { ordinal: ordinalSentences(input), formats: formatSentences(input), style: styleSentences(input), panels: panelSentences(input), judges: judgeSentences(input) };
}

function label(feature: string): string {
  const names: Record<string, string> = {
    pronoun_i: 'first-person singular pronouns',
    pronoun_we: 'first-person plural pronouns',
    pronoun_you: 'second-person pronouns',
    pronoun_shehe: 'third-person singular pronouns',
    pronoun_they: 'third-person plural pronouns',
    question_marks: 'question marks',
    exclamation_marks: 'exclamation marks',
    positive_emotion: 'positive emotion words',
    negative_emotion: 'negative emotion words',
    words_per_sentence: 'sentence length',
    questions_to_seeker: 'questions to the seeker',
    flesch_reading_ease: 'reading ease (Flesch)',
    flesch_kincaid_grade: 'grade level (Flesch–Kincaid)',
    vader_compound: 'sentiment (VADER compound)',
    vader_pos: 'share of positive text (VADER)',
    vader_neg: 'share of negative text (VADER)',
    vader_neu: 'share of neutral text (VADER)',
    emotion_naming: 'emotion naming',
    self_disclosure: 'self-disclosure',
  };
  return names[feature] ?? feature.replace(/_/g, ' ');
}

/** The methods paragraph: materials, sources, design, participants, analysis. */
/** How the language comparisons' p values were adjusted: across every feature and pair, as one family. */
function languageAdjust(analysis: ReportInput['analysis']): string {
  const first = Object.values(analysis.language ?? {})[0];
  if (!first) return '';
  return first.adjust === 'none' ? ` (${stat('p')} values unadjusted)` : ` (${stat('p')} values ${ADJUST_NAMES[first.adjust] ?? first.adjust} across every feature and pair of sources)`;
}

/** Raters a rule that is not applied would have excluded: said, since a reviewer will ask. */
function flagged(analysis: ReportInput['analysis']): string {
  const items = analysis.flags.filter((f) => f.raters.length > 0).map((f) => `${plural(f.raters.length, 'rater')} gave ${f.rule.replace(/ \(straight-lining\)$/, '')} (straight-lining)`);
  return items.length === 0 ? '' : ` Flagged but not excluded (the study does not apply the rule): ${listOf(items)}.`;
}

/** The rules that could not be checked for some raters (imported ratings carry no timing or attention data). */
function notApplied(analysis: ReportInput['analysis']): string {
  const items = analysis.exclusions.filter((e) => e.notApplied > 0).map((e) => `${e.rule} (${e.notApplied === analysis.raters.total ? 'any rater' : `${e.notApplied} of ${analysis.raters.total} raters`})`);
  return items.length === 0 ? '' : ` Some rules could not be applied, for lack of timing or attention-check data in the record: ${listOf(items)}.`;
}

/** Parameters as Methods lists them: "temperature 0.1, top_p 0.9, max_tokens 512". */
function paramList(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.map((x) => JSON.stringify(x)).join('/') : String(v)}`)
    .join(', ');
}

/** How one group of a source's replies was made, from the record. */
function madeBy(s: ReportSource, m: SourceRecord['made'][number]): string {
  const n = plural(m.replies, 'reply', 'replies');
  switch (m.provider) {
    case 'imported':
      if (s.kind === 'corpus' && s.model) return `${n} by ${s.model}, written elsewhere and imported (the record does not say with which prompt or parameters)`;
      return s.kind === 'corpus' ? `${n} written by people, imported from the corpus` : `${n} imported from a file (the record does not say how they were made)`;
    case 'eliza':
      return `${n} by the offline ELIZA provider, made by rule from the post (no prompt, no sampling parameters)`;
    case 'replay':
      return `${n} replayed from recordings (no call made; the record does not say how they were made)`;
    default: {
      const params = paramList(m.params);
      return `${n} from ${m.model ?? 'an unnamed model'} via the ${m.provider} provider (${params ? `each call sent ${params}` : 'no sampling parameters sent'})`;
    }
  }
}

function sourceMethods(s: ReportSource): string {
  const r = s.record;
  if (r.replies === 0) return `${s.id} (${r.placeholders > 0 ? "ratings imported without the replies' texts" : 'no replies'})`;
  if (s.kind === 'variant') {
    const imported = r.made.filter((m) => m.provider === 'imported').reduce((n, m) => n + m.replies, 0);
    if (imported === r.replies) return `${s.id}: ${plural(r.replies, 'reply', 'replies')} imported as versions of ${s.of ?? 'another source'}'s (made elsewhere; the record does not say how); a rater saw one version of each reply`;
    const rewrites = r.made.filter((m) => m.provider !== 'variant' && m.provider !== 'imported');
    const by = rewrites.length ? `, rewritten by ${listOf(rewrites.map((m) => `${m.model ?? 'an unnamed model'} via the ${m.provider} provider (${paramList(m.params) ? `each call sent ${paramList(m.params)}` : 'no sampling parameters sent'})`))}` : '';
    return `${s.id}: ${plural(r.replies, 'reply', 'replies')} derived from ${s.of ?? 'another source'}'s, one per reply, by ${listOf((s.transforms ?? []).map(transformWords))}${by}; a rater saw one version of each reply`;
  }
  const conditions = r.conditions.length > 1 ? `; conditions ${listOf(r.conditions.map((c) => `${c.id} (${c.replies})`))}` : '';
  return `${s.id}: ${listOf(r.made.map((m) => madeBy(s, m)))}${conditions}`;
}

/** The generated replies: what the blinding clean-up changed, which failed a check and whether those were rated. */
function repliesMethods(sources: readonly ReportSource[]): string | null {
  const generated = sources.map((s) => ({ s, n: s.record.made.filter((m) => m.provider !== 'imported').reduce((t, m) => t + m.replies, 0) })).filter((x) => x.n > 0);
  if (generated.length === 0) return null;
  const total = generated.reduce((t, x) => t + x.n, 0);
  const changed = generated.reduce((t, x) => t + x.s.record.blinding.changed, 0);
  const byTransform = new Map<string, number>();
  for (const { s } of generated) for (const b of s.record.blinding.byTransform) byTransform.set(b.transform, (byTransform.get(b.transform) ?? 0) + b.replies);
  const failed = generated.reduce((t, x) => t + x.s.record.checks.failed, 0);
  const rated = generated.reduce((t, x) => t + x.s.record.checks.rated, 0);
  const byCheck = new Map<string, number>();
  for (const { s } of generated) for (const c of s.record.checks.byCheck) byCheck.set(c.check, (byCheck.get(c.check) ?? 0) + c.replies);
  const blinding =
    changed === 0
      ? `No blinding transform is on record for any of the ${plural(total, 'generated reply', 'generated replies')}.`
      : `The blinding clean-up changed ${changed} of ${plural(total, 'generated reply', 'generated replies')} (${listOf([...byTransform].map(([t, n]) => `${t}: ${n}`))}; a reply can be changed by more than one).`;
  const checks =
    failed === 0
      ? `Every generated reply passed the reply checks (length, refusal, AI self-disclosure, repetition, truncation).`
      : `${failed} of ${plural(total, 'generated reply', 'generated replies')} failed a reply check (${listOf([...byCheck].map(([c, n]) => `${CHECK_NAMES[c] ?? c}: ${n}`))}) and ${rated === 0 ? 'none of them was rated' : rated === failed ? `all ${failed} were rated nonetheless` : `${rated} of them were rated nonetheless`}.`;
  return `Replies. ${blinding} ${checks}`;
}

/** The generative model of a simulated panel, with its planted effects, as recorded. */
function panelMethods(panel: PanelRecord, sources: readonly string[]): string {
  const m = panel.model;
  const planted = plantedEffects(panel, sources);
  return (
    `Simulated panel. ${plural(panel.raters, 'rater')} (${plural(panel.postsPerRater, 'post')} each, seed ${panel.seed}) were drawn from the model ` +
    `y = ${fixed(m.mean)} + effect(source) + post + rater + post × rater + residual, with standard deviations ${fixed(m.sdPost)} (post), ${fixed(m.sdRater)} (rater), ${fixed(m.sdPostRater)} (post × rater) and ${fixed(m.sdResidual)} (residual, times a rater's scale use, log-SD ${fixed(m.sdScaleUse)}), rounded to the scale's points; ` +
    `${Math.round(m.inattentiveShare * 100)}% of raters answered at random. Planted effects, in scale points over ${panel.reference}${panel.effectsFrom === 'style' ? ' (derived from the style of the replies)' : ' (given with --effect)'}: ${listOf(planted.map((p) => `${p.source} ${signed(p.difference)}`))}.` +
    (panel.panels?.length
      ? ` The raters were simulated in ${plural(panel.panels.length, 'panel')} sharing the posts' effects: ${listOf(panel.panels.map((x) => `${x.id} (${plural(x.raters, 'rater')}${Object.keys(x.shifts).length ? `; planted shifts ${Object.entries(x.shifts).map(([k, v]) => `${k} ${signed(v)}`).join(', ')}` : ''})`))}.`
      : '') +
    formatsSimulated(panel)
  );
}

/** How a simulated panel drew the formats other than Likert, from the same latent (as recorded with it). */
function formatsSimulated(panel: PanelRecord): string {
  const of = (type: string) => panel.scales.filter((x) => x.type === type).map((x) => x.id);
  const parts: string[] = [];
  if (of('slider').length) parts.push(`${listOf(of('slider'))} (a slider) stretched it onto 0 to 100 with the rating's noise and each rater's own pull towards the ends, clamped at 0 and 100`);
  if (of('multi-item').length) parts.push(`each item of ${listOf(of('multi-item'))} added its own noise to it (reverse-keyed items answered the other way)`);
  if (of('pairwise').length) parts.push(`${listOf(of('pairwise'))} chose between two replies by a Bradley-Terry choice on their latents, with a preference of ${fixed(panel.positionBias ?? 0, 2)} log-odds for the reply shown first`);
  if (parts.length === 0) return '';
  return ` The other formats came from the same latent rating of each rater and reply (the model above before its residual): ${listOf(parts)}.`;
}

const signed = (x: number) => (x > 0 ? `+${fixed(x)}` : fixed(x));

export function methodsParagraph({ analysis, context }: ReportInput): string[] {
  const c = context;
  const domains = c.posts.byDomain.map((d) => `${d.label ?? d.domain} (${d.posts})`);
  const sources = c.sources.map(sourceMethods);
  const scales = c.instrument.map((s) => {
    const ends = s.anchors ? ` from "${s.anchors[0]}" to "${s.anchors[s.anchors.length - 1]}"` : '';
    if (s.type === 'slider') return `${s.id} ("${s.question}", a slider from 0 to 100${ends}, with no marker until the rater set it)`;
    if (s.type === 'multi-item')
      return `${s.id} ("${s.question}", ${s.items?.length ?? 0} items of ${s.max} points${ends}: ${(s.items ?? []).map((i) => `"${i.text}"${i.reverse ? ' (reverse-keyed)' : ''}`).join(', ')}; the mean of the items${s.items?.some((i) => i.reverse) ? ', reverse-keyed items scored as points + 1 - answer' : ''})`;
    if (s.type === 'pairwise') return `${s.id} ("${s.question}", two replies to one post side by side, ${s.strength ? 'choosing one and how much: slightly or clearly' : 'choosing one'}; every pair of a post's replies after its replies were rated, each pair's two orders shown equally often)`;
    return `${s.id} ("${s.question}", ${s.max} points${ends})`;
  });
  const design =
    c.design.type === 'within-post'
      ? `Each rater read ${plural(c.design.postsPerRater, 'post')} and rated every reply to each, one reply per page in random order (within-post design)`
      : `Each rater saw one reply to each of ${plural(c.design.postsPerRater, 'post')}, with sources balanced within raters (one-per-post design)`;
  const byRule = analysis.exclusions.filter((e) => e.raters.length > 0).map((e) => `${e.raters.length} for ${e.rule}`);
  // A rater can meet several rules: the total counts each rater once.
  const hits = analysis.exclusions.reduce((n, e) => n + e.raters.length, 0);
  const excluded = byRule.length === 0 ? [] : [`${plural(analysis.raters.excluded, 'rater')} in all (${listOf(byRule)}${hits > analysis.raters.excluded ? '; a rater can meet more than one rule' : ''})`];
  const ciAdjust = analysis.scales.map((s) => ('contrasts' in s && s.contrasts ? s.contrasts.ciAdjust : null)).find((a) => a !== null);
  const regression = analysis.languageModels?.regressions.some((r) => 'ridge' in r)
    ? ' A ridge regression of each reply\'s mean rating on the same terms (its penalty chosen by cross-validation within each training part) was compared, by 5-fold cross-validation, with predicting the training mean.'
    : '';
  const replies = repliesMethods(c.sources);
  const paragraphs = [
    `Materials. The study used ${plural(c.posts.total, 'support-seeking post')} from ${plural(c.posts.byDomain.length, 'domain')}: ${listOf(domains)}. Replies came from ${plural(c.sources.length, 'source')}; ${sources.join('; ')}.`,
    ...(replies ? [replies] : []),
    `Design. ${design}, on ${listOf(scales)}${c.attentionChecks > 0 ? `, with ${plural(c.attentionChecks, 'attention check')}` : ''}. The target was ${plural(c.design.targetRatingsPerResponse, 'rating')} per reply; rated replies received ${c.ratingsPerResponse.min === c.ratingsPerResponse.max ? c.ratingsPerResponse.min : `${c.ratingsPerResponse.min} to ${c.ratingsPerResponse.max} (median ${c.ratingsPerResponse.median})`} ratings per scale.`,
    `Participants. ${plural(analysis.raters.total, 'rater')} ${c.simulatedRatings > 0 ? 'were simulated (a synthetic panel, not people)' : 'took part'}. The exclusion rules were ${listOf([...c.exclusionRules])}. ${
      excluded.length > 0 ? `They excluded ${excluded[0]}` : 'No rater met one'
    }, leaving ${plural(analysis.raters.kept, 'rater')}.${notApplied(analysis)}${flagged(analysis)}`,
    ...(c.panel ? [panelMethods(c.panel, ratedSourceIds(c))] : []),
    `Analysis. Each ${c.instrument.some((x) => x.type === 'pairwise') ? 'scale that rates replies one by one' : 'scale'} was modelled with a linear mixed model, ${c.analysis.formula}, fitted by ${c.analysis.reml ? 'REML' : 'maximum likelihood'} with ${c.analysis.reference} as the reference source; fixed effects were tested with Satterthwaite degrees of freedom, and all pairwise contrasts of estimated marginal means were ${ADJUST_NAMES[c.analysis.adjust] ?? c.analysis.adjust}. ${
      ciAdjust
        ? `Each contrast is given with its 95% confidence interval${ciAdjust === 'none' ? '' : ` (${ciAdjust === 'tukey' ? 'Tukey' : 'Bonferroni'}-adjusted)`} and a standardised effect size ${stat('d')}, the difference over the square root of the sum of all the model's variance components (Westfall, Kenny & Judd, 2014). `
        : ''
    }${ordinalMethods(analysis)}${formatMethods(analysis)}Means per source are shown with 95% confidence intervals across posts. Reliability is Krippendorff's α (interval). The language of the replies was described with ${plural(c.features.length, 'feature')} and compared between sources with a random intercept per post${languageAdjust(analysis)}; a multinomial logistic regression on a bag of words (200 unigrams and bigrams and 20 emojis, L2 penalty, stratified 90:10 split and 5-fold cross-validation) classified the source of each reply.${regression} All computations were done with empathy-lab ${c.software.find((x) => x.name === 'empathy-lab')?.version ?? ''}.`,
  ];
  return paragraphs;
}

/** The methods sentence of the ordinal model, from the fits the analysis holds (empty when none). */
function ordinalMethods(analysis: StudyAnalysis): string {
  const fits = analysis.scales.flatMap((s) => ('clmm' in s && s.clmm && !('error' in s.clmm) ? [s.clmm] : []));
  const first = fits[0];
  if (!first) return '';
  const formulas = [...new Set(fits.map((f) => f.formula))];
  return `Because the ratings are ordered categories, each ${analysis.formats ? 'Likert ' : ''}scale was also modelled with a cumulative link mixed model (${first.link} link, ${first.threshold_type} thresholds, Laplace approximation, as R's ordinal::clmm), ${listOf(formulas)}${first.note ? `; ${first.note}` : ''}; its pairwise contrasts of the sources' latent means were tested with Wald ${stat('z')} tests with the same adjustment, and the probability of each rating was averaged over the random effects by Gauss-Hermite quadrature. `;
}

/** The first line of a report whose ratings include simulated ones. */
export function simulatedBanner({ context }: ReportInput): string | null {
  if (context.simulatedRatings === 0) return null;
  const share = context.simulatedRatings >= context.ratings ? 'All' : `${context.simulatedRatings.toLocaleString('en-US')} of ${context.ratings.toLocaleString('en-US')}`;
  const planted = context.panel ? plantedEffects(context.panel, ratedSourceIds(context)) : [];
  const effects = !context.panel
    ? ' The settings of the panel are not on record.'
    : planted.length === 0
      ? ` No source effect was planted (every source has the same effect).`
      : ` Planted effects, in scale points over ${context.panel.reference}: ${listOf(planted.map((p) => `${p.source} ${signed(p.difference)}`))}${(context.panel.panels ?? [])
          .filter((x) => Object.keys(x.shifts).length)
          .map((x) => `; in the ${x.id} panel, further ${Object.entries(x.shifts).map(([k, v]) => `${k} ${signed(v)}`).join(', ')}`)
          .join('')}.`;
  return `Simulated data: ${share} of the ratings in this study come from a synthetic panel (empathy-lab simulate), not from people.${effects} Do not read these findings as evidence.`;
}
