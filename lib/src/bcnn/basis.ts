/**
 * The Fourier–Bessel basis on the unit disk and its sampling on a K×K filter grid.
 *
 * Delchevalerie et al., "Achieving Rotational Invariance with Bessel-Convolutional Neural Networks"
 * (NeurIPS 2021; bcnn2021, whose text could not be read here): the Laplacian eigenfunctions on the
 * unit disk with Neumann boundary condition,
 *
 *     ψ_{ν,j}(ρ, θ) = J_ν(k_{ν,j} ρ) e^{iνθ} / A_{ν,j},      J′_ν(k_{ν,j}) = 0,
 *
 * form an orthonormal basis of L²(disk). The normalisation follows from the Lommel integral
 * ∫₀¹ J_ν(kρ)² ρ dρ = ½ (1 − ν²/k²) J_ν(k)² (valid when J′_ν(k) = 0) times ∫|e^{iνθ}|²dθ = 2π:
 *
 *     A²_{ν,j} = π (1 − ν²/k²) J_ν(k)²,       A²_{0,0} = π  (ν = k = 0, ψ constant).
 *
 * Truncation. The rule issue #14 attributes to the paper keeps k_{ν,j} ≤ πK/2 (a disk of radius K/2
 * pixels, π rad per pixel). But the sampled disk's rim sits on the outer pixel centres, radius
 * (K−1)/2 pixels (fourierBesselBasis), so a wavenumber k on the unit disk is k/((K−1)/2) rad per
 * pixel and the Nyquist bound is k ≤ π(K−1)/2 (`nyquistKMax`): for K = 5 the paper's rule admits 4
 * of its 11 modes above it. Orders that pass Nyquist may still not steer on so few pixels; steer.ts
 * measures that per mode. Only ν ≥ 0 is kept: ψ_{−ν,j} = (−1)^ν conj ψ_{ν,j} carries no new
 * information once the coefficients are complex.
 */
import { besselJ, besselJPrimeZeros } from "../special";
import { domainError } from "../errors";

/** One basis function (ν, j) with its radial wavenumber k and normaliser A. */
export interface BesselMode {
  /** Angular order ν ≥ 0. */
  readonly nu: number;
  /** Radial index j ≥ 0 within order ν (j = 0 is k = 0 for ν = 0). */
  readonly j: number;
  /** Radial wavenumber k_{ν,j}: a zero of J′_ν (or 0 for ν = j = 0). */
  readonly k: number;
  /** Normaliser A_{ν,j} = sqrt(π (1 − ν²/k²)) |J_ν(k)|, so ∫_disk |ψ|² = 1. */
  readonly norm: number;
}

/**
 * Default truncation for a K×K kernel: k ≤ πK/2 (the rule issue #14 attributes to bcnn2021; not
 * read here).
 */
export function defaultKMax(kernelSize: number): number {
  checkKernelSize("defaultKMax", kernelSize);
  return (Math.PI * kernelSize) / 2;
}

/**
 * Nyquist bound of the sampled disk (ours): the unit disk spans (K−1)/2 pixels, so k ≤ π(K−1)/2
 * keeps every kept wavenumber at or below π rad per pixel. K = 1 has no room for any wave: 0.
 */
export function nyquistKMax(kernelSize: number): number {
  checkKernelSize("nyquistKMax", kernelSize);
  return (Math.PI * (kernelSize - 1)) / 2;
}

/**
 * Largest kMax a K×K basis accepts: πK, twice the paper's bound. Beyond it a K×K grid holds far
 * more modes than its K² samples can tell apart (kMax = 200 would give 5,079 modes on 25 pixels).
 */
export function maxKMax(kernelSize: number): number {
  checkKernelSize("maxKMax", kernelSize);
  return Math.PI * kernelSize;
}

function checkKernelSize(fn: string, kernelSize: number): void {
  if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) {
    domainError(
      fn,
      "kernelSize",
      kernelSize,
      "an odd positive integer (the filter needs a centre pixel)",
    );
  }
}

/** Closed-form normaliser A_{ν,j} (see file comment). */
export function modeNorm(nu: number, k: number): number {
  if (k === 0) {
    if (nu !== 0) domainError("modeNorm", "k", k, "k > 0 when nu > 0 (J_nu(0) = 0 for nu > 0)");
    return Math.sqrt(Math.PI);
  }
  return Math.sqrt(Math.PI * (1 - (nu * nu) / (k * k))) * Math.abs(besselJ(nu, k));
}

/**
 * All modes with k_{ν,j} ≤ kMax, ordered by ν then j.
 * For ν = 0 the constant mode k = 0 comes first (J′₀(0) = 0 too, and the constant is a Neumann
 * eigenfunction). The loop over ν stops at the first order whose smallest zero exceeds kMax,
 * which is safe because the first zero of J′_ν increases with ν (j′_{ν,1} > ν).
 */
export function besselModes(kMax: number): BesselMode[] {
  // 500 keeps the list below ~30,000 modes; the continuous disk basis has no other natural limit.
  if (!(kMax >= 0 && kMax <= 500)) domainError("besselModes", "kMax", kMax, "a number in [0, 500]");
  const modes: BesselMode[] = [{ nu: 0, j: 0, k: 0, norm: Math.sqrt(Math.PI) }];
  for (let nu = 0; ; nu++) {
    // Ask for zeros in growing batches until one exceeds kMax.
    let n = 4;
    let zeros: number[] = [];
    for (;;) {
      zeros = Array.from(besselJPrimeZeros(nu, n));
      if (zeros[zeros.length - 1] > kMax) break;
      n *= 2;
    }
    const kept = zeros.filter((k) => k > 0 && k <= kMax);
    if (nu > 0 && kept.length === 0) break;
    // For ν = 0 the list from special starts after the trivial zero at 0, so j counts from 1.
    const j0 = nu === 0 ? 1 : 0;
    kept.forEach((k, i) => modes.push({ nu, j: i + j0, k, norm: modeNorm(nu, k) }));
  }
  return modes;
}

/**
 * Number of (ν, j) pairs for a K×K kernel with the default truncation: K = 3, 5, 7, 9, 11 → 5, 11,
 * 20, 32, 44.
 */
export function basisSize(kernelSize: number, kMax = defaultKMax(kernelSize)): number {
  return besselModes(kMax).length;
}

/** ψ_{ν,j}(ρ, θ) as [re, im]; zero outside the unit disk. */
export function evalMode(mode: BesselMode, rho: number, theta: number): [number, number] {
  if (rho > 1 + 1e-12) return [0, 0];
  const radial = (mode.k === 0 ? 1 : besselJ(mode.nu, mode.k * rho)) / mode.norm;
  return [radial * Math.cos(mode.nu * theta), radial * Math.sin(mode.nu * theta)];
}

/**
 * Largest deviation of the Gram matrix G_ab = ∫_disk ψ_a conj(ψ_b) dA from the identity,
 * computed on a fine polar grid (midpoint rule in ρ with nRho points, nTheta equispaced angles,
 * which integrates e^{i(ν_a−ν_b)θ} exactly for |ν_a − ν_b| < nTheta). Midpoint error is O(nRho⁻²).
 */
export function orthonormalityError(
  modes: readonly BesselMode[],
  opts: { nRho?: number; nTheta?: number } = {},
): number {
  const nRho = opts.nRho ?? 400;
  const nTheta = opts.nTheta ?? 128;
  const nuMax = Math.max(...modes.map((m) => m.nu));
  if (2 * nuMax >= nTheta)
    domainError("orthonormalityError", "nTheta", nTheta, `> 2·nu_max = ${2 * nuMax}`);
  // Radial integral R_ab = ∫ J_a J_b ρ dρ / (A_a A_b); angular integral = 2π δ_{ν_a ν_b}.
  const radial = modes.map((m) => {
    const r = new Float64Array(nRho);
    for (let i = 0; i < nRho; i++) {
      const rho = (i + 0.5) / nRho;
      r[i] = (m.k === 0 ? 1 : besselJ(m.nu, m.k * rho)) / m.norm;
    }
    return r;
  });
  let worst = 0;
  for (let a = 0; a < modes.length; a++) {
    for (let b = a; b < modes.length; b++) {
      let g = 0;
      if (modes[a].nu === modes[b].nu) {
        let s = 0;
        for (let i = 0; i < nRho; i++) s += radial[a][i] * radial[b][i] * ((i + 0.5) / nRho);
        // Angular part evaluated on the θ grid rather than assumed, so the check covers it too.
        let ang = 0;
        for (let t = 0; t < nTheta; t++)
          ang += Math.cos((modes[a].nu - modes[b].nu) * ((2 * Math.PI * t) / nTheta));
        g = (s / nRho) * ang * ((2 * Math.PI) / nTheta);
      }
      worst = Math.max(worst, Math.abs(g - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

/**
 * A basis sampled on a K×K grid: `re[p·M + m]`, `im[p·M + m]` for pixel p = row·K + col, mode m.
 */
export interface FourierBesselBasis {
  readonly kernelSize: number;
  /** Largest k kept (the truncation used, or the largest k of an explicit mode list). */
  readonly kMax: number;
  readonly modes: readonly BesselMode[];
  /** Largest angular order present. */
  readonly nuMax: number;
  /** The distinct orders ν present, ascending: the layer runs one complex response per order. */
  readonly orders: readonly number[];
  /** Sub-grid side s used for each pixel (1 = point samples at pixel centres). */
  readonly oversample: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/**
 * Sample ψ_{ν,j} at the pixel centres of a K×K filter. Pixel (row, col) sits at
 * x = (col − c)/c, y = (c − row)/c with c = (K − 1)/2, i.e. the outermost pixel centres on the
 * axes touch the unit circle and y points up (θ counter-clockwise as displayed). Pixels outside the
 * disk get 0. With `oversample` s > 1 each pixel is the mean of an s×s sub-grid, which smooths the
 * corners of the disk; the sub-grid is symmetric, so 90° rotations still map samples onto samples.
 *
 * Because the grid is invariant under 90° rotations, ψ(R₉₀ p) = e^{iν·90°} ψ(p) holds for the
 * sampled values exactly (up to float64 rounding) — the discrete layer inherits exact 90°
 * invariance.
 *
 * Which modes: `modes` (an explicit list, e.g. from steer.ts's `policyModes`) or all with
 * k ≤ `kMax` (default πK/2, the paper's rule; at most `maxKMax(K)` = πK).
 */
export function fourierBesselBasis(
  kernelSize: number,
  opts: { kMax?: number; oversample?: number; modes?: readonly BesselMode[] } = {},
): FourierBesselBasis {
  checkKernelSize("fourierBesselBasis", kernelSize);
  const s = opts.oversample ?? 1;
  if (!Number.isInteger(s) || s < 1 || s > 64)
    domainError("fourierBesselBasis", "oversample", s, "an integer in [1, 64]");
  let modes: readonly BesselMode[];
  let kMax: number;
  if (opts.modes !== undefined) {
    if (opts.kMax !== undefined)
      domainError(
        "fourierBesselBasis",
        "kMax",
        opts.kMax,
        "undefined when an explicit mode list is given",
      );
    if (!Array.isArray(opts.modes) || opts.modes.length === 0)
      domainError("fourierBesselBasis", "modes", opts.modes, "a non-empty array of modes");
    modes = opts.modes;
    kMax = Math.max(...modes.map((m) => m.k));
    if (!(kMax <= maxKMax(kernelSize)))
      domainError(
        "fourierBesselBasis",
        "modes",
        `k up to ${kMax}`,
        `k ≤ πK = ${maxKMax(kernelSize)}`,
      );
  } else {
    kMax = opts.kMax ?? defaultKMax(kernelSize);
    const hi = maxKMax(kernelSize);
    if (!(kMax >= 0 && kMax <= hi))
      domainError(
        "fourierBesselBasis",
        "kMax",
        kMax,
        `a number in [0, πK = ${hi.toFixed(4)}] for K = ${kernelSize}`,
      );
    modes = besselModes(kMax);
  }
  const { re, im } = sampleModes(modes, kernelSize, s);
  const orders = [...new Set(modes.map((m) => m.nu))].sort((a, b) => a - b);
  return {
    kernelSize,
    kMax,
    modes,
    nuMax: orders[orders.length - 1],
    orders,
    oversample: s,
    re,
    im,
  };
}

/**
 * The sampled values of `modes` on a K×K grid (see fourierBesselBasis for the geometry):
 * `re[p·M + m]`, `im[p·M + m]`, each pixel the mean over an s×s sub-grid (s = 1: pixel centres).
 */
export function sampleModes(
  modes: readonly BesselMode[],
  kernelSize: number,
  oversample = 1,
): { re: Float64Array; im: Float64Array } {
  checkKernelSize("sampleModes", kernelSize);
  const s = oversample;
  if (!Number.isInteger(s) || s < 1 || s > 64)
    domainError("sampleModes", "oversample", s, "an integer in [1, 64]");
  const K = kernelSize;
  const M = modes.length;
  const c = (K - 1) / 2;
  const scale = K === 1 ? 1 : c; // K = 1: a single pixel at the origin
  const re = new Float64Array(K * K * M);
  const im = new Float64Array(K * K * M);
  for (let row = 0; row < K; row++) {
    for (let col = 0; col < K; col++) {
      const p = row * K + col;
      for (let a = 0; a < s; a++) {
        for (let b = 0; b < s; b++) {
          const x = (col - c + (b + 0.5) / s - 0.5) / scale;
          const y = (c - row - (a + 0.5) / s + 0.5) / scale;
          const rho = Math.hypot(x, y);
          const theta = Math.atan2(y, x);
          for (let m = 0; m < M; m++) {
            const [vr, vi] = evalMode(modes[m], rho, theta);
            re[p * M + m] += vr / (s * s);
            im[p * M + m] += vi / (s * s);
          }
        }
      }
    }
  }
  return { re, im };
}

/**
 * Fourier–Bessel coefficients of an image on the disk inscribed in it:
 * c_{ν,j} = Σ_p I(p) conj ψ_{ν,j}(p/R) ΔA, with pixel centres measured from the image centre
 * ((size−1)/2, y up), R = `radius` pixels (default: size/2) and ΔA = 1/R² so that c approximates
 * the continuous inner product ⟨I, ψ⟩ on the unit disk.
 *
 * Rotating the image counter-clockwise by α multiplies c_{ν,j} by e^{−iνα}: substitute q = R_{−α}p
 * and use ψ(ρ, θ + α) = e^{iνα} ψ(ρ, θ).
 *
 * `image` is row-major `[height, width]`; returns `{ re, im }` indexed like `modes`.
 */
export function besselCoefficients(
  image: ArrayLike<number>,
  height: number,
  width: number,
  modes: readonly BesselMode[],
  radius = Math.min(height, width) / 2,
): { re: Float64Array; im: Float64Array } {
  if (image.length !== height * width)
    domainError(
      "besselCoefficients",
      "image.length",
      image.length,
      `height·width = ${height * width}`,
    );
  if (!(radius > 0)) domainError("besselCoefficients", "radius", radius, "> 0");
  const re = new Float64Array(modes.length);
  const im = new Float64Array(modes.length);
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  const dA = 1 / (radius * radius);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const v = image[row * width + col];
      if (v === 0) continue;
      const x = (col - cx) / radius;
      const y = (cy - row) / radius;
      const rho = Math.hypot(x, y);
      if (rho > 1) continue;
      const theta = Math.atan2(y, x);
      for (let m = 0; m < modes.length; m++) {
        const [pr, pi] = evalMode(modes[m], rho, theta);
        re[m] += v * pr * dA;
        im[m] -= v * pi * dA; // conj ψ
      }
    }
  }
  return { re, im };
}
