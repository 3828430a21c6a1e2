/**
 * f-divergences between discrete distributions and Markov kernels (Liese & Vajda 2006).
 *
 *   D_f(P‖Q) = Σ_{q(x)>0} q(x) f(p(x)/q(x)) + f'(∞) · P(q = 0),   f'(∞) = lim_{t→∞} f(t)/t,
 *
 * for convex f on [0, ∞) with f(1) = 0. The second term is the mass of P where Q vanishes
 * (singular part); with f'(∞) = ∞ (KL, χ²) any such mass makes the divergence infinite.
 * Data processing: for any Markov kernel T, D_f(PT‖QT) ≤ D_f(P‖Q), with equality when T is
 * sufficient for {P, Q} (the likelihood ratio p/q is a function of T's output).
 */
import { DomainError } from "../errors";
import { assertIn, assertInt, MatrixInput, toDistribution, toKernel } from "./validate";

/** A convex generator f with f(1) = 0. `f(0)` must return the limit lim_{t↓0} f(t). */
export interface FGenerator {
  readonly name: string;
  f(t: number): number;
  /** f'(∞) = lim_{t→∞} f(t)/t: the weight of P-mass on {q = 0}. */
  readonly slopeAtInfinity: number;
}

/** Build a generator; checks f(1) = 0 (|f(1)| ≤ 1e-12) so that D_f(P‖P) = 0. */
export function fGenerator(
  name: string,
  f: (t: number) => number,
  slopeAtInfinity: number,
): FGenerator {
  const f1 = f(1);
  if (!(Math.abs(f1) <= 1e-12))
    throw new DomainError(`fGenerator: f(1) = ${f1} for "${name}"; expected f(1) = 0`);
  if (Number.isNaN(slopeAtInfinity))
    throw new DomainError(
      `fGenerator: slopeAtInfinity is NaN for "${name}"; expected a number or Infinity`,
    );
  return { name, f, slopeAtInfinity };
}

/** The standard generators. Hellinger is the un-halved convention H² = Σ(√p − √q)² ∈ [0, 2]. */
export const generators = {
  /** KL(P‖Q): f(t) = t log t. */
  kl: fGenerator("KL", (t) => (t > 0 ? t * Math.log(t) : 0), Infinity),
  /** Reverse KL, KL(Q‖P): f(t) = −log t (f(0) = ∞). */
  reverseKl: fGenerator("reverse KL", (t) => (t > 0 ? -Math.log(t) : Infinity), 0),
  /** Total variation ½Σ|p − q|: f(t) = ½|t − 1|. */
  tv: fGenerator("TV", (t) => 0.5 * Math.abs(t - 1), 0.5),
  /** Pearson χ²(P‖Q) = Σ (p − q)²/q: f(t) = (t − 1)². */
  chi2: fGenerator("χ²", (t) => (t - 1) * (t - 1), Infinity),
  /** Squared Hellinger Σ(√p − √q)²: f(t) = (√t − 1)². */
  hellinger: fGenerator("Hellinger²", (t) => (Math.sqrt(t) - 1) ** 2, 1),
  /** Jensen–Shannon ½KL(P‖M) + ½KL(Q‖M), M = (P+Q)/2: f(t) = ½[t log(2t/(1+t)) + log(2/(1+t))]. */
  js: fGenerator(
    "JS",
    (t) => 0.5 * ((t > 0 ? t * Math.log((2 * t) / (1 + t)) : 0) + Math.log(2 / (1 + t))),
    0.5 * Math.LN2,
  ),
} as const;

/** D_f(P‖Q) for a generator (see module doc for the q = 0 convention). */
export function fDivergence(gen: FGenerator, p: ArrayLike<number>, q: ArrayLike<number>): number {
  const P = toDistribution("fDivergence", "p", p),
    Q = toDistribution("fDivergence", "q", q);
  if (P.length !== Q.length)
    throw new DomainError(
      `fDivergence: p has ${P.length} entries, q has ${Q.length}; expected equal lengths`,
    );
  let d = 0,
    singular = 0;
  for (let i = 0; i < P.length; i++) {
    if (Q[i] > 0) d += Q[i] * gen.f(P[i] / Q[i]);
    else singular += P[i];
  }
  // Only add f'(∞)·P(q=0) when that mass is positive, so ∞·0 never produces NaN.
  if (singular > 0) d += gen.slopeAtInfinity * singular;
  return d;
}

function pair(
  fn: string,
  p: ArrayLike<number>,
  q: ArrayLike<number>,
): [Float64Array, Float64Array] {
  const P = toDistribution(fn, "p", p),
    Q = toDistribution(fn, "q", q);
  if (P.length !== Q.length)
    throw new DomainError(
      `${fn}: p has ${P.length} entries, q has ${Q.length}; expected equal lengths`,
    );
  return [P, Q];
}

/** KL(P‖Q) = Σ p log(p/q) in nats (∞ if P puts mass where Q has none). Direct formula. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [P, Q] = pair("klDivergence", p, q);
  let d = 0;
  for (let i = 0; i < P.length; i++) {
    if (P[i] === 0) continue;
    if (Q[i] === 0) return Infinity;
    d += P[i] * Math.log(P[i] / Q[i]);
  }
  return Math.max(0, d);
}

/** Total variation distance ½Σ|p − q| ∈ [0, 1]. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [P, Q] = pair("totalVariation", p, q);
  let d = 0;
  for (let i = 0; i < P.length; i++) d += Math.abs(P[i] - Q[i]);
  return 0.5 * d;
}

/** Pearson χ²(P‖Q) = Σ (p − q)²/q (∞ if P puts mass where Q has none). */
export function chiSquare(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [P, Q] = pair("chiSquare", p, q);
  let d = 0;
  for (let i = 0; i < P.length; i++) {
    if (Q[i] === 0) {
      if (P[i] > 0) return Infinity;
      continue;
    }
    d += ((P[i] - Q[i]) * (P[i] - Q[i])) / Q[i];
  }
  return d;
}

/** Squared Hellinger distance Σ(√p − √q)² ∈ [0, 2] (un-halved convention, = 2 − 2Σ√(pq)). */
export function hellingerSquared(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [P, Q] = pair("hellingerSquared", p, q);
  let d = 0;
  for (let i = 0; i < P.length; i++) d += (Math.sqrt(P[i]) - Math.sqrt(Q[i])) ** 2;
  return d;
}

/**
 * Push a distribution through a Markov kernel: (PK)(y) = Σ_x p(x) K[x][y].
 * K is n×m with rows that are distributions (validated).
 */
export function pushForward(p: ArrayLike<number>, kernel: MatrixInput): Float64Array {
  const P = toDistribution("pushForward", "p", p);
  const K = toKernel("pushForward", "kernel", kernel);
  if (K.rows !== P.length)
    throw new DomainError(
      `pushForward: kernel has ${K.rows} rows but p has ${P.length} entries; expected equal`,
    );
  const out = new Float64Array(K.cols);
  for (let i = 0; i < K.rows; i++) {
    const pi = P[i];
    if (pi === 0) continue;
    for (let j = 0; j < K.cols; j++) out[j] += pi * K.data[i * K.cols + j];
  }
  return out;
}

/** Compose kernels: (K₁K₂)[x][z] = Σ_y K₁[x][y] K₂[y][z]. */
export function composeKernels(
  k1: MatrixInput,
  k2: MatrixInput,
): { data: Float64Array; shape: [number, number] } {
  const A = toKernel("composeKernels", "k1", k1),
    B = toKernel("composeKernels", "k2", k2);
  if (A.cols !== B.rows)
    throw new DomainError(
      `composeKernels: k1 has ${A.cols} columns but k2 has ${B.rows} rows; expected equal`,
    );
  const data = new Float64Array(A.rows * B.cols);
  for (let i = 0; i < A.rows; i++)
    for (let k = 0; k < A.cols; k++) {
      const a = A.data[i * A.cols + k];
      if (a === 0) continue;
      for (let j = 0; j < B.cols; j++) data[i * B.cols + j] += a * B.data[k * B.cols + j];
    }
  return { data, shape: [A.rows, B.cols] };
}

/** The kernel of a deterministic map T: {0..n−1} → {0..m−1}: K[x][T(x)] = 1. */
export function deterministicKernel(
  map: ArrayLike<number>,
  m: number,
): { data: Float64Array; shape: [number, number] } {
  assertInt("deterministicKernel", "m", m, 1);
  const n = map.length;
  if (n === 0)
    throw new DomainError(
      "deterministicKernel: argument map is empty; expected a map from n ≥ 1 points",
    );
  const data = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const t = map[i];
    if (!Number.isInteger(t) || t < 0 || t >= m)
      throw new DomainError(
        `deterministicKernel: argument map[${i}] = ${t}; expected an integer in [0, ${m})`,
      );
    data[i * m + t] = 1;
  }
  return { data, shape: [n, m] };
}

/**
 * The minimal sufficient statistic for the pair {P, Q}: T groups points with the same likelihood
 * ratio p/q (relative tolerance `rtol`; q = 0 < p is its own group "ratio ∞"; points with
 * p = q = 0 join group 0 since they carry no mass). Pushing P and Q through T leaves every
 * f-divergence unchanged — the equality case of data processing.
 */
export function sufficientStatistic(
  p: ArrayLike<number>,
  q: ArrayLike<number>,
  rtol = 1e-9,
): { map: Int32Array; m: number } {
  const [P, Q] = pair("sufficientStatistic", p, q);
  assertIn("sufficientStatistic", "rtol", rtol, 0, 1, { hiOpen: true });
  const ratios: number[] = [];
  const map = new Int32Array(P.length);
  const empty: number[] = [];
  for (let i = 0; i < P.length; i++) {
    if (P[i] === 0 && Q[i] === 0) {
      empty.push(i);
      continue;
    }
    const r = Q[i] === 0 ? Infinity : P[i] / Q[i];
    let g = ratios.findIndex((s) =>
      s === Infinity || r === Infinity ? s === r : Math.abs(s - r) <= rtol * Math.max(s, r),
    );
    if (g < 0) {
      g = ratios.length;
      ratios.push(r);
    }
    map[i] = g;
  }
  for (const i of empty) map[i] = 0;
  return { map, m: Math.max(1, ratios.length) };
}
