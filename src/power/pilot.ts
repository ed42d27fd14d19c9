/**
 * What a power analysis takes from a pilot: the variance components and the sources' means of one
 * scale's fitted model in an analysis (`empathy-lab analyze`'s JSON, or a stored study analysed on
 * the spot), and, where the analysis fitted the ordinal model too, its thresholds and locations.
 */
import type { StudyAnalysis } from '../analysis/schema.js';

export interface Pilot {
  readonly scale: string;
  readonly sources: readonly string[];
  readonly means: Readonly<Record<string, number>>;
  readonly sdPost: number;
  readonly sdRater: number;
  readonly sdPostRater: number;
  readonly sdResidual: number;
  readonly nobs: number;
  readonly formula: string;
  readonly ordinal?: { readonly link: 'logit' | 'probit'; readonly thresholds: readonly number[]; readonly locations: Readonly<Record<string, number>>; readonly sdPost: number; readonly sdRater: number };
}

/** The pilot of `scale` (default: the first scale with a fitted model), or why there is none. */
export function pilotFromAnalysis(analysis: StudyAnalysis, scale?: string): Pilot | string {
  const rated = analysis.scales.filter((s) => s.ratings > 0);
  const chosen = scale === undefined ? rated.find((s) => 'model' in s && !('error' in s.model)) : analysis.scales.find((s) => s.scale === scale);
  if (!chosen) return scale === undefined ? 'no scale of the analysis has a fitted model' : `the analysis has no scale "${scale}" (it has ${analysis.scales.map((s) => s.scale).join(', ')})`;
  if (!('model' in chosen)) return `the scale ${chosen.scale} has no ratings`;
  const model = chosen.model;
  if ('error' in model) return `the model of ${chosen.scale} was not fitted: ${model.error}`;
  if (!chosen.contrasts) return `the analysis of ${chosen.scale} has no source means (one source only?)`;
  const sd = (grp: string) => model.varcor.find((r) => r.grp === grp && r.var2 === null)?.sdcor;
  const post = sd('post');
  const rater = sd('rater');
  const residual = sd('Residual');
  if (post === undefined || rater === undefined || residual === undefined) return `the model of ${chosen.scale} (${model.formula}) has no (1 | post) and (1 | rater) terms to take variance components from`;
  const means = Object.fromEntries(chosen.contrasts.emmeans.map((e) => [e.source, e.emmean]));
  const clmm = 'clmm' in chosen ? chosen.clmm : undefined;
  let ordinal: Pilot['ordinal'];
  if (clmm && !('error' in clmm)) {
    ordinal = {
      link: clmm.link,
      thresholds: clmm.thresholds,
      locations: Object.fromEntries(Object.keys(means).map((s) => [s, clmm.beta[`source${s}`] ?? 0])),
      sdPost: clmm.random_sd.post ?? 0,
      sdRater: clmm.random_sd.rater ?? 0,
    };
  }
  return {
    scale: chosen.scale,
    sources: Object.keys(means),
    means,
    sdPost: post,
    sdRater: rater,
    sdPostRater: sd('post:rater') ?? 0,
    sdResidual: residual,
    nobs: model.nobs,
    formula: model.formula,
    ...(ordinal ? { ordinal } : {}),
  };
}
