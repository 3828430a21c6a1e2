/**
 * The claims ledger, the interval checks and the uncertainty helpers. Every kind of check is
 * shown to pass on a right input AND to fail on a plausible wrong one (a negative control).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  check,
  claim,
  finish,
  notebook,
  record,
  resetSession,
  resultsDocument,
  referenceKeys,
} from "besselbook";
import {
  stats,
  overSeeds,
  parallelSeeds,
  tensor,
  init,
  BesselbookError,
  CheckError,
  DomainError,
  ShapeError,
} from "besselbook";

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
const quiet = <T>(fn: () => T): T => logs(fn).value;
const resultsDocumentSafe = (): { checks: { what: string }[] } => {
  quiet(() => notebook("zz_claims_ledger"));
  return resultsDocument() as unknown as { checks: { what: string }[] };
};

const OURS = {
  text: "a statement of our own for the test",
  source: "ours" as const,
  kind: "ours" as const,
};

describe("errors: one family", () => {
  it("DomainError is a BesselbookError and a RangeError; other subclasses keep their own instanceof", () => {
    const e = new DomainError("f: argument x = NaN is out of domain");
    assert.ok(e instanceof BesselbookError);
    assert.ok(e instanceof RangeError);
    assert.ok(!(e instanceof ShapeError));
    assert.ok(
      !(new RangeError("plain") instanceof BesselbookError),
      "a foreign RangeError is not ours",
    );
    assert.ok(new CheckError("x") instanceof BesselbookError);
    assert.ok(!(new CheckError("x") instanceof ShapeError));
  });
});

describe("claims: declaring", () => {
  beforeEach(() => resetSession());

  it("REFERENCES.md keys are read from its anchors", () => {
    const keys = referenceKeys();
    for (const k of ["gray2011", "bcnn2021", "wangisola2020"]) assert.ok(keys.has(k), k);
  });

  it("accepts a sourced claim and prints it with its source", () => {
    const { lines } = logs(() =>
      claim("fano-bound", {
        text: "Fano bounds the error probability",
        source: { ref: "gray2011", where: "Lemma 6.2" },
        kind: "reproduces",
      }),
    );
    assert.match(lines[0]!, /claim fano-bound \[reproduces; gray2011, Lemma 6\.2\]/);
  });

  it("rejects unknown refs, ours/kind mismatches, missing why and bad ids", () => {
    assert.throws(
      () =>
        quiet(() =>
          claim("x-1", {
            text: "some statement here",
            source: { ref: "nosuchpaper", where: "§1" },
            kind: "reproduces",
          }),
        ),
      /not a key of REFERENCES\.md/,
    );
    assert.throws(
      () =>
        quiet(() =>
          claim("x-2", { text: "some statement here", source: "ours", kind: "reproduces" }),
        ),
      /source "ours" goes with kind "ours"/,
    );
    assert.throws(
      () =>
        quiet(() =>
          claim("x-3", {
            text: "some statement here",
            source: { ref: "gray2011", where: "Lemma 6.2" },
            kind: "ours",
          }),
        ),
      /kind "ours" needs source "ours"/,
    );
    assert.throws(
      () =>
        quiet(() =>
          claim("x-4", {
            text: "some statement here",
            source: { ref: "gray2011", where: "Lemma 6.2" },
            kind: "differs",
          }),
        ),
      /needs `why`/,
    );
    assert.throws(
      () =>
        quiet(() =>
          claim("x-5", {
            text: "some statement here",
            source: { ref: "gray2011", where: " " },
            kind: "reproduces",
          }),
        ),
      DomainError,
    );
    assert.throws(() => quiet(() => claim("Bad Id", OURS)), DomainError);
    assert.throws(
      () => quiet(() => claim("x-6", { ...OURS, kind: "proves" as never })),
      /expected one of/,
    );
  });

  it("a check naming an undeclared claim fails at once", () => {
    assert.throws(
      () => quiet(() => check.less(1, 2, { what: "w", claim: "nobody" })),
      (e: Error) => e instanceof CheckError && /names claim "nobody"/.test(e.message),
    );
    assert.throws(() => quiet(() => check.close(1, 1, { what: "w", claim: "nobody" })), CheckError);
  });
});

describe("claims: the ledger in results", () => {
  let out: string;
  const saved = process.env.BESSELBOOK_OUT;
  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "bb-claims-"));
    process.env.BESSELBOOK_OUT = out;
  });
  after(() => {
    if (saved === undefined) delete process.env.BESSELBOOK_OUT;
    else process.env.BESSELBOOK_OUT = saved;
    fs.rmSync(out, { recursive: true, force: true });
  });
  beforeEach(() => resetSession());

  it("finish() fails on a claim without a passing check and writes nothing", () => {
    quiet(() => {
      notebook("zz_claims_a");
      claim("lonely", OURS);
    });
    assert.throws(
      () => quiet(() => finish()),
      (e: Error) => e instanceof CheckError && /lonely \(unchecked\)/.test(e.message),
    );
    assert.ok(!fs.existsSync(path.join(out, "results", "zz_claims_a.json")));
  });

  it("finish() fails when a check of the claim failed, even if another passed", () => {
    quiet(() => {
      notebook("zz_claims_b");
      claim("mixed", OURS);
      check.less(1, 2, { what: "ok", claim: "mixed" });
    });
    assert.throws(() => quiet(() => check.less(3, 2, { what: "bad", claim: "mixed" })), CheckError);
    assert.throws(() => quiet(() => finish()), /mixed \(failed\)/);
  });

  it("writes claims with sources, checks, measured values, tolerances, seeds and verdicts", () => {
    const s = stats.summarize([0.11, 0.12, 0.1, 0.13]);
    const { lines } = logs(() => {
      notebook("zz_claims_c");
      claim("diff-positive", OURS);
      claim("fano", {
        text: "Fano bounds the error probability",
        source: { ref: "gray2011", where: "Lemma 6.2" },
        kind: "reproduces",
      });
      claim("offline", {
        text: "a statement that needs the paper's data",
        source: { ref: "bcnn2021", where: "Fig. 3" },
        kind: "untestable",
        why: "needs 40 runs on MNIST that we cannot ship",
      });
      check.above(s, 0, { what: "gain above 0", claim: "diff-positive", seeds: [0, 1, 2, 3] });
      check.close(0.5, 0.5 + 1e-13, { rtol: 1e-12, what: "closed form", claim: "fano" });
      check.true(true, { what: "a sanity check tied to no claim" });
      record({ answer: 42 });
      finish();
    });
    assert.match(
      lines.join("\n"),
      /claims: 3 \(1 ours, 1 reproduced, 1 not testable offline\); 1 other checks/,
    );
    const doc = JSON.parse(fs.readFileSync(path.join(out, "results", "zz_claims_c.json"), "utf8"));
    assert.equal(doc.metrics.answer, 42);
    const c = doc.claims["diff-positive"];
    assert.equal(c.verdict, "ours");
    assert.equal(c.checks[0].check, "above");
    assert.deepEqual(c.checks[0].seeds, [0, 1, 2, 3]);
    assert.equal(c.checks[0].value.n, 4);
    assert.deepEqual(c.checks[0].tol, { above: 0 });
    assert.deepEqual(doc.claims.fano.source, { ref: "gray2011", where: "Lemma 6.2" });
    assert.equal(doc.claims.fano.checks[0].tol.rtol, 1e-12);
    assert.equal(doc.claims.offline.verdict, "not testable offline");
    assert.equal(doc.checks.length, 1);
  });

  it("a claim revised after the run is recorded as such, never as a pre-registered pass", () => {
    const before = "expected the steerable basis to stay within 5 points (fixed before the run)";
    const { lines } = logs(() => {
      notebook("zz_claims_rev");
      claim("rev", { ...OURS, revised: before });
      claim("pre", OURS);
      check.less(1, 2, { what: "describes the data", claim: "rev" });
      check.less(1, 2, { what: "tests a prediction", claim: "pre" });
      finish();
    });
    assert.match(lines.join("\n"), /claim rev \[ours; ours; revised after the run\]/);
    const doc = JSON.parse(
      fs.readFileSync(path.join(out, "results", "zz_claims_rev.json"), "utf8"),
    );
    assert.equal(doc.claims.rev.verdict, "revised after the run");
    assert.equal(doc.claims.rev.revised, before);
    assert.equal(doc.claims.pre.verdict, "ours");
    assert.ok(!("revised" in doc.claims.pre), "an unrevised claim carries no revised field");
    // a failing check still fails a revised claim; a revision must say something
    resetSession();
    quiet(() => {
      notebook("zz_claims_rev2");
      claim("rev", { ...OURS, revised: before });
    });
    assert.throws(() => quiet(() => check.less(3, 2, { what: "bad", claim: "rev" })), CheckError);
    assert.throws(() => quiet(() => finish()), /rev \(failed\)/);
    assert.throws(
      () => claim("rev3", { ...OURS, revised: "" }),
      (e: unknown) => e instanceof DomainError && /revised/.test(String(e)),
    );
    assert.throws(() => claim("rev4", { ...OURS, revised: 5 as unknown as string }), DomainError);
  });

  it("re-running a check replaces its entry; re-declaring a changed claim starts it afresh", () => {
    quiet(() => {
      notebook("zz_claims_d");
      claim("again", OURS);
      check.less(1, 2, { what: "w", claim: "again" });
      check.less(1.5, 2, { what: "w", claim: "again" });
    });
    let doc = resultsDocument() as { claims: Record<string, { checks: { value: number }[] }> };
    assert.equal(doc.claims.again!.checks.length, 1);
    assert.equal(doc.claims.again!.checks[0]!.value, 1.5);
    quiet(() => claim("again", { ...OURS, text: "a changed statement of our own" }));
    doc = resultsDocument() as typeof doc;
    assert.equal(doc.claims.again!.checks.length, 0);
  });
});

describe("check: negative controls for every kind (each fails on a plausible wrong input)", () => {
  beforeEach(() => resetSession());

  it("true fails on false, 0, NaN and ±∞ — NaN is not truthy here", () => {
    quiet(() => {
      check.true(true, { what: "t" });
      check.true(1, { what: "one" });
    });
    assert.throws(() => quiet(() => check.true(false, { what: "f" })), CheckError);
    assert.throws(() => quiet(() => check.true(0, { what: "zero" })), /condition is false/);
    assert.throws(() => quiet(() => check.true(NaN, { what: "nan" })), /is NaN/);
    assert.throws(() => quiet(() => check.true(Infinity, { what: "inf" })), /finite/);
  });

  it("less / greater / between fail on NaN and ±∞ measured values, with a message saying so", () => {
    assert.throws(() => quiet(() => check.less(NaN, 1, { what: "nan" })), /a is NaN/);
    assert.throws(
      () => quiet(() => check.greater(Infinity, 1, { what: "inf" })),
      /a is Infinity; expected a finite value/,
    );
    assert.throws(() => quiet(() => check.between(NaN, 0, 1, { what: "nan" })), /x is NaN/);
    assert.throws(() => quiet(() => check.less(1, NaN, { what: "nan bound" })), DomainError);
    quiet(() => check.between(5, 0, Infinity, { what: "open upper side" }));
    assert.throws(() => quiet(() => check.between(0.5, 1, 0, { what: "lo > hi" })), DomainError);
  });

  it("close fails on empty inputs, NaN anywhere, and a wrong constant at the tolerance", () => {
    assert.throws(() => quiet(() => check.close([], [], { what: "empty" })), /nothing to compare/);
    assert.throws(() => quiet(() => check.close([1, NaN], [1, NaN], { what: "nan" })), /NaN/);
    // log(M − 1) in place of log M in a Fano-type bound at M = 16: off by 2.4 %, caught at rtol
    // 1e-12
    assert.throws(
      () =>
        quiet(() =>
          check.close(1 / Math.log(15), 1 / Math.log(16), { rtol: 1e-12, what: "wrong constant" }),
        ),
      CheckError,
    );
  });

  it("close reports the relative error when only rtol is set", () => {
    const { lines } = logs(() =>
      check.close([254000.0001, 1], [254000, 1], { rtol: 1e-9, what: "relative" }),
    );
    assert.match(lines[0]!, /max rel err = 3\.9\de-16|max rel err = 3\.9\de-10/);
  });

  it("equivariant takes the WORST group element wherever it sits in the list", () => {
    const id = { in: (x: number[]) => x, out: (y: number[]) => y, name: "id" };
    const bad = {
      in: (x: number[]) => x.map((v) => -v),
      out: (y: number[]) => y.map((v) => -v),
      name: "flip",
    };
    const f = (x: number[]) => x.map((v) => v * v); // even: f(−x) = f(x) ≠ −f(x)
    for (const g of [
      [bad, id, id],
      [id, bad, id],
      [id, id, bad],
    ]) {
      assert.throws(
        () => quiet(() => check.equivariant({ what: "order", f, x: [1, 2], g, tol: 1e-6 })),
        (e: Error) => e instanceof CheckError && /flip/.test(e.message),
      );
    }
    // and for several inputs: the failing input may be last
    const g = {
      in: (x: number[]) => x.map((v) => v + 1),
      out: (y: number[]) => y.map((v) => v + 1),
      name: "shift",
    };
    const lin = (x: number[]) => x.map((v, i) => (i === 0 && x[1]! > 5 ? v * v : v));
    assert.throws(
      () =>
        quiet(() =>
          check.equivariant({
            what: "inputs",
            f: lin,
            inputs: [
              [1, 0],
              [2, 1],
              [3, 9],
            ],
            g,
            tol: 1e-6,
          }),
        ),
      /input 2/,
    );
  });

  it("equivariant / invariant fail on empty and non-finite outputs", () => {
    const g = { in: (x: number[]) => x, out: (y: number[]) => y };
    assert.throws(
      () =>
        quiet(() =>
          check.equivariant({ what: "empty", f: () => [] as number[], x: [1], g, tol: 1 }),
        ),
      /empty/,
    );
    assert.throws(
      () =>
        quiet(() =>
          check.invariant({ what: "nan", f: () => [NaN], x: [1], g: (x: number[]) => x, tol: 1 }),
        ),
      /non-finite/,
    );
  });

  it("rejects passes only when the wrong variant's check fails; a passing or crashing variant is caught", () => {
    quiet(() =>
      check.rejects(
        () => check.close(Math.log(15), Math.log(16), { rtol: 1e-9, what: "log(M−1)" }),
        { what: "wrong-by-one Fano constant is rejected" },
      ),
    );
    assert.throws(
      () =>
        quiet(() => check.rejects(() => check.close(1, 1, { what: "same" }), { what: "no power" })),
      /has no power/,
    );
    assert.throws(
      () =>
        quiet(() =>
          check.rejects(
            () => {
              throw new TypeError("crash");
            },
            { what: "crash" },
          ),
        ),
      TypeError,
    );
    // the wrong variant's own (expected) failure is not recorded as a failed check of the notebook
    const doc = resultsDocumentSafe();
    assert.ok(!doc.checks.some((c) => c.what === "log(M−1)"), "inner check left out of the ledger");
  });

  it("interval checks: both directions, and one run has no interval", () => {
    const pos = stats.summarize([0.02, 0.03, 0.025, 0.035, 0.03]);
    const noisy = stats.summarize([0.05, -0.04, 0.03, -0.02, 0.01]);
    quiet(() => {
      check.above(pos, 0, { what: "gain" });
      check.below(pos, 0.05, { what: "small" });
      check.within(pos, 0, 0.05, { what: "in band" });
      check.covers(noisy, 0, { what: "consistent with 0" });
    });
    assert.throws(
      () => quiet(() => check.above(noisy, 0, { what: "noise is not a gain" })),
      /is not above 0/,
    );
    assert.throws(() => quiet(() => check.below(pos, 0.03, { what: "too tight" })), CheckError);
    assert.throws(
      () => quiet(() => check.within(pos, 0.028, 1, { what: "band excludes the lower end" })),
      CheckError,
    );
    assert.throws(() => quiet(() => check.covers(pos, 0, { what: "0 excluded" })), CheckError);
    assert.throws(
      () => quiet(() => check.above(stats.summarize([5]), 0, { what: "one seed" })),
      /needs ≥ 2 runs/,
    );
  });
});

describe("stats", () => {
  it("Student t and normal quantiles match scipy (stats.t.ppf, stats.norm.ppf) to 1e-12", () => {
    // scipy 1.10: t.ppf(0.975, 2), t.ppf(0.975, 4), t.ppf(0.995, 9), norm.ppf(0.975)
    const want: [number, number, number][] = [
      [0.975, 2, 4.302652729749462],
      [0.975, 4, 2.7764451051977934],
      [0.995, 9, 3.249835541592126],
    ];
    for (const [p, df, q] of want)
      assert.ok(Math.abs(stats.studentTQuantile(p, df) - q) < 1e-12 * q, `t(${p}, ${df})`);
    assert.ok(Math.abs(stats.normalQuantile(0.975) - 1.959963984540054) < 1e-13);
    assert.ok(Math.abs(stats.erfc(2.5) - 0.00040695201744495886) < 1e-14 * 0.0004);
    assert.ok(Math.abs(stats.incompleteBeta(0.3, 2.5, 1.5) - 0.08894372317066562) < 1e-14);
  });

  it("summarize: mean, sd (n − 1), Student-t interval; the method is stated", () => {
    const s = stats.summarize([1, 2, 3, 4, 5]);
    assert.equal(s.mean, 3);
    assert.ok(Math.abs(s.sd - Math.sqrt(2.5)) < 1e-15);
    const half = (2.7764451051977934 * Math.sqrt(2.5)) / Math.sqrt(5);
    assert.ok(Math.abs(s.lo - (3 - half)) < 1e-12 && Math.abs(s.hi - (3 + half)) < 1e-12);
    assert.equal(s.method, "Student t, 4 df");
    // a z interval (1.96) instead of t (2.78) with 5 runs would be 30 % too narrow: this catches it
    assert.ok(s.hi - s.lo > (1.3 * 2 * 1.96 * Math.sqrt(2.5)) / Math.sqrt(5));
  });

  it("wilson matches the closed form and stays inside [0, 1]", () => {
    const w = stats.wilson(94, 100);
    assert.ok(
      Math.abs(w.lo - 0.8752318455410406) < 1e-12 && Math.abs(w.hi - 0.9722138760368118) < 1e-12,
    );
    const all = stats.wilson(10, 10);
    assert.equal(all.hi, 1);
    assert.ok(all.lo > 0.6 && all.lo < 0.75);
  });

  it("refuses garbage: NaN values, empty lists, mismatched pairs, bad levels, duplicate seeds", () => {
    assert.throws(
      () => stats.summarize([1, NaN]),
      (e: Error) => e instanceof DomainError && /values\[1\] = NaN/.test(e.message),
    );
    assert.throws(() => stats.summarize([]), /empty/);
    assert.throws(() => stats.pairedDiff([1, 2], [1]), /paired by seed/);
    assert.throws(() => stats.summarize([1, 2], { level: 95 }), /level = 95/);
    assert.throws(() => stats.wilson(3, 2), DomainError);
    assert.throws(() => stats.wilson(2.5, 10), DomainError);
    return assert.rejects(
      overSeeds([1, 1], () => ({ a: 1 })),
      /duplicates/,
    );
  });

  it("overSeeds gathers metrics and series per seed and rejects inconsistent or NaN results", async () => {
    const r = await overSeeds([0, 1, 2], (s) => ({ acc: 0.5 + s / 10, curve: [s, s + 1] }));
    assert.deepEqual(r.values.acc, [0.5, 0.6, 0.7]);
    assert.deepEqual(r.series.curve, [
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    assert.ok(Math.abs(r.summary.acc!.mean - 0.6) < 1e-15);
    await assert.rejects(
      overSeeds([0, 1], (s): Record<string, number> => (s === 0 ? { a: 1 } : { b: 1 })),
      /same metrics/,
    );
    await assert.rejects(
      overSeeds([0, 1], (s) => ({ a: s === 1 ? NaN : 1 })),
      /seed 1 returned a = NaN/,
    );
  });
});

describe("parallelSeeds: worker threads, identical to sequential runs", function () {
  this.timeout(300_000);
  const config = { nTrain: 400, epochs: 3, lr: 0.1, batch: 100 };

  it("gives the same numbers with 1 worker, 2 workers and in-process (wasm)", async () => {
    await init({ quiet: true, backend: "wasm" });
    const seeds = [3, 4, 5];
    const seq = await overSeeds(seeds, (s) => tensor.softmaxRegressionSeed(config, s));
    const one = await parallelSeeds({
      ns: "tensor",
      fn: "softmaxRegressionSeed",
      config,
      seeds,
      workers: 1,
    });
    const two = await parallelSeeds({
      ns: "tensor",
      fn: "softmaxRegressionSeed",
      config,
      seeds,
      workers: 2,
    });
    assert.deepEqual(one.values, seq.values);
    assert.deepEqual(two.values, seq.values);
    assert.deepEqual(two.series, seq.series);
    // the runs differ between seeds (otherwise "identical" above would be trivially true)
    assert.equal(new Set(seq.values.testAcc).size, 3);
  });

  it("names the seed when the experiment throws, and refuses unknown functions and uncloneable configs", async () => {
    await assert.rejects(
      parallelSeeds({
        ns: "tensor",
        fn: "softmaxRegressionSeed",
        config: { ...config, lr: -1 },
        seeds: [7],
      }),
      /seed 7\) threw: .*config\.lr = -1/,
    );
    await assert.rejects(
      parallelSeeds({ ns: "tensor", fn: "nope", config, seeds: [0] }),
      /no exported function "nope"/,
    );
    await assert.rejects(
      parallelSeeds({ ns: "nope", fn: "x", config, seeds: [0] }),
      /not a namespace/,
    );
    await assert.rejects(
      parallelSeeds({
        ns: "tensor",
        fn: "softmaxRegressionSeed",
        config: { f: () => 1 },
        seeds: [0],
      }),
      /cannot be sent to a worker/,
    );
  });
});
