/**
 * Distribution functions for inference: Student t, chi-squared, normal. Tail probabilities are
 * computed directly (not as 1 - cdf), so p values as small as 1e-300 keep their relative accuracy.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const TINY = 1e-300;

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T > t) for Student's t with `df` degrees of freedom (df may be fractional, as Satterthwaite's are). */
export function tUpperTail(t: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e10) return normalUpperTail(t);
  const x = df / (df + t * t);
  // I_x(df/2, 1/2) / 2 is the tail beyond |t|; computed directly, so tiny tails stay accurate.
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

/** Two-sided p value of a t statistic. */
export function tTestP(t: number, df: number): number {
  return Math.min(1, 2 * tUpperTail(Math.abs(t), df));
}

/** The t quantile: P(T <= q) = p. */
export function tQuantile(p: number, df: number): number {
  if (p <= 0 || p >= 1) throw new RangeError('p must be in (0, 1)');
  if (p === 0.5) return 0;
  const upper = p > 0.5 ? 1 - p : p;
  // Bracket, then bisect to full precision (monotone, robust for any df).
  let lo = 0;
  let hi = 1;
  while (tUpperTail(hi, df) > upper) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (tUpperTail(mid, df) > upper) lo = mid;
    else hi = mid;
    if (hi - lo <= 1e-15 * hi) break;
  }
  const q = (lo + hi) / 2;
  return p > 0.5 ? q : -q;
}

/** P(F <= x) for Snedecor's F with d1 and d2 degrees of freedom (either may be fractional). */
export function fCdf(x: number, d1: number, d2: number): number {
  if (x <= 0) return 0;
  return incompleteBeta((d1 * x) / (d1 * x + d2), d1 / 2, d2 / 2);
}

/** The F quantile: P(F <= q) = p, by bracketing and bisection. */
export function fQuantile(p: number, d1: number, d2: number): number {
  if (p <= 0 || p >= 1) throw new RangeError('p must be in (0, 1)');
  let lo = 0;
  let hi = 1;
  while (fCdf(hi, d1, d2) < p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (fCdf(mid, d1, d2) < p) lo = mid;
    else hi = mid;
    if (hi - lo <= 1e-14 * hi) break;
  }
  return (lo + hi) / 2;
}

/** The standard normal quantile, by bisection on the upper tail (for a few intervals, not hot loops). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError('p must be in (0, 1)');
  if (p === 0.5) return 0;
  const upper = p > 0.5 ? 1 - p : p;
  let lo = 0;
  let hi = 1;
  while (normalUpperTail(hi) > upper) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (normalUpperTail(mid) > upper) lo = mid;
    else hi = mid;
    if (hi - lo <= 1e-15 * hi) break;
  }
  const q = (lo + hi) / 2;
  return p > 0.5 ? q : -q;
}

/** Complementary error function (W. J. Cody's rational approximations; relative error < 1e-15). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  let r: number;
  if (z < 0.5) {
    const t = z * z;
    const num = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    const den = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
    r = 1 - (z * num) / den;
  } else if (z < 4) {
    const num =
      (((((((2.15311535474403846e-8 * z + 0.564188496988670089) * z + 8.88314979438837594) * z + 66.1191906371416295) * z + 298.635138197400131) * z +
        881.952221241769090) * z + 1712.04761263407058) * z + 2051.07837782607147) * z + 1230.33935479799725;
    const den =
      (((((((z + 15.7449261107098347) * z + 117.693950891312499) * z + 537.181101862009858) * z + 1621.38957456669019) * z + 3290.79923573345963) * z +
        4362.61909014324716) * z + 3439.36767414372164) * z + 1230.33935480374942;
    r = (Math.exp(-z * z) * num) / den;
  } else {
    const t = 1 / (z * z);
    const num = ((((0.0163153871373020978 * t + 0.305326634961232344) * t + 0.360344899949804439) * t + 0.125781726111229246) * t + 0.0160837851487422766) * t + 0.000658749161529837803;
    const den = ((((t + 2.56852019228982242) * t + 1.87295284992346725) * t + 0.527905102951428412) * t + 0.0605183413124413191) * t + 0.00233520497626869185;
    r = (Math.exp(-z * z) / z) * (1 / Math.sqrt(Math.PI) - (t * num) / den);
  }
  return x < 0 ? 2 - r : r;
}

/** P(Z > z) for the standard normal. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Regularised upper incomplete gamma Q(a, x). */
export function upperIncompleteGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series for P, then Q = 1 - P.
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(logFront);
  }
  // Continued fraction for Q (Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(logFront) * h;
}

/** P(X > x) for chi-squared with `df` degrees of freedom. */
export function chiSquaredUpperTail(x: number, df: number): number {
  return upperIncompleteGamma(df / 2, x / 2);
}
