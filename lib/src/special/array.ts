/**
 * Bulk evaluation over Float64Array: f(ν, x_i) for every x_i, into a fresh or caller-supplied
 * output (same length; lets a caller reuse one buffer across calls).
 */
import { ShapeError } from "../errors";
import { besselJ, besselY, besselJPrime, sphericalJ, sphericalY } from "./jy";
import { besselI, besselK, besselIScaled, besselKScaled, logBesselI, besselIRatio } from "./ik";

type Scalar = (nu: number, x: number) => number;
export type ArrayFn = (nu: number, xs: ArrayLike<number>, out?: Float64Array) => Float64Array;

function lift(name: string, f: Scalar): ArrayFn {
  return (nu, xs, out) => {
    const n = xs.length;
    const o = out ?? new Float64Array(n);
    if (o.length !== n) throw new ShapeError(`${name}: out`, `[${n}] (same as xs)`, [o.length]);
    for (let i = 0; i < n; i++) o[i] = f(nu, xs[i]!);
    return o;
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
/** j_ℓ(x_i) for each x_i (first argument is ℓ). */
export const sphericalJArray = lift("sphericalJArray", sphericalJ);
/** y_ℓ(x_i) for each x_i (first argument is ℓ). */
export const sphericalYArray = lift("sphericalYArray", sphericalY);
