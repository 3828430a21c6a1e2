/**
 * Re-execute every notebooks/*.ipynb headlessly through the besselbook kernel in smoke mode.
 * Notebooks are discovered when this file loads, so a new notebook gets a test without edits here.
 * Figures/results go under .besselbook/smoke (git-ignored) so tests never touch committed files.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runNotebook } from "besselbook/dist/runner";

const ROOT = path.resolve(__dirname, "..", "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const OUT = path.join(ROOT, ".besselbook", "smoke");
/** Per-cell limit: smoke-mode cells train for seconds, so minutes means a hang. */
const CELL_TIMEOUT_S = Number(process.env.BESSELBOOK_CELL_TIMEOUT ?? 300);

const notebooks = fs.existsSync(NOTEBOOKS)
  ? fs
      .readdirSync(NOTEBOOKS)
      .filter((f) => f.endsWith(".ipynb") && !f.startsWith("."))
      .sort()
  : [];

describe("notebooks (smoke mode)", function () {
  this.timeout(10 * 60 * 1000);
  for (const name of notebooks) {
    it(name, async () => {
      const file = path.join(NOTEBOOKS, name);
      const before = fs.readFileSync(file);
      const r = await runNotebook(file, { mode: "smoke", out: OUT, timeoutS: CELL_TIMEOUT_S, displayPath: path.join("notebooks", name) });
      if (!r.ok) assert.fail(r.failure!.message);
      // A smoke run must never rewrite the committed notebook.
      assert.ok(fs.readFileSync(file).equals(before), `${name} changed on disk during a smoke run`);
      console.log(`      ${name}: ${(r.timings.totalMs / 1000).toFixed(1)} s (kernel start ${(r.timings.startMs / 1000).toFixed(1)} s, ${r.cells.length} cells)`);
    });
  }
});
