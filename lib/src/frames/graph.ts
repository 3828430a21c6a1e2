/**
 * Point-cloud graphs. Edges are directed j → i ("src" j sends to "dst" i) and stored as two
 * Int32Arrays; the message for node i is aggregated over its incoming edges. Both graphs depend
 * on distances only, so they are invariant under rotations, reflections and translations — the
 * frames and layers inherit equivariance from that.
 *
 * Brute-force O(N²) neighbour search: the clouds in the notebooks have ≤ a few thousand points.
 */
import { ShapeError, domainError } from "../errors";

export interface Graph {
  /** Number of nodes. */
  n: number;
  /** Sender of each edge (j). */
  src: Int32Array;
  /** Receiver of each edge (i). */
  dst: Int32Array;
}

function nodes(pos: ArrayLike<number>, fn: string): number {
  if (pos.length % 3 !== 0)
    throw new ShapeError(`${fn} pos`, "a flat [N·3] array of coordinates", [pos.length]);
  return pos.length / 3;
}

function dist2(pos: ArrayLike<number>, i: number, j: number): number {
  const dx = pos[3 * j] - pos[3 * i],
    dy = pos[3 * j + 1] - pos[3 * i + 1],
    dz = pos[3 * j + 2] - pos[3 * i + 2];
  return dx * dx + dy * dy + dz * dz;
}

/**
 * All pairs i ≠ j with ‖x_j − x_i‖ < r, both directions, sorted by receiver then sender.
 * `maxNeighbors` keeps each receiver's nearest ones only (ties broken by index).
 */
export function radiusGraph(
  pos: ArrayLike<number>,
  r: number,
  opts: { maxNeighbors?: number } = {},
): Graph {
  const n = nodes(pos, "radiusGraph");
  if (!(r > 0 && Number.isFinite(r))) domainError("radiusGraph", "r", r, "a finite radius > 0");
  const maxNb = opts.maxNeighbors ?? Infinity;
  if (!(maxNb >= 1)) domainError("radiusGraph", "maxNeighbors", maxNb, "an integer ≥ 1");
  const r2 = r * r;
  const src: number[] = [],
    dst: number[] = [];
  for (let i = 0; i < n; i++) {
    let nb: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = dist2(pos, i, j);
      if (d < r2) nb.push([d, j]);
    }
    if (nb.length > maxNb) nb = nb.sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, maxNb);
    nb.sort((a, b) => a[1] - b[1]);
    for (const [, j] of nb) {
      src.push(j);
      dst.push(i);
    }
  }
  return { n, src: Int32Array.from(src), dst: Int32Array.from(dst) };
}

/** Each node receives from its k nearest other nodes (ties broken by index). */
export function knnGraph(pos: ArrayLike<number>, k: number): Graph {
  const n = nodes(pos, "knnGraph");
  if (!(Number.isInteger(k) && k >= 1 && k < n))
    domainError("knnGraph", "k", k, `an integer in [1, N − 1] = [1, ${n - 1}]`);
  const src: number[] = [],
    dst: number[] = [];
  for (let i = 0; i < n; i++) {
    const nb: [number, number][] = [];
    for (let j = 0; j < n; j++) if (j !== i) nb.push([dist2(pos, i, j), j]);
    nb.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const keep = nb.slice(0, k).sort((a, b) => a[1] - b[1]);
    for (const [, j] of keep) {
      src.push(j);
      dst.push(i);
    }
  }
  return { n, src: Int32Array.from(src), dst: Int32Array.from(dst) };
}

/** In-degree of every node. */
export function inDegree(g: Graph): Int32Array {
  const d = new Int32Array(g.n);
  for (const i of g.dst) d[i]++;
  return d;
}
