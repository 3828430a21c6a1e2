/**
 * Kernel conformance (issue #20): one fixture notebook per TypeScript feature in
 * test/fixtures/conformance (written by make-fixtures.py there), each run through the real kernel
 * (the besselbook kernelspec: tslab + kernel-preload.js) by the runner, as JupyterLab would run it.
 * Negative controls run the same fixtures with the tslab patches switched off
 * (BESSELBOOK_TSLAB_PATCHES=0) and show the failures tslab 1.0.22 has without them.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runNotebook, RunResult } from "besselbook-host/dist/runner";
import { applyPatches, TSLAB_PATCHES } from "besselbook-host/dist/runner/tslab-patch";
import { sourceLine } from "besselbook-host/dist/runner/cell-errors";
import { exportsTarget } from "besselbook-host/dist/runner/kernel-preload";

const ROOT = path.resolve(__dirname, "..", "..");
const FIX = path.join(ROOT, "test", "fixtures", "conformance");
// Inside the repo so the kernel finds the project's node_modules; our fixture package is copied
// into a node_modules of its own there.
const SCRATCH = path.join(ROOT, ".besselbook", "conformance", String(process.pid));

function prepare(): void {
  fs.mkdirSync(path.join(SCRATCH, "node_modules"), { recursive: true });
  for (const f of fs.readdirSync(FIX))
    if (f.endsWith(".ipynb")) fs.copyFileSync(path.join(FIX, f), path.join(SCRATCH, f));
  fs.cpSync(
    path.join(FIX, "packages", "import-only-demo"),
    path.join(SCRATCH, "node_modules", "import-only-demo"),
    { recursive: true },
  );
}

async function run(name: string, env: Record<string, string> = {}): Promise<RunResult> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    return await runNotebook(path.join(SCRATCH, `${name}.ipynb`), { mode: "smoke", timeoutS: 120 });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const stdout = (r: RunResult, id: string): string =>
  (r.notebook.cells.find((c) => c.id === id)?.outputs ?? [])
    .filter((o: any) => o.output_type === "stream" && o.name === "stdout")
    .map((o: any) => (Array.isArray(o.text) ? o.text.join("") : o.text))
    .join("");

const stderrOf = (r: RunResult, id: string): string =>
  r.cells.find((c) => c.id === id)?.stderr ?? "";

function assertOk(r: RunResult): void {
  assert.ok(r.ok, `expected the notebook to pass: ${JSON.stringify(r.failure)}`);
}

describe("kernel conformance: patch mechanics (no kernel)", () => {
  it("every patch finds its snippet in the installed tslab (an upgrade would show here)", () => {
    for (const file of new Set(TSLAB_PATCHES.map((p) => p.file))) {
      const full = require.resolve(file.replace(/\.js$/, ""), { paths: [ROOT] });
      const r = applyPatches(full, fs.readFileSync(full, "utf8"));
      const want = TSLAB_PATCHES.filter((p) => p.file === file).map((p) => p.id);
      assert.deepEqual(r.missing, [], `${file}: snippets not found`);
      assert.deepEqual(r.applied.sort(), want.sort());
    }
  });
  it("a changed file reports the patch as missing instead of half-applying it", () => {
    const r = applyPatches("/x/node_modules/tslab/dist/converter.js", "nothing to see");
    assert.deepEqual(r.missing.sort(), ["bundler", "one-build", "shorthand", "types-node"]);
    assert.equal(r.source, "nothing to see");
  });
  it("maps compiled lines back to the cell's lines, and says unknown rather than guess", () => {
    const src = "const y: number = 1;\nconsole.log(check(y));\ncheck(5);";
    const out =
      'Object.defineProperty(exports, "__esModule", { value: true });\nexports.y = void 0;\n' +
      "exports.y = 1;\nconsole.log(check(exports.y));\ncheck(5);\n";
    assert.equal(sourceLine(src, out, 3), 1);
    assert.equal(sourceLine(src, out, 4), 2);
    assert.equal(sourceLine(src, out, 5), 3);
    assert.equal(sourceLine(src, out, 1), undefined);
  });
  it("resolves exports maps with the import condition (strings, conditions, arrays, subpaths)", () => {
    assert.equal(exportsTarget({ ".": { types: "./i.d.ts", import: "./i.js" } }, "."), "./i.js");
    assert.equal(exportsTarget({ import: "./i.js", require: "./c.cjs" }, "."), "./i.js");
    assert.equal(exportsTarget("./m.js", "."), "./m.js");
    assert.equal(exportsTarget({ ".": [{ import: "./a.mjs" }, "./b.cjs"] }, "."), "./a.mjs");
    assert.equal(exportsTarget({ "./extra": { import: "./e.js" } }, "./extra"), "./e.js");
    assert.equal(exportsTarget({ "./extra": { import: "./e.js" } }, "./other"), undefined);
    assert.equal(exportsTarget({ ".": { browser: "./b.js" } }, "."), undefined);
  });
});

describe("kernel conformance: fixtures through the real kernel", function () {
  this.timeout(600_000);
  before(prepare);
  after(() => fs.rmSync(SCRATCH, { recursive: true, force: true }));

  it("shorthand properties name earlier-cell variables", async () => {
    const r = await run("shorthand");
    assertOk(r);
    assert.equal(stdout(r, "c2"), '{ acc: 0.93 }\n{"acc":0.93,"seeds":[0,1,2]}\n');
    // A parameter that shadows the earlier-cell variable keeps its own value.
    assert.equal(stdout(r, "c3"), '{"acc":5}\n');
  });
  it("negative control: without the patches the same cell fails as in tslab 1.0.22", async () => {
    const r = await run("shorthand", { BESSELBOOK_TSLAB_PATCHES: "0" });
    assert.equal(r.ok, false);
    assert.match(stderrOf(r, "c2"), /ReferenceError: acc is not defined/);
  });
  it("spread with shorthand, and shorthand destructuring assignment to earlier-cell variables", async () => {
    const r = await run("spread");
    assertOk(r);
    assert.equal(stdout(r, "c2"), '{"a":1,"acc":2}\n');
    assert.equal(stdout(r, "c3"), "5\n7\n");
  });
  it("destructuring declarations across cells", async () => {
    const r = await run("destructuring");
    assertOk(r);
    assert.equal(stdout(r, "c2"), "6 10 2\n");
  });
  it("classes, functions, enums and satisfies across cells", async () => {
    const r = await run("classes-functions");
    assertOk(r);
    assert.equal(stdout(r, "c2"), "2\n");
    assert.equal(stdout(r, "c4"), "1 0.1\n");
  });
  it("re-running a const cell (and redefining it)", async () => {
    const r = await run("rerun");
    assertOk(r);
    assert.deepEqual(
      ["c1", "c2", "c3"].map((id) => stdout(r, id)),
      ["1\n", "1\n", "3\n"],
    );
  });
  it("top-level await", async () => {
    const r = await run("toplevel-await");
    assertOk(r);
    assert.equal(stdout(r, "c2"), "42\n");
  });
  it("type errors name the cell-relative line and column", async () => {
    const r = await run("type-error");
    assert.equal(r.ok, false);
    assert.equal(r.failure?.cellId, "c2");
    assert.match(stderrOf(r, "c2"), /^3:7 - Type 'number' is not assignable to type 'string'\./m);
    assert.equal(stdout(r, "c3"), "");
  });
  it("packages typed only through an exports map (danfojs) type-check and run", async () => {
    const r = await run("exports-map");
    assertOk(r);
    assert.equal(stdout(r, "c2"), "3 a\n");
  });
  it("... and their types are real: a wrong type is a type error, not any", async () => {
    const r = await run("exports-map-typed");
    assert.equal(r.ok, false);
    assert.match(
      stderrOf(r, "c2"),
      /^2:7 - Type 'number\[\]' is not assignable to type 'string'\./m,
    );
  });
  it("negative control: without the patches danfojs' types are not found", async () => {
    const r = await run("exports-map", { BESSELBOOK_TSLAB_PATCHES: "0" });
    assert.equal(r.ok, false);
    assert.match(stderrOf(r, "c1"), /Cannot find module 'danfojs'/);
  });
  it("ESM-only packages: a real one (ansi-regex) and one whose exports offer only `import`", async () => {
    const r = await run("esm-only");
    assertOk(r);
    assert.equal(stdout(r, "c1"), "true\n");
    assert.equal(stdout(r, "c2"), "42 import-only-demo default extra subpath\n");
  });
  it("negative control: without the fallback the import-only package cannot be required", async () => {
    const r = await run("esm-only", { BESSELBOOK_TSLAB_PATCHES: "0" });
    assert.equal(r.ok, false);
    assert.match(
      stderrOf(r, "c2"),
      /ERR_PACKAGE_PATH_NOT_EXPORTED|No "exports" main|Cannot find module/,
    );
  });
  it("import type", async () => {
    const r = await run("import-type");
    assertOk(r);
    assert.equal(stdout(r, "c2"), "undefined\nnull\n");
  });
  it("generic functions and classes across cells", async () => {
    const r = await run("generics");
    assertOk(r);
    assert.equal(stdout(r, "c2"), "a 6\n");
  });
  it("a runtime error shows the error and the user's cells and lines, no kernel internals", async () => {
    const r = await run("runtime-error");
    assert.equal(r.ok, false);
    const err = stderrOf(r, "c2");
    assert.equal(stdout(r, "c2"), "1\n");
    assert.equal(
      err,
      "RangeError: too big: 5\n" +
        '    at line 2 of the cell run as [1]: if (x > 1) throw new RangeError("too big: " + x);\n' +
        "    at line 3 of this cell: check(5);\n" +
        "(BESSELBOOK_STACK=1 shows the full stack)\n",
    );
    assert.doesNotMatch(err, /node:internal|tslab|exports\./);
    assert.equal(stdout(r, "c3"), "");
  });
  it("... also after a top-level await, and for an error thrown inside a built-in", async () => {
    const a = await run("error-async");
    assert.equal(a.ok, false);
    assert.equal(
      stderrOf(a, "c1"),
      'TypeError: async 2\n    at line 3 of this cell: throw new TypeError("async " + v);\n' +
        "(BESSELBOOK_STACK=1 shows the full stack)\n",
    );
    const n = await run("error-native");
    assert.equal(n.ok, false);
    assert.match(
      stderrOf(n, "c1"),
      /^SyntaxError: .*JSON.*\n {4}at line 2 of this cell: const parsed = JSON.parse\(bad\);\n\(BESSELBOOK/,
    );
  });
  it("BESSELBOOK_STACK=1 restores the full stack", async () => {
    const r = await run("runtime-error", { BESSELBOOK_STACK: "1" });
    assert.equal(r.ok, false);
    const err = stderrOf(r, "c2");
    assert.match(err, /RangeError: too big: 5/);
    assert.match(err, /besselbook-cell-2:\d+:\d+/);
    assert.match(err, /node:internal|tslab/);
  });
});
