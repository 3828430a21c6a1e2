/**
 * Typed input errors for the contrastive module (ArgumentError, argError and checkCount live in
 * ../errors since the linear algebra of ../linalg throws them too). `ArgumentError` subclasses the
 * shared `DomainError` (both a `BesselbookError` and a `RangeError`), so a caller can catch
 * everything the library throws on bad input with one `instanceof BesselbookError`; the message
 * names the function, the argument, what it was and what was expected.
 */

export { ArgumentError, argError, checkCount } from "../errors";
import { argError } from "../errors";

/** x must be a finite number in [lo, hi] (closed). */
export function checkRange(
  fn: string,
  arg: string,
  x: number,
  lo: number,
  hi: number,
  unit = "",
): void {
  if (!(Number.isFinite(x) && x >= lo && x <= hi))
    argError(fn, arg, x, `a finite number in [${lo}, ${hi}]${unit}`);
}

/** Every entry of a vector finite (returns the index of the first bad entry in the message). */
export function checkFiniteVector(fn: string, arg: string, v: ArrayLike<number>): void {
  for (let i = 0; i < v.length; i++)
    if (!Number.isFinite(v[i])) argError(fn, `${arg}[${i}]`, v[i], "a finite number");
}
