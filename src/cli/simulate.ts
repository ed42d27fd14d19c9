import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { effectsFromStyle } from '../analysis/style-effects.js';
import { DEFAULT_PANEL, simulatePanel, simulateSessions, type PanelRecord } from '../stats/simulate.js';
import { newId, nowIso } from '../store/ids.js';
import { hasSimulatedPanel, recordSimulatedPanel } from '../store/panels.repository.js';
import { insertAttentionResults, insertParticipants } from '../store/participants.repository.js';
import { insertRatings } from '../store/ratings.repository.js';
import { listResponsesWithPosts } from '../store/responses.repository.js';
import { json, table, type Output } from './output.js';
import { withStudy, type OpenStudy, type StudyOptions } from './study-context.js';

interface SimulateOptions extends StudyOptions {
  raters?: string;
  effect: string[];
  seed?: string;
  json?: boolean;
}

export interface PanelSummary {
  readonly raters: number;
  readonly ratings: number;
  readonly scales: string[];
  readonly effects: Record<string, number>;
  readonly inattentive: number;
  readonly failedChecks: number;
  readonly seed: number;
}

export function describePanel(p: PanelSummary): string {
  return `simulated ${p.raters} raters (${p.inattentive} inattentive, ${p.failedChecks} failing an attention check) and ${p.ratings} ratings on ${p.scales.join(', ')}; all marked simulated`;
}

/**
 * Adds a synthetic panel to an open study, in one transaction. Returns null when the study already
 * has one (a second panel would mix two designs). `effects: null` derives them from the style battery.
 */
export async function simulateForStudy({ loaded, store, row, hashes }: OpenStudy, dir: string, o: { effects: Record<string, number> | null; raters?: number; seed?: number }): Promise<PanelSummary | null> {
  const study = loaded.study;
  const replies = await listResponsesWithPosts(store.db, row.id);
  if (replies.length === 0) throw new UserError('the study has no replies to rate', dir, 'import or generate replies first');
  if (await hasSimulatedPanel(store.db, row.id)) return null;
  const effects = o.effects ?? effectsFromStyle(replies, study.analysis.reference_source);
  const posts = [...new Set(replies.map((r) => r.post))].sort();
  const postIndex = new Map(posts.map((p, i) => [p, i]));
  const byPost = posts.map((p) => replies.map((r, j) => (r.post === p ? j : -1)).filter((j) => j >= 0));
  const perRater = Math.min(study.design.posts_per_rater, posts.length);
  const raters = o.raters ?? Math.ceil((study.design.target_ratings_per_response * posts.length) / perRater);
  // Balanced within-post design: rater r takes the next perRater posts in a cycle.
  const assignments = Array.from({ length: raters }, (_, r) => Array.from({ length: perRater }, (_, k) => (r * perRater + k) % posts.length).flatMap((p) => byPost[p] as number[]));
  const responses = replies.map((r) => ({ post: postIndex.get(r.post) as number, source: r.source }));
  const seed = o.seed ?? study.design.seed;
  const now = nowIso();
  const participantIds = Array.from({ length: raters }, () => newId());
  const ratingRows: Parameters<typeof insertRatings>[1][number][] = [];
  let inattentive: boolean[] = [];
  study.instrument.scales.forEach((scale, s) => {
    const panel = simulatePanel(responses, assignments, { ...DEFAULT_PANEL, effects, points: scale.points, seed: seed * 1000 + s, traitSeed: seed * 1000 });
    // Raters' and posts' traits (leniency, scale use, attention) are shared by the scales (traitSeed).
    if (s === 0) inattentive = panel.inattentive;
    for (const r of panel.ratings) {
      ratingRows.push({
        id: newId(),
        study_id: row.id,
        participant_id: participantIds[r.rater] as string,
        response_id: (replies[r.response] as { id: string }).id,
        scale: scale.id,
        value: r.value,
        rt_ms: null,
        idempotency_key: null,
        origin: 'simulated',
        content_hash: hashes.content,
        import_id: null,
        created_at: now,
      });
    }
  });
  const checks = study.instrument.attention_checks;
  // Sessions: about 40 s per response (reading it and answering every scale) for attentive raters.
  const responsesPerRater = ratingRows.length / raters / study.instrument.scales.length;
  const sessions = simulateSessions(inattentive, checks.map((c) => c.options.length), { seed, medianMinutes: Math.max(1, (responsesPerRater * 40) / 60) });
  await store.db.transaction().execute(async (trx) => {
    await insertParticipants(
      trx,
      participantIds.map((id, r) => ({
        id,
        study_id: row.id,
        external_id: `sim-${String(r + 1).padStart(4, '0')}`,
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
      })),
    );
    await insertRatings(trx, ratingRows);
    const results = participantIds.flatMap((pid, r) =>
      checks.map((c, k) => {
        const passed = sessions[r]?.passed[k] ?? true;
        const wrong = c.options.find((o) => o !== c.answer) as string;
        return { id: newId(), participant_id: pid, check_id: c.id, expected: c.answer, answer: passed ? c.answer : wrong, passed: passed ? 1 : 0, created_at: now };
      }),
    );
    await insertAttentionResults(trx, results);
    const record: PanelRecord = {
      model: { ...DEFAULT_PANEL, effects },
      effectsFrom: o.effects ? 'given' : 'style',
      reference: study.analysis.reference_source,
      raters,
      postsPerRater: perRater,
      scales: study.instrument.scales.map((sc) => ({ id: sc.id, points: sc.points })),
      seed,
    };
    await recordSimulatedPanel(trx, row.id, record, now);
  });
  const failedChecks = sessions.filter((x) => x.passed.some((p) => !p)).length;
  return { raters, ratings: ratingRows.length, scales: study.instrument.scales.map((sc) => sc.id), effects, inattentive: inattentive.filter(Boolean).length, failedChecks, seed };
}

export function registerSimulate(program: Command, output: Output): void {
  program
    .command('simulate')
    .summary(SUMMARIES.simulate)
    .description(
      'Fills the study with simulated raters and their ratings on every scale of the instrument, from a documented model\n' +
        '(src/stats/simulate.ts): rater leniency and scale use, post difficulty, post x rater effects, residual noise, per-source\n' +
        'effects (given with --effect, or derived from the style battery), rounding to the scale, and 5% inattentive raters\n' +
        'who answer at random, rush (a seventh of the usual time) and fail attention checks at random. Session times and\n' +
        'attention results are stored, so the exclusion rules apply. Design: within-post, posts_per_rater posts per rater,\n' +
        'enough raters for target_ratings_per_response. Participants and ratings are stored with origin "simulated".',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--raters <n>', 'number of simulated raters (default: enough for the design\'s target ratings per response)')
    .option('--effect <source=value>', 'a source\'s effect in scale points (repeatable; default: from the style battery)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--seed <n>', 'seed (default: the design\'s seed)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab simulate examples/demo\n  $ empathy-lab simulate my-study --raters 200 --effect human=0 --effect gpt4=0.6')
    .action(async (dir: string, o: SimulateOptions) => {
      const raters = o.raters === undefined ? undefined : Number(o.raters);
      if (raters !== undefined && (!Number.isInteger(raters) || raters < 1)) throw new UserError(`expected a whole number of raters, got "${o.raters}"`, '--raters', 'e.g. --raters 200');
      const effects = o.effect.length
        ? Object.fromEntries(
            o.effect.map((e) => {
              const [k, v] = e.split('=');
              if (!k || v === undefined || !Number.isFinite(Number(v))) throw new UserError(`expected SOURCE=NUMBER, got "${e}"`, '--effect', 'e.g. --effect gpt4=0.6');
              return [k, Number(v)];
            }),
          )
        : null;
      const seed = o.seed === undefined ? undefined : Number(o.seed);
      if (seed !== undefined && !Number.isInteger(seed)) throw new UserError(`expected a whole number, got "${o.seed}"`, '--seed', 'e.g. --seed 7');
      await withStudy(dir, o, async (opened) => {
        const declared = opened.loaded.study.sources.map((x) => x.id);
        for (const k of Object.keys(effects ?? {}))
          if (!declared.includes(k)) throw new UserError(`"${k}" is not a source of this study`, '--effect', `use one of ${declared.join(', ')}, e.g. --effect ${declared[0]}=0`);
        const summary = await simulateForStudy(opened, dir, { effects, ...(raters !== undefined ? { raters } : {}), ...(seed !== undefined ? { seed } : {}) });
        if (!summary) throw new UserError('the study already has a simulated panel', dir, 'use a new study folder (or database) for another panel');
        if (o.json) return output.out(json(summary));
        output.out(describePanel(summary));
        output.out(table(['source', 'effect (scale points)'], Object.entries(summary.effects).map(([k, v]) => [k, Number(v.toFixed(3))])));
      });
    });
}
