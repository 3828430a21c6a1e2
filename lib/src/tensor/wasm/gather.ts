/**
 * GatherV2 and broadcasting LogicalAnd/LogicalOr on wasm, as passes over the wasm heap.
 *
 * Why: in tfjs-backend-wasm 4.22 both are slow generic loops. Measured on this machine (loaded):
 * gather of 10,000 rows from [1000, 64] took 57 ms (the JS row copy below: well under 1 ms), and
 * the broadcast LogicalAnd [10000,1] & [10000,64] that tfjs-core's UnsortedSegmentSum gradient
 * uses (gatherDropNegatives) took 116 ms. Both sit on the message-passing hot path:
 * forward gather(h, src), backward segment-sum gradient.
 * Gather semantics match tfjs: out[b, o, i, :] = x[b, o, idx[b, i], :], indices outside
 * [0, dim) throw a RangeError naming the index.
 */
import * as tf from "../../tf";
import type { KernelFunc } from "@tensorflow/tfjs-core";
import { heapCopier, KernelArgs, release, size, TensorInfo } from "./util";

type Heap = Float32Array | Int32Array | Uint8Array;

export function makeGatherV2(stock: KernelFunc): (args: KernelArgs) => TensorInfo {
  return function gatherV2(args: KernelArgs): TensorInfo {
    const { inputs, backend } = args;
    const attrs = args.attrs ?? {};
    const { x, indices } = inputs;
    if (x.dtype === "string" || x.dtype === "complex64") {
      const out = stock(args as unknown as Parameters<KernelFunc>[0]);
      return Array.isArray(out) ? out[0] : out;
    }
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const batchDims = (attrs.batchDims as number | undefined) ?? 0;
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
      x as unknown as tf.Tensor,
      indices as unknown as tf.Tensor,
      axis,
      batchDims,
    );
    const { batchSize: B, outerSize: O, dimSize: D, sliceSize: S } = info;
    const nIdx = size(indices.shape) / Math.max(B, 1);
    const out = backend.makeOutput(info.outputShape, x.dtype);
    if (size(info.outputShape) === 0) return out;
    const src = backend.typedArrayFromHeap(x) as Heap;
    const idx = backend.typedArrayFromHeap(indices) as Int32Array | Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Heap;
    const copy = heapCopier(src, dst);
    let o = 0;
    for (let b = 0; b < B; b++)
      for (let q = 0; q < O; q++) {
        const base = (b * O + q) * D;
        for (let i = 0; i < nIdx; i++) {
          const k = idx[b * nIdx + i];
          if (!(k >= 0 && k < D)) {
            release(backend, out);
            throw new RangeError(
              `gather: indices[${b * nIdx + i}] = ${k} is out of domain; expected an integer in [0, ${D - 1}]`,
            );
          }
          const s = (base + k) * S;
          if (S >= 16) copy(o, s, S);
          else for (let j = 0; j < S; j++) dst[o + j] = src[s + j];
          o += S;
        }
      }
    return out;
  };
}

/** Right-aligned strides of `s` in a broadcast result of rank `r`, 0 along broadcast axes. */
function broadcastStrides(s: number[], r: number): number[] {
  const st = new Array<number>(r).fill(0);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    st[r - s.length + i] = s[i] === 1 ? 0 : acc;
    acc *= s[i];
  }
  return st;
}

/** Element-wise boolean op with numpy broadcasting, for shapes the stock kernel handles slowly. */
function makeLogical(stock: KernelFunc, isAnd: boolean): (args: KernelArgs) => TensorInfo {
  const op = isAnd
    ? (x: number, y: number) => (x && y ? 1 : 0)
    : (x: number, y: number) => (x || y ? 1 : 0);
  // A value of the broadcast operand that decides the whole run: 0 for and, nonzero for or.
  const decides = (v: number) => (isAnd ? v === 0 : v !== 0);
  const decided = isAnd ? 0 : 1;
  return function logical(args: KernelArgs): TensorInfo {
    const { inputs, backend } = args;
    const { a, b } = inputs;
    if (a.shape.join() === b.shape.join() || a.dtype !== "bool" || b.dtype !== "bool") {
      const out = stock(args as unknown as Parameters<KernelFunc>[0]);
      return Array.isArray(out) ? out[0] : out;
    }
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const r = shape.length;
    const sa = broadcastStrides(a.shape, r),
      sb = broadcastStrides(b.shape, r);
    const out = backend.makeOutput(shape, "bool");
    const A = backend.typedArrayFromHeap(a) as Uint8Array,
      Bv = backend.typedArrayFromHeap(b) as Uint8Array;
    const C = backend.typedArrayFromHeap(out) as Uint8Array;
    const n = size(shape);
    if (n === 0) return out;
    const last = r === 0 ? 1 : shape[r - 1];
    const la = r === 0 ? 0 : sa[r - 1],
      lb = r === 0 ? 0 : sb[r - 1];
    const ctr = new Array<number>(Math.max(r - 1, 0)).fill(0);
    let pa = 0,
      pb = 0;
    for (let o = 0; o < n; o += last) {
      if (la === 0 && lb === 1) {
        // One value of a against a run of b (the segment-sum gradient's [E,1] & [E,F] mask).
        if (decides(A[pa])) C.fill(decided, o, o + last);
        else for (let j = 0; j < last; j++) C[o + j] = Bv[pb + j] ? 1 : 0;
      } else if (lb === 0 && la === 1) {
        if (decides(Bv[pb])) C.fill(decided, o, o + last);
        else for (let j = 0; j < last; j++) C[o + j] = A[pa + j] ? 1 : 0;
      } else {
        for (let j = 0, ia = pa, ib = pb; j < last; j++, ia += la, ib += lb)
          C[o + j] = op(A[ia], Bv[ib]);
      }
      // Odometer over the outer axes.
      for (let ax = r - 2; ax >= 0; ax--) {
        ctr[ax]++;
        pa += sa[ax];
        pb += sb[ax];
        if (ctr[ax] < shape[ax]) break;
        pa -= sa[ax] * shape[ax];
        pb -= sb[ax] * shape[ax];
        ctr[ax] = 0;
      }
    }
    return out;
  };
}

export const makeLogicalAnd = (stock: KernelFunc) => makeLogical(stock, true);
export const makeLogicalOr = (stock: KernelFunc) => makeLogical(stock, false);

/**
 * Equal with numpy broadcasting (float32 / int32 inputs of different shapes): the stock wasm
 * kernel's broadcasting path costs ~0.5 ms for [64, 64] == [64, 1] here (~15× the same-shape
 * compare), and tfjs-core's Max/Min gradient runs it on every logSumExp in a training step
 * (InfoNCE: two per step). The result is the same boolean tensor (IEEE ==: NaN ≠ NaN, −0 = 0);
 * same shapes, bool and other dtypes go to the stock kernel.
 */
export function makeEqual(stock: KernelFunc): (args: KernelArgs) => TensorInfo {
  return function equal(args: KernelArgs): TensorInfo {
    const { inputs, backend } = args;
    const { a, b } = inputs;
    const numeric = (t: TensorInfo) => t.dtype === "float32" || t.dtype === "int32";
    if (a.shape.join() === b.shape.join() || !numeric(a) || !numeric(b) || a.dtype !== b.dtype) {
      const out = stock(args as unknown as Parameters<KernelFunc>[0]);
      return Array.isArray(out) ? out[0] : out;
    }
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const r = shape.length;
    const sa = broadcastStrides(a.shape, r),
      sb = broadcastStrides(b.shape, r);
    const out = backend.makeOutput(shape, "bool");
    const n = size(shape);
    if (n === 0) return out;
    const A = backend.typedArrayFromHeap(a) as Float32Array | Int32Array;
    const Bv = backend.typedArrayFromHeap(b) as Float32Array | Int32Array;
    const C = backend.typedArrayFromHeap(out) as Uint8Array;
    const last = r === 0 ? 1 : shape[r - 1];
    const la = r === 0 ? 0 : sa[r - 1],
      lb = r === 0 ? 0 : sb[r - 1];
    const ctr = new Array<number>(Math.max(r - 1, 0)).fill(0);
    let pa = 0,
      pb = 0;
    for (let o = 0; o < n; o += last) {
      for (let j = 0, ia = pa, ib = pb; j < last; j++, ia += la, ib += lb)
        C[o + j] = A[ia] === Bv[ib] ? 1 : 0;
      for (let ax = r - 2; ax >= 0; ax--) {
        ctr[ax]++;
        pa += sa[ax];
        pb += sb[ax];
        if (ctr[ax] < shape[ax]) break;
        pa -= sa[ax] * shape[ax];
        pb -= sb[ax] * shape[ax];
        ctr[ax] = 0;
      }
    }
    return out;
  };
}
