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
import * as tf from "../tf-layers";
import * as fs from "node:fs";
import * as path from "node:path";
import { domainError, DomainError } from "../errors";
import { collectRuns, SeedRuns } from "../stats";
import { parallelSeeds } from "../stats/parallel";
import { backendInfo, backendName } from "../tensor/backend";
import { glyphDataset } from "../data/glyphs";
import { loadFashionMnist } from "../data/fashionMnist";
import { ImageSet } from "../data/types";
import {
  buildNet,
  countParams,
  defaultBcnnSpec,
  featureModel,
  matchedCnnSpec,
  NetSpec,
} from "./models";
import { accuracy, accuracyAndLoss, cacheDir, hashKey, trainClassifier } from "./train";
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
  /**
   * Glyphs used for the feature/logit invariance measurements (rendered at each angle); 0 = skip.
   */
  nProbe: number;
  /** Feature layers for the equivariance errors (ours and the paper-style metric); [] = skip. */
  eqLayers: string[];
  /** Images for the equivariance errors. */
  nEq: number;
  /**
   * Glyphs only: standard deviation (px) of a Gaussian prefilter applied to every rendering
   * (training, test, probe and metric sets), so that oblique renderings are band-limited like
   * upright ones rather than differing in aliasing; default 0 (box-averaged hard edges).
   */
  blur?: number;
  /**
   * Angles (degrees, 0 first) for the feature/logit change of the probe glyphs; default anglesDeg.
   */
  probeAnglesDeg?: number[];
  /**
   * Glyphs only: sub-samples per pixel side of every rendering (renderGlyph's `supersample`);
   * default 4. 16 keeps the ink of a glyph within ≈ 1% across angles; 4 changes it by 2–3% at
   * every off-grid angle (axis-aligned edges snap to the 1/4-px sub-grid only at 0° and 90°).
   */
  supersample?: number;
  /**
   * Early stop on a training criterion (trainClassifier's `until`): train `epochs` epochs, then
   * continue epoch by epoch until the training accuracy is ≥ trainAcc or maxEpochs is reached.
   */
  until?: { trainAcc: number; maxEpochs: number };
  /**
   * Probe measurements (feature/logit change of the probe glyphs and the ν ≥ 2 share, before and
   * after training); default true. false reports those keys as empty arrays and skips the work
   * (notebook 05's augmented and Fashion-MNIST runs, which use only their accuracies).
   */
  probes?: boolean;
  /**
   * Glyphs with `augment` only: augment by *rendered* rotations instead of bilinear ones. Epoch e
   * trains on copy e (mod this count) of a pool of renderings of the training glyphs (the same
   * glyphs, scales, centres, prefilter and sub-sample grid), each glyph turned about its own
   * centre by an angle uniform in [0, 2π) drawn from the fixed stream rng(dataSeed + 1000 + e):
   * the pool depends on the data seed only, so it is rendered once and shared by every run seed.
   */
  renderedAugment?: number;
}

/**
 * Angle seed of copy `e` of the rendered-augmentation pool (SeedConfig.renderedAugment):
 * dataSeed + 1000 + e. Neighbouring data seeds share angle streams — (2021, 1) gives the same
 * seed as (2022, 0) — which is harmless where it is used: an experiment has one data seed, and a
 * pool copy of another data seed would turn other glyphs (labels, scales and centres come from
 * the data seed's own stream), so no two copies of one pool share a stream. Kept as it is so that
 * the pool angles of notebook 05's data seed stay those of its saved runs. The result must be a
 * valid `glyphDataset` angleSeed, an integer in [0, 2^32).
 */
export function poolAngleSeed(dataSeed: number, e: number): number {
  if (!Number.isInteger(dataSeed)) domainError("poolAngleSeed", "dataSeed", dataSeed, "an integer");
  if (!Number.isInteger(e) || e < 0)
    domainError("poolAngleSeed", "e", e, "an integer copy index ≥ 0");
  if (!(dataSeed + 1000 >= 0 && dataSeed + 1000 < 2 ** 32))
    domainError(
      "poolAngleSeed",
      "dataSeed",
      dataSeed,
      "an integer with dataSeed + 1000 in [0, 2^32)",
    );
  const s = dataSeed + 1000 + e;
  // the copy index is the argument that overflows here (review s6-14b finding 5)
  if (!(s < 2 ** 32))
    domainError(
      "poolAngleSeed",
      "e",
      e,
      `a copy index with dataSeed + 1000 + e < 2^32 (dataSeed = ${dataSeed})`,
    );
  return s;
}

const memo = new Map<string, ImageSet>();

/**
 * Rendered glyph sets are also kept on disk (cacheDir()/renders), keyed by every render input, a
 * hash of the compiled renderer code (data/glyphs.js and every module it requires, transitively),
 * the tfjs version and the Node version (Math.* results may differ between V8 versions), so that
 * worker threads and later runs read a set instead of rendering it again (≈ 1 ms CPU per glyph at
 * 16×16 with the σ = 0.8 px blur since session 6; ≈ 8 ms before). The file holds exactly the
 * Float32 pixels and labels glyphDataset returned, so a loaded set equals a rendered one.
 */
function renderFile(args: RenderArgs): string {
  return path.join(
    cacheDir(),
    "renders",
    `${hashKey({ v: 2, code: renderCodeHash(), tfjs: tfjsVersion(), node: process.version, args })}.bin`,
  );
}

/**
 * The compiled files reachable from `entry` through relative require() calls (tsc's CommonJS
 * output), `entry` first, then sorted; a file that cannot be read ends the walk on that branch.
 */
export function requireClosure(entry: string): string[] {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    let src: string;
    try {
      src = fs.readFileSync(file, "utf8");
    } catch {
      return;
    }
    seen.add(file);
    for (const m of src.matchAll(/require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) {
      const base = path.resolve(path.dirname(file), m[1]);
      const cand = [base, `${base}.js`, path.join(base, "index.js")].find(
        (c) => c.endsWith(".js") && fs.existsSync(c) && fs.statSync(c).isFile(),
      );
      if (cand) walk(cand);
    }
  };
  walk(entry);
  const [first, ...rest] = [...seen];
  return first === undefined ? [] : [first, ...rest.sort()];
}

let renderCodeMemo: string | undefined;
/** Hash of data/glyphs.js and everything it requires (the renderer, its rng, its errors). */
function renderCodeHash(): string {
  if (renderCodeMemo !== undefined) return renderCodeMemo;
  const files = requireClosure(path.join(__dirname, "..", "data", "glyphs.js"));
  renderCodeMemo = hashKey(
    files.map((f) => [path.relative(path.join(__dirname, ".."), f), fs.readFileSync(f, "utf8")]),
  );
  return renderCodeMemo;
}

let tfjsMemo: string | undefined;
/**
 * Version of the installed @tensorflow/tfjs-core (part of both cache keys); "unknown" if
 * unreadable.
 */
export function tfjsVersion(): string {
  if (tfjsMemo !== undefined) return tfjsMemo;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    tfjsMemo = String(
      (require("@tensorflow/tfjs-core/package.json") as { version: string }).version,
    );
  } catch {
    tfjsMemo = "unknown";
  }
  return tfjsMemo;
}
function readRendered(file: string): ImageSet | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    const hl = buf.readUInt32LE(0);
    const head = JSON.parse(buf.subarray(4, 4 + hl).toString("utf8")) as {
      n: number;
      height: number;
      width: number;
      classNames: string[];
    };
    const off = 4 * Math.ceil((4 + hl) / 4);
    const { n, height, width } = head;
    if (buf.length !== off + 4 * n + 4 * n * height * width) return undefined;
    const labels = new Int32Array(n);
    const images = new Float32Array(n * height * width);
    new Uint8Array(labels.buffer).set(buf.subarray(off, off + 4 * n));
    new Uint8Array(images.buffer).set(buf.subarray(off + 4 * n));
    return { images, labels, n, height, width, classNames: head.classNames };
  } catch {
    return undefined; // unreadable entry: render again
  }
}
function writeRendered(file: string, s: ImageSet): void {
  const head = Buffer.from(
    JSON.stringify({ n: s.n, height: s.height, width: s.width, classNames: s.classNames }),
    "utf8",
  );
  const off = 4 * Math.ceil((4 + head.length) / 4);
  const buf = Buffer.alloc(off + 4 * s.n + 4 * s.images.length);
  buf.writeUInt32LE(head.length, 0);
  head.copy(buf, 4);
  Buffer.from(s.labels.buffer, s.labels.byteOffset, 4 * s.n).copy(buf, off);
  Buffer.from(s.images.buffer, s.images.byteOffset, 4 * s.images.length).copy(buf, off + 4 * s.n);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, buf);
  fs.renameSync(tmp, file);
}

/** Forget the in-thread memo of rendered and loaded sets (the disk cache stays). */
export function clearRenderMemo(): void {
  memo.clear();
}

/** Every input of one glyphSetAt rendering. */
export interface RenderArgs {
  n: number;
  dataSeed: number;
  angleDeg: number;
  jitter: number;
  blur: number;
  supersample: number;
  /** Random angles per glyph from rng(angleSeed) (glyphDataset's angleSeed; angleDeg must be 0). */
  angleSeed?: number;
}

/**
 * Glyph set rendered at `angleDeg` from data seed `dataSeed` (same glyphs, scales and positions at
 * every angle; each glyph turns about its own centre). With `jitter` 0 every glyph is centred on
 * the image, so a rendering at 90° is exactly rot90 of the upright one and other angles are exact
 * continuous rotations. Memoised in the thread and on disk (see renderFile).
 */
export function glyphSetAt(
  n: number,
  angleDeg: number,
  dataSeed: number,
  jitter = 1.5,
  blur = 0,
  supersample = 4,
  angleSeed?: number,
): ImageSet {
  if (angleSeed !== undefined && (!Number.isInteger(angleSeed) || angleDeg !== 0))
    domainError(
      "glyphSetAt",
      "angleSeed",
      angleSeed,
      "an integer, with angleDeg 0 (random angles per glyph)",
    );
  if (!Number.isFinite(angleDeg))
    domainError("glyphSetAt", "angleDeg", angleDeg, "a finite angle in degrees");
  const key = `g/${n}/${dataSeed}/${angleDeg}/${jitter}/${blur}/${supersample}/${angleSeed ?? ""}`;
  let s = memo.get(key);
  if (!s) {
    const file = renderFile({
      n,
      dataSeed,
      angleDeg,
      jitter,
      blur,
      supersample,
      ...(angleSeed === undefined ? {} : { angleSeed }),
    });
    s = readRendered(file);
    if (!s) {
      const g = glyphDataset({
        n,
        seed: dataSeed,
        jitter,
        blur,
        supersample,
        ...(angleSeed === undefined
          ? { angles: angleDeg === 0 ? "upright" : (angleDeg * Math.PI) / 180 }
          : { angles: "random", angleSeed }),
      });
      s = {
        images: g.images,
        labels: g.labels,
        n: g.n,
        height: g.height,
        width: g.width,
        classNames: g.classNames,
      };
      try {
        writeRendered(file, s);
      } catch {
        // read-only cache: keep the set in memory only
      }
    }
    if (memo.size > 64) memo.clear();
    memo.set(key, s);
  }
  return s;
}

/** Every glyph rendering trainSeed(cfg) uses (training, test, probe and metric sets). */
export function renderArgsOf(cfg: SeedConfig): RenderArgs[] {
  if (cfg.data !== "glyphs") return [];
  const blur = cfg.blur ?? 0,
    supersample = cfg.supersample ?? 4;
  const out: RenderArgs[] = [
    { n: cfg.nTrain, dataSeed: cfg.dataSeed, angleDeg: 0, jitter: 1.5, blur, supersample },
  ];
  for (const angleDeg of cfg.anglesDeg)
    out.push({
      n: cfg.nTest,
      dataSeed: cfg.dataSeed + 1,
      angleDeg,
      jitter: 1.5,
      blur,
      supersample,
    });
  for (const angleDeg of cfg.probeAnglesDeg ?? cfg.anglesDeg)
    out.push({ n: cfg.nProbe, dataSeed: cfg.dataSeed + 7, angleDeg, jitter: 0, blur, supersample });
  if (cfg.eqLayers.length > 0)
    for (const angleDeg of EQ_ANGLES_DEG)
      out.push({ n: cfg.nEq, dataSeed: cfg.dataSeed + 9, angleDeg, jitter: 0, blur, supersample });
  for (let e = 0; e < rendered(cfg); e++)
    out.push({
      n: cfg.nTrain,
      dataSeed: cfg.dataSeed,
      angleDeg: 0,
      jitter: 1.5,
      blur,
      supersample,
      angleSeed: poolAngleSeed(cfg.dataSeed, e),
    });
  return out;
}
const EQ_ANGLES_DEG = [0, 15, 30, 45, 60, 75, 90];

/** Copies in cfg's rendered-augmentation pool (0 = none), checked. */
function rendered(cfg: SeedConfig): number {
  const k = cfg.renderedAugment;
  if (k === undefined) return 0;
  if (!Number.isInteger(k) || k < 1 || k > 100)
    domainError(
      "trainSeed",
      "config.renderedAugment",
      k,
      "an integer in [1, 100] (rendered copies of the training set)",
    );
  if (cfg.data !== "glyphs" || cfg.augment !== true)
    domainError(
      "trainSeed",
      "config.renderedAugment",
      k,
      'undefined unless data is "glyphs" and augment is true',
    );
  return k;
}

/** The rendered-augmentation pool of cfg (see SeedConfig.renderedAugment). */
function poolOf(cfg: SeedConfig): ImageSet[] {
  const blur = cfg.blur ?? 0,
    ss = cfg.supersample ?? 4;
  return Array.from({ length: rendered(cfg) }, (_, e) =>
    glyphSetAt(cfg.nTrain, 0, cfg.dataSeed, 1.5, blur, ss, poolAngleSeed(cfg.dataSeed, e)),
  );
}

/** parallelSeeds entry: render (or find on disk) set `id` of `batch.args`; returns its size. */
export function renderJob(batch: { args: RenderArgs[] }, id: number): { n: number } {
  if (
    !batch ||
    !Array.isArray(batch.args) ||
    !Number.isInteger(id) ||
    id < 0 ||
    id >= batch.args.length
  )
    domainError("renderJob", "id", id, "an index into batch.args");
  const a = batch.args[id];
  return {
    n: glyphSetAt(a.n, a.angleDeg, a.dataSeed, a.jitter, a.blur, a.supersample, a.angleSeed).n,
  };
}

function trainSet(cfg: SeedConfig): ImageSet {
  const key = `train/${cfg.data}/${cfg.nTrain}/${cfg.dataSeed}/${cfg.blur ?? 0}/${cfg.supersample ?? 4}`;
  let s = memo.get(key);
  if (!s) {
    // glyphs: the same call glyphDataset({ n, seed, angles: "upright", blur, supersample }) made
    // before (default jitter 1.5), now through the shared render cache
    s =
      cfg.data === "glyphs"
        ? glyphSetAt(cfg.nTrain, 0, cfg.dataSeed, 1.5, cfg.blur ?? 0, cfg.supersample ?? 4)
        : loadFashionMnist({ split: "train", n: cfg.nTrain, seed: cfg.dataSeed });
    memo.set(key, s);
  }
  return s;
}

function testAt(cfg: SeedConfig, angleDeg: number): ImageSet {
  if (cfg.data === "glyphs")
    return glyphSetAt(
      cfg.nTest,
      angleDeg,
      cfg.dataSeed + 1,
      1.5,
      cfg.blur ?? 0,
      cfg.supersample ?? 4,
    );
  const key = `fashion-test/${cfg.nTest}/${cfg.dataSeed}`;
  let s = memo.get(key);
  if (!s) {
    s = loadFashionMnist({ split: "test", n: cfg.nTest, seed: cfg.dataSeed + 1 });
    memo.set(key, s);
  }
  if (angleDeg === 0) return s;
  return {
    ...s,
    images: rotateArray(s.images, [s.n, s.height, s.width, 1], (angleDeg * Math.PI) / 180),
  };
}

/**
 * Relative changes ‖g_k(α) − g_k(0)‖/‖g_k(0)‖ of the outputs g_k = outputs(x)[k] of one pass over
 * the probe glyphs rendered at each angle; returns one list per output.
 */
function relativeChanges(
  outputs: (x: tf.Tensor4D) => tf.Tensor[],
  probe: (angleDeg: number) => tf.Tensor4D,
  angles: number[],
): number[][] {
  const ref = tf.tidy(() => outputs(probe(0)));
  const norms = ref.map((g0) => tf.tidy(() => tf.norm(g0).dataSync()[0]));
  try {
    if (norms.some((n0) => !(n0 > 0)))
      domainError(
        "trainSeed",
        "features of the upright probe",
        "all zeros",
        "a non-zero output (the relative change is undefined)",
      );
    const out: number[][] = ref.map(() => []);
    for (const a of angles) {
      tf.tidy(() =>
        outputs(probe(a)).forEach((g, k) =>
          out[k].push(tf.norm(tf.sub(g, ref[k])).dataSync()[0] / norms[k]),
        ),
      );
    }
    return out;
  } finally {
    ref.forEach((g0) => g0.dispose());
  }
}

/**
 * Relative change ‖g(α) − g(0)‖/‖g(0)‖ of a model's batch output for glyphs rendered at each angle.
 */
function renderedInvariance(
  model: tf.LayersModel,
  probe: (angleDeg: number) => tf.Tensor4D,
  angles: number[],
): number[] {
  return relativeChanges((x) => [model.predict(x) as tf.Tensor], probe, angles)[0];
}

/**
 * renderedInvariance of the global-pool features and of the logits in one pass (session 6,
 * budget): the logits are the `head` layer applied to the features already computed, which is
 * bit-for-bit what the whole model's predict gives (the head is the model's last layer, a dense
 * layer on the feature batch; checked on every notebook-05 model) and saves the second forward
 * pass. Returns [feature changes, logit changes].
 */
function renderedInvariancePair(
  feats: tf.LayersModel,
  head: tf.layers.Layer,
  probe: (angleDeg: number) => tf.Tensor4D,
  angles: number[],
): [number[], number[]] {
  const [fc, lc] = relativeChanges(
    (x) => {
      const f = feats.predict(x) as tf.Tensor;
      return [f, head.apply(f) as tf.Tensor];
    },
    probe,
    angles,
  );
  return [fc, lc];
}

/** Share of conv2's output power in orders ν ≥ 2 (B-CNN only), on the probe glyphs. */
function highOrderShare(model: tf.LayersModel, x: tf.Tensor4D): number {
  const layer = model.getLayer("conv2");
  if (!(layer instanceof BesselConv2D)) return NaN;
  const before = featureModel(
    model,
    model.layers.some((l) => l.name === "pool1") ? "pool1" : "relu1",
  );
  return tf.tidy(() => {
    const input = before.predict(x) as tf.Tensor4D;
    const e = Array.from(tf.sum(layer.orderPower(input), [0, 1, 2, 4]).dataSync());
    const tot = e.reduce((s, v) => s + v, 0);
    const hi = layer.basis.orders.reduce((s, nu, v) => s + (nu >= 2 ? e[v] : 0), 0);
    if (!(tot > 0)) domainError("highOrderShare", "conv2 power", tot, "non-zero response power");
    return hi / tot;
  });
}

/**
 * Per-glyph change of two rotation-invariant image statistics between the upright rendering and
 * the rendering at each angle: ink (pixel sum) and L2 norm, as root-mean-square over the `n`
 * centred probe glyphs (jitter 0) of |s(α) − s(0)| / s(0). For an exact area-coverage renderer the
 * ink is the same at every angle; a coarse sub-sample grid snaps axis-aligned edges at 0° and 90°
 * only, so the ink then changes at every off-grid angle. (The L2 norm of area-sampled pixels
 * also depends on how edges cross pixels, so it need not be constant even for exact coverage.)
 */
export function renderedInkChange(
  n: number,
  anglesDeg: readonly number[],
  dataSeed: number,
  blur = 0,
  supersample = 4,
): { ink: number[]; l2: number[] } {
  const fn = "renderedInkChange";
  if (!Number.isInteger(n) || n < 1) domainError(fn, "n", n, "an integer ≥ 1");
  if (
    !Array.isArray(anglesDeg) ||
    anglesDeg.length === 0 ||
    anglesDeg.some((a) => !Number.isFinite(a))
  )
    domainError(fn, "anglesDeg", anglesDeg, "a non-empty array of finite degrees");
  const base = glyphSetAt(n, 0, dataSeed, 0, blur, supersample);
  const P = base.height * base.width;
  const stat = (im: Float32Array, i: number): [number, number] => {
    let s = 0,
      q = 0;
    for (let k = i * P; k < (i + 1) * P; k++) {
      s += im[k];
      q += im[k] * im[k];
    }
    return [s, Math.sqrt(q)];
  };
  const ink: number[] = [],
    l2: number[] = [];
  for (const a of anglesDeg) {
    const g = glyphSetAt(n, a, dataSeed, 0, blur, supersample);
    let ri = 0,
      rl = 0;
    for (let i = 0; i < n; i++) {
      const [s0, l0] = stat(base.images, i),
        [s1, l1] = stat(g.images, i);
      if (!(s0 > 0)) domainError(fn, `upright glyph ${i}`, "blank", "a glyph with ink");
      ri += ((s1 - s0) / s0) ** 2;
      rl += ((l1 - l0) / l0) ** 2;
    }
    ink.push(Math.sqrt(ri / n));
    l2.push(Math.sqrt(rl / n));
  }
  return { ink, l2 };
}

/**
 * Relative change ‖g(α) − g(0)‖/‖g(0)‖ of an *untrained* network's global-pool features for the
 * `nProbe` centred probe glyphs of trainSeed (data seed `dataSeed + 7`), rendered at each angle
 * with the given prefilter and sub-sample grid. Weight-independent parts of the change (e.g. the
 * renderer's ink change) show up here as the same value for every seed.
 */
export function untrainedFeatureChange(
  spec: NetSpec,
  anglesDeg: readonly number[],
  seed: number,
  opts: { nProbe: number; dataSeed: number; blur?: number; supersample?: number },
): number[] {
  const fn = "untrainedFeatureChange";
  if (!Number.isInteger(seed) || seed < 0) domainError(fn, "seed", seed, "an integer ≥ 0");
  if (!Number.isInteger(opts.nProbe) || opts.nProbe < 1)
    domainError(fn, "opts.nProbe", opts.nProbe, "an integer ≥ 1");
  if (
    !Array.isArray(anglesDeg) ||
    anglesDeg.length === 0 ||
    anglesDeg.some((a) => !Number.isFinite(a))
  )
    domainError(fn, "anglesDeg", anglesDeg, "a non-empty array of finite degrees");
  const model = buildNet({ ...spec, seed });
  try {
    const feats = featureModel(model, spec.kind === "c4" ? "opool" : "gpool");
    const probe = (angleDeg: number) => {
      const s = glyphSetAt(
        opts.nProbe,
        angleDeg,
        opts.dataSeed + 7,
        0,
        opts.blur ?? 0,
        opts.supersample ?? 4,
      );
      return tf.tensor4d(s.images, [s.n, s.height, s.width, 1]);
    };
    return renderedInvariance(feats, probe, [0, ...anglesDeg]).slice(1);
  } finally {
    model.dispose();
  }
}

export type SeedResult = Record<string, number | number[]>;

/** Phases of trainSeed, in the order of its `phaseSeconds` result. */
export const PHASES = [
  "render",
  "probe untrained",
  "train",
  "probe trained",
  "test",
  "metrics",
] as const;
let phaseClock: () => number = () => performance.now() / 1000;
/**
 * Clock of trainSeed's per-phase times (seconds). Default: wall time. A profile run in one thread
 * may pass CPU time (`() => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; }`);
 * in worker threads process.cpuUsage covers the whole process, so wall time is the default there.
 */
export function setPhaseClock(clock?: () => number): void {
  phaseClock = clock ?? (() => performance.now() / 1000);
}

/** One seed of the experiment (see file comment). Returns plain numbers and number arrays. */
export async function trainSeed(cfg: SeedConfig, seed: number): Promise<SeedResult> {
  const fn = "trainSeed";
  if (cfg.data !== "glyphs" && cfg.data !== "fashion")
    domainError(fn, "config.data", cfg.data, '"glyphs" or "fashion"');
  if (!Number.isInteger(seed) || seed < 0) domainError(fn, "seed", seed, "an integer ≥ 0");
  if (!Array.isArray(cfg.anglesDeg) || cfg.anglesDeg[0] !== 0)
    domainError(fn, "config.anglesDeg", cfg.anglesDeg, "an array of degrees starting with 0");
  const angles = cfg.anglesDeg;
  const spec: NetSpec = { ...cfg.spec, seed };
  const model = buildNet(spec);
  const res: SeedResult = {};
  const gpName = spec.kind === "c4" ? "opool" : "gpool";
  const blur = cfg.blur ?? 0;
  const ss = cfg.supersample ?? 4;
  if (!Number.isInteger(ss) || ss < 1 || ss > 16)
    domainError(fn, "config.supersample", ss, "an integer in [1, 16]");
  if (!(typeof blur === "number" && blur >= 0 && Number.isFinite(blur)))
    domainError(fn, "config.blur", blur, "a finite number ≥ 0 (pixels)");
  const probeAngles = cfg.probeAnglesDeg ?? angles;
  if (!Array.isArray(probeAngles) || probeAngles[0] !== 0)
    domainError(fn, "config.probeAnglesDeg", probeAngles, "an array of degrees starting with 0");
  const probe = (angleDeg: number) => {
    const s = glyphSetAt(cfg.nProbe, angleDeg, cfg.dataSeed + 7, 0, blur, ss);
    return tf.tensor4d(s.images, [s.n, s.height, s.width, 1]);
  };
  if (!Number.isInteger(cfg.nProbe) || cfg.nProbe < 1)
    domainError(fn, "config.nProbe", cfg.nProbe, "an integer ≥ 1");
  // Time per phase (seconds of `phaseClock`), reported as res.phaseSeconds in PHASES order; the
  // data sets are rendered (or loaded) first, in their own phase, so the others are pure compute.
  const phase: number[] = [];
  let tPhase = phaseClock();
  const lap = () => {
    const t = phaseClock();
    phase.push(t - tPhase);
    tPhase = t;
  };
  trainSet(cfg);
  for (const a of angles) testAt(cfg, a);
  for (const a of probeAngles) glyphSetAt(cfg.nProbe, a, cfg.dataSeed + 7, 0, blur, ss);
  if (cfg.data === "glyphs" && cfg.eqLayers.length > 0)
    for (const a of EQ_ANGLES_DEG) glyphSetAt(cfg.nEq, a, cfg.dataSeed + 9, 0, blur, ss);
  const pool = poolOf(cfg);
  lap();
  if (cfg.probes !== undefined && typeof cfg.probes !== "boolean")
    domainError(fn, "config.probes", cfg.probes, "true, false or undefined");
  const measure = (tag: string) => {
    if (cfg.probes === false) {
      // same keys as a probed run (parallel runs are collected key by key), no work
      for (const k of ["featureChange", "logitChange", "highOrderShare"]) res[`${k}${tag}`] = [];
      return;
    }
    const feats = featureModel(model, gpName);
    const head = model.layers[model.layers.length - 1];
    if (head.name !== "logits")
      domainError(
        fn,
        "the model's last layer",
        head.name,
        '"logits" (the dense head on the global-pool features)',
      );
    [res[`featureChange${tag}`], res[`logitChange${tag}`]] = renderedInvariancePair(
      feats,
      head,
      probe,
      probeAngles,
    );
    // Every seed and model reports the same keys (parallel runs are collected key by key):
    // B-CNN-only numbers are one-element arrays, empty for the other models.
    const x = probe(0);
    res[`highOrderShare${tag}`] = spec.kind === "bcnn" ? [highOrderShare(model, x)] : [];
    x.dispose();
  };
  try {
    measure("Untrained");
    lap();
    const hist = await trainClassifier(model, trainSet(cfg), {
      epochs: cfg.epochs,
      batchSize: cfg.batch,
      learningRate: cfg.lr,
      seed,
      ...(pool.length > 0
        ? { augment: "pool" as const, pool }
        : { augment: cfg.augment ? ("rotate" as const) : ("none" as const) }),
      ...(cfg.until ? { until: cfg.until } : {}),
    });
    res.epochsUsed = hist.epochs;
    // 1 / 0 when an early-stop criterion was set, −1 without one (results must be finite)
    res.criterionMet = cfg.until ? (hist.criterionMet ? 1 : 0) : -1;
    res.trainAccCurve = hist.trainAcc ?? [];
    res.finalLoss = hist.loss[hist.loss.length - 1];
    res.lossCurve = hist.loss;
    res.seconds = hist.seconds;
    lap();
    measure("Trained");
    lap();
    const evals = angles.map((a) => accuracyAndLoss(model, testAt(cfg, a)));
    res.acc = evals.map((e) => e.accuracy);
    res.xent = evals.map((e) => e.loss);
    // with early stop, the last per-epoch check measured exactly this (same weights, same
    // calibrated statistics, same set and batches): reuse it (session 6, budget)
    const last = hist.trainAcc?.[hist.trainAcc.length - 1];
    res.trainAcc = last !== undefined ? last : accuracy(model, trainSet(cfg));
    lap();
    const eqOurs: number[] = [],
      eqPaper: number[] = [],
      eq90Ours: number[] = [],
      eq90Paper: number[] = [];
    // maps left out of the paper-style metric (constant on the disk), summed over the 15°–75°
    // angles
    const eqExcluded: number[] = [];
    for (const name of cfg.eqLayers) {
      const s =
        cfg.data === "glyphs"
          ? glyphSetAt(cfg.nEq, 0, cfg.dataSeed + 9, 0, blur, ss)
          : testAt(cfg, 0);
      const x = tf.tensor4d(s.images.subarray(0, cfg.nEq * s.height * s.width), [
        cfg.nEq,
        s.height,
        s.width,
        1,
      ]);
      const fm = featureModel(model, name);
      const f = (t: tf.Tensor4D) => fm.predict(t) as tf.Tensor;
      const eqAngles = [15, 30, 45, 60, 75];
      // C4 fields: the target's orientation blocks are cycled too (metrics.ts, c4Field)
      const c4Field = cfg.spec.kind === "c4";
      const opts =
        cfg.data === "glyphs"
          ? {
              c4Field,
              rotatedInput: (angleDeg: number) => {
                const g = glyphSetAt(cfg.nEq, angleDeg, cfg.dataSeed + 9, 0, blur, ss);
                return tf.tensor4d(g.images, [cfg.nEq, g.height, g.width, 1]);
              },
            }
          : { c4Field };
      eqOurs.push(equivarianceError(f, x, eqAngles, opts).mean);
      const pm = paperEquivarianceError(f, x, eqAngles, opts);
      eqPaper.push(pm.mean);
      eqExcluded.push(pm.excluded ?? 0);
      // control: at 90° the B-CNNs and the C4 CNN must give ≈ 0 under both metrics
      eq90Ours.push(equivarianceError(f, x, [90], opts).mean);
      eq90Paper.push(paperEquivarianceError(f, x, [90], opts).mean);
      x.dispose();
    }
    res.eqOurs = eqOurs;
    res.eqPaper = eqPaper;
    res.eq90Ours = eq90Ours;
    res.eq90Paper = eq90Paper;
    res.eqExcluded = eqExcluded;
    lap();
    res.phaseSeconds = phase;
  } finally {
    model.dispose();
  }
  return res;
}

/** parallelSeeds entry for a batch of (config, seed) jobs: job `id` of `batch`. */
export async function trainJob(
  batch: { jobs: SeedConfig[]; seeds: number[] },
  id: number,
): Promise<SeedResult> {
  if (
    !batch ||
    !Array.isArray(batch.jobs) ||
    !Number.isInteger(id) ||
    id < 0 ||
    id >= batch.jobs.length
  )
    domainError("trainJob", "id", id, "an index into batch.jobs");
  return trainSeed(batch.jobs[id], batch.seeds[id]);
}

/** Bump when trainSeed's results change meaning, so cached runs are not reused. */
const RESULTS_VERSION = 7; // 4: layer seed 0 seeds the initialiser (tfjsSeed); 5: blur, probe angles; 6: supersample, early stop, xent, excluded maps; 7: phaseSeconds

/**
 * The compiled files whose content keys the run cache: every .js file of bcnn/, data/, tensor/,
 * tensor/wasm/ and stats/, plus everything this module and the renderer reach by relative
 * require() (special/ — the Bessel functions and zeros every basis image comes from —, tf.js,
 * tf-layers.js, errors.js, …; review s5-14 finding 2: the directory list alone missed special/
 * and the tfjs wrappers, so an edit there would have reloaded stale runs).
 */
export function runCodeFiles(): string[] {
  const files: string[] = [];
  // bcnn itself, the data generators, and the tensor/stats code a run executes (backend,
  // rotation helpers, worker pool): an edit in any of them can change a cached result.
  for (const d of [
    __dirname,
    ...["data", "tensor", "tensor/wasm", "stats"].map((x) => path.join(__dirname, "..", x)),
  ]) {
    try {
      for (const f of fs.readdirSync(d).sort()) if (f.endsWith(".js")) files.push(path.join(d, f));
    } catch {
      // directory missing (e.g. bundled): the version number alone keys the cache
    }
  }
  // and whatever this module or the renderer requires outside those directories
  for (const entry of [
    path.join(__dirname, "experiment.js"),
    path.join(__dirname, "..", "data", "glyphs.js"),
  ]) {
    for (const f of requireClosure(entry)) if (!files.includes(f)) files.push(f);
  }
  return files;
}

/**
 * Content hash of runCodeFiles(), part of the cache key so that runs cached under older library
 * code are not loaded silently. Any edit to these files, even a comment, invalidates the cache
 * (the conservative choice).
 */
let codeHashMemo: string | undefined;
function libCodeHash(): string {
  if (codeHashMemo !== undefined) return codeHashMemo;
  codeHashMemo = hashKey(runCodeFiles().map((f) => fs.readFileSync(f, "utf8")));
  return codeHashMemo;
}

/**
 * The backend part of the run-cache key: the active backend's name and, for wasm, whether the SIMD
 * binary runs and on how many threads (review s5-14 finding 2: float32 summation order moves
 * per-seed results, so a run computed by another wasm binary is another run), e.g. "wasm/simd/1".
 */
export function backendKey(): string {
  const name = backendName() ?? "wasm";
  const info = backendInfo();
  if (name !== "wasm" || info?.backend !== "wasm") return name;
  return `wasm/${info.simd ? "simd" : "nosimd"}/${info.threads ?? 1}`;
}

export interface ExperimentRuns {
  runs: Record<string, SeedRuns>;
  /** How many (config, seed) runs were loaded from the cache and how many ran now. */
  loaded: number;
  ran: number;
  seconds: number;
  /** Wall seconds of the shared rendering step before the runs (0 when nothing was pending). */
  renderSeconds: number;
}

/**
 * Check a seed list: non-empty, distinct integers ≥ 0 (a repeated seed is the same deterministic
 * run twice, which would shrink an interval to nothing). `arg` names the argument in the error.
 */
export function validateSeeds(fn: string, arg: string, seeds: unknown): number[] {
  if (!Array.isArray(seeds) || seeds.length === 0)
    domainError(
      fn,
      arg,
      Array.isArray(seeds) ? "[]" : seeds,
      "a non-empty array of distinct integer seeds ≥ 0",
    );
  const seen = new Set<number>();
  for (const s of seeds as unknown[]) {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 0)
      domainError(
        fn,
        arg,
        `[${(seeds as unknown[]).join(", ")}] (contains ${String(s)})`,
        "distinct integer seeds ≥ 0",
      );
    if (seen.has(s))
      domainError(
        fn,
        arg,
        `[${(seeds as unknown[]).join(", ")}] (seed ${s} twice)`,
        "distinct integer seeds ≥ 0 (a repeated seed repeats the same deterministic run)",
      );
    seen.add(s);
  }
  return [...(seeds as number[])];
}

/**
 * Run trainSeed for every named config and seed on `workers` threads (all jobs share one pool, so
 * both cores stay busy), with a result cache under cacheDir()/runs keyed by (config, seed, backend,
 * version, tfjs version, Node version, hash of the compiled bcnn/data/tensor/stats code). Each run
 * is a deterministic function of its key, so a cached result is the result.
 *
 * `seeds` is one list for every config, or a list per config name (e.g. more seeds for the arms
 * where the question is); every list must be non-empty with distinct integer seeds ≥ 0, checked
 * before anything is rendered or trained.
 */
export async function runExperiments(
  configs: Record<string, SeedConfig>,
  seeds: number[] | Record<string, number[]>,
  opts: { workers?: number; cache?: boolean } = {},
): Promise<ExperimentRuns> {
  const fn = "runExperiments";
  if (configs === null || typeof configs !== "object")
    domainError(fn, "configs", configs, "an object of named configs");
  const names = Object.keys(configs);
  if (names.length === 0) domainError(fn, "configs", "{}", "at least one named config");
  const seedsOf: Record<string, number[]> = {};
  if (Array.isArray(seeds)) {
    const list = validateSeeds(fn, "seeds", seeds);
    for (const name of names) seedsOf[name] = list;
  } else {
    if (seeds === null || typeof seeds !== "object")
      domainError(fn, "seeds", seeds, "an array of seeds or an object config name → seeds");
    for (const k of Object.keys(seeds))
      if (!names.includes(k))
        domainError(fn, "seeds", `{ "${k}": … }`, "seed lists only for names in configs");
    for (const name of names) seedsOf[name] = validateSeeds(fn, `seeds["${name}"]`, seeds[name]);
  }
  const backend = backendKey();
  const dir = path.join(cacheDir(), "runs");
  const useCache = opts.cache ?? true;
  const t0 = Date.now();
  const jobs = names.flatMap((name) =>
    seedsOf[name].map((seed) => ({
      name,
      seed,
      file: path.join(
        dir,
        `${hashKey({ v: RESULTS_VERSION, code: libCodeHash(), tfjs: tfjsVersion(), node: process.version, backend, cfg: configs[name], seed })}.json`,
      ),
    })),
  );
  const results = new Map<string, SeedResult>();
  for (const j of jobs) {
    if (useCache && fs.existsSync(j.file)) {
      try {
        results.set(
          `${j.name}/${j.seed}`,
          JSON.parse(fs.readFileSync(j.file, "utf8")) as SeedResult,
        );
      } catch {
        // unreadable entry: run again
      }
    }
  }
  // Longest first (B-CNN, augmented), so the last job to start is a short one.
  const cost = (c: SeedConfig) =>
    (c.spec.kind === "bcnn" ? 4 : c.spec.kind === "c4" ? 2 : 1) * c.nTrain * c.epochs;
  const todo = jobs
    .filter((j) => !results.has(`${j.name}/${j.seed}`))
    .sort((a, b) => cost(configs[b.name]) - cost(configs[a.name]));
  let renderSeconds = 0;
  if (todo.length > 0) {
    // Render every glyph set the pending runs need once, split over the workers, before training
    // (each worker used to render all of them itself); the runs then read them from disk.
    const tr = Date.now();
    const seen = new Set<string>();
    const args = todo
      .flatMap((j) => renderArgsOf(configs[j.name]))
      .filter((a) => {
        const f = renderFile(a);
        if (seen.has(f) || fs.existsSync(f)) return false;
        seen.add(f);
        return true;
      })
      .sort((a, b) => b.n - a.n);
    if (args.length > 0) {
      await parallelSeeds({
        ns: "bcnn",
        fn: "renderJob",
        config: { args },
        seeds: args.map((_, i) => i),
        ...(opts.workers === undefined ? {} : { workers: opts.workers }),
      });
    }
    renderSeconds = (Date.now() - tr) / 1000;
    const r = await parallelSeeds({
      ns: "bcnn",
      fn: "trainJob",
      config: { jobs: todo.map((j) => configs[j.name]), seeds: todo.map((j) => j.seed) },
      seeds: todo.map((_, i) => i),
      ...(opts.workers === undefined ? {} : { workers: opts.workers }),
    });
    // parallelSeeds collects by key; rebuild each job's object from the collected values.
    todo.forEach((j, i) => {
      const one: SeedResult = {};
      for (const [k, v] of Object.entries(r.values)) one[k] = v[i];
      for (const [k, v] of Object.entries(r.series)) one[k] = v[i];
      results.set(`${j.name}/${j.seed}`, one);
      if (useCache) {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${j.file}.tmp-${process.pid}`;
        fs.writeFileSync(tmp, JSON.stringify(one));
        fs.renameSync(tmp, j.file);
      }
    });
  }
  const runs: Record<string, SeedRuns> = {};
  for (const name of names)
    runs[name] = collectRuns(
      `runExperiments ${name}`,
      [...seedsOf[name]],
      seedsOf[name].map((s) => results.get(`${name}/${s}`)!),
    );
  return {
    runs,
    loaded: jobs.length - todo.length,
    ran: todo.length,
    seconds: (Date.now() - t0) / 1000,
    renderSeconds,
  };
}

/**
 * A B-CNN spec with the layout of `base` and widths round(s·w) for the common scale s whose
 * parameter count is closest to `target` (e.g. to compare basis policies at equal parameters).
 */
export function scaledToParams(base: NetSpec, target: number): NetSpec {
  if (typeof target !== "number" || !Number.isFinite(target) || target < 1)
    domainError("scaledToParams", "target", target, "a finite parameter count ≥ 1");
  let best = base;
  let gap = Infinity;
  for (let s = 0.3; s <= 3; s += 0.01) {
    const cand: NetSpec = {
      ...base,
      widths: base.widths.map((w) => Math.max(1, Math.round(s * w))),
    };
    const g = Math.abs(countParams(cand) - target);
    if (g < gap) {
      gap = g;
      best = cand;
    }
  }
  return best;
}

export interface Notebook05Params {
  glyphTrain: number;
  glyphEpochs: number;
  glyphTest: number;
  fashionTrain: number;
  fashionEpochs: number;
  fashionTest: number;
  batch: number;
  lr: number;
  angleStepDeg: number;
  nProbe: number;
  nEq: number;
  augment: boolean;
  dataSeed: number;
  /** Gaussian prefilter (px) of every glyph rendering; default 0. */
  blur?: number;
  /** Extra small angles (degrees) for the probe's feature change, e.g. [1, 3, 7]; default none. */
  probeExtraDeg?: number[];
  /** Sub-samples per pixel side of every glyph rendering; default 4. */
  supersample?: number;
  /**
   * Glyph runs: early stop at this training accuracy (evaluated each epoch from glyphEpochs on).
   */
  minTrainAcc?: number;
  /** Glyph runs with minTrainAcc: the most epochs a run may use. */
  maxGlyphEpochs?: number;
  /**
   * Add the rendered-rotation control arm (`glyphs/bcnnSteer/augRendered`, itself augmented,
   * whatever `augment` says); default false: since session 6 it is outside notebook 05's budgeted
   * run (`-p renderedControl=true`).
   */
  renderedControl?: boolean;
}
/**
 * The model specs of notebook 05: the B-CNN with the paper's basis (`defaultBcnnSpec`), the
 * B-CNN with the steerable basis evaluated on bumps of the glyph prefilter's width `blur` (its
 * `steerSigma`), the B-CNN with the steerable basis at the σ = 1 px default (`bcnnSteer1`, the
 * previous version's basis, kept as a third arm), both widened to the same parameter count, and
 * the plain CNN and C4 group CNN matched to the paper-basis B-CNN's parameter count.
 * B-conv compute path (session 5, chosen before the final run by whole-run CPU profiles,
 * `scripts/profile-bcnn05.cjs`, seed 101, and `BENCH_ONLY=bconv npm run bench -- bcnn`): the paper
 * basis mixes order by order ("basis": training 16.9 vs 20.9 CPU-s per run with the filter bank);
 * the two steerable B-CNNs keep the dense mixing ("basisDense"), whose whole runs cost the same as
 * per-order mixing (σ = 0.8 px 23.6 vs 24.7 CPU-s, σ = 1 px 20.3 vs 21.3: per-order trains a little
 * faster and evaluates slower). Same parameters, initialisation and outputs to float32 summation
 * order (test/bcnn-basisfirst.test.ts) — but not the same trained networks as an earlier path:
 * the summation order changes the training trajectory (notebook 05 §2 measures by how much).
 */
export function notebook05Specs(opts: {
  blur: number;
}): Record<"bcnnPaper" | "bcnnSteer" | "bcnnSteer1" | "cnn" | "c4", NetSpec> {
  // One source of truth: the steerable policy is measured on bumps as wide as the prefilter the
  // notebook applies to its glyphs, so the kept modes cannot drift from the inputs' band limit.
  const fn = "notebook05Specs";
  const blur = opts?.blur;
  if (!(typeof blur === "number" && blur >= 0.25 && blur <= 5))
    domainError(
      fn,
      "opts.blur",
      blur,
      "the glyph prefilter σ in pixels, in [0.25, 5] (the policy's bump width)",
    );
  const paper = defaultBcnnSpec();
  let steer: NetSpec;
  try {
    steer = {
      ...scaledToParams(
        defaultBcnnSpec({ basis: "steerable", steerSigma: blur }),
        countParams(paper),
      ),
      bconv: "basisDense",
    };
  } catch (e) {
    // the policy found no mode with ν > 0 that steers on bumps this narrow: name the caller's
    // argument
    if (e instanceof DomainError)
      domainError(
        fn,
        "opts.blur",
        blur,
        `a prefilter σ on whose bumps some mode with ν > 0 steers within 10% at K = 5 (none does at ${blur} px; σ ≥ 0.6 px works)`,
      );
    throw e;
  }
  return {
    bcnnPaper: { ...paper, bconv: "basis" },
    bcnnSteer: steer,
    bcnnSteer1: {
      ...scaledToParams(defaultBcnnSpec({ basis: "steerable", steerSigma: 1 }), countParams(paper)),
      bconv: "basisDense",
    },
    cnn: matchedCnnSpec(paper, "cnn"),
    c4: matchedCnnSpec(paper, "c4"),
  };
}

/**
 * The configurations notebook 05 runs, sized to fit its time budget (full mode of 04 + 05 in about
 * six minutes on two idle cores), cutting configurations before seeds:
 * - glyphs, upright training: all five models (the invariance experiment and the §5.5-style
 * metric);
 *  - glyphs, augmented training (if `P.augment`): the CNN and both B-CNNs (the "with and
 *    without augmentation" for both bases; no probes or metrics in these runs, only accuracy —
 *    since session 5 the probes are not computed either, `probes: false`);
 *  - Fashion-MNIST, upright training: the steerable B-CNN and the CNN only (a smaller confirmation
 *    on photographs, rotated bilinearly).
 * Keys like "glyphs/bcnnPaper/upright".
 */
export function notebook05Configs(P: Notebook05Params): Record<string, SeedConfig> {
  const fn = "notebook05Configs";
  if (P === null || typeof P !== "object")
    domainError(fn, "P", P, "the notebook's parameter object");
  if (P.blur === undefined)
    domainError(
      fn,
      "P.blur",
      P.blur,
      "the glyph prefilter σ (px); the steerable basis is derived from it",
    );
  // checked here, before any worker renders or trains (a bad value used to fail inside the runs,
  // or silently: angleStepDeg NaN gave no angles, 7 gave no 90° reference)
  if (!(Number.isInteger(P.angleStepDeg) && P.angleStepDeg >= 1 && 90 % P.angleStepDeg === 0))
    domainError(
      fn,
      "P.angleStepDeg",
      P.angleStepDeg,
      "a positive integer dividing 90 (degrees), so that 0° and 90° are both tested",
    );
  const ss = P.supersample ?? 4;
  if (!(Number.isInteger(ss) && ss >= 1 && ss <= 16))
    domainError(fn, "P.supersample", P.supersample, "an integer in [1, 16]");
  if (!(Number.isInteger(P.nProbe) && P.nProbe >= 1))
    domainError(fn, "P.nProbe", P.nProbe, "an integer ≥ 1");
  if (!(Number.isInteger(P.nEq) && P.nEq >= 1)) domainError(fn, "P.nEq", P.nEq, "an integer ≥ 1");
  if (P.renderedControl !== undefined && typeof P.renderedControl !== "boolean")
    domainError(
      fn,
      "P.renderedControl",
      JSON.stringify(P.renderedControl) ?? String(P.renderedControl),
      "true or false (undefined = false)",
    );
  const specs = notebook05Specs({ blur: P.blur });
  const angles = Array.from({ length: 90 / P.angleStepDeg + 1 }, (_, i) => i * P.angleStepDeg);
  const probeAnglesDeg = [...new Set([...angles, ...(P.probeExtraDeg ?? [])])].sort(
    (a, b) => a - b,
  );
  const blur = P.blur ?? 0;
  const glyphs = (spec: NetSpec, augment: boolean): SeedConfig => ({
    data: "glyphs",
    spec,
    nTrain: P.glyphTrain,
    epochs: P.glyphEpochs,
    batch: P.batch,
    lr: P.lr,
    augment,
    // the augmented runs use only their accuracies: no probes (session 5, budget)
    ...(augment ? { probes: false } : {}),
    nTest: P.glyphTest,
    anglesDeg: angles,
    dataSeed: P.dataSeed,
    nProbe: P.nProbe,
    eqLayers: augment ? [] : ["relu1", "relu3"],
    nEq: P.nEq,
    blur,
    probeAnglesDeg,
    supersample: P.supersample ?? 4,
    ...(P.minTrainAcc !== undefined
      ? { until: { trainAcc: P.minTrainAcc, maxEpochs: P.maxGlyphEpochs ?? P.glyphEpochs } }
      : {}),
  });
  const out: Record<string, SeedConfig> = {};
  for (const [model, spec] of Object.entries(specs))
    out[`glyphs/${model}/upright`] = glyphs(spec, false);
  if (P.augment) {
    out["glyphs/cnn/aug"] = glyphs(specs.cnn, true);
    out["glyphs/bcnnPaper/aug"] = glyphs(specs.bcnnPaper, true);
    out["glyphs/bcnnSteer/aug"] = glyphs(specs.bcnnSteer, true);
  }
  // session 6: the σ = 0.8 px arm augmented by rendered rotations (one fresh rendering of every
  // training glyph per epoch, up to the most epochs a run may use), the control of §4; opt-in,
  // outside the budgeted run, and independent of `augment` (its own config is augmented) so that
  // a smoke run can exercise it
  if (P.renderedControl)
    out["glyphs/bcnnSteer/augRendered"] = {
      ...glyphs(specs.bcnnSteer, true),
      renderedAugment: P.maxGlyphEpochs ?? P.glyphEpochs,
    };
  for (const model of ["bcnnSteer", "cnn"] as const) {
    out[`fashion/${model}/upright`] = {
      data: "fashion",
      spec: specs[model],
      nTrain: P.fashionTrain,
      epochs: P.fashionEpochs,
      batch: P.batch,
      lr: P.lr,
      augment: false,
      nTest: P.fashionTest,
      anglesDeg: angles,
      dataSeed: P.dataSeed,
      nProbe: P.nProbe,
      eqLayers: [],
      nEq: P.nEq,
      probeAnglesDeg,
      probes: false, // their probes would be glyph renderings, which notebook 05 does not use for these runs
    };
  }
  return out;
}

/**
 * The floor of both feature-map metrics (ours and the paper-style one) off the grid: their values
 * for operators that are exactly rotation-equivariant in the continuum, on the same rendered,
 * centred metric glyphs as trainSeed (data seed `dataSeed + 9`, rendered at each angle) with the
 * same bicubic rotation of the feature map and the same disk mask. The operator is a stack of 8
 * isotropic Gaussian blurs (σ = 0 (identity), 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5 px) — 8 maps, so the
 * paper-style metric scores 8 maps as it does for the networks:
 *  - "relu1" (28×28): the stack itself;
 *  - "relu3" (7×7): the stack averaged over 4×4 blocks (the networks' two 2×2 average pools; the
 *    box is not isotropic, so this floor includes the pools' own anisotropy).
 * A lower bound for network maps, not a resolution limit: these operators' maps are smooth, while
 * trained ReLU maps after 5×5 filters carry more high-frequency content, which the same bicubic
 * rotation and mask reproduce less well. 15°–75° mean, like trainSeed's eqOurs / eqPaper.
 */
export function equivarianceFloor(opts: {
  nEq: number;
  dataSeed: number;
  blur: number;
  supersample: number;
}): Record<"relu1" | "relu3", { ours: number; paper: number }> {
  const fn = "equivarianceFloor";
  if (!Number.isInteger(opts.nEq) || opts.nEq < 1)
    domainError(fn, "opts.nEq", opts.nEq, "an integer ≥ 1");
  const sigmas = [0, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5];
  const R = 8; // kernel radius (px): covers 3σ of the widest blur
  const kern = new Float32Array((2 * R + 1) ** 2 * sigmas.length);
  sigmas.forEach((sg, c) => {
    let tot = 0;
    const w: number[] = [];
    for (let i = -R; i <= R; i++)
      for (let j = -R; j <= R; j++) {
        const v =
          sg === 0 ? (i === 0 && j === 0 ? 1 : 0) : Math.exp(-(i * i + j * j) / (2 * sg * sg));
        w.push(v);
        tot += v;
      }
    w.forEach((v, p) => {
      kern[p * sigmas.length + c] = v / tot;
    });
  });
  const k = tf.tensor4d(kern, [2 * R + 1, 2 * R + 1, 1, sigmas.length]);
  const render = (angleDeg: number) => {
    const g = glyphSetAt(opts.nEq, angleDeg, opts.dataSeed + 9, 0, opts.blur, opts.supersample);
    return tf.tensor4d(g.images, [opts.nEq, g.height, g.width, 1]);
  };
  const stack = (t: tf.Tensor4D) => tf.conv2d(t, k, 1, "same");
  const fields: Record<"relu1" | "relu3", (t: tf.Tensor4D) => tf.Tensor> = {
    relu1: stack,
    relu3: (t) => tf.avgPool(stack(t), 4, 4, "valid"),
  };
  const angles = [15, 30, 45, 60, 75];
  let x: tf.Tensor4D | undefined;
  try {
    // inside the try: a failed rendering (bad blur, supersample, dataSeed) must not leak `k`
    x = render(0);
    const out = {} as Record<"relu1" | "relu3", { ours: number; paper: number }>;
    for (const layer of ["relu1", "relu3"] as const) {
      const f = fields[layer];
      out[layer] = {
        ours: equivarianceError(f, x, angles, { rotatedInput: render }).mean,
        paper: paperEquivarianceError(f, x, angles, { rotatedInput: render }).mean,
      };
    }
    return out;
  } finally {
    x?.dispose();
    k.dispose();
  }
}
