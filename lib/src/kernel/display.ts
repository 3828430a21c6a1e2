/**
 * show(x): one Jupyter display_data bundle per call, with the richest representations that
 * GitHub, nbconvert and JupyterLab can each use:
 *
 *   chart (vega-lite v5 spec)  application/vnd.vegalite.v5+json (the spec object, JupyterLab
 *                              and Notebook 7 render it live), image/png (every front end shows
 *                              it without running or trusting the notebook: classic Notebook 6
 *                              drops SVG and HTML from untrusted notebooks but shows PNG),
 *                              image/svg+xml (vector, for nbconvert/GitHub, when small — see
 *                              the size rule), text/plain (a one-line description)
 *   danfo DataFrame / Series   text/html table + text/plain
 *   array of records           text/html table + text/plain
 *   anything else              text/plain (util.inspect; tfjs tensors via their toString)
 *
 * `displayBundle` is the pure part (value → {mime: data}); `show` sends it through tslab
 * (see ./jupyter) or, outside a kernel, prints the text/plain part.
 */
import * as fs from "fs";
import { inspect } from "util";
import { isVegaLiteSpec, VlSpec, VEGA_LITE_SCHEMA } from "../plot/spec";
import { toSvgSync, toPng, writeFigure, normalizeSpec, PngOptions } from "../plot/render";
import { displayWriter, newDisplayId } from "./jupyter";
import { repoRelativePath } from "./paths";

export type MimeBundle = Record<string, unknown>;

export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

/**
 * Size rule for chart bundles (one output ≲ 500 KB, so notebooks stay small enough to diff,
 * review and open quickly). The PNG is always kept: it is the one image every front end shows.
 *  - SVG: included only when it is at most CHART_SVG_MAX_BYTES (a chart with thousands of marks
 *    writes a multi-megabyte SVG; the figure file on disk keeps it);
 *  - vega-lite spec: included only when its JSON is at most CHART_SPEC_MAX_BYTES (the inline
 *    data dominates; a bigger chart is shown as the PNG only, and text/plain says so);
 *  - PNG: at 1× when the SVG is in the bundle too (the SVG is the sharp static copy), at
 *    CHART_PNG_SCALE× (2×, sharp on high-dpi screens, the same bytes as the figure file) when the
 *    PNG is the only static image; always shown at the chart's CSS size via image/png metadata.
 * Measured on the 40 charts of the committed notebooks (2026-11-30, base64 bytes in total): spec
 * 1.27 MB, SVG 4.30 MB, PNG 2.18 MB at 1×, 4.84 MB at 2×.
 */
export const CHART_SVG_MAX_BYTES = 100_000;
export const CHART_SPEC_MAX_BYTES = 250_000;
export const CHART_PNG_SCALE = 2;
/** PNG scale in a bundle that also carries the SVG. */
export const CHART_PNG_SCALE_WITH_SVG = 1;

/** Rows shown in HTML tables before eliding the middle (head + tail). */
const MAX_ROWS = 30;
const HEAD_ROWS = 20;
const TAIL_ROWS = 5;

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** Table cell text: numbers to 6 significant digits (enough to read, short enough to scan). */
function cellText(v: unknown): string {
  if (typeof v === "number")
    return Number.isInteger(v)
      ? String(v)
      : Number.isFinite(v)
        ? String(Number(v.toPrecision(6)))
        : String(v);
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return inspect(v, { breakLength: Infinity, depth: 1 });
  return String(v);
}

/** Simple HTML table. `index` labels the rows (omitted when undefined). */
export function htmlTable(columns: string[], rows: unknown[][], index?: unknown[]): string {
  const n = rows.length;
  const pick =
    n > MAX_ROWS
      ? [
          ...Array(HEAD_ROWS).keys(),
          -1,
          ...Array.from({ length: TAIL_ROWS }, (_, i) => n - TAIL_ROWS + i),
        ]
      : [...Array(n).keys()];
  const head =
    (index ? "<th></th>" : "") + columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = pick
    .map((r) => {
      if (r < 0)
        return `<tr>${index ? "<th>…</th>" : ""}${columns.map(() => "<td>…</td>").join("")}</tr>`;
      const idx = index ? `<th>${escapeHtml(cellText(index[r]))}</th>` : "";
      return `<tr>${idx}${rows[r]!.map((v) => `<td>${escapeHtml(cellText(v))}</td>`).join("")}</tr>`;
    })
    .join("\n");
  const caption = n > MAX_ROWS ? `\n<p>${n} rows × ${columns.length} columns</p>` : "";
  return `<table class="besselbook-table">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${caption}`;
}

/** Fixed-width text table (text/plain companion of htmlTable). */
export function textTable(columns: string[], rows: unknown[][], index?: unknown[]): string {
  const n = rows.length;
  const pick =
    n > MAX_ROWS
      ? [
          ...Array(HEAD_ROWS).keys(),
          -1,
          ...Array.from({ length: TAIL_ROWS }, (_, i) => n - TAIL_ROWS + i),
        ]
      : [...Array(n).keys()];
  const grid: string[][] = [[...(index ? [""] : []), ...columns]];
  for (const r of pick) {
    if (r < 0) grid.push([...(index ? ["…"] : []), ...columns.map(() => "…")]);
    else grid.push([...(index ? [cellText(index[r])] : []), ...rows[r]!.map(cellText)]);
  }
  const widths = grid[0]!.map((_, j) => Math.max(...grid.map((row) => (row[j] ?? "").length)));
  const lines = grid.map((row) => row.map((c, j) => c.padStart(widths[j]!)).join("  "));
  if (n > MAX_ROWS) lines.push(`[${n} rows × ${columns.length} columns]`);
  return lines.join("\n");
}

interface DanfoLike {
  columns: string[];
  index: unknown[];
  values: unknown[];
  shape: number[];
  $isSeries?: boolean;
}

/** danfojs 1.2 DataFrame or Series, detected by shape rather than by class (danfo is not a
 *  dependency of this module; notebooks bring their own instance). */
export function isDanfo(x: unknown): x is DanfoLike {
  if (x === null || typeof x !== "object") return false;
  const o = x as Record<string, unknown>;
  return (
    "$data" in o &&
    Array.isArray(o.columns) &&
    Array.isArray(o.index) &&
    Array.isArray(o.values) &&
    Array.isArray(o.shape)
  );
}

function danfoTable(x: DanfoLike): { columns: string[]; rows: unknown[][]; index: unknown[] } {
  const series =
    x.$isSeries === true ||
    x.shape.length === 1 ||
    (x.values.length > 0 && !Array.isArray(x.values[0]));
  const rows = series ? x.values.map((v) => [v]) : (x.values as unknown[][]);
  return { columns: x.columns.map(String), rows, index: x.index };
}

interface TensorLike {
  shape: number[];
  dtype: string;
  dataSync(): ArrayLike<number>;
  toString(verbose?: boolean): string;
}
function isTensor(x: unknown): x is TensorLike {
  return (
    x !== null &&
    typeof x === "object" &&
    typeof (x as TensorLike).dataSync === "function" &&
    Array.isArray((x as TensorLike).shape) &&
    typeof (x as TensorLike).dtype === "string"
  );
}

function isRecordArray(x: unknown): x is Record<string, unknown>[] {
  return (
    Array.isArray(x) &&
    x.length > 0 &&
    x.every(
      (r) =>
        r !== null &&
        typeof r === "object" &&
        !Array.isArray(r) &&
        !ArrayBuffer.isView(r) &&
        Object.getPrototypeOf(r) === Object.prototype,
    )
  );
}

function describeChart(spec: VlSpec): string {
  const title =
    typeof spec.title === "string"
      ? spec.title
      : (spec.title as { text?: unknown } | undefined)?.text;
  const mark =
    typeof spec.mark === "string" ? spec.mark : (spec.mark as { type?: string } | undefined)?.type;
  const kind =
    mark ??
    ["layer", "hconcat", "vconcat", "concat", "facet", "repeat"].find((k) => k in spec) ??
    "chart";
  const data = (spec.data as { values?: unknown[] } | undefined)?.values;
  const n = Array.isArray(data) ? `, ${data.length} data rows` : "";
  return `<vega-lite ${kind} chart${title ? ` "${String(title)}"` : ""}${n}>`;
}

export interface BundleOptions {
  /** Precomputed SVG for a chart (show() renders once and reuses it for the figure file). */
  svg?: string;
  /** Precomputed PNG at CHART_PNG_SCALE (the figure file's bytes), used when the SVG is dropped. */
  png?: Buffer;
}

/** A chart's display bundle plus the metadata Jupyter uses to size the PNG. */
export interface ChartBundle {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  /** What the size rule dropped (for tests and the text/plain line). */
  dropped: ("image/svg+xml" | "application/vnd.vegalite.v5+json")[];
}

/** CSS size of an SVG from its root width/height attributes. */
function svgSize(svg: string): { width: number; height: number } | undefined {
  const m = /<svg\b[^>]*?\swidth="([0-9.]+)"[^>]*?\sheight="([0-9.]+)"/.exec(svg);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

/** The bundle for a chart under the size rule (see CHART_SVG_MAX_BYTES above). */
export function chartBundle(x: VlSpec, opts: BundleOptions = {}): ChartBundle {
  const spec = normalizeSpec(x);
  const svg = opts.svg ?? toSvgSync(spec);
  const specBytes = Buffer.byteLength(JSON.stringify(spec), "utf8");
  const svgBytes = Buffer.byteLength(svg, "utf8");
  const keepSvg = svgBytes <= CHART_SVG_MAX_BYTES;
  const png = keepSvg
    ? toPng(svg, { scale: CHART_PNG_SCALE_WITH_SVG })
    : (opts.png ?? toPng(svg, { scale: CHART_PNG_SCALE }));
  const dropped: ChartBundle["dropped"] = [];
  const data: MimeBundle = {};
  if (specBytes <= CHART_SPEC_MAX_BYTES) data[VEGALITE_MIME] = spec;
  else dropped.push(VEGALITE_MIME);
  data["image/png"] = png.toString("base64");
  if (keepSvg) data["image/svg+xml"] = svg;
  else dropped.push("image/svg+xml");
  const note = dropped.length
    ? ` (static image only: ${dropped.map((d) => (d === VEGALITE_MIME ? `the vega-lite spec, ${Math.round(specBytes / 1000)} kB` : `the SVG, ${Math.round(svgBytes / 1000)} kB`)).join(" and ")} left out of the notebook; see figures/ for the files)`
    : "";
  data["text/plain"] = describeChart(spec) + note;
  const size = svgSize(svg);
  const metadata: Record<string, unknown> = size
    ? { "image/png": { width: Math.round(size.width), height: Math.round(size.height) } }
    : {};
  return { data, metadata, dropped };
}

/**
 * The display bundle for a value, as { mime type: data }. Pure apart from rendering the chart.
 * The vega-lite entry is the spec as a JSON object (not a string), as JupyterLab expects.
 */
export function displayBundle(x: unknown, opts: BundleOptions = {}): MimeBundle {
  if (isVegaLiteSpec(x)) return chartBundle(x, opts).data;
  if (isDanfo(x)) {
    const t = danfoTable(x);
    return {
      "text/html": htmlTable(t.columns, t.rows, t.index),
      "text/plain": textTable(t.columns, t.rows, t.index),
    };
  }
  if (isRecordArray(x)) {
    const columns: string[] = [];
    for (const r of x) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
    const rows = x.map((r) => columns.map((c) => r[c]));
    return { "text/html": htmlTable(columns, rows), "text/plain": textTable(columns, rows) };
  }
  if (typeof x === "string") return { "text/plain": x };
  if (isTensor(x)) return { "text/plain": x.toString() };
  return { "text/plain": inspect(x, { depth: 4, maxArrayLength: 50, breakLength: 100 }) };
}

export interface ShowOptions extends PngOptions {
  /** Also write figures/<notebook>/<name>.svg and .png (charts only). */
  name?: string;
}

/**
 * Display `x` in the notebook as one display_data message. Synchronous on purpose: the output
 * is sent before the cell ends (see plot/render.ts). Outside a kernel prints the text/plain
 * part. With `{ name }` a chart is also written to figures/<notebook>/<name>.{svg,png}.
 */
export function show(x: unknown, opts: ShowOptions = {}): void {
  let svg: string | undefined;
  let png: Buffer | undefined;
  let files: { svg: string; png: string } | undefined;
  const chart = isVegaLiteSpec(x);
  if (opts.name !== undefined) {
    if (!chart)
      throw new TypeError(
        `show: { name: ${JSON.stringify(opts.name)} } writes figure files, which needs a vega-lite chart; got ${x === null ? "null" : typeof x}`,
      );
    svg = toSvgSync(x);
    files = writeFigure(x, opts.name, { ...opts, svg });
    // The figure file's PNG doubles as the bundle's when it has the bundle's scale (the default).
    if ((opts.scale ?? CHART_PNG_SCALE) === CHART_PNG_SCALE) png = fs.readFileSync(files.png);
  }
  const { data: bundle, metadata } = chart
    ? chartBundle(x, { svg, png })
    : { data: displayBundle(x), metadata: {} };
  const write = displayWriter();
  if (write) {
    write({ data: bundle, metadata }, false);
  } else {
    console.log(String(bundle["text/plain"]));
  }
  if (files && !write)
    console.log(`  figure: ${repoRelativePath(files.svg)}, ${repoRelativePath(files.png)}`);
}

/** The schema URL used in bundles (exported for tests and the runner). */
export const VEGA_LITE_V5 = VEGA_LITE_SCHEMA;

// ---------------------------------------------------------------------------------------------
// progress

export type ProgressValues = Record<string, number | string | boolean>;

export interface ProgressOptions {
  /** Total steps; with it, the line reads "epoch 3/12" and JupyterLab shows a bar. */
  total?: number;
  /** Which value counts steps toward `total` (default: "epoch", else "step", else updates). */
  key?: string;
  /** Minimum milliseconds between sent updates (default 250 in a kernel, 2000 as plain text). */
  throttleMs?: number;
}

export interface Progress {
  /** Merge `values` into the display and refresh it (throttled). */
  update(values: ProgressValues): void;
  /** Final values; always shown, and the display stops updating. */
  done(values?: ProgressValues): void;
}

function fmtValue(v: number | string | boolean): string {
  if (typeof v !== "number") return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/**
 * A display that updates in place during training:
 *
 *   const p = progress("training", { total: P.epochs });
 *   for (...) p.update({ epoch, loss });
 *   p.done({ loss });
 *
 * In a kernel: one display_data with a display_id, then update_display_data messages (so the
 * saved notebook keeps only the final state). Elapsed time is shown while running but not in
 * the final state, so re-executed notebooks don't differ only by timings. Outside a kernel:
 * throttled plain lines.
 */
export function progress(label: string, opts: ProgressOptions = {}): Progress {
  if (opts.total !== undefined && !(Number.isFinite(opts.total) && opts.total > 0)) {
    throw new RangeError(
      `progress: argument total = ${opts.total} is out of domain; expected a positive number`,
    );
  }
  const write = displayWriter();
  const id = newDisplayId("progress");
  const throttle = opts.throttleMs ?? (write ? 250 : 2000);
  const start = Date.now();
  const values: ProgressValues = {};
  let updates = 0;
  let lastSent = -Infinity;
  let finished = false;

  const render = (final: boolean): MimeBundle => {
    const stepKey =
      opts.key ?? ("epoch" in values ? "epoch" : "step" in values ? "step" : undefined);
    const step =
      stepKey !== undefined && typeof values[stepKey] === "number"
        ? (values[stepKey] as number)
        : updates;
    const parts = Object.entries(values)
      .filter(([k]) => k !== stepKey)
      .map(([k, v]) => `${k} ${fmtValue(v)}`);
    const head =
      stepKey !== undefined || opts.total !== undefined
        ? `${stepKey ?? "step"} ${step}${opts.total !== undefined ? `/${opts.total}` : ""}`
        : "";
    const elapsed = final ? "" : `${((Date.now() - start) / 1000).toFixed(1)} s`;
    const body = updates === 0 && !final ? ["starting"] : [head, ...parts];
    const text =
      [label, ...body, elapsed].filter((s) => s !== "").join(" · ") + (final ? " · done" : "");
    const bundle: MimeBundle = { "text/plain": text };
    if (opts.total !== undefined) {
      const frac = Math.min(1, Math.max(0, step / opts.total));
      bundle["text/html"] =
        `<div style="font-family:monospace"><progress value="${frac.toFixed(3)}" max="1" style="width:12em;vertical-align:middle"></progress> ${escapeHtml(text)}</div>`;
    }
    return bundle;
  };

  const send = (final: boolean, first = false) => {
    const bundle = render(final);
    if (write) {
      write({ data: bundle, metadata: {}, transient: { display_id: id } }, !first);
    } else {
      console.log(String(bundle["text/plain"]));
    }
    lastSent = Date.now();
  };

  // Create the display right away so it sits where the cell's output starts.
  if (write) send(false, true);

  return {
    update(v: ProgressValues) {
      if (finished) return;
      Object.assign(values, v);
      updates++;
      if (Date.now() - lastSent >= throttle) send(false);
    },
    done(v: ProgressValues = {}) {
      if (finished) return;
      finished = true;
      Object.assign(values, v);
      send(true);
    },
  };
}
