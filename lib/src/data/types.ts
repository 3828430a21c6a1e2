/** Shared result types of the data loaders. */

/** A labelled set of single-channel images, row-major, values in [0, 1]. */
export interface ImageSet {
  /** Pixels, shape [n, height, width], row 0 at the top, values in [0, 1]. */
  images: Float32Array;
  /** Class of each image, shape [n]; an index into `classNames`. */
  labels: Int32Array;
  n: number;
  height: number;
  width: number;
  /** Human-readable class names; `labels[i]` indexes this array. */
  classNames: string[];
}

/** The ten Fashion-MNIST classes in label order (Xiao, Rasul & Vollgraf 2017). */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

/** Bytes → [0, 1] floats through a table: one multiply-free lookup per pixel. */
const U8_TO_UNIT = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = i / 255;
  return t;
})();

/** Copy `count` bytes from `src` (starting at `from`) into `dst` at `to`, mapped to [0, 1]. */
export function bytesToUnit(
  src: Uint8Array,
  from: number,
  dst: Float32Array,
  to: number,
  count: number,
): void {
  for (let i = 0; i < count; i++) dst[to + i] = U8_TO_UNIT[src[from + i]];
}
