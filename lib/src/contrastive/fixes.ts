/**
 * The two fixes for a subspace-induced modality gap.
 *
 * Setting: u_i ∈ H₁, v_i ∈ H₂ with principal vectors (p_k ∈ H₁, q_k ∈ H₂, p_k·q_k = cos θ_k;
 * the planes span(p_k, q_k) are mutually orthogonal because p_i ⊥ p_j, q_i ⊥ q_j, p_i ⊥ q_j, i ≠ j).
 *
 * 1. Hyperplane rotation: in each plane span(p_k, q_k) rotate by θ_k taking q_k to p_k. With
 *    w_k = (p_k − cos θ_k q_k)/sin θ_k (unit, ⊥ q_k, in the plane),
 *      R_k = I + (cos θ_k − 1)(q_k q_kᵀ + w_k w_kᵀ) + sin θ_k (w_k q_kᵀ − q_k w_kᵀ),
 *    R_k q_k = cos θ_k q_k + sin θ_k w_k = p_k, and R = Π R_k (they commute: orthogonal planes).
 *    R is orthogonal and maps H₂ onto H₁; apply v ↦ Rv.
 * 2. Shared-space projection: project both modalities onto S = span{b_k}, b_k = (p_k + q_k)/‖p_k + q_k‖
 *    over the pairs with θ_k ≤ maxAngle, and renormalise. For θ_k = 0, b_k = p_k = q_k spans the true
 *    intersection H₁ ∩ H₂; for θ_k > 0 the bisector is the direction on which u = Σx_k p_k and
 *    v = Σx_k q_k have equal coordinates x_k(1 + cos θ_k)/‖p_k + q_k‖, so projected pairs coincide.
 * Both are built from bases estimated from data (estimateSubspace), so they need no labels.
 */
import { domainError } from "../errors";
import { Mat, MatLike, asMat, col, eye, fromColumns, matmul, normalizeRows, orthonormalBasis, principalVectors, transpose, estimateSubspace, applyToRows } from "./linalg";

/** Orthogonal d×d matrix R with R·span(B₂) = span(B₁) (rotation of each principal pair q_k → p_k). */
export function hyperplaneRotation(B1: MatLike, B2: MatLike, opts: { minAngle?: number } = {}): Mat {
  const { angles, P, Q } = principalVectors(B1, B2);
  const d = P.rows;
  const minAngle = opts.minAngle ?? 1e-9;
  const R = eye(d);
  for (let k = 0; k < angles.length; k++) {
    const th = angles[k];
    if (th <= minAngle) continue; // already shared: nothing to rotate
    const p = col(P, k);
    const q = col(Q, k);
    const c = Math.cos(th);
    const s = Math.sin(th);
    const w = p.map((pk, i) => (pk - c * q[i]) / s);
    // R ← R_k R, where R_k acts only in span(q, w):  R_k x = x + (c−1)[(q·x)q + (w·x)w] + s[(q·x)w − (w·x)q]
    for (let j = 0; j < d; j++) {
      let qx = 0;
      let wx = 0;
      for (let i = 0; i < d; i++) {
        qx += q[i] * R.data[i * d + j];
        wx += w[i] * R.data[i * d + j];
      }
      for (let i = 0; i < d; i++) R.data[i * d + j] += (c - 1) * (qx * q[i] + wx * w[i]) + s * (qx * w[i] - wx * q[i]);
    }
  }
  return R;
}

/** Rotate the rows of V by R (v ↦ Rv) and renormalise. */
export function applyRotation(V: MatLike, R: Mat): Mat {
  return normalizeRows(applyToRows(V, R));
}

/**
 * Orthonormal basis [d, r] of the shared space: bisectors of the principal pairs of span(B₁), span(B₂)
 * with θ_k ≤ maxAngle (default: all pairs). Throws if no pair qualifies.
 */
export function sharedSubspace(B1: MatLike, B2: MatLike, opts: { maxAngle?: number } = {}): Mat {
  const { angles, P, Q } = principalVectors(B1, B2);
  const maxAngle = opts.maxAngle ?? Math.PI / 2 - 1e-9;
  const cols: Float64Array[] = [];
  for (let k = 0; k < angles.length; k++) {
    if (angles[k] > maxAngle) continue;
    cols.push(col(P, k).map((x, i) => x + col(Q, k)[i]));
  }
  if (cols.length === 0) domainError("sharedSubspace", "opts.maxAngle", maxAngle, `≥ the smallest principal angle ${angles[0]}`);
  return orthonormalBasis(fromColumns(cols));
}

/** Project rows onto span(S) (S orthonormal [d, r]) and renormalise: x ↦ SSᵀx/‖SSᵀx‖. */
export function projectOnto(X: MatLike, S: Mat): Mat {
  return normalizeRows(matmul(matmul(asMat(X), S), transpose(S)));
}

export interface FixEstimate {
  /** estimated bases of the two modality subspaces */
  B1: Mat;
  B2: Mat;
  /** principal angles between them (radians, ascending) */
  angles: Float64Array;
  /** rotation taking H₂ onto H₁ */
  R: Mat;
  /** shared-space basis */
  S: Mat;
}

/**
 * Estimate both fixes from unlabelled embeddings: modality subspaces from the top singular vectors
 * (estimateSubspace; `rank` or `energy`), then the rotation and the shared space from them.
 * Fit on one split and apply to another to avoid testing on the data the fix was fitted to.
 */
export function fitFixes(U: MatLike, V: MatLike, opts: { rank?: number; energy?: number; maxAngle?: number } = {}): FixEstimate {
  const B1 = estimateSubspace(U, opts).basis;
  const B2 = estimateSubspace(V, opts).basis;
  const { angles } = principalVectors(B1, B2);
  return { B1, B2, angles, R: hyperplaneRotation(B1, B2), S: sharedSubspace(B1, B2, { maxAngle: opts.maxAngle }) };
}
