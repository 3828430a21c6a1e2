/**
 * Training, evaluation, equivariance measurement and timing for the frames models.
 *
 * Loss: the three targets trained jointly, each MSE divided by its training-set variance, so
 * orders 0, 1 and 2 weigh equally regardless of units:  ℒ = Σ_k mean((ŷ_k − y_k)²)/Var(y_k).
 */
import * as tf from "../tf";
import { ShapeError, domainError } from "../errors";
import { Action as GroupAction, equivarianceError } from "../equivariance";
import { Rng } from "../tensor/rng";
import { Batch, BatchOptions, makeBatch } from "./batch";
import { Cloud, Dataset, PotentialOptions, targets } from "./data";
import { Mat3, det3, randomRotation, transformPoints } from "../linalg";
import { Model, Outputs } from "./models";

export type Head = keyof Outputs;
export const HEADS: Head[] = ["energy", "forces", "tensor"];

export interface Scales {
  energy: number;
  forces: number;
  tensor: number;
}

/** Per-head variance of the targets (over all entries), used to normalise the loss and errors. */
export function targetScales(d: Dataset): Scales {
  const v = (xs: number[]) => {
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    return Math.max(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length, 1e-12);
  };
  return {
    energy: v(d.targets.map((t) => t.energy)),
    forces: v(d.targets.flatMap((t) => Array.from(t.forces))),
    tensor: v(d.targets.flatMap((t) => Array.from(t.tensor))),
  };
}

/**
 * Per-species reference energies: least-squares fit E ≈ Σ_t n_t(cloud)·e_t over the training
 * clouds (normal equations, tiny ridge for stability). Standard "atomic reference energies":
 * the network then learns only the geometry-dependent part, which is invariant anyway.
 */
export function speciesReference(d: Dataset, nTypes = 2): number[] {
  const A = new Float64Array(nTypes * nTypes),
    y = new Float64Array(nTypes);
  d.clouds.forEach((c, k) => {
    const n = new Float64Array(nTypes);
    for (const t of c.types) n[t]++;
    for (let a = 0; a < nTypes; a++) {
      y[a] += n[a] * d.targets[k].energy;
      for (let b = 0; b < nTypes; b++) A[a * nTypes + b] += n[a] * n[b];
    }
  });
  for (let a = 0; a < nTypes; a++) A[a * nTypes + a] += 1e-9 * (A[a * nTypes + a] + 1);
  // Gaussian elimination (nTypes is tiny).
  const M = Array.from({ length: nTypes }, (_, a) => [
    ...Array.from(A.subarray(a * nTypes, (a + 1) * nTypes)),
    y[a],
  ]);
  for (let p = 0; p < nTypes; p++) {
    let best = p;
    for (let q = p + 1; q < nTypes; q++) if (Math.abs(M[q][p]) > Math.abs(M[best][p])) best = q;
    [M[p], M[best]] = [M[best], M[p]];
    for (let q = p + 1; q < nTypes; q++) {
      const f = M[q][p] / M[p][p];
      for (let k = p; k <= nTypes; k++) M[q][k] -= f * M[p][k];
    }
  }
  const x = new Array(nTypes).fill(0);
  for (let p = nTypes - 1; p >= 0; p--) {
    let s = M[p][nTypes];
    for (let k = p + 1; k < nTypes; k++) s -= M[p][k] * x[k];
    x[p] = s / M[p][p];
  }
  return x;
}

/** Split a dataset into batches of `size` clouds (order kept). Caller disposes the batches. */
export function batches(d: Dataset, size: number, opts: BatchOptions): Batch[] {
  if (!(Number.isInteger(size) && size >= 1))
    domainError("batches", "size", size, "an integer ≥ 1");
  const out: Batch[] = [];
  for (let i = 0; i < d.clouds.length; i += size)
    out.push(makeBatch(d.clouds.slice(i, i + size), opts, d.targets.slice(i, i + size)));
  return out;
}

export function loss(m: Model, b: Batch, s: Scales): tf.Scalar {
  if (!b.y)
    throw new ShapeError("loss batch", "a labelled batch (built with targets)", "no targets");
  const y = b.y;
  return tf.tidy(() => {
    const o = m.apply(b);
    const mse = (a: tf.Tensor, t: tf.Tensor) => tf.mean(tf.square(tf.sub(a, t)));
    return tf.addN([
      tf.div(mse(o.energy, y.energy), s.energy),
      tf.div(mse(o.forces, y.forces), s.forces),
      tf.div(mse(o.tensor, y.tensor), s.tensor),
    ]) as tf.Scalar;
  });
}

export interface TrainOptions {
  epochs: number;
  lr?: number;
  /** Learning rate decays as lr·decay^epoch. */
  decay?: number;
  seed?: number;
  onEpoch?: (epoch: number, loss: number, seconds: number) => void;
}

export interface TrainResult {
  losses: number[];
  seconds: number;
  /** tf.memory().numTensors after the first and the last step: must be equal (no leaks). */
  tensorsAfterFirstStep: number;
  tensorsAtEnd: number;
}

/** Adam on the normalised loss, batches shuffled each epoch with a seeded permutation. */
export function train(m: Model, train: Batch[], s: Scales, o: TrainOptions): TrainResult {
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1))
    domainError("train", "epochs", o.epochs, "an integer ≥ 1");
  const r = new Rng(o.seed ?? 0);
  const lr0 = o.lr ?? 3e-3;
  const opt = tf.train.adam(lr0);
  const losses: number[] = [];
  const t0 = Date.now();
  let tensorsAfterFirstStep = -1;
  for (let ep = 0; ep < o.epochs; ep++) {
    (opt as unknown as { learningRate: number }).learningRate = lr0 * (o.decay ?? 1) ** ep;
    let sum = 0;
    for (const k of r.permutation(train.length)) {
      const l = opt.minimize(() => loss(m, train[k], s), true, m.variables) as tf.Scalar;
      sum += l.dataSync()[0];
      l.dispose();
      if (tensorsAfterFirstStep < 0) tensorsAfterFirstStep = tf.memory().numTensors;
    }
    losses.push(sum / train.length);
    o.onEpoch?.(ep, sum / train.length, (Date.now() - t0) / 1000);
  }
  const tensorsAtEnd = tf.memory().numTensors;
  opt.dispose();
  return { losses, seconds: (Date.now() - t0) / 1000, tensorsAfterFirstStep, tensorsAtEnd };
}

export interface Errors {
  /** Root-mean-square error per head, divided by the target's standard deviation. */
  energy: number;
  forces: number;
  tensor: number;
}

/** Normalised RMSE per head over labelled batches. */
export function evaluate(m: Model, bs: Batch[], s: Scales): Errors {
  const acc = { energy: 0, forces: 0, tensor: 0 };
  const cnt = { energy: 0, forces: 0, tensor: 0 };
  for (const b of bs) {
    if (!b.y) throw new ShapeError("evaluate batch", "a labelled batch", "no targets");
    tf.tidy(() => {
      const o = m.apply(b);
      for (const h of HEADS) {
        acc[h] += tf.sum(tf.square(tf.sub(o[h], b.y![h]))).dataSync()[0];
        cnt[h] += o[h].size;
      }
    });
  }
  return {
    energy: Math.sqrt(acc.energy / cnt.energy / s.energy),
    forces: Math.sqrt(acc.forces / cnt.forces / s.forces),
    tensor: Math.sqrt(acc.tensor / cnt.tensor / s.tensor),
  };
}

/** Apply R ∈ O(3) (and a translation) to a cloud. */
export function transformCloud(
  c: Cloud,
  R: ArrayLike<number>,
  t: ArrayLike<number> = [0, 0, 0],
): Cloud {
  return { pos: transformPoints(c.pos, R, t), types: c.types };
}

/** How a head transforms: E ↦ E, F ↦ RF, T ↦ RTRᵀ (flat [N·3] / [N·9] arrays). */
export function actOnHead(h: Head, R: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  if (h === "energy") return Float64Array.from(y);
  if (h === "forces") return transformPoints(y, R);
  if (y.length % 9 !== 0)
    throw new ShapeError("actOnHead tensor", "a flat [N·9] array", [y.length]);
  const out = new Float64Array(y.length);
  for (let n = 0; n < y.length; n += 9) {
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        let s = 0;
        for (let p = 0; p < 3; p++)
          for (let q = 0; q < 3; q++) s += R[3 * a + p] * y[n + 3 * p + q] * R[3 * b + q];
        out[n + 3 * a + b] = s;
      }
  }
  return out;
}

/**
 * Seeded O(3) elements: `rotations` proper ones then `reflections` improper ones, drawn from
 * rng(seed) (the seed after what to draw, NOTATION.md argument order rule 3).
 */
export function randomO3(rotations: number, reflections: number, seed: number): Mat3[] {
  const r = new Rng(seed);
  return [
    ...Array.from({ length: rotations }, () => randomRotation(r, false)),
    ...Array.from({ length: reflections }, () => randomRotation(r, true)),
  ];
}

/** A numeric value check.equivariant can read: shape + data. */
function numeric(
  data: ArrayLike<number>,
  shape: number[],
): { shape: number[]; dataSync(): ArrayLike<number> } {
  return { shape, dataSync: () => data };
}

/**
 * Group actions for check.equivariant on a model head: input x ↦ Rx + t, output by actOnHead.
 * Use with `predict(model, head, opts)` as f. Names say rotation/reflection and the index.
 */
export function o3Actions(
  head: Head,
  Rs: Mat3[],
  opts: { translate?: number } = {},
): GroupAction<Cloud, { shape: number[]; dataSync(): ArrayLike<number> }>[] {
  return Rs.map((R, k) => {
    const t = opts.translate
      ? [opts.translate, -0.5 * opts.translate, 0.25 * opts.translate]
      : [0, 0, 0];
    return {
      name: `${det3(R) < 0 ? "reflection" : "rotation"} ${k}`,
      in: (c: Cloud) => transformCloud(c, R, t),
      out: (y: { shape: number[]; dataSync(): ArrayLike<number> }) =>
        numeric(actOnHead(head, R, y.dataSync()), y.shape),
    };
  });
}

/** f for check.equivariant: cloud ↦ one head of the model's output (a fresh batch per call). */
export function predict(
  m: Model,
  head: Head,
  opts: BatchOptions,
): (c: Cloud) => { shape: number[]; dataSync(): ArrayLike<number> } {
  return (c: Cloud) => {
    const b = makeBatch([c], opts);
    try {
      const y = tf.tidy(() => m.apply(b)[head]);
      const data = y.dataSync().slice();
      const shape = [...y.shape];
      y.dispose();
      return numeric(data, shape);
    } finally {
      b.dispose();
    }
  };
}

/**
 * Equivariance error per head: max over clouds and group elements of max|f(g·x) − g·f(x)|,
 * divided by the largest |f(x)| over all clouds (pooled, unlike check.equivariant's per-input
 * scale: a random-init energy can sum to ≈ 0 on one cloud, and dividing by that would measure
 * cancellation, not equivariance). Does not throw: NaN outputs give NaN. frames' E(3) actions
 * (`o3Actions`, x ↦ Rx + t) + the toolkit's relMaxAbs with a pooled scale.
 */
export function equivarianceErrors(
  m: Model,
  clouds: Cloud[],
  Qs: Mat3[],
  opts: BatchOptions,
): Errors {
  const out: Errors = { energy: 0, forces: 0, tensor: 0 };
  for (const h of HEADS) {
    out[h] = equivarianceError({
      f: predict(m, h, opts),
      inputs: clouds,
      actions: o3Actions(h, Qs, { translate: 0.7 }),
      norm: "relMaxAbs",
      scale: "pooled",
      finite: "propagate",
      caller: "equivarianceErrors",
    }).max;
  }
  return out;
}

/**
 * Median wall time (ms) of one forward+backward pass (gradients of the normalised loss w.r.t.
 * all variables, read back so the work is done), after `warmup` untimed passes.
 */
export function timeStep(
  m: Model,
  b: Batch,
  s: Scales,
  opts: { reps?: number; warmup?: number } = {},
): number {
  const reps = opts.reps ?? 5,
    warmup = opts.warmup ?? 1;
  const times: number[] = [];
  for (let k = 0; k < warmup + reps; k++) {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => loss(m, b, s), m.variables);
    value.dataSync();
    for (const g of Object.values(grads)) {
      g.dataSync();
      g.dispose();
    }
    value.dispose();
    if (k >= warmup) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * A copy of a dataset with every cloud moved by a seeded random element of O(3) (reflections
 * with probability ½) and a random translation, targets recomputed on the moved clouds.
 */
export function randomlyTransformed(
  d: Dataset,
  seed: number,
  potential: PotentialOptions,
): Dataset {
  const r = new Rng(seed);
  const clouds = d.clouds.map((c) =>
    transformCloud(c, randomRotation(r, r.uniform() < 0.5), [r.normal(), r.normal(), r.normal()]),
  );
  return { clouds, targets: clouds.map((c) => targets(c, potential)) };
}
