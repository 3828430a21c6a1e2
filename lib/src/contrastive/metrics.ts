/**
 * Modality-gap metrics on paired embeddings (rows of U and V, [N, d], unit norm), in float64.
 *
 * Definitions used in this project (the modality-gap paper's own formulas could not be read; see
 * REFERENCES.md, gap2025):
 *  - centroid distance  ‖ū − v̄‖₂, ū = (1/N) Σ u_i  (Liang et al. 2022, "Mind the Gap");
 *  - centroid angle     ∠(ū, v̄) = arccos( ū·v̄ / (‖ū‖‖v̄‖) );
 *  - mean pair cosine   (1/N) Σ u_i·v_i  (1 ⇔ every pair aligned);
 *  - pair angles        arccos(u_i·v_i), summarised by min / mean / max.
 */
import { ShapeError } from "../errors";
import { argError, checkCount } from "./errors";
import {
  MatLike,
  asMat,
  columnMean,
  norm,
  dot,
  Mat,
  estimateSubspace,
  principalAngles,
  singularValues,
  normalizeRows,
} from "../linalg";
import { alignment, uniformity } from "./losses";

function pair(fn: string, U: MatLike, V: MatLike): [Mat, Mat] {
  const A = asMat(U, `${fn} U`);
  const B = asMat(V, `${fn} V`);
  if (A.rows !== B.rows || A.cols !== B.cols)
    throw new ShapeError(`${fn} V`, `[${A.rows}, ${A.cols}] (same as U)`, [B.rows, B.cols]);
  return [A, B];
}

const clampAcos = (c: number) => Math.acos(Math.min(1, Math.max(-1, c)));

/** ‖mean u − mean v‖₂ (Liang et al.'s gap vector length). */
export function centroidDistance(U: MatLike, V: MatLike): number {
  const [A, B] = pair("centroidDistance", U, V);
  const a = columnMean(A);
  const b = columnMean(B);
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
  return Math.sqrt(s);
}

/** The gap vector Δ = mean u − mean v. */
export function gapVector(U: MatLike, V: MatLike): Float64Array {
  const [A, B] = pair("gapVector", U, V);
  const a = columnMean(A);
  const b = columnMean(B);
  return a.map((x, k) => x - b[k]);
}

/** Angle (radians) between the two centroids; NaN if a centroid is exactly 0. */
export function centroidAngle(U: MatLike, V: MatLike): number {
  const [A, B] = pair("centroidAngle", U, V);
  const a = columnMean(A);
  const b = columnMean(B);
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return NaN;
  return clampAcos(dot(a, b) / (na * nb));
}

/** Every row of A has unit length (to 1e-6); otherwise an ArgumentError naming the row. */
function checkUnitRows(fn: string, arg: string, A: Mat): void {
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let k = 0; k < A.cols; k++) s += A.data[i * A.cols + k] ** 2;
    if (!(Math.abs(Math.sqrt(s) - 1) <= 1e-6))
      argError(
        fn,
        `${arg} row ${i}`,
        `a row of norm ${Math.sqrt(s)}`,
        "unit rows (embeddings on the sphere; normalise first)",
      );
  }
}

/**
 * Per-pair cosines u_i·v_i. Rows must be unit (to 1e-6; ArgumentError otherwise): not renormalised.
 */
export function pairCosines(U: MatLike, V: MatLike): Float64Array {
  const [A, B] = pair("pairCosines", U, V);
  checkUnitRows("pairCosines", "U", A);
  checkUnitRows("pairCosines", "V", B);
  const out = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let k = 0; k < A.cols; k++) s += A.data[i * A.cols + k] * B.data[i * A.cols + k];
    out[i] = s;
  }
  return out;
}

/** Per-pair angles arccos(u_i·v_i) in radians. */
export function pairAngles(U: MatLike, V: MatLike): Float64Array {
  return pairCosines(U, V).map(clampAcos);
}

export function meanPairCosine(U: MatLike, V: MatLike): number {
  const c = pairCosines(U, V);
  return c.reduce((s, x) => s + x, 0) / c.length;
}

export interface GapMetrics {
  centroidDistance: number;
  /** radians */
  centroidAngle: number;
  meanPairCosine: number;
  /** radians */
  minPairAngle: number;
  /** radians */
  meanPairAngle: number;
  /** radians */
  maxPairAngle: number;
  /** Wang–Isola E‖u−v‖² */
  align: number;
  /** Wang–Isola uniformity (t = 2) of U and of V */
  uniformU: number;
  uniformV: number;
}

/** All gap metrics at once. */
export function gapMetrics(U: MatLike, V: MatLike): GapMetrics {
  const [A, B] = pair("gapMetrics", U, V);
  const ang = pairAngles(A, B);
  let mn = Infinity;
  let mx = -Infinity;
  let s = 0;
  for (const a of ang) {
    mn = Math.min(mn, a);
    mx = Math.max(mx, a);
    s += a;
  }
  return {
    centroidDistance: centroidDistance(A, B),
    centroidAngle: centroidAngle(A, B),
    meanPairCosine: meanPairCosine(A, B),
    minPairAngle: mn,
    meanPairAngle: s / ang.length,
    maxPairAngle: mx,
    align: alignment(A, B),
    uniformU: uniformity(A),
    uniformV: uniformity(B),
  };
}

/**
 * Retrieval recall@k from U to V: the fraction of i for which v_i is among the k rows of V with the
 * largest u_i·v_j. Ties count against the query (rank = 1 + #{j : u_i·v_j > u_i·v_i} + #{j ≠ i
 * tied}), so a collapsed embedding scores 0 rather than 1. Non-finite entries throw (ArgumentError
 * naming U or V), so NaN embeddings cannot score a recall.
 */
export function recallAtK(U: MatLike, V: MatLike, k = 1): number {
  const [A, B] = pair("recallAtK", U, V);
  checkCount("recallAtK", "k", k);
  const n = A.rows;
  const d = A.cols;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const sims = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += A.data[i * d + c] * B.data[j * d + c];
      sims[j] = s;
    }
    let rank = 1;
    for (let j = 0; j < n; j++) if (j !== i && sims[j] >= sims[i]) rank++;
    if (rank <= k) hits++;
  }
  return hits / n;
}

export interface SpectrumSummary {
  /** singular values of the centred embedding matrix, descending */
  singularValues: Float64Array;
  /** σ_k / σ_1 */
  normalized: Float64Array;
  /** exp(entropy of σ²/Σσ²): the entropy-based effective rank of the variance spectrum */
  effectiveRank: number;
  /** number of σ_k above `relTol`·σ₁ */
  numericalRank: number;
}

/**
 * Dimension-collapse diagnostics (ours; a standard spectrum summary): the singular-value spectrum
 * of the centred embedding matrix X − x̄ ([N, d]). If all rows are equal the spectrum is zero and
 * both ranks are reported as 0.
 */
export function embeddingSpectrum(X: MatLike, relTol = 1e-3): SpectrumSummary {
  const A = asMat(X, "embeddingSpectrum X");
  if (!(relTol > 0 && relTol < 1))
    argError("embeddingSpectrum", "relTol", relTol, "a number in (0, 1)");
  if (A.rows < 2)
    throw new ShapeError("embeddingSpectrum X", "[N ≥ 2, d] (centring needs two rows)", [
      A.rows,
      A.cols,
    ]);
  const mu = columnMean(A);
  const C = { rows: A.rows, cols: A.cols, data: A.data.map((x, i) => x - mu[i % A.cols]) };
  const S = singularValues(C);
  const total0 = S.reduce((a, x) => a + x * x, 0);
  // Identical rows (a total collapse, or all-zero input): no spread at all. Defined result: every
  // rank is 0 (not 1), normalized spectrum all 0.
  if (total0 === 0)
    return { singularValues: S, normalized: S.map(() => 0), effectiveRank: 0, numericalRank: 0 };
  const s1 = S[0];
  const total = total0;
  let h = 0;
  for (const s of S) {
    const p = (s * s) / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return {
    singularValues: S,
    normalized: S.map((s) => s / s1),
    effectiveRank: Math.exp(h),
    numericalRank: S.filter((s) => s > relTol * s1).length,
  };
}

/** Principal angles between the estimated subspaces of the two modalities (energy-based ranks). */
export function modalitySubspaceAngles(
  U: MatLike,
  V: MatLike,
  opts: { rank?: number; energy?: number } = {},
): {
  angles: Float64Array;
  rankU: number;
  rankV: number;
} {
  const eu = estimateSubspace(U, opts);
  const ev = estimateSubspace(V, opts);
  return { angles: principalAngles(eu.basis, ev.basis), rankU: eu.rank, rankV: ev.rank };
}

/**
 * Shift along the gap (our construction, after the idea of Liang et al. 2022, whose body could not
 * be read): move both modalities along the gap vector Δ = ū − v̄ and renormalise,
 * u_i ↦ (u_i − λΔ)/‖·‖, v_i ↦ (v_i + λΔ)/‖·‖. λ = 0 is the original embedding; λ ≈ 1/2 brings the
 * centroids together; λ < 0 widens the gap. A row that the shift maps to (numerically) zero has no
 * direction: ArgumentError naming lambda.
 */
export function shiftAlongGap(U: MatLike, V: MatLike, lambda: number): { U: Mat; V: Mat } {
  if (!Number.isFinite(lambda)) argError("shiftAlongGap", "lambda", lambda, "a finite number");
  const [A, B] = pair("shiftAlongGap", U, V);
  const delta = gapVector(A, B);
  const d = A.cols;
  const Us = { rows: A.rows, cols: d, data: A.data.map((x, i) => x - lambda * delta[i % d]) };
  const Vs = { rows: B.rows, cols: d, data: B.data.map((x, i) => x + lambda * delta[i % d]) };
  for (const [M, nm] of [
    [Us, "U"],
    [Vs, "V"],
  ] as const)
    for (let i = 0; i < M.rows; i++) {
      let q = 0;
      for (let k = 0; k < d; k++) q += M.data[i * d + k] ** 2;
      if (!(q > 1e-24))
        argError(
          "shiftAlongGap",
          "lambda",
          lambda,
          `a shift that leaves row ${i} of ${nm} non-zero`,
        );
    }
  return { U: normalizeRows(Us), V: normalizeRows(Vs) };
}
