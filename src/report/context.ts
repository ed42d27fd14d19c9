/**
 * What a report needs besides the analysis: the study as it was run (posts, sources with their
 * models, parameters and prompts, the design, the instrument) and its provenance. Built by the CLI
 * from the manifest and the database; everything in `report/` is a pure function of it.
 */
import type { StudyAnalysis } from '../analysis/study-analysis.js';

export interface ReportSource {
  readonly id: string;
  readonly label?: string;
  readonly kind: 'corpus' | 'model';
  readonly provider?: string;
  readonly model?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly samples?: number;
  readonly conditions: ReadonlyArray<{ readonly id: string; readonly file: string; readonly text: string }>;
  /** Replies of this source the study holds (originals, not style variants). */
  readonly replies: number;
}

export interface ReportContext {
  readonly study: { readonly name: string; readonly title?: string; readonly manifestHash: string; readonly contentHash: string };
  /** Every rating the study holds, and how many come from `empathy-lab simulate` (the report then says so first). */
  readonly ratings: number;
  readonly simulatedRatings: number;
  readonly posts: { readonly total: number; readonly byDomain: ReadonlyArray<{ readonly domain: string; readonly posts: number }> };
  readonly sources: readonly ReportSource[];
  readonly design: { readonly type: string; readonly postsPerRater: number; readonly targetRatingsPerResponse: number };
  readonly instrument: ReadonlyArray<{ readonly id: string; readonly question: string; readonly points: number; readonly anchors?: readonly string[] }>;
  readonly attentionChecks: number;
  /** Ratings per rated response and scale: the fewest, the median and the most. */
  readonly ratingsPerResponse: { readonly min: number; readonly median: number; readonly max: number };
  readonly analysis: { readonly formula: string; readonly reference: string; readonly adjust: string; readonly reml: boolean };
  readonly exclusionRules: readonly string[];
  readonly software: ReadonlyArray<{ readonly name: string; readonly version: string }>;
  readonly features: ReadonlyArray<{ readonly name: string; readonly description: string; readonly kind: string }>;
}

export interface ReportInput {
  readonly analysis: StudyAnalysis;
  readonly context: ReportContext;
}
