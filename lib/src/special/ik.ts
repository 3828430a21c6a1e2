/**
 * Modified Bessel functions I_ν(x), K_ν(x), their exponentially scaled forms, log I_ν and the
 * ratio I_{ν+1}/I_ν, real order, float64.
 *
 * Regions (x > 0, ν ≥ 0):
 *  - I by its power series (DLMF 10.25.2) when x ≤ 10 or x²/4 ≤ 4(ν+1): all terms positive, so
 *    the sum is as accurate as its terms; ≲ 40 terms in that region.
 *  - Large-argument expansions (DLMF 10.40.1–2) when x ≥ 25 and ν² ≤ 2x (same reasoning as
 *    Hankel's expansion for J/Y: terms fall like 1/k!, the smallest is ~e^{−2x}).
 *  - Otherwise Temme's method (Temme 1975; Numerical Recipes §6.7 bessik, rewritten here):
 *    K_μ, K_{μ+1} at μ = ν − round(ν) from Temme's series (x < 2) or Steed's CF2 (x ≥ 2, which
 *    yields e^x K_μ directly); K carried up to ν by forward recurrence (K is dominant upward);
 *    CF1 for I_{ν+1}/I_ν, backward recurrence (I is dominant downward) to μ, and the Wronskian
 *    I_μ K_{μ+1} + I_{μ+1} K_μ = 1/x (DLMF 10.28.2) fixes the scale — a sum of positive terms.
 * Values are carried as mantissa × 2^{e} (exact power-of-two rescaling in the recurrences, final
 * e^{±x} by Cody–Waite reduction in scale.ts) so that log I_ν for ν in the hundreds (vMF normaliser
 * in d = 512) never overflows and no digits go to exp of a large argument.
 * Integer orders up to 10⁴ take the fast paths in fast.ts first.
 */
import { logGammaP1, temmeGammas, rgamma, sinpi as sinpiLocal } from "./gamma";
import { seriesPrefactor } from "./jy";
import { checkOrder, checkNonNegativeOrder } from "./checks";
import { BIG2, BIG2_EXP, expScaled } from "./scale";
import { iInt, iIntScaled } from "./fast";
import { domainError } from "../errors";

const EPS = 2.220446049250313e-16;

function useSeriesI(nu: number, x: number): boolean {
  return x <= 10 || 0.25 * x * x <= 4 * (nu + 1);
}

function useAsymptotic(nu: number, x: number): boolean {
  return x >= 25 && nu * nu <= 2 * x;
}

/** Σ_k (x²/4)^k / (k!(ν+1)_k) − 1 (DLMF 10.25.2 without its leading factor and first term). */
export function iSeriesSumM1(nu: number, x: number): number {
  const z = 0.25 * x * x;
  let term = 1;
  let sum = 0;
  for (let k = 1; k < 10000; k++) {
    term *= z / (k * (nu + k));
    sum += term;
    if (term <= 1e-17 * (1 + sum)) break;
  }
  return sum;
}

// Scratch for the asymptotic sums.
const A = { i: 0, k: 0 };

/** DLMF 10.40.1–2: e^{−x} I_ν(x) and e^{x} K_ν(x) for large x. Writes A.i, A.k. */
function asymptoticIK(nu: number, x: number): void {
  const m = 4 * nu * nu;
  const ex = 8 * x;
  let t = 1;
  let sk = 1; // Σ t_k
  let si = 1; // Σ (−1)^k t_k
  for (let k = 1; k < 400; k++) {
    const o = 2 * k - 1;
    const tn = (t * (m - o * o)) / (k * ex);
    if (o * o > m && Math.abs(tn) >= Math.abs(t)) break;
    t = tn;
    sk += t;
    si += k & 1 ? -t : t;
    if (Math.abs(t) < 1e-17) break;
  }
  const rx = 1 / Math.sqrt(x); // not √(2πx): that overflows for x > 2.8e307
  A.i = si * (0.3989422804014327 * rx); // 1/√(2π)
  A.k = sk * (1.2533141373155003 * rx); // √(π/2)
}

/**
 * Temme's series for K_μ, K_{μ+1}, |μ| ≤ ½, 0 < x < 2 (unscaled). Writes A.k = K_μ, A.i = K_{μ+1}.
 */
function temmeK(mu: number, x: number): void {
  const x2 = 0.5 * x;
  const pimu = Math.PI * mu;
  const fact = Math.abs(pimu) < EPS ? 1 : pimu / Math.sin(pimu);
  const d = Math.LN2 - Math.log(x); // −log(x/2), finite even where x/2 underflows (x = 5e-324)
  const e = mu * d;
  const fact2 = Math.abs(e) < EPS ? 1 : Math.sinh(e) / e;
  const g = temmeGammas(mu);
  let ff = fact * (g.g1 * Math.cosh(e) + g.g2 * fact2 * d);
  let sum = ff;
  const ee = Math.exp(e);
  let p = (0.5 * ee) / g.gp; // ½ (x/2)^{−μ} Γ(1+μ)
  let q = 0.5 / (ee * g.gm); // ½ (x/2)^{μ} Γ(1−μ)
  let c = 1;
  const dd = x2 * x2;
  let sum1 = p;
  const mu2 = mu * mu;
  for (let i = 1; i < 1000; i++) {
    ff = (i * ff + p + q) / (i * i - mu2);
    c *= dd / i;
    p /= i - mu;
    q /= i + mu;
    const del = c * ff;
    sum += del;
    const del1 = c * (p - i * ff);
    sum1 += del1;
    if (Math.abs(del) < Math.abs(sum) * EPS * 0.5) break;
  }
  A.k = sum;
  A.i = sum1 * (2 / x);
}

/**
 * Steed's CF2 for K (Temme's normalisation, x ≥ 2): e^x K_μ(x) and e^x K_{μ+1}(x).
 * Writes A.k = e^x K_μ, A.i = e^x K_{μ+1}.
 */
function cf2K(mu: number, x: number): void {
  let b = 2 * (1 + x);
  let d = 1 / b;
  let h = d;
  let delh = d;
  let q1 = 0;
  let q2 = 1;
  const a1 = 0.25 - mu * mu;
  let q = a1;
  let c = a1;
  let a = -a1;
  let s = 1 + q * delh;
  for (let i = 2; i < 100000; i++) {
    a -= 2 * (i - 1);
    c = (-a * c) / i;
    const qnew = (q1 - b * q2) / a;
    q1 = q2;
    q2 = qnew;
    q += c * qnew;
    b += 2;
    d = 1 / (b + a * d);
    delh = (b * d - 1) * delh;
    h += delh;
    const dels = q * delh;
    s += dels;
    if (Math.abs(dels / s) < EPS * 0.5) break;
  }
  h = a1 * h;
  const kmu = Math.sqrt(Math.PI / (2 * x)) / s;
  A.k = kmu;
  A.i = (kmu * (mu + x + 0.5 - h)) / x;
}

/** CF1: I_{ν+1}(x)/I_ν(x) = 1/(b₁ + 1/(b₂ + …)), b_k = 2(ν+k)/x (DLMF 10.29.1), modified Lentz. */
export function cf1I(nu: number, x: number): number {
  const xi2 = 2 / x;
  let b = xi2 * (nu + 1);
  let f = b;
  let C = b;
  let D = 0;
  for (let k = 2; k < 10_000_000; k++) {
    b += xi2;
    D = 1 / (b + D);
    C = b + 1 / C;
    const del = C * D;
    f *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return 1 / f;
}

/**
 * Kernel result: e^{−x} I_ν = i · 2^{iE}, e^{x} K_ν = k · 2^{kE} (iE, kE multiples of 600).
 */
export const IK = { i: 0, iE: 0, k: 0, kE: 0 };

/** The general kernel for ν ≥ 0, 0 < x < ∞. `wantI`/`wantK` skip unneeded work. */
export function ikKernel(nu: number, x: number, wantI: boolean, wantK: boolean): void {
  IK.iE = 0;
  IK.kE = 0;
  if (useAsymptotic(nu, x)) {
    asymptoticIK(nu, x);
    IK.i = A.i;
    IK.k = A.k;
    return;
  }
  if (wantI && !wantK && useSeriesI(nu, x)) {
    seriesIScaled(nu, x);
    return;
  }
  const n = Math.floor(nu + 0.5);
  const mu = nu - n;
  let k0: number;
  let k1: number;
  if (x < 2) {
    temmeK(mu, x);
    const ex = Math.exp(x);
    k0 = A.k * ex;
    k1 = A.i * ex;
  } else {
    cf2K(mu, x);
    k0 = A.k;
    k1 = A.i;
  }
  const kmu = k0;
  const kmu1 = k1;
  if (wantK) {
    // Forward recurrence K_{k+1} = (2k/x) K_k + K_{k−1}, rescaled to keep the mantissa finite.
    let kl = 0;
    const xi2 = 2 / x;
    for (let i = 1; i <= n; i++) {
      const k2 = (mu + i) * xi2 * k1 + k0;
      k0 = k1;
      k1 = k2;
      if (k1 > BIG2) {
        k0 /= BIG2;
        k1 /= BIG2;
        kl += BIG2_EXP;
      }
    }
    IK.k = k0;
    IK.kE = kl;
  }
  if (wantI) {
    const r = cf1I(nu, x);
    let u = 1;
    let u1 = r;
    let ul = 0; // true u_ν = 2^{ul} after rescaling
    const xi2 = 2 / x;
    for (let i = n; i >= 1; i--) {
      const um = (mu + i) * xi2 * u + u1;
      u1 = u;
      u = um;
      if (u > BIG2) {
        u /= BIG2;
        u1 /= BIG2;
        ul -= BIG2_EXP;
      }
    }
    // u = c I_μ, u1 = c I_{μ+1}; Wronskian I_μ K_{μ+1} + I_{μ+1} K_μ = 1/x (scaled: same, e^{±x}
    // cancel).
    const c = x * (u * kmu1 + u1 * kmu);
    IK.i = 1 / c;
    IK.iE = ul;
  }
}

function seriesIScaled(nu: number, x: number): void {
  // e^{−x} I_ν = e^{−x} (x/2)^ν/Γ(ν+1) (1 + Σ…); the log form keeps large ν finite.
  const s = 1 + iSeriesSumM1(nu, x);
  IK.i = seriesPrefactor(nu, x) * Math.exp(-x) * s;
  IK.iE = 0;
}

function scaledI(nu: number, x: number): number {
  if (Number.isInteger(nu) && nu <= 10000) return iIntScaled(nu, x);
  ikKernel(nu, x, true, false);
  return IK.iE === 0 ? IK.i : expScaled(IK.i, 0, IK.iE);
}

function scaledK(nu: number, x: number): number {
  ikKernel(nu, x, false, true);
  return IK.kE === 0 ? IK.k : expScaled(IK.k, 0, IK.kE);
}

/** I_ν(x) for ν ≥ 0, x > 0 finite (may overflow to Infinity for x ≳ 713). */
function iPos(nu: number, x: number): number {
  if (Number.isInteger(nu) && nu <= 10000) return iInt(nu, x);
  if (useSeriesI(nu, x)) {
    const s = 1 + iSeriesSumM1(nu, x);
    return seriesPrefactor(nu, x) * s; // s ≤ e⁴ here, so the product under/overflows only with the prefactor
  }
  ikKernel(nu, x, true, false);
  return expScaled(IK.i, x, IK.iE);
}

function kPos(nu: number, x: number): number {
  ikKernel(nu, x, false, true);
  return expScaled(IK.k, -x, IK.kE);
}

function isInt(v: number): boolean {
  return Number.isInteger(v);
}

/** Shared argument checks for I-type functions (throw on out-of-domain input). */
function iArgs(fn: string, nu: number, x: number): void {
  checkOrder(fn, nu);
  if (x < 0 && !isInt(nu))
    domainError(fn, "x", x, "x ≥ 0 for non-integer order (I_ν(x) is complex for x < 0)");
}

/**
 * Modified Bessel function of the first kind I_ν(x) (DLMF 10.25.2).
 * Any real order (I_{−n} = I_n; non-integer negative ν by DLMF 10.27.2); x < 0 only for integer
 * order (I_n(−x) = (−1)^n I_n(x)). Overflows to ±Infinity for x ≳ 713 — use besselIScaled or
 * logBesselI there.
 */
export function besselI(nu: number, x: number): number {
  // Hot path first: integer order 0 ≤ n ≤ 10000, positive finite x (NaN fails both tests).
  if (x > 0 && x < Infinity && nu >= 0 && nu <= 10000 && (nu | 0) === nu) return iInt(nu, x);
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  iArgs("besselI", nu, x);
  if (x < 0) {
    const v = besselI(nu, -x);
    return nu % 2 === 0 ? v : -v;
  }
  if (nu < 0) {
    if (isInt(nu)) return besselI(-nu, x);
    // I_{−ν} = I_ν + (2/π) sin(νπ) K_ν (DLMF 10.27.2)
    const a = -nu;
    if (x === 0) return Math.sign(rgamma(1 - a)) * Infinity; // (x/2)^{−ν}/Γ(1−ν) dominates
    return besselI(a, x) + (2 / Math.PI) * sinpiLocal(a) * besselK(a, x);
  }
  if (x === 0) return nu === 0 ? 1 : 0;
  if (x === Infinity) return Infinity;
  return iPos(nu, x);
}

/** e^{−|x|} I_ν(x): finite for all x (besselI / e^{|x|}). Same domain as besselI. */
export function besselIScaled(nu: number, x: number): number {
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  iArgs("besselIScaled", nu, x);
  if (x < 0) {
    const v = besselIScaled(nu, -x);
    return nu % 2 === 0 ? v : -v;
  }
  if (nu < 0) {
    if (isInt(nu)) return besselIScaled(-nu, x);
    const a = -nu;
    if (x === 0) return besselI(nu, 0);
    // e^{−x} I_{−ν} = e^{−x} I_ν + (2/π) sin(νπ) e^{−x} K_ν, with e^{−x} K_ν from the kernel's
    // mantissa × 2^kE form (e^{x}K_ν alone can overflow where e^{−x}K_ν does not: 0·∞ = NaN)
    const s = sinpiLocal(a);
    if (s === 0) return besselIScaled(a, x);
    // Evaluate e^{−x} I_ν first: it may run the kernel again and overwrite the shared IK state.
    const iPart = besselIScaled(a, x);
    ikKernel(a, x, false, true);
    return iPart + (2 / Math.PI) * s * expScaled(IK.k, -2 * x, IK.kE);
  }
  if (x === 0) return nu === 0 ? 1 : 0;
  if (x === Infinity) return 0;
  return scaledI(nu, x);
}

/**
 * Modified Bessel function of the second kind K_ν(x) (DLMF 10.27.4), x ≥ 0 (+∞ at 0).
 * K_{−ν} = K_ν. Underflows to 0 for x ≳ 705 — use besselKScaled there.
 * @throws DomainError naming `x` for x < 0.
 */
export function besselK(nu: number, x: number): number {
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  checkOrder("besselK", nu);
  if (x < 0) return domainError("besselK", "x", x, "x ≥ 0 (K_ν(x) is complex for x < 0)");
  nu = Math.abs(nu);
  if (x === 0) return Infinity;
  if (x === Infinity) return 0;
  return kPos(nu, x);
}

/** e^{x} K_ν(x). Same domain as besselK. */
export function besselKScaled(nu: number, x: number): number {
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  checkOrder("besselKScaled", nu);
  if (x < 0) return domainError("besselKScaled", "x", x, "x ≥ 0 (K_ν(x) is complex for x < 0)");
  nu = Math.abs(nu);
  if (x === 0) return Infinity;
  if (x === Infinity) return 0;
  return scaledK(nu, x);
}

/**
 * log I_ν(x) for ν ≥ 0, x ≥ 0, without overflow or underflow for any size of ν or x
 * (e.g. ν = 255, x = 100 for the vMF normaliser in d = 512). −Infinity at x = 0 for ν > 0.
 * @throws DomainError naming `nu` for ν < 0 (I_ν can be negative there) or `x` for x < 0.
 */
export function logBesselI(nu: number, x: number): number {
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  checkNonNegativeOrder("logBesselI", nu);
  if (x < 0) return domainError("logBesselI", "x", x, "x ≥ 0");
  if (x === 0) return nu === 0 ? 0 : -Infinity;
  if (x === Infinity) return Infinity;
  if (useSeriesI(nu, x)) {
    const lead = nu === 0 ? 0 : nu * Math.log(0.5 * x) - logGammaP1(nu);
    return lead + Math.log1p(iSeriesSumM1(nu, x));
  }
  ikKernel(nu, x, true, false);
  return x + IK.iE * Math.LN2 + Math.log(IK.i);
}

/**
 * I_{ν+1}(x) / I_ν(x) for ν ≥ 0, x ≥ 0 (the von Mises A(κ) = besselIRatio(0, κ)).
 * Continued fraction CF1 (DLMF 10.33.1 read as a CF), or the ratio of the large-x expansions.
 */
export function besselIRatio(nu: number, x: number): number {
  if (Number.isNaN(nu) || Number.isNaN(x)) return NaN;
  checkNonNegativeOrder("besselIRatio", nu);
  if (x < 0) return domainError("besselIRatio", "x", x, "x ≥ 0");
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  const z = 0.25 * x * x;
  if (z < 1e-17 * (nu + 1) * (nu + 2)) {
    // Leading terms of the two series: (x/2)/(ν+1)·(1 − z/((ν+1)(ν+2)) + O(z²)), the O(z) term
    // below ε here. Covers x → 0 and huge ν, where CF1's b_k = 2(ν+k)/x overflows (∞·0 = NaN).
    return (0.5 * x) / (nu + 1);
  }
  if (useAsymptotic(nu + 1, x)) {
    asymptoticIK(nu + 1, x);
    const a = A.i;
    asymptoticIK(nu, x);
    return a / A.i;
  }
  return cf1I(nu, x);
}

/**
 * The general kernel's result as a fresh object: e^{−x} I_ν(x) = i · 2^{iE}, e^{x} K_ν(x) = k ·
 * 2^{kE} (for cross-checks against the integer-order fast paths; `IK` is the kernel's scratch).
 * `wantI`/ `wantK` as in `ikKernel` (the skipped half is left as the kernel leaves it).
 */
export function ikGeneral(
  nu: number,
  x: number,
  wantI = true,
  wantK = true,
): Readonly<{ i: number; iE: number; k: number; kE: number }> {
  ikKernel(nu, x, wantI, wantK);
  return { i: IK.i, iE: IK.iE, k: IK.k, kE: IK.kE };
}
