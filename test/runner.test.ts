/**
 * Runner fault tests: each fixture in test/fixtures exercises one way a notebook run can go, through
 * the same kernelspec argv JupyterLab uses. After every kernel test we check no kernel survived.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  KernelClient,
  findKernelSpec,
  installKernelSpec,
  kernelSpec,
  main,
  parseParam,
  readNotebook,
  runNotebook,
  runNotebooks,
  serializeNotebook,
  splitLines,
  RunResult,
} from "besselbook/dist/runner";

const ROOT = path.resolve(__dirname, "..", "..");
const FIX = path.join(ROOT, "test", "fixtures");
const fx = (name: string) => path.join("test", "fixtures", name);
// Scratch space inside the repo: tslab type-checks cells against the kernel cwd's node_modules/@types.
const SCRATCH = path.join(ROOT, ".besselbook", "runner-test");

function scratchCopy(name: string): string {
  fs.mkdirSync(SCRATCH, { recursive: true });
  const dst = path.join(SCRATCH, `${process.pid}-${name}`);
  fs.copyFileSync(path.join(FIX, name), dst);
  return dst;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes whose command line mentions `needle` or whose process group is `pgid`. */
function processesMatching(needle?: string, pgid?: number): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,pgid=,stat=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => l.trim())
    .filter((l) => {
      const [, g, stat] = l.trim().split(/\s+/);
      if (stat.startsWith("Z")) return false; // exited, waiting to be reaped: not running
      return (needle !== undefined && l.includes(needle) && !l.includes("ps -eo")) || (pgid !== undefined && Number(g) === pgid);
    });
}

/** Assert the kernel of a run is gone (polls briefly: SIGKILL delivery is asynchronous). */
async function assertNoKernelLeft(r: { kernelPid?: number; connectionFile?: string }): Promise<void> {
  assert.ok(r.kernelPid, "run should report the kernel pid");
  let left: string[] = [];
  for (let i = 0; i < 50; i++) {
    left = processesMatching(r.connectionFile, r.kernelPid);
    if (!left.length) return;
    await sleep(100);
  }
  assert.fail(`kernel processes left behind:\n${left.join("\n")}`);
}

/** Capture console output of an in-process CLI call. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const log = console.log, error = console.error;
  let out = "", err = "";
  console.log = (...a: unknown[]) => void (out += a.join(" ") + "\n");
  console.error = (...a: unknown[]) => void (err += a.join(" ") + "\n");
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe("runner: notebook IO and helpers", () => {
  it("round-trips Jupyter-written JSON byte for byte", () => {
    for (const f of ["pass.ipynb", "throw.ipynb", "loop.ipynb"]) {
      const file = path.join(FIX, f);
      assert.equal(serializeNotebook(readNotebook(file)), fs.readFileSync(file, "utf8"), f);
    }
  });
  it("upgrades nbformat 4.4 (no cell ids) to 4.5 with stable ids, keeping vega-lite JSON as an object", async () => {
    const { parseNotebook } = await import("besselbook/dist/runner/notebook");
    const text = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 4,
      metadata: { signature: "x" },
      cells: [
        { cell_type: "markdown", metadata: {}, source: ["# t\n", "body"] },
        {
          cell_type: "code", metadata: { trusted: true }, execution_count: 1, source: "show(x)",
          outputs: [{ output_type: "display_data", metadata: {}, data: { "application/vnd.vegalite.v5+json": { mark: "line" }, "text/plain": ["a\n", "b"] } }],
        },
      ],
    });
    const once = serializeNotebook(parseNotebook("mem.ipynb", text));
    assert.equal(once, serializeNotebook(parseNotebook("mem.ipynb", text)), "ids must not be random");
    const nb = JSON.parse(once);
    assert.equal(nb.nbformat_minor, 5);
    assert.match(nb.cells[0].id, /^[0-9a-f]{8}$/);
    assert.notEqual(nb.cells[0].id, nb.cells[1].id);
    assert.deepEqual(nb.cells[1].metadata, {}, "transient 'trusted' is stripped like nbformat does");
    assert.equal(nb.metadata.signature, undefined);
    assert.deepEqual(nb.cells[1].outputs[0].data, { "application/vnd.vegalite.v5+json": { mark: "line" }, "text/plain": ["a\n", "b"] });
    assert.deepEqual(nb.cells[0].source, ["# t\n", "body"]);
  });
  it("splits lines like Python's str.splitlines(keepends=True)", () => {
    assert.deepEqual(splitLines("a\nb\r\nc\rd"), ["a\n", "b\r\n", "c\r", "d"]);
    assert.deepEqual(splitLines("x\n"), ["x\n"]);
    assert.deepEqual(splitLines(""), []);
  });
  it("parses -p values as JSON when they parse, else as strings", () => {
    assert.deepEqual(parseParam("epochs=2"), ["epochs", 2]);
    assert.deepEqual(parseParam("flag=true"), ["flag", true]);
    assert.deepEqual(parseParam("name=fashion"), ["name", "fashion"]);
    assert.deepEqual(parseParam("list=[1,2]"), ["list", [1, 2]]);
    assert.deepEqual(parseParam("expr=a=b"), ["expr", "a=b"]);
    assert.throws(() => parseParam("novalue"), /key=value/);
  });
  it("rejects malformed JSON with a clear error", () => {
    assert.throws(() => readNotebook(path.join(FIX, "malformed.ipynb")), /malformed\.ipynb: not valid JSON/);
  });
  it("rejects JSON that is not an nbformat-4 notebook", () => {
    assert.throws(() => readNotebook(path.join(FIX, "not-notebook.ipynb")), /not a Jupyter notebook: nbformat is undefined/);
  });
});

describe("runner: kernelspec", () => {
  let dataDir: string;
  const saved = process.env.JUPYTER_DATA_DIR;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-jupyter-"));
    process.env.JUPYTER_DATA_DIR = dataDir;
  });
  after(() => {
    if (saved === undefined) delete process.env.JUPYTER_DATA_DIR;
    else process.env.JUPYTER_DATA_DIR = saved;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("builds argv that starts the project-local tslab with the project's node", () => {
    const spec = kernelSpec();
    assert.equal(spec.display_name, "TypeScript (besselbook)");
    assert.equal(spec.language, "typescript");
    assert.equal(spec.argv[0], process.execPath);
    assert.equal(spec.argv[1], path.join(ROOT, "node_modules", "tslab", "bin", "tslab"));
    assert.ok(fs.existsSync(spec.argv[1]));
    assert.deepEqual(spec.argv.slice(2), ["kernel", "--config-path", "{connection_file}"]);
    assert.equal(spec.interrupt_mode, "signal");
  });

  it("`kernel install` writes kernel.json into $JUPYTER_DATA_DIR/kernels/besselbook", async () => {
    const { code, out } = await cli(["kernel", "install"]);
    assert.equal(code, 0);
    const file = path.join(dataDir, "kernels", "besselbook", "kernel.json");
    assert.match(out, new RegExp(path.dirname(file).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), kernelSpec());
    assert.equal(findKernelSpec("besselbook").resourceDir, path.dirname(file));
  });

  it("an unknown --kernel lists the kernels that exist, before running anything", async () => {
    installKernelSpec({ dataDir });
    const copy = scratchCopy("pass.ipynb");
    const before = fs.readFileSync(copy);
    const { code, err } = await cli(["run", copy, "--save", "--kernel", "no-such-kernel"]);
    assert.equal(code, 2);
    assert.match(err, /no kernelspec named "no-such-kernel"; installed kernels: .*besselbook/);
    assert.ok(fs.readFileSync(copy).equals(before));
    fs.rmSync(copy);
  });
});

describe("runner: executing fixture notebooks", function () {
  // Kernel start is 2-3 s idle but >10 s when the two cores are busy with other test suites.
  this.timeout(180000);
  after(() => fs.rmSync(SCRATCH, { recursive: true, force: true }));
  afterEach(async () => {
    // Whatever the test did, no kernel started by this process may still be running.
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = execFileSync("ps", ["-eo", "pid=,ppid=,stat=,args="], { encoding: "utf8" })
        .split("\n")
        .filter((l) => {
          const [, ppid, stat] = l.trim().split(/\s+/);
          return Number(ppid) === process.pid && !stat?.startsWith("Z") && l.includes("tslab");
        });
      if (!left.length) return;
      await sleep(100);
    }
    assert.fail(`kernels still running after the test:\n${left.join("\n")}`);
  });

  let passed: RunResult;
  let savedCopy: string;
  before(async () => {
    savedCopy = scratchCopy("pass.ipynb");
    passed = await runNotebook(savedCopy, { mode: "smoke", params: { epochs: 2, name: "fashion" }, out: "out-dir", save: true, timeoutS: 60 });
  });

  it("a passing notebook collects streams and displays, and sees mode, -p values, cwd and --out", async () => {
    assert.equal(passed.failure?.message, undefined);
    assert.ok(passed.ok);
    const byId = (id: string) => passed.notebook.cells.find((c) => c.id === id)!;
    assert.deepEqual(byId("c2").outputs, [{ output_type: "stream", name: "stdout", text: 'mode=smoke\nparams={"epochs":2,"name":"fashion"}\n' }]);
    // Consecutive same-name streams merge; a stderr write in between splits them (as in Jupyter).
    assert.deepEqual(byId("c3").outputs, [
      { output_type: "stream", name: "stdout", text: "line 1\nline 2\n" },
      { output_type: "stream", name: "stderr", text: "a warning\n" },
      { output_type: "stream", name: "stdout", text: "line 3\n" },
    ]);
    // display_data kept; update_display_data rewrote the one display in place (no extra outputs).
    assert.deepEqual(byId("c4").outputs, [
      { output_type: "display_data", data: { "text/html": "<b>bold</b>" }, metadata: {} },
      { output_type: "display_data", data: { "text/plain": "done" }, metadata: {} },
    ]);
    const env = (byId("c5").outputs![0] as { text: string }).text;
    assert.match(env, new RegExp(`^cwd=${SCRATCH}$`, "m"));
    assert.match(env, new RegExp(`^notebook=${savedCopy}$`, "m"));
    assert.match(env, new RegExp(`^out=${path.resolve("out-dir")}$`, "m"));
    assert.deepEqual(byId("c6").outputs, [{ output_type: "stream", name: "stdout", text: "async ok\n3\n" }]);
    assert.deepEqual(
      passed.cells.map((c) => c.executionCount),
      [1, 2, 3, 4, 5],
    );
    await assertNoKernelLeft(passed);
  });

  it("--save writes the executed notebook with outputs, counts and the besselbook kernelspec", () => {
    assert.ok(passed.saved);
    const text = fs.readFileSync(savedCopy, "utf8");
    assert.ok(text.endsWith("}\n"));
    const nb = JSON.parse(text);
    assert.equal(nb.nbformat_minor, 5);
    assert.deepEqual(nb.metadata.kernelspec, { display_name: "TypeScript (besselbook)", language: "typescript", name: "besselbook" });
    assert.equal(nb.metadata.language_info.name, "typescript");
    assert.deepEqual(nb.cells[2].outputs[0].text, ["line 1\n", "line 2\n"]);
    assert.deepEqual(nb.cells[1].metadata, { tags: ["parameters"] });
    assert.deepEqual(nb.cells.map((c: { id: string }) => c.id), ["c1", "c2", "c3", "c4", "c5", "c6"]);
    assert.equal(nb.cells[5].execution_count, 5);
    // Saved exactly in Jupyter's format: re-serializing what we read gives the same bytes.
    assert.equal(serializeNotebook(readNotebook(savedCopy)), text);
    assert.deepEqual(fs.readdirSync(SCRATCH).filter((f) => f.endsWith(".tmp")), []);
  });

  it("a throwing cell fails the run with path, cell, id, first source line, error and stderr", async () => {
    const r = await runNotebook(fx("throw.ipynb"), { timeoutS: 60 });
    assert.equal(r.ok, false);
    assert.equal(r.failure!.kind, "error");
    assert.equal(r.failure!.cell, 3);
    const [head, ...rest] = r.failure!.message.split("\n");
    assert.equal(head, 'test/fixtures/throw.ipynb: cell 3 (id c3) "console.log("about to throw");": Error: boom from fixture');
    assert.match(rest.join("\n"), /Error: boom from fixture\n\s+at /);
    assert.equal(r.cells.length, 2, "the cell after the failure must not run");
    assert.deepEqual(r.notebook.cells[2].outputs![0], { output_type: "stream", name: "stdout", text: "about to throw\n" });
    await assertNoKernelLeft(r);
  });

  it("a type error (tslab stderr + status error, no error message) is a failure", async () => {
    const r = await runNotebook(fx("typeerror.ipynb"), { timeoutS: 60 });
    assert.equal(r.failure?.kind, "error");
    assert.match(r.failure!.message, /cell 1 \(id c1\) .*TypeScript error at 1:7 - Type 'string' is not assignable to type 'number'/);
    await assertNoKernelLeft(r);
  });

  it("a cell tagged raises-exception may fail; the next cell still runs", async () => {
    const r = await runNotebook(fx("allowed-error.ipynb"), { timeoutS: 60 });
    assert.ok(r.ok, r.failure?.message);
    assert.deepEqual(r.cells.map((c) => c.status), ["allowed-error", "ok"]);
    assert.deepEqual(r.notebook.cells[1].outputs, [{ output_type: "stream", name: "stdout", text: "still runs\n" }]);
    await assertNoKernelLeft(r);
  });

  it("an infinite loop is interrupted after --timeout and reported", async () => {
    const copy = scratchCopy("loop.ipynb");
    const before = fs.readFileSync(copy);
    const r = await runNotebook(copy, { timeoutS: 5, save: true, displayPath: "loop.ipynb" });
    assert.equal(r.failure?.kind, "timeout");
    assert.match(r.failure!.message, /^loop\.ipynb: cell 2 \(id c2\) "while \(true\) \{\}": timed out after 5 s in cell 2/);
    assert.ok(fs.readFileSync(copy).equals(before), "a failed run must leave the notebook byte-identical");
    await assertNoKernelLeft(r);
  });

  it("a cell that kills the kernel is reported as kernel death, source untouched", async () => {
    const copy = scratchCopy("exit.ipynb");
    const before = fs.readFileSync(copy);
    const r = await runNotebook(copy, { timeoutS: 60, save: true });
    assert.equal(r.failure?.kind, "died");
    assert.match(r.failure!.message, /cell 2 \(id c2\) "console\.log\("exiting"\);": kernel died in cell 2 \(exit code 3\)/);
    assert.ok(fs.readFileSync(copy).equals(before));
    assert.equal(r.saved, false);
    await assertNoKernelLeft(r);
  });

  it("validates every notebook before starting any kernel (malformed / not a notebook)", async () => {
    const copy = scratchCopy("pass.ipynb");
    const before = fs.readFileSync(copy);
    for (const bad of ["malformed.ipynb", "not-notebook.ipynb"]) {
      await assert.rejects(runNotebooks([copy, fx(bad)], { save: true }), new RegExp(bad.replace(".", "\\.")));
      const { code, err } = await cli(["run", copy, fx(bad), "--save"]);
      assert.equal(code, 2);
      assert.match(err, bad === "malformed.ipynb" ? /not valid JSON/ : /not a Jupyter notebook/);
    }
    // Had the valid notebook run, --save would have rewritten it.
    assert.ok(fs.readFileSync(copy).equals(before));
  });

  it("the CLI runs notebooks concurrently with --jobs, prints a summary and exits 1 on failure", async () => {
    const { code, out, err } = await cli(["run", fx("allowed-error.ipynb"), fx("throw.ipynb"), "--jobs", "2", "--timeout", "60", "--mode", "smoke"]);
    assert.equal(code, 1);
    assert.match(out, /✓ test\/fixtures\/allowed-error\.ipynb {2}\d+\.\d s/);
    assert.match(out, /✗ test\/fixtures\/throw\.ipynb/);
    assert.match(out, /^2 notebooks: 1 passed, 1 failed/m);
    assert.match(err, /test\/fixtures\/throw\.ipynb: cell 3 \(id c3\)/);
  });

  it("heartbeat answers while the kernel is alive; shutdown leaves no process", async () => {
    const spec = kernelSpec();
    const k = await KernelClient.start({ spec, cwd: FIX, startTimeoutMs: 120000 });
    assert.equal(await k.ping(5000), true);
    const r = await k.execute("console.log(6 * 7)", { timeoutMs: 30000 });
    assert.equal(r.kind, "reply");
    await k.shutdown();
    assert.equal(fs.existsSync(k.connectionFile), false, "connection file (holds the key) is removed");
    await assertNoKernelLeft({ kernelPid: k.pid, connectionFile: k.connectionFile });
  });

  it("Ctrl-C (SIGINT) stops the CLI, kills the kernel and leaves the notebook untouched", async () => {
    const copy = scratchCopy("loop.ipynb");
    const before = fs.readFileSync(copy);
    const child = spawn(process.execPath, [path.join(ROOT, "lib", "bin", "besselbook.js"), "run", copy, "--save"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr!.on("data", (b) => (err += b));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    // Wait until the kernel (a child of the CLI, in its own process group) is running the loop.
    let kernelPid: number | undefined;
    for (let i = 0; i < 1200 && !kernelPid; i++) {
      const rows = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" }).split("\n");
      const row = rows.find((l) => l.trim().split(/\s+/)[1] === String(child.pid) && l.includes("tslab"));
      if (row) kernelPid = Number(row.trim().split(/\s+/)[0]);
      else await sleep(100);
    }
    assert.ok(kernelPid, "kernel process should appear");
    await sleep(3000); // let it get into the infinite loop
    child.kill("SIGINT");
    assert.equal(await exited, 130, err);
    assert.match(err, /SIGINT: stopping kernels/);
    assert.ok(fs.readFileSync(copy).equals(before));
    await assertNoKernelLeft({ kernelPid });
  });

  it("cross-check: real Jupyter (nbconvert/nbclient) runs the installed kernelspec and gets the same outputs", async function () {
    const jupyter = "/usr/bin/jupyter";
    const hasNbconvert = fs.existsSync(jupyter) && fs.existsSync("/usr/lib/python3/dist-packages/nbconvert");
    if (!hasNbconvert) this.skip(); // Debian jupyter-nbconvert not installed
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-jupyter-x-"));
    try {
      installKernelSpec({ dataDir });
      const ours = scratchCopy("pass.ipynb");
      const theirs = path.join(SCRATCH, `${process.pid}-nbconvert.ipynb`);
      fs.copyFileSync(path.join(FIX, "pass.ipynb"), theirs);
      const env = { ...process.env, JUPYTER_DATA_DIR: dataDir, BESSELBOOK_MODE: "smoke", BESSELBOOK_PARAMS: '{"epochs":2}', BESSELBOOK_OUT: "/tmp/x", BESSELBOOK_NOTEBOOK: ours };
      await new Promise<void>((resolve, reject) => {
        const p = spawn(jupyter, ["nbconvert", "--to", "notebook", "--execute", "--inplace", "--ExecutePreprocessor.kernel_name=besselbook", "--ExecutePreprocessor.timeout=120", theirs], { env, stdio: ["ignore", "ignore", "pipe"] });
        let err = "";
        p.stderr!.on("data", (b) => (err += b));
        p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`nbconvert exited ${code}:\n${err}`))));
      });
      const r = await runNotebook(ours, { mode: "smoke", params: { epochs: 2 }, out: "/tmp/x", save: true, timeoutS: 60 });
      assert.ok(r.ok, r.failure?.message);
      const a = JSON.parse(fs.readFileSync(theirs, "utf8")), b = JSON.parse(fs.readFileSync(ours, "utf8"));
      for (let i = 0; i < a.cells.length; i++) {
        if (a.cells[i].cell_type !== "code") continue;
        assert.deepEqual(b.cells[i].outputs, a.cells[i].outputs, `outputs of cell ${i + 1}`);
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("SIGTERM to a host using the API (no handlers of its own) kills its kernels and still terminates it", async () => {
    const script = `require(${JSON.stringify(path.join(ROOT, "lib", "dist", "runner"))}).runNotebook(${JSON.stringify(fx("loop.ipynb"))}, { timeoutS: 600 })`;
    const child = spawn(process.execPath, ["-e", script], { cwd: ROOT, stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_c, sig) => r(sig)));
    let kernelPid: number | undefined;
    for (let i = 0; i < 1200 && !kernelPid; i++) {
      const rows = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" }).split("\n");
      const row = rows.find((l) => l.trim().split(/\s+/)[1] === String(child.pid) && l.includes("tslab"));
      if (row) kernelPid = Number(row.trim().split(/\s+/)[0]);
      else await sleep(100);
    }
    assert.ok(kernelPid, "kernel process should appear");
    child.kill("SIGTERM");
    assert.equal(await exited, "SIGTERM", "the host keeps its default signal behaviour");
    await assertNoKernelLeft({ kernelPid });
  });
});
