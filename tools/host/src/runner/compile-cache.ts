/**
 * V8 code cache for the TypeScript compiler that tslab loads (issue #20, kernel cost). Node 22's
 * `module.enableCompileCache()` does this for every module; this project supports Node 20, where
 * it does not exist, so the kernel preload does it for the one file that matters: tslab's
 * TypeScript 5.0 fork (`@tslab/typescript-for-tslab/lib/typescript.js`, 8 MB of JavaScript that
 * every kernel compiles at start and then lazily, function by function, while building its first
 * program and checking its first cell).
 *
 * The first kernel compiles it as usual and, after its first cell has run, stores V8's cached
 * data (which then also covers the functions compiled lazily so far) in
 * `.besselbook/cache/v8/`; later kernels hand that to `vm.Script`, and V8 checks it against the
 * source and its own version/flags (a mismatch is rejected and the file is rewritten). The key
 * names the Node version, V8 version, file path, size and mtime. `BESSELBOOK_COMPILE_CACHE=0`
 * switches it off. Nothing here may throw into the kernel: any failure falls back to Node's loader.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import Module = require("module");
import * as path from "path";
import * as vm from "vm";

const TARGET = "/@tslab/typescript-for-tslab/lib/typescript.js";

interface Pending {
  script: vm.Script;
  file: string;
}

let pending: Pending | undefined;
let installed = false;

/**
 * What happened, for tests and the bench: "off", "miss" (compiled, cache to be written), "hit",
 * "rejected".
 */
export const compileCacheState = { status: "off" as "off" | "miss" | "hit" | "rejected", file: "" };

function cacheFile(dir: string, filename: string): string {
  const st = fs.statSync(filename);
  const key = crypto
    .createHash("sha256")
    .update(
      [process.version, process.versions.v8, process.arch, filename, st.size, st.mtimeMs].join(
        "\0",
      ),
    )
    .digest("hex")
    .slice(0, 24);
  return path.join(dir, `typescript-${key}.bin`);
}

/** A `require` for a module compiled here, like the one Node's loader gives a CommonJS module. */
function makeRequire(mod: any): NodeRequire {
  const M = Module as any;
  const req = ((id: string) => mod.require(id)) as NodeRequire;
  req.resolve = ((request: string, options?: { paths?: string[] }) =>
    M._resolveFilename(request, mod, false, options)) as NodeRequire["resolve"];
  req.resolve.paths = (request: string) => M._resolveLookupPaths(request, mod);
  req.main = require.main;
  req.extensions = M._extensions;
  req.cache = M._cache;
  return req;
}

/** Hook Node's CommonJS loader for tslab's TypeScript; `dir` holds the cache files. Idempotent. */
export function installCompileCache(dir: string): void {
  if (installed || process.env.BESSELBOOK_COMPILE_CACHE === "0") return;
  installed = true;
  const exts = (Module as unknown as { _extensions: Record<string, (m: any, f: string) => void> })
    ._extensions;
  const orig = exts[".js"];
  exts[".js"] = function (mod: any, filename: string) {
    if (!filename.split(path.sep).join("/").endsWith(TARGET)) return orig.call(this, mod, filename);
    let script: vm.Script;
    let file: string;
    let cached: Buffer | undefined;
    try {
      file = cacheFile(dir, filename);
      try {
        cached = fs.readFileSync(file);
      } catch {
        cached = undefined;
      }
      const source = fs.readFileSync(filename, "utf8").replace(/^#!.*/, "");
      script = new vm.Script(Module.wrap(source), { filename, cachedData: cached });
    } catch {
      return orig.call(this, mod, filename);
    }
    compileCacheState.file = file;
    if (cached && !script.cachedDataRejected) compileCacheState.status = "hit";
    else {
      compileCacheState.status = cached ? "rejected" : "miss";
      pending = { script, file };
    }
    const fn = script.runInThisContext({ displayErrors: true });
    fn.call(mod.exports, mod.exports, makeRequire(mod), mod, filename, path.dirname(filename));
  };
}

/**
 * Store the cached data if this kernel compiled TypeScript itself. Called after the first cell
 * (so the functions compiled lazily while building the program and checking a cell are included);
 * written to a temporary file and renamed, so concurrent kernels never read half a file.
 */
export function writeCompileCache(): void {
  const p = pending;
  pending = undefined;
  if (!p) return;
  try {
    const data = p.script.createCachedData();
    fs.mkdirSync(path.dirname(p.file), { recursive: true });
    const tmp = `${p.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, p.file);
  } catch {
    /* a cache is optional */
  }
}
