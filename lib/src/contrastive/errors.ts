/**
 * Typed input errors for the contrastive module. `ArgumentError` subclasses the shared `DomainError`
 * (both a `BesselbookError` and a `RangeError`), so a caller can catch everything the library throws
 * on bad input with one `instanceof BesselbookError`; the message names the function, the argument,
 * what it was and what was expected.
 */
import { DomainError } from "../errors";

export class ArgumentError extends DomainError {
  constructor(readonly fn: string, readonly arg: string, got: string, expected: string) {
    super(`${fn}: argument ${arg} = ${got} is invalid; expected ${expected}`);
    this.name = "ArgumentError";
  }
}

/** Throw an ArgumentError naming `fn`'s argument `arg`. */
export function argError(fn: string, arg: string, value: unknown, expected: string): never {
  throw new ArgumentError(fn, arg, String(value), expected);
}

/** n must be an integer ≥ min (counts, dimensions, batch sizes). */
export function checkCount(fn: string, arg: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) argError(fn, arg, n, `an integer ≥ ${min}`);
}

/** x must be a finite number in [lo, hi] (closed). */
export function checkRange(fn: string, arg: string, x: number, lo: number, hi: number, unit = ""): void {
  if (!(Number.isFinite(x) && x >= lo && x <= hi)) argError(fn, arg, x, `a finite number in [${lo}, ${hi}]${unit}`);
}

/** Every entry of a vector finite (returns the index of the first bad entry in the message). */
export function checkFiniteVector(fn: string, arg: string, v: ArrayLike<number>): void {
  for (let i = 0; i < v.length; i++)
    if (!Number.isFinite(v[i])) argError(fn, `${arg}[${i}]`, v[i], "a finite number");
}
