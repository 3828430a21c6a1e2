/**
 * Differentiable tensor ops that tfjs lacks (or lacks gradients for), usable on every backend.
 *
 * einsum: tfjs 4.22's tf.einsum has no registered gradient on any backend, and no wasm kernel
 * (besselbook registers a forward one). This version is composed of transpose / reshape / sum /
 * matMul, so autodiff works everywhere and the heavy part is a single batched matmul (the fast
 * XNNPACK path on wasm). Same plan as the wasm Einsum kernel (tensor/wasm/einsum.ts).
 */
import * as tf from "../tf";
import { planEinsum, runEinsum, type EinsumAlgebra } from "./wasm/einsum";

const algebra: EinsumAlgebra<tf.Tensor> = {
  shape: (t) => t.shape,
  sum: (t, axes) => tf.sum(t, axes),
  transpose: (t, perm) => tf.transpose(t, perm),
  reshape: (t, shape) => tf.reshape(t, shape),
  matmul: (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
  free: () => undefined, // intermediates are released by the tf.tidy below
};

/**
 * Einstein summation over 1 or 2 tensors, differentiable on every backend.
 * `equation` as in numpy/tf.einsum without ellipsis or repeated labels, e.g.
 * "nij,nj->ni" (rotate a vector per node), "ij,jk->ik", "bij->bji", "ij->" ; implicit output
 * ("ij,jk") follows numpy. Throws BesselbookError / ShapeError naming what is unsupported.
 */
export function einsum(equation: string, ...tensors: tf.Tensor[]): tf.Tensor {
  const plan = planEinsum(
    equation,
    tensors.map((t) => t.shape),
  );
  return tf.tidy(() => runEinsum(plan, tensors, algebra));
}
