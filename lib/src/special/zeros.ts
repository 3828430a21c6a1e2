/**
 * Zeros of J_ν and J′_ν (ν ≥ 0), to full double precision.
 *
 * Bracketing rather than asymptotic guesses, so no zero can be skipped or repeated:
 *  - J_ν has no zero in (0, ν] (j_{ν,1} > ν, DLMF 10.21.3), and consecutive zeros are more than
 *    3 apart: for ν ≥ ½ by Sturm comparison of u″ + (1 − (ν² − ¼)/x²)u = 0 with u″ + u = 0
 *    (spacing > π); for 0 ≤ ν < ½ the zeros lie beyond j_{0,1} ≈ 2.405, where the coefficient is
 *    ≤ 1 + 1/(4·2.4²), so the spacing is > π/√1.044 > 3.07. A scan with step 1.5 therefore finds
 *    exactly one sign change per zero.
 *  - Zeros of J′_ν interlace with those of J_ν (DLMF 10.21.2): for ν > 0, ν ≤ j′_{ν,1} < j_{ν,1} <
 *    j′_{ν,2} < j_{ν,2} < …; for ν = 0, J′₀ = −J₁ and j′_{0,k} = j_{1,k} ∈ (j_{0,k}, j_{0,k+1}).
 *    Each bracket holds exactly one zero.
 * Inside a bracket: Newton's method (J′ from DLMF 10.6.2, J″ from Bessel's equation), falling back
 * to bisection whenever a step leaves the bracket.
 */
import { besselJ, besselJPrime } from "./jy";
import { checkNonNegativeOrder, checkPositiveInteger } from "./checks";

type Fn = (x: number) => number;

/** The zero of f in [a, b] given f(a)·f(b) ≤ 0, by safeguarded Newton with derivative df. */
function refine(f: Fn, df: Fn, a: number, b: number, fa: number): number {
  let x = 0.5 * (a + b);
  for (let it = 0; it < 200; it++) {
    const fx = f(x);
    if (fx === 0) return x;
    if (fx > 0 === fa > 0) {
      a = x;
      fa = fx;
    } else {
      b = x;
    }
    const step = fx / df(x);
    // Newton has converged once its step is below an ulp of x: x is the best double we can find.
    if (Math.abs(step) <= 1.2e-16 * Math.abs(x)) return x;
    let xn = x - step;
    if (!(xn >= a && xn <= b)) xn = 0.5 * (a + b); // left the bracket: bisect instead
    if (b - a <= 2.3e-16 * Math.abs(x)) return xn;
    x = xn;
  }
  return x;
}

/** Scan J_ν from `start` with step 1.5, returning the first `count` zeros beyond it. */
function scanJZeros(nu: number, count: number): Float64Array {
  const out = new Float64Array(count);
  const f = (x: number) => besselJ(nu, x);
  const df = (x: number) => besselJPrime(nu, x);
  const h = 1.5;
  let a = nu; // J_ν(ν) > 0 for ν > 0; J_0(0) = 1
  let fa = f(a);
  let found = 0;
  while (found < count) {
    const b = a + h;
    const fb = f(b);
    if (fb === 0) {
      out[found++] = b;
      a = b + 1e-9 * b; // step off the zero; the next one is > 3 away
      fa = f(a);
      continue;
    }
    if (fa > 0 !== fb > 0) out[found++] = refine(f, df, a, b, fa);
    a = b;
    fa = fb;
  }
  return out;
}

/**
 * The first n positive zeros j_{ν,1} < j_{ν,2} < … of J_ν, ν ≥ 0.
 * @throws DomainError naming `nu` (ν < 0 or not finite) or `n` (not an integer ≥ 1).
 */
export function besselJZeros(nu: number, n: number): Float64Array {
  checkNonNegativeOrder("besselJZeros", nu);
  checkPositiveInteger("besselJZeros", n, "n");
  return scanJZeros(nu, n);
}

export interface PrimeZerosOptions {
  /**
   * For ν = 0, put the trivial zero x = 0 first (J′₀(0) = 0; the constant mode of a
   * Fourier–Bessel basis). The result still has n entries. Ignored for ν > 0.
   */
  includeZero?: boolean;
}

/**
 * The first n positive zeros j′_{ν,1} < j′_{ν,2} < … of J′_ν, ν ≥ 0 (for ν = 0 optionally
 * preceded by the trivial zero at 0, see `includeZero`).
 * @throws DomainError naming `nu` (ν < 0 or not finite) or `n` (not an integer ≥ 1).
 */
export function besselJPrimeZeros(
  nu: number,
  n: number,
  options: PrimeZerosOptions = {},
): Float64Array {
  checkNonNegativeOrder("besselJPrimeZeros", nu);
  checkPositiveInteger("besselJPrimeZeros", n, "n");
  const out = new Float64Array(n);
  let start = 0;
  if (nu === 0 && options.includeZero) {
    out[0] = 0;
    start = 1;
  }
  const m = n - start;
  if (m === 0) return out;
  const f = (x: number) => besselJPrime(nu, x);
  // J″ from Bessel's equation: x²J″ + xJ′ + (x² − ν²)J = 0.
  const df = (x: number) => -besselJPrime(nu, x) / x - (1 - (nu * nu) / (x * x)) * besselJ(nu, x);
  if (nu === 0) {
    const jz = scanJZeros(0, m + 1);
    for (let k = 0; k < m; k++) out[start + k] = refine(f, df, jz[k]!, jz[k + 1]!, f(jz[k]!));
    return out;
  }
  const jz = scanJZeros(nu, m);
  // First bracket [ν, j_{ν,1}]: J′_ν(ν) ≥ 0 (J_ν increases up to its first maximum j′_{ν,1} ≥ ν).
  let a = nu;
  for (let k = 0; k < m; k++) {
    const b = jz[k]!;
    const fa = f(a);
    out[k] = fa === 0 ? a : refine(f, df, a, b, fa);
    a = b;
  }
  return out;
}
