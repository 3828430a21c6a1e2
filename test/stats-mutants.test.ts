/**
 * lib/src/stats against independent reference values (scipy 1.10: scipy.special.betainc / erfc,
 * scipy.stats.t / norm, computed once and pasted with the call that made them), every branch of
 * each special function, and the refusal messages (written against StrykerJS survivors).
 */
import { strict as assert } from "node:assert";
import { stats, overSeeds, DomainError } from "besselbook";
const { checkSeeds, collectRuns, summarizeSeries } = stats;

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
function domain(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DomainError, `expected DomainError, got ${String(e)}`);
    return (e as Error).message;
  }
  assert.fail("expected a DomainError");
}

describe("stats: special functions on every branch (vs scipy)", () => {
  it("incompleteBeta: both sides of the symmetry switch, ends, domain", () => {
    for (const [x, a, b, want] of [
      [0.9, 2, 3, 0.9963], // betainc(2, 3, 0.9): x above (a+1)/(a+b+2), symmetry branch
      [0.2, 0.5, 0.5, 0.2951672353008665], // betainc(0.5, 0.5, 0.2)
      [0.99, 5, 1.5, 0.9911908166941406], // betainc(5, 1.5, 0.99)
      [0.4, 30, 40, 0.31814380259056413], // betainc(30, 40, 0.4): many continued-fraction terms
    ])
      assert.ok(rel(stats.incompleteBeta(x!, a!, b!), want!) < 1e-12, `I_${x}(${a}, ${b})`);
    assert.equal(stats.incompleteBeta(0, 2, 3), 0);
    assert.equal(stats.incompleteBeta(1, 2, 3), 1);
    for (const x of [-0.1, 1.1, NaN])
      assert.equal(
        domain(() => stats.incompleteBeta(x, 1, 1)),
        `incompleteBeta: argument x = ${x} is out of domain; expected [0, 1]`,
      );
    assert.equal(
      domain(() => stats.incompleteBeta(0.5, 0, 1)),
      "incompleteBeta: arguments a = 0, b = 1 are out of domain; expected a, b > 0",
    );
    assert.equal(
      domain(() => stats.incompleteBeta(0.5, 1, -1)),
      "incompleteBeta: arguments a = 1, b = -1 are out of domain; expected a, b > 0",
    );
    domain(() => stats.incompleteBeta(0.5, NaN, 1));
  });

  it("studentTCdf: both signs, 0, ±∞; refuses NaN t and df ≤ 0", () => {
    assert.ok(rel(stats.studentTCdf(-1.5, 3), 0.11529193262241147) < 1e-12); // t.cdf(-1.5, 3)
    assert.ok(rel(stats.studentTCdf(2, 1), 0.8524163823495667) < 1e-12); // t.cdf(2, 1)
    assert.ok(rel(stats.studentTCdf(0.3, 7.5), 0.6138386707156109) < 1e-12); // t.cdf(0.3, 7.5)
    assert.equal(stats.studentTCdf(0, 4), 0.5);
    assert.equal(stats.studentTCdf(Infinity, 4), 1);
    assert.equal(stats.studentTCdf(-Infinity, 4), 0);
    assert.equal(
      domain(() => stats.studentTCdf(1, 0)),
      "studentTCdf: argument df = 0 is out of domain; expected df > 0",
    );
    assert.equal(
      domain(() => stats.studentTCdf(NaN, 3)),
      "studentTCdf: argument t is NaN",
    );
  });

  it("studentTQuantile: lower tail by symmetry, heavy tails (bracket doubling), the median", () => {
    for (const [p, df, want] of [
      [0.025, 4, -2.7764451051977943], // t.ppf(0.025, 4)
      [0.9995, 1, 636.6192487687897], // t.ppf(0.9995, 1): needs the bracket to grow past 512
      [0.95, 2, 2.9199855803537242], // t.ppf(0.95, 2)
      [0.6, 30, 0.2556053649519128], // t.ppf(0.6, 30)
    ])
      assert.ok(rel(stats.studentTQuantile(p!, df!), want!) < 1e-11, `t.ppf(${p}, ${df})`);
    assert.equal(stats.studentTQuantile(0.5, 3), 0);
    for (const p of [0, 1, NaN])
      assert.equal(
        domain(() => stats.studentTQuantile(p, 3)),
        `studentTQuantile: argument p = ${p} is out of domain; expected (0, 1)`,
      );
  });

  it("normalQuantile: far tail, both sides, the median", () => {
    for (const [p, want] of [
      [1e-10, -6.361340902404056],
      [0.995, 2.5758293035489004],
      [0.3, -0.5244005127080409],
      [0.95, 1.6448536269514722],
    ]) {
      assert.ok(rel(stats.normalQuantile(p!), want!) < 1e-12, `norm.ppf(${p})`);
    }
    assert.ok(Math.abs(stats.normalQuantile(0.5)) < 1e-15);
    for (const p of [0, 1, NaN])
      assert.equal(
        domain(() => stats.normalQuantile(p)),
        `normalQuantile: argument p = ${p} is out of domain; expected (0, 1)`,
      );
  });

  it("erfc: series below 0.5, continued fraction above, reflection below 0, underflow, NaN", () => {
    for (const [x, want] of [
      [-1, 1.8427007929497148],
      [1e-3, 0.9988716212090307],
      [0.3, 0.6713732405408726],
      [0.49, 0.48833173881147696],
      [0.5, 0.4795001221869535],
      [5, 1.5374597944280347e-12],
      [26, 5.663192408856145e-296],
    ])
      assert.ok(rel(stats.erfc(x!), want!) < 1e-13, `erfc(${x})`);
    assert.equal(stats.erfc(0), 1);
    assert.equal(stats.erfc(27.5), 0);
    assert.equal(stats.erfc(-27.5), 2);
    assert.ok(Number.isNaN(stats.erfc(NaN)));
  });
});

describe("stats: summaries and their refusals", () => {
  it("summarize at another level; one run; values copied", () => {
    const xs = [0.2, 0.5, 0.4, 0.9];
    const s = stats.summarize(xs, { level: 0.9 });
    // numpy/scipy: mean, std(ddof=1), mean ∓ t.ppf(0.95, 3)·sd/√4
    assert.ok(rel(s.mean, 0.5) < 1e-15);
    assert.ok(rel(s.sd, 0.2943920288775949) < 1e-14);
    assert.ok(rel(s.lo, 0.15359428187117286) < 1e-12 && rel(s.hi, 0.8464057181288271) < 1e-12);
    assert.deepEqual([s.n, s.level, s.method, s.values], [4, 0.9, "Student t, 3 df", xs]);
    assert.notEqual(s.values, xs, "a copy, not the caller's array");
    assert.deepEqual(stats.summarize(Float64Array.of(2.5)), {
      n: 1,
      mean: 2.5,
      sd: 0,
      lo: 2.5,
      hi: 2.5,
      level: 0.95,
      method: "1 run: no interval",
      values: [2.5],
    });
    for (const level of [0, 1, NaN, 95]) {
      assert.equal(
        domain(() => stats.summarize([1, 2], { level })),
        `stats.summarize: argument level = ${level} is out of domain; expected a number in (0, 1), e.g. 0.95`,
      );
    }
    assert.equal(
      domain(() => stats.summarize([])),
      "stats.summarize: argument values is empty; expected one value per run",
    );
    assert.equal(
      domain(() => stats.summarize([1, Infinity])),
      "stats.summarize: argument values[1] = Infinity is out of domain; expected a finite number (a NaN result from one seed is a bug to fix, not a value to average)",
    );
    assert.equal(
      domain(() => stats.summarize(null as never)),
      "stats.summarize: argument values is object; expected an array of numbers",
    );
    assert.equal(
      domain(() => stats.summarize(3 as never)),
      "stats.summarize: argument values is number; expected an array of numbers",
    );
  });

  it("pairedDiff is a − b (not b − a), says so, and names the bad argument", () => {
    const d = stats.pairedDiff([3, 5, 4], [1, 2, 2]);
    assert.deepEqual(d.values, [2, 3, 2]);
    assert.ok(rel(d.mean, 7 / 3) < 1e-15);
    assert.equal(d.method, "Student t, 2 df, paired differences");
    assert.equal(stats.pairedDiff([1, 2], [0, 0], { level: 0.5 }).level, 0.5);
    assert.equal(
      domain(() => stats.pairedDiff([1, NaN], [1, 2])),
      "stats.pairedDiff: argument a[1] = NaN is out of domain; expected a finite number (a NaN result from one seed is a bug to fix, not a value to average)",
    );
    assert.match(
      domain(() => stats.pairedDiff([1, 2], [NaN, 2])),
      /^stats\.pairedDiff: argument b\[0\] = NaN/,
    );
    assert.equal(
      domain(() => stats.pairedDiff([1, 2, 3], [1, 2])),
      "stats.pairedDiff: a has 3 values and b has 2; expected one value per seed in each, paired by seed",
    );
  });

  it("welch: a − b with Welch–Satterthwaite df (vs scipy ttest_ind equal_var=False), refusals", () => {
    const a = [0.81, 0.78, 0.85, 0.8, 0.83],
      b = [0.7, 0.75, 0.66];
    const w = stats.welch(a, b);
    // scipy.stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95); df 2.88745125258127
    assert.ok(Math.abs(w.lo - 0.017278019720166404) < 1e-10, `lo ${w.lo}`);
    assert.ok(Math.abs(w.hi - 0.2040553136131672) < 1e-10, `hi ${w.hi}`);
    assert.match(w.method, /Welch t, 2\.9 df/);
    const r = stats.welch(b, a); // the sign follows the order of the arguments
    assert.ok(Math.abs(r.lo + w.hi) < 1e-12 && Math.abs(r.hi + w.lo) < 1e-12);
    // a pooled (equal-variance) interval would be narrower here: df = 6, not 2.9
    assert.ok(w.hi - w.lo > 0.15);
    assert.throws(
      () => stats.welch([1], [1, 2]),
      (e: unknown) => e instanceof DomainError && /at least 2/.test(String(e)),
    );
    assert.throws(
      () => stats.welch([1, NaN], [1, 2]),
      (e: unknown) => e instanceof DomainError && /\ba\b/.test(String(e)),
    );
    const c = stats.welch([1, 1], [0, 0]);
    assert.equal(c.lo, 1);
    assert.equal(c.hi, 1);
  });

  it("wilson: closed form at another level, clamped ends, refusals", () => {
    const w = stats.wilson(7, 40, 0.99); // closed form with z = norm.ppf(0.995)
    assert.ok(rel(w.lo, 0.07064423503673012) < 1e-12 && rel(w.hi, 0.37183335374319965) < 1e-12);
    assert.deepEqual(
      [w.n, w.mean, w.level, w.method, w.values],
      [40, 0.175, 0.99, "Wilson score, n = 40", []],
    );
    assert.ok(rel(w.sd, Math.sqrt(0.175 * 0.825)) < 1e-15);
    const z = stats.wilson(0, 20);
    assert.equal(z.lo, 0, "exactly 0 for k = 0 (the closed form rounds to 1.4e-17)");
    assert.ok(rel(z.hi, 0.16112515805281938) < 1e-12);
    const one = stats.wilson(20, 20);
    assert.equal(one.hi, 1);
    assert.ok(rel(one.lo, 1 - 0.16112515805281938) < 1e-12);
    assert.ok(stats.wilson(1, 1).lo > 0 && stats.wilson(1, 1).hi === 1);
    for (const n of [0, 2.5, -1, NaN])
      assert.equal(
        domain(() => stats.wilson(0, n)),
        `stats.wilson: argument n = ${n} is out of domain; expected an integer ≥ 1`,
      );
    for (const k of [-1, 11, 0.5])
      assert.equal(
        domain(() => stats.wilson(k, 10)),
        `stats.wilson: argument k = ${k} is out of domain; expected an integer in [0, 10]`,
      );
    assert.match(
      domain(() => stats.wilson(1, 10, 1)),
      /^stats\.wilson: argument level = 1 is out of domain/,
    );
  });
});

describe("stats: seeds, runs and series", () => {
  it("checkSeeds: distinct integers in [0, 2^32 − 1], copied", () => {
    const seeds = [0, 4294967295];
    const out = checkSeeds("f", seeds);
    assert.deepEqual(out, seeds);
    assert.notEqual(out, seeds);
    for (const bad of [[], "0" as never, undefined as never])
      assert.equal(
        domain(() => checkSeeds("f", bad)),
        "f: argument seeds is empty; expected a non-empty array of integer seeds",
      );
    for (const s of [-1, 1.5, 4294967296, NaN]) {
      assert.equal(
        domain(() => checkSeeds("f", [0, s])),
        `f: argument seeds[1] = ${s} is out of domain; expected an integer in [0, 2^32 − 1]`,
      );
    }
    assert.equal(
      domain(() => checkSeeds("f", [3, 1, 3])),
      "f: argument seeds has duplicates (3, 1, 3); runs with the same seed are not independent",
    );
  });

  it("collectRuns: same keys for every seed, numbers or arrays, named refusals", () => {
    const r = collectRuns(
      "f",
      [5, 6],
      [
        { b: 1, a: Float32Array.of(1, 2) },
        { a: [3, 4], b: 2 },
      ],
    );
    assert.deepEqual(r.seeds, [5, 6]);
    assert.deepEqual(r.values, { b: [1, 2] });
    assert.deepEqual(r.series, {
      a: [
        [1, 2],
        [3, 4],
      ],
    });
    assert.deepEqual(Object.keys(r.summary), ["b"]);
    assert.equal(r.summary.b!.mean, 1.5);
    assert.deepEqual(collectRuns("f", [], []), { seeds: [], values: {}, summary: {}, series: {} });
    assert.equal(
      domain(() => collectRuns("f", [5, 6], [{ a: 1 }, null as never])),
      "f: seed 6 returned null; expected an object of named numbers",
    );
    assert.equal(
      domain(() => collectRuns("f", [5, 6], [{ a: 1 }, 3 as never])),
      "f: seed 6 returned number; expected an object of named numbers",
    );
    assert.equal(
      domain(() => collectRuns("f", [5, 6], [{ a: 1, b: 2 }, { a: 1 }])),
      "f: seed 6 returned keys [a] but seed 5 returned [a, b]; every seed must report the same metrics",
    );
    assert.equal(
      domain(() => collectRuns("f", [5], [{ a: -Infinity }])),
      "f: seed 5 returned a = -Infinity; expected a finite number",
    );
    assert.equal(
      domain(() => collectRuns("f", [5], [{ a: "1" as never }])),
      "f: seed 5 returned a of type string; expected a number or an array of numbers",
    );
    assert.equal(
      domain(() => collectRuns("f", [5], [{ a: [1, NaN] }])),
      "f: seed 5 returned a[1] = NaN; expected finite numbers",
    );
    assert.equal(
      domain(() => collectRuns("f", [5], [{ a: null as never }])),
      "f: seed 5 returned a of type object; expected a number or an array of numbers",
    );
  });

  it("overSeeds runs seeds in order (awaiting each) and refuses a non-function", async () => {
    const order: number[] = [];
    const r = await overSeeds([2, 0, 1], async (s) => {
      await new Promise((res) => setTimeout(res, 3 - s));
      order.push(s);
      return { x: s * 10 };
    });
    assert.deepEqual(order, [2, 0, 1]);
    assert.deepEqual(r.values.x, [20, 0, 10]);
    assert.deepEqual(r.seeds, [2, 0, 1]);
    await assert.rejects(
      overSeeds([0], 3 as never),
      (e: unknown) =>
        e instanceof DomainError &&
        e.message ===
          "overSeeds: argument run is not a function; expected (seed) => ({ metric: number, … })",
    );
    await assert.rejects(
      overSeeds([], () => ({ a: 1 })),
      /overSeeds: argument seeds is empty/,
    );
  });

  it("summarizeSeries: elementwise summaries; ragged and empty refused", () => {
    const s = summarizeSeries(
      [
        [1, 10],
        [3, 20],
        [2, 30],
      ],
      { level: 0.9 },
    );
    assert.equal(s.length, 2);
    assert.deepEqual(
      s.map((x) => x.mean),
      [2, 20],
    );
    assert.deepEqual(
      s.map((x) => x.values),
      [
        [1, 3, 2],
        [10, 20, 30],
      ],
    );
    assert.equal(s[0]!.level, 0.9);
    for (const bad of [[], null as never])
      assert.equal(
        domain(() => summarizeSeries(bad)),
        "stats.summarizeSeries: argument series is empty; expected one array per seed",
      );
    assert.equal(
      domain(() => summarizeSeries([[1, 2], [1, 2], [1]])),
      "stats.summarizeSeries: series[2] has length 1; expected 2 like series[0]",
    );
  });
});

describe("stats: special functions on a grid against mpmath (test/fixtures/stats/grid.json)", () => {
  // scripts/make_stats_fixtures.py: mpmath at 40 digits, rounded once. The grid reaches every
  // branch (symmetry switches, far tails down to p = 1e-300, the erfc seam at 0.5, df from 0.5 to
  // 1e4). Bounds: relative error ≤ rtol, plus an absolute floor where the value itself is ~1e-7 or
  // less. Measured worst cases (2026-11-30): incompleteBeta 5.5e-13, studentTCdf 2.0e-12 (df =
  // 1e4), studentTQuantile 2.1e-12 (df = 1e4), normalQuantile 4.5e-17 absolute at p = 0.4999 (p
  // itself is only known to 5.6e-17 there), erfc 5.2e-14 (x = 22.9: e^{−x²} with x² rounded).
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const grid = require("../../test/fixtures/stats/grid.json") as Record<string, number[][]>;
  const cases: [keyof typeof stats, number, number, number][] = [
    ["incompleteBeta", 3, 1e-12, 0],
    ["studentTCdf", 2, 3e-12, 0],
    ["studentTQuantile", 2, 3e-12, 2e-16],
    ["normalQuantile", 1, 1e-13, 2e-16],
    ["erfc", 1, 1e-13, 0],
  ];
  for (const [fn, nargs, rtol, atol] of cases) {
    it(`${fn}: ${grid[fn]!.length} points within rtol ${rtol}${atol ? `, atol ${atol}` : ""}`, () => {
      const f = stats[fn] as (...a: number[]) => number;
      const bad = grid[fn]!.filter((r) => {
        const got = f(...r.slice(0, nargs)),
          want = r[nargs]!;
        return !(Math.abs(got - want) <= rtol * Math.abs(want) + atol);
      }).map(
        (r) =>
          `${fn}(${r.slice(0, nargs).join(", ")}) = ${f(...r.slice(0, nargs))}, want ${r[nargs]}`,
      );
      assert.deepEqual(bad, []);
    });
  }

  it("the regressions the grid found: t near 0 at large df, quantiles near 1/2, the normal's far tails, erfc near 0.5", () => {
    // erfc's continued fraction needs ~710 terms at x = 0.5; capped at 500 it was off by 7.6e-14.
    assert.ok(rel(stats.erfc(0.5), 0.4795001221869535) < 5e-15);
    assert.ok(rel(stats.erfc(0.5000001), 0.47950003430870003) < 5e-15);
    // Before the fix: studentTCdf(1e-6, 1e4) was off by 3.9e-7 relative (1 − x lost its digits),
    // studentTQuantile(0.5000001, 1e4) returned 9.5e-7 (want 2.5067e-7), and
    // normalQuantile(1e-100) returned −75.3 (want −21.27: Newton with clamped steps from −135).
    assert.ok(rel(stats.studentTCdf(1e-6, 1e4), 0.500000398932307) < 1e-15);
    assert.ok(rel(stats.studentTQuantile(0.5000001, 1e4), 2.5066909398017043e-7) < 1e-9);
    assert.ok(rel(stats.normalQuantile(1e-100), -21.273453560965326) < 1e-14);
    assert.ok(rel(stats.normalQuantile(1e-300), -37.0470962993612) < 1e-14);
    assert.equal(
      stats.normalQuantile(Number.MIN_VALUE) < -38,
      true,
      "the smallest double still gives a finite tail quantile",
    );
    assert.ok(Number.isFinite(stats.normalQuantile(Number.MIN_VALUE)));
    assert.equal(
      stats.normalQuantile(0.25),
      -stats.normalQuantile(0.75),
      "exact symmetry (1 − p is exact above 1/2)",
    );
    assert.equal(stats.studentTQuantile(0.125, 3), -stats.studentTQuantile(0.875, 3));
    assert.equal(
      domain(() => stats.studentTQuantile(0.5, 0)),
      "studentTQuantile: argument df = 0 is out of domain; expected df > 0",
    );
    assert.equal(
      domain(() => stats.studentTQuantile(0.9, NaN)),
      "studentTQuantile: argument df = NaN is out of domain; expected df > 0",
    );
  });
});

describe("stats: welch, wilson and overSeeds details (second round of survivors)", () => {
  it("welch: n and values of both groups, the constant case's method, each group's refusals by name", () => {
    const w = stats.welch([1, 2, 4], [0, 1]);
    assert.equal(w.n, 5);
    assert.deepEqual(w.values, [1, 2, 4, 0, 1]);
    assert.equal(w.level, 0.95);
    const c = stats.welch([2, 2, 2], [1, 1]);
    assert.deepEqual(c, {
      n: 5,
      mean: 1,
      sd: 0,
      lo: 1,
      hi: 1,
      level: 0.95,
      method: "Welch: both groups constant, no spread",
      values: [2, 2, 2, 1, 1],
    });
    assert.equal(
      domain(() => stats.welch([1, 2], [3])),
      "stats.welch: a has 2 and b has 1 values; expected at least 2 runs in each group",
    );
    assert.equal(
      domain(() => stats.welch([1], [3, 4])),
      "stats.welch: a has 1 and b has 2 values; expected at least 2 runs in each group",
    );
    assert.equal(
      domain(() => stats.welch([1, 2], [3, 4], { level: 1 })),
      "stats.welch: argument level = 1 is out of domain; expected a number in (0, 1), e.g. 0.95",
    );
    assert.match(
      domain(() => stats.welch([1, Infinity], [3, 4])),
      /^stats\.welch: argument a\[1\] = Infinity is out of domain/,
    );
    assert.match(
      domain(() => stats.welch([1, 2], [3, NaN])),
      /^stats\.welch: argument b\[1\] = NaN is out of domain/,
    );
    assert.equal(
      domain(() => stats.welch(null as never, [3, 4])),
      "stats.welch: argument a is object; expected an array of numbers",
    );
    assert.equal(
      domain(() => stats.welch([1, 2], 5 as never)),
      "stats.welch: argument b is number; expected an array of numbers",
    );
  });

  it("wilson: k = n gives exactly 1 at the top and k = 0 exactly 0 at the bottom (the formula alone rounds)", () => {
    for (const n of [1, 3, 7, 10, 40, 250]) {
      for (const level of [0.8, 0.95, 0.99]) {
        assert.equal(stats.wilson(n, n, level).hi, 1, `wilson(${n}, ${n}, ${level}).hi`);
        assert.equal(stats.wilson(0, n, level).lo, 0, `wilson(0, ${n}, ${level}).lo`);
        assert.ok(stats.wilson(n, n, level).lo < 1 && stats.wilson(0, n, level).hi > 0);
      }
    }
  });

  it("overSeeds names itself, the seeds and the keys when seeds disagree", async () => {
    await assert.rejects(
      overSeeds([4, 9], (s): Record<string, number> =>
        s === 4 ? { acc: 1, loss: 2 } : { acc: 1 },
      ),
      (e: unknown) =>
        e instanceof DomainError &&
        e.message ===
          "overSeeds: seed 9 returned keys [acc] but seed 4 returned [acc, loss]; every seed must report the same metrics",
    );
    await assert.rejects(
      overSeeds([1], () => ({ acc: NaN })),
      (e: unknown) =>
        e instanceof DomainError &&
        e.message === "overSeeds: seed 1 returned acc = NaN; expected a finite number",
    );
  });
});

describe("stats: third round (b = 0, the exact median, both key lists in the message)", () => {
  it("incompleteBeta refuses b = 0 and a = 0; normalQuantile(½) is exactly 0", () => {
    assert.equal(
      domain(() => stats.incompleteBeta(0.5, 1, 0)),
      "incompleteBeta: arguments a = 1, b = 0 are out of domain; expected a, b > 0",
    );
    assert.equal(
      domain(() => stats.incompleteBeta(0.5, 0, 1)),
      "incompleteBeta: arguments a = 0, b = 1 are out of domain; expected a, b > 0",
    );
    assert.equal(Object.is(stats.normalQuantile(0.5), 0), true);
    assert.equal(Object.is(stats.studentTQuantile(0.5, 4), 0), true);
  });

  it("overSeeds lists every key of both seeds when they disagree", async () => {
    await assert.rejects(
      overSeeds([1, 2], (s): Record<string, number> => (s === 1 ? { a: 1 } : { a: 1, b: 2, c: 3 })),
      (e: unknown) =>
        e instanceof DomainError &&
        e.message ===
          "overSeeds: seed 2 returned keys [a, b, c] but seed 1 returned [a]; every seed must report the same metrics",
    );
  });
});
