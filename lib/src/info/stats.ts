/**
 * Small statistics helpers: the one-sample Kolmogorov–Smirnov test and log–log slope fits.
 */
import { DomainError } from "../errors";
import { assertIn } from "./validate";

/** Kolmogorov survival function Q(t) = P(K > t) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²t²}. */
export function kolmogorovSurvival(t: number): number {
  assertIn("kolmogorovSurvival", "t", t, 0, Infinity);
  // 1 − Q(t) = √(2π)/t · e^{−π²/(8t²)}(1 + …) < 4e-18 for t < 0.17: 1 to double precision.
  // (The cut was 0.2, where 1 − Q = 5.0e-13 is well resolved: Q(0.19) came out 1, not 1 − 1.9e-14.)
  if (t < 0.17) return 1;
  if (t < 1) {
    // For small t the alternating series converges slowly; use the dual (Jacobi theta) form
    // P(K ≤ t) = √(2π)/t Σ_{k≥1} e^{−(2k−1)²π²/(8t²)}.
    let s = 0;
    for (let k = 1; k <= 20; k++)
      s += Math.exp((-((2 * k - 1) ** 2) * Math.PI * Math.PI) / (8 * t * t));
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / t) * s));
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * t * t);
    s += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-18) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

export interface KsResult {
  /** sup |F_n − F| */
  D: number;
  /** asymptotic p-value with Stephens' finite-n correction: Q((√n + 0.12 + 0.11/√n) D) */
  pValue: number;
  n: number;
}

/** One-sample KS test of `samples` against a continuous CDF. */
export function ksTest(samples: ArrayLike<number>, cdf: (x: number) => number): KsResult {
  const n = samples.length;
  if (n < 1)
    throw new DomainError("ksTest: argument samples is empty; expected at least one sample");
  const x = Float64Array.from(samples).sort();
  let D = 0;
  for (let i = 0; i < n; i++) {
    const F = cdf(x[i]);
    if (!(F >= -1e-12 && F <= 1 + 1e-12))
      throw new DomainError(`ksTest: cdf(${x[i]}) = ${F}; expected a value in [0, 1]`);
    D = Math.max(D, (i + 1) / n - F, F - i / n);
  }
  const sn = Math.sqrt(n);
  return { D, pValue: kolmogorovSurvival((sn + 0.12 + 0.11 / sn) * D), n };
}

/** Least-squares fit log y = intercept + slope·log x (all x, y > 0). */
export function logLogSlope(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
): { slope: number; intercept: number } {
  const n = xs.length;
  if (n !== ys.length || n < 2)
    throw new DomainError(
      `logLogSlope: got ${n} x and ${ys.length} y values; expected equal lengths ≥ 2`,
    );
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    if (!(xs[i] > 0) || !(ys[i] > 0))
      throw new DomainError(
        `logLogSlope: point ${i} = (${xs[i]}, ${ys[i]}); expected positive coordinates`,
      );
    const lx = Math.log(xs[i]),
      ly = Math.log(ys[i]);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  const den = n * sxx - sx * sx;
  if (!(den > 0))
    throw new DomainError("logLogSlope: all x values are equal; expected at least two distinct x");
  const slope = (n * sxy - sx * sy) / den;
  return { slope, intercept: (sy - slope * sx) / n };
}
