import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { plot, resetSession, notebook, ShapeError } from "besselbook";
import { readFontMetrics, textWidth } from "besselbook/plot/fontmetrics";

const xs = Array.from({ length: 40 }, (_, i) => i / 4);
const trig = () =>
  plot.line({
    x: xs,
    y: { sin: xs.map(Math.sin), cos: xs.map(Math.cos) },
    title: "trig",
    dashed: ["cos"],
  });

/** Width and height from a PNG's IHDR chunk (bytes 16..24, big-endian). */
function pngSize(png: Uint8Array): { w: number; h: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.deepEqual([...png.subarray(0, 8)], sig, "PNG signature");
  assert.equal(Buffer.from(png.subarray(12, 16)).toString("ascii"), "IHDR");
  const b = Buffer.from(png);
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
}

/** Inflate the IDAT chunk of a PNG we wrote (single IDAT) and return the raw scanline bytes. */
function idatPixels(png: Buffer): number[] {
  let off = 8;
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    if (png.toString("ascii", off + 4, off + 8) === "IDAT")
      return [...zlib.inflateSync(png.subarray(off + 8, off + 8 + len))];
    off += 12 + len;
  }
  throw new Error("no IDAT");
}

describe("plot: spec builders", () => {
  it("line: long-form rows, one colour per series, rounding to 6 significant digits", () => {
    const s = plot.line({ x: [0, 1], y: { a: new Float32Array([0.1, 0.2]), b: [1, NaN] } });
    const values = (s.data as { values: Record<string, unknown>[] }).values;
    assert.equal(values.length, 4);
    assert.deepEqual(values[0], { x: 0, y: 0.1, series: "a" }); // float32 0.1 → 0.1, not 0.10000000149
    assert.equal(values[3]!.y, null); // NaN → null (missing), JSON-safe
    assert.equal((s.encoding as Record<string, { field: string }>).color!.field, "series");
    assert.equal(s.$schema, plot.VEGA_LITE_SCHEMA);
    assert.ok(plot.isVegaLiteSpec(s));
  });
  it("xTicks/yTicks fix the axis ticks (an angle axis 0–360 in steps of 90, not vega's nice 0–400)", () => {
    const xs = Array.from({ length: 13 }, (_, i) => i * 30);
    const ticks = (spec: plot.VlSpec) =>
      [...plot.toSvgSync(spec).matchAll(/>(\d+)<\/text>/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      ticks(plot.line({ x: xs, y: xs.map(Math.sin) })).slice(-1),
      [400],
      "default: vega's nice domain ends at 400",
    );
    assert.deepEqual(
      ticks(
        plot.line({
          x: xs,
          y: xs.map(Math.sin),
          xDomain: [0, 360],
          xTicks: [0, 90, 180, 270, 360],
        }),
      ),
      [0, 90, 180, 270, 360],
    );
    assert.throws(
      () => plot.scatter({ x: [1], y: [1], yTicks: [0, NaN] }),
      /yTicks = \[0,null\] is out of domain/,
    );
  });
  it("line rejects mismatched lengths with a ShapeError and missing x with a TypeError", () => {
    assert.throws(() => plot.line({ x: [1, 2, 3], y: [1, 2] }), ShapeError);
    assert.throws(() => plot.line({ y: [1, 2] }), TypeError);
  });
  it("scatter with identity adds the y=x layer spanning the data", () => {
    const s = plot.scatter({ x: [1, 2, 3], y: [0.5, 2, 4], identity: true });
    const layer = s.layer as { data?: { values: { x: number }[] } }[];
    assert.equal(layer.length, 2);
    assert.deepEqual(
      layer[1]!.data!.values.map((v) => v.x),
      [0.5, 4],
    );
  });
  it("heatmap: rows × cols cells, flat data needs a matching shape", () => {
    const s = plot.heatmap({
      z: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    });
    assert.equal((s.data as { values: unknown[] }).values.length, 6);
    assert.deepEqual((s.data as { values: unknown[] }).values[5], { i: 1, j: 2, z: 6 });
    // image mode with a reproducible scheme → one PNG image mark, not rows × cols rects
    const img = plot.heatmap({ z: new Float32Array(12), shape: [3, 4], image: true });
    assert.equal((img.mark as { type: string }).type, "image");
    assert.equal((img.data as { values: unknown[] }).values.length, 1);
    const legend = plot.heatmap({
      z: new Float32Array(12),
      shape: [3, 4],
      image: true,
      colorTitle: "v",
    });
    assert.equal(
      (legend.data as { values: unknown[] }).values.length,
      12,
      "a legend needs rect marks",
    );
    assert.throws(() => plot.heatmap({ z: new Float32Array(12), shape: [5, 4] }), ShapeError);
    assert.throws(() => plot.heatmap({ z: [[1, 2], [3]] }), ShapeError);
  });
  it("image: one PNG data URL whose pixels are the colour-mapped values", () => {
    const s = plot.image({
      z: [
        [0, 1, 2],
        [3, 4, 5],
      ],
      width: 60,
      title: "ramp",
    });
    assert.deepEqual([s.width, s.height], [60, 40]);
    const url = (s.data as { values: { url: string }[] }).values[0]!.url;
    assert.match(url, /^data:image\/png;base64,/);
    const png = Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
    assert.deepEqual(pngSize(png), { w: 3, h: 2 });
    assert.deepEqual(idatPixels(png), [0, 0, 51, 102, 0, 153, 204, 255]); // filter byte 0 + gray rows
    const signed = plot.image({ z: [[-2, 0, 1]], cmap: "bluered" });
    const px = idatPixels(
      Buffer.from(
        (signed.data as { values: { url: string }[] }).values[0]!.url.split(",")[1]!,
        "base64",
      ),
    );
    assert.deepEqual(
      px.slice(1 + 3, 1 + 6),
      [247, 247, 247],
      "zero is white with the symmetric default domain",
    );
    assert.throws(() => plot.image({ z: [[1]], width: -1 }), RangeError);
  });
  it("heatmap image with vega's redblue scheme becomes one PNG mark, negative red and positive blue like vega", () => {
    const s = plot.heatmap({
      z: [-1, 0, 1],
      shape: [1, 3],
      image: true,
      scheme: "redblue",
      domain: [-1, 1],
    });
    assert.equal((s.mark as { type: string }).type, "image");
    const px = idatPixels(
      Buffer.from(
        (s.data as { values: { url: string }[] }).values[0]!.url.split(",")[1]!,
        "base64",
      ),
    );
    assert.deepEqual(px.slice(1, 4), [178, 24, 43], "−1 → red (vega redblue's low end)");
    assert.deepEqual(px.slice(7, 10), [33, 102, 172], "+1 → blue (its high end)");
  });
  it("PNG encoder: CRC-32 check value and chunk CRCs are right", () => {
    assert.equal(plot.crc32(Buffer.from("123456789")), 0xcbf43926); // the standard CRC-32 check value
    const png = plot.encodePng(2, 1, Uint8Array.from([10, 20]), 1);
    let off = 8;
    while (off < png.length) {
      const len = png.readUInt32BE(off);
      const body = png.subarray(off + 4, off + 8 + len);
      assert.equal(png.readUInt32BE(off + 8 + len), plot.crc32(body));
      off += 12 + len;
    }
    assert.equal(off, png.length);
    assert.throws(() => plot.encodePng(2, 2, new Uint8Array(3), 1), RangeError);
  });
  it("histogram, bar and compositions build valid top-level specs", () => {
    const h = plot.histogram({ values: { a: [1, 2, 3], b: [2, 3, 4] }, bins: 10 });
    assert.equal((h.data as { values: unknown[] }).values.length, 6);
    const b = plot.bar({ labels: ["x", "y"], values: { u: [1, 2], v: [3, 4] } });
    assert.ok("xOffset" in (b.encoding as object));
    assert.throws(() => plot.bar({ labels: ["x"], values: [1, 2] }), ShapeError);
    const g = plot.grid([trig(), h, b], { columns: 2 });
    assert.equal((g.concat as unknown[]).length, 3);
    assert.ok(!("$schema" in (g.concat as object[])[0]!), "nested specs lose $schema/config");
    assert.throws(() => plot.grid([h], { columns: 0 }), RangeError);
    const l = plot.layer([plot.scatter({ x: [1], y: [1] }), plot.line({ x: [0, 1], y: [0, 1] })]);
    assert.equal((l.layer as unknown[]).length, 2);
  });
  it("every builder compiles with vega-lite without errors", () => {
    for (const s of [
      trig(),
      plot.heatmap({ z: [[1]] }),
      plot.histogram({ values: [1, 2] }),
      plot.bar({ labels: ["a"], values: [1] }),
      plot.scatter({ x: [1], y: [2], color: ["k"] }),
    ]) {
      const { vega } = plot.compile(s);
      assert.ok(vega && typeof vega === "object");
    }
  });
});

describe("plot: interactivity (tooltips, zoom, slider)", function () {
  this.timeout(60000);
  const th = Array.from({ length: 61 }, (_, i) => -Math.PI + (2 * Math.PI * i) / 60);
  const vm = (k: number) =>
    plot.line({ x: th, y: { density: th.map((t) => Math.exp(k * Math.cos(t))) }, xTitle: "θ" });

  it("tooltips are on for every builder's marks (config.mark.tooltip), off for image marks (data URL)", () => {
    assert.deepEqual((trig().config as { mark: unknown }).mark, { tooltip: true });
    const img = plot.image({
      z: [
        [0, 1],
        [1, 0],
      ],
    });
    assert.equal((img.mark as { tooltip: boolean }).tooltip, false);
  });

  it("zoom: true binds an interval selection to the scales (line and scatter); off by default", () => {
    assert.equal(trig().params, undefined);
    const z = plot.line({ x: [0, 1], y: [1, 2], zoom: true });
    assert.deepEqual(z.params, [{ name: "zoom", select: "interval", bind: "scales" }]);
    const sc = plot.scatter({ x: [0, 1], y: [1, 2], identity: true, zoom: true });
    assert.deepEqual((sc.layer as { params?: unknown }[])[0]!.params, [
      { name: "zoom", select: "interval", bind: "scales" },
    ]);
    assert.deepEqual(plot.compile(z).warnings, []);
    assert.deepEqual(plot.compile(sc).warnings, []);
  });

  it("slider: one dataset with the frame value per row, a bound range slider for evenly spaced values, fixed axes", () => {
    const ks = [1, 2, 3, 4];
    const s = plot.slider(ks.map(vm), { values: ks, label: "κ", initial: 2 });
    const rows = (s.data as { values: Record<string, number>[] }).values;
    assert.equal(rows.length, 4 * th.length);
    assert.deepEqual([...new Set(rows.map((r) => r[plot.SLIDER_FIELD]))], ks);
    assert.deepEqual(s.params, [
      { name: "slider", value: 2, bind: { input: "range", min: 1, max: 4, step: 1, name: "κ " } },
    ]);
    assert.deepEqual(s.transform, [{ filter: `abs(datum.${plot.SLIDER_FIELD} - slider) < 0.5` }]);
    const ys = rows.map((r) => r.y!);
    assert.deepEqual(
      (s.encoding as Record<string, { scale: { domain: number[] } }>).y!.scale.domain,
      [Math.min(...ys), Math.max(...ys)],
    );
    assert.deepEqual(plot.compile(s).warnings, []);
  });

  it("slider: log-spaced or label values get a drop-down; exact-match filter", () => {
    const ks = [0.5, 2, 8];
    const s = plot.slider(ks.map(vm), { values: ks, label: "κ" });
    assert.deepEqual((s.params as { bind: unknown }[])[0]!.bind, {
      input: "select",
      options: ks,
      name: "κ ",
    });
    assert.deepEqual(s.transform, [{ filter: `datum.${plot.SLIDER_FIELD} === slider` }]);
    const r = plot.slider([vm(1), vm(2)], { values: ["a", "b"], label: "case", input: "radio" });
    assert.equal((r.params as { bind: { input: string } }[])[0]!.bind.input, "radio");
  });

  it("slider: the static render at `initial` is exactly that frame (frame k alone, same axes)", () => {
    const ks = [1, 2, 3];
    const frames = ks.map(vm);
    const s = plot.slider(frames, { values: ks, label: "κ", initial: 3, fixedAxes: false });
    assert.equal(plot.toSvgSync(s), plot.toSvgSync(frames[2]!));
    assert.notEqual(
      plot.toSvgSync(s),
      plot.toSvgSync(frames[0]!),
      "a different frame renders differently",
    );
    // compositions: every data-bearing node is merged and filtered
    const pair = ks.map((k) => plot.hconcat([vm(k), plot.scatter({ x: [k], y: [k] })]));
    const hs = plot.slider(pair, { values: ks, label: "κ", initial: 2, fixedAxes: false });
    assert.equal(plot.toSvgSync(hs), plot.toSvgSync(pair[1]!));
  });

  it("slider: bad input is a typed error naming the argument", () => {
    const f = [vm(1), vm(2)];
    assert.throws(() => plot.slider(f, { values: [1], label: "κ" }), ShapeError);
    assert.throws(() => plot.slider(f, { values: [1, 1], label: "κ" }), /repeated/);
    assert.throws(
      () => plot.slider(f, { values: [1, NaN], label: "κ" }),
      /values\[1\] = NaN is out of domain/,
    );
    assert.throws(
      () => plot.slider(f, { values: [1, 2], label: "κ", initial: 5 }),
      /initial = 5 is not one of values/,
    );
    assert.throws(
      () => plot.slider(f, { values: [1, 2], label: "κ", name: "bad name" }),
      /argument name/,
    );
    assert.throws(
      () => plot.slider([vm(1), plot.hconcat([vm(2)])], { values: [1, 2], label: "κ" }),
      ShapeError,
    );
    assert.throws(() => plot.slider([], { values: [], label: "κ" }), TypeError);
  });
});

describe("plot: text metrics from the shipped font", () => {
  it("reads DejaVu Sans advance widths: proportional (W wider than i), bold wider, unknown glyph falls back; not a font → error", () => {
    const dir = plot.FONT_DIR;
    const r = readFontMetrics(path.join(dir, "DejaVuSans.ttf"));
    const b = readFontMetrics(path.join(dir, "DejaVuSans-Bold.ttf"));
    assert.equal(r.unitsPerEm, 2048);
    assert.ok(r.advance("W".codePointAt(0)!) > 2 * r.advance("i".codePointAt(0)!));
    assert.ok(textWidth(b, "Legend", 14) > textWidth(r, "Legend", 14));
    // vega's headless estimate is 0.8 em per character; real text is far narrower
    const w = textWidth(r, "accuracy (%)", 11);
    assert.ok(
      w < 0.75 * 0.8 * 11 * 12 && w > 0.6 * 0.8 * 11 * 12,
      `width ${w} (measured 72.2 px, 68% of the estimate)`,
    );
    assert.ok(Number.isFinite(r.advance(0x10ffff)));
    const tmp = path.join(os.tmpdir(), `notafont-${process.pid}.ttf`);
    fs.writeFileSync(tmp, Buffer.alloc(64));
    try {
      assert.throws(() => readFontMetrics(tmp), /has no "head" table/);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  });
});

describe("plot: rendering", function () {
  this.timeout(60000);

  it("SVG: same spec twice → identical bytes; sync path equals vega's async toSVG", async () => {
    const a = plot.toSvgSync(trig());
    const b = plot.toSvgSync(trig());
    assert.equal(a, b);
    assert.equal(await plot.toSvg(trig()), a);
    assert.match(a, /^<svg [^>]*width="\d+"/);
    assert.match(a, /font-family="DejaVu Sans/);
  });
  it("the child-process fallback renders the same bytes as the in-process path", () => {
    const h = plot.heatmap({
      z: [
        [0, 1],
        [2, 3],
      ],
      colorTitle: "z",
    });
    assert.equal(plot.toSvgSync(h, { via: "child" }), plot.toSvgSync(h));
  });
  it("vega-lite warnings are collected, not printed", () => {
    const r = plot.compile({
      data: { values: [{ a: 1 }] },
      mark: "point",
      encoding: {
        x: { field: "a", type: "quantitative" },
        shape: { field: "a", type: "quantitative" },
      },
    });
    assert.ok(r.warnings.length >= 1, "quantitative shape is dropped with a warning");
  });
  it("gradient/clip ids are renumbered per document, so repeated renders stay identical", async () => {
    const h = plot.heatmap({
      z: [
        [0, 1],
        [2, 3],
      ],
      colorTitle: "z",
    });
    const a = plot.toSvgSync(h),
      b = plot.toSvgSync(h);
    assert.equal(a, b);
    assert.match(a, /id="gradient_0"/);
    assert.equal(await plot.toSvg(h), a);
    assert.equal(
      plot.normalizeIds('<g id="clip7"><path clip-path="url(#clip7)"/></g>'),
      '<g id="clip_0"><path clip-path="url(#clip_0)"/></g>',
    );
  });
  it("image charts render synchronously to the same SVG as vega's async path, with crisp pixels in PNG", async () => {
    const g = plot.grid(
      [
        plot.image({
          z: [
            [0, 1],
            [1, 0],
          ],
          title: "a",
        }),
        plot.image({
          z: [
            [1, 0],
            [0, 1],
          ],
          cmap: "viridis",
        }),
      ],
      { columns: 2 },
    );
    const svg = plot.toSvgSync(g);
    assert.equal(await plot.toSvg(g), svg);
    assert.equal(
      (svg.match(/xlink:href="data:image\/png;base64,/g) ?? []).length,
      2,
      "hrefs present in the sync render",
    );
    assert.doesNotMatch(svg, /aria-label="url/);
    assert.ok(Buffer.compare(plot.toPng(svg), plot.toPng(svg)) === 0);
  });
  it("a different spec gives a different SVG and PNG", () => {
    const s1 = plot.toSvgSync(trig());
    const s2 = plot.toSvgSync(plot.line({ x: xs, y: { sin: xs.map(Math.sin) } }));
    assert.notEqual(s1, s2);
    assert.notDeepEqual(plot.toPng(s1), plot.toPng(s2));
  });
  it("PNG: byte-identical across renders, decodes, size = SVG size × scale", () => {
    const svg = plot.toSvgSync(trig());
    const p1 = plot.toPng(svg),
      p2 = plot.toPng(svg);
    assert.ok(Buffer.compare(p1, p2) === 0, "PNG bytes are stable");
    const w = Number(/width="(\d+)"/.exec(svg)![1]),
      h = Number(/height="(\d+)"/.exec(svg)![1]);
    assert.deepEqual(pngSize(p1), { w: 2 * w, h: 2 * h });
    assert.deepEqual(pngSize(plot.toPng(svg, { scale: 1 })), { w, h });
    assert.throws(() => plot.toPng(svg, { scale: 0 }), RangeError);
  });
  it("text is drawn with the shipped font (PNG with text differs from PNG without it)", () => {
    // If resvg found no font, text would render as nothing and these would be equal.
    const withText =
      '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><text x="2" y="15" font-family="DejaVu Sans" font-size="12">Jν(x)</text></svg>';
    const noText = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"></svg>';
    assert.notDeepEqual(plot.toPng(withText, { scale: 1 }), plot.toPng(noText, { scale: 1 }));
    assert.ok(fs.existsSync(path.join(plot.FONT_DIR, "DejaVuSans.ttf")));
    assert.ok(fs.existsSync(path.join(plot.FONT_DIR, "LICENSE")));
  });
  it("writeFigure writes figures/<notebook>/<name>.svg and .png under BESSELBOOK_OUT, atomically", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bb-plot-"));
    const saved = process.env.BESSELBOOK_OUT;
    process.env.BESSELBOOK_OUT = out;
    try {
      resetSession();
      assert.throws(() => plot.writeFigure(trig(), "trig"), /notebook\(/); // no notebook id yet
      notebook("00_plot_test");
      const files = plot.writeFigure(trig(), "trig");
      assert.equal(files.svg, path.join(out, "figures", "00_plot_test", "trig.svg"));
      const svg1 = fs.readFileSync(files.svg, "utf8"),
        png1 = fs.readFileSync(files.png);
      plot.writeFigure(trig(), "trig");
      assert.equal(fs.readFileSync(files.svg, "utf8"), svg1);
      assert.ok(fs.readFileSync(files.png).equals(png1));
      assert.deepEqual(
        fs.readdirSync(path.dirname(files.svg)).sort(),
        ["trig.png", "trig.svg"],
        "no temp files left",
      );
      assert.throws(() => plot.writeFigure(trig(), "bad name"), RangeError);
    } finally {
      if (saved === undefined) delete process.env.BESSELBOOK_OUT;
      else process.env.BESSELBOOK_OUT = saved;
      resetSession();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
