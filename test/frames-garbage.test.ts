// Garbage in (review of issue 15, session 3, finding 7): every public function added or changed
// for the real-molecule work refuses bad input with a typed error naming the argument, instead
// of returning NaN or a confident number. One row per case.
import * as assert from "assert";
import * as tf from "@tensorflow/tfjs";
import { frames as F, init, DomainError, ShapeError } from "besselbook";

describe("frames: garbage in → typed errors (issue 15 review, finding 7)", function () {
  this.timeout(120000);
  before(async () => {
    await init();
  });

  const bo = { cutoff: 4, nRbf: 8, nTypes: 3 };
  const cloud = () => F.moleculeDataset("ethanol", [0], { cutoff: 4 }).clouds[0];
  const sched = { epochs: 10, lr: 1e-2, warm: 4, decay: 0.7, decayEpochs: 2, judge: 4 };
  const pcfg = {
    molecule: "ethanol",
    model: { kind: "tfn" as const, lmax: 1 as const, channels: 4, hidden: 8 },
    nTrain: 4,
    trainFrom: 0,
    trainTo: 10,
    testFrom: 20,
    testTo: 20,
    cutoff: 4,
    nRbf: 8,
    batch: 2,
    weights: { energy: 1, forces: 1 },
    ...sched,
  };
  const constE = () => {
    const d = F.moleculeDataset("ethanol", [0, 1, 2], { cutoff: 4 });
    return { clouds: d.clouds, targets: d.targets.map((t) => ({ ...t, energy: -300 })) };
  };
  const nanE = () => {
    const d = F.moleculeDataset("ethanol", [0, 1, 2], { cutoff: 4 });
    return {
      clouds: d.clouds,
      targets: d.targets.map((t, k) => ({ ...t, energy: k === 1 ? NaN : t.energy })),
    };
  };
  const withBatch = (fn: (b: F.Batch, m: F.Model) => unknown) => () => {
    const d = F.moleculeDataset("ethanol", [0], { cutoff: 4 });
    const b = F.makeBatch(d.clouds, bo, d.targets);
    const m = new F.TFN({ lmax: 1, channels: 4, nRbf: 8, nTypes: 3 });
    try {
      fn(b, m);
    } finally {
      b.dispose();
      m.dispose();
    }
  };
  const posWith = (f: (p: Float32Array) => void) => (b: F.Batch) => {
    const p = Float32Array.from(b.pos.dataSync());
    f(p);
    const t = tf.tensor2d(p, [b.N, 3]);
    try {
      F.edgeGeometry(b, t);
    } finally {
      t.dispose();
    }
  };

  const cases: [string, () => unknown, typeof DomainError | typeof ShapeError, RegExp][] = [
    [
      "edgeGeometry: NaN position",
      withBatch(
        posWith((p) => {
          p[4] = NaN;
        }),
      ),
      DomainError,
      /edgeGeometry: argument pos\[1\]\[1\]/,
    ],
    [
      "edgeGeometry: two coincident atoms",
      withBatch(
        posWith((p) => {
          p[3] = p[0];
          p[4] = p[1];
          p[5] = p[2];
        }),
      ),
      DomainError,
      /edgeGeometry: argument pos \(nodes/,
    ],
    [
      "ridgeEnergy: constant training energies",
      () => F.ridgeEnergy(constE(), constE()),
      DomainError,
      /ridgeEnergy: argument train\.targets \(energy spread\)/,
    ],
    [
      "ridgeEnergy: a NaN energy",
      () => F.ridgeEnergy(nanE(), nanE()),
      DomainError,
      /ridgeEnergy: argument train\.targets\[1\]\.energy = NaN/,
    ],
    [
      "ridgeEnergy: empty test set",
      () => F.ridgeEnergy(constE(), { clouds: [], targets: [] }),
      ShapeError,
      /ridgeEnergy test/,
    ],
    [
      "judgeConvergence: judge 4.5",
      () => F.judgeConvergence([1, 1, 1, 1, 1, 1], 4.5),
      DomainError,
      /judgeConvergence: argument judge = 4\.5/,
    ],
    [
      "judgeConvergence: NaN losses",
      () => F.judgeConvergence([1, 1, NaN, 1, 1, 1], 4),
      DomainError,
      /judgeConvergence: argument losses = NaN/,
    ],
    [
      "judgeConvergence: all-zero losses",
      () => F.judgeConvergence([0, 0, 0, 0], 4),
      DomainError,
      /judgeConvergence: argument losses = 0/,
    ],
    [
      "potentialLoss: zero energy variance",
      withBatch((b, m) =>
        F.potentialLoss(m, b, { energy: 0, forces: 1 }, { energy: 1, forces: 1 }),
      ),
      DomainError,
      /potentialLoss: argument s\.energy = 0/,
    ],
    [
      "potentialLoss: NaN weight",
      withBatch((b, m) =>
        F.potentialLoss(m, b, { energy: 1, forces: 1 }, { energy: NaN, forces: 1 }),
      ),
      DomainError,
      /potentialLoss: argument w\.energy = NaN/,
    ],
    [
      "evaluatePotential: no batches",
      () =>
        F.evaluatePotential(new F.TFN({ lmax: 1, channels: 4, nRbf: 8, nTypes: 3 }), [], {
          energy: 1,
          forces: 1,
        }),
      ShapeError,
      /evaluatePotential bs/,
    ],
    [
      "potentialSeed: empty test block",
      () => F.potentialSeed(pcfg, 0),
      DomainError,
      /potentialSeed: argument cfg\.testTo = 20/,
    ],
    [
      "scheduleLr: NaN epoch",
      () => F.scheduleLr(sched, NaN),
      DomainError,
      /scheduleLr: argument ep = NaN/,
    ],
    [
      "timeInterleaved: warmup NaN",
      withBatch((b, m) =>
        F.timeInterleaved(
          [m],
          b,
          { energy: 1, forces: 1 },
          { energy: 1, forces: 1 },
          { rounds: 1, warmup: NaN },
        ),
      ),
      DomainError,
      /timeInterleaved: argument opts\.warmup = NaN/,
    ],
    [
      "wignerD: non-orthogonal R",
      () => F.wignerD(2, [2, 0, 0, 0, 1, 0, 0, 0, 1]),
      DomainError,
      /wignerD: argument R = a matrix with max\|RRᵀ − I\| = 3\.00e\+0/,
    ],
    [
      "wignerD: NaN in R",
      () => F.wignerD(1, [NaN, 0, 0, 0, 1, 0, 0, 0, 1]),
      DomainError,
      /wignerD: argument R\[0\] = NaN/,
    ],
    [
      "TFN: layers 1.5",
      () => new F.TFN({ lmax: 1, layers: 1.5 }),
      DomainError,
      /TFN: argument layers = 1\.5/,
    ],
    [
      "TFN: transport false in the global frame",
      () => new F.TFN({ lmax: 1, transport: false }),
      DomainError,
      /TFN: argument transport = false/,
    ],
    [
      "FramesNet: layers 0",
      () => new F.FramesNet({ message: "tensor", rep: "2x0e + 1x1o", layers: 0 }),
      DomainError,
      /FramesNet: argument layers = 0/,
    ],
    [
      'moleculeDataset: vector "foo"',
      () => F.moleculeDataset("ethanol", [0], { cutoff: 4, vector: "foo" as F.VectorTarget }),
      DomainError,
      /moleculeDataset: argument opts\.vector = "foo"/,
    ],
  ];
  for (const [name, fn, type, msg] of cases) {
    it(name, () =>
      assert.throws(fn, (e: unknown) => e instanceof type && msg.test((e as Error).message)),
    );
  }

  it(
    "edgeGeometry still accepts the batch's own and moved valid positions (no false alarm)",
    withBatch((b) => {
      const g1 = F.edgeGeometry(b, b.pos);
      const moved = tf.add(b.pos, 0.01) as tf.Tensor2D;
      const g2 = F.edgeGeometry(b, moved);
      assert.ok(Math.abs(g1.dist.dataSync()[0] - g2.dist.dataSync()[0]) < 1e-5);
      [g1, g2].forEach((g) => Object.values(g).forEach((t) => t.dispose()));
      moved.dispose();
    }),
  );
  void cloud;
});

describe("frames: per-rank diagnostics for the transport test (issue 15 review, finding 6)", function () {
  this.timeout(120000);
  before(async () => {
    await init();
  });

  it("frameRanks.directions: orthonormal rows; a rank-1 node's first row is its bond axis", () => {
    // CO₂ with the oxygens at ±x: each O has one neighbour (the C) at cutoff 1.5 → rank 1 along x.
    const pos = Float64Array.of(-1.16, 0, 0, 0, 0, 0, 1.16, 0, 0);
    const g = F.radiusGraph(pos, 1.5);
    const fr = F.frameRanks(pos, g, { types: [2, 1, 2] });
    assert.strictEqual(fr.rank[0], 1);
    assert.ok(Math.abs(Math.abs(fr.directions[0]) - 1) < 1e-12, "first direction of O is ±x");
    for (let i = 0; i < 3; i++)
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) {
          let s = 0;
          for (let k = 0; k < 3; k++)
            s += fr.directions[9 * i + 3 * a + k] * fr.directions[9 * i + 3 * b + k];
          assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-12);
        }
  });

  it("vectorErrorByRank: the zero model scores 1 per rank; a perfect model 0 (independent sums)", () => {
    const d = F.moleculeDataset("ethanol", [400, 401], { cutoff: 1.6, vector: "transport" });
    const b = F.makeBatch(d.clouds, { cutoff: 1.6, nRbf: 8, nTypes: 3 }, d.targets);
    const fake = (pred: "zero" | "truth") =>
      ({
        apply: () => ({
          energy: tf.zeros([2]),
          tensor: tf.zeros([b.N, 9]),
          forces:
            pred === "zero" ? tf.zeros([b.N, 3]) : tf.tensor2d(b.y!.forces.dataSync(), [b.N, 3]),
        }),
      }) as unknown as F.Model;
    const z = F.vectorErrorByRank(fake("zero"), [b]),
      t = F.vectorErrorByRank(fake("truth"), [b]);
    const ranks = Array.from(b.frameRank);
    assert.deepStrictEqual(
      z.nodes,
      [1, 2, 3].map((r) => ranks.filter((x) => x === r).length),
    );
    z.error.forEach((e, k) => {
      if (z.nodes[k] > 0) assert.ok(Math.abs(e - 1) < 1e-12, `rank ${k + 1}: ${e}`);
    });
    t.error.forEach((e, k) => {
      if (t.nodes[k] > 0) assert.ok(e < 1e-6);
    });
    assert.ok(
      z.nodes[0] > 0 && z.nodes[2] > 0,
      "ethanol at 1.6 Å has rank-1 (H) and rank-3 (C) atoms",
    );
    b.dispose();
  });

  it("rbfPairFeatures: one pair gives φ_k(r)·u(r) in its species-pair slot, zeros elsewhere", () => {
    const c = { pos: Float64Array.of(0, 0, 0, 1.3, 0, 0), types: Int32Array.of(1, 2) }; // C–O
    const f = F.rbfPairFeatures(c, 4, 4, 3);
    const phi = F.sphericalBesselBasis([1.3], 4, 4),
      u = 0.5 * (Math.cos((Math.PI * 1.3) / 4) + 1);
    // slots for (a ≤ b): (0,0) 0, (0,1) 1, (0,2) 2, (1,1) 3, (1,2) 4, (2,2) 5
    for (let s = 0; s < 6; s++)
      for (let k = 0; k < 4; k++) {
        const want = s === 4 ? phi[k] * u : 0;
        assert.ok(Math.abs(f[4 * s + k] - want) < 1e-6, `slot ${s}, k ${k}`);
      }
    assert.throws(
      () =>
        F.rbfPairFeatures(
          { pos: Float64Array.of(0, 0, 0, 0, 0, 0), types: Int32Array.of(0, 0) },
          4,
          4,
          3,
        ),
      (e: unknown) => e instanceof DomainError,
    );
  });
});

describe("frames: TFN rbfStandardise (issue 15 review, finding 1)", function () {
  this.timeout(120000);
  before(async () => {
    await init();
  });

  it("mean 0, std 1 gives the raw model exactly; other constants change the function; std 0 is refused", () => {
    const d = F.moleculeDataset("ethanol", [0], { cutoff: 4 });
    const b = F.makeBatch(d.clouds, { cutoff: 4, nRbf: 8, nTypes: 3 });
    const raw = new F.TFN({ lmax: 1, channels: 4, nRbf: 8, nTypes: 3, seed: 3 });
    const id = new F.TFN({
      lmax: 1,
      channels: 4,
      nRbf: 8,
      nTypes: 3,
      seed: 3,
      rbfStandardise: { mean: new Array(8).fill(0), std: new Array(8).fill(1) },
    });
    const sh = new F.TFN({
      lmax: 1,
      channels: 4,
      nRbf: 8,
      nTypes: 3,
      seed: 3,
      rbfStandardise: { mean: new Array(8).fill(0.1), std: new Array(8).fill(0.5) },
    });
    const f = (m: F.Model) => Array.from(m.apply(b).forces.dataSync());
    const [a, c, e] = [f(raw), f(id), f(sh)];
    assert.ok(
      a.every((x, k) => x === c[k]),
      "identity standardisation = raw",
    );
    assert.ok(
      Math.max(...a.map((x, k) => Math.abs(x - e[k]))) > 1e-4,
      "a real standardisation changes the output",
    );
    assert.throws(
      () =>
        new F.TFN({
          lmax: 1,
          nRbf: 8,
          rbfStandardise: { mean: new Array(8).fill(0), std: [0, 1, 1, 1, 1, 1, 1, 1] },
        }),
      (err: unknown) =>
        err instanceof DomainError && /rbfStandardise\.std\[0\] = 0/.test((err as Error).message),
    );
    assert.throws(
      () => new F.TFN({ lmax: 1, nRbf: 8, rbfStandardise: { mean: [0], std: [1] } }),
      (err: unknown) => err instanceof ShapeError,
    );
    [raw, id, sh].forEach((m) => m.dispose());
    b.dispose();
  });
});
