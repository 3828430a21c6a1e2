/**
 * Central differences of a model's energy, the reference that `energyForces` (F = −∇E by autodiff)
 * is checked against in notebook 07 §2 and in test/frames-potential.test.ts (ours; one home for
 * the loop both used to write out).
 */
import * as tf from "../tf";
import { domainError, ShapeError } from "../errors";
import { relMaxAbs } from "../equivariance";
import { BatchOptions, makeBatch } from "./batch";
import { Cloud } from "./data";
import { Model } from "./models";

/**
 * max|a − b| / max|b| over two arrays of the same length (`b` the reference), computed by
 * `equivariance.relMaxAbs`. Refuses what that helper would turn into a confident number: a
 * reference that is all zeros (it would return the absolute difference), empty arrays, non-finite
 * values, arrays of different lengths.
 */
export function relMaxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new ShapeError("relMaxDiff: a", `[${b.length}] (the length of b)`, [a.length]);
  if (b.length === 0) domainError("relMaxDiff", "b", "[]", "a non-empty reference");
  let nonZero = false;
  for (const [name, v] of [
    ["a", a],
    ["b", b],
  ] as const)
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) domainError("relMaxDiff", `${name}[${i}]`, v[i], "finite values");
      if (name === "b" && v[i] !== 0) nonZero = true;
    }
  if (!nonZero) domainError("relMaxDiff", "b", "all zeros", "a reference with max|b| > 0");
  return relMaxAbs(a, b); // the one implementation of max|a − b| / max|b| (equivariance)
}

/**
 * Forces −∂E/∂x_k of `model` on `cloud` by central differences, coordinate by coordinate:
 * x_k + h, then (x_k + h) − 2h, F_k = −(E₊ − E₋)/(2h), with `h` in Å (default 2e-3). Each energy
 * is one forward pass on a fresh batch (float32 model: the noise is about ulp(E)/h). Returns
 * `[N·3]` in the layout of `cloud.pos`.
 */
export function centralDifferenceForces(
  model: Model,
  cloud: Cloud,
  bo: BatchOptions,
  opts: { h?: number } = {},
): number[] {
  const fn = "centralDifferenceForces";
  const h = opts.h ?? 2e-3;
  if (!(Number.isFinite(h) && h > 0)) domainError(fn, "opts.h", h, "a finite step > 0 (Å)");
  if (
    cloud === null ||
    typeof cloud !== "object" ||
    !(cloud.pos instanceof Float64Array) ||
    cloud.pos.length % 3 !== 0
  ) {
    throw new ShapeError(
      `${fn}: cloud.pos`,
      "a Float64Array [N·3]",
      cloud?.pos instanceof Float64Array ? [cloud.pos.length] : String(cloud?.pos),
    );
  }
  if (cloud.types?.length !== cloud.pos.length / 3)
    throw new ShapeError(
      `${fn}: cloud.types`,
      `[N] = [${cloud.pos.length / 3}]`,
      String(cloud.types?.length),
    );
  const E = (pos: Float64Array) => {
    const bb = makeBatch([{ pos, types: cloud.types }], bo);
    try {
      return tf.tidy(() => model.apply(bb).energy.dataSync()[0]);
    } finally {
      bb.dispose();
    }
  };
  return Array.from(cloud.pos, (_, k) => {
    const p = Float64Array.from(cloud.pos);
    p[k] += h;
    const ep = E(p);
    p[k] -= 2 * h;
    return -(ep - E(p)) / (2 * h);
  });
}
