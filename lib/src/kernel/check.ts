/**
 * Numerical checks shared by notebooks and unit tests. Each prints ONE line
 * `✓ what: value (tol …)` on success and throws CheckError with the numbers on failure, so a
 * re-executed notebook fails loudly when a result drifts.
 *
 * Inputs ("numeric"): number, nested number arrays, Float32Array/Float64Array/other typed arrays,
 * arrays of typed arrays, and tfjs tensors (read with dataSync; shape taken from the tensor).
 */
import { CheckError, DomainError, ShapeError } from "../errors";
import { noteCheck, requireClaim, withoutLedger } from "./claims";
import type { Summary } from "../stats";
import { equivarianceError } from "../equivariance";
import type { Action } from "../equivariance";

/** Anything check can read as an n-d array of numbers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Numeric =
  | number
  | ArrayLike<number>
  | ArrayLike<ArrayLike<number>>
  | ArrayLike<any>
  | { shape: number[]; dataSync(): ArrayLike<number> };

interface Flat {
  shape: number[];
  data: Float64Array;
}

function isTensorLike(x: unknown): x is { shape: number[]; dataSync(): ArrayLike<number> } {
  return (
    x !== null &&
    typeof x === "object" &&
    typeof (x as { dataSync?: unknown }).dataSync === "function" &&
    Array.isArray((x as { shape?: unknown }).shape)
  );
}

/** Flatten a numeric value to (shape, float64 data); ragged nesting is a ShapeError. */
export function flatten(x: unknown, what = "value"): Flat {
  if (typeof x === "number") return { shape: [], data: Float64Array.of(x) };
  if (typeof x === "boolean") return { shape: [], data: Float64Array.of(x ? 1 : 0) };
  if (isTensorLike(x))
    return { shape: [...x.shape], data: Float64Array.from(x.dataSync(), Number) };
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
        throw new ShapeError(
          `${what}[${i}]`,
          `[${inner.join(", ")}] like ${what}[0] (ragged arrays are not numeric)`,
          p.shape,
        );
      }
    });
    const data = new Float64Array(parts.length * parts[0]!.data.length);
    parts.forEach((p, i) => data.set(p.data, i * p.data.length));
    return { shape: [x.length, ...inner], data };
  }
  throw new TypeError(
    `check: ${what} is ${x === null ? "null" : typeof x}; expected a number, array, typed array or tfjs tensor`,
  );
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
    throw new TypeError(
      `check.${fn}: option what is required (a short description printed with the result)`,
    );
  }
  return what;
}

/**
 * The label of a scalar check: { what, claim? } — what is checked and the claim it tests; the same
 * object every check takes (NOTATION.md, argument order rule 4). A bare string is refused.
 */
export type Label = { what: string; claim?: string };

function label(l: Label, fn: string): { what: string; claim?: string } {
  const o = l;
  if (typeof (o as unknown) === "string")
    throw new TypeError(
      `check.${fn}: the description is an object — write { what: ${JSON.stringify(o)} }, not a bare string`,
    );
  if (o === null || typeof o !== "object")
    throw new TypeError(`check.${fn}: expected { what, claim }`);
  const what = requireWhat(o.what, fn);
  if (o.claim !== undefined && typeof o.claim !== "string")
    throw new TypeError(`check.${fn}: option claim must be a claim id string`);
  requireClaim(o.claim, what);
  return { what, claim: o.claim };
}

/**
 * Run a check body and put its outcome in the claims ledger: a CheckError from the body is
 * noted as a failure (then rethrown); success is noted with the measured value and tolerance.
 */
function ledgered<T>(
  fn: string,
  l: { what: string; claim?: string },
  body: () => { value: unknown; tol: unknown; result: T; seeds?: number[] },
): T {
  try {
    const r = body();
    noteCheck({
      check: fn,
      what: l.what,
      claim: l.claim,
      passed: true,
      value: r.value,
      tol: r.tol,
      seeds: r.seeds,
    });
    return r.result;
  } catch (e) {
    if (e instanceof CheckError)
      noteCheck({ check: fn, what: l.what, claim: l.claim, passed: false, value: null, tol: null });
    throw e;
  }
}

/** A measured scalar must be a finite number: NaN or ±∞ is a failed computation, not a value. */
function finiteMeasured(v: number, name: string, what: string): number {
  if (Number.isNaN(v))
    throw new CheckError(`✗ ${what}: ${name} is NaN (a failed computation, not a value)`);
  if (!Number.isFinite(v))
    throw new CheckError(`✗ ${what}: ${name} is ${v}; expected a finite value`);
  return v;
}

/** A bound may be ±∞ (an open side) but never NaN. */
function bound(v: number, name: string, fn: string): number {
  if (typeof v !== "number" || Number.isNaN(v))
    throw new DomainError(
      `check.${fn}: argument ${name} = ${String(v)} is out of domain; expected a number (±Infinity for an open side)`,
    );
  return v;
}

export interface CloseOptions {
  /** Absolute tolerance (default 0). */
  atol?: number;
  /** Relative tolerance, scaled by |expected| (default 1e-9). */
  rtol?: number;
  /** Printed description, e.g. "J0(1) vs A&S". */
  what: string;
  /** The claim (an id declared with claim()) this check tests. */
  claim?: string;
}

/**
 * |actual − expected| ≤ atol + rtol·|expected| elementwise (numpy.isclose convention).
 * Fails on empty inputs and on any NaN (in actual or expected: a NaN is a failed computation);
 * equal infinities match (an overflow that is the right answer). Shapes must match exactly (a
 * scalar expected is NOT broadcast: compare like with like). When rtol > 0 the line reports the
 * worst relative error as well as the worst absolute one, so a relative check doesn't print a
 * big absolute number as its result. Returns nothing (tslab would echo a returned number).
 */
function close(actual: Numeric, expected: Numeric, opts: CloseOptions): void {
  const l = label({ what: opts?.what, claim: opts?.claim }, "close");
  const what = l.what;
  const atol = opts.atol ?? 0;
  const rtol = opts.rtol ?? 1e-9;
  if (!(atol >= 0 && Number.isFinite(atol)))
    throw new RangeError(
      `check.close: argument atol = ${atol} is out of domain; expected a finite number ≥ 0`,
    );
  if (!(rtol >= 0 && Number.isFinite(rtol)))
    throw new RangeError(
      `check.close: argument rtol = ${rtol} is out of domain; expected a finite number ≥ 0`,
    );
  return ledgered("close", l, () => {
    const a = flatten(actual, "actual");
    const e = flatten(expected, "expected");
    if (a.shape.length !== e.shape.length || a.shape.some((d, k) => d !== e.shape[k])) {
      throw new ShapeError(
        `check.close (${what}) actual`,
        `[${e.shape.join(", ")}] (the shape of expected)`,
        a.shape,
      );
    }
    const n = a.data.length;
    if (n === 0) throw new CheckError(`✗ ${what}: nothing to compare (empty actual and expected)`);
    let maxAbs = 0,
      maxRel = 0;
    let worst = -1;
    let worstExcess = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = a.data[i]!,
        y = e.data[i]!;
      if (Number.isNaN(x) || Number.isNaN(y)) {
        const at = indexOf(i, a.shape);
        throw new CheckError(
          `✗ ${what}: ${Number.isNaN(x) ? "actual" : "expected"}${at ? `${at}` : ""} is NaN (actual ${x}, expected ${y}); NaN is a failed computation, not a value`,
        );
      }
      const d = x === y ? 0 : Math.abs(x - y); // x === y also covers equal infinities
      if (d > maxAbs) maxAbs = d;
      if (y !== 0 && Number.isFinite(y)) maxRel = Math.max(maxRel, d / Math.abs(y));
      else if (d > 0) maxRel = Infinity;
      // d = ∞ (a finite value against an infinity) must fail even though rtol·|∞| = ∞ too.
      const excess = d === Infinity ? Infinity : d - (atol + rtol * Math.abs(y));
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = i;
      }
    }
    const tol = `atol ${fmt(atol)}, rtol ${fmt(rtol)}`;
    if (worst >= 0 && worstExcess > 0) {
      const at = indexOf(worst, a.shape);
      throw new CheckError(
        `✗ ${what}: |actual − expected| = ${fmt(Math.abs(a.data[worst]! - e.data[worst]!))}${at ? ` at ${at}` : ""} ` +
          `(actual ${a.data[worst]}, expected ${e.data[worst]}) exceeds ${fmt(atol)} + ${fmt(rtol)}·|expected| = ${fmt(atol + rtol * Math.abs(e.data[worst]!))}` +
          (n > 1 ? `; max |Δ| over ${n} values = ${fmt(maxAbs)}` : ""),
      );
    }
    // Report the error in the measure the tolerance uses: relative when only rtol is set.
    const relOnly = atol === 0 && rtol > 0;
    const measured = relOnly ? `max rel err = ${fmt(maxRel)}` : `max |Δ| = ${fmt(maxAbs)}`;
    pass(`${what}: ${measured}${n > 1 ? ` over ${n} values` : ""} (${tol})`);
    return {
      value: relOnly ? { maxRel } : { maxAbs, maxRel: Number.isFinite(maxRel) ? maxRel : null },
      tol: { atol, rtol },
      result: undefined,
    };
  });
}

/** A group element acting on inputs (`in`) and on outputs (`out`); `name` labels failures. */
export type GroupAction<X, Y> = Action<X, Y>;

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
  /** The claim (an id declared with claim()) this check tests. */
  claim?: string;
}

function tfTidy<T>(fn: () => T): T {
  // Run inside tf.tidy when tfjs is already loaded, so tensors made by f and g are freed
  // (results are copied out as Float64Arrays before tidy ends). Never loads tfjs itself.
  const loaded = Object.keys(require.cache).some((k) =>
    /[\\/]@tensorflow[\\/]tfjs-core[\\/]/.test(k),
  );
  if (!loaded) return fn();
  const core = require("@tensorflow/tfjs-core");
  let out: T | undefined;
  core.tidy(() => {
    out = fn();
  });
  return out as T;
}

function inputsOf<X, Y>(o: EquivariantOptions<X, Y>, fn: string): X[] {
  const xs = o.inputs ?? (o.x !== undefined ? [o.x] : []);
  if (xs.length === 0)
    throw new TypeError(`check.${fn}: expected an input \`x\` or a non-empty \`inputs\` array`);
  return xs;
}

function checkTol(tol: unknown, fn: string): number {
  if (typeof tol !== "number" || !(tol >= 0) || !Number.isFinite(tol)) {
    throw new RangeError(
      `check.${fn}: argument tol = ${String(tol)} is out of domain; expected a finite number ≥ 0 (relative error)`,
    );
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
  const l = label({ what: o?.what, claim: o?.claim }, "equivariant");
  return ledgered("equivariant", l, () => {
    const err = equivariantBody(o, l.what);
    return { value: err, tol: o.tol, result: err };
  });
}

function equivariantBody<X, Y>(o: EquivariantOptions<X, Y>, what: string): number {
  const tol = checkTol(o.tol, "equivariant");
  const xs = inputsOf(o, "equivariant");
  const gs = Array.isArray(o.g) ? o.g : [o.g];
  if (gs.length === 0)
    throw new TypeError("check.equivariant: expected at least one group element in `g`");
  // the measurement is the toolkit's relMaxAbs (per-input scale, absolute when f(x) ≡ 0); this
  // check adds the tolerance, the message and the ledger. f(x) is read with check's own flatten
  // (nested arrays) and refused here as before when empty or non-finite; NaN in f(g·x) makes the
  // error NaN, which fails the check.
  const r = tfTidy(() =>
    equivarianceError<X, Y>({
      f: o.f,
      inputs: xs,
      actions: gs,
      norm: "relMaxAbs",
      finite: "propagate",
      caller: `check.equivariant (${what})`,
      read: (y, role, xi) => {
        const v = flatten(y, role);
        if (role === "f(x)") {
          if (v.data.length === 0)
            throw new CheckError(`✗ ${what}: f(x) is empty for input ${xi}; nothing to compare`);
          for (const d of v.data)
            if (!Number.isFinite(d))
              throw new CheckError(`✗ ${what}: f(x) has a non-finite value (${d}) for input ${xi}`);
        }
        return v;
      },
    }),
  );
  const worst = r.worst;
  const kind = r.absolute ? "max abs err (f(x) = 0)" : "rel err";
  const count = `${xs.length} input${xs.length > 1 ? "s" : ""} × ${gs.length} group element${gs.length > 1 ? "s" : ""}`;
  if (!(worst.error <= tol)) {
    throw new CheckError(
      `✗ ${what}: ${kind} ${fmt(worst.error)} > tol ${fmt(tol)} (max |f(g·x) − g·f(x)| = ${fmt(worst.diff)}, max |f(x)| = ${fmt(worst.scale)}, ` +
        `input ${worst.input}, ${worst.name}; ${count})`,
    );
  }
  pass(`${what}: ${kind} ${fmt(worst.error)} over ${count} (tol ${fmt(tol)})`);
  return worst.error;
}

export interface InvariantOptions<X> {
  what: string;
  f: (x: X) => Numeric;
  x?: X;
  inputs?: X[];
  /** One or several transformations of the input, plain functions or { in, name }. */
  g:
    | ((x: X) => X)
    | { in: (x: X) => X; name?: string }
    | Array<((x: X) => X) | { in: (x: X) => X; name?: string }>;
  tol: number;
  /** The claim (an id declared with claim()) this check tests. */
  claim?: string;
}

/**
 * Invariance f(g·x) = f(x): equivariance with the trivial action on outputs. Same error measure.
 */
function invariant<X>(o: InvariantOptions<X>): number {
  const list = Array.isArray(o.g) ? o.g : [o.g];
  const gs = list.map((g, i) =>
    typeof g === "function"
      ? { in: g, out: (y: Numeric) => y, name: `g[${i}]` }
      : { in: g.in, out: (y: Numeric) => y, name: g.name ?? `g[${i}]` },
  );
  const l = label({ what: o?.what, claim: o?.claim }, "invariant");
  return ledgered("invariant", l, () => {
    const err = equivariantBody<X, Numeric>(
      { what: l.what, f: o.f, x: o.x, inputs: o.inputs, g: gs, tol: o.tol },
      l.what,
    );
    return { value: err, tol: o.tol, result: err };
  });
}

function scalar(v: unknown, name: string, fn: string): number {
  const f = flatten(v, name);
  if (f.data.length !== 1) throw new ShapeError(`check.${fn} ${name}`, "a scalar", f.shape);
  return f.data[0]!;
}

/**
 * Passes if `cond` is true. A number or tensor scalar counts as true when it is finite and
 * non-zero; NaN (and ±∞) fail with a message saying so, instead of passing as "truthy".
 */
function isTrue(
  cond: boolean | number | { dataSync(): ArrayLike<number>; shape: number[] },
  what: Label,
): void {
  const l = label(what, "true");
  ledgered("true", l, () => {
    if (typeof cond !== "boolean") {
      const v = finiteMeasured(scalar(cond, "cond", "true"), "the condition", l.what);
      if (v === 0) throw new CheckError(`✗ ${l.what}: condition is false (0)`);
    } else if (!cond) {
      throw new CheckError(`✗ ${l.what}: condition is false`);
    }
    pass(l.what);
    return { value: true, tol: null, result: undefined };
  });
}

/** Passes if a < b (strictly); a must be finite, b may be +∞. */
function less(a: Numeric, b: Numeric, what: Label): void {
  const l = label(what, "less");
  ledgered("less", l, () => {
    const x = finiteMeasured(scalar(a, "a", "less"), "a", l.what),
      y = bound(scalar(b, "b", "less"), "b", "less");
    if (!(x < y)) throw new CheckError(`✗ ${l.what}: ${x} is not < ${y}`);
    pass(`${l.what}: ${fmt(x)} < ${fmt(y)}`);
    return { value: x, tol: { below: y }, result: undefined };
  });
}

/** Passes if a > b (strictly); a must be finite, b may be −∞. */
function greater(a: Numeric, b: Numeric, what: Label): void {
  const l = label(what, "greater");
  ledgered("greater", l, () => {
    const x = finiteMeasured(scalar(a, "a", "greater"), "a", l.what),
      y = bound(scalar(b, "b", "greater"), "b", "greater");
    if (!(x > y)) throw new CheckError(`✗ ${l.what}: ${x} is not > ${y}`);
    pass(`${l.what}: ${fmt(x)} > ${fmt(y)}`);
    return { value: x, tol: { above: y }, result: undefined };
  });
}

/** Passes if lo ≤ x ≤ hi; x must be finite, the bounds may be ±∞ (an open side). */
function between(x: Numeric, lo: number, hi: number, what: Label): void {
  const l = label(what, "between");
  ledgered("between", l, () => {
    const v = finiteMeasured(scalar(x, "x", "between"), "x", l.what);
    bound(lo, "lo", "between");
    bound(hi, "hi", "between");
    if (!(lo <= hi))
      throw new DomainError(`check.between: arguments lo = ${lo} > hi = ${hi}; expected lo ≤ hi`);
    if (!(v >= lo && v <= hi)) throw new CheckError(`✗ ${l.what}: ${v} is not in [${lo}, ${hi}]`);
    pass(`${l.what}: ${fmt(v)} ∈ [${fmt(lo)}, ${fmt(hi)}]`);
    return { value: v, tol: { lo, hi }, result: undefined };
  });
}

/**
 * Passes only if `fn` throws a CheckError: a negative control, e.g. a wrong-by-one variant of a
 * formula run through the same check must fail it. Any other error is rethrown (a wrong variant
 * that crashes tests nothing); a variant that passes fails this check.
 */
function rejects(fn: () => unknown, what: Label): void {
  const l = label(what, "rejects");
  ledgered("rejects", l, () => {
    if (typeof fn !== "function")
      throw new TypeError(
        "check.rejects: expected a function that runs the check on a wrong variant",
      );
    const lines: string[] = [];
    const orig = console.log;
    let caught: unknown;
    console.log = (...a: unknown[]) => {
      lines.push(a.map(String).join(" "));
    };
    try {
      withoutLedger(fn);
    } catch (e) {
      caught = e;
    } finally {
      console.log = orig;
    }
    if (caught === undefined) {
      throw new CheckError(
        `✗ ${l.what}: the wrong variant passed its check${lines.length ? ` (${lines.join("; ")})` : ""}; the check has no power against it`,
      );
    }
    if (!(caught instanceof CheckError)) throw caught;
    const msg = caught.message.replace(/^✗\s*/, "");
    pass(
      `${l.what}: rejected as it should be — ${msg.length > 160 ? msg.slice(0, 157) + "…" : msg}`,
    );
    return { value: msg, tol: null, result: undefined };
  });
}

// ---------------------------------------------------------------------------------------------
// interval checks: a Summary from stats.summarize / pairedDiff / wilson / overSeeds

function summaryOf(s: Summary, fn: string, what: string): Summary {
  if (
    s === null ||
    typeof s !== "object" ||
    typeof s.lo !== "number" ||
    typeof s.hi !== "number" ||
    typeof s.n !== "number"
  ) {
    throw new TypeError(
      `check.${fn}: expected a Summary from stats.summarize / pairedDiff / wilson (with n, mean, lo, hi)`,
    );
  }
  finiteMeasured(s.mean, "the mean", what);
  finiteMeasured(s.lo, "the interval's lower end", what);
  finiteMeasured(s.hi, "the interval's upper end", what);
  if (s.values.length > 0 && s.n < 2) {
    throw new CheckError(
      `✗ ${what}: one run has no interval; an interval check needs ≥ 2 runs (seeds)`,
    );
  }
  return s;
}

function describe(s: Summary): string {
  return `mean ${fmt(s.mean)}, ${Math.round(s.level * 100)}% CI [${fmt(s.lo)}, ${fmt(s.hi)}] (${s.method}${s.values.length ? `, n = ${s.n}` : ""})`;
}

function intervalValue(s: Summary): Record<string, unknown> {
  return {
    mean: s.mean,
    sd: s.sd,
    lo: s.lo,
    hi: s.hi,
    n: s.n,
    level: s.level,
    method: s.method,
    values: s.values,
  };
}

function intervalCheck(
  fn: string,
  what: Label,
  s: Summary,
  ok: (s: Summary) => boolean,
  rel: string,
  tol: unknown,
  seeds?: number[],
): void {
  const l = label(what, fn);
  ledgered(fn, l, () => {
    summaryOf(s, fn, l.what);
    if (!ok(s)) throw new CheckError(`✗ ${l.what}: ${describe(s)} is not ${rel}`);
    pass(`${l.what}: ${describe(s)} ${rel}`);
    return { value: intervalValue(s), tol, seeds, result: undefined };
  });
}

export interface IntervalLabel {
  what: string;
  claim?: string;
  /** The seeds behind the summary (recorded in the ledger). */
  seeds?: number[];
}

function ilabel(l: Label | IntervalLabel): { l: Label; seeds?: number[] } {
  return l === null || typeof l !== "object"
    ? { l }
    : { l: { what: l.what, claim: l.claim }, seeds: (l as IntervalLabel).seeds };
}

/** The whole confidence interval lies above t (s.lo > t): e.g. a paired difference above 0. */
function above(s: Summary, t: number, what: Label | IntervalLabel): void {
  const { l, seeds } = ilabel(what);
  bound(t, "t", "above");
  intervalCheck("above", l, s, (x) => x.lo > t, `above ${fmt(t)}`, { above: t }, seeds);
}

/** The whole confidence interval lies below t (s.hi < t). */
function below(s: Summary, t: number, what: Label | IntervalLabel): void {
  const { l, seeds } = ilabel(what);
  bound(t, "t", "below");
  intervalCheck("below", l, s, (x) => x.hi < t, `below ${fmt(t)}`, { below: t }, seeds);
}

/** The confidence interval lies inside [lo, hi]. */
function within(s: Summary, lo: number, hi: number, what: Label | IntervalLabel): void {
  const { l, seeds } = ilabel(what);
  bound(lo, "lo", "within");
  bound(hi, "hi", "within");
  if (!(lo <= hi))
    throw new DomainError(`check.within: arguments lo = ${lo} > hi = ${hi}; expected lo ≤ hi`);
  intervalCheck(
    "within",
    l,
    s,
    (x) => x.lo >= lo && x.hi <= hi,
    `inside [${fmt(lo)}, ${fmt(hi)}]`,
    { lo, hi },
    seeds,
  );
}

/** The confidence interval contains v (the measurement is consistent with a predicted value). */
function covers(s: Summary, v: number, what: Label | IntervalLabel): void {
  const { l, seeds } = ilabel(what);
  if (!Number.isFinite(v))
    throw new DomainError(
      `check.covers: argument v = ${v} is out of domain; expected a finite predicted value`,
    );
  intervalCheck(
    "covers",
    l,
    s,
    (x) => x.lo <= v && v <= x.hi,
    `consistent with ${fmt(v)}`,
    { value: v },
    seeds,
  );
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
  rejects,
  above,
  below,
  within,
  covers,
};
