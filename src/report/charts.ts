/**
 * The report's figures as Vega-Lite specs (data inline): means with 95% CIs per source and scale
 * (the reference study's Figure 2), the same per domain, and the language of each source (its
 * Figure 3). `render-svg.ts` turns them into inline SVG.
 */
import type { Config, TopLevelSpec } from 'vega-lite';
import type { StudyAnalysis } from '../analysis/schema.js';
import type { ReportInput } from './context.js';
import { formatFigures } from './formats.js';
import { LANGUAGE_GROUPS, ratedScales } from './tables.js';

export interface Figure {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
export const CONFIG: Config = {
  font: FONT,
  axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e5e7eb', domainColor: '#6b7280', tickColor: '#6b7280' },
  header: { labelFontSize: 13, labelFontWeight: 'bold', titleFontSize: 13 },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', orient: 'bottom' },
  view: { stroke: null },
  title: { fontSize: 13, fontWeight: 'bold', anchor: 'start' },
};

/** Sources in a stable order (the reference first) and one colour each, shared by every figure. */
export function sourceOrder(a: StudyAnalysis, reference: string): string[] {
  const all = new Set<string>();
  for (const s of ratedScales(a)) for (const m of s.meansAcrossPosts) all.add(m.group);
  for (const c of Object.values(a.language ?? {})) for (const g of c.groups) all.add(g.group);
  return [...all].sort((x, y) => (x === reference ? -1 : y === reference ? 1 : x < y ? -1 : x > y ? 1 : 0));
}

// Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const colour = (sources: readonly string[]) => ({ field: 'source', type: 'nominal' as const, title: 'source', scale: { domain: [...sources], range: PALETTE.slice(0, Math.max(1, sources.length)) } });

/** A rule from `lower` to `upper` and a point at `mean`, along `axis`, on a scale of min..max. */
function intervalLayers(axis: 'x' | 'y', range: { min: number; max: number }, o: { title: string; size: number; clamp?: boolean }) {
  const from = { field: 'lower', type: 'quantitative' as const, scale: { domain: [range.min, range.max], ...(o.clamp ? { clamp: true } : {}) }, axis: { tickMinStep: 1, format: 'd' }, title: o.title };
  const to = { field: 'upper' };
  const at = { field: 'mean', type: 'quantitative' as const };
  return [
    { mark: { type: 'rule' as const, strokeWidth: 2 }, encoding: axis === 'x' ? { x: from, x2: to } : { y: from, y2: to } },
    { mark: { type: 'point' as const, filled: true, size: o.size, opacity: 1 }, encoding: axis === 'x' ? { x: at } : { y: at } },
  ];
}

/** Each scale's range of values (1..points, 0..100 for a slider), from the report's instrument. */
function rangesOf(input: ReportInput): (scale: string) => { min: number; max: number } {
  const byId = new Map(input.context.instrument.map((s) => [s.id, { min: s.min, max: s.max }]));
  return (scale) => byId.get(scale) ?? { min: 1, max: 5 };
}

function meansFigure(input: ReportInput, sources: string[]): Figure | null {
  const scales = ratedScales(input.analysis);
  if (scales.length === 0) return null;
  const ranges = rangesOf(input);
  return {
    id: 'figure-means',
    title: 'Mean rating per source',
    caption: 'Points are means of the post means; bars are 95% confidence intervals across posts.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      hconcat: scales.map((s) => ({
        title: s.scale,
        width: 260,
        height: { step: 28 },
        data: { values: s.meansAcrossPosts.map((m) => ({ source: m.group, mean: m.mean, lower: m.lower, upper: m.upper })) },
        encoding: {
          y: { field: 'source', type: 'nominal' as const, sort: sources, title: null },
          color: { ...colour(sources), legend: null },
        },
        layer: intervalLayers('x', ranges(s.scale), { title: `mean rating (${ranges(s.scale).min}–${ranges(s.scale).max})`, size: 80 }),
      })),
    },
  };
}

function domainFigure(input: ReportInput, sources: string[]): Figure | null {
  const scales = ratedScales(input.analysis).filter((s) => s.byDomain.length >= 2);
  if (scales.length === 0) return null;
  const ranges = rangesOf(input);
  return {
    id: 'figure-domains',
    title: 'Mean rating per source in each domain',
    caption: 'Points are means of the post means in the domain; bars are 95% confidence intervals across its posts (wide when a domain has few posts).',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      vconcat: scales.map((s) => ({
        title: s.scale,
        width: { step: 24 * Math.max(2, sources.length) },
        height: 180,
        data: { values: s.byDomain.flatMap((d) => d.means.map((m) => ({ domain: d.domain, source: m.group, mean: m.mean, lower: Number.isFinite(m.lower) ? m.lower : m.mean, upper: Number.isFinite(m.upper) ? m.upper : m.mean }))) },
        encoding: {
          x: { field: 'domain', type: 'nominal' as const, title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'source', sort: sources },
          color: colour(sources),
        },
        layer: intervalLayers('y', ranges(s.scale), { title: 'mean rating', size: 60, clamp: true }),
      })),
    },
  };
}

function languageFigure(input: ReportInput, sources: string[]): Figure | null {
  const language = input.analysis.language;
  if (!language) return null;
  const kinds = new Map(input.context.features.map((f) => [f.name, f.kind]));
  const panels = LANGUAGE_GROUPS.map((g) => ({
    title: g.title,
    values: g.features.flatMap((f) =>
      (language[f]?.groups ?? []).flatMap((s) => {
        if (s.mean === null) return [];
        const k = kinds.get(f) === 'proportion' ? 100 : 1;
        const half = s.n > 1 && s.sd !== null && Number.isFinite(s.sd) ? (1.96 * s.sd) / Math.sqrt(s.n) : 0;
        return [{ feature: f.replace(/^pronoun_/, '').replace(/_/g, ' '), source: s.group, mean: s.mean * k, lower: (s.mean - half) * k, upper: (s.mean + half) * k }];
      }),
    ),
  })).filter((p) => p.values.length > 0);
  if (panels.length === 0) return null;
  return {
    id: 'figure-language',
    title: 'Language of the replies by source',
    caption: 'Bars are means per reply (per 100 words); whiskers are 95% confidence intervals (mean ± 1.96 SE).',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      hconcat: panels.map((p) => ({
        title: p.title,
        width: { step: 18 * Math.max(2, sources.length) },
        height: 200,
        data: { values: p.values },
        encoding: {
          x: { field: 'feature', type: 'nominal' as const, title: null, sort: null, axis: { labelAngle: -30 } },
          xOffset: { field: 'source', sort: sources },
          color: colour(sources),
        },
        layer: [
          { mark: { type: 'bar' as const }, encoding: { y: { field: 'mean', type: 'quantitative' as const, title: 'per 100 words' } } },
          { mark: { type: 'rule' as const, color: '#111827' }, encoding: { y: { field: 'lower', type: 'quantitative' as const }, y2: { field: 'upper' } } },
        ],
      })),
      resolve: { scale: { y: 'independent' } },
    },
  };
}

export function buildFigures(input: ReportInput): Figure[] {
  const sources = sourceOrder(input.analysis, input.context.analysis.reference);
  return [meansFigure(input, sources), domainFigure(input, sources), languageFigure(input, sources), ...formatFigures(input)].filter((f): f is Figure => f !== null);
}
