/**
 * Seeded random discrete distributions, joints and Markov kernels (Dirichlet draws), used to test
 * the inequalities on thousands of random instances. Every function takes an `Rng` (tensor/rng).
 */
import { Rng } from "../tensor/rng";
import { assertIn, assertInt } from "./validate";

/**
 * Gamma(shape, 1) deviate. Marsaglia & Tsang (2000) squeeze method for shape ≥ 1; for shape < 1
 * the boost G(a) = G(a+1)·U^{1/a} (same paper, §6).
 */
export function sampleGamma(shape: number, r: Rng): number {
  assertIn("sampleGamma", "shape", shape, 0, Infinity, { loOpen: true, hiOpen: true });
  if (shape < 1) {
    const u = r.uniform();
    return sampleGamma(shape + 1, r) * Math.pow(u > 0 ? u : Number.MIN_VALUE, 1 / shape);
  }
  const d = shape - 1 / 3,
    c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = r.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = r.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Dirichlet(α,…,α) draw of length n: α = 1 is uniform on the simplex, α < 1 favours sparse vectors.
 */
export function randomDistribution(n: number, r: Rng, alpha = 1): Float64Array {
  assertInt("randomDistribution", "n", n, 1);
  assertIn("randomDistribution", "alpha", alpha, 0, Infinity, { loOpen: true, hiOpen: true });
  const g = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += g[i] = sampleGamma(alpha, r);
  if (!(s > 0)) {
    // All gammas underflowed (tiny α): fall back to a point mass, which is still a Dirichlet limit.
    g.fill(0);
    g[r.int(n)] = 1;
    return g;
  }
  for (let i = 0; i < n; i++) g[i] /= s;
  return renormalise(g);
}

/** A random rows×cols joint distribution (Dirichlet over all cells), as { data, shape }. */
export function randomJoint(
  rows: number,
  cols: number,
  r: Rng,
  alpha = 1,
): { data: Float64Array; shape: [number, number] } {
  assertInt("randomJoint", "rows", rows, 1);
  assertInt("randomJoint", "cols", cols, 1);
  return { data: randomDistribution(rows * cols, r, alpha), shape: [rows, cols] };
}

/** A random n×m Markov kernel: each row an independent Dirichlet(α) draw. */
export function randomKernel(
  n: number,
  m: number,
  r: Rng,
  alpha = 1,
): { data: Float64Array; shape: [number, number] } {
  assertInt("randomKernel", "n", n, 1);
  assertInt("randomKernel", "m", m, 1);
  const data = new Float64Array(n * m);
  for (let i = 0; i < n; i++) data.set(randomDistribution(m, r, alpha), i * m);
  return { data, shape: [n, m] };
}

/** Push the rounding residue of Σp into the largest entry so Σp = 1 to one ulp. */
function renormalise(p: Float64Array): Float64Array {
  let s = 0,
    k = 0;
  for (let i = 0; i < p.length; i++) {
    s += p[i];
    if (p[i] > p[k]) k = i;
  }
  p[k] += 1 - s;
  return p;
}
