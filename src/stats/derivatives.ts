/**
 * Numerical derivatives by central differences with Richardson extrapolation, using the scheme and
 * defaults of R's numDeriv (Gilbert & Varadhan), because lmerTest's Satterthwaite df are defined
 * through numDeriv's approximations and agreement to 1e-3 needs the same ones:
 * - initial step h0 = |d x| + eps [|x| < zero.tol], with eps = 1e-4, zero.tol = sqrt(2^-52 / 7e-7);
 * - four steps, each half the last, extrapolated as (4^m A(h/2) - A(h)) / (4^m - 1);
 * - jacobian: d = 1e-4; hessian (Bates & Watts' D matrix): d = 0.1, off-diagonal terms from
 *   f(x + h_i e_i + h_j e_j) and f(x - h_i e_i - h_j e_j) less the diagonal curvature.
 */

const EPS = 1e-4;
const ZERO_TOL = Math.sqrt(2 ** -52 / 7e-7);
const LEVELS = 4;

const steps = (x: Float64Array, d: number) => Float64Array.from(x, (v) => Math.abs(d * v) + (Math.abs(v) < ZERO_TOL ? EPS : 0));

/** Richardson extrapolation of estimates at h, h/2, h/4, h/8 whose error is even in h. */
function extrapolate(a: number[]): number {
  const t = [...a];
  for (let m = 1; m < t.length; m++) {
    const f = 4 ** m;
    for (let k = 0; k < t.length - m; k++) t[k] = (t[k + 1] * f - t[k]) / (f - 1);
  }
  return t[0];
}

function shifted(x: Float64Array, moves: ReadonlyArray<readonly [number, number]>): Float64Array {
  const y = Float64Array.from(x);
  for (const [i, by] of moves) y[i] += by;
  return y;
}

/** Jacobian of a vector-valued function: out[k] is the derivative with respect to x[k]. */
export function jacobian(f: (x: Float64Array) => Float64Array, x: Float64Array): Float64Array[] {
  const h0 = steps(x, 1e-4);
  return Array.from(x, (_, k) => {
    const estimates: Float64Array[] = [];
    for (let l = 0; l < LEVELS; l++) {
      const h = h0[k] / 2 ** l;
      const fu = f(shifted(x, [[k, h]]));
      const fd = f(shifted(x, [[k, -h]]));
      estimates.push(fu.map((v, i) => (v - fd[i]) / (2 * h)));
    }
    return estimates[0].map((_, i) => extrapolate(estimates.map((e) => e[i])));
  });
}

/** Gradient of a scalar function. */
export function gradient(f: (x: Float64Array) => number, x: Float64Array): Float64Array {
  return Float64Array.from(jacobian((y) => Float64Array.of(f(y)), x).map((g) => g[0]));
}

/** Hessian of a scalar function (row-major k x k). */
export function hessian(f: (x: Float64Array) => number, x: Float64Array): Float64Array {
  const k = x.length;
  const h0 = steps(x, 0.1);
  const f0 = f(x);
  const h = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const est: number[] = [];
    for (let l = 0; l < LEVELS; l++) {
      const s = h0[i] / 2 ** l;
      est.push((f(shifted(x, [[i, s]])) - 2 * f0 + f(shifted(x, [[i, -s]]))) / (s * s));
    }
    h[i * k + i] = extrapolate(est);
  }
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) {
      const est: number[] = [];
      for (let l = 0; l < LEVELS; l++) {
        const si = h0[i] / 2 ** l;
        const sj = h0[j] / 2 ** l;
        const f1 = f(shifted(x, [[i, si], [j, sj]]));
        const f2 = f(shifted(x, [[i, -si], [j, -sj]]));
        est.push((f1 - 2 * f0 + f2 - h[i * k + i] * si * si - h[j * k + j] * sj * sj) / (2 * si * sj));
      }
      h[i * k + j] = h[j * k + i] = extrapolate(est);
    }
  return h;
}

/**
 * Gradient and Hessian by plain central differences with step `delta` (lme4's deriv12), for the
 * convergence check, which needs no Richardson accuracy.
 */
export function centralDerivatives(f: (x: Float64Array) => number, x: Float64Array, delta = 1e-4): { gradient: Float64Array; hessian: Float64Array } {
  const k = x.length;
  const f0 = f(x);
  const g = new Float64Array(k);
  const h = new Float64Array(k * k);
  const up = new Float64Array(k);
  const down = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    up[i] = f(shifted(x, [[i, delta]]));
    down[i] = f(shifted(x, [[i, -delta]]));
    g[i] = (up[i] - down[i]) / (2 * delta);
    h[i * k + i] = (up[i] - 2 * f0 + down[i]) / (delta * delta);
    for (let j = 0; j < i; j++) {
      const pp = f(shifted(x, [[i, delta], [j, delta]]));
      const mm = f(shifted(x, [[i, -delta], [j, -delta]]));
      // f(x+di+dj) + f(x-di-dj) - 2 f0 = delta^2 (H_ii + H_jj + 2 H_ij)
      h[i * k + j] = h[j * k + i] = ((pp + mm - 2 * f0) / (delta * delta) - h[i * k + i] - h[j * k + j]) / 2;
    }
  }
  return { gradient: g, hessian: h };
}
