/**
 * The two Bessel quantities the von Mises family needs, taken from lib/special:
 *   log I₀(κ)            — the normaliser 2π I₀(κ) of the density,
 *   A(κ) = I₁(κ)/I₀(κ)   — the mean resultant length; κA(κ) is the Fisher information for μ.
 * Kept in one place so the info module has a single seam onto special.
 */
import { besselIRatio, logBesselI } from "../special";

/** log I₀(κ), κ ≥ 0 (overflow-free for large κ). */
export function logI0(kappa: number): number {
  return logBesselI(0, kappa);
}

/** A(κ) = I₁(κ)/I₀(κ) ∈ [0, 1). */
export function meanResultantLength(kappa: number): number {
  if (kappa === 0) return 0;
  return besselIRatio(0, kappa);
}
