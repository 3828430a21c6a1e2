/**
 * Notebook 05's experiment plan in one place: its configurations (`notebook05Configs`) and which
 * seeds each one runs. The notebook, `scripts/run-bcnn05.cjs` (the same runs outside the
 * notebook, into the run cache) and `scripts/profile-bcnn05.cjs` all call `notebook05Plan`; the
 * parameter values themselves live in the notebook's parameters cell (the scripts read them from
 * there, see scripts/notebook-params.cjs), so a change there reaches all three.
 */
import { domainError } from "../errors";
import { notebook05Configs, Notebook05Params, SeedConfig } from "./experiment";

/** The three upright glyph B-CNN arms, which get `nSeedsBcnn` seeds (notebook 05 §2, Budget). */
export const NOTEBOOK05_BCNN_ARMS: readonly string[] = [
  "glyphs/bcnnPaper/upright",
  "glyphs/bcnnSteer/upright",
  "glyphs/bcnnSteer1/upright",
];

/** Small extra angles (degrees) of the feature-change probe: a steering error grows ∝ α near 0. */
export const NOTEBOOK05_PROBE_EXTRA_DEG: readonly number[] = [1, 3, 7];

/** Notebook 05's parameters with the two seed counts. */
export type Notebook05PlanParams = Notebook05Params & { nSeeds: number; nSeedsBcnn: number };

/** What `notebook05Plan` returns. */
export interface Notebook05Plan {
  /** Every configuration, keyed `data/model/training` (see notebook05Configs). */
  configs: Record<string, SeedConfig>;
  /** Seeds 0 … nSeeds − 1 (every configuration but the B-CNN arms). */
  seeds: number[];
  /** Seeds 0 … nSeedsBcnn − 1 (the upright glyph B-CNN arms, NOTEBOOK05_BCNN_ARMS). */
  seedsBcnn: number[];
  /** Configuration key → its seed list (the argument of runExperiments). */
  seedLists: Record<string, number[]>;
  /** The seed list of one configuration key. */
  seedsOf(key: string): number[];
}

/**
 * Notebook 05's configurations and seed lists from its parameters. `P.probeExtraDeg` defaults to
 * NOTEBOOK05_PROBE_EXTRA_DEG. Seeds are 0-based consecutive integers (runs are deterministic in
 * (config, seed)).
 */
export function notebook05Plan(P: Notebook05PlanParams): Notebook05Plan {
  const fn = "notebook05Plan";
  if (P === null || typeof P !== "object")
    domainError(fn, "P", P, "notebook 05's parameter object");
  for (const k of ["nSeeds", "nSeedsBcnn"] as const) {
    if (!(Number.isInteger(P[k]) && P[k] >= 1)) domainError(fn, `P.${k}`, P[k], "an integer ≥ 1");
  }
  const seeds = Array.from({ length: P.nSeeds }, (_, i) => i);
  const seedsBcnn = Array.from({ length: P.nSeedsBcnn }, (_, i) => i);
  const seedsOf = (key: string) => (NOTEBOOK05_BCNN_ARMS.includes(key) ? seedsBcnn : seeds);
  const configs = notebook05Configs({
    ...P,
    probeExtraDeg: P.probeExtraDeg ?? [...NOTEBOOK05_PROBE_EXTRA_DEG],
  });
  const seedLists = Object.fromEntries(Object.keys(configs).map((k) => [k, seedsOf(k)]));
  return { configs, seeds, seedsBcnn, seedLists, seedsOf };
}
