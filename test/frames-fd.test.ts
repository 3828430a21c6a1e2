/**
 * frames.relMaxDiff and frames.centralDifferenceForces (lib/src/frames/fd.ts), the reference that
 * notebook 07 §2 and test/frames-potential.test.ts check F = −∇E against: on an energy whose
 * gradient is known in closed form, with a wrong-sign variant, and bad input refused.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { DomainError, frames as F, init, ShapeError } from "besselbook";
import { expectNoLeakedTensors } from "./helpers";

const bo = { cutoff: 2, nRbf: 4, nTypes: 2 };
// E(x) = Σ_k a_k x_k² + b·x (float32 batch positions): ∂E/∂x_k = 2 a_k x_k + b
const quadratic = (a: number[], b: number): F.Model => ({
  name: "quadratic",
  variables: [],
  countParams: () => 0,
  dispose: () => {},
  apply: (batch) =>
    tf.tidy(() => {
      const x = batch.pos.reshape([-1]);
      const energy = tf
        .sum(tf.add(tf.mul(tf.tensor1d(a), tf.square(x)), tf.mul(b, x)))
        .reshape([1]) as tf.Tensor1D;
      return {
        energy,
        forces: tf.zerosLike(batch.pos) as tf.Tensor2D,
        tensor: tf.zeros([batch.pos.shape[0], 9]) as tf.Tensor2D,
      };
    }),
});

describe("frames: relMaxDiff and centralDifferenceForces", () => {
  before(async () => {
    await init({ quiet: true });
  });

  it("relMaxDiff = max|a − b| / max|b|, b the reference (not symmetric)", () => {
    assert.equal(F.relMaxDiff([1, 2, 3], [1, 2, 4]), 0.25);
    assert.equal(F.relMaxDiff([1, 2, 4], [1, 2, 3]), 1 / 3);
    assert.equal(F.relMaxDiff([-2, 0], [2, 0]), 2);
    assert.throws(
      () => F.relMaxDiff([1, 2], [1]),
      (e: Error) => e instanceof ShapeError && /relMaxDiff/.test(e.message),
    );
    assert.throws(
      () => F.relMaxDiff([1, 2], [0, 0]),
      (e: Error) => e instanceof DomainError && /all zeros/.test(e.message),
    );
    assert.throws(() => F.relMaxDiff([1], [NaN]), DomainError);
  });

  it("recovers −∇E of a quadratic energy to float32 rounding; the sign and the factor 2h are tested", () => {
    const cloud = {
      pos: Float64Array.of(0.3, -1.1, 0.7, 1.5, 0.2, -0.4),
      types: Int32Array.of(0, 1),
    };
    const a = [1, 2, 0.5, 3, 1.5, 0.25],
      b = 0.7;
    const exact = Array.from(cloud.pos, (x, k) => -(2 * a[k] * Math.fround(x) + b));
    let fd: number[] = [];
    expectNoLeakedTensors(() => {
      fd = F.centralDifferenceForces(quadratic(a, b), cloud, bo);
    }, "centralDifferenceForces");
    // float32 energies of size ≈ 10 over 2h = 4e-3: rounding ≈ 1e-6·10/4e-3 ≈ 3e-3 of the forces
    const err = F.relMaxDiff(fd, exact);
    assert.ok(err < 5e-3, `relative error ${err}`);
    assert.ok(
      F.relMaxDiff(
        fd.map((v) => -v),
        exact,
      ) > 1,
      "+∇E is told apart",
    );
    assert.ok(
      F.relMaxDiff(
        fd.map((v) => v / 2),
        exact,
      ) > 0.4,
      "a missing factor 2 is told apart",
    );
    // a larger step changes nothing for a quadratic (central differences are exact there)
    assert.ok(
      F.relMaxDiff(F.centralDifferenceForces(quadratic(a, b), cloud, bo, { h: 0.05 }), exact) <
        5e-4,
    );
  });

  it("refuses a bad step or a malformed cloud with typed errors", () => {
    const m = quadratic([1, 1, 1], 0);
    const cloud = { pos: Float64Array.of(0.1, 0.2, 0.3), types: Int32Array.of(0) };
    assert.throws(
      () => F.centralDifferenceForces(m, cloud, bo, { h: 0 }),
      (e: Error) => e instanceof DomainError && /opts\.h/.test(e.message),
    );
    assert.throws(() => F.centralDifferenceForces(m, cloud, bo, { h: NaN }), DomainError);
    assert.throws(
      () =>
        F.centralDifferenceForces(m, { pos: Float64Array.of(1, 2), types: Int32Array.of(0) }, bo),
      (e: Error) => e instanceof ShapeError && /cloud\.pos/.test(e.message),
    );
    assert.throws(
      () => F.centralDifferenceForces(m, { pos: cloud.pos, types: Int32Array.of(0, 1) }, bo),
      (e: Error) => e instanceof ShapeError && /cloud\.types/.test(e.message),
    );
  });
});
