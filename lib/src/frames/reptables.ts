/**
 * The algebraic checks of notebook 06 §3 as table data (ours): for each representation layout, how
 * far ρ is from a homomorphism on a set of group elements; for each Clebsch–Gordan path, how far
 * its coefficients are from orthonormal rows and from intertwining rotations and reflections.
 * float64 throughout: a correct implementation sits at rounding (~1e-15), a wrong basis row, a
 * missing det factor or a wrong parity at order one. The notebook displays and checks the rows.
 */
import { domainError } from "../errors";
import { det3, eye, I3, kron, Mat, maxAbsDiff, matMul, mul3, transpose } from "../linalg";
import { cgPaths, clebschGordan } from "./cg";
import { Order, parseRep, repDim, rho, wignerD } from "./reps";

/** One row of `repErrorTable`: maxima over the group elements (and pairs of them). */
export interface RepErrorRow {
  layout: string;
  dim: number;
  /** max |ρ(I) − I| */
  identity: number;
  /** max over R of |ρ(R)ρ(R)ᵀ − I| */
  orthogonality: number;
  /** max over pairs (R₁, R₂) of |ρ(R₁R₂) − ρ(R₁)ρ(R₂)| */
  homomorphism: number;
}

function checkGroupElements(
  fn: string,
  arg: string,
  Rs: readonly ArrayLike<number>[],
  det?: 1 | -1,
): void {
  if (!Array.isArray(Rs) || Rs.length === 0)
    domainError(fn, arg, Rs, "a non-empty array of 3×3 orthogonal matrices (row-major, length 9)");
  Rs.forEach((R, k) => {
    if (R === null || typeof R !== "object" || R.length !== 9)
      domainError(
        fn,
        `${arg}[${k}]`,
        R === null || typeof R !== "object" ? R : `length ${R.length}`,
        "a 3×3 matrix (row-major, length 9)",
      );
    for (let t = 0; t < 9; t++)
      if (!Number.isFinite(R[t])) domainError(fn, `${arg}[${k}][${t}]`, R[t], "a finite number");
    const RRt = mul3(R, [R[0], R[3], R[6], R[1], R[4], R[7], R[2], R[5], R[8]]);
    const off = Math.max(...Array.from(RRt, (v, t) => Math.abs(v - I3[t])));
    if (!(off < 1e-9))
      domainError(
        fn,
        `${arg}[${k}]`,
        `a matrix with |RRᵀ − I| = ${off.toExponential(2)}`,
        "an orthogonal matrix (|RRᵀ − I| < 1e-9)",
      );
    if (det !== undefined && Math.abs(det3(R) - det) > 1e-9)
      domainError(
        fn,
        `${arg}[${k}]`,
        `a matrix with det ${det3(R).toFixed(6)}`,
        `det = ${det} (${det === 1 ? "a rotation" : "a reflection"})`,
      );
  });
}

/**
 * ρ(I) = I, ρ(R)ρ(R)ᵀ = I and ρ(R₁R₂) = ρ(R₁)ρ(R₂) for each layout (`frames.rho` text such as
 * "1x2e" or "16x0e + 8x1o"), over every R and every ordered pair of `Rs` (rotations and
 * reflections; row-major 3×3). Returns one row per layout, in order.
 */
export function repErrorTable(
  layouts: readonly string[],
  Rs: readonly ArrayLike<number>[],
): RepErrorRow[] {
  const fn = "repErrorTable";
  if (!Array.isArray(layouts) || layouts.length === 0)
    domainError(fn, "layouts", layouts, "a non-empty array of representation layouts");
  checkGroupElements(fn, "Rs", Rs);
  return layouts.map((layout) => {
    const n = repDim(parseRep(layout));
    let hom = 0;
    for (const A of Rs)
      for (const B of Rs)
        hom = Math.max(
          hom,
          maxAbsDiff(rho(layout, mul3(A, B)), matMul(rho(layout, A), rho(layout, B))),
        );
    const orth = Math.max(
      ...Rs.map((A) => maxAbsDiff(matMul(rho(layout, A), transpose(rho(layout, A))), eye(n))),
    );
    return {
      layout,
      dim: n,
      identity: maxAbsDiff(rho(layout, I3), eye(n)),
      orthogonality: orth,
      homomorphism: hom,
    };
  });
}

/** One row of `cgErrorTable`. */
export interface CgErrorRow {
  l1: Order;
  l2: Order;
  l3: Order;
  /** |CCᵀ − I| */
  orthonormality: number;
  /** max over the rotations of |D^{ℓ3}(R) C − C (D^{ℓ1}(R) ⊗ D^{ℓ2}(R))| */
  rotation: number;
  /** the same over the reflections */
  reflection: number;
  /** ℓ1 + ℓ2 + ℓ3 even: the path intertwines reflections too (an O(3) path) */
  o3Path: boolean;
}

/**
 * Intertwining and orthonormality errors of the real Clebsch–Gordan coefficients of every path
 * ℓ1 ⊗ ℓ2 → ℓ3 with ℓ's ≤ `lmax` (`cgPaths(lmax, false)`: both parities), on `rotations`
 * (det +1) and `reflections` (det −1). Odd paths (ℓ1 + ℓ2 + ℓ3 odd) intertwine rotations only.
 */
export function cgErrorTable(
  lmax: Order,
  rotations: readonly ArrayLike<number>[],
  reflections: readonly ArrayLike<number>[],
): CgErrorRow[] {
  const fn = "cgErrorTable";
  checkGroupElements(fn, "rotations", rotations, 1);
  checkGroupElements(fn, "reflections", reflections, -1);
  return cgPaths(lmax, false).map(([l1, l2, l3]) => {
    const C: Mat = clebschGordan(l1, l2, l3);
    const err = (R: ArrayLike<number>) =>
      maxAbsDiff(matMul(wignerD(l3, R), C), matMul(C, kron(wignerD(l1, R), wignerD(l2, R))));
    return {
      l1,
      l2,
      l3,
      orthonormality: maxAbsDiff(matMul(C, transpose(C)), eye(2 * l3 + 1)),
      rotation: Math.max(...rotations.map(err)),
      reflection: Math.max(...reflections.map(err)),
      o3Path: (l1 + l2 + l3) % 2 === 0,
    };
  });
}

/**
 * max over `Rs` of |tr D^ℓ(R) − det(R)^ℓ χ_ℓ(θ)|: the trace of the library's Wigner-D matrix
 * against the character of the degree-ℓ irrep of SO(3), χ_ℓ(θ) = sin((2ℓ + 1)θ/2) / sin(θ/2)
 * (θ the rotation angle of the proper part det(R)·R; D^ℓ(−R) = (−1)^ℓ D^ℓ(R) since D^ℓ is built
 * from R^{⊗ℓ}). An independent formula: a wrong basis row, a missing normalisation or a
 * non-harmonic tensor changes the trace. Refuses elements whose proper part is within 1e-6 rad
 * of the identity, where the quotient is 0/0. Notebook 06 §3 and test/frames-potential.test.ts.
 */
export function characterError(l: Order, Rs: readonly ArrayLike<number>[]): number {
  const fn = "characterError";
  checkGroupElements(fn, "Rs", Rs);
  const n = 2 * l + 1;
  return Math.max(
    ...Rs.map((R, k) => {
      const s = det3(R),
        Rp = Array.from(R, (x) => s * x); // Rp = det(R)·R, a rotation
      const th = Math.acos(Math.max(-1, Math.min(1, (Rp[0] + Rp[4] + Rp[8] - 1) / 2)));
      if (!(th > 1e-6))
        domainError(
          fn,
          `Rs[${k}]`,
          `a rotation angle θ = ${th}`,
          "θ > 1e-6 rad (the character formula is 0/0 at the identity)",
        );
      const D = wignerD(l, R);
      let tr = 0;
      for (let i = 0; i < n; i++) tr = tr + D.data[(n + 1) * i];
      // det(R)^ℓ with det(R) = ±1: det(R) itself for odd ℓ, 1 for even ℓ
      const sl = l % 2 === 1 ? s : 1;
      return Math.abs(tr - (sl * Math.sin(((2 * l + 1) / 2) * th)) / Math.sin(th / 2));
    }),
  );
}
