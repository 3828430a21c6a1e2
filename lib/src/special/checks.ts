/**
 * Argument checks shared by the special functions: DomainErrors (BesselbookError family) that name
 * the argument.
 */
import { domainError } from "../errors";

/**
 * Largest order accepted: the recurrences (Miller, forward Y/K) take O(ν) steps, so an order of
 * 1e15 would never return. 1e5 costs ~1 ms; the book needs ν ≤ 511 (vMF normaliser, d = 1024).
 */
export const MAX_ORDER = 1e5;

/** Order ν must be finite with |ν| ≤ MAX_ORDER (NaN is handled by the caller: NaN in, NaN out). */
export function checkOrder(fn: string, nu: number, name = "nu"): void {
  if (!(Math.abs(nu) <= MAX_ORDER)) domainError(fn, name, nu, "a finite order with |ν| ≤ 1e5");
}

/** Order must be ≥ 0 (and ≤ MAX_ORDER). */
export function checkNonNegativeOrder(fn: string, nu: number, name = "nu"): void {
  if (!(nu >= 0 && nu <= MAX_ORDER)) domainError(fn, name, nu, "a finite order with 0 ≤ ν ≤ 1e5");
}

/** Non-negative integer (spherical degree ℓ, zero count). */
export function checkNonNegativeInteger(fn: string, v: number, name: string): void {
  if (!Number.isInteger(v) || v < 0) domainError(fn, name, v, "an integer ≥ 0");
}

/** Positive integer (number of zeros n). */
export function checkPositiveInteger(fn: string, v: number, name: string): void {
  if (!Number.isInteger(v) || v <= 0) domainError(fn, name, v, "an integer ≥ 1");
}

/** x ≥ 0 (NaN passes: the caller returns NaN). */
export function checkNonNegativeX(fn: string, x: number, why: string, name = "x"): void {
  if (x < 0) domainError(fn, name, x, `x ≥ 0 (${why})`);
}
