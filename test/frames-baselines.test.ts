import * as assert from "assert";
import { frames as F, init, DomainError, ShapeError, stats } from "besselbook";

// Species-only baseline and the packed job queue of notebook 07 (issue 15, session 4).
const cloud = (types: number[]) => ({
  pos: Float64Array.from(types.flatMap((_, i) => [i, 0.3 * i * i, 0])),
  types: Int32Array.from(types),
});
const target = (forces: number[], tensor?: number[]) => ({
  energy: 0,
  forces: Float64Array.from(forces),
  tensor: Float64Array.from(tensor ?? new Array((forces.length / 3) * 9).fill(0)),
});

describe("frames: species-only baseline", () => {
  it("predicts the per-species training mean (hand-computed RMSE), per component", () => {
    // Species 0 atoms have forces (1,0,0) and (3,0,0) in training: mean (2,0,0); species 1:
    // (0,0,5).
    const train = {
      clouds: [cloud([0, 1]), cloud([0, 1])],
      targets: [target([1, 0, 0, 0, 0, 5]), target([3, 0, 0, 0, 0, 5])],
    };
    // Test: species 1 at (0,0,5) → error 0; species 0 at (2,1,0) → error (0,1,0).
    const test = { clouds: [cloud([1, 0])], targets: [target([0, 0, 5, 2, 1, 0])] };
    const want = Math.sqrt(1 / 6);
    assert.ok(Math.abs(F.speciesMeanError(train, test, "forces") - want) < 1e-15);
    assert.ok(Math.abs(F.speciesMeanError(train, test, "forces", 2) - want / 2) < 1e-15);
    // A global mean (species ignored) would give a different number: the species matter.
    const globalMean = [1, 0, 2.5],
      t = [
        [0, 0, 5],
        [2, 1, 0],
      ];
    const g = Math.sqrt(
      t.flatMap((v) => v.map((x, a) => (x - globalMean[a]) ** 2)).reduce((a, b) => a + b, 0) / 6,
    );
    assert.ok(Math.abs(g - want) > 0.1);
    // Tensor key: 9 components per atom.
    const tt = { clouds: [cloud([0])], targets: [target([0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1])] };
    const tq = { clouds: [cloud([0])], targets: [target([0, 0, 0], [2, 0, 0, 0, 1, 0, 0, 0, 1])] };
    assert.ok(Math.abs(F.speciesMeanError(tt, tq, "tensor") - 1 / 3) < 1e-15);
  });

  it("bad input gives typed errors naming the argument", () => {
    const ok = { clouds: [cloud([0, 1])], targets: [target([1, 0, 0, 0, 0, 5])] };
    assert.throws(
      () =>
        F.speciesMeanError(ok, { clouds: [cloud([2])], targets: [target([0, 0, 0])] }, "forces"),
      (e: Error) => e instanceof DomainError && /species 2/.test(e.message),
    );
    assert.throws(
      () => F.speciesMeanError(ok, ok, "forces", 0),
      (e: Error) => e instanceof DomainError && /scale/.test(e.message),
    );
    assert.throws(
      () => F.speciesMeanError(ok, ok, "energy" as "forces"),
      (e: Error) => e instanceof DomainError && /key/.test(e.message),
    );
    assert.throws(
      () =>
        F.speciesMeanError(ok, { clouds: [cloud([0, 1])], targets: [target([1, 0, 0])] }, "forces"),
      (e: Error) => e instanceof ShapeError && /test\.targets\[0\]/.test(e.message),
    );
    assert.throws(
      () =>
        F.speciesMeanError(
          ok,
          { clouds: [cloud([0, 1])], targets: [target([NaN, 0, 0, 0, 0, 1])] },
          "forces",
        ),
      DomainError,
    );
    assert.throws(() => F.speciesMeanError({ clouds: [], targets: [] }, ok, "forces"), ShapeError);
  });

  it("speciesCountsConstant: true for one molecule's frames, false when the counts differ", () => {
    const d = F.moleculeDataset("ethanol", [0, 100, 599], { cutoff: 4 });
    assert.strictEqual(F.speciesCountsConstant(d), true);
    // A permuted order of the same species is the same multiset; another count is not.
    assert.strictEqual(
      F.speciesCountsConstant({ clouds: [cloud([0, 1, 1]), cloud([1, 0, 1])], targets: [] }),
      true,
    );
    assert.strictEqual(
      F.speciesCountsConstant({ clouds: [cloud([0, 1, 1]), cloud([0, 0, 1])], targets: [] }),
      false,
    );
  });
});

describe("frames: packed job queue (runJob / splitJobs)", function () {
  this.timeout(300000);
  before(async () => {
    await init({ quiet: true });
  });

  it("regroups a packed run into per-group SeedRuns equal to separate runs", () => {
    const cfg = {
      molecule: "ethanol",
      vector: "transport" as const,
      nTrain: 4,
      trainFrom: 0,
      trainTo: 10,
      testFrom: 10,
      testTo: 30,
      cutoff: 1.6,
      epochs: 1,
      lr: 1e-3,
      decay: 1,
      batch: 2,
      model: { kind: "frames" as const, message: "tensor" as const, rep: "2x0e + 1x1o", hidden: 8 },
    };
    const jobs: F.FramesJob[] = [
      { group: "a", seed: 1, fn: "moleculeSeed", config: cfg },
      { group: "b", seed: 0, fn: "moleculeSeed", config: { ...cfg, nTrain: 3 } },
      { group: "a", seed: 0, fn: "moleculeSeed", config: cfg },
    ];
    const results = jobs.map((_, k) => F.runJob({ jobs }, k));
    const packed = stats.collectRuns("test", [0, 1, 2], results);
    const split = F.splitJobs(packed, jobs);
    assert.deepStrictEqual(Object.keys(split).sort(), ["a", "b"]);
    assert.deepStrictEqual(split.a.seeds, [1, 0]);
    const direct = [F.moleculeSeed(cfg, 1), F.moleculeSeed(cfg, 0)];
    assert.deepStrictEqual(
      split.a.values.vector,
      direct.map((r) => r.vector),
    );
    assert.deepStrictEqual(split.b.values.vector, [
      F.moleculeSeed({ ...cfg, nTrain: 3 }, 0).vector,
    ]);
    assert.deepStrictEqual(
      split.a.series.losses,
      direct.map((r) => r.losses),
    );
    assert.ok(
      Math.abs(
        split.a.summary.vector.mean -
          ((direct[0].vector as number) + (direct[1].vector as number)) / 2,
      ) < 1e-15,
    );
    // Each job records its wall-clock start and end (seconds since the epoch; volatile).
    results.forEach((r) =>
      assert.ok((r.jobStart as number) > 1.6e9 && (r.jobEnd as number) >= (r.jobStart as number)),
    );
    assert.throws(
      () => F.runJob({ jobs }, 3),
      (e: Error) => e instanceof DomainError && /argument k/.test(e.message),
    );
    assert.throws(
      () => F.runJob({ jobs: [{ ...jobs[0], fn: "nope" } as unknown as F.FramesJob] }, 0),
      (e: Error) => e instanceof DomainError && /fn/.test(e.message),
    );
    assert.throws(() => F.splitJobs(packed, jobs.slice(1)), ShapeError);
  });

  it("a potentialSeed job reports its phases (prep, training, evaluation, ridges) and its start/end", () => {
    const pcfg = {
      molecule: "ethanol",
      nTrain: 4,
      trainFrom: 0,
      trainTo: 10,
      testFrom: 10,
      testTo: 16,
      cutoff: 4,
      batch: 2,
      epochs: 4,
      lr: 1e-3,
      warm: 0,
      decay: 1,
      decayEpochs: 0,
      judge: 4,
      nRbf: 8,
      weights: { energy: 1, forces: 1 },
      model: { kind: "tfn" as const, lmax: 1 as const, channels: 2, hidden: 4 },
    };
    const r = F.runJob({ jobs: [{ group: "p", seed: 0, fn: "potentialSeed", config: pcfg }] }, 0);
    for (const k of [
      "prepWallSeconds",
      "trainWallSeconds",
      "evalWallSeconds",
      "baselineWallSeconds",
    ]) {
      assert.ok(typeof r[k] === "number" && (r[k] as number) >= 0, k);
    }
    const sum = [
      "prepWallSeconds",
      "trainWallSeconds",
      "evalWallSeconds",
      "baselineWallSeconds",
    ].reduce((a, k) => a + (r[k] as number), 0);
    // the phases lie inside the job's own wall time (ms clock: 5 ms slack)
    assert.ok(
      sum <= (r.jobEnd as number) - (r.jobStart as number) + 0.005,
      `${sum} vs ${(r.jobEnd as number) - (r.jobStart as number)}`,
    );
    assert.strictEqual(r.steps, 8);
  });
});
