/**
 * Text widths from the shipped DejaVu Sans, for headless vega.
 *
 * Without node-canvas vega estimates a string's width as 0.8 × font size per character. DejaVu
 * Sans averages about 0.55–0.6 em, so every label was laid out ~35% too wide: saved SVGs came out
 * 3–40% wider than the live charts, and legend labels hit their length limit and were cut with "…"
 * in the files although they fit on screen. vega lets a user-defined `textMetrics.width` replace
 * the estimate (vl-convert does the same); we give it the advance widths of the font the PNG is
 * actually drawn with (resvg, lib/assets/fonts), read from the TrueType tables:
 *   head.unitsPerEm, hhea.numberOfHMetrics, hmtx advance widths, cmap (format 4 or 12) code
 *   point → glyph. Kerning is ignored (a fraction of a pixel per label).
 * Bold text (titles: fontWeight "bold" or ≥ 600) uses DejaVuSans-Bold.ttf.
 */
import * as fs from "fs";
import * as path from "path";

export interface FontMetrics {
  unitsPerEm: number;
  /** Advance width of a code point in font units (missing glyphs: glyph 0's advance). */
  advance(codePoint: number): number;
}

function tables(buf: Buffer): Map<string, { offset: number; length: number }> {
  const n = buf.readUInt16BE(4);
  const out = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < n; i++) {
    const rec = 12 + 16 * i;
    out.set(buf.toString("latin1", rec, rec + 4), {
      offset: buf.readUInt32BE(rec + 8),
      length: buf.readUInt32BE(rec + 12),
    });
  }
  return out;
}

/**
 * Parse the metrics of a TrueType font file. Throws Error naming the file when a table is missing.
 */
export function readFontMetrics(file: string): FontMetrics {
  const buf = fs.readFileSync(file);
  const t = tables(buf);
  const need = (tag: string) => {
    const x = t.get(tag);
    if (!x)
      throw new Error(`readFontMetrics: ${file} has no "${tag}" table; expected a TrueType font`);
    return x;
  };
  const head = need("head"),
    hhea = need("hhea"),
    hmtx = need("hmtx"),
    cmap = need("cmap");
  const unitsPerEm = buf.readUInt16BE(head.offset + 18);
  const nMetrics = buf.readUInt16BE(hhea.offset + 34);
  const adv = (glyph: number) => buf.readUInt16BE(hmtx.offset + 4 * Math.min(glyph, nMetrics - 1));

  // Pick a Unicode subtable: (3,10) format 12 (full range) if present, else (3,1)/(0,x) format 4.
  const nSub = buf.readUInt16BE(cmap.offset + 2);
  let f12: number | undefined, f4: number | undefined;
  for (let i = 0; i < nSub; i++) {
    const rec = cmap.offset + 4 + 8 * i;
    const platform = buf.readUInt16BE(rec),
      encoding = buf.readUInt16BE(rec + 2);
    const off = cmap.offset + buf.readUInt32BE(rec + 4);
    const format = buf.readUInt16BE(off);
    if (format === 12 && (platform === 3 || platform === 0)) f12 ??= off;
    if (format === 4 && ((platform === 3 && encoding === 1) || platform === 0)) f4 ??= off;
  }
  if (f12 === undefined && f4 === undefined)
    throw new Error(`readFontMetrics: ${file} has no Unicode cmap subtable (format 4 or 12)`);

  const glyphOf = (cp: number): number => {
    if (f12 !== undefined) {
      const nGroups = buf.readUInt32BE(f12 + 12);
      let lo = 0,
        hi = nGroups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1,
          g = f12 + 16 + 12 * mid;
        const start = buf.readUInt32BE(g),
          end = buf.readUInt32BE(g + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return buf.readUInt32BE(g + 8) + (cp - start);
      }
      return 0;
    }
    const off = f4!;
    if (cp > 0xffff) return 0;
    const segX2 = buf.readUInt16BE(off + 6);
    const ends = off + 14,
      starts = ends + segX2 + 2,
      deltas = starts + segX2,
      ranges = deltas + segX2;
    for (let s = 0; s < segX2; s += 2) {
      if (cp > buf.readUInt16BE(ends + s)) continue;
      const start = buf.readUInt16BE(starts + s);
      if (cp < start) return 0;
      const delta = buf.readInt16BE(deltas + s),
        ro = buf.readUInt16BE(ranges + s);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = buf.readUInt16BE(ranges + s + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advance(cp: number): number {
      let a = cache.get(cp);
      if (a === undefined) {
        a = adv(glyphOf(cp));
        cache.set(cp, a);
      }
      return a;
    },
  };
}

/** Width in px of `text` at `fontSize` px. */
export function textWidth(m: FontMetrics, text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) units += m.advance(ch.codePointAt(0)!);
  return (units / m.unitsPerEm) * fontSize;
}

let regular: FontMetrics | undefined;
let bold: FontMetrics | undefined;

/** True when vega's own `truncate` is the caller (it needs raw widths of prefixes). */
function calledFromTruncate(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 4;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  return /\bat truncate\b/.test(stack);
}

/**
 * `s` cut to `limit` px with an ellipsis, by vega-scenegraph 5's rule (its `truncate`, left to
 * right): the longest prefix whose width stays below limit − width("…").
 */
function truncated(
  width: (t: string) => number,
  s: string,
  limit: number,
  ellipsis: string,
): string {
  if (width(s) < limit) return s;
  const room = limit - width(ellipsis);
  let lo = 0,
    hi = s.length;
  while (lo < hi) {
    const mid = 1 + ((lo + hi) >>> 1);
    if (width(s.slice(0, mid)) < room) lo = mid;
    else hi = mid - 1;
  }
  return s.slice(0, lo) + ellipsis;
}

/**
 * vega text item → width in px, with the shipped DejaVu Sans (regular or bold).
 *
 * Like vega's canvas measurement, the width is that of the text as drawn, i.e. after cutting it
 * to the item's `limit` (legend labels: 160 px) — except when vega's `truncate` itself asks, which
 * needs raw widths (vega routes a user-defined width function through both paths; we tell them
 * apart by the caller).
 */
export function dejaVuWidth(fontDir: string) {
  regular ??= readFontMetrics(path.join(fontDir, "DejaVuSans.ttf"));
  bold ??= readFontMetrics(path.join(fontDir, "DejaVuSans-Bold.ttf"));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (item: any, text?: unknown): number => {
    const size = item && item.fontSize != null ? +item.fontSize : 11;
    let s = text !== undefined ? text : item?.text;
    if (Array.isArray(s)) s = s.join(" ");
    const str = s == null ? "" : String(s);
    if (!(size > 0) || str === "") return 0;
    const w = item?.fontWeight;
    const isBold =
      w === "bold" ||
      w === "bolder" ||
      (typeof w === "number" && w >= 600) ||
      (typeof w === "string" && +w >= 600);
    const m = isBold ? bold! : regular!;
    const raw = (t: string) => textWidth(m, t, size);
    const limit = item && item.limit != null ? +item.limit : 0;
    if (!(limit > 0) || calledFromTruncate()) return raw(str);
    return raw(truncated(raw, str.trim(), limit, item.ellipsis || "\u2026"));
  };
}

/** Make `vega` measure text with the shipped font (idempotent). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function useShippedFontMetrics(vega: any, fontDir: string): void {
  const tm = vega?.textMetrics;
  if (!tm || tm.__besselbook) return;
  tm.width = dejaVuWidth(fontDir);
  tm.__besselbook = true;
}
