/**
 * Modality gap in multimodal contrastive learning (REFERENCES.md: gap2025, with wangisola2020 and
 * liang2022): losses, gap metrics, principal angles, constraint parametrisations, the two fixes
 * (hyperplane rotation, shared-space projection) and the bisector map, closed forms, encoders and a
 * training loop. Bad input throws ArgumentError / ShapeError (both BesselbookError).
 */
export * from "./errors";
export * from "./losses";
export * from "./metrics";
export * from "./constraints";
export * from "./fixes";
export * from "./theory";
export * from "./train";
export * from "./views";
export * from "./fast";
export * from "./experiments";
export * from "./charts";
export * from "./jobs";
