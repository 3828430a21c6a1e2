import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import { onBackends } from "./helpers";
import { rng, Rng, tensor } from "besselbook";
const { registerWasmKernels, WASM_KERNELS } = tensor;
const { einsum } = tensor.ops;
import { backpropFilterVariant } from "besselbook/tensor/wasm/conv";
import { segmentGradOptions } from "besselbook/tensor/wasm/segment";
import { isNoOpPerm, shareOptions } from "besselbook/tensor/wasm/share";
import { KERNELS_BEFORE, KERNELS_NOW, wasmKernelOptions } from "besselbook/tensor/wasm";

// Values and gradients on wasm (with besselbook's kernels) must equal tfjs-cpu's to float32
// rounding. 1e-5 relative to the largest |value| leaves ~100 ulps for different summation orders.
const RTOL = 1e-5;

type Arrays = Float32Array[];

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "length mismatch");
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

/** Run f on cpu and on wasm; return both result lists as plain arrays. */
async function onBoth(
  f: () => tf.Tensor[],
): Promise<{ cpu: Arrays; wasm: Arrays; shapes: number[][] }> {
  let shapes: number[][] = [];
  const res = await onBackends(
    ["cpu", "wasm"],
    () =>
      tf.tidy(() => {
        const outs = f();
        shapes = outs.map((t) => t.shape);
        return outs.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>));
      }),
    "wasm",
  );
  return { cpu: res.cpu, wasm: res.wasm, shapes };
}

function assertClose(r: { cpu: Arrays; wasm: Arrays }, what: string, rtol = RTOL): void {
  r.cpu.forEach((c, i) => {
    const e = maxRel(r.wasm[i], c);
    assert.ok(
      e <= rtol,
      `${what} output ${i}: wasm vs cpu relative error ${e.toExponential(2)} > ${rtol}`,
    );
  });
}

const randArray = (r: Rng, n: number) => Float32Array.from({ length: n }, () => r.normal());

let previousBackend = "";

before(async function () {
  this.timeout(60000);
  previousBackend = tf.getBackend();
  if (!tf.findBackend("wasm")) {
    try {
      tfwasm.setWasmPaths(
        path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep,
      );
    } catch {
      /* already initialised by init(): paths are set */
    }
  }
  assert.ok(await tf.setBackend("wasm"), "wasm backend should initialise in Node");
});

after(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

describe("tensor/wasm: registerWasmKernels", () => {
  it("registers every kernel, is idempotent, and names what it serves", () => {
    const first = registerWasmKernels();
    const second = registerWasmKernels();
    assert.deepEqual(first, [...WASM_KERNELS]);
    assert.deepEqual(second, first);
    for (const k of ["Conv2DBackpropFilter", "UnsortedSegmentSum", "Einsum"])
      assert.ok(tf.getKernel(k, "wasm"), `${k} registered`);
  });
});

describe("tensor/wasm: conv2d values and gradients match cpu", function () {
  this.timeout(120000);
  before(() => registerWasmKernels());

  // [batch, h, w, ci, co, k, stride, pad]: hand-picked edge cases, then random shapes.
  type Case = [
    number,
    number,
    number,
    number,
    number,
    number,
    number | [number, number],
    "same" | "valid",
  ];
  const cases: Case[] = [
    [1, 28, 28, 1, 8, 3, 1, "valid"], // batch 1, channels 1
    [1, 9, 7, 1, 1, 3, 2, "same"], // odd sizes, stride 2, one channel in and out
    [2, 11, 13, 3, 5, 3, 2, "valid"],
    [3, 8, 8, 4, 6, 1, 1, "same"], // 1×1 kernel
    [2, 10, 9, 2, 3, 5, 1, "same"], // 5×5, odd width
    [2, 12, 10, 3, 4, 2, 2, "same"], // even kernel: asymmetric 'same' padding
    [1, 7, 9, 2, 3, 3, [1, 2], "same"], // unequal strides
    [2, 9, 9, 12, 7, 3, 1, "valid"], // ≥ 8 input channels: dW as one XNNPACK conv ("auto")
    [2, 10, 11, 9, 4, 3, 2, "same"], // … with stride 2 → dilated conv
    [1, 9, 9, 8, 3, 3, 2, "valid"], // stride 2 'valid', last input row read: conv path
    [1, 10, 10, 8, 3, 3, 2, "valid"], // stride 2 'valid', last row never read: im2col fallback
    [2, 8, 9, 10, 3, 2, [2, 1], "same"], // even kernel, unequal strides
  ];
  const r = rng(20261129);
  for (let i = 0; i < 8; i++) {
    const k = [1, 2, 3, 5][r.int(4)];
    const s = 1 + r.int(2);
    const pad = r.int(2) ? "same" : "valid";
    const h = k + r.int(9),
      w = k + r.int(9);
    cases.push([1 + r.int(3), h, w, 1 + r.int(5), 1 + r.int(6), k, s, pad]);
  }
  for (const [n, h, w, ci, co, k, s, pad] of cases) {
    it(`x [${n},${h},${w},${ci}] * W [${k},${k},${ci},${co}], stride ${s}, ${pad}`, async () => {
      const rr = rng(n * 1000 + h * 100 + w * 10 + ci + co + k);
      const xv = randArray(rr, n * h * w * ci),
        wv = randArray(rr, k * k * ci * co),
        up = randArray(rr, 1 << 16);
      // Every way of computing dW (the "auto" choice and each forced variant) against cpu.
      for (const layout of ["auto", "im2col", "conv", "colsT", "cols"] as const) {
        backpropFilterVariant.layout = layout;
        try {
          const res = await onBoth(() => {
            const x = tf.tensor4d(xv, [n, h, w, ci]),
              f = tf.tensor4d(wv, [k, k, ci, co]);
            const y = tf.conv2d(x, f, s, pad);
            // Weight the output by a fixed random field so every dy entry differs.
            const wts = tf.tensor(up.subarray(0, y.size), y.shape);
            const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
              tf
                .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad)
                .mul(wts)
                .sum(),
            )([x, f]);
            return [y, dx, dw];
          });
          assertClose(res, `conv2d [y, dx, dW] (dW layout ${layout})`);
        } finally {
          backpropFilterVariant.layout = "auto";
        }
      }
    });
  }

  it("unchanged tf.layers.conv2d + maxPooling2d + dense: gradients equal cpu's", async () => {
    const rr = rng(7);
    const xv = randArray(rr, 4 * 13 * 13 * 2);
    let weights: Float32Array[] | null = null;
    const res = await onBoth(() => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [13, 13, 2],
            filters: 4,
            kernelSize: 3,
            strides: 2,
            padding: "same",
            activation: "relu",
          }),
          tf.layers.conv2d({ filters: 5, kernelSize: 3, padding: "valid", activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3 }),
        ],
      });
      // Same initial weights on both backends.
      if (!weights)
        weights = model.getWeights().map((t) => Float32Array.from(t.dataSync() as Float32Array));
      else model.setWeights(model.getWeights().map((t, i) => tf.tensor(weights![i], t.shape)));
      const x = tf.tensor4d(xv, [4, 13, 13, 2]);
      const { grads } = tf.variableGrads(
        () => (model.apply(x) as tf.Tensor).square().mean() as tf.Scalar,
      );
      const out = model.trainableWeights.map((v) => grads[v.originalName]);
      model.dispose();
      return out;
    });
    assertClose(res, "layer gradients");
  });

  it("throws clearly for NCHW and reports unsupported dilation from tfjs-core", () => {
    registerWasmKernels();
    const x = tf.zeros([1, 2, 6, 6]),
      dy = tf.zeros([1, 3, 4, 4]);
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(
            "Conv2DBackpropFilter",
            { x, dy },
            { strides: 1, pad: "valid", dataFormat: "NCHW", filterShape: [3, 3, 2, 3] },
          ),
      /dataFormat 'NCHW' is not supported; expected 'NHWC'/,
    );
    const x2 = tf.zeros([1, 8, 8, 1]),
      f2 = tf.zeros([3, 3, 1, 1]);
    assert.throws(
      () =>
        tf.grad((f: tf.Tensor) =>
          tf.conv2d(x2 as tf.Tensor4D, f as tf.Tensor4D, 1, "same", "NHWC", 2).sum(),
        )(f2),
      /dilation/,
    );
    tf.dispose([x, dy, x2, f2]);
  });
});

describe("tensor/wasm: maxPool gradient matches cpu", () => {
  const cases: [number[], number, number, "same" | "valid", boolean][] = [
    [[2, 7, 9, 3], 2, 2, "valid", false],
    [[1, 6, 6, 1], 3, 2, "same", false],
    [[3, 8, 8, 4], 2, 2, "valid", true], // many ties (integer values): first max wins on both
    [[2, 5, 7, 2], 3, 1, "same", true],
  ];
  for (const [shape, k, s, pad, ties] of cases) {
    it(`maxPool ${k}×${k}/${s} ${pad} on [${shape}]${ties ? " with ties" : ""}`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const xv = Float32Array.from({ length: n }, (_, i) =>
        ties ? Math.max(0, Math.round(2 * Math.sin(1.7 * i))) : Math.sin(1.7 * i + 0.3),
      );
      const res = await onBoth(() => {
        const x = tf.tensor4d(xv, shape as [number, number, number, number]);
        const g = tf.grad((a: tf.Tensor) =>
          tf
            .maxPool(a as tf.Tensor4D, k, s, pad)
            .square()
            .sum(),
        );
        return [g(x)];
      });
      assertClose(res, "maxPool dx", 0);
    });
  }

  it("NaN and −∞ inputs: the gradient goes where tfjs-cpu sends it", async () => {
    // Windows (2×2/2) holding: a NaN among finite values; all NaN; all −∞; −∞ and a finite value;
    // ties at the maximum. Checked per channel against cpu (which scans with '>').
    const shape: [number, number, number, number] = [1, 2, 10, 2];
    const pattern = [
      1,
      NaN,
      3,
      2,
      NaN,
      NaN,
      NaN,
      NaN,
      -Infinity,
      -Infinity,
      -Infinity,
      -Infinity,
      -Infinity,
      4,
      -Infinity,
      -Infinity,
      5,
      5,
      5,
      1,
    ];
    const xv = new Float32Array(40);
    for (let i = 0; i < 20; i++) {
      // pattern lists windows' 4 values in row-major window order; lay them out as NHWC.
      const win = Math.floor(i / 4),
        j = i % 4,
        r = j >> 1,
        col = 2 * win + (j & 1);
      for (let c = 0; c < 2; c++) xv[(r * 10 + col) * 2 + c] = c === 0 ? pattern[i] : -pattern[i];
    }
    const wts = Float32Array.from({ length: 10 }, (_, i) => i + 1);
    const res = await onBoth(() => {
      const x = tf.tensor4d(xv, shape);
      const g = tf.grad((a: tf.Tensor) =>
        tf
          .maxPool(a as tf.Tensor4D, 2, 2, "valid")
          .mul(tf.tensor4d(wts, [1, 1, 5, 2]))
          .sum(),
      );
      return [g(x)];
    });
    assertClose(res, "maxPool dx with NaN/−∞", 0);
  });
});

describe("tensor/wasm: unsortedSegmentSum, gather and its gradient", () => {
  before(() => registerWasmKernels());

  it("segment sums of float and int tensors, rank 1–3, empty segments", async () => {
    const r = rng(3);
    const ids = Int32Array.from({ length: 37 }, () => r.int(9)); // segments 9..11 stay empty
    const v2 = randArray(r, 37 * 5),
      v3 = randArray(r, 37 * 2 * 3);
    const res = await onBoth(() => [
      tf.unsortedSegmentSum(tf.tensor1d(v2.subarray(0, 37)), tf.tensor1d(ids, "int32"), 12),
      tf.unsortedSegmentSum(tf.tensor2d(v2, [37, 5]), tf.tensor1d(ids, "int32"), 12),
      tf.unsortedSegmentSum(tf.tensor3d(v3, [37, 2, 3]), tf.tensor1d(ids, "int32"), 12),
      tf
        .unsortedSegmentSum(
          tf.tensor2d(
            Int32Array.from(ids, (x) => x * 3 - 7),
            [37, 1],
            "int32",
          ),
          tf.tensor1d(ids, "int32"),
          12,
        )
        .toFloat(),
    ]);
    assertClose(res, "unsortedSegmentSum", 1e-6);
    assert.deepEqual(res.shapes, [[12], [12, 5], [12, 2, 3], [12, 1]]);
  });

  it("segment sums equal a plain float32 loop over rows in order, bit for bit (D = 1, 5, 64)", () => {
    const r = rng(8);
    for (const D of [1, 5, 64]) {
      const n = 300,
        S = 17;
      const ids = Int32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? -1 : r.int(S)));
      const xv = randArray(r, n * D);
      const ref = new Float32Array(S * D);
      for (let i = 0; i < n; i++)
        if (ids[i] >= 0) for (let d = 0; d < D; d++) ref[ids[i] * D + d] += xv[i * D + d];
      for (const fastLoops of [true, false]) {
        const prev = wasmKernelOptions({ fastLoops });
        const y = tf.unsortedSegmentSum(tf.tensor2d(xv, [n, D]), tf.tensor1d(ids, "int32"), S);
        wasmKernelOptions(prev);
        assert.deepEqual(
          Buffer.from((y.dataSync() as Float32Array).buffer),
          Buffer.from(ref.buffer),
          `D = ${D}, fastLoops ${fastLoops}`,
        );
        y.dispose();
      }
    }
  });

  it("drops negative ids (TensorFlow semantics) and rejects ids ≥ numSegments", () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const y = tf.unsortedSegmentSum(x, tf.tensor1d([1, -1, 1], "int32"), 2);
    assert.deepEqual([...y.dataSync()], [0, 0, 6, 8]);
    assert.throws(
      () => tf.unsortedSegmentSum(x, tf.tensor1d([0, 2, 1], "int32"), 2),
      (e: Error) => e instanceof RangeError && /segmentIds\[1\] = 2/.test(e.message),
    );
    tf.dispose([x, y]);
  });

  it("gather forward/backward on axes 0 and 1 equals cpu; out-of-range index throws", async () => {
    const r = rng(4);
    const hv = randArray(r, 50 * 6 * 4),
      ids = Int32Array.from({ length: 300 }, () => r.int(50)),
      ids1 = Int32Array.from({ length: 9 }, () => r.int(6));
    const up = randArray(r, 300 * 6 * 4);
    const res = await onBoth(() => {
      const h = tf.tensor3d(hv, [50, 6, 4]);
      const w0 = tf.tensor(up, [300, 6, 4]),
        w1 = tf.tensor(up.subarray(0, 50 * 9 * 4), [50, 9, 4]);
      const g0 = tf.grad((a: tf.Tensor) => tf.gather(a, tf.tensor1d(ids, "int32")).mul(w0).sum())(
        h,
      );
      const g1 = tf.grad((a: tf.Tensor) =>
        tf.gather(a, tf.tensor1d(ids1, "int32"), 1).mul(w1).sum(),
      )(h);
      return [
        tf.gather(h, tf.tensor1d(ids, "int32")),
        g0,
        tf.gather(h, tf.tensor1d(ids1, "int32"), 1),
        g1,
      ];
    });
    assertClose(res, "gather");
    const h = tf.zeros([5, 2]);
    assert.throws(() => tf.gather(h, tf.tensor1d([0, 5], "int32")), /indices\[1\] = 5/);
    h.dispose();
  });

  it("gather with batchDims 1, a negative axis and int32/bool data equals cpu", async () => {
    const r = rng(6);
    const xv = randArray(r, 3 * 5 * 4),
      ids = Int32Array.from({ length: 3 * 2 }, () => r.int(5));
    const res = await onBoth(() => {
      const x = tf.tensor3d(xv, [3, 5, 4]),
        i2 = tf.tensor2d(ids, [3, 2], "int32");
      return [
        tf.gather(x, i2, 1, 1),
        tf.gather(x, tf.tensor1d([3, 0, 3], "int32"), -1),
        tf.gather(x.toInt(), tf.tensor1d([4, 1], "int32"), 1).toFloat(),
        tf.gather(x.greater(0), tf.tensor1d([2, 2, 0], "int32")).toFloat(),
      ];
    });
    assertClose(res, "gather variants", 0);
    assert.deepEqual(res.shapes, [
      [3, 2, 4],
      [3, 5, 3],
      [3, 2, 4],
      [3, 5, 4],
    ]);
  });

  it("segment-sum gradient (one fused gather on wasm) equals cpu and tfjs-core's gradient bit for bit", async () => {
    const r = rng(7);
    // Negative ids (dropped rows), empty segments, rank-2 and rank-1 inner shapes, int ids of rank
    // 1.
    const ids = Int32Array.from({ length: 41 }, (_, i) => (i % 7 === 3 ? -1 : r.int(9)));
    const xv = randArray(r, 41 * 3 * 2),
      wv = randArray(r, 12 * 3 * 2);
    const f = () => {
      const w = tf.tensor3d(wv, [12, 3, 2]);
      const g = tf.grad((a: tf.Tensor) =>
        tf.unsortedSegmentSum(a, tf.tensor1d(ids, "int32"), 12).mul(w).sum(),
      );
      const g2 = tf.grad((a: tf.Tensor) =>
        tf.unsortedSegmentSum(a, tf.tensor1d(ids, "int32"), 12).square().sum(),
      );
      const x = tf.tensor3d(xv, [41, 3, 2]);
      return [g(x), g2(x), g(x.reshape([41, 6]).reshape([41, 3, 2]))];
    };
    const res = await onBoth(f);
    assertClose(res, "segment-sum gradient", 1e-6);
    // Rows with a negative id get exactly 0.
    for (let i = 0; i < 41; i++)
      if (ids[i] < 0) for (let j = 0; j < 6; j++) assert.equal(res.wasm[0][i * 6 + j], 0);
    // Same bytes as tfjs-core's seven-op gradient on wasm.
    const fused = tf.tidy(() => f().map((t) => Float32Array.from(t.dataSync() as Float32Array)));
    segmentGradOptions.on = false;
    try {
      const core = tf.tidy(() => f().map((t) => Float32Array.from(t.dataSync() as Float32Array)));
      fused.forEach((a, i) =>
        assert.deepEqual(a, core[i], `output ${i} differs from tfjs-core's gradient`),
      );
    } finally {
      segmentGradOptions.on = true;
    }
    // Second order through the fused kernel: d/dx Σ (∂/∂x Σ segsum(x)²)·v = 2·segsum-gather of v.
    const hv = await onBoth(() => {
      const v = tf.tensor3d(
        xv.map((t) => t * 0.5),
        [41, 3, 2],
      );
      const inner = (a: tf.Tensor) =>
        tf
          .grad((b: tf.Tensor) =>
            tf.unsortedSegmentSum(b, tf.tensor1d(ids, "int32"), 12).square().sum(),
          )(a)
          .mul(v)
          .sum();
      return [tf.grad(inner)(tf.tensor3d(xv, [41, 3, 2]))];
    });
    assertClose(hv, "segment-sum second derivative", 1e-6);
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(
            "BesselbookGatherDropNegatives",
            { x: tf.zeros([3, 2]), indices: tf.tensor1d([0, 3], "int32") },
            {},
          ),
      (e: Error) => e instanceof RangeError && /indices\[1\] = 3/.test(e.message),
    );
  });

  it("Identity and identity Transpose share the buffer: values survive disposing either tensor", async () => {
    assert.ok(isNoOpPerm([0, 1, 2]) && isNoOpPerm([]) && !isNoOpPerm([1, 0, 2]));
    const before = tf.memory().numBytes;
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 1, 3]);
    const c = x.clone(),
      t = tf.transpose(x, [0, 1, 2]),
      t2 = tf.transpose(x, [2, 1, 0]);
    assert.equal(t.dataId, x.dataId, "identity transpose shares");
    assert.deepEqual([...t2.dataSync()], [1, 4, 2, 5, 3, 6]);
    x.dispose();
    assert.deepEqual([...c.dataSync()], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...t.dataSync()], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(t.shape, [2, 1, 3]);
    c.dispose();
    assert.deepEqual([...t.dataSync()], [1, 2, 3, 4, 5, 6]);
    tf.dispose([t, t2]);
    assert.equal(tf.memory().numBytes, before, "all bytes released");
    // A variable assigned from a clone keeps its value when the source is disposed and reassigned.
    const v = tf.variable(tf.tensor1d([7, 8]));
    const s = v.clone();
    v.assign(tf.tensor1d([9, 10]));
    assert.deepEqual([...s.dataSync()], [7, 8]);
    tf.dispose([v, s]);
    const res = await onBoth(() => {
      const a = tf.tensor4d(
        Float32Array.from({ length: 24 }, (_, i) => i),
        [2, 1, 3, 4],
      );
      return [
        tf.transpose(a, [1, 0, 2, 3]),
        tf.transpose(a, [0, 2, 1, 3]),
        tf.transpose(a, [0, 1, 3, 2]),
        a.clone(),
      ];
    });
    assertClose(res, "transpose", 0);
    shareOptions.on = false;
    try {
      const y = tf.tensor1d([1, 2]);
      const z = y.clone();
      assert.notEqual(z.dataId, y.dataId, "copying Identity when sharing is off");
      tf.dispose([y, z]);
    } finally {
      shareOptions.on = true;
    }
  });

  it("broadcasting logicalAnd/logicalOr equal cpu", async () => {
    const a = Uint8Array.from({ length: 12 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)),
      b = Uint8Array.from({ length: 4 }, (_, i) => i % 2);
    const res = await onBoth(() => {
      const A = tf.tensor(a, [3, 4, 1], "bool"),
        B = tf.tensor(b, [1, 4], "bool");
      // The segment-sum gradient's shape pair: a [rows, 1] mask against a [rows, F] tensor.
      const M = tf.tensor(
        Uint8Array.from({ length: 7 }, (_, i) => ((i * 5) % 3 === 1 ? 0 : 1)),
        [7, 1],
        "bool",
      );
      const G = tf.tensor(
        Uint8Array.from({ length: 7 * 9 }, (_, i) => ((i * 11) % 4 === 0 ? 0 : 1)),
        [7, 9],
        "bool",
      );
      return [
        tf.logicalAnd(A, B).toFloat(),
        tf.logicalOr(A, B).toFloat(),
        tf.logicalAnd(B, A).toFloat(),
        tf.logicalOr(B, A).toFloat(),
        tf.logicalAnd(M, G).toFloat(),
        tf.logicalAnd(G, M).toFloat(),
        tf.logicalOr(M, G).toFloat(),
        tf.logicalOr(G, M).toFloat(),
      ];
    });
    assertClose(res, "logical", 0);
    assert.deepEqual(res.shapes, [
      [3, 4, 4],
      [3, 4, 4],
      [3, 4, 4],
      [3, 4, 4],
      [7, 9],
      [7, 9],
      [7, 9],
      [7, 9],
    ]);
  });
});

describe("tensor/wasm: matMul with transposes, einsum", () => {
  before(() => registerWasmKernels());

  it("matMul with every transpose combination and a batch dim equals cpu", async () => {
    const r = rng(5);
    const a = randArray(r, 3 * 7 * 5),
      b = randArray(r, 3 * 5 * 4),
      bt = randArray(r, 3 * 4 * 5),
      at = randArray(r, 3 * 5 * 7);
    const res = await onBoth(() => [
      tf.matMul(tf.tensor3d(a, [3, 7, 5]), tf.tensor3d(b, [3, 5, 4])),
      tf.matMul(tf.tensor3d(at, [3, 5, 7]), tf.tensor3d(b, [3, 5, 4]), true, false),
      tf.matMul(tf.tensor3d(a, [3, 7, 5]), tf.tensor3d(bt, [3, 4, 5]), false, true),
      tf.matMul(tf.tensor3d(at, [3, 5, 7]), tf.tensor3d(bt, [3, 4, 5]), true, true),
    ]);
    assertClose(res, "matMul");
  });

  const eqs: [string, number[][]][] = [
    [
      "ij,jk->ik",
      [
        [4, 3],
        [3, 5],
      ],
    ],
    [
      "bij,bjk->bik",
      [
        [2, 4, 3],
        [2, 3, 5],
      ],
    ],
    [
      "nij,nj->ni",
      [
        [6, 3, 3],
        [6, 3],
      ],
    ], // rotate one vector per node (frames)
    [
      "nij,nkj->nik",
      [
        [6, 3, 3],
        [6, 3, 3],
      ],
    ], // L_i L_jᵀ
    [
      "ij,jk",
      [
        [4, 3],
        [3, 5],
      ],
    ], // implicit output
    ["i,j->ij", [[4], [5]]],
    ["ij->ji", [[4, 3]]],
    ["ijk->", [[2, 3, 4]]],
    [
      "ij,ij->i",
      [
        [4, 3],
        [4, 3],
      ],
    ],
    [
      "bhqd,bhkd->bhqk",
      [
        [2, 2, 3, 4],
        [2, 2, 5, 4],
      ],
    ],
    [
      "abc,cd->dba",
      [
        [2, 3, 4],
        [4, 5],
      ],
    ],
  ];
  for (const [eq, shapes] of eqs) {
    it(`einsum '${eq}': wasm kernel and lib op equal cpu; lib op has gradients`, async () => {
      const r = rng(eq.length * 31 + shapes.length);
      const vals = shapes.map((s) =>
        randArray(
          r,
          s.reduce((a, b) => a * b, 1),
        ),
      );
      const res = await onBoth(() => {
        const xs = shapes.map((s, i) => tf.tensor(vals[i], s));
        const grads = tf.grads((...ts: tf.Tensor[]) =>
          einsum(eq, ...ts)
            .square()
            .sum(),
        )(xs);
        const explicit = eq.includes("->") ? eq : "ij,jk->ik";
        return [tf.einsum(explicit, ...xs), einsum(eq, ...xs), ...grads];
      });
      assertClose(res, `einsum ${eq}`);
      assert.deepEqual(res.shapes[0], res.shapes[1]);
    });
  }

  it("einsum 'ijk,k->i' (label j only in one operand) sums j first — tf.einsum 4.22 gets this wrong", async () => {
    // tfjs-cpu's tf.einsum returns shape [1, 5] here; the reference is Σ_jk a_ijk b_k.
    const r = rng(10);
    const av = randArray(r, 60),
      bv = randArray(r, 5);
    const res = await onBoth(() => {
      const a = tf.tensor3d(av, [3, 4, 5]),
        b = tf.tensor1d(bv);
      return [
        einsum("ijk,k->i", a, b),
        tf.sum(a.mul(b), [1, 2]),
        ...tf.grads((x: tf.Tensor, y: tf.Tensor) => einsum("ijk,k->i", x, y).square().sum())([
          a,
          b,
        ]),
      ];
    });
    assertClose(res, "einsum ijk,k->i");
    assert.ok(maxRel(res.wasm[0], res.cpu[1]) < RTOL, "matches Σ_jk a_ijk b_k");
    assert.deepEqual(res.shapes[0], [3]);
  });

  it("einsum gradient matches finite differences (cpu, float32)", async () => {
    await tf.setBackend("cpu");
    const r = rng(9);
    const av = randArray(r, 12),
      bv = randArray(r, 15);
    const f = (a: tf.Tensor, b: tf.Tensor) => einsum("ij,jk->ik", a, b).sin().sum();
    const [ga] = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a, b))([
      tf.tensor2d(av, [4, 3]),
      tf.tensor2d(bv, [3, 5]),
    ]);
    const g = ga.dataSync();
    const h = 1e-2;
    for (const i of [0, 5, 11]) {
      const p = Float32Array.from(av),
        m = Float32Array.from(av);
      p[i] += h;
      m[i] -= h;
      const fd =
        (f(tf.tensor2d(p, [4, 3]), tf.tensor2d(bv, [3, 5])).dataSync()[0] -
          f(tf.tensor2d(m, [4, 3]), tf.tensor2d(bv, [3, 5])).dataSync()[0]) /
        (2 * h);
      // Central difference error O(h²)·f''' ~ 1e-4 plus float32 rounding of the sums / h.
      assert.ok(
        Math.abs(fd - g[i]) < 2e-3 * Math.max(1, Math.abs(g[i])),
        `∂/∂a[${i}]: autodiff ${g[i]} vs finite difference ${fd}`,
      );
    }
    await tf.setBackend("wasm");
  });

  it("rejects unsupported equations with a clear message", () => {
    const a = tf.zeros([3, 3]);
    assert.throws(() => einsum("ii->i", a), /repeated label/);
    assert.throws(() => einsum("...i->i", a), /ellipsis/);
    assert.throws(() => einsum("ij,jk->ik", a, tf.zeros([4, 2])), /label 'j'/);
    assert.throws(() => tf.einsum("ii->i", a), /repeated label|duplicate/i);
    a.dispose();
  });
});

describe("tensor/wasm: short training runs match cpu, memory stays flat", function () {
  this.timeout(180000);
  before(() => registerWasmKernels());

  async function train(
    backend: string,
    build: () => { step: () => number; dispose: () => void },
    steps: number,
  ) {
    await tf.setBackend(backend);
    const { step, dispose } = build();
    const losses: number[] = [];
    losses.push(step());
    const tensors = tf.memory().numTensors;
    const wasmIds =
      backend === "wasm" ? (tf.backend() as unknown as { numDataIds(): number }).numDataIds() : 0;
    for (let i = 1; i < steps; i++) losses.push(step());
    const flat =
      tf.memory().numTensors === tensors &&
      (backend !== "wasm" ||
        (tf.backend() as unknown as { numDataIds(): number }).numDataIds() === wasmIds);
    dispose();
    return { losses, flat };
  }

  it("a small CNN (tf.layers, SGD) follows the cpu loss curve", async () => {
    const r = rng(11);
    const xv = Float32Array.from({ length: 16 * 12 * 12 }, () => r.uniform());
    const yv = Int32Array.from({ length: 16 }, () => r.int(4));
    let init: Float32Array[] | null = null;
    const build = () => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [12, 12, 1],
            filters: 6,
            kernelSize: 3,
            strides: 2,
            padding: "same",
            activation: "relu",
          }),
          tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 4 }),
        ],
      });
      if (!init)
        init = model.getWeights().map((t) => Float32Array.from(t.dataSync() as Float32Array));
      else model.setWeights(model.getWeights().map((t, i) => tf.tensor(init![i], t.shape)));
      const x = tf.tensor4d(xv, [16, 12, 12, 1]);
      const y = tf.oneHot(tf.tensor1d(yv, "int32"), 4);
      const opt = tf.train.sgd(0.1);
      return {
        step: () =>
          tf.tidy(
            () =>
              opt
                .minimize(
                  () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
                  true,
                )!
                .dataSync()[0],
          ),
        dispose: () => (model.dispose(), opt.dispose(), tf.dispose([x, y])),
      };
    };
    const cpu = await train("cpu", build, 10);
    const wasm = await train("wasm", build, 10);
    assert.ok(wasm.flat && cpu.flat, "tensor count flat across steps");
    assert.ok(wasm.losses[9] < wasm.losses[0], `loss falls: ${wasm.losses[0]} → ${wasm.losses[9]}`);
    // Float32 summation order differs (XNNPACK vs JS loops); 10 SGD steps amplify it a little.
    const e = maxRel(wasm.losses, cpu.losses);
    assert.ok(
      e < 1e-4,
      `loss curves differ by ${e.toExponential(2)}: wasm ${wasm.losses} vs cpu ${cpu.losses}`,
    );
  });

  it("a message-passing layer (gather + segment sum) follows the cpu loss curve", async () => {
    const r = rng(12);
    const N = 40,
      E = 200,
      F = 8;
    const src = Int32Array.from({ length: E }, () => r.int(N)),
      dst = Int32Array.from({ length: E }, () => r.int(N));
    const hv = randArray(r, N * F),
      tv = randArray(r, N * F),
      wv = randArray(r, F * F).map((v) => v / Math.sqrt(F));
    const build = () => {
      const w = tf.variable(tf.tensor2d(wv, [F, F]));
      const s = tf.tensor1d(src, "int32"),
        d = tf.tensor1d(dst, "int32"),
        h = tf.tensor2d(hv, [N, F]),
        t = tf.tensor2d(tv, [N, F]);
      const opt = tf.train.adam(0.01);
      const loss = () => {
        const msg = tf.relu(tf.gather(h, s).matMul(w));
        const out = tf.tanh(tf.unsortedSegmentSum(msg, d, N).div(4).add(h));
        return tf.mean(tf.square(out.sub(t))) as tf.Scalar;
      };
      return {
        step: () => tf.tidy(() => opt.minimize(loss, true)!.dataSync()[0]),
        dispose: () => (opt.dispose(), tf.dispose([w, s, d, h, t])),
      };
    };
    const cpu = await train("cpu", build, 15);
    const wasm = await train("wasm", build, 15);
    assert.ok(wasm.flat && cpu.flat, "tensor count flat across steps");
    assert.ok(wasm.losses[14] < wasm.losses[0]);
    const e = maxRel(wasm.losses, cpu.losses);
    assert.ok(e < 1e-4, `loss curves differ by ${e.toExponential(2)}`);
  });

  it("buffer sharing and the fused segment-sum gradient leave training byte-identical; the conv dW does not", async () => {
    await tf.setBackend("wasm");
    const r = rng(13);
    const N = 60,
      E = 400,
      F = 16;
    const src = Int32Array.from({ length: E }, () => r.int(N)),
      dst = Int32Array.from({ length: E }, (_, i) => (i % 9 === 4 ? -1 : r.int(N)));
    const hv = randArray(r, N * F),
      wv = randArray(r, F * F).map((v) => v / Math.sqrt(F));
    const xv = Float32Array.from({ length: 8 * 10 * 10 * 3 }, () => r.uniform()),
      kv = randArray(r, 9 * 3 * 12).map((v) => v * 0.3);
    const k2 = randArray(r, 9 * 12 * 8).map((v) => v * 0.1);
    const run = (opts: Partial<typeof KERNELS_NOW>): Buffer => {
      const prev = wasmKernelOptions(opts);
      try {
        const w = tf.variable(tf.tensor2d(wv, [F, F])),
          k = tf.variable(tf.tensor4d(kv, [3, 3, 3, 12])),
          kk = tf.variable(tf.tensor4d(k2, [3, 3, 12, 8]));
        const s = tf.tensor1d(src, "int32"),
          d = tf.tensor1d(dst, "int32"),
          h = tf.tensor2d(hv, [N, F]),
          x = tf.tensor4d(xv, [8, 10, 10, 3]);
        const opt = tf.train.adam(0.01);
        const loss = () => {
          const msg = tf.relu(tf.gather(h, s).matMul(w));
          const mp = tf
            .tanh(tf.unsortedSegmentSum(msg, d, N).add(h))
            .square()
            .mean();
          const c = tf
            .conv2d(
              tf.relu(tf.conv2d(x, k as unknown as tf.Tensor4D, 1, "valid")),
              kk as unknown as tf.Tensor4D,
              1,
              "valid",
            )
            .square()
            .mean();
          return mp.add(c) as tf.Scalar;
        };
        const losses: number[] = [];
        for (let i = 0; i < 6; i++)
          losses.push(tf.tidy(() => opt.minimize(loss, true)!.dataSync()[0]));
        const out = Buffer.concat([
          Buffer.from(Float64Array.from(losses).buffer),
          ...[w, k, kk].map((v) => Buffer.from((v.dataSync() as Float32Array).buffer)),
        ]);
        opt.dispose();
        tf.dispose([w, k, kk, s, d, h, x]);
        return out;
      } finally {
        wasmKernelOptions(prev);
      }
    };
    const now = run(KERNELS_NOW);
    const sameDw = run({ ...KERNELS_BEFORE, dw: KERNELS_NOW.dw });
    assert.ok(now.equals(sameDw), "sharing/fused segment gradient changed the trained bytes");
    // Power: the dW form (im2col vs one conv, ci = 12 ≥ 8) does change the float32 bytes.
    const before = run(KERNELS_BEFORE);
    assert.ok(!now.equals(before), "the dW form was expected to change the summation order");
  });
});
