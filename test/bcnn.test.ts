import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { bcnn, data, DomainError, init, ShapeError } from "besselbook";

const { BesselConv2D, PlainConv2D } = bcnn;

/** Smooth analytic glyph rendered at an exact angle (degrees), as [1, size, size, 1]. */
function glyph(deg: number, shape: data.GlyphShape = "blob-pair", size = 28): tf.Tensor4D {
  return tf.tensor4d(data.renderGlyph(shape, { size, angle: (deg * Math.PI) / 180, scale: 0.9 }), [
    1,
    size,
    size,
    1,
  ]);
}

function randomImages(n: number, size: number, c: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, size, size, c], 0, 1, "float32", seed) as tf.Tensor4D;
}

describe("bcnn: Fourier–Bessel basis", () => {
  it("has the paper's basis sizes for K = 3, 5, 7, 9, 11 (k ≤ πK/2)", () => {
    assert.deepEqual(
      [3, 5, 7, 9, 11].map((K) => bcnn.basisSize(K)),
      [5, 11, 20, 32, 44],
    );
    // ν_max grows with K: K = 3 → 3, K = 5 → 6 (so 2(ν_max+1) = 8, 14 real convolutions).
    assert.equal(bcnn.fourierBesselBasis(3).nuMax, 3);
    assert.equal(bcnn.fourierBesselBasis(5).nuMax, 6);
  });

  it("uses zeros of J′_ν as wavenumbers (A&S values) and k = 0 for the constant mode", () => {
    const modes = bcnn.besselModes(bcnn.defaultKMax(5));
    const k = (nu: number, j: number) => modes.find((m) => m.nu === nu && m.j === j)!.k;
    assert.equal(k(0, 0), 0);
    assert.ok(Math.abs(k(0, 1) - 3.831705970207512) < 1e-10);
    assert.ok(Math.abs(k(1, 0) - 1.841183781340659) < 1e-10);
    assert.ok(Math.abs(k(1, 1) - 5.331442773525033) < 1e-10);
    assert.ok(Math.abs(k(2, 0) - 3.05423692822714) < 1e-10);
    assert.ok(Math.abs(k(2, 1) - 6.706133194158459) < 1e-10);
    // Closed-form normaliser of the constant mode: A² = π.
    assert.ok(Math.abs(modes[0].norm - Math.sqrt(Math.PI)) < 1e-15);
  });

  it("is orthonormal on the unit disk (fine polar grid, 44 modes of K = 11)", () => {
    // Midpoint rule with 400 radial points: error O(400⁻²·k²) ≈ 1e-5 for k ≤ 17.3.
    const err = bcnn.orthonormalityError(bcnn.besselModes(bcnn.defaultKMax(11)));
    assert.ok(err < 1e-4, `Gram matrix deviates from I by ${err}`);
    // A wrong normaliser must be caught: drop the (1 − ν²/k²) factor for one mode.
    const modes = bcnn
      .besselModes(bcnn.defaultKMax(5))
      .map((m) =>
        m.nu === 2 && m.j === 0 ? { ...m, norm: m.norm / Math.sqrt(1 - 4 / (m.k * m.k)) } : m,
      );
    assert.ok(bcnn.orthonormalityError(modes) > 0.1);
  });

  it("sampled on the K×K grid, ψ(R₉₀ p) = e^{iνπ/2} ψ(p) exactly", () => {
    for (const oversample of [1, 2]) {
      const worst = bcnn.quarterTurnPhaseError(bcnn.fourierBesselBasis(5, { oversample }));
      assert.ok(worst < 1e-12, `oversample ${oversample}: ${worst}`);
    }
  });

  it("coefficients of a rotated glyph pick up the phase e^{−iνα}", () => {
    const modes = bcnn.besselModes(6); // smooth modes only: k ≤ 6 on a 14-pixel radius
    const size = 28;
    const coef = (deg: number) =>
      bcnn.besselCoefficients(
        data.renderGlyph("blob-pair", { size, angle: (deg * Math.PI) / 180, scale: 0.9 }),
        size,
        size,
        modes,
      );
    const c0 = coef(0);
    let scale = 0;
    for (let m = 0; m < modes.length; m++) scale = Math.max(scale, Math.hypot(c0.re[m], c0.im[m]));
    for (const deg of [90, 37]) {
      const c1 = coef(deg);
      const a = (deg * Math.PI) / 180;
      let worst = 0;
      modes.forEach((m, i) => {
        const pr = Math.cos(-m.nu * a),
          pi = Math.sin(-m.nu * a);
        const er = pr * c0.re[i] - pi * c0.im[i];
        const ei = pr * c0.im[i] + pi * c0.re[i];
        worst = Math.max(worst, Math.hypot(c1.re[i] - er, c1.im[i] - ei));
      });
      // 90°: the pixel grid maps onto itself (float32 rendering); 37°: pixel sampling of a smooth
      // glyph.
      const tol = deg === 90 ? 1e-6 : 0.02;
      assert.ok(worst / scale < tol, `${deg}°: relative phase error ${worst / scale}`);
    }
  });

  it("rejects bad arguments with RangeError naming them", () => {
    assert.throws(
      () => bcnn.fourierBesselBasis(4),
      (e: Error) => e instanceof RangeError && /kernelSize/.test(e.message),
    );
    assert.throws(() => bcnn.basisSize(0), RangeError);
    assert.throws(
      () => bcnn.besselModes(-1),
      (e: Error) => e instanceof RangeError && /kMax/.test(e.message),
    );
    assert.throws(
      () => bcnn.besselCoefficients(new Float32Array(10), 3, 3, []),
      (e: Error) => e instanceof RangeError && /image.length/.test(e.message),
    );
  });
});

describe("bcnn: rotations", () => {
  before(async () => {
    await init({ quiet: true });
  });

  it("rot90 matches numpy's convention and four turns are the identity", () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    assert.deepEqual(Array.from(bcnn.rot90(x).dataSync()), [2, 4, 1, 3]);
    assert.deepEqual(Array.from(bcnn.rot90(x, 4).dataSync()), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(bcnn.rot90(bcnn.rot90(x, 1), -1).dataSync()), [1, 2, 3, 4]);
    assert.throws(() => bcnn.rot90(x, 0.5), RangeError);
  });

  it("rotateArray by 90° equals rot90 exactly, for both interpolations; agrees with data.rot90Image", () => {
    const img = data.renderGlyph("F", { size: 12 });
    const x = tf.tensor4d(img, [1, 12, 12, 1]);
    const ref = Array.from(bcnn.rot90(x).dataSync());
    for (const interp of ["bilinear", "bicubic"] as const) {
      assert.deepEqual(
        Array.from(bcnn.rotateArray(img, [1, 12, 12, 1], Math.PI / 2, undefined, interp)),
        ref,
      );
    }
    assert.deepEqual(Array.from(data.rot90Image(img, 12)), ref);
  });

  it("rotating a smooth glyph by interpolation approaches the analytic rendering (bicubic < bilinear)", () => {
    const x = glyph(0).dataSync() as Float32Array;
    const target = glyph(30).dataSync();
    const err = (interp: "bilinear" | "bicubic") => {
      const r = bcnn.rotateArray(x, [1, 28, 28, 1], Math.PI / 6, undefined, interp);
      let n = 0,
        d = 0;
      for (let i = 0; i < r.length; i++) {
        n += (r[i] - target[i]) ** 2;
        d += target[i] ** 2;
      }
      return Math.sqrt(n / d);
    };
    assert.ok(err("bicubic") < 0.01, `bicubic ${err("bicubic")}`);
    assert.ok(err("bicubic") < err("bilinear"));
  });

  it("rejects a shape mismatch", () => {
    assert.throws(() => bcnn.rotateArray(new Float32Array(5), [1, 2, 2, 1], 1), ShapeError);
    assert.throws(() => bcnn.rotateEach(new Float32Array(8), [2, 2, 2, 1], [1]), ShapeError);
  });
});

describe("bcnn: B-conv layer", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });

  it("is invariant as a field under 90° rotations (≤ 1e-5, float32); a plain conv is not", () => {
    const x = randomImages(2, 16, 3, 1);
    for (const impl of ["conv", "matmul"] as const) {
      for (const response of ["power", "modulus"] as const) {
        const L = new BesselConv2D({ filters: 4, kernelSize: 5, impl, response, seed: 1 });
        const err = bcnn.rot90Error((t) => L.forward(t), x);
        assert.ok(err < 1e-5, `${impl}/${response}: ${err}`);
      }
    }
    const C = new PlainConv2D({ filters: 4, kernelSize: 5, seed: 1 });
    assert.ok(bcnn.rot90Error((t) => C.apply(t) as tf.Tensor, x) > 0.1);
  });

  it("the conv and matmul paths agree", () => {
    const x = randomImages(2, 10, 2, 2);
    const a = new BesselConv2D({ filters: 3, kernelSize: 3, impl: "conv", seed: 5 }).apply(
      x,
    ) as tf.Tensor;
    const b = new BesselConv2D({ filters: 3, kernelSize: 3, impl: "matmul", seed: 5 }).apply(
      x,
    ) as tf.Tensor;
    assert.ok(bcnn.maxRelDiff(b, a) < 1e-5);
    const c = new PlainConv2D({
      filters: 3,
      kernelSize: 5,
      impl: "conv",
      seed: 5,
      padding: "valid",
    }).apply(x) as tf.Tensor;
    const d = new PlainConv2D({
      filters: 3,
      kernelSize: 5,
      impl: "matmul",
      seed: 5,
      padding: "valid",
    }).apply(x) as tf.Tensor;
    assert.deepEqual(c.shape, [2, 6, 6, 3]);
    assert.ok(bcnn.maxRelDiff(d, c) < 1e-5);
  });

  it("matches the formula Σ_ν |Σ_j conj(w) (I ⋆ ψ)|² + b at the centre pixel", () => {
    // One input channel, one output channel, valid padding on a K×K image: a single output pixel.
    const K = 5;
    const L = new BesselConv2D({ filters: 1, kernelSize: K, padding: "valid", seed: 3 });
    const img = data.renderGlyph("P", { size: K, supersample: 2 });
    const out = (L.apply(tf.tensor4d(img, [1, K, K, 1])) as tf.Tensor).dataSync()[0];
    const [wr, wi] = L.getWeights().map((w) => w.dataSync());
    const { re, im, modes } = L.basis;
    const M = modes.length;
    // ν = 0 modes carry no imaginary coefficient (default zeroOrderImag: false): coeff_im lists the
    // others in order.
    const imagRow = new Map<number, number>();
    modes.forEach((m, j) => {
      if (m.nu > 0) imagRow.set(j, imagRow.size);
    });
    assert.equal(wi.length, imagRow.size);
    let expect = 0;
    for (let nu = 0; nu <= L.basis.nuMax; nu++) {
      let sr = 0,
        si = 0;
      modes.forEach((m, j) => {
        if (m.nu !== nu) return;
        // (I ⋆ ψ) = Σ_p I(p) ψ(p); conj(w)·z with w = a + ib.
        let zr = 0,
          zi = 0;
        for (let p = 0; p < K * K; p++) {
          zr += img[p] * re[p * M + j];
          zi += img[p] * im[p * M + j];
        }
        const b = imagRow.has(j) ? wi[imagRow.get(j)!] : 0;
        sr += wr[j] * zr + b * zi;
        si += wr[j] * zi - b * zr;
      });
      expect += sr * sr + si * si;
    }
    assert.ok(Math.abs(out - expect) <= 1e-5 * Math.abs(expect), `${out} vs ${expect}`);
  });

  it("is equivariant to ≈1% under arbitrary angles on a smooth analytic glyph; a plain conv is O(1) off", () => {
    const x = glyph(0);
    const angles = [15, 30, 45, 60, 75];
    const opts = { rotatedInput: (deg: number) => glyph(deg) };
    const L = new BesselConv2D({ filters: 8, kernelSize: 5, oversample: 2, seed: 2 });
    const e = bcnn.equivarianceError((t) => L.apply(t) as tf.Tensor, x, angles, opts);
    // Measured 0.4% (pixel-averaged basis); bicubic resampling of the output alone costs ≈0.3%.
    assert.ok(Math.max(...e.errors) < 0.01, `B-conv errors ${e.errors}`);
    const C = new PlainConv2D({ filters: 8, kernelSize: 5, seed: 2 });
    const ec = bcnn.equivarianceError((t) => C.apply(t) as tf.Tensor, x, angles, opts);
    assert.ok(ec.mean > 0.1, `plain conv ${ec.mean}`);
  });

  it("the reflection-invariant variant commutes with mirror images; the complex one does not", () => {
    const x = randomImages(1, 12, 2, 7);
    const flip = (t: tf.Tensor4D) => tf.reverse(t, 2) as tf.Tensor4D;
    const R = new BesselConv2D({ filters: 4, kernelSize: 5, reflectionInvariant: true, seed: 4 });
    const C = new BesselConv2D({ filters: 4, kernelSize: 5, seed: 4 });
    const fr = (t: tf.Tensor4D) => R.apply(t) as tf.Tensor4D;
    const fc = (t: tf.Tensor4D) => C.apply(t) as tf.Tensor4D;
    assert.ok(bcnn.maxRelDiff(fr(flip(x)), flip(fr(x))) < 1e-5);
    assert.ok(bcnn.maxRelDiff(fc(flip(x)), flip(fc(x))) > 0.01);
    assert.equal(R.countParams(), 11 * 2 * 4 + 4);
    // Complex: 11 real coefficients + 8 imaginary ones (the three ν = 0 modes have none) per
    // channel pair.
    assert.equal(C.countParams(), (11 + 8) * 2 * 4 + 4);
    // The override agrees with tfjs's own count of the built weights (Layer.countParams).
    const tfjsCount = (l: tf.layers.Layer) => tf.layers.Layer.prototype.countParams.call(l);
    assert.equal(tfjsCount(R), R.countParams());
    assert.equal(tfjsCount(C), C.countParams());
    const P = new bcnn.PlainConv2D({ filters: 3, kernelSize: 3, seed: 1 });
    const G = new bcnn.C4Conv2D({ filters: 2, kernelSize: 3, lifting: true, seed: 1 });
    P.apply(x);
    G.apply(x);
    assert.deepEqual([tfjsCount(P), tfjsCount(G)], [P.countParams(), G.countParams()]);
    assert.deepEqual([P.countParams(), G.countParams()], [3 * 3 * 2 * 3 + 3, 3 * 3 * 2 * 2 + 2]);
  });

  it("passes a finite-difference gradient check (the output is quadratic in the coefficients)", () => {
    const L = new BesselConv2D({ filters: 2, kernelSize: 3, seed: 9 });
    const x = randomImages(1, 6, 2, 3);
    L.apply(x);
    const probe = tf.randomNormal([1, 6, 6, 2], 0, 1, "float32", 11);
    const weights = L.getWeights();
    const loss = () => tf.sum(tf.mul(L.apply(x) as tf.Tensor, probe)) as tf.Scalar;
    const vars = L.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(loss, vars);
    const h = 1e-2;
    let worst = 0,
      scale = 0;
    vars.forEach((v, vi) => {
      const g = grads[v.name].dataSync();
      const base = weights[vi].dataSync().slice();
      for (const i of new Set([0, 1, 5, base.length - 1].filter((k) => k < base.length))) {
        const bump = (d: number) => {
          const w = base.slice();
          w[i] += d;
          v.assign(tf.tensor(w, v.shape));
          return loss().dataSync()[0];
        };
        // Central differences are exact for a quadratic; what remains is float32 rounding of the
        // loss.
        const fd = (bump(h) - bump(-h)) / (2 * h);
        v.assign(tf.tensor(base, v.shape));
        worst = Math.max(worst, Math.abs(fd - g[i]));
        scale = Math.max(scale, Math.abs(g[i]));
        assert.ok(Number.isFinite(g[i]));
      }
    });
    assert.ok(worst <= 2e-3 * scale, `max |fd − grad| = ${worst}, max |grad| = ${scale}`);
  });

  it("rejects bad configs and inputs", () => {
    assert.throws(
      () => new BesselConv2D({ filters: 0, kernelSize: 5 }),
      (e: Error) => e instanceof RangeError && /filters/.test(e.message),
    );
    assert.throws(
      () => new BesselConv2D({ filters: 2, kernelSize: 4 }),
      (e: Error) => e instanceof RangeError && /kernelSize/.test(e.message),
    );
    assert.throws(
      () => new BesselConv2D({ filters: 2, kernelSize: 3, impl: "fft" as never }),
      RangeError,
    );
    const L = new BesselConv2D({ filters: 2, kernelSize: 3 });
    L.apply(randomImages(1, 6, 2, 1));
    assert.throws(() => L.apply(randomImages(1, 6, 3, 1)), ShapeError);
    // kMax is bounded by πK (200 would give thousands of modes on 25 pixels).
    assert.throws(
      () => new BesselConv2D({ filters: 2, kernelSize: 5, kMax: 200 }),
      (e: Error) => e instanceof RangeError && /kMax/.test(e.message),
    );
    assert.throws(() => bcnn.fourierBesselBasis(5, { kMax: 5 * Math.PI + 0.01 }), RangeError);
    assert.throws(
      () => new BesselConv2D({ filters: 2, kernelSize: 5, basis: "nyquist", kMax: 3 }),
      RangeError,
    );
    assert.throws(
      () => new BesselConv2D({ filters: 2, kernelSize: 5, basis: "fancy" as never }),
      (e: Error) => e instanceof RangeError && /policy/.test(e.message),
    );
    assert.throws(
      () => new PlainConv2D({ filters: 2, kernelSize: 5, padding: "full" as never }),
      (e: Error) => e instanceof RangeError && /padding/.test(e.message),
    );
    // valid padding with an input smaller than K: a ShapeError on both paths, not a raw tfjs error.
    for (const impl of ["conv", "matmul"] as const) {
      const V = new BesselConv2D({ filters: 2, kernelSize: 5, padding: "valid", impl });
      assert.throws(
        () => V.apply(randomImages(1, 4, 1, 1)),
        (e: Error) => e instanceof ShapeError && /valid 5×5/.test(e.message),
      );
      const P = new PlainConv2D({ filters: 2, kernelSize: 5, padding: "valid", impl });
      assert.throws(() => P.apply(randomImages(1, 3, 1, 1)), ShapeError);
    }
  });

  it("has 83 parameters per channel pair at K = 11 (no ν = 0 imaginary coefficient) and drops the zero ν = 0 imaginary channel", () => {
    const L = new BesselConv2D({ filters: 1, kernelSize: 11 });
    assert.equal(L.countParams(1), 83);
    const L2 = new BesselConv2D({ filters: 1, kernelSize: 11, zeroOrderImag: true });
    assert.equal(L2.countParams(1), 89);
    // K = 5, paper basis: orders 0…6 → 1 + 2·6 = 13 real response channels (14 with zeroOrderImag).
    assert.equal(new BesselConv2D({ filters: 1, kernelSize: 5 }).channels.length, 13);
    assert.equal(
      new BesselConv2D({ filters: 1, kernelSize: 5, zeroOrderImag: true }).channels.length,
      14,
    );
    // zeroOrderImag keeps invariance (the extra ν = 0 response is a second real isotropic filter).
    const x = randomImages(1, 12, 1, 4);
    assert.ok(bcnn.rot90Error((t) => L2.apply(t) as tf.Tensor, x) < 1e-5);
  });

  it("orderPower: per-order fields sum to the power output; ν = 0 dominates the energy, higher orders steer worse", () => {
    const L = new BesselConv2D({
      filters: 8,
      kernelSize: 5,
      oversample: 2,
      seed: 2021,
      useBias: false,
    });
    const x = glyph(0);
    const total = tf.tidy(() => tf.sum(L.orderPower(x), 3));
    assert.ok(bcnn.maxRelDiff(total, L.forward(x)) < 1e-5);
    total.dispose();
    const rows = bcnn.orderEquivariance(L, x, [45], { rotatedInput: (d) => glyph(d) });
    assert.deepEqual(
      rows.map((r) => r.nu),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.ok(Math.abs(rows.reduce((s, r) => s + r.energyShare, 0) - 1) < 1e-6);
    assert.ok(rows[0].energyShare > 0.5, `ν = 0 share ${rows[0].energyShare}`);
    // Measured (seed 2021): ν = 0 0.4%, ν = 3 83%. A 10× gap is what the ν = 0-dominated total
    // hides.
    assert.ok(rows[3].mean > 10 * rows[0].mean, `ν3 ${rows[3].mean} vs ν0 ${rows[0].mean}`);
  });

  it("the steerable basis round-trips through its config and keeps exact quarter-turn invariance", () => {
    const L = new BesselConv2D({
      filters: 3,
      kernelSize: 5,
      oversample: 2,
      basis: "steerable",
      steerTol: 0.1,
      seed: 1,
    });
    assert.deepEqual(L.basis.orders, [0, 1, 2]);
    assert.equal(L.channels.length, 5);
    const x = randomImages(1, 12, 2, 3);
    assert.ok(bcnn.rot90Error((t) => L.apply(t) as tf.Tensor, x) < 1e-5);
    const cfg = L.getConfig();
    assert.equal(cfg.basis, "steerable");
    const L2 = BesselConv2D.fromConfig(BesselConv2D, cfg) as InstanceType<typeof BesselConv2D>;
    assert.deepEqual(
      L2.basis.modes.map((m) => `${m.nu}/${m.j}`),
      L.basis.modes.map((m) => `${m.nu}/${m.j}`),
    );
  });
});

describe("bcnn: per-mode steering and basis policies", () => {
  it("quarter turns steer every sampled mode exactly (float64)", () => {
    const r = bcnn.modeSteering(5, { anglesDeg: [90, 180, 270], sampling: "point" });
    assert.ok(Math.max(...r.map((m) => m.max)) < 1e-12);
  });

  it("point samples do not steer ν = 2; a 2×2 sub-grid mean does (K = 5, 45°)", () => {
    const at = (sampling: "point" | "oversampled" | "integrated", nu: number) =>
      bcnn.modeSteering(5, { sampling, anglesDeg: [45] }).find((m) => m.nu === nu && m.j === 0)!
        .max;
    // Measured: point 52%, oversampled 3%, integrated 4% for ν = 2; ν = 4 stays ≥ 100% with all
    // three.
    assert.ok(at("point", 2) > 0.3);
    assert.ok(at("oversampled", 2) < 0.1);
    assert.ok(at("integrated", 2) < 0.1);
    assert.ok(at("integrated", 4) > 0.5);
    // ν = 1 under a wrong phase e^{−iνα} would be off by |e^{iπ/4} − e^{−iπ/4}| = 141%; the right
    // one is ~0.
    assert.ok(at("integrated", 1) < 0.02);
  });

  it("flags the paper's modes above the grid's Nyquist bound π(K−1)/2: 4 of 11 at K = 5", () => {
    const r = bcnn.modeSteering(5);
    assert.equal(r.length, 11);
    assert.deepEqual(
      r.filter((m) => m.aliased).map((m) => `${m.nu}/${m.j}`),
      ["0/2", "2/1", "5/0", "6/0"],
    );
    assert.ok(Math.abs(bcnn.nyquistKMax(5) - 2 * Math.PI) < 1e-15);
  });

  it("policies: paper 11 modes, nyquist 7, steerable (2×2 sub-grid, 10%) 5 modes of orders 0–2", () => {
    assert.equal(bcnn.policyModes(5, "paper").length, 11);
    const nyq = bcnn.policyModes(5, "nyquist");
    assert.equal(nyq.length, 7);
    assert.ok(nyq.every((m) => m.k <= bcnn.nyquistKMax(5)));
    const st = bcnn.policyModes(5, "steerable", { oversample: 2 });
    assert.deepEqual(
      st.map((m) => `${m.nu}/${m.j}`),
      ["0/0", "0/1", "1/0", "1/1", "2/0"],
    );
    assert.throws(() => bcnn.policyModes(5, "steerable", { steerTol: -1 }), RangeError);
    // point samples on a 5×5 grid: no ν > 0 mode steers within 10%, so the policy refuses
    assert.throws(
      () => bcnn.policyModes(5, "steerable"),
      (e: Error) => e instanceof DomainError && /oversample/.test(e.message),
    );
    assert.throws(
      () => new BesselConv2D({ filters: 2, kernelSize: 5, basis: "steerable" }),
      /oversample/,
    );
    // modes beyond πK, malformed modes and absurd angles are refused, not turned into NaN
    assert.throws(
      () => bcnn.modeSteering(5, { modes: bcnn.besselModes(40) }),
      (e: Error) => e instanceof DomainError && /modes/.test(e.message),
    );
    const good = bcnn.besselModes(bcnn.defaultKMax(5));
    assert.throws(() => bcnn.modeSteering(5, { modes: [{ ...good[1], norm: NaN }] }), /modes/);
    assert.throws(() => bcnn.modeSteering(5, { anglesDeg: [1e308] }), /anglesDeg/);
    assert.ok(
      bcnn.modeSteering(5, { modes: good, nInputs: 8 }).every((m) => Number.isFinite(m.max)),
    );
    const base = bcnn.defaultBcnnSpec();
    for (const t of [NaN, -5, 0])
      assert.throws(
        () => bcnn.scaledToParams(base, t),
        (e: Error) => e instanceof DomainError && /target/.test(e.message),
      );
    assert.throws(
      () => bcnn.modeSteering(4),
      (e: Error) => e instanceof RangeError && /kernelSize/.test(e.message),
    );
    assert.throws(
      () => bcnn.modeSteering(5, { anglesDeg: [NaN] }),
      (e: Error) => e instanceof RangeError && /anglesDeg/.test(e.message),
    );
    assert.throws(() => bcnn.modeSteering(5, { sigma: 0 }), RangeError);
  });
});

describe("bcnn: metrics leave the caller's tensors alone", () => {
  before(async () => {
    await init({ quiet: true });
  });
  it("an identity f does not dispose the input (equivarianceError, invarianceError, rot90Error, paper metric)", () => {
    const x = glyph(0);
    const id = (t: tf.Tensor4D) => t;
    bcnn.equivarianceError(id, x, [45]);
    bcnn.invarianceError(id, x, [45]);
    bcnn.rot90Error(id, x);
    bcnn.paperEquivarianceError(id, x, [45]);
    assert.equal(x.isDisposed, false);
    assert.equal(x.dataSync().length, 28 * 28);
    x.dispose();
  });
  it("the paper-style metric is 0 for an exactly rotated pointwise map at 90° and > 0 for a plain conv at 45°", () => {
    const x = glyph(0);
    const sq = (t: tf.Tensor4D) => tf.square(t);
    assert.ok(
      bcnn.paperEquivarianceError(sq, x, [90], { rotatedInput: (d) => glyph(d) }).mean < 1e-6,
    );
    const C = new PlainConv2D({ filters: 8, kernelSize: 5, seed: 1 });
    assert.ok(
      bcnn.paperEquivarianceError((t) => C.apply(t) as tf.Tensor, x, [45], {
        rotatedInput: (d) => glyph(d),
      }).mean > 0.05,
    );
  });
  it("C4 fields: with orientation blocks cycled (c4Field) a C4 layer is exactly equivariant at 90° and 180°; without, it is not", () => {
    const x = randomImages(2, 28, 1, 5);
    const L = new bcnn.C4Conv2D({ filters: 3, kernelSize: 5, lifting: true, seed: 2 });
    const f = (t: tf.Tensor4D) => L.apply(t) as tf.Tensor;
    const rot = { rotatedInput: (d: number) => bcnn.rot90(x, d / 90) };
    for (const metric of [bcnn.equivarianceError, bcnn.paperEquivarianceError]) {
      const cyc = metric(f, x, [90, 180, 270], { ...rot, c4Field: true });
      const raw = metric(f, x, [90, 180], rot);
      assert.ok(Math.max(...cyc.errors) < 1e-5, `cycled: ${cyc.errors}`);
      assert.ok(Math.min(...raw.errors) > 0.05, `not cycled: ${raw.errors}`);
    }
    // 90° and 270° both pass only if the cycle runs in the right direction (180° would not tell)
    x.dispose();
  });
  it("bad metric arguments give a DomainError naming the argument, not a confident number", () => {
    const x = glyph(0);
    const sq = (t: tf.Tensor4D) => tf.square(t);
    const L = new BesselConv2D({ filters: 2, kernelSize: 5, oversample: 2, seed: 3 });
    L.apply(x);
    for (const [name, fn] of [
      ["equivarianceError", () => bcnn.equivarianceError(sq, x, [])],
      ["invarianceError", () => bcnn.invarianceError(sq, x, [])],
      ["paperEquivarianceError", () => bcnn.paperEquivarianceError(sq, x, [])],
      ["orderEquivariance", () => bcnn.orderEquivariance(L, x, [])],
    ] as [string, () => unknown][]) {
      assert.throws(
        fn,
        (e: Error) => e instanceof DomainError && /anglesDeg/.test(e.message),
        name,
      );
    }
    assert.throws(() => bcnn.equivarianceError(sq, x, [NaN]), /anglesDeg/);
    assert.throws(
      () => bcnn.paperEquivarianceError(sq, x, [45], { topMaps: 0 }),
      (e: Error) => e instanceof DomainError && /topMaps/.test(e.message),
    );
    const bad = tf.fill([1, 28, 28, 1], NaN) as tf.Tensor4D;
    assert.throws(
      () => bcnn.equivarianceError(sq, bad, [45]),
      (e: Error) => e instanceof DomainError && /argument x/.test(e.message),
    );
    bad.dispose();
    // a shape mismatch does not leak f(R x)
    const before = tf.memory().numTensors;
    let calls = 0;
    const shrink = (t: tf.Tensor4D) =>
      calls++ === 0 ? tf.square(t) : tf.slice(t, [0, 0, 0, 0], [1, 27, 28, 1]);
    assert.throws(() => bcnn.equivarianceError(shrink, x, [45]), ShapeError);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
  it("a dead (all-zero) reference map is refused or left out and counted, never scored as error 0", () => {
    const x = glyph(0);
    const dead = (t: tf.Tensor4D) => tf.zerosLike(t);
    assert.throws(
      () => bcnn.equivarianceError(dead, x, [45]),
      (e: Error) => e instanceof DomainError && /all zeros/.test(e.message),
    );
    assert.throws(
      () => bcnn.invarianceError(dead, x, [45]),
      (e: Error) => e instanceof DomainError && /all zeros/.test(e.message),
    );
    assert.throws(
      () => bcnn.paperEquivarianceError(dead, x, [45]),
      (e: Error) => e instanceof DomainError && /constant/.test(e.message),
    );
    // one live channel and one dead: the dead one is excluded (counted), the live one scored
    const half = (t: tf.Tensor4D) => tf.concat([tf.square(t), tf.zerosLike(t)], 3);
    const r = bcnn.paperEquivarianceError(half, x, [45], { rotatedInput: (d) => glyph(d) });
    assert.equal(r.excluded, 1);
    assert.ok(r.errors[0]! > 0 && Number.isFinite(r.errors[0]!), `${r.errors}`);
    x.dispose();
  });
});

describe("bcnn: models, training, cache", function () {
  this.timeout(300000);
  const spec: bcnn.NetSpec = {
    kind: "bcnn",
    inputShape: [12, 12, 1],
    widths: [4, 6],
    kernelSizes: [5, 3],
    pool: [true, false],
    classes: 3,
    seed: 1,
  };
  let cacheRoot = "";
  before(async () => {
    await init({ quiet: true });
    cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), "bcnn-cache-"));
    process.env.BESSELBOOK_CACHE = cacheRoot;
  });
  after(() => {
    delete process.env.BESSELBOOK_CACHE;
    fs.rmSync(cacheRoot, { recursive: true, force: true });
  });

  it("a run seed fixes every initial weight, including seed 0 (tfjs reads a seed of 0 as 'random')", () => {
    const weights = (sp: bcnn.NetSpec) => {
      const m = bcnn.buildNet(sp);
      const out = m.getWeights().map((w) => Array.from(w.dataSync()));
      m.dispose();
      return out;
    };
    for (const kind of ["bcnn", "cnn", "c4"] as const) {
      const base = kind === "bcnn" ? spec : bcnn.matchedCnnSpec(spec, kind);
      const w = [0, 1, 2].map((seed) => [weights({ ...base, seed }), weights({ ...base, seed })]);
      for (const [a, b] of w) assert.deepEqual(a, b, `${kind}: two builds with one seed differ`);
      // and different seeds give different first-layer weights (the seed is not ignored)
      assert.notDeepEqual(
        w[0][0][0],
        w[1][0][0],
        `${kind}: seeds 0 and 1 give the same conv1 weights`,
      );
    }
    assert.equal(bcnn.tfjsSeed(undefined), undefined);
    const used = new Set<number | undefined>();
    for (let s = 1; s < 200; s++) used.add(bcnn.tfjsSeed(s, 0)).add(bcnn.tfjsSeed(s, 1));
    assert.ok(
      bcnn.tfjsSeed(0, 0)! !== 0 && !used.has(bcnn.tfjsSeed(0, 0)),
      "seed 0 maps to a seed no other uses",
    );
    assert.equal(bcnn.tfjsSeed(7, 0), 7); // seeds ≠ 0 keep their old initialisation
    assert.throws(() => new BesselConv2D({ filters: 2, kernelSize: 5, seed: -1 }), /seed/);
    assert.throws(() => new PlainConv2D({ filters: 2, kernelSize: 5, seed: 0.5 }), /seed/);
  });

  it("the matched C4 group CNN is exactly invariant under quarter turns, within 10% of the B-CNN's parameters", () => {
    const c4 = bcnn.matchedCnnSpec(spec, "c4");
    const m = bcnn.buildNet(c4);
    assert.equal(bcnn.countParams(c4), bcnn.trainableParams(m));
    const r = bcnn.countParams(c4) / bcnn.countParams(spec);
    assert.ok(r > 0.9 && r < 1.1, `ratio ${r}`);
    const x = randomImages(2, 12, 1, 9);
    assert.ok(bcnn.rot90Error((t) => m.predict(t) as tf.Tensor, x) < 1e-5);
    // Not more than C4: a mirror changes its logits.
    const mirrored = tf.tidy(() =>
      bcnn.maxRelDiff(m.predict(tf.reverse(x, 2)) as tf.Tensor, m.predict(x) as tf.Tensor),
    );
    assert.ok(mirrored > 1e-3, `mirror ${mirrored}`);
  });

  it("buildNet fills missing fields from NET_DEFAULTS (average pool, global mean, modulus), as defaultBcnnSpec", () => {
    const m = bcnn.buildNet(spec);
    assert.equal(m.getLayer("pool1").getClassName(), "AveragePooling2D");
    assert.equal(m.getLayer("gpool").getClassName(), "GlobalAveragePooling2D");
    assert.equal((m.getLayer("conv1") as InstanceType<typeof BesselConv2D>).response, "modulus");
    const d = bcnn.defaultBcnnSpec();
    assert.equal(d.poolKind, bcnn.NET_DEFAULTS.poolKind);
    assert.equal(d.response, bcnn.NET_DEFAULTS.response);
  });

  it("B-CNN logits are invariant under 90° rotations (≤ 1e-5); the matched CNN's are not", () => {
    const x = randomImages(3, 12, 1, 5);
    for (const variant of [
      {},
      { response: "modulus", globalPool: "mean", poolKind: "avg" },
    ] as Partial<bcnn.NetSpec>[]) {
      const m = bcnn.buildNet({ ...spec, ...variant });
      assert.ok(bcnn.rot90Error((t) => m.predict(t) as tf.Tensor, x) < 1e-5);
    }
    const c = bcnn.buildNet(bcnn.matchedCnnSpec(spec));
    assert.ok(bcnn.rot90Error((t) => c.predict(t) as tf.Tensor, x) > 0.01);
  });

  it("counts parameters without building, and the CNN baseline matches within 10%", () => {
    const m = bcnn.buildNet(spec);
    assert.equal(bcnn.countParams(spec), bcnn.trainableParams(m));
    const cs = bcnn.matchedCnnSpec(spec);
    assert.equal(bcnn.countParams(cs), bcnn.trainableParams(bcnn.buildNet(cs)));
    assert.ok(Math.abs(bcnn.countParams(cs) / bcnn.countParams(spec) - 1) < 0.1);
    assert.throws(() => bcnn.buildNet({ ...spec, inputShape: [13, 13, 1] }), ShapeError); // odd size before a pool
  });

  it("trains (loss falls) with a flat tensor count, and round-trips through save/load", async () => {
    const set = data.glyphDataset({ n: 96, size: 12, seed: 3, shapes: ["L", "T", "F"], jitter: 0 });
    const m = bcnn.buildNet(spec);
    await bcnn.trainClassifier(m, set, { epochs: 1, batchSize: 32, seed: 1 }); // warm-up allocations
    const before = tf.memory().numTensors;
    const h = await bcnn.trainClassifier(m, set, {
      epochs: 6,
      batchSize: 32,
      seed: 2,
      learningRate: 1e-2,
      augment: "rotate",
    });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(h.loss[h.loss.length - 1] < h.loss[0], `loss ${h.loss}`);
    const dir = path.join(cacheRoot, "roundtrip");
    await bcnn.saveModel(m, dir, { note: "test" });
    const { model, meta } = await bcnn.loadModel(dir);
    assert.equal(meta.note, "test");
    const x = randomImages(2, 12, 1, 8);
    assert.equal(bcnn.maxRelDiff(model.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor), 0);
    const layer = model.getLayer("conv1") as InstanceType<typeof BesselConv2D>;
    assert.ok(layer instanceof BesselConv2D);
  });

  it("loadOrTrain trains once, then loads from the cache keyed by parameters", async () => {
    let trained = 0;
    const key = { spec, epochs: 0, b: [1, 2] };
    const train = async () => {
      trained++;
      return { epochs: 0 };
    };
    const a = await bcnn.loadOrTrain(key, () => bcnn.buildNet(spec), train);
    const b = await bcnn.loadOrTrain(
      { b: [1, 2], epochs: 0, spec },
      () => bcnn.buildNet(spec),
      train,
    );
    assert.equal(a.source, "trained");
    assert.equal(b.source, "cache");
    assert.equal(trained, 1);
    assert.equal(a.dir, b.dir);
    assert.notEqual(bcnn.hashKey({ ...key, epochs: 1 }), bcnn.hashKey(key));
    assert.ok(a.dir.startsWith(cacheRoot));
  });

  it("calibrateNorms sets batch-norm statistics to the data's statistics under the current weights", () => {
    const set = data.glyphDataset({ n: 32, size: 12, seed: 6, shapes: ["L", "T", "F"], jitter: 0 });
    const m = bcnn.buildNet(spec);
    const bn1 = m.getLayer("bn1") as InstanceType<typeof bcnn.ChannelNorm>;
    assert.equal(bcnn.calibrateNorms(m, set, { batches: 1, batchSize: 32 }), 1);
    assert.equal(bn1.momentum, 0.9); // restored
    const conv = bcnn
      .featureModel(m, "conv1")
      .predict(tf.tensor4d(set.images, [32, 12, 12, 1])) as tf.Tensor;
    const { mean } = tf.moments(conv, [0, 1, 2]);
    const moving = bn1.getWeights()[2];
    assert.ok(
      bcnn.maxRelDiff(moving, mean) < 1e-4,
      `moving mean ${moving.dataSync()} vs ${mean.dataSync()}`,
    );
  });

  it("accuracy and accuracyVsAngle on a labelled set", async () => {
    const set = data.glyphDataset({ n: 30, size: 12, seed: 4, shapes: ["L", "T", "F"], jitter: 0 });
    const m = bcnn.buildNet(spec);
    const acc = bcnn.accuracy(m, set);
    assert.ok(acc >= 0 && acc <= 1);
    const curve = await bcnn.accuracyVsAngle(m, set, [0, 90, 180]);
    assert.deepEqual(
      curve.map((c) => c.angleDeg),
      [0, 90, 180],
    );
    // Exact invariance under quarter turns ⇒ identical predictions ⇒ identical accuracy.
    assert.equal(curve[0].accuracy, acc);
    assert.equal(curve[1].accuracy, acc);
    assert.equal(curve[2].accuracy, acc);
  });
});

describe("bcnn: ChannelNorm", () => {
  before(async () => {
    await init({ quiet: true });
  });

  it("normalises per channel with batch statistics in training and moving averages at inference", () => {
    const norm = new bcnn.ChannelNorm({ momentum: 0 });
    const x = tf.add(
      tf.mul(tf.randomNormal([8, 5, 5, 3], 0, 1, "float32", 4), tf.tensor1d([1, 2, 3])),
      tf.tensor1d([5, -1, 0]),
    ) as tf.Tensor4D;
    const y = norm.apply(x, { training: true }) as tf.Tensor;
    const { mean, variance } = tf.moments(y, [0, 1, 2]);
    mean.dataSync().forEach((m) => assert.ok(Math.abs(m) < 1e-4, `mean ${m}`));
    variance.dataSync().forEach((v) => assert.ok(Math.abs(v - 1) < 1e-2, `variance ${v}`));
    // momentum 0: the moving statistics are the last batch's (variance unbiased by n/(n−1)), so
    // inference ≈ training output.
    const z = norm.apply(x) as tf.Tensor;
    assert.ok(bcnn.maxRelDiff(z, y) < 0.01);
    assert.throws(() => new bcnn.ChannelNorm({ momentum: 1 }), RangeError);
  });
});

describe("bcnn: review s3-14 — ownership, garbage-in, early stop, renderer", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });
  it("rotatedInput returning a held tensor (or x itself) is not disposed by any metric", () => {
    const x = glyph(0);
    const held = glyph(30);
    const f = (t: tf.Tensor4D) => tf.square(t);
    bcnn.equivarianceError(f, x, [30], { rotatedInput: () => held });
    bcnn.paperEquivarianceError(f, x, [30], { rotatedInput: () => held });
    bcnn.invarianceError((t) => tf.sum(t, [1, 2]), x, [30], { rotatedInput: () => held });
    bcnn.equivarianceError(f, x, [0], { rotatedInput: (d) => (d === 0 ? x : held) });
    assert.equal(held.isDisposed, false);
    assert.equal(x.isDisposed, false);
    held.dispose();
    x.dispose();
  });
  it("an f returning a cached tensor leaves it alive; fresh rotated inputs are not leaked", () => {
    const x = glyph(0);
    const cached = tf.square(x);
    const before = tf.memory().numTensors;
    bcnn.equivarianceError(() => cached as tf.Tensor4D, x, [90], { rotatedInput: () => glyph(90) });
    assert.equal(cached.isDisposed, false);
    assert.equal(tf.memory().numTensors, before);
    cached.dispose();
    x.dispose();
  });
  it("f with NaN / ±∞ output names f(x); an empty batch is a ShapeError; rot90Error refuses NaN and all-zero", () => {
    const x = glyph(0);
    const bad = (v: number) => (t: tf.Tensor4D) => tf.mul(t, v) as tf.Tensor4D;
    for (const v of [NaN, Infinity]) {
      assert.throws(
        () => bcnn.equivarianceError(bad(v), x, [30]),
        (e: Error) =>
          e instanceof DomainError && /f\(x\)/.test(e.message) && /finite/.test(e.message),
      );
      assert.throws(
        () => bcnn.invarianceError(bad(v), x, [30]),
        (e: Error) => e instanceof DomainError && /finite/.test(e.message),
      );
    }
    const empty = tf.zeros([0, 12, 12, 1]) as tf.Tensor4D;
    assert.throws(() => bcnn.equivarianceError((t) => t, empty, [30]), ShapeError);
    assert.throws(() => bcnn.rot90Error((t) => t, empty), ShapeError);
    const nanX = tf.fill([1, 8, 8, 1], NaN) as tf.Tensor4D;
    assert.throws(() => bcnn.rot90Error((t) => t, nanX), DomainError);
    assert.throws(() => bcnn.rot90Error((t) => tf.mul(t, 0) as tf.Tensor4D, x), /all zeros/);
    [x, empty, nanX].forEach((t) => t.dispose());
  });
  it("modeSteering refuses sigma below 0.25 px instead of reporting 0 error for every mode", () => {
    assert.throws(
      () => bcnn.modeSteering(5, { sigma: 1e-3 }),
      (e: Error) => e instanceof DomainError && /sigma/.test(e.message),
    );
    assert.ok(bcnn.modeSteering(5, { sigma: 0.6, nInputs: 16 }).every((m) => m.max > 0));
  });
  it("policyModes: sigma is an option (narrower bumps keep fewer modes); K = 1 steerable refused", () => {
    const wide = bcnn.policyModes(5, "steerable", { oversample: 2, sigma: 1 }).length;
    const narrow = bcnn.policyModes(5, "steerable", { oversample: 2, sigma: 0.6 }).length;
    assert.ok(narrow < wide, `σ = 0.6: ${narrow} modes, σ = 1: ${wide}`);
    assert.throws(
      () => bcnn.policyModes(1, "steerable"),
      (e: Error) => e instanceof DomainError && /kernelSize/.test(e.message),
    );
    assert.equal(bcnn.policyModes(1, "paper").length, 1);
  });
  it("C4Conv2D names padding; non-integer seeds are refused (buildNet, tfjsSeed)", () => {
    assert.throws(
      () => new bcnn.C4Conv2D({ filters: 2, kernelSize: 3, padding: "full" as "same" } as never),
      /padding/,
    );
    assert.throws(
      () => bcnn.buildNet({ ...bcnn.defaultBcnnSpec(), seed: 2.5 }),
      (e: Error) => e instanceof DomainError && /seed/.test(e.message),
    );
    assert.throws(() => bcnn.tfjsSeed(1.5), DomainError);
    assert.equal(bcnn.tfjsSeed(0), 0.5);
  });
  it("16×16 sub-samples keep ink within 1% across angles; 4×4 changes it by > 2% (renderedInkChange)", () => {
    const a = [1, 15, 45];
    const fine = bcnn.renderedInkChange(12, a, 5, 0.8, 16).ink;
    const coarse = bcnn.renderedInkChange(12, a, 5, 0.8, 4).ink;
    assert.ok(Math.max(...fine) < 0.01, `16×16: ${fine}`);
    assert.ok(Math.min(...coarse) > 0.015, `4×4: ${coarse}`);
    assert.ok(bcnn.renderedInkChange(12, [90], 5, 0.8, 4).ink[0] < 1e-12, "90° is an exact turn");
  });
  it("trainClassifier's until stops when the training accuracy reaches the criterion and reports it", async () => {
    const d = data.glyphDataset({ n: 64, seed: 3, angles: "upright" });
    const spec = { ...bcnn.matchedCnnSpec(bcnn.defaultBcnnSpec(), "cnn"), seed: 1 };
    const easy = bcnn.buildNet(spec);
    const h1 = await bcnn.trainClassifier(easy, d, {
      epochs: 1,
      batchSize: 32,
      learningRate: 0.01,
      seed: 1,
      until: { trainAcc: 0.01, maxEpochs: 5 },
    });
    assert.equal(h1.epochs, 1);
    assert.equal(h1.criterionMet, true);
    const hard = bcnn.buildNet(spec);
    const h2 = await bcnn.trainClassifier(hard, d, {
      epochs: 1,
      batchSize: 32,
      learningRate: 1e-6,
      seed: 1,
      until: { trainAcc: 1, maxEpochs: 3 },
    });
    assert.equal(h2.epochs, 3);
    assert.equal(h2.criterionMet, false);
    assert.equal(h2.trainAcc!.length, 3);
    await assert.rejects(
      bcnn.trainClassifier(hard, d, { epochs: 4, until: { trainAcc: 0.9, maxEpochs: 2 } }),
      DomainError,
    );
    easy.dispose();
    hard.dispose();
  });

  it("notebook05Specs derives the steerable basis from the prefilter σ (4 modes at 0.8 px, (1,1) at 1 px)", () => {
    const modes = (blur: number) => {
      const net = bcnn.buildNet(bcnn.notebook05Specs({ blur }).bcnnSteer);
      const ms = (net.getLayer("conv2") as InstanceType<typeof BesselConv2D>).basis.modes.map(
        (m) => `${m.nu},${m.j}`,
      );
      net.dispose();
      return ms;
    };
    assert.deepEqual(modes(0.8), ["0,0", "0,1", "1,0", "2,0"]);
    assert.ok(modes(1).includes("1,1"));
    assert.throws(() => bcnn.notebook05Specs({} as { blur: number }), DomainError);
    assert.throws(() => bcnn.notebook05Specs({ blur: 0 }), DomainError);
    // the layer keeps its σ through serialization, and refuses it for other policies
    const L = new BesselConv2D({
      filters: 2,
      kernelSize: 5,
      oversample: 2,
      basis: "steerable",
      steerSigma: 0.8,
    });
    assert.equal(L.getConfig().steerSigma, 0.8);
    assert.equal(L.basis.modes.length, 4);
    assert.throws(
      () => new BesselConv2D({ filters: 2, kernelSize: 5, steerSigma: 0.8 }),
      DomainError,
    );
  });

  it("glyphSetAt: a set read back from the render cache equals the rendered one", () => {
    const old = process.env.BESSELBOOK_CACHE;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-render-"));
    process.env.BESSELBOOK_CACHE = dir;
    try {
      bcnn.clearRenderMemo();
      const a = bcnn.glyphSetAt(6, 30, 11, 0, 0.8, 4);
      const direct = data.glyphDataset({
        n: 6,
        seed: 11,
        jitter: 0,
        blur: 0.8,
        supersample: 4,
        angles: (30 * Math.PI) / 180,
      });
      assert.deepEqual(Array.from(a.images), Array.from(direct.images));
      assert.equal(fs.readdirSync(path.join(dir, "renders")).length, 1);
      bcnn.clearRenderMemo();
      const b = bcnn.glyphSetAt(6, 30, 11, 0, 0.8, 4); // from disk now
      assert.notEqual(a, b);
      assert.deepEqual(Array.from(b.images), Array.from(direct.images));
      assert.deepEqual(Array.from(b.labels), Array.from(direct.labels));
      assert.deepEqual(b.classNames, direct.classNames);
      // a different angle is a different file, not the cached one
      const c = bcnn.glyphSetAt(6, 31, 11, 0, 0.8, 4);
      assert.notDeepEqual(Array.from(c.images), Array.from(b.images));
    } finally {
      bcnn.clearRenderMemo();
      if (old === undefined) delete process.env.BESSELBOOK_CACHE;
      else process.env.BESSELBOOK_CACHE = old;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("equivarianceFloor: exactly equivariant blurs score above 0 off the grid, and less than a CNN-like map", () => {
    const f = bcnn.equivarianceFloor({ nEq: 4, dataSeed: 3, blur: 0.8, supersample: 4 });
    for (const l of ["relu1", "relu3"] as const) {
      for (const m of ["ours", "paper"] as const)
        assert.ok(f[l][m] > 0 && f[l][m] < 0.2, `${l} ${m}: ${f[l][m]}`);
    }
    // negative control: a horizontal difference is not rotation-equivariant; same glyphs and metric
    const render = (deg: number) => {
      const g = bcnn.glyphSetAt(4, deg, 3 + 9, 0, 0.8, 4);
      return tf.tensor4d(g.images, [4, 28, 28, 1]);
    };
    const dx = (t: tf.Tensor4D) =>
      tf.relu(
        tf.sub(
          t.slice([0, 0, 1, 0], [-1, -1, 27, -1]).pad([
            [0, 0],
            [0, 0],
            [0, 1],
            [0, 0],
          ]),
          t,
        ),
      );
    const x = render(0);
    const e = bcnn.equivarianceError(dx, x, [15, 30, 45, 60, 75], { rotatedInput: render }).mean;
    x.dispose();
    assert.ok(e > 3 * f.relu1.ours, `difference ${e} vs floor ${f.relu1.ours}`);
  });
});
