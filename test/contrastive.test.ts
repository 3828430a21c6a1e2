import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { contrastive as C, linalg, tensor, rng, init, BesselbookError } from "besselbook";

import { close, expectNoLeakedTensorsAsync, onBackends } from "./helpers";
const deg = Math.PI / 180;

async function backend(): Promise<void> {
  try {
    await init();
  } catch {
    // init() not available yet in this checkout: fall back to tfjs's wasm backend directly
    require("@tensorflow/tfjs-backend-wasm");
    await tf.setBackend("wasm");
  }
}

describe("contrastive: linear algebra", () => {
  it("Jacobi SVD reconstructs A and returns descending singular values", () => {
    const r = rng(1);
    const A = { rows: 7, cols: 4, data: Float64Array.from({ length: 28 }, () => r.normal()) };
    const { U, S, V } = linalg.svd(A);
    for (let k = 1; k < S.length; k++) assert.ok(S[k] <= S[k - 1]);
    // U diag(S) Vᵀ = A
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += linalg.get(U, i, k) * S[k] * linalg.get(V, j, k);
        close(s, linalg.get(A, i, j), 1e-12, `A[${i},${j}]`);
      }
    // wide matrix goes through the transpose
    const w = linalg.svd(linalg.transpose(A));
    for (let k = 0; k < 4; k++) close(w.S[k], S[k], 1e-12, "σ of Aᵀ");
  });

  it("SVD of a known diagonal-times-rotation matrix", () => {
    const c = Math.cos(0.3),
      s = Math.sin(0.3);
    // A = diag(3, 1) R(0.3): singular values 3, 1
    const A = linalg.asMat([
      [3 * c, -3 * s],
      [s, c],
    ]);
    const S = linalg.singularValues(A);
    close(S[0], 3, 1e-14, "σ1");
    close(S[1], 1, 1e-14, "σ2");
  });

  it("orthonormalBasis drops dependent columns", () => {
    const B = linalg.orthonormalBasis(
      [
        [1, 2, 3],
        [0, 0, 0],
        [1, 2, 4],
        [0, 0, 0],
      ].map((r) => r),
    );
    assert.equal(B.cols, 2);
    const G = linalg.matMul(linalg.transpose(B), B);
    close(linalg.get(G, 0, 1), 0, 1e-14, "orthogonal");
    close(linalg.get(G, 1, 1), 1, 1e-14, "unit");
  });

  it("principal angles of constructed subspaces (dihedral and disjoint readings, rotated)", () => {
    for (const phi of [15, 30, 45, 60, 75].map((x) => x * deg)) {
      const h = C.subspacePair(5, phi, "dihedral", { rotate: rng(3) });
      const a = linalg.principalAngles(h.B1, h.B2);
      assert.equal(a.length, 4);
      for (let k = 0; k < 3; k++) close(a[k], 0, 1e-12, "shared directions");
      close(a[3], phi, 1e-12, "dihedral angle");
      const g = C.subspacePair(6, phi, "disjoint", { rotate: rng(4) });
      const b = linalg.principalAngles(g.B1, g.B2);
      assert.equal(b.length, 3);
      for (const x of b) close(x, phi, 1e-12, "disjoint angle");
    }
  });

  it("principal angles keep precision for tiny angles and handle 90°", () => {
    const t = 1e-9;
    const a = linalg.principalAngles([[1], [0], [0]], [[Math.cos(t)], [Math.sin(t)], [0]]);
    close(a[0], t, 1e-20, "tiny angle via sine branch");
    const b = linalg.principalAngles([[1], [0], [0]], [[0], [0], [2]]);
    close(b[0], Math.PI / 2, 1e-15, "orthogonal");
    // principal vectors: p·q = cos θ
    const pv = linalg.principalVectors(
      C.subspacePair(4, 0.7, "dihedral").B1,
      C.subspacePair(4, 0.7, "dihedral").B2,
    );
    close(linalg.dot(linalg.col(pv.P, 2), linalg.col(pv.Q, 2)), Math.cos(0.7), 1e-12, "p·q");
  });

  it("rejects mismatched ambient dimensions with a ShapeError", () => {
    assert.throws(
      () => linalg.principalAngles([[1], [0]], [[1], [0], [0]]),
      /ShapeError|same ambient dimension/,
    );
  });

  it("estimateSubspace finds the span of data lying in a subspace", () => {
    const h = C.subspacePair(6, 0.5, "disjoint", { rotate: rng(9) });
    const r = rng(10);
    const Z = C.sampleSphere(200, 3, r);
    const X = linalg.normalizeRows(linalg.matMul(Z, linalg.transpose(h.B1)));
    const est = linalg.estimateSubspace(X, { energy: 0.999 });
    assert.equal(est.rank, 3);
    const ang = linalg.principalAngles(est.basis, h.B1);
    for (const a of ang) close(a, 0, 1e-7, "same subspace");
    assert.throws(() => linalg.estimateSubspace(X, { rank: 0 }), C.ArgumentError);
  });
});

describe("contrastive: losses and metrics", () => {
  before(backend);

  it("InfoNCE matches a hand-computed 2×2 case (tfjs and float64)", () => {
    // u = v = {e1, e2}, τ = 1: logits [[1,0],[0,1]]; each row: log(e + 1) − 1.
    const expected = Math.log(Math.E + 1) - 1;
    const U = linalg.asMat([
      [1, 0],
      [0, 1],
    ]);
    close(C.infoNCELoss(U, U, 1), expected, 1e-15, "float64");
    const u = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const l = C.infoNCE(u, u, 1);
    close(l.dataSync()[0], expected, 1e-6, "tfjs");
    // asymmetric case: u1 = e1, u2 = e2, v1 = e2, v2 = e1 (all pairs swapped), τ = 0.5
    const v = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const exp2 = Math.log(Math.exp(2) + 1) - 0; // positive logit 0, negatives: e^{2}
    close(C.infoNCE(u, v, 0.5).dataSync()[0], exp2, 1e-5, "swapped pairs");
    close(
      C.infoNCELoss(
        U,
        linalg.asMat([
          [0, 1],
          [1, 0],
        ]),
        0.5,
      ),
      exp2,
      1e-12,
      "swapped float64",
    );
    tf.dispose([u, v, l]);
  });

  it("InfoNCE tfjs and float64 agree on random data, stays finite at τ = 0.01, gradients finite", () => {
    const r = rng(5);
    const U = C.sampleSphere(32, 8, r);
    const V = C.sampleSphere(32, 8, r);
    for (const tau of [1, 0.1, 0.01]) {
      const u = linalg.toTensor(U),
        v = linalg.toTensor(V);
      const l = C.infoNCE(u, v, tau);
      const got = l.dataSync()[0];
      assert.ok(Number.isFinite(got));
      close(got, C.infoNCELoss(U, V, tau), 2e-5 / tau, `τ=${tau}`);
      const g = tf.grad((x: tf.Tensor) => C.infoNCE(C.l2Normalize(x as tf.Tensor2D), v, tau))(u);
      assert.ok(Array.from(g.dataSync()).every(Number.isFinite), "finite gradient");
      tf.dispose([u, v, l, g]);
    }
    assert.throws(() => C.infoNCELoss(U, V, 0), C.ArgumentError);
    assert.throws(
      () => C.infoNCE(linalg.toTensor(U), tf.zeros([3, 8]) as tf.Tensor2D, 1),
      /ShapeError|same as u/,
    );
  });

  it("alignment and uniformity: known values and tfjs = float64", () => {
    const U = linalg.asMat([
      [1, 0],
      [0, 1],
    ]);
    const V = linalg.asMat([
      [0, 1],
      [1, 0],
    ]);
    close(C.alignment(U, V), 2, 1e-15, "‖e1 − e2‖² = 2");
    close(C.alignment(U, U), 0, 0, "aligned");
    // two points at distance² 2: log e^{−4} = −4
    close(C.uniformity(U), -4, 1e-14, "uniformity of e1, e2");
    const r = rng(6);
    const X = C.sampleSphere(20, 5, r);
    const Y = C.sampleSphere(20, 5, r);
    const [x, y] = [linalg.toTensor(X), linalg.toTensor(Y)];
    close(C.uniformLoss(x).dataSync()[0], C.uniformity(X), 1e-5, "uniform tfjs");
    close(C.alignLoss(x, y).dataSync()[0], C.alignment(X, Y), 1e-5, "align tfjs");
    close(C.alignLoss(x, y, 1).dataSync()[0], C.alignment(X, Y, 1), 1e-5, "align α=1");
    const g = tf.grad((t: tf.Tensor) => C.uniformLoss(t as tf.Tensor2D))(x);
    assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
    tf.dispose([x, y, g]);
  });

  it("gap metrics on a constructed offset", () => {
    // u_i = e1 rotated slightly ±; v = u shifted to the e2 side
    const U = linalg.asMat([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const V = linalg.asMat([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const m = C.gapMetrics(U, V);
    close(m.centroidDistance, Math.sqrt(0.5), 1e-15, "‖(½,−½,0)‖");
    close(m.meanPairCosine, 0.5, 1e-15, "mean cos");
    close(m.minPairAngle, 0, 1e-15, "min angle");
    close(m.maxPairAngle, Math.PI / 2, 1e-15, "max angle");
    close(m.centroidAngle, Math.acos(0.5), 1e-15, "centroid angle: (1,0,1)·(0,1,1)/2");
  });

  it("shiftAlongGap: λ = 0 is the identity, λ = ½ closes a symmetric gap", () => {
    const U = linalg.asMat(
      [
        [1, 1],
        [1, -1],
      ].map((r) => r.map((x) => x / Math.SQRT2)),
    );
    const V = linalg.asMat(
      [
        [-1, 1],
        [-1, -1],
      ].map((r) => r.map((x) => x / Math.SQRT2)),
    );
    const s0 = C.shiftAlongGap(U, V, 0);
    for (let i = 0; i < 4; i++) close(s0.U.data[i], U.data[i], 1e-15, "λ=0");
    // Δ = (√2, 0): λ = ½ moves u to (0, ±1) and v to (0, ±1): centroids meet and pairs align
    const s = C.shiftAlongGap(U, V, 0.5);
    close(C.centroidDistance(s.U, s.V), 0, 1e-12, "gap closed");
    close(C.meanPairCosine(s.U, s.V), 1, 1e-12, "pairs aligned");
    assert.throws(() => C.shiftAlongGap(U, V, NaN), C.ArgumentError);
  });

  it("recall@k", () => {
    const U = linalg.asMat([
      [1, 0],
      [0, 1],
      [-1, 0],
    ]);
    close(C.recallAtK(U, U, 1), 1, 0, "identical");
    const V = linalg.asMat([
      [0, 1],
      [1, 0],
      [-1, 0],
    ]);
    // u1=(1,0): sims to V = [0, 1, −1], true v1 scores 0 < v2 → rank 2; u2=(0,1): [1, 0, 0], v1
    // beats and v3 ties the true v2 → rank 3; u3=(−1,0): [0, −1, 1] → rank 1
    close(C.recallAtK(U, V, 1), 1 / 3, 1e-15, "R@1");
    close(C.recallAtK(U, V, 2), 2 / 3, 1e-15, "R@2");
    close(C.recallAtK(U, V, 3), 1, 1e-15, "R@3");
    // ties count against: collapsed embeddings retrieve nothing
    const Z = linalg.asMat([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
    close(C.recallAtK(Z, Z, 1), 0, 0, "collapsed");
    assert.throws(() => C.recallAtK(U, V, 0), C.ArgumentError);
  });

  it("embeddingSpectrum sees dimension collapse", () => {
    const h = C.subspacePair(8, 0.3, "disjoint", { k: 2 });
    const X = linalg.normalizeRows(
      linalg.matMul(C.sampleSphere(100, 2, rng(7)), linalg.transpose(h.B1)),
    );
    const s = C.embeddingSpectrum(X);
    assert.equal(s.numericalRank, 2);
    assert.ok(
      s.effectiveRank > 1.5 && s.effectiveRank <= 2.0001,
      `effective rank ${s.effectiveRank}`,
    );
  });
});

describe("contrastive: constraints and fixes", () => {
  before(backend);

  it("cone parametrisation stays inside the cap and inverts", () => {
    const axis = [0, 0, 1, 0];
    const alpha = 0.4;
    const k = C.cone(axis, alpha);
    const z = tf.tensor2d(
      Float32Array.from({ length: 200 }, (_, i) => Math.sin(i * 1.7) * 5),
      [50, 4],
    );
    const u = linalg.asMat(k.apply(z));
    for (let i = 0; i < 50; i++) {
      const r = linalg.row(u, i);
      close(linalg.norm(r), 1, 1e-6, "unit");
      assert.ok(Math.acos(Math.min(1, r[2])) <= alpha + 1e-5, "inside cap");
    }
    const P = C.sampleCap(30, axis, 0.3, rng(8));
    const back = linalg.asMat(k.apply(linalg.toTensor(k.inverse(P))));
    for (let i = 0; i < P.data.length; i++) close(back.data[i], P.data[i], 1e-5, "inverse");
    assert.throws(() => C.cone(axis, 0), C.ArgumentError);
    z.dispose();
  });

  it("subspace parametrisation lands on the subspace", () => {
    const h = C.subspacePair(5, 0.6, "dihedral", { rotate: rng(2) });
    const s = C.subspace(h.B2);
    const z = tf.tensor2d([
      [1, 2, 3, 4],
      [0.1, -1, 0, 2],
    ]);
    const U = linalg.asMat(s.apply(z));
    const a = linalg.principalAngles(linalg.transpose(U), h.B2);
    for (const x of a) close(x, 0, 1e-6, "in H2");
    assert.throws(() => s.apply(tf.zeros([2, 5]) as tf.Tensor2D), /ShapeError|\[N, 4\]/);
    z.dispose();
  });

  it("ℝ⁴ example: u·v = 1 − x₃²(1 − cos φ); rotation and projection restore alignment", () => {
    const phi = 50 * deg;
    const { U, V, x3 } = C.r4Example(500, phi, rng(11));
    const c = C.pairCosines(U, V);
    for (let i = 0; i < 500; i++) close(c[i], C.r4PairCosine(x3[i], phi), 1e-14, "pair cosine");
    // mean over uniform x on S²: 1 − (1 − cos φ)/3, Monte-Carlo error ~ (1−cos φ)·0.3/√500
    close(C.meanPairCosine(U, V), C.expectedPairCosineDihedral(phi), 0.02, "mean cosine");
    const h = C.subspacePair(4, phi, "dihedral");
    const R = C.hyperplaneRotation(h.B1, h.B2);
    // orthogonal
    const RtR = linalg.matMul(linalg.transpose(R), R);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) close(linalg.get(RtR, i, j), i === j ? 1 : 0, 1e-14, "RᵀR");
    const Vr = C.applyRotation(V, R);
    close(C.meanPairCosine(U, Vr), 1, 1e-12, "rotated alignment");
    const S = C.sharedSubspace(h.B1, h.B2, { maxAngle: 1e-6 });
    assert.equal(S.cols, 2, "shared space of two hyperplanes in ℝ⁴ is 2-dimensional");
    close(
      C.meanPairCosine(C.projectOnto(U, S), C.projectOnto(V, S)),
      1,
      1e-12,
      "projected alignment",
    );
  });

  it("fixes fitted from data on the disjoint reading", () => {
    const h = C.subspacePair(8, 40 * deg, "disjoint", { k: 3, rotate: rng(12) });
    const Z = C.sampleSphere(300, 3, rng(13));
    const U = linalg.normalizeRows(linalg.matMul(Z, linalg.transpose(h.B1)));
    const V = linalg.normalizeRows(linalg.matMul(Z, linalg.transpose(h.B2)));
    close(C.meanPairCosine(U, V), Math.cos(40 * deg), 1e-12, "all pairs at φ");
    const f = C.fitFixes(U, V, { energy: 0.999 });
    for (const a of f.angles) close(a, 40 * deg, 1e-8, "estimated angles");
    close(C.meanPairCosine(U, C.applyRotation(V, f.R)), 1, 1e-8, "rotation");
    assert.equal(f.S, null, "disjoint subspaces share no direction: no intersection");
    close(
      C.meanPairCosine(C.projectOnto(U, f.bisector), C.projectOnto(V, f.bisector)),
      1,
      1e-8,
      "bisector map",
    );
    assert.throws(() => C.sharedSubspace(h.B1, h.B2, { maxAngle: 0.1 }), C.ArgumentError);
  });

  it("edge maps: constant image has edges only at the border, scaled to max 1", () => {
    const img = new Float32Array(25).fill(1);
    const e = C.edgeMaps(img, 1, 5, 5);
    close(e[12], 0, 0, "centre");
    close(Math.max(...e), 1, 1e-7, "max");
    assert.throws(() => C.edgeMaps(img, 2, 5, 5), /ShapeError|values/);
  });
});

describe("contrastive: training", () => {
  before(backend);

  it("free embeddings from offset cones: gap shrinks, tensor count flat across steps", async () => {
    const d = 3,
      n = 48;
    const [a, b] = C.offsetAxes(d, 1.2);
    const encU = C.freeEmbeddings(C.sampleCap(n, a, 0.3, rng(20)), C.free(d));
    const encV = C.freeEmbeddings(C.sampleCap(n, b, 0.3, rng(21)), C.free(d));
    const counts: number[] = [];
    const res = await C.trainContrastive(encU, encV, {
      tau: 0.2,
      steps: 150,
      lr: 0.05,
      logEvery: 25,
      onLog: () => counts.push(tf.memory().numTensors),
    });
    const h = res.history;
    assert.ok(h[0].centroidDistance > 0.8, `initial gap ${h[0].centroidDistance}`);
    assert.ok(
      h[h.length - 1].centroidDistance < 0.5 * h[0].centroidDistance,
      `final gap ${h[h.length - 1].centroidDistance}`,
    );
    assert.ok(h[h.length - 1].loss < h[0].loss, "loss decreased");
    // after the first optimizer step (Adam slots created) the count must not grow
    assert.equal(new Set(counts.slice(1)).size, 1, `tensor counts ${counts}`);
    encU.dispose();
    encV.dispose();
  });

  it("MLP encoders with minibatches train, stay finite and do not leak", async () => {
    const r = rng(30);
    const n = 64;
    const X = tf.tensor2d(
      Float32Array.from({ length: n * 10 }, () => r.normal()),
      [n, 10],
    );
    const Y = tf.tidy(
      () =>
        tf.tanh(
          tf.matMul(
            X,
            tf.tensor2d(
              Float32Array.from({ length: 60 }, () => r.normal()),
              [10, 6],
            ),
          ),
        ) as tf.Tensor2D,
    );
    const h = C.subspacePair(6, 0.5, "dihedral");
    const encU = C.mlpEncoder([10, 16, 5], C.subspace(h.B1), rng(31));
    const encV = C.mlpEncoder([6, 16, 5], C.subspace(h.B2), rng(32));
    const nVariables = encU.variables.length + encV.variables.length;
    await expectNoLeakedTensorsAsync(
      async () => {
        const counts: number[] = [];
        const res = await C.trainContrastive(encU, encV, {
          tau: 0.5,
          steps: 60,
          lr: 0.01,
          xu: X,
          xv: Y,
          batchSize: 16,
          logEvery: 10,
          seed: 1,
          onLog: () => counts.push(tf.memory().numTensors),
        });
        assert.ok(res.history.every((x) => Number.isFinite(x.loss)));
        assert.ok(res.history[res.history.length - 1].loss < res.history[0].loss, "loss decreased");
        assert.equal(new Set(counts.slice(1)).size, 1, `tensor counts ${counts}`);
        assert.ok(res.history.every((x) => x.meanPairCosine <= 1 + 1e-9));
        encU.dispose();
        encV.dispose();
      },
      "all training tensors freed (the encoders' variables too)",
      -nVariables,
    );
    tf.dispose([X, Y]);
  });
});

describe("contrastive: closed forms", () => {
  it("large-N limit, the i.i.d. bound and the subspace limit", () => {
    // d = 3: −κ + log(sinh κ/κ); τ = 0.5 → −2 + log(sinh 2 / 2)
    close(C.largeNLimit(3, 0.5), -2 + Math.log(Math.sinh(2) / 2), 1e-14, "d = 3 limit");
    // the i.i.d. bound minus log N tends to the limit like (e^κ/M − 1)/N
    const lim = C.largeNLimit(4, 0.5);
    close(C.iidUniformLossBound(4, 0.5, 1e7) - Math.log(1e7), lim, 1e-5, "large N");
    assert.ok(
      C.iidUniformLossBound(4, 0.5, 64) - Math.log(64) > lim,
      "bound above the limit at finite N",
    );
    assert.throws(() => C.iidUniformLossBound(3, 0.1, 1), C.ArgumentError);
    // subspace limit: θ = 0 is the free limit in k dimensions; the trained values at τ =
    // 0.1, k = 3
    close(C.subspaceLimit(3, 0, 0.1), C.largeNLimit(3, 0.1), 1e-14, "θ = 0");
    close(
      C.subspaceLimit(3, 60 * deg, 0.1),
      -5 + Math.log(Math.sinh(5) / 5),
      1e-13,
      "θ = 60°: κ cos θ = 5",
    );
    close(C.subspaceLimit(3, 30 * deg, 0.1), -2.8519, 1e-4, "θ = 30°");
    // k = 2: M_2 = I₀, I₀(1) = 1.2660658777520082 (A&S table 9.8)
    close(
      C.subspaceLimit(2, Math.acos(0.5), 0.5),
      -1 + Math.log(1.2660658777520082),
      1e-13,
      "k = 2",
    );
    assert.throws(() => C.subspaceLimit(3, 2, 0.1), C.ArgumentError);
    assert.throws(() => C.subspaceLimit(2.5, 0.1, 0.1), C.ArgumentError);
  });

  it("cap terms: quadrature matches Monte Carlo; aligned caps reduce to the single-cap values", () => {
    const q = C.capTerms(20 * deg, Math.PI, 0.5);
    // the Monte Carlo values: cross −1.876, total +0.007 (independent draws, so ±0.01)
    close(q.cross, -1.876, 0.01, "cross term, opposite 20° caps, τ = 0.5");
    close(q.total, 0.007, 0.01, "total");
    // closed-form alignment: E[u·v] = −(1 + c + c²)/3 at ψ = π
    const c = Math.cos(20 * deg);
    close(q.meanCos, -(1 + c + c * c) / 3, 1e-15, "alignment at ψ = π");
    const mc = C.capTermsMC(20 * deg, Math.PI, 0.5, 3000, rng(7));
    close(mc.cross, q.cross, 0.01, "MC cross");
    close(mc.meanCos, q.meanCos, 0.005, "MC mean cosine");
    // a full cap (α = π) is the uniform sphere: cross = log M_3(κ) for every ψ
    for (const psi of [0, 1, Math.PI])
      close(
        C.capTerms(Math.PI, psi, 0.5, { nodes: 64 }).cross,
        Math.log(Math.sinh(2) / 2),
        1e-6,
        `α = π, ψ = ${psi}`,
      );
    // τ = 0.1: cross −9.29 for opposite caps (the value)
    close(C.capTerms(20 * deg, Math.PI, 0.1).cross, -9.29, 0.02, "τ = 0.1");
    assert.throws(() => C.capTerms(0, 1, 0.5), C.ArgumentError);
    assert.throws(() => C.capTerms(0.3, 4, 0.5), C.ArgumentError);
  });

  it("uniformity of the uniform distribution and the i.i.d. InfoNCE Monte Carlo", () => {
    // d = 3, t = 2: −4 + log(sinh 4 / 4)
    close(C.uniformityOfUniform(3, 2), -4 + Math.log(Math.sinh(4) / 4), 1e-12, "closed form");
    const X = C.sampleSphere(4000, 3, rng(41)),
      Y = C.sampleSphere(4000, 3, rng(42));
    let s = 0;
    for (let i = 0; i < 4000; i++) {
      let d2 = 0;
      for (let k = 0; k < 3; k++) d2 += (X.data[3 * i + k] - Y.data[3 * i + k]) ** 2;
      s += Math.exp(-2 * d2);
    }
    close(Math.log(s / 4000), C.uniformityOfUniform(3, 2), 0.05, "MC uniformity");
    // Jensen: E log ≤ log E, so the i.i.d. Monte Carlo loss sits at or below the bound
    const mc = C.iidUniformLoss(3, 0.5, 32, 30, rng(43));
    const bound = C.iidUniformLossBound(3, 0.5, 32);
    assert.ok(mc.mean <= bound + 4 * mc.se, `MC ${mc.mean} ± ${mc.se} vs bound ${bound}`);
    assert.ok(mc.mean > bound - 0.2, "and close to it");
  });

  it("sampleCap is uniform on the cap: cos β uniform on [cos α, 1] in d = 3", () => {
    const a = 50 * deg;
    const X = C.sampleCap(20000, [0, 0, 1], a, rng(44));
    let m = 0;
    for (let i = 0; i < X.rows; i++) m += X.data[3 * i + 2];
    m /= X.rows;
    // E cos β = (1 + cos α)/2; sd of cos β = (1 − cos α)/√12, s.e. ≈ 0.0007
    close(m, (1 + Math.cos(a)) / 2, 0.003, "mean cos β");
    // the tangent-ball sampler β = α√U has E cos β = 2(α sin α + cos α − 1)/α² = 0.8175 here (off
    // by 0.004, ≈ 5 s.e.): this check separates the two
  });
});

describe("contrastive: bad input is refused with a typed error", () => {
  const isTyped = (fn: () => unknown, arg: RegExp) =>
    assert.throws(
      fn,
      (e: unknown) => e instanceof BesselbookError && arg.test(String((e as Error).message)),
    );
  it("NaN/∞ embeddings, wrong shapes, non-integer counts, degenerate axes", () => {
    const N = { rows: 4, cols: 3, data: new Float64Array(12).fill(NaN) };
    const G = C.sampleSphere(4, 3, rng(60));
    isTyped(() => C.recallAtK(N, N, 1), /recallAtK U/);
    isTyped(() => C.recallAtK(G, N, 1), /recallAtK V/);
    isTyped(() => linalg.svd(N), /svd a/);
    isTyped(() => linalg.principalAngles(N, G), /principalVectors B1/);
    isTyped(
      () =>
        linalg.estimateSubspace({ rows: 2, cols: 2, data: Float64Array.from([1, Infinity, 0, 1]) }),
      /estimateSubspace X/,
    );
    isTyped(() => C.sampleCap(2.5, [0, 0, 1], 0.3, rng(1)), /sampleCap: argument n/);
    isTyped(() => C.cone([NaN, 0, 0], 0.3), /cone: argument axis\[0\]/);
    isTyped(() => C.meanPairCosine({ rows: 2, cols: 3, data: new Float64Array(5) }, G), /data/);
    isTyped(
      () => C.gapMetrics({ rows: 2.5, cols: 2, data: new Float64Array(5) }, G),
      /gapMetrics U/,
    );
    isTyped(() => C.r4Example(10, 0.3, rng(1), { noise: -1 }), /noise/);
    isTyped(() => C.sharedSubspace(G, G, { maxAngle: NaN }), /maxAngle/);
    isTyped(() => C.infoNCELoss(G, G, Infinity), /tau/);
    isTyped(() => C.embeddingSpectrum(C.sampleSphere(1, 3, rng(2))), /embeddingSpectrum X/);
  });
  it("review round 2: matMul/transpose validate, zero data, non-unit rows, degenerate shifts", () => {
    isTyped(
      () => linalg.matMul({ rows: 2, cols: 2, data: new Float64Array(3) }, linalg.eye(2)),
      /matMul a data/,
    );
    isTyped(
      () =>
        linalg.matMul(linalg.eye(2), {
          rows: 2,
          cols: 2,
          data: Float64Array.from([0, Infinity, 0, 0]),
        }),
      /matMul b/,
    );
    isTyped(
      () => linalg.transpose({ rows: 2, cols: 2, data: Float64Array.from([1, NaN, 0, 0]) }),
      /transpose a/,
    );
    isTyped(
      () =>
        linalg.estimateSubspace([
          [0, 0],
          [0, 0],
        ]),
      /estimateSubspace: argument X/,
    );
    isTyped(() => C.meanPairCosine([[10, 0]], [[10, 0]]), /pairCosines: argument U row 0/);
    isTyped(() => C.shiftAlongGap([[1, 0]], [[-1, 0]], 0.5), /shiftAlongGap: argument lambda/);
    // the contrastive ArgumentError is the shared DomainError (a BesselbookError and a RangeError)
    assert.throws(
      () =>
        linalg.estimateSubspace([
          [0, 0],
          [0, 0],
        ]),
      (e: unknown) => e instanceof RangeError && e instanceof C.ArgumentError,
    );
    // documented defined result: identical rows have no spread, both ranks 0 (not 1)
    const z = C.embeddingSpectrum([
      [0, 0],
      [0, 0],
    ]);
    assert.equal(z.effectiveRank, 0);
    assert.equal(z.numericalRank, 0);
  });
  it("svd of finite extreme input stays finite (scaling before the sweep)", () => {
    const s = linalg.svd([
      [1e300, 1e300],
      [1e300, -1e300],
    ]).S;
    close(s[0] / 1e300, Math.SQRT2, 1e-14, "σ₁ / 1e300");
    close(s[1] / 1e300, Math.SQRT2, 1e-14, "σ₂ / 1e300");
    const t = linalg.svd([
      [1e200, 0],
      [0, 1e200],
    ]).S;
    close(t[0] / 1e200, 1, 1e-15, "diag 1e200");
  });
  it("orthogonal principal pairs: P, Q orthonormal, hyperplaneRotation orthogonal (axis-aligned 90°)", () => {
    const cases: [number[][], number[][]][] = [
      [
        [[1], [0]],
        [[0], [1]],
      ],
      [
        [
          [1, 0],
          [0, 1],
          [0, 0],
        ],
        [
          [1, 0],
          [0, 0],
          [0, 1],
        ],
      ],
    ];
    for (const [b1, b2] of cases) {
      const { P, Q, angles } = linalg.principalVectors(b1, b2);
      close(angles[angles.length - 1], Math.PI / 2, 1e-15, "largest angle 90°");
      for (const M of [P, Q]) {
        const G = linalg.matMul(linalg.transpose(M), M);
        for (let i = 0; i < G.rows; i++)
          for (let j = 0; j < G.cols; j++)
            close(G.data[i * G.cols + j], i === j ? 1 : 0, 1e-14, "orthonormal columns");
      }
      const R = C.hyperplaneRotation(b1, b2);
      const RtR = linalg.matMul(linalg.transpose(R), R);
      for (let i = 0; i < R.rows; i++)
        for (let j = 0; j < R.rows; j++)
          close(RtR.data[i * R.rows + j], i === j ? 1 : 0, 1e-14, "RᵀR = I");
      // R maps span(B₂) onto span(B₁): the rotated B₂ has no component outside B₁
      const RB2 = linalg.matMul(R, linalg.asMat(b2));
      const ang = linalg.principalAngles(b1, RB2);
      close(ang[ang.length - 1], 0, 1e-7, "R·span(B₂) = span(B₁)");
    }
  });
});

describe("contrastive: the fixes with observation noise", () => {
  it("intersection vs bisector vs rotation on the noisy ℝ⁴ example", () => {
    const ex = C.r4Example(1000, 60 * deg, rng(70), { noise: 0.02 });
    const f = C.fitFixes(ex.U, ex.V, { rank: 3 });
    assert.ok(
      f.S !== null && f.S.cols === 2,
      `intersection of two ℝ⁴ hyperplanes is 2-dim (got ${f.S?.cols})`,
    );
    assert.equal(f.bisector.cols, 3, "bisector map keeps three directions");
    const before = C.recallAtK(ex.U, ex.V, 1);
    const rot = C.recallAtK(ex.U, C.applyRotation(ex.V, f.R), 1);
    const inter = C.recallAtK(C.projectOnto(ex.U, f.S!), C.projectOnto(ex.V, f.S!), 1);
    const bis = C.recallAtK(C.projectOnto(ex.U, f.bisector), C.projectOnto(ex.V, f.bisector), 1);
    // projecting onto the intersection throws x₃ away: retrieval drops below the bisector map's
    assert.ok(
      rot > 3 * before && bis > 3 * before,
      `rotation ${rot}, bisector ${bis}, before ${before}`,
    );
    assert.ok(inter < bis / 3, `intersection ${inter} vs bisector ${bis}`);
  });
});

describe("contrastive: float64 trainer", () => {
  before(backend);
  it("infoNCEGrad: loss equals infoNCELoss and the gradient matches finite differences", () => {
    const r = rng(80);
    const U = C.sampleSphere(30, 4, r),
      V = C.sampleSphere(30, 4, r);
    for (const tau of [1, 0.05, 0.01, 0.004]) {
      const g = C.infoNCEGrad(U, V, tau);
      close(g.loss, C.infoNCELoss(U, V, tau), 1e-12 * Math.max(1, g.loss), `loss τ = ${tau}`);
      for (const idx of [0, 5, 77]) {
        const h = 1e-6;
        const Up = { ...U, data: U.data.slice() },
          Um = { ...U, data: U.data.slice() };
        Up.data[idx] += h;
        Um.data[idx] -= h;
        const fd = (C.infoNCEGrad(Up, V, tau).loss - C.infoNCEGrad(Um, V, tau).loss) / (2 * h);
        close(g.gU[idx], fd, 1e-6 / tau, `∂L/∂U[${idx}] τ = ${tau}`);
      }
    }
  });
  it("trainFreeEmbeddings follows trainContrastive (tfjs) on the same start, free and subspace", async () => {
    const r = rng(81);
    const U0 = C.sampleSphere(20, 4, r),
      V0 = C.sampleSphere(20, 4, r);
    const h = C.subspacePair(4, 0.6, "dihedral", { rotate: rng(82) });
    for (const [cu, cv, B1, B2] of [
      [C.free(4), C.free(4), undefined, undefined],
      [C.subspace(h.B1), C.subspace(h.B2), h.B1, h.B2],
    ] as const) {
      const opts = { tau: 0.2, steps: 40, lr: 0.03, logEvery: 10 };
      const a = await C.trainContrastive(C.freeEmbeddings(U0, cu), C.freeEmbeddings(V0, cv), opts);
      const b = C.trainFreeEmbeddings(U0, V0, { ...opts, B1, B2 });
      for (let k = 0; k < a.history.length; k++)
        close(b.history[k].loss, a.history[k].loss, 1e-4, `step ${a.history[k].step}`);
    }
    assert.throws(
      () => C.trainFreeEmbeddings(U0, V0, { tau: 0.1, lr: NaN, steps: 3 }),
      C.ArgumentError,
    );
  });
  it("convergence criterion stops early and reports it", () => {
    const r = rng(83);
    const res = C.trainFreeEmbeddings(C.sampleSphere(16, 3, r), C.sampleSphere(16, 3, r), {
      tau: 0.5,
      lr: 0.05,
      steps: 5000,
      logEvery: 50,
      until: { window: 100, lossTol: 1e-4, gapTol: 1e-3 },
    });
    assert.ok(res.converged && res.steps < 5000, `steps ${res.steps}`);
    const h = res.history;
    assert.ok(Math.abs(h[h.length - 1].loss - h[h.length - 3].loss) < 1e-4);
  });
});

describe("contrastive: helpers", () => {
  before(backend);

  it("randomOrthogonal is orthogonal; modalitySubspaceAngles recovers constructed angles", () => {
    const r = rng(50);
    const Q = linalg.randomOrthogonal(5, r);
    const QtQ = linalg.matMul(linalg.transpose(Q), Q);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) close(linalg.get(QtQ, i, j), i === j ? 1 : 0, 1e-13, "QᵀQ");
    const h = C.subspacePair(6, 0.4, "disjoint", { k: 2, rotate: rng(51) });
    const Z = C.sampleSphere(100, 2, rng(52));
    const U = linalg.normalizeRows(linalg.matMul(Z, linalg.transpose(h.B1))),
      V = linalg.normalizeRows(linalg.matMul(Z, linalg.transpose(h.B2)));
    const m = C.modalitySubspaceAngles(U, V, { energy: 0.999 });
    assert.deepEqual([m.rankU, m.rankV], [2, 2]);
    for (const a of m.angles) close(a, 0.4, 1e-9, "angle");
  });

  it("tensor.tensorLeak counts tensors left alive", () => {
    const kept: tf.Tensor[] = [];
    close(
      tensor.tensorLeak(() => tf.tidy(() => tf.add(tf.ones([2]), 1).dispose())),
      0,
      0,
      "no leak",
    );
    close(
      tensor.tensorLeak(() => kept.push(tf.ones([3]), tf.zeros([1]))),
      2,
      0,
      "two leaked",
    );
    tf.dispose(kept);
  });
});

describe("contrastive: notebook 03's runs on worker threads (seedJobs)", function () {
  this.timeout(300000);
  before(backend);
  const UNTIL = { window: 100, lossTol: 1e-4, gapTol: 1e-3 };
  const [axA, axB] = C.offsetAxes(3, 100 * deg);

  it("worker results equal the same runs in this thread, bit for bit, and match overSeeds' shape", async () => {
    const seeds = [0, 1, 2];
    const subCfg = (geom: string, phi: number) => ({
      geom,
      phi,
      n: 16,
      seed0: 7,
      tau: 0.1,
      steps: 300,
      lr: 0.05,
      logEvery: 50,
      until: UNTIL,
    });
    const subs = [subCfg("hyperplanes", 30), subCfg("disjoint", 45), subCfg("unequal", 40)];
    const tauCfgs = [1, 0.1].map((tau) => ({
      tau,
      n: 16,
      axA,
      axB,
      capAngle: 20 * deg,
      seed0: 9,
      steps: 200,
      lr: 0.01,
      logEvery: 50,
      budget: 100,
      until: UNTIL,
    }));
    const cone = {
      n: 12,
      axA,
      axB,
      capAngle: 20 * deg,
      seed0: 11,
      cu: { axis: axA, halfAngle: 30 * deg },
      cv: { axis: axB, halfAngle: 30 * deg },
      angleAxes: [axA, axB],
      tau: 0.1,
      steps: 40,
      lr: 0.05,
      logEvery: 10,
    };
    const lim = [
      {
        k: 2,
        thDeg: 30,
        tau: 0.5,
        n: 12,
        seed0: 13,
        steps: 300,
        lr: 0.05,
        logEvery: 50,
        until: UNTIL,
      },
    ];
    for (const [fn, cfgs] of [
      ["subspaceGapSeed", subs],
      ["temperatureGapSeed", tauCfgs],
      ["capConeSeed", [cone]],
      ["subspaceLimitSeed", lim],
    ] as const) {
      const par = await C.seedJobs(fn, cfgs as unknown[], seeds, { workers: 2 });
      const seq = await C.seedJobs(fn, cfgs as unknown[], seeds, { workers: 0 });
      assert.deepEqual(par, seq, `${fn}: workers vs this thread`);
      // the per-config result is overSeeds' result for that config (values in seed order)
      const direct = await Promise.all(seeds.map((s) => (C as any)[fn](cfgs[0], s)));
      for (const k of Object.keys(par[0].values))
        assert.deepEqual(
          par[0].values[k],
          direct.map((d) => d[k]),
          `${fn} ${k}`,
        );
    }
  });

  it("subspaceGapSeed trains in the stated geometry: principal angles and the θ_max bound", () => {
    for (const [geom, phi, angles] of [
      ["hyperplanes", 30, [0, 0, 30]],
      ["disjoint", 45, [45, 45, 45]],
      ["unequal", 20, [20, 40]],
    ] as const) {
      const r = C.subspaceGapSeed(
        { geom, phi, n: 16, seed0: 3, tau: 0.1, steps: 6000, lr: 0.05, logEvery: 50, until: UNTIL },
        0,
      );
      assert.equal(r.converged, 1, `${geom}: criterion not met in 6000 steps`);
      close(r.theta1 as number, angles[0], 1e-9, `${geom} θ₁`);
      close(r.thetaMax as number, angles[angles.length - 1], 1e-9, `${geom} θ_max`);
      // converged pairs are no further apart than θ_max (notebook 03's gap-reading claim)
      assert.ok(
        (r.maxPair as number) <= (r.thetaMax as number) + 0.05,
        `${geom}: a pair angle ${r.maxPair}° above θ_max`,
      );
      assert.equal((r.U as number[]).length, 16 * (r.d as number));
    }
    assert.throws(() => C.geometryPair("sphere" as any, 30, rng(1)), BesselbookError);
  });

  it("refuses unknown experiments, empty configs, duplicate seeds and bad worker counts", async () => {
    await assert.rejects(C.seedJobs("nope" as any, [{}], [0]), BesselbookError);
    await assert.rejects(C.seedJobs("temperatureGapSeed", [], [0]), BesselbookError);
    await assert.rejects(C.seedJobs("temperatureGapSeed", [{}], [1, 1]), BesselbookError);
    await assert.rejects(
      C.seedJobs("temperatureGapSeed", [{}], [0], { workers: -1 }),
      BesselbookError,
    );
  });
});

describe("wasm Equal with broadcasting (besselbook kernel)", () => {
  before(backend);
  it("same booleans as the stock kernel and tfjs-cpu, NaN ≠ NaN, −0 = 0; logSumExp's gradient bit-identical", async () => {
    const { stockWasmKernel } = require("besselbook/tensor/wasm");
    assert.equal(tf.getBackend(), "wasm");
    const r = rng(5);
    const vals = Float32Array.from({ length: 6 * 5 * 4 }, () => Math.round(r.normal() * 2) / 2);
    vals[3] = NaN;
    vals[7] = -0;
    const cases: [number[], number[], Float32Array, Float32Array][] = [
      [[6, 20], [6, 1], vals.slice(0, 120), Float32Array.from([0, 0.5, NaN, -1, 1, 0])],
      [[6, 20], [1, 20], vals.slice(0, 120), vals.slice(0, 20)],
      [[6, 5, 4], [5, 1], vals, Float32Array.from([0, 0.5, -0.5, 1, -0])],
      [[4], [6, 5, 4], vals.slice(0, 4), vals],
    ];
    const { wasm, cpu } = await onBackends(
      ["wasm", "cpu"],
      () =>
        cases.map(([sa, sb, a, b]) =>
          Array.from(tf.tidy(() => tf.equal(tf.tensor(a, sa), tf.tensor(b, sb))).dataSync()),
        ),
      "wasm",
    );
    assert.deepEqual(wasm, cpu);
    assert.equal(wasm[0][3], 0, "NaN == x is false");
    // the int32 path and the stock kernel on the same inputs
    const ia = tf.tensor2d(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [2, 3],
        "int32",
      ),
      ib = tf.tensor2d([[2], [5]], [2, 1], "int32");
    assert.deepEqual(Array.from(tf.equal(ia, ib).dataSync()), [0, 1, 0, 0, 1, 0]);
    // gradient through logSumExp (tfjs-core's Max gradient uses Equal): same bits as the stock
    // kernel
    const x = tf.tensor2d(
      vals.slice(8, 8 + 64).map((v) => v + 0.01 * (v > 0 ? 1 : -1)),
      [8, 8],
    );
    const g = () =>
      Array.from(
        tf
          .grad((t: tf.Tensor) => tf.sum(tf.mul(tf.logSumExp(t, 1), tf.range(1, 9))))(x)
          .dataSync(),
      );
    const ours = g();
    const stock = stockWasmKernel("Equal");
    assert.ok(stock, "the stock Equal kernel was replaced");
    const now = tf.getKernel("Equal", "wasm")!;
    tf.unregisterKernel("Equal", "wasm");
    tf.registerKernel({ ...now, kernelFunc: stock });
    let before: number[];
    try {
      before = g();
    } finally {
      tf.unregisterKernel("Equal", "wasm");
      tf.registerKernel(now);
    }
    assert.deepEqual(ours, before);
  });
});

// infoNCEGrad as it was before its scratch buffers were reused (session 4), verbatim: the reference
// for the bit-identity test below.
function oldInfoNCEGrad(
  U: { rows: number; cols: number; data: Float64Array },
  V: { rows: number; cols: number; data: Float64Array },
  tau: number,
): { loss: number; gU: Float64Array; gV: Float64Array } {
  const n = U.rows;
  const d = U.cols;
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += U.data[i * d + r] * V.data[j * d + r];
      S[i * n + j] = s / tau;
    }
  const G = new Float64Array(n * n);
  let loss = 0;
  if (tau >= 0.006) {
    // One exp per logit: X_ij = e^{S_ij − m_i} (row max m_i) gives the row softmax; the column
    // softmax reuses it with weights w_i = e^{m_i − M}. Every factor is ≥ e^{−4/τ} > 1e-290 for
    // τ ≥ 0.006 (|S_ij| ≤ 1/τ), so nothing underflows to 0.
    const m = new Float64Array(n);
    let M = -Infinity;
    for (let i = 0; i < n; i++) {
      let mi = -Infinity;
      for (let j = 0; j < n; j++) mi = Math.max(mi, S[i * n + j]);
      m[i] = mi;
      M = Math.max(M, mi);
    }
    const X = new Float64Array(n * n);
    const colSum = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let e = 0;
      const wi = Math.exp(m[i] - M);
      for (let j = 0; j < n; j++) {
        const x = Math.exp(S[i * n + j] - m[i]);
        X[i * n + j] = x;
        e += x;
        colSum[j] += x * wi;
      }
      loss += m[i] + Math.log(e) - S[i * n + i];
      for (let j = 0; j < n; j++) G[i * n + j] += X[i * n + j] / e;
    }
    for (let j = 0; j < n; j++) loss += M + Math.log(colSum[j]) - S[j * n + j];
    for (let i = 0; i < n; i++) {
      const wi = Math.exp(m[i] - M);
      for (let j = 0; j < n; j++) G[i * n + j] += (X[i * n + j] * wi) / colSum[j];
    }
  } else
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let j = 0; j < n; j++) m = Math.max(m, S[i * n + j]);
      let e = 0;
      for (let j = 0; j < n; j++) e += Math.exp(S[i * n + j] - m);
      loss += m + Math.log(e) - S[i * n + i];
      for (let j = 0; j < n; j++) G[i * n + j] += Math.exp(S[i * n + j] - m) / e;
    }
  if (tau < 0.006)
    for (let j = 0; j < n; j++) {
      let m = -Infinity;
      for (let i = 0; i < n; i++) m = Math.max(m, S[i * n + j]);
      let e = 0;
      for (let i = 0; i < n; i++) e += Math.exp(S[i * n + j] - m);
      loss += m + Math.log(e) - S[j * n + j];
      for (let i = 0; i < n; i++) G[i * n + j] += Math.exp(S[i * n + j] - m) / e;
    }
  for (let i = 0; i < n; i++) G[i * n + i] -= 2;
  const scale = 1 / (2 * n * tau);
  const gU = new Float64Array(n * d);
  const gV = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const g = G[i * n + j] * scale;
      if (g === 0) continue;
      for (let r = 0; r < d; r++) {
        gU[i * d + r] += g * V.data[j * d + r];
        gV[j * d + r] += g * U.data[i * d + r];
      }
    }
  return { loss: loss / (2 * n), gU, gV };
}

describe("contrastive: float64 gradient with reused scratch", () => {
  it("is bit-identical to the allocating version, call after call (stale buffers would show)", () => {
    const r = rng(90);
    for (const tau of [1, 0.05, 0.004]) {
      const ws = C.gradWork(24);
      for (let call = 0; call < 3; call++) {
        const U = C.sampleSphere(24, 3, r),
          V = C.sampleSphere(24, 3, r);
        const a = C.infoNCEGrad(U, V, tau, ws),
          b = oldInfoNCEGrad(U, V, tau);
        assert.equal(a.loss, b.loss, `loss τ = ${tau} call ${call}`);
        assert.deepEqual(Array.from(a.gU), Array.from(b.gU), `gU τ = ${tau} call ${call}`);
        assert.deepEqual(Array.from(a.gV), Array.from(b.gV), `gV τ = ${tau} call ${call}`);
      }
    }
    assert.throws(
      () => C.infoNCEGrad(C.sampleSphere(5, 3, r), C.sampleSphere(5, 3, r), 0.1, C.gradWork(4)),
      BesselbookError,
    );
  });
});
