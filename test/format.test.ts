/**
 * lib, test and the host tools are formatted by prettier (`.prettierrc.json`: 100 columns) and
 * their comments fit 100 columns too (prettier leaves comments alone; `npm run format`, i.e.
 * scripts/format.mjs, re-wraps them first). Long string literals are the one thing neither splits:
 * an error message stays greppable on one line.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const MAX = 100;
const DIRS = ["lib/src", "test", "tools/host/src"];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out.sort();
}

/** Comment lines (`//`, ` *`, `/*`) over the limit, in code points; `///` directives excepted. */
export function longComments(src: string, max = MAX): number[] {
  const bad: number[] = [];
  src.split("\n").forEach((line, i) => {
    const t = line.trim();
    const comment =
      (t.startsWith("//") && !t.startsWith("///")) || t.startsWith("*") || t.startsWith("/*");
    if (comment && [...line].length > max) bad.push(i + 1);
  });
  return bad;
}

describe("source format (prettier, 100 columns)", function () {
  this.timeout(300_000);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prettier = require("prettier") as typeof import("prettier");
  const files = DIRS.flatMap((d) => tsFiles(path.join(ROOT, d)));

  it("the check can fail: a badly formatted snippet is caught, its formatted form passes", async () => {
    const options = {
      ...(await prettier.resolveConfig(path.join(ROOT, "lib/src/index.ts"))),
      filepath: "x.ts",
    };
    assert.equal(options.printWidth, MAX);
    const bad = "const  a = {b:1,c : [1,2,3]}\n";
    assert.equal(await prettier.check(bad, options), false);
    assert.equal(await prettier.check(await prettier.format(bad, options), options), true);
    const long = `export const x = [${Array.from({ length: 40 }, (_, i) => i).join(", ")}];\n`;
    assert.equal(await prettier.check(long, options), false, "a 150-column array must be wrapped");
  });

  it("longComments finds a 101-character comment line and ignores code and /// directives", () => {
    const src = [
      "// " + "κ".repeat(97),
      "// " + "x".repeat(98),
      "/// " + "r".repeat(120),
      "const s = '" + "y".repeat(120) + "';",
    ];
    assert.deepEqual(longComments(src.join("\n")), [2]);
  });

  it(`every .ts file under ${DIRS.join(", ")} is prettier-formatted`, async () => {
    assert.ok(files.length > 100, `found only ${files.length} files`);
    const unformatted: string[] = [];
    for (const f of files) {
      const options = { ...(await prettier.resolveConfig(f)), filepath: f };
      if (!(await prettier.check(fs.readFileSync(f, "utf8"), options)))
        unformatted.push(path.relative(ROOT, f));
    }
    assert.deepEqual(unformatted, [], "run `npm run format`");
  });

  it(`no comment line is over ${MAX} characters`, () => {
    const report = files
      .map((f) => ({ f: path.relative(ROOT, f), lines: longComments(fs.readFileSync(f, "utf8")) }))
      .filter((x) => x.lines.length > 0)
      .map((x) => `${x.f}: lines ${x.lines.join(", ")}`);
    assert.deepEqual(report, [], "run `npm run format`, then wrap what it could not by hand");
  });
});
