/**
 * Runner benchmark: what the Jupyter protocol path costs compared with plain Node.
 *   1. kernel start → first cell result (spawn tslab, kernel_info + iopub handshake, run `1+1`)
 *   2. per-cell overhead: 100 trivial cells in one kernel (tslab type-checks every cell)
 *   3. a whole notebook through runNotebook vs the same code in `node -e`
 * Baselines are measured in the same run; ratios are printed against them.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { KernelClient } from "../runner/client";
import { kernelSpec, installRoot } from "../runner/kernelspec";
import { runNotebook } from "../runner/run";
import { median } from "./stats";

function nodeEMs(code: string, reps: number): number {
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, ["-e", code], { stdio: "ignore" });
    ts.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(ts);
}

export async function run(): Promise<void> {
  const root = installRoot();
  // Inside the repo so tslab finds @types/node from the kernel's cwd.
  const dir = path.join(root, ".besselbook", "bench");
  fs.mkdirSync(dir, { recursive: true });
  const spec = kernelSpec(root);
  const reps = Number(process.env.BENCH_REPS ?? 3);

  // 1. kernel start → first result
  const starts: number[] = [];
  const firsts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = Date.now();
    const k = await KernelClient.start({ spec, cwd: dir, startTimeoutMs: 120000 });
    const t1 = Date.now();
    const r = await k.execute("console.log(1 + 1)", { timeoutMs: 60000 });
    const t2 = Date.now();
    await k.shutdown();
    if (r.kind !== "reply" || r.reply.status !== "ok")
      throw new Error(`bench cell failed: ${JSON.stringify(r)}`);
    starts.push(t1 - t0);
    firsts.push(t2 - t0);
  }
  const nodeStart = nodeEMs("console.log(1 + 1)", reps);
  console.log(`kernel start → ready (median of ${reps}):        ${median(starts).toFixed(0)} ms`);
  console.log(
    `kernel start → first cell result (median of ${reps}): ${median(firsts).toFixed(0)} ms`,
  );
  console.log(
    `node -e "console.log(1 + 1)" (median of ${reps}):     ${nodeStart.toFixed(0)} ms  → ratio ${(median(firsts) / nodeStart).toFixed(1)}×`,
  );

  // 2. per-cell overhead over 100 trivial cells (one kernel)
  const k = await KernelClient.start({ spec, cwd: dir, startTimeoutMs: 120000 });
  await k.execute("let acc = 0;", { timeoutMs: 60000 });
  const per: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = process.hrtime.bigint();
    const r = await k.execute(`acc += ${i};`, { timeoutMs: 60000 });
    per.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.kind !== "reply" || r.reply.status !== "ok") throw new Error(`bench cell ${i} failed`);
  }
  await k.shutdown();
  const total = per.reduce((a, b) => a + b, 0);
  console.log(
    `100 trivial cells: total ${total.toFixed(0)} ms, median ${median(per).toFixed(1)} ms/cell, max ${Math.max(...per).toFixed(1)} ms`,
  );

  // 3. a notebook of 20 small cells through the runner vs the same code as one `node -e`
  const cells = Array.from(
    { length: 20 },
    (_, i) =>
      `let s${i} = 0;\nfor (let j = 0; j < 100000; j++) s${i} += Math.sqrt(j);\nconsole.log(${i}, s${i}.toFixed(3));`,
  );
  const nb = {
    cells: cells.map((src, i) => ({
      cell_type: "code",
      id: `b${i}`,
      metadata: {},
      execution_count: null,
      outputs: [],
      source: src,
    })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  const file = path.join(dir, "bench.ipynb");
  fs.writeFileSync(file, JSON.stringify(nb));
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await runNotebook(file, { mode: "smoke", timeoutS: 120 });
    if (!r.ok) throw new Error(r.failure!.message);
    runs.push(r.timings.totalMs);
  }
  const plain = nodeEMs(cells.join("\n"), reps);
  console.log(
    `20-cell notebook via runNotebook (median of ${reps}): ${median(runs).toFixed(0)} ms`,
  );
  console.log(
    `same code in node -e (median of ${reps}):             ${plain.toFixed(0)} ms  → runner overhead ${(median(runs) - plain).toFixed(0)} ms, ratio ${(median(runs) / plain).toFixed(1)}×`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}
