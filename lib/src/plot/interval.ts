/**
 * Charts of results with their uncertainty, from the Summaries of stats.summarize / overSeeds /
 * parallelSeeds: a band (or error bars) for each series over x, and points with error bars per
 * category. Each chart states the interval in its subtitle (level, method, runs), so a reader
 * knows what the shaded area means.
 *
 *   plot.band({ x: angles, series: { "B-CNN": accSummaries, CNN: cnnSummaries }, xTitle: "angle" })
 *   plot.errorbars({ categories: ["CNN", "B-CNN"], summaries: [s1, s2], yTitle: "accuracy" })
 */
import { DomainError } from "../errors";
import type { Summary } from "../stats";
import {
  clean,
  CommonOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  defaultConfig,
  VEGA_LITE_SCHEMA,
  VlSpec,
} from "./spec";

function scale(type: string | undefined, domain: [number, number] | undefined): VlSpec | undefined {
  const s: VlSpec = {};
  if (type && type !== "linear") s.type = type;
  if (domain) s.domain = [domain[0], domain[1]];
  if (!type || type === "linear") s.zero = false;
  return Object.keys(s).length ? s : undefined;
}

function withScale(enc: VlSpec, s: VlSpec | undefined): VlSpec {
  return s ? { ...enc, scale: s } : enc;
}

/**
 * A title whose subtitle says what the interval is (vega drops a subtitle under an empty title).
 */
function titled(title: string | undefined, note: string): VlSpec {
  return title
    ? { text: title, subtitle: note }
    : { text: note, fontSize: 11, fontWeight: "normal" };
}

function checkSummary(s: Summary, where: string): void {
  if (s === null || typeof s !== "object" || ![s.mean, s.lo, s.hi].every(Number.isFinite)) {
    throw new DomainError(
      `${where}: expected a Summary with finite mean, lo and hi (from stats.summarize)`,
    );
  }
}

/** "95% CI, Student t, 4 df" for a chart subtitle; "mixed" when the series differ. */
function intervalNote(all: Summary[]): string {
  const kinds = new Set(all.map((s) => `${Math.round(s.level * 100)}% CI, ${s.method}`));
  return kinds.size === 1 ? `shaded: ${[...kinds][0]}` : `shaded: ${[...kinds].join(" / ")}`;
}

export interface BandOptions extends CommonOptions {
  /** Shared x values. */
  x: ArrayLike<number>;
  /** Series name → one Summary per x (e.g. stats.summarizeSeries(runs.series.curve)). */
  series: Record<string, Summary[]>;
  /** Error bars at each x instead of a continuous band (sparse x). */
  bars?: boolean;
  seriesTitle?: string;
  /**
   * Fixed line/band colour per series name (CSS colour), e.g. to keep a model's colour across
   * charts.
   */
  colors?: Record<string, string>;
  /**
   * Series drawn dashed (e.g. the untrained networks next to the trained ones): a list of names
   * (one dash pattern), or name → dash pattern (e.g. [6, 3], [2, 2]) so that dashed series that
   * overlap stay distinguishable.
   */
  dashed?: string[] | Record<string, number[]>;
  /** Appended to the interval subtitle, e.g. "bands clipped to [0, 1]". */
  note?: string;
}

/** vega-lite's default categorical palette (tableau10), used for series without a fixed colour. */
const PALETTE = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
  "#ff9da6",
  "#9d755d",
  "#bab0ac",
];

/**
 * Mean line per series with its confidence band (or error bars); tooltips show mean and interval.
 */
export function band(opts: BandOptions): VlSpec {
  const xs = Array.from(opts.x, Number);
  const names = Object.keys(opts.series);
  if (names.length === 0)
    throw new DomainError("plot.band: argument series is empty; expected name → Summary[]");
  const values: VlSpec[] = [];
  const all: Summary[] = [];
  for (const name of names) {
    const ss = opts.series[name]!;
    if (ss.length !== xs.length)
      throw new DomainError(
        `plot.band: series "${name}" has ${ss.length} summaries for ${xs.length} x values`,
      );
    ss.forEach((s, i) => {
      checkSummary(s, `plot.band series "${name}"[${i}]`);
      all.push(s);
      values.push({
        x: clean(xs[i]!),
        mean: clean(s.mean),
        lo: clean(s.lo),
        hi: clean(s.hi),
        n: s.n,
        series: name,
      });
    });
  }
  const x = withScale(
    { field: "x", type: "quantitative", title: opts.xTitle ?? "x" },
    scale(opts.xScale, opts.xDomain),
  );
  const y = withScale(
    { field: "mean", type: "quantitative", title: opts.yTitle ?? "mean" },
    scale(opts.yScale, opts.yDomain),
  );
  // legend swatches in the line colour (full opacity), not the band's pale fill
  const color: VlSpec = {
    field: "series",
    type: "nominal",
    title: opts.seriesTitle ?? null,
    sort: names,
    legend: { symbolOpacity: 1 },
  };
  if (opts.colors !== undefined) {
    if (opts.colors === null || typeof opts.colors !== "object")
      throw new DomainError(
        "plot.band: argument colors must be an object series name → CSS colour",
      );
    for (const k of Object.keys(opts.colors))
      if (!names.includes(k))
        throw new DomainError(`plot.band: argument colors names "${k}", which is not a series`);
    color.scale = {
      domain: names,
      range: names.map((n, i) => opts.colors![n] ?? PALETTE[i % PALETTE.length]),
    };
  }
  let dash: VlSpec | undefined;
  if (opts.dashed !== undefined) {
    if (opts.dashed === null || typeof opts.dashed !== "object")
      throw new DomainError(
        "plot.band: argument dashed must be an array of series names or an object name → dash pattern",
      );
    const pattern: Record<string, number[]> = Array.isArray(opts.dashed)
      ? Object.fromEntries(opts.dashed.map((k) => [k, [6, 3]]))
      : opts.dashed;
    for (const [k, d] of Object.entries(pattern)) {
      if (!names.includes(k))
        throw new DomainError(`plot.band: argument dashed names "${k}", which is not a series`);
      if (!Array.isArray(d) || d.length === 0 || !d.every((v) => Number.isFinite(v) && v >= 0))
        throw new DomainError(
          `plot.band: argument dashed["${k}"] must be a dash pattern of finite lengths ≥ 0`,
        );
    }
    // same field and title as the colour channel, so vega-lite merges the two legends into one
    dash = {
      field: "series",
      type: "nominal",
      title: opts.seriesTitle ?? null,
      sort: names,
      scale: { domain: names, range: names.map((n) => pattern[n] ?? [1, 0]) },
    };
    // line swatches in the legend, so that the dash pattern shows there too
    color.legend = {
      symbolOpacity: 1,
      symbolType: "stroke",
      symbolStrokeWidth: 2.5,
      symbolSize: 400,
    };
  }
  const tooltip = [
    { field: "series", type: "nominal" },
    { field: "x", type: "quantitative" },
    { field: "mean", type: "quantitative", format: ".4g" },
    { field: "lo", type: "quantitative", format: ".4g" },
    { field: "hi", type: "quantitative", format: ".4g" },
    { field: "n", type: "quantitative", title: "runs" },
  ];
  const spread = opts.bars
    ? {
        mark: { type: "errorbar", ticks: true },
        encoding: {
          x,
          y: { field: "lo", type: "quantitative", title: opts.yTitle ?? "mean" },
          y2: { field: "hi" },
          color,
        },
      }
    : {
        mark: { type: "area", opacity: 0.22 },
        encoding: {
          x,
          y: { field: "lo", type: "quantitative", title: opts.yTitle ?? "mean" },
          y2: { field: "hi" },
          color,
        },
      };
  const spec: VlSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: titled(opts.title, opts.note ? `${intervalNote(all)}; ${opts.note}` : intervalNote(all)),
    width: opts.width ?? DEFAULT_WIDTH,
    height: opts.height ?? DEFAULT_HEIGHT,
    data: { values },
    layer: [
      spread,
      {
        mark: { type: "line", point: Boolean(opts.bars), strokeWidth: 1.8 },
        encoding: { x, y, color, tooltip, ...(dash ? { strokeDash: dash } : {}) },
      },
    ],
    config: defaultConfig(),
  };
  return spec;
}

export interface ErrorbarOptions extends CommonOptions {
  categories: string[];
  summaries: Summary[];
  /** Optional reference value drawn as a dashed rule (e.g. chance level, a paper's number). */
  reference?: { value: number; label: string };
}

/** One point per category with its confidence interval as an error bar. */
export function errorbars(opts: ErrorbarOptions): VlSpec {
  if (opts.categories.length !== opts.summaries.length || opts.categories.length === 0) {
    throw new DomainError(
      `plot.errorbars: ${opts.categories.length} categories for ${opts.summaries.length} summaries; expected equal, non-zero counts`,
    );
  }
  const values = opts.categories.map((c, i) => {
    const s = opts.summaries[i]!;
    checkSummary(s, `plot.errorbars summaries[${i}]`);
    return { category: c, mean: clean(s.mean), lo: clean(s.lo), hi: clean(s.hi), n: s.n };
  });
  const x = {
    field: "category",
    type: "nominal",
    title: opts.xTitle ?? null,
    sort: opts.categories,
    axis: { labelAngle: 0 },
  };
  const yTitle = opts.yTitle ?? "mean";
  const y = withScale(
    { field: "mean", type: "quantitative", title: yTitle },
    scale(opts.yScale, opts.yDomain),
  );
  const layers: VlSpec[] = [
    {
      mark: { type: "errorbar", ticks: true },
      encoding: { x, y: { field: "lo", type: "quantitative", title: yTitle }, y2: { field: "hi" } },
    },
    {
      mark: { type: "point", filled: true, size: 60 },
      encoding: {
        x,
        y,
        tooltip: [
          { field: "category", type: "nominal" },
          { field: "mean", type: "quantitative", format: ".4g" },
          { field: "lo", type: "quantitative", format: ".4g" },
          { field: "hi", type: "quantitative", format: ".4g" },
          { field: "n", type: "quantitative", title: "runs" },
        ],
      },
    },
  ];
  if (opts.reference) {
    layers.push({
      data: { values: [{ v: opts.reference.value, label: opts.reference.label }] },
      mark: { type: "rule", strokeDash: [5, 3], color: "#888" },
      encoding: {
        y: { field: "v", type: "quantitative" },
        tooltip: [{ field: "label", type: "nominal" }],
      },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titled(opts.title, `bars: ${intervalNote(opts.summaries).replace(/^shaded: /, "")}`),
    width: opts.width ?? Math.max(160, 70 * opts.categories.length),
    height: opts.height ?? DEFAULT_HEIGHT,
    data: { values },
    layer: layers,
    config: defaultConfig(),
  };
}
