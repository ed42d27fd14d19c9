/**
 * A linear mixed model as lme4 formulates it (Bates, Maechler, Bolker & Walker 2015, J. Stat.
 * Softw. 67(1), sections 3 and 5):
 *
 *   y = X beta + Z b + e,  b = Lambda_theta u,  u ~ N(0, sigma^2 I),  e ~ N(0, sigma^2 I).
 *
 * For a given theta the penalised least-squares problem is solved through the sparse Cholesky
 * factor L of  Lambda' Z'Z Lambda + I  and the dense p x p factor R_X, and the profiled deviance is
 *
 *   ML:   log|L|^2 + n (1 + log(2 pi r^2 / n))
 *   REML: log|L|^2 + log|R_X|^2 + (n - p)(1 + log(2 pi r^2 / (n - p)))
 *
 * with r^2 the penalised residual sum of squares. All cross-products (Z'Z, Z'X, Z'y, X'X, X'y, y'y)
 * are formed once, so an evaluation costs one sparse factorisation and p + 1 triangular solves,
 * independent of the number of observations.
 */
import { cholesky, dense, logDetFromCholesky, solveLower, solveLowerTransposed, type Dense } from './dense.js';
import { cscFromTriplets, SparseCholesky, type Csc } from './sparse.js';

/** One random-effects term: `(columns | group)`. */
export interface RandomBlock {
  /** The grouping factor's name as lme4 prints it (`post:rater`). */
  readonly group: string;
  readonly levels: readonly string[];
  readonly codes: Int32Array;
  /** Column names of the term's model matrix (`(Intercept)`, `Days`). */
  readonly names: readonly string[];
  /** n x r, row-major. */
  readonly x: Float64Array;
  readonly r: number;
  /** Position of the block in u (level-major: all r coefficients of level 0, then level 1, ...). */
  readonly offset: number;
  /** Position of the block's r(r+1)/2 parameters in theta (lower triangle, column-major). */
  readonly thetaOffset: number;
}

export interface LmmInput {
  readonly y: Float64Array;
  /** n x p, row-major. */
  readonly x: Float64Array;
  readonly p: number;
  readonly blocks: readonly RandomBlock[];
}

export interface Evaluation {
  readonly ok: boolean;
  /** log |L|^2 */
  readonly ldL2: number;
  /** log |R_X|^2 */
  readonly ldRX2: number;
  /** Penalised residual sum of squares. */
  readonly r2: number;
  /** Fixed effects (on the original scale of y). */
  readonly beta: Float64Array;
  /** Lower factor of R_X'R_X (= L_X L_X'). */
  readonly lx: Dense;
  /** L^{-1} P Lambda' Z'y (permuted order). */
  readonly cu: Float64Array;
  /** L^{-1} P Lambda' Z'X, one array per fixed column. */
  readonly rzx: Float64Array[];
  /** Spherical random effects u (original order). */
  readonly u: Float64Array;
}

export const thetaLength = (blocks: readonly RandomBlock[]) => blocks.reduce((s, b) => s + (b.r * (b.r + 1)) / 2, 0);

/** Lower bounds of theta: 0 for the diagonal of each block's factor, unbounded below it. */
export function thetaLowerBounds(blocks: readonly RandomBlock[]): Float64Array {
  const lower = new Float64Array(thetaLength(blocks));
  for (const b of blocks) {
    let k = b.thetaOffset;
    for (let j = 0; j < b.r; j++) for (let i = j; i < b.r; i++) lower[k++] = i === j ? 0 : -Infinity;
  }
  return lower;
}

/** The r x r lower-triangular factor T of a block, from theta (column-major lower triangle). */
export function blockFactor(block: RandomBlock, theta: ArrayLike<number>): Float64Array {
  const r = block.r;
  const t = new Float64Array(r * r);
  let k = block.thetaOffset;
  for (let j = 0; j < r; j++) for (let i = j; i < r; i++) t[i * r + j] = theta[k++];
  return t;
}

export class LmmProblem {
  readonly n: number;
  readonly p: number;
  readonly q: number;
  readonly blocks: readonly RandomBlock[];
  readonly y: Float64Array;
  readonly x: Float64Array;
  readonly ztz: Csc;
  /** Z'X, p arrays of length q. */
  readonly ztx: Float64Array[];
  readonly zty: Float64Array;
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
  readonly yty: number;
  readonly chol: SparseCholesky;
  readonly #aValues: Float64Array;
  readonly #diagPos: Int32Array;
  /** Per index of u: its block, and its position within the block's r coefficients. */
  readonly #blockOf: Int32Array;
  readonly #posOf: Int32Array;
  readonly #allScalar: boolean;
  /**
   * The OLS coefficients subtracted from y before anything else: y* = y - X beta_ols has the same
   * residuals for every theta (X beta_ols lies in the column space of X), but y*'y* is on the scale
   * of r^2, so r^2 = y*'y* - |cu|^2 - |cb|^2 loses almost nothing to cancellation. Added back to beta.
   */
  readonly #betaOls: Float64Array;
  /** Scratch space for the optimiser's evaluations (whose results are not kept). */
  readonly #scratchLam: Float64Array;
  readonly #scratch: Float64Array[];

  constructor(input: LmmInput) {
    const { x, p, blocks } = input;
    const n = input.y.length;
    // y* = y - X beta_ols (see #betaOls).
    const xtx0 = new Float64Array(p * p);
    const xty0 = new Float64Array(p);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < p; a++) {
        const xa = x[i * p + a];
        xty0[a] += xa * input.y[i];
        for (let b2 = 0; b2 < p; b2++) xtx0[a * p + b2] += xa * x[i * p + b2];
      }
    const lOls = cholesky(dense(p, p, xtx0));
    this.#betaOls = lOls ? solveLowerTransposed(lOls, solveLower(lOls, xty0)) : new Float64Array(p);
    const y = Float64Array.from(input.y, (v, i) => {
      let s = v;
      for (let a = 0; a < p; a++) s -= x[i * p + a] * this.#betaOls[a];
      return s;
    });
    this.n = n;
    this.p = p;
    this.y = y;
    this.x = x;
    this.blocks = blocks;
    const q = blocks.reduce((s, b) => s + b.levels.length * b.r, 0);
    this.q = q;
    this.#blockOf = new Int32Array(q);
    this.#posOf = new Int32Array(q);
    blocks.forEach((b, k) => {
      for (let a = 0; a < b.levels.length * b.r; a++) {
        this.#blockOf[b.offset + a] = k;
        this.#posOf[b.offset + a] = a % b.r;
      }
    });
    this.#allScalar = blocks.every((b) => b.r === 1);
    this.#scratchLam = new Float64Array(q);
    this.#scratch = Array.from({ length: p + 1 }, () => new Float64Array(q));

    // Cross-products. Per observation, the nonzeros of its row of Z: m = sum r_k entries.
    const m = blocks.reduce((s, b) => s + b.r, 0);
    const rowCols = new Int32Array(m);
    const rowVals = new Float64Array(m);
    const diagBlocks = blocks.map((b) => new Float64Array(b.levels.length * b.r * b.r));
    let crossPerRow = 0;
    for (let k = 0; k < blocks.length; k++) for (let l = 0; l < blocks.length; l++) if (k !== l) crossPerRow += blocks[k].r * blocks[l].r;
    const diagEntries = blocks.reduce((s, b) => s + b.levels.length * b.r * b.r, 0);
    const total = n * crossPerRow + diagEntries;
    const tr = new Int32Array(total);
    const tc = new Int32Array(total);
    const tv = new Float64Array(total);
    let t = 0;
    const ztx = Array.from({ length: p }, () => new Float64Array(q));
    const zty = new Float64Array(q);
    const xtx = new Float64Array(p * p);
    const xty = new Float64Array(p);
    let yty = 0;
    for (let i = 0; i < n; i++) {
      let c = 0;
      const rowStart: number[] = [];
      for (const b of blocks) {
        rowStart.push(c);
        const base = b.offset + b.codes[i] * b.r;
        for (let j = 0; j < b.r; j++) {
          rowCols[c] = base + j;
          rowVals[c] = b.x[i * b.r + j];
          c++;
        }
      }
      const yi = y[i];
      yty += yi * yi;
      for (let a = 0; a < p; a++) {
        const xa = x[i * p + a];
        xty[a] += xa * yi;
        for (let b2 = 0; b2 <= a; b2++) xtx[a * p + b2] += xa * x[i * p + b2];
      }
      for (let e = 0; e < m; e++) {
        const col = rowCols[e];
        const v = rowVals[e];
        if (v === 0) continue;
        zty[col] += v * yi;
        for (let a = 0; a < p; a++) (ztx[a] as Float64Array)[col] += v * x[i * p + a];
      }
      // Z'Z: the same-block part accumulates per level; cross-block pairs become triplets.
      for (let k = 0; k < blocks.length; k++) {
        const bk = blocks[k];
        const sk = rowStart[k];
        const lev = bk.codes[i];
        const d = diagBlocks[k] as Float64Array;
        for (let a = 0; a < bk.r; a++)
          for (let b2 = 0; b2 < bk.r; b2++) d[lev * bk.r * bk.r + a * bk.r + b2] += rowVals[sk + a] * rowVals[sk + b2];
        for (let l = 0; l < blocks.length; l++) {
          if (l === k) continue;
          const bl = blocks[l];
          const sl = rowStart[l];
          for (let a = 0; a < bk.r; a++)
            for (let b2 = 0; b2 < bl.r; b2++) {
              tr[t] = rowCols[sk + a];
              tc[t] = rowCols[sl + b2];
              tv[t] = rowVals[sk + a] * rowVals[sl + b2];
              t++;
            }
        }
      }
    }
    for (let a = 0; a < p; a++) for (let b2 = a + 1; b2 < p; b2++) xtx[a * p + b2] = xtx[b2 * p + a];
    blocks.forEach((b, k) => {
      const d = diagBlocks[k] as Float64Array;
      for (let lev = 0; lev < b.levels.length; lev++)
        for (let a = 0; a < b.r; a++)
          for (let b2 = 0; b2 < b.r; b2++) {
            tr[t] = b.offset + lev * b.r + a;
            tc[t] = b.offset + lev * b.r + b2;
            tv[t] = d[lev * b.r * b.r + a * b.r + b2];
            t++;
          }
    });
    this.ztz = cscFromTriplets(q, q, tr, tc, tv, t);
    this.ztx = ztx;
    this.zty = zty;
    this.xtx = xtx;
    this.xty = xty;
    this.yty = yty;
    this.#aValues = new Float64Array(this.ztz.values.length);
    this.#diagPos = new Int32Array(q);
    for (let c = 0; c < q; c++) {
      for (let k = this.ztz.colPtr[c]; k < this.ztz.colPtr[c + 1]; k++) if (this.ztz.rowIdx[k] === c) this.#diagPos[c] = k;
    }
    // Fill-reducing order: blocks come sorted by decreasing number of levels (as lme4 sorts its
    // terms), and eliminating the largest factor first leaves the fill in the smallest one's block.
    const perm = new Int32Array(q);
    for (let a = 0; a < q; a++) perm[a] = a;
    this.chol = new SparseCholesky(this.ztz, perm);
  }

  /** Lambda v, or Lambda' v with `transposed`, for v in u-space (original order). */
  applyLambda(theta: ArrayLike<number>, v: ArrayLike<number>, transposed: boolean, out: Float64Array = new Float64Array(this.q)): Float64Array {
    for (const b of this.blocks) {
      const t = blockFactor(b, theta);
      const r = b.r;
      for (let lev = 0; lev < b.levels.length; lev++) {
        const base = b.offset + lev * r;
        for (let i = 0; i < r; i++) {
          let s = 0;
          // T is lower triangular: row i of T' is column i of T (entries i..r-1); row i of T is 0..i.
          if (transposed) for (let k = i; k < r; k++) s += t[k * r + i] * v[base + k];
          else for (let k = 0; k <= i; k++) s += t[i * r + k] * v[base + k];
          out[base + i] = s;
        }
      }
    }
    return out;
  }

  /** Values of Lambda' Z'Z Lambda + I on the pattern of Z'Z. */
  #assemble(theta: ArrayLike<number>): Float64Array {
    const { colPtr, rowIdx, values } = this.ztz;
    const a = this.#aValues;
    if (this.#allScalar) {
      const lam = new Float64Array(this.q);
      for (const b of this.blocks) lam.fill(theta[b.thetaOffset], b.offset, b.offset + b.levels.length);
      for (let c = 0; c < this.q; c++) {
        const lc = lam[c];
        for (let k = colPtr[c]; k < colPtr[c + 1]; k++) a[k] = lam[rowIdx[k]] * lc * values[k];
      }
    } else {
      const factors = this.blocks.map((b) => blockFactor(b, theta));
      // Columns: B[:, c] = sum_{j' >= j} T[j', j] M[:, c - j + j'] (the block's columns share a pattern).
      for (let c = 0; c < this.q; c++) {
        const bl = this.blocks[this.#blockOf[c]];
        const t = factors[this.#blockOf[c]];
        const j = this.#posOf[c];
        const start = colPtr[c];
        const len = colPtr[c + 1] - start;
        for (let e = 0; e < len; e++) {
          let s = 0;
          for (let j2 = j; j2 < bl.r; j2++) s += t[j2 * bl.r + j] * values[colPtr[c - j + j2] + e];
          a[start + e] = s;
        }
      }
      // Rows: within each column, a block's rows are a contiguous complete run.
      const tmp = new Float64Array(Math.max(...this.blocks.map((b) => b.r)));
      for (let c = 0; c < this.q; c++) {
        let k = colPtr[c];
        const end = colPtr[c + 1];
        while (k < end) {
          const row = rowIdx[k];
          const bl = this.blocks[this.#blockOf[row]];
          const t = factors[this.#blockOf[row]];
          const r = bl.r;
          for (let i = 0; i < r; i++) tmp[i] = a[k + i];
          for (let i = 0; i < r; i++) {
            let s = 0;
            for (let i2 = i; i2 < r; i2++) s += t[i2 * r + i] * tmp[i2];
            a[k + i] = s;
          }
          k += r;
        }
      }
    }
    for (let c = 0; c < this.q; c++) a[this.#diagPos[c]] += 1;
    return a;
  }

  /**
   * Solves the penalised least-squares problem at theta. With `exact` (the default) r^2 comes from
   * the residuals and u is computed; without it (the optimiser's many evaluations) r^2 comes from
   * the cross-products, whose cancellation error (about 1e-14 relative in the deviance) is far below
   * what the optimiser resolves, and the arrays returned are scratch space valid until the next call.
   */
  evaluate(theta: ArrayLike<number>, exact = true): Evaluation {
    const p = this.p;
    const q = this.q;
    const failed: Evaluation = { ok: false, ldL2: NaN, ldRX2: NaN, r2: NaN, beta: new Float64Array(p), lx: dense(p, p), cu: new Float64Array(0), rzx: [], u: new Float64Array(0) };
    if (!this.chol.factor(this.#assemble(theta))) return failed;
    const ldL2 = this.chol.logDet();
    const lam = exact ? undefined : this.#scratchLam;
    const out = (k: number) => (exact ? new Float64Array(q) : this.#scratch[k]);
    const cu = this.chol.forward(this.applyLambda(theta, this.zty, true, lam), out(p));
    const rzx = this.ztx.map((col, j) => this.chol.forward(this.applyLambda(theta, col, true, lam), out(j)));
    // R_X'R_X = X'X - RZX'RZX
    const m = new Float64Array(p * p);
    for (let i = 0; i < p; i++)
      for (let j = 0; j <= i; j++) {
        let s = this.xtx[i * p + j];
        const ri = rzx[i];
        const rj = rzx[j];
        for (let k = 0; k < q; k++) s -= ri[k] * rj[k];
        m[i * p + j] = s;
        m[j * p + i] = s;
      }
    const lx = cholesky(dense(p, p, m));
    if (!lx) return failed;
    const rhs = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let s = this.xty[i];
      const ri = rzx[i];
      for (let k = 0; k < q; k++) s -= ri[k] * cu[k];
      rhs[i] = s;
    }
    const cb = solveLower(lx, rhs);
    const beta = solveLowerTransposed(lx, Float64Array.from(cb));
    const betaOut = Float64Array.from(beta, (b, j) => b + this.#betaOls[j]);
    if (!exact) {
      let r2 = this.yty;
      for (let k = 0; k < q; k++) r2 -= cu[k] ** 2;
      for (let i = 0; i < p; i++) r2 -= cb[i] ** 2;
      return { ok: true, ldL2, ldRX2: logDetFromCholesky(lx), r2, beta: betaOut, lx, cu, rzx, u: new Float64Array(0) };
    }
    // u = L^{-T}(cu - RZX beta); r^2 = |y - X beta - Z Lambda u|^2 + |u|^2, from the residuals
    // themselves: y'y - |cu|^2 - |cb|^2 is the same number but loses digits to cancellation, and
    // the Satterthwaite Hessian differentiates it twice.
    const w = Float64Array.from(cu);
    rzx.forEach((col, j) => {
      const bj = beta[j];
      for (let k = 0; k < q; k++) w[k] -= col[k] * bj;
    });
    const u = this.chol.backward(w);
    const b = this.applyLambda(theta, u, false);
    let r2 = 0;
    for (let k = 0; k < q; k++) r2 += u[k] ** 2;
    const fitted = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += this.x[i * p + j] * beta[j];
      fitted[i] = s;
    }
    for (const bl of this.blocks) {
      const { codes, x: bx, r, offset } = bl;
      for (let i = 0; i < this.n; i++) {
        const base = offset + codes[i] * r;
        let s = 0;
        for (let j = 0; j < r; j++) s += bx[i * r + j] * b[base + j];
        fitted[i] += s;
      }
    }
    for (let i = 0; i < this.n; i++) r2 += (this.y[i] - fitted[i]) ** 2;
    return { ok: true, ldL2, ldRX2: logDetFromCholesky(lx), r2, beta: betaOut, lx, cu, rzx, u };
  }

  /** Profiled deviance (REML criterion or -2 log-likelihood) at theta. */
  deviance(theta: ArrayLike<number>, reml: boolean, exact = false): number {
    const e = this.evaluate(theta, exact);
    return e.ok ? profiledDeviance(e, this.n, this.p, reml) : Infinity;
  }
}

export function profiledDeviance(e: Evaluation, n: number, p: number, reml: boolean): number {
  if (reml) {
    const nmp = n - p;
    return e.ldL2 + e.ldRX2 + nmp * (1 + Math.log((2 * Math.PI * e.r2) / nmp));
  }
  return e.ldL2 + n * (1 + Math.log((2 * Math.PI * e.r2) / n));
}
