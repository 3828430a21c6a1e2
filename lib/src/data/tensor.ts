/**
 * Bridges from the plain-array data sets to tfjs tensors. tfjs (../tf) is required lazily inside
 * each function, so code that only needs floats (loaders, glyphs, tests) never loads it.
 */
import type * as TF from "../tf";
import { ShapeError, domainError } from "../errors";

function tfjs(): typeof TF {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../tf") as typeof TF;
}

/** What toTensor4d needs: the fields every besselbook ImageSet has. */
export interface ImagesLike {
  images: Float32Array;
  n: number;
  height: number;
  width: number;
}

/** Images [n, h, w] → tf.Tensor4D [n, h, w, 1] (NHWC, one channel), float32. Caller disposes. */
export function toTensor4d(set: ImagesLike): TF.Tensor4D {
  const { images, n, height, width } = set;
  if (images.length !== n * height * width) {
    throw new ShapeError(
      "toTensor4d images",
      `[${n}, ${height}, ${width}] (${n * height * width} values)`,
      [images.length],
    );
  }
  return tfjs().tensor4d(images, [n, height, width, 1], "float32");
}

/** Labels [n] → one-hot Float32Array [n, numClasses] (row-major), without tfjs. */
export function oneHotArray(
  labels: Int32Array | readonly number[],
  numClasses: number,
): Float32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1)
    domainError("oneHotArray", "numClasses", numClasses, "a positive integer");
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses)
      domainError("oneHotArray", `labels[${i}]`, y, `an integer in [0, ${numClasses - 1}]`);
    out[i * numClasses + y] = 1;
  }
  return out;
}

/** Labels [n] → one-hot tf.Tensor2D [n, numClasses], float32. Caller disposes. */
export function oneHot(labels: Int32Array | readonly number[], numClasses: number): TF.Tensor2D {
  return tfjs().tensor2d(oneHotArray(labels, numClasses), [labels.length, numClasses], "float32");
}
