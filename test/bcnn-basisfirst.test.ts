// Issue #14 (session 5): the factorised ("basis-first") B-conv path, impl "basis", against the
// filter-bank path on random inputs and weights: forward outputs, per-order powers and gradients
// (input and every weight) for every B-layer kind notebook 05 uses, plus whole networks.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { bcnn, DomainError, init } from "besselbook";

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

/** The B-layer kinds of notebook 05 (paper basis, steerable σ 0.8 and σ 1), first layer and later. */
const KINDS: [string, Omit<LayerArgs, "impl">][] = [
  ["paper, modulus", { filters: 6, kernelSize: 5, oversample: 2, response: "modulus" }],
  ["steerable σ0.8, modulus", { filters: 7, kernelSize: 5, oversample: 2, response: "modulus", basis: "steerable", steerSigma: 0.8 }],
  ["steerable σ1, modulus", { filters: 7, kernelSize: 5, oversample: 2, response: "modulus", basis: "steerable", steerSigma: 1 }],
  ["paper, power, valid", { filters: 4, kernelSize: 5, oversample: 2, padding: "valid" }],
  ["paper, zeroOrderImag", { filters: 3, kernelSize: 5, zeroOrderImag: true }],
  ["paper, reflection invariant", { filters: 3, kernelSize: 3, reflectionInvariant: true }],
];

describe("bcnn basis-first B-conv (impl \"basis\") equals the filter-bank path", () => {
  before(async () => {
    await init({ quiet: true });
  });

  for (const [label, args] of KINDS) {
    for (const cIn of [1, 5]) {
      it(`${label}, C_in = ${cIn}: forward, per-order power and gradients`, () => {
        const seed = 7 + cIn;
        const bank = new BesselConv2D({ ...args, impl: "conv", seed });
        const fact = new BesselConv2D({ ...args, impl: "basis", seed });
        const x = tf.randomNormal([3, 12, 12, cIn], 0, 1, "float32", 11) as tf.Tensor4D;
        const yb = bank.forward(x);
        const yf = fact.forward(x);
        // same initialisation: identical weights, not just equal in distribution
        const wb = bank.getWeights();
        const wf = fact.getWeights();
        assert.equal(wb.length, wf.length);
        wb.forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), Array.from(wf[i].dataSync())));
        assert.equal(bank.parameterCount(), fact.parameterCount());
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
          const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.forward(xx as tf.Tensor4D), probe)))(x);
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
        assert.ok(relErr(fact.forward(x), bank.forward(x)) > 1e-3, "a changed coefficient must change the output");
        [bank, fact].forEach((l) => l.dispose());
        tf.dispose([x, yb, yf, probe, ...rnd, ...w2, ...gb, ...gf]);
      });
    }
  }

  it("whole notebook-05 networks (paper, steerable σ 0.8) give the same logits and loss gradients", () => {
    const specs = bcnn.notebook05Specs({ blur: 0.8 });
    for (const name of ["bcnnPaper", "bcnnSteer"] as const) {
      const a = bcnn.buildNet({ ...specs[name], seed: 3, bconv: "bank" });
      const b = bcnn.buildNet({ ...specs[name], seed: 3, bconv: "basis" });
      const x = tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 9);
      const e = relErr(b.predict(x) as tf.Tensor, a.predict(x) as tf.Tensor);
      assert.ok(e < 1e-4, `${name} logits rel err ${e}`);
      const loss = (m: tf.LayersModel) => () => tf.sum(tf.square(m.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
      const ga = tf.variableGrads(loss(a), a.trainableWeights.map((w) => w.read() as tf.Variable)).grads;
      const gb = tf.variableGrads(loss(b), b.trainableWeights.map((w) => w.read() as tf.Variable)).grads;
      // error relative to the largest gradient entry of the network: a conv bias followed by batch
      // norm has a gradient that is zero up to rounding, so a per-tensor relative error is noise
      const pairs = a.trainableWeights.map((w, i) => [ga[(w.read() as tf.Variable).name], gb[(b.trainableWeights[i].read() as tf.Variable).name]]);
      const scale = Math.max(...pairs.map(([g]) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0])));
      pairs.forEach(([g1, g2], i) => {
        const d = tf.tidy(() => tf.max(tf.abs(tf.sub(g1, g2))).dataSync()[0]);
        assert.ok(d / scale < 1e-4, `${name} grad of ${a.trainableWeights[i].name}: max diff ${d} vs scale ${scale}`);
      });
      assert.ok(bcnn.convMacs({ ...specs[name], bconv: "basis" }) < bcnn.convMacs({ ...specs[name], bconv: "bank" }), `${name}: fewer MACs`);
      a.dispose();
      b.dispose();
      tf.dispose([x, ...Object.values(ga), ...Object.values(gb)]);
    }
  });

  it("rejects a bad impl / bconv with a typed error", () => {
    assert.throws(() => new BesselConv2D({ filters: 2, kernelSize: 5, impl: "fft" as never }), DomainError);
    const spec = bcnn.defaultBcnnSpec();
    assert.throws(() => bcnn.buildNet({ ...spec, bconv: "fast" as never }), DomainError);
    assert.throws(() => bcnn.buildNet({ ...spec, kind: "cnn", bconv: "basis" }), DomainError);
  });

  it("notebook 05: steerable arms on the basis path, paper basis on the filter bank", () => {
    const s = bcnn.notebook05Specs({ blur: 0.8 });
    assert.equal(s.bcnnSteer.bconv, "basis");
    assert.equal(s.bcnnSteer1.bconv, "basis");
    assert.equal(s.bcnnPaper.bconv ?? "bank", "bank");
  });
});

describe("bcnn session 5: probes switch and the Node version in the cache keys", () => {
  const P0 = {
    glyphTrain: 8, glyphEpochs: 1, glyphTest: 4, fashionTrain: 8, fashionEpochs: 1, fashionTest: 4,
    batch: 4, lr: 0.01, angleStep: 45, nProbe: 2, nEq: 2, augment: true, blur: 0.8, dataSeed: 1,
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
    await assert.rejects(bcnn.trainSeed({ ...cfgs["glyphs/cnn/aug"], probes: "no" as never }, 2), DomainError);
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
