/// <reference types="@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops" preserve="true" />
/**
 * tfjs for besselbook and its notebooks: `import { tf } from "besselbook"`.
 *
 * The namespace is `@tensorflow/tfjs-core` (ops, tensors, tidy, train, losses, io, grad …) with
 * the chained ops (`x.matMul(w).add(b)`) — what notebooks used from the umbrella
 * `@tensorflow/tfjs`, without loading it. Why (environment.md, "Kernel memory"): tslab
 * type-checks every cell against the declarations the cell's imports reach, and the umbrella's
 * reach tfjs-converter, tfjs-data and tfjs-backend-webgl too (≈ 13 MB more TypeScript-service heap
 * per kernel); at run time the umbrella also loads those three packages, which nothing here uses.
 *
 * What the umbrella did besides re-exporting, and where it happens now:
 * - gradients for every kernel: tfjs-layers registers them when loaded (its index imports
 *   tfjs-core's register_all_gradients), so this module loads tfjs-layers;
 * - the "cpu" backend (the fallback when init() was not called, e.g. in unit tests): loaded here;
 * - the chained ops on Tensor.prototype: tfjs-core ships them only as ES modules, which Node's
 *   require cannot load, and the umbrella as its own bundled copy. ./tensor/chained registers
 *   them (ours; each one calls the tfjs-core op of the same meaning, as tfjs's own do — a unit
 *   test compares the table with tfjs-core's chained_ops sources). Their *types* come from
 *   tfjs-core's declarations through the reference directive above.
 * Layers (`tf.layers`, `tf.LayersModel`, …) are in ./tf-layers, for bcnn.
 */
import { registerChainedOps } from "./tensor/chained";

// Loaded with require, not import, so tf.d.ts (what every notebook cell is type-checked against)
// does not reach their declarations.
require("@tensorflow/tfjs-backend-cpu");
require("@tensorflow/tfjs-layers");
registerChainedOps();

export * from "@tensorflow/tfjs-core";
