/**
 * Workshop copies (notebooks/workshop/): up to date with their sources, solutions replaced by stubs
 * that fail a check naming the exercise, and — with the solutions put back — the source's code
 * cells exactly. Executing them for real is costly (~1 min per notebook in smoke mode on 2 cores,
 * and tests/notebooks already runs every source), so by default: the structural identity for every
 * notebook, one stub run in a real kernel, and one restored notebook run in smoke mode.
 * BESSELBOOK_WORKSHOP_RUN=all (or a comma list of stems) runs more restored copies.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { main as bookMain } from "besselbook-host/dist/book/cli";
import {
  STUB_TAG,
  BANNER_TAG,
  codeCellDifferences,
  listNotebooks,
  makeWorkshopCopy,
  restoreSolutions,
  solutionLabels,
  stemOf,
  workshopStatus,
} from "besselbook-host/dist/book";
import { expandNotebookArgs, runNotebook } from "besselbook-host/dist/runner";
import {
  Notebook,
  cellTags,
  readNotebook,
  writeNotebook,
} from "besselbook-host/dist/runner/notebook";

const ROOT = path.resolve(__dirname, "..", "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const WORKSHOP = path.join(NOTEBOOKS, "workshop");
const OUT = path.join(ROOT, ".besselbook", "smoke-workshop");
const CELL_TIMEOUT_S = Number(process.env.BESSELBOOK_CELL_TIMEOUT ?? 300);

const sources = listNotebooks(NOTEBOOKS);

describe("workshop: copy rules (synthetic notebook)", () => {
  const src: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "besselbook" } },
    cells: [
      { cell_type: "markdown", id: "m0", metadata: {}, source: "# T" },
      {
        cell_type: "code",
        id: "c1",
        metadata: { execution: { t: 1 } },
        source: "const a = 1;",
        execution_count: 1,
        outputs: [{ output_type: "stream", name: "stdout", text: "x\n" }],
      },
      {
        cell_type: "code",
        id: "e1",
        metadata: { tags: ["exercise"] },
        source: "// Exercise 1: double a.",
        execution_count: 2,
        outputs: [],
      },
      {
        cell_type: "code",
        id: "s1",
        metadata: { tags: ["solution"] },
        source: "const b = 2 * a;",
        execution_count: 3,
        outputs: [{ output_type: "stream", name: "stdout", text: "2\n" }],
      },
      {
        cell_type: "markdown",
        id: "e2",
        metadata: { tags: ["exercise"] },
        source: "**Exercise 2b.** Explain.",
      },
      {
        cell_type: "code",
        id: "s2",
        metadata: { tags: ["solution", "slow"] },
        source: "// because",
        execution_count: 4,
        outputs: [],
      },
    ],
  };
  const copy = makeWorkshopCopy(src, "99_demo");

  it("clears outputs and counts, keeps exercises, drops run metadata, adds one banner", () => {
    assert.equal(copy.cells.length, src.cells.length + 1);
    assert.deepEqual(cellTags(copy.cells[0]!), [BANNER_TAG]);
    assert.match(copy.cells[0]!.source, /Workshop copy of `99_demo.ipynb`/);
    for (const c of copy.cells.filter((x) => x.cell_type === "code")) {
      assert.deepEqual(c.outputs, []);
      assert.equal(c.execution_count, null);
    }
    assert.equal(copy.cells[2]!.metadata.execution, undefined);
    assert.equal(copy.cells[3]!.source, "// Exercise 1: double a.");
    assert.equal(copy.cells[5]!.source, "**Exercise 2b.** Explain.");
    assert.deepEqual(src.cells[1]!.outputs!.length, 1, "the source is not modified");
  });

  it("replaces each solution by a stub naming its exercise, same id, reporting through exerciseTodo", () => {
    assert.deepEqual([...solutionLabels(src).values()], ["Exercise 1", "Exercise 2b"]);
    const s1 = copy.cells[4]!;
    assert.equal(s1.id, "s1");
    assert.deepEqual(cellTags(s1), [STUB_TAG]);
    assert.match(s1.source, /^\/\/ Exercise 1: your solution goes here\./);
    assert.match(s1.source, /import \{ exerciseTodo as workshopTodo \} from "besselbook";/);
    assert.match(s1.source, /workshopTodo\("Exercise 1", "99_demo"\);/);
    assert.deepEqual(cellTags(copy.cells[6]!), ["slow", STUB_TAG], "other tags survive");
    assert.doesNotMatch(JSON.stringify(copy), /2 \* a/, "no solution text leaks into the copy");
  });

  it("restoring the solutions gives the source's code cells exactly; a misaligned copy is refused", () => {
    const back = restoreSolutions(copy, src);
    assert.deepEqual(codeCellDifferences(back, src), []);
    assert.deepEqual(
      back.cells.map((c) => c.id),
      src.cells.map((c) => c.id),
    );
    const broken: Notebook = { ...copy, cells: copy.cells.filter((c) => c.id !== "c1") };
    assert.throws(() => restoreSolutions(broken, src), /cells besides the banner/);
    const swapped: Notebook = {
      ...copy,
      cells: copy.cells.map((c) => (c.id === "s1" ? { ...c, id: "zz" } : c)),
    };
    assert.throws(() => restoreSolutions(swapped, src), /workshop stub \(id zz\)/);
  });
});

describe("workshop: CLI (temp notebooks folder)", () => {
  it("writes missing copies, --check fails on stale or orphan copies, a rebuild removes orphans", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "besselbook-workshop-"));
    const quiet = async (argv: string[]) => {
      const log = console.log,
        err = console.error;
      console.log = console.error = () => undefined;
      try {
        return await bookMain(argv);
      } finally {
        console.log = log;
        console.error = err;
      }
    };
    try {
      const nb: Notebook = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: "code",
            id: "s",
            metadata: { tags: ["solution"] },
            source: "1",
            outputs: [],
            execution_count: null,
          },
        ],
      };
      writeNotebook(path.join(dir, "01_a.ipynb"), nb);
      assert.equal(await quiet(["workshop", "--check", "--notebooks", dir]), 1, "missing copy");
      assert.equal(await quiet(["workshop", "--notebooks", dir]), 0);
      assert.equal(await quiet(["workshop", "--check", "--notebooks", dir]), 0);
      writeNotebook(path.join(dir, "01_a.ipynb"), {
        ...nb,
        cells: [{ ...nb.cells[0]!, source: "2" }],
      });
      fs.copyFileSync(
        path.join(dir, "workshop", "01_a.ipynb"),
        path.join(dir, "workshop", "02_gone.ipynb"),
      );
      assert.equal(await quiet(["workshop", "--check", "--notebooks", dir]), 1, "stale + orphan");
      assert.equal(await quiet(["workshop", "--notebooks", dir]), 0);
      assert.deepEqual(fs.readdirSync(path.join(dir, "workshop")), ["01_a.ipynb"]);
      assert.equal(await quiet(["workshop", "--check", "--notebooks", dir]), 0);
      assert.equal(await quiet(["workshop", "--bogus"]), 2, "usage error");
      // The book builder refuses to replace a folder it did not write.
      fs.mkdirSync(path.join(dir, "mine"));
      fs.writeFileSync(path.join(dir, "mine", "keep.txt"), "x");
      assert.equal(await quiet(["html", "--notebooks", dir, "--out", path.join(dir, "mine")]), 2);
      assert.ok(fs.existsSync(path.join(dir, "mine", "keep.txt")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("workshop: notebooks/workshop/ matches notebooks/", () => {
  it("has an up-to-date copy of every notebook and nothing else (run `npm run workshop` to fix)", () => {
    assert.ok(sources.length > 0);
    const bad = workshopStatus(NOTEBOOKS)
      .filter((e) => e.state !== "ok")
      .map((e) => `${path.relative(ROOT, e.copy)}: ${e.state}`);
    assert.deepEqual(bad, []);
  });

  for (const file of sources) {
    const stem = stemOf(file);
    it(`${stem}: no outputs, one stub per solution, and with the solutions back its code cells equal the source's`, () => {
      const copyFile = path.join(WORKSHOP, `${stem}.ipynb`);
      assert.ok(fs.existsSync(copyFile), `${path.relative(ROOT, copyFile)} exists`);
      const src = readNotebook(file);
      const copy = readNotebook(copyFile);
      for (const c of copy.cells)
        if (c.cell_type === "code")
          assert.ok(
            !c.outputs?.length && c.execution_count === null,
            `cell ${c.id} has no outputs`,
          );
      const labels = [...solutionLabels(src).values()];
      const stubs = copy.cells.filter((c) => cellTags(c).includes(STUB_TAG));
      assert.equal(stubs.length, labels.length);
      stubs.forEach((s, i) =>
        assert.ok(
          s.source.includes(`workshopTodo(${JSON.stringify(labels[i])}, ${JSON.stringify(stem)})`),
          `stub ${s.id} names ${labels[i]}`,
        ),
      );
      assert.ok(
        !copy.cells.some((c) => cellTags(c).includes("solution")),
        "no cell tagged solution remains",
      );
      assert.equal(
        copy.cells.filter((c) => cellTags(c).includes("exercise")).length,
        src.cells.filter((c) => cellTags(c).includes("exercise")).length,
        "exercise cells kept",
      );
      assert.deepEqual(codeCellDifferences(restoreSolutions(copy, src, copyFile), src), []);
    });
  }

  it("the runner's directory expansion (and so the notebook smoke test) skips notebooks/workshop/", () => {
    const expanded = expandNotebookArgs([NOTEBOOKS]).map((f) => path.resolve(f));
    assert.deepEqual(
      expanded,
      sources.map((f) => path.resolve(f)),
    );
    assert.ok(expanded.every((f) => !f.includes(`${path.sep}workshop${path.sep}`)));
  });
});

describe("workshop: executed in a real kernel (smoke mode)", function () {
  this.timeout(15 * 60 * 1000);
  const withStubs = sources.filter((f) => solutionLabels(readNotebook(f)).size > 0);
  const env = process.env.BESSELBOOK_WORKSHOP_RUN;
  // Default: the first of these present (fast, no training), else the first notebook with
  // solutions.
  const preferred =
    ["08_information_lower_bounds", "02_modality_gap_theory"]
      .map((s) => withStubs.find((f) => stemOf(f) === s))
      .find(Boolean) ?? withStubs[0];
  const toRun =
    env === "all"
      ? withStubs
      : env
        ? withStubs.filter((f) => env.split(",").includes(stemOf(f)))
        : preferred
          ? [preferred]
          : [];
  const tmpFiles: string[] = [];
  after(() => tmpFiles.forEach((f) => fs.rmSync(f, { force: true })));

  it("a stub prints one line naming the exercise and Run All carries on; strict mode fails with that one line", async function () {
    const file = withStubs[0];
    if (!file) this.skip();
    const copy = readNotebook(path.join(WORKSHOP, path.basename(file!)));
    const stub = copy.cells.find((c) => cellTags(c).includes(STUB_TAG))!;
    // The stub, then a cell after it: the second must still run. In the workshop folder, as
    // students run it.
    const after = {
      cell_type: "code" as const,
      id: "after-stub",
      metadata: {},
      source: 'console.log("after the stub");',
      outputs: [],
      execution_count: null,
    };
    const probe = path.join(WORKSHOP, `.stub-probe-${process.pid}.ipynb`);
    tmpFiles.push(probe);
    writeNotebook(probe, { ...copy, cells: [stub, after] });
    const label = [...solutionLabels(readNotebook(file!)).values()][0]!;
    const line = `${label} in ${stemOf(file!)} is not solved yet`;
    const r = await runNotebook(probe, {
      mode: "smoke",
      out: OUT,
      timeoutS: CELL_TIMEOUT_S,
      displayPath: "stub-probe",
    });
    if (!r.ok) assert.fail(r.failure!.message);
    assert.match(r.cells[0]!.stderr, new RegExp(`^⚠ ${line}`));
    assert.equal(r.cells[0]!.stderr.trim().split("\n").length, 1, "one line, no stack");
    assert.equal(r.cells[1]!.status, "ok");
    assert.match(JSON.stringify(r.cells[1]!.outputs), /after the stub/);

    const saved = process.env.BESSELBOOK_EXERCISES;
    process.env.BESSELBOOK_EXERCISES = "strict";
    try {
      const s = await runNotebook(probe, {
        mode: "smoke",
        out: OUT,
        timeoutS: CELL_TIMEOUT_S,
        displayPath: "stub-probe",
      });
      assert.equal(s.ok, false, "strict: the stub fails until it is filled in");
      assert.equal(s.failure?.kind, "error");
      assert.match(s.failure!.summary, new RegExp(`^ExerciseError: ${line}`));
      assert.equal(
        s.cells[0]!.stderr.trim().split("\n").length,
        1,
        `one line, no stack frames: ${s.cells[0]!.stderr}`,
      );
    } finally {
      if (saved === undefined) delete process.env.BESSELBOOK_EXERCISES;
      else process.env.BESSELBOOK_EXERCISES = saved;
    }
  });

  it("a workshop copy run in full mode writes its figures and results under notebooks/workshop/out/", async () => {
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: {
          name: "besselbook",
          display_name: "TypeScript (besselbook)",
          language: "typescript",
        },
      },
      cells: [
        {
          cell_type: "code",
          id: "c",
          metadata: {},
          outputs: [],
          execution_count: null,
          source:
            'import { notebook, outRoot } from "besselbook";\nnotebook("99_out_probe");\nconsole.log(outRoot());',
        },
      ],
    };
    const probe = path.join(WORKSHOP, `.out-probe-${process.pid}.ipynb`);
    tmpFiles.push(probe);
    writeNotebook(probe, nb);
    const saved = process.env.BESSELBOOK_OUT;
    delete process.env.BESSELBOOK_OUT;
    try {
      const r = await runNotebook(probe, {
        mode: "full",
        timeoutS: CELL_TIMEOUT_S,
        displayPath: "out-probe",
      });
      if (!r.ok) assert.fail(r.failure!.message);
      assert.match(
        JSON.stringify(r.cells[0]!.outputs),
        new RegExp(path.join(WORKSHOP, "out").replace(/[/\\]/g, ".")),
      );
    } finally {
      if (saved !== undefined) process.env.BESSELBOOK_OUT = saved;
    }
  });

  for (const file of toRun) {
    const stem = stemOf(file);
    it(`${stem}: the workshop copy with its solutions put back runs in smoke mode`, async () => {
      const restored = restoreSolutions(
        readNotebook(path.join(WORKSHOP, `${stem}.ipynb`)),
        readNotebook(file),
      );
      // Run it from notebooks/workshop/ (where students run the copy); hidden name, removed after.
      const target = path.join(WORKSHOP, `.restored-${stem}-${process.pid}.ipynb`);
      tmpFiles.push(target);
      writeNotebook(target, restored);
      const r = await runNotebook(target, {
        mode: "smoke",
        out: OUT,
        timeoutS: CELL_TIMEOUT_S,
        displayPath: `notebooks/workshop/${stem}.ipynb (solutions restored)`,
      });
      if (!r.ok) assert.fail(r.failure!.message);
      const solutions = restored.cells.filter((c) => cellTags(c).includes("solution")).length;
      console.log(
        `      ${stem}: ${(r.timings.totalMs / 1000).toFixed(1)} s, ${r.cells.length} cells incl. ${solutions} solutions`,
      );
    });
  }
});
