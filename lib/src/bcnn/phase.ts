/**
 * The phase law of the Fourier–Bessel basis, measured (ours; the derivation is notebook 04 §4–5).
 *
 *  - On the sampled K×K grid a quarter turn maps pixels onto pixels, so
 *    ψ_{ν,j}(R₉₀ p) = e^{iνπ/2} ψ_{ν,j}(p) holds sample by sample: `quarterTurnPhaseError`.
 *  - Rotating an image by α multiplies its coefficients by e^{−iνα}: `phaseLaw` measures the
 *    relative deviation ‖c(α) − e^{−iνα}c(0)‖ / ‖c(0)‖ and, per order, the unwrapped phase of the
 *    strongest coefficient along α (to compare with the straight line −να).
 *
 * Used by notebook 04 and by test/bcnn.test.ts (one home for the loop both used to spell out).
 */
import type { BesselMode, FourierBesselBasis } from "./basis";
import { domainError, ShapeError } from "../errors";

/** Coefficients indexed like a mode list: `re[m]`, `im[m]`. */
export interface ModeCoefficients {
  readonly re: ArrayLike<number>;
  readonly im: ArrayLike<number>;
}

/**
 * Largest deviation from the quarter-turn phase law on a sampled basis (float64 rounding for a
 * correct basis, order one for a wrong phase or a mis-sampled grid):
 *
 *     max over pixels p, modes m of |ψ_m(q) − e^{iν_m π/2} ψ_m(p)|  (real and imaginary part),
 *
 * where q = (K − 1 − col)·K + row is pixel p = row·K + col after a counter-clockwise quarter turn
 * ((x, y) = (col − c, c − row) ↦ (−y, x)). `basis` is a `fourierBesselBasis` (or any object with
 * its `kernelSize`, `modes`, `re`, `im` layout: `re[p·M + m]`).
 */
export function quarterTurnPhaseError(
  basis: Pick<FourierBesselBasis, "kernelSize" | "modes" | "re" | "im">,
): number {
  const fn = "quarterTurnPhaseError";
  if (basis === null || typeof basis !== "object")
    domainError(fn, "basis", basis, "a sampled basis from fourierBesselBasis");
  const K = basis.kernelSize;
  if (!(Number.isInteger(K) && K >= 1)) domainError(fn, "basis.kernelSize", K, "an integer ≥ 1");
  if (!Array.isArray(basis.modes) || basis.modes.length === 0)
    domainError(fn, "basis.modes", basis.modes, "a non-empty array of modes");
  const M = basis.modes.length;
  for (const [name, arr] of [
    ["basis.re", basis.re],
    ["basis.im", basis.im],
  ] as const) {
    if (arr === null || typeof arr !== "object" || arr.length !== K * K * M) {
      throw new ShapeError(
        `${fn}: ${name}`,
        `[K·K·M] = [${K * K * M}] (K = ${K}, M = ${M})`,
        String(arr?.length),
      );
    }
  }
  const { re, im, modes } = basis;
  let worst = 0;
  for (let r = 0; r < K; r++)
    for (let c = 0; c < K; c++) {
      const p = r * K + c,
        q = (K - 1 - c) * K + r; // q = position of p after a quarter turn
      modes.forEach((m, i) => {
        const cr = Math.cos((m.nu * Math.PI) / 2),
          ci = Math.sin((m.nu * Math.PI) / 2);
        worst = Math.max(
          worst,
          Math.abs(re[q * M + i] - (cr * re[p * M + i] - ci * im[p * M + i])),
          Math.abs(im[q * M + i] - (ci * re[p * M + i] + cr * im[p * M + i])),
        );
      });
    }
  if (Number.isNaN(worst)) domainError(fn, "basis.re/im", "NaN entries", "finite sampled values");
  return worst;
}

/** What `phaseLaw` measured. */
export interface PhaseLaw {
  /** ‖c(α) − e^{−iνα}c(0)‖ / ‖c(0)‖ per angle of `anglesDeg` (all modes). */
  readonly relErrors: number[];
  /** Per requested order: the index (into `modes`) of its strongest coefficient at α = 0. */
  readonly strongest: { nu: number; i: number }[];
  /**
   * Per requested order, per angle: arg c_i(α)/c_i(0) in **radians**, unwrapped along α (each
   * step moved by a multiple of 2π to within π of the previous angle's value, starting from 0),
   * so that it can be compared with the straight line −να.
   */
  readonly phases: number[][];
}

/**
 * Measure the phase law c_{ν,j}(I_α) = e^{−iνα} c_{ν,j}(I) on coefficients computed at each angle.
 *
 * `coeffsAt(angleDeg)` returns the coefficients (indexed like `modes`) of the input rotated
 * counter-clockwise by `angleDeg` degrees — e.g. `besselCoefficients` of a glyph rendered at that
 * angle; it is called once for the reference α = 0 and once per entry of `anglesDeg`, in order.
 * For each order in `orders` the strongest coefficient at α = 0 is followed (its phase is the
 * least affected by sampling noise). Angles are visited in the given order; unwrapping assumes
 * consecutive angles turn the followed phases by less than π.
 */
export function phaseLaw(
  coeffsAt: (angleDeg: number) => ModeCoefficients,
  modes: readonly BesselMode[],
  anglesDeg: readonly number[],
  opts: { orders?: readonly number[] } = {},
): PhaseLaw {
  const fn = "phaseLaw";
  if (typeof coeffsAt !== "function")
    domainError(fn, "coeffsAt", coeffsAt, "a function angleDeg → { re, im }");
  if (!Array.isArray(modes) || modes.length === 0)
    domainError(fn, "modes", modes, "a non-empty array of modes");
  if (!Array.isArray(anglesDeg) || anglesDeg.length === 0)
    domainError(fn, "anglesDeg", anglesDeg, "a non-empty array of angles (degrees)");
  for (const a of anglesDeg)
    if (!Number.isFinite(a)) domainError(fn, "anglesDeg", a, "finite angles (degrees)");
  const orders =
    opts.orders ??
    [...new Set(modes.filter((m) => m.nu > 0).map((m) => m.nu))].sort((x, y) => x - y);
  for (const nu of orders) {
    if (!modes.some((m) => m.nu === nu))
      domainError(
        fn,
        "opts.orders",
        nu,
        `orders present in modes (${[...new Set(modes.map((m) => m.nu))].join(", ")})`,
      );
  }
  const get = (a: number): ModeCoefficients => {
    const c = coeffsAt(a);
    if (
      c === null ||
      typeof c !== "object" ||
      c.re?.length !== modes.length ||
      c.im?.length !== modes.length
    ) {
      throw new ShapeError(
        `${fn}: coeffsAt(${a})`,
        `{ re, im } of length ${modes.length} (one per mode)`,
        c === null || typeof c !== "object"
          ? String(c)
          : `lengths ${c.re?.length}, ${c.im?.length}`,
      );
    }
    return c;
  };
  const deg = Math.PI / 180;
  const c0 = get(0);
  const cnorm = Math.sqrt(modes.reduce((s, _, i) => s + c0.re[i] ** 2 + c0.im[i] ** 2, 0));
  if (!(cnorm > 0))
    domainError(
      fn,
      "coeffsAt(0)",
      `coefficients of norm ${cnorm}`,
      "a non-zero, finite reference (an input the modes see)",
    );
  const strongest = orders.map((nu) => {
    // the largest |c_ν,j| of order ν: its phase is the least affected by sampling noise
    let best = -1;
    modes.forEach((m, i) => {
      if (
        m.nu === nu &&
        (best < 0 || Math.hypot(c0.re[i], c0.im[i]) > Math.hypot(c0.re[best], c0.im[best]))
      )
        best = i;
    });
    return { nu, i: best };
  });
  const relErrors: number[] = [];
  const phases: number[][] = strongest.map(() => []);
  const prev = strongest.map(() => 0);
  for (const a of anglesDeg) {
    const c = get(a);
    let e2 = 0;
    modes.forEach((m, i) => {
      const pr = Math.cos(-m.nu * a * deg),
        pi = Math.sin(-m.nu * a * deg);
      e2 +=
        (c.re[i] - (pr * c0.re[i] - pi * c0.im[i])) ** 2 +
        (c.im[i] - (pr * c0.im[i] + pi * c0.re[i])) ** 2;
    });
    relErrors.push(Math.sqrt(e2) / cnorm);
    strongest.forEach(({ i }, s) => {
      // arg(c(α)/c(0)), unwrapped along α so it can be compared with the straight line −να
      let ph = Math.atan2(
        c.im[i] * c0.re[i] - c.re[i] * c0.im[i],
        c.re[i] * c0.re[i] + c.im[i] * c0.im[i],
      );
      while (ph - prev[s] > Math.PI) ph -= 2 * Math.PI;
      while (ph - prev[s] < -Math.PI) ph += 2 * Math.PI;
      prev[s] = ph;
      phases[s].push(ph);
    });
  }
  return { relErrors, strongest, phases };
}
