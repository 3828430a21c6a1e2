/**
 * Two fixes for a subspace-induced modality gap, and the half-way "bisector" map.
 *
 * Setting: u_i ∈ H₁, v_i ∈ H₂ with principal vectors (p_k ∈ H₁, q_k ∈ H₂, p_k·q_k = cos θ_k; the
 * planes span(p_k, q_k) are mutually orthogonal because p_i ⊥ p_j, q_i ⊥ q_j, p_i ⊥ q_j, i ≠ j).
 *
 * 1. Hyperplane rotation: in each plane span(p_k, q_k) rotate by θ_k taking q_k to p_k. With
 *    w_k = (p_k − cos θ_k q_k)/sin θ_k (unit, ⊥ q_k, in the plane),
 *      R_k = I + (cos θ_k − 1)(q_k q_kᵀ + w_k w_kᵀ) + sin θ_k (w_k q_kᵀ − q_k w_kᵀ),
 *    R_k q_k = cos θ_k q_k + sin θ_k w_k = p_k, and R = Π R_k (they commute: orthogonal planes).
 *    R is orthogonal and maps H₂ onto H₁; apply v ↦ Rv.
 * 2. Shared-space projection: project both modalities onto the intersection H₁ ∩ H₂, estimated as
 *    the span of the principal vectors with θ_k ≤ maxAngle (a numerical-zero threshold), and
 *    renormalise. What lives outside the intersection is discarded.
 * 3. Bisector map (not a projection onto a shared space): project onto the bisectors b_k = (p_k +
 *    q_k)/‖p_k + q_k‖ of ALL principal pairs. u = Σx_k p_k and v = Σx_k q_k get equal coordinates
 *    x_k(1 + cos θ_k)/‖p_k + q_k‖ there, so this is a half-way rotation of each modality (by θ_k/2,
 *    shrunk by cos(θ_k/2)) onto a third subspace, not the space the two share. All are built from
 *    bases estimated from data (estimateSubspace), so they need no labels.
 */
import { ShapeError } from "../errors";
import {
  Mat,
  MatLike,
  asMat,
  col,
  eye,
  fromColumns,
  matMul,
  normalizeRows,
  orthonormalBasis,
  principalVectors,
  transpose,
  estimateSubspace,
  applyToRows,
} from "../linalg";
import { argError } from "./errors";

/**
 * Default threshold (radians) below which a principal angle counts as 0, i.e. a shared direction.
 */
export const SHARED_ANGLE_TOL = (2 * Math.PI) / 180;

/**
 * Orthogonal d×d matrix R with R·span(B₂) = span(B₁) (rotation of each principal pair q_k → p_k).
 */
export function hyperplaneRotation(
  B1: MatLike,
  B2: MatLike,
  opts: { minAngle?: number } = {},
): Mat {
  const { angles, P, Q } = principalVectors(B1, B2);
  const d = P.rows;
  const minAngle = opts.minAngle ?? 1e-9;
  if (!(minAngle >= 0 && minAngle < Math.PI / 2))
    argError("hyperplaneRotation", "opts.minAngle", minAngle, "an angle in [0, π/2) radians");
  const R = eye(d);
  for (let k = 0; k < angles.length; k++) {
    const th = angles[k];
    if (th <= minAngle) continue; // already shared: nothing to rotate
    const p = col(P, k);
    const q = col(Q, k);
    const c = Math.cos(th);
    const s = Math.sin(th);
    const w = p.map((pk, i) => (pk - c * q[i]) / s);
    // R ← R_k R, where R_k acts only in span(q, w): R_k x = x + (c−1)[(q·x)q + (w·x)w] + s[(q·x)w −
    // (w·x)q]
    for (let j = 0; j < d; j++) {
      let qx = 0;
      let wx = 0;
      for (let i = 0; i < d; i++) {
        qx += q[i] * R.data[i * d + j];
        wx += w[i] * R.data[i * d + j];
      }
      for (let i = 0; i < d; i++)
        R.data[i * d + j] += (c - 1) * (qx * q[i] + wx * w[i]) + s * (qx * w[i] - wx * q[i]);
    }
  }
  return R;
}

/** Rotate the rows of V by R (v ↦ Rv) and renormalise. */
export function applyRotation(V: MatLike, R: Mat): Mat {
  return normalizeRows(applyToRows(V, R));
}

/**
 * Orthonormal basis [d, r] of the shared space H₁ ∩ H₂: the principal directions whose angle is at
 * most `maxAngle` (default SHARED_ANGLE_TOL = 2°, a numerical zero for subspaces estimated from
 * noisy data; the basis vector is the normalised p_k + q_k, = p_k = q_k when θ_k = 0).
 * @throws ArgumentError naming opts.maxAngle when no principal angle is that small (H₁ ∩ H₂ = {0}).
 */
export function sharedSubspace(B1: MatLike, B2: MatLike, opts: { maxAngle?: number } = {}): Mat {
  const maxAngle = opts.maxAngle ?? SHARED_ANGLE_TOL;
  if (!(maxAngle >= 0 && maxAngle < Math.PI / 2))
    argError("sharedSubspace", "opts.maxAngle", maxAngle, "an angle in [0, π/2) radians");
  const { angles, P, Q } = principalVectors(B1, B2);
  const cols: Float64Array[] = [];
  for (let k = 0; k < angles.length; k++) {
    if (angles[k] > maxAngle) continue;
    const p = col(P, k);
    const q = col(Q, k);
    cols.push(p.map((x, i) => x + q[i]));
  }
  if (cols.length === 0)
    argError(
      "sharedSubspace",
      "opts.maxAngle",
      maxAngle,
      `≥ the smallest principal angle ${angles[0]} (the subspaces share no direction)`,
    );
  return orthonormalBasis(fromColumns(cols));
}

/**
 * Orthonormal basis [d, r] of the bisectors b_k = (p_k + q_k)/‖p_k + q_k‖ of all principal pairs
 * with θ_k < π/2 (a pair at exactly 90° has no bisector direction shared by u and v). Projecting
 * both modalities onto it is a half-way rotation, not a projection onto the shared space.
 */
export function bisectorSubspace(B1: MatLike, B2: MatLike): Mat {
  const { angles, P, Q } = principalVectors(B1, B2);
  const cols: Float64Array[] = [];
  for (let k = 0; k < angles.length; k++) {
    if (angles[k] >= Math.PI / 2 - 1e-9) continue;
    const p = col(P, k);
    const q = col(Q, k);
    cols.push(p.map((x, i) => x + q[i]));
  }
  if (cols.length === 0)
    argError(
      "bisectorSubspace",
      "B2",
      "a subspace orthogonal to B1",
      "at least one principal angle below π/2",
    );
  return orthonormalBasis(fromColumns(cols));
}

/** Project rows onto span(S) (S orthonormal [d, r]) and renormalise: x ↦ SSᵀx/‖SSᵀx‖. */
export function projectOnto(X: MatLike, S: Mat): Mat {
  const A = asMat(X, "projectOnto X");
  asMat(S, "projectOnto S");
  if (S.rows !== A.cols) throw new ShapeError("projectOnto S", `[${A.cols}, r]`, [S.rows, S.cols]);
  return normalizeRows(matMul(matMul(A, S), transpose(S)));
}

export interface FixEstimate {
  /** estimated bases of the two modality subspaces */
  B1: Mat;
  B2: Mat;
  /** principal angles between them (radians, ascending) */
  angles: Float64Array;
  /** rotation taking H₂ onto H₁ */
  R: Mat;
  /** basis of the estimated intersection H₁ ∩ H₂ (null when no angle is below maxAngle) */
  S: Mat | null;
  /** basis of the bisectors of all principal pairs */
  bisector: Mat;
}

/**
 * Estimate the fixes from unlabelled embeddings: modality subspaces from the top right singular
 * vectors (estimateSubspace; `rank` or `energy`), then the rotation, the intersection (angles ≤
 * maxAngle) and the bisector basis. Fit on one split and apply to another.
 */
export function fitFixes(
  U: MatLike,
  V: MatLike,
  opts: { rank?: number; energy?: number; maxAngle?: number } = {},
): FixEstimate {
  const B1 = estimateSubspace(U, opts).basis;
  const B2 = estimateSubspace(V, opts).basis;
  const { angles } = principalVectors(B1, B2);
  const maxAngle = opts.maxAngle ?? SHARED_ANGLE_TOL;
  const S = angles[0] <= maxAngle ? sharedSubspace(B1, B2, { maxAngle }) : null;
  return { B1, B2, angles, R: hyperplaneRotation(B1, B2), S, bisector: bisectorSubspace(B1, B2) };
}
