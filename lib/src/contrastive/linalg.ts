/**
 * Small dense float64 linear algebra for the modality-gap analysis: one-sided Jacobi SVD,
 * orthonormal bases, principal angles and vectors between subspaces, subspace estimation from data.
 *
 * Matrices here are small (d ≤ a few hundred), so plain JS float64 is both exact enough and fast;
 * tfjs float32 would lose the small principal angles (acos near 1 amplifies rounding).
 */
import * as tf from "../tf";
import { ShapeError } from "../errors";
import { argError, checkCount } from "./errors";

import { zeros, eye, transpose as rawTranspose, matMul as rawMatMul } from "../linalg";
import type { Mat } from "../linalg";
export { zeros, eye };
export type { Mat };

/** Anything a matrix can be read from: a Mat, nested arrays (rows), or a rank-2 tfjs tensor. */
export type MatLike = Mat | readonly (readonly number[])[] | readonly Float64Array[] | readonly Float32Array[] | tf.Tensor2D;

export function isMat(x: unknown): x is Mat {
  return typeof x === "object" && x !== null && "rows" in x && "cols" in x && (x as Mat).data instanceof Float64Array;
}

/**
 * Read any MatLike as a float64 Mat (a Mat is returned as is, anything else is copied) and validate
 * it: at least one row and one column, rows of equal length, data length = rows·cols, and every
 * entry finite. `what` names the argument in the error (e.g. "recallAtK U").
 * @throws ShapeError on a shape mismatch, ArgumentError on NaN/±∞ entries.
 */
export function asMat(x: MatLike, what = "matrix"): Mat {
  let m: Mat;
  if (isMat(x)) {
    if (!Number.isInteger(x.rows) || !Number.isInteger(x.cols) || x.rows < 1 || x.cols < 1)
      throw new ShapeError(what, "[rows ≥ 1, cols ≥ 1] with integer sizes", `[${x.rows}, ${x.cols}]`);
    if (x.data.length !== x.rows * x.cols)
      throw new ShapeError(`${what} data`, `length rows·cols = ${x.rows * x.cols}`, [x.data.length]);
    m = x;
  } else if (x instanceof tf.Tensor) {
    if (x.rank !== 2 || x.shape[0] < 1 || x.shape[1] < 1) throw new ShapeError(what, "[rows ≥ 1, cols ≥ 1]", x.shape);
    m = { rows: x.shape[0], cols: x.shape[1], data: Float64Array.from(x.dataSync()) };
  } else {
    if (!Array.isArray(x)) throw new ShapeError(what, "a Mat, an array of rows or a rank-2 tensor", typeof x);
    const rowsArr = x as readonly ArrayLike<number>[];
    const rows = rowsArr.length;
    if (rows === 0) throw new ShapeError(what, "[rows ≥ 1, cols]", "[0, ?]");
    const cols = rowsArr[0].length;
    if (!(cols >= 1)) throw new ShapeError(what, "[rows, cols ≥ 1]", `[${rows}, ${cols}]`);
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const r = rowsArr[i];
      if (r.length !== cols) throw new ShapeError(`${what} row ${i}`, `[${cols}]`, [r.length]);
      for (let j = 0; j < cols; j++) data[i * cols + j] = r[j];
    }
    m = { rows, cols, data };
  }
  const d = m.data;
  for (let i = 0; i < d.length; i++)
    if (!Number.isFinite(d[i])) argError(what, `[${Math.floor(i / m.cols)}, ${i % m.cols}]`, d[i], "finite entries");
  return m;
}

/** Aᵀ of a validated matrix (wrong data length or non-finite entries throw, see `asMat`). */
export function transpose(a: MatLike): Mat {
  return rawTranspose(asMat(a, "transpose a"));
}

/**
 * a·b, [m, k] × [k, n] → [m, n], both validated first (wrong data length, NaN/±∞ throw), so the
 * zero-skipping product of ../linalg never sees 0·∞.
 */
export function matMul(a: MatLike, b: MatLike): Mat {
  return rawMatMul(asMat(a, "matMul a"), asMat(b, "matMul b"));
}

/** Nested-array copy (for printing, danfo tables, JSON). */
export function toArray(m: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** Float32 tfjs tensor of the matrix (caller disposes). */
export function toTensor(m: Mat): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
}

export function get(m: Mat, i: number, j: number): number {
  return m.data[i * m.cols + j];
}

export function row(m: Mat, i: number): Float64Array {
  return m.data.slice(i * m.cols, (i + 1) * m.cols);
}

export function col(m: Mat, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** Matrix whose columns are the given vectors. */
export function fromColumns(cols: readonly ArrayLike<number>[]): Mat {
  if (!Array.isArray(cols)) throw new ShapeError("fromColumns cols", "an array of columns", typeof cols);
  if (cols.length === 0) throw new ShapeError("fromColumns", "at least one column", "[]");
  const rows = cols[0].length;
  const m = zeros(rows, cols.length);
  cols.forEach((c, j) => {
    if (c.length !== rows) throw new ShapeError(`fromColumns column ${j}`, `[${rows}]`, [c.length]);
    for (let i = 0; i < rows; i++) m.data[i * cols.length + j] = c[i];
  });
  return m;
}



export function sub(a: Mat, b: Mat): Mat {
  asMat(a, "sub a");
  asMat(b, "sub b");
  if (a.rows !== b.rows || a.cols !== b.cols) throw new ShapeError("sub", `[${a.rows}, ${a.cols}]`, [b.rows, b.cols]);
  const c = zeros(a.rows, a.cols);
  for (let i = 0; i < c.data.length; i++) c.data[i] = a.data[i] - b.data[i];
  return c;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new ShapeError("dot", `[${a.length}]`, [b.length]);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** Rows scaled to unit length (zero rows stay zero). */
export function normalizeRows(x: MatLike): Mat {
  const m = asMat(x, "normalizeRows x");
  const out = zeros(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < m.cols; j++) out.data[i * m.cols + j] = m.data[i * m.cols + j] * inv;
  }
  return out;
}

/** Column means, as a vector of length cols. */
export function columnMean(x: MatLike): Float64Array {
  const m = asMat(x, "columnMean x");
  const mu = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mu[j] += m.data[i * m.cols + j];
  for (let j = 0; j < m.cols; j++) mu[j] /= m.rows;
  return mu;
}

/** Rows minus the column mean. */
export function centerRows(x: MatLike): Mat {
  const m = asMat(x, "centerRows x");
  const mu = columnMean(m);
  const out = zeros(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out.data[i * m.cols + j] = m.data[i * m.cols + j] - mu[j];
  return out;
}

export interface SVD {
  /** [m, r] left singular vectors (orthonormal columns). */
  U: Mat;
  /** r singular values, descending, r = min(m, n). */
  S: Float64Array;
  /** [n, r] right singular vectors (orthonormal columns). */
  V: Mat;
}

/**
 * Thin SVD A = U diag(S) Vᵀ by one-sided (Hestenes) Jacobi: rotate column pairs of W = A V until
 * all columns are mutually orthogonal; then S = column norms and U = W / S. Converges quadratically
 * and gives small singular values to high relative accuracy (standard numerical linear algebra),
 * which is what principal angles near 0 and 90° need. The input is scaled by its largest |entry|
 * first, so finite input gives finite output (no overflow of sums of squares near 1e300). Columns of
 * U whose singular value is (numerically) zero are completed to an orthonormal set, so U always
 * has orthonormal columns, as documented.
 */
export function svd(a: MatLike, opts: { tol?: number; maxSweeps?: number } = {}): SVD {
  const A = asMat(a, "svd a");
  if (A.rows < A.cols) {
    // Work on Aᵀ so the Jacobi sweep runs over the smaller number of columns.
    const t = svd(transpose(A), opts);
    return { U: t.V, S: t.S, V: t.U };
  }
  const m = A.rows;
  const n = A.cols;
  let scale = 0;
  for (let i = 0; i < A.data.length; i++) scale = Math.max(scale, Math.abs(A.data[i]));
  if (scale === 0) scale = 1;
  const tol = opts.tol ?? 1e-15;
  const maxSweeps = opts.maxSweeps ?? 60;
  if (!(tol > 0 && tol < 1)) argError("svd", "opts.tol", tol, "a number in (0, 1)");
  checkCount("svd", "opts.maxSweeps", maxSweeps);
  // Column-major copies make the column-pair rotations cache-friendly.
  const W: Float64Array[] = [];
  const Vc: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = A.data[i * n + j] / scale;
    W.push(c);
    const v = new Float64Array(n);
    v[j] = 1;
    Vc.push(v);
  }
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const wp = W[p];
        const wq = W[q];
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += wp[i] * wp[i];
          beta += wq[i] * wq[i];
          gamma += wp[i] * wq[i];
        }
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // Jacobi rotation that zeroes the (p, q) entry of the Gram matrix WᵀW.
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = wp[i];
          const y = wq[i];
          wp[i] = c * x - s * y;
          wq[i] = s * x + c * y;
        }
        const vp = Vc[p];
        const vq = Vc[q];
        for (let i = 0; i < n; i++) {
          const x = vp[i];
          const y = vq[i];
          vp[i] = c * x - s * y;
          vq[i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sv = W.map((w) => norm(w));
  const order = sv.map((_, j) => j).sort((i, j) => sv[j] - sv[i]);
  const U = zeros(m, n);
  const V = zeros(n, n);
  const S = new Float64Array(n);
  const cut = 1e-13 * sv[order[0]];
  const Ucols: Float64Array[] = [];
  order.forEach((src, k) => {
    S[k] = sv[src] * scale;
    for (let i = 0; i < n; i++) V.data[i * n + k] = Vc[src][i];
    if (sv[src] > cut && sv[src] > 0) {
      const u = W[src].map((x) => x / sv[src]);
      Ucols.push(u);
    } else Ucols.push(completeColumn(Ucols, m));
  });
  Ucols.forEach((u, k) => { for (let i = 0; i < m; i++) U.data[i * n + k] = u[i]; });
  return { U, S, V };
}

/** A unit vector of length m orthogonal to every column in `cols` (m > cols.length). */
function completeColumn(cols: readonly Float64Array[], m: number): Float64Array {
  let best: Float64Array | null = null;
  let bestNorm = -1;
  for (let e = 0; e < m; e++) {
    const v = new Float64Array(m);
    v[e] = 1;
    for (let pass = 0; pass < 2; pass++)
      for (const c of cols) {
        const cdot = dot(c, v);
        for (let i = 0; i < m; i++) v[i] -= cdot * c[i];
      }
    const nv = norm(v);
    if (nv > bestNorm) { bestNorm = nv; best = v; }
    if (nv > 0.5) break;
  }
  return (best as Float64Array).map((x) => x / bestNorm);
}

/** Singular values only, descending. */
export function singularValues(a: MatLike): Float64Array {
  return svd(a).S;
}

/**
 * Orthonormal basis (as columns, [d, r]) of the column span of `a` ([d, k]), by modified
 * Gram–Schmidt applied twice (standard reorthogonalisation). Columns whose remainder is
 * below `tol` times their norm are dropped, so r = numerical rank.
 */
export function orthonormalBasis(a: MatLike, tol = 1e-10): Mat {
  const A = asMat(a, "orthonormalBasis input");
  const basis: Float64Array[] = [];
  for (let j = 0; j < A.cols; j++) {
    const v = col(A, j);
    const n0 = norm(v);
    if (n0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dot(b, v);
        for (let i = 0; i < v.length; i++) v[i] -= c * b[i];
      }
    }
    const n1 = norm(v);
    if (n1 <= tol * n0) continue;
    for (let i = 0; i < v.length; i++) v[i] /= n1;
    basis.push(v);
  }
  if (basis.length === 0) argError("orthonormalBasis", "a", "a matrix spanning only {0}", "at least one non-zero column");
  return fromColumns(basis);
}

export interface PrincipalVectors {
  /** Principal angles θ₁ ≤ θ₂ ≤ … ≤ θ_r in radians, r = min(dim H₁, dim H₂). */
  angles: Float64Array;
  /** [d, r] principal vectors in H₁ (orthonormal columns). */
  P: Mat;
  /** [d, r] principal vectors in H₂, with p_kᵀq_k = cos θ_k and p_iᵀq_j = 0 for i ≠ j. */
  Q: Mat;
}

/**
 * Principal angles and vectors between span(B₁) and span(B₂) (columns; any basis, not necessarily
 * orthonormal). With orthonormal bases Q₁, Q₂ and the SVD Q₁ᵀQ₂ = Y diag(cos θ) Zᵀ
 * (the standard construction of numerical linear algebra): θ_k = arccos σ_k, P = Q₁Y, Q = Q₂Z.
 * For orthogonal pairs (σ_k = 0) `svd` completes Y, so P and Q keep orthonormal columns.
 * arccos loses half the digits near θ = 0, so angles below π/4 are recomputed from sines, the
 * singular values of (I − Q₁Q₁ᵀ)Q₂Z.
 */
export function principalVectors(b1: MatLike, b2: MatLike): PrincipalVectors {
  const B1 = asMat(b1, "principalVectors B1");
  const B2 = asMat(b2, "principalVectors B2");
  if (B1.rows !== B2.rows) throw new ShapeError("principalVectors B2", `[${B1.rows}, k] (same ambient dimension as B1)`, [B2.rows, B2.cols]);
  const Q1 = orthonormalBasis(B1);
  const Q2 = orthonormalBasis(B2);
  const { U: Y, S, V: Z } = svd(matMul(transpose(Q1), Q2));
  const r = Math.min(Q1.cols, Q2.cols);
  const P = matMul(Q1, sliceCols(Y, r));
  const Q = matMul(Q2, sliceCols(Z, r));
  const angles = new Float64Array(r);
  for (let k = 0; k < r; k++) angles[k] = Math.acos(Math.min(1, Math.max(-1, S[k])));
  // Sine branch: the k-th column of Q minus its projection on H₁ has length sin θ_k exactly.
  const R = sub(Q, matMul(Q1, matMul(transpose(Q1), Q)));
  for (let k = 0; k < r; k++) {
    if (angles[k] < Math.PI / 4) angles[k] = Math.asin(Math.min(1, norm(col(R, k))));
  }
  // Sine-branch refinement can reorder nearly equal tiny angles by rounding; keep them ascending.
  for (let k = 1; k < r; k++) if (angles[k] < angles[k - 1]) angles[k] = angles[k - 1];
  return { angles, P, Q };
}

/** Principal angles θ₁ ≤ … ≤ θ_r (radians) between the column spans of B₁ and B₂. */
export function principalAngles(b1: MatLike, b2: MatLike): Float64Array {
  return principalVectors(b1, b2).angles;
}

/** First `k` columns of m. */
export function sliceCols(m: Mat, k: number): Mat {
  checkCount("sliceCols", "k", k);
  if (k > m.cols) throw new ShapeError("sliceCols", `at most ${m.cols} columns`, [m.rows, k]);
  const out = zeros(m.rows, k);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) out.data[i * k + j] = m.data[i * m.cols + j];
  return out;
}

export interface SubspaceEstimate {
  /** [d, r] orthonormal basis of the estimated subspace. */
  basis: Mat;
  /** All singular values of the data matrix, descending. */
  singularValues: Float64Array;
  /** Chosen dimension r. */
  rank: number;
}

/**
 * The subspace a cloud of embeddings (rows of X, [n, d]) lives in: top right singular vectors of X.
 * Not centred, because the modality subspaces in the paper pass through the origin (embeddings are
 * unit vectors; a constant offset is part of the subspace). r is `rank` if given, else the smallest
 * r whose singular values hold a fraction `energy` (default 0.99) of Σσ².
 */
export function estimateSubspace(x: MatLike, opts: { rank?: number; energy?: number } = {}): SubspaceEstimate {
  const X = asMat(x, "estimateSubspace X");
  if (X.data.every((v) => v === 0)) argError("estimateSubspace", "X", "the zero matrix", "data with at least one non-zero entry (no subspace can be estimated from zeros)");
  const { S, V } = svd(X);
  let r: number;
  if (opts.rank !== undefined) {
    if (!Number.isInteger(opts.rank) || opts.rank < 1 || opts.rank > Math.min(X.rows, X.cols))
      argError("estimateSubspace", "opts.rank", opts.rank, `an integer in [1, ${Math.min(X.rows, X.cols)}]`);
    r = opts.rank;
  } else {
    const energy = opts.energy ?? 0.99;
    if (!(energy > 0 && energy <= 1)) argError("estimateSubspace", "opts.energy", energy, "a fraction in (0, 1]");
    const total = S.reduce((s, v) => s + v * v, 0);
    let acc = 0;
    r = 0;
    while (r < S.length && acc < energy * total * (1 - 1e-12)) acc += S[r] * S[r++];
    r = Math.max(1, r);
  }
  return { basis: sliceCols(V, r), singularValues: S, rank: r };
}

/** Rows of X mapped by a linear map M ([d, d]): x ↦ M x, i.e. X Mᵀ. */
export function applyToRows(x: MatLike, m: Mat): Mat {
  const X = asMat(x, "applyToRows x");
  asMat(m, "applyToRows m");
  if (m.cols !== X.cols) throw new ShapeError("applyToRows m", `[d', ${X.cols}]`, [m.rows, m.cols]);
  return matMul(X, transpose(m));
}

/** Random orthogonal d×d matrix (QR of a Gaussian matrix, Haar up to the sign convention). */
export function randomOrthogonal(d: number, normal: () => number): Mat {
  checkCount("randomOrthogonal", "d", d);
  const g = zeros(d, d);
  for (let i = 0; i < g.data.length; i++) g.data[i] = normal();
  return orthonormalBasis(g);
}
