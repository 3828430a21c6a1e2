/**
 * Equivariance measurements for feature maps and invariance of logits.
 *
 * Feature-map equivariance error (our definition; `paperEquivarianceError` below is the variant
 * issue #14 describes for the paper's §5.5): for a map f: image → field [B, H', W', C'] and angle
 * α,
 *
 *     e(α) = ‖ M ⊙ ( f(R_α x) − R_α f(x) ) ‖₂  /  ‖ M ⊙ R_α f(x) ‖₂ ,
 *
 * with sums over the batch, channels and pixels, R_α the rotation of rotate.ts (bicubic by default,
 * so that interpolation error stays well below the effect being measured) and M the disk mask of
 * the feature map (the corners of a square image leave the frame under rotation, so no model can be
 * equivariant there). The reported number is the mean of e(α) over the angles. For multiples of 90°
 * R_α is exact and no mask is needed; the 90° check uses `maxRelDiff`.
 *
 * Every metric here is "bcnn's group actions + the toolkit" (lib/src/equivariance): bcnn supplies
 * the rotations as values (`rotationActions`, `quarterTurnActions`: tensor input in, plain field
 * out) and the disk mask; the toolkit does the arithmetic (relL2 for e(α) and invariance, relMaxAbs
 * in float32 for the 90° checks, which reproduces the tensor computation they used to do).
 */
import * as tf from "../tf-layers";
import { domainError, ShapeError } from "../errors";
import { diskMask, Interpolation, rot90, rotateArray } from "./rotate";
import {
  Action,
  equivarianceError as measure,
  EquivarianceErrorReport,
  relMaxAbs,
} from "../equivariance";

export type FeatureFn = (x: tf.Tensor4D) => tf.Tensor;

/**
 * f(x) inside a tidy, as a tensor the caller may dispose: when f returns its input unchanged (an
 * identity map) the result is a clone, so disposing it never disposes the caller's tensor.
 */
function own(fn: string, f: FeatureFn, x: tf.Tensor4D): tf.Tensor {
  // clone inside tidy: a tensor f creates is disposed by tidy, while one f merely returns (x
  // itself, or a tensor it holds) is left to its owner — the metric only ever disposes its clone
  const y = tf.tidy(() => f(x).clone());
  const d = y.dataSync();
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      y.dispose();
      domainError(fn, "f(x)", d[i], "finite outputs (f returned NaN or ±∞)");
    }
  }
  return y;
}

/** A feature map (or logits) as plain data: what the toolkit compares. */
export interface Field {
  shape: number[];
  data: Float32Array;
}

/** f as a map to plain fields (via `own`: finite outputs, the caller's tensors never disposed). */
function fieldMap(fn: string, f: FeatureFn): (x: tf.Tensor4D) => Field {
  return (x) => {
    const y = own(fn, f, x);
    const out = { shape: [...y.shape], data: y.dataSync() as Float32Array };
    y.dispose();
    return out;
  };
}

/** Run the toolkit inside one tidy (frees the rotated inputs the actions make); plain result. */
function tidyMeasure(body: () => EquivarianceErrorReport): EquivarianceErrorReport {
  let r: EquivarianceErrorReport | undefined;
  tf.tidy(() => {
    r = body();
  });
  return r!;
}

export interface RotationActionOptions {
  /** How R_α resamples the input and the field (default "bicubic"). */
  interpolation?: Interpolation;
  /** The rotated input for an angle in degrees (default: rotate x with `interpolation`). */
  rotatedInput?: (deg: number) => tf.Tensor4D;
  /** The output is a C4 field: R_α also cycles its orientation blocks (EquivarianceOptions). */
  c4Field?: boolean;
  /** The output is invariant: `out` is the identity (default false). */
  invariant?: boolean;
  /** Function name for messages (default "rotationActions"). */
  caller?: string;
}

/**
 * bcnn's rotation group elements, one per angle in degrees, as toolkit actions: `in` rotates an
 * input batch (a new tensor, or `rotatedInput(deg)`), `out` rotates a field [B, H, W, C] with
 * rotateArray (and cycles a C4 field's blocks), or is the identity for an invariant output.
 */
export function rotationActions(
  anglesDeg: readonly number[],
  opts: RotationActionOptions = {},
): Action<tf.Tensor4D, Field>[] {
  const interp = opts.interpolation ?? "bicubic";
  const fn = opts.caller ?? "rotationActions";
  return anglesDeg.map((deg) => {
    const a = (deg * Math.PI) / 180;
    return {
      name: `${deg}°`,
      in: (x: tf.Tensor4D) => {
        if (opts.rotatedInput) return opts.rotatedInput(deg);
        const xShape = x.shape as [number, number, number, number];
        return tf.tensor4d(
          rotateArray(x.dataSync() as Float32Array, xShape, a, undefined, interp),
          xShape,
        );
      },
      out: (y: Field) => {
        if (opts.invariant) return y;
        const shape = y.shape as [number, number, number, number];
        const rotated = rotateArray(y.data, shape, a, undefined, interp);
        return { shape: y.shape, data: opts.c4Field ? cycleC4(rotated, shape, deg, fn) : rotated };
      },
    };
  });
}

/**
 * The exact quarter turns k = 1, 2, 3 (rot90ᵏ) as toolkit actions: the input is turned; a field
 * output [B, H, W, C] is turned too, an output of another rank (logits) is left as it is.
 */
export function quarterTurnActions(): Action<tf.Tensor4D, Field>[] {
  return [1, 2, 3].map((k) => ({
    name: `${90 * k}°`,
    in: (x: tf.Tensor4D) => rot90(x, k),
    out: (y: Field) => {
      if (y.shape.length !== 4) return y;
      const t = tf.tensor4d(y.data, y.shape as [number, number, number, number]);
      const data = tf.tidy(() => rot90(t, k).dataSync() as Float32Array);
      t.dispose();
      return { shape: y.shape, data };
    },
  }));
}

/**
 * max|a − b| / max|b| (max|a − b| when b ≡ 0), the scale-free error used by the 90° checks: the
 * toolkit's relMaxAbs with b as the reference, differences rounded to float32 as tf.sub did.
 */
export function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join())
    throw new ShapeError("maxRelDiff", `[${b.shape.join(", ")}]`, a.shape);
  return relMaxAbs(a.dataSync(), b.dataSync(), { arithmetic: "float32" });
}

/**
 * Error of f under exact 90° rotations: max over k = 1, 2, 3 of maxRelDiff(f(rot90ᵏ x), rot90ᵏ
 * f(x)) when f returns a field [B, H, W, C]; for an output of rank 2 (logits) it measures
 * invariance maxRelDiff(f(rot90ᵏ x), f(x)).
 */
export function rot90Error(f: FeatureFn, x: tf.Tensor4D): number {
  checkInput("rot90Error", x);
  // an all-zero output (e.g. every map dead) has no relative error: refuse rather than report 0
  return tidyMeasure(() =>
    measure({
      f: fieldMap("rot90Error", f),
      x,
      actions: quarterTurnActions(),
      norm: "relMaxAbs",
      zero: "throw",
      arithmetic: "float32",
      caller: "rot90Error",
      labels: { lhs: "f(R x)", rhs: "R f(x)" },
    }),
  ).max;
}

export interface EquivarianceReport {
  /** Angles in degrees. */
  anglesDeg: number[];
  /** e(α) for each angle (relative, 0.01 = 1%). */
  errors: number[];
  /** Mean of `errors`. */
  mean: number;
  /**
   * paperEquivarianceError only: (image, map, angle) triples left out because the reference map
   * R_α f(x) is constant on the disk (min-max scaling undefined, e.g. a dead ReLU map).
   */
  excluded?: number;
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
  /**
   * The feature map is a C4 field (C4Conv2D output: 4F channels, orientation-major, channel r·F +
   * f). Turning the input turns each map *and* cycles the orientation blocks, so the target R_α
   * f(x) also has its blocks cycled by q = round(α / 90°) mod 4 (the nearest quarter turn). Without
   * this, a C4 model fails the metric even at exact quarter turns. Default false.
   */
  c4Field?: boolean;
}

/** Cycle the orientation blocks of a C4 field [B, H, W, 4F] (orientation-major) for angle `deg`. */
function cycleC4(d: Float32Array, shape: readonly number[], deg: number, fn: string): Float32Array {
  const C = shape[3];
  if (C % 4 !== 0)
    throw new ShapeError(`${fn} C4 field`, "[B, H, W, 4·F] (orientation-major)", [...shape]);
  const F = C / 4;
  const q = ((Math.round(deg / 90) % 4) + 4) % 4;
  if (q === 0) return d;
  const out = new Float32Array(d.length);
  for (let base = 0; base < d.length; base += C) {
    for (let r = 0; r < 4; r++) {
      const to = ((r + q) % 4) * F;
      for (let f = 0; f < F; f++) out[base + to + f] = d[base + r * F + f];
    }
  }
  return out;
}

/**
 * Feature-map equivariance error e(α) (definition in the file comment) for each angle in degrees.
 */
/**
 * Arguments every metric shares: at least one finite angle (an empty list used to give mean 0,
 * "perfectly equivariant") and a finite input (NaN used to give a NaN error).
 */
function checkMetricArgs(fn: string, x: tf.Tensor4D, anglesDeg: readonly number[]): void {
  if (!Array.isArray(anglesDeg) || anglesDeg.length === 0)
    domainError(fn, "anglesDeg", "[]", "a non-empty array of angles in degrees");
  for (const a of anglesDeg)
    if (typeof a !== "number" || !Number.isFinite(a) || Math.abs(a) > 1e6)
      domainError(fn, "anglesDeg", a, "finite angles in degrees, |α| ≤ 1e6");
  checkInput(fn, x);
}

/** x is a non-empty [B, H, W, C] tensor of finite values. */
function checkInput(fn: string, x: tf.Tensor4D): void {
  if (!x || x.rank !== 4) throw new ShapeError(`${fn} x`, "[B, H, W, C]", x ? x.shape : "none");
  if (x.shape.some((n) => n === 0))
    throw new ShapeError(
      `${fn} x`,
      "[B, H, W, C] with every size ≥ 1 (an empty batch has no error to measure)",
      x.shape,
    );
  const d = x.dataSync();
  for (let i = 0; i < d.length; i++)
    if (!Number.isFinite(d[i])) domainError(fn, "x", d[i], "finite input values");
}

export function equivarianceError(
  f: FeatureFn,
  x: tf.Tensor4D,
  anglesDeg: readonly number[],
  opts: EquivarianceOptions = {},
): EquivarianceReport {
  checkMetricArgs("equivarianceError", x, anglesDeg);
  const r = tidyMeasure(() =>
    measure({
      f: fieldMap("equivarianceError", f),
      x,
      actions: rotationActions(anglesDeg, { ...opts, caller: "equivarianceError" }),
      norm: "relL2",
      // the disk mask over pixels, the same for every image and channel; zero reference → throw
      mask: {
        keep: (shape) => diskKeep(shape, opts.maskRadius, "equivarianceError"),
        name: "the disk",
      },
      caller: "equivarianceError",
      labels: { lhs: "f(R x)", rhs: "R f(x)" },
    }),
  );
  const errors = r.perAction;
  return {
    anglesDeg: [...anglesDeg],
    errors,
    mean: errors.reduce((s, e) => s + e, 0) / errors.length,
  };
}

/** The disk mask of a feature map [B, H, W, C] expanded to one 0/1 entry per value. */
function diskKeep(shape: readonly number[], radius: number | undefined, fn: string): Uint8Array {
  if (shape.length !== 4) throw new ShapeError(`${fn} feature map`, "[B, H, W, C]", [...shape]);
  const [B, H, W, C] = shape as [number, number, number, number];
  const disk = diskMask(H, W, radius);
  const keep = new Uint8Array(B * H * W * C);
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < H * W; p++) {
      if (disk[p] === 0) continue;
      keep.fill(1, (b * H * W + p) * C, (b * H * W + p + 1) * C);
    }
  }
  return keep;
}

/**
 * Relative change ‖f(R_α x) − f(x)‖/‖f(x)‖ of an invariant output (e.g. logits [B, classes]) for
 * each angle in degrees; the rotated input comes from `opts.rotatedInput` or bicubic rotation. The
 * toolkit's relL2 with invariant actions, summed in float64 (until session 7 tf.norm in float32:
 * values differ by ≤ 2e-7 relative, scripts/compare-equivariance.cjs; no notebook calls it).
 */
export function invarianceError(
  f: FeatureFn,
  x: tf.Tensor4D,
  anglesDeg: readonly number[],
  opts: Omit<EquivarianceOptions, "maskRadius"> = {},
): EquivarianceReport {
  checkMetricArgs("invarianceError", x, anglesDeg);
  const r = tidyMeasure(() =>
    measure({
      f: fieldMap("invarianceError", f),
      x,
      actions: rotationActions(anglesDeg, { ...opts, invariant: true, caller: "invarianceError" }),
      norm: "relL2",
      caller: "invarianceError",
      labels: { lhs: "f(R x)", rhs: "f(x)" },
    }),
  );
  const errors = r.perAction;
  return {
    anglesDeg: [...anglesDeg],
    errors,
    mean: errors.reduce((s, e) => s + e, 0) / errors.length,
  };
}

/**
 * Equivariance error of each order's field of one B-conv layer (`layer.orderPower`), on the same
 * inputs and angles as equivarianceError, plus the share of the output energy Σ|·|² each order
 * carries on `x`. Why per order: the total is dominated by ν = 0 (isotropic, easy to steer), so a
 * small total error can hide orders that do not steer at all.
 */
export function orderEquivariance(
  layer: { orderPower(x: tf.Tensor4D): tf.Tensor; basis: { orders: readonly number[] } },
  x: tf.Tensor4D,
  anglesDeg: readonly number[],
  opts: EquivarianceOptions = {},
): { nu: number; energyShare: number; errors: number[]; mean: number; max: number }[] {
  checkMetricArgs("orderEquivariance", x, anglesDeg);
  const V = layer.basis.orders.length;
  const energy = tf.tidy(() => {
    const p = layer.orderPower(x);
    return Array.from(tf.sum(p, [0, 1, 2, 4]).dataSync());
  });
  const total = energy.reduce((s, e) => s + e, 0);
  return layer.basis.orders
    .map((nu, v) => {
      const f = (t: tf.Tensor4D) =>
        tf.tidy(() => {
          const p = layer.orderPower(t);
          const [B, H, W, , O] = p.shape;
          return tf.slice(p, [0, 0, 0, v, 0], [B, H, W, 1, O]).reshape([B, H, W, O]);
        });
      const r = equivarianceError(f, x, anglesDeg, opts);
      return {
        nu,
        energyShare: total === 0 ? 0 : energy[v] / total,
        errors: r.errors,
        mean: r.mean,
        max: Math.max(...r.errors),
      };
    })
    .filter((_, v) => v < V);
}

export interface PaperMetricOptions extends EquivarianceOptions {
  /** Number of most active maps (channels with the largest mean activation on x), default 8. */
  topMaps?: number;
}

/**
 * The feature-map equivariance metric as issue #14 describes the paper's §5.5 (we could not read
 * that section ourselves; see REFERENCES.md): take the `topMaps` channels with the largest mean
 * activation on the upright inputs, min-max scale each map of f(R_α x) and of R_α f(x) to [0, 1]
 * (per image and channel), mask the corners (disk mask), and report the mean absolute difference
 * over the masked pixels, as a fraction (0.0758 = 7.58%), averaged over angles.
 */
export function paperEquivarianceError(
  f: FeatureFn,
  x: tf.Tensor4D,
  anglesDeg: readonly number[],
  opts: PaperMetricOptions = {},
): EquivarianceReport {
  const top = opts.topMaps ?? 8;
  if (!Number.isInteger(top) || top < 1)
    domainError("paperEquivarianceError", "topMaps", top, "a positive integer");
  checkMetricArgs("paperEquivarianceError", x, anglesDeg);
  const fx = own("paperEquivarianceError", f, x);
  if (fx.rank !== 4) {
    fx.dispose();
    throw new ShapeError("paperEquivarianceError feature map", "[B, H, W, C]", fx.shape);
  }
  const shape = fx.shape as [number, number, number, number];
  const [B, H, W, C] = shape;
  const fxData = fx.dataSync() as Float32Array;
  const act = Array.from(tf.tidy(() => tf.mean(fx, [0, 1, 2]).dataSync()));
  fx.dispose();
  const chosen = act
    .map((a, c) => [a, c])
    .sort((p, q) => q[0] - p[0])
    .slice(0, Math.min(top, C))
    .map((p) => p[1]);
  const mask = diskMask(H, W, opts.maskRadius);
  // undefined when the map is constant on the disk (min-max scaling undefined)
  const scaled = (d: Float32Array, b: number, c: number): Float64Array | undefined => {
    const out = new Float64Array(H * W);
    let lo = Infinity,
      hi = -Infinity;
    for (let p = 0; p < H * W; p++) {
      if (mask[p] === 0) continue;
      const v = d[(b * H * W + p) * C + c];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo;
    if (!(span > 0)) return undefined;
    for (let p = 0; p < H * W; p++)
      out[p] = mask[p] === 0 ? 0 : (d[(b * H * W + p) * C + c] - lo) / span;
    return out;
  };
  const errors: number[] = [];
  let excluded = 0;
  // bcnn's rotations as group elements (the same actions as equivarianceError); this metric's own
  // reduction (top maps, min–max scaling, left-out constant maps) stays here: no other caller has
  // it
  const actions = rotationActions(anglesDeg, { ...opts, caller: "paperEquivarianceError" });
  const fField = fieldMap("paperEquivarianceError", f);
  const fxField: Field = { shape: [...shape], data: fxData };
  for (const [k, g] of actions.entries()) {
    const deg = anglesDeg[k];
    const target = g.out(fxField).data;
    let frx: Field | undefined;
    tf.tidy(() => {
      frx = fField(g.in(x));
    });
    if (frx!.shape.join() !== shape.join())
      throw new ShapeError("paperEquivarianceError f(R x)", `[${shape.join(", ")}]`, frx!.shape);
    const got = frx!.data;
    let sum = 0,
      n = 0;
    for (let b = 0; b < B; b++) {
      for (const c of chosen) {
        const v = scaled(target, b, c);
        if (v === undefined) {
          // a constant reference map (e.g. dead): left out and counted, never scored as 0
          excluded++;
          continue;
        }
        // a constant f(R x) against a varying reference scores as an all-zero map (maximal error)
        const u = scaled(got, b, c) ?? new Float64Array(H * W);
        for (let p = 0; p < H * W; p++) {
          if (mask[p] === 0) continue;
          sum += Math.abs(u[p] - v[p]);
          n++;
        }
      }
    }
    if (n === 0)
      domainError(
        "paperEquivarianceError",
        "f(x)",
        `every chosen map constant on the disk at ${deg}°`,
        "at least one non-constant map (min-max scaling is undefined for a constant map)",
      );
    errors.push(sum / n);
  }
  return {
    anglesDeg: [...anglesDeg],
    errors,
    mean: errors.reduce((s, e) => s + e, 0) / errors.length,
    excluded,
  };
}
