/**
 * Float64 training of free embeddings (one trainable vector per example) in plain JS, with the
 * InfoNCE gradient written out and tfjs's Adam update reproduced step for step. For N ≲ 512 pairs
 * in a few dimensions this is ~100× cheaper than a tfjs step (no kernel dispatch), which is what
 * lets the notebooks run many temperatures × seeds to a convergence criterion.
 * `test/contrastive.test.ts` checks it against `trainContrastive` (tfjs autodiff, float32) on the
 * same start.
 *
 * Gradient (ours, standard calculus). S_ij = u_i·v_j/τ, P = row-softmax(S), Q = column-softmax(S);
 * the symmetric loss L = ½(L_{u→v} + L_{v→u}) has ∂L/∂S = G = (P + Q − 2I)/(2N), so
 *   ∂L/∂u_i = (1/τ) Σ_j G_ij v_j,   ∂L/∂v_j = (1/τ) Σ_i G_ij u_i.
 * With u = Bz/‖Bz‖ (B = I for the whole sphere, an orthonormal [d, k] basis for a subspace),
 *   ∂L/∂z = Bᵀ (I − u uᵀ) ∂L/∂u / ‖Bz‖.
 */
import { ShapeError } from "../errors";
import { Mat, MatLike, asMat, orthonormalBasis, zeros } from "../linalg";
import { infoNCELoss } from "./losses";
import { gapMetrics, recallAtK } from "./metrics";
import { TrainRecord, TrainResult } from "./train";
import { argError, checkCount } from "./errors";

export interface FreeTrainOptions {
  tau: number;
  lr: number;
  /** maximum number of Adam steps */
  steps: number;
  /**
   * orthonormalised [d, k] bases confining u (B1) and v (B2) to subspaces; default the whole sphere
   */
  B1?: MatLike;
  B2?: MatLike;
  /** evaluate every this many steps (default steps/20) */
  logEvery?: number;
  /** same criterion as trainContrastive's opts.until */
  until?: { window: number; lossTol: number; gapTol: number };
  /** Adam constants (tfjs defaults: 0.9, 0.999, 1e-7) */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** compute recall@1 at each log (O(N²d)); default true */
  recall?: boolean;
}

interface Side {
  B: Mat | null;
  k: number;
  z: Float64Array;
  m: Float64Array;
  v: Float64Array;
}

function setup(fn: string, arg: string, X: Mat, B?: MatLike): Side {
  const d = X.cols;
  let Bm: Mat | null = null;
  let k = d;
  if (B !== undefined) {
    Bm = orthonormalBasis(asMat(B, `${fn} ${arg}`));
    if (Bm.rows !== d) throw new ShapeError(`${fn} ${arg}`, `[${d}, k]`, [Bm.rows, Bm.cols]);
    k = Bm.cols;
  }
  const z = new Float64Array(X.rows * k);
  for (let i = 0; i < X.rows; i++) {
    // z = Bᵀu (coordinates of u's projection), or u itself
    for (let c = 0; c < k; c++) {
      let s = 0;
      if (Bm) for (let r = 0; r < d; r++) s += Bm.data[r * k + c] * X.data[i * d + r];
      else s = X.data[i * d + c];
      z[i * k + c] = s;
    }
    // unit parameter rows, as the tfjs constraints' inverse() gives (Adam's steps are
    // scale-sensitive)
    let nz = 0;
    for (let c = 0; c < k; c++) nz += z[i * k + c] ** 2;
    nz = Math.sqrt(nz);
    if (nz > 0) for (let c = 0; c < k; c++) z[i * k + c] /= nz;
  }
  return { B: Bm, k, z, m: new Float64Array(z.length), v: new Float64Array(z.length) };
}

/** Unit embeddings [N, d] and the norms ‖Bz_i‖ of one side. */
function embedSide(s: Side, n: number, d: number): { E: Mat; norms: Float64Array } {
  const E = zeros(n, d);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let r = 0; r < d; r++) {
      let y = 0;
      if (s.B) for (let c = 0; c < s.k; c++) y += s.B.data[r * s.k + c] * s.z[i * s.k + c];
      else y = s.z[i * d + r];
      E.data[i * d + r] = y;
      ss += y * y;
    }
    const nn = Math.sqrt(ss + 1e-12);
    norms[i] = nn;
    for (let r = 0; r < d; r++) E.data[i * d + r] /= nn;
  }
  return { E, norms };
}

/** ∂L/∂z for one side from ∂L/∂u (rows of gU). */
function backSide(s: Side, E: Mat, norms: Float64Array, gU: Float64Array, out: Float64Array): void {
  const n = E.rows;
  const d = E.cols;
  const gy = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let ug = 0;
    for (let r = 0; r < d; r++) ug += E.data[i * d + r] * gU[i * d + r];
    for (let r = 0; r < d; r++) gy[r] = (gU[i * d + r] - ug * E.data[i * d + r]) / norms[i];
    for (let c = 0; c < s.k; c++) {
      let g = 0;
      if (s.B) for (let r = 0; r < d; r++) g += s.B.data[r * s.k + c] * gy[r];
      else g = gy[c];
      out[i * s.k + c] = g;
    }
  }
}

/** Scratch buffers of infoNCEGrad for N pairs (reused across a training run's steps). */
export interface GradWork {
  n: number;
  S: Float64Array;
  G: Float64Array;
  X: Float64Array;
  m: Float64Array;
  w: Float64Array;
  colSum: Float64Array;
}

/** Scratch for `infoNCEGrad(U, V, tau, ws)` with N = n pairs. */
export function gradWork(n: number): GradWork {
  return {
    n,
    S: new Float64Array(n * n),
    G: new Float64Array(n * n),
    X: new Float64Array(n * n),
    m: new Float64Array(n),
    w: new Float64Array(n),
    colSum: new Float64Array(n),
  };
}

/**
 * Symmetric InfoNCE value and ∂L/∂U, ∂L/∂V (float64). `ws` (from gradWork(N)) reuses scratch
 * buffers across calls; the gradients are always fresh arrays.
 */
export function infoNCEGrad(
  U: Mat,
  V: Mat,
  tau: number,
  ws?: GradWork,
): { loss: number; gU: Float64Array; gV: Float64Array } {
  const n = U.rows;
  const d = U.cols;
  if (ws && ws.n !== n) throw new ShapeError("infoNCEGrad ws", `scratch for N = ${n}`, [ws.n]);
  const gU = new Float64Array(n * d);
  const gV = new Float64Array(n * d);
  const loss = gradInto(U, V, tau, ws ?? gradWork(n), gU, gV);
  return { loss, gU, gV };
}

/**
 * infoNCEGrad into caller-owned gU, gV (overwritten) with scratch `ws`; returns the loss. The same
 * operations in the same order as before the buffers were reused, so the results are bit-identical
 * (test/contrastive.test.ts checks reused scratch against a copy of the allocating version).
 */
function gradInto(
  U: Mat,
  V: Mat,
  tau: number,
  ws: GradWork,
  gU: Float64Array,
  gV: Float64Array,
): number {
  const n = U.rows;
  const d = U.cols;
  const { S, G, X, m, w, colSum } = ws;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += U.data[i * d + r] * V.data[j * d + r];
      S[i * n + j] = s / tau;
    }
  let loss = 0;
  if (tau >= 0.006) {
    // One exp per logit: X_ij = e^{S_ij − m_i} (row max m_i) gives the row softmax; the column
    // softmax reuses it with weights w_i = e^{m_i − M}. Every factor is ≥ e^{−4/τ} > 1e-290 for
    // τ ≥ 0.006 (|S_ij| ≤ 1/τ), so nothing underflows to 0.
    let M = -Infinity;
    for (let i = 0; i < n; i++) {
      let mi = -Infinity;
      for (let j = 0; j < n; j++) mi = Math.max(mi, S[i * n + j]);
      m[i] = mi;
      M = Math.max(M, mi);
    }
    colSum.fill(0);
    for (let i = 0; i < n; i++) {
      let e = 0;
      const wi = Math.exp(m[i] - M);
      w[i] = wi;
      for (let j = 0; j < n; j++) {
        const x = Math.exp(S[i * n + j] - m[i]);
        X[i * n + j] = x;
        e += x;
        colSum[j] += x * wi;
      }
      loss += m[i] + Math.log(e) - S[i * n + i];
      // (G starts at 0: 0 + X/e is X/e)
      for (let j = 0; j < n; j++) G[i * n + j] = X[i * n + j] / e;
    }
    for (let j = 0; j < n; j++) loss += M + Math.log(colSum[j]) - S[j * n + j];
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      for (let j = 0; j < n; j++) G[i * n + j] += (X[i * n + j] * wi) / colSum[j];
    }
  } else {
    G.fill(0);
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let j = 0; j < n; j++) mx = Math.max(mx, S[i * n + j]);
      let e = 0;
      for (let j = 0; j < n; j++) e += Math.exp(S[i * n + j] - mx);
      loss += mx + Math.log(e) - S[i * n + i];
      for (let j = 0; j < n; j++) G[i * n + j] += Math.exp(S[i * n + j] - mx) / e;
    }
    for (let j = 0; j < n; j++) {
      let mx = -Infinity;
      for (let i = 0; i < n; i++) mx = Math.max(mx, S[i * n + j]);
      let e = 0;
      for (let i = 0; i < n; i++) e += Math.exp(S[i * n + j] - mx);
      loss += mx + Math.log(e) - S[j * n + j];
      for (let i = 0; i < n; i++) G[i * n + j] += Math.exp(S[i * n + j] - mx) / e;
    }
  }
  for (let i = 0; i < n; i++) G[i * n + i] -= 2;
  const scale = 1 / (2 * n * tau);
  gU.fill(0);
  gV.fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const g = G[i * n + j] * scale;
      if (g === 0) continue;
      for (let r = 0; r < d; r++) {
        gU[i * d + r] += g * V.data[j * d + r];
        gV[j * d + r] += g * U.data[i * d + r];
      }
    }
  return loss / (2 * n);
}

/**
 * Train free embeddings from the unit rows U0, V0 ([N, d]) with Adam on symmetric InfoNCE, in
 * float64. Same records, criterion and result shape as trainContrastive.
 */
export function trainFreeEmbeddings(U0: MatLike, V0: MatLike, opts: FreeTrainOptions): TrainResult {
  const fn = "trainFreeEmbeddings";
  const A = asMat(U0, `${fn} U0`);
  const Bv = asMat(V0, `${fn} V0`);
  if (A.rows !== Bv.rows || A.cols !== Bv.cols)
    throw new ShapeError(`${fn} V0`, `[${A.rows}, ${A.cols}] (same as U0)`, [Bv.rows, Bv.cols]);
  if (A.rows < 2) throw new ShapeError(`${fn} U0`, "[N ≥ 2, d]", [A.rows, A.cols]);
  const { tau, lr, steps } = opts;
  if (!(tau > 0 && Number.isFinite(tau))) argError(fn, "opts.tau", tau, "a finite temperature > 0");
  if (!(lr > 0 && Number.isFinite(lr))) argError(fn, "opts.lr", lr, "a finite number > 0");
  checkCount(fn, "opts.steps", steps, 0);
  const logEvery = opts.logEvery ?? Math.max(1, Math.ceil(steps / 20));
  checkCount(fn, "opts.logEvery", logEvery);
  const until = opts.until;
  if (until) {
    checkCount(fn, "opts.until.window", until.window);
    if (!(until.lossTol > 0)) argError(fn, "opts.until.lossTol", until.lossTol, "a number > 0");
    if (!(until.gapTol > 0)) argError(fn, "opts.until.gapTol", until.gapTol, "a number > 0");
  }
  const [b1, b2, eps] = [opts.beta1 ?? 0.9, opts.beta2 ?? 0.999, opts.eps ?? 1e-7];
  const n = A.rows;
  const d = A.cols;
  const su = setup(fn, "opts.B1", A, opts.B1);
  const sv = setup(fn, "opts.B2", Bv, opts.B2);
  const history: TrainRecord[] = [];
  const withRecall = opts.recall ?? true;
  let U = embedSide(su, n, d);
  let V = embedSide(sv, n, d);
  const record = (step: number, batchLoss: number) => {
    history.push({
      step,
      loss: infoNCELoss(U.E, V.E, tau),
      batchLoss,
      recallAt1: withRecall ? recallAtK(U.E, V.E, 1) : NaN,
      ...gapMetrics(U.E, V.E),
    });
  };
  record(0, NaN);
  let acc1 = b1;
  let acc2 = b2;
  const gzU = new Float64Array(su.z.length);
  const gzV = new Float64Array(sv.z.length);
  let converged = false;
  let taken = 0;
  let accLoss = 0;
  let accN = 0;
  const adam = (s: Side, g: Float64Array) => {
    for (let p = 0; p < s.z.length; p++) {
      s.m[p] = b1 * s.m[p] + (1 - b1) * g[p];
      s.v[p] = b2 * s.v[p] + (1 - b2) * g[p] * g[p];
      s.z[p] -= (lr * (s.m[p] / (1 - acc1))) / (Math.sqrt(s.v[p] / (1 - acc2)) + eps);
    }
  };
  const ws = gradWork(n);
  const gU = new Float64Array(n * d);
  const gV = new Float64Array(n * d);
  for (let step = 1; step <= steps; step++) {
    const loss = gradInto(U.E, V.E, tau, ws, gU, gV);
    backSide(su, U.E, U.norms, gU, gzU);
    backSide(sv, V.E, V.norms, gV, gzV);
    adam(su, gzU);
    adam(sv, gzV);
    acc1 *= b1;
    acc2 *= b2;
    U = embedSide(su, n, d);
    V = embedSide(sv, n, d);
    accLoss += loss;
    accN++;
    taken = step;
    if (step % logEvery === 0 || step === steps) {
      record(step, accLoss / accN);
      accLoss = 0;
      accN = 0;
      if (until && step >= until.window) {
        const now = history[history.length - 1];
        let then: TrainRecord | undefined;
        for (const h of history) if (h.step <= step - until.window) then = h;
        if (
          then &&
          Math.abs(now.loss - then.loss) < until.lossTol &&
          Math.abs(now.centroidDistance - then.centroidDistance) < until.gapTol
        ) {
          converged = true;
          break;
        }
      }
    }
  }
  return { history, U: U.E, V: V.E, steps: taken, converged };
}
