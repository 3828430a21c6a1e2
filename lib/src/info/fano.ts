/**
 * Fano's inequality (Gray 2011, Lemma "Fano"): for V uniform or not on M values and any estimate
 * V̂ (a function of the data), with P_e = P(V̂ ≠ V),
 *
 *   H(V | V̂) ≤ h₂(P_e) + P_e log(M − 1).                                              (F)
 *
 * Why: let E = 1{V̂ ≠ V}. H(V|V̂) = H(E|V̂) + H(V|E,V̂) since E is a function of (V, V̂);
 * H(E|V̂) ≤ H(E) = h₂(P_e); given E = 0, V = V̂ (no entropy); given E = 1, V takes one of the
 * other M − 1 values, so H(V|E=1,V̂) ≤ log(M − 1). Equality iff E ⟂ V̂ and, given an error,
 * V is uniform on the M − 1 wrong values (see `fanoEqualityJoint`).
 */
import { DomainError } from "../errors";
import { binaryEntropy, conditionalEntropy } from "./entropy";
import { assertIn, assertInt, MatrixInput, toJoint, toDistribution } from "./validate";

/** Right-hand side of (F): h₂(P_e) + P_e log(M − 1). */
export function fanoBound(pe: number, M: number): number {
  assertIn("fanoBound", "pe", pe, 0, 1);
  assertInt("fanoBound", "M", M, 2);
  return binaryEntropy(pe) + (pe > 0 ? pe * Math.log(M - 1) : 0);
}

/**
 * Invert (F): the smallest P_e ∈ [0, (M−1)/M] with h₂(P_e) + P_e log(M−1) ≥ h, i.e. the lower
 * bound on the error probability implied by a conditional entropy h ∈ [0, log M]. The right side
 * of (F) is increasing on [0, (M−1)/M] (derivative log((1−p)(M−1)/p) ≥ 0) and reaches log M at
 * the right end, so bisection is exact to the last bits.
 */
export function fanoInverse(h: number, M: number): number {
  assertInt("fanoInverse", "M", M, 2);
  const logM = Math.log(M);
  // Allow rounding slack above log M (an entropy computed from data can exceed it by ~1e-15).
  assertIn("fanoInverse", "h", h, 0, logM * (1 + 1e-12) + 1e-15);
  if (h <= 0) return 0;
  let lo = 0,
    hi = (M - 1) / M;
  if (h >= logM) return hi;
  for (let it = 0; it < 200 && hi - lo > 1e-16; it++) {
    const mid = 0.5 * (lo + hi);
    if (fanoBound(mid, M) < h) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The weakened form used in minimax proofs: with V uniform on M values, H(V|V̂) = log M − I(V;V̂)
 * and h₂ ≤ log 2, P_e log(M−1) ≤ P_e log M, so (F) gives P_e ≥ 1 − (I(V; V̂) + log 2)/log M.
 * Returned clamped at 0 (the bound is vacuous below).
 */
export function fanoErrorLowerBound(mutualInfo: number, M: number): number {
  assertIn("fanoErrorLowerBound", "mutualInfo", mutualInfo, 0, Infinity);
  assertInt("fanoErrorLowerBound", "M", M, 2);
  return Math.max(0, 1 - (mutualInfo + Math.LN2) / Math.log(M));
}

export interface FanoCheck {
  /** number of values of V (rows = columns = M) */
  M: number;
  /** P(V̂ ≠ V) = 1 − Σ_v p(v, v) */
  pe: number;
  /** H(V | V̂) */
  hCond: number;
  /** h₂(P_e) + P_e log(M − 1) */
  bound: number;
  /** bound − hCond ≥ 0 by Fano */
  slack: number;
  /** smallest error probability compatible with hCond (fanoInverse) — ≤ pe by Fano */
  peLower: number;
}

/**
 * Evaluate both sides of (F) for a joint p[v][v̂] (rows: true V, columns: estimate V̂, square M×M).
 */
export function fanoCheck(joint: MatrixInput): FanoCheck {
  const m = toJoint("fanoCheck", "joint", joint);
  if (m.rows !== m.cols || m.rows < 2)
    throw new DomainError(
      `fanoCheck: joint is ${m.rows}×${m.cols}; expected a square M×M joint of (V, V̂) with M ≥ 2`,
    );
  const M = m.rows;
  let correct = 0;
  for (let v = 0; v < M; v++) correct += m.data[v * M + v];
  const pe = Math.min(1, Math.max(0, 1 - correct));
  const hCond = conditionalEntropy({ data: m.data, shape: [M, M] }, "y");
  const bound = fanoBound(pe, M);
  return {
    M,
    pe,
    hCond,
    bound,
    slack: bound - hCond,
    peLower: fanoInverse(Math.min(hCond, Math.log(M)), M),
  };
}

/**
 * A joint p[v][v̂] on which (F) holds with equality: V̂ ~ `estimateMarginal` (default uniform), and
 * given V̂ = v̂, V = v̂ with probability 1 − P_e, else uniform over the M − 1 other values.
 */
export function fanoEqualityJoint(
  M: number,
  pe: number,
  estimateMarginal?: ArrayLike<number>,
): { data: Float64Array; shape: [number, number] } {
  assertInt("fanoEqualityJoint", "M", M, 2);
  assertIn("fanoEqualityJoint", "pe", pe, 0, 1);
  const q = estimateMarginal
    ? toDistribution("fanoEqualityJoint", "estimateMarginal", estimateMarginal)
    : new Float64Array(M).fill(1 / M);
  if (q.length !== M)
    throw new DomainError(
      `fanoEqualityJoint: estimateMarginal has ${q.length} entries; expected M = ${M}`,
    );
  const data = new Float64Array(M * M);
  for (let v = 0; v < M; v++)
    for (let w = 0; w < M; w++) data[v * M + w] = q[w] * (v === w ? 1 - pe : pe / (M - 1));
  return { data, shape: [M, M] };
}
