/**
 * `besselbook` command line (lib/bin/besselbook.js → main(argv) → exit code).
 *
 *   besselbook run [notebooks or directories…] [--mode smoke|full] [--save] [--timeout S]
 *                  [-p key=value …] [--jobs N] [--out DIR] [--kernel NAME] [--verbose]
 *   besselbook kernel install [--data-dir DIR]    write the besselbook kernelspec
 *   besselbook kernel spec                        print the kernelspec JSON
 *   besselbook kernel list                        list installed kernelspecs
 *
 * Exit codes: 0 all passed, 1 a notebook failed / timed out / killed its kernel, 2 usage or input
 * error (nothing was run), 130/143 interrupted by SIGINT/SIGTERM.
 */
import * as fs from "fs";
import * as path from "path";
import { killAllKernels } from "./client";
import { installKernelSpec, jupyterDataDir, kernelSpec, listKernelSpecs, findKernelSpec, KERNEL_NAME } from "./kernelspec";
import { Mode, RunResult, displayPath, parseParam, runNotebooks } from "./run";

const USAGE = `usage:
  besselbook run [notebooks or directories…] [--mode smoke|full] [--save] [--timeout S]
                 [-p key=value …] [--jobs N] [--out DIR] [--kernel NAME] [--verbose]
  besselbook kernel install [--data-dir DIR]
  besselbook kernel spec | kernel list`;

class UsageError extends Error {}

/** Expand arguments: a directory means its *.ipynb (sorted by name, not recursive). */
export function expandNotebookArgs(args: string[]): string[] {
  const files: string[] = [];
  for (const a of args) {
    let st: fs.Stats;
    try {
      st = fs.statSync(a);
    } catch {
      throw new UsageError(`${a}: no such file or directory; expected a .ipynb file or a directory of them`);
    }
    if (st.isDirectory()) {
      const found = fs
        .readdirSync(a, { withFileTypes: true })
        .filter((d) => d.isFile() && d.name.endsWith(".ipynb") && !d.name.startsWith("."))
        .map((d) => d.name)
        .sort();
      if (!found.length) throw new UsageError(`${a}: directory has no .ipynb notebooks`);
      files.push(...found.map((n) => path.join(a, n)));
    } else {
      files.push(a);
    }
  }
  return [...new Set(files)];
}

interface RunArgs {
  paths: string[];
  mode: Mode;
  save: boolean;
  timeoutS?: number;
  params: Record<string, unknown>;
  jobs: number;
  out?: string;
  kernel?: string;
  verbose: boolean;
}

function parseRunArgs(argv: string[]): RunArgs {
  const a: RunArgs = { paths: [], mode: "full", save: false, params: {}, jobs: 1, verbose: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith("-") && v.length > 1 && isNaN(Number(v)))) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const positive = (v: string, flag: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} expects a positive number, got "${v}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline: string | undefined;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    if (eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = () => (inline !== undefined ? inline : value(i++, arg));
    switch (arg) {
      case "--mode": {
        const m = take();
        if (m !== "smoke" && m !== "full") throw new UsageError(`--mode expects smoke or full, got "${m}"`);
        a.mode = m;
        break;
      }
      case "--save":
        a.save = true;
        break;
      case "--timeout":
        a.timeoutS = positive(take(), "--timeout");
        break;
      case "-p":
      case "--param": {
        const [k, v] = parseParam(take());
        a.params[k] = v;
        break;
      }
      case "--jobs":
      case "-j":
        a.jobs = Math.floor(positive(take(), "--jobs"));
        break;
      case "--out":
        a.out = take();
        break;
      case "--kernel":
        a.kernel = take();
        break;
      case "-v":
      case "--verbose":
        a.verbose = true;
        break;
      case "-h":
      case "--help":
        throw new UsageError("");
      default:
        if (arg.startsWith("-") && arg.length > 1) throw new UsageError(`unknown option ${arg}`);
        a.paths.push(argv[i]);
    }
  }
  if (!a.paths.length) a.paths.push("notebooks");
  return a;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function report(r: RunResult, shown: string): void {
  if (r.ok) {
    const ran = r.cells.length;
    console.log(`✓ ${shown}  ${secs(r.timings.totalMs)} (kernel start ${secs(r.timings.startMs)}, ${ran} cells${r.saved ? ", saved" : ""})`);
  } else {
    console.log(`✗ ${shown}  ${secs(r.timings.totalMs)}`);
    console.error(r.failure!.message);
  }
}

async function run(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  const files = expandNotebookArgs(args.paths);
  // Resolve --kernel before anything runs so an unknown name fails fast with the list of kernels.
  const kernel = args.kernel ? findKernelSpec(args.kernel) : undefined;

  const ctl = new AbortController();
  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopSignal) {
      // Second Ctrl-C: stop waiting for anything.
      killAllKernels();
      process.exit(sig === "SIGINT" ? 130 : 143);
    }
    stopSignal = sig;
    console.error(`\n${sig}: stopping kernels; notebooks are left unchanged`);
    ctl.abort();
    killAllKernels();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  const t0 = Date.now();
  try {
    const results = await runNotebooks(files, {
      mode: args.mode,
      params: args.params,
      out: args.out,
      save: args.save,
      timeoutS: args.timeoutS,
      jobs: args.jobs,
      kernel,
      signal: ctl.signal,
      onDone: (r) => report(r, displayPath(r.path)),
      onCell: args.verbose ? (c, nb) => console.log(`  ${nb} cell ${c.index}${c.id ? ` (id ${c.id})` : ""}: ${c.status} ${secs(c.ms)}`) : undefined,
    });
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(`${results.length} notebook${results.length === 1 ? "" : "s"}: ${passed} passed, ${failed} failed (${secs(Date.now() - t0)})`);
    if (stopSignal) return stopSignal === "SIGINT" ? 130 : 143;
    return failed ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
    killAllKernels();
  }
}

function kernelCmd(argv: string[]): number {
  const [sub, ...rest] = argv;
  if (sub === "install") {
    let dataDir: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === "--data-dir" && rest[i + 1]) dataDir = rest[++i];
      else if (rest[i].startsWith("--data-dir=")) dataDir = rest[i].slice("--data-dir=".length);
      else throw new UsageError(`kernel install: unknown argument ${rest[i]}`);
    }
    const dir = installKernelSpec({ dataDir: dataDir ?? jupyterDataDir() });
    console.log(`installed kernelspec ${KERNEL_NAME} ("${kernelSpec().display_name}") in ${dir}`);
    return 0;
  }
  if (sub === "spec" && !rest.length) {
    console.log(JSON.stringify(kernelSpec(), null, 1));
    return 0;
  }
  if (sub === "list" && !rest.length) {
    const all = listKernelSpecs();
    if (!all.length) console.log("no kernelspecs installed");
    for (const k of all) console.log(`${k.name.padEnd(20)} ${k.resourceDir}`);
    return 0;
  }
  throw new UsageError(`unknown kernel command "${argv.join(" ")}"`);
}

/** Entry point used by lib/bin/besselbook.js; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === "run") return await run(rest);
    if (cmd === "kernel") return kernelCmd(rest);
    if (cmd === undefined || cmd === "-h" || cmd === "--help" || cmd === "help") {
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${cmd}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) console.error(`besselbook: ${e.message}`);
      console.error(USAGE);
      return e.message ? 2 : 0;
    }
    console.error(`besselbook: ${(e as Error).message}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err instanceof Error ? err.stack : String(err));
      process.exitCode = 2;
    },
  );
}
