import * as assert from "assert";
import * as tf from "@tensorflow/tfjs";
import { check, CheckError, frames as F, linalg, init, rng, ShapeError } from "besselbook";

import { close } from "./helpers";

describe("frames: graphs", () => {
  // Four points: a unit square in the xy-plane plus one far away.
  const pos = Float64Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 10, 0, 0);

  it("radiusGraph links exactly the pairs closer than r, both directions", () => {
    const g = F.radiusGraph(pos, 1.2);
    // square edges (not diagonals, √2 > 1.2): 4 undirected = 8 directed; node 4 isolated.
    assert.strictEqual(g.src.length, 8);
    assert.deepStrictEqual(Array.from(F.inDegree(g)), [2, 2, 2, 2, 0]);
    const pairs = new Set(Array.from(g.src, (s, e) => `${s}->${g.dst[e]}`));
    for (const p of ["1->0", "0->1", "2->0", "3->1", "3->2", "2->3"]) assert.ok(pairs.has(p), p);
    assert.ok(!pairs.has("3->0"));
    assert.strictEqual(F.radiusGraph(pos, 1.2, { maxNeighbors: 1 }).src.length, 4);
  });

  it("knnGraph gives every node in-degree k", () => {
    const g = F.knnGraph(pos, 3);
    assert.deepStrictEqual(Array.from(F.inDegree(g)), [3, 3, 3, 3, 3]);
    // node 4's nearest three are 1, 3 (distance 9, √82) and then 0 (10) — not 2 (√101).
    const from4 = Array.from(g.src.filter((_, e) => g.dst[e] === 4));
    assert.deepStrictEqual(from4, [0, 1, 3]);
  });

  it("rejects bad arguments with typed errors", () => {
    assert.throws(() => F.radiusGraph(pos, 0), /argument r = 0/);
    assert.throws(() => F.radiusGraph([0, 1], 1), ShapeError);
    assert.throws(() => F.knnGraph(pos, 5), /argument k = 5/);
  });
});

describe("frames: Gram–Schmidt frames", () => {
  const v1 = [1, 0.2, -0.3],
    v2 = [0.4, 1.1, 0.5],
    v3 = [-0.2, 0.3, 0.9];

  it("is orthonormal and follows rotations and reflections: L(Qv) = L(v)Qᵀ", () => {
    const r = rng(7);
    const f = F.gramSchmidt(v1, v2, v3);
    assert.strictEqual(f.degenerate, "none");
    assert.ok(linalg.orthogonalityError(f.L) < 1e-14);
    for (const reflect of [false, true]) {
      const Q = linalg.randomRotation(r, reflect);
      close(linalg.det3(Q), reflect ? -1 : 1, 1e-12, "det Q");
      const Qv = (v: number[]) => linalg.transformPoints(v, Q);
      const g = F.gramSchmidt(Qv(v1), Qv(v2), Qv(v3));
      const expected = linalg.mul3(f.L, linalg.transpose3(Q));
      for (let k = 0; k < 9; k++)
        close(g.L[k], expected[k], 1e-12, `L entry ${k}, reflect ${reflect}`);
      close(linalg.det3(g.L), linalg.det3(f.L) * linalg.det3(Q), 1e-12, "det follows Q");
    }
  });

  it("flags degenerate neighbourhoods instead of returning a silent frame", () => {
    assert.strictEqual(F.gramSchmidt([0, 0, 0], v2, v3).degenerate, "v1");
    assert.strictEqual(F.gramSchmidt([1, 0, 0], [2, 0, 0], v3).degenerate, "v2");
    assert.strictEqual(F.gramSchmidt([1, 0, 0], [0, 1, 0], [1, 1, 0]).degenerate, "v3");
    const planar = F.gramSchmidt([1, 0, 0], [0, 1, 0], [1, 1, 0]);
    assert.ok(linalg.orthogonalityError(planar.L) < 1e-14, "fallback frames are still orthonormal");
  });

  it("makes canonicalised edges invariant and relative rotations L_iL_jᵀ invariant", () => {
    const r = rng(3);
    const c = F.randomCloud(r, { n: 20, genericRadius: 2 });
    const g = F.radiusGraph(c.pos, 2);
    const a = F.localFrames(c.pos, g);
    assert.strictEqual(a.degenerate.none, 20);
    const Q = linalg.randomRotation(r, true);
    const moved = linalg.transformPoints(c.pos, Q, [1, -2, 0.5]);
    const b = F.localFrames(moved, g);
    const ea = F.canonicalEdges(c.pos, g, a.frames),
      eb = F.canonicalEdges(moved, g, b.frames);
    let d = 0;
    for (let k = 0; k < ea.length; k++) d = Math.max(d, Math.abs(ea[k] - eb[k]));
    assert.ok(d < 1e-12, `canonical edges change by ${d}`);
    const Rab = F.relativeRotation(a.frames[0].L, a.frames[1].L),
      Rbb = F.relativeRotation(b.frames[0].L, b.frames[1].L);
    for (let k = 0; k < 9; k++) close(Rab[k], Rbb[k], 1e-12, "L_iL_jᵀ");
  });

  it("tfjs Gram–Schmidt matches the float64 one", async () => {
    await init({ quiet: true });
    const v = tf.tensor3d([[v1, v2, v3]]);
    const L = F.gramSchmidtTf(v);
    const ref = F.gramSchmidt(v1, v2, v3).L;
    const got = L.dataSync();
    for (let k = 0; k < 9; k++) close(got[k], ref[k], 1e-6, `entry ${k}`);
    tf.dispose([v, L]);
  });
});

describe("frames: representations", () => {
  const r = rng(11);
  const R1 = linalg.randomRotation(r),
    R2 = linalg.randomRotation(r, true);
  const layouts = [
    "1x0e",
    "1x1o",
    "1x2e",
    "1x0o",
    "1x1e",
    "1xT0",
    "1xT1",
    "1xT2",
    "1xT1p",
    "2x1o + 1x2e",
  ];

  it("ρ(I) = I and ρ(R₁R₂) = ρ(R₁)ρ(R₂) for every layout, rotations and reflections", () => {
    for (const rep of layouts) {
      const n = F.repDim(F.parseRep(rep));
      assert.ok(linalg.maxAbsDiff(F.rho(rep, linalg.I3), linalg.eye(n)) < 1e-15, `${rep} ρ(I)`);
      for (const [a, b] of [
        [R1, R2],
        [R2, R2],
        [R2, R1],
      ]) {
        const d = linalg.maxAbsDiff(
          F.rho(rep, linalg.mul3(a, b)),
          linalg.matMul(F.rho(rep, a), F.rho(rep, b)),
        );
        assert.ok(d < 1e-13, `${rep} homomorphism: ${d}`);
      }
    }
  });

  it("D¹ is R in the (y, z, x) basis and parities act as expected", () => {
    const D1 = F.wignerD(1, R2);
    const P = F.irrepBasis(1);
    assert.ok(
      linalg.maxAbsDiff(
        D1,
        linalg.matMul(linalg.matMul(P, linalg.fromMat3(R2)), linalg.transpose(P)),
      ) < 1e-15,
    );
    const minusI = Float64Array.of(-1, 0, 0, 0, -1, 0, 0, 0, -1);
    for (const [rep, sign] of [
      ["1x0e", 1],
      ["1x0o", -1],
      ["1x1o", -1],
      ["1x1e", 1],
      ["1x2e", 1],
      ["1xT1p", 1],
      ["1xT2", 1],
    ] as const) {
      const m = F.rho(rep, minusI);
      assert.ok(
        linalg.maxAbsDiff(
          m,
          linalg.matMul(
            linalg.eye(m.rows),
            linalg.mat(
              m.rows,
              m.rows,
              linalg.eye(m.rows).data.map((x) => sign * x),
            ),
          ),
        ) < 1e-15,
        rep,
      );
    }
  });

  it("rank-2 Cartesian tensors split as 1 + 3 (pseudo-vector) + 5", () => {
    const B = F.cartesianDecomposition();
    assert.ok(
      linalg.maxAbsDiff(linalg.matMul(B, linalg.transpose(B)), linalg.eye(9)) < 1e-15,
      "B orthogonal",
    );
    const X = linalg.matMul(linalg.matMul(B, F.tensorPower(R2, 2)), linalg.transpose(B));
    const expected = linalg.blockDiag([
      linalg.eye(1),
      linalg.mat(
        3,
        3,
        Array.from(R2, (x) => -x),
      ),
      F.wignerD(2, R2),
    ]);
    assert.ok(linalg.maxAbsDiff(X, expected) < 1e-14);
  });

  it("parses and formats layouts, and rejects bad ones", () => {
    assert.strictEqual(
      F.formatRep(F.parseRep("16x0e+8x1o + 2x1e+4xT2+1xT1p")),
      "16x0e + 8x1o + 2x1e + 4xT2 + 1xT1p",
    );
    assert.strictEqual(F.repDim(F.parseRep("16x0e + 8x1o + 4x2e")), 60);
    assert.strictEqual(F.repDim(F.parseRep("16xT0 + 8xT1 + 4xT2")), 76);
    assert.throws(() => F.parseRep("3x4e"), RangeError); // ℓ ≤ 3 since issue 15
    assert.strictEqual(F.repDim(F.parseRep("2x3o + 1xT3")), 41);
    assert.throws(() => F.parseRep("2x1"), /parity e or o/);
    assert.throws(() => F.parseRep("2xT1e"), RangeError);
  });

  it("spherical harmonics satisfy Y(Rx) = D(R)Y(x) with ‖Y^ℓ‖² = 2ℓ+1", () => {
    const x = [0.3, -0.5, 0.8];
    for (const l of [0, 1, 2] as const) {
      const y = F.sphericalHarmonic(l, x);
      close(
        y.reduce((s, v) => s + v * v, 0),
        2 * l + 1,
        1e-12,
        `norm ℓ=${l}`,
      );
      for (const R of [R1, R2]) {
        const lhs = F.sphericalHarmonic(l, linalg.transformPoints(x, R));
        const D = F.wignerD(l, R);
        for (let m = 0; m < 2 * l + 1; m++) {
          let s = 0;
          for (let k = 0; k < 2 * l + 1; k++) s += D.data[m * (2 * l + 1) + k] * y[k];
          close(lhs[m], s, 1e-13, `ℓ=${l} m=${m}`);
        }
      }
    }
  });

  it("tfjs transport equals the float64 ρ on every block", async () => {
    await init({ quiet: true });
    const rep = F.parseRep("2x0e + 1x1o + 1x2e + 1xT1 + 1xT2 + 1xT1p + 1x0o");
    const D = F.repDim(rep);
    const f = Float64Array.from({ length: D }, () => r.normal());
    const Rt = tf.tensor3d(
      [Array.from(R1), Array.from(R2)].map((m) => [
        Array.from(m.slice(0, 3)),
        Array.from(m.slice(3, 6)),
        Array.from(m.slice(6, 9)),
      ]),
    );
    const ft = tf.tensor2d([Array.from(f), Array.from(f)]);
    const out = F.transportTf(rep, Rt, ft).arraySync();
    [R1, R2].forEach((R, e) => {
      const ref = F.applyRho(rep, R, f);
      for (let k = 0; k < D; k++) close(out[e][k], ref[k], 1e-5, `edge ${e} component ${k}`);
    });
    tf.dispose([Rt, ft]);
  });
});

describe("frames: Clebsch–Gordan coefficients", () => {
  const r = rng(5);

  it("are orthonormal: for fixed ℓ₁, ℓ₂ the stacked C^{ℓ₃} form an orthogonal matrix", () => {
    for (const [l1, l2] of [
      [1, 1],
      [1, 2],
      [2, 2],
    ] as const) {
      const rows: number[] = [];
      for (let l3 = Math.abs(l1 - l2); l3 <= l1 + l2 && l3 <= 2; l3++)
        rows.push(...F.clebschGordan(l1, l2, l3 as F.Order).data);
      const n = (2 * l1 + 1) * (2 * l2 + 1);
      if (l1 + l2 > 2) continue; // ℓ₃ = 3, 4 are beyond ℓ ≤ 2, so the stack is not square
      const C = linalg.mat(rows.length / n, n, rows);
      assert.ok(
        linalg.maxAbsDiff(linalg.matMul(C, linalg.transpose(C)), linalg.eye(n)) < 1e-12,
        `${l1}⊗${l2}`,
      );
    }
    for (const [l1, l2, l3] of F.cgPaths(2, false)) {
      const C = F.clebschGordan(l1, l2, l3);
      assert.ok(
        linalg.maxAbsDiff(linalg.matMul(C, linalg.transpose(C)), linalg.eye(2 * l3 + 1)) < 1e-12,
        `CCᵀ = I for ${l1},${l2},${l3}`,
      );
    }
  });

  it("intertwine rotations; reflections exactly when ℓ₁+ℓ₂+ℓ₃ is even", () => {
    for (const [l1, l2, l3] of F.cgPaths(2, false)) {
      const C = F.clebschGordan(l1, l2, l3);
      for (const reflect of [false, true]) {
        const R = linalg.randomRotation(r, reflect);
        const d = linalg.maxAbsDiff(
          linalg.matMul(F.wignerD(l3, R), C),
          linalg.matMul(C, linalg.kron(F.wignerD(l1, R), F.wignerD(l2, R))),
        );
        const even = (l1 + l2 + l3) % 2 === 0;
        if (!reflect || even) assert.ok(d < 1e-12, `${l1}⊗${l2}→${l3} reflect=${reflect}: ${d}`);
        else assert.ok(d > 0.1, `odd path ${l1}⊗${l2}→${l3} should fail for reflections`);
      }
    }
    // 1 ⊗ 1 → 0 is the dot product: C ∝ vec(I).
    const C110 = F.clebschGordan(1, 1, 0);
    for (let k = 0; k < 9; k++)
      close(C110.data[k], k % 4 === 0 ? 1 / Math.sqrt(3) : 0, 1e-12, `C110[${k}]`);
  });

  it("rejects invalid triples", () => {
    assert.throws(() => F.clebschGordan(0, 1, 2), /l3 = 2/);
    assert.throws(() => F.clebschGordan(4 as F.Order, 1, 2), RangeError); // ℓ ≤ 3 since issue 15
  });
});

describe("frames: radial bases and targets", () => {
  it("spherical Bessel zeros and orthonormality on [0, r_c] with weight r²", () => {
    const z0 = F.sphericalBesselZeros(0, 3);
    z0.forEach((z, k) => close(z, (k + 1) * Math.PI, 1e-12, `j0 zero ${k}`));
    close(F.sphericalBesselZeros(1, 1)[0], 4.493409457909064, 1e-12, "first zero of j1");
    const rc = 2,
      n = 4,
      M = 4000;
    const rs = Float64Array.from({ length: M }, (_, i) => ((i + 0.5) * rc) / M);
    const phi = F.sphericalBesselBasis(rs, n, rc);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let i = 0; i < M; i++) s += phi[i * n + a] * phi[i * n + b] * rs[i] * rs[i] * (rc / M);
        close(s, a === b ? 1 : 0, 2e-3, `⟨φ${a}, φ${b}⟩`);
      }
    assert.strictEqual(
      F.sphericalBesselBasis([2.5], 3, 2).every((x) => x === 0),
      true,
    );
    assert.throws(() => F.gaussianBasis([1], 0, 2), /argument n = 0/);
  });

  it("forces are −∇E (central differences) and the tensor is symmetric", () => {
    const c = F.randomCloud(rng(2), { n: 12 });
    const t = F.targets(c, { cutoff: 2 });
    const h = 1e-5;
    for (const k of [0, 4, 17, 35]) {
      const p = Float64Array.from(c.pos),
        m = Float64Array.from(c.pos);
      p[k] += h;
      m[k] -= h;
      const fd =
        -(
          F.targets({ pos: p, types: c.types }, { cutoff: 2 }).energy -
          F.targets({ pos: m, types: c.types }, { cutoff: 2 }).energy
        ) /
        (2 * h);
      close(t.forces[k], fd, 1e-6 * Math.max(1, Math.abs(fd)), `force component ${k}`);
    }
    for (let i = 0; i < 12; i++)
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++)
          close(t.tensor[9 * i + 3 * a + b], t.tensor[9 * i + 3 * b + a], 1e-12, "symmetric");
    const Q = linalg.randomRotation(rng(4), true);
    const tq = F.targets(F.transformCloud(c, Q), { cutoff: 2 });
    close(tq.energy, t.energy, 1e-12, "E invariant");
    const fq = F.actOnHead("forces", Q, t.forces),
      Tq = F.actOnHead("tensor", Q, t.tensor);
    for (let k = 0; k < fq.length; k++) close(tq.forces[k], fq[k], 1e-12, "F equivariant");
    for (let k = 0; k < Tq.length; k++) close(tq.tensor[k], Tq[k], 1e-12, "T equivariant");
  });
});

describe("frames: datasets and batches", () => {
  it("randomlyTransformed moves clouds by O(3) + translation and recomputes targets", () => {
    const d = F.makeDataset(3, 4, { n: 12 }, { cutoff: 2 });
    const m = F.randomlyTransformed(d, 1, { cutoff: 2 });
    d.clouds.forEach((c, k) => {
      close(m.targets[k].energy, d.targets[k].energy, 1e-10, "energy invariant");
      const g0 = F.radiusGraph(c.pos, 2),
        g1 = F.radiusGraph(m.clouds[k].pos, 2);
      assert.deepStrictEqual(Array.from(g1.src), Array.from(g0.src), "same graph");
    });
    assert.ok(
      F.frameEquivarianceError(
        d.clouds[0].pos,
        F.radiusGraph(d.clouds[0].pos, 2),
        linalg.randomRotation(rng(1), true),
        [1, 2, 3],
      ) < 1e-9,
    );
  });

  it("makeBatch with knn gives exactly N·k edges and offsets clouds", async () => {
    await init({ quiet: true });
    const d = F.makeDataset(2, 5, { n: 15 }, { cutoff: 2 });
    const b = F.makeBatch(d.clouds, { cutoff: 2, knn: 4 }, d.targets);
    assert.strictEqual(b.E, 2 * 15 * 4);
    assert.strictEqual(b.N, 30);
    assert.ok(
      Array.from(b.graph.src.slice(60)).every((j) => j >= 15),
      "second cloud's edges stay in its own nodes",
    );
    assert.deepStrictEqual(b.y!.forces.shape, [30, 3]);
    b.dispose();
    assert.throws(() => F.makeBatch([], { cutoff: 2 }), ShapeError);
  });
});

describe("frames: models (tfjs)", function () {
  this.timeout(120000);
  const bo = { cutoff: 2, nRbf: 8 };
  let clouds: F.Cloud[];
  before(async () => {
    await init({ quiet: true });
    clouds = F.makeDataset(2, 9, { n: 24, genericRadius: 2 }, { cutoff: 2 }).clouds;
  });
  const Qs = () => F.randomO3(2, 2, 3);

  for (const [name, make] of [
    [
      "frames, tensorial messages (irreps)",
      () => new F.FramesNet({ message: "tensor", rep: "4x0e + 2x1o + 2x2e", hidden: 16 }),
    ],
    [
      "frames, tensorial messages (Cartesian)",
      () => new F.FramesNet({ message: "tensor", rep: "4xT0 + 2xT1 + 2xT2 + 1xT1p", hidden: 16 }),
    ],
    [
      "frames, scalar messages",
      () => new F.FramesNet({ message: "scalar", rep: "4x0e + 2x1o", hidden: 16 }),
    ],
    ["TFN ℓmax = 2", () => new F.TFN({ lmax: 2, channels: 4, hidden: 8 })],
  ] as const) {
    it(`${name} is O(3)-equivariant for scalar, vector and rank-2 outputs (float32)`, () => {
      const m = make();
      for (const head of F.HEADS) {
        // float32 through Gram–Schmidt and two layers: relative errors ~1e-6…1e-5; 1e-4 leaves
        // room.
        check.equivariant({
          what: `${name}: ${head}`,
          f: F.predict(m, head, bo),
          inputs: clouds,
          g: F.o3Actions(head, Qs(), { translate: 0.7 }),
          tol: 1e-4,
        });
      }
      m.dispose();
    });
  }

  it("the plain GNN is not equivariant (check.equivariant fails on vector outputs)", () => {
    const m = new F.FramesNet({ message: "none", rep: "4x0e + 2x1o", hidden: 16 });
    const errs = F.equivarianceErrors(m, clouds, Qs(), bo);
    assert.ok(errs.forces > 0.1 && errs.tensor > 0.1, JSON.stringify(errs));
    assert.throws(
      () =>
        check.equivariant({
          what: "plain GNN forces",
          f: F.predict(m, "forces", bo),
          inputs: clouds,
          g: F.o3Actions("forces", Qs()),
          tol: 1e-3,
        }),
      CheckError,
    );
    m.dispose();
  });

  it("trains: finite gradients, loss decreases, tensor count flat across steps", () => {
    const d = F.makeDataset(8, 10, { n: 12, genericRadius: 2 }, { cutoff: 2 });
    const s = F.targetScales(d);
    const bs = F.batches(d, 4, bo);
    for (const m of [
      new F.FramesNet({ message: "tensor", rep: "4x0e + 2x1o + 1x2e", hidden: 16, seed: 1 }),
      new F.TFN({ lmax: 1, channels: 4, hidden: 8, seed: 1 }),
    ]) {
      const { grads, value } = tf.variableGrads(() => F.loss(m, bs[0], s), m.variables);
      for (const g of Object.values(grads))
        assert.ok(Array.from(g.dataSync()).every(Number.isFinite), `${m.name}: finite gradients`);
      tf.dispose([value, ...Object.values(grads)]);
      const res = F.train(m, bs, s, { epochs: 6, lr: 5e-3 });
      assert.ok(res.losses[res.losses.length - 1] < res.losses[0], `${m.name}: ${res.losses}`);
      assert.strictEqual(res.tensorsAtEnd, res.tensorsAfterFirstStep, `${m.name}: tensors leak`);
      const e = F.evaluate(m, bs, s);
      assert.ok(
        Number.isFinite(e.energy) && Number.isFinite(e.forces) && Number.isFinite(e.tensor),
      );
      m.dispose();
    }
    bs.forEach((b) => b.dispose());
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 15: batching, degenerate frames, bad input.

/** Small molecules with exactly degenerate sites (species 0 = C, 1 = O/H), ångström. */
function co2(): F.Cloud {
  return { pos: Float64Array.of(-1.16, 0, 0, 0, 0, 0, 1.16, 0, 0), types: Int32Array.of(1, 0, 1) };
}
function methane(): F.Cloud {
  const a = 1.09 / Math.sqrt(3);
  return {
    pos: Float64Array.of(0, 0, 0, a, a, a, a, -a, -a, -a, a, -a, -a, -a, a),
    types: Int32Array.of(0, 1, 1, 1, 1),
  };
}
function benzene(): F.Cloud {
  const pos: number[] = [],
    types: number[] = [];
  for (let k = 0; k < 6; k++) {
    const t = (k * Math.PI) / 3;
    pos.push(1.39 * Math.cos(t), 1.39 * Math.sin(t), 0);
    types.push(0);
  }
  for (let k = 0; k < 6; k++) {
    const t = (k * Math.PI) / 3;
    pos.push(2.47 * Math.cos(t), 2.47 * Math.sin(t), 0);
    types.push(1);
  }
  return { pos: Float64Array.from(pos), types: Int32Array.from(types) };
}

describe("frames: degenerate neighbourhoods (issue 15)", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });
  const bo = { cutoff: 2, nRbf: 8 };

  it("frameRanks finds the symmetric, collinear and planar sites of CO₂, CH₄ and benzene", () => {
    const rk = (c: F.Cloud, rc: number) =>
      Array.from(F.frameRanks(c.pos, F.radiusGraph(c.pos, rc), { types: c.types }).rank);
    assert.deepStrictEqual(rk(co2(), 2), [1, 0, 1], "CO₂: O collinear, C cancels by symmetry");
    assert.deepStrictEqual(
      rk(methane(), 2),
      [0, 1, 1, 1, 1],
      "CH₄: C cancels, each H sees an axis",
    );
    // Benzene's carbon: its two C neighbours are mirror images across the C–H axis, so every
    // weighted sum points along that axis — rank 1, not 2 (with or without the second shell).
    assert.deepStrictEqual(
      rk(benzene(), 1.5),
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      "benzene: on the mirror axis",
    );
    assert.deepStrictEqual(
      rk(benzene(), 2.6).slice(0, 6),
      [1, 1, 1, 1, 1, 1],
      "benzene, second shell",
    );
    // Distorted in its plane: no mirror left, but still flat — rank 2.
    const flat = benzene();
    const r = rng(8);
    for (let i = 0; i < 12; i++) {
      flat.pos[3 * i] += 0.05 * r.normal();
      flat.pos[3 * i + 1] += 0.05 * r.normal();
    }
    assert.deepStrictEqual(
      rk(flat, 1.5).slice(0, 6),
      [2, 2, 2, 2, 2, 2],
      "in-plane distorted benzene: planar",
    );
    // Same geometry, all species equal: the group sums no longer see the species, CO₂'s C still 0.
    const g = F.radiusGraph(Float64Array.of(0, 0, 0, 1, 0.2, 0.1, -0.3, 1, 0.2, 0.1, 0.3, 1.1), 2);
    assert.deepStrictEqual(
      Array.from(
        F.frameRanks(Float64Array.of(0, 0, 0, 1, 0.2, 0.1, -0.3, 1, 0.2, 0.1, 0.3, 1.1), g).rank,
      ),
      [3, 3, 3, 3],
    );
  });

  it("every frame the model runs is orthonormal, also at degenerate and isolated nodes", () => {
    const far: F.Cloud = { pos: Float64Array.of(0, 0, 0, 9, 9, 9), types: Int32Array.of(0, 1) }; // no edges
    for (const c of [co2(), methane(), benzene(), far]) {
      const b = F.makeBatch([c], { cutoff: 2 });
      const m = new F.FramesNet({
        message: "tensor",
        rep: "4x0e + 2x1o + 1x2e",
        hidden: 8,
        seed: 3,
      });
      const d = m.diagnostics(b);
      assert.ok(d.orthogonality < 1e-6, `max |LLᵀ − I| = ${d.orthogonality}`);
      assert.strictEqual(d.degenerate, b.frameRank.filter((k) => k < 3).length);
      m.dispose();
      b.dispose();
    }
  });

  it("projected models are O(3)-equivariant on CO₂, CH₄ and benzene; without projection they are not", () => {
    const mols = [co2(), methane(), benzene()];
    const Qs = F.randomO3(2, 2, 5);
    for (const message of ["tensor", "scalar"] as const) {
      const m = new F.FramesNet({ message, rep: "4x0e + 2x1o + 2x2e", hidden: 16, seed: 2 });
      for (const head of F.HEADS) {
        check.equivariant({
          what: `${message} msgs, ${head}, symmetric molecules`,
          f: F.predict(m, head, bo),
          inputs: mols,
          g: F.o3Actions(head, Qs, { translate: 0.7 }),
          tol: 1e-4,
        });
      }
      m.dispose();
    }
    // Negative control: the same fallback frames used as if they were equivariant.
    const bad = new F.FramesNet({
      message: "tensor",
      rep: "4x0e + 2x1o + 2x2e",
      hidden: 16,
      seed: 2,
      ambiguity: "ignore",
    });
    const e = F.equivarianceErrors(bad, mols, Qs, bo);
    assert.ok(
      e.forces > 1e-2 && e.tensor > 1e-2,
      `unprojected fallback frames: ${JSON.stringify(e)}`,
    );
    bad.dispose();
  });

  it("the forward pass reads nothing back from the backend (no dataSync)", () => {
    const b = F.makeBatch([benzene(), co2()], bo);
    const m = new F.FramesNet({ message: "tensor", rep: "4x0e + 2x1o + 1x2e", hidden: 8 });
    const proto = tf.Tensor.prototype as unknown as { dataSync: () => unknown };
    const orig = proto.dataSync;
    let calls = 0;
    proto.dataSync = function (this: tf.Tensor) {
      calls++;
      return orig.call(this);
    };
    try {
      const o = m.apply(b);
      tf.dispose([o.energy, o.forces, o.tensor]);
    } finally {
      proto.dataSync = orig;
    }
    assert.strictEqual(calls, 0);
    m.dispose();
    b.dispose();
  });
});

describe("frames: batching does not mix clouds (issue 15)", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });
  const bo = { cutoff: 2, nRbf: 8 };
  const models = (): F.Model[] => [
    new F.FramesNet({ message: "tensor", rep: "4x0e + 2x1o + 1x2e", hidden: 16, seed: 4 }),
    new F.FramesNet({ message: "scalar", rep: "4x0e + 2x1o", hidden: 16, seed: 4 }),
    new F.TFN({ lmax: 2, channels: 4, hidden: 8, seed: 4 }),
  ];

  it("a cloud's outputs are the same alone and in any batch (float32 rounding)", () => {
    const dense = F.makeDataset(1, 12, { n: 24, genericRadius: 2 }, { cutoff: 2 }).clouds[0];
    const sparse = F.makeDataset(1, 13, { n: 10, density: 0.1 }, { cutoff: 2 }).clouds[0];
    for (const m of models()) {
      const alone = F.makeBatch([dense], bo),
        mixed = F.makeBatch([sparse, dense, co2()], bo);
      const a = m.apply(alone),
        b = m.apply(mixed);
      const off = sparse.types.length;
      for (const head of F.HEADS) {
        const x = a[head].dataSync();
        const y =
          head === "energy"
            ? [b.energy.dataSync()[1]]
            : b[head].dataSync().slice((off * x.length) / 24, (off * x.length) / 24 + x.length);
        let diff = 0,
          scale = 0;
        for (let k = 0; k < x.length; k++) {
          diff = Math.max(diff, Math.abs(x[k] - y[k]));
          scale = Math.max(scale, Math.abs(x[k]));
        }
        assert.ok(
          diff <= 1e-5 * scale,
          `${m.name} ${head}: alone vs batched differ by ${diff} (scale ${scale})`,
        );
      }
      tf.dispose([a.energy, a.forces, a.tensor, b.energy, b.forces, b.tensor]);
      alone.dispose();
      mixed.dispose();
      m.dispose();
    }
  });

  it("outputs change continuously when a neighbour crosses the cutoff (generic nodes)", () => {
    // An extra node at distance r_c ± δ from the cloud's outermost node, placed inward so it has
    // many neighbours; every frame stays generic (rank 3) on both sides (asserted).
    const base = F.makeDataset(1, 14, { n: 30, genericRadius: 2 }, { cutoff: 2 }).clouds[0];
    const n = 30,
      cen = [0, 1, 2].map(
        (a) => base.pos.filter((_, k) => k % 3 === a).reduce((s, x) => s + x, 0) / n,
      );
    let i0 = 0;
    for (let i = 1; i < n; i++)
      if (
        Math.hypot(
          base.pos[3 * i] - cen[0],
          base.pos[3 * i + 1] - cen[1],
          base.pos[3 * i + 2] - cen[2],
        ) >
        Math.hypot(
          base.pos[3 * i0] - cen[0],
          base.pos[3 * i0 + 1] - cen[1],
          base.pos[3 * i0 + 2] - cen[2],
        )
      )
        i0 = i;
    const x0 = Array.from(base.pos.subarray(3 * i0, 3 * i0 + 3));
    const u = cen.map((c, a) => c - x0[a]),
      un = Math.hypot(...u);
    const at = (r: number): F.Cloud => ({
      pos: Float64Array.from([...base.pos, ...x0.map((x, a) => x + (r * u[a]) / un)]),
      types: Int32Array.from([...base.types, 0]),
    });
    const d = 1e-6;
    const b1 = F.makeBatch([at(2 - d)], bo),
      b2 = F.makeBatch([at(2 + d)], bo);
    assert.strictEqual(b1.E, b2.E + 2, "exactly one pair crosses");
    assert.deepStrictEqual(Array.from(b1.frameRank), Array.from(b2.frameRank));
    assert.ok(
      b1.frameRank.every((k) => k === 3),
      `ranks ${b1.frameRank}`,
    );
    for (const m of models()) {
      const o1 = m.apply(b1),
        o2 = m.apply(b2);
      for (const head of F.HEADS) {
        const x = o1[head].dataSync(),
          y = o2[head].dataSync();
        let diff = 0,
          scale = 0;
        for (let k = 0; k < x.length; k++) {
          diff = Math.max(diff, Math.abs(x[k] - y[k]));
          scale = Math.max(scale, Math.abs(x[k]));
        }
        assert.ok(
          diff <= 1e-4 * scale,
          `${m.name} ${head}: jump ${diff} (scale ${scale}) across the cutoff`,
        );
      }
      m.dispose();
    }
  });
});

describe("frames: bad input (issue 15)", function () {
  this.timeout(60000);
  before(async () => {
    await init({ quiet: true });
  });

  it("coincident points: typed errors from targets() and makeBatch, not NaN", () => {
    const c: F.Cloud = {
      pos: Float64Array.of(0, 0, 0, 1, 0, 0, 1, 0, 0),
      types: Int32Array.of(0, 1, 1),
    };
    assert.throws(() => F.targets(c, { cutoff: 2 }), /argument pos = points 1 and 2/);
    assert.throws(() => F.makeBatch([c], { cutoff: 2 }), /argument clouds\[0\]\.pos = points/);
  });

  it("NaN coordinates are refused, naming the argument", () => {
    const c: F.Cloud = { pos: Float64Array.of(0, 0, 0, NaN, 0, 0), types: Int32Array.of(0, 1) };
    assert.throws(() => F.makeBatch([methane(), c], { cutoff: 2 }), /clouds\[1\]\.pos/);
    assert.throws(() => F.targets(c, { cutoff: 2 }), /argument pos/);
    assert.throws(
      () => F.localFrames(c.pos, F.radiusGraph(Float64Array.of(0, 0, 0, 1, 0, 0), 2)),
      /argument pos/,
    );
  });

  it("a batch without edges gives the isolated-node result (finite, same as inside a batch)", () => {
    const far: F.Cloud = { pos: Float64Array.of(0, 0, 0, 9, 9, 9), types: Int32Array.of(0, 1) };
    for (const m of [
      new F.FramesNet({ message: "tensor", rep: "4x0e + 2x1o", hidden: 8 }),
      new F.TFN({ lmax: 1, channels: 4, hidden: 8 }),
    ] as F.Model[]) {
      const b = F.makeBatch([far], { cutoff: 2 });
      assert.strictEqual(b.E, 0);
      const o = m.apply(b);
      const withEdges = m.apply(F.makeBatch([methane(), far], { cutoff: 2 }));
      assert.ok(Array.from(o.energy.dataSync()).every(Number.isFinite));
      close(
        o.energy.dataSync()[0],
        withEdges.energy.dataSync()[1],
        1e-5,
        `${m.name}: isolated energy`,
      );
      // An isolated node has no direction: its force must be 0, its tensor isotropic.
      assert.ok(
        Array.from(o.forces.dataSync()).every((x) => Math.abs(x) < 1e-7),
        `${m.name}: forces ${o.forces.dataSync()}`,
      );
      m.dispose();
    }
  });
});
