/**
 * Equivariance measurements for feature maps and invariance of logits.
 *
 * Feature-map equivariance error (our definition; the paper's exact normalisation could not be
 * read, see PAPERS.md §4): for a map f: image → field [B, H', W', C'] and angle α,
 *
 *     e(α) = ‖ M ⊙ ( f(R_α x) − R_α f(x) ) ‖₂  /  ‖ M ⊙ R_α f(x) ‖₂ ,
 *
 * with sums over the batch, channels and pixels, R_α the rotation of rotate.ts (bicubic by default, so
 * that interpolation error stays well below the effect being measured) and M the
 * disk mask of the feature map (the corners of a square image leave the frame under rotation, so
 * no model can be equivariant there). The reported number is the mean of e(α) over the angles.
 * For multiples of 90° R_α is exact and no mask is needed; the 90° check uses `maxRelDiff`.
 */
import * as tf from "@tensorflow/tfjs";
import { ShapeError } from "../errors";
import { diskMask, Interpolation, rot90, rotateArray } from "./rotate";

export type FeatureFn = (x: tf.Tensor4D) => tf.Tensor;

/** max|a − b| / max|b|, the scale-free error used by the 90° checks. */
export function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new ShapeError("maxRelDiff", `[${b.shape.join(", ")}]`, a.shape);
  return tf.tidy(() => {
    const num = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    const den = tf.max(tf.abs(b)).dataSync()[0];
    return den === 0 ? num : num / den;
  });
}

/**
 * Error of f under exact 90° rotations: max over k = 1, 2, 3 of maxRelDiff(f(rot90ᵏ x), rot90ᵏ f(x))
 * when f returns a field [B, H, W, C]; for an output of rank 2 (logits) it measures invariance
 * maxRelDiff(f(rot90ᵏ x), f(x)).
 */
export function rot90Error(f: FeatureFn, x: tf.Tensor4D): number {
  let worst = 0;
  const fx = tf.tidy(() => f(x));
  for (let k = 1; k < 4; k++) {
    const e = tf.tidy(() => {
      const frx = f(rot90(x, k));
      const target = fx.rank === 4 ? rot90(fx as tf.Tensor4D, k) : fx;
      return maxRelDiff(frx, target);
    });
    worst = Math.max(worst, e);
  }
  fx.dispose();
  return worst;
}

export interface EquivarianceReport {
  /** Angles in degrees. */
  angles: number[];
  /** e(α) for each angle (relative, 0.01 = 1%). */
  errors: number[];
  /** Mean of `errors`. */
  mean: number;
}

export interface EquivarianceOptions {
  /** Disk-mask radius in feature-map pixels; default one pixel inside the inscribed disk. */
  maskRadius?: number;
  /** How R_α resamples the input and the feature map (default "bicubic"). */
  interpolation?: Interpolation;
  /**
   * The rotated input for an angle in degrees, e.g. an analytic glyph rendered at that angle
   * (no input interpolation at all). Default: rotate `x` with `interpolation`.
   */
  rotatedInput?: (deg: number) => tf.Tensor4D;
}

/**
 * Feature-map equivariance error e(α) (definition in the file comment) for each angle in degrees.
 */
export function equivarianceError(f: FeatureFn, x: tf.Tensor4D, anglesDeg: readonly number[], opts: EquivarianceOptions = {}): EquivarianceReport {
  const interp = opts.interpolation ?? "bicubic";
  const fx = tf.tidy(() => f(x));
  if (fx.rank !== 4) throw new ShapeError("equivarianceError feature map", "[B, H, W, C]", fx.shape);
  const shape = fx.shape as [number, number, number, number];
  const [B, H, W, C] = shape;
  const fxData = fx.dataSync() as Float32Array;
  fx.dispose();
  const xShape = x.shape as [number, number, number, number];
  const xData = x.dataSync() as Float32Array;
  const mask = diskMask(H, W, opts.maskRadius);
  const errors: number[] = [];
  for (const deg of anglesDeg) {
    const a = (deg * Math.PI) / 180;
    const target = rotateArray(fxData, shape, a, undefined, interp);
    const xr = opts.rotatedInput ? opts.rotatedInput(deg) : tf.tensor4d(rotateArray(xData, xShape, a, undefined, interp), xShape);
    const frx = tf.tidy(() => f(xr));
    xr.dispose();
    if (frx.shape.join() !== fx.shape.join()) throw new ShapeError("equivarianceError f(R x)", `[${shape.join(", ")}]`, frx.shape);
    const got = frx.dataSync() as Float32Array;
    frx.dispose();
    let num = 0;
    let den = 0;
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < H * W; p++) {
        if (mask[p] === 0) continue;
        for (let c = 0; c < C; c++) {
          const i = (b * H * W + p) * C + c;
          const d = got[i] - target[i];
          num += d * d;
          den += target[i] * target[i];
        }
      }
    }
    errors.push(den === 0 ? 0 : Math.sqrt(num / den));
  }
  return { angles: [...anglesDeg], errors, mean: errors.reduce((s, e) => s + e, 0) / Math.max(1, errors.length) };
}

/**
 * Relative change ‖f(R_α x) − f(x)‖/‖f(x)‖ of an invariant output (e.g. logits [B, classes]) for
 * each angle in degrees; the rotated input comes from `opts.rotatedInput` or bicubic rotation.
 */
export function invarianceError(f: FeatureFn, x: tf.Tensor4D, anglesDeg: readonly number[], opts: Omit<EquivarianceOptions, "maskRadius"> = {}): EquivarianceReport {
  const interp = opts.interpolation ?? "bicubic";
  const fx = tf.tidy(() => f(x));
  const xShape = x.shape as [number, number, number, number];
  const xData = x.dataSync() as Float32Array;
  const errors = anglesDeg.map((deg) =>
    tf.tidy(() => {
      const xr = opts.rotatedInput ? opts.rotatedInput(deg) : tf.tensor4d(rotateArray(xData, xShape, (deg * Math.PI) / 180, undefined, interp), xShape);
      const d = tf.norm(tf.sub(f(xr), fx)).dataSync()[0];
      const n = tf.norm(fx).dataSync()[0];
      return n === 0 ? d : d / n;
    }),
  );
  fx.dispose();
  return { angles: [...anglesDeg], errors, mean: errors.reduce((s, e) => s + e, 0) / Math.max(1, errors.length) };
}
