// stats.permutationTest (ours): exact two-sided permutation test on the difference of means.
import { strict as assert } from "node:assert";
import { stats, DomainError } from "besselbook";

describe("stats.permutationTest", () => {
  it("matches a hand count: [1,2,3] vs [4,5,6] — only the two extreme splits reach |−3| (2/20)", () => {
    const r = stats.permutationTest([1, 2, 3], [4, 5, 6]);
    assert.equal(r.count, 20);
    assert.equal(r.diff, -3);
    assert.equal(r.p, 0.1);
  });
  it("matches scipy.stats.permutation_test (exact, two-sided) on 5 + 5 bimodal drops", () => {
    // scipy 1.x: permutation_test((a, b), mean(x) − mean(y), independent, n_resamples=inf) → 6/252
    const r = stats.permutationTest([6.3, 28.8, 0.2, 10.75, 25.35], [0.0, 4.0, 0.0, -0.15, 0.25]);
    assert.equal(r.count, 252);
    assert.ok(Math.abs(r.p - 0.023809523809523808) < 1e-12, `p = ${r.p}`);
  });
  it("unequal sizes: matches a brute-force |difference| count (python itertools, 15/210)", () => {
    const r = stats.permutationTest([0.3, 1.7, 2.2, 0.9], [1.1, 3.4, 2.8, 2.5, 4.0, 1.9]);
    assert.equal(r.count, 210);
    assert.equal(r.p, 15 / 210);
  });
  it("identical groups give p = 1; ties from rounding count as ties", () => {
    assert.equal(stats.permutationTest([1, 1, 1], [1, 1, 1]).p, 1);
    assert.equal(stats.permutationTest([0.1 + 0.2, 0.3], [0.3, 0.1 + 0.2]).p, 1);
  });
  it("refuses empty groups, NaN and too many relabellings with a DomainError", () => {
    assert.throws(() => stats.permutationTest([], [1, 2]), DomainError);
    assert.throws(() => stats.permutationTest([1, NaN], [1, 2]), DomainError);
    const big = Array.from({ length: 20 }, (_, i) => i);
    assert.throws(() => stats.permutationTest(big, big), /maxCount/);
  });
});
