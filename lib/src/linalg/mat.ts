/**
 * The one dense float64 matrix type of the library (`Mat`), its constructors and the two
 * unchecked kernels every product and transpose goes through; the public, validating `matMul` and
 * `transpose` (any MatLike, non-finite entries refused) are in ./matlike.ts.
 * Row-major: element (i, j) is `data[i * cols + j]`. Sizes here are tiny (≤ a few hundred), so
 * plain loops beat a round trip through tfjs and keep float64 precision.
 */
import { ShapeError } from "../errors";

export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A rows×cols matrix, zero-filled or copied from `data` (row-major, length rows·cols). */
export function mat(rows: number, cols: number, data?: ArrayLike<number>): Mat {
  if (data && data.length !== rows * cols)
    throw new ShapeError("mat data", `length ${rows * cols} (${rows}×${cols})`, [data.length]);
  return { rows, cols, data: data ? Float64Array.from(data) : new Float64Array(rows * cols) };
}

export function zeros(rows: number, cols: number): Mat {
  return mat(rows, cols);
}

export function eye(n: number): Mat {
  const m = mat(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** Aᵀ without validation (callers: ./matlike.ts's `transpose`). */
export function transposeUnchecked(a: Mat): Mat {
  const t = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

/**
 * a·b, [m, k] × [k, n] → [m, n] without validating entries; skips zero entries of a (the
 * representation matrices are sparse). Callers: ./matlike.ts's `matMul`, after validation.
 */
export function matMulUnchecked(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows)
    throw new ShapeError("matMul b", `[k = ${a.cols}, n] (a is [${a.rows}, ${a.cols}])`, [
      b.rows,
      b.cols,
    ]);
  const c = mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    const co = i * b.cols;
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k];
      if (aik === 0) continue;
      const bo = k * b.cols;
      for (let j = 0; j < b.cols; j++) c.data[co + j] += aik * b.data[bo + j];
    }
  }
  return c;
}

/** Kronecker product a ⊗ b: (a⊗b)[i·p+k, j·q+l] = a[i,j]·b[k,l]. */
export function kron(a: Mat, b: Mat): Mat {
  const c = mat(a.rows * b.rows, a.cols * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) {
      const aij = a.data[i * a.cols + j];
      for (let k = 0; k < b.rows; k++)
        for (let l = 0; l < b.cols; l++) {
          c.data[(i * b.rows + k) * c.cols + j * b.cols + l] = aij * b.data[k * b.cols + l];
        }
    }
  return c;
}

/** Block-diagonal matrix from square blocks. */
export function blockDiag(blocks: Mat[]): Mat {
  const n = blocks.reduce((s, b) => s + b.rows, 0);
  const m = mat(n, n);
  let o = 0;
  for (const b of blocks) {
    for (let i = 0; i < b.rows; i++)
      for (let j = 0; j < b.cols; j++) m.data[(o + i) * n + o + j] = b.data[i * b.cols + j];
    o += b.rows;
  }
  return m;
}

/** max |a − b| over all entries (shapes must match). */
export function maxAbsDiff(a: Mat, b: Mat): number {
  if (a.rows !== b.rows || a.cols !== b.cols)
    throw new ShapeError("maxAbsDiff b", `[${a.rows}, ${a.cols}]`, [b.rows, b.cols]);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}
