/**
 * Synthetic point clouds and targets of order 0, 1 and 2 (see REFERENCES.md#frames2025: the paper's
 * QM9 / NMA tables could not be read, so the comparison is made on targets whose equivariance is
 * known).
 *
 * Cloud: N points with a species t ∈ {0, 1}, uniform in a ball at fixed number density with a
 * minimum distance (rejection sampling), so neighbourhoods are generic (no exact planes/lines).
 *
 * Targets, all cut off smoothly at r_c with u(r) = ½(cos πr/r_c + 1):
 *   order 0  E = Σ_{i<j} V_{t_i t_j}(r_ij) u(r_ij),  Morse V(r) = D[(1 − e^{−a(r − r₀)})² − 1]
 *   order 1  F_i = −∂E/∂x_i                            (forces, per node)
 *   order 2  T_i = Σ_{j} m_{t_j} u(r_ij) (r_ij² I − d_ij d_ijᵀ),  d_ij = x_j − x_i
 *            (the inertia tensor of node i's neighbourhood about x_i, per node, symmetric)
 * Under x ↦ Qx + t: E is invariant, F_i ↦ QF_i, T_i ↦ QT_iQᵀ for every Q ∈ O(3).
 */
import { ShapeError, domainError } from "../errors";
import { Rng } from "../tensor/rng";
import { localFrames } from "./frames";
import { inDegree, radiusGraph } from "./graph";

export interface Cloud {
  /** Coordinates, flat [N·3]. */
  pos: Float64Array;
  /** Species per point, [N]. */
  types: Int32Array;
}

export interface Targets {
  energy: number;
  /** [N·3] */
  forces: Float64Array;
  /** [N·9], row-major 3×3 per node. */
  tensor: Float64Array;
}

export interface CloudOptions {
  /** Points per cloud. */
  n: number;
  /** Number density (points per unit volume); default 0.5 → ≈ 8 neighbours within r = 2. */
  density?: number;
  /** Minimum pairwise distance; default 0.7. */
  minDist?: number;
  /**
   * If set, redraw the whole cloud until every node has ≥ 3 neighbours within this radius and a
   * non-degenerate Gram–Schmidt frame (frames.ts localFrames with its default weights). Boundary
   * nodes with 1–2 neighbours have no equivariant frame at all (collinear/planar neighbourhoods),
   * so without this, such nodes get fallback frames and the models keep only the feature
   * components their frame ambiguity cannot change (exactly equivariant, less expressive there).
   */
  genericRadius?: number;
  /** Number of species; default 2. */
  nTypes?: number;
}

/** One random cloud (seeded); with `genericRadius`, redrawn until every frame is well defined. */
export function randomCloud(r: Rng, opts: CloudOptions): Cloud {
  const rg = opts.genericRadius;
  if (rg === undefined) return drawCloud(r, opts);
  if (!(rg > 0)) domainError("randomCloud", "genericRadius", rg, "> 0");
  for (let attempt = 0; attempt < 1000; attempt++) {
    const c = drawCloud(r, opts);
    const g = radiusGraph(c.pos, rg);
    if (Math.min(...inDegree(g)) < 3) continue;
    if (localFrames(c.pos, g).degenerate.none === g.n) return c;
  }
  return domainError(
    "randomCloud",
    "density",
    opts.density ?? 0.5,
    `high enough that clouds with generic neighbourhoods (≥ 3 neighbours within ${rg}) occur`,
  );
}

function drawCloud(r: Rng, opts: CloudOptions): Cloud {
  const n = opts.n;
  if (!(Number.isInteger(n) && n >= 2)) domainError("randomCloud", "n", n, "an integer ≥ 2");
  const density = opts.density ?? 0.5;
  const minDist = opts.minDist ?? 0.7;
  const nTypes = opts.nTypes ?? 2;
  if (!(density > 0)) domainError("randomCloud", "density", density, "> 0");
  const radius = Math.cbrt((3 * n) / (4 * Math.PI * density));
  const pos = new Float64Array(3 * n);
  let placed = 0,
    tries = 0;
  while (placed < n) {
    if (++tries > 10000 * n)
      domainError(
        "randomCloud",
        "minDist",
        minDist,
        `small enough to fit ${n} points at density ${density}`,
      );
    const p = [
      r.uniformIn(-radius, radius),
      r.uniformIn(-radius, radius),
      r.uniformIn(-radius, radius),
    ];
    if (p[0] ** 2 + p[1] ** 2 + p[2] ** 2 > radius * radius) continue;
    let ok = true;
    for (let j = 0; j < placed && ok; j++) {
      const d2 =
        (p[0] - pos[3 * j]) ** 2 + (p[1] - pos[3 * j + 1]) ** 2 + (p[2] - pos[3 * j + 2]) ** 2;
      if (d2 < minDist * minDist) ok = false;
    }
    if (!ok) continue;
    pos.set(p, 3 * placed++);
  }
  const types = Int32Array.from({ length: n }, () => r.int(nTypes));
  return { pos, types };
}

export interface PotentialOptions {
  cutoff: number;
  /** Morse well depth per species pair (symmetric [nTypes·nTypes]); default [1, 0.6, 0.6, 1.5]. */
  depth?: number[];
  /** Morse width a and equilibrium r₀. */
  a?: number;
  r0?: number;
  /** Masses per species for the order-2 target; default [1, 2]. */
  mass?: number[];
}

const DEFAULTS = { depth: [1, 0.6, 0.6, 1.5], a: 1.5, r0: 1.1, mass: [1, 2] };

/** Energy, forces and neighbourhood inertia tensors (float64, analytic derivatives). */
export function targets(c: Cloud, opts: PotentialOptions): Targets {
  const n = c.types.length;
  if (c.pos.length !== 3 * n)
    throw new ShapeError("targets pos", `length ${3 * n}`, [c.pos.length]);
  const rc = opts.cutoff;
  if (!(rc > 0)) domainError("targets", "cutoff", rc, "> 0");
  for (let k = 0; k < c.pos.length; k++)
    if (!Number.isFinite(c.pos[k]))
      domainError("targets", "pos", c.pos[k], `finite coordinates (entry ${k})`);
  const depth = opts.depth ?? DEFAULTS.depth;
  const nT = Math.round(Math.sqrt(depth.length));
  const a = opts.a ?? DEFAULTS.a,
    r0 = opts.r0 ?? DEFAULTS.r0,
    mass = opts.mass ?? DEFAULTS.mass;
  let energy = 0;
  const forces = new Float64Array(3 * n);
  const tensor = new Float64Array(9 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = [
        c.pos[3 * j] - c.pos[3 * i],
        c.pos[3 * j + 1] - c.pos[3 * i + 1],
        c.pos[3 * j + 2] - c.pos[3 * i + 2],
      ];
      const r = Math.hypot(d[0], d[1], d[2]);
      if (r >= rc) continue;
      // The Morse force (dV/dr)·d/r has no direction at r = 0: refuse rather than return NaN.
      if (!(r > 1e-9 * rc))
        domainError("targets", "pos", `points ${i} and ${j} at distance ${r}`, "distinct points");
      const u = 0.5 * (Math.cos((Math.PI * r) / rc) + 1);
      const du = (-0.5 * Math.PI * Math.sin((Math.PI * r) / rc)) / rc;
      // Order 2: inertia of the neighbourhood about x_i, weighted by mass and the envelope.
      const m = mass[c.types[j]] * u;
      for (let p = 0; p < 3; p++)
        for (let q = 0; q < 3; q++)
          tensor[9 * i + 3 * p + q] += m * ((p === q ? r * r : 0) - d[p] * d[q]);
      if (j < i) continue;
      const D = depth[c.types[i] * nT + c.types[j]];
      const ex = Math.exp(-a * (r - r0));
      const V = D * ((1 - ex) ** 2 - 1);
      const dV = D * 2 * (1 - ex) * a * ex;
      energy += V * u;
      // dE/dr for this pair; ∂r/∂x_j = d/r, ∂r/∂x_i = −d/r; F = −∂E/∂x.
      const g = (dV * u + V * du) / r;
      for (let p = 0; p < 3; p++) {
        forces[3 * i + p] += g * d[p];
        forces[3 * j + p] -= g * d[p];
      }
    }
  }
  return { energy, forces, tensor };
}

/** A labelled dataset: clouds and their targets. */
export interface Dataset {
  clouds: Cloud[];
  targets: Targets[];
}

/** `count` clouds from randomCloud(rng(seed), cloud) and their targets under `potential`. */
export function makeDataset(
  count: number,
  seed: number,
  cloud: CloudOptions,
  potential: PotentialOptions,
): Dataset {
  if (!(Number.isInteger(count) && count >= 1))
    domainError("makeDataset", "count", count, "an integer ≥ 1");
  const r = new Rng(seed);
  const clouds = Array.from({ length: count }, () => randomCloud(r, cloud));
  return { clouds, targets: clouds.map((c) => targets(c, potential)) };
}
