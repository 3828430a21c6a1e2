import * as assert from "assert";
import { frames as F, init, DomainError, ShapeError, stats } from "besselbook";

// The two-body ridge fitted on energy + forces (notebook 07 §3b) and the garbage-in fixes of the
// session-4 review of issue 15 (findings 2 and 5).

/** A seeded 5-atom cloud: a jittered line-ish arrangement, all distances ≥ ~0.8. */
function randomCloud(seed: number, n = 5): F.Cloud {
  let s = seed * 9301 + 49297;
  const u = () => {
    s = (s * 9301 + 49297) % 233280;
    return s / 233280 - 0.5;
  };
  const pos: number[] = [];
  for (let i = 0; i < n; i++)
    pos.push(1.2 * i + 0.4 * u(), 0.8 * Math.sin(i) + 0.4 * u(), 0.4 * u());
  return { pos: Float64Array.from(pos), types: Int32Array.from({ length: n }, (_, i) => i % 3) };
}
const dist = (p: Float64Array, i: number, j: number) =>
  Math.hypot(p[3 * j] - p[3 * i], p[3 * j + 1] - p[3 * i + 1], p[3 * j + 2] - p[3 * i + 2]);

/** An exactly two-body potential in the span of {1/r, r, r², 1/r²}: E = Σ a_ij/r + b_ij r² + 3. */
function twoBody(c: F.Cloud): { energy: number; forces: Float64Array; tensor: Float64Array } {
  const n = c.types.length,
    f = new Float64Array(3 * n);
  let e = 3;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const a = 1 + 0.1 * (i + 2 * j),
        b = 0.05 * (1 + ((i * j) % 3)),
        r = dist(c.pos, i, j);
      e += a / r + b * r * r;
      const dEdr = -a / (r * r) + 2 * b * r;
      for (let q = 0; q < 3; q++) {
        const u = (c.pos[3 * j + q] - c.pos[3 * i + q]) / r;
        f[3 * j + q] -= dEdr * u;
        f[3 * i + q] += dEdr * u;
      }
    }
  return { energy: e, forces: f, tensor: new Float64Array(9 * n) };
}

/** The two-body potential plus a three-body term 0.02·Σ_{i<j<k} r_ij r_jk r_ik (forces by FD). */
function threeBody(c: F.Cloud) {
  const n = c.types.length;
  const e3 = (p: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++)
        for (let k = j + 1; k < n; k++) s += dist(p, i, j) * dist(p, j, k) * dist(p, i, k);
    return 0.02 * s;
  };
  const t = twoBody(c),
    h = 1e-5;
  const forces = Float64Array.from(t.forces, (v, q) => {
    const p = Float64Array.from(c.pos);
    p[q] += h;
    const a = e3(p);
    p[q] -= 2 * h;
    return v - (a - e3(p)) / (2 * h);
  });
  return { energy: t.energy + e3(c.pos), forces, tensor: t.tensor };
}

const dataset = (seeds: number[], f: (c: F.Cloud) => ReturnType<typeof twoBody>): F.Dataset => {
  const clouds = seeds.map((s) => randomCloud(s));
  return { clouds, targets: clouds.map(f) };
};

describe("frames: two-body ridge fitted on energy + forces (ridgeEnergyForces)", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });
  const train = dataset(
    Array.from({ length: 30 }, (_, k) => k + 1),
    twoBody,
  );
  const test = dataset(
    Array.from({ length: 10 }, (_, k) => k + 100),
    twoBody,
  );

  it("its forces are −∇ of its energy (central differences)", () => {
    const r = F.fitPairRidge(dataset([1, 2, 3, 4, 5, 6], threeBody), { lambda: 0.01 });
    for (const c of [randomCloud(200), randomCloud(201)]) {
      const f = r.forces(c),
        h = 1e-5;
      let worst = 0,
        scale = 0;
      for (let q = 0; q < c.pos.length; q++) {
        const p = Float64Array.from(c.pos);
        p[q] += h;
        const a = r.energy({ pos: p, types: c.types });
        p[q] -= 2 * h;
        const fd = -(a - r.energy({ pos: p, types: c.types })) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - f[q]));
        scale = Math.max(scale, Math.abs(fd));
      }
      assert.ok(worst / scale < 1e-6, `max |F − FD| / max |FD| = ${worst / scale}`);
      // A sign error would give ≈ 2: the check has power.
      assert.ok(scale > 1e-3);
    }
  });

  it("recovers an exactly two-body potential from energies + forces (test errors ≈ 0)", () => {
    const e = F.ridgeEnergyForces(train, test, 1e-9);
    assert.ok(e.test < 1e-3 && e.forcesTest < 1e-3, JSON.stringify(e));
    // Raw predictions agree with the truth too (not only the normalised errors).
    const r = F.fitPairRidge(train, { lambda: 1e-9 });
    const c = test.clouds[0],
      t = test.targets[0];
    assert.ok(Math.abs(r.energy(c) - t.energy) < 1e-3 * Math.abs(t.energy));
  });

  it("negative control: a three-body potential is NOT recovered", () => {
    const e = F.ridgeEnergyForces(
      dataset(
        Array.from({ length: 30 }, (_, k) => k + 1),
        threeBody,
      ),
      dataset(
        Array.from({ length: 10 }, (_, k) => k + 100),
        threeBody,
      ),
      1e-9,
    );
    assert.ok(e.test > 0.02 || e.forcesTest > 0.02, JSON.stringify(e));
  });

  it("with force weight 0 it is the energy-only ridge (ridgeEnergy), to rounding", () => {
    const a = F.ridgeEnergyForces(train, test, 0.01, { energy: 1, forces: 0 }),
      b = F.ridgeEnergy(train, test, 0.01);
    assert.ok(
      Math.abs(a.test - b.test) < 1e-9 * b.test &&
        Math.abs(a.train - b.train) < 1e-9 * (b.train + 1e-12),
      `${a.test} vs ${b.test}`,
    );
  });

  it("on 10 ethanol frames (144 features): the forces help the energy; forces beat zero forces", () => {
    const tr = F.moleculeDataset(
      "ethanol",
      Array.from({ length: 10 }, (_, k) => 37 * k),
      { cutoff: 4 },
    );
    const te = F.moleculeDataset(
      "ethanol",
      Array.from({ length: 20 }, (_, k) => 400 + 10 * k),
      { cutoff: 4 },
    );
    const ef = F.ridgeEnergyForces(tr, te, 0.01),
      e = F.ridgeEnergy(tr, te, 0.01);
    assert.ok(ef.test < e.test, `E+F ${ef.test} vs E only ${e.test}`);
    // Zero forces, in the same units (RMS of the test forces / training std of the components).
    const comps = (d: F.Dataset) => d.targets.flatMap((t) => Array.from(t.forces));
    const trF = comps(tr),
      mu = trF.reduce((a, v) => a + v, 0) / trF.length;
    const sd = Math.sqrt(trF.reduce((a, v) => a + (v - mu) ** 2, 0) / trF.length);
    const zero = Math.sqrt(comps(te).reduce((a, v) => a + v * v, 0) / comps(te).length) / sd;
    assert.ok(ef.forcesTest < zero, `forces ${ef.forcesTest} vs zero forces ${zero}`);
  });

  it("bad input gives typed errors naming the argument", () => {
    const bad = (f: () => unknown, type: Function, re: RegExp) =>
      assert.throws(f, (e: Error) => e instanceof type && re.test(e.message), re.source);
    bad(() => F.fitPairRidge(train, { lambda: 0 }), DomainError, /lambda/);
    bad(
      () => F.fitPairRidge(train, { weights: { energy: NaN, forces: 1 } }),
      DomainError,
      /weights\.energy/,
    );
    bad(() => F.fitPairRidge(train, { weights: { energy: 0, forces: 0 } }), DomainError, /weights/);
    bad(
      () =>
        F.fitPairRidge({ clouds: train.clouds.slice(0, 1), targets: train.targets.slice(0, 1) }),
      ShapeError,
      /train/,
    );
    const nanF = {
      clouds: train.clouds.slice(0, 3),
      targets: train.targets.slice(0, 3).map((t, k) => ({
        ...t,
        forces: k === 2 ? Float64Array.from(t.forces, () => NaN) : t.forces,
      })),
    };
    bad(() => F.fitPairRidge(nanF), DomainError, /targets\[2\]\.forces/);
    bad(
      () =>
        F.fitPairRidge({
          clouds: [train.clouds[0], randomCloud(7, 4)],
          targets: [train.targets[0], twoBody(randomCloud(7, 4))],
        }),
      ShapeError,
      /clouds\[1\]/,
    );
    const r = F.fitPairRidge(train);
    bad(() => r.energy(randomCloud(3, 4)), ShapeError, /atoms/);
    bad(() => F.ridgeEnergyForces(train, { clouds: [], targets: [] }), ShapeError, /test/);
  });
});

describe("frames: garbage in, session-4 review of issue 15 (finding 5)", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });

  it("splitJobs refuses two jobs of one group with the same seed", () => {
    const cfg = {} as F.MoleculeRunConfig;
    const jobs: F.FramesJob[] = [
      { group: "a", seed: 5, fn: "moleculeSeed", config: cfg },
      { group: "a", seed: 5, fn: "moleculeSeed", config: cfg },
    ];
    const packed = stats.collectRuns("t", [0, 1], [{ x: 1 }, { x: 2 }]);
    assert.throws(
      () => F.splitJobs(packed, jobs),
      (e: Error) =>
        e instanceof DomainError && /jobs\[1\]/.test(e.message) && /seed 5/.test(e.message),
    );
    // Same seed in two different groups is fine.
    const ok = F.splitJobs(packed, [jobs[0], { ...jobs[1], group: "b" }]);
    assert.deepStrictEqual(Object.keys(ok).sort(), ["a", "b"]);
  });

  it("runJob refuses a null job with a typed error", () => {
    assert.throws(
      () => F.runJob({ jobs: [null as unknown as F.FramesJob] }, 0),
      (e: Error) => e instanceof DomainError && /jobs\[0\]/.test(e.message),
    );
  });

  it("makeModel refuses rbfStandardise for a frames model (it would be ignored)", () => {
    const st = { mean: new Array(8).fill(0), std: new Array(8).fill(1) };
    assert.throws(
      () =>
        F.makeModel(
          { kind: "frames", message: "tensor", rep: "2x0e + 1x1o", hidden: 8 },
          0,
          [0, 0, 0],
          3,
          8,
          st,
        ),
      (e: Error) => e instanceof DomainError && /rbfStandardise/.test(e.message),
    );
    const m = F.makeModel({ kind: "tfn", lmax: 1, channels: 2, hidden: 4 }, 0, [0, 0, 0], 3, 8, st);
    m.dispose();
  });

  it("speciesCountsConstant and vectorErrorByRank refuse empty input", () => {
    assert.throws(() => F.speciesCountsConstant({ clouds: [], targets: [] }), ShapeError);
    const m = F.makeModel({ kind: "tfn", lmax: 1, channels: 2, hidden: 4 }, 0, [0, 0, 0], 3);
    assert.throws(
      () => F.vectorErrorByRank(m, []),
      (e: Error) => e instanceof ShapeError && /bs/.test(e.message),
    );
    m.dispose();
  });

  it("ridgeEnergy names non-finite features (not a solver failure)", () => {
    const d = dataset([1, 2, 3, 4], twoBody);
    const feats = (c: F.Cloud) => {
      const x = F.pairFeatures(c);
      if (c === d.clouds[2]) x[5] = NaN;
      return x;
    };
    assert.throws(
      () => F.ridgeEnergy(d, d, 0.01, feats),
      (e: Error) =>
        e instanceof DomainError && /features\(train\.clouds\[2\]\)\[5\]/.test(e.message),
    );
  });

  it("speciesMeanError equivariant: vectors score as the zero predictor, tensors keep tr/3·I", () => {
    const c = (types: number[]) => ({
      pos: Float64Array.from(types.flatMap((_, i) => [i, 0, 0])),
      types: Int32Array.from(types),
    });
    const tgt = (forces: number[], tensor: number[]) => ({
      energy: 0,
      forces: Float64Array.from(forces),
      tensor: Float64Array.from(tensor),
    });
    const I = (a: number) => [a, 0, 0, 0, a, 0, 0, 0, a];
    const train = { clouds: [c([0])], targets: [tgt([1, 2, 2], [3, 1, 0, 1, 3, 0, 0, 0, 6])] };
    const test = { clouds: [c([0])], targets: [tgt([1, 2, 2], I(4))] };
    // Lab-frame mean predicts the test vector exactly (0); the equivariant one predicts 0 → RMS
    // 3/√3.
    assert.ok(F.speciesMeanError(train, test, "forces") < 1e-15);
    assert.ok(
      Math.abs(F.speciesMeanError(train, test, "forces", 1, { equivariant: true }) - Math.sqrt(3)) <
        1e-12,
    );
    // Tensor: train tr/3 = 4 → predicts 4·I = the test tensor exactly; the lab-frame mean does not.
    assert.ok(F.speciesMeanError(train, test, "tensor", 1, { equivariant: true }) < 1e-15);
    assert.ok(F.speciesMeanError(train, test, "tensor") > 0.5);
  });
});
