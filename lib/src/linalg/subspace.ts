/**
 * Subspaces from data: orthonormal bases, principal angles and vectors between two subspaces,
 * the subspace a cloud of rows lives in.
 */
import { ShapeError, argError } from "../errors";
import type { Mat } from "./mat";
import {
  MatLike,
  asMat,
  col,
  dot,
  fromColumns,
  matMul,
  norm,
  sliceCols,
  sub,
  transpose,
} from "./matlike";
import { svd } from "./eigen";

/**
 * Orthonormal basis (as columns, [d, r]) of the column span of `a` ([d, k]), by modified
 * Gram–Schmidt applied twice (standard reorthogonalisation). Columns whose remainder is
 * below `tol` times their norm are dropped, so r = numerical rank.
 */
export function orthonormalBasis(a: MatLike, tol = 1e-10): Mat {
  const A = asMat(a, "orthonormalBasis input");
  const basis: Float64Array[] = [];
  for (let j = 0; j < A.cols; j++) {
    const v = col(A, j);
    const n0 = norm(v);
    if (n0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dot(b, v);
        for (let i = 0; i < v.length; i++) v[i] -= c * b[i];
      }
    }
    const n1 = norm(v);
    if (n1 <= tol * n0) continue;
    for (let i = 0; i < v.length; i++) v[i] /= n1;
    basis.push(v);
  }
  if (basis.length === 0)
    argError("orthonormalBasis", "a", "a matrix spanning only {0}", "at least one non-zero column");
  return fromColumns(basis);
}

export interface PrincipalVectors {
  /** Principal angles θ₁ ≤ θ₂ ≤ … ≤ θ_r in radians, r = min(dim H₁, dim H₂). */
  angles: Float64Array;
  /** [d, r] principal vectors in H₁ (orthonormal columns). */
  P: Mat;
  /** [d, r] principal vectors in H₂, with p_kᵀq_k = cos θ_k and p_iᵀq_j = 0 for i ≠ j. */
  Q: Mat;
}

/**
 * Principal angles and vectors between span(B₁) and span(B₂) (columns; any basis, not necessarily
 * orthonormal). With orthonormal bases Q₁, Q₂ and the SVD Q₁ᵀQ₂ = Y diag(cos θ) Zᵀ
 * (the standard construction of numerical linear algebra): θ_k = arccos σ_k, P = Q₁Y, Q = Q₂Z.
 * For orthogonal pairs (σ_k = 0) `svd` completes Y, so P and Q keep orthonormal columns.
 * arccos loses half the digits near θ = 0, so angles below π/4 are recomputed from sines, the
 * singular values of (I − Q₁Q₁ᵀ)Q₂Z.
 */
export function principalVectors(b1: MatLike, b2: MatLike): PrincipalVectors {
  const B1 = asMat(b1, "principalVectors B1");
  const B2 = asMat(b2, "principalVectors B2");
  if (B1.rows !== B2.rows)
    throw new ShapeError("principalVectors B2", `[${B1.rows}, k] (same ambient dimension as B1)`, [
      B2.rows,
      B2.cols,
    ]);
  const Q1 = orthonormalBasis(B1);
  const Q2 = orthonormalBasis(B2);
  const { U: Y, S, V: Z } = svd(matMul(transpose(Q1), Q2));
  const r = Math.min(Q1.cols, Q2.cols);
  const P = matMul(Q1, sliceCols(Y, r));
  const Q = matMul(Q2, sliceCols(Z, r));
  const angles = new Float64Array(r);
  for (let k = 0; k < r; k++) angles[k] = Math.acos(Math.min(1, Math.max(-1, S[k])));
  // Sine branch: the k-th column of Q minus its projection on H₁ has length sin θ_k exactly.
  const R = sub(Q, matMul(Q1, matMul(transpose(Q1), Q)));
  for (let k = 0; k < r; k++) {
    if (angles[k] < Math.PI / 4) angles[k] = Math.asin(Math.min(1, norm(col(R, k))));
  }
  // Sine-branch refinement can reorder nearly equal tiny angles by rounding; keep them ascending.
  for (let k = 1; k < r; k++) if (angles[k] < angles[k - 1]) angles[k] = angles[k - 1];
  return { angles, P, Q };
}

/** Principal angles θ₁ ≤ … ≤ θ_r (radians) between the column spans of B₁ and B₂. */
export function principalAngles(b1: MatLike, b2: MatLike): Float64Array {
  return principalVectors(b1, b2).angles;
}

export interface SubspaceEstimate {
  /** [d, r] orthonormal basis of the estimated subspace. */
  basis: Mat;
  /** All singular values of the data matrix, descending. */
  singularValues: Float64Array;
  /** Chosen dimension r. */
  rank: number;
}

/**
 * The subspace a cloud of embeddings (rows of X, [n, d]) lives in: top right singular vectors of X.
 * Not centred, because the modality subspaces in the paper pass through the origin (embeddings are
 * unit vectors; a constant offset is part of the subspace). r is `rank` if given, else the smallest
 * r whose singular values hold a fraction `energy` (default 0.99) of Σσ².
 */
export function estimateSubspace(
  x: MatLike,
  opts: { rank?: number; energy?: number } = {},
): SubspaceEstimate {
  const X = asMat(x, "estimateSubspace X");
  if (X.data.every((v) => v === 0))
    argError(
      "estimateSubspace",
      "X",
      "the zero matrix",
      "data with at least one non-zero entry (no subspace can be estimated from zeros)",
    );
  const { S, V } = svd(X);
  let r: number;
  if (opts.rank !== undefined) {
    if (!Number.isInteger(opts.rank) || opts.rank < 1 || opts.rank > Math.min(X.rows, X.cols))
      argError(
        "estimateSubspace",
        "opts.rank",
        opts.rank,
        `an integer in [1, ${Math.min(X.rows, X.cols)}]`,
      );
    r = opts.rank;
  } else {
    const energy = opts.energy ?? 0.99;
    if (!(energy > 0 && energy <= 1))
      argError("estimateSubspace", "opts.energy", energy, "a fraction in (0, 1]");
    const total = S.reduce((s, v) => s + v * v, 0);
    let acc = 0;
    r = 0;
    while (r < S.length && acc < energy * total * (1 - 1e-12)) acc += S[r] * S[r++];
    r = Math.max(1, r);
  }
  return { basis: sliceCols(V, r), singularValues: S, rank: r };
}
