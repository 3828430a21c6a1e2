import { strict as assert } from "node:assert";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { data, FormatError, ShapeError, rng } from "besselbook";

const SUBSET = data.defaultFashionMnistDir();
const DEBIAN = "/usr/share/datasets/fashion-mnist";

function counts(labels: Int32Array, k: number): number[] {
  const c = new Array(k).fill(0);
  for (const y of labels) c[y]++;
  return c;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("data/fashion-mnist subset (shipped)", () => {
  it("train has 1000 and test 200 examples of each of the 10 classes, 28×28, values in [0,1]", () => {
    for (const [split, per] of [
      ["train", 1000],
      ["test", 200],
    ] as const) {
      const d = data.loadFashionMnist({ split });
      assert.equal(d.n, 10 * per);
      assert.equal(d.height, 28);
      assert.equal(d.width, 28);
      assert.deepEqual(d.classNames, [...data.FASHION_MNIST_CLASSES]);
      assert.deepEqual(d.classIds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(counts(d.labels, 10), new Array(10).fill(per));
      assert.equal(d.images.length, d.n * 28 * 28);
      let lo = Infinity,
        hi = -Infinity,
        sum = 0;
      for (const v of d.images) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        sum += v;
      }
      assert.equal(lo, 0);
      assert.equal(hi, 1);
      // Fashion-MNIST mean intensity is ≈ 0.286 (72.9/255); a balanced subset lands near it.
      const mean = sum / d.images.length;
      assert.ok(mean > 0.25 && mean < 0.32, `mean intensity ${mean}`);
    }
  });

  it("records the source indices in indices.json and inside the binary, all distinct", () => {
    const idx = JSON.parse(readFileSync(join(SUBSET, "indices.json"), "utf8")) as {
      train: number[];
      test: number[];
    };
    for (const split of ["train", "test"] as const) {
      const d = data.loadFashionMnist({ split });
      // Without a seed the loader returns stored order.
      assert.deepEqual(Array.from(d.sourceIndices), idx[split]);
      assert.equal(new Set(idx[split]).size, idx[split].length);
      assert.ok(idx[split].every((i) => i >= 0 && i < (split === "train" ? 60000 : 10000)));
    }
  });

  it("n/classes/seed: balanced picks, relabelled classes, determinism", () => {
    const a = data.loadFashionMnist({ split: "test", n: 25, classes: ["Sneaker", 0], seed: 7 });
    assert.deepEqual(a.classNames, ["Sneaker", "T-shirt/top"]);
    assert.deepEqual(a.classIds, [7, 0]);
    assert.deepEqual(counts(a.labels, 2), [13, 12]);
    const b = data.loadFashionMnist({ split: "test", n: 25, classes: ["Sneaker", 0], seed: 7 });
    assert.deepEqual(a.sourceIndices, b.sourceIndices);
    assert.deepEqual(a.images, b.images);
    const c = data.loadFashionMnist({ split: "test", n: 25, classes: ["Sneaker", 0], seed: 8 });
    assert.notDeepEqual(Array.from(a.sourceIndices), Array.from(c.sourceIndices));
    // The relabelled label and the original class agree with the full (unfiltered) load.
    const full = data.loadFashionMnist({ split: "test" });
    const pos = new Map(Array.from(full.sourceIndices).map((s, i) => [s, i] as const));
    for (let t = 0; t < a.n; t++) {
      const i = pos.get(a.sourceIndices[t])!;
      assert.equal(full.labels[i], a.classIds[a.labels[t]]);
      assert.deepEqual(
        a.images.subarray(t * 784, (t + 1) * 784),
        full.images.subarray(i * 784, (i + 1) * 784),
      );
    }
    const unseeded = data.loadFashionMnist({ split: "train", n: 100 });
    assert.deepEqual(counts(unseeded.labels, 10), new Array(10).fill(10));
  });

  it("rejects out-of-domain options with RangeError", () => {
    assert.throws(
      () => data.loadFashionMnist({ split: "test", n: 2001 }),
      /n = 2001.*at most 2000/,
    );
    assert.throws(
      () => data.loadFashionMnist({ split: "test", n: 401, classes: [1, 2] }),
      RangeError,
    );
    assert.throws(() => data.loadFashionMnist({ n: 0 }), RangeError);
    assert.throws(() => data.loadFashionMnist({ n: 1.5 }), RangeError);
    assert.throws(() => data.loadFashionMnist({ split: "val" as any }), RangeError);
    assert.throws(() => data.loadFashionMnist({ classes: [10] }), RangeError);
    assert.throws(() => data.loadFashionMnist({ classes: ["Hat"] }), RangeError);
    assert.throws(() => data.loadFashionMnist({ classes: [1, 1] }), RangeError);
    assert.throws(() => data.loadFashionMnist({ seed: 0.5 }), RangeError);
  });
});

describe("data/fashion-mnist subset: corrupt files → FormatError", () => {
  let dir: string;
  let raw: Buffer;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "bb-data-"));
    for (const f of ["manifest.json", "train.bin.gz", "test.bin.gz", "indices.json"])
      copyFileSync(join(SUBSET, f), join(dir, f));
    raw = gunzipSync(readFileSync(join(SUBSET, "test.bin.gz")));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = () => data.loadFashionMnist({ split: "test", dir });
  const writeTest = (payload: Buffer) => writeFileSync(join(dir, "test.bin.gz"), gzipSync(payload));
  const expectFormat = (re: RegExp) =>
    assert.throws(
      load,
      (e: unknown) =>
        e instanceof FormatError && re.test(e.message) && e.message.includes("test.bin"),
    );

  it("an intact copy loads and matches the shipped one", () => {
    assert.deepEqual(load().images, data.loadFashionMnist({ split: "test" }).images);
  });
  it("bad magic", () => {
    raw.write("XXXX", 0, "latin1");
    writeTest(raw);
    expectFormat(/bad magic "XXXX"; expected "BBFM"/);
  });
  it("unsupported version", () => {
    raw.writeUInt32LE(2, 4);
    writeTest(raw);
    expectFormat(/unsupported BBFM version 2/);
  });
  it("header count disagreeing with the manifest", () => {
    raw.writeUInt32LE(1999, 8);
    writeTest(raw);
    expectFormat(/header says 1999 × 28 × 28; manifest expects 2000/);
  });
  it("truncated payload (valid gzip of a short file)", () => {
    writeTest(raw.subarray(0, raw.length - 100));
    expectFormat(/truncated: payload is 1577920 bytes, expected 1578020/);
  });
  it("payload shorter than the header", () => {
    writeTest(raw.subarray(0, 10));
    expectFormat(/truncated: 10 bytes/);
  });
  it("truncated .gz file", () => {
    const gz = readFileSync(join(SUBSET, "test.bin.gz"));
    writeFileSync(join(dir, "test.bin.gz"), gz.subarray(0, gz.length >> 1));
    expectFormat(/corrupt or truncated gzip/);
  });
  it("one changed pixel → sha256 mismatch", () => {
    raw[raw.length - 400] ^= 0x55;
    writeTest(raw);
    expectFormat(/sha256 mismatch/);
  });
  it("a correct payload recompressed differently is caught by the file hash (strict provenance)", () => {
    writeFileSync(join(dir, "test.bin.gz"), gzipSync(raw, { level: 1 }));
    expectFormat(/sha256 mismatch: file is/);
  });
  it("an uncompressed copy is accepted when the payload hash matches", () => {
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    m.splits.test.file = "test.bin";
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(m));
    writeFileSync(join(dir, "test.bin"), raw);
    assert.equal(load().n, 2000);
    raw[100] ^= 1;
    writeFileSync(join(dir, "test.bin"), raw);
    expectFormat(/sha256 mismatch: payload is/);
  });
  it("missing or malformed manifest", () => {
    writeFileSync(join(dir, "manifest.json"), "{ not json");
    assert.throws(
      load,
      (e: unknown) =>
        e instanceof FormatError && /manifest\.json: cannot read manifest/.test(e.message),
    );
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ classNames: ["a"], splits: {} }));
    assert.throws(
      load,
      (e: unknown) => e instanceof FormatError && /manifest\.splits\.train/.test(e.message),
    );
    rmSync(join(dir, "test.bin.gz"));
    copyFileSync(join(SUBSET, "manifest.json"), join(dir, "manifest.json"));
    assert.throws(
      load,
      (e: unknown) => e instanceof FormatError && /missing data file/.test(e.message),
    );
  });
});

describe("data/fashion-mnist subset: reproducible from the Debian source", function () {
  before(function () {
    if (!existsSync(join(DEBIAN, "train-labels-idx1-ubyte.gz"))) this.skip();
  });

  it("the stored selection is what the documented seeded algorithm picks (library rng)", () => {
    const manifest = JSON.parse(readFileSync(join(SUBSET, "manifest.json"), "utf8"));
    const idx = JSON.parse(readFileSync(join(SUBSET, "indices.json"), "utf8")) as Record<
      string,
      number[]
    >;
    const src = { train: "train", test: "t10k" } as const;
    for (const split of ["train", "test"] as const) {
      const labels = data.readIdx(
        join(DEBIAN, `${src[split]}-labels-idx1-ubyte.gz`),
        data.IDX_LABELS_MAGIC,
      ).data;
      const r = rng(manifest.seed + (split === "train" ? 0 : 1));
      const per = split === "train" ? 1000 : 200;
      const picked: number[] = [];
      for (let c = 0; c < 10; c++) {
        const of: number[] = [];
        for (let i = 0; i < labels.length; i++) if (labels[i] === c) of.push(i);
        r.shuffle(of);
        picked.push(...of.slice(0, per));
      }
      r.shuffle(picked);
      assert.deepEqual(picked, idx[split]);
    }
  });

  it("stored images equal the source images at those indices (loadIdx on the full test split)", () => {
    const full = data.loadIdx(
      join(DEBIAN, "t10k-images-idx3-ubyte.gz"),
      join(DEBIAN, "t10k-labels-idx1-ubyte.gz"),
    );
    assert.equal(full.n, 10000);
    assert.equal(full.height, 28);
    const sub = data.loadFashionMnist({ split: "test" });
    for (let t = 0; t < sub.n; t++) {
      const s = sub.sourceIndices[t];
      assert.equal(sub.labels[t], full.labels[s]);
      for (let p = 0; p < 784; p += 7)
        assert.equal(sub.images[t * 784 + p], full.images[s * 784 + p]);
    }
  });
});

describe("data/idx", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "bb-idx-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function idx(magic: number, dims: number[], payload: number[]): Buffer {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([head, Buffer.from(payload)]);
  }
  const pixels = [0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 255, 1, 2, 3, 4, 5, 6];

  it("loads a tiny raw and gzipped image/label pair", () => {
    writeFileSync(join(dir, "img"), idx(2051, [3, 2, 3], pixels));
    writeFileSync(join(dir, "lab.gz"), gzipSync(idx(2049, [3], [9, 0, 4])));
    const d = data.loadIdx(join(dir, "img"), join(dir, "lab.gz"));
    assert.deepEqual([d.n, d.height, d.width], [3, 2, 3]);
    assert.deepEqual(Array.from(d.labels), [9, 0, 4]);
    assert.equal(d.classNames[9], "Ankle boot");
    assert.deepEqual(
      Array.from(d.images.subarray(0, 6)),
      [0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => Math.fround(v)),
    );
    const named = data.loadIdx(join(dir, "img"), join(dir, "lab.gz"), {
      classNames: "abcdefghij".split(""),
    });
    assert.equal(named.classNames[4], "e");
  });
  it("validates magic numbers, counts, sizes and labels", () => {
    writeFileSync(join(dir, "img"), idx(2051, [3, 2, 3], pixels));
    writeFileSync(join(dir, "lab"), idx(2049, [3], [9, 0, 4]));
    // Swapped files: each has the other's magic number.
    assert.throws(
      () => data.loadIdx(join(dir, "lab"), join(dir, "img")),
      (e: unknown) =>
        e instanceof FormatError && /magic number 2049.*expected 2051/.test(e.message),
    );
    writeFileSync(join(dir, "lab2"), idx(2049, [2], [1, 2]));
    assert.throws(
      () => data.loadIdx(join(dir, "img"), join(dir, "lab2")),
      /2 labels but .* has 3 images/,
    );
    writeFileSync(join(dir, "short"), idx(2051, [3, 2, 3], pixels.slice(0, 17)));
    assert.throws(
      () => data.loadIdx(join(dir, "short"), join(dir, "lab")),
      (e: unknown) =>
        e instanceof FormatError && /truncated: 33 bytes, expected 34/.test(e.message),
    );
    writeFileSync(join(dir, "long"), idx(2051, [3, 2, 3], [...pixels, 0]));
    assert.throws(() => data.loadIdx(join(dir, "long"), join(dir, "lab")), /trailing bytes/);
    writeFileSync(join(dir, "float"), idx(0x0d03, [3, 2, 3], pixels));
    assert.throws(() => data.readIdx(join(dir, "float")), /data type 0xd unsupported/);
    writeFileSync(join(dir, "lab12"), idx(2049, [3], [12, 0, 4]));
    assert.throws(
      () => data.loadIdx(join(dir, "img"), join(dir, "lab12"), { classNames: ["a", "b"] }),
      /label 12 found/,
    );
    assert.equal(data.loadIdx(join(dir, "img"), join(dir, "lab12")).classNames.length, 13);
    assert.throws(() => data.loadIdx(join(dir, "nope"), join(dir, "lab")), FormatError);
  });
});

describe("data/glyphs", () => {
  const all = [...data.GLYPH_SHAPES, ...data.SMOOTH_GLYPHS];

  it("rendering at k·90° equals the exact pixel rotation of the 0° image (all shapes, even and odd sizes)", () => {
    for (const size of [28, 21]) {
      for (const shape of all) {
        const up = data.renderGlyph(shape, { size, angle: 0 });
        for (const k of [1, 2, 3, -1]) {
          const rotated = data.renderGlyph(shape, { size, angle: (k * Math.PI) / 2 });
          const err = maxAbsDiff(rotated, data.rot90Image(up, size, k));
          // 0/1 shapes: bit-exact; smooth shapes differ only by summation order (~1e-7 in float32).
          assert.ok(err <= 1e-6, `${shape} size ${size} k=${k}: max |diff| = ${err}`);
        }
      }
    }
  });

  it("stays exact with blur and supersampling 8", () => {
    for (const shape of ["F", "star", "blob-pair"] as const) {
      const o = { size: 32, supersample: 8, blur: 0.8 };
      const err = maxAbsDiff(
        data.renderGlyph(shape, { ...o, angle: Math.PI / 2 }),
        data.rot90Image(data.renderGlyph(shape, o), 32),
      );
      assert.ok(err <= 1e-6, `${shape}: ${err}`);
    }
  });

  it("rot90Image is numpy's counter-clockwise convention and has period 4", () => {
    const img = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // [[1,2,3],[4,5,6],[7,8,9]]
    assert.deepEqual(Array.from(data.rot90Image(img, 3)), [3, 6, 9, 2, 5, 8, 1, 4, 7]);
    assert.deepEqual(data.rot90Image(img, 3, 4), img);
    assert.deepEqual(data.rot90Image(data.rot90Image(img, 3, 1), 3, -1), img);
  });

  it("positive angles turn the glyph counter-clockwise on screen (centroid check on a smooth glyph)", () => {
    const size = 64;
    const centroid = (img: Float32Array) => {
      let m = 0,
        sx = 0,
        sy = 0;
      for (let r = 0; r < size; r++)
        for (let c = 0; c < size; c++) {
          const w = img[r * size + c];
          m += w;
          sx += w * (c + 0.5);
          sy += w * (r + 0.5);
        }
      // glyph coordinates: u right, v up, origin at the image centre
      return [sx / m - size / 2, -(sy / m - size / 2), m] as const;
    };
    const [u0, v0, m0] = centroid(
      data.renderGlyph("blob-pair", { size, angle: 0, supersample: 8 }),
    );
    assert.ok(
      Math.hypot(u0, v0) > 2,
      "blob-pair centroid must be off-centre for this test to mean anything",
    );
    for (const theta of [0.3, 1, 2.2, 4]) {
      const [u, v, m] = centroid(
        data.renderGlyph("blob-pair", { size, angle: theta, supersample: 8 }),
      );
      const ue = Math.cos(theta) * u0 - Math.sin(theta) * v0,
        ve = Math.sin(theta) * u0 + Math.cos(theta) * v0;
      // Box-filter quadrature of a smooth function: errors O(h²) ≈ 1e-3 px; mass likewise.
      assert.ok(
        Math.hypot(u - ue, v - ve) < 0.02,
        `θ=${theta}: centroid (${u}, ${v}) vs (${ue}, ${ve})`,
      );
      assert.ok(Math.abs(m - m0) / m0 < 1e-3, `θ=${theta}: mass ${m} vs ${m0}`);
    }
  });

  it("is deterministic, in [0,1], and shapes differ from each other and from their own rotations", () => {
    const size = 28;
    const imgs = all.map((s) => data.renderGlyph(s, { size, angle: 0.4 }));
    all.forEach((s, i) => {
      assert.deepEqual(data.renderGlyph(s, { size, angle: 0.4 }), imgs[i]);
      assert.ok(imgs[i].every((v) => v >= 0 && v <= 1));
      assert.ok(
        imgs[i].some((v) => v > 0.5),
        `${s} is visible`,
      );
    });
    const l1 = (a: Float32Array, b: Float32Array) =>
      a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0);
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) {
        assert.ok(l1(imgs[i], imgs[j]) > 10, `${all[i]} vs ${all[j]}: L1 ${l1(imgs[i], imgs[j])}`);
      }
    // No non-symmetric glyph looks the same after a quarter or half turn.
    for (const s of data.GLYPH_SHAPES) {
      const up = data.renderGlyph(s, { size });
      for (const k of [1, 2])
        assert.ok(l1(up, data.rot90Image(up, size, k)) > 10, `${s} rotated by ${k}·90°`);
    }
  });

  it("validates arguments", () => {
    assert.throws(() => data.renderGlyph("F", { size: 1 }), /size = 1/);
    assert.throws(() => data.renderGlyph("F", { size: 2.5 }), RangeError);
    assert.throws(() => data.renderGlyph("F", { size: 2000 }), RangeError);
    assert.throws(() => data.renderGlyph("Q" as any, { size: 28 }), /shape = "Q"/);
    assert.throws(() => data.renderGlyph("F", { size: 28, supersample: 0 }), RangeError);
    assert.throws(() => data.renderGlyph("F", { size: 28, angle: NaN }), RangeError);
    assert.throws(() => data.renderGlyph("F", { size: 28, scale: -1 }), RangeError);
    assert.throws(() => data.renderGlyph("F", { size: 28, strokeWidth: 0 }), RangeError);
    assert.throws(() => data.renderGlyph("F", { size: 28, blur: -1 }), RangeError);
    assert.throws(() => data.rot90Image(new Float32Array(10), 3), ShapeError);
    assert.throws(() => data.gaussianBlur(new Float32Array(9), 3, 0), RangeError);
  });

  it("glyphDataset: seeded, balanced labels, angle modes", () => {
    const a = data.glyphDataset({ n: 53, seed: 5, angles: "random" });
    const b = data.glyphDataset({ n: 53, seed: 5, angles: "random" });
    assert.deepEqual(a.images, b.images);
    assert.deepEqual(a.labels, b.labels);
    assert.notDeepEqual(
      Array.from(data.glyphDataset({ n: 53, seed: 6, angles: "random" }).labels),
      Array.from(a.labels),
    );
    assert.equal(a.images.length, 53 * 28 * 28);
    assert.deepEqual(a.classNames, [...data.GLYPH_SHAPES]);
    const c = counts(a.labels, 10);
    assert.ok(Math.max(...c) - Math.min(...c) <= 1, `label counts ${c}`);
    assert.ok(a.angles.every((t) => t >= 0 && t < 2 * Math.PI) && new Set(a.angles).size === 53);
    // Each image is the renderGlyph of its recorded parameters.
    const i = 17;
    const again = data.renderGlyph(a.classNames[a.labels[i]] as data.GlyphShape, {
      size: 28,
      angle: a.angles[i],
      scale: a.scales[i],
      center: [a.centers[2 * i], a.centers[2 * i + 1]],
    });
    assert.deepEqual(a.images.subarray(i * 784, (i + 1) * 784), again);
    const up = data.glyphDataset({
      n: 8,
      seed: 1,
      size: 16,
      shapes: ["L", "T"],
      jitter: 0,
      scaleRange: [1, 1],
    });
    assert.ok(up.angles.every((t) => t === 0));
    assert.deepEqual(up.classNames, ["L", "T"]);
    const fixed = data.glyphDataset({ n: 4, seed: 1, angles: 1.25 });
    assert.ok(fixed.angles.every((t) => t === 1.25));
    assert.throws(() => data.glyphDataset({ n: 0, seed: 1 }), RangeError);
    assert.throws(() => data.glyphDataset({ n: 3, seed: 1, shapes: [] }), RangeError);
    assert.throws(
      () => data.glyphDataset({ n: 3, seed: 1, angles: "sideways" as any }),
      RangeError,
    );
    assert.throws(() => data.glyphDataset({ n: 3, seed: 1, scaleRange: [1, 0.5] }), RangeError);
  });
});

describe("data/tensor bridges", () => {
  it("oneHotArray / oneHot / toTensor4d", () => {
    assert.deepEqual(Array.from(data.oneHotArray([2, 0], 3)), [0, 0, 1, 1, 0, 0]);
    assert.throws(() => data.oneHotArray([3], 3), RangeError);
    const set = data.glyphDataset({ n: 5, seed: 2, size: 12 });
    const x = data.toTensor4d(set);
    const y = data.oneHot(set.labels, set.classNames.length);
    try {
      assert.deepEqual(x.shape, [5, 12, 12, 1]);
      assert.deepEqual(y.shape, [5, 10]);
      assert.deepEqual(Array.from(x.dataSync()), Array.from(set.images));
      assert.deepEqual(Array.from(y.argMax(1).dataSync()), Array.from(set.labels));
    } finally {
      x.dispose();
      y.dispose();
    }
    assert.throws(
      () => data.toTensor4d({ images: new Float32Array(10), n: 2, height: 2, width: 2 }),
      ShapeError,
    );
  });
});
