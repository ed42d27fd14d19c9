/**
 * Limited-memory BFGS (Nocedal & Wright 2006, algorithm 7.4) with a backtracking Armijo line
 * search, for smooth unconstrained problems such as penalised logistic regression.
 */

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export function lbfgs(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  options: {
    memory?: number;
    gtol?: number;
    maxIterations?: number;
    /** The value alone, where it is much cheaper than value and gradient (a numerical gradient): the line search's trial points use it, and the gradient is computed only at the point accepted. */
    value?: (x: Float64Array) => number;
  } = {},
): LbfgsResult {
  const m = options.memory ?? 10;
  const gtol = options.gtol ?? 1e-9;
  const maxIt = options.maxIterations ?? 5000;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const dot = (a: Float64Array, b: Float64Array) => {
    let t = 0;
    for (let i = 0; i < n; i++) t += a[i] * b[i];
    return t;
  };
  const maxAbs = (a: Float64Array) => a.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0);
  for (let it = 0; it < maxIt; it++) {
    if (maxAbs(g) < gtol) return { x, value: fx, iterations: it, converged: true };
    // Two-loop recursion: d = -H g.
    const q = Float64Array.from(g);
    const alpha: number[] = new Array(s.length);
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(s[k], q);
      for (let i = 0; i < n; i++) q[i] -= alpha[k] * y[k][i];
    }
    const gamma = s.length > 0 ? dot(s.at(-1) as Float64Array, y.at(-1) as Float64Array) / dot(y.at(-1) as Float64Array, y.at(-1) as Float64Array) : 1 / Math.max(1, maxAbs(g));
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k] * dot(y[k], q);
      for (let i = 0; i < n; i++) q[i] += s[k][i] * (alpha[k] - beta);
    }
    const d = q.map((v) => -v);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = -dot(g, g);
    }
    let step = 1;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = Infinity;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = options.value ? options.value(xNew) : f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) {
        if (options.value) fNew = f(xNew, gNew);
        break;
      }
      step /= 2;
    }
    if (!(fNew <= fx)) return { x, value: fx, iterations: it, converged: maxAbs(g) < gtol * 100 };
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = xNew[i] - x[i];
      yk[i] = gNew[i] - g[i];
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12 * Math.sqrt(dot(sk, sk) * dot(yk, yk))) {
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
      if (s.length > m) {
        s.shift();
        y.shift();
        rho.shift();
      }
    }
    const fPrev = fx;
    x = Float64Array.from(xNew);
    g = Float64Array.from(gNew);
    fx = fNew;
    if (Math.abs(fPrev - fx) <= 1e-16 * Math.max(1, Math.abs(fx)) && maxAbs(g) < gtol * 1e3) return { x, value: fx, iterations: it + 1, converged: true };
  }
  return { x, value: fx, iterations: maxIt, converged: maxAbs(g) < gtol };
}
