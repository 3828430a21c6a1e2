/**
 * Headless rendering: vega-lite spec → SVG (vega, no canvas) → PNG (resvg, shipped font).
 *
 * Byte stability. Three things would make the same chart render to different bytes, and each
 * is handled here:
 *  - fonts: resvg loads only lib/assets/fonts (never system fonts), so PNGs do not depend on
 *    the machine;
 *  - text measurement: vega measures text with node-canvas when it is installed and otherwise
 *    estimates widths from character counts (0.8 em per character, far too wide); we never
 *    install canvas and instead measure with the shipped DejaVu Sans's advance widths
 *    (./fontmetrics), so layout is the same everywhere and matches the font the PNG is drawn in;
 *  - element ids: vega numbers gradients and clip paths with process-wide counters
 *    ("gradient_7", "clip3"), so the second render of a spec differs from the first;
 *    `normalizeIds` renumbers them per document.
 *
 * Synchronous SVG. `show()` must send its display bundle before the notebook cell finishes
 * (tslab reports the cell done as soon as synchronous code returns; a promise nobody awaits
 * would post its output into the next cell or after the run). Vega's public toSVG() is async,
 * but for inline data every dataflow step is synchronous: `toSvgSync` runs the view, verifies
 * that every post-run callback (vega's autosize/resize step) has actually executed, and renders
 * the scenegraph with vega's SVG string renderer. If anything is still pending (a spec that
 * loads data by URL, say) it falls back to rendering in a child process, which is slower but
 * exact. The async `toSvg` is the public-API path; tests check that both agree byte for byte.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { Resvg } from "@resvg/resvg-js";
import { FONT_FAMILY, VEGA_LITE_SCHEMA, VlSpec, defaultConfig } from "./spec";
import { figurePath } from "../kernel/paths";
import { atomicWrite } from "../kernel/io";
import { useShippedFontMetrics } from "./fontmetrics";

/* eslint-disable @typescript-eslint/no-var-requires */
// vega and vega-lite are loaded lazily: they cost ~0.3 s and many lib users never plot.
type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");
let vegaMod: VegaModule | undefined;
let vlMod: VegaLiteModule | undefined;
function vega(): VegaModule {
  if (!vegaMod) {
    vegaMod = require("vega") as VegaModule;
    // Lay text out with the shipped font's real widths, not vega's 0.8 em/char estimate
    // (see ./fontmetrics): saved SVG/PNG then match the live chart's width.
    useShippedFontMetrics(vegaMod, FONT_DIR);
  }
  return vegaMod;
}
function vegaLite(): VegaLiteModule {
  return (vlMod ??= require("vega-lite") as VegaLiteModule);
}

/** Directory with the shipped fonts: lib/assets/fonts, from lib/dist/plot or lib/src/plot. */
export const FONT_DIR = path.resolve(__dirname, "..", "..", "assets", "fonts");

/** Add the schema and the shared config (user config keys win) so every path renders the same. */
export function normalizeSpec(spec: VlSpec): VlSpec {
  const config = { ...defaultConfig(), ...((spec.config as VlSpec | undefined) ?? {}) };
  return { $schema: VEGA_LITE_SCHEMA, ...spec, config };
}

/** Compile a vega-lite spec to a vega spec. vega-lite warnings (e.g. dropped encodings) are
 *  collected instead of printed, so notebook output stays clean; they are returned. */
export function compile(spec: VlSpec): { vega: object; warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    level(_?: number) {
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(" "));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
    error(...args: unknown[]) {
      throw new Error(`vega-lite: ${args.map(String).join(" ")}`);
    },
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const out = vegaLite().compile(normalizeSpec(spec) as any, { logger: logger as any });
  return { vega: out.spec, warnings };
}

/** Renumber element ids (and their url(#…)/href="#…" references) in order of appearance. */
export function normalizeIds(svg: string): string {
  const map = new Map<string, string>();
  const idRe = /\sid="([^"]+)"/g;
  let m: RegExpExecArray | null;
  while ((m = idRe.exec(svg)) !== null) {
    const id = m[1]!;
    if (!map.has(id)) {
      const stem = id.replace(/[_-]?\d+$/, "") || "id";
      map.set(id, `${stem}_${map.size}`);
    }
  }
  if (map.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (all, a: string, id: string, b: string) =>
      map.has(id) ? a + map.get(id)! + b : all,
    )
    .replace(/(url\(#)([^)]+)(\))/g, (all, a: string, id: string, b: string) =>
      map.has(id) ? a + map.get(id)! + b : all,
    )
    .replace(/(href="#)([^"]+)(")/g, (all, a: string, id: string, b: string) =>
      map.has(id) ? a + map.get(id)! + b : all,
    );
}

function newView(vgSpec: object) {
  const v = vega();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return new v.View(v.parse(vgSpec as any), { renderer: "none", logLevel: v.Error });
}

/** SVG via vega's public async API. */
export async function toSvg(spec: VlSpec): Promise<string> {
  const view = newView(compile(spec).vega);
  try {
    return normalizeIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** Try the in-process synchronous render; undefined if vega left work pending. */
function trySyncSvg(vgSpec: object): string | undefined {
  const v = vega();
  const view = newView(vgSpec);
  // Internal fields of vega-view 5 (pinned via vega 5.33): _pulse/_pending (dataflow state),
  // _viewWidth/_viewHeight/_origin (layout), _scenegraph. Checked defensively.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const anyView = view as any;
  let registered = 0;
  let executed = 0;
  const runAfter = anyView.runAfter;
  if (typeof runAfter !== "function") return undefined;
  anyView.runAfter = function (
    cb: (view: unknown) => unknown,
    enqueue?: boolean,
    priority?: number,
  ) {
    registered++;
    return runAfter.call(
      this,
      (w: unknown) => {
        executed++;
        return cb(w);
      },
      enqueue,
      priority,
    );
  };
  try {
    view.run();
    const ok =
      !anyView._pulse &&
      !anyView._pending &&
      registered === executed &&
      anyView._scenegraph &&
      Array.isArray(anyView._origin);
    if (!ok) return undefined;
    const pad = view.padding() as { left: number; right: number; top: number; bottom: number };
    const w = Math.max(0, anyView._viewWidth + pad.left + pad.right);
    const h = Math.max(0, anyView._viewHeight + pad.top + pad.bottom);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const R = (v as any).SVGStringRenderer;
    if (typeof R !== "function") return undefined;
    const r = new R(view.loader())
      .initialize(null, w, h, [pad.left + anyView._origin[0], pad.top + anyView._origin[1]], 1)
      .background(view.background());
    // Image marks: the SVG renderer asks the loader for each image and writes its src once
    // loaded. Headless (no node-canvas) that "load" always ends as { src: url }, and with an
    // explicit width/height (plot.image sets both) the natural size is never used, so we can
    // attach that final state up front and render in one synchronous pass.
    presetImages(anyView._scenegraph.root);
    r.render(anyView._scenegraph.root);
    if (r._ready) return undefined; // an image we could not preset: take the exact async path
    return r.svg() as string;
  } finally {
    view.finalize();
  }
}

/** Attach the headless-load result ({ src: url }) to sized image items that have none yet. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function presetImages(node: any): void {
  if (!node || typeof node !== "object") return;
  const kids = Array.isArray(node.items) ? node.items : [];
  if (node.marktype === "image") {
    for (const it of kids) {
      if (
        typeof it.url === "string" &&
        typeof it.width === "number" &&
        typeof it.height === "number" &&
        !it.image
      ) {
        it.image = { complete: false, width: 0, height: 0, src: it.url, url: it.url };
      }
    }
    return;
  }
  for (const k of kids) presetImages(k);
}

/** Child-process fallback: the same async path as toSvg, run to completion synchronously. */
function svgInChild(vgSpec: object): string {
  const script = `
    const vega = require(${JSON.stringify(require.resolve("vega"))});
    require(${JSON.stringify(require.resolve("./fontmetrics"))}).useShippedFontMetrics(vega, ${JSON.stringify(FONT_DIR)});
    let input = ""; process.stdin.setEncoding("utf8");
    process.stdin.on("data", (d) => { input += d; });
    process.stdin.on("end", async () => {
      const view = new vega.View(vega.parse(JSON.parse(input)), { renderer: "none", logLevel: vega.Error });
      process.stdout.write(await view.toSVG());
    });`;
  return execFileSync(process.execPath, ["-e", script], {
    input: JSON.stringify(vgSpec),
    maxBuffer: 256 * 1024 * 1024,
    encoding: "utf8",
  });
}

/** SVG synchronously (see module comment); byte-identical to `await toSvg(spec)`.
 *  `{ via: "child" }` forces the child-process path (tests use it to check both paths agree). */
export function toSvgSync(spec: VlSpec, opts: { via?: "auto" | "child" } = {}): string {
  const vg = compile(spec).vega;
  const svg = (opts.via === "child" ? undefined : trySyncSvg(vg)) ?? svgInChild(vg);
  return normalizeIds(svg);
}

export interface PngOptions {
  /** Pixel density: 2 renders a 360-px-wide chart as 720 px (sharp on high-dpi screens). */
  scale?: number;
}

let fontFiles: string[] | undefined;
function shippedFonts(): string[] {
  if (!fontFiles) {
    const files = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => path.join(FONT_DIR, f));
    for (const f of files) {
      if (!fs.existsSync(f))
        throw new Error(
          `besselbook: shipped font missing at ${f} (expected lib/assets/fonts in the package)`,
        );
    }
    fontFiles = files;
  }
  return fontFiles;
}

/** Rasterise SVG with resvg using only the shipped DejaVu Sans (no system fonts ⇒ stable bytes). */
export function toPng(svg: string, opts: PngOptions = {}): Buffer {
  const scale = opts.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 16)) {
    throw new RangeError(
      `toPng: argument scale = ${scale} is out of domain; expected a number in (0, 16]`,
    );
  }
  // vega writes `image-rendering: optimizeSpeed; image-rendering: pixelated;` for crisp images;
  // resvg knows optimizeSpeed but treats the later `pixelated` as invalid and falls back to
  // smooth scaling, so drop it for rasterising (browsers keep the full SVG).
  svg = svg.replace(/\s*image-rendering:\s*pixelated;/g, "");
  const r = new Resvg(svg, {
    font: {
      loadSystemFonts: false,
      fontFiles: shippedFonts(),
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  });
  return r.render().asPng();
}

export interface FigureFiles {
  svg: string;
  png: string;
}

/**
 * Write `<stem>.svg` and `<stem>.png` atomically. `name` is a figure name ("loss_curve") placed
 * in figures/<notebook>/ under the output root, or a path (with a "/" or absolute) used as the
 * stem directly. Returns the absolute file paths.
 */
export function writeFigure(
  spec: VlSpec,
  name: string,
  opts: PngOptions & { svg?: string } = {},
): FigureFiles {
  const stem = figurePath(name);
  const svg = opts.svg ?? toSvgSync(spec);
  const png = toPng(svg, opts);
  const files = { svg: stem + ".svg", png: stem + ".png" };
  atomicWrite(files.svg, svg);
  atomicWrite(files.png, png);
  return files;
}
