/**
 * Where things are looked up and how paths are printed (issue #21, deliverables 3 and 6):
 * - lib/package.json's exports map is the only way into the library besides its index: every
 *   listed subpath resolves (runtime and types), a path into lib/dist is refused, and no test, host
 *   file or notebook imports a subpath that is not listed.
 * - repoRelativePath (notebook output) and cwdRelativePath (the runner's messages) differ on the
 *   same input; the library's repoRoot() (working directory first) and the host's installRoot()
 *   (where the host package is) differ when the working directory is inside another checkout.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "besselbook";
import { cwdRelativePath, repoRelativePath } from "besselbook/kernel/paths";
import { installRoot } from "besselbook-host";

const root = repoRoot();
const libPkg = JSON.parse(fs.readFileSync(path.join(root, "lib", "package.json"), "utf8"));
const DEEP = "besselbook" + "/dist"; // spelled in two parts so this file does not match itself

/** Every file under dir (recursively) whose name ends in one of exts, skipping build output. */
function files(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!["node_modules", "dist", ".besselbook"].includes(e.name)) out.push(...files(p, exts));
    } else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

describe("paths: the library's public subpaths (exports map)", () => {
  const subpaths = Object.keys(libPkg.exports).filter((k) => k !== "." && k !== "./package.json");

  it("every exported subpath resolves to a built file and has a matching typesVersions entry", () => {
    assert.ok(subpaths.length >= 30, `${subpaths.length} subpaths`);
    const types = libPkg.typesVersions["*"];
    assert.deepEqual(Object.keys(types).sort(), subpaths.map((k) => k.slice(2)).sort());
    for (const k of subpaths) {
      const file = require.resolve(`besselbook/${k.slice(2)}`);
      assert.equal(file, path.join(root, "lib", libPkg.exports[k]), k);
      const dts = path.join(root, "lib", types[k.slice(2)][0]);
      assert.equal(dts, file.replace(/\.js$/, ".d.ts"), `${k}: types next to the code`);
      assert.ok(fs.existsSync(dts), dts);
    }
  });

  it("the index and package.json resolve; dist/ and unlisted modules are refused", () => {
    assert.equal(require.resolve("besselbook"), path.join(root, "lib", "dist", "index.js"));
    assert.equal(
      require.resolve("besselbook/package.json"),
      path.join(root, "lib", "package.json"),
    );
    for (const bad of [
      `${DEEP}/errors`,
      `${DEEP}/index.js`,
      "besselbook/kernel/io.js",
      "besselbook/linalg/svd",
    ]) {
      assert.throws(
        () => require.resolve(bad),
        (e: NodeJS.ErrnoException) => e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED",
        bad,
      );
    }
  });

  it("Stryker's sandbox resolver applies the same map to the sandbox's lib/ and refuses dist/", () => {
    // In a child process: the resolver patches Module._resolveFilename for the whole process.
    const script = [
      `require(${JSON.stringify(path.join(root, "stryker", "resolve-sandbox.js"))});`,
      "const out = {};",
      `for (const r of ["besselbook", "besselbook/kernel/paths", "besselbook/tensor/wasm", "besselbook/package.json", "${DEEP}/errors"]) {`,
      "  try { out[r] = require.resolve(r); } catch (e) { out[r] = e.code; }",
      "}",
      "console.log(JSON.stringify(out));",
    ].join("\n");
    const got = JSON.parse(
      execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" }),
    );
    assert.deepEqual(got, {
      besselbook: path.join(root, "lib", "dist", "index.js"),
      "besselbook/kernel/paths": path.join(root, "lib", "dist", "kernel", "paths.js"),
      "besselbook/tensor/wasm": path.join(root, "lib", "dist", "tensor", "wasm", "index.js"),
      "besselbook/package.json": path.join(root, "lib", "package.json"),
      [`${DEEP}/errors`]: "ERR_PACKAGE_PATH_NOT_EXPORTED",
    });
  });

  it("no test, host source or notebook reaches into dist/ or a subpath the map does not list", () => {
    const listed = new Set(
      Object.keys(libPkg.exports).map((k) =>
        k === "." ? "besselbook" : `besselbook/${k.slice(2)}`,
      ),
    );
    const where = [
      ...files(path.join(root, "test"), [".ts"]),
      ...files(path.join(root, "tools", "host", "src"), [".ts"]),
      ...files(path.join(root, "notebooks"), [".ipynb"]),
    ];
    assert.ok(where.length > 60, `${where.length} files`);
    const bad: string[] = [];
    for (const f of where) {
      const text = fs.readFileSync(f, "utf8");
      if (text.includes(DEEP + "/")) bad.push(`${path.relative(root, f)}: ${DEEP}/…`);
      for (const m of text.matchAll(
        /(?:from |require(?:\.resolve)?\(|import\()\\?["']((?:besselbook)(?:\/[^"'\\]+)?)\\?["']/g,
      )) {
        if (!listed.has(m[1])) bad.push(`${path.relative(root, f)}: ${m[1]}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

describe("paths: two ways of printing a path, two roots", () => {
  const cwd = process.cwd();
  let tmp = "";
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bb-paths-"));
  });
  after(() => {
    process.chdir(cwd);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(() => process.chdir(cwd));

  it("the same notebook path prints relative to the repository or to the working directory", () => {
    const nb = path.join(root, "notebooks", "00_tour.ipynb");
    process.chdir(path.join(root, "notebooks"));
    assert.deepEqual(
      [repoRelativePath(nb), cwdRelativePath(nb)],
      ["notebooks/00_tour.ipynb", "00_tour.ipynb"],
    );
    process.chdir(root);
    assert.deepEqual(
      [repoRelativePath(nb), cwdRelativePath(nb)],
      ["notebooks/00_tour.ipynb", path.join("notebooks", "00_tour.ipynb")],
    );
    process.chdir(tmp); // outside the repository: the repository path stays, the cwd one is absolute
    assert.deepEqual([repoRelativePath(nb), cwdRelativePath(nb)], ["notebooks/00_tour.ipynb", nb]);
    assert.equal(cwdRelativePath("rel/x.json"), path.join("rel", "x.json"));
    assert.equal(repoRelativePath(path.join(tmp, "x.json")), path.join(tmp, "x.json"));
  });

  it("repoRoot() follows the working directory into another checkout; installRoot() does not", () => {
    assert.equal(installRoot(), root, "this checkout holds the host package");
    const other = path.join(tmp, "other");
    fs.mkdirSync(path.join(other, "notebooks"), { recursive: true });
    fs.writeFileSync(
      path.join(other, "package.json"),
      JSON.stringify({ name: "x", workspaces: ["lib", "tools/host"] }),
    );
    process.chdir(path.join(other, "notebooks"));
    assert.deepEqual([repoRoot(), installRoot()], [other, root]);
    process.chdir(tmp); // no repository above the working directory: both are this checkout
    assert.deepEqual([repoRoot(), installRoot()], [root, root]);
  });
});
