/**
 * Do experts see it the same way? When a study's raters come from several panels (a crowd panel
 * and an expert panel, say), per scale: each panel's source means and contrasts (the manifest's
 * model fitted to the panel's ratings), the source x panel interaction (likelihood-ratio test of
 * ML fits with and without it, the manifest's random terms in both), and how the panels agree:
 * on each reply's mean rating (Pearson r with its Fisher-z CI, ICC(A,1) with McGraw & Wong's CI,
 * over the replies both panels rated) and on the ranking of the sources (Kendall's tau-b of the
 * panels' source means, means of post means); and the reliability within each panel.
 */
import { emmeans, meansAcrossUnits, type Adjustment } from '../stats/emmeans.js';
import { fitLmm } from '../stats/lmm.js';
import { likelihoodRatioTest } from '../stats/lrt.js';
import { icc, iccAgreementInterval, kendallTauB, krippendorffAlphaOfRows, pearsonWithInterval } from '../stats/reliability.js';
import type { PanelsJson } from './schema.js';
import { contrastsJson } from './contrasts.js';
import type { RatingRow } from './study-analysis.js';
import { splitFormula } from './style-arms.js';

type Data = Record<string, Array<string | number>>;

const dataOf = (rows: readonly RatingRow[]): Data => ({
  value: rows.map((r) => r.value),
  source: rows.map((r) => r.source),
  post: rows.map((r) => r.post),
  rater: rows.map((r) => r.rater),
  domain: rows.map((r) => r.domain),
  panel: rows.map((r) => r.panel ?? ''),
});


/** The interaction test: the manifest's fixed terms plus panel, with and without source:panel, its random terms in both. */
function interaction(formula: string, rows: readonly RatingRow[], reference: Record<string, string>) {
  const { lhs, terms } = splitFormula(formula);
  const fixed = terms.filter((t) => !t.startsWith('('));
  const random = terms.filter((t) => t.startsWith('('));
  const tail = random.length ? ` + ${random.join(' + ')}` : '';
  const f0 = `${lhs} ~ ${[...fixed, 'panel'].join(' + ')}${tail}`;
  const f1 = `${lhs} ~ ${[...fixed, 'panel', 'source:panel'].join(' + ')}${tail}`;
  try {
    const lrt = likelihoodRatioTest([f0, f1], dataOf(rows), { reference });
    const test = lrt[1];
    return { formulas: [f0, f1], chisq: test.chisq, df: test.df, p: test.p };
  } catch (err) {
    return { formulas: [f0, f1], error: (err as Error).message };
  }
}

export function panelsAnalysis(kept: readonly RatingRow[], scales: readonly string[], o: { formula: string; reml: boolean; reference: string; adjust: Adjustment }): PanelsJson {
  const panels = [...new Set(kept.map((r) => r.panel ?? ''))].sort();
  return {
    panels,
    scales: scales.map((scale) => {
      const rows = kept.filter((r) => r.scale === scale).sort((a, b) => (a.rater + a.response < b.rater + b.response ? -1 : 1));
      const sources = new Set(rows.map((r) => r.source));
      const reference: Record<string, string> = sources.has(o.reference) ? { source: o.reference } : {};
      const perPanel = panels.map((panel) => {
        const sub = rows.filter((r) => (r.panel ?? '') === panel);
        let contrasts: ReturnType<typeof contrastsJson> | { error: string } | null = null;
        if (new Set(sub.map((r) => r.source)).size >= 2) {
          try {
            const fit = fitLmm(o.formula, dataOf(sub), { reml: o.reml, reference });
            contrasts = contrastsJson(emmeans(fit, 'source', { adjust: o.adjust }), fit);
          } catch (err) {
            contrasts = { error: (err as Error).message };
          }
        }
        const means = meansAcrossUnits(sub.map((r) => r.value), sub.map((r) => r.post), sub.map((r) => r.source)).sort((a, b) => (a.group < b.group ? -1 : 1));
        return { panel, ratings: sub.length, raters: new Set(sub.map((r) => r.rater)).size, means, contrasts, krippendorffAlphaInterval: krippendorffAlphaOfRows(sub.map((r) => ({ rater: r.rater, unit: r.response, value: r.value }))) };
      });
      // Agreement between each pair of panels.
      const agreement = [];
      for (let i = 0; i < panels.length; i++)
        for (let j = i + 1; j < panels.length; j++) {
          const [a, b] = [panels[i], panels[j]];
          const mean = (panel: string) => {
            const m = new Map<string, { s: number; n: number }>();
            for (const r of rows) {
              if ((r.panel ?? '') !== panel) continue;
              const x = m.get(r.response) ?? { s: 0, n: 0 };
              x.s += r.value;
              x.n += 1;
              m.set(r.response, x);
            }
            return m;
          };
          const ma = mean(a);
          const mb = mean(b);
          const both = [...ma.keys()].filter((k) => mb.has(k)).sort();
          const xa = both.map((k) => (ma.get(k)?.s ?? 0) / (ma.get(k)?.n ?? 1));
          const xb = both.map((k) => (mb.get(k)?.s ?? 0) / (mb.get(k)?.n ?? 1));
          const pearson = pearsonWithInterval(xa, xb);
          let iccA1: { icc: number; lower: number; upper: number } | null = null;
          if (both.length >= 3) {
            try {
              const r = icc(both.map((_, k) => [xa[k], xb[k]]));
              iccA1 = { icc: r.icc2, ...iccAgreementInterval(r) };
            } catch {
              iccA1 = null;
            }
          }
          const pa = perPanel[i].means;
          const pb = perPanel[j].means;
          const shared = pa.filter((m) => pb.some((x) => x.group === m.group)).map((m) => m.group);
          const tau = shared.length >= 2 ? kendallTauB(shared.map((g) => pa.find((m) => m.group === g)?.mean ?? NaN), shared.map((g) => pb.find((m) => m.group === g)?.mean ?? NaN)) : null;
          agreement.push({ a, b, replies: both.length, pearson, iccA1, sources: shared.length, kendallTau: tau });
        }
      return { scale, perPanel, interaction: panels.length >= 2 && sources.size >= 2 ? interaction(o.formula, rows, reference) : null, agreement };
    }),
  };
}
