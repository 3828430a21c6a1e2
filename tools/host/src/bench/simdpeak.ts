/**
 * Peak multiply-add throughput of WebAssembly SIMD in this Node, with and without fused
 * multiply-add: a hand-assembled module (bytes emitted below; no assembler dependency) runs 12
 * independent f32x4 chains acc ← acc·x + y in registers, no memory traffic, as
 *   "muladd": f32x4.mul then f32x4.add (what tfjs 4.22's wasm binary and its XNNPACK kernels use)
 *   "fma":    f32x4.relaxed_madd (relaxed SIMD; Node 20's V8 has it only behind
 *             --experimental-wasm-relaxed-simd, so it runs in a child process with that flag).
 * It bounds any wasm GEMM: a kernel cannot do more multiply-adds per second than this loop. It
 * says what FMA could buy at most; it does not make tfjs use FMA (its binary has no relaxed SIMD).
 */
import { spawnSync } from "node:child_process";

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const CHAINS = 12;

/** Module bytes exporting run(n: i32) → f32 for the given form. */
export function peakModule(form: "muladd" | "fma"): Uint8Array {
  const X = CHAINS + 1,
    Y = CHAINS + 2; // local indices of x and y (0 is n, 1..12 the chains)
  const body: number[] = [];
  body.push(0x01, CHAINS + 2, 0x7b); // locals: 14 × v128
  body.push(0x43, 0x00, 0x00, 0x00, 0x3f, 0xfd, ...leb(0x13), 0x21, X); // x = splat(0.5)
  body.push(0x43, 0x00, 0x00, 0x80, 0x3f, 0xfd, ...leb(0x13), 0x21, Y); // y = splat(1.0)
  body.push(0x02, 0x40, 0x03, 0x40); // block, loop
  body.push(0x20, 0x00, 0x45, 0x0d, 0x01); // if n == 0: break
  for (let i = 1; i <= CHAINS; i++) {
    if (form === "muladd")
      body.push(0x20, i, 0x20, X, 0xfd, ...leb(0xe6), 0x20, Y, 0xfd, ...leb(0xe4), 0x21, i);
    else body.push(0x20, i, 0x20, X, 0x20, Y, 0xfd, ...leb(0x105), 0x21, i);
  }
  body.push(0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x0c, 0x00); // n -= 1; continue
  body.push(0x0b, 0x0b); // end loop, end block
  body.push(0x20, 1, 0xfd, ...leb(0x1f), 0x00); // result: Σ lane 0 of the chains
  for (let i = 2; i <= CHAINS; i++) body.push(0x20, i, 0xfd, ...leb(0x1f), 0x00, 0x92);
  body.push(0x0b);
  const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
  const name = [...Buffer.from("run")];
  const code = [0x01, ...leb(body.length), ...body];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7d]), // type (i32) → f32
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, name.length, ...name, 0x00, 0x00]),
    ...section(10, code),
  ]);
}

/**
 * GMAC/s (4 lanes × 12 chains per iteration), min CPU time of `reps` runs of `iters` iterations.
 */
export function measurePeak(
  form: "muladd" | "fma",
  iters = 20_000_000,
  reps = 5,
): { gmacs: number; value: number } {
  const mod = new WebAssembly.Module(peakModule(form) as unknown as ArrayBuffer);
  const run = (new WebAssembly.Instance(mod).exports as { run: (n: number) => number }).run;
  let value = run(1000);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    value = run(iters);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  return { gmacs: (iters * CHAINS * 4) / best / 1e9, value };
}

/**
 * Both forms, each in a child Node process (the FMA one with --experimental-wasm-relaxed-simd),
 * alternating for `rounds` rounds. Returns GMAC/s per round, or a reason when a form can't run.
 */
export function simdPeak(rounds: number): { muladd: number[]; fma: number[]; fmaError?: string } {
  const res = {
    muladd: [] as number[],
    fma: [] as number[],
    fmaError: undefined as string | undefined,
  };
  for (let r = 0; r < rounds; r++) {
    for (const form of r % 2 ? (["fma", "muladd"] as const) : (["muladd", "fma"] as const)) {
      const flags = form === "fma" ? ["--experimental-wasm-relaxed-simd"] : [];
      const js = `const p = require(${JSON.stringify(__filename)}); console.log(JSON.stringify(p.measurePeak(${JSON.stringify(form)})));`;
      const out = spawnSync(process.execPath, [...flags, "-e", js], { encoding: "utf8" });
      if (out.status !== 0) {
        if (form === "fma") res.fmaError = (out.stderr || "").trim().split("\n").slice(-1)[0];
        continue;
      }
      const j = JSON.parse(out.stdout.trim().split("\n").pop()!) as {
        gmacs: number;
        value: number;
      };
      // acc ← acc·0.5 + 1 converges to 2 in every lane: 12 chains → 24 (a wrong module would not).
      if (Math.abs(j.value - 24) > 1e-3)
        throw new Error(`simdPeak ${form}: result ${j.value}, expected 24`);
      res[form].push(j.gmacs);
    }
  }
  return res;
}
