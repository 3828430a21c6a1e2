/**
 * Tests written against the survivors of StrykerJS runs on lib/src/special, session 5 (issue #22;
 * environment.md, "Mutation testing", lists the survivors and why the rest stay).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { rng, special as S } from "besselbook";
import { isDomainError as domain } from "./helpers";

// mpmath at 40 digits: scripts/make_special_mutant_fixtures2.py
const FIX = path.join(__dirname, "..", "..", "test", "fixtures", "special", "mutants2.json");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const M: any = JSON.parse(fs.readFileSync(FIX, "utf8"));
const num = (v: number | string): number =>
  v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? NaN : (v as number);
const MIN_NORMAL = 2.2250738585072014e-308;

/** Relative error ≤ rtol where the reference is a normal double, absolute 1e-320 below that. */
function check(
  tab: { nu: number[]; x: number[]; y: (number | string)[] },
  f: (nu: number, x: number) => number,
  rtol: number,
  what: string,
): void {
  tab.nu.forEach((nu, i) => {
    const x = tab.x[i],
      want = num(tab.y[i]),
      got = f(nu, x);
    const ok =
      Math.abs(want) >= MIN_NORMAL
        ? Math.abs(got - want) <= rtol * Math.abs(want)
        : Math.abs(got - want) <= 1e-320;
    assert.ok(ok, `${what}(${nu}, ${x}) = ${got}, want ${want}`);
  });
}

describe("special (mutants 2): disk.ts", () => {
  it("expectedExpDotMonteCarlo's standard error is s/√n with the n − 1 sample variance", () => {
    // The documented sampler: u·v is the first coordinate of a normalised standard Gaussian
    // d-vector, d normals per draw, from rng(seed). Recompute the draws and their unbiased
    // variance; n = 2 and 3 make the n − 1 visible (n + 1 would change the stderr by √(1/3),
    // √(1/2)).
    for (const [d, kappa, n, seed] of [
      [2, 1.5, 2, 11],
      [3, 0.7, 3, 5],
      [5, 2, 6, 9],
    ]) {
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
      assert.ok(
        Math.abs(got.stderr - want) <= 1e-9 * want,
        `n = ${n}: stderr ${got.stderr} vs ${want}`,
      );
    }
  });
});

describe("special (mutants 2): jy.ts", () => {
  it("J_ν by the power series for ν ≥ 10 non-integer: the double-double Stirling prefactor (mpmath)", () => {
    // measured ≤ 4.2e-16; dropping or flipping a low-order part of t = e·x/(2ν) costs ~ν·1e-16
    check(M.jSeriesLarge, S.besselJ, 1e-15, "besselJ");
  });

  it("J_ν at tiny and subnormal x (the log form of the prefactor) and at large orders (mpmath)", () => {
    // J_{0.5}(1e-310): x subnormal; exp of an argument ≈ −357 costs ≈ 357 ulp → measured 2.6e-14
    check(M.jTiny, S.besselJ, 5e-14, "besselJ");
    // ν = 250–1500 (outside the 1e-14 claim, which is for ν ≤ 100): measured ≤ 2.1e-14
    check(M.jBig, S.besselJ, 5e-14, "besselJ");
    check(M.yBig, S.besselY, 5e-14, "besselY");
  });

  it("values at x = 0 and x = ∞ for non-integer orders (not the integer fast path)", () => {
    for (const nu of [0.5, 2.5, 7.25]) {
      assert.equal(S.besselJ(nu, 0), 0);
      assert.equal(S.besselJ(nu, Infinity), 0);
      assert.equal(S.besselY(nu, 0), -Infinity);
      assert.equal(S.besselY(nu, Infinity), 0);
      assert.equal(S.besselJPrime(nu, Infinity), 0);
      assert.equal(S.besselYPrime(nu, 0), Infinity);
      assert.equal(S.besselYPrime(nu, Infinity), 0);
    }
    assert.equal(S.besselJPrime(0, 0), 0);
    assert.equal(S.besselJPrime(1, 0), 0.5);
    assert.equal(S.besselJPrime(2.5, 0), 0);
    assert.equal(S.besselJPrime(0.5, 0), Infinity);
    for (const l of [0, 1, 3]) {
      assert.equal(S.sphericalJ(l, 0), l === 0 ? 1 : 0);
      assert.equal(S.sphericalJ(l, Infinity), 0);
      assert.equal(S.sphericalY(l, 0), -Infinity);
      assert.equal(S.sphericalY(l, Infinity), 0);
    }
  });

  it("parities in x: J′_n(−x) = (−1)^{n+1} J′_n(x), j_ℓ(−x) = (−1)^ℓ j_ℓ(x), y_ℓ(−x) = (−1)^{ℓ+1} y_ℓ(x)", () => {
    for (const x of [0.3, 2.5, 40]) {
      for (const n of [0, 1, 2, 3])
        assert.equal(S.besselJPrime(n, -x), (n % 2 === 0 ? -1 : 1) * S.besselJPrime(n, x));
      for (const l of [0, 1, 2, 5]) {
        assert.equal(S.sphericalJ(l, -x), (l % 2 === 0 ? 1 : -1) * S.sphericalJ(l, x));
        assert.equal(S.sphericalY(l, -x), (l % 2 === 0 ? -1 : 1) * S.sphericalY(l, x));
      }
    }
  });

  it("negative orders at x = 1e-300, where Y_a is ∞: no 0·∞ from the general reflection formula", () => {
    // integer −n: J_{−n} = (−1)^n J_n exactly (the general formula would add sin(nπ)·Y_n = 0·∞)
    assert.equal(S.besselJ(-3, 1e-300), -S.besselJ(3, 1e-300));
    assert.equal(S.besselJPrime(-3, 1e-300), -S.besselJPrime(3, 1e-300));
    assert.ok(!Number.isNaN(S.besselJ(-3, 1e-300)) && !Number.isNaN(S.besselJPrime(-3, 1e-300)));
    // half-integer −a with cos(aπ) = 0: Y_{−a} = sin(aπ) J_a, Y′_{−a} = sin(aπ) J′_a
    assert.equal(S.besselY(-2.5, 1e-300), S.besselJ(2.5, 1e-300));
    assert.equal(S.besselYPrime(-2.5, 1e-300), S.besselJPrime(2.5, 1e-300));
    assert.equal(S.besselY(-1.5, 1e-300), -S.besselJ(1.5, 1e-300));
    // and away from 0 the reflections agree with the positive orders they come from
    assert.equal(S.besselY(-3, 2), -S.besselY(3, 2));
    assert.equal(S.besselYPrime(-2, 2), S.besselYPrime(2, 2));
  });

  it("refusals name the function and argument, with the expected text", () => {
    assert.throws(
      () => S.besselJ(2.5, -1),
      domain(
        /^besselJ: argument x = -1 .*expected x ≥ 0 for non-integer order \(J_ν\(x\) is complex for x < 0\)$/,
      ),
    );
    assert.throws(
      () => S.besselJPrime(2.5, -1),
      domain(
        /^besselJPrime: argument x = -1 .*expected x ≥ 0 for non-integer order \(J_ν\(x\) is complex for x < 0\)$/,
      ),
    );
    assert.throws(
      () => S.besselY(1, -1),
      domain(/^besselY: argument x = -1 .*expected x ≥ 0 \(Y_ν\(x\) is complex for x < 0\)$/),
    );
    assert.throws(
      () => S.besselYPrime(1, -1),
      domain(/^besselYPrime: argument x = -1 .*expected x ≥ 0 \(Y_ν\(x\) is complex for x < 0\)$/),
    );
    assert.throws(() => S.besselY(Infinity, 1), domain(/^besselY: argument nu = Infinity /));
    assert.throws(
      () => S.besselJPrime(Infinity, 1),
      domain(/^besselJPrime: argument nu = Infinity /),
    );
    assert.throws(
      () => S.besselYPrime(Infinity, 1),
      domain(/^besselYPrime: argument nu = Infinity /),
    );
    assert.throws(() => S.sphericalJ(1e9, 1), domain(/^sphericalJ: argument l = 1000000000 /));
    assert.throws(() => S.sphericalY(1e9, 1), domain(/^sphericalY: argument l = 1000000000 /));
  });
});

describe("special (mutants 2): ik.ts", () => {
  it("values at x = 0 and x = ∞ (non-integer orders avoid the integer fast path)", () => {
    for (const nu of [0.5, 2.5]) {
      assert.equal(S.besselI(nu, 0), 0);
      assert.equal(S.besselI(nu, Infinity), Infinity);
      assert.equal(S.besselIScaled(nu, 0), 0);
      assert.equal(S.besselIScaled(nu, Infinity), 0);
      assert.equal(S.besselK(nu, 0), Infinity);
      assert.equal(S.besselK(nu, Infinity), 0);
      assert.equal(S.besselKScaled(nu, 0), Infinity);
      assert.equal(S.besselKScaled(nu, Infinity), 0);
      assert.equal(S.logBesselI(nu, 0), -Infinity);
      assert.equal(S.logBesselI(nu, Infinity), Infinity);
      assert.equal(S.besselIRatio(nu, 0), 0);
      assert.equal(S.besselIRatio(nu, Infinity), 1);
    }
    assert.equal(S.besselI(0, 0), 1);
    assert.equal(S.besselIScaled(0, 0), 1);
    assert.equal(S.logBesselI(0, 0), 0);
    // I_{−a}(0) = sign(1/Γ(1 − a))·∞: +∞ for a = 0.5, 2.5 and −∞ for a = 1.5 (Γ(−½) < 0)
    assert.equal(S.besselI(-0.5, 0), Infinity);
    assert.equal(S.besselI(-1.5, 0), -Infinity);
    assert.equal(S.besselI(-2.5, 0), Infinity);
    assert.equal(S.besselIScaled(-1.5, 0), -Infinity);
  });

  it("parities and order symmetries: I_n(−x) = (−1)^n I_n(x), I_{−n} = I_n, K_{−ν} = K_ν", () => {
    for (const x of [0.7, 3, 40]) {
      for (const n of [0, 1, 2, 5]) {
        assert.equal(S.besselI(n, -x), (n % 2 === 0 ? 1 : -1) * S.besselI(n, x));
        assert.equal(S.besselIScaled(n, -x), (n % 2 === 0 ? 1 : -1) * S.besselIScaled(n, x));
        assert.equal(S.besselI(-n, x), S.besselI(n, x));
        assert.equal(S.besselIScaled(-n, x), S.besselIScaled(n, x));
      }
      for (const nu of [0.3, 2.5, 7]) {
        assert.equal(S.besselK(-nu, x), S.besselK(nu, x));
        assert.equal(S.besselKScaled(-nu, x), S.besselKScaled(nu, x));
      }
    }
  });

  it("I_{−n} at x = 1e-300, where K_n is ∞: the integer shortcut, not I_n + (2/π)·sin(nπ)·K_n = 0·∞", () => {
    for (const n of [1, 2, 3]) {
      assert.equal(S.besselI(-n, 1e-300), S.besselI(n, 1e-300));
      assert.equal(S.besselIScaled(-n, 1e-300), S.besselIScaled(n, 1e-300));
    }
  });

  it("besselIRatio where x²/4 < 1e-17(ν+1)(ν+2): the two leading series terms", () => {
    for (const [nu, x] of [
      [0, 1e-9],
      [3, 1e-12],
      [1e5, 5e-4],
      [5e4, 1e-4],
    ]) {
      const z = 0.25 * x * x;
      const want = ((0.5 * x) / (nu + 1)) * (1 - z / ((nu + 1) * (nu + 2)));
      const got = S.besselIRatio(nu, x);
      assert.ok(Math.abs(got - want) <= 2e-16 * want, `ratio(${nu}, ${x}) = ${got}, want ${want}`);
    }
  });

  it("refusals name the function and argument, with the expected text", () => {
    const cx = /expected x ≥ 0 for non-integer order \(I_ν\(x\) is complex for x < 0\)$/;
    assert.throws(
      () => S.besselI(2.5, -1),
      domain(new RegExp(`^besselI: argument x = -1 .*${cx.source}`)),
    );
    assert.throws(
      () => S.besselIScaled(2.5, -1),
      domain(new RegExp(`^besselIScaled: argument x = -1 .*${cx.source}`)),
    );
    const kx = /expected x ≥ 0 \(K_ν\(x\) is complex for x < 0\)$/;
    assert.throws(
      () => S.besselK(1, -1),
      domain(new RegExp(`^besselK: argument x = -1 .*${kx.source}`)),
    );
    assert.throws(
      () => S.besselKScaled(1, -1),
      domain(new RegExp(`^besselKScaled: argument x = -1 .*${kx.source}`)),
    );
    assert.throws(
      () => S.logBesselI(1, -1),
      domain(/^logBesselI: argument x = -1 .*expected x ≥ 0$/),
    );
    assert.throws(
      () => S.besselIRatio(1, -1),
      domain(/^besselIRatio: argument x = -1 .*expected x ≥ 0$/),
    );
    assert.throws(() => S.logBesselI(-1, 1), domain(/^logBesselI: argument nu = -1 /));
    assert.throws(() => S.besselIRatio(-1, 1), domain(/^besselIRatio: argument nu = -1 /));
    for (const [name, f] of [
      ["besselI", S.besselI],
      ["besselIScaled", S.besselIScaled],
      ["besselK", S.besselK],
      ["besselKScaled", S.besselKScaled],
    ] as const) {
      assert.throws(() => f(Infinity, 1), domain(new RegExp(`^${name}: argument nu = Infinity `)));
    }
  });
});
