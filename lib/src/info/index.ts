/**
 * info — information-theoretic lower bounds (notebook 08): entropies and mutual information of
 * discrete joints, f-divergences and Markov kernels (data processing), Fano's inequality, the
 * packing/Fano minimax bound, and the von Mises location family as the Bessel instance.
 * All logarithms are natural (nats).
 */
export type { MatrixInput } from "./validate";
export { SUM_TOL, assertDistribution } from "./validate";
export * from "./entropy";
export * from "./divergence";
export * from "./random";
export * from "./fano";
export * from "./minimax";
export * from "./vonmises";
export * from "./stats";
