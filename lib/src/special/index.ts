/**
 * Special functions in float64 (plain TypeScript, no tfjs): Bessel J, Y, I, K of real order,
 * scaled and log forms, I_{ν+1}/I_ν, spherical Bessel functions, derivatives, zeros of J_ν and
 * J′_ν, Gamma, and the von Mises–Fisher normaliser. Argument order is (order, x) throughout;
 * out-of-domain input throws a RangeError naming the argument; NaN in gives NaN out.
 */
export { gamma, logGamma, rgamma, sinpi, cospi, EULER_GAMMA } from "./gamma";
export { besselJ, besselY, besselJPrime, besselYPrime, sphericalJ, sphericalY } from "./jy";
export { besselI, besselK, besselIScaled, besselKScaled, logBesselI, besselIRatio } from "./ik";
export { besselJZeros, besselJPrimeZeros, type PrimeZerosOptions } from "./zeros";
export { logExpectedExpDot, logVmfNormaliser, logSphereArea } from "./vmf";
export {
  besselJArray, besselYArray, besselIArray, besselKArray, besselIScaledArray, besselKScaledArray,
  logBesselIArray, besselIRatioArray, besselJPrimeArray, sphericalJArray, sphericalYArray, type ArrayFn,
} from "./array";
