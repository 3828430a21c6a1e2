/**
 * The equivariance toolkit (lib/src/equivariance): both directions, every group element counts,
 * the mask, each norm by hand, typed errors, and the old callers' loops reproduced bit for bit.
 */
import { strict as assert } from "node:assert";
import { equivariance, bcnn, frames, tf, DomainError, ShapeError, Rng } from "besselbook";
import { close } from "./helpers";

type Vec = number[];
type Act = equivariance.Action<Vec, Vec>;

const shift = (v: Vec, k: number): Vec => v.map((_, i) => v[(i - k + v.length * 4) % v.length]!);
/** The cyclic group C5 acting on vectors by shifting entries (inputs and outputs alike). */
const shifts = (ks: number[]): Act[] =>
  ks.map((k) => ({ name: `shift ${k}`, in: (v) => shift(v, k), out: (v) => shift(v, k) }));
const x0: Vec = [0.25, -1.5, 2.5, 0.75, -0.5]; // dyadic: sums and differences are exact

describe("equivariance toolkit", () => {
  it("an equivariant map scores 0; a map without the property is caught", () => {
    const sq = (v: Vec) => v.map((a) => a * a); // commutes with every shift
    const r = equivariance.equivarianceError({ f: sq, x: x0, actions: shifts([1, 2, 3, 4]) });
    assert.equal(r.max, 0);
    assert.deepEqual(r.errors, [[0, 0, 0, 0]]);
    const w = [1, 2, 3, 4, 5];
    const weighted = (v: Vec) => v.map((a, i) => a * w[i]!); // position-dependent: not equivariant
    const b = equivariance.equivarianceError({ f: weighted, x: x0, actions: shifts([1, 2, 3, 4]) });
    assert.ok(b.max > 0.3, `weighted map: ${b.max}`);
    assert.ok(
      b.errors[0]!.every((e) => e > 0.1),
      `every shift sees it: ${b.errors[0]}`,
    );
  });

  it("the worst element decides, wherever it sits in the list (first, middle, last), and names it", () => {
    const id = (v: Vec) => v.slice();
    const scale = Math.max(...x0.map(Math.abs)); // 2.5
    for (const at of [0, 2, 4]) {
      const acts: Act[] = shifts([1, 2, 3, 4, 1]).map((g, k) =>
        k === at
          ? {
              name: "broken",
              in: g.in,
              out: (v: Vec) => g.out(v).map((a, i) => (i === 3 ? a + 0.75 : a)),
            }
          : g,
      );
      const r = equivariance.equivarianceError({ f: id, x: x0, actions: acts });
      assert.equal(r.max, 0.75 / scale, `broken at ${at}`);
      assert.equal(r.worst.action, at);
      assert.equal(r.worst.name, "broken");
      assert.equal(r.worst.diff, 0.75);
      assert.equal(r.worst.scale, scale);
      assert.deepEqual(
        r.perAction.map((e, k) => (k === at ? e > 0 : e === 0)),
        [true, true, true, true, true],
      );
      close(r.mean, 0.75 / scale / 5, 1e-15, "mean over inputs × actions");
    }
    // the worst input decides too (per-input scale): the second input is the one that breaks
    const f = (v: Vec) => v.map((a, i) => (i === 0 && Math.abs(a - 9) < 1e-12 ? a + 1 : a));
    // on [9, 1, 1, 1, 1]: f(g·x) = [1, 9, 1, 1, 1], g·f(x) = [1, 10, 1, 1, 1], S = 10
    const r = equivariance.equivarianceError({
      f,
      inputs: [x0, [9, 1, 1, 1, 1], x0],
      actions: shifts([1]),
    });
    assert.equal(r.worst.input, 1);
    assert.equal(r.max, 1 / 10);
    assert.deepEqual(
      r.errors.map((row) => row[0]),
      [0, 1 / 10, 0],
    );
  });

  it("each norm against a hand-computed value, with and without a mask", () => {
    // f = identity, g perturbs the input by d and leaves outputs alone: lhs − rhs = d
    const x = [3, -4, 1, 0];
    const d = [0.5, 0, -1, 2];
    const g: Act = { name: "bump", in: (v) => v.map((a, i) => a + d[i]!), out: (v) => v };
    const run = (norm: equivariance.NormName, mask?: number[]) =>
      equivariance.equivarianceError({
        f: (v: Vec) => v.slice(),
        x,
        actions: g,
        norm,
        mask,
        zero: "absolute",
      });
    assert.equal(run("maxAbs").max, 2);
    assert.equal(run("relMaxAbs").max, 2 / 4);
    assert.equal(run("relL2").max, Math.sqrt(5.25 / 26));
    // the mask drops the last entry (d = 2): every norm must see only the kept entries
    const m = [1, 1, 1, 0];
    assert.equal(run("maxAbs", m).max, 1);
    assert.equal(run("relMaxAbs", m).max, 1 / 4);
    assert.equal(run("relL2", m).max, Math.sqrt(1.25 / 26));
    // a mask that drops the scale entry changes relMaxAbs's S too (max over kept entries of |f(x)|)
    assert.equal(run("relMaxAbs", [1, 0, 1, 1]).max, 2 / 3);
    // masking the only differing entries leaves no error at all
    assert.equal(run("maxAbs", [0, 1, 0, 0]).max, 0);
    // a mask function of the output's shape, and a named one
    const viaFn = equivariance.equivarianceError({
      f: (v: Vec) => v.slice(),
      x,
      actions: g,
      norm: "relL2",
      mask: { keep: (shape) => (shape[0] === 4 ? m : []), name: "the disk" },
    });
    assert.equal(viaFn.max, Math.sqrt(1.25 / 26));
    // the two-array norms
    assert.equal(equivariance.relMaxAbs([3.5, -4, 0, 2], x), 0.5);
    assert.equal(equivariance.relL2([3.5, -4, 0, 2], x), Math.sqrt(5.25 / 26));
    assert.equal(
      equivariance.relMaxAbs([3.5, -4, 0, 2], [0, 0, 0, 0]),
      4,
      "absolute when the reference is zero",
    );
  });

  it("pooled scale: the largest difference over the largest |f(x)| of all inputs", () => {
    const g: Act = { in: (v) => v.map((a, i) => (i === 0 ? a + 2 : a)), out: (v) => v };
    const xs = [
      [3, -4, 1],
      [30, -40, 10],
    ];
    const f = (v: Vec) => v.slice();
    const per = equivariance.equivarianceError({ f, inputs: xs, actions: g });
    const pooled = equivariance.equivarianceError({ f, inputs: xs, actions: g, scale: "pooled" });
    assert.equal(per.max, 2 / 4);
    assert.equal(pooled.max, 2 / 40);
    assert.deepEqual(pooled.scale, [40, 40]);
  });

  it("float32 arithmetic rounds each difference as a float32 tensor subtraction does", () => {
    const a = Math.fround(1 + 2 ** -23),
      b = 2 ** -30;
    assert.equal(
      equivariance.relMaxAbs([a], [b], { arithmetic: "float32" }),
      Math.fround(a - b) / b,
    );
    assert.equal(equivariance.relMaxAbs([a], [b]), (a - b) / b);
    assert.notEqual(Math.fround(a - b), a - b);
    // and on tensors: bcnn.maxRelDiff (float32 toolkit) equals tf.sub → tf.abs → tf.max
    const r = new Rng(5);
    const A = tf.tensor2d(
      Array.from({ length: 60 }, () => r.normal() * 1e3),
      [6, 10],
    );
    const B = tf.tensor2d(
      Array.from({ length: 60 }, () => r.normal() * 1e-3),
      [6, 10],
    );
    const viaTf = tf.tidy(
      () => tf.max(tf.abs(tf.sub(A, B))).dataSync()[0]! / tf.max(tf.abs(B)).dataSync()[0]!,
    );
    assert.equal(bcnn.maxRelDiff(A, B), viaTf);
    tf.dispose([A, B]);
  });

  it("relL2 with a disk mask reproduces the old bcnn loop (b, p, c order) bit for bit", () => {
    const r = new Rng(11);
    const [B, H, W, C] = [2, 7, 7, 3];
    const n = B * H * W * C;
    const got = Float32Array.from({ length: n }, () => r.normal());
    const target = Float32Array.from({ length: n }, () => r.normal());
    const disk = bcnn.diskMask(H, W);
    let num = 0,
      den = 0;
    for (let b = 0; b < B; b++)
      for (let p = 0; p < H * W; p++) {
        if (disk[p] === 0) continue;
        for (let c = 0; c < C; c++) {
          const i = (b * H * W + p) * C + c;
          const d = got[i]! - target[i]!;
          num += d * d;
          den += target[i]! * target[i]!;
        }
      }
    const keep = new Uint8Array(n).map((_, i) => disk[Math.floor(i / C) % (H * W)]!);
    assert.equal(equivariance.relL2(got, target, { mask: keep }), Math.sqrt(num / den));
    const rep = equivariance.equivarianceError({
      f: (v: Float32Array) => v,
      x: target,
      actions: { in: () => got, out: (y) => y },
      norm: "relL2",
      mask: keep,
    });
    assert.equal(rep.max, Math.sqrt(num / den));
  });

  it("bad input: typed errors naming the argument; NaN either refused or propagated", () => {
    const f = (v: Vec) => v.slice();
    const dom = (re: RegExp) => (e: unknown) =>
      e instanceof DomainError && re.test((e as Error).message);
    assert.throws(
      () => equivariance.equivarianceError({ f, x: x0, actions: [] }),
      dom(/argument actions = \[\]/),
    );
    assert.throws(
      () => equivariance.equivarianceError({ f, inputs: [], actions: shifts([1]) }),
      dom(/argument inputs = \[\]/),
    );
    assert.throws(
      () => equivariance.equivarianceError({ f, actions: shifts([1]) }),
      dom(/argument inputs/),
    );
    assert.throws(
      () =>
        equivariance.equivarianceError({
          f,
          x: x0,
          actions: shifts([1]),
          norm: "l1" as equivariance.NormName,
        }),
      dom(/argument norm = l1/),
    );
    assert.throws(
      () =>
        equivariance.equivarianceError({
          f,
          x: x0,
          actions: shifts([1]),
          norm: "relL2",
          scale: "pooled",
        }),
      dom(/argument scale/),
    );
    // a non-finite output: refused by default (naming which output), NaN error with "propagate"
    const nanAt2 = (v: Vec) => v.map((a, i) => (i === 2 && v[0] !== x0[0] ? NaN : a));
    assert.throws(
      () => equivariance.equivarianceError({ f: nanAt2, x: x0, actions: shifts([1]) }),
      dom(/argument f\(g·x\) = NaN .*shift 1/),
    );
    assert.throws(
      () => equivariance.equivarianceError({ f: () => [Infinity], x: x0, actions: shifts([0]) }),
      dom(/argument f\(x\) = Infinity/),
    );
    const p = equivariance.equivarianceError({
      f: nanAt2,
      x: x0,
      actions: shifts([0, 1, 0]),
      finite: "propagate",
    });
    assert.ok(Number.isNaN(p.max) && p.worst.action === 1, "a NaN error is the worst");
    // shapes
    const grow: Act = { in: (v) => v, out: (v) => [...v, 0] };
    assert.throws(
      () => equivariance.equivarianceError({ f, x: x0, actions: grow }),
      (e: unknown) =>
        e instanceof ShapeError &&
        /equivarianceError f\(g·x\).*\[6\] \(the shape of g·f\(x\)\)/.test((e as Error).message),
    );
    assert.throws(
      () => equivariance.equivarianceError({ f, x: x0, actions: shifts([1]), mask: [1, 1] }),
      (e: unknown) => e instanceof ShapeError && /mask/.test((e as Error).message),
    );
    // a zero reference: relMaxAbs absolute by default (flagged), or refused; relL2 refused
    const zero = () => [0, 0, 0];
    const z = equivariance.equivarianceError({ f: zero, x: x0, actions: shifts([1]) });
    assert.ok(z.absolute && z.max === 0);
    assert.throws(
      () => equivariance.equivarianceError({ f: zero, x: x0, actions: shifts([1]), zero: "throw" }),
      dom(/argument f\(x\) = all zeros .*non-zero value/),
    );
    assert.throws(
      () => equivariance.equivarianceError({ f: zero, x: x0, actions: shifts([1]), norm: "relL2" }),
      dom(/argument f\(x\) = all zeros at shift 1 .*non-zero norm/),
    );
    assert.throws(
      () =>
        equivariance.equivarianceError({
          f: zero,
          x: x0,
          actions: shifts([1]),
          norm: "relL2",
          mask: { keep: [1, 0, 1], name: "the disk" },
        }),
      dom(/all zeros on the disk at shift 1 .*inside the mask/),
    );
  });

  it("bcnn's and frames' actions are values the toolkit takes directly", () => {
    // bcnn: the quarter turns of an exactly equivariant map (pointwise square) score 0, the
    // rotations by 90° with bicubic resampling equal the exact turn; a shifted map is caught
    const r = new Rng(3);
    const X = tf.tensor4d(
      Float32Array.from({ length: 2 * 9 * 9 }, () => r.normal()),
      [2, 9, 9, 1],
    );
    const field = (t: tf.Tensor4D) => {
      const y = tf.tidy(() => tf.square(t));
      const out = { shape: [...y.shape], data: y.dataSync() as Float32Array };
      y.dispose();
      return out;
    };
    tf.tidy(() => {
      const q = equivariance.equivarianceError({
        f: field,
        x: X,
        actions: bcnn.quarterTurnActions(),
      });
      assert.deepEqual(q.perAction, [0, 0, 0]);
      assert.deepEqual(q.names, ["90°", "180°", "270°"]);
      const rot = equivariance.equivarianceError({
        f: field,
        x: X,
        actions: bcnn.rotationActions([90, 180, -90]),
        norm: "relL2",
      });
      assert.deepEqual(rot.perAction, [0, 0, 0]);
      const shifted = (t: tf.Tensor4D) =>
        field(
          tf.tidy(() =>
            tf.pad(tf.slice(t, [0, 0, 0, 0], [2, 9, 8, 1]), [
              [0, 0],
              [0, 0],
              [1, 0],
              [0, 0],
            ]),
          ),
        );
      assert.ok(
        equivariance.equivarianceError({ f: shifted, x: X, actions: bcnn.quarterTurnActions() })
          .max > 0.1,
      );
    });
    X.dispose();
    // frames: x ↦ Rx + t on positions, L ↦ L Rᵀ on frames; a quarter turn about z by hand
    const Rz = [0, -1, 0, 1, 0, 0, 0, 0, 1];
    const a = frames.frameAction(Rz, [1, 2, 3]);
    assert.deepEqual(Array.from(a.in([1, 0, 0])), [1, 3, 3]);
    assert.deepEqual(
      Array.from(a.out(Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1))),
      [0, 1, 0, -1, 0, 0, 0, 0, 1],
    );
    assert.equal(a.name, "rotation + translation");
  });
});
