/**
 * Batches of clouds as one disjoint graph (node offsets per cloud), with every per-edge geometric
 * quantity precomputed in float64 and uploaded once as float32: relative vectors, lengths, unit
 * vectors, radial basis and cutoff envelope, and each node's frame rank (frames.ts frameRanks). The
 * same edge geometry can also be recomputed differentiably from node positions
 * (`edgeGeometry(b, pos)`), so a model's energy can be differentiated w.r.t. positions and forces
 * predicted as F = −∇E (potential.ts). Nothing here mixes clouds: every per-node and per-edge
 * quantity depends on its own cloud only, so a cloud's outputs do not depend on what else is in the
 * batch.
 */
import * as tf from "../tf";
import { ShapeError, domainError } from "../errors";
import { Cloud, Targets } from "./data";
import { FrameFallback, frameRanks } from "./frames";
import { Graph, knnGraph, radiusGraph } from "./graph";
import { RadialBasis, cosineCutoff, radialBasis } from "./radial";

export interface BatchOptions {
  cutoff: number;
  /** Radial basis size and kind (default 8, "bessel"). */
  nRbf?: number;
  basis?: RadialBasis;
  nTypes?: number;
  /** Use a kNN graph instead of the radius graph (the envelope still uses the cutoff). */
  knn?: number;
}

/** The per-edge inputs a model reads; a Batch is one (constants), edgeGeometry makes another. */
export interface Geometry {
  /**
   * x_j − x_i [E, 3], r_ij [E, 1], unit vectors [E, 3], radial basis [E, nRbf], envelope [E, 1].
   */
  rel: tf.Tensor2D;
  dist: tf.Tensor2D;
  unit: tf.Tensor2D;
  rbf: tf.Tensor2D;
  env: tf.Tensor2D;
}

export interface Batch extends Geometry {
  /** Node positions [N, 3] (float32), the source of edgeGeometry. */
  pos: tf.Tensor2D;
  basis: RadialBasis;
  nRbf: number;
  /** Nodes, edges, graphs. */
  N: number;
  E: number;
  G: number;
  graph: Graph;
  /** One-hot species [N, nTypes]. */
  onehot: tf.Tensor2D;
  src: tf.Tensor1D;
  dst: tf.Tensor1D;
  /** Cloud index of every node [N]. */
  nodeGraph: tf.Tensor1D;
  /** x_j − x_i [E, 3], r_ij [E, 1], unit vectors [E, 3]. */
  rel: tf.Tensor2D;
  dist: tf.Tensor2D;
  unit: tf.Tensor2D;
  /** Radial basis [E, nRbf] and envelope [E, 1]. */
  rbf: tf.Tensor2D;
  env: tf.Tensor2D;
  /** Frame rank per node (0–3, frames.ts frameRanks) and as an int32 tensor [N]. */
  frameRank: Int32Array;
  rank: tf.Tensor1D;
  /** Fallback data for gramSchmidtTf. */
  fallback: FrameFallback;
  /** Nodes with frame rank < 3. */
  degenerate: number;
  cutoff: number;
  /** Targets, when built from a labelled set. */
  y?: { energy: tf.Tensor1D; forces: tf.Tensor2D; tensor: tf.Tensor2D };
  dispose(): void;
}

/**
 * A cloud argument `name` of `fn`: an object with pos and types, at least one atom (a cloud with
 * none has no energy a model could compute — the per-cloud mean divides by its atom count — so it
 * is refused, alone or in a batch, and never gets a batch-dependent value), 3 coordinates per
 * atom, all finite. Throws DomainError / ShapeError naming `name`.
 */
export function checkCloud(fn: string, name: string, c: Cloud): void {
  if (!c || typeof c !== "object" || !c.pos || !c.types)
    domainError(fn, name, c, "a cloud { pos, types }");
  if (c.types.length === 0) throw new ShapeError(`${fn} ${name}.types`, "at least one atom", [0]);
  if (c.pos.length !== 3 * c.types.length)
    throw new ShapeError(`${fn} ${name}.pos`, `length ${3 * c.types.length} (3 per atom)`, [
      c.pos.length,
    ]);
  for (let k = 0; k < c.pos.length; k++) {
    if (!Number.isFinite(c.pos[k]))
      domainError(fn, `${name}.pos`, c.pos[k], `finite coordinates (entry ${k})`);
  }
}

/**
 * Build one batch from clouds (and optionally their targets). Every cloud needs ≥ 1 atom
 * (ShapeError naming clouds[k]).
 */
export function makeBatch(clouds: Cloud[], opts: BatchOptions, targets?: Targets[]): Batch {
  if (clouds.length === 0) throw new ShapeError("makeBatch clouds", "at least one cloud", [0]);
  if (targets && targets.length !== clouds.length)
    throw new ShapeError("makeBatch targets", `${clouds.length} (one per cloud)`, [targets.length]);
  const cutoff = opts.cutoff;
  if (!(cutoff > 0)) domainError("makeBatch", "cutoff", cutoff, "> 0");
  const nTypes = opts.nTypes ?? 2;
  if (!(Number.isInteger(nTypes) && nTypes >= 1))
    domainError("makeBatch", "opts.nTypes", nTypes, "an integer ≥ 1");
  const nRbf = opts.nRbf ?? 8;
  let N = 0;
  const pos: number[] = [],
    types: number[] = [],
    nodeGraph: number[] = [],
    src: number[] = [],
    dst: number[] = [];
  const rank: number[] = [],
    axis: number[] = [];
  clouds.forEach((c, gi) => {
    checkCloud("makeBatch", `clouds[${gi}]`, c);
    const g = opts.knn ? knnGraph(c.pos, opts.knn) : radiusGraph(c.pos, cutoff);
    for (let e = 0; e < g.src.length; e++) {
      const i = g.dst[e],
        j = g.src[e];
      const d = Math.hypot(
        c.pos[3 * j] - c.pos[3 * i],
        c.pos[3 * j + 1] - c.pos[3 * i + 1],
        c.pos[3 * j + 2] - c.pos[3 * i + 2],
      );
      if (!(d > 1e-9 * cutoff))
        domainError(
          "makeBatch",
          `clouds[${gi}].pos`,
          `points ${j} and ${i} at distance ${d}`,
          "distinct points (coincident points have no direction)",
        );
    }
    const fr = frameRanks(c.pos, g, { types: c.types });
    rank.push(...fr.rank);
    axis.push(...fr.axis);
    for (let e = 0; e < g.src.length; e++) {
      src.push(g.src[e] + N);
      dst.push(g.dst[e] + N);
    }
    for (let i = 0; i < g.n; i++) {
      pos.push(c.pos[3 * i], c.pos[3 * i + 1], c.pos[3 * i + 2]);
      const t = c.types[i];
      if (!(t >= 0 && t < nTypes))
        domainError("makeBatch", "types", t, `species in [0, ${nTypes})`);
      types.push(t);
      nodeGraph.push(gi);
    }
    N += g.n;
  });
  const E = src.length;
  const rel = new Float32Array(3 * E),
    unit = new Float32Array(3 * E);
  const r = new Float64Array(E);
  for (let e = 0; e < E; e++) {
    const i = dst[e],
      j = src[e];
    const d = [
      pos[3 * j] - pos[3 * i],
      pos[3 * j + 1] - pos[3 * i + 1],
      pos[3 * j + 2] - pos[3 * i + 2],
    ];
    r[e] = Math.hypot(d[0], d[1], d[2]);
    for (let a = 0; a < 3; a++) {
      rel[3 * e + a] = d[a];
      unit[3 * e + a] = d[a] / r[e];
    }
  }
  const onehot = new Float32Array(N * nTypes);
  types.forEach((t, i) => {
    onehot[i * nTypes + t] = 1;
  });
  const tensors: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    tensors.push(t);
    return t;
  };
  const b: Batch = {
    N,
    E,
    G: clouds.length,
    graph: { n: N, src: Int32Array.from(src), dst: Int32Array.from(dst) },
    pos: keep(tf.tensor2d(Float32Array.from(pos), [N, 3])),
    basis: opts.basis ?? "bessel",
    nRbf,
    onehot: keep(tf.tensor2d(onehot, [N, nTypes])),
    src: keep(tf.tensor1d(src, "int32")),
    dst: keep(tf.tensor1d(dst, "int32")),
    nodeGraph: keep(tf.tensor1d(nodeGraph, "int32")),
    rel: keep(tf.tensor2d(rel, [E, 3])),
    dist: keep(tf.tensor2d(Float32Array.from(r), [E, 1])),
    unit: keep(tf.tensor2d(unit, [E, 3])),
    rbf: keep(tf.tensor2d(radialBasis(opts.basis ?? "bessel", r, nRbf, cutoff), [E, nRbf])),
    env: keep(tf.tensor2d(cosineCutoff(r, cutoff), [E, 1])),
    frameRank: Int32Array.from(rank),
    rank: keep(tf.tensor1d(rank, "int32")),
    fallback: {
      mask: keep(
        tf.tensor2d(
          Float32Array.from(rank.flatMap((k) => [k >= 1 ? 1 : 0, k >= 2 ? 1 : 0, k >= 3 ? 1 : 0])),
          [N, 3],
        ),
      ),
      axis: keep(tf.tensor2d(Float32Array.from(axis), [N, 3])),
    },
    degenerate: rank.filter((k) => k < 3).length,
    cutoff,
    dispose: () => tensors.forEach((t) => t.dispose()),
  };
  if (targets) {
    b.y = {
      energy: keep(tf.tensor1d(targets.map((t) => t.energy))),
      forces: keep(
        tf.tensor2d(Float32Array.from(targets.flatMap((t) => Array.from(t.forces))), [N, 3]),
      ),
      tensor: keep(
        tf.tensor2d(Float32Array.from(targets.flatMap((t) => Array.from(t.tensor))), [N, 9]),
      ),
    };
  }
  return b;
}

/**
 * The edge geometry of `b` recomputed from node positions `pos` [N, 3] with tfjs ops, so that it is
 * differentiable in `pos` (forces as −∇E). Same formulas as makeBatch (radial.ts): the
 * spherical-Bessel basis √(2/r_c)·sin(kπr/r_c)/r (k = 1…nRbf: z_{0,k} = kπ, N_k = √(2/r_c³)·kπ),
 * the Gaussian basis, and u(r) = ½(cos πr/r_c + 1) on edges with r < r_c. Call inside tf.tidy.
 */
export function edgeGeometry(b: Batch, pos: tf.Tensor2D): Geometry {
  if (pos.shape[0] !== b.N || pos.shape[1] !== 3)
    throw new ShapeError("edgeGeometry pos", `[${b.N}, 3]`, pos.shape);
  // b.pos was validated by makeBatch (finite, no coincident points). Other positions are read
  // back once and checked (a documented read-back; training and energyForces pass b.pos itself).
  if (pos !== b.pos) {
    const x = pos.dataSync(),
      src = b.graph.src,
      dst = b.graph.dst;
    for (let k = 0; k < x.length; k++)
      if (!Number.isFinite(x[k]))
        domainError(
          "edgeGeometry",
          `pos[${Math.floor(k / 3)}][${k % 3}]`,
          x[k],
          "a finite coordinate",
        );
    for (let e = 0; e < src.length; e++) {
      const i = src[e],
        j = dst[e];
      if (x[3 * i] === x[3 * j] && x[3 * i + 1] === x[3 * j + 1] && x[3 * i + 2] === x[3 * j + 2])
        domainError(
          "edgeGeometry",
          `pos (nodes ${i}, ${j} of edge ${e})`,
          "coincident",
          "distinct points at both ends of every edge (the edge direction is undefined)",
        );
    }
  }
  const rc = b.cutoff;
  const rel = tf.sub(tf.gather(pos, b.src), tf.gather(pos, b.dst)) as tf.Tensor2D;
  const dist = tf.sqrt(tf.sum(tf.square(rel), 1, true)) as tf.Tensor2D;
  const unit = tf.div(rel, dist) as tf.Tensor2D;
  // Which edges are inside the cutoff, from the batch's constant lengths (no gradient: piecewise
  // constant, and tfjs has no gradient for comparisons).
  const inside = tf.cast(tf.greater(b.env, 0), "float32");
  const env = tf.mul(
    tf.mul(tf.add(tf.cos(tf.mul(dist, Math.PI / rc)), 1), 0.5),
    inside,
  ) as tf.Tensor2D;
  const k = tf.range(1, b.nRbf + 1).reshape([1, b.nRbf]);
  let rbf: tf.Tensor2D;
  if (b.basis === "bessel") {
    rbf = tf.mul(
      tf.div(tf.sin(tf.mul(tf.mul(dist, k), Math.PI / rc)), dist),
      Math.sqrt(2 / rc) * 1,
    ) as tf.Tensor2D;
    rbf = tf.mul(rbf, inside) as tf.Tensor2D;
  } else {
    const step = b.nRbf > 1 ? rc / (b.nRbf - 1) : rc;
    const z = tf.div(tf.sub(dist, tf.mul(tf.sub(k, 1), step)), step);
    rbf = tf.exp(tf.mul(tf.square(z), -0.5)) as tf.Tensor2D;
  }
  return { rel, dist, unit, rbf, env };
}
