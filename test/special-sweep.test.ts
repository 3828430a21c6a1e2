/**
 * The accuracy claim of lib/special (README.md, environment.md) is what this file measures: random
 * off-grid points (test/fixtures/special/sweep.json, mpmath at 35 digits, made by
 * scripts/make_special_fixtures.py --sweep-only).
 *
 * Metric (issue #16): for J, Y, J′, Y′ (and spherical j, y) where x > ν — past the turning point,
 * where they oscillate and the relative error near a zero is meaningless — the error relative to
 * max(|f|, envelope), envelope √(J² + Y²) (or √(J′² + Y′²)); where x ≤ ν plain relative error
 * (no zeros there; J ≪ |Y|, so an envelope would hide everything). I, K, scaled forms, log I,
 * ratio: plain relative error (log I: relative to max(|log I|, 1)). Values below 1e-290 in
 * magnitude (underflow) are compared absolutely to 1e-300; where the reference overflows a double
 * (null) the library must return the matching infinity.
 *
 * Bounds asserted below are the claim, a little above the measured maxima printed by the test.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as S from "besselbook/dist/special";
import { DomainError, BesselbookError } from "besselbook/dist/errors";

const FIX = path.join(__dirname, "..", "..", "test", "fixtures", "special", "sweep.json");
const W = JSON.parse(fs.readFileSync(FIX, "utf8"));

type F = (nu: number, x: number) => number;
interface Result { worst: number; at: string; n: number; bad: string[] }

/**
 * Max error over points (nu[k], x[k]) against ref[k]; env(k) is the envelope (used where x > ν
 * only when `oscillating`); inf = the infinity the function must return where ref is null.
 */
function measure(
  nus: number[], xs: number[], ref: (number | null)[], f: F,
  opts: { env?: (k: number) => number; turning?: (nu: number) => number; inf?: number; where?: (nu: number, x: number) => boolean; log?: boolean },
): Result {
  let worst = 0, at = "", n = 0;
  const bad: string[] = [];
  for (let k = 0; k < nus.length; k++) {
    const nu = nus[k]!, x = xs[k]!, e = ref[k];
    if (opts.where && !opts.where(nu, x)) continue;
    const a = f(nu, x);
    n++;
    if (e === null || e === undefined) {
      if (a !== (opts.inf ?? Infinity)) bad.push(`(${nu}, ${x}): ${a}, reference overflows`);
      continue;
    }
    if (Math.abs(e) < 1e-290 && !opts.log) {
      if (!(Math.abs(a - e) <= 1e-300 + 1e-13 * Math.abs(e))) bad.push(`(${nu}, ${x}): ${a} vs ${e} (underflow range)`);
      continue;
    }
    const turning = opts.turning ? opts.turning(nu) : nu;
    const sc = opts.env && x > turning ? opts.env(k) : 0;
    const err = Math.abs(a - e) / Math.max(Math.abs(e), sc, opts.log ? 1 : 0);
    if (!(err <= worst)) { // NaN counts as the worst
      worst = Number.isNaN(err) ? Infinity : err;
      at = `(${nu}, ${x}): ${a} vs ${e}`;
    }
  }
  return { worst, at, n, bad };
}

function claim(label: string, r: Result, bound: number): void {
  console.log(`      ${label.padEnd(34)} ${String(r.n).padStart(5)} pts  max ${r.worst.toExponential(2)}  (bound ${bound.toExponential(0)}) at ${r.at}`);
  assert.deepEqual(r.bad.slice(0, 5), [], `${r.bad.length} points wrong`);
  assert.ok(r.worst <= bound, `${label}: ${r.worst} > ${bound} at ${r.at}`);
}

const below = (nu: number, x: number) => x <= nu;
const above = (nu: number, x: number) => x > nu;

// Claimed bounds (README.md "Accuracy"): ν ≤ 100 and ν ∈ (100, 1000] separately.
const B = { jy: 1e-14, jyRel: 2e-14, ik: 2e-14, jyLarge: 1e-13, ikLarge: 1e-13, sph: 2e-14, logI: 1e-14, zeros: 1e-15 };

for (const set of ["jy", "jyLarge"] as const) {
  describe(`special sweep (${set === "jy" ? "ν ≤ 100, x ≤ 1000" : "100 < ν ≤ 1000, x ≤ 3000"}): J, Y, J′, Y′ against mpmath`, () => {
    const g = W[set];
    const envJY = (k: number) => Math.hypot(g.J[k] ?? 0, g.Y[k] ?? 0);
    const envP = (k: number) => Math.hypot(g.Jp[k] ?? 0, g.Yp[k] ?? 0);
    const bRel = set === "jy" ? B.jyRel : B.jyLarge;
    const bEnv = set === "jy" ? B.jy : B.jyLarge;
    const cases: [string, string, F, (k: number) => number, number][] = [
      ["J", "J", S.besselJ, envJY, -Infinity], ["Y", "Y", S.besselY, envJY, -Infinity],
      ["J′", "Jp", S.besselJPrime, envP, Infinity], ["Y′", "Yp", S.besselYPrime, envP, Infinity],
    ];
    for (const [name, key, f, env, inf] of cases) {
      it(`${name}: relative where x ≤ ν, of the envelope where x > ν`, () => {
        claim(`${name} x ≤ ν (relative)`, measure(g.nu, g.x, g[key], f, { where: below, inf }), bRel);
        claim(`${name} x > ν (envelope)`, measure(g.nu, g.x, g[key], f, { env, where: above, inf }), bEnv);
      });
    }
  });
}

for (const set of ["ik", "ikLarge"] as const) {
  describe(`special sweep (${set === "ik" ? "ν ≤ 100, x ≤ 1e4" : "100 < ν ≤ 1000, x ≤ 3000"}): I, K and scaled forms`, () => {
    const g = W[set];
    const b = set === "ik" ? B.ik : B.ikLarge;
    it("relative error", () => {
      claim("I", measure(g.nu, g.x, g.I, S.besselI, {}), b);
      claim("K", measure(g.nu, g.x, g.K, S.besselK, {}), b);
      claim("e^{-x} I", measure(g.nu, g.x, g.Ie, S.besselIScaled, {}), b);
      claim("e^{x} K", measure(g.nu, g.x, g.Ke, S.besselKScaled, {}), b);
    });
  });
}

describe("special sweep: spherical j, y (ℓ ≤ 100), log I and I_{ν+1}/I_ν (ν ≤ 1000), zeros (k ≤ 100)", () => {
  it("spherical j_ℓ, y_ℓ: relative where x ≤ ℓ + ½, of the envelope beyond", () => {
    const s = W.spherical;
    const env = (k: number) => Math.hypot(s.j[k] ?? 0, s.y[k] ?? 0);
    const turning = (l: number) => l + 0.5;
    claim("j_ℓ", measure(s.l, s.x, s.j, S.sphericalJ, { env, turning }), B.sph);
    claim("y_ℓ", measure(s.l, s.x, s.y, S.sphericalY, { env, turning, inf: -Infinity }), B.sph);
  });
  it("log I_ν (relative to max(|log I|, 1)) and the ratio I_{ν+1}/I_ν", () => {
    const l = W.logI;
    claim("log I", measure(l.nu, l.x, l.logI, S.logBesselI, { log: true }), B.logI);
    claim("I_{ν+1}/I_ν", measure(l.nu, l.x, l.ratio, S.besselIRatio, {}), B.logI);
  });
  it("zeros of J_ν and J′_ν, k = 1…100 (relative)", () => {
    const z = W.zeros;
    let worst = 0, at = "";
    z.nu.forEach((nu: number, i: number) => {
      const j = S.besselJZeros(nu, z.n);
      const jp = S.besselJPrimeZeros(nu, z.n, { includeZero: true });
      for (let k = 0; k < z.n; k++) {
        for (const [got, ref, what] of [[j[k]!, z.J[i][k], "J"], [jp[k]!, z.Jp[i][k], "J′"]] as [number, number, string][]) {
          const e = Math.abs(got - ref) / Math.max(ref, 1);
          if (!(e <= worst)) { worst = e; at = `${what} ν=${nu} k=${k + 1}: ${got} vs ${ref}`; }
        }
      }
    });
    claim("zeros", { worst, at, n: 2 * z.nu.length * z.n, bad: [] }, B.zeros);
  });
});

describe("special: no NaN from non-NaN input (overflow/underflow paths, issue #16)", () => {
  const fns: [string, F, boolean][] = [
    ["besselJ", S.besselJ, false], ["besselY", S.besselY, false], ["besselI", S.besselI, false],
    ["besselK", S.besselK, false], ["besselIScaled", S.besselIScaled, false], ["besselKScaled", S.besselKScaled, false],
    ["logBesselI", S.logBesselI, false], ["besselIRatio", S.besselIRatio, false], ["besselJPrime", S.besselJPrime, false],
    ["besselYPrime", S.besselYPrime, false], ["sphericalJ", S.sphericalJ, true], ["sphericalY", S.sphericalY, true],
  ];
  const nus = [0, 1e-10, 0.3, 1, 2.5, 20, 90, 99.5, 150, 300, 1000, 2946, 1e4, 99999.5, 1e5, 1e6, 1e15, 1e300];
  const xs = [5e-324, 1e-320, 1e-310, 1e-300, 1e-100, 1e-20, 1e-6, 0.01, 1, 10, 100, 713, 3385, 1e5, 1e6, 1e15, 1e300, 1.7e308];
  for (const [name, f, integer] of fns) {
    it(`${name}: a number or ±∞ (or a DomainError) on ${nus.length * xs.length * 4} extreme inputs, quickly`, () => {
      const t0 = Date.now();
      const nan: string[] = [];
      for (const s of [1, -1]) for (const nu0 of nus) for (const x0 of xs) for (const t of [1, -1]) {
        const nu = integer ? Math.round(nu0) : s * nu0;
        const x = t * x0;
        try {
          const v = f(nu, x);
          if (Number.isNaN(v)) nan.push(`${name}(${nu}, ${x})`);
        } catch (e) {
          // orders beyond 1e5 are refused (the recurrences would take O(ν) steps): a DomainError
          assert.ok(e instanceof DomainError && e instanceof BesselbookError, `${name}(${nu}, ${x}) threw ${e}`);
        }
      }
      assert.deepEqual(nan.slice(0, 8), []);
      assert.ok(Date.now() - t0 < 20000, "extreme inputs must not take O(ν) = 1e15 steps");
    });
  }
  it("the reported cases: Y′ where it overflows is +∞, the I ratio at tiny x is x/(2(ν+1))", () => {
    for (const [nu, x] of [[90, 0.01], [20, 1e-20], [300, 1], [0.5, 1e-320]]) assert.equal(S.besselYPrime(nu!, x!), Infinity);
    assert.equal(S.besselIRatio(3, 1e-320), 1e-320 / 8);
    // just below overflow, Y′ ≈ −Y_{ν+1}/2 is finite although Y_{ν+1} is not
    const nu = 170, x0 = 3; // find x where Y_{ν+1} = −∞ but Y′ is finite
    let found = false;
    for (let x = x0; x > 1e-3 && !found; x *= 0.999) {
      if (S.besselY(nu + 1, x) === -Infinity && Number.isFinite(S.besselYPrime(nu, x))) found = true;
    }
    assert.ok(found, "no x with Y_{ν+1} = −∞ and a finite Y′_ν: the scaled Y′ path is not used");
  });
});
