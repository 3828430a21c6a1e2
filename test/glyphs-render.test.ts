/**
 * renderGlyph's fast stroke path (signed-distance run skipping, lib/src/data/glyphs.ts) against
 * the straightforward renderer it replaced, kept here as the oracle: every sample of every pixel
 * evaluated with the indicator. The outputs must be bit-for-bit equal (Buffer.compare of the
 * Float32 bytes) for every shape, angle, supersample, scale, centre, stroke width and blur.
 */
import { strict as assert } from "node:assert";
import { data, rng } from "besselbook";

// ---------------- the oracle: the renderer as it was before session 6 (own geometry copy)
// ----------------
type Pt = readonly [number, number];
function segDist2(u: number, v: number, a: Pt, b: Pt): number {
  const dx = b[0] - a[0],
    dy = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((u - a[0]) * dx + (v - a[1]) * dy) / (dx * dx + dy * dy)));
  const ex = u - a[0] - t * dx,
    ey = v - a[1] - t * dy;
  return ex * ex + ey * ey;
}
function arcDist(u: number, v: number, c: Pt, R: number, a0: number, a1: number): number {
  const du = u - c[0],
    dv = v - c[1];
  let phi = Math.atan2(dv, du);
  while (phi < a0) phi += 2 * Math.PI;
  while (phi >= a0 + 2 * Math.PI) phi -= 2 * Math.PI;
  if (phi <= a1) return Math.abs(Math.hypot(du, dv) - R);
  const e0 = Math.hypot(u - c[0] - R * Math.cos(a0), v - c[1] - R * Math.sin(a0));
  const e1 = Math.hypot(u - c[0] - R * Math.cos(a1), v - c[1] - R * Math.sin(a1));
  return Math.min(e0, e1);
}
function inPolygon(u: number, v: number, poly: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [ui, vi] = poly[i],
      [uj, vj] = poly[j];
    if (vi > v !== vj > v && u < ((uj - ui) * (v - vi)) / (vj - vi) + ui) inside = !inside;
  }
  return inside;
}
interface G {
  segments?: readonly (readonly [Pt, Pt])[];
  arcs?: readonly (readonly [Pt, number, number, number])[];
  polygon?: readonly Pt[];
}
const deg = Math.PI / 180;
const STAR: Pt[] = (() => {
  const pts: Pt[] = [];
  for (let i = 0; i < 10; i++) {
    const a = Math.PI / 2 + (i * Math.PI) / 5;
    const r = i % 2 === 1 ? 0.26 : i === 0 ? 0.82 : 0.55;
    pts.push([r * Math.cos(a), r * Math.sin(a)]);
  }
  return pts;
})();
const GLYPHS: Record<string, G> = {
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
  triangle: {
    polygon: [
      [-0.5, -0.45],
      [0.62, -0.45],
      [-0.5, 0.5],
    ],
  },
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
  "ring-with-notch": { arcs: [[[0, 0], 0.5, 25 * deg, 335 * deg]] },
  star: { polygon: STAR },
};
function boundRadius(g: G): number {
  let r = 0;
  for (const [a, b] of g.segments ?? [])
    r = Math.max(r, Math.hypot(a[0], a[1]), Math.hypot(b[0], b[1]));
  for (const [c, R] of g.arcs ?? []) r = Math.max(r, Math.hypot(c[0], c[1]) + R);
  for (const p of g.polygon ?? []) r = Math.max(r, Math.hypot(p[0], p[1]));
  return r;
}
type F = (u: number, v: number, half: number) => number;
function indicator(g: G): F {
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
const SHAPES: Record<string, { f: F; radius: number }> = {
  ...Object.fromEntries(
    Object.entries(GLYPHS).map(([k, g]) => [k, { f: indicator(g), radius: boundRadius(g) }]),
  ),
  blob: { f: (u, v) => gauss(u, v, 0, 0, 0.3, 0.3), radius: Infinity },
  ellipse: { f: (u, v) => gauss(u, v, 0, 0, 0.3, 0.13), radius: Infinity },
  "blob-pair": {
    f: (u, v) =>
      1 -
      (1 - gauss(u, v, -0.25, -0.05, 0.22, 0.22)) * (1 - 0.7 * gauss(u, v, 0.35, 0.2, 0.14, 0.14)),
    radius: Infinity,
  },
};
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
function oracle(shape: string, o: data.RenderGlyphOptions): Float32Array {
  const { size } = o;
  const angle = o.angle ?? 0,
    scale = o.scale ?? 1,
    S = o.supersample ?? 4;
  const half = (o.strokeWidth ?? 0.18) / 2,
    blur = o.blur ?? 0;
  const [cx, cy] = o.center ?? [size / 2, size / 2];
  const { f, radius } = SHAPES[shape];
  const [c, s] = exactCosSin(angle);
  const twoS = 2 * S;
  const D = twoS * ((scale * size) / 2);
  const ox = twoS * cx,
    oy = twoS * cy;
  const out = new Float32Array(size * size);
  const inv = 1 / (S * S);
  const skipBeyond = radius + half + (Math.SQRT2 / 2) * (twoS / D) + 1e-9;
  for (let r = 0; r < size; r++) {
    const yc = -(twoS * r + S - oy) / D;
    for (let col = 0; col < size; col++) {
      const xc = (twoS * col + S - ox) / D;
      if (Math.hypot(xc, yc) > skipBeyond) continue;
      let acc = 0;
      for (let a = 0; a < S; a++) {
        const y = -(twoS * r + 2 * a + 1 - oy) / D;
        for (let b = 0; b < S; b++) {
          const x = (twoS * col + 2 * b + 1 - ox) / D;
          acc += f(c * x + s * y, -s * x + c * y, half);
        }
      }
      out[r * size + col] = acc * inv;
    }
  }
  return blur > 0 ? data.gaussianBlur(out, size, blur) : out;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function same(shape: string, o: data.RenderGlyphOptions): void {
  const want = oracle(shape, o),
    got = data.renderGlyph(shape as data.GlyphShape, o);
  if (Buffer.compare(bytes(got), bytes(want)) !== 0) {
    let k = 0;
    while (got[k] === want[k]) k++;
    assert.fail(`${shape} ${JSON.stringify(o)}: pixel ${k} is ${got[k]}, oracle ${want[k]}`);
  }
}

describe("data/glyphs: fast renderer = per-sample oracle (bitwise)", function () {
  this.timeout(300000);
  const all = [...data.GLYPH_SHAPES, ...data.SMOOTH_GLYPHS] as string[];

  it("every shape at the quarter turns and notebook 05's test angles, S = 1, 4, 16", () => {
    for (const shape of all) {
      for (const S of [1, 4, 16]) {
        for (const d of [0, 15, 30, 45, 60, 75, 90, 180, 270, 1, 3, 7])
          same(shape, { size: 28, angle: d * deg, supersample: S });
      }
    }
  });

  it("random shapes, angles, scales, centres, stroke widths, sizes, supersamples and blur", () => {
    const r = rng(20261130);
    for (let i = 0; i < 400; i++) {
      const shape = all[Math.floor(r.uniform() * all.length)];
      const size = [8, 16, 28, 33][Math.floor(r.uniform() * 4)];
      const S =
        i % 3 === 0 ? [1, 4, 16][Math.floor(r.uniform() * 3)] : 1 + Math.floor(r.uniform() * 16);
      // glyphs partly outside the image, tiny and large scales, thin and thick strokes
      same(shape, {
        size,
        supersample: S,
        angle: r.uniformIn(-7, 7),
        scale: r.uniformIn(0.2, 1.6),
        center: [r.uniformIn(-2, size + 2), r.uniformIn(-2, size + 2)],
        strokeWidth: r.uniformIn(0.01, 1),
        blur: i % 4 === 0 ? r.uniformIn(0.2, 2) : 0,
      });
    }
  });

  it("samples on stroke edges: integer and half-integer centres, strokes as wide as a sample step", () => {
    // At angle 0 with centre and scale on the sample lattice, sample coordinates are multiples of
    // 1/(2S·scale·size/2): a stroke of width 2·k/(S·size) has its edges on sample points.
    for (const shape of data.GLYPH_SHAPES as readonly string[]) {
      for (const S of [1, 2, 4, 16]) {
        for (const k of [1, 2, 3]) {
          for (const c of [14, 14.5, 13.25]) {
            for (const d of [0, 90, 180, 45])
              same(shape, {
                size: 28,
                supersample: S,
                angle: d * deg,
                center: [c, c],
                strokeWidth: (2 * k) / (S * 28),
              });
          }
        }
      }
    }
  });

  it("whole glyph sets as notebook 05 renders them (σ = 0.8 px blur, 16×16)", () => {
    for (const [n, seed, a, jitter] of [
      [40, 2021, 0, 1.5],
      [40, 2022, 15 * deg, 1.5],
      [20, 2028, 45 * deg, 0],
      [20, 2030, 1 * deg, 0],
    ] as const) {
      const g = data.glyphDataset({
        n,
        seed,
        jitter,
        blur: 0.8,
        supersample: 16,
        angles: a === 0 ? "upright" : a,
      });
      const P = 28 * 28;
      for (let i = 0; i < n; i++) {
        const want = oracle(g.classNames[g.labels[i]], {
          size: 28,
          angle: g.angles[i],
          scale: g.scales[i],
          center: [g.centers[2 * i], g.centers[2 * i + 1]],
          supersample: 16,
          blur: 0.8,
        });
        assert.equal(
          Buffer.compare(bytes(g.images.subarray(i * P, (i + 1) * P)), bytes(want)),
          0,
          `set ${seed}, glyph ${i}`,
        );
      }
    }
  });
});
