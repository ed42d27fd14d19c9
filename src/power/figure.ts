/** The power curve: power per contrast against raters, one line per number of posts, with 95% bands and the target. */
import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, PALETTE } from '../report/charts.js';
import type { PowerPoint } from './analysis.js';

export function powerCurveSpec(points: readonly PowerPoint[], target: number): TopLevelSpec {
  const values = points.flatMap((pt) => pt.power.rows.map((r) => ({ raters: pt.raters, posts: `${pt.posts} posts`, contrast: r.contrast, power: r.power, lower: r.lower, upper: r.upper })));
  const contrasts = [...new Set(values.map((v) => v.contrast))];
  const color = { field: 'contrast', type: 'nominal' as const, title: 'contrast', scale: { domain: contrasts, range: PALETTE.slice(0, Math.max(1, contrasts.length)) } };
  const x = { field: 'raters', type: 'quantitative' as const, title: 'raters', scale: { zero: false } };
  const dash = { field: 'posts', type: 'nominal' as const, title: 'posts' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    width: 480,
    height: 280,
    title: `Power per contrast (dashed line: target ${target})`,
    layer: [
      { data: { values }, mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { field: 'lower', type: 'quantitative', title: 'power', scale: { domain: [0, 1] }, axis: { format: '.0%' } }, y2: { field: 'upper' }, color, detail: dash } },
      { data: { values }, mark: { type: 'line', point: true }, encoding: { x, y: { field: 'power', type: 'quantitative' }, color, strokeDash: dash } },
      { data: { values: [{ target }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#6b7280' }, encoding: { y: { field: 'target', type: 'quantitative' } } },
    ],
  };
}
