/**
 * Bessel-CNNs (Delchevalerie et al., NeurIPS 2021): the Fourier–Bessel basis, the B-conv layer,
 * a parameter-matched CNN baseline, rotation utilities, equivariance metrics, and the
 * load-or-train weight cache used by notebooks 04 and 05.
 */
export * from "./basis";
export * from "./steer";
export * from "./layer";
export * from "./rotate";
export * from "./metrics";
export * from "./models";
export * from "./train";
export * from "./experiment";
export * from "./phase";
export * from "./notebook05";
