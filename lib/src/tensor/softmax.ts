/**
 * Softmax regression on the shipped Fashion-MNIST subset, as one seeded run: the tour's
 * training loop (notebook 00) packaged so that several seeds can run on worker threads
 * (`parallelSeeds({ ns: "tensor", fn: "softmaxRegressionSeed", config, seeds })`), and the
 * workload `npm run bench -- seeds` times.
 *
 * ŷ = softmax(xW + b), mean cross-entropy, plain SGD on shuffled mini-batches, W = 0 and b = 0 at
 * the start (the loss is convex, so the seed only changes which training images are drawn and
 * their order). `shuffleLabels` permutes the training labels: a negative control, whose test
 * accuracy must sit at chance (10 %).
 */
import type * as TF from "../tf";
import { DomainError } from "../errors";
import { loadFashionMnist } from "../data/fashionMnist";
import { oneHot, toTensor4d } from "../data/tensor";
import { rng } from "./rng";

export interface SoftmaxRegressionConfig {
  /** Training images drawn (class-balanced) from the shipped training subset. */
  nTrain: number;
  epochs: number;
  lr: number;
  batch: number;
  /** Negative control: permute the training labels (seeded). */
  shuffleLabels?: boolean;
}

export interface SoftmaxRegressionResult {
  [key: string]: number | number[];
  /** Accuracy on all shipped test images. */
  testAcc: number;
  firstLoss: number;
  lastLoss: number;
  /** Mean training loss per epoch. */
  losses: number[];
}

function positiveInt(v: number, arg: string): void {
  if (!Number.isInteger(v) || v < 1)
    throw new DomainError(
      `softmaxRegressionSeed: argument config.${arg} = ${v} is out of domain; expected an integer ≥ 1`,
    );
}

/** One seeded run; see the module comment. Disposes every tensor it makes. */
export function softmaxRegressionSeed(
  config: SoftmaxRegressionConfig,
  seed: number,
): SoftmaxRegressionResult {
  if (config === null || typeof config !== "object")
    throw new DomainError("softmaxRegressionSeed: expected config { nTrain, epochs, lr, batch }");
  positiveInt(config.nTrain, "nTrain");
  positiveInt(config.epochs, "epochs");
  positiveInt(config.batch, "batch");
  if (!(config.lr > 0 && Number.isFinite(config.lr)))
    throw new DomainError(
      `softmaxRegressionSeed: argument config.lr = ${config.lr} is out of domain; expected a finite number > 0`,
    );
  if (config.batch > config.nTrain)
    throw new DomainError(
      `softmaxRegressionSeed: config.batch = ${config.batch} exceeds config.nTrain = ${config.nTrain}`,
    );
  if (!Number.isInteger(seed) || seed < 0)
    throw new DomainError(
      `softmaxRegressionSeed: argument seed = ${seed} is out of domain; expected an integer ≥ 0`,
    );
  const tf = require("../tf") as typeof TF;
  const r = rng(seed);
  const train = loadFashionMnist({ split: "train", n: config.nTrain, seed: r.int(0x7fffffff) });
  const test = loadFashionMnist({ split: "test" });
  const labels = config.shuffleLabels
    ? Int32Array.from(r.permutation(train.n), (i) => train.labels[i]!)
    : train.labels;
  const X = tf.tidy(() => toTensor4d(train).reshape([train.n, 784])) as TF.Tensor2D;
  const Y = oneHot(labels, 10);
  const W = tf.variable(tf.zeros([784, 10]));
  const b = tf.variable(tf.zeros([10]));
  const opt = tf.train.sgd(config.lr);
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const perm = r.permutation(train.n);
      let sum = 0,
        batches = 0;
      for (let s = 0; s + config.batch <= train.n; s += config.batch) {
        const loss = tf.tidy(() => {
          const idx = tf.tensor1d(perm.subarray(s, s + config.batch), "int32");
          return opt.minimize(
            () =>
              tf.losses.softmaxCrossEntropy(
                tf.gather(Y, idx),
                tf.gather(X, idx).matMul(W).add(b),
              ) as TF.Scalar,
            true,
          )!;
        });
        sum += loss.dataSync()[0]!;
        batches++;
        loss.dispose();
      }
      losses.push(sum / batches);
    }
    const testAcc = tf.tidy(() => {
      const Xt = toTensor4d(test).reshape([test.n, 784]) as TF.Tensor2D;
      return Xt.matMul(W)
        .add(b)
        .argMax(1)
        .equal(tf.tensor1d(test.labels, "int32"))
        .mean()
        .dataSync()[0]!;
    });
    return { testAcc, firstLoss: losses[0]!, lastLoss: losses[losses.length - 1]!, losses };
  } finally {
    opt.dispose();
    tf.dispose([X, Y, W, b]);
  }
}
