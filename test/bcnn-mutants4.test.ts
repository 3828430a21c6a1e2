/**
 * Issue #22, session 7: trainClassifier's augment "pool" (rendered copies of the training set,
 * notebook 05's augRendered arm) — the scope `bcnn-decide` left it uncovered (its only tests,
 * bcnn-renderaug, render glyphs and train for seconds). Public API only, a 4×4 CNN, ≈ 1 CPU-s.
 *
 * References (ours): the documented behaviour in train.ts's TrainOptions — epoch e trains on
 * pool[e mod pool.length] with data's labels and the same batch order; batch-norm calibration
 * uses pool[0]; every pool copy has data's n, image shape and labels. With learning rate 1e-12
 * the weights do not move, so each step's loss is the initial model's loss on the batch the
 * documented order gives (the method of bcnn-mutants3's "each step trains on …" tests).
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { bcnn, init, rng } from "besselbook";
import { isDomainError as domain, isShapeError as shape, closeRel as close } from "./helpers";

/** Deterministic values in [0, 1) (no tfjs RNG involved). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

describe('bcnn (mutants 4): trainClassifier\'s augment "pool"', function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });
  const spec: bcnn.NetSpec = {
    kind: "cnn",
    inputShape: [4, 4, 1],
    widths: [2],
    kernelSizes: [3],
    pool: [false],
    classes: 2,
    seed: 1,
  };
  const labels = (n: number) =>
    Int32Array.from({ length: n }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
  const set = (n: number, seed: number, h = 4, w = 4) => ({
    images: values(n * h * w, seed),
    labels: labels(n),
    n,
    height: h,
    width: w,
    classNames: ["a", "b"],
  });
  type Set = ReturnType<typeof set>;
  const lossOn = (m: tf.LayersModel, s: Set, idx: number[]) =>
    tf.tidy(() => {
      const xb = new Float32Array(idx.length * 16);
      idx.forEach((k, i) => xb.set(s.images.subarray(k * 16, (k + 1) * 16), i * 16));
      const y = tf.oneHot(
        tf.tensor1d(
          idx.map((k) => s.labels[k]),
          "int32",
        ),
        2,
      );
      const out = m.apply(tf.tensor4d(xb, [idx.length, 4, 4, 1]), { training: true }) as tf.Tensor;
      return tf.losses.softmaxCrossEntropy(y, out).dataSync()[0];
    });
  const logits = (m: tf.LayersModel, s: Set) =>
    tf.tidy(() =>
      Array.from((m.predict(tf.tensor4d(s.images, [s.n, 4, 4, 1])) as tf.Tensor).dataSync()),
    );

  it("epoch e trains on pool[e mod pool.length] (images) with data's labels, in the documented order", async () => {
    const n = 7,
      bs = 3,
      seed = 4,
      epochs = 3;
    const data = set(n, 3),
      pool = [set(n, 11), set(n, 12)];
    const m = bcnn.buildNet(spec);
    const got: number[] = [];
    await bcnn.trainClassifier(m, data, {
      epochs,
      batchSize: bs,
      learningRate: 1e-12,
      seed,
      augment: "pool",
      pool,
      calibrationBatches: 0,
      onStep: ({ loss }) => {
        got.push(loss);
      },
    });
    const r = rng(seed),
      want: number[] = [],
      onData: number[] = [],
      onPool0: number[] = [];
    for (let e = 0; e < epochs; e++) {
      const order = Array.from(r.permutation(n));
      for (let st = 0; st < 3; st++) {
        const idx = order.slice(st * bs, st * bs + bs);
        want.push(lossOn(m, pool[e % 2], idx));
        onData.push(lossOn(m, data, idx));
        onPool0.push(lossOn(m, pool[0], idx));
      }
    }
    assert.equal(got.length, 9);
    got.forEach((g, i) => close(g, want[i], 1e-5, `step ${i}`));
    // the test tells the variants apart: training on data, or on pool[0] in every epoch, would
    // give other losses (epoch 1 is the one where pool[0] and pool[1] differ)
    assert.ok(
      got.some((g, i) => Math.abs(g - onData[i]) > 1e-3),
      "not data's images",
    );
    assert.ok(
      got.slice(3, 6).some((g, i) => Math.abs(g - onPool0[3 + i]) > 1e-3),
      "epoch 1: pool[1]",
    );
    // the labels stay data's: a pool copy with permuted labels is refused (below), so the images
    // alone carry the augmentation
    m.dispose();
  });

  it("batch-norm calibration uses pool[0] with seed + 1 (after training and in the until loop)", async () => {
    const n = 7,
      data = set(n, 3),
      pool = [set(n, 21), set(n, 22)];
    const a = bcnn.buildNet(spec),
      b = bcnn.buildNet(spec),
      c = bcnn.buildNet(spec);
    const base = { epochs: 1, batchSize: 3, seed: 5, augment: "pool" as const, pool };
    await bcnn.trainClassifier(a, data, { ...base, calibrationBatches: 2 });
    await bcnn.trainClassifier(b, data, { ...base, calibrationBatches: 0 });
    await bcnn.trainClassifier(c, data, { ...base, calibrationBatches: 0 });
    bcnn.calibrateNorms(b, pool[0], { batches: 2, batchSize: 3, seed: 6 });
    bcnn.calibrateNorms(c, data, { batches: 2, batchSize: 3, seed: 6 });
    const la = logits(a, data),
      lb = logits(b, data),
      lc = logits(c, data);
    la.forEach((v, i) => close(v, lb[i], 1e-6, `logit ${i}`));
    assert.ok(
      lc.some((v, i) => Math.abs(v - la[i]) > 1e-5),
      "calibrating on data is told apart",
    );
    // until: the in-loop calibration (which the final one then skips) also uses pool[0]
    const u = bcnn.buildNet(spec);
    const h = await bcnn.trainClassifier(u, data, {
      ...base,
      calibrationBatches: 2,
      until: { trainAcc: 1e-9, maxEpochs: 2 },
    });
    assert.equal(h.criterionMet, true);
    assert.equal(h.epochs, 1);
    logits(u, data).forEach((v, i) => close(v, la[i], 1e-6, `until logit ${i}`));
    tf.dispose([a, b, c, u] as unknown as tf.TensorContainer);
  });

  it('pool is required with "pool" and refused otherwise; every copy must match data', async () => {
    const n = 4,
      data = set(n, 3),
      m = bcnn.buildNet(spec);
    const run = (o: Partial<bcnn.TrainOptions>) =>
      bcnn.trainClassifier(m, data, {
        epochs: 1,
        batchSize: 2,
        calibrationBatches: 0,
        ...o,
      } as bcnn.TrainOptions);
    const missing =
      /^trainClassifier: argument pool = .*a non-empty array of copies of data \(augment "pool"\)/;
    await assert.rejects(run({ augment: "pool" }), domain(missing));
    await assert.rejects(
      run({ augment: "pool", pool: [] }),
      domain(/^trainClassifier: argument pool = \[\] /),
    );
    await assert.rejects(
      run({ augment: "pool", pool: data as unknown as bcnn.TrainOptions["pool"] }),
      domain(missing),
    );
    for (const augment of ["none", "rotate", undefined] as const) {
      await assert.rejects(
        run({ augment, pool: [data] }),
        domain(/^trainClassifier: argument pool = given .*undefined unless augment is "pool"/),
      );
    }
    await assert.rejects(
      run({ augment: "pools" as "pool", pool: [data] }),
      domain(/^trainClassifier: argument augment = pools .*"none", "rotate" or "pool"/),
    );
    // shape: n, height and width each on their own (images of the same length), named by index
    const bad: [ReturnType<typeof set>, RegExp][] = [
      [
        set(3, 5),
        /^trainClassifier pool\[1\]: expected shape \[4, 4, 4, 1\] \(the shape of data\).*\[3, 4, 4, 1\]/,
      ],
      [set(n, 5, 2, 4), /^trainClassifier pool\[1\]: .*\[4, 2, 4, 1\]/],
      [set(n, 5, 4, 2), /^trainClassifier pool\[1\]: .*\[4, 4, 2, 1\]/],
    ];
    for (const [p, re] of bad)
      await assert.rejects(run({ augment: "pool", pool: [set(n, 4), p] }), shape(re));
    // each copy passes checkSet under its own name
    const short = { ...set(n, 6), images: new Float32Array(10) };
    await assert.rejects(
      run({ augment: "pool", pool: [short] }),
      shape(/^trainClassifier pool\[0\] images/),
    );
    // labels: the first differing one is named, with data's label
    const relabelled = set(n, 7);
    relabelled.labels = Int32Array.from(data.labels);
    relabelled.labels[3] = 1 - relabelled.labels[3];
    await assert.rejects(
      run({ augment: "pool", pool: [set(n, 4), relabelled] }),
      domain(
        new RegExp(
          `^trainClassifier: argument pool\\[1\\]\\.labels\\[3\\] = ${relabelled.labels[3]} .*data\\.labels\\[3\\] = ${data.labels[3]} \\(a copy of data\\)`,
        ),
      ),
    );
    // the property holds: copies with data's shape and labels train (one pool copy is enough)
    const h = await run({ augment: "pool", pool: [set(n, 8)] });
    assert.equal(h.steps, 2);
    m.dispose();
  });

  it('with augment "rotate" the calibration rotates too; calibrationBatches 0 skips it also with until; the refusals\' texts', async () => {
    const n = 7,
      data = set(n, 3);
    const a = bcnn.buildNet(spec),
      b = bcnn.buildNet(spec),
      c = bcnn.buildNet(spec);
    const base = { epochs: 1, batchSize: 3, seed: 5, augment: "rotate" as const };
    await bcnn.trainClassifier(a, data, { ...base, calibrationBatches: 2 });
    await bcnn.trainClassifier(b, data, { ...base, calibrationBatches: 0 });
    await bcnn.trainClassifier(c, data, { ...base, calibrationBatches: 0 });
    bcnn.calibrateNorms(b, data, { batches: 2, batchSize: 3, seed: 6, augment: "rotate" });
    bcnn.calibrateNorms(c, data, { batches: 2, batchSize: 3, seed: 6 });
    const la = logits(a, data),
      lb = logits(b, data),
      lc = logits(c, data);
    la.forEach((v, i) => close(v, lb[i], 1e-6, `rotate-calibrated logit ${i}`));
    assert.ok(
      lc.some((v, i) => Math.abs(v - la[i]) > 1e-5),
      "an unrotated calibration is told apart",
    );
    // calibrationBatches 0 with until: no calibration in the loop nor after it
    const u = bcnn.buildNet(spec),
      v = bcnn.buildNet(spec);
    await bcnn.trainClassifier(u, data, {
      epochs: 1,
      batchSize: 3,
      seed: 5,
      calibrationBatches: 0,
      until: { trainAcc: 1e-9, maxEpochs: 2 },
    });
    await bcnn.trainClassifier(v, data, {
      epochs: 1,
      batchSize: 3,
      seed: 5,
      calibrationBatches: 0,
    });
    assert.deepEqual(logits(u, data), logits(v, data));
    // … and v kept the training's moving averages: one calibration batch afterwards changes them
    const lv = logits(v, data);
    bcnn.calibrateNorms(v, data, { batches: 1, batchSize: 3, seed: 6 });
    assert.ok(
      logits(v, data).some((x, i) => Math.abs(x - lv[i]) > 1e-5),
      "calibrationBatches 0: not calibrated",
    );
    tf.dispose([a, b, c, u, v] as unknown as tf.TensorContainer);
    const m = bcnn.buildNet(spec);
    const run = (o: Partial<bcnn.TrainOptions>, d: Set = data) =>
      bcnn.trainClassifier(m, d, { epochs: 1, ...o } as bcnn.TrainOptions);
    await assert.rejects(
      run({ epochs: -1 }),
      domain(/^trainClassifier: argument epochs = -1 .*an integer ≥ 0/),
    );
    await assert.rejects(
      run({ batchSize: 0 }),
      domain(/^trainClassifier: argument batchSize = 0 .*a positive integer/),
    );
    await assert.rejects(
      run({}, { ...data, labels: Int32Array.from(data.labels, (l, i) => (i === 2 ? 2 : l)) }),
      domain(
        /^trainClassifier: argument data\.labels\[2\] = 2 .*an integer class index in \[0, 2\) \(classNames has 2 entries\)/,
      ),
    );
    await assert.rejects(
      run({ until: { trainAcc: 0, maxEpochs: 2 } }),
      domain(/^trainClassifier: argument until\.trainAcc = 0 .*a number in \(0, 1\]/),
    );
    await assert.rejects(
      run({ epochs: 2, until: { trainAcc: 0.5, maxEpochs: 1 } }),
      domain(/^trainClassifier: argument until\.maxEpochs = 1 .*an integer ≥ epochs \(2\) and ≥ 1/),
    );
    await assert.rejects(
      run({}, { ...data, classNames: ["a"] }),
      domain(/^trainClassifier: argument classNames\.length = 1 .*≥ 2 classes/),
    );
    m.dispose();
  });
});

describe("bcnn (mutants 4): layer.ts's checks, seeds and basis selection", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });
  const x4 = (h: number, w: number, c: number) =>
    tf.tensor4d(values(2 * h * w * c, 9), [2, h, w, c]);

  it("conv2dBy refuses a bad impl, padding, rank, kernel and channel count, each by name", () => {
    const f = tf.tensor4d(values(9 * 2 * 3, 1), [3, 3, 2, 3]);
    const x = x4(4, 4, 2);
    assert.throws(
      () => bcnn.conv2dBy("fft" as "conv", x, f, "same"),
      domain(/^conv2dBy: argument impl = fft .*"conv" or "matmul"/),
    );
    assert.throws(
      () => bcnn.conv2dBy("conv", x, f, "full" as "same"),
      domain(/^conv2dBy: argument padding = full .*"same" or "valid"/),
    );
    assert.throws(
      () => bcnn.conv2dBy("conv", tf.zeros([4, 4, 2]) as unknown as tf.Tensor4D, f, "same"),
      shape(/^conv2dBy input: expected shape \[B, H, W, C\], got \[4, 4, 2\]/),
    );
    assert.throws(
      () => bcnn.conv2dBy("conv", x, tf.zeros([3, 3, 2]) as unknown as tf.Tensor4D, "same"),
      shape(/^conv2dBy filter: expected shape \[K, K, C, O\], got/),
    );
    assert.throws(
      () => bcnn.conv2dBy("matmul", x, tf.zeros([3, 1, 2, 3]) as tf.Tensor4D, "same"),
      shape(/^conv2dBy filter: .*square kernel/),
    );
    assert.throws(
      () => bcnn.conv2dBy("matmul", x4(4, 4, 3), f, "same"),
      shape(/^conv2dBy input: expected shape \[B, H, W, 2\]/),
    );
    // valid padding: H and W ≥ K each on its own; K×K itself is accepted (one output pixel)
    for (const [h, w] of [
      [2, 4],
      [4, 2],
    ]) {
      for (const impl of ["conv", "matmul"] as const) {
        assert.throws(
          () => bcnn.conv2dBy(impl, x4(h, w, 2), f, "valid"),
          shape(
            /^conv2dBy input: expected shape \[B, H ≥ 3, W ≥ 3, C\] for a valid 3×3 convolution/,
          ),
        );
      }
    }
    for (const impl of ["conv", "matmul"] as const)
      assert.deepEqual(bcnn.conv2dBy(impl, x4(3, 3, 2), f, "valid").shape, [2, 1, 1, 3]);
    // same padding on a smaller image is fine (zeros around)
    assert.deepEqual(bcnn.conv2dBy("matmul", x4(2, 2, 2), f, "same").shape, [2, 2, 2, 3]);
  });

  it("tfjsSeed: seed + stream, 0 → 0.5, undefined stays; checkSeed accepts [0, 2^40] integers only", () => {
    assert.equal(bcnn.tfjsSeed(undefined), undefined);
    assert.equal(bcnn.tfjsSeed(0), 0.5);
    assert.equal(bcnn.tfjsSeed(0, 1), 1);
    assert.equal(bcnn.tfjsSeed(7), 7);
    assert.equal(bcnn.tfjsSeed(7, 1), 8);
    for (const bad of [-1, 1.5, NaN])
      assert.throws(
        () => bcnn.tfjsSeed(bad),
        domain(/^tfjsSeed: argument seed = .*an integer ≥ 0 \(or undefined\)/),
      );
    const mk = [
      [
        "BesselConv2D",
        (seed: number) => new bcnn.BesselConv2D({ filters: 1, kernelSize: 3, seed }),
      ],
      ["PlainConv2D", (seed: number) => new bcnn.PlainConv2D({ filters: 1, kernelSize: 3, seed })],
      [
        "C4Conv2D",
        (seed: number) => new bcnn.C4Conv2D({ filters: 1, kernelSize: 3, lifting: true, seed }),
      ],
    ] as [string, (s: number) => unknown][];
    for (const [name, make] of mk) {
      for (const ok of [0, 2 ** 40]) make(ok);
      for (const bad of [-1, 2 ** 40 + 1, 0.5]) {
        assert.throws(
          () => make(bad),
          domain(new RegExp(`^${name}: argument seed = .*an integer in \\[0, 2\\^40\\]`)),
        );
      }
    }
  });

  it("BesselConv2D's options: each refused at its boundary by name, accepted inside", () => {
    const B = (o: Partial<bcnn.BesselConv2DArgs>) =>
      new bcnn.BesselConv2D({ filters: 1, kernelSize: 3, ...o });
    const bad: [Partial<bcnn.BesselConv2DArgs>, RegExp][] = [
      [{ filters: 0 }, /argument filters = 0 .*a positive integer/],
      [{ filters: 1.5 }, /argument filters = 1\.5 /],
      [{ oversample: 0 }, /argument oversample = 0 .*an integer in \[1, 64\]/],
      [{ oversample: 65 }, /argument oversample = 65 /],
      [{ oversample: 1.5 }, /argument oversample = 1\.5 /],
      [{ response: "abs" as "power" }, /argument response = abs .*"power" or "modulus"/],
      [{ padding: "full" as "same" }, /argument padding = full .*"same" or "valid"/],
      [
        { impl: "fft" as "conv" },
        /argument impl = fft .*"conv", "matmul", "basis" or "basisDense"/,
      ],
      [
        { kernelSize: 4 },
        /argument kernelSize = 4 .*an odd positive integer \(the filter needs a centre pixel\)/,
      ],
      [{ kernelSize: -1 }, /argument kernelSize = -1 /],
      [{ kernelSize: 3.5 }, /argument kernelSize = 3\.5 /],
      [{ kMax: 3, basis: "nyquist" }, /argument kMax = 3 .*undefined with basis "nyquist"/],
      [{ steerTol: 0.1 }, /argument steerTol = 0\.1 .*undefined unless basis is "steerable"/],
      [
        { steerSigma: 0.5, basis: "nyquist" },
        /argument steerSigma = 0\.5 .*undefined unless basis is "steerable"/,
      ],
    ];
    for (const [o, re] of bad)
      assert.throws(
        () => B(o),
        domain(new RegExp(`^BesselConv2D: ${re.source}`)),
        JSON.stringify(o),
      );
    // inside: the boundaries and every impl, response, padding
    for (const o of [
      { oversample: 1 },
      { oversample: 64 },
      { kernelSize: 1 },
      { response: "modulus" as const },
      { padding: "valid" as const },
      { impl: "matmul" as const },
      { impl: "basis" as const },
      { impl: "basisDense" as const },
      { kMax: 3 },
      { kMax: 3, basis: "paper" as const },
      { basis: "steerable" as const, steerTol: 0.1, steerSigma: 1, kernelSize: 5, oversample: 2 },
    ])
      B(o);
  });

  it("BesselConv2D selects its modes: kMax → that truncation, else the policy's modes (options passed on)", () => {
    const modes = (L: bcnn.BesselConv2D) => L.basis.modes.map((m) => `${m.nu}/${m.j}`);
    const want = (b: bcnn.FourierBesselBasis) => b.modes.map((m) => `${m.nu}/${m.j}`);
    const K = 5;
    assert.deepEqual(
      modes(new bcnn.BesselConv2D({ filters: 1, kernelSize: K, kMax: 4 })),
      want(bcnn.fourierBesselBasis(K, { kMax: 4 })),
    );
    assert.notDeepEqual(
      modes(new bcnn.BesselConv2D({ filters: 1, kernelSize: K, kMax: 4 })),
      modes(new bcnn.BesselConv2D({ filters: 1, kernelSize: K })),
    );
    for (const policy of ["paper", "nyquist", "steerable"] as const) {
      const L = new bcnn.BesselConv2D({ filters: 1, kernelSize: K, basis: policy, oversample: 2 });
      assert.deepEqual(
        modes(L),
        bcnn.policyModes(K, policy, { oversample: 2 }).map((m) => `${m.nu}/${m.j}`),
        policy,
      );
      assert.equal(L.basis.oversample, 2);
    }
    assert.equal(new bcnn.BesselConv2D({ filters: 1, kernelSize: K }).basisPolicy, "paper");
    // steerTol and steerSigma reach policyModes (as steerTol and sigma)
    const tight = new bcnn.BesselConv2D({
      filters: 1,
      kernelSize: K,
      basis: "steerable",
      oversample: 2,
      steerTol: 0.05,
      steerSigma: 0.8,
    });
    assert.deepEqual(
      modes(tight),
      bcnn
        .policyModes(K, "steerable", { oversample: 2, steerTol: 0.05, sigma: 0.8 })
        .map((m) => `${m.nu}/${m.j}`),
    );
    const loose = new bcnn.BesselConv2D({
      filters: 1,
      kernelSize: K,
      basis: "steerable",
      oversample: 2,
      steerTol: 0.3,
      steerSigma: 0.8,
    });
    const sig = new bcnn.BesselConv2D({
      filters: 1,
      kernelSize: K,
      basis: "steerable",
      oversample: 2,
      steerTol: 0.05,
      steerSigma: 1,
    });
    assert.notDeepEqual(modes(loose), modes(tight), "steerTol changes the modes here");
    assert.notDeepEqual(modes(sig), modes(tight), "steerSigma changes the modes here");
  });

  it("response channels: ν > 0 has re and im; ν = 0 only re unless zeroOrderImag; reflection-invariant: re only", () => {
    const chans = (o: Partial<bcnn.BesselConv2DArgs>) =>
      new bcnn.BesselConv2D({ filters: 1, kernelSize: 5, ...o }).channels.map(
        (c) => `${c.nu}${c.part}`,
      );
    const L = new bcnn.BesselConv2D({ filters: 1, kernelSize: 5 });
    const orders = L.basis.orders;
    assert.ok(orders[0] === 0 && orders.length >= 3);
    assert.deepEqual(
      chans({}),
      orders.flatMap((nu) => (nu === 0 ? ["0re"] : [`${nu}re`, `${nu}im`])),
    );
    assert.deepEqual(
      chans({ zeroOrderImag: true }),
      orders.flatMap((nu) => [`${nu}re`, `${nu}im`]),
    );
    assert.deepEqual(
      chans({ reflectionInvariant: true }),
      orders.flatMap((nu) => (nu === 0 ? ["0re"] : [`${nu}re`, `${nu}im`])),
    );
    assert.equal(L.orders, orders.length);
    // the weights: coeff_im for the modes with an imaginary coefficient only
    const w = (o: Partial<bcnn.BesselConv2DArgs>) => {
      const m = new bcnn.BesselConv2D({ filters: 2, kernelSize: 5, ...o });
      m.build([null, 8, 8, 3]);
      return m.weights.map((v) => `${v.name.split("/").pop()}:${v.shape.join("x")}`);
    };
    const M = L.basis.modes.length,
      M0 = L.basis.modes.filter((m) => m.nu === 0).length;
    assert.deepEqual(
      w({}).map((s) => s.replace(/_\d+/, "")),
      [`coeff_re:${M}x6`, `coeff_im:${M - M0}x6`, "bias:2"],
    );
    assert.deepEqual(
      w({ zeroOrderImag: true }).map((s) => s.replace(/_\d+/, "")),
      [`coeff_re:${M}x6`, `coeff_im:${M}x6`, "bias:2"],
    );
    assert.deepEqual(
      w({ reflectionInvariant: true, useBias: false }).map((s) => s.replace(/_\d+/, "")),
      [`coeff_re:${M}x6`],
    );
  });

  it("build and call check the input: rank 4, known channels ≥ 1, the built channel count, H, W ≥ K (valid)", () => {
    const B = () => new bcnn.BesselConv2D({ filters: 1, kernelSize: 3, name: "bz" });
    assert.throws(
      () => B().build([null, 8, 8]),
      shape(/^bz input: expected shape \[batch, height, width, channels\], got \[-1, 8, 8\]/),
    );
    assert.throws(
      () => B().build([null, 8, 8, null]),
      shape(/^bz input: expected shape a known channel count, got channels = null/),
    );
    assert.throws(
      () => B().build([null, 8, 8, 0]),
      shape(
        /^bz input: expected shape \[batch, height, width, channels ≥ 1\], got \[-1, 8, 8, 0\]/,
      ),
    );
    const L = B();
    L.apply(x4(4, 4, 2));
    assert.throws(() => L.apply(x4(4, 4, 3)), shape(/^bz input: expected shape \[B, H, W, 2\]/));
    for (const impl of ["conv", "basis"] as const) {
      const V = new bcnn.BesselConv2D({
        filters: 1,
        kernelSize: 3,
        padding: "valid",
        impl,
        name: `v${impl}`,
      });
      for (const [h, w] of [
        [2, 5],
        [5, 2],
      ]) {
        assert.throws(
          () => V.apply(x4(h, w, 1)),
          shape(
            new RegExp(
              `^v${impl} input: expected shape \\[B, H ≥ 3, W ≥ 3, 1\\] for a valid 3×3 B-conv`,
            ),
          ),
        );
      }
      assert.deepEqual((V.apply(x4(3, 3, 1)) as tf.Tensor).shape, [2, 1, 1, 1]);
    }
  });

  it("PlainConv2D, C4Conv2D and ChannelNorm refuse bad options and inputs by name", () => {
    for (const [name, make] of [
      ["PlainConv2D", (o: object) => new bcnn.PlainConv2D({ filters: 1, kernelSize: 3, ...o })],
      [
        "C4Conv2D",
        (o: object) => new bcnn.C4Conv2D({ filters: 1, kernelSize: 3, lifting: true, ...o }),
      ],
    ] as [string, (o: object) => tf.layers.Layer][]) {
      for (const [o, re] of [
        [{ filters: 0 }, /filters = 0 .*a positive integer/],
        [{ filters: 2.5 }, /filters = 2\.5/],
        [{ kernelSize: 2 }, /kernelSize = 2 .*an odd positive integer/],
        [{ kernelSize: 0 }, /kernelSize = 0/],
        [{ kernelSize: 1.5 }, /kernelSize = 1\.5/],
        [{ padding: "full" }, /padding = full .*"same" or "valid"/],
        [{ impl: "basis" }, /impl = basis .*"conv" or "matmul"/],
      ] as [object, RegExp][])
        assert.throws(
          () => make(o),
          domain(new RegExp(`^${name}: argument ${re.source}`)),
          `${name} ${JSON.stringify(o)}`,
        );
      for (const o of [{ kernelSize: 1 }, { padding: "valid" }, { impl: "matmul" }]) make(o);
      const L = make({ name: `${name}_in` });
      L.apply(x4(4, 4, 4));
      assert.throws(
        () => L.apply(x4(4, 4, 2)),
        shape(new RegExp(`^${name}_in input: expected shape \\[B, H, W, 4\\]`)),
      );
      assert.throws(
        () => make({}).build([null, 4, 4]),
        shape(/input: expected shape \[batch, height, width, channels\]/),
      );
    }
    assert.throws(
      () => new bcnn.C4Conv2D({ filters: 1, kernelSize: 3, lifting: 1 as unknown as boolean }),
      domain(/^C4Conv2D: argument lifting = 1 .*true or false/),
    );
    // a non-lifting C4 layer needs 4·C input channels; 4 and 8 are fine, 6 is not
    const C4 = () => new bcnn.C4Conv2D({ filters: 1, kernelSize: 3, lifting: false, name: "c4" });
    assert.throws(
      () => C4().build([null, 4, 4, 6]),
      shape(/^c4 input: expected shape \[B, H, W, 4·C\] \(a C4 field\), got \[-1, 4, 4, 6\]/),
    );
    for (const c of [4, 8]) C4().build([null, 4, 4, c]);
    new bcnn.C4Conv2D({ filters: 1, kernelSize: 3, lifting: true }).build([null, 4, 4, 3]);
    // ChannelNorm: momentum in [0, 1), epsilon > 0, a known channel count
    for (const [o, re] of [
      [{ momentum: 1 }, /momentum = 1 .*a number in \[0, 1\)/],
      [{ momentum: -0.1 }, /momentum = -0\.1/],
      [{ momentum: NaN }, /momentum = NaN/],
      [{ epsilon: 0 }, /epsilon = 0 .*> 0/],
      [{ epsilon: NaN }, /epsilon = NaN/],
    ] as [object, RegExp][]) {
      assert.throws(
        () => new bcnn.ChannelNorm(o),
        domain(new RegExp(`^ChannelNorm: argument ${re.source}`)),
      );
    }
    const n0 = new bcnn.ChannelNorm({ momentum: 0, epsilon: 1e-9 });
    assert.equal(n0.momentum, 0);
    const nd = new bcnn.ChannelNorm();
    assert.equal(nd.momentum, 0.9);
    assert.equal(nd.epsilon, 1e-3);
    assert.throws(
      () => new bcnn.ChannelNorm({ name: "cn" }).build([null, 4, 4, null]),
      shape(/^cn input: expected shape a known channel count/),
    );
  });
});

describe("bcnn (mutants 4): what bcnn-layer's run (after the trap fix) left", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });
  const x4 = (h: number, w: number, c: number) =>
    tf.tensor4d(values(2 * h * w * c, 9), [2, h, w, c]);

  it("basisFirstBlocks refuses each malformed argument by name and accepts the boundaries", () => {
    const f = () => [tf.tensor4d(values(9 * 2, 1), [3, 3, 1, 2])];
    const g = (rows = 2, cols = 3) => [tf.tensor2d(values(rows * cols, 2), [rows, cols])];
    const w = (p = 3, co = 1) => tf.tensor2d(values(p * co, 3), [p, co]);
    const call =
      (o: {
        x?: tf.Tensor;
        f?: tf.Tensor4D[];
        g?: tf.Tensor2D[];
        w?: tf.Tensor2D;
        O?: number;
        pad?: "same" | "valid";
      }) =>
      () =>
        bcnn.basisFirstBlocks(
          (o.x ?? x4(4, 4, 1)) as tf.Tensor4D,
          o.f ?? f(),
          o.g ?? g(),
          o.w ?? w(),
          o.O ?? 1,
          o.pad ?? "same",
        );
    assert.throws(
      call({ x: tf.zeros([4, 4, 1]) }),
      shape(/^basisFirstBlocks x: expected shape \[B, H, W, C\], got \[4, 4, 1\]/),
    );
    assert.throws(
      call({ f: [], g: [] }),
      domain(
        /^basisFirstBlocks: argument filters = 0 .*one filter per mixing map \(0\), at least one/,
      ),
    );
    assert.throws(
      call({ g: [...g(), ...g()] }),
      domain(/^basisFirstBlocks: argument filters = 1 .*one filter per mixing map \(2\)/),
    );
    for (const O of [0, 1.5])
      assert.throws(
        call({ O }),
        domain(new RegExp(`^basisFirstBlocks: argument O = ${O} .*a positive integer`)),
      );
    assert.throws(
      call({ w: tf.zeros([3]) as unknown as tf.Tensor2D }),
      shape(/^basisFirstBlocks w: expected shape \[P, 1\], got \[3\]/),
    );
    assert.throws(
      call({ w: w(3, 2) }),
      shape(/^basisFirstBlocks w: expected shape \[P, 1\], got \[3, 2\]/),
    );
    assert.throws(call({ O: 2 }), shape(/^basisFirstBlocks w: expected shape \[P, 2\]/));
    assert.throws(
      call({ f: [tf.zeros([3, 3, 2]) as unknown as tf.Tensor4D] }),
      shape(/^basisFirstBlocks filters\[0\]: expected shape \[K, K, 1, N_b\], got \[3, 3, 2\]/),
    );
    assert.throws(
      call({ f: [tf.zeros([3, 3, 2, 2]) as tf.Tensor4D] }),
      shape(/^basisFirstBlocks filters\[0\]: expected shape \[K, K, 1, N_b\], got \[3, 3, 2, 2\]/),
    );
    for (const gg of [[tf.zeros([6]) as unknown as tf.Tensor2D], g(3, 3), g(0, 3), g(2, 4)]) {
      assert.throws(
        call({ g: gg }),
        shape(/^basisFirstBlocks mixMaps\[0\]: expected shape \[2·R_b, 3\]/),
        JSON.stringify(gg[0].shape),
      );
    }
    for (const [h, wd] of [
      [2, 4],
      [4, 2],
    ]) {
      assert.throws(
        call({ x: x4(h, wd, 1), pad: "valid" }),
        shape(/^basisFirstBlocks x: expected shape \[B, H ≥ 3, W ≥ 3, C\] for a valid convolution/),
      );
    }
    // accepted: K×K with valid padding (one output pixel), a smaller image with same padding, R_b =
    // 2
    assert.deepEqual(
      bcnn.basisFirstBlocks(x4(3, 3, 1), f(), g(), w(), 1, "valid").shape,
      [2, 1, 1],
    );
    assert.deepEqual(bcnn.basisFirstBlocks(x4(2, 2, 1), f(), g(), w(), 1, "same").shape, [2, 2, 2]);
    assert.equal(bcnn.basisFirstBlocks(x4(4, 4, 1), f(), g(4, 3), w(), 1, "same").ys.length, 1);
  });

  it("B-conv with same padding accepts an image smaller than the kernel; kernelSize −1 refused by Plain and C4; ChannelNorm needs a channel axis", () => {
    const L = new bcnn.BesselConv2D({ filters: 1, kernelSize: 3, name: "bsame" });
    assert.deepEqual((L.apply(x4(2, 2, 1)) as tf.Tensor).shape, [2, 2, 2, 1]);
    assert.throws(
      () => new bcnn.PlainConv2D({ filters: 1, kernelSize: -1 }),
      domain(/^PlainConv2D: argument kernelSize = -1 /),
    );
    assert.throws(
      () => new bcnn.C4Conv2D({ filters: 1, kernelSize: -1, lifting: true }),
      domain(/^C4Conv2D: argument kernelSize = -1 /),
    );
    assert.throws(
      () => new bcnn.ChannelNorm({ name: "cn0" }).build([] as unknown as [null, number]),
      shape(/^cn0 input: expected shape a known channel count, got channels = null/),
    );
    assert.throws(
      () => new bcnn.ChannelNorm({ name: "cn1" }).build([null, 4, 4, null]),
      shape(/^cn1 input: expected shape a known channel count, got channels = null/),
    );
  });
});
