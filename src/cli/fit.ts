import { SUMMARIES } from './commands.js';
import path from 'node:path';
import type { Command } from 'commander';
import { readTable } from '../corpus/table.js';
import { UserError } from '../errors.js';
import type { DataFrame } from '../stats/design.js';
import { ADJUSTMENTS, emmeans, westfallKennyJuddD, type Adjustment, type Emmeans } from '../stats/emmeans.js';
import { fitClmmFormula } from '../stats/clmm.js';
import { likelihoodRatioTest } from '../stats/lrt.js';
import { clmmLrt, clmmMeans, type ClmmLrtRow, type ClmmMeans } from '../stats/clmm-means.js';
import { fitLmm, type LmmFit } from '../stats/lmm.js';
import { json, table, type Output } from './output.js';
import { modelToJson } from '../analysis/model-json.js';

interface FitOptions {
  data: string;
  formula: string;
  ml?: boolean;
  ref: string[];
  contrasts?: string;
  adjust: string;
  json?: boolean;
  ordinal?: boolean;
  thresholds: string;
  compare: string[];
  link: string;
}

export async function readDataFrame(file: string): Promise<DataFrame> {
  const table = await readTable(path.resolve(file), { label: file });
  const frame: Record<string, string[]> = {};
  for (const c of table.columns) frame[c] = table.records.map((r) => r.values[c]);
  return frame;
}

/** The fit as JSON (lme4's field names, with details) and, when asked, emmeans' contrasts. */
export function fitToJson(fit: LmmFit, contrasts?: Emmeans): Record<string, unknown> {
  const out: Record<string, unknown> = { ...modelToJson(fit, { details: true }) };
  if (contrasts) {
    out.contrasts = {
      emmeans: contrasts.emmeans.map((e) => ({ [contrasts.factor]: e.level, emmean: e.emmean, SE: e.se, df: e.df, 'lower.CL': e.lower, 'upper.CL': e.upper })),
      [`pairs_${contrasts.adjust}`]: contrasts.pairs.map((c) => {
        const d = westfallKennyJuddD(fit, c);
        return { contrast: c.contrast, estimate: c.estimate, SE: c.se, df: c.df, 't.ratio': c.t, 'p.value': c.p, 'lower.CL': c.lower, 'upper.CL': c.upper, d: d.d, 'd.lower.CL': d.lower, 'd.upper.CL': d.upper };
      }),
      ci_adjust: contrasts.ciAdjust,
    };
  }
  return out;
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : 'NA');
const fmtP = (p: number) => (p < 2e-16 ? '< 2e-16' : p.toPrecision(3));
const stars = (p: number) => (p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : p < 0.1 ? '.' : '');

function pad(rows: string[][], right: boolean[]): string {
  const widths = rows[0]?.map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, j) => (right[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd()).join('\n');
}

/** A readable summary laid out like R's `summary(lmer)` with lmerTest. */
export function fitSummary(fit: LmmFit, contrasts?: Emmeans): string {
  const lines: string[] = [];
  lines.push(`Linear mixed model fit by ${fit.reml ? 'REML' : 'maximum likelihood'}. t-tests use Satterthwaite's method`);
  lines.push(`Formula: ${fit.formula}`, '');
  lines.push(fit.reml ? `REML criterion at convergence: ${fit.devianceOrRemlCriterion.toFixed(1)}` : `     AIC      BIC   logLik deviance\n${[fit.aic, fit.bic, fit.logLik, -2 * fit.logLik].map((v) => v.toFixed(1).padStart(8)).join(' ')}`);
  lines.push('', 'Random effects:');
  const rows = [['Groups', 'Name', 'Variance', 'Std.Dev.', 'Corr']];
  for (const v of fit.varcor) {
    if (v.var2 !== null) continue;
    const corr = v.var1 === null ? [] : fit.varcor.filter((c) => c.grp === v.grp && c.var2 === v.var1).map((c) => fmt(c.sdcor, 2));
    rows.push([v.grp, v.var1 ?? '', fmt(v.vcov), fmt(v.sdcor), corr.join(' ')]);
  }
  lines.push(pad(rows, [false, false, true, true, true]).replace(/^/gm, ' '));
  lines.push(`Number of obs: ${fit.nobs}, groups:  ${Object.entries(fit.ngroups).map(([g, n]) => `${g}, ${n}`).join('; ')}`, '', 'Fixed effects:');
  const fx = [['', 'Estimate', 'Std. Error', 'df', 't value', 'Pr(>|t|)', '']];
  fit.fixefNames.forEach((n, i) =>
    fx.push([n, fmt(fit.beta[i], 5), fmt(fit.se[i], 5), fmt(fit.df[i], 5), fmt(fit.t[i], 4), fmtP(fit.p[i]), stars(fit.p[i])]),
  );
  lines.push(pad(fx, [false, true, true, true, true, true, false]));
  lines.push('---', "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1");
  for (const w of fit.warnings) lines.push(`warning: ${w}`);
  if (contrasts) {
    lines.push('', `Estimated marginal means of ${contrasts.factor} (${Math.round(contrasts.level * 100)}% CI, Satterthwaite df):`);
    lines.push(pad([[contrasts.factor, 'emmean', 'SE', 'df', 'lower.CL', 'upper.CL'], ...contrasts.emmeans.map((e) => [e.level, fmt(e.emmean, 5), fmt(e.se, 4), fmt(e.df, 5), fmt(e.lower, 5), fmt(e.upper, 5)])], [false, true, true, true, true, true]));
    lines.push('', `Pairwise contrasts (p adjusted: ${contrasts.adjust}; ${Math.round(contrasts.level * 100)}% CI adjusted: ${contrasts.ciAdjust}; d: Westfall, Kenny & Judd 2014):`);
    lines.push(
      pad(
        [
          ['contrast', 'estimate', 'SE', 'df', 't.ratio', 'p.value', 'lower.CL', 'upper.CL', 'd', 'd.lower', 'd.upper'],
          ...contrasts.pairs.map((c) => {
            const d = westfallKennyJuddD(fit, c);
            return [c.contrast, fmt(c.estimate, 5), fmt(c.se, 4), fmt(c.df, 5), fmt(c.t, 4), fmtP(c.p), fmt(c.lower, 5), fmt(c.upper, 5), fmt(d.d, 4), fmt(d.lower, 4), fmt(d.upper, 4)];
          }),
        ],
        [false, true, true, true, true, true, true, true, true, true, true],
      ),
    );
  }
  return lines.join('\n');
}

/** The ordinal model as JSON, with field names as ordinal::clmm's summary uses them. */
function clmmToJson(fit: ReturnType<typeof fitClmmFormula>) {
  const cuts = fit.categories.slice(0, -1).map((c, j) => `${c}|${fit.categories[j + 1]}`);
  return {
    model: 'clmm',
    formula: fit.formula,
    link: fit.link,
    method: 'Laplace',
    threshold: fit.thresholdType,
    nobs: fit.nobs,
    logLik: fit.logLik,
    AIC: fit.aic,
    thresholds: Object.fromEntries(cuts.map((k, j) => [k, fit.thresholds[j]])),
    threshold_se: Object.fromEntries(cuts.map((k, j) => [k, fit.thresholdSe[j]])),
    coefficients: fit.names.map((name, k) => ({ term: name, Estimate: fit.beta[k], 'Std. Error': fit.se[k], 'z value': fit.z[k], 'Pr(>|z|)': fit.p[k] })),
    random_sd: fit.randomSd,
    converged: fit.converged,
    'max.grad': fit.maxGradient,
    'cond.H': fit.conditionHessian,
  };
}

function clmmMeansJson(m: ClmmMeans) {
  return {
    factor: m.factor,
    emmeans: m.means.map((x) => ({ [m.factor]: x.level, latent: x.latent, SE: x.se, 'asymp.LCL': x.lower, 'asymp.UCL': x.upper, prob: x.prob, prob_marginal: x.probMarginal, mean_class: x.meanRating, mean_class_marginal: x.meanRatingMarginal })),
    pairs: m.pairs.map((c) => ({ contrast: c.contrast, estimate: c.estimate, SE: c.se, 'z.ratio': c.z, 'p.value': c.p, 'asymp.LCL': c.lower, 'asymp.UCL': c.upper })),
    adjust: m.adjust,
    ci_adjust: m.ciAdjust,
    quadrature_nodes: m.quadratureNodes,
  };
}

function clmmMeansSummary(m: ClmmMeans): string {
  const k = m.means[0]?.prob.length ?? 0;
  return [
    `Marginal means of ${m.factor} on the latent scale (emmeans mode "latent"), with 95% asymptotic intervals, and the probability of each category at the random effects' mean (u = 0) and averaged over them (marginal, Gauss-Hermite, ${m.quadratureNodes} nodes):`,
    table([m.factor, 'latent', 'SE', 'asymp.LCL', 'asymp.UCL', ...Array.from({ length: k }, (_, j) => `P(${j + 1})`), ...Array.from({ length: k }, (_, j) => `marginal P(${j + 1})`)], m.means.map((x) => [x.level, Number(x.latent.toFixed(4)), Number(x.se.toFixed(4)), Number(x.lower.toFixed(4)), Number(x.upper.toFixed(4)), ...x.prob.map((q) => Number(q.toFixed(4))), ...x.probMarginal.map((q) => Number(q.toFixed(4)))])),
    '',
    `Pairwise contrasts (Wald z, p ${m.adjust === 'none' ? 'unadjusted' : `${m.adjust}-adjusted`}, intervals ${m.ciAdjust === 'none' ? 'unadjusted' : `${m.ciAdjust}-adjusted`}):`,
    table(['contrast', 'estimate', 'SE', 'z.ratio', 'p.value', 'asymp.LCL', 'asymp.UCL'], m.pairs.map((c) => [c.contrast, Number(c.estimate.toFixed(4)), Number(c.se.toFixed(4)), Number(c.z.toFixed(3)), Number(c.p.toPrecision(3)), Number(c.lower.toFixed(4)), Number(c.upper.toFixed(4))])),
  ].join('\n');
}

function lrtSummary(rows: readonly ClmmLrtRow[], linear = false): string {
  return [linear ? 'Likelihood-ratio tests of the nested models (refitted by ML, as anova() does):' : 'Likelihood-ratio tests of the nested ordinal models:', table(['formula', 'npar', 'logLik', 'AIC', 'LR.stat', 'df', 'Pr(>Chisq)'], rows.map((r) => [r.formula, r.npar, Number(r.logLik.toFixed(3)), Number(r.AIC.toFixed(2)), r.chisq === null ? '' : Number(r.chisq.toFixed(3)), r.df === null ? '' : r.df, r.p === null ? '' : Number(r.p.toPrecision(3))]))].join('\n');
}

function clmmSummary(fit: ReturnType<typeof fitClmmFormula>): string {
  const j = clmmToJson(fit);
  const lines = [`Cumulative link mixed model (${fit.link} link, ${fit.thresholdType} thresholds, Laplace approximation)`, `Formula: ${fit.formula}`, `nobs ${fit.nobs}, logLik ${fit.logLik.toFixed(2)}, AIC ${fit.aic.toFixed(2)}${fit.converged ? '' : ' (the optimiser did not converge)'}`, ''];
  lines.push('Random effects:', table(['group', 'Std.Dev.'], Object.entries(fit.randomSd).map(([g, v]) => [g, Number(v.toFixed(4))])), '');
  lines.push('Coefficients:', table(['term', 'Estimate', 'Std. Error', 'z value', 'Pr(>|z|)'], j.coefficients.map((c) => [c.term, Number(c.Estimate.toFixed(4)), Number(c['Std. Error'].toFixed(4)), Number(c['z value'].toFixed(2)), Number(c['Pr(>|z|)'].toPrecision(3))])), '');
  lines.push('Thresholds:', table(['', 'Estimate', 'Std. Error'], Object.keys(j.thresholds).map((k, i) => [k, Number((fit.thresholds[i] as number).toFixed(4)), Number((fit.thresholdSe[i] as number).toFixed(4))])));
  return lines.join('\n');
}

export function registerFit(program: Command, output: Output): void {
  program
    .command('fit')
    .summary(SUMMARIES.fit)
    .description(
      'Fits a linear mixed model as lme4 + lmerTest do: REML (or ML with --ml), Satterthwaite df, variance components,\n' +
        'conditional modes; with --contrasts, estimated marginal means and all pairwise contrasts as emmeans reports them.',
    )
    .requiredOption('--data <file>', 'a CSV or JSONL file, one row per observation')
    .requiredOption('--formula <formula>', 'an lme4 formula, e.g. "rating ~ source + (1 | post:rater) + (1 | post) + (1 | rater)"')
    .option('--ml', 'maximum likelihood instead of REML')
    .option('--ref <factor=level>', 'reference level of a factor (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--contrasts <factor>', 'marginal means and pairwise contrasts of this factor')
    .option('--adjust <method>', `p adjustment for the contrasts: ${ADJUSTMENTS.join(', ')}`, 'holm')
    .option('--json', 'print one JSON object (field names as in lme4/lmerTest/emmeans)')
    .option('--ordinal', 'a cumulative link mixed model (as ordinal::clmm, Laplace) instead; also when the response is written ordered(y)')
    .option('--link <link>', 'the ordinal model\'s link: logit or probit', 'logit')
    .option('--thresholds <type>', 'the ordinal model\'s thresholds: flexible or equidistant', 'flexible')
    .option('--compare <formula>', 'a nested model to test against by likelihood ratio (repeatable; linear models are refitted by ML)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addHelpText(
      'after',
      `
Examples:
  $ empathy-lab fit --data ratings.csv --formula "rating ~ source + (1 | post:rater) + (1 | post) + (1 | rater)" --ref source=human --contrasts source
  $ empathy-lab fit --data sleepstudy.csv --formula "Reaction ~ Days + (Days | Subject)" --ml --json
  $ empathy-lab fit --data ratings.csv --formula "ordered(rating) ~ source + (1 | rater) + (1 | post)" --ref source=human --contrasts source
  $ empathy-lab fit --data ratings.csv --formula "ordered(rating) ~ source + (1 | rater) + (1 | post)" --compare "ordered(rating) ~ 1 + (1 | rater) + (1 | post)"`,
    )
    .action(async (o: FitOptions) => {
      if (!(ADJUSTMENTS as readonly string[]).includes(o.adjust)) throw new UserError(`unknown adjustment "${o.adjust}"`, '--adjust', `use one of ${ADJUSTMENTS.join(', ')}`);
      const reference: Record<string, string> = {};
      for (const r of o.ref) {
        const eq = r.indexOf('=');
        if (eq <= 0) throw new UserError(`expected FACTOR=LEVEL, got "${r}"`, '--ref', 'write it as --ref source=human');
        reference[r.slice(0, eq)] = r.slice(eq + 1);
      }
      const data = await readDataFrame(o.data);
      if (o.ordinal || /^\s*ordered\s*\(/.test(o.formula)) {
        if (o.link !== 'logit' && o.link !== 'probit') throw new UserError(`unknown link "${o.link}"`, '--link', 'use --link logit or --link probit');
        if (o.thresholds !== 'flexible' && o.thresholds !== 'equidistant') throw new UserError(`unknown thresholds "${o.thresholds}"`, '--thresholds', 'use --thresholds flexible or --thresholds equidistant');
        if (o.ml) throw new UserError('the ordinal model is always fitted by maximum likelihood (Laplace)', '--ml', 'leave --ml out');
        const options = { link: o.link, thresholds: o.thresholds, reference } as const;
        const fit = fitClmmFormula(o.formula, data, options);
        const means = o.contrasts ? clmmMeans(fit, o.contrasts, { adjust: o.adjust as Adjustment }) : undefined;
        const lrt = o.compare.length ? clmmLrt([fit, ...o.compare.map((f) => fitClmmFormula(f, data, options))]) : undefined;
        output.out(o.json ? json({ ...clmmToJson(fit), ...(means ? { contrasts: clmmMeansJson(means) } : {}), ...(lrt ? { lrt } : {}) }) : [clmmSummary(fit), ...(means ? [clmmMeansSummary(means)] : []), ...(lrt ? [lrtSummary(lrt)] : [])].join('\n\n'));
        return;
      }
      const fit = fitLmm(o.formula, data, { reml: !o.ml, reference });
      const contrasts = o.contrasts ? emmeans(fit, o.contrasts, { adjust: o.adjust as Adjustment }) : undefined;
      // Nested linear models are compared by ML, as lme4's anova() refits them.
      const lrt = o.compare.length ? likelihoodRatioTest([o.formula, ...o.compare], data, { reference }).map((r) => ({ formula: r.formula, npar: r.npar, logLik: r.logLik, AIC: r.aic, chisq: r.chisq, df: r.df, p: r.p })) : undefined;
      output.out(o.json ? json({ ...fitToJson(fit, contrasts), ...(lrt ? { lrt } : {}) }) : [fitSummary(fit, contrasts), ...(lrt ? [lrtSummary(lrt, true)] : [])].join('\n\n'));
    });
}
