/**
 * A minimal PNG encoder (8-bit grayscale or RGB, no interlace) and colour maps, so image-like
 * arrays (digits, filters, feature maps) can be embedded in charts as one small data URL
 * instead of one SVG rect per pixel: a 28×28 image is ~0.8 kB of PNG versus ~120 kB of rects.
 *
 * Format (PNG spec, ISO/IEC 15948): signature, IHDR (width, height, bit depth 8, colour type
 * 0 = gray or 2 = RGB), one IDAT with the zlib-deflated scanlines (each prefixed by filter
 * byte 0 = None), IEND; every chunk carries a CRC-32 of its type and data.
 */
import * as zlib from "zlib";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3 polynomial, reflected), as PNG chunks use. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encode `pixels` (row-major, `channels` bytes per pixel: 1 = gray, 3 = RGB) as PNG. */
export function encodePng(
  width: number,
  height: number,
  pixels: Uint8Array,
  channels: 1 | 3,
): Buffer {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(
      `encodePng: arguments width, height = ${width}, ${height} are out of domain; expected positive integers`,
    );
  }
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `encodePng: argument pixels has length ${pixels.length}; expected width·height·channels = ${width * height * channels}`,
    );
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // colour type
  // bytes 10–12: compression 0, filter method 0, interlace 0
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: None
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    sig,
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

export type ColorMap = "gray" | "gray_r" | "bluered" | "redblue" | "viridis";

// viridis at 11 evenly spaced stops (matplotlib's map); linear interpolation between them is
// within a few units of the 256-entry table, invisible at figure scale.
const VIRIDIS = [
  "440154",
  "482475",
  "414487",
  "355f8d",
  "2a788e",
  "21918c",
  "22a884",
  "44bf70",
  "7ad151",
  "bddf26",
  "fde725",
].map((h) => [
  parseInt(h.slice(0, 2), 16),
  parseInt(h.slice(2, 4), 16),
  parseInt(h.slice(4, 6), 16),
]);
// Diverging blue → white → red (negative blue, zero white, positive red).
const BLUERED = [
  [33, 102, 172],
  [103, 169, 207],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [239, 138, 98],
  [178, 24, 43],
];
// vega's "redblue" runs the other way: negative red, zero white, positive blue.
const REDBLUE = BLUERED.slice().reverse();

function ramp(stops: number[][], t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!,
    b = stops[i + 1]!;
  return [
    Math.round(a[0]! + f * (b[0]! - a[0]!)),
    Math.round(a[1]! + f * (b[1]! - a[1]!)),
    Math.round(a[2]! + f * (b[2]! - a[2]!)),
  ];
}

/**
 * Map values to pixels. t = (v − lo)/(hi − lo) clamped to [0, 1]; NaN → mid-gray (gray maps)
 * or white. "gray": 0 black → 1 white; "gray_r": reversed (dark ink on white paper).
 */
export function colorize(
  values: ArrayLike<number>,
  domain: [number, number],
  cmap: ColorMap,
): { pixels: Uint8Array; channels: 1 | 3 } {
  const [lo, hi] = domain;
  const span = hi - lo;
  const t = (v: number) => (span > 0 ? (v - lo) / span : 0.5);
  const n = values.length;
  if (cmap === "gray" || cmap === "gray_r") {
    const px = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      const g = Number.isNaN(v) ? 0.5 : Math.min(1, Math.max(0, t(v)));
      px[i] = Math.round(255 * (cmap === "gray" ? g : 1 - g));
    }
    return { pixels: px, channels: 1 };
  }
  const stops = cmap === "viridis" ? VIRIDIS : cmap === "redblue" ? REDBLUE : BLUERED;
  const px = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const c = Number.isNaN(v) ? [255, 255, 255] : ramp(stops, t(v));
    px[3 * i] = c[0]!;
    px[3 * i + 1] = c[1]!;
    px[3 * i + 2] = c[2]!;
  }
  return { pixels: px, channels: 3 };
}
