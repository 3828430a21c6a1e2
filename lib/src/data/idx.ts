/**
 * Reader for the IDX format of MNIST / Fashion-MNIST (LeCun et al.), gzipped or raw.
 *
 * IDX layout (big-endian): two zero bytes, a type byte (0x08 = unsigned byte), the number of
 * dimensions d, then d u32 sizes, then the data in row-major order. So the magic number, read as a
 * big-endian u32, is 0x0803 = 2051 for an image file [n, rows, cols] and 0x0801 = 2049 for a
 * label file [n].
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { FormatError } from "../errors";
import { FASHION_MNIST_CLASSES, ImageSet, bytesToUnit } from "./types";

/** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
export const IDX_LABELS_MAGIC = 2049;

/** A decoded IDX file of unsigned bytes. */
export interface IdxArray {
  /** Magic number as read (2051, 2049, …). */
  magic: number;
  /** Sizes of each dimension, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The payload, row-major, length = product of dims. */
  data: Uint8Array;
}

/** Read a file and transparently gunzip it when it starts with the gzip magic 1f 8b. */
export function readMaybeGzip(path: string): {
  bytes: Uint8Array;
  fileBytes: Uint8Array;
  gzipped: boolean;
} {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (e) {
    throw new FormatError(path, `cannot read file (${(e as Error).message})`);
  }
  const gzipped = file.length >= 2 && file[0] === 0x1f && file[1] === 0x8b;
  if (!gzipped) return { bytes: file, fileBytes: file, gzipped };
  try {
    return { bytes: gunzipSync(file), fileBytes: file, gzipped };
  } catch (e) {
    throw new FormatError(path, `corrupt or truncated gzip stream (${(e as Error).message})`);
  }
}

/**
 * Read one IDX file (raw or .gz). Only the unsigned-byte type (0x08) is supported, which is what
 * MNIST-style data sets use. `expectMagic`, when given, must match exactly.
 * Throws FormatError on a bad magic number, unsupported type, or a size that does not match dims.
 */
export function readIdx(path: string, expectMagic?: number): IdxArray {
  const { bytes } = readMaybeGzip(path);
  if (bytes.length < 4)
    throw new FormatError(
      path,
      `truncated IDX file: ${bytes.length} bytes, need at least 4 for the magic number`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (expectMagic !== undefined && magic !== expectMagic) {
    throw new FormatError(
      path,
      `IDX magic number ${magic} (0x${magic.toString(16)}), expected ${expectMagic} (0x${expectMagic.toString(16)})`,
    );
  }
  if (magic >>> 16 !== 0)
    throw new FormatError(
      path,
      `not an IDX file: first two bytes must be zero, magic = 0x${magic.toString(16)}`,
    );
  const type = (magic >>> 8) & 0xff;
  if (type !== 0x08)
    throw new FormatError(
      path,
      `IDX data type 0x${type.toString(16)} unsupported; expected 0x08 (unsigned byte)`,
    );
  const ndim = magic & 0xff;
  if (ndim === 0) throw new FormatError(path, "IDX file declares 0 dimensions");
  const offset = 4 + 4 * ndim;
  if (bytes.length < offset)
    throw new FormatError(
      path,
      `truncated IDX header: ${bytes.length} bytes, need ${offset} for ${ndim} dimensions`,
    );
  const dims: number[] = [];
  let size = 1;
  for (let d = 0; d < ndim; d++) {
    const s = view.getUint32(4 + 4 * d, false);
    dims.push(s);
    size *= s;
  }
  if (bytes.length !== offset + size) {
    const what = bytes.length < offset + size ? "truncated" : "trailing bytes";
    throw new FormatError(
      path,
      `${what}: ${bytes.length} bytes, expected ${offset + size} for dims [${dims.join(", ")}]`,
    );
  }
  return { magic, dims, data: bytes.subarray(offset, offset + size) };
}

export interface LoadIdxOptions {
  /**
   * Names for labels 0…K−1. Default: the Fashion-MNIST names when every label is < 10, else "0",
   * "1", ….
   */
  classNames?: readonly string[];
}

/**
 * Load a full IDX image/label pair, e.g. the original Fashion-MNIST
 * `train-images-idx3-ubyte.gz` + `train-labels-idx1-ubyte.gz` (gzipped or raw).
 * Validates the magic numbers (2051 images, 2049 labels), that the counts agree and that every
 * label indexes `classNames`. Returns images in [0, 1] as [n, rows, cols].
 */
export function loadIdx(
  imagesPath: string,
  labelsPath: string,
  options: LoadIdxOptions = {},
): ImageSet {
  const img = readIdx(imagesPath, IDX_IMAGES_MAGIC);
  const lab = readIdx(labelsPath, IDX_LABELS_MAGIC);
  const [n, height, width] = img.dims;
  if (height === 0 || width === 0)
    throw new FormatError(
      imagesPath,
      `image size ${height}×${width}; expected both dimensions ≥ 1`,
    );
  if (lab.dims[0] !== n) {
    throw new FormatError(
      labelsPath,
      `${lab.dims[0]} labels but ${imagesPath} has ${n} images; expected equal counts`,
    );
  }
  let maxLabel = -1;
  for (let i = 0; i < n; i++) if (lab.data[i] > maxLabel) maxLabel = lab.data[i];
  const classNames = options.classNames
    ? [...options.classNames]
    : maxLabel < FASHION_MNIST_CLASSES.length
      ? [...FASHION_MNIST_CLASSES]
      : Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  if (maxLabel >= classNames.length) {
    throw new FormatError(
      labelsPath,
      `label ${maxLabel} found but only ${classNames.length} class names given; expected labels < ${classNames.length}`,
    );
  }
  const images = new Float32Array(n * height * width);
  bytesToUnit(img.data, 0, images, 0, images.length);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = lab.data[i];
  return { images, labels, n, height, width, classNames };
}
