/**
 * `npm run bench -- training`: one training step of ordinary tfjs code on wasm (with besselbook's
 * kernels), on cpu, and in PyTorch (one thread) on the same inputs and initial weights.
 *
 * Workloads (defined once here; torch_step.py rebuilds them from the exported manifest):
 *   cnn     the TensorFlow-tutorial CNN: conv 3×3 32 → maxpool 2 → conv 64 → maxpool → conv 64
 *           ('valid', relu) → dense 64 relu → dense 10, softmax cross-entropy, batch 64 × 28×28×1
 *   cnn-s2  3 strided convs (3×3, stride 2, 'same', 32/64/64, relu) → dense 10, batch 64
 *   mp      2 message-passing layers on 1,000 nodes / 10,000 edges, 64 features:
 *           h ← tanh(segmentSum_dst(relu(gather(h, src)·Wm + bm))·Wu + h), MSE to a target
 * All take plain SGD steps (lr 0.01). Printed: ms/step per engine, ratios, the losses of the first
 * steps on every engine (same weights ⇒ same numbers: a check that all three run one network),
 * and the tensor count before/after the timed steps (must not grow).
 * Env: BESSELBOOK_BENCH_STEPS (wasm/torch timed steps, default 20), BESSELBOOK_BENCH_CPU_STEPS
 * (default 1; a cpu CNN step takes 13+ s, 0 skips cpu), BESSELBOOK_BENCH_CPU_ALL=1 (also run the
 * message-passing step on cpu: minutes), BESSELBOOK_PYTHON (default /usr/bin/python3).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import { registerWasmKernels } from "../tensor/wasm";
import { rng, Rng } from "../tensor/rng";

type Arr = { name: string; shape: number[]; dtype: "float32" | "int32"; data: Float32Array | Int32Array };

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

function cnnWorkload(name: string, about: string, convs: ConvSpec[], dense: number[], seed: number): Workload {
  const r = rng(seed);
  const B = 64, H = 28, C = 10;
  const arrays: Arr[] = [];
  const x = new Float32Array(B * H * H);
  for (let i = 0; i < x.length; i++) x[i] = r.uniform();
  const y = new Int32Array(B);
  for (let i = 0; i < B; i++) y[i] = r.int(C);
  arrays.push({ name: "x", shape: [B, H, H, 1], dtype: "float32", data: x }, { name: "y", shape: [B], dtype: "int32", data: y });
  // He-normal weights so activations keep their scale; small nonzero biases exercise the bias path.
  let ci = 1, side = H;
  convs.forEach((c, i) => {
    arrays.push({ name: `conv${i}.kernel`, shape: [3, 3, ci, c.filters], dtype: "float32", data: normals(r, 9 * ci * c.filters, Math.sqrt(2 / (9 * ci))) });
    arrays.push({ name: `conv${i}.bias`, shape: [c.filters], dtype: "float32", data: normals(r, c.filters, 0.01) });
    side = c.padding === "same" ? Math.ceil(side / c.stride) : Math.floor((side - 3) / c.stride) + 1;
    if (c.pool) side = Math.floor(side / 2);
    ci = c.filters;
  });
  let fin = side * side * ci;
  dense.forEach((units, i) => {
    arrays.push({ name: `dense${i}.kernel`, shape: [fin, units], dtype: "float32", data: normals(r, fin * units, Math.sqrt(2 / fin)) });
    arrays.push({ name: `dense${i}.bias`, shape: [units], dtype: "float32", data: normals(r, units, 0.01) });
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
        model.add(tf.layers.conv2d({ filters: c.filters, kernelSize: 3, strides: c.stride, padding: c.padding, activation: "relu", ...(i === 0 ? { inputShape: [H, H, 1] } : {}) }));
        if (c.pool) model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      });
      model.add(tf.layers.flatten());
      dense.forEach((units, i) => model.add(tf.layers.dense({ units, activation: i < dense.length - 1 ? "relu" : "linear" })));
      const weights = arrays.filter((a) => a.name.startsWith("conv") || a.name.startsWith("dense")).map((a) => get(a.name));
      model.setWeights(weights);
      const xs = get("x");
      const ys = tf.tidy(() => tf.oneHot(get("y"), C).toFloat());
      const opt = tf.train.sgd(LR);
      const step = () =>
        tf.tidy(() => {
          const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, true)!;
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

function mpWorkload(seed: number): Workload {
  const r = rng(seed);
  const N = 1000, E = 10000, F = 64, L = 2;
  const src = new Int32Array(E), dst = new Int32Array(E);
  for (let e = 0; e < E; e++) {
    src[e] = r.int(N);
    dst[e] = r.int(N);
  }
  const arrays: Arr[] = [
    { name: "src", shape: [E], dtype: "int32", data: src },
    { name: "dst", shape: [E], dtype: "int32", data: dst },
    { name: "h", shape: [N, F], dtype: "float32", data: normals(r, N * F, 1) },
    { name: "target", shape: [N, F], dtype: "float32", data: normals(r, N * F, 0.5) },
  ];
  for (let i = 0; i < L; i++) {
    // Messages are summed over ~10 in-edges per node: scale Wu by 1/√(10F) to keep tanh unsaturated.
    arrays.push({ name: `mp${i}.wm`, shape: [F, F], dtype: "float32", data: normals(r, F * F, Math.sqrt(2 / F)) });
    arrays.push({ name: `mp${i}.bm`, shape: [F], dtype: "float32", data: normals(r, F, 0.01) });
    arrays.push({ name: `mp${i}.wu`, shape: [F, F], dtype: "float32", data: normals(r, F * F, 1 / Math.sqrt(10 * F)) });
  }
  return {
    name: "mp",
    about: `message passing: ${L} layers, ${N} nodes, ${E} edges, ${F} features (gather + segment sum)`,
    kind: "mp",
    // tfjs-cpu's UnsortedSegmentSum loops over segments with a mask each (O(E·N·F)): one call
    // here measured 129 CPU-s, one training step 353 CPU-s (26 min wall on the loaded machine).
    cpuSkip: "one step measured 353 CPU-s (tfjs-cpu UnsortedSegmentSum is O(edges·nodes·features))",
    spec: { nodes: N, edges: E, features: F, layers: L },
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
      const s = get("src") as tf.Tensor1D, d = get("dst") as tf.Tensor1D, h0 = get("h"), target = get("target");
      const opt = tf.train.sgd(LR);
      const forward = (): tf.Scalar => {
        let h = h0;
        for (const { wm, bm, wu } of layers) {
          const msg = tf.relu(tf.gather(h, s).matMul(wm).add(bm));
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
  ];
}

interface Timing {
  /** Wall-clock ms per step. */
  msPerStep: number;
  /** Process CPU ms per step (user + system). All engines run one thread, so on an idle machine
   *  this equals wall time; on a shared, loaded machine it is the number that stays comparable. */
  cpuMsPerStep: number;
  losses: number[];
  tensorsBefore: number;
  tensorsAfter: number;
}

async function timeTfjs(backend: string, w: Workload, warmup: number, steps: number): Promise<Timing> {
  await tf.setBackend(backend);
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
  const { step, dispose } = w.build(get);
  const losses: number[] = [];
  for (let i = 0; i < warmup; i++) losses.push(step());
  const tensorsBefore = tf.memory().numTensors;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) losses.push(step());
  const ms = (performance.now() - t0) / Math.max(steps, 1);
  const c1 = process.cpuUsage(c0);
  const cpuMs = (c1.user + c1.system) / 1000 / Math.max(steps, 1);
  const tensorsAfter = tf.memory().numTensors;
  dispose();
  tf.dispose([...consts.values()]);
  return { msPerStep: ms, cpuMsPerStep: cpuMs, losses, tensorsBefore, tensorsAfter };
}

function python(): string {
  return process.env.BESSELBOOK_PYTHON ?? "/usr/bin/python3";
}

/** PyTorch availability: a reason string when it can't run, else null. */
function torchMissing(): string | null {
  const r = spawnSync(python(), ["-c", "import torch, numpy"], { encoding: "utf8" });
  if (r.error) return `${python()} not runnable (${r.error.message})`;
  if (r.status !== 0) return `${python()} cannot import torch/numpy (install Debian's python3-torch)`;
  return null;
}

function timeTorch(w: Workload, warmup: number, steps: number, dir: string): Timing & { threads: number; version: string } {
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
  const manifest = path.join(dir, `${w.name}.json`);
  fs.writeFileSync(data, Buffer.concat(chunks));
  fs.writeFileSync(manifest, JSON.stringify({ kind: w.kind, spec: w.spec, data, arrays, lr: LR, warmup, steps }));
  const script = path.join(__dirname, "..", "..", "src", "bench", "torch_step.py");
  const r = spawnSync(python(), [script, manifest], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" } });
  if (r.status !== 0) throw new Error(`torch_step.py failed (${r.status}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
  return { msPerStep: out.ms_per_step, cpuMsPerStep: out.cpu_ms_per_step, losses: out.losses, tensorsBefore: 0, tensorsAfter: 0, threads: out.threads, version: out.torch };
}

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} = ${v} is out of domain; expected a non-negative integer`);
  return n;
}

/** Set up the wasm backend (paths for Node) and besselbook's kernels; returns a one-line description. */
export async function setupWasm(): Promise<string> {
  tfwasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);
  if (!(await tf.setBackend("wasm"))) throw new Error("wasm backend failed to initialise");
  const kernels = registerWasmKernels();
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  const mt = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT");
  return `wasm: SIMD ${simd ? "on" : "off"}, multithread ${mt ? "available" : "unavailable"}, XNNPACK threads ${tfwasm.getThreadsCount()}; besselbook kernels: ${kernels.join(", ")}`;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export async function run(): Promise<void> {
  const steps = envInt("BESSELBOOK_BENCH_STEPS", 20);
  const cpuSteps = envInt("BESSELBOOK_BENCH_CPU_STEPS", 1);
  const warmup = 3;
  console.log(`tfjs ${tf.version.tfjs}; ${await setupWasm()}`);
  console.log(`cpu: tfjs-backend-cpu (plain JS, one thread)`);
  const missing = torchMissing();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "besselbook-bench-"));
  console.log(missing ? `torch: SKIPPED — ${missing}` : `torch: ${python()} with torch.set_num_threads(1)`);
  const rows: string[][] = [["workload", "wasm", "cpu", "torch", "wasm/torch", "cpu/wasm"]];
  const line = (engine: string, t: Timing, note: string) =>
    console.log(`  ${engine.padEnd(5)} ${fmt(t.cpuMsPerStep)} cpu-ms/step, ${fmt(t.msPerStep)} wall-ms/step (${note})`);
  try {
    for (const w of workloads()) {
      console.log(`\n[${w.name}] ${w.about}`);
      const wa = await timeTfjs("wasm", w, warmup, steps);
      line("wasm", wa, `${steps} steps after ${warmup} warm-up; tensors ${wa.tensorsBefore} → ${wa.tensorsAfter}${wa.tensorsAfter === wa.tensorsBefore ? ", flat" : ", GROWING"}`);
      const runCpu = cpuSteps > 0 && (w.cpuSkip === null || process.env.BESSELBOOK_BENCH_CPU_ALL === "1");
      const cp = runCpu ? await timeTfjs("cpu", w, 0, cpuSteps) : null;
      if (cp) line("cpu", cp, `${cpuSteps} step(s); tensors ${cp.tensorsBefore} → ${cp.tensorsAfter}`);
      else if (cpuSteps > 0) console.log(`  cpu   skipped: ${w.cpuSkip}; BESSELBOOK_BENCH_CPU_ALL=1 runs it`);
      let to: (Timing & { threads: number; version: string }) | null = null;
      if (!missing) {
        to = timeTorch(w, warmup, steps, dir);
        line("torch", to, `torch ${to.version}, ${to.threads} thread, ${steps} steps after ${warmup} warm-up`);
      }
      // Engines start from identical weights and data, so the first losses agree to float32
      // rounding; later steps drift apart slowly (summation order differs).
      const k = Math.min(3, wa.losses.length, cp?.losses.length ?? 99, to?.losses.length ?? 99);
      const show = (t: Timing | null) => (t ? t.losses.slice(0, k).map((l) => l.toFixed(5)).join(" ") : "—");
      console.log(`  losses, first ${k} step(s): wasm ${show(wa)} | cpu ${show(cp)} | torch ${show(to)}`);
      rows.push([
        w.name,
        fmt(wa.cpuMsPerStep),
        cp ? fmt(cp.cpuMsPerStep) : "—",
        to ? fmt(to.cpuMsPerStep) : "skipped",
        to ? (wa.cpuMsPerStep / to.cpuMsPerStep).toFixed(2) : "—",
        cp ? (cp.cpuMsPerStep / wa.cpuMsPerStep).toFixed(0) : "—",
      ]);
      await tf.setBackend("wasm");
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log("\nCPU ms per training step (process CPU time; every engine single-threaded; goal wasm/torch ≤ 2):");
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  for (const r of rows) console.log("  " + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  "));
}
