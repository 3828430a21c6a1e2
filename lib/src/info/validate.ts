/**
 * Input handling shared by the info module: discrete distributions as flat arrays, joint
 * distributions / Markov kernels as matrices (number[][] or a Float64Array with a shape).
 */
import { ShapeError, DomainError } from "../errors";

/** A matrix given either as rows or as row-major data with its shape `[rows, cols]`. */
export type MatrixInput =
  | readonly (readonly number[])[]
  | { data: ArrayLike<number>; shape: readonly [number, number] | readonly number[] };

/** Row-major matrix, the internal form: the library's one matrix type. */
export type { Mat } from "../linalg";
import type { Mat } from "../linalg";

/** Tolerance on Σp = 1 (the contract: within 1e-9, else DomainError). */
export const SUM_TOL = 1e-9;

/**
 * Convert a MatrixInput to row-major form; ragged rows or a data/shape mismatch are ShapeErrors.
 */
export function toMatrix(fn: string, arg: string, m: MatrixInput): Mat {
  if (Array.isArray(m)) {
    const rows = m.length;
    if (rows === 0) throw new ShapeError(`${fn}: ${arg}`, "[rows ≥ 1, cols ≥ 1]", [0]);
    const cols = (m[0] as readonly number[]).length;
    if (cols === 0) throw new ShapeError(`${fn}: ${arg}`, "[rows ≥ 1, cols ≥ 1]", [rows, 0]);
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = m[i] as readonly number[];
      if (!row || row.length !== cols)
        throw new ShapeError(
          `${fn}: ${arg} row ${i}`,
          `length ${cols} (rectangular)`,
          `length ${row ? row.length : "undefined"}`,
        );
      for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
    }
    return { data, rows, cols };
  }
  const { data, shape } = m as { data: ArrayLike<number>; shape: readonly number[] };
  if (
    !shape ||
    shape.length !== 2 ||
    !(shape[0] >= 1) ||
    !(shape[1] >= 1) ||
    !Number.isInteger(shape[0]) ||
    !Number.isInteger(shape[1])
  )
    throw new ShapeError(
      `${fn}: ${arg}.shape`,
      "[rows ≥ 1, cols ≥ 1] (integers)",
      shape ? Array.from(shape) : "undefined",
    );
  if (data.length !== shape[0] * shape[1])
    throw new ShapeError(
      `${fn}: ${arg}.data`,
      `length ${shape[0]}×${shape[1]} = ${shape[0] * shape[1]}`,
      `length ${data.length}`,
    );
  return { data: Float64Array.from(data), rows: shape[0], cols: shape[1] };
}

/**
 * Throw a DomainError naming `arg` unless every entry is finite and ≥ 0 and the total is 1 ±
 * SUM_TOL.
 */
export function assertDistribution(fn: string, arg: string, p: ArrayLike<number>): void {
  if (p.length === 0)
    throw new DomainError(
      `${fn}: argument ${arg} is empty; expected a probability distribution (non-negative, sums to 1)`,
    );
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!Number.isFinite(v) || v < 0)
      throw new DomainError(
        `${fn}: argument ${arg}[${i}] = ${v}; expected a probability distribution (finite, non-negative entries)`,
      );
    s += v;
  }
  if (Math.abs(s - 1) > SUM_TOL)
    throw new DomainError(
      `${fn}: argument ${arg} sums to ${s}; expected a probability distribution summing to 1 within ${SUM_TOL}`,
    );
}

/** Validate a joint distribution matrix (all entries together sum to 1). */
export function toJoint(fn: string, arg: string, m: MatrixInput): Mat {
  const mat = toMatrix(fn, arg, m);
  assertDistribution(fn, arg, mat.data);
  return mat;
}

/** Validate a Markov kernel: every row is a distribution (K[i][j] = P(Y=j | X=i)). */
export function toKernel(fn: string, arg: string, m: MatrixInput): Mat {
  const mat = toMatrix(fn, arg, m);
  for (let i = 0; i < mat.rows; i++)
    assertDistribution(fn, `${arg} row ${i}`, mat.data.subarray(i * mat.cols, (i + 1) * mat.cols));
  return mat;
}

/** Validate a vector distribution and return it as Float64Array. */
export function toDistribution(fn: string, arg: string, p: ArrayLike<number>): Float64Array {
  assertDistribution(fn, arg, p);
  return Float64Array.from(p);
}

/** DomainError unless `v` is an integer ≥ `min`. */
export function assertInt(fn: string, arg: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min)
    throw new DomainError(
      `${fn}: argument ${arg} = ${v} is out of domain; expected an integer ≥ ${min}`,
    );
}

/** DomainError unless `v` is finite and lo ≤ v ≤ hi (bounds inclusive unless flagged). */
export function assertIn(
  fn: string,
  arg: string,
  v: number,
  lo: number,
  hi: number,
  opts: { loOpen?: boolean; hiOpen?: boolean } = {},
): void {
  const ok = Number.isFinite(v) || (hi === Infinity && v === Infinity && !opts.hiOpen);
  const aboveLo = opts.loOpen ? v > lo : v >= lo;
  const belowHi = opts.hiOpen ? v < hi : v <= hi;
  if (!ok || !aboveLo || !belowHi)
    throw new DomainError(
      `${fn}: argument ${arg} = ${v} is out of domain; expected ${lo} ${opts.loOpen ? "<" : "≤"} ${arg} ${opts.hiOpen ? "<" : "≤"} ${hi}`,
    );
}
