/**
 * Local frames L_i ∈ O(3) with L_i(Qx + t) = L_i(x) Qᵀ (REFERENCES.md#frames2025).
 *
 * Equivariant vectors v₁, v₂, v₃ are predicted per node as weighted sums of neighbour directions
 * v_k(i) = Σ_j w_k(r_ij, …) (x_j − x_i), with weights from invariant features only, so
 * v_k(Qx + t) = Q v_k(x). Gram–Schmidt turns them into the rows of L_i:
 *   e₁ = v₁/‖v₁‖,  e₂ = normalise(v₂ − (v₂·e₁)e₁),  e₃ = s·(e₁ × e₂),  s = sign(v₃·(e₁ × e₂)).
 * Under a reflection Q (det −1), e₁ × e₂ ↦ det(Q)·Q(e₁ × e₂) while v₃ ↦ Qv₃, so s flips and
 * e₃ ↦ Qe₃: the frame follows reflections too (without the sign rule L would stay in SO(3) and
 * could not satisfy L(Qx) = L(x)Qᵀ for det Q = −1).
 *
 * Degenerate neighbourhoods have no equivariant frame and are flagged rather than hidden
 * (frameRanks below decides from the geometry, for every choice of weights at once):
 *   "v1": rank 0 — isolated node or neighbours that cancel by symmetry → L = I;
 *   "v2": rank 1 — collinear neighbourhood → e₂ from the coordinate axis least aligned with e₁;
 *   "v3": rank 2 — planar neighbourhood → s = +1, rotation- but not reflection-equivariant.
 * The frames are orthonormal in every case; the models keep only the feature components that the
 * node's ambiguity cannot change, so they stay equivariant and lose exactly those components.
 */
import * as tf from "../tf";
import { ShapeError, domainError } from "../errors";
import { Graph } from "./graph";
import {
  Mat3,
  det3,
  mat,
  mul3,
  orthogonalityError,
  symmetricEigen,
  transformPoints,
  transpose3,
} from "../linalg";
import { Action, equivarianceError } from "../equivariance";

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
export function gramSchmidt(
  v1: ArrayLike<number>,
  v2: ArrayLike<number>,
  v3: ArrayLike<number>,
  eps = 1e-6,
  opts: { signRule?: boolean } = {},
): Frame {
  for (const [v, name] of [
    [v1, "v1"],
    [v2, "v2"],
    [v3, "v3"],
  ] as const) {
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
  if (opts.signRule === false)
    s = 1; // e₃ = e₁ × e₂ always: det L = +1 (for the notebook's comparison)
  else if (Math.abs(s3) > eps * Math.max(Math.hypot(v3[0], v3[1], v3[2]), 1e-300))
    s = Math.sign(s3);
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

/**
 * v_k(i) = Σ_{j→i} w_k(r_ij)(x_j − x_i) for k = 1..3 (float64). Returns [N·9]: node i, vector k,
 * xyz.
 */
export function frameVectors(
  pos: ArrayLike<number>,
  g: Graph,
  weights: readonly RadialWeight[] = DEFAULT_FRAME_WEIGHTS,
): Float64Array {
  if (pos.length !== 3 * g.n)
    throw new ShapeError("frameVectors pos", `length ${3 * g.n} (graph has ${g.n} nodes)`, [
      pos.length,
    ]);
  if (weights.length !== 3)
    throw new ShapeError("frameVectors weights", "3 radial weight functions", [weights.length]);
  const v = new Float64Array(9 * g.n);
  for (let e = 0; e < g.src.length; e++) {
    const i = g.dst[e],
      j = g.src[e];
    const d = [
      pos[3 * j] - pos[3 * i],
      pos[3 * j + 1] - pos[3 * i + 1],
      pos[3 * j + 2] - pos[3 * i + 2],
    ];
    const r = Math.hypot(d[0], d[1], d[2]);
    for (let k = 0; k < 3; k++) {
      const w = weights[k](r);
      for (let a = 0; a < 3; a++) v[9 * i + 3 * k + a] += w * d[a];
    }
  }
  return v;
}

/**
 * The fallback frame of a degenerate node (rank < 3, see frameRanks), exactly as gramSchmidtTf
 * builds it: e₁ = v₁/‖v₁‖ (x̂ at rank 0), e₂ from v₂ (rank 2) or the fallback axis (rank ≤ 1),
 * e₃ = e₁ × e₂ (s = +1). Orthonormal; equivariant only up to the node's ambiguity group.
 */
export function fallbackFrame(
  v1: ArrayLike<number>,
  v2: ArrayLike<number>,
  rank: number,
  axis: ArrayLike<number>,
): Frame {
  const a = rank >= 1 ? [v1[0], v1[1], v1[2]] : [1, 0, 0];
  const n1 = Math.hypot(a[0], a[1], a[2]);
  const e1 = n1 > 0 ? a.map((x) => x / n1) : [1, 0, 0];
  const b = rank >= 2 ? [v2[0], v2[1], v2[2]] : [axis[0], axis[1], axis[2]];
  const p = dot(b, e1);
  const u2 = [b[0] - p * e1[0], b[1] - p * e1[1], b[2] - p * e1[2]];
  const n2 = Math.hypot(u2[0], u2[1], u2[2]);
  const e2 = n2 > 0 ? u2.map((x) => x / n2) : [0, 1, 0];
  const c = cross(e1, e2);
  const degenerate: Degeneracy = rank === 0 ? "v1" : rank === 1 ? "v2" : "v3";
  return { L: Float64Array.of(...e1, ...e2, ...c), degenerate };
}

/**
 * Frames of every node from fixed radial weights (float64); degeneracies counted. Nodes whose
 * frame rank (frameRanks, species from `types`) is below 3 get fallbackFrame — the same frame the
 * model's float32 path uses; generic nodes get gramSchmidt.
 */
export function localFrames(
  pos: ArrayLike<number>,
  g: Graph,
  opts: {
    weights?: readonly RadialWeight[];
    eps?: number;
    signRule?: boolean;
    types?: ArrayLike<number>;
  } = {},
): { frames: Frame[]; degenerate: Record<Degeneracy, number>; rank: Int32Array } {
  for (let k = 0; k < pos.length; k++)
    if (!Number.isFinite(pos[k]))
      domainError("localFrames", "pos", pos[k], `finite coordinates (entry ${k})`);
  const v = frameVectors(pos, g, opts.weights);
  const fr = frameRanks(pos, g, { types: opts.types });
  const frames: Frame[] = [];
  const degenerate: Record<Degeneracy, number> = { none: 0, v1: 0, v2: 0, v3: 0 };
  for (let i = 0; i < g.n; i++) {
    const f =
      fr.rank[i] < 3
        ? fallbackFrame(
            v.subarray(9 * i, 9 * i + 3),
            v.subarray(9 * i + 3, 9 * i + 6),
            fr.rank[i],
            fr.axis.subarray(3 * i, 3 * i + 3),
          )
        : gramSchmidt(
            v.subarray(9 * i, 9 * i + 3),
            v.subarray(9 * i + 3, 9 * i + 6),
            v.subarray(9 * i + 6, 9 * i + 9),
            opts.eps,
            { signRule: opts.signRule },
          );
    frames.push(f);
    degenerate[f.degenerate]++;
  }
  return { frames, degenerate, rank: fr.rank };
}

/**
 * max over nodes and entries of |L_i(Rx + t) − L_i(x)Rᵀ| for fixed-weight frames (float64):
 * 0 up to rounding when the frames are equivariant. frames' E(3) action on a cloud and its frames
 * (`frameAction`) + the toolkit's maxAbs.
 */
export function frameEquivarianceError(
  pos: ArrayLike<number>,
  g: Graph,
  R: ArrayLike<number>,
  t: ArrayLike<number> = [0, 0, 0],
  opts: { signRule?: boolean } = {},
): number {
  const framesOf = (p: ArrayLike<number>): Float64Array => {
    const fr = localFrames(p, g, opts).frames;
    const out = new Float64Array(9 * fr.length);
    fr.forEach((f, i) => out.set(f.L, 9 * i));
    return out;
  };
  return equivarianceError({
    f: framesOf,
    x: pos,
    actions: frameAction(R, t),
    norm: "maxAbs",
    finite: "propagate",
    caller: "frameEquivarianceError",
  }).max;
}

/**
 * The E(3) element x ↦ Rx + t as a toolkit action on a cloud's positions (flat [N·3]) and on its
 * local frames (flat [N·9], L ↦ L Rᵀ per node).
 */
export function frameAction(
  R: ArrayLike<number>,
  t: ArrayLike<number> = [0, 0, 0],
): Action<ArrayLike<number>, Float64Array> {
  const Rt = transpose3(R);
  return {
    name: `${det3(R) < 0 ? "reflection" : "rotation"} + translation`,
    in: (pos) => transformPoints(pos, R, t),
    out: (L) => {
      const out = new Float64Array(L.length);
      for (let i = 0; i < L.length; i += 9) out.set(mul3(L.subarray(i, i + 9), Rt), i);
      return out;
    },
  };
}

/**
 * Canonicalise: express each node's neighbours in its own frame, L_i(x_j − x_i) (float64, [E·3]).
 */
export function canonicalEdges(pos: ArrayLike<number>, g: Graph, frames: Frame[]): Float64Array {
  const out = new Float64Array(3 * g.src.length);
  for (let e = 0; e < g.src.length; e++) {
    const i = g.dst[e],
      j = g.src[e],
      L = frames[i].L;
    const d = [
      pos[3 * j] - pos[3 * i],
      pos[3 * j + 1] - pos[3 * i + 1],
      pos[3 * j + 2] - pos[3 * i + 2],
    ];
    for (let a = 0; a < 3; a++)
      out[3 * e + a] = L[3 * a] * d[0] + L[3 * a + 1] * d[1] + L[3 * a + 2] * d[2];
  }
  return out;
}

/** The transport between frames, R_ij = L_i L_jᵀ (float64). Invariant: L_iQᵀ(L_jQᵀ)ᵀ = L_iL_jᵀ. */
export function relativeRotation(Li: ArrayLike<number>, Lj: ArrayLike<number>): Mat3 {
  return mul3(Li, transpose3(Lj));
}

// ---------------------------------------------------------------------------------------------
// Degenerate neighbourhoods (ours). Every frame in this module is v_k = Σ_j w_k(r_ij, t_j)(x_j −
// x_i) with weights that depend on the neighbour's distance and species only. Group the neighbours
// by (species, distance) and let S_g = Σ_{j∈g}(x_j − x_i): then v_k = Σ_g w_k(g) S_g lies in
// span{S_g} for EVERY choice of weights. The rank of that span is the node's frame rank:
//   3  generic: three independent v_k, the frame is equivariant under O(3);
//   2  planar group sums (e.g. a trigonal site whose three group sums are not balanced): e₁, e₂
//      are equivariant, the sign of e₃ is not determined (a reflection through the plane fixes
//      the neighbourhood). Benzene's carbon is rank 1, not 2: its two C neighbours form one
//      group (same species and distance) whose sum lies on the C–H line (notebook 06, §2b);
//   1  collinear (CO₂ oxygen, a bond end): e₁ is equivariant, e₂/e₃ can turn freely about e₁;
//   0  isolated, or symmetric so that every S_g cancels (CH₄ / CO₂ carbon): no direction at all.
// Such a node's frame is only determined *from the linear group sums* up to a group G (O(3), O(2)
// about e₁, {I, diag(1,1,−1)}). That G can be larger than the site's true stabiliser (CO₂'s C:
// D∞h, benzene's C: C2v): a second-moment (tensor) frame such as Σ_j d_ij d_ijᵀ would orient more.
// The rank is decided by hard thresholds, so outputs jump where (a) a neighbour crosses the
// cutoff, (b) a singular value crosses `tol`, or (c) two same-species neighbour distances start or
// stop differing by more than `groupTol` (1e-4 Å by default): the groups S_g split or merge. (c)
// is single linkage on the sorted distances, so a chain of near-equal distances can merge groups
// whose ends differ by more than groupTol. Notebook 06 §2b measures (b) and (c) on CO₂ (ours).
// The fallback picks one element (L = I; e₂ from the coordinate axis least aligned with the
// neighbourhood line; e₃ = e₁ × e₂), which is orthonormal but not equivariant; models stay
// equivariant by keeping only G-invariant feature components at that node (models.ts).

export interface FrameRanks {
  /** Frame rank per node, 0–3. */
  rank: Int32Array;
  /** Fallback direction for e₂ per node [N·3] (used when rank < 2). */
  axis: Float64Array;
  /** Singular values of the span of the group sums S_g per node, descending [N·3]. */
  sigma: Float64Array;
  /** The matching principal directions per node [N·9], row k for sigma k (descending). A rank-r
   *  node's frame can orient exactly the span of the first r rows (ours). */
  directions: Float64Array;
}

/**
 * Frame rank of every node (float64; see the comment above). `types` are the species used to
 * group neighbours (all equal if omitted); `groupTol` is the distance tolerance for "the same
 * distance" (default 1e-4, in the units of pos); `tol` the relative singular-value threshold below
 * which a direction counts as absent (default 1e-3: float32 frames lose about ε₃₂/tol ≈ 1e-4 of
 * accuracy at the threshold).
 */
export function frameRanks(
  pos: ArrayLike<number>,
  g: Graph,
  opts: { types?: ArrayLike<number>; groupTol?: number; tol?: number } = {},
): FrameRanks {
  if (pos.length !== 3 * g.n)
    throw new ShapeError("frameRanks pos", `length ${3 * g.n} (graph has ${g.n} nodes)`, [
      pos.length,
    ]);
  const types = opts.types;
  if (types && types.length !== g.n)
    throw new ShapeError("frameRanks types", `length ${g.n}`, [types.length]);
  // A non-finite coordinate would make the grouping loop below stall (NaN comparisons are false).
  for (let k = 0; k < pos.length; k++)
    if (!Number.isFinite(pos[k]))
      domainError("frameRanks", `pos[${k}]`, pos[k], "a finite coordinate");
  const groupTol = opts.groupTol ?? 1e-4,
    tol = opts.tol ?? 1e-3;
  if (!(groupTol >= 0)) domainError("frameRanks", "groupTol", groupTol, "≥ 0");
  if (!(tol > 0 && tol < 1)) domainError("frameRanks", "tol", tol, "in (0, 1)");
  const nb: { t: number; r: number; d: number[] }[][] = Array.from({ length: g.n }, () => []);
  for (let e = 0; e < g.src.length; e++) {
    const i = g.dst[e],
      j = g.src[e];
    const d = [
      pos[3 * j] - pos[3 * i],
      pos[3 * j + 1] - pos[3 * i + 1],
      pos[3 * j + 2] - pos[3 * i + 2],
    ];
    nb[i].push({ t: types ? types[j] : 0, r: Math.hypot(d[0], d[1], d[2]), d });
  }
  const rank = new Int32Array(g.n),
    axis = new Float64Array(3 * g.n),
    sigma = new Float64Array(3 * g.n);
  const directions = new Float64Array(9 * g.n);
  for (let i = 0; i < g.n; i++) {
    const list = nb[i].sort((a, b) => a.t - b.t || a.r - b.r);
    const M = new Float64Array(9);
    let scale = 0;
    for (let k = 0; k < list.length;) {
      const S = [0, 0, 0];
      let m = k;
      while (
        m < list.length &&
        list[m].t === list[k].t &&
        list[m].r - list[m === k ? k : m - 1].r <= groupTol
      ) {
        for (let a = 0; a < 3; a++) S[a] += list[m].d[a];
        scale += list[m].r;
        m++;
      }
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) M[3 * a + b] += S[a] * S[b];
      k = m;
    }
    const { values, vectors } = symmetricEigen(mat(3, 3, Array.from(M)));
    const s = [2, 1, 0].map((k) => Math.sqrt(Math.max(values[k], 0)));
    sigma.set(s, 3 * i);
    for (let k = 0; k < 3; k++)
      for (let a = 0; a < 3; a++) directions[9 * i + 3 * k + a] = vectors.data[3 * a + 2 - k];
    let rk = 0;
    if (s[0] > tol * scale && scale > 0)
      rk = 1 + (s[1] > tol * s[0] ? 1 : 0) + (s[2] > tol * s[0] ? 1 : 0);
    rank[i] = rk;
    let ax = [0, 1, 0];
    if (rk === 1) {
      const u = [vectors.data[2], vectors.data[5], vectors.data[8]]; // top eigenvector: the line
      const k = [0, 1, 2].sort((a, b) => Math.abs(u[a]) - Math.abs(u[b]))[0];
      ax = [0, 0, 0];
      ax[k] = 1;
    }
    axis.set(ax, 3 * i);
  }
  return { rank, axis, sigma, directions };
}

// ---------------------------------------------------------------------------------------------
// tfjs (float32, differentiable in v)

/** Per-node degeneracy information for gramSchmidtTf, uploaded once per batch (batch.ts). */
export interface FrameFallback {
  /** [N, 3] float 0/1: v₁ usable (rank ≥ 1), v₂ usable (rank ≥ 2), sign of v₃ usable (rank 3). */
  mask: tf.Tensor2D;
  /** [N, 3] fallback direction for e₂ (FrameRanks.axis). */
  axis: tf.Tensor2D;
}

/**
 * Gram–Schmidt for a batch: v [N, 3, 3] (vector k along axis 1) → L [N, 3, 3] (rows e₁, e₂, e₃),
 * orthonormal for every node. With `fallback`, degenerate nodes use the fallback of the comment
 * above (x̂ for e₁ at rank 0, the fallback axis for e₂ at rank ≤ 1, s = +1 at rank ≤ 2); without
 * it every node is treated as generic (rank 3), which is only right for generic clouds. No data
 * is read back to JS (no dataSync), so the pass never stalls an asynchronous backend.
 */
export function gramSchmidtTf(v: tf.Tensor3D, fallback?: FrameFallback, eps = 1e-12): tf.Tensor3D {
  const N = v.shape[0];
  if (v.shape[1] !== 3 || v.shape[2] !== 3)
    throw new ShapeError("gramSchmidtTf v", "[N, 3, 3]", v.shape);
  if (fallback && (fallback.mask.shape[0] !== N || fallback.axis.shape[0] !== N))
    throw new ShapeError("gramSchmidtTf fallback", `[${N}, 3] mask and axis`, fallback.mask.shape);
  return tf.tidy(() => {
    let [v1, v2, v3] = tf.unstack(v, 1) as tf.Tensor2D[];
    let m3: tf.Tensor | null = null;
    if (fallback) {
      const [m1, m2, m3_] = tf.split(fallback.mask, 3, 1);
      const x = tf.tensor2d([[1, 0, 0]]);
      v1 = tf.add(tf.mul(m1, v1), tf.mul(tf.sub(1, m1), x)) as tf.Tensor2D;
      v2 = tf.add(tf.mul(m2, v2), tf.mul(tf.sub(1, m2), fallback.axis)) as tf.Tensor2D;
      m3 = m3_;
    }
    const norm = (x: tf.Tensor2D) => tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), eps * eps));
    const e1 = tf.div(v1, norm(v1)) as tf.Tensor2D;
    const u2 = tf.sub(v2, tf.mul(tf.sum(tf.mul(v2, e1), 1, true), e1)) as tf.Tensor2D;
    const e2 = tf.div(u2, norm(u2));
    const [a1, a2, a3] = tf.unstack(e1, 1);
    const [b1, b2, b3] = tf.unstack(e2, 1);
    const c = tf.stack(
      [
        tf.sub(tf.mul(a2, b3), tf.mul(a3, b2)),
        tf.sub(tf.mul(a3, b1), tf.mul(a1, b3)),
        tf.sub(tf.mul(a1, b2), tf.mul(a2, b1)),
      ],
      1,
    ) as tf.Tensor2D;
    // s = sign(v₃·(e₁×e₂)) with sign(0) := +1; piecewise constant, so its gradient is 0.
    const sg = tf.sign(tf.sum(tf.mul(c, v3), 1, true));
    let s: tf.Tensor = tf.sub(tf.add(sg, 1), tf.abs(sg));
    if (m3) s = tf.add(tf.mul(m3, s), tf.sub(1, m3));
    const L = tf.stack([e1, e2, tf.mul(c, s)], 1) as tf.Tensor3D;
    return L;
  });
}

/**
 * Diagnostics that read data back (call explicitly, not in a training step): the worst node's
 * condition number ‖v₂‖/‖u₂‖ and ‖v₃‖/|v₃·(e₁×e₂)| over generic (rank-3) nodes — float32
 * rounding in v is amplified by it in the frame — and max |LLᵀ − I| over all nodes.
 */
export function frameDiagnostics(
  v: tf.Tensor3D,
  L: tf.Tensor3D,
  rank?: ArrayLike<number>,
): { condition: number; orthogonality: number } {
  const vd = v.dataSync(),
    Ld = L.dataSync();
  const N = v.shape[0];
  let condition = 1,
    orthogonality = 0;
  for (let i = 0; i < N; i++) {
    const o = 9 * i;
    const Li = Ld.subarray(o, o + 9);
    orthogonality = Math.max(orthogonality, orthogonalityError(Li));
    if (rank && rank[i] < 3) continue;
    const v2 = [vd[o + 3], vd[o + 4], vd[o + 5]],
      v3 = [vd[o + 6], vd[o + 7], vd[o + 8]];
    const e1 = [Li[0], Li[1], Li[2]];
    const p = dot(v2, e1);
    const u2 = [v2[0] - p * e1[0], v2[1] - p * e1[1], v2[2] - p * e1[2]];
    const s3 = Math.abs(dot(cross(e1, [Li[3], Li[4], Li[5]]), v3));
    condition = Math.max(
      condition,
      Math.hypot(...v2) / Math.max(Math.hypot(...u2), 1e-30),
      Math.hypot(...v3) / Math.max(s3, 1e-30),
    );
  }
  return { condition, orthogonality };
}
