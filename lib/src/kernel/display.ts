/**
 * show(x): one Jupyter display_data bundle per call, with the richest representations that
 * GitHub, nbconvert and JupyterLab can each use:
 *
 *   chart (vega-lite v5 spec)  application/vnd.vegalite.v5+json (the spec object, JupyterLab
 *                              renders it live), image/svg+xml (static renderers don't run
 *                              vega), text/plain (a one-line description)
 *   danfo DataFrame / Series   text/html table + text/plain
 *   array of records           text/html table + text/plain
 *   anything else              text/plain (util.inspect; tfjs tensors via their toString)
 *
 * `displayBundle` is the pure part (value → {mime: data}); `show` sends it through tslab
 * (see ./jupyter) or, outside a kernel, prints the text/plain part.
 */
import { inspect } from "util";
import { isVegaLiteSpec, VlSpec, VEGA_LITE_SCHEMA } from "../plot/spec";
import { toSvgSync, writeFigure, normalizeSpec, PngOptions } from "../plot/render";
import { displayWriter, newDisplayId } from "./jupyter";
import { displayPath } from "./paths";

export type MimeBundle = Record<string, unknown>;

export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

/** Rows shown in HTML tables before eliding the middle (head + tail). */
const MAX_ROWS = 30;
const HEAD_ROWS = 20;
const TAIL_ROWS = 5;

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Table cell text: numbers to 6 significant digits (enough to read, short enough to scan). */
function cellText(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return inspect(v, { breakLength: Infinity, depth: 1 });
  return String(v);
}

/** Simple HTML table. `index` labels the rows (omitted when undefined). */
export function htmlTable(columns: string[], rows: unknown[][], index?: unknown[]): string {
  const n = rows.length;
  const pick = n > MAX_ROWS ? [...Array(HEAD_ROWS).keys(), -1, ...Array.from({ length: TAIL_ROWS }, (_, i) => n - TAIL_ROWS + i)] : [...Array(n).keys()];
  const head = (index ? "<th></th>" : "") + columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = pick
    .map((r) => {
      if (r < 0) return `<tr>${index ? "<th>…</th>" : ""}${columns.map(() => "<td>…</td>").join("")}</tr>`;
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
  const pick = n > MAX_ROWS ? [...Array(HEAD_ROWS).keys(), -1, ...Array.from({ length: TAIL_ROWS }, (_, i) => n - TAIL_ROWS + i)] : [...Array(n).keys()];
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
  return "$data" in o && Array.isArray(o.columns) && Array.isArray(o.index) && Array.isArray(o.values) && Array.isArray(o.shape);
}

function danfoTable(x: DanfoLike): { columns: string[]; rows: unknown[][]; index: unknown[] } {
  const series = x.$isSeries === true || x.shape.length === 1 || (x.values.length > 0 && !Array.isArray(x.values[0]));
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
  return x !== null && typeof x === "object" && typeof (x as TensorLike).dataSync === "function" && Array.isArray((x as TensorLike).shape) && typeof (x as TensorLike).dtype === "string";
}

function isRecordArray(x: unknown): x is Record<string, unknown>[] {
  return Array.isArray(x) && x.length > 0 && x.every((r) => r !== null && typeof r === "object" && !Array.isArray(r) && !ArrayBuffer.isView(r) && Object.getPrototypeOf(r) === Object.prototype);
}

function describeChart(spec: VlSpec): string {
  const title = typeof spec.title === "string" ? spec.title : (spec.title as { text?: unknown } | undefined)?.text;
  const mark = typeof spec.mark === "string" ? spec.mark : (spec.mark as { type?: string } | undefined)?.type;
  const kind = mark ?? ["layer", "hconcat", "vconcat", "concat", "facet", "repeat"].find((k) => k in spec) ?? "chart";
  const data = (spec.data as { values?: unknown[] } | undefined)?.values;
  const n = Array.isArray(data) ? `, ${data.length} data rows` : "";
  return `<vega-lite ${kind} chart${title ? ` "${String(title)}"` : ""}${n}>`;
}

export interface BundleOptions {
  /** Precomputed SVG for a chart (show() renders once and reuses it for the figure file). */
  svg?: string;
}

/**
 * The display bundle for a value, as { mime type: data }. Pure apart from rendering the chart.
 * The vega-lite entry is the spec as a JSON object (not a string), as JupyterLab expects.
 */
export function displayBundle(x: unknown, opts: BundleOptions = {}): MimeBundle {
  if (isVegaLiteSpec(x)) {
    const spec = normalizeSpec(x);
    return {
      [VEGALITE_MIME]: spec,
      "image/svg+xml": opts.svg ?? toSvgSync(spec),
      "text/plain": describeChart(spec),
    };
  }
  if (isDanfo(x)) {
    const t = danfoTable(x);
    return { "text/html": htmlTable(t.columns, t.rows, t.index), "text/plain": textTable(t.columns, t.rows, t.index) };
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
  let files: { svg: string; png: string } | undefined;
  const chart = isVegaLiteSpec(x);
  if (opts.name !== undefined) {
    if (!chart) throw new TypeError(`show: { name: ${JSON.stringify(opts.name)} } writes figure files, which needs a vega-lite chart; got ${x === null ? "null" : typeof x}`);
    svg = toSvgSync(x);
    files = writeFigure(x, opts.name, { ...opts, svg });
  }
  const bundle = displayBundle(x, { svg });
  const write = displayWriter();
  if (write) {
    write({ data: bundle, metadata: {} }, false);
  } else {
    console.log(String(bundle["text/plain"]));
  }
  if (files && !write) console.log(`  figure: ${displayPath(files.svg)}, ${displayPath(files.png)}`);
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
    throw new RangeError(`progress: argument total = ${opts.total} is out of domain; expected a positive number`);
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
    const stepKey = opts.key ?? ("epoch" in values ? "epoch" : "step" in values ? "step" : undefined);
    const step = stepKey !== undefined && typeof values[stepKey] === "number" ? (values[stepKey] as number) : updates;
    const parts = Object.entries(values).filter(([k]) => k !== stepKey).map(([k, v]) => `${k} ${fmtValue(v)}`);
    const head = stepKey !== undefined || opts.total !== undefined ? `${stepKey ?? "step"} ${step}${opts.total !== undefined ? `/${opts.total}` : ""}` : "";
    const elapsed = final ? "" : `${((Date.now() - start) / 1000).toFixed(1)} s`;
    const body = updates === 0 && !final ? ["starting"] : [head, ...parts];
    const text = [label, ...body, elapsed].filter((s) => s !== "").join(" · ") + (final ? " · done" : "");
    const bundle: MimeBundle = { "text/plain": text };
    if (opts.total !== undefined) {
      const frac = Math.min(1, Math.max(0, step / opts.total));
      bundle["text/html"] = `<div style="font-family:monospace"><progress value="${frac.toFixed(3)}" max="1" style="width:12em;vertical-align:middle"></progress> ${escapeHtml(text)}</div>`;
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
