/**
 * Image rotation about the image centre, for batches in NHWC layout.
 *
 * Convention everywhere in bcnn: angles in radians, counter-clockwise as the image is displayed
 * (row 0 at the top), about the point ((W−1)/2, (H−1)/2) — the centre of the pixel grid, so that a
 * 90° rotation of a square image maps pixel centres onto pixel centres and is exact.
 */
import * as tf from "../tf-layers";
import { ShapeError, domainError } from "../errors";

/**
 * Exact rotation by k·90° counter-clockwise of a batch tensor x [B, H, W, C] (k any integer);
 * `data.rot90Image` turns one flat image.
 * One step: out[r][c] = in[c][W−1−r], i.e. reverse along width then swap height and width.
 */
export function rot90(x: tf.Tensor4D, k = 1): tf.Tensor4D {
  if (!Number.isInteger(k)) domainError("rot90", "k", k, "an integer number of quarter turns");
  if (x.rank !== 4)
    throw new ShapeError("rot90 input", "[batch, height, width, channels]", x.shape);
  const q = ((k % 4) + 4) % 4;
  return tf.tidy(() => {
    if (q === 0) return x.clone();
    if (q === 2) return tf.reverse(x, [1, 2]);
    if (q === 1) return tf.transpose(tf.reverse(x, 2), [0, 2, 1, 3]);
    return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 2); // q = 3: the inverse of q = 1
  });
}

export type Interpolation = "bilinear" | "bicubic";

/** Keys cubic-convolution weight (a = −0.5): reproduces quadratics, error O(h³) on smooth data. */
function keys(t: number): number {
  const x = Math.abs(t);
  if (x < 1) return (1.5 * x - 2.5) * x * x + 1;
  if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return 0;
}

/**
 * Rotate every image of a batch `data` [B, H, W, C] (row-major Float32Array) by `angle` radians,
 * zero outside the source image. Output pixel p takes the source value at R(−angle)·(p − centre) +
 * centre, interpolated bilinearly (2×2 taps, default) or bicubically (4×4 Keys taps: much smaller
 * error on smooth fields, used to measure equivariance so that the interpolation doesn't dominate).
 * For a multiple of 90° on a square image the source points land on pixel centres (snapped), so the
 * result is the exact permutation with either method.
 */
export function rotateArray(
  data: Float32Array,
  shape: readonly [number, number, number, number],
  angle: number,
  out = new Float32Array(data.length),
  interpolation: Interpolation = "bilinear",
): Float32Array {
  const [B, H, W, C] = shape;
  if (data.length !== B * H * W * C)
    throw new ShapeError(
      "rotateArray data",
      `length B·H·W·C = ${B * H * W * C}`,
      `length ${data.length}`,
    );
  if (out.length !== data.length)
    throw new ShapeError("rotateArray out", `length ${data.length}`, `length ${out.length}`);
  if (!Number.isFinite(angle))
    domainError("rotateArray", "angle", angle, "a finite number of radians");
  if (interpolation !== "bilinear" && interpolation !== "bicubic")
    domainError("rotateArray", "interpolation", interpolation, '"bilinear" or "bicubic"');
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  let cos = Math.cos(angle);
  let sin = Math.sin(angle);
  // Snap the trig values for multiples of 90° so those rotations are exact permutations.
  if (Math.abs(cos) < 1e-12) cos = 0;
  if (Math.abs(sin) < 1e-12) sin = 0;
  const plane = H * W * C;
  const taps = interpolation === "bilinear" ? 2 : 4;
  const first = interpolation === "bilinear" ? 0 : -1;
  const wr = new Float64Array(taps);
  const wc = new Float64Array(taps);
  for (let row = 0; row < H; row++) {
    // Display coordinates: x right, y up.
    const y = cy - row;
    for (let col = 0; col < W; col++) {
      const x = col - cx;
      // Source point R(−α)(x, y), back in (row, col) units.
      let sc = cos * x + sin * y + cx;
      let sr = cy - (-sin * x + cos * y);
      const rsnap = Math.round(sr);
      const csnap = Math.round(sc);
      if (Math.abs(sr - rsnap) < 1e-9) sr = rsnap;
      if (Math.abs(sc - csnap) < 1e-9) sc = csnap;
      const r0 = Math.floor(sr);
      const c0 = Math.floor(sc);
      const fr = sr - r0;
      const fc = sc - c0;
      for (let t = 0; t < taps; t++) {
        const o = first + t;
        wr[t] = taps === 2 ? (o === 0 ? 1 - fr : fr) : keys(fr - o);
        wc[t] = taps === 2 ? (o === 0 ? 1 - fc : fc) : keys(fc - o);
      }
      const dst = (row * W + col) * C;
      for (let b = 0; b < B; b++) {
        const base = b * plane;
        for (let ch = 0; ch < C; ch++) out[base + dst + ch] = 0;
      }
      for (let i = 0; i < taps; i++) {
        const rr = r0 + first + i;
        if (rr < 0 || rr >= H || wr[i] === 0) continue;
        for (let j = 0; j < taps; j++) {
          const cc = c0 + first + j;
          const w = wr[i] * wc[j];
          if (cc < 0 || cc >= W || w === 0) continue;
          const src = (rr * W + cc) * C;
          for (let b = 0; b < B; b++) {
            const base = b * plane;
            for (let ch = 0; ch < C; ch++) out[base + dst + ch] += w * data[base + src + ch];
          }
        }
      }
    }
  }
  return out;
}

/** Tensor version of rotateArray: x [B, H, W, C] rotated by `angle` radians (zero fill). */
export function rotate(
  x: tf.Tensor4D,
  angle: number,
  interpolation: Interpolation = "bilinear",
): tf.Tensor4D {
  if (x.rank !== 4)
    throw new ShapeError("rotate input", "[batch, height, width, channels]", x.shape);
  const data = x.dataSync() as Float32Array;
  const shape = x.shape as [number, number, number, number];
  return tf.tensor4d(
    rotateArray(Float32Array.from(data), shape, angle, undefined, interpolation),
    shape,
  );
}

/**
 * Rotate each image of a batch by its own angle (for rotation augmentation).
 * `data` [B, H, W, C]; `angles` has length B.
 */
export function rotateEach(
  data: Float32Array,
  shape: readonly [number, number, number, number],
  angles: ArrayLike<number>,
): Float32Array {
  const [B, H, W, C] = shape;
  if (angles.length !== B)
    throw new ShapeError("rotateEach angles", `length ${B}`, `length ${angles.length}`);
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
export function diskMask(
  H: number,
  W: number,
  radius = (Math.min(H, W) - 1) / 2 - 1,
): Float32Array {
  if (!(radius > 0)) domainError("diskMask", "radius", radius, "> 0");
  const m = new Float32Array(H * W);
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  for (let r = 0; r < H; r++)
    for (let c = 0; c < W; c++) m[r * W + c] = Math.hypot(c - cx, r - cy) <= radius + 1e-9 ? 1 : 0;
  return m;
}

/**
 * Multiply every image/channel of x [B, H, W, C] by a disk mask (zero outside the inscribed disk).
 */
export function maskToDisk(x: tf.Tensor4D, radius?: number): tf.Tensor4D {
  const [, H, W] = x.shape;
  return tf.tidy(() => tf.mul(x, tf.tensor4d(diskMask(H, W, radius), [1, H, W, 1])) as tf.Tensor4D);
}
