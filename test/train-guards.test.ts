/**
 * trainClassifier's input guard and cleanup (issue 17 item 8): labels outside [0, classes) are
 * rejected (tf.oneHot would make them all-zero targets), and the optimizer's tensors are freed
 * when the onStep callback throws.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { expectNoLeakedTensorsAsync } from "./helpers";
import { bcnn, data, init } from "besselbook";

describe("bcnn.trainClassifier guards", function () {
  this.timeout(120000);
  const spec: bcnn.NetSpec = {
    kind: "cnn",
    inputShape: [12, 12, 1],
    widths: [4],
    kernelSizes: [3],
    pool: [false],
    classes: 3,
    seed: 1,
  };
  before(async () => {
    await init({ quiet: true });
  });

  it("rejects labels outside [0, classes) and non-integer labels, naming the item", async () => {
    const set = data.glyphDataset({ n: 12, size: 12, seed: 3, shapes: ["L", "T", "F"], jitter: 0 });
    const m = bcnn.buildNet(spec);
    for (const [bad, what] of [
      [3, "3"],
      [-1, "-1"],
      [1.5, "1.5"],
      [NaN, "NaN"],
    ] as const) {
      const labels = Int32Array.from(set.labels);
      const copy = {
        ...set,
        labels: bad === 1.5 || Number.isNaN(bad) ? Float64Array.from(labels) : labels,
      };
      (copy.labels as unknown as number[])[5] = bad;
      await assert.rejects(
        bcnn.trainClassifier(m, copy as typeof set, { epochs: 1, batchSize: 4 }),
        (e: Error) =>
          e instanceof RangeError &&
          e.message.includes(`data.labels[5] = ${what}`) &&
          e.message.includes("[0, 3)"),
        `label ${what}`,
      );
    }
    // The valid set trains (the guard does not reject the highest class index, classes − 1 = 2).
    assert.ok(set.labels.includes(2));
    const h = await bcnn.trainClassifier(m, set, {
      epochs: 1,
      batchSize: 4,
      calibrationBatches: 0,
    });
    assert.equal(h.steps, 3);
  });

  it("frees the optimizer's tensors when onStep throws", async () => {
    const set = data.glyphDataset({ n: 16, size: 12, seed: 4, shapes: ["L", "T", "F"], jitter: 0 });
    const m = bcnn.buildNet(spec);
    await bcnn.trainClassifier(m, set, { epochs: 1, batchSize: 8, calibrationBatches: 0 }); // warm-up
    let calls = 0;
    // Adam keeps two moment tensors per weight plus two scalars: without the finally they leak.
    await expectNoLeakedTensorsAsync(
      () =>
        assert.rejects(
          bcnn.trainClassifier(m, set, {
            epochs: 2,
            batchSize: 8,
            calibrationBatches: 0,
            onStep: () => {
              if (++calls === 2) throw new Error("stop from onStep");
            },
          }),
          /stop from onStep/,
        ),
      "tensors left after a throwing onStep",
    );
  });
});
