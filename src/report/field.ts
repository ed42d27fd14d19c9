/**
 * The report of a field study: one section, "What did the people who asked think?", that opens
 * with its answer, its tables (the posts and their fate, the outcome by arm, the seekers' ratings,
 * time to reply, the edits, the safety log), and Methods that say what the study did as its
 * manifest and its records say. Every estimate has its interval; nothing is said that the
 * numbers do not carry.
 */
import type { FieldAnalysis, ArmModel } from '../analysis/field.js';
import type { FieldSimulationRecord } from '../simulation/field.js';
import type { Study } from '../study/schema.js';
import { fixed, formatDf, pClause, stat, statHtml as e } from './format.js';
import { reportPage, tableHtml } from './html.js';
import type { ReportTable } from './tables.js';

const col = (label: string, format: ReportTable['columns'][number]['format'] = 'text') => ({ label, format });
const interval = (lo: number, hi: number, digits = 2) => (Number.isFinite(lo) && Number.isFinite(hi) ? `[${fixed(lo, digits)}, ${fixed(hi, digits)}]` : '–');

function modelTables(id: string, title: string, m: ArmModel | null, modelArm: boolean): ReportTable[] {
  if (!m || m.error) return [];
  const covariate = m.formula.includes('+ pre');
  return [
    {
      id: `${id}-means`,
      title: `${title}: estimated means by arm`,
      note: `${m.formula.replace(/^y/, 'value')}; REML; ${covariate ? 'means at the mean pre-measure; ' : ''}95% CIs, Satterthwaite df. ${m.n} seekers, ${m.supporters} supporters${modelArm ? ' (model-arm replies count as one "supporter")' : ''}; supporter SD ${fixed(m.sdSupporter, 2)}, residual SD ${fixed(m.sigma, 2)}${m.singular ? '; singular fit (the supporter variance is estimated at zero)' : ''}.`,
      columns: [col('arm'), col('mean', 'd2'), col('SE', 'd2'), col('df', 'd2'), col('95% CI', 'interval')],
      rows: m.emmeans.map((r) => [r.level, r.emmean, r.se, r.df, interval(r.lower, r.upper)]),
    },
    {
      id: `${id}-contrasts`,
      title: `${title}: differences between arms`,
      note: 'p Holm-adjusted over the pairs of arms; intervals Bonferroni-adjusted (as emmeans does for Holm).',
      columns: [col('contrast'), col('estimate', 'd2'), col('SE', 'd2'), col('df', 'd2'), col('t', 'd2'), col('p', 'p'), col('95% CI', 'interval')],
      rows: m.contrasts.map((c) => [c.contrast, c.estimate, c.se, c.df, c.t, c.p, interval(c.lower, c.upper)]),
    },
  ];
}

export function fieldTables(a: FieldAnalysis): ReportTable[] {
  const tables: ReportTable[] = [
    {
      id: 'field-posts',
      title: 'Posts by arm: randomised, answered, rated, followed up',
      note: `${a.posts.total} posts; ${a.posts.screenedOut} screened out for risk before randomisation; ${a.posts.flagged} flagged by a supporter after it.`,
      columns: [col('arm'), col('randomised', 'int'), col('answered', 'int'), col('rated', 'int'), col('followed up', 'int')],
      rows: a.posts.byArm.map((r) => [r.arm, r.randomised, r.answered, r.rated, r.followedUp]),
    },
  ];
  const modelArm = a.arms.includes('model');
  for (const m of a.measures) tables.push(...modelTables(`field-${m.phase === 'post' ? 'post' : 'follow-up'}-${m.measure}`, `${m.measure} ${m.phase === 'post' ? 'after reading the reply' : 'at the follow-up'}`, m.model, modelArm));
  for (const r of a.ratings) tables.push(...modelTables(`field-rating-${r.scale}`, `Seekers' rating of the reply: ${r.scale}`, r.model, modelArm));
  for (const c of a.readers?.scales ?? [])
    tables.push({
      id: `field-readers-${c.scale}`,
      title: `Readers and seekers on the same replies: ${c.scale}`,
      note: `${c.replies} replies rated by ${c.raters} readers (${c.ratingsPerReply.min} to ${c.ratingsPerReply.max} ratings per reply, median ${c.ratingsPerReply.median}) and by the seeker who asked. Means over the same replies with 95% t intervals; readers' ratings from ${a.readers?.file}${a.readers?.unmatchedPosts ? `, where ${a.readers.unmatchedPosts} posts are not answered posts of this study (left out)` : ''}.`,
      columns: [col('arm'), col('replies', 'int'), col("readers' mean", 'd2'), col('95% CI', 'interval'), col("seekers' mean", 'd2'), col('95% CI', 'interval')],
      rows: c.byArm.map((r) => [r.arm, r.readers.n, r.readers.estimate, interval(r.readers.lower, r.readers.upper), r.seekers.estimate, interval(r.seekers.lower, r.seekers.upper)]),
    });
  tables.push({
    id: 'field-time-to-reply',
    title: 'Hours from post to reply, by arm',
    note: 'Medians with distribution-free 95% intervals (order statistics; "–" where too few replies for one).',
    columns: [col('arm'), col('n', 'int'), col('median hours', 'd2'), col('95% CI', 'interval')],
    rows: a.timeToReply.map((t) => [t.arm, t.n, t.estimate, interval(t.lower, t.upper)]),
  });
  if (a.edits.n > 0)
    tables.push({
      id: 'field-edits',
      title: "How much supporters changed the model's draft (assisted arm)",
      note: 'Word-level edit distance (insertions, deletions, substitutions) and its share of the longer text; medians with distribution-free 95% intervals; the share sent unchanged with a Clopper-Pearson interval.',
      columns: [col('measure'), col('n', 'int'), col('estimate', 'd3'), col('95% CI', 'interval')],
      rows: [
        ...(a.edits.share ? [['share of words changed (median)', a.edits.share.n, a.edits.share.estimate, interval(a.edits.share.lower, a.edits.share.upper, 3)] as const] : []),
        ...(a.edits.distance ? [['words changed (median)', a.edits.distance.n, a.edits.distance.estimate, interval(a.edits.distance.lower, a.edits.distance.upper, 1)] as const] : []),
        ...(a.edits.unchanged ? [['drafts sent unchanged (share)', a.edits.unchanged.n, a.edits.unchanged.estimate, interval(a.edits.unchanged.lower, a.edits.unchanged.upper, 3)] as const] : []),
      ],
    });
  tables.push({
    id: 'field-safety',
    title: 'Safety log: posts stopped, by rule',
    note: `Screened out: ${a.safety.screenedOut.n === 0 ? 'no posts' : `${fixed(100 * a.safety.screenedOut.estimate, 1)}% of ${a.safety.screenedOut.n} posts, 95% CI ${interval(100 * a.safety.screenedOut.lower, 100 * a.safety.screenedOut.upper, 1)}%`} (Clopper-Pearson). A screened-out post is never randomised, drafted or shown to a supporter; its writer is shown crisis resources at once.`,
    columns: [col('rule'), col('signal'), col('posts', 'int')],
    rows: a.safety.byRule.map((r) => [r.rule === 'lexicon' ? 'risk phrase screen' : r.rule === 'model' ? 'model screen' : 'supporter flag', r.kind.replace(/_/g, ' '), r.posts]),
  });
  return tables;
}

/** The section's opening: the outcome's answer first, then the ratings, in sentences the numbers carry. */
export function fieldLead(a: FieldAnalysis): string[] {
  const out: string[] = [];
  const main = a.measures.find((m) => m.phase === 'post' && m.measure === a.outcome)?.model;
  if (!main || main.error) out.push(`The outcome (${a.outcome}) cannot be compared between arms yet${main?.error ? `: ${main.error}` : ': no seeker has answered the post-measure'}.`);
  else {
    const rated = a.posts.byArm.map((r) => `${r.rated} in the ${r.arm} arm`).join(', ');
    out.push(`Seekers who read their reply and answered the post-measure: ${rated}.`);
    for (const c of main.contrasts) {
      const [first, second] = c.contrast.split(' - ') as [string, string];
      const higher = c.estimate > 0 ? first : second;
      const clear = c.lower > 0 || c.upper < 0;
      out.push(
        `${a.outcome} after reading the reply, adjusted for the pre-measure: ${c.contrast} = ${fixed(c.estimate, 2)} points (95% CI ${interval(c.lower, c.upper)}, ${stat('t')}(${formatDf(c.df)}) = ${fixed(c.t, 2)}, ${pClause(c.p)}); ${clear ? `the interval excludes 0: higher in the ${higher} arm` : 'the interval includes 0, so these data do not tell the two arms apart'}.`,
      );
    }
  }
  for (const r of a.ratings) {
    if (!r.model || r.model.error) continue;
    for (const c of r.model.contrasts) out.push(`Seekers' ${r.scale} rating of their reply: ${c.contrast} = ${fixed(c.estimate, 2)} (95% CI ${interval(c.lower, c.upper)}, ${pClause(c.p)}).`);
  }
  for (const c of a.readers?.scales ?? []) {
    if (!c.correlation) {
      out.push(`Readers rated ${c.replies} of the replies on ${c.scale}: too few to correlate with the seekers' own ratings.`);
      continue;
    }
    const { r, lower, upper, n } = c.correlation;
    const what = lower > 0 ? "readers' ratings go with the seekers' own" : upper < 0 ? "readers' ratings go against the seekers' own" : "the interval includes 0: these data do not show that readers' ratings predict the seekers' own";
    out.push(`Do readers' ratings predict the seeker's own? On ${c.scale}, the readers' mean rating of a reply and its seeker's rating: ${stat('r')} = ${fixed(r, 2)} (95% CI ${interval(lower, upper)}, ${stat('n')} = ${n} replies); ${what}.`);
  }
  return out;
}

export function fieldMethods(a: FieldAnalysis, study: Study, simulation: FieldSimulationRecord | null): string[] {
  const f = study.field as NonNullable<Study['field']>;
  const arms: Record<string, string> = { human: 'a peer supporter wrote the reply alone', assisted: "a peer supporter edited a draft written by the study's draft source before sending it", model: 'the draft source wrote the reply and it was sent without a person reading it' };
  const out = [
    `Seekers wrote a post in one of ${study.domains.length} domains and answered ${f.measures.length === 1 ? 'one measure' : `${f.measures.length} measures`} (${f.measures.map((m) => `${m.id}, ${m.type === 'slider' ? '0-100 slider' : `${m.points}-point scale`}`).join('; ')}) before posting. Every post was screened for risk of harm with ${f.screening.replace_builtin ? "the study's own" : 'the built-in'} risk phrase list${f.screening.phrases.length ? ` (${f.screening.phrases.length} phrases added by the study)` : ''}${f.screening.model ? ` and then by a model (source ${f.screening.model.source}, prompt ${f.screening.model.prompt}; a post it called a risk was screened out like a phrase)` : ''} before any supporter or the draft source saw it, and names, places and contact details were redacted. Posts that passed were randomised to ${f.arms.length} arms in permuted blocks of ${f.block_size ?? 2 * f.arms.length} within each domain (seed ${study.design.seed}): ${f.arms.map((x) => `${x} (${arms[x]})`).join('; ')}.`,
    `Seekers read the reply by their own link, rated it (${study.instrument.scales.map((s) => s.id).join(', ')}) and answered the measures again${f.follow_up_days !== undefined ? `, and once more ${f.follow_up_days} days later` : ''}; they were told the arm only in the debrief after their last answer.`,
    `Each post-measure was analysed with a linear mixed model, value ~ arm + pre + (1 | supporter) (REML; Satterthwaite df; estimated means at the mean pre-measure), the ratings with value ~ arm + (1 | supporter); differences between arms are Holm-adjusted. Replies of the model arm have no supporter and share one level of the supporter factor.`,
  ];
  if (a.readers)
    out.push(
      `Readers rated the same replies in a separate rating study (${a.readers.file}); their mean rating of each reply was correlated with the seeker's own rating on the scales both used (Pearson's r, Fisher-z interval).`,
    );
  if (simulation)
    out.push(
      `These data are simulated (empathy-lab simulate, seed ${simulation.seed}): ${simulation.seekers} seekers, ${simulation.supporters} supporters, planted effects on the 0-100 outcome ${Object.entries(simulation.effects).map(([k, v]) => `${k} ${v}`).join(', ')}, ${fixed(100 * simulation.screenedOutShare, 0)}% of posts screened out and ${fixed(100 * simulation.flaggedShare, 0)}% flagged by design, median hours to reply ${Object.entries(simulation.medianHours).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    );
  return out;
}

export function fieldReportHtml(a: FieldAnalysis, study: Study, simulation: FieldSimulationRecord | null, meta: { manifestHash: string; version: string }): string {
  const title = study.title ?? study.name;
  const sections: Array<[string, string, string]> = [
    ['field', 'What did the people who asked think?', [...fieldLead(a).map((p) => `<p>${e(p)}</p>`), ...fieldTables(a).filter((t) => t.rows.length > 0).map(tableHtml)].join('\n')],
    ['methods', 'Methods', fieldMethods(a, study, simulation).map((p) => `<p>${e(p)}</p>`).join('\n')],
  ];
  const banner = a.simulated ? 'Simulated data: every seeker, supporter and answer in this report was made by empathy-lab simulate, not by people.' : null;
  return reportPage({ title, version: meta.version, banner, subtitle: `empathy-lab report for the field study <strong>${e(study.name)}</strong> · manifest ${e(meta.manifestHash.slice(0, 12))}`, sections });
}
