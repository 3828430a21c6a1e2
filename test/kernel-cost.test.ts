/**
 * The kernel's cost cuts (issue #20.4) keep behaviour:
 * - the "one-build" tslab patch (one program rebuild per cell instead of two) compiles every cell
 *   of the conformance fixtures and of the tour notebook exactly as tslab without it does: same
 *   JavaScript, same declarations carried to later cells, same diagnostics and positions;
 * - the V8 compile cache for tslab's TypeScript is written by the first process and accepted by
 *   the next, and the compiler it loads works.
 * Timings are not asserted here (load-dependent); `npm run bench -- kernel` measures them.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import Module = require("node:module");
import * as os from "node:os";
import * as path from "node:path";
import { applyPatches, TSLAB_PATCHES, SourcePatch } from "besselbook-host/dist/runner/tslab-patch";

const ROOT = path.resolve(__dirname, "..", "..");

/** tslab's converter module compiled from source with the given patches (a fresh instance). */
function loadConverter(patches: SourcePatch[]): any {
  const file = require.resolve("tslab/dist/converter.js", { paths: [ROOT] });
  const r = applyPatches(file, fs.readFileSync(file, "utf8"), patches);
  assert.deepEqual(r.missing, []);
  const M = Module as any;
  const m = new M(file, module);
  m.filename = file;
  m.paths = M._nodeModulePaths(path.dirname(file));
  m._compile(r.source, file);
  return m.exports;
}

function codeCells(file: string): string[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  return nb.cells
    .filter((c: any) => c.cell_type === "code")
    .map((c: any) => (Array.isArray(c.source) ? c.source.join("") : c.source));
}

describe("kernel cost: one program rebuild per cell", function () {
  this.timeout(600000);
  const cwd = process.cwd();
  after(() => process.chdir(cwd));

  it("compiles the conformance fixtures and 00_tour exactly like tslab's two-build convert", () => {
    process.chdir(path.join(ROOT, "notebooks"));
    const withPatch = loadConverter(TSLAB_PATCHES);
    const without = loadConverter(TSLAB_PATCHES.filter((p) => !p.id.startsWith("one-build")));
    const a = withPatch.createConverter({ isJS: false, isBrowser: false });
    const b = without.createConverter({ isJS: false, isBrowser: false });
    try {
      const fix = path.join(ROOT, "test", "fixtures", "conformance");
      const notebooks = fs
        .readdirSync(fix)
        .filter((f) => f.endsWith(".ipynb"))
        .map((f) => path.join(fix, f));
      notebooks.push(path.join(ROOT, "notebooks", "00_tour.ipynb"));
      let cells = 0;
      let withDecls = 0;
      let withDiagnostics = 0;
      for (const nb of notebooks) {
        let prevA = "";
        let prevB = "";
        for (const src of codeCells(nb)) {
          const ra = a.convert(prevA, src);
          const rb = b.convert(prevB, src);
          assert.deepEqual(
            ra,
            rb,
            `${path.basename(nb)}: cell ${JSON.stringify(src.slice(0, 60))}`,
          );
          cells++;
          if (/\b(const|let|var|function|class)\s/.test(src)) withDecls++;
          if (ra.diagnostics.length > 0) withDiagnostics++;
          else {
            prevA = ra.declOutput ?? "";
            prevB = rb.declOutput ?? "";
          }
        }
      }
      // the comparison covered declaring cells and failing cells, not only trivial ones
      assert.ok(
        cells > 40 && withDecls > 20 && withDiagnostics > 0,
        `${cells} ${withDecls} ${withDiagnostics}`,
      );
    } finally {
      a.close();
      b.close();
    }
  });

  it("a patch that changed the cell's names would be caught (the comparison has power)", () => {
    process.chdir(path.join(ROOT, "notebooks"));
    // Wrong variant: parse the cell without binding it (no `locals`), so its declarations are
    // never exported to later cells.
    const wrong = TSLAB_PATCHES.map((p) =>
      p.id === "one-build"
        ? {
            ...p,
            replace: p.replace.replace(
              "ts.bindSourceFile(localsFile, builder.getCompilerOptions());",
              "",
            ),
          }
        : p,
    );
    const w = loadConverter(wrong).createConverter({ isJS: false, isBrowser: false });
    const b = loadConverter(
      TSLAB_PATCHES.filter((p) => !p.id.startsWith("one-build")),
    ).createConverter({
      isJS: false,
      isBrowser: false,
    });
    try {
      assert.notDeepEqual(w.convert("", "const x = 1;"), b.convert("", "const x = 1;"));
    } finally {
      w.close();
      b.close();
    }
  });
});

describe("kernel cost: V8 compile cache for tslab's TypeScript", function () {
  this.timeout(300000);
  it("the first process writes the cache, the next accepts it, and the compiler works", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "besselbook-v8cache-"));
    const probe = `
      const cc = require(${JSON.stringify(path.join(ROOT, "tools", "host", "dist", "runner", "compile-cache.js"))});
      cc.installCompileCache(${JSON.stringify(dir)});
      const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [${JSON.stringify(
        path.join(ROOT, "node_modules", "tslab"),
      )}] }));
      const out = ts.transpileModule("const a: number = 1; export { a };", { compilerOptions: { module: 1 } }).outputText;
      cc.writeCompileCache();
      console.log(JSON.stringify({ status: cc.compileCacheState.status, version: ts.version, out }));`;
    const run = () =>
      JSON.parse(execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" }));
    try {
      const first = run();
      assert.equal(first.status, "miss");
      assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith(".bin")).length, 1);
      const second = run();
      assert.equal(second.status, "hit");
      assert.equal(second.version, first.version);
      assert.equal(second.out, first.out);
      assert.match(second.out, /exports\.a = a/);
      // a corrupted cache is rejected by V8 and the compiler still loads
      const bin = path.join(
        dir,
        fs.readdirSync(dir).find((f) => f.endsWith(".bin"))!,
      );
      fs.writeFileSync(bin, Buffer.alloc(4096, 7));
      const third = run();
      assert.equal(third.status, "rejected");
      assert.equal(third.out, first.out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
