/**
 * Tests written against the survivors of StrykerJS runs on lib/src/frames/linalg.ts, cg.ts and
 * reps.ts (issue #22, session 5; environment.md, "Mutation testing", footnote 5). Public API only,
 * float64, unit level.
 *
 * cg.ts caches every Clebsch–Gordan matrix in a module-level map. In a mutation run the dry run
 * fills that map with correct values, so a mutant of the computation would be read from the cache
 * and never run. The first test therefore loads a fresh copy of the compiled cg module (its cache
 * empty) and computes C for the paths with at most 45 rows; it checks the defining properties —
 * D^{ℓ₃}(R) C = C (D^{ℓ₁}(R) ⊗ D^{ℓ₂}(R)) for rotations that are not the module's generators,
 * reflections by the parity rule, C Cᵀ = I and the sign rule — not the values the module caches.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { frames as F, linalg, rng, init } from "besselbook";
import { isDomainError as domain, isShapeError as shape } from "./helpers";

type Order = F.Order;
type CgModule = { clebschGordan: (a: Order, b: Order, c: Order) => linalg.Mat };

/** The compiled cg module, loaded anew (an empty cache): `besselbook/frames/cg`. */
function freshCg(): CgModule {
  const file = require.resolve("besselbook/frames/cg");
  delete require.cache[file];
  return require(file) as CgModule;
}

const maxAbs = (m: linalg.Mat) => m.data.reduce((s, x) => Math.max(s, Math.abs(x)), 0);

describe("frames (mutants 4): Clebsch–Gordan computed afresh (no cache)", () => {
  const r = rng(2026);
  const rotations = [0, 1, 2].map(() => linalg.randomRotation(r));
  const reflections = [0, 1].map(() => linalg.randomRotation(r, true));
  // every path with (2ℓ₃+1)(2ℓ₁+1)(2ℓ₂+1) ≤ 45 rows, both parities (the 75-row ones take
  // seconds each in an instrumented mutation run)
  const paths: [Order, Order, Order][] = [
    [0, 0, 0],
    [0, 1, 1],
    [1, 0, 1],
    [1, 1, 0],
    [1, 1, 1],
    [1, 1, 2],
    [0, 2, 2],
    [2, 0, 2],
    [1, 2, 1],
    [2, 1, 1],
    [2, 2, 0],
  ];

  it("intertwines rotations, reflections exactly when ℓ₁+ℓ₂+ℓ₃ is even; C Cᵀ = I; sign rule", () => {
    const cg = freshCg();
    for (const [a, b, c] of paths) {
      const C = cg.clebschGordan(a, b, c);
      const what = `${a}⊗${b}→${c}`;
      assert.equal(C.rows, 2 * c + 1, `${what} rows`);
      assert.equal(C.cols, (2 * a + 1) * (2 * b + 1), `${what} cols`);
      assert.ok(
        linalg.maxAbsDiff(linalg.matMul(C, linalg.transpose(C)), linalg.eye(C.rows)) < 1e-12,
        `${what} C Cᵀ`,
      );
      let big = 0;
      for (const x of C.data) if (Math.abs(x) > Math.abs(big) + 1e-9) big = x;
      assert.ok(big > 0, `${what} sign`);
      for (const R of rotations) {
        const lhs = linalg.matMul(F.wignerD(c, R), C);
        const rhs = linalg.matMul(C, linalg.kron(F.wignerD(a, R), F.wignerD(b, R)));
        assert.ok(
          linalg.maxAbsDiff(lhs, rhs) < 1e-12,
          `${what} rotation: ${linalg.maxAbsDiff(lhs, rhs)}`,
        );
      }
      for (const R of reflections) {
        const lhs = linalg.matMul(F.wignerD(c, R), C);
        const rhs = linalg.matMul(C, linalg.kron(F.wignerD(a, R), F.wignerD(b, R)));
        const err = linalg.maxAbsDiff(lhs, rhs);
        if ((a + b + c) % 2 === 0) assert.ok(err < 1e-12, `${what} reflection: ${err}`);
        else assert.ok(err > 0.1, `${what} reflection should fail (odd path): ${err}`);
      }
      assert.ok(maxAbs(C) <= 1 + 1e-12, `${what} entries ≤ 1`);
    }
  });

  it("the cache returns the same matrix object on the second call; fresh and cached agree", () => {
    const cg = freshCg();
    const first = cg.clebschGordan(1, 1, 2);
    assert.equal(cg.clebschGordan(1, 1, 2), first);
    assert.ok(linalg.maxAbsDiff(first, F.clebschGordan(1, 1, 2)) < 1e-12);
  });
});

type RepsModule = {
  irrepBasis: (l: Order) => linalg.Mat;
  wignerD: (l: Order, R: ArrayLike<number>) => linalg.Mat;
};

/** The compiled reps module, loaded anew: its ℓ = 3 basis Q₃ is built lazily and kept. */
function freshReps(): RepsModule {
  const file = require.resolve("besselbook/frames/reps");
  delete require.cache[file];
  return require(file) as RepsModule;
}

describe("frames (mutants 4): the ℓ = 3 basis built afresh", () => {
  it("Q₃ by hand for y(3x² − y²) and xyz; rows orthonormal, symmetric, traceless; D³ a homomorphism", () => {
    const Q = freshReps().irrepBasis(3);
    assert.equal(Q.rows, 7);
    assert.equal(Q.cols, 27);
    const at = (m: number, a: number, b: number, c: number) => Q.data[27 * m + 9 * a + 3 * b + c];
    // m = −3: y(3x² − y²) → entries 1 at the three orderings of (x, x, y), −1 at (y, y, y); norm 2
    for (const [a, b, c] of [
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ])
      assert.ok(Math.abs(at(0, a, b, c) - 0.5) < 1e-15);
    assert.ok(Math.abs(at(0, 1, 1, 1) + 0.5) < 1e-15);
    // m = −2: xyz → 1/√6 at the six orderings of (x, y, z)
    for (const [a, b, c] of [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]) {
      assert.ok(Math.abs(at(1, a, b, c) - 1 / Math.sqrt(6)) < 1e-15);
    }
    assert.ok(
      linalg.maxAbsDiff(linalg.matMul(Q, linalg.transpose(Q)), linalg.eye(7)) < 1e-14,
      "orthonormal rows",
    );
    for (let m = 0; m < 7; m++) {
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++)
          for (let c = 0; c < 3; c++) {
            assert.ok(
              Math.abs(at(m, a, b, c) - at(m, b, c, a)) < 1e-15 &&
                Math.abs(at(m, a, b, c) - at(m, b, a, c)) < 1e-15,
              `row ${m} symmetric at ${a}${b}${c}`,
            );
          }
      for (let c = 0; c < 3; c++) {
        assert.ok(
          Math.abs(at(m, 0, 0, c) + at(m, 1, 1, c) + at(m, 2, 2, c)) < 1e-15,
          `row ${m} traceless`,
        );
      }
    }
    const reps = freshReps();
    const r = rng(7);
    const R1 = linalg.randomRotation(r),
      R2 = linalg.randomRotation(r, true);
    const D12 = reps.wignerD(3, linalg.mul3(R1, R2));
    assert.ok(
      linalg.maxAbsDiff(D12, linalg.matMul(reps.wignerD(3, R1), reps.wignerD(3, R2))) < 1e-13,
    );
  });
});

describe("frames (mutants 4): linalg and reps, exact small cases and messages", () => {
  it("symmetricEigen: tol is relative to the largest entry; maxSweeps 0 does no rotation", () => {
    const A = linalg.mat(2, 2, [0, 0.05, 0.05, 10]);
    // tol·max|A| = 0.1 ≥ |A₀₁| = 0.05: already diagonal enough, nothing rotated
    const loose = linalg.symmetricEigen(A, { tol: 0.01 });
    assert.deepEqual(Array.from(loose.values), [0, 10]);
    assert.deepEqual(Array.from(loose.vectors.data), [1, 0, 0, 1]);
    // tol·max|A| = 0.01 < 0.05: rotated; eigenvalues 5 ± √(25 + 0.0025)
    const tight = linalg.symmetricEigen(A, { tol: 0.001 });
    assert.ok(Math.abs(tight.values[0] - (5 - Math.sqrt(25.0025))) < 1e-15, `${tight.values[0]}`);
    const none = linalg.symmetricEigen(linalg.mat(3, 3, [3, 1, 0, 1, 1, 0, 0, 0, 2]), {
      maxSweeps: 0,
    });
    assert.deepEqual(Array.from(none.values), [1, 2, 3]);
    assert.deepEqual(Array.from(none.vectors.data), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it("shape checks of maxAbsDiff and toMat3 look at rows and columns separately; full messages", () => {
    assert.throws(
      () => linalg.maxAbsDiff(linalg.mat(2, 3), linalg.mat(2, 2)),
      shape(/^maxAbsDiff b: expected shape \[2, 3\], got \[2, 2\]$/),
    );
    assert.throws(
      () => linalg.maxAbsDiff(linalg.mat(2, 3), linalg.mat(3, 3)),
      shape(/^maxAbsDiff b: expected shape \[2, 3\], got \[3, 3\]$/),
    );
    assert.throws(
      () => linalg.toMat3(linalg.mat(2, 3)),
      shape(/^toMat3: expected shape \[3, 3\], got \[2, 3\]$/),
    );
    assert.throws(
      () => linalg.toMat3(linalg.mat(3, 2)),
      shape(/^toMat3: expected shape \[3, 3\], got \[3, 2\]$/),
    );
    assert.throws(
      () => linalg.fromMat3([1, 2]),
      shape(/^fromMat3: expected shape 9 entries \(row-major 3×3\), got \[2\]$/),
    );
    assert.throws(
      () => linalg.transformPoints([1, 2, 3, 4], linalg.I3),
      shape(/^transformPoints pos: expected shape a flat \[N·3\] array, got \[4\]$/),
    );
    assert.throws(
      () => linalg.axisAngle([0, 0, 0], 1),
      domain(/^axisAngle: argument axis = .*expected a non-zero 3-vector$/),
    );
  });

  it("reps refusals: full expected texts and the shape that was given", () => {
    const R = linalg.I3;
    assert.throws(
      () => F.parseRep(" + "),
      domain(/expected a layout like "16x0e \+ 8x1o" or "16xT0 \+ 8xT1"$/),
    );
    assert.throws(
      () => F.tensorPower(R, 4 as Order),
      domain(/^tensorPower: argument k = 4 .*expected 0, 1, 2 or 3$/),
    );
    assert.throws(
      () => F.wignerD(1, [1, 0, 0]),
      shape(/^wignerD R: expected shape 9 entries \(row-major 3×3\), got \[3\]$/),
    );
    assert.throws(
      () => F.rhoBlock({ kind: "cart", order: 1, pseudo: false }, [1, 0]),
      shape(/^rho R: expected shape 9 entries \(row-major 3×3\), got \[2\]$/),
    );
    assert.throws(
      () => F.applyRho("1x1o", R, [1, 2]),
      shape(/^applyRho f: expected shape length 3 \(dim of 1x1o\), got \[2\]$/),
    );
    assert.throws(
      () => F.ambiguityGroup(4),
      domain(/^ambiguityGroup: argument rank = 4 .*expected 0, 1, 2 or 3$/),
    );
    assert.throws(
      () => F.clebschGordan(4 as Order, 0, 0),
      domain(/^clebschGordan: argument l1 = 4 .*expected 0, 1, 2 or 3$/),
    );
    assert.throws(
      () => F.cgPaths(4 as Order),
      domain(/^cgPaths: argument lmax = 4 .*expected 0, 1, 2 or 3$/),
    );
    assert.throws(
      () => F.irrepBasis(4 as Order),
      domain(/^irrepBasis: argument l = 4 .*expected 0, 1, 2 or 3$/),
    );
    assert.throws(
      () => F.wignerD(1, [1, 0, 0, 0, NaN, 0, 0, 0, 1]),
      domain(/^wignerD: argument R\[4\] = NaN .*expected a finite entry$/),
    );
    assert.throws(
      () => F.sphericalHarmonic(1, [0, 0, 0]),
      domain(/^sphericalHarmonic: argument v = .*expected a finite non-zero 3-vector$/),
    );
    assert.throws(
      () => F.parseRep("8x1"),
      domain(/expected irrep blocks with parity e or o, e\.g\. 1o$/),
    );
    assert.throws(
      () => F.parseRep("8y1o"),
      domain(
        /expected blocks like "8x1o" \(irrep ℓ ≤ 3, parity e\/o\) or "8xT1" \/ "8xT1p" \(Cartesian rank ≤ 3\)$/,
      ),
    );
  });

  it("parseRep: anchored pattern, multi-digit multiplicities, spaces around x, empty parts skipped", () => {
    assert.deepEqual(F.parseRep("16x0e"), [{ kind: "irrep", order: 0, pseudo: false, mult: 16 }]);
    assert.deepEqual(F.parseRep("2 x 1o"), [{ kind: "irrep", order: 1, pseudo: false, mult: 2 }]);
    assert.deepEqual(F.parseRep("1x0e + "), F.parseRep("1x0e"));
    for (const bad of ["z1x0e", "1x1oz", "1x1o 2"])
      assert.throws(() => F.parseRep(bad), domain(/^parseRep: argument text = /), bad);
  });

  it("ℓ = 3 is accepted: C^3_{3,0} = I₇ (sign rule), cgPaths(3) lists 23 parity-even and 34 paths", () => {
    const C = F.clebschGordan(3, 0, 3);
    assert.ok(linalg.maxAbsDiff(C, linalg.eye(7)) < 1e-12);
    assert.equal(F.cgPaths(3).length, 23);
    assert.equal(F.cgPaths(3, false).length, 34);
  });
});

describe("frames (mutants 4): the float32 representations against the float64 ones", () => {
  before(async () => {
    await init({ quiet: true });
  });
  const r = rng(11);
  const Rs = [linalg.randomRotation(r), linalg.randomRotation(r, true)];

  it("rhoBlockTf equals rhoBlock for every kind, order ≤ 3 and pseudo flag (a rotation and a reflection)", () => {
    const R = tf.tensor3d(Float32Array.from(Rs.flatMap((m) => Array.from(m))), [2, 3, 3]);
    for (const kind of ["cart", "irrep"] as const)
      for (const order of [0, 1, 2, 3] as Order[]) {
        for (const pseudo of [false, true]) {
          const got = F.rhoBlockTf({ kind, order, pseudo }, R);
          const g = got.arraySync() as number[][][];
          Rs.forEach((Rm, e) => {
            const want = F.rhoBlock({ kind, order, pseudo }, Rm);
            assert.equal(g[e].length, want.rows, `${kind}${order}${pseudo} rows`);
            for (let i = 0; i < want.rows; i++)
              for (let j = 0; j < want.cols; j++) {
                assert.ok(
                  Math.abs(g[e][i][j] - want.data[i * want.cols + j]) < 2e-6,
                  `${kind}${order}${pseudo}[${e}]`,
                );
              }
          });
          if (got !== R) got.dispose(); // a Cartesian rank-1 block is R itself
        }
      }
    R.dispose();
  });

  it("transportTf equals applyRho per edge, scalars passed through; wrong shapes refused", () => {
    const rep = F.parseRep("2x0e + 1x0o + 1x1o + 1xT1p + 1x2e + 1x3o");
    const D = F.repDim(rep);
    assert.equal(D, 21);
    const f = Array.from({ length: 2 * D }, (_, i) => Math.sin(1 + i));
    const R = tf.tensor3d(Float32Array.from(Rs.flatMap((m) => Array.from(m))), [2, 3, 3]);
    const out = F.transportTf(rep, R, tf.tensor2d(f, [2, D])).arraySync() as number[][];
    Rs.forEach((Rm, e) => {
      const want = F.applyRho(rep, Rm, f.slice(e * D, (e + 1) * D));
      for (let i = 0; i < D; i++)
        assert.ok(Math.abs(out[e][i] - want[i]) < 1e-5, `edge ${e} [${i}]`);
    });
    assert.throws(
      () => F.transportTf(rep, R, tf.zeros([2, D + 1]) as tf.Tensor2D),
      shape(/^transportTf f: expected shape \[2, 21\], got \[2, 22\]$/),
    );
    assert.throws(
      () => F.transportTf(rep, R, tf.zeros([3, D]) as tf.Tensor2D),
      shape(/^transportTf f: expected shape \[2, 21\], got \[3, 21\]$/),
    );
    assert.throws(
      () => F.sandwichTf(F.irrepBasis(2), R),
      shape(/^sandwichTf X: expected shape \[E, 9, 9\], got \[2, 3, 3\]$/),
    );
    R.dispose();
  });

  it("sphericalHarmonicsTf equals sphericalHarmonic for ℓ = 0…3", () => {
    const us = [
      [0.6, 0, 0.8],
      [0, -1, 0],
      [1 / Math.sqrt(3), 1 / Math.sqrt(3), -1 / Math.sqrt(3)],
    ];
    const u = tf.tensor2d(us);
    for (const l of [0, 1, 2, 3] as Order[]) {
      const got = F.sphericalHarmonicsTf(l, u).arraySync() as number[][];
      us.forEach((v, e) => {
        const want = F.sphericalHarmonic(l, v);
        assert.equal(got[e].length, want.length, `ℓ = ${l} width`);
        for (let m = 0; m < want.length; m++)
          assert.ok(Math.abs(got[e][m] - want[m]) < 1e-5, `ℓ = ${l} [${e}][${m}]`);
      });
    }
    u.dispose();
  });
});

describe("frames (mutants 4): knnGraph at k = 1", () => {
  it("k = 1 is accepted: each node receives from its nearest (ties by index)", () => {
    // points on the x axis at 0, −1, 3, 1.5: node 0's nearest are 1 (distance 1)
    const g = F.knnGraph([0, 0, 0, -1, 0, 0, 3, 0, 0, 1.5, 0, 0], 1);
    assert.deepEqual(Array.from(g.dst), [0, 1, 2, 3]);
    assert.deepEqual(Array.from(g.src), [1, 0, 3, 0]);
  });
});
