import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { analysisSchema } from '../analysis/schema.js';
import { analyzeStoredStudy } from '../analysis/stored.js';
import { ADJUSTMENTS, type Adjustment } from '../stats/adjustments.js';
import { contrastLabels, type PowerModel } from '../stats/power.js';
import { powerCurve, type PowerPlan, type PowerPoint } from '../power/analysis.js';
import { pilotFromAnalysis, type Pilot } from '../power/pilot.js';
import { defaultWorkers } from '../power/run.js';
import { powerCurveSpec } from '../power/figure.js';
import { renderSvg } from '../report/render-svg.js';
import { json, Progress, table, type Output } from './output.js';
import { storedStudy, withStudy, type OpenStudy, type StudyOptions } from './study-context.js';
import { loadContent } from '../server/content.js';
import { parseCount, parseGrid, parseNumber, parseSourceValues } from './power-options.js';

interface PowerOptions extends StudyOptions {
  pilot?: string;
  scale?: string;
  model: string;
  design?: string;
  sources?: string;
  reference?: string;
  means?: string;
  difference?: string;
  thresholds?: string;
  link?: string;
  sdPost?: string;
  sdRater?: string;
  sdPostRater?: string;
  sdResidual?: string;
  posts?: string;
  raters?: string;
  postsPerRater?: string;
  simulations: string;
  nullSimulations?: string;
  alpha?: string;
  adjust?: string;
  seed?: string;
  workers?: string;
  plot?: string;
  target?: string;
  json?: boolean;
}

export function registerPower(program: Command, output: Output): void {
  program
    .command('power')
    .summary(SUMMARIES.power)
    .description(
      'Power by simulation, as R\'s simr does it: simulates the rating design (the app\'s own within-post or one-per-post\n' +
        'assignment of raters to posts) from variance components and source means, refits the study\'s model each time\n' +
        '(the LMM with Satterthwaite t tests, or the CLMM with Wald z tests) and counts how often each pairwise contrast of\n' +
        'the sources is significant, adjusted over the pairs as the analysis adjusts them. Also runs null simulations\n' +
        '(every source at one mean) for the type I error, a check of the test itself. Components and means come from a\n' +
        'pilot (--pilot analysis.json, or the study\'s own ratings), and flags override them. Simulations are seeded per\n' +
        'index, so the output is the same for any --workers.',
    )
    .argument('[dir]', 'study folder (its design, sources and pilot ratings); optional with --pilot or flags')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--pilot <analysis.json>', 'take components and means from this analysis (empathy-lab analyze --out)')
    .option('--scale <id>', 'the pilot\'s scale (default: the first fitted)')
    .option('--model <lmm|clmm>', 'the model fitted to each simulated study', 'lmm')
    .option('--design <type>', 'within-post or one-per-post (default: the manifest\'s, else within-post)')
    .option('--sources <ids>', 'the sources, comma-separated (default: the pilot\'s or the manifest\'s)')
    .option('--reference <id>', 'the reference source (default: the manifest\'s reference_source, else the first)')
    .option('--means <source=value,...>', 'mean rating per source (clmm: latent location); overrides the pilot\'s')
    .option('--difference <points>', 'plant this difference between the first two sources, every other source at the first\'s mean')
    .option('--thresholds <list>', 'clmm: the K-1 thresholds on the latent scale (default: the pilot\'s ordinal fit)')
    .option('--link <logit|probit>', 'clmm: the link (default: the pilot\'s, else logit)')
    .option('--sd-post <sd>', 'SD of the posts\' random intercepts')
    .option('--sd-rater <sd>', 'SD of the raters\' random intercepts')
    .option('--sd-post-rater <sd>', 'SD of the post x rater intercepts (within-post designs)')
    .option('--sd-residual <sd>', 'residual SD (lmm)')
    .option('--posts <list>', 'posts: 120, 20,60,120 or 20:120:20 (default: the study\'s posts)')
    .option('--raters <list>', 'raters: 200, 100,200 or 50:400:50 (default: the raters the design\'s target needs)')
    .option('--posts-per-rater <n>', 'posts each rater rates (default: the manifest\'s posts_per_rater, else 10)')
    .option('--simulations <n>', 'simulations per design point', '500')
    .option('--null-simulations <n>', 'null simulations per point for the type I error (0: not checked)')
    .option('--alpha <a>', 'significance level (default: the manifest\'s analysis.power.alpha, else 0.05)')
    .option('--adjust <method>', `p-value adjustment over the pairs: ${ADJUSTMENTS.join(', ')} (default: the manifest's analysis.adjust, else holm)`)
    .option('--target <power>', 'the power a design should reach, drawn on the curve (default: analysis.power.target, else 0.8)')
    .option('--seed <n>', 'seed (default: the design\'s seed, else 1)')
    .option('--workers <n>', `worker threads (default: every core, ${defaultWorkers()} here)`)
    .option('--plot <file.svg>', 'draw the power curve (Vega-Lite, as the report draws) to this SVG file')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ empathy-lab power my-study --raters 50:400:50 --plot power.svg\n  $ empathy-lab power --pilot analysis.json --posts 20,60,120 --raters 100,200 --difference 0.2\n  $ empathy-lab power --sources gpt4,llama2 --means gpt4=3.9,llama2=3.7 --sd-post 0.18 --sd-rater 0.5 --sd-post-rater 0.23 --sd-residual 0.75 --posts 120 --raters 200',
    )
    .action(async (dir: string | undefined, o: PowerOptions) => {
      const useStudy = o.study !== undefined || dir !== undefined || (o.pilot === undefined && existsSync('study.yaml'));
      const run = async (study: StudyContext | null) => {
        const plan = await buildPlan(o, study);
        if (o.plot && !existsSync(path.dirname(path.resolve(o.plot)))) throw new UserError('the folder of the power curve does not exist', o.plot, 'give a path in a folder that exists, e.g. --plot power.svg');
        const total = (plan.simulations + plan.nullSimulations) * plan.posts.length * plan.raters.length;
        const progress = new Progress(output, 'power', total);
        let last = 0;
        const points = await powerCurve(plan, (done) => {
          progress.tick(done - last);
          last = done;
        });
        if (o.plot) {
          const svg = await renderSvg(powerCurveSpec(points, plan.target));
          try {
            writeFileSync(o.plot, svg);
          } catch (err) {
            throw new UserError(`cannot write the power curve: ${(err as Error).message}`, o.plot, 'give a path in a folder that exists, e.g. --plot power.svg');
          }
        }
        const result = { model: plan.model, design: { type: plan.type, postsPerRater: plan.postsPerRater, sources: plan.sources, reference: plan.reference }, from: plan.from, alpha: plan.alpha, adjust: plan.adjust, test: testName(plan), simulations: plan.simulations, nullSimulations: plan.nullSimulations, seed: plan.seed, target: plan.target, points };
        if (o.json) return output.out(json(result));
        output.out(describe(plan, points));
        if (o.plot) output.out(`power curve: ${o.plot}`);
      };
      if (!useStudy) return run(null);
      await withStudy(dir, o, async (opened) => {
        const hasRatings = o.pilot === undefined && !hasAllComponents(o);
        const analysis = hasRatings ? await analyzeStoredStudy(storedStudy(opened), dir ?? '.').catch((err: unknown) => err) : null;
        await run({ opened, analysis });
      });
    });
}

interface StudyContext {
  readonly opened: OpenStudy;
  /** The study's own ratings analysed, or the reason they could not be (no ratings). */
  readonly analysis: unknown;
}

type Plan = PowerPlan & { readonly from: string; readonly target: number };

const hasAllComponents = (o: PowerOptions) => o.sdPost !== undefined && o.sdRater !== undefined && (o.model === 'clmm' || o.sdResidual !== undefined) && (o.means !== undefined || o.difference !== undefined);

const testName = (plan: PowerPlan) => {
  const pairs = contrastLabels(plan.sources).length;
  const kind = (plural: string) => (plan.model.kind === 'lmm' ? `Satterthwaite t test${plural} (lmerTest's)` : `Wald z test${plural}`);
  if (pairs === 1) return `${kind('')} of the one pair of sources, alpha ${plan.alpha}`;
  return `${kind('s')} of every pair of sources, ${plan.adjust === 'none' ? 'unadjusted' : `${plan.adjust}-adjusted over the ${pairs} pairs`}, alpha ${plan.alpha}`;
};

function readPilot(o: PowerOptions, study: StudyContext | null): Pilot | null {
  if (o.pilot !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(o.pilot, 'utf8'));
    } catch (err) {
      throw new UserError(`cannot read the pilot analysis: ${(err as Error).message}`, o.pilot, 'give the JSON that empathy-lab analyze --out writes');
    }
    const parsed = analysisSchema.safeParse(raw);
    if (!parsed.success) throw new UserError(`not an analysis (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''})`, o.pilot, 'give the JSON that empathy-lab analyze --out writes');
    const pilot = pilotFromAnalysis(parsed.data, o.scale);
    if (typeof pilot === 'string') throw new UserError(pilot, o.pilot, 'fit the pilot with analyze, or give the components with --sd-post, --sd-rater, --sd-post-rater and --sd-residual');
    return pilot;
  }
  if (study?.analysis && !(study.analysis instanceof Error)) {
    const pilot = pilotFromAnalysis(study.analysis as Parameters<typeof pilotFromAnalysis>[0], o.scale);
    if (typeof pilot === 'string') throw new UserError(pilot, study.opened.loaded.manifestPath, 'give the components with --sd-post, --sd-rater, --sd-post-rater and --sd-residual');
    return pilot;
  }
  return null;
}

async function buildPlan(o: PowerOptions, study: StudyContext | null): Promise<Plan> {
  if (o.model !== 'lmm' && o.model !== 'clmm') throw new UserError(`unknown model "${o.model}"`, '--model', 'use --model lmm or --model clmm');
  const manifest = study?.opened.loaded.study;
  const pilot = readPilot(o, study);
  const missing = (what: string, flag: string) =>
    new UserError(`no ${what}: the study has no ratings to take it from and no --pilot was given`, flag, `give ${flag}, a pilot (--pilot analysis.json), or pilot ratings in the study`);
  const design = (o.design ?? manifest?.design.type ?? 'within-post') as string;
  if (design !== 'within-post' && design !== 'one-per-post') throw new UserError(`unknown design "${design}"`, '--design', 'use within-post or one-per-post');
  const sources = o.sources !== undefined ? o.sources.split(',').map((s) => s.trim()).filter(Boolean) : pilot ? [...pilot.sources] : (manifest?.sources.map((s) => s.id) ?? []);
  if (sources.length < 2) throw new UserError(sources.length ? `a power analysis compares sources, and there is only ${sources[0]}` : 'no sources', '--sources', 'e.g. --sources gpt4,llama2,mistral');
  const reference = o.reference ?? (manifest?.analysis.reference_source && sources.includes(manifest.analysis.reference_source) ? manifest.analysis.reference_source : sources[0]);
  if (!sources.includes(reference)) throw new UserError(`"${reference}" is not one of the sources (${sources.join(', ')})`, '--reference', `use one of ${sources.join(', ')}`);
  const power = manifest?.analysis.power;
  const alpha = o.alpha !== undefined ? parseNumber(o.alpha, '--alpha', 0, 1) : (power?.alpha ?? 0.05);
  const adjust = (o.adjust ?? manifest?.analysis.adjust ?? 'holm') as Adjustment;
  if (!ADJUSTMENTS.includes(adjust)) throw new UserError(`unknown adjustment "${o.adjust}"`, '--adjust', `use one of ${ADJUSTMENTS.join(', ')}`);
  if (o.model === 'clmm' && adjust === 'tukey') throw new UserError('the ordinal model\'s Wald tests are adjusted by holm, bonferroni or none', '--adjust', 'use --adjust holm');
  const target = o.target !== undefined ? parseNumber(o.target, '--target', 0, 1) : (power?.target ?? 0.8);
  // Without a pilot, the manifest's analysis.power may give the components, the mean and the difference.
  const declared = power?.components;
  const sd = (flag: string, value: string | undefined, fromPilot: number | undefined, what: string, fromManifest?: number) => {
    if (value !== undefined) return parseNumber(value, flag, 0, Infinity);
    const v = fromPilot ?? fromManifest;
    if (v === undefined) throw missing(what, flag);
    return v;
  };
  const difference = o.difference ?? (o.means === undefined && !pilot && power ? String(power.smallest_effect) : undefined);
  const given = o.means !== undefined ? parseSourceValues(o.means, '--means', sources) : null;
  const base = (pilotMeans: Readonly<Record<string, number>> | undefined) => {
    if (difference !== undefined) {
      const d = parseNumber(difference, '--difference', -Infinity, Infinity);
      const first = given?.[sources[0]] ?? pilotMeans?.[sources[0]] ?? (o.model === 'lmm' ? power?.mean : 0);
      if (first === undefined) throw new UserError('no mean rating to plant the difference on', '--means', `give the first source's mean (e.g. --means ${sources[0]}=3.5) or analysis.power.mean`);
      return Object.fromEntries(sources.map((s, i) => [s, i === 1 ? first + d : first]));
    }
    if (given) {
      for (const s of sources) if (given[s] === undefined && pilotMeans?.[s] === undefined) throw new UserError(`no mean for ${s}`, '--means', `give every source a mean, e.g. --means ${sources.map((x) => `${x}=3.5`).join(',')}`);
      return Object.fromEntries(sources.map((s) => [s, given[s] ?? pilotMeans?.[s] ?? 0]));
    }
    if (!pilotMeans) throw missing('source means', '--means');
    for (const s of sources) if (pilotMeans[s] === undefined) throw new UserError(`the pilot has no mean for ${s}`, '--means', `give it, e.g. --means ${s}=3.5`);
    return Object.fromEntries(sources.map((s) => [s, pilotMeans[s] ?? 0]));
  };
  let model: PowerModel;
  if (o.model === 'lmm') {
    model = {
      kind: 'lmm',
      means: base(pilot?.means),
      sdPost: sd('--sd-post', o.sdPost, pilot?.sdPost, 'post SD', declared?.sd_post),
      sdRater: sd('--sd-rater', o.sdRater, pilot?.sdRater, 'rater SD', declared?.sd_rater),
      sdPostRater: design === 'within-post' ? sd('--sd-post-rater', o.sdPostRater, pilot?.sdPostRater, 'post x rater SD', declared?.sd_post_rater) : 0,
      sdResidual: sd('--sd-residual', o.sdResidual, pilot?.sdResidual, 'residual SD', declared?.sd_residual),
    };
  } else {
    const ord = pilot?.ordinal;
    const thresholds = o.thresholds !== undefined ? o.thresholds.split(',').map((t) => parseNumber(t, '--thresholds', -Infinity, Infinity)) : ord?.thresholds;
    if (!thresholds) throw new UserError('no thresholds: the pilot has no ordinal fit', '--thresholds', 'give them (e.g. --thresholds -2.5,-1,0.5,2), or fit the pilot with analysis.models: [lmm, clmm]');
    if (thresholds.some((t, i) => i > 0 && t <= (thresholds[i - 1] ?? -Infinity))) throw new UserError('the thresholds must increase', '--thresholds', 'e.g. --thresholds -2.5,-1,0.5,2');
    const link = (o.link ?? ord?.link ?? 'logit') as string;
    if (link !== 'logit' && link !== 'probit') throw new UserError(`unknown link "${link}"`, '--link', 'use logit or probit');
    model = {
      kind: 'clmm',
      link,
      thresholds,
      locations: base(ord?.locations),
      sdPost: sd('--sd-post', o.sdPost, ord?.sdPost, 'post SD (latent scale)'),
      sdRater: sd('--sd-rater', o.sdRater, ord?.sdRater, 'rater SD (latent scale)'),
    };
  }
  const postsPerRater = o.postsPerRater !== undefined ? parseCount(o.postsPerRater, '--posts-per-rater') : (manifest?.design.posts_per_rater ?? 10);
  const studyPosts = study ? (await loadContent(study.opened.store.db, study.opened.row.id)).plan.filter((p) => p.responses.length > 0).length : 0;
  const posts = o.posts !== undefined ? parseGrid(o.posts, '--posts') : studyPosts > 0 ? [studyPosts] : null;
  if (!posts) throw new UserError('how many posts?', '--posts', 'e.g. --posts 120 or --posts 20,60,120');
  for (const p of posts) if (p < postsPerRater && design === 'within-post') throw new UserError(`${p} posts is fewer than the ${postsPerRater} posts each rater rates`, '--posts', `give at least ${postsPerRater} posts, or fewer --posts-per-rater`);
  const targetRatings = manifest?.design.target_ratings_per_response ?? 5;
  const raters =
    o.raters !== undefined
      ? parseGrid(o.raters, '--raters')
      : [Math.ceil((targetRatings * (posts[0] ?? 0) * (design === 'within-post' ? 1 : sources.length)) / postsPerRater)];
  const simulations = parseCount(o.simulations, '--simulations');
  const nullSimulations = o.nullSimulations !== undefined ? parseCount(o.nullSimulations, '--null-simulations', true) : simulations;
  const seed = o.seed !== undefined ? parseCount(o.seed, '--seed', true) : (manifest?.design.seed ?? 1);
  const workers = o.workers !== undefined ? parseCount(o.workers, '--workers') : undefined;
  const from = o.pilot !== undefined ? `pilot ${path.basename(o.pilot)}${pilot ? ` (scale ${pilot.scale}, ${pilot.nobs} ratings)` : ''}` : pilot ? `the study's own ratings (scale ${pilot.scale}, ${pilot.nobs} ratings)` : declared ? 'the manifest (analysis.power)' : 'flags';
  return { type: design, sources, reference, postsPerRater, posts, raters, model, alpha, adjust, simulations, nullSimulations, seed, ...(workers ? { workers } : {}), from, target };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function describe(plan: Plan, points: readonly PowerPoint[]): string {
  const m = plan.model;
  const lines: string[] = [];
  lines.push(`${plan.type}, ${plan.postsPerRater} posts per rater; sources ${plan.sources.join(', ')}; components from ${plan.from}`);
  if (m.kind === 'lmm')
    lines.push(
      `model: ${Object.entries(m.means).map(([s, v]) => `${s} ${v.toFixed(3)}`).join(', ')}; SD post ${m.sdPost.toFixed(3)}, rater ${m.sdRater.toFixed(3)}${plan.type === 'within-post' ? `, post x rater ${m.sdPostRater.toFixed(3)}` : ''}, residual ${m.sdResidual.toFixed(3)}`,
    );
  else
    lines.push(`ordinal model (${m.link}): locations ${Object.entries(m.locations).map(([s, v]) => `${s} ${v.toFixed(3)}`).join(', ')}; thresholds ${m.thresholds.map((t) => t.toFixed(3)).join(', ')}; SD post ${m.sdPost.toFixed(3)}, rater ${m.sdRater.toFixed(3)}`);
  lines.push(`test: ${testName(plan)}; ${plan.simulations} simulations per point (seed ${plan.seed}); 95% Clopper-Pearson intervals`);
  lines.push('');
  lines.push(
    table(
      ['posts', 'raters', 'ratings', 'contrast', 'planted', 'power', '95% CI', 'type I', 'type I 95% CI'],
      points.flatMap((pt) =>
        pt.power.rows.map((r, k) => {
          const t1 = pt.typeOne?.perContrast[k];
          return [pt.posts, pt.raters, pt.ratings, r.contrast, Number(r.planted.toFixed(3)), pct(r.power), `${pct(r.lower)} to ${pct(r.upper)}`, t1 ? pct(t1.rate) : 'not checked', t1 ? `${pct(t1.lower)} to ${pct(t1.upper)}` : ''];
        }),
      ),
    ),
  );
  lines.push('');
  for (const pt of points) {
    const w = pt.power;
    const fw = pt.typeOne?.familywise;
    lines.push(
      `${pt.posts} posts, ${pt.raters} raters: ${w.failed} failed fits, ${w.notConverged} not converged, ${w.singular} singular of ${w.simulations}` +
        (fw ? `; family-wise type I error ${pct(fw.rate)} (${pct(fw.lower)} to ${pct(fw.upper)}) in ${fw.simulations} null simulations` : '; type I error not checked (--null-simulations 0)'),
    );
  }
  return lines.join('\n');
}
