export * from "./backend";
export * from "./rng";
