/**
 * Fast paths for integer orders: J_n, Y_n, I_n (and e^{−x} I_n).
 *
 * Orders 0 and 1 on 2 ≤ x < 50 come from a table of exact node values (tables.ts, from mpmath)
 * on x_i = 2 + i/4 and a Taylor expansion about the nearest node (|h| ≤ 1/8). The Taylor
 * coefficients come from Bessel's equation itself: differentiating x y″ + y′ ± x y = 0 k times
 * gives x y⁽ᵏ⁺²⁾ + (k+1) y⁽ᵏ⁺¹⁾ ± x y⁽ᵏ⁾ ± k y⁽ᵏ⁻¹⁾ = 0 (+ for J, Y; − for I), so from
 * (y, y′) = (J₀, −J₁), (Y₀, −Y₁) or (I₀, I₁) at the node every derivative follows. All
 * derivatives are bounded by the envelope and h^k/k! < 6e-18 at k = 11, so 12 terms reach full
 * precision; the recurrence's growth ~k/x per step is beaten by h^k/k! since h/x ≤ 1/16.
 * Outside the table: power series (x < 2) and Hankel's expansion (x ≥ 50).
 *
 * Higher integer orders: forward recurrence from orders 0 and 1 where n ≤ x (both solutions
 * oscillate there; stable for Y everywhere), Miller's backward recurrence normalised to (J₀, J₁)
 * by least squares where n > x (never divides by a J₀ or J₁ near its zero), and Miller's
 * recurrence normalised by Σ (DLMF 10.35.5) for I (I is dominant downward, all terms positive).
 */
import { TABLE_X0, TABLE_H, TABLE_N, J0, J1, Y0, Y1, I0e, I1e } from "./tables";
import { H, hankel, jSeriesSum, seriesPrefactor, jyKernel, JY } from "./jy";
import { iSeriesSumM1 } from "./ik";

const X_TABLE_END = TABLE_X0 + TABLE_H * (TABLE_N - 1); // 50
const TAYLOR_TERMS = 12;
const INV_H = 1 / TABLE_H;
const INV_INT = Float64Array.from({ length: TAYLOR_TERMS + 2 }, (_, k) => (k === 0 ? 0 : 1 / k));
const INV_X0 = Float64Array.from({ length: TABLE_N }, (_, i) => 1 / (TABLE_X0 + TABLE_H * i));

/** Scratch: values of orders 0 and 1 from the last call. */
export const F = { f0: 0, f1: 0 };

/**
 * Taylor step from the nearest node: writes F.f0 = y(x), F.f1 = y′(x). sgn = +1 for J/Y, −1 for I.
 * (T0, T1) are the node values of y and y′ (for J and Y pass (J0, −J1) via neg = true).
 */
function taylor(x: number, T0: Float64Array, T1: Float64Array, neg: boolean, sgn: number): void {
  const i = Math.round((x - TABLE_X0) * INV_H);
  const x0 = TABLE_X0 + TABLE_H * i; // exact
  const h = x - x0; // exact (Sterbenz)
  const xi = INV_X0[i]!;
  let a = 0; // y^(k−1)
  let b = T0[i]!; // y^(k)
  let c = neg ? -T1[i]! : T1[i]!; // y^(k+1)
  let f = b;
  let g = c;
  let hk = 1;
  const sx0 = sgn * x0;
  // Stop once h^k/k! < 2^-56 (derivatives are bounded by the envelope): ≤ 12 terms at |h| = 1/8.
  for (let k = 0; k < TAYLOR_TERMS; k++) {
    // y^(k+2) = −[(k+1) y^(k+1) + sgn·(x₀ y^(k) + k y^(k−1))] / x₀
    const d = -((k + 1) * c + sx0 * b + sgn * k * a) * xi;
    a = b;
    b = c;
    c = d;
    hk *= h * INV_INT[k + 1]!;
    f += hk * b;
    g += hk * c;
    if (Math.abs(hk) < 1.4e-17) break;
  }
  F.f0 = f;
  F.f1 = g;
}

/** J₀(x), J₁(x) for x ≥ 0 finite: writes F.f0, F.f1. */
export function j01(x: number): void {
  if (x < TABLE_X0) {
    F.f0 = jSeriesSum(0, x);
    F.f1 = 0.5 * x * jSeriesSum(1, x);
  } else if (x < X_TABLE_END) {
    taylor(x, J0, J1, true, 1);
    F.f1 = -F.f1; // J₁ = −J₀′
  } else {
    const cx = Math.cos(x);
    const sx = Math.sin(x);
    hankel(0, x, cx, sx);
    const a = H.j;
    hankel(1, x, cx, sx);
    F.f0 = a;
    F.f1 = H.j;
  }
}

/** Y₀(x), Y₁(x) for 2 ≤ x < ∞: writes F.f0, F.f1. */
function y01(x: number): void {
  if (x < X_TABLE_END) {
    taylor(x, Y0, Y1, true, 1);
    F.f1 = -F.f1;
  } else {
    const cx = Math.cos(x);
    const sx = Math.sin(x);
    hankel(0, x, cx, sx);
    const a = H.y;
    hankel(1, x, cx, sx);
    F.f0 = a;
    F.f1 = H.y;
  }
}

/** J_n(x) for integer n ≥ 0, 0 < x < ∞. */
export function jInt(n: number, x: number): number {
  if (n <= 1) {
    if (x < TABLE_X0) return n === 0 ? jSeriesSum(0, x) : 0.5 * x * jSeriesSum(1, x);
    j01(x);
    return n === 0 ? F.f0 : F.f1;
  }
  if (x <= 2 || 0.25 * x * x <= 0.5 * (n + 1)) return seriesPrefactor(n, x) * jSeriesSum(n, x);
  if (x >= X_TABLE_END && n * n <= 2 * x) {
    hankel(n, x, Math.cos(x), Math.sin(x));
    return H.j;
  }
  j01(x);
  const jz = F.f0;
  const jo = F.f1;
  const xi2 = 2 / x;
  if (n <= x) {
    let a = jz;
    let b = jo;
    for (let k = 1; k < n; k++) {
      const c = k * xi2 * b - a;
      a = b;
      b = c;
    }
    return b;
  }
  if (n > 1000) {
    jyKernel(n, x, false); // rescaling-aware general path for very high orders
    return JY.j;
  }
  // Miller: start N above max(n, x) (see jy.ts millerJ for the choice), normalise to (J₀, J₁).
  const N = Math.ceil(n + 8 * Math.cbrt(n) + 10);
  let u1 = 0;
  let u = 1;
  let un = 0;
  for (let k = N; k >= 1; k--) {
    const um = k * xi2 * u - u1;
    u1 = u;
    u = um;
    if (k === n + 1) un = u; // u is now u_n
    if (Math.abs(u) > 1e250) {
      u *= 1e-250;
      u1 *= 1e-250;
      un *= 1e-250;
    }
  }
  // u = c J₀, u1 = c J₁: least-squares c over both, well conditioned since J₀² + J₁² never vanishes.
  const c = (u * jz + u1 * jo) / (jz * jz + jo * jo);
  return un / c;
}

/** Y_n(x) for integer n ≥ 0, 2 ≤ x < ∞ (forward recurrence, stable for Y). */
export function yInt(n: number, x: number): number {
  y01(x);
  if (n === 0) return F.f0;
  let a = F.f0;
  let b = F.f1;
  const xi2 = 2 / x;
  for (let k = 1; k < n; k++) {
    const c = k * xi2 * b - a;
    a = b;
    b = c;
  }
  return b;
}

/** e^{−x} I₀(x), e^{−x} I₁(x) for 0 < x < ∞: writes F.f0, F.f1. */
function i01e(x: number): void {
  if (x < TABLE_X0) {
    const e = Math.exp(-x);
    F.f0 = e * (1 + iSeriesSumM1(0, x));
    F.f1 = e * 0.5 * x * (1 + iSeriesSumM1(1, x));
  } else if (x < X_TABLE_END) {
    // Expand the unscaled I about the node (node values rescaled by e^{x₀}), then rescale by e^{−x}:
    // e^{−x} I(x) = e^{−h} · [Σ I^{(k)}(x₀) e^{−x₀} h^k/k!].
    taylor(x, I0e, I1e, false, -1);
    const e = Math.exp(-(x - (TABLE_X0 + TABLE_H * Math.round((x - TABLE_X0) / TABLE_H))));
    F.f0 *= e;
    F.f1 *= e;
  } else {
    // DLMF 10.40.1 for ν = 0, 1 (x ≥ 50: terms fall fast, smallest ~e^{−100})
    const ex = 8 * x;
    let t0 = 1;
    let t1 = 1;
    let s0 = 1;
    let s1 = 1;
    for (let k = 1; k < 60; k++) {
      const o = (2 * k - 1) * (2 * k - 1);
      t0 *= -(0 - o) / (k * ex);
      t1 *= -(4 - o) / (k * ex);
      s0 += t0;
      s1 += t1;
      if (Math.abs(t0) < 1e-17 && Math.abs(t1) < 1e-17) break;
    }
    const a = 1 / Math.sqrt(2 * Math.PI * x);
    F.f0 = a * s0;
    F.f1 = a * s1;
  }
}

/** e^{−x} I_n(x) for integer n ≥ 0, 0 < x < ∞ (n ≤ 1e4). */
export function iIntScaled(n: number, x: number): number {
  if (n <= 1) {
    i01e(x);
    return n === 0 ? F.f0 : F.f1;
  }
  if (x <= 2 || (x <= 10 && n >= 4)) {
    // series: positive terms, ≲ 20 of them here
    return seriesPrefactor(n, x) * Math.exp(-x) * (1 + iSeriesSumM1(n, x));
  }
  if (x >= X_TABLE_END && n * n <= 2 * x) {
    // DLMF 10.40.1 directly
    const m = 4 * n * n;
    const ex = 8 * x;
    let t = 1;
    let s = 1;
    for (let k = 1; k < 200; k++) {
      const o = 2 * k - 1;
      const tn = (-t * (m - o * o)) / (k * ex);
      if (o * o > m && Math.abs(tn) >= Math.abs(t)) break;
      t = tn;
      s += t;
      if (Math.abs(t) < 1e-17) break;
    }
    return s / Math.sqrt(2 * Math.PI * x);
  }
  // Miller's backward recurrence u_{k−1} = (2k/x) u_k + u_{k+1} (I is dominant downward), normalised
  // by the generating-function sum I₀ + 2 Σ_{k≥1} I_k = e^{x} (DLMF 10.35.5 at θ = 0): all terms
  // positive, no I₀ evaluation needed. Start N: the relative error of u is ~ (I_N K_n)/(K_N I_n);
  // for N ≲ x that is ≈ e^{−(N² − n²)/x}, so N² ≥ n² + 40x gives < 1e-17 (above x it falls faster).
  // The sum's tail Σ_{k>N} I_k/I₀ ≈ e^{−N²/(2x)} needs N² ≥ 80x as well: take N² = n² + 80x.
  const N = Math.ceil(Math.sqrt(n * n + 80 * x)) + 12;
  const xi2 = 2 / x;
  let u1 = 0;
  let u = 1e-280; // tiny start: the recurrence grows downward
  let sum = 0;
  let un = 0;
  for (let k = N; k >= 1; k--) {
    const um = k * xi2 * u + u1;
    u1 = u;
    u = um;
    sum += u1; // u1 = u_k
    if (k === n + 1) un = u; // u_n
    if (u > 1e200) {
      u *= 1e-200;
      u1 *= 1e-200;
      sum *= 1e-200;
      un *= 1e-200;
    }
  }
  return un / (u + 2 * sum);
}

/** I_n(x) for integer n ≥ 0, 0 < x < ∞ (overflows to Infinity where I does). */
export function iInt(n: number, x: number): number {
  if (x <= 2 || (x <= 10 && n >= 4)) return seriesPrefactor(n, x) * (1 + iSeriesSumM1(n, x));
  const s = iIntScaled(n, x);
  return x < 700 ? s * Math.exp(x) : s * Math.exp(0.5 * x) * Math.exp(0.5 * x);
}
