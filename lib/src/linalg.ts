/**
 * Small dense float64 matrices shared by lib modules (contrastive subspaces, frames/irreps).
 * Row-major: element (i, j) is `data[i * cols + j]`. Sizes here are tiny (≤ a few hundred), so
 * plain loops beat a round trip through tfjs and keep float64 precision.
 */
import { ShapeError } from "./errors";

export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A rows×cols matrix, zero-filled or copied from `data` (row-major, length rows·cols). */
export function mat(rows: number, cols: number, data?: ArrayLike<number>): Mat {
  if (data && data.length !== rows * cols) throw new ShapeError("mat data", `length ${rows * cols} (${rows}×${cols})`, [data.length]);
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

export function transpose(a: Mat): Mat {
  const t = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

/** a·b, [m, k] × [k, n] → [m, n]; skips zero entries of a (the representation matrices are sparse). */
export function matMul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new ShapeError("matMul b", `[k = ${a.cols}, n] (a is [${a.rows}, ${a.cols}])`, [b.rows, b.cols]);
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
