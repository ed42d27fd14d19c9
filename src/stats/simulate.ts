/**
 * A synthetic rating panel, for pilots, power checks and the offline demo. The generative model, per
 * rating of response j (post p, source s) by rater r on a scale with K points:
 *
 *   y* = mean + effect[s] + a_p + b_r + c_pr + e,   a_p ~ N(0, sdPost^2), b_r ~ N(0, sdRater^2),
 *        c_pr ~ N(0, sdPostRater^2), e ~ N(0, sdResidual^2 * use_r^2)
 *
 * where b_r is the rater's leniency and use_r (log-normal, median 1) how widely the rater uses the
 * scale; y* is rounded to the nearest point and clamped to 1..K. A share of raters is inattentive and
 * answers uniformly at random. This is the model the reference study's analysis assumes
 * (value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)), so a fit recovers the effects.
 */
import { seededRng, type Rng } from './random.js';

export interface PanelModel {
  readonly mean: number;
  /** Per source, on the scale's units (human typically 0). */
  readonly effects: Readonly<Record<string, number>>;
  readonly sdPost: number;
  readonly sdRater: number;
  readonly sdPostRater: number;
  readonly sdResidual: number;
  /** SD of log scale use: 0 means every rater uses the scale alike. */
  readonly sdScaleUse: number;
  readonly inattentiveShare: number;
  readonly points: number;
  readonly seed: number;
  /**
   * Seed of the raters' and posts' traits (leniency, scale use, attention, post difficulty, post x
   * rater), when they should be shared between scales: the same person is lenient on every scale,
   * which makes the scales correlate. Default: drawn from `seed` with everything else.
   */
  readonly traitSeed?: number;
  /**
   * Seed of the posts' effects alone, so several panels rating the same posts share them (a post is
   * as hard for every panel); without it they come first from the trait stream.
   */
  readonly postSeed?: number;
}

export const DEFAULT_PANEL: Omit<PanelModel, 'effects' | 'points' | 'seed'> = {
  mean: 3.4,
  sdPost: 0.18,
  sdRater: 0.5,
  sdPostRater: 0.23,
  sdResidual: 0.75,
  sdScaleUse: 0.15,
  inattentiveShare: 0.05,
};

export interface PanelRating {
  readonly rater: number;
  readonly response: number;
  readonly value: number;
}

function normal(u: Rng): number {
  return Math.sqrt(-2 * Math.log(u() || 1e-300)) * Math.cos(2 * Math.PI * u());
}

/**
 * Ratings for `assignments[r]` (the responses rater r rates), each response given as its post index
 * and source. Returns one rating per rater and response, and which raters were inattentive.
 */
export function simulatePanel(
  responses: ReadonlyArray<{ post: number; source: string }>,
  assignments: ReadonlyArray<readonly number[]>,
  model: PanelModel,
): { ratings: PanelRating[]; inattentive: boolean[] } {
  const u = seededRng(model.traitSeed ?? model.seed);
  // Traits and noise come from one stream unless the traits are shared between scales.
  const noise = model.traitSeed === undefined ? u : seededRng(model.seed);
  const posts = Math.max(0, ...responses.map((r) => r.post)) + 1;
  const postRng = model.postSeed === undefined ? u : seededRng(model.postSeed);
  const a = Array.from({ length: posts }, () => model.sdPost * normal(postRng));
  const ratings: PanelRating[] = [];
  const inattentive: boolean[] = [];
  assignments.forEach((list, r) => {
    const b = model.sdRater * normal(u);
    const use = Math.exp(model.sdScaleUse * normal(u));
    const careless = u() < model.inattentiveShare;
    inattentive.push(careless);
    const c = new Map<number, number>();
    for (const j of list) {
      const resp = responses[j];
      let value: number;
      let postRater = c.get(resp.post);
      if (postRater === undefined) {
        postRater = model.sdPostRater * normal(u);
        c.set(resp.post, postRater);
      }
      if (careless) value = 1 + Math.floor(noise() * model.points);
      else {
        const y = model.mean + (model.effects[resp.source] ?? 0) + a[resp.post] + b + postRater + model.sdResidual * use * normal(noise);
        value = Math.min(model.points, Math.max(1, Math.round(y)));
      }
      ratings.push({ rater: r, response: j, value });
    }
  });
  return { ratings, inattentive };
}

/**
 * How long each simulated session took and how its attention checks went. Attentive raters take
 * log-normal times (median `medianMinutes`, SD of log 0.25) and pass every check; inattentive raters
 * rush (median a seventh of that) and pick an option at random, so they fail a check with
 * probability 1 - 1/options. Seeded, so a panel is reproducible.
 */
export function simulateSessions(
  inattentive: readonly boolean[],
  checkOptions: readonly number[],
  options: { seed: number; medianMinutes: number },
): Array<{ totalSeconds: number; passed: boolean[] }> {
  const rng = seededRng(options.seed ^ 0x5e55);
  return inattentive.map((rushed) => {
    const median = rushed ? options.medianMinutes / 7 : options.medianMinutes;
    const totalSeconds = Math.round(median * 60 * Math.exp(0.25 * normal(rng)));
    const passed = checkOptions.map((k) => !rushed || rng() < 1 / k);
    return { totalSeconds, passed };
  });
}

/** What a simulated panel was made from, as kept with it: the generative model and the design. */
export interface PanelRecord {
  readonly model: Omit<PanelModel, 'points' | 'seed' | 'traitSeed' | 'postSeed'>;
  /** `given`: --effect; `style`: derived from the style battery of the replies. */
  readonly effectsFrom: 'given' | 'style';
  readonly reference: string;
  readonly raters: number;
  readonly postsPerRater: number;
  /** Each scale's format and points (a slider 101, a pairwise scale its number of answers). */
  readonly scales: ReadonlyArray<{ readonly id: string; readonly type?: 'likert' | 'slider' | 'multi-item' | 'pairwise'; readonly points: number }>;
  /** With a pairwise scale: the planted preference for the left reply (log-odds). */
  readonly positionBias?: number;
  readonly seed: number;
  /** Several panels of raters: each one's raters and shift per source (added to the effects). */
  readonly panels?: ReadonlyArray<{ readonly id: string; readonly raters: number; readonly shifts: Readonly<Record<string, number>> }>;
}

/**
 * The latent perceived empathy behind every format: for rater r and response j (post p, source s),
 * eta = mean + effect[s] + a_p + b_r + c_pr, drawn exactly as `simulatePanel` draws them with the
 * same `traitSeed` (so a Likert scale simulated by `simulatePanel` and any other format share one
 * latent per rater and reply), with each rater's scale use and attention.
 */
export interface LatentPanel {
  /** eta per rater, by response index. */
  readonly eta: ReadonlyArray<ReadonlyMap<number, number>>;
  readonly use: readonly number[];
  readonly inattentive: readonly boolean[];
}

export function latentPanel(responses: ReadonlyArray<{ post: number; source: string }>, assignments: ReadonlyArray<readonly number[]>, model: PanelModel & { readonly traitSeed: number }): LatentPanel {
  const u = seededRng(model.traitSeed);
  const posts = Math.max(0, ...responses.map((r) => r.post)) + 1;
  const postRng = model.postSeed === undefined ? u : seededRng(model.postSeed);
  const a = Array.from({ length: posts }, () => model.sdPost * normal(postRng));
  const eta: Array<Map<number, number>> = [];
  const use: number[] = [];
  const inattentive: boolean[] = [];
  for (const list of assignments) {
    const b = model.sdRater * normal(u);
    use.push(Math.exp(model.sdScaleUse * normal(u)));
    inattentive.push(u() < model.inattentiveShare);
    const c = new Map<number, number>();
    const mine = new Map<number, number>();
    for (const j of list) {
      const resp = responses[j];
      let postRater = c.get(resp.post);
      if (postRater === undefined) {
        postRater = model.sdPostRater * normal(u);
        c.set(resp.post, postRater);
      }
      mine.set(j, model.mean + (model.effects[resp.source] ?? 0) + a[resp.post] + b + postRater);
    }
    eta.push(mine);
  }
  return { eta, use, inattentive };
}

/**
 * A slider's response process: the latent on the Likert range 1..points stretched onto 0..100, plus
 * the rating's noise, then each rater's own stretch (log-normal, median `stretch`: many raters push
 * the marker towards the ends) and clamped, so values pile up at 0 and 100 as real sliders do.
 * Inattentive raters set it anywhere.
 */
export function simulateSlider(latent: LatentPanel, model: Pick<PanelModel, 'sdResidual' | 'seed'> & { readonly points: number; readonly stretch?: number }): PanelRating[] {
  const rng = seededRng(model.seed);
  const out: PanelRating[] = [];
  latent.eta.forEach((byResponse, r) => {
    const stretch = (model.stretch ?? 1.4) * Math.exp(0.3 * normal(rng));
    for (const [j, eta] of byResponse) {
      let value: number;
      if (latent.inattentive[r]) value = Math.floor(rng() * 101);
      else {
        const y = eta + model.sdResidual * (latent.use[r] ?? 1) * normal(rng);
        const x = (100 * (y - 1)) / (model.points - 1);
        value = Math.round(Math.min(100, Math.max(0, 50 + stretch * (x - 50))));
      }
      out.push({ rater: r, response: j, value });
    }
  });
  return out;
}

/**
 * A multi-item scale's response process: each item is the latent plus its own noise (items agree
 * through the latent, so they form one construct), rounded and clamped to 1..points; a reverse-keyed
 * item is answered as points + 1 - that. Inattentive raters answer at random.
 */
export function simulateItems(latent: LatentPanel, items: ReadonlyArray<{ readonly reverse: boolean }>, model: Pick<PanelModel, 'sdResidual' | 'seed' | 'points'>): Array<PanelRating & { readonly item: number }> {
  const rng = seededRng(model.seed);
  const out: Array<PanelRating & { item: number }> = [];
  latent.eta.forEach((byResponse, r) => {
    for (const [j, eta] of byResponse) {
      // What the rater perceives of this reply beyond the latent, shared by the items.
      const shared = 0.6 * model.sdResidual * (latent.use[r] ?? 1) * normal(rng);
      items.forEach((item, k) => {
        let value: number;
        if (latent.inattentive[r]) value = 1 + Math.floor(rng() * model.points);
        else {
          const y = Math.min(model.points, Math.max(1, Math.round(eta + shared + 0.6 * model.sdResidual * normal(rng))));
          value = item.reverse ? model.points + 1 - y : y;
        }
        out.push({ rater: r, response: j, item: k, value });
      });
    }
  });
  return out;
}

/**
 * A pairwise choice's response process (Bradley-Terry with position bias): the left reply is chosen
 * with probability logistic((eta_left - eta_right) / s + positionBias), where s puts the latent's
 * rating noise on the logistic scale (sdResidual * sqrt(2) * sqrt(3) / pi). With strength, a
 * choice whose utility difference exceeds `clearly` (on the logistic scale) is "clearly", else
 * "slightly". Values as stored: -1/1 (left/right), or -2..2 with strength. Inattentive raters choose
 * at random.
 */
export function simulatePairs(
  latent: LatentPanel,
  pairs: ReadonlyArray<ReadonlyArray<{ readonly left: number; readonly right: number }>>,
  model: Pick<PanelModel, 'sdResidual' | 'seed'> & { readonly positionBias: number; readonly strength: boolean; readonly clearly?: number },
): Array<{ rater: number; left: number; right: number; value: number }> {
  const rng = seededRng(model.seed);
  const s = (model.sdResidual * Math.SQRT2 * Math.sqrt(3)) / Math.PI;
  const out: Array<{ rater: number; left: number; right: number; value: number }> = [];
  pairs.forEach((list, r) => {
    for (const { left, right } of list) {
      const etaL = latent.eta[r]?.get(left);
      const etaR = latent.eta[r]?.get(right);
      if (etaL === undefined || etaR === undefined) throw new Error(`internal: rater ${r} compares a reply they were not given`);
      const p = rng();
      // A logistic draw: utility of left over right.
      const utility = latent.inattentive[r] ? Math.log(p / (1 - p)) : (etaL - etaR) / s + model.positionBias + Math.log(p / (1 - p));
      const side = utility > 0 ? -1 : 1;
      const clear = Math.abs(utility) > (model.clearly ?? 1.5);
      out.push({ rater: r, left, right, value: model.strength ? side * (clear ? 2 : 1) : side });
    }
  });
  return out;
}
