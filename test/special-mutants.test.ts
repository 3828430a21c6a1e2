/**
 * Tests written against the survivors of a StrykerJS run on lib/src/special (issue #22; the
 * survivors and why the rest stay are listed in environment.md, "Mutation testing"). Reference
 * values: mpmath at 40 digits, test/fixtures/special/mutants.json, made by
 * scripts/make_special_mutant_fixtures.py. Power-of-two scaling is checked exactly (no
 * reference needed: y·2^n is exact in float64 unless it leaves the range).
 *
 * Each block tests a branch that no other unit test reached: log|Γ| for x < 0 (reflection), the
 * switches of Γ, 1/Γ, 1/Γ(1+ν) and log Γ(1+ν), Temme's Γ₁ and Γ₂, sin πx and cos πx in every
 * octant, ldexp and expScaled far outside the double range, the vMF log-MGF on both sides of
 * its series switch, the zeros of J_ν and J′_ν to the promised ~2 ulp, and the argument checks
 * (boundaries and messages).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { special as S } from "besselbook";
import { rgammaP1, logGammaP1, temmeGammas } from "besselbook/special/gamma";
import { ldexp, expScaled } from "besselbook/special/scale";
import * as C from "besselbook/special/checks";
import { isDomainError as domain } from "./helpers";

const FIX = path.join(__dirname, "..", "..", "test", "fixtures", "special", "mutants.json");
const num = (v: number | string): number =>
  v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? NaN : (v as number);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const M: any = JSON.parse(fs.readFileSync(FIX, "utf8"));

/** |got − want| ≤ rtol·|want| + atol, with a message naming the point. */
function near(got: number, want: number, rtol: number, atol: number, what: string): void {
  const err = Math.abs(got - want);
  assert.ok(err <= rtol * Math.abs(want) + atol, `${what}: ${got} vs ${want} (err ${err})`);
}

describe("special (mutants): Γ and its relatives against mpmath", () => {
  it("log|Γ(x)| for x < 0 (reflection), to 2 ulp + 1e-15·max(1, |log Γ(1−x)|)", () => {
    M.logGammaNeg.x.forEach((x: number, i: number) => {
      const want = num(M.logGammaNeg.y[i]);
      const scale = Math.max(1, Math.abs(S.logGamma(1 - x)));
      near(S.logGamma(x), want, 4.5e-16, 1e-15 * scale, `logGamma(${x})`);
    });
    assert.equal(S.logGamma(-Infinity), Infinity);
    assert.equal(S.logGamma(Infinity), Infinity);
    assert.equal(S.logGamma(-7), Infinity);
    assert.equal(S.logGamma(0), Infinity);
  });

  it("Γ(x) on both sides of its switches (|x| = ½, 1.5, 10, 171.7) to 1e-14 relative", () => {
    M.gamma.x.forEach((x: number, i: number) => {
      near(S.gamma(x), num(M.gamma.y[i]), 1e-14, 0, `gamma(${x})`);
    });
    assert.equal(S.gamma(171.8), Infinity);
    assert.equal(S.gamma(Infinity), Infinity);
    assert.throws(() => S.gamma(-Infinity), domain(/^gamma: argument x = -Infinity .*finite/));
    assert.throws(() => S.gamma(0), domain(/^gamma: argument x = 0 .*poles/));
    assert.throws(() => S.gamma(-5), domain(/^gamma: argument x = -5 /));
  });

  it("1/Γ(x): zeros at the poles, values elsewhere to 1e-14 relative", () => {
    M.rgamma.x.forEach((x: number, i: number) => {
      near(S.rgamma(x), num(M.rgamma.y[i]), 1e-14, 0, `rgamma(${x})`);
    });
    assert.equal(S.rgamma(171.8), 0);
    // entire: no overflow of Γ near 0, even for subnormal x (1/Γ(x) = x(1 + γx + …))
    assert.equal(S.rgamma(1e-310), 1e-310);
    assert.equal(S.rgamma(-1e-310), -1e-310);
    assert.equal(S.rgamma(1e10), 0);
    assert.ok(Number.isNaN(S.rgamma(NaN)));
  });

  it("1/Γ(1+ν) and log Γ(1+ν) on both sides of the (−1, 1] switch", () => {
    M.rgammaP1.nu.forEach((nu: number, i: number) => {
      // absolute 1e-16 too: near ν = −1, 1 + (1/Γ(1+ν) − 1) cancels (4.7e-17 absolute at −0.999)
      near(rgammaP1(nu), num(M.rgammaP1.y[i]), 1e-14, 1e-16, `rgammaP1(${nu})`);
    });
    assert.equal(rgammaP1(0), 1); // not rgamma(0)/0
    assert.equal(Math.abs(rgammaP1(-1)), 0); // 1/Γ(0) = 0 exactly
    M.logGammaP1.nu.forEach((nu: number, i: number) => {
      near(logGammaP1(nu), num(M.logGammaP1.y[i]), 1e-14, 1e-17, `logGammaP1(${nu})`);
    });
  });

  it("Temme's Γ₁, Γ₂ and 1/Γ(1±μ) on |μ| ≤ ½ (Γ₁(0) = −γ)", () => {
    M.temme.mu.forEach((mu: number, i: number) => {
      const t = temmeGammas(mu);
      for (const k of ["g1", "g2", "gp", "gm"] as const) {
        near(t[k], num(M.temme[k][i]), 0, 3e-16, `temmeGammas(${mu}).${k}`);
      }
    });
  });

  it("sin πx and cos πx in every octant, for negative and large x; exact at special points", () => {
    M.trig.x.forEach((x: number, i: number) => {
      near(S.sinpi(x), num(M.trig.sin[i]), 0, 3e-16, `sinpi(${x})`);
      near(S.cospi(x), num(M.trig.cos[i]), 0, 3e-16, `cospi(${x})`);
    });
    // relative accuracy next to the zeros: only an exact reduction to |r| ≤ ¼ keeps it
    // (the differences below are exact by Sterbenz's lemma, so the references are 1-ulp values)
    const sp = (t: number) => Math.sin(Math.PI * t);
    const a = 1 - 1e-7,
      b = 2 + 2 ** -30,
      c = -3 + 1e-8,
      d = 0.9999999999;
    near(S.sinpi(a), sp(1 - a), 4.5e-16, 0, `sinpi(${a})`);
    near(S.sinpi(b), sp(b - 2), 4.5e-16, 0, `sinpi(${b})`);
    near(S.sinpi(c), -sp(c + 3), 4.5e-16, 0, `sinpi(${c})`);
    near(S.sinpi(d), sp(1 - d), 4.5e-16, 0, `sinpi(${d})`);
    const e = 0.5 - 1e-7,
      f = 1.5 + 2 ** -30,
      g = -0.5 + 1e-8,
      h = 2.5 - 1e-9;
    near(S.cospi(e), sp(0.5 - e), 4.5e-16, 0, `cospi(${e})`);
    near(S.cospi(f), sp(f - 1.5), 4.5e-16, 0, `cospi(${f})`);
    near(S.cospi(g), sp(0.5 + g), 4.5e-16, 0, `cospi(${g})`);
    near(S.cospi(h), sp(2.5 - h), 4.5e-16, 0, `cospi(${h})`);
    assert.equal(S.sinpi(0.5), 1);
    assert.equal(S.sinpi(1.5), -1);
    assert.equal(S.sinpi(-0.5), -1);
    assert.equal(S.sinpi(2.5), 1);
    assert.equal(Math.abs(S.sinpi(7)), 0);
    assert.equal(S.cospi(0.5), 0);
    assert.equal(S.cospi(-1.5), 0);
    assert.equal(S.cospi(1), -1);
    assert.equal(S.cospi(2), 1);
    assert.equal(S.cospi(-3), -1);
    for (const bad of [Infinity, -Infinity, NaN]) {
      assert.ok(Number.isNaN(S.sinpi(bad)) && Number.isNaN(S.cospi(bad)), `sinpi/cospi(${bad})`);
    }
  });
});

describe("special (mutants): exact power-of-two scaling", () => {
  it("ldexp is exact across the 2^±1000 steps and rounds once into subnormals", () => {
    assert.equal(ldexp(2 ** -1074, 2097), 2 ** 1023); // n > 2000, still finite
    assert.equal(ldexp(2 ** 1023, -2097), 2 ** -1074);
    assert.equal(ldexp(1e-300, 2000), 1e-300 * 2 ** 1000 * 2 ** 1000);
    assert.equal(ldexp(1e300, -2000), 1e300 * 2 ** -1000 * 2 ** -1000);
    assert.equal(ldexp(-1.25, 1001), -1.25 * 2 ** 1000 * 2);
    assert.equal(ldexp(1.5, -1075), 2 ** -1074); // 0.75 ulp rounds up to the smallest subnormal
    assert.equal(ldexp(3, -1075), 2 ** -1073); // 1.5 ulp: ties to even
    assert.equal(ldexp(5, 0), 5);
    assert.equal(ldexp(5, -3), 0.625);
  });

  it("ldexp: overflow, underflow (with sign), zero, non-finite and NaN inputs", () => {
    assert.equal(ldexp(1, 2201), Infinity);
    assert.equal(ldexp(-1, 2201), -Infinity);
    assert.equal(ldexp(1, 1e9), Infinity);
    assert.equal(ldexp(1.5, 2000), Infinity);
    assert.ok(Object.is(ldexp(1, -2201), 0));
    assert.ok(Object.is(ldexp(-1, -2201), -0));
    assert.ok(Object.is(ldexp(-1, -2150), -0));
    assert.ok(Object.is(ldexp(1, -1e9), 0));
    assert.equal(ldexp(0, 5000), 0);
    assert.equal(ldexp(-Infinity, -5000), -Infinity);
    assert.ok(Number.isNaN(ldexp(NaN, 3)));
    assert.ok(Number.isNaN(ldexp(0, NaN)));
    assert.ok(Number.isNaN(ldexp(2, NaN)));
  });

  it("expScaled(v, e, n2) = v·e^e·2^n2 to 1e-15 relative where it is representable", () => {
    M.expScaled.args.forEach(([v, e, n2]: [number, number, number], i: number) => {
      near(expScaled(v, e, n2), num(M.expScaled.y[i]), 1e-15, 0, `expScaled(${v}, ${e}, ${n2})`);
    });
    assert.equal(expScaled(2, 3), 2 * Math.exp(3));
  });

  it("expScaled far outside the range: ±∞, ±0 by the sign of e + n2·ln 2; NaN and 0 kept", () => {
    assert.equal(expScaled(2, 1e7), Infinity);
    assert.equal(expScaled(-2, 1e7), -Infinity);
    assert.ok(Object.is(expScaled(2, -1e7), 0));
    assert.ok(Object.is(expScaled(-2, -1e7), -0));
    assert.ok(Object.is(expScaled(2, 1.5e6, -2.2e6), 0)); // e^e·2^n2 = 2^(−35958)
    assert.equal(expScaled(2, -1.5e6, 2.2e6), Infinity); // 2^(+35958)
    assert.equal(expScaled(2, 2e6, -2.5e6), Infinity); // e + n2·ln 2 = +2.7e5 (not e + n2/ln 2)
    assert.ok(Object.is(expScaled(2, -2e6, 2.5e6), 0)); // e + n2·ln 2 = −2.7e5
    assert.equal(expScaled(0, 1e7), 0);
    assert.ok(Number.isNaN(expScaled(NaN, 1e7)));
    assert.equal(expScaled(3, Infinity, 5), Infinity);
    assert.equal(expScaled(3, -Infinity, 5), 0);
    assert.equal(expScaled(1, 800), Infinity); // e^800 overflows a double
    assert.ok(Object.is(expScaled(1, -800), 0));
  });
});

describe("special (mutants): vMF log-MGF and sphere area against mpmath", () => {
  it("logExpectedExpDot and logVmfNormaliser on both sides of the series switch", () => {
    M.vmf.cases.forEach(([d, k]: [number, number], i: number) => {
      const e = num(M.vmf.logExpectedExpDot[i]);
      const c = num(M.vmf.logVmfNormaliser[i]);
      near(S.logExpectedExpDot(d, k), e, 1e-13, 1e-20, `logExpectedExpDot(${d}, ${k})`);
      near(S.logVmfNormaliser(d, k), c, 1e-13, 1e-13, `logVmfNormaliser(${d}, ${k})`);
    });
  });

  it("log |S^{d−1}|, κ = 0 and κ = ∞, NaN, and the argument checks", () => {
    M.sphereArea.d.forEach((d: number, i: number) => {
      near(S.logSphereArea(d), num(M.sphereArea.y[i]), 1e-14, 1e-15, `logSphereArea(${d})`);
    });
    assert.equal(S.logExpectedExpDot(5, 0), 0);
    assert.equal(S.logExpectedExpDot(5, Infinity), Infinity);
    assert.equal(S.logVmfNormaliser(4, 0), -S.logSphereArea(4));
    assert.ok(
      Number.isNaN(S.logExpectedExpDot(NaN, 1)) && Number.isNaN(S.logExpectedExpDot(3, NaN)),
    );
    assert.ok(Number.isNaN(S.logVmfNormaliser(NaN, 1)) && Number.isNaN(S.logVmfNormaliser(3, NaN)));
    assert.ok(Number.isNaN(S.logSphereArea(NaN)));
    for (const fn of ["logExpectedExpDot", "logVmfNormaliser"] as const) {
      for (const d of [0, 2.5, -3]) {
        const re = new RegExp(`^${fn}: argument d = ${d} .*integer dimension ≥ 1`);
        assert.throws(() => S[fn](d, 1), domain(re));
      }
      assert.throws(
        () => S[fn](3, -0.5),
        domain(new RegExp(`^${fn}: argument kappa = -0.5 .*κ ≥ 0`)),
      );
      assert.doesNotThrow(() => S[fn](1, 0));
    }
    assert.throws(() => S.logSphereArea(0), domain(/^logSphereArea: argument d = 0 .*≥ 1/));
    assert.throws(() => S.logSphereArea(1.5), domain(/^logSphereArea: argument d = 1.5 /));
  });
});

describe("special (mutants): zeros of J_ν and J′_ν to ~2 ulp", () => {
  it("besselJZeros and besselJPrimeZeros within 2 ulp (4.5e-16 relative) of mpmath", () => {
    let worst = 0;
    M.zeros.nu.forEach((nu: number, i: number) => {
      const j = S.besselJZeros(nu, M.zeros.n);
      const jp = S.besselJPrimeZeros(nu, M.zeros.n);
      for (let k = 0; k < M.zeros.n; k++) {
        for (const [got, want, w] of [
          [j[k]!, M.zeros.J[i][k], "J"],
          [jp[k]!, M.zeros.Jp[i][k], "Jp"],
        ]) {
          const rel = Math.abs((got as number) - (want as number)) / (want as number);
          worst = Math.max(worst, rel);
          assert.ok(
            rel <= 4.5e-16,
            `${w} zero ${k + 1} of order ${nu}: ${got} vs ${want} (rel ${rel})`,
          );
        }
      }
    });
    console.log(`      worst relative error of the zeros: ${worst.toExponential(2)}`);
  });

  it("includeZero puts 0 first for ν = 0 only, and n = 1 returns just it", () => {
    const i0 = M.zeros.nu.indexOf(0);
    const jp0 = M.zeros.Jp[i0] as number[];
    assert.deepEqual(Array.from(S.besselJPrimeZeros(0, 1, { includeZero: true })), [0]);
    const z = S.besselJPrimeZeros(0, 3, { includeZero: true });
    assert.equal(z.length, 3);
    assert.equal(z[0], 0);
    near(z[1]!, jp0[0]!, 4.5e-16, 0, "j'_{0,1} after the trivial zero");
    near(z[2]!, jp0[1]!, 4.5e-16, 0, "j'_{0,2} after the trivial zero");
    const i1 = M.zeros.nu.indexOf(1);
    const z1 = S.besselJPrimeZeros(1, 2, { includeZero: true });
    near(z1[0]!, M.zeros.Jp[i1][0], 4.5e-16, 0, "includeZero ignored for ν = 1");
    assert.throws(
      () => S.besselJPrimeZeros(0, 2.5),
      domain(/^besselJPrimeZeros: argument n = 2.5 /),
    );
    assert.throws(
      () => S.besselJPrimeZeros(-0.5, 2),
      domain(/^besselJPrimeZeros: argument nu = -0.5 /),
    );
    assert.throws(() => S.besselJZeros(NaN, 2), domain(/^besselJZeros: argument nu = NaN /));
  });
});

describe("special (mutants): argument checks at their boundaries", () => {
  it("checkOrder accepts |ν| ≤ 1e5 and names the argument otherwise", () => {
    assert.doesNotThrow(() => C.checkOrder("f", 1e5));
    assert.doesNotThrow(() => C.checkOrder("f", -1e5));
    assert.equal(C.MAX_ORDER, 1e5);
    assert.throws(
      () => C.checkOrder("f", 100000.5),
      domain(/^f: argument nu = 100000.5 .*\|ν\| ≤ 1e5/),
    );
    assert.throws(() => C.checkOrder("f", -Infinity), domain(/^f: argument nu = -Infinity /));
    assert.throws(() => C.checkOrder("g", 2e5, "l"), domain(/^g: argument l = 200000 /));
    assert.throws(() => S.besselJ(1e5 + 1, 1), domain(/^besselJ: argument nu = 100001 /));
  });

  it("checkNonNegativeOrder: 0 ≤ ν ≤ 1e5", () => {
    assert.doesNotThrow(() => C.checkNonNegativeOrder("f", 0));
    assert.doesNotThrow(() => C.checkNonNegativeOrder("f", 1e5));
    assert.throws(
      () => C.checkNonNegativeOrder("f", -1e-300),
      domain(/^f: argument nu = -1e-300 .*0 ≤ ν ≤ 1e5/),
    );
    assert.throws(
      () => C.checkNonNegativeOrder("f", 100000.5),
      domain(/^f: argument nu = 100000.5 /),
    );
    assert.throws(() => C.checkNonNegativeOrder("f", NaN, "mu"), domain(/^f: argument mu = NaN /));
  });

  it("integer checks: ≥ 0 and ≥ 1, with the argument's name", () => {
    assert.doesNotThrow(() => C.checkNonNegativeInteger("f", 0, "l"));
    assert.throws(
      () => C.checkNonNegativeInteger("f", -1, "l"),
      domain(/^f: argument l = -1 .*integer ≥ 0/),
    );
    assert.throws(() => C.checkNonNegativeInteger("f", 0.5, "l"), domain(/^f: argument l = 0.5 /));
    assert.doesNotThrow(() => C.checkPositiveInteger("f", 1, "n"));
    assert.throws(
      () => C.checkPositiveInteger("f", 0, "n"),
      domain(/^f: argument n = 0 .*integer ≥ 1/),
    );
    assert.throws(() => C.checkPositiveInteger("f", 2.5, "n"), domain(/^f: argument n = 2.5 /));
    assert.throws(() => S.sphericalJ(-1, 1), domain(/^sphericalJ: argument l = -1 /));
  });

  it("checkNonNegativeX: x ≥ 0, NaN passes, the reason is in the message", () => {
    assert.doesNotThrow(() => C.checkNonNegativeX("f", 0, "why"));
    assert.doesNotThrow(() => C.checkNonNegativeX("f", NaN, "why"));
    assert.throws(
      () => C.checkNonNegativeX("f", -2, "real only"),
      domain(/^f: argument x = -2 .*x ≥ 0 \(real only\)/),
    );
    assert.throws(() => C.checkNonNegativeX("f", -2, "r", "z"), domain(/^f: argument z = -2 /));
  });
});

describe("special (mutants): disk.ts — quadrature, disk modes, Gram matrix, Monte Carlo", () => {
  it("gaussLegendre: the 1-, 2-, 3-point rules in closed form, mapped to [a, b], ascending", () => {
    const r1 = S.gaussLegendre(1, 2, 5);
    assert.deepEqual([Array.from(r1.nodes), Array.from(r1.weights)], [[3.5], [3]]);
    const r2 = S.gaussLegendre(2);
    near(r2.nodes[0]!, -1 / Math.sqrt(3), 0, 2e-16, "n = 2 node");
    near(r2.nodes[1]!, 1 / Math.sqrt(3), 0, 2e-16, "n = 2 node");
    near(r2.weights[0]!, 1, 0, 4e-16, "n = 2 weight");
    const r3 = S.gaussLegendre(3, 0, 2); // nodes 1 ∓ √(3/5), 1; weights 5/9, 8/9, 5/9
    [1 - Math.sqrt(0.6), 1, 1 + Math.sqrt(0.6)].forEach((x, i) =>
      near(r3.nodes[i]!, x, 0, 4e-16, `n = 3 node ${i}`),
    );
    [5 / 9, 8 / 9, 5 / 9].forEach((w, i) => near(r3.weights[i]!, w, 0, 4e-16, `n = 3 weight ${i}`));
    // 6 points integrate x^11 exactly on [−1, 3]: (3^12 − 1)/12; not x^12 (degree 2n)
    const r6 = S.gaussLegendre(6, -1, 3);
    const q = (p: number) => r6.nodes.reduce((s, x, i) => s + r6.weights[i]! * x ** p, 0);
    near(q(11), (3 ** 12 - 1) / 12, 1e-14, 0, "x^11");
    assert.ok(Math.abs(q(12) - (3 ** 13 + 1) / 13) > 1, "x^12 is not exact");
    for (let i = 1; i < 6; i++) assert.ok(r6.nodes[i]! > r6.nodes[i - 1]!);
    assert.throws(() => S.gaussLegendre(1.5), domain(/^gaussLegendre: argument n = 1.5 /));
    for (const [a, b] of [
      [1, 1],
      [2, 1],
      [-Infinity, 0],
      [0, NaN],
    ]) {
      assert.throws(
        () => S.gaussLegendre(3, a, b),
        domain(new RegExp(`^gaussLegendre: argument b = ${b} .*> a = ${a}`)),
      );
    }
  });

  it("diskModeImage: pixel geometry (top row first), re/im parts, NaN outside the disk; refusals", () => {
    const m = { nu: 1, k: 2 };
    const im = S.diskModeImage(m, 2, "im"); // pixels at (∓½, ±½): ρ = √½, θ = ±45°, ±135°
    const J = S.besselJ(1, 2 * Math.SQRT1_2);
    [J * Math.SQRT1_2, J * Math.SQRT1_2, -J * Math.SQRT1_2, -J * Math.SQRT1_2].forEach((v, i) =>
      near(im[i]!, v, 1e-15, 1e-16, `im pixel ${i}`),
    );
    const re = S.diskModeImage(m, 2);
    [-J * Math.SQRT1_2, J * Math.SQRT1_2, -J * Math.SQRT1_2, J * Math.SQRT1_2].forEach((v, i) =>
      near(re[i]!, v, 1e-15, 1e-16, `re pixel ${i}`),
    );
    const four = S.diskModeImage({ nu: 0, k: 1 }, 4); // corners at ρ = 0.75√2 > 1
    assert.deepEqual(
      [0, 3, 12, 15].map((i) => Number.isNaN(four[i]!)),
      [true, true, true, true],
    );
    near(four[5]!, S.besselJ(0, Math.hypot(0.25, 0.25)), 1e-15, 0, "inner pixel");
    assert.ok(
      !Number.isNaN(S.diskModeImage({ nu: 0, k: 1 }, 3)[0]!),
      "3×3 corners at ρ = 0.943 are inside",
    );
    assert.throws(
      () => S.diskModeImage({ nu: 1.5, k: 1 }, 4),
      domain(/^diskModeImage: argument mode.nu = 1.5 /),
    );
    for (const k of [-1, NaN, Infinity])
      assert.throws(
        () => S.diskModeImage({ nu: 1, k }, 4),
        domain(new RegExp(`^diskModeImage: argument mode.k = ${k} `)),
      );
    for (const s of [0, 2.5])
      assert.throws(
        () => S.diskModeImage(m, s),
        domain(new RegExp(`^diskModeImage: argument size = ${s} `)),
      );
  });

  it("diskModeNormSq and diskGram against mpmath quadratures; k = 0; the θ rule's nTheta; refusals", () => {
    // 2π ∫₀¹ J₂(3.7ρ)² ρ dρ and 2π ∫₀¹ J₁(2.5ρ)J₁(4.1ρ) ρ dρ (mpmath.quad, 40 digits; fixture)
    const D = M.disk;
    near(S.diskModeNormSq({ nu: 2, k: 3.7 }), D["normSq_nu2_k3.7"], 1e-14, 0, "‖ψ‖², ν = 2");
    assert.equal(S.diskModeNormSq({ nu: 0, k: 0 }), Math.PI);
    assert.equal(S.diskModeNormSq({ nu: 3, k: 0 }), 0);
    assert.throws(
      () => S.diskModeNormSq({ nu: 0, k: -2 }),
      domain(/^diskModeNormSq: argument mode.k = -2 /),
    );
    const G = S.diskGram([
      { nu: 1, k: 2.5 },
      { nu: 1, k: 4.1 },
      { nu: 0, k: 1 },
    ]);
    assert.equal(G.n, 3);
    near(G.re[1]!, D["gram_nu1_k2.5_k4.1"], 1e-13, 0, "G₀₁");
    near(G.re[3]!, D["gram_nu1_k2.5_k4.1"], 1e-13, 0, "G₁₀");
    near(G.re[4]!, S.diskModeNormSq({ nu: 1, k: 4.1 }), 1e-13, 0, "G₁₁");
    for (const i of [2, 5, 6, 7]) near(G.re[i]!, 0, 0, 1e-15, `different ν: G[${i}]`);
    for (let i = 0; i < 9; i++) near(G.im[i]!, 0, 0, 1e-15, `im[${i}]`);
    // with nTheta = 1 the θ "integral" of e^{iΔνθ} is 2π for every Δν (aliasing): the option is
    // used
    const A = S.diskGram(
      [
        { nu: 1, k: 2.5 },
        { nu: 0, k: 1 },
      ],
      { nTheta: 1, nRho: 30 },
    );
    assert.ok(Math.abs(A.re[1]!) > 0.1, `${A.re[1]}`);
    // a one-node radial rule is far off: nRho is used
    const B = S.diskGram([{ nu: 1, k: 4.1 }], { nRho: 1 });
    assert.ok(Math.abs(B.re[0]! - S.diskModeNormSq({ nu: 1, k: 4.1 })) > 0.01);
    for (const [o, re] of [
      [{ nRho: 0 }, /^diskGram: argument nRho = 0 /],
      [{ nTheta: 1.5 }, /^diskGram: argument nTheta = 1.5 /],
    ] as const) {
      assert.throws(() => S.diskGram([{ nu: 0, k: 1 }], o), domain(re));
    }
    assert.throws(
      () =>
        S.diskGram([
          { nu: 0, k: 1 },
          { nu: 0, k: NaN },
        ]),
      domain(/^diskGram: argument mode.k = NaN /),
    );
  });

  it("expectedExpDotMonteCarlo: κ = 0 gives exactly 1 ± 0; d = 2 estimates I₀(κ) with the right standard error", () => {
    assert.deepEqual(S.expectedExpDotMonteCarlo(5, 0, 10, 3), { mean: 1, stderr: 0, n: 10 });
    const n = 20000,
      r = S.expectedExpDotMonteCarlo(2, 1, n, 7);
    // mpmath (fixture): I₀(1) and I₀(2); sd² = I₀(2) − I₀(1)²
    const sd = Math.sqrt(M.disk.I0_2 - M.disk.I0_1 ** 2);
    assert.ok(Math.abs(r.stderr / (sd / Math.sqrt(n)) - 1) < 0.05, `stderr ${r.stderr}`);
    assert.ok(Math.abs(r.mean - M.disk.I0_1) < 4 * r.stderr, `mean ${r.mean}`);
    assert.deepEqual(
      S.expectedExpDotMonteCarlo(2, 1, 50, 7),
      S.expectedExpDotMonteCarlo(2, 1, 50, 7),
    );
    assert.notDeepEqual(
      S.expectedExpDotMonteCarlo(2, 1, 50, 7),
      S.expectedExpDotMonteCarlo(2, 1, 50, 8),
    );
    // d enters: in d = 50 the dot product is ~N(0, 1/50), E ≈ e^{κ²/100}
    const hi = S.expectedExpDotMonteCarlo(50, 1, 4000, 1);
    assert.ok(Math.abs(hi.mean - 1.01) < 0.01, `d = 50: ${hi.mean}`);
    const bad: [number, number, number, RegExp][] = [
      [1, 1, 10, /argument d = 1 /],
      [2.5, 1, 10, /argument d = 2.5 /],
      [3, -1, 10, /argument kappa = -1 /],
      [3, Infinity, 10, /argument kappa = Infinity /],
      [3, 1, 1, /argument n = 1 /],
    ];
    for (const [d, k, m, re] of bad) {
      assert.throws(
        () => S.expectedExpDotMonteCarlo(d, k, m, 0),
        domain(new RegExp(`^expectedExpDotMonteCarlo: ${re.source}`)),
      );
    }
  });
});

describe("special (mutants): disk.ts and array.ts, second batch (after the run)", () => {
  it("inclusive smallest sizes, and every refusal's expected text", () => {
    const one = S.diskModeImage({ nu: 0, k: 2 }, 1); // a single pixel at the centre: J₀(0) = 1
    assert.deepEqual(Array.from(one), [1]);
    assert.equal(S.expectedExpDotMonteCarlo(2, 1, 2, 0).n, 2);
    assert.throws(
      () => S.diskGram([{ nu: 0, k: 1 }], { nTheta: 0 }),
      domain(/^diskGram: argument nTheta = 0 .*expected an integer ≥ 1$/),
    );
    assert.throws(
      () => S.diskGram([{ nu: 0, k: 1 }], { nRho: 0 }),
      domain(/expected an integer ≥ 1$/),
    );
    assert.throws(
      () => S.gaussLegendre(0),
      domain(/^gaussLegendre: argument n = 0 .*expected an integer ≥ 1$/),
    );
    assert.throws(
      () => S.diskModeImage({ nu: 0.5, k: 1 }, 3),
      domain(/expected an integer angular order$/),
    );
    assert.throws(
      () => S.diskModeImage({ nu: 0, k: -1 }, 3),
      domain(/expected a finite wavenumber ≥ 0$/),
    );
    assert.throws(() => S.diskModeImage({ nu: 0, k: 1 }, 0), domain(/expected an integer ≥ 1$/));
    assert.throws(
      () => S.diskGram([]),
      (e: unknown) =>
        e instanceof Error &&
        e.message === "diskGram modes: expected shape at least one mode, got [0]",
    );
    assert.throws(
      () => S.expectedExpDotMonteCarlo(1, 1, 5, 0),
      domain(/expected an integer dimension ≥ 2$/),
    );
    assert.throws(
      () => S.expectedExpDotMonteCarlo(2, -1, 5, 0),
      domain(/expected a finite number ≥ 0$/),
    );
    assert.throws(() => S.expectedExpDotMonteCarlo(2, 1, 1, 0), domain(/expected an integer ≥ 2$/));
    assert.throws(
      () => S.besselJArray(0, new Float64Array(3), new Float64Array(2)),
      (e: unknown) =>
        e instanceof Error &&
        e.message === "besselJArray: out: expected shape [3] (same as xs), got [2]",
    );
  });
});

describe("special (mutants): array.ts returns a fresh array without `out`", () => {
  it("never hands out its scratch buffer", () => {
    const big = new Float64Array([0.5, 1, 2, 3, 4, 5, 6]);
    S.besselJArray(0, big, new Float64Array(7)); // grows the shared scratch to ≥ 7
    const a = S.besselJArray(0, new Float64Array([1, 2, 3]));
    const b = S.besselJArray(1, new Float64Array([1, 2, 3]));
    assert.equal(a.length, 3);
    assert.notEqual(a, b);
    assert.deepEqual(
      Array.from(a),
      [1, 2, 3].map((x) => S.besselJ(0, x)),
    );
  });
});
