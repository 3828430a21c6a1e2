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
 *   MaxPoolGrad           — finds the forward output's value in each window (stock: ~200× the forward)
 * Limits (throw a BesselbookError naming the limit): NHWC only, dilation 1 (tfjs-core's conv2d
 * gradient rejects dilation > 1 on every backend anyway), float32 convolutions.
 */
import * as tf from "@tensorflow/tfjs";
import { BesselbookError } from "../../errors";
import { conv2DBackpropFilter, conv2DBackpropInput } from "./conv";
import { einsumKernel } from "./einsum";
import { makeGatherV2, makeLogicalAnd, makeLogicalOr } from "./gather";
import { makeBatchMatMul } from "./matmul";
import { maxPoolGrad } from "./pool";
import { unsortedSegmentSum } from "./segment";

export { planEinsum, runEinsum } from "./einsum";
export type { EinsumPlan, EinsumAlgebra } from "./einsum";

type AnyKernelFunc = tf.KernelFunc;
// A global symbol (not a module-local WeakSet) so that two loaded copies of besselbook still
// recognise each other's kernels and never wrap a wrapper.
const TAG = Symbol.for("besselbook.wasmKernel");
const ours = {
  has: (f: unknown): boolean => typeof f === "function" && (f as unknown as Record<symbol, unknown>)[TAG] === true,
  add: (f: unknown): void => {
    (f as Record<symbol, unknown>)[TAG] = true;
  },
};

function register(kernelName: string, kernelFunc: unknown, setupFunc?: tf.KernelConfig["setupFunc"]): void {
  ours.add(kernelFunc);
  tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as AnyKernelFunc, setupFunc });
}

const stockKernels = new Map<string, AnyKernelFunc>();

/** The stock tfjs-backend-wasm kernel that besselbook replaced (for benchmarks), if any. */
export function stockWasmKernel(kernelName: string): AnyKernelFunc | undefined {
  return stockKernels.get(kernelName);
}

/** Replace a stock wasm kernel, keeping its setupFunc so a re-created backend still initialises it. */
function replace(kernelName: string, build: (stock: AnyKernelFunc) => unknown): boolean {
  const stock = tf.getKernel(kernelName, "wasm");
  if (!stock) throw new BesselbookError(`registerWasmKernels: stock wasm kernel ${kernelName} not found; import @tensorflow/tfjs-backend-wasm first`);
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
  "MaxPoolGrad",
] as const;

/**
 * Register besselbook's kernels for tfjs-backend-wasm. Idempotent: a second call changes nothing.
 * Returns the kernel names that are now served by besselbook (the same list on every call).
 * Needs `@tensorflow/tfjs-backend-wasm` to be imported (its stock kernels are wrapped).
 */
export function registerWasmKernels(): string[] {
  if (!tf.getKernel("BatchMatMul", "wasm")) {
    throw new BesselbookError("registerWasmKernels: @tensorflow/tfjs-backend-wasm is not loaded; import it before registering kernels");
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
  return WASM_KERNELS.filter((k) => ours.has(tf.getKernel(k, "wasm")?.kernelFunc));
}
