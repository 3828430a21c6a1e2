/**
 * One equivariance toolkit (ours; the shape follows e3nn's `assert_equivariant`, one measurement
 * used by docs and tests alike, and escnn's "a group element is a value you act with").
 *
 * A group element is a value `{ in, out, name }`: `in` acts on inputs, `out` on outputs
 * (invariance is `out` = identity). For a map f, inputs x and elements g the toolkit compares
 *
 *     lhs = f(g.in(x))      with      rhs = g.out(f(x))
 *
 * entry by entry (only the entries `mask` keeps) and reduces the difference with a named norm:
 *
 *   "maxAbs"     e = max |lhs − rhs|                                      (absolute)
 *   "relMaxAbs"  e = max |lhs − rhs| / S,  S = max |f(x)|                 (check.equivariant,
 *                per input, or pooled over all inputs with `scale: "pooled"`  bcnn.rot90Error)
 *   "relL2"      e = sqrt( Σ (lhs − rhs)² / Σ rhs² )                      (bcnn.equivarianceError)
 *
 * Sums and maxima run over the flat entries in index order, in JS doubles, so a caller that used
 * to loop the same way gets the same bits. `arithmetic: "float32"` rounds each difference to
 * float32 first, which is what a float32 tensor computation (tf.sub → tf.abs → tf.max) does.
 *
 * No tfjs here: inputs and outputs are plain values (numbers, arrays, typed arrays, or anything
 * with `shape` and `data`/`dataSync()`); callers with tensors (bcnn, frames) supply the actions
 * and a reader. That keeps `check.equivariant`, which must not load tfjs, on the same code.
 */
import { DomainError, ShapeError, domainError } from "../errors";

/** A group element acting on inputs (`in`) and on outputs (`out`); `name` labels results. */
export interface Action<X, Y> {
  in: (x: X) => X;
  out: (y: Y) => Y;
  name?: string;
}

/** The error definitions (see the file comment). */
export type NormName = "maxAbs" | "relMaxAbs" | "relL2";

/** An output read as a flat array in row-major order plus its shape. */
export interface FlatValue {
  shape: number[];
  data: ArrayLike<number>;
}

/** Which output entry is which, for `read`: f(x), f(g·x) or g·f(x). */
export type ValueRole = "f(x)" | "f(g·x)" | "g·f(x)";

export interface EquivarianceErrorOptions<X, Y> {
  /** The map under test. */
  f: (x: X) => Y;
  /** One input, or several via `inputs` (exactly one of the two). */
  x?: X;
  inputs?: readonly X[];
  /** One or several group elements. */
  actions: Action<X, Y> | readonly Action<X, Y>[];
  /** Error definition; default "relMaxAbs". */
  norm?: NormName;
  /**
   * Which output entries count: a 0/1 array over the flat output (0 = left out), or a function
   * of the output's shape returning one (e.g. a disk mask expanded over batch and channels).
   * `name` words messages ("all zeros on the disk"). Default: every entry.
   */
  mask?: MaskSpec;
  /** relMaxAbs only: S per input (default) or the largest S over all inputs ("pooled"). */
  scale?: "perInput" | "pooled";
  /**
   * A zero reference (S = 0, or Σ rhs² = 0 for relL2): "absolute" reports the numerator
   * unscaled and sets `absolute`; "throw" raises a DomainError naming f(x). Defaults: relMaxAbs
   * "absolute", relL2 "throw" (the callers' documented behaviour).
   */
  zero?: "absolute" | "throw";
  /** "require" (default): a non-finite output is a DomainError; "propagate": the error is NaN. */
  finite?: "require" | "propagate";
  /**
   * Round each difference to float32 (reproduces a float32 tensor computation); default float64.
   */
  arithmetic?: "float64" | "float32";
  /** Read an output as shape + flat data (may validate and throw); default `toFlat`. */
  read?: (y: Y, role: ValueRole, input: number) => FlatValue;
  /** The function name messages start with (default "equivarianceError"). */
  caller?: string;
  /** How messages write f(g·x) and g·f(x) (e.g. "f(R x)", "R f(x)"); defaults those. */
  labels?: { lhs?: string; rhs?: string };
}

export type MaskSpec =
  | ArrayLike<number>
  | ((shape: readonly number[]) => ArrayLike<number>)
  | { keep: ArrayLike<number> | ((shape: readonly number[]) => ArrayLike<number>); name?: string };

export interface EquivarianceErrorReport {
  norm: NormName;
  /** errors[i][k]: the error of input i under action k. */
  errors: number[][];
  /** Per action: the largest error over the inputs (with one input, the error of each action). */
  perAction: number[];
  /** Action names (`name`, or `g[k]`). */
  names: string[];
  /** The worst (input, action): the first largest error; a NaN error is always the worst. */
  worst: {
    input: number;
    action: number;
    name: string;
    error: number;
    diff: number;
    scale: number;
  };
  /** The worst error (NaN if any error is NaN). */
  max: number;
  /** Mean of all errors (inputs × actions), in input-then-action order. */
  mean: number;
  /**
   * The numerators: diff[i][k] = max|lhs − rhs| (maxAbs, relMaxAbs) or sqrt(Σ(lhs − rhs)²) (relL2).
   */
  diff: number[][];
  /**
   * The denominators: per input S (relMaxAbs; the pooled S repeated when pooled), 1 (maxAbs), or
   * per input and action sqrt(Σ rhs²) (relL2, in `refNorm`).
   */
  scale: number[];
  /** relL2 only: refNorm[i][k] = sqrt(Σ rhs²). */
  refNorm?: number[][];
  /** True when some reference was zero and its error is absolute (zero: "absolute"). */
  absolute: boolean;
}

function isDataLike(y: unknown): y is { shape: readonly number[]; data: ArrayLike<number> } {
  return (
    y !== null &&
    typeof y === "object" &&
    Array.isArray((y as { shape?: unknown }).shape) &&
    typeof (y as { data?: unknown }).data === "object"
  );
}

function isTensorLike(
  y: unknown,
): y is { shape: readonly number[]; dataSync(): ArrayLike<number> } {
  return (
    y !== null &&
    typeof y === "object" &&
    Array.isArray((y as { shape?: unknown }).shape) &&
    typeof (y as { dataSync?: unknown }).dataSync === "function"
  );
}

/**
 * The default reader: a number, a flat array or typed array, `{ shape, data }`, or a tensor-like
 * `{ shape, dataSync() }`. Nested arrays need a reader that flattens them (check.ts uses its own).
 * The data are not copied, so float32 outputs stay float32.
 */
export function toFlat(
  y: unknown,
  role: ValueRole = "f(x)",
  caller = "equivarianceError",
): FlatValue {
  if (typeof y === "number") return { shape: [], data: [y] };
  if (isDataLike(y)) return { shape: [...y.shape], data: y.data };
  if (isTensorLike(y)) return { shape: [...y.shape], data: y.dataSync() };
  if (ArrayBuffer.isView(y) && !(y instanceof DataView))
    return {
      shape: [(y as unknown as ArrayLike<number>).length],
      data: y as unknown as ArrayLike<number>,
    };
  if (Array.isArray(y) && y.every((v) => typeof v === "number"))
    return { shape: [y.length], data: y };
  throw new ShapeError(
    `${caller} ${role}`,
    "a number, a flat (typed) array, { shape, data } or a tensor (pass `read` for other values)",
    Array.isArray(y) ? [y.length] : typeof y,
  );
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

function maskOf(
  m: MaskSpec | undefined,
  shape: readonly number[],
  n: number,
  caller: string,
): ArrayLike<number> | undefined {
  if (m === undefined) return undefined;
  const spec =
    typeof m === "function" || !("keep" in (m as object))
      ? (m as ArrayLike<number> | ((s: readonly number[]) => ArrayLike<number>))
      : (m as { keep: ArrayLike<number> | ((s: readonly number[]) => ArrayLike<number>) }).keep;
  const keep = typeof spec === "function" ? spec(shape) : spec;
  if (!keep || typeof keep.length !== "number" || keep.length !== n)
    throw new ShapeError(`${caller} mask`, `${n} entries (one per output entry, 0 = left out)`, [
      keep ? keep.length : 0,
    ]);
  return keep;
}

function maskName(m: MaskSpec | undefined): string {
  return m !== undefined && typeof m === "object" && "keep" in m && m.name ? m.name : "the mask";
}

/**
 * The numerator of a norm between lhs and rhs over the kept entries: max|lhs − rhs| ("max") or
 * [Σ(lhs − rhs)², Σ rhs²] ("l2"). One loop each, flat index order.
 */
function maxAbsDiff(
  lhs: ArrayLike<number>,
  rhs: ArrayLike<number>,
  keep: ArrayLike<number> | undefined,
  f32: boolean,
): number {
  let diff = 0;
  for (let i = 0; i < lhs.length; i++) {
    if (keep && keep[i] === 0) continue;
    const d = Math.abs(f32 ? Math.fround(lhs[i]! - rhs[i]!) : lhs[i]! - rhs[i]!);
    diff = Number.isNaN(d) ? NaN : Math.max(diff, d);
  }
  return diff;
}

function maxAbs(y: ArrayLike<number>, keep: ArrayLike<number> | undefined): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    if (keep && keep[i] === 0) continue;
    s = Math.max(s, Math.abs(y[i]!));
  }
  return s;
}

function sumSquares(
  lhs: ArrayLike<number>,
  rhs: ArrayLike<number>,
  keep: ArrayLike<number> | undefined,
  f32: boolean,
): [number, number] {
  let num = 0;
  let den = 0;
  for (let i = 0; i < lhs.length; i++) {
    if (keep && keep[i] === 0) continue;
    const d = f32 ? Math.fround(lhs[i]! - rhs[i]!) : lhs[i]! - rhs[i]!;
    num += d * d;
    den += rhs[i]! * rhs[i]!;
  }
  return [num, den];
}

/**
 * max|a − b| / max|b| (max|a − b| when b ≡ 0) over the kept entries — relMaxAbs for two arrays
 * with b as the reference (e.g. bcnn.maxRelDiff). Shapes are the caller's business.
 */
export function relMaxAbs(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: { mask?: ArrayLike<number>; arithmetic?: "float64" | "float32" } = {},
): number {
  const num = maxAbsDiff(a, b, opts.mask, opts.arithmetic === "float32");
  const den = maxAbs(b, opts.mask);
  return den === 0 ? num : num / den;
}

/** sqrt(Σ(a − b)² / Σ b²) over the kept entries — relL2 for two arrays (b the reference). */
export function relL2(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: { mask?: ArrayLike<number>; arithmetic?: "float64" | "float32" } = {},
): number {
  const [num, den] = sumSquares(a, b, opts.mask, opts.arithmetic === "float32");
  return Math.sqrt(num / den);
}

function checkFinite(
  v: FlatValue,
  role: ValueRole,
  caller: string,
  input: number,
  name?: string,
): void {
  for (let i = 0; i < v.data.length; i++) {
    const d = v.data[i]!;
    if (!Number.isFinite(d))
      domainError(
        caller,
        role,
        d,
        `finite outputs (input ${input}${name ? `, ${name}` : ""}, entry ${i})`,
      );
  }
}

/**
 * The equivariance error of f over inputs × actions under a named norm (file comment). Returns
 * the per-(input, action) errors, the worst pair, max and mean. Throws DomainError for empty
 * inputs/actions, an unknown norm, non-finite outputs (unless finite: "propagate") and a zero
 * reference with zero: "throw"; ShapeError when f(g·x) and g·f(x) differ in shape or the mask
 * does not fit the output.
 */
export function equivarianceError<X, Y>(
  o: EquivarianceErrorOptions<X, Y>,
): EquivarianceErrorReport {
  const caller = o?.caller ?? "equivarianceError";
  if (!o || typeof o.f !== "function")
    throw new TypeError(`${caller}: option f (the map under test) must be a function`);
  const norm: NormName = o.norm ?? "relMaxAbs";
  if (norm !== "maxAbs" && norm !== "relMaxAbs" && norm !== "relL2")
    domainError(caller, "norm", norm, '"maxAbs", "relMaxAbs" or "relL2"');
  if (o.x !== undefined && o.inputs !== undefined)
    throw new DomainError(`${caller}: give either x or inputs, not both`);
  const xs: readonly X[] = o.inputs ?? (o.x !== undefined ? [o.x] : []);
  if (!Array.isArray(xs) || xs.length === 0)
    domainError(caller, "inputs", "[]", "an input x or a non-empty inputs array");
  const gs: readonly Action<X, Y>[] = Array.isArray(o.actions)
    ? (o.actions as readonly Action<X, Y>[])
    : o.actions
      ? [o.actions as Action<X, Y>]
      : [];
  if (gs.length === 0)
    domainError(caller, "actions", "[]", "at least one group element { in, out, name }");
  gs.forEach((g, k) => {
    if (!g || typeof g.in !== "function" || typeof g.out !== "function")
      throw new TypeError(`${caller}: actions[${k}] must be { in(x), out(y), name? }`);
  });
  const names = gs.map((g, k) => g.name ?? `g[${k}]`);
  const pooled = o.scale === "pooled";
  if (o.scale !== undefined && o.scale !== "perInput" && !pooled)
    domainError(caller, "scale", o.scale, '"perInput" or "pooled"');
  if (pooled && norm !== "relMaxAbs")
    domainError(
      caller,
      "scale",
      o.scale,
      `"perInput" (pooling is defined for relMaxAbs only, not ${norm})`,
    );
  const zero = o.zero ?? (norm === "relL2" ? "throw" : "absolute");
  const propagate = o.finite === "propagate";
  const f32 = o.arithmetic === "float32";
  const read = o.read ?? ((y: Y, role: ValueRole) => toFlat(y, role, caller));

  const diff: number[][] = [];
  const den: number[][] = [];
  const ratio: number[][] = []; // relL2: Σ(lhs − rhs)² / Σ rhs², kept for the bit-exact sqrt
  const scales: number[] = [];
  xs.forEach((x, xi) => {
    const fx = o.f(x);
    const ref = read(fx, "f(x)", xi);
    if (!propagate) checkFinite(ref, "f(x)", caller, xi);
    const keep = maskOf(o.mask, ref.shape, ref.data.length, caller);
    const s = norm === "relMaxAbs" ? maxAbs(ref.data, keep) : 1;
    scales.push(s);
    if (norm === "relMaxAbs" && !pooled && s === 0 && zero === "throw")
      domainError(
        caller,
        "f(x)",
        "all zeros",
        "an output with a non-zero value (the relative error is undefined)",
      );
    const dRow: number[] = [];
    const nRow: number[] = [];
    const rRow: number[] = [];
    gs.forEach((g, gi) => {
      const lhs = read(o.f(g.in(x)), "f(g·x)", xi);
      if (!propagate) checkFinite(lhs, "f(g·x)", caller, xi, names[gi]);
      const rhs = read(g.out(fx), "g·f(x)", xi);
      if (!sameShape(lhs.shape, rhs.shape) || lhs.data.length !== rhs.data.length) {
        const L = o.labels?.lhs ?? "f(g·x)",
          R = o.labels?.rhs ?? "g·f(x)";
        throw new ShapeError(
          `${caller} ${L}`,
          `[${rhs.shape.join(", ")}] (the shape of ${R})`,
          lhs.shape,
        );
      }
      if (norm === "relL2") {
        const [num, d2] = sumSquares(lhs.data, rhs.data, keep, f32);
        if (!(d2 > 0) && zero === "throw" && !Number.isNaN(d2)) {
          const where = o.mask !== undefined ? ` on ${maskName(o.mask)}` : "";
          const expected =
            o.mask !== undefined
              ? "an output with non-zero energy inside the mask (the relative error is undefined for a dead map)"
              : "an output with non-zero norm (the relative error is undefined)";
          domainError(caller, "f(x)", `all zeros${where} at ${names[gi]}`, expected);
        }
        dRow.push(Math.sqrt(num));
        nRow.push(Math.sqrt(d2));
        rRow.push(d2 > 0 ? num / d2 : num);
      } else {
        dRow.push(maxAbsDiff(lhs.data, rhs.data, keep, f32));
        nRow.push(s);
      }
    });
    diff.push(dRow);
    den.push(nRow);
    ratio.push(rRow);
  });

  let absolute = false;
  let S = 0;
  if (pooled) {
    for (const s of scales) S = Number.isNaN(s) ? NaN : Math.max(S, s);
    if (S === 0 && zero === "throw")
      domainError(
        caller,
        "f(x)",
        "all zeros",
        "an output with a non-zero value (the relative error is undefined)",
      );
  }
  const errors = diff.map((row, xi) =>
    row.map((d, gi) => {
      if (norm === "maxAbs") return d;
      if (norm === "relL2") {
        if (!(den[xi]![gi]! > 0) && !Number.isNaN(den[xi]![gi]!)) absolute = true;
        return den[xi]![gi]! > 0 ? Math.sqrt(ratio[xi]![gi]!) : d;
      }
      const s = pooled ? S : scales[xi]!;
      if (s === 0) {
        absolute = true;
        return d;
      }
      return d / s;
    }),
  );
  let worst = { input: 0, action: 0, error: errors[0]![0]! };
  errors.forEach((row, xi) =>
    row.forEach((e, gi) => {
      if (Number.isNaN(e) || e > worst.error) worst = { input: xi, action: gi, error: e };
    }),
  );
  const perAction = gs.map((_, gi) => {
    let m = errors[0]![gi]!;
    for (let xi = 1; xi < errors.length; xi++)
      m = Number.isNaN(errors[xi]![gi]!) ? NaN : Math.max(m, errors[xi]![gi]!);
    return m;
  });
  let sum = 0;
  for (const row of errors) for (const e of row) sum += e;
  const scaleOut = pooled ? scales.map(() => S) : scales;
  return {
    norm,
    errors,
    perAction,
    names,
    worst: {
      ...worst,
      name: names[worst.action]!,
      diff: diff[worst.input]![worst.action]!,
      scale: norm === "relL2" ? den[worst.input]![worst.action]! : scaleOut[worst.input]!,
    },
    max: worst.error,
    mean: sum / (xs.length * gs.length),
    diff,
    scale: scaleOut,
    refNorm: norm === "relL2" ? den : undefined,
    absolute,
  };
}
