/**
 * Identity and identity-permutation Transpose on wasm without a copy.
 *
 * tfjs-backend-wasm 4.22 copies the whole buffer for Identity (x.clone()) and for a Transpose
 * whose permutation is the identity (tfjs-core's gather gradient issues two per call, one of them
 * [edges, features]). tfjs data are immutable (no kernel writes into an input; variables are
 * re-pointed, not overwritten), so the output may share the input's buffer, as
 * tfjs-backend-cpu's Identity does: the backend's refcount keeps the buffer alive until both
 * tensors are disposed. Values are the same bytes, so results are unchanged.
 * Only outputs with the input's exact shape share: the wasm C++ side caches XNNPACK operators
 * (packed matmul/conv weights) by tensor id, so an id seen with two different shapes — e.g. a
 * "free" transpose [1, k] → [k, 1] — would reuse weights packed for the other shape (this was
 * tried; it corrupted the heap).
 * `shareOptions.on = false` restores the copying kernels (used by the bench's before/after).
 */
import type { KernelFunc } from "@tensorflow/tfjs-core";
import { KernelArgs, TensorInfo } from "./util";

export const shareOptions = { on: true };

function first(out: ReturnType<KernelFunc>): TensorInfo {
  return (Array.isArray(out) ? out[0] : out) as TensorInfo;
}

function share(args: KernelArgs, shape: number[]): TensorInfo {
  const { x } = args.inputs;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

export function makeIdentity(stock: KernelFunc): (args: KernelArgs) => TensorInfo {
  return function identityShared(args: KernelArgs): TensorInfo {
    const { x } = args.inputs;
    if (!shareOptions.on || x.dtype === "string")
      return first(stock(args as unknown as Parameters<KernelFunc>[0]));
    return share(args, [...x.shape]);
  };
}

/** True when perm is the identity permutation (output shape = input shape, same bytes). */
export function isNoOpPerm(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

export function makeTranspose(stock: KernelFunc): (args: KernelArgs) => TensorInfo {
  return function transposeShared(args: KernelArgs): TensorInfo {
    const { x } = args.inputs;
    const perm = ((args.attrs ?? {}).perm as number[] | undefined) ?? [];
    const valid =
      perm.length === x.shape.length &&
      perm.every((p) => Number.isInteger(p) && p >= 0 && p < perm.length) &&
      new Set(perm).size === perm.length;
    if (!shareOptions.on || x.dtype === "string" || !valid || !isNoOpPerm(perm)) {
      return first(stock(args as unknown as Parameters<KernelFunc>[0]));
    }
    return share(args, [...x.shape]);
  };
}
