/**
 * Bounded derivative-free minimisation for the few covariance parameters of a mixed model.
 * Nelder & Mead (1965) with bounds by projection, restarted from its own optimum with a fresh
 * simplex until a restart no longer improves (the usual remedy for Nelder-Mead's premature stops).
 */

export interface MinimizeOptions {
  readonly lower: ArrayLike<number>;
  readonly upper?: ArrayLike<number>;
  /** Initial simplex step per coordinate. */
  readonly step?: number;
  /** Stop when the simplex's values agree to this (absolute). */
  readonly ftol?: number;
  /** ... and its vertices to this (absolute, per coordinate). */
  readonly xtol?: number;
  readonly maxEvaluations?: number;
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

function project(x: Float64Array, lower: ArrayLike<number>, upper?: ArrayLike<number>): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const lo = lower[i] as number;
    if (x[i] < lo) x[i] = lo;
    const hi = upper?.[i];
    if (hi !== undefined && x[i] > hi) x[i] = hi;
  }
  return x;
}

function nelderMead(f: (x: Float64Array) => number, x0: Float64Array, o: Required<Omit<MinimizeOptions, 'upper'>> & { upper?: ArrayLike<number> }, budget: number) {
  const n = x0.length;
  const simplex: Float64Array[] = [project(Float64Array.from(x0), o.lower, o.upper)];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(simplex[0] as Float64Array);
    // Step away from a bound when the start sits on it.
    v[i] += (v[i] as number) + o.step > (o.upper?.[i] ?? Infinity) ? -o.step : o.step;
    simplex.push(project(v, o.lower, o.upper));
  }
  let values = simplex.map(f);
  let evals = n + 1;
  const centroid = new Float64Array(n);
  const point = (c: Float64Array, w: Float64Array, t: number) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (c[i] as number) + t * ((w[i] as number) - (c[i] as number));
    return project(out, o.lower, o.upper);
  };
  let converged = false;
  while (evals < budget) {
    const order = values.map((v, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
    const sorted = order.map((i) => simplex[i] as Float64Array);
    values = order.map((i) => values[i] as number);
    simplex.splice(0, simplex.length, ...sorted);
    const best = values[0] as number;
    const worst = values[n] as number;
    let spread = 0;
    for (let k = 1; k <= n; k++)
      for (let i = 0; i < n; i++) spread = Math.max(spread, Math.abs(((simplex[k] as Float64Array)[i] as number) - ((simplex[0] as Float64Array)[i] as number)));
    if (Math.abs(worst - best) <= o.ftol && spread <= o.xtol) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += ((simplex[k] as Float64Array)[i] as number) / n;
    const w = simplex[n] as Float64Array;
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
    } else if (fr < (values[n - 1] as number)) {
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
          simplex[k] = point(simplex[0] as Float64Array, simplex[k] as Float64Array, 0.5);
          values[k] = f(simplex[k] as Float64Array);
          evals++;
        }
      }
    }
  }
  const bestIdx = values.indexOf(Math.min(...values));
  return { x: simplex[bestIdx] as Float64Array, value: values[bestIdx] as number, evaluations: evals, converged };
}

export function minimize(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: MinimizeOptions): MinimizeResult {
  const o = {
    lower: options.lower,
    upper: options.upper,
    step: options.step ?? 0.25,
    ftol: options.ftol ?? 1e-11,
    xtol: options.xtol ?? 1e-9,
    maxEvaluations: options.maxEvaluations ?? 20_000,
  };
  let x: Float64Array = Float64Array.from(x0);
  let value = Infinity;
  let evaluations = 0;
  let converged = false;
  let step = o.step;
  for (let restart = 0; restart < 20 && evaluations < o.maxEvaluations; restart++) {
    const r = nelderMead(f, x, { ...o, step }, o.maxEvaluations - evaluations);
    evaluations += r.evaluations;
    const improved = value - r.value;
    x = r.x;
    converged = r.converged;
    if (r.value <= value) value = r.value;
    if (restart > 0 && improved <= o.ftol) break;
    step = Math.max(1e-3, step / 4);
  }
  return { x, value, evaluations, converged };
}
