/**
 * Notebook code stays readable where students read it: every code line of every notebook (and
 * workshop copy) is at most 100 characters. Classic Notebook shows about 115 characters of code
 * at 1280 px and GitHub's notebook view fewer, so longer lines scroll sideways or wrap mid-token.
 * Counted in Unicode code points (κ, φ and ≤ are one character on screen).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
export const MAX_CODE_LINE = 100;

function notebooks(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && !f.startsWith("."))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Lines over the limit in one notebook: "cell N line M (L chars): start…". */
export function longLines(file: string, max = MAX_CODE_LINE): string[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  const out: string[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    const src = Array.isArray(c.source) ? c.source.join("") : c.source;
    src.split("\n").forEach((line, j) => {
      const n = [...line].length;
      if (n > max) out.push(`cell ${i + 1} line ${j + 1} (${n} chars): ${line.slice(0, 40)}…`);
    });
  });
  return out;
}

describe("notebook style", () => {
  it("longLines counts code points and finds a 101-character line (self-test on a temp notebook)", () => {
    const tmp = path.join(require("node:os").tmpdir(), `style-${process.pid}.ipynb`);
    const ok = "κ".repeat(100);
    fs.writeFileSync(
      tmp,
      JSON.stringify({
        cells: [
          { cell_type: "markdown", source: "x".repeat(300) },
          { cell_type: "code", source: [ok + "\n", "y".repeat(101)] },
        ],
      }),
    );
    try {
      assert.deepEqual(
        longLines(tmp).map((l) => l.split(":")[0]),
        ["cell 2 line 2 (101 chars)"],
      );
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  });

  const files = [
    ...notebooks(path.join(ROOT, "notebooks")),
    ...notebooks(path.join(ROOT, "notebooks", "workshop")),
  ];
  const offenders = files.map((f) => ({ f, bad: longLines(f) })).filter((x) => x.bad.length > 0);
  it(`every notebook code line is ≤ ${MAX_CODE_LINE} characters`, () => {
    const report = offenders.map(
      (x) => `${path.relative(ROOT, x.f)}: ${x.bad.length} long lines, e.g. ${x.bad[0]}`,
    );
    assert.deepEqual(report, []);
  });
});
