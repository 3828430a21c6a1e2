/**
 * Special functions in float64 (plain TypeScript, no tfjs): Bessel J, Y, I, K of real order,
 * scaled and log forms, ratios, spherical Bessel functions, derivatives, zeros, Gamma and the
 * von Mises–Fisher normaliser. Argument order is (order, x) throughout.
 */
export { gamma, logGamma, rgamma, sinpi, cospi, EULER_GAMMA } from "./gamma";
export { besselJ, besselY, besselJPrime, besselYPrime, sphericalJ, sphericalY } from "./jy";
export { besselI, besselK, besselIScaled, besselKScaled, logBesselI, besselIRatio } from "./ik";
