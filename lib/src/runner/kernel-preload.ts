/**
 * Loaded into every besselbook kernel process before tslab (`node --require <this file> tslab
 * kernel …`, see kernelspec.ts), so JupyterLab and the headless runner get the same three fixes:
 *
 * 1. Parent watch. The kernel runs detached in its own process group and tslab has no parent
 *    watch, so a runner killed with SIGKILL (OOM killer, CI hard timeout) used to leave its kernel
 *    running forever. Like ipykernel's ParentPollerUnix, we poll the parent pid; when the process
 *    that started us is gone we delete the connection file (it holds the signing key), kill our
 *    own process group (cells may have started children) and exit.
 *
 * 2. Errors after a cell ended. tslab prints uncaught exceptions and unhandled rejections to
 *    whichever cell's stream is current and the reply still says "ok", so a throwing timer showed
 *    up in the *next* cell and a rejection left no trace. We tag every execution with an
 *    AsyncLocalStorage context (its execution count), and report such errors as one line
 *    `[besselbook] <what> (from the cell run as [N]): <error>` that the runner recognises
 *    (run.ts, CALLBACK_ERROR) to fail the run and name cell N.
 *
 * 3. Notebooks outside the checkout. tslab type-checks cells from the kernel's working directory
 *    (the notebook's folder), so outside the project neither @types/node ("Cannot find name
 *    'console'") nor `besselbook` resolves. There we let TypeScript fall back to the project's
 *    node_modules for modules and types it cannot find from the notebook's folder. At run time
 *    NODE_PATH (kernelspec env) already does the same for require().
 *
 * Plain Node built-ins only, and nothing here may throw: a broken preload must not stop a kernel.
 */
import { AsyncLocalStorage } from "async_hooks";
import * as fs from "fs";
import * as path from "path";
import * as util from "util";

/** Prefix of the line the runner parses; keep in sync with CALLBACK_ERROR in run.ts. */
export const CALLBACK_MARK = "[besselbook]";

const projectRoot = path.resolve(__dirname, "..", "..", "..");

function configPath(): string | undefined {
  const argv = process.argv;
  const i = argv.indexOf("--config-path");
  if (i >= 0 && argv[i + 1]) return path.resolve(argv[i + 1]);
  const inline = argv.find((a) => a.startsWith("--config-path="));
  return inline ? path.resolve(inline.slice("--config-path=".length)) : undefined;
}

/** Our process group id on Linux (field 5 of /proc/self/stat), else undefined. */
function processGroup(): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  } catch {
    return undefined;
  }
}

// ---- 1. parent watch -------------------------------------------------------------------------

/** The runner passes its pid, so a parent that died before this line ran is still noticed. */
const expectedParent = Number(process.env.BESSELBOOK_PARENT_PID) || process.ppid;
const POLL_MS = 500;

function orphaned(): void {
  const conn = configPath();
  if (conn) {
    try {
      fs.rmSync(conn, { force: true });
      // The runner's private temp dir (besselbook-kernel-XXXXXX) held only this file.
      if (path.basename(path.dirname(conn)).startsWith("besselbook-kernel-")) fs.rmdirSync(path.dirname(conn));
    } catch {
      /* best effort */
    }
  }
  try {
    // Only when we lead our group (the runner and jupyter_client start kernels that way): then
    // -pid is exactly us and whatever the cells started, never an unrelated group.
    if (processGroup() === process.pid) process.kill(-process.pid, "SIGKILL");
  } catch {
    /* not permitted or gone: fall through to exit */
  }
  process.exit(129);
}

function watchParent(): void {
  if (process.env.BESSELBOOK_KERNEL_WATCHDOG === "0") return;
  if (process.ppid !== expectedParent) return orphaned();
  setInterval(() => {
    if (process.ppid !== expectedParent) orphaned();
  }, POLL_MS).unref();
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
    const Handler = (mod.exports as { JupyterHandlerImpl?: { prototype: Record<string, unknown> } }).JupyterHandlerImpl;
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
      if (l !== ours && /UncaughtException:|UnhandledPromiseRejection:/.test(String(l))) process.removeListener(event, l);
    }
  }
}

// ---- 3. type-checking outside the checkout -------------------------------------------------

function insideProject(dir: string): boolean {
  const rel = path.relative(projectRoot, dir);
  return !rel.startsWith("..") && !path.isAbsolute(rel);
}

type TsLike = {
  createWatchCompilerHost: (...a: unknown[]) => Record<string, unknown>;
  resolveModuleName: (name: string, file: string, opts: unknown, host: unknown, cache?: unknown, redirected?: unknown) => { resolvedModule?: unknown };
};

function resolveFromProject(): void {
  const tslabBin = process.argv[1];
  if (!tslabBin || insideProject(process.cwd())) return;
  let ts: TsLike;
  try {
    // The TypeScript fork tslab loads (same path → same module instance, patched before use).
    ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(fs.realpathSync(tslabBin))] }));
  } catch {
    return;
  }
  const types = path.join(projectRoot, "node_modules", "@types");
  const anchor = path.join(projectRoot, "__besselbook_resolve__.ts");
  const orig = ts.createWatchCompilerHost;
  ts.createWatchCompilerHost = function (this: unknown, ...args: unknown[]) {
    const [rootFiles, options] = args as [unknown, { typeRoots?: string[] } | undefined];
    if (Array.isArray(rootFiles) && options) {
      const roots = options.typeRoots ?? [];
      if (!roots.some((r) => fs.existsSync(path.join(r, "node", "package.json")))) args[1] = { ...options, typeRoots: [...roots, types] };
    }
    const host = orig.apply(this, args);
    if (Array.isArray(rootFiles)) {
      // Resolve as usual first; only what the notebook's folder cannot resolve comes from the project.
      host.resolveModuleNames = (names: string[], containing: string, _reused: unknown, redirected: unknown, opts: unknown) =>
        names.map((n) => ts.resolveModuleName(n, containing, opts, host, undefined, redirected).resolvedModule ?? ts.resolveModuleName(n, anchor, opts, host, undefined, redirected).resolvedModule);
    }
    return host;
  };
}

// ---- install ---------------------------------------------------------------------------------

try {
  watchParent();
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onRejection);
  resolveFromProject();
  setImmediate(patchTslab);
} catch {
  /* never stop the kernel */
}
