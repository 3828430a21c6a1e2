/**
 * Analytic glyphs: shapes defined as functions of continuous coordinates, rendered at an exact
 * angle. Used to test rotation equivariance without interpolation error.
 *
 * Coordinates. Pixel (row r, col c) covers [c, c+1] × [r, r+1] in image coordinates (x right,
 * y down). Glyph coordinates (u, v) have v pointing up, origin at `center`, and one unit equals
 * scale · size / 2 pixels; every shape lies inside the disc u² + v² ≤ 0.85², so at scale 1 it
 * stays inside the image at any angle.
 *
 * Rotation. A glyph rotated counter-clockwise (as seen on screen) by θ has value
 * f(R(−θ)·p) at point p: each sample point is inverse-rotated into glyph coordinates and the
 * shape evaluated there, so no image resampling happens. Each pixel averages S×S sample points on
 * a regular sub-grid (box-filter anti-aliasing).
 *
 * Exactness of quarter turns. With the default centre (size/2, size/2), sample positions are k/(2S)
 * for integers k, and for θ a multiple of π/2 cos θ and sin θ are taken exactly (0, ±1). The
 * inverse-rotated sample points of the rotated image are then bit-for-bit the sample points of the
 * upright image, so renderGlyph(s, {angle: π/2}) equals rot90Image(renderGlyph(s, {angle: 0})) up
 * to the order of the per-pixel sum (exact for the 0/1 shapes).
 */
import { ShapeError, domainError } from "../errors";
import { rng } from "../tensor/rng";
import { ImageSet } from "./types";

/** Shapes with no rotational symmetry: orientation is recoverable from the image. */
export const GLYPH_SHAPES = Object.freeze([
  "L",
  "T",
  "F",
  "P",
  "hook",
  "arrow",
  "triangle",
  "cross",
  "ring-with-notch",
  "star",
] as const);

/**
 * Smooth shapes (C^∞ intensity) for arbitrary-angle checks where interpolation must be accurate:
 * an isotropic Gaussian "blob" (rotation invariant: a control), an anisotropic "ellipse" (180°
 * symmetric) and an asymmetric "blob-pair".
 * Their intensity is < 0.005 at distance 1 (the image border at scale 1), so rotating them does
 * not push visible mass out of the frame.
 */
export const SMOOTH_GLYPHS = Object.freeze(["blob", "ellipse", "blob-pair"] as const);

export type GlyphShape = (typeof GLYPH_SHAPES)[number] | (typeof SMOOTH_GLYPHS)[number];

export interface RenderGlyphOptions {
  /** Image side in pixels (square image). Integer in [2, 1024]. */
  size: number;
  /** Counter-clockwise rotation in radians. Default 0. */
  angle?: number;
  /** Glyph size relative to the image: one glyph unit = scale·size/2 px. Default 1. */
  scale?: number;
  /** Glyph origin in image coordinates [x, y] (pixels, y down). Default [size/2, size/2]. */
  center?: readonly [number, number];
  /** Samples per pixel side (S×S per pixel). Integer in [1, 16]. Default 4. */
  supersample?: number;
  /** Stroke width of line glyphs in glyph units. In (0, 1]. Default 0.18 (≈2.5 px at size 28). */
  strokeWidth?: number;
  /** Standard deviation (px) of a Gaussian blur applied after rendering; 0 = none. Default 0. */
  blur?: number;
}

// ---------------- geometry primitives (glyph units, v up) ----------------

type Pt = readonly [number, number];

/**
 * Squared distance from (u, v) to the segment (ax, ay)–(bx, by); segDist2 and the renderer's bound
 * share it.
 */
function segDist2Flat(
  u: number,
  v: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const dx = bx - ax,
    dy = by - ay;
  const t = Math.max(0, Math.min(1, ((u - ax) * dx + (v - ay) * dy) / (dx * dx + dy * dy)));
  const ex = u - ax - t * dx,
    ey = v - ay - t * dy;
  return ex * ex + ey * ey;
}

/** Squared distance from (u, v) to the segment a–b. */
function segDist2(u: number, v: number, a: Pt, b: Pt): number {
  return segDist2Flat(u, v, a[0], a[1], b[0], b[1]);
}

/**
 * Distance from (u, v) to the circular arc of centre c, radius R, from angle a0 to a1 (a0 < a1,
 * CCW).
 */
function arcDist(u: number, v: number, c: Pt, R: number, a0: number, a1: number): number {
  const du = u - c[0],
    dv = v - c[1];
  let phi = Math.atan2(dv, du);
  // Bring phi into [a0, a0 + 2π) so the in-arc test is a single comparison.
  while (phi < a0) phi += 2 * Math.PI;
  while (phi >= a0 + 2 * Math.PI) phi -= 2 * Math.PI;
  if (phi <= a1) return Math.abs(Math.hypot(du, dv) - R);
  const e0 = Math.hypot(u - c[0] - R * Math.cos(a0), v - c[1] - R * Math.sin(a0));
  const e1 = Math.hypot(u - c[0] - R * Math.cos(a1), v - c[1] - R * Math.sin(a1));
  return Math.min(e0, e1);
}

/** Even–odd point-in-polygon test. */
function inPolygon(u: number, v: number, poly: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [ui, vi] = poly[i],
      [uj, vj] = poly[j];
    if (vi > v !== vj > v && u < ((uj - ui) * (v - vi)) / (vj - vi) + ui) inside = !inside;
  }
  return inside;
}

/**
 * An indicator glyph as geometry: strokes (segments and arcs, width = strokeWidth, round caps)
 * and filled polygons. Keeping shapes as data lets renderGlyph compute a bounding radius and skip
 * pixels that cannot be touched.
 */
interface StrokeGlyph {
  segments?: readonly (readonly [Pt, Pt])[];
  /** [centre, radius, start angle, end angle] with start < end, counter-clockwise. */
  arcs?: readonly (readonly [Pt, number, number, number])[];
  polygon?: readonly Pt[];
}

const deg = Math.PI / 180;

// A five-pointed star with one long ray (pointing up) so it has no rotational symmetry.
const STAR: Pt[] = (() => {
  const pts: Pt[] = [];
  for (let i = 0; i < 10; i++) {
    const a = Math.PI / 2 + (i * Math.PI) / 5;
    const r = i % 2 === 1 ? 0.26 : i === 0 ? 0.82 : 0.55;
    pts.push([r * Math.cos(a), r * Math.sin(a)]);
  }
  return pts;
})();

const STROKE_GLYPHS: Record<(typeof GLYPH_SHAPES)[number], StrokeGlyph> = {
  L: {
    segments: [
      [
        [-0.35, 0.65],
        [-0.35, -0.6],
      ],
      [
        [-0.35, -0.6],
        [0.4, -0.6],
      ],
    ],
  },
  T: {
    segments: [
      [
        [-0.5, 0.6],
        [0.5, 0.6],
      ],
      [
        [0, 0.6],
        [0, -0.65],
      ],
    ],
  },
  F: {
    segments: [
      [
        [-0.3, 0.65],
        [-0.3, -0.65],
      ],
      [
        [-0.3, 0.65],
        [0.45, 0.65],
      ],
      [
        [-0.3, 0.05],
        [0.25, 0.05],
      ],
    ],
  },
  P: {
    segments: [
      [
        [-0.3, 0.65],
        [-0.3, -0.65],
      ],
      [
        [-0.3, 0.65],
        [0.1, 0.65],
      ],
      [
        [-0.3, 0.05],
        [0.1, 0.05],
      ],
    ],
    arcs: [[[0.1, 0.35], 0.3, -90 * deg, 90 * deg]],
  },
  // A "J" with a top bar.
  hook: {
    segments: [
      [
        [0.25, 0.65],
        [0.25, -0.25],
      ],
      [
        [0.0, 0.65],
        [0.45, 0.65],
      ],
    ],
    arcs: [[[-0.05, -0.25], 0.3, 180 * deg, 360 * deg]],
  },
  // Arrow pointing +u with a tick on its tail: mirror-free, so even reflections are visible.
  arrow: {
    segments: [
      [
        [-0.65, 0],
        [0.6, 0],
      ],
      [
        [0.6, 0],
        [0.25, 0.32],
      ],
      [
        [0.6, 0],
        [0.25, -0.32],
      ],
      [
        [-0.65, 0],
        [-0.65, 0.25],
      ],
    ],
  },
  // Right triangle with unequal legs: no rotational or mirror symmetry.
  triangle: {
    polygon: [
      [-0.5, -0.45],
      [0.62, -0.45],
      [-0.5, 0.5],
    ],
  },
  // Latin cross: the short arms sit above the middle.
  cross: {
    segments: [
      [
        [0, 0.7],
        [0, -0.7],
      ],
      [
        [-0.4, 0.3],
        [0.4, 0.3],
      ],
    ],
  },
  // Ring cut where the direction is within ±25° of +u: mirror symmetric (v → −v) but with no
  // rotational symmetry, so the angle is recoverable from the image.
  "ring-with-notch": { arcs: [[[0, 0], 0.5, 25 * deg, 335 * deg]] },
  star: { polygon: STAR },
};

/** Largest distance from the glyph origin of any inked point, for stroke half-width 0. */
function boundRadius(g: StrokeGlyph): number {
  let r = 0;
  for (const [a, b] of g.segments ?? [])
    r = Math.max(r, Math.hypot(a[0], a[1]), Math.hypot(b[0], b[1]));
  for (const [c, R] of g.arcs ?? []) r = Math.max(r, Math.hypot(c[0], c[1]) + R);
  for (const p of g.polygon ?? []) r = Math.max(r, Math.hypot(p[0], p[1]));
  return r;
}

function strokeIndicator(g: StrokeGlyph): (u: number, v: number, half: number) => number {
  const segments = g.segments ?? [],
    arcs = g.arcs ?? [],
    polygon = g.polygon;
  return (u, v, half) => {
    if (polygon && inPolygon(u, v, polygon)) return 1;
    const h2 = half * half;
    for (const [a, b] of segments) if (segDist2(u, v, a, b) <= h2) return 1;
    for (const [c, R, a0, a1] of arcs) if (arcDist(u, v, c, R, a0, a1) <= half) return 1;
    return 0;
  };
}

const gauss = (u: number, v: number, cu: number, cv: number, su: number, sv: number): number =>
  Math.exp(-0.5 * (((u - cu) / su) ** 2 + ((v - cv) / sv) ** 2));

type ShapeFn = (u: number, v: number, half: number) => number;

/**
 * Each shape: intensity in [0, 1] at glyph point (u, v) (`half` = strokeWidth / 2) and a radius
 * beyond which it is exactly 0 (plus `half` for strokes; Infinity for the smooth ones).
 */
const SHAPES: Record<GlyphShape, { f: ShapeFn; radius: number }> = {
  ...(Object.fromEntries(
    Object.entries(STROKE_GLYPHS).map(([name, g]) => [
      name,
      { f: strokeIndicator(g), radius: boundRadius(g) },
    ]),
  ) as Record<(typeof GLYPH_SHAPES)[number], { f: ShapeFn; radius: number }>),
  blob: { f: (u, v) => gauss(u, v, 0, 0, 0.3, 0.3), radius: Infinity },
  ellipse: { f: (u, v) => gauss(u, v, 0, 0, 0.3, 0.13), radius: Infinity },
  // Probabilistic union 1 − (1−g₁)(1−g₂): smooth and ≤ 1, unlike a sum or a max.
  "blob-pair": {
    f: (u, v) =>
      1 -
      (1 - gauss(u, v, -0.25, -0.05, 0.22, 0.22)) * (1 - 0.7 * gauss(u, v, 0.35, 0.2, 0.14, 0.14)),
    radius: Infinity,
  },
};

/** A stroke glyph's primitives as flat arrays (no per-sample destructuring). */
interface StrokeGeometry {
  /** Segments: [ax, ay, bx, by] per segment. */
  seg: Float64Array;
  arcs: readonly (readonly [Pt, number, number, number])[];
  /** Polygon vertices [x0, y0, x1, y1, …], or empty. */
  poly: Float64Array;
  polygon?: readonly Pt[];
}

const STROKE_GEOMETRY: Record<(typeof GLYPH_SHAPES)[number], StrokeGeometry> = Object.fromEntries(
  Object.entries(STROKE_GLYPHS).map(([name, g]) => [
    name,
    {
      seg: Float64Array.from((g.segments ?? []).flatMap(([a, b]) => [a[0], a[1], b[0], b[1]])),
      arcs: g.arcs ?? [],
      poly: Float64Array.from((g.polygon ?? []).flatMap((p) => [p[0], p[1]])),
      polygon: g.polygon,
    },
  ]),
) as Record<(typeof GLYPH_SHAPES)[number], StrokeGeometry>;

/**
 * Signed distance (glyph units) from (u, v) to the ink of a stroke glyph: negative inside. Used
 * only as a bound (renderStroke); 1-Lipschitz up to rounding. Inside the union it is minus the
 * largest depth into one primitive, which is at most the distance to the union's boundary.
 */
function signedDistance(g: StrokeGeometry, u: number, v: number, half: number): number {
  let d = Infinity;
  const seg = g.seg,
    poly = g.poly;
  for (let i = 0; i < seg.length; i += 4) {
    const e = Math.sqrt(segDist2Flat(u, v, seg[i], seg[i + 1], seg[i + 2], seg[i + 3])) - half;
    if (e < d) d = e;
  }
  for (const [cc, R, a0, a1] of g.arcs) {
    const e = arcDist(u, v, cc, R, a0, a1) - half;
    if (e < d) d = e;
  }
  if (poly.length > 0) {
    let e2 = Infinity;
    const m = poly.length;
    for (let i = 0, j = m - 2; i < m; j = i, i += 2) {
      const q = segDist2Flat(u, v, poly[j], poly[j + 1], poly[i], poly[i + 1]);
      if (q < e2) e2 = q;
    }
    const e = Math.sqrt(e2);
    const sp = inPolygon(u, v, g.polygon!) ? -e : e;
    if (sp < d) d = sp;
  }
  return d;
}

/** cos and sin of θ, exact (0, ±1) when θ is a multiple of π/2 to within 1e-12 relative. */
function exactCosSin(theta: number): [number, number] {
  const q = theta / (Math.PI / 2);
  const k = Math.round(q);
  if (Math.abs(q - k) <= 1e-12 * Math.max(1, Math.abs(q))) {
    switch (((k % 4) + 4) % 4) {
      case 0:
        return [1, 0];
      case 1:
        return [0, 1];
      case 2:
        return [-1, 0];
      default:
        return [0, -1];
    }
  }
  return [Math.cos(theta), Math.sin(theta)];
}

function checkShape(fn: string, shape: unknown): asserts shape is GlyphShape {
  if (typeof shape !== "string" || !(shape in SHAPES)) {
    domainError(
      fn,
      "shape",
      JSON.stringify(shape),
      `one of ${Object.keys(SHAPES)
        .map((s) => JSON.stringify(s))
        .join(", ")}`,
    );
  }
}

function checkSize(fn: string, size: unknown): asserts size is number {
  if (typeof size !== "number" || !Number.isInteger(size) || size < 2 || size > 1024)
    domainError(fn, "size", size, "an integer in [2, 1024]");
}

/**
 * Render one glyph to a square image, Float32Array of length size·size (row-major, row 0 on
 * top), values in [0, 1]. See the module comment for coordinates and exactness guarantees.
 */
export function renderGlyph(shape: GlyphShape, options: RenderGlyphOptions): Float32Array {
  const fn = "renderGlyph";
  checkShape(fn, shape);
  const { size } = options;
  checkSize(fn, size);
  const angle = options.angle ?? 0;
  const scale = options.scale ?? 1;
  const S = options.supersample ?? 4;
  const strokeWidth = options.strokeWidth ?? 0.18;
  const blur = options.blur ?? 0;
  const [cx, cy] = options.center ?? [size / 2, size / 2];
  if (!Number.isFinite(angle)) domainError(fn, "angle", angle, "a finite number of radians");
  if (!(scale > 0 && Number.isFinite(scale)))
    domainError(fn, "scale", scale, "a finite number > 0");
  if (!Number.isInteger(S) || S < 1 || S > 16)
    domainError(fn, "supersample", S, "an integer in [1, 16]");
  if (!(strokeWidth > 0 && strokeWidth <= 1))
    domainError(fn, "strokeWidth", strokeWidth, "a number in (0, 1] (glyph units)");
  if (!(blur >= 0 && Number.isFinite(blur)))
    domainError(fn, "blur", blur, "a finite number ≥ 0 (pixels)");
  if (!Number.isFinite(cx) || !Number.isFinite(cy))
    domainError(fn, "center", `[${cx}, ${cy}]`, "two finite pixel coordinates");

  const { f, radius } = SHAPES[shape];
  const half = strokeWidth / 2;
  const [c, s] = exactCosSin(angle);
  // Sample j of pixel column col sits at x = col + (2j+1)/(2S). Work in units of 1/(2S) pixel so
  // the offsets from the centre are integers (exact) when 2S·cx is; divide once by D.
  const twoS = 2 * S;
  const D = twoS * ((scale * size) / 2);
  const ox = twoS * cx,
    oy = twoS * cy;
  const geom = STROKE_GEOMETRY[shape as keyof typeof STROKE_GEOMETRY];
  const out =
    geom !== undefined
      ? renderStroke(geom, f, size, S, D, ox, oy, c, s, half, radius)
      : renderSmooth(f, size, S, D, ox, oy, c, s, half, radius);
  return blur > 0 ? gaussianBlur(out, size, blur) : out;
}

/**
 * Smooth shapes: every sample is evaluated and summed in the pixel's own (a, b) order (the sums
 * are not integers, so the order is part of the result).
 */
function renderSmooth(
  f: ShapeFn,
  size: number,
  S: number,
  D: number,
  ox: number,
  oy: number,
  c: number,
  s: number,
  half: number,
  radius: number,
): Float32Array {
  const twoS = 2 * S;
  const out = new Float32Array(size * size);
  const inv = 1 / (S * S);
  // A pixel whose centre is farther from the glyph origin than the ink radius plus half the pixel
  // diagonal cannot contain ink at any angle (Infinity for the smooth shapes: nothing skipped).
  const skipBeyond = radius + half + (Math.SQRT2 / 2) * (twoS / D) + 1e-9;
  for (let r = 0; r < size; r++) {
    const yc = -(twoS * r + S - oy) / D;
    for (let col = 0; col < size; col++) {
      const xc = (twoS * col + S - ox) / D;
      if (Math.hypot(xc, yc) > skipBeyond) continue;
      let acc = 0;
      for (let a = 0; a < S; a++) {
        // v up: negate the image-y offset.
        const y = -(twoS * r + 2 * a + 1 - oy) / D;
        for (let b = 0; b < S; b++) {
          const x = (twoS * col + 2 * b + 1 - ox) / D;
          // Inverse rotation R(−θ): u = c·x + s·y, v = −s·x + c·y.
          acc += f(c * x + s * y, -s * x + c * y, half);
        }
      }
      out[r * size + col] = acc * inv;
    }
  }
  return out;
}

/**
 * Guard band (glyph units) of renderStroke: a sample whose bound |sd| is at most this is decided
 * by the indicator itself. Rounding in the sample position, the distances and the sign test is
 * ~1e-15 glyph units; 1e-9 keeps any such error from flipping a sample decided by the bound.
 */
const SD_MARGIN = 1e-9;

/**
 * Indicator glyphs, sample row by sample row: the signed distance of a sample to the ink (min over
 * the strokes of distance − half width, and ± the distance to the polygon's boundary) is
 * 1-Lipschitz, so when it is sd at one sample, the next ⌊(|sd| − margin)/step⌋ samples of the row
 * (step = sample spacing in glyph units) lie on the same side of every boundary and get the same
 * 0/1 value without being evaluated. Each sample's value is the indicator's at the same point
 * (computed by the same expressions as the per-sample loop), so the per-pixel counts, and the
 * output count/S², are bit-for-bit those of evaluating every sample.
 */
function renderStroke(
  g: StrokeGeometry,
  f: ShapeFn,
  size: number,
  S: number,
  D: number,
  ox: number,
  oy: number,
  c: number,
  s: number,
  half: number,
  radius: number,
): Float32Array {
  const N = size * S;
  const counts = new Int32Array(size * size);
  const step = 2 / D; // distance between neighbouring samples, glyph units (rotation keeps it)
  // rows farther from the glyph origin than the ink radius cannot meet ink at any angle
  const rowReach = radius + half + SD_MARGIN;
  for (let gy = 0; gy < N; gy++) {
    // the same expression as the per-pixel loop: twoS·r + 2a + 1 = 2·gy + 1 exactly
    const y = -(2 * gy + 1 - oy) / D;
    if (Math.abs(y) > rowReach) continue;
    const rowBase = ((gy / S) | 0) * size;
    let gx = 0;
    while (gx < N) {
      const x = (2 * gx + 1 - ox) / D;
      const u = c * x + s * y,
        v = -s * x + c * y;
      const sd = signedDistance(g, u, v, half);
      const mag = Math.abs(sd);
      let end = gx + 1;
      let inside: boolean;
      if (mag <= SD_MARGIN) {
        inside = f(u, v, half) > 0;
      } else {
        inside = sd < 0;
        end = Math.min(N, gx + 1 + Math.floor((mag - SD_MARGIN) / step));
      }
      if (inside) {
        while (gx < end) {
          const col = (gx / S) | 0;
          const stop = Math.min(end, (col + 1) * S);
          counts[rowBase + col] += stop - gx;
          gx = stop;
        }
      }
      gx = end;
    }
  }
  const out = new Float32Array(size * size);
  const inv = 1 / (S * S);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] * inv;
  return out;
}

/**
 * Separable Gaussian blur of a square image with zero padding. The kernel is normalised over its
 * full support (not re-normalised at the border), so blurring commutes with quarter turns.
 */
export function gaussianBlur(image: Float32Array, size: number, sigma: number): Float32Array {
  checkSize("gaussianBlur", size);
  if (image.length !== size * size)
    throw new ShapeError("gaussianBlur image", `[${size * size}] (size²)`, [image.length]);
  if (!(sigma > 0 && Number.isFinite(sigma)))
    domainError("gaussianBlur", "sigma", sigma, "a finite number > 0 (pixels)");
  const rad = Math.max(1, Math.ceil(3 * sigma));
  const w = new Float64Array(2 * rad + 1);
  let tot = 0;
  for (let i = -rad; i <= rad; i++) tot += w[i + rad] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < w.length; i++) w[i] /= tot;
  const tmp = new Float64Array(size * size);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      let acc = 0;
      for (let k = -rad; k <= rad; k++) {
        const cc = c + k;
        if (cc >= 0 && cc < size) acc += w[k + rad] * image[r * size + cc];
      }
      tmp[r * size + c] = acc;
    }
  const out = new Float32Array(size * size);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      let acc = 0;
      for (let k = -rad; k <= rad; k++) {
        const rr = r + k;
        if (rr >= 0 && rr < size) acc += w[k + rad] * tmp[rr * size + c];
      }
      out[r * size + c] = acc;
    }
  return out;
}

/**
 * Rotate one square image, a flat Float32Array of size² pixels, counter-clockwise by k quarter
 * turns (as displayed, row 0 on top): out[r][c] = in[c][size−1−r] for k = 1 (numpy's rot90
 * convention). `bcnn.rot90` is the same turn on a batch tensor [batch, h, w, c].
 */
export function rot90Image(image: Float32Array, size: number, k = 1): Float32Array {
  checkSize("rot90Image", size);
  if (image.length !== size * size)
    throw new ShapeError("rot90Image image", `[${size * size}] (size²)`, [image.length]);
  if (!Number.isInteger(k)) domainError("rot90Image", "k", k, "an integer number of quarter turns");
  let cur = Float32Array.from(image);
  const turns = ((k % 4) + 4) % 4;
  for (let t = 0; t < turns; t++) {
    const next = new Float32Array(size * size);
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) next[r * size + c] = cur[c * size + (size - 1 - r)];
    cur = next;
  }
  return cur;
}

export interface GlyphDatasetOptions {
  /** Number of images. Integer in [1, 10⁶]. */
  n: number;
  /** Image side in pixels. Default 28. */
  size?: number;
  /** Seed for labels, angles, jitter and scale. */
  seed: number;
  /** "upright" (0, default), "random" (uniform in [0, 2π)), or one fixed angle in radians. */
  angles?: "upright" | "random" | number;
  /**
   * With angles "random": draw the angles from their own stream, rng(angleSeed), so that labels,
   * scales and centres are exactly those of the same `seed`'s upright set (the same glyphs, each
   * turned about its own centre). Without it the angles share the main stream (other glyphs).
   * An integer in [0, 2^32) (rng folds seeds to 32 bits; larger values would alias smaller ones).
   */
  angleSeed?: number;
  /** Classes to draw. Default GLYPH_SHAPES (all non-symmetric glyphs). */
  shapes?: readonly GlyphShape[];
  /** Centre jitter: uniform in ±jitter pixels on each axis. Default 1.5. */
  jitter?: number;
  /** Scale drawn uniformly from [lo, hi]. Default [0.8, 1]. */
  scaleRange?: readonly [number, number];
  /** Passed to renderGlyph. Default 4. */
  supersample?: number;
  /** Passed to renderGlyph. Default 0.18. */
  strokeWidth?: number;
  /** Passed to renderGlyph (px). Default 0. */
  blur?: number;
}

export interface GlyphDataset extends ImageSet {
  /** Rotation of each image, radians CCW. */
  angles: Float64Array;
  /** Scale of each image. */
  scales: Float64Array;
  /** Glyph centre of each image, [n, 2] as (x, y) pixels. */
  centers: Float64Array;
}

/**
 * A labelled set of rendered glyphs for training or testing a small classifier. Labels are
 * balanced (a seeded shuffle of 0,1,…,K−1,0,1,…); `classNames` are the shape names.
 */
export function glyphDataset(options: GlyphDatasetOptions): GlyphDataset {
  const fn = "glyphDataset";
  const { n, seed } = options;
  const size = options.size ?? 28;
  const shapes = options.shapes ?? GLYPH_SHAPES;
  const mode = options.angles ?? "upright";
  const jitter = options.jitter ?? 1.5;
  const [lo, hi] = options.scaleRange ?? [0.8, 1];
  if (!Number.isInteger(n) || n < 1 || n > 1e6) domainError(fn, "n", n, "an integer in [1, 10^6]");
  // rng folds a seed to 32 bits, so 2^32 would draw the glyphs of seed 0 (review s6-14b finding 5)
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32))
    domainError(fn, "seed", seed, "an integer in [0, 2^32)");
  checkSize(fn, size);
  if (!Array.isArray(shapes) || shapes.length === 0)
    domainError(fn, "shapes", shapes, "a non-empty array of glyph names");
  shapes.forEach((s) => checkShape(fn, s));
  if (new Set(shapes).size !== shapes.length)
    domainError(fn, "shapes", JSON.stringify(shapes), "no repeated shapes");
  if (!(
    mode === "upright" ||
    mode === "random" ||
    (typeof mode === "number" && Number.isFinite(mode))
  )) {
    domainError(fn, "angles", mode, '"upright", "random" or a finite angle in radians');
  }
  const angleSeed = options.angleSeed;
  if (angleSeed !== undefined) {
    // rng folds a seed to 32 bits, so 2^32 would alias 0: refuse anything outside [0, 2^32)
    if (!(Number.isInteger(angleSeed) && angleSeed >= 0 && angleSeed < 2 ** 32))
      domainError(fn, "angleSeed", angleSeed, "an integer in [0, 2^32)");
    if (mode !== "random")
      domainError(fn, "angleSeed", angleSeed, 'undefined unless angles is "random"');
  }
  if (!(jitter >= 0 && Number.isFinite(jitter)))
    domainError(fn, "jitter", jitter, "a finite number ≥ 0 (pixels)");
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi)))
    domainError(fn, "scaleRange", `[${lo}, ${hi}]`, "0 < lo ≤ hi < ∞");

  const r = rng(seed);
  const ra = angleSeed === undefined ? r : rng(angleSeed);
  const K = shapes.length;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % K;
  r.shuffle(labels);
  const px = size * size;
  const images = new Float32Array(n * px);
  const angles = new Float64Array(n),
    scales = new Float64Array(n),
    centers = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const angle = mode === "upright" ? 0 : mode === "random" ? ra.uniformIn(0, 2 * Math.PI) : mode;
    const scale = r.uniformIn(lo, hi);
    const cx = size / 2 + r.uniformIn(-jitter, jitter);
    const cy = size / 2 + r.uniformIn(-jitter, jitter);
    angles[i] = angle;
    scales[i] = scale;
    centers[2 * i] = cx;
    centers[2 * i + 1] = cy;
    const img = renderGlyph(shapes[labels[i]], {
      size,
      angle,
      scale,
      center: [cx, cy],
      supersample: options.supersample,
      strokeWidth: options.strokeWidth,
      blur: options.blur,
    });
    images.set(img, i * px);
  }
  return {
    images,
    labels,
    n,
    height: size,
    width: size,
    classNames: [...shapes],
    angles,
    scales,
    centers,
  };
}
