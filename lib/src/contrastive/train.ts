/**
 * Encoders and a contrastive training loop (tfjs float32).
 *
 * An Encoder maps an input batch (or nothing, for free embeddings) to unit rows through a
 * Constraint. Weights are drawn from the project's seeded Rng, not tfjs's global RNG, so a run is
 * reproducible for a fixed seed and backend. Every step runs inside optimizer.minimize (which
 * tidies) and disposes its cost, so the live tensor count stays flat after the first step (Adam's
 * slots).
 */
import * as tf from "../tf";
import { ShapeError } from "../errors";
import { argError, checkCount } from "./errors";
import { Rng } from "../tensor/rng";
import { Constraint } from "./constraints";
import { Mat, MatLike, asMat } from "../linalg";
import { infoNCE, infoNCELoss } from "./losses";
import { GapMetrics, gapMetrics, recallAtK } from "./metrics";

export interface Encoder {
  readonly variables: tf.Variable[];
  readonly constraint: Constraint;
  /** Unit embeddings [N, d]. Free embeddings ignore x (they are the parameters themselves). */
  forward(x?: tf.Tensor2D): tf.Tensor2D;
  /** Input feature size, or null for free embeddings. */
  readonly inDim: number | null;
  dispose(): void;
}

/**
 * Free embeddings: one trainable parameter row per example, u_i = constraint.apply(z_i).
 * `init` holds starting embeddings (unit rows in ℝ^d), mapped to parameters by constraint.inverse.
 */
export function freeEmbeddings(init: MatLike, constraint: Constraint): Encoder {
  const Z = constraint.inverse(init);
  if (Z.cols !== constraint.paramDim)
    throw new ShapeError("freeEmbeddings init", `[N, ${constraint.dim}]`, [Z.rows, Z.cols]);
  const z = tf.variable(tf.tensor2d(Float32Array.from(Z.data), [Z.rows, Z.cols]));
  return {
    variables: [z],
    constraint,
    inDim: null,
    forward: () => constraint.apply(z),
    dispose: () => z.dispose(),
  };
}

/**
 * MLP encoder x ↦ constraint.apply(W_L σ(… σ(W₁x + b₁)…) + b_L), σ = ReLU.
 * sizes = [inDim, hidden…, constraint.paramDim]. He-normal weights (std √(2/fan_in)) and biases
 * N(0, biasStd²) from `r`; a non-zero bias std makes random encoders send all inputs into a narrow
 * cone (Liang et al.'s cone effect), and it is 0 by default.
 */
export function mlpEncoder(
  sizes: readonly number[],
  constraint: Constraint,
  r: Rng,
  opts: { biasStd?: number } = {},
): Encoder {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1))
    argError("mlpEncoder", "sizes", `[${sizes.join(", ")}]`, "≥ 2 positive integer layer sizes");
  if (sizes[sizes.length - 1] !== constraint.paramDim)
    argError(
      "mlpEncoder",
      "sizes",
      `[${sizes.join(", ")}]`,
      `last size = constraint.paramDim = ${constraint.paramDim}`,
    );
  const biasStd = opts.biasStd ?? 0;
  const vars: tf.Variable[] = [];
  const layers: { W: tf.Variable; b: tf.Variable }[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fi, fo] = [sizes[l], sizes[l + 1]];
    const std = Math.sqrt(2 / fi);
    const w = Float32Array.from({ length: fi * fo }, () => std * r.normal());
    const b = Float32Array.from({ length: fo }, () => biasStd * r.normal());
    const W = tf.variable(tf.tensor2d(w, [fi, fo]));
    const B = tf.variable(tf.tensor1d(b));
    layers.push({ W, b: B });
    vars.push(W, B);
  }
  return {
    variables: vars,
    constraint,
    inDim: sizes[0],
    forward: (x?: tf.Tensor2D) => {
      if (!x) throw new ShapeError("mlpEncoder.forward x", `[N, ${sizes[0]}]`, "undefined");
      if (x.rank !== 2 || x.shape[1] !== sizes[0])
        throw new ShapeError("mlpEncoder.forward x", `[N, ${sizes[0]}]`, x.shape);
      return tf.tidy(() => {
        let h: tf.Tensor2D = x;
        layers.forEach(({ W, b }, l) => {
          h = tf.add(tf.matMul(h, W), b) as tf.Tensor2D;
          if (l + 1 < layers.length) h = tf.relu(h);
        });
        return constraint.apply(h);
      });
    },
    dispose: () => vars.forEach((v) => v.dispose()),
  };
}

/**
 * Embeddings of all rows of x (or the free parameters) as a float64 Mat, in chunks, no gradient.
 */
export function embed(enc: Encoder, x?: tf.Tensor2D, chunk = 1024): Mat {
  if (enc.inDim === null || !x) {
    const t = enc.forward();
    const m = asMat(t as tf.Tensor2D);
    t.dispose();
    return m;
  }
  const n = x.shape[0];
  const parts: Mat[] = [];
  for (let s = 0; s < n; s += chunk) {
    const t = tf.tidy(() =>
      enc.forward(tf.slice(x, [s, 0], [Math.min(chunk, n - s), -1]) as tf.Tensor2D),
    );
    parts.push(asMat(t));
    t.dispose();
  }
  const d = parts[0].cols;
  const data = new Float64Array(n * d);
  let off = 0;
  for (const p of parts) {
    data.set(p.data, off);
    off += p.data.length;
  }
  return { rows: n, cols: d, data };
}

export interface TrainRecord extends GapMetrics {
  step: number;
  /** InfoNCE of the evaluated embeddings (float64, full evaluation set) */
  loss: number;
  /** mean training-batch loss since the previous record */
  batchLoss: number;
  /** retrieval recall@1 from U to V on the evaluation set */
  recallAt1: number;
}

export interface TrainOptions {
  tau: number;
  steps: number;
  lr: number;
  /** paired inputs [N, ·] for MLP encoders; omit for free embeddings */
  xu?: tf.Tensor2D;
  xv?: tf.Tensor2D;
  /** minibatch size for MLP encoders (default: full batch) */
  batchSize?: number;
  /** seed of the minibatch order */
  seed?: number;
  /** evaluate gap metrics every this many steps (and at 0 and the end); default steps/20 */
  logEvery?: number;
  /** evaluation inputs (default: the training inputs; capped at evalMax rows) */
  evalXu?: tf.Tensor2D;
  evalXv?: tf.Tensor2D;
  evalMax?: number;
  /** called with each record (e.g. to update a progress display) */
  onLog?: (rec: TrainRecord) => void;
  /**
   * Convergence criterion: stop at the first logged step t ≥ window at which, against the record
   * `window` steps earlier, the evaluated loss moved by less than lossTol (nats) AND the centroid
   * distance by less than gapTol. Without it the run always takes `steps` steps.
   */
  until?: { window: number; lossTol: number; gapTol: number };
}

export interface TrainResult {
  history: TrainRecord[];
  /** steps actually taken */
  steps: number;
  /** whether opts.until was met (false when no criterion was given) */
  converged: boolean;
  /** final evaluation embeddings */
  U: Mat;
  V: Mat;
}

/**
 * Minimise symmetric InfoNCE(f(x), g(y); τ) with Adam. For free embeddings (no xu/xv) each step is
 * full-batch. The loop yields to the event loop at every log so notebook progress displays update.
 */
export async function trainContrastive(
  encU: Encoder,
  encV: Encoder,
  opts: TrainOptions,
): Promise<TrainResult> {
  const { tau, steps, lr } = opts;
  checkCount("trainContrastive", "opts.steps", steps, 0);
  if (!(lr > 0 && Number.isFinite(lr)))
    argError("trainContrastive", "opts.lr", lr, "a finite number > 0");
  if (!(tau > 0 && Number.isFinite(tau)))
    argError("trainContrastive", "opts.tau", tau, "a finite number > 0");
  const until = opts.until;
  if (until) {
    checkCount("trainContrastive", "opts.until.window", until.window);
    if (!(until.lossTol > 0))
      argError("trainContrastive", "opts.until.lossTol", until.lossTol, "a number > 0");
    if (!(until.gapTol > 0))
      argError("trainContrastive", "opts.until.gapTol", until.gapTol, "a number > 0");
  }
  const withData = encU.inDim !== null || encV.inDim !== null;
  if (withData && (!opts.xu || !opts.xv))
    throw new ShapeError(
      "trainContrastive opts.xu/xv",
      "paired input tensors for MLP encoders",
      "missing",
    );
  const n = withData ? opts.xu!.shape[0] : 0;
  if (withData && opts.xv!.shape[0] !== n)
    throw new ShapeError("trainContrastive opts.xv", `[${n}, ·] (same N as xu)`, opts.xv!.shape);
  const batch = withData ? Math.min(opts.batchSize ?? n, n) : 0;
  const logEvery = Math.max(1, opts.logEvery ?? Math.ceil(steps / 20));
  const order = new Rng(opts.seed ?? 0);
  const optimizer = tf.train.adam(lr);
  const vars = [...encU.variables, ...encV.variables];
  const evalMax = opts.evalMax ?? 2048;
  const evalU = withData ? (opts.evalXu ?? opts.xu!) : undefined;
  const evalV = withData ? (opts.evalXv ?? opts.xv!) : undefined;
  const capped = (t: tf.Tensor2D | undefined) =>
    t && t.shape[0] > evalMax ? (tf.slice(t, [0, 0], [evalMax, -1]) as tf.Tensor2D) : t;
  const eu = capped(evalU);
  const ev = capped(evalV);

  const history: TrainRecord[] = [];
  let U: Mat = { rows: 0, cols: 0, data: new Float64Array(0) };
  let V: Mat = U;
  const record = async (step: number, batchLoss: number) => {
    U = embed(encU, eu);
    V = embed(encV, ev);
    const rec: TrainRecord = {
      step,
      loss: infoNCELoss(U, V, tau),
      batchLoss,
      recallAt1: recallAtK(U, V, 1),
      ...gapMetrics(U, V),
    };
    history.push(rec);
    opts.onLog?.(rec);
    await new Promise((res) => setImmediate(res));
  };
  await record(0, NaN);

  let converged = false;
  let taken = 0;
  const hasConverged = (): boolean => {
    if (!until) return false;
    const now = history[history.length - 1];
    if (now.step < until.window) return false;
    let then: TrainRecord | undefined;
    for (const h of history) if (h.step <= now.step - until.window) then = h;
    return (
      !!then &&
      Math.abs(now.loss - then.loss) < until.lossTol &&
      Math.abs(now.centroidDistance - then.centroidDistance) < until.gapTol
    );
  };
  let perm = withData ? order.permutation(n) : new Int32Array(0);
  let cursor = 0;
  let acc = 0;
  let accN = 0;
  try {
    for (let step = 1; step <= steps; step++) {
      let bu: tf.Tensor2D | undefined;
      let bv: tf.Tensor2D | undefined;
      if (withData) {
        if (batch === n) {
          bu = opts.xu;
          bv = opts.xv;
        } else {
          if (cursor + batch > n) {
            perm = order.permutation(n);
            cursor = 0;
          }
          const idx = tf.tensor1d(perm.subarray(cursor, cursor + batch), "int32");
          cursor += batch;
          // gather on constant inputs only: no gradient flows through it (wasm lacks its gradient)
          bu = tf.gather(opts.xu!, idx);
          bv = tf.gather(opts.xv!, idx);
          idx.dispose();
        }
      }
      const cost = optimizer.minimize(
        () => infoNCE(encU.forward(bu), encV.forward(bv), tau),
        true,
        vars,
      );
      if (withData && batch !== n) {
        bu!.dispose();
        bv!.dispose();
      }
      acc += cost!.dataSync()[0];
      accN++;
      cost!.dispose();
      taken = step;
      if (step % logEvery === 0 || step === steps) {
        await record(step, acc / accN);
        acc = 0;
        accN = 0;
        if (hasConverged()) {
          converged = true;
          break;
        }
      }
    }
  } finally {
    optimizer.dispose();
    if (eu !== evalU) eu?.dispose();
    if (ev !== evalV) ev?.dispose();
  }
  return { history, U, V, steps: taken, converged };
}
