export * from "./backend";
export * from "./rng";
export * as ops from "./ops";
export { registerWasmKernels, WASM_KERNELS } from "./wasm";
export { dataParallel, DataParallel, splitBatch, Stepper, trainThreads } from "./dataparallel";
export type { Replica, ReplicaSource, Shard, ShardArray, StepperOptions } from "./dataparallel";
export { softmaxRegressionSeed } from "./softmax";
export { tensorLeak, tensorLeakAsync } from "./memory";
export type { SoftmaxRegressionConfig, SoftmaxRegressionResult } from "./softmax";
