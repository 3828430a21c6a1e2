/**
 * lib/special/disk: quadrature, disk-mode Gram matrix, Monte Carlo E e^{κu·v}.
 */
import { strict as assert } from "node:assert";
import { special as S } from "besselbook";

describe("special/disk", () => {
  it("Gauss–Legendre integrates degree 2n−1 polynomials exactly and known integrals", () => {
    for (const n of [1, 2, 5, 12, 40]) {
      const { nodes, weights } = S.gaussLegendre(n, 0, 2);
      const deg = 2 * n - 1;
      // ∫_0^2 x^deg dx = 2^{deg+1}/(deg+1)
      const q = nodes.reduce((s, x, i) => s + weights[i]! * x ** deg, 0);
      const exact = 2 ** (deg + 1) / (deg + 1);
      assert.ok(Math.abs(q - exact) <= 1e-13 * exact, `n=${n}: ${q} vs ${exact}`);
    }
    const { nodes, weights } = S.gaussLegendre(20);
    const q = nodes.reduce((s, x, i) => s + weights[i]! * Math.exp(x), 0);
    assert.ok(Math.abs(q - (Math.E - 1 / Math.E)) < 1e-14);
    assert.throws(() => S.gaussLegendre(0), /argument n = 0/);
    assert.throws(() => S.gaussLegendre(4, 1, 1), RangeError);
  });

  it("Dirichlet disk modes are orthogonal with the closed-form norm", () => {
    const modes: S.DiskMode[] = [];
    for (let nu = 0; nu <= 3; nu++) S.besselJZeros(nu, 3).forEach((k) => modes.push({ nu, k }));
    const G = S.diskGram(modes);
    let off = 0;
    for (let a = 0; a < G.n; a++)
      for (let b = 0; b < G.n; b++) {
        const g = Math.hypot(G.re[a * G.n + b]!, G.im[a * G.n + b]!);
        if (a === b) {
          const c = S.diskModeNormSq(modes[a]!);
          assert.ok(Math.abs(G.re[a * G.n + a]! - c) <= 1e-12 * c, `norm ${a}`);
          // on a zero of J_ν, ‖ψ‖² = π J_{ν+1}(k)²
          assert.ok(
            Math.abs(c - Math.PI * S.besselJ(modes[a]!.nu + 1, modes[a]!.k) ** 2) <= 1e-13 * c,
          );
        } else off = Math.max(off, g / Math.sqrt(G.re[a * G.n + a]! * G.re[b * G.n + b]!));
      }
    assert.ok(off < 1e-13, `max normalised off-diagonal ${off}`);
    // a non-eigen k breaks orthogonality: quadrature sees it
    const bad = S.diskGram([
      { nu: 0, k: 2.4 },
      { nu: 0, k: 5.52 },
    ]);
    assert.ok(Math.abs(bad.re[1]!) > 1e-4);
    assert.throws(() => S.diskGram([{ nu: 0.5, k: 1 }]), /mode.nu/);
    assert.throws(() => S.diskGram([]), /at least one mode/);
  });

  it("disk-mode images: NaN outside the disk, cos(νθ) phase inside", () => {
    const img = S.diskModeImage({ nu: 2, k: 5.135622301840683 }, 9, "re");
    assert.ok(Number.isNaN(img[0]!));
    const centre = img[4 * 9 + 4]!;
    assert.equal(centre, 0); // J_2(0) = 0
    // right of centre (θ = 0) and above centre (θ = π/2) have opposite signs for ν = 2
    assert.ok(img[4 * 9 + 6]! * img[2 * 9 + 4]! < 0);
    assert.throws(() => S.diskModeImage({ nu: 1, k: -1 }, 4), /mode.k/);
  });

  it("Monte Carlo E e^{κu·v} agrees with the Bessel closed form within 4 standard errors", () => {
    for (const [d, kappa] of [
      [3, 2],
      [8, 5],
      [2, 1],
    ] as const) {
      const mc = S.expectedExpDotMonteCarlo(d, kappa, 40000, 7 + d);
      const exact = Math.exp(S.logExpectedExpDot(d, kappa));
      assert.ok(
        Math.abs(mc.mean - exact) < 4 * mc.stderr,
        `d=${d} κ=${kappa}: ${mc.mean} ± ${mc.stderr} vs ${exact}`,
      );
      assert.ok(mc.stderr > 0 && mc.stderr < 0.05 * exact);
    }
    // same seed, same answer
    assert.equal(
      S.expectedExpDotMonteCarlo(3, 1, 100, 1).mean,
      S.expectedExpDotMonteCarlo(3, 1, 100, 1).mean,
    );
    assert.throws(() => S.expectedExpDotMonteCarlo(1, 1, 100, 1), /argument d = 1/);
  });
});
