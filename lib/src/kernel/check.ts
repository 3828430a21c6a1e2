/**
 * Numerical checks shared by notebooks and unit tests. Each prints ONE line
 * `✓ what: value (tol …)` on success and throws CheckError with the numbers on failure, so a
 * re-executed notebook fails loudly when a result drifts.
 *
 * Inputs ("numeric"): number, nested number arrays, Float32Array/Float64Array/other typed arrays,
 * arrays of typed arrays, and tfjs tensors (read with dataSync; shape taken from the tensor).
 */
import { CheckError, ShapeError } from "../errors";

/** Anything check can read as an n-d array of numbers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Numeric = number | ArrayLike<number> | ArrayLike<ArrayLike<number>> | ArrayLike<any> | { shape: number[]; dataSync(): ArrayLike<number> };

interface Flat {
  shape: number[];
  data: Float64Array;
}

function isTensorLike(x: unknown): x is { shape: number[]; dataSync(): ArrayLike<number> } {
  return x !== null && typeof x === "object" && typeof (x as { dataSync?: unknown }).dataSync === "function" && Array.isArray((x as { shape?: unknown }).shape);
}

/** Flatten a numeric value to (shape, float64 data); ragged nesting is a ShapeError. */
export function flatten(x: unknown, what = "value"): Flat {
  if (typeof x === "number") return { shape: [], data: Float64Array.of(x) };
  if (typeof x === "boolean") return { shape: [], data: Float64Array.of(x ? 1 : 0) };
  if (isTensorLike(x)) return { shape: [...x.shape], data: Float64Array.from(x.dataSync(), Number) };
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const a = x as unknown as ArrayLike<number>;
    return { shape: [a.length], data: Float64Array.from(a, Number) };
  }
  if (Array.isArray(x)) {
    if (x.length === 0) return { shape: [0], data: new Float64Array(0) };
    const parts = x.map((e, i) => flatten(e, `${what}[${i}]`));
    const inner = parts[0]!.shape;
    parts.forEach((p, i) => {
      if (p.shape.length !== inner.length || p.shape.some((d, k) => d !== inner[k])) {
        throw new ShapeError(`${what}[${i}]`, `[${inner.join(", ")}] like ${what}[0] (ragged arrays are not numeric)`, p.shape);
      }
    });
    const data = new Float64Array(parts.length * parts[0]!.data.length);
    parts.forEach((p, i) => data.set(p.data, i * p.data.length));
    return { shape: [x.length, ...inner], data };
  }
  throw new TypeError(`check: ${what} is ${x === null ? "null" : typeof x}; expected a number, array, typed array or tfjs tensor`);
}

/** Format a number compactly for check lines: 3 significant digits, exponent when tiny/huge. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e6 ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

function indexOf(flat: number, shape: number[]): string {
  if (shape.length === 0) return "";
  const idx: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    idx.unshift(flat % shape[k]!);
    flat = Math.floor(flat / shape[k]!);
  }
  return `[${idx.join(", ")}]`;
}

function pass(line: string): void {
  console.log(`✓ ${line}`);
}

function requireWhat(what: unknown, fn: string): string {
  if (typeof what !== "string" || what.trim() === "") {
    throw new TypeError(`check.${fn}: option what is required (a short description printed with the result)`);
  }
  return what;
}

export interface CloseOptions {
  /** Absolute tolerance (default 0). */
  atol?: number;
  /** Relative tolerance, scaled by |expected| (default 1e-9). */
  rtol?: number;
  /** Printed description, e.g. "J0(1) vs A&S". */
  what: string;
}

/**
 * |actual − expected| ≤ atol + rtol·|expected| elementwise (numpy.isclose convention; NaN
 * matches only NaN). Shapes must match exactly (a scalar expected is NOT broadcast: compare
 * like with like). Returns nothing (tslab would echo a returned number when the check ends a
 * cell; the ✓ line already shows it).
 */
function close(actual: Numeric, expected: Numeric, opts: CloseOptions): void {
  const what = requireWhat(opts?.what, "close");
  const atol = opts.atol ?? 0;
  const rtol = opts.rtol ?? 1e-9;
  if (!(atol >= 0 && Number.isFinite(atol))) throw new RangeError(`check.close: argument atol = ${atol} is out of domain; expected a finite number ≥ 0`);
  if (!(rtol >= 0 && Number.isFinite(rtol))) throw new RangeError(`check.close: argument rtol = ${rtol} is out of domain; expected a finite number ≥ 0`);
  const a = flatten(actual, "actual");
  const e = flatten(expected, "expected");
  if (a.shape.length !== e.shape.length || a.shape.some((d, k) => d !== e.shape[k])) {
    throw new ShapeError(`check.close (${what}) actual`, `[${e.shape.join(", ")}] (the shape of expected)`, a.shape);
  }
  let maxAbs = 0;
  let worst = -1;
  let worstExcess = -Infinity;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!, y = e.data[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      worst = i; worstExcess = Infinity; maxAbs = NaN;
      break;
    }
    const d = x === y ? 0 : Math.abs(x - y); // x === y also covers equal infinities
    if (d > maxAbs) maxAbs = d;
    const excess = d - (atol + rtol * Math.abs(y));
    if (excess > worstExcess) { worstExcess = excess; worst = i; }
  }
  const tol = `atol ${fmt(atol)}, rtol ${fmt(rtol)}`;
  const n = a.data.length;
  if (worst >= 0 && worstExcess > 0) {
    const at = indexOf(worst, a.shape);
    throw new CheckError(
      `✗ ${what}: |actual − expected| = ${fmt(Math.abs(a.data[worst]! - e.data[worst]!))}${at ? ` at ${at}` : ""} ` +
        `(actual ${a.data[worst]}, expected ${e.data[worst]}) exceeds ${fmt(atol)} + ${fmt(rtol)}·|expected| = ${fmt(atol + rtol * Math.abs(e.data[worst]!))}` +
        (n > 1 ? `; max |Δ| over ${n} values = ${fmt(maxAbs)}` : ""),
    );
  }
  pass(`${what}: max |Δ| = ${fmt(maxAbs)}${n > 1 ? ` over ${n} values` : ""} (${tol})`);
}

/** A group element acting on inputs (`in`) and on outputs (`out`); `name` labels failures. */
export interface GroupAction<X, Y> {
  in: (x: X) => X;
  out: (y: Y) => Y;
  name?: string;
}

export interface EquivariantOptions<X, Y> {
  what: string;
  /** The map under test. Outputs must be numeric (see Numeric). */
  f: (x: X) => Y;
  /** One input, or several via `inputs`. */
  x?: X;
  inputs?: X[];
  /** One or several group elements (e.g. rotations by several angles). */
  g: GroupAction<X, Y> | GroupAction<X, Y>[];
  /** Maximum allowed relative error (see equivariant). State why this number. */
  tol: number;
}

function tfTidy<T>(fn: () => T): T {
  // Run inside tf.tidy when tfjs is already loaded, so tensors made by f and g are freed
  // (results are copied out as Float64Arrays before tidy ends). Never loads tfjs itself.
  const loaded = Object.keys(require.cache).some((k) => /[\\/]@tensorflow[\\/]tfjs-core[\\/]/.test(k));
  if (!loaded) return fn();
  const core = require("@tensorflow/tfjs-core");
  let out: T | undefined;
  core.tidy(() => { out = fn(); });
  return out as T;
}

function inputsOf<X, Y>(o: EquivariantOptions<X, Y>, fn: string): X[] {
  const xs = o.inputs ?? (o.x !== undefined ? [o.x] : []);
  if (xs.length === 0) throw new TypeError(`check.${fn}: expected an input \`x\` or a non-empty \`inputs\` array`);
  return xs;
}

function checkTol(tol: unknown, fn: string): number {
  if (typeof tol !== "number" || !(tol >= 0) || !Number.isFinite(tol)) {
    throw new RangeError(`check.${fn}: argument tol = ${String(tol)} is out of domain; expected a finite number ≥ 0 (relative error)`);
  }
  return tol;
}

/**
 * Equivariance f(g·x) = g·f(x). Measures, over all inputs and group elements,
 *   err = max |f(g_in x) − g_out f(x)| / max |f(x)|
 * (relative to the output's scale so the tolerance doesn't depend on units; if f(x) is all zeros
 * the absolute error is used and the line says so). Returns err; throws CheckError if err > tol.
 */
function equivariant<X, Y>(o: EquivariantOptions<X, Y>): number {
  const what = requireWhat(o?.what, "equivariant");
  const tol = checkTol(o.tol, "equivariant");
  const xs = inputsOf(o, "equivariant");
  const gs = Array.isArray(o.g) ? o.g : [o.g];
  if (gs.length === 0) throw new TypeError("check.equivariant: expected at least one group element in `g`");
  let worst = { err: 0, scale: 0, diff: 0, xi: 0, gi: 0 };
  let absolute = false;
  tfTidy(() => {
    xs.forEach((x, xi) => {
      const fx = o.f(x);
      const ref = flatten(fx, "f(x)");
      let scale = 0;
      for (const v of ref.data) scale = Math.max(scale, Math.abs(v));
      gs.forEach((g, gi) => {
        const lhs = flatten(o.f(g.in(x)), "f(g·x)");
        const rhs = flatten(g.out(fx), "g·f(x)");
        if (lhs.shape.length !== rhs.shape.length || lhs.shape.some((d, k) => d !== rhs.shape[k])) {
          throw new ShapeError(`check.equivariant (${what}) f(g·x)`, `[${rhs.shape.join(", ")}] (the shape of g·f(x))`, lhs.shape);
        }
        let diff = 0;
        for (let i = 0; i < lhs.data.length; i++) {
          const d = Math.abs(lhs.data[i]! - rhs.data[i]!);
          diff = Number.isNaN(d) ? NaN : Math.max(diff, d);
        }
        const useAbs = scale === 0;
        absolute ||= useAbs;
        const err = useAbs ? diff : diff / scale;
        if (Number.isNaN(err) || err > worst.err || (xi === 0 && gi === 0)) worst = { err, scale, diff, xi, gi };
      });
    });
  });
  const kind = absolute ? "max abs err (f(x) = 0)" : "rel err";
  const count = `${xs.length} input${xs.length > 1 ? "s" : ""} × ${gs.length} group element${gs.length > 1 ? "s" : ""}`;
  if (!(worst.err <= tol)) {
    const gname = gs[worst.gi]!.name ?? `g[${worst.gi}]`;
    throw new CheckError(
      `✗ ${what}: ${kind} ${fmt(worst.err)} > tol ${fmt(tol)} (max |f(g·x) − g·f(x)| = ${fmt(worst.diff)}, max |f(x)| = ${fmt(worst.scale)}, ` +
        `input ${worst.xi}, ${gname}; ${count})`,
    );
  }
  pass(`${what}: ${kind} ${fmt(worst.err)} over ${count} (tol ${fmt(tol)})`);
  return worst.err;
}

export interface InvariantOptions<X> {
  what: string;
  f: (x: X) => Numeric;
  x?: X;
  inputs?: X[];
  /** One or several transformations of the input, plain functions or { in, name }. */
  g: ((x: X) => X) | { in: (x: X) => X; name?: string } | Array<((x: X) => X) | { in: (x: X) => X; name?: string }>;
  tol: number;
}

/** Invariance f(g·x) = f(x): equivariance with the trivial action on outputs. Same error measure. */
function invariant<X>(o: InvariantOptions<X>): number {
  const list = Array.isArray(o.g) ? o.g : [o.g];
  const gs = list.map((g, i) => (typeof g === "function" ? { in: g, out: (y: Numeric) => y, name: `g[${i}]` } : { in: g.in, out: (y: Numeric) => y, name: g.name ?? `g[${i}]` }));
  return equivariant<X, Numeric>({ what: requireWhat(o?.what, "invariant"), f: o.f, x: o.x, inputs: o.inputs, g: gs, tol: o.tol });
}

function scalar(v: unknown, name: string, fn: string): number {
  const f = flatten(v, name);
  if (f.data.length !== 1) throw new ShapeError(`check.${fn} ${name}`, "a scalar", f.shape);
  return f.data[0]!;
}

/** Passes if `cond` is true (a truthy tensor scalar counts). */
function isTrue(cond: boolean | number | { dataSync(): ArrayLike<number>; shape: number[] }, what: string): void {
  requireWhat(what, "true");
  const ok = typeof cond === "boolean" ? cond : scalar(cond, "cond", "true") !== 0;
  if (!ok) throw new CheckError(`✗ ${what}: condition is false`);
  pass(what);
}

/** Passes if a < b (strictly). */
function less(a: Numeric, b: Numeric, what: string): void {
  requireWhat(what, "less");
  const x = scalar(a, "a", "less"), y = scalar(b, "b", "less");
  if (!(x < y)) throw new CheckError(`✗ ${what}: ${x} is not < ${y}`);
  pass(`${what}: ${fmt(x)} < ${fmt(y)}`);
}

/** Passes if a > b (strictly). */
function greater(a: Numeric, b: Numeric, what: string): void {
  requireWhat(what, "greater");
  const x = scalar(a, "a", "greater"), y = scalar(b, "b", "greater");
  if (!(x > y)) throw new CheckError(`✗ ${what}: ${x} is not > ${y}`);
  pass(`${what}: ${fmt(x)} > ${fmt(y)}`);
}

/** Passes if lo ≤ x ≤ hi. */
function between(x: Numeric, lo: number, hi: number, what: string): void {
  requireWhat(what, "between");
  const v = scalar(x, "x", "between");
  if (!(v >= lo && v <= hi)) throw new CheckError(`✗ ${what}: ${v} is not in [${lo}, ${hi}]`);
  pass(`${what}: ${fmt(v)} ∈ [${fmt(lo)}, ${fmt(hi)}]`);
}

/** The checks, as one namespace object: `check.close(...)`, `check.equivariant({...})`, … */
export const check = {
  close,
  equivariant,
  invariant,
  true: isTrue,
  less,
  greater,
  between,
};
