/**
 * Tests written against the survivors and uncovered mutants of StrykerJS runs on lib/src/frames
 * (issue #22; environment.md, "Mutation testing", lists what survives and why). Public API only;
 * unit level (float64 where the library has a float64 path; tfjs only to compare its float32
 * twins with the float64 ones).
 *
 * Independent references: spherical Bessel zeros from mpmath (values inlined, 30 digits rounded to
 * double), orthonormality of the radial basis by Gauss–Legendre quadrature, eigenvalues of small
 * matrices known in closed form, rotations whose action is known (a quarter turn about z maps x̂ to
 * ŷ), frames of hand-built neighbourhoods, and the float64 functions for the float32 ones.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { frames as F, linalg, special, init, rng } from "besselbook";
import { isDomainError as domain, isShapeError as shape } from "./helpers";

const near = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);
const nearArr = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what = "") => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) near(a[i], b[i], tol, `${what}[${i}]`);
};

describe("frames (mutants): radial bases", () => {
  // mpmath (findroot on √(π/2x) J_{ℓ+½}(x)), 30 digits
  const ZEROS: Record<number, number[]> = {
    0: [3.141592653589793, 6.283185307179586, 9.42477796076938, 12.566370614359172],
    1: [4.493409457909064, 7.725251836937707, 10.904121659428899, 14.066193912831473],
    2: [5.76345919689455, 9.095011330476355, 12.322940970566583, 15.514603010886749],
    5: [9.355812111042747, 12.966530172774345, 16.354709639350464, 19.653152101821185],
  };

  it("sphericalBesselZeros: the first four zeros of j_0, j_1, j_2, j_5 (mpmath) to 1e-13", () => {
    for (const [l, z] of Object.entries(ZEROS)) {
      const got = F.sphericalBesselZeros(Number(l), 4);
      nearArr(got, z, 1e-13 * 20, `ℓ = ${l}`);
      // a cached call returns a copy, equal again, and a shorter request is a prefix
      got[0] = -1;
      nearArr(F.sphericalBesselZeros(Number(l), 4), z, 1e-12, `ℓ = ${l} again`);
      nearArr(F.sphericalBesselZeros(Number(l), 2), z.slice(0, 2), 1e-12, `ℓ = ${l}, n = 2`);
    }
  });

  it("sphericalBesselZeros refuses ℓ outside [0, 20] and n < 1 by name", () => {
    for (const l of [-1, 21, 1.5, NaN]) {
      assert.throws(
        () => F.sphericalBesselZeros(l, 2),
        domain(
          new RegExp(
            `^sphericalBesselZeros: argument l = ${l} .*expected an integer in \\[0, 20\\]$`,
          ),
        ),
      );
    }
    assert.equal(F.sphericalBesselZeros(20, 1).length, 1);
    for (const n of [0, 1.5, -2]) {
      assert.throws(
        () => F.sphericalBesselZeros(0, n),
        domain(new RegExp(`^sphericalBesselZeros: argument n = ${n} .*integer ≥ 1`)),
      );
    }
  });

  it("sphericalBesselBasis is orthonormal on [0, r_c] with weight r² (Gauss–Legendre), zero at and past r_c", () => {
    const rc = 2.5,
      n = 4;
    const { nodes, weights } = special.gaussLegendre(80, 0, rc);
    const B = F.sphericalBesselBasis(nodes, n, rc);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let q = 0; q < nodes.length; q++)
          s += weights[q] * nodes[q] ** 2 * B[q * n + a] * B[q * n + b];
        near(s, a === b ? 1 : 0, 2e-6, `⟨φ${a}, φ${b}⟩`);
      }
    const edge = F.sphericalBesselBasis([rc, rc * 1.5, 0], n, rc);
    assert.deepEqual(Array.from(edge.subarray(0, 2 * n)), new Array(2 * n).fill(0));
    // at r = 0: N_k j_0(0) = N_k = √(2/r_c³)/|j_1(z_k)|, z_k = kπ → |j_1(kπ)| = 1/(kπ)
    for (let k = 0; k < n; k++)
      near(edge[2 * n + k], Math.sqrt(2 / rc ** 3) * (k + 1) * Math.PI, 1e-5, `φ${k}(0)`);
    // order ℓ = 1 uses the zeros of j_1 and vanishes at 0
    const l1 = F.sphericalBesselBasis([0, 1], 2, 2, 1);
    assert.deepEqual(Array.from(l1.subarray(0, 2)), [0, 0]);
    const z = ZEROS[1];
    const N0 = Math.sqrt(2 / 8) / Math.abs(special.sphericalJ(2, z[0]));
    near(l1[2], N0 * special.sphericalJ(1, z[0] / 2), 1e-6, "φ₀ of ℓ = 1 at r = 1");
  });

  it("gaussianBasis: centres k·r_c/(n−1), width = spacing; n = 1 centred at 0 with width r_c", () => {
    const g = F.gaussianBasis([0, 1, 2.5], 3, 2);
    // centres 0, 1, 2; σ = 1
    const want = [0, 1, 2.5].flatMap((r) => [0, 1, 2].map((m) => Math.exp(-0.5 * (r - m) ** 2)));
    nearArr(g, want, 1e-7, "n = 3");
    nearArr(
      F.gaussianBasis([0, 1, 3], 1, 2),
      [1, Math.exp(-0.125), Math.exp(-0.5 * 1.5 ** 2)],
      1e-7,
      "n = 1",
    );
    for (const c of [0, -1, Infinity, NaN]) {
      assert.throws(
        () => F.gaussianBasis([1], 2, c),
        domain(
          new RegExp(`^gaussianBasis: argument cutoff = ${c} .*expected a finite radius > 0$`),
        ),
      );
    }
    assert.throws(() => F.gaussianBasis([1], 0, 1), domain(/^gaussianBasis: argument n = 0 /));
  });

  it("cosineCutoff: ½(cos(πr/r_c) + 1) below r_c, 0 from r_c on; radialBasis dispatches by name", () => {
    nearArr(
      F.cosineCutoff([0, 0.5, 1, 1.5, 2, 3], 2),
      [1, 0.5 * (Math.SQRT1_2 + 1), 0.5, 0.5 * (1 - Math.SQRT1_2), 0, 0],
      1e-7,
    );
    assert.throws(() => F.cosineCutoff([1], 0), domain(/^cosineCutoff: argument cutoff = 0 /));
    const r = [0.3, 1.7];
    assert.deepEqual(F.radialBasis("gaussian", r, 3, 2), F.gaussianBasis(r, 3, 2));
    assert.deepEqual(F.radialBasis("bessel", r, 3, 2), F.sphericalBesselBasis(r, 3, 2, 0));
    assert.throws(
      () => F.radialBasis("cosine" as never, r, 3, 2),
      domain(/^radialBasis: argument kind = cosine .*expected "gaussian" or "bessel"$/),
    );
    assert.throws(
      () => F.sphericalBesselBasis(r, 3, -1),
      domain(/^sphericalBesselBasis: argument cutoff = -1 /),
    );
    assert.throws(
      () => F.sphericalBesselBasis(r, 0, 1),
      domain(/^sphericalBesselBasis: argument n = 0 /),
    );
  });
});

describe("frames (mutants): small linear algebra", () => {
  it("symmetricEigen: eigenvalues ascending and eigenvectors as columns (closed-form cases)", () => {
    // [[2, 1], [1, 2]]: 1 with (1, −1)/√2, 3 with (1, 1)/√2
    const a = linalg.symmetricEigen(linalg.mat(2, 2, [2, 1, 1, 2]));
    nearArr(a.values, [1, 3], 1e-15);
    near(Math.abs(a.vectors.data[0] + a.vectors.data[2]), 0, 1e-15, "v₁ ∝ (1, −1)");
    near(Math.abs(a.vectors.data[1] - a.vectors.data[3]), 0, 1e-15, "v₂ ∝ (1, 1)");
    // tridiagonal 2, −1: λ_k = 2 − 2cos(kπ/(n+1)); check A v = λ v column by column
    const n = 6,
      T = linalg.mat(n, n);
    for (let i = 0; i < n; i++) {
      T.data[i * n + i] = 2;
      if (i + 1 < n) T.data[i * n + i + 1] = T.data[(i + 1) * n + i] = -1;
    }
    const e = linalg.symmetricEigen(T);
    nearArr(
      e.values,
      Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))),
      1e-14,
    );
    const AV = linalg.matMul(T, e.vectors);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++)
        near(AV.data[i * n + k], e.values[k] * e.vectors.data[i * n + k], 1e-14);
    const VtV = linalg.matMul(linalg.transpose(e.vectors), e.vectors);
    assert.ok(linalg.maxAbsDiff(VtV, linalg.eye(n)) < 1e-14);
    // a diagonal input is returned sorted, with the permutation as vectors
    const d = linalg.symmetricEigen(linalg.mat(3, 3, [5, 0, 0, 0, -1, 0, 0, 0, 2]));
    assert.deepEqual(Array.from(d.values), [-1, 2, 5]);
    assert.deepEqual(Array.from(d.vectors.data), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
    // one sweep is not enough for a 6×6: maxSweeps is honoured
    const one = linalg.symmetricEigen(T, { maxSweeps: 1 });
    assert.ok(
      linalg.maxAbsDiff(
        linalg.matMul(T, one.vectors),
        linalg.matMul(
          one.vectors,
          linalg.mat(
            n,
            n,
            Array.from({ length: n * n }, (_, i) =>
              i % (n + 1) === 0 ? one.values[i / (n + 1)] : 0,
            ),
          ),
        ),
      ) > 1e-6,
    );
    assert.throws(
      () => linalg.symmetricEigen(linalg.mat(2, 3)),
      shape(/^symmetricEigen a: expected shape a square matrix, got \[2, 3\]/),
    );
  });

  it("axisAngle: a quarter turn about z maps x̂ to ŷ; the axis is normalised; a zero axis is refused", () => {
    const R = linalg.axisAngle([0, 0, 5], Math.PI / 2);
    nearArr(linalg.transformPoints([1, 0, 0, 0, 1, 0], R), [0, 1, 0, -1, 0, 0], 1e-15);
    const S = linalg.axisAngle([1, 1, 1], (2 * Math.PI) / 3); // cyclic x → y → z → x
    nearArr(linalg.transformPoints([1, 0, 0], S), [0, 1, 0], 1e-15);
    nearArr(linalg.transformPoints([0, 1, 0], S), [0, 0, 1], 1e-15);
    const A = linalg.axisAngle([0.3, -1, 2], 0.9);
    assert.ok(linalg.orthogonalityError(A) < 1e-15);
    near(linalg.det3(A), 1, 1e-15);
    nearArr(linalg.transformPoints([0.3, -1, 2], A), [0.3, -1, 2], 1e-15, "the axis is fixed");
    assert.throws(
      () => linalg.axisAngle([0, 0, 0], 1),
      domain(/^axisAngle: argument axis = 0,0,0 /),
    );
  });

  it("transformPoints adds t; kron, blockDiag, maxAbsDiff, toMat3, fromMat3 on non-square shapes", () => {
    nearArr(linalg.transformPoints([1, 2, 3], linalg.I3, [10, 20, 30]), [11, 22, 33], 0);
    assert.throws(() => linalg.transformPoints([1, 2], linalg.I3), shape(/^transformPoints pos/));
    const k = linalg.kron(linalg.mat(1, 2, [1, 2]), linalg.mat(2, 1, [3, 4]));
    assert.deepEqual([k.rows, k.cols, Array.from(k.data)], [2, 2, [3, 6, 4, 8]]);
    const b = linalg.blockDiag([linalg.mat(1, 1, [7]), linalg.mat(2, 2, [1, 2, 3, 4])]);
    assert.deepEqual(Array.from(b.data), [7, 0, 0, 0, 1, 2, 0, 3, 4]);
    assert.equal(linalg.maxAbsDiff(linalg.mat(1, 2, [1, 5]), linalg.mat(1, 2, [2, 2])), 3);
    assert.throws(
      () => linalg.maxAbsDiff(linalg.mat(1, 2), linalg.mat(2, 1)),
      shape(/^maxAbsDiff b: expected shape \[1, 2\], got \[2, 1\]/),
    );
    assert.deepEqual(
      Array.from(linalg.toMat3(linalg.fromMat3([1, 2, 3, 4, 5, 6, 7, 8, 9]))),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.throws(
      () => linalg.toMat3(linalg.mat(3, 2)),
      shape(/^toMat3: expected shape \[3, 3\], got \[3, 2\]/),
    );
    assert.throws(() => linalg.fromMat3([1, 2]), shape(/^fromMat3: expected shape 9 entries/));
    near(linalg.det3([2, 0, 0, 0, 3, 0, 0, 0, 4]), 24, 0);
    near(linalg.det3([0, 1, 0, 1, 0, 0, 0, 0, 1]), -1, 0);
    near(linalg.det3([1, 2, 3, 4, 5, 6, 7, 8, 10]), -3, 1e-12);
  });
});

describe("frames (mutants): Gram–Schmidt, fallback frames, frame vectors", () => {
  const rows = (L: ArrayLike<number>) => Array.from(L, (x) => Math.round(x * 1e12) / 1e12 + 0);

  it("gramSchmidt: rows e₁, e₂, e₃ = s·e₁×e₂ with s = sign(v₃·e₁×e₂); signRule false keeps s = +1", () => {
    const f = F.gramSchmidt([2, 0, 0], [1, 3, 0], [0.5, 0, -5]);
    assert.deepEqual([rows(f.L), f.degenerate], [[1, 0, 0, 0, 1, 0, 0, 0, -1], "none"]);
    assert.deepEqual(
      rows(F.gramSchmidt([2, 0, 0], [1, 3, 0], [0, 0, -5], 1e-6, { signRule: false }).L),
      [1, 0, 0, 0, 1, 0, 0, 0, 1],
    );
    // e₁ × e₂ = ẑ × ŷ = −x̂ and v₃ = +x̂: s = −1 flips it to +x̂
    assert.deepEqual(
      rows(F.gramSchmidt([0, 0, 3], [0, 2, 1], [1, 0, 0]).L),
      [0, 0, 1, 0, 1, 0, 1, 0, 0],
    );
  });

  it("gramSchmidt flags v1 (no direction), v2 (collinear: least-aligned axis), v3 (planar: s = +1)", () => {
    const I = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    for (const v1 of [
      [0, 0, 0],
      [1e-7, 0, 0],
    ]) {
      const f = F.gramSchmidt(v1, [0, 1, 0], [0, 0, 1]);
      assert.deepEqual([rows(f.L), f.degenerate], [I, "v1"], `v1 = ${v1}`);
    }
    // collinear v₂ along e₁ = x̂: the least-aligned axis is ŷ (first of the ties y, z)
    const c = F.gramSchmidt([3, 0, 0], [-2, 0, 0], [0, 0, -1]);
    assert.deepEqual([rows(c.L), c.degenerate], [[1, 0, 0, 0, 1, 0, 0, 0, -1], "v2"]);
    // e₁ = (1, 1, 0.1)/‖·‖: least aligned is z
    const t = F.gramSchmidt([1, 1, 0.1], [2, 2, 0.2], [0, 0, 0]);
    assert.equal(t.degenerate, "v2");
    near(t.L[5] ** 2, 1 - 0.01 / 2.01, 1e-12, "e₂ from ẑ");
    // planar: v₃ in the plane of e₁, e₂
    const p = F.gramSchmidt([1, 0, 0], [0, 1, 0], [1, 1, 0]);
    assert.deepEqual([rows(p.L), p.degenerate], [I, "v3"]);
    // the thresholds are relative to ‖v‖: a tiny but clean v₂ and v₃ still count
    const s = F.gramSchmidt([1e-8, 0, 0], [0, 1e-8, 0], [0, 0, -1e-8]);
    assert.deepEqual([rows(s.L), s.degenerate], [[1, 0, 0, 0, 1, 0, 0, 0, -1], "none"]);
    // just above / below eps·‖v₂‖ for the orthogonal part of v₂
    assert.equal(F.gramSchmidt([1, 0, 0], [1, 2e-6, 0], [0, 0, 1]).degenerate, "none");
    assert.equal(F.gramSchmidt([1, 0, 0], [1, 0.5e-6, 0], [0, 0, 1]).degenerate, "v2");
    assert.equal(F.gramSchmidt([1, 0, 0], [0, 1, 0], [1, 0, 2e-6]).degenerate, "none");
    assert.equal(F.gramSchmidt([1, 0, 0], [0, 1, 0], [1, 0, 0.5e-6]).degenerate, "v3");
    assert.equal(F.gramSchmidt([1e-6, 0, 0], [0, 0.5, 0], [0, 0, 1]).degenerate, "v1");
    assert.equal(F.gramSchmidt([2e-6, 0, 0], [0, 1, 0], [0, 0, 1]).degenerate, "none");
  });

  it("gramSchmidt refuses vectors that are not 3-vectors and eps ≤ 0, by name", () => {
    for (const [args, name] of [
      [
        [
          [1, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        "v1",
      ],
      [
        [
          [1, 0, 0],
          [0, 1],
          [0, 0, 1],
        ],
        "v2",
      ],
      [
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1, 0],
        ],
        "v3",
      ],
    ] as const) {
      assert.throws(
        () => F.gramSchmidt(...(args as unknown as [number[], number[], number[]])),
        shape(new RegExp(`^gramSchmidt ${name}: expected shape a 3-vector, got \\[(2|4)\\]$`)),
      );
    }
    for (const eps of [0, -1, NaN]) {
      assert.throws(
        () => F.gramSchmidt([1, 0, 0], [0, 1, 0], [0, 0, 1], eps),
        domain(new RegExp(`^gramSchmidt: argument eps = ${eps} .*expected > 0$`)),
      );
    }
  });

  it("fallbackFrame: x̂ at rank 0, e₁ from v₁ at rank ≥ 1, e₂ from the axis (rank ≤ 1) or v₂ (rank 2)", () => {
    const cases: [number[], number[], number, number[], number[], string][] = [
      [[0, 0, 2], [0, 5, 0], 0, [0, 1, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1], "v1"],
      [[0, 0, 2], [0, 5, 0], 1, [1, 0, 0], [0, 0, 1, 1, 0, 0, 0, 1, 0], "v2"],
      [[0, 0, 2], [3, 0, 1], 2, [0, 1, 0], [0, 0, 1, 1, 0, 0, 0, 1, 0], "v3"],
      [[0, 0, 0], [0, 0, 0], 1, [0, 0, 1], [1, 0, 0, 0, 0, 1, 0, -1, 0], "v2"], // ‖v₁‖ = 0 → x̂
      [[2, 0, 0], [0, 0, 0], 1, [1, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1], "v2"], // axis ∥ e₁ → ŷ
    ];
    for (const [v1, v2, rank, axis, L, deg] of cases) {
      const f = F.fallbackFrame(v1, v2, rank, axis);
      assert.deepEqual([rows(f.L), f.degenerate], [L, deg], `rank ${rank}, v1 ${v1}, axis ${axis}`);
    }
  });

  it("frameVectors: v_k(i) = Σ_{j→i} w_k(r_ij)(x_j − x_i), by hand; refuses a wrong pos length or weight count", () => {
    const pos = [1, 1, 1, 2, 1, 1, 1, 3, 1];
    const g: F.Graph = { n: 3, src: Int32Array.of(1, 2, 0), dst: Int32Array.of(0, 0, 2) };
    const w: F.RadialWeight[] = [() => 1, (r) => r, (r) => r * r];
    const v = F.frameVectors(pos, g, w);
    // node 0: d = (1,0,0) with r = 1 and (0,2,0) with r = 2; node 2: d = (0,−2,0), r = 2
    assert.deepEqual(
      Array.from(v),
      [1, 2, 0, 1, 4, 0, 1, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2, 0, 0, -4, 0, 0, -8, 0],
    );
    const dflt = F.frameVectors(pos, g);
    near(dflt[0], F.DEFAULT_FRAME_WEIGHTS[0](1), 1e-15, "default w₁");
    near(F.DEFAULT_FRAME_WEIGHTS[0](2), Math.exp(-4), 1e-18, "w₁(2)");
    near(F.DEFAULT_FRAME_WEIGHTS[2](2), Math.exp(-16) - 0.5 * Math.exp(-2), 1e-17, "w₃(2)");
    near(dflt[4], 2 * F.DEFAULT_FRAME_WEIGHTS[1](2), 1e-15, "default w₂");
    near(dflt[6], F.DEFAULT_FRAME_WEIGHTS[2](1), 1e-15, "default w₃");
    near(F.DEFAULT_FRAME_WEIGHTS[2](1), Math.exp(-4) - 0.5 * Math.exp(-1), 1e-16, "w₃(1)");
    near(F.DEFAULT_FRAME_WEIGHTS[1](2), 2 * Math.exp(-1), 1e-16, "w₂(2)");
    assert.throws(
      () => F.frameVectors([0, 0, 0], g),
      shape(/^frameVectors pos: expected shape length 9 \(graph has 3 nodes\), got \[3\]$/),
    );
    assert.throws(
      () => F.frameVectors(pos, g, w.slice(0, 2)),
      shape(/^frameVectors weights: expected shape 3 radial weight functions, got \[2\]$/),
    );
  });

  it("canonicalEdges = L_i(x_j − x_i); relativeRotation = L_i L_jᵀ", () => {
    const pos = [0, 0, 0, 1, 2, 3, -1, 0, 4];
    const g: F.Graph = { n: 3, src: Int32Array.of(1, 0), dst: Int32Array.of(0, 2) };
    const Rz = linalg.axisAngle([0, 0, 1], Math.PI / 2);
    const fr: F.Frame[] = [
      { L: Rz, degenerate: "none" },
      { L: linalg.I3, degenerate: "none" },
      { L: linalg.transpose3(Rz), degenerate: "none" },
    ];
    // edge 0: d = (1,2,3), R_z(90°) d = (−2, 1, 3); edge 1: d = (1, 0, −4), R_z(−90°) d = (0, −1,
    // −4)
    nearArr(F.canonicalEdges(pos, g, fr), [-2, 1, 3, 0, -1, -4], 1e-15);
    const A = linalg.axisAngle([1, 2, 3], 0.4),
      B = linalg.axisAngle([-1, 0, 2], 1.1);
    nearArr(F.relativeRotation(A, B), linalg.mul3(A, linalg.transpose3(B)), 0);
    nearArr(linalg.mul3(F.relativeRotation(A, B), B), A, 1e-15);
  });
});

describe("frames (mutants): frame ranks by hand", () => {
  it("groups by species and distance: σ, principal directions, rank, fallback axis", () => {
    const pos = [0, 0, 0, 1, 0, 0, 0, 2, 0];
    const g: F.Graph = { n: 3, src: Int32Array.of(1, 2), dst: Int32Array.of(0, 0) };
    // two groups (different distances): S = (1,0,0), (0,2,0) → σ = (2, 1, 0), rank 2
    const a = F.frameRanks(pos, g);
    assert.deepEqual(Array.from(a.rank), [2, 0, 0]);
    nearArr(a.sigma.subarray(0, 3), [2, 1, 0], 1e-15);
    nearArr(Array.from(a.directions.subarray(0, 6), Math.abs), [0, 1, 0, 1, 0, 0], 1e-15);
    assert.deepEqual(Array.from(a.axis), [0, 1, 0, 0, 1, 0, 0, 1, 0]);
    // merged into one group by groupTol: S = (1, 2, 0), rank 1; least-aligned axis with the line: z
    const b = F.frameRanks(pos, g, { groupTol: 1 });
    assert.deepEqual(Array.from(b.rank), [1, 0, 0]);
    nearArr(b.sigma.subarray(0, 3), [Math.sqrt(5), 0, 0], 1e-15);
    assert.deepEqual(Array.from(b.axis.subarray(0, 3)), [0, 0, 1]);
    // same distance, different species: two groups again
    const eq = [0, 0, 0, 1, 0, 0, 0, 1, 0];
    assert.equal(F.frameRanks(eq, g).rank[0], 1);
    assert.equal(F.frameRanks(eq, g, { types: [0, 0, 1] }).rank[0], 2);
    assert.equal(F.frameRanks(eq, g, { types: [5, 1, 1] }).rank[0], 1);
    // line (1,0,0) alone: rank 1, axis least aligned = y (tie y/z, first)
    const line = F.frameRanks([0, 0, 0, 1, 0, 0], {
      n: 2,
      src: Int32Array.of(1),
      dst: Int32Array.of(0),
    });
    assert.deepEqual([line.rank[0], Array.from(line.axis.subarray(0, 3))], [1, [0, 1, 0]]);
    // a group that cancels (two opposite neighbours of one species and distance): rank 0
    const sym = F.frameRanks([0, 0, 0, 1, 0, 0, -1, 0, 0], g);
    assert.equal(sym.rank[0], 0);
  });

  it("tol is relative to the largest σ and to the summed distances", () => {
    const g: F.Graph = { n: 3, src: Int32Array.of(1, 2), dst: Int32Array.of(0, 0) };
    const pos = (e: number) => [0, 0, 0, 1, 0, 0, 0, 2 * e, 0]; // two groups: σ = (1, 2e)
    assert.equal(F.frameRanks(pos(1e-3), g).rank[0], 2); // σ₂/σ₁ = 2e-3 > 1e-3
    assert.equal(F.frameRanks(pos(4e-4), g).rank[0], 1); // 8e-4 < 1e-3
    assert.equal(F.frameRanks(pos(0.01), g, { tol: 0.03 }).rank[0], 1);
    assert.equal(F.frameRanks(pos(0.01), g, { tol: 0.019 }).rank[0], 2);
    // one group (same distance within 1e-4) that nearly cancels: S = (0, ε, 0), Σr = 2 + O(ε²);
    // rank 1 needs σ₁ = ε > tol·Σr = 2e-3 (not tol·max r = 1e-3)
    const cancel = (e: number) => [0, 0, 0, 1, 0, 0, -1, e, 0];
    assert.equal(F.frameRanks(cancel(0.01), g).rank[0], 1);
    assert.equal(F.frameRanks(cancel(1.5e-3), g).rank[0], 0);
  });

  it("refuses bad tolerances, a wrong types length and non-finite coordinates, by name", () => {
    const g: F.Graph = { n: 2, src: Int32Array.of(1), dst: Int32Array.of(0) };
    const pos = [0, 0, 0, 1, 0, 0];
    for (const t of [0, 1, -0.5, NaN])
      assert.throws(
        () => F.frameRanks(pos, g, { tol: t }),
        domain(new RegExp(`^frameRanks: argument tol = ${t} .*in \\(0, 1\\)`)),
      );
    for (const t of [-1e-9, NaN])
      assert.throws(
        () => F.frameRanks(pos, g, { groupTol: t }),
        domain(new RegExp(`^frameRanks: argument groupTol = ${t} .*expected ≥ 0$`)),
      );
    assert.equal(F.frameRanks(pos, g, { groupTol: 0 }).rank[0], 1);
    assert.throws(
      () => F.frameRanks(pos, g, { types: [1] }),
      shape(/^frameRanks types: expected shape length 2, got \[1\]$/),
    );
    assert.throws(
      () => F.frameRanks([0, 0, 0], g),
      shape(/^frameRanks pos: expected shape length 6 \(graph has 2 nodes\), got \[3\]$/),
    );
    assert.throws(
      () => F.frameRanks([0, 0, 0, 1, NaN, 0], g),
      domain(/^frameRanks: argument pos\[4\] = NaN .*expected a finite coordinate$/),
    );
    assert.throws(
      () => F.localFrames([0, 0, 0, 1, Infinity, 0], g),
      domain(/^localFrames: argument pos = Infinity .*entry 4/),
    );
  });
});

describe("frames (mutants): representations", () => {
  it("parseRep / formatRep: parities, pseudo flags, round trip, and every refusal", () => {
    const r = F.parseRep(
      "2x0e + 1x0o + 3x1o+1x1e + 1x2e + 2x2o + 1x3o + 1x3e + 4xT0 + 2xT1p + 1xT2 + 1xT3",
    );
    assert.deepEqual(
      r.map((b) => [b.kind, b.order, b.pseudo, b.mult]),
      [
        ["irrep", 0, false, 2],
        ["irrep", 0, true, 1],
        ["irrep", 1, false, 3],
        ["irrep", 1, true, 1],
        ["irrep", 2, false, 1],
        ["irrep", 2, true, 2],
        ["irrep", 3, false, 1],
        ["irrep", 3, true, 1],
        ["cart", 0, false, 4],
        ["cart", 1, true, 2],
        ["cart", 2, false, 1],
        ["cart", 3, false, 1],
      ],
    );
    assert.equal(
      F.formatRep(r),
      "2x0e + 1x0o + 3x1o + 1x1e + 1x2e + 2x2o + 1x3o + 1x3e + 4xT0 + 2xT1p + 1xT2 + 1xT3",
    );
    assert.equal(F.repDim(r), 2 + 1 + 9 + 3 + 5 + 10 + 7 + 7 + 4 + 6 + 9 + 27);
    assert.deepEqual(
      [0, 1, 2, 3].map((k) => F.blockDim({ kind: "cart", order: k as F.Order })),
      [1, 3, 9, 27],
    );
    assert.deepEqual(
      [0, 1, 2, 3].map((k) => F.blockDim({ kind: "irrep", order: k as F.Order })),
      [1, 3, 5, 7],
    );
    for (const t of [
      "",
      " + ",
      "0x1o",
      "4x1",
      "2xT1e",
      "2xT1o",
      "2x4e",
      "x1o",
      "2x1o + 3",
      "2x1p",
    ]) {
      assert.throws(
        () => F.parseRep(t),
        domain(/^parseRep: argument (text|multiplicity) = /),
        JSON.stringify(t),
      );
    }
    assert.throws(() => F.parseRep("0x1o"), domain(/^parseRep: argument multiplicity = 0 .*≥ 1/));
    assert.throws(() => F.parseRep("2xT1o"), domain(/suffix p \(pseudo\) or none/));
    assert.throws(() => F.parseRep("4x1"), domain(/parity e or o/));
  });

  it("tensorPower, wignerD's orthogonality check, rhoBlock's pseudo sign, applyRho's length", () => {
    const R = linalg.axisAngle([1, -2, 0.5], 0.8),
      P = linalg.mul3(R, [1, 0, 0, 0, 1, 0, 0, 0, -1]);
    assert.deepEqual(Array.from(F.tensorPower(R, 0).data), [1]);
    nearArr(F.tensorPower(R, 1).data, R, 0);
    nearArr(
      F.tensorPower(R, 3).data,
      linalg.kron(linalg.kron(linalg.fromMat3(R), linalg.fromMat3(R)), linalg.fromMat3(R)).data,
      0,
    );
    assert.throws(() => F.tensorPower(R, 4 as F.Order), domain(/^tensorPower: argument k = 4 /));
    assert.throws(
      () => F.wignerD(1, R.subarray(0, 8)),
      shape(/^wignerD R: expected shape 9 entries/),
    );
    const bad = Float64Array.from(R);
    bad[3] = NaN;
    assert.throws(() => F.wignerD(1, bad), domain(/^wignerD: argument R\[3\] = NaN /));
    const s = (d: number) => Float64Array.from(R, (x, i) => (i === 4 ? x * (1 + d) : x));
    F.wignerD(
      2,
      Float64Array.from(R, (x) => x * (1 + 4e-7)),
    ); // ‖RRᵀ − I‖ ≈ 8e-7: accepted
    assert.throws(
      () =>
        F.wignerD(
          2,
          Float64Array.from(R, (x) => x * (1 + 6e-7)),
        ),
      domain(/^wignerD: argument R = .*max\|RRᵀ − I\| ≤ 1e-6/),
    );
    assert.throws(
      () => F.wignerD(1, s(1e-3)),
      domain(/^wignerD: argument R = a matrix with max\|RRᵀ − I\| = /),
    );
    assert.throws(() => F.wignerD(4 as F.Order, R), domain(/^irrepBasis: argument l = 4 /));
    for (const kind of ["cart", "irrep"] as const)
      for (const order of [0, 1, 2, 3] as const) {
        const plain = F.rhoBlock({ kind, order, pseudo: false }, P),
          ps = F.rhoBlock({ kind, order, pseudo: true }, P);
        nearArr(
          ps.data,
          plain.data.map((x) => -x),
          0,
          `${kind} ${order} pseudo at det −1`,
        );
        nearArr(
          F.rhoBlock({ kind, order, pseudo: true }, R).data,
          F.rhoBlock({ kind, order, pseudo: false }, R).data,
          0,
        );
      }
    assert.throws(
      () => F.rhoBlock({ kind: "cart", order: 1, pseudo: false }, [1, 0, 0]),
      shape(/^rho R: expected shape 9 entries/),
    );
    assert.throws(
      () => F.applyRho("2x1o", R, [1, 2, 3]),
      shape(/^applyRho f: expected shape length 6 \(dim of 2x1o\)/),
    );
    assert.throws(
      () => F.applyRho(F.parseRep("1x0e + 1x1o"), R, [1]),
      shape(/^applyRho f: expected shape length 4 \(dim of 1x0e \+ 1x1o\)/),
    );
    nearArr(
      F.applyRho("1x0o + 1x1o", P, [2, 1, 0, 0]),
      [-2, ...F.applyRho("1x1o", P, [1, 0, 0])],
      1e-15,
    );
  });

  it("ambiguity groups and projectors: sizes, elements, and the invariant dimensions by hand", () => {
    const G = [3, 2, 1, 0].map((k) => F.ambiguityGroup(k));
    assert.deepEqual(
      G.map((g) => g.length),
      [1, 2, 16, 48],
    );
    assert.deepEqual(Array.from(G[1][1]), [1, 0, 0, 0, 1, 0, 0, 0, -1]);
    for (const g of G.flat()) assert.ok(linalg.orthogonalityError(g) < 1e-15);
    // rank 1: rotations about x by 2πm/8 with and without diag(1, 1, −1); each fixes x̂
    const angles = new Set<number>();
    for (const g of G[2]) {
      nearArr([g[0], g[3], g[6]], [1, 0, 0], 1e-15);
      angles.add(Math.round((Math.atan2(g[7], g[4]) * 4) / Math.PI + 8) % 8);
    }
    assert.equal(angles.size, 8);
    assert.equal(G[2].filter((g) => linalg.det3(g) < 0).length, 8);
    // rank 0: the 48 signed permutations, all distinct
    assert.equal(new Set(G[3].map((g) => Array.from(g).join())).size, 48);
    for (const k of [4, -1, 1.5])
      assert.throws(
        () => F.ambiguityGroup(k),
        domain(new RegExp(`^ambiguityGroup: argument rank = ${k} `)),
      );
    const trace = (rep: string, k: number) => {
      const P = F.ambiguityProjector(rep, k);
      let t = 0;
      for (let i = 0; i < P.rows; i++) t += P.data[i * P.cols + i];
      assert.ok(linalg.maxAbsDiff(linalg.matMul(P, P), P) < 1e-14, `${rep} rank ${k}: idempotent`);
      return Math.round(t * 1e9) / 1e9 + 0;
    };
    // invariant dimension of each block under the rank-k ambiguity group (ours, by hand)
    const want: [string, number, number][] = [
      ["1x0e", 0, 1],
      ["1x0o", 2, 0],
      ["1x0o", 3, 1],
      ["1x1o", 3, 3],
      ["1x1o", 2, 2],
      ["1x1e", 2, 1],
      ["1x1o", 1, 1],
      ["1x1e", 1, 0],
      ["1x1o", 0, 0],
      ["1x2e", 1, 1],
      ["1x2e", 0, 0],
      ["1xT2", 0, 1],
      ["1xT2", 1, 2],
      ["1x3o", 0, 0],
      ["2x1o + 1x0e", 2, 5],
    ];
    for (const [rep, k, d] of want) assert.equal(trace(rep, k), d, `${rep} at rank ${k}`);
  });

  it("harmonicScale and sphericalHarmonic by hand for ℓ ≤ 2; zero and infinite vectors refused", () => {
    assert.equal(F.harmonicScale(0), 1);
    near(F.harmonicScale(1), Math.sqrt(3), 1e-15);
    near(F.harmonicScale(2), Math.sqrt(7.5), 1e-14);
    nearArr(F.sphericalHarmonic(1, [0, 0, 2]), [0, Math.sqrt(3), 0], 1e-15);
    nearArr(
      F.sphericalHarmonic(1, [3, 4, 0]),
      [(4 * Math.sqrt(3)) / 5, 0, (3 * Math.sqrt(3)) / 5],
      1e-15,
    );
    assert.deepEqual(Array.from(F.sphericalHarmonic(0, [1, 2, 3])), [1]);
    // Y² at ẑ: only m = 0, value √5 (‖Y²‖² = 5)
    nearArr(F.sphericalHarmonic(2, [0, 0, -7]), [0, 0, Math.sqrt(5), 0, 0], 1e-14);
    // Y³ at x̂ and ẑ have norm √7 and flip sign under x ↦ −x (odd ℓ)
    for (const v of [
      [1, 0, 0],
      [0, 0, 1],
      [1, -2, 0.5],
    ]) {
      const y = F.sphericalHarmonic(3, v),
        m = F.sphericalHarmonic(
          3,
          v.map((x) => -x),
        );
      near(Math.hypot(...y), Math.sqrt(7), 1e-14, `‖Y³(${v})‖`);
      nearArr(
        m,
        Array.from(y, (x) => -x),
        1e-14,
      );
    }
    for (const v of [
      [0, 0, 0],
      [Infinity, 0, 0],
      [NaN, 1, 0],
    ]) {
      assert.throws(() => F.sphericalHarmonic(1, v), domain(/^sphericalHarmonic: argument v = /));
    }
  });

  it("cgPaths lists by hand; triangle; refusals by name", () => {
    assert.deepEqual(F.cgPaths(1), [
      [0, 0, 0],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ]);
    assert.deepEqual(F.cgPaths(1, false), [
      [0, 0, 0],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    assert.deepEqual(F.cgPaths(0), [[0, 0, 0]]);
    assert.equal(F.cgPaths(2, false).length, 15);
    assert.equal(F.cgPaths(2).length, 11);
    assert.ok(
      F.triangle(1, 2, 1) && F.triangle(1, 2, 3) && !F.triangle(1, 2, 0) && !F.triangle(1, 1, 3),
    );
    assert.throws(() => F.cgPaths(4 as F.Order), domain(/^cgPaths: argument lmax = 4 /));
    for (const [a, b, c, name] of [
      [4, 0, 0, "l1"],
      [0, -1, 0, "l2"],
      [0, 0, 1.5, "l3"],
    ] as const) {
      assert.throws(
        () => F.clebschGordan(a as F.Order, b as F.Order, c as F.Order),
        domain(new RegExp(`^clebschGordan: argument ${name} = `)),
      );
    }
    assert.throws(
      () => F.clebschGordan(1, 2, 0),
      domain(/^clebschGordan: argument l3 = 0 .*\[1, 3\]/),
    );
  });

  it("Clebsch–Gordan for 1 ⊗ 1: the dot product (ℓ₃ = 0) and the cross product (ℓ₃ = 1) in the (y, z, x) basis", () => {
    const s3 = 1 / Math.sqrt(3),
      s2 = Math.SQRT1_2;
    nearArr(F.clebschGordan(1, 1, 0).data, [s3, 0, 0, 0, s3, 0, 0, 0, s3], 1e-12);
    // (a × b) in (y, z, x) order: y = z·x − x·z, z = x·y − y·x, x = y·z − z·y; index 3m₁ + m₂, m:
    // y0 z1 x2
    const C = F.clebschGordan(1, 1, 1);
    const cross = [
      [0, 0, 0, 0, 0, 1, 0, -1, 0], // y: z⊗x − x⊗z
      [0, 0, -1, 0, 0, 0, 1, 0, 0], // z: x⊗y − y⊗x
      [0, 1, 0, -1, 0, 0, 0, 0, 0], // x: y⊗z − z⊗y
    ];
    // up to the global sign fixed by "largest entry (first in row-major order) positive"
    nearArr(
      C.data,
      cross.flat().map((x) => x * s2),
      1e-12,
    );
    // each C has C Cᵀ = I and its first largest-magnitude entry positive (ℓ ≤ 1 and two ℓ = 2
    // paths: the 125-row eigenproblems of 2 ⊗ 2 take minutes in an instrumented mutation run)
    for (const [a, b, c] of [...F.cgPaths(1, false), [2, 1, 1], [1, 1, 2]] as [
      F.Order,
      F.Order,
      F.Order,
    ][]) {
      const M = F.clebschGordan(a, b, c);
      assert.ok(
        linalg.maxAbsDiff(linalg.matMul(M, linalg.transpose(M)), linalg.eye(M.rows)) < 1e-12,
        `${a}${b}${c} C Cᵀ`,
      );
      let big = 0;
      for (const x of M.data) if (Math.abs(x) > Math.abs(big) + 1e-9) big = x;
      assert.ok(big > 0, `${a}${b}${c} sign`);
    }
  });
});

const edges = (g: F.Graph) => Array.from(g.dst, (i, e) => `${g.src[e]}→${i}`);

describe("frames (mutants 2): graphs, generic frames, localFrames, the float32 Gram–Schmidt", () => {
  it("radiusGraph: strict radius, every coordinate counts, maxNeighbors keeps the nearest (ties by index)", () => {
    // node 0 at the origin; 1 at x = 1 (exactly r: excluded), 2 at y = 0.5, 3 at z = −0.9, 4 at
    // (0.3, 0.3, 0.3)
    const pos = [0, 0, 0, 1, 0, 0, 0, 0.5, 0, 0, 0, -0.9, 0.3, 0.3, 0.3];
    const g = F.radiusGraph(pos, 1);
    assert.equal(g.n, 5);
    const into0 = edges(g).filter((e) => e.endsWith("→0"));
    assert.deepEqual(into0, ["2→0", "3→0", "4→0"]);
    // sorted by receiver, then sender; both directions (distances by hand: 1–4 0.86, 2–4 0.52, 3–4
    // 1.27, 1–2 1.12, 2–3 1.03, 0–4 0.52)
    assert.deepEqual(edges(g), [
      "2→0",
      "3→0",
      "4→0",
      "4→1",
      "0→2",
      "4→2",
      "0→3",
      "0→4",
      "1→4",
      "2→4",
    ]);
    const k1 = F.radiusGraph(pos, 1, { maxNeighbors: 1 });
    assert.deepEqual(
      edges(k1).filter((e) => e.endsWith("→0")),
      ["2→0"],
    ); // nearest: 0.5 (4 is at 0.52)
    const k2 = F.radiusGraph(pos, 1, { maxNeighbors: 2 });
    assert.deepEqual(
      edges(k2).filter((e) => e.endsWith("→0")),
      ["2→0", "4→0"],
    );
    // ties at equal distance: the lower index wins
    const tie = F.radiusGraph([0, 0, 0, 0, 0, 0.5, 0, 0.5, 0, 0.5, 0, 0], 1, { maxNeighbors: 2 });
    assert.deepEqual(
      edges(tie).filter((e) => e.endsWith("→0")),
      ["1→0", "2→0"],
    );
    assert.deepEqual(Array.from(F.inDegree(g)), [3, 1, 2, 1, 3]);
  });

  it("radiusGraph and knnGraph refuse bad input by name", () => {
    assert.throws(
      () => F.radiusGraph([0, 0], 1),
      shape(/^radiusGraph pos: expected shape a flat \[N·3\] array of coordinates, got \[2\]$/),
    );
    for (const r of [0, -1, Infinity, NaN]) {
      assert.throws(
        () => F.radiusGraph([0, 0, 0], r),
        domain(new RegExp(`^radiusGraph: argument r = ${r} .*expected a finite radius > 0$`)),
      );
    }
    for (const m of [0, 0.5, NaN]) {
      assert.throws(
        () => F.radiusGraph([0, 0, 0], 1, { maxNeighbors: m }),
        domain(new RegExp(`^radiusGraph: argument maxNeighbors = ${m} .*expected an integer ≥ 1$`)),
      );
    }
    assert.equal(F.radiusGraph([0, 0, 0, 0.1, 0, 0], 1, { maxNeighbors: 1 }).src.length, 2);
    assert.throws(() => F.knnGraph([0, 0, 0, 1], 1), shape(/^knnGraph pos/));
    for (const k of [0, 3, 1.5]) {
      assert.throws(
        () => F.knnGraph([0, 0, 0, 1, 0, 0, 0, 2, 0], k),
        domain(new RegExp(`^knnGraph: argument k = ${k} .*\\[1, N − 1\\] = \\[1, 2\\]$`)),
      );
    }
  });

  it("knnGraph: each node receives from its k nearest (ties by index), senders ascending", () => {
    const pos = [0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, -2, 1, 1, 1];
    const g = F.knnGraph(pos, 2);
    assert.deepEqual(edges(g), [
      "2→0",
      "4→0",
      "0→1",
      "4→1",
      "0→2",
      "4→2",
      "0→3",
      "2→3",
      "0→4",
      "2→4",
    ]);
    assert.deepEqual(Array.from(F.inDegree(g)), [2, 2, 2, 2, 2]);
    const tie = F.knnGraph([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0], 2);
    assert.deepEqual(
      edges(tie).filter((e) => e.endsWith("→0")),
      ["1→0", "2→0"],
    );
  });

  it("gramSchmidt on generic vectors: orthonormal, e₁ ∥ v₁, e₂ in span(v₁, v₂), det L = sign(v₃·(v₁ × v₂))", () => {
    const cross = (a: number[], b: number[]) => [
      a[1] * b[2] - a[2] * b[1],
      a[2] * b[0] - a[0] * b[2],
      a[0] * b[1] - a[1] * b[0],
    ];
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    const vs = [
      [
        [0.3, -1.2, 0.7],
        [2, 0.5, -0.4],
        [0.1, 0.9, 1.3],
      ],
      [
        [-1, 2, 0.5],
        [0.2, 0.3, -2],
        [1, 1, 1],
      ],
      [
        [0.4, 0.4, -3],
        [1, -2, 0.2],
        [-0.5, 0.1, 0.2],
      ],
    ];
    for (const [v1, v2, v3] of vs) {
      const { L, degenerate } = F.gramSchmidt(v1, v2, v3);
      assert.equal(degenerate, "none");
      assert.ok(linalg.orthogonalityError(L) < 1e-15);
      near(linalg.det3(L), Math.sign(dot(v3, cross(v1, v2))), 1e-15, "det");
      const n1 = Math.hypot(...v1);
      nearArr(
        L.subarray(0, 3),
        v1.map((x) => x / n1),
        1e-15,
        "e₁",
      );
      near(dot(L.subarray(3, 6), cross(v1, v2)), 0, 1e-15, "e₂ ⟂ v₁ × v₂");
      assert.ok(dot(L.subarray(3, 6), v2) > 0, "e₂ on v₂'s side");
      // the collinear fallback on the same e₁ is orthonormal too
      const c = F.gramSchmidt(
        v1,
        v1.map((x) => -2 * x),
        v3,
      );
      assert.equal(c.degenerate, "v2");
      assert.ok(linalg.orthogonalityError(c.L) < 1e-15);
      const f = F.fallbackFrame(v1, v2, 2, [0, 1, 0]);
      assert.ok(linalg.orthogonalityError(f.L) < 1e-15);
      nearArr(f.L.subarray(3, 6), L.subarray(3, 6), 1e-15, "fallback rank 2 keeps e₂ from v₂");
    }
    // a v₁ below 1e-300 is "no direction" even when eps·scale is smaller still
    assert.equal(
      F.gramSchmidt([1e-305, 0, 0], [0, 1e-305, 0], [0, 0, 1e-305], 1e-12).degenerate,
      "v1",
    );
    const t = F.gramSchmidt([1, 1, 0.1], [2, 2, 0.2], [0, 0, 0]);
    assert.ok(linalg.orthogonalityError(t.L) < 1e-15);
  });

  it("frame ranks are scale-free; a chain of near-equal distances is one group; species are sorted before grouping", () => {
    const g: F.Graph = { n: 3, src: Int32Array.of(1, 2), dst: Int32Array.of(0, 0) };
    const pos = (e: number, s: number) => [0, 0, 0, s, 0, 0, 0, 2 * e * s, 0];
    for (const s of [0.1, 10]) {
      assert.equal(F.frameRanks(pos(4e-4, s), g).rank[0], 1, `scale ${s}`);
      assert.equal(F.frameRanks(pos(1e-3, s), g).rank[0], 2, `scale ${s}`);
    }
    const g3: F.Graph = { n: 4, src: Int32Array.of(1, 2, 3), dst: Int32Array.of(0, 0, 0) };
    // distances 1, 1 + 6e-5, 1 + 1.2e-4: consecutive gaps ≤ 1e-4 link all three (single linkage)
    const chain = [0, 0, 0, 1, 0, 0, 0, 1.00006, 0, 0, 0, 1.00012];
    assert.equal(F.frameRanks(chain, g3).rank[0], 1);
    // species 2, 1, 2 at one distance: the two of species 2 cancel (one group), species 1 remains
    const mixed = [0, 0, 0, 1, 0, 0, 0, 1, 0, -1, 0, 0];
    assert.equal(F.frameRanks(mixed, g3, { types: [0, 2, 1, 2] }).rank[0], 1);
    assert.equal(F.frameRanks(mixed, g3, { types: [0, 2, 1, 3] }).rank[0], 2);
  });

  it("localFrames: fallback frames below rank 3, Gram–Schmidt otherwise; counts; types, eps and signRule passed on", () => {
    // CO₂-like line: O–C–O; the carbon's group cancels (rank 0), each oxygen sees a line (rank 1)
    const line = [0, 0, 0, 1.16, 0, 0, -1.16, 0, 0];
    const gl = F.radiusGraph(line, 3);
    const a = F.localFrames(line, gl);
    assert.deepEqual(Array.from(a.rank), [0, 1, 1]);
    assert.deepEqual(a.degenerate, { none: 0, v1: 1, v2: 2, v3: 0 });
    const v = F.frameVectors(line, gl);
    const ranks = F.frameRanks(line, gl);
    for (let i = 0; i < 3; i++) {
      const want = F.fallbackFrame(
        v.subarray(9 * i, 9 * i + 3),
        v.subarray(9 * i + 3, 9 * i + 6),
        a.rank[i],
        ranks.axis.subarray(3 * i, 3 * i + 3),
      );
      nearArr(a.frames[i].L, want.L, 0, `node ${i}`);
    }
    // a generic cloud: every node is Gram–Schmidt of its own three frame vectors
    const pos = [0, 0, 0, 1.1, 0.2, -0.3, -0.4, 0.9, 0.5, 0.3, -0.6, 1.2, -0.8, -0.7, -0.2];
    const g = F.radiusGraph(pos, 3);
    const b = F.localFrames(pos, g);
    assert.deepEqual(b.degenerate, { none: 5, v1: 0, v2: 0, v3: 0 });
    const vg = F.frameVectors(pos, g);
    for (let i = 0; i < 5; i++) {
      const want = F.gramSchmidt(
        vg.subarray(9 * i, 9 * i + 3),
        vg.subarray(9 * i + 3, 9 * i + 6),
        vg.subarray(9 * i + 6, 9 * i + 9),
      );
      nearArr(b.frames[i].L, want.L, 0, `node ${i}`);
    }
    const noSign = F.localFrames(pos, g, { signRule: false });
    assert.ok(noSign.frames.every((f) => linalg.det3(f.L) > 0));
    assert.ok(
      b.frames.some((f) => linalg.det3(f.L) < 0),
      "some generic frame has det −1 under the sign rule",
    );
    assert.equal(
      F.localFrames(pos, g, { eps: 0.99 }).degenerate.none < 5,
      true,
      "eps is passed on",
    );
    // the same line with distinct species: the carbon sees two groups that no longer cancel
    assert.deepEqual(Array.from(F.localFrames(line, gl, { types: [6, 8, 9] }).rank), [1, 1, 1]);
  });

  it("frameEquivarianceError: ~0 under rotation, reflection and translation; O(1) without the sign rule under a reflection", () => {
    const pos = [0, 0, 0, 1.1, 0.2, -0.3, -0.4, 0.9, 0.5, 0.3, -0.6, 1.2, -0.8, -0.7, -0.2];
    const g = F.radiusGraph(pos, 3);
    const R = linalg.randomRotation(rng(3)),
      P = linalg.randomRotation(rng(4), true);
    assert.ok(linalg.det3(P) < 0);
    for (const Q of [R, P]) assert.ok(F.frameEquivarianceError(pos, g, Q, [5, -2, 0.5]) < 1e-12);
    assert.ok(F.frameEquivarianceError(pos, g, R, [5, -2, 0.5], { signRule: false }) < 1e-12);
    assert.ok(F.frameEquivarianceError(pos, g, P, [0, 0, 0], { signRule: false }) > 0.5);
    // translation alone moves nothing; a wrong translation sign in the moved copy would not matter
    // either, but a frame built from absolute positions would: compare with the frames of the
    // shifted cloud directly
    const shifted = linalg.transformPoints(pos, linalg.I3, [3, 4, 5]);
    const a = F.localFrames(pos, g).frames,
      b = F.localFrames(shifted, g).frames;
    a.forEach((f, i) => nearArr(b[i].L, f.L, 1e-14, `node ${i}`));
  });

  it("canonicalEdges: L_i(x_j − x_i) for receivers away from the origin", () => {
    const pos = [1, -2, 0.5, 3, 1, -1, -0.5, 2, 4];
    const g: F.Graph = { n: 3, src: Int32Array.of(1, 0, 2), dst: Int32Array.of(0, 2, 1) };
    const Ls = [
      linalg.axisAngle([1, 2, 3], 0.4),
      linalg.axisAngle([0, 1, -1], 2),
      linalg.randomRotation(rng(9), true),
    ];
    const fr: F.Frame[] = Ls.map((L) => ({ L, degenerate: "none" as const }));
    const got = F.canonicalEdges(pos, g, fr);
    for (let e = 0; e < 3; e++) {
      const i = g.dst[e],
        j = g.src[e];
      const d = [0, 1, 2].map((a) => pos[3 * j + a] - pos[3 * i + a]);
      nearArr(got.subarray(3 * e, 3 * e + 3), linalg.transformPoints(d, Ls[i]), 1e-15, `edge ${e}`);
    }
  });
});

describe("frames (mutants 2): gramSchmidtTf (float32) against the float64 frames", () => {
  before(async () => {
    await init({ quiet: true });
  });

  it("generic nodes equal gramSchmidt; masked nodes equal fallbackFrame; shapes are checked", () => {
    const vs = [
      [0.3, -1.2, 0.7, 2, 0.5, -0.4, 0.1, 0.9, 1.3],
      [-1, 2, 0.5, 0.2, 0.3, -2, 1, 1, 1],
      [0.4, 0.4, -3, 1, -2, 0.2, -0.5, 0.1, 0.2],
      [0, 0, 2, 3, 0, 1, 0.2, -0.1, 0.4],
    ];
    const v = tf.tensor3d(vs.flat(), [4, 3, 3]);
    const plain = F.gramSchmidtTf(v)
      .arraySync()
      .map((m) => m.flat());
    vs.forEach((x, i) =>
      nearArr(
        plain[i],
        F.gramSchmidt(x.slice(0, 3), x.slice(3, 6), x.slice(6, 9)).L,
        2e-6,
        `generic ${i}`,
      ),
    );
    const ranks = [3, 2, 1, 0];
    const axes = [
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 1, 0],
    ];
    const mask = tf.tensor2d(ranks.map((k) => [k >= 1 ? 1 : 0, k >= 2 ? 1 : 0, k >= 3 ? 1 : 0]));
    const axis = tf.tensor2d(axes);
    const fb = F.gramSchmidtTf(v, { mask, axis })
      .arraySync()
      .map((m) => m.flat());
    vs.forEach((x, i) => {
      const want =
        ranks[i] === 3
          ? F.gramSchmidt(x.slice(0, 3), x.slice(3, 6), x.slice(6, 9)).L
          : F.fallbackFrame(x.slice(0, 3), x.slice(3, 6), ranks[i], axes[i]).L;
      nearArr(fb[i], want, 2e-6, `rank ${ranks[i]}`);
    });
    // a zero v₁ stays finite thanks to eps (no NaN), and L is orthonormal up to float32
    const z = F.gramSchmidtTf(tf.tensor3d([0, 0, 0, 0, 1, 0, 0, 0, 1], [1, 3, 3])).dataSync();
    assert.ok(Array.from(z).every(Number.isFinite));
    const d = F.frameDiagnostics(v, F.gramSchmidtTf(v));
    assert.ok(d.orthogonality < 1e-6 && d.condition >= 1);
    assert.throws(
      () => F.gramSchmidtTf(tf.zeros([2, 3, 2]) as tf.Tensor3D),
      shape(/^gramSchmidtTf v: expected shape \[N, 3, 3\], got \[2, 3, 2\]$/),
    );
    assert.throws(
      () => F.gramSchmidtTf(tf.zeros([2, 2, 3]) as tf.Tensor3D),
      shape(/^gramSchmidtTf v/),
    );
    assert.throws(
      () => F.gramSchmidtTf(v, { mask: tf.zeros([3, 3]) as tf.Tensor2D, axis }),
      shape(/^gramSchmidtTf fallback: expected shape \[4, 3\] mask and axis, got \[3, 3\]$/),
    );
    assert.throws(
      () => F.gramSchmidtTf(v, { mask, axis: tf.zeros([3, 3]) as tf.Tensor2D }),
      shape(/^gramSchmidtTf fallback/),
    );
  });

  it("frameDiagnostics: condition ‖v₂‖/‖u₂‖ and ‖v₃‖/|v₃·e₃| of the worst generic node; orthogonality of every L", () => {
    const v = tf.tensor3d(
      [1, 0, 0, 1, 1, 0, 0, 0, 2, /* node 2: */ 1, 0, 0, 3, 0.5, 0, 0.1, 0, 0.05],
      [2, 3, 3],
    );
    const L = F.gramSchmidtTf(v);
    const d = F.frameDiagnostics(v, L);
    // node 1: ‖v₂‖/‖u₂‖ = √(9.25)/0.5; ‖v₃‖/|v₃·ẑ| = √(0.0125)/0.05
    near(d.condition, Math.sqrt(9.25) / 0.5, 1e-5, "condition");
    near(F.frameDiagnostics(v, L, [3, 2]).condition, Math.SQRT2, 1e-5, "rank < 3 nodes skipped");
    const bad = tf.tensor3d([2, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1], [2, 3, 3]);
    near(F.frameDiagnostics(v, bad).orthogonality, 3, 1e-6, "max |LᵀL − I| over nodes");
  });
});

describe("frames (mutants 3): translation, truncation order, a Gaussian step ≠ 1", () => {
  it("frame ranks, σ and directions do not change when the cloud is translated", () => {
    const pos = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0.3, -0.2, 0.9];
    const g = F.radiusGraph(pos, 5);
    const a = F.frameRanks(pos, g),
      b = F.frameRanks(linalg.transformPoints(pos, linalg.I3, [5, -3, 2]), g);
    assert.deepEqual(Array.from(b.rank), Array.from(a.rank));
    nearArr(b.sigma, a.sigma, 1e-12, "σ");
    nearArr(
      Array.from(b.directions, Math.abs),
      Array.from(a.directions, Math.abs),
      1e-9,
      "directions",
    );
  });

  it("radiusGraph with maxNeighbors lists the kept senders by index even when the nearest has the larger index", () => {
    // from node 0: node 3 at 0.4, node 1 at 0.6, node 2 at 0.8
    const pos = [0, 0, 0, 0.6, 0, 0, 0, 0.8, 0, 0, 0, 0.4];
    const g = F.radiusGraph(pos, 1, { maxNeighbors: 2 });
    assert.deepEqual(
      edges(g).filter((e) => e.endsWith("→0")),
      ["1→0", "3→0"],
    );
    assert.deepEqual(
      edges(F.radiusGraph(pos, 1, { maxNeighbors: 1 })).filter((e) => e.endsWith("→0")),
      ["3→0"],
    );
  });

  it("gaussianBasis with spacing 0.5: centres k/2 and σ = 0.5", () => {
    const r = [0.5, 1.7];
    const want = r.flatMap((x) =>
      [0, 1, 2, 3].map((k) => Math.exp(-0.5 * ((x - 0.5 * k) / 0.5) ** 2)),
    );
    nearArr(F.gaussianBasis(r, 4, 1.5), want, 1e-7, "step 0.5");
  });
});
