/**
 * Local frames L_i ∈ O(3) with L_i(Qx + t) = L_i(x) Qᵀ (PAPERS.md §2).
 *
 * Equivariant vectors v₁, v₂, v₃ are predicted per node as weighted sums of neighbour directions
 * v_k(i) = Σ_j w_k(r_ij, …) (x_j − x_i), with weights from invariant features only, so
 * v_k(Qx + t) = Q v_k(x). Gram–Schmidt turns them into the rows of L_i:
 *   e₁ = v₁/‖v₁‖,  e₂ = normalise(v₂ − (v₂·e₁)e₁),  e₃ = s·(e₁ × e₂),  s = sign(v₃·(e₁ × e₂)).
 * Under a reflection Q (det −1), e₁ × e₂ ↦ det(Q)·Q(e₁ × e₂) while v₃ ↦ Qv₃, so s flips and
 * e₃ ↦ Qe₃: the frame follows reflections too (without the sign rule L would stay in SO(3) and
 * could not satisfy L(Qx) = L(x)Qᵀ for det Q = −1).
 *
 * Degenerate neighbourhoods have no equivariant frame and are flagged rather than hidden:
 *   "v1": ‖v₁‖ ≈ 0 (isolated node or perfectly balanced neighbours) → L = I;
 *   "v2": v₂ ∥ v₁ (collinear neighbourhood) → e₂ from the coordinate axis least aligned with e₁;
 *   "v3": v₃ ⟂ e₁ × e₂ (planar neighbourhood) → s = +1, rotation- but not reflection-equivariant.
 */
import * as tf from "@tensorflow/tfjs";
import { ShapeError, domainError } from "../errors";
import { Graph } from "./graph";
import { Mat3, mul3, transpose3 } from "./linalg";

export type Degeneracy = "none" | "v1" | "v2" | "v3";

export interface Frame {
  /** Rows e₁, e₂, e₃ (row-major 3×3); L maps global coordinates to local ones. */
  L: Mat3;
  degenerate: Degeneracy;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Gram–Schmidt frame with the reflection sign rule (float64). `eps` is relative: v₂'s component
 * orthogonal to e₁ and v₃'s component along e₁ × e₂ must exceed eps·‖v‖ to count.
 */
export function gramSchmidt(v1: ArrayLike<number>, v2: ArrayLike<number>, v3: ArrayLike<number>, eps = 1e-6, opts: { signRule?: boolean } = {}): Frame {
  for (const [v, name] of [[v1, "v1"], [v2, "v2"], [v3, "v3"]] as const) {
    if (v.length !== 3) throw new ShapeError(`gramSchmidt ${name}`, "a 3-vector", [v.length]);
  }
  if (!(eps > 0)) domainError("gramSchmidt", "eps", eps, "> 0");
  const n1 = Math.hypot(v1[0], v1[1], v1[2]);
  const scale = Math.max(n1, Math.hypot(v2[0], v2[1], v2[2]), Math.hypot(v3[0], v3[1], v3[2]));
  if (!(n1 > eps * Math.max(scale, 1e-300)) || n1 < 1e-300) {
    return { L: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), degenerate: "v1" };
  }
  const e1 = [v1[0] / n1, v1[1] / n1, v1[2] / n1];
  let degenerate: Degeneracy = "none";
  const p = dot(v2, e1);
  let u2 = [v2[0] - p * e1[0], v2[1] - p * e1[1], v2[2] - p * e1[2]];
  let n2 = Math.hypot(u2[0], u2[1], u2[2]);
  if (!(n2 > eps * Math.max(Math.hypot(v2[0], v2[1], v2[2]), 1e-300))) {
    // Collinear: any e₂ ⟂ e₁ is as good as another; pick the least-aligned axis (not equivariant).
    degenerate = "v2";
    const k = [0, 1, 2].sort((a, b) => Math.abs(e1[a]) - Math.abs(e1[b]))[0];
    const axis = [0, 0, 0];
    axis[k] = 1;
    const q = dot(axis, e1);
    u2 = [axis[0] - q * e1[0], axis[1] - q * e1[1], axis[2] - q * e1[2]];
    n2 = Math.hypot(u2[0], u2[1], u2[2]);
  }
  const e2 = [u2[0] / n2, u2[1] / n2, u2[2] / n2];
  const c = cross(e1, e2);
  const s3 = dot(c, v3);
  let s = 1;
  if (opts.signRule === false) s = 1; // e₃ = e₁ × e₂ always: det L = +1 (for the notebook's comparison)
  else if (Math.abs(s3) > eps * Math.max(Math.hypot(v3[0], v3[1], v3[2]), 1e-300)) s = Math.sign(s3);
  else if (degenerate === "none") degenerate = "v3";
  return { L: Float64Array.of(...e1, ...e2, s * c[0], s * c[1], s * c[2]), degenerate };
}

/** Radial weight functions for the fixed (non-learned) frame vectors of `localFrames`. */
export type RadialWeight = (r: number) => number;

/** Default weights: three Gaussians of different widths, so v₁, v₂, v₃ differ on generic clouds. */
export const DEFAULT_FRAME_WEIGHTS: [RadialWeight, RadialWeight, RadialWeight] = [
  (r) => Math.exp(-r * r),
  (r) => Math.exp(-0.25 * r * r) * r,
  (r) => Math.exp(-4 * r * r) - 0.5 * Math.exp(-r),
];

/** v_k(i) = Σ_{j→i} w_k(r_ij)(x_j − x_i) for k = 1..3 (float64). Returns [N·9]: node i, vector k, xyz. */
export function frameVectors(pos: ArrayLike<number>, g: Graph, weights: readonly RadialWeight[] = DEFAULT_FRAME_WEIGHTS): Float64Array {
  if (pos.length !== 3 * g.n) throw new ShapeError("frameVectors pos", `length ${3 * g.n} (graph has ${g.n} nodes)`, [pos.length]);
  if (weights.length !== 3) throw new ShapeError("frameVectors weights", "3 radial weight functions", [weights.length]);
  const v = new Float64Array(9 * g.n);
  for (let e = 0; e < g.src.length; e++) {
    const i = g.dst[e], j = g.src[e];
    const d = [pos[3 * j] - pos[3 * i], pos[3 * j + 1] - pos[3 * i + 1], pos[3 * j + 2] - pos[3 * i + 2]];
    const r = Math.hypot(d[0], d[1], d[2]);
    for (let k = 0; k < 3; k++) {
      const w = weights[k](r);
      for (let a = 0; a < 3; a++) v[9 * i + 3 * k + a] += w * d[a];
    }
  }
  return v;
}

/** Frames of every node from fixed radial weights (float64); degeneracies counted. */
export function localFrames(pos: ArrayLike<number>, g: Graph, opts: { weights?: readonly RadialWeight[]; eps?: number; signRule?: boolean } = {}): { frames: Frame[]; degenerate: Record<Degeneracy, number> } {
  const v = frameVectors(pos, g, opts.weights);
  const frames: Frame[] = [];
  const degenerate: Record<Degeneracy, number> = { none: 0, v1: 0, v2: 0, v3: 0 };
  for (let i = 0; i < g.n; i++) {
    const f = gramSchmidt(v.subarray(9 * i, 9 * i + 3), v.subarray(9 * i + 3, 9 * i + 6), v.subarray(9 * i + 6, 9 * i + 9), opts.eps, { signRule: opts.signRule });
    frames.push(f);
    degenerate[f.degenerate]++;
  }
  return { frames, degenerate };
}

/**
 * max over nodes and entries of |L_i(Qx + t) − L_i(x)Qᵀ| for fixed-weight frames (float64):
 * 0 up to rounding when the frames are equivariant.
 */
export function frameEquivarianceError(pos: ArrayLike<number>, g: Graph, Q: ArrayLike<number>, t: ArrayLike<number> = [0, 0, 0], opts: { signRule?: boolean } = {}): number {
  const a = localFrames(pos, g, opts).frames;
  const moved = new Float64Array(pos.length);
  for (let i = 0; i < pos.length; i += 3) {
    for (let r = 0; r < 3; r++) moved[i + r] = Q[3 * r] * pos[i] + Q[3 * r + 1] * pos[i + 1] + Q[3 * r + 2] * pos[i + 2] + t[r];
  }
  const b = localFrames(moved, g, opts).frames;
  const Qt = transpose3(Q);
  let err = 0;
  for (let i = 0; i < g.n; i++) {
    const expected = mul3(a[i].L, Qt);
    for (let k = 0; k < 9; k++) err = Math.max(err, Math.abs(b[i].L[k] - expected[k]));
  }
  return err;
}

/** Canonicalise: express each node's neighbours in its own frame, L_i(x_j − x_i) (float64, [E·3]). */
export function canonicalEdges(pos: ArrayLike<number>, g: Graph, frames: Frame[]): Float64Array {
  const out = new Float64Array(3 * g.src.length);
  for (let e = 0; e < g.src.length; e++) {
    const i = g.dst[e], j = g.src[e], L = frames[i].L;
    const d = [pos[3 * j] - pos[3 * i], pos[3 * j + 1] - pos[3 * i + 1], pos[3 * j + 2] - pos[3 * i + 2]];
    for (let a = 0; a < 3; a++) out[3 * e + a] = L[3 * a] * d[0] + L[3 * a + 1] * d[1] + L[3 * a + 2] * d[2];
  }
  return out;
}

/** The transport between frames, R_ij = L_i L_jᵀ (float64). Invariant: L_iQᵀ(L_jQᵀ)ᵀ = L_iL_jᵀ. */
export function relativeRotation(Li: ArrayLike<number>, Lj: ArrayLike<number>): Mat3 {
  return mul3(Li, transpose3(Lj));
}

// ---------------------------------------------------------------------------------------------
// tfjs (float32, differentiable in v)

/**
 * Gram–Schmidt for a batch: v [N, 3, 3] (vector k along axis 1) → L [N, 3, 3] (rows e₁, e₂, e₃)
 * and the count of nodes whose sign test |v₃·(e₁×e₂)| fell below eps·‖v₃‖ or whose v₁/v₂ were
 * (nearly) degenerate. Norms are ε-stabilised (√(‖·‖² + ε²)) so gradients stay finite; frames of
 * flagged nodes are not equivariant (see module comment).
 */
export function gramSchmidtTf(v: tf.Tensor3D, eps = 1e-6): { L: tf.Tensor3D; degenerate: tf.Scalar; condition: number } {
  const N = v.shape[0];
  if (v.shape[1] !== 3 || v.shape[2] !== 3) throw new ShapeError("gramSchmidtTf v", "[N, 3, 3]", v.shape);
  return tf.tidy(() => {
    const [v1, v2, v3] = tf.unstack(v, 1) as tf.Tensor2D[];
    const norm = (x: tf.Tensor2D) => tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), eps * eps));
    const e1 = tf.div(v1, norm(v1)) as tf.Tensor2D;
    const u2 = tf.sub(v2, tf.mul(tf.sum(tf.mul(v2, e1), 1, true), e1)) as tf.Tensor2D;
    const e2 = tf.div(u2, norm(u2));
    const [a1, a2, a3] = tf.unstack(e1, 1);
    const [b1, b2, b3] = tf.unstack(e2, 1);
    const c = tf.stack([
      tf.sub(tf.mul(a2, b3), tf.mul(a3, b2)),
      tf.sub(tf.mul(a3, b1), tf.mul(a1, b3)),
      tf.sub(tf.mul(a1, b2), tf.mul(a2, b1)),
    ], 1) as tf.Tensor2D;
    const s3 = tf.sum(tf.mul(c, v3), 1, true);
    // The sign s and the degeneracy flags are piecewise constant in v: computed from a detached
    // copy in JS (comparison ops have no gradient in tfjs, so keeping them on the tape would
    // fail in backprop). When |v₃·(e₁×e₂)| is at float32 noise level (planar neighbourhood) the
    // sign of the noise would flip e₃ at random under rotations, so s = +1 there (rotation-
    // equivariant, not reflection-equivariant) and the node is counted as degenerate.
    const [s3d, v1d, v2d, v3d, u2d] = [s3, v1, v2, v3, u2].map((t) => t.dataSync());
    const len = (a: ArrayLike<number>, i: number) => Math.hypot(a[3 * i], a[3 * i + 1], a[3 * i + 2]);
    const sign = new Float32Array(N);
    let bad = 0;
    // Condition number of the worst node: float32 rounding in v is amplified by ‖v₂‖/‖u₂‖ in e₂
    // and by ‖v₃‖/|v₃·(e₁×e₂)| in the sign test, so equivariance error ≈ ε_float32 × condition.
    let condition = 1;
    for (let i = 0; i < N; i++) {
      condition = Math.max(condition, len(v1d, i) > 0 ? len(v2d, i) / Math.max(len(u2d, i), 1e-30) : Infinity, len(v3d, i) / Math.max(Math.abs(s3d[i]), 1e-30));
      const planar = Math.abs(s3d[i]) < 1e-4 * len(v3d, i);
      sign[i] = planar || s3d[i] >= 0 ? 1 : -1;
      if (planar || len(v1d, i) < eps || len(u2d, i) < 1e-4 * len(v2d, i)) bad++;
    }
    const e3 = tf.mul(c, tf.tensor2d(sign, [N, 1]));
    const L = tf.stack([e1, e2, e3], 1) as tf.Tensor3D;
    const degenerate = tf.scalar(bad);
    return { L, degenerate, condition };
  });
}
