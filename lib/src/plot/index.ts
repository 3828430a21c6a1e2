/**
 * vega-lite v5 chart builders and headless rendering.
 *
 *   const c = plot.line({ x, y: { J0: j0, J1: j1 }, xTitle: "x" });
 *   show(c, { name: "bessel_j" });          // in a notebook: displays and writes the files
 *   writeFigure(c, "bessel_j");             // files only
 */
export {
  line,
  scatter,
  histogram,
  heatmap,
  image,
  bar,
  hconcat,
  vconcat,
  grid,
  layer,
  isVegaLiteSpec,
  defaultConfig,
  clean,
  VEGA_LITE_SCHEMA,
  FONT_FAMILY,
  DEFAULT_WIDTH,
  DEFAULT_HEIGHT,
} from "./spec";
export type {
  VlSpec,
  Scale,
  CommonOptions,
  Series,
  LineOptions,
  ScatterOptions,
  HistogramOptions,
  HeatmapOptions,
  ImageOptions,
  BarOptions,
} from "./spec";
export { slider, SLIDER_FIELD } from "./interactive";
export type { SliderOptions, SliderValue } from "./interactive";
export { band, errorbars } from "./interval";
export type { BandOptions, ErrorbarOptions } from "./interval";
export {
  toSvg,
  toSvgSync,
  toPng,
  writeFigure,
  compile,
  normalizeSpec,
  normalizeIds,
  FONT_DIR,
} from "./render";
export type { PngOptions, FigureFiles } from "./render";
export { encodePng, colorize, crc32 } from "./png";
export type { ColorMap } from "./png";
