/**
 * Bessel functions of the first and second kind, J_ν(x) and Y_ν(x), real order, float64.
 *
 * Regions (x > 0, ν ≥ 0; negative orders by reflection, DLMF 10.4.1 / 10.2.3):
 *  - Power series (DLMF 10.2.2) for J when x ≤ 2 or x²/4 ≤ (ν+1)/2: the alternating terms then
 *    decrease from the first, so the sum is ≥ ½ of the leading term and no digits are lost.
 *  - Hankel's expansion (DLMF 10.17.3) when x ≥ 25 and ν² ≤ 2x: the terms a_k(ν)/x^k then fall
 *    like 1/k! and the smallest one is ~e^{−2x} < 1e-21. The phase x − (ν/2 + ¼)π is never formed:
 *    cos and sin of x (correctly reduced by the runtime) are combined with cos/sin of (ν/2 + ¼)π
 *    from an exact sinpi/cospi, so J(1000) keeps ~1e-16 of its envelope.
 *  - Otherwise (Steed's method as in Barnett et al. / Numerical Recipes §6.7 bessjy, rewritten
 *    from the formulas, with Miller's backward recurrence in place of CF1): an unnormalised
 *    solution u = cJ is carried from far above max(x, ν) down through ν to μ = ν − n;
 *    Y_μ and Y_{μ+1} come from Temme's series (x < 2), CF2 for p + iq = (J′+iY′)/(J+iY)
 *    (2 ≤ x < 25)
 *    or Hankel's expansion (x ≥ 25); the Wronskian J_{μ+1}Y_μ − J_μY_{μ+1} = 2/(πx) (DLMF 10.5.2)
 *    then fixes the normalisation, and Y is carried up to ν by forward recurrence (stable for Y).
 *  - J for ν ≤ x − x^{1/3} in the Hankel region: forward recurrence from J_μ, J_{μ+1} (both
 *    solutions oscillate with equal amplitude below the turning point, so the recurrence is
 *    neutral there; Miller instead accumulates ~1e-16 per oscillatory step, 7e-14 at x = 1000).
 *  - Integer orders go through fast.ts first (tables for orders 0 and 1, then recurrences).
 * Measured against mpmath (test/special-sweep.test.ts): ≤ 1e-14 for ν ≤ 100, x ≤ 1000 (relative
 * where x ≤ ν, of the envelope √(J² + Y²) where x > ν); integer orders ≳ 1000 near the turning
 * point are worse (long recurrences; J₂₉₄₆(3385) is off by 4.7e-12 relative).
 */
import {
  rgamma,
  rgammaP1,
  logGammaP1,
  temmeGammas,
  sinpi,
  cospi,
  stirlingCorrection,
} from "./gamma";
import { checkOrder, checkNonNegativeInteger, MAX_ORDER } from "./checks";
import { domainError } from "../errors";
import { BIG2, BIG2_EXP, ldexp } from "./scale";
import { jInt, yInt } from "./fast"; // integer-order fast paths (calls back into this module at run time only)

const EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const TWO_OVER_PI = 0.63661977236758134308;

/** Veltkamp/Dekker: a·b = P.hi + P.lo exactly (no FMA in JS; |a·b| far from overflow here). */
const P2 = { hi: 0, lo: 0 };
const SPLIT = 134217729; // 2^27 + 1
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  P2.hi = p;
  P2.lo = ah * bh - p + ah * bl + al * bh + al * bl;
}
const E_HI = 2.718281828459045; // e = E_HI + E_LO (mpmath, 40 digits)
const E_LO = 1.4456468917292502e-16;

/**
 * (x/2)^ν / Γ(ν+1), the leading factor of the power series, without spurious overflow and
 * without the ν·ε·|log(x/2)| relative error of exp(ν log(x/2) − log Γ(ν+1)) (an exponent of
 * −450 rounded to an ulp is a 1e-13 relative error; issue #16).
 * ν < 10: Math.pow times 1/Γ(ν+1) from the Taylor series / recurrence (≤ 10 roundings).
 * ν ≥ 10: Stirling, Γ(ν+1) = √(2πν) (ν/e)^ν e^{S(ν)} (DLMF 5.11.1), so the factor is
 * t^ν e^{−S(ν)}/√(2πν) with t = e·x/(2ν). t is formed as a double-double th + tl (error-free
 * products), and t^ν = pow(th, ν)·exp(ν tl/th): the only large-exponent operation left is
 * Math.pow, which works in extended precision internally (measured against mpmath in
 * scripts/special_sweep.py). ours; the method is the standard "split the exponent exactly" idea.
 */
const MIN_NORMAL = 2.2250738585072014e-308;

export function seriesPrefactor(nu: number, x: number): number {
  if (nu === 0) return 1;
  const y = 0.5 * x;
  if (nu < 10) {
    const p = Math.pow(y, nu);
    if (p > 1e-300 && p < 1e300 && x >= MIN_NORMAL) return p * rgammaP1(nu);
    // tiny x only (result ≲ 1e-294, or x subnormal, where 0.5·x itself rounds): log x − log 2
    return Math.exp(nu * (Math.log(x) - Math.LN2) - logGammaP1(nu));
  }
  if (nu < 150 && (nu | 0) === nu) {
    // integer fast path (J_n, I_n series): Math.pow is within an ulp, 1/n! is tabulated below
    const p = Math.pow(y, nu);
    if (p > 1e-290 && p < 1e290) return p * RFACT[nu]!;
  }
  return stirlingPrefactor(nu, y);
}

/** (y)^ν / Γ(ν+1) for ν ≥ 10 by Stirling with the base e·y/ν in double-double (see above). */
function stirlingPrefactor(nu: number, y: number): number {
  // t = e·y/ν as th + tl
  twoProd(E_HI, y);
  const ah = P2.hi;
  const al = P2.lo + E_LO * y;
  const q1 = ah / nu;
  twoProd(q1, nu);
  const q2 = (ah - P2.hi - P2.lo + al) / nu;
  const th = q1 + q2;
  const tl = q2 - (th - q1);
  const p = Math.pow(th, nu);
  if (p === 0) return 0;
  return (p * Math.exp(nu * (tl / th) - stirlingCorrection(nu))) / Math.sqrt(2 * Math.PI * nu);
}

/** 1/n! for n < 150: rgammaP1 below 10, the Stirling form above (1^n/n!, a few ulp). */
const RFACT = Float64Array.from({ length: 150 }, (_, n) =>
  n < 10 ? rgammaP1(n) : stirlingPrefactor(n, 1),
);

/** Σ_k (−x²/4)^k / (k! (ν+1)_k): J_ν(x) = seriesPrefactor · this (DLMF 10.2.2). */
export function jSeriesSum(nu: number, x: number, shift = 0): number {
  // shift = 1 gives the sum for order ν + 1 without rounding ν + 1 first.
  const z = 0.25 * x * x;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 1000; k++) {
    term *= -z / (k * (nu + (k + shift)));
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

/** J′_ν from the differentiated series: (x/2)^ν/(xΓ(ν+1)) Σ (ν+2k)(−x²/4)^k/(k!(ν+1)_k). */
function jPrimeSeries(nu: number, x: number): number {
  const z = 0.25 * x * x;
  let term = 1;
  let sum = nu;
  for (let k = 1; k < 1000; k++) {
    term *= -z / (k * (nu + k));
    const t = (nu + 2 * k) * term;
    sum += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
  }
  // (x/2)^ν/(xΓ(ν+1)) = (x/2)^{ν−1}/(2νΓ(ν)) for ν ≥ 1: no underflow of (x/2)^ν before the division
  // by x (J′_{1.5}(1e-250) ≈ 4e-126 is representable, (x/2)^{1.5} is not; issue #16 review)
  if (nu >= 1) return (seriesPrefactor(nu - 1, x) / (2 * nu)) * sum;
  return (seriesPrefactor(nu, x) / x) * sum;
}

function useSeries(nu: number, x: number): boolean {
  return x <= 2 || 0.25 * x * x <= 0.5 * (nu + 1);
}

function useHankel(nu: number, x: number): boolean {
  return x >= 25 && nu * nu <= 2 * x;
}

// Scratch output of the kernels below (single-threaded, never re-entered), to keep the hot paths
// free of allocations.
export const H = { j: 0, y: 0 };

/**
 * Hankel's asymptotic expansion (DLMF 10.17.3) for J_ν(x), Y_ν(x): writes H.j, H.y.
 * cx, sx = cos x, sin x (shared between orders by the caller).
 */
export function hankel(nu: number, x: number, cx: number, sx: number, plusOne = false): void {
  // plusOne: order ν + 1, with the phase taken from ν (φ_{ν+1} = φ_ν + π/2) so that rounding
  // ν + 1 cannot shift the phase (by up to ulp(ν+1)·π/2, i.e. 1e-14 of the envelope at ν ≈ 30).
  const nuP = plusOne ? nu + 1 : nu;
  const m = 4 * nuP * nuP;
  const ex = 8 * x;
  let t = 1;
  let P = 1;
  let Q = 0;
  for (let k = 1; k < 400; k++) {
    const o = 2 * k - 1;
    const tn = (t * (m - o * o)) / (k * ex);
    if (o * o > m && Math.abs(tn) >= Math.abs(t)) break; // asymptotic: stop at the smallest term
    t = tn;
    switch (k & 3) {
      case 1:
        Q += t;
        break;
      case 2:
        P -= t;
        break;
      case 3:
        Q -= t;
        break;
      default:
        P += t;
    }
    if (Math.abs(t) < 1e-17) break;
  }
  // χ = x − φ, φ = (ν/2 + ¼)π: expand cos χ, sin χ so the large x is reduced by Math.cos/sin only.
  let cphi: number;
  let sphi: number;
  if (Number.isInteger(nu)) {
    // φ = (2n+1)π/4: cos, sin are ±√½ by n mod 4 — no trig calls on the fast integer path.
    const r = nu % 4;
    cphi = r === 0 || r === 3 ? Math.SQRT1_2 : -Math.SQRT1_2;
    sphi = r < 2 ? Math.SQRT1_2 : -Math.SQRT1_2;
  } else {
    cphi = cospi(0.5 * nu + 0.25);
    sphi = sinpi(0.5 * nu + 0.25);
  }
  if (plusOne) {
    const t = cphi;
    cphi = -sphi;
    sphi = t;
  }
  const cchi = cx * cphi + sx * sphi;
  const schi = sx * cphi - cx * sphi;
  const a = Math.sqrt(TWO_OVER_PI / x);
  H.j = a * (P * cchi - Q * schi);
  H.y = a * (P * schi + Q * cchi);
}

/** Temme's series (1975) for Y_μ, Y_{μ+1}, |μ| ≤ ½, 0 < x < 2: writes H.j = Y_{μ+1}, H.y = Y_μ. */
function temmeY(mu: number, x: number): void {
  const x2 = 0.5 * x;
  const pimu = Math.PI * mu;
  const fact = Math.abs(pimu) < EPS ? 1 : pimu / Math.sin(pimu);
  const d = Math.LN2 - Math.log(x); // −log(x/2), finite even where x/2 underflows (x = 5e-324)
  const e = mu * d;
  const fact2 = Math.abs(e) < EPS ? 1 : Math.sinh(e) / e;
  const g = temmeGammas(mu);
  let ff = TWO_OVER_PI * fact * (g.g1 * Math.cosh(e) + g.g2 * fact2 * d);
  const ee = Math.exp(e);
  let p = ee / (g.gp * Math.PI); // (x/2)^{−μ} Γ(1+μ) / π
  let q = 1 / (ee * Math.PI * g.gm); // (x/2)^{μ} Γ(1−μ) / π
  const pimu2 = 0.5 * pimu;
  const fact3 = Math.abs(pimu2) < EPS ? 1 : Math.sin(pimu2) / pimu2;
  const r = Math.PI * pimu2 * fact3 * fact3; // (2/μ) sin²(μπ/2)
  let c = 1;
  const dd = -x2 * x2;
  let sum = ff + r * q;
  let sum1 = p;
  const mu2 = mu * mu;
  for (let i = 1; i < 1000; i++) {
    ff = (i * ff + p + q) / (i * i - mu2);
    c *= dd / i;
    p /= i - mu;
    q /= i + mu;
    const del = c * (ff + r * q);
    sum += del;
    const del1 = c * p - i * del;
    sum1 += del1;
    if (Math.abs(del) < (1 + Math.abs(sum)) * EPS * 0.5) break;
  }
  H.y = -sum;
  H.j = -sum1 * (2 / x);
}

/**
 * Miller's backward recurrence (DLMF 3.6(iii)): u_{k−1} = (2k/x) u_k − u_{k+1} from u_{N+1} = 0,
 * u_N = 1 down to order μ, recording the pair at ν and at μ. For N far enough above the turning
 * point k = x, u = c·J with c > 0 (J_N(x) > 0 for N > x) up to a relative J_{N}/Y_{N} ≲ 1e-17.
 * N − max(x, ν) ≈ 8·max^{1/3} + 10 comes from the Debye form J_N/Y_N ≈ e^{−2N(α − tanh α)}/2,
 * x = N sech α, which for N = x + t is e^{−(4√2/3) t^{3/2}/√N}: t ≥ 7.7 N^{1/3} makes it < 4e-18.
 * Downward, the J-component is dominant above x and neutral below, so this is the stable way to
 * get J_ν/J_μ — better than CF1 by modified Lentz, whose rounding grows in the oscillatory range.
 * Writes M.{uNu, uNu1, uMu, uMu1, e2}: the values at ν, ν+1 carry an extra factor 2^{e2}.
 */
const M = { uNu: 0, uNu1: 0, uMu: 0, uMu1: 0, e2: 0 };
function millerJ(nu: number, n: number, x: number): void {
  const mu = nu - n;
  const top = Math.max(x, nu);
  const N = n + Math.ceil(top - nu + 8 * Math.cbrt(top) + 10); // steps above ν
  let u1 = 0;
  let u = 1;
  let e2 = 0;
  const xi2 = 2 / x;
  let k = N;
  for (; k > n; k--) {
    const um = (mu + k) * xi2 * u - u1;
    u1 = u;
    u = um;
    if (Math.abs(u) > BIG2) {
      u /= BIG2;
      u1 /= BIG2;
    }
  }
  M.uNu = u;
  M.uNu1 = u1;
  for (; k >= 1; k--) {
    const um = (mu + k) * xi2 * u - u1;
    u1 = u;
    u = um;
    if (Math.abs(u) > BIG2) {
      u /= BIG2;
      u1 /= BIG2;
      e2 += BIG2_EXP; // the stored ν values are now 2^{e2} too large relative to u
    }
  }
  M.uMu = u;
  M.uMu1 = u1;
  M.e2 = e2;
}

/**
 * CF2 (Steed): p + iq = (J′_μ + iY′_μ)/(J_μ + iY_μ)
 *   = −1/(2x) + i + (i/x) · a₁/(b₁ + a₂/(b₂ + …)),  a_k = (k − ½)² − μ², b_k = 2(x + ik),
 * by complex modified Lentz on b₁ + a₂/(b₂ + …). Converges quickly for x ≥ 2. Writes H.j = p, H.y =
 * q.
 */
function cf2JY(mu: number, x: number): void {
  const mu2 = mu * mu;
  const a1 = 0.25 - mu2;
  let fr = 2 * x;
  let fi = 2;
  let Cr = fr;
  let Ci = fi;
  let Dr = 0;
  let Di = 0;
  for (let k = 2; k < 100000; k++) {
    const a = (k - 0.5) * (k - 0.5) - mu2;
    const br = 2 * x;
    const bi = 2 * k;
    Dr = br + a * Dr;
    Di = bi + a * Di;
    const cden = Cr * Cr + Ci * Ci;
    Cr = br + (a * Cr) / cden;
    Ci = bi - (a * Ci) / cden;
    let dden = Dr * Dr + Di * Di;
    if (dden < TINY) dden = TINY;
    Dr = Dr / dden;
    Di = -Di / dden;
    const delr = Cr * Dr - Ci * Di;
    const deli = Cr * Di + Ci * Dr;
    const t = fr * delr - fi * deli;
    fi = fr * deli + fi * delr;
    fr = t;
    if (Math.abs(delr - 1) + Math.abs(deli) < EPS) break;
  }
  const fden = fr * fr + fi * fi;
  const gr = (a1 * fr) / fden;
  const gi = (-a1 * fi) / fden;
  H.j = -0.5 / x - gi / x;
  H.y = 1 + gr / x;
}

/** Result of the general kernel: J_ν, J_{ν+1}, Y_ν, Y_{ν+1} at x > 0, ν ≥ 0. */
export const JY = { j: 0, j1: 0, y: 0, y1: 0, ym: 0, ym1: 0, ye: 0 };

/**
 * Forward recurrence for Y from (y0 = Y_μ, y1 = Y_{μ+1}) over n steps: writes JY.y, JY.y1 and the
 * unscaled pair JY.ym, JY.ym1 with Y = ym·2^{JY.ye} (so Y′ = (ν/x)Y_ν − Y_{ν+1} can be formed
 * before it is scaled: where Y_{ν+1} overflows but Y′ ≈ −Y_{ν+1}/2 does not, and where both
 * overflow, +∞ instead of −∞ − (−∞) = NaN; issue #16).
 */
function upY(mu: number, x: number, y0: number, y1: number, n: number): void {
  const xi2 = 2 / x;
  let e = 0;
  for (let i = 1; i <= n; i++) {
    const y2 = (mu + i) * xi2 * y1 - y0;
    y0 = y1;
    y1 = y2;
    if (Math.abs(y1) > BIG2) {
      y0 /= BIG2;
      y1 /= BIG2;
      e += BIG2_EXP;
    }
    if (!Number.isFinite(y1)) {
      // (μ+i)·2/x overflowed (x ≲ 1e-300): every higher order overflows too (Y_ν → −∞ as x → 0).
      if (i < n) y0 = -Infinity;
      y1 = -Infinity;
      break;
    }
  }
  JY.ym = y0;
  JY.ym1 = y1;
  JY.ye = e;
  JY.y = e === 0 ? y0 : ldexp(y0, e);
  JY.y1 = e === 0 ? y1 : ldexp(y1, e);
}

/**
 * The general kernel: J_ν(x), J_{ν+1}(x), Y_ν(x), Y_{ν+1}(x) for ν ≥ 0, 0 < x < ∞.
 * Results in JY. `wantY = false` skips Y work where it is not needed for J.
 */
export function jyKernel(nu: number, x: number, wantY = true): void {
  if (x < 2) {
    // J from the series (x²/4 < 1); Y from Temme at μ = ν − round(ν), then upward.
    const pre = seriesPrefactor(nu, x);
    JY.j = pre * jSeriesSum(nu, x);
    // (x/2)^{ν+1}/Γ(ν+2) = pre · (x/2)/(ν+1): one rounding instead of Γ's sensitivity to ν+1
    JY.j1 = ((pre * 0.5 * x) / (nu + 1)) * jSeriesSum(nu, x, 1);
    if (wantY) {
      const n = Math.floor(nu + 0.5);
      const mu = nu - n;
      temmeY(mu, x);
      upY(mu, x, H.y, H.j, n);
    }
    return;
  }
  if (x >= 25) {
    const n = Math.floor(nu);
    const mu = nu - n;
    const cx = Math.cos(x);
    const sx = Math.sin(x);
    hankel(mu, x, cx, sx);
    const j0 = H.j;
    const y0 = H.y;
    hankel(mu, x, cx, sx, true);
    const j1 = H.j;
    const y1 = H.y;
    upY(mu, x, y0, y1, n);
    if (nu + Math.cbrt(x) <= x) {
      // Below the turning point: forward recurrence for J is as stable as for Y (see fast.ts jInt).
      let a = j0;
      let b = j1;
      const xi2 = 2 / x;
      for (let i = 1; i <= n; i++) {
        const c = (mu + i) * xi2 * b - a;
        a = b;
        b = c;
      }
      JY.j = a;
      JY.j1 = b;
      return;
    }
    // Above the turning point: Miller's backward recurrence, normalised by the Wronskian with Y_μ.
    millerJ(nu, n, x);
    // u = c J (c > 0); J_{μ+1}Y_μ − J_μY_{μ+1} = 2/(πx) gives c (DLMF 10.5.2).
    const cw = (M.uMu1 * y0 - M.uMu * y1) / (TWO_OVER_PI / x);
    JY.j = ldexp(M.uNu / cw, -M.e2);
    JY.j1 = ldexp(M.uNu1 / cw, -M.e2);
    return;
  }
  // 2 ≤ x < 25: Miller from above ν down to μ ∈ [−½, ½), CF2 at μ.
  const n = Math.floor(nu + 0.5);
  const mu = nu - n;
  millerJ(nu, n, x);
  const u = M.uMu;
  const u1 = M.uMu1;
  cf2JY(mu, x);
  const p = H.j;
  const q = H.y;
  // A = (p − f_μ) u_μ with f_μ = J′_μ/J_μ = μ/x − u_{μ+1}/u_μ; γ = Y_μ/J_μ = A/(q u_μ).
  // |J + iY|² = W/q (W = 2/(πx)) gives the positive factor s = J_μ/u_μ without dividing by u_μ.
  const A = (p - mu / x) * u + u1;
  const s = Math.sqrt(TWO_OVER_PI / x / q) / Math.hypot(u, A / q);
  JY.j = ldexp(s * M.uNu, -M.e2);
  JY.j1 = ldexp(s * M.uNu1, -M.e2);
  if (wantY) {
    const ymu = (s * A) / q;
    const ypmu = s * (u * q + (A * p) / q); // Y′ = pY + qJ
    const ymu1 = (mu / x) * ymu - ypmu;
    upY(mu, x, ymu, ymu1, n);
  }
}

function isInt(v: number): boolean {
  return Number.isInteger(v);
}

/** J_ν(x) for ν ≥ 0, x > 0 finite. */
function jPos(nu: number, x: number): number {
  if (Number.isInteger(nu)) return jInt(nu, x);
  if (useSeries(nu, x)) return seriesPrefactor(nu, x) * jSeriesSum(nu, x);
  if (useHankel(nu, x)) {
    hankel(nu, x, Math.cos(x), Math.sin(x));
    return H.j;
  }
  jyKernel(nu, x, false);
  return JY.j;
}

/** Y_ν(x) for ν ≥ 0, x > 0 finite. */
function yPos(nu: number, x: number): number {
  if (x >= 2 && Number.isInteger(nu)) return yInt(nu, x);
  if (useHankel(nu, x)) {
    hankel(nu, x, Math.cos(x), Math.sin(x));
    return H.y;
  }
  jyKernel(nu, x, true);
  return JY.y;
}

/**
 * Bessel function of the first kind J_ν(x) (DLMF 10.2.2).
 * Any real order; negative x only for integer order (J_n(−x) = (−1)^n J_n(x)).
 * @throws DomainError naming `nu` (non-finite) or `x` (x < 0 with non-integer ν).
 */
export function besselJ(nu: number, x: number): number {
  // Hot path first: small non-negative integer order, positive finite x (NaN fails both tests).
  if (x > 0 && x < Infinity && nu >= 0 && nu <= MAX_ORDER && (nu | 0) === nu) return jInt(nu, x);
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  checkOrder("besselJ", nu);
  if (x < 0) {
    if (!isInt(nu))
      return domainError(
        "besselJ",
        "x",
        x,
        "x ≥ 0 for non-integer order (J_ν(x) is complex for x < 0)",
      );
    const v = besselJ(nu, -x);
    return nu % 2 === 0 ? v : -v;
  }
  if (nu < 0) {
    if (isInt(nu)) {
      const v = besselJ(-nu, x);
      return nu % 2 === 0 ? v : -v; // J_{−n} = (−1)^n J_n (DLMF 10.4.1)
    }
    // DLMF 10.2.3 rearranged: J_{−ν} = cos(νπ) J_ν − sin(νπ) Y_ν.
    const a = -nu;
    const c = cospi(a);
    const s = sinpi(a);
    const jv = besselJ(a, x);
    const yv = besselY(a, x);
    return (c === 0 ? 0 : c * jv) - s * yv;
  }
  if (x === 0) return nu === 0 ? 1 : 0;
  if (x === Infinity) return 0;
  return jPos(nu, x);
}

/**
 * Bessel function of the second kind Y_ν(x) (DLMF 10.2.3), x ≥ 0 (−∞ at x = 0).
 * @throws DomainError naming `x` for x < 0 (complex there) or `nu` if it is not finite.
 */
export function besselY(nu: number, x: number): number {
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  checkOrder("besselY", nu);
  if (x < 0) return domainError("besselY", "x", x, "x ≥ 0 (Y_ν(x) is complex for x < 0)");
  if (nu < 0) {
    if (isInt(nu)) {
      const v = besselY(-nu, x);
      return nu % 2 === 0 ? v : -v; // Y_{−n} = (−1)^n Y_n
    }
    // Y_{−ν} = sin(νπ) J_ν + cos(νπ) Y_ν (DLMF 10.4.7 with 10.2.3).
    const a = -nu;
    const c = cospi(a);
    const s = sinpi(a);
    const jv = besselJ(a, x);
    if (c === 0) return s * jv;
    return s * jv + c * besselY(a, x);
  }
  if (x === 0) return -Infinity;
  if (x === Infinity) return 0;
  return yPos(nu, x);
}

/**
 * J′_ν(x) = dJ_ν/dx (DLMF 10.6.2: J′_ν = (ν/x)J_ν − J_{ν+1}). Same domain as besselJ.
 */
export function besselJPrime(nu: number, x: number): number {
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  checkOrder("besselJPrime", nu);
  if (x < 0) {
    if (!isInt(nu))
      return domainError(
        "besselJPrime",
        "x",
        x,
        "x ≥ 0 for non-integer order (J_ν(x) is complex for x < 0)",
      );
    const v = besselJPrime(nu, -x);
    return nu % 2 === 0 ? -v : v; // d/dx of an even/odd function
  }
  if (nu < 0) {
    if (isInt(nu)) {
      const v = besselJPrime(-nu, x);
      return nu % 2 === 0 ? v : -v;
    }
    const a = -nu;
    const c = cospi(a);
    const s = sinpi(a);
    const v = (c === 0 ? 0 : c * besselJPrime(a, x)) - s * besselYPrime(a, x);
    // ∞ − ∞ only at subnormal x, where J_{−a} ~ (x/2)^{−a}/Γ(1−a) dominates: J′ ~ −a J_{−a}/x
    return Number.isNaN(v) ? -Math.sign(rgamma(1 - a)) * Infinity : v;
  }
  if (x === 0) {
    if (nu === 0 || nu > 1) return 0;
    if (nu === 1) return 0.5;
    return Infinity; // 0 < ν < 1: J′_ν ~ (ν/2)(x/2)^{ν−1}/Γ(ν+1)
  }
  if (x === Infinity) return 0;
  if (nu === 0) return -besselJ(1, x); // J′₀ = −J₁ (the series form is 0·∞ at subnormal x)
  if (useSeries(nu, x)) return jPrimeSeries(nu, x);
  if (useHankel(nu + 1, x)) {
    const cx = Math.cos(x);
    const sx = Math.sin(x);
    hankel(nu, x, cx, sx);
    const j = H.j;
    hankel(nu, x, cx, sx, true);
    return (nu / x) * j - H.j;
  }
  jyKernel(nu, x, false);
  return (nu / x) * JY.j - JY.j1;
}

/** Y′_ν(x) = (ν/x)Y_ν − Y_{ν+1} (DLMF 10.6.2), x ≥ 0 (+∞ at 0). */
export function besselYPrime(nu: number, x: number): number {
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  checkOrder("besselYPrime", nu);
  if (x < 0) return domainError("besselYPrime", "x", x, "x ≥ 0 (Y_ν(x) is complex for x < 0)");
  if (nu < 0) {
    if (isInt(nu)) {
      const v = besselYPrime(-nu, x);
      return nu % 2 === 0 ? v : -v;
    }
    const a = -nu;
    const c = cospi(a);
    const s = sinpi(a);
    return s * besselJPrime(a, x) + (c === 0 ? 0 : c * besselYPrime(a, x));
  }
  if (x === 0) return Infinity;
  if (x === Infinity) return 0;
  if (useHankel(nu + 1, x)) {
    const cx = Math.cos(x);
    const sx = Math.sin(x);
    hankel(nu, x, cx, sx);
    const y = H.y;
    hankel(nu, x, cx, sx, true);
    return (nu / x) * y - H.y;
  }
  jyKernel(nu, x, true);
  // In the scaled form: (ν/x)·ym cannot overflow where (ν/x)·Y would not.
  const d = (nu / x) * JY.ym - JY.ym1;
  // NaN here only from ∞ − ∞ (x ≲ 1e-300, both terms overflow): Y′ > 0 below its first zero.
  if (Number.isNaN(d)) return Infinity;
  return JY.ye === 0 ? d : ldexp(d, JY.ye);
}

const SQRT_HALF_PI = 1.2533141373155002512; // √(π/2)

/**
 * Spherical Bessel function j_ℓ(x) = √(π/(2x)) J_{ℓ+½}(x) (DLMF 10.47.3), ℓ = 0, 1, 2, …
 * Any real x (j_ℓ(−x) = (−1)^ℓ j_ℓ(x)); j_0(0) = 1.
 */
export function sphericalJ(l: number, x: number): number {
  if (Number.isNaN(l) || Number.isNaN(x)) return NaN;
  checkNonNegativeInteger("sphericalJ", l, "l");
  checkOrder("sphericalJ", l, "l");
  if (x < 0) {
    const v = sphericalJ(l, -x);
    return l % 2 === 0 ? v : -v;
  }
  if (x === 0) return l === 0 ? 1 : 0;
  if (x === Infinity) return 0;
  if (l === 0 && x > 1e-4) return Math.sin(x) / x; // exact closed form, cheaper
  if (x < 1) return sphericalJSeries(l, x); // no alternation, ≤ ℓ + 2 roundings in the lead
  const v = (SQRT_HALF_PI / Math.sqrt(x)) * jPos(l + 0.5, x);
  // J_{ℓ+½} underflows before j_ℓ does (j_1(1e-250) ≈ 3e-251 but J_{3/2}(1e-250) ≈ 1e-375): there
  // use the series of j_ℓ itself (DLMF 10.53.1), x^ℓ/(2ℓ+1)!! Σ (−x²/2)^k/(k!(2ℓ+3)…(2ℓ+2k+1))
  if (Math.abs(v) < 1e-280 && x * x < 2 * l + 3) return sphericalJSeries(l, x);
  return v;
}

/**
 * j_ℓ(x) by its power series (DLMF 10.53.1) for x² < 2ℓ + 3; the lead x^ℓ/(2ℓ+1)!! as a product.
 */
function sphericalJSeries(l: number, x: number): number {
  let lead = 1;
  for (let i = 1; i <= l && lead !== 0; i++) lead *= x / (2 * i + 1);
  if (lead === 0) return 0;
  const z = 0.5 * x * x;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 1000; k++) {
    term *= -z / (k * (2 * l + 2 * k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return lead * sum;
}

/**
 * Spherical Bessel function of the second kind y_ℓ(x) = √(π/(2x)) Y_{ℓ+½}(x) (DLMF 10.47.4).
 * Any real x ≠ 0 (y_ℓ(−x) = (−1)^{ℓ+1} y_ℓ(x)); −∞ at x = 0.
 */
export function sphericalY(l: number, x: number): number {
  if (Number.isNaN(l) || Number.isNaN(x)) return NaN;
  checkNonNegativeInteger("sphericalY", l, "l");
  checkOrder("sphericalY", l, "l");
  if (x < 0) {
    const v = sphericalY(l, -x);
    return l % 2 === 0 ? -v : v;
  }
  if (x === 0) return -Infinity;
  if (x === Infinity) return 0;
  if (l === 0) return -Math.cos(x) / x;
  return (SQRT_HALF_PI / Math.sqrt(x)) * yPos(l + 0.5, x);
}

/**
 * The general real-order kernel's J_ν(x), J_{ν+1}(x), Y_ν(x), Y_{ν+1}(x) as a fresh object, without
 * the integer-order fast paths `besselJ`/`besselY` take (for cross-checks of the two; `JY` is the
 * kernel's scratch and stays module state).
 */
export function jyGeneral(
  nu: number,
  x: number,
): Readonly<{ j: number; j1: number; y: number; y1: number }> {
  jyKernel(nu, x, true);
  return { j: JY.j, j1: JY.j1, y: JY.y, y1: JY.y1 };
}
