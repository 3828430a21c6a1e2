/**
 * `node tools/host/dist/book/cli.js <command>` (root scripts `npm run workshop`,
 * `npm run book:html`):
 *
 *   workshop [--check] [--notebooks DIR]   write notebooks/workshop/*.ipynb (student copies);
 *                                          --check writes nothing and exits 1 if any is stale
 *   html [--out DIR] [--notebooks DIR] [--figures DIR] [--strict-math]
 *                                          build the static book (default out: site/);
 *                                          --strict-math exits 1 when KaTeX can't parse a formula
 *
 * Exit codes: 0 ok, 1 check failed, 2 usage or input error.
 */
import * as path from "path";
import { installRoot } from "../runner/kernelspec";
import { buildSite } from "./html";
import { buildWorkshop, workshopStatus } from "./workshop";

const USAGE = `usage:
  book workshop [--check] [--notebooks DIR]
  book html [--out DIR] [--notebooks DIR] [--figures DIR] [--strict-math]`;

class UsageError extends Error {}

function parseFlags(
  argv: string[],
  valued: string[],
  bools: string[],
): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.includes("=")
      ? [argv[i]!.slice(0, argv[i]!.indexOf("=")), argv[i]!.slice(argv[i]!.indexOf("=") + 1)]
      : [argv[i]!, undefined];
    if (bools.includes(flag)) out[flag] = true;
    else if (valued.includes(flag)) {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      out[flag] = v;
    } else throw new UsageError(`unknown argument ${argv[i]}`);
  }
  return out;
}

const rel = (p: string) => path.relative(process.cwd(), p) || ".";

function workshop(argv: string[]): number {
  const f = parseFlags(argv, ["--notebooks"], ["--check"]);
  const dir = path.resolve(String(f["--notebooks"] ?? path.join(installRoot(), "notebooks")));
  if (f["--check"]) {
    const entries = workshopStatus(dir);
    const bad = entries.filter((e) => e.state !== "ok");
    for (const e of entries)
      console.log(
        `${e.state === "ok" ? "✓" : "✗"} ${rel(e.copy)}: ${e.state}${e.state === "ok" ? ` (${e.stubs} solution stub${e.stubs === 1 ? "" : "s"})` : ""}`,
      );
    if (bad.length)
      console.error(
        `${bad.length} workshop cop${bad.length === 1 ? "y is" : "ies are"} out of date; run npm run workshop`,
      );
    return bad.length ? 1 : 0;
  }
  const entries = buildWorkshop(dir);
  for (const e of entries) {
    const what = {
      ok: "up to date",
      stale: "rewritten",
      missing: "written",
      orphan: "removed (source notebook is gone)",
    }[e.state];
    console.log(
      `${rel(e.copy)}: ${what}${e.state === "orphan" ? "" : ` (${e.stubs} solution stub${e.stubs === 1 ? "" : "s"})`}`,
    );
  }
  return 0;
}

function html(argv: string[]): number {
  const f = parseFlags(argv, ["--out", "--notebooks", "--figures"], ["--strict-math"]);
  const root = installRoot();
  const report = buildSite({
    notebooksDir: String(f["--notebooks"] ?? path.join(root, "notebooks")),
    outDir: String(f["--out"] ?? path.join(root, "site")),
    figuresRoot: f["--figures"] === undefined ? undefined : String(f["--figures"]),
  });
  for (const p of report.pages) {
    console.log(
      `${rel(path.join(report.outDir, p.file))}: ${p.math} formulas, ${p.charts} charts (${p.chartsLinked} linked to figure files), ${p.figures.length} figure files` +
        (p.executed ? "" : " — no saved outputs"),
    );
  }
  for (const m of report.mathProblems)
    console.error(
      `warning: ${m.notebook}: KaTeX cannot render ${m.display ? "$$" : "$"}${m.tex}${m.display ? "$$" : "$"}: ${m.message}`,
    );
  console.log(
    `index: ${rel(path.join(report.outDir, "index.html"))} (${report.pages.length} notebooks)`,
  );
  return f["--strict-math"] && report.mathProblems.length ? 1 : 0;
}

/** Entry point; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === "workshop") return workshop(rest);
    if (cmd === "html") return html(rest);
    if (cmd === "-h" || cmd === "--help" || cmd === "help") {
      console.log(USAGE);
      return 0;
    }
    throw new UsageError(cmd === undefined ? "missing command" : `unknown command "${cmd}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`book: ${e.message}\n${USAGE}`);
      return 2;
    }
    console.error(`book: ${(e as Error).message}`);
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
