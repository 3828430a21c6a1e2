/**
 * The classifiers compared in notebook 05: a B-CNN, a parameter-matched plain CNN and a
 * parameter-matched C4 group CNN (rot90 weight sharing), all with the same layout,
 *
 *   [conv(K) → batch norm → ReLU → (2×2 pool)] × L → global pool → dense(classes),
 *
 * with the defaults of `defaultBcnnSpec` (average pooling between blocks, global mean, B-conv
 * response "modulus", basis sampled on a 2×2 sub-grid); buildNet fills any field a spec leaves out
 * from the same defaults (one source of truth: NET_DEFAULTS).
 *
 * Why the B-CNN is invariant: B-conv outputs rotate with the input (basis.ts); batch norm
 * (inference) and ReLU act per pixel; 2×2 pooling on an even-sized map commutes with rot90
 * exactly (2×2 blocks map onto blocks) and with other angles approximately; the global pool over
 * the field is invariant. So the logits are exactly invariant under 90° rotations of an input with
 * even size at every pooling stage (28 → 14 → 7), and approximately under other angles.
 *
 * The C4 CNN (ours, in the spirit of group-equivariant CNNs): each layer holds F filters and uses
 * them in 4 rotated copies; a group layer also shifts the orientation axis of its input, so the
 * field is equivariant to quarter turns (rotate + cycle orientations); batch norm shares its
 * statistics across orientations, and the head pools over orientations (max) after the global pool.
 */
import * as tf from "../tf-layers";
import { ShapeError, domainError } from "../errors";
import { BesselConv2D, C4Conv2D, ChannelNorm, ConvImpl, PlainConv2D } from "./layer";
import { BasisPolicy } from "./steer";

export interface NetSpec {
  kind: "bcnn" | "cnn" | "c4";
  /** [H, W, C] of one input image. */
  inputShape: [number, number, number];
  /** Output channels per conv block. */
  widths: number[];
  /** Odd kernel size per conv block. */
  kernelSizes: number[];
  /**
   * 2×2 pooling after the block, average or max by `poolKind` (the spatial size must be even
   * there).
   */
  pool: boolean[];
  classes: number;
  /** B-CNN only: real coefficients (invariant to reflections too). */
  reflectionInvariant?: boolean;
  /**
   * Convolution path, see conv2dBy: every conv layer of a CNN / C4 CNN, and the filter-bank
   * B-conv (`bconv` "bank"). The factorised B-conv paths (`bconv` "basis"/"basisDense") always
   * convolve by tf.conv2d, so with them only undefined or "conv" is accepted.
   */
  impl?: ConvImpl;
  /**
   * B-CNN only: "bank" (default) builds each B-conv's filter bank and convolves by `impl`;
   * "basis" uses the factorised basis-first path mixed order by order (layer.ts, impl "basis"),
   * "basisDense" the same with one dense mixing matrix: same parameters, initialisation and
   * outputs to float32 summation order, fewer MACs.
   */
  bconv?: "bank" | "basis" | "basisDense";
  /** B-CNN only: basis sampling sub-grid per pixel (see fourierBesselBasis); default 2. */
  oversample?: number;
  /**
   * B-CNN only: "modulus" sqrt(Σ|·|² + ε) (default) or "power" Σ|·|² (the squared response; we
   * could not read the paper's layer equation).
   */
  response?: "power" | "modulus";
  /** B-CNN only: which modes each layer keeps (steer.ts policyModes); default "paper". */
  basis?: BasisPolicy;
  /** B-CNN only, basis "steerable": per-mode steering-error tolerance (default 0.1). */
  steerTol?: number;
  /**
   * B-CNN only, basis "steerable": width σ (px) of the Gaussian bumps the policy measures steering
   * on (policyModes' `sigma`, default 1). Notebook 05 sets it to its glyph prefilter's σ.
   */
  steerSigma?: number;
  /**
   * 2×2 pooling between blocks: "avg" (default) or "max". Both commute exactly with quarter turns
   * on even-sized maps; for other angles averaging aliases less than taking maxima.
   */
  poolKind?: "max" | "avg";
  /**
   * Global pooling over the final field: "mean" (default) or "max"; both are rotation invariant.
   */
  globalPool?: "max" | "mean";
  /** Seed for all initialisers. */
  seed?: number;
}

/**
 * Defaults of every optional NetSpec field (buildNet, countParams, convMacs and defaultBcnnSpec use
 * these).
 */
export const NET_DEFAULTS = Object.freeze({
  response: "modulus" as const,
  poolKind: "avg" as const,
  globalPool: "mean" as const,
  oversample: 2,
  basis: "paper" as BasisPolicy,
  impl: "conv" as ConvImpl,
  reflectionInvariant: false,
  seed: 0,
});

function validate(spec: NetSpec): void {
  if (spec.kind !== "bcnn" && spec.kind !== "cnn" && spec.kind !== "c4")
    domainError("buildNet", "spec.kind", spec.kind, '"bcnn", "cnn" or "c4"');
  const L = spec.widths.length;
  if (L === 0) domainError("buildNet", "spec.widths", "[]", "at least one conv block");
  if (spec.kernelSizes.length !== L || spec.pool.length !== L) {
    throw new ShapeError(
      "buildNet spec",
      `kernelSizes and pool of length widths.length = ${L}`,
      `${spec.kernelSizes.length} and ${spec.pool.length}`,
    );
  }
  if (!Number.isInteger(spec.classes) || spec.classes < 2)
    domainError("buildNet", "spec.classes", spec.classes, "an integer ≥ 2");
  spec.widths.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1)
      domainError("buildNet", `spec.widths[${i}]`, w, "a positive integer");
  });
  // review s5-14 finding 5: a bad impl was silently ignored when bconv chose a factorised path
  if (spec.impl !== undefined && spec.impl !== "conv" && spec.impl !== "matmul")
    domainError("buildNet", "spec.impl", spec.impl, '"conv", "matmul" or undefined');
  if (
    (spec.bconv === "basis" || spec.bconv === "basisDense") &&
    spec.impl !== undefined &&
    spec.impl !== "conv"
  ) {
    domainError(
      "buildNet",
      "spec.impl",
      spec.impl,
      `undefined or "conv" with spec.bconv "${spec.bconv}" (the factorised B-conv convolves by tf.conv2d)`,
    );
  }
  if (spec.bconv !== undefined && !["bank", "basis", "basisDense"].includes(spec.bconv))
    domainError("buildNet", "spec.bconv", spec.bconv, '"bank", "basis" or "basisDense"');
  if ((spec.bconv === "basis" || spec.bconv === "basisDense") && spec.kind !== "bcnn")
    domainError(
      "buildNet",
      "spec.bconv",
      spec.bconv,
      `undefined or "bank" for kind "${spec.kind}" (B-CNN only)`,
    );
  if (spec.poolKind !== undefined && spec.poolKind !== "avg" && spec.poolKind !== "max")
    domainError("buildNet", "spec.poolKind", spec.poolKind, '"avg" or "max"');
  if (spec.globalPool !== undefined && spec.globalPool !== "mean" && spec.globalPool !== "max")
    domainError("buildNet", "spec.globalPool", spec.globalPool, '"mean" or "max"');
  let [h, w] = spec.inputShape;
  spec.pool.forEach((p, i) => {
    if (p) {
      if (h % 2 || w % 2)
        throw new ShapeError(
          `buildNet pool after block ${i + 1}`,
          "even height and width (keeps rot90 exact)",
          [h, w],
        );
      h /= 2;
      w /= 2;
    }
  });
}

/**
 * The layout used by notebook 05 and the benchmark for 28×28 single-channel images:
 * B-conv 5×5 (6) → avg pool → B-conv 5×5 (12) → avg pool → B-conv 5×5 (12) → global mean → dense.
 * Small on purpose: a 5×5 B-conv layer with the paper's basis runs 13 real convolutions per output
 * channel (2 per order ν = 1…6, one for ν = 0)
 * and the notebook trains eight models in minutes on two CPU cores. Measured choices (glyphs,
 * 1200 upright training images, 3 epochs, test accuracy at 0°/45°):
 * - 5×5 everywhere, not 3×3 in the later layers: a 3×3 grid cannot resolve orders ν = 2, 3, and
 *    the 3×3 variant lost its invariance off the 90° grid (0.71 → 0.30) while 5×5 stayed flat
 *    (0.80 → 0.88);
 * - average pooling between blocks (aliases less than max pooling; on the 3×3 variant it raised the
 *    upright glyph accuracy from 0.55 to 0.71);
 *  - response "modulus": the squared response ("power") learned markedly slower in short
 *    trainings (Fashion-MNIST, 64 Adam steps: 20% vs 44% test accuracy); same invariants, so no
 *    change in symmetry.
 */
export function defaultBcnnSpec(overrides: Partial<NetSpec> = {}): NetSpec {
  return {
    kind: "bcnn",
    inputShape: [28, 28, 1],
    widths: [6, 12, 12],
    kernelSizes: [5, 5, 5],
    pool: [true, true, false],
    classes: 10,
    response: NET_DEFAULTS.response,
    poolKind: NET_DEFAULTS.poolKind,
    globalPool: NET_DEFAULTS.globalPool,
    oversample: NET_DEFAULTS.oversample,
    basis: NET_DEFAULTS.basis,
    seed: 0,
    ...overrides,
  };
}

/** The conv layer of block i of `spec` (not built), with every default filled in. */
function convLayer(spec: NetSpec, i: number, name?: string): BesselConv2D | PlainConv2D | C4Conv2D {
  const seed = spec.seed ?? NET_DEFAULTS.seed;
  const common = {
    filters: spec.widths[i],
    kernelSize: spec.kernelSizes[i],
    padding: "same" as const,
    impl: spec.impl ?? NET_DEFAULTS.impl,
    seed: seed * 1000 + i * 10,
    ...(name === undefined ? {} : { name }),
  };
  if (spec.kind === "cnn") return new PlainConv2D(common);
  if (spec.kind === "c4") return new C4Conv2D({ ...common, lifting: i === 0 });
  return new BesselConv2D({
    ...common,
    ...(spec.bconv === "basis" || spec.bconv === "basisDense" ? { impl: spec.bconv } : {}),
    reflectionInvariant: spec.reflectionInvariant ?? NET_DEFAULTS.reflectionInvariant,
    oversample: spec.oversample ?? NET_DEFAULTS.oversample,
    response: spec.response ?? NET_DEFAULTS.response,
    basis: spec.basis ?? NET_DEFAULTS.basis,
    ...(spec.steerTol === undefined ? {} : { steerTol: spec.steerTol }),
    ...(spec.steerSigma === undefined ? {} : { steerSigma: spec.steerSigma }),
  });
}

/**
 * Real convolution output channels per output channel of block i (R for B-conv, 4 for C4, 1 for
 * plain).
 */
function convChannelsPer(layer: BesselConv2D | PlainConv2D | C4Conv2D): number {
  if (layer instanceof BesselConv2D) return layer.channels.length;
  if (layer instanceof C4Conv2D) return 4;
  return 1;
}

/**
 * Multiply–accumulates of the convolutions of one image's forward pass (what the kept orders
 * multiply).
 */
export function convMacs(spec: NetSpec): number {
  validate(spec);
  let [h, w, cIn] = spec.inputShape;
  let macs = 0;
  spec.widths.forEach((o, i) => {
    const K = spec.kernelSizes[i];
    const layer = convLayer(spec, i);
    const inCh = spec.kind === "c4" && i > 0 ? 4 * cIn : cIn;
    if (layer instanceof BesselConv2D && (spec.bconv === "basis" || spec.bconv === "basisDense")) {
      // factorised: every input channel ⋆ N basis images, then per mixing block b a
      // [C·N_b] × [C·N_b, R_b·O] mix per pixel (one block per order, or one dense block)
      const { images, blocks } = layer.basisLayout(spec.bconv);
      const mix = blocks.reduce((s, b) => s + b.images * b.responses, 0);
      macs += h * w * (K * K * inCh * images.length + inCh * mix * o);
    } else {
      macs += h * w * K * K * inCh * convChannelsPer(layer) * o;
    }
    cIn = o;
    if (spec.pool[i]) {
      h /= 2;
      w /= 2;
    }
  });
  return macs;
}

/** Build the classifier described by `spec` (functional tf.LayersModel, inputs [B, H, W, C]). */
export function buildNet(spec: NetSpec): tf.LayersModel {
  validate(spec);
  const seed = spec.seed ?? NET_DEFAULTS.seed;
  // layer seeds are seed·1000 + 10·i: a non-integer seed (2.5 → 2500) would pass them silently
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 30)
    domainError("buildNet", "spec.seed", seed, "an integer in [0, 2^30]");
  const input = tf.input({ shape: spec.inputShape, name: "image" });
  let x: tf.SymbolicTensor = input;
  let [h, w] = spec.inputShape;
  spec.widths.forEach((filters, i) => {
    x = convLayer(spec, i, `conv${i + 1}`).apply(x) as tf.SymbolicTensor;
    if (spec.kind === "c4") {
      // Shared statistics across the 4 orientations: [H, W, 4F] → [H, 4W, F] (orientation-major
      // channels r·F + f become 4 neighbouring columns), normalise per f, and back.
      x = tf.layers
        .reshape({ targetShape: [h, 4 * w, filters], name: `c4split${i + 1}` })
        .apply(x) as tf.SymbolicTensor;
      x = new ChannelNorm({ name: `bn${i + 1}` }).apply(x) as tf.SymbolicTensor;
      x = tf.layers
        .reshape({ targetShape: [h, w, 4 * filters], name: `c4merge${i + 1}` })
        .apply(x) as tf.SymbolicTensor;
    } else {
      x = new ChannelNorm({ name: `bn${i + 1}` }).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.reLU({ name: `relu${i + 1}` }).apply(x) as tf.SymbolicTensor;
    if (spec.pool[i]) {
      const args = { poolSize: 2, strides: 2, name: `pool${i + 1}` };
      const kind = spec.poolKind ?? NET_DEFAULTS.poolKind;
      x = (kind === "avg" ? tf.layers.averagePooling2d(args) : tf.layers.maxPooling2d(args)).apply(
        x,
      ) as tf.SymbolicTensor;
      h /= 2;
      w /= 2;
    }
  });
  const gp = spec.globalPool ?? NET_DEFAULTS.globalPool;
  x = (
    gp === "mean"
      ? tf.layers.globalAveragePooling2d({ name: "gpool" })
      : tf.layers.globalMaxPooling2d({ name: "gpool" })
  ).apply(x) as tf.SymbolicTensor;
  if (spec.kind === "c4") {
    // [4F] → [4, F] → max over the 4 orientations: invariant to their cyclic shift.
    const F = spec.widths[spec.widths.length - 1];
    x = tf.layers
      .reshape({ targetShape: [4, F], name: "orientations" })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.globalMaxPooling1d({ name: "opool" }).apply(x) as tf.SymbolicTensor;
  }
  const logits = tf.layers
    .dense({
      units: spec.classes,
      name: "logits",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 1000 + 999 }),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: spec.kind });
}

/** Trainable scalars of a model (batch-norm moving statistics excluded). */
export function trainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce(
    (s, w) => s + (w.shape as (number | null)[]).reduce((a: number, b) => a * (b ?? 1), 1),
    0,
  );
}

/** Trainable parameter count of `spec` without building it (conv + bias + BN γ,β + dense). */
export function countParams(spec: NetSpec): number {
  validate(spec);
  let cIn = spec.inputShape[2];
  let n = 0;
  spec.widths.forEach((o, i) => {
    const inCh = spec.kind === "c4" && i > 0 ? 4 * cIn : cIn;
    n += convLayer(spec, i).countParams(inCh) + 2 * o; // conv (+ bias) and batch-norm γ, β
    cIn = o;
  });
  return n + cIn * spec.classes + spec.classes;
}

/**
 * Widths for a plain CNN with the layout of `bcnn` whose trainable-parameter count is closest to
 * the B-CNN's: each width is round(s · w) for one common scale s, searched on a fine grid.
 */
export function matchedCnnSpec(bcnn: NetSpec, kind: "cnn" | "c4" = "cnn"): NetSpec {
  if (bcnn.kind !== "bcnn") domainError("matchedCnnSpec", "bcnn.kind", bcnn.kind, '"bcnn"');
  if (kind !== "cnn" && kind !== "c4") domainError("matchedCnnSpec", "kind", kind, '"cnn" or "c4"');
  const target = countParams(bcnn);
  let best: NetSpec | null = null;
  let bestGap = Infinity;
  for (let s = 0.3; s <= 3; s += 0.005) {
    const widths = bcnn.widths.map((w) => Math.max(1, Math.round(s * w)));
    const cand: NetSpec = { ...bcnn, kind, widths };
    delete cand.reflectionInvariant;
    delete cand.oversample;
    delete cand.response;
    delete cand.basis;
    delete cand.steerTol;
    delete cand.steerSigma;
    const gap = Math.abs(countParams(cand) - target);
    if (gap < bestGap) {
      bestGap = gap;
      best = cand;
    }
  }
  return best!;
}

/**
 * A model that maps the input to the output of layer `layerName` (e.g. "relu1" for the first
 * feature field), sharing weights with `model`.
 */
export function featureModel(model: tf.LayersModel, layerName: string): tf.LayersModel {
  const layer = model.getLayer(layerName);
  return tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
}
