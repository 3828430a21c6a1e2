import { strict as assert } from "node:assert";
import { rng } from "besselbook";

describe("tensor/rng", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = rng(42).uniforms(5),
      b = rng(42).uniforms(5),
      c = rng(43).uniforms(5);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
  it("uniform mean and normal moments are right to sampling error", () => {
    const r = rng(1);
    const n = 200000;
    const u = r.uniforms(n),
      z = r.normals(n);
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    assert.ok(Math.abs(mean(u) - 0.5) < 5 * Math.sqrt(1 / 12 / n));
    assert.ok(Math.abs(mean(z)) < 5 / Math.sqrt(n));
    const v = mean(z.map((x) => x * x));
    assert.ok(Math.abs(v - 1) < 5 * Math.sqrt(2 / n));
  });
  it("permutation is a permutation; int rejects bad n", () => {
    const p = Array.from(rng(3).permutation(100)).sort((x, y) => x - y);
    assert.deepEqual(
      p,
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.throws(() => rng(3).int(0), RangeError);
    assert.throws(() => rng(1.5), RangeError);
  });
});
