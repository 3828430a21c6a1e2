import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import { rng, BesselbookError, ShapeError, tensor } from "besselbook";
const { registerWasmKernels, DataParallel, splitBatch, Stepper, trainThreads } = tensor;
type ShardArray = tensor.ShardArray;
import { tinyReplica } from "./fixtures/dp_replica";

// Data-parallel training (lib/src/tensor/dataparallel): same seed + thread count → byte-identical
// weights; one thread → exactly ordinary training; two threads → ordinary training to float32
// rounding (the batch reduction is summed in a different order); a loss that is not a mean over
// items is NOT data-parallel (negative control).
const FIXTURE = path.join(__dirname, "fixtures", "dp_replica.js");
const B = 10; // odd split for 3 threads (4/3/3)

function batch(): Record<string, ShardArray> {
  const r = rng(5);
  const x = Float32Array.from({ length: B * 6 * 6 * 2 }, () => r.normal());
  const y = Int32Array.from({ length: B }, () => r.int(3));
  return {
    x: { data: x, shape: [B, 6, 6, 2], dtype: "float32" },
    y: { data: y, shape: [B], dtype: "int32" },
  };
}

async function trainDp(
  threads: number,
  steps: number,
  reduce: "mean" | "sum" = "mean",
): Promise<{ weights: Float32Array[]; losses: number[] }> {
  const dp = await DataParallel.start(
    { module: FIXTURE, fn: "tinyReplica", config: { seed: 3, reduce } },
    { threads },
  );
  const opt = tf.train.sgd(0.1);
  const shards = splitBatch(batch(), threads);
  const losses: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const { loss, grads } = await dp.gradients(shards);
      opt.applyGradients(dp.named(grads));
      tf.dispose(grads);
      losses.push(loss);
    }
    return {
      weights: dp.replica.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array)),
      losses,
    };
  } finally {
    await dp.close();
    opt.dispose();
    tf.dispose(dp.replica.variables);
  }
}

function trainPlain(steps: number): Float32Array[] {
  const rep = tinyReplica({ seed: 3, reduce: "mean" });
  const opt = tf.train.sgd(0.1);
  const b = batch();
  const xs = { x: tf.tensor(b.x.data, b.x.shape), y: tf.tensor(b.y.data, b.y.shape, "int32") };
  for (let i = 0; i < steps; i++)
    tf.tidy(() => void opt.minimize(() => rep.loss(xs), false, rep.variables));
  const out = rep.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  tf.dispose([...rep.variables, xs.x, xs.y]);
  opt.dispose();
  return out;
}

const bytes = (ws: Float32Array[]) =>
  Buffer.concat(ws.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength)));
function maxRel(a: Float32Array[], b: Float32Array[]): number {
  let num = 0,
    den = 0;
  a.forEach((x, i) =>
    x.forEach(
      (v, k) => (
        (num = Math.max(num, Math.abs(v - b[i][k]))),
        (den = Math.max(den, Math.abs(b[i][k])))
      ),
    ),
  );
  return num / den;
}

describe("tensor/dataparallel: training over worker threads", function () {
  this.timeout(120000);
  let previous = "";
  before(async () => {
    previous = tf.getBackend();
    if (!tf.findBackend("wasm")) {
      try {
        tfwasm.setWasmPaths(
          path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep,
        );
      } catch {
        /* paths already set */
      }
    }
    assert.ok(await tf.setBackend("wasm"));
    registerWasmKernels();
  });
  after(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it("one thread is exactly ordinary training (byte-identical weights after 4 steps)", async () => {
    const dp = await trainDp(1, 4);
    assert.ok(
      bytes(dp.weights).equals(bytes(trainPlain(4))),
      "dp(1) weights differ from opt.minimize",
    );
  });

  it("same thread count twice → byte-identical weights and losses (2 and 3 threads)", async () => {
    for (const t of [2, 3]) {
      const a = await trainDp(t, 4),
        b = await trainDp(t, 4);
      assert.ok(
        bytes(a.weights).equals(bytes(b.weights)),
        `${t} threads: weights differ between runs`,
      );
      assert.deepEqual(a.losses, b.losses);
    }
  });

  it("two and three threads equal one thread to float32 rounding", async () => {
    const one = await trainDp(1, 4);
    for (const t of [2, 3]) {
      const e = maxRel((await trainDp(t, 4)).weights, one.weights);
      // 4 SGD steps of a batch-10 mean: summation-order differences of a few ulps per step.
      assert.ok(e < 1e-5, `${t} threads vs 1: relative difference ${e}`);
    }
  });

  it("negative control: a summed (not averaged) loss is not data-parallel — the gradient shrinks by the thread count", async () => {
    const dp = await DataParallel.start(
      { module: FIXTURE, fn: "tinyReplica", config: { seed: 3, reduce: "sum" } },
      { threads: 2 },
    );
    try {
      const b = batch();
      const xs = { x: tf.tensor(b.x.data, b.x.shape), y: tf.tensor(b.y.data, b.y.shape, "int32") };
      const full = tf.variableGrads(() => dp.replica.loss(xs), dp.replica.variables);
      const split = await dp.gradients(splitBatch(b, 2));
      // Σ-loss: the item-weighted mean of two half-batch sums is half the full-batch gradient.
      const g0 = full.grads[dp.replica.variables[2].name].dataSync(),
        g1 = split.grads[2].dataSync();
      let dot = 0,
        nn = 0;
      for (let k = 0; k < g0.length; k++) ((dot += g0[k] * g1[k]), (nn += g0[k] * g0[k]));
      const ratio = dot / nn;
      assert.ok(
        Math.abs(ratio - 0.5) < 0.05,
        `projection ratio ${ratio}, expected ≈ 0.5 for a summed loss`,
      );
      tf.dispose([...Object.values(full.grads), full.value, ...split.grads, xs.x, xs.y]);
    } finally {
      await dp.close();
      tf.dispose(dp.replica.variables);
    }
  });

  it("refuses bad input with typed errors naming the argument", async () => {
    await assert.rejects(
      DataParallel.start({ module: FIXTURE, fn: "tinyReplica", config: {} }, { threads: 0 }),
      /threads = 0 is out of domain/,
    );
    await assert.rejects(
      DataParallel.start({ module: FIXTURE, fn: "nope", config: {} }, { threads: 1 }),
      (e: unknown) =>
        e instanceof BesselbookError && /nope is not a function/.test((e as Error).message),
    );
    assert.throws(
      () =>
        splitBatch(
          {
            x: { data: new Float32Array(6), shape: [3, 2], dtype: "float32" },
            y: { data: new Int32Array(2), shape: [2], dtype: "int32" },
          },
          2,
        ),
      ShapeError,
    );
    assert.throws(() => splitBatch(batch(), 11), /10 rows cannot fill 11 shards/);
    assert.throws(
      () => splitBatch({ x: { data: new Float32Array(5), shape: [3, 2], dtype: "float32" } }, 2),
      /arrays\.x\.data/,
    );
    assert.throws(() => splitBatch(batch(), 1.5), /parts = 1.5 is out of domain/);
    const dp = await DataParallel.start(
      { module: FIXTURE, fn: "tinyReplica", config: { seed: 3, reduce: "mean" } },
      { threads: 1 },
    );
    await assert.rejects(dp.gradients(splitBatch(batch(), 2)), /2 shards for 1 threads/);
    await dp.close();
    tf.dispose(dp.replica.variables);
  });

  describe("Stepper: the trainer's opt-in (one thread by default)", () => {
    async function trainStepper(
      threads: number | undefined,
      steps: number,
    ): Promise<{ weights: Float32Array[]; losses: number[] }> {
      const opt = tf.train.sgd(0.1);
      const st = await Stepper.start({
        source: { module: FIXTURE, fn: "tinyReplica", config: { seed: 3, reduce: "mean" } },
        optimizer: opt,
        threads,
        lossIsItemMean: true,
      });
      const losses: number[] = [];
      try {
        for (let i = 0; i < steps; i++) losses.push(await st.step(batch()));
        return {
          weights: st.replica.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array)),
          losses,
        };
      } finally {
        await st.close();
        opt.dispose();
        tf.dispose(st.replica.variables);
      }
    }

    it("default (no option, no env) is one thread and byte-identical to opt.minimize", async () => {
      const saved = process.env.BESSELBOOK_TRAIN_THREADS;
      delete process.env.BESSELBOOK_TRAIN_THREADS;
      try {
        assert.equal(trainThreads(), 1);
        const a = await trainStepper(undefined, 4);
        assert.ok(
          bytes(a.weights).equals(bytes(trainPlain(4))),
          "Stepper(1) weights differ from opt.minimize",
        );
      } finally {
        if (saved !== undefined) process.env.BESSELBOOK_TRAIN_THREADS = saved;
      }
    });

    it("two threads: deterministic, equal to one thread to float32 rounding, equal to DataParallel", async () => {
      const a = await trainStepper(2, 4),
        b = await trainStepper(2, 4);
      assert.ok(
        bytes(a.weights).equals(bytes(b.weights)),
        "2 threads: weights differ between runs",
      );
      assert.ok(
        bytes(a.weights).equals(bytes((await trainDp(2, 4)).weights)),
        "Stepper(2) differs from DataParallel(2)",
      );
      const e = maxRel(a.weights, trainPlain(4));
      assert.ok(
        e > 0 && e < 1e-5,
        `2 threads vs plain: relative difference ${e} (expected rounding-level, not zero)`,
      );
    });

    it("env BESSELBOOK_TRAIN_THREADS is read and validated; coupling losses are refused on > 1 thread", async () => {
      const saved = process.env.BESSELBOOK_TRAIN_THREADS;
      try {
        process.env.BESSELBOOK_TRAIN_THREADS = "2";
        assert.equal(trainThreads(), 2);
        assert.equal(trainThreads(1), 1, "the trainer's own option wins");
        process.env.BESSELBOOK_TRAIN_THREADS = "two";
        assert.throws(
          () => trainThreads(),
          (e: unknown) =>
            e instanceof BesselbookError &&
            /BESSELBOOK_TRAIN_THREADS = "two"/.test((e as Error).message),
        );
      } finally {
        if (saved === undefined) delete process.env.BESSELBOOK_TRAIN_THREADS;
        else process.env.BESSELBOOK_TRAIN_THREADS = saved;
      }
      assert.throws(() => trainThreads(0), /argument threads = 0 is out of domain/);
      const opt = tf.train.sgd(0.1);
      await assert.rejects(
        Stepper.start({
          source: { module: FIXTURE, fn: "tinyReplica", config: { seed: 3, reduce: "sum" } },
          optimizer: opt,
          threads: 2,
          lossIsItemMean: false,
        }),
        (e: unknown) =>
          e instanceof BesselbookError && /needs lossIsItemMean: true/.test((e as Error).message),
      );
      opt.dispose();
    });
  });
});
