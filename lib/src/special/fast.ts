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
 * recurrence normalised by I₀ for I (I is dominant downward, all terms positive).
 */
import { TABLE_X0, TABLE_H, TABLE_N, J0, J1, Y0, Y1, I0e, I1e } from "./tables";
import { H, hankel, jSeriesSum, seriesPrefactor, jyKernel, JY } from "./jy";
import { iSeriesSumM1 } from "./ik";
import { expScaled } from "./scale";

const X_TABLE_END = TABLE_X0 + TABLE_H * (TABLE_N - 1); // 50
const INV_H = 1 / TABLE_H;
/** Polynomial terms per node: degree 10 in h; the first omitted term is ≤ (1/8)^11/11! < 3e-18. */
const K = 11;

/**
 * Taylor coefficients at every node, built once at load from the node values by the derivative
 * recurrence: c0[iK + k] = y⁽ᵏ⁾(x_i)/k!, c1[iK + k] = y⁽ᵏ⁺¹⁾(x_i)/k! (the expansion of y′).
 * sgn = +1 for Bessel's equation (J, Y), −1 for the modified one (I); yp = y′ at the nodes.
 */
function buildCoefficients(
  y: Float64Array,
  yp: Float64Array,
  sgn: number,
): { c0: Float64Array; c1: Float64Array } {
  const c0 = new Float64Array(TABLE_N * K);
  const c1 = new Float64Array(TABLE_N * K);
  for (let i = 0; i < TABLE_N; i++) {
    const x0 = TABLE_X0 + TABLE_H * i;
    let a = 0; // y^(k−1)
    let b = y[i]!; // y^(k)
    let c = yp[i]!; // y^(k+1)
    let fact = 1; // k!
    for (let k = 0; k < K; k++) {
      c0[i * K + k] = b / fact;
      c1[i * K + k] = c / fact;
      // x y^(k+2) + (k+1) y^(k+1) + sgn·(x y^(k) + k y^(k−1)) = 0
      const d = -((k + 1) * c + sgn * (x0 * b + k * a)) / x0;
      a = b;
      b = c;
      c = d;
      fact *= k + 1;
    }
  }
  return { c0, c1 };
}

const negate = (t: Float64Array) => t.map((v) => -v);
const CJ = buildCoefficients(J0, negate(J1), 1); // J₀′ = −J₁
const CY = buildCoefficients(Y0, negate(Y1), 1); // Y₀′ = −Y₁
const CI = buildCoefficients(I0e, I1e, -1); // (e^{−x₀} I₀)′ = e^{−x₀} I₁ at fixed x₀ scaling
const CJ0 = CJ.c0;
const CJ1 = CJ.c1;
const EXP_X0 = Float64Array.from({ length: TABLE_N }, (_, i) => Math.exp(TABLE_X0 + TABLE_H * i));

/** Σ_k c[base + k] h^k, degree K − 1 (Horner, unrolled). */
function poly(c: Float64Array, base: number, h: number): number {
  return (
    c[base]! +
    h *
      (c[base + 1]! +
        h *
          (c[base + 2]! +
            h *
              (c[base + 3]! +
                h *
                  (c[base + 4]! +
                    h *
                      (c[base + 5]! +
                        h *
                          (c[base + 6]! +
                            h *
                              (c[base + 7]! +
                                h * (c[base + 8]! + h * (c[base + 9]! + h * c[base + 10]!)))))))))
  );
}

// Node index and offset of the last table lookup.
let NODE = 0;
let OFFSET = 0;
function locate(x: number): void {
  NODE = Math.round((x - TABLE_X0) * INV_H);
  OFFSET = x - (TABLE_X0 + TABLE_H * NODE); // exact (Sterbenz)
}

/** Scratch: values of orders 0 and 1 from the last call of j01/y01/i01. */
export const F = { f0: 0, f1: 0 };

/** J₀(x) for x ≥ 0 finite. */
function j0(x: number): number {
  if (x < TABLE_X0) return jSeriesSum(0, x);
  if (x < X_TABLE_END) {
    const i = Math.round((x - TABLE_X0) * INV_H);
    return poly(CJ0, i * K, x - (TABLE_X0 + TABLE_H * i));
  }
  hankel(0, x, Math.cos(x), Math.sin(x));
  return H.j;
}

/** J₁(x) for x ≥ 0 finite. */
function j1(x: number): number {
  if (x < TABLE_X0) return 0.5 * x * jSeriesSum(1, x);
  if (x < X_TABLE_END) {
    const i = Math.round((x - TABLE_X0) * INV_H);
    return -poly(CJ1, i * K, x - (TABLE_X0 + TABLE_H * i));
  }
  hankel(1, x, Math.cos(x), Math.sin(x));
  return H.j;
}

/** J₀(x), J₁(x) for x ≥ 0 finite: writes F.f0, F.f1. */
export function j01(x: number): void {
  if (x < TABLE_X0) {
    F.f0 = jSeriesSum(0, x);
    F.f1 = 0.5 * x * jSeriesSum(1, x);
  } else if (x < X_TABLE_END) {
    locate(x);
    F.f0 = poly(CJ.c0, NODE * K, OFFSET);
    F.f1 = -poly(CJ.c1, NODE * K, OFFSET);
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
    locate(x);
    F.f0 = poly(CY.c0, NODE * K, OFFSET);
    F.f1 = -poly(CY.c1, NODE * K, OFFSET);
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
  if (n === 0) return j0(x);
  if (n === 1) return j1(x);
  if (x <= 2 || 0.25 * x * x <= 0.5 * (n + 1)) return seriesPrefactor(n, x) * jSeriesSum(n, x);
  if (x >= X_TABLE_END && n * n <= 2 * x) {
    hankel(n, x, Math.cos(x), Math.sin(x));
    return H.j;
  }
  j01(x);
  const jz = F.f0;
  const jo = F.f1;
  const xi2 = 2 / x;
  // Forward recurrence is accurate below the turning point (measured ≤ 2.4e-15 of the envelope for
  // n ≤ 60, x ≤ 1000); within ~x^{1/3} of it, and above, Miller (whose rounding instead grows with
  // the number of oscillatory steps, ~x·1e-16, so it is kept for n > x − x^{1/3} only).
  const d = x - n;
  if (d > 0 && d * d * d >= x) {
    // n + x^{1/3} ≤ x without a cbrt call
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
  // u = c J₀, u1 = c J₁: least-squares c over both, well conditioned since J₀² + J₁² never
  // vanishes.
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
    if (!Number.isFinite(b)) return -Infinity; // Y_n(x) → −∞ with n; once it overflows, so does Y_n
  }
  return b;
}

/**
 * e^{−x} I₀(x), e^{−x} I₁(x) for 0 < x < ∞ (or I₀, I₁ themselves if `unscaled`): writes F.f0, F.f1.
 */
function i01(x: number, unscaled: boolean): void {
  if (x < TABLE_X0) {
    const e = unscaled ? 1 : Math.exp(-x);
    F.f0 = e * (1 + iSeriesSumM1(0, x));
    F.f1 = e * 0.5 * x * (1 + iSeriesSumM1(1, x));
  } else if (x < X_TABLE_END) {
    // The expansion of e^{−x₀} I(x₀ + h) (node values are scaled by the constant e^{−x₀});
    // multiply by e^{x₀} (tabulated) for I, or by e^{−h} for e^{−x} I.
    locate(x);
    const e = unscaled ? EXP_X0[NODE]! : Math.exp(-OFFSET);
    F.f0 = e * poly(CI.c0, NODE * K, OFFSET);
    F.f1 = e * poly(CI.c1, NODE * K, OFFSET);
  } else {
    // DLMF 10.40.1 for ν = 0, 1 (x ≥ 50: terms fall fast, smallest ~e^{−100})
    const ex = 8 * x;
    let t0 = 1;
    let t1 = 1;
    let s0 = 1;
    let s1 = 1;
    for (let k = 1; k < 60; k++) {
      const o = (2 * k - 1) * (2 * k - 1);
      t0 *= o / (k * ex);
      t1 *= -(4 - o) / (k * ex);
      s0 += t0;
      s1 += t1;
      if (Math.abs(t0) < 1e-17 && Math.abs(t1) < 1e-17) break;
    }
    const a = (unscaled ? expScaled(1, x) : 1) * (0.3989422804014327 / Math.sqrt(x)); // not √(2πx): overflows
    F.f0 = a * s0;
    F.f1 = a * s1;
  }
}

/** e^{−x} I_n(x) for integer n ≥ 0, 0 < x < ∞ (n ≤ 1e4). */
export function iIntScaled(n: number, x: number): number {
  if (n <= 1) {
    i01(x, false);
    return n === 0 ? F.f0 : F.f1;
  }
  if (useSeriesIInt(n, x)) return seriesPrefactor(n, x) * Math.exp(-x) * (1 + iSeriesSumM1(n, x));
  if (n * n <= x && x < X_TABLE_END) return upwardI(n, x, false);
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
    return s * (0.3989422804014327 / Math.sqrt(x)); // 1/√(2π); √(2πx) would overflow for x > 2.8e307
  }
  return millerI(n, x, false);
}

/** Power series for integer-order I where it converges in ≲ 12 positive terms. */
function useSeriesIInt(n: number, x: number): boolean {
  return x <= 2 || 0.25 * x * x <= n + 1;
}

/**
 * Forward recurrence I_{k+1} = I_{k−1} − (2k/x) I_k from the table's I₀, I₁. I is recessive
 * upward, so rounding errors grow like K_k I₀/(K₀ I_k) ≈ e^{k²/x}: used only for n² ≤ x, where
 * that factor is ≤ e, for 2 ≤ x < 50.
 */
function upwardI(n: number, x: number, unscaled: boolean): number {
  i01(x, unscaled);
  let a = F.f0;
  let b = F.f1;
  const xi2 = 2 / x;
  for (let k = 1; k < n; k++) {
    const c = a - k * xi2 * b;
    a = b;
    b = c;
  }
  return b;
}

/**
 * Miller's backward recurrence u_{k−1} = (2k/x) u_k + u_{k+1} (I is dominant downward) from u_N,
 * normalised by I₀ (or e^{−x} I₀) from the table — all terms positive. Start N: the relative error
 * of u_n/u_0 is ~ (I_N K_n)/(K_N I_n), which for N ≲ x is ≈ e^{−(N² − n²)/x}, so N² ≥ n² + 40x
 * gives < 1e-17; above x it falls faster still. For 2 < x < 50 (beyond the series region).
 */
function millerI(n: number, x: number, unscaled: boolean): number {
  const N = Math.ceil(Math.sqrt(n * n + 40 * x)) + 4;
  const xi2 = 2 / x;
  let u1 = 0;
  let u = 1e-280; // tiny start: the recurrence grows downward
  let k = N;
  if (N <= 150 && x >= 2) {
    // Growth from N down to 0 is ≤ Π(2k/x + 1) ≤ (N+1)! < 1e265 here: no rescaling needed, so the
    // hot loop has no branches.
    for (; k > n; k--) {
      const um = k * xi2 * u + u1;
      u1 = u;
      u = um;
    }
    const un = u;
    for (; k >= 1; k--) {
      const um = k * xi2 * u + u1;
      u1 = u;
      u = um;
    }
    i01(x, unscaled);
    return F.f0 * (un / u);
  }
  let un = 0;
  for (; k >= 1; k--) {
    const um = k * xi2 * u + u1;
    u1 = u;
    u = um;
    if (k === n + 1) un = u; // u_n
    if (u > 1e200) {
      u *= 1e-200;
      u1 *= 1e-200;
      un *= 1e-200;
    }
  }
  i01(x, unscaled);
  return F.f0 * (un / u);
}

/** I_n(x) for integer n ≥ 0, 0 < x < ∞ (overflows to Infinity where I does). */
export function iInt(n: number, x: number): number {
  if (n <= 1) {
    i01(x, true);
    return n === 0 ? F.f0 : F.f1;
  }
  if (useSeriesIInt(n, x)) return seriesPrefactor(n, x) * (1 + iSeriesSumM1(n, x));
  if (x < X_TABLE_END) return n * n <= x ? upwardI(n, x, true) : millerI(n, x, true);
  return expScaled(iIntScaled(n, x), x);
}
