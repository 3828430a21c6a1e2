/**
 * Batches of clouds as one disjoint graph (node offsets per cloud), with every per-edge geometric
 * quantity precomputed in float64 and uploaded once as float32: relative vectors, lengths, unit
 * vectors, radial basis and cutoff envelope. Positions are not differentiated (forces are a
 * direct target, not −∇E), so none of this needs gradients.
 */
import * as tf from "@tensorflow/tfjs";
import { ShapeError, domainError } from "../errors";
import { Cloud, Targets } from "./data";
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

export interface Batch {
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
  /** Mean in-degree (messages are summed then divided by it, so scale doesn't depend on density). */
  avgDegree: number;
  cutoff: number;
  /** Targets, when built from a labelled set. */
  y?: { energy: tf.Tensor1D; forces: tf.Tensor2D; tensor: tf.Tensor2D };
  dispose(): void;
}

/** Build one batch from clouds (and optionally their targets). */
export function makeBatch(clouds: Cloud[], opts: BatchOptions, targets?: Targets[]): Batch {
  if (clouds.length === 0) throw new ShapeError("makeBatch clouds", "at least one cloud", [0]);
  if (targets && targets.length !== clouds.length) throw new ShapeError("makeBatch targets", `${clouds.length} (one per cloud)`, [targets.length]);
  const cutoff = opts.cutoff;
  if (!(cutoff > 0)) domainError("makeBatch", "cutoff", cutoff, "> 0");
  const nTypes = opts.nTypes ?? 2;
  const nRbf = opts.nRbf ?? 8;
  let N = 0;
  const pos: number[] = [], types: number[] = [], nodeGraph: number[] = [], src: number[] = [], dst: number[] = [];
  clouds.forEach((c, gi) => {
    const g = opts.knn ? knnGraph(c.pos, opts.knn) : radiusGraph(c.pos, cutoff);
    for (let e = 0; e < g.src.length; e++) { src.push(g.src[e] + N); dst.push(g.dst[e] + N); }
    for (let i = 0; i < g.n; i++) {
      pos.push(c.pos[3 * i], c.pos[3 * i + 1], c.pos[3 * i + 2]);
      const t = c.types[i];
      if (!(t >= 0 && t < nTypes)) domainError("makeBatch", "types", t, `species in [0, ${nTypes})`);
      types.push(t);
      nodeGraph.push(gi);
    }
    N += g.n;
  });
  const E = src.length;
  const rel = new Float32Array(3 * E), unit = new Float32Array(3 * E);
  const r = new Float64Array(E);
  for (let e = 0; e < E; e++) {
    const i = dst[e], j = src[e];
    const d = [pos[3 * j] - pos[3 * i], pos[3 * j + 1] - pos[3 * i + 1], pos[3 * j + 2] - pos[3 * i + 2]];
    r[e] = Math.hypot(d[0], d[1], d[2]);
    for (let a = 0; a < 3; a++) { rel[3 * e + a] = d[a]; unit[3 * e + a] = d[a] / r[e]; }
  }
  const onehot = new Float32Array(N * nTypes);
  types.forEach((t, i) => { onehot[i * nTypes + t] = 1; });
  const tensors: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => { tensors.push(t); return t; };
  const b: Batch = {
    N, E, G: clouds.length,
    graph: { n: N, src: Int32Array.from(src), dst: Int32Array.from(dst) },
    onehot: keep(tf.tensor2d(onehot, [N, nTypes])),
    src: keep(tf.tensor1d(src, "int32")),
    dst: keep(tf.tensor1d(dst, "int32")),
    nodeGraph: keep(tf.tensor1d(nodeGraph, "int32")),
    rel: keep(tf.tensor2d(rel, [E, 3])),
    dist: keep(tf.tensor2d(Float32Array.from(r), [E, 1])),
    unit: keep(tf.tensor2d(unit, [E, 3])),
    rbf: keep(tf.tensor2d(radialBasis(opts.basis ?? "bessel", r, nRbf, cutoff), [E, nRbf])),
    env: keep(tf.tensor2d(cosineCutoff(r, cutoff), [E, 1])),
    avgDegree: Math.max(E / N, 1),
    cutoff,
    dispose: () => tensors.forEach((t) => t.dispose()),
  };
  if (targets) {
    b.y = {
      energy: keep(tf.tensor1d(targets.map((t) => t.energy))),
      forces: keep(tf.tensor2d(Float32Array.from(targets.flatMap((t) => Array.from(t.forces))), [N, 3])),
      tensor: keep(tf.tensor2d(Float32Array.from(targets.flatMap((t) => Array.from(t.tensor))), [N, 9])),
    };
  }
  return b;
}
