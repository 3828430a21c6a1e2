/**
 * Bulk evaluation over Float64Array: f(ν, x_i) for every x_i, into a fresh or caller-supplied
 * output (same length; lets a caller reuse one buffer across calls).
 */
import { ShapeError } from "../errors";
import { besselJ, besselY, besselJPrime, besselYPrime, sphericalJ, sphericalY } from "./jy";
import { besselI, besselK, besselIScaled, besselKScaled, logBesselI, besselIRatio } from "./ik";

type Scalar = (nu: number, x: number) => number;
export type ArrayFn = (nu: number, xs: ArrayLike<number>, out?: Float64Array) => Float64Array;

// Reused scratch buffer for the all-or-nothing contract when the caller passes `out`.
let scratch = new Float64Array(0);

/**
 * All or nothing: when f throws on some x_i (a BesselbookError naming the argument), the error
 * message is prefixed with the array and index, and a caller-supplied `out` is left untouched
 * (values are computed into scratch space first and copied only on success). `out` may alias `xs`.
 */
function lift(name: string, f: Scalar): ArrayFn {
  return (nu, xs, out) => {
    const n = xs.length;
    if (out !== undefined && out.length !== n)
      throw new ShapeError(`${name}: out`, `[${n}] (same as xs)`, [out.length]);
    let o: Float64Array;
    if (out === undefined) o = new Float64Array(n);
    else {
      if (scratch.length < n) scratch = new Float64Array(n);
      o = scratch;
    }
    for (let i = 0; i < n; i++) {
      try {
        o[i] = f(nu, xs[i]!);
      } catch (e) {
        if (e instanceof Error) e.message = `${name}: xs[${i}]: ${e.message}`;
        throw e;
      }
    }
    if (out === undefined) return o;
    out.set(o.subarray(0, n));
    return out;
  };
}

/** J_ν(x_i) for each x_i. */
export const besselJArray = lift("besselJArray", besselJ);
/** Y_ν(x_i) for each x_i. */
export const besselYArray = lift("besselYArray", besselY);
/** I_ν(x_i) for each x_i. */
export const besselIArray = lift("besselIArray", besselI);
/** K_ν(x_i) for each x_i. */
export const besselKArray = lift("besselKArray", besselK);
/** e^{−|x_i|} I_ν(x_i) for each x_i. */
export const besselIScaledArray = lift("besselIScaledArray", besselIScaled);
/** e^{x_i} K_ν(x_i) for each x_i. */
export const besselKScaledArray = lift("besselKScaledArray", besselKScaled);
/** log I_ν(x_i) for each x_i. */
export const logBesselIArray = lift("logBesselIArray", logBesselI);
/** I_{ν+1}(x_i)/I_ν(x_i) for each x_i. */
export const besselIRatioArray = lift("besselIRatioArray", besselIRatio);
/** J′_ν(x_i) for each x_i. */
export const besselJPrimeArray = lift("besselJPrimeArray", besselJPrime);
/** Y′_ν(x_i) for each x_i. */
export const besselYPrimeArray = lift("besselYPrimeArray", besselYPrime);
/** j_ℓ(x_i) for each x_i (first argument is ℓ). */
export const sphericalJArray = lift("sphericalJArray", sphericalJ);
/** y_ℓ(x_i) for each x_i (first argument is ℓ). */
export const sphericalYArray = lift("sphericalYArray", sphericalY);
