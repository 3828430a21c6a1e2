/**
 * Small vega-lite v5 spec builders shared by the notebooks.
 *
 * Each builder returns a plain vega-lite v5 spec object (JSON-serialisable), so a notebook can
 * tweak it with ordinary object spread before showing it. The specs carry inline data in long
 * ("tidy") form, which is what vega-lite wants for colour-per-series charts.
 *
 * Numbers are rounded to 6 significant digits on the way in: float32 values such as 0.1f would
 * otherwise serialise as 0.10000000149011612, bloating notebooks and making committed outputs
 * churn in digits no one can see. Non-finite values become null (JSON has no NaN), which
 * vega-lite treats as missing.
 */
import { DomainError, ShapeError } from "../errors";
import { ColorMap, colorize, encodePng } from "./png";

/** A vega-lite v5 spec as a JSON object. Kept loose on purpose: tslab type-checks notebook code
 *  against these declarations, and vega-lite's own TopLevelSpec types are heavy to check. */
export type VlSpec = { [key: string]: unknown };

export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** The font family vega writes into SVG text; resvg maps it to the shipped DejaVu Sans. */
export const FONT_FAMILY = "DejaVu Sans";

/** Defaults used by every builder. */
export const DEFAULT_WIDTH = 360;
export const DEFAULT_HEIGHT = 220;

/** Shared vega-lite config: one font everywhere, modest sizes, no frame around the plot area,
 *  and tooltips on every mark (hovering shows the encoded values in JupyterLab and the book;
 *  static SVG/PNG renders are unaffected). A builder switches them off where a tooltip would
 *  be noise (image marks carry a data URL). */
export function defaultConfig(): VlSpec {
  return {
    font: FONT_FAMILY,
    mark: { tooltip: true },
    background: "white",
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridOpacity: 0.5 },
    legend: { labelFontSize: 11, titleFontSize: 12 },
    title: { fontSize: 14, anchor: "start" },
    header: { labelFontSize: 12, titleFontSize: 12 },
  };
}

export type Scale = "linear" | "log" | "symlog" | "sqrt";

/** Options every builder understands. */
export interface CommonOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
  xScale?: Scale;
  yScale?: Scale;
  /** Fixed axis domains [min, max]; otherwise vega-lite picks "nice" ones. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Explicit tick values (line, scatter), e.g. an angle axis `xDomain: [0, 360]`,
   *  `xTicks: [0, 90, 180, 270, 360]` instead of vega's "nice" 0…400 in steps of 50. */
  xTicks?: number[];
  yTicks?: number[];
  /** line and scatter: drag to pan, scroll/pinch to zoom, double-click to reset (vega-lite
   *  interval selection bound to the scales). Off by default: it captures the mouse wheel,
   *  which gets in the way of scrolling a notebook. */
  zoom?: boolean;
}

/** The interval selection that binds a unit chart's scales to drag/zoom. */
function zoomParams(opts: CommonOptions): VlSpec | undefined {
  return opts.zoom ? { params: [{ name: "zoom", select: "interval", bind: "scales" }] } : undefined;
}

type Num = ArrayLike<number>;

/** Round to 6 significant digits; non-finite → null (see module comment). */
export function clean(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  if (v === 0) return 0;
  return Number(v.toPrecision(6));
}

function toList(a: Num, what: string): number[] {
  if (a == null || typeof a.length !== "number") {
    throw new TypeError(`${what}: expected an array or typed array of numbers, got ${typeof a}`);
  }
  return Array.from(a, (v) => Number(v));
}

function scaleOf(
  type: Scale | undefined,
  domain: [number, number] | undefined,
  zero = false,
): VlSpec | undefined {
  const s: VlSpec = {};
  if (type && type !== "linear") s.type = type;
  if (domain) s.domain = [domain[0], domain[1]];
  // A log scale has no zero: asking for one (bars) makes vega draw empty bars.
  if (zero && type !== "log") s.zero = true;
  else if (!type || type === "linear") s.zero = false;
  return Object.keys(s).length ? s : undefined;
}

function withScale(enc: VlSpec, scale: VlSpec | undefined): VlSpec {
  return scale ? { ...enc, scale } : enc;
}

/** Fixed tick values on an encoding's axis (see CommonOptions.xTicks). */
function withTicks(enc: VlSpec, ticks: number[] | undefined): VlSpec {
  if (!ticks) return enc;
  if (!Array.isArray(ticks) || !ticks.every(Number.isFinite)) {
    throw new DomainError(
      `plot: argument xTicks/yTicks = ${JSON.stringify(ticks)} is out of domain; expected an array of finite numbers`,
    );
  }
  return { ...enc, axis: { ...((enc.axis as VlSpec | undefined) ?? {}), values: [...ticks] } };
}

function top(opts: CommonOptions, body: VlSpec): VlSpec {
  const spec: VlSpec = { $schema: VEGA_LITE_SCHEMA };
  if (opts.title) spec.title = opts.title;
  spec.width = opts.width ?? DEFAULT_WIDTH;
  spec.height = opts.height ?? DEFAULT_HEIGHT;
  Object.assign(spec, body);
  spec.config = defaultConfig();
  return spec;
}

// ---------------------------------------------------------------------------------------------
// line

export interface Series {
  name: string;
  x: Num;
  y: Num;
}

export interface LineOptions extends CommonOptions {
  /** Shared x values, with `y` one array or a record name → values (one line per name). */
  x?: Num;
  y?: Num | Record<string, Num>;
  /** Alternatively, series with their own x values. */
  series?: Series[];
  /** Draw a point at every sample. */
  points?: boolean;
  /** Series whose line is dashed (e.g. a reference curve or closed form). */
  dashed?: string[];
  /** Legend title for the series colour. */
  seriesTitle?: string;
}

/** Line chart with one or more series. Example:
 *  `plot.line({ x: xs, y: { "J0": j0s, "J1": j1s }, xTitle: "x" })`. */
export function line(opts: LineOptions): VlSpec {
  const series: Series[] = [];
  if (opts.series) series.push(...opts.series);
  if (opts.y !== undefined) {
    if (opts.x === undefined)
      throw new TypeError("plot.line: `y` given without `x`; pass x values or use `series`");
    if (isNumArray(opts.y)) series.push({ name: opts.yTitle ?? "y", x: opts.x, y: opts.y });
    else for (const [name, y] of Object.entries(opts.y)) series.push({ name, x: opts.x, y });
  }
  if (series.length === 0) throw new TypeError("plot.line: expected `x` and `y`, or `series`");
  const values: VlSpec[] = [];
  for (const s of series) {
    const xs = toList(s.x, `plot.line series "${s.name}" x`);
    const ys = toList(s.y, `plot.line series "${s.name}" y`);
    if (xs.length !== ys.length)
      throw new ShapeError(`plot.line series "${s.name}"`, `y of length ${xs.length} (same as x)`, [
        ys.length,
      ]);
    for (let i = 0; i < xs.length; i++)
      values.push({ x: clean(xs[i]!), y: clean(ys[i]!), series: s.name });
  }
  const multi = series.length > 1;
  const names = series.map((s) => s.name);
  const encoding: VlSpec = {
    x: withTicks(
      withScale(
        { field: "x", type: "quantitative", title: opts.xTitle ?? "x" },
        scaleOf(opts.xScale, opts.xDomain),
      ),
      opts.xTicks,
    ),
    y: withTicks(
      withScale(
        { field: "y", type: "quantitative", title: opts.yTitle ?? (multi ? "y" : names[0]) },
        scaleOf(opts.yScale, opts.yDomain),
      ),
      opts.yTicks,
    ),
  };
  if (multi)
    encoding.color = {
      field: "series",
      type: "nominal",
      title: opts.seriesTitle ?? null,
      sort: names,
    };
  if (opts.dashed && opts.dashed.length) {
    encoding.strokeDash = {
      condition: {
        test: `indexof(${JSON.stringify(opts.dashed)}, datum.series) >= 0`,
        value: [5, 3],
      },
      value: [1, 0],
    };
  }
  return top(opts, {
    ...zoomParams(opts),
    data: { values },
    mark: { type: "line", point: opts.points ?? false, strokeWidth: 1.8 },
    encoding,
  });
}

function isNumArray(v: unknown): v is Num {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

// ---------------------------------------------------------------------------------------------
// scatter

export interface ScatterOptions extends CommonOptions {
  x: Num;
  y: Num;
  /** Colour by a number (continuous) or a label per point (categorical). */
  color?: Num | string[];
  colorTitle?: string;
  /** Draw the y = x line (predicted vs. reference plots). */
  identity?: boolean;
  /** Point size in square pixels (vega-lite `size`). */
  size?: number;
  opacity?: number;
}

/** Scatter plot, optionally coloured and with the y = x reference line. */
export function scatter(opts: ScatterOptions): VlSpec {
  const xs = toList(opts.x, "plot.scatter x");
  const ys = toList(opts.y, "plot.scatter y");
  if (xs.length !== ys.length)
    throw new ShapeError("plot.scatter y", `length ${xs.length} (same as x)`, [ys.length]);
  let colors: (number | string | null)[] | undefined;
  if (opts.color !== undefined) {
    if (opts.color.length !== xs.length)
      throw new ShapeError("plot.scatter color", `length ${xs.length}`, [opts.color.length]);
    colors = Array.from(opts.color as ArrayLike<number | string>, (c) =>
      typeof c === "number" ? clean(c) : String(c),
    );
  }
  const values = xs.map((x, i) => {
    const row: VlSpec = { x: clean(x), y: clean(ys[i]!) };
    if (colors) row.c = colors[i];
    return row;
  });
  const encoding: VlSpec = {
    x: withTicks(
      withScale(
        { field: "x", type: "quantitative", title: opts.xTitle ?? "x" },
        scaleOf(opts.xScale, opts.xDomain),
      ),
      opts.xTicks,
    ),
    y: withTicks(
      withScale(
        { field: "y", type: "quantitative", title: opts.yTitle ?? "y" },
        scaleOf(opts.yScale, opts.yDomain),
      ),
      opts.yTicks,
    ),
  };
  if (colors) {
    const categorical = colors.some((c) => typeof c === "string");
    encoding.color = {
      field: "c",
      type: categorical ? "nominal" : "quantitative",
      title: opts.colorTitle ?? null,
    };
  }
  const points: VlSpec = {
    ...zoomParams(opts),
    mark: { type: "point", filled: true, size: opts.size ?? 30, opacity: opts.opacity ?? 0.7 },
    encoding,
  };
  if (!opts.identity) return top(opts, { data: { values }, ...points });
  // y = x over the joint range of the data, so the line spans the whole cloud.
  const finite = [...xs, ...ys].filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  return top(opts, {
    data: { values },
    layer: [
      points,
      {
        data: {
          values: [
            { x: clean(lo), y: clean(lo) },
            { x: clean(hi), y: clean(hi) },
          ],
        },
        mark: { type: "line", color: "#888", strokeDash: [4, 3], strokeWidth: 1 },
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
        },
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// histogram

export interface HistogramOptions extends CommonOptions {
  /** One sample, or several (overlaid, semi-transparent) as name → values. */
  values: Num | Record<string, Num>;
  /** Maximum number of bins (vega-lite picks nice boundaries up to this many). */
  bins?: number;
  /** Explicit bin extent [min, max]. */
  extent?: [number, number];
  seriesTitle?: string;
}

/** Histogram of counts; several samples share the same bins so they can be compared. */
export function histogram(opts: HistogramOptions): VlSpec {
  const groups: [string, Num][] = isNumArray(opts.values)
    ? [[opts.xTitle ?? "value", opts.values]]
    : Object.entries(opts.values);
  if (groups.length === 0)
    throw new TypeError("plot.histogram: expected at least one sample in `values`");
  const values: VlSpec[] = [];
  for (const [name, vs] of groups)
    for (const v of toList(vs, `plot.histogram "${name}"`))
      values.push({ v: clean(v), series: name });
  const bin: VlSpec = { maxbins: opts.bins ?? 30 };
  if (opts.extent) bin.extent = [opts.extent[0], opts.extent[1]];
  const multi = groups.length > 1;
  const encoding: VlSpec = {
    x: { field: "v", type: "quantitative", bin, title: opts.xTitle ?? "value" },
    y: withScale(
      { aggregate: "count", type: "quantitative", title: opts.yTitle ?? "count", stack: null },
      scaleOf(opts.yScale, opts.yDomain, true),
    ),
  };
  if (multi)
    encoding.color = {
      field: "series",
      type: "nominal",
      title: opts.seriesTitle ?? null,
      sort: groups.map((g) => g[0]),
    };
  return top(opts, {
    data: { values },
    mark: { type: "bar", opacity: multi ? 0.55 : 0.85, binSpacing: 0 },
    encoding,
  });
}

// ---------------------------------------------------------------------------------------------
// heatmap / image

export interface HeatmapOptions extends Omit<
  CommonOptions,
  "xScale" | "yScale" | "xDomain" | "yDomain"
> {
  /**
   * Matrix as rows (z[i][j] is row i, column j), or flat row-major data with `shape` [rows, cols].
   */
  z: Num[] | number[][] | Num;
  shape?: [number, number];
  xLabels?: (string | number)[];
  yLabels?: (string | number)[];
  /**
   * vega colour scheme, e.g. "viridis" (default), "greys" for images, "redblue" for signed data.
   */
  scheme?: string;
  /** Colour domain [min, max]; for signed data pass a symmetric one. */
  domain?: [number, number];
  colorTitle?: string;
  /** Image mode: no axes, square cells, rows top to bottom (for digits, filters, feature maps). */
  image?: boolean;
  /** Reverse the colour scheme (e.g. dark-on-light images with "greys"). */
  reverse?: boolean;
}

/**
 * Matrix → rect marks, one per cell, with axes and a colour legend. With `{ image: true }` and
 * scheme "greys" (default), "viridis" or "redblue" it returns `image(...)` instead (one PNG mark).
 */
export function heatmap(opts: HeatmapOptions): VlSpec {
  const { rows, cols, data } = matrixOf(opts.z, opts.shape);
  // Image mode with a scheme we can reproduce → one PNG image mark instead of rows×cols rects
  // (a 28×28 digit: ~1 kB instead of ~120 kB in the notebook and the SVG file).
  if (opts.image && !opts.xLabels && !opts.yLabels && !opts.colorTitle) {
    const base = IMAGE_CMAPS[opts.scheme ?? "greys"];
    if (base) {
      const reversed: Partial<Record<ColorMap, ColorMap>> = { gray_r: "gray", redblue: "bluered" };
      const cmap: ColorMap = opts.reverse ? (reversed[base] ?? base) : base;
      if (!(opts.reverse && base === "viridis")) {
        return image({
          z: data,
          shape: [rows, cols],
          cmap,
          domain: opts.domain,
          width: opts.width,
          title: opts.title,
        });
      }
    }
  }
  const xl = opts.xLabels,
    yl = opts.yLabels;
  if (xl && xl.length !== cols)
    throw new ShapeError("plot.heatmap xLabels", `length ${cols} (number of columns)`, [xl.length]);
  if (yl && yl.length !== rows)
    throw new ShapeError("plot.heatmap yLabels", `length ${rows} (number of rows)`, [yl.length]);
  const values: VlSpec[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      values.push({ i: yl ? yl[i] : i, j: xl ? xl[j] : j, z: clean(data[i * cols + j]!) });
    }
  }
  const isImage = opts.image ?? false;
  // Cell size: images get square cells sized to the default width; matrices fill width × height.
  const cell = isImage ? Math.max(2, Math.floor((opts.width ?? 224) / cols)) : 0;
  const width = isImage ? cell * cols : (opts.width ?? DEFAULT_WIDTH);
  const height = isImage
    ? cell * rows
    : (opts.height ?? Math.min(DEFAULT_HEIGHT * 1.5, Math.max(DEFAULT_HEIGHT, rows * 12)));
  const colorScale: VlSpec = { scheme: opts.scheme ?? (isImage ? "greys" : "viridis") };
  if (opts.domain) colorScale.domain = [opts.domain[0], opts.domain[1]];
  if (opts.reverse) colorScale.reverse = true;
  // Grid lines would cut through the middle of every cell of a band scale.
  const xAxis = isImage ? null : { grid: false, labelAngle: 0 };
  const yAxis = isImage ? null : { grid: false };
  const xOrder = xl ? xl : Array.from({ length: cols }, (_, j) => j);
  const yOrder = yl ? yl : Array.from({ length: rows }, (_, i) => i);
  const spec = top(
    { ...opts, width, height },
    {
      data: { values },
      mark: { type: "rect" },
      encoding: {
        x: {
          field: "j",
          type: "ordinal",
          title: opts.xTitle ?? (isImage ? null : "column"),
          sort: xOrder,
          axis: xAxis,
        },
        y: {
          field: "i",
          type: "ordinal",
          title: opts.yTitle ?? (isImage ? null : "row"),
          sort: yOrder,
          axis: yAxis,
        },
        color: {
          field: "z",
          type: "quantitative",
          title: opts.colorTitle ?? null,
          scale: colorScale,
          legend: isImage && !opts.colorTitle ? null : undefined,
        },
      },
    },
  );
  return dropUndefined(spec) as VlSpec;
}

/** vega scheme names (heatmap `scheme`) that plot.image reproduces exactly enough. */
const IMAGE_CMAPS: Record<string, ColorMap> = {
  greys: "gray_r",
  viridis: "viridis",
  redblue: "redblue",
};

function matrixOf(
  z: HeatmapOptions["z"],
  shape?: [number, number],
): { rows: number; cols: number; data: number[] } {
  if (shape) {
    const flat = toList(z as Num, "plot.heatmap z");
    const [r, c] = shape;
    if (!(Number.isInteger(r) && Number.isInteger(c) && r > 0 && c > 0))
      throw new RangeError(
        `plot.heatmap: argument shape = [${shape}] is out of domain; expected two positive integers`,
      );
    if (flat.length !== r * c)
      throw new ShapeError("plot.heatmap z", `${r * c} values for shape [${r}, ${c}]`, [
        flat.length,
      ]);
    return { rows: r, cols: c, data: flat };
  }
  const rowsIn = z as ArrayLike<unknown>;
  if (rowsIn.length === 0) throw new ShapeError("plot.heatmap z", "[rows ≥ 1, cols ≥ 1]", [0]);
  const first = rowsIn[0];
  if (typeof first === "number")
    throw new TypeError(
      "plot.heatmap: flat z needs `shape: [rows, cols]`; or pass an array of rows",
    );
  const rows = rowsIn.length;
  const cols = (first as Num).length;
  const data: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = rowsIn[i] as Num;
    if (row.length !== cols)
      throw new ShapeError(`plot.heatmap z row ${i}`, `length ${cols} (same as row 0)`, [
        row.length,
      ]);
    for (let j = 0; j < cols; j++) data.push(Number(row[j]));
  }
  return { rows, cols, data };
}

// ---------------------------------------------------------------------------------------------
// image (PNG data URL)

export interface ImageOptions {
  /** Pixels as rows, or flat row-major data with `shape` [rows, cols] (e.g. a 784-long digit). */
  z: Num[] | number[][] | Num;
  shape?: [number, number];
  /** "gray" (low black, high white; default), "gray_r" (dark ink on white), "viridis",
   *  "bluered" (signed data: blue < 0 < red, white at 0). */
  cmap?: ColorMap;
  /** Value range mapped onto the colour map. Default: [min, max]; for "bluered" ±max|z|. */
  domain?: [number, number];
  /** Displayed width in px (height follows the aspect ratio). Default: about 160 px, whole
   *  pixels per cell. */
  width?: number;
  title?: string;
}

/**
 * An image (digit, filter, feature map) as ONE vega-lite image mark whose url is a PNG data
 * URL: compact in notebooks and SVG files, and crisp (smooth: false → nearest-neighbour).
 * Compose galleries with `grid([...], { columns })`. For a matrix with axes and a colour legend
 * use `heatmap`.
 */
export function image(opts: ImageOptions): VlSpec {
  const { rows, cols, data } = matrixOf(opts.z, opts.shape);
  const cmap = opts.cmap ?? "gray";
  let domain = opts.domain;
  if (!domain) {
    let lo = Infinity,
      hi = -Infinity;
    for (const v of data)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    if (lo > hi) {
      lo = 0;
      hi = 1;
    }
    if (cmap === "bluered") {
      const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
      domain = [-m, m];
    } else domain = [lo, hi];
  }
  const { pixels, channels } = colorize(data, domain, cmap);
  const url = "data:image/png;base64," + encodePng(cols, rows, pixels, channels).toString("base64");
  const px =
    opts.width !== undefined
      ? opts.width / cols
      : Math.max(1, Math.round(160 / Math.max(rows, cols)));
  if (!(px > 0 && Number.isFinite(px)))
    throw new RangeError(
      `plot.image: argument width = ${opts.width} is out of domain; expected a positive number`,
    );
  const width = Math.round(px * cols),
    height = Math.round(px * rows);
  const spec: VlSpec = { $schema: VEGA_LITE_SCHEMA };
  if (opts.title) spec.title = opts.title;
  Object.assign(spec, {
    width,
    height,
    data: { values: [{ url }] },
    // aria: false keeps vega from copying the data URL into an aria-label (doubling the SVG).
    // tooltip: false — the only datum is the data URL itself.
    mark: {
      type: "image",
      width,
      height,
      aspect: false,
      smooth: false,
      align: "left",
      baseline: "top",
      aria: false,
      tooltip: false,
    },
    encoding: { url: { field: "url", type: "nominal" }, x: { value: 0 }, y: { value: 0 } },
    config: defaultConfig(),
  });
  return spec;
}

// ---------------------------------------------------------------------------------------------
// bar

export interface BarOptions extends CommonOptions {
  labels: (string | number)[];
  /** One value per label, or several groups (grouped bars) as name → values. */
  values: Num | Record<string, Num>;
  horizontal?: boolean;
  seriesTitle?: string;
}

/** Bar chart over labels; a record of groups gives grouped bars (xOffset by group). */
export function bar(opts: BarOptions): VlSpec {
  const groups: [string, Num][] = isNumArray(opts.values)
    ? [[opts.yTitle ?? "value", opts.values]]
    : Object.entries(opts.values);
  const labels = opts.labels.map(String);
  const values: VlSpec[] = [];
  for (const [name, vs] of groups) {
    const list = toList(vs, `plot.bar "${name}"`);
    if (list.length !== labels.length)
      throw new ShapeError(`plot.bar "${name}"`, `${labels.length} values (one per label)`, [
        list.length,
      ]);
    list.forEach((v, i) => values.push({ label: labels[i], v: clean(v), series: name }));
  }
  const multi = groups.length > 1;
  const cat: VlSpec = {
    field: "label",
    type: "nominal",
    title: opts.xTitle ?? null,
    sort: labels,
    axis: opts.horizontal ? { grid: false } : { grid: false, labelAngle: 0 },
  };
  const val: VlSpec = withScale(
    { field: "v", type: "quantitative", title: opts.yTitle ?? "value" },
    scaleOf(opts.yScale, opts.yDomain, true),
  );
  const encoding: VlSpec = opts.horizontal ? { y: cat, x: val } : { x: cat, y: val };
  if (multi) {
    const names = groups.map((g) => g[0]);
    encoding.color = {
      field: "series",
      type: "nominal",
      title: opts.seriesTitle ?? null,
      sort: names,
    };
    encoding[opts.horizontal ? "yOffset" : "xOffset"] = { field: "series", sort: names };
  }
  return top(opts, { data: { values }, mark: { type: "bar" }, encoding });
}

// ---------------------------------------------------------------------------------------------
// composition

/** Strip the top-level-only keys so a spec can be nested in a composition. */
function inner(spec: VlSpec): VlSpec {
  const { $schema: _s, config: _c, ...rest } = spec;
  void _s;
  void _c;
  return rest;
}

function composed(
  key: "hconcat" | "vconcat" | "concat" | "layer",
  specs: VlSpec[],
  extra: VlSpec,
): VlSpec {
  if (specs.length === 0) throw new TypeError(`plot.${key}: expected at least one chart`);
  const out: VlSpec = { $schema: VEGA_LITE_SCHEMA };
  if (extra.title) out.title = extra.title;
  out[key] = specs.map(inner);
  for (const [k, v] of Object.entries(extra)) if (k !== "title" && v !== undefined) out[k] = v;
  out.config = defaultConfig();
  return out;
}

/** Charts side by side. Scales stay independent (each panel has its own axes). */
export function hconcat(specs: VlSpec[], opts: { title?: string } = {}): VlSpec {
  return composed("hconcat", specs, { title: opts.title });
}

/** Charts stacked vertically. */
export function vconcat(specs: VlSpec[], opts: { title?: string } = {}): VlSpec {
  return composed("vconcat", specs, { title: opts.title });
}

/** Charts in a grid with `columns` per row (e.g. a gallery of filters). */
export function grid(specs: VlSpec[], opts: { columns: number; title?: string }): VlSpec {
  if (!(Number.isInteger(opts.columns) && opts.columns > 0)) {
    throw new RangeError(
      `plot.grid: argument columns = ${opts.columns} is out of domain; expected a positive integer`,
    );
  }
  return composed("concat", specs, { title: opts.title, columns: opts.columns });
}

/** Overlay charts that share axes (e.g. a line of a closed form over a scatter of samples).
 *  The first chart's width/height apply. */
export function layer(specs: VlSpec[], opts: { title?: string } = {}): VlSpec {
  const first = specs[0] ?? {};
  const parts = specs.map((s) => {
    const { width: _w, height: _h, title: _t, ...rest } = inner(s);
    void _w;
    void _h;
    void _t;
    return rest;
  });
  const out = composed("layer", parts, {
    title: opts.title ?? first.title,
    width: first.width,
    height: first.height,
  });
  return out;
}

/** True if `x` looks like a vega-lite spec (builders' output or a hand-written one). */
export function isVegaLiteSpec(x: unknown): x is VlSpec {
  if (x === null || typeof x !== "object" || Array.isArray(x) || ArrayBuffer.isView(x))
    return false;
  const o = x as VlSpec;
  if (typeof o.$schema === "string") return /vega-lite/.test(o.$schema);
  const hasView = ["mark", "layer", "hconcat", "vconcat", "concat", "facet", "repeat"].some(
    (k) => k in o,
  );
  return (
    hasView &&
    ("data" in o ||
      "datasets" in o ||
      "layer" in o ||
      "hconcat" in o ||
      "vconcat" in o ||
      "concat" in o)
  );
}

function dropUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropUndefined);
  if (v && typeof v === "object") {
    const out: VlSpec = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = dropUndefined(x);
    return out;
  }
  return v;
}
