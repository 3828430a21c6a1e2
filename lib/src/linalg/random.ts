/**
 * Random orthogonal matrices, one convention: the `Rng` comes after the arguments that say what to
 * draw and before optional ones (NOTATION.md). Two generators, because their draws differ:
 * `randomOrthogonal(d, rng)` for any d (Gaussian matrix, Gram–Schmidt)
 * and `randomRotation(rng, reflect)`, a 3×3 element of O(3) from a unit quaternion; computing one
 * with the other would change every result drawn with it.
 */
import { checkCount } from "../errors";
import type { Rng } from "../tensor/rng";
import type { Mat } from "./mat";
import type { Mat3 } from "./mat3";
import { zeros } from "./mat";
import { orthonormalBasis } from "./subspace";

/**
 * Random orthogonal d×d matrix (Gram–Schmidt of a Gaussian matrix filled row by row from
 * `rng.normal()`, Haar up to the sign convention).
 */
export function randomOrthogonal(d: number, rng: Rng): Mat {
  checkCount("randomOrthogonal", "d", d);
  const g = zeros(d, d);
  for (let i = 0; i < g.data.length; i++) g.data[i] = rng.normal();
  return orthonormalBasis(g);
}

/**
 * Haar-random rotation from a uniform unit quaternion (normalised 4-d Gaussian), then, if
 * `reflect`, composed with the reflection diag(1, 1, −1) so det = −1 (a Haar-random improper
 * element of O(3)).
 */
export function randomRotation(rng: Rng, reflect = false): Mat3 {
  let w = 0,
    x = 0,
    y = 0,
    z = 0,
    n = 0;
  do {
    w = rng.normal();
    x = rng.normal();
    y = rng.normal();
    z = rng.normal();
    n = Math.hypot(w, x, y, z);
  } while (n < 1e-8);
  w /= n;
  x /= n;
  y /= n;
  z /= n;
  const R = Float64Array.of(
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  );
  if (reflect) for (let i = 0; i < 3; i++) R[i * 3 + 2] = -R[i * 3 + 2];
  return R;
}
