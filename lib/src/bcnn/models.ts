/**
 * The two classifiers compared in notebook 05: a B-CNN and a parameter-matched plain CNN with the
 * same layout,
 *
 *   [conv(K) → batch norm → ReLU → (2×2 max pool)] × L → global max pool → dense(classes).
 *
 * Why this layout keeps the B-CNN invariant: B-conv outputs rotate with the input (basis.ts); batch
 * norm (inference) and ReLU act per pixel; 2×2 max pooling on an even-sized map commutes with rot90
 * exactly (2×2 blocks map onto blocks) and with other angles approximately; the global max over
 * the field is invariant. So the logits are exactly invariant under 90° rotations of an input with
 * even size at every pooling stage (28 → 14 → 7), and approximately under other angles.
 */
import * as tf from "@tensorflow/tfjs";
import { ShapeError, domainError } from "../errors";
import { basisSize, fourierBesselBasis } from "./basis";
import { BesselConv2D, ChannelNorm, ConvImpl, PlainConv2D } from "./layer";

export interface NetSpec {
  kind: "bcnn" | "cnn";
  /** [H, W, C] of one input image. */
  inputShape: [number, number, number];
  /** Output channels per conv block. */
  widths: number[];
  /** Odd kernel size per conv block. */
  kernelSizes: number[];
  /** 2×2 max pooling after the block (the spatial size must be even there). */
  pool: boolean[];
  classes: number;
  /** B-CNN only: real coefficients (invariant to reflections too). */
  reflectionInvariant?: boolean;
  /** Convolution path for both kinds, see conv2dBy. */
  impl?: ConvImpl;
  /** B-CNN only: basis sampling sub-grid per pixel (see fourierBesselBasis); default 2. */
  oversample?: number;
  /** B-CNN only: "power" Σ|·|² (the paper's layer, default) or "modulus" sqrt(Σ|·|² + ε). */
  response?: "power" | "modulus";
  /**
   * 2×2 pooling between blocks: "max" (default) or "avg". Both commute exactly with quarter turns on
   * even-sized maps; for other angles averaging aliases less than taking maxima.
   */
  poolKind?: "max" | "avg";
  /** Global pooling over the final field: "max" (default) or "mean"; both are rotation invariant. */
  globalPool?: "max" | "mean";
  /** Seed for all initialisers. */
  seed?: number;
}

function validate(spec: NetSpec): void {
  const L = spec.widths.length;
  if (L === 0) domainError("buildNet", "spec.widths", "[]", "at least one conv block");
  if (spec.kernelSizes.length !== L || spec.pool.length !== L) {
    throw new ShapeError("buildNet spec", `kernelSizes and pool of length widths.length = ${L}`, `${spec.kernelSizes.length} and ${spec.pool.length}`);
  }
  if (!Number.isInteger(spec.classes) || spec.classes < 2) domainError("buildNet", "spec.classes", spec.classes, "an integer ≥ 2");
  let [h, w] = spec.inputShape;
  spec.pool.forEach((p, i) => {
    if (p) {
      if (h % 2 || w % 2) throw new ShapeError(`buildNet pool after block ${i + 1}`, "even height and width (keeps rot90 exact)", [h, w]);
      h /= 2;
      w /= 2;
    }
  });
}

/**
 * The layout used by notebook 05 and the benchmark for 28×28 single-channel images:
 * B-conv 5×5 (6) → avg pool → B-conv 5×5 (12) → avg pool → B-conv 5×5 (12) → global mean → dense.
 * Small on purpose: a 5×5 B-conv layer runs 2(ν_max+1) = 14 real convolutions per output channel
 * and the notebook trains eight models in minutes on two CPU cores. Measured choices (glyphs,
 * 1200 upright training images, 3 epochs, test accuracy at 0°/45°):
 *  - 5×5 everywhere, not 3×3 in the later layers: a 3×3 grid cannot resolve orders ν = 2, 3, and the
 *    3×3 variant lost its invariance off the 90° grid (0.71 → 0.30) while 5×5 stayed flat (0.80 → 0.88);
 *  - average pooling between blocks (aliases less than max pooling; on the 3×3 variant it raised the
 *    upright glyph accuracy from 0.55 to 0.71);
 *  - response "modulus": the paper's squared response learned markedly slower in short trainings
 *    (Fashion-MNIST, 64 Adam steps: 20% vs 44% test accuracy); same invariants, so no change in symmetry.
 */
export function defaultBcnnSpec(overrides: Partial<NetSpec> = {}): NetSpec {
  return {
    kind: "bcnn", inputShape: [28, 28, 1], widths: [6, 12, 12], kernelSizes: [5, 5, 5], pool: [true, true, false], classes: 10,
    response: "modulus", poolKind: "avg", globalPool: "mean", seed: 0, ...overrides,
  };
}

/** Multiply–accumulates of the convolutions of one image's forward pass (what 2(ν_max+1) multiplies). */
export function convMacs(spec: NetSpec): number {
  validate(spec);
  let [h, w, cIn] = spec.inputShape;
  let macs = 0;
  spec.widths.forEach((o, i) => {
    const K = spec.kernelSizes[i];
    const outCh = spec.kind === "bcnn" ? 2 * (fourierBesselBasis(K).nuMax + 1) * o : o;
    macs += h * w * K * K * cIn * outCh;
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
  const seed = spec.seed ?? 0;
  const input = tf.input({ shape: spec.inputShape, name: "image" });
  let x: tf.SymbolicTensor = input;
  spec.widths.forEach((filters, i) => {
    const name = `conv${i + 1}`;
    const common = { filters, kernelSize: spec.kernelSizes[i], padding: "same" as const, impl: spec.impl ?? "conv", seed: seed * 1000 + i * 10, name };
    const conv =
      spec.kind === "bcnn"
        ? new BesselConv2D({ ...common, reflectionInvariant: spec.reflectionInvariant ?? false, oversample: spec.oversample ?? 2, response: spec.response ?? "power" })
        : new PlainConv2D(common);
    x = conv.apply(x) as tf.SymbolicTensor;
    x = new ChannelNorm({ name: `bn${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `relu${i + 1}` }).apply(x) as tf.SymbolicTensor;
    if (spec.pool[i]) {
      const args = { poolSize: 2, strides: 2, name: `pool${i + 1}` };
      x = (spec.poolKind === "avg" ? tf.layers.averagePooling2d(args) : tf.layers.maxPooling2d(args)).apply(x) as tf.SymbolicTensor;
    }
  });
  x = (spec.globalPool === "mean" ? tf.layers.globalAveragePooling2d({ name: "gpool" }) : tf.layers.globalMaxPooling2d({ name: "gpool" })).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: spec.classes, name: "logits", kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 1000 + 999 }) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: spec.kind });
}

/** Trainable scalars of a model (batch-norm moving statistics excluded). */
export function trainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + (w.shape as (number | null)[]).reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Trainable parameter count of `spec` without building it (conv + bias + BN γ,β + dense). */
export function countParams(spec: NetSpec): number {
  validate(spec);
  let cIn = spec.inputShape[2];
  let n = 0;
  spec.widths.forEach((o, i) => {
    const K = spec.kernelSizes[i];
    const perPair = spec.kind === "bcnn" ? basisSize(K) * (spec.reflectionInvariant ? 1 : 2) : K * K;
    n += perPair * cIn * o + o + 2 * o;
    cIn = o;
  });
  return n + cIn * spec.classes + spec.classes;
}

/**
 * Widths for a plain CNN with the layout of `bcnn` whose trainable-parameter count is closest to the
 * B-CNN's: each width is round(s · w) for one common scale s, searched on a fine grid.
 */
export function matchedCnnSpec(bcnn: NetSpec): NetSpec {
  if (bcnn.kind !== "bcnn") domainError("matchedCnnSpec", "bcnn.kind", bcnn.kind, '"bcnn"');
  const target = countParams(bcnn);
  let best: NetSpec | null = null;
  let bestGap = Infinity;
  for (let s = 0.3; s <= 3; s += 0.005) {
    const widths = bcnn.widths.map((w) => Math.max(1, Math.round(s * w)));
    const cand: NetSpec = { ...bcnn, kind: "cnn", widths };
    delete cand.reflectionInvariant;
    delete cand.oversample;
    delete cand.response;
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
