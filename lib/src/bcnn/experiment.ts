/**
 * One seed of the notebook-05 experiment as a plain function of (config, seed) → numbers, so that
 * `parallelSeeds({ ns: "bcnn", fn: "trainSeed", ... })` can run seeds in worker threads and the
 * result is the same as running them one after another (everything is seeded; no shared state but
 * a memo of rendered test sets).
 *
 * Per seed: build the network (initialiser seed = `seed`), measure how much its global-pool
 * features and logits change for glyphs *rendered* at each test angle (no image resampling),
 * train it on the fixed upright training set (batch order and augmentation angles seeded by
 * `seed`), measure the same again, then the test accuracy at each angle — glyphs rendered at the
 * angle, Fashion-MNIST rotated bilinearly (a photo cannot be re-rendered).
 */
import * as tf from "@tensorflow/tfjs";
import { domainError } from "../errors";
import { glyphDataset } from "../data/glyphs";
import { loadFashionMnist } from "../data/fashionMnist";
import { ImageSet } from "../data/types";
import { buildNet, featureModel, NetSpec } from "./models";
import { accuracy, trainClassifier } from "./train";
import { rotateArray } from "./rotate";
import { BesselConv2D } from "./layer";
import { equivarianceError, paperEquivarianceError } from "./metrics";

export interface SeedConfig {
  data: "glyphs" | "fashion";
  /** Network; its `seed` is replaced by the run's seed. */
  spec: NetSpec;
  nTrain: number;
  epochs: number;
  batch: number;
  lr: number;
  augment: boolean;
  nTest: number;
  /** Test angles in degrees (0 first). */
  anglesDeg: number[];
  /** Seed of the training and test sets (fixed across runs so runs differ only by `seed`). */
  dataSeed: number;
  /** Glyphs used for the feature/logit invariance measurements (rendered at each angle); 0 = skip. */
  nProbe: number;
  /** Feature layers for the equivariance errors (ours and the paper-style metric); [] = skip. */
  eqLayers: string[];
  /** Images for the equivariance errors. */
  nEq: number;
}

const memo = new Map<string, ImageSet>();

/**
 * Glyph set rendered at `deg` (same glyphs, scales and positions at every angle; each glyph turns
 * about its own centre). With `jitter` 0 every glyph is centred on the image, so a rendering at
 * 90° is exactly rot90 of the upright one and other angles are exact continuous rotations.
 */
export function glyphSetAt(n: number, dataSeed: number, deg: number, jitter = 1.5): ImageSet {
  const key = `g/${n}/${dataSeed}/${deg}/${jitter}`;
  let s = memo.get(key);
  if (!s) {
    s = glyphDataset({ n, seed: dataSeed, jitter, angles: deg === 0 ? "upright" : (deg * Math.PI) / 180 });
    if (memo.size > 64) memo.clear();
    memo.set(key, s);
  }
  return s;
}

function trainSet(cfg: SeedConfig): ImageSet {
  const key = `train/${cfg.data}/${cfg.nTrain}/${cfg.dataSeed}`;
  let s = memo.get(key);
  if (!s) {
    s = cfg.data === "glyphs" ? glyphDataset({ n: cfg.nTrain, seed: cfg.dataSeed, angles: "upright" }) : loadFashionMnist({ split: "train", n: cfg.nTrain, seed: cfg.dataSeed });
    memo.set(key, s);
  }
  return s;
}

function testAt(cfg: SeedConfig, deg: number): ImageSet {
  if (cfg.data === "glyphs") return glyphSetAt(cfg.nTest, cfg.dataSeed + 1, deg);
  const key = `fashion-test/${cfg.nTest}/${cfg.dataSeed}`;
  let s = memo.get(key);
  if (!s) {
    s = loadFashionMnist({ split: "test", n: cfg.nTest, seed: cfg.dataSeed + 1 });
    memo.set(key, s);
  }
  if (deg === 0) return s;
  return { ...s, images: rotateArray(s.images, [s.n, s.height, s.width, 1], (deg * Math.PI) / 180) };
}

/** Relative change ‖g(α) − g(0)‖/‖g(0)‖ of a batch output for glyphs rendered at each angle. */
function renderedInvariance(model: tf.LayersModel, probe: (deg: number) => tf.Tensor4D, angles: number[]): number[] {
  const g0 = tf.tidy(() => model.predict(probe(0)) as tf.Tensor);
  const out = angles.map((a) =>
    tf.tidy(() => {
      const d = tf.norm(tf.sub(model.predict(probe(a)) as tf.Tensor, g0)).dataSync()[0];
      return d / tf.norm(g0).dataSync()[0];
    }),
  );
  g0.dispose();
  return out;
}

/** Share of conv2's output power in orders ν ≥ 2 (B-CNN only), on the probe glyphs. */
function highOrderShare(model: tf.LayersModel, x: tf.Tensor4D): number {
  const layer = model.getLayer("conv2");
  if (!(layer instanceof BesselConv2D)) return NaN;
  const before = featureModel(model, model.layers.some((l) => l.name === "pool1") ? "pool1" : "relu1");
  return tf.tidy(() => {
    const input = before.predict(x) as tf.Tensor4D;
    const e = Array.from(tf.sum(layer.orderPower(input), [0, 1, 2, 4]).dataSync());
    const tot = e.reduce((s, v) => s + v, 0);
    const hi = layer.basis.orders.reduce((s, nu, v) => s + (nu >= 2 ? e[v] : 0), 0);
    return tot === 0 ? 0 : hi / tot;
  });
}

export type SeedResult = Record<string, number | number[]>;

/** One seed of the experiment (see file comment). Returns plain numbers and number arrays. */
export async function trainSeed(cfg: SeedConfig, seed: number): Promise<SeedResult> {
  const fn = "trainSeed";
  if (cfg.data !== "glyphs" && cfg.data !== "fashion") domainError(fn, "config.data", cfg.data, '"glyphs" or "fashion"');
  if (!Number.isInteger(seed) || seed < 0) domainError(fn, "seed", seed, "an integer ≥ 0");
  if (!Array.isArray(cfg.anglesDeg) || cfg.anglesDeg[0] !== 0) domainError(fn, "config.anglesDeg", cfg.anglesDeg, "an array of degrees starting with 0");
  const angles = cfg.anglesDeg;
  const spec: NetSpec = { ...cfg.spec, seed };
  const model = buildNet(spec);
  const res: SeedResult = {};
  const gpName = spec.kind === "c4" ? "opool" : "gpool";
  const probe = (deg: number) => {
    const s = glyphSetAt(cfg.nProbe, cfg.dataSeed + 7, deg, 0);
    return tf.tensor4d(s.images, [s.n, s.height, s.width, 1]);
  };
  const measure = (tag: string) => {
    if (cfg.nProbe <= 0) return;
    const feats = featureModel(model, gpName);
    res[`featureChange${tag}`] = renderedInvariance(feats, probe, angles);
    res[`logitChange${tag}`] = renderedInvariance(model, probe, angles);
    if (spec.kind === "bcnn") {
      const x = probe(0);
      res[`highOrderShare${tag}`] = highOrderShare(model, x);
      x.dispose();
    }
  };
  try {
    measure("Untrained");
    const hist = await trainClassifier(model, trainSet(cfg), {
      epochs: cfg.epochs, batchSize: cfg.batch, learningRate: cfg.lr, seed, augment: cfg.augment ? "rotate" : "none",
    });
    res.finalLoss = hist.loss[hist.loss.length - 1];
    res.lossCurve = hist.loss;
    res.seconds = hist.seconds;
    measure("Trained");
    res.acc = angles.map((a) => accuracy(model, testAt(cfg, a)));
    res.trainAcc = accuracy(model, trainSet(cfg));
    for (const name of cfg.eqLayers) {
      const s = cfg.data === "glyphs" ? glyphSetAt(cfg.nEq, cfg.dataSeed + 9, 0, 0) : testAt(cfg, 0);
      const x = tf.tensor4d(s.images.subarray(0, cfg.nEq * s.height * s.width), [cfg.nEq, s.height, s.width, 1]);
      const fm = featureModel(model, name);
      const f = (t: tf.Tensor4D) => fm.predict(t) as tf.Tensor;
      const eqAngles = [15, 30, 45, 60, 75];
      const opts = cfg.data === "glyphs"
        ? { rotatedInput: (deg: number) => { const g = glyphSetAt(cfg.nEq, cfg.dataSeed + 9, deg, 0); return tf.tensor4d(g.images, [cfg.nEq, g.height, g.width, 1]); } }
        : {};
      res[`eqOurs_${name}`] = equivarianceError(f, x, eqAngles, opts).mean;
      res[`eqPaper_${name}`] = paperEquivarianceError(f, x, eqAngles, opts).mean;
      x.dispose();
    }
  } finally {
    model.dispose();
  }
  return res;
}
