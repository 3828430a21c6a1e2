/**
 * The von Mises–Fisher normaliser and the uniform-sphere moment generating function that the
 * contrastive notebooks compare a trained InfoNCE loss with (notebooks 02–03).
 *
 * For u uniform on S^{d−1} ⊂ ℝ^d and any unit v, ν = d/2 − 1:
 *   E_u e^{κ u·v} = 2^ν Γ(ν+1) κ^{−ν} I_ν(κ)            (d = 3: sinh κ / κ; d = 1: cosh κ),
 * and the vMF density f(x; μ, κ) = C_d(κ) e^{κ μ·x} on S^{d−1} (surface measure) has
 *   C_d(κ) = κ^ν / ((2π)^{d/2} I_ν(κ)) = 1 / (|S^{d−1}| · E_u e^{κ u·v}),
 *   |S^{d−1}| = 2π^{d/2}/Γ(d/2).
 * Both are computed in log form. Where the power series of I_ν applies, 2^ν Γ(ν+1) κ^{−ν} cancels
 * its leading factor exactly and E = Σ_k (κ²/4)^k/(k!(ν+1)_k) is used directly (log1p of the
 * tail), so small κ loses nothing to cancellation.
 */
import { logGamma } from "./gamma";
import { logBesselI, iSeriesSumM1 } from "./ik";
import { domainError } from "../errors";

function checkVmfArgs(fn: string, d: number, kappa: number): void {
  if (!Number.isInteger(d) || d < 1) domainError(fn, "d", d, "an integer dimension ≥ 1");
  if (kappa < 0) domainError(fn, "kappa", kappa, "κ ≥ 0");
}

/**
 * log E_{u∼Unif(S^{d−1})} e^{κ u·v} = log(2^ν Γ(ν+1) κ^{−ν} I_ν(κ)), ν = d/2 − 1.
 * 0 at κ = 0; ≈ κ − ((d−1)/2) log κ + const for large κ.
 * @throws DomainError naming `d` (not an integer ≥ 1) or `kappa` (κ < 0).
 */
export function logExpectedExpDot(d: number, kappa: number): number {
  if (Number.isNaN(d) || Number.isNaN(kappa)) return NaN;
  checkVmfArgs("logExpectedExpDot", d, kappa);
  if (kappa === 0) return 0;
  if (kappa === Infinity) return Infinity;
  if (d === 1) return kappa + Math.log1p(Math.exp(-2 * kappa)) - Math.LN2; // log cosh κ
  const nu = d / 2 - 1;
  // The series has positive terms only; with z = κ²/4 ≤ 25(ν+1) + 100 it needs ≲ 100 of them and
  // avoids the cancellation of ν log 2 + log Γ(ν+1) − ν log κ against log I_ν(κ) (large d).
  if (0.25 * kappa * kappa <= 25 * (nu + 1) + 100) return Math.log1p(iSeriesSumM1(nu, kappa));
  return nu * Math.LN2 + logGamma(nu + 1) - nu * Math.log(kappa) + logBesselI(nu, kappa);
}

/** log |S^{d−1}| = log(2π^{d/2}/Γ(d/2)), the surface area of the unit sphere in ℝ^d. */
export function logSphereArea(d: number): number {
  if (Number.isNaN(d)) return NaN;
  if (!Number.isInteger(d) || d < 1)
    domainError("logSphereArea", "d", d, "an integer dimension ≥ 1");
  return Math.LN2 + 0.5 * d * Math.log(Math.PI) - logGamma(0.5 * d);
}

/**
 * log C_d(κ), the vMF normalising constant with respect to surface measure on S^{d−1}:
 * C_d(κ) = κ^{d/2−1} / ((2π)^{d/2} I_{d/2−1}(κ)); at κ = 0 it is 1/|S^{d−1}|.
 * Stable for large d and κ (d = 512, κ = 100 is fine).
 * @throws DomainError naming `d` (not an integer ≥ 1) or `kappa` (κ < 0).
 */
export function logVmfNormaliser(d: number, kappa: number): number {
  if (Number.isNaN(d) || Number.isNaN(kappa)) return NaN;
  checkVmfArgs("logVmfNormaliser", d, kappa);
  return -logExpectedExpDot(d, kappa) - logSphereArea(d);
}
