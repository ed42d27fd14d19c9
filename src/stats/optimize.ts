/**
 * Bounded minimisation for the few covariance parameters of a mixed model: Nelder & Mead (1965)
 * with bounds by projection finds the basin from lme4's start without derivatives, then safeguarded
 * Newton steps with finite-difference derivatives polish the interior parameters to full precision.
 */

export interface MinimizeOptions {
  readonly lower: ArrayLike<number>;
  readonly upper?: ArrayLike<number>;
  /** Initial simplex step per coordinate. */
  readonly step?: number;
  /** Stop when the simplex's values agree to this, relative to |f| (and absolute near 0). */
  readonly ftol?: number;
  /** ... and its vertices to this (absolute, per coordinate). */
  readonly xtol?: number;
  readonly maxEvaluations?: number;
  /**
   * The start is near the optimum (a power simulation starts at the parameters it simulated from):
   * Newton steps from it first, and Nelder-Mead only where they stall on a non-convex stretch or a
   * bound.
   */
  readonly nearOptimum?: boolean;
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

function project(x: Float64Array, lower: ArrayLike<number>, upper?: ArrayLike<number>): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const lo = lower[i];
    if (x[i] < lo) x[i] = lo;
    const hi = upper?.[i];
    if (hi !== undefined && x[i] > hi) x[i] = hi;
  }
  return x;
}

function nelderMead(f: (x: Float64Array) => number, x0: Float64Array, o: Required<Omit<MinimizeOptions, 'upper' | 'nearOptimum'>> & { upper?: ArrayLike<number> }, budget: number) {
  const n = x0.length;
  const simplex: Float64Array[] = [project(Float64Array.from(x0), o.lower, o.upper)];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(simplex[0]);
    // Step away from a bound when the start sits on it.
    v[i] += v[i] + o.step > (o.upper?.[i] ?? Infinity) ? -o.step : o.step;
    simplex.push(project(v, o.lower, o.upper));
  }
  let values = simplex.map(f);
  let evals = n + 1;
  const centroid = new Float64Array(n);
  const point = (c: Float64Array, w: Float64Array, t: number) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = c[i] + t * (w[i] - c[i]);
    return project(out, o.lower, o.upper);
  };
  let converged = false;
  while (evals < budget) {
    const order = values.map((v, i) => i).sort((a, b) => values[a] - values[b]);
    const sorted = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    simplex.splice(0, simplex.length, ...sorted);
    const best = values[0];
    const worst = values[n];
    let spread = 0;
    for (let k = 1; k <= n; k++)
      for (let i = 0; i < n; i++) spread = Math.max(spread, Math.abs(simplex[k][i] - simplex[0][i]));
    if (Math.abs(worst - best) <= o.ftol * (Math.abs(best) + 1) && spread <= o.xtol) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += simplex[k][i] / n;
    const w = simplex[n];
    const xr = point(centroid, w, -1);
    const fr = f(xr);
    evals++;
    if (fr < best) {
      const xe = point(centroid, w, -2);
      const fe = f(xe);
      evals++;
      if (fe < fr) {
        simplex[n] = xe;
        values[n] = fe;
      } else {
        simplex[n] = xr;
        values[n] = fr;
      }
    } else if (fr < values[n - 1]) {
      simplex[n] = xr;
      values[n] = fr;
    } else {
      const outside = fr < worst;
      const xc = point(centroid, outside ? xr : w, 0.5);
      const fc = f(xc);
      evals++;
      if (fc < (outside ? fr : worst)) {
        simplex[n] = xc;
        values[n] = fc;
      } else {
        // Shrink towards the best vertex.
        for (let k = 1; k <= n; k++) {
          simplex[k] = point(simplex[0], simplex[k], 0.5);
          values[k] = f(simplex[k]);
          evals++;
        }
      }
    }
  }
  const bestIdx = values.indexOf(Math.min(...values));
  return { x: simplex[bestIdx], value: values[bestIdx], evaluations: evals, converged };
}

/**
 * Newton steps on the parameters away from their bounds, with central-difference gradient and
 * Hessian, each step accepted only if f decreases (halved up to 8 times otherwise). Nelder-Mead
 * finds the basin cheaply but crawls over the last digits; Newton converges quadratically there.
 */
function polish(f: (x: Float64Array) => number, x0: Float64Array, f0: number, lower: ArrayLike<number>, upper?: ArrayLike<number>, iterations = 6, interiorOnly = false) {
  let x = x0;
  let fx = f0;
  let evaluations = 0;
  for (let iter = 0; iter < iterations; iter++) {
    const free = Array.from(x, (v, i) => i).filter((i) => x[i] - lower[i] > 1e-6 && (upper?.[i] === undefined || upper[i] - x[i] > 1e-6));
    const m = free.length;
    // From a start near the optimum, a parameter on its bound is left to Nelder-Mead.
    if (m === 0 || (interiorOnly && m < x.length)) break;
    const h = free.map((i) => 1e-4 * Math.max(1, Math.abs(x[i])));
    const at = (moves: Array<[number, number]>) => {
      const y = Float64Array.from(x);
      for (const [k, d] of moves) y[free[k]] += d;
      evaluations++;
      return f(y);
    };
    const g = new Float64Array(m);
    const hess = new Float64Array(m * m);
    const plus: number[] = [];
    const minus: number[] = [];
    for (let a = 0; a < m; a++) {
      plus[a] = at([[a, h[a]]]);
      minus[a] = at([[a, -h[a]]]);
      g[a] = (plus[a] - minus[a]) / (2 * h[a]);
      hess[a * m + a] = (plus[a] - 2 * fx + minus[a]) / h[a] ** 2;
    }
    for (let a = 0; a < m; a++)
      for (let b = 0; b < a; b++) {
        const ha = h[a];
        const hb = h[b];
        const v = (at([[a, ha], [b, hb]]) - at([[a, ha], [b, -hb]]) - at([[a, -ha], [b, hb]]) + at([[a, -ha], [b, -hb]])) / (4 * ha * hb);
        hess[a * m + b] = hess[b * m + a] = v;
      }
    // Solve H d = -g by Cholesky; give up where H is not positive definite (a flat or saddle region).
    const l = new Float64Array(m * m);
    let pd = true;
    for (let j = 0; j < m && pd; j++) {
      let d = hess[j * m + j];
      for (let k = 0; k < j; k++) d -= l[j * m + k] ** 2;
      if (!(d > 0)) pd = false;
      else {
        l[j * m + j] = Math.sqrt(d);
        for (let i = j + 1; i < m; i++) {
          let s = hess[i * m + j];
          for (let k = 0; k < j; k++) s -= l[i * m + k] * l[j * m + k];
          l[i * m + j] = s / l[j * m + j];
        }
      }
    }
    if (!pd) break;
    const d = Float64Array.from(g, (v) => -v);
    for (let i = 0; i < m; i++) {
      let s = d[i];
      for (let k = 0; k < i; k++) s -= l[i * m + k] * d[k];
      d[i] = s / l[i * m + i];
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = d[i];
      for (let k = i + 1; k < m; k++) s -= l[k * m + i] * d[k];
      d[i] = s / l[i * m + i];
    }
    let accepted = false;
    for (let t = 1, tries = 0; tries < 8; tries++, t /= 2) {
      const y = Float64Array.from(x);
      free.forEach((i, a) => (y[i] += t * d[a]));
      project(y, lower, upper);
      const fy = f(y);
      evaluations++;
      if (fy < fx) {
        const gain = fx - fy;
        x = y;
        fx = fy;
        accepted = true;
        if (gain <= 1e-14 * (Math.abs(fx) + 1)) return { x, value: fx, evaluations, converged: true };
        // Newton converges quadratically: after a step this small the next would move x by ~1e-10.
        if (interiorOnly && t === 1 && Math.max(...Array.from(d, Math.abs)) < 1e-5) return { x, value: fx, evaluations, converged: true };
        break;
      }
    }
    if (!accepted) break;
  }
  return { x, value: fx, evaluations, converged: false };
}

export function minimize(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: MinimizeOptions): MinimizeResult {
  const o = {
    lower: options.lower,
    upper: options.upper,
    step: options.step ?? 0.25,
    ftol: options.ftol ?? 1e-10,
    xtol: options.xtol ?? 1e-7,
    maxEvaluations: options.maxEvaluations ?? 20_000,
  };
  if (options.nearOptimum) {
    const start = project(Float64Array.from(x0), o.lower, o.upper);
    const newton = polish(f, start, f(start), o.lower, o.upper, 12, true);
    // A Newton optimum in the interior is taken only if no parameter is as well off on its bound:
    // where the criterion is flat towards a bound, the optimum is the bound (a singular fit), and
    // Nelder-Mead from the start finds it as the cold start does.
    let probes = 0;
    const flatToBound = newton.converged
      ? Array.from(newton.x).some((v, i) => {
          const lo = o.lower[i];
          if (!Number.isFinite(lo)) return false;
          const y = Float64Array.from(newton.x);
          y[i] = lo;
          probes++;
          return f(y) - newton.value < 1e-6;
        })
      : true;
    if (!flatToBound) return { x: newton.x, value: newton.value, evaluations: newton.evaluations + probes + 1, converged: true };
  }
  const nm = nelderMead(f, Float64Array.from(x0), o, o.maxEvaluations);
  let best = polish(f, nm.x, nm.value, o.lower, o.upper);
  let evaluations = nm.evaluations + best.evaluations;
  let converged = nm.converged;
  // A simplex projected onto a bound loses that dimension and can stall there while the optimum is
  // inside (lme4's bobyqa would not): restart from the point found, with a fresh simplex that steps
  // off the bound, for as long as that improves on it.
  for (let restart = 0; restart < 4; restart++) {
    const onBound = Array.from(best.x).some((v, i) => v - o.lower[i] <= 1e-6 || (o.upper?.[i] !== undefined && o.upper[i] - v <= 1e-6));
    if (!onBound) break;
    const again = nelderMead(f, Float64Array.from(best.x), o, o.maxEvaluations);
    const polishedAgain = polish(f, again.x, again.value, o.lower, o.upper);
    evaluations += again.evaluations + polishedAgain.evaluations;
    // Only a real gain moves the fit off the bound: where the criterion is flat there to 1e-7, the
    // bound stays (as lme4's optimiser leaves it), so the same data in another row order end alike.
    if (!(polishedAgain.value < best.value - 1e-7 * (Math.abs(best.value) + 1))) break;
    best = polishedAgain;
    converged = again.converged;
  }
  return { x: best.x, value: best.value, evaluations, converged };
}
