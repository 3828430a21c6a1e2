/**
 * Small numerical helpers for notebook 01 (and anyone who needs them): Gauss–Legendre
 * quadrature, Fourier–Bessel modes ψ(ρ, θ) = J_ν(kρ) e^{iνθ} on the unit disk (images and a
 * numerical Gram matrix), and a seeded Monte Carlo estimate of E_{u ~ S^{d−1}} e^{κ u·v}.
 *
 * Kept separate from jy/ik so the special-function kernels stay free of quadrature and sampling.
 */
import { domainError, ShapeError } from "../errors";
import { rng } from "../tensor/rng";
import { besselJ, besselJPrime } from "./jy";

/** Nodes and weights of the n-point Gauss–Legendre rule on [a, b] (exact for polynomials of
 *  degree ≤ 2n − 1). Nodes by Newton's method on P_n from the Chebyshev-like initial guess
 *  cos(π(i − 1/4)/(n + 1/2)); P_n and P′_n by the three-term recurrence
 *  (m+1)P_{m+1} = (2m+1)xP_m − mP_{m−1} (A&S 22.7.10), weights 2/((1 − x²)P′_n(x)²)
 *  (A&S 25.4.29). */
export function gaussLegendre(
  n: number,
  a = -1,
  b = 1,
): { nodes: Float64Array; weights: Float64Array } {
  if (!Number.isInteger(n) || n < 1) domainError("gaussLegendre", "n", n, "an integer ≥ 1");
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b))
    domainError("gaussLegendre", "b", b, `a finite number > a = ${a}`);
  const nodes = new Float64Array(n),
    weights = new Float64Array(n);
  const half = (b - a) / 2,
    mid = (a + b) / 2;
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1,
        p1 = x;
      for (let m = 1; m < n; m++) {
        const p2 = ((2 * m + 1) * x * p1 - m * p0) / (m + 1);
        p0 = p1;
        p1 = p2;
      }
      const p = n === 1 ? x : p1,
        pm1 = n === 1 ? 1 : p0;
      dp = (n * (x * p - pm1)) / (x * x - 1); // P′_n = n(xP_n − P_{n−1})/(x² − 1)
      const dx = p / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    // recompute P′_n at the converged node for the weight
    let p0 = 1,
      p1 = x;
    for (let m = 1; m < n; m++) {
      const p2 = ((2 * m + 1) * x * p1 - m * p0) / (m + 1);
      p0 = p1;
      p1 = p2;
    }
    dp = n === 1 ? 1 : (n * (x * p1 - p0)) / (x * x - 1);
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = mid - half * x;
    weights[i] = half * w;
    nodes[n - 1 - i] = mid + half * x;
    weights[n - 1 - i] = half * w;
  }
  return { nodes, weights };
}

/** A Fourier–Bessel mode ψ(ρ, θ) = J_ν(kρ) e^{iνθ} on the unit disk (integer ν, k ≥ 0). */
export interface DiskMode {
  nu: number;
  k: number;
  j?: number;
}

function checkMode(fn: string, m: DiskMode): void {
  if (!Number.isInteger(m.nu)) domainError(fn, "mode.nu", m.nu, "an integer angular order");
  if (!(m.k >= 0 && Number.isFinite(m.k)))
    domainError(fn, "mode.k", m.k, "a finite wavenumber ≥ 0");
}

/**
 * The real or imaginary part of a mode sampled on a size×size grid covering [−1, 1]²: row r is
 * y = 1 − 2(r + ½)/size (top row first, as images are drawn), column c is x = −1 + 2(c + ½)/size.
 * Pixels outside the unit disk are NaN, so image plots leave them blank.
 */
export function diskModeImage(
  mode: DiskMode,
  size: number,
  part: "re" | "im" = "re",
): Float64Array {
  checkMode("diskModeImage", mode);
  if (!Number.isInteger(size) || size < 1)
    domainError("diskModeImage", "size", size, "an integer ≥ 1");
  const out = new Float64Array(size * size);
  for (let r = 0; r < size; r++) {
    const y = 1 - (2 * (r + 0.5)) / size;
    for (let c = 0; c < size; c++) {
      const x = -1 + (2 * (c + 0.5)) / size;
      const rho = Math.hypot(x, y);
      if (rho > 1) {
        out[r * size + c] = NaN;
        continue;
      }
      const th = Math.atan2(y, x);
      const radial = besselJ(mode.nu, mode.k * rho);
      out[r * size + c] =
        radial * (part === "re" ? Math.cos(mode.nu * th) : Math.sin(mode.nu * th));
    }
  }
  return out;
}

/** ‖ψ‖² = ∫_disk |J_ν(kρ)|² dA in closed form: 2π · ½[J′_ν(k)² + (1 − ν²/k²)J_ν(k)²] (Lommel's
 *  integral, A&S 11.4.5 with the derivative form); for k = 0 the mode is 1 (ν = 0, area π) or 0. */
export function diskModeNormSq(mode: DiskMode): number {
  checkMode("diskModeNormSq", mode);
  const { nu, k } = mode;
  if (k === 0) return nu === 0 ? Math.PI : 0;
  const J = besselJ(nu, k),
    Jp = besselJPrime(nu, k);
  return Math.PI * (Jp * Jp + (1 - (nu * nu) / (k * k)) * J * J);
}

export interface DiskGramOptions {
  /** Gauss–Legendre nodes in ρ (default 40: the integrands J_a(k_aρ)J_b(k_bρ)ρ are entire and,
   *  for k ≲ 20, their Taylor series converge fast enough that 40 nodes reach float64 rounding). */
  nRho?: number;
  /** Equispaced nodes in θ for the periodic trapezoid rule (default 64: exact for
   *  e^{i(ν_a − ν_b)θ} whenever |ν_a − ν_b| < 64). */
  nTheta?: number;
}

/**
 * Gram matrix G_ab = ∫_disk ψ_a conj(ψ_b) dA by numerical quadrature (no use of the θ integral's
 * closed form): returns real and imaginary parts, row-major n×n.
 */
export function diskGram(
  modes: readonly DiskMode[],
  options: DiskGramOptions = {},
): { re: Float64Array; im: Float64Array; n: number } {
  const n = modes.length;
  if (n === 0) throw new ShapeError("diskGram modes", "at least one mode", [0]);
  modes.forEach((m) => checkMode("diskGram", m));
  const nRho = options.nRho ?? 40,
    nTheta = options.nTheta ?? 64;
  if (!Number.isInteger(nRho) || nRho < 1) domainError("diskGram", "nRho", nRho, "an integer ≥ 1");
  if (!Number.isInteger(nTheta) || nTheta < 1)
    domainError("diskGram", "nTheta", nTheta, "an integer ≥ 1");
  const { nodes, weights } = gaussLegendre(nRho, 0, 1);
  // radial values R[a][q] = J_{ν_a}(k_a ρ_q)
  const R = modes.map((m) => Float64Array.from(nodes, (rho) => besselJ(m.nu, m.k * rho)));
  const re = new Float64Array(n * n),
    im = new Float64Array(n * n);
  const dth = (2 * Math.PI) / nTheta;
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let radial = 0;
      for (let q = 0; q < nRho; q++) radial += weights[q]! * R[a]![q]! * R[b]![q]! * nodes[q]!;
      let cr = 0,
        ci = 0;
      const dnu = modes[a]!.nu - modes[b]!.nu;
      for (let t = 0; t < nTheta; t++) {
        cr += Math.cos(dnu * t * dth);
        ci += Math.sin(dnu * t * dth);
      }
      re[a * n + b] = radial * cr * dth;
      im[a * n + b] = radial * ci * dth;
    }
  return { re, im, n };
}

/**
 * Seeded Monte Carlo estimate of E_{u ~ Unif(S^{d−1})} e^{κ u·v} for a fixed unit v. By symmetry
 * u·v has the law of the first coordinate of a normalised standard Gaussian vector, so each draw
 * needs d normals. Returns the sample mean and its standard error s/√n.
 */
export function expectedExpDotMonteCarlo(
  d: number,
  kappa: number,
  n: number,
  seed: number,
): { mean: number; stderr: number; n: number } {
  if (!Number.isInteger(d) || d < 2)
    domainError("expectedExpDotMonteCarlo", "d", d, "an integer dimension ≥ 2");
  if (!(kappa >= 0 && Number.isFinite(kappa)))
    domainError("expectedExpDotMonteCarlo", "kappa", kappa, "a finite number ≥ 0");
  if (!Number.isInteger(n) || n < 2)
    domainError("expectedExpDotMonteCarlo", "n", n, "an integer ≥ 2");
  const r = rng(seed);
  let s = 0,
    s2 = 0;
  for (let i = 0; i < n; i++) {
    const g0 = r.normal();
    let ss = g0 * g0;
    for (let k = 1; k < d; k++) {
      const g = r.normal();
      ss += g * g;
    }
    const e = Math.exp(kappa * (g0 / Math.sqrt(ss)));
    s += e;
    s2 += e * e;
  }
  const mean = s / n;
  const variance = Math.max(0, (s2 - n * mean * mean) / (n - 1));
  return { mean, stderr: Math.sqrt(variance / n), n };
}
