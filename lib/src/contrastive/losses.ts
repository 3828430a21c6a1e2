/**
 * Contrastive losses on paired unit embeddings u_i = f(x_i), v_i = g(y_i), i = 1..N.
 *
 * Symmetric InfoNCE with temperature τ (CLIP; Oord et al. 2018):
 *   L_{u→v} = −(1/N) Σ_i log( exp(u_i·v_i/τ) / Σ_j exp(u_i·v_j/τ) )
 *           = (1/N) Σ_i [ LSE_j(u_i·v_j/τ) − u_i·v_i/τ ],
 *   L = (L_{u→v} + L_{v→u}) / 2.
 * Wang & Isola (2020): alignment  ℓ_align = E‖u_i − v_i‖^α  and
 * uniformity  ℓ_unif = log E_{i≠j} exp(−t‖x_i − x_j‖²).
 *
 * Each loss comes twice: a tfjs version (float32, differentiable, for training) and a float64
 * plain-JS version (for evaluating trained embeddings, loss landscapes and closed forms).
 */
import * as tf from "../tf";
import { ShapeError } from "../errors";
import { argError } from "./errors";
import { MatLike, asMat } from "../linalg";

function checkTau(fn: string, tau: number): void {
  if (!(tau > 0) || !Number.isFinite(tau)) argError(fn, "tau", tau, "a finite temperature > 0");
}

function checkPair(fn: string, u: tf.Tensor, v: tf.Tensor): void {
  if (u.rank !== 2) throw new ShapeError(`${fn} u`, "[N, d]", u.shape);
  if (v.rank !== 2 || v.shape[0] !== u.shape[0] || v.shape[1] !== u.shape[1])
    throw new ShapeError(`${fn} v`, `[${u.shape[0]}, ${u.shape[1]}] (same as u)`, v.shape);
}

/** Rows divided by their norm; eps keeps the gradient finite at 0. [N, d] → [N, d]. */
export function l2Normalize(x: tf.Tensor2D, eps = 1e-12): tf.Tensor2D {
  return tf.tidy(
    () => tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), eps))) as tf.Tensor2D,
  );
}

export interface InfoNCEOptions {
  /** Average both directions (default true); false gives L_{u→v} only. */
  symmetric?: boolean;
}

/**
 * InfoNCE loss (scalar) for paired rows u, v ([N, d], assumed unit norm). Logits u vᵀ/τ;
 * tf.logSumExp subtracts the row maximum, so τ = 0.01 (logits up to 100) does not overflow float32.
 * Defined result on non-finite input: this runs inside gradient tapes, where reading the tensor
 * back to check it would force a device sync every step, so NaN/±∞ entries propagate and the loss
 * is NaN (never a finite number). Use `infoNCELoss` (float64, throws ArgumentError) to validate.
 */
export function infoNCE(
  u: tf.Tensor2D,
  v: tf.Tensor2D,
  tau: number,
  opts: InfoNCEOptions = {},
): tf.Scalar {
  checkTau("infoNCE", tau);
  checkPair("infoNCE", u, v);
  return tf.tidy(() => {
    const logits = tf.div(tf.matMul(u, v, false, true), tau) as tf.Tensor2D;
    const pos = tf.div(tf.sum(tf.mul(u, v), 1), tau);
    const uv = tf.mean(tf.sub(tf.logSumExp(logits, 1), pos));
    if (opts.symmetric === false) return uv as tf.Scalar;
    const vu = tf.mean(tf.sub(tf.logSumExp(logits, 0), pos));
    return tf.mul(0.5, tf.add(uv, vu)) as tf.Scalar;
  });
}

/** Wang–Isola alignment E‖u_i − v_i‖₂^α (α > 0; default 2). */
export function alignLoss(u: tf.Tensor2D, v: tf.Tensor2D, alpha = 2): tf.Scalar {
  if (!(alpha > 0 && Number.isFinite(alpha)))
    argError("alignLoss", "alpha", alpha, "a finite number > 0");
  checkPair("alignLoss", u, v);
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(tf.sub(u, v)), 1);
    // ‖·‖^α = (‖·‖²)^{α/2}; for α = 2 skip the pow so the gradient at u = v is exactly 0, not NaN.
    return (alpha === 2 ? tf.mean(sq) : tf.mean(tf.pow(tf.add(sq, 1e-12), alpha / 2))) as tf.Scalar;
  });
}

/**
 * Wang–Isola uniformity log E_{i≠j} exp(−t‖x_i − x_j‖²) over the N(N−1) ordered pairs i ≠ j
 * (same value as over unordered pairs). Computed as LSE over off-diagonal entries − log(N(N−1)).
 */
export function uniformLoss(x: tf.Tensor2D, t = 2): tf.Scalar {
  if (!(t > 0 && Number.isFinite(t))) argError("uniformLoss", "t", t, "a finite number > 0");
  if (x.rank !== 2 || x.shape[0] < 2) throw new ShapeError("uniformLoss x", "[N ≥ 2, d]", x.shape);
  const n = x.shape[0];
  return tf.tidy(() => {
    const sqn = tf.sum(tf.square(x), 1, true);
    const d2 = tf.relu(
      tf.sub(tf.add(sqn, tf.transpose(sqn)), tf.mul(2, tf.matMul(x, x, false, true))),
    );
    // Push the diagonal to −1e9 so exp() drops it; the mask is a constant, so gradients are clean.
    const mask = tf.mul(tf.eye(n), -1e9);
    const lse = tf.logSumExp(tf.reshape(tf.add(tf.mul(-t, d2), mask), [-1]));
    return tf.sub(lse, Math.log(n * (n - 1))) as tf.Scalar;
  });
}

// ---------------------------------------------------------------------------------------------
// float64 versions

function logSumExp(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - m);
  return m + Math.log(s);
}

/** float64 InfoNCE on rows of U, V ([N, d]); same definition and options as `infoNCE`. */
export function infoNCELoss(
  U: MatLike,
  V: MatLike,
  tau: number,
  opts: InfoNCEOptions = {},
): number {
  checkTau("infoNCELoss", tau);
  const A = asMat(U, "infoNCELoss U");
  const B = asMat(V, "infoNCELoss V");
  if (A.rows !== B.rows || A.cols !== B.cols)
    throw new ShapeError("infoNCELoss V", `[${A.rows}, ${A.cols}] (same as U)`, [B.rows, B.cols]);
  const n = A.rows;
  const d = A.cols;
  const logits = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += A.data[i * d + k] * B.data[j * d + k];
      logits[i * n + j] = s / tau;
    }
  let uv = 0;
  let vu = 0;
  const colBuf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    uv += logSumExp(logits.subarray(i * n, (i + 1) * n)) - logits[i * n + i];
    for (let j = 0; j < n; j++) colBuf[j] = logits[j * n + i];
    vu += logSumExp(colBuf) - logits[i * n + i];
  }
  return opts.symmetric === false ? uv / n : (uv + vu) / (2 * n);
}

/** float64 Wang–Isola alignment E‖u_i − v_i‖^α. */
export function alignment(U: MatLike, V: MatLike, alpha = 2): number {
  if (!(alpha > 0 && Number.isFinite(alpha)))
    argError("alignment", "alpha", alpha, "a finite number > 0");
  const A = asMat(U, "alignment U");
  const B = asMat(V, "alignment V");
  if (A.rows !== B.rows || A.cols !== B.cols)
    throw new ShapeError("alignment V", `[${A.rows}, ${A.cols}] (same as U)`, [B.rows, B.cols]);
  let s = 0;
  for (let i = 0; i < A.rows; i++) {
    let d2 = 0;
    for (let k = 0; k < A.cols; k++) d2 += (A.data[i * A.cols + k] - B.data[i * A.cols + k]) ** 2;
    s += d2 ** (alpha / 2);
  }
  return s / A.rows;
}

/** float64 Wang–Isola uniformity log E_{i≠j} exp(−t‖x_i − x_j‖²). */
export function uniformity(X: MatLike, t = 2): number {
  if (!(t > 0 && Number.isFinite(t))) argError("uniformity", "t", t, "a finite number > 0");
  const A = asMat(X, "uniformity X");
  const n = A.rows;
  if (n < 2) throw new ShapeError("uniformity X", "[N ≥ 2, d]", [n, A.cols]);
  const terms = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let d2 = 0;
      for (let k = 0; k < A.cols; k++) d2 += (A.data[i * A.cols + k] - A.data[j * A.cols + k]) ** 2;
      terms[p++] = -t * d2;
    }
  return logSumExp(terms) - Math.log(terms.length);
}
