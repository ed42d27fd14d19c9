/**
 * The report's rating-format parts: "Which format measures best?" (one table, one figure, and the
 * sentences that answer it), the details of each format (a slider's distribution, a multi-item
 * scale's reliability, the Bradley-Terry model of the pairwise scale), and the methods sentence.
 * Everything is read from the analysis document's `formats` block.
 */
import type { FormatsJson, StudyAnalysis } from '../analysis/schema.js';
import type { Figure } from './charts.js';
import { CONFIG, PALETTE } from './charts.js';
import type { ReportInput } from './context.js';
import { fixed, formatP, listOf, plural, stat } from './format.js';
import type { Cell, ReportTable } from './tables.js';

const col = (label: string, format: ReportTable['columns'][number]['format'] = 'text') => ({ label, format });
type Comparison = NonNullable<FormatsJson['comparison']>;
type Row = Comparison['rows'][number];
const ok = <T extends object>(x: T): x is Exclude<T, { error: string }> => !('error' in x);
/** An interval as a table cell: [lower, upper]. */
const bracket = (x: { lower: number | null; upper: number | null }, digits = 2) => (x.lower === null || x.upper === null ? null : `[${fixed(x.lower, digits)}, ${fixed(x.upper, digits)}]`);
const ci = (x: { lower: number | null; upper: number | null }) => (x.lower === null || x.upper === null ? 'no interval' : `95% CI [${fixed(x.lower, 2)}, ${fixed(x.upper, 2)}]`);

export function formatTables({ analysis }: ReportInput): ReportTable[] {
  const f = analysis.formats;
  if (!f) return [];
  const tables: ReportTable[] = [];
  const cmp = f.comparison;
  if (cmp) {
    const first = cmp.rows[0]?.scale ?? '';
    const tauWithFirst = (scale: string) => cmp.agreement.find((a) => a.a === first && a.b === scale);
    tables.push({
      id: 'format-comparison',
      title: 'Each scale on the same replies: reliability, separation of the sources, and their order',
      note: `Split-half: raters split at random into halves, each reply's score (mean rating; for pairs, the share of its comparisons won) correlated between halves, Spearman-Brown stepped up, mean of 100 splits. ICC(2,k): reliability of the reply means from value ~ 1 + (1 | response) + (1 | rater), k ratings per reply. d: the two sources furthest apart, their difference over the SD of all ratings (pairs: the Bradley-Terry ability difference × √3/π). ${stat('τ')}: Kendall's tau-b between the sources' scores on the scale and on ${first}. Intervals: 95% percentile intervals over ${cmp.replicates} bootstrap replicates that resample posts (each replicate's split-half the mean of 10 random splits).`,
      columns: [col('scale'), col('format'), col('observations', 'int'), col('split-half', 'd2'), col('95% CI', 'interval'), col('ICC(2,k)', 'd2'), col('95% CI', 'interval'), col('largest contrast'), col('d', 'd2'), col('95% CI', 'interval'), col(`${stat('τ')} with ${first}`, 'd2'), col('95% CI', 'interval'), col('sources, highest first')],
      rows: cmp.rows.map((r): Cell[] => {
        const tau = r.scale === first ? undefined : tauWithFirst(r.scale);
        return [
          r.scale,
          r.format,
          r.observations,
          ...(ok(r.splitHalf) ? [r.splitHalf.estimate, bracket(r.splitHalf)] : [null, null]),
          ...(ok(r.icc2k) ? [r.icc2k.estimate, bracket(r.icc2k)] : [null, null]),
          ...(ok(r.separation) ? [r.separation.contrast, r.separation.estimate, bracket(r.separation)] : [null, null, null]),
          ...(tau ? [tau.tau, bracket(tau)] : [null, null]),
          r.order.join(' > '),
        ];
      }),
    });
  }
  const items = f.items.filter((s): s is Extract<FormatsJson['items'][number], { alpha: unknown }> => 'alpha' in s);
  if (items.length > 0) {
    tables.push({
      id: 'format-items',
      title: 'Multi-item scales: internal consistency',
      note: "Alpha with Feldt's 95% interval (which treats answer sets as independent); omega total from a one-factor model (minimum residuals) with a 95% bootstrap interval over raters. An answer set is one rater's answers about one reply; reverse-keyed items are recoded first.",
      columns: [col('scale'), col('items', 'int'), col('answer sets', 'int'), col('alpha', 'd3'), col('95% CI', 'interval'), col('omega', 'd3'), col('95% CI', 'interval')],
      rows: items.map((s) => [s.scale, s.items.length, s.answerSets, s.alpha.estimate, bracket(s.alpha, 3), s.omega.estimate, bracket(s.omega, 3)]),
    });
    tables.push({
      id: 'format-item-stats',
      title: 'Multi-item scales: the items',
      note: "Item-rest: each item's correlation with the sum of the other items; loading: on the one factor. Means after recoding.",
      columns: [col('scale'), col('item'), col('reverse-keyed'), col('mean', 'd2'), col('item-rest r', 'd3'), col('loading', 'd3')],
      rows: items.flatMap((s) => s.items.map((i): Cell[] => [s.scale, i.item, i.reverse ? 'yes' : 'no', i.mean, i.itemRest, i.loading])),
    });
  }
  const pw = f.pairwise;
  if (pw && ok(pw)) {
    tables.push({
      id: 'format-pairwise',
      title: `Pairwise choices (${pw.scale}): the Bradley-Terry model of the sources`,
      note: `logit P(left reply chosen) = position + ability(left source) − ability(right source), ${pw.reference} = 0; maximum likelihood on ${pw.choices} choices by ${plural(pw.raters, 'rater')} about ${plural(pw.posts, 'post')}. SEs are cluster-robust, two-way by rater and post (sandwich, G/(G−1) per clustering). Worth: the source's share exp(ability)/Σexp(ability), 95% interval by the delta method.${pw.strength && ok(pw.strength) ? ` With strength, the ordinal extension (cumulative logit, symmetric thresholds; model SEs) gives abilities ${listOf(pw.strength.sources.slice(1).map((s) => `${s.source} ${fixed(s.ability, 2)} (SE ${fixed(s.SE, 2)})`))}.` : ''}`,
      columns: [col('source'), col('ability', 'd3'), col('SE', 'd3'), col('lower', 'd3'), col('upper', 'd3'), col('worth', 'd3'), col('worth lower', 'd3'), col('worth upper', 'd3')],
      rows: pw.sources.map((s) => [s.source, s.ability, s.source === pw.reference ? null : s.SE, s.source === pw.reference ? null : s.lower, s.source === pw.reference ? null : s.upper, s.worth, s.worthLower, s.worthUpper]),
    });
    tables.push({
      id: 'format-preferences',
      title: 'How often each source is preferred over each other',
      note: 'Probability: the model\'s P(a chosen over b) with the sides\' effect removed, 95% interval from the cluster-robust SE of the ability difference. Chosen / shown: the raw counts of the pairs shown together (sources that never appear side by side, such as two versions of one reply, are compared through the others).',
      columns: [col('a'), col('b'), col('P(a over b)', 'd3'), col('lower', 'd3'), col('upper', 'd3'), col('a chosen', 'int'), col('shown together', 'int')],
      rows: pw.preferences.map((p) => [p.a, p.b, p.probability, p.lower, p.upper, p.chosen, p.shown]),
    });
  }
  return tables;
}

export function formatFigures({ analysis }: ReportInput): Figure[] {
  const f = analysis.formats;
  const out: Figure[] = [];
  const cmp = f?.comparison;
  if (cmp) {
    const formats = [...new Set(cmp.rows.map((r) => r.format))];
    const values = (pick: (r: Row) => { estimate: number; lower: number | null; upper: number | null } | null) =>
      cmp.rows.flatMap((r) => {
        const v = pick(r);
        return v ? [{ scale: r.scale, format: r.format, estimate: v.estimate, lower: v.lower ?? v.estimate, upper: v.upper ?? v.estimate }] : [];
      });
    const panel = (title: string, axis: string, data: ReturnType<typeof values>) => ({
      title,
      width: 260,
      height: { step: 28 },
      data: { values: data },
      encoding: {
        y: { field: 'scale', type: 'nominal' as const, sort: cmp.rows.map((r) => r.scale), title: null },
        color: { field: 'format', type: 'nominal' as const, title: 'format', scale: { domain: formats, range: PALETTE.slice(0, formats.length) } },
      },
      layer: [
        { mark: { type: 'rule' as const, strokeWidth: 2 }, encoding: { x: { field: 'lower', type: 'quantitative' as const, title: axis }, x2: { field: 'upper' } } },
        { mark: { type: 'point' as const, filled: true, size: 80, opacity: 1 }, encoding: { x: { field: 'estimate', type: 'quantitative' as const } } },
      ],
    });
    out.push({
      id: 'figure-formats',
      title: 'Which format measures best: reliability and separation of the sources',
      caption: `Points are estimates; bars are 95% bootstrap intervals over posts (${cmp.replicates} replicates). Left: split-half reliability of the reply scores (Spearman-Brown). Right: the standardised difference (d) between the two sources furthest apart on each scale.`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        config: CONFIG,
        hconcat: [panel('Reliability (split-half)', 'split-half reliability', values((r) => (ok(r.splitHalf) ? r.splitHalf : null))), panel('Separation of the sources', 'd of the largest contrast', values((r) => (ok(r.separation) ? r.separation : null)))],
      },
    });
  }
  const sliders = f?.sliders ?? [];
  if (sliders.length > 0)
    out.push({
      id: 'figure-sliders',
      title: 'How the sliders were used',
      caption: `Answers in bins of 10 points. Within 2 points of an end: ${listOf(sliders.map((s) => `${s.scale} ${fixed(100 * s.atEnds.share, 1)}% of ${s.n} answers (95% CI clustered by rater ${fixed(100 * s.atEnds.lower, 1)}% to ${fixed(100 * s.atEnds.upper, 1)}%)`))}.`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        config: CONFIG,
        vconcat: sliders.map((s) => ({
          title: s.scale,
          width: 420,
          height: 150,
          data: { values: s.bins.map((b) => ({ bin: `${b.from}–${b.to}`, count: b.count })) },
          mark: { type: 'bar' as const, color: PALETTE[0] },
          encoding: { x: { field: 'bin', type: 'nominal' as const, sort: null, title: `${s.scale} (0–100)`, axis: { labelAngle: 0 } }, y: { field: 'count', type: 'quantitative' as const, title: 'answers' } },
        })),
      },
    });
  return out;
}

/** Whether one interval lies wholly above every other scale's. */
function clearlyBest(rows: ReadonlyArray<{ scale: string; estimate: number; lower: number | null; upper: number | null }>): string | null {
  const top = [...rows].sort((a, b) => b.estimate - a.estimate)[0];
  if (!top || top.lower === null) return null;
  return rows.every((r) => r === top || (r.upper !== null && r.upper < (top.lower as number))) ? top.scale : null;
}

/** "Which format measures best?": the answer, as the intervals allow it. */
export function formatSentences({ analysis }: ReportInput): string[] {
  const cmp = analysis.formats?.comparison;
  if (!cmp) return [];
  const out: string[] = [];
  const rel = cmp.rows.flatMap((r) => (ok(r.splitHalf) ? [{ scale: r.scale, ...r.splitHalf }] : []));
  const sep = cmp.rows.flatMap((r) => (ok(r.separation) ? [{ scale: r.scale, ...r.separation }] : []));
  const list = (xs: typeof rel) => listOf([...xs].sort((a, b) => b.estimate - a.estimate).map((x) => `${x.scale} ${fixed(x.estimate, 2)} (${ci(x)})`));
  if (rel.length >= 2) {
    const best = clearlyBest(rel);
    out.push(`Split-half reliability of the reply scores: ${list(rel)}. ${best ? `${best} is the most reliable: its interval lies above every other scale's.` : 'The intervals overlap, so these data do not show one format to be more reliable than the others.'}`);
  }
  if (sep.length >= 2) {
    const best = clearlyBest(sep);
    out.push(`Separation of the two sources furthest apart (d): ${listOf([...sep].sort((a, b) => b.estimate - a.estimate).map((x) => `${x.scale} ${fixed(x.estimate, 2)} for ${x.contrast} (${ci(x)})`))}. ${best ? `${best} separates the sources most: its interval lies above every other scale's.` : 'The intervals overlap, so no format separates the sources clearly more than the others.'}`);
  }
  const orders = new Set(cmp.rows.filter((r) => r.order.length > 0).map((r) => r.order.join(' > ')));
  const taus = cmp.agreement.filter((a) => a.tau !== null);
  if (orders.size === 1) out.push(`Every scale orders the sources the same way: ${[...orders][0]}.`);
  else if (taus.length > 0)
    out.push(`The scales do not all order the sources the same way: ${listOf(cmp.rows.filter((r) => r.order.length > 0).map((r) => `${r.scale} ${r.order.join(' > ')}`))} (Kendall's ${stat('τ')} between scales from ${fixed(Math.min(...taus.map((a) => a.tau as number)), 2)} to ${fixed(Math.max(...taus.map((a) => a.tau as number)), 2)}; with ${plural(cmp.rows[0]?.order.length ?? 0, 'source')}, ${stat('τ')} can take only a few values).`);
  const pw = analysis.formats?.pairwise;
  if (pw && ok(pw)) out.push(`In the pairwise choices the reply shown first (left, or on top on a phone) was chosen ${fixed(100 * pw.position.leftShare, 1)}% of the time (95% CI clustered by rater ${fixed(100 * pw.position.lower, 1)}% to ${fixed(100 * pw.position.upper, 1)}%; position effect ${fixed(pw.position.effect, 2)} log-odds, ${formatP(pw.position.p).startsWith('<') ? `${stat('p')} ${formatP(pw.position.p)}` : `${stat('p')} = ${formatP(pw.position.p)}`}), which the Bradley-Terry model removes from the sources' abilities.`);
  else if (pw && 'error' in pw) out.push(`The Bradley-Terry model of the pairwise choices could not be fitted: ${pw.error}.`);
  return out;
}

/** The methods sentences of the formats, from what the analysis holds (empty when all scales are Likert). */
export function formatMethods(analysis: StudyAnalysis): string {
  const f = analysis.formats;
  if (!f) return '';
  const parts: string[] = [];
  if (f.items.length > 0) parts.push("Multi-item scales were scored as the mean of their items (reverse-keyed items recoded), with Cronbach's α (Feldt interval) and McDonald's ω total from a one-factor model (minimum residuals; bootstrap interval over raters)");
  if (f.sliders.length > 0) parts.push('slider answers (0 to 100) were analysed with the same mixed model as the Likert ratings');
  if (f.pairwise && ok(f.pairwise))
    parts.push(`pairwise choices were modelled by a Bradley-Terry model with a position effect, fitted by maximum likelihood, with two-way cluster-robust SEs by rater and post${f.pairwise.strength ? ', and with their strength by its ordinal extension (cumulative logit, symmetric thresholds)' : ''}`);
  if (f.comparison)
    parts.push(`the scales were compared on split-half reliability (Spearman-Brown), ICC(2,k) of the reply means, the standardised difference of the two sources furthest apart, and Kendall's ${stat('τ')} between their orders of the sources, each with a 95% percentile interval over ${f.comparison.replicates} bootstrap replicates resampling posts`);
  if (parts.length === 0) return '';
  const text = listOf(parts);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}. `;
}
