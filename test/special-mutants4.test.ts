/**
 * Fourth batch against StrykerJS survivors in lib/src/special/jy.ts (issue #22; environment.md,
 * "Mutation testing": the session-7 re-run after special-mutants2/3). `jyGeneral` is public and
 * returns the kernel's J_{ν+1} and Y_{ν+1} as well as J_ν and Y_ν, so the x < 2 branch's J_{ν+1}
 * and the rescaled Y_{ν+1} of the upward recurrence are values a caller reads (session 5 had
 * called them equivalent because besselJPrime, the only reader it knew of, never reads them
 * there). And J′_{−a}(x) at subnormal x, where the reflection formula is ∞ − ∞: the exact value
 * overflows, so the test is its sign.
 *
 * References: mpmath at 40 digits (scripts/make_special_mutant_fixtures4.py →
 * test/fixtures/special/mutants4.json).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { special as S } from "besselbook";

const FIX = path.join(__dirname, "..", "..", "test", "fixtures", "special", "mutants4.json");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const M: any = JSON.parse(fs.readFileSync(FIX, "utf8"));
const num = (v: number | string): number =>
  v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? NaN : (v as number);

function rel(got: number, want: number, rtol: number, what: string) {
  const e = Math.abs(got - want) / Math.abs(want);
  assert.ok(e <= rtol, `${what} = ${got}, want ${want} (relative error ${e.toExponential(2)})`);
}

describe("special (mutants 4): jyGeneral's four values and J′ of negative order at subnormal x", () => {
  it("jyGeneral: J_ν, J_{ν+1}, Y_ν, Y_{ν+1} (x < 2 series branch; |Y| up to 1e189, rescaled) to 5e-14", () => {
    assert.ok(M.jyGeneral.length >= 8);
    let maxY = 0;
    for (const p of M.jyGeneral) {
      const g = S.jyGeneral(p.nu, p.x);
      // index.ts states ≤ 1e-14 for ν ≤ 100; above, special-mutants2 allows 5e-14 (ν = 400.25)
      const tol = p.nu <= 100 ? 1e-14 : 5e-14;
      rel(g.j, num(p.j), tol, `J_${p.nu}(${p.x})`);
      rel(g.j1, num(p.j1), tol, `J_${p.nu}+1(${p.x})`);
      rel(g.y, num(p.y), tol, `Y_${p.nu}(${p.x})`);
      rel(g.y1, num(p.y1), tol, `Y_${p.nu}+1(${p.x})`);
      maxY = Math.max(maxY, Math.abs(num(p.y1)));
    }
    // the points reach the rescaled recurrence: Y far above 2^500 ≈ 3e150
    assert.ok(maxY > 1e180);
  });

  it("J′_{−a}(x) at subnormal x is ±∞ with the sign of −1/Γ(1 − a) (a = 0.001 … 3.25; ∞ − ∞ at a < 1)", () => {
    assert.equal(M.jPrimeNeg.length, 12);
    const signs = new Set<number>();
    for (const p of M.jPrimeNeg) {
      const want = num(p.value);
      assert.ok(!Number.isFinite(want));
      assert.equal(S.besselJPrime(p.nu, p.x), want, `J′_${p.nu}(${p.x})`);
      signs.add(Math.sign(want));
    }
    assert.equal(signs.size, 2, "both signs occur, so a sign error shows");
  });

  it("J′₀(x) = −J₁(x) = −x/2 at tiny and subnormal x (DLMF 10.6.2; J₁(x) = x/2 + O(x³))", () => {
    // without the J′₀ = −J₁ shortcut the series form gives 0 at 1e-300 and NaN below (checked by
    // hand)
    for (const x of [1e-300, 1e-310, 1e-320]) {
      const got = S.besselJPrime(0, x);
      assert.ok(Math.abs(got + x / 2) <= Math.max(1e-16 * x, 1e-322), `J′₀(${x}) = ${got}`);
    }
  });
});
