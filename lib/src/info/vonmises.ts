/**
 * The von Mises distribution vM(μ, κ) on the circle — the Bessel instance of the minimax bounds.
 *
 *   f(θ; μ, κ) = exp(κ cos(θ − μ)) / (2π I₀(κ)),  θ ∈ [−π, π).
 *
 * Mean resultant length A(κ) = E cos(θ − μ) = I₁(κ)/I₀(κ); Fisher information for μ is κA(κ);
 * KL(vM(μ₁,κ)‖vM(μ₂,κ)) = κA(κ)(1 − cos(μ₁ − μ₂)).
 * Angles returned by this module are wrapped to [−π, π).
 */
import { DomainError } from "../errors";
import { Rng, rng as makeRng } from "../tensor/rng";
import { logI0, meanResultantLength } from "./bessel";
import { assertIn, assertInt } from "./validate";

export { meanResultantLength } from "./bessel";

const TWO_PI = 2 * Math.PI;

/** Wrap an angle to [−π, π). */
export function wrapAngle(x: number): number {
  if (x >= -Math.PI && x < Math.PI) return x;
  const y = x - TWO_PI * Math.floor((x + Math.PI) / TWO_PI);
  // Guard both rounding edges: near an odd multiple of π the floor can land one step off and y
  // one or two ulps outside [−π, π) (found by mutation testing, session 6: wrapAngle(5π − 2e-15)
  // gave −π − 2 ulps). Those x are within rounding of −π ≡ π, so −π is the answer.
  if (y >= Math.PI) return y - TWO_PI >= -Math.PI ? y - TWO_PI : -Math.PI;
  return y < -Math.PI ? -Math.PI : y;
}

/** Angular (geodesic) distance on the circle, in [0, π]. */
export function angularDistance(a: number, b: number): number {
  return Math.abs(wrapAngle(a - b));
}

function checkKappa(fn: string, kappa: number): void {
  assertIn(fn, "kappa", kappa, 0, Infinity, { hiOpen: true });
}

/** log f(θ; μ, κ). */
export function vonMisesLogPdf(theta: number, mu: number, kappa: number): number {
  checkKappa("vonMisesLogPdf", kappa);
  if (!Number.isFinite(theta))
    throw new DomainError(`vonMisesLogPdf: argument theta = ${theta}; expected a finite angle`);
  if (!Number.isFinite(mu))
    throw new DomainError(`vonMisesLogPdf: argument mu = ${mu}; expected a finite angle`);
  return kappa * Math.cos(theta - mu) - Math.log(TWO_PI) - logI0(kappa);
}

/** f(θ; μ, κ) = e^{κ cos(θ−μ)} / (2π I₀(κ)). Uses log I₀ so large κ does not overflow. */
export function vonMisesPdf(theta: number, mu: number, kappa: number): number {
  return Math.exp(vonMisesLogPdf(theta, mu, kappa));
}

/**
 * ρ_k = I_k(κ)/I₀(κ) for k = 0..K, the Fourier coefficients of the density:
 * f(θ) = (1/2π)(1 + 2 Σ ρ_k cos kθ). Computed by backward recurrence of the ratios
 * r_k = I_k/I_{k−1} = 1/(2k/κ + r_{k+1}) (from I_{k−1} − I_{k+1} = (2k/κ) I_k), started at 0
 * well beyond K — the minimal solution is stable in this direction (Miller / Hill 1977). The
 * products Π r_j never overflow, unlike I_k itself.
 */
export function vonMisesFourierCoefficients(kappa: number, tol = 1e-17): Float64Array {
  checkKappa("vonMisesFourierCoefficients", kappa);
  if (kappa === 0) return Float64Array.of(1);
  // ρ_k ≈ exp(−k²/(2κ)) for large κ and (κ/2)^k/k! for small κ: K below covers ρ_K < tol.
  const K = Math.ceil(Math.sqrt(2 * kappa * -Math.log(tol))) + 25;
  const start = K + 30 + Math.ceil(Math.sqrt(kappa));
  const r = new Float64Array(start + 2);
  for (let k = start; k >= 1; k--) r[k] = 1 / ((2 * k) / kappa + r[k + 1]);
  const rho = new Float64Array(K + 1);
  rho[0] = 1;
  let last = K;
  for (let k = 1; k <= K; k++) {
    rho[k] = rho[k - 1] * r[k];
    if (rho[k] < tol * 1e-3) {
      last = k;
      break;
    }
  }
  return rho.slice(0, last + 1);
}

/**
 * CDF on the support [−π, π): F(x) = P(Θ ≤ x) for Θ ~ vM(μ, κ) wrapped to [−π, π).
 * Uses the Fourier series of the centred CDF (the series behind Hill's 1977 algorithm),
 *   G(θ) = (θ + π)/(2π) + (1/π) Σ_{k≥1} ρ_k sin(kθ)/k,  θ ∈ [−π, π],
 * extended by G(θ + 2π) = G(θ) + 1, and F(x) = G(x − μ) − G(−π − μ).
 * Returns a function so the coefficients are computed once per (μ, κ).
 */
export function vonMisesCdf(mu: number, kappa: number): (x: number) => number {
  checkKappa("vonMisesCdf", kappa);
  if (!Number.isFinite(mu))
    throw new DomainError(`vonMisesCdf: argument mu = ${mu}; expected a finite angle`);
  const rho = vonMisesFourierCoefficients(kappa);
  const K = rho.length - 1;
  const w = new Float64Array(K + 1);
  for (let k = 1; k <= K; k++) w[k] = rho[k] / k;
  const sines = new Float64Array(K + 1);
  const G = (theta: number): number => {
    const turns = Math.floor((theta + Math.PI) / TWO_PI);
    const t = theta - turns * TWO_PI;
    // sin(kt) by the three-term recurrence sin((k+1)t) = 2cos t·sin(kt) − sin((k−1)t): one
    // multiply-add per term instead of a libm call (error grows ~k·ε, < 1e-12 at K ≈ 1000).
    const c2 = 2 * Math.cos(t);
    if (K >= 1) sines[1] = Math.sin(t);
    for (let k = 2; k <= K; k++) sines[k] = c2 * sines[k - 1] - sines[k - 2];
    let s = 0;
    for (let k = K; k >= 1; k--) s += w[k] * sines[k]; // small terms first
    return turns + (t + Math.PI) / TWO_PI + s / Math.PI;
  };
  const G0 = G(-Math.PI - mu);
  return (x: number) => {
    if (!Number.isFinite(x))
      throw new DomainError(`vonMisesCdf: argument x = ${x}; expected a finite angle`);
    if (x < -Math.PI) return 0;
    if (x >= Math.PI) return 1;
    return Math.min(1, Math.max(0, G(x - mu) - G0));
  };
}

/**
 * n draws from vM(μ, κ) by Best & Fisher's (1979) wrapped-Cauchy rejection sampler
 * (acceptance ≥ 65.6% for every κ). `seed` is an integer seed or an `Rng` to continue a stream.
 *
 * Envelope parameters: τ = 1 + √(1+4κ²), ρ = (τ − √(2τ))/(2κ), s = (1+ρ²)/(2ρ). τ − √(2τ) is
 * rewritten as τ(τ−2)/(τ+√(2τ)) with τ − 2 = 4κ²/(√(1+4κ²)+1) to avoid cancellation at small κ.
 */
export function sampleVonMises(
  n: number,
  mu: number,
  kappa: number,
  seed: number | Rng,
): Float64Array {
  assertInt("sampleVonMises", "n", n, 0);
  checkKappa("sampleVonMises", kappa);
  if (!Number.isFinite(mu))
    throw new DomainError(`sampleVonMises: argument mu = ${mu}; expected a finite angle`);
  const r = typeof seed === "number" ? makeRng(seed) : seed;
  const out = new Float64Array(n);
  if (kappa < 1e-12) {
    // The density is uniform to within 1e-12: sample it exactly.
    for (let i = 0; i < n; i++) out[i] = wrapAngle(mu + Math.PI * (2 * r.uniform() - 1));
    return out;
  }
  const sq = Math.sqrt(1 + 4 * kappa * kappa);
  const tau = 1 + sq;
  const tauMinus2 = (4 * kappa * kappa) / (sq + 1);
  const rho = (tau * tauMinus2) / (tau + Math.sqrt(2 * tau)) / (2 * kappa);
  const s = (1 + rho * rho) / (2 * rho);
  for (let i = 0; i < n; i++) {
    let f: number;
    for (;;) {
      const z = Math.cos(Math.PI * r.uniform());
      f = (1 + s * z) / (s + z);
      const c = kappa * (s - f);
      const u2 = r.uniform();
      if (c * (2 - c) - u2 > 0) break;
      if (u2 > 0 && Math.log(c / u2) + 1 - c >= 0) break;
    }
    const angle = Math.acos(Math.max(-1, Math.min(1, f)));
    out[i] = wrapAngle(r.uniform() < 0.5 ? mu - angle : mu + angle);
  }
  return out;
}

/** KL(vM(μ₁,κ) ‖ vM(μ₂,κ)) = κA(κ)(1 − cos(μ₁ − μ₂)) (same κ; see vonMisesKLGeneral). */
export function vonMisesKL(mu1: number, mu2: number, kappa: number): number {
  checkKappa("vonMisesKL", kappa);
  // 1 − cos Δ = 2 sin²(Δ/2) avoids cancellation for small Δ.
  const h = Math.sin((mu1 - mu2) / 2);
  return kappa * meanResultantLength(kappa) * 2 * h * h;
}

/**
 * General KL(vM(μ₁,κ₁) ‖ vM(μ₂,κ₂)) = log I₀(κ₂) − log I₀(κ₁) + A(κ₁)(κ₁ − κ₂ cos(μ₁ − μ₂)),
 * from E_{P₁}[cos(Θ − μ₂)] = A(κ₁) cos(μ₁ − μ₂).
 */
export function vonMisesKLGeneral(
  mu1: number,
  kappa1: number,
  mu2: number,
  kappa2: number,
): number {
  checkKappa("vonMisesKLGeneral", kappa1);
  assertIn("vonMisesKLGeneral", "kappa2", kappa2, 0, Infinity, { hiOpen: true });
  const A1 = meanResultantLength(kappa1);
  return Math.max(0, logI0(kappa2) - logI0(kappa1) + A1 * (kappa1 - kappa2 * Math.cos(mu1 - mu2)));
}

/**
 * Monte Carlo estimate of KL(vM(μ₁,κ)‖vM(μ₂,κ)) = E_{P₁}[log p₁(Θ) − log p₂(Θ)] from n draws of P₁;
 * `stderr` is the standard error of the mean.
 */
export function vonMisesKLMonteCarlo(
  mu1: number,
  mu2: number,
  kappa: number,
  n: number,
  seed: number | Rng,
): { estimate: number; stderr: number } {
  assertInt("vonMisesKLMonteCarlo", "n", n, 2);
  const x = sampleVonMises(n, mu1, kappa, seed);
  let s = 0,
    s2 = 0;
  for (let i = 0; i < n; i++) {
    // The normalisers cancel for equal κ: log p₁ − log p₂ = κ(cos(θ−μ₁) − cos(θ−μ₂)).
    const d = kappa * (Math.cos(x[i] - mu1) - Math.cos(x[i] - mu2));
    s += d;
    s2 += d * d;
  }
  const mean = s / n;
  const variance = Math.max(0, (s2 - n * mean * mean) / (n - 1));
  return { estimate: mean, stderr: Math.sqrt(variance / n) };
}

/** Fisher information of one vM(μ, κ) observation about μ: κ²E sin²(Θ−μ) = κA(κ). */
export function vonMisesFisherInformation(kappa: number): number {
  checkKappa("vonMisesFisherInformation", kappa);
  return kappa * meanResultantLength(kappa);
}

/** Circular mean atan2(Σ sin θ_i, Σ cos θ_i) — the MLE of μ; NaN-free (0 if the resultant is 0). */
export function circularMean(
  theta: ArrayLike<number>,
  offset = 0,
  count = theta.length - offset,
): number {
  if (count < 1) throw new DomainError(`circularMean: ${count} angles; expected at least one`);
  let s = 0,
    c = 0;
  for (let i = offset; i < offset + count; i++) {
    s += Math.sin(theta[i]);
    c += Math.cos(theta[i]);
  }
  return Math.atan2(s, c);
}

export interface RiskEstimate {
  /** mean absolute (angular) error over replicates */
  mae: number;
  /** standard error of `mae` */
  se: number;
  /** root mean squared error */
  rmse: number;
  reps: number;
}

/**
 * Risk of the circular mean under angular-distance loss, E d(μ̂, μ), estimated from `reps`
 * seeded replicates of n draws. The family is rotation-equivariant and so is the circular mean,
 * so the risk is the same at every μ: this is also the estimator's worst-case (minimax) risk.
 */
export function circularMeanRisk(
  n: number,
  kappa: number,
  opts: { reps: number; seed: number; mu?: number },
): RiskEstimate {
  assertInt("circularMeanRisk", "n", n, 1);
  assertInt("circularMeanRisk", "reps", opts.reps, 2);
  checkKappa("circularMeanRisk", kappa);
  const mu = opts.mu ?? 0;
  const r = makeRng(opts.seed);
  let s = 0,
    s2 = 0;
  for (let k = 0; k < opts.reps; k++) {
    const x = sampleVonMises(n, mu, kappa, r);
    const e = angularDistance(circularMean(x), mu);
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

/**
 * Cramér–Rao for n vM(μ, κ) draws: Var(μ̂) ≥ 1/(nκA(κ)) for unbiased μ̂. `mae` is the mean
 * absolute error of a Gaussian with that variance, √(2/π)/√(nκA) — the asymptotic MAE of the
 * (efficient) circular mean; it is a reference curve, not a finite-n bound on MAE.
 */
export function vonMisesCramerRao(n: number, kappa: number): { variance: number; mae: number } {
  assertIn("vonMisesCramerRao", "n", n, 0, Infinity, { loOpen: true });
  assertIn("vonMisesCramerRao", "kappa", kappa, 0, Infinity, { loOpen: true, hiOpen: true });
  const variance = 1 / (n * vonMisesFisherInformation(kappa));
  return { variance, mae: Math.sqrt((2 / Math.PI) * variance) };
}
