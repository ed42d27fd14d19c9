/**
 * What a report needs besides the analysis: the study as it was run (posts, sources with their
 * models, parameters and prompts, the design, the instrument) and its provenance. Built by the CLI
 * from the manifest and the database; everything in `report/` is a pure function of it.
 */
import type { StudyAnalysis } from '../analysis/schema.js';
import type { PanelRecord } from '../stats/simulate.js';
import type { SourceRecord } from './record.js';

export interface ReportSource {
  readonly id: string;
  readonly label?: string;
  readonly kind: 'corpus' | 'model' | 'variant';
  /** A corpus source of replies a model wrote elsewhere: the model, as the manifest names it. */
  readonly model?: string;
  /** A variant arm: the source it derives from and the transforms it applies, in order. */
  readonly of?: string;
  readonly transforms?: readonly string[];
  /** How its replies were made, from the database's record of each reply. */
  readonly record: SourceRecord;
}

export interface ReportContext {
  readonly study: { readonly name: string; readonly title?: string; readonly manifestHash: string; readonly contentHash: string };
  /** Every rating the study holds, and how many come from `empathy-lab simulate` (the report then says so first). */
  readonly ratings: number;
  readonly simulatedRatings: number;
  /** The simulated panel's generative model, as recorded when it was made (null: none on record). */
  readonly panel: PanelRecord | null;
  readonly posts: { readonly total: number; readonly byDomain: ReadonlyArray<{ readonly domain: string; readonly label?: string; readonly posts: number }> };
  readonly sources: readonly ReportSource[];
  readonly design: { readonly type: string; readonly postsPerRater: number; readonly targetRatingsPerResponse: number };
  /** The scales as participants saw them: format, question, range (1..points; a slider 0..100), anchors, items. */
  readonly instrument: ReadonlyArray<{
    readonly id: string;
    readonly type: 'likert' | 'slider' | 'multi-item' | 'pairwise';
    readonly question: string;
    readonly min: number;
    readonly max: number;
    readonly anchors?: readonly string[];
    readonly items?: ReadonlyArray<{ readonly id: string; readonly text: string; readonly reverse: boolean }>;
    readonly strength?: boolean;
  }>;
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
