/**
 * Modality gap in multimodal contrastive learning (PAPERS.md §1; arXiv 2510.03268, with
 * Wang & Isola 2020 and Liang et al. 2022): losses, gap metrics, principal angles, constraint
 * parametrisations, the two fixes (hyperplane rotation, shared-space projection), closed forms,
 * encoders and a training loop.
 */
export * from "./linalg";
export * from "./losses";
export * from "./metrics";
export * from "./constraints";
export * from "./fixes";
export * from "./theory";
export * from "./train";
export * from "./views";
