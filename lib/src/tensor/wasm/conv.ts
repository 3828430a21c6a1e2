/**
 * Gradients of a 2-D convolution (NHWC, filter [kh, kw, ci, co], dilation 1) on the wasm backend.
 *
 * Forward: y[n,oh,ow,co] = Σ_{kh,kw,ci} x_pad[n, oh·s_h + kh, ow·s_w + kw, ci] · W[kh,kw,ci,co].
 * With the patch matrix ("im2col") P[m, k], m = (n,oh,ow), k = (kh,kw,ci), this is Y = P·W₂
 * (W₂ = W reshaped [K, co]), so
 *   dW₂ = Pᵀ·dY                      (Conv2DBackpropFilter)
 *   dP  = dY·W₂ᵀ, dx = col2im(dP)     (Conv2DBackpropInput, any stride)
 * and for stride 1, dx is itself a convolution of dY with the flipped, transposed filter
 * (dx = conv(dY, W_flip) with padding k−1−pad), which XNNPACK runs directly.
 *
 * Why these shapes: XNNPACK's matmul in tfjs-backend-wasm is only fast for plain A·B (measured on
 * this machine: [7744,288]ᵀ·[7744,64] takes 101 ms with transposeA, 8 ms when Pᵀ is written out
 * as [288,7744] and multiplied plainly), so the patch matrix is written already transposed.
 * The stock wasm Conv2DBackpropInput is a scalar loop (99 ms for the same layer); it is replaced.
 */
import * as tf from "../../tf";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { BesselbookError, ShapeError } from "../../errors";
import { callKernel, f32, KernelArgs, release, reshapeInfo, TensorInfo } from "./util";

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;
type Pad =
  | "same"
  | "valid"
  | number
  | [[number, number], [number, number], [number, number], [number, number]];
type Rounding = "floor" | "round" | "ceil" | undefined;
type Shape4 = [number, number, number, number];

function convInfo(
  kernel: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Record<string, unknown>,
): Conv2DInfo {
  const dataFormat = (attrs.dataFormat ?? "NHWC") as string;
  if (dataFormat !== "NHWC" && dataFormat !== "channelsLast") {
    throw new BesselbookError(
      `${kernel} on wasm: dataFormat '${dataFormat}' is not supported; expected 'NHWC' (channels last)`,
    );
  }
  const dil = attrs.dilations as number | [number, number] | undefined;
  if (dil !== undefined && !(dil === 1 || (Array.isArray(dil) && dil[0] === 1 && dil[1] === 1))) {
    throw new BesselbookError(
      `${kernel} on wasm: dilations ${JSON.stringify(dil)} are not supported; expected 1`,
    );
  }
  if (xShape.length !== 4)
    throw new ShapeError(`${kernel} input`, "[batch, height, width, channels]", xShape);
  if (filterShape.length !== 4)
    throw new ShapeError(`${kernel} filter`, "[kh, kw, inChannels, outChannels]", filterShape);
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides as number | [number, number],
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as Rounding,
    false,
    "channelsLast",
  );
}

/**
 * Write Pᵀ[k, m] (k = (kh,kw,ci), m = (n,oh,ow)) for input x into `out` (length K·M).
 * Out-of-image taps (padding) are 0.
 */
function im2colT(x: Float32Array, c: Conv2DInfo, out: Float32Array): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = c;
  const pt = c.padInfo.top,
    pl = c.padInfo.left;
  const M = N * OH * OW;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      // Valid output columns for this tap: 0 ≤ ow·sw + kw − pl < W.
      const owLo = Math.max(0, Math.ceil((pl - kw) / sw));
      const owHi = Math.min(OW, Math.floor((W - 1 + pl - kw) / sw) + 1); // exclusive
      for (let ci = 0; ci < C; ci++) {
        let o = ((kh * KW + kw) * C + ci) * M;
        for (let n = 0; n < N; n++) {
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh + kh - pt;
            if (ih < 0 || ih >= H || owHi <= owLo) {
              out.fill(0, o, o + OW);
              o += OW;
              continue;
            }
            for (let ow = 0; ow < owLo; ow++) out[o++] = 0;
            let src = ((n * H + ih) * W + (owLo * sw + kw - pl)) * C + ci;
            const step = sw * C;
            for (let ow = owLo; ow < owHi; ow++, src += step) out[o++] = x[src];
            for (let ow = owHi; ow < OW; ow++) out[o++] = 0;
          }
        }
      }
    }
  }
}

/**
 * Write P[m, k] (row m = (n,oh,ow), k = (kh,kw,ci)) into `out` (length M·K). Each tap copies a
 * contiguous run of C channels, so reads and writes are both sequential.
 */
function im2col(x: Float32Array, c: Conv2DInfo, out: Float32Array): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = c;
  const pt = c.padInfo.top,
    pl = c.padInfo.left;
  let o = 0;
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh - pt;
          if (ih < 0 || ih >= H) {
            out.fill(0, o, o + KW * C);
            o += KW * C;
            continue;
          }
          const row = (n * H + ih) * W;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw - pl;
            if (iw < 0 || iw >= W) out.fill(0, o, o + C);
            else if (C >= 16) out.set(x.subarray((row + iw) * C, (row + iw + 1) * C), o);
            else for (let ci = 0, s = (row + iw) * C; ci < C; ci++) out[o + ci] = x[s + ci];
            o += C;
          }
        }
}

/**
 * Variant used for dW; exported for the benchmark's and tests' variant comparison.
 * "auto": one XNNPACK convolution from 8 input channels up (backpropFilterByConv), else im2col;
 * "im2col": always im2col + one matmul (the default before session 3; also chosen by
 * BESSELBOOK_WASM_DW=im2col); "conv", "colsT", "cols": force one form (tests, bench).
 */
export const backpropFilterVariant = {
  layout: "auto" as "auto" | "im2col" | "conv" | "colsT" | "cols",
};

/**
 * dW as one XNNPACK convolution (no JS loop over the data). Swapping the roles of batch and
 * channels, dW[kh,kw,ci,co] = Σ_{oh,ow,n} xᵀ[ci, kh + oh·s_h − pt, kw + ow·s_w − pl, n] ·
 * dyᵀ[oh,ow,n,co] with xᵀ = x permuted to [ci, H, W, n] and dyᵀ = dy permuted to [OH, OW, n, co]: a
 * stride-1 convolution of xᵀ (padding pt/pl, and at the far side whatever makes the output exactly
 * KH × KW) with the "filter" dyᵀ dilated by the forward stride. Its output [ci, KH, KW, co] is
 * permuted to [KH, KW, ci, co]. Returns null when the far-side padding would be negative (e.g.
 * 'valid' with stride 2 and an input row the forward pass never read); im2col handles that.
 */
function backpropFilterByConv(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  c: Conv2DInfo,
): TensorInfo | null {
  const {
    inHeight: H,
    inWidth: W,
    outHeight: OH,
    outWidth: OW,
    filterHeight: KH,
    filterWidth: KW,
  } = c;
  const { strideHeight: sh, strideWidth: sw } = c;
  const pt = c.padInfo.top,
    pl = c.padInfo.left;
  const pb = KH + (OH - 1) * sh - H - pt;
  const pr = KW + (OW - 1) * sw - W - pl;
  if (pb < 0 || pr < 0 || pt < 0 || pl < 0) return null;
  const xT = callKernel("Transpose", backend, { x }, { perm: [3, 1, 2, 0] });
  const dyT = callKernel("Transpose", backend, { x: dy }, { perm: [1, 2, 0, 3] });
  const out = callKernel(
    "Conv2D",
    backend,
    { x: xT, filter: dyT },
    {
      strides: 1,
      pad: [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ],
      dilations: [sh, sw],
      dataFormat: "NHWC",
    },
  );
  release(backend, xT, dyT);
  if (out.shape.join() !== [c.inChannels, KH, KW, c.outChannels].join()) {
    release(backend, out);
    throw new BesselbookError(`Conv2DBackpropFilter: internal shape mismatch [${out.shape}]`);
  }
  const dw = callKernel("Transpose", backend, { x: out }, { perm: [1, 2, 0, 3] });
  release(backend, out);
  return dw;
}

/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x_pad[n, oh·s+kh, ow·s+kw, ci] · dy[n,oh,ow,co] (one matmul Pᵀ·dY).
 */
export function conv2DBackpropFilter(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs ?? {};
  const { x, dy } = inputs;
  const filterShape = attrs.filterShape as number[];
  const c = convInfo("Conv2DBackpropFilter", x.shape, filterShape, attrs);
  if (dy.shape.join() !== c.outShape.join())
    throw new ShapeError("Conv2DBackpropFilter dy", `[${c.outShape.join(", ")}]`, dy.shape);
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const M = c.batchSize * c.outHeight * c.outWidth;
  // XNNPACK packs the right-hand matmul operand on every call (it is a fresh tensor each step),
  // costing ∝ M·(its width). Pᵀ·dY packs dY (M·co); dYᵀ·P packs P (M·K). Pick the narrower:
  // measured CPU ms (fresh dy, min of 12): [64,28,28,1]→32: Pᵀ 10.5, P 7.0 (K=9 < co=32);
  // [64,13,13,32]→64: Pᵀ 18.2, P 23.0 (K=288 > co=64); [64,5,5,64]→64: 2.5 vs 2.7.
  const v =
    backpropFilterVariant.layout === "auto" && process.env.BESSELBOOK_WASM_DW === "im2col"
      ? "im2col"
      : backpropFilterVariant.layout;
  // Measured CPU ms (fresh dy each call, 3rd of 8 sorted): ci = 1 (K = 9): conv 9.3, cols 6.7;
  // [64,13,13,32]→64: conv 17.3, colsT 23.8; [64,5,5,64]→64: 2.6 vs 3.4; stride 2 'same'
  // [64,14,14,32]→64: 7.8 vs 9.7. With one input channel the conv's GEMM has only K·ci = 9 rows.
  // The single-convolution dW sums in a different float32 order than im2col, so trained numbers
  // differ at rounding level from runs made before it became the default (session 3).
  if (v === "conv" || (v === "auto" && c.inChannels >= 8)) {
    const dw = backpropFilterByConv(backend, x, dy, c);
    if (dw) return dw;
  }
  const layout =
    v === "auto" || v === "conv" || v === "im2col" ? (K < c.outChannels ? "cols" : "colsT") : v;
  if (layout === "cols") {
    // dWᵀ = dYᵀ·P: P is written with contiguous channel runs; only dY [M, co] and the small
    // result [co, K] are transposed (both linear-cost wasm Transposes).
    const cols = backend.makeOutput([M, K], "float32");
    im2col(f32(backend, x), c, f32(backend, cols));
    const dy2 = reshapeInfo(backend, dy, [M, c.outChannels]);
    const dyT = callKernel("Transpose", backend, { x: dy2 }, { perm: [1, 0] });
    const dwT = callKernel(
      "BatchMatMul",
      backend,
      { a: dyT, b: cols },
      { transposeA: false, transposeB: false },
    );
    const dw2 = reshapeInfo(backend, dwT, [c.outChannels, K]);
    const dw = callKernel("Transpose", backend, { x: dw2 }, { perm: [1, 0] });
    release(backend, cols, dy2, dyT, dwT, dw2);
    return { dataId: dw.dataId, shape: [...filterShape], dtype: "float32" };
  }
  const colsT = backend.makeOutput([K, M], "float32");
  im2colT(f32(backend, x), c, f32(backend, colsT));
  const dy2 = reshapeInfo(backend, dy, [M, c.outChannels]);
  const dw = callKernel(
    "BatchMatMul",
    backend,
    { a: colsT, b: dy2 },
    { transposeA: false, transposeB: false },
  );
  release(backend, colsT, dy2);
  return { dataId: dw.dataId, shape: [...filterShape], dtype: "float32" };
}

/** Wflip[a,b,co,ci] = W[KH−1−a, KW−1−b, ci, co]: the filter of the transposed convolution. */
function flipFilter(backend: BackendWasm, w: TensorInfo): TensorInfo {
  const [KH, KW, CI, CO] = w.shape;
  const out = backend.makeOutput([KH, KW, CO, CI], "float32");
  const src = f32(backend, w),
    dst = f32(backend, out);
  for (let a = 0; a < KH; a++)
    for (let b = 0; b < KW; b++) {
      const s0 = ((KH - 1 - a) * KW + (KW - 1 - b)) * CI * CO;
      const d0 = (a * KW + b) * CO * CI;
      for (let ci = 0; ci < CI; ci++)
        for (let co = 0; co < CO; co++) dst[d0 + co * CI + ci] = src[s0 + ci * CO + co];
    }
  return out;
}

/** dx by col2im: dP = dY·W₂ᵀ, then scatter-add each patch row back to the image. */
function backpropInputCol2im(
  backend: BackendWasm,
  dy: TensorInfo,
  w: TensorInfo,
  c: Conv2DInfo,
): TensorInfo {
  const {
    batchSize: N,
    inHeight: H,
    inWidth: W,
    inChannels: C,
    outHeight: OH,
    outWidth: OW,
    outChannels: CO,
  } = c;
  const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = c;
  const pt = c.padInfo.top,
    pl = c.padInfo.left;
  const K = KH * KW * C,
    M = N * OH * OW;
  // W₂ᵀ [co, K], written out because transposed matmuls are slow on wasm (see top).
  const wT = backend.makeOutput([CO, K], "float32");
  {
    const src = f32(backend, w),
      dst = f32(backend, wT);
    for (let k = 0; k < K; k++) for (let co = 0; co < CO; co++) dst[co * K + k] = src[k * CO + co];
  }
  const dy2 = reshapeInfo(backend, dy, [M, CO]);
  const dP = callKernel(
    "BatchMatMul",
    backend,
    { a: dy2, b: wT },
    { transposeA: false, transposeB: false },
  );
  release(backend, dy2, wT);
  const dx = backend.makeOutput([N, H, W, C], "float32");
  const P = f32(backend, dP),
    out = f32(backend, dx);
  out.fill(0);
  let m = 0;
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++, m++) {
        let k = m * K;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh - pt;
          if (ih < 0 || ih >= H) {
            k += KW * C;
            continue;
          }
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw - pl;
            if (iw < 0 || iw >= W) {
              k += C;
              continue;
            }
            let d = ((n * H + ih) * W + iw) * C;
            for (let ci = 0; ci < C; ci++) out[d++] += P[k++];
          }
        }
      }
  release(backend, dP);
  return dx;
}

/** dx of a convolution; stride 1 → one XNNPACK convolution with the flipped filter, else col2im. */
export function conv2DBackpropInput(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs ?? {};
  const { dy, filter } = inputs;
  const inputShape = attrs.inputShape as number[];
  const c = convInfo("Conv2DBackpropInput", inputShape, filter.shape, attrs);
  if (dy.shape.join() !== c.outShape.join())
    throw new ShapeError("Conv2DBackpropInput dy", `[${c.outShape.join(", ")}]`, dy.shape);
  if (c.strideHeight === 1 && c.strideWidth === 1) {
    // Full correlation with the flipped filter: pad top by KH−1−pt, bottom so the output has H
    // rows.
    const padT = c.filterHeight - 1 - c.padInfo.top;
    const padL = c.filterWidth - 1 - c.padInfo.left;
    const padB = c.inHeight - c.outHeight + c.padInfo.top;
    const padR = c.inWidth - c.outWidth + c.padInfo.left;
    if (padT >= 0 && padL >= 0 && padB >= 0 && padR >= 0) {
      const wf = flipFilter(backend, filter);
      const dx = callKernel(
        "Conv2D",
        backend,
        { x: dy, filter: wf },
        {
          strides: 1,
          pad: [
            [0, 0],
            [padT, padB],
            [padL, padR],
            [0, 0],
          ],
          dilations: 1,
          dataFormat: "NHWC",
        },
      );
      release(backend, wf);
      if (dx.shape.join() !== inputShape.join())
        throw new BesselbookError(
          `Conv2DBackpropInput: internal shape mismatch ${dx.shape} vs ${inputShape}`,
        );
      return dx;
    }
  }
  return backpropInputCol2im(backend, dy, filter, c);
}
