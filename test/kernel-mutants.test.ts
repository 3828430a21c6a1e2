/**
 * Tests written against the mutants StrykerJS left alive in lib/src/kernel (npm run mutate --
 * check|claims|io). Each asserts both directions: the property holds on a right input, and a
 * violation (a boundary value, a wrong element, a garbage argument) is caught with the exact
 * message a reader would see. Exact lines are the contract here: a check prints ONE line.
 */
import { strict as assert } from "node:assert";
import { expectNoLeakedTensors } from "./helpers";
import {
  check,
  claim,
  notebook,
  resetSession,
  CheckError,
  DomainError,
  ShapeError,
  finish,
  mode,
  params,
  record,
  resultsDocument,
  verdict,
  referenceKeys,
  ledger,
  outRoot,
  repoRoot,
  BesselbookError,
  resultsPath as resultsPathOf,
} from "besselbook";
import { flatten, fmt } from "besselbook/kernel/check";
import { session } from "besselbook/kernel/session";
import type { Summary, ClaimEntry } from "besselbook";

function logs<T>(fn: () => T): { lines: string[]; value: T } {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.map(String).join(" "));
  };
  try {
    return { lines, value: fn() };
  } finally {
    console.log = orig;
  }
}
/** The one line a passing check prints. */
function line(fn: () => unknown): string {
  const { lines } = logs(fn);
  assert.equal(lines.length, 1, `expected one line, got ${JSON.stringify(lines)}`);
  return lines[0]!;
}
/** The error fn throws (fails if it doesn't), checked for its class. */
function thrown(fn: () => unknown, cls: new (...a: never[]) => Error): Error {
  let caught: unknown;
  const orig = console.log;
  console.log = () => {};
  try {
    fn();
  } catch (e) {
    caught = e;
  } finally {
    console.log = orig;
  }
  assert.ok(
    caught instanceof cls,
    `expected ${cls.name}, got ${caught === undefined ? "no error" : String(caught)}`,
  );
  return caught as Error;
}
const lastCheck = () => session.checks[session.checks.length - 1]!;

describe("check internals: fmt and flatten", () => {
  it("fmt: 4 significant digits, exponent below 1e-3 and from 1e6, signs kept", () => {
    assert.equal(fmt(NaN), "NaN");
    assert.equal(fmt(Infinity), "Infinity");
    assert.equal(fmt(-Infinity), "-Infinity");
    assert.equal(fmt(0), "0");
    assert.equal(fmt(1e-3), "0.001");
    assert.equal(fmt(9.99e-4), "9.99e-4");
    assert.equal(fmt(-2.5e-7), "-2.50e-7");
    assert.equal(fmt(999999), "1000000");
    assert.equal(fmt(1e6), "1.00e+6");
    assert.equal(fmt(3.14159), "3.142");
    assert.equal(fmt(-0.5), "-0.5");
  });

  it("flatten: numbers, booleans, typed arrays, nested arrays and tensors; ragged and junk refused", () => {
    assert.deepEqual(flatten(2.5), { shape: [], data: Float64Array.of(2.5) });
    assert.deepEqual(flatten(true), { shape: [], data: Float64Array.of(1) });
    assert.deepEqual(flatten(false), { shape: [], data: Float64Array.of(0) });
    assert.deepEqual(flatten(Int16Array.of(1, -2)), { shape: [2], data: Float64Array.of(1, -2) });
    assert.deepEqual(flatten([]), { shape: [0], data: new Float64Array(0) });
    assert.deepEqual(
      flatten([
        [[1], [2]],
        [[3], [4]],
      ]),
      { shape: [2, 2, 1], data: Float64Array.of(1, 2, 3, 4) },
    );
    assert.deepEqual(flatten({ shape: [1, 2], dataSync: () => Float32Array.of(5, 6) }), {
      shape: [1, 2],
      data: Float64Array.of(5, 6),
    });
    assert.equal(
      thrown(() => flatten([[1, 2], [3]]), ShapeError).message,
      "value[1]: expected shape [2] like value[0] (ragged arrays are not numeric), got [1]",
    );
    assert.equal(
      thrown(
        () =>
          flatten(
            [
              [1, 2],
              [[3], [4]],
            ],
            "x",
          ),
        ShapeError,
      ).message,
      "x[1]: expected shape [2] like x[0] (ragged arrays are not numeric), got [2, 1]",
    );
    assert.equal(
      thrown(() => flatten([[1], [[2]]]), ShapeError).message,
      "value[1]: expected shape [1] like value[0] (ragged arrays are not numeric), got [1, 1]",
    );
    assert.equal(
      thrown(() => flatten(null, "x"), TypeError).message,
      "check: x is null; expected a number, array, typed array or tfjs tensor",
    );
    assert.equal(
      thrown(() => flatten("1"), TypeError).message,
      "check: value is string; expected a number, array, typed array or tfjs tensor",
    );
    thrown(() => flatten(new DataView(new ArrayBuffer(8))), TypeError);
    thrown(() => flatten({ shape: 2, dataSync: () => [1, 2] }), TypeError);
    thrown(() => flatten({ shape: [2], dataSync: [1, 2] }), TypeError);
    thrown(() => flatten([1, "2"]), TypeError);
  });
});

describe("check.close: tolerances, boundaries and messages", () => {
  beforeEach(() => {
    resetSession();
    logs(() => notebook("zz_kernel_mutants"));
  });

  it("validates atol and rtol, naming the argument", () => {
    for (const [opts, msg] of [
      [
        { atol: -1 },
        "check.close: argument atol = -1 is out of domain; expected a finite number ≥ 0",
      ],
      [
        { atol: Infinity },
        "check.close: argument atol = Infinity is out of domain; expected a finite number ≥ 0",
      ],
      [
        { atol: NaN },
        "check.close: argument atol = NaN is out of domain; expected a finite number ≥ 0",
      ],
      [
        { rtol: -1e-9 },
        "check.close: argument rtol = -1e-9 is out of domain; expected a finite number ≥ 0",
      ],
      [
        { rtol: Infinity },
        "check.close: argument rtol = Infinity is out of domain; expected a finite number ≥ 0",
      ],
    ] as const) {
      assert.equal(
        thrown(() => check.close(1, 1, { ...opts, what: "w" }), RangeError).message,
        msg,
      );
    }
    assert.equal(
      line(() => check.close(1, 1, { atol: 0, rtol: 0, what: "zero tolerances" })),
      "✓ zero tolerances: max |Δ| = 0 (atol 0, rtol 0)",
    );
  });

  it("default rtol is 1e-9 and default atol 0", () => {
    line(() => check.close(1 + 5e-10, 1, { what: "inside the default rtol" }));
    thrown(() => check.close(1 + 2e-9, 1, { what: "outside the default rtol" }), CheckError);
    thrown(() => check.close(1e-20, 0, { what: "no default atol" }), CheckError);
  });

  it("pass lines report the measure the tolerance uses, and the ledger keeps it", () => {
    assert.equal(
      line(() => check.close(1, 1, { what: "a" })),
      "✓ a: max rel err = 0 (atol 0, rtol 1.00e-9)",
    );
    assert.deepEqual(lastCheck(), {
      check: "close",
      what: "a",
      claim: undefined,
      passed: true,
      value: { maxRel: 0 },
      tol: { atol: 0, rtol: 1e-9 },
      seeds: undefined,
    });
    assert.equal(
      line(() => check.close([1, 2], [1, 2.5], { atol: 1, what: "b" })),
      "✓ b: max |Δ| = 0.5 over 2 values (atol 1, rtol 1.00e-9)",
    );
    assert.deepEqual(lastCheck().value, { maxAbs: 0.5, maxRel: 0.2 });
    // at the boundary |Δ| = rtol·|expected| exactly: passes (≤), relative error measured against
    // |expected|
    assert.equal(
      line(() => check.close([2, 4], [1, 4.4], { rtol: 1, what: "c" })),
      "✓ c: max rel err = 1 over 2 values (atol 0, rtol 1)",
    );
    assert.equal(
      line(() => check.close(-2, -1, { rtol: 1, what: "negative expected" })),
      "✓ negative expected: max rel err = 1 (atol 0, rtol 1)",
    );
    assert.equal(
      line(() => check.close(3, 2, { atol: 1, rtol: 0, what: "atol boundary" })),
      "✓ atol boundary: max |Δ| = 1 (atol 1, rtol 0)",
    );
    // expected 0 with a difference: relative error is infinite, stored as null
    line(() => check.close(1e-12, 0, { atol: 1e-9, what: "zero expected" }));
    assert.deepEqual(lastCheck().value, { maxAbs: 1e-12, maxRel: null });
    line(() => check.close([Infinity, -Infinity], [Infinity, -Infinity], { what: "infinities" }));
    assert.deepEqual(lastCheck().value, { maxRel: 0 });
  });

  it("failure names the worst element by excess over its own tolerance, with the numbers", () => {
    assert.equal(
      thrown(() => check.close([1, 2, 3], [1, 2, 3.5], { atol: 0.1, what: "v" }), CheckError)
        .message,
      "✗ v: |actual − expected| = 0.5 at [2] (actual 3, expected 3.5) exceeds 0.1 + 1.00e-9·|expected| = 0.1; max |Δ| over 3 values = 0.5",
    );
    // element 0 has the bigger |Δ| but a bigger tolerance; element 1 exceeds its tolerance more
    assert.equal(
      thrown(() => check.close([10, 1], [11, 1.5], { rtol: 0.1, what: "worst" }), CheckError)
        .message,
      "✗ worst: |actual − expected| = 0.5 at [1] (actual 1, expected 1.5) exceeds 0 + 0.1·|expected| = 0.15; max |Δ| over 2 values = 1",
    );
    assert.equal(
      thrown(
        () =>
          check.close(
            [
              [0, 0],
              [0, 1],
            ],
            [
              [0, 0],
              [0, 0],
            ],
            { atol: 0.5, what: "m" },
          ),
        CheckError,
      ).message,
      "✗ m: |actual − expected| = 1 at [1, 1] (actual 1, expected 0) exceeds 0.5 + 1.00e-9·|expected| = 0.5; max |Δ| over 4 values = 1",
    );
    assert.equal(
      thrown(() => check.close(2, 1, { atol: 0.5, rtol: 0, what: "s" }), CheckError).message,
      "✗ s: |actual − expected| = 1 (actual 2, expected 1) exceeds 0.5 + 0·|expected| = 0.5",
    );
    thrown(() => check.close(-1, -2, { rtol: 0.4, what: "negative, just outside" }), CheckError);
    thrown(
      () => check.close(Infinity, 1, { atol: 1e300, what: "overflow is not close" }),
      CheckError,
    );
    // a finite value is not close to an infinity even though rtol·|∞| = ∞ (this passed before: ∞ −
    // ∞ = NaN)
    thrown(() => check.close(5, Infinity, { what: "+∞ expected, default rtol" }), CheckError);
    thrown(() => check.close(1, -Infinity, { atol: 1e300, what: "−∞ expected" }), CheckError);
    assert.deepEqual(lastCheck(), {
      check: "close",
      what: "−∞ expected",
      claim: undefined,
      passed: false,
      value: null,
      tol: null,
    });
  });

  it("ties and positions: the FIRST worst element is named; a worst element in the middle still fails", () => {
    assert.match(
      thrown(() => check.close([2, 2], [1, 1], { atol: 0.5, rtol: 0, what: "tie" }), CheckError)
        .message,
      / at \[0\] /,
    );
    assert.match(
      thrown(() => check.close([1, 5, 1], [1, 1, 1], { atol: 0.1, what: "middle" }), CheckError)
        .message,
      / at \[1\] \(actual 5, expected 1\)/,
    );
    // an expected 0 with |Δ| = 0 contributes no relative error (0/0 must not turn maxRel into NaN)
    line(() => check.close([0, 1], [0, 1.5], { atol: 1, what: "zero with zero" }));
    assert.deepEqual(lastCheck().value, { maxAbs: 0.5, maxRel: 0.5 / 1.5 });
  });

  it("NaN anywhere and shape mismatches are named", () => {
    assert.equal(
      thrown(() => check.close([1, NaN], [1, 2], { what: "w" }), CheckError).message,
      "✗ w: actual[1] is NaN (actual NaN, expected 2); NaN is a failed computation, not a value",
    );
    assert.equal(
      thrown(() => check.close(1, NaN, { what: "w" }), CheckError).message,
      "✗ w: expected is NaN (actual 1, expected NaN); NaN is a failed computation, not a value",
    );
    assert.equal(
      thrown(() => check.close([1, 2], [1, 2, 3], { what: "w" }), ShapeError).message,
      "check.close (w) actual: expected shape [3] (the shape of expected), got [2]",
    );
    thrown(() => check.close([[1, 2]], [[1], [2]], { what: "same size, other shape" }), ShapeError);
    assert.equal(
      thrown(() => check.close([], [], { what: "w" }), CheckError).message,
      "✗ w: nothing to compare (empty actual and expected)",
    );
  });
});

describe("check.equivariant / invariant: every input and every group element", () => {
  beforeEach(() => {
    resetSession();
    logs(() => notebook("zz_kernel_mutants"));
  });
  const double = (x: number[]) => x.map((v) => 2 * v);
  const shift = (d: number) => (x: number[]) => x.map((v) => v + d);
  const exact = { in: shift(0.1), out: shift(0.2), name: "exact" };
  const off = { in: shift(0.1), out: shift(0.25), name: "off" };

  it("measures max |f(g·x) − g·f(x)| / max |f(x)| and prints it with the counts", () => {
    assert.equal(
      line(() => check.equivariant({ what: "e", f: double, x: [1, 2], g: exact, tol: 1e-12 })),
      "✓ e: rel err 0 over 1 input × 1 group element (tol 1.00e-12)",
    );
    const { lines, value } = logs(() =>
      check.equivariant({
        what: "e2",
        f: double,
        inputs: [
          [1, 2],
          [0.5, -1],
        ],
        g: [exact, off],
        tol: 0.03,
      }),
    );
    assert.deepEqual(lines, ["✓ e2: rel err 0.025 over 2 inputs × 2 group elements (tol 0.03)"]);
    assert.ok(Math.abs(value - 0.025) < 1e-12, `returns the error (${value})`);
    assert.deepEqual(lastCheck().tol, 0.03);
    assert.ok(Math.abs((lastCheck().value as number) - 0.025) < 1e-12);
  });

  it("fails on the worst (input, element) pair wherever it sits, naming both", () => {
    // input 1 has the smaller output scale (2 vs 4), so the same 0.05 difference is worse there
    assert.equal(
      thrown(
        () =>
          check.equivariant({
            what: "w",
            f: double,
            inputs: [
              [1, 2],
              [0.5, 1],
            ],
            g: [exact, off],
            tol: 0.02,
          }),
        CheckError,
      ).message,
      "✗ w: rel err 0.025 > tol 0.02 (max |f(g·x) − g·f(x)| = 0.05, max |f(x)| = 2, input 1, off; 2 inputs × 2 group elements)",
    );
    assert.equal(
      thrown(
        () =>
          check.equivariant({
            what: "w",
            f: double,
            inputs: [
              [0.5, 1],
              [1, 2],
            ],
            g: [off, exact],
            tol: 0.02,
          }),
        CheckError,
      ).message,
      "✗ w: rel err 0.025 > tol 0.02 (max |f(g·x) − g·f(x)| = 0.05, max |f(x)| = 2, input 0, off; 2 inputs × 2 group elements)",
    );
    const unnamed = { in: off.in, out: off.out };
    assert.match(
      thrown(
        () =>
          check.equivariant({
            what: "w",
            f: double,
            x: [1, 2],
            g: [exact, exact, unnamed],
            tol: 0.01,
          }),
        CheckError,
      ).message,
      /input 0, g\[2\]; 1 input × 3 group elements\)$/,
    );
    // the tolerance is inclusive: err = tol passes
    logs(() =>
      check.equivariant({
        what: "boundary",
        f: (x: number[]) => x,
        x: [1],
        g: { in: (x) => x, out: shift(0.5) },
        tol: 0.5,
      }),
    );
  });

  it("ties name the first element; a rank change with the same leading size is a shape error", () => {
    const offA = { ...off, name: "offA" },
      offB = { ...off, name: "offB" };
    assert.match(
      thrown(
        () =>
          check.equivariant({
            what: "tie",
            f: double,
            x: [1, 2],
            g: [exact, offA, offB],
            tol: 0.001,
          }),
        CheckError,
      ).message,
      /input 0, offA;/,
    );
    thrown(
      () =>
        check.equivariant({
          what: "rank",
          f: (x: number[]) => x,
          x: [1, 2],
          g: { in: (x) => x, out: (y: number[]) => y.map((v) => [v]) as never },
          tol: 1,
        }),
      ShapeError,
    );
    thrown(
      () =>
        check.equivariant({
          what: "rank",
          f: (x: number[]) => x.map((v) => [v]) as never,
          x: [1, 2],
          g: { in: (x) => x, out: (y: never) => (y as number[][]).map((r) => r[0]) as never },
          tol: 1,
        }),
      ShapeError,
    );
  });

  it("a NaN from any group element fails, even after a good one", () => {
    const nanLater = { in: shift(1), out: (y: number[]) => y.map(() => NaN), name: "nan" };
    assert.match(
      thrown(
        () => check.equivariant({ what: "n", f: double, x: [1, 2], g: [exact, nanLater], tol: 1 }),
        CheckError,
      ).message,
      /^✗ n: rel err NaN > tol 1 .*input 0, nan;/,
    );
    const nanInput = {
      in: (x: number[]) => x.map(() => NaN),
      out: (y: number[]) => y,
      name: "nan-in",
    };
    thrown(
      () =>
        check.equivariant({
          what: "n2",
          f: double,
          x: [1, 2],
          g: [exact, nanInput, exact],
          tol: 1,
        }),
      CheckError,
    );
  });

  it("f(x) = 0 everywhere: the absolute error is used and the line says so", () => {
    const zero = (x: number[]) => x.map(() => 0);
    assert.equal(
      line(() =>
        check.equivariant({
          what: "z",
          f: zero,
          x: [1, 2],
          g: { in: (x) => x, out: shift(1e-3) },
          tol: 0.01,
        }),
      ),
      "✓ z: max abs err (f(x) = 0) 0.001 over 1 input × 1 group element (tol 0.01)",
    );
    assert.match(
      thrown(
        () =>
          check.equivariant({
            what: "z",
            f: zero,
            x: [1, 2],
            g: { in: (x) => x, out: shift(0.1) },
            tol: 0.01,
          }),
        CheckError,
      ).message,
      /^✗ z: max abs err \(f\(x\) = 0\) 0\.1 > tol 0\.01 \(max \|f\(g·x\) − g·f\(x\)\| = 0\.1, max \|f\(x\)\| = 0, input 0, g\[0\]/,
    );
  });

  it("refuses bad tolerances, no inputs, no group elements, empty or non-finite outputs, shape changes", () => {
    for (const tol of [-1, Infinity, NaN, "0.1"]) {
      assert.equal(
        thrown(
          () => check.equivariant({ what: "t", f: double, x: [1], g: exact, tol: tol as number }),
          RangeError,
        ).message,
        `check.equivariant: argument tol = ${String(tol)} is out of domain; expected a finite number ≥ 0 (relative error)`,
      );
    }
    assert.equal(
      thrown(
        () => check.equivariant({ what: "t", f: double, inputs: [], g: exact, tol: 1 }),
        TypeError,
      ).message,
      "check.equivariant: expected an input `x` or a non-empty `inputs` array",
    );
    thrown(() => check.equivariant({ what: "t", f: double, g: exact, tol: 1 }), TypeError);
    assert.equal(
      thrown(() => check.equivariant({ what: "t", f: double, x: [1], g: [], tol: 1 }), TypeError)
        .message,
      "check.equivariant: expected at least one group element in `g`",
    );
    assert.equal(
      thrown(
        () => check.equivariant({ what: "t", f: () => [], x: [1], g: exact, tol: 1 }),
        CheckError,
      ).message,
      "✗ t: f(x) is empty for input 0; nothing to compare",
    );
    assert.equal(
      thrown(
        () =>
          check.equivariant({
            what: "t",
            f: (x: number[]) => (x[0] === 9 ? [Infinity] : [1]),
            inputs: [[1], [9]],
            g: exact,
            tol: 1,
          }),
        CheckError,
      ).message,
      "✗ t: f(x) has a non-finite value (Infinity) for input 1",
    );
    assert.equal(
      thrown(
        () =>
          check.equivariant({
            what: "t",
            f: (x: number[]) => x,
            x: [1, 2],
            g: { in: (x) => x.slice(1), out: (y) => y },
            tol: 1,
          }),
        ShapeError,
      ).message,
      "check.equivariant (t) f(g·x): expected shape [2] (the shape of g·f(x)), got [1]",
    );
    // `inputs` wins over `x`
    assert.match(
      line(() =>
        check.equivariant({
          what: "i",
          f: double,
          x: [1],
          inputs: [[1], [2], [3]],
          g: exact,
          tol: 1e-9,
        }),
      ),
      /over 3 inputs × 1 group element/,
    );
    assert.equal(
      thrown(
        () => check.equivariant({ what: "t", f: double, x: [1], g: exact, tol: -1 }),
        RangeError,
      ).name,
      "RangeError",
    );
  });

  it("invariant: plain functions and { in, name } both count; names and the error measure carried through", () => {
    const sum = (x: number[]) => x.reduce((a, b) => a + b, 0);
    const rev = (x: number[]) => [...x].reverse();
    const { lines, value } = logs(() =>
      check.invariant({
        what: "sum",
        f: sum,
        inputs: [
          [1, 2, 3],
          [4, 5],
        ],
        g: [rev, { in: rev, name: "rev" }],
        tol: 0,
      }),
    );
    assert.deepEqual(lines, ["✓ sum: rel err 0 over 2 inputs × 2 group elements (tol 0)"]);
    assert.equal(value, 0);
    assert.deepEqual(
      { check: lastCheck().check, value: lastCheck().value, tol: lastCheck().tol },
      { check: "invariant", value: 0, tol: 0 },
    );
    const first = (x: number[]) => x[0]!;
    assert.match(
      thrown(
        () =>
          check.invariant({
            what: "first",
            f: first,
            x: [1, 2],
            g: [(x) => x, { in: rev, name: "reverse" }],
            tol: 0.1,
          }),
        CheckError,
      ).message,
      /^✗ first: rel err 1 > tol 0\.1 \(max \|f\(g·x\) − g·f\(x\)\| = 1, max \|f\(x\)\| = 1, input 0, reverse; 1 input × 2 group elements\)$/,
    );
    assert.match(
      thrown(
        () => check.invariant({ what: "first", f: first, x: [1, 2], g: [(x) => x, rev], tol: 0.1 }),
        CheckError,
      ).message,
      /input 0, g\[1\];/,
    );
    assert.match(
      thrown(
        () =>
          check.invariant({
            what: "first",
            f: first,
            x: [1, 2],
            g: [(x) => x, { in: rev }],
            tol: 0.1,
          }),
        CheckError,
      ).message,
      /input 0, g\[1\];/,
    );
    assert.match(
      thrown(
        () => check.invariant({ what: "first", f: first, x: [1, 2], g: rev, tol: 0.1 }),
        CheckError,
      ).message,
      /input 0, g\[0\]; 1 input × 1 group element\)$/,
    );
  });
});

describe("check.true / less / greater / between: boundaries and labels", () => {
  beforeEach(() => {
    resetSession();
    logs(() => notebook("zz_kernel_mutants"));
  });

  it("true: non-zero finite numbers and tensor scalars pass; 0, NaN, ±∞ and vectors fail", () => {
    assert.equal(
      line(() => check.true(-1, { what: "minus one" })),
      "✓ minus one",
    );
    line(() => check.true({ shape: [], dataSync: () => [2] }, { what: "tensor scalar" }));
    assert.deepEqual(
      { value: lastCheck().value, tol: lastCheck().tol },
      { value: true, tol: null },
    );
    assert.equal(
      thrown(() => check.true(0, { what: "z" }), CheckError).message,
      "✗ z: condition is false (0)",
    );
    assert.equal(
      thrown(() => check.true(false, { what: "f" }), CheckError).message,
      "✗ f: condition is false",
    );
    assert.equal(
      thrown(() => check.true(NaN, { what: "n" }), CheckError).message,
      "✗ n: the condition is NaN (a failed computation, not a value)",
    );
    assert.equal(
      thrown(() => check.true(-Infinity, { what: "i" }), CheckError).message,
      "✗ i: the condition is -Infinity; expected a finite value",
    );
    assert.equal(
      thrown(() => check.true([1, 1] as never, { what: "v" }), ShapeError).message,
      "check.true cond: expected shape a scalar, got [2]",
    );
  });

  it("less / greater are strict; the bound may be ±∞ but not NaN; the ledger keeps value and bound", () => {
    assert.equal(
      line(() => check.less(1, Infinity, { what: "open" })),
      "✓ open: 1 < Infinity",
    );
    assert.deepEqual(
      { value: lastCheck().value, tol: lastCheck().tol },
      { value: 1, tol: { below: Infinity } },
    );
    assert.equal(
      line(() => check.greater(1, -Infinity, { what: "open" })),
      "✓ open: 1 > -Infinity",
    );
    assert.deepEqual(
      { value: lastCheck().value, tol: lastCheck().tol },
      { value: 1, tol: { above: -Infinity } },
    );
    assert.equal(
      thrown(() => check.less(1, 1, { what: "eq" }), CheckError).message,
      "✗ eq: 1 is not < 1",
    );
    assert.equal(
      thrown(() => check.greater(1, 1, { what: "eq" }), CheckError).message,
      "✗ eq: 1 is not > 1",
    );
    assert.equal(
      thrown(() => check.greater(1, 2, { what: "lt" }), CheckError).message,
      "✗ lt: 1 is not > 2",
    );
    assert.equal(
      thrown(() => check.less(1, NaN, { what: "b" }), DomainError).message,
      "check.less: argument b = NaN is out of domain; expected a number (±Infinity for an open side)",
    );
    assert.equal(
      thrown(() => check.greater(1, NaN, { what: "b" }), DomainError).message,
      "check.greater: argument b = NaN is out of domain; expected a number (±Infinity for an open side)",
    );
    assert.equal(
      thrown(() => check.greater(Infinity, 0, { what: "a" }), CheckError).message,
      "✗ a: a is Infinity; expected a finite value",
    );
    assert.equal(
      thrown(() => check.less(NaN, 0, { what: "a" }), CheckError).message,
      "✗ a: a is NaN (a failed computation, not a value)",
    );
    assert.equal(
      thrown(() => check.greater([1, 2], 0, { what: "v" }), ShapeError).message,
      "check.greater a: expected shape a scalar, got [2]",
    );
    assert.equal(
      thrown(() => check.less(0, [1, 2], { what: "v" }), ShapeError).message,
      "check.less b: expected shape a scalar, got [2]",
    );
  });

  it("between is inclusive at both ends; bounds validated and ordered", () => {
    assert.equal(
      line(() => check.between(0, 0, 1, { what: "lo end" })),
      "✓ lo end: 0 ∈ [0, 1]",
    );
    assert.equal(
      line(() => check.between(1, 0, 1, { what: "hi end" })),
      "✓ hi end: 1 ∈ [0, 1]",
    );
    assert.deepEqual(
      { value: lastCheck().value, tol: lastCheck().tol },
      { value: 1, tol: { lo: 0, hi: 1 } },
    );
    line(() => check.between(1, 1, 1, { what: "point interval" }));
    line(() => check.between(-5, -Infinity, 0, { what: "open below" }));
    assert.equal(
      thrown(() => check.between(-1e-12, 0, 1, { what: "x" }), CheckError).message,
      "✗ x: -1e-12 is not in [0, 1]",
    );
    assert.equal(
      thrown(() => check.between(1.5, 0, 1, { what: "x" }), CheckError).message,
      "✗ x: 1.5 is not in [0, 1]",
    );
    assert.equal(
      thrown(() => check.between(0.5, 1, 0, { what: "x" }), DomainError).message,
      "check.between: arguments lo = 1 > hi = 0; expected lo ≤ hi",
    );
    assert.match(
      thrown(() => check.between(0.5, NaN, 1, { what: "x" }), DomainError).message,
      /^check\.between: argument lo = NaN/,
    );
    assert.match(
      thrown(() => check.between(0.5, 0, NaN, { what: "x" }), DomainError).message,
      /^check\.between: argument hi = NaN/,
    );
    assert.equal(
      thrown(() => check.between(NaN, 0, 1, { what: "x" }), CheckError).message,
      "✗ x: x is NaN (a failed computation, not a value)",
    );
  });

  it("labels: a description is required; claim must be a declared id string", () => {
    for (const bad of [{ what: "" }, { what: "   " }, { what: 3 }, {}]) {
      assert.equal(
        thrown(() => check.less(1, 2, bad as never), TypeError).message,
        "check.less: option what is required (a short description printed with the result)",
      );
    }
    assert.equal(
      thrown(() => check.less(1, 2, null as never), TypeError).message,
      "check.less: expected { what, claim }",
    );
    assert.equal(
      thrown(() => check.less(1, 2, 7 as never), TypeError).message,
      "check.less: expected { what, claim }",
    );
    // One form (NOTATION.md): a bare string is refused by every label-taking check, with the fix.
    const bare = "loss fell";
    const fixIt = 'the description is an object — write { what: "loss fell" }, not a bare string';
    assert.equal(
      thrown(() => check.less(1, 2, bare as never), TypeError).message,
      `check.less: ${fixIt}`,
    );
    assert.equal(
      thrown(() => check.true(true, bare as never), TypeError).message,
      `check.true: ${fixIt}`,
    );
    assert.equal(
      thrown(() => check.between(1, 0, 2, bare as never), TypeError).message,
      `check.between: ${fixIt}`,
    );
    assert.equal(
      thrown(
        () =>
          check.rejects(() => {
            throw new Error("x");
          }, bare as never),
        TypeError,
      ).message,
      `check.rejects: ${fixIt}`,
    );
    assert.equal(
      thrown(() => check.less(1, 2, { what: "w", claim: 3 as never }), TypeError).message,
      "check.less: option claim must be a claim id string",
    );
    assert.equal(
      thrown(() => check.less(1, 2, { what: "w", claim: "nope" }), CheckError).message,
      '✗ w: names claim "nope", which no claim() declared',
    );
    logs(() =>
      claim("one-claim", {
        text: "a statement of our own for the test",
        source: "ours",
        kind: "ours",
      }),
    );
    assert.equal(
      thrown(() => check.less(1, 2, { what: "w", claim: "nope" }), CheckError).message,
      '✗ w: names claim "nope", which no claim() declared (declared: one-claim)',
    );
    logs(() =>
      claim("two-claim", {
        text: "a second statement of our own for the test",
        source: "ours",
        kind: "ours",
      }),
    );
    assert.equal(
      thrown(() => check.less(1, 2, { what: "w", claim: "nope" }), CheckError).message,
      '✗ w: names claim "nope", which no claim() declared (declared: one-claim, two-claim)',
    );
    line(() => check.less(1, 2, { what: "w", claim: "one-claim" }));
    assert.equal(session.claims["one-claim"]!.checks.length, 1);
    assert.equal(
      session.checks.length,
      0,
      "a check naming a claim goes to that claim, not to the sanity checks",
    );
  });
});

describe("check.rejects: the negative-control check", () => {
  beforeEach(() => {
    resetSession();
    logs(() => notebook("zz_kernel_mutants"));
  });

  it("passes on a CheckError (quoting it, shortened past 160 characters), keeps the inner check out of the ledger", () => {
    assert.equal(
      line(() => check.rejects(() => check.less(2, 1, { what: "inner" }), { what: "r" })),
      "✓ r: rejected as it should be — inner: 2 is not < 1",
    );
    assert.deepEqual(
      session.checks.map((c) => [c.check, c.what, c.passed]),
      [["rejects", "r", true]],
    );
    assert.equal(lastCheck().value, "inner: 2 is not < 1");
    const long = "x".repeat(200);
    const l = line(() =>
      check.rejects(
        () => {
          throw new CheckError(`✗ ${long}`);
        },
        { what: "long" },
      ),
    );
    assert.equal(l, `✓ long: rejected as it should be — ${"x".repeat(157)}…`);
    const exact160 = "y".repeat(160);
    assert.equal(
      line(() =>
        check.rejects(
          () => {
            throw new CheckError(exact160);
          },
          { what: "160" },
        ),
      ),
      `✓ 160: rejected as it should be — ${exact160}`,
    );
  });

  it("fails when the wrong variant passes (quoting what it printed), rethrows other errors, restores console.log", () => {
    const orig = console.log;
    assert.equal(
      thrown(
        () => check.rejects(() => check.less(1, 2, { what: "inner" }), { what: "r" }),
        CheckError,
      ).message,
      "✗ r: the wrong variant passed its check (✓ inner: 1 < 2); the check has no power against it",
    );
    assert.equal(console.log, orig);
    assert.equal(
      thrown(() => check.rejects(() => 1, { what: "silent" }), CheckError).message,
      "✗ silent: the wrong variant passed its check; the check has no power against it",
    );
    assert.equal(
      thrown(
        () =>
          check.rejects(
            () => {
              throw new RangeError("crash");
            },
            { what: "crash" },
          ),
        RangeError,
      ).message,
      "crash",
    );
    assert.equal(console.log, orig);
    assert.equal(
      thrown(() => check.rejects(42 as never, { what: "nf" }), TypeError).message,
      "check.rejects: expected a function that runs the check on a wrong variant",
    );
    assert.deepEqual(
      session.checks.map((c) => [c.what, c.passed]),
      [
        ["r", false],
        ["silent", false],
      ],
    );
  });
});

describe("interval checks: strict and inclusive ends, refusals, ledger", () => {
  beforeEach(() => {
    resetSession();
    logs(() => notebook("zz_kernel_mutants"));
  });
  const s: Summary = {
    n: 3,
    mean: 2,
    sd: 1,
    lo: 1,
    hi: 3,
    level: 0.95,
    method: "Student t, 2 df",
    values: [1, 2, 3],
  };

  it("above / below are strict; within / covers are inclusive", () => {
    assert.equal(
      line(() => check.above(s, 0.5, { what: "a" })),
      "✓ a: mean 2, 95% CI [1, 3] (Student t, 2 df, n = 3) above 0.5",
    );
    assert.equal(
      thrown(() => check.above(s, 1, { what: "a" }), CheckError).message,
      "✗ a: mean 2, 95% CI [1, 3] (Student t, 2 df, n = 3) is not above 1",
    );
    assert.equal(
      line(() => check.below(s, 3.5, { what: "b" })),
      "✓ b: mean 2, 95% CI [1, 3] (Student t, 2 df, n = 3) below 3.5",
    );
    assert.equal(
      thrown(() => check.below(s, 3, { what: "b" }), CheckError).message,
      "✗ b: mean 2, 95% CI [1, 3] (Student t, 2 df, n = 3) is not below 3",
    );
    assert.equal(
      line(() => check.within(s, 1, 3, { what: "w" })),
      "✓ w: mean 2, 95% CI [1, 3] (Student t, 2 df, n = 3) inside [1, 3]",
    );
    thrown(() => check.within(s, 1.001, 3, { what: "w" }), CheckError);
    thrown(() => check.within(s, 1, 2.999, { what: "w" }), CheckError);
    thrown(() => check.within(s, 3.5, 4, { what: "w" }), CheckError);
    assert.equal(
      line(() => check.covers(s, 1, { what: "c" })),
      "✓ c: mean 2, 95% CI [1, 3] (Student t, 2 df, n = 3) consistent with 1",
    );
    line(() => check.covers(s, 3, { what: "c" }));
    thrown(() => check.covers(s, 0.999, { what: "c" }), CheckError);
    assert.equal(
      thrown(() => check.covers(s, 3.001, { what: "c" }), CheckError).message,
      "✗ c: mean 2, 95% CI [1, 3] (Student t, 2 df, n = 3) is not consistent with 3.001",
    );
  });

  it("the ledger keeps the interval, the bound and the seeds", () => {
    line(() => check.within(s, 0, 4, { what: "w", seeds: [0, 1, 2] }));
    assert.deepEqual(lastCheck(), {
      check: "within",
      what: "w",
      claim: undefined,
      passed: true,
      value: {
        mean: 2,
        sd: 1,
        lo: 1,
        hi: 3,
        n: 3,
        level: 0.95,
        method: "Student t, 2 df",
        values: [1, 2, 3],
      },
      tol: { lo: 0, hi: 4 },
      seeds: [0, 1, 2],
    });
    line(() => check.above(s, 0, { what: "a" }));
    assert.deepEqual([lastCheck().tol, lastCheck().seeds], [{ above: 0 }, undefined]);
    line(() => check.below(s, 4, { what: "b" }));
    assert.deepEqual(lastCheck().tol, { below: 4 });
    line(() => check.covers(s, 2, { what: "c" }));
    assert.deepEqual(lastCheck().tol, { value: 2 });
  });

  it("a proportion (no values) needs no n ≥ 2; the level is printed; one run is refused", () => {
    const p: Summary = {
      n: 1,
      mean: 0.5,
      sd: 0.5,
      lo: 0.1,
      hi: 0.9,
      level: 0.9,
      method: "Wilson score, n = 1",
      values: [],
    };
    assert.equal(
      line(() => check.covers(p, 0.5, { what: "p" })),
      "✓ p: mean 0.5, 90% CI [0.1, 0.9] (Wilson score, n = 1) consistent with 0.5",
    );
    const one: Summary = {
      n: 1,
      mean: 2,
      sd: 0,
      lo: 2,
      hi: 2,
      level: 0.95,
      method: "1 run: no interval",
      values: [2],
    };
    assert.equal(
      thrown(() => check.covers(one, 2, { what: "one" }), CheckError).message,
      "✗ one: one run has no interval; an interval check needs ≥ 2 runs (seeds)",
    );
    const two = { ...s, n: 2, values: [1, 3] };
    line(() => check.covers(two, 2, { what: "two runs suffice" }));
  });

  it("refuses non-summaries, NaN ends and bad bounds, naming them", () => {
    for (const bad of [
      null,
      3,
      { lo: 1, hi: 2 },
      { n: 2, lo: "1", hi: 2 },
      { n: 2, lo: 1, hi: "2" },
      { n: "2", lo: 1, hi: 2 },
    ]) {
      assert.equal(
        thrown(() => check.above(bad as never, 0, { what: "x" }), TypeError).message,
        "check.above: expected a Summary from stats.summarize / pairedDiff / wilson (with n, mean, lo, hi)",
      );
    }
    assert.equal(
      thrown(() => check.above({ ...s, mean: NaN }, 0, { what: "x" }), CheckError).message,
      "✗ x: the mean is NaN (a failed computation, not a value)",
    );
    assert.equal(
      thrown(() => check.above({ ...s, lo: NaN }, 0, { what: "x" }), CheckError).message,
      "✗ x: the interval's lower end is NaN (a failed computation, not a value)",
    );
    assert.equal(
      thrown(() => check.below({ ...s, hi: Infinity }, 10, { what: "x" }), CheckError).message,
      "✗ x: the interval's upper end is Infinity; expected a finite value",
    );
    assert.match(
      thrown(() => check.above(s, NaN, { what: "x" }), DomainError).message,
      /^check\.above: argument t = NaN/,
    );
    assert.match(
      thrown(() => check.below(s, NaN, { what: "x" }), DomainError).message,
      /^check\.below: argument t = NaN/,
    );
    assert.match(
      thrown(() => check.within(s, NaN, 1, { what: "x" }), DomainError).message,
      /^check\.within: argument lo = NaN/,
    );
    assert.match(
      thrown(() => check.within(s, 0, NaN, { what: "x" }), DomainError).message,
      /^check\.within: argument hi = NaN/,
    );
    assert.equal(
      thrown(() => check.within(s, 2, 1, { what: "x" }), DomainError).message,
      "check.within: arguments lo = 2 > hi = 1; expected lo ≤ hi",
    );
    line(() => check.within(s, -Infinity, Infinity, { what: "open" }));
    line(() =>
      check.within({ ...s, lo: 2, hi: 2 }, 2, 2, { what: "a point interval inside a point" }),
    );
    assert.equal(
      thrown(() => check.covers(s, Infinity, { what: "x" }), DomainError).message,
      "check.covers: argument v = Infinity is out of domain; expected a finite predicted value",
    );
    thrown(() => check.covers(s, NaN, { what: "x" }), DomainError);
  });
});

// ---------------------------------------------------------------------------------------------
// claims, session, params, record, mode, paths

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withoutLedger, noteCheck, verifyClaims } from "besselbook/kernel/claims";
import { currentNotebook, SMOKE_BANNER } from "besselbook/kernel/session";
import { repoRelativePath, figurePath } from "besselbook/kernel/paths";

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}
const OURS = {
  text: "a statement of our own for the test",
  source: "ours" as const,
  kind: "ours" as const,
};
const GRAY = { ref: "gray2011", where: "Lemma 6.2" };

describe("claims: validation messages, REFERENCES.md keys, re-declaring", () => {
  beforeEach(() => {
    resetSession();
    logs(() => notebook("zz_kernel_mutants"));
  });
  const bad = (id: unknown, spec: unknown) =>
    thrown(() => claim(id as string, spec as never), DomainError).message;

  it("ids, specs, texts and kinds", () => {
    for (const id of ["Bad Id", "-lead", "UPPER", "a_b", "", 5]) {
      assert.equal(
        bad(id, OURS),
        `claim: argument id = ${JSON.stringify(id)} is out of domain; expected a short kebab-case id like "fano-constant"`,
      );
    }
    for (const id of ["a", "1-two", "x-y-z9"]) logs(() => claim(id, OURS));
    assert.equal(bad("x", null), 'claim("x"): expected a spec { text, source, kind }');
    assert.equal(bad("x", "text"), 'claim("x"): expected a spec { text, source, kind }');
    for (const text of ["123456789", "   short   ", 1234567890]) {
      assert.equal(
        bad("x", { ...OURS, text }),
        'claim("x"): argument text must state the claim in a sentence',
      );
    }
    logs(() => claim("ten", { ...OURS, text: "1234567890" }));
    assert.equal(
      bad("x", { ...OURS, kind: "proves" }),
      'claim("x"): argument kind = "proves" is out of domain; expected one of reproduces, differs, extends, ours, untestable',
    );
  });

  it("sources: ours ↔ kind ours, a { ref, where } with a known key otherwise", () => {
    assert.equal(
      bad("x", { ...OURS, kind: "reproduces" }),
      'claim("x"): source "ours" goes with kind "ours" (got kind "reproduces"); a claim that reproduces, extends or differs from a paper names the paper',
    );
    assert.equal(
      bad("x", { ...OURS, source: GRAY }),
      'claim("x"): kind "ours" needs source "ours" (got ref "gray2011")',
    );
    const shape =
      'claim("x"): argument source must be "ours" or { ref: "<REFERENCES.md key>", where: "§/Thm/Fig./Table …" }';
    for (const source of [
      null,
      "gray2011",
      { ref: 1, where: "§1" },
      { ref: "gray2011" },
      { ref: "gray2011", where: 3 },
      { ref: "gray2011", where: "  " },
    ]) {
      assert.equal(bad("x", { ...OURS, kind: "reproduces", source }), shape);
    }
    const known = [...referenceKeys()].sort().join(", ");
    assert.equal(
      bad("x", { ...OURS, kind: "extends", source: { ref: "nosuch", where: "§1" } }),
      `claim("x"): source ref "nosuch" is not a key of REFERENCES.md (known: ${known})`,
    );
    assert.equal(
      line(() => claim("x", { ...OURS, kind: "extends", source: GRAY })),
      "claim x [extends; gray2011, Lemma 6.2]: a statement of our own for the test",
    );
    assert.equal(
      line(() => claim("y", OURS)),
      "claim y [ours; ours]: a statement of our own for the test",
    );
  });

  it("differs and untestable need a why of a sentence; the others don't", () => {
    for (const kind of ["differs", "untestable"]) {
      for (const why of [undefined, "too short", 1234567890]) {
        assert.equal(
          bad("x", { ...OURS, kind, source: GRAY, why }),
          `claim("x"): kind "${kind}" needs \`why\`: the evidence for the difference, or why it cannot be tested offline`,
        );
      }
      logs(() => claim("x", { ...OURS, kind: kind as "differs", source: GRAY, why: "1234567890" }));
    }
    logs(() => claim("r", { ...OURS, kind: "reproduces", source: GRAY }));
  });

  it("referenceKeys reads anchors of the given file, re-reads it when it changes, and says when it is missing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-refs-"));
    try {
      const f = path.join(dir, "REFERENCES.md");
      fs.writeFileSync(
        f,
        '# refs\n<a id="alpha2020"></a> one\n<a id="beta-2"></a>\n<a name="nope"></a>\n',
      );
      assert.deepEqual([...referenceKeys(f)].sort(), ["alpha2020", "beta-2"]);
      fs.writeFileSync(f, '<a id="gamma"></a>\n');
      fs.utimesSync(f, new Date(), new Date(Date.now() + 5000));
      assert.deepEqual([...referenceKeys(f)], ["gamma"]);
      const g = path.join(dir, "other.md");
      fs.writeFileSync(g, '<a id="delta"></a>\n');
      fs.utimesSync(g, fs.statSync(f).atime, fs.statSync(f).mtime);
      assert.deepEqual(
        [...referenceKeys(g)],
        ["delta"],
        "the cache is per file, not only per mtime",
      );
      const missing = path.join(dir, "missing.md");
      assert.equal(
        thrown(() => referenceKeys(missing), BesselbookError).message,
        `claim: ${missing} not found; the project's citations live in REFERENCES.md at the repository root`,
      );
      assert.ok(
        referenceKeys().has("gray2011"),
        "default file: REFERENCES.md at the repository root",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("re-declaring the same claim keeps its checks; any change (text, kind, why, source) starts afresh", () => {
    const base = {
      text: "a sourced statement for the test",
      source: GRAY,
      kind: "differs" as const,
      why: "the evidence is in the test",
    };
    const declareAndCheck = () =>
      logs(() => {
        claim("c", base);
        check.less(1, 2, { what: "w", claim: "c" });
      });
    declareAndCheck();
    logs(() => claim("c", { ...base }));
    assert.equal(session.claims.c!.checks.length, 1);
    for (const change of [
      { text: "another sourced statement" },
      { kind: "untestable" as const },
      { why: "other evidence in the test" },
      { source: { ref: "gray2011", where: "Lemma 6.3" } },
    ]) {
      declareAndCheck();
      logs(() => claim("c", { ...base, ...change }));
      assert.equal(session.claims.c!.checks.length, 0, JSON.stringify(change));
    }
  });
});

describe("claims: ledger entries, verdicts and finish()", () => {
  let out: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "bb-mut-"));
    resetSession();
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));
  const entry = (kind: ClaimEntry["kind"], passed: boolean[]): ClaimEntry => ({
    id: "e",
    text: "t",
    source: "ours",
    kind,
    checks: passed.map((p) => ({ check: "less", what: "w", passed: p, value: 1, tol: null })),
  });

  it("verdict of every kind, with passing, failing and no checks", () => {
    assert.equal(verdict(entry("reproduces", [true])), "reproduced");
    assert.equal(verdict(entry("differs", [true, true])), "differs");
    assert.equal(verdict(entry("extends", [true])), "extends");
    assert.equal(verdict(entry("ours", [true])), "ours");
    assert.equal(verdict(entry("untestable", [])), "not testable offline");
    assert.equal(verdict(entry("untestable", [false])), "failed");
    assert.equal(verdict(entry("ours", [])), "unchecked");
    assert.equal(verdict(entry("ours", [true, false])), "failed");
    assert.equal(verdict(entry("reproduces", [false, true])), "failed");
  });

  it("noteCheck replaces the same (check, what), appends otherwise; paused inside withoutLedger", () => {
    logs(() => notebook("zz_kernel_mutants"));
    noteCheck({ check: "less", what: "a", passed: true, value: 1, tol: null });
    noteCheck({ check: "greater", what: "a", passed: true, value: 2, tol: null });
    noteCheck({ check: "less", what: "b", passed: true, value: 3, tol: null });
    noteCheck({ check: "less", what: "a", passed: false, value: 4, tol: null });
    assert.deepEqual(
      session.checks.map((c) => [c.check, c.what, c.value]),
      [
        ["less", "a", 4],
        ["greater", "a", 2],
        ["less", "b", 3],
      ],
    );
    const r = withoutLedger(() => {
      noteCheck({ check: "true", what: "hidden", passed: true, value: 1, tol: null });
      return 7;
    });
    assert.equal(r, 7);
    assert.throws(
      () =>
        withoutLedger(() => {
          throw new Error("boom");
        }),
      /boom/,
    );
    noteCheck({ check: "true", what: "after", passed: true, value: 1, tol: null });
    assert.deepEqual(
      session.checks.map((c) => c.what),
      ["a", "a", "b", "after"],
      "paused only while fn runs, also after it threw",
    );
  });

  it("verifyClaims lists every claim without a passing check; ledger() carries sources and verdicts", () => {
    logs(() => {
      notebook("zz_kernel_mutants");
      claim("good", OURS);
      claim("lonely", OURS);
      claim("broken", OURS);
      claim("offline", {
        ...OURS,
        kind: "untestable",
        source: GRAY,
        why: "needs data we cannot ship",
      });
      check.less(1, 2, { what: "w", claim: "good" });
    });
    assert.throws(() => logs(() => check.less(2, 1, { what: "w", claim: "broken" })), CheckError);
    assert.equal(
      thrown(() => verifyClaims(), CheckError).message,
      "✗ claims without a passing check: lonely (unchecked), broken (failed). Every claim needs a check that could fail on a plausible mistake (check.*(…, { what, claim: id })).",
    );
    const l = ledger();
    assert.deepEqual(Object.keys(l.claims), ["good", "lonely", "broken", "offline"]);
    assert.deepEqual(l.claims.offline, {
      text: OURS.text,
      source: GRAY,
      kind: "untestable",
      why: "needs data we cannot ship",
      verdict: "not testable offline",
      checks: [],
    });
    assert.equal((l.claims.good as { verdict: string }).verdict, "ours");
    assert.deepEqual(l.checks, []);
  });

  it("finish() writes the ledger and prints the verdict counts and one line per claim", () => {
    withEnv({ BESSELBOOK_OUT: out, BESSELBOOK_MODE: "full" }, () => {
      logs(() => {
        notebook("zz_finish");
        claim("mine", OURS);
        claim("offline", {
          ...OURS,
          kind: "untestable",
          source: GRAY,
          why: "needs data we cannot ship",
        });
        claim("one", { ...OURS, kind: "reproduces", source: GRAY });
        check.less(1, 2, { what: "a", claim: "mine" });
        check.less(1, 3, { what: "b", claim: "mine" });
        check.less(1, 3, { what: "c", claim: "one" });
        check.true(true, { what: "sanity" });
      });
      const file = path.join(out, "results", "zz_finish.json");
      const { lines } = logs(() => finish());
      assert.deepEqual(lines, [
        `claims: 3 (1 ours, 1 not testable offline, 1 reproduced); 1 other checks → ${file}`,
        `  ${"ours".padEnd(20)} mine (ours; 2 checks)`,
        `  ${"not testable offline".padEnd(20)} offline (gray2011 Lemma 6.2; 0 checks)`,
        `  ${"reproduced".padEnd(20)} one (gray2011 Lemma 6.2; 1 check)`,
      ]);
      const doc = JSON.parse(fs.readFileSync(file, "utf8"));
      assert.equal(doc.claims.mine.checks.length, 2);
      assert.equal(doc.checks.length, 1);
      resetSession();
      logs(() => notebook("zz_finish_empty"));
      assert.match(
        line(() => finish()),
        /^claims: 0 \(none\); 0 other checks → /,
      );
    });
    resetSession();
    assert.equal(
      thrown(() => finish(), BesselbookError).message,
      'finish(): no notebook id set; call notebook("NN_topic") in the setup cell first',
    );
  });
});

describe("session: notebook ids, switching, the smoke banner", () => {
  beforeEach(() => resetSession());

  it("validates ids (file-name safe), naming the argument", () => {
    for (const id of [".hidden", "a b", "a/b", "", "-x", 7]) {
      assert.equal(
        thrown(() => notebook(id as string), RangeError).message,
        `notebook: argument id = ${JSON.stringify(id)} is out of domain; expected a file-name-safe id like "05_bessel_cnn" (letters, digits, _ . -)`,
      );
    }
    for (const id of ["a", "05_x.v2-b", "Z"]) {
      resetSession();
      logs(() => notebook(id));
      assert.equal(currentNotebook("t"), id);
    }
  });

  it("the same id is a no-op; another id clears the session and says so", () => {
    withEnv({ BESSELBOOK_MODE: "full" }, () => {
      assert.deepEqual(logs(() => notebook("nb_one")).lines, []);
      session.params.a = 1;
      session.metrics.m = 2;
      session.seed = 3;
      logs(() => claim("c", OURS));
      logs(() => check.true(true, { what: "t" }));
      assert.deepEqual(logs(() => notebook("nb_one")).lines, []);
      assert.deepEqual(
        [
          session.params,
          session.metrics,
          session.seed,
          Object.keys(session.claims),
          session.checks.length,
        ],
        [{ a: 1 }, { m: 2 }, 3, ["c"], 1],
      );
      assert.deepEqual(logs(() => notebook("nb_two")).lines, [
        'notebook: switching from "nb_one" to "nb_two" (session state cleared)',
      ]);
      assert.deepEqual(
        [session.params, session.metrics, session.seed, session.claims, session.checks],
        [{}, {}, undefined, {}, []],
      );
      assert.equal(currentNotebook("t"), "nb_two");
    });
  });

  it("smoke mode prints the banner once, when the first notebook id is set", () => {
    withEnv({ BESSELBOOK_MODE: "smoke" }, () => {
      assert.deepEqual(logs(() => notebook("nb_s")).lines, [SMOKE_BANNER]);
      assert.deepEqual(logs(() => notebook("nb_s")).lines, []);
      assert.match(
        SMOKE_BANNER,
        /^⚠ smoke mode: .*NOT results.*written for the full run \(BESSELBOOK_MODE=full, the default\)$/,
      );
    });
    resetSession();
    withEnv({ BESSELBOOK_MODE: "full" }, () =>
      assert.deepEqual(logs(() => notebook("nb_f")).lines, []),
    );
  });
});

describe("params: coercion, precedence, messages", () => {
  beforeEach(() => resetSession());
  const full = { epochs: 12, lr: 0.01, tag: "a", fast: false };
  const run = (env: string | undefined, m: string, fn: () => unknown) =>
    withEnv({ BESSELBOOK_PARAMS: env, BESSELBOOK_MODE: m }, fn);

  it("prints the values in use, marking overrides; quiet prints nothing", () => {
    run(undefined, "full", () => {
      assert.equal(
        line(() => params(full)),
        'params (full mode): epochs=12 lr=0.01 tag="a" fast=false',
      );
      assert.deepEqual(logs(() => params(full, { quiet: true })).lines, []);
    });
    run('{"tag": "b"}', "smoke", () => {
      assert.equal(
        line(() => params(full, { smoke: { epochs: 1, lr: undefined } })),
        'params (smoke mode): epochs=1* lr=0.01 tag="b"* fast=false   (* overridden)',
      );
    });
    run('{"epochs": 2}', "smoke", () => {
      assert.equal(
        line(() => params(full, { smoke: { epochs: 1 } })),
        'params (smoke mode): epochs=2* lr=0.01 tag="a" fast=false   (* overridden)',
      );
    });
    assert.deepEqual(session.params, { epochs: 2, lr: 0.01, tag: "a", fast: false });
  });

  it("coerces strings from -p k=v: trimmed numbers and exact true/false only", () => {
    run('{"epochs": " 7 ", "fast": "true", "tag": "12"}', "full", () => {
      assert.deepEqual(logs(() => params(full)).value, {
        epochs: 7,
        lr: 0.01,
        tag: "12",
        fast: true,
      });
    });
    run('{"fast": "false"}', "full", () =>
      assert.equal(logs(() => params({ fast: true })).value.fast, false),
    );
    for (const [v, shown, type, like] of [
      ['""', '""', "string", "12"],
      ['"1e999"', '"1e999"', "string", "12"],
      ["true", "true", "boolean", "12"],
      ["null", "null", "null", "12"],
      ["[1]", "[1]", "array", "12"],
    ]) {
      run(`{"epochs": ${v}}`, "full", () =>
        assert.equal(
          thrown(() => params(full), BesselbookError).message,
          `params: BESSELBOOK_PARAMS sets epochs = ${shown} (${type}); expected a number like the default ${like}`,
        ),
      );
    }
    for (const v of ['"yes"', '"True"', "1", '"1"', '" "']) {
      run(`{"fast": ${v}}`, "full", () =>
        assert.match(
          thrown(() => params(full), BesselbookError).message,
          /expected a boolean like the default false$/,
        ),
      );
    }
    run('{"fast": " true "}', "full", () =>
      assert.equal(logs(() => params(full)).value.fast, true),
    );
    for (const v of ['"  "', '"true"']) {
      run(`{"epochs": ${v}}`, "full", () =>
        assert.match(
          thrown(() => params(full), BesselbookError).message,
          /expected a number like the default 12$/,
        ),
      );
    }
    run('{"tag": 3}', "full", () =>
      assert.match(
        thrown(() => params(full), BesselbookError).message,
        /tag = 3 \(number\); expected a string like the default "a"$/,
      ),
    );
    run(undefined, "smoke", () =>
      assert.equal(
        thrown(() => params(full, { smoke: { epochs: NaN } }), BesselbookError).message,
        "params: the smoke overrides sets epochs = NaN; expected a finite number",
      ),
    );
    run(undefined, "smoke", () =>
      assert.match(
        thrown(() => params(full, { smoke: { lr: Infinity } }), BesselbookError).message,
        /lr = Infinity; expected a finite number$/,
      ),
    );
  });

  it("smoke overrides: key-checked in every mode, applied only in smoke mode", () => {
    run(undefined, "full", () => {
      assert.equal(
        thrown(() => params(full, { smoke: { epoch: 1, lrr: 2 } as never }), BesselbookError)
          .message,
        'params: the smoke overrides has unknown keys "epoch", "lrr"; known keys: epochs, lr, tag, fast',
      );
      assert.deepEqual(logs(() => params(full, { smoke: { epochs: 1 } })).value, full);
    });
  });

  it("BESSELBOOK_PARAMS: blank is none; non-objects refused; keys of another params() cell allowed", () => {
    for (const env of [undefined, "", "  "])
      run(env, "full", () => assert.deepEqual(logs(() => params(full)).value, full));
    for (const [env, got] of [
      ["null", "null"],
      ["3", "number"],
      ["[1]", "array"],
      ['"s"', "string"],
    ]) {
      run(env, "full", () =>
        assert.equal(
          thrown(() => params(full), BesselbookError).message,
          `params: BESSELBOOK_PARAMS must be a JSON object like {"epochs": 2}, got ${got}`,
        ),
      );
    }
    run("{oops", "full", () =>
      assert.match(
        thrown(() => params(full), BesselbookError).message,
        /^params: BESSELBOOK_PARAMS is not valid JSON \(.+\); expected an object like \{"epochs": 2\}$/,
      ),
    );
    run('{"a": 5, "b": 6}', "full", () => {
      // a notebook with two params() cells: each may see the other's keys
      resetSession();
      assert.equal(
        thrown(() => logs(() => params({ a: 1 })), BesselbookError).message,
        'params: BESSELBOOK_PARAMS has unknown key "b"; known keys: a',
      );
      resetSession();
      session.params.b = 0;
      assert.deepEqual(logs(() => params({ a: 1 })).value, { a: 5 });
      assert.deepEqual(logs(() => params({ b: 2 })).value, { b: 6 });
    });
    run('{"zz": 1}', "full", () => {
      resetSession();
      session.params.b = 0;
      assert.equal(
        thrown(() => params({ a: 1 }), BesselbookError).message,
        'params: BESSELBOOK_PARAMS has unknown key "zz"; known keys: b, a',
      );
    });
  });

  it("refuses defaults that are not a flat object of numbers, strings and booleans", () => {
    run(undefined, "full", () => {
      for (const [d, got] of [
        [null, "null"],
        [[1], "array"],
        [3, "number"],
      ] as const) {
        assert.equal(
          thrown(() => params(d as never), TypeError).message,
          `params: expected an object of defaults like { epochs: 12 }, got ${got}`,
        );
      }
      assert.equal(
        thrown(() => params({ a: null } as never), TypeError).message,
        "params: default a is null; expected number, string or boolean",
      );
      assert.equal(
        thrown(() => params({ a: [1] } as never), TypeError).message,
        "params: default a is array; expected number, string or boolean",
      );
    });
  });

  it("mode: trimmed and case-insensitive; blank is full; anything else names the choices", () => {
    for (const [raw, m] of [
      [undefined, "full"],
      ["", "full"],
      [" ", "full"],
      [" SMOKE ", "smoke"],
      ["Full", "full"],
    ] as const) {
      withEnv({ BESSELBOOK_MODE: raw }, () => assert.equal(mode(), m));
    }
    withEnv({ BESSELBOOK_MODE: "fast" }, () =>
      assert.equal(
        thrown(() => mode(), RangeError).message,
        'mode: BESSELBOOK_MODE = "fast" is out of domain; expected one of "full", "smoke"',
      ),
    );
  });
});

describe("record: canonical JSON, provenance, errors", () => {
  let out: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "bb-rec-"));
    resetSession();
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  it("canonicalises values (sorted keys, −0 → 0, typed arrays and tensors to arrays, undefined dropped)", () => {
    withEnv({ BESSELBOOK_OUT: out, BESSELBOOK_MODE: "full" }, () => {
      logs(() => notebook("zz_rec"));
      const file = path.join(out, "results", "zz_rec.json");
      assert.equal(
        line(() =>
          record({
            z: -0,
            a: { y: Float32Array.of(0.5, 1), x: undefined, b: BigInt(3) },
            t: { shape: [], dataSync: () => [4] },
            v: { shape: [2], dataSync: () => Float32Array.of(1, 2) },
            s: "x",
            f: false,
            n: null,
          }),
        ),
        `recorded a, f, n, s, t, v, z → ${file}`,
      );
      const text = fs.readFileSync(file, "utf8");
      assert.ok(text.endsWith("}\n"));
      const doc = JSON.parse(text);
      assert.deepEqual(doc.metrics, {
        a: { b: 3, y: [0.5, 1] },
        f: false,
        n: null,
        s: "x",
        t: 4,
        v: [1, 2],
        z: 0,
      });
      assert.ok(Object.is(doc.metrics.z, 0));
      assert.ok(text.includes('\n  "backend"'), "two-space indentation");
      assert.deepEqual(Object.keys(doc), [...Object.keys(doc)].sort(), "top-level keys sorted");
      assert.deepEqual(Object.keys(doc.versions), ["besselbook", "node", "tfjs"]);
      assert.equal(
        doc.versions.besselbook,
        JSON.parse(fs.readFileSync(path.join(repoRoot(), "lib", "package.json"), "utf8")).version,
      );
      assert.equal(doc.versions.node, process.version);
      assert.equal(doc.mode, "full");
      assert.equal(doc.notebook, "zz_rec");
      assert.equal(doc.seed, null);
      logs(() => record({ a: 1, later: 2 }));
      assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")).metrics, {
        a: 1,
        f: false,
        later: 2,
        n: null,
        s: "x",
        t: 4,
        v: [1, 2],
        z: 0,
      });
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ["zz_rec.json"]);
    });
  });

  it("refuses NaN anywhere (naming the path), non-data values, empty and non-object metrics", () => {
    withEnv({ BESSELBOOK_OUT: out }, () => {
      assert.equal(
        thrown(() => record({ a: 1 }), BesselbookError).message,
        'record(): no notebook id set; call notebook("NN_topic") in the setup cell first',
      );
      logs(() => notebook("zz_rec"));
      assert.equal(
        thrown(() => record({ a: { b: [1, NaN] } }), RangeError).message,
        "record: argument metrics.a.b[1] = NaN is out of domain; expected a finite number",
      );
      assert.equal(
        thrown(() => record({ a: Float64Array.of(1, Infinity) }), RangeError).message,
        "record: argument metrics.a[1] = Infinity is out of domain; expected a finite number",
      );
      assert.equal(
        thrown(() => record({ f: () => 1 }), TypeError).message,
        "record: metrics.f is a function; expected numbers, strings, booleans, arrays or plain objects",
      );
      assert.equal(
        thrown(() => record({}), BesselbookError).message,
        "record: no metrics given; expected at least one key",
      );
      assert.equal(
        thrown(() => record({ u: undefined }), BesselbookError).message,
        "record: no metrics given; expected at least one key",
      );
      for (const [m, got] of [
        [null, "object"],
        [[1], "array"],
        [3, "number"],
      ] as const) {
        assert.equal(
          thrown(() => record(m as never), TypeError).message,
          `record: expected an object of named metrics like { testAcc: 0.91 }, got ${got}`,
        );
      }
      assert.ok(
        !fs.existsSync(path.join(out, "results", "zz_rec.json")),
        "nothing written by refused calls",
      );
      assert.deepEqual(resultsDocument().metrics, {});
    });
  });
});

describe("paths: output root, figure names, display paths", () => {
  beforeEach(() => resetSession());

  it("BESSELBOOK_OUT wins (relative to cwd); full → repo root; smoke → .besselbook/smoke", () => {
    withEnv({ BESSELBOOK_OUT: "some/dir" }, () =>
      assert.equal(outRoot(), path.resolve(process.cwd(), "some/dir")),
    );
    withEnv({ BESSELBOOK_OUT: " ", BESSELBOOK_MODE: "full" }, () =>
      assert.equal(outRoot(), repoRoot()),
    );
    withEnv({ BESSELBOOK_OUT: undefined, BESSELBOOK_MODE: "smoke" }, () =>
      assert.equal(outRoot(), path.join(repoRoot(), ".besselbook", "smoke")),
    );
    assert.ok(fs.existsSync(path.join(repoRoot(), "lib", "package.json")));
  });

  it("figurePath: bare names under figures/<notebook>/, paths as given, junk refused", () => {
    withEnv({ BESSELBOOK_OUT: "/tmp/bb-out", BESSELBOOK_MODE: "full" }, () => {
      logs(() => notebook("zz_fig"));
      assert.equal(figurePath("loss.svg"), "/tmp/bb-out/figures/zz_fig/loss");
      assert.equal(figurePath("loss.PNG"), "/tmp/bb-out/figures/zz_fig/loss");
      assert.equal(figurePath("a_b-c.d"), "/tmp/bb-out/figures/zz_fig/a_b-c.d");
      assert.equal(figurePath("/abs/fig.svg"), "/abs/fig");
      assert.equal(figurePath("sub/fig"), path.resolve(process.cwd(), "sub/fig"));
      for (const bad of ["", "  "]) {
        assert.equal(
          thrown(() => figurePath(bad), RangeError).message,
          `figure name: argument name = ${JSON.stringify(bad)} is out of domain; expected a non-empty file name like "loss_curve"`,
        );
      }
      for (const bad of ["a b", ".hidden", "x?"]) {
        assert.equal(
          thrown(() => figurePath(bad), RangeError).message,
          `figure name: argument name = ${JSON.stringify(bad)} is out of domain; expected letters, digits, _ . - (no spaces)`,
        );
      }
    });
  });

  it("repoRelativePath: relative with / inside the repository, absolute outside", () => {
    const root = repoRoot();
    assert.equal(repoRelativePath(path.join(root, "results", "x.json")), "results/x.json");
    assert.equal(repoRelativePath("/elsewhere/x.json"), "/elsewhere/x.json");
    assert.equal(
      repoRelativePath(path.resolve(root, "..", "sibling", "x.json")),
      path.resolve(root, "..", "sibling", "x.json"),
    );
    assert.equal(repoRelativePath(root), root);
  });
});

describe("check: names in messages and ledger entries (second round of survivors)", () => {
  beforeEach(() => {
    resetSession();
    logs(() => notebook("zz_kernel_mutants"));
  });

  it("every check records its own name in the ledger and in its 'what is required' error", () => {
    const s: Summary = {
      n: 3,
      mean: 2,
      sd: 1,
      lo: 1,
      hi: 3,
      level: 0.95,
      method: "m",
      values: [1, 2, 3],
    };
    const id = (x: number[]) => x;
    const runs: [string, (w: never) => unknown][] = [
      ["close", (w) => check.close(1, 1, { what: w })],
      [
        "equivariant",
        (w) => check.equivariant({ what: w, f: id, x: [1], g: { in: id, out: id }, tol: 0 }),
      ],
      ["invariant", (w) => check.invariant({ what: w, f: id, x: [1], g: id, tol: 0 })],
      ["true", (w) => check.true(true, { what: w })],
      ["less", (w) => check.less(1, 2, { what: w })],
      ["greater", (w) => check.greater(2, 1, { what: w })],
      ["between", (w) => check.between(1, 0, 2, { what: w })],
      ["rejects", (w) => check.rejects(() => check.less(2, 1, { what: "x" }), { what: w })],
      ["above", (w) => check.above(s, 0, { what: w })],
      ["below", (w) => check.below(s, 4, { what: w })],
      ["within", (w) => check.within(s, 0, 4, { what: w })],
      ["covers", (w) => check.covers(s, 2, { what: w })],
    ];
    for (const [name, run] of runs) {
      line(() => run(`w-${name}` as never));
      assert.deepEqual([lastCheck().check, lastCheck().what], [name, `w-${name}`]);
      assert.equal(
        thrown(() => run("" as never), TypeError).message,
        `check.${name}: option what is required (a short description printed with the result)`,
      );
    }
    // interval checks refuse a bare string too (ilabel passes it to label unchanged)
    assert.equal(
      thrown(() => check.above(s, 0, "w" as never), TypeError).message,
      'check.above: the description is an object — write { what: "w" }, not a bare string',
    );
    assert.equal(
      thrown(() => check.covers(s, 2, "w" as never), TypeError).message,
      'check.covers: the description is an object — write { what: "w" }, not a bare string',
    );
    assert.equal(
      thrown(() => check.close(1, 1, undefined as never), TypeError).message,
      "check.close: option what is required (a short description printed with the result)",
    );
    assert.equal(
      thrown(() => check.equivariant(undefined as never), TypeError).message,
      "check.equivariant: option what is required (a short description printed with the result)",
    );
  });

  it("scalar arguments are named in shape errors; non-number bounds are refused", () => {
    assert.equal(
      thrown(() => check.less([1, 2], 3, { what: "v" }), ShapeError).message,
      "check.less a: expected shape a scalar, got [2]",
    );
    assert.equal(
      thrown(() => check.greater(1, [1, 2], { what: "v" }), ShapeError).message,
      "check.greater b: expected shape a scalar, got [2]",
    );
    assert.equal(
      thrown(() => check.between([1, 2], 0, 3, { what: "v" }), ShapeError).message,
      "check.between x: expected shape a scalar, got [2]",
    );
    assert.equal(
      thrown(() => check.between(0.5, "0" as never, 1, { what: "v" }), DomainError).message,
      "check.between: argument lo = 0 is out of domain; expected a number (±Infinity for an open side)",
    );
    assert.match(
      thrown(
        () =>
          check.above(
            { n: 2, mean: 1, sd: 0, lo: 1, hi: 1, level: 0.95, method: "m", values: [1, 1] },
            "0" as never,
            { what: "v" },
          ),
        DomainError,
      ).message,
      /^check\.above: argument t = 0 is out of domain/,
    );
  });

  it("ragged and rank-changed inputs are named down to the element, with full shapes", () => {
    assert.equal(
      thrown(() => flatten([[[1, 2], [3]]]), ShapeError).message,
      "value[0][1]: expected shape [2] like value[0][0] (ragged arrays are not numeric), got [1]",
    );
    thrown(() => flatten([[[1]], [1]]), ShapeError);
    assert.equal(
      thrown(
        () =>
          flatten([
            [
              [1, 2],
              [3, 4],
            ],
            [[1, 2]],
          ]),
        ShapeError,
      ).message,
      "value[1]: expected shape [2, 2] like value[0] (ragged arrays are not numeric), got [1, 2]",
    );
    assert.equal(
      thrown(
        () =>
          check.close(
            [[1, 2], [3]],
            [
              [1, 2],
              [3, 4],
            ],
            { what: "w" },
          ),
        ShapeError,
      ).message.split(":")[0],
      "actual[1]",
    );
    assert.equal(
      thrown(() => check.close([1], [[1, 2], [3]], { what: "w" }), ShapeError).message.split(
        ":",
      )[0],
      "expected[1]",
    );
    assert.equal(
      thrown(
        () =>
          check.close(
            [1, 2, 3, 4],
            [
              [1, 2],
              [3, 4],
            ],
            { what: "w" },
          ),
        ShapeError,
      ).message,
      "check.close (w) actual: expected shape [2, 2] (the shape of expected), got [4]",
    );
    thrown(
      () => check.close([1, 2], [[1], [2]], { what: "rank grows, same leading size" }),
      ShapeError,
    );
    const id = (x: number[]) => x;
    assert.equal(
      thrown(
        () =>
          check.equivariant({
            what: "w",
            f: (() => [[1, 2], [3]]) as never,
            x: [1],
            g: { in: id, out: id },
            tol: 1,
          }),
        ShapeError,
      ).message.split(":")[0],
      "f(x)[1]",
    );
    assert.equal(
      thrown(
        () =>
          check.equivariant({
            what: "w",
            f: ((x: number[]) =>
              x[0] === 2
                ? [[1, 2], [3]]
                : [
                    [1, 2],
                    [3, 4],
                  ]) as never,
            x: [1],
            g: { in: () => [2], out: id },
            tol: 1,
          }),
        ShapeError,
      ).message.split(":")[0],
      "f(g·x)[1]",
    );
    assert.equal(
      thrown(
        () =>
          check.equivariant({
            what: "w",
            f: (() => [
              [1, 2],
              [3, 4],
            ]) as never,
            x: [1],
            g: { in: id, out: () => [[1, 2], [3]] as never },
            tol: 1,
          }),
        ShapeError,
      ).message.split(":")[0],
      "g·f(x)[1]",
    );
    assert.equal(
      thrown(
        () =>
          check.equivariant({
            what: "w",
            f: () => [
              [1, 2],
              [3, 4],
            ],
            x: [1],
            g: { in: id, out: () => [[1, 2, 3, 4]] },
            tol: 1,
          }),
        ShapeError,
      ).message,
      "check.equivariant (w) f(g·x): expected shape [1, 4] (the shape of g·f(x)), got [2, 2]",
    );
    assert.equal(
      thrown(() => flatten({ shape: [2], dataSync: [1, 2] }), TypeError).message,
      "check: value is object; expected a number, array, typed array or tfjs tensor",
    );
    assert.equal(
      thrown(
        () => check.equivariant({ what: "w", f: id, g: { in: id, out: id }, tol: 1 }),
        TypeError,
      ).message,
      "check.equivariant: expected an input `x` or a non-empty `inputs` array",
    );
  });

  it("rejects: the quoted output keeps spaces and separators; only a leading ✗ is stripped", () => {
    assert.equal(
      thrown(
        () =>
          check.rejects(
            () => {
              console.log("a", "b");
              console.log("c");
            },
            { what: "r" },
          ),
        CheckError,
      ).message,
      "✗ r: the wrong variant passed its check (a b; c); the check has no power against it",
    );
    assert.equal(
      line(() =>
        check.rejects(
          () => {
            throw new CheckError("✗   three spaces");
          },
          { what: "r" },
        ),
      ),
      "✓ r: rejected as it should be — three spaces",
    );
    assert.equal(
      line(() =>
        check.rejects(
          () => {
            throw new CheckError("x ✗ y");
          },
          { what: "r" },
        ),
      ),
      "✓ r: rejected as it should be — x ✗ y",
    );
  });
});

describe("check.equivariant frees the tensors f and g make (tf.tidy when tfjs is loaded)", () => {
  it("no tensors leak from a tensor-valued f", async () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const tf = require("@tensorflow/tfjs") as typeof import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    resetSession();
    logs(() => notebook("zz_kernel_mutants"));
    const f = (x: number[]) => tf.tensor1d(x).mul(2);
    expectNoLeakedTensors(
      () =>
        line(() =>
          check.equivariant({
            what: "tensors",
            f,
            inputs: [
              [1, 2],
              [3, 4],
            ],
            g: [
              {
                in: (x) => x.map((v) => v + 1),
                out: (y) => (y as import("@tensorflow/tfjs").Tensor).add(2),
              },
            ],
            tol: 1e-6,
          }),
        ),
      "every intermediate tensor disposed",
    );
  });
});

describe("paths: finding the repository root", () => {
  let tmp: string;
  const cwd = process.cwd();
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "bb-root-")));
    resetSession();
  });
  afterEach(() => {
    process.chdir(cwd);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const pkg = (dir: string, json: string) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), json);
  };

  it("walks up from the working directory to a package.json with workspace lib (any spelling)", () => {
    pkg(path.join(tmp, "a"), JSON.stringify({ workspaces: ["docs", "./lib/"] }));
    fs.mkdirSync(path.join(tmp, "a", "notebooks", "deep"), { recursive: true });
    process.chdir(path.join(tmp, "a", "notebooks", "deep"));
    assert.equal(repoRoot(), path.join(tmp, "a"));
    pkg(path.join(tmp, "b"), JSON.stringify({ workspaces: { packages: ["lib"] } }));
    process.chdir(path.join(tmp, "b"));
    assert.equal(repoRoot(), path.join(tmp, "b"));
  });

  it("other package.json files are passed over; from outside, the library's own location is used", () => {
    const real = (() => {
      process.chdir(cwd);
      return repoRoot();
    })();
    for (const [name, json] of [
      ["c", JSON.stringify({ workspaces: ["lib2", 3, "xlib"] })],
      ["d", "{broken"],
      ["e", JSON.stringify({ workspaces: "lib" })],
      ["f", JSON.stringify({ name: "x" })],
    ]) {
      pkg(path.join(tmp, name!), json!);
      process.chdir(path.join(tmp, name!));
      assert.equal(repoRoot(), real, name);
    }
    fs.mkdirSync(path.join(tmp, "g"));
    process.chdir(path.join(tmp, "g"));
    assert.equal(repoRoot(), real);
  });

  it("figure and results paths need a notebook id, saying which call needed it", () => {
    assert.equal(
      thrown(() => figurePath("x"), BesselbookError).message,
      'show(chart, { name }): no notebook id set; call notebook("NN_topic") in the setup cell first',
    );
    assert.equal(
      thrown(() => resultsPathOf(), BesselbookError).message,
      'record(): no notebook id set; call notebook("NN_topic") in the setup cell first',
    );
    assert.equal(
      thrown(() => figurePath(5 as never), RangeError).message,
      'figure name: argument name = 5 is out of domain; expected a non-empty file name like "loss_curve"',
    );
    withEnv({ BESSELBOOK_OUT: "/tmp/bb-out" }, () => {
      logs(() => notebook("zz_fig"));
      assert.equal(
        figurePath("a.png.b"),
        "/tmp/bb-out/figures/zz_fig/a.png.b",
        "only a trailing .svg/.png is an extension",
      );
      assert.equal(resultsPathOf(), "/tmp/bb-out/results/zz_fig.json");
    });
  });
});

describe("paths: workspace spellings, the workshop output root, no repository at all", () => {
  let tmp: string;
  const cwd = process.cwd();
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "bb-paths-")));
  });
  afterEach(() => {
    process.chdir(cwd);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const pkg = (dir: string, ws: unknown) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ workspaces: ws }));
  };
  const rootFrom = (dir: string) => {
    process.chdir(dir);
    return repoRoot();
  };

  it('a non-string workspace entry before "lib" does not hide it; near-misses of lib are not lib', () => {
    const real = rootFrom(cwd);
    pkg(path.join(tmp, "a"), [3, null, "lib"]);
    assert.equal(rootFrom(path.join(tmp, "a")), path.join(tmp, "a"));
    pkg(path.join(tmp, "b"), { packages: [{ name: "x" }, "./lib"] });
    assert.equal(rootFrom(path.join(tmp, "b")), path.join(tmp, "b"));
    for (const [i, near] of ["l./ib", "lib./", "li/b", "x/lib", "lib/x", "./lib//"].entries()) {
      pkg(path.join(tmp, `n${i}`), [near]);
      assert.equal(
        rootFrom(path.join(tmp, `n${i}`)),
        real,
        `workspace ${JSON.stringify(near)} is not "lib"`,
      );
    }
  });

  it("full mode in notebooks/workshop (or any folder under it) writes to workshop/out, elsewhere to the root", () => {
    pkg(tmp, ["lib"]);
    const ws = path.join(tmp, "notebooks", "workshop");
    for (const d of ["sub/deep", "a.."]) fs.mkdirSync(path.join(ws, d), { recursive: true });
    fs.mkdirSync(path.join(tmp, "notebooks", "workshop2"));
    withEnv({ BESSELBOOK_OUT: undefined, BESSELBOOK_MODE: "full" }, () => {
      for (const d of ["", "sub", "sub/deep", "a.."]) {
        process.chdir(path.join(ws, d));
        assert.equal(outRoot(), path.join(ws, "out"), `cwd workshop/${d}`);
      }
      for (const d of [
        tmp,
        path.join(tmp, "notebooks"),
        path.join(tmp, "notebooks", "workshop2"),
      ]) {
        process.chdir(d);
        assert.equal(outRoot(), tmp, `cwd ${d}`);
      }
    });
    withEnv({ BESSELBOOK_OUT: undefined, BESSELBOOK_MODE: "smoke" }, () => {
      process.chdir(path.join(ws, "sub"));
      assert.equal(
        outRoot(),
        path.join(tmp, ".besselbook", "smoke"),
        "smoke mode never writes into the workshop",
      );
    });
  });

  it("an installed copy with no repository above it or the working directory: a clear error, absolute display paths", () => {
    // The compiled kernel files (the ones under test) copied to <tmp>/pkg/lib/dist, loaded fresh.
    const built = path.dirname(path.dirname(require.resolve("besselbook/kernel/paths")));
    for (const f of ["kernel/paths.js", "kernel/mode.js", "kernel/session.js", "errors.js"]) {
      fs.mkdirSync(path.dirname(path.join(tmp, "pkg", "lib", "dist", f)), { recursive: true });
      fs.copyFileSync(path.join(built, f), path.join(tmp, "pkg", "lib", "dist", f));
    }
    fs.mkdirSync(path.join(tmp, "elsewhere"));
    process.chdir(path.join(tmp, "elsewhere"));
    const file = path.join(tmp, "pkg", "lib", "dist", "kernel", "paths.js");
    try {
      const copy = require(file) as typeof import("besselbook/kernel/paths");
      const dir = path.join(tmp, "pkg", "lib", "dist", "kernel");
      assert.equal(
        thrown(() => copy.repoRoot(), Error).message,
        `besselbook: cannot find the repository root (a package.json with workspaces ["lib"]) above ${path.join(tmp, "elsewhere")} or ${dir}; set BESSELBOOK_OUT`,
      );
      assert.equal(
        copy.repoRelativePath(path.join(tmp, "elsewhere", "x.json")),
        path.join(tmp, "elsewhere", "x.json"),
      );
      withEnv({ BESSELBOOK_OUT: "out" }, () =>
        assert.equal(
          copy.outRoot(),
          path.join(tmp, "elsewhere", "out"),
          "BESSELBOOK_OUT needs no repository",
        ),
      );
      pkg(path.join(tmp, "pkg"), ["./lib"]);
      assert.equal(copy.repoRoot(), path.join(tmp, "pkg"), "found from the library's own location");
      assert.equal(
        copy.repoRelativePath(path.join(tmp, "pkg", "results", "a.json")),
        "results/a.json",
      );
    } finally {
      for (const k of Object.keys(require.cache))
        if (k.startsWith(tmp + path.sep)) delete require.cache[k];
    }
  });
});

describe("claim({ revised }): the revision note has a floor of 10 characters after trimming", () => {
  beforeEach(() => {
    resetSession();
    logs(() => notebook("zz_kernel_mutants"));
  });
  const OURS = {
    text: "a statement of our own for the test",
    source: "ours" as const,
    kind: "ours" as const,
  };

  it("accepts exactly 10 characters; refuses 9, and whitespace padding does not count", () => {
    logs(() => claim("rev-10", { ...OURS, revised: "0123456789" }));
    assert.throws(
      () => claim("rev-9", { ...OURS, revised: "012345678" }),
      (e: unknown) => e instanceof DomainError && /revised/.test(String(e)),
    );
    assert.throws(
      () => claim("rev-pad", { ...OURS, revised: "   12345678   " }),
      (e: unknown) => e instanceof DomainError && /revised/.test(String(e)),
    );
    logs(() => claim("rev-pad-ok", { ...OURS, revised: "  0123456789  " }));
  });
});
