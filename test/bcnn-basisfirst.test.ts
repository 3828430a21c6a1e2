// Issue #14 (session 5): the factorised ("basis-first") B-conv paths, impl "basis" (mixing order
// by order) and "basisDense" (one dense mixing matrix), against the filter-bank path on random
// inputs and weights: forward outputs, per-order powers and gradients (input and every weight)
// for every B-layer kind notebook 05 uses, plus whole networks; the per-order layout, a
// negative control that crosses orders, tensor leaks.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { bcnn, DomainError, init, ShapeError } from "besselbook";

const { BesselConv2D } = bcnn;

/** max |a − b| / max(max |b|, tiny): relative error against the reference path. */
function relErr(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const d = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    const s = tf.max(tf.abs(b)).dataSync()[0];
    return d / Math.max(s, 1e-30);
  });
}

type LayerArgs = ConstructorParameters<typeof BesselConv2D>[0];

/**
 * The B-layer kinds of notebook 05 (paper basis, steerable σ 0.8 and σ 1), first layer and later.
 */
const KINDS: [string, Omit<LayerArgs, "impl">][] = [
  ["paper, modulus", { filters: 6, kernelSize: 5, oversample: 2, response: "modulus" }],
  [
    "steerable σ0.8, modulus",
    {
      filters: 7,
      kernelSize: 5,
      oversample: 2,
      response: "modulus",
      basis: "steerable",
      steerSigma: 0.8,
    },
  ],
  [
    "steerable σ1, modulus",
    {
      filters: 7,
      kernelSize: 5,
      oversample: 2,
      response: "modulus",
      basis: "steerable",
      steerSigma: 1,
    },
  ],
  ["paper, power, valid", { filters: 4, kernelSize: 5, oversample: 2, padding: "valid" }],
  ["paper, zeroOrderImag", { filters: 3, kernelSize: 5, zeroOrderImag: true }],
  ["paper, reflection invariant", { filters: 3, kernelSize: 3, reflectionInvariant: true }],
];

describe('bcnn basis-first B-conv (impl "basis" per order, "basisDense") equals the filter-bank path', () => {
  before(async () => {
    await init({ quiet: true });
  });

  for (const impl of ["basis", "basisDense"] as const)
    for (const [label, args] of KINDS) {
      for (const cIn of [1, 5]) {
        it(`${impl}: ${label}, C_in = ${cIn}: forward, per-order power and gradients`, () => {
          const seed = 7 + cIn;
          const bank = new BesselConv2D({ ...args, impl: "conv", seed });
          const fact = new BesselConv2D({ ...args, impl, seed });
          const x = tf.randomNormal([3, 12, 12, cIn], 0, 1, "float32", 11) as tf.Tensor4D;
          const yb = bank.forward(x);
          const yf = fact.forward(x);
          // same initialisation: identical weights, not just equal in distribution
          const wb = bank.getWeights();
          const wf = fact.getWeights();
          assert.equal(wb.length, wf.length);
          wb.forEach((w, i) =>
            assert.deepEqual(Array.from(w.dataSync()), Array.from(wf[i].dataSync())),
          );
          assert.equal(bank.countParams(), fact.countParams());
          // random (non-initial) weights, bias included, so that every coefficient matters
          const rnd = wb.map((w, i) => tf.randomNormal(w.shape, 0, 0.3, "float32", 100 + i));
          bank.setWeights(rnd);
          fact.setWeights(rnd);
          const e0 = relErr(yf, yb);
          assert.ok(e0 < 2e-5, `initial forward rel err ${e0}`);
          const e1 = relErr(fact.forward(x), bank.forward(x));
          assert.ok(e1 < 2e-5, `forward rel err ${e1}`);
          const e2 = relErr(fact.orderPower(x), bank.orderPower(x));
          assert.ok(e2 < 2e-5, `orderPower rel err ${e2}`);
          // gradients of a non-symmetric scalar loss w.r.t. the input and every trainable weight
          const probe = tf.randomNormal(yb.shape, 0, 1, "float32", 5);
          const grads = (layer: InstanceType<typeof BesselConv2D>) => {
            const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
            const f = () => tf.sum(tf.mul(layer.forward(x), probe)) as tf.Scalar;
            const gx = tf.grad((xx: tf.Tensor) =>
              tf.sum(tf.mul(layer.forward(xx as tf.Tensor4D), probe)),
            )(x);
            const { grads: g } = tf.variableGrads(f, vars);
            return [gx, ...vars.map((v) => g[v.name])];
          };
          const gb = grads(bank);
          const gf = grads(fact);
          assert.equal(gb.length, gf.length);
          gb.forEach((g, i) => {
            const e = relErr(gf[i], g);
            assert.ok(e < 5e-5, `gradient ${i} rel err ${e}`);
          });
          // a wrong mixing map would not pass: perturb one coefficient in one path only
          const w2 = rnd.map((w) => w.clone());
          const first = w2[0].bufferSync();
          first.set(first.get(0, 0) + 0.5, 0, 0);
          fact.setWeights([first.toTensor(), ...w2.slice(1)]);
          assert.ok(
            relErr(fact.forward(x), bank.forward(x)) > 1e-3,
            "a changed coefficient must change the output",
          );
          [bank, fact].forEach((l) => l.dispose());
          tf.dispose([x, yb, yf, probe, ...rnd, ...w2, ...gb, ...gf]);
        });
      }
    }

  it("whole notebook-05 networks (paper, steerable σ 0.8 and σ 1; per-order and dense) give the same logits and loss gradients", () => {
    const specs = bcnn.notebook05Specs({ blur: 0.8 });
    for (const [name, bconv] of [
      ["bcnnPaper", "basis"],
      ["bcnnSteer", "basis"],
      ["bcnnSteer1", "basis"],
      ["bcnnPaper", "basisDense"],
      ["bcnnSteer", "basisDense"],
      ["bcnnSteer1", "basisDense"],
    ] as const) {
      const a = bcnn.buildNet({ ...specs[name], seed: 3, bconv: "bank" });
      const b = bcnn.buildNet({ ...specs[name], seed: 3, bconv });
      const x = tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 9);
      const e = relErr(b.predict(x) as tf.Tensor, a.predict(x) as tf.Tensor);
      assert.ok(e < 1e-4, `${name} logits rel err ${e}`);
      const loss = (m: tf.LayersModel) => () =>
        tf.sum(tf.square(m.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
      const ga = tf.variableGrads(
        loss(a),
        a.trainableWeights.map((w) => w.read() as tf.Variable),
      ).grads;
      const gb = tf.variableGrads(
        loss(b),
        b.trainableWeights.map((w) => w.read() as tf.Variable),
      ).grads;
      // error relative to the largest gradient entry of the network: a conv bias followed by batch
      // norm has a gradient that is zero up to rounding, so a per-tensor relative error is noise
      const pairs = a.trainableWeights.map((w, i) => [
        ga[(w.read() as tf.Variable).name],
        gb[(b.trainableWeights[i].read() as tf.Variable).name],
      ]);
      const scale = Math.max(...pairs.map(([g]) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0])));
      pairs.forEach(([g1, g2], i) => {
        const d = tf.tidy(() => tf.max(tf.abs(tf.sub(g1, g2))).dataSync()[0]);
        assert.ok(
          d / scale < 1e-4,
          `${name} grad of ${a.trainableWeights[i].name}: max diff ${d} vs scale ${scale}`,
        );
      });
      assert.ok(
        bcnn.convMacs({ ...specs[name], bconv }) < bcnn.convMacs({ ...specs[name], bconv: "bank" }),
        `${name}: fewer MACs`,
      );
      a.dispose();
      b.dispose();
      tf.dispose([x, ...Object.values(ga), ...Object.values(gb)]);
    }
  });

  it("per-order layout: each block holds one order's images and responses; the dense mixing is zero across orders", () => {
    for (const [label, args] of KINDS) {
      const layer = new BesselConv2D({ ...args, impl: "basis", seed: 1 });
      const dense = new BesselConv2D({ ...args, impl: "basisDense", seed: 1 });
      const x0 = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D;
      tf.dispose([layer.forward(x0), dense.forward(x0), x0]); // builds both
      const { images, blocks } = layer.basisLayout();
      const modes = layer.basis.modes;
      assert.equal(blocks.length, layer.orders, label);
      for (const b of blocks) {
        for (let n = b.n0; n < b.n0 + b.images; n++)
          assert.equal(modes[images[n].m].nu, b.nu, `${label}: image ${n} in block ν = ${b.nu}`);
        for (let r = b.r0; r < b.r0 + b.responses; r++)
          assert.equal(layer.channels[r].nu, b.nu, `${label}: response ${r} in block ν = ${b.nu}`);
      }
      // the dense mixing weights G·w of a random w: every entry that crosses orders is exactly 0,
      // and the per-order blocks hold exactly the dense matrix's within-order entries
      const dt = dense.basisFirstTensors();
      const bt = layer.basisFirstTensors();
      assert.equal(dt.mixMaps.length, 1);
      assert.equal(bt.mixMaps.length, blocks.length);
      const w = tf.randomNormal([dt.mixMaps[0].shape[1], 2 * layer.filters], 0, 1, "float32", 3);
      const N = images.length;
      const R = layer.channels.length;
      const dm = tf.tidy(() => tf.matMul(dt.mixMaps[0], w).arraySync()) as number[][];
      const bm = bt.mixMaps.map((g) => tf.tidy(() => tf.matMul(g, w).arraySync()) as number[][]);
      // the dense path's filter holds the same images in the same order as the blocks' filters
      const df = dt.filters[0].arraySync() as number[][][][];
      bt.filters.forEach((f, bi) => {
        const fa = f.arraySync() as number[][][][];
        fa.forEach((row, y) =>
          row.forEach((col, x) =>
            col[0].forEach((v, i) => assert.equal(v, df[y][x][0][blocks[bi].n0 + i])),
          ),
        );
      });
      let crossing = 0;
      let nonzeroWithin = 0;
      for (let n = 0; n < N; n++) {
        for (let r = 0; r < R; r++) {
          const row = dm[n * R + r];
          if (modes[images[n].m].nu !== layer.channels[r].nu)
            crossing += row.filter((v) => v !== 0).length;
          else {
            const bi = blocks.findIndex((bb) => bb.nu === layer.channels[r].nu);
            const b = blocks[bi];
            assert.deepEqual(
              bm[bi][(n - b.n0) * b.responses + (r - b.r0)],
              row,
              `${label}: block entry (${n}, ${r})`,
            );
            nonzeroWithin += row.filter((v) => v !== 0).length;
          }
        }
      }
      assert.equal(crossing, 0, `${label}: the dense mixing crosses orders`);
      assert.ok(nonzeroWithin > 0, label);
      w.dispose();
      layer.dispose();
      dense.dispose();
    }
  });

  it("negative control: a mixing that crosses orders (every block's image window shifted by one) fails the equality", () => {
    // an off-by-one in the block boundaries: block b convolves images n0+1 … n0+N_b (the last one
    // of the next order; the last block wraps to image 0) with its own order's weights. Every shape
    // is unchanged, so only the equality can catch it.
    for (const [label, args] of KINDS.slice(0, 3)) {
      const bank = new BesselConv2D({ ...args, impl: "conv", seed: 4 });
      const fact = new BesselConv2D({ ...args, impl: "basis", seed: 4 });
      const dense = new BesselConv2D({ ...args, impl: "basisDense", seed: 4 });
      const x = tf.randomNormal([2, 10, 10, 3], 0, 1, "float32", 12) as tf.Tensor4D;
      const yb = bank.responses(x);
      const yf = fact.responses(x);
      tf.dispose(dense.forward(x));
      const { mixMaps, blocks, w } = fact.basisFirstTensors();
      const all = dense.basisFirstTensors().filters[0];
      const N = all.shape[3];
      const windows = (shift: number) =>
        blocks.map(
          (b) =>
            tf.gather(
              all,
              Array.from({ length: b.images }, (_, i) => (b.n0 + i + shift) % N),
              3,
            ) as tf.Tensor4D,
        );
      const [B, H, W] = x.shape;
      const via = (shift: number) =>
        tf.tidy(() =>
          bcnn
            .basisFirstResponses(x, windows(shift), mixMaps, w(), fact.filters, "same")
            .reshape([B, H, W, fact.channels.length, fact.filters]),
        );
      const y0 = via(0);
      const y1 = via(1);
      const ok = relErr(yf, yb);
      const ok0 = relErr(y0, yb);
      const bad = relErr(y1, yb);
      assert.ok(ok < 2e-5 && ok0 < 2e-5, `${label}: correct blocks ${ok}, rebuilt windows ${ok0}`);
      assert.ok(
        bad > 1e-2,
        `${label}: crossed blocks must not match the filter bank (rel err ${bad})`,
      );
      // inconsistent constants are rejected with typed errors, not computed
      const wz = tf.zeros([mixMaps[0].shape[1], 3 * fact.filters]) as tf.Tensor2D;
      const f0 = fact.basisFirstTensors().filters;
      assert.throws(
        () => bcnn.basisFirstResponses(x, f0.slice(1), mixMaps, wz, fact.filters, "same"),
        DomainError,
      );
      assert.throws(
        () => bcnn.basisFirstResponses(x, f0, mixMaps, wz, fact.filters + 1, "same"),
        ShapeError,
      );
      const g1 = tf.zeros([mixMaps[0].shape[0], mixMaps[0].shape[1] + 1]) as tf.Tensor2D;
      assert.throws(
        () => bcnn.basisFirstResponses(x, f0, [g1, ...mixMaps.slice(1)], wz, fact.filters, "same"),
        ShapeError,
      );
      [bank, fact, dense].forEach((l) => l.dispose());
      tf.dispose([x, yb, yf, y0, y1, wz, g1]);
    }
  });

  it("per-order path: no tensor leak in forward + gradients, and dispose frees its constants", () => {
    const args = KINDS[0][1];
    const x = tf.randomNormal([2, 12, 12, 3], 0, 1, "float32", 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const layer = new BesselConv2D({ ...args, impl: "basis", seed: 2 });
    tf.dispose(layer.forward(x)); // builds: weights + kept constants
    const built = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(layer.forward(x))) as tf.Scalar,
        vars,
      );
      const gx = tf.grad((xx: tf.Tensor) => tf.sum(layer.forward(xx as tf.Tensor4D)))(x);
      tf.dispose([value, gx, ...Object.values(grads)]);
      tf.dispose([layer.orderPower(x), layer.responses(x)]);
      assert.equal(tf.memory().numTensors, built, `round ${k}`);
    }
    layer.dispose();
    assert.equal(tf.memory().numTensors, before, "dispose leaves no tensor behind");
    x.dispose();
  });

  it("per-order mixing has fewer MACs than the dense mixing (paper basis ≥ 5× fewer in the mix)", () => {
    const specs = bcnn.notebook05Specs({ blur: 0.8 });
    const layer = new BesselConv2D({ filters: 6, kernelSize: 5, oversample: 2 });
    const mix = (impl: "basis" | "basisDense") =>
      layer.basisLayout(impl).blocks.reduce((s, b) => s + b.images * b.responses, 0);
    // paper basis, K = 5: N·R dense vs Σ_ν N_ν·R_ν per order (expected ≈ 6×, see layer.ts)
    assert.ok(
      mix("basisDense") / mix("basis") > 5,
      `dense ${mix("basisDense")} vs per order ${mix("basis")}`,
    );
    for (const name of ["bcnnPaper", "bcnnSteer", "bcnnSteer1"] as const) {
      const o = bcnn.convMacs({ ...specs[name], bconv: "basis" });
      const d = bcnn.convMacs({ ...specs[name], bconv: "basisDense" });
      assert.ok(o < d, `${name}: per order ${o} < dense ${d}`);
    }
  });

  it("both factorised paths round-trip through their config (same impl, bit-identical outputs) and keep quarter-turn invariance", () => {
    for (const impl of ["basis", "basisDense"] as const) {
      const L = new BesselConv2D({ ...KINDS[0][1], impl, seed: 6 });
      const x = tf.randomNormal([2, 12, 12, 3], 0, 1, "float32", 8) as tf.Tensor4D;
      const y = L.forward(x);
      const cfg = L.getConfig();
      assert.equal(cfg.impl, impl);
      const L2 = BesselConv2D.fromConfig(BesselConv2D, cfg) as InstanceType<typeof BesselConv2D>;
      const y2a = L2.forward(x); // builds L2
      L2.setWeights(L.getWeights());
      const y2 = L2.forward(x);
      assert.equal(L2.impl, impl);
      assert.deepEqual(Array.from(y2.dataSync()), Array.from(y.dataSync()));
      // 90° turns of the input turn the output field exactly (to float32 rounding)
      const e = bcnn.rot90Error((t) => L.apply(t) as tf.Tensor, x);
      assert.ok(e < 1e-5, `${impl}: rot90 error ${e}`);
      [L, L2].forEach((l) => l.dispose());
      tf.dispose([x, y, y2a, y2]);
    }
  });

  it("rejects a bad impl / bconv with a typed error", () => {
    assert.throws(
      () => new BesselConv2D({ filters: 2, kernelSize: 5, impl: "fft" as never }),
      DomainError,
    );
    const spec = bcnn.defaultBcnnSpec();
    assert.throws(() => bcnn.buildNet({ ...spec, bconv: "fast" as never }), DomainError);
    assert.throws(() => bcnn.buildNet({ ...spec, kind: "cnn", bconv: "basis" }), DomainError);
    assert.throws(() => bcnn.buildNet({ ...spec, kind: "cnn", bconv: "basisDense" }), DomainError);
  });

  it("notebook 05 (final session-5 choice): paper basis mixed per order, steerable arms on the dense mixing", () => {
    const s = bcnn.notebook05Specs({ blur: 0.8 });
    assert.equal(s.bcnnPaper.bconv, "basis");
    assert.equal(s.bcnnSteer.bconv, "basisDense");
    assert.equal(s.bcnnSteer1.bconv, "basisDense");
    // the matched baselines are built from the paper spec without its B-conv path
    assert.equal(s.cnn.bconv, undefined);
    assert.equal(s.c4.bconv, undefined);
    assert.equal(bcnn.countParams(s.bcnnPaper), bcnn.countParams(bcnn.defaultBcnnSpec()));
  });
});

describe("bcnn session 5: probes switch and the Node version in the cache keys", () => {
  const P0 = {
    glyphTrain: 8,
    glyphEpochs: 1,
    glyphTest: 4,
    fashionTrain: 8,
    fashionEpochs: 1,
    fashionTest: 4,
    batch: 4,
    lr: 0.01,
    angleStepDeg: 45,
    nProbe: 2,
    nEq: 2,
    augment: true,
    blur: 0.8,
    dataSeed: 1,
    supersample: 2,
  };
  let dir: string;
  let prev: string | undefined;
  before(async () => {
    await init({ quiet: true });
    prev = process.env.BESSELBOOK_CACHE;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-s5-"));
    process.env.BESSELBOOK_CACHE = dir;
  });
  after(() => {
    if (prev === undefined) delete process.env.BESSELBOOK_CACHE;
    else process.env.BESSELBOOK_CACHE = prev;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("augmented and Fashion runs skip the probes: same keys (empty), same accuracies", async () => {
    const cfgs = bcnn.notebook05Configs(P0);
    assert.equal(cfgs["glyphs/cnn/aug"].probes, false);
    assert.equal(cfgs["fashion/cnn/upright"].probes, false);
    assert.equal(cfgs["glyphs/cnn/upright"].probes, undefined);
    const off = await bcnn.trainSeed(cfgs["glyphs/cnn/aug"], 2);
    const on = await bcnn.trainSeed({ ...cfgs["glyphs/cnn/aug"], probes: true }, 2);
    assert.deepEqual(Object.keys(off).sort(), Object.keys(on).sort());
    assert.deepEqual(off.featureChangeUntrained, []);
    assert.ok((on.featureChangeUntrained as number[]).length > 0);
    assert.deepEqual(off.acc, on.acc);
    await assert.rejects(
      bcnn.trainSeed({ ...cfgs["glyphs/cnn/aug"], probes: "no" as never }, 2),
      DomainError,
    );
  });

  it("a different Node version misses the run cache", async () => {
    const all = bcnn.notebook05Configs({ ...P0, augment: false });
    const cfg = { "glyphs/cnn/upright": all["glyphs/cnn/upright"] };
    const first = await bcnn.runExperiments(cfg, [0], { workers: 1 });
    const again = await bcnn.runExperiments(cfg, [0], { workers: 1 });
    assert.deepEqual([first.ran, again.loaded], [1, 1]);
    const real = process.version;
    Object.defineProperty(process, "version", { value: "v0.0.0-test", configurable: true });
    try {
      const other = await bcnn.runExperiments(cfg, [0], { workers: 1 });
      assert.equal(other.ran, 1, "the run cache key must change with the Node version");
    } finally {
      Object.defineProperty(process, "version", { value: real, configurable: true });
    }
  });
});

describe("bcnn review s5-14: garbage-in on the factorised paths, impl with bconv, run-cache key", () => {
  before(async () => {
    await init({ quiet: true });
  });

  it("an empty batch gives an empty output of the right shape on every path (finding 4)", () => {
    for (const impl of ["conv", "basis", "basisDense"] as const) {
      for (const padding of ["same", "valid"] as const) {
        const L = new BesselConv2D({
          filters: 3,
          kernelSize: 5,
          oversample: 2,
          impl,
          padding,
          seed: 2,
        });
        const w = tf.randomNormal([1, 8, 8, 2], 0, 1, "float32", 3) as tf.Tensor4D;
        tf.dispose(L.forward(w)); // build for C_in = 2
        const empty = tf.zeros([0, 8, 8, 2]) as tf.Tensor4D;
        const y = L.forward(empty);
        const side = padding === "same" ? 8 : 4;
        assert.deepEqual(y.shape, [0, side, side, 3], `${impl}/${padding}`);
        const r = L.responses(empty);
        assert.deepEqual(
          r.shape,
          [0, side, side, L.channels.length, 3],
          `${impl}/${padding} responses`,
        );
        L.dispose();
        tf.dispose([w, empty, y, r]);
      }
    }
  });

  it("an input with zero channels is refused by both conv layers, naming the input (second review s5-14b finding 6)", () => {
    const zeroC = tf.zeros([1, 8, 8, 0]) as tf.Tensor4D;
    for (const impl of ["conv", "basis", "basisDense"] as const) {
      const L = new BesselConv2D({
        filters: 3,
        kernelSize: 5,
        oversample: 2,
        impl,
        seed: 2,
        name: `bz_${impl}`,
      });
      assert.throws(
        () => L.forward(zeroC),
        (e: unknown) => e instanceof ShapeError && e.message.includes(`bz_${impl} input`),
        impl,
      );
      assert.equal(L.built, false, `${impl}: not built from a zero-channel input`);
    }
    const P = new bcnn.PlainConv2D({ filters: 3, kernelSize: 5, seed: 2, name: "pz" });
    assert.throws(
      () => P.forward(zeroC),
      (e: unknown) => e instanceof ShapeError && e.message.includes("pz input"),
    );
    // the control: one channel builds and runs
    const one = tf.ones([1, 8, 8, 1]) as tf.Tensor4D;
    const Q = new BesselConv2D({
      filters: 3,
      kernelSize: 5,
      oversample: 2,
      impl: "basis",
      seed: 2,
    });
    const y = Q.forward(one);
    assert.deepEqual(y.shape, [1, 8, 8, 3]);
    tf.dispose([zeroC, one, y]);
    Q.dispose();
  });

  it("responses / orderPower / forward with a wrong channel count or a too-small valid input name the layer's input and the caller's shape (finding 4)", () => {
    for (const impl of ["conv", "basis", "basisDense"] as const) {
      const L = new BesselConv2D({
        filters: 3,
        kernelSize: 5,
        oversample: 2,
        impl,
        padding: "valid",
        seed: 2,
        name: `bc_${impl}`,
      });
      const x = tf.randomNormal([1, 8, 8, 2], 0, 1, "float32", 3) as tf.Tensor4D;
      tf.dispose(L.forward(x));
      const wrongC = tf.randomNormal([1, 8, 8, 5], 0, 1, "float32", 4) as tf.Tensor4D;
      const small = tf.randomNormal([1, 3, 3, 2], 0, 1, "float32", 5) as tf.Tensor4D;
      const isLayerShapeError = (shape: string) => (e: unknown) =>
        e instanceof ShapeError &&
        e.message.includes(`bc_${impl} input`) &&
        e.message.includes(shape);
      for (const f of [
        (t: tf.Tensor4D) => L.responses(t),
        (t: tf.Tensor4D) => L.orderPower(t),
        (t: tf.Tensor4D) => L.forward(t),
      ]) {
        assert.throws(() => f(wrongC), isLayerShapeError("[1, 8, 8, 5]"), `${impl}: wrong C_in`);
        assert.throws(
          () => f(small),
          isLayerShapeError("[1, 3, 3, 2]"),
          `${impl}: valid, 3×3 input`,
        );
      }
      L.dispose();
      tf.dispose([x, wrongC, small]);
    }
  });

  it("buildNet / convMacs refuse a bad spec.impl for every kind, and impl ≠ conv with a factorised bconv (finding 5)", () => {
    const paper = bcnn.defaultBcnnSpec();
    const cnn = bcnn.matchedCnnSpec(paper, "cnn");
    for (const spec of [
      paper,
      cnn,
      bcnn.matchedCnnSpec(paper, "c4"),
      { ...paper, bconv: "basis" as const },
    ]) {
      assert.throws(
        () => bcnn.buildNet({ ...spec, impl: "fft" as never }),
        (e: unknown) => e instanceof DomainError && /spec\.impl/.test((e as Error).message),
      );
      assert.throws(() => bcnn.convMacs({ ...spec, impl: "fft" as never }), DomainError);
    }
    for (const bconv of ["basis", "basisDense"] as const) {
      assert.throws(
        () => bcnn.buildNet({ ...paper, bconv, impl: "matmul" }),
        (e: unknown) => e instanceof DomainError && /spec\.impl/.test((e as Error).message),
      );
      assert.throws(() => bcnn.convMacs({ ...paper, bconv, impl: "matmul" }), DomainError);
      // "conv" (what the path does) and undefined are accepted
      assert.ok(bcnn.convMacs({ ...paper, bconv, impl: "conv" }) > 0);
    }
    // the bank path still takes matmul
    assert.ok(bcnn.convMacs({ ...paper, impl: "matmul" }) > 0);
  });

  it("the run-cache key covers everything a run requires: special/, tf.js, tf-layers.js (finding 2)", () => {
    const files = bcnn.runCodeFiles();
    const root = path.dirname(require.resolve("besselbook"));
    const rel = files.map((f) => path.relative(root, f));
    for (const f of [
      "tf.js",
      "tf-layers.js",
      "errors.js",
      path.join("bcnn", "basis.js"),
      path.join("data", "glyphs.js"),
    ]) {
      assert.ok(rel.includes(f), `${f} hashed`);
    }
    assert.ok(
      rel.some((f) => f.startsWith(`special${path.sep}`)),
      `some special/*.js hashed: ${rel.join(", ")}`,
    );
    // every compiled module reachable from the experiment module is hashed, so editing any of them
    // (a special-function fix, say) changes the key
    for (const f of bcnn.requireClosure(path.join(root, "bcnn", "experiment.js")))
      assert.ok(files.includes(f), `${f} in the key`);
    assert.equal(new Set(files).size, files.length, "no file twice");
  });

  it("the backend part of the run-cache key names wasm's SIMD binary and thread count (finding 2)", () => {
    assert.match(bcnn.backendKey(), /^wasm\/(simd|nosimd)\/\d+$/);
  });
});
