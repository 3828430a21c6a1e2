/**
 * Models for the frames notebooks, all with the same three heads per batch:
 *   energy [G] (order 0, summed over nodes), forces [N, 3] (order 1), tensor [N, 9] (order 2).
 *
 * FramesNet (REFERENCES.md#frames2025) — one class, three message types:
 *   "tensor": m_ij = MLP([h_i, ρ(L_iL_jᵀ) h_j, rbf(r_ij), L_i(x_j − x_i)/r_c]) · u(r_ij)
 *             h_i lives in node i's frame; ρ(L_iL_jᵀ) re-expresses h_j (given in j's frame) in i's
 *             frame. L_iL_jᵀ is invariant, so every input of the MLP is invariant and the MLP can
 *             be anything.
 *   "scalar": same, but h_j is passed as is (no transport): still exactly invariant, but the
 *             MLP can no longer tell how j's frame is oriented relative to i's.
 *   "none":   L_i = I for all i — a plain GNN on raw relative vectors (translation-invariant,
 *             not rotation-equivariant); the non-equivariant baseline with the same budget.
 *   Frames: v_k(i) = Σ_j w_k(rbf(r_ij), species_j) u(r_ij)(x_j − x_i), w a learned linear map,
 *   then Gram–Schmidt with the reflection sign rule (frames.ts). Outputs are predicted in the
 *   local frame and rotated back: F_i = L_iᵀ f_i, T_i = L_iᵀ τ_i L_i, E = Σ_i ε_i.
 *
 * TFN (tensor field network): features h^ℓ [N, c, 2ℓ+1] for ℓ ≤ ℓ_max; one convolution per path
 *   (ℓ_f, ℓ_in, ℓ_out):
 *     m^{ℓ_out}_ij = R_p(r_ij) ⊙_c C^{ℓ_out}_{ℓ_f ℓ_in}(Y^{ℓ_f}(r̂_ij) ⊗ h^{ℓ_in}_j),
 *   with channel-wise ("depthwise") radial weights R_p = MLP(rbf), then a channel-mixing linear
 *   self-interaction per ℓ and gated nonlinearity (SiLU on ℓ = 0, sigmoid gates from scalars on
 *   ℓ > 0). Only paths with ℓ_f + ℓ_in + ℓ_out even are kept, so the network is O(3)- (not just
 *   SO(3)-) equivariant with natural-parity features, matching the frames models' symmetry.
 *   The tensor head is ℓ = 0 (trace) ⊕ ℓ = 2 (symmetric traceless): with ℓ_max = 1 only the trace
 *   part can be predicted.
 * Einsum is not available on the wasm backend, so every contraction below is reshape + matMul.
 */
import * as tf from "../tf";
import { DomainError, ShapeError, domainError } from "../errors";
import { Rng } from "../tensor/rng";
import { Batch, Geometry } from "./batch";
import { cgPaths, clebschGordan } from "./cg";
import { frameDiagnostics, gramSchmidtTf } from "./frames";
import { transpose } from "../linalg";
import { Dense, MLP, countParams, silu } from "./nn";
import {
  Order,
  Rep,
  ambiguityProjector,
  irrepBasis,
  parseRep,
  repDim,
  rhoBlockTf,
  sphericalHarmonicsTf,
  transportTf,
} from "./reps";

export interface Outputs {
  energy: tf.Tensor1D;
  forces: tf.Tensor2D;
  tensor: tf.Tensor2D;
}

export interface Model {
  name: string;
  variables: tf.Variable[];
  /** Outputs for a batch; `g` replaces the batch's edge geometry (e.g. edgeGeometry(b, pos), to
   *  differentiate w.r.t. positions). */
  apply(b: Batch, g?: Geometry): Outputs;
  /** Optional: the energy head alone, equal to apply(b, g).energy but cheaper (TFN). */
  energy?(b: Batch, g?: Geometry): tf.Tensor1D;
  /**
   * Trainable scalars: `countParams(this.variables)` (tfjs's LayersModel.countParams() spelling).
   */
  countParams(): number;
  dispose(): void;
}

/**
 * Messages are summed over incoming edges and divided by a constant stored in the model
 * (`avgNeighbors`, e.g. the training set's mean in-degree), never by a statistic of the batch:
 * a cloud's outputs must not depend on the other clouds it is batched with, and must change
 * continuously when a neighbour crosses the cutoff (the envelope u(r) → 0 takes care of that).
 */
function checkNormaliser(fn: string, v: number | undefined): number {
  const x = v ?? 10;
  if (!(x > 0 && Number.isFinite(x))) domainError(fn, "avgNeighbors", x, "a finite number > 0");
  return x;
}

/** [4, d, d] float32 stack of the ambiguity projectors of `rep` for frame ranks 0–3. */
function projectorStack(rep: Rep | string): tf.Tensor3D {
  const Ps = [0, 1, 2, 3].map((k) => ambiguityProjector(rep, k));
  const d = Ps[0].rows;
  return tf.tensor3d(Float32Array.from(Ps.flatMap((P) => Array.from(P.data))), [4, d, d]);
}

/** y [n, d] ↦ P[idx] y per row (P a [4, d, d] stack, idx int32 [n]). */
function projectRows(P: tf.Tensor3D, idx: tf.Tensor1D, y: tf.Tensor2D): tf.Tensor2D {
  const [n, d] = y.shape;
  return tf.reshape(tf.matMul(tf.gather(P, idx), tf.reshape(y, [n, d, 1])), [n, d]) as tf.Tensor2D;
}

/** [nTypes, 1] constant of per-species reference energies (zeros if not given). */
function referenceTensor(ref: number[] | undefined, nTypes: number): tf.Tensor2D {
  const v = ref ?? new Array(nTypes).fill(0);
  if (v.length !== nTypes)
    domainError("energyReference", "length", v.length, `${nTypes} (one per species)`);
  return tf.tensor2d(v, [nTypes, 1]);
}

export type MessageKind = "tensor" | "scalar" | "none";

export interface FramesNetOptions {
  message: MessageKind;
  /** Hidden feature layout, e.g. "16x0e + 8x1o + 4x2e" or "16xT0 + 8xT1 + 4xT2". */
  rep: string;
  layers?: number;
  hidden?: number;
  nRbf?: number;
  nTypes?: number;
  seed?: number;
  name?: string;
  /** Per-species reference energies added to ε_i (see speciesReference); default zeros. */
  energyReference?: number[];
  /** Constant message normaliser (default 10); see checkNormaliser. */
  avgNeighbors?: number;
  /**
   * "project" (default): degenerate nodes keep only ambiguity-invariant feature components, so the
   * model stays O(3)-equivariant on any geometry. "ignore": use the fallback frame as if it were
   * equivariant (the negative control: equivariance then breaks at symmetric sites).
   */
  ambiguity?: "project" | "ignore";
}

export class FramesNet implements Model {
  readonly name: string;
  readonly rep: Rep;
  readonly D: number;
  readonly message: MessageKind;
  private readonly frameW: Dense;
  private readonly embed: Dense;
  private readonly msg: MLP[];
  private readonly upd: MLP[];
  private readonly out: MLP;
  private readonly nTypes: number;
  private readonly eRef: tf.Tensor2D;
  /** Ambiguity projectors for the features, the force head and the tensor head (ranks 0–3). */
  private readonly Ph: tf.Tensor3D;
  private readonly Pf: tf.Tensor3D;
  private readonly PT: tf.Tensor3D;
  readonly avgNeighbors: number;
  readonly ambiguity: "project" | "ignore";

  constructor(o: FramesNetOptions) {
    if (!["tensor", "scalar", "none"].includes(o.message))
      domainError("FramesNet", "message", o.message, '"tensor", "scalar" or "none"');
    const r = new Rng(o.seed ?? 0);
    this.message = o.message;
    this.rep = parseRep(o.rep);
    this.D = repDim(this.rep);
    const hidden = o.hidden ?? 64;
    const nRbf = o.nRbf ?? 8;
    const layers = o.layers ?? 2;
    if (!(Number.isInteger(layers) && layers >= 1))
      domainError("FramesNet", "layers", layers, "an integer ≥ 1");
    this.nTypes = o.nTypes ?? 2;
    this.name = o.name ?? `frames-${o.message}`;
    this.frameW = new Dense(r, nRbf + this.nTypes, 3);
    this.embed = new Dense(r, this.nTypes, this.D);
    this.msg = [];
    this.upd = [];
    for (let l = 0; l < layers; l++) {
      this.msg.push(new MLP(r, [2 * this.D + nRbf + 3, hidden, this.D]));
      this.upd.push(new MLP(r, [2 * this.D, hidden, this.D], { lastGain: 0.5 }));
    }
    // Small last layer: outputs start near 0, so the first steps don't fight a huge initial loss.
    this.out = new MLP(r, [this.D, hidden, 1 + 3 + 9], { lastGain: 0.1 });
    this.eRef = referenceTensor(o.energyReference, this.nTypes);
    this.avgNeighbors = checkNormaliser("FramesNet", o.avgNeighbors);
    this.ambiguity = o.ambiguity ?? "project";
    if (!["project", "ignore"].includes(this.ambiguity))
      domainError("FramesNet", "ambiguity", o.ambiguity, '"project" or "ignore"');
    this.Ph = projectorStack(this.rep);
    this.Pf = projectorStack("1xT1");
    this.PT = projectorStack("1xT2");
  }

  get variables(): tf.Variable[] {
    const v = [
      ...this.embed.variables,
      ...this.msg.flatMap((m) => m.variables),
      ...this.upd.flatMap((m) => m.variables),
      ...this.out.variables,
    ];
    return this.message === "none" ? v : [...this.frameW.variables, ...v];
  }

  countParams(): number {
    return countParams(this.variables);
  }

  /** Frame vectors v [N, 3, 3] (vector k along axis 1) for a batch. */
  frameVectors(b: Batch, g: Geometry = b): tf.Tensor3D {
    return tf.tidy(() => {
      if (b.E === 0) return tf.zeros([b.N, 3, 3]) as tf.Tensor3D;
      const w = tf.mul(
        this.frameW.apply(tf.concat([g.rbf, tf.gather(b.onehot, b.src)], 1) as tf.Tensor2D),
        g.env,
      ); // [E, 3]
      const outer = tf.reshape(tf.mul(tf.reshape(w, [b.E, 3, 1]), tf.reshape(g.rel, [b.E, 1, 3])), [
        b.E,
        9,
      ]);
      return tf.reshape(tf.unsortedSegmentSum(outer, b.dst, b.N), [b.N, 3, 3]) as tf.Tensor3D;
    });
  }

  /**
   * Frames L [N, 3, 3] (rows e₁, e₂, e₃) for a batch; identity for message "none". Orthonormal
   * for every node; degenerate nodes (b.frameRank < 3) get the fallback frame (frames.ts).
   */
  frames(b: Batch, g: Geometry = b): tf.Tensor3D {
    return tf.tidy(() => {
      if (this.message === "none")
        return tf.tile(tf.reshape(tf.eye(3), [1, 3, 3]), [b.N, 1, 1]) as tf.Tensor3D;
      return gramSchmidtTf(this.frameVectors(b, g), b.fallback);
    });
  }

  /** Frame condition number and orthogonality for a batch (reads data back: not for training). */
  diagnostics(b: Batch): { condition: number; orthogonality: number; degenerate: number } {
    const v = this.frameVectors(b),
      L = this.frames(b);
    try {
      return {
        ...frameDiagnostics(v, L, b.frameRank),
        degenerate: this.message === "none" ? 0 : b.degenerate,
      };
    } finally {
      v.dispose();
      L.dispose();
    }
  }

  apply(b: Batch, g: Geometry = b): Outputs {
    return tf.tidy(() => {
      const L = this.frames(b, g);
      // Degenerate nodes keep only the components their frame ambiguity cannot change (reps.ts
      // ambiguityProjector); skipped when the batch has none (then every projector is I).
      const proj = this.message !== "none" && this.ambiguity === "project" && b.degenerate > 0;
      const P = (Pk: tf.Tensor3D, idx: tf.Tensor1D, y: tf.Tensor2D) =>
        proj ? projectRows(Pk, idx, y) : y;
      let h = P(this.Ph, b.rank, this.embed.apply(b.onehot));
      if (b.E > 0) {
        const dstRank = proj ? (tf.gather(b.rank, b.dst) as tf.Tensor1D) : b.rank;
        const Li = tf.gather(L, b.dst) as tf.Tensor3D;
        const Lj = tf.gather(L, b.src) as tf.Tensor3D;
        const Rij = tf.matMul(Li, Lj, false, true) as tf.Tensor3D; // L_i L_jᵀ, [E, 3, 3]
        const local = P(
          this.Pf,
          dstRank,
          tf.div(
            tf.reshape(tf.matMul(Li, tf.reshape(g.rel, [b.E, 3, 1])), [b.E, 3]),
            b.cutoff,
          ) as tf.Tensor2D,
        );
        for (let l = 0; l < this.msg.length; l++) {
          const hi = tf.gather(h, b.dst) as tf.Tensor2D;
          let hj = tf.gather(h, b.src) as tf.Tensor2D;
          if (this.message === "tensor") hj = P(this.Ph, dstRank, transportTf(this.rep, Rij, hj));
          const m = tf.mul(
            this.msg[l].apply(tf.concat([hi, hj, g.rbf, local], 1) as tf.Tensor2D),
            g.env,
          );
          const agg = tf.div(
            tf.unsortedSegmentSum(m, b.dst, b.N),
            this.avgNeighbors,
          ) as tf.Tensor2D;
          h = P(
            this.Ph,
            b.rank,
            tf.add(h, this.upd[l].apply(tf.concat([h, agg], 1) as tf.Tensor2D)) as tf.Tensor2D,
          );
        }
      } else {
        // No edges: every node is isolated; the update still sees a zero aggregate.
        for (let l = 0; l < this.msg.length; l++) {
          h = P(
            this.Ph,
            b.rank,
            tf.add(
              h,
              this.upd[l].apply(tf.concat([h, tf.zerosLike(h)], 1) as tf.Tensor2D),
            ) as tf.Tensor2D,
          );
        }
      }
      const o = this.out.apply(h); // [N, 13], in the local frame
      const eps = tf.reshape(
        tf.add(tf.slice(o, [0, 0], [b.N, 1]), tf.matMul(b.onehot, this.eRef)),
        [b.N],
      );
      const f = tf.reshape(P(this.Pf, b.rank, tf.slice(o, [0, 1], [b.N, 3]) as tf.Tensor2D), [
        b.N,
        3,
        1,
      ]);
      const tau = tf.reshape(P(this.PT, b.rank, tf.slice(o, [0, 4], [b.N, 9]) as tf.Tensor2D), [
        b.N,
        3,
        3,
      ]);
      const forces = tf.reshape(tf.matMul(L, f, true, false), [b.N, 3]) as tf.Tensor2D; // L_iᵀ f_i
      const tensor = tf.reshape(tf.matMul(tf.matMul(L, tau, true, false), L), [
        b.N,
        9,
      ]) as tf.Tensor2D; // L_iᵀ τ_i L_i
      const energy = tf.unsortedSegmentSum(eps, b.nodeGraph, b.G) as tf.Tensor1D;
      return { energy, forces, tensor };
    });
  }

  dispose(): void {
    [...this.frameW.variables, ...this.variables].forEach((v) => {
      if (!v.isDisposed) v.dispose();
    });
    [this.eRef, this.Ph, this.Pf, this.PT].forEach((t) => t.dispose());
  }
}

/**
 * Negative control (ours): a view of a frames model whose frames are computed from the batch's
 * constant geometry, never from the geometry passed in, so energyForces' −∇E misses the frames'
 * dependence on the positions. Shares the weights; dispose the original model, not the view.
 */
export function withConstantFrames(m: FramesNet): Model {
  if (!(m instanceof FramesNet))
    throw new DomainError(
      "withConstantFrames: argument m must be a FramesNet (the TFN's output does not depend on its frames)",
    );
  const v = Object.create(m) as FramesNet & {
    frames: (b: Batch) => tf.Tensor3D;
    dispose: () => void;
    name: string;
  };
  v.frames = (b: Batch) => m.frames(b);
  Object.defineProperty(v, "name", { value: `${m.name}, frames not differentiated` });
  v.dispose = () => undefined;
  return v;
}

export interface TFNOptions {
  lmax: Order;
  /** Channels per ℓ. */
  channels?: number;
  layers?: number;
  /** Hidden width of the radial MLP. */
  hidden?: number;
  nRbf?: number;
  nTypes?: number;
  seed?: number;
  name?: string;
  /** Per-species reference energies added to the energy per node; default zeros. */
  energyReference?: number[];
  /** Constant message normaliser (default 10); see checkNormaliser. */
  avgNeighbors?: number;
  /**
   * "global" (default): the usual TFN. "local": the same network computed in local frames (ours):
   * features h^ℓ_i are stored in node i's frame L_i, a neighbour's features are moved into it by
   * D^ℓ(L_iL_jᵀ), filters are evaluated at the local edge direction L_i r̂_ij, and the vector and
   * tensor heads are rotated back (L_iᵀ f, L_iᵀ τ L_i). Frames come from Gram–Schmidt of v_k = Σ_j
   * w_k(rbf(r_ij), species_j) u(r_ij)(x_j − x_i) with FIXED (seeded, not trained) weights, so both
   * variants have exactly the same parameters. Because every TFN layer is equivariant, the local
   * variant computes the same function as the global one for any orthonormal frames.
   */
  frame?: "global" | "local";
  /** Local frames only: false drops D^ℓ(L_iL_jᵀ) (the negative control: a different function). */
  transport?: boolean;
  /**
   * Optional per-function standardisation of the radial basis before the radial MLPs (ours):
   * rbf_k → (rbf_k − mean_k)/std_k with constants (e.g. training-edge statistics; not trained).
   * Invariant, so equivariance is unchanged. Default: the raw basis values.
   */
  rbfStandardise?: { mean: number[]; std: number[] };
}

interface Path {
  lf: Order;
  lin: Order;
  lout: Order;
  cgT: tf.Tensor2D;
}

export class TFN implements Model {
  readonly name: string;
  readonly lmax: Order;
  readonly c: number;
  private readonly embed: Dense;
  private readonly paths: Path[];
  private readonly radial: MLP[];
  private readonly mix: Dense[][];
  private readonly gate: Dense[];
  private readonly headE: Dense;
  private readonly headT0: Dense;
  private readonly headF?: Dense;
  private readonly headT2?: Dense;
  private readonly consts: tf.Tensor[] = [];
  private readonly eRef: tf.Tensor2D;
  readonly avgNeighbors: number;
  readonly frame: "global" | "local";
  readonly transport: boolean;
  private readonly frameW?: tf.Tensor2D;
  private readonly nTypes: number;
  private readonly rbfMean?: tf.Tensor2D;
  private readonly rbfStd?: tf.Tensor2D;

  constructor(o: TFNOptions) {
    if (!(o.lmax === 0 || o.lmax === 1 || o.lmax === 2 || o.lmax === 3))
      domainError("TFN", "lmax", o.lmax, "0, 1, 2 or 3");
    const r = new Rng(o.seed ?? 0);
    this.lmax = o.lmax;
    this.c = o.channels ?? 16;
    const nRbf = o.nRbf ?? 8;
    const layers = o.layers ?? 2;
    if (!(Number.isInteger(layers) && layers >= 1))
      domainError("TFN", "layers", layers, "an integer ≥ 1");
    const hidden = o.hidden ?? 32;
    const nTypes = o.nTypes ?? 2;
    this.name = o.name ?? `tfn-l${o.lmax}`;
    this.avgNeighbors = checkNormaliser("TFN", o.avgNeighbors);
    if (o.rbfStandardise !== undefined) {
      const { mean, std } = o.rbfStandardise;
      if (mean.length !== nRbf || std.length !== nRbf)
        throw new ShapeError("TFN rbfStandardise", `mean and std of length nRbf = ${nRbf}`, [
          mean.length,
          std.length,
        ]);
      mean.forEach((v, k) => {
        if (!Number.isFinite(v))
          domainError("TFN", `rbfStandardise.mean[${k}]`, v, "a finite number");
      });
      std.forEach((v, k) => {
        if (!(v > 0 && Number.isFinite(v)))
          domainError("TFN", `rbfStandardise.std[${k}]`, v, "a finite number > 0");
      });
      this.rbfMean = tf.tensor2d(mean, [1, nRbf]);
      this.rbfStd = tf.tensor2d(std, [1, nRbf]);
      this.consts.push(this.rbfMean, this.rbfStd);
    }
    this.nTypes = nTypes;
    this.frame = o.frame ?? "global";
    if (!["global", "local"].includes(this.frame))
      domainError("TFN", "frame", o.frame, '"global" or "local"');
    this.transport = o.transport ?? true;
    if (typeof this.transport !== "boolean")
      domainError("TFN", "transport", o.transport, "true or false");
    if (!this.transport && this.frame === "global")
      domainError(
        "TFN",
        "transport",
        false,
        'true with frame "global" (transport: false only exists for frame "local")',
      );
    if (this.frame === "local") {
      // A separate stream, so the trained parameters are initialised exactly as in the global TFN.
      const rf = new Rng(7919 + (o.seed ?? 0));
      this.frameW = tf.tensor2d(
        Array.from({ length: (nRbf + nTypes) * 3 }, () => rf.normal()),
        [nRbf + nTypes, 3],
      );
      this.consts.push(this.frameW);
    }
    this.paths = cgPaths(this.lmax).map(([lf, lin, lout]) => {
      const C = clebschGordan(lf, lin, lout);
      const cgT = tf.tensor2d(Float32Array.from(transpose(C).data), [C.cols, C.rows], "float32");
      this.consts.push(cgT);
      return { lf, lin, lout, cgT };
    });
    this.embed = new Dense(r, nTypes, this.c);
    this.radial = [];
    this.mix = [];
    this.gate = [];
    for (let l = 0; l < layers; l++) {
      this.radial.push(new MLP(r, [nRbf, hidden, this.paths.length * this.c]));
      this.mix.push(
        Array.from(
          { length: this.lmax + 1 },
          (_, ell) => new Dense(r, this.c, this.c, { bias: ell === 0 }),
        ),
      );
      this.gate.push(new Dense(r, this.c, Math.max(this.lmax, 1) * this.c));
    }
    this.headE = new Dense(r, this.c, 1, { gain: 0.1 });
    this.eRef = referenceTensor(o.energyReference, nTypes);
    this.consts.push(this.eRef);
    this.headT0 = new Dense(r, this.c, 1);
    if (this.lmax >= 1) this.headF = new Dense(r, this.c, 1, { bias: false });
    if (this.lmax >= 2) this.headT2 = new Dense(r, this.c, 1, { bias: false });
  }

  get variables(): tf.Variable[] {
    return [
      ...this.embed.variables,
      ...this.radial.flatMap((m) => m.variables),
      ...this.mix.flat().flatMap((d) => d.variables),
      ...this.gate.flatMap((d) => d.variables),
      ...this.headE.variables,
      ...this.headT0.variables,
      ...(this.headF?.variables ?? []),
      ...(this.headT2?.variables ?? []),
    ];
  }

  countParams(): number {
    return countParams(this.variables);
  }

  /** Channel mixing of x [N, c, d] by a Dense c → c (reshape + matMul). */
  private static mixChannels(d: Dense, x: tf.Tensor3D): tf.Tensor3D {
    const [N, c, dim] = x.shape;
    const y = d.apply(tf.reshape(tf.transpose(x, [0, 2, 1]), [N * dim, c]) as tf.Tensor2D);
    return tf.transpose(tf.reshape(y, [N, dim, d.fanOut]), [0, 2, 1]) as tf.Tensor3D;
  }

  /**
   * Local frames L [N, 3, 3] (rows e₁, e₂, e₃) from the fixed frame weights; frame "local" only.
   */
  frames(b: Batch, g: Geometry = b): tf.Tensor3D {
    if (!this.frameW)
      throw new DomainError('TFN.frames: this TFN was built with frame "global" (no frames)');
    return tf.tidy(() => {
      if (b.E === 0) return gramSchmidtTf(tf.zeros([b.N, 3, 3]) as tf.Tensor3D, b.fallback);
      const w = tf.mul(
        tf.matMul(tf.concat([g.rbf, tf.gather(b.onehot, b.src)], 1), this.frameW!),
        g.env,
      ); // [E, 3]
      const outer = tf.reshape(tf.mul(tf.reshape(w, [b.E, 3, 1]), tf.reshape(g.rel, [b.E, 1, 3])), [
        b.E,
        9,
      ]);
      const v = tf.reshape(tf.unsortedSegmentSum(outer, b.dst, b.N), [b.N, 3, 3]) as tf.Tensor3D;
      return gramSchmidtTf(v, b.fallback);
    });
  }

  apply(b: Batch, g: Geometry = b): Outputs {
    return tf.tidy(() => {
      const o = this.run(b, g, false);
      return { energy: o.energy, forces: o.forces!, tensor: o.tensor! };
    });
  }

  /**
   * The energy head alone [G]: the same operations as apply() for the energy, in the same order,
   * minus those the energy does not depend on (the last layer's ℓ > 0 messages and updates, the
   * force and tensor heads). Energies, −∇E and parameter gradients equal apply()'s (tested).
   */
  energy(b: Batch, g: Geometry = b): tf.Tensor1D {
    return tf.tidy(() => this.run(b, g, true).energy);
  }

  private run(
    b: Batch,
    g: Geometry,
    energyOnly: boolean,
  ): Partial<Outputs> & { energy: tf.Tensor1D } {
    const c = this.c;
    const local = this.frame === "local";
    const L = local ? this.frames(b, g) : null;
    const Li = L && b.E > 0 ? (tf.gather(L, b.dst) as tf.Tensor3D) : null;
    // Edge directions as the filters see them: global r̂_ij, or L_i r̂_ij in the local variant.
    const unit = Li
      ? (tf.reshape(tf.matMul(Li, tf.reshape(g.unit, [b.E, 3, 1])), [b.E, 3]) as tf.Tensor2D)
      : g.unit;
    const Rij =
      Li && this.transport
        ? (tf.matMul(Li, tf.gather(L!, b.src) as tf.Tensor3D, false, true) as tf.Tensor3D)
        : null;
    const Dij = Rij
      ? Array.from({ length: this.lmax + 1 }, (_, l) =>
          l === 0 ? null : rhoBlockTf({ kind: "irrep", order: l as Order, pseudo: false }, Rij),
        )
      : [];
    const Y = Array.from({ length: this.lmax + 1 }, (_, l) =>
      sphericalHarmonicsTf(l as Order, unit),
    );
    let h: tf.Tensor3D[] = [tf.reshape(this.embed.apply(b.onehot), [b.N, c, 1])];
    for (let l = 1; l <= this.lmax; l++) h.push(tf.zeros([b.N, c, 2 * l + 1]));
    // h^ℓ is exactly zero for ℓ > hTop (before the first layer: every ℓ > 0), so paths that read
    // it add exact zeros to their messages and are skipped (values and gradients unchanged).
    let hTop = 0;
    for (let layer = 0; layer < this.radial.length; layer++) {
      // Energy only: the last layer's ℓ > 0 outputs feed nothing the energy depends on.
      const lTop = energyOnly && layer === this.radial.length - 1 ? 0 : this.lmax;
      const msgs: (tf.Tensor | null)[] = Array.from({ length: this.lmax + 1 }, () => null);
      // No edges (every node isolated): all messages are zero, the layer still runs.
      const rbf = this.rbfMean
        ? (tf.div(tf.sub(g.rbf, this.rbfMean), this.rbfStd!) as tf.Tensor2D)
        : g.rbf;
      const Rw = b.E > 0 ? tf.mul(this.radial[layer].apply(rbf), g.env) : null; // [E, P·c]
      const hj =
        b.E > 0
          ? h.map((x, l) => {
              if (l > hTop) return null;
              const y = tf.gather(tf.reshape(x, [b.N, c * (2 * l + 1)]), b.src); // [E, c·d]
              if (!Dij[l]) return y;
              // D^ℓ(L_iL_jᵀ) h_j: j's features re-expressed in i's frame, [E, c, d] × Dᵀ
              return tf.reshape(
                tf.matMul(tf.reshape(y, [b.E, c, 2 * l + 1]), Dij[l]!, false, true),
                [b.E, c * (2 * l + 1)],
              );
            })
          : [];
      if (Rw)
        this.paths.forEach((p, k) => {
          if (p.lout > lTop || p.lin > hTop) return;
          const df = 2 * p.lf + 1,
            din = 2 * p.lin + 1,
            dout = 2 * p.lout + 1;
          // (Y ⊗ h_j) per edge and channel: [E, 1, df, 1] * [E, c, 1, din] → [E·c, df·din]
          const outer = tf.mul(
            tf.reshape(Y[p.lf], [b.E, 1, df, 1]),
            tf.reshape(hj[p.lin]!, [b.E, c, 1, din]),
          );
          const t = tf.reshape(tf.matMul(tf.reshape(outer, [b.E * c, df * din]), p.cgT), [
            b.E,
            c,
            dout,
          ]);
          const w = tf.reshape(tf.slice(Rw, [0, k * c], [b.E, c]), [b.E, c, 1]);
          const m = tf.mul(t, w);
          msgs[p.lout] = msgs[p.lout] ? tf.add(msgs[p.lout]!, m) : m;
        });
      const agg = msgs.slice(0, lTop + 1).map((m, l) => {
        const d = 2 * l + 1;
        if (!m) return tf.zeros([b.N, c, d]) as tf.Tensor3D;
        return tf.reshape(
          tf.div(tf.unsortedSegmentSum(tf.reshape(m, [b.E, c * d]), b.dst, b.N), this.avgNeighbors),
          [b.N, c, d],
        ) as tf.Tensor3D;
      });
      const u = agg.map((a, l) => TFN.mixChannels(this.mix[layer][l], a));
      const u0 = tf.reshape(u[0], [b.N, c]) as tf.Tensor2D;
      if (lTop === 0) {
        h = [tf.add(h[0], tf.reshape(silu(u0), [b.N, c, 1])) as tf.Tensor3D];
        continue;
      }
      hTop = this.lmax;
      const gates = tf.sigmoid(this.gate[layer].apply(u0)); // [N, lmax·c]
      h = h.map((x, l) => {
        if (l === 0) return tf.add(x, tf.reshape(silu(u0), [b.N, c, 1])) as tf.Tensor3D;
        const g = tf.reshape(tf.slice(gates, [0, (l - 1) * c], [b.N, c]), [b.N, c, 1]);
        return tf.add(x, tf.mul(u[l], g)) as tf.Tensor3D;
      });
    }
    const s = tf.reshape(h[0], [b.N, c]) as tf.Tensor2D;
    const energy = tf.unsortedSegmentSum(
      tf.reshape(tf.add(this.headE.apply(s), tf.matMul(b.onehot, this.eRef)), [b.N]),
      b.nodeGraph,
      b.G,
    ) as tf.Tensor1D;
    if (energyOnly) return { energy };
    let forces: tf.Tensor2D = tf.zeros([b.N, 3]);
    if (this.headF) {
      const f = tf.reshape(TFN.mixChannels(this.headF, h[1]), [b.N, 3]);
      forces = tf.gather(f, [2, 0, 1], 1) as tf.Tensor2D; // (y, z, x) → (x, y, z)
      if (L)
        forces = tf.reshape(tf.matMul(L, tf.reshape(forces, [b.N, 3, 1]), true, false), [
          b.N,
          3,
        ]) as tf.Tensor2D; // L_iᵀ f_i
    }
    // tensor = a·I/√3 + Q₂ᵀ b: the ℓ = 0 and ℓ = 2 parts of a symmetric matrix (reps.ts Q).
    const a = this.headT0.apply(s); // [N, 1]
    let tensor = tf.mul(
      a,
      tf.tensor2d([[1, 0, 0, 0, 1, 0, 0, 0, 1]]).div(Math.sqrt(3)),
    ) as tf.Tensor2D;
    if (this.headT2) {
      const t2 = tf.reshape(TFN.mixChannels(this.headT2, h[2]), [b.N, 5]);
      let t = tf.matMul(
        t2,
        tf.tensor2d(Float32Array.from(irrepBasis(2).data), [5, 9]),
      ) as tf.Tensor2D;
      if (L)
        t = tf.reshape(tf.matMul(tf.matMul(L, tf.reshape(t, [b.N, 3, 3]), true, false), L), [
          b.N,
          9,
        ]) as tf.Tensor2D; // L_iᵀ τ_i L_i
      tensor = tf.add(tensor, t) as tf.Tensor2D;
    }
    return { energy, forces, tensor };
  }

  dispose(): void {
    this.variables.forEach((v) => {
      if (!v.isDisposed) v.dispose();
    });
    this.consts.forEach((t) => t.dispose());
  }
}
