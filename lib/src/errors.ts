/** Typed errors. Each says what was wrong and what was expected. */

/** Marks every error besselbook throws on bad input, whatever built-in class it extends. */
const BRAND = Symbol.for("besselbook.error");

/**
 * Base class so callers can catch everything besselbook throws on bad input:
 * `catch (e) { if (e instanceof BesselbookError) … }`. Membership is a brand, not only the
 * prototype chain, so that `DomainError` can also be a built-in `RangeError` (code written
 * against `RangeError` keeps working) while `instanceof BesselbookError` holds for it too.
 */
export class BesselbookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    // Subclasses (ShapeError, …) keep the ordinary prototype test; only the family root
    // also accepts branded errors built on other bases.
    if (this !== BesselbookError) return Function.prototype[Symbol.hasInstance].call(this, x);
    return x instanceof Error && (x as unknown as Record<symbol, unknown>)[BRAND] === true;
  }
}

/**
 * An argument outside its domain (NaN, ±∞ where a finite value is needed, a non-integer count,
 * a negative order, …). Both a `BesselbookError` and a `RangeError`.
 */
export class DomainError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "DomainError";
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }
}

/** A tensor or array had the wrong shape. */
export class ShapeError extends BesselbookError {
  constructor(what: string, expected: string, got: readonly number[] | string) {
    super(`${what}: expected shape ${expected}, got ${Array.isArray(got) ? `[${got.join(", ")}]` : got}`);
  }
}

/** A file (notebook, data set) could not be read as what it claims to be. */
export class FormatError extends BesselbookError {
  constructor(readonly path: string, reason: string) {
    super(`${path}: ${reason}`);
  }
}

/** A numerical check in a notebook or test failed. */
export class CheckError extends BesselbookError {}

/** Throw a DomainError naming the argument, its value and the expected domain. */
export function domainError(fn: string, arg: string, value: unknown, expected: string): never {
  throw new DomainError(`${fn}: argument ${arg} = ${String(value)} is out of domain; expected ${expected}`);
}
