/**
 * Loader for the shipped Fashion-MNIST subset (data/fashion-mnist-subset/, built by
 * data/build-fashion-mnist-subset.mjs; format and provenance in data/PROVENANCE.md).
 *
 * Every load checks the header, the exact byte size and the SHA-256 recorded in manifest.json,
 * so a corrupt or hand-edited file fails loudly with a FormatError instead of training on noise.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { FormatError, domainError } from "../errors";
import { rng } from "../tensor/rng";
import { readMaybeGzip } from "./idx";
import { ImageSet, bytesToUnit } from "./types";

export type FashionSplit = "train" | "test";

export interface LoadFashionMnistOptions {
  /** Which official split the examples come from. Default "train". */
  split?: FashionSplit;
  /**
   * How many examples. Default: all of the selected classes (10,000 train / 2,000 test for all
   * classes). Picked class-balanced: per-class counts differ by at most one.
   */
  n?: number;
  /**
   * Restrict to these classes (label numbers 0–9 or names like "Sneaker"). Labels in the result
   * are then re-numbered 0…k−1 in the order given here; `classIds` maps them back.
   */
  classes?: readonly (number | string)[];
  /**
   * Without a seed, examples are taken in stored order (itself a seeded shuffle made at build
   * time), so the result is the same on every call. With a seed, which examples are taken and
   * their order are drawn from rng(seed).
   */
  seed?: number;
  /**
   * Directory holding manifest.json and the .bin.gz files. Default: env BESSELBOOK_DATA_DIR if set,
   * else <repo>/data/fashion-mnist-subset (found from this file: lib/dist/data → ../../../data).
   */
  dir?: string;
}

export interface FashionMnist extends ImageSet {
  split: FashionSplit;
  /** Original Fashion-MNIST label of each entry of `classNames`. */
  classIds: number[];
  /** Index of each returned example within the official split (for provenance). */
  sourceIndices: Int32Array;
}

/** Manifest entry for one split, as written by the build script. */
interface SplitEntry {
  file: string;
  sha256: string;
  rawSha256: string;
  count: number;
  rows: number;
  cols: number;
  perClass: number[];
}

interface Manifest {
  classNames: string[];
  format: { magic: string; version: number };
  splits: Record<FashionSplit, SplitEntry>;
}

/** The decoded, validated contents of one split file (bytes, not yet floats). */
interface Decoded {
  count: number;
  rows: number;
  cols: number;
  sourceIndices: Uint32Array;
  labels: Uint8Array;
  pixels: Uint8Array;
}

export const BBFM_MAGIC = "BBFM";
export const BBFM_VERSION = 1;
/** magic + version + count + rows + cols, 4 bytes each. */
export const BBFM_HEADER_BYTES = 20;

/** lib/dist/data → ../../../data is the repo's data/ folder (also true for lib/src/data). */
export function defaultFashionMnistDir(): string {
  return resolve(__dirname, "..", "..", "..", "data", "fashion-mnist-subset");
}

function isHex64(s: unknown): s is string {
  return typeof s === "string" && /^[0-9a-f]{64}$/.test(s);
}

function readManifest(dir: string): Manifest {
  const path = join(dir, "manifest.json");
  let m: any;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new FormatError(
      path,
      `cannot read manifest (${(e as Error).message}); expected the JSON written by data/build-fashion-mnist-subset.mjs`,
    );
  }
  if (
    !Array.isArray(m?.classNames) ||
    !m.classNames.every((c: unknown) => typeof c === "string") ||
    m.classNames.length === 0
  ) {
    throw new FormatError(path, "manifest.classNames must be a non-empty array of strings");
  }
  for (const split of ["train", "test"] as const) {
    const s = m?.splits?.[split];
    const ok =
      s &&
      typeof s.file === "string" &&
      isHex64(s.sha256) &&
      isHex64(s.rawSha256) &&
      [s.count, s.rows, s.cols].every((v) => Number.isInteger(v) && v > 0);
    if (!ok)
      throw new FormatError(
        path,
        `manifest.splits.${split} must have file, sha256, rawSha256 (hex) and positive integer count, rows, cols`,
      );
  }
  return m as Manifest;
}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/**
 * Parse and validate a BBFM v1 payload against its manifest entry. Order of checks is chosen so
 * the message names the first thing that is wrong: header, then size, then checksums, then labels.
 */
function decodeSplit(path: string, entry: SplitEntry, numClasses: number): Decoded {
  const { bytes, fileBytes, gzipped } = readMaybeGzip(path);
  if (bytes.length < BBFM_HEADER_BYTES) {
    throw new FormatError(
      path,
      `truncated: ${bytes.length} bytes, the BBFM header alone needs ${BBFM_HEADER_BYTES}`,
    );
  }
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== BBFM_MAGIC)
    throw new FormatError(path, `bad magic ${JSON.stringify(magic)}; expected "${BBFM_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== BBFM_VERSION)
    throw new FormatError(path, `unsupported BBFM version ${version}; expected ${BBFM_VERSION}`);
  const count = view.getUint32(8, true),
    rows = view.getUint32(12, true),
    cols = view.getUint32(16, true);
  if (count !== entry.count || rows !== entry.rows || cols !== entry.cols) {
    throw new FormatError(
      path,
      `header says ${count} × ${rows} × ${cols}; manifest expects ${entry.count} × ${entry.rows} × ${entry.cols}`,
    );
  }
  const expected = BBFM_HEADER_BYTES + 5 * count + count * rows * cols;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "truncated" : "trailing bytes";
    throw new FormatError(
      path,
      `${what}: payload is ${bytes.length} bytes, expected ${expected} for ${count} images of ${rows}×${cols}`,
    );
  }
  // The .gz hash only applies to the file as shipped; the payload hash applies either way.
  if (gzipped) {
    const got = sha256(fileBytes);
    if (got !== entry.sha256)
      throw new FormatError(
        path,
        `sha256 mismatch: file is ${got}, manifest expects ${entry.sha256} (file corrupt or modified)`,
      );
  }
  const gotRaw = sha256(bytes);
  if (gotRaw !== entry.rawSha256) {
    throw new FormatError(
      path,
      `sha256 mismatch: payload is ${gotRaw}, manifest expects ${entry.rawSha256} (file corrupt or modified)`,
    );
  }
  // Copy the u32 indices out so alignment of the Buffer slice does not matter.
  const sourceIndices = new Uint32Array(count);
  for (let i = 0; i < count; i++)
    sourceIndices[i] = view.getUint32(BBFM_HEADER_BYTES + 4 * i, true);
  const labels = bytes.subarray(BBFM_HEADER_BYTES + 4 * count, BBFM_HEADER_BYTES + 5 * count);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= numClasses)
      throw new FormatError(path, `example ${i} has label ${labels[i]}; expected < ${numClasses}`);
  }
  const pixels = bytes.subarray(BBFM_HEADER_BYTES + 5 * count);
  return { count, rows, cols, sourceIndices, labels, pixels };
}

/**
 * No cache on purpose: a reload costs ~0.1 s (gunzip + two SHA-256), and a cache keyed on
 * size/mtime could serve stale data after a same-size rewrite within one timestamp tick.
 */
function loadSplit(dir: string, split: FashionSplit): { decoded: Decoded; manifest: Manifest } {
  const manifest = readManifest(dir);
  const entry = manifest.splits[split];
  const path = join(dir, entry.file);
  if (!existsSync(path)) {
    throw new FormatError(
      path,
      "missing data file; rebuild with node data/build-fashion-mnist-subset.mjs (see data/PROVENANCE.md)",
    );
  }
  return { decoded: decodeSplit(path, entry, manifest.classNames.length), manifest };
}

function resolveClasses(
  classes: readonly (number | string)[] | undefined,
  names: readonly string[],
): number[] {
  if (classes === undefined) return names.map((_, i) => i);
  if (!Array.isArray(classes) || classes.length === 0)
    domainError(
      "loadFashionMnist",
      "classes",
      classes,
      "a non-empty array of labels 0–9 or class names",
    );
  const ids = classes.map((c) => {
    const id = typeof c === "string" ? names.indexOf(c) : c;
    if (!Number.isInteger(id) || id < 0 || id >= names.length) {
      domainError(
        "loadFashionMnist",
        "classes",
        JSON.stringify(c),
        `a label 0–${names.length - 1} or one of ${names.map((s) => JSON.stringify(s)).join(", ")}`,
      );
    }
    return id;
  });
  if (new Set(ids).size !== ids.length)
    domainError("loadFashionMnist", "classes", JSON.stringify(classes), "no repeated classes");
  return ids;
}

/**
 * Load (part of) the shipped Fashion-MNIST subset as floats in [0, 1], shape [n, 28, 28].
 *
 * Throws FormatError when the data or manifest is missing, corrupt, truncated or does not match
 * its SHA-256; RangeError when `n` exceeds what the chosen split/classes hold or an option is
 * out of domain.
 */
export function loadFashionMnist(options: LoadFashionMnistOptions = {}): FashionMnist {
  const split = options.split ?? "train";
  if (split !== "train" && split !== "test")
    domainError("loadFashionMnist", "split", split, '"train" or "test"');
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    domainError("loadFashionMnist", "seed", options.seed, "an integer");
  const dir = resolve(options.dir ?? (process.env.BESSELBOOK_DATA_DIR || defaultFashionMnistDir()));
  const { decoded, manifest } = loadSplit(dir, split);
  const classIds = resolveClasses(options.classes, manifest.classNames);
  const k = classIds.length;
  const r = options.seed === undefined ? null : rng(options.seed);

  // Stored positions of each selected class, in stored order or seeded-random order.
  const slot = new Int32Array(manifest.classNames.length).fill(-1);
  classIds.forEach((id, j) => (slot[id] = j));
  const byClass: number[][] = classIds.map(() => []);
  for (let i = 0; i < decoded.count; i++) {
    const j = slot[decoded.labels[i]];
    if (j >= 0) byClass[j].push(i);
  }
  if (r) for (const list of byClass) r.shuffle(list);
  const available = byClass.reduce((s, l) => s + l.length, 0);

  const n = options.n ?? available;
  if (!Number.isInteger(n) || n < 1) domainError("loadFashionMnist", "n", n, "a positive integer");
  if (n > available) {
    domainError(
      "loadFashionMnist",
      "n",
      n,
      `at most ${available} (examples of the selected ${k} class${k === 1 ? "" : "es"} in the shipped ${split} subset)`,
    );
  }

  // Round-robin over classes: counts per class differ by at most one (exactly balanced when
  // k divides n); a class that runs out simply drops out of the rotation.
  const picked: number[] = [];
  const next = new Int32Array(k);
  while (picked.length < n) {
    for (let j = 0; j < k && picked.length < n; j++) {
      if (next[j] < byClass[j].length) picked.push(byClass[j][next[j]++]);
    }
  }
  if (r) r.shuffle(picked);
  else picked.sort((a, b) => a - b);

  const px = decoded.rows * decoded.cols;
  const images = new Float32Array(n * px);
  const labels = new Int32Array(n);
  const sourceIndices = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const i = picked[t];
    bytesToUnit(decoded.pixels, i * px, images, t * px, px);
    labels[t] = slot[decoded.labels[i]];
    sourceIndices[t] = decoded.sourceIndices[i];
  }
  return {
    images,
    labels,
    n,
    height: decoded.rows,
    width: decoded.cols,
    classNames: classIds.map((id) => manifest.classNames[id]),
    classIds,
    split,
    sourceIndices,
  };
}
