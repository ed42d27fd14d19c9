/** A model's marginal means and pairwise contrasts as the analysis document holds them, each contrast with Westfall, Kenny & Judd's d. */
import { totalSd, westfallKennyJuddD, type Emmeans } from '../stats/emmeans.js';
import type { LmmFit } from '../stats/lmm.js';

export function contrastsJson(e: Emmeans, fit: LmmFit) {
  return {
    emmeans: e.emmeans.map((m) => ({ source: m.level, emmean: m.emmean, SE: m.se, df: m.df, 'lower.CL': m.lower, 'upper.CL': m.upper })),
    pairs: e.pairs.map((c) => {
      const d = westfallKennyJuddD(fit, c);
      return { contrast: c.contrast, estimate: c.estimate, SE: c.se, df: c.df, 't.ratio': c.t, 'p.value': c.p, 'lower.CL': c.lower, 'upper.CL': c.upper, d: d.d, 'd.lower.CL': d.lower, 'd.upper.CL': d.upper };
    }),
    adjust: e.adjust,
    ciAdjust: e.ciAdjust,
    level: e.level,
    /** The denominator of d: the square root of the sum of every variance component (Westfall, Kenny & Judd 2014). */
    dDenominator: totalSd(fit),
  };
}
