/**
 * Gamma function, log-gamma and the exact trigonometric helpers the Bessel code needs.
 *
 * Method (float64 throughout):
 *  - |z| ≤ 1/2 around 1: the Taylor series of the entire function 1/Γ(1+z) (DLMF 5.7.1), whose
 *    coefficients were computed once to 40 digits with mpmath; 26 terms give < 1e-17 on |z| ≤ 1/2.
 *    Written as 1 + Σ_{k≥1} c_k z^k it also gives 1/Γ(1+z) − 1 without cancellation, which is
 *    what log Γ near its zeros at 1 and 2 and Temme's Γ₁, Γ₂ (bessel Y/K) need.
 *  - x ≥ 10: Stirling's series (DLMF 5.11.1) with 9 Bernoulli terms (truncation < 2e-18).
 *  - in between: the recurrence Γ(x+1) = xΓ(x) (at most 9 products, a few ulp).
 *  - x < 1/2: reflection Γ(x)Γ(1−x) = π / sin(πx) with an exactly reduced sin(πx).
 */
import { domainError } from "../errors";

/** Taylor coefficients c_k of 1/Γ(1+z) = Σ c_k z^k (c_0 = 1, c_1 = Euler's γ). */
const RGAMMA_TAYLOR = [
  1.0, 0.57721566490153286061, -0.65587807152025388108, -0.042002635034095235529,
  0.1665386113822914895, -0.042197734555544336748, -0.0096219715278769735621,
  0.0072189432466630995424, -0.0011651675918590651121, -0.00021524167411495097282,
  0.00012805028238811618615, -0.000020134854780788238656, -1.2504934821426706573e-6,
  1.1330272319816958824e-6, -2.0563384169776071035e-7, 6.1160951044814158179e-9,
  5.0020076444692229301e-9, -1.1812745704870201446e-9, 1.0434267116911005105e-10,
  7.782263439905071254e-12, -3.6968056186422057082e-12, 5.100370287454475979e-13,
  -2.0583260535665067832e-14, -5.3481225394230179824e-15, 1.2267786282382607902e-15,
  -1.1812593016974587695e-16, 1.1866922547516003326e-18, 1.4123806553180317816e-18,
];

/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.57721566490153286061;
const LOG_SQRT_2PI = 0.91893853320467274178; // ½ log(2π)
const SQRT_2PI = 2.5066282746310005024;

/** 1/Γ(1+z) − 1 for |z| ≤ 1 (accurate to a few ulp of the result, no cancellation). */
export function rgamma1pm1(z: number): number {
  let s = 0;
  for (let k = RGAMMA_TAYLOR.length - 1; k >= 1; k--) s = s * z + RGAMMA_TAYLOR[k]!;
  return s * z;
}

/** 1/Γ(1+z) for |z| ≤ 1. */
export function rgamma1p(z: number): number {
  return 1 + rgamma1pm1(z);
}

/**
 * Temme's auxiliary functions (Temme 1975; DLMF 10.38-ish form used for Y_μ and K_μ):
 * Γ₁(μ) = [1/Γ(1−μ) − 1/Γ(1+μ)] / (2μ),  Γ₂(μ) = [1/Γ(1−μ) + 1/Γ(1+μ)] / 2, for |μ| ≤ 1/2.
 * From the Taylor series: Γ₁ = −Σ_{k odd} c_k μ^{k−1}, Γ₂ = Σ_{k even} c_k μ^k — no 0/0 at μ = 0.
 * Also returns 1/Γ(1+μ) and 1/Γ(1−μ).
 */
export function temmeGammas(mu: number): { g1: number; g2: number; gp: number; gm: number } {
  const m2 = mu * mu;
  let odd = 0;
  let even = 0;
  const n = RGAMMA_TAYLOR.length;
  // Horner in μ² over the odd and even coefficient subsequences.
  for (let k = (n - 1) | 1; k >= 1; k -= 2) odd = odd * m2 + RGAMMA_TAYLOR[k]!;
  for (let k = (n - 1) & ~1; k >= 0; k -= 2) even = even * m2 + RGAMMA_TAYLOR[k]!;
  // 1/Γ(1±μ) = even ± μ·odd
  return { g1: -odd, g2: even, gp: even + mu * odd, gm: even - mu * odd };
}

/** sin(πx) with exact argument reduction (exact zeros at integers, ±1 at half-integers). */
export function sinpi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  let s = 1;
  if (x < 0) {
    x = -x;
    s = -1;
  }
  let r = x % 2; // exact
  if (r >= 1) {
    r -= 1; // exact (Sterbenz)
    s = -s;
  }
  if (r > 0.5) r = 1 - r; // exact; sin(π r) = sin(π(1−r))
  if (r === 0) return 0 * s;
  return s * (r <= 0.25 ? Math.sin(Math.PI * r) : Math.cos(Math.PI * (0.5 - r)));
}

/** cos(πx) with exact argument reduction (exact zeros at half-integers). */
export function cospi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  let r = Math.abs(x) % 2;
  if (r > 1) r = 2 - r; // cos(π r) = cos(π(2 − r)), exact
  let s = 1;
  if (r > 0.5) {
    r = 1 - r;
    s = -1;
  }
  if (r === 0.5) return 0;
  return s * (r <= 0.25 ? Math.cos(Math.PI * r) : Math.sin(Math.PI * (0.5 - r)));
}

/** Stirling correction log Γ(x) − [(x−½)log x − x + ½log 2π] for x ≥ 10 (DLMF 5.11.1). */
export function stirlingCorrection(x: number): number {
  const w = 1 / (x * x);
  // B_{2k} / (2k(2k−1)), k = 1..9
  const s =
    1 / 12 +
    w *
      (-1 / 360 +
        w *
          (1 / 1260 +
            w *
              (-1 / 1680 +
                w *
                  (1 / 1188 +
                    w *
                      (-691 / 360360 +
                        w * (1 / 156 + w * (-3617 / 122400 + w * (43867 / 244188))))))));
  return s / x;
}

function isNonPositiveInteger(x: number): boolean {
  return x <= 0 && Number.isInteger(x);
}

/**
 * Γ(x) for real x. Overflows to Infinity above x ≈ 171.62; poles at 0, −1, −2, … throw a
 * DomainError naming x. NaN in gives NaN out.
 */
export function gamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x === -Infinity) return domainError("gamma", "x", x, "a finite number or +Infinity");
  if (isNonPositiveInteger(x))
    return domainError("gamma", "x", x, "x not 0, −1, −2, … (poles of Γ)");
  if (Math.abs(x) <= 0.5) return 1 / (x * rgamma1p(x)); // Γ(x) = Γ(1+x)/x
  if (x < 0) {
    // Reflection: Γ(x) = π / (sin(πx) Γ(1−x)); 1−x > 1.5 here.
    const g = gamma(1 - x);
    return Math.PI / (sinpi(x) * g);
  }
  if (x <= 1.5) return 1 / rgamma1p(x - 1);
  if (x < 10) {
    // Bring x down to z ∈ (0.5, 1.5] and multiply back: Γ(x) = Γ(z) z (z+1) … (x−1).
    let z = x;
    let p = 1;
    while (z > 1.5) {
      z -= 1;
      p *= z;
    }
    return p / rgamma1p(z - 1);
  }
  if (x > 171.7) return Infinity;
  // Stirling: Γ(x) = √(2π) x^{x−½} e^{−x} e^{S(x)}; the power is split in two so that
  // x^{x−½} never overflows on its own before e^{−x} brings it back.
  const h = Math.pow(x, 0.5 * x - 0.25);
  return SQRT_2PI * h * (h * Math.exp(-x)) * Math.exp(stirlingCorrection(x));
}

/** 1/Γ(x), entire: 0 at the poles of Γ, no overflow problems for large x below 171. */
export function rgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (isNonPositiveInteger(x)) return 0;
  if (Math.abs(x) <= 0.5) return x * rgamma1p(x);
  if (x > 171.7) return 0;
  return 1 / gamma(x);
}

/**
 * log|Γ(x)| for real x. +Infinity at the poles (0, −1, −2, …), NaN in gives NaN out.
 * Accurate to a few ulp of the result for x > 0 (including near the zeros at x = 1 and 2);
 * for x < 0 the reflection formula leaves an absolute error ~1e-16·|log Γ(1−x)|.
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (isNonPositiveInteger(x)) return Infinity;
  if (x < 0) {
    // log|Γ(x)| = log π − log|sin πx| − log Γ(1−x)
    return Math.log(Math.PI / Math.abs(sinpi(x))) - logGamma(1 - x);
  }
  if (x < 0.5) return -Math.log(x) - Math.log1p(rgamma1pm1(x));
  if (x <= 1.5) return -Math.log1p(rgamma1pm1(x - 1));
  if (x <= 2.5) {
    const z = x - 2; // exact
    return Math.log1p(z) - Math.log1p(rgamma1pm1(z)); // Γ(x) = (x−1) Γ(x−1)
  }
  if (x < 10) return Math.log(gamma(x));
  return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingCorrection(x);
}

/**
 * 1/Γ(1+ν) for an order ν, without forming 1 + ν: rounding ν + 1 (up to ½ ulp of ν+1) would move
 * Γ by ψ(ν+1)·ulp — 1e-14 relative at ν ≈ 32. Uses 1/Γ(1+ν) = 1/(ν Γ(ν)) above 1.
 */
export function rgammaP1(nu: number): number {
  if (nu > -1 && nu <= 1) return rgamma1p(nu);
  return rgamma(nu) / nu;
}

/** log Γ(1+ν) without forming 1 + ν (see rgammaP1). */
export function logGammaP1(nu: number): number {
  if (nu > -1 && nu <= 1) return -Math.log1p(rgamma1pm1(nu));
  return logGamma(nu) + Math.log(nu);
}
