/**
 * Small float64 linear algebra for frames: 3×3 matrices (row-major Float64Array(9)), dense
 * row-major matrices for representation checks, random elements of O(3), and a Jacobi eigen
 * solver (used to find Clebsch–Gordan intertwiners as null vectors, see cg.ts).
 */
import { ShapeError, domainError } from "../errors";
import { Rng } from "../tensor/rng";

/** A 3×3 matrix, row-major. */
export type Mat3 = Float64Array;

export { mat, eye, matMul, transpose } from "../linalg";
export type { Mat } from "../linalg";
import { mat, eye } from "../linalg";
import type { Mat } from "../linalg";

/** Kronecker product a ⊗ b: (a⊗b)[i·p+k, j·q+l] = a[i,j]·b[k,l]. */
export function kron(a: Mat, b: Mat): Mat {
  const c = mat(a.rows * b.rows, a.cols * b.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) {
    const aij = a.data[i * a.cols + j];
    for (let k = 0; k < b.rows; k++) for (let l = 0; l < b.cols; l++) {
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
    for (let i = 0; i < b.rows; i++) for (let j = 0; j < b.cols; j++) m.data[(o + i) * n + o + j] = b.data[i * b.cols + j];
    o += b.rows;
  }
  return m;
}

/** max |a − b| over all entries (shapes must match). */
export function maxAbsDiff(a: Mat, b: Mat): number {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new ShapeError("maxAbsDiff b", `[${a.rows}, ${a.cols}]`, [b.rows, b.cols]);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

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
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) c[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return c;
}

export function transpose3(a: ArrayLike<number>): Mat3 {
  return Float64Array.of(a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]);
}

export function det3(a: ArrayLike<number>): number {
  return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
}

/** Apply R to every point of a flat [N·3] array: x ↦ R x (+ t). */
export function transformPoints(pos: ArrayLike<number>, R: ArrayLike<number>, t: ArrayLike<number> = [0, 0, 0]): Float64Array {
  if (pos.length % 3 !== 0) throw new ShapeError("transformPoints pos", "a flat [N·3] array", [pos.length]);
  const out = new Float64Array(pos.length);
  for (let i = 0; i < pos.length; i += 3) {
    const x = pos[i], y = pos[i + 1], z = pos[i + 2];
    out[i] = R[0] * x + R[1] * y + R[2] * z + t[0];
    out[i + 1] = R[3] * x + R[4] * y + R[5] * z + t[1];
    out[i + 2] = R[6] * x + R[7] * y + R[8] * z + t[2];
  }
  return out;
}

/**
 * Haar-random rotation from a uniform unit quaternion (normalised 4-d Gaussian), then, if
 * `reflect`, composed with the reflection diag(1, 1, −1) so det = −1 (a Haar-random improper
 * element of O(3)).
 */
export function randomRotation(r: Rng, reflect = false): Mat3 {
  let w = 0, x = 0, y = 0, z = 0, n = 0;
  do {
    w = r.normal(); x = r.normal(); y = r.normal(); z = r.normal();
    n = Math.hypot(w, x, y, z);
  } while (n < 1e-8);
  w /= n; x /= n; y /= n; z /= n;
  const R = Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  );
  if (reflect) for (let i = 0; i < 3; i++) R[i * 3 + 2] = -R[i * 3 + 2];
  return R;
}

/** Rotation by angle θ about a unit axis (Rodrigues). */
export function axisAngle(axis: ArrayLike<number>, theta: number): Mat3 {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(n > 0)) domainError("axisAngle", "axis", Array.from(axis), "a non-zero 3-vector");
  const x = axis[0] / n, y = axis[1] / n, z = axis[2] / n;
  const c = Math.cos(theta), s = Math.sin(theta), C = 1 - c;
  return Float64Array.of(
    c + x * x * C, x * y * C - z * s, x * z * C + y * s,
    y * x * C + z * s, c + y * y * C, y * z * C - x * s,
    z * x * C - y * s, z * y * C + x * s, c + z * z * C,
  );
}

/** max |RᵀR − I|: how far a 3×3 matrix is from orthogonal. */
export function orthogonalityError(R: ArrayLike<number>): number {
  const m = mul3(transpose3(R), R);
  let e = 0;
  for (let i = 0; i < 9; i++) e = Math.max(e, Math.abs(m[i] - I3[i]));
  return e;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (converges quadratically;
 * fine up to a few hundred rows). Returns eigenvalues ascending and eigenvectors as columns.
 */
export function symmetricEigen(a: Mat, opts: { maxSweeps?: number; tol?: number } = {}): { values: Float64Array; vectors: Mat } {
  if (a.rows !== a.cols) throw new ShapeError("symmetricEigen a", "a square matrix", [a.rows, a.cols]);
  const n = a.rows;
  const A = Float64Array.from(a.data);
  const V = eye(n).data;
  const maxSweeps = opts.maxSweeps ?? 60;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(A[i]));
  const tol = (opts.tol ?? 1e-15) * Math.max(scale, 1e-300);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off = Math.max(off, Math.abs(A[p * n + q]));
    if (off <= tol) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (Math.abs(apq) <= tol * 1e-3) continue;
        const app = A[p * n + p], aqq = A[q * n + q];
        // Rotation angle that zeroes A[p,q] (Golub & Van Loan, Alg. 8.4.1).
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p], akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k], aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p], vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[i * n + i] - A[j * n + j]);
  const values = Float64Array.from(order, (i) => A[i * n + i]);
  const vectors = mat(n, n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors.data[k * n + dst] = V[k * n + src];
  });
  return { values, vectors };
}
