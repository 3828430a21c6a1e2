/**
 * Second "modality" for the real-data experiment: a view of an image that shares its content but
 * not its pixels. The edge map is the Sobel gradient magnitude (Sobel & Feldman 1968),
 *   G = sqrt((K_x * I)² + (K_y * I)²),  K_x = [[−1,0,1],[−2,0,2],[−1,0,1]], K_y = K_xᵀ,
 * with zero padding, scaled so each image's maximum is 1. It keeps outlines and drops fill, so two
 * different encoders have to learn a shared notion of shape.
 */
import { ShapeError } from "../errors";
import { checkCount } from "./errors";

/**
 * Sobel edge maps of n images [n, h, w] (row-major, float32) → same shape, each scaled to max 1.
 */
export function edgeMaps(images: Float32Array, n: number, h: number, w: number): Float32Array {
  checkCount("edgeMaps", "n", n);
  checkCount("edgeMaps", "h", h);
  checkCount("edgeMaps", "w", w);
  if (images.length !== n * h * w)
    throw new ShapeError("edgeMaps images", `[${n}, ${h}, ${w}] = ${n * h * w} values`, [
      images.length,
    ]);
  const out = new Float32Array(images.length);
  const px = (base: number, y: number, x: number) =>
    y < 0 || y >= h || x < 0 || x >= w ? 0 : images[base + y * w + x];
  for (let i = 0; i < n; i++) {
    const base = i * h * w;
    let mx = 0;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const gx =
          px(base, y - 1, x + 1) +
          2 * px(base, y, x + 1) +
          px(base, y + 1, x + 1) -
          px(base, y - 1, x - 1) -
          2 * px(base, y, x - 1) -
          px(base, y + 1, x - 1);
        const gy =
          px(base, y + 1, x - 1) +
          2 * px(base, y + 1, x) +
          px(base, y + 1, x + 1) -
          px(base, y - 1, x - 1) -
          2 * px(base, y - 1, x) -
          px(base, y - 1, x + 1);
        const g = Math.sqrt(gx * gx + gy * gy);
        out[base + y * w + x] = g;
        if (g > mx) mx = g;
      }
    if (mx > 0) for (let k = 0; k < h * w; k++) out[base + k] /= mx;
  }
  return out;
}
