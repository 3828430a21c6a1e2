/**
 * Radial bases for edge lengths (float64, evaluated once per batch; positions are not
 * differentiated in this project, so the bases need no gradient).
 *
 *   Gaussian:          g_k(r) = exp(−(r − μ_k)² / (2σ²)),
 *                      μ_k evenly spaced on [0, r_c], σ = spacing.
 *   spherical Bessel:  φ_k(r) = N_k j_ℓ(z_{ℓ,k} r / r_c),   z_{ℓ,k} the k-th positive zero of j_ℓ,
 *                      N_k = √(2/r_c³) / |j_{ℓ+1}(z_{ℓ,k})|, orthonormal on [0, r_c] with weight r²
 *                      (closure relation of Fourier–Bessel series); φ_k(r_c) = 0.
 *   cosine cutoff:     u(r) = ½(cos(πr/r_c) + 1) for r < r_c, else 0 — makes messages vanish
 *                      smoothly as neighbours cross the radius, so the model is continuous in x.
 */
import { domainError } from "../errors";
import { sphericalJ } from "../special";

function checkCutoff(fn: string, cutoff: number): void {
  if (!(cutoff > 0 && Number.isFinite(cutoff)))
    domainError(fn, "cutoff", cutoff, "a finite radius > 0");
}

function checkCount(fn: string, n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) domainError(fn, "n", n, "an integer ≥ 1");
}

/** Gaussian basis, [r.length·n] row-major. */
export function gaussianBasis(r: ArrayLike<number>, n: number, cutoff: number): Float32Array {
  checkCount("gaussianBasis", n);
  checkCutoff("gaussianBasis", cutoff);
  const step = n > 1 ? cutoff / (n - 1) : cutoff;
  const out = new Float32Array(r.length * n);
  for (let e = 0; e < r.length; e++)
    for (let k = 0; k < n; k++) {
      const z = (r[e] - k * step) / step;
      out[e * n + k] = Math.exp(-0.5 * z * z);
    }
  return out;
}

const zeroCache = new Map<string, number[]>();

/** First n positive zeros of j_ℓ, by bracketing sign changes on a fine grid and bisection. */
export function sphericalBesselZeros(l: number, n: number): number[] {
  if (!(Number.isInteger(l) && l >= 0 && l <= 20))
    domainError("sphericalBesselZeros", "l", l, "an integer in [0, 20]");
  checkCount("sphericalBesselZeros", n);
  const key = `${l},${n}`;
  const hit = zeroCache.get(key);
  if (hit) return hit.slice();
  const zeros: number[] = [];
  // Zeros of j_ℓ are spaced ≈ π apart and start above ℓ; a grid step of 0.1 never skips one.
  const h = 0.1;
  let a = Math.max(l, 0.5),
    fa = sphericalJ(l, a);
  while (zeros.length < n) {
    const b = a + h,
      fb = sphericalJ(l, b);
    if (fa === 0) zeros.push(a);
    else if (fa * fb < 0) {
      let lo = a,
        hi = b,
        flo = fa;
      for (let it = 0; it < 80; it++) {
        const mid = 0.5 * (lo + hi),
          fm = sphericalJ(l, mid);
        if (flo * fm <= 0) hi = mid;
        else {
          lo = mid;
          flo = fm;
        }
      }
      zeros.push(0.5 * (lo + hi));
    }
    a = b;
    fa = fb;
  }
  zeroCache.set(key, zeros);
  return zeros.slice();
}

/**
 * Spherical-Bessel basis of order ℓ (default 0), [r.length·n] row-major, zero beyond the cutoff.
 */
export function sphericalBesselBasis(
  r: ArrayLike<number>,
  n: number,
  cutoff: number,
  l = 0,
): Float32Array {
  checkCount("sphericalBesselBasis", n);
  checkCutoff("sphericalBesselBasis", cutoff);
  const z = sphericalBesselZeros(l, n);
  const norm = z.map((zk) => Math.sqrt(2 / cutoff ** 3) / Math.abs(sphericalJ(l + 1, zk)));
  const out = new Float32Array(r.length * n);
  for (let e = 0; e < r.length; e++) {
    if (!(r[e] < cutoff)) continue;
    for (let k = 0; k < n; k++) out[e * n + k] = norm[k] * sphericalJ(l, (z[k] * r[e]) / cutoff);
  }
  return out;
}

/** Cosine cutoff envelope u(r). */
export function cosineCutoff(r: ArrayLike<number>, cutoff: number): Float32Array {
  checkCutoff("cosineCutoff", cutoff);
  return Float32Array.from(r, (x) =>
    x < cutoff ? 0.5 * (Math.cos((Math.PI * x) / cutoff) + 1) : 0,
  );
}

export type RadialBasis = "gaussian" | "bessel";

/** Dispatch by name. */
export function radialBasis(
  kind: RadialBasis,
  r: ArrayLike<number>,
  n: number,
  cutoff: number,
): Float32Array {
  if (kind === "gaussian") return gaussianBasis(r, n, cutoff);
  if (kind === "bessel") return sphericalBesselBasis(r, n, cutoff, 0);
  return domainError("radialBasis", "kind", kind, '"gaussian" or "bessel"');
}
