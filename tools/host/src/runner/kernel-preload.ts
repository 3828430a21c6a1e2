/**
 * Loaded into every besselbook kernel process before tslab (`node --require <this file> tslab
 * kernel …`, see kernelspec.ts), so JupyterLab and the headless runner get the same three fixes:
 *
 * 1. Parent watch. The kernel runs detached in its own process group and tslab has no parent
 *    watch, so a runner killed with SIGKILL (OOM killer, CI hard timeout) used to leave its kernel
 *    running forever. Like ipykernel's ParentPollerUnix, a worker thread polls the parent pid
 *    every 0.5 s; when the process that started us is gone it deletes the connection file (it
 *    holds the signing key) and SIGKILLs our process group (cells may have started children).
 *
 * 2. Errors after a cell ended. tslab prints uncaught exceptions and unhandled rejections to
 *    whichever cell's stream is current and the reply still says "ok", so a throwing timer showed
 *    up in the *next* cell and a rejection left no trace. We tag every execution with an
 *    AsyncLocalStorage context (its execution count), and report such errors as one line
 *    `[besselbook] <what> (from the cell run as [N]): <error>` that the runner recognises
 *    (run.ts, CALLBACK_ERROR) to fail the run and name cell N. Side effect (Node 20 implements
 *    AsyncLocalStorage with async hooks): a Promise printed with util.inspect, e.g. as a cell's
 *    last value, also lists Node's async-id symbols and the store; no committed notebook shows one.
 *
 * 3. Notebooks outside the checkout. tslab type-checks cells from the kernel's working directory
 *    (the notebook's folder), so outside the project neither @types/node ("Cannot find name
 *    'console'") nor `besselbook` resolves. There we let TypeScript fall back to the project's
 *    node_modules for modules and types it cannot find from the notebook's folder. At run time
 *    NODE_PATH (kernelspec env) already does the same for require().
 *
 * 4. tslab's gaps for people writing ordinary TypeScript (issue #20; tslab-patch.ts,
 *    cell-errors.ts): load-time patches of tslab's converter and executor (shorthand properties
 *    naming earlier-cell variables, `exports`-map type resolution, short runtime errors that name
 *    the user's cell and line), and a require() fallback for packages whose `exports` map offers
 *    only an `import` condition (ESM-only packages; Node 20.19+ can require() ES modules).
 *
 * 5. A V8 code cache for tslab's TypeScript compiler (compile-cache.ts): kernels after the first
 *    skip most of compiling its 8 MB of JavaScript.
 *
 * Plain Node built-ins only, and nothing here may throw: a broken preload must not stop a kernel.
 */
import { AsyncLocalStorage } from "async_hooks";
import * as fs from "fs";
import * as path from "path";
import * as util from "util";
import { Worker, isMainThread } from "worker_threads";
import Module = require("module");
import { CELL_FILE_PREFIX, CellRecord, shortError } from "./cell-errors";
import { installTslabPatches, patchReport } from "./tslab-patch";
import { installCompileCache, writeCompileCache } from "./compile-cache";

/** Prefix of the line the runner parses; keep in sync with CALLBACK_ERROR in run.ts. */
export const CALLBACK_MARK = "[besselbook]";

/** kernelspec.ts's installRoot(), computed here without importing it (the preload stays light). */
const installRoot = path.resolve(__dirname, "..", "..", "..", "..");

function configPath(): string | undefined {
  const argv = process.argv;
  const i = argv.indexOf("--config-path");
  if (i >= 0 && argv[i + 1]) return path.resolve(argv[i + 1]);
  const inline = argv.find((a) => a.startsWith("--config-path="));
  return inline ? path.resolve(inline.slice("--config-path=".length)) : undefined;
}

// ---- 1. parent watch -------------------------------------------------------------------------

/**
 * Runs in a worker thread: a cell stuck in `while (true) {}` blocks the kernel's event loop, so a
 * timer on the main thread would never fire (measured). The worker has its own loop; when the
 * parent is gone it removes the connection file and SIGKILLs the kernel's process group (cells
 * may have started children) or, if the kernel does not lead its group, the kernel alone.
 */
const WATCHDOG = `
const { workerData } = require("worker_threads");
const fs = require("fs");
const path = require("path");
const { expected, conn, pollMs } = workerData;
// process.ppid is not the process's parent inside a worker (measured: 1); /proc/self/stat is.
function stat(field) {
  try {
    const s = fs.readFileSync("/proc/self/stat", "utf8");
    return Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[field]);
  } catch {
    return undefined;
  }
}
const parent = () => stat(1);
const group = () => stat(2);
function orphaned() {
  if (conn) {
    try {
      fs.rmSync(conn, { force: true });
      if (path.basename(path.dirname(conn)).startsWith("besselbook-kernel-")) fs.rmdirSync(path.dirname(conn));
    } catch {}
  }
  try {
    if (group() === process.pid) process.kill(-process.pid, "SIGKILL");
  } catch {}
  process.kill(process.pid, "SIGKILL");
}
if (parent() !== expected) orphaned();
setInterval(() => { if (parent() !== expected) orphaned(); }, pollMs);
`;

function watchParent(): void {
  if (process.env.BESSELBOOK_KERNEL_WATCHDOG === "0") return;
  // The runner passes its pid, so a parent that died before this line ran is still noticed.
  const expected = Number(process.env.BESSELBOOK_PARENT_PID) || process.ppid;
  if (!fs.existsSync("/proc/self/stat")) {
    // No procfs (macOS): a main-thread timer; it cannot fire while a cell blocks the event loop.
    setInterval(() => {
      if (process.ppid === expected) return;
      const conn = configPath();
      if (conn) fs.rmSync(conn, { force: true });
      process.kill(process.pid, "SIGKILL");
    }, 500).unref();
    return;
  }
  // execArgv: [] so the worker does not load this preload again (workers inherit --require).
  const w = new Worker(WATCHDOG, {
    eval: true,
    execArgv: [],
    workerData: { expected, conn: configPath(), pollMs: 500 },
  });
  w.unref(); // never keeps the kernel alive on its own
  w.on("error", () => undefined);
}

// ---- 2. errors from callbacks ----------------------------------------------------------------

const execution = new AsyncLocalStorage<{ count: number }>();

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return util.inspect(err);
}

function report(what: string, err: unknown): void {
  const ctx = execution.getStore();
  const from = ctx ? ` (from the cell run as [${ctx.count}])` : "";
  try {
    // process.stderr.write is tslab's hook for the current cell's iopub stream.
    process.stderr.write(`${CALLBACK_MARK} ${what}${from}: ${describe(err)}\n`);
  } catch {
    /* nowhere to report */
  }
}

function onUncaught(err: unknown): void {
  report("uncaught exception in a callback", err);
}
function onRejection(reason: unknown): void {
  report("unhandled promise rejection", reason);
}

/**
 * Runs once tslab's main module has finished its synchronous start: wrap the execute handler in
 * an AsyncLocalStorage context, and drop tslab's own print-only error handlers (ours replace them).
 */
function patchTslab(): void {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !file.endsWith(path.join("tslab", "dist", "jupyter.js"))) continue;
    const Handler = (mod.exports as { JupyterHandlerImpl?: { prototype: Record<string, unknown> } })
      .JupyterHandlerImpl;
    const orig = Handler?.prototype.handleExecuteImpl;
    if (typeof orig !== "function" || (orig as { besselbook?: boolean }).besselbook) continue;
    const wrapped = function (this: { execCount: number }, ...args: unknown[]) {
      // handleExecuteImpl starts with ++this.execCount: this is the count the reply will carry.
      return execution.run({ count: this.execCount + 1 }, () => orig.apply(this, args));
    };
    (wrapped as { besselbook?: boolean }).besselbook = true;
    Handler!.prototype.handleExecuteImpl = wrapped;
  }
  for (const [event, ours] of [
    ["uncaughtException", onUncaught],
    ["unhandledRejection", onRejection],
  ] as const) {
    for (const l of process.listeners(event as "uncaughtException")) {
      if (l !== ours && /UncaughtException:|UnhandledPromiseRejection:/.test(String(l)))
        process.removeListener(event, l);
    }
  }
}

// ---- 3. type-checking outside the checkout -------------------------------------------------

function insideProject(dir: string): boolean {
  const rel = path.relative(installRoot, dir);
  return !rel.startsWith("..") && !path.isAbsolute(rel);
}

type Sys = Record<string, (...a: any[]) => any>;

/**
 * Outside the checkout, make `/node_modules` (the last directory TypeScript's Node10 resolution and
 * its default type roots look in) show the project's node_modules: real entries there still win,
 * and everything under the notebook's own folders is looked up first, so this is a lowest-priority
 * fallback, the compile-time twin of NODE_PATH. tslab's converter calls `ts.sys` methods at call
 * time (its own sys delegates to them), so patching that object is enough; the module's exports
 * are read-only getters and cannot be patched.
 */
function resolveFromProject(): void {
  const tslabBin = process.argv[1];
  if (!tslabBin || insideProject(process.cwd())) return;
  let sys: Sys;
  try {
    // The TypeScript fork tslab loads (same resolved path, so the same module instance).
    const ts = require(
      require.resolve("@tslab/typescript-for-tslab", {
        paths: [path.dirname(fs.realpathSync(tslabBin))],
      }),
    );
    sys = ts.sys;
  } catch {
    return;
  }
  if (!sys || typeof sys.fileExists !== "function") return;
  const vroot = path.join(path.parse(process.cwd()).root, "node_modules");
  const target = path.join(installRoot, "node_modules");
  const mapped = (p: unknown): string | undefined => {
    if (typeof p !== "string") return undefined;
    const rel = path.relative(vroot, p);
    return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : path.join(target, rel);
  };
  const orig: Sys = {};
  for (const k of [
    "fileExists",
    "directoryExists",
    "readFile",
    "getDirectories",
    "readDirectory",
    "realpath",
    "getModifiedTime",
    "getFileSize",
  ]) {
    if (typeof sys[k] === "function") orig[k] = sys[k].bind(sys);
  }
  const either = (k: string, empty: (v: unknown) => boolean) =>
    function (p: unknown, ...rest: unknown[]) {
      const v = orig[k](p, ...rest);
      const m = mapped(p);
      return empty(v) && m ? orig[k](m, ...rest) : v;
    };
  sys.fileExists = either("fileExists", (v) => !v);
  sys.directoryExists = (p: unknown, ...rest: unknown[]) =>
    p === vroot || either("directoryExists", (v) => !v)(p, ...rest);
  sys.readFile = either("readFile", (v) => v === undefined);
  if (orig.getModifiedTime) sys.getModifiedTime = either("getModifiedTime", (v) => v === undefined);
  if (orig.getFileSize) sys.getFileSize = either("getFileSize", (v) => !v);
  if (orig.realpath) {
    sys.realpath = (p: unknown) => {
      const m = mapped(p);
      return m && !fs.existsSync(p as string) && fs.existsSync(m)
        ? orig.realpath(m)
        : orig.realpath(p);
    };
  }
  const union = (k: string) =>
    function (p: unknown, ...rest: unknown[]) {
      const m = mapped(p);
      const a: string[] = orig[k](p, ...rest) ?? [];
      return m ? [...new Set([...a, ...(orig[k](m, ...rest) ?? [])])] : a;
    };
  sys.getDirectories = union("getDirectories");
  if (orig.readDirectory) sys.readDirectory = union("readDirectory");
}

// ---- 4. cells: short errors, ESM-only packages ------------------------------------------------

const cells = new Map<number, CellRecord>();
let cellSeq = 0;
const KEEP_CELLS = 500;

/** Called by the patched executor with each cell's source and compiled code; names its file. */
function cellFile(src: string, output: string): string {
  const n = execution.getStore()?.count ?? ++cellSeq + 100000;
  cells.delete(n);
  cells.set(n, { label: n, src, output });
  if (cells.size === 1) setImmediate(writeCompileCache); // after the first cell: see compile-cache.ts
  if (cells.size > KEEP_CELLS) cells.delete(cells.keys().next().value as number);
  return `${CELL_FILE_PREFIX}${n}`;
}

/** Called by the patched executor instead of `console.error(e)` when a cell throws. */
function cellError(err: unknown, cellConsole: Console): void {
  try {
    const note = patchReport();
    if (note) cellConsole.error(note);
    if (process.env.BESSELBOOK_STACK === "1") {
      cellConsole.error(err);
      return;
    }
    cellConsole.error(shortError(err, cells, execution.getStore()?.count));
  } catch {
    cellConsole.error(err);
  }
}

type Exports = string | null | Exports[] | { [k: string]: Exports };

/** Target of `sub` ("." or "./x") in an `exports` map under the conditions node/import/default. */
export function exportsTarget(exp: Exports, sub: string): string | undefined {
  const conditions = ["node", "import", "default"];
  const pick = (e: Exports): string | undefined => {
    if (typeof e === "string") return e;
    if (Array.isArray(e)) {
      for (const x of e) {
        const t = pick(x);
        if (t) return t;
      }
      return undefined;
    }
    if (!e) return undefined;
    for (const [k, v] of Object.entries(e)) if (conditions.includes(k)) return pick(v) ?? undefined;
    return undefined;
  };
  if (typeof exp === "string" || Array.isArray(exp)) return sub === "." ? pick(exp) : undefined;
  if (!exp) return undefined;
  const keys = Object.keys(exp);
  if (!keys.some((k) => k.startsWith("."))) return sub === "." ? pick(exp) : undefined;
  return exp[sub] !== undefined ? pick(exp[sub]) : undefined;
}

/**
 * require() of a package whose `exports` offers only `import` fails with
 * ERR_PACKAGE_PATH_NOT_EXPORTED although Node 20.19+ can require() the ES module itself. We retry
 * such bare specifiers with the `import` condition (no subpath patterns) and require the file.
 */
function esmFallback(): void {
  const M = Module as unknown as { _resolveFilename: (...a: any[]) => string };
  const orig = M._resolveFilename;
  M._resolveFilename = function (request: string, parent: any, ...rest: any[]) {
    try {
      return orig.call(this, request, parent, ...rest);
    } catch (e) {
      if (
        (e as { code?: string }).code !== "ERR_PACKAGE_PATH_NOT_EXPORTED" ||
        /^[./]/.test(request)
      )
        throw e;
      const m = /^((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(request);
      if (!m) throw e;
      const paths: string[] = (Module as any)._nodeModulePaths(
        parent?.filename ? path.dirname(parent.filename) : process.cwd(),
      );
      for (const dir of paths) {
        const pkgFile = path.join(dir, m[1], "package.json");
        if (!fs.existsSync(pkgFile)) continue;
        const t = exportsTarget(
          JSON.parse(fs.readFileSync(pkgFile, "utf8")).exports ?? null,
          m[2] ? "." + m[2] : ".",
        );
        if (t && t.startsWith("./")) return path.join(dir, m[1], t);
        break;
      }
      throw e;
    }
  };
}

function installCells(): void {
  (globalThis as any).__besselbookCellFile = cellFile;
  (globalThis as any).__besselbookCellError = cellError;
  installTslabPatches();
  esmFallback();
}

// ---- install ---------------------------------------------------------------------------------

// Worker threads inherit `--require`: a cell's workers (parallelSeeds) must not install any of
// this.
if (isMainThread) install();

function install(): void {
  try {
    installCompileCache(path.join(installRoot, ".besselbook", "cache", "v8"));
    watchParent();
    process.on("uncaughtException", onUncaught);
    process.on("unhandledRejection", onRejection);
    resolveFromProject();
    if (process.env.BESSELBOOK_TSLAB_PATCHES !== "0") installCells();
    setImmediate(patchTslab);
    if (process.env.BESSELBOOK_TSLAB_PATCHES === "0") setImmediate(writeCompileCache);
  } catch {
    /* never stop the kernel */
  }
}
