/**
 * A synthetic panel added to a study, in one transaction: raters from the generative model of
 * `stats/simulate.ts` rating every reply of a balanced within-post design on every scale, their
 * session times and attention checks, and the model's settings kept with them
 * (`simulated_panels`). Everything is stored with origin `simulated`.
 */
import { effectsFromStyle } from '../analysis/style-effects.js';
import { UserError } from '../errors.js';
import { DEFAULT_PANEL, latentPanel, simulateItems, simulatePairs, simulatePanel, simulateSessions, simulateSlider, type PanelRecord } from '../stats/simulate.js';
import { seededRng } from '../stats/random.js';
import { orientedPairs, pairKey } from '../server/steps.js';
import { itemScaleId, pairwiseScale, ratedScales } from '../study/formats.js';
import { lookup } from '../stats/errors.js';
import { newId, nowIso } from '../store/ids.js';
import { hasSimulatedPanel, recordSimulatedPanel } from '../store/panels.repository.js';
import { insertAttentionResults, insertParticipants } from '../store/participants.repository.js';
import { insertChoices, insertRatings } from '../store/ratings.repository.js';
import { listResponsesWithPosts } from '../store/responses.repository.js';
import type { Db } from '../store/tables.js';
import type { Study } from '../study/schema.js';
import { z } from 'zod';

/**
 * The simulated raters' preference for the reply shown first, on the logistic scale of a pairwise
 * choice (log-odds 0.2: the left reply chosen 55% of the time between equals).
 */
export const PAIR_POSITION_BIAS = 0.2;

/** The settings a panel is kept with (`simulated_panels.settings_json`), checked when read back. */
const panelRecordSchema: z.ZodType<PanelRecord> = z.object({
  model: z.object({
    mean: z.number(),
    effects: z.record(z.string(), z.number()),
    sdPost: z.number(),
    sdRater: z.number(),
    sdPostRater: z.number(),
    sdResidual: z.number(),
    sdScaleUse: z.number(),
    inattentiveShare: z.number(),
  }),
  effectsFrom: z.enum(['given', 'style']),
  reference: z.string(),
  raters: z.number().int(),
  postsPerRater: z.number().int(),
  scales: z.array(z.object({ id: z.string(), type: z.enum(['likert', 'slider', 'multi-item', 'pairwise']).optional(), points: z.number().int() })),
  positionBias: z.number().optional(),
  seed: z.number(),
  panels: z.array(z.object({ id: z.string(), raters: z.number().int(), shifts: z.record(z.string(), z.number()) })).optional(),
});

/** A panel's recorded settings, or null when the study has none or they are not in this version's form. */
export function panelRecordOf(settings: unknown): PanelRecord | null {
  const r = panelRecordSchema.safeParse(settings);
  return r.success ? r.data : null;
}

/** The study a panel is added to. */
export interface PanelTarget {
  readonly db: Db;
  readonly study: Study;
  readonly studyId: string;
  readonly contentHash: string;
}

export interface PanelSummary {
  readonly raters: number;
  readonly ratings: number;
  readonly scales: string[];
  readonly effects: Record<string, number>;
  readonly inattentive: number;
  readonly failedChecks: number;
  readonly seed: number;
  /** Several panels: each one's raters and shifts per source. */
  readonly panels?: ReadonlyArray<{ readonly id: string; readonly raters: number; readonly shifts: Readonly<Record<string, number>> }>;
}

export function describePanel(p: PanelSummary): string {
  const panels = p.panels?.length ? ` in ${p.panels.length} panels (${p.panels.map((x) => `${x.id}: ${x.raters}`).join(', ')})` : '';
  return `simulated ${p.raters} raters${panels} (${p.inattentive} inattentive, ${p.failedChecks} failing an attention check) and ${p.ratings} ratings on ${p.scales.join(', ')}; all marked simulated`;
}

/** A panel of simulated raters, and its shift per source (scale points added to the source's effect). */
export interface SimulatedPanelSpec {
  readonly id: string;
  readonly shifts: Readonly<Record<string, number>>;
}

/**
 * Adds a synthetic panel to an open study, in one transaction. Returns null when the study already
 * has one (a second panel would mix two designs). `effects: null` derives them from the style battery.
 * With `panels`, each panel gets its own raters (its own target of ratings per reply), with the
 * effects plus the panel's shift per source; the raters are stored in their panel.
 */
export async function simulatePanelForStudy({ db, study, studyId, contentHash }: PanelTarget, dir: string, o: { effects: Record<string, number> | null; raters?: number; seed?: number; panels?: readonly SimulatedPanelSpec[] }): Promise<PanelSummary | null> {
  const replies = await listResponsesWithPosts(db, studyId);
  if (replies.length === 0) throw new UserError('the study has no replies to rate', dir, 'import or generate replies first');
  if (await hasSimulatedPanel(db, studyId)) return null;
  const effects = o.effects ?? effectsFromStyle(replies, study.analysis.reference_source);
  const posts = [...new Set(replies.map((r) => r.post))].sort();
  const postIndex = new Map(posts.map((p, i) => [p, i]));
  // Each post's replies by family: a reply and its variant arms' versions of it (a rater sees one).
  const byPost = posts.map((p) => {
    const families = new Map<string, number[]>();
    replies.forEach((r, j) => {
      if (r.post !== p) return;
      const f = r.parent ?? r.id;
      (families.get(f) ?? families.set(f, []).get(f))?.push(j);
    });
    return [...families.values()];
  });
  const versions = Math.max(1, ...byPost.flatMap((families) => families.map((f) => f.length)));
  const perRater = Math.min(study.design.posts_per_rater, posts.length);
  const responses = replies.map((r) => ({ post: lookup(postIndex, r.post, 'post index'), source: r.source }));
  const seed = o.seed ?? study.design.seed;
  const now = nowIso();
  const checks = study.instrument.attention_checks;
  const groups = o.panels?.length ? o.panels : [{ id: '', shifts: {} }];
  const participantRows: Parameters<typeof insertParticipants>[1][number][] = [];
  const ratingRows: Parameters<typeof insertRatings>[1][number][] = [];
  const attentionRows: Parameters<typeof insertAttentionResults>[1][number][] = [];
  const choiceRows: Parameters<typeof insertChoices>[1][number][] = [];
  // Pairs shown so far, over every panel's raters (each order of a pair equally often).
  const pairShown = new Map<string, number>();
  const pairRng = seededRng((o.seed ?? study.design.seed) * 7 + 3);
  const postIdOf = (j: number) => (replies[j] as { post_id: string }).post_id;
  const optionsOf = (c: (typeof checks)[number]) => c.options ?? ['left', 'right'];
  const postOfResponse = new Map(responses.map((r, j) => [j, r.post]));
  // What every simulated rating and choice records besides its answer.
  const simulated = { study_id: studyId, rt_ms: null, idempotency_key: null, origin: 'simulated' as const, content_hash: contentHash, import_id: null, created_at: now };
  const panelRecords: Array<{ id: string; raters: number; shifts: Record<string, number> }> = [];
  let inattentiveTotal = 0;
  let failedTotal = 0;
  // With panels, the posts' effects are shared by them (one stream); raters and noise are each panel's own.
  const postSeed = o.panels?.length ? { postSeed: seed * 1000 + 999 } : {};
  groups.forEach((group, g) => {
    const target = study.recruitment.panels.find((p) => p.id === group.id)?.target_ratings_per_response ?? study.design.target_ratings_per_response;
    const raters = o.raters ?? Math.ceil((target * versions * posts.length) / perRater);
    // Balanced within-post design: rater r takes the next perRater posts in a cycle; the k-th visit to
    // a post shows the k-th version of each of its replies (in turn), never two versions of one.
    const visits = new Array<number>(posts.length).fill(0);
    const assignments = Array.from({ length: raters }, (_, r) =>
      Array.from({ length: perRater }, (_, k) => (r * perRater + k) % posts.length).flatMap((p) => {
        const visit = visits[p]++;
        return byPost[p].map((f) => f[visit % f.length]);
      }),
    );
    const panelEffects = Object.fromEntries(Object.entries(effects).map(([k, v]) => [k, v + (group.shifts[k] ?? 0)]));
    const panelSeed = seed + g * 7919;
    const participantIds = Array.from({ length: raters }, () => newId());
    let inattentive: boolean[] = [];
    // One latent per rater and reply behind every format (the traits Likert scales share, traitSeed).
    const traits = { ...DEFAULT_PANEL, effects: panelEffects, traitSeed: panelSeed * 1000, ...postSeed };
    // The latent is on the points of the first Likert or multi-item scale (5 when every rated scale is a slider).
    const latentPoints = ratedScales(study).flatMap((x) => (x.type === 'slider' ? [] : [x.points]))[0] ?? 5;
    const latent = latentPanel(responses, assignments, { ...traits, points: latentPoints, seed: panelSeed * 1000 });
    inattentive = [...latent.inattentive];
    const rating = (rater: number, response: number, scale: string, value: number) =>
      ratingRows.push({ ...simulated, id: newId(), participant_id: participantIds[rater] as string, response_id: (replies[response] as { id: string }).id, scale, value });
    study.instrument.scales.forEach((scale, s) => {
      const seedOf = panelSeed * 1000 + s;
      if (scale.type === 'likert') {
        const panel = simulatePanel(responses, assignments, { ...traits, points: scale.points, seed: seedOf });
        for (const r of panel.ratings) rating(r.rater, r.response, scale.id, r.value);
      } else if (scale.type === 'slider') {
        for (const r of simulateSlider(latent, { sdResidual: DEFAULT_PANEL.sdResidual, seed: seedOf, points: latentPoints })) rating(r.rater, r.response, scale.id, r.value);
      } else if (scale.type === 'multi-item') {
        for (const r of simulateItems(latent, scale.items, { sdResidual: DEFAULT_PANEL.sdResidual, seed: seedOf, points: scale.points })) rating(r.rater, r.response, itemScaleId(scale, (scale.items[r.item] as { id: string }).id), r.value);
      } else {
        // Every pair of the replies a rater read for a post, each pair's two orders balanced as the app balances them.
        const pairs = assignments.map((list) => {
          const byPost = new Map<number, number[]>();
          for (const j of list) {
            const post = lookup(postOfResponse, j, 'post of a reply');
            (byPost.get(post) ?? byPost.set(post, []).get(post))?.push(j);
          }
          return [...byPost.values()].flatMap((js) => {
            const oriented = orientedPairs(js.map(String), pairShown, pairRng);
            for (const x of oriented) pairShown.set(pairKey(x.left, x.right), (pairShown.get(pairKey(x.left, x.right)) ?? 0) + 1);
            return oriented.map((x) => ({ left: Number(x.left), right: Number(x.right) }));
          });
        });
        for (const c of simulatePairs(latent, pairs, { sdResidual: DEFAULT_PANEL.sdResidual, seed: seedOf, positionBias: PAIR_POSITION_BIAS, strength: scale.strength })) {
          choiceRows.push({
            ...simulated,
            id: newId(),
            participant_id: participantIds[c.rater] as string,
            post_id: postIdOf(c.left),
            scale: scale.id,
            left_id: (replies[c.left] as { id: string }).id,
            right_id: (replies[c.right] as { id: string }).id,
            value: c.value,
          });
        }
      }
    });
    // Sessions: about 40 s per response (reading it and answering every scale) for attentive raters.
    const responsesPerRater = assignments.reduce((n, a) => n + a.length, 0) / raters;
    const sessions = simulateSessions(inattentive, checks.map((c) => optionsOf(c).length), { seed: panelSeed, medianMinutes: Math.max(1, (responsesPerRater * 40) / 60) });
    participantIds.forEach((id, r) => {
      participantRows.push({
        id,
        study_id: studyId,
        external_id: `sim-${group.id ? `${group.id}-` : ''}${String(r + 1).padStart(4, '0')}`,
        origin: 'simulated',
        status: 'completed',
        prolific_study_id: null,
        prolific_session_id: null,
        attributes_json: JSON.stringify({ simulated: true, inattentive: inattentive[r] ?? false }),
        completion_code: null,
        started_at: now,
        completed_at: now,
        total_seconds: sessions[r]?.totalSeconds ?? null,
        import_id: null,
        created_at: now,
        panel: group.id,
      });
      checks.forEach((c, k) => {
        const passed = sessions[r]?.passed[k] ?? true;
        const wrong = optionsOf(c).find((x) => x !== c.answer) as string;
        attentionRows.push({ id: newId(), participant_id: id, check_id: c.id, expected: c.answer, answer: passed ? c.answer : wrong, passed: passed ? 1 : 0, created_at: now });
      });
    });
    inattentiveTotal += inattentive.filter(Boolean).length;
    failedTotal += sessions.filter((x) => x.passed.some((p) => !p)).length;
    panelRecords.push({ id: group.id, raters, shifts: { ...group.shifts } });
  });
  const raters = participantRows.length;
  await db.transaction().execute(async (trx) => {
    await insertParticipants(trx, participantRows);
    await insertRatings(trx, ratingRows);
    await insertChoices(trx, choiceRows);
    await insertAttentionResults(trx, attentionRows);
    const record: PanelRecord = {
      model: { ...DEFAULT_PANEL, effects },
      effectsFrom: o.effects ? 'given' : 'style',
      reference: study.analysis.reference_source,
      raters,
      postsPerRater: perRater,
      scales: study.instrument.scales.map((sc) => ({ id: sc.id, type: sc.type, points: sc.type === 'slider' ? 101 : sc.type === 'pairwise' ? (sc.strength ? 4 : 2) : sc.points })),
      ...(pairwiseScale(study) ? { positionBias: PAIR_POSITION_BIAS } : {}),
      seed,
      ...(o.panels?.length ? { panels: panelRecords } : {}),
    };
    await recordSimulatedPanel(trx, studyId, record, now);
  });
  return { raters, ratings: ratingRows.length, scales: study.instrument.scales.map((sc) => sc.id), effects, inattentive: inattentiveTotal, failedChecks: failedTotal, seed, ...(o.panels?.length ? { panels: panelRecords } : {}) };
}
