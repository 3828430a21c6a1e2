/**
 * Minimax lower bounds by packing + Fano (the "M disjoint δ/2-balls" argument).
 *
 * Take parameters θ₁..θ_M pairwise ≥ δ apart in the loss metric d. For any estimator θ̂ define the
 * test ψ = argmin_j d(θ̂, θ_j). If ψ ≠ j under P_j then d(θ̂, θ_j) ≥ δ/2 (the δ/2-balls are
 * disjoint, triangle inequality). With V uniform on {1..M} and X ~ P_V,
 *
 *   sup_θ E_θ Φ(d(θ̂, θ)) ≥ Φ(δ/2) · P(ψ ≠ V) ≥ Φ(δ/2) · (1 − (I(V;X) + log 2)/log M),
 *
 * and I(V;X) = min_Q (1/M) Σ_j KL(P_j‖Q) ≤ (1/M) Σ_j KL(P_j‖Q) for any fixed Q
 * ("centroid" bound below) ≤ max_j KL(P_j‖Q) ("max" bound).
 */
import { DomainError } from "../errors";
import { fanoErrorLowerBound } from "./fano";
import { meanResultantLength, logI0 } from "./bessel";
import { assertIn, assertInt } from "./validate";
import { rng } from "../tensor/rng";
import type { RiskEstimate } from "./vonmises";

export interface PackingArgs {
  /** number of packed parameters, M ≥ 2 */
  M: number;
  /** minimum pairwise separation δ > 0 in the loss metric */
  delta: number;
  /** an upper bound on I(V; X) in nats (e.g. a bound on the KLs) */
  mutualInfoBound: number;
  /** increasing loss Φ applied to the distance (default Φ(t) = t: mean absolute error) */
  phi?: (t: number) => number;
}

/** Φ(δ/2) · max(0, 1 − (I + log 2)/log M). */
export function packingLowerBound(args: PackingArgs): number {
  const { M, delta, mutualInfoBound } = args;
  assertInt("packingLowerBound", "M", M, 2);
  assertIn("packingLowerBound", "delta", delta, 0, Infinity, { loOpen: true, hiOpen: true });
  assertIn("packingLowerBound", "mutualInfoBound", mutualInfoBound, 0, Infinity);
  const phi = args.phi ?? ((t: number) => t);
  return phi(delta / 2) * fanoErrorLowerBound(mutualInfoBound, M);
}

/**
 * Maximise a one-dimensional bound over δ ∈ (0, deltaMax]: a log-spaced grid brackets the
 * maximum, then golden-section search refines it (the bounds here are unimodal in δ).
 */
export function maximizeOverDelta(
  bound: (delta: number) => number,
  deltaMax: number,
  deltaMin = deltaMax * 1e-8,
): { delta: number; bound: number } {
  assertIn("maximizeOverDelta", "deltaMax", deltaMax, 0, Infinity, { loOpen: true, hiOpen: true });
  const N = 400;
  const ratio = Math.pow(deltaMax / deltaMin, 1 / (N - 1));
  let best = 0,
    bestVal = -Infinity;
  const grid: number[] = [];
  for (let i = 0; i < N; i++) {
    const d = i === N - 1 ? deltaMax : deltaMin * Math.pow(ratio, i);
    grid.push(d);
    const v = bound(d);
    if (v > bestVal) {
      bestVal = v;
      best = i;
    }
  }
  let a = grid[Math.max(0, best - 1)],
    b = grid[Math.min(N - 1, best + 1)];
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a),
    d = a + g * (b - a);
  let fc = bound(c),
    fd = bound(d);
  for (let it = 0; it < 100 && b - a > 1e-14 * b; it++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = bound(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = bound(d);
    }
  }
  const mid = 0.5 * (a + b),
    fm = bound(mid);
  return fm >= bestVal ? { delta: mid, bound: fm } : { delta: grid[best], bound: bestVal };
}

export type KLBoundKind = "centroid" | "max";

export interface PackingResult {
  M: number;
  /** the optimal separation δ */
  delta: number;
  /** the minimax lower bound on the mean absolute error */
  bound: number;
  /** the bound on I(V; X) used at that δ */
  mutualInfoBound: number;
  /** bound × √(n · Fisher information): the constant in c/√(n I_F) */
  constant: number;
  klBound: KLBoundKind;
}

/**
 * Gaussian mean, X₁..X_n ~ N(θ, σ²), loss |θ̂ − θ|. Packing θ_j = (j − (M−1)/2)δ on a line,
 * Q = N(0, σ²)^n: KL(P_j^n‖Q) = nθ_j²/(2σ²), so
 *   centroid: I ≤ n δ²(M²−1)/(24σ²)   (mean of θ_j² = δ²(M²−1)/12)
 *   max:      I ≤ n δ²(M−1)²/(8σ²)
 * Writing I ≤ aδ², the bound (δ/2)(1 − (aδ² + log 2)/log M) is maximised at
 * δ² = (log M − log 2)/(3a), giving (δ/3)(1 − log 2/log M). Needs M ≥ 3 (M = 2 is vacuous).
 */
export function gaussianMeanPacking(
  n: number,
  sigma: number,
  M: number,
  klBound: KLBoundKind = "centroid",
): PackingResult {
  assertIn("gaussianMeanPacking", "n", n, 0, Infinity, { loOpen: true, hiOpen: true });
  assertIn("gaussianMeanPacking", "sigma", sigma, 0, Infinity, { loOpen: true, hiOpen: true });
  assertInt("gaussianMeanPacking", "M", M, 3);
  const spread = klBound === "centroid" ? (M * M - 1) / 12 : ((M - 1) * (M - 1)) / 4;
  if (klBound !== "centroid" && klBound !== "max")
    throw new DomainError(
      `gaussianMeanPacking: argument klBound = ${String(klBound)}; expected "centroid" or "max"`,
    );
  const a = (n * spread) / (2 * sigma * sigma);
  const logM = Math.log(M);
  const delta = Math.sqrt((logM - Math.LN2) / (3 * a));
  const I = a * delta * delta;
  const bound = packingLowerBound({ M, delta, mutualInfoBound: I });
  return { M, delta, bound, mutualInfoBound: I, constant: (bound * Math.sqrt(n)) / sigma, klBound };
}

/** Mean absolute error of the sample mean of n N(θ, σ²) draws: σ√(2/(πn)). */
export function sampleMeanMAE(n: number, sigma: number): number {
  assertIn("sampleMeanMAE", "n", n, 0, Infinity, { loOpen: true, hiOpen: true });
  assertIn("sampleMeanMAE", "sigma", sigma, 0, Infinity, { loOpen: true, hiOpen: true });
  return sigma * Math.sqrt(2 / (Math.PI * n));
}

/**
 * von Mises location, n draws of vM(μ, κ), loss = angular distance. Packing μ_j = (j − (M−1)/2)δ
 * on an arc, Q = vM(0, κ)^n: KL(P_j^n‖Q) = nκA(κ)(1 − cos μ_j) exactly (no small-angle
 * approximation). Pairwise angular separation ≥ δ needs Mδ ≤ 2π, so δ ∈ (0, 2π/M]; the bound is
 * maximised numerically over δ. For large nκA the optimum is the Gaussian one with σ² = 1/(κA):
 * bound → c(M)/√(nκA).
 */
export function vonMisesPacking(
  n: number,
  kappa: number,
  M: number,
  klBound: KLBoundKind = "centroid",
): PackingResult {
  checkVonMisesPacking("vonMisesPacking", n, kappa, M, klBound);
  const fisher = kappa * meanResultantLength(kappa);
  const best = maximizeOverDelta(
    (d) => arcPackingBound(n, fisher, M, d, klBound).bound,
    (2 * Math.PI) / M,
  );
  const at = arcPackingBound(n, fisher, M, best.delta, klBound);
  return {
    M,
    delta: best.delta,
    bound: at.bound,
    mutualInfoBound: at.mutualInfoBound,
    constant: at.bound * Math.sqrt(n * fisher),
    klBound,
  };
}

/**
 * The von Mises packing bound at a given separation δ ∈ (0, 2π/M] (the function that
 * `vonMisesPacking` maximises) — for plotting the trade-off: Φ(δ/2) = δ/2 grows with δ while the
 * Fano factor 1 − (I + log 2)/log M falls as the hypotheses become easier to tell apart.
 */
export function vonMisesPackingBoundAt(
  n: number,
  kappa: number,
  M: number,
  delta: number,
  klBound: KLBoundKind = "centroid",
): { bound: number; mutualInfoBound: number } {
  checkVonMisesPacking("vonMisesPackingBoundAt", n, kappa, M, klBound);
  assertIn("vonMisesPackingBoundAt", "delta", delta, 0, ((2 * Math.PI) / M) * (1 + 1e-12), {
    loOpen: true,
  });
  return arcPackingBound(n, kappa * meanResultantLength(kappa), M, delta, klBound);
}

function checkVonMisesPacking(
  fn: string,
  n: number,
  kappa: number,
  M: number,
  klBound: string,
): void {
  assertIn(fn, "n", n, 0, Infinity, { loOpen: true, hiOpen: true });
  assertIn(fn, "kappa", kappa, 0, Infinity, { loOpen: true, hiOpen: true });
  assertInt(fn, "M", M, 3);
  if (klBound !== "centroid" && klBound !== "max")
    throw new DomainError(
      `${fn}: argument klBound = ${String(klBound)}; expected "centroid" or "max"`,
    );
}

/** μ_j = (j − (M−1)/2)δ; KL(P_j^n‖vM(0,κ)^n) = n·κA·(1 − cos μ_j) = n·κA·2sin²(μ_j/2). */
function arcPackingBound(
  n: number,
  fisher: number,
  M: number,
  delta: number,
  klBound: KLBoundKind,
): { bound: number; mutualInfoBound: number } {
  let s = 0,
    mx = 0;
  for (let j = 0; j < M; j++) {
    const h = Math.sin(((j - (M - 1) / 2) * delta) / 2);
    const kl = n * fisher * 2 * h * h;
    s += kl;
    mx = Math.max(mx, kl);
  }
  const I = klBound === "centroid" ? s / M : mx;
  return { bound: packingLowerBound({ M, delta, mutualInfoBound: I }), mutualInfoBound: I };
}

/**
 * Empirical risk E|X̄ − θ| of the sample mean of n N(θ, σ²) draws from `reps` seeded replicates
 * (a Monte Carlo check of the closed form `sampleMeanMAE`).
 */
export function sampleMeanRisk(
  n: number,
  sigma: number,
  opts: { reps: number; seed: number },
): RiskEstimate {
  assertInt("sampleMeanRisk", "n", n, 1);
  assertIn("sampleMeanRisk", "sigma", sigma, 0, Infinity, { loOpen: true, hiOpen: true });
  assertInt("sampleMeanRisk", "reps", opts.reps, 2);
  const r = rng(opts.seed);
  let s = 0,
    s2 = 0;
  for (let k = 0; k < opts.reps; k++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += r.normal();
    const e = Math.abs((sigma * m) / n);
    s += e;
    s2 += e * e;
  }
  const mae = s / opts.reps;
  const variance = Math.max(0, (s2 - opts.reps * mae * mae) / (opts.reps - 1));
  return {
    mae,
    se: Math.sqrt(variance / opts.reps),
    rmse: Math.sqrt(s2 / opts.reps),
    reps: opts.reps,
  };
}

/** Best packing over a range of M (returns the M with the largest bound). */
export function bestPacking(
  make: (M: number) => PackingResult,
  Ms: readonly number[],
): PackingResult {
  if (Ms.length === 0)
    throw new DomainError("bestPacking: argument Ms is empty; expected at least one M");
  let best = make(Ms[0]);
  for (const M of Ms.slice(1)) {
    const r = make(M);
    if (r.bound > best.bound) best = r;
  }
  return best;
}

export interface PackingExact {
  M: number;
  delta: number;
  /** exact I(V; X) for one observation X ~ vM(μ_V, κ), V uniform on the M packed locations */
  mutualInfo: number;
  /** the centroid bound (1/M) Σ_j KL(P_j ‖ vM(0, κ)) ≥ mutualInfo */
  centroidBound: number;
  /** error probability of the maximum a posteriori test ψ(X) = argmax_j p_j(X): the best test */
  mapError: number;
  /** Fano's weakened form with the exact I: 1 − (I + log 2)/log M ≤ mapError */
  fanoLower: number;
}

/**
 * The packing of `vonMisesPacking` at n = 1, evaluated exactly instead of bounded (ours): with
 * μ_j = (j − (M−1)/2)δ and X ~ vM(μ_V, κ),
 *   I(V; X) = (1/M) Σ_j ∫ p_j log(p_j / p̄),  p̄ = (1/M) Σ_j p_j,
 *   P(MAP error) = 1 − ∫ max_j p_j / M,
 * by the periodic trapezoid rule on `grid` points of the circle (spectrally accurate for the smooth
 * I-integrand; the max has kinks, so the MAP error is O(grid⁻²) ≈ 1e-8 at the default 2¹⁴).
 * Fano says fanoLower ≤ mapError (no test beats MAP), and centroidBound ≥ mutualInfo: both can
 * fail for a wrong constant (e.g. a missing log 2), unlike a comparison with a far-away risk.
 */
export function vonMisesPackingExact(
  kappa: number,
  M: number,
  delta: number,
  grid = 1 << 14,
): PackingExact {
  assertIn("vonMisesPackingExact", "kappa", kappa, 0, 1e4, { loOpen: true });
  assertInt("vonMisesPackingExact", "M", M, 2);
  assertIn("vonMisesPackingExact", "delta", delta, 0, ((2 * Math.PI) / M) * (1 + 1e-12), {
    loOpen: true,
  });
  assertInt("vonMisesPackingExact", "grid", grid, 64);
  const mus = Array.from({ length: M }, (_, j) => (j - (M - 1) / 2) * delta);
  const logNorm = Math.log(2 * Math.PI) + logI0(kappa);
  const h = (2 * Math.PI) / grid;
  const lp = new Float64Array(M);
  let info = 0,
    hit = 0;
  for (let g = 0; g < grid; g++) {
    const t = -Math.PI + g * h;
    let mx = -Infinity;
    for (let j = 0; j < M; j++) {
      lp[j] = kappa * Math.cos(t - mus[j]!) - logNorm;
      if (lp[j]! > mx) mx = lp[j]!;
    }
    // log p̄ = mx + log((1/M) Σ e^{lp − mx}) (no underflow for large κ)
    let s = 0;
    for (let j = 0; j < M; j++) s += Math.exp(lp[j]! - mx);
    const logBar = mx + Math.log(s / M);
    let a = 0;
    for (let j = 0; j < M; j++) a += Math.exp(lp[j]!) * (lp[j]! - logBar);
    info += a / M;
    hit += Math.exp(mx) / M;
  }
  info *= h;
  const mapError = Math.max(0, 1 - hit * h);
  const fisher = kappa * meanResultantLength(kappa);
  let c = 0;
  for (const mu of mus) c += fisher * 2 * Math.sin(mu / 2) ** 2;
  const mutualInfo = Math.max(0, info);
  return {
    M,
    delta,
    mutualInfo,
    centroidBound: c / M,
    mapError,
    fanoLower: fanoErrorLowerBound(mutualInfo, M),
  };
}
