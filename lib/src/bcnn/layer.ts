/**
 * Bessel convolution layer (B-conv) and a plain convolution layer with the same two compute paths.
 *
 * B-conv, after Delchevalerie et al. 2021 (bcnn2021; its layer equation could not be read here, so
 * this is our construction from the basis): for input I with C_in channels and output channel o,
 *
 *     out_o(x) = Σ_ν | Σ_{c,j} conj(w_{o,c,ν,j}) (I_c ⋆ ψ_{ν,j})(x) |²  + b_o .
 *
 * Rotating I by α multiplies (I ⋆ ψ_{ν,j}) at the rotated point by a phase e^{±iνα} that is the
 * same for every j and c of a given ν, so each |·|² is unchanged: the output field rotates with the
 * input.
 *
 * Implementation: with w = a + ib and ψ = ψr + iψi,
 *     conj(w) ψ = (a ψr + b ψi) + i (a ψi − b ψr),
 * so per (ν, o) the two real filters F_re = Σ_j (a ψr + b ψi), F_im = Σ_j (a ψi − b ψr) are built
 * by one matmul of a fixed expansion matrix E [K²·R, M + M′] with the coefficients [M + M′,
 * C_in·C_out] (R real response channels, M modes, M′ imaginary coefficients). Then ONE conv2d with
 * R·C_out output channels, square, sum per output channel, add bias. R counts only the orders the
 * basis keeps (`basis` policy, steer.ts), two parts each, except that ν = 0 has one: ψ_{0,j} is
 * real, so without an imaginary coefficient its imaginary response is identically zero and is not
 * computed.
 *
 * Coefficients (documented choices): ν = 0 modes get a real coefficient only
 * (`zeroOrderImag: false`, default; 83 parameters per channel pair at K = 11, not 89 — issue #14
 * reports the same count for the authors' reference code, which is not in REFERENCES.md and was not
 * read here); `zeroOrderImag: true` restores the extra b for ν = 0 (a second real ν = 0 filter).
 * The reflection-invariant variant keeps b = 0 for all modes (one real coefficient set): a
 * reflection conjugates every (I ⋆ ψ), which |Σ_j a_j (·)|² does not see. The reference code is
 * reported to use two real sets there (issue #14); we have not verified that and keep one.
 *
 * Both layers take `impl: "conv" | "matmul"`: "matmul" expresses the convolution as im2col (K²
 * slices of the padded input, concatenated) followed by one matMul, which on tfjs-backend-wasm
 * needs only slice/concat/matMul gradients (no Conv2DBackpropFilter) and uses the SIMD matmul
 * kernel.
 *
 * B-conv also takes `impl: "basis"` and `"basisDense"` (ours, "basis-first"): the same layer,
 * factorised. Every input channel is convolved once with the N real basis images (ψr of every kept
 * mode, ψi of those with a non-zero imaginary part), by one tf.conv2d with a single input channel
 * (the C channels folded into the batch); then a mixing built from the same coefficients gives the
 * same R·C_out responses as the filter bank. "basisDense" mixes with one matMul [C_in·N, R·C_out].
 * That matrix is block-sparse: an image of order ν feeds only the responses of order ν. So "basis"
 * orders the images by ν and mixes each order on its own, one matMul [C_in·N_ν, R_ν·C_out] per
 * order, and concatenates the responses in the layer's channel order. MACs per output pixel:
 * K²·C_in·N + C_in·C_out·Σ_ν N_ν·R_ν ("basis"), K²·C_in·N + C_in·N·R·C_out ("basisDense"),
 * K²·C_in·R·C_out (filter bank). Same parameters, initialisation and outputs (to float32
 * summation order); the gradient path uses only conv2d with respect to its input (the basis is a
 * constant: no filter gradient), transpose, reshape, split, concat and matMul.
 */
import * as tf from "../tf-layers";
import { ShapeError, domainError } from "../errors";
import { fourierBesselBasis, FourierBesselBasis } from "./basis";
import { BasisPolicy, policyModes } from "./steer";

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Kwargs = Parameters<tf.layers.Layer["call"]>[1];
type Shape = (number | null)[];

export type ConvImpl = "conv" | "matmul";
/**
 * B-conv compute paths: the filter bank by `ConvImpl`, or the factorised basis-first paths (file
 * comment): "basis" mixes order by order, "basisDense" with one dense matrix.
 */
export type BConvImpl = ConvImpl | "basis" | "basisDense";
export type Padding = "same" | "valid";

/**
 * Cross-correlation of x [B, H, W, C] with filter [K, K, C, O] (stride 1), by tf.conv2d or by
 * im2col + matMul. Both give the same numbers up to float32 summation order.
 */
export function conv2dBy(
  impl: ConvImpl,
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  padding: Padding,
): tf.Tensor4D {
  if (impl !== "conv" && impl !== "matmul")
    domainError("conv2dBy", "impl", impl, '"conv" or "matmul"');
  if (padding !== "same" && padding !== "valid")
    domainError("conv2dBy", "padding", padding, '"same" or "valid"');
  if (x.rank !== 4) throw new ShapeError("conv2dBy input", "[B, H, W, C]", x.shape);
  if (filter.rank !== 4) throw new ShapeError("conv2dBy filter", "[K, K, C, O]", filter.shape);
  const [K, K2, C, O] = filter.shape;
  if (K !== K2)
    throw new ShapeError("conv2dBy filter", "[K, K, C, O] with a square kernel", filter.shape);
  if (x.shape[3] !== C) throw new ShapeError("conv2dBy input", `[B, H, W, ${C}]`, x.shape);
  // Checked for both paths: tf.conv2d would otherwise fail inside tfjs with an unrelated message.
  if (padding === "valid" && (x.shape[1] < K || x.shape[2] < K)) {
    throw new ShapeError(
      "conv2dBy input",
      `[B, H ≥ ${K}, W ≥ ${K}, C] for a valid ${K}×${K} convolution`,
      x.shape,
    );
  }
  if (impl === "conv") return tf.conv2d(x, filter, 1, padding);
  return tf.tidy(() => {
    const [B, H, W] = x.shape;
    const p = (K - 1) / 2;
    const xp =
      padding === "same"
        ? tf.pad(x, [
            [0, 0],
            [Math.floor(p), Math.ceil(p)],
            [Math.floor(p), Math.ceil(p)],
            [0, 0],
          ])
        : x;
    const Ho = padding === "same" ? H : H - K + 1;
    const Wo = padding === "same" ? W : W - K + 1;
    const cols: tf.Tensor4D[] = [];
    // Order (dy, dx, c) matches filter.reshape([K·K·C, O]).
    for (let dy = 0; dy < K; dy++)
      for (let dx = 0; dx < K; dx++) cols.push(tf.slice(xp, [0, dy, dx, 0], [B, Ho, Wo, C]));
    const patches = (cols.length === 1 ? cols[0] : tf.concat(cols, 3)).reshape([
      B * Ho * Wo,
      K * K * C,
    ]);
    return tf
      .matMul(patches, filter.reshape([K * K * C, O]))
      .reshape([B, Ho, Wo, O]) as tf.Tensor4D;
  });
}

function check4d(name: string, shape: Shape): { C: number } {
  if (shape.length !== 4)
    throw new ShapeError(
      name,
      "[batch, height, width, channels]",
      shape.map((d) => (d === null ? -1 : d)),
    );
  const C = shape[3];
  if (C === null) throw new ShapeError(name, "a known channel count", "channels = null");
  // zero channels would build an empty filter bank: XNNPACK then prints errors and returns zeros
  if (!(Number.isInteger(C) && C >= 1))
    throw new ShapeError(
      name,
      "[batch, height, width, channels ≥ 1]",
      shape.map((d) => (d === null ? -1 : d)),
    );
  return { C };
}

/**
 * One mixing block of the basis-first paths: images n0 … n0+images−1 feed responses r0 …
 * r0+responses−1.
 */
export interface MixBlock {
  /** The block's order ν (−1 for the single dense block). */
  nu: number;
  n0: number;
  images: number;
  r0: number;
  responses: number;
}

/**
 * Basis images of the basis-first paths (mode index and part) in filter order, and the mixing
 * blocks.
 */
export interface BasisLayout {
  images: { m: number; part: "re" | "im" }[];
  blocks: MixBlock[];
}

/**
 * The basis-first B-conv pre-activation (ours), block by block. x [B, H, W, C] (C folded into the
 * batch) is convolved with each block's basis images `filters[b]` [K, K, 1, N_b]; then one matMul
 * [B·H'·W', C·N_b] × [C·N_b, R_b·O] per block, with the block's weights G_b·w from `mixMaps[b]`
 * G_b [N_b·R_b, P] (rows (n, r), n-major) and the coefficients `w` [P, C·O]. Returns the blocks'
 * responses y_b [B·H'·W', R_b·O] (column r·O + o of the block) and [B, H', W'].
 *
 * Why a convolution per block rather than one convolution and a split: on tfjs-backend-wasm every
 * Slice (and so SplitV, and the gradient of Concat) first copies its whole input out of the wasm
 * heap (backend.readSync), so splitting the basis responses into V orders cost V full copies and
 * took more time than the mixing saved. The gradient path has only conv2d (w.r.t. its input),
 * reshape, transpose, add and matMul: no Slice, Concat, Conv2DBackpropFilter or Tile.
 */
export function basisFirstBlocks(
  x: tf.Tensor4D,
  filters: readonly tf.Tensor4D[],
  mixMaps: readonly tf.Tensor2D[],
  w: tf.Tensor2D,
  O: number,
  padding: Padding,
): { ys: tf.Tensor2D[]; shape: [number, number, number] } {
  const fn = "basisFirstBlocks";
  if (x.rank !== 4) throw new ShapeError(`${fn} x`, "[B, H, W, C]", x.shape);
  if (filters.length < 1 || filters.length !== mixMaps.length)
    domainError(
      fn,
      "filters",
      filters.length,
      `one filter per mixing map (${mixMaps.length}), at least one`,
    );
  if (!Number.isInteger(O) || O < 1) domainError(fn, "O", O, "a positive integer");
  const [B, H, W, C] = x.shape;
  if (w.rank !== 2 || w.shape[1] !== C * O)
    throw new ShapeError(`${fn} w`, `[P, ${C * O}]`, w.shape);
  const Rs = filters.map((f, b) => {
    if (f.rank !== 4 || f.shape[2] !== 1)
      throw new ShapeError(`${fn} filters[${b}]`, "[K, K, 1, N_b]", f.shape);
    const g = mixMaps[b];
    const N = f.shape[3];
    if (g.rank !== 2 || g.shape[1] !== w.shape[0] || g.shape[0] % N !== 0 || g.shape[0] === 0) {
      throw new ShapeError(`${fn} mixMaps[${b}]`, `[${N}·R_b, ${w.shape[0]}]`, g.shape);
    }
    return g.shape[0] / N;
  });
  if (padding === "valid" && filters.some((f) => H < f.shape[0] || W < f.shape[1])) {
    throw new ShapeError(
      `${fn} x`,
      `[B, H ≥ ${filters[0].shape[0]}, W ≥ ${filters[0].shape[0]}, C] for a valid convolution`,
      x.shape,
    );
  }
  let shape: [number, number, number] = [B, 0, 0];
  if (B === 0) {
    // an empty batch gives an empty output of the right shape, as the filter-bank path does (the
    // folded conv of an empty batch traps inside the wasm kernel: review s5-14 finding 4)
    const K = filters[0].shape[0];
    shape = padding === "same" ? [0, H, W] : [0, H - K + 1, W - K + 1];
    return { ys: Rs.map((R) => tf.zeros([0, R * O]) as tf.Tensor2D), shape };
  }
  const ys = tf.tidy(() => {
    // the input checks of conv2dBy (shape, valid padding smaller than K) on the folded input
    const xs = C === 1 ? x : (x.transpose([0, 3, 1, 2]).reshape([B * C, H, W, 1]) as tf.Tensor4D);
    return filters.map((f, b) => {
      const N = f.shape[3];
      const R = Rs[b];
      const z = conv2dBy("conv", xs, f, padding); // [B·C, H', W', N_b]
      const [, Ho, Wo] = z.shape;
      shape = [B, Ho, Wo];
      const P = B * Ho * Wo;
      // → [B, H'·W', C, N_b] → [B·H'·W', C·N_b] (column c·N_b + n)
      const zf =
        C === 1
          ? z.reshape([P, N])
          : z
              .reshape([B, C, Ho * Wo, N])
              .transpose([0, 2, 1, 3])
              .reshape([P, C * N]);
      // G_b·w [N_b·R_b, C·O] → [N_b, R_b, C, O] → [C, N_b, R_b, O] → [C·N_b, R_b·O]
      const mix = tf
        .matMul(mixMaps[b], w)
        .reshape([N, R, C, O])
        .transpose([2, 0, 1, 3])
        .reshape([C * N, R * O]);
      return tf.matMul(zf, mix) as tf.Tensor2D;
    });
  });
  return { ys, shape };
}

/**
 * The basis-first B-conv pre-activation as [B, H', W', R·O] (channel r·O + o): basisFirstBlocks'
 * responses concatenated in block order (the layer's channel order when the blocks are its orders).
 */
export function basisFirstResponses(
  x: tf.Tensor4D,
  filters: readonly tf.Tensor4D[],
  mixMaps: readonly tf.Tensor2D[],
  w: tf.Tensor2D,
  O: number,
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const { ys, shape } = basisFirstBlocks(x, filters, mixMaps, w, O, padding);
    const y = ys.length === 1 ? ys[0] : tf.concat(ys, 1);
    return y.reshape([...shape, y.shape[1]]) as tf.Tensor4D;
  });
}

export interface BesselConv2DArgs extends LayerArgs {
  /** Output channels C_out. */
  filters: number;
  /** Odd kernel size K (basis sizes K = 3, 5, 7, 9, 11 → 5, 11, 20, 32, 44 modes). */
  kernelSize: number;
  /** Real coefficients only: invariant to reflections as well as rotations; half the parameters. */
  reflectionInvariant?: boolean;
  /**
   * Which modes (steer.ts `policyModes`): "paper" k ≤ πK/2 (default), "nyquist" k ≤ π(K−1)/2, or
   * "steerable" (Nyquist modes whose steering error ≤ `steerTol` with this layer's sampling).
   */
  basis?: BasisPolicy;
  /** "steerable" only: tolerance on the per-mode steering error (default 0.1). */
  steerTol?: number;
  /**
   * "steerable" only: width σ (px) of the Gaussian bumps the steering error is measured on
   * (policyModes' `sigma`, default 1): the input class the kept modes must steer for.
   */
  steerSigma?: number;
  /** "paper" only: truncation k ≤ kMax instead of πK/2 (at most πK). */
  kMax?: number;
  /** Also train an imaginary coefficient for ν = 0 modes (default false; see the file comment). */
  zeroOrderImag?: boolean;
  /** Basis sampled as the mean over an s×s sub-grid per pixel (default 1: pixel centres). */
  oversample?: number;
  /**
   * "power" (default): Σ_ν |·|² + b. "modulus": sqrt(Σ_ν |·|² + ε) + b, homogeneous of
   * degree 1 in the input like a plain conv (better conditioned when layers are stacked). Both are
   * functions of the same invariant moduli, so invariance is unaffected. The bare layer defaults
   * to "power" (notebook 04's equation); the networks of models.ts default to "modulus"
   * (NET_DEFAULTS), so a layer built by hand and one inside buildNet differ unless this is set.
   */
  response?: "power" | "modulus";
  padding?: Padding;
  /**
   * "conv" (default) or "matmul": filter bank + one convolution; "basis": factorised, mixed order
   * by order; "basisDense": factorised, one dense mixing matrix (file comment).
   */
  impl?: BConvImpl;
  useBias?: boolean;
  /** Seed of the coefficient initialiser. */
  seed?: number;
}

/**
 * The seed handed to a tfjs initialiser for layer seed `seed` and weight stream `stream` (0: the
 * real coefficients / kernel, 1: the imaginary coefficients): seed + stream, as before, except that
 * 0 becomes 0.5. tfjs treats a seed of 0 as "no seed" (`seed ? seed : Math.random()` in tfjs-core
 * rand_util), so a layer seed of 0 used to give unseeded, irreproducible weights. 0.5 is never
 * produced by an integer seed, and every other seed keeps its old initialisation (saved results of
 * runs with seeds ≠ 0 are unchanged). `undefined` (no seed requested) stays undefined.
 */
export function tfjsSeed(seed: number | undefined, stream: 0 | 1 = 0): number | undefined {
  if (seed === undefined) return undefined;
  if (!Number.isInteger(seed) || seed < 0)
    domainError("tfjsSeed", "seed", seed, "an integer ≥ 0 (or undefined)");
  const s = seed + stream;
  return s === 0 ? 0.5 : s;
}

function checkSeed(layer: string, seed: number | undefined): void {
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 40))
    domainError(layer, "seed", seed, "an integer in [0, 2^40]");
}

/**
 * The B-conv layer. Trainable weights: `coeff_re` [M, C_in·C_out], `coeff_im` (unless reflection
 * invariant), `bias` [C_out]. Registered for tfjs serialization as "BesselConv2D", so a model that
 * contains it round-trips through model.save / tf.loadLayersModel.
 */
export class BesselConv2D extends tf.layers.Layer {
  static className = "BesselConv2D";
  readonly filters: number;
  readonly kernelSize: number;
  readonly reflectionInvariant: boolean;
  readonly kMax: number | undefined;
  readonly basisPolicy: BasisPolicy;
  readonly steerTol: number | undefined;
  readonly steerSigma: number | undefined;
  readonly zeroOrderImag: boolean;
  readonly oversample: number;
  readonly response: "power" | "modulus";
  readonly padding: Padding;
  readonly impl: BConvImpl;
  readonly useBias: boolean;
  readonly seed: number | undefined;
  readonly basis: FourierBesselBasis;
  private coeffRe: tf.LayerVariable | null = null;
  private coeffIm: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  /** Expansion matrix E [K²·R, M + M′]; a kept constant. */
  private expansion: tf.Tensor2D | null = null;
  /**
   * impl "basis"/"basisDense": per mixing block, its basis images as a filter [K, K, 1, N_b]; kept
   * constants.
   */
  private basisFilters: tf.Tensor4D[] | null = null;
  /**
   * impl "basis"/"basisDense": per mixing block, the 0/±1 matrix G_b [N_b·R_b, M + M′] mapping
   * coefficients to its weights.
   */
  private mixMaps: tf.Tensor2D[] | null = null;
  /**
   * impl "basis"/"basisDense": per mixing block, the 0/1 pooling matrix [R_b·C_out, C_out] (null
   * when R_b = 1).
   */
  private blockPools: (tf.Tensor2D | null)[] | null = null;
  /** impl "basis"/"basisDense": the mixing blocks (basisLayout). */
  private mixBlocks: MixBlock[] | null = null;
  /** 0/1 matrix [R·C_out, C_out] summing the squared responses of each output channel. */
  private pooling: tf.Tensor2D | null = null;
  /** The R real response channels: order ν, its index in basis.orders, and the part. */
  readonly channels: readonly { nu: number; order: number; part: "re" | "im" }[];
  /** Indices of the modes that carry an imaginary coefficient (M′ of them). */
  private readonly imagModes: readonly number[];
  private cIn = 0;

  constructor(args: BesselConv2DArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters < 1)
      domainError("BesselConv2D", "filters", args.filters, "a positive integer");
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.reflectionInvariant = args.reflectionInvariant ?? false;
    this.kMax = args.kMax;
    this.basisPolicy = args.basis ?? "paper";
    this.steerTol = args.steerTol;
    this.steerSigma = args.steerSigma;
    this.zeroOrderImag = args.zeroOrderImag ?? false;
    this.oversample = args.oversample ?? 1;
    if (!Number.isInteger(this.oversample) || this.oversample < 1 || this.oversample > 64)
      domainError("BesselConv2D", "oversample", this.oversample, "an integer in [1, 64]");
    this.response = args.response ?? "power";
    if (this.response !== "power" && this.response !== "modulus")
      domainError("BesselConv2D", "response", this.response, '"power" or "modulus"');
    this.padding = args.padding ?? "same";
    if (this.padding !== "same" && this.padding !== "valid")
      domainError("BesselConv2D", "padding", this.padding, '"same" or "valid"');
    this.impl = args.impl ?? "conv";
    if (!["conv", "matmul", "basis", "basisDense"].includes(this.impl))
      domainError("BesselConv2D", "impl", this.impl, '"conv", "matmul", "basis" or "basisDense"');
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
    checkSeed("BesselConv2D", this.seed);
    if (!Number.isInteger(args.kernelSize) || args.kernelSize < 1 || args.kernelSize % 2 === 0) {
      domainError(
        "BesselConv2D",
        "kernelSize",
        args.kernelSize,
        "an odd positive integer (the filter needs a centre pixel)",
      );
    }
    if (args.kMax !== undefined && this.basisPolicy !== "paper")
      domainError("BesselConv2D", "kMax", args.kMax, `undefined with basis "${this.basisPolicy}"`);
    if (args.steerTol !== undefined && this.basisPolicy !== "steerable")
      domainError(
        "BesselConv2D",
        "steerTol",
        args.steerTol,
        'undefined unless basis is "steerable"',
      );
    if (args.steerSigma !== undefined && this.basisPolicy !== "steerable")
      domainError(
        "BesselConv2D",
        "steerSigma",
        args.steerSigma,
        'undefined unless basis is "steerable"',
      );
    // Computes the sampled basis once, in float64 (policyModes validates the policy).
    this.basis =
      args.kMax !== undefined
        ? fourierBesselBasis(args.kernelSize, { oversample: this.oversample, kMax: args.kMax })
        : fourierBesselBasis(args.kernelSize, {
            oversample: this.oversample,
            modes: policyModes(args.kernelSize, this.basisPolicy, {
              oversample: this.oversample,
              ...(args.steerTol === undefined ? {} : { steerTol: args.steerTol }),
              ...(args.steerSigma === undefined ? {} : { sigma: args.steerSigma }),
            }),
          });
    const ch: { nu: number; order: number; part: "re" | "im" }[] = [];
    const hasImag = (nu: number) => !this.reflectionInvariant && (nu > 0 || this.zeroOrderImag);
    this.basis.orders.forEach((nu, order) => {
      ch.push({ nu, order, part: "re" });
      // ν = 0 with real coefficients only: F_im = Σ a ψi = 0, so that channel is skipped.
      if (nu > 0 || hasImag(0)) ch.push({ nu, order, part: "im" });
    });
    this.channels = ch;
    this.imagModes = this.basis.modes.map((m, i) => (hasImag(m.nu) ? i : -1)).filter((i) => i >= 0);
  }

  /**
   * Number of distinct orders ν kept (V); the layer runs `channels.length` ≤ 2V real convolutions
   * per output channel.
   */
  get orders(): number {
    return this.basis.orders.length;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const { C } = check4d(`${this.name} input`, shape);
    this.cIn = C;
    const M = this.basis.modes.length;
    const { re, im } = this.basis;
    // Initialise so that E[out] ≈ E[I²] at init: each of the (V·2) conv outputs has variance
    // σ² C_in Σ_{p,m}|ψ_m(p)|² E[I²] summed over parts ⇒ σ² = 1 / (parts · C_in · energy).
    let energy = 0;
    for (let i = 0; i < re.length; i++) energy += re[i] * re[i] + im[i] * im[i];
    const parts = this.imagModes.length > 0 ? 2 : 1;
    const stddev = Math.sqrt(1 / (parts * C * energy));
    const init = (s: number | undefined) =>
      tf.initializers.randomNormal({ mean: 0, stddev, seed: s });
    this.coeffRe = this.addWeight(
      "coeff_re",
      [M, C * this.filters],
      "float32",
      init(tfjsSeed(this.seed, 0)),
    );
    if (this.imagModes.length > 0) {
      this.coeffIm = this.addWeight(
        "coeff_im",
        [this.imagModes.length, C * this.filters],
        "float32",
        init(tfjsSeed(this.seed, 1)),
      );
    }
    if (this.useBias)
      this.bias = this.addWeight("bias", [this.filters], "float32", tf.initializers.zeros());
    this.expansion = tf.keep(this.expansionMatrix());
    const O = this.filters;
    if (this.impl === "basis" || this.impl === "basisDense") {
      const { filters, mixMaps, blocks } = this.basisFirstConstants();
      this.basisFilters = filters.map((f) => tf.keep(f));
      this.mixMaps = mixMaps.map((g) => tf.keep(g));
      this.mixBlocks = blocks;
      this.blockPools = blocks.map((b) => {
        if (b.responses === 1) return null;
        const Sb = new Float32Array(b.responses * O * O);
        for (let r = 0; r < b.responses * O; r++) Sb[r * O + (r % O)] = 1;
        return tf.keep(tf.tensor2d(Sb, [b.responses * O, O]));
      });
    }
    const R = this.channels.length;
    const S = new Float32Array(R * O * O);
    for (let r = 0; r < R * O; r++) S[r * O + (r % O)] = 1; // channel r = (response, o), o = r mod O
    this.pooling = tf.keep(tf.tensor2d(S, [R * O, O]));
    this.built = true;
  }

  /** E with rows (pixel p, response channel r) and columns (a_m | b_m′); see file comment. */
  private expansionMatrix(): tf.Tensor2D {
    const { re, im, modes } = this.basis;
    const K2 = this.kernelSize * this.kernelSize;
    const R = this.channels.length;
    const M = modes.length;
    const cols = M + this.imagModes.length;
    const bCol = new Map(this.imagModes.map((m, i) => [m, M + i]));
    const rowOf = new Map(this.channels.map((c, r) => [`${c.nu}/${c.part}`, r]));
    const E = new Float32Array(K2 * R * cols);
    for (let p = 0; p < K2; p++) {
      for (let m = 0; m < M; m++) {
        const nu = modes[m].nu;
        const rRe = rowOf.get(`${nu}/re`)!;
        const rIm = rowOf.get(`${nu}/im`);
        const pr = re[p * M + m];
        const pi = im[p * M + m];
        const b = bCol.get(m);
        E[(p * R + rRe) * cols + m] = pr; // F_re += a ψr
        if (b !== undefined) E[(p * R + rRe) * cols + b] = pi; // F_re += b ψi
        if (rIm !== undefined) {
          E[(p * R + rIm) * cols + m] = pi; // F_im += a ψi
          if (b !== undefined) E[(p * R + rIm) * cols + b] = -pr; // F_im −= b ψr
        }
      }
    }
    return tf.tensor2d(E, [K2 * R, cols]);
  }

  /**
   * The real basis images of the "basis" paths, grouped by order: for each kept order (in
   * basis.orders order) ψr of its modes, then ψi of those whose imaginary part is not identically
   * zero (ν = 0 has none). `blocks` gives, per mixing block, its first image n0, image count N_b,
   * first response channel r0 and response count R_b: one block per order for impl "basis", one
   * block holding everything for "basisDense". Needs no build.
   */
  basisLayout(
    impl: "basis" | "basisDense" = this.impl === "basisDense" ? "basisDense" : "basis",
  ): BasisLayout {
    const { im, modes } = this.basis;
    const K2 = this.kernelSize * this.kernelSize;
    const M = modes.length;
    const imagUsed = (m: number) => {
      for (let p = 0; p < K2; p++) if (im[p * M + m] !== 0) return true;
      return false;
    };
    const images: { m: number; part: "re" | "im" }[] = [];
    const blocks: MixBlock[] = [];
    this.basis.orders.forEach((nu, order) => {
      const n0 = images.length;
      const ms = modes.map((md, m) => (md.nu === nu ? m : -1)).filter((m) => m >= 0);
      for (const m of ms) images.push({ m, part: "re" });
      for (const m of ms) if (imagUsed(m)) images.push({ m, part: "im" });
      const rs = this.channels.map((c, r) => (c.order === order ? r : -1)).filter((r) => r >= 0);
      blocks.push({ nu, n0, images: images.length - n0, r0: rs[0], responses: rs.length });
    });
    const N = images.length;
    const R = this.channels.length;
    return {
      images,
      blocks: impl === "basis" ? blocks : [{ nu: -1, n0: 0, images: N, r0: 0, responses: R }],
    };
  }

  /**
   * impl "basis"/"basisDense": per mixing block b (basisLayout), its basis images as a filter
   * [K, K, 1, N_b] and the 0/±1 map G_b [N_b·R_b, M + M′] from the coefficients to its mixing
   * weights (rows (image n of the block, response r of the block), n-major). With one block G·w
   * is the dense mixing matrix; with one block per order only the entries that can be non-zero
   * are kept (an image of order ν feeds only the responses of order ν).
   */
  private basisFirstConstants(): {
    filters: tf.Tensor4D[];
    mixMaps: tf.Tensor2D[];
    blocks: MixBlock[];
  } {
    const { re, im, modes } = this.basis;
    const K = this.kernelSize;
    const K2 = K * K;
    const M = modes.length;
    const cols = M + this.imagModes.length;
    const bCol = new Map(this.imagModes.map((m, i) => [m, M + i]));
    const { images, blocks } = this.basisLayout();
    const filters: tf.Tensor4D[] = [];
    const mixMaps: tf.Tensor2D[] = [];
    for (const blk of blocks) {
      const N = blk.images;
      const F = new Float32Array(K2 * N);
      const G = new Float32Array(N * blk.responses * cols);
      for (let i = 0; i < N; i++) {
        const { m, part } = images[blk.n0 + i];
        for (let p = 0; p < K2; p++) F[p * N + i] = part === "re" ? re[p * M + m] : im[p * M + m];
        const nu = modes[m].nu;
        const b = bCol.get(m);
        // only the responses of the image's own order get entries
        for (let j = 0; j < blk.responses; j++) {
          const c = this.channels[blk.r0 + j];
          if (c.nu !== nu) continue;
          const at = (i * blk.responses + j) * cols;
          if (part === "re") {
            if (c.part === "re")
              G[at + m] = 1; // F_re += a ψr
            else if (b !== undefined) G[at + b] = -1; // F_im −= b ψr
          } else if (c.part === "re") {
            if (b !== undefined) G[at + b] = 1; // F_re += b ψi
          } else {
            G[at + m] = 1; // F_im += a ψi
          }
        }
      }
      filters.push(tf.tensor4d(F, [K, K, 1, N]));
      mixMaps.push(tf.tensor2d(G, [N * blk.responses, cols]));
    }
    return { filters, mixMaps, blocks };
  }

  /**
   * impl "basis"/"basisDense" after build: the kept constants basisFirstResponses takes (for
   * tests).
   */
  basisFirstTensors(): {
    filters: readonly tf.Tensor4D[];
    mixMaps: readonly tf.Tensor2D[];
    blocks: readonly MixBlock[];
    w: () => tf.Tensor2D;
  } {
    if (!this.basisFilters || !this.mixMaps || !this.mixBlocks)
      throw new Error(
        `${this.name}: basisFirstTensors() needs impl "basis" or "basisDense" and a build`,
      );
    return {
      filters: this.basisFilters,
      mixMaps: this.mixMaps,
      blocks: this.mixBlocks,
      w: () => this.coefficients(),
    };
  }

  /** Number N of real basis images the "basis" paths convolve with (any impl; no build needed). */
  get basisImages(): number {
    return this.basisLayout().images.length;
  }

  /**
   * The coefficients [a; b] as one [M + M′, C_in·C_out] tensor (a alone without imaginary ones).
   */
  private coefficients(): tf.Tensor2D {
    return (
      this.coeffIm
        ? tf.concat([this.coeffRe!.read(), this.coeffIm.read()], 0)
        : this.coeffRe!.read()
    ) as tf.Tensor2D;
  }

  /**
   * The caller's input, checked before any path folds or convolves it (review s5-14 finding 4: the
   * basis paths otherwise failed inside tfjs, or named the folded [B·C, H, W, 1] shape): rank 4,
   * this layer's channel count once built, and H, W ≥ K for valid padding.
   */
  private checkInput(x: tf.Tensor): void {
    const K = this.kernelSize;
    const C = this.built ? this.cIn : x.shape[3];
    if (x.rank !== 4 || x.shape[3] !== C)
      throw new ShapeError(`${this.name} input`, `[B, H, W, ${C ?? "C"}]`, x.shape);
    if (this.padding === "valid" && ((x.shape[1] ?? 0) < K || (x.shape[2] ?? 0) < K)) {
      throw new ShapeError(
        `${this.name} input`,
        `[B, H ≥ ${K}, W ≥ ${K}, ${C}] for a valid ${K}×${K} B-conv`,
        x.shape,
      );
    }
  }

  /** Pre-activation responses flattened to [B, H', W', R·C_out], by this layer's impl. */
  private preactivation(x: tf.Tensor4D): tf.Tensor4D {
    this.checkInput(x);
    if (this.impl !== "basis" && this.impl !== "basisDense")
      return conv2dBy(this.impl, x, this.filterBank(), this.padding);
    if (!this.built || !this.coeffRe || !this.basisFilters || !this.mixMaps)
      throw new Error(`${this.name}: preactivation() before build()`);
    return tf.tidy(() =>
      basisFirstResponses(
        x,
        this.basisFilters!,
        this.mixMaps!,
        this.coefficients(),
        this.filters,
        this.padding,
      ),
    );
  }

  /**
   * The real filter bank [K, K, C_in, R·C_out] (channel order: response r, then o) built from the
   * coefficients.
   */
  filterBank(): tf.Tensor4D {
    if (!this.built || !this.coeffRe || !this.expansion)
      throw new Error(`${this.name}: filterBank() before build()`);
    const K = this.kernelSize;
    const R = this.channels.length;
    const C = this.cIn;
    const O = this.filters;
    return tf.tidy(() => {
      const w = this.coeffIm
        ? tf.concat([this.coeffRe!.read(), this.coeffIm.read()], 0)
        : this.coeffRe!.read();
      // [K²·R, C·O] → [K, K, R, C, O] → [K, K, C, R, O]
      const f = tf.matMul(this.expansion!, w).reshape([K, K, R, C, O]);
      return f.transpose([0, 1, 3, 2, 4]).reshape([K, K, C, R * O]) as tf.Tensor4D;
    });
  }

  /** Pre-activation responses [B, H, W, R, C_out] (before squaring; channel r is `channels[r]`). */
  responses(x: tf.Tensor4D): tf.Tensor {
    if (!this.built) tf.tidy(() => void this.apply(x)); // builds the weights for x's channel count
    return tf.tidy(() => {
      const y = this.preactivation(x);
      const [B, H, W] = y.shape;
      return y.reshape([B, H, W, this.channels.length, this.filters]);
    });
  }

  /**
   * Power of each order, |Σ_{c,j} conj(w)(I_c ⋆ ψ_{ν,j})|², as [B, H, W, V, C_out] (V =
   * basis.orders). Each is an invariant field on its own (the phase e^{iνα} cancels order by
   * order), so their equivariance errors can be measured one order at a time; their sum is the
   * "power" output.
   */
  orderPower(x: tf.Tensor4D): tf.Tensor {
    return tf.tidy(() => {
      const sq = tf.square(this.responses(x));
      const [B, H, W] = sq.shape;
      const per = this.basis.orders.map((_, v) => {
        const idx = this.channels.map((c, r) => (c.order === v ? r : -1)).filter((r) => r >= 0);
        const parts = idx.map((r) => tf.slice(sq, [0, 0, 0, r, 0], [B, H, W, 1, this.filters]));
        return parts.length === 1 ? parts[0] : tf.addN(parts);
      });
      return tf.concat(per, 3);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      this.checkInput(x);
      // Σ over (ν, part) of squares, as a matMul with the 0/1 pooling matrix S [V·2·O, O]: its
      // gradient is another matMul, where reshape+sum would backpropagate through a slow Tile on
      // wasm.
      let out: tf.Tensor;
      if (this.impl === "basis" || this.impl === "basisDense") {
        // pooled block by block and added (no concatenation of the responses: see basisFirstBlocks)
        if (!this.basisFilters || !this.mixMaps || !this.blockPools)
          throw new Error(`${this.name}: call() before build()`);
        const { ys, shape } = basisFirstBlocks(
          x,
          this.basisFilters,
          this.mixMaps,
          this.coefficients(),
          this.filters,
          this.padding,
        );
        const pooled = ys.map((y, b) =>
          this.blockPools![b] ? tf.matMul(tf.square(y), this.blockPools![b]!) : tf.square(y),
        );
        out = (pooled.length === 1 ? pooled[0] : tf.addN(pooled)).reshape([...shape, this.filters]);
      } else {
        const y = this.preactivation(x);
        const [B, H, W] = y.shape;
        const sq = tf.square(y).reshape([B * H * W, this.channels.length * this.filters]);
        out = tf.matMul(sq, this.pooling!).reshape([B, H, W, this.filters]);
      }
      // ε keeps the gradient of sqrt finite where all responses vanish (e.g. zero padding).
      if (this.response === "modulus") out = tf.sqrt(tf.add(out, 1e-6));
      if (this.bias) out = tf.add(out, this.bias.read());
      return out;
    });
  }

  /** `apply` for a concrete batch, typed: x [B, H, W, C_in] → [B, H', W', C_out]. */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.apply(x) as tf.Tensor4D;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const k = this.kernelSize - 1;
    const sp = (d: number | null) => (d === null || this.padding === "same" ? d : d - k);
    return [s[0], sp(s[1]), sp(s[2]), this.filters];
  }

  /** Trainable scalars: (M + M′)·C_in·C_out + C_out (M′ = modes with an imaginary coefficient). */
  override countParams(cIn = this.cIn): number {
    return (
      (this.basis.modes.length + this.imagModes.length) * cIn * this.filters +
      (this.useBias ? this.filters : 0)
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    const cfg: tf.serialization.ConfigDict = {
      filters: this.filters,
      kernelSize: this.kernelSize,
      reflectionInvariant: this.reflectionInvariant,
      padding: this.padding,
      impl: this.impl,
      useBias: this.useBias,
    };
    if (this.kMax !== undefined) cfg.kMax = this.kMax;
    if (this.basisPolicy !== "paper") cfg.basis = this.basisPolicy;
    if (this.steerTol !== undefined) cfg.steerTol = this.steerTol;
    if (this.steerSigma !== undefined) cfg.steerSigma = this.steerSigma;
    if (this.zeroOrderImag) cfg.zeroOrderImag = true;
    if (this.oversample !== 1) cfg.oversample = this.oversample;
    if (this.response !== "power") cfg.response = this.response;
    if (this.seed !== undefined) cfg.seed = this.seed;
    return { ...super.getConfig(), ...cfg };
  }

  override dispose(): ReturnType<tf.layers.Layer["dispose"]> {
    const r = super.dispose();
    if (r.refCountAfterDispose === 0) {
      this.expansion?.dispose();
      this.pooling?.dispose();
      tf.dispose([
        ...(this.basisFilters ?? []),
        ...(this.mixMaps ?? []),
        ...(this.blockPools ?? []).filter((t): t is tf.Tensor2D => t !== null),
      ]);
      this.expansion = null;
      this.pooling = null;
      this.basisFilters = null;
      this.mixMaps = null;
      this.blockPools = null;
      this.mixBlocks = null;
    }
    return r;
  }
}
tf.serialization.registerClass(BesselConv2D);

export interface PlainConv2DArgs extends LayerArgs {
  filters: number;
  kernelSize: number;
  padding?: Padding;
  impl?: ConvImpl;
  useBias?: boolean;
  seed?: number;
}

/**
 * An ordinary K×K convolution (weights [K, K, C_in, C_out] + bias) with the same `impl` switch as
 * B-conv, so the CNN baseline and the B-CNN run through the same kernels and compare fairly.
 * He-normal initialisation (std sqrt(2 / (K² C_in))), since it is followed by ReLU.
 */
export class PlainConv2D extends tf.layers.Layer {
  static className = "PlainConv2D";
  readonly filters: number;
  readonly kernelSize: number;
  readonly padding: Padding;
  readonly impl: ConvImpl;
  readonly useBias: boolean;
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  private cIn = 0;

  constructor(args: PlainConv2DArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters < 1)
      domainError("PlainConv2D", "filters", args.filters, "a positive integer");
    if (!Number.isInteger(args.kernelSize) || args.kernelSize < 1 || args.kernelSize % 2 === 0) {
      domainError("PlainConv2D", "kernelSize", args.kernelSize, "an odd positive integer");
    }
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.padding = args.padding ?? "same";
    if (this.padding !== "same" && this.padding !== "valid")
      domainError("PlainConv2D", "padding", this.padding, '"same" or "valid"');
    this.impl = args.impl ?? "conv";
    if (this.impl !== "conv" && this.impl !== "matmul")
      domainError("PlainConv2D", "impl", this.impl, '"conv" or "matmul"');
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
    checkSeed("PlainConv2D", this.seed);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const { C } = check4d(`${this.name} input`, shape);
    this.cIn = C;
    const K = this.kernelSize;
    const stddev = Math.sqrt(2 / (K * K * C));
    this.kernel = this.addWeight(
      "kernel",
      [K, K, C, this.filters],
      "float32",
      tf.initializers.randomNormal({ mean: 0, stddev, seed: tfjsSeed(this.seed, 0) }),
    );
    if (this.useBias)
      this.bias = this.addWeight("bias", [this.filters], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      if (x.rank !== 4 || x.shape[3] !== this.cIn)
        throw new ShapeError(`${this.name} input`, `[B, H, W, ${this.cIn}]`, x.shape);
      const y = conv2dBy(this.impl, x, this.kernel!.read() as tf.Tensor4D, this.padding);
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  /** `apply` for a concrete batch, typed: x [B, H, W, C_in] → [B, H', W', C_out]. */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.apply(x) as tf.Tensor4D;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const k = this.kernelSize - 1;
    const sp = (d: number | null) => (d === null || this.padding === "same" ? d : d - k);
    return [s[0], sp(s[1]), sp(s[2]), this.filters];
  }

  override countParams(cIn = this.cIn): number {
    return (
      this.kernelSize * this.kernelSize * cIn * this.filters + (this.useBias ? this.filters : 0)
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    const cfg: tf.serialization.ConfigDict = {
      filters: this.filters,
      kernelSize: this.kernelSize,
      padding: this.padding,
      impl: this.impl,
      useBias: this.useBias,
    };
    if (this.seed !== undefined) cfg.seed = this.seed;
    return { ...super.getConfig(), ...cfg };
  }
}
tf.serialization.registerClass(PlainConv2D);

export interface C4Conv2DArgs extends PlainConv2DArgs {
  /**
   * First layer: the input is an ordinary image (C channels); otherwise a C4 field of 4·C channels.
   */
  lifting: boolean;
}

/** Quarter turn (counter-clockwise as displayed) of the spatial axes of a filter [K, K, C, O]. */
function rot90Filter(w: tf.Tensor4D, k: number): tf.Tensor4D {
  const q = ((k % 4) + 4) % 4;
  if (q === 0) return w;
  if (q === 2) return tf.reverse(w, [0, 1]);
  if (q === 1) return tf.transpose(tf.reverse(w, 1), [1, 0, 2, 3]);
  return tf.reverse(tf.transpose(w, [1, 0, 2, 3]), 1);
}

/**
 * A C4 group convolution (ours; the construction of group-equivariant CNNs for the four quarter
 * turns). Weights W [K, K, C_in′, F] (+ bias [F]); the output has 4F channels, orientation-major
 * (channel r·F + f). Output orientation r uses W turned by r quarter turns and, for a group layer
 * (input 4C channels, orientation-major too), the input orientations cycled by r. So turning the
 * input image by 90° turns every field and cycles its orientation blocks: pooling over the blocks
 * at the end gives logits exactly invariant under quarter turns (tested), and nothing more.
 */
export class C4Conv2D extends tf.layers.Layer {
  static className = "C4Conv2D";
  readonly filters: number;
  readonly kernelSize: number;
  readonly lifting: boolean;
  readonly padding: Padding;
  readonly impl: ConvImpl;
  readonly useBias: boolean;
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  private cIn = 0;

  constructor(args: C4Conv2DArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters < 1)
      domainError("C4Conv2D", "filters", args.filters, "a positive integer");
    if (!Number.isInteger(args.kernelSize) || args.kernelSize < 1 || args.kernelSize % 2 === 0) {
      domainError("C4Conv2D", "kernelSize", args.kernelSize, "an odd positive integer");
    }
    this.padding = args.padding ?? "same";
    if (this.padding !== "same" && this.padding !== "valid")
      domainError("C4Conv2D", "padding", this.padding, '"same" or "valid"');
    if (typeof args.lifting !== "boolean")
      domainError("C4Conv2D", "lifting", args.lifting, "true or false");
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.lifting = args.lifting;
    this.impl = args.impl ?? "conv";
    if (this.impl !== "conv" && this.impl !== "matmul")
      domainError("C4Conv2D", "impl", this.impl, '"conv" or "matmul"');
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
    checkSeed("C4Conv2D", this.seed);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const { C } = check4d(`${this.name} input`, shape);
    if (!this.lifting && C % 4 !== 0)
      throw new ShapeError(
        `${this.name} input`,
        "[B, H, W, 4·C] (a C4 field)",
        shape.map((d) => (d === null ? -1 : d)),
      );
    this.cIn = C;
    const K = this.kernelSize;
    const stddev = Math.sqrt(2 / (K * K * C));
    this.kernel = this.addWeight(
      "kernel",
      [K, K, C, this.filters],
      "float32",
      tf.initializers.randomNormal({ mean: 0, stddev, seed: tfjsSeed(this.seed, 0) }),
    );
    if (this.useBias)
      this.bias = this.addWeight("bias", [this.filters], "float32", tf.initializers.zeros());
    this.built = true;
  }

  /**
   * The filter bank [K, K, C_in′, 4F]: block r is W turned r times, input orientations cycled by r.
   */
  filterBank(): tf.Tensor4D {
    if (!this.built || !this.kernel) throw new Error(`${this.name}: filterBank() before build()`);
    return tf.tidy(() => {
      const W = this.kernel!.read() as tf.Tensor4D;
      const K = this.kernelSize;
      const Cg = this.cIn / 4;
      const blocks = [0, 1, 2, 3].map((r) => {
        let w = rot90Filter(W, r);
        if (!this.lifting && r > 0) {
          // input orientation s of block r reads W's orientation (s − r) mod 4
          const parts = [0, 1, 2, 3].map((sIn) =>
            tf.slice(w, [0, 0, ((((sIn - r) % 4) + 4) % 4) * Cg, 0], [K, K, Cg, this.filters]),
          );
          w = tf.concat(parts, 2) as tf.Tensor4D;
        }
        return w;
      });
      return tf.concat(blocks, 3) as tf.Tensor4D;
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      if (x.rank !== 4 || x.shape[3] !== this.cIn)
        throw new ShapeError(`${this.name} input`, `[B, H, W, ${this.cIn}]`, x.shape);
      const y = conv2dBy(this.impl, x, this.filterBank(), this.padding);
      return this.bias ? tf.add(y, tf.tile(this.bias.read(), [4])) : y;
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const k = this.kernelSize - 1;
    const sp = (d: number | null) => (d === null || this.padding === "same" ? d : d - k);
    return [s[0], sp(s[1]), sp(s[2]), 4 * this.filters];
  }

  /** Trainable scalars: K²·C_in′·F + F (C_in′ = C for lifting, 4C for a group layer). */
  override countParams(cIn = this.cIn): number {
    return (
      this.kernelSize * this.kernelSize * cIn * this.filters + (this.useBias ? this.filters : 0)
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    const cfg: tf.serialization.ConfigDict = {
      filters: this.filters,
      kernelSize: this.kernelSize,
      lifting: this.lifting,
      padding: this.padding,
      impl: this.impl,
      useBias: this.useBias,
    };
    if (this.seed !== undefined) cfg.seed = this.seed;
    return { ...super.getConfig(), ...cfg };
  }
}
tf.serialization.registerClass(C4Conv2D);

export interface ChannelNormArgs extends LayerArgs {
  /** Moving-average momentum of the inference statistics (default 0.9). */
  momentum?: number;
  epsilon?: number;
}

/**
 * Batch normalisation over all axes but the last (per channel), same maths as
 * tf.layers.batchNormalization: y = γ (x − μ)/sqrt(σ² + ε) + β with batch statistics in training
 * and moving averages at inference. Per-channel and per-pixel, so it commutes with rotations of
 * the field. Why a separate layer: the batch statistics are computed as matMuls with a ones
 * vector, whose gradients are matMuls too; the stock layer's gradient broadcasts through Tile,
 * which on tfjs-backend-wasm took longer than the convolutions of the notebook-05 networks.
 */
export class ChannelNorm extends tf.layers.Layer {
  static className = "ChannelNorm";
  /**
   * Weight of the old moving statistics per training call; calibrateNorms() varies it temporarily.
   */
  momentum: number;
  readonly epsilon: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;
  private movingMean: tf.LayerVariable | null = null;
  private movingVar: tf.LayerVariable | null = null;

  constructor(args: ChannelNormArgs = {}) {
    super(args);
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum < 1))
      domainError("ChannelNorm", "momentum", this.momentum, "a number in [0, 1)");
    if (!(this.epsilon > 0)) domainError("ChannelNorm", "epsilon", this.epsilon, "> 0");
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const C = shape[shape.length - 1];
    if (C === null || C === undefined)
      throw new ShapeError(`${this.name} input`, "a known channel count", "channels = null");
    this.gamma = this.addWeight("gamma", [C], "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", [C], "float32", tf.initializers.zeros());
    this.movingMean = this.addWeight(
      "moving_mean",
      [C],
      "float32",
      tf.initializers.zeros(),
      undefined,
      false,
    );
    this.movingVar = this.addWeight(
      "moving_variance",
      [C],
      "float32",
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = kwargs?.training === true;
    const C = x.shape[x.rank - 1];
    return tf.tidy(() => {
      let mean: tf.Tensor, variance: tf.Tensor;
      const x2 = x.reshape([-1, C]);
      if (training) {
        const n = x2.shape[0];
        const avg = tf.fill([1, n], 1 / n);
        mean = tf.matMul(avg, x2); // [1, C]
        const xc = tf.sub(x2, mean);
        variance = tf.matMul(avg, tf.square(xc));
        // Moving statistics (unbiased variance, as Keras); variable writes are not on the gradient
        // tape.
        const m = this.momentum;
        const unbias = n > 1 ? n / (n - 1) : 1;
        const newMean = tf.add(
          tf.mul(this.movingMean!.read(), m),
          tf.mul(mean.reshape([C]), 1 - m),
        );
        const newVar = tf.add(
          tf.mul(this.movingVar!.read(), m),
          tf.mul(variance.reshape([C]), (1 - m) * unbias),
        );
        this.movingMean!.write(newMean);
        this.movingVar!.write(newVar);
      } else {
        mean = this.movingMean!.read().reshape([1, C]);
        variance = this.movingVar!.read().reshape([1, C]);
      }
      const scale = tf.mul(
        tf.rsqrt(tf.add(variance, this.epsilon)),
        this.gamma!.read().reshape([1, C]),
      );
      const y = tf.add(tf.mul(tf.sub(x2, mean), scale), this.beta!.read().reshape([1, C]));
      return y.reshape(x.shape);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(ChannelNorm);
