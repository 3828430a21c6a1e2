/**
 * The `besselbook` kernelspec: what JupyterLab runs and what the headless runner runs by default,
 * built by one function so the two cannot drift apart.
 *
 * Kernelspec format: jupyter_client docs, "Kernel specs" (kernel.json with argv, display_name,
 * language, interrupt_mode, env, metadata). Search order mirrors jupyter_core.paths.jupyter_path():
 * JUPYTER_PATH entries, the user data dir (or JUPYTER_DATA_DIR), then the system dirs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { atomicWrite } from "besselbook/kernel/io";
import { BesselbookError } from "besselbook/errors";

export const KERNEL_NAME = "besselbook";
export const KERNEL_DISPLAY_NAME = "TypeScript (besselbook)";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: "signal" | "message";
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** A kernelspec found on disk, with the directory it lives in (for `{resource_dir}`). */
export interface InstalledKernelSpec {
  name: string;
  resourceDir: string;
  spec: KernelSpec;
}

/**
 * The checkout this host package is installed in: tools/host/dist/runner → ../../../.. (the
 * folder holding the workspace package.json, node_modules/tslab and the kernel preload). Fixed by
 * where this file is, whatever the working directory — unlike the library's repoRoot(), which
 * looks from the working directory first (the repository whose notebooks/results a process is
 * working on). The two differ when a command runs inside another checkout (test/paths.test.ts).
 */
export function installRoot(): string {
  return path.resolve(__dirname, "..", "..", "..", "..");
}

/** Absolute path of the project-local tslab entry script (node_modules/tslab/bin/tslab). */
export function tslabEntry(root = installRoot()): string {
  let pkg: string;
  try {
    pkg = require.resolve("tslab/package.json", { paths: [root] });
  } catch {
    throw new BesselbookError(
      `tslab is not installed under ${root}/node_modules; expected the project's devDependency tslab (run npm install)`,
    );
  }
  return path.join(path.dirname(pkg), "bin", "tslab");
}

/** Absolute path of the kernel preload (parent watch, callback errors, type resolution). */
export function kernelPreload(root = installRoot()): string {
  return path.join(root, "tools", "host", "dist", "runner", "kernel-preload.js");
}

/**
 * The besselbook kernelspec. argv is `node --require <preload> <abs tslab> kernel --config-path
 * {connection_file}`: what `tslab install` writes (tslab/python/install.py) except that the node
 * binary and tslab are absolute, so JupyterLab started from any PATH/cwd runs this project's tslab
 * and Node, and that kernel-preload.js is loaded first (it makes the kernel exit when its parent
 * dies, reports errors thrown by callbacks after their cell ended, and lets notebooks outside the
 * checkout type-check against the project). env makes the kernel see the project (module
 * resolution and the repo root for outputs).
 */
export function kernelSpec(root = installRoot()): KernelSpec {
  return {
    argv: [
      process.execPath,
      "--require",
      kernelPreload(root),
      tslabEntry(root),
      "kernel",
      "--config-path",
      "{connection_file}",
    ],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
    // tslab installs a SIGINT handler that interrupts the running cell (vm breakOnSigint).
    interrupt_mode: "signal",
    env: {
      BESSELBOOK_ROOT: root,
      NODE_PATH: path.join(root, "node_modules"),
    },
    metadata: { debugger: false },
  };
}

/** The per-user Jupyter data directory (jupyter_core.paths.jupyter_data_dir). */
export function jupyterDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  const home = env.HOME || env.USERPROFILE || os.homedir();
  if (platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (platform === "win32") {
    const appdata = env.APPDATA;
    return appdata ? path.join(appdata, "jupyter") : path.join(home, ".jupyter", "data");
  }
  const xdg = env.XDG_DATA_HOME || path.join(home, ".local", "share");
  return path.join(xdg, "jupyter");
}

/** Every directory Jupyter searches for `kernels/<name>/kernel.json`, highest priority first. */
export function jupyterPaths(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string[] {
  const dirs: string[] = [];
  if (env.JUPYTER_PATH) dirs.push(...env.JUPYTER_PATH.split(path.delimiter).filter(Boolean));
  dirs.push(jupyterDataDir(env, platform));
  if (platform === "win32") {
    if (env.PROGRAMDATA) dirs.push(path.join(env.PROGRAMDATA, "jupyter"));
  } else {
    dirs.push("/usr/local/share/jupyter", "/usr/share/jupyter");
  }
  return [...new Set(dirs.map((d) => path.resolve(d)))];
}

/**
 * Write the besselbook kernelspec to `<data dir>/kernels/besselbook/kernel.json`; returns the dir.
 */
export function installKernelSpec(opts: { dataDir?: string; root?: string } = {}): string {
  const dir = path.join(opts.dataDir ?? jupyterDataDir(), "kernels", KERNEL_NAME);
  atomicWrite(path.join(dir, "kernel.json"), JSON.stringify(kernelSpec(opts.root), null, 1) + "\n");
  // The kernel's logo in JupyterLab's launcher (generated by scripts/make-logo.js).
  const logos = path.join(
    path.dirname(require.resolve("besselbook/package.json")),
    "assets",
    "logo",
  );
  for (const f of ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]) {
    if (fs.existsSync(path.join(logos, f)))
      atomicWrite(path.join(dir, f), fs.readFileSync(path.join(logos, f)));
  }
  return dir;
}

/** All kernelspecs on the search path; the first directory holding a name wins (as in Jupyter). */
export function listKernelSpecs(env: NodeJS.ProcessEnv = process.env): InstalledKernelSpec[] {
  const found = new Map<string, InstalledKernelSpec>();
  for (const base of jupyterPaths(env)) {
    const kdir = path.join(base, "kernels");
    let names: string[];
    try {
      names = fs.readdirSync(kdir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (found.has(name)) continue;
      const file = path.join(kdir, name, "kernel.json");
      let spec: KernelSpec;
      try {
        spec = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch {
        continue; // not a kernelspec dir (or unreadable): Jupyter skips these too
      }
      if (!Array.isArray(spec.argv) || spec.argv.length === 0) continue;
      found.set(name, { name, resourceDir: path.join(kdir, name), spec });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Look up an installed kernelspec by name; the error lists the kernels that do exist. */
export function findKernelSpec(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): InstalledKernelSpec {
  const all = listKernelSpecs(env);
  const hit = all.find((k) => k.name === name);
  if (hit) return hit;
  const have = all.length ? all.map((k) => `${k.name} (${k.resourceDir})`).join(", ") : "none";
  throw new BesselbookError(
    `no kernelspec named "${name}"; installed kernels: ${have}. Searched ${jupyterPaths(env)
      .map((d) => path.join(d, "kernels"))
      .join(", ")}`,
  );
}
