/**
 * A simulated field study, for a pilot of the analysis before anyone is recruited (never mixed with
 * real data: every row has origin `simulated`, and the report says so). The seekers' outcome, its
 * pre-measure and their rating come from `simulateField` (src/stats/simulate-field.ts: supporters
 * as a random effect, arms by the study's own block randomisation, a planted arm effect); the other
 * measures and scales are the same draws mapped to their own range. Around them: a share of posts
 * screened out by the risk screen (never randomised), a share flagged by a supporter, hours to reply
 * per arm (log-normal), the assisted arm's edits, and follow-ups where the study has them.
 */
import { normalDraw, seededRng } from '../stats/random.js';
import { DEFAULT_FIELD, simulateField } from '../stats/simulate-field.js';
import type { SimulatedFieldRows } from '../store/field.repository.js';
import type { Study } from '../study/schema.js';

export interface FieldSimulationOptions {
  readonly seekers: number;
  readonly supporters: number;
  /** Points on the outcome's 0-100 scale added per arm (the first arm 0). */
  readonly effects: Readonly<Record<string, number>>;
  readonly seed: number;
  /** The start of the simulated study (posts arrive one every 20 minutes from here). */
  readonly start: Date;
}

/** What `simulate` records with the rows, so the report can say how they were made. */
export interface FieldSimulationRecord {
  readonly kind: 'field';
  readonly seekers: number;
  readonly supporters: number;
  readonly effects: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly screenedOutShare: number;
  readonly flaggedShare: number;
  readonly medianHours: Readonly<Record<string, number>>;
  readonly model: typeof DEFAULT_FIELD;
}

const SCREENED = 0.03;
const FLAGGED = 0.01;
const MEDIAN_HOURS: Readonly<Record<string, number>> = { human: 6, assisted: 4, model: 0.01 };

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export function simulateFieldStudy(study: Study, o: FieldSimulationOptions): { rows: SimulatedFieldRows; record: FieldSimulationRecord } {
  const f = study.field;
  if (!f) throw new Error('internal: not a field study');
  const rng = seededRng(o.seed);
  // Which seekers' posts the screen or a supporter stops: drawn first, so the randomised seekers are simulateField's.
  const fate = Array.from({ length: o.seekers }, () => {
    const u = rng();
    return u < SCREENED ? 'screened_out' : u < SCREENED + FLAGGED ? 'flagged' : 'answered';
  });
  const kept = fate.filter((x) => x !== 'screened_out').length;
  const outcome = f.outcome ?? (f.measures[0] as { id: string }).id;
  const blockSize = f.block_size ?? 2 * f.arms.length;
  const draws = simulateField({ ...DEFAULT_FIELD, seekers: kept, supporters: o.supporters, domains: study.domains, arms: f.arms, effects: o.effects, seed: o.seed, points: 5, blockSize });
  const toRange = (x0to100: number, m: { type: string; points?: number }) => (m.type === 'slider' ? Math.round(clamp(x0to100, 0, 100)) : Math.round(1 + (clamp(x0to100, 0, 100) / 100) * ((m.points ?? 5) - 1)));
  const rows: { posts: Array<SimulatedFieldRows['posts'][number]>; replies: Array<SimulatedFieldRows['replies'][number]>; measures: Array<SimulatedFieldRows['measures'][number]>; safety: Array<SimulatedFieldRows['safety'][number]> } = { posts: [], replies: [], measures: [], safety: [] };
  const perDomain = new Map<string, number>();
  let k = 0;
  fate.forEach((what, i) => {
    const created = new Date(o.start.getTime() + i * 20 * 60_000);
    const id = `sim-${String(i + 1).padStart(5, '0')}`;
    const base = { id, studyId: '', seekerHash: `simulated-${o.seed}-${i}`, origin: 'simulated', externalId: null, country: 'default', text: `Simulated post ${i + 1}.`, redactions: 0, wordCount: 40 + Math.floor(rng() * 160), createdAt: created.toISOString() };
    if (what === 'screened_out') {
      // Never randomised: no arm, no place in a block.
      const pre = Math.round(clamp(DEFAULT_FIELD.preMean + DEFAULT_FIELD.sdSeeker * normalDraw(rng), 0, 100));
      rows.posts.push({ ...base, domain: study.domains[i % study.domains.length] as string, status: 'screened_out', arm: null, blockIndex: null, answeredAt: null, ratedAt: null, followedUpAt: null });
      for (const m of f.measures) rows.measures.push({ postId: id, phase: 'pre', item: m.id, value: toRange(pre, m), at: base.createdAt });
      rows.safety.push({ postId: id, rule: 'lexicon', kind: 'self_harm', detail: 'suicidal', at: base.createdAt });
      return;
    }
    const s = draws[k++] as (typeof draws)[number];
    const index = perDomain.get(s.domain) ?? 0;
    perDomain.set(s.domain, index + 1);
    if (what === 'flagged') {
      // Randomised, then flagged by the supporter who opened it: no reply.
      rows.posts.push({ ...base, domain: s.domain, status: 'flagged', arm: s.arm, blockIndex: index, answeredAt: null, ratedAt: null, followedUpAt: null });
      for (const m of f.measures) rows.measures.push({ postId: id, phase: 'pre', item: m.id, value: toRange(s.pre, m), at: base.createdAt });
      rows.safety.push({ postId: id, rule: 'supporter', kind: 'flag', detail: '(simulated flag)', at: base.createdAt });
      return;
    }
    const median = MEDIAN_HOURS[s.arm] ?? 6;
    const hours = median * Math.exp(0.6 * normalDraw(rng));
    const answered = new Date(created.getTime() + hours * 3_600_000);
    const rated = new Date(answered.getTime() + (2 + 20 * rng()) * 3_600_000);
    const follow = f.follow_up_days !== undefined && rng() < 0.8 ? new Date(rated.getTime() + (f.follow_up_days * 24 + 6 * rng()) * 3_600_000) : null;
    const rateIt = rng() < 0.9;
    rows.posts.push({ ...base, domain: s.domain, status: !rateIt ? 'answered' : follow ? 'followed_up' : 'rated', arm: s.arm, blockIndex: index, answeredAt: answered.toISOString(), ratedAt: rateIt ? rated.toISOString() : null, followedUpAt: rateIt && follow ? follow.toISOString() : null });
    const share = s.arm === 'assisted' ? clamp(0.3 + 0.15 * normalDraw(rng), 0, 1) : null;
    const replyWords = 80 + Math.floor(rng() * 60);
    rows.replies.push({
      postId: id,
      studyId: '',
      arm: s.arm,
      supporter: s.arm === 'model' ? null : `sim-sup-${s.supporter + 1}`,
      draft: s.arm === 'human' ? null : 'Simulated draft.',
      text: 'Simulated reply.',
      wordCount: replyWords,
      editDistance: share === null ? (s.arm === 'model' ? 0 : null) : Math.round(share * replyWords),
      editShare: share === null ? (s.arm === 'model' ? 0 : null) : Number(share.toFixed(4)),
      openedAt: s.arm === 'model' ? null : new Date(answered.getTime() - 15 * 60_000).toISOString(),
      sentAt: answered.toISOString(),
      origin: 'simulated',
    });
    for (const m of f.measures) {
      const shift = m.id === outcome ? 0 : 5 * normalDraw(rng);
      rows.measures.push({ postId: id, phase: 'pre', item: m.id, value: toRange(s.pre + shift, m), at: base.createdAt });
      if (rateIt) rows.measures.push({ postId: id, phase: 'post', item: m.id, value: toRange(s.post + shift, m), at: rated.toISOString() });
      if (rateIt && follow) rows.measures.push({ postId: id, phase: 'follow_up', item: m.id, value: toRange(clamp(s.post + shift + 6 * normalDraw(rng), 0, 100), m), at: follow.toISOString() });
    }
    if (rateIt)
      for (const scale of study.instrument.scales) {
        if (scale.type !== 'likert' && scale.type !== 'slider') continue;
        const r = scale.id === study.instrument.scales[0]?.id ? s.rating : clamp(s.rating + Math.round(0.7 * normalDraw(rng)), 1, 5);
        rows.measures.push({ postId: id, phase: 'rating', item: scale.id, value: scale.type === 'slider' ? Math.round(((r - 1) / 4) * 100) : Math.round(1 + ((r - 1) / 4) * (scale.points - 1)), at: rated.toISOString() });
      }
  });
  return {
    rows,
    record: { kind: 'field', seekers: o.seekers, supporters: o.supporters, effects: o.effects, seed: o.seed, screenedOutShare: SCREENED, flaggedShare: FLAGGED, medianHours: Object.fromEntries(f.arms.map((a) => [a, MEDIAN_HOURS[a] ?? 6])), model: DEFAULT_FIELD },
  };
}
