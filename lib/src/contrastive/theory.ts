/**
 * Closed forms and samplers for the theory notebook (float64).
 *
 * Uniform optimum of InfoNCE. If u_i = v_i are i.i.d. uniform on S^{d−1}, then for each i the
 * positive logit is 1/τ and each of the N − 1 negatives contributes E_v e^{κ u·v} with κ = 1/τ:
 *   M_d(κ) = E_v e^{κ u·v} = Γ(d/2) (2/κ)^ν I_ν(κ),  ν = d/2 − 1        (vMF normaliser identity)
 * (d = 3: sinh κ/κ). Replacing the sum over negatives by its mean gives the uniform-optimum loss
 *   L*_N(d, τ) = −κ + log( e^κ + (N − 1) M_d(κ) ),
 * and L*_N − log N → −κ + log M_d(κ) as N → ∞ (Wang & Isola 2020, Thm 1: the limit of InfoNCE minus
 * log N is −E[u·v]/τ + E_u log E_v e^{u·v/τ}; both terms are optimised by aligned, uniform u = v).
 */
import { domainError, ShapeError } from "../errors";
import { Rng } from "../tensor/rng";
import { logBesselI, logGamma } from "../special";
import { Mat, zeros, norm } from "./linalg";
import { infoNCELoss } from "./losses";

function checkDim(fn: string, d: number): void {
  if (!Number.isInteger(d) || d < 2) domainError(fn, "d", d, "an integer ≥ 2");
}

/** log M_d(κ) = log E_{v∼U(S^{d−1})} e^{κ u·v} for κ ≥ 0 (0 at κ = 0). */
export function logMeanExpDot(d: number, kappa: number): number {
  checkDim("logMeanExpDot", d);
  if (!(kappa >= 0) || !Number.isFinite(kappa)) domainError("logMeanExpDot", "kappa", kappa, "a finite number ≥ 0");
  if (kappa === 0) return 0;
  const nu = d / 2 - 1;
  // M = Γ(ν+1) (2/κ)^ν I_ν(κ); logs throughout so κ = 100 (τ = 0.01) does not overflow.
  return logGamma(nu + 1) + nu * Math.log(2 / kappa) + logBesselI(nu, kappa);
}

function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** L*_N(d, τ) = −1/τ + log(e^{1/τ} + (N − 1) M_d(1/τ)): InfoNCE of aligned, uniform embeddings. */
export function uniformOptimumLoss(d: number, tau: number, n: number): number {
  checkDim("uniformOptimumLoss", d);
  if (!(tau > 0)) domainError("uniformOptimumLoss", "tau", tau, "a temperature > 0");
  if (!Number.isInteger(n) || n < 2) domainError("uniformOptimumLoss", "n", n, "an integer batch size ≥ 2");
  const k = 1 / tau;
  return -k + logAddExp(k, Math.log(n - 1) + logMeanExpDot(d, k));
}

/** lim_{N→∞} (L*_N − log N) = −1/τ + log M_d(1/τ). */
export function largeNLimit(d: number, tau: number): number {
  if (!(tau > 0)) domainError("largeNLimit", "tau", tau, "a temperature > 0");
  return -1 / tau + logMeanExpDot(d, 1 / tau);
}

/**
 * Wang–Isola uniformity of the uniform distribution on S^{d−1}: ‖x − y‖² = 2 − 2x·y, so
 * log E e^{−t‖x−y‖²} = −2t + log M_d(2t) — the lowest value any distribution can reach for large N.
 */
export function uniformityOfUniform(d: number, t = 2): number {
  if (!(t > 0)) domainError("uniformityOfUniform", "t", t, "> 0");
  return -2 * t + logMeanExpDot(d, 2 * t);
}

/**
 * Expected InfoNCE of aligned i.i.d. uniform pairs, Monte Carlo: mean over `reps` draws of N points
 * (used to show that L*_N is the i.i.d. value and that trained point sets beat it).
 */
export function iidUniformLoss(d: number, tau: number, n: number, reps: number, r: Rng): { mean: number; se: number } {
  const vals: number[] = [];
  for (let k = 0; k < reps; k++) {
    const U = sampleSphere(n, d, r);
    vals.push(infoNCELoss(U, U, tau));
  }
  const mean = vals.reduce((a, b) => a + b, 0) / reps;
  const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, reps - 1));
  return { mean, se: sd / Math.sqrt(reps) };
}

// ---------------------------------------------------------------------------------------------
// samplers

/** n points uniform on S^{d−1} (normalised Gaussians), rows of an [n, d] matrix. */
export function sampleSphere(n: number, d: number, r: Rng): Mat {
  checkDim("sampleSphere", d);
  if (!Number.isInteger(n) || n < 1) domainError("sampleSphere", "n", n, "an integer ≥ 1");
  const m = zeros(n, d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    do {
      s = 0;
      for (let k = 0; k < d; k++) {
        const g = r.normal();
        m.data[i * d + k] = g;
        s += g * g;
      }
    } while (s === 0);
    const inv = 1 / Math.sqrt(s);
    for (let k = 0; k < d; k++) m.data[i * d + k] *= inv;
  }
  return m;
}

/**
 * n points in the spherical cap of half-angle α around `axis`: a uniform direction w ⊥ axis and an
 * angle β = α·U^{1/(d−1)} (uniform in the cap's tangent-plane ball; exact as α → 0).
 * Liang et al.'s "cone effect": each modality's embeddings start in such a narrow cone.
 */
export function sampleCap(n: number, axis: ArrayLike<number>, halfAngle: number, r: Rng): Mat {
  const d = axis.length;
  checkDim("sampleCap", d);
  if (!(halfAngle >= 0 && halfAngle <= Math.PI)) domainError("sampleCap", "halfAngle", halfAngle, "an angle in [0, π]");
  const na = norm(axis);
  if (na === 0) domainError("sampleCap", "axis", "0", "a non-zero vector");
  const c = Float64Array.from(axis, (x) => x / na);
  const m = zeros(n, d);
  for (let i = 0; i < n; i++) {
    let w: Float64Array;
    let s: number;
    do {
      w = Float64Array.from({ length: d }, () => r.normal());
      let cw = 0;
      for (let k = 0; k < d; k++) cw += c[k] * w[k];
      for (let k = 0; k < d; k++) w[k] -= cw * c[k];
      s = norm(w);
    } while (s < 1e-12);
    const beta = halfAngle * Math.pow(r.uniform(), 1 / (d - 1));
    for (let k = 0; k < d; k++) m.data[i * d + k] = Math.cos(beta) * c[k] + (Math.sin(beta) * w[k]) / s;
  }
  return m;
}

/**
 * Two unit cone axes at angle `separation` (radians) in ℝ^d: e₁ and cos s e₁ + sin s e₂ — the
 * starting configuration of the cone-effect experiments.
 */
export function offsetAxes(d: number, separation: number): [Float64Array, Float64Array] {
  checkDim("offsetAxes", d);
  const a = new Float64Array(d);
  const b = new Float64Array(d);
  a[0] = 1;
  b[0] = Math.cos(separation);
  b[1] = Math.sin(separation);
  return [a, b];
}

// ---------------------------------------------------------------------------------------------
// the ℝ⁴ worked example

/**
 * The paper's worked example in ℝ⁴: H₁ = span(e₁, e₂, e₃), H₂ = span(e₁, e₂, cos φ e₃ + sin φ e₄).
 * A pair shares coordinates x ∈ S² : u = (x₁, x₂, x₃, 0), v = (x₁, x₂, x₃ cos φ, x₃ sin φ), so
 *   u·v = x₁² + x₂² + x₃² cos φ = 1 − x₃²(1 − cos φ).
 * Returns U, V and the x₃ of each pair; x uniform on S².
 */
export function r4Example(n: number, phi: number, r: Rng): { U: Mat; V: Mat; x3: Float64Array } {
  if (!(phi >= 0 && phi <= Math.PI)) domainError("r4Example", "phi", phi, "an angle in [0, π]");
  const X = sampleSphere(n, 3, r);
  const U = zeros(n, 4);
  const V = zeros(n, 4);
  const x3 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [X.data[3 * i], X.data[3 * i + 1], X.data[3 * i + 2]];
    U.data.set([a, b, c, 0], 4 * i);
    V.data.set([a, b, c * Math.cos(phi), c * Math.sin(phi)], 4 * i);
    x3[i] = c;
  }
  return { U, V, x3 };
}

/** u·v = 1 − x₃²(1 − cos φ) for one pair of the ℝ⁴ example. */
export function r4PairCosine(x3: number, phi: number): number {
  return 1 - x3 * x3 * (1 - Math.cos(phi));
}

/**
 * E[u·v] for x uniform on S^{k−1} inside a k-dim hyperplane pair with dihedral angle φ:
 * E[x_k²] = 1/k, so E[u·v] = 1 − (1 − cos φ)/k (k = 3 in ℝ⁴: 1 − (1 − cos φ)/3).
 */
export function expectedPairCosineDihedral(phi: number, k = 3): number {
  if (!Number.isInteger(k) || k < 1) throw new ShapeError("expectedPairCosineDihedral", "k ≥ 1", String(k));
  return 1 - (1 - Math.cos(phi)) / k;
}
