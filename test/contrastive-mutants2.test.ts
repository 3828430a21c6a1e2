/**
 * Issue #22, session 6: tests for contrastive's losses, gap metrics and linear algebra (module
 * `contrastive-core` in stryker/modules.json). Public API only, fast, no training.
 *
 * References (ours): every metric and loss recomputed here from its stated definition on small
 * hand-made embeddings (InfoNCE as (1/N) Σ_i [LSE_j(u_i·v_j/τ) − u_i·v_i/τ], Wang–Isola alignment
 * and uniformity, centroids, recall with ties counted against the query, the spectrum's entropy
 * rank); the SVD against A = U diag(S) Vᵀ with orthonormal factors and a matrix with known
 * singular values; principal angles of subspaces with known angles.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { contrastive as CN, linalg as L, init, rng } from "besselbook";
import { closeRel as close } from "./helpers";

// the Mat helpers, SVD and subspaces moved from contrastive to lib/src/linalg in #21
const C = { ...CN, ...L };

const named = (re: RegExp) => (e: unknown) => e instanceof Error && re.test(e.message);
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

// four pairs in ℝ³, unit rows
const U = [unit([1, 0.2, 0]), unit([0, 1, 0.3]), unit([0.5, 0.5, 0.7]), unit([-1, 0.1, 0.2])];
const V = [unit([0.9, 0.1, 0.3]), unit([0.2, 1, 0]), unit([0.1, 0.4, 1]), unit([-0.8, -0.5, 0])];
const dotv = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0);
const lse = (a: number[]) => {
  const m = Math.max(...a);
  return m + Math.log(a.reduce((s, x) => s + Math.exp(x - m), 0));
};

describe("contrastive (mutants 2): losses by their definitions", () => {
  before(async () => {
    await init({ quiet: true });
  });

  const nce = (u: number[][], v: number[][], tau: number, sym = true) => {
    const n = u.length;
    let uv = 0,
      vu = 0;
    for (let i = 0; i < n; i++) {
      uv += lse(v.map((vj) => dotv(u[i], vj) / tau)) - dotv(u[i], v[i]) / tau;
      vu += lse(u.map((uj) => dotv(uj, v[i]) / tau)) - dotv(u[i], v[i]) / tau;
    }
    return sym ? (uv + vu) / (2 * n) : uv / n;
  };

  it("InfoNCE (float64 and tfjs): symmetric and one-directional, at several τ", () => {
    for (const tau of [0.05, 0.5, 3]) {
      close(C.infoNCELoss(U, V, tau), nce(U, V, tau), 1e-13, `float64 τ = ${tau}`);
      close(
        C.infoNCELoss(U, V, tau, { symmetric: false }),
        nce(U, V, tau, false),
        1e-13,
        `one-way τ = ${tau}`,
      );
      close(
        C.infoNCELoss(U, V, tau, { symmetric: true }),
        nce(U, V, tau),
        1e-13,
        "explicit symmetric",
      );
      const t = tf.tidy(() => C.infoNCE(tf.tensor2d(U), tf.tensor2d(V), tau).dataSync()[0]);
      const t1 = tf.tidy(
        () => C.infoNCE(tf.tensor2d(U), tf.tensor2d(V), tau, { symmetric: false }).dataSync()[0],
      );
      close(t, nce(U, V, tau), 2e-5, `tfjs τ = ${tau}`);
      close(t1, nce(U, V, tau, false), 2e-5, `tfjs one-way τ = ${tau}`);
    }
    assert.ok(
      Math.abs(nce(U, V, 0.5) - nce(U, V, 0.5, false)) > 1e-3,
      "the two directions differ here",
    );
    for (const tau of [0, -1, NaN, Infinity]) {
      assert.throws(
        () => C.infoNCELoss(U, V, tau),
        named(/infoNCELoss.*tau.*a finite temperature > 0/),
      );
      assert.throws(() => C.infoNCE(tf.tensor2d(U), tf.tensor2d(V), tau), named(/infoNCE.*tau/));
    }
    assert.throws(
      () => C.infoNCELoss(U, V.slice(1), 1),
      named(/infoNCELoss V.*\[4, 3\] \(same as U\)/),
    );
    assert.throws(
      () => C.infoNCE(tf.tensor2d(U), tf.tensor2d(V.slice(1)), 1),
      named(/infoNCE v.*\[4, 3\] \(same as u\)/),
    );
    assert.throws(
      () => C.infoNCE(tf.tensor1d([1, 2]) as unknown as tf.Tensor2D, tf.tensor2d(V), 1),
      named(/infoNCE u.*\[N, d\]/),
    );
  });

  it("alignment E‖u − v‖^α and uniformity log E_{i≠j} e^{−t‖x_i − x_j‖²} (float64 and tfjs)", () => {
    const al = (alpha: number) =>
      U.reduce((s, u, i) => s + Math.hypot(...u.map((x, k) => x - V[i][k])) ** alpha, 0) / U.length;
    for (const alpha of [2, 1, 3.5]) {
      close(C.alignment(U, V, alpha), al(alpha), 1e-13, `α = ${alpha}`);
      close(
        tf.tidy(() => C.alignLoss(tf.tensor2d(U), tf.tensor2d(V), alpha).dataSync()[0]),
        al(alpha),
        1e-5,
        `tfjs α = ${alpha}`,
      );
    }
    close(C.alignment(U, V), al(2), 1e-13, "default α = 2");
    const un = (X: number[][], t: number) => {
      const terms: number[] = [];
      for (let i = 0; i < X.length; i++)
        for (let j = 0; j < X.length; j++)
          if (i !== j) terms.push(-t * X[i].reduce((s, x, k) => s + (x - X[j][k]) ** 2, 0));
      return lse(terms) - Math.log(terms.length);
    };
    for (const t of [2, 0.5, 7]) {
      close(C.uniformity(U, t), un(U, t), 1e-13, `t = ${t}`);
      close(
        tf.tidy(() => C.uniformLoss(tf.tensor2d(U), t).dataSync()[0]),
        un(U, t),
        1e-5,
        `tfjs t = ${t}`,
      );
    }
    close(C.uniformity(V), un(V, 2), 1e-13, "default t = 2");
    for (const bad of [0, -1, NaN, Infinity]) {
      assert.throws(() => C.alignment(U, V, bad), named(/alignment.*alpha.*a finite number > 0/));
      assert.throws(() => C.uniformity(U, bad), named(/uniformity.*t.*a finite number > 0/));
      assert.throws(
        () => C.alignLoss(tf.tensor2d(U), tf.tensor2d(V), bad),
        named(/alignLoss.*alpha/),
      );
      assert.throws(() => C.uniformLoss(tf.tensor2d(U), bad), named(/uniformLoss.*t/));
    }
    assert.throws(() => C.uniformity([U[0]]), named(/uniformity X.*\[N ≥ 2, d\]/));
    assert.throws(() => C.uniformLoss(tf.tensor2d([U[0]])), named(/uniformLoss x.*\[N ≥ 2, d\]/));
    assert.throws(() => C.alignment(U, V.slice(2)), named(/alignment V.*same as U/));
    // l2Normalize: rows to unit norm
    const n = tf.tidy(() =>
      C.l2Normalize(
        tf.tensor2d([
          [3, 4],
          [0, 2],
        ]),
      ).arraySync(),
    );
    close(n[0][0], 0.6, 1e-6);
    close(n[0][1], 0.8, 1e-6);
    close(n[1][1], 1, 1e-6);
  });
});

describe("contrastive (mutants 2): gap metrics by their definitions", () => {
  const mean = (X: number[][]) => X[0].map((_, k) => X.reduce((s, x) => s + x[k], 0) / X.length);
  const ub = mean(U),
    vb = mean(V);

  it("centroid distance, gap vector, centroid angle (NaN for a zero centroid)", () => {
    close(C.centroidDistance(U, V), Math.hypot(...ub.map((x, k) => x - vb[k])), 1e-14, "distance");
    const g = C.gapVector(U, V);
    ub.forEach((x, k) => close(g[k], x - vb[k], 1e-15, `Δ[${k}]`));
    close(
      C.centroidAngle(U, V),
      Math.acos(dotv(ub, vb) / (Math.hypot(...ub) * Math.hypot(...vb))),
      1e-13,
      "angle",
    );
    assert.ok(
      Number.isNaN(
        C.centroidAngle(
          [
            [1, 0],
            [-1, 0],
          ],
          [
            [0, 1],
            [1, 0],
          ],
        ),
      ),
    );
    assert.ok(
      Number.isNaN(
        C.centroidAngle(
          [
            [0, 1],
            [1, 0],
          ],
          [
            [1, 0],
            [-1, 0],
          ],
        ),
      ),
    );
    assert.equal(C.centroidAngle([[1, 0]], [[1, 0]]), 0);
    close(C.centroidAngle([[1, 0]], [[-1, 0]]), Math.PI, 1e-15, "opposite");
    assert.throws(
      () => C.centroidDistance(U, V.slice(1)),
      named(/centroidDistance V.*\[4, 3\] \(same as U\)/),
    );
  });

  it("pair cosines and angles, their mean / min / max, and the unit-row check", () => {
    const cos = U.map((u, i) => dotv(u, V[i]));
    C.pairCosines(U, V).forEach((c, i) => close(c, cos[i], 1e-15, `cos ${i}`));
    C.pairAngles(U, V).forEach((a, i) => close(a, Math.acos(cos[i]), 1e-13, `angle ${i}`));
    close(C.meanPairCosine(U, V), cos.reduce((a, b) => a + b, 0) / 4, 1e-15, "mean cosine");
    const m = C.gapMetrics(U, V),
      ang = cos.map(Math.acos);
    close(m.minPairAngle, Math.min(...ang), 1e-13, "min");
    close(m.maxPairAngle, Math.max(...ang), 1e-13, "max");
    close(m.meanPairAngle, ang.reduce((a, b) => a + b, 0) / 4, 1e-13, "mean angle");
    close(m.centroidDistance, C.centroidDistance(U, V), 0, "distance");
    close(m.centroidAngle, C.centroidAngle(U, V), 0, "angle");
    close(m.meanPairCosine, C.meanPairCosine(U, V), 0, "cosine");
    close(m.align, C.alignment(U, V), 0, "align");
    close(m.uniformU, C.uniformity(U), 0, "uniform U");
    close(m.uniformV, C.uniformity(V), 0, "uniform V");
    assert.notEqual(m.uniformU, m.uniformV);
    // a cosine rounded past ±1 is clamped, not NaN
    assert.equal(C.pairAngles([[1, 0]], [[1 + 5e-7, 0]])[0], 0);
    assert.throws(
      () =>
        C.pairCosines(
          [
            [1, 0],
            [0, 1.01],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      named(/pairCosines.*U row 1.*a row of norm 1\.01.*unit rows/),
    );
    assert.throws(() => C.pairCosines([[1, 0]], [[0.5, 0]]), named(/pairCosines.*V row 0/));
    assert.deepEqual(Array.from(C.pairCosines([[1, 0]], [[0, 1 + 9e-7]])), [0]); // within 1e-6 of unit: accepted
  });

  it("recall@k: the rank counts ties against the query; k must be a count", () => {
    const W = [V[2], V[0], V[1], V[3]]; // pairs 0–2 mismatched: ranks > 1
    const sims = U.map((u) => W.map((v) => dotv(u, v)));
    const rank = (i: number) => 1 + sims[i].filter((s, j) => j !== i && s >= sims[i][i]).length;
    for (const k of [1, 2, 3, 4])
      close(C.recallAtK(U, W, k), U.filter((_, i) => rank(i) <= k).length / 4, 0, `k = ${k}`);
    assert.equal(C.recallAtK(U, W), C.recallAtK(U, W, 1));
    assert.ok(
      new Set([1, 2, 3, 4].map((k) => C.recallAtK(U, W, k))).size >= 2,
      `k matters here: ${[0, 1, 2, 3].map(rank)}`,
    );
    assert.equal(C.recallAtK(U, V), 1);
    const same = [
      [1, 0],
      [1, 0],
      [1, 0],
    ];
    assert.equal(C.recallAtK(same, same, 2), 0); // every query tied with two others: rank 3
    assert.equal(C.recallAtK(same, same, 3), 1);
    assert.throws(() => C.recallAtK(U, V, 0), named(/recallAtK.*k/));
  });

  it("embedding spectrum: singular values of the centred rows, entropy rank, numerical rank", () => {
    // rows ±a e₁ ± b e₂ around a centre: centred singular values 2a, 2b
    const c = [0.3, -0.2, 0.1],
      a = 2,
      b = 0.5;
    const X = [
      [a, b, 0],
      [a, -b, 0],
      [-a, b, 0],
      [-a, -b, 0],
    ].map((r) => r.map((x, k) => x + c[k]));
    const s = C.embeddingSpectrum(X);
    close(s.singularValues[0], 2 * a, 1e-13, "σ₁");
    close(s.singularValues[1], 2 * b, 1e-13, "σ₂");
    close(s.singularValues[2], 0, 1e-13, "σ₃");
    close(s.normalized[1], b / a, 1e-13, "σ₂/σ₁");
    const p = [a * a, b * b].map((x) => x / (a * a + b * b));
    close(
      s.effectiveRank,
      Math.exp(-p[0] * Math.log(p[0]) - p[1] * Math.log(p[1])),
      1e-12,
      "effective rank",
    );
    assert.equal(s.numericalRank, 2);
    assert.equal(C.embeddingSpectrum(X, 0.3).numericalRank, 1); // σ₂/σ₁ = 0.25 < 0.3
    assert.equal(C.embeddingSpectrum(X, 0.2).numericalRank, 2);
    const flat = C.embeddingSpectrum([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    assert.deepEqual(
      [flat.effectiveRank, flat.numericalRank, Array.from(flat.normalized)],
      [0, 0, [0, 0]],
    );
    for (const t of [0, 1, NaN])
      assert.throws(() => C.embeddingSpectrum(X, t), named(/embeddingSpectrum.*relTol.*\(0, 1\)/));
    assert.throws(
      () => C.embeddingSpectrum([[1, 2]]),
      named(/embeddingSpectrum X.*\[N ≥ 2, d\] \(centring needs two rows\)/),
    );
  });

  it("shiftAlongGap moves U by −λΔ and V by +λΔ, then renormalises; a zero row is refused", () => {
    const d = C.gapVector(U, V),
      lam = 0.4;
    const r = C.shiftAlongGap(U, V, lam);
    U.forEach((u, i) => {
      const w = unit(u.map((x, k) => x - lam * d[k])),
        z = unit(V[i].map((x, k) => x + lam * d[k]));
      w.forEach((x, k) => close(r.U.data[i * 3 + k], x, 1e-14, `U ${i},${k}`));
      z.forEach((x, k) => close(r.V.data[i * 3 + k], x, 1e-14, `V ${i},${k}`));
    });
    const half = C.shiftAlongGap(
      [
        [1, 0],
        [1, 0],
      ],
      [
        [0, 1],
        [0, 1],
      ],
      0.5,
    ); // u − Δ/2 = v + Δ/2 = (½, ½)
    close(half.U.data[0], Math.SQRT1_2, 1e-15);
    close(half.V.data[1], Math.SQRT1_2, 1e-15);
    assert.throws(
      () =>
        C.shiftAlongGap(
          [
            [1, 0],
            [1, 0],
          ],
          [
            [-1, 0],
            [-1, 0],
          ],
          0.5,
        ),
      named(/shiftAlongGap.*lambda.*row 0 of U non-zero/),
    );
    assert.throws(
      () => C.shiftAlongGap(U, V, NaN),
      named(/shiftAlongGap.*lambda.*a finite number/),
    );
  });
});

describe("contrastive (mutants 2): linear algebra", () => {
  it("SVD: A = U diag(S) Vᵀ, orthonormal factors, known singular values, wide and all-zero input", () => {
    const check = (A: number[][], want?: number[]) => {
      const m = A.length,
        n = A[0].length,
        r = Math.min(m, n);
      const s = C.svd(A);
      assert.equal(s.S.length, r);
      for (let k = 1; k < r; k++) assert.ok(s.S[k - 1] >= s.S[k]);
      if (want) want.forEach((w, k) => close(s.S[k], w, 1e-13, `σ_${k}`));
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let x = 0;
          for (let k = 0; k < r; k++)
            x += s.U.data[i * s.U.cols + k] * s.S[k] * s.V.data[j * s.V.cols + k];
          close(x, A[i][j], 1e-13, `A[${i}][${j}]`);
        }
      for (const [M, rows] of [
        [s.U, m],
        [s.V, n],
      ] as const)
        for (let p = 0; p < r; p++)
          for (let q = 0; q < r; q++) {
            let x = 0;
            for (let i = 0; i < rows; i++) x += M.data[i * M.cols + p] * M.data[i * M.cols + q];
            close(x, p === q ? 1 : 0, 1e-13, `orthonormal ${p},${q}`);
          }
    };
    // diag(3, 2, 1) rotated: R₁ diag R₂ with Givens rotations
    const c = Math.cos(0.3),
      s = Math.sin(0.3),
      c2 = Math.cos(1.1),
      s2 = Math.sin(1.1);
    const R1 = [
        [c, -s, 0],
        [s, c, 0],
        [0, 0, 1],
      ],
      R2 = [
        [1, 0, 0],
        [0, c2, -s2],
        [0, s2, c2],
      ];
    const mm = (a: number[][], b: number[][]) =>
      a.map((row) => b[0].map((_, j) => row.reduce((t, x, k) => t + x * b[k][j], 0)));
    check(
      mm(
        mm(R1, [
          [3, 0, 0],
          [0, 2, 0],
          [0, 0, 1],
        ]),
        R2,
      ),
      [3, 2, 1],
    );
    check([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    check([
      [1, 2, 3, 4],
      [2, 0, 1, -1],
    ]); // wide: through the transpose
    check(
      [
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      [2, 0],
    ); // rank 1: U completed to orthonormal
    check(
      [
        [0, 0],
        [0, 0],
      ],
      [0, 0],
    );
    check(
      [
        [1e300, 0],
        [0, 1e299],
      ],
      [1e300, 1e299],
    ); // scaled: no overflow of the sums of squares
    close(
      C.singularValues([
        [0, 2],
        [3, 0],
      ])[0],
      3,
      1e-15,
      "singularValues",
    );
    assert.throws(() => C.svd([[1]], { tol: 0 }), named(/svd.*opts\.tol/));
    assert.throws(() => C.svd([[1]], { tol: 1 }), named(/svd.*opts\.tol/));
    assert.throws(() => C.svd([[1]], { maxSweeps: 0 }), named(/svd.*opts\.maxSweeps/));
  });

  it("orthonormalBasis keeps the span and drops dependent columns; principal angles of known subspaces", () => {
    const B = C.orthonormalBasis(
      [
        [1, 2, 3],
        [0, 0, 0],
        [1, 2, 4],
      ].map((r) => r),
    ); // columns (1,0,1), (2,0,2), (3,0,4)
    assert.equal(B.cols, 2);
    assert.throws(
      () =>
        C.orthonormalBasis([
          [0, 0],
          [0, 0],
        ]),
      named(/orthonormalBasis.*a matrix spanning only \{0\}/),
    );
    // span{e₁, e₂} vs span{e₁, cos θ e₂ + sin θ e₃}: angles 0 and θ
    for (const th of [0.2, 1.0, Math.PI / 2]) {
      const a = C.principalAngles(
        [
          [1, 0],
          [0, 1],
          [0, 0],
        ],
        [
          [1, 0],
          [0, Math.cos(th)],
          [0, Math.sin(th)],
        ],
      );
      close(a[0], 0, 1e-14, "θ₁");
      close(a[1], th, 1e-13, `θ₂ = ${th}`);
    }
    const one = C.principalAngles(
      [[1], [0], [0]],
      [
        [0, 0],
        [1, 0],
        [0, 1],
      ],
    );
    assert.equal(one.length, 1);
    close(one[0], Math.PI / 2, 1e-14, "orthogonal");
    assert.throws(
      () => C.principalAngles([[1], [0]], [[1], [0], [0]]),
      named(/principalVectors B2/),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Second batch: from the contrastive-core run's survivors (linalg.ts above all).

describe("contrastive (mutants 2): asMat and the small matrix helpers refuse by name", () => {
  before(async () => {
    await init({ quiet: true });
  });
  const M = (rows: number, cols: number, data: number[]) => ({
    rows,
    cols,
    data: Float64Array.from(data),
  });

  it("every matrix form is read and every malformed one refused with its shape", () => {
    const sh = (re: RegExp) => (e: unknown) =>
      e instanceof Error && e.name === "ShapeError" && re.test(e.message);
    assert.deepEqual(
      Array.from(
        C.asMat([
          [1, 2],
          [3, 4],
        ]).data,
      ),
      [1, 2, 3, 4],
    );
    assert.deepEqual(Array.from(C.asMat([Float64Array.of(1, 2)]).data), [1, 2]);
    const t = tf.tensor2d([[1, 2, 3]]);
    assert.deepEqual([C.asMat(t).rows, C.asMat(t).cols], [1, 3]);
    const bad: [unknown, RegExp][] = [
      [M(0, 2, []), /^X: .*\[rows ≥ 1, cols ≥ 1\] with integer sizes.*\[0, 2\]/],
      [M(2, 0, []), /\[2, 0\]/],
      [M(1.5, 2, [1, 2, 3]), /\[1\.5, 2\]/],
      [M(2, 3, [1, 2, 3, 4, 5]), /^X data: .*length rows·cols = 6.*5/],
      [tf.tensor1d([1, 2]), /^X: .*\[rows ≥ 1, cols ≥ 1\].*\[2\]/],
      [tf.zeros([0, 3]), /^X: .*\[0, ?3\]/],
      [tf.zeros([3, 0]), /^X: .*\[3, ?0\]/],
      [[], /^X: .*\[rows ≥ 1, cols\].*\[0, \?\]/],
      [[[]], /^X: .*\[rows, cols ≥ 1\].*\[1, 0\]/],
      [
        [
          [1, 2, 3],
          [4, 5],
        ],
        /^X row 1: .*\[3\].*\[2\]/,
      ],
      ["a string", /^X: .*a Mat, an array of rows or a rank-2 tensor.*string/],
    ];
    for (const [x, re] of bad)
      assert.throws(() => C.asMat(x as L.MatLike, "X"), sh(re), JSON.stringify(x));
    assert.throws(
      () =>
        C.asMat(
          [
            [1, 2],
            [3, NaN],
          ],
          "X",
        ),
      named(/^X: argument \[1, 1\] = NaN .*finite entries/),
    );
    assert.throws(() => C.asMat([[1, Infinity, 3]], "X"), named(/argument \[0, 1\] = Infinity/));
    assert.throws(() => C.asMat([[NaN]]), named(/^matrix: /));
    // an object with rows and cols but no Float64Array data is not a Mat
    assert.throws(
      () => C.asMat({ rows: 1, cols: 1, data: [1] } as unknown as L.MatLike, "X"),
      sh(/^X: /),
    );
    assert.throws(() => C.asMat(null as unknown as L.MatLike, "X"), sh(/^X: .*object/));
  });

  it("toArray, fromColumns, sub, dot, normalizeRows, columnMean, centerRows, sliceCols, applyToRows by hand", () => {
    const A = M(2, 3, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(C.toArray(A), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(
      C.toArray(
        C.fromColumns([
          [1, 4],
          [2, 5],
          [3, 6],
        ]),
      ),
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    );
    assert.throws(() => C.fromColumns([]), named(/^fromColumns: .*at least one column/));
    assert.throws(
      () => C.fromColumns([[1, 2], [3]]),
      named(/^fromColumns column 1: .*\[2\].*\[1\]/),
    );
    assert.throws(
      () => C.fromColumns("x" as unknown as number[][]),
      named(/^fromColumns cols: .*an array of columns/),
    );
    assert.deepEqual(Array.from(C.sub(A, M(2, 3, [1, 1, 1, 1, 1, 1])).data), [0, 1, 2, 3, 4, 5]);
    assert.throws(
      () => C.sub(A, M(3, 2, [1, 1, 1, 1, 1, 1])),
      named(/^sub: .*\[2, 3\].*\[3, ?2\]/),
    );
    assert.throws(() => C.sub(A, M(2, 2, [1, 1, 1, 1])), named(/^sub: /));
    assert.throws(() => C.sub(A, M(1, 3, [1, 1, 1])), named(/^sub: /));
    assert.throws(() => C.sub(M(1, 1, [NaN]), A), named(/^sub a: /));
    assert.throws(() => C.sub(A, M(2, 3, [1, 1, 1, 1, 1, NaN])), named(/^sub b: /));
    assert.equal(C.dot([1, 2, 3], [4, 5, 6]), 32);
    assert.throws(() => C.dot([1, 2], [1, 2, 3]), named(/^dot: .*\[2\].*\[3\]/));
    const nr = C.toArray(
      C.normalizeRows([
        [3, 4],
        [0, 0],
        [0, -2],
      ]),
    ).flat();
    [0.6, 0.8, 0, 0, 0, -1].forEach((w, k) => close(nr[k], w, 1e-15, `normalizeRows ${k}`)); // a zero row stays 0
    assert.ok(nr.every(Number.isFinite));
    assert.throws(() => C.normalizeRows([[NaN]]), named(/^normalizeRows x: /));
    assert.deepEqual(
      Array.from(
        C.columnMean([
          [1, 2],
          [3, 6],
        ]),
      ),
      [2, 4],
    );
    assert.throws(() => C.columnMean([[NaN]]), named(/^columnMean x: /));
    assert.deepEqual(
      C.toArray(
        C.centerRows([
          [1, 2],
          [3, 6],
        ]),
      ),
      [
        [-1, -2],
        [1, 2],
      ],
    );
    assert.throws(() => C.centerRows([[NaN]]), named(/^centerRows x: /));
    assert.deepEqual(C.toArray(C.sliceCols(A, 2)), [
      [1, 2],
      [4, 5],
    ]);
    assert.deepEqual(C.toArray(C.sliceCols(A, 3)), C.toArray(A));
    assert.throws(() => C.sliceCols(A, 4), named(/^sliceCols: .*at most 3 columns/));
    assert.throws(() => C.sliceCols(A, 0), named(/^sliceCols: argument k = 0/));
    // X Mᵀ with a non-symmetric M
    const R = M(2, 2, [0, -1, 1, 0]);
    assert.deepEqual(
      C.toArray(
        C.applyToRows(
          [
            [1, 2],
            [3, 4],
          ],
          R,
        ),
      ),
      [
        [-2, 1],
        [-4, 3],
      ],
    );
    assert.throws(() => C.applyToRows([[1, 2, 3]], R), named(/^applyToRows m: .*\[d', 3\]/));
    assert.throws(() => C.applyToRows([[NaN, 1]], R), named(/^applyToRows x: /));
    assert.throws(
      () => C.applyToRows([[1, 1]], M(2, 2, [1, 1, 1, NaN])),
      named(/^applyToRows m: /),
    );
    const Q = C.randomOrthogonal(4, rng(5));
    const QtQ = C.matMul(C.transpose(Q), Q);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        close(QtQ.data[i * 4 + j], i === j ? 1 : 0, 1e-13, `QᵀQ ${i},${j}`);
    assert.throws(() => C.randomOrthogonal(0, rng(1)), named(/^randomOrthogonal: argument d = 0/));
  });
});

describe("contrastive (mutants 2): SVD convergence, bases, principal angles, subspace estimates", () => {
  it("two columns are orthogonalised by one Jacobi rotation: one sweep is exact", () => {
    for (const A of [
      [
        [1, 2],
        [3, 4],
        [5, 7],
      ],
      [
        [2, -1],
        [0, 3],
      ],
      [
        [1, 1e-3],
        [1e-3, 1],
      ],
    ]) {
      const s = C.svd(A, { maxSweeps: 1 });
      for (let i = 0; i < A.length; i++)
        for (let j = 0; j < 2; j++) {
          const x =
            s.U.data[i * 2] * s.S[0] * s.V.data[j * 2] +
            s.U.data[i * 2 + 1] * s.S[1] * s.V.data[j * 2 + 1];
          close(x, A[i][j], 1e-14, `A[${i}][${j}]`);
        }
      let uu = 0;
      for (let i = 0; i < A.length; i++) uu += s.U.data[i * 2] * s.U.data[i * 2 + 1];
      close(uu, 0, 1e-14, "U columns orthogonal after one sweep");
    }
  });

  it("orthonormalBasis drops a column whose remainder is below tol·its norm (any scale), tol is honoured", () => {
    assert.equal(
      C.orthonormalBasis([
        [1e6, 1e6],
        [0, 1e-5],
      ]).cols,
      1,
    ); // remainder 1e-11 of the norm
    assert.equal(
      C.orthonormalBasis(
        [
          [1e6, 1e6],
          [0, 1e-5],
        ],
        1e-12,
      ).cols,
      2,
    );
    assert.equal(
      C.orthonormalBasis([
        [1e-6, 1e-6],
        [0, 1e-17],
      ]).cols,
      1,
    );
    assert.equal(
      C.orthonormalBasis([
        [0, 1],
        [0, 0],
      ]).cols,
      1,
    ); // a zero column is skipped
    assert.throws(
      () => C.orthonormalBasis([[0], [0]]),
      named(
        /^orthonormalBasis: argument a = a matrix spanning only \{0\} .*at least one non-zero column/,
      ),
    );
    assert.throws(() => C.orthonormalBasis([[NaN]]), named(/^orthonormalBasis input: /));
  });

  it("principal angles near π/2 keep full accuracy (cosine branch); the vectors realise them", () => {
    for (const th of [Math.PI / 2 - 1e-6, 1.2, 1e-7]) {
      const B2 = [
        [1, 0],
        [0, Math.cos(th)],
        [0, Math.sin(th)],
      ];
      const pv = C.principalVectors(
        [
          [1, 0],
          [0, 1],
          [0, 0],
        ],
        B2,
      );
      close(pv.angles[1], th, 1e-13, `θ = ${th}`);
      close(pv.angles[0], 0, 1e-14, "θ₁");
      for (let k = 0; k < 2; k++) {
        const p = C.col(pv.P, k),
          q = C.col(pv.Q, k);
        close(C.norm(p), 1, 1e-14);
        close(C.norm(q), 1, 1e-14);
        close(Math.abs(C.dot(p, q)), Math.cos(pv.angles[k]), 1e-13, `|P_${k}·Q_${k}| = cos θ_${k}`);
      }
    }
    assert.throws(
      () => C.principalVectors([[1], [0]], [[1], [0], [0]]),
      named(/^principalVectors B2: .*\[2, k\] \(same ambient dimension as B1\).*\[3, ?1\]/),
    );
  });

  it("estimateSubspace: rank by energy (the smallest r holding the fraction), or given; refusals", () => {
    // rows with singular values 3, 2, 1 along e₁, e₂, e₃ (V = I)
    const X = [
      [3, 0, 0],
      [0, 2, 0],
      [0, 0, 1],
    ];
    const r = (energy?: number) =>
      C.estimateSubspace(X, energy === undefined ? {} : { energy }).rank;
    assert.deepEqual(
      [r(0.5), r(9 / 14), r(0.65), r(13 / 14), r(0.93), r(1), r()],
      [1, 1, 2, 2, 3, 3, 3],
    );
    const e = C.estimateSubspace([
      [3, 0, 0],
      [0, 2, 0],
      [0, 0, 0.1],
    ]);
    assert.equal(e.rank, 2); // 13/13.01 ≥ 0.99
    assert.deepEqual(
      C.toArray(e.basis).map((row) => row.map(Math.abs)),
      [
        [1, 0],
        [0, 1],
        [0, 0],
      ],
    );
    assert.deepEqual(Array.from(e.singularValues), [3, 2, 0.1]);
    assert.equal(C.estimateSubspace(X, { rank: 3 }).rank, 3);
    assert.equal(C.estimateSubspace(X, { rank: 1, energy: 1 }).rank, 1);
    assert.equal(
      C.estimateSubspace([
        [0, 1],
        [0, 2],
      ]).rank,
      1,
    ); // zeros are fine, only all-zero data is refused
    for (const rank of [0, 4, 1.5])
      assert.throws(
        () => C.estimateSubspace(X, { rank }),
        named(/^estimateSubspace: argument opts\.rank = .*an integer in \[1, 3\]/),
      );
    assert.throws(
      () => C.estimateSubspace([[1, 2, 3, 4]], { rank: 2 }),
      named(/an integer in \[1, 1\]/),
    );
    for (const energy of [0, 1.01, NaN])
      assert.throws(
        () => C.estimateSubspace(X, { energy }),
        named(/^estimateSubspace: argument opts\.energy = .*a fraction in \(0, 1\]/),
      );
    assert.throws(
      () => C.estimateSubspace([[0, 0]]),
      named(
        /^estimateSubspace: argument X = the zero matrix .*no subspace can be estimated from zeros/,
      ),
    );
  });
});

describe("contrastive (mutants 2): loss and metric argument checks, overflow-free log-sum-exp", () => {
  before(async () => {
    await init({ quiet: true });
  });
  it("shapes: same rows *and* columns, rank 2; names on every refusal", () => {
    const W = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]; // 4 × 4: same rows as U, other cols
    for (const [what, fn, re] of [
      [
        "infoNCELoss",
        () => C.infoNCELoss(U, W, 1),
        /^infoNCELoss V: .*\[4, 3\] \(same as U\).*\[4, ?4\]/,
      ],
      ["alignment", () => C.alignment(U, W), /^alignment V: .*\[4, ?4\]/],
      ["centroidDistance", () => C.centroidDistance(U, W), /^centroidDistance V: .*\[4, ?4\]/],
      ["gapVector", () => C.gapVector(U, [[1, 0, 0]]), /^gapVector V: /],
      ["centroidAngle", () => C.centroidAngle(U, [[1, 0, 0]]), /^centroidAngle V: /],
      ["pairCosines", () => C.pairCosines(U, [[1, 0, 0]]), /^pairCosines V: /],
      ["shiftAlongGap", () => C.shiftAlongGap(U, [[1, 0, 0]], 0.1), /^shiftAlongGap V: /],
      ["infoNCELoss U", () => C.infoNCELoss([[NaN, 0, 0]], [[1, 0, 0]], 1), /^infoNCELoss U: /],
      ["infoNCELoss V", () => C.infoNCELoss([[1, 0, 0]], [[NaN, 0, 0]], 1), /^infoNCELoss V: /],
      ["alignment U", () => C.alignment([[NaN]], [[1]]), /^alignment U: /],
      ["alignment V", () => C.alignment([[1]], [[NaN]]), /^alignment V: /],
      ["uniformity X", () => C.uniformity([[NaN], [1]]), /^uniformity X: /],
      ["uniformity t", () => C.uniformity(U, 0), /^uniformity: argument t = 0/],
      [
        "uniformity rows",
        () => C.uniformity([[1, 2, 3]]),
        /^uniformity X: .*\[N ≥ 2, d\].*\[1, ?3\]/,
      ],
      [
        "alignLoss α",
        () => C.alignLoss(tf.tensor2d(U), tf.tensor2d(V), 0),
        /^alignLoss: argument alpha = 0 .*a finite number > 0/,
      ],
      [
        "alignLoss v",
        () => C.alignLoss(tf.tensor2d(U), tf.tensor2d(W), 2),
        /^alignLoss v: .*\[4, 3\] \(same as u\)/,
      ],
      ["infoNCE v cols", () => C.infoNCE(tf.tensor2d(U), tf.tensor2d(W), 1), /^infoNCE v: /],
      [
        "infoNCE v rank",
        () => C.infoNCE(tf.tensor2d(U), tf.tensor3d([[[1]]]) as unknown as tf.Tensor2D, 1),
        /^infoNCE v: /,
      ],
      [
        "uniformLoss t",
        () => C.uniformLoss(tf.tensor2d(U), -1),
        /^uniformLoss: argument t = -1 .*a finite number > 0/,
      ],
      [
        "uniformLoss rank",
        () => C.uniformLoss(tf.tensor1d([1, 2, 3]) as unknown as tf.Tensor2D),
        /^uniformLoss x: .*\[N ≥ 2, d\]/,
      ],
      ["embeddingSpectrum", () => C.embeddingSpectrum([[NaN], [1]]), /^embeddingSpectrum X: /],
      ["embeddingSpectrum rows", () => C.embeddingSpectrum([[1, 2]]), /\[1, ?2\]/],
    ] as [string, () => unknown, RegExp][])
      assert.throws(fn, named(re), what);
    // two rows are enough for the uniformity
    assert.ok(
      Number.isFinite(
        tf.tidy(
          () =>
            C.uniformLoss(
              tf.tensor2d([
                [1, 0],
                [0, 1],
              ]),
            ).dataSync()[0],
        ),
      ),
    );
  });

  it("non-unit rows: uniformity uses the true squared distances (tfjs and float64 agree)", () => {
    const X = [
      [2, 0],
      [0, 0.5],
      [1, 1],
      [-3, 0.2],
    ];
    const want = C.uniformity(X, 0.3);
    const terms: number[] = [];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        if (i !== j) terms.push(-0.3 * ((X[i][0] - X[j][0]) ** 2 + (X[i][1] - X[j][1]) ** 2));
    close(want, lse(terms) - Math.log(12), 1e-13, "float64");
    close(
      tf.tidy(() => C.uniformLoss(tf.tensor2d(X), 0.3).dataSync()[0]),
      want,
      1e-5,
      "tfjs",
    );
  });

  it("log-sum-exp shifts by the largest term: InfoNCE at τ = 1e-3 is finite and exact", () => {
    const a = [unit([1, 0, 0]), unit([0, 1, 0]), unit([-1, 0.01, 0])];
    const b = [unit([-1, 0, 0]), unit([0, 1, 0]), unit([1, 0, 0])]; // the largest logit is last in row 0
    let uv = 0,
      vu = 0;
    for (let i = 0; i < 3; i++) {
      uv += lse(b.map((v) => dotv(a[i], v) / 1e-3)) - dotv(a[i], b[i]) / 1e-3;
      vu += lse(a.map((u) => dotv(u, b[i]) / 1e-3)) - dotv(a[i], b[i]) / 1e-3;
    }
    const got = C.infoNCELoss(a, b, 1e-3);
    assert.ok(Number.isFinite(got));
    close(got, (uv + vu) / 6, 1e-12, "τ = 1e-3");
  });

  it("numericalRank counts σ strictly above relTol·σ₁; a zero centroid has no angle", () => {
    const X = [
      [2, 0.5],
      [2, -0.5],
      [-2, 0.5],
      [-2, -0.5],
    ]; // centred σ = 4 and 1 exactly
    const s = C.embeddingSpectrum(X, 0.25);
    assert.deepEqual(Array.from(s.singularValues), [4, 1]);
    assert.equal(s.numericalRank, 1); // 1 > 0.25·4 is false
    assert.equal(C.embeddingSpectrum(X, 0.2499).numericalRank, 2);
  });
});

describe("contrastive (mutants 2): what the re-run left (after #21's move to lib/src/linalg)", () => {
  before(async () => {
    await init({ quiet: true });
  });
  it("a one-column tensor is a matrix; the 'got' parts and labels of the remaining refusals", () => {
    const t = tf.tensor2d([[1], [2], [3]]);
    assert.deepEqual([C.asMat(t).rows, C.asMat(t).cols], [3, 1]);
    assert.throws(() => C.fromColumns([]), named(/at least one column.*\[\]/));
    assert.throws(
      () => C.applyToRows([[1, 2, 3]], { rows: 2, cols: 2, data: Float64Array.of(1, 0, 0, 1) }),
      named(/\[d', 3\].*\[2, ?2\]/),
    );
    assert.throws(
      () => C.sliceCols({ rows: 2, cols: 3, data: new Float64Array(6) }, 4),
      named(/at most 3 columns.*\[2, ?4\]/),
    );
    assert.throws(
      () => C.principalVectors([[1], [0]], [[NaN], [0]]),
      named(/^principalVectors B2: /),
    );
    assert.throws(() => C.svd([[1]], { tol: 2 }), named(/opts\.tol = 2 .*a number in \(0, 1\)/));
    const v3 = tf.zeros([4, 3, 1]) as unknown as tf.Tensor2D;
    assert.throws(
      () => C.infoNCE(tf.tensor2d(U), v3, 1),
      named(/^infoNCE v: .*\[4, 3\] \(same as u\)/),
    );
  });
});

describe("contrastive (mutants 2): bottleneckBases names its rank argument", () => {
  it("rank and shared are refused by their names; a valid call has the stated principal angles", () => {
    assert.throws(
      () => C.bottleneckBases(6, 0, 0, 0.3, rng(1)),
      named(/^bottleneckBases: argument rank = 0 /),
    );
    assert.throws(
      () => C.bottleneckBases(6, 4, 1, 0.3, rng(1)),
      named(/^bottleneckBases: argument shared = 1 .*2·rank − shared ≤ d = 6/),
    );
    const { B1, B2 } = C.bottleneckBases(6, 3, 1, 0.3, rng(1));
    assert.deepEqual([B1.rows, B1.cols, B2.cols], [6, 3, 3]);
    const angles = Array.from(C.principalAngles(B1, B2)).sort((a, b) => a - b);
    [0, 0.3, 0.3].forEach((a, i) => close(angles[i], a, 1e-12, `principal angle ${i}`));
  });
});
