/**
 * The studentized range distribution, for Tukey's adjustment of pairwise comparisons:
 *
 *   P(Q <= q; k, nu) = int_0^inf g_nu(s) W_k(q s) ds,
 *   W_k(w) = k int phi(z) [Phi(z) - Phi(z - w)]^(k-1) dz,
 *
 * with g_nu the density of s = sqrt(chi2_nu / nu) (Hartley 1942; Lund & Lund 1983). Both
 * integrals by composite 8-point Gauss-Legendre quadrature.
 */
import { logGamma, normalUpperTail } from './distributions.js';

const NODES = [-0.960289856497536, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498, 0.525532409916329, 0.7966664774136267, 0.960289856497536];
const WEIGHTS = [0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];

function integrate(f: (x: number) => number, a: number, b: number, panels: number): number {
  const width = (b - a) / panels;
  let total = 0;
  for (let p = 0; p < panels; p++) {
    const mid = a + (p + 0.5) * width;
    for (let i = 0; i < 8; i++) total += WEIGHTS[i] * f(mid + NODES[i] * (width / 2));
  }
  return (total * width) / 2;
}

const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
const Phi = (z: number) => 1 - normalUpperTail(z);

/** P(range of k standard normals <= w). */
function rangeCdf(w: number, k: number): number {
  if (w <= 0) return 0;
  return k * integrate((z) => phi(z) * Math.max(0, Phi(z) - Phi(z - w)) ** (k - 1), -8.5, 8.5 + w, 64);
}

/** P(Q <= q) for the studentized range of k means with nu degrees of freedom. */
export function ptukey(q: number, k: number, nu: number): number {
  if (q <= 0) return 0;
  if (!Number.isFinite(nu) || nu > 50_000) return Math.min(1, rangeCdf(q, k));
  // s = sqrt(chi2_nu / nu): log density (nu/2) log(nu/2) - logGamma(nu/2) + log 2 + (nu-1) log s - nu s^2 / 2
  const logC = (nu / 2) * Math.log(nu / 2) - logGamma(nu / 2) + Math.log(2);
  const density = (s: number) => (s <= 0 ? 0 : Math.exp(logC + (nu - 1) * Math.log(s) - (nu * s * s) / 2));
  const sd = 1 / Math.sqrt(2 * nu);
  const lo = Math.max(0, 1 - 14 * sd);
  const hi = 1 + 14 * sd + (nu < 30 ? 4 / Math.sqrt(nu) : 0);
  return Math.min(1, integrate((s) => density(s) * rangeCdf(q * s, k), lo, hi, 48));
}

/** The p quantile of the studentized range (R's qtukey): ptukey solved by regula falsi (Illinois). */
export function qtukey(p: number, k: number, nu: number): number {
  let a = 0;
  let fa = -p;
  let b = 4;
  let fb = ptukey(b, k, nu) - p;
  while (fb < 0) {
    a = b;
    fa = fb;
    b *= 2;
    fb = ptukey(b, k, nu) - p;
  }
  let side = 0;
  for (let i = 0; i < 100; i++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = ptukey(c, k, nu) - p;
    if (Math.abs(fc) < 1e-13 || Math.abs(b - a) < 1e-12 * c) return c;
    if (fc * fb > 0) {
      b = c;
      fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    } else {
      a = c;
      fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    }
  }
  return (a + b) / 2;
}
