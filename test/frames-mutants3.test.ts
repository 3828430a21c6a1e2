/**
 * Issue #22, session 6: tests written for the StrykerJS runs on the frames code that decides
 * outside the float64 geometry (module `frames-decide` in stryker/modules.json: batch, nn, data and
 * line ranges of potential, train, molecules and models). Public API only; every expected value
 * is computed by hand here (ours) or follows from a stated definition; each property is asserted
 * in both directions (it holds, and the wrong variant is caught).
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { frames as F, init, rng } from "besselbook";
import { isDomainError as domain, isShapeError as shape, closeRel as close } from "./helpers";

describe("frames (mutants 3): convergence judgement and learning-rate schedule", () => {
  before(async () => {
    await init();
  });

  it("judgeConvergence judges the last `judge` losses only, halves split at floor(judge/2)", () => {
    // window [9, 9, 1, 1]: a = 9, b = 1, change 8/9 — the leading 100 is outside the window
    const r = F.judgeConvergence([100, 9, 9, 1, 1], 4);
    assert.equal(r.change, 8 / 9);
    assert.equal(r.converged, false);
    // odd window [4, 4 | 2, 2, 2]: a = 4, b = 2 (a ceil split would give a = 10/3)
    assert.equal(F.judgeConvergence([4, 4, 2, 2, 2], 5).change, 0.5);
    // the same window with a judge of 4 sees [4, 2, 2, 2]: a = 3, b = 2
    assert.equal(F.judgeConvergence([4, 4, 2, 2, 2], 4).change, 1 / 3);
  });

  it("judgeConvergence: |change| < rtol, strict, in both directions of the loss", () => {
    assert.equal(F.judgeConvergence([4, 4, 2, 2], 4, 0.5).converged, false); // change exactly 0.5
    assert.equal(F.judgeConvergence([4, 4, 2, 2], 4, 0.5000001).converged, true);
    const up = F.judgeConvergence([2, 2, 4, 4], 4, 0.5); // the loss rose: change −1
    assert.equal(up.change, -1);
    assert.equal(up.converged, false);
    assert.equal(F.judgeConvergence([2, 2, 4, 4], 4, 1.5).converged, true);
    assert.equal(F.judgeConvergence([1, 1, 1, 1], 4).converged, true); // default rtol 0.05
    assert.equal(F.judgeConvergence([1, 1, 0.9, 0.9], 4).converged, false);
    assert.equal(F.judgeConvergence([1, 1, 0.96, 0.96], 4).converged, true);
  });

  it("judgeConvergence refuses bad judge, rtol and too-short or non-finite windows", () => {
    assert.deepEqual(F.judgeConvergence([1, 1, 1, 1], 4).change, 0); // exactly judge losses: fine
    assert.throws(
      () => F.judgeConvergence([1, 1, 1], 4),
      shape(/judgeConvergence losses.*≥ 4 epochs/),
    );
    assert.throws(
      () => F.judgeConvergence([1, 1, 1, 1, 1], 3),
      domain(/judgeConvergence: argument judge = 3/),
    );
    for (const rtol of [0, -0.1, NaN, Infinity]) {
      assert.throws(
        () => F.judgeConvergence([1, 1, 1, 1], 4, rtol),
        domain(/judgeConvergence: argument rtol/),
      );
    }
    // a non-finite loss only in the second half, and Infinity in the first
    assert.throws(
      () => F.judgeConvergence([1, 1, 1, NaN], 4),
      domain(/argument losses = NaN.*finite losses/),
    );
    assert.throws(
      () => F.judgeConvergence([Infinity, 1, 1, 1], 4),
      domain(/argument losses = Infinity/),
    );
    // a non-finite loss before the window does not matter
    assert.equal(F.judgeConvergence([NaN, 1, 1, 1, 1], 4).converged, true);
  });

  const sched = { epochs: 10, lr: 2, warm: 2, decay: 0.5, decayEpochs: 3, judge: 5 };
  it("scheduleLr: constant for `warm` epochs, then × decay per epoch for decayEpochs, then constant", () => {
    const got = Array.from({ length: 12 }, (_, ep) => F.scheduleLr(sched, ep));
    assert.deepEqual(got, [2, 2, 1, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
    const noWarm = { ...sched, warm: 0, decayEpochs: 5, judge: 5 };
    assert.deepEqual(
      [0, 1, 4, 5, 9].map((ep) => F.scheduleLr(noWarm, ep)),
      [1, 0.5, 0.0625, 0.0625, 0.0625],
    );
  });

  it("the schedule's checks accept their boundaries and refuse one step past them", () => {
    const ok = (o: object) => F.scheduleLr({ ...sched, ...o } as typeof sched, 0);
    assert.equal(ok({ decay: 1 }), 2);
    assert.equal(ok({ judge: 4, epochs: 9 }), 2);
    assert.equal(ok({ warm: 0, epochs: 8 }), 1); // no warm-up: epoch 0 is already decayed once
    const bad: [object, RegExp][] = [
      [{ decay: 1.0000001 }, /schedule\.decay = 1\.0000001.*\(0, 1\]/],
      [{ decay: 0 }, /schedule\.decay = 0/],
      [{ decay: NaN }, /schedule\.decay = NaN/],
      [{ lr: 0 }, /schedule\.lr = 0/],
      [{ lr: Infinity }, /schedule\.lr = Infinity/],
      [{ judge: 3, epochs: 8 }, /schedule\.judge = 3/],
      [{ warm: -1, epochs: 7 }, /schedule\.warm = -1/],
      [{ decayEpochs: 2.5, epochs: 9.5 }, /schedule\.(decayEpochs|epochs) = /],
      [{ epochs: 11 }, /schedule\.epochs = 11.*warm \+ decayEpochs \+ judge = 10/],
      [{ epochs: 9 }, /schedule\.epochs = 9/],
    ];
    for (const [o, re] of bad) assert.throws(() => ok(o), domain(re), JSON.stringify(o));
    assert.throws(() => F.scheduleLr(sched, -1), domain(/scheduleLr: argument ep = -1/));
    assert.throws(() => F.scheduleLr(sched, 1.5), domain(/scheduleLr: argument ep = 1\.5/));
  });
});

// ---------------------------------------------------------------------------------------------
// From the first frames-decide run's survivors (batch.ts, models.ts ranges).

describe("frames (mutants 3): makeBatch by hand, its checks, and edgeGeometry", () => {
  before(async () => {
    await init();
  });
  // cloud 0: atoms at 0, x̂, 2ŷ (only 0–1 within 1.8); cloud 1: 0 and 1.5ẑ
  const c0 = { pos: Float64Array.of(0, 0, 0, 1, 0, 0, 0, 2, 0), types: Int32Array.of(0, 1, 0) };
  const c1 = { pos: Float64Array.of(0, 0, 0, 0, 0, 1.5), types: Int32Array.of(1, 1) };
  const t = (n: number, e: number) => ({
    energy: e,
    forces: Float64Array.from({ length: 3 * n }, (_, k) => k + e),
    tensor: Float64Array.from({ length: 9 * n }, (_, k) => -k - e),
  });
  const bo = { cutoff: 1.8, nTypes: 2 };

  it("nodes, edges and clouds are laid out with offsets; per-edge vectors point from receiver to sender", () => {
    const b = F.makeBatch([c0, c1], bo, [t(3, 1), t(2, 2)]);
    try {
      assert.deepEqual([b.N, b.E, b.G, b.cutoff, b.nRbf, b.basis], [5, 4, 2, 1.8, 8, "bessel"]);
      const pairs = Array.from(b.graph.src, (s, e) => `${s}>${b.graph.dst[e]}`).sort();
      assert.deepEqual(pairs, ["0>1", "1>0", "3>4", "4>3"]);
      assert.deepEqual(Array.from(b.src.dataSync()), Array.from(b.graph.src));
      assert.deepEqual(Array.from(b.dst.dataSync()), Array.from(b.graph.dst));
      assert.deepEqual(Array.from(b.nodeGraph.dataSync()), [0, 0, 0, 1, 1]);
      assert.deepEqual(Array.from(b.onehot.dataSync()), [1, 0, 0, 1, 1, 0, 0, 1, 0, 1]);
      assert.deepEqual(
        Array.from(b.pos.dataSync()),
        [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1.5],
      );
      const P = [...c0.pos, ...c1.pos],
        rel = b.rel.dataSync(),
        dist = b.dist.dataSync(),
        unit = b.unit.dataSync();
      const env = b.env.dataSync();
      for (let e = 0; e < b.E; e++) {
        const s = b.graph.src[e],
          d = b.graph.dst[e];
        const v = [0, 1, 2].map((a) => P[3 * s + a] - P[3 * d + a]),
          r = Math.hypot(...v);
        v.forEach((x, a) => {
          close(rel[3 * e + a], x, 1e-7);
          close(unit[3 * e + a], x / r, 1e-7);
        });
        close(dist[e], r, 1e-7);
        close(env[e], 0.5 * (Math.cos((Math.PI * r) / 1.8) + 1), 1e-6);
      }
      const rbf = b.rbf.dataSync(),
        want = F.radialBasis("bessel", Array.from(dist), 8, 1.8);
      assert.equal(rbf.length, 4 * 8);
      want.forEach((w, k) => close(rbf[k], w, 1e-6));
      // targets, concatenated per node
      assert.deepEqual(Array.from(b.y!.energy.dataSync()), [1, 2]);
      assert.deepEqual(Array.from(b.y!.forces.dataSync()), [...t(3, 1).forces, ...t(2, 2).forces]);
      assert.deepEqual(Array.from(b.y!.tensor.dataSync()), [...t(3, 1).tensor, ...t(2, 2).tensor]);
      // frame ranks per cloud (frames.ts), the fallback mask [k ≥ 1, k ≥ 2, k ≥ 3] and the count of
      // k < 3
      const ranks = [
        ...F.frameRanks(c0.pos, F.radiusGraph(c0.pos, 1.8), { types: c0.types }).rank,
        ...F.frameRanks(c1.pos, F.radiusGraph(c1.pos, 1.8), { types: c1.types }).rank,
      ];
      assert.deepEqual(Array.from(b.frameRank), ranks);
      assert.deepEqual(Array.from(b.rank.dataSync()), ranks);
      assert.deepEqual(
        Array.from(b.fallback.mask.dataSync()),
        ranks.flatMap((k) => [+(k >= 1), +(k >= 2), +(k >= 3)]),
      );
      assert.equal(b.degenerate, ranks.filter((k) => k < 3).length);
      assert.ok(ranks.some((k) => k === 0) && ranks.some((k) => k === 1), `ranks ${ranks}`);
    } finally {
      b.dispose();
    }
    // a rank-3 node (four atoms in general position) is not degenerate and has a full mask
    const tet = {
      pos: Float64Array.of(0, 0, 0, 1, 0.1, 0, 0.2, 1.1, 0, 0.1, 0.3, 0.9),
      types: Int32Array.of(0, 1, 0, 1),
    };
    const bt = F.makeBatch([tet], { cutoff: 3, nTypes: 2 });
    const rk = Array.from(bt.frameRank);
    assert.ok(rk.includes(3), `${rk}`);
    assert.equal(bt.degenerate, rk.filter((k) => k < 3).length);
    assert.deepEqual(
      Array.from(bt.fallback.mask.dataSync()),
      rk.flatMap((k) => [+(k >= 1), +(k >= 2), +(k >= 3)]),
    );
    bt.dispose();
    // no targets: no y; options honoured
    const b2 = F.makeBatch([c1], { cutoff: 2, nTypes: 3, nRbf: 4, basis: "gaussian" });
    assert.equal(b2.y, undefined);
    assert.deepEqual(
      [b2.nRbf, b2.basis, b2.onehot.shape[1], b2.rbf.shape[1]],
      [4, "gaussian", 3, 4],
    );
    b2.dispose();
  });

  it("dispose frees every tensor the batch made", () => {
    const before = tf.memory().numTensors;
    const b = F.makeBatch([c0, c1], bo, [t(3, 1), t(2, 2)]);
    assert.ok(tf.memory().numTensors > before);
    b.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it("every refusal names the argument and what was expected; boundaries are accepted", () => {
    const bad: [string, () => unknown, (e: unknown) => boolean][] = [
      ["no clouds", () => F.makeBatch([], bo), shape(/^makeBatch clouds: .*at least one cloud/)],
      [
        "targets count",
        () => F.makeBatch([c0, c1], bo, [t(3, 1)]),
        shape(/^makeBatch targets: .*2 \(one per cloud\)/),
      ],
      [
        "cutoff 0",
        () => F.makeBatch([c0], { cutoff: 0 }),
        domain(/^makeBatch: argument cutoff = 0 .*> 0/),
      ],
      [
        "cutoff NaN",
        () => F.makeBatch([c0], { cutoff: NaN }),
        domain(/^makeBatch: argument cutoff = NaN/),
      ],
      [
        "nTypes 0",
        () => F.makeBatch([c0], { cutoff: 1.8, nTypes: 0 }),
        domain(/^makeBatch: argument opts\.nTypes = 0 .*an integer ≥ 1/),
      ],
      [
        "nTypes 1.5",
        () => F.makeBatch([c0], { cutoff: 1.8, nTypes: 1.5 }),
        domain(/opts\.nTypes = 1\.5/),
      ],
      [
        "species = nTypes",
        () => F.makeBatch([c0], { cutoff: 1.8, nTypes: 1 }),
        domain(/^makeBatch: argument types = 1 .*species in \[0, 1\)/),
      ],
      [
        "species −1",
        () => F.makeBatch([{ ...c1, types: Int32Array.of(0, -1) }], bo),
        domain(/argument types = -1/),
      ],
      [
        "null cloud",
        () => F.makeBatch([c0, null as unknown as F.Cloud], bo),
        domain(/^makeBatch: argument clouds\[1\] = null .*a cloud \{ pos, types \}/),
      ],
      [
        "no types",
        () => F.makeBatch([{ pos: c0.pos } as F.Cloud], bo),
        domain(/argument clouds\[0\] = .*a cloud \{ pos, types \}/),
      ],
      [
        "no pos",
        () => F.makeBatch([{ types: c0.types } as F.Cloud], bo),
        domain(/argument clouds\[0\] = /),
      ],
      [
        "a string",
        () => F.makeBatch(["cloud" as unknown as F.Cloud], bo),
        domain(/argument clouds\[0\] = /),
      ],
      [
        "zero atoms",
        () => F.makeBatch([c0, { pos: new Float64Array(0), types: new Int32Array(0) }], bo),
        shape(/^makeBatch clouds\[1\]\.types: .*at least one atom/),
      ],
      [
        "pos length",
        () => F.makeBatch([{ pos: Float64Array.of(0, 0, 0, 1), types: Int32Array.of(0) }], bo),
        shape(/^makeBatch clouds\[0\]\.pos: .*length 3 \(3 per atom\).*4/),
      ],
      [
        "NaN coordinate",
        () => F.makeBatch([{ ...c0, pos: Float64Array.of(0, 0, 0, 1, 0, 0, 0, 2, NaN) }], bo),
        domain(/^makeBatch: argument clouds\[0\]\.pos = NaN .*finite coordinates \(entry 8\)/),
      ],
      [
        "coincident",
        () =>
          F.makeBatch(
            [c1, { pos: Float64Array.of(1, 1, 1, 1, 1, 1), types: Int32Array.of(0, 0) }],
            bo,
          ),
        domain(
          /^makeBatch: argument clouds\[1\]\.pos = points \d and \d at distance 0 .*distinct points \(coincident points have no direction\)/,
        ),
      ],
    ];
    for (const [what, fn, ok] of bad) assert.throws(fn, ok, what);
    // boundaries: one species, points 2e-9·cutoff apart (> 1e-9·cutoff) are distinct
    F.makeBatch([{ pos: c0.pos, types: Int32Array.of(0, 0, 0) }], {
      cutoff: 1.8,
      nTypes: 1,
    }).dispose();
    F.makeBatch([{ pos: Float64Array.of(0, 0, 0, 2e-9, 0, 0), types: Int32Array.of(0, 0) }], {
      cutoff: 1,
    }).dispose();
    assert.throws(
      () =>
        F.makeBatch([{ pos: Float64Array.of(0, 0, 0, 0.5e-9, 0, 0), types: Int32Array.of(0, 0) }], {
          cutoff: 1,
        }),
      domain(/distinct points/),
    );
  });

  it("edgeGeometry at the batch's own positions reproduces its constants; moved positions move them", () => {
    for (const basis of ["bessel", "gaussian"] as const) {
      for (const nRbf of [1, 5]) {
        const b = F.makeBatch([c0, c1], { ...bo, basis, nRbf });
        try {
          const g = F.edgeGeometry(b, b.pos);
          for (const k of ["rel", "dist", "unit", "rbf", "env"] as const) {
            const want = b[k].dataSync(),
              got = g[k].dataSync();
            assert.equal(got.length, want.length, k);
            want.forEach((w, i) => close(got[i], w, 2e-5, `${basis} nRbf ${nRbf} ${k}[${i}]`));
          }
          // move node 1 by +0.1 x̂: edge 0↔1 gets length 1.1
          const moved = tf.tensor2d([0, 0, 0, 1.1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1.5], [5, 3]);
          const gm = F.edgeGeometry(b, moved);
          const dm = gm.dist.dataSync();
          Array.from(b.graph.src).forEach((s, e) =>
            close(dm[e], s + b.graph.dst[e] === 1 ? 1.1 : 1.5, 1e-6, `moved edge ${e}`),
          );
          moved.dispose();
        } finally {
          b.dispose();
        }
      }
    }
    const b = F.makeBatch([c0, c1], bo);
    try {
      assert.throws(
        () => F.edgeGeometry(b, tf.zeros([5, 2]) as tf.Tensor2D),
        shape(/^edgeGeometry pos: .*\[5, 3\]/),
      );
      assert.throws(
        () => F.edgeGeometry(b, tf.zeros([4, 3]) as tf.Tensor2D),
        shape(/^edgeGeometry pos: .*\[5, 3\]/),
      );
      const p = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1.5];
      const nan = p.slice();
      nan[7] = NaN;
      assert.throws(
        () => F.edgeGeometry(b, tf.tensor2d(nan, [5, 3])),
        domain(/^edgeGeometry: argument pos\[2\]\[1\] = NaN .*a finite coordinate/),
      );
      // nodes 3 and 4 (an edge) made coincident in y only would still differ: all three must agree
      for (const [k, v] of [
        [12, 0],
        [13, 0],
        [14, 0],
      ] as const) {
        const q = p.slice();
        q[k] = v; // one coordinate of node 4 set to node 3's
        if (k < 14) F.edgeGeometry(b, tf.tensor2d(q, [5, 3]));
        else
          assert.throws(
            () => F.edgeGeometry(b, tf.tensor2d(q, [5, 3])),
            domain(
              /^edgeGeometry: argument pos \(nodes [34], [34] of edge \d\) = coincident .*distinct points at both ends of every edge/,
            ),
          );
      }
      const xy = p.slice();
      xy[3] = 0;
      xy[4] = 0; // node 1 on node 0 in x and y, not z: an edge, not coincident... z differs? no: both 0
      assert.throws(() => F.edgeGeometry(b, tf.tensor2d(xy, [5, 3])), domain(/coincident/));
      const onlyXY = p.slice();
      onlyXY[3] = 0;
      onlyXY[5] = 0.5; // node 1 = (0, 0, 0.5): distinct from node 0
      F.edgeGeometry(b, tf.tensor2d(onlyXY, [5, 3]));
      const onlyYZ = p.slice();
      onlyYZ[3] = 0.5; // node 1 = (0.5, 0, 0)
      F.edgeGeometry(b, tf.tensor2d(onlyYZ, [5, 3]));
      // a non-edge pair may coincide (nodes 0 and 3 are in different clouds)
      F.edgeGeometry(b, tf.tensor2d(p, [5, 3]));
    } finally {
      b.dispose();
    }
  });
});

describe("frames (mutants 3): model constructors' checks and defaults", () => {
  before(async () => {
    await init();
  });
  it("avgNeighbors, energyReference, message, layers, name and hidden", () => {
    for (const v of [0, -1, Infinity, NaN]) {
      assert.throws(
        () => new F.FramesNet({ message: "none", rep: "2x0e", avgNeighbors: v }),
        domain(new RegExp(`^FramesNet: argument avgNeighbors = ${v} .*a finite number > 0`)),
      );
      assert.throws(
        () => new F.TFN({ lmax: 0, avgNeighbors: v }),
        domain(/^TFN: argument avgNeighbors/),
      );
    }
    const tiny = new F.FramesNet({ message: "none", rep: "2x0e", avgNeighbors: 1e-9 });
    assert.equal(tiny.avgNeighbors, 1e-9);
    assert.equal(new F.FramesNet({ message: "none", rep: "2x0e" }).avgNeighbors, 10);
    assert.throws(
      () => new F.FramesNet({ message: "none", rep: "2x0e", nTypes: 3, energyReference: [1, 2] }),
      domain(/^energyReference: argument length = 2 .*3 \(one per species\)/),
    );
    for (const message of ["tensor", "scalar", "none"] as const) {
      const m = new F.FramesNet({ message, rep: "2x0e + 1x1o", layers: 1, hidden: 5 });
      assert.equal(m.name, `frames-${message}`);
      assert.equal(m.message, message);
    }
    assert.equal(new F.FramesNet({ message: "none", rep: "2x0e", name: "x" }).name, "x");
    assert.throws(
      () => new F.FramesNet({ message: "vector" as "none", rep: "2x0e" }),
      domain(/^FramesNet: argument message = vector .*"tensor", "scalar" or "none"/),
    );
    assert.throws(
      () => new F.FramesNet({ message: "none", rep: "2x0e", layers: 0 }),
      domain(/^FramesNet: argument layers = 0 .*an integer ≥ 1/),
    );
    assert.throws(
      () => new F.TFN({ lmax: 1, layers: 0 }),
      domain(/^TFN: argument layers = 0 .*an integer ≥ 1/),
    );
    assert.throws(
      () => new F.TFN({ lmax: 1, transport: false }),
      domain(/true with frame "global" \(transport: false only exists for frame "local"\)/),
    );
    new F.TFN({ lmax: 1, transport: false, frame: "local", channels: 2, hidden: 4 }).dispose();
    // layers, hidden and nRbf set the parameter count: per layer one message and one update MLP
    const count = (o: object) =>
      F.countParams(new F.FramesNet({ message: "scalar", rep: "2x0e + 1x1o", ...o }).variables);
    const D = 5,
      nTypes = 2;
    const mlp = (a: number, h: number, b: number) => a * h + h + h * b + b;
    const want = (L: number, h: number, nRbf: number) =>
      (nRbf + nTypes) * 3 +
      3 +
      nTypes * D +
      D +
      L * (mlp(2 * D + nRbf + 3, h, D) + mlp(2 * D, h, D)) +
      mlp(D, h, 13);
    assert.equal(count({ layers: 1, hidden: 6, nRbf: 4 }), want(1, 6, 4));
    assert.equal(count({ layers: 3, hidden: 6, nRbf: 4 }), want(3, 6, 4));
    assert.equal(count({}), want(2, 64, 8));
  });
});

// ---------------------------------------------------------------------------------------------
// Third batch: from the frames-decide re-run (data.ts: the synthetic clouds and their targets).

describe("frames (mutants 3): synthetic targets by hand and the cloud sampler's guarantees", () => {
  it("targets: Morse energy × envelope per pair, F = −∇E (central differences), envelope-weighted inertia", () => {
    // three atoms, species 0, 1, 0; default depths [1, 0.6, 0.6, 1.5], a = 1.5, r₀ = 1.1, masses
    // [1, 2]
    const c = {
      pos: Float64Array.of(0, 0, 0, 1.2, 0.1, 0, -0.3, 0.9, 0.4),
      types: Int32Array.of(0, 1, 0),
    };
    const rc = 2.5,
      depth = [1, 0.6, 0.6, 1.5],
      mass = [1, 2];
    const E = (pos: Float64Array) => {
      let e = 0;
      for (let i = 0; i < 3; i++)
        for (let j = i + 1; j < 3; j++) {
          const r = Math.hypot(
            pos[3 * j] - pos[3 * i],
            pos[3 * j + 1] - pos[3 * i + 1],
            pos[3 * j + 2] - pos[3 * i + 2],
          );
          if (r >= rc) continue;
          const ex = Math.exp(-1.5 * (r - 1.1)),
            D = depth[c.types[i] * 2 + c.types[j]];
          e += D * ((1 - ex) ** 2 - 1) * 0.5 * (Math.cos((Math.PI * r) / rc) + 1);
        }
      return e;
    };
    const t = F.targets(c, { cutoff: rc });
    close(t.energy, E(c.pos), 1e-14, "energy");
    for (let k = 0; k < 9; k++) {
      const p = Float64Array.from(c.pos),
        m = Float64Array.from(c.pos),
        h = 1e-6;
      p[k] += h;
      m[k] -= h;
      close(t.forces[k], -(E(p) - E(m)) / (2 * h), 1e-7, `F[${k}]`);
    }
    for (let i = 0; i < 3; i++) {
      const want = new Array(9).fill(0);
      for (let j = 0; j < 3; j++) {
        if (j === i) continue;
        const d = [0, 1, 2].map((a) => c.pos[3 * j + a] - c.pos[3 * i + a]),
          r = Math.hypot(...d);
        const w = mass[c.types[j]] * 0.5 * (Math.cos((Math.PI * r) / rc) + 1);
        for (let p = 0; p < 3; p++)
          for (let q = 0; q < 3; q++) want[3 * p + q] += w * ((p === q ? r * r : 0) - d[p] * d[q]);
      }
      want.forEach((v, k) => close(t.tensor[9 * i + k], v, 1e-14, `T_${i}[${k}]`));
    }
    // a pair at or beyond the cutoff contributes nothing; options are honoured
    const far = F.targets(
      { pos: Float64Array.of(0, 0, 0, 2.5, 0, 0), types: Int32Array.of(0, 0) },
      { cutoff: 2.5 },
    );
    assert.deepEqual(
      [far.energy, ...far.forces, ...far.tensor].every((v) => v === 0),
      true,
    );
    const two = { pos: Float64Array.of(0, 0, 0, 1, 0, 0), types: Int32Array.of(1, 1) };
    const o = F.targets(two, { cutoff: 3, depth: [0, 0, 0, 2], a: 1, r0: 1, mass: [5, 3] });
    close(
      o.energy,
      2 * (0 - 1) * 0.5 * (Math.cos(Math.PI / 3) + 1),
      1e-15,
      "options: depth, a, r₀",
    ); // r = r₀: V = −D
    close(o.tensor[4], 3 * 0.5 * (Math.cos(Math.PI / 3) + 1) * 1, 1e-15, "options: mass"); // T_yy = m·u·r²
    for (const [what, fn, ok] of [
      [
        "pos length",
        () =>
          F.targets({ pos: Float64Array.of(0, 0, 0, 1), types: Int32Array.of(0) }, { cutoff: 2 }),
        shape(/^targets pos: .*length 3/),
      ],
      ["cutoff", () => F.targets(two, { cutoff: 0 }), domain(/^targets: argument cutoff = 0/)],
      [
        "NaN",
        () =>
          F.targets(
            { pos: Float64Array.of(0, 0, 0, 1, NaN, 0), types: Int32Array.of(0, 0) },
            { cutoff: 2 },
          ),
        domain(/^targets: argument pos = NaN .*finite coordinates \(entry 4\)/),
      ],
      [
        "coincident",
        () =>
          F.targets(
            { pos: Float64Array.of(1, 1, 1, 1, 1, 1), types: Int32Array.of(0, 0) },
            { cutoff: 2 },
          ),
        domain(/^targets: argument pos = points 0 and 1 at distance 0 .*distinct points/),
      ],
    ] as [string, () => unknown, (e: unknown) => boolean][])
      assert.throws(fn, ok, what);
  });

  it("randomCloud: n points in the ball of the stated density, pairwise ≥ minDist, species in range, seeded", () => {
    for (const [n, density, minDist, nTypes] of [
      [12, 0.5, 0.7, 2],
      [6, 0.2, 1.2, 3],
      [2, 1, 0.1, 1],
    ]) {
      const c = F.randomCloud(rng(3), { n, density, minDist, nTypes });
      const radius = Math.cbrt((3 * n) / (4 * Math.PI * density));
      assert.equal(c.pos.length, 3 * n);
      for (let i = 0; i < n; i++) {
        assert.ok(
          Math.hypot(c.pos[3 * i], c.pos[3 * i + 1], c.pos[3 * i + 2]) <= radius,
          "inside the ball",
        );
        for (let j = 0; j < i; j++) {
          const d = Math.hypot(
            c.pos[3 * i] - c.pos[3 * j],
            c.pos[3 * i + 1] - c.pos[3 * j + 1],
            c.pos[3 * i + 2] - c.pos[3 * j + 2],
          );
          assert.ok(d >= minDist, `pair ${i},${j} at ${d}`);
        }
      }
      assert.ok(Array.from(c.types).every((t) => Number.isInteger(t) && t >= 0 && t < nTypes));
      assert.deepEqual(F.randomCloud(rng(3), { n, density, minDist, nTypes }), c);
    }
    const many = F.randomCloud(rng(4), { n: 40 });
    assert.ok(new Set(many.types).size === 2, "both default species occur");
    const g = F.randomCloud(rng(5), { n: 30, density: 0.8, genericRadius: 2.2 });
    const gr = F.radiusGraph(g.pos, 2.2);
    assert.ok(Math.min(...F.inDegree(gr)) >= 3);
    for (const [what, o, re] of [
      ["n = 1", { n: 1 }, /^randomCloud: argument n = 1 .*an integer ≥ 2/],
      ["n = 2.5", { n: 2.5 }, /argument n = 2\.5/],
      ["density 0", { n: 4, density: 0 }, /^randomCloud: argument density = 0/],
      ["genericRadius 0", { n: 4, genericRadius: 0 }, /^randomCloud: argument genericRadius = 0/],
      [
        "minDist too large",
        { n: 5, density: 1, minDist: 3 },
        /^randomCloud: argument minDist = 3 .*small enough to fit 5 points at density 1/,
      ],
      [
        "generic impossible",
        { n: 3, density: 0.5, genericRadius: 0.5 },
        /^randomCloud: argument density = 0\.5 .*generic neighbourhoods/,
      ],
    ] as [string, F.CloudOptions, RegExp][])
      assert.throws(() => F.randomCloud(rng(1), o), domain(re), what);
    const d = F.makeDataset(3, 7, { n: 5 }, { cutoff: 2 });
    assert.equal(d.clouds.length, 3);
    d.clouds.forEach((c, k) => assert.deepEqual(d.targets[k], F.targets(c, { cutoff: 2 })));
    for (const count of [0, 1.5])
      assert.throws(
        () => F.makeDataset(count, 1, { n: 3 }, { cutoff: 2 }),
        domain(/^makeDataset: argument count/),
      );
  });
});

describe("frames (mutants 3): nn layers and dataset statistics by hand", () => {
  before(async () => {
    await init();
  });
  it("glorot draws U(−a, a), a = gain·√(6/(fanIn + fanOut)), from the documented stream; Dense and MLP", () => {
    const w = F.glorot(3, 5, rng(2), 0.5),
      r = rng(2),
      a = 0.5 * Math.sqrt(6 / 8);
    assert.equal(w.length, 15);
    w.forEach((v) => close(v, Math.fround((2 * r.uniform() - 1) * a), 1e-7, "draw"));
    const d = new F.Dense(rng(2), 3, 5, { gain: 0.5 });
    assert.deepEqual(Array.from(d.w.dataSync()), Array.from(w));
    assert.deepEqual(Array.from(d.b!.dataSync()), [0, 0, 0, 0, 0]);
    assert.equal(new F.Dense(rng(1), 2, 2, { bias: false }).b, undefined);
    assert.deepEqual(
      Array.from(new F.Dense(rng(2), 3, 5).w.dataSync()),
      Array.from(F.glorot(3, 5, rng(2))),
    );
    const x = tf.tensor2d([[1, 2, 3]]);
    const y = d.apply(x).dataSync(),
      W = d.w.arraySync() as number[][];
    for (let j = 0; j < 5; j++) close(y[j], W[0][j] + 2 * W[1][j] + 3 * W[2][j], 1e-6, `y[${j}]`);
    assert.throws(() => d.apply(tf.tensor2d([[1, 2]])), shape(/^Dense input: .*\[n, 3\]/));
    for (const [fi, fo, re] of [
      [0, 2, /^Dense: argument fanIn = 0 .*an integer ≥ 1/],
      [1.5, 2, /fanIn = 1\.5/],
      [2, 0, /^Dense: argument fanOut = 0 .*an integer ≥ 1/],
      [2, 2.5, /fanOut = 2\.5/],
    ] as [number, number, RegExp][]) {
      assert.throws(() => new F.Dense(rng(1), fi, fo), domain(re));
    }
    new F.Dense(rng(1), 1, 1).w.dispose();
    // MLP: Dense → SiLU → Dense; lastGain scales only the last layer's draws
    const m = new F.MLP(rng(4), [2, 3, 1], { lastGain: 0.1 });
    const r4 = rng(4),
      l0 = F.glorot(2, 3, r4, 1),
      l1 = F.glorot(3, 1, r4, 0.1);
    assert.deepEqual(Array.from(m.layers[0].w.dataSync()), Array.from(l0));
    assert.deepEqual(Array.from(m.layers[1].w.dataSync()), Array.from(l1));
    const h = [0, 1, 2].map((j) => 0.5 * l0[j] - 1 * l0[3 + j]).map((z) => z / (1 + Math.exp(-z)));
    close(
      m.apply(tf.tensor2d([[0.5, -1]])).dataSync()[0],
      h.reduce((s, v, j) => s + v * l1[j], 0),
      1e-6,
      "MLP",
    );
    const m1 = new F.MLP(rng(4), [2, 3]); // one layer: no activation at all
    const l = F.glorot(2, 3, rng(4));
    close(
      m1.apply(tf.tensor2d([[1, 0]])).dataSync()[2],
      l[2],
      1e-7,
      "no SiLU after the last layer",
    );
    assert.equal(F.countParams(m.variables), 2 * 3 + 3 + 3 * 1 + 1);
    assert.throws(() => new F.MLP(rng(1), [3]), shape(/^MLP sizes: .*at least \[in, out\]/));
    close(F.silu(tf.scalar(1)).dataSync()[0], 1 / (1 + Math.exp(-1)), 1e-6, "silu");
  });

  it("targetScales are population variances; speciesReference solves the per-species least squares", () => {
    const mk = (types: number[], energy: number) => ({
      pos: new Float64Array(3 * types.length),
      types: Int32Array.from(types),
      energy,
    });
    const rows = [mk([0, 0, 1], 0), mk([0, 1, 1], 0), mk([1, 1, 1, 1], 0), mk([0], 0)];
    // energies exactly Σ_t n_t e_t with e = (−2, 3)
    rows.forEach((c) => {
      c.energy = Array.from(c.types).reduce((s, t) => s + (t ? 3 : -2), 0);
    });
    const ds = {
      clouds: rows.map((c) => ({ pos: c.pos, types: c.types })),
      targets: rows.map((c) => ({
        energy: c.energy,
        forces: Float64Array.of(1, -1, 3),
        tensor: new Float64Array(9),
      })),
    };
    const ref = F.speciesReference(ds as F.Dataset);
    close(ref[0], -2, 1e-7, "e₀");
    close(ref[1], 3, 1e-7, "e₁");
    const ref3 = F.speciesReference(ds as F.Dataset, 3);
    assert.equal(ref3.length, 3);
    close(ref3[1], 3, 1e-7, "e₁ with an absent third species");
    close(Math.abs(ref3[2]), 0, 1e-7, "absent species → 0");
    const s = F.targetScales(ds as F.Dataset);
    const E = ds.targets.map((t) => t.energy),
      mE = E.reduce((a, b) => a + b, 0) / 4;
    close(s.energy, E.reduce((a, b) => a + (b - mE) ** 2, 0) / 4, 1e-14, "energy variance (1/n)");
    close(s.forces, ((1 - 1) ** 2 + (-1 - 1) ** 2 + (3 - 1) ** 2) / 3, 1e-14, "forces variance"); // same three values per cloud
    assert.equal(s.tensor, 1e-12); // all zero: floored
  });
});

describe("frames (mutants 3): makeBatch's remaining texts and boundaries (from the re-run)", () => {
  before(async () => {
    await init();
  });
  const c1 = { pos: Float64Array.of(0, 0, 0, 0, 0, 1.5), types: Int32Array.of(1, 1) };
  it("the 'got' part of each shape refusal, the distinctness threshold relative to the cutoff", () => {
    assert.throws(() => F.makeBatch([], { cutoff: 2 }), shape(/at least one cloud.*\[0\]/));
    assert.throws(() => F.makeBatch([c1], { cutoff: 2 }, []), shape(/1 \(one per cloud\).*\[0\]/));
    assert.throws(
      () => F.makeBatch([{ pos: new Float64Array(0), types: new Int32Array(0) }], { cutoff: 2 }),
      shape(/at least one atom.*\[0\]/),
    );
    assert.throws(
      () =>
        F.makeBatch([{ pos: Float64Array.of(0, 0, 0, 1, 1), types: Int32Array.of(0, 0) }], {
          cutoff: 2,
        }),
      shape(/length 6 \(3 per atom\).*\[5\]/),
    );
    // distinct means > 1e-9·cutoff apart: at cutoff 10, 2e-8 is fine and 0.5e-8 is not
    F.makeBatch([{ pos: Float64Array.of(0, 0, 0, 2e-8, 0, 0), types: Int32Array.of(0, 0) }], {
      cutoff: 10,
    }).dispose();
    assert.throws(
      () =>
        F.makeBatch([{ pos: Float64Array.of(0, 0, 0, 0.5e-8, 0, 0), types: Int32Array.of(0, 0) }], {
          cutoff: 10,
        }),
      domain(/distinct points/),
    );
  });
  it("a rank-2 node gets the mask [1, 1, 0]; edgeGeometry needs all three coordinates equal to call two nodes coincident", () => {
    // three atoms in a plane, all within the cutoff: planar neighbourhoods have frame rank 2
    const tri = {
      pos: Float64Array.of(0, 0, 0, 1, 0.2, 0, 0.3, 1.1, 0),
      types: Int32Array.of(0, 1, 0),
    };
    const b = F.makeBatch([tri], { cutoff: 3, nTypes: 2 });
    try {
      const rk = Array.from(b.frameRank);
      assert.ok(rk.includes(2), `${rk}`);
      assert.deepEqual(
        Array.from(b.fallback.mask.dataSync()),
        rk.flatMap((k) => [+(k >= 1), +(k >= 2), +(k >= 3)]),
      );
      const p = Array.from(tri.pos);
      for (const [k, v] of [
        [3, 0],
        [4, 0],
        [5, 0],
      ] as const) {
        // move one coordinate of node 1 onto node 0's
        const q = p.slice();
        q[k] = v;
        F.edgeGeometry(b, tf.tensor2d(q, [3, 3])); // never all three equal: accepted
      }
      const q = p.slice();
      q[3] = 0;
      q[4] = 0; // node 1 = node 0
      assert.throws(() => F.edgeGeometry(b, tf.tensor2d(q, [3, 3])), domain(/coincident/));
      const r = p.slice();
      r[6] = 1;
      r[7] = 0.2; // node 2 = node 1 (nodes 1 and 2, not node 0)
      assert.throws(
        () => F.edgeGeometry(b, tf.tensor2d(r, [3, 3])),
        domain(/nodes [12], [12] of edge/),
      );
    } finally {
      b.dispose();
    }
  });
});
