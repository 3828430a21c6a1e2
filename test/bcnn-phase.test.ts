/**
 * bcnn.quarterTurnPhaseError and bcnn.phaseLaw (lib/src/bcnn/phase.ts): the phase law of the
 * Fourier–Bessel basis that notebook 04 §4–5 measures, against its definition, with wrong variants
 * that must be caught and bad input that must be refused.
 */
import { strict as assert } from "node:assert";
import { bcnn, data, DomainError, ShapeError } from "besselbook";

const deg = Math.PI / 180;

describe("bcnn: quarterTurnPhaseError", () => {
  it("is at float64 rounding on the sampled bases (K = 3, 5, 7; point and 2×2 sub-grid)", () => {
    for (const K of [3, 5, 7])
      for (const oversample of [1, 2]) {
        const e = bcnn.quarterTurnPhaseError(bcnn.fourierBesselBasis(K, { oversample }));
        assert.ok(e < 1e-12, `K = ${K}, oversample ${oversample}: ${e}`);
      }
  });

  it("catches a conjugated basis (phase e^{−iνπ/2}) and a mirrored grid", () => {
    const B = bcnn.fourierBesselBasis(5, { oversample: 2 });
    const conj = { ...B, im: B.im.map((v) => -v) };
    // ν = 1: |e^{iπ/2} − e^{−iπ/2}| = 2 times |ψ| of order 0.3 at the rim
    assert.ok(bcnn.quarterTurnPhaseError(conj) > 0.1, "conjugate basis");
    const K = 5,
      M = B.modes.length;
    const mirror = { ...B, re: new Float64Array(B.re.length), im: new Float64Array(B.im.length) };
    for (let r = 0; r < K; r++)
      for (let c = 0; c < K; c++)
        for (let m = 0; m < M; m++) {
          // left–right mirror: pixel (r, c) takes the value of (r, K − 1 − c)
          mirror.re[(r * K + c) * M + m] = B.re[(r * K + K - 1 - c) * M + m];
          mirror.im[(r * K + c) * M + m] = B.im[(r * K + K - 1 - c) * M + m];
        }
    assert.ok(bcnn.quarterTurnPhaseError(mirror) > 0.1, "mirrored grid");
    // ν = 0 and ν = 4 modes alone are unchanged by both slips (e^{iνπ/2} = ±1 real): only the
    // orders with an imaginary quarter-turn phase detect them, which K = 5's ν = 1, 2, 3 provide
    const only04 = B.modes.map((m, i) => [m, i] as const).filter(([m]) => m.nu === 0 || m.nu === 4);
    const sub = (src: Float64Array) =>
      Float64Array.from(
        { length: K * K * only04.length },
        (_, t) => src[Math.floor(t / only04.length) * M + only04[t % only04.length][1]],
      );
    const conj04 = {
      kernelSize: K,
      modes: only04.map(([m]) => m),
      re: sub(conj.re),
      im: sub(conj.im),
    };
    assert.ok(bcnn.quarterTurnPhaseError(conj04) < 1e-12, "ν ∈ {0, 4}: conjugation is invisible");
  });

  it("refuses malformed bases with typed errors naming the field", () => {
    const B = bcnn.fourierBesselBasis(5);
    assert.throws(
      () => bcnn.quarterTurnPhaseError({ ...B, re: B.re.slice(1) }),
      (e: Error) => e instanceof ShapeError && /basis\.re/.test(e.message),
    );
    assert.throws(
      () => bcnn.quarterTurnPhaseError({ ...B, im: new Float64Array(3) }),
      (e: Error) => e instanceof ShapeError && /basis\.im/.test(e.message),
    );
    assert.throws(
      () => bcnn.quarterTurnPhaseError({ ...B, modes: [] }),
      (e: Error) => e instanceof DomainError && /basis\.modes/.test(e.message),
    );
    assert.throws(
      () => bcnn.quarterTurnPhaseError({ ...B, kernelSize: 2.5 }),
      (e: Error) => e instanceof DomainError && /kernelSize/.test(e.message),
    );
    assert.throws(() => bcnn.quarterTurnPhaseError(null as never), DomainError);
    const nan = { ...B, re: B.re.map((v, i) => (i === 7 ? NaN : v)) };
    assert.throws(
      () => bcnn.quarterTurnPhaseError(nan),
      (e: Error) => e instanceof DomainError && /NaN/.test(e.message),
    );
  });
});

describe("bcnn: phaseLaw", () => {
  const modes = bcnn.besselModes(6);
  // synthetic coefficients: a fixed c(0) turned by e^{sign·iνα}
  const c0re = modes.map((_, i) => Math.cos(1.3 * i + 0.2) * (1 + (i % 3)));
  const c0im = modes.map((_, i) => Math.sin(0.7 * i - 0.4) * (1 + (i % 2)));
  const turned = (sign: number) => (a: number) => ({
    re: modes.map(
      (m, i) =>
        Math.cos(sign * m.nu * a * deg) * c0re[i] - Math.sin(sign * m.nu * a * deg) * c0im[i],
    ),
    im: modes.map(
      (m, i) =>
        Math.sin(sign * m.nu * a * deg) * c0re[i] + Math.cos(sign * m.nu * a * deg) * c0im[i],
    ),
  });
  const angles = Array.from({ length: 25 }, (_, i) => 15 * i);

  it("exact e^{−iνα} coefficients: zero deviation and unwrapped phases on the lines −να (beyond ±π)", () => {
    const law = bcnn.phaseLaw(turned(-1), modes, angles, { orders: [1, 2, 3] });
    assert.equal(law.relErrors.length, angles.length);
    assert.ok(Math.max(...law.relErrors) < 1e-14, `max deviation ${Math.max(...law.relErrors)}`);
    law.strongest.forEach(({ nu }, s) => {
      law.phases[s].forEach((ph, k) => {
        assert.ok(
          Math.abs(ph + nu * angles[k] * deg) < 1e-12,
          `ν = ${nu}, α = ${angles[k]}°: ${ph}`,
        );
      });
    });
    // at 360° order 3 has turned by −6π: without unwrapping it would read ≈ 0
    assert.ok(law.phases[2][24] < -6 * Math.PI + 1e-9);
  });

  it("the wrong sign e^{+iνα} is caught (deviation of order 1) and its phases run upwards", () => {
    const law = bcnn.phaseLaw(turned(+1), modes, angles, { orders: [1, 2, 3] });
    assert.ok(Math.max(...law.relErrors) > 0.5, `max deviation ${Math.max(...law.relErrors)}`);
    assert.ok(law.phases[0][6] > 0, "ν = 1 at 90° turned +π/2");
  });

  it("follows the strongest coefficient of each order; default orders are all ν > 0 present", () => {
    const law = bcnn.phaseLaw(turned(-1), modes, [0, 30]);
    const orders = [...new Set(modes.filter((m) => m.nu > 0).map((m) => m.nu))].sort(
      (a, b) => a - b,
    );
    assert.deepEqual(
      law.strongest.map((s) => s.nu),
      orders,
    );
    for (const { nu, i } of law.strongest) {
      const mags = modes.map((m, k) => (m.nu === nu ? Math.hypot(c0re[k], c0im[k]) : -1));
      assert.equal(i, mags.indexOf(Math.max(...mags)), `ν = ${nu}`);
    }
  });

  it("on a rendered glyph: exact at quarter turns (pixel permutation), ≈ 1e-5 elsewhere", () => {
    const size = 28;
    const coeffs = (a: number) =>
      bcnn.besselCoefficients(
        data.renderGlyph("blob-pair", { size, angle: a * deg, scale: 0.9 }),
        size,
        size,
        modes,
      );
    const law = bcnn.phaseLaw(coeffs, modes, [0, 37, 90, 180], { orders: [1, 2] });
    assert.ok(law.relErrors[2] < 1e-6 && law.relErrors[3] < 1e-6, `quarter turns ${law.relErrors}`);
    // notebook 04 measured ≈3e-5 at 15° steps; a wrong phase would be O(1)
    assert.ok(law.relErrors[1] < 1e-3 && law.relErrors[1] > 0, `37°: ${law.relErrors[1]}`);
  });

  it("refuses bad input with typed errors naming the argument", () => {
    const f = turned(-1);
    assert.throws(
      () => bcnn.phaseLaw(f, modes, []),
      (e: Error) => e instanceof DomainError && /anglesDeg/.test(e.message),
    );
    assert.throws(
      () => bcnn.phaseLaw(f, modes, [0, NaN]),
      (e: Error) => e instanceof DomainError && /anglesDeg/.test(e.message),
    );
    assert.throws(
      () => bcnn.phaseLaw(f, [], [0]),
      (e: Error) => e instanceof DomainError && /modes/.test(e.message),
    );
    assert.throws(
      () => bcnn.phaseLaw(f, modes, [0], { orders: [9] }),
      (e: Error) => e instanceof DomainError && /orders/.test(e.message),
    );
    assert.throws(
      () => bcnn.phaseLaw(() => ({ re: [1], im: [0] }), modes, [0]),
      (e: Error) => e instanceof ShapeError && /coeffsAt/.test(e.message),
    );
    const zero = () => ({ re: modes.map(() => 0), im: modes.map(() => 0) });
    assert.throws(
      () => bcnn.phaseLaw(zero, modes, [0]),
      (e: Error) => e instanceof DomainError && /norm/.test(e.message),
    );
    assert.throws(
      () => bcnn.phaseLaw("f" as never, modes, [0]),
      (e: Error) => e instanceof DomainError && /coeffsAt/.test(e.message),
    );
  });
});
