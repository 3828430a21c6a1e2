/**
 * Reading matrices (`MatLike`: a Mat, nested arrays or a rank-2 tensor) with validation, the public
 * `matMul` and `transpose`, and row/column helpers.
 *
 * Matrices here are small (d ≤ a few hundred), so plain JS float64 is both exact enough and fast;
 * tfjs float32 would lose the small principal angles (acos near 1 amplifies rounding).
 */
import * as tf from "../tf";
import { ShapeError, argError, checkCount } from "../errors";
import { zeros, transposeUnchecked, matMulUnchecked } from "./mat";
import type { Mat } from "./mat";

/** Anything a matrix can be read from: a Mat, nested arrays (rows), or a rank-2 tfjs tensor. */
export type MatLike =
  | Mat
  | readonly (readonly number[])[]
  | readonly Float64Array[]
  | readonly Float32Array[]
  | tf.Tensor2D;

export function isMat(x: unknown): x is Mat {
  return (
    typeof x === "object" &&
    x !== null &&
    "rows" in x &&
    "cols" in x &&
    (x as Mat).data instanceof Float64Array
  );
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
      throw new ShapeError(
        what,
        "[rows ≥ 1, cols ≥ 1] with integer sizes",
        `[${x.rows}, ${x.cols}]`,
      );
    if (x.data.length !== x.rows * x.cols)
      throw new ShapeError(`${what} data`, `length rows·cols = ${x.rows * x.cols}`, [
        x.data.length,
      ]);
    m = x;
  } else if (x instanceof tf.Tensor) {
    if (x.rank !== 2 || x.shape[0] < 1 || x.shape[1] < 1)
      throw new ShapeError(what, "[rows ≥ 1, cols ≥ 1]", x.shape);
    m = { rows: x.shape[0], cols: x.shape[1], data: Float64Array.from(x.dataSync()) };
  } else {
    if (!Array.isArray(x))
      throw new ShapeError(what, "a Mat, an array of rows or a rank-2 tensor", typeof x);
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
    if (!Number.isFinite(d[i]))
      argError(what, `[${Math.floor(i / m.cols)}, ${i % m.cols}]`, d[i], "finite entries");
  return m;
}

/** Aᵀ of a validated matrix (wrong data length or non-finite entries throw, see `asMat`). */
export function transpose(a: MatLike): Mat {
  return transposeUnchecked(asMat(a, "transpose a"));
}

/**
 * a·b, [m, k] × [k, n] → [m, n], both validated first (wrong data length, NaN/±∞ throw), so the
 * zero-skipping product of ./mat.ts never sees 0·∞.
 */
export function matMul(a: MatLike, b: MatLike): Mat {
  return matMulUnchecked(asMat(a, "matMul a"), asMat(b, "matMul b"));
}

/** Nested-array copy (for printing, danfo tables, JSON). */
export function toArray(m: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++)
    out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
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
  if (!Array.isArray(cols))
    throw new ShapeError("fromColumns cols", "an array of columns", typeof cols);
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
  if (a.rows !== b.rows || a.cols !== b.cols)
    throw new ShapeError("sub", `[${a.rows}, ${a.cols}]`, [b.rows, b.cols]);
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
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) out.data[i * m.cols + j] = m.data[i * m.cols + j] - mu[j];
  return out;
}

/** Rows of X mapped by a linear map M ([d, d]): x ↦ M x, i.e. X Mᵀ. */
export function applyToRows(x: MatLike, m: Mat): Mat {
  const X = asMat(x, "applyToRows x");
  asMat(m, "applyToRows m");
  if (m.cols !== X.cols) throw new ShapeError("applyToRows m", `[d', ${X.cols}]`, [m.rows, m.cols]);
  return matMul(X, transpose(m));
}

/** First `k` columns of m. */
export function sliceCols(m: Mat, k: number): Mat {
  checkCount("sliceCols", "k", k);
  if (k > m.cols) throw new ShapeError("sliceCols", `at most ${m.cols} columns`, [m.rows, k]);
  const out = zeros(m.rows, k);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < k; j++) out.data[i * k + j] = m.data[i * m.cols + j];
  return out;
}
