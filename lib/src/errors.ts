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
    super(
      `${what}: expected shape ${expected}, got ${Array.isArray(got) ? `[${got.join(", ")}]` : got}`,
    );
  }
}

/** A file (notebook, data set) could not be read as what it claims to be. */
export class FormatError extends BesselbookError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/**
 * A numerical check in a notebook or test failed. Shown as ONE line in a notebook (tslab prints a
 * failing cell's error with util.inspect): the message already says what was measured, against
 * what, and which claim it tests; Node's stack frames point into the library, not at the cell.
 * BESSELBOOK_STACK=1 shows the full stack.
 */
export class CheckError extends BesselbookError {
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return process.env.BESSELBOOK_STACK === "1"
      ? (this.stack ?? this.message)
      : `${this.name}: ${this.message}`;
  }
}

/** Throw a DomainError naming the argument, its value and the expected domain. */
export function domainError(fn: string, arg: string, value: unknown, expected: string): never {
  throw new DomainError(
    `${fn}: argument ${arg} = ${String(value)} is out of domain; expected ${expected}`,
  );
}

/**
 * A workshop exercise is not solved yet (only with BESSELBOOK_EXERCISES=strict; by default an
 * unsolved exercise prints a reminder and the notebook carries on). Displayed as ONE line
 * (`ExerciseError: Exercise 2 in 05_bessel_cnn is not solved yet …`): tslab prints a failing
 * cell's error with util.inspect, and a student needs the exercise, not Node's stack frames.
 */
export class ExerciseError extends BesselbookError {
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.name}: ${this.message}`;
  }
}

/**
 * A named argument of a function had an invalid value (thrown by ../linalg and contrastive; a
 * `DomainError`, so also a `RangeError`). The message names the function, the argument, the value
 * and what was expected.
 */
export class ArgumentError extends DomainError {
  constructor(
    readonly fn: string,
    readonly arg: string,
    got: string,
    expected: string,
  ) {
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
