/**
 * Local canonicalization (REFERENCES.md#frames2025, arXiv 2509.26499): point-cloud graphs,
 * Gram–Schmidt frames with the reflection sign rule, O(3) representations (Cartesian tensors ≤ rank
 * 2, real irreps ℓ ≤ 3 with Wigner-D from rotation matrices; ℓ = 4 is refused), real Clebsch–Gordan
 * coefficients, radial bases, frame message passing (tensorial and scalar messages), a plain GNN
 * and a tensor field network (ℓmax ≤ 3, global or local frame), synthetic targets of order 0/1/2,
 * training and equivariance measurement. Degenerate neighbourhoods (collinear, planar, symmetric,
 * isolated) get a frame rank from the geometry, an orthonormal fallback frame and an ambiguity
 * projection (frames.ts, reps.ts), so the models stay equivariant on any geometry. molecules.ts:
 * the shipped GFN2-xTB molecules as datasets and one seeded training run for parallelSeeds;
 * potential.ts: conservative forces −∇E, energy + force training, the two-body ridge baselines
 * (energy only; energy + forces) and interleaved timing (notebook 07); jobs.ts: several experiments
 * as one parallelSeeds queue (runJob / splitJobs). float64 for the algebra and checks; tfjs float32
 * for the models. Einsum is not available on the wasm backend, so all tensor contractions are
 * reshape + (batched) matMul.
 */
export * from "./graph";
export * from "./frames";
export * from "./reps";
export * from "./cg";
export * from "./radial";
export * from "./nn";
export * from "./data";
export * from "./batch";
export * from "./models";
export * from "./train";
export * from "./molecules";
export * from "./potential";
export * from "./jobs";
export * from "./reptables";
export * from "./fd";
