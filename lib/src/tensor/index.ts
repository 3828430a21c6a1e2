export * from "./backend";
export * from "./rng";
export * as ops from "./ops";
export { registerWasmKernels, WASM_KERNELS } from "./wasm";
export { softmaxRegressionSeed } from "./softmax";
export type { SoftmaxRegressionConfig, SoftmaxRegressionResult } from "./softmax";
