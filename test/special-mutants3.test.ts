/**
 * Issue #22, session 6: tests written against the survivors of the StrykerJS run on
 * lib/src/special/fast.ts (the integer-order paths) and for the node tables of tables.ts
 * (environment.md, "Mutation testing", lists the survivors and why the rest stay).
 *
 * References: mpmath at 40 digits (scripts/make_special_mutant_fixtures3.py) for J_n, Y_n, I_n and
 * e^{−x} I_n at integer n ≥ 2 on both sides of every switch of fast.ts; and, for the tables, the
 * Wronskians J₁Y₀ − J₀Y₁ = 2/(πx) (DLMF 10.5.2) and I₀K₁ + I₁K₀ = 1/x (DLMF 10.28.2) at every node
 * and half-way between nodes — K does not use the tables, and a wrong node value (a sign, a digit)
 * breaks the identity there.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { special as S } from "besselbook";

const FIX = path.join(__dirname, "..", "..", "test", "fixtures", "special", "mutants3.json");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const M: any = JSON.parse(fs.readFileSync(FIX, "utf8"));
const num = (v: number | string): number =>
  v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? NaN : (v as number);
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * |got − want| ≤ rtol · scale (scale = max(|want|, stored scale)); exact for ±∞; 1e-320 below
 * normal.
 */
function near(got: number, want: number, scale: number, rtol: number, what: string) {
  if (!Number.isFinite(want)) {
    assert.equal(got, want, what);
    return;
  }
  const s = Math.max(Math.abs(want), scale);
  const ok = s >= MIN_NORMAL ? Math.abs(got - want) <= rtol * s : Math.abs(got - want) <= 1e-320;
  assert.ok(
    ok,
    `${what} = ${got}, want ${want} (error ${(Math.abs(got - want) / s).toExponential(2)} of scale)`,
  );
}

describe("special (mutants 3): integer orders by fast.ts's paths (mpmath)", () => {
  it("J_n for n ≥ 2: series, Hankel, forward recurrence, Miller (rescaled) and n > 1000", () => {
    M.j.n.forEach((n: number, i: number) => {
      const x = M.j.x[i];
      // index.ts's stated accuracy: 1e-14 for n ≤ 100; above, measured up to 4.9e-14 (J_1000(600))
      const tol = n <= 100 ? 1e-14 : 1e-13;
      near(S.besselJ(n, x), num(M.j.y[i]), num(M.j.scale[i]), tol, `J_${n}(${x})`);
      near(
        S.besselJ(-n, x),
        (n % 2 ? -1 : 1) * num(M.j.y[i]),
        num(M.j.scale[i]),
        tol,
        `J_${-n}(${x})`,
      );
    });
  });

  it("Y_n for n ≥ 2 at x ≥ 2 (forward recurrence), −∞ once Y_n overflows", () => {
    M.y.n.forEach((n: number, i: number) => {
      const x = M.y.x[i];
      near(
        S.besselY(n, x),
        num(M.y.y[i]),
        num(M.y.scale[i]),
        n <= 100 ? 1e-14 : 1e-13,
        `Y_${n}(${x})`,
      );
    });
    assert.equal(S.besselY(300, 3), -Infinity);
    assert.equal(S.besselY(200, 2), -Infinity);
  });

  it("I_n and e^{−x} I_n for n ≥ 2: series, upward, large-x expansion, Miller on both paths", () => {
    M.i.n.forEach((n: number, i: number) => {
      const x = M.i.x[i];
      const tol = n <= 100 ? 1e-14 : 1e-13; // measured ≤ 9.2e-16 for n ≤ 100, 8.3e-15 at I_150(40)
      near(S.besselI(n, x), num(M.i.y[i]), 0, tol, `I_${n}(${x})`);
      near(S.besselIScaled(n, x), num(M.i.ye[i]), 0, tol, `e^-x I_${n}(${x})`);
    });
  });
});

describe("special (mutants 3): the node tables of J₀, J₁, Y₀, Y₁, e^{−x}I₀, e^{−x}I₁ (Wronskians)", () => {
  // x_i = 2 + i/4, i = 0 … 192, and the midpoints (h = ±1/8, the largest Taylor offset)
  const xs: number[] = [];
  for (let i = 0; i <= 192; i++) xs.push(2 + i / 4);
  for (let i = 0; i < 192; i++) xs.push(2.125 + i / 4);

  it("J₁Y₀ − J₀Y₁ = 2/(πx) at every node and midpoint, to 2e-15 relative", () => {
    let worst = 0;
    for (const x of xs) {
      const w = S.besselJ(1, x) * S.besselY(0, x) - S.besselJ(0, x) * S.besselY(1, x);
      const want = 2 / (Math.PI * x);
      worst = Math.max(worst, Math.abs(w - want) / want);
    }
    assert.ok(worst <= 2e-15, `worst ${worst}`);
  });

  it("I₀K₁ + I₁K₀ = 1/x at every node and midpoint (scaled forms), to 2e-15 relative", () => {
    let worst = 0;
    for (const x of xs) {
      const w =
        S.besselIScaled(0, x) * S.besselKScaled(1, x) +
        S.besselIScaled(1, x) * S.besselKScaled(0, x);
      worst = Math.max(worst, Math.abs(w * x - 1));
    }
    assert.ok(worst <= 2e-15, `worst ${worst}`);
  });

  it("the Wronskian test has power: a sign flip of any one node value breaks it by > 1e-5", () => {
    // flipping J₀ (or Y₁) at a node changes J₁Y₀ − J₀Y₁ by 2J₀Y₁, flipping J₁ (or Y₀) by 2J₁Y₀;
    // I₀, I₁ and K are positive, so a flipped e^{−x}I value changes I₀K₁ + I₁K₀ by ≥ 2 I₁K₀
    let minBreak = Infinity;
    for (let i = 0; i <= 192; i++) {
      const x = 2 + i / 4,
        W = 2 / (Math.PI * x);
      const d = [2 * S.besselJ(0, x) * S.besselY(1, x), 2 * S.besselJ(1, x) * S.besselY(0, x)];
      const e = [
        2 * S.besselIScaled(0, x) * S.besselKScaled(1, x),
        2 * S.besselIScaled(1, x) * S.besselKScaled(0, x),
      ];
      minBreak = Math.min(minBreak, ...d.map((v) => Math.abs(v) / W), ...e.map((v) => v * x));
    }
    assert.ok(minBreak > 1e-5 && minBreak < 1e-3, `${minBreak}`); // measured 5.4e-5, ≫ the 2e-15 tolerance
  });
});
