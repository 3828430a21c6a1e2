/**
 * Special functions in float64 (plain TypeScript, no tfjs). Argument order is (order, x)
 * throughout; out-of-domain input throws a DomainError (a BesselbookError and a RangeError)
 * naming the argument; NaN in gives NaN out, and nothing else gives NaN (overflow gives ±∞).
 *
 *   besselJ(ν, x), besselY(ν, x)          J_ν, Y_ν, any real ν (negative by reflection);
 *                                          x < 0 only for integer ν (J; Y is complex there)
 *   besselI(ν, x), besselK(ν, x)          I_ν, K_ν (I overflows past x ≈ 713, K underflows
 *                                          past ≈ 705)
 *   besselIScaled, besselKScaled          e^{−|x|} I_ν(x), e^{x} K_ν(x)
 *   logBesselI(ν, x), besselIRatio(ν, x)  log I_ν (no overflow for any ν, x), I_{ν+1}/I_ν
 *   besselJPrime, besselYPrime            J′_ν, Y′_ν
 *   sphericalJ(ℓ, x), sphericalY(ℓ, x)    j_ℓ, y_ℓ, ℓ = 0, 1, 2, …
 *   besselJZeros(ν, n)                    first n positive zeros of J_ν (ν ≥ 0)
 *   besselJPrimeZeros(ν, n, {includeZero}) first n zeros of J′_ν (x = 0 first for ν = 0 if asked)
 *   logExpectedExpDot(d, κ)               log E_{u~S^{d−1}} e^{κ u·v}
 *                                          = log(2^ν Γ(ν+1) κ^{−ν} I_ν(κ))
 *   logVmfNormaliser(d, κ)                log C_d(κ) of the von Mises–Fisher density
 *   gamma, logGamma, rgamma, sinpi, cospi
 *   …Array(ν, xs, out?)                   the same over a Float64Array
 *
 * Accuracy against mpmath on random points (test/special-sweep.test.ts; table in environment.md): ≤
 * 1e-14 for |ν| ≤ 100, x ≥ 1e-6 — relative where x ≤ |ν|, relative to max(|f|, √(J² + Y²)) where x
 * > |ν| — ≤ 4e-14 for Y, K at x < 1e-6; ≤ 5e-14 on a small sample with 100 < ν ≤ 1000 (J₁₀₀₀(600):
 * 4.9e-14, test/special-mutants3.test.ts; 4e-14 was stated here before); zeros to ~2e-16 relative.
 * Orders |ν| ≤ 1e5. Methods per region are described in jy.ts, ik.ts, fast.ts and zeros.ts.
 */
export { gamma, logGamma, rgamma, sinpi, cospi, EULER_GAMMA } from "./gamma";
export {
  besselJ,
  besselY,
  besselJPrime,
  besselYPrime,
  sphericalJ,
  sphericalY,
  jyGeneral,
} from "./jy";
export {
  besselI,
  besselK,
  besselIScaled,
  besselKScaled,
  logBesselI,
  besselIRatio,
  ikGeneral,
} from "./ik";
export { besselJZeros, besselJPrimeZeros, type PrimeZerosOptions } from "./zeros";
export { logExpectedExpDot, logVmfNormaliser, logSphereArea } from "./vmf";
export {
  besselJArray,
  besselYArray,
  besselIArray,
  besselKArray,
  besselIScaledArray,
  besselKScaledArray,
  logBesselIArray,
  besselIRatioArray,
  besselJPrimeArray,
  besselYPrimeArray,
  sphericalJArray,
  sphericalYArray,
  type ArrayFn,
} from "./array";
export {
  gaussLegendre,
  diskModeImage,
  diskModeNormSq,
  diskGram,
  expectedExpDotMonteCarlo,
  type DiskMode,
  type DiskGramOptions,
} from "./disk";
