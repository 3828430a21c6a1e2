/**
 * Against StrykerJS survivors of bcnn/train.ts that bcnn-mutants4 left (issue #22; environment.md,
 * "Mutation testing", the bcnn-decide2 row): calibrateNorms' batch offset and its momentum
 * schedule. Reference by hand: with momentum (t − 1)/t at step t, ChannelNorm's moving mean after
 * T batches is the plain average of the T batch means and its moving variance the average of the
 * T unbiased batch variances; batch t holds images order[(t − 1)·bs … t·bs − 1] of
 * order = rng(seed).permutation(N) (the function's first draws).
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { bcnn, init, rng } from "besselbook";

describe("bcnn (mutants 5): calibrateNorms' statistics are the average over its batches", () => {
  before(async () => {
    await init({ quiet: true });
  });

  const N = 6,
    H = 2,
    W = 2,
    P = H * W;
  // image k: pixels k² + 0.1·p — every image distinct, so a repeated or skipped image shows
  const images = Float32Array.from(
    { length: N * P },
    (_, q) => Math.floor(q / P) ** 2 + 0.1 * (q % P),
  );
  const data = {
    images,
    labels: Int32Array.from({ length: N }, (_, i) => i % 2),
    n: N,
    height: H,
    width: W,
    classNames: ["a", "b"],
  };

  const moving = (layer: tf.layers.Layer) => {
    const w = layer.weights;
    const read = (name: string) =>
      (
        w
          .find((v) => v.name.includes(name))!
          .read()
          .dataSync() as Float32Array
      )[0];
    return { mean: read("moving_mean"), variance: read("moving_variance") };
  };
  const expected = (seed: number, batches: number, bs: number) => {
    const order = rng(seed).permutation(N);
    let mean = 0,
      variance = 0;
    for (let t = 0; t < batches; t++) {
      const px: number[] = [];
      for (let i = 0; i < bs; i++)
        for (let p = 0; p < P; p++) px.push(images[order[t * bs + i] * P + p]);
      const m = px.reduce((a, b) => a + b, 0) / px.length;
      mean += m / batches;
      variance += px.reduce((a, b) => a + (b - m) ** 2, 0) / (px.length - 1) / batches;
    }
    return { mean, variance };
  };

  for (const [batches, bs, seed] of [
    [3, 2, 1],
    [2, 2, 7],
    [2, 3, 3],
  ] as const) {
    it(`${batches} batches of ${bs} (seed ${seed}): moving mean and variance by hand; momentum restored`, () => {
      const norm = new bcnn.ChannelNorm({ inputShape: [H, W, 1], momentum: 0.9 });
      const model = tf.sequential({ layers: [norm] });
      assert.equal(bcnn.calibrateNorms(model, data, { batches, batchSize: bs, seed }), batches);
      const got = moving(norm),
        want = expected(seed, batches, bs);
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      assert.ok(rel(got.mean, want.mean) < 1e-5, `mean ${got.mean} vs ${want.mean}`);
      assert.ok(
        rel(got.variance, want.variance) < 1e-4,
        `variance ${got.variance} vs ${want.variance}`,
      );
      assert.equal(norm.momentum, 0.9);
      if (batches * bs === N) {
        // every image used once: the mean is the data's mean whatever the order
        const all = images.reduce((a, b) => a + b, 0) / images.length;
        assert.ok(rel(got.mean, all) < 1e-5);
      }
      model.dispose();
    });
  }

  it('augment "rotate": each batch is rotateEach\'d by 2π·U angles drawn after the permutation', () => {
    const seed = 5,
      bs = 2,
      batches = 3;
    const norm = new bcnn.ChannelNorm({ inputShape: [H, W, 1] });
    const model = tf.sequential({ layers: [norm] });
    bcnn.calibrateNorms(model, data, { batches, batchSize: bs, seed, augment: "rotate" });
    const got = moving(norm);
    // by hand: the same stream, bs angles 2π·U per batch, the batch rotated image by image
    const r = rng(seed);
    const order = r.permutation(N);
    let mean = 0;
    for (let t = 0; t < batches; t++) {
      const xb = new Float32Array(bs * P);
      for (let i = 0; i < bs; i++)
        xb.set(images.subarray(order[t * bs + i] * P, (order[t * bs + i] + 1) * P), i * P);
      const angles = Array.from({ length: bs }, () => 2 * Math.PI * r.uniform());
      const rot = bcnn.rotateEach(xb, [bs, H, W, 1], angles);
      mean += rot.reduce((a, b) => a + b, 0) / rot.length / batches;
    }
    assert.ok(Math.abs(got.mean - mean) <= 1e-5 * Math.abs(mean), `${got.mean} vs ${mean}`);
    // power: the rotation changes the statistics of these 2×2 images
    const plain = expected(seed, batches, bs).mean;
    assert.ok(Math.abs(plain - mean) > 1e-3 * Math.abs(mean), `rotated ${mean} vs plain ${plain}`);
    model.dispose();
  });

  it("the test can tell: a last-batch-only or first-batch-only statistic differs from the average", () => {
    const one = expected(1, 1, 2),
      three = expected(1, 3, 2);
    assert.ok(Math.abs(one.mean - three.mean) / three.mean > 0.05, `${one.mean} vs ${three.mean}`);
  });
});
