/**
 * 3×3 float64 matrices (row-major Float64Array(9)) for rotations and reflections of point clouds:
 * products, transpose, determinant, Rodrigues' formula, conversion to and from `Mat`.
 */
import { ShapeError, domainError } from "../errors";

/** A 3×3 matrix, row-major. */
export type Mat3 = Float64Array;

import { mat } from "./mat";
import type { Mat } from "./mat";

export function toMat3(a: Mat): Mat3 {
  if (a.rows !== 3 || a.cols !== 3) throw new ShapeError("toMat3", "[3, 3]", [a.rows, a.cols]);
  return Float64Array.from(a.data);
}

export function fromMat3(r: ArrayLike<number>): Mat {
  if (r.length !== 9) throw new ShapeError("fromMat3", "9 entries (row-major 3×3)", [r.length]);
  return mat(3, 3, r);
}

export const I3: Mat3 = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);

export function mul3(a: ArrayLike<number>, b: ArrayLike<number>): Mat3 {
  const c = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      c[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return c;
}

export function transpose3(a: ArrayLike<number>): Mat3 {
  return Float64Array.of(a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]);
}

export function det3(a: ArrayLike<number>): number {
  return (
    a[0] * (a[4] * a[8] - a[5] * a[7]) -
    a[1] * (a[3] * a[8] - a[5] * a[6]) +
    a[2] * (a[3] * a[7] - a[4] * a[6])
  );
}

/** Apply R to every point of a flat [N·3] array: x ↦ R x (+ t). */
export function transformPoints(
  pos: ArrayLike<number>,
  R: ArrayLike<number>,
  t: ArrayLike<number> = [0, 0, 0],
): Float64Array {
  if (pos.length % 3 !== 0)
    throw new ShapeError("transformPoints pos", "a flat [N·3] array", [pos.length]);
  const out = new Float64Array(pos.length);
  for (let i = 0; i < pos.length; i += 3) {
    const x = pos[i],
      y = pos[i + 1],
      z = pos[i + 2];
    out[i] = R[0] * x + R[1] * y + R[2] * z + t[0];
    out[i + 1] = R[3] * x + R[4] * y + R[5] * z + t[1];
    out[i + 2] = R[6] * x + R[7] * y + R[8] * z + t[2];
  }
  return out;
}

/** Rotation by angle θ about a unit axis (Rodrigues). */
export function axisAngle(axis: ArrayLike<number>, theta: number): Mat3 {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(n > 0)) domainError("axisAngle", "axis", Array.from(axis), "a non-zero 3-vector");
  const x = axis[0] / n,
    y = axis[1] / n,
    z = axis[2] / n;
  const c = Math.cos(theta),
    s = Math.sin(theta),
    C = 1 - c;
  return Float64Array.of(
    c + x * x * C,
    x * y * C - z * s,
    x * z * C + y * s,
    y * x * C + z * s,
    c + y * y * C,
    y * z * C - x * s,
    z * x * C - y * s,
    z * y * C + x * s,
    c + z * z * C,
  );
}

/** max |RᵀR − I|: how far a 3×3 matrix is from orthogonal. */
export function orthogonalityError(R: ArrayLike<number>): number {
  const m = mul3(transpose3(R), R);
  let e = 0;
  for (let i = 0; i < 9; i++) e = Math.max(e, Math.abs(m[i] - I3[i]));
  return e;
}
