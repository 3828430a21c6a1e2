/**
 * `npm run bench -- special`: besselbook's special functions against the npm `bessel` package
 * (devDependency, used here only) on the same 10⁶ inputs: J₀, J₁, J_n (n ≤ 20) and I_n (n ≤ 20),
 * x uniform on (0, 50) from a fixed seed.
 *
 * Speed: evaluations per CPU-second, best of 5 interleaved rounds (the machine is shared; the
 * best round is the least disturbed one), and the ratio besselbook / bessel.
 * Accuracy, two ways:
 *  - against the independent mpmath tables in test/fixtures/special (integer orders ≤ 20), for
 *    both libraries: max |f − ref| / max(|ref|, envelope), envelope = √(J² + Y²) for J where x > n
 *    (past the turning point J oscillates and near its zeros the relative error is meaningless),
 *    and plain relative error where x ≤ n (J has no zeros there and is tiny for x ≪ n: an envelope
 *    ~ |Y| would hide any error in J; issue #16), |ref| for I;
 *  - on all 10⁶ bench inputs, the largest disagreement between the two libraries in the same
 *    metric (besselbook agrees with mpmath to ~5e-16 on the tables, so this is bessel's error).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as S from "besselbook/special";
import { rng } from "besselbook/tensor/rng";

interface NpmBessel {
  besselj(x: number, n: number): number;
  bessely(x: number, n: number): number;
  besseli(x: number, n: number): number;
  besselk(x: number, n: number): number;
}

const N = 1_000_000;
const ROUNDS = 5;

type Eval = (n: number, x: number) => number;
interface Case {
  name: string;
  ours: Eval;
  theirs: Eval;
  orders: (i: number) => number;
  kind: "J" | "I";
}

function loadBessel(): NpmBessel | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require("bessel") as NpmBessel;
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system of this process) for one pass over all inputs; the sum defeats
 * dead-code elimination. CPU time rather than wall time: on a shared machine wall time mostly
 * measures the wait for a core.
 */
function timePass(f: Eval, ns: Int32Array, xs: Float64Array): { s: number; sum: number } {
  let sum = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < xs.length; i++) sum += f(ns[i]!, xs[i]!);
  const d = process.cpuUsage(t0);
  return { s: (d.user + d.system) / 1e6, sum };
}

function findFixtures(): string | null {
  for (let dir = __dirname, k = 0; k < 6; k++, dir = path.dirname(dir)) {
    const p = path.join(dir, "test", "fixtures", "special");
    if (fs.existsSync(path.join(p, "jy.json"))) return p;
  }
  return null;
}

interface RefPoint {
  n: number;
  x: number;
  ref: number;
  env: number;
}

/** Reference points from the mpmath tables: integer orders ≤ 20, x ≤ 50 (the bench's domain). */
function referencePoints(dir: string, kind: "J" | "I", order?: number): RefPoint[] {
  const pts: RefPoint[] = [];
  const add = (
    nus: number[],
    xsr: number[],
    val: (number | null)[][],
    env: (i: number, j: number) => number,
  ) => {
    nus.forEach((nu, i) => {
      if (!Number.isInteger(nu) || nu > 20 || (order !== undefined && nu !== order)) return;
      xsr.forEach((x, j) => {
        const v = val[i]![j];
        if (v === null || v === undefined || x > 50 || x === 0) return;
        pts.push({ n: nu, x, ref: v, env: x > nu ? env(i, j) : 0 });
      });
    });
  };
  const jy = JSON.parse(fs.readFileSync(path.join(dir, "jy.json"), "utf8"));
  const ik = JSON.parse(fs.readFileSync(path.join(dir, "ik.json"), "utf8"));
  const misc = JSON.parse(fs.readFileSync(path.join(dir, "misc.json"), "utf8"));
  if (kind === "J") {
    add(jy.nu, jy.x, jy.J, (i, j) => Math.hypot(jy.J[i][j], jy.Y[i][j] ?? 0));
    add(misc.dense.nu, misc.dense.x, misc.dense.J, (i, j) =>
      Math.hypot(misc.dense.J[i][j], misc.dense.Y[i][j]),
    );
  } else {
    add(ik.nu, ik.x, ik.I, (i, j) => Math.abs(ik.I[i][j]));
  }
  return pts;
}

function errorOn(pts: RefPoint[], f: Eval): number {
  let worst = 0;
  for (const p of pts) {
    const e = Math.abs(f(p.n, p.x) - p.ref) / Math.max(Math.abs(p.ref), p.env, 1e-300);
    if (!(e <= worst)) worst = e; // NaN counts as the worst
  }
  return worst;
}

function fmtRate(evalsPerS: number): string {
  return `${(evalsPerS / 1e6).toFixed(2)}e6/s`;
}

export async function run(): Promise<void> {
  const B = loadBessel();
  if (!B) {
    console.log(
      "special: the npm package `bessel` (devDependency) is not installed; nothing to compare against",
    );
    return;
  }
  const r = rng(20261129);
  const xs = new Float64Array(N);
  const nsJ = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    xs[i] = 50 * r.uniform();
    nsJ[i] = r.int(21);
  }
  const zeros = new Int32Array(N);
  const ones = new Int32Array(N).fill(1);
  const cases: (Case & { ns: Int32Array; order?: number })[] = [
    {
      name: "J0(x)",
      ours: (n, x) => S.besselJ(n, x),
      theirs: (n, x) => B.besselj(x, n),
      orders: () => 0,
      kind: "J",
      ns: zeros,
      order: 0,
    },
    {
      name: "J1(x)",
      ours: (n, x) => S.besselJ(n, x),
      theirs: (n, x) => B.besselj(x, n),
      orders: () => 1,
      kind: "J",
      ns: ones,
      order: 1,
    },
    {
      name: "Jn(x), n<=20",
      ours: (n, x) => S.besselJ(n, x),
      theirs: (n, x) => B.besselj(x, n),
      orders: (i) => nsJ[i]!,
      kind: "J",
      ns: nsJ,
    },
    {
      name: "In(x), n<=20",
      ours: (n, x) => S.besselI(n, x),
      theirs: (n, x) => B.besseli(x, n),
      orders: (i) => nsJ[i]!,
      kind: "I",
      ns: nsJ,
    },
  ];
  console.log(
    `inputs: ${N} points, x ~ U(0, 50), n ~ U{0..20}, seed 20261129; best of ${ROUNDS} interleaved rounds, CPU time`,
  );
  const fixtures = findFixtures();
  if (!fixtures) console.log("(test/fixtures/special not found: reference errors skipped)");

  const rows: string[][] = [];
  for (const c of cases) {
    // Warm up both (JIT), then interleave rounds so background load hits both alike.
    timePass(c.ours, c.ns.subarray(0, 20000), xs.subarray(0, 20000));
    timePass(c.theirs, c.ns.subarray(0, 20000), xs.subarray(0, 20000));
    let bestOurs = Infinity;
    let bestTheirs = Infinity;
    for (let k = 0; k < ROUNDS; k++) {
      bestOurs = Math.min(bestOurs, timePass(c.ours, c.ns, xs).s);
      bestTheirs = Math.min(bestTheirs, timePass(c.theirs, c.ns, xs).s);
    }
    // Disagreement on all inputs, in the same error metric (envelope from besselbook's J and Y).
    let disagree = 0;
    for (let i = 0; i < N; i++) {
      const n = c.ns[i]!;
      const x = xs[i]!;
      if (x === 0) continue;
      const a = c.ours(n, x);
      const b = c.theirs(n, x);
      const env = c.kind === "J" && x > n ? Math.hypot(a, S.besselY(n, x)) : Math.abs(a);
      const e = Math.abs(a - b) / Math.max(Math.abs(a), env, 1e-300);
      if (!(e <= disagree)) disagree = e;
    }
    let errOurs = NaN;
    let errTheirs = NaN;
    let nRef = 0;
    if (fixtures) {
      const pts = referencePoints(fixtures, c.kind, c.order);
      nRef = pts.length;
      errOurs = errorOn(pts, c.ours);
      errTheirs = errorOn(pts, c.theirs);
    }
    rows.push([
      c.name,
      fmtRate(N / bestOurs),
      fmtRate(N / bestTheirs),
      `${(bestTheirs / bestOurs).toFixed(2)}x`,
      errOurs.toExponential(1),
      errTheirs.toExponential(1),
      `${(errTheirs / errOurs).toExponential(1)}`,
      disagree.toExponential(1),
      String(nRef),
    ]);
  }
  const head = [
    "function",
    "besselbook",
    "bessel",
    "speed ratio",
    "err ours",
    "err bessel",
    "err ratio",
    "max |diff| 1e6",
    "ref pts",
  ];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padEnd(widths[j]!)).join("  ");
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(
    "speed ratio = besselbook evals/s ÷ bessel evals/s (> 1: besselbook faster); err = max error against mpmath " +
      "(relative; for J relative to the envelope √(J²+Y²) where x > n); err ratio = bessel error ÷ besselbook error.",
  );
}
