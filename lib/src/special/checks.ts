/** Argument checks shared by the special functions: DomainErrors (BesselbookError family) that name the argument. */
import { domainError } from "../errors";

/** Order ν must be a finite number (NaN is handled by the caller: NaN in, NaN out). */
export function checkOrder(fn: string, nu: number, name = "nu"): void {
  if (!Number.isFinite(nu)) domainError(fn, name, nu, "a finite order");
}

/** Order must be ≥ 0. */
export function checkNonNegativeOrder(fn: string, nu: number, name = "nu"): void {
  if (!Number.isFinite(nu) || nu < 0) domainError(fn, name, nu, "a finite order ≥ 0");
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
