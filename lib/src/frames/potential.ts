/**
 * Conservative forces and potential training (ours; MD17-style energy + force training).
 *
 * F = −∇_x E: the model's energy is differentiated w.r.t. node positions through the whole
 * network — edge vectors, lengths, radial basis and envelope (batch.ts edgeGeometry), and, for
 * frame models, the Gram–Schmidt frames — so the forces are exactly the negative gradient of
 * the predicted energy (a conservative field), not a separate head.
 *
 * Training on energy + forces: ℒ = w_E·mean((Ê − E)²)/Var(E) + w_F·mean((F̂ − F)²)/Var(F), with
 * energies standardised with training statistics (E' = (E − μ)/σ) and forces in the same units
 * (F' = F/σ, because −∇E' = F/σ). The gradient of ℒ w.r.t. the parameters differentiates −∇E a
 * second time (tfjs supports this on the wasm backend with the lib's kernels; tested).
 *
 * Learning-rate schedule: constant `lr` for the first epochs, then ×`decay` per epoch for
 * `decayEpochs`, then constant `lr·decay^decayEpochs` for the last `judge` epochs: the
 * convergence criterion (`converged`) is judged only on that constant-lr window, so a decaying
 * learning rate cannot satisfy it by itself.
 */
import * as tf from "../tf";
import { DomainError, ShapeError, domainError } from "../errors";
import { Rng } from "../tensor/rng";
import { Batch, checkCloud, edgeGeometry, makeBatch } from "./batch";
import { Cloud, Dataset } from "./data";
import { FramesNet, Model } from "./models";
import {
  makeModel,
  moleculeDataset,
  MOLECULE_ELEMENTS,
  ModelSpec,
  MoleculeSplit,
  speciesCountsConstant,
  speciesMeanError,
} from "./molecules";
import { batches } from "./train";
import { cosineCutoff, sphericalBesselBasis } from "./radial";

/** A disposed model (or a view of one) is refused with a DomainError naming argument m. */
function liveModel(fn: string, m: Model): void {
  if (!m || !Array.isArray(m.variables) || typeof m.apply !== "function")
    domainError(fn, "m", m, "a model (TFN, FramesNet, …)");
  if (m.variables.some((v) => v.isDisposed))
    throw new DomainError(`${fn}: argument m is a disposed model; expected a live model`);
}

/**
 * Energy per cloud [G] and conservative forces F = −∂(ΣE)/∂x [N, 3] (clouds are disjoint).
 * A batch without edges (isolated atoms only) has an energy that does not depend on the
 * positions: its forces are defined as exactly 0, the value the same clouds get inside a batch
 * with edges elsewhere. A disposed batch or model is refused (DomainError).
 */
export function energyForces(m: Model, b: Batch): { energy: tf.Tensor1D; forces: tf.Tensor2D } {
  liveModel("energyForces", m);
  if (b.pos.isDisposed)
    throw new DomainError(
      "energyForces: argument b is a disposed batch; expected a live batch (build it again with makeBatch)",
    );
  if (b.E === 0) {
    return tf.tidy(() => {
      const geom = edgeGeometry(b, b.pos);
      return {
        energy: m.energy ? m.energy(b, geom) : m.apply(b, geom).energy,
        forces: tf.zeros([b.N, 3]) as tf.Tensor2D,
      };
    });
  }
  return tf.tidy(() => {
    // One forward pass: the per-cloud energies of the pass that is differentiated are kept out
    // of valueAndGrad's scope (tf.keep) instead of running the network a second time. They stay
    // on the gradient tape, so an outer gradient (training) flows through them as before.
    let perCloud: tf.Tensor1D | undefined;
    const f = (pos: tf.Tensor2D) => {
      const geom = edgeGeometry(b, pos);
      perCloud = tf.keep(m.energy ? m.energy(b, geom) : m.apply(b, geom).energy);
      return tf.sum(perCloud) as tf.Scalar;
    };
    let out: { value: tf.Scalar; grad: tf.Tensor };
    try {
      out = tf.valueAndGrad(f)(b.pos);
    } catch (e) {
      perCloud?.dispose();
      throw e;
    }
    out.value.dispose();
    const kept = perCloud as tf.Tensor1D;
    const energy = tf.clone(kept); // tracked by this tidy (the kept tensor is not)
    kept.dispose();
    return { energy, forces: tf.neg(out.grad) as tf.Tensor2D };
  });
}

export interface PotentialWeights {
  energy: number;
  forces: number;
}

/** The target variances divide the loss: zero, negative or non-finite ones are refused. */
function checkScales(fn: string, s: { energy: number; forces: number }): void {
  for (const k of ["energy", "forces"] as const)
    if (!(s[k] > 0 && Number.isFinite(s[k])))
      domainError(fn, `s.${k}`, s[k], "a finite variance > 0");
}

/** Normalised energy + force loss (module comment); `s` holds the target variances. */
export function potentialLoss(
  m: Model,
  b: Batch,
  s: { energy: number; forces: number },
  w: PotentialWeights,
): tf.Scalar {
  if (!b.y)
    throw new ShapeError(
      "potentialLoss batch",
      "a labelled batch (built with targets)",
      "no targets",
    );
  checkScales("potentialLoss", s);
  for (const k of ["energy", "forces"] as const)
    if (!(w[k] >= 0 && Number.isFinite(w[k])))
      domainError("potentialLoss", `w.${k}`, w[k], "a finite weight ≥ 0");
  const y = b.y;
  return tf.tidy(() => {
    const mse = (a: tf.Tensor, t: tf.Tensor) => tf.mean(tf.square(tf.sub(a, t)));
    if (w.forces === 0) {
      const geom = edgeGeometry(b, b.pos);
      return tf.mul(
        tf.div(mse(m.energy ? m.energy(b, geom) : m.apply(b, geom).energy, y.energy), s.energy),
        w.energy,
      ) as tf.Scalar;
    }
    const o = energyForces(m, b);
    return tf.add(
      tf.mul(tf.div(mse(o.energy, y.energy), s.energy), w.energy),
      tf.mul(tf.div(mse(o.forces, y.forces), s.forces), w.forces),
    ) as tf.Scalar;
  });
}

export interface PotentialSchedule {
  epochs: number;
  lr: number;
  /** Epochs at constant lr before the decay starts. */
  warm: number;
  decay: number;
  decayEpochs: number;
  /** Last epochs at the final constant lr, on which `converged` is judged (≥ 4). */
  judge: number;
}

function checkSchedule(o: PotentialSchedule): void {
  for (const k of ["epochs", "warm", "decayEpochs", "judge"] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 0))
      domainError("trainPotential", `schedule.${k}`, o[k], "an integer ≥ 0");
  }
  if (!(o.lr > 0 && Number.isFinite(o.lr)))
    domainError("trainPotential", "schedule.lr", o.lr, "a finite number > 0");
  if (!(o.decay > 0 && o.decay <= 1))
    domainError("trainPotential", "schedule.decay", o.decay, "a number in (0, 1]");
  if (o.judge < 4)
    domainError("trainPotential", "schedule.judge", o.judge, "≥ 4 (two halves of ≥ 2 epochs)");
  if (o.warm + o.decayEpochs + o.judge !== o.epochs)
    domainError(
      "trainPotential",
      "schedule.epochs",
      o.epochs,
      `warm + decayEpochs + judge = ${o.warm + o.decayEpochs + o.judge}`,
    );
}

/** Learning rate of epoch `ep` (0-based) under the schedule. */
export function scheduleLr(o: PotentialSchedule, ep: number): number {
  if (!(Number.isInteger(ep) && ep >= 0))
    domainError("scheduleLr", "ep", ep, "an integer epoch ≥ 0");
  checkSchedule(o);
  return o.lr * o.decay ** Math.min(Math.max(ep - o.warm + 1, 0), o.decayEpochs);
}

/**
 * Convergence on the constant-lr window: the mean training loss of its second half is within
 * `rtol` of its first half (relative). Returns the relative change too.
 */
export function judgeConvergence(
  losses: number[],
  judge: number,
  rtol = 0.05,
): { converged: boolean; change: number } {
  if (!(Number.isInteger(judge) && judge >= 4))
    domainError("judgeConvergence", "judge", judge, "an integer ≥ 4");
  if (!(rtol > 0 && Number.isFinite(rtol)))
    domainError("judgeConvergence", "rtol", rtol, "a finite number > 0");
  if (losses.length < judge || judge < 4)
    throw new ShapeError("judgeConvergence losses", `≥ ${Math.max(judge, 4)} epochs`, [
      losses.length,
    ]);
  const w = losses.slice(losses.length - judge),
    h = Math.floor(judge / 2);
  const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
  const a = mean(w.slice(0, h)),
    b = mean(w.slice(h));
  if (!(Number.isFinite(a) && Number.isFinite(b)))
    domainError(
      "judgeConvergence",
      "losses",
      Number.isFinite(a) ? b : a,
      "finite losses in the judged window",
    );
  if (a === 0)
    domainError(
      "judgeConvergence",
      "losses",
      a,
      "a judged window whose first half has a nonzero mean (relative change)",
    );
  const change = (a - b) / a;
  return { converged: Math.abs(change) < rtol, change };
}

/** Adam on potentialLoss with the schedule above; returns per-epoch mean training losses. */
export function trainPotential(
  m: Model,
  train: Batch[],
  s: { energy: number; forces: number },
  w: PotentialWeights,
  o: PotentialSchedule & { seed?: number },
): number[] {
  checkSchedule(o);
  const r = new Rng(o.seed ?? 0);
  const opt = tf.train.adam(o.lr);
  const losses: number[] = [];
  for (let ep = 0; ep < o.epochs; ep++) {
    (opt as unknown as { learningRate: number }).learningRate = scheduleLr(o, ep);
    let sum = 0;
    for (const k of r.permutation(train.length)) {
      const l = opt.minimize(
        () => potentialLoss(m, train[k], s, w),
        true,
        m.variables,
      ) as tf.Scalar;
      sum += l.dataSync()[0];
      l.dispose();
    }
    losses.push(sum / train.length);
  }
  opt.dispose();
  return losses;
}

/** Normalised RMSE of the energy and the conservative forces over labelled batches. */
export function evaluatePotential(
  m: Model,
  bs: Batch[],
  s: { energy: number; forces: number },
): { energy: number; forces: number } {
  if (bs.length === 0) throw new ShapeError("evaluatePotential bs", "≥ 1 labelled batch", [0]);
  checkScales("evaluatePotential", s);
  bs.forEach((b, k) => {
    if (!b.y)
      throw new ShapeError(
        `evaluatePotential bs[${k}]`,
        "a labelled batch (built with targets)",
        "no targets",
      );
  });
  let e = 0,
    f = 0,
    ne = 0,
    nf = 0;
  for (const b of bs) {
    tf.tidy(() => {
      const o = energyForces(m, b);
      e += tf.sum(tf.square(tf.sub(o.energy, b.y!.energy))).dataSync()[0];
      f += tf.sum(tf.square(tf.sub(o.forces, b.y!.forces))).dataSync()[0];
      ne += o.energy.size;
      nf += o.forces.size;
    });
  }
  return { energy: Math.sqrt(e / ne / s.energy), forces: Math.sqrt(f / nf / s.forces) };
}

// ---------------------------------------------------------------------------------------------
// A linear baseline (ours): ridge regression of the energy on pairwise-distance features.

/** Features {1/r, r, r², 1/r²} of every atom pair (i < j), [4·n(n−1)/2] per cloud. */
export function pairFeatures(c: Cloud): Float64Array {
  const n = c.types.length,
    out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const r = Math.hypot(
        c.pos[3 * j] - c.pos[3 * i],
        c.pos[3 * j + 1] - c.pos[3 * i + 1],
        c.pos[3 * j + 2] - c.pos[3 * i + 2],
      );
      if (!(r > 0 && Number.isFinite(r)))
        domainError("pairFeatures", `c.pos (atoms ${i}, ${j})`, r, "distinct finite points");
      out.push(1 / r, r, r * r, 1 / (r * r));
    }
  return Float64Array.from(out);
}

/**
 * The radial basis a model sees, summed per unordered species pair (ours): for every pair of
 * species a ≤ b, Σ over atom pairs (i < j) of that species pair of φ_k(r_ij)·u(r_ij), with φ the
 * spherical-Bessel basis of `nRbf` functions and u the cosine envelope (batch.ts uses the same
 * two). [nTypes(nTypes+1)/2 · nRbf] per cloud: a two-body linear model on the models' own basis.
 */
export function rbfPairFeatures(
  c: Cloud,
  nRbf: number,
  cutoff: number,
  nTypes: number,
): Float64Array {
  if (!(Number.isInteger(nTypes) && nTypes >= 1))
    domainError("rbfPairFeatures", "nTypes", nTypes, "an integer ≥ 1");
  const n = c.types.length,
    P = (nTypes * (nTypes + 1)) / 2,
    out = new Float64Array(P * nRbf);
  const rs: number[] = [],
    slot: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const r = Math.hypot(
        c.pos[3 * j] - c.pos[3 * i],
        c.pos[3 * j + 1] - c.pos[3 * i + 1],
        c.pos[3 * j + 2] - c.pos[3 * i + 2],
      );
      if (!(r > 0 && Number.isFinite(r)))
        domainError("rbfPairFeatures", `c.pos (atoms ${i}, ${j})`, r, "distinct finite points");
      const [a, b] = [c.types[i], c.types[j]].sort((x, y) => x - y);
      if (!(Number.isInteger(a) && a >= 0 && b < nTypes))
        domainError("rbfPairFeatures", "c.types", b, `species indices in [0, ${nTypes})`);
      rs.push(r);
      slot.push(a * nTypes - (a * (a - 1)) / 2 + (b - a));
    }
  const phi = sphericalBesselBasis(rs, nRbf, cutoff),
    u = cosineCutoff(rs, cutoff);
  rs.forEach((_, e) => {
    for (let k = 0; k < nRbf; k++) out[slot[e] * nRbf + k] += phi[e * nRbf + k] * u[e];
  });
  return out;
}

/** Solve (A + λI)x = y for symmetric positive definite A (Cholesky), A [n·n] row-major. */
function solveSPD(A: Float64Array, y: Float64Array, n: number): Float64Array {
  const Lm = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= Lm[i * n + k] * Lm[j * n + k];
      if (i === j) {
        if (!(s > 0))
          throw new DomainError("ridge: the normal matrix is not positive definite (use λ > 0)");
        Lm[i * n + i] = Math.sqrt(s);
      } else Lm[i * n + j] = s / Lm[j * n + j];
    }
  const z = new Float64Array(n),
    x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = y[i];
    for (let k = 0; k < i; k++) s -= Lm[i * n + k] * z[k];
    z[i] = s / Lm[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= Lm[k * n + i] * x[k];
    x[i] = s / Lm[i * n + i];
  }
  return x;
}

/** Column means and population stds of training features; a constant column gets std 1. */
function featureStats(X: Float64Array[]): { mu: Float64Array; sd: Float64Array } {
  const n = X.length,
    p = X[0].length,
    mu = new Float64Array(p),
    sd = new Float64Array(p);
  for (const x of X) for (let k = 0; k < p; k++) mu[k] += x[k] / n;
  for (const x of X) for (let k = 0; k < p; k++) sd[k] += (x[k] - mu[k]) ** 2 / n;
  for (let k = 0; k < p; k++) sd[k] = Math.sqrt(sd[k]) || 1;
  return { mu, sd };
}

/** Mean and population std of the training energies (errors are reported relative to the std). */
function energyStats(d: Dataset): { eMean: number; eSd: number } {
  const n = d.targets.length;
  const eMean = d.targets.reduce((a, t) => a + t.energy, 0) / n;
  return { eMean, eSd: Math.sqrt(d.targets.reduce((a, t) => a + (t.energy - eMean) ** 2, 0) / n) };
}

/**
 * Ridge regression of E on standardised features (+ intercept, not penalised), fitted on
 * `train`, returning normalised RMSEs (RMSE / training std of E) on both sets. `features`
 * defaults to pairFeatures ({1/r, r, r², 1/r²} per atom pair); rbfPairFeatures is the other.
 */
export function ridgeEnergy(
  train: Dataset,
  test: Dataset,
  lambda = 0.01,
  features: (c: Cloud) => Float64Array = pairFeatures,
): { train: number; test: number } {
  if (!(lambda > 0 && Number.isFinite(lambda)))
    domainError("ridgeEnergy", "lambda", lambda, "a finite number > 0");
  if (train.clouds.length < 2)
    throw new ShapeError("ridgeEnergy train", "≥ 2 clouds", [train.clouds.length]);
  if (test.clouds.length < 1) throw new ShapeError("ridgeEnergy test", "≥ 1 cloud", [0]);
  for (const [name, d] of [
    ["train", train],
    ["test", test],
  ] as const)
    d.targets.forEach((t, k) => {
      if (!Number.isFinite(t.energy))
        domainError("ridgeEnergy", `${name}.targets[${k}].energy`, t.energy, "a finite energy");
    });
  const X = train.clouds.map(features),
    p = X[0].length;
  const Xt = test.clouds.map(features);
  if (Xt.some((x) => x.length !== p))
    throw new ShapeError(
      "ridgeEnergy test clouds",
      `${p} pair features (same atom count as train)`,
      "another atom count",
    );
  // Non-finite features are named as such (not as a solver failure further down).
  for (const [name, M] of [
    ["train", X],
    ["test", Xt],
  ] as const)
    M.forEach((x, k) => {
      for (let j = 0; j < x.length; j++)
        if (!Number.isFinite(x[j]))
          domainError(
            "ridgeEnergy",
            `features(${name}.clouds[${k}])[${j}]`,
            x[j],
            "finite features",
          );
    });
  const { mu, sd } = featureStats(X);
  const { eMean, eSd } = energyStats(train);
  if (!(eSd > 0))
    domainError(
      "ridgeEnergy",
      "train.targets (energy spread)",
      eSd,
      "training energies that are not all equal (errors are relative to their std)",
    );
  const z = (x: Float64Array) => Float64Array.from(x, (v, k) => (v - mu[k]) / sd[k]);
  const Z = X.map(z);
  const A = new Float64Array(p * p),
    y = new Float64Array(p);
  Z.forEach((x, i) => {
    const t = (train.targets[i].energy - eMean) / eSd;
    for (let a = 0; a < p; a++) {
      y[a] += x[a] * t;
      for (let b = 0; b < p; b++) A[a * p + b] += x[a] * x[b];
    }
  });
  for (let a = 0; a < p; a++) A[a * p + a] += lambda;
  const wts = solveSPD(A, y, p);
  const err = (d: Dataset, M: Float64Array[]) =>
    Math.sqrt(
      M.reduce((s, raw, i) => {
        const x = z(raw);
        let pred = 0;
        for (let k = 0; k < p; k++) pred += wts[k] * x[k];
        return s + (pred - (d.targets[i].energy - eMean) / eSd) ** 2;
      }, 0) / d.clouds.length,
    );
  return { train: err(train, X), test: err(test, Xt) };
}

// ---------------------------------------------------------------------------------------------
// The same two-body ridge fitted on energy AND forces (ours; review of issue 15, finding 2).

/**
 * pairFeatures of a cloud and their analytic position gradients: x [p] and g [p·3n] with
 * g[k·3n + 3a + c] = ∂x_k/∂pos[3a + c]. For a pair (i, j) at distance r, ∂r/∂x_j = (x_j − x_i)/r
 * = −∂r/∂x_i, and d/dr of {1/r, r, r², 1/r²} is {−1/r², 1, 2r, −2/r³}.
 */
export function pairFeaturesGrad(c: Cloud): { x: Float64Array; g: Float64Array } {
  const n = c.types.length,
    m = 3 * n,
    x = pairFeatures(c),
    g = new Float64Array(x.length * m);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++, k += 4) {
      const d = [0, 1, 2].map((a) => c.pos[3 * j + a] - c.pos[3 * i + a]);
      const r = Math.hypot(d[0], d[1], d[2]);
      const dr = [-1 / (r * r), 1, 2 * r, -2 / (r * r * r)];
      for (let q = 0; q < 4; q++)
        for (let a = 0; a < 3; a++) {
          g[(k + q) * m + 3 * j + a] += (dr[q] * d[a]) / r;
          g[(k + q) * m + 3 * i + a] -= (dr[q] * d[a]) / r;
        }
    }
  return { x, g };
}

/**
 * A fitted linear energy model E(x) = μ_E + σ_E Σ w_k (x_k − μ_k)/s_k and its forces −∇E (raw
 * units).
 */
export interface PairRidge {
  energy(c: Cloud): number;
  forces(c: Cloud): Float64Array;
  /** Weights on the standardised features (for inspection). */
  weights: Float64Array;
}

/**
 * Ridge regression on pairFeatures fitted on energies AND forces (ours). Energies are
 * standardised with training statistics (E' = (E − μ)/σ, forces F' = F/σ) and features by their
 * training mean and std, as in ridgeEnergy. The model is linear in the weights, and so are its
 * forces F' = −Σ w_k ∇x_k / s_k, so one least-squares problem fits both. Loss: the one the
 * networks are trained on (potentialLoss), times the number of training clouds n_E:
 *   w_E Σ (Ê' − E')² + w_F (n_E / (n_F Var F')) Σ (F̂' − F')² + λ |w|²,
 * n_F = force components, Var F' over the training components. With w_F = 0 it is ridgeEnergy.
 * λ is not selected on data: the same fixed λ = 0.01 as ridgeEnergy (callers pass it).
 */
export function fitPairRidge(
  train: Dataset,
  opts: { lambda?: number; weights?: PotentialWeights } = {},
): PairRidge & { forceVariance: number; eMean: number; eSd: number } {
  const lambda = opts.lambda ?? 0.01,
    w = opts.weights ?? { energy: 1, forces: 1 };
  if (!(lambda > 0 && Number.isFinite(lambda)))
    domainError("fitPairRidge", "opts.lambda", lambda, "a finite number > 0");
  for (const k of ["energy", "forces"] as const)
    if (!(w[k] >= 0 && Number.isFinite(w[k])))
      domainError("fitPairRidge", `opts.weights.${k}`, w[k], "a finite weight ≥ 0");
  if (!(w.energy + w.forces > 0))
    domainError("fitPairRidge", "opts.weights", w.energy + w.forces, "weights whose sum is > 0");
  const n = train.clouds.length;
  if (n < 2) throw new ShapeError("fitPairRidge train", "≥ 2 clouds", [n]);
  const atoms = train.clouds[0].types.length,
    m = 3 * atoms;
  train.clouds.forEach((c, k) => {
    if (c.types.length !== atoms)
      throw new ShapeError(`fitPairRidge train.clouds[${k}]`, `${atoms} atoms (like clouds[0])`, [
        c.types.length,
      ]);
    const t = train.targets[k];
    if (!t || !Number.isFinite(t.energy))
      domainError(
        "fitPairRidge",
        `train.targets[${k}].energy`,
        t ? t.energy : NaN,
        "a finite energy",
      );
    if (t.forces.length !== m)
      throw new ShapeError(`fitPairRidge train.targets[${k}].forces`, `${m} values`, [
        t.forces.length,
      ]);
    if (w.forces > 0)
      for (let a = 0; a < m; a++)
        if (!Number.isFinite(t.forces[a]))
          domainError(
            "fitPairRidge",
            `train.targets[${k}].forces[${a}]`,
            t.forces[a],
            "a finite force",
          );
  });
  const F = train.clouds.map(pairFeaturesGrad),
    p = F[0].x.length;
  const { mu, sd } = featureStats(F.map((f) => f.x));
  const { eMean, eSd } = energyStats(train);
  if (!(eSd > 0))
    domainError(
      "fitPairRidge",
      "train.targets (energy spread)",
      eSd,
      "training energies that are not all equal",
    );
  const fs = train.targets.flatMap((t) => Array.from(t.forces, (v) => v / eSd));
  const fMean = fs.reduce((a, v) => a + v, 0) / fs.length;
  const vF = fs.reduce((a, v) => a + (v - fMean) ** 2, 0) / fs.length;
  // Forces that are all equal can leave vF a rounding residue above 0 (0.5 everywhere gave 7.9e-29:
  // the mean is one ulp off), which would weight the force rows by ~1e28 and make the normal matrix
  // singular. A spread within what the mean's rounding can produce (n·ε·max|f|) counts as none.
  const fMax = fs.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  const noise = fs.length * Number.EPSILON * fMax;
  if (w.forces > 0 && !(vF > noise * noise))
    domainError(
      "fitPairRidge",
      "train.targets (force spread)",
      vF,
      "training forces that are not all equal (a spread above rounding)",
    );
  const alpha = w.forces > 0 ? (w.forces * n) / (fs.length * vF) : 0;
  const A = new Float64Array(p * p),
    y = new Float64Array(p),
    z = new Float64Array(p),
    h = new Float64Array(p);
  F.forEach((f, i) => {
    const t = (train.targets[i].energy - eMean) / eSd;
    for (let k = 0; k < p; k++) z[k] = (f.x[k] - mu[k]) / sd[k];
    for (let a = 0; a < p; a++) {
      y[a] += w.energy * z[a] * t;
      for (let b = 0; b < p; b++) A[a * p + b] += w.energy * z[a] * z[b];
    }
    if (alpha === 0) return;
    for (let c = 0; c < m; c++) {
      const nz: number[] = [];
      for (let k = 0; k < p; k++) {
        h[k] = -f.g[k * m + c] / sd[k];
        if (h[k] !== 0) nz.push(k);
      }
      const tf_ = train.targets[i].forces[c] / eSd;
      for (const a of nz) {
        y[a] += alpha * h[a] * tf_;
        for (const b of nz) A[a * p + b] += alpha * h[a] * h[b];
      }
    }
  });
  for (let a = 0; a < p; a++) A[a * p + a] += lambda;
  const wts = solveSPD(A, y, p);
  const check = (c: Cloud, fn: string) => {
    if (c.types.length !== atoms)
      throw new ShapeError(`PairRidge.${fn} c`, `${atoms} atoms (as in training)`, [
        c.types.length,
      ]);
  };
  return {
    weights: wts,
    forceVariance: vF,
    eMean,
    eSd,
    energy(c: Cloud): number {
      check(c, "energy");
      const x = pairFeatures(c);
      let s = 0;
      for (let k = 0; k < p; k++) s += (wts[k] * (x[k] - mu[k])) / sd[k];
      return eMean + eSd * s;
    },
    forces(c: Cloud): Float64Array {
      check(c, "forces");
      const { g } = pairFeaturesGrad(c),
        out = new Float64Array(m);
      for (let k = 0; k < p; k++) {
        const a = (wts[k] / sd[k]) * eSd;
        if (a !== 0) for (let q = 0; q < m; q++) out[q] -= a * g[k * m + q];
      }
      return out;
    },
  };
}

/**
 * Normalised errors of fitPairRidge on both sets, in the networks' units (evaluatePotential):
 * energy RMSE / training std of E; force RMSE / training std of the force components.
 */
export function ridgeEnergyForces(
  train: Dataset,
  test: Dataset,
  lambda = 0.01,
  weights: PotentialWeights = { energy: 1, forces: 1 },
): { train: number; test: number; forcesTrain: number; forcesTest: number } {
  if (test.clouds.length < 1) throw new ShapeError("ridgeEnergyForces test", "≥ 1 cloud", [0]);
  test.targets.forEach((t, k) => {
    if (!Number.isFinite(t.energy))
      domainError("ridgeEnergyForces", `test.targets[${k}].energy`, t.energy, "a finite energy");
  });
  const r = fitPairRidge(train, { lambda, weights });
  const { eSd } = r;
  const fSd = Math.sqrt(r.forceVariance) * eSd;
  const err = (d: Dataset) => {
    let e = 0,
      f = 0,
      nf = 0;
    d.clouds.forEach((c, i) => {
      e += (r.energy(c) - d.targets[i].energy) ** 2;
      const F = r.forces(c),
        T = d.targets[i].forces;
      for (let q = 0; q < F.length; q++) {
        f += (F[q] - T[q]) ** 2;
        nf++;
      }
    });
    return { e: Math.sqrt(e / d.clouds.length) / eSd, f: Math.sqrt(f / nf) / fSd };
  };
  const a = err(train),
    b = err(test);
  return { train: a.e, test: b.e, forcesTrain: a.f, forcesTest: b.f };
}

// ---------------------------------------------------------------------------------------------
// Continuity of a model's energy along a path (ours; review s5-15, finding 1).

/**
 * Energy along the straight path x(t) = (1 − t)·a + t·b, t ∈ [0, 1], in `steps` equal steps; the
 * largest step |E(t_{k+1}) − E(t_k)| is then bisected `bisect` times (keeping the half with the
 * larger |ΔE|), down to |Δt| = 1/(steps·2^bisect). A continuous energy gives a bisected jump at
 * float32 rounding (≈ 1e-6 of |E|); a jump discontinuity keeps its size. Same species in a and b.
 * Returns the bisected jump, the largest and the median of the `steps` steps, and t of the jump;
 * for a FramesNet also, across the final bracket, the number of nodes whose e₃ flips sign and the
 * largest change of an entry of e₁ or e₂ (both 0 for other models).
 */
export function energyPathJump(
  m: Model,
  a: Cloud,
  b: Cloud,
  bo: { cutoff: number; nRbf?: number; nTypes?: number },
  opts: { steps?: number; bisect?: number } = {},
): {
  jump: number;
  maxStep: number;
  medianStep: number;
  t: number;
  flips: number;
  e12Change: number;
} {
  const steps = opts.steps ?? 100,
    bisect = opts.bisect ?? 30;
  if (!(Number.isInteger(steps) && steps >= 2))
    domainError("energyPathJump", "opts.steps", steps, "an integer ≥ 2");
  if (!(Number.isInteger(bisect) && bisect >= 0 && bisect <= 45))
    domainError("energyPathJump", "opts.bisect", bisect, "an integer in [0, 45]");
  liveModel("energyPathJump", m);
  checkCloud("energyPathJump", "a", a);
  checkCloud("energyPathJump", "b", b);
  if (a.types.length !== b.types.length || a.types.some((t, i) => t !== b.types[i]))
    throw new ShapeError("energyPathJump b.types", "the species of a, atom by atom", [
      b.types.length,
    ]);
  const at = (t: number): Cloud => ({
    pos: Float64Array.from(a.pos, (x, k) => (1 - t) * x + t * b.pos[k]),
    types: a.types,
  });
  const energies = (ts: number[]): number[] => {
    const bb = makeBatch(ts.map(at), bo);
    try {
      return Array.from(tf.tidy(() => (m.energy ? m.energy(bb) : m.apply(bb).energy).dataSync()));
    } finally {
      bb.dispose();
    }
  };
  const ts = Array.from({ length: steps + 1 }, (_, k) => k / steps);
  const E = energies(ts);
  const d = E.slice(1).map((e, k) => Math.abs(e - E[k]));
  let k = 0;
  d.forEach((x, i) => {
    if (x > d[k]) k = i;
  });
  const sorted = [...d].sort((x, y) => x - y);
  let lo = ts[k],
    hi = ts[k + 1],
    eLo = E[k],
    eHi = E[k + 1];
  for (let i = 0; i < bisect; i++) {
    const mid = (lo + hi) / 2,
      [eMid] = energies([mid]);
    if (Math.abs(eMid - eLo) >= Math.abs(eHi - eMid)) {
      hi = mid;
      eHi = eMid;
    } else {
      lo = mid;
      eLo = eMid;
    }
  }
  // For a frames model: what its frames do across the bracket (|Δt| ~ 1e-11): nodes whose e₃
  // changes sign, and the largest change of any entry of e₁ or e₂ (0 and 0 for other models).
  let flips = 0,
    e12Change = 0;
  if (m instanceof FramesNet) {
    const bb = makeBatch([at(lo), at(hi)], bo);
    try {
      const L = tf.tidy(() => m.frames(bb).dataSync()),
        n = a.types.length;
      for (let i = 0; i < n; i++) {
        const p = 9 * i,
          q = 9 * (n + i);
        let dot3 = 0;
        for (let c = 0; c < 3; c++) dot3 += L[p + 6 + c] * L[q + 6 + c];
        if (dot3 < 0) flips++;
        for (let c = 0; c < 6; c++) e12Change = Math.max(e12Change, Math.abs(L[p + c] - L[q + c]));
      }
    } finally {
      bb.dispose();
    }
  }
  return {
    jump: Math.abs(eHi - eLo),
    maxStep: d[k],
    medianStep: sorted[(sorted.length - 1) >> 1],
    t: (lo + hi) / 2,
    flips,
    e12Change,
  };
}

// ---------------------------------------------------------------------------------------------
// One seeded energy + force run on a shipped molecule (for parallelSeeds: frames.potentialSeed).

export interface PotentialRunConfig extends PotentialSchedule, MoleculeSplit {
  nRbf: number;
  batch: number;
  weights: PotentialWeights;
  /** Standardise each radial basis function with training-edge mean and std (TFN only; ours). */
  standardiseRbf?: boolean;
  /**
   * Energy-continuity probe on this many consecutive test-frame pairs (energyPathJump); default 0.
   */
  jumpPairs?: number;
}

/**
 * Draw nTrain frames (seeded) from [trainFrom, trainTo), train on energy (+ forces if
 * weights.forces > 0) with conservative forces, evaluate on every frame of [testFrom, testTo).
 * Also returns the ridge baselines on the same split (energy only: pair features and the models'
 * basis; energy + forces: ridgeEnergyForces), the mean predictor and the species-only baselines.
 */
export function potentialSeed(
  cfg: PotentialRunConfig,
  seed: number,
): Record<string, number | number[]> {
  if (!(cfg.trainTo <= cfg.testFrom || cfg.testTo <= cfg.trainFrom))
    throw new DomainError("potentialSeed: the training and test blocks overlap");
  if (!(
    Number.isInteger(cfg.testFrom) &&
    Number.isInteger(cfg.testTo) &&
    cfg.testTo > cfg.testFrom
  ))
    domainError(
      "potentialSeed",
      "cfg.testTo",
      cfg.testTo,
      `an integer > testFrom = ${cfg.testFrom} (a non-empty test block)`,
    );
  if (!(
    Number.isInteger(cfg.nTrain) &&
    cfg.nTrain >= 2 &&
    cfg.nTrain <= cfg.trainTo - cfg.trainFrom
  ))
    throw new DomainError(
      `potentialSeed: argument nTrain = ${cfg.nTrain} is out of domain; expected 2…${cfg.trainTo - cfg.trainFrom}`,
    );
  const w = cfg.weights;
  if (w === null || typeof w !== "object")
    throw new DomainError(
      `potentialSeed: argument cfg.weights = ${String(w)} is out of domain; expected { energy, forces } loss weights`,
    );
  for (const k of ["energy", "forces"] as const)
    if (!(w[k] >= 0 && Number.isFinite(w[k])))
      domainError("potentialSeed", `cfg.weights.${k}`, w[k], "a finite weight ≥ 0");
  if (!(w.energy + w.forces > 0))
    domainError(
      "potentialSeed",
      "cfg.weights",
      w.energy + w.forces,
      "weights whose sum is > 0 (all-zero weights train nothing)",
    );
  const jumpPairs = cfg.jumpPairs ?? 0;
  if (!(Number.isInteger(jumpPairs) && jumpPairs >= 0 && jumpPairs < cfg.testTo - cfg.testFrom))
    domainError(
      "potentialSeed",
      "cfg.jumpPairs",
      jumpPairs,
      `an integer in [0, ${cfg.testTo - cfg.testFrom - 1}] (consecutive test-frame pairs)`,
    );
  const p0 = Date.now();
  const r = new Rng(1000 + seed);
  const perm = r.permutation(cfg.trainTo - cfg.trainFrom);
  const trainIdx = Array.from(perm.slice(0, cfg.nTrain), (k) => cfg.trainFrom + k);
  const testIdx = Array.from({ length: cfg.testTo - cfg.testFrom }, (_, k) => cfg.testFrom + k);
  const rawTrain = moleculeDataset(cfg.molecule, trainIdx, { cutoff: cfg.cutoff });
  const rawTest = moleculeDataset(cfg.molecule, testIdx, { cutoff: cfg.cutoff });
  const eMean = rawTrain.targets.reduce((a, t) => a + t.energy, 0) / rawTrain.targets.length;
  const eSd = Math.sqrt(
    rawTrain.targets.reduce((a, t) => a + (t.energy - eMean) ** 2, 0) / rawTrain.targets.length,
  );
  const scale = (d: Dataset): Dataset => ({
    clouds: d.clouds,
    targets: d.targets.map((t) => ({
      energy: (t.energy - eMean) / eSd,
      forces: t.forces.map((v) => v / eSd),
      tensor: t.tensor,
    })),
  });
  const trainSet = scale(rawTrain),
    testSet = scale(rawTest);
  const varOf = (xs: number[]) => {
    const m = xs.reduce((a, v) => a + v, 0) / xs.length;
    return xs.reduce((a, v) => a + (v - m) ** 2, 0) / xs.length;
  };
  const s = {
    energy: varOf(trainSet.targets.map((t) => t.energy)),
    forces: varOf(trainSet.targets.flatMap((t) => Array.from(t.forces))),
  };
  const bo = { cutoff: cfg.cutoff, nRbf: cfg.nRbf, nTypes: MOLECULE_ELEMENTS.length };
  const trainB = batches(trainSet, cfg.batch, bo),
    testB = batches(testSet, 50, bo);
  const avg = trainB.reduce((a, b) => a + b.E, 0) / trainB.reduce((a, b) => a + b.N, 0);
  let rbfStats: { mean: number[]; std: number[] } | undefined;
  if (cfg.standardiseRbf) {
    // Per basis function over the training edges inside the cutoff (all of them at r_c = 4 Å).
    const sum = new Array(cfg.nRbf).fill(0),
      sq = new Array(cfg.nRbf).fill(0);
    let n = 0;
    for (const b of trainB) {
      const x = b.rbf.dataSync(),
        env = b.env.dataSync();
      for (let e = 0; e < b.E; e++) {
        if (!(env[e] > 0)) continue;
        n++;
        for (let k = 0; k < cfg.nRbf; k++) {
          sum[k] += x[e * cfg.nRbf + k];
          sq[k] += x[e * cfg.nRbf + k] ** 2;
        }
      }
    }
    const mean = sum.map((s) => s / n);
    rbfStats = { mean, std: sq.map((s, k) => Math.sqrt(Math.max(s / n - mean[k] ** 2, 0)) || 1) };
  }
  const m = makeModel(
    cfg.model,
    seed,
    new Array(MOLECULE_ELEMENTS.length).fill(0),
    avg,
    cfg.nRbf,
    rbfStats,
  );
  try {
    // process.cpuUsage() is PROCESS-wide: inside a parallelSeeds worker it also counts the other
    // worker and the main thread (Node has no per-thread CPU clock here), so it is recorded as
    // processCpuSeconds and the job's own cost as its wall time (trainWallSeconds).
    const t0 = process.cpuUsage(),
      w0 = Date.now();
    const losses = trainPotential(m, trainB, s, cfg.weights, { ...cfg, seed });
    const cpu = process.cpuUsage(t0),
      wall = (Date.now() - w0) / 1000;
    const e0 = Date.now();
    const te = evaluatePotential(m, testB, s),
      tr = evaluatePotential(m, trainB, s);
    // Continuity of the trained energy (ours; review s5-15): straight paths between the first
    // jumpPairs pairs of consecutive test frames, in standardised energy units (σ_E).
    const jumps = Array.from({ length: jumpPairs }, (_, k) =>
      energyPathJump(m, rawTest.clouds[k], rawTest.clouds[k + 1], bo),
    );
    const evalWall = (Date.now() - e0) / 1000,
      b0 = Date.now();
    const conv = judgeConvergence(losses, cfg.judge);
    const ridge = ridgeEnergy(rawTrain, rawTest);
    const ridgeRbf = ridgeEnergy(rawTrain, rawTest, 0.01, (c) =>
      rbfPairFeatures(c, cfg.nRbf, cfg.cutoff, MOLECULE_ELEMENTS.length),
    );
    // The same two-body ridge fitted on energy + forces, with the energy + force networks' loss
    // weights (1, 1) and the same fixed λ = 0.01 (not selected on data).
    const ridgeEF = ridgeEnergyForces(rawTrain, rawTest, 0.01, { energy: 1, forces: 1 });
    const meanSq = (xs: number[]) => xs.reduce((a, x) => a + x * x, 0) / xs.length;
    const baselineWall = (Date.now() - b0) / 1000;
    return {
      energy: te.energy,
      forces: te.forces,
      energyTrain: tr.energy,
      forcesTrain: tr.forces,
      ridgeTest: ridge.test,
      ridgeTrain: ridge.train,
      ridgeRbfTest: ridgeRbf.test,
      ridgeRbfTrain: ridgeRbf.train,
      ridgeEFTest: ridgeEF.test,
      ridgeEFTrain: ridgeEF.train,
      ridgeEFForcesTest: ridgeEF.forcesTest,
      ridgeEFForcesTrain: ridgeEF.forcesTrain,
      steps: losses.length * trainB.length,
      baseEnergy: Math.sqrt(meanSq(testSet.targets.map((t) => t.energy)) / s.energy),
      baseForces: Math.sqrt(
        meanSq(testSet.targets.flatMap((t) => Array.from(t.forces))) / s.forces,
      ),
      // Species-only baselines: per-species training mean of the force (lab frame); for the
      // energy, 1 when every frame has the same species counts (then it IS the mean predictor).
      speciesForces: speciesMeanError(trainSet, testSet, "forces", Math.sqrt(s.forces)),
      speciesEnergyIsMean: speciesCountsConstant({
        clouds: [...rawTrain.clouds, ...rawTest.clouds],
        targets: [...rawTrain.targets, ...rawTest.targets],
      })
        ? 1
        : 0,
      losses,
      converged: conv.converged ? 1 : 0,
      judgedChange: conv.change,
      params: m.countParams(),
      // Per path (jumpPairs entries; empty if 0): the bisected largest step |ΔE| and the median
      // step.
      pathJump: jumps.map((j) => j.jump),
      pathStepMedian: jumps.map((j) => j.medianStep),
      pathJumpFlips: jumps.map((j) => j.flips),
      pathJumpE12Change: jumps.map((j) => j.e12Change),
      processCpuSeconds: (cpu.user + cpu.system) / 1e6,
      trainWallSeconds: wall,
      // Phases of the job (wall seconds, volatile): data + batches + model before training,
      // evaluation (test and training set), the ridge baselines.
      prepWallSeconds: (w0 - p0) / 1000,
      evalWallSeconds: evalWall,
      baselineWallSeconds: baselineWall,
    };
  } finally {
    m.dispose();
    [...trainB, ...testB].forEach((b) => b.dispose());
  }
}

// ---------------------------------------------------------------------------------------------
// Interleaved timing of training steps (forward + backward), for comparisons on a shared machine.

/**
 * Time one energy + force training step (loss, gradients of every parameter, read back) of each
 * model on the same batch, interleaved: in every round each model runs once, in an order that
 * alternates between rounds, so slow phases of the machine hit all models alike. Returns per
 * model the list of per-round times (ms) after `warmup` untimed rounds.
 */
export function timeInterleaved(
  models: Model[],
  b: Batch,
  s: { energy: number; forces: number },
  w: PotentialWeights,
  opts: { rounds?: number; warmup?: number } = {},
): number[][] {
  const rounds = opts.rounds ?? 7,
    warmup = opts.warmup ?? 1;
  if (!(Number.isInteger(rounds) && rounds >= 1))
    domainError("timeInterleaved", "opts.rounds", rounds, "an integer ≥ 1");
  if (!(Number.isInteger(warmup) && warmup >= 0))
    domainError("timeInterleaved", "opts.warmup", warmup, "an integer ≥ 0");
  if (models.length === 0) throw new ShapeError("timeInterleaved models", "≥ 1 model", [0]);
  checkScales("timeInterleaved", s);
  const out = models.map(() => [] as number[]);
  for (let k = 0; k < warmup + rounds; k++) {
    const order = models.map((_, i) => i);
    if (k % 2 === 1) order.reverse();
    for (const i of order) {
      const t0 = performance.now();
      const { value, grads } = tf.variableGrads(
        () => potentialLoss(models[i], b, s, w),
        models[i].variables,
      );
      value.dataSync();
      for (const g of Object.values(grads)) {
        g.dataSync();
        g.dispose();
      }
      value.dispose();
      if (k >= warmup) out[i].push(performance.now() - t0);
    }
  }
  return out;
}
