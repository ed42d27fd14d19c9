/**
 * Small dense linear algebra on row-major Float64Arrays: the fixed-effects side of a mixed model
 * (p x p, p rarely above a few dozen) and numerical Hessians.
 */

/** A square or rectangular matrix, row-major. */
export interface Dense {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export const dense = (rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols)): Dense => ({ rows, cols, data });

export const at = (m: Dense, i: number, j: number): number => m.data[i * m.cols + j];

/**
 * Lower Cholesky factor of a symmetric positive definite matrix (A = L L'). Returns null when A is
 * not positive definite (a pivot <= tol * its diagonal).
 */
export function cholesky(a: Dense, tol = 1e-12): Dense | null {
  const n = a.rows;
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a.data[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] ** 2;
    if (!(d > tol * Math.max(1, Math.abs(a.data[j * n + j])))) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a.data[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return dense(n, n, l);
}

/** Solves L x = b in place (L lower triangular). */
export function solveLower(l: Dense, b: Float64Array): Float64Array {
  const n = l.rows;
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l.data[i * n + k] * b[k];
    b[i] = s / l.data[i * n + i];
  }
  return b;
}

/** Solves L' x = b in place (L lower triangular). */
export function solveLowerTransposed(l: Dense, b: Float64Array): Float64Array {
  const n = l.rows;
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l.data[k * n + i] * b[k];
    b[i] = s / l.data[i * n + i];
  }
  return b;
}

/** (L L')^{-1} from the lower Cholesky factor L. */
export function inverseFromCholesky(l: Dense): Dense {
  const n = l.rows;
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    solveLowerTransposed(l, solveLower(l, e));
    for (let i = 0; i < n; i++) inv[i * n + j] = e[i];
  }
  return dense(n, n, inv);
}

export function logDetFromCholesky(l: Dense): number {
  let s = 0;
  for (let i = 0; i < l.rows; i++) s += Math.log(l.data[i * l.rows + i]);
  return 2 * s;
}

/** x' A y */
export function quadForm(x: ArrayLike<number>, a: Dense, y: ArrayLike<number> = x): number {
  let s = 0;
  for (let i = 0; i < a.rows; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    let row = 0;
    for (let j = 0; j < a.cols; j++) row += a.data[i * a.cols + j] * y[j];
    s += xi * row;
  }
  return s;
}

/**
 * Eigen decomposition of a symmetric matrix by cyclic Jacobi rotations: values (descending) and
 * vectors as columns. Accurate to machine precision for the small matrices used here.
 */
export function symmetricEigen(a: Dense): { values: Float64Array; vectors: Dense } {
  const n = a.rows;
  const m = Float64Array.from(a.data);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  const values = Float64Array.from(order.map((i) => m[i * n + i]));
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors: dense(n, n, vectors) };
}

/** Moore-Penrose inverse of a symmetric matrix, dropping eigenvalues <= tol (as lmerTest does). */
export function symmetricPseudoInverse(a: Dense, tol = 1e-8): Dense {
  const n = a.rows;
  const { values, vectors } = symmetricEigen(a);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const lam = values[k];
    if (!(lam > tol)) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors.data[i * n + k];
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += (vik * vectors.data[j * n + k]) / lam;
    }
  }
  return dense(n, n, out);
}
