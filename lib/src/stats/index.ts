/**
 * Uncertainty of results: summaries over seeds with confidence intervals, paired differences,
 * and binomial proportions. Every interval says how it was made (`method`), so a reader of a
 * check line or of results/<notebook>.json knows what "95%" means there.
 *
 *   const r = await overSeeds([0, 1, 2, 3, 4], async (seed) => ({
 *     acc: await trainAndTest(seed),
 *   }));
 *   check.above(stats.pairedDiff(r.values.bcnnAcc, r.values.cnnAcc), 0, { what, claim });
 */
import { DomainError } from "../errors";
import { logGamma } from "../special/gamma";

/** A sample of independent runs (usually one value per seed) and its confidence interval. */
export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 when n = 1. */
  sd: number;
  /** Confidence interval for the mean (or the proportion, for `wilson`). */
  lo: number;
  hi: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  /** How the interval was made, e.g. "Student t, 4 df". */
  method: string;
  /** The values summarised (seed order). Empty for a proportion. */
  values: number[];
}

function checkLevel(fn: string, level: number): void {
  if (!(level > 0 && level < 1))
    throw new DomainError(
      `${fn}: argument level = ${level} is out of domain; expected a number in (0, 1), e.g. 0.95`,
    );
}

function finiteList(fn: string, arg: string, xs: ArrayLike<number>): number[] {
  if (xs == null || typeof xs.length !== "number")
    throw new DomainError(`${fn}: argument ${arg} is ${typeof xs}; expected an array of numbers`);
  const out = Array.from(xs, Number);
  out.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new DomainError(
        `${fn}: argument ${arg}[${i}] = ${v} is out of domain; expected a finite number (a NaN result from one seed is a bug to fix, not a value to average)`,
      );
  });
  return out;
}

/** Regularised incomplete beta I_x(a, b) by its continued fraction (modified Lentz), x ∈ [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1))
    throw new DomainError(`incompleteBeta: argument x = ${x} is out of domain; expected [0, 1]`);
  if (!(a > 0) || !(b > 0))
    throw new DomainError(
      `incompleteBeta: arguments a = ${a}, b = ${b} are out of domain; expected a, b > 0`,
    );
  if (x === 0 || x === 1) return x;
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const lnFront =
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const tiny = 1e-300;
  let c = 1,
    d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return (Math.exp(lnFront) * f) / a;
}

/** CDF of Student's t distribution with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0))
    throw new DomainError(`studentTCdf: argument df = ${df} is out of domain; expected df > 0`);
  if (Number.isNaN(t)) throw new DomainError("studentTCdf: argument t is NaN");
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  // tail = P(T > |t|) = I_x(df/2, 1/2) / 2 with x = df/(df + t²). Where incompleteBeta would switch
  // to its symmetry 1 − I_{1−x}(1/2, df/2), x is within rounding of 1 for small |t| and 1 − x
  // keeps few digits, so pass 1 − x = t²/(df + t²) exactly instead.
  const t2 = t * t,
    a = df / 2,
    x = df / (df + t2);
  const tail =
    x > (a + 1) / (a + 2.5)
      ? 0.5 * (1 - incompleteBeta(t2 / (df + t2), 0.5, a))
      : 0.5 * incompleteBeta(x, a, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t: the q with P(T ≤ q) = p (bisection on the lower tail to a relative
 *  width of 1e-15; p > 1/2 by symmetry, since 1 − p is exact there). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1))
    throw new DomainError(`studentTQuantile: argument p = ${p} is out of domain; expected (0, 1)`);
  if (!(df > 0))
    throw new DomainError(
      `studentTQuantile: argument df = ${df} is out of domain; expected df > 0`,
    );
  if (p === 0.5) return 0;
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  // p < 1/2: find s > 0 with P(T ≤ −s) = p; that lower tail decreases in s.
  let lo = 0,
    hi = 1;
  while (studentTCdf(-hi, df) > p) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 2000 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(-mid, df) > p) lo = mid;
    else hi = mid;
  }
  return -0.5 * (lo + hi);
}

/** ln Φ(z) for z ≤ 0, without underflow: through the continued fraction of erfc below −0.5·√2. */
function logNormalCdfLower(z: number): number {
  const x = -z / Math.SQRT2;
  if (x < 0.5) return Math.log(0.5 * erfc(x));
  return Math.log(0.5) - x * x - Math.log(Math.sqrt(Math.PI) * erfcFraction(x));
}

/** Standard normal quantile: Newton's method on ln Φ(z) = ln p in the lower tail (ln Φ is concave,
 *  so from the start −√(−2 ln p), left of the root, the iterates rise monotonically to it);
 *  p > 1/2 by symmetry (1 − p is exact there). Accurate for every double p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1))
    throw new DomainError(`normalQuantile: argument p = ${p} is out of domain; expected (0, 1)`);
  if (p === 0.5) return 0;
  if (p > 0.5) return -normalQuantile(1 - p);
  const lnp = Math.log(p);
  let z = -Math.sqrt(-2 * lnp);
  for (let i = 0; i < 100; i++) {
    const lnCdf = logNormalCdfLower(z);
    const lnPdf = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
    // Newton on f(z) = ln Φ(z) − ln p, f'(z) = φ(z)/Φ(z).
    const step = (lnCdf - lnp) * Math.exp(lnCdf - lnPdf);
    z -= step;
    if (!(Math.abs(step) > 1e-16 * Math.abs(z))) break;
  }
  return z;
}

/** Complementary error function: the Maclaurin series of erf for x < 0.5, the Laplace continued
 *  fraction (modified Lentz) above; relative error ≲ 1e-13 (tested against mpmath values). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) {
    // erf by its Maclaurin series.
    let term = x,
      sum = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x > 27) return 0;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * erfcFraction(x));
}

/** The continued fraction f(x) = x + (1/2)/(x + 1/(x + (3/2)/(x + …))), erfc(x) = e^{−x²}/(√π f),
 *  by modified Lentz; for x ≥ 0.5. */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x,
    c = x,
    d = 0;
  // Near x = 0.5 the fraction needs ~710 terms (1 − x² small); 500 cut it short (erfc(0.5) was off
  // by 7.6e-14). Stop within 2 ulp of 1: |δ − 1| < 1e-16 only holds for δ = 1 exactly.
  for (let k = 1; k < 2000; k++) {
    const a = k / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) <= 4.5e-16) break;
  }
  return f;
}

export interface SummarizeOptions {
  /** Confidence level (default 0.95). */
  level?: number;
}

/**
 * Mean, sample standard deviation and the Student-t confidence interval for the mean of
 * independent runs: mean ± t_{(1+level)/2, n−1} · sd/√n. Needs n ≥ 2 for an interval (with
 * one run the interval is the point itself, and the method says "1 run: no interval", so a
 * check on it cannot pass by accident: interval checks refuse n < 2).
 */
export function summarize(values: ArrayLike<number>, opts: SummarizeOptions = {}): Summary {
  const level = opts.level ?? 0.95;
  checkLevel("stats.summarize", level);
  const xs = finiteList("stats.summarize", "values", values);
  const n = xs.length;
  if (n === 0)
    throw new DomainError("stats.summarize: argument values is empty; expected one value per run");
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  if (n === 1)
    return { n, mean, sd: 0, lo: mean, hi: mean, level, method: "1 run: no interval", values: xs };
  const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const t = studentTQuantile(0.5 + level / 2, n - 1);
  const half = (t * sd) / Math.sqrt(n);
  return {
    n,
    mean,
    sd,
    lo: mean - half,
    hi: mean + half,
    level,
    method: `Student t, ${n - 1} df`,
    values: xs,
  };
}

/** Summary of the paired differences a[i] − b[i] (same seeds for both arms). */
export function pairedDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: SummarizeOptions = {},
): Summary {
  const xa = finiteList("stats.pairedDiff", "a", a);
  const xb = finiteList("stats.pairedDiff", "b", b);
  if (xa.length !== xb.length) {
    throw new DomainError(
      `stats.pairedDiff: a has ${xa.length} values and b has ${xb.length}; expected one value per seed in each, paired by seed`,
    );
  }
  const s = summarize(
    xa.map((v, i) => v - xb[i]!),
    opts,
  );
  return { ...s, method: `${s.method}, paired differences` };
}

/**
 * Welch's interval for the difference of means mean(a) − mean(b) of two independent groups (e.g.
 * two architectures over their own seeds): standard error √(s_a²/n_a + s_b²/n_b) and the
 * Welch–Satterthwaite degrees of freedom. Use it, not `pairedDiff`, when seed i of one arm shares
 * nothing real with seed i of the other. `values` holds a's values then b's; `n` is n_a + n_b; `sd`
 * is the standard error of the difference.
 */
export function welch(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: SummarizeOptions = {},
): Summary {
  const level = opts.level ?? 0.95;
  checkLevel("stats.welch", level);
  const xa = finiteList("stats.welch", "a", a);
  const xb = finiteList("stats.welch", "b", b);
  if (xa.length < 2 || xb.length < 2) {
    throw new DomainError(
      `stats.welch: a has ${xa.length} and b has ${xb.length} values; expected at least 2 runs in each group`,
    );
  }
  const sa = summarize(xa, { level }),
    sb = summarize(xb, { level });
  const va = sa.sd ** 2 / xa.length,
    vb = sb.sd ** 2 / xb.length;
  const se = Math.sqrt(va + vb);
  const mean = sa.mean - sb.mean;
  if (se === 0) {
    return {
      n: xa.length + xb.length,
      mean,
      sd: 0,
      lo: mean,
      hi: mean,
      level,
      method: "Welch: both groups constant, no spread",
      values: [...xa, ...xb],
    };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (xa.length - 1) + vb ** 2 / (xb.length - 1));
  const half = studentTQuantile(0.5 + level / 2, df) * se;
  return {
    n: xa.length + xb.length,
    mean,
    sd: se,
    lo: mean - half,
    hi: mean + half,
    level,
    method: `Welch t, ${df.toFixed(1)} df, difference of means`,
    values: [...xa, ...xb],
  };
}

export interface PermutationResult {
  /** Observed difference of means mean(a) − mean(b). */
  diff: number;
  /**
   * Two-sided p-value: share of the relabellings with |difference| ≥ |observed| (observed
   * included).
   */
  p: number;
  /** Number of relabellings enumerated, C(n_a + n_b, n_a). */
  count: number;
  method: string;
}

/**
 * Exact two-sided permutation test (ours) of "a and b come from the same distribution" on the
 * difference of means: every split of the pooled values into groups of sizes n_a and n_b is
 * enumerated, and p is the share of splits whose |mean difference| is at least the observed one
 * (a relative tolerance of 1e-12 counts ties from float rounding as ties). Distribution-free, so it
 * suits small, bimodal samples where a t interval is not trustworthy; exact only, so the number of
 * splits is capped at `maxCount` (default 2,000,000; C(20, 10) = 184,756 is fine) — beyond it a
 * DomainError, not a Monte-Carlo estimate.
 */
export function permutationTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: { maxCount?: number } = {},
): PermutationResult {
  const fn = "stats.permutationTest";
  const xa = finiteList(fn, "a", a);
  const xb = finiteList(fn, "b", b);
  if (xa.length < 1 || xb.length < 1)
    throw new DomainError(
      `${fn}: a has ${xa.length} and b has ${xb.length} values; expected at least 1 in each group`,
    );
  const na = xa.length,
    n = na + xb.length;
  let count = 1;
  for (let i = 1; i <= na; i++) count = (count * (n - na + i)) / i;
  count = Math.round(count);
  const maxCount = opts.maxCount ?? 2_000_000;
  if (count > maxCount)
    throw new DomainError(
      `${fn}: ${count} relabellings of ${na} + ${n - na} values exceed maxCount ${maxCount}; expected smaller groups (this test is exact only)`,
    );
  const pooled = [...xa, ...xb];
  const total = pooled.reduce((s, v) => s + v, 0);
  const meanA = xa.reduce((s, v) => s + v, 0) / na;
  const diff = meanA - (total - meanA * na) / (n - na);
  const scale = Math.max(1, ...pooled.map(Math.abs));
  const thr = Math.abs(diff) - 1e-12 * scale;
  let hits = 0,
    seen = 0;
  // enumerate the na-subsets of {0..n−1} in lexicographic order
  const idx = Array.from({ length: na }, (_, i) => i);
  for (;;) {
    let sa = 0;
    for (const i of idx) sa += pooled[i];
    const d = sa / na - (total - sa) / (n - na);
    if (Math.abs(d) >= thr) hits++;
    seen++;
    let j = na - 1;
    while (j >= 0 && idx[j] === n - na + j) j--;
    if (j < 0) break;
    idx[j]++;
    for (let k = j + 1; k < na; k++) idx[k] = idx[k - 1] + 1;
  }
  return {
    diff,
    p: hits / seen,
    count: seen,
    method: `exact permutation test, two-sided, ${seen} relabellings`,
  };
}

/**
 * Wilson score interval for a proportion k/n (e.g. an accuracy on n test items). Better than
 * the normal (Wald) interval near 0 and 1, where accuracies live.
 */
export function wilson(k: number, n: number, level = 0.95): Summary {
  checkLevel("stats.wilson", level);
  if (!Number.isInteger(n) || n < 1)
    throw new DomainError(
      `stats.wilson: argument n = ${n} is out of domain; expected an integer ≥ 1`,
    );
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new DomainError(
      `stats.wilson: argument k = ${k} is out of domain; expected an integer in [0, ${n}]`,
    );
  const z = normalQuantile(0.5 + level / 2);
  const p = k / n;
  const den = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return {
    n,
    mean: p,
    sd: Math.sqrt(p * (1 - p)),
    lo: k === 0 ? 0 : Math.max(0, centre - half),
    hi: k === n ? 1 : Math.min(1, centre + half),
    level,
    method: `Wilson score, n = ${n}`,
    values: [],
  };
}

/** The result of running an experiment over several seeds. */
export interface SeedRuns<K extends string = string> {
  seeds: number[];
  /** Per metric, one value per seed (seed order). */
  values: Record<K, number[]>;
  /** Per metric, `summarize(values[k])` at level 0.95. */
  summary: Record<K, Summary>;
  /** Any array-valued metrics (e.g. a learning curve), one array per seed. */
  series: Record<string, number[][]>;
}

export type SeedResult = Record<string, number | ArrayLike<number>>;

/** Validate a seed list: distinct non-negative integers, at least one. */
export function checkSeeds(fn: string, seeds: readonly number[]): number[] {
  if (!Array.isArray(seeds) || seeds.length === 0)
    throw new DomainError(
      `${fn}: argument seeds is empty; expected a non-empty array of integer seeds`,
    );
  seeds.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0 || s > 0xffffffff)
      throw new DomainError(
        `${fn}: argument seeds[${i}] = ${s} is out of domain; expected an integer in [0, 2^32 − 1]`,
      );
  });
  if (new Set(seeds).size !== seeds.length)
    throw new DomainError(
      `${fn}: argument seeds has duplicates (${seeds.join(", ")}); runs with the same seed are not independent`,
    );
  return [...seeds];
}

/** Gather per-seed results into values/summary/series; all seeds must report the same keys. */
export function collectRuns(fn: string, seeds: number[], results: SeedResult[]): SeedRuns {
  const keys = Object.keys(results[0] ?? {}).sort();
  const values: Record<string, number[]> = {};
  const series: Record<string, number[][]> = {};
  results.forEach((r, i) => {
    if (r === null || typeof r !== "object")
      throw new DomainError(
        `${fn}: seed ${seeds[i]} returned ${r === null ? "null" : typeof r}; expected an object of named numbers`,
      );
    const ks = Object.keys(r).sort();
    if (ks.join("\u0000") !== keys.join("\u0000")) {
      throw new DomainError(
        `${fn}: seed ${seeds[i]} returned keys [${ks.join(", ")}] but seed ${seeds[0]} returned [${keys.join(", ")}]; every seed must report the same metrics`,
      );
    }
    for (const k of keys) {
      const v = r[k]!;
      if (typeof v === "number") {
        if (!Number.isFinite(v))
          throw new DomainError(
            `${fn}: seed ${seeds[i]} returned ${k} = ${v}; expected a finite number`,
          );
        (values[k] ??= []).push(v);
      } else if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
        // (a string also has a length: "0.93" must not become the series [0, NaN, 9, 3])
        const arr = Array.from(v as ArrayLike<number>, Number);
        arr.forEach((x, j) => {
          if (!Number.isFinite(x))
            throw new DomainError(
              `${fn}: seed ${seeds[i]} returned ${k}[${j}] = ${x}; expected finite numbers`,
            );
        });
        (series[k] ??= []).push(arr);
      } else {
        throw new DomainError(
          `${fn}: seed ${seeds[i]} returned ${k} of type ${typeof v}; expected a number or an array of numbers`,
        );
      }
    }
  });
  const summary: Record<string, Summary> = {};
  for (const k of Object.keys(values)) summary[k] = summarize(values[k]!);
  return { seeds, values, summary, series };
}

/**
 * Run `run(seed)` for each seed, one after another, in this process (a notebook's kernel), and
 * summarise each numeric metric it returns. For lib trainers with a serializable configuration,
 * `parallelSeeds` runs the same on worker threads.
 */
export async function overSeeds(
  seeds: readonly number[],
  run: (seed: number) => SeedResult | Promise<SeedResult>,
): Promise<SeedRuns> {
  const list = checkSeeds("overSeeds", seeds);
  if (typeof run !== "function")
    throw new DomainError(
      "overSeeds: argument run is not a function; expected (seed) => ({ metric: number, … })",
    );
  const results: SeedResult[] = [];
  for (const s of list) results.push(await run(s));
  return collectRuns("overSeeds", list, results);
}

/** Elementwise mean and interval over per-seed series (e.g. learning curves) for bands. */
export function summarizeSeries(series: number[][], opts: SummarizeOptions = {}): Summary[] {
  if (!Array.isArray(series) || series.length === 0)
    throw new DomainError(
      "stats.summarizeSeries: argument series is empty; expected one array per seed",
    );
  const len = series[0]!.length;
  series.forEach((s, i) => {
    if (s.length !== len)
      throw new DomainError(
        `stats.summarizeSeries: series[${i}] has length ${s.length}; expected ${len} like series[0]`,
      );
  });
  return Array.from({ length: len }, (_, j) =>
    summarize(
      series.map((s) => s[j]!),
      opts,
    ),
  );
}
