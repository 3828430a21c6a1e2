/**
 * besselbook — the library behind the notebooks.
 *
 * Notebooks write `import { special, bcnn, show, check } from "besselbook";`.
 * One namespace per concept; the notebook helpers (notebook, params, show, record,
 * check, progress, init) are exported at the top level because every notebook uses them.
 */
export * as special from "./special";
export * as contrastive from "./contrastive";
export * as frames from "./frames";
export * as bcnn from "./bcnn";
export * as info from "./info";
export * as data from "./data";
export * as tensor from "./tensor";
export * as plot from "./plot";
export * as stats from "./stats";
export * as linalg from "./linalg";
export * as equivariance from "./equivariance";
export { overSeeds } from "./stats";
export type { Summary, SeedRuns } from "./stats";
export { parallelSeeds } from "./stats/parallel";
export * from "./kernel";
export { init } from "./tensor/backend";
export { rng, Rng } from "./tensor/rng";
export * from "./errors";
export { danfo } from "./danfo";
export type { DanfoModule } from "./danfo";
/** tfjs-core with the chained ops (./tf): notebooks write `import { tf } from "besselbook"`. */
export * as tf from "./tf";
export const version = "0.1.0";
