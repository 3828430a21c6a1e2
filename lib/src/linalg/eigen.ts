/**
 * The eigen/SVD home: a thin SVD by one-sided (Hestenes) Jacobi for any MatLike (principal angles,
 * subspaces) and a symmetric eigensolver by cyclic two-sided Jacobi (Clebsch–Gordan null vectors,
 * frame covariances). Two algorithms, kept apart on purpose: neither reproduces the other's outputs
 * bit for bit, and every result computed with either would change if one replaced the other.
 */
import { ShapeError, argError, checkCount } from "../errors";
import { eye, mat, zeros } from "./mat";
import type { Mat } from "./mat";
import { MatLike, asMat, dot, norm, transpose } from "./matlike";

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
 * first, so finite input gives finite output (no overflow of sums of squares near 1e300). Columns
 * of U whose singular value is (numerically) zero are completed to an orthonormal set, so U always
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
  Ucols.forEach((u, k) => {
    for (let i = 0; i < m; i++) U.data[i * n + k] = u[i];
  });
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
    if (nv > bestNorm) {
      bestNorm = nv;
      best = v;
    }
    if (nv > 0.5) break;
  }
  return (best as Float64Array).map((x) => x / bestNorm);
}

/** Singular values only, descending. */
export function singularValues(a: MatLike): Float64Array {
  return svd(a).S;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (converges quadratically;
 * fine up to a few hundred rows). Returns eigenvalues ascending and eigenvectors as columns.
 */
export function symmetricEigen(
  a: Mat,
  opts: { maxSweeps?: number; tol?: number } = {},
): { values: Float64Array; vectors: Mat } {
  if (a.rows !== a.cols)
    throw new ShapeError("symmetricEigen a", "a square matrix", [a.rows, a.cols]);
  const n = a.rows;
  const A = Float64Array.from(a.data);
  const V = eye(n).data;
  const maxSweeps = opts.maxSweeps ?? 60;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(A[i]));
  const tol = (opts.tol ?? 1e-15) * Math.max(scale, 1e-300);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) off = Math.max(off, Math.abs(A[p * n + q]));
    if (off <= tol) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (Math.abs(apq) <= tol * 1e-3) continue;
        const app = A[p * n + p],
          aqq = A[q * n + q];
        // Rotation angle that zeroes A[p,q] (Golub & Van Loan, Alg. 8.4.1).
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t),
          s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p],
            akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k],
            aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p],
            vkq = V[k * n + q];
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
