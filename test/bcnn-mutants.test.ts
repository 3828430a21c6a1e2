/**
 * Tests written against the survivors of a StrykerJS run on lib/src/bcnn/basis.ts (issue #22;
 * environment.md, "Mutation testing", lists the survivors and why the rest stay). Public API only
 * (`bcnn`, `special` from "besselbook"), no tensors: unit level, milliseconds each.
 *
 * Independent references: the normaliser A_{ν,j} is checked against a Gauss–Legendre quadrature of
 * 2π ∫₀¹ J_ν(kρ)² ρ dρ (not the Lommel closed form the code uses); sampled values against ψ
 * evaluated by hand at the pixel geometry the docs state; coefficients against inner products
 * known in closed form (⟨1, ψ₀₀⟩ = √π, ⟨Re ψ, ψ⟩ = ½, ⟨Im ψ, ψ⟩ = −i/2 for ν > 0).
 */
import { strict as assert } from "node:assert";
import { bcnn, special } from "besselbook";
import { isDomainError as domain } from "./helpers";

/** 2π ∫₀¹ J_ν(kρ)² ρ dρ by 60-point Gauss–Legendre (exact to ~1e-15 for k ≤ 20). */
function radialNormSq(nu: number, k: number): number {
  const { nodes, weights } = special.gaussLegendre(60, 0, 1);
  let s = 0;
  for (let i = 0; i < nodes.length; i++) {
    const r = nodes[i]!;
    const J = k === 0 ? 1 : special.besselJ(nu, k * r);
    s += weights[i]! * J * J * r;
  }
  return 2 * Math.PI * s;
}

/** ψ_{ν,j}(ρ, θ) from its definition (for the sampled-value tests). */
function psi(m: bcnn.BesselMode, rho: number, theta: number): [number, number] {
  const radial = (m.k === 0 ? 1 : special.besselJ(m.nu, m.k * rho)) / m.norm;
  return [radial * Math.cos(m.nu * theta), radial * Math.sin(m.nu * theta)];
}

describe("bcnn (mutants): truncation bounds and kernel-size checks", () => {
  it("defaultKMax = πK/2, nyquistKMax = π(K−1)/2, maxKMax = πK", () => {
    for (const K of [1, 3, 5, 11]) {
      assert.equal(bcnn.defaultKMax(K), (Math.PI * K) / 2);
      assert.equal(bcnn.nyquistKMax(K), (Math.PI * (K - 1)) / 2);
      assert.equal(bcnn.maxKMax(K), Math.PI * K);
    }
  });

  it("every entry point refuses an even, non-integer or non-positive K, naming kernelSize", () => {
    const fns = {
      defaultKMax: (K: number) => bcnn.defaultKMax(K),
      nyquistKMax: (K: number) => bcnn.nyquistKMax(K),
      maxKMax: (K: number) => bcnn.maxKMax(K),
      fourierBesselBasis: (K: number) => bcnn.fourierBesselBasis(K),
      sampleModes: (K: number) => bcnn.sampleModes([], K),
    };
    for (const [name, fn] of Object.entries(fns)) {
      for (const K of [0, -1, 2, 4, 3.5, NaN]) {
        const re = new RegExp(`^${name}: argument kernelSize = ${K} .*odd positive integer`);
        assert.throws(() => fn(K), domain(re), `${name}(${K})`);
      }
      assert.doesNotThrow(() => fn(1), `${name}(1)`);
    }
  });
});

describe("bcnn (mutants): modes, normalisers, orthonormality", () => {
  it("modeNorm matches a quadrature of ∫|ψ|² (not the Lommel formula) for every K = 7 mode", () => {
    const modes = bcnn.besselModes(bcnn.defaultKMax(7));
    assert.equal(modes.length, 20);
    for (const m of modes) {
      const want = Math.sqrt(radialNormSq(m.nu, m.k));
      assert.ok(
        Math.abs(m.norm - want) <= 1e-12 * want,
        `A(${m.nu},${m.j}) = ${m.norm} vs ${want}`,
      );
      assert.equal(bcnn.modeNorm(m.nu, m.k), m.norm);
    }
    assert.equal(bcnn.modeNorm(0, 0), Math.sqrt(Math.PI));
    assert.throws(
      () => bcnn.modeNorm(2, 0),
      domain(/^modeNorm: argument k = 0 .*k > 0 when nu > 0/),
    );
  });

  it("besselModes: ordered by ν then j, k = zeros of J′_ν, cut exactly at kMax", () => {
    assert.deepEqual(
      bcnn.besselModes(0).map((m) => [m.nu, m.j, m.k]),
      [[0, 0, 0]],
    );
    const k11 = special.besselJPrimeZeros(1, 1)[0]!; // 1.8412
    const k21 = special.besselJPrimeZeros(2, 1)[0]!; // 3.0542
    const k01 = special.besselJPrimeZeros(0, 1)[0]!; // 3.8317
    // a cut just below / at a zero: the zero is kept only when k ≤ kMax
    assert.deepEqual(
      bcnn.besselModes(k11 - 1e-9).map((m) => m.nu),
      [0],
    );
    assert.deepEqual(
      bcnn.besselModes(k11).map((m) => [m.nu, m.j]),
      [
        [0, 0],
        [1, 0],
      ],
    );
    assert.deepEqual(
      bcnn.besselModes(k21).map((m) => [m.nu, m.j]),
      [
        [0, 0],
        [1, 0],
        [2, 0],
      ],
    );
    assert.deepEqual(
      bcnn.besselModes(k01).map((m) => [m.nu, m.j]),
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [2, 0],
      ],
    );
    // a kMax past the first 4 zeros of J′₀ (n doubles until one exceeds kMax): j runs 1..6
    const big = bcnn.besselModes(20);
    const nu0 = big.filter((m) => m.nu === 0);
    assert.deepEqual(
      nu0.map((m) => m.j),
      [0, 1, 2, 3, 4, 5, 6],
    );
    const z0 = special.besselJPrimeZeros(0, 7);
    assert.deepEqual(
      nu0.slice(1).map((m) => m.k),
      Array.from(z0.slice(0, 6)),
    );
    assert.ok(z0[6]! > 20 && z0[5]! <= 20);
    for (let i = 1; i < big.length; i++) {
      const a = big[i - 1]!,
        b = big[i]!;
      assert.ok(a.nu < b.nu || (a.nu === b.nu && a.j + 1 === b.j && a.k < b.k), `order at ${i}`);
      assert.ok(b.k > 0 && b.k <= 20);
    }
    // every order up to the last one whose first zero is ≤ 20, and none beyond
    const nuMax = big[big.length - 1]!.nu;
    assert.ok(special.besselJPrimeZeros(nuMax, 1)[0]! <= 20);
    assert.ok(special.besselJPrimeZeros(nuMax + 1, 1)[0]! > 20);
  });

  it("besselModes refuses kMax outside [0, 500] and NaN, naming kMax", () => {
    for (const k of [-1e-9, 500.001, NaN, Infinity]) {
      assert.throws(
        () => bcnn.besselModes(k),
        domain(new RegExp(`^besselModes: argument kMax = ${k} .*\\[0, 500\\]`)),
      );
    }
  });

  it("basisSize: 5, 11, 20, 32, 44 by default; an explicit kMax overrides", () => {
    assert.deepEqual(
      [3, 5, 7, 9, 11].map((K) => bcnn.basisSize(K)),
      [5, 11, 20, 32, 44],
    );
    assert.equal(bcnn.basisSize(5, 0), 1);
    assert.equal(bcnn.basisSize(5, bcnn.nyquistKMax(5)), 7);
  });

  it("orthonormalityError: small for true modes; catches a wrong norm, a wrong k, a small nTheta", () => {
    const modes = bcnn.besselModes(bcnn.defaultKMax(5));
    const ok = bcnn.orthonormalityError(modes);
    assert.ok(ok < 2e-5, `true modes: ${ok}`);
    // finer radial grid → smaller midpoint error (O(nRho⁻²))
    const fine = bcnn.orthonormalityError(modes, { nRho: 1600 });
    assert.ok(fine < ok / 8, `nRho 1600: ${fine} vs ${ok}`);
    // a norm 10% too large on one mode: diagonal 1/1.21 → error ≈ 0.1736
    const wrongNorm = modes.map((m, i) => (i === 3 ? { ...m, norm: m.norm * 1.1 } : m));
    assert.ok(Math.abs(bcnn.orthonormalityError(wrongNorm) - (1 - 1 / 1.21)) < 1e-3);
    // the constant mode with a wrong norm (k = 0 branch)
    const wrong0 = modes.map((m, i) => (i === 0 ? { ...m, norm: m.norm * 2 } : m));
    assert.ok(Math.abs(bcnn.orthonormalityError(wrong0) - 0.75) < 1e-3);
    // k not a zero of J′₁ for the second ν = 1 mode: off-diagonal overlap with the first
    const m10 = modes.find((m) => m.nu === 1 && m.j === 0)!;
    const fake = { nu: 1, j: 1, k: 4, norm: bcnn.modeNorm(1, 4) };
    assert.ok(bcnn.orthonormalityError([m10, fake]) > 0.05);
    // the angular sum on a θ grid: nTheta must exceed 2ν_max
    const nuMax = Math.max(...modes.map((m) => m.nu));
    assert.throws(
      () => bcnn.orthonormalityError(modes, { nTheta: 2 * nuMax }),
      domain(
        new RegExp(
          `^orthonormalityError: argument nTheta = ${2 * nuMax} .*> 2·nu_max = ${2 * nuMax}`,
        ),
      ),
    );
    assert.ok(bcnn.orthonormalityError(modes, { nTheta: 2 * nuMax + 1 }) < 2e-5);
  });
});

describe("bcnn (mutants): sampling on the K×K grid", () => {
  it("pixel centres: x = (col − c)/c, y = (c − row)/c; outside the disk 0 (point samples)", () => {
    const K = 5,
      c = 2;
    const B = bcnn.fourierBesselBasis(K);
    const M = B.modes.length;
    let worst = 0;
    for (let row = 0; row < K; row++) {
      for (let col = 0; col < K; col++) {
        const x = (col - c) / c,
          y = (c - row) / c;
        const rho = Math.hypot(x, y),
          th = Math.atan2(y, x);
        B.modes.forEach((m, i) => {
          const [wr, wi] = rho > 1 + 1e-12 ? [0, 0] : psi(m, rho, th);
          const p = row * K + col;
          worst = Math.max(worst, Math.abs(B.re[p * M + i]! - wr), Math.abs(B.im[p * M + i]! - wi));
        });
      }
    }
    assert.ok(worst < 1e-14, `worst ${worst}`);
    // corners are outside: exactly 0; the rim pixel (row 0, col 2) is on the circle, not 0
    assert.ok(B.re.slice(0, M).every((v) => v === 0));
    assert.ok(Math.abs(B.re[2 * M]!) > 0.1);
    assert.deepEqual([B.kernelSize, B.oversample, B.kMax, B.nuMax], [5, 1, (5 * Math.PI) / 2, 6]);
    assert.deepEqual(B.orders, [0, 1, 2, 3, 4, 5, 6]);
  });

  it("oversample s: each pixel is the mean of an s×s sub-grid (checked at s = 2 and 3)", () => {
    const K = 3,
      c = 1;
    const modes = bcnn.besselModes(bcnn.defaultKMax(K));
    const M = modes.length;
    for (const s of [2, 3]) {
      const B = bcnn.fourierBesselBasis(K, { oversample: s });
      assert.equal(B.oversample, s);
      let worst = 0;
      for (let row = 0; row < K; row++) {
        for (let col = 0; col < K; col++) {
          modes.forEach((m, i) => {
            let wr = 0,
              wi = 0;
            for (let a = 0; a < s; a++) {
              for (let b = 0; b < s; b++) {
                const x = (col - c + (b + 0.5) / s - 0.5) / c;
                const y = (c - row - (a + 0.5) / s + 0.5) / c;
                const rho = Math.hypot(x, y);
                if (rho > 1 + 1e-12) continue;
                const [vr, vi] = psi(m, rho, Math.atan2(y, x));
                wr += vr / (s * s);
                wi += vi / (s * s);
              }
            }
            const p = row * K + col;
            worst = Math.max(
              worst,
              Math.abs(B.re[p * M + i]! - wr),
              Math.abs(B.im[p * M + i]! - wi),
            );
          });
        }
      }
      assert.ok(worst < 1e-14, `s = ${s}: worst ${worst}`);
    }
  });

  it("K = 1: one pixel at the origin, ψ₀₀ = 1/√π", () => {
    const B = bcnn.fourierBesselBasis(1, { kMax: 0 });
    assert.equal(B.re.length, 1);
    assert.ok(Math.abs(B.re[0]! - 1 / Math.sqrt(Math.PI)) < 1e-15);
    const S = bcnn.sampleModes(B.modes, 1, 64);
    assert.ok(Math.abs(S.re[0]! - 1 / Math.sqrt(Math.PI)) < 1e-13, `s = 64: ${S.re[0]}`); // 4096 sums
  });

  it("explicit mode lists and kMax: accepted at πK, refused beyond, never both", () => {
    const K = 3;
    const modes = bcnn.besselModes(bcnn.defaultKMax(K));
    const B = bcnn.fourierBesselBasis(K, { modes: modes.slice(1, 3) });
    assert.equal(B.kMax, Math.max(modes[1]!.k, modes[2]!.k));
    assert.deepEqual(
      B.orders,
      [...new Set([modes[1]!.nu, modes[2]!.nu])].sort((a, b) => a - b),
    );
    assert.doesNotThrow(() => bcnn.fourierBesselBasis(K, { kMax: bcnn.maxKMax(K) }));
    assert.doesNotThrow(() => bcnn.fourierBesselBasis(1, { kMax: 0, oversample: 64 }));
    // the bound πK is inclusive for an explicit list too (a synthetic mode at k = πK)
    const edge = { nu: 0, j: 1, k: bcnn.maxKMax(K), norm: 1 };
    assert.equal(bcnn.fourierBesselBasis(K, { modes: [edge] }).kMax, 3 * Math.PI);
    // orders come out ascending whatever the order of the list
    const rev = [...modes].reverse();
    assert.deepEqual(bcnn.fourierBesselBasis(K, { modes: rev }).orders, [0, 1, 2, 3]);
    assert.throws(
      () => bcnn.fourierBesselBasis(K, { kMax: bcnn.maxKMax(K) * (1 + 1e-12) }),
      domain(/^fourierBesselBasis: argument kMax = .*\[0, πK = 9\.4248\] for K = 3/),
    );
    assert.throws(
      () => bcnn.fourierBesselBasis(K, { kMax: -0.1 }),
      domain(/^fourierBesselBasis: argument kMax = -0.1 /),
    );
    assert.throws(
      () => bcnn.fourierBesselBasis(K, { kMax: NaN }),
      domain(/^fourierBesselBasis: argument kMax = NaN /),
    );
    assert.throws(
      () => bcnn.fourierBesselBasis(K, { modes, kMax: 3 }),
      domain(/^fourierBesselBasis: argument kMax = 3 .*undefined when an explicit mode list/),
    );
    assert.throws(
      () => bcnn.fourierBesselBasis(K, { modes: [] }),
      domain(/^fourierBesselBasis: argument modes = .*non-empty array/),
    );
    const far = { nu: 0, j: 9, k: 10, norm: 1 };
    assert.throws(
      () => bcnn.fourierBesselBasis(K, { modes: [far] }),
      domain(/^fourierBesselBasis: argument modes = k up to 10 .*k ≤ πK = 9\.42/),
    );
    for (const s of [0, 65, 1.5]) {
      assert.throws(
        () => bcnn.fourierBesselBasis(K, { oversample: s }),
        domain(
          new RegExp(`^fourierBesselBasis: argument oversample = ${s} .*integer in \\[1, 64\\]`),
        ),
      );
      assert.throws(
        () => bcnn.sampleModes(modes, K, s),
        domain(new RegExp(`^sampleModes: argument oversample = ${s} .*integer in \\[1, 64\\]`)),
      );
    }
  });
});

describe("bcnn (mutants): Fourier–Bessel coefficients of an image", () => {
  const size = 96;
  const R = size / 2;
  /** An image sampled from f(ρ, θ) at the pixel centres of besselCoefficients' geometry. */
  function image(f: (rho: number, th: number) => number, h = size, w = size, r = R): Float64Array {
    const out = new Float64Array(h * w);
    for (let row = 0; row < h; row++) {
      for (let col = 0; col < w; col++) {
        const x = (col - (w - 1) / 2) / r,
          y = ((h - 1) / 2 - row) / r;
        const rho = Math.hypot(x, y);
        out[row * w + col] = rho <= 1 ? f(rho, Math.atan2(y, x)) : 0;
      }
    }
    return out;
  }
  // (0,0), (0,1), (1,0), (2,0), (3,0); built in a hook, not at load time, so that a mutant
  // breaking besselModes fails a test instead of the whole file
  let modes: bcnn.BesselMode[] = [];
  before(() => {
    modes = bcnn.besselModes(4);
  });
  const idx = (nu: number, j: number) => modes.findIndex((m) => m.nu === nu && m.j === j);

  it("⟨1, ψ₀₀⟩ = √π (ΔA = 1/R²), other modes ≈ 0", () => {
    const c = bcnn.besselCoefficients(
      image(() => 1),
      size,
      size,
      modes,
    );
    assert.ok(Math.abs(c.re[0]! - Math.sqrt(Math.PI)) < 0.02, `c00 = ${c.re[0]}`);
    for (let m = 1; m < modes.length; m++) {
      assert.ok(Math.hypot(c.re[m]!, c.im[m]!) < 0.02, `mode ${m}: ${c.re[m]}, ${c.im[m]}`);
    }
  });

  it("⟨Re ψ₁₀, ψ₁₀⟩ = ½ and ⟨Im ψ₁₀, ψ₁₀⟩ = −i/2 (the conjugate is taken)", () => {
    const m = modes[idx(1, 0)]!;
    const cr = bcnn.besselCoefficients(
      image((r, t) => psi(m, r, t)[0]),
      size,
      size,
      modes,
    );
    const ci = bcnn.besselCoefficients(
      image((r, t) => psi(m, r, t)[1]),
      size,
      size,
      modes,
    );
    const i = idx(1, 0);
    assert.ok(
      Math.abs(cr.re[i]! - 0.5) < 0.01 && Math.abs(cr.im[i]!) < 0.01,
      `Re ψ: ${cr.re[i]}, ${cr.im[i]}`,
    );
    assert.ok(
      Math.abs(ci.re[i]!) < 0.01 && Math.abs(ci.im[i]! + 0.5) < 0.01,
      `Im ψ: ${ci.re[i]}, ${ci.im[i]}`,
    );
  });

  it("pixels outside the disk and zero pixels contribute nothing; radius and non-square images", () => {
    const corner = new Float64Array(size * size);
    corner[0] = 5; // (row 0, col 0): ρ = √2·(cx/R) > 1
    corner[size * size - 1] = -3;
    const c = bcnn.besselCoefficients(corner, size, size, modes);
    assert.ok(c.re.every((v) => v === 0) && c.im.every((v) => v === 0));
    // 4×6 image: default radius min(h, w)/2 = 2, centre ((h−1)/2, (w−1)/2)
    const img = image(() => 1, 4, 6, 2);
    const d = bcnn.besselCoefficients(img, 4, 6, modes);
    const e = bcnn.besselCoefficients(img, 4, 6, modes, 2);
    assert.deepEqual(Array.from(d.re), Array.from(e.re));
    // c00 = (pixels with ρ ≤ 1)·(1/√π)/R², R = 2
    const inside = img.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(d.re[0]! - inside / Math.sqrt(Math.PI) / 4) < 1e-15);
    // an explicit radius 3 > h/2: pixels of every row are inside, none beyond the image
    const f = bcnn.besselCoefficients(img, 4, 6, modes, 3);
    let want = 0;
    for (let row = 0; row < 4; row++) {
      for (let col = 0; col < 6; col++) {
        if (Math.hypot((col - 2.5) / 3, (1.5 - row) / 3) <= 1) want += img[row * 6 + col]!;
      }
    }
    assert.ok(Math.abs(f.re[0]! - want / Math.sqrt(Math.PI) / 9) < 1e-15, `radius 3: ${f.re[0]}`);
    // radius 4: the disk reaches past every edge; pixels beyond the image must not be read
    // (all 24 pixels lie within 4 of the centre; a read past a row's end would add one more)
    const h = bcnn.besselCoefficients(new Float64Array(24).fill(1), 4, 6, modes, 4);
    assert.ok(Math.abs(h.re[0]! - 24 / Math.sqrt(Math.PI) / 16) < 1e-15, `radius 4: ${h.re[0]}`);
    // a pixel exactly on the rim (ρ = 1: x = 3/5, y = 4/5 at radius 5) counts
    const rim = new Float64Array(121);
    rim[1 * 11 + 8] = 2; // row cy − 4, col cx + 3
    const g = bcnn.besselCoefficients(rim, 11, 11, modes, 5);
    assert.ok(Math.abs(g.re[0]! - 2 / Math.sqrt(Math.PI) / 25) < 1e-16, `rim pixel: ${g.re[0]}`);
  });

  it("refuses a wrong image length or a non-positive radius, naming them", () => {
    assert.throws(
      () => bcnn.besselCoefficients(new Float64Array(11), 3, 4, modes),
      domain(/^besselCoefficients: argument image.length = 11 .*height·width = 12/),
    );
    for (const r of [0, -1, NaN]) {
      assert.throws(
        () => bcnn.besselCoefficients(new Float64Array(12), 3, 4, modes, r),
        domain(new RegExp(`^besselCoefficients: argument radius = ${r} .*> 0`)),
      );
    }
  });
});

describe("bcnn (mutants): the kMax bound is inclusive (slow: 31,451 modes)", () => {
  it("besselModes(500) is accepted", () => {
    assert.ok(bcnn.besselModes(500).length > 30000);
  });
});

describe("bcnn (mutants): diskMask", () => {
  it("marks pixels within radius of the centre (inclusive), default radius (min(H, W) − 1)/2 − 1", () => {
    const plus = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    assert.deepEqual(Array.from(bcnn.diskMask(5, 5)), plus); // radius 1: the centre and its 4 neighbours
    assert.deepEqual(Array.from(bcnn.diskMask(5, 5, 1)), plus);
    // non-square: the default radius follows the shorter side, (5 − 1)/2 − 1 = 1 → 5 pixels
    assert.equal(
      bcnn.diskMask(5, 9).reduce((a, v) => a + v, 0),
      5,
    );
    assert.equal(
      bcnn.diskMask(9, 5).reduce((a, v) => a + v, 0),
      5,
    );
    const block = [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0];
    assert.deepEqual(Array.from(bcnn.diskMask(5, 5, Math.SQRT2)), block); // corners at exactly √2 count
    // 4×6: centre (row 1.5, col 2.5); radius 1 keeps the central 2×2 block
    const m = Array.from(bcnn.diskMask(4, 6, 1));
    assert.deepEqual(m, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (const r of [0, -1, NaN]) {
      assert.throws(
        () => bcnn.diskMask(5, 5, r),
        domain(new RegExp(`^diskMask: argument radius = ${r} .*> 0`)),
      );
    }
  });
});
