/**
 * Notebook 03's independent training runs (and notebook 02's subspace-limit runs) as plain
 * functions of (config, seed), so that they run on worker threads (parallelSeeds) instead of one
 * after another in the kernel. Each function does exactly what the notebook cell did for one seed,
 * drawing every random number from generators seeded by `config.seed0` and the seed, so its result
 * does not depend on the thread that ran it (float64 JS is deterministic; the tfjs runs use the
 * same wasm backend in every thread). `test/contrastive.test.ts` checks `seedJobs` against the same
 * functions run in sequence.
 *
 * `seedJobs(fn, configs, seeds)` runs every (config, seed) pair in ONE pool of workers (so the
 * worker start-up is paid once and both cores stay busy to the end) and returns, per config, the
 * same SeedRuns that `overSeeds(seeds, (s) => fn(config, s))` returns.
 */
import { Rng } from "../tensor/rng";
import { DomainError } from "../errors";
import { collectRuns, checkSeeds, SeedResult, SeedRuns } from "../stats";
import { parallelSeeds } from "../stats/parallel";
import {
  Mat,
  asMat,
  dot,
  matMul,
  principalAngles,
  principalVectors,
  randomOrthogonal,
  row,
} from "../linalg";
import { cone, Constraint, subspacePair } from "./constraints";
import { freeEmbeddings, trainContrastive } from "./train";
import { trainFreeEmbeddings } from "./fast";
import { pairCosines } from "./metrics";
import { sampleCap, sampleSphere } from "./theory";
import { fashionGapSeed } from "./experiments";

const DEG = Math.PI / 180;

/** The convergence criterion of trainContrastive / trainFreeEmbeddings. */
export interface Until {
  window: number;
  lossTol: number;
  gapTol: number;
}

/** A cone constraint as data (a Constraint holds closures and cannot cross threads). */
export interface ConeSpec {
  axis: ArrayLike<number>;
  /** radians */
  halfAngle: number;
}

export interface CapRunConfig {
  /** pairs per modality */
  n: number;
  /** the two cap axes the starts are drawn around, and the caps' half-angle (radians) */
  axA: ArrayLike<number>;
  axB: ArrayLike<number>;
  capAngle: number;
  /** starts from rng(seed0 + seed): U0 then V0 */
  seed0: number;
  /** constraints of u and v; `same: true` uses one constraint object for both (a shared cone) */
  cu: ConeSpec;
  cv: ConeSpec;
  same?: boolean;
  /** axes against which the largest angle of the trained u and v is measured (degrees) */
  angleAxes: [ArrayLike<number>, ArrayLike<number>];
  tau: number;
  steps: number;
  lr: number;
  logEvery: number;
  until?: Until;
}

/**
 * One cone-constrained run of notebook 03 §1 (tfjs, float32): starts in two offset caps, trained
 * under cone constraints. Returns start/end gap, mean pair cosine, loss, whether the criterion was
 * met, steps, and the largest angle (°) of any trained embedding to its axis.
 */
export async function capConeSeed(cfg: CapRunConfig, seed: number): Promise<SeedResult> {
  const r = new Rng(cfg.seed0 + seed);
  const U0 = sampleCap(cfg.n, cfg.axA, cfg.capAngle, r);
  const V0 = sampleCap(cfg.n, cfg.axB, cfg.capAngle, r);
  const cu: Constraint = cone(cfg.cu.axis, cfg.cu.halfAngle);
  const cv: Constraint = cfg.same ? cu : cone(cfg.cv.axis, cfg.cv.halfAngle);
  const eu = freeEmbeddings(U0, cu);
  const ev = freeEmbeddings(V0, cv);
  try {
    const res = await trainContrastive(eu, ev, {
      tau: cfg.tau,
      steps: cfg.steps,
      lr: cfg.lr,
      logEvery: cfg.logEvery,
      until: cfg.until,
    });
    const [a, z] = [res.history[0], res.history[res.history.length - 1]];
    const inCap = (M: Mat, ax: ArrayLike<number>) =>
      Math.max(
        ...Array.from(
          { length: M.rows },
          (_, i) => Math.acos(Math.min(1, dot(row(M, i), ax))) / DEG,
        ),
      );
    return {
      gap0: a.centroidDistance,
      gap: z.centroidDistance,
      cos: z.meanPairCosine,
      loss: z.loss,
      converged: res.converged ? 1 : 0,
      steps: res.steps,
      maxAngle: Math.max(inCap(res.U, cfg.angleAxes[0]), inCap(res.V, cfg.angleAxes[1])),
    };
  } finally {
    eu.dispose();
    ev.dispose();
  }
}

export interface SubspaceRunConfig {
  /**
   * "hyperplanes": subspacePair(4, φ, "dihedral"); "disjoint": subspacePair(6, φ, "disjoint",
   * k 3); "unequal": two planes in ℝ⁴ with principal angles (φ, 2φ)
   */
  geom: "hyperplanes" | "disjoint" | "unequal";
  /** degrees */
  phi: number;
  n: number;
  /**
   * the pair's rotation from rng(seed0 + 100 + φ + seed), the starts from rng(seed0 + 200 + 7φ +
   * seed)
   */
  seed0: number;
  tau: number;
  steps: number;
  lr: number;
  logEvery: number;
  until?: Until;
}

/** The subspace pair of a SubspaceRunConfig geometry, rotated by `r`. */
export function geometryPair(
  geom: SubspaceRunConfig["geom"],
  phiDeg: number,
  r: Rng,
): { B1: Mat; B2: Mat } {
  const p = phiDeg;
  if (geom === "hyperplanes") return subspacePair(4, p * DEG, "dihedral", { rotate: r });
  if (geom === "disjoint") return subspacePair(6, p * DEG, "disjoint", { k: 3, rotate: r });
  if (geom !== "unequal")
    throw new DomainError(
      `geometryPair: argument geom = ${JSON.stringify(geom)} is out of domain; expected "hyperplanes", "disjoint" or "unequal"`,
    );
  const Q = randomOrthogonal(4, r);
  const [c1, c2] = [Math.cos(p * DEG), Math.cos(2 * p * DEG)];
  const [s1, s2] = [Math.sin(p * DEG), Math.sin(2 * p * DEG)];
  const B2 = asMat([
    [c1, 0],
    [0, c2],
    [s1, 0],
    [0, s2],
  ]);
  return {
    B1: matMul(
      Q,
      asMat([
        [1, 0],
        [0, 1],
        [0, 0],
        [0, 0],
      ]),
    ),
    B2: matMul(Q, B2),
  };
}

/**
 * One subspace-constrained run of notebook 03 §2 (float64): starts uniform on the sphere of ℝ^d,
 * u confined to H₁ and v to H₂. Returns the principal angles (°), the converged pair-angle range,
 * mean pair cosine, gap, recall@1, criterion, steps, each u's coordinate x3 along the principal
 * vector of the largest angle with the pair cosines, and the trained U, V (row-major).
 */
export function subspaceGapSeed(cfg: SubspaceRunConfig, seed: number): SeedResult {
  const pair = geometryPair(cfg.geom, cfg.phi, new Rng(cfg.seed0 + 100 + cfg.phi + seed));
  const th = principalAngles(pair.B1, pair.B2);
  const d = pair.B1.rows;
  const r = new Rng(cfg.seed0 + 200 + 7 * cfg.phi + seed);
  const res = trainFreeEmbeddings(sampleSphere(cfg.n, d, r), sampleSphere(cfg.n, d, r), {
    tau: cfg.tau,
    steps: cfg.steps,
    lr: cfg.lr,
    B1: pair.B1,
    B2: pair.B2,
    logEvery: cfg.logEvery,
    until: cfg.until,
  });
  const z = res.history[res.history.length - 1];
  const pv = principalVectors(pair.B1, pair.B2);
  const kMax = th.length - 1;
  const pMax = Array.from({ length: d }, (_, i) => pv.P.data[i * pv.P.cols + kMax]);
  const x3 = Array.from({ length: cfg.n }, (_, i) => dot(row(res.U, i), pMax));
  return {
    x3,
    pairCos: Array.from(pairCosines(res.U, res.V)),
    loss: z.loss,
    theta1: th[0] / DEG,
    thetaMax: th[th.length - 1] / DEG,
    minPair: z.minPairAngle / DEG,
    maxPair: z.maxPairAngle / DEG,
    meanCos: z.meanPairCosine,
    gap: z.centroidDistance,
    r1: z.recallAt1,
    converged: res.converged ? 1 : 0,
    steps: res.steps,
    U: Array.from(res.U.data),
    V: Array.from(res.V.data),
    d,
  };
}

export interface TemperatureRunConfig {
  tau: number;
  n: number;
  axA: ArrayLike<number>;
  axB: ArrayLike<number>;
  /** radians */
  capAngle: number;
  /** starts from rng(seed0 + seed) */
  seed0: number;
  steps: number;
  lr: number;
  /** must divide `budget` and `steps` (the trajectory is read on this grid) */
  logEvery: number;
  budget: number;
  until?: Until;
}

/**
 * One free-embedding run of notebook 03's temperature section (float64) from two offset caps:
 * gap, loss and recall@1 after `budget` steps and at the end, steps, criterion, and the gap on the
 * grid 0, logEvery, …, steps (a converged run holds its last value).
 */
export function temperatureGapSeed(cfg: TemperatureRunConfig, seed: number): SeedResult {
  const r = new Rng(cfg.seed0 + seed);
  const res = trainFreeEmbeddings(
    sampleCap(cfg.n, cfg.axA, cfg.capAngle, r),
    sampleCap(cfg.n, cfg.axB, cfg.capAngle, r),
    {
      tau: cfg.tau,
      steps: cfg.steps,
      lr: cfg.lr,
      logEvery: cfg.logEvery,
      until: cfg.until,
    },
  );
  const h = res.history;
  const z = h[h.length - 1];
  const atBudget = h.find((x) => x.step === cfg.budget) ?? z;
  const grid = Array.from(
    { length: cfg.steps / cfg.logEvery + 1 },
    (_, i) => h[Math.min(i, h.length - 1)].centroidDistance,
  );
  return {
    gapBudget: atBudget.centroidDistance,
    lossBudget: atBudget.loss,
    r1Budget: atBudget.recallAt1,
    gap: z.centroidDistance,
    loss: z.loss,
    r1: z.recallAt1,
    steps: res.steps,
    converged: res.converged ? 1 : 0,
    traj: grid,
  };
}

export interface SubspaceLimitConfig {
  /** subspace dimension k (the pair lives in ℝ^{2k}) and the common principal angle (degrees) */
  k: number;
  thDeg: number;
  tau: number;
  n: number;
  /**
   * the pair's rotation from rng(seed0 + 300 + seed), the starts from rng(seed0 + 400 + 10k + θ +
   * seed)
   */
  seed0: number;
  steps: number;
  lr: number;
  logEvery: number;
  until?: Until;
}

/**
 * One run of notebook 02's subspace-limit check (float64): two disjoint k-subspaces of ℝ^{2k} at
 * equal principal angles θ, trained to the criterion. Returns the converged loss minus log N, the
 * smallest and largest pair angle (°) and whether the criterion was met.
 */
export function subspaceLimitSeed(cfg: SubspaceLimitConfig, seed: number): SeedResult {
  const pair = subspacePair(2 * cfg.k, cfg.thDeg * DEG, "disjoint", {
    k: cfg.k,
    rotate: new Rng(cfg.seed0 + 300 + seed),
  });
  const r = new Rng(cfg.seed0 + 400 + 10 * cfg.k + cfg.thDeg + seed);
  const res = trainFreeEmbeddings(
    sampleSphere(cfg.n, 2 * cfg.k, r),
    sampleSphere(cfg.n, 2 * cfg.k, r),
    {
      tau: cfg.tau,
      lr: cfg.lr,
      steps: cfg.steps,
      B1: pair.B1,
      B2: pair.B2,
      logEvery: cfg.logEvery,
      recall: false,
      until: cfg.until,
    },
  );
  const z = res.history[res.history.length - 1];
  return {
    excess: z.loss - Math.log(cfg.n),
    minAngle: z.minPairAngle / DEG,
    maxAngle: z.maxPairAngle / DEG,
    converged: res.converged ? 1 : 0,
  };
}

/** Worker entry of seedJobs: job i of a batch (not for direct use). */
export async function seedJobsEntry(
  batch: { fn: string; jobs: { c: number; seed: number }[]; configs: unknown[] },
  i: number,
): Promise<SeedResult> {
  const job = batch.jobs[i];
  const f = JOBS[batch.fn as keyof typeof JOBS] as (
    c: unknown,
    s: number,
  ) => SeedResult | Promise<SeedResult>;
  if (typeof f !== "function")
    throw new DomainError(`seedJobsEntry: unknown experiment ${JSON.stringify(batch.fn)}`);
  return f(batch.configs[job.c], job.seed);
}

const JOBS = {
  capConeSeed,
  subspaceGapSeed,
  temperatureGapSeed,
  fashionGapSeed,
  subspaceLimitSeed,
};
/** The experiments seedJobs can run. */
export const SEED_JOBS = Object.keys(JOBS) as (keyof typeof JOBS)[];

/**
 * Run `contrastive[fn](config, seed)` for every config × seed on `workers` worker threads, in one
 * pool; jobs are handed out in the order of `configs` (put the longest first). Returns, per config,
 * what `overSeeds(seeds, (s) => fn(config, s))` returns. `workers: 0` runs them in this thread.
 */
export async function seedJobs(
  fn: keyof typeof JOBS,
  configs: unknown[],
  seeds: number[],
  opts: { workers?: number } = {},
): Promise<SeedRuns[]> {
  if (!(SEED_JOBS as string[]).includes(fn))
    throw new DomainError(
      `seedJobs: argument fn = ${JSON.stringify(fn)} is out of domain; expected one of ${SEED_JOBS.join(", ")}`,
    );
  if (!Array.isArray(configs) || configs.length === 0)
    throw new DomainError(
      "seedJobs: argument configs is empty; expected a non-empty array of configs",
    );
  const list = checkSeeds("seedJobs", seeds);
  const workers = opts.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 0)
    throw new DomainError(
      `seedJobs: argument opts.workers = ${workers} is out of domain; expected an integer ≥ 0`,
    );
  const jobs = configs.flatMap((_, c) => list.map((seed) => ({ c, seed })));
  const batch = { fn, jobs, configs };
  let results: SeedResult[];
  if (workers === 0) {
    results = [];
    for (let i = 0; i < jobs.length; i++) results.push(await seedJobsEntry(batch, i));
  } else {
    // one pool over all jobs; the "seed" parallelSeeds passes is the job's index
    const all = await parallelSeeds({
      ns: "contrastive",
      fn: "seedJobsEntry",
      config: batch,
      seeds: jobs.map((_, i) => i),
      workers,
    });
    results = jobs.map((_, i) => {
      const out: SeedResult = {};
      for (const [k, v] of Object.entries(all.values)) out[k] = v[i];
      for (const [k, v] of Object.entries(all.series)) out[k] = v[i];
      return out;
    });
  }
  return configs.map((_, c) =>
    collectRuns("overSeeds", list, results.slice(c * list.length, (c + 1) * list.length)),
  );
}
