/**
 * tools/host/src/book/report.ts on a small synthetic results set: the exact markdown (grouping by
 * REFERENCES.md section, "ours" last, smoke runs left out, pipes escaped, only passing checks
 * shown), every branch of describeValue / describeTol, and the file errors.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  describeTol,
  describeValue,
  expectedReport,
  loadResults,
  notebookStatuses,
  readmeSummary,
  referenceIndex,
  reportMarkdown,
  REPORT_END,
  REPORT_START,
  ResultsDoc,
} from "besselbook-host/dist/book/report";
import Module = require("node:module");
import { BesselbookError, FormatError } from "besselbook";

const REFS = [
  "# References",
  '<a id="early"></a>',
  "### early — Before any section",
  "",
  "## Information theory",
  "",
  '<a id="gray2011"></a>',
  "### gray2011 — Entropy and Information Theory",
  "text",
  "## Equivariant networks",
  '<a id="bcnn2021"></a>',
  "### Bessel CNNs",
  "",
].join("\n");

const c = (check: string, what: string, passed: boolean, value: unknown, tol: unknown) => ({
  check,
  what,
  passed,
  value,
  tol,
});
const DOCS: ResultsDoc[] = [
  {
    notebook: "01_a",
    mode: "full",
    seed: 0,
    backend: "cpu",
    claims: {
      "c-one": {
        text: "a | pipe\nand a newline",
        source: { ref: "gray2011", where: "Lemma 6.2" },
        kind: "reproduces",
        verdict: "reproduced",
        checks: [
          c("close", "w1", true, { maxRel: 1e-13 }, { atol: 0, rtol: 1e-12 }),
          c("less", "failing", false, null, null),
          c("less", "w|2", true, 0.25, { below: 0.5 }),
        ],
      },
      "c-ours": {
        text: "our experiment",
        source: "ours",
        kind: "ours",
        verdict: "ours",
        checks: [
          c(
            "above",
            "gain",
            true,
            { mean: 0.5, lo: 0.25, hi: 0.75, level: 0.95, values: [1, 2, 3] },
            { above: 0 },
          ),
        ],
      },
    },
  },
  {
    notebook: "02_b",
    mode: "smoke",
    seed: 0,
    backend: "cpu",
    claims: { "c-smoke": { text: "x", source: "ours", kind: "ours", verdict: "ours", checks: [] } },
  },
  { notebook: "03_c", mode: "full", seed: null, backend: null },
  {
    notebook: "04_d",
    mode: "full",
    seed: 1,
    backend: "wasm",
    claims: {
      "c-diff": {
        text: "differs text",
        source: { ref: "bcnn2021", where: "Fig. 3" },
        kind: "differs",
        why: "because | x",
        verdict: "differs",
        checks: [c("true", "t", true, true, null)],
      },
      "c-other": {
        text: "unknown ref",
        source: { ref: "zzz", where: "§1" },
        kind: "extends",
        verdict: "extends",
        checks: [],
      },
    },
  },
];
const HEAD = "| notebook | claim | source | measured | tolerance | verdict |";

describe("report: markdown from results", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-report-"));
    fs.writeFileSync(path.join(dir, "REFERENCES.md"), REFS);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("referenceIndex: the ## group of each anchor and its ### title without the key prefix", () => {
    const { group, title } = referenceIndex(path.join(dir, "REFERENCES.md"));
    assert.deepEqual(
      [...group],
      [
        ["early", "Other"],
        ["gray2011", "Information theory"],
        ["bcnn2021", "Equivariant networks"],
      ],
    );
    assert.deepEqual(
      [...title],
      [
        ["early", "Before any section"],
        ["gray2011", "Entropy and Information Theory"],
        ["bcnn2021", "Bessel CNNs"],
      ],
    );
  });

  it("the report: counts, left-out notebooks, groups in REFERENCES.md order with ours last, escaped cells", () => {
    const md = reportMarkdown(DOCS, path.join(dir, "REFERENCES.md"), "R.md");
    const lines = md.split("\n");
    assert.deepEqual(lines.slice(0, 2), ["# Reproduction report", ""]);
    assert.ok(lines[3]!.includes("([references](R.md))"));
    assert.deepEqual(lines.slice(9), [
      "**4 claims** from 2 notebooks: 1 reproduced, 1 differs, 1 extends, 1 ours.",
      "",
      "Notebooks whose results carry no claims yet: 03_c.",
      "",
      "Left out (not a full-mode run): 02_b.",
      "",
      "## Information theory",
      "",
      HEAD,
      "|---|---|---|---|---|---|",
      "| 01_a | **c-one**: a \\| pipe and a newline | [gray2011](R.md#gray2011), Lemma 6.2 | w1: max rel err 1.00e-13<br>w\\|2: 0.25 | rtol 1.00e-12<br>< 0.5 | reproduced |",
      "",
      "## Equivariant networks",
      "",
      HEAD,
      "|---|---|---|---|---|---|",
      "| 04_d | **c-diff**: differs text | [bcnn2021](R.md#bcnn2021), Fig. 3 | t: true | must hold | differs — because \\| x |",
      "",
      "## Other",
      "",
      HEAD,
      "|---|---|---|---|---|---|",
      "| 04_d | **c-other**: unknown ref | [zzz](R.md#zzz), §1 | — | — | extends |",
      "",
      "## Our own constructions and experiments",
      "",
      HEAD,
      "|---|---|---|---|---|---|",
      "| 01_a | **c-ours**: our experiment | ours | gain: 0.5 (95% CI 0.25…0.75, 3 runs) | > 0 | ours |",
      "",
    ]);
    assert.ok(
      reportMarkdown(DOCS, path.join(dir, "REFERENCES.md")).includes(
        "[gray2011](REFERENCES.md#gray2011)",
      ),
      "default link target",
    );
    const none = reportMarkdown([DOCS[2]!], path.join(dir, "REFERENCES.md")).split("\n");
    assert.deepEqual(none.slice(9), [
      "**0 claims** from 0 notebooks: .",
      "",
      "Notebooks whose results carry no claims yet: 03_c.",
      "",
    ]);
  });

  it("readmeSummary: one row per full-mode notebook with its verdict counts", () => {
    assert.equal(
      readmeSummary(DOCS),
      [
        "| notebook | claims | verdicts |",
        "|---|---|---|",
        "| 01_a | 2 | 1 reproduced, 1 ours |",
        "| 03_c | 0 | no claims recorded yet |",
        "| 04_d | 2 | 1 differs, 1 extends |",
      ].join("\n"),
    );
  });

  it("loadResults reads *.json sorted; a missing directory or a broken file is named", () => {
    const res = path.join(dir, "results");
    fs.mkdirSync(res);
    fs.writeFileSync(path.join(res, "b.json"), JSON.stringify(DOCS[2]));
    fs.writeFileSync(path.join(res, "a.json"), JSON.stringify(DOCS[0]));
    fs.writeFileSync(path.join(res, "notes.txt"), "not results");
    assert.deepEqual(
      loadResults(res).map((d) => d.notebook),
      ["01_a", "03_c"],
    );
    fs.writeFileSync(path.join(res, "c.json"), "{broken");
    assert.throws(
      () => loadResults(res),
      (e: unknown) =>
        e instanceof FormatError && e.message.startsWith(`${path.join(res, "c.json")}: not JSON (`),
    );
    const missing = path.join(dir, "nope");
    assert.throws(
      () => loadResults(missing),
      (e: unknown) =>
        e instanceof BesselbookError &&
        e.message === `report: ${missing} does not exist; run the notebooks first (npm run main)`,
    );
  });

  it("expectedReport: REPORT.md from results; README's table replaced between the markers only", () => {
    const res = path.join(dir, "results");
    fs.mkdirSync(res);
    fs.writeFileSync(path.join(res, "01_a.json"), JSON.stringify(DOCS[0]));
    fs.writeFileSync(
      path.join(dir, "README.md"),
      `intro\n${REPORT_START}\nold table\n${REPORT_END}\noutro\n`,
    );
    const want = expectedReport(dir);
    assert.equal(want.report, reportMarkdown([DOCS[0]!], path.join(dir, "REFERENCES.md")) + "\n");
    assert.equal(
      want.readme,
      `intro\n${REPORT_START}\n${readmeSummary([DOCS[0]!])}\n${REPORT_END}\noutro\n`,
    );
    for (const readme of [
      "no markers\n",
      `${REPORT_END}\n${REPORT_START}\n`,
      `${REPORT_START} only\n`,
    ]) {
      fs.writeFileSync(path.join(dir, "README.md"), readme);
      assert.throws(
        () => expectedReport(dir),
        (e: unknown) =>
          e instanceof FormatError &&
          e.message ===
            `${path.join(dir, "README.md")}: no report markers (${REPORT_START} … ${REPORT_END})`,
      );
    }
  });
});

describe("report: describing one check's value and tolerance", () => {
  const v = (value: unknown, check = "close") =>
    describeValue({ check, what: "w", passed: true, value, tol: null });
  const t = (tol: unknown, check = "close") =>
    describeTol({ check, what: "w", passed: true, value: 1, tol });

  it("values: numbers (4 digits, exponent outside [1e-3, 1e5)), booleans, strings, intervals, errors", () => {
    assert.equal(v(null), "—");
    assert.equal(v(undefined), "—");
    assert.equal(v(0), "0");
    assert.equal(v(0.123456), "0.1235");
    assert.equal(v(-0.001), "-0.001");
    assert.equal(v(9.99e-4), "9.99e-4");
    assert.equal(v(12345), "12350");
    assert.equal(v(1e5), "1.00e+5");
    assert.equal(v(true), "true");
    assert.equal(v(false), "false");
    assert.equal(v("msg", "rejects"), "wrong variant rejected");
    assert.equal(v("msg", "close"), "msg");
    assert.equal(
      v({ mean: 0.5, lo: 0.25, hi: 0.75, level: 0.9, values: [1, 2] }),
      "0.5 (90% CI 0.25…0.75, 2 runs)",
    );
    assert.equal(v({ mean: 0.5, lo: 0.25, hi: 0.75, values: [] }), "0.5 (CI 0.25…0.75)");
    assert.equal(v({ mean: 0.5, lo: 0.25, hi: "x" }), '{"mean":0.5,"lo":0.25,"hi":"x"}');
    assert.equal(v({ maxRel: 2e-12 }), "max rel err 2.00e-12");
    assert.equal(v({ maxAbs: 0.5, maxRel: 0.1 }), "max abs err 0.5");
    assert.equal(v({ maxAbs: 0.002, maxRel: null }), "max abs err 0.002");
    assert.equal(v({ other: 1 }), '{"other":1}');
  });

  it("tolerances: each kind of bound, exact comparisons, and checks without one", () => {
    assert.equal(t(null, "true"), "must hold");
    assert.equal(t(null, "rejects"), "must fail");
    assert.equal(t(null, "less"), "—");
    assert.equal(t(undefined, "true"), "must hold");
    assert.equal(t(1e-12), "≤ 1.00e-12");
    assert.equal(t({ atol: 0.001, rtol: 0 }), "atol 0.001");
    assert.equal(t({ atol: 0.001, rtol: 1e-9 }), "atol 0.001, rtol 1.00e-9");
    assert.equal(t({ atol: 0, rtol: 0 }), "exact");
    assert.equal(t({ rtol: 0.5 }), "rtol 0.5");
    assert.equal(t({ below: 2 }), "< 2");
    assert.equal(t({ above: -1 }), "> -1");
    assert.equal(t({ lo: 0, hi: 1 }), "in [0, 1]");
    assert.equal(t({ lo: 0 }), '{"lo":0}');
    assert.equal(t({ value: 0.5 }), "covers 0.5");
    assert.equal(t({ what: 1 }), '{"what":1}');
  });
});

describe("report: notebooks under revision (a markdown cell tagged status)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-status-"));
    fs.writeFileSync(path.join(dir, "REFERENCES.md"), REFS);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const nb = (name: string, cells: unknown[]) =>
    fs.writeFileSync(path.join(dir, "nb", name), JSON.stringify({ cells }));

  it("notebookStatuses: the first line of the tagged markdown cell, bold removed; others ignored", () => {
    assert.deepEqual(notebookStatuses(path.join(dir, "absent")), {});
    fs.mkdirSync(path.join(dir, "nb"));
    nb("01_a.ipynb", [
      { cell_type: "markdown", source: "intro" },
      {
        cell_type: "markdown",
        metadata: { tags: ["x", "status"] },
        source: ["**Under revision:** ", "claim c-one\n", "second line"],
      },
    ]);
    nb("02_b.ipynb", [
      { cell_type: "code", metadata: { tags: ["status"] }, source: "code cell, not markdown" },
      { cell_type: "markdown", metadata: { tags: ["statuses"] }, source: "other tag" },
      { cell_type: "markdown", source: "no metadata" },
    ]);
    nb("04_d.ipynb", [
      {
        cell_type: "markdown",
        metadata: { tags: ["status"] },
        source: "  plain **string** source \nmore",
      },
    ]);
    fs.writeFileSync(path.join(dir, "nb", "05_e.json"), "not a notebook");
    assert.deepEqual(notebookStatuses(path.join(dir, "nb")), {
      "01_a": "Under revision: claim c-one",
      "04_d": "plain string source",
    });
  });

  it("the report and the README mark exactly the rows of notebooks under revision (full runs only)", () => {
    const statuses = {
      "01_a": "claim c-one no longer holds",
      "02_b": "smoke only",
      "09_z": "no results",
    };
    const lines = reportMarkdown(DOCS, path.join(dir, "REFERENCES.md"), "R.md", statuses).split(
      "\n",
    );
    const i = lines.findIndex((l) => l.startsWith("**Under revision**"));
    assert.ok(i > 0, "a block naming the notebooks under revision");
    assert.equal(lines[i - 2], "Left out (not a full-mode run): 02_b.");
    assert.deepEqual(lines.slice(i + 1, i + 4), ["", "- 01_a: claim c-one no longer holds", ""]);
    const marked = lines.filter((l) =>
      l.includes("**(under revision: see the notebook's status cell)**"),
    );
    assert.deepEqual(
      marked.map((l) => l.split(" | ")[0]),
      ["| 01_a", "| 01_a"],
    );
    assert.ok(
      marked[0]!.endsWith("| reproduced **(under revision: see the notebook's status cell)** |"),
    );
    assert.ok(
      !reportMarkdown(DOCS, path.join(dir, "REFERENCES.md"), "R.md", { "02_b": "x" }).includes(
        "Under revision",
      ),
      "a smoke-only notebook is not listed",
    );
    assert.equal(
      readmeSummary(DOCS, statuses).split("\n")[2],
      "| 01_a | 2 | 1 reproduced, 1 ours — **under revision** (see its status cell) |",
    );
    assert.equal(
      readmeSummary(DOCS, statuses).split("\n")[4],
      "| 04_d | 2 | 1 differs, 1 extends |",
    );
  });
});

/** A copy of the compiled report.js at `root`/tools/host/dist/book (so its repository root, four
 *  folders up, is `root`), with `root`/node_modules/besselbook linked to the library it imports. */
function copyReport(root: string): string {
  const file = path.join(root, "tools", "host", "dist", "book", "report.js");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(require.resolve("besselbook-host/dist/book/report"), file);
  const link = path.join(root, "node_modules", "besselbook");
  if (!fs.existsSync(link)) {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.dirname(require.resolve("besselbook/package.json")), link, "dir");
  }
  return file;
}

/** Runs tools/host/dist/book/report.js as `npm run report [-- --check]` would (as the main
 *  module), but from a copy (copyReport), so its repository root is the temporary one. In-process
 *  (so Stryker's active mutant applies); returns the exit code and what it printed. */
function runReportCli(
  root: string,
  argv: string[],
): { code: number; out: string[]; err: string[] } {
  const file = copyReport(root);
  const out: string[] = [],
    err: string[] = [];
  const [log, error, argvBefore, mainBefore, codeBefore] = [
    console.log,
    console.error,
    process.argv,
    process.mainModule,
    process.exitCode,
  ];
  console.log = (...a: unknown[]) => {
    out.push(a.join(" "));
  };
  console.error = (...a: unknown[]) => {
    err.push(a.join(" "));
  };
  process.argv = [process.argv[0]!, file, ...argv];
  process.exitCode = undefined;
  try {
    (Module as unknown as { _load(f: string, parent: null, isMain: boolean): unknown })._load(
      file,
      null,
      true,
    );
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    for (const k of Object.keys(require.cache))
      if (k.startsWith(root + path.sep)) delete require.cache[k];
    [console.log, console.error, process.argv] = [log, error, argvBefore];
    (process as { mainModule?: NodeModule }).mainModule = mainBefore;
    process.exitCode = codeBefore;
  }
}

describe("report: the CLI (npm run report, -- --check) on a temporary repository", () => {
  let root: string;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "bb-report-cli-")));
    fs.writeFileSync(path.join(root, "REFERENCES.md"), REFS);
    fs.mkdirSync(path.join(root, "results"));
    fs.writeFileSync(path.join(root, "results", "01_a.json"), JSON.stringify(DOCS[0]));
    fs.writeFileSync(path.join(root, "README.md"), `intro\n${REPORT_START}\nold\n${REPORT_END}\n`);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("--check fails on stale or missing files, naming them; writing fixes them; then --check passes", () => {
    let r = runReportCli(root, ["--check"]);
    assert.deepEqual(
      [r.code, r.out, r.err],
      [1, [], ["report: out of date: REPORT.md, README.md — run `npm run report`"]],
    );
    assert.ok(!fs.existsSync(path.join(root, "REPORT.md")), "--check writes nothing");
    assert.equal(
      fs.readFileSync(path.join(root, "README.md"), "utf8"),
      `intro\n${REPORT_START}\nold\n${REPORT_END}\n`,
    );
    r = runReportCli(root, []);
    assert.deepEqual([r.code, r.out, r.err], [0, ["report: wrote REPORT.md, README.md"], []]);
    const want = expectedReport(root);
    assert.equal(fs.readFileSync(path.join(root, "REPORT.md"), "utf8"), want.report);
    assert.equal(fs.readFileSync(path.join(root, "README.md"), "utf8"), want.readme);
    assert.ok(want.readme.includes("| 01_a | 2 | 1 reproduced, 1 ours |"));
    assert.deepEqual(
      fs.readdirSync(root).filter((f) => f.includes(".tmp")),
      [],
      "no temp files left",
    );
    r = runReportCli(root, ["--check"]);
    assert.deepEqual(
      [r.code, r.out, r.err],
      [0, ["report: REPORT.md and README.md are up to date with results/"], []],
    );
    fs.appendFileSync(path.join(root, "REPORT.md"), "hand edit\n");
    r = runReportCli(root, ["--check"]);
    assert.deepEqual(
      [r.code, r.err],
      [1, ["report: out of date: REPORT.md — run `npm run report`"]],
    );
    fs.writeFileSync(
      path.join(root, "results", "02_b.json"),
      JSON.stringify({ ...DOCS[0], notebook: "02_b" }),
    );
    runReportCli(root, []);
    r = runReportCli(root, ["--check"]);
    assert.equal(r.code, 0);
    fs.writeFileSync(
      path.join(root, "results", "03_c.json"),
      JSON.stringify({ ...DOCS[0], notebook: "03_c" }),
    );
    r = runReportCli(root, ["--check"]);
    assert.deepEqual(
      [r.code, r.err],
      [1, ["report: out of date: REPORT.md, README.md — run `npm run report`"]],
      "new results make both stale",
    );
  });

  it("only the README is stale when only its table region was edited", () => {
    runReportCli(root, []);
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    fs.writeFileSync(path.join(root, "README.md"), readme.replace("| 01_a | 2 |", "| 01_a | 3 |"));
    const r = runReportCli(root, ["--check"]);
    assert.deepEqual(
      [r.code, r.out, r.err],
      [1, [], ["report: out of date: README.md — run `npm run report`"]],
    );
  });
});

describe("report: second round of survivors (headings, header text, counts, ordering, the README)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "bb-report2-")));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("referenceIndex: CRLF files, padded headings, an anchor before a blank line, prefixes only at the start", () => {
    const refs = [
      "## Group one  ",
      '<a id="k1"></a>',
      "",
      "### k1 — Title one  ",
      "text ### not a title",
      '<a id="k2"></a>',
      "### A study — of things",
      "## Two",
      '<a id="k3"></a>',
      "see ### here",
      "### real",
    ];
    fs.writeFileSync(path.join(dir, "R.md"), refs.join("\r\n"));
    const { group, title } = referenceIndex(path.join(dir, "R.md"));
    assert.deepEqual(
      [...group],
      [
        ["k1", "Group one"],
        ["k2", "Group one"],
        ["k3", "Two"],
      ],
    );
    assert.deepEqual(
      [...title],
      [
        ["k1", "Title one"],
        ["k2", "A study — of things"],
        ["k3", "real"],
      ],
    );
    fs.writeFileSync(path.join(dir, "R.md"), refs.join("\n"));
    assert.deepEqual(
      [...referenceIndex(path.join(dir, "R.md")).group],
      [...group],
      "LF and CRLF read the same",
    );
  });

  it("the header text, every verdict in order, lists of several notebooks, same-group rows, ours first in the input", () => {
    fs.writeFileSync(path.join(dir, "R.md"), REFS);
    const cl = (verdict: string, ref: string | "ours") => ({
      text: verdict,
      source: ref === "ours" ? ("ours" as const) : { ref, where: "§1" },
      kind: "x",
      verdict,
      checks: [],
    });
    const docs: ResultsDoc[] = [
      {
        notebook: "01_o",
        mode: "full",
        seed: 0,
        backend: "cpu",
        claims: { o: cl("ours", "ours") },
      },
      {
        notebook: "02_v",
        mode: "full",
        seed: 0,
        backend: "cpu",
        claims: {
          f: cl("failed", "gray2011"),
          u: cl("unchecked", "gray2011"),
          n: cl("not testable offline", "gray2011"),
          r: cl("reproduced", "bcnn2021"),
          v: {
            ...cl("revised after the run", "ours"),
            kind: "ours",
            revised: "predicted a | drop",
          },
        },
      },
      { notebook: "03_e", mode: "full", seed: 0, backend: "cpu", claims: {} },
      { notebook: "04_e", mode: "full", seed: 0, backend: "cpu" },
      { notebook: "05_s", mode: "smoke", seed: 0, backend: "cpu" },
      { notebook: "06_s", mode: "smoke", seed: 0, backend: "cpu" },
    ];
    const lines = reportMarkdown(docs, path.join(dir, "R.md"), "R.md").split("\n");
    assert.deepEqual(lines.slice(0, 15), [
      "# Reproduction report",
      "",
      "Generated by `npm run report` from `results/*.json` (full-mode runs only); do not edit by hand.",
      "Each row is one claim a notebook makes: where it comes from ([references](R.md)), what we measured",
      "(for results over several seeds: the mean and its confidence interval, method in the notebook), the",
      "tolerance or bound the check used, and the verdict. A claim passes only with a check that could fail.",
      'Claims marked "revised after the run" were rewritten once their data were seen: their checks',
      "describe the data rather than test a prediction, and the row says what was predicted before.",
      "",
      "**6 claims** from 2 notebooks: 1 reproduced, 1 ours, 1 not testable offline, 1 revised after the run, 1 unchecked, 1 failed.",
      "",
      "Notebooks whose results carry no claims yet: 03_e, 04_e.",
      "",
      "Left out (not a full-mode run): 05_s, 06_s.",
      "",
    ]);
    const heads = lines.filter((l) => l.startsWith("## "));
    assert.deepEqual(heads, [
      "## Information theory",
      "## Equivariant networks",
      "## Our own constructions and experiments",
    ]);
    assert.deepEqual(
      lines.filter((l) => l.startsWith("| 02_v")).map((l) => l.split(" | ")[1]),
      [
        "**f**: failed",
        "**u**: unchecked",
        "**n**: not testable offline",
        "**r**: reproduced",
        "**v**: revised after the run",
      ],
    );
    assert.equal(
      readmeSummary(docs).split("\n")[3],
      "| 02_v | 5 | 1 reproduced, 1 not testable offline, 1 revised after the run, 1 unchecked, 1 failed |",
    );
    const rev = lines.find((l) => l.startsWith("| 02_v | **v**"))!;
    assert.ok(
      rev.endsWith("| revised after the run (kind ours; before the run: predicted a \\| drop) |"),
      rev,
    );
    const all = reportMarkdown([docs[0]!], path.join(dir, "R.md")).split("\n");
    assert.ok(
      !all.some((l) => l.startsWith("Notebooks whose") || l.startsWith("Left out")),
      "no empty lists",
    );
  });

  it("describeValue / describeTol: a string bound, a non-number lo, atol alone", () => {
    const v = (value: unknown) =>
      describeValue({ check: "close", what: "w", passed: true, value, tol: null });
    const t = (tol: unknown) =>
      describeTol({ check: "close", what: "w", passed: true, value: 1, tol });
    assert.equal(v({ mean: 1, lo: "a", hi: 2 }), '{"mean":1,"lo":"a","hi":2}');
    assert.equal(v({ lo: 0.25, hi: 0.75 }), "undefined (CI 0.25…0.75)");
    assert.equal(t({ below: "2" }), "< 2");
    assert.equal(t({ atol: 0.5 }), "atol 0.5");
    assert.equal(t({ rtol: 0, atol: 0 }), "exact");
  });

  it("expectedReport: markers at the very start, non-ASCII text before them, statuses from notebooks/", () => {
    fs.writeFileSync(path.join(dir, "REFERENCES.md"), REFS);
    fs.mkdirSync(path.join(dir, "results"));
    fs.writeFileSync(path.join(dir, "results", "01_a.json"), JSON.stringify(DOCS[0]));
    fs.mkdirSync(path.join(dir, "notebooks"));
    fs.writeFileSync(
      path.join(dir, "notebooks", "01_a.ipynb"),
      JSON.stringify({
        cells: [{ cell_type: "markdown", metadata: { tags: ["status"] }, source: "revising" }],
      }),
    );
    fs.writeFileSync(
      path.join(dir, "notebooks", "x.ipynbz.ipynb"),
      JSON.stringify({
        cells: [{ cell_type: "markdown", metadata: { tags: ["status"] }, source: "odd name" }],
      }),
    );
    assert.deepEqual(notebookStatuses(path.join(dir, "notebooks")), {
      "01_a": "revising",
      "x.ipynbz": "odd name",
    });
    fs.writeFileSync(path.join(dir, "README.md"), `${REPORT_START}\nold\n${REPORT_END}\n`);
    const want = expectedReport(dir);
    assert.equal(
      want.readme,
      `${REPORT_START}\n${readmeSummary([DOCS[0]!], { "01_a": "revising" })}\n${REPORT_END}\n`,
    );
    assert.ok(want.readme.includes("— **under revision**"));
    assert.ok(want.report.includes("- 01_a: revising"));
    fs.writeFileSync(
      path.join(dir, "README.md"),
      `Ünïcödé — ✓ ∞\n${REPORT_START}\nold\n${REPORT_END}\nafter é\n`,
    );
    assert.equal(
      expectedReport(dir).readme,
      `Ünïcödé — ✓ ∞\n${REPORT_START}\n${readmeSummary([DOCS[0]!], { "01_a": "revising" })}\n${REPORT_END}\nafter é\n`,
    );
  });

  it("importing the module (not running it) writes nothing", () => {
    const file = copyReport(dir);
    fs.writeFileSync(path.join(dir, "REFERENCES.md"), REFS);
    fs.mkdirSync(path.join(dir, "results"));
    fs.writeFileSync(path.join(dir, "README.md"), `${REPORT_START}\nold\n${REPORT_END}\n`);
    const log = console.log;
    console.log = () => {};
    try {
      require(file);
    } finally {
      console.log = log;
      for (const k of Object.keys(require.cache))
        if (k.startsWith(dir + path.sep)) delete require.cache[k];
    }
    assert.ok(!fs.existsSync(path.join(dir, "REPORT.md")));
    assert.equal(
      fs.readFileSync(path.join(dir, "README.md"), "utf8"),
      `${REPORT_START}\nold\n${REPORT_END}\n`,
    );
  });
});
