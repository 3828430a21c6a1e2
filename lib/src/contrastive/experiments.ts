/**
 * Whole experiments as plain functions of (config, seed) → numbers, so notebooks can run them over
 * several seeds in worker threads (parallelSeeds calls besselbook.contrastive[fn](config, seed)).
 */
import * as tf from "../tf";
import { Rng } from "../tensor/rng";
import { loadFashionMnist } from "../data";
import { argError, checkCount } from "./errors";
import { fromColumns, randomOrthogonal, col, Mat, principalAngles } from "../linalg";
import { free, subspace } from "./constraints";
import { mlpEncoder, embed, trainContrastive } from "./train";
import { edgeMaps } from "./views";
import { fitFixes, applyRotation, projectOnto } from "./fixes";
import { recallAtK, meanPairCosine, centroidDistance, embeddingSpectrum } from "./metrics";

export interface FashionGapConfig {
  nTrain: number;
  nTest: number;
  steps: number;
  /** embedding dimension d */
  d: number;
  /** bottleneck rank r of each modality (r = d: no bottleneck, the control) */
  r: number;
  /** how many of the r directions the two modalities share (the rest are tilted by phiDeg) */
  shared: number;
  phiDeg: number;
  tau: number;
  lr: number;
  batch: number;
  hidden: number;
  /** log the held-out metrics every this many steps (default: only at the start and the end) */
  logEvery?: number;
}

/**
 * The two modality subspaces of the bottleneck experiment (ours): with Q a random orthogonal d×d
 * matrix and r = `rank`, H₁ = span(q₁..q_r) and H₂ = span(q₁..q_s, cos φ q_{s+i} + sin φ q_{r+i},
 * i = 1..r−s), so the principal angles are (0 × s, φ × (r − s)). Needs 2r − s ≤ d.
 */
export function bottleneckBases(
  d: number,
  rank: number,
  shared: number,
  phi: number,
  rng: Rng,
): { B1: Mat; B2: Mat } {
  checkCount("bottleneckBases", "d", d, 2);
  checkCount("bottleneckBases", "rank", rank, 1);
  checkCount("bottleneckBases", "shared", shared, 0);
  if (shared > rank || 2 * rank - shared > d)
    argError(
      "bottleneckBases",
      "shared",
      shared,
      `an integer in [${Math.max(0, 2 * rank - d)}, ${rank}] (2·rank − shared ≤ d = ${d})`,
    );
  if (!(Number.isFinite(phi) && phi >= 0 && phi <= Math.PI / 2))
    argError("bottleneckBases", "phi", phi, "an angle in [0, π/2] radians");
  const Q = randomOrthogonal(d, rng);
  const q = (i: number) => col(Q, i);
  const c1 = Array.from({ length: rank }, (_, i) => q(i));
  const c2 = Array.from({ length: rank }, (_, i) =>
    i < shared
      ? q(i)
      : q(i).map((x, k) => Math.cos(phi) * x + Math.sin(phi) * q(rank + i - shared)[k]),
  );
  return { B1: fromColumns(c1), B2: fromColumns(c2) };
}

/**
 * Fashion-MNIST image ↔ Sobel edge map, two MLP encoders 784 → hidden → r, each followed by its own
 * fixed rank-r bottleneck into ℝ^d (bottleneckBases), trained with symmetric InfoNCE. Returns
 * held-out numbers before and after the fixes (fitted on training embeddings, applied to test
 * ones). A fixed budget of `steps` (no convergence criterion); `trajSteps` / `trajCos` / `trajGap`
 * / `trajLoss` hold the held-out metrics every `logEvery` steps so a notebook can show whether they
 * are still moving. Controls: `r1Untrained` (the encoders before training) and `r1Shuffled` (the
 * trained test embeddings with the pairing permuted: what retrieval scores when it ignores pairs).
 */
export async function fashionGapSeed(
  cfg: FashionGapConfig,
  seed: number,
): Promise<Record<string, number | number[]>> {
  const r = new Rng(seed);
  const tr = loadFashionMnist({ split: "train", n: cfg.nTrain, seed });
  const te = loadFashionMnist({ split: "test", n: cfg.nTest, seed: seed + 1 });
  const views = (s: { images: Float32Array; n: number }) =>
    [
      tf.tensor2d(s.images, [s.n, 784]),
      tf.tensor2d(edgeMaps(s.images, s.n, 28, 28), [s.n, 784]),
    ] as tf.Tensor2D[];
  const [xTr, eTr] = views(tr);
  const [xTe, eTe] = views(te);
  const control = cfg.r === cfg.d;
  const bases = control
    ? null
    : bottleneckBases(cfg.d, cfg.r, cfg.shared, (cfg.phiDeg * Math.PI) / 180, r);
  const cu = bases ? subspace(bases.B1) : free(cfg.d);
  const cv = bases ? subspace(bases.B2) : free(cfg.d);
  const encU = mlpEncoder([784, cfg.hidden, cu.paramDim], cu, r);
  const encV = mlpEncoder([784, cfg.hidden, cv.paramDim], cv, r);
  try {
    const res = await trainContrastive(encU, encV, {
      tau: cfg.tau,
      steps: cfg.steps,
      lr: cfg.lr,
      xu: xTr,
      xv: eTr,
      batchSize: cfg.batch,
      seed,
      evalXu: xTe,
      evalXv: eTe,
      logEvery: cfg.logEvery ?? cfg.steps,
    });
    const Ute = res.U;
    const Vte = res.V;
    const Utr = embed(encU, xTr);
    const Vtr = embed(encV, eTr);
    const h0 = res.history[0];
    const hN = res.history[res.history.length - 1];
    const rank = control ? undefined : cfg.r;
    const fx = fitFixes(Utr, Vtr, rank ? { rank } : { energy: 0.9 });
    const Vrot = applyRotation(Vte, fx.R);
    // shuffled pairing: the same test embeddings, V rows permuted (Fisher–Yates with the seed's
    // rng)
    const perm = Array.from({ length: Vte.rows }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(r.uniform() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const d = Vte.cols;
    const Vshuf = { rows: Vte.rows, cols: d, data: new Float64Array(Vte.rows * d) };
    perm.forEach((src, i) => Vshuf.data.set(Vte.data.subarray(src * d, (src + 1) * d), i * d));
    const out: Record<string, number | number[]> = {
      loss0: h0.loss,
      loss: hN.loss,
      gap0: h0.centroidDistance,
      gap: centroidDistance(Ute, Vte),
      meanCos: meanPairCosine(Ute, Vte),
      meanCosRot: meanPairCosine(Ute, Vrot),
      r1: recallAtK(Ute, Vte, 1),
      r1Rot: recallAtK(Ute, Vrot, 1),
      r1Untrained: h0.recallAt1,
      r1Shuffled: recallAtK(Ute, Vshuf, 1),
      trajSteps: res.history.map((h) => h.step),
      trajCos: res.history.map((h) => h.meanPairCosine),
      trajGap: res.history.map((h) => h.centroidDistance),
      trajLoss: res.history.map((h) => h.loss),
      r1Bis: recallAtK(projectOnto(Ute, fx.bisector), projectOnto(Vte, fx.bisector), 1),
      r1Inter: fx.S ? recallAtK(projectOnto(Ute, fx.S), projectOnto(Vte, fx.S), 1) : NaN,
      interDim: fx.S ? fx.S.cols : 0,
      effRankU: embeddingSpectrum(Ute).effectiveRank,
      effRankV: embeddingSpectrum(Vte).effectiveRank,
      anglesDeg: Array.from(fx.angles, (a) => (a * 180) / Math.PI),
      trueAnglesDeg: bases
        ? Array.from(principalAngles(bases.B1, bases.B2), (a) => (a * 180) / Math.PI)
        : [],
    };
    return out;
  } finally {
    encU.dispose();
    encV.dispose();
    tf.dispose([xTr, eTr, xTe, eTe]);
  }
}
