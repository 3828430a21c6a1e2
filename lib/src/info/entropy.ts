/**
 * Shannon entropy, conditional entropy and mutual information of discrete distributions, in nats.
 *
 * Convention for joints: a matrix p[x][y] — the ROW index is X, the COLUMN index is Y.
 * 0·log 0 = 0 (the limit t log t → 0), so zero cells contribute nothing.
 */
import { DomainError } from "../errors";
import { assertIn, MatrixInput, Mat, toDistribution, toJoint, toKernel } from "./validate";

function plogp(p: number): number {
  return p > 0 ? p * Math.log(p) : 0;
}

/** H(p) = −Σ p_i log p_i (nats). `p` must be a distribution. */
export function entropy(p: ArrayLike<number>): number {
  const q = toDistribution("entropy", "p", p);
  let h = 0;
  for (let i = 0; i < q.length; i++) h -= plogp(q[i]);
  return Math.max(0, h); // also turns −0 into 0
}

/** Binary entropy h₂(p) = −p log p − (1−p) log(1−p), p ∈ [0, 1]. */
export function binaryEntropy(p: number): number {
  assertIn("binaryEntropy", "p", p, 0, 1);
  return Math.max(0, -plogp(p) - plogp(1 - p));
}

/** Marginals of a joint p[x][y]: px (row sums), py (column sums). */
export function marginals(pxy: MatrixInput): { px: Float64Array; py: Float64Array } {
  return marginalsOf(toJoint("marginals", "pxy", pxy));
}

function marginalsOf(m: Mat): { px: Float64Array; py: Float64Array } {
  const px = new Float64Array(m.rows),
    py = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j];
      px[i] += v;
      py[j] += v;
    }
  return { px, py };
}

/** H(X, Y) of a joint p[x][y]. */
export function jointEntropy(pxy: MatrixInput): number {
  const m = toJoint("jointEntropy", "pxy", pxy);
  let h = 0;
  for (let k = 0; k < m.data.length; k++) h -= plogp(m.data[k]);
  return Math.max(0, h);
}

/**
 * Conditional entropy. `given: "x"` (default) returns H(Y | X) — Y the column variable given the
 * row variable X; `given: "y"` returns H(X | Y). Computed as −Σ p(x,y) log p(·|·) cell by cell (not
 * as a difference of entropies) so it is ≥ 0 to rounding and exactly 0 for deterministic joints.
 */
export function conditionalEntropy(pxy: MatrixInput, given: "x" | "y" = "x"): number {
  if (given !== "x" && given !== "y")
    throw new DomainError(
      `conditionalEntropy: argument given = ${String(given)}; expected "x" or "y"`,
    );
  const m = toJoint("conditionalEntropy", "pxy", pxy);
  const { px, py } = marginalsOf(m);
  let h = 0;
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j];
      if (v > 0) h -= v * Math.log(v / (given === "x" ? px[i] : py[j]));
    }
  return Math.max(0, h);
}

/** I(X; Y) = Σ p(x,y) log[p(x,y) / (p(x)p(y))] ≥ 0 (nats). */
export function mutualInformation(pxy: MatrixInput): number {
  const m = toJoint("mutualInformation", "pxy", pxy);
  const { px, py } = marginalsOf(m);
  let I = 0;
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j];
      if (v > 0) I += v * Math.log(v / (px[i] * py[j]));
    }
  return Math.max(0, I);
}

/**
 * Joint of (X, Y) for X ~ px sent through a channel K[x][y] = P(Y=y | X=x):
 * p(x,y) = px[x] K[x][y]. Returned as { data, shape } (row-major).
 */
export function jointFromChannel(
  px: ArrayLike<number>,
  channel: MatrixInput,
): { data: Float64Array; shape: [number, number] } {
  const p = toDistribution("jointFromChannel", "px", px);
  const K = toKernel("jointFromChannel", "channel", channel);
  if (K.rows !== p.length)
    throw new DomainError(
      `jointFromChannel: channel has ${K.rows} rows but px has ${p.length} entries; expected equal`,
    );
  const data = new Float64Array(K.rows * K.cols);
  for (let i = 0; i < K.rows; i++)
    for (let j = 0; j < K.cols; j++) data[i * K.cols + j] = p[i] * K.data[i * K.cols + j];
  return { data, shape: [K.rows, K.cols] };
}
