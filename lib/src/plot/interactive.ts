/**
 * Charts a reader can explore without re-running the notebook: one chart per value of a
 * parameter (κ, an angle φ, a rotation, an edge count…), computed by the notebook, merged into
 * ONE vega-lite spec with a slider (or drop-down) bound to the parameter. JupyterLab (vega-embed)
 * and the static book draw the widget under the chart; moving it filters the precomputed data,
 * so nothing needs a kernel. Static renderers (SVG/PNG files, GitHub, nbconvert) show the frame
 * at `initial`.
 *
 *   const kappas = [0.5, 1, 2, 4, 8, 16];
 *   const frames = kappas.map((k) =>
 *     plot.line({ x: th, y: { density: th.map((t) => vm(t, k)) } }));
 *   show(plot.slider(frames, { values: kappas, label: "κ" }), { name: "vm_density" });
 *
 * Rules (ours):
 *  - every frame comes from the same builder with the same options (only the numbers differ), so
 *    the frames have their inline data at the same places; a frame that doesn't is an error;
 *  - each data row gets the frame's parameter value in the field `__param`; a filter transform at
 *    every data-bearing node keeps the rows of the selected value;
 *  - quantitative x/y/color axes are fixed to the range over ALL frames (unless the frame set a
 *    domain), so the axes do not jump while the reader drags and shapes can be compared;
 *  - evenly spaced numeric values get a range slider over the values themselves (the widget shows
 *    the value); anything else (log-spaced κ, labels) gets a drop-down of the values.
 */
import { DomainError, ShapeError } from "../errors";
import { VlSpec, isVegaLiteSpec } from "./spec";

export type SliderValue = number | string;

export interface SliderOptions {
  /** The parameter value of each frame, in frame order (numbers or labels). */
  values: SliderValue[];
  /** Widget label shown to the reader, e.g. "κ" or "rotation (°)". */
  label: string;
  /** The frame shown first and in static renders (default: values[0]). Must be one of values. */
  initial?: SliderValue;
  /** Parameter name inside the spec (a JS identifier; default "slider"). */
  name?: string;
  /** "auto" (default): range slider for evenly spaced numbers, else drop-down. */
  input?: "auto" | "range" | "select" | "radio";
  /** Keep quantitative axes fixed over all frames (default true). */
  fixedAxes?: boolean;
}

/** The field added to every data row: the frame's parameter value. */
export const SLIDER_FIELD = "__param";

type Path = (string | number)[];

function at(node: unknown, p: Path): unknown {
  let cur: unknown = node;
  for (const k of p) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** Paths (from the root) of every node with inline `data.values`. */
function dataNodes(node: unknown, p: Path = [], out: Path[] = []): Path[] {
  if (node === null || typeof node !== "object") return out;
  if (Array.isArray(node)) {
    node.forEach((c, i) => dataNodes(c, [...p, i], out));
    return out;
  }
  const o = node as VlSpec;
  const d = o.data as { values?: unknown } | undefined;
  if (d && Array.isArray(d.values)) out.push(p);
  for (const k of ["layer", "hconcat", "vconcat", "concat", "spec"])
    if (k in o) dataNodes(o[k], [...p, k], out);
  return out;
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function evenlySpaced(v: SliderValue[]): { min: number; max: number; step: number } | undefined {
  if (v.length < 2 || !v.every((x) => typeof x === "number" && Number.isFinite(x)))
    return undefined;
  const n = v as number[];
  const step = n[1]! - n[0]!;
  if (!(step > 0)) return undefined;
  for (let i = 1; i < n.length; i++) {
    if (Math.abs(n[i]! - n[i - 1]! - step) > 1e-9 * Math.max(1, Math.abs(step))) return undefined;
  }
  return { min: n[0]!, max: n[n.length - 1]!, step };
}

/** Walk every `encoding` object in the spec. */
function eachEncoding(node: unknown, fn: (enc: Record<string, VlSpec>) => void): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    node.forEach((c) => eachEncoding(c, fn));
    return;
  }
  const o = node as VlSpec;
  if (o.encoding && typeof o.encoding === "object") fn(o.encoding as Record<string, VlSpec>);
  for (const k of ["layer", "hconcat", "vconcat", "concat", "spec"])
    if (k in o) eachEncoding(o[k], fn);
}

/**
 * Merge `frames` (one chart per parameter value) into one chart with a bound slider/drop-down.
 * See the module comment for the rules. Throws ShapeError when `values` and `frames` differ in
 * length or a frame lacks data where the first has it; RangeError for a bad `initial`/`name`.
 */
export function slider(frames: VlSpec[], opts: SliderOptions): VlSpec {
  if (!Array.isArray(frames) || frames.length === 0)
    throw new TypeError(
      "plot.slider: argument frames must be a non-empty array of charts (one per parameter value)",
    );
  frames.forEach((f, i) => {
    if (!isVegaLiteSpec(f))
      throw new TypeError(
        `plot.slider: frames[${i}] is not a vega-lite chart; expected the output of a plot builder`,
      );
  });
  const values = opts.values;
  if (!Array.isArray(values) || values.length !== frames.length) {
    throw new ShapeError("plot.slider values", `${frames.length} values (one per frame)`, [
      Array.isArray(values) ? values.length : 0,
    ]);
  }
  values.forEach((v, i) => {
    if (!((typeof v === "number" && Number.isFinite(v)) || typeof v === "string")) {
      throw new DomainError(
        `plot.slider: argument values[${i}] = ${String(v)} is out of domain; expected a finite number or a string`,
      );
    }
  });
  if (new Set(values).size !== values.length)
    throw new DomainError(
      "plot.slider: argument values has repeated entries; expected one distinct value per frame",
    );
  const name = opts.name ?? "slider";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new DomainError(
      `plot.slider: argument name = ${JSON.stringify(name)} is out of domain; expected a JavaScript identifier`,
    );
  const initial = opts.initial ?? values[0]!;
  if (!values.includes(initial))
    throw new DomainError(
      `plot.slider: argument initial = ${JSON.stringify(initial)} is not one of values`,
    );

  const out = clone(frames[0]!);
  const paths = dataNodes(out);
  if (paths.length === 0)
    throw new TypeError(
      "plot.slider: the frames carry no inline data (data.values); build them with the plot builders",
    );
  const extents = new Map<string, [number, number]>();
  for (const p of paths) {
    const merged: VlSpec[] = [];
    frames.forEach((f, i) => {
      const d = at(f, [...p, "data", "values"]);
      if (!Array.isArray(d))
        throw new ShapeError(
          `plot.slider frames[${i}]`,
          `inline data at ${p.join(".") || "the top level"} like frames[0] (same builder and options for every frame)`,
          [0],
        );
      for (const row of d as VlSpec[]) {
        merged.push({ ...row, [SLIDER_FIELD]: values[i] });
        for (const [k, v] of Object.entries(row)) {
          if (typeof v !== "number" || !Number.isFinite(v)) continue;
          const e = extents.get(k);
          extents.set(k, e ? [Math.min(e[0], v), Math.max(e[1], v)] : [v, v]);
        }
      }
    });
    const node = at(out, p) as VlSpec;
    node.data = { values: merged };
    const test = filterTest(name, values);
    node.transform = [{ filter: test }, ...((node.transform as unknown[] | undefined) ?? [])];
  }

  if (opts.fixedAxes ?? true) {
    eachEncoding(out, (enc) => {
      for (const ch of ["x", "y", "color", "size", "opacity"]) {
        const e = enc[ch];
        if (!e || typeof e.field !== "string" || e.type !== "quantitative" || e.aggregate || e.bin)
          continue;
        const ext = extents.get(e.field);
        if (!ext) continue;
        const scale = (e.scale as VlSpec | undefined) ?? {};
        if (scale.domain) continue;
        if ((scale.type === "log" || scale.type === "sqrt") && ext[0] <= 0) continue;
        enc[ch] = { ...e, scale: { ...scale, domain: [ext[0], ext[1]] } };
      }
    });
  }

  const even = evenlySpaced(values);
  const kind = opts.input ?? "auto";
  let bind: VlSpec;
  if (kind === "range" || (kind === "auto" && even)) {
    if (!even)
      throw new DomainError(
        'plot.slider: input "range" needs evenly spaced numeric values; use "select" or "radio"',
      );
    bind = {
      input: "range",
      min: even.min,
      max: even.max,
      step: even.step,
      name: `${opts.label} `,
    };
  } else {
    bind = {
      input: kind === "radio" ? "radio" : "select",
      options: values,
      name: `${opts.label} `,
    };
  }
  const params = [...((out.params as unknown[] | undefined) ?? []), { name, value: initial, bind }];
  out.params = params;
  const meta = (out.usermeta as VlSpec | undefined) ?? {};
  out.usermeta = {
    ...meta,
    besselbook: { slider: { label: opts.label, values, initial, field: SLIDER_FIELD } },
  };
  return out;
}

/** The filter expression: exact for labels and drop-downs, nearest frame for a range slider
 *  (the widget's value is min + k·step computed in floating point, so compare within step/2). */
function filterTest(name: string, values: SliderValue[]): string {
  const even = evenlySpaced(values);
  if (even) return `abs(datum.${SLIDER_FIELD} - ${name}) < ${even.step / 2}`;
  return `datum.${SLIDER_FIELD} === ${name}`;
}
