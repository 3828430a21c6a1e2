/**
 * Closed forms and samplers for the theory notebook (float64).
 *
 * Large-N limit (our two-encoder version of Wang & Isola 2020's one-encoder view; their body was
 * not read): InfoNCE minus log N tends to
 *   T = −κ E[u·v] + E_u log E_{v'} e^{κ u·v'},   κ = 1/τ,  v' drawn from the v-marginal.
 * With ONE encoder both marginals are the same distribution and each term is optimised separately:
 * alignment by u = v, uniformity by the uniform distribution. With TWO encoders the second term is
 * a cross term between two different marginals, and it is NOT smallest at the uniform marginals: it
 * rewards pulling the modalities apart (its infimum −κ is approached by antipodal point masses).
 * Only the total T prefers aligned, uniform embeddings (shown on the cap family below and by
 * training in notebook 02; ours, not a proof). That tension is why a gap can exist at all.
 *
 * Aligned, uniform embeddings on S^{d−1} give T = −κ + log M_d(κ) with
 *   M_d(κ) = E_v e^{κ u·v} = Γ(d/2) (2/κ)^ν I_ν(κ),  ν = d/2 − 1   (vMF normaliser identity)
 * evaluated by `special.logExpectedExpDot`. Confined to k-dimensional subspaces whose principal
 * angles all equal θ, u·v = cos θ (Φu)·v with Φ an isometry H₁ → H₂, so the problem is the free
 * problem on S^{k−1} at κ cos θ and its optimum is −κ cos θ + log M_k(κ cos θ) (ours;
 * `subspaceLimit`).
 */
import { ShapeError } from "../errors";
import { Rng } from "../tensor/rng";
import { logExpectedExpDot, besselIScaled, gaussLegendre } from "../special";
import { Mat, MatLike, asMat, zeros, norm } from "../linalg";
import { infoNCELoss } from "./losses";
import { argError, checkCount, checkFiniteVector, checkRange } from "./errors";

function checkDim(fn: string, d: number, min = 2): void {
  checkCount(fn, "d", d, min);
}

function checkTau(fn: string, tau: number): void {
  if (!(tau > 0 && Number.isFinite(tau))) argError(fn, "tau", tau, "a finite temperature > 0");
}

function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * Upper bound on the expected InfoNCE (either direction) of N aligned i.i.d. uniform pairs on
 * S^{d−1}: each anchor's N − 1 negatives replaced by their mean M_d(κ) inside the log,
 *   L̄_N(d, τ) = −κ + log(e^κ + (N − 1) M_d(κ))  ≥  E[InfoNCE]   (Jensen: E log ≤ log E).
 * Not an optimum: optimised point sets beat it (notebook 02 §3).
 */
export function iidUniformLossBound(d: number, tau: number, n: number): number {
  checkDim("iidUniformLossBound", d);
  checkTau("iidUniformLossBound", tau);
  checkCount("iidUniformLossBound", "n", n, 2);
  const k = 1 / tau;
  return -k + logAddExp(k, Math.log(n - 1) + logExpectedExpDot(d, k));
}

/** lim_{N→∞} (L − log N) for aligned, uniform embeddings: −1/τ + log M_d(1/τ). */
export function largeNLimit(d: number, tau: number): number {
  checkDim("largeNLimit", d);
  checkTau("largeNLimit", tau);
  return -1 / tau + logExpectedExpDot(d, 1 / tau);
}

/**
 * Large-N limit of InfoNCE − log N for embeddings confined to two k-dimensional subspaces whose
 * principal angles all equal θ, at the optimum (pairs v = Φu at angle θ, u uniform on S^{k−1}):
 *   −κ cos θ + log M_k(κ cos θ)   (ours; k ≥ 1, θ ∈ [0, π/2]). θ = 0 gives largeNLimit(k, τ).
 */
export function subspaceLimit(k: number, theta: number, tau: number): number {
  checkCount("subspaceLimit", "k", k, 1);
  checkRange("subspaceLimit", "theta", theta, 0, Math.PI / 2, " radians");
  checkTau("subspaceLimit", tau);
  const kc = Math.max(0, Math.cos(theta)) / tau;
  return -kc + logExpectedExpDot(k, kc);
}

/**
 * Wang–Isola uniformity of the uniform distribution on S^{d−1}: ‖x − y‖² = 2 − 2x·y, so
 * log E e^{−t‖x−y‖²} = −2t + log M_d(2t).
 */
export function uniformityOfUniform(d: number, t = 2): number {
  checkDim("uniformityOfUniform", d);
  if (!(t > 0 && Number.isFinite(t)))
    argError("uniformityOfUniform", "t", t, "a finite number > 0");
  return -2 * t + logExpectedExpDot(d, 2 * t);
}

/**
 * Empirical large-N cross term (1/N) Σ_i log (1/M) Σ_j e^{u_i·v_j/τ} of two samples U [N, d] and V
 * [M, d] (the v's should be drawn independently of the u's; a sample paired with U includes j = i).
 */
export function crossUniformity(U: MatLike, V: MatLike, tau: number): number {
  checkTau("crossUniformity", tau);
  const A = asMat(U, "crossUniformity U");
  const B = asMat(V, "crossUniformity V");
  if (A.cols !== B.cols)
    throw new ShapeError("crossUniformity V", `[M, ${A.cols}] (same d as U)`, [B.rows, B.cols]);
  const d = A.cols;
  const logits = new Float64Array(B.rows);
  let acc = 0;
  for (let i = 0; i < A.rows; i++) {
    let m = -Infinity;
    for (let j = 0; j < B.rows; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += A.data[i * d + c] * B.data[j * d + c];
      logits[j] = s / tau;
      if (logits[j] > m) m = logits[j];
    }
    let e = 0;
    for (let j = 0; j < B.rows; j++) e += Math.exp(logits[j] - m);
    acc += m + Math.log(e / B.rows);
  }
  return acc / A.rows;
}

export interface CapTerms {
  /** E[u·v] under the pairing v = R u (R: the rotation by ψ taking axis a to axis b) */
  meanCos: number;
  /** alignment term −κ E[u·v] */
  alignment: number;
  /** cross term E_u log E_v e^{κ u·v} (u, v independent, uniform in their caps) */
  cross: number;
  /** alignment + cross: the large-N limit of InfoNCE − log N for this configuration */
  total: number;
}

/**
 * The two large-N terms for two spherical caps on S² (d = 3) of half-angle α whose axes are ψ
 * apart, each modality uniform in its cap, pairs v = R u (R rotates cap A onto cap B about a × b).
 * Ours.
 *
 * Cross term by quadrature: for v uniform in the cap around b, integrating the azimuth of v about b
 * gives a Bessel function, E_v e^{κ u·v} = (1/(1 − cos α)) ∫_0^α e^{κ t cos γ} I₀(κ s sin γ) sin γ
 * dγ, t = u·b, s = √(1 − t²); then E_u over the polar angle β (Gauss–Legendre) and the azimuth χ of
 * u (trapezoid rule, periodic). Alignment in closed form: u·Ru = cos ψ + (1 − cos ψ)(u·n)², n ⊥ a,
 * so E[u·v] = cos ψ + (1 − cos ψ) E[sin²β]/2 with E[sin²β] = 1 − (1 + cos α + cos²α)/3. The
 * configuration is symmetric under swapping the caps, so the v → u direction has the same terms.
 */
export function capTerms(
  alpha: number,
  psi: number,
  tau: number,
  opts: { nodes?: number } = {},
): CapTerms {
  if (!(Number.isFinite(alpha) && alpha > 0 && alpha <= Math.PI))
    argError("capTerms", "alpha", alpha, "a half-angle in (0, π] radians");
  checkRange("capTerms", "psi", psi, 0, Math.PI, " radians");
  checkTau("capTerms", tau);
  const n = opts.nodes ?? 48;
  checkCount("capTerms", "opts.nodes", n, 4);
  const kappa = 1 / tau;
  const ca = Math.cos(alpha);
  const area = 1 - ca;
  const gl = gaussLegendre(n, 0, alpha);
  const [sp, cp] = [Math.sin(psi), Math.cos(psi)];
  // log E_v e^{κ u·v} as a function of t = u·b, by log-sum-exp over the γ nodes (I₀ scaled: e^{−x}
  // I₀(x)).
  const innerLog = (t: number): number => {
    const s = Math.sqrt(Math.max(0, 1 - t * t));
    let m = -Infinity;
    const terms = new Float64Array(n);
    for (let q = 0; q < n; q++) {
      const g = gl.nodes[q];
      const x = kappa * s * Math.sin(g);
      terms[q] =
        kappa * t * Math.cos(g) + x + Math.log(besselIScaled(0, x) * Math.sin(g) * gl.weights[q]);
      if (terms[q] > m) m = terms[q];
    }
    let e = 0;
    for (let q = 0; q < n; q++) e += Math.exp(terms[q] - m);
    return m + Math.log(e) - Math.log(area);
  };
  const nChi = 2 * n;
  let cross = 0;
  let wsum = 0;
  for (let p = 0; p < n; p++) {
    const b = gl.nodes[p];
    const w = gl.weights[p] * Math.sin(b);
    let acc = 0;
    for (let c = 0; c < nChi; c++) {
      const chi = (2 * Math.PI * (c + 0.5)) / nChi;
      acc += innerLog(Math.sin(b) * Math.cos(chi) * sp + Math.cos(b) * cp);
    }
    cross += (w * acc) / nChi;
    wsum += w;
  }
  cross /= wsum;
  const sin2 = 1 - (1 + ca + ca * ca) / 3;
  const meanCos = cp + ((1 - cp) * sin2) / 2;
  return { meanCos, alignment: -kappa * meanCos, cross, total: -kappa * meanCos + cross };
}

/**
 * Monte Carlo twin of capTerms: n pairs (u uniform in the cap around e₃, v = R u) plus an
 * independent draw of n points of cap B for the cross term. Returns the same fields (estimates).
 */
export function capTermsMC(
  alpha: number,
  psi: number,
  tau: number,
  n: number,
  r: Rng,
): CapTerms & { U: Mat; V: Mat } {
  checkRange("capTermsMC", "psi", psi, 0, Math.PI, " radians");
  checkTau("capTermsMC", tau);
  checkCount("capTermsMC", "n", n, 2);
  const a = [0, 0, 1];
  const b = [Math.sin(psi), 0, Math.cos(psi)];
  const U = sampleCap(n, a, alpha, r);
  const Vind = sampleCap(n, b, alpha, r);
  // rotation by ψ about e₂ (takes e₃ to b): (x, y, z) ↦ (x cos ψ + z sin ψ, y, −x sin ψ + z cos ψ)
  const V = zeros(n, 3);
  let dot = 0;
  for (let i = 0; i < n; i++) {
    const [x, y, z] = [U.data[3 * i], U.data[3 * i + 1], U.data[3 * i + 2]];
    const v = [x * Math.cos(psi) + z * Math.sin(psi), y, -x * Math.sin(psi) + z * Math.cos(psi)];
    V.data.set(v, 3 * i);
    dot += x * v[0] + y * v[1] + z * v[2];
  }
  const meanCos = dot / n;
  const cross = crossUniformity(U, Vind, tau);
  return { meanCos, alignment: -meanCos / tau, cross, total: -meanCos / tau + cross, U, V };
}

/**
 * Expected InfoNCE of aligned i.i.d. uniform pairs, Monte Carlo: mean over `reps` draws of N
 * points.
 */
export function iidUniformLoss(
  d: number,
  tau: number,
  n: number,
  reps: number,
  r: Rng,
): { mean: number; se: number } {
  checkDim("iidUniformLoss", d);
  checkTau("iidUniformLoss", tau);
  checkCount("iidUniformLoss", "n", n, 2);
  checkCount("iidUniformLoss", "reps", reps, 2);
  const vals: number[] = [];
  for (let k = 0; k < reps; k++) {
    const U = sampleSphere(n, d, r);
    vals.push(infoNCELoss(U, U, tau));
  }
  const mean = vals.reduce((a, b) => a + b, 0) / reps;
  const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1));
  return { mean, se: sd / Math.sqrt(reps) };
}

// ---------------------------------------------------------------------------------------------
// samplers

/** n points uniform on S^{d−1} (normalised Gaussians), rows of an [n, d] matrix. */
export function sampleSphere(n: number, d: number, r: Rng): Mat {
  checkDim("sampleSphere", d);
  checkCount("sampleSphere", "n", n);
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
 * n points uniform (surface measure) in the spherical cap of half-angle α around `axis`. The polar
 * angle β has density ∝ sin^{d−2} β on [0, α]: propose β = α U^{1/(d−1)} (density ∝ β^{d−2}) and
 * accept with probability (sin β / β)^{d−2} ≤ 1; the direction w ⊥ axis is uniform.
 * Liang et al.'s "cone effect": each modality's embeddings start in such a narrow cone.
 */
export function sampleCap(n: number, axis: ArrayLike<number>, halfAngle: number, r: Rng): Mat {
  checkCount("sampleCap", "n", n);
  const d = axis.length;
  checkDim("sampleCap", d);
  checkFiniteVector("sampleCap", "axis", axis);
  checkRange("sampleCap", "halfAngle", halfAngle, 0, Math.PI, " radians");
  const na = norm(axis);
  if (na === 0) argError("sampleCap", "axis", "0", "a non-zero vector");
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
    let beta: number;
    for (;;) {
      beta = halfAngle * Math.pow(r.uniform(), 1 / (d - 1));
      if (beta === 0 || r.uniform() <= Math.pow(Math.sin(beta) / beta, d - 2)) break;
    }
    for (let k = 0; k < d; k++)
      m.data[i * d + k] = Math.cos(beta) * c[k] + (Math.sin(beta) * w[k]) / s;
  }
  return m;
}

/**
 * Two unit cone axes at angle `separation` (radians) in ℝ^d: e₁ and cos s e₁ + sin s e₂ — the
 * starting configuration of the cone-effect experiments.
 */
export function offsetAxes(d: number, separation: number): [Float64Array, Float64Array] {
  checkDim("offsetAxes", d);
  checkRange("offsetAxes", "separation", separation, 0, Math.PI, " radians");
  const a = new Float64Array(d);
  const b = new Float64Array(d);
  a[0] = 1;
  b[0] = Math.cos(separation);
  b[1] = Math.sin(separation);
  return [a, b];
}

// ---------------------------------------------------------------------------------------------
// the ℝ⁴ example (ours: a minimal case of two hyperplanes, not taken from the paper)

/**
 * Our running example in ℝ⁴: H₁ = span(e₁, e₂, e₃), H₂ = span(e₁, e₂, cos φ e₃ + sin φ e₄).
 * A pair shares coordinates x ∈ S² : u = (x₁, x₂, x₃, 0), v = (x₁, x₂, x₃ cos φ, x₃ sin φ), so
 *   u·v = x₁² + x₂² + x₃² cos φ = 1 − x₃²(1 − cos φ).
 * With `noise` σ > 0, independent N(0, σ²) noise is added to every coordinate of u and of v (in ℝ⁴)
 * and the rows renormalised: observation noise, so that no two embeddings tie exactly.
 * Returns U, V and the x₃ of each pair; x uniform on S².
 */
export function r4Example(
  n: number,
  phi: number,
  r: Rng,
  opts: { noise?: number } = {},
): { U: Mat; V: Mat; x3: Float64Array } {
  checkCount("r4Example", "n", n);
  checkRange("r4Example", "phi", phi, 0, Math.PI, " radians");
  const sigma = opts.noise ?? 0;
  if (!(Number.isFinite(sigma) && sigma >= 0))
    argError("r4Example", "opts.noise", sigma, "a finite σ ≥ 0");
  const X = sampleSphere(n, 3, r);
  const U = zeros(n, 4);
  const V = zeros(n, 4);
  const x3 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [X.data[3 * i], X.data[3 * i + 1], X.data[3 * i + 2]];
    const u = [a, b, c, 0];
    const v = [a, b, c * Math.cos(phi), c * Math.sin(phi)];
    if (sigma > 0) {
      for (const z of [u, v]) {
        for (let k = 0; k < 4; k++) z[k] += sigma * r.normal();
        const nz = Math.hypot(...z);
        for (let k = 0; k < 4; k++) z[k] /= nz;
      }
    }
    U.data.set(u, 4 * i);
    V.data.set(v, 4 * i);
    x3[i] = c;
  }
  return { U, V, x3 };
}

/** u·v = 1 − x₃²(1 − cos φ) for one noise-free pair of the ℝ⁴ example. */
export function r4PairCosine(x3: number, phi: number): number {
  checkRange("r4PairCosine", "x3", x3, -1, 1);
  checkRange("r4PairCosine", "phi", phi, 0, Math.PI, " radians");
  return 1 - x3 * x3 * (1 - Math.cos(phi));
}

/**
 * E[u·v] for x uniform on S^{k−1} inside a k-dim hyperplane pair with dihedral angle φ:
 * E[x_k²] = 1/k, so E[u·v] = 1 − (1 − cos φ)/k (k = 3 in ℝ⁴: 1 − (1 − cos φ)/3).
 */
export function expectedPairCosineDihedral(phi: number, k = 3): number {
  checkRange("expectedPairCosineDihedral", "phi", phi, 0, Math.PI, " radians");
  checkCount("expectedPairCosineDihedral", "k", k);
  return 1 - (1 - Math.cos(phi)) / k;
}
