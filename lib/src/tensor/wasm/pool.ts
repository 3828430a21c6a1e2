/**
 * MaxPoolGrad on wasm: dx[argmax of each window] += dy[window].
 *
 * The stock 4.22 kernel loops over every input pixel and every window that could cover it
 * (measured 86 ms min for [64,26,26,32] → 13×13, while the forward pool takes 0.4 ms).
 * Here the forward output y (an input of MaxPoolGrad) says what the maximum is, so each window
 * and channel needs only to find the first position (row-major window order) holding exactly y —
 * max is exact, so that position is the argmax with ties to the first, as in tfjs-cpu's
 * maxPoolPositions and PyTorch. Where y is not a number above −∞ (NaN from a NaN input, or an
 * all −∞ window) the window is scanned with `>` exactly as tfjs-cpu does (NaN never wins; a
 * window with no value above −∞ passes no gradient).
 */
import * as tf from "../../tf";
import { BesselbookError } from "../../errors";
import { f32, KernelArgs, TensorInfo } from "./util";

type Rounding = "floor" | "round" | "ceil" | undefined;

export function maxPoolGrad(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs ?? {};
  const { dy, input, output } = inputs;
  if (input.shape.length !== 4)
    throw new BesselbookError(
      `MaxPoolGrad on wasm: expected a rank-4 NHWC input, got shape [${input.shape}]`,
    );
  const p = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as Rounding,
  );
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = p;
  const { strideHeight: sh, strideWidth: sw, filterHeight: FH, filterWidth: FW } = p;
  const pt = p.padInfo.top,
    pl = p.padInfo.left;
  if (!output || output.shape.join() !== [N, OH, OW, C].join()) {
    throw new BesselbookError(
      `MaxPoolGrad on wasm: expected the forward output of shape [${[N, OH, OW, C]}], got [${output?.shape ?? "none"}]`,
    );
  }
  const dx = backend.makeOutput(input.shape, "float32");
  const x = f32(backend, input),
    g = f32(backend, dy),
    y = f32(backend, output),
    out = f32(backend, dx);
  out.fill(0);
  let go = 0;
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++) {
      const h0 = Math.max(0, oh * sh - pt),
        h1 = Math.min(H, oh * sh - pt + FH);
      for (let ow = 0; ow < OW; ow++, go += C) {
        const w0 = Math.max(0, ow * sw - pl),
          w1 = Math.min(W, ow * sw - pl + FW);
        for (let c = 0; c < C; c++) {
          const m = y[go + c];
          let pos = -1;
          if (m > -Infinity) {
            search: for (let ih = h0; ih < h1; ih++) {
              let q = ((n * H + ih) * W + w0) * C + c;
              for (let iw = w0; iw < w1; iw++, q += C)
                if (x[q] === m) {
                  pos = q;
                  break search;
                }
            }
          }
          if (pos < 0 && !(m === -Infinity)) {
            // y is NaN (or, defensively, not found): tfjs-cpu's scan.
            let best = -Infinity;
            for (let ih = h0; ih < h1; ih++) {
              let q = ((n * H + ih) * W + w0) * C + c;
              for (let iw = w0; iw < w1; iw++, q += C)
                if (x[q] > best) {
                  best = x[q];
                  pos = q;
                }
            }
          }
          if (pos >= 0) out[pos] += g[go + c];
        }
      }
    }
  return dx;
}
