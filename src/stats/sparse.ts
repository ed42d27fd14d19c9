/**
 * Compressed sparse column matrices, and the sparse Cholesky factorisation of a symmetric positive
 * definite matrix (up-looking, with the elimination tree; T. A. Davis, "Direct Methods for Sparse
 * Linear Systems", SIAM 2006, ch. 4). The symbolic analysis is done once per pattern; each numeric
 * factorisation of new values with that pattern then costs O(flops), with no allocation.
 */

export interface Csc {
  readonly n: number;
  readonly m: number;
  /** Column pointers, length n + 1. */
  readonly colPtr: Int32Array;
  /** Row indices, sorted within each column. */
  readonly rowIdx: Int32Array;
  readonly values: Float64Array;
}

/**
 * A CSC matrix from (row, col, value) triplets; duplicates are summed. Counting sort by column,
 * then each column sorted by row.
 */
export function cscFromTriplets(m: number, n: number, rows: Int32Array, cols: Int32Array, vals: Float64Array, count = rows.length): Csc {
  const counts = new Int32Array(n + 1);
  for (let k = 0; k < count; k++) counts[cols[k] + 1]++;
  for (let j = 0; j < n; j++) counts[j + 1] += counts[j];
  const next = Int32Array.from(counts.subarray(0, n));
  const r = new Int32Array(count);
  const v = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const p = next[cols[k]]++;
    r[p] = rows[k];
    v[p] = vals[k];
  }
  // Sort each column by row and sum duplicates.
  const colPtr = new Int32Array(n + 1);
  const outR = new Int32Array(count);
  const outV = new Float64Array(count);
  let nz = 0;
  const order: number[] = [];
  for (let j = 0; j < n; j++) {
    colPtr[j] = nz;
    const start = counts[j];
    const end = counts[j + 1];
    order.length = 0;
    for (let p = start; p < end; p++) order.push(p);
    order.sort((a, b) => r[a] - r[b]);
    let last = -1;
    for (const p of order) {
      const row = r[p];
      if (row === last) outV[nz - 1] += v[p];
      else {
        outR[nz] = row;
        outV[nz] = v[p];
        nz++;
        last = row;
      }
    }
  }
  colPtr[n] = nz;
  return { m, n, colPtr, rowIdx: outR.slice(0, nz), values: outV.slice(0, nz) };
}

/**
 * A symbolic Cholesky analysis of a symmetric matrix with a fixed pattern, under a fill-reducing
 * permutation: `perm[k]` is the original index placed at position k.
 */
export class SparseCholesky {
  readonly n: number;
  readonly perm: Int32Array;
  readonly pinv: Int32Array;
  /** Upper triangle of P A P' (CSC); `fromA[p]` is where A's entry p goes (-1: lower, dropped). */
  readonly #cColPtr: Int32Array;
  readonly #cRowIdx: Int32Array;
  readonly #cValues: Float64Array;
  readonly #fromA: Int32Array;
  readonly #parent: Int32Array;
  /** L in CSC, the diagonal first in each column. */
  readonly lColPtr: Int32Array;
  readonly lRowIdx: Int32Array;
  readonly lValues: Float64Array;
  readonly #x: Float64Array;
  readonly #stack: Int32Array;
  readonly #mark: Int32Array;
  readonly #next: Int32Array;
  /** Row patterns of L (below the diagonal), in the topological order the factorisation needs. */
  readonly #rowPtr: Int32Array;
  readonly #rowCols: Int32Array;
  /**
   * Where L's dense tail starts: columns tail..n-1 are full below the diagonal (in a rating study,
   * the posts block: raters link every pair of posts they both rated). That block is factorised as
   * a dense matrix, on contiguous rows, after its Schur complement is accumulated sparsely.
   */
  readonly tail: number;
  readonly #dense: Float64Array;

  /** `a` holds the full symmetric pattern (both triangles). */
  constructor(a: Csc, perm: Int32Array) {
    const n = a.n;
    this.n = n;
    this.perm = perm;
    this.pinv = new Int32Array(n);
    for (let k = 0; k < n; k++) this.pinv[perm[k]] = k;
    // Upper triangle of C = P A P'.
    const counts = new Int32Array(n + 1);
    for (let j = 0; j < n; j++) {
      const cj = this.pinv[j];
      for (let p = a.colPtr[j]; p < a.colPtr[j + 1]; p++) {
        const ci = this.pinv[a.rowIdx[p]];
        if (ci <= cj) counts[cj + 1]++;
      }
    }
    for (let j = 0; j < n; j++) counts[j + 1] += counts[j];
    const cnz = counts[n];
    const cRow = new Int32Array(cnz);
    const fromA = new Int32Array(a.rowIdx.length).fill(-1);
    const next = Int32Array.from(counts.subarray(0, n));
    for (let j = 0; j < n; j++) {
      const cj = this.pinv[j];
      for (let p = a.colPtr[j]; p < a.colPtr[j + 1]; p++) {
        const ci = this.pinv[a.rowIdx[p]];
        if (ci > cj) continue;
        const q = next[cj]++;
        cRow[q] = ci;
        fromA[p] = q;
      }
    }
    this.#cColPtr = counts;
    this.#cRowIdx = cRow;
    this.#cValues = new Float64Array(cnz);
    this.#fromA = fromA;

    // Elimination tree of C (upper triangle by columns).
    const parent = new Int32Array(n).fill(-1);
    const ancestor = new Int32Array(n).fill(-1);
    for (let k = 0; k < n; k++) {
      for (let p = counts[k]; p < counts[k + 1]; p++) {
        let i = cRow[p];
        while (i !== -1 && i < k) {
          const inext = ancestor[i];
          ancestor[i] = k;
          if (inext === -1) parent[i] = k;
          i = inext;
        }
      }
    }
    this.#parent = parent;
    this.#stack = new Int32Array(n);
    this.#mark = new Int32Array(n).fill(-1);
    this.#next = new Int32Array(n);
    this.#x = new Float64Array(n);

    // Row patterns of L (each a subtree of the etree), kept for every numeric factorisation, and
    // from them the column counts.
    const rowPtr = new Int32Array(n + 1);
    const rows: Int32Array[] = [];
    const colCount = new Int32Array(n).fill(1);
    for (let k = 0; k < n; k++) {
      const top = this.#ereach(k);
      const pattern = this.#stack.slice(top, n);
      rows.push(pattern);
      rowPtr[k + 1] = rowPtr[k] + pattern.length;
      for (const i of pattern) colCount[i]++;
    }
    // The dense tail: the longest run of last columns whose L columns are full (64 or more wide).
    let tail = n;
    while (tail > 0 && colCount[tail - 1] === n - tail + 1) tail--;
    if (n - tail < 64) tail = n;
    this.tail = tail;
    this.#dense = new Float64Array(tail < n ? (n - tail) * (n - tail) : 0);
    // Rows in the tail keep only their sparse part (columns before the tail) for the sparse phase.
    const keptPtr = new Int32Array(n + 1);
    const kept: number[] = [];
    rows.forEach((pattern, k) => {
      for (const i of pattern) if (k < tail || i < tail) kept.push(i);
      keptPtr[k + 1] = kept.length;
    });
    this.#rowPtr = keptPtr;
    this.#rowCols = Int32Array.from(kept);
    this.lColPtr = new Int32Array(n + 1);
    for (let j = 0; j < n; j++) this.lColPtr[j + 1] = this.lColPtr[j] + colCount[j];
    const lnz = this.lColPtr[n];
    this.lRowIdx = new Int32Array(lnz);
    this.lValues = new Float64Array(lnz);
  }

  /** Number of nonzeros in L. */
  get nnz(): number {
    return this.lColPtr[this.n];
  }

  /** Pattern of row k of L, into stack[top..n), in topological order. */
  #ereach(k: number): number {
    const n = this.n;
    const stack = this.#stack;
    const mark = this.#mark;
    const parent = this.#parent;
    let top = n;
    mark[k] = k;
    for (let p = this.#cColPtr[k]; p < this.#cColPtr[k + 1]; p++) {
      let i = this.#cRowIdx[p];
      if (i > k) continue;
      let len = 0;
      while (mark[i] !== k) {
        stack[len++] = i;
        mark[i] = k;
        i = parent[i];
      }
      while (len > 0) stack[--top] = stack[--len];
    }
    // A stamp per row, so marks never need clearing: reset k's own mark for the next call.
    mark[k] = -2 - k;
    return top;
  }

  /**
   * Factorises new values of A (same pattern as at construction; `aValues` parallel to A's entries).
   * Returns false when the matrix is not positive definite.
   */
  factor(aValues: Float64Array): boolean {
    const n = this.n;
    const c = this.#cValues;
    c.fill(0);
    const fromA = this.#fromA;
    for (let p = 0; p < fromA.length; p++) {
      const q = fromA[p];
      if (q >= 0) c[q] += aValues[p];
    }
    const lp = this.lColPtr;
    const li = this.lRowIdx;
    const lx = this.lValues;
    const x = this.#x;
    const next = this.#next;
    for (let k = 0; k < n; k++) next[k] = lp[k];
    const rowPtr = this.#rowPtr;
    const rowCols = this.#rowCols;
    const tail = this.tail;
    const m = n - tail;
    const dense = this.#dense;
    for (let k = 0; k < n; k++) {
      x[k] = 0;
      for (let p = this.#cColPtr[k]; p < this.#cColPtr[k + 1]; p++) {
        const i = this.#cRowIdx[p];
        if (i <= k) x[i] = c[p];
      }
      let d = x[k];
      x[k] = 0;
      for (let t = rowPtr[k]; t < rowPtr[k + 1]; t++) {
        const i = rowCols[t];
        const lki = x[i] / lx[lp[i]];
        x[i] = 0;
        const end = next[i];
        for (let p = lp[i] + 1; p < end; p++) x[li[p]] -= lx[p] * lki;
        d -= lki * lki;
        const q = next[i]++;
        li[q] = k;
        lx[q] = lki;
      }
      if (k < tail) {
        if (!(d > 0)) return false;
        const q = next[k]++;
        li[q] = k;
        lx[q] = Math.sqrt(d);
      } else {
        // Row k of the Schur complement S = C22 - L21 L21' (lower triangle, row-major).
        const row = (k - tail) * m;
        for (let j = tail; j < k; j++) {
          dense[row + j - tail] = x[j];
          x[j] = 0;
        }
        dense[row + k - tail] = d;
      }
    }
    if (m > 0) {
      if (!denseCholesky(dense, m)) return false;
      // Column j of the tail holds rows j..n-1, diagonal first.
      for (let j = 0; j < m; j++) {
        let q = lp[tail + j];
        for (let i = j; i < m; i++) {
          li[q] = tail + i;
          lx[q++] = dense[i * m + j];
        }
      }
    }
    return true;
  }

  /** log det(A) = 2 sum log L_ii */
  logDet(): number {
    let s = 0;
    for (let j = 0; j < this.n; j++) s += Math.log(this.lValues[this.lColPtr[j]]);
    return 2 * s;
  }

  /** Solves L y = P b, in place on a permuted copy: `b` in original order, result in permuted order. */
  forward(b: ArrayLike<number>, out: Float64Array = new Float64Array(this.n)): Float64Array {
    const n = this.n;
    for (let k = 0; k < n; k++) out[k] = b[this.perm[k]];
    const lp = this.lColPtr;
    const li = this.lRowIdx;
    const lx = this.lValues;
    for (let j = 0; j < n; j++) {
      const xj = out[j] / lx[lp[j]];
      out[j] = xj;
      if (xj === 0) continue;
      for (let p = lp[j] + 1; p < lp[j + 1]; p++) out[li[p]] -= lx[p] * xj;
    }
    return out;
  }

  /** Solves L' x = y (y in permuted order); returns x in original order. */
  backward(y: Float64Array, out: Float64Array = new Float64Array(this.n)): Float64Array {
    const n = this.n;
    const lp = this.lColPtr;
    const li = this.lRowIdx;
    const lx = this.lValues;
    const z = Float64Array.from(y);
    for (let j = n - 1; j >= 0; j--) {
      let s = z[j];
      for (let p = lp[j] + 1; p < lp[j + 1]; p++) s -= lx[p] * z[li[p]];
      z[j] = s / lx[lp[j]];
    }
    for (let k = 0; k < n; k++) out[this.perm[k]] = z[k];
    return out;
  }
}


/**
 * In-place lower Cholesky factor of a dense m x m matrix whose lower triangle is given row-major;
 * row-oriented (each entry a dot product of two contiguous rows), four accumulators per dot.
 */
function denseCholesky(a: Float64Array, m: number): boolean {
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    for (let j = 0; j <= i; j++) {
      const rj = j * m;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s0 += a[ri + k] * a[rj + k];
        s1 += a[ri + k + 1] * a[rj + k + 1];
        s2 += a[ri + k + 2] * a[rj + k + 2];
        s3 += a[ri + k + 3] * a[rj + k + 3];
      }
      for (; k < j; k++) s0 += a[ri + k] * a[rj + k];
      const v = a[ri + j] - (s0 + s1 + s2 + s3);
      if (i === j) {
        if (!(v > 0)) return false;
        a[ri + i] = Math.sqrt(v);
      } else a[ri + j] = v / a[rj + j];
    }
  }
  return true;
}
