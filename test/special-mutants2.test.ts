/**
 * Tests written against the survivors of StrykerJS runs on lib/src/special, session 5 (issue #22;
 * environment.md, "Mutation testing", lists the survivors and why the rest stay).
 */
import { strict as assert } from "node:assert";
import * as S from "besselbook/dist/special";
import { rng } from "besselbook";

describe("special (mutants 2): disk.ts", () => {
  it("expectedExpDotMonteCarlo's standard error is s/√n with the n − 1 sample variance", () => {
    // The documented sampler: u·v is the first coordinate of a normalised standard Gaussian
    // d-vector, d normals per draw, from rng(seed). Recompute the draws and their unbiased
    // variance; n = 2 and 3 make the n − 1 visible (n + 1 would change the stderr by √(1/3), √(1/2)).
    for (const [d, kappa, n, seed] of [[2, 1.5, 2, 11], [3, 0.7, 3, 5], [5, 2, 6, 9]]) {
      const r = rng(seed);
      const e: number[] = [];
      for (let i = 0; i < n; i++) {
        const g = Array.from({ length: d }, () => r.normal());
        e.push(Math.exp(kappa * (g[0] / Math.hypot(...g))));
      }
      const mean = e.reduce((s, x) => s + x, 0) / n;
      const v = e.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
      const got = S.expectedExpDotMonteCarlo(d, kappa, n, seed);
      assert.ok(Math.abs(got.mean - mean) <= 1e-14 * mean, `mean ${got.mean} vs ${mean}`);
      const want = Math.sqrt(v / n);
      assert.ok(Math.abs(got.stderr - want) <= 1e-9 * want, `n = ${n}: stderr ${got.stderr} vs ${want}`);
    }
  });
});
