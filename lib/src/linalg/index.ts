/**
 * One home for the library's dense float64 linear algebra (NOTATION.md): the `Mat` type and its
 * constructors (mat.ts), reading and validating any MatLike, the one public `matMul`/`transpose`
 * (matlike.ts), 3×3 rotations (mat3.ts), SVD and the symmetric eigensolver (eigen.ts), subspaces
 * and principal angles (subspace.ts), random orthogonal matrices (random.ts).
 * Notebooks write `linalg.matMul(a, b)`; lib modules import from "../linalg".
 */
export type { Mat } from "./mat";
export { mat, zeros, eye, kron, blockDiag, maxAbsDiff } from "./mat";
export * from "./matlike";
export * from "./mat3";
export * from "./eigen";
export * from "./subspace";
export * from "./random";
