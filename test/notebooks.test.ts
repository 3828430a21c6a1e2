/**
 * Re-execute every notebooks/*.ipynb headlessly through the besselbook kernel in smoke mode.
 * Notebooks are discovered when this file loads, so a new notebook gets a test without edits here.
 * Figures/results go under .besselbook/smoke (git-ignored) so tests never touch committed files.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { runNotebook } from "besselbook-host/dist/runner";
import type { RunResult } from "besselbook-host/dist/runner";

const ROOT = path.resolve(__dirname, "..", "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const OUT = path.join(ROOT, ".besselbook", "smoke");
/** Per-cell limit: smoke-mode cells train for seconds, so minutes means a hang. */
const CELL_TIMEOUT_S = Number(process.env.BESSELBOOK_CELL_TIMEOUT ?? 300);

/** Notebooks run this many at a time (one kernel each); default: the number of cores, at most 2. */
const JOBS = Math.max(1, Number(process.env.BESSELBOOK_TEST_JOBS ?? Math.min(2, os.cpus().length)));

const notebooks = fs.existsSync(NOTEBOOKS)
  ? fs
      .readdirSync(NOTEBOOKS)
      .filter((f) => f.endsWith(".ipynb") && !f.startsWith("."))
      .sort()
  : [];

describe("notebooks (smoke mode)", function () {
  this.timeout(15 * 60 * 1000);
  // Runs start in `before` (only when this suite is selected) through a pool of JOBS kernels;
  // each test awaits its own notebook, so results are still reported one test per notebook.
  const runs = new Map<string, Promise<RunResult>>();
  const original = new Map<string, Buffer>();
  before(() => {
    let next = 0;
    const waiters = new Map<string, (r: Promise<RunResult>) => void>();
    for (const name of notebooks)
      runs.set(name, new Promise((resolve) => waiters.set(name, resolve)));
    const worker = async () => {
      while (next < notebooks.length) {
        const name = notebooks[next++]!;
        const file = path.join(NOTEBOOKS, name);
        original.set(name, fs.readFileSync(file));
        const p = runNotebook(file, {
          mode: "smoke",
          out: OUT,
          timeoutS: CELL_TIMEOUT_S,
          displayPath: path.join("notebooks", name),
        });
        waiters.get(name)!(p);
        await p.catch(() => undefined);
      }
    };
    for (let k = 0; k < JOBS; k++) void worker();
  });
  for (const name of notebooks) {
    it(name, async () => {
      const file = path.join(NOTEBOOKS, name);
      const r = await runs.get(name)!;
      if (!r.ok) assert.fail(r.failure!.message);
      // The first thing a smoke run prints says its numbers are not results (issue: smoke mode says
      // so).
      const firstText = r.cells
        .flatMap((c) => c.outputs)
        .map((o) => (o as { text?: string | string[] }).text)
        .find((t) => t !== undefined);
      assert.match(
        Array.isArray(firstText) ? firstText.join("") : String(firstText),
        /^⚠ smoke mode: tiny budgets/,
        `${name}: no smoke banner before other output`,
      );
      // A smoke run must never rewrite the committed notebook.
      assert.ok(
        fs.readFileSync(file).equals(original.get(name)!),
        `${name} changed on disk during a smoke run`,
      );
      console.log(
        `      ${name}: ${(r.timings.totalMs / 1000).toFixed(1)} s (kernel start ${(r.timings.startMs / 1000).toFixed(1)} s, ${r.cells.length} cells)`,
      );
    });
  }
});
