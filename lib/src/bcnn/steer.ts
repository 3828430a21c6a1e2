/**
 * Per-mode steerability of a sampled Fourier–Bessel basis, and basis policies built on it (ours).
 *
 * In the continuum ψ_{ν,j}(R_α y) = e^{iνα} ψ_{ν,j}(y), so the response of a filter to a rotated
 * input is the old response times a phase (notebook 04, §6). On a K×K grid that only holds for
 * quarter turns. How far it fails for other angles depends on the mode: a wave with k near π rad
 * per pixel or an order ν with few pixels per period cannot be rotated by its samples.
 *
 * Steering error of mode m at angle α, measured on band-limited inputs (Gaussian bumps of width σ
 * pixels at random points of the filter disk, evaluated analytically so no image is resampled):
 *
 *     r_n(α) = Σ_p G_n(R_{−α} p) ψ̂_m(p),          e_m(α) = ‖r(α) − e^{iνα} r(0)‖ / ‖r(0)‖,
 *
 * with ψ̂_m the sampled filter (pixel centres, an s×s sub-grid mean, or a fine 16×16 "integrated"
 * pixel average) and p the pixel centres in pixel units. Σ_p G(R_{−α}p) ψ̂(p) ≈ ∫ G(y) ψ(R_α y) dy,
 * which is where the phase comes from; e_m(α) = 0 at multiples of 90° exactly.
 */
import { domainError } from "../errors";
import { rng } from "../tensor/rng";
import { BesselMode, besselModes, defaultKMax, maxKMax, nyquistKMax, sampleModes } from "./basis";

export type Sampling = "point" | "oversampled" | "integrated";

/** Sub-grid side of each sampling: point 1, oversampled `oversample` (default 2), integrated 16. */
export function samplingGrid(sampling: Sampling, oversample = 2): number {
  if (sampling === "point") return 1;
  if (sampling === "integrated") return 16;
  if (sampling !== "oversampled")
    domainError("samplingGrid", "sampling", sampling, '"point", "oversampled" or "integrated"');
  if (!Number.isInteger(oversample) || oversample < 2 || oversample > 64)
    domainError("samplingGrid", "oversample", oversample, "an integer in [2, 64]");
  return oversample;
}

export interface SteeringOptions {
  /**
   * How the filter is sampled (default "oversampled" with `oversample` = 2, the notebooks' layer).
   */
  sampling?: Sampling;
  oversample?: number;
  /**
   * Test angles in degrees (default 15°, 30°, 45°, 60°, 75°: one quarter turn's off-grid angles).
   */
  anglesDeg?: readonly number[];
  /**
   * Bump width σ in pixels (default 1: the inputs carry little energy above ~1/σ rad per pixel).
   */
  sigma?: number;
  /** Number of random bumps (default 64). */
  nInputs?: number;
  seed?: number;
}

export interface ModeSteering {
  nu: number;
  j: number;
  k: number;
  /** k in rad per pixel on this grid: k / ((K−1)/2). */
  kPerPixel: number;
  /** k above the grid's Nyquist bound π(K−1)/2. */
  aliased: boolean;
  /** e_m(α) for each angle (relative; 0.2 = 20%). */
  errors: number[];
  /** Largest of `errors`. */
  max: number;
}

function checkAngles(fn: string, a: readonly number[]): void {
  if (
    !Array.isArray(a) ||
    a.length === 0 ||
    !a.every((x) => Number.isFinite(x) && Math.abs(x) <= 1e6)
  )
    domainError(fn, "anglesDeg", a, "a non-empty array of finite angles in degrees, |α| ≤ 1e6");
}

/**
 * Steering error of each mode (default: the paper's modes k ≤ πK/2) of a K×K basis, per angle.
 * Float64 throughout; the result does not depend on any trained weight.
 */
export function modeSteering(
  kernelSize: number,
  opts: SteeringOptions & { modes?: readonly BesselMode[] } = {},
): ModeSteering[] {
  const fn = "modeSteering";
  if (!Number.isInteger(kernelSize) || kernelSize < 3 || kernelSize % 2 === 0)
    domainError(fn, "kernelSize", kernelSize, "an odd integer ≥ 3");
  const K = kernelSize;
  const s = samplingGrid(opts.sampling ?? "oversampled", opts.oversample ?? 2);
  const angles = opts.anglesDeg ?? [15, 30, 45, 60, 75];
  checkAngles(fn, angles);
  const sigma = opts.sigma ?? 1;
  // below ≈ 0.25 px the bumps vanish at every sample point and the error is 0/0
  if (!(sigma >= 0.25 && sigma <= K))
    domainError(fn, "sigma", sigma, `a number in [0.25, K = ${K}] (pixels)`);
  const n = opts.nInputs ?? 64;
  if (!Number.isInteger(n) || n < 1 || n > 100000)
    domainError(fn, "nInputs", n, "an integer in [1, 10^5]");
  const modes = opts.modes ?? besselModes(defaultKMax(K));
  if (!Array.isArray(modes) || modes.length === 0)
    domainError(fn, "modes", modes, "a non-empty array of modes");
  // Given modes must be well formed and within the same bound as besselModes (k ≤ πK): a list
  // from besselModes(40) has 218 modes no 5×5 grid can represent.
  const kBound = maxKMax(K);
  for (const m of modes) {
    const ok =
      m &&
      Number.isInteger(m.nu) &&
      m.nu >= 0 &&
      Number.isInteger(m.j) &&
      m.j >= 0 &&
      Number.isFinite(m.k) &&
      m.k >= 0 &&
      m.k <= kBound &&
      Number.isFinite(m.norm) &&
      m.norm > 0;
    if (!ok)
      domainError(
        fn,
        "modes",
        JSON.stringify(m),
        `modes with integer ν, j ≥ 0, finite norm > 0 and 0 ≤ k ≤ πK = ${kBound.toFixed(3)}`,
      );
  }
  const { re, im } = sampleModes(modes, K, s);
  const M = modes.length;
  const c = (K - 1) / 2;
  // Bump centres uniform in the disk of radius c (the filter's support).
  const r = rng(opts.seed ?? 0);
  const qx = new Float64Array(n),
    qy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const rad = c * Math.sqrt(r.uniform());
    const phi = 2 * Math.PI * r.uniform();
    qx[i] = rad * Math.cos(phi);
    qy[i] = rad * Math.sin(phi);
  }
  // responses(α)[i][m] (complex) for every bump i and mode m.
  const respond = (deg: number): { rr: Float64Array; ri: Float64Array } => {
    const a = (deg * Math.PI) / 180;
    const ca = Math.cos(a),
      sa = Math.sin(a);
    const rr = new Float64Array(n * M),
      ri = new Float64Array(n * M);
    for (let i = 0; i < n; i++) {
      // G(R_{−α} p) = bump centred at R_α q.
      const bx = ca * qx[i] - sa * qy[i];
      const by = sa * qx[i] + ca * qy[i];
      for (let row = 0; row < K; row++) {
        for (let col = 0; col < K; col++) {
          const dx = col - c - bx,
            dy = c - row - by;
          const g = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
          const p = row * K + col;
          for (let m = 0; m < M; m++) {
            rr[i * M + m] += g * re[p * M + m];
            ri[i * M + m] += g * im[p * M + m];
          }
        }
      }
    }
    return { rr, ri };
  };
  const base = respond(0);
  const out: ModeSteering[] = modes.map((m) => ({
    nu: m.nu,
    j: m.j,
    k: m.k,
    kPerPixel: K === 1 ? 0 : m.k / c,
    aliased: m.k > nyquistKMax(K) + 1e-12,
    errors: [],
    max: 0,
  }));
  for (const deg of angles) {
    const { rr, ri } = respond(deg);
    for (let m = 0; m < M; m++) {
      const ph = (modes[m].nu * deg * Math.PI) / 180;
      const pc = Math.cos(ph),
        ps = Math.sin(ph);
      let num = 0,
        den = 0;
      for (let i = 0; i < n; i++) {
        const br = base.rr[i * M + m],
          bi = base.ri[i * M + m];
        const er = rr[i * M + m] - (pc * br - ps * bi);
        const ei = ri[i * M + m] - (ps * br + pc * bi);
        num += er * er + ei * ei;
        den += br * br + bi * bi;
      }
      // a mode with no response at all has no relative error (it used to report 0, "steers
      // perfectly")
      if (!(den > 0))
        domainError(
          fn,
          `response of mode (ν = ${modes[m].nu}, j = ${modes[m].j})`,
          "all zeros",
          "bumps wide enough to reach the sample points (larger sigma)",
        );
      out[m].errors.push(Math.sqrt(num / den));
    }
  }
  for (const o of out) o.max = Math.max(...o.errors);
  return out;
}

export type BasisPolicy = "paper" | "nyquist" | "steerable";

export interface PolicyOptions {
  /**
   * Sub-grid of the layer's basis sampling (1 = point samples); the steering test uses the same.
   */
  oversample?: number;
  /** "steerable": largest accepted steering error of a mode over 15°…75° (default 0.1 = 10%). */
  steerTol?: number;
  /**
   * "steerable": width σ (px) of the Gaussian bumps the steering test uses (default 1). The 10%
   * refers to inputs this smooth: narrower bumps carry more high-frequency energy and fewer modes
   * pass (e.g. (ν, j) = (1, 1) at σ = 0.8 px; notebook 04 §7 shows the kept set against σ).
   */
  sigma?: number;
}

/**
 * The modes a K×K layer keeps under each policy:
 * - "paper": k ≤ πK/2, the rule issue #14 attributes to bcnn2021 (the paper could not be read; no
 * section number);
 *  - "nyquist": k ≤ π(K−1)/2, the bound for a disk whose rim is the outer pixel centres (ours);
 *  - "steerable": among the "nyquist" modes, those whose steering error (modeSteering, σ = 1 px
 *    unless `sigma` says otherwise, with the layer's own sampling) stays ≤ steerTol at every
 *    off-grid angle (ours). The constant mode (ν = j = 0) is always kept.
 */
export function policyModes(
  kernelSize: number,
  policy: BasisPolicy,
  opts: PolicyOptions = {},
): BesselMode[] {
  const fn = "policyModes";
  if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0)
    domainError(fn, "kernelSize", kernelSize, "an odd positive integer");
  if (policy === "paper") return besselModes(defaultKMax(kernelSize));
  // K = 1: a single pixel has no angular structure; only the constant mode exists (documented
  // result for "paper"/"nyquist"); "steerable" refuses below, like any isotropic-only basis
  if (policy === "steerable" && kernelSize < 3)
    domainError(
      fn,
      "kernelSize",
      kernelSize,
      'an odd integer ≥ 3 for "steerable" (a 1×1 filter has no mode with ν > 0)',
    );
  if (policy !== "nyquist" && policy !== "steerable")
    domainError(fn, "policy", policy, '"paper", "nyquist" or "steerable"');
  const nyq = besselModes(Math.min(nyquistKMax(kernelSize), maxKMax(kernelSize)));
  if (policy === "nyquist" || kernelSize < 3) return nyq;
  const tol = opts.steerTol ?? 0.1;
  if (!(tol > 0 && tol < 10)) domainError(fn, "steerTol", tol, "a number in (0, 10)");
  const s = opts.oversample ?? 1;
  const sigma = opts.sigma ?? 1;
  const key = `${kernelSize}/${s}/${tol}/${sigma}`;
  let errs = steerMemo.get(key);
  if (!errs) {
    errs = modeSteering(kernelSize, {
      modes: nyq,
      sampling: s === 1 ? "point" : "oversampled",
      oversample: s === 1 ? 2 : s,
      sigma,
    }).map((m) => m.max);
    steerMemo.set(key, errs);
  }
  const e = errs;
  const kept = nyq.filter((m, i) => (m.nu === 0 && m.j === 0) || e[i] <= tol);
  // A basis of ν = 0 modes only is an isotropic filter bank, not a steerable one: with point
  // samples (oversample 1) on a 5×5 grid no mode with ν > 0 reaches 10%, which used to return the
  // constant mode alone without a word.
  if (!kept.some((m) => m.nu > 0)) {
    domainError(
      fn,
      "oversample",
      s,
      `a sampling under which some mode with ν > 0 steers within steerTol = ${tol} at K = ${kernelSize} (none does; try oversample ≥ 2 or a larger steerTol)`,
    );
  }
  return kept;
}

/** Steering errors per (K, sub-grid, tol): deterministic, so computed once per process. */
const steerMemo = new Map<string, number[]>();

/**
 * A vega-lite v5 spec a reader can explore without re-running anything: per-mode steering errors of
 * a K×K basis precomputed for 0°…90° in steps of `stepDeg` degrees and three samplings, with a
 * slider for the angle (JupyterLab renders the slider; static SVG/PNG files show `initialDeg`).
 */
export function steeringExplorer(
  kernelSize: number,
  opts: { stepDeg?: number; initialDeg?: number; modes?: readonly BesselMode[] } = {},
): Record<string, unknown> {
  const step = opts.stepDeg ?? 5;
  if (!(Number.isInteger(step) && step >= 1 && 90 % step === 0))
    domainError("steeringExplorer", "stepDeg", step, "an integer divisor of 90");
  const angles = Array.from({ length: 90 / step + 1 }, (_, i) => i * step);
  const initial = opts.initialDeg ?? 45;
  if (!angles.includes(initial))
    domainError("steeringExplorer", "initialDeg", initial, `a multiple of ${step} in [0, 90]`);
  const values: {
    mode: string;
    sampling: string;
    angleDeg: number;
    error: number;
    aliased: boolean;
  }[] = [];
  for (const sampling of ["point", "oversampled", "integrated"] as const) {
    const rows = modeSteering(kernelSize, {
      sampling,
      anglesDeg: angles,
      ...(opts.modes ? { modes: opts.modes } : {}),
    });
    for (const r of rows) {
      r.errors.forEach((e, i) =>
        values.push({
          mode: `ν${r.nu} j${r.j}${r.aliased ? " *" : ""}`,
          sampling,
          angleDeg: angles[i],
          error: Math.round(e * 1e4) / 1e4,
          aliased: r.aliased,
        }),
      );
    }
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `Per-mode steering error, K = ${kernelSize} (drag the angle; * = above Nyquist)`,
    data: { values },
    params: [
      {
        name: "angleDeg",
        value: initial,
        bind: { input: "range", min: 0, max: 90, step, name: "rotation angle (°) " },
      },
    ],
    transform: [{ filter: "datum.angleDeg == angleDeg" }],
    mark: "bar",
    encoding: {
      x: { field: "mode", type: "nominal", sort: null, title: "mode (ν, j)" },
      xOffset: { field: "sampling", sort: ["point", "oversampled", "integrated"] },
      y: {
        field: "error",
        type: "quantitative",
        title: "steering error e(α)",
        scale: { domain: [0, 2] },
      },
      color: { field: "sampling", sort: ["point", "oversampled", "integrated"], title: "sampling" },
      tooltip: [
        { field: "mode" },
        { field: "sampling" },
        { field: "angleDeg", title: "angle (°)" },
        { field: "error", format: ".3f" },
      ],
    },
    width: 460,
    height: 220,
    config: { font: "DejaVu Sans", background: "white", view: { stroke: null } },
  };
}
