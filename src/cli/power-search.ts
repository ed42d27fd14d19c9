/**
 * `plan`'s power search (with `analysis.power` in the manifest): the fewest raters whose simulated
 * power for the smallest difference of interest, between the reference source and the next one,
 * reaches the target, with the study's design, model test and adjustment.
 */
import { ratingDesign } from '../study/schema.js';
import { UserError } from '../errors.js';
import { analyzeStoredStudy } from '../analysis/stored.js';
import { ratersForPower, type PowerPoint } from '../power/analysis.js';
import { pilotFromAnalysis } from '../power/pilot.js';
import type { StudyContent } from '../server/content.js';
import { contrastLabels } from '../stats/power.js';
import { fixed } from '../report/format.js';
import type { Output } from './output.js';
import { storedStudy, type OpenStudy } from './study-context.js';

export interface PowerSearch {
  readonly smallestEffect: number;
  readonly target: number;
  readonly alpha: number;
  readonly adjust: string;
  readonly contrast: string;
  readonly simulations: number;
  readonly componentsFrom: string;
  readonly components: { readonly sdPost: number; readonly sdRater: number; readonly sdPostRater: number; readonly sdResidual: number };
  readonly mean: number;
  readonly posts: number;
  /** null: not reached within `maxRaters`. */
  readonly raters: number | null;
  readonly maxRaters: number;
  readonly searched: ReadonlyArray<{ readonly raters: number; readonly power: number }>;
  readonly point: { readonly power: number; readonly lower: number; readonly upper: number };
}

const MAX_RATERS = 5000;

export async function powerSearch(o: { opened: OpenStudy; dir: string; content: StudyContent; posts: number; needed: number; output: Output; quiet: boolean; workers?: number }): Promise<PowerSearch> {
  const study = o.opened.loaded.study;
  const power = study.analysis.power;
  if (!power) throw new Error('no analysis.power');
  const sources = [...new Set(o.content.plan.flatMap((p) => p.responses.map((r) => r.source)))].sort();
  const reference = study.analysis.reference_source && sources.includes(study.analysis.reference_source) ? study.analysis.reference_source : sources[0];
  const other = sources.find((s) => s !== reference);
  if (!reference || !other) throw new UserError('a power search compares two sources, and the study has replies from one', o.opened.loaded.manifestPath, 'generate or import replies from a second source');
  const ordered = [reference, ...sources.filter((s) => s !== reference)];
  // The study's own ratings (a pilot) first; before there are any, the manifest's components.
  let components: PowerSearch['components'];
  let componentsFrom: string;
  let mean = power.mean;
  const analysis = await analyzeStoredStudy(storedStudy(o.opened), o.dir).catch((err: unknown) => err as Error);
  const pilot = analysis instanceof Error ? null : pilotFromAnalysis(analysis, power.scale);
  if (pilot && typeof pilot !== 'string') {
    components = { sdPost: pilot.sdPost, sdRater: pilot.sdRater, sdPostRater: pilot.sdPostRater, sdResidual: pilot.sdResidual };
    componentsFrom = `the study's ratings (scale ${pilot.scale}, ${pilot.nobs} ratings)`;
    mean ??= pilot.means[reference];
  } else if (power.components) {
    const c = power.components;
    components = { sdPost: c.sd_post, sdRater: c.sd_rater, sdPostRater: c.sd_post_rater, sdResidual: c.sd_residual };
    componentsFrom = 'analysis.power.components';
  } else {
    const why = analysis instanceof Error ? `the study has no pilot ratings to take them from (${analysis.message})` : `the pilot ratings give none (${pilot})`;
    throw new UserError(`analysis.power needs variance components, and ${why}`, `${o.opened.loaded.manifestPath} analysis.power.components`, 'give them, e.g. components: { sd_post: 0.18, sd_rater: 0.5, sd_post_rater: 0.23, sd_residual: 0.75 }');
  }
  if (mean === undefined) throw new UserError('no mean rating to start the difference from', `${o.opened.loaded.manifestPath} analysis.power.mean`, 'give analysis.power.mean (e.g. mean: 3.5)');
  const means = Object.fromEntries(ordered.map((s) => [s, s === other ? mean + power.smallest_effect : mean]));
  const contrast = contrastLabels(ordered).find((c) => c === `${reference} - ${other}`) ?? `${reference} - ${other}`;
  const searched: Array<{ raters: number; power: number }> = [];
  if (!o.quiet) o.output.err(`power search: ${power.simulations} simulations per design, ${contrast} = ${fixed(-power.smallest_effect, 2)} points`);
  const result = await ratersForPower(
    {
      type: ratingDesign(study.design.type),
      sources: ordered,
      postsPerRater: study.design.posts_per_rater,
      model: { kind: 'lmm', means, ...components, sdPostRater: study.design.type === 'within-post' ? components.sdPostRater : 0 },
      reference,
      alpha: power.alpha,
      adjust: study.analysis.adjust,
      simulations: power.simulations,
      seed: study.design.seed,
      ...(o.workers ? { workers: o.workers } : {}),
    },
    o.posts,
    contrast,
    power.target,
    {
      start: Math.max(10, o.needed),
      step: 10,
      max: MAX_RATERS,
      onPoint: (raters, p) => {
        searched.push({ raters, power: p });
        if (!o.quiet) o.output.err(`  ${raters} raters: power ${fixed(p, 3)}`);
      },
    },
  );
  const row = (pt: PowerPoint) => pt.power.rows.find((r) => r.contrast === contrast);
  const r = row(result.point);
  return {
    smallestEffect: power.smallest_effect,
    target: power.target,
    alpha: power.alpha,
    adjust: study.analysis.adjust,
    contrast,
    simulations: power.simulations,
    componentsFrom,
    components,
    mean,
    posts: o.posts,
    raters: result.raters,
    maxRaters: MAX_RATERS,
    searched: [...searched].sort((a, b) => a.raters - b.raters),
    point: { power: r?.power ?? 0, lower: r?.lower ?? 0, upper: r?.upper ?? 0 },
  };
}

export function describePowerSearch(p: PowerSearch): string {
  const c = p.components;
  const head = `power: a difference of ${p.smallestEffect} points between ${p.contrast.replace(' - ', ' and ')} (analysis.power.smallest_effect), ${p.adjust}-adjusted over the pairs, alpha ${p.alpha}, ${p.simulations} simulations per design; components from ${p.componentsFrom} (SD post ${fixed(c.sdPost, 3)}, rater ${fixed(c.sdRater, 3)}, post x rater ${fixed(c.sdPostRater, 3)}, residual ${fixed(c.sdResidual, 3)})`;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  if (p.raters === null) return `${head}\n${(100 * p.target).toFixed(0)}% power is not reached with ${p.maxRaters} raters on ${p.posts} posts (power ${pct(p.point.power)} there): use more posts, or a larger smallest effect`;
  return `${head}\n${(100 * p.target).toFixed(0)}% power needs about ${p.raters} raters on ${p.posts} posts: power ${pct(p.point.power)} (95% CI ${pct(p.point.lower)} to ${pct(p.point.upper)}); searched ${p.searched.map((s) => `${s.raters} (${pct(s.power)})`).join(', ')}`;
}
