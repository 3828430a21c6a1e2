/**
 * Issue #22, session 6: tests written for the StrykerJS run on the bcnn code that decides (module
 * `bcnn-decide` in stryker/modules.json: metrics.ts, the spec checks and counts of models.ts,
 * trainClassifier's checks and early stop, validateSeeds and scaledToParams). Public API only.
 *
 * References (ours): the metrics against their definitions computed here in float64 from the same
 * inputs (the rotation R_α itself is bcnn.rotateArray, tested in bcnn-mutants2), with cheap feature
 * maps whose answer is known (identity, scaling, a fixed additive field); parameter and MAC counts
 * by hand for small specs and against the built model; the early stop on criteria that are met
 * at once (trainAcc ≤ 1/classes… can always be met) or never (trainAcc 1 on random labels).
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { bcnn, init, rng, DomainError, ShapeError } from "besselbook";
import { isDomainError as domain, isShapeError as shape, closeRel as close } from "./helpers";

/** Deterministic pseudo-random values in [−1, 1] (no tfjs RNG involved). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** e(α) by definition: ‖M ⊙ (got − target)‖ / ‖M ⊙ target‖ over batch, pixels and channels. */
function relErr(
  got: ArrayLike<number>,
  target: ArrayLike<number>,
  B: number,
  H: number,
  W: number,
  C: number,
  mask: Float32Array,
) {
  let num = 0,
    den = 0;
  for (let b = 0; b < B; b++)
    for (let p = 0; p < H * W; p++) {
      if (!mask[p]) continue;
      for (let c = 0; c < C; c++) {
        const i = (b * H * W + p) * C + c;
        num += (got[i] - target[i]) ** 2;
        den += target[i] ** 2;
      }
    }
  return Math.sqrt(num / den);
}

describe("bcnn (mutants 3): metrics against their definitions", () => {
  before(async () => {
    await init({ quiet: true });
  });
  const B = 2,
    H = 9,
    W = 9,
    C = 2;
  const xs = values(B * H * W * C, 7);
  const field = values(H * W * C, 11); // a fixed field, not rotation invariant
  const x = () => tf.tensor4d(xs, [B, H, W, C]);
  const addField = (t: tf.Tensor4D) => tf.add(t, tf.tensor4d(field, [1, H, W, C])) as tf.Tensor4D;

  it("maxRelDiff = max|a − b| / max|b|; max|a − b| when b is all zero; shapes must agree", () => {
    const a = tf.tensor1d([1, 2, 3]),
      b = tf.tensor1d([1, 1, -4]),
      z = tf.zeros([3]);
    assert.equal(bcnn.maxRelDiff(a, b), 7 / 4);
    assert.equal(bcnn.maxRelDiff(b, a), 7 / 3);
    assert.equal(bcnn.maxRelDiff(a, z), 3);
    assert.equal(bcnn.maxRelDiff(a, a), 0);
    assert.throws(() => bcnn.maxRelDiff(a, tf.zeros([1, 3])), shape(/maxRelDiff.*\[1, 3\]/));
    tf.dispose([a, b, z]);
  });

  it("equivarianceError: identity f with a rotated input that is off by a known field, per angle and mean", () => {
    const X = x();
    const mask = bcnn.diskMask(H, W);
    const angles = [0, 30, -100];
    // f = identity; the 'rotated input' is R_α x plus (1 + |α|/100)·field: e(α) is known by
    // definition
    const rotated = (deg: number) => {
      const r = bcnn.rotateArray(xs, [B, H, W, C], (deg * Math.PI) / 180, undefined, "bicubic");
      const out = new Float32Array(r.length);
      for (let i = 0; i < r.length; i++)
        out[i] = r[i] + (1 + Math.abs(deg) / 100) * field[i % (H * W * C)];
      return { r, out };
    };
    const rep = bcnn.equivarianceError((t) => t, X, angles, {
      rotatedInput: (d) => tf.tensor4d(rotated(d).out, [B, H, W, C]),
    });
    const want = angles.map((d) => {
      const { r, out } = rotated(d);
      return relErr(out, r, B, H, W, C, mask);
    });
    assert.deepEqual(rep.anglesDeg, angles);
    want.forEach((w, k) => close(rep.errors[k], w, 1e-5, `angle ${angles[k]}`));
    close(rep.mean, (want[0] + want[1] + want[2]) / 3, 1e-5, "mean");
    assert.ok(
      want[2] > want[1] && want[1] > want[0],
      "the three angles differ (the test can tell them apart)",
    );
    // the mask: a field only outside the disk gives 0 with the mask, > 0 with a larger radius
    const corner = new Float32Array(B * H * W * C);
    for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) corner[(b * H * W + 0) * C + c] = 5; // pixel (0, 0)
    const id = (t: tf.Tensor4D) => t;
    const plusCorner = (d: number) =>
      tf.add(
        tf.tensor4d(bcnn.rotateArray(xs, [B, H, W, C], (d * Math.PI) / 180), [B, H, W, C]),
        tf.tensor4d(corner, [B, H, W, C]),
      ) as tf.Tensor4D;
    assert.equal(bcnn.equivarianceError(id, X, [0], { rotatedInput: plusCorner }).mean, 0);
    const wide = bcnn.equivarianceError(id, X, [0], { rotatedInput: plusCorner, maskRadius: 6 });
    close(
      wide.mean,
      relErr(
        tf.tidy(() => plusCorner(0).dataSync()),
        xs,
        B,
        H,
        W,
        C,
        bcnn.diskMask(H, W, 6),
      ),
      1e-6,
      "radius 6",
    );
    assert.ok(wide.mean > 0.1);
    X.dispose();
  });

  it("equivarianceError and the paper metric use bicubic by default and honour interpolation", () => {
    const X = x();
    const f = (t: tf.Tensor4D) => tf.square(t);
    const mask = bcnn.diskMask(H, W);
    for (const interp of ["bicubic", "bilinear"] as const) {
      const fx = Float32Array.from(xs, (v) => v * v);
      const a = (37 * Math.PI) / 180;
      const target = bcnn.rotateArray(fx, [B, H, W, C], a, undefined, interp);
      const rx = bcnn.rotateArray(xs, [B, H, W, C], a, undefined, interp);
      const got = Float32Array.from(rx, (v) => v * v);
      const want = relErr(got, target, B, H, W, C, mask);
      const r =
        interp === "bicubic"
          ? bcnn.equivarianceError(f, X, [37])
          : bcnn.equivarianceError(f, X, [37], { interpolation: interp });
      close(r.errors[0], want, 1e-5, interp);
    }
    const cub = bcnn.equivarianceError(f, X, [37]).mean,
      lin = bcnn.equivarianceError(f, X, [37], { interpolation: "bilinear" }).mean;
    assert.ok(Math.abs(cub - lin) > 1e-3 * cub, `bicubic ${cub} and bilinear ${lin} differ`);
    const pc = bcnn.paperEquivarianceError(f, X, [37]).mean,
      pl = bcnn.paperEquivarianceError(f, X, [37], { interpolation: "bilinear" }).mean;
    assert.notEqual(pc, pl);
    const ic = bcnn.invarianceError((t) => tf.sum(f(t), [1, 2]), X, [37]).mean;
    const il = bcnn.invarianceError((t) => tf.sum(f(t), [1, 2]), X, [37], {
      interpolation: "bilinear",
    }).mean;
    assert.notEqual(ic, il);
    X.dispose();
  });

  it("c4Field cycles the orientation blocks by round(α/90°) mod 4, in the right direction", () => {
    const F = 2,
      C4 = 4 * F,
      n = 1 * 6 * 6 * C4;
    const d = values(n, 5);
    const X = tf.tensor4d(d, [1, 6, 6, C4]);
    // a 'layer' that is an exact C4 field map: f(R x) = cycle(R f(x)) with f = identity holds
    // when the rotated input is the quarter-turned input with its blocks cycled by q
    const cycled = (deg: number) => {
      const q = ((Math.round(deg / 90) % 4) + 4) % 4;
      const r = tf.tidy(() => bcnn.rot90(X, q).dataSync());
      const out = new Float32Array(r.length);
      for (let base = 0; base < r.length; base += C4)
        for (let o = 0; o < 4; o++)
          for (let f = 0; f < F; f++) {
            out[base + ((o + q) % 4) * F + f] = r[base + o * F + f];
          }
      return tf.tensor4d(out, [1, 6, 6, C4]);
    };
    const angles = [90, 180, 270, -90, 450, 360, 89];
    const rep = bcnn.equivarianceError((t) => t, X, angles, {
      rotatedInput: cycled,
      c4Field: true,
    });
    for (let k = 0; k < 6; k++) assert.ok(rep.errors[k] < 1e-6, `${angles[k]}°: ${rep.errors[k]}`);
    const raw = bcnn.equivarianceError((t) => t, X, [90, 180, 270], { rotatedInput: cycled });
    assert.ok(Math.min(...raw.errors) > 0.3, `without c4Field: ${raw.errors}`);
    const paper = bcnn.paperEquivarianceError((t) => t, X, [90, 270, -90], {
      rotatedInput: cycled,
      c4Field: true,
      topMaps: C4,
    });
    assert.ok(Math.max(...paper.errors) < 1e-6, `paper metric: ${paper.errors}`);
    const odd = tf.zeros([1, 6, 6, 6]) as tf.Tensor4D;
    assert.throws(
      () => bcnn.equivarianceError((t) => tf.add(t, 1), odd, [90], { c4Field: true }),
      shape(/equivarianceError C4 field/),
    );
    assert.throws(
      () => bcnn.paperEquivarianceError((t) => tf.add(t, 1), odd, [90], { c4Field: true }),
      shape(/paperEquivarianceError C4 field/),
    );
    tf.dispose([X, odd]);
  });

  it("invarianceError = ‖f(R x) − f(x)‖ / ‖f(x)‖ per angle, mean over angles", () => {
    const X = x();
    const f = (t: tf.Tensor4D) => tf.sum(t, [1, 2]); // [B, C]
    const scaled = (deg: number) => tf.mul(X, 1 + deg / 360) as tf.Tensor4D; // f(R x) = (1 + α/360) f(x)
    const r = bcnn.invarianceError(f, X, [90, 180, -36], { rotatedInput: scaled });
    close(r.errors[0], 0.25, 1e-5);
    close(r.errors[1], 0.5, 1e-5);
    close(r.errors[2], 0.1, 1e-5);
    close(r.mean, 0.85 / 3, 1e-5);
    X.dispose();
  });

  it("rot90Error is the worst of the three quarter turns, for fields and for logits", () => {
    const X = x();
    // f(x) = x + field: f(R x) − R f(x) = field − R field, so the error is known per turn
    const fx = tf.tidy(() => addField(X).dataSync());
    const errs = [1, 2, 3].map((k) =>
      tf.tidy(() => {
        const frx = addField(bcnn.rot90(X, k)).dataSync();
        const target = bcnn.rot90(tf.tensor4d(fx, [B, H, W, C]), k).dataSync();
        let num = 0,
          den = 0;
        for (let i = 0; i < frx.length; i++) {
          num = Math.max(num, Math.abs(frx[i] - target[i]));
          den = Math.max(den, Math.abs(target[i]));
        }
        return num / den;
      }),
    );
    close(bcnn.rot90Error(addField, X), Math.max(...errs), 1e-6, "field");
    assert.ok(Math.max(...errs) > Math.min(...errs) * 1.01, `turns differ: ${errs}`);
    // logits: invariance, maxRelDiff(f(R^k x), f(x)); a weighted sum that is not rotation invariant
    const w = tf.tensor4d(field, [1, H, W, C]);
    const logits = (t: tf.Tensor4D) => tf.sum(tf.mul(t, w), [1, 2]);
    const f0 = tf.tidy(() => logits(X).dataSync());
    const lerr = [1, 2, 3].map((k) =>
      tf.tidy(() => {
        const g = logits(bcnn.rot90(X, k)).dataSync();
        let num = 0,
          den = 0;
        for (let i = 0; i < g.length; i++) {
          num = Math.max(num, Math.abs(g[i] - f0[i]));
          den = Math.max(den, Math.abs(f0[i]));
        }
        return num / den;
      }),
    );
    close(bcnn.rot90Error(logits, X), Math.max(...lerr), 1e-5, "logits");
    assert.ok(Math.max(...lerr) > Math.min(...lerr) * 1.01, `turns differ: ${lerr}`);
    // exactly equivariant maps score 0
    assert.equal(
      bcnn.rot90Error((t) => tf.square(t), X),
      0,
    );
    tf.dispose([X, w]);
  });

  it("the paper metric: top maps by mean activation, min–max scaled on the disk, mean |difference|", () => {
    const Cp = 3,
      Bp = 2;
    const d = values(Bp * H * W * Cp, 21);
    // channel means: shift channel 1 up by 3, channel 2 by 1: the top-2 maps are 1 and 2
    for (let i = 0; i < d.length; i++) d[i] += [0, 3, 1][i % Cp];
    const X = tf.tensor4d(d, [Bp, H, W, Cp]);
    const other = values(Bp * H * W * Cp, 22);
    const mask = bcnn.diskMask(H, W);
    const scale = (a: ArrayLike<number>, b: number, c: number) => {
      let lo = Infinity,
        hi = -Infinity;
      for (let p = 0; p < H * W; p++)
        if (mask[p]) {
          const v = a[(b * H * W + p) * Cp + c];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      return Array.from(
        { length: H * W },
        (_, p) => (a[(b * H * W + p) * Cp + c] - lo) / (hi - lo),
      );
    };
    const expected = (chans: number[]) => {
      let s = 0,
        n = 0;
      for (let b = 0; b < Bp; b++)
        for (const c of chans) {
          const u = scale(other, b, c),
            v = scale(d, b, c);
          for (let p = 0; p < H * W; p++)
            if (mask[p]) {
              s += Math.abs(u[p] - v[p]);
              n++;
            }
        }
      return s / n;
    };
    const rot = () => tf.tensor4d(other, [Bp, H, W, Cp]);
    const r2 = bcnn.paperEquivarianceError((t) => t, X, [0], { rotatedInput: rot, topMaps: 2 });
    close(r2.errors[0], expected([1, 2]), 1e-6, "top 2");
    assert.equal(r2.excluded, 0);
    const r1 = bcnn.paperEquivarianceError((t) => t, X, [0, 0], { rotatedInput: rot, topMaps: 1 });
    close(r1.mean, expected([1]), 1e-6, "top 1");
    const all = bcnn.paperEquivarianceError((t) => t, X, [0], { rotatedInput: rot, topMaps: 50 });
    close(all.mean, expected([0, 1, 2]), 1e-6, "topMaps > C takes all");
    const def = bcnn.paperEquivarianceError((t) => t, X, [0], { rotatedInput: rot });
    close(def.mean, expected([0, 1, 2]), 1e-6, "default 8 ≥ C");
    assert.ok(
      Math.abs(expected([1]) - expected([2])) > 1e-3 &&
        Math.abs(expected([1, 2]) - expected([0, 1, 2])) > 1e-3,
    );
    for (const t of [1.5, -1, NaN])
      assert.throws(
        () => bcnn.paperEquivarianceError((u) => u, X, [0], { topMaps: t }),
        domain(/topMaps/),
      );
    // a constant f(R x) against a varying reference scores as an all-zero map
    const flat = () => tf.onesLike(X) as tf.Tensor4D;
    const rf = bcnn.paperEquivarianceError((t) => t, X, [0], { rotatedInput: flat, topMaps: 1 });
    let s = 0,
      n = 0;
    for (let b = 0; b < Bp; b++) {
      const v = scale(d, b, 1);
      for (let p = 0; p < H * W; p++)
        if (mask[p]) {
          s += v[p];
          n++;
        }
    }
    close(rf.mean, s / n, 1e-6, "constant f(R x)");
    X.dispose();
  });

  it("orderEquivariance: energy shares by order, per-order errors, max ≥ mean", () => {
    const X = x();
    // a fake layer: order 0 is x² (equivariant), order 1 is x + field (not); O = C outputs
    const layer = {
      basis: { orders: [0, 1] },
      orderPower: (t: tf.Tensor4D) => tf.tidy(() => tf.stack([tf.square(t), addField(t)], 3)),
    };
    const angles = [90, 180];
    const res = bcnn.orderEquivariance(layer, X, angles, {
      rotatedInput: (d) => bcnn.rot90(X, d / 90),
    });
    assert.equal(res.length, 2);
    assert.deepEqual(
      res.map((r) => r.nu),
      [0, 1],
    );
    const e0 = tf.tidy(() => tf.sum(tf.square(X)).dataSync()[0]);
    const e1 = tf.tidy(() => tf.sum(addField(X)).dataSync()[0]);
    close(res[0].energyShare, e0 / (e0 + e1), 1e-5, "share 0");
    close(res[1].energyShare, e1 / (e0 + e1), 1e-5, "share 1");
    assert.ok(res[0].max < 1e-6 && res[0].mean < 1e-6, `order 0: ${res[0].errors}`);
    const want = angles.map(
      (d) =>
        bcnn.equivarianceError(addField, X, [d], { rotatedInput: (a) => bcnn.rot90(X, a / 90) })
          .mean,
    );
    want.forEach((w, k) => close(res[1].errors[k], w, 1e-6, `order 1 at ${angles[k]}°`));
    close(res[1].max, Math.max(...want), 1e-6, "max");
    close(res[1].mean, (want[0] + want[1]) / 2, 1e-6, "mean");
    assert.ok(Math.abs(want[0] - want[1]) > 1e-3, "the angles differ");
    X.dispose();
  });

  it("a NaN anywhere in x and an f that returns NaN are refused, naming what", () => {
    const d = Float32Array.from(xs);
    d[d.length - 1] = NaN;
    const bad = tf.tensor4d(d, [B, H, W, C]);
    for (const [name, fn] of [
      ["equivarianceError", () => bcnn.equivarianceError((t) => t, bad, [10])],
      ["invarianceError", () => bcnn.invarianceError((t) => t, bad, [10])],
      ["rot90Error", () => bcnn.rot90Error((t) => t, bad)],
      ["paperEquivarianceError", () => bcnn.paperEquivarianceError((t) => t, bad, [10])],
    ] as [string, () => unknown][])
      assert.throws(fn, domain(new RegExp(`${name}: argument x = NaN`)), name);
    const X = x();
    for (const a of [Infinity, 1e6 + 1, "10" as unknown as number]) {
      assert.throws(
        () => bcnn.equivarianceError((t) => t, X, [a]),
        domain(/anglesDeg.*\|α\| ≤ 1e6/),
      );
    }
    assert.equal(bcnn.equivarianceError((t) => t, X, [1e6]).anglesDeg[0], 1e6);
    let k = 0;
    const late = (t: tf.Tensor4D) => (k++ === 0 ? t : tf.mul(t, NaN));
    assert.throws(
      () => bcnn.equivarianceError(late, X, [10]),
      domain(/equivarianceError: argument f\(x\) = NaN.*finite outputs/),
    );
    const rank3 = (t: tf.Tensor4D) => tf.sum(t, 3);
    assert.throws(
      () => bcnn.equivarianceError(rank3, X, [10]),
      shape(/equivarianceError feature map/),
    );
    assert.throws(
      () => bcnn.paperEquivarianceError(rank3, X, [10]),
      shape(/paperEquivarianceError feature map/),
    );
    let j = 0;
    const shrink = (t: tf.Tensor4D) => (j++ === 0 ? t : tf.slice(t, [0, 0, 0, 0], [B, H, W, 1]));
    assert.throws(
      () => bcnn.paperEquivarianceError(shrink, X, [10]),
      shape(/paperEquivarianceError f\(R x\)/),
    );
    tf.dispose([bad, X]);
  });
});

describe("bcnn (mutants 3): spec checks and counts by hand", () => {
  before(async () => {
    await init({ quiet: true });
  });
  const cnn: bcnn.NetSpec = {
    kind: "cnn",
    inputShape: [8, 8, 1],
    widths: [2, 3],
    kernelSizes: [3, 5],
    pool: [true, false],
    classes: 4,
  };

  it("countParams and convMacs of small CNN and C4 specs by hand, and against the built model", () => {
    // conv 3×3·1·2 + 2 bias + BN 2·2; conv 5×5·2·3 + 3 + BN 2·3; dense 3·4 + 4
    assert.equal(bcnn.countParams(cnn), 9 * 2 + 2 + 4 + (25 * 2 * 3 + 3 + 6) + (3 * 4 + 4));
    // 8·8·9·1·2 before the pool, 4·4·25·2·3 after it
    assert.equal(bcnn.convMacs(cnn), 8 * 8 * 9 * 2 + 4 * 4 * 25 * 2 * 3);
    const c4 = { ...cnn, kind: "c4" as const };
    // lifting layer 9·1·2 + 2; group layer 25·(4·2)·3 + 3; BN 2·width each; dense on F = 3
    assert.equal(bcnn.countParams(c4), 9 * 2 + 2 + 4 + (25 * 8 * 3 + 3 + 6) + (3 * 4 + 4));
    assert.equal(bcnn.convMacs(c4), 8 * 8 * 9 * 1 * 4 * 2 + 4 * 4 * 25 * 8 * 4 * 3);
    const noPool = { ...cnn, pool: [false, false] };
    assert.equal(bcnn.convMacs(noPool), 8 * 8 * 9 * 2 + 8 * 8 * 25 * 2 * 3);
    for (const spec of [cnn, c4, { ...cnn, kind: "bcnn" as const, kernelSizes: [5, 5] }]) {
      const m = bcnn.buildNet(spec);
      assert.equal(bcnn.trainableParams(m), bcnn.countParams(spec), spec.kind);
      m.dispose();
    }
  });

  it("matchedCnnSpec and scaledToParams land at the parameter count closest to the target on their grids", () => {
    const b = bcnn.defaultBcnnSpec({ widths: [4, 6], kernelSizes: [5, 5], pool: [true, false] });
    const target = bcnn.countParams(b);
    for (const kind of ["cnn", "c4"] as const) {
      const m = bcnn.matchedCnnSpec(b, kind);
      assert.equal(m.kind, kind);
      for (const k of [
        "reflectionInvariant",
        "oversample",
        "response",
        "basis",
        "steerTol",
        "steerSigma",
      ])
        assert.ok(!(k in m), k);
      const gap = Math.abs(bcnn.countParams(m) - target);
      // no width pair round(s·w) on a coarser sweep does better
      for (let s = 0.3; s <= 3; s += 0.05) {
        const widths = b.widths.map((w) => Math.max(1, Math.round(s * w)));
        assert.ok(Math.abs(bcnn.countParams({ ...m, widths }) - target) >= gap, `${kind} s = ${s}`);
      }
    }
    assert.throws(
      () => bcnn.matchedCnnSpec({ ...b, kind: "cnn" }),
      domain(/matchedCnnSpec: argument bcnn\.kind = cnn/),
    );
    assert.throws(
      () => bcnn.matchedCnnSpec(b, "bcnn" as "cnn"),
      domain(/matchedCnnSpec: argument kind = bcnn/),
    );
    const want = 2 * target;
    const sc = bcnn.scaledToParams(b, want);
    const g = Math.abs(bcnn.countParams(sc) - want);
    for (let s = 0.3; s <= 3; s += 0.05) {
      const widths = b.widths.map((w) => Math.max(1, Math.round(s * w)));
      assert.ok(Math.abs(bcnn.countParams({ ...b, widths }) - want) >= g, `scaled s = ${s}`);
    }
    assert.ok(sc.widths[0] > b.widths[0], "twice the parameters needs wider layers");
    assert.equal(
      bcnn.scaledToParams(b, 1).widths.every((w, i) => w <= b.widths[i]),
      true,
    );
  });

  it("every spec check refuses its bad value by name and accepts its boundary", () => {
    const bad: [Partial<bcnn.NetSpec>, (e: unknown) => boolean][] = [
      [{ kind: "mlp" as "cnn" }, domain(/buildNet: argument spec\.kind = mlp/)],
      [{ widths: [], kernelSizes: [], pool: [] }, domain(/spec\.widths = \[\]/)],
      [{ kernelSizes: [3] }, shape(/kernelSizes and pool of length widths\.length = 2.*1 and 2/)],
      [{ pool: [true] }, shape(/2 and 1/)],
      [{ classes: 1 }, domain(/spec\.classes = 1/)],
      [{ classes: 2.5 }, domain(/spec\.classes = 2\.5/)],
      [{ widths: [2, 0] }, domain(/spec\.widths\[1\] = 0/)],
      [{ widths: [1.5, 3] }, domain(/spec\.widths\[0\] = 1\.5/)],
      [{ impl: "fft" as "conv" }, domain(/spec\.impl = fft/)],
      [{ bconv: "dense" as "bank" }, domain(/spec\.bconv = dense/)],
      [{ bconv: "basis" }, domain(/spec\.bconv = basis.*kind "cnn"/)],
      [{ poolKind: "min" as "avg" }, domain(/spec\.poolKind = min/)],
      [{ globalPool: "sum" as "mean" }, domain(/spec\.globalPool = sum/)],
      [{ inputShape: [6, 7, 1] }, shape(/buildNet pool after block 1/)],
      [
        { inputShape: [6, 6, 1], pool: [true, true] },
        shape(/buildNet pool after block 2.*\[3, 3\]/),
      ],
    ];
    for (const [o, ok] of bad) {
      assert.throws(() => bcnn.countParams({ ...cnn, ...o }), ok, JSON.stringify(o));
      assert.throws(() => bcnn.convMacs({ ...cnn, ...o }), ok, JSON.stringify(o));
    }
    assert.throws(
      () => bcnn.countParams({ ...cnn, kind: "bcnn", bconv: "basis", impl: "matmul" }),
      domain(/spec\.impl = matmul.*bconv "basis"/),
    );
    // boundaries accepted
    assert.ok(bcnn.countParams({ ...cnn, classes: 2 }) > 0);
    assert.ok(bcnn.countParams({ ...cnn, widths: [1, 1] }) > 0);
    assert.ok(bcnn.countParams({ ...cnn, impl: "matmul", poolKind: "max", globalPool: "max" }) > 0);
    assert.ok(
      bcnn.countParams({
        ...cnn,
        kind: "bcnn",
        kernelSizes: [5, 5],
        bconv: "basisDense",
        impl: "conv",
      }) > 0,
    );
    assert.ok(bcnn.countParams({ ...cnn, inputShape: [6, 7, 1], pool: [false, false] }) > 0);
    for (const seed of [-1, 2.5, 2 ** 30 + 1])
      assert.throws(
        () => bcnn.buildNet({ ...cnn, seed }),
        domain(/buildNet: argument spec\.seed/),
        `seed ${seed}`,
      );
    bcnn.buildNet({ ...cnn, seed: 2 ** 30 }).dispose();
  });

  it("defaultBcnnSpec: the notebook-05 layout, overridden field by field", () => {
    const d = bcnn.defaultBcnnSpec();
    assert.deepEqual(
      [d.kind, d.inputShape, d.widths, d.kernelSizes, d.pool, d.classes],
      ["bcnn", [28, 28, 1], [6, 12, 12], [5, 5, 5], [true, true, false], 10],
    );
    assert.deepEqual(
      [d.response, d.poolKind, d.globalPool, d.oversample, d.basis, d.seed],
      ["modulus", "avg", "mean", 2, "paper", 0],
    );
    assert.deepEqual(bcnn.defaultBcnnSpec({ classes: 3, seed: 9 }).classes, 3);
    assert.equal(bcnn.defaultBcnnSpec({ seed: 9 }).seed, 9);
  });
});

describe("bcnn (mutants 3): trainClassifier's checks and its early-stop criterion", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });
  const spec: bcnn.NetSpec = {
    kind: "cnn",
    inputShape: [4, 4, 1],
    widths: [2],
    kernelSizes: [3],
    pool: [false],
    classes: 2,
    seed: 1,
  };
  const set = (n: number, labels?: number[]) => ({
    images: values(n * 16, 3).map((v) => Math.abs(v)),
    labels: Int32Array.from(labels ?? Array.from({ length: n }, (_, i) => i % 2)),
    n,
    height: 4,
    width: 4,
    classNames: ["a", "b"],
  });

  it("the set's sizes and class count are checked, naming the field", async () => {
    const m = bcnn.buildNet(spec);
    const s = set(6);
    await assert.rejects(
      bcnn.trainClassifier(m, { ...s, n: 5 }, { epochs: 1 }),
      shape(/trainClassifier images.*length n·height·width = 80.*length 96/),
    );
    await assert.rejects(
      bcnn.trainClassifier(m, { ...s, labels: s.labels.subarray(0, 5) }, { epochs: 1 }),
      shape(/trainClassifier labels.*length n = 6.*length 5/),
    );
    await assert.rejects(
      bcnn.trainClassifier(m, { ...s, classNames: ["a"] }, { epochs: 1 }),
      domain(/classNames\.length = 1/),
    );
    for (const epochs of [-1, 1.5, NaN])
      await assert.rejects(
        bcnn.trainClassifier(m, s, { epochs }),
        domain(/argument epochs/),
        `epochs ${epochs}`,
      );
    for (const batchSize of [0, 2.5])
      await assert.rejects(
        bcnn.trainClassifier(m, s, { epochs: 1, batchSize }),
        domain(/argument batchSize/),
      );
    for (const trainAcc of [0, 1.01, NaN]) {
      await assert.rejects(
        bcnn.trainClassifier(m, s, { epochs: 1, until: { trainAcc, maxEpochs: 2 } }),
        domain(/until\.trainAcc/),
        `trainAcc ${trainAcc}`,
      );
    }
    await assert.rejects(
      bcnn.trainClassifier(m, s, { epochs: 3, until: { trainAcc: 0.5, maxEpochs: 2 } }),
      domain(/until\.maxEpochs = 2.*≥ epochs \(3\)/),
    );
    await assert.rejects(
      bcnn.trainClassifier(m, s, { epochs: 0, until: { trainAcc: 0.5, maxEpochs: 0 } }),
      domain(/until\.maxEpochs = 0/),
    );
    await assert.rejects(
      bcnn.trainClassifier(m, s, { epochs: 1, until: { trainAcc: 0.5, maxEpochs: 1.5 } }),
      domain(/until\.maxEpochs = 1\.5/),
    );
    // epochs 0: nothing runs, no calibration, no loss
    const h0 = await bcnn.trainClassifier(m, s, { epochs: 0 });
    assert.deepEqual([h0.steps, h0.epochs, h0.loss.length], [0, 0, 0]);
    m.dispose();
  });

  it("steps = epochs · ceil(n / batchSize); the mean loss per epoch is the mean of its steps", async () => {
    const m = bcnn.buildNet(spec);
    const losses: number[][] = [];
    const h = await bcnn.trainClassifier(m, set(7), {
      epochs: 2,
      batchSize: 3,
      calibrationBatches: 0,
      learningRate: 1e-2,
      onStep: ({ epoch, step, stepsPerEpoch, loss }) => {
        assert.equal(stepsPerEpoch, 3);
        (losses[epoch] ??= [])[step] = loss;
      },
    });
    assert.deepEqual([h.steps, h.epochs, h.loss.length], [6, 2, 2]);
    h.loss.forEach((l, e) =>
      close(l, losses[e].reduce((a, b) => a + b, 0) / 3, 1e-12, `epoch ${e}`),
    );
    assert.equal(h.trainAcc, undefined);
    assert.equal(h.criterionMet, undefined);
    m.dispose();
  });

  it("until: met at the first judged epoch stops there; never met runs to maxEpochs", async () => {
    // trainAcc 0.01 is met by any model at epoch max(1, epochs)
    const m1 = bcnn.buildNet(spec);
    const h1 = await bcnn.trainClassifier(m1, set(8), {
      epochs: 2,
      batchSize: 4,
      until: { trainAcc: 0.01, maxEpochs: 5 },
    });
    assert.deepEqual([h1.epochs, h1.steps, h1.criterionMet, h1.trainAcc!.length], [2, 4, true, 1]);
    const m0 = bcnn.buildNet(spec);
    const h0 = await bcnn.trainClassifier(m0, set(8), {
      epochs: 0,
      batchSize: 4,
      until: { trainAcc: 0.01, maxEpochs: 5 },
    });
    assert.deepEqual([h0.epochs, h0.criterionMet, h0.trainAcc!.length], [1, true, 1]);
    // identical images with opposite labels: 100% is impossible, so it runs all maxEpochs
    const same = set(8);
    same.images = new Float32Array(8 * 16).fill(0.5);
    const m2 = bcnn.buildNet(spec);
    const h2 = await bcnn.trainClassifier(m2, same, {
      epochs: 1,
      batchSize: 4,
      until: { trainAcc: 1, maxEpochs: 3 },
    });
    assert.deepEqual([h2.epochs, h2.steps, h2.criterionMet, h2.trainAcc!.length], [3, 6, false, 3]);
    for (const a of h2.trainAcc!) assert.equal(a, 0.5);
    // the accuracy it records is the accuracy of the trained model on the set
    close(h1.trainAcc![0], bcnn.accuracy(m1, set(8)), 1e-12, "recorded accuracy");
    tf.dispose([m0, m1, m2] as unknown as tf.TensorContainer);
  });

  it("accuracyAndLoss: accuracy and mean cross-entropy by hand from the logits", () => {
    const m = bcnn.buildNet(spec);
    const s = set(5, [0, 1, 1, 0, 1]);
    const logits = tf.tidy(
      () => (m.predict(tf.tensor4d(s.images, [5, 4, 4, 1])) as tf.Tensor).arraySync() as number[][],
    );
    let hit = 0,
      ce = 0;
    logits.forEach((l, i) => {
      const mx = Math.max(...l),
        lse = mx + Math.log(l.reduce((a, v) => a + Math.exp(v - mx), 0));
      ce += lse - l[s.labels[i]];
      if ((l[1] > l[0] ? 1 : 0) === s.labels[i]) hit++;
    });
    const r = bcnn.accuracyAndLoss(m, s, 2);
    close(r.accuracy, hit / 5, 1e-12, "accuracy");
    close(r.loss, ce / 5, 1e-5, "loss");
    assert.equal(bcnn.accuracy(m, s, 3), hit / 5);
    assert.deepEqual(
      Array.from(bcnn.predictClasses(m, s.images, [5, 4, 4, 1], 2)),
      logits.map((l) => (l[1] > l[0] ? 1 : 0)),
    );
    m.dispose();
  });
});

describe("bcnn (mutants 3): validateSeeds", () => {
  it("accepts distinct integers ≥ 0 (a copy) and refuses everything else, naming fn and argument", () => {
    const seeds = [0, 3, 1];
    const out = bcnn.validateSeeds("f", "seeds", seeds);
    assert.deepEqual(out, seeds);
    assert.notEqual(out, seeds);
    for (const [v, re] of [
      [[], /f: argument seeds = \[\]/],
      [undefined, /f: argument seeds = undefined/],
      [5, /argument seeds = 5/],
      [[1, -1], /\[1, -1\] \(contains -1\)/],
      [[1.5], /contains 1\.5/],
      [["2"], /contains 2/],
      [[NaN], /contains NaN/],
      [[2, 4, 2], /\[2, 4, 2\] \(seed 2 twice\)/],
    ] as [unknown, RegExp][])
      assert.throws(() => bcnn.validateSeeds("f", "seeds", v), domain(re), JSON.stringify(v));
  });
});

// ---------------------------------------------------------------------------------------------
// Second batch: written from the survivors of the first bcnn-decide run (environment.md).

describe("bcnn (mutants 3): messages, defaults and exact values the first run left open", () => {
  before(async () => {
    await init({ quiet: true });
  });
  const B = 2,
    H = 9,
    W = 9,
    C = 2;
  const xs = values(B * H * W * C, 7);
  const x = () => tf.tensor4d(xs, [B, H, W, C]);

  it("every metric refusal names its function, the argument and what was expected", () => {
    const X = x();
    const nan = (t: tf.Tensor4D) => tf.mul(t, NaN);
    const zero = (t: tf.Tensor4D) => tf.mul(t, 0);
    const cases: [string, () => unknown, RegExp][] = [
      [
        "rot90Error NaN f",
        () => bcnn.rot90Error(nan, X),
        /^rot90Error: argument f\(x\) = NaN .*finite outputs/,
      ],
      [
        "rot90Error all zero",
        () => bcnn.rot90Error(zero, X),
        /^rot90Error: argument f\(x\) = all zeros .*an output with a non-zero value \(the relative error is undefined\)/,
      ],
      [
        "equivarianceError NaN f",
        () => bcnn.equivarianceError(nan, X, [10]),
        /^equivarianceError: argument f\(x\) = NaN/,
      ],
      [
        "equivarianceError dead",
        () => bcnn.equivarianceError(zero, X, [10]),
        /^equivarianceError: argument f\(x\) = all zeros on the disk at 10° .*non-zero energy inside the mask/,
      ],
      [
        "invarianceError NaN f",
        () => bcnn.invarianceError(nan, X, [10]),
        /^invarianceError: argument f\(x\) = NaN/,
      ],
      [
        "invarianceError dead",
        () => bcnn.invarianceError(zero, X, [10]),
        /^invarianceError: argument f\(x\) = all zeros .*an output with non-zero norm/,
      ],
      [
        "paper NaN f",
        () => bcnn.paperEquivarianceError(nan, X, [10]),
        /^paperEquivarianceError: argument f\(x\) = NaN/,
      ],
      [
        "paper dead",
        () => bcnn.paperEquivarianceError(zero, X, [10]),
        /^paperEquivarianceError: argument f\(x\) = every chosen map constant on the disk at 10° .*at least one non-constant map/,
      ],
      [
        "paper topMaps",
        () => bcnn.paperEquivarianceError((t) => t, X, [10], { topMaps: 0 }),
        /^paperEquivarianceError: argument topMaps = 0 .*a positive integer/,
      ],
      [
        "orderEquivariance angles",
        () => bcnn.orderEquivariance({ basis: { orders: [0] }, orderPower: (t) => t }, X, []),
        /^orderEquivariance: argument anglesDeg = \[\] .*a non-empty array of angles in degrees/,
      ],
      [
        "finite input",
        () =>
          bcnn.equivarianceError((t) => t, tf.fill([1, 3, 3, 1], Infinity) as tf.Tensor4D, [10]),
        /argument x = Infinity .*finite input values/,
      ],
    ];
    for (const [what, fn, re] of cases)
      assert.throws(
        fn,
        (e: unknown) => e instanceof DomainError && re.test((e as Error).message),
        what,
      );
    const shapes: [string, () => unknown, RegExp][] = [
      [
        "rank 3 x",
        () => bcnn.equivarianceError((t) => t, tf.zeros([2, 3, 3]) as unknown as tf.Tensor4D, [10]),
        /equivarianceError x.*\[B, H, W, C\].*\[2, ?3, ?3\]/,
      ],
      [
        "no x",
        () => bcnn.rot90Error((t) => t, undefined as unknown as tf.Tensor4D),
        /rot90Error x.*none/,
      ],
      [
        "empty x",
        () => bcnn.invarianceError((t) => t, tf.zeros([0, 3, 3, 1]) as tf.Tensor4D, [10]),
        /invarianceError x.*every size ≥ 1 \(an empty batch has no error to measure\)/,
      ],
      [
        "feature rank",
        () => bcnn.equivarianceError((t) => tf.sum(t, 3), X, [10]),
        /equivarianceError feature map.*\[B, H, W, C\]/,
      ],
      [
        "paper feature rank",
        () => bcnn.paperEquivarianceError((t) => tf.sum(t, 3), X, [10]),
        /paperEquivarianceError feature map.*\[B, H, W, C\]/,
      ],
      [
        "C4 field",
        () => bcnn.equivarianceError((t) => t, X, [90], { c4Field: true }),
        /equivarianceError C4 field.*\[B, H, W, 4·F\] \(orientation-major\).*\[2, ?9, ?9, ?2\]/,
      ],
    ];
    for (const [what, fn, re] of shapes)
      assert.throws(
        fn,
        (e: unknown) => e instanceof ShapeError && re.test((e as Error).message),
        what,
      );
    let k = 0;
    const shrink = (t: tf.Tensor4D) => (k++ === 0 ? t : tf.slice(t, [0, 0, 0, 0], [B, H, W, 1]));
    assert.throws(
      () => bcnn.equivarianceError(shrink, X, [10]),
      shape(/equivarianceError f\(R x\).*\[2, 9, 9, 2\]/),
    );
    k = 0;
    assert.throws(
      () => bcnn.paperEquivarianceError(shrink, X, [10]),
      shape(/paperEquivarianceError f\(R x\).*\[2, 9, 9, 2\]/),
    );
    X.dispose();
  });

  it("rot90Error accepts an output with some zeros (only an all-zero output is refused)", () => {
    const X = x();
    const relu = (t: tf.Tensor4D) => tf.relu(t);
    assert.equal(bcnn.rot90Error(relu, X), 0); // relu commutes with quarter turns; half its entries are 0
    X.dispose();
  });

  it("invarianceError and the paper metric rotate by α in degrees, bicubic unless told otherwise", () => {
    const X = x();
    const sq = (t: tf.Tensor4D) => tf.sum(tf.square(t), [1, 2]); // [B, C]
    const fx = tf.tidy(() => sq(X).dataSync());
    for (const [opts, interp] of [
      [{}, "bicubic"],
      [{ interpolation: "bilinear" as const }, "bilinear"],
    ] as const) {
      const r = bcnn.invarianceError(sq, X, [37, 200], opts);
      assert.deepEqual(r.anglesDeg, [37, 200]);
      [37, 200].forEach((deg, k) => {
        const rx = bcnn.rotateArray(xs, [B, H, W, C], (deg * Math.PI) / 180, undefined, interp);
        const g = tf.tidy(() => sq(tf.tensor4d(rx, [B, H, W, C])).dataSync());
        let d = 0,
          n = 0;
        for (let i = 0; i < g.length; i++) {
          d += (g[i] - fx[i]) ** 2;
          n += fx[i] ** 2;
        }
        close(r.errors[k], Math.sqrt(d / n), 1e-5, `${interp} ${deg}°`);
      });
    }
    // the paper metric at 90° (exact for both interpolations) and its angles
    const p = bcnn.paperEquivarianceError((t) => tf.square(t), X, [90, 180]);
    assert.deepEqual(p.anglesDeg, [90, 180]);
    assert.ok(p.mean < 1e-6, `${p.errors}`);
    const pb = bcnn.paperEquivarianceError((t) => tf.square(t), X, [37]).mean;
    const pl = bcnn.paperEquivarianceError((t) => tf.square(t), X, [37], {
      interpolation: "bilinear",
    }).mean;
    const Ref = (interp: "bicubic" | "bilinear") => {
      const a = (37 * Math.PI) / 180,
        mask = bcnn.diskMask(H, W);
      const target = bcnn.rotateArray(
        Float32Array.from(xs, (v) => v * v),
        [B, H, W, C],
        a,
        undefined,
        interp,
      );
      const got = Float32Array.from(
        bcnn.rotateArray(xs, [B, H, W, C], a, undefined, interp),
        (v) => v * v,
      );
      const sc = (d: Float32Array, b: number, c: number) => {
        let lo = Infinity,
          hi = -Infinity;
        for (let q = 0; q < H * W; q++)
          if (mask[q]) {
            lo = Math.min(lo, d[(b * H * W + q) * C + c]);
            hi = Math.max(hi, d[(b * H * W + q) * C + c]);
          }
        return (q: number) => (d[(b * H * W + q) * C + c] - lo) / (hi - lo);
      };
      let s = 0,
        n = 0;
      for (let b = 0; b < B; b++)
        for (let c = 0; c < C; c++) {
          const u = sc(got, b, c),
            v = sc(target, b, c);
          for (let q = 0; q < H * W; q++)
            if (mask[q]) {
              s += Math.abs(u(q) - v(q));
              n++;
            }
        }
      return s / n;
    };
    close(pb, Ref("bicubic"), 1e-5, "paper bicubic");
    close(pl, Ref("bilinear"), 1e-5, "paper bilinear");
    X.dispose();
  });

  it("the paper metric's min–max range is taken per image: the next image's corner does not leak in", () => {
    const Cp = 1,
      Bp = 2;
    const d = values(Bp * H * W * Cp, 31);
    d[H * W] = 100; // image 1, pixel (0, 0): outside the disk, far outside image 0's range
    const other = values(Bp * H * W * Cp, 32);
    other[H * W] = -100;
    const X = tf.tensor4d(d, [Bp, H, W, Cp]);
    const mask = bcnn.diskMask(H, W);
    const scale = (a: Float32Array, b: number) => {
      let lo = Infinity,
        hi = -Infinity;
      for (let q = 0; q < H * W; q++)
        if (mask[q]) {
          lo = Math.min(lo, a[b * H * W + q]);
          hi = Math.max(hi, a[b * H * W + q]);
        }
      return (q: number) => (a[b * H * W + q] - lo) / (hi - lo);
    };
    let s = 0,
      n = 0;
    for (let b = 0; b < Bp; b++) {
      const u = scale(other, b),
        v = scale(d, b);
      for (let q = 0; q < H * W; q++)
        if (mask[q]) {
          s += Math.abs(u(q) - v(q));
          n++;
        }
    }
    const r = bcnn.paperEquivarianceError((t) => t, X, [0], {
      rotatedInput: () => tf.tensor4d(other, [Bp, H, W, Cp]),
    });
    close(r.mean, s / n, 1e-6, "per-image range");
    X.dispose();
  });
});

describe("bcnn (mutants 3): models — layer options reach the layers, pools where asked, message texts", () => {
  before(async () => {
    await init({ quiet: true });
  });
  const cnn: bcnn.NetSpec = {
    kind: "cnn",
    inputShape: [8, 8, 1],
    widths: [2, 3],
    kernelSizes: [3, 5],
    pool: [true, false],
    classes: 4,
  };
  const conf = (m: tf.LayersModel, name: string) =>
    m.getLayer(name).getConfig() as Record<string, unknown>;

  it("buildNet passes impl, bconv, reflectionInvariant, oversample, steerTol and steerSigma to every B-conv", () => {
    const b = { ...cnn, kind: "bcnn" as const, kernelSizes: [5, 5] };
    const cases: [Partial<bcnn.NetSpec>, Record<string, unknown>][] = [
      [{}, { impl: "conv", reflectionInvariant: false, oversample: 2 }],
      [{ impl: "matmul" }, { impl: "matmul" }],
      [{ bconv: "basis" }, { impl: "basis" }],
      [{ bconv: "basisDense" }, { impl: "basisDense" }],
      [{ bconv: "bank" }, { impl: "conv" }],
      [
        { reflectionInvariant: true, oversample: 3 },
        { reflectionInvariant: true, oversample: 3 },
      ],
      [
        { basis: "steerable", steerTol: 0.02, steerSigma: 0.8 },
        { steerTol: 0.02, steerSigma: 0.8 },
      ],
    ];
    for (const [o, want] of cases) {
      const m = bcnn.buildNet({ ...b, ...o });
      for (const name of ["conv1", "conv2"]) {
        const c = conf(m, name);
        for (const [k, v] of Object.entries(want))
          assert.deepEqual(c[k], v, `${JSON.stringify(o)} ${name}.${k}`);
      }
      if (o.steerTol === undefined) assert.equal(conf(m, "conv1").steerTol, undefined);
      m.dispose();
    }
  });

  it("buildNet pools only after the blocks asked for, names the input 'image', and counts B-conv MACs by hand", () => {
    const m = bcnn.buildNet({ ...cnn, poolKind: "max" });
    const names = m.layers.map((l) => l.name);
    assert.ok(names.includes("pool1") && !names.includes("pool2"), names.join());
    assert.ok(names.includes("image"));
    m.dispose();
    // B-conv by the filter bank: h·w·K²·C_in·R·O per block, R = real filters per output channel
    const b = { ...cnn, kind: "bcnn" as const, kernelSizes: [5, 5] };
    const R = new bcnn.BesselConv2D({ filters: 1, kernelSize: 5 }).channels.length;
    assert.equal(bcnn.convMacs(b), 8 * 8 * 25 * 1 * R * 2 + 4 * 4 * 25 * 2 * R * 3);
    // factorised: h·w·(K²·C_in·N + C_in·Σ_b N_b·R_b·O) with the layer's own basis layout
    for (const kind of ["basis", "basisDense"] as const) {
      const L = new bcnn.BesselConv2D({ filters: 1, kernelSize: 5, impl: kind });
      const { images, blocks } = L.basisLayout(kind);
      const mix = blocks.reduce((s, bl) => s + bl.images * bl.responses, 0);
      const want =
        8 * 8 * (25 * 1 * images.length + 1 * mix * 2) +
        4 * 4 * (25 * 2 * images.length + 2 * mix * 3);
      assert.equal(bcnn.convMacs({ ...b, bconv: kind }), want, kind);
    }
  });

  it("every spec refusal states what was expected", () => {
    const bad: [Partial<bcnn.NetSpec>, RegExp][] = [
      [
        { kind: "mlp" as "cnn" },
        /^buildNet: argument spec\.kind = mlp .*expected "bcnn", "cnn" or "c4"$/,
      ],
      [
        { widths: [], kernelSizes: [], pool: [] },
        /^buildNet: argument spec\.widths = \[\] .*at least one conv block$/,
      ],
      [{ kernelSizes: [3] }, /^buildNet spec/],
      [{ classes: 1 }, /^buildNet: argument spec\.classes = 1 .*an integer ≥ 2$/],
      [{ widths: [2, 0] }, /^buildNet: .*a positive integer$/],
      [{ impl: "fft" as "conv" }, /^buildNet: .*"conv", "matmul" or undefined$/],
      [
        { kind: "bcnn", kernelSizes: [5, 5], bconv: "basis", impl: "matmul" },
        /^buildNet: argument spec\.impl = matmul .*undefined or "conv" with spec\.bconv "basis"/,
      ],
      [{ bconv: "dense" as "bank" }, /^buildNet: .*"bank", "basis" or "basisDense"$/],
      [{ bconv: "basis" }, /^buildNet: .*undefined or "bank" for kind "cnn" \(B-CNN only\)$/],
      [{ poolKind: "min" as "avg" }, /^buildNet: .*"avg" or "max"$/],
      [{ globalPool: "sum" as "mean" }, /^buildNet: .*"mean" or "max"$/],
      [{ inputShape: [6, 7, 1] }, /even height and width \(keeps rot90 exact\)/],
    ];
    for (const [o, re] of bad)
      assert.throws(
        () => bcnn.countParams({ ...cnn, ...o }),
        (e: unknown) => re.test((e as Error).message),
        JSON.stringify(o),
      );
    assert.throws(
      () => bcnn.buildNet({ ...cnn, seed: -1 }),
      (e: unknown) => /an integer in \[0, 2\^30\]$/.test((e as Error).message),
    );
    const b = bcnn.defaultBcnnSpec();
    assert.throws(
      () => bcnn.matchedCnnSpec({ ...b, kind: "c4" }),
      (e: unknown) => /expected "bcnn"$/.test((e as Error).message),
    );
    assert.throws(
      () => bcnn.matchedCnnSpec(b, "x" as "cnn"),
      (e: unknown) => /expected "cnn" or "c4"$/.test((e as Error).message),
    );
    assert.throws(
      () => bcnn.scaledToParams(b, 0),
      (e: unknown) =>
        /^scaledToParams: argument target = 0 .*a finite parameter count ≥ 1$/.test(
          (e as Error).message,
        ),
    );
    for (const [v, re] of [
      [[], /a non-empty array of distinct integer seeds ≥ 0$/],
      [[-1], /expected distinct integer seeds ≥ 0$/],
      [
        [1, 1],
        /distinct integer seeds ≥ 0 \(a repeated seed repeats the same deterministic run\)$/,
      ],
    ] as [unknown, RegExp][])
      assert.throws(
        () => bcnn.validateSeeds("f", "s", v),
        (e: unknown) => re.test((e as Error).message),
      );
  });
});

describe("bcnn (mutants 3): trainClassifier's batches, learning rate, calibration and timing", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });
  const spec: bcnn.NetSpec = {
    kind: "cnn",
    inputShape: [4, 4, 1],
    widths: [2],
    kernelSizes: [3],
    pool: [false],
    classes: 2,
    seed: 1,
  };
  const set = (n: number) => ({
    images: values(n * 16, 3).map((v) => Math.abs(v)),
    labels: Int32Array.from({ length: n }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)),
    n,
    height: 4,
    width: 4,
    classNames: ["a", "b"],
  });
  /**
   * Softmax cross-entropy of the model in training mode on images `idx` (what a step's loss is).
   */
  const stepLoss = (
    m: tf.LayersModel,
    s: ReturnType<typeof set>,
    idx: number[],
    angles?: number[],
  ) =>
    tf.tidy(() => {
      let xb: Float32Array = new Float32Array(idx.length * 16);
      idx.forEach((k, i) => xb.set(s.images.subarray(k * 16, (k + 1) * 16), i * 16));
      if (angles) xb = bcnn.rotateEach(xb, [idx.length, 4, 4, 1], angles) as Float32Array;
      const y = tf.oneHot(
        tf.tensor1d(
          idx.map((k) => s.labels[k]),
          "int32",
        ),
        2,
      );
      return tf.losses
        .softmaxCrossEntropy(
          y,
          m.apply(tf.tensor4d(xb, [idx.length, 4, 4, 1]), { training: true }) as tf.Tensor,
        )
        .dataSync()[0];
    });

  for (const augment of ["none", "rotate"] as const) {
    it(`each step trains on the images and labels of its slice of the epoch's permutation (augment ${augment})`, async () => {
      // a learning rate of 1e-12 leaves the weights as they are, so every step's loss is the
      // initial model's loss on the batch the documented order gives: rng(seed).permutation(n)
      // per epoch, batches of batchSize in that order, the last one short; rotation angles drawn
      // after each batch's permutation slice
      const s = set(7),
        bs = 3,
        seed = 4;
      const m = bcnn.buildNet(spec);
      const got: number[] = [];
      await bcnn.trainClassifier(m, s, {
        epochs: 2,
        batchSize: bs,
        learningRate: 1e-12,
        seed,
        augment,
        calibrationBatches: 0,
        onStep: ({ loss }) => {
          got.push(loss);
        },
      });
      const r = rng(seed),
        want: number[] = [];
      for (let e = 0; e < 2; e++) {
        const order = Array.from(r.permutation(7));
        for (let st = 0; st < 3; st++) {
          const idx = order.slice(st * bs, st * bs + bs);
          const angles =
            augment === "rotate" ? idx.map(() => 2 * Math.PI * r.uniform()) : undefined;
          want.push(stepLoss(m, s, idx, angles));
        }
      }
      assert.equal(got.length, 6);
      got.forEach((g, i) => close(g, want[i], 1e-5, `step ${i}`));
      m.dispose();
    });
  }

  it("learningRate and calibrationBatches are used when given (3e-3 and 10 by default)", async () => {
    const s = set(8);
    const run = async (o: Partial<bcnn.TrainOptions>) => {
      const m = bcnn.buildNet(spec);
      const h = await bcnn.trainClassifier(m, s, { epochs: 2, batchSize: 4, seed: 2, ...o });
      const out = tf.tidy(() =>
        Array.from((m.predict(tf.tensor4d(s.images, [8, 4, 4, 1])) as tf.Tensor).dataSync()),
      );
      m.dispose();
      return { loss: h.loss, out };
    };
    const def = await run({}),
      lr = await run({ learningRate: 3e-3 }),
      fast = await run({ learningRate: 0.1 });
    assert.deepEqual(def.loss, lr.loss);
    assert.notDeepEqual(fast.loss, def.loss);
    const cal10 = await run({ calibrationBatches: 10 }),
      cal0 = await run({ calibrationBatches: 0 });
    assert.deepEqual(cal10.out, def.out);
    assert.notDeepEqual(cal0.out, def.out);
  });

  it("the final calibration is calibrateNorms with the run's batch size, augment and seed + 1, and only after training", async () => {
    const s = set(7);
    const a = bcnn.buildNet(spec),
      b = bcnn.buildNet(spec);
    await bcnn.trainClassifier(a, s, { epochs: 1, batchSize: 3, seed: 5, calibrationBatches: 2 });
    await bcnn.trainClassifier(b, s, { epochs: 1, batchSize: 3, seed: 5, calibrationBatches: 0 });
    assert.equal(bcnn.calibrateNorms(b, s, { batches: 2, batchSize: 3, seed: 6 }), 2);
    const pa = tf.tidy(() =>
      Array.from((a.predict(tf.tensor4d(s.images, [7, 4, 4, 1])) as tf.Tensor).dataSync()),
    );
    const pb = tf.tidy(() =>
      Array.from((b.predict(tf.tensor4d(s.images, [7, 4, 4, 1])) as tf.Tensor).dataSync()),
    );
    pa.forEach((v, i) => close(v, pb[i], 1e-6, `logit ${i}`));
    // a calibration with another seed gives other statistics (the test can tell seeds apart)
    bcnn.calibrateNorms(b, s, { batches: 2, batchSize: 3, seed: 4 });
    const pc = tf.tidy(() =>
      Array.from((b.predict(tf.tensor4d(s.images, [7, 4, 4, 1])) as tf.Tensor).dataSync()),
    );
    assert.ok(pc.some((v, i) => Math.abs(v - pa[i]) > 1e-5));
    // epochs 0: no calibration either — the model is untouched
    const c = bcnn.buildNet(spec);
    const before = tf.tidy(() =>
      Array.from((c.predict(tf.tensor4d(s.images, [7, 4, 4, 1])) as tf.Tensor).dataSync()),
    );
    await bcnn.trainClassifier(c, s, { epochs: 0 });
    const after = tf.tidy(() =>
      Array.from((c.predict(tf.tensor4d(s.images, [7, 4, 4, 1])) as tf.Tensor).dataSync()),
    );
    assert.deepEqual(after, before);
    tf.dispose([a, b, c] as unknown as tf.TensorContainer);
  });

  it("calibrateNorms uses min(batches, ⌊n / batchSize⌋) batches (≥ 1), 0 for a model without ChannelNorm", () => {
    const s = set(7);
    const m = bcnn.buildNet(spec);
    assert.equal(bcnn.calibrateNorms(m, s, { batches: 5, batchSize: 3 }), 2);
    assert.equal(bcnn.calibrateNorms(m, s, { batches: 1, batchSize: 3 }), 1);
    assert.equal(bcnn.calibrateNorms(m, s, {}), 1); // batch size min(64, 7) = 7: one batch
    assert.equal(bcnn.calibrateNorms(m, s, { batchSize: 2 }), 3);
    assert.throws(
      () => bcnn.calibrateNorms(m, { ...s, n: 6 }, {}),
      shape(/^calibrateNorms images/),
    );
    const plain = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 2 })],
    });
    assert.equal(bcnn.calibrateNorms(plain, s, {}), 0);
    m.dispose();
    plain.dispose();
  });

  it("until: an accuracy exactly at trainAcc meets it (≥); maxEpochs = epochs is allowed; batchSize 1 too", async () => {
    const same = set(8);
    same.images = new Float32Array(8 * 16).fill(0.5);
    same.labels = Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1]); // identical images: accuracy exactly 0.5
    const m = bcnn.buildNet(spec);
    const h = await bcnn.trainClassifier(m, same, {
      epochs: 1,
      batchSize: 4,
      until: { trainAcc: 0.5, maxEpochs: 3 },
    });
    assert.deepEqual([h.epochs, h.criterionMet, h.trainAcc], [1, true, [0.5]]);
    const h2 = await bcnn.trainClassifier(m, same, {
      epochs: 2,
      batchSize: 1,
      until: { trainAcc: 1, maxEpochs: 2 },
    });
    assert.deepEqual([h2.epochs, h2.steps, h2.criterionMet], [2, 16, false]);
    m.dispose();
  });

  it("history.seconds is the wall time of the run", async () => {
    const m = bcnn.buildNet(spec);
    const t0 = Date.now();
    const h = await bcnn.trainClassifier(m, set(6), { epochs: 1, batchSize: 3 });
    const wall = (Date.now() - t0) / 1000;
    assert.ok(h.seconds >= 0 && h.seconds <= wall + 0.01, `${h.seconds} vs ${wall}`);
    m.dispose();
  });

  it("the fixed-weight classifier: predictClasses, accuracy, accuracyAndLoss and accuracyVsAngle by hand", async () => {
    // logit₁ − logit₀ = Σ (left half − right half): class 1 iff the ink is on the left
    const m = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 1] }),
        tf.layers.dense({ units: 2, useBias: false }),
      ],
    });
    const w = new Float32Array(32);
    for (let p = 0; p < 16; p++) {
      const left = p % 4 < 2 ? 1 : -1;
      w[2 * p] = -left;
      w[2 * p + 1] = left;
    }
    m.layers[1].setWeights([tf.tensor2d(w, [16, 2])]);
    const n = 5,
      images = new Float32Array(n * 16),
      labels = Int32Array.from([1, 0, 1, 1, 0]);
    labels.forEach((l, i) => {
      for (let r = 0; r < 4; r++) images[i * 16 + r * 4 + (l ? 0 : 3)] = 1 + 0.1 * i;
    });
    const s = { images, labels, n, height: 4, width: 4, classNames: ["right", "left"] };
    assert.deepEqual(Array.from(bcnn.predictClasses(m, images, [n, 4, 4, 1], 2)), [1, 0, 1, 1, 0]);
    assert.equal(bcnn.accuracy(m, s, 2), 1);
    assert.equal(bcnn.accuracy(m, { ...s, labels: Int32Array.from([0, 0, 1, 1, 1]) }), 0.6);
    // loss: logits ±4(1 + 0.1 i) → CE = log(1 + e^{−8(1 + 0.1 i)})
    const ce = Array.from({ length: n }, (_, i) => Math.log1p(Math.exp(-8 * (1 + 0.1 * i))));
    const r = bcnn.accuracyAndLoss(m, s, 2);
    assert.equal(r.accuracy, 1);
    close(r.loss, ce.reduce((a, b) => a + b, 0) / n, 1e-5, "mean cross-entropy");
    const va = await bcnn.accuracyVsAngle(m, s, [0, 180, 360]);
    assert.deepEqual(
      va.map((v) => v.angleDeg),
      [0, 180, 360],
    );
    assert.deepEqual(
      va.map((v) => v.accuracy),
      [1, 0, 1],
    );
    assert.throws(() => bcnn.accuracy(m, { ...s, n: 4 }), shape(/^accuracy images/));
    await assert.rejects(
      bcnn.accuracyVsAngle(m, { ...s, n: 4 }, [0]),
      shape(/^accuracyVsAngle images/),
    );
    assert.throws(() => bcnn.accuracyAndLoss(m, { ...s, n: 4 }), shape(/^accuracyAndLoss images/));
    m.layers[1].setWeights([tf.fill([16, 2], NaN) as tf.Tensor2D]);
    assert.throws(
      () => bcnn.accuracyAndLoss(m, s),
      (e: unknown) =>
        e instanceof DomainError &&
        /^accuracyAndLoss: argument model output = NaN .*finite logits/.test((e as Error).message),
    );
    m.dispose();
  });
});
