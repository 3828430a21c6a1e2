/**
 * lib/special against reference tables from an independent implementation (mpmath at 40 digits,
 * made by scripts/make_special_fixtures.py), published values, and identities on random points.
 *
 * Tolerance: |computed − ref| ≤ 1e-13·|ref| + 1e-15·scale, where scale is the local envelope for
 * oscillating functions where they oscillate, i.e. x > ν — √(J² + Y²) for J and Y (near a zero of
 * J the relative error is meaningless, the error stays a fraction of the envelope), √(J′² + Y′²)
 * for J′ and Y′ — and 0 where x ≤ ν: there J, Y, J′, Y′ have no zeros and J ≪ |Y|, so an envelope
 * would hide any error in J (1e-15·hypot(J₅₀(1), Y₅₀(1)) ≈ 1e62 against J₅₀(1) ≈ 3e-80; issue #16).
 * 1e-300 absolute for all (below that, values underflow). The printed metric is the same:
 * |err| / max(|ref|, scale). Measured maxima are printed.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { special as S, rng, ShapeError, BesselbookError } from "besselbook";

const FIX = path.join(__dirname, "..", "..", "test", "fixtures", "special");
function fixture<T = any>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIX, name + ".json"), "utf8")) as T;
}

const RTOL = 1e-13;
const ATOL = 1e-15;

interface Grid {
  nu: number[];
  x: number[];
  [k: string]: any;
}

/**
 * Max of |a − e| / max(|e|, scale) over a grid, with the worst point, and a failure list; scale
 * (the envelope) counts only where x > ν (see the header).
 */
function sweep(
  g: Grid,
  key: string,
  f: (nu: number, x: number) => number,
  scale: (i: number, j: number) => number,
): { worst: number; at: string; bad: string[] } {
  let worst = 0;
  let at = "";
  const bad: string[] = [];
  for (let i = 0; i < g.nu.length; i++) {
    for (let j = 0; j < g.x.length; j++) {
      const e: number | null = g[key][i][j];
      if (e === null) continue; // reference overflows a double
      const nu = g.nu[i]!;
      const x = g.x[j]!;
      const a = f(nu, x);
      const sc = x > nu ? scale(i, j) : 0;
      // + 1e-300: the underflow floor (the reference can be subnormal where we return 0)
      const tol = RTOL * Math.abs(e) + ATOL * sc + 1e-300;
      const err = Math.abs(a - e);
      const rel = err / Math.max(Math.abs(e), sc, 1e-300);
      if (rel > worst) {
        worst = rel;
        at = `nu=${nu} x=${x}: ${a} vs ${e}`;
      }
      if (!(err <= tol))
        bad.push(
          `${key}(${nu}, ${x}) = ${a}, reference ${e}, |err| = ${err.toExponential(2)} > ${tol.toExponential(2)}`,
        );
    }
  }
  return { worst, at, bad };
}

function expectSweep(label: string, r: ReturnType<typeof sweep>): void {
  console.log(`      ${label}: max error ${r.worst.toExponential(2)} (${r.at})`);
  assert.deepEqual(r.bad.slice(0, 5), [], `${r.bad.length} points over tolerance`);
}

describe("special: 16-digit reference values (our mpmath evaluations at 30 digits; A&S could not be read, REFERENCES.md as1964)", () => {
  it("J at tabulated points", () => {
    const cases: [number, number, number][] = [
      [0, 1, 0.765197686557967],
      [1, 1, 0.440050585744934],
      [2, 2.5, 0.446059058439617],
      [5, 10, -0.234061528186794],
    ];
    for (const [nu, x, v] of cases)
      assert.ok(Math.abs(S.besselJ(nu, x) - v) < 1e-15, `J_${nu}(${x})`);
  });
  it("zeros of J₀, J′₀, J′₁, J′₂", () => {
    const close = (a: ArrayLike<number>, b: number[]) =>
      b.forEach((v, k) => assert.ok(Math.abs(a[k]! - v) < 1e-14 * v, `${a[k]} vs ${v}`));
    close(S.besselJZeros(0, 3), [2.404825557695773, 5.520078110286311, 8.653727912911012]);
    close(S.besselJPrimeZeros(0, 2), [3.831705970207512, 7.015586669815619]);
    close(S.besselJPrimeZeros(1, 2), [1.841183781340659, 5.331442773525033]);
    close(S.besselJPrimeZeros(2, 2), [3.05423692822714, 6.706133194158459]);
  });
  it("half-integer and closed forms", () => {
    for (const x of [0.3, 2, 17, 400]) {
      assert.ok(Math.abs(S.besselJ(0.5, x) - Math.sqrt(2 / (Math.PI * x)) * Math.sin(x)) < 1e-15);
      assert.ok(Math.abs(S.sphericalJ(1, x) - (Math.sin(x) / (x * x) - Math.cos(x) / x)) < 1e-14);
      assert.ok(
        Math.abs(S.besselI(0.5, x) / (Math.sqrt(2 / (Math.PI * x)) * Math.sinh(x)) - 1) < 1e-14,
      );
    }
    assert.ok(Math.abs(S.logExpectedExpDot(3, 2) - Math.log(Math.sinh(2) / 2)) < 1e-15);
    assert.equal(S.gamma(5), 24);
    assert.ok(Math.abs(S.gamma(0.5) - Math.sqrt(Math.PI)) <= 4.5e-16); // 2 ulp of √π
  });
});

describe("special: J, Y, J′ against mpmath (orders 0–50, x ∈ [1e-10, 1000])", () => {
  const g = fixture<Grid>("jy");
  const envJY = (i: number, j: number) => Math.hypot(g.J[i][j] ?? 0, g.Y[i][j] ?? 0);
  const envP = (i: number, j: number) => Math.hypot(g.Jp[i][j] ?? 0, g.Yp[i][j] ?? 0);
  it("besselJ", () => expectSweep("J", sweep(g, "J", S.besselJ, envJY)));
  it("besselY", () => expectSweep("Y", sweep(g, "Y", S.besselY, envJY)));
  it("besselJPrime", () => expectSweep("J′", sweep(g, "Jp", S.besselJPrime, envP)));
  it("besselYPrime", () => expectSweep("Y′", sweep(g, "Yp", S.besselYPrime, envP)));
});

describe("special: the accuracy sweeps have power (mutations must fail them)", () => {
  const g = fixture<Grid>("jy");
  const envJY = (i: number, j: number) => Math.hypot(g.J[i][j] ?? 0, g.Y[i][j] ?? 0);
  it("doubling J for ν ≥ 20, x < ν/10 fails the J sweep (it passed the old envelope-everywhere metric)", () => {
    const mutant = (nu: number, x: number) => (nu >= 20 && x < nu / 10 ? 2 : 1) * S.besselJ(nu, x);
    const r = sweep(g, "J", mutant, envJY);
    assert.ok(r.bad.length > 50, `only ${r.bad.length} failures`);
    assert.ok(r.worst > 0.99, `printed metric ${r.worst} hides a 100% error`);
  });
  it("a 1e-3 relative error anywhere is printed as ≈ 1e-3 where x ≤ ν, and fails", () => {
    const mutant = (nu: number, x: number) => (x <= nu && nu > 5 ? 1 + 1e-3 : 1) * S.besselJ(nu, x);
    const r = sweep(g, "J", mutant, envJY);
    assert.ok(r.worst > 0.9e-3 && r.worst < 1.1e-3, `printed ${r.worst}`);
    assert.ok(r.bad.length > 0);
  });
  it("a 1e-12 relative error in Y′ where x > ν fails the Y′ sweep", () => {
    const envP = (i: number, j: number) => Math.hypot(g.Jp[i][j] ?? 0, g.Yp[i][j] ?? 0);
    const mutant = (nu: number, x: number) => (x > nu ? 1 + 1e-12 : 1) * S.besselYPrime(nu, x);
    assert.ok(sweep(g, "Yp", mutant, envP).bad.length > 0);
  });
});

describe("special: I, K and scaled forms against mpmath", () => {
  const g = fixture<Grid>("ik");
  const none = () => 0;
  it("besselI (null where a double overflows)", () => {
    expectSweep("I", sweep(g, "I", S.besselI, none));
    // where the reference overflows, so do we
    g.nu.forEach((nu, i) =>
      g.x.forEach((x, j) => g.I[i][j] === null && assert.equal(S.besselI(nu, x), Infinity)),
    );
  });
  it("besselK", () => expectSweep("K", sweep(g, "K", S.besselK, none)));
  it("besselIScaled", () => expectSweep("e^-x I", sweep(g, "Ie", S.besselIScaled, none)));
  it("besselKScaled", () => expectSweep("e^x K", sweep(g, "Ke", S.besselKScaled, none)));
});

describe("special: spherical, log I, ratio, vMF, Gamma against mpmath", () => {
  const m = fixture("misc");
  it("sphericalJ, sphericalY (ℓ ≤ 50)", () => {
    const sp = m.spherical;
    // the turning point of j_ℓ is at the order ℓ + ½ of the underlying J
    const g: Grid = { nu: sp.l.map((l: number) => l + 0.5), x: sp.x, j: sp.j, y: sp.y };
    const env = (i: number, j: number) => Math.hypot(sp.j[i][j] ?? 0, sp.y[i][j] ?? 0);
    const fj = (nu: number, x: number) => S.sphericalJ(nu - 0.5, x);
    const fy = (nu: number, x: number) => S.sphericalY(nu - 0.5, x);
    expectSweep("j_l", sweep(g, "j", fj, env));
    expectSweep("y_l", sweep(g, "y", fy, env));
  });
  it("orders 0–3 on 250 random x ∈ (0, 60) (table/Taylor fast path, integer recurrences)", () => {
    const d = m.dense;
    const g: Grid = { nu: d.nu, x: d.x, J: d.J, Y: d.Y, Ie: d.Ie };
    const env = (i: number, j: number) => Math.hypot(d.J[i][j], d.Y[i][j]);
    expectSweep("J_n dense", sweep(g, "J", S.besselJ, env));
    expectSweep("Y_n dense", sweep(g, "Y", S.besselY, env));
    expectSweep(
      "e^-x I_n dense",
      sweep(g, "Ie", S.besselIScaled, () => 0),
    );
  });
  it("logBesselI and besselIRatio for ν up to 1000, x up to 1e4", () => {
    const g: Grid = { nu: m.logI.nu, x: m.logI.x, logI: m.logI.logI, ratio: m.logI.ratio };
    // log I is compared absolutely below |log I| = 1 (it crosses zero), relatively above.
    expectSweep(
      "log I",
      sweep(g, "logI", S.logBesselI, () => 100),
    );
    expectSweep(
      "I_{ν+1}/I_ν",
      sweep(g, "ratio", S.besselIRatio, () => 0),
    );
  });
  it("vMF: logExpectedExpDot and logVmfNormaliser (d up to 1024)", () => {
    const v = m.vmf;
    const g: Grid = { nu: v.d, x: v.kappa, a: v.logExpectedExpDot, c: v.logNormaliser };
    expectSweep(
      "log E e^{κu·v}",
      sweep(g, "a", S.logExpectedExpDot, () => 100),
    );
    expectSweep(
      "log C_d",
      sweep(g, "c", S.logVmfNormaliser, () => 100),
    );
    // the case: d = 512 at κ = 100 is finite
    assert.ok(Number.isFinite(S.logVmfNormaliser(512, 100)));
    assert.ok(Number.isFinite(S.logExpectedExpDot(512, 100)));
    // κ → 0 limit and the sphere area
    assert.equal(S.logExpectedExpDot(7, 0), 0);
    assert.ok(Math.abs(S.logVmfNormaliser(3, 0) + Math.log(4 * Math.PI)) < 1e-15);
    assert.ok(Math.abs(S.logExpectedExpDot(1, 3) - Math.log(Math.cosh(3))) < 1e-15);
  });
  it("gamma and logGamma (negative, near 1 and 2, up to 1e100)", () => {
    m.gamma.x.forEach((x: number, i: number) => {
      const e = m.gamma.gamma[i];
      assert.ok(
        Math.abs(S.gamma(x) - e) <= 1e-14 * Math.abs(e),
        `gamma(${x}) = ${S.gamma(x)} vs ${e}`,
      );
    });
    m.logGamma.x.forEach((x: number, i: number) => {
      const e = m.logGamma.logGamma[i];
      assert.ok(
        Math.abs(S.logGamma(x) - e) <= 1e-14 * Math.abs(e) + 1e-16,
        `logGamma(${x}) = ${S.logGamma(x)} vs ${e}`,
      );
    });
    assert.throws(
      () => S.gamma(-2),
      (e: unknown) => e instanceof RangeError && /argument x/.test(e.message),
    );
    assert.equal(S.logGamma(-3), Infinity);
  });
});

describe("special: zeros against mpmath (30 zeros, ν ∈ {0, ½, 1, 2, 2½, 5, 7.3, 10, 20, 50})", () => {
  const z = fixture("misc").zeros;
  it("besselJZeros to 1e-12 (relative)", () => {
    let worst = 0;
    z.nu.forEach((nu: number, i: number) => {
      const got = S.besselJZeros(nu, z.n);
      assert.equal(got.length, z.n);
      for (let k = 0; k < z.n; k++) {
        const err = Math.abs(got[k]! - z.J[i][k]) / z.J[i][k];
        worst = Math.max(worst, err);
        assert.ok(err < 1e-12, `j_{${nu},${k + 1}} = ${got[k]} vs ${z.J[i][k]}`);
      }
    });
    console.log(`      zeros of J: max relative error ${worst.toExponential(2)}`);
  });
  it("besselJPrimeZeros to 1e-12, with the trivial zero of J′₀ on request", () => {
    let worst = 0;
    z.nu.forEach((nu: number, i: number) => {
      // mpmath lists x = 0 as the first zero of J′₀
      const got = S.besselJPrimeZeros(nu, z.n, { includeZero: true });
      for (let k = 0; k < z.n; k++) {
        const e = z.Jp[i][k];
        const err = Math.abs(got[k]! - e) / Math.max(e, 1);
        worst = Math.max(worst, err);
        assert.ok(err < 1e-12, `j′_{${nu},${k + 1}} = ${got[k]} vs ${e}`);
      }
    });
    // without the option the trivial zero is left out
    assert.ok(Math.abs(S.besselJPrimeZeros(0, 3)[0]! - 3.831705970207512) < 1e-14);
    console.log(`      zeros of J′: max relative error ${worst.toExponential(2)}`);
  });
  it("J vanishes at its zeros and J′ at its zeros (to rounding of the zero and the envelope)", () => {
    // A double z next to the true zero leaves |f(z)| ≈ |f′(z)|·ulp(z)/2; allow one ulp plus
    // 1e-15·|f′|.
    for (const nu of [0, 3, 12.5]) {
      for (const x of S.besselJZeros(nu, 10)) {
        const d = Math.abs(S.besselJPrime(nu, x));
        assert.ok(Math.abs(S.besselJ(nu, x)) <= (2.3e-16 * x + 1e-15) * d, `J_${nu}(${x})`);
      }
      for (const x of S.besselJPrimeZeros(nu, 10)) {
        const d2 = Math.abs((1 - (nu * nu) / (x * x)) * S.besselJ(nu, x)); // |J″| at a zero of J′
        assert.ok(Math.abs(S.besselJPrime(nu, x)) <= (2.3e-16 * x + 1e-15) * d2, `J′_${nu}(${x})`);
      }
    }
  });
});

describe("special: identities on random points (ν ∈ [0, 50], x ∈ (0, 1000])", () => {
  const r = rng(20261129);
  const pts: [number, number][] = [];
  for (let i = 0; i < 400; i++) {
    // ν on a 2^-20 grid so that ν ± 1 are exact doubles: the recurrence checks then measure the
    // library, not the rounding of the test's own ν + 1 (which moves J_{ν+1} by ~ulp(ν)·∂J/∂ν).
    const nu = i % 4 === 0 ? r.int(51) : Math.round(50 * r.uniform() * 2 ** 20) / 2 ** 20;
    // half log-uniform on [1e-3, 1e3], half uniform on (0, 1000]
    const x = i % 2 === 0 ? Math.pow(10, -3 + 6 * r.uniform()) : 1000 * r.uniform() + 1e-9;
    pts.push([nu, x]);
  }
  it("Wronskian J_ν Y′_ν − J′_ν Y_ν = 2/(πx) (DLMF 10.5.1)", () => {
    let worst = 0;
    for (const [nu, x] of pts) {
      const j = S.besselJ(nu, x),
        y = S.besselY(nu, x),
        jp = S.besselJPrime(nu, x),
        yp = S.besselYPrime(nu, x);
      if (!Number.isFinite(y) || !Number.isFinite(yp)) continue; // Y overflows for tiny x, large ν
      const w = j * yp - jp * y;
      const scale = Math.abs(j * yp) + Math.abs(jp * y);
      const err = Math.abs(w - 2 / (Math.PI * x)) / scale;
      worst = Math.max(worst, err);
      assert.ok(err < 1e-13, `ν=${nu} x=${x}: W = ${w}, 2/(πx) = ${2 / (Math.PI * x)}`);
    }
    console.log(`      Wronskian: max relative error ${worst.toExponential(2)}`);
  });
  it("three-term recurrences for J, Y, I, K (DLMF 10.6.1, 10.29.1)", () => {
    let worst = 0;
    const check = (lhs: number, rhs: number, terms: number, what: string) => {
      if (!Number.isFinite(terms) || terms === 0 || terms < 1e-290) return;
      const err = Math.abs(lhs - rhs) / terms;
      worst = Math.max(worst, err);
      assert.ok(err < 1e-13, `${what}: ${lhs} vs ${rhs}`);
    };
    for (const [nu0, x] of pts) {
      const nu = Math.max(nu0, 1);
      const env = Math.hypot(S.besselJ(nu, x), S.besselY(nu, x));
      const [jm, j, jp] = [S.besselJ(nu - 1, x), S.besselJ(nu, x), S.besselJ(nu + 1, x)];
      check(jm + jp, ((2 * nu) / x) * j, Math.abs(jm) + Math.abs(jp) + env, `J ν=${nu} x=${x}`);
      const [ym, y, yp] = [S.besselY(nu - 1, x), S.besselY(nu, x), S.besselY(nu + 1, x)];
      check(ym + yp, ((2 * nu) / x) * y, Math.abs(ym) + Math.abs(yp) + env, `Y ν=${nu} x=${x}`);
      const [im, i0, ip] = [
        S.besselIScaled(nu - 1, x),
        S.besselIScaled(nu, x),
        S.besselIScaled(nu + 1, x),
      ];
      check(im - ip, ((2 * nu) / x) * i0, Math.abs(im) + Math.abs(ip), `I ν=${nu} x=${x}`);
      const [km, k0, kp] = [
        S.besselKScaled(nu - 1, x),
        S.besselKScaled(nu, x),
        S.besselKScaled(nu + 1, x),
      ];
      check(kp - km, ((2 * nu) / x) * k0, Math.abs(km) + Math.abs(kp), `K ν=${nu} x=${x}`);
      // I_ν K_{ν+1} + I_{ν+1} K_ν = 1/x (DLMF 10.28.2), scaled forms: the e^{±x} cancel
      check(i0 * kp + ip * k0, 1 / x, 1 / x, `IK Wronskian ν=${nu} x=${x}`);
      // ratio and log forms agree with the plain ones
      check(S.besselIRatio(nu, x), ip / i0, ip / i0, `ratio ν=${nu} x=${x}`);
    }
    console.log(`      recurrences: max relative error ${worst.toExponential(2)}`);
  });
  it("log I_ν = log(e^{-x} I_ν) + x and spherical j_ℓ = √(π/2x) J_{ℓ+½}", () => {
    for (const [nu, x] of pts) {
      const ie = S.besselIScaled(nu, x);
      if (ie > 1e-290) {
        const l = S.logBesselI(nu, x);
        assert.ok(
          Math.abs(l - (Math.log(ie) + x)) <= 1e-13 * Math.max(1, Math.abs(l)),
          `logI ν=${nu} x=${x}`,
        );
      }
      const l = Math.round(nu);
      const env =
        Math.sqrt(Math.PI / (2 * x)) * Math.hypot(S.besselJ(l + 0.5, x), S.besselY(l + 0.5, x));
      const a = S.sphericalJ(l, x),
        b = Math.sqrt(Math.PI / (2 * x)) * S.besselJ(l + 0.5, x);
      assert.ok(Math.abs(a - b) <= 1e-13 * Math.abs(b) + 1e-15 * env, `j_${l}(${x})`);
    }
  });
});

describe("special: integer fast paths agree with the general real-order kernels", () => {
  it("J_n, Y_n, e^-x I_n (tables, recurrences, Miller) vs Steed/Temme kernels, n ≤ 60, x ≤ 300", () => {
    const r = rng(7);
    let worst = 0;
    for (let t = 0; t < 3000; t++) {
      const n = r.int(61);
      const x = t % 2 ? 60 * r.uniform() + 1e-3 : 300 * r.uniform() + 1e-3;
      const JY = S.jyGeneral(n, x);
      const env = Math.hypot(JY.j, JY.y);
      const ej = Math.abs(S.besselJ(n, x) - JY.j) / Math.max(Math.abs(JY.j), env);
      const ey = Number.isFinite(JY.y)
        ? Math.abs(S.besselY(n, x) - JY.y) / Math.max(Math.abs(JY.y), env)
        : 0;
      const IK = S.ikGeneral(n, x, true, false);
      const ie = IK.i * 2 ** IK.iE;
      // a missing or NaN field must fail here, not fall through the underflow guard below
      assert.ok(Number.isFinite(ie) && ie >= 0, `ikGeneral(${n}, ${x}): e^-x I = ${ie}`);
      const ei = ie > 1e-290 ? Math.abs(S.besselIScaled(n, x) - ie) / ie : 0;
      worst = Math.max(worst, ej, ey, ei);
      assert.ok(ej < 1e-13 && ey < 1e-13 && ei < 1e-13, `n=${n} x=${x}: ${ej} ${ey} ${ei}`);
    }
    console.log(`      fast vs general: max relative difference ${worst.toExponential(2)}`);
  });
});

describe("special: domain, reflection, edge values", () => {
  const names = (re: RegExp) => (e: unknown) => e instanceof RangeError && re.test(e.message);
  it("out-of-domain input throws a RangeError naming the argument", () => {
    assert.throws(() => S.besselJ(0.5, -1), names(/besselJ: argument x/));
    assert.throws(() => S.besselY(0, -1), names(/besselY: argument x/));
    assert.throws(() => S.besselK(1, -2), names(/besselK: argument x/));
    assert.throws(() => S.besselI(0.3, -2), names(/besselI: argument x/));
    assert.throws(() => S.logBesselI(-0.5, 1), names(/logBesselI: argument nu/));
    assert.throws(() => S.besselIRatio(-1, 1), names(/besselIRatio: argument nu/));
    assert.throws(() => S.besselJ(Infinity, 1), names(/argument nu/));
    assert.throws(() => S.sphericalJ(1.5, 1), names(/sphericalJ: argument l/));
    assert.throws(() => S.sphericalY(-1, 1), names(/sphericalY: argument l/));
    assert.throws(() => S.besselJZeros(-1, 3), names(/besselJZeros: argument nu/));
    assert.throws(() => S.besselJZeros(1, 0), names(/besselJZeros: argument n/));
    assert.throws(() => S.besselJPrimeZeros(1, 2.5), names(/besselJPrimeZeros: argument n/));
    assert.throws(() => S.logVmfNormaliser(2.5, 1), names(/argument d/));
    assert.throws(() => S.logExpectedExpDot(3, -1), names(/argument kappa/));
  });
  it("NaN in gives NaN out", () => {
    const fs2 = [
      S.besselJ,
      S.besselY,
      S.besselI,
      S.besselK,
      S.besselIScaled,
      S.besselKScaled,
      S.logBesselI,
      S.besselIRatio,
      S.besselJPrime,
      S.besselYPrime,
      S.sphericalJ,
      S.sphericalY,
      S.logExpectedExpDot,
      S.logVmfNormaliser,
    ];
    for (const f of fs2) {
      assert.ok(Number.isNaN(f(NaN, 1)), `${f.name}(NaN, 1)`);
      assert.ok(Number.isNaN(f(1, NaN)), `${f.name}(1, NaN)`);
    }
    assert.ok(Number.isNaN(S.gamma(NaN)) && Number.isNaN(S.logGamma(NaN)));
  });
  it("integer negative orders and negative x by reflection", () => {
    for (const x of [0.7, 9, 130]) {
      for (const n of [1, 2, 7]) {
        const s = n % 2 ? -1 : 1;
        assert.equal(S.besselJ(-n, x), s * S.besselJ(n, x));
        assert.equal(S.besselY(-n, x), s * S.besselY(n, x));
        assert.equal(S.besselI(-n, x), S.besselI(n, x));
        assert.equal(S.besselK(-n, x), S.besselK(n, x));
        assert.equal(S.besselJ(n, -x), s * S.besselJ(n, x));
        assert.equal(S.besselI(n, -x), s * S.besselI(n, x));
      }
    }
    // non-integer negative order: J_{−ν} = cos νπ J_ν − sin νπ Y_ν; J_{−½}(x) = √(2/πx) cos x
    for (const x of [0.5, 3, 40]) {
      assert.ok(Math.abs(S.besselJ(-0.5, x) - Math.sqrt(2 / (Math.PI * x)) * Math.cos(x)) < 1e-15);
      assert.ok(
        Math.abs(S.besselI(-0.5, x) / (Math.sqrt(2 / (Math.PI * x)) * Math.cosh(x)) - 1) < 1e-14,
      );
    }
  });
  it("values at 0 and ∞", () => {
    assert.equal(S.besselJ(0, 0), 1);
    assert.equal(S.besselJ(3, 0), 0);
    assert.equal(S.besselY(0, 0), -Infinity);
    assert.equal(S.besselI(0, 0), 1);
    assert.equal(S.besselK(2, 0), Infinity);
    assert.equal(S.sphericalJ(0, 0), 1);
    assert.equal(S.besselJPrime(1, 0), 0.5);
    assert.equal(S.besselJ(2, Infinity), 0);
    assert.equal(S.besselIRatio(0, Infinity), 1);
    assert.equal(S.besselIRatio(3, 0), 0);
    assert.equal(S.logBesselI(2, 0), -Infinity);
  });
  it("large arguments do not break down (x = 1e6, ν up to 50)", () => {
    for (const nu of [0, 1, 20, 50]) {
      const x = 1e6;
      const j = S.besselJ(nu, x),
        y = S.besselY(nu, x);
      // modulus² ≈ 2/(πx)(1 + (4ν²−1)/(8x²)·…): DLMF 10.18.17 leading terms
      const m2 = (2 / (Math.PI * x)) * (1 + (4 * nu * nu - 1) / (8 * x * x));
      assert.ok(Math.abs((j * j + y * y) / m2 - 1) < 1e-12, `ν=${nu}`);
    }
    assert.ok(Number.isFinite(S.besselIScaled(3, 1e8)) && Number.isFinite(S.logBesselI(255, 1e6)));
  });
});

describe("special: array versions", () => {
  it("match the scalar functions and reuse a given buffer", () => {
    const xs = new Float64Array([0, 0.5, 3, 30, 300]);
    const out = new Float64Array(5);
    const r = S.besselJArray(2.5, xs, out);
    assert.equal(r, out);
    xs.forEach((x, i) => assert.equal(out[i], S.besselJ(2.5, x)));
    const pairs: [S.ArrayFn, (nu: number, x: number) => number][] = [
      [S.besselYArray, S.besselY],
      [S.besselIArray, S.besselI],
      [S.besselKArray, S.besselK],
      [S.besselIScaledArray, S.besselIScaled],
      [S.besselKScaledArray, S.besselKScaled],
      [S.logBesselIArray, S.logBesselI],
      [S.besselIRatioArray, S.besselIRatio],
      [S.besselJPrimeArray, S.besselJPrime],
      [S.besselYPrimeArray, S.besselYPrime],
      [S.sphericalJArray, S.sphericalJ],
      [S.sphericalYArray, S.sphericalY],
    ];
    for (const [fa, f] of pairs) fa(3, xs).forEach((v, i) => assert.ok(Object.is(v, f(3, xs[i]!))));
  });
  it("all or nothing: bad input at xs[2] throws naming the index and leaves `out` untouched", () => {
    const out = new Float64Array([7, 7, 7, 7]);
    assert.throws(
      () => S.besselJArray(0.5, new Float64Array([1, 2, -1, 3]), out),
      (e: unknown) =>
        e instanceof BesselbookError &&
        /besselJArray: xs\[2\]: besselJ: argument x = -1/.test((e as Error).message),
    );
    assert.deepEqual(Array.from(out), [7, 7, 7, 7]);
    // out may alias xs
    const xs = new Float64Array([0.5, 1, 2]);
    const want = Array.from(xs, (x) => S.besselY(1, x));
    assert.deepEqual(Array.from(S.besselYArray(1, xs, xs)), want);
  });
  it("a wrong-length output buffer is a ShapeError", () => {
    assert.throws(() => S.besselJArray(0, new Float64Array(3), new Float64Array(2)), ShapeError);
  });
});
