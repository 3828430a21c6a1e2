/**
 * Data-parallel training inside one run: a batch is split into shards, each thread computes the
 * gradient of the mean loss over its shard on its own wasm backend, and the gradients are
 * combined as the item-weighted mean  g = Σ_s (n_s / n) · g_s,  which equals the gradient of the
 * mean loss over the whole batch when the loss is a mean over independent items (no batch norm,
 * no in-batch negatives — a contrastive loss over the batch is NOT such a loss: split it and the
 * negatives change).
 *
 * Threads: the calling thread computes shard 0 with the model itself (`dp.replica`); threads − 1
 * worker_threads hold copies built by the same factory and receive the current weights with
 * every step, so they never drift. Gradients are summed in shard order in float32: the same
 * seed and thread count give byte-identical results; a different thread count changes the
 * summation order of the batch reduction, so results agree only to float32 rounding (the
 * tests bound the difference). threads = 1 is exactly ordinary training (g = 1 · g₀).
 *
 * How a trainer opts in: export a factory `(config) => Replica` (its variables in a fixed order
 * and `loss(batch)`, the mean loss over the batch tensors it is given), reachable as
 * `require(module)[ns][fn]` (or `require(module)[fn]`), and replace
 *   `opt.minimize(() => loss(batch))`
 * by
 *   `const { loss, grads } = await dp.gradients(splitBatch(batch, dp.threads));`
 *   `opt.applyGradients(dp.named(grads));`
 * config must be structured-cloneable. The workers use the wasm backend with besselbook's kernels.
 */
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import * as tf from "../tf";
import { BesselbookError, DomainError, ShapeError } from "../errors";

export type ShardArray = {
  data: Float32Array | Int32Array;
  shape: number[];
  dtype: "float32" | "int32";
};
/** One thread's part of a batch: `items` counts the loss's averaging units (samples, nodes, …). */
export interface Shard {
  items: number;
  arrays: Record<string, ShardArray>;
}

export interface Replica {
  /** Trainable variables in a fixed order (the same order on every thread). */
  variables: tf.Variable[];
  /** Mean loss over the items of the batch given as tensors (same names as the shard arrays). */
  loss(batch: Record<string, tf.Tensor>): tf.Scalar;
}

export interface ReplicaSource {
  /** Module id or absolute path that the worker can require(). */
  module: string;
  /** Optional namespace export (e.g. "bcnn"); the factory is require(module)[ns][fn]. */
  ns?: string;
  fn: string;
  config: unknown;
}

type Factory = (config: unknown) => Replica | Promise<Replica>;

/** Resolve the factory named by a ReplicaSource (used on both sides). */
export function resolveFactory(src: ReplicaSource): Factory {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(src.module) as Record<string, unknown>;
  const holder = (src.ns ? mod[src.ns] : mod) as Record<string, unknown> | undefined;
  const f = holder?.[src.fn];
  if (typeof f !== "function") {
    throw new BesselbookError(
      `dataParallel: ${src.module}${src.ns ? `.${src.ns}` : ""}.${src.fn} is not a function; expected a replica factory (config) => { variables, loss }`,
    );
  }
  return f as Factory;
}

/**
 * Split every array along axis 0 into `parts` contiguous, nearly equal shards (the first
 * `rows % parts` shards get one more row). `items` of a shard = its rows.
 */
export function splitBatch(arrays: Record<string, ShardArray>, parts: number): Shard[] {
  if (!Number.isInteger(parts) || parts < 1)
    throw new RangeError(
      `splitBatch: argument parts = ${parts} is out of domain; expected an integer ≥ 1`,
    );
  const names = Object.keys(arrays);
  if (names.length === 0)
    throw new BesselbookError(
      "splitBatch: argument arrays is empty; expected at least one named array",
    );
  const rows = arrays[names[0]].shape[0];
  for (const n of names) {
    const a = arrays[n];
    if (a.shape.length === 0 || a.shape[0] !== rows)
      throw new ShapeError(
        `splitBatch arrays.${n}`,
        `[${rows}, …] (same first dimension as ${names[0]})`,
        a.shape,
      );
    const want = a.shape.reduce((x, y) => x * y, 1);
    if (a.data.length !== want)
      throw new ShapeError(`splitBatch arrays.${n}.data`, `${want} values for shape [${a.shape}]`, [
        a.data.length,
      ]);
  }
  if (rows < parts)
    throw new RangeError(
      `splitBatch: ${rows} rows cannot fill ${parts} shards; expected rows ≥ parts`,
    );
  const shards: Shard[] = [];
  let r0 = 0;
  for (let p = 0; p < parts; p++) {
    const r1 = r0 + Math.floor(rows / parts) + (p < rows % parts ? 1 : 0);
    const out: Record<string, ShardArray> = {};
    for (const n of names) {
      const a = arrays[n];
      const row = a.data.length / rows;
      out[n] = {
        data: a.data.slice(r0 * row, r1 * row),
        shape: [r1 - r0, ...a.shape.slice(1)],
        dtype: a.dtype,
      };
    }
    shards.push({ items: r1 - r0, arrays: out });
    r0 = r1;
  }
  return shards;
}

function tensors(s: Shard): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, a] of Object.entries(s.arrays)) out[k] = tf.tensor(a.data, a.shape, a.dtype);
  return out;
}

/** Gradients of replica.loss on a shard, one Float32Array per variable (zeros where unused). */
export function shardGradients(rep: Replica, s: Shard): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const batch = tensors(s);
    const { value, grads } = tf.variableGrads(() => rep.loss(batch), rep.variables);
    const out = rep.variables.map((v) => {
      const g = grads[v.name];
      return g ? Float32Array.from(g.dataSync() as Float32Array) : new Float32Array(v.size);
    });
    return { loss: value.dataSync()[0], grads: out };
  });
}

interface Pending {
  resolve: (r: { loss: number; grads: Float32Array[] }) => void;
  reject: (e: Error) => void;
}

export class DataParallel {
  private seq = 0;
  private closed = false;
  private readonly pending = new Map<number, Pending>();

  private constructor(
    readonly replica: Replica,
    readonly threads: number,
    private readonly workers: Worker[],
  ) {
    for (const w of workers) {
      w.on(
        "message",
        (m: { id: number; loss?: number; grads?: Float32Array[]; error?: string }) => {
          const p = this.pending.get(m.id);
          if (!p) return;
          this.pending.delete(m.id);
          if (m.error !== undefined)
            p.reject(new BesselbookError(`dataParallel worker: ${m.error}`));
          else p.resolve({ loss: m.loss!, grads: m.grads! });
        },
      );
      const fail = (e: Error) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      w.on("error", fail);
      w.on("exit", (code) => {
        if (!this.closed)
          fail(new BesselbookError(`dataParallel: a worker exited (code ${code}) during training`));
      });
    }
  }

  /**
   * Build the main replica here and `threads − 1` worker replicas (each loads the wasm backend
   * and calls the same factory with the same config). The caller's tfjs backend should be wasm
   * (or cpu); workers always use wasm.
   */
  static async start(src: ReplicaSource, opts: { threads: number }): Promise<DataParallel> {
    const t = opts.threads;
    if (!Number.isInteger(t) || t < 1)
      throw new RangeError(
        `dataParallel: argument threads = ${t} is out of domain; expected an integer ≥ 1`,
      );
    const replica = await resolveFactory(src)(src.config);
    const script = path.join(__dirname, "dataparallel_worker.js");
    const workers: Worker[] = [];
    try {
      for (let i = 1; i < t; i++) {
        const w = new Worker(script, { workerData: src });
        workers.push(w);
        await new Promise<void>((res, rej) => {
          w.once("message", (m: { ready?: boolean; error?: string; sizes?: number[] }) => {
            if (m.error !== undefined)
              rej(new BesselbookError(`dataParallel worker start: ${m.error}`));
            else if (m.sizes!.join() !== replica.variables.map((v) => v.size).join()) {
              rej(
                new BesselbookError(
                  `dataParallel: worker replica variables have sizes [${m.sizes}], main has [${replica.variables.map((v) => v.size)}]; the factory must build the same model everywhere`,
                ),
              );
            } else res();
          });
          w.once("error", rej);
        });
      }
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new DataParallel(replica, t, workers);
  }

  /**
   * One step's gradients over `shards` (exactly `threads` of them; shard 0 runs here): returns
   * the item-weighted mean loss and gradients, one tensor per replica variable (caller disposes,
   * or pass them straight to `optimizer.applyGradients(dp.named(grads))`, which does not).
   */
  async gradients(shards: Shard[]): Promise<{ loss: number; grads: tf.Tensor[] }> {
    if (this.closed) throw new BesselbookError("dataParallel: gradients() after close()");
    if (shards.length !== this.threads)
      throw new RangeError(
        `dataParallel.gradients: ${shards.length} shards for ${this.threads} threads; expected one shard per thread`,
      );
    const total = shards.reduce((a, s) => a + s.items, 0);
    if (!(total > 0))
      throw new RangeError(
        "dataParallel.gradients: the shards hold no items; expected a positive total",
      );
    const vars = this.replica.variables;
    const replies: Promise<{ loss: number; grads: Float32Array[] }>[] = [];
    if (this.workers.length) {
      const weights = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
      this.workers.forEach((w, i) => {
        const id = ++this.seq;
        replies.push(new Promise((resolve, reject) => this.pending.set(id, { resolve, reject })));
        w.postMessage({ id, weights, shard: shards[i + 1] });
      });
    }
    const own = shardGradients(this.replica, shards[0]);
    const parts = [own, ...(await Promise.all(replies))];
    // g = Σ_s (n_s/n)·g_s, accumulated in shard order in float32 (deterministic).
    const sums = vars.map((v, j) => {
      const acc = new Float32Array(v.size);
      parts.forEach((p, s) => {
        const wgt = Math.fround(shards[s].items / total),
          g = p.grads[j];
        if (g.length !== acc.length)
          throw new BesselbookError(
            `dataParallel: gradient ${j} from shard ${s} has ${g.length} values, expected ${acc.length}`,
          );
        for (let k = 0; k < acc.length; k++) acc[k] += wgt * g[k];
      });
      return tf.tensor(acc, v.shape, "float32");
    });
    let loss = 0;
    parts.forEach((p, s) => (loss += (shards[s].items / total) * p.loss));
    return { loss, grads: sums };
  }

  /** Gradients keyed by variable name, for optimizer.applyGradients. */
  named(grads: tf.Tensor[]): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    this.replica.variables.forEach((v, i) => (out[v.name] = grads[i]));
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Start data-parallel training (see the module comment). */
export function dataParallel(src: ReplicaSource, opts: { threads: number }): Promise<DataParallel> {
  return DataParallel.start(src, opts);
}

/**
 * Threads for single-run training: the trainer's own `threads` option if given, else the
 * environment variable BESSELBOOK_TRAIN_THREADS, else 1. The default is 1 on purpose: the
 * notebooks use the machine's cores by running independent seeds in parallel (parallelSeeds,
 * bit-identical to sequential), and data parallelism inside one run changes the float32
 * summation order of the batch gradient (results agree with one thread to rounding, not to the
 * bit) — so it is an opt-in for a single long run, never a silent default.
 */
export function trainThreads(threads?: number): number {
  const raw = threads ?? (process.env.BESSELBOOK_TRAIN_THREADS?.trim() || undefined);
  if (raw === undefined) return 1;
  const t = typeof raw === "number" ? raw : Number(raw);
  if (!Number.isInteger(t) || t < 1 || t > 64) {
    const where = threads !== undefined ? "argument threads" : "BESSELBOOK_TRAIN_THREADS";
    throw new DomainError(
      `trainThreads: ${where} = ${JSON.stringify(raw)} is out of domain; expected an integer in [1, 64]`,
    );
  }
  return t;
}

export interface StepperOptions {
  /** Where the replica factory lives (see ReplicaSource): both threads build the same model. */
  source: ReplicaSource;
  optimizer: tf.Optimizer;
  /** Requested threads (default: trainThreads()). */
  threads?: number;
  /**
   * The trainer's statement that its loss is a mean over independent items (samples, graphs):
   * required for threads > 1. A loss that couples the items of a batch — batch norm statistics,
   * in-batch negatives of a contrastive loss, a sum instead of a mean — is not split correctly,
   * so such trainers must pass false and stay on one thread.
   */
  lossIsItemMean: boolean;
  /** How to split a batch into `threads` shards (default: splitBatch along axis 0). */
  split?: (batch: Record<string, ShardArray>, parts: number) => Shard[];
}

/**
 * One optimizer step on one thread or data-parallel, behind one call — the opt-in for a trainer:
 *   const st = await Stepper.start({ source, optimizer, lossIsItemMean: true });
 *   for (…) loss = await st.step(batchArrays);
 *   await st.close();
 * With one thread, step() is `optimizer.minimize(() => replica.loss(batch))` on the calling thread
 * (byte-identical to ordinary training); with more, the gradients come from DataParallel (same
 * thread count and seed → byte-identical; different count → float32 rounding).
 */
export class Stepper {
  private constructor(
    readonly replica: Replica,
    readonly threads: number,
    private readonly opt: tf.Optimizer,
    private readonly dp: DataParallel | null,
    private readonly split: (batch: Record<string, ShardArray>, parts: number) => Shard[],
  ) {}

  static async start(o: StepperOptions): Promise<Stepper> {
    const threads = trainThreads(o.threads);
    if (threads > 1 && o.lossIsItemMean !== true) {
      throw new DomainError(
        `Stepper: threads = ${threads} needs lossIsItemMean: true; a loss that couples the items of a batch (batch norm, in-batch negatives, a sum) is not data-parallel — use threads = 1`,
      );
    }
    const split = o.split ?? splitBatch;
    if (threads === 1) {
      const replica = await resolveFactory(o.source)(o.source.config);
      return new Stepper(replica, 1, o.optimizer, null, split);
    }
    const dp = await DataParallel.start(o.source, { threads });
    return new Stepper(dp.replica, threads, o.optimizer, dp, split);
  }

  /**
   * One step on `batch` (whole batch; it is split here when threads > 1). Returns the mean loss.
   */
  async step(batch: Record<string, ShardArray>): Promise<number> {
    if (!this.dp) {
      return tf.tidy(() => {
        const xs: Record<string, tf.Tensor> = {};
        for (const [k, a] of Object.entries(batch)) xs[k] = tf.tensor(a.data, a.shape, a.dtype);
        const loss = this.opt.minimize(() => this.replica.loss(xs), true, this.replica.variables)!;
        return loss.dataSync()[0];
      });
    }
    const { loss, grads } = await this.dp.gradients(this.split(batch, this.threads));
    this.opt.applyGradients(this.dp.named(grads));
    tf.dispose(grads);
    return loss;
  }

  /** Stop the workers (the replica's variables stay with the caller: dispose them when done). */
  async close(): Promise<void> {
    if (this.dp) await this.dp.close();
  }
}
