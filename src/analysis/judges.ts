/**
 * Can a model stand in for the raters? Each judge calibrated against the human ratings, per scale
 * the judge scored (items named like the study's scales), over the replies with both:
 * - correlation with the reply's mean human rating: Pearson r (Fisher-z CI, as R's cor.test) and
 *   Spearman's rho (Fisher-z CI with Bonett & Wright's 2000 standard error, sqrt((1 + rho^2/2)/(n-3)));
 * - mean absolute error;
 * - Krippendorff's alpha (interval) of the human raters, and with the judge added as one more rater;
 * - bias per source: the judge's score minus the human mean, averaged over the source's replies,
 *   with its t interval, so a judge that favours one model family shows it;
 * - the sources as the judge ranks them: Kendall's tau-b between the judge's and the people's
 *   source means (means of post means), and each pairwise contrast of the manifest's model, fitted
 *   to the judge's scores (`value ~ source + (1 | post)`), agreeing in sign and in significance;
 * - test-retest: ICC(A,1) across the judge's samples of each reply, with its CI, when it gave several;
 * - length bias: the partial correlation of the judge's score with the reply's word count,
 *   controlling for the human mean, beside the human mean's own correlation with word count;
 * - how many raters the judge is worth (Spearman-Brown): with alpha as one rater's reliability rho
 *   and R_m = m rho / (1 + (m - 1) rho) that of the mean of the m raters a reply had on average,
 *   the judge's correlation with the true score is estimated as r / sqrt(R_m) (corrected for the
 *   human mean's own unreliability); k raters reach it when k rho / (1 + (k - 1) rho) = r^2 / R_m.
 *   Null (with `beyond: true`) when no number of raters does, 0 when r <= 0.
 */
import { countWords } from '../language/words.js';
import { emmeans, meansAcrossUnits, type Adjustment } from '../stats/emmeans.js';
import { normalQuantile, tQuantile } from '../stats/distributions.js';
import { fitLmm } from '../stats/lmm.js';
import { icc, iccAgreementInterval, kendallTauB, krippendorffAlphaOfRows, pearson, pearsonWithInterval } from '../stats/reliability.js';
import type { JudgeCalibrationJson } from './schema.js';
import type { RatingRow, ReplyRow } from './study-analysis.js';

export interface JudgeSampleRow {
  readonly judge: string;
  readonly response: string;
  readonly sample: number;
  readonly scores: Readonly<Record<string, number>>;
}

const ranks = (x: readonly number[]): number[] => {
  const order = x.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const r = new Array<number>(x.length);
  for (let k = 0; k < order.length; ) {
    let j = k;
    while (j + 1 < order.length && order[j + 1]?.v === order[k]?.v) j++;
    for (let m = k; m <= j; m++) r[(order[m] as { i: number }).i] = (k + j) / 2 + 1;
    k = j + 1;
  }
  return r;
};

function spearmanWithInterval(x: readonly number[], y: readonly number[]): { rho: number; lower: number; upper: number } | null {
  if (x.length < 4) return null;
  const rho = pearson(ranks(x), ranks(y));
  if (rho === null) return null;
  const half = normalQuantile(0.975) * Math.sqrt((1 + (rho * rho) / 2) / (x.length - 3));
  return { rho, lower: Math.tanh(Math.atanh(rho) - half), upper: Math.tanh(Math.atanh(rho) + half) };
}


function partial(rxy: number, rxz: number, ryz: number): number | null {
  const d = Math.sqrt((1 - rxz * rxz) * (1 - ryz * ryz));
  return d > 0 ? (rxy - rxz * ryz) / d : null;
}

/** How many raters' mean the judge is worth (see the module comment). */
export function equivalentRaters(r: number, rho: number, m: number): { raters: number | null; beyond: boolean } {
  if (!(r > 0) || !(rho > 0) || rho >= 1) return { raters: r > 0 ? null : 0, beyond: false };
  const rm = (m * rho) / (1 + (m - 1) * rho);
  const target = (r * r) / rm;
  if (target >= 1) return { raters: null, beyond: true };
  return { raters: (target * (1 - rho)) / (rho * (1 - target)), beyond: false };
}

export function judgeCalibration(
  kept: readonly RatingRow[],
  scores: ReadonlyArray<{ response: string; judge: string; scale: string; value: number }>,
  samples: readonly JudgeSampleRow[],
  replies: readonly ReplyRow[],
  o: { scales: readonly string[]; reference: string; adjust: Adjustment; humanContrasts: ReadonlyMap<string, ReadonlyArray<{ contrast: string; estimate: number; p: number }>> },
): JudgeCalibrationJson[] {
  const byId = new Map(replies.map((r) => [r.id, r]));
  const words = new Map(replies.map((r) => [r.id, countWords(r.text)]));
  const judges = [...new Set(scores.map((s) => s.judge))].sort();
  const out: JudgeCalibrationJson[] = [];
  for (const judge of judges)
    for (const scale of o.scales) {
      const mine = scores.filter((s) => s.judge === judge && s.scale === scale);
      if (mine.length === 0) continue;
      const human = new Map<string, { s: number; n: number }>();
      const rows = kept.filter((r) => r.scale === scale);
      for (const r of rows) {
        const m = human.get(r.response) ?? { s: 0, n: 0 };
        m.s += r.value;
        m.n += 1;
        human.set(r.response, m);
      }
      const pairs = mine
        .filter((s) => human.has(s.response) && byId.has(s.response))
        .sort((a, b) => (a.response < b.response ? -1 : 1))
        .map((s) => {
          const h = human.get(s.response) as { s: number; n: number };
          const reply = byId.get(s.response) as ReplyRow;
          return { response: s.response, judge: s.value, human: h.s / h.n, raters: h.n, source: reply.source, post: reply.post, words: words.get(s.response) ?? 0 };
        });
      const j = pairs.map((p) => p.judge);
      const h = pairs.map((p) => p.human);
      const w = pairs.map((p) => p.words);
      const pr = pearsonWithInterval(j, h);
      const sp = spearmanWithInterval(j, h);
      const mae = pairs.length ? pairs.reduce((s, p) => s + Math.abs(p.judge - p.human), 0) / pairs.length : null;
      const humanAlpha = krippendorffAlphaOfRows(rows.filter((r) => human.has(r.response)).map((r) => ({ rater: r.rater, unit: r.response, value: r.value })));
      const withJudge = krippendorffAlphaOfRows([...rows.filter((r) => human.has(r.response)).map((r) => ({ rater: r.rater, unit: r.response, value: r.value })), ...pairs.map((p) => ({ rater: `\u0000judge:${judge}`, unit: p.response, value: p.judge }))]);
      const sources = [...new Set(pairs.map((p) => p.source))].sort();
      const bias = sources.map((source) => {
        const d = pairs.filter((p) => p.source === source).map((p) => p.judge - p.human);
        const mean = d.reduce((a, b) => a + b, 0) / d.length;
        const sd = d.length > 1 ? Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1)) : null;
        const half = sd !== null ? tQuantile(0.975, d.length - 1) * (sd / Math.sqrt(d.length)) : null;
        return { source, replies: d.length, bias: mean, lower: half === null ? null : mean - half, upper: half === null ? null : mean + half };
      });
      // The sources as each ranks them: means of post means.
      const judgeMeans = meansAcrossUnits(j, pairs.map((p) => p.post), pairs.map((p) => p.source));
      const humanMeans = meansAcrossUnits(h, pairs.map((p) => p.post), pairs.map((p) => p.source));
      const shared = judgeMeans.filter((m) => humanMeans.some((x) => x.group === m.group)).map((m) => m.group).sort();
      const tau = shared.length >= 2 ? kendallTauB(shared.map((g) => judgeMeans.find((m) => m.group === g)?.mean ?? NaN), shared.map((g) => humanMeans.find((m) => m.group === g)?.mean ?? NaN)) : null;
      let contrasts: JudgeCalibrationJson['contrasts'] = [];
      const humanPairs = o.humanContrasts.get(scale) ?? [];
      if (sources.length >= 2 && humanPairs.length > 0) {
        try {
          const fit = fitLmm('value ~ source + (1 | post)', { value: j, source: pairs.map((p) => p.source), post: pairs.map((p) => p.post) }, { reml: true, reference: sources.includes(o.reference) ? { source: o.reference } : {} });
          const e = emmeans(fit, 'source', { adjust: o.adjust });
          contrasts = humanPairs.flatMap((hp) => {
            const [a, b] = hp.contrast.split(' - ');
            const jc = e.pairs.find((c) => c.contrast === hp.contrast) ?? e.pairs.find((c) => c.contrast === `${b} - ${a}`);
            if (!jc) return [];
            const est = jc.contrast === hp.contrast ? jc.estimate : -jc.estimate;
            const sameSign = Math.sign(est) === Math.sign(hp.estimate);
            return [{ contrast: hp.contrast, human: hp.estimate, humanP: hp.p, judge: est, judgeP: jc.p, sameSign, sameVerdict: sameSign && (hp.p < 0.05) === (jc.p < 0.05) }];
          });
        } catch {
          contrasts = [];
        }
      }
      // Test-retest across the judge's samples (replies with every sample).
      const mySamples = samples.filter((s) => s.judge === judge && s.scores[scale] !== undefined);
      const k = Math.max(0, ...mySamples.map((s) => s.sample + 1));
      let retest: JudgeCalibrationJson['testRetest'] = null;
      if (k >= 2) {
        const table = new Map<string, Array<number | undefined>>();
        for (const s of mySamples) {
          const row = table.get(s.response) ?? new Array<number | undefined>(k).fill(undefined);
          row[s.sample] = s.scores[scale];
          table.set(s.response, row);
        }
        const complete = [...table.values()].filter((r) => r.every((v) => v !== undefined)) as number[][];
        if (complete.length >= 3) {
          try {
            const r = icc(complete);
            retest = { samples: k, replies: complete.length, iccA1: r.icc2, ...iccAgreementInterval(r) };
          } catch {
            retest = null;
          }
        }
      }
      const rjh = pearson(j, h);
      const rjw = pearson(j, w);
      const rhw = pearson(h, w);
      const meanRaters = pairs.length ? pairs.reduce((s, p) => s + p.raters, 0) / pairs.length : 0;
      const worth = pr && humanAlpha !== null ? equivalentRaters(pr.r, humanAlpha, meanRaters) : { raters: null, beyond: false };
      out.push({
        judge,
        scale,
        replies: pairs.length,
        pearson: pr,
        spearman: sp,
        meanAbsoluteError: mae,
        alpha: { humans: humanAlpha, withJudge },
        biasBySource: bias,
        kendallTau: tau,
        contrasts,
        testRetest: retest,
        lengthBias: { judgePartial: rjh !== null && rjw !== null && rhw !== null ? partial(rjw, rjh, rhw) : null, human: rhw },
        equivalentRaters: { ...worth, meanHumanRaters: meanRaters },
      });
    }
  return out;
}
