import { UserError } from '../errors.js';
import path from 'node:path';
import { cellWhere, parseNumber, readTable, requireColumns } from '../corpus/table.js';
import { analyzeField, type FieldAnalysis, type ReaderRating } from './field.js';
import { fieldData } from '../store/field.repository.js';
import { choicesForAnalysis, judgeScoresForAnalysis, ratersForAnalysis, ratingsForAnalysis, recordExclusions } from '../store/ratings.repository.js';
import { composite, pairwiseScale, ratedScales, splitScaleId } from '../study/formats.js';
import type { Db } from '../store/tables.js';
import type { MultiItemScale, Study } from '../study/schema.js';
import { judgeSamplesOk } from '../store/judges.repository.js';
import { listResponsesWithPosts } from '../store/responses.repository.js';
import { armLabel } from '../study/arm.js';
import type { StoredStudy } from '../study/stored.js';
import type { StudyAnalysis } from './schema.js';
import type { ExclusionReport } from './schema.js';
import { analyzeStudy, exclusionSettings, exclusionsOf } from './study-analysis.js';

/**
 * The analysis of a stored study: its ratings, raters, replies and judge scores, under its manifest.
 * Records the exclusions it applied in the `exclusions` table.
 */
export async function analyzeStoredStudy({ db, study, studyId }: StoredStudy, dir: string): Promise<StudyAnalysis> {
  const stored = await ratingsForAnalysis(db, studyId);
  if (stored.length === 0) throw new UserError('the study has no ratings to analyse', dir, 'import ratings, collect them with serve, or simulate a panel');
  const replies = await listResponsesWithPosts(db, studyId);
  const label = (r: { source: string; condition: string }) => armLabel(r.source, r.condition);
  const labelled = stored.map((r) => ({ ...r, source: label(r) }));
  const { ratings, items } = withComposites(study, labelled);
  const choices = (await choicesForAnalysis(db, studyId)).map((c) => ({ ...c, leftSource: label({ source: c.leftSource, condition: c.leftCondition }), rightSource: label({ source: c.rightSource, condition: c.rightCondition }) }));
  const doc = analyzeStudy({
    ratings,
    raters: await ratersForAnalysis(db, studyId),
    scales: ratedScales(study).map((s) => s.id),
    sliders: ratedScales(study).flatMap((s) => (s.type === 'slider' ? [s.id] : [])),
    ordinalScales: ratedScales(study).flatMap((s) => (s.type === 'likert' ? [s.id] : [])),
    formats: {
      specs: study.instrument.scales.map((s) => ({ scale: s.id, type: s.type, ...(s.type === 'multi-item' ? { items: s.items, points: s.points } : {}), ...(s.type === 'pairwise' ? { strength: s.strength } : {}) })),
      items,
      choices,
    },
    formula: study.analysis.formula,
    reference: study.analysis.reference_source,
    adjust: study.analysis.adjust,
    reml: study.analysis.reml,
    models: study.analysis.models,
    clmm: study.analysis.clmm,
    exclusions: exclusionSettings(study.exclusions),
    replies: replies.map((r) => ({ id: r.id, source: label(r), post: r.post, text: r.text })),
    judgeScores: await judgeScoresForAnalysis(db, studyId),
    judgeSamples: (await judgeSamplesOk(db, studyId)).map((x) => ({ judge: x.judge, response: x.response, sample: x.sample, scores: JSON.parse(x.scores_json) as Record<string, number> })),
    seed: study.design.seed,
    arms: study.sources.flatMap((s) => {
      if (s.kind !== 'variant') return [];
      const conditions = [...new Set(replies.filter((r) => r.source === s.id).map((r) => r.condition))].sort();
      return conditions.map((c) => ({ arm: armLabel(s.id, c), parent: armLabel(s.of, c), transforms: s.transforms }));
    }),
  });
  // Nothing is deleted: who is left out, and why, is recorded (replacing the previous analysis's record).
  await recordExclusions(db, studyId, doc.exclusions, new Date().toISOString());
  return doc;
}

type StoredRating = Awaited<ReturnType<typeof ratingsForAnalysis>>[number];
type StoredChoice = Awaited<ReturnType<typeof choicesForAnalysis>>[number];

/**
 * The exclusions `analyze` applies, for the commands that only need them (export, the dashboard's
 * Prolific decisions): on multi-item composites, with the slider and pairwise straight-lining rules.
 */
export async function storedExclusions(db: Db, study: Study, studyId: string, read: { ratings?: readonly StoredRating[]; choices?: readonly StoredChoice[] } = {}): Promise<ExclusionReport[]> {
  const ratings = read.ratings ?? (await ratingsForAnalysis(db, studyId));
  return exclusionsOf({
    ratings: withComposites(study, ratings).ratings,
    raters: await ratersForAnalysis(db, studyId),
    exclusions: exclusionSettings(study.exclusions),
    sliders: ratedScales(study).flatMap((x) => (x.type === 'slider' ? [x.id] : [])),
    formats: { specs: [], items: [], choices: read.choices ?? (pairwiseScale(study) ? await choicesForAnalysis(db, studyId) : []) },
  });
}

/**
 * A multi-item scale's answers become one rating per rater and reply, the composite (the mean of
 * its items, reverse-keyed items recoded), under the scale's id; the items are kept for their
 * reliability. A rater and reply missing an item get no composite.
 */
export function withComposites(study: Study, rows: readonly StoredRating[]): { ratings: StoredRating[]; items: Array<StoredRating & { item: string }> } {
  const multi = new Map(ratedScales(study).flatMap((s) => (s.type === 'multi-item' ? [[s.id, s] as const] : [])));
  const ratings: StoredRating[] = [];
  const items: Array<StoredRating & { item: string }> = [];
  const answers = new Map<string, { first: StoredRating; byItem: Map<string, number> }>();
  for (const r of rows) {
    const { scale, item } = splitScaleId(r.scale);
    if (item === null || !multi.has(scale)) {
      if (item === null) ratings.push(r);
      continue;
    }
    items.push({ ...r, scale, item });
    const key = `${r.rater}\u0000${r.response}\u0000${scale}`;
    const a = answers.get(key) ?? answers.set(key, { first: { ...r, scale }, byItem: new Map() }).get(key);
    a?.byItem.set(item, r.value);
  }
  for (const { first, byItem } of answers.values()) {
    const value = composite(multi.get(first.scale) as MultiItemScale, byItem);
    if (value !== null) ratings.push({ ...first, value });
  }
  return { ratings, items };
}

/** The analysis of a stored field study: its posts, replies, measures and safety log, under its manifest. */
export async function analyzeStoredField({ db, study, studyId, dir: studyDir }: StoredStudy, dir: string): Promise<FieldAnalysis> {
  const data = await fieldData(db, studyId);
  if (data.posts.length === 0) throw new UserError('the field study has no posts yet', dir, 'serve it and recruit seekers, or try it with empathy-lab simulate');
  const file = study.field?.readers?.ratings;
  return analyzeField(study, data, file === undefined ? undefined : { file, ratings: await readerRatings(study, studyDir, file) });
}

/**
 * Readers' ratings of the field replies: a reader study's exported ratings.csv (or any file with
 * columns post, scale, value, and optionally rater and excluded). Rows with excluded = true are left
 * out, as the reader study's analysis leaves them out.
 */
async function readerRatings(study: Study, dir: string, file: string): Promise<ReaderRating[]> {
  const table = await readTable(path.join(dir, file), { label: file });
  requireColumns(table, { post: 'post', scale: 'scale', value: 'value' }, 'field.readers.ratings', () => "the readers' ratings need columns post, scale and value, as empathy-lab export writes ratings.csv");
  const hasRater = table.columns.includes('rater');
  const hasExcluded = table.columns.includes('excluded');
  const out: ReaderRating[] = [];
  for (const rec of table.records) {
    if (hasExcluded && /^(true|1|yes)$/i.test(rec.values.excluded ?? '')) continue;
    const value = parseNumber(rec.values.value ?? '', table.decimalComma);
    if (!Number.isFinite(value)) throw new UserError(`the value "${rec.values.value ?? ''}" is not a number`, cellWhere(table, rec, 'value'), 'give each rating as a number on its scale');
    out.push({ post: rec.values.post ?? '', scale: rec.values.scale ?? '', value, rater: hasRater ? (rec.values.rater ?? '') : `row-${rec.line}` });
  }
  const shared = study.instrument.scales.filter((s) => out.some((r) => r.scale === s.id));
  if (shared.length === 0)
    throw new UserError(`no scale of the readers' file is one the seekers answered (the file has ${[...new Set(out.map((r) => r.scale))].join(', ') || 'no rows'})`, file, `rate the replies on a scale with the same id as the seekers' (${study.instrument.scales.map((s) => s.id).join(', ')})`);
  return out;
}
