import { strict as assert } from "node:assert";
import { info, rng, ShapeError } from "besselbook";

import { close } from "./helpers";

/** Discretised N(mu, s²) on a fine grid: sums become integrals to ~1e-12 (smooth, fast decay). */
function gaussGrid(mu: number, s: number): Float64Array {
  const N = 24001,
    p = new Float64Array(N);
  let z = 0;
  for (let i = 0; i < N; i++) z += p[i] = Math.exp(-((-12 + i * 0.001 - mu) ** 2) / (2 * s * s));
  for (let i = 0; i < N; i++) p[i] /= z;
  return p;
}

/** Composite Simpson rule on [a, b] with n (even) panels. */
function simpson(f: (x: number) => number, a: number, b: number, n = 2000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** erf by its Maclaurin series (|x| ≤ 3 here), for the Gaussian TV known answer. */
function erf(x: number): number {
  let term = x,
    s = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    s += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * s;
}

const h2 = (p: number) => -p * Math.log(p) - (1 - p) * Math.log(1 - p);
const bsc = (eps: number) => [
  [0.5 * (1 - eps), 0.5 * eps],
  [0.5 * eps, 0.5 * (1 - eps)],
];

describe("info: validation", () => {
  it("rejects non-distributions with a RangeError naming the argument", () => {
    assert.throws(
      () => info.entropy([0.5, 0.6]),
      (e: Error) => e instanceof RangeError && /argument p sums to 1\.1/.test(e.message),
    );
    assert.throws(
      () => info.entropy([1.2, -0.2]),
      (e: Error) => e instanceof RangeError && /p\[1\] = -0\.2/.test(e.message),
    );
    assert.throws(() => info.entropy([NaN, 1]), RangeError);
    assert.throws(
      () => info.klDivergence([1, 0], [0.5, 0.6]),
      (e: Error) => e instanceof RangeError && /argument q/.test(e.message),
    );
    assert.throws(
      () =>
        info.mutualInformation([
          [0.5, 0.5],
          [0.5, 0.5],
        ]),
      (e: Error) => /argument pxy sums to 2/.test(e.message),
    );
    assert.throws(
      () =>
        info.pushForward(
          [0.5, 0.5],
          [
            [1, 0],
            [0.3, 0.3],
          ],
        ),
      (e: Error) => e instanceof RangeError && /kernel row 1/.test(e.message),
    );
    // within 1e-9 is accepted
    assert.doesNotThrow(() => info.entropy([0.5, 0.5 + 5e-10]));
  });
  it("rejects ragged or mis-shaped matrices with a ShapeError", () => {
    assert.throws(() => info.jointEntropy([[0.5, 0.25], [0.25]]), ShapeError);
    assert.throws(
      () => info.jointEntropy({ data: new Float64Array([0.5, 0.5]), shape: [2, 2] }),
      ShapeError,
    );
    assert.throws(() => info.jointEntropy({ data: new Float64Array([1]), shape: [1] }), ShapeError);
  });
  it("rejects out-of-domain scalars", () => {
    assert.throws(
      () => info.binaryEntropy(1.5),
      (e: Error) => e instanceof RangeError && /argument p = 1\.5/.test(e.message),
    );
    assert.throws(
      () => info.fanoBound(0.1, 1),
      (e: Error) => /argument M = 1/.test(e.message),
    );
    assert.throws(
      () => info.sampleVonMises(10, 0, -1, 1),
      (e: Error) => /argument kappa = -1/.test(e.message),
    );
    assert.throws(
      () => info.gaussianMeanPacking(10, 1, 2),
      (e: Error) => /argument M = 2/.test(e.message),
    );
  });
});

describe("info: entropy and mutual information", () => {
  it("uniform and point masses", () => {
    for (const n of [1, 2, 7, 64])
      close(info.entropy(new Array(n).fill(1 / n)), Math.log(n), 1e-12, `H(U${n})`);
    assert.equal(info.entropy([0, 1, 0]), 0);
    close(info.binaryEntropy(0.5), Math.LN2, 1e-15);
    assert.equal(info.binaryEntropy(0), 0);
    close(info.binaryEntropy(0.11), h2(0.11), 1e-15);
  });
  it("binary symmetric channel: H(Y|X) = h₂(ε), I = log 2 − h₂(ε)", () => {
    for (const eps of [0.01, 0.1, 0.3, 0.5]) {
      const J = bsc(eps);
      close(info.conditionalEntropy(J), h2(eps), 1e-14, "H(Y|X)");
      close(info.conditionalEntropy(J, "y"), h2(eps), 1e-14, "H(X|Y)");
      close(info.mutualInformation(J), Math.LN2 - h2(eps), 1e-14, "I");
      close(info.jointEntropy(J), Math.LN2 + h2(eps), 1e-14, "H(X,Y)");
      const viaChannel = info.jointFromChannel(
        [0.5, 0.5],
        [
          [1 - eps, eps],
          [eps, 1 - eps],
        ],
      );
      close(info.mutualInformation(viaChannel), Math.LN2 - h2(eps), 1e-14, "I via channel");
    }
  });
  it("chain rule H(X,Y) = H(X) + H(Y|X), both input forms agree, independence gives I = 0", () => {
    const r = rng(5);
    for (let t = 0; t < 50; t++) {
      const J = info.randomJoint(3, 5, r, 0.7);
      const rows = Array.from({ length: 3 }, (_, i) =>
        Array.from(J.data.subarray(i * 5, i * 5 + 5)),
      );
      const { px, py } = info.marginals(J);
      close(
        info.jointEntropy(J),
        info.entropy(px) + info.conditionalEntropy(rows),
        1e-12,
        "chain rule",
      );
      close(
        info.mutualInformation(J),
        info.entropy(py) - info.conditionalEntropy(J),
        1e-12,
        "I = H(Y) − H(Y|X)",
      );
      assert.ok(info.mutualInformation(J) >= 0);
    }
    const px = [0.2, 0.8],
      py = [0.1, 0.3, 0.6];
    const indep = px.map((a) => py.map((b) => a * b));
    close(info.mutualInformation(indep), 0, 1e-15, "independent");
    close(
      info.mutualInformation([
        [0.3, 0],
        [0, 0.7],
      ]),
      info.entropy([0.3, 0.7]),
      1e-15,
      "identity channel",
    );
  });
});

describe("info: f-divergences and data processing", () => {
  it("Bernoulli and Gaussian known answers", () => {
    const p = 0.3,
      q = 0.6;
    close(
      info.klDivergence([p, 1 - p], [q, 1 - q]),
      p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q)),
      1e-15,
    );
    close(info.totalVariation([p, 1 - p], [q, 1 - q]), 0.3, 1e-15);
    // N(0,1) vs N(d,1): KL = d²/2, χ² = e^{d²} − 1, Hellinger² (un-halved) = 2(1 − e^{−d²/8}), TV =
    // erf(d/(2√2)).
    const d = 1.3,
      P = gaussGrid(0, 1),
      Q = gaussGrid(d, 1);
    close(info.klDivergence(P, Q), (d * d) / 2, 1e-9, "Gaussian KL");
    close(info.chiSquare(P, Q), Math.exp(d * d) - 1, 1e-8, "Gaussian χ²");
    close(info.hellingerSquared(P, Q), 2 * (1 - Math.exp(-(d * d) / 8)), 1e-9, "Gaussian H²");
    close(
      info.totalVariation(P, Q),
      erf(d / (2 * Math.SQRT2)),
      1e-3,
      "Gaussian TV (grid step 1e-3)",
    );
    close(info.fDivergence(info.generators.js, P, P), 0, 1e-15, "JS(P,P)");
  });
  it("general fDivergence matches the direct formulas, handles q = 0 by f'(∞)", () => {
    const r = rng(11);
    for (let t = 0; t < 30; t++) {
      const P = info.randomDistribution(6, r, 0.5),
        Q = info.randomDistribution(6, r, 0.5);
      close(info.fDivergence(info.generators.kl, P, Q), info.klDivergence(P, Q), 1e-12, "KL");
      close(
        info.fDivergence(info.generators.reverseKl, P, Q),
        info.klDivergence(Q, P),
        1e-12,
        "reverse KL",
      );
      close(info.fDivergence(info.generators.tv, P, Q), info.totalVariation(P, Q), 1e-14, "TV");
      close(
        info.fDivergence(info.generators.chi2, P, Q),
        info.chiSquare(P, Q),
        1e-9 * (1 + info.chiSquare(P, Q)),
        "χ²",
      );
      close(
        info.fDivergence(info.generators.hellinger, P, Q),
        info.hellingerSquared(P, Q),
        1e-14,
        "H²",
      );
    }
    assert.equal(info.klDivergence([0.5, 0.5], [1, 0]), Infinity);
    assert.equal(info.fDivergence(info.generators.kl, [0.5, 0.5], [1, 0]), Infinity);
    assert.equal(info.fDivergence(info.generators.tv, [0.5, 0.5], [1, 0]), 0.5);
    assert.equal(info.fDivergence(info.generators.hellinger, [0, 1], [1, 0]), 2);
    close(info.fDivergence(info.generators.js, [0, 1], [1, 0]), Math.LN2, 1e-15, "JS of disjoint");
    assert.throws(() => info.fGenerator("bad", (t) => t, 1), RangeError);
  });
  it("data processing holds on random kernels for every f, with equality under a sufficient statistic", () => {
    const r = rng(7);
    const gens = Object.values(info.generators);
    for (let t = 0; t < 200; t++) {
      const n = 2 + r.int(6),
        m = 1 + r.int(6);
      const P = info.randomDistribution(n, r, 0.6),
        Q = info.randomDistribution(n, r, 0.6);
      const K = info.randomKernel(n, m, r, 0.6);
      const PK = info.pushForward(P, K),
        QK = info.pushForward(Q, K);
      for (const g of gens) {
        const before = info.fDivergence(g, P, Q),
          after = info.fDivergence(g, PK, QK);
        assert.ok(after <= before * (1 + 1e-10) + 1e-13, `${g.name}: ${after} > ${before}`);
      }
    }
    // P and Q whose likelihood ratio takes 2 values over 5 points: T merges them, nothing is lost.
    const P = [0.1, 0.2, 0.3, 0.15, 0.25],
      Q = [0.2, 0.4, 0.15, 0.075, 0.175];
    const { map, m } = info.sufficientStatistic(P, Q);
    assert.equal(m, 3); // ratios 1/2, 2, 10/7
    const T = info.deterministicKernel(map, m);
    for (const g of gens)
      close(
        info.fDivergence(g, info.pushForward(P, T), info.pushForward(Q, T)),
        info.fDivergence(g, P, Q),
        1e-14,
        g.name,
      );
    // a non-sufficient merge loses divergence strictly
    const lossy = info.deterministicKernel([0, 0, 0, 1, 1], 2);
    assert.ok(
      info.klDivergence(info.pushForward(P, lossy), info.pushForward(Q, lossy)) <
        info.klDivergence(P, Q) - 1e-3,
    );
  });
  it("sufficientStatistic: a q = 0 < p point is its own group (ratio ∞ equals only ∞); rtol validated", () => {
    // review of #16: ∞ ≤ rtol·∞ merged the ∞ group into a finite one (map [0, 1, 0], KL ∞ → 0.082)
    const P = [0.5, 0.3, 0.2],
      Q = [0.5, 0.5, 0];
    const { map, m } = info.sufficientStatistic(P, Q);
    assert.deepEqual(Array.from(map), [0, 1, 2]);
    assert.equal(m, 3);
    const T = info.deterministicKernel(map, m);
    const PT = info.pushForward(P, T),
      QT = info.pushForward(Q, T);
    assert.equal(info.klDivergence(PT, QT), Infinity);
    assert.equal(info.chiSquare(PT, QT), Infinity);
    close(info.hellingerSquared(PT, QT), info.hellingerSquared(P, Q), 1e-15, "Hellinger²");
    // two q = 0 points share the ∞ group, and a point with p = q = 0 joins group 0
    const r2 = info.sufficientStatistic([0.4, 0.3, 0.3, 0], [1, 0, 0, 0]);
    assert.deepEqual(Array.from(r2.map), [0, 1, 1, 0]);
    for (const bad of [NaN, -1e-3, 1, Infinity]) {
      assert.throws(
        () => info.sufficientStatistic(P, [0.4, 0.4, 0.2], bad),
        (e: Error) => e instanceof RangeError && /rtol/.test(e.message),
      );
    }
  });
  it("pushForward / composeKernels are consistent", () => {
    const r = rng(3);
    const P = info.randomDistribution(4, r),
      K1 = info.randomKernel(4, 3, r),
      K2 = info.randomKernel(3, 5, r);
    const a = info.pushForward(info.pushForward(P, K1), K2),
      b = info.pushForward(P, info.composeKernels(K1, K2));
    for (let j = 0; j < 5; j++) close(a[j], b[j], 1e-15);
    assert.deepEqual(
      Array.from(
        info.pushForward(
          [0.25, 0.75],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
      [0.25, 0.75],
    );
    assert.throws(() => info.pushForward([0.5, 0.5], [[1, 0, 0]]), RangeError);
    assert.throws(() => info.deterministicKernel([0, 2], 2), RangeError);
  });
  it("Dirichlet draws are distributions with the right mean; gamma deviates have the right mean", () => {
    const r = rng(9);
    const acc = new Float64Array(4);
    for (let t = 0; t < 4000; t++) {
      const p = info.randomDistribution(4, r, 0.3);
      info.assertDistribution("test", "p", p);
      for (let i = 0; i < 4; i++) acc[i] += p[i] / 4000;
    }
    for (let i = 0; i < 4; i++) close(acc[i], 0.25, 0.02, "Dirichlet mean");
    for (const a of [0.3, 1, 4.5]) {
      let s = 0;
      for (let i = 0; i < 20000; i++) s += info.sampleGamma(a, r);
      close(s / 20000, a, 5 * Math.sqrt(a / 20000), `Gamma(${a}) mean`);
    }
  });
});

describe("info: Fano", () => {
  it("bound endpoints and inversion round trip", () => {
    assert.equal(info.fanoBound(0, 8), 0);
    close(info.fanoBound(7 / 8, 8), Math.log(8), 1e-14, "at (M−1)/M");
    for (const M of [2, 3, 16])
      for (const pe of [0.01, 0.2, (0.5 * (M - 1)) / M])
        close(info.fanoInverse(info.fanoBound(pe, M), M), pe, 1e-12, `inverse M=${M}`);
    assert.equal(info.fanoInverse(0, 4), 0);
    assert.throws(
      () => info.fanoInverse(2, 4),
      (e: Error) => e instanceof RangeError && /argument h = 2/.test(e.message),
    );
    close(info.fanoErrorLowerBound(0, 4), 0.5, 1e-15, "weak bound");
    assert.equal(info.fanoErrorLowerBound(10, 4), 0);
  });
  it("holds on random joints and is tight on the equality family and the BSC", () => {
    const r = rng(1);
    for (let t = 0; t < 2000; t++) {
      const M = 2 + r.int(7);
      const c = info.fanoCheck(info.randomJoint(M, M, r, [0.2, 1, 3][t % 3]));
      assert.ok(c.slack >= -1e-12, `slack ${c.slack}`);
      assert.ok(c.peLower <= c.pe + 1e-12);
    }
    for (const [M, pe] of [
      [2, 0.1],
      [5, 0.3],
      [16, 0.9],
    ] as const) {
      const c = info.fanoCheck(info.fanoEqualityJoint(M, pe, info.randomDistribution(M, r)));
      close(c.slack, 0, 1e-13, `equality M=${M}`);
      close(c.peLower, pe, 1e-10, "peLower at equality");
    }
    const c = info.fanoCheck(bsc(0.2));
    close(c.pe, 0.2, 1e-15);
    close(c.slack, 0, 1e-15, "BSC is an equality case");
    // an error that is not uniform over wrong values leaves slack
    assert.ok(
      info.fanoCheck([
        [0.3, 0.03, 0],
        [0, 0.3, 0.03],
        [0.03, 0, 0.31],
      ]).slack > 0.01,
    );
    assert.throws(() => info.fanoCheck([[0.5, 0.5]]), RangeError);
  });
});

describe("info: packing / minimax", () => {
  it("packing bound formula and the Gaussian closed form agree with numerical maximisation", () => {
    close(info.packingLowerBound({ M: 4, delta: 1, mutualInfoBound: 0 }), 0.25, 1e-15);
    close(
      info.packingLowerBound({ M: 4, delta: 1, mutualInfoBound: 0, phi: (t) => t * t }),
      0.125,
      1e-15,
    );
    for (const M of [3, 5, 16]) {
      const g = info.gaussianMeanPacking(25, 2, M);
      const a = (25 * (M * M - 1)) / 12 / (2 * 4);
      const num = info.maximizeOverDelta(
        (d) => info.packingLowerBound({ M, delta: d, mutualInfoBound: a * d * d }),
        10,
      );
      close(g.bound, num.bound, 1e-12, `M=${M} bound`);
      close(g.delta, num.delta, 1e-5, `M=${M} δ`);
      close(g.constant, (g.bound * Math.sqrt(25)) / 2, 1e-15);
    }
    // the closed-form constant for M = 16 with the max-KL bound: (1/3)(3/4)√(8·log 8/(3·225)) ≈
    // 0.0393
    close(
      info.gaussianMeanPacking(100, 1, 16, "max").constant,
      0.25 * Math.sqrt((8 * Math.log(8)) / 675),
      1e-13,
      "c(16, max)",
    );
    assert.ok(
      info.gaussianMeanPacking(100, 1, 16).constant >
        info.gaussianMeanPacking(100, 1, 16, "max").constant,
    );
    // the bound is below the sample mean's risk (it must be: it is a minimax lower bound)
    const best = info.bestPacking(
      (M) => info.gaussianMeanPacking(10, 1, M),
      [3, 4, 5, 6, 8, 12, 16],
    );
    assert.ok(best.bound < info.sampleMeanMAE(10, 1));
    close(info.sampleMeanMAE(4, 2), Math.sqrt(2 / Math.PI), 1e-15);
    const emp = info.sampleMeanRisk(9, 2, { reps: 20000, seed: 4 });
    close(emp.mae, info.sampleMeanMAE(9, 2), 4 * emp.se, "empirical sample-mean MAE");
    close(emp.rmse, 2 / 3, 0.02, "empirical RMSE σ/√n");
  });
});

describe("info: KS test and slopes", () => {
  it("Kolmogorov distribution known quantiles", () => {
    close(info.kolmogorovSurvival(1.3581), 0.05, 2e-4, "95% point");
    close(info.kolmogorovSurvival(1.6276), 0.01, 1e-4, "99% point");
    close(info.kolmogorovSurvival(0.8276), 0.5, 1e-3, "median");
    assert.equal(info.kolmogorovSurvival(0.1), 1);
  });
  it("accepts uniform draws, rejects a shifted CDF; fits exact power laws", () => {
    const u = rng(2).uniforms(5000);
    const ok = info.ksTest(u, (x) => Math.min(1, Math.max(0, x)));
    assert.ok(ok.pValue > 0.01, `p ${ok.pValue}`);
    const bad = info.ksTest(u, (x) => Math.min(1, Math.max(0, x * x)));
    assert.ok(bad.pValue < 1e-10);
    const xs = [1, 2, 4, 8, 16],
      fit = info.logLogSlope(
        xs,
        xs.map((x) => 3 * x ** -0.5),
      );
    close(fit.slope, -0.5, 1e-14);
    close(Math.exp(fit.intercept), 3, 1e-13);
    assert.throws(() => info.logLogSlope([1, 1], [1, 2]), RangeError);
  });
});

describe("info: von Mises", () => {
  // A(1) = I₁(1)/I₀(1) = 0.565159103992485 / 1.266065877752008 (A&S table 9.8)
  const A1 = 0.565159103992485 / 1.266065877752008;
  it("Fourier coefficients, A(κ) and Fisher information", () => {
    close(info.meanResultantLength(1), A1, 1e-14, "A(1)");
    const rho = info.vonMisesFourierCoefficients(1);
    close(rho[1], A1, 1e-14, "ρ₁ from the backward recurrence");
    for (const k of [0.5, 3, 40, 900])
      close(
        info.vonMisesFourierCoefficients(k)[1],
        info.meanResultantLength(k),
        1e-13,
        `ρ₁ vs special at κ=${k}`,
      );
    for (const k of [0.3, 2, 15]) {
      // Fisher information E[(∂μ log f)²] = κ² E sin²(θ − μ), by quadrature
      const fi = simpson(
        (t) => kappaSq(k) * Math.sin(t) ** 2 * info.vonMisesPdf(t, 0, k),
        -Math.PI,
        Math.PI,
      );
      close(info.vonMisesFisherInformation(k), fi, 1e-10, `Fisher κ=${k}`);
    }
    function kappaSq(k: number) {
      return k * k;
    }
  });
  it("density integrates to 1; CDF matches quadrature of the density", () => {
    for (const [mu, k] of [
      [0, 0.01],
      [1, 1],
      [-2.5, 10],
      [3, 300],
      [0.2, 5000],
    ]) {
      close(
        simpson((t) => info.vonMisesPdf(t, mu, k), -Math.PI, Math.PI, 20000),
        1,
        1e-10,
        `∫f κ=${k}`,
      );
      const F = info.vonMisesCdf(mu, k);
      for (const x of [-3, -1.2, 0, 0.4, 2.9])
        close(
          F(x),
          simpson((t) => info.vonMisesPdf(t, mu, k), -Math.PI, x, 20000),
          1e-9,
          `F(${x}) μ=${mu} κ=${k}`,
        );
      assert.equal(F(-Math.PI), 0);
      close(F(Math.PI - 1e-15), 1, 1e-12);
    }
    close(info.vonMisesCdf(0, 0)(0), 0.5, 1e-15, "uniform");
  });
  it("Best–Fisher samples pass a KS test against the CDF and have E cos = A(κ)", () => {
    for (const [mu, k, seed] of [
      [0, 0.05, 1],
      [1, 1, 2],
      [-2, 8, 3],
      [3.1, 200, 4],
    ]) {
      const x = info.sampleVonMises(20000, mu, k, seed);
      const ks = info.ksTest(x, info.vonMisesCdf(mu, k));
      assert.ok(ks.pValue > 0.001, `KS p = ${ks.pValue} at κ=${k}`);
      let c = 0;
      for (const t of x) c += Math.cos(t - mu) / x.length;
      close(c, info.meanResultantLength(k), 5 / Math.sqrt(x.length), `E cos κ=${k}`);
      assert.ok(x.every((t) => t >= -Math.PI && t < Math.PI));
    }
    // the KS test does see a wrong κ
    assert.ok(
      info.ksTest(info.sampleVonMises(20000, 0, 2, 5), info.vonMisesCdf(0, 2.3)).pValue < 1e-4,
    );
    assert.deepEqual(info.sampleVonMises(5, 0, 1, 7), info.sampleVonMises(5, 0, 1, 7));
  });
  it("KL closed form matches quadrature and Monte Carlo; general form reduces to it", () => {
    for (const [k, d] of [
      [0.5, 0.3],
      [4, 1.2],
      [50, 0.05],
    ]) {
      const closed = info.vonMisesKL(0.2, 0.2 + d, k);
      const quad = simpson(
        (t) =>
          info.vonMisesPdf(t, 0.2, k) *
          (info.vonMisesLogPdf(t, 0.2, k) - info.vonMisesLogPdf(t, 0.2 + d, k)),
        -Math.PI,
        Math.PI,
        20000,
      );
      close(closed, quad, 1e-10 * (1 + closed), `quadrature κ=${k}`);
      close(info.vonMisesKLGeneral(0.2, k, 0.2 + d, k), closed, 1e-12, "general");
      const mc = info.vonMisesKLMonteCarlo(0.2, 0.2 + d, k, 200000, 17);
      close(mc.estimate, closed, 5 * mc.stderr, `Monte Carlo κ=${k}`);
    }
    const g = info.vonMisesKLGeneral(0, 1, 0.5, 3);
    const quad = simpson(
      (t) =>
        info.vonMisesPdf(t, 0, 1) * (info.vonMisesLogPdf(t, 0, 1) - info.vonMisesLogPdf(t, 0.5, 3)),
      -Math.PI,
      Math.PI,
      20000,
    );
    close(g, quad, 1e-10, "general KL different κ");
  });
  it("circular mean: wraps correctly, its risk approaches Cramér–Rao and stays above the Fano bound", () => {
    close(
      info.circularMean([Math.PI - 0.1, -Math.PI + 0.1]),
      Math.PI,
      1e-12,
      "mean across the cut",
    );
    close(info.wrapAngle(3 * Math.PI), -Math.PI, 1e-15);
    close(info.angularDistance(3, -3), 2 * Math.PI - 6, 1e-15);
    const risk = info.circularMeanRisk(200, 4, { reps: 4000, seed: 3 });
    const cr = info.vonMisesCramerRao(200, 4);
    close(risk.mae, cr.mae, 0.05 * cr.mae, "MAE ≈ √(2/π)/√(nκA) at n = 200");
    for (const [n, k] of [
      [1, 0.5],
      [4, 2],
      [64, 8],
    ]) {
      const lb = info.bestPacking((M) => info.vonMisesPacking(n, k, M), [3, 4, 6, 8, 16]);
      const emp = info.circularMeanRisk(n, k, { reps: 2000, seed: n });
      assert.ok(lb.bound < emp.mae - 3 * emp.se, `bound ${lb.bound} vs risk ${emp.mae}`);
    }
  });
  it("von Mises packing: constant → Gaussian limit, M = 16 max-KL constant ≈ 0.039", () => {
    const big = info.vonMisesPacking(1e6, 5, 16, "max");
    close(big.constant, 0.25 * Math.sqrt((8 * Math.log(8)) / 675), 1e-4, "c(16, max)");
    close(
      info.vonMisesPacking(1e6, 5, 16).constant,
      info.gaussianMeanPacking(1, 1, 16).constant,
      1e-4,
      "c(16, centroid)",
    );
    const small = info.vonMisesPacking(1, 0.1, 8);
    assert.ok(small.delta <= (2 * Math.PI) / 8 + 1e-12);
    // the optimiser's answer is the maximum of the bound-at-δ curve
    const at = info.vonMisesPackingBoundAt(20, 3, 16, info.vonMisesPacking(20, 3, 16).delta);
    close(at.bound, info.vonMisesPacking(20, 3, 16).bound, 1e-15, "bound at optimum");
    for (const f of [0.8, 1.2])
      assert.ok(
        info.vonMisesPackingBoundAt(20, 3, 16, f * info.vonMisesPacking(20, 3, 16).delta).bound <
          at.bound,
      );
    assert.throws(
      () => info.vonMisesPackingBoundAt(20, 3, 16, 1),
      (e: Error) => e instanceof RangeError && /argument delta = 1/.test(e.message),
    );
  });
});

describe("info: issue #16 — statements with power", () => {
  it("equality ⇒ sufficiency needs strict convexity: a merge of two groups with p/q < 1 keeps TV, loses KL", () => {
    // ratios 0.5, 0.8 (both < 1) and 1.7: merging the first two is not sufficient
    const Q = [0.3, 0.3, 0.4];
    const P = [0.15, 0.24, 0.61]; // P/Q = 0.5, 0.8, 1.525
    const merge = info.deterministicKernel([0, 0, 1], 2);
    const [pm, qm] = [info.pushForward(P, merge), info.pushForward(Q, merge)];
    close(info.totalVariation(pm, qm), info.totalVariation(P, Q), 1e-15, "TV unchanged");
    assert.ok(info.klDivergence(pm, qm) < info.klDivergence(P, Q) * 0.99, "KL strictly smaller");
    assert.ok(info.chiSquare(pm, qm) < info.chiSquare(P, Q) * 0.99, "χ² strictly smaller");
  });
  it("von Mises packing at n = 1, exact: I < centroid bound, Fano < MAP error, and Fano without log 2 fails", () => {
    for (const kappa of [0.5, 1, 2, 4]) {
      const d = info.vonMisesPacking(1, kappa, 16).delta;
      const e = info.vonMisesPackingExact(kappa, 16, d);
      assert.ok(
        e.mutualInfo > 0 && e.mutualInfo < e.centroidBound,
        `κ=${kappa}: I ${e.mutualInfo} vs ${e.centroidBound}`,
      );
      assert.ok(e.fanoLower < e.mapError, `κ=${kappa}: Fano ${e.fanoLower} vs MAP ${e.mapError}`);
      assert.ok(
        1 - e.mutualInfo / Math.log(16) > e.mapError,
        `κ=${kappa}: the no-log-2 variant should exceed the MAP error`,
      );
    }
    // quadrature converged: a coarser grid agrees to 1e-6
    const a = info.vonMisesPackingExact(2, 8, 0.3),
      b = info.vonMisesPackingExact(2, 8, 0.3, 1 << 11);
    close(a.mutualInfo, b.mutualInfo, 1e-10, "I(V;X) grid");
    close(a.mapError, b.mapError, 1e-6, "MAP error grid");
    // M = 2 at δ = π (antipodal, κ → 0): I → 0, MAP error → ½
    const z = info.vonMisesPackingExact(1e-6, 2, Math.PI);
    close(z.mutualInfo, 0, 1e-11, "I at κ → 0");
    close(z.mapError, 0.5, 1e-6, "MAP error at κ → 0");
  });
  it("Gaussian Fano constant c(M) matches its closed form ⅓√(8 log(M/2)/(M²−1))(1 − log 2/log M)", () => {
    for (const M of [3, 5, 16, 32]) {
      const c = (Math.sqrt((8 * Math.log(M / 2)) / (M * M - 1)) / 3) * (1 - Math.LN2 / Math.log(M));
      close(info.gaussianMeanPacking(1, 1, M).constant, c, 1e-15, `c(${M})`);
    }
    close(info.gaussianMeanPacking(1, 1, 16).constant, 0.0639, 5e-5, "c(16)");
    assert.equal(
      info.bestPacking(
        (M) => info.gaussianMeanPacking(1, 1, M),
        Array.from({ length: 30 }, (_, i) => i + 3),
      ).M,
      5,
    );
  });
});
