#!/usr/bin/env node
// Build the class-balanced Fashion-MNIST subset shipped in data/fashion-mnist-subset/.
//
// Plain Node (no build step, no dependencies): reads the official gzipped IDX files (Debian
// package dataset-fashion-mnist), picks PER_CLASS examples of each class with a seeded PRNG and
// writes one compact binary file per split plus manifest.json and indices.json.
//
//   node data/build-fashion-mnist-subset.mjs                 # rebuild (default paths/seed)
//   node data/build-fashion-mnist-subset.mjs --check         # rebuild in memory, compare with manifest
//   node data/build-fashion-mnist-subset.mjs --src DIR --out DIR --seed N \
//        --train-per-class 1000 --test-per-class 200
//
// File format "BBFM" v1 (all integers little-endian), before gzip:
//   offset 0   4 bytes  magic "BBFM"
//   offset 4   u32      format version (1)
//   offset 8   u32      count n
//   offset 12  u32      rows (28)
//   offset 16  u32      cols (28)
//   offset 20  n × u32  index of each example in the official split (provenance)
//   then       n × u8   labels (0..9)
//   then       n·rows·cols × u8   pixels, row-major, 0 = background, 255 = ink
// The file is exactly 20 + 5n + n·rows·cols bytes; anything else is corrupt.
//
// Selection (must match lib/src/data/fashionMnist.ts docs and test/data.test.ts):
//   split "train" uses PRNG seed S, split "test" seed S + 1. For class c = 0..9 in order:
//   take the ascending list of source indices with label c, Fisher–Yates shuffle it with the PRNG,
//   keep the first PER_CLASS. Concatenate the classes and shuffle once more (stored order).
// The PRNG is the project's xoshiro128** seeded via splitmix32 (same algorithm as
// lib/src/tensor/rng.ts, re-stated here so this script runs without compiling the library).

import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, renameSync, existsSync } from "node:fs";
import { dirname, join, resolve, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync, constants as zc } from "node:zlib";

const HERE = dirname(fileURLToPath(import.meta.url));
const CLASS_NAMES = [
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
];
const SOURCES = {
  train: { images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz" },
  test: { images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz" },
};
const MAGIC = "BBFM";
const VERSION = 1;
const HEADER_BYTES = 20;

// ---------- arguments ----------
function parseArgs(argv) {
  const opts = {
    src: "/usr/share/datasets/fashion-mnist",
    out: join(HERE, "fashion-mnist-subset"),
    seed: 2017,
    perClass: { train: 1000, test: 200 },
    check: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value after ${a}`);
      return argv[++i];
    };
    const int = (s, name) => {
      const v = Number(s);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got ${s}`);
      return v;
    };
    if (a === "--src") opts.src = resolve(next());
    else if (a === "--out") opts.out = resolve(next());
    else if (a === "--seed") opts.seed = int(next(), "--seed");
    else if (a === "--train-per-class") opts.perClass.train = int(next(), "--train-per-class");
    else if (a === "--test-per-class") opts.perClass.test = int(next(), "--test-per-class");
    else if (a === "--check") opts.check = true;
    else if (a === "-h" || a === "--help") {
      console.log("usage: node data/build-fashion-mnist-subset.mjs [--src DIR] [--out DIR] [--seed N] " +
        "[--train-per-class K] [--test-per-class K] [--check]");
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

// ---------- PRNG: xoshiro128** seeded by splitmix32 (same stream as lib/src/tensor/rng.ts) ----------
function makeRng(seed) {
  let sm = seed >>> 0;
  const splitmix = () => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix(), s1 = splitmix(), s2 = splitmix(), s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const rotl = (x, k) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const nextU32 = () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  // Unbiased integer in [0, n): reject the top partial block of 2^32.
  const int = (n) => {
    const limit = Math.floor(2 ** 32 / n) * n;
    let x;
    do x = nextU32(); while (x >= limit);
    return x % n;
  };
  const shuffle = (a) => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  };
  return { int, shuffle };
}

// ---------- IDX reading ----------
function readIdx(path, expectMagic) {
  let buf = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  const magic = buf.readUInt32BE(0);
  if (magic !== expectMagic) throw new Error(`${path}: IDX magic ${magic}, expected ${expectMagic}`);
  const ndim = magic & 0xff;
  const dims = [];
  for (let d = 0; d < ndim; d++) dims.push(buf.readUInt32BE(4 + 4 * d));
  const offset = 4 + 4 * ndim;
  const size = dims.reduce((p, v) => p * v, 1);
  if (buf.length !== offset + size) throw new Error(`${path}: ${buf.length} bytes, expected ${offset + size}`);
  return { dims, data: buf.subarray(offset) };
}

const sha256 = (b) => createHash("sha256").update(b).digest("hex");

function debianVersion() {
  try {
    return execFileSync("dpkg-query", ["-W", "-f=${Version}", "dataset-fashion-mnist"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown (dpkg-query unavailable)";
  }
}

// ---------- build one split ----------
function buildSplit(split, opts) {
  const src = SOURCES[split];
  const imgPath = join(opts.src, src.images), lblPath = join(opts.src, src.labels);
  const images = readIdx(imgPath, 2051);
  const labels = readIdx(lblPath, 2049);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) throw new Error(`${split}: ${count} images but ${labels.dims[0]} labels`);

  const rng = makeRng(split === "train" ? opts.seed : opts.seed + 1);
  const k = opts.perClass[split];
  const picked = [];
  for (let c = 0; c < CLASS_NAMES.length; c++) {
    const ofClass = [];
    for (let i = 0; i < count; i++) if (labels.data[i] === c) ofClass.push(i);
    if (ofClass.length < k) throw new Error(`${split}: class ${c} has ${ofClass.length} < ${k} examples`);
    rng.shuffle(ofClass);
    for (let i = 0; i < k; i++) picked.push(ofClass[i]);
  }
  rng.shuffle(picked);

  const n = picked.length, px = rows * cols;
  const out = Buffer.alloc(HEADER_BYTES + 5 * n + n * px);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(n, 8);
  out.writeUInt32LE(rows, 12);
  out.writeUInt32LE(cols, 16);
  const perClass = new Array(CLASS_NAMES.length).fill(0);
  for (let i = 0; i < n; i++) {
    const s = picked[i];
    out.writeUInt32LE(s, HEADER_BYTES + 4 * i);
    out[HEADER_BYTES + 4 * n + i] = labels.data[s];
    perClass[labels.data[s]]++;
    images.data.copy(out, HEADER_BYTES + 5 * n + i * px, s * px, (s + 1) * px);
  }
  const gz = gzipSync(out, { level: 9, strategy: zc.Z_DEFAULT_STRATEGY });
  return {
    raw: out,
    gz,
    picked,
    entry: {
      file: `${split}.bin.gz`,
      bytes: gz.length,
      sha256: sha256(gz),
      rawBytes: out.length,
      rawSha256: sha256(out),
      count: n,
      rows,
      cols,
      perClass,
      seed: split === "train" ? opts.seed : opts.seed + 1,
      source: {
        images: { file: src.images, sha256: sha256(readFileSync(imgPath)), count },
        labels: { file: src.labels, sha256: sha256(readFileSync(lblPath)), count },
      },
    },
  };
}

function writeAtomic(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const built = { train: buildSplit("train", opts), test: buildSplit("test", opts) };

  if (opts.check) {
    const manifestPath = join(opts.out, "manifest.json");
    if (!existsSync(manifestPath)) throw new Error(`--check: ${manifestPath} does not exist`);
    const m = JSON.parse(readFileSync(manifestPath, "utf8"));
    let ok = true;
    for (const split of ["train", "test"]) {
      const want = m.splits?.[split]?.rawSha256, got = built[split].entry.rawSha256;
      const same = want === got;
      ok &&= same;
      console.log(`${split}: rebuilt payload sha256 ${got} ${same ? "matches" : `DIFFERS from manifest ${want}`}`);
    }
    process.exit(ok ? 0 : 1);
  }

  mkdirSync(opts.out, { recursive: true });
  const indices = { train: built.train.picked, test: built.test.picked };
  // One line per split keeps the file small and diffs readable.
  const indicesText = `{\n  "train": ${JSON.stringify(indices.train)},\n  "test": ${JSON.stringify(indices.test)}\n}\n`;
  const manifest = {
    name: "fashion-mnist-subset",
    description: "Class-balanced subset of Fashion-MNIST (Zalando Research), official train/test splits.",
    license: "MIT (see data/LICENSE)",
    format: {
      magic: MAGIC,
      version: VERSION,
      layout: "LE u32 magic,version,count,rows,cols | u32[count] source index | u8[count] label | u8[count*rows*cols] pixels; gzip-compressed",
      headerBytes: HEADER_BYTES,
    },
    classNames: CLASS_NAMES,
    seed: opts.seed,
    selection: "per class: Fisher-Yates shuffle of ascending source indices with xoshiro128** (splitmix32 seeding), keep first k; then shuffle the union. train seed = seed, test seed = seed + 1",
    source: {
      debianPackage: "dataset-fashion-mnist",
      debianVersion: debianVersion(),
      upstream: "https://github.com/zalandoresearch/fashion-mnist",
      directory: opts.src,
    },
    command: `node data/build-fashion-mnist-subset.mjs --seed ${opts.seed} --train-per-class ${opts.perClass.train} --test-per-class ${opts.perClass.test}`,
    builtWith: `node ${process.version}, zlib ${process.versions.zlib}`,
    splits: { train: built.train.entry, test: built.test.entry },
    indices: { file: "indices.json", sha256: sha256(Buffer.from(indicesText)) },
  };
  for (const split of ["train", "test"]) writeAtomic(join(opts.out, `${split}.bin.gz`), built[split].gz);
  writeAtomic(join(opts.out, "indices.json"), indicesText);
  writeAtomic(join(opts.out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  for (const split of ["train", "test"]) {
    const e = built[split].entry;
    console.log(`${split}: ${e.count} examples (${e.perClass.join("/")} per class), ${e.bytes} bytes gz, ` +
      `${e.rawBytes} raw -> ${relative(process.cwd(), join(opts.out, e.file))}`);
  }
}

try {
  main();
} catch (e) {
  console.error(`build-fashion-mnist-subset: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
