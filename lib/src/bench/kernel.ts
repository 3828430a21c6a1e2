/**
 * Kernel cost (issue #20): start time, per-cell overhead and idle memory of the besselbook kernel
 * with and without the tslab patches (BESSELBOOK_TSLAB_PATCHES=0), against plain Node running the
 * same statements, and Deno's Jupyter kernel when a `deno` binary is on PATH or in node_modules/.bin
 * (`npm i -D deno`); otherwise that row says it was skipped. All rows are measured in this run.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KernelClient } from "../runner/client";
import { kernelSpec, projectRoot, KernelSpec } from "../runner/kernelspec";
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

const CELLS = 30;

async function measure(label: string, spec: KernelSpec, cwd: string, env: Record<string, string>, reps: number): Promise<void> {
  const starts: number[] = [];
  const per: number[] = [];
  const idle: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = Date.now();
    const k = await KernelClient.start({ spec, cwd, env, startTimeoutMs: 120000 });
    const first = await k.execute("let acc = 0;", { timeoutMs: 60000 });
    starts.push(Date.now() - t0);
    if (first.kind !== "reply" || first.reply.status !== "ok") throw new Error(`${label}: first cell failed`);
    for (let i = 0; i < CELLS; i++) {
      const t = process.hrtime.bigint();
      const x = await k.execute(`acc += ${i};`, { timeoutMs: 60000 });
      per.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (x.kind !== "reply" || x.reply.status !== "ok") throw new Error(`${label}: cell ${i} failed`);
    }
    await new Promise((res) => setTimeout(res, 1000));
    if (k.pid) idle.push(rssMB(k.pid));
    await k.shutdown();
  }
  console.log(
    `${label.padEnd(34)} start→first result ${median(starts).toFixed(0).padStart(5)} ms | ` +
      `per cell ${median(per).toFixed(1).padStart(5)} ms (median of ${per.length}) | idle RSS ${median(idle).toFixed(0)} MB`,
  );
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
  const root = projectRoot();
  const dir = path.join(root, ".besselbook", "bench-kernel");
  fs.mkdirSync(dir, { recursive: true });
  const reps = Number(process.env.BENCH_REPS ?? 3);
  console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(1)).join(" ")} (${os.cpus().length} cores)`);
  const spec = kernelSpec(root);
  await measure("besselbook kernel (patched tslab)", spec, dir, {}, reps);
  await measure("tslab without our patches", spec, dir, { BESSELBOOK_TSLAB_PATCHES: "0" }, reps);

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

  const deno = findDeno(root);
  if (!deno) {
    console.log("deno kernel: skipped (no deno binary; `npm i -D deno` installs one from the npm registry)");
  } else {
    const denoSpec: KernelSpec = {
      argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
      display_name: "Deno",
      language: "typescript",
    };
    try {
      await measure("deno jupyter kernel", denoSpec, dir, {}, reps);
    } catch (e) {
      console.log(`deno kernel: failed (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
