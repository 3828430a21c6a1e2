/**
 * Where a besselbook kernel's memory goes: run cells in a real tslab kernel (the project's
 * runner and kernelspec, so exactly what JupyterLab starts) and read RSS, live heap, external
 * memory and the number of loaded modules after each one. Used by scripts/kernel-memory.js
 * (environment.md, "Kernel memory") and test/kernel-memory.test.ts.
 *
 * Each step is followed by a probe cell that forces a full GC first (the kernel is started with
 * `--expose-gc`), so "heap" is live memory, not garbage waiting for a collection.
 */
import * as fs from "fs";
import * as path from "path";
import { runNotebook } from "../runner";
import { writeNotebook } from "../runner/notebook";

export interface MemorySample {
  /** The step's cell source. */
  step: string;
  rss_MB: number;
  /** V8 heap in use after a forced full GC. */
  heap_MB: number;
  external_MB: number;
  modules: number;
  /** The kernel process's CPU time (user + system) so far. */
  cpu_ms: number;
}

/** The steps of a typical notebook's setup, as measured in environment.md. */
export const TYPICAL_STEPS: readonly string[] = [
  "1",
  'import { notebook, show, plot } from "besselbook";',
  'import { init } from "besselbook"; await init();',
  "show(plot.line({ x: [0, 1, 2], y: [1, 2, 3] }));",
  'import { danfo } from "besselbook"; const dfd = danfo();',
];

const PROBE =
  "(global as any).gc(); (global as any).gc(); " +
  'console.log("MEM " + JSON.stringify(((m: any) => ({ rss_MB: Math.round(m.rss / 1e6), ' +
  "heap_MB: Math.round(m.heapUsed / 1e6), external_MB: Math.round(m.external / 1e6), " +
  "modules: Object.keys(require.cache).length, cpu_ms: Math.round((process.cpuUsage().user + " +
  "process.cpuUsage().system) / 1000) }))(process.memoryUsage())));";

export interface KernelMemoryOptions {
  /** Project root (its notebooks/ directory holds the temporary notebook). */
  root?: string;
  /** Extra environment for the kernel, e.g. BESSELBOOK_TSLAB_SKIP. */
  env?: Record<string, string>;
  timeoutS?: number;
}

/**
 * Run `steps` (cell sources) in a fresh kernel and return one sample per step. Throws if a cell
 * fails. The kernel gets NODE_OPTIONS=--expose-gc on top of the caller's NODE_OPTIONS.
 */
export async function kernelMemory(
  steps: readonly string[],
  opts: KernelMemoryOptions = {},
): Promise<MemorySample[]> {
  const root = opts.root ?? path.resolve(__dirname, "..", "..", "..", "..");
  const cells = steps.flatMap((src, i) => [
    {
      cell_type: "code" as const,
      id: `s${i}`,
      metadata: {},
      source: src,
      outputs: [],
      execution_count: null,
    },
    {
      cell_type: "code" as const,
      id: `m${i}`,
      metadata: {},
      source: PROBE,
      outputs: [],
      execution_count: null,
    },
  ]);
  // Under notebooks/ so tslab compiles the cells with the project's module resolution.
  const file = path.join(root, "notebooks", `.kernel-memory-${process.pid}-${Date.now()}.ipynb`);
  writeNotebook(file, { nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
  const env: Record<string, string | undefined> = {
    ...opts.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --expose-gc`.trim(),
  };
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    saved[k] = process.env[k];
    process.env[k] = env[k];
  }
  try {
    const r = await runNotebook(file, { mode: "smoke", timeoutS: opts.timeoutS ?? 600 });
    if (!r.ok) throw new Error(`kernelMemory: ${r.failure?.message ?? "run failed"}`);
    return steps.map((step, i) => {
      const out = JSON.stringify(r.cells[2 * i + 1]?.outputs ?? []).replace(/\\"/g, '"');
      const m = /MEM (\{[^}]*\})/.exec(out);
      if (!m)
        throw new Error(`kernelMemory: no measurement after step ${i} (${step.slice(0, 40)})`);
      return { step, ...(JSON.parse(m[1]!) as Omit<MemorySample, "step">) };
    });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(file, { force: true });
  }
}
