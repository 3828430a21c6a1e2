/**
 * Job packing for notebook 07 (ours); the species-only baseline is molecules.ts speciesMeanError.
 *
 * runJob / splitJobs: several experiments (different configs, seeds, training-set sizes) as one
 * queue of parallelSeeds jobs, so both workers stay busy until the queue is empty (separate
 * calls idle one worker at the end of every call with an odd number of seeds). Each job's
 * result depends only on its config and seed, so the values equal separate calls.
 */
import * as os from "os";
import { DomainError, ShapeError, domainError } from "../errors";
import { collectRuns, SeedRuns } from "../stats";
import { moleculeSeed, MoleculeRunConfig } from "./molecules";
import { potentialSeed, PotentialRunConfig } from "./potential";

export type FramesJob =
  | { group: string; seed: number; fn: "potentialSeed"; config: PotentialRunConfig }
  | { group: string; seed: number; fn: "moleculeSeed"; config: MoleculeRunConfig };

/** One job of a packed queue (for parallelSeeds: frames.runJob, seeds = job indices). */
export function runJob(cfg: { jobs: FramesJob[] }, k: number): Record<string, number | number[]> {
  if (!cfg || !Array.isArray(cfg.jobs))
    throw new DomainError("runJob: argument cfg must be { jobs: FramesJob[] }");
  if (!(Number.isInteger(k) && k >= 0 && k < cfg.jobs.length))
    domainError("runJob", "k", k, `a job index 0…${cfg.jobs.length - 1}`);
  const j = cfg.jobs[k];
  if (j === null || typeof j !== "object")
    throw new DomainError(
      `runJob: argument jobs[${k}] = ${String(j)} is out of domain; expected a job object { group, seed, fn, config }`,
    );
  // Wall-clock start and end of the job (seconds since the epoch; volatile): with one job per
  // worker at a time, the notebook reads each worker's busy time and the queue's idle tail.
  // The 1-minute load average at the job's start and end (volatile): wall times on a shared
  // machine mean little without it.
  const jobStart = Date.now() / 1000,
    loadStart = os.loadavg()[0];
  const done = (r: Record<string, number | number[]>) => ({
    ...r,
    jobStart,
    jobEnd: Date.now() / 1000,
    loadStart,
    loadEnd: os.loadavg()[0],
  });
  if (j.fn === "potentialSeed") return done(potentialSeed(j.config, j.seed));
  if (j.fn === "moleculeSeed") return done(moleculeSeed(j.config, j.seed));
  throw new DomainError(
    `runJob: argument jobs[${k}].fn = ${JSON.stringify((j as { fn: unknown }).fn)} is out of domain; expected "potentialSeed" or "moleculeSeed"`,
  );
}

/**
 * Regroup a packed run (job index k = seed k) into one SeedRuns per group, in the jobs' seed order.
 */
export function splitJobs(r: SeedRuns, jobs: FramesJob[]): Record<string, SeedRuns> {
  if (r.seeds.length !== jobs.length)
    throw new ShapeError("splitJobs r.seeds", `${jobs.length} jobs`, [r.seeds.length]);
  // Two jobs of one group with the same seed would be counted as two independent seeds.
  const seen = new Set<string>();
  jobs.forEach((j, k) => {
    const key = JSON.stringify([j.group, j.seed]);
    if (seen.has(key))
      throw new DomainError(
        `splitJobs: argument jobs[${k}] repeats group ${JSON.stringify(j.group)} with seed ${j.seed}; expected each (group, seed) once`,
      );
    seen.add(key);
  });
  const out: Record<string, SeedRuns> = {};
  for (const g of [...new Set(jobs.map((j) => j.group))]) {
    const ks = jobs.map((j, k) => (j.group === g ? k : -1)).filter((k) => k >= 0);
    const results = ks.map((k) => {
      const i = r.seeds.indexOf(k);
      if (i < 0) throw new ShapeError("splitJobs r.seeds", `job index ${k}`, r.seeds);
      const o: Record<string, number | number[]> = {};
      for (const [key, v] of Object.entries(r.values)) o[key] = v[i];
      for (const [key, v] of Object.entries(r.series)) o[key] = v[i];
      return o;
    });
    out[g] = collectRuns(
      `splitJobs ${g}`,
      ks.map((k) => jobs[k].seed),
      results,
    );
  }
  return out;
}
