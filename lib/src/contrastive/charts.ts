/**
 * Chart helpers for the modality-gap notebooks (vega-lite v5 specs; kept here, not in plot/,
 * because that folder belongs to another issue). `panels` gives each panel its own colour legend;
 * `bands` draws mean lines with interval bands; `slider` makes a chart a reader can explore without
 * re-running: the data for every value of a parameter is precomputed and a range slider filters it.
 */
import { VlSpec, hconcat, defaultConfig, VEGA_LITE_SCHEMA, clean } from "../plot/spec";
import { argError } from "./errors";

/** Side-by-side panels with independent colour scales and legends (one legend per panel). */
export function panels(specs: VlSpec[], opts: { title?: string } = {}): VlSpec {
  const out = hconcat(specs, opts);
  out.resolve = {
    scale: { color: "independent", strokeDash: "independent" },
    legend: { color: "independent", strokeDash: "independent" },
  };
  out.config = {
    ...(out.config as object),
    legend: { ...((out.config as VlSpec).legend as object), labelLimit: 400 },
  };
  return out;
}

export interface BandSeries {
  name: string;
  x: ArrayLike<number>;
  mean: ArrayLike<number>;
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

/** Lines (means) with shaded [lo, hi] bands, one colour per series. */
export function bands(
  series: BandSeries[],
  opts: {
    title?: string;
    xTitle?: string;
    yTitle?: string;
    width?: number;
    height?: number;
    xScale?: string;
    yScale?: string;
    seriesTitle?: string | null;
  } = {},
): VlSpec {
  const values: VlSpec[] = [];
  for (const s of series) {
    if (s.x.length !== s.mean.length || s.x.length !== s.lo.length || s.x.length !== s.hi.length)
      argError(
        "bands",
        `series "${s.name}"`,
        `lengths ${s.x.length}/${s.mean.length}/${s.lo.length}/${s.hi.length}`,
        "x, mean, lo, hi of equal length",
      );
    for (let i = 0; i < s.x.length; i++)
      values.push({
        x: clean(s.x[i]),
        y: clean(s.mean[i]),
        lo: clean(s.lo[i]),
        hi: clean(s.hi[i]),
        series: s.name,
      });
  }
  const names = series.map((s) => s.name);
  const x = {
    field: "x",
    type: "quantitative",
    title: opts.xTitle ?? "x",
    ...(opts.xScale ? { scale: { type: opts.xScale } } : {}),
  };
  const yScale = opts.yScale ? { scale: { type: opts.yScale } } : {};
  const color = { field: "series", type: "nominal", title: opts.seriesTitle ?? null, sort: names };
  const spec: VlSpec = {
    $schema: VEGA_LITE_SCHEMA,
    width: opts.width ?? 300,
    height: opts.height ?? 220,
    data: { values },
    layer: [
      {
        mark: { type: "area", opacity: 0.22 },
        encoding: {
          x,
          y: { field: "lo", type: "quantitative", title: opts.yTitle ?? "y", ...yScale },
          y2: { field: "hi" },
          color,
        },
      },
      {
        mark: { type: "line", strokeWidth: 1.8 },
        encoding: { x, y: { field: "y", type: "quantitative", ...yScale }, color },
      },
    ],
    config: defaultConfig(),
  };
  if (opts.title) spec.title = opts.title;
  return spec;
}

export interface SliderRow {
  /** value of the slider parameter this row belongs to */
  p: number;
  x: number;
  y: number;
  series: string;
}

/**
 * Lines for every value of a parameter, shown one value at a time: a vega-lite `param` bound to a
 * range slider filters the precomputed rows (`p` must equal the slider value). Static renderings
 * (SVG/PNG, GitHub) show the initial value.
 */
export function slider(
  rows: SliderRow[],
  opts: {
    param: string;
    label: string;
    values: number[];
    initial?: number;
    title?: string;
    xTitle?: string;
    yTitle?: string;
    width?: number;
    height?: number;
    yDomain?: [number, number];
    dashed?: string[];
  },
): VlSpec {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.param))
    argError("slider", "opts.param", opts.param, "an identifier");
  const vals = [...opts.values].sort((a, b) => a - b);
  if (vals.length < 2)
    argError("slider", "opts.values", vals.length, "at least two parameter values");
  const step = vals[1] - vals[0];
  for (let i = 2; i < vals.length; i++)
    if (Math.abs(vals[i] - vals[i - 1] - step) > 1e-9 * Math.max(1, Math.abs(step)))
      argError(
        "slider",
        "opts.values",
        vals.join(","),
        "an evenly spaced grid (a slider steps evenly)",
      );
  const init = opts.initial ?? vals[0];
  const names = [...new Set(rows.map((r) => r.series))];
  const encoding: VlSpec = {
    x: { field: "x", type: "quantitative", title: opts.xTitle ?? "x" },
    y: {
      field: "y",
      type: "quantitative",
      title: opts.yTitle ?? "y",
      ...(opts.yDomain ? { scale: { domain: opts.yDomain } } : {}),
    },
    color: { field: "series", type: "nominal", title: null, sort: names },
  };
  if (opts.dashed?.length)
    encoding.strokeDash = {
      condition: {
        test: `indexof(${JSON.stringify(opts.dashed)}, datum.series) >= 0`,
        value: [5, 3],
      },
      value: [1, 0],
    };
  const spec: VlSpec = {
    $schema: VEGA_LITE_SCHEMA,
    width: opts.width ?? 360,
    height: opts.height ?? 240,
    params: [
      {
        name: opts.param,
        value: init,
        bind: {
          input: "range",
          min: vals[0],
          max: vals[vals.length - 1],
          step,
          name: `${opts.label} `,
        },
      },
    ],
    data: {
      values: rows.map((r) => ({ p: clean(r.p), x: clean(r.x), y: clean(r.y), series: r.series })),
    },
    // compare with a tolerance: the slider's value is a float that need not equal the stored p
    // exactly
    transform: [{ filter: `abs(datum.p - ${opts.param}) < ${step / 2}` }],
    mark: { type: "line", strokeWidth: 1.8 },
    encoding,
    config: { ...defaultConfig(), legend: { labelFontSize: 11, labelLimit: 400 } },
  };
  if (opts.title) spec.title = opts.title;
  return spec;
}
