/**
 * Real Clebsch–Gordan coefficients for ℓ ≤ 3, in the same real basis as wignerD (reps.ts).
 *
 * C^{ℓ₃}_{ℓ₁ℓ₂} is the [2ℓ₃+1, (2ℓ₁+1)(2ℓ₂+1)] matrix with
 *   D^{ℓ₃}(R) C = C (D^{ℓ₁}(R) ⊗ D^{ℓ₂}(R))  for all R ∈ SO(3),  C Cᵀ = I.
 * Instead of transforming the complex Racah formula into the real basis (phase conventions are
 * easy to get wrong), C is computed as the null vector of the linear equations above for a few
 * generic rotations: the intertwiner space is one-dimensional when |ℓ₁−ℓ₂| ≤ ℓ₃ ≤ ℓ₁+ℓ₂
 * (Schur's lemma; real irreps of SO(3) are of real type), so the null vector is C up to scale and
 * sign. Scale: C Cᵀ = I. Sign: the largest-magnitude entry (first in row-major order) is positive.
 *
 * For reflections: D^ℓ(−I) = (−1)^ℓ (natural parity), so the same C intertwines O(3) exactly when
 * ℓ₁ + ℓ₂ + ℓ₃ is even. (1 ⊗ 1 → 1 is the cross product: a pseudo-vector.)
 */
import { domainError } from "../errors";
import { Mat, kron, mat, matMul, symmetricEigen, transpose } from "../linalg";
import { Order, wignerD } from "./reps";
import { axisAngle } from "../linalg";

const cache = new Map<string, Mat>();

/** Fixed generic rotations: together they generate a dense subgroup, enough to pin down C. */
const GENERATORS = [
  axisAngle([1, 2, 3], 0.7),
  axisAngle([-2, 1, 0.5], 1.3),
  axisAngle([0.3, -1, 2], 2.1),
];

export function triangle(l1: number, l2: number, l3: number): boolean {
  return Math.abs(l1 - l2) <= l3 && l3 <= l1 + l2;
}

/** C^{ℓ₃}_{ℓ₁ℓ₂} as [2ℓ₃+1, (2ℓ₁+1)(2ℓ₂+1)], column index m₁·(2ℓ₂+1) + m₂ (float64, cached). */
export function clebschGordan(l1: Order, l2: Order, l3: Order): Mat {
  for (const [v, name] of [
    [l1, "l1"],
    [l2, "l2"],
    [l3, "l3"],
  ] as const) {
    if (!(v === 0 || v === 1 || v === 2 || v === 3))
      domainError("clebschGordan", name, v, "0, 1, 2 or 3");
  }
  if (!triangle(l1, l2, l3))
    domainError(
      "clebschGordan",
      "l3",
      l3,
      `|l1 − l2| ≤ l3 ≤ l1 + l2 = [${Math.abs(l1 - l2)}, ${l1 + l2}]`,
    );
  const key = `${l1},${l2},${l3}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const d1 = 2 * l1 + 1,
    d2 = 2 * l2 + 1,
    d3 = 2 * l3 + 1;
  const n = d3 * d1 * d2;
  const cols = d1 * d2;
  // M = Σ_R A_Rᵀ A_R with A_R vec(C) = vec(D₃C − C K), K = D₁ ⊗ D₂ (row-major vec: index a·cols +
  // b).
  const M = mat(n, n);
  for (const R of GENERATORS) {
    const D3 = wignerD(l3, R);
    const K = kron(wignerD(l1, R), wignerD(l2, R));
    const A = mat(n, n);
    for (let a = 0; a < d3; a++)
      for (let b = 0; b < cols; b++) {
        const row = a * cols + b;
        for (let c = 0; c < d3; c++) A.data[row * n + c * cols + b] += D3.data[a * d3 + c];
        for (let c = 0; c < cols; c++) A.data[row * n + a * cols + c] -= K.data[c * cols + b];
      }
    const AtA = matMul(transpose(A), A);
    for (let i = 0; i < n * n; i++) M.data[i] += AtA.data[i];
  }
  const { vectors } = symmetricEigen(M);
  const C = mat(d3, cols);
  for (let k = 0; k < n; k++) C.data[k] = vectors.data[k * n]; // eigenvector of the smallest eigenvalue
  let norm = 0,
    big = 0;
  for (const x of C.data) {
    norm += x * x;
    if (Math.abs(x) > Math.abs(big) + 1e-9) big = x;
  }
  const f = Math.sqrt(d3 / norm) * Math.sign(big);
  for (let k = 0; k < n; k++) C.data[k] *= f;
  cache.set(key, C);
  return C;
}

/** All (ℓ₁, ℓ₂, ℓ₃) with ℓ ≤ lmax, triangle rule, and, if `parity`, ℓ₁+ℓ₂+ℓ₃ even (O(3)-safe). */
export function cgPaths(lmax: Order, parity = true): [Order, Order, Order][] {
  if (!(lmax === 0 || lmax === 1 || lmax === 2 || lmax === 3))
    domainError("cgPaths", "lmax", lmax, "0, 1, 2 or 3");
  const out: [Order, Order, Order][] = [];
  for (let a = 0; a <= lmax; a++)
    for (let b = 0; b <= lmax; b++)
      for (let c = 0; c <= lmax; c++) {
        if (triangle(a, b, c) && (!parity || (a + b + c) % 2 === 0))
          out.push([a as Order, b as Order, c as Order]);
      }
  return out;
}
