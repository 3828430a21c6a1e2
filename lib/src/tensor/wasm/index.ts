/**
 * Kernels that let ordinary tfjs code train on the wasm backend (tfjs-backend-wasm 4.22).
 *
 * Added (missing in 4.22, so training threw "Kernel … not registered for backend 'wasm'"):
 *   Conv2DBackpropFilter  — gradient of conv2d w.r.t. the filter (im2col + XNNPACK matmul)
 *   UnsortedSegmentSum    — gradient of tf.gather; message aggregation (JS pass over the heap)
 *   Einsum                — forward only, 1–2 operands (transposes + one batched matmul)
 * Replaced (registered but slow scalar loops in 4.22):
 *   Conv2DBackpropInput   — stride 1: one XNNPACK conv with the flipped filter; else col2im
 *   BatchMatMul           — transposeA/transposeB: explicit transpose, then the XNNPACK path
 *   GatherV2              — row copies over the heap (stock: generic C++ loop, ~100× slower)
 *   LogicalAnd/Or         — broadcasting case in JS (used by the segment-sum gradient)
 *   Equal                 — broadcasting case in JS (tfjs-core's Max/Min gradient: every logSumExp)
 *   MaxPoolGrad           — finds the forward output's value in each window (stock: ~200× the
 *                           forward)
 *   Identity, Transpose   — identity permutations share the input's buffer instead of copying it
 * Gradient (wasm only; other backends keep tfjs-core's):
 *   UnsortedSegmentSum    — dx = one row gather that zeroes negative ids (tfjs-core: seven ops and
 *                           an [E, …] boolean mask), via the added kernel
 *                           BesselbookGatherDropNegatives
 * Limits (throw a BesselbookError naming the limit): NHWC only, dilation 1 (tfjs-core's conv2d
 * gradient rejects dilation > 1 on every backend anyway), float32 convolutions.
 */
import * as tf from "../../tf";
import { BesselbookError } from "../../errors";
import { backpropFilterVariant, conv2DBackpropFilter, conv2DBackpropInput } from "./conv";
import { einsumKernel } from "./einsum";
import { makeEqual, makeGatherV2, makeLogicalAnd, makeLogicalOr } from "./gather";
import { makeBatchMatMul } from "./matmul";
import { maxPoolGrad } from "./pool";
import {
  GATHER_DROP_NEGATIVES,
  gatherDropNegatives,
  segmentGradOptions,
  segmentSumOptions,
  unsortedSegmentSum,
} from "./segment";
import { makeIdentity, makeTranspose, shareOptions } from "./share";
import { heapCopyOptions } from "./util";

export { planEinsum, runEinsum } from "./einsum";
export type { EinsumPlan, EinsumAlgebra } from "./einsum";

type AnyKernelFunc = tf.KernelFunc;
// A global symbol (not a module-local WeakSet) so that two loaded copies of besselbook still
// recognise each other's kernels and never wrap a wrapper.
const TAG = Symbol.for("besselbook.wasmKernel");
const ours = {
  has: (f: unknown): boolean =>
    typeof f === "function" && (f as unknown as Record<symbol, unknown>)[TAG] === true,
  add: (f: unknown): void => {
    (f as Record<symbol, unknown>)[TAG] = true;
  },
};

function register(
  kernelName: string,
  kernelFunc: unknown,
  setupFunc?: tf.KernelConfig["setupFunc"],
): void {
  ours.add(kernelFunc);
  tf.registerKernel({
    kernelName,
    backendName: "wasm",
    kernelFunc: kernelFunc as AnyKernelFunc,
    setupFunc,
  });
}

const stockKernels = new Map<string, AnyKernelFunc>();

/** The stock tfjs-backend-wasm kernel that besselbook replaced (for benchmarks), if any. */
export function stockWasmKernel(kernelName: string): AnyKernelFunc | undefined {
  return stockKernels.get(kernelName);
}

/**
 * Replace a stock wasm kernel, keeping its setupFunc so a re-created backend still initialises it.
 */
function replace(kernelName: string, build: (stock: AnyKernelFunc) => unknown): boolean {
  const stock = tf.getKernel(kernelName, "wasm");
  if (!stock)
    throw new BesselbookError(
      `registerWasmKernels: stock wasm kernel ${kernelName} not found; import @tensorflow/tfjs-backend-wasm first`,
    );
  if (ours.has(stock.kernelFunc)) return false;
  stockKernels.set(kernelName, stock.kernelFunc);
  tf.unregisterKernel(kernelName, "wasm");
  register(kernelName, build(stock.kernelFunc), stock.setupFunc);
  return true;
}

function add(kernelName: string, kernelFunc: unknown): boolean {
  const existing = tf.getKernel(kernelName, "wasm");
  if (existing) return false; // ours from an earlier call, or a future tfjs that ships it
  register(kernelName, kernelFunc);
  return true;
}

/** Names of the wasm kernels besselbook provides (added or replaced). */
export const WASM_KERNELS = [
  "Conv2DBackpropFilter",
  "Conv2DBackpropInput",
  "BatchMatMul",
  "UnsortedSegmentSum",
  "Einsum",
  "GatherV2",
  "LogicalAnd",
  "LogicalOr",
  "Equal",
  "MaxPoolGrad",
  "Identity",
  "Transpose",
  "BesselbookGatherDropNegatives",
] as const;

/** Switches between kernel forms, for the bench's before/after and the tests. */
export interface WasmKernelOptions {
  /** Conv2DBackpropFilter form (see conv.ts backpropFilterVariant). */
  dw: "auto" | "im2col" | "conv" | "colsT" | "cols";
  /** Identity / identity Transpose share the input's buffer (share.ts). */
  share: boolean;
  /** UnsortedSegmentSum gradient as one fused gather (segment.ts). */
  segmentGrad: boolean;
  /**
   * Byte-identical JS loop speed-ups: UnsortedSegmentSum's row add unrolled by 4 (same order;
   * segment.ts) and gather row copies by copyWithin on the heap (util.ts heapCopier).
   */
  fastLoops: boolean;
}

/** The kernels as they were before session 3 (bench "before" engine). */
export const KERNELS_BEFORE: Readonly<WasmKernelOptions> = {
  dw: "im2col",
  share: false,
  segmentGrad: false,
  fastLoops: false,
};
/** The defaults. */
export const KERNELS_NOW: Readonly<WasmKernelOptions> = {
  dw: "auto",
  share: true,
  segmentGrad: true,
  fastLoops: true,
};

/** Set some options; returns the previous ones (pass them back to restore). */
export function wasmKernelOptions(next: Partial<WasmKernelOptions> = {}): WasmKernelOptions {
  const prev: WasmKernelOptions = {
    dw: backpropFilterVariant.layout,
    share: shareOptions.on,
    segmentGrad: segmentGradOptions.on,
    fastLoops: segmentSumOptions.unroll,
  };
  if (next.dw !== undefined) backpropFilterVariant.layout = next.dw;
  if (next.share !== undefined) shareOptions.on = next.share;
  if (next.segmentGrad !== undefined) segmentGradOptions.on = next.segmentGrad;
  if (next.fastLoops !== undefined) segmentSumOptions.unroll = heapCopyOptions.on = next.fastLoops;
  return prev;
}

let segmentGradInstalled = false;

/**
 * Route UnsortedSegmentSum's gradient through BesselbookGatherDropNegatives on wasm; every other
 * backend (and the bench's "before" switch) keeps tfjs-core's own gradient function.
 */
function installSegmentSumGradient(): void {
  if (segmentGradInstalled) return;
  const core = tf.getGradient("UnsortedSegmentSum");
  if (!core) return;
  segmentGradInstalled = true;
  tf.registerGradient({
    kernelName: "UnsortedSegmentSum",
    inputsToSave: core.inputsToSave,
    outputsToSave: core.outputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const fused =
        segmentGradOptions.on &&
        tf.getBackend() === "wasm" &&
        !Array.isArray(dy) &&
        saved[0].dtype === "int32";
      if (!fused) return core.gradFunc(dy, saved, attrs);
      const ids = saved[0];
      return {
        x: () =>
          tf
            .engine()
            .runKernel(
              GATHER_DROP_NEGATIVES,
              { x: dy as tf.Tensor, indices: ids },
              {},
            ) as tf.Tensor,
      };
    },
  });
  // Its own gradient (second order): the segment sum of the upstream gradient over the same ids.
  tf.registerGradient({
    kernelName: GATHER_DROP_NEGATIVES,
    inputsToSave: ["x", "indices"],
    gradFunc: (dy, saved) => {
      const [x, ids] = saved;
      return { x: () => tf.unsortedSegmentSum(dy as tf.Tensor, ids as tf.Tensor1D, x.shape[0]) };
    },
  });
}

/**
 * Register besselbook's kernels for tfjs-backend-wasm. Idempotent: a second call changes nothing.
 * Returns the kernel names that are now served by besselbook (the same list on every call).
 * Needs `@tensorflow/tfjs-backend-wasm` to be imported (its stock kernels are wrapped).
 */
export function registerWasmKernels(): string[] {
  if (!tf.getKernel("BatchMatMul", "wasm")) {
    throw new BesselbookError(
      "registerWasmKernels: @tensorflow/tfjs-backend-wasm is not loaded; import it before registering kernels",
    );
  }
  add("Conv2DBackpropFilter", conv2DBackpropFilter);
  add("UnsortedSegmentSum", unsortedSegmentSum);
  add("Einsum", einsumKernel);
  replace("Conv2DBackpropInput", () => conv2DBackpropInput);
  replace("BatchMatMul", (stock) => makeBatchMatMul(stock));
  replace("GatherV2", (stock) => makeGatherV2(stock));
  replace("MaxPoolGrad", () => maxPoolGrad);
  replace("LogicalAnd", (stock) => makeLogicalAnd(stock));
  replace("LogicalOr", (stock) => makeLogicalOr(stock));
  replace("Equal", (stock) => makeEqual(stock));
  replace("Identity", (stock) => makeIdentity(stock));
  replace("Transpose", (stock) => makeTranspose(stock));
  add(GATHER_DROP_NEGATIVES, gatherDropNegatives);
  installSegmentSumGradient();
  return WASM_KERNELS.filter((k) => ours.has(tf.getKernel(k, "wasm")?.kernelFunc));
}
