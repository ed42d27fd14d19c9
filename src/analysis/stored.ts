import { UserError } from '../errors.js';
import { judgeScoresForAnalysis, ratersForAnalysis, ratingsForAnalysis, recordExclusions } from '../store/ratings.repository.js';
import { judgeSamplesOk } from '../store/judges.repository.js';
import { listResponsesWithPosts } from '../store/responses.repository.js';
import { armLabel } from '../study/arm.js';
import type { StoredStudy } from '../study/stored.js';
import type { StudyAnalysis } from './schema.js';
import { analyzeStudy, exclusionSettings } from './study-analysis.js';

/**
 * The analysis of a stored study: its ratings, raters, replies and judge scores, under its manifest.
 * Records the exclusions it applied in the `exclusions` table.
 */
export async function analyzeStoredStudy({ db, study, studyId }: StoredStudy, dir: string): Promise<StudyAnalysis> {
  const rows = await ratingsForAnalysis(db, studyId);
  if (rows.length === 0) throw new UserError('the study has no ratings to analyse', dir, 'import ratings, collect them with serve, or simulate a panel');
  const replies = await listResponsesWithPosts(db, studyId);
  const label = (r: { source: string; condition: string }) => armLabel(r.source, r.condition);
  const doc = analyzeStudy({
    ratings: rows.map((r) => ({ ...r, source: label(r) })),
    raters: await ratersForAnalysis(db, studyId),
    scales: study.instrument.scales.map((s) => s.id),
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
