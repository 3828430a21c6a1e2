/**
 * Tests written against the survivors of StrykerJS runs on lib/src/frames/linalg.ts, cg.ts and
 * reps.ts (issue #22, session 5; environment.md, "Mutation testing", footnote 5). Public API only,
 * float64, unit level.
 *
 * cg.ts caches every Clebsch–Gordan matrix in a module-level map. In a mutation run the dry run
 * fills that map with correct values, so a mutant of the computation would be read from the cache
 * and never run. The first test therefore loads a fresh copy of the compiled cg module (its cache
 * empty) and computes C for the paths with at most 75 rows; it checks the defining properties —
 * D^{ℓ₃}(R) C = C (D^{ℓ₁}(R) ⊗ D^{ℓ₂}(R)) for rotations that are not the module's generators,
 * reflections by the parity rule, C Cᵀ = I and the sign rule — not the values the module caches.
 */
import { strict as assert } from "node:assert";
import { frames as F, rng } from "besselbook";

type Order = F.Order;
type CgModule = { clebschGordan: (a: Order, b: Order, c: Order) => F.Mat };

/** The compiled cg module, loaded anew (an empty cache): `besselbook/dist/frames/cg`. */
function freshCg(): CgModule {
  const file = require.resolve("besselbook/dist/frames/cg");
  delete require.cache[file];
  return require(file) as CgModule;
}

const maxAbs = (m: F.Mat) => m.data.reduce((s, x) => Math.max(s, Math.abs(x)), 0);

describe("frames (mutants 4): Clebsch–Gordan computed afresh (no cache)", () => {
  const r = rng(2026);
  const rotations = [0, 1, 2].map(() => F.randomRotation(r));
  const reflections = [0, 1].map(() => F.randomRotation(r, true));
  // every path with (2ℓ₃+1)(2ℓ₁+1)(2ℓ₂+1) ≤ 75 rows, both parities
  const paths: [Order, Order, Order][] = [
    [0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0], [1, 1, 1], [1, 1, 2], [0, 2, 2], [2, 0, 2],
    [1, 2, 1], [2, 1, 1], [1, 2, 2], [2, 1, 2], [2, 2, 0],
  ];

  it("intertwines rotations, reflections exactly when ℓ₁+ℓ₂+ℓ₃ is even; C Cᵀ = I; sign rule", () => {
    const cg = freshCg();
    for (const [a, b, c] of paths) {
      const C = cg.clebschGordan(a, b, c);
      const what = `${a}⊗${b}→${c}`;
      assert.equal(C.rows, 2 * c + 1, `${what} rows`);
      assert.equal(C.cols, (2 * a + 1) * (2 * b + 1), `${what} cols`);
      assert.ok(F.maxAbsDiff(F.matMul(C, F.transpose(C)), F.eye(C.rows)) < 1e-12, `${what} C Cᵀ`);
      let big = 0;
      for (const x of C.data) if (Math.abs(x) > Math.abs(big) + 1e-9) big = x;
      assert.ok(big > 0, `${what} sign`);
      for (const R of rotations) {
        const lhs = F.matMul(F.wignerD(c, R), C);
        const rhs = F.matMul(C, F.kron(F.wignerD(a, R), F.wignerD(b, R)));
        assert.ok(F.maxAbsDiff(lhs, rhs) < 1e-12, `${what} rotation: ${F.maxAbsDiff(lhs, rhs)}`);
      }
      for (const R of reflections) {
        const lhs = F.matMul(F.wignerD(c, R), C);
        const rhs = F.matMul(C, F.kron(F.wignerD(a, R), F.wignerD(b, R)));
        const err = F.maxAbsDiff(lhs, rhs);
        if ((a + b + c) % 2 === 0) assert.ok(err < 1e-12, `${what} reflection: ${err}`);
        else assert.ok(err > 0.1, `${what} reflection should fail (odd path): ${err}`);
      }
      assert.ok(maxAbs(C) <= 1 + 1e-12, `${what} entries ≤ 1`);
    }
  });

  it("the cache returns the same matrix object on the second call; fresh and cached agree", () => {
    const cg = freshCg();
    const first = cg.clebschGordan(1, 1, 2);
    assert.equal(cg.clebschGordan(1, 1, 2), first);
    assert.ok(F.maxAbsDiff(first, F.clebschGordan(1, 1, 2)) < 1e-12);
  });
});
