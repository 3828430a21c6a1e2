/**
 * Tests written against the survivors and uncovered mutants of StrykerJS runs on
 * lib/src/bcnn/rotate.ts and steer.ts (issue #22, second round; environment.md, "Mutation testing",
 * lists what survives and why). Public API only; unit level.
 *
 * Independent references (ours): bilinear interpolation reproduces affine fields exactly and Keys'
 * cubic convolution (a = −½) reproduces quadratics exactly, so an image of such a field rotated by
 * any angle must equal the field evaluated at the rotated source point wherever every tap is
 * inside the image — computed here in float64 from the convention the docs state (counter-
 * clockwise as displayed, about ((W−1)/2, (H−1)/2)). Quarter turns against index maps written by
 * hand. Steering policies against modeSteering's own per-mode errors (the policy is a filter on
 * them) and hand-counted mode lists.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { bcnn, init } from "besselbook";
import { isDomainError as domain, isShapeError as shape } from "./helpers";

/**
 * Source point (row, col) of output pixel (row, col) for a rotation by `a` (the docs' convention).
 */
function source(row: number, col: number, H: number, W: number, a: number): [number, number] {
  const cx = (W - 1) / 2,
    cy = (H - 1) / 2;
  const x = col - cx,
    y = cy - row;
  const xs = Math.cos(a) * x + Math.sin(a) * y,
    ys = -Math.sin(a) * x + Math.cos(a) * y;
  return [cy - ys, xs + cx];
}

/** Image [B, H, W, C] of field f(b, ch, row, col). */
function field(
  B: number,
  H: number,
  W: number,
  C: number,
  f: (b: number, ch: number, r: number, c: number) => number,
) {
  const d = new Float32Array(B * H * W * C);
  for (let b = 0; b < B; b++)
    for (let r = 0; r < H; r++)
      for (let c = 0; c < W; c++) {
        for (let ch = 0; ch < C; ch++) d[((b * H + r) * W + c) * C + ch] = f(b, ch, r, c);
      }
  return d;
}

/** One counter-clockwise quarter turn by index map: out[r][c] = in[c][W−1−r] (out is W×H). */
function quarter(x: number[], B: number, H: number, W: number, C: number): number[] {
  const out = new Array<number>(x.length);
  for (let b = 0; b < B; b++)
    for (let r = 0; r < W; r++)
      for (let c = 0; c < H; c++) {
        for (let ch = 0; ch < C; ch++)
          out[((b * W + r) * H + c) * C + ch] = x[((b * H + c) * W + (W - 1 - r)) * C + ch];
      }
  return out;
}

describe("bcnn (mutants 2): rotateArray against fields it must reproduce", () => {
  const affine = (b: number, ch: number, r: number, c: number) =>
    1 + b + 0.5 * ch + 0.5 * r - 0.25 * c;
  const quad = (b: number, ch: number, r: number, c: number) =>
    0.1 * r * r - 0.05 * r * c + 0.02 * c * c + (1 + b) * r - ch * c + 2;

  for (const [H, W] of [
    [9, 9],
    [7, 10],
  ] as const) {
    for (const deg of [30, -50, 137]) {
      it(`bilinear reproduces an affine field, zero outside (${H}×${W}, ${deg}°, B = 2, C = 2)`, () => {
        const a = (deg * Math.PI) / 180,
          B = 2,
          C = 2;
        const img = field(B, H, W, C, affine);
        const out = bcnn.rotateArray(img, [B, H, W, C], a);
        let inside = 0,
          outside = 0;
        for (let r = 0; r < H; r++)
          for (let c = 0; c < W; c++) {
            const [sr, sc] = source(r, c, H, W, a);
            for (let b = 0; b < B; b++)
              for (let ch = 0; ch < C; ch++) {
                const got = out[((b * H + r) * W + c) * C + ch];
                if (sr >= 0 && sr <= H - 1 && sc >= 0 && sc <= W - 1) {
                  assert.ok(
                    Math.abs(got - affine(b, ch, sr, sc)) < 2e-5,
                    `(${b},${r},${c},${ch}) ${got}`,
                  );
                  inside++;
                } else if (sr <= -1 || sr >= H || sc <= -1 || sc >= W) {
                  assert.equal(got, 0);
                  outside++;
                }
              }
          }
        assert.ok(inside > 4 * 20 && outside > 0, `${inside} inside, ${outside} outside`);
      });
    }
    it(`bicubic reproduces a quadratic field where all 4×4 taps are inside (${H}×${W})`, () => {
      const B = 2,
        C = 2;
      const img = field(B, H, W, C, quad);
      for (const deg of [20, -65, 200]) {
        const a = (deg * Math.PI) / 180;
        const out = bcnn.rotateArray(img, [B, H, W, C], a, undefined, "bicubic");
        let n = 0;
        for (let r = 0; r < H; r++)
          for (let c = 0; c < W; c++) {
            const [sr, sc] = source(r, c, H, W, a);
            if (!(sr >= 1 && sr < H - 2 && sc >= 1 && sc < W - 2)) continue;
            for (let b = 0; b < B; b++)
              for (let ch = 0; ch < C; ch++) {
                const want = quad(b, ch, sr, sc),
                  got = out[((b * H + r) * W + c) * C + ch];
                assert.ok(
                  Math.abs(got - want) < 1e-5 * (1 + Math.abs(want)),
                  `${deg}° (${b},${r},${c},${ch}) ${got} vs ${want}`,
                );
                n++;
              }
          }
        assert.ok(n >= 4 * 8, `${n} interior samples`);
      }
    });
  }

  it("bilinear partial taps at the border weigh the inside samples only (one pixel by hand)", () => {
    // 3×3 ones rotated by 45°: the corner pixel (0, 0) has source (1 − √2, 1), between rows −1 and
    // 0: only row 0 is inside, with weight fr = 2 − √2 (the fractional part of 1 − √2).
    const out = bcnn.rotateArray(new Float32Array(9).fill(1), [1, 3, 3, 1], Math.PI / 4);
    assert.ok(Math.abs(out[0] - (2 - Math.SQRT2)) < 1e-6, `${out[0]}`);
    assert.ok(Math.abs(out[4] - 1) < 1e-6);
  });

  it("overwrites a reused output buffer and leaves its input alone", () => {
    const img = field(1, 6, 6, 1, (b, ch, r, c) => r * 6 + c);
    const copy = Float32Array.from(img);
    const fresh = bcnn.rotateArray(img, [1, 6, 6, 1], 0.4);
    const reused = bcnn.rotateArray(img, [1, 6, 6, 1], 0.4, new Float32Array(36).fill(7));
    assert.deepEqual(Array.from(reused), Array.from(fresh));
    assert.deepEqual(Array.from(img), Array.from(copy));
  });

  it("a half turn of a non-square image is the exact reversal of both axes", () => {
    const H = 3,
      W = 4;
    const img = field(1, H, W, 1, (b, ch, r, c) => 1 + r * W + c);
    for (const interp of ["bilinear", "bicubic"] as const) {
      const out = bcnn.rotateArray(img, [1, H, W, 1], Math.PI, undefined, interp);
      assert.deepEqual(Array.from(out), Array.from(img).reverse());
    }
  });

  it("rotateEach rotates image b by angles[b] (each equal to rotateArray alone)", () => {
    const B = 3,
      H = 5,
      W = 5,
      C = 2;
    const img = field(B, H, W, C, (b, ch, r, c) => Math.sin(r + 2 * c + b) + ch);
    const angles = [0.3, -1.1, Math.PI / 2];
    const out = bcnn.rotateEach(img, [B, H, W, C], angles);
    const plane = H * W * C;
    for (let b = 0; b < B; b++) {
      const one = bcnn.rotateArray(img.slice(b * plane, (b + 1) * plane), [1, H, W, C], angles[b]);
      assert.deepEqual(Array.from(out.subarray(b * plane, (b + 1) * plane)), Array.from(one));
    }
  });

  it("refuses bad arguments by name", () => {
    const img = new Float32Array(16);
    for (const a of [NaN, Infinity, -Infinity]) {
      assert.throws(
        () => bcnn.rotateArray(img, [1, 4, 4, 1], a),
        domain(/^rotateArray: argument angle = /),
      );
    }
    assert.throws(
      () => bcnn.rotateArray(img, [1, 4, 4, 1], 1, undefined, "nearest" as never),
      domain(/^rotateArray: argument interpolation = nearest/),
    );
    assert.throws(
      () => bcnn.rotateArray(img, [1, 4, 4, 1], 1, new Float32Array(15)),
      shape(/^rotateArray out: expected shape length 16, got length 15/),
    );
    assert.throws(
      () => bcnn.rotateArray(new Float32Array(15), [1, 4, 4, 1], 1),
      shape(/^rotateArray data: expected shape length B·H·W·C = 16, got length 15/),
    );
    assert.throws(
      () => bcnn.rotateEach(new Float32Array(32), [2, 4, 4, 1], [1, 2, 3]),
      shape(/^rotateEach angles: expected shape length 2, got length 3/),
    );
  });
});

describe("bcnn (mutants 2): tensor rotations", () => {
  before(async () => {
    await init({ quiet: true });
  });

  it("rot90 by every k in −5…6 equals k quarter turns by index map (non-square, B = 2, C = 2)", () => {
    const B = 2,
      H = 2,
      W = 3,
      C = 2;
    const x0 = Array.from({ length: B * H * W * C }, (_, i) => i + 1);
    // powers[q] = q quarter turns of x0 (shape alternates H×W, W×H)
    const powers = [x0];
    for (let q = 1; q < 4; q++) {
      const odd = q % 2 === 1;
      powers.push(quarter(powers[q - 1], B, odd ? H : W, odd ? W : H, C));
    }
    const x = tf.tensor4d(x0, [B, H, W, C]);
    for (let k = -5; k <= 6; k++) {
      const q = ((k % 4) + 4) % 4;
      const y = bcnn.rot90(x, k);
      assert.deepEqual(y.shape, q % 2 === 0 ? [B, H, W, C] : [B, W, H, C], `k = ${k}`);
      assert.deepEqual(Array.from(y.dataSync()), powers[q], `k = ${k}`);
      assert.notEqual(y, x, "a new tensor, also for k ≡ 0");
      y.dispose();
    }
    assert.deepEqual(Array.from(bcnn.rot90(x).dataSync()), powers[1], "default k = 1");
    x.dispose();
  });

  it("rot90 and rotate refuse a non-integer k and a tensor that is not 4-d, by name", () => {
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    for (const k of [0.5, NaN, Infinity])
      assert.throws(() => bcnn.rot90(x, k), domain(/^rot90: argument k = /));
    const x3 = tf.zeros([2, 2, 1]) as unknown as tf.Tensor4D;
    assert.throws(
      () => bcnn.rot90(x3),
      shape(/^rot90 input: expected shape \[batch, height, width, channels\], got \[2, 2, 1\]/),
    );
    assert.throws(
      () => bcnn.rotate(x3, 1),
      shape(/^rotate input: expected shape \[batch, height, width, channels\]/),
    );
  });

  it("rotate equals rotateArray for both interpolations and leaves its input alone", () => {
    const B = 2,
      H = 5,
      W = 6,
      C = 2;
    const img = field(B, H, W, C, (b, ch, r, c) => Math.cos(r - c + b) * (ch + 1));
    const x = tf.tensor4d(img, [B, H, W, C]);
    for (const interp of ["bilinear", "bicubic"] as const) {
      const want = bcnn.rotateArray(Float32Array.from(img), [B, H, W, C], 0.7, undefined, interp);
      const y = interp === "bilinear" ? bcnn.rotate(x, 0.7) : bcnn.rotate(x, 0.7, interp);
      assert.deepEqual(y.shape, [B, H, W, C]);
      assert.deepEqual(Array.from(y.dataSync()), Array.from(want));
    }
    assert.deepEqual(Array.from(x.dataSync()), Array.from(img));
  });

  it("maskToDisk multiplies every image and channel by diskMask (default and given radius)", () => {
    const B = 2,
      H = 7,
      W = 9,
      C = 3;
    const img = field(B, H, W, C, (b, ch, r, c) => 1 + b + ch + r * c);
    const x = tf.tensor4d(img, [B, H, W, C]);
    for (const radius of [undefined, 2.5]) {
      const m = bcnn.diskMask(H, W, radius);
      const y = bcnn.maskToDisk(x, radius).dataSync();
      for (let i = 0; i < img.length; i++) {
        const p = Math.floor(i / C) % (H * W);
        assert.equal(y[i], img[i] * m[p]);
      }
    }
  });
});

describe("bcnn (mutants 2): basis policies", () => {
  const names = (ms: readonly bcnn.BesselMode[]) => ms.map((m) => `${m.nu}/${m.j}`);
  /** The per-mode errors policyModes filters: modeSteering with the policy's sampling and σ. */
  const errs = (K: number, s: number, sigma = 1) =>
    bcnn
      .modeSteering(K, {
        modes: bcnn.policyModes(K, "nyquist"),
        sampling: s === 1 ? "point" : "oversampled",
        oversample: s === 1 ? 2 : s,
        sigma,
      })
      .map((m) => m.max);

  it("nyquist keeps exactly besselModes(π(K−1)/2); K = 1 keeps the constant mode only", () => {
    for (const [K, n] of [
      [1, 1],
      [3, 3],
      [5, 7],
      [7, 15],
    ] as const) {
      const nyq = bcnn.policyModes(K, "nyquist");
      assert.equal(nyq.length, n, `K = ${K}`);
      assert.deepEqual(nyq, bcnn.besselModes(bcnn.nyquistKMax(K)));
    }
    assert.deepEqual(names(bcnn.policyModes(1, "paper")), ["0/0"]);
    assert.deepEqual(bcnn.policyModes(7, "paper"), bcnn.besselModes(bcnn.defaultKMax(7)));
  });

  it("steerable keeps the nyquist modes with error ≤ steerTol (inclusive), per sub-grid and σ", () => {
    // measured (K = 5, 15°…75°): sub-grid 2, σ = 1: (1,1) 4.7%, (2,0) 2.7%; σ = 0.8: (1,1) 16%;
    // sub-grid 3, σ = 1: (2,0) 11%, (1,1) 8.7%
    assert.deepEqual(names(bcnn.policyModes(5, "steerable", { oversample: 2 })), [
      "0/0",
      "0/1",
      "1/0",
      "1/1",
      "2/0",
    ]);
    assert.deepEqual(names(bcnn.policyModes(5, "steerable", { oversample: 2, sigma: 0.8 })), [
      "0/0",
      "0/1",
      "1/0",
      "2/0",
    ]);
    assert.deepEqual(names(bcnn.policyModes(5, "steerable", { oversample: 3 })), [
      "0/0",
      "0/1",
      "1/0",
      "1/1",
    ]);
    assert.deepEqual(names(bcnn.policyModes(5, "steerable", { oversample: 2, steerTol: 0.03 })), [
      "0/0",
      "0/1",
      "1/0",
      "2/0",
    ]);
    assert.equal(bcnn.policyModes(5, "steerable", { oversample: 2, steerTol: 9.99 }).length, 7);
    const e = errs(5, 2);
    const at = e[4]; // (2, 0)
    assert.ok(
      names(bcnn.policyModes(5, "steerable", { oversample: 2, steerTol: at })).includes("2/0"),
    );
    assert.ok(
      !names(
        bcnn.policyModes(5, "steerable", { oversample: 2, steerTol: at * (1 - 1e-9) }),
      ).includes("2/0"),
    );
    // the same errors the filter uses
    const kept = bcnn.policyModes(5, "steerable", { oversample: 2, sigma: 0.8, steerTol: 0.2 });
    const e8 = errs(5, 2, 0.8);
    assert.deepEqual(
      names(kept),
      names(bcnn.policyModes(5, "nyquist").filter((m, i) => e8[i] <= 0.2)),
    );
  });

  it("refuses bad kernel sizes, policies and tolerances by name", () => {
    for (const K of [0, -1, 2, 4, 1.5, NaN]) {
      assert.throws(
        () => bcnn.policyModes(K, "paper"),
        domain(new RegExp(`^policyModes: argument kernelSize = ${K} .*odd positive`)),
      );
    }
    assert.throws(
      () => bcnn.policyModes(1, "steerable", { oversample: 2 }),
      domain(/^policyModes: argument kernelSize = 1 .*"steerable"/),
    );
    assert.throws(
      () => bcnn.policyModes(5, "bogus" as never),
      domain(/^policyModes: argument policy = bogus .*"nyquist"/),
    );
    for (const t of [0, 10, NaN, -0.1]) {
      assert.throws(
        () => bcnn.policyModes(5, "steerable", { oversample: 2, steerTol: t }),
        domain(new RegExp(`^policyModes: argument steerTol = ${t} `)),
      );
    }
    // point samples on 5×5: no ν > 0 mode within 10% (measured: (1,0) 11%), so it refuses
    assert.throws(
      () => bcnn.policyModes(5, "steerable"),
      domain(/^policyModes: argument oversample = 1 .*steerTol = 0.1 at K = 5/),
    );
  });
});

describe("bcnn (mutants 2): modeSteering and samplingGrid", () => {
  it("samplingGrid: point 1, integrated 16, oversampled in [2, 64]", () => {
    assert.equal(bcnn.samplingGrid("point", 7), 1);
    assert.equal(bcnn.samplingGrid("integrated", 7), 16);
    assert.equal(bcnn.samplingGrid("oversampled"), 2);
    assert.equal(bcnn.samplingGrid("oversampled", 64), 64);
    for (const s of [1, 65, 2.5, NaN]) {
      assert.throws(
        () => bcnn.samplingGrid("oversampled", s),
        domain(new RegExp(`^samplingGrid: argument oversample = ${s} `)),
      );
    }
    assert.throws(
      () => bcnn.samplingGrid("nearest" as never),
      domain(/^samplingGrid: argument sampling = nearest /),
    );
  });

  it("reports k per pixel, the Nyquist flag, one error per angle and their maximum", () => {
    const r = bcnn.modeSteering(5, { anglesDeg: [10, 45, 80], nInputs: 16 });
    const c = 2;
    for (const m of r) {
      assert.equal(m.kPerPixel, m.k / c);
      assert.equal(m.aliased, m.k > bcnn.nyquistKMax(5) + 1e-12);
      assert.equal(m.errors.length, 3);
      assert.equal(m.max, Math.max(...m.errors));
      assert.ok(m.errors.every((e) => e >= 0 && Number.isFinite(e)));
    }
    // errors of different angles differ (each angle is measured, not one copied)
    const m20 = r.find((m) => m.nu === 2 && m.j === 0)!;
    assert.ok(new Set(m20.errors).size === 3);
    // a mode exactly at the Nyquist bound is not flagged
    const atBound = { ...r[0], nu: 0, j: 0, k: bcnn.nyquistKMax(5), norm: 1 };
    assert.equal(bcnn.modeSteering(5, { modes: [atBound], nInputs: 4 })[0].aliased, false);
  });

  it("depends on the seed, the number of inputs and σ (the inputs are drawn, not fixed)", () => {
    const modes = bcnn.policyModes(5, "nyquist");
    const e = (o: object) =>
      bcnn.modeSteering(5, { modes, anglesDeg: [30], ...o }).map((m) => m.max);
    const base = e({});
    assert.deepEqual(e({ seed: 0, nInputs: 64, sigma: 1 }), base);
    assert.notDeepEqual(e({ seed: 1 }), base);
    assert.notDeepEqual(e({ nInputs: 8 }), base);
    assert.notDeepEqual(e({ sigma: 1.5 }), base);
    assert.notDeepEqual(e({ sampling: "oversampled", oversample: 3 }), base);
  });

  it("accepts the inclusive bounds and refuses just outside them, by name", () => {
    const modes = [bcnn.policyModes(5, "nyquist")[2]];
    const ok = (o: object) =>
      assert.ok(Number.isFinite(bcnn.modeSteering(5, { modes, nInputs: 2, ...o })[0].max));
    ok({ sigma: 0.25 });
    ok({ sigma: 5 });
    ok({ nInputs: 1 });
    ok({ anglesDeg: [1e6, -1e6] });
    const bad = (o: object, re: RegExp) =>
      assert.throws(() => bcnn.modeSteering(5, { modes, nInputs: 2, ...o }), domain(re));
    bad({ sigma: 0.2499 }, /^modeSteering: argument sigma = 0.2499 .*K = 5/);
    bad({ sigma: 5.001 }, /^modeSteering: argument sigma = 5.001 /);
    bad({ nInputs: 0 }, /^modeSteering: argument nInputs = 0 /);
    bad({ nInputs: 1.5 }, /^modeSteering: argument nInputs = 1.5 /);
    bad({ nInputs: 100001 }, /^modeSteering: argument nInputs = 100001 /);
    bad({ anglesDeg: [] }, /^modeSteering: argument anglesDeg = /);
    bad({ anglesDeg: [1e6 + 1] }, /^modeSteering: argument anglesDeg = /);
    bad({ anglesDeg: "45" }, /^modeSteering: argument anglesDeg = /);
    bad({ modes: [] }, /^modeSteering: argument modes = .*non-empty/);
    for (const k of [1, 2, 4, 1.5, NaN]) {
      assert.throws(
        () => bcnn.modeSteering(k as number),
        domain(new RegExp(`^modeSteering: argument kernelSize = ${k} `)),
      );
    }
    const m = modes[0];
    for (const badMode of [
      { ...m, nu: -1 },
      { ...m, nu: 1.5 },
      { ...m, j: -1 },
      { ...m, j: 0.5 },
      { ...m, k: -1e-9 },
      { ...m, k: NaN },
      { ...m, k: bcnn.maxKMax(5) * (1 + 1e-12) },
      { ...m, norm: 0 },
      { ...m, norm: Infinity },
      null,
    ]) {
      bad(
        { modes: [badMode] },
        /^modeSteering: argument modes = .*integer ν, j ≥ 0, finite norm > 0 and 0 ≤ k ≤ πK = 15.708/,
      );
    }
    ok({ modes: [{ ...m, k: bcnn.maxKMax(5) }] });
    ok({ modes: [{ ...m, nu: 0, j: 0, k: 0 }] });
  });
});

describe("bcnn (mutants 2): steeringExplorer", () => {
  it("holds every (mode, sampling, angle) error of modeSteering, rounded to 1e-4, with a slider", () => {
    const spec = bcnn.steeringExplorer(3, { stepDeg: 30, initialDeg: 60 }) as any;
    const angles = [0, 30, 60, 90];
    const values = spec.data.values as {
      mode: string;
      sampling: string;
      angleDeg: number;
      error: number;
      aliased: boolean;
    }[];
    const samplings = ["point", "oversampled", "integrated"] as const;
    const rows = samplings.map((s) => bcnn.modeSteering(3, { sampling: s, anglesDeg: angles }));
    assert.equal(values.length, 3 * rows[0].length * 4);
    let i = 0;
    samplings.forEach((s, si) => {
      for (const r of rows[si]) {
        angles.forEach((a, ai) => {
          const v = values[i++];
          assert.deepEqual(v, {
            mode: `ν${r.nu} j${r.j}${r.aliased ? " *" : ""}`,
            sampling: s,
            angleDeg: a,
            error: Math.round(r.errors[ai] * 1e4) / 1e4,
            aliased: r.aliased,
          });
        });
      }
    });
    assert.ok(
      values.some((v) => v.aliased && v.mode.endsWith(" *")),
      "K = 3 has aliased paper modes",
    );
    assert.ok(values.some((v) => v.error > 0.01));
    assert.deepEqual(spec.params, [
      {
        name: "angleDeg",
        value: 60,
        bind: { input: "range", min: 0, max: 90, step: 30, name: "rotation angle (°) " },
      },
    ]);
    assert.deepEqual(spec.transform, [{ filter: "datum.angleDeg == angleDeg" }]);
    assert.match(spec.title, /K = 3/);
    assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
    assert.equal(spec.mark, "bar");
    assert.equal(spec.encoding.y.field, "error");
    assert.equal(spec.encoding.x.field, "mode");
  });

  it("defaults: 5° steps, slider at 45°; given modes are used; bad step or start refused", () => {
    const modes = bcnn.policyModes(5, "nyquist").slice(0, 2);
    const spec = bcnn.steeringExplorer(5, { modes }) as any;
    assert.equal(spec.params[0].value, 45);
    assert.equal(spec.params[0].bind.step, 5);
    assert.equal(spec.data.values.length, 3 * 2 * 19);
    assert.deepEqual([...new Set(spec.data.values.map((v: any) => v.mode))], ["ν0 j0", "ν0 j1"]);
    assert.equal(
      (bcnn.steeringExplorer(5, { modes, stepDeg: 90, initialDeg: 90 }) as any).data.values.length,
      3 * 2 * 2,
    );
    for (const step of [0, 7, 1.5, -5, 180, NaN]) {
      assert.throws(
        () => bcnn.steeringExplorer(3, { stepDeg: step }),
        domain(new RegExp(`^steeringExplorer: argument stepDeg = ${step} .*divisor of 90`)),
      );
    }
    for (const d of [12, -5, 95, 47.5]) {
      assert.throws(
        () => bcnn.steeringExplorer(3, { modes, initialDeg: d }),
        domain(
          new RegExp(
            `^steeringExplorer: argument initialDeg = ${d} .*multiple of 5 in \\[0, 90\\]`,
          ),
        ),
      );
    }
  });
});

describe("bcnn (mutants 2): second batch (survivors of the re-run)", () => {
  it("quarter and half turns stay exact permutations at angles far from 0 (coordinate snapping)", () => {
    // π/2 + 2π·10⁵ (−2·10⁵) carries a rounding error 1.2e-11 (−7.5e-11) in cos: above the 1e-12
    // trig snap, so only the 1e-9 snap of the source coordinates keeps the result exact (zeros stay
    // exactly 0)
    const H = 5,
      W = 5;
    const img = field(1, H, W, 1, (b, ch, r, c) => (r === 1 && c === 3 ? 1 : 0));
    const want = bcnn.rotateArray(img, [1, H, W, 1], Math.PI / 2);
    for (const a of [Math.PI / 2 + 2 * Math.PI * 1e5, Math.PI / 2 - 2 * Math.PI * 2e5]) {
      assert.ok(Math.abs(Math.cos(a)) > 1e-12, `cos ${Math.cos(a)}`);
      assert.deepEqual(Array.from(bcnn.rotateArray(img, [1, H, W, 1], a)), Array.from(want));
    }
  });

  it("a half turn of B = 2, C = 2 into a reused buffer: every image and channel reversed exactly", () => {
    const B = 2,
      H = 3,
      W = 4,
      C = 2;
    const img = field(B, H, W, C, (b, ch, r, c) => 1 + b * 100 + ch * 10 + r * W + c);
    const plane = H * W * C;
    const want: number[] = [];
    for (let b = 0; b < B; b++) {
      const px = Array.from({ length: H * W }, (_, p) => [
        img[b * plane + p * C],
        img[b * plane + p * C + 1],
      ]);
      want.push(...px.reverse().flat());
    }
    for (const interp of ["bilinear", "bicubic"] as const) {
      const out = bcnn.rotateArray(
        img,
        [B, H, W, C],
        Math.PI,
        new Float32Array(img.length).fill(7),
        interp,
      );
      assert.deepEqual(Array.from(out), want, interp);
    }
  });

  it("messages name what was expected", () => {
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    assert.throws(
      () => bcnn.rot90(x, 0.5),
      domain(/^rot90: argument k = 0.5 .*expected an integer number of quarter turns$/),
    );
    assert.throws(
      () => bcnn.rotateArray(new Float32Array(15), [1, 2, 4, 2], 1),
      shape(/^rotateArray data: expected shape length B·H·W·C = 16, got length 15$/),
    );
    assert.throws(
      () => bcnn.rotateArray(new Float32Array(16), [1, 4, 4, 1], NaN),
      domain(/expected a finite number of radians$/),
    );
    assert.throws(
      () => bcnn.rotateArray(new Float32Array(16), [1, 4, 4, 1], 1, undefined, "x" as never),
      domain(/expected "bilinear" or "bicubic"$/),
    );
    assert.throws(
      () => bcnn.samplingGrid("x" as never),
      domain(/expected "point", "oversampled" or "integrated"$/),
    );
    assert.throws(
      () => bcnn.samplingGrid("oversampled", 1),
      domain(/expected an integer in \[2, 64\]$/),
    );
    assert.throws(
      () => bcnn.modeSteering(5, { nInputs: 0 }),
      domain(/expected an integer in \[1, 10\^5\]$/),
    );
  });

  it("steerable keeps a ν = 0 mode only by its error (the constant mode always)", () => {
    // sub-grid 2, σ = 1: (0,0) 0.09%, (1,0) 0.32%, (0,1) 0.48%: at 0.35% the (0,1) mode is dropped
    assert.deepEqual(
      bcnn
        .policyModes(5, "steerable", { oversample: 2, steerTol: 0.0035 })
        .map((m) => `${m.nu}/${m.j}`),
      ["0/0", "1/0"],
    );
  });

  it("steeringExplorer: step 1 is allowed; the chart spec is exactly the documented one", () => {
    const modes = bcnn.policyModes(3, "nyquist").slice(0, 1);
    const one = bcnn.steeringExplorer(3, { stepDeg: 1, modes }) as any;
    assert.equal(one.data.values.length, 3 * 91);
    const spec = bcnn.steeringExplorer(3, { stepDeg: 45, modes, initialDeg: 0 }) as any;
    delete spec.data;
    assert.deepEqual(spec, {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: "Per-mode steering error, K = 3 (drag the angle; * = above Nyquist)",
      params: [
        {
          name: "angleDeg",
          value: 0,
          bind: { input: "range", min: 0, max: 90, step: 45, name: "rotation angle (°) " },
        },
      ],
      transform: [{ filter: "datum.angleDeg == angleDeg" }],
      mark: "bar",
      encoding: {
        x: { field: "mode", type: "nominal", sort: null, title: "mode (ν, j)" },
        xOffset: { field: "sampling", sort: ["point", "oversampled", "integrated"] },
        y: {
          field: "error",
          type: "quantitative",
          title: "steering error e(α)",
          scale: { domain: [0, 2] },
        },
        color: {
          field: "sampling",
          sort: ["point", "oversampled", "integrated"],
          title: "sampling",
        },
        tooltip: [
          { field: "mode" },
          { field: "sampling" },
          { field: "angleDeg", title: "angle (°)" },
          { field: "error", format: ".3f" },
        ],
      },
      width: 460,
      height: 220,
      config: { font: "DejaVu Sans", background: "white", view: { stroke: null } },
    });
  });
});
