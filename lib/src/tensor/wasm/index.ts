// placeholder: owned by the wasm-kernels helper (issue 3)
/** Register besselbook's kernels for tfjs-backend-wasm. Returns the kernel names registered. */
export function registerWasmKernels(): string[] { return []; }
