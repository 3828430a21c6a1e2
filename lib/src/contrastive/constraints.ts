/**
 * Constraint parametrisations: maps from free parameters z to unit embeddings that satisfy a
 * constraint, so that plain gradient descent on z is constrained optimisation on u.
 *
 *  - free:      u = z/‖z‖                              (the whole sphere S^{d−1})
 *  - cone:      u = cos β c + sin β w,  β = α·tanh‖z⊥‖, w = z⊥/‖z⊥‖, z⊥ = z − (z·c)c
 *               (the spherical cap of half-angle α around the unit axis c)
 *  - subspace:  u = Bz/‖Bz‖, B an orthonormal [d, k] basis (the great sphere S^{d−1} ∩ span B)
 *
 * Each has `inverse(U)`, a parameter matrix that maps back to U, used to start training from
 * chosen embeddings (e.g. Liang et al.'s offset cones).
 */
import * as tf from "../tf";
import { ShapeError } from "../errors";
import { argError, checkCount, checkFiniteVector } from "./errors";
import {
  Mat,
  MatLike,
  asMat,
  eye,
  matMul,
  normalizeRows,
  orthonormalBasis,
  toTensor,
  zeros,
  fromColumns,
  randomOrthogonal,
  norm,
} from "../linalg";
import { l2Normalize } from "./losses";
import { Rng } from "../tensor/rng";

export interface Constraint {
  readonly kind: "free" | "cone" | "subspace";
  /** ambient dimension d of the embeddings */
  readonly dim: number;
  /** dimension of the parameter z */
  readonly paramDim: number;
  /** [N, paramDim] → [N, dim] unit rows (differentiable) */
  apply(z: tf.Tensor2D): tf.Tensor2D;
  /** parameters that map to the given unit rows (projected onto the constraint first) */
  inverse(U: MatLike): Mat;
}

/** No constraint: the whole unit sphere in ℝ^d. */
export function free(d: number): Constraint {
  if (!Number.isInteger(d) || d < 2) argError("free", "d", d, "an integer ≥ 2");
  return {
    kind: "free",
    dim: d,
    paramDim: d,
    apply: (z) => {
      if (z.rank !== 2 || z.shape[1] !== d)
        throw new ShapeError("free.apply z", `[N, ${d}]`, z.shape);
      return l2Normalize(z);
    },
    inverse: (U) => {
      const A = normalizeRows(U);
      if (A.cols !== d) throw new ShapeError("free.inverse U", `[N, ${d}]`, [A.rows, A.cols]);
      return A;
    },
  };
}

/** Spherical cap {u : ∠(u, c) ≤ α} around the unit axis c (α in (0, π)). */
export function cone(axis: ArrayLike<number>, halfAngle: number): Constraint {
  const d = axis.length;
  if (!(d >= 2)) argError("cone", "axis", `length ${d}`, "a vector of length ≥ 2");
  checkFiniteVector("cone", "axis", axis);
  if (!(halfAngle > 0 && halfAngle < Math.PI))
    argError("cone", "halfAngle", halfAngle, "an angle in (0, π) radians");
  const na = norm(axis);
  if (na === 0) argError("cone", "axis", "0", "a non-zero vector");
  const c = Float64Array.from(axis, (x) => x / na);
  return {
    kind: "cone",
    dim: d,
    paramDim: d,
    apply: (z) => {
      if (z.rank !== 2 || z.shape[1] !== d)
        throw new ShapeError("cone.apply z", `[N, ${d}]`, z.shape);
      return tf.tidy(() => {
        const ct = tf.tensor2d(Float32Array.from(c), [1, d]);
        const zperp = tf.sub(z, tf.mul(tf.sum(tf.mul(z, ct), 1, true), ct));
        // eps inside the sqrt keeps the gradient finite at z⊥ = 0 (the axis itself).
        const r = tf.sqrt(tf.add(tf.sum(tf.square(zperp), 1, true), 1e-12));
        const beta = tf.mul(halfAngle, tf.tanh(r));
        return tf.add(
          tf.mul(tf.cos(beta), ct),
          tf.mul(tf.sin(beta), tf.div(zperp, r)),
        ) as tf.Tensor2D;
      });
    },
    inverse: (U) => {
      const A = normalizeRows(U);
      if (A.cols !== d) throw new ShapeError("cone.inverse U", `[N, ${d}]`, [A.rows, A.cols]);
      const out = zeros(A.rows, d);
      for (let i = 0; i < A.rows; i++) {
        const u = A.data.subarray(i * d, (i + 1) * d);
        let cu = 0;
        for (let k = 0; k < d; k++) cu += c[k] * u[k];
        const perp = Float64Array.from(u, (x, k) => x - cu * c[k]);
        const s = norm(perp);
        // angle to the axis, clipped just inside the cap so atanh stays finite
        const beta = Math.min(Math.atan2(s, cu), halfAngle * (1 - 1e-6));
        const r = Math.atanh(beta / halfAngle);
        for (let k = 0; k < d; k++) out.data[i * d + k] = s > 0 ? (perp[k] / s) * r : 0;
      }
      return out;
    },
  };
}

/** Unit sphere of the subspace spanned by the columns of `basis` ([d, k], orthonormalised here). */
export function subspace(basis: MatLike): Constraint {
  const B = orthonormalBasis(basis);
  const d = B.rows;
  const k = B.cols;
  return {
    kind: "subspace",
    dim: d,
    paramDim: k,
    apply: (z) => {
      if (z.rank !== 2 || z.shape[1] !== k)
        throw new ShapeError("subspace.apply z", `[N, ${k}]`, z.shape);
      return tf.tidy(() => {
        const bt = toTensor(B);
        return l2Normalize(tf.matMul(z, bt, false, true));
      });
    },
    // z = Bᵀu (coordinates of the projection of u onto span B), then unit length
    inverse: (U) => {
      const A = asMat(U, "subspace.inverse U");
      if (A.cols !== d) throw new ShapeError("subspace.inverse U", `[N, ${d}]`, [A.rows, A.cols]);
      return normalizeRows(matMul(A, B));
    },
  };
}

export type SubspaceReading = "dihedral" | "disjoint";

export interface SubspacePair {
  /** [d, k] orthonormal basis of H₁ */
  B1: Mat;
  /** [d, k] orthonormal basis of H₂ */
  B2: Mat;
  /** the principal angles by construction, ascending (radians) */
  angles: number[];
  /** the "smallest angle between the subspaces" in the chosen reading (radians) = φ */
  phi: number;
  reading: SubspaceReading;
}

/**
 * Two k-dimensional subspaces of ℝ^d at angle φ, in one of two readings of "the smallest angle
 * between the subspaces":
 *  - "dihedral": hyperplanes (k = d − 1) H₁ = span(e₁..e_{d−1}),
 *    H₂ = span(e₁..e_{d−2}, cos φ e_{d−1} + sin φ e_d). They share d − 2 dimensions, so the
 *    principal angles are (0, …, 0, φ): θ₁ = 0 and φ is the dihedral angle (the largest principal
 *    angle).
 * - "disjoint": k ≤ d/2, H₁ = span(e₁..e_k), H₂ = span(cos φ e_i + sin φ e_{k+i}); they meet only
 * at 0
 *    and every principal angle is φ, so θ₁ = φ.
 * (ℝ⁴ with "dihedral" is our running example: ours, not taken from the paper, whose body could not
 * be read.) With `rotate`, both bases are turned by one
 * random rotation so nothing is axis-aligned; angles are unchanged.
 */
export function subspacePair(
  d: number,
  phi: number,
  reading: SubspaceReading,
  opts: { k?: number; rotate?: Rng } = {},
): SubspacePair {
  if (!Number.isInteger(d) || d < 3) argError("subspacePair", "d", d, "an integer ≥ 3");
  if (!(Number.isFinite(phi) && phi >= 0 && phi <= Math.PI / 2))
    argError("subspacePair", "phi", phi, "an angle in [0, π/2] radians");
  const e = (i: number) => {
    const v = new Float64Array(d);
    v[i] = 1;
    return v;
  };
  const mix = (i: number, j: number) => {
    const v = new Float64Array(d);
    v[i] = Math.cos(phi);
    v[j] = Math.sin(phi);
    return v;
  };
  let c1: Float64Array[];
  let c2: Float64Array[];
  let angles: number[];
  if (reading === "dihedral") {
    const k = opts.k ?? d - 1;
    if (k !== d - 1)
      argError(
        "subspacePair",
        "opts.k",
        k,
        `d − 1 = ${d - 1} for the dihedral (hyperplane) reading`,
      );
    c1 = Array.from({ length: d - 1 }, (_, i) => e(i));
    c2 = [...Array.from({ length: d - 2 }, (_, i) => e(i)), mix(d - 2, d - 1)];
    angles = [...Array(d - 2).fill(0), phi];
  } else if (reading === "disjoint") {
    const k = opts.k ?? Math.floor(d / 2);
    if (!Number.isInteger(k) || k < 1 || 2 * k > d)
      argError(
        "subspacePair",
        "opts.k",
        k,
        `an integer in [1, ${Math.floor(d / 2)}] for the disjoint reading`,
      );
    c1 = Array.from({ length: k }, (_, i) => e(i));
    c2 = Array.from({ length: k }, (_, i) => mix(i, k + i));
    angles = Array(k).fill(phi);
  } else {
    return argError("subspacePair", "reading", reading, '"dihedral" or "disjoint"');
  }
  let B1 = fromColumns(c1);
  let B2 = fromColumns(c2);
  if (opts.rotate) {
    const r = opts.rotate;
    const R = randomOrthogonal(d, r);
    B1 = matMul(R, B1);
    B2 = matMul(R, B2);
  }
  return { B1, B2, angles, phi, reading };
}

/** The identity basis of ℝ^d (handy for `subspace(identityBasis(d))` ≡ free). */
export function identityBasis(d: number): Mat {
  return eye(d);
}
