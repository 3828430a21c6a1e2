/**
 * The closed forms of lib/src/contrastive/theory.ts against independent references (fast; written
 * for `npm run mutate -- theory`): M_d(κ) = Γ(d/2)(2/κ)^{d/2−1} I_{d/2−1}(κ) from mpmath at 40
 * digits behind the InfoNCE bound, the large-N limits and the uniformity; the cap terms against a
 * nested scipy quadrature (scripts/make_theory_fixtures.py →
 * test/fixtures/contrastive/theory.json); exact small cases; every argument refusal by name.
 */
import { strict as assert } from "node:assert";
import { contrastive as theory, ArgumentError, ShapeError } from "besselbook";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const REF = require("../../test/fixtures/contrastive/theory.json") as Record<string, number[][]>;
/**
 * |got − want| ≤ 1e-14 (1 + |want|): measured worst 9e-16 absolute (the bound at d = 128, τ =
 * 0.05).
 */
const close = (got: number, want: number, what: string, tol = 1e-14) =>
  assert.ok(
    Math.abs(got - want) <= tol * (1 + Math.abs(want)),
    `${what}: got ${got}, want ${want}`,
  );
function refused(
  fn: () => unknown,
  message: string,
  cls: new (...a: never[]) => Error = ArgumentError,
): void {
  assert.throws(fn, (e: unknown) => e instanceof cls && (e as Error).message === message);
}

describe("contrastive theory: closed forms against mpmath / scipy", () => {
  it(`iidUniformLossBound on ${REF.bound!.length} (d, τ, N) points, and it grows with N and falls with d`, () => {
    for (const [d, tau, n, want] of REF.bound!)
      close(theory.iidUniformLossBound(d!, tau!, n!), want!, `bound(${d}, ${tau}, ${n})`);
    assert.ok(theory.iidUniformLossBound(3, 0.5, 100) > theory.iidUniformLossBound(3, 0.5, 10));
    assert.ok(theory.iidUniformLossBound(16, 0.5, 10) < theory.iidUniformLossBound(3, 0.5, 10));
  });

  it("largeNLimit and uniformityOfUniform on the grid; the bound minus log N tends to the limit", () => {
    for (const [d, tau, want] of REF.largeN!)
      close(theory.largeNLimit(d!, tau!), want!, `largeN(${d}, ${tau})`);
    for (const [d, t, want] of REF.uniformity!)
      close(theory.uniformityOfUniform(d!, t!), want!, `uniformity(${d}, ${t})`);
    close(
      theory.uniformityOfUniform(3),
      REF.uniformity!.find((r) => r[0] === 3 && r[1] === 2)![2]!,
      "default t = 2",
    );
    const gap = (n: number) =>
      theory.iidUniformLossBound(5, 0.2, n) - Math.log(n) - theory.largeNLimit(5, 0.2);
    assert.ok(
      gap(1e3) > gap(1e6) && gap(1e6) > 0 && gap(1e9) < 1e-6,
      "L̄_N − log N decreases to the limit from above",
    );
  });

  it("subspaceLimit on the grid: k = 1 … 7, θ from 0 to π/2; θ = 0 is the large-N limit in k dimensions", () => {
    for (const [k, theta, tau, want] of REF.subspace!)
      close(theory.subspaceLimit(k!, theta!, tau!), want!, `subspace(${k}, ${theta}, ${tau})`);
    close(theory.subspaceLimit(3, 0, 0.2), theory.largeNLimit(3, 0.2), "θ = 0");
    close(
      theory.subspaceLimit(1, 0, 1),
      -1 + Math.log(Math.cosh(1)),
      "k = 1: S⁰ = {±1}, M₁(κ) = cosh κ",
    );
  });

  it("capTerms: alignment (vs a direct quadrature of u·Ru) and cross term (vs nested scipy quad) on 5 configurations", () => {
    for (const [alpha, psi, tau, meanCos, cross] of REF.cap!) {
      const c = theory.capTerms(alpha!, psi!, tau!);
      close(c.meanCos, meanCos!, `meanCos(${alpha}, ${psi})`);
      close(c.alignment, -meanCos! / tau!, `alignment(${alpha}, ${psi}, ${tau})`);
      close(c.cross, cross!, `cross(${alpha}, ${psi}, ${tau})`);
      close(c.total, c.alignment + c.cross, "total = alignment + cross", 0);
    }
    // fewer nodes still converge (default 48): the option is used, not ignored
    const coarse = theory.capTerms(1, 2, 1, { nodes: 4 }),
      fine = theory.capTerms(1, 2, 1);
    assert.ok(
      Math.abs(coarse.cross - fine.cross) > 1e-9 && Math.abs(coarse.cross - fine.cross) < 1e-2,
      `nodes = 4: ${coarse.cross} vs ${fine.cross}`,
    );
  });

  it("crossUniformity: exact small cases (log-mean-exp over V of each row of U, averaged)", () => {
    close(
      theory.crossUniformity(
        [[1, 0]],
        [
          [1, 0],
          [0, 1],
        ],
        1,
      ),
      Math.log((Math.E + 1) / 2),
      "one row",
    );
    const want =
      (Math.log((Math.exp(2) + Math.exp(0) + Math.exp(-2)) / 3) +
        Math.log((1 + Math.exp(2) + 1) / 3)) /
      2;
    close(
      theory.crossUniformity(
        [
          [1, 0],
          [0, 1],
        ],
        [
          [1, 0],
          [0, 1],
          [-1, 0],
        ],
        0.5,
      ),
      want,
      "two rows, τ = 0.5",
    );
    close(
      theory.crossUniformity([[1, 0]], [[1, 0]], 1e-3),
      1000,
      "no overflow at τ = 1e-3 (max subtracted)",
    );
    refused(
      () => theory.crossUniformity([[1, 0]], [[1, 0, 0]], 1),
      "crossUniformity V: expected shape [M, 2] (same d as U), got [1, 3]",
      ShapeError,
    );
    refused(
      () => theory.crossUniformity([[1, 0]], [[1, 0]], -1),
      "crossUniformity: argument tau = -1 is invalid; expected a finite temperature > 0",
    );
  });

  it("the ℝ⁴ example's pair cosine, its mean over S^{k−1}, and the cone axes, exactly", () => {
    close(theory.r4PairCosine(0.6, Math.PI / 3), 1 - 0.36 * 0.5, "x3 = 0.6, φ = π/3");
    assert.equal(theory.r4PairCosine(-1, Math.PI), -1);
    assert.equal(theory.r4PairCosine(0, 2), 1);
    close(theory.expectedPairCosineDihedral(Math.PI / 2), 1 - 1 / 3, "k = 3 default");
    close(theory.expectedPairCosineDihedral(Math.PI, 5), 1 - 2 / 5, "k = 5");
    const [a, b] = theory.offsetAxes(4, 0.7);
    assert.deepEqual([...a], [1, 0, 0, 0]);
    assert.deepEqual([...b], [Math.cos(0.7), Math.sin(0.7), 0, 0]);
  });

  it("log-sum-exps shift by the largest term: no overflow when the terms are 1,000s apart", () => {
    // positive logit 1/τ = 1000 vs negatives' log M ≈ 100 (d = 5000): e^{900} would overflow
    assert.equal(theory.iidUniformLossBound(5000, 1e-3, 2), 0);
    // logits 1000 and −1000: shifting by the last one would need e^{2000}
    close(
      theory.crossUniformity(
        [[1, 0]],
        [
          [1, 0],
          [-1, 0],
        ],
        1e-3,
      ),
      1000 - Math.log(2),
      "τ = 1e-3, opposite points",
    );
    close(
      theory.crossUniformity(
        [[1, 0]],
        [
          [-1, 0],
          [1, 0],
        ],
        1e-3,
      ),
      1000 - Math.log(2),
      "the largest last",
    );
    // κ = 1e4 in the cap quadrature: the γ terms span thousands
    const c = theory.capTerms(1, 0.5, 1e-4);
    assert.ok(Number.isFinite(c.cross) && c.cross > 9000 && c.cross < 1e4, `cross ${c.cross}`);
    refused(
      () => theory.crossUniformity("x" as never, [[1]], 1),
      "crossUniformity U: expected shape a Mat, an array of rows or a rank-2 tensor, got string",
      ShapeError,
    );
    refused(
      () => theory.crossUniformity([[1]], 5 as never, 1),
      "crossUniformity V: expected shape a Mat, an array of rows or a rank-2 tensor, got number",
      ShapeError,
    );
  });

  it("every argument is refused by name (out of range, non-integer, non-finite)", () => {
    refused(
      () => theory.iidUniformLossBound(1, 1, 2),
      "iidUniformLossBound: argument d = 1 is invalid; expected an integer ≥ 2",
    );
    refused(
      () => theory.iidUniformLossBound(3, 0, 2),
      "iidUniformLossBound: argument tau = 0 is invalid; expected a finite temperature > 0",
    );
    refused(
      () => theory.iidUniformLossBound(3, Infinity, 2),
      "iidUniformLossBound: argument tau = Infinity is invalid; expected a finite temperature > 0",
    );
    refused(
      () => theory.iidUniformLossBound(3, 1, 1.5),
      "iidUniformLossBound: argument n = 1.5 is invalid; expected an integer ≥ 2",
    );
    refused(
      () => theory.iidUniformLossBound(3, 1, 1),
      "iidUniformLossBound: argument n = 1 is invalid; expected an integer ≥ 2",
    );
    refused(
      () => theory.largeNLimit(2.5, 1),
      "largeNLimit: argument d = 2.5 is invalid; expected an integer ≥ 2",
    );
    refused(
      () => theory.largeNLimit(3, NaN),
      "largeNLimit: argument tau = NaN is invalid; expected a finite temperature > 0",
    );
    refused(
      () => theory.subspaceLimit(0, 0, 1),
      "subspaceLimit: argument k = 0 is invalid; expected an integer ≥ 1",
    );
    refused(
      () => theory.subspaceLimit(1, 2, 1),
      `subspaceLimit: argument theta = 2 is invalid; expected a finite number in [0, ${Math.PI / 2}] radians`,
    );
    refused(
      () => theory.subspaceLimit(1, -0.1, 1),
      `subspaceLimit: argument theta = -0.1 is invalid; expected a finite number in [0, ${Math.PI / 2}] radians`,
    );
    refused(
      () => theory.subspaceLimit(1, 0, -1),
      "subspaceLimit: argument tau = -1 is invalid; expected a finite temperature > 0",
    );
    refused(
      () => theory.uniformityOfUniform(1),
      "uniformityOfUniform: argument d = 1 is invalid; expected an integer ≥ 2",
    );
    refused(
      () => theory.uniformityOfUniform(3, 0),
      "uniformityOfUniform: argument t = 0 is invalid; expected a finite number > 0",
    );
    refused(
      () => theory.uniformityOfUniform(3, Infinity),
      "uniformityOfUniform: argument t = Infinity is invalid; expected a finite number > 0",
    );
    refused(
      () => theory.capTerms(0, 0, 1),
      "capTerms: argument alpha = 0 is invalid; expected a half-angle in (0, π] radians",
    );
    refused(
      () => theory.capTerms(3.2, 0, 1),
      "capTerms: argument alpha = 3.2 is invalid; expected a half-angle in (0, π] radians",
    );
    refused(
      () => theory.capTerms(NaN, 0, 1),
      "capTerms: argument alpha = NaN is invalid; expected a half-angle in (0, π] radians",
    );
    refused(
      () => theory.capTerms(1, 4, 1),
      `capTerms: argument psi = 4 is invalid; expected a finite number in [0, ${Math.PI}] radians`,
    );
    refused(
      () => theory.capTerms(1, 1, 0),
      "capTerms: argument tau = 0 is invalid; expected a finite temperature > 0",
    );
    refused(
      () => theory.capTerms(1, 1, 1, { nodes: 3 }),
      "capTerms: argument opts.nodes = 3 is invalid; expected an integer ≥ 4",
    );
    refused(
      () => theory.r4PairCosine(2, 0),
      "r4PairCosine: argument x3 = 2 is invalid; expected a finite number in [-1, 1]",
    );
    refused(
      () => theory.r4PairCosine(0, -1),
      `r4PairCosine: argument phi = -1 is invalid; expected a finite number in [0, ${Math.PI}] radians`,
    );
    refused(
      () => theory.expectedPairCosineDihedral(4),
      `expectedPairCosineDihedral: argument phi = 4 is invalid; expected a finite number in [0, ${Math.PI}] radians`,
    );
    refused(
      () => theory.expectedPairCosineDihedral(1, 0),
      "expectedPairCosineDihedral: argument k = 0 is invalid; expected an integer ≥ 1",
    );
    refused(
      () => theory.offsetAxes(1, 0),
      "offsetAxes: argument d = 1 is invalid; expected an integer ≥ 2",
    );
    refused(
      () => theory.offsetAxes(3, 4),
      `offsetAxes: argument separation = 4 is invalid; expected a finite number in [0, ${Math.PI}] radians`,
    );
  });
});
