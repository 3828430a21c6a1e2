/**
 * `npm run bench -- training`: one training step of ordinary tfjs code on wasm (with besselbook's
 * kernels) against PyTorch on the same inputs and initial weights — measured so that it cannot
 * flatter either side on a shared machine.
 *
 * Method: every engine is started and warmed up once; then R rounds (default 7) each run a short
 * block of K steps (default 5) on every engine, the engine order rotating from round to round, so
 * load from other processes hits all engines alike. Per round the ratio wasm/PyTorch is taken from
 * process CPU time per step (single-threaded engines) and from wall time (multi-threaded ones);
 * printed are the median over rounds and its spread (min–max), the load average before and after,
 * the CPU model, and a per-kernel CPU-time profile of the wasm step (which kernels dominate).
 *
 * Workloads (defined once here; torch_step.py rebuilds them from the exported manifest):
 *   cnn     the TensorFlow-tutorial CNN: conv 3×3 32 → maxpool 2 → conv 64 → maxpool → conv 64
 *           ('valid', relu) → dense 64 relu → dense 10, softmax cross-entropy, batch 64 × 28×28×1
 *   cnn-s2  3 strided convs (3×3, stride 2, 'same', 32/64/64, relu) → dense 10, batch 64
 *   mp      2 message-passing layers on a batch of 8 random graphs, 1,000 nodes / 10,000 edges in
 *           all, 64 features:
 *           h ← tanh(segmentSum_dst(relu(gather(h, src)·Wm + bm))·Wu + h), MSE to a target
 *   mp-pre  the same function with the message product on the nodes: relu(gather(h·Wm, src) + bm)
 *           (a model-level reordering both engines run; see mpWorkload)
 * Engines: wasm (this session's kernels), wasm-before (KERNELS_BEFORE, for before/after), PyTorch
 * with 1 and 2 threads, data-parallel wasm; plus arithmetic throughput (GEMM, conv) of both engines
 * and the wasm SIMD peak with and without FMA (./simdpeak). All take plain SGD steps (lr 0.01). The
 * first losses of every engine are printed (same weights ⇒ same numbers: a check that all engines
 * run one network), and the wasm tensor count must not grow. Env: BESSELBOOK_BENCH_ROUNDS (default
 * 7), BESSELBOOK_BENCH_BLOCK (steps per block, default 5), BESSELBOOK_BENCH_WORKLOADS (comma list,
 * default all), BESSELBOOK_BENCH_TORCH_THREADS (comma list of PyTorch thread counts, default
 * "1,2"), BESSELBOOK_BENCH_DP (comma list of thread counts for data-parallel wasm training, default
 * "2"; empty skips), BESSELBOOK_BENCH_CPU_STEPS (tfjs-cpu steps, default 0: a cpu CNN step takes
 * 13+ s), BESSELBOOK_PYTHON (default /usr/bin/python3), BESSELBOOK_BENCH_BEFORE (default 1: also
 * run "wasm-before", the wasm kernels as they were before session 3, as one more engine in the
 * rotation, with its own kernel profile; 0 skips it).
 */
import { spawn, spawnSync, ChildProcessWithoutNullStreams } from "node:child_process";
import * as readline from "node:readline";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import {
  KERNELS_BEFORE,
  registerWasmKernels,
  stockWasmKernel,
  wasmKernelOptions,
  WasmKernelOptions,
} from "besselbook/tensor/wasm";
import { backpropFilterVariant } from "besselbook/tensor/wasm/conv";
import { rng, Rng } from "besselbook/tensor/rng";
import {
  DataParallel,
  Replica,
  Shard,
  shardGradients,
  splitBatch,
} from "besselbook/tensor/dataparallel";
import { simdPeak } from "./simdpeak";

type Arr = {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  data: Float32Array | Int32Array;
};

interface ConvSpec {
  filters: number;
  stride: number;
  padding: "same" | "valid";
  pool: boolean;
}

interface Workload {
  name: string;
  about: string;
  kind: "cnn" | "mp";
  /** Why the cpu backend is skipped unless BESSELBOOK_BENCH_CPU_ALL=1 (null: always run). */
  cpuSkip: string | null;
  spec: Record<string, unknown>;
  arrays: Arr[];
  /** Build a step on the current tfjs backend; returns the step and a disposer. */
  build(get: (name: string) => tf.Tensor): { step: () => number; dispose: () => void };
}

const LR = 0.01;

function normals(r: Rng, n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r.normal() * scale;
  return a;
}

function cnnWorkload(
  name: string,
  about: string,
  convs: ConvSpec[],
  dense: number[],
  seed: number,
): Workload {
  const r = rng(seed);
  const B = 64,
    H = 28,
    C = 10;
  const arrays: Arr[] = [];
  const x = new Float32Array(B * H * H);
  for (let i = 0; i < x.length; i++) x[i] = r.uniform();
  const y = new Int32Array(B);
  for (let i = 0; i < B; i++) y[i] = r.int(C);
  arrays.push(
    { name: "x", shape: [B, H, H, 1], dtype: "float32", data: x },
    { name: "y", shape: [B], dtype: "int32", data: y },
  );
  // He-normal weights so activations keep their scale; small nonzero biases exercise the bias path.
  let ci = 1,
    side = H;
  convs.forEach((c, i) => {
    arrays.push({
      name: `conv${i}.kernel`,
      shape: [3, 3, ci, c.filters],
      dtype: "float32",
      data: normals(r, 9 * ci * c.filters, Math.sqrt(2 / (9 * ci))),
    });
    arrays.push({
      name: `conv${i}.bias`,
      shape: [c.filters],
      dtype: "float32",
      data: normals(r, c.filters, 0.01),
    });
    side =
      c.padding === "same" ? Math.ceil(side / c.stride) : Math.floor((side - 3) / c.stride) + 1;
    if (c.pool) side = Math.floor(side / 2);
    ci = c.filters;
  });
  let fin = side * side * ci;
  dense.forEach((units, i) => {
    arrays.push({
      name: `dense${i}.kernel`,
      shape: [fin, units],
      dtype: "float32",
      data: normals(r, fin * units, Math.sqrt(2 / fin)),
    });
    arrays.push({
      name: `dense${i}.bias`,
      shape: [units],
      dtype: "float32",
      data: normals(r, units, 0.01),
    });
    fin = units;
  });
  return {
    name,
    about,
    kind: "cnn",
    cpuSkip: null,
    spec: { convs, dense },
    arrays,
    build(get) {
      // Ordinary tf.layers code: nothing here knows about wasm kernels.
      const model = tf.sequential();
      convs.forEach((c, i) => {
        model.add(
          tf.layers.conv2d({
            filters: c.filters,
            kernelSize: 3,
            strides: c.stride,
            padding: c.padding,
            activation: "relu",
            ...(i === 0 ? { inputShape: [H, H, 1] } : {}),
          }),
        );
        if (c.pool) model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      });
      model.add(tf.layers.flatten());
      dense.forEach((units, i) =>
        model.add(tf.layers.dense({ units, activation: i < dense.length - 1 ? "relu" : "linear" })),
      );
      const weights = arrays
        .filter((a) => a.name.startsWith("conv") || a.name.startsWith("dense"))
        .map((a) => get(a.name));
      model.setWeights(weights);
      const xs = get("x");
      const ys = tf.tidy(() => tf.oneHot(get("y"), C).toFloat());
      const opt = tf.train.sgd(LR);
      const step = () =>
        tf.tidy(() => {
          const loss = opt.minimize(
            () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar,
            true,
          )!;
          return loss.dataSync()[0];
        });
      return {
        step,
        dispose: () => {
          model.dispose();
          opt.dispose();
          ys.dispose();
        },
      };
    },
  };
}

/**
 * order "edge": the message is computed on every edge, gather(h, src)·Wm (the issue's workload);
 * order "node": the same function computed as gather(h·Wm, src) — the message is linear in the
 * sender's features before the bias and relu, so the product can be taken on the nodes (10× fewer
 * rows) and gathered after. Both engines run the same order (a model-level change, not a kernel).
 */
function mpWorkload(seed: number, order: "edge" | "node" = "edge"): Workload {
  const r = rng(seed);
  // A batch of G disjoint random graphs (like a batch of molecules or point clouds), so that the
  // batch can be split between threads by graph; per graph n = N/G nodes and E/G edges.
  const N = 1000,
    E = 10000,
    F = 64,
    L = 2,
    G = 8;
  const n = N / G,
    eg = E / G;
  const src = new Int32Array(E),
    dst = new Int32Array(E);
  for (let e = 0; e < E; e++) {
    const g = Math.floor(e / eg);
    src[e] = g * n + r.int(n);
    dst[e] = g * n + r.int(n);
  }
  const arrays: Arr[] = [
    { name: "src", shape: [E], dtype: "int32", data: src },
    { name: "dst", shape: [E], dtype: "int32", data: dst },
    { name: "h", shape: [N, F], dtype: "float32", data: normals(r, N * F, 1) },
    { name: "target", shape: [N, F], dtype: "float32", data: normals(r, N * F, 0.5) },
  ];
  for (let i = 0; i < L; i++) {
    // Messages are summed over ~10 in-edges per node: scale Wu by 1/√(10F) to keep tanh
    // unsaturated.
    arrays.push({
      name: `mp${i}.wm`,
      shape: [F, F],
      dtype: "float32",
      data: normals(r, F * F, Math.sqrt(2 / F)),
    });
    arrays.push({ name: `mp${i}.bm`, shape: [F], dtype: "float32", data: normals(r, F, 0.01) });
    arrays.push({
      name: `mp${i}.wu`,
      shape: [F, F],
      dtype: "float32",
      data: normals(r, F * F, 1 / Math.sqrt(10 * F)),
    });
  }
  return {
    name: order === "edge" ? "mp" : "mp-pre",
    about:
      `message passing: ${L} layers, ${G} graphs × ${n} nodes × ${eg} edges, ${F} features (gather + segment sum)` +
      (order === "node"
        ? "; h·Wm on the nodes, then gathered (same function, 10× fewer matmul rows)"
        : ""),
    kind: "mp",
    // tfjs-cpu's UnsortedSegmentSum loops over segments with a mask each (O(E·N·F)): one call
    // here measured 129 CPU-s, one training step 353 CPU-s (26 min wall on the loaded machine).
    cpuSkip: "one step measured 353 CPU-s (tfjs-cpu UnsortedSegmentSum is O(edges·nodes·features))",
    spec: { nodes: N, edges: E, features: F, layers: L, graphs: G, order },
    arrays,
    build(get) {
      const vars: tf.Variable[] = [];
      const layers = Array.from({ length: L }, (_, i) => {
        const v = (n: string) => {
          const t = tf.variable(get(`mp${i}.${n}`));
          vars.push(t);
          return t;
        };
        return { wm: v("wm"), bm: v("bm"), wu: v("wu") };
      });
      const s = get("src") as tf.Tensor1D,
        d = get("dst") as tf.Tensor1D,
        h0 = get("h"),
        target = get("target");
      const opt = tf.train.sgd(LR);
      const forward = (): tf.Scalar => {
        let h = h0;
        for (const { wm, bm, wu } of layers) {
          const pre = order === "edge" ? tf.gather(h, s).matMul(wm) : tf.gather(h.matMul(wm), s);
          const msg = tf.relu(pre.add(bm));
          const agg = tf.unsortedSegmentSum(msg, d, N);
          h = tf.tanh(agg.matMul(wu).add(h));
        }
        return tf.mean(tf.square(h.sub(target)));
      };
      const step = () => tf.tidy(() => opt.minimize(forward, true)!.dataSync()[0]);
      return { step, dispose: () => (tf.dispose(vars), opt.dispose()) };
    },
  };
}

export function workloads(): Workload[] {
  return [
    cnnWorkload(
      "cnn",
      "TF-tutorial CNN: 3×(conv3×3 valid relu) 32/64/64, 2 maxpools, dense 64 → 10; batch 64, 28×28×1",
      [
        { filters: 32, stride: 1, padding: "valid", pool: true },
        { filters: 64, stride: 1, padding: "valid", pool: true },
        { filters: 64, stride: 1, padding: "valid", pool: false },
      ],
      [64, 10],
      1,
    ),
    cnnWorkload(
      "cnn-s2",
      "strided CNN: 3×(conv3×3 stride 2 same relu) 32/64/64, dense 10; batch 64, 28×28×1",
      [
        { filters: 32, stride: 2, padding: "same", pool: false },
        { filters: 64, stride: 2, padding: "same", pool: false },
        { filters: 64, stride: 2, padding: "same", pool: false },
      ],
      [10],
      2,
    ),
    mpWorkload(3),
    mpWorkload(3, "node"),
  ];
}

/** One block of timed steps. */
interface Block {
  wallMs: number;
  cpuMs: number;
  losses: number[];
}

/** An engine that can run blocks of training steps of one workload, alternating with others. */
interface Engine {
  label: string;
  /** Threads it may use (1: compare CPU time; more: compare wall time). */
  threads: number;
  /** Warm-up losses (first steps from the shared initial weights). */
  warm: number[];
  describe: string;
  block(k: number): Promise<Block>;
  stop(): Promise<void>;
}

function constGetter(w: Workload): { get: (n: string) => tf.Tensor; dispose: () => void } {
  const consts = new Map<string, tf.Tensor>();
  const get = (n: string) => {
    let t = consts.get(n);
    if (!t) {
      const a = w.arrays.find((x) => x.name === n);
      if (!a) throw new Error(`bench ${w.name}: no array ${n}`);
      t = tf.tensor(a.data, a.shape, a.dtype);
      consts.set(n, t);
    }
    return t;
  };
  return { get, dispose: () => tf.dispose([...consts.values()]) };
}

/**
 * tfjs in this process on `backend`, one thread. With `kernels`, the wasm kernel options are set
 * to them around every warm-up step, block and profile (e.g. KERNELS_BEFORE: the kernels as they
 * were before this session, so before/after alternate in one run) and restored afterwards.
 */
async function tfjsEngine(
  backend: string,
  w: Workload,
  warmup: number,
  kernels?: { label: string; options: Partial<WasmKernelOptions>; about: string },
): Promise<Engine & { profile(steps: number): Promise<KernelRow[]>; tensors(): number }> {
  await tf.setBackend(backend);
  const c = constGetter(w);
  const { step, dispose } = w.build(c.get);
  const under = <T>(f: () => T): T => {
    if (!kernels) return f();
    const prev = wasmKernelOptions(kernels.options);
    try {
      return f();
    } finally {
      wasmKernelOptions(prev);
    }
  };
  const warm: number[] = [];
  for (let i = 0; i < warmup; i++) warm.push(under(step));
  return {
    label: kernels?.label ?? backend,
    threads: 1,
    warm,
    describe: `tfjs ${backend}, one thread${kernels ? `, ${kernels.about}` : ""}`,
    async block(k) {
      return under(() => {
        const losses: number[] = [];
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < k; i++) losses.push(step());
        const wallMs = performance.now() - t0;
        const c1 = process.cpuUsage(c0);
        return { wallMs, cpuMs: (c1.user + c1.system) / 1000, losses };
      });
    },
    async profile(steps) {
      return under(() => profileKernels(step, steps));
    },
    tensors: () => tf.memory().numTensors,
    async stop() {
      dispose();
      c.dispose();
    },
  };
}

function arraysOf(w: Workload): Map<string, Arr> {
  return new Map(w.arrays.map((a) => [a.name, a]));
}

/**
 * Replica factory for data-parallel training of a bench workload (called on every thread with
 * { workload }): the same network and initial weights as `build`, loss = mean over the batch.
 */
export function benchReplica(config: { workload: string }): Replica {
  const w = workloads().find((x) => x.name === config.workload);
  if (!w) throw new RangeError(`benchReplica: unknown workload ${config.workload}`);
  const A = arraysOf(w);
  const t = (n: string) => tf.tensor(A.get(n)!.data, A.get(n)!.shape, A.get(n)!.dtype);
  if (w.kind === "cnn") {
    const { convs, dense } = w.spec as { convs: ConvSpec[]; dense: number[] };
    const model = tf.sequential();
    convs.forEach((c, i) => {
      model.add(
        tf.layers.conv2d({
          filters: c.filters,
          kernelSize: 3,
          strides: c.stride,
          padding: c.padding,
          activation: "relu",
          ...(i === 0 ? { inputShape: [28, 28, 1] } : {}),
        }),
      );
      if (c.pool) model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    });
    model.add(tf.layers.flatten());
    dense.forEach((units, i) =>
      model.add(tf.layers.dense({ units, activation: i < dense.length - 1 ? "relu" : "linear" })),
    );
    const init = w.arrays
      .filter((a) => a.name.startsWith("conv") || a.name.startsWith("dense"))
      .map((a) => t(a.name));
    model.setWeights(init);
    tf.dispose(init);
    return {
      variables: model.trainableWeights.map((v) => v.read() as tf.Variable),
      loss: (b) =>
        tf.losses.softmaxCrossEntropy(
          tf.oneHot(b.y as tf.Tensor1D, 10).toFloat(),
          model.apply(b.x) as tf.Tensor,
        ) as tf.Scalar,
    };
  }
  const { layers: L, order } = w.spec as { layers: number; order: "edge" | "node" };
  const variables: tf.Variable[] = [];
  const layers = Array.from({ length: L }, (_, i) => {
    const v = (n: string) => {
      const x = tf.variable(t(`mp${i}.${n}`));
      variables.push(x);
      return x;
    };
    return { wm: v("wm"), bm: v("bm"), wu: v("wu") };
  });
  return {
    variables,
    loss: (b) => {
      let h = b.h;
      const n = h.shape[0];
      for (const { wm, bm, wu } of layers) {
        const src = b.src as tf.Tensor1D;
        const pre = order === "edge" ? tf.gather(h, src).matMul(wm) : tf.gather(h.matMul(wm), src);
        const msg = tf.relu(pre.add(bm));
        h = tf.tanh(
          tf
            .unsortedSegmentSum(msg, b.dst as tf.Tensor1D, n)
            .matMul(wu)
            .add(h),
        );
      }
      return tf.mean(tf.square(h.sub(b.target)));
    },
  };
}

/** The whole batch of a workload split into `parts` shards (CNN: by images; mp: by graphs). */
export function benchShards(w: Workload, parts: number): Shard[] {
  const A = arraysOf(w);
  const arr = (n: string) => ({
    data: A.get(n)!.data,
    shape: A.get(n)!.shape,
    dtype: A.get(n)!.dtype,
  });
  if (w.kind === "cnn") return splitBatch({ x: arr("x"), y: arr("y") }, parts);
  const {
    nodes: N,
    edges: E,
    graphs: G,
    features: F,
  } = w.spec as { nodes: number; edges: number; graphs: number; features: number };
  if (parts > G) throw new RangeError(`benchShards: ${parts} shards for ${G} graphs`);
  const n = N / G,
    eg = E / G;
  const src = A.get("src")!.data as Int32Array,
    dst = A.get("dst")!.data as Int32Array;
  const h = A.get("h")!.data as Float32Array,
    target = A.get("target")!.data as Float32Array;
  const shards: Shard[] = [];
  let g0 = 0;
  for (let p = 0; p < parts; p++) {
    const g1 = g0 + Math.floor(G / parts) + (p < G % parts ? 1 : 0);
    const v0 = g0 * n,
      v1 = g1 * n,
      e0 = g0 * eg,
      e1 = g1 * eg;
    // Node ids relative to the shard's first node (graphs are disjoint, so no edge leaves a shard).
    const s = Int32Array.from(src.subarray(e0, e1), (v) => v - v0),
      d = Int32Array.from(dst.subarray(e0, e1), (v) => v - v0);
    shards.push({
      items: v1 - v0,
      arrays: {
        h: { data: h.slice(v0 * F, v1 * F), shape: [v1 - v0, F], dtype: "float32" },
        target: { data: target.slice(v0 * F, v1 * F), shape: [v1 - v0, F], dtype: "float32" },
        src: { data: s, shape: [e1 - e0], dtype: "int32" },
        dst: { data: d, shape: [e1 - e0], dtype: "int32" },
      },
    });
    g0 = g1;
  }
  return shards;
}

/** Data-parallel wasm training of a workload on `threads` threads (./tensor/dataparallel). */
async function dpEngine(w: Workload, warmup: number, threads: number): Promise<Engine> {
  await tf.setBackend("wasm");
  const dp = await DataParallel.start(
    { module: __filename, fn: "benchReplica", config: { workload: w.name } },
    { threads },
  );
  const shards = benchShards(w, threads);
  const opt = tf.train.sgd(LR);
  const step = async () => {
    const { loss, grads } = await dp.gradients(shards);
    opt.applyGradients(dp.named(grads));
    tf.dispose(grads);
    return loss;
  };
  const warm: number[] = [];
  for (let i = 0; i < warmup; i++) warm.push(await step());
  return {
    label: `wasm-dp${threads}`,
    threads,
    warm,
    describe: `wasm, data-parallel over ${threads} threads (shard sizes ${shards.map((s) => s.items).join("/")}; gradients averaged)`,
    async block(k) {
      const losses: number[] = [];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < k; i++) losses.push(await step());
      const wallMs = performance.now() - t0;
      const c1 = process.cpuUsage(c0);
      return { wallMs, cpuMs: (c1.user + c1.system) / 1000, losses };
    },
    async stop() {
      await dp.close();
      opt.dispose();
      tf.dispose(dp.replica.variables);
    },
  };
}

interface KernelRow {
  name: string;
  ms: number;
  calls: number;
}

/**
 * Process CPU time per wasm kernel: every kernel registered for 'wasm' is wrapped for the
 * duration of `steps` calls of `step`. Kernels that besselbook's kernels call internally count
 * towards the outer kernel (only depth-0 calls are timed). CPU time, unlike tf.profile's wall
 * time, is not inflated by other processes on a shared machine.
 */
function profileKernels(step: () => unknown, steps: number): KernelRow[] {
  const configs = tf.getKernelsForBackend("wasm");
  const acc = new Map<string, KernelRow>();
  let depth = 0;
  const wrapped = configs.map((k) => {
    const inner = k.kernelFunc;
    const kernelFunc = ((args: Parameters<tf.KernelFunc>[0]) => {
      if (depth > 0) return inner(args);
      depth++;
      const c0 = process.cpuUsage();
      try {
        return inner(args);
      } finally {
        const c = process.cpuUsage(c0);
        depth--;
        const r = acc.get(k.kernelName) ?? { name: k.kernelName, ms: 0, calls: 0 };
        r.ms += (c.user + c.system) / 1000 / steps;
        r.calls += 1 / steps;
        acc.set(k.kernelName, r);
      }
    }) as tf.KernelFunc;
    return { ...k, kernelFunc };
  });
  const swap = (list: tf.KernelConfig[]) => {
    for (const k of list) {
      tf.unregisterKernel(k.kernelName, "wasm");
      tf.registerKernel(k);
    }
  };
  swap(wrapped);
  try {
    for (let i = 0; i < steps; i++) step();
  } finally {
    swap(configs);
  }
  return [...acc.values()].sort((a, b) => b.ms - a.ms);
}

function python(): string {
  return process.env.BESSELBOOK_PYTHON ?? "/usr/bin/python3";
}

/** PyTorch availability: a reason string when it can't run, else null. */
function torchMissing(): string | null {
  const r = spawnSync(python(), ["-c", "import torch, numpy"], { encoding: "utf8" });
  if (r.error) return `${python()} not runnable (${r.error.message})`;
  if (r.status !== 0)
    return `${python()} cannot import torch/numpy (install Debian's python3-torch)`;
  return null;
}

/** Write the workload's arrays (raw little-endian) and a manifest that torch_step.py reads. */
function exportWorkload(w: Workload, dir: string, extra: Record<string, unknown>): string {
  let offset = 0;
  const chunks: Buffer[] = [];
  const arrays = w.arrays.map((a) => {
    const buf = Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    chunks.push(buf);
    const entry = { name: a.name, shape: a.shape, dtype: a.dtype, offset };
    offset += buf.length;
    return entry;
  });
  const data = path.join(dir, `${w.name}.bin`);
  if (!fs.existsSync(data)) fs.writeFileSync(data, Buffer.concat(chunks));
  const manifest = path.join(dir, `${w.name}-${JSON.stringify(extra).replace(/\W+/g, "_")}.json`);
  fs.writeFileSync(
    manifest,
    JSON.stringify({ kind: w.kind, spec: w.spec, data, arrays, lr: LR, ...extra }),
  );
  return manifest;
}

/** A long-lived torch_step.py process serving "run K" requests (so engines can alternate). */
async function torchEngine(
  w: Workload,
  warmup: number,
  threads: number,
  dir: string,
): Promise<Engine> {
  const manifest = exportWorkload(w, dir, { warmup, threads });
  const script = path.join(__dirname, "..", "..", "src", "bench", "torch_step.py");
  const n = String(threads);
  const child: ChildProcessWithoutNullStreams = spawn(python(), [script, manifest], {
    env: { ...process.env, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n },
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  const lines = readline.createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiting: ((s: string | null) => void)[] = [];
  lines.on("line", (l) => (waiting.length ? waiting.shift()!(l) : queue.push(l)));
  child.on("close", () => {
    while (waiting.length) waiting.shift()!(null);
  });
  const next = async (): Promise<Record<string, unknown>> => {
    const l = queue.length
      ? queue.shift()!
      : await new Promise<string | null>((res) => waiting.push(res));
    if (l === null)
      throw new Error(`torch_step.py exited: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
    return JSON.parse(l);
  };
  const ready = await next();
  return {
    label: `torch-${threads}t`,
    threads,
    warm: ready.losses as number[],
    describe: `PyTorch ${ready.torch}, torch.set_num_threads(${ready.threads})`,
    async block(k) {
      child.stdin.write(`run ${k}\n`);
      const r = await next();
      return {
        wallMs: r.wall_ms as number,
        cpuMs: r.cpu_ms as number,
        losses: r.losses as number[],
      };
    },
    async stop() {
      child.stdin.write("quit\n");
      await new Promise((res) => (child.exitCode !== null ? res(null) : child.on("close", res)));
    },
  };
}

function envInt(name: string, dflt: number, min = 0): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`${name} = ${v} is out of domain; expected an integer ≥ ${min}`);
  return n;
}

function envList(name: string, dflt: string): string[] {
  return (process.env[name] ?? dflt)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * Set up the wasm backend (paths for Node) and besselbook's kernels; returns a one-line
 * description.
 */
export async function setupWasm(): Promise<string> {
  tfwasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);
  if (!(await tf.setBackend("wasm"))) throw new Error("wasm backend failed to initialise");
  const kernels = registerWasmKernels();
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  const mt = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT");
  return `wasm: SIMD ${simd ? "on" : "off"}, multithread ${mt ? "available" : "unavailable"}, XNNPACK threads ${tfwasm.getThreadsCount()}; besselbook kernels: ${kernels.join(", ")}`;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
const med = (xs: number[]) => quantile(xs, 0.5);
const spread = (xs: number[]) =>
  `${med(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

/** Extra engines (e.g. data-parallel wasm) can be plugged in by other modules. */
export type EngineFactory = (w: Workload, warmup: number) => Promise<Engine | null>;
export const extraEngines: { name: string; make: EngineFactory }[] = [];

/**
 * Arithmetic throughput of the two engines on the same dense kernels, one thread each: a GEMM
 * [1024,1024]·[1024,256] and the CNN's second forward convolution ([64,13,13,32] * [3,3,32,64]).
 * Min CPU time of 5 calls per round (fresh operands), rounds alternating between the engines.
 * It bounds what kernel work can reach: time spent in these kernels cannot shrink below
 * MACs / (wasm MAC rate), whatever the surrounding code does.
 */
async function roofline(rounds: number, torchOk: boolean): Promise<void> {
  const shapes = { gemm: [1024, 1024, 256], conv: [64, 13, 13, 32, 64] };
  const macs = { gemm: 1024 * 1024 * 256, conv: 64 * 11 * 11 * 64 * 9 * 32 };
  const py = [
    "import time, torch, json; torch.set_num_threads(1)",
    "def t(f):",
    "  best = 1e9",
    "  for _ in range(5):",
    "    c = time.process_time(); f(); best = min(best, time.process_time() - c)",
    "  return best * 1000",
    "a = torch.randn(1024, 1024); b = torch.randn(1024, 256)",
    "x = torch.randn(64, 32, 13, 13); w = torch.randn(64, 32, 3, 3)",
    "torch.mm(a, b); torch.nn.functional.conv2d(x, w)",
    "print(json.dumps({'gemm': t(lambda: torch.mm(a, b)), 'conv': t(lambda: torch.nn.functional.conv2d(x, w))}))",
  ].join("\n");
  await tf.setBackend("wasm");
  const wasmMs = (f: () => tf.Tensor): number => {
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const c0 = process.cpuUsage();
      const y = f();
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1000);
      y.dispose();
    }
    return best;
  };
  const [M, K, N] = shapes.gemm;
  const a = tf.randomNormal([M, K], 0, 1, "float32", 1),
    x = tf.randomNormal([64, 13, 13, 32], 0, 1, "float32", 2);
  const res: Record<string, { wasm: number[]; torch: number[] }> = {
    gemm: { wasm: [], torch: [] },
    conv: { wasm: [], torch: [] },
  };
  for (let r = 0; r < rounds; r++) {
    // Fresh right-hand operands each call: XNNPACK packs (and caches) them per tensor.
    res.gemm.wasm.push(
      wasmMs(() => tf.tidy(() => tf.matMul(a, tf.randomNormal([K, N], 0, 1, "float32", r)))),
    );
    res.conv.wasm.push(
      wasmMs(() =>
        tf.tidy(() =>
          tf.conv2d(
            x as tf.Tensor4D,
            tf.randomNormal([3, 3, 32, 64], 0, 1, "float32", r) as tf.Tensor4D,
            1,
            "valid",
          ),
        ),
      ),
    );
    if (torchOk) {
      const out = spawnSync(python(), ["-c", py], {
        encoding: "utf8",
        env: { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
      });
      if (out.status === 0) {
        const j = JSON.parse(out.stdout.trim().split("\n").pop()!);
        res.gemm.torch.push(j.gemm);
        res.conv.torch.push(j.conv);
      }
    }
  }
  tf.dispose([a, x]);
  console.log(
    `\nArithmetic throughput, one thread (min CPU time of 5 calls, median over ${rounds} alternating rounds; load ${load()}):`,
  );
  for (const k of ["gemm", "conv"] as const) {
    const w = med(res[k].wasm),
      t = res[k].torch.length ? med(res[k].torch) : NaN;
    const rate = (ms: number) => (macs[k] / ms / 1e6).toFixed(1);
    console.log(
      `  ${k === "gemm" ? "GEMM [1024,1024]·[1024,256]" : "conv [64,13,13,32]*[3,3,32,64]"}: wasm ${fmt(w)} ms = ${rate(w)} GMAC/s` +
        (Number.isFinite(t)
          ? `; PyTorch ${fmt(t)} ms = ${rate(t)} GMAC/s; wasm/PyTorch ${(w / t).toFixed(2)}`
          : ""),
    );
  }
  // The ceiling for any wasm kernel: register-only f32x4 multiply-add chains (./simdpeak).
  const peak = simdPeak(rounds);
  console.log(
    `  wasm SIMD peak (12 register chains of f32x4 acc·x + y, no memory; median [min–max] of ${rounds} alternating child processes, load ${load()}):`,
  );
  console.log(`    mul + add (what tfjs 4.22's binary has): ${spread(peak.muladd)} GMAC/s`);
  console.log(
    peak.fma.length
      ? `    relaxed_madd (FMA; needs node --experimental-wasm-relaxed-simd; tfjs 4.22 has no such binary): ${spread(peak.fma)} GMAC/s`
      : `    relaxed_madd: not runnable here (${peak.fmaError ?? "unknown"})`,
  );
}

/**
 * Kernel variants on the CNN's layer shapes, one thread, min CPU ms of 7 calls with fresh inputs
 * (XNNPACK caches packed operands per tensor, so reusing one tensor would flatter a matmul):
 * every way of computing the filter gradient, and besselbook's MaxPoolGrad against the stock
 * tfjs-backend-wasm kernel it replaces. (A JS Sum over leading axes for bias gradients was tried
 * and dropped: 3.43 vs the stock kernel's 3.42 CPU-ms on [64,26,26,32].)
 */
async function kernelVariants(): Promise<void> {
  await tf.setBackend("wasm");
  const minMs = (run: () => tf.TensorInfo, fresh: () => tf.Tensor[]): number => {
    let best = Infinity;
    for (let i = 0; i < 7; i++) {
      const inputs = fresh();
      const c0 = process.cpuUsage();
      const out = run.call(inputs);
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1000);
      tf.engine().backend.disposeData(out.dataId);
      tf.dispose(inputs);
    }
    return best;
  };
  const kernel = (
    name: string,
    inputs: Record<string, tf.Tensor>,
    attrs: Record<string, unknown>,
    stock = false,
  ): tf.TensorInfo => {
    const f = stock ? stockWasmKernel(name) : tf.getKernel(name, "wasm")?.kernelFunc;
    if (!f) throw new Error(`bench: no ${stock ? "stock " : ""}wasm kernel ${name}`);
    const out = f({
      inputs,
      backend: tf.engine().backend,
      attrs,
    } as unknown as Parameters<tf.KernelFunc>[0]);
    return Array.isArray(out) ? out[0] : out;
  };
  console.log("\nKernel variants, CPU ms per call (min of 7, fresh inputs):");
  const layers: [number[], number, number, "valid" | "same"][] = [
    [[64, 28, 28, 1], 32, 1, "valid"],
    [[64, 13, 13, 32], 64, 1, "valid"],
    [[64, 5, 5, 64], 64, 1, "valid"],
    [[64, 14, 14, 32], 64, 2, "same"],
  ];
  for (const [xs, co, s, pad] of layers) {
    const [n, h, w, ci] = xs;
    const info = tf.backend_util.computeConv2DInfo(
      xs as [number, number, number, number],
      [3, 3, ci, co],
      s,
      1,
      pad,
    );
    const attrs = { strides: s, pad, dataFormat: "NHWC", filterShape: [3, 3, ci, co] };
    const parts: string[] = [];
    for (const v of ["conv", "colsT", "cols"] as const) {
      backpropFilterVariant.layout = v;
      let x: tf.Tensor, dy: tf.Tensor;
      const ms = minMs(
        () => kernel("Conv2DBackpropFilter", { x, dy }, attrs),
        () => [(x = tf.randomNormal([n, h, w, ci])), (dy = tf.randomNormal(info.outShape))],
      );
      parts.push(`${v} ${fmt(ms)}`);
    }
    backpropFilterVariant.layout = "auto";
    console.log(
      `  Conv2DBackpropFilter x [${xs}] → ${co}, stride ${s} ${pad}: ${parts.join(", ")} (auto uses ${ci >= 8 ? "conv" : "cols or colsT"})`,
    );
  }
  {
    let x: tf.Tensor, y: tf.Tensor, dy: tf.Tensor;
    const fresh = () => {
      x = tf.randomNormal([64, 26, 26, 32]);
      y = tf.maxPool(x as tf.Tensor4D, 2, 2, "valid");
      dy = tf.randomNormal(y.shape);
      return [x, y, dy];
    };
    const attrs = { filterSize: 2, strides: 2, pad: "valid" };
    const ours = minMs(() => kernel("MaxPoolGrad", { dy, input: x, output: y }, attrs), fresh);
    const stock = minMs(
      () => kernel("MaxPoolGrad", { dy, input: x, output: y }, attrs, true),
      fresh,
    );
    console.log(
      `  MaxPoolGrad 2×2/2 on [64,26,26,32]: besselbook ${fmt(ours)}, stock ${fmt(stock)}`,
    );
  }
}

/**
 * What data parallelism can gain at most on `parts` threads: CPU time of one gradient
 * computation on the whole batch vs on one shard, both on this thread, alternating for `rounds`
 * rounds of 3 calls. With perfect threads and no transfer cost a step takes the shard's time, so
 * full / shard bounds the speed-up; per-step costs that do not shrink with the batch (op dispatch,
 * operator creation) keep it below `parts`.
 */
async function dpBound(w: Workload, parts: number, rounds: number): Promise<{ ratio: number[] }> {
  await tf.setBackend("wasm");
  const rep = benchReplica({ workload: w.name });
  const full = benchShards(w, 1)[0],
    shard = benchShards(w, parts)[0];
  const cpu = (s: Shard) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 3; i++) shardGradients(rep, s);
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  cpu(full);
  cpu(shard);
  const ratio: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = r % 2 ? cpu(shard) : cpu(full),
      b = r % 2 ? cpu(full) : cpu(shard);
    ratio.push(r % 2 ? b / a : a / b);
  }
  tf.dispose(rep.variables);
  return { ratio };
}

export async function run(): Promise<void> {
  const rounds = envInt("BESSELBOOK_BENCH_ROUNDS", 7, 1);
  const blockSteps = envInt("BESSELBOOK_BENCH_BLOCK", 5, 1);
  const cpuSteps = envInt("BESSELBOOK_BENCH_CPU_STEPS", 0);
  const torchThreads = envList("BESSELBOOK_BENCH_TORCH_THREADS", "1,2").map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(
        `BESSELBOOK_BENCH_TORCH_THREADS entry ${t} is out of domain; expected integers ≥ 1`,
      );
    return n;
  });
  const dpThreads = envList("BESSELBOOK_BENCH_DP", "2").map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 2)
      throw new RangeError(
        `BESSELBOOK_BENCH_DP entry ${t} is out of domain; expected integers ≥ 2`,
      );
    return n;
  });
  const wanted = envList(
    "BESSELBOOK_BENCH_WORKLOADS",
    workloads()
      .map((w) => w.name)
      .join(","),
  );
  const all = workloads();
  const unknown = wanted.filter((n) => !all.some((w) => w.name === n));
  if (unknown.length)
    throw new RangeError(
      `BESSELBOOK_BENCH_WORKLOADS: unknown ${unknown.join(", ")}; expected some of ${all.map((w) => w.name).join(", ")}`,
    );
  const warmup = 3;
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus[0]?.model ?? "unknown CPU"} × ${cpus.length} logical CPUs; Node ${process.version}; load average ${load()} (1/5/15 min)`,
  );
  console.log(`tfjs ${tf.version.tfjs}; ${await setupWasm()}`);
  const missing = torchMissing();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "besselbook-bench-"));
  console.log(
    missing
      ? `torch: SKIPPED — ${missing}`
      : `torch: ${python()}, thread counts ${torchThreads.join(", ")}`,
  );
  console.log(
    `method: ${rounds} rounds × ${blockSteps} steps per engine, engine order rotating each round, after ${warmup} warm-up steps`,
  );
  const summary: string[][] = [
    [
      "workload",
      "wasm cpu-ms",
      "torch-1t cpu-ms",
      "wasm/torch-1t (median [min–max])",
      "load before → after",
    ],
  ];
  const multi: string[][] = [];
  const withBefore = process.env.BESSELBOOK_BENCH_BEFORE !== "0";
  const beforeRows: string[][] = [
    ["workload", "before cpu-ms", "now cpu-ms", "now/before (median [min–max])", "before/torch-1t"],
  ];
  try {
    await roofline(rounds, !missing);
    await kernelVariants();
    for (const w of all.filter((x) => wanted.includes(x.name))) {
      const load0 = load();
      console.log(`\n[${w.name}] ${w.about}\n  load average ${load0}`);
      const wasm = await tfjsEngine("wasm", w, warmup);
      const before = withBefore
        ? await tfjsEngine("wasm", w, warmup, {
            label: "wasm-before",
            options: KERNELS_BEFORE,
            about:
              "kernels as before session 3 (dW im2col, copying Identity, tfjs-core segment-sum gradient, plain segment-sum and gather loops)",
          })
        : null;
      const engines: Engine[] = before ? [wasm, before] : [wasm];
      if (!missing)
        for (const t of torchThreads) engines.push(await torchEngine(w, warmup, t, dir));
      for (const t of dpThreads) engines.push(await dpEngine(w, warmup, t));
      for (const x of extraEngines) {
        const e = await x.make(w, warmup);
        if (e) engines.push(e);
      }
      for (const e of engines) console.log(`  ${e.label.padEnd(10)} ${e.describe}`);
      const tensors0 = wasm.tensors();
      const blocks = new Map<string, Block[]>(engines.map((e) => [e.label, []]));
      for (let r = 0; r < rounds; r++) {
        for (let j = 0; j < engines.length; j++) {
          const e = engines[(j + r) % engines.length];
          blocks.get(e.label)!.push(await e.block(blockSteps));
        }
      }
      const tensors1 = wasm.tensors();
      const perStep = (label: string, f: "cpuMs" | "wallMs") =>
        blocks.get(label)!.map((b) => b[f] / blockSteps);
      for (const e of engines) {
        console.log(
          `  ${e.label.padEnd(10)} cpu-ms/step ${spread(perStep(e.label, "cpuMs"))}, wall-ms/step ${spread(perStep(e.label, "wallMs"))} (median [min–max] over ${rounds} blocks)`,
        );
      }
      console.log(
        `  wasm tensors before/after the rounds: ${tensors0} → ${tensors1}${tensors0 === tensors1 ? " (flat)" : " (GROWING)"}`,
      );
      const k = Math.min(3, ...engines.map((e) => e.warm.length));
      console.log(`  first ${k} losses from the shared initial weights:`);
      for (const e of engines)
        console.log(
          `    ${e.label.padEnd(10)} ${e.warm
            .slice(0, k)
            .map((l) => l.toFixed(5))
            .join(" ")}`,
        );
      const ratio = (a: string, b: string, f: "cpuMs" | "wallMs") => {
        const A = blocks.get(a)!,
          B = blocks.get(b)!;
        return A.map((x, i) => x[f] / B[i][f]);
      };
      const load1 = load();
      if (before) {
        const rb = ratio("wasm", "wasm-before", "cpuMs");
        console.log(`  wasm now / wasm before this session, CPU time per round: ${spread(rb)}`);
        beforeRows.push([
          w.name,
          fmt(med(perStep("wasm-before", "cpuMs"))),
          fmt(med(perStep("wasm", "cpuMs"))),
          spread(rb),
        ]);
        if (!missing)
          beforeRows[beforeRows.length - 1].push(spread(ratio("wasm-before", "torch-1t", "cpuMs")));
      }
      if (!missing) {
        const rc = ratio("wasm", "torch-1t", "cpuMs");
        console.log(
          `  wasm / torch-1t, CPU time per round: ${spread(rc)}; wall time: ${spread(ratio("wasm", "torch-1t", "wallMs"))}`,
        );
        summary.push([
          w.name,
          fmt(med(perStep("wasm", "cpuMs"))),
          fmt(med(perStep("torch-1t", "cpuMs"))),
          spread(rc),
          `${load0.split(" ")[0]} → ${load1.split(" ")[0]}`,
        ]);
      }
      for (const e of engines.filter((x) => x.threads > 1)) {
        const parts = [
          `${e.label} (${e.threads} threads), wall time per round: vs wasm 1 thread ${spread(ratio(e.label, "wasm", "wallMs"))}`,
        ];
        if (!missing) parts.push(`vs torch-1t ${spread(ratio(e.label, "torch-1t", "wallMs"))}`);
        console.log("  " + parts.join("; "));
        multi.push([w.name, e.label, ...parts]);
      }
      for (const t of dpThreads) {
        const b = await dpBound(w, t, rounds);
        console.log(
          `  data-parallel bound on ${t} threads: CPU time of the whole batch / one shard (gradient only, one thread) = ${spread(b.ratio)} — the most ${t} threads can gain`,
        );
        multi.push([
          w.name,
          `bound-${t}`,
          `bound on the ${t}-thread speed-up (whole batch / one shard, CPU time): ${spread(b.ratio)}`,
        ]);
      }
      console.log(`  load average after: ${load1}`);
      // Where the wasm step's time goes (process CPU time per kernel, see profileKernels); with the
      // before engine, its profile is printed next to it (kernel by kernel, before → now).
      await tf.setBackend("wasm");
      // One profiled step at a time, now and before alternating, so load hits both alike.
      const merge = (rows: KernelRow[][]): KernelRow[] => {
        const m = new Map<string, KernelRow>();
        for (const list of rows)
          for (const r of list) {
            const x = m.get(r.name) ?? { name: r.name, ms: 0, calls: 0 };
            x.ms += r.ms / rows.length;
            x.calls += r.calls / rows.length;
            m.set(r.name, x);
          }
        return [...m.values()].sort((a, b) => b.ms - a.ms);
      };
      const nowRuns: KernelRow[][] = [],
        beforeRuns: KernelRow[][] = [];
      for (let i = 0; i < 5; i++) {
        nowRuns.push(await wasm.profile(1));
        if (before) beforeRuns.push(await before.profile(1));
      }
      const prof = merge(nowRuns);
      const total = prof.reduce((a, r) => a + r.ms, 0);
      const profB = before ? merge(beforeRuns) : [];
      const totalB = profB.reduce((a, r) => a + r.ms, 0);
      const bMs = new Map(profB.map((r) => [r.name, r.ms]));
      console.log(
        `  wasm kernels, CPU ms per step (mean of 5 steps, alternating with the before engine; ${fmt(total)} ms in kernels, ${fmt(med(perStep("wasm", "cpuMs")))} per step in all)${before ? `; before this session: ${fmt(totalB)} ms in kernels` : ""}:`,
      );
      const names = [
        ...prof.map((r) => r.name),
        ...profB.map((r) => r.name).filter((n) => !prof.some((r) => r.name === n)),
      ];
      const byName = new Map(prof.map((r) => [r.name, r]));
      // Rows: the top 10 of either profile.
      const top = names.filter(
        (n) =>
          prof.slice(0, 10).some((r) => r.name === n) ||
          profB.slice(0, 10).some((r) => r.name === n),
      );
      for (const n of top) {
        const r = byName.get(n);
        const ms = r?.ms ?? 0;
        const was = before ? `   before ${fmt(bMs.get(n) ?? 0).padStart(6)} ms` : "";
        console.log(
          `    ${n.padEnd(30)} ${fmt(ms).padStart(6)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${(r?.calls ?? 0).toFixed(0).padStart(3)} calls${was}`,
        );
      }
      const rest = prof.filter((r) => !top.includes(r.name)).reduce((a, r) => a + r.ms, 0);
      const restB = profB.filter((r) => !top.includes(r.name)).reduce((a, r) => a + r.ms, 0);
      console.log(
        `    ${"other kernels".padEnd(30)} ${fmt(rest).padStart(6)} ms  ${((100 * rest) / total).toFixed(1).padStart(5)}%${before ? `             before ${fmt(restB).padStart(6)} ms` : ""}`,
      );
      for (const e of engines) await e.stop();
      if (cpuSteps > 0 && w.cpuSkip === null) {
        const cp = await tfjsEngine("cpu", w, 0);
        const b = await cp.block(cpuSteps);
        console.log(
          `  cpu (tfjs-cpu, ${cpuSteps} step(s)): ${fmt(b.cpuMs / cpuSteps)} cpu-ms/step, first loss ${b.losses[0].toFixed(5)}`,
        );
        await cp.stop();
        await tf.setBackend("wasm");
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nSingle thread, CPU ms per training step (goal wasm/torch-1t ≤ 2):`);
  const widths = summary[0].map((_, j) => Math.max(...summary.map((r) => r[j].length)));
  for (const r of summary)
    console.log(
      "  " + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  "),
    );
  if (beforeRows.length > 1) {
    console.log(
      `\nThis session's kernels against the kernels before it (same process, alternating blocks):`,
    );
    const wb = beforeRows[0].map((_, j) => Math.max(...beforeRows.map((r) => (r[j] ?? "").length)));
    for (const r of beforeRows)
      console.log(
        "  " + r.map((c, j) => (j === 0 ? c.padEnd(wb[j]) : c.padStart(wb[j]))).join("  "),
      );
  }
  if (multi.length) {
    console.log(
      `\nMore threads, wall-time ratios per round (goal: ≤ 1.0 vs torch-1t, ≤ 1/1.7 = 0.59 vs wasm 1 thread):`,
    );
    for (const m of multi) console.log(`  ${m[0]}: ${m.slice(2).join("; ")}`);
  }
}
