/**
 * Every table of the report as data: one definition feeds the HTML, the Markdown and the CSV files,
 * so a number cannot differ between them. Cells hold raw values; each column says how to print them.
 */
import type { ModelJson, RatedScale, StudyAnalysis } from '../analysis/schema.js';
import { scaleWarnings } from '../analysis/study-analysis.js';
import type { ReportInput } from './context.js';
import { fixed, formatP, listOf, stat } from './format.js';
import { formatTables } from './formats.js';
import { plantedEffects, ratedSourceIds } from './record.js';

export type Cell = string | number | null;
/** `text`; `int`; `d2`, `d3`, `d4`: fixed decimals; `p`: APA p value; `interval`: "[lower, upper]" as written, kept on one line. */
export type ColumnFormat = 'text' | 'int' | 'd2' | 'd3' | 'd4' | 'p' | 'interval';

export interface ReportTable {
  /** Also the CSV file name (`tables/<id>.csv`) and the HTML id. */
  readonly id: string;
  readonly title: string;
  readonly note?: string;
  readonly columns: ReadonlyArray<{ readonly label: string; readonly format: ColumnFormat }>;
  readonly rows: ReadonlyArray<readonly Cell[]>;
}

export function ratedScales(a: StudyAnalysis): RatedScale[] {
  return a.scales.filter((s): s is RatedScale => 'model' in s);
}

/** The fitted model of a scale, or null when the fit failed. */
export function fittedModel(s: RatedScale): ModelJson | null {
  return 'error' in s.model ? null : s.model;
}

/** A cell as the HTML and Markdown print it. */
export function formatCell(v: Cell, format: ColumnFormat): string {
  if (v === null) return '–';
  if (typeof v === 'string') return v;
  switch (format) {
    case 'int':
      return Number.isFinite(v) ? String(Math.round(v)) : '–';
    case 'd2':
      return fixed(v, 2);
    case 'd3':
      return fixed(v, 3);
    case 'd4':
      return fixed(v, 4);
    case 'p':
      return formatP(v);
    default:
      return String(v);
  }
}

const col = (label: string, format: ColumnFormat = 'text') => ({ label, format });

/** The language features the report draws and tabulates, by group. */
export const LANGUAGE_GROUPS: ReadonlyArray<{ readonly id: string; readonly title: string; readonly features: readonly string[] }> = [
  { id: 'pronouns', title: 'Pronouns', features: ['pronoun_i', 'pronoun_we', 'pronoun_you', 'pronoun_shehe', 'pronoun_they'] },
  { id: 'punctuation', title: 'Punctuation and emojis', features: ['question_marks', 'exclamation_marks', 'emojis'] },
  { id: 'emotion', title: 'Emotion words', features: ['positive_emotion', 'negative_emotion'] },
];

export function buildTables({ analysis, context }: ReportInput): ReportTable[] {
  const scales = ratedScales(analysis);
  const tables: ReportTable[] = [];
  tables.push({
    id: 'means',
    title: 'Mean rating per source, with 95% confidence intervals across posts',
    note: 'Each post\'s ratings are averaged first; the interval is a t interval over the post means (n = posts).',
    columns: [col('scale'), col('source'), col(stat('M'), 'd2'), col(stat('SD'), 'd2'), col('posts', 'int'), col('95% CI lower', 'd2'), col('95% CI upper', 'd2')],
    rows: scales.flatMap((s) => s.meansAcrossPosts.map((m) => [s.scale, m.group, m.mean, m.sd, m.n, m.lower, m.upper])),
  });
  tables.push({
    id: 'emmeans',
    title: 'Estimated marginal means from the mixed model',
    columns: [col('scale'), col('source'), col('emmean', 'd2'), col(stat('SE'), 'd3'), col(stat('df'), 'd2'), col('lower.CL', 'd2'), col('upper.CL', 'd2')],
    rows: scales.flatMap((s) => (s.contrasts?.emmeans ?? []).map((m) => [s.scale, m.source, m.emmean, m.SE, m.df, m['lower.CL'], m['upper.CL']])),
  });
  tables.push({
    id: 'contrasts',
    title: `Pairwise contrasts between sources, with 95% confidence intervals and standardised effect sizes (${context.analysis.adjust} adjustment)`,
    note: `${stat('p')} values: ${context.analysis.adjust} adjustment; intervals: ${[...new Set(scales.map((s) => s.contrasts?.ciAdjust).filter((a) => a !== undefined))].join(', ') || 'none'} adjustment (Holm has no interval; emmeans uses Bonferroni's). ${stat('d')}: the difference over the square root of the sum of all variance components of the model (Westfall, Kenny & Judd, 2014); its interval is the difference's interval over the same denominator.`,
    columns: [
      col('scale'),
      col('contrast'),
      col('estimate', 'd3'),
      col(stat('SE'), 'd3'),
      col(stat('df'), 'd2'),
      col(stat('t'), 'd2'),
      col(stat('p'), 'p'),
      col('95% CI lower', 'd3'),
      col('95% CI upper', 'd3'),
      col(stat('d'), 'd2'),
      col(`${stat('d')} 95% CI lower`, 'd2'),
      col(`${stat('d')} 95% CI upper`, 'd2'),
    ],
    rows: scales.flatMap((s) =>
      (s.contrasts?.pairs ?? []).map((c) => [s.scale, c.contrast, c.estimate, c.SE, c.df, c['t.ratio'], c['p.value'], c['lower.CL'], c['upper.CL'], c.d, c['d.lower.CL'], c['d.upper.CL']]),
    ),
  });
  // Warnings of the fits (a singular fit, dropped rows or columns, convergence) stand beside the model.
  const modelWarnings = scales.flatMap(scaleWarnings);
  tables.push({
    id: 'fixed-effects',
    title: 'Fixed effects (REML, Satterthwaite degrees of freedom)',
    ...(modelWarnings.length ? { note: `Warnings: ${modelWarnings.join('; ')}.` } : {}),
    columns: [col('scale'), col('term'), col('estimate', 'd3'), col(stat('SE'), 'd3'), col(stat('df'), 'd2'), col(stat('t'), 'd2'), col(stat('p'), 'p')],
    rows: scales.flatMap((s) => {
      const m = fittedModel(s);
      return m ? Object.keys(m.fixef).map((term) => [s.scale, term, m.fixef[term], m.se[term], m.df_satterthwaite[term], m.t[term], m.p[term]]) : [];
    }),
  });
  tables.push({
    id: 'random-effects',
    title: 'Random effects (variance components)',
    columns: [col('scale'), col('group'), col('term'), col('variance', 'd4'), col(stat('SD'), 'd3'), col('levels', 'int')],
    rows: scales.flatMap((s) => {
      const m = fittedModel(s);
      return m ? m.varcor.filter((v) => v.var2 === null).map((v) => [s.scale, v.grp, v.var1 ?? '', v.vcov, v.sdcor, m.ngroups[v.grp] ?? null]) : [];
    }),
  });
  tables.push({
    id: 'domain-means',
    title: 'Mean rating per domain and source, with 95% confidence intervals across posts',
    columns: [col('scale'), col('domain'), col('source'), col(stat('M'), 'd2'), col('posts', 'int'), col('95% CI lower', 'd2'), col('95% CI upper', 'd2')],
    rows: scales.flatMap((s) => s.byDomain.flatMap((d) => d.means.map((m) => [s.scale, d.domain, m.group, m.mean, m.n, m.lower, m.upper]))),
  });
  tables.push({
    id: 'source-by-domain',
    title: 'Does the difference between sources depend on the domain? (likelihood-ratio test of source × domain, ML)',
    columns: [col('scale'), col('χ²', 'd2'), col(stat('df'), 'int'), col(stat('p'), 'p')],
    rows: scales.flatMap((s) => {
      const x = s.sourceByDomain;
      return x && 'interactionTest' in x ? [[s.scale, x.interactionTest.chisq, x.interactionTest.df, x.interactionTest.p]] : [];
    }),
  });
  tables.push({
    id: 'reliability',
    title: 'Rater reliability',
    note: 'Krippendorff\'s alpha (interval), over every response rated by two or more raters.',
    columns: [col('scale'), col('raters', 'int'), col('responses', 'int'), col('ratings', 'int'), col('Krippendorff\'s α', 'd3')],
    rows: scales.map((s) => [s.scale, s.reliability.raters, s.reliability.responses, s.ratings, s.reliability.krippendorffAlphaInterval]),
  });
  tables.push({
    id: 'correlations',
    title: 'Correlations between scales (Pearson, over rater × response pairs)',
    columns: [col('scale'), col('with'), col(stat('r'), 'd3'), col('pairs', 'int')],
    rows: analysis.correlations.map((c) => [c.a, c.b, c.r, c.n]),
  });
  tables.push({
    id: 'exclusions',
    title: 'Exclusions',
    note: 'A rater may meet several rules; each is counted under every rule it meets. Nothing is deleted.',
    columns: [col('rule'), col('raters', 'int'), col('ratings removed', 'int')],
    rows: [...analysis.exclusions.map((e): Cell[] => [e.rule, e.raters.length, e.ratingsRemoved]), ...analysis.flags.map((f): Cell[] => [`${f.rule}: flagged, not excluded`, f.raters.length, 0])],
  });
  if (analysis.language) {
    const sources = Object.values(analysis.language)[0]?.groups.map((g) => g.group) ?? [];
    const described = new Map(context.features.map((f) => [f.name, f]));
    tables.push({
      id: 'language',
      title: 'Language of the replies: mean per source and the largest adjusted difference',
      note: `Shares are per 100 words (questions_to_seeker: per 100 sentences). Contrasts from a mixed model with a random intercept per post (value ~ source + (1 | post)), ${context.analysis.adjust} adjustment.`,
      columns: [col('feature'), ...sources.map((s) => col(s, 'd2')), col('contrast'), col('difference', 'd2'), col(stat('p'), 'p')],
      rows: Object.entries(analysis.language).map(([name, cmp]) => {
        const per100 = described.get(name)?.kind === 'proportion' ? 100 : 1;
        const pairs = cmp.mixed ?? cmp.ols;
        const top = [...pairs].sort((a, b) => (a.p ?? 1) - (b.p ?? 1))[0];
        return [name, ...sources.map((s) => (cmp.groups.find((g) => g.group === s)?.mean ?? NaN) * per100), top?.contrast ?? '', top?.b != null ? top.b * per100 : null, top?.p ?? null];
      }),
    });
  }
  const lm = analysis.languageModels;
  if (lm && !('error' in lm.classifier)) {
    const c = lm.classifier;
    tables.push({
      id: 'classifier',
      title: `Which source wrote this? Bag-of-words classifier (held-out ${c.testSize} replies; ${c.crossValidation.folds}-fold cross-validation)`,
      columns: [col('source'), col('precision', 'd3'), col('recall', 'd3'), col('F1', 'd3'), col('support', 'int'), col('CV F1', 'd3')],
      rows: c.test.perClass.map((m) => [m.label, m.precision, m.recall, m.f1, m.support, c.crossValidation.meanF1[m.label] ?? null]),
    });
    tables.push({
      id: 'confusion',
      title: 'Confusion matrix of the held-out replies (rows: actual source; columns: predicted)',
      columns: [col('actual'), ...c.classes.map((k) => col(k, 'int'))],
      rows: c.test.confusion.map((row, i) => [c.classes[i], ...row]),
    });
    tables.push({
      id: 'top-features',
      title: 'The terms that most mark each source (largest classifier weights)',
      note: 'Weights of the multinomial logistic regression on standardised term counts, trained on the 90% split.',
      columns: [col('rank', 'int'), ...c.classes.flatMap((k) => [col(k), col('weight', 'd3')])],
      rows: Array.from({ length: Math.max(0, ...c.classes.map((k) => c.topFeatures[k]?.length ?? 0)) }, (_, i) => [
        i + 1,
        ...c.classes.flatMap((k) => {
          const t = c.topFeatures[k]?.[i];
          return [t?.term ?? '', t?.weight ?? null];
        }),
      ]),
    });
  }
  if (lm) {
    const fits = lm.regressions.filter((r): r is Extract<typeof r, { ridge: unknown }> => 'ridge' in r);
    const failed = lm.regressions.filter((r): r is Extract<typeof r, { error: string }> => 'error' in r);
    tables.push({
      id: 'regression',
      title: 'What predicts the ratings? Mean rating per reply regressed on the bag of words (cross-validated)',
      columns: [col('scale'), col('model'), col('replies', 'int'), col('terms', 'int'), col('MAE', 'd3'), col(`${stat('R')}²`, 'd3')],
      rows: fits.flatMap((r) => [
        [r.scale, 'baseline (the training mean)', r.n, 0, r.baseline.mae, r.baseline.r2],
        [r.scale, `ridge (λ = ${r.ridge.lambda}, ${r.ridge.lambdaChosenBy === 'given' ? 'given' : 'by nested cross-validation'})`, r.n, r.p, r.ridge.cv.mae, r.ridge.cv.r2],
        ...(r.ols ? [[r.scale, 'OLS', r.n, r.p, r.ols.cv.mae, r.ols.cv.r2] as Cell[]] : [[r.scale, `OLS: ${r.olsOmitted ?? 'left out'}`, r.n, r.p, null, null] as Cell[]]),
      ]).concat(failed.map((r) => [r.scale, `could not be computed: ${r.error}`, null, null, null, null] as Cell[])),
    });
  }
  tables.push({
    id: 'replies',
    title: 'How the replies were made and checked (from the record of each reply)',
    note: 'Parameters are those each call sent. Blinding: replies the clean-up changed (sign-offs, Markdown, AI self-disclosures). Failed checks: length, refusal, AI self-disclosure, repetition or truncation.',
    columns: [col('source'), col('made by'), col('replies', 'int'), col('changed by blinding', 'int'), col('failed a check', 'int'), col('failed and rated', 'int')],
    rows: context.sources.flatMap((s) =>
      s.record.made.map((m, i): Cell[] => [
        s.id,
        m.provider === 'imported' ? 'imported' : m.provider === 'variant' ? `derived from ${s.of ?? 'another source'} (${(s.transforms ?? []).join(', ')})` : m.provider === 'eliza' || m.provider === 'replay' ? m.provider : `${m.model ?? ''} via ${m.provider}${Object.keys(m.params).length ? ` (${Object.entries(m.params).map(([k, v]) => `${k} ${String(v)}`).join(', ')})` : ''}`,
        m.replies,
        i === 0 ? s.record.blinding.changed : null,
        i === 0 ? s.record.checks.failed : null,
        i === 0 ? s.record.checks.rated : null,
      ]),
    ),
  });
  if (context.panel) {
    const panel = context.panel;
    const reference = panel.reference;
    tables.push({
      id: 'panel',
      title: `Simulated panel: the effects planted and the effects the model estimated (scale points over ${reference})`,
      note: `The generative model and its settings are in Methods. Estimated: the difference of estimated marginal means, with its ${'95% CI'} as in the contrasts table.`,
      columns: [col('scale'), col('source'), col('planted', 'd2'), col('estimated', 'd2'), col('95% CI lower', 'd2'), col('95% CI upper', 'd2')],
      rows: scales.flatMap((s) =>
        plantedEffects(panel, ratedSourceIds(context)).map((p): Cell[] => {
          const pairs = s.contrasts?.pairs ?? [];
          const forward = pairs.find((c) => c.contrast === `${p.source} - ${reference}`);
          const backward = pairs.find((c) => c.contrast === `${reference} - ${p.source}`);
          const est = forward ? [forward.estimate, forward['lower.CL'], forward['upper.CL']] : backward ? [-backward.estimate, -backward['upper.CL'], -backward['lower.CL']] : [null, null, null];
          return [s.scale, p.source, p.difference, ...est];
        }),
      ),
    });
  }
  const calibration = analysis.judgeCalibration ?? [];
  if (calibration.length > 0) {
    tables.push({
      id: 'judge-calibration',
      title: 'Each judge against the human ratings (mean human rating per reply)',
      note: `${stat('r')}: Pearson, Fisher-z interval; ρ: Spearman, interval with Bonett & Wright's standard error; MAE: mean absolute difference from the human mean, in scale points; α: Krippendorff's α (interval) of the human raters, and with the judge as one more rater; τ: Kendall's τ-b between the judge's and the people's source means; contrasts: the model's pairwise contrasts the judge agrees with in sign and in significance (p < .05); test-retest: ICC(A,1) across the judge's samples; length: the judge's partial correlation with word count controlling for the human mean, and the human mean's own correlation with word count; raters: how many raters' mean the judge is worth (Spearman-Brown, from α and the raters per reply).`,
      columns: [col('judge'), col('scale'), col('replies', 'int'), col(stat('r'), 'd2'), col(`${stat('r')} 95% CI`), col('ρ', 'd2'), col('ρ 95% CI'), col('MAE', 'd2'), col('α humans', 'd2'), col('α with judge', 'd2'), col('τ', 'd2'), col('contrasts agreeing'), col('test-retest'), col('length (judge)', 'd2'), col('length (people)', 'd2'), col('worth raters')],
      rows: calibration.map((c) => [
        c.judge,
        c.scale,
        c.replies,
        c.pearson?.r ?? null,
        c.pearson ? `[${fixed(c.pearson.lower)}, ${fixed(c.pearson.upper)}]` : null,
        c.spearman?.rho ?? null,
        c.spearman ? `[${fixed(c.spearman.lower)}, ${fixed(c.spearman.upper)}]` : null,
        c.meanAbsoluteError,
        c.alpha.humans,
        c.alpha.withJudge,
        c.kendallTau,
        c.contrasts.length ? `${c.contrasts.filter((x) => x.sameVerdict).length} of ${c.contrasts.length}` : null,
        c.testRetest ? `${fixed(c.testRetest.iccA1)} [${fixed(c.testRetest.lower)}, ${fixed(c.testRetest.upper)}], ${c.testRetest.samples} samples` : null,
        c.lengthBias.judgePartial,
        c.lengthBias.human,
        c.equivalentRaters.beyond ? 'more than any number' : c.equivalentRaters.raters === null ? null : fixed(c.equivalentRaters.raters, 1),
      ]),
    });
    tables.push({
      id: 'judge-bias',
      title: 'Bias per source: the judge\'s score minus the human mean, over the source\'s replies',
      columns: [col('judge'), col('scale'), col('source'), col('replies', 'int'), col('bias', 'd2'), col('95% CI lower', 'd2'), col('95% CI upper', 'd2')],
      rows: calibration.flatMap((c) => c.biasBySource.map((b) => [c.judge, c.scale, b.source, b.replies, b.bias, b.lower, b.upper])),
    });
    tables.push({
      id: 'judge-contrasts',
      title: 'The model\'s contrasts between sources: from the people\'s ratings and from the judge\'s scores',
      note: `The judge's contrasts come from \`value ~ source + (1 | post)\` fitted to its scores, with the study's ${context.analysis.adjust} adjustment.`,
      columns: [col('judge'), col('scale'), col('contrast'), col('people', 'd3'), col(`people ${stat('p')}`, 'p'), col('judge', 'd3'), col(`judge ${stat('p')}`, 'p'), col('same sign'), col('same verdict')],
      rows: calibration.flatMap((c) => c.contrasts.map((x) => [c.judge, c.scale, x.contrast, x.human, x.humanP, x.judge, x.judgeP, x.sameSign ? 'yes' : 'no', x.sameVerdict ? 'yes' : 'no'])),
    });
  }
  const panels = analysis.panels;
  if (panels) {
    tables.push({
      id: 'panel-means',
      title: 'Mean rating per source in each panel, with 95% confidence intervals across posts',
      columns: [col('scale'), col('panel'), col('source'), col(stat('M'), 'd2'), col(stat('SD'), 'd2'), col('posts', 'int'), col('95% CI lower', 'd2'), col('95% CI upper', 'd2')],
      rows: panels.scales.flatMap((s) => s.perPanel.flatMap((p) => p.means.map((m) => [s.scale, p.panel, m.group, m.mean, m.sd, m.n, m.lower, m.upper]))),
    });
    tables.push({
      id: 'panel-interaction',
      title: 'Do the source effects differ between panels? Likelihood-ratio test of the source × panel interaction (ML)',
      columns: [col('scale'), col('models compared'), col('χ²', 'd2'), col(stat('df'), 'int'), col(stat('p'), 'p')],
      rows: panels.scales.flatMap((s) => (s.interaction ? [[s.scale, s.interaction.formulas.join(' vs '), 'chisq' in s.interaction ? s.interaction.chisq : null, 'df' in s.interaction ? s.interaction.df : null, 'p' in s.interaction ? s.interaction.p : null]] : [])),
    });
    tables.push({
      id: 'panel-contrasts',
      title: `Pairwise contrasts between sources within each panel (${context.analysis.adjust} adjustment)`,
      note: `The manifest's model fitted to each panel's ratings on its own. ${stat('d')} as in the contrasts table.`,
      columns: [col('scale'), col('panel'), col('contrast'), col('estimate', 'd3'), col(stat('SE'), 'd3'), col(stat('df'), 'd2'), col(stat('t'), 'd2'), col(stat('p'), 'p'), col('95% CI lower', 'd3'), col('95% CI upper', 'd3'), col(stat('d'), 'd2')],
      rows: panels.scales.flatMap((s) =>
        s.perPanel.flatMap((p) => (p.contrasts && 'pairs' in p.contrasts ? p.contrasts.pairs.map((c) => [s.scale, p.panel, c.contrast, c.estimate, c.SE, c.df, c['t.ratio'], c['p.value'], c['lower.CL'], c['upper.CL'], c.d]) : [])),
      ),
    });
    tables.push({
      id: 'panel-agreement',
      title: 'Agreement between panels: on each reply\'s mean rating, and on the ranking of the sources',
      note: `Over the replies both panels rated. Pearson ${stat('r')} with its Fisher-z interval; ICC(A,1): two-way random effects, absolute agreement, single rater (McGraw & Wong, 1996), with its F-based interval; Kendall's τ-b between the panels' source means. Krippendorff's α (interval) within each panel is in the last columns.`,
      columns: [col('scale'), col('panels'), col('replies', 'int'), col(stat('r'), 'd2'), col(`${stat('r')} 95% CI lower`, 'd2'), col(`${stat('r')} 95% CI upper`, 'd2'), col('ICC(A,1)', 'd2'), col('ICC 95% CI lower', 'd2'), col('ICC 95% CI upper', 'd2'), col('Kendall τ', 'd2'), col('α first', 'd2'), col('α second', 'd2')],
      rows: panels.scales.flatMap((s) =>
        s.agreement.map((a) => [
          s.scale,
          `${a.a} – ${a.b}`,
          a.replies,
          a.pearson?.r ?? null,
          a.pearson?.lower ?? null,
          a.pearson?.upper ?? null,
          a.iccA1?.icc ?? null,
          a.iccA1?.lower ?? null,
          a.iccA1?.upper ?? null,
          a.kendallTau,
          s.perPanel.find((p) => p.panel === a.a)?.krippendorffAlphaInterval ?? null,
          s.perPanel.find((p) => p.panel === a.b)?.krippendorffAlphaInterval ?? null,
        ]),
      ),
    });
  }
  const ordinal = ratedScales(analysis).flatMap((s) => (s.clmm && !('error' in s.clmm) ? [{ scale: s.scale, fit: s.clmm }] : []));
  if (ordinal.length > 0) {
    tables.push({
      id: 'ordinal-agreement',
      title: 'The linear and the ordinal model on every contrast between sources',
      note: `Linear model: difference in scale points (Satterthwaite ${stat('t')} test); ordinal model: difference on the latent logit or probit scale (Wald ${stat('z')} test); both ${context.analysis.adjust}-adjusted over the pairs. They agree when both find the same significant direction at .05, or neither finds a difference.`,
      columns: [col('scale'), col('contrast'), col('linear: points', 'd3'), col(`linear ${stat('p')}`, 'p'), col('ordinal: latent', 'd3'), col(`ordinal ${stat('p')}`, 'p'), col('agree')],
      rows: ordinal.flatMap((o) => o.fit.agreement.map((a) => [o.scale, a.contrast, a.lmm_estimate, a.lmm_p, a.clmm_estimate, a.clmm_p, a.agree ? 'yes' : 'no'])),
    });
    tables.push({
      id: 'ordinal-model',
      title: 'The ordinal model: cumulative link mixed model, fitted by the Laplace approximation',
      note: listOf(ordinal.map((o) => `${o.scale}: ${o.fit.formula}, ${o.fit.link} link, ${o.fit.threshold_type} thresholds ${o.fit.thresholds.map((t) => fixed(t, 2)).join(', ')}; random-effect SDs ${Object.entries(o.fit.random_sd).map(([g, sd]) => `${g} ${fixed(sd, 3)}`).join(', ')}; log-likelihood ${fixed(o.fit.logLik, 2)}`)),
      columns: [col('scale'), col('term'), col('estimate', 'd3'), col(stat('SE'), 'd3'), col(stat('z'), 'd2'), col(stat('p'), 'p')],
      rows: ordinal.flatMap((o) => Object.keys(o.fit.beta).map((t) => [o.scale, t, o.fit.beta[t] ?? null, o.fit.se[t] ?? null, o.fit.z[t] ?? null, o.fit.p[t] ?? null])),
    });
    tables.push({
      id: 'ordinal-probabilities',
      title: 'Probability of each rating per source, averaged over raters and posts',
      note: `From the ordinal model: each category's probability averaged over the random effects' normal distribution (Gauss-Hermite quadrature, 60 nodes), not at their mean, so these are the shares a new rater and post would give; the expected rating is their weighted mean.`,
      columns: [col('scale'), col('source'), ...(ordinal[0]?.fit.categories ?? []).map((c) => col(`P(${c})`, 'd3')), col('expected rating', 'd2')],
      rows: ordinal.flatMap((o) => o.fit.emmeans.map((m) => [o.scale, m.source, ...m.prob_marginal, m.mean_rating_marginal])),
    });
  }
  const arms = analysis.styleArms ?? [];
  if (arms.length > 0) {
    const formulas = [...new Set(arms.flatMap((a) => a.scales.flatMap((s) => ('formula' in s.effect ? [s.effect.formula] : []))))];
    tables.push({
      id: 'style-effects',
      title: 'Style effects: each variant arm against its parent, on the same replies',
      note: `The model ${formulas.length === 1 ? formulas[0] : listOf(formulas)} fitted to the parent's and the arm's ratings (REML, Satterthwaite ${stat('df')}), the parent as reference; random terms with one rating per group in that subset (a rater never sees two versions of a reply) are left out. ${stat('d')}: the difference over the square root of the sum of the model's variance components (Westfall, Kenny & Judd, 2014).`,
      columns: [col('arm'), col('parent'), col('scale'), col('ratings', 'int'), col('estimate', 'd3'), col(stat('SE'), 'd3'), col(stat('df'), 'd2'), col(stat('t'), 'd2'), col(stat('p'), 'p'), col('95% CI lower', 'd3'), col('95% CI upper', 'd3'), col(stat('d'), 'd2'), col(`${stat('d')} 95% CI lower`, 'd2'), col(`${stat('d')} 95% CI upper`, 'd2')],
      rows: arms.flatMap((a) => a.scales.map((s) => ('error' in s.effect ? [a.arm, a.parent, s.scale, s.ratings, null, null, null, null, null, null, null, null, null, null] : [a.arm, a.parent, s.scale, s.ratings, s.effect.estimate, s.effect.SE, s.effect.df, s.effect.t, s.effect.p, s.effect['lower.CL'], s.effect['upper.CL'], s.effect.d, s.effect['d.lower.CL'], s.effect['d.upper.CL']]))),
    });
    const kinds = new Map(context.features.map((f) => [f.name, f.kind]));
    tables.push({
      id: 'style-language',
      title: 'What the transforms changed: mean features of the parent and the arm',
      note: 'Proportions are per 100 words.',
      columns: [col('arm'), col('parent'), col('feature'), col('parent mean', 'd2'), col('arm mean', 'd2'), col('difference', 'd2')],
      rows: arms.flatMap((a) =>
        a.language.map((f) => {
          const k = kinds.get(f.feature) === 'proportion' ? 100 : 1;
          const times = (v: number | null) => (v === null ? null : v * k);
          return [a.arm, a.parent, f.feature, times(f.parent), times(f.arm), times(f.difference)];
        }),
      ),
    });
  }
  tables.push(...formatTables({ analysis, context }));
  return tables;
}
