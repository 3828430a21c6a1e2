/**
 * Kernel cost (issue #20): start time, per-cell overhead (wall and the kernel's CPU time) and idle
 * memory of the besselbook kernel, of the same kernel without this session's cost cuts (the
 * one-build patch and the compile cache) and without any of our tslab patches, against plain Node
 * running the same statements, and Deno's Jupyter kernel when a `deno` binary is on PATH or in
 * node_modules/.bin (`npm i -D deno`); otherwise that row says it was skipped. All rows are
 * measured in this run.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KernelClient } from "../runner/client";
import { kernelSpec, installRoot, KernelSpec } from "../runner/kernelspec";
import { median } from "./stats";

/** Resident set size (MB) of a process and its descendants, from /proc (Linux), else NaN. */
function rssMB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat, else NaN. */
function cpuMs(pid: number): number {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return NaN;
  }
}

const CELLS = 30;

interface Rep {
  start: number;
  startCpu: number;
  cell: number[];
  cellCpu: number;
  decl: number[];
  declCpu: number;
  idle: number;
}

/**
 * One kernel: start → first result (wall and the kernel's CPU time), then CELLS trivial cells
 * (`acc += i`, no declarations) and CELLS declaring cells (`const a_i = acc + i`, which tslab
 * exports to later cells), then idle RSS after 1 s.
 */
async function once(
  label: string,
  spec: KernelSpec,
  cwd: string,
  env: Record<string, string>,
): Promise<Rep> {
  const t0 = Date.now();
  const k = await KernelClient.start({ spec, cwd, env, startTimeoutMs: 120000 });
  const first = await k.execute("let acc = 0;", { timeoutMs: 60000 });
  const start = Date.now() - t0;
  if (first.kind !== "reply" || first.reply.status !== "ok")
    throw new Error(`${label}: first cell failed`);
  const pid = k.pid ?? -1;
  const startCpu = cpuMs(pid);
  const series = async (code: (i: number) => string): Promise<[number[], number]> => {
    const walls: number[] = [];
    const c0 = cpuMs(pid);
    for (let i = 0; i < CELLS; i++) {
      const t = process.hrtime.bigint();
      const x = await k.execute(code(i), { timeoutMs: 60000 });
      walls.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (x.kind !== "reply" || x.reply.status !== "ok")
        throw new Error(`${label}: cell ${i} failed`);
    }
    return [walls, (cpuMs(pid) - c0) / CELLS];
  };
  const [cell, cellCpu] = await series((i) => `acc += ${i};`);
  const [decl, declCpu] = await series((i) => `const a${i} = acc + ${i};`);
  await new Promise((res) => setTimeout(res, 1000));
  const idle = rssMB(pid);
  await k.shutdown();
  return { start, startCpu, cell, cellCpu, decl, declCpu, idle };
}

/** "median [min–max]" of per-repetition values. */
function spread(xs: number[], digits = 0): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;
}

interface Config {
  label: string;
  spec: KernelSpec;
  env: Record<string, string>;
}

/**
 * Runs the configurations alternately (rep 1 of each, rep 2 of each, …) so load drifts hit all
 * alike.
 */
async function measureAll(configs: Config[], cwd: string, reps: number): Promise<void> {
  const out = new Map<string, Rep[]>(configs.map((c) => [c.label, []]));
  for (let r = 0; r < reps; r++) {
    for (const c of configs) {
      try {
        out.get(c.label)!.push(await once(c.label, c.spec, cwd, c.env));
      } catch (e) {
        console.log(`${c.label}: failed (${e instanceof Error ? e.message : String(e)})`);
      }
    }
  }
  console.log(
    `columns: median [min–max] over ${reps} kernels; per-cell wall times are the median over ` +
      `${CELLS} cells × ${reps} kernels; CPU is the kernel process's user+system time`,
  );
  for (const c of configs) {
    const rs = out.get(c.label)!;
    if (rs.length === 0) continue;
    console.log(
      `${c.label.padEnd(40)} start→first result ${spread(rs.map((x) => x.start))} ms ` +
        `(CPU ${spread(rs.map((x) => x.startCpu))} ms) | trivial cell ${median(rs.flatMap((x) => x.cell)).toFixed(1)} ms ` +
        `(CPU ${spread(
          rs.map((x) => x.cellCpu),
          1,
        )}) | declaring cell ${median(rs.flatMap((x) => x.decl)).toFixed(1)} ms ` +
        `(CPU ${spread(
          rs.map((x) => x.declCpu),
          1,
        )}) | idle RSS ${spread(rs.map((x) => x.idle))} MB`,
    );
  }
}

function findDeno(root: string): string | undefined {
  const local = path.join(root, "node_modules", ".bin", "deno");
  if (fs.existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, "deno"))) return path.join(dir, "deno");
  }
  return undefined;
}

export async function run(): Promise<void> {
  const root = installRoot();
  const dir = path.join(root, ".besselbook", "bench-kernel");
  fs.mkdirSync(dir, { recursive: true });
  const reps = Number(process.env.BENCH_REPS ?? 3);
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} (${os.cpus().length} cores)`,
  );
  const spec = kernelSpec(root);
  const configs: Config[] = [
    { label: "besselbook kernel", spec, env: {} },
    {
      label: "  without one-build + compile cache",
      spec,
      env: { BESSELBOOK_TSLAB_SKIP: "one-build", BESSELBOOK_COMPILE_CACHE: "0" },
    },
    {
      label: "tslab without our patches",
      spec,
      env: { BESSELBOOK_TSLAB_PATCHES: "0", BESSELBOOK_COMPILE_CACHE: "0" },
    },
  ];
  const deno = findDeno(root);
  if (deno) {
    const denoSpec: KernelSpec = {
      argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
      display_name: "Deno",
      language: "typescript",
    };
    configs.push({ label: "deno jupyter kernel", spec: denoSpec, env: {} });
  }
  // One unmeasured start so the compile cache exists (as it does after a user's first kernel).
  await once("warm-up", spec, dir, {});
  await measureAll(configs, dir, reps);

  // Plain node: the same statements, one process start, each statement through vm (no protocol).
  const script =
    "const vm=require('vm');const t0=process.hrtime.bigint();vm.runInThisContext('var acc = 0;');" +
    `const ts=[];for(let i=0;i<${CELLS};i++){const t=process.hrtime.bigint();vm.runInThisContext('acc += '+i+';');` +
    "ts.push(Number(process.hrtime.bigint()-t)/1e6);}ts.sort((a,b)=>a-b);" +
    "const m=/VmRSS:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'));" +
    "console.log(JSON.stringify({per:ts[ts.length>>1],rss:m?Number(m[1])/1024:NaN}));";
  const starts: number[] = [];
  let last = { per: NaN, rss: NaN };
  for (let r = 0; r < reps; r++) {
    const t = Date.now();
    last = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
    starts.push(Date.now() - t);
  }
  console.log(
    `${"plain node (vm per statement)".padEnd(34)} start→first result ${median(starts).toFixed(0).padStart(5)} ms | ` +
      `per cell ${last.per.toFixed(3).padStart(5)} ms | RSS ${last.rss.toFixed(0)} MB`,
  );

  if (!deno)
    console.log(
      "deno kernel: skipped (no deno binary; `npm i -D deno` installs one from the npm registry)",
    );
  console.log(
    `load average at end: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}
