/**
 * The order of the report's result sections and what each holds, shared by the HTML and the
 * Markdown. The summary, methods and provenance are written around them by each format.
 */
import type { Figure } from './charts.js';
import type { ReportTable } from './tables.js';

export const RESULT_SECTIONS: ReadonlyArray<{ readonly id: string; readonly title: string; readonly figures: readonly string[]; readonly tables: readonly string[] }> = [
  { id: 'replies', title: 'The replies', figures: [], tables: ['replies', 'panel'] },
  { id: 'ratings', title: 'Ratings by source', figures: ['figure-means'], tables: ['means', 'emmeans', 'contrasts'] },
  { id: 'models', title: 'Mixed models', figures: [], tables: ['fixed-effects', 'random-effects'] },
  { id: 'ordinal', title: 'Does the ordinal model agree?', figures: [], tables: ['ordinal-agreement', 'ordinal-model', 'ordinal-probabilities'] },
  { id: 'formats', title: 'Which format measures best?', figures: ['figure-formats'], tables: ['format-comparison'] },
  { id: 'format-details', title: 'Rating formats: sliders, item scales and pairwise choices', figures: ['figure-sliders'], tables: ['format-items', 'format-item-stats', 'format-pairwise', 'format-preferences'] },
  { id: 'domains', title: 'Domains', figures: ['figure-domains'], tables: ['source-by-domain', 'domain-means'] },
  { id: 'reliability', title: 'Raters: exclusions, reliability and scales', figures: [], tables: ['exclusions', 'reliability', 'correlations'] },
  { id: 'language', title: 'Language of the replies', figures: ['figure-language'], tables: ['language'] },
  { id: 'classifier', title: 'Which source wrote this?', figures: [], tables: ['classifier', 'confusion', 'top-features'] },
  { id: 'regression', title: 'What predicts the ratings?', figures: [], tables: ['regression'] },
  { id: 'judges', title: 'Can a model stand in for the raters?', figures: [], tables: ['judge-calibration', 'judge-bias', 'judge-contrasts'] },
  { id: 'style', title: 'Does style drive the ratings?', figures: [], tables: ['style-effects', 'style-language'] },
  { id: 'panels', title: 'Do experts see it the same way?', figures: [], tables: ['panel-means', 'panel-interaction', 'panel-contrasts', 'panel-agreement'] },
];

export interface NumberedFigure {
  readonly figure: Figure;
  readonly n: number;
}

/**
 * The result sections with their figures (numbered in order of appearance) and non-empty tables;
 * sections with neither are left out. `hasFigure` says whether a figure was rendered.
 */
export function resultSections(figures: readonly Figure[], tables: readonly ReportTable[], hasFigure: (id: string) => boolean, leads: Readonly<Record<string, readonly string[]>> = {}) {
  const byId = new Map(tables.map((t) => [t.id, t]));
  let n = 0;
  return RESULT_SECTIONS.map((s) => ({
    id: s.id,
    title: s.title,
    /** Sentences that open the section (its answer, where the section asks a question). */
    lead: leads[s.id] ?? [],
    figures: s.figures.flatMap((id): NumberedFigure[] => {
      const figure = figures.find((f) => f.id === id);
      return figure && hasFigure(id) ? [{ figure, n: ++n }] : [];
    }),
    tables: s.tables.flatMap((id) => {
      const t = byId.get(id);
      return t && t.rows.length > 0 ? [t] : [];
    }),
  })).filter((s) => s.figures.length > 0 || s.tables.length > 0);
}
