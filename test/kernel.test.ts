import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DisplayMessage } from "besselbook";
import {
  check,
  displayBundle,
  mode,
  notebook,
  params,
  progress,
  record,
  resetSession,
  resultsDocument,
  show,
  useDisplayWriter,
  outRoot,
  repoRoot,
  VEGALITE_MIME,
  seed,
  chartBundle,
  exerciseTodo,
  CHART_SVG_MAX_BYTES,
  CHART_SPEC_MAX_BYTES,
  plot,
  BesselbookError,
  CheckError,
  ExerciseError,
  ShapeError,
} from "besselbook";
import { inspect } from "node:util";

/** Run fn with environment variables set (undefined deletes), restoring them afterwards. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

/** Capture console.log lines while fn runs. */
function logs<T>(fn: () => T): { lines: string[]; value: T } {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.map(String).join(" "));
  };
  try {
    return { lines, value: fn() };
  } finally {
    console.log = orig;
  }
}

describe("kernel: mode and params", () => {
  beforeEach(() => resetSession());

  it("mode defaults to full, reads BESSELBOOK_MODE, rejects unknown modes naming the choices", () => {
    withEnv({ BESSELBOOK_MODE: undefined }, () => assert.equal(mode(), "full"));
    withEnv({ BESSELBOOK_MODE: "smoke" }, () => assert.equal(mode(), "smoke"));
    withEnv({ BESSELBOOK_MODE: "fast" }, () =>
      assert.throws(() => mode(), /BESSELBOOK_MODE.*"full", "smoke"/),
    );
  });

  it("types parameters by kind, not by literal default (a boolean default can be reassigned false)", () => {
    withEnv({ BESSELBOOK_MODE: "smoke", BESSELBOOK_PARAMS: undefined }, () => {
      // Compile-time part: with literal inference `P.augment` would have type `true` and this
      // smoke override and assignment would not type-check, so the test file would not build.
      const P = logs(() =>
        params({ augment: true, epochs: 4 }, { smoke: { augment: false } }),
      ).value;
      const off: boolean = P.augment;
      P.epochs = 7;
      assert.equal(off, false);
      assert.equal(P.epochs, 7);
    });
  });

  it("applies smoke overrides only in smoke mode, then BESSELBOOK_PARAMS, and prints one line", () => {
    const full = { epochs: 12, lr: 0.01, tag: "a", fast: false };
    withEnv({ BESSELBOOK_MODE: "full", BESSELBOOK_PARAMS: undefined }, () => {
      const { value, lines } = logs(() => params(full, { smoke: { epochs: 1 } }));
      assert.deepEqual(value, full);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /full mode.*epochs=12/);
    });
    withEnv(
      { BESSELBOOK_MODE: "smoke", BESSELBOOK_PARAMS: '{"lr": 0.5, "fast": "true", "tag": "b"}' },
      () => {
        const { value, lines } = logs(() => params(full, { smoke: { epochs: 1 } }));
        assert.deepEqual(value, { epochs: 1, lr: 0.5, tag: "b", fast: true });
        assert.match(lines[0]!, /smoke mode.*epochs=1\*.*lr=0\.5\*/);
      },
    );
    withEnv({ BESSELBOOK_MODE: "smoke", BESSELBOOK_PARAMS: '{"epochs": "3"}' }, () => {
      // the runner's -p k=v may deliver strings; numeric strings become numbers and win over smoke
      assert.equal(logs(() => params(full, { smoke: { epochs: 1 } })).value.epochs, 3);
    });
  });

  it("unknown keys list the known ones; type mismatches say what was expected", () => {
    const full = { epochs: 12, lr: 0.01 };
    withEnv({ BESSELBOOK_PARAMS: '{"epoch": 2}' }, () => {
      assert.throws(
        () => logs(() => params(full)),
        (e: Error) =>
          e instanceof BesselbookError &&
          /unknown key "epoch"/.test(e.message) &&
          /known keys: epochs, lr/.test(e.message),
      );
    });
    withEnv({ BESSELBOOK_PARAMS: '{"epochs": "many"}' }, () => {
      assert.throws(
        () => logs(() => params(full)),
        /epochs = "many" \(string\); expected a number/,
      );
    });
    withEnv({ BESSELBOOK_PARAMS: "[1]" }, () =>
      assert.throws(() => logs(() => params(full)), /must be a JSON object/),
    );
    withEnv({ BESSELBOOK_PARAMS: "{oops" }, () =>
      assert.throws(() => logs(() => params(full)), /not valid JSON/),
    );
    withEnv({ BESSELBOOK_PARAMS: undefined, BESSELBOOK_MODE: "smoke" }, () => {
      assert.throws(
        () => logs(() => params(full, { smoke: { epoch: 1 } as never })),
        /smoke overrides has unknown key "epoch"/,
      );
      assert.throws(
        () =>
          logs(() =>
            params(full, {
              smoke: { epochs: "1" as unknown as number, lr: true as unknown as number },
            }),
          ),
        /lr = true \(boolean\); expected a number/,
      );
    });
  });

  it("notebook() validates the id; seed() validates and is recorded", () => {
    assert.throws(() => notebook("../evil"), RangeError);
    assert.throws(() => notebook(""), RangeError);
    notebook("01_ok.v2");
    assert.equal(resultsDocument().notebook, "01_ok.v2");
    assert.throws(() => seed(-1), RangeError);
    assert.throws(() => seed(1.5), RangeError);
    seed(7);
    assert.equal(resultsDocument().seed, 7);
  });
});

describe("kernel: output paths", () => {
  beforeEach(() => resetSession());
  it("repo root has workspaces [lib]; full → root, smoke → .besselbook/smoke, BESSELBOOK_OUT wins (relative to cwd)", () => {
    const root = repoRoot();
    const pj = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
      workspaces: string[];
    };
    assert.ok(pj.workspaces.includes("lib"));
    withEnv({ BESSELBOOK_OUT: undefined, BESSELBOOK_MODE: "full" }, () =>
      assert.equal(outRoot(), root),
    );
    withEnv({ BESSELBOOK_OUT: undefined, BESSELBOOK_MODE: "smoke" }, () =>
      assert.equal(outRoot(), path.join(root, ".besselbook", "smoke")),
    );
    withEnv({ BESSELBOOK_OUT: "some/dir", BESSELBOOK_MODE: "smoke" }, () =>
      assert.equal(outRoot(), path.resolve(process.cwd(), "some/dir")),
    );
  });

  it("a workshop copy (kernel cwd notebooks/workshop/) writes to notebooks/workshop/out/ in full mode", () => {
    const root = repoRoot();
    const ws = path.join(root, "notebooks", "workshop");
    const here = process.cwd();
    process.chdir(ws);
    try {
      withEnv({ BESSELBOOK_OUT: undefined, BESSELBOOK_MODE: "full" }, () =>
        assert.equal(outRoot(), path.join(ws, "out")),
      );
      withEnv({ BESSELBOOK_OUT: undefined, BESSELBOOK_MODE: "smoke" }, () =>
        assert.equal(outRoot(), path.join(root, ".besselbook", "smoke")),
      );
      withEnv({ BESSELBOOK_OUT: "/tmp/x", BESSELBOOK_MODE: "full" }, () =>
        assert.equal(outRoot(), "/tmp/x"),
      );
      process.chdir(path.join(root, "notebooks"));
      withEnv({ BESSELBOOK_OUT: undefined, BESSELBOOK_MODE: "full" }, () =>
        assert.equal(outRoot(), root, "source notebooks still write the repo"),
      );
    } finally {
      process.chdir(here);
    }
  });

  it("exerciseTodo: one stderr line naming the exercise by default; strict → a one-line ExerciseError; bad input → RangeError", () => {
    const write = process.stderr.write;
    let err = "";
    (process.stderr as { write: unknown }).write = (c: string) => {
      err += c;
      return true;
    };
    try {
      withEnv({ BESSELBOOK_EXERCISES: undefined }, () =>
        exerciseTodo("Exercise 2", "05_bessel_cnn"),
      );
    } finally {
      (process.stderr as { write: unknown }).write = write;
    }
    assert.equal(
      err,
      "⚠ Exercise 2 in 05_bessel_cnn is not solved yet: write your solution in this cell (and delete the exerciseTodo line); the notebook carries on.\n",
    );
    withEnv({ BESSELBOOK_EXERCISES: "strict" }, () => {
      try {
        exerciseTodo("Exercise 2", "05_bessel_cnn");
        assert.fail("strict mode must throw");
      } catch (e) {
        assert.ok(e instanceof ExerciseError);
        // tslab prints a failing cell's error with util.inspect (console.error): one line, no
        // frames.
        assert.equal(
          inspect(e),
          "ExerciseError: Exercise 2 in 05_bessel_cnn is not solved yet: write your solution in this cell (and delete the exerciseTodo line)",
        );
      }
    });
    withEnv({ BESSELBOOK_EXERCISES: "sometimes" }, () =>
      assert.throws(
        () => exerciseTodo("Exercise 2", "x"),
        /BESSELBOOK_EXERCISES = "sometimes" is out of domain/,
      ),
    );
    assert.throws(() => exerciseTodo("", "x"), RangeError);
  });
});

describe("kernel: display bundles and show()", function () {
  this.timeout(60000);
  afterEach(() => {
    useDisplayWriter(undefined);
    resetSession();
  });

  const chart = () => plot.line({ x: [0, 1, 2], y: [0, 1, 4], title: "squares" });

  it("chart bundle: vega-lite v5 spec object + PNG + SVG + text/plain, nothing else", () => {
    const b = displayBundle(chart());
    assert.deepEqual(
      Object.keys(b).sort(),
      [VEGALITE_MIME, "image/png", "image/svg+xml", "text/plain"].sort(),
    );
    // The PNG (what classic Notebook shows for an untrusted notebook) is the SVG at 2×, and the
    // metadata asks front ends to show it at the chart's CSS size.
    const png = Buffer.from(String(b["image/png"]), "base64");
    assert.equal(png.subarray(1, 4).toString("ascii"), "PNG");
    const cb = chartBundle(chart());
    const m = /width="(\d+)" height="(\d+)"/.exec(String(b["image/svg+xml"]))!;
    assert.deepEqual(cb.metadata, { "image/png": { width: Number(m[1]), height: Number(m[2]) } });
    assert.equal(
      png.readUInt32BE(16),
      Number(m[1]),
      "with the SVG in the bundle, the PNG is 1× (the SVG is the sharp copy)",
    );
    assert.deepEqual(cb.dropped, []);
    assert.equal(VEGALITE_MIME, "application/vnd.vegalite.v5+json");
    const spec = b[VEGALITE_MIME] as Record<string, unknown>;
    assert.equal(typeof spec, "object");
    assert.match(String(spec.$schema), /vega-lite\/v5/);
    assert.match(String(b["image/svg+xml"]), /^<svg /);
    assert.match(String(b["text/plain"]), /line chart "squares"/);
    // a hand-written spec without $schema is recognised and gets one
    const hand = displayBundle({
      data: { values: [{ a: 1 }] },
      mark: "bar",
      encoding: { x: { field: "a", type: "quantitative" } },
    });
    assert.match(String((hand[VEGALITE_MIME] as { $schema: string }).$schema), /v5/);
  });

  it("size rule: a chart with many marks keeps its PNG and drops the SVG (and a huge spec), saying so", () => {
    // 6,000 points: the SVG is ~100 bytes per point, over CHART_SVG_MAX_BYTES; the spec (~30 bytes
    // per row) stays under CHART_SPEC_MAX_BYTES. 12,000 points push the spec over too.
    const pts = (n: number) =>
      plot.scatter({
        x: Array.from({ length: n }, (_, i) => Math.sin(i)),
        y: Array.from({ length: n }, (_, i) => Math.cos(1.3 * i)),
      });
    const mid = chartBundle(pts(6000));
    assert.deepEqual(mid.dropped, ["image/svg+xml"]);
    const midPng = Buffer.from(String(mid.data["image/png"]), "base64");
    assert.equal(
      midPng.readUInt32BE(16),
      2 * (mid.metadata["image/png"] as { width: number }).width,
      "the only static image: 2×",
    );
    assert.deepEqual(
      Object.keys(mid.data).sort(),
      [VEGALITE_MIME, "image/png", "text/plain"].sort(),
    );
    assert.match(String(mid.data["text/plain"]), /static image only: the SVG, \d+ kB left out/);
    const big = chartBundle(pts(12000));
    assert.deepEqual(big.dropped.sort(), [VEGALITE_MIME, "image/svg+xml"].sort());
    const bytes = Buffer.byteLength(JSON.stringify(big.data));
    assert.ok(bytes < 500_000, `bundle ${bytes} bytes ≥ 500 kB`);
    assert.ok(Buffer.byteLength(JSON.stringify(chartBundle(chart()).data)) > 0);
    assert.ok(CHART_SVG_MAX_BYTES < 500_000 && CHART_SPEC_MAX_BYTES < 500_000);
  });

  it("danfo DataFrame/Series (duck-typed) → HTML table + text; record arrays → table; others → text/plain", () => {
    // Shape of a danfojs 1.2 DataFrame as seen from outside (no danfo import needed here).
    const df = {
      $data: [],
      columns: ["a", "b"],
      index: [0, 1],
      values: [
        [1, "x<y"],
        [2.123456789, "z"],
      ],
      shape: [2, 2],
    };
    const b = displayBundle(df);
    assert.deepEqual(Object.keys(b).sort(), ["text/html", "text/plain"]);
    assert.match(String(b["text/html"]), /<th>a<\/th><th>b<\/th>/);
    assert.match(String(b["text/html"]), /x&lt;y/);
    assert.match(String(b["text/html"]), /2\.12346/);
    const series = {
      $data: [],
      $isSeries: true,
      columns: ["a"],
      index: [0, 1, 2],
      values: [1, 2, 3],
      shape: [3, 1],
    };
    assert.match(String(displayBundle(series)["text/plain"]), /a\n0  1/);
    const rows = displayBundle([
      { k: "a", v: 1 },
      { k: "b", v: 2 },
    ]);
    assert.match(String(rows["text/html"]), /<td>b<\/td><td>2<\/td>/);
    assert.deepEqual(displayBundle("hi"), { "text/plain": "hi" });
    assert.deepEqual(Object.keys(displayBundle({ a: 1 })), ["text/plain"]);
    const big = displayBundle(Array.from({ length: 100 }, (_, i) => ({ i })));
    assert.match(String(big["text/html"]), /100 rows × 1 columns/);
  });

  it("in a kernel: ONE display_data message per show(); with { name } it also writes the files", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bb-show-"));
    const sent: { msg: DisplayMessage; update: boolean }[] = [];
    useDisplayWriter((msg, update) => sent.push({ msg, update }));
    withEnv({ BESSELBOOK_OUT: out }, () => {
      notebook("00_show_test");
      show(chart(), { name: "squares" });
      show([{ a: 1 }]);
    });
    assert.equal(sent.length, 2);
    assert.equal(sent[0]!.update, false);
    assert.deepEqual(
      Object.keys(sent[0]!.msg.data).sort(),
      [VEGALITE_MIME, "image/png", "image/svg+xml", "text/plain"].sort(),
    );
    const svgFile = path.join(out, "figures", "00_show_test", "squares.svg");
    assert.equal(
      fs.readFileSync(svgFile, "utf8"),
      sent[0]!.msg.data["image/svg+xml"],
      "file = displayed SVG",
    );
    const shown = Buffer.from(String(sent[0]!.msg.data["image/png"]), "base64");
    assert.equal(
      shown.readUInt32BE(16) * 2,
      fs.readFileSync(svgFile.replace(/svg$/, "png")).readUInt32BE(16),
      "displayed PNG 1×, file 2×",
    );
    assert.ok(
      (sent[0]!.msg.metadata as Record<string, unknown>)["image/png"],
      "PNG display size in the metadata",
    );
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("finds tslab's per-cell display sender in require.cache (how show() reaches the kernel)", () => {
    // Simulate a loaded tslab/dist/jupyter.js whose exported lastWriteDisplayData is set, as
    // tslab does at the start of every execute_request.
    const key = path.join(os.tmpdir(), "fake", "node_modules", "tslab", "dist", "jupyter.js");
    const sent: DisplayMessage[] = [];
    const fake = {
      id: key,
      filename: key,
      loaded: true,
      exports: { lastWriteDisplayData: (m: DisplayMessage) => sent.push(m) },
    };
    require.cache[key] = fake as unknown as NodeModule;
    try {
      useDisplayWriter(undefined);
      show("via tslab");
      assert.deepEqual(sent, [{ data: { "text/plain": "via tslab" }, metadata: {} }]);
    } finally {
      delete require.cache[key];
    }
    const { lines } = logs(() => show("no tslab"));
    assert.deepEqual(lines, ["no tslab"], "falls back to printing once tslab is gone");
  });

  it("outside a kernel: prints text/plain (and where the figure went), never throws", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bb-show-"));
    useDisplayWriter(null);
    const { lines } = withEnv({ BESSELBOOK_OUT: out }, () =>
      logs(() => {
        notebook("00_show_test");
        show(chart(), { name: "sq" });
        show(42);
      }),
    );
    assert.match(lines[0]!, /<vega-lite line chart "squares"/);
    assert.match(lines[1]!, /figure: .*sq\.svg/);
    assert.equal(lines[2], "42");
    assert.throws(() => show(42, { name: "x" }), TypeError); // files need a chart
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("progress: one display_data with a display_id, then update_display_data with the same id", () => {
    const sent: { msg: DisplayMessage; update: boolean }[] = [];
    useDisplayWriter((msg, update) => sent.push({ msg, update }));
    const p = progress("training", { total: 3, throttleMs: 0 });
    for (let epoch = 1; epoch <= 3; epoch++) p.update({ epoch, loss: 1 / epoch });
    p.done({ acc: 0.9 });
    p.update({ epoch: 4 }); // ignored after done
    assert.equal(sent.length, 5);
    assert.equal(sent[0]!.update, false);
    assert.match(String(sent[0]!.msg.data["text/plain"]), /^training · starting/);
    assert.ok(sent.slice(1).every((s) => s.update));
    const id = sent[0]!.msg.transient!.display_id;
    assert.ok(id && sent.every((s) => s.msg.transient!.display_id === id));
    const last = String(sent[4]!.msg.data["text/plain"]);
    assert.match(last, /training · epoch 3\/3 · loss 0\.3333 · acc 0\.9 · done/);
    assert.doesNotMatch(last, /\d s\b/, "final state carries no timing");
    assert.match(String(sent[4]!.msg.data["text/html"]), /<progress value="1\.000"/);
    assert.throws(() => progress("x", { total: 0 }), RangeError);
  });

  it("progress outside a kernel prints throttled lines (first and final at least)", () => {
    useDisplayWriter(null);
    const { lines } = logs(() => {
      const p = progress("fit", { throttleMs: 60_000 });
      for (let step = 1; step <= 100; step++) p.update({ step, loss: 1 / step });
      p.done();
    });
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^fit · step 1 · loss 1/);
    assert.match(lines[1]!, /^fit · step 100 · loss 0\.01 · done$/);
  });
});

describe("kernel: record()", () => {
  let out: string;
  beforeEach(() => {
    resetSession();
    out = fs.mkdtempSync(path.join(os.tmpdir(), "bb-rec-"));
  });
  afterEach(() => {
    resetSession();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("writes results/<notebook>.json: sorted keys, no timestamps, merged across calls, provenance", () => {
    withEnv({ BESSELBOOK_OUT: out, BESSELBOOK_MODE: "smoke", BESSELBOOK_PARAMS: undefined }, () => {
      logs(() => {
        assert.throws(() => record({ a: 1 }), /notebook\(/);
        notebook("00_rec_test");
        seed(5);
        params({ epochs: 3 }, { smoke: { epochs: 1 } });
        record({ zeta: 2, alpha: { y: 1, x: new Float32Array([0.5]) } });
        record({ beta: true, zeta: 3 });
      });
      const file = path.join(out, "results", "00_rec_test.json");
      const text = fs.readFileSync(file, "utf8");
      const doc = JSON.parse(text);
      assert.deepEqual(Object.keys(doc), [
        "backend",
        "checks",
        "claims",
        "metrics",
        "mode",
        "notebook",
        "params",
        "seed",
        "versions",
      ]);
      assert.deepEqual(doc.metrics, { alpha: { x: [0.5], y: 1 }, beta: true, zeta: 3 });
      assert.deepEqual(Object.keys(doc.metrics.alpha), ["x", "y"]);
      assert.equal(doc.mode, "smoke");
      assert.equal(doc.seed, 5);
      assert.deepEqual(doc.params, { epochs: 1 });
      assert.equal(doc.versions.node, process.version);
      assert.match(doc.versions.besselbook, /^\d+\.\d+\.\d+/);
      assert.doesNotMatch(text, /20\d\d-\d\d-\d\dT/, "no timestamps");
      assert.ok(text.endsWith("}\n"));
      // same numbers → same bytes
      logs(() => record({ zeta: 3 }));
      assert.equal(fs.readFileSync(file, "utf8"), text);
      assert.deepEqual(
        fs.readdirSync(path.dirname(file)),
        ["00_rec_test.json"],
        "no temp files left",
      );
    });
  });

  it("rejects NaN/Infinity (naming the key) and non-objects", () => {
    withEnv({ BESSELBOOK_OUT: out }, () => {
      notebook("00_rec_test");
      assert.throws(() => record({ loss: NaN }), /metrics\.loss = NaN/);
      assert.throws(() => record({ a: [1, Infinity] }), /metrics\.a\[1\]/);
      assert.throws(() => record([1] as never), TypeError);
      assert.throws(() => record({}), BesselbookError);
    });
  });
});

describe("kernel: check", () => {
  it("close passes within atol + rtol·|expected| and prints one ✓ line", () => {
    const { lines, value } = logs(() =>
      check.close(0.1 + 0.2, 0.3, { atol: 1e-15, what: "0.1+0.2" }),
    );
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^✓ 0\.1\+0\.2: max \|Δ\| = 5\.55e-17 \(atol 1\.00e-15/);
    assert.equal(value, undefined, "nothing for tslab to echo");
    logs(() => {
      check.close(
        [
          [1, 2],
          [3, 4],
        ],
        [new Float64Array([1, 2]), new Float32Array([3, 4])],
        { what: "nested vs typed" },
      );
      check.close([1e6, 2e6], [1e6 + 0.5, 2e6], { rtol: 1e-6, what: "relative" });
      check.close([1, Infinity], [1, Infinity], { what: "equal infinities match" });
      check.close({ shape: [2], dataSync: () => new Float32Array([1, 2]) }, [1, 2], {
        what: "tensor-like",
      });
    });
  });

  it("close fails with the numbers, the index and the tolerance", () => {
    assert.throws(
      () =>
        logs(() =>
          check.close(
            [
              [1, 2],
              [3, 4.1],
            ],
            [
              [1, 2],
              [3, 4],
            ],
            { atol: 1e-3, what: "matrix" },
          ),
        ),
      (e: Error) =>
        e instanceof CheckError &&
        /✗ matrix/.test(e.message) &&
        /at \[1, 1\]/.test(e.message) &&
        /actual 4\.1, expected 4/.test(e.message) &&
        /0\.001/.test(e.message),
    );
    assert.throws(
      () => logs(() => check.close(1, 1 + 1e-8, { what: "default rtol 1e-9" })),
      CheckError,
    );
    assert.throws(() => logs(() => check.close([NaN], [1], { what: "NaN" })), CheckError);
    assert.throws(
      () => logs(() => check.close([NaN], [NaN], { what: "NaN vs NaN" })),
      /NaN is a failed computation/,
    );
    assert.throws(() => logs(() => check.close([], [], { what: "empty" })), /nothing to compare/);
    assert.throws(
      () => logs(() => check.close([1, 2, 3], [[1, 2, 3]], { what: "shape" })),
      ShapeError,
    );
    assert.throws(
      () =>
        logs(() =>
          check.close(
            [[1, 2], [3]],
            [
              [1, 2],
              [3, 4],
            ],
            { what: "ragged" },
          ),
        ),
      ShapeError,
    );
    assert.throws(() => logs(() => check.close(1, 1, { what: "neg", atol: -1 })), RangeError);
    assert.throws(() => check.close(1, 1, {} as never), /what is required/);
  });

  // Rotations of 2-D point clouds: the centroid is equivariant, pairwise distances invariant.
  const rot = (t: number) => (pts: number[][]) =>
    pts.map(([x, y]) => [Math.cos(t) * x! - Math.sin(t) * y!, Math.sin(t) * x! + Math.cos(t) * y!]);
  const cloud = [
    [1, 0],
    [0, 2],
    [-1, -1],
    [3, 0.5],
  ];
  const centroid = (pts: number[][]) => [
    pts.reduce((s, p) => s + p[0]!, 0) / pts.length,
    pts.reduce((s, p) => s + p[1]!, 0) / pts.length,
  ];
  const dists = (pts: number[][]) =>
    pts.flatMap((p) => pts.map((q) => Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!)));

  it("equivariant: centroid commutes with rotation (relative error ~ 1e-16); returns the error", () => {
    const gs = [0.3, 1, 2.5].map((t) => ({
      in: rot(t),
      out: (c: number[]) => rot(t)([c])[0]!,
      name: `R(${t})`,
    }));
    const { lines, value } = logs(() =>
      check.equivariant({
        what: "centroid",
        f: centroid,
        inputs: [cloud, cloud.slice(1)],
        g: gs,
        tol: 1e-12,
      }),
    );
    assert.equal(lines.length, 1);
    assert.match(
      lines[0]!,
      /^✓ centroid: rel err .* over 2 inputs × 3 group elements \(tol 1\.00e-12\)/,
    );
    assert.ok(value < 1e-12);
  });

  it("equivariant fails for a map that is not equivariant, reporting the measured error and the element", () => {
    const firstPoint = (pts: number[][]) => [pts[0]![0]! + 1, pts[0]![1]!]; // translation breaks it
    assert.throws(
      () =>
        logs(() =>
          check.equivariant({
            what: "shifted",
            f: firstPoint,
            x: cloud,
            g: { in: rot(1), out: (c: number[]) => rot(1)([c])[0]!, name: "R(1)" },
            tol: 1e-6,
          }),
        ),
      (e: Error) =>
        e instanceof CheckError && /✗ shifted: rel err/.test(e.message) && /R\(1\)/.test(e.message),
    );
  });

  it("invariant: distances are invariant, coordinates are not", () => {
    logs(() =>
      check.invariant({ what: "distances", f: dists, x: cloud, g: [rot(0.7), rot(2)], tol: 1e-12 }),
    );
    assert.throws(
      () =>
        logs(() =>
          check.invariant({
            what: "coords",
            f: (p: number[][]) => p,
            x: cloud,
            g: rot(0.7),
            tol: 1e-3,
          }),
        ),
      CheckError,
    );
    assert.throws(
      () => check.invariant({ what: "no input", f: dists, g: rot(1), tol: 1e-3 }),
      TypeError,
    );
    assert.throws(
      () => check.invariant({ what: "tol", f: dists, x: cloud, g: rot(1), tol: NaN }),
      RangeError,
    );
  });

  it("true / less / greater / between", () => {
    const { lines } = logs(() => {
      check.true(1 < 2, { what: "ordering" });
      check.less(0.1, 0.2, { what: "loss below baseline" });
      check.greater(0.9, 0.5, { what: "accuracy above chance" });
      check.between(0.5, 0, 1, { what: "probability" });
    });
    assert.deepEqual(lines, [
      "✓ ordering",
      "✓ loss below baseline: 0.1 < 0.2",
      "✓ accuracy above chance: 0.9 > 0.5",
      "✓ probability: 0.5 ∈ [0, 1]",
    ]);
    assert.throws(() => check.true(false, { what: "nope" }), /✗ nope: condition is false/);
    assert.throws(() => check.less(2, 1, { what: "inverted" }), /✗ inverted: 2 is not < 1/);
    assert.throws(() => check.less(NaN, 1, { what: "nan" }), CheckError);
    assert.throws(() => check.greater(1, 1, { what: "strict" }), CheckError);
    assert.throws(() => check.between(2, 0, 1, { what: "range" }), CheckError);
    assert.throws(() => check.less([1, 2], 3, { what: "vector" }), ShapeError);
  });
});
