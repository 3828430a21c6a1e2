/**
 * Where figures/ and results/ go.
 *
 * BESSELBOOK_OUT (absolute, or relative to the working directory) wins. Otherwise:
 *  - smoke mode writes into <repo>/.besselbook/smoke/ (git-ignored), so `npm test` never
 *    changes committed files;
 *  - a workshop copy (the kernel's working directory is notebooks/workshop/, as Jupyter and the
 *    runner start kernels in the notebook's folder) writes into notebooks/workshop/out/
 *    (git-ignored), so students' runs never overwrite the repository's figures and results;
 *  - otherwise full mode writes into the repository root, so committed figures and results are
 *    refreshed.
 * Read on every call: the runner and tests set the environment per run.
 */
import * as fs from "fs";
import * as path from "path";
import { mode } from "./mode";
import { currentNotebook } from "./session";

function isRepoRoot(dir: string): boolean {
  const pj = path.join(dir, "package.json");
  if (!fs.existsSync(pj)) return false;
  try {
    const ws = (JSON.parse(fs.readFileSync(pj, "utf8")) as { workspaces?: unknown }).workspaces;
    const list = Array.isArray(ws)
      ? ws
      : ws && typeof ws === "object" && Array.isArray((ws as { packages?: unknown }).packages)
        ? (ws as { packages: unknown[] }).packages
        : [];
    return list.some(
      (w) => typeof w === "string" && w.replace(/^\.\//, "").replace(/\/$/, "") === "lib",
    );
  } catch {
    return false;
  }
}

function walkUp(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (isRepoRoot(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The besselbook repository root: the directory whose package.json has workspace "lib".
 *  Searched from the working directory first (notebooks/ or the repo), then from this file
 *  (lib/dist/kernel → ../../..), so an installed copy used from elsewhere still finds it. */
export function repoRoot(): string {
  const found = walkUp(process.cwd()) ?? walkUp(path.resolve(__dirname, "..", "..", ".."));
  if (!found) {
    throw new Error(
      `besselbook: cannot find the repository root (a package.json with workspaces ["lib"]) above ${process.cwd()} or ${__dirname}; set BESSELBOOK_OUT`,
    );
  }
  return found;
}

/** Root directory for figures/ and results/ (see module comment). */
export function outRoot(): string {
  const env = process.env.BESSELBOOK_OUT;
  if (env !== undefined && env.trim() !== "") return path.resolve(process.cwd(), env);
  const root = repoRoot();
  if (mode() === "smoke") return path.join(root, ".besselbook", "smoke");
  const workshop = path.join(root, "notebooks", "workshop");
  const rel = path.relative(workshop, path.resolve(process.cwd()));
  if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel)))
    return path.join(workshop, "out");
  return root;
}

/** Stem (no extension) for a figure: a bare name goes to figures/<notebook>/<name>; a name with
 *  a path separator is resolved against the working directory and used as is. */
export function figurePath(name: string): string {
  if (typeof name !== "string" || name.trim() === "") {
    throw new RangeError(
      `figure name: argument name = ${JSON.stringify(name)} is out of domain; expected a non-empty file name like "loss_curve"`,
    );
  }
  const stem = name.replace(/\.(svg|png)$/i, "");
  if (stem.includes("/") || stem.includes("\\") || path.isAbsolute(stem))
    return path.resolve(process.cwd(), stem);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stem)) {
    throw new RangeError(
      `figure name: argument name = ${JSON.stringify(name)} is out of domain; expected letters, digits, _ . - (no spaces)`,
    );
  }
  return path.join(outRoot(), "figures", currentNotebook("show(chart, { name })"), stem);
}

/** results/<notebook>.json under the output root. */
export function resultsPath(): string {
  return path.join(outRoot(), "results", `${currentNotebook("record()")}.json`);
}

/** A path for printing in notebook output: relative to the repository root (repoRoot()) when
 *  inside it, with "/" separators (committed outputs then carry no machine-specific prefix and
 *  read the same from any working directory), else absolute. Compare cwdRelativePath. */
export function repoRelativePath(file: string): string {
  let root: string | undefined;
  try {
    root = repoRoot();
  } catch {
    root = undefined;
  }
  if (root) {
    const rel = path.relative(root, file);
    if (rel && !rel.startsWith("..") && !path.isAbsolute(rel)) return rel.split(path.sep).join("/");
  }
  return file;
}

/** A path for a command's own messages (the runner's CLI): relative to the working directory
 *  when inside it, so it can be pasted back into the same shell, else absolute; separators as
 *  the platform writes them. Run from notebooks/, the file notebooks/00_tour.ipynb prints as
 *  "00_tour.ipynb" here but "notebooks/00_tour.ipynb" from repoRelativePath. */
export function cwdRelativePath(file: string): string {
  const rel = path.relative(process.cwd(), path.resolve(file));
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : path.resolve(file);
}
