/**
 * Image rotation about the image centre, for batches in NHWC layout.
 *
 * Convention everywhere in bcnn: angles in radians, counter-clockwise as the image is displayed
 * (row 0 at the top), about the point ((W−1)/2, (H−1)/2) — the centre of the pixel grid, so that a
 * 90° rotation of a square image maps pixel centres onto pixel centres and is exact.
 */
import * as tf from "@tensorflow/tfjs";
import { ShapeError, domainError } from "../errors";

/**
 * Exact rotation by k·90° counter-clockwise of x [B, H, W, C] (k any integer).
 * One step: out[r][c] = in[c][W−1−r], i.e. reverse along width then swap height and width.
 */
export function rot90(x: tf.Tensor4D, k = 1): tf.Tensor4D {
  if (!Number.isInteger(k)) domainError("rot90", "k", k, "an integer number of quarter turns");
  if (x.rank !== 4) throw new ShapeError("rot90 input", "[batch, height, width, channels]", x.shape);
  const q = ((k % 4) + 4) % 4;
  return tf.tidy(() => {
    if (q === 0) return x.clone();
    if (q === 2) return tf.reverse(x, [1, 2]);
    if (q === 1) return tf.transpose(tf.reverse(x, 2), [0, 2, 1, 3]);
    return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 2); // q = 3: the inverse of q = 1
  });
}

/**
 * Rotate every image of a batch `data` [B, H, W, C] (row-major Float32Array) by `angle` radians,
 * bilinear interpolation, zero outside the source image. Output pixel p takes the source value at
 * R(−angle)·(p − centre) + centre. For a multiple of 90° on a square image this reduces to the exact
 * permutation (the source points land on pixel centres up to rounding, which we snap).
 */
export function rotateArray(
  data: Float32Array,
  shape: readonly [number, number, number, number],
  angle: number,
  out = new Float32Array(data.length),
): Float32Array {
  const [B, H, W, C] = shape;
  if (data.length !== B * H * W * C) throw new ShapeError("rotateArray data", `length B·H·W·C = ${B * H * W * C}`, `length ${data.length}`);
  if (out.length !== data.length) throw new ShapeError("rotateArray out", `length ${data.length}`, `length ${out.length}`);
  if (!Number.isFinite(angle)) domainError("rotateArray", "angle", angle, "a finite number of radians");
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  let cos = Math.cos(angle);
  let sin = Math.sin(angle);
  // Snap the trig values for multiples of 90° so those rotations are exact permutations.
  if (Math.abs(cos) < 1e-12) cos = 0;
  if (Math.abs(sin) < 1e-12) sin = 0;
  const plane = H * W * C;
  for (let row = 0; row < H; row++) {
    // Display coordinates: x right, y up.
    const y = cy - row;
    for (let col = 0; col < W; col++) {
      const x = col - cx;
      // Source point R(−α)(x, y).
      const xs = cos * x + sin * y;
      const ys = -sin * x + cos * y;
      let sc = xs + cx;
      let sr = cy - ys;
      const rsnap = Math.round(sr);
      const csnap = Math.round(sc);
      if (Math.abs(sr - rsnap) < 1e-9) sr = rsnap;
      if (Math.abs(sc - csnap) < 1e-9) sc = csnap;
      const r0 = Math.floor(sr);
      const c0 = Math.floor(sc);
      const fr = sr - r0;
      const fc = sc - c0;
      const w00 = (1 - fr) * (1 - fc);
      const w01 = (1 - fr) * fc;
      const w10 = fr * (1 - fc);
      const w11 = fr * fc;
      const in00 = r0 >= 0 && r0 < H && c0 >= 0 && c0 < W;
      const in01 = r0 >= 0 && r0 < H && c0 + 1 >= 0 && c0 + 1 < W;
      const in10 = r0 + 1 >= 0 && r0 + 1 < H && c0 >= 0 && c0 < W;
      const in11 = r0 + 1 >= 0 && r0 + 1 < H && c0 + 1 >= 0 && c0 + 1 < W;
      const o = (row * W + col) * C;
      const i00 = (r0 * W + c0) * C;
      const i01 = i00 + C;
      const i10 = i00 + W * C;
      const i11 = i10 + C;
      for (let b = 0; b < B; b++) {
        const base = b * plane;
        for (let ch = 0; ch < C; ch++) {
          let v = 0;
          if (in00 && w00 !== 0) v += w00 * data[base + i00 + ch];
          if (in01 && w01 !== 0) v += w01 * data[base + i01 + ch];
          if (in10 && w10 !== 0) v += w10 * data[base + i10 + ch];
          if (in11 && w11 !== 0) v += w11 * data[base + i11 + ch];
          out[base + o + ch] = v;
        }
      }
    }
  }
  return out;
}

/** Tensor version of rotateArray: x [B, H, W, C] rotated by `angle` radians (bilinear, zero fill). */
export function rotate(x: tf.Tensor4D, angle: number): tf.Tensor4D {
  if (x.rank !== 4) throw new ShapeError("rotate input", "[batch, height, width, channels]", x.shape);
  const data = x.dataSync() as Float32Array;
  const shape = x.shape as [number, number, number, number];
  return tf.tensor4d(rotateArray(Float32Array.from(data), shape, angle), shape);
}

/**
 * Rotate each image of a batch by its own angle (for rotation augmentation).
 * `data` [B, H, W, C]; `angles` has length B.
 */
export function rotateEach(data: Float32Array, shape: readonly [number, number, number, number], angles: ArrayLike<number>): Float32Array {
  const [B, H, W, C] = shape;
  if (angles.length !== B) throw new ShapeError("rotateEach angles", `length ${B}`, `length ${angles.length}`);
  const plane = H * W * C;
  const out = new Float32Array(data.length);
  for (let b = 0; b < B; b++) {
    const src = data.subarray(b * plane, (b + 1) * plane);
    rotateArray(src, [1, H, W, C], angles[b], out.subarray(b * plane, (b + 1) * plane));
  }
  return out;
}

/**
 * Disk mask [H, W] (1 inside, 0 outside) of the given radius in pixels about the grid centre.
 * Default radius (min(H, W) − 1)/2 − 1 keeps a one-pixel margin from the image edge, so that the
 * mask region's source points stay inside the image for every rotation angle.
 */
export function diskMask(H: number, W: number, radius = (Math.min(H, W) - 1) / 2 - 1): Float32Array {
  if (!(radius > 0)) domainError("diskMask", "radius", radius, "> 0");
  const m = new Float32Array(H * W);
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) m[r * W + c] = Math.hypot(c - cx, r - cy) <= radius + 1e-9 ? 1 : 0;
  return m;
}

/** Multiply every image/channel of x [B, H, W, C] by a disk mask (zero outside the inscribed disk). */
export function maskToDisk(x: tf.Tensor4D, radius?: number): tf.Tensor4D {
  const [, H, W] = x.shape;
  return tf.tidy(() => tf.mul(x, tf.tensor4d(diskMask(H, W, radius), [1, H, W, 1])) as tf.Tensor4D);
}
