/**
 * `besselbook` command line (lib/bin/besselbook.js → main(argv) → exit code).
 *
 *   besselbook run [notebooks or directories…] [--mode smoke|full] [--save] [--timeout S]
 *                  [-p key=value …] [--jobs N] [--out DIR] [--kernel NAME] [--verbose]
 *                  [--max-output MB] [--progress[=false]]
 *   besselbook kernel install [--data-dir DIR]    write the besselbook kernelspec
 *   besselbook kernel spec                        print the kernelspec JSON
 *   besselbook kernel list                        list installed kernelspecs
 *
 * Exit codes: 0 all passed, 1 a notebook failed / timed out / killed its kernel / could not be
 * saved, 2 usage or input error (nothing was run), 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP
 * (128 + the signal number, the shell convention).
 *
 * Progress (on stderr): on a terminal one status line per running notebook is rewritten in place
 * (cell i of N, elapsed time, the cell's first line); otherwise (pipes, CI) one plain line per
 * cell.
 */
import * as fs from "fs";
import * as path from "path";
import { killAllKernels } from "./client";
import type { CellStart } from "./run";
import {
  installKernelSpec,
  jupyterDataDir,
  kernelSpec,
  listKernelSpecs,
  findKernelSpec,
  KERNEL_NAME,
} from "./kernelspec";
import { cwdRelativePath } from "besselbook/kernel/paths";
import { Mode, RunResult, parseParam, runNotebooks } from "./run";

const USAGE = `usage:
  besselbook run [notebooks or directories…] [--mode smoke|full] [--save] [--timeout S]
                 [-p key=value …] [--jobs N] [--out DIR] [--kernel NAME] [--verbose]
                 [--max-output MB] [--progress[=false]]
  besselbook kernel install [--data-dir DIR]
  besselbook kernel spec | kernel list`;

class UsageError extends Error {}

/** 128 + signal number: what a shell reports for a process stopped by that signal. */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Expand arguments: a directory means its *.ipynb (sorted by name, not recursive). */
export function expandNotebookArgs(args: string[]): string[] {
  const files: string[] = [];
  for (const a of args) {
    let st: fs.Stats;
    try {
      st = fs.statSync(a);
    } catch {
      throw new UsageError(
        `${a}: no such file or directory; expected a .ipynb file or a directory of them`,
      );
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

export interface RunArgs {
  paths: string[];
  mode: Mode;
  save: boolean;
  timeoutS?: number;
  params: Record<string, unknown>;
  jobs: number;
  out?: string;
  kernel?: string;
  verbose: boolean;
  /** Per-output limit in bytes (--max-output is in MB). */
  maxOutputBytes?: number;
  /** Show progress; default: on. */
  progress: boolean;
}

const TRUE = new Set(["true", "yes", "1", "on"]);
const FALSE = new Set(["false", "no", "0", "off"]);

/** Parse `besselbook run` arguments (exported for tests). Throws UsageError. */
export function parseRunArgs(argv: string[]): RunArgs {
  const a: RunArgs = {
    paths: [],
    mode: "full",
    save: false,
    params: {},
    jobs: 1,
    verbose: false,
    progress: true,
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    // "-1" is a value; "-x" is the next option, except `-p key=-1` style values (they hold "=").
    const isParam = flag === "-p" || flag === "--param";
    if (
      v === undefined ||
      (v.startsWith("-") && v.length > 1 && isNaN(Number(v)) && !(isParam && v.includes("=")))
    )
      throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const positive = (v: string, flag: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0)
      throw new UsageError(`${flag} expects a positive number, got "${v}"`);
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
    /** A switch: bare means on; `--flag=false|no|0|off` off, `--flag=true|yes|1|on` on. */
    const flag = (): boolean => {
      if (inline === undefined) return true;
      const v = inline.toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      throw new UsageError(
        `${arg} takes no value or one of true/false/yes/no/1/0, got "${inline}"`,
      );
    };
    switch (arg) {
      case "--mode": {
        const m = take();
        if (m !== "smoke" && m !== "full")
          throw new UsageError(`--mode expects smoke or full, got "${m}"`);
        a.mode = m;
        break;
      }
      case "--save":
        a.save = flag();
        break;
      case "--progress":
        a.progress = flag();
        break;
      case "--max-output":
        a.maxOutputBytes = Math.round(positive(take(), "--max-output") * 1e6);
        break;
      case "--timeout":
        a.timeoutS = positive(take(), "--timeout");
        break;
      case "-p":
      case "--param": {
        let kv: [string, unknown];
        try {
          kv = parseParam(take());
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        a.params[kv[0]] = kv[1];
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
        a.verbose = flag();
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
const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

/**
 * Progress per notebook. On a terminal: one status line per running notebook, redrawn in place
 * every second and around every other message. Elsewhere (a pipe, a log, CI): one plain line
 * when a cell starts, nothing rewritten.
 */
class Progress {
  private readonly running = new Map<string, CellStart>();
  private drawn = 0;
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly tty: boolean,
    private readonly width = 100,
  ) {
    if (tty) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
    }
  }

  private line(c: CellStart): string {
    const what = c.ordinal
      ? `cell ${c.ordinal}/${c.total}`
      : `starting kernel (${c.total} code cells)`;
    const text = `  ${c.nb}  ${what}  ${clock(Date.now() - c.startedAt)}  ${c.firstLine}`.trimEnd();
    return text.length > this.width ? `${text.slice(0, this.width - 1)}…` : text;
  }

  private erase(): void {
    if (!this.drawn) return;
    // Up to the first status line, clearing each one.
    let s = "\r\x1b[2K";
    for (let i = 1; i < this.drawn; i++) s += "\x1b[1A\x1b[2K";
    process.stderr.write(s);
    this.drawn = 0;
  }

  private draw(): void {
    this.erase();
    const lines = [...this.running.values()].map((c) => this.line(c));
    if (lines.length) process.stderr.write(lines.join("\n"));
    this.drawn = lines.length;
  }

  cell(c: CellStart): void {
    if (this.tty) {
      this.running.set(c.nb, c);
      this.draw();
    } else {
      console.error(this.line(c));
    }
  }

  /** Print a message (stdout or stderr) without mixing it into the status lines. */
  say(write: () => void): void {
    this.erase();
    write();
    if (this.tty) this.draw();
  }

  done(nb: string): void {
    this.running.delete(nb);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.erase();
  }
}

function report(r: RunResult, shown: string): void {
  if (r.ok) {
    const ran = r.cells.length;
    console.log(
      `✓ ${shown}  ${secs(r.timings.totalMs)} (kernel start ${secs(r.timings.startMs)}, ${ran} cells${r.saved ? ", saved" : ""})`,
    );
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

  const progress = args.progress
    ? new Progress(
        Boolean(process.stderr.isTTY) && !process.env.CI,
        Math.max(40, (process.stderr.columns || 100) - 1),
      )
    : undefined;
  const say = (write: () => void) => (progress ? progress.say(write) : write());
  const ctl = new AbortController();
  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopSignal) {
      // Second Ctrl-C: stop waiting for anything.
      killAllKernels();
      process.exit(SIGNAL_EXIT[sig]);
    }
    stopSignal = sig;
    say(() => console.error(`\n${sig}: stopping kernels; notebooks are left unchanged`));
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
      maxOutputBytes: args.maxOutputBytes,
      jobs: args.jobs,
      kernel,
      signal: ctl.signal,
      onCellStart: progress ? (c) => progress.cell(c) : undefined,
      onDone: (r) => {
        const shown = cwdRelativePath(r.path);
        progress?.done(shown);
        say(() => report(r, shown));
      },
      onCell: args.verbose
        ? (c, nb) =>
            say(() =>
              console.log(
                `  ${nb} cell ${c.index}${c.id ? ` (id ${c.id})` : ""}: ${c.status} ${secs(c.ms)}`,
              ),
            )
        : undefined,
    });
    progress?.stop();
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(
      `${results.length} notebook${results.length === 1 ? "" : "s"}: ${passed} passed, ${failed} failed (${secs(Date.now() - t0)})`,
    );
    if (stopSignal) return SIGNAL_EXIT[stopSignal];
    return failed ? 1 : 0;
  } finally {
    progress?.stop();
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
