/**
 * lib/src/kernel/display.ts without a kernel (fast; written against `npm run mutate -- display`):
 * the exact HTML and text tables (escaping, number formatting, elision of long tables), which
 * values become tables (danfo frames and series, plain-object records) and which do not, the chart
 * summary line, and progress() with and without a display writer.
 */
import { strict as assert } from "node:assert";
import {
  chartBundle,
  displayBundle,
  htmlTable,
  isDanfo,
  progress,
  show,
  textTable,
  useDisplayWriter,
} from "besselbook";
import type { DisplayMessage } from "besselbook";

function logs(fn: () => void): string[] {
  const out: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => {
    out.push(a.map(String).join(" "));
  };
  try {
    fn();
  } finally {
    console.log = orig;
  }
  return out;
}

describe("display: tables", () => {
  it("htmlTable: exact markup, escaping, index column, cell formats", () => {
    const html = htmlTable(
      ["a<b", 'c&"d"'],
      [
        [1, 0.123456789],
        [null, { k: [1, 2] }],
        [undefined, "x>y"],
      ],
      ["r1", 2.5, NaN],
    );
    assert.equal(
      html,
      [
        '<table class="besselbook-table">',
        "<thead><tr><th></th><th>a&lt;b</th><th>c&amp;&quot;d&quot;</th></tr></thead>",
        "<tbody>",
        "<tr><th>r1</th><td>1</td><td>0.123457</td></tr>",
        "<tr><th>2.5</th><td></td><td>{ k: [ 1, 2 ] }</td></tr>",
        "<tr><th>NaN</th><td></td><td>x&gt;y</td></tr>",
        "</tbody>",
        "</table>",
      ].join("\n"),
    );
    assert.equal(
      htmlTable(["v"], [[-Infinity], [1e21 + 0.5], [true]]),
      [
        '<table class="besselbook-table">',
        "<thead><tr><th>v</th></tr></thead>",
        "<tbody>",
        "<tr><td>-Infinity</td></tr>",
        "<tr><td>1e+21</td></tr>",
        "<tr><td>true</td></tr>",
        "</tbody>",
        "</table>",
      ].join("\n"),
    );
  });

  it("htmlTable / textTable: 30 rows in full; 31 rows → first 20, an ellipsis row, last 5, and the size", () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => [i]);
    const h30 = htmlTable(["i"], rows(30));
    assert.equal((h30.match(/<tr><td>/g) ?? []).length, 30);
    assert.ok(!h30.includes("…") && !h30.includes("rows ×"));
    const h31 = htmlTable(
      ["i", "j"],
      rows(31).map((r) => [r[0], -r[0]!]),
      Array.from({ length: 31 }, (_, i) => `r${i}`),
    );
    const trs = h31.split("\n").filter((l) => l.startsWith("<tr>"));
    assert.equal(trs.length, 26);
    assert.equal(trs[0], "<tr><th>r0</th><td>0</td><td>0</td></tr>");
    assert.equal(trs[19], "<tr><th>r19</th><td>19</td><td>-19</td></tr>");
    assert.equal(trs[20], "<tr><th>…</th><td>…</td><td>…</td></tr>");
    assert.equal(trs[21], "<tr><th>r26</th><td>26</td><td>-26</td></tr>");
    assert.equal(trs[25], "<tr><th>r30</th><td>30</td><td>-30</td></tr>");
    assert.ok(h31.endsWith("</table>\n<p>31 rows × 2 columns</p>"));
    assert.equal(
      htmlTable(["i"], rows(31))
        .split("\n")
        .filter((l) => l.startsWith("<tr>"))[20],
      "<tr><td>…</td></tr>",
    );
    const t31 = textTable(["i"], rows(31)).split("\n");
    assert.equal(t31.length, 1 + 26 + 1);
    assert.deepEqual(
      [t31[0], t31[1], t31[20], t31[21], t31[22], t31[26], t31[27]],
      [" i", " 0", "19", " …", "26", "30", "[31 rows × 1 columns]"],
    );
    assert.ok(!textTable(["i"], rows(30)).includes("rows ×"));
    assert.equal(textTable(["i"], rows(30)).split("\n").length, 31);
  });

  it("textTable: right-aligned columns two spaces apart, widest cell wins, index column, empty cells", () => {
    // widths: index 2 ("yy"), name 9 ("long name"), v 3 ("1.5"); each cell padded on the left
    assert.equal(
      textTable(
        ["name", "v"],
        [
          ["a", 1.5],
          ["long name", null],
        ],
        ["x", "yy"],
      ),
      [
        "  " + "  " + "     name" + "  " + "  v",
        " x" + "  " + "        a" + "  " + "1.5",
        "yy" + "  " + "long name" + "  " + "   ",
      ].join("\n"),
    );
  });
});

describe("display: which values become which bundle", () => {
  const frame = {
    $data: [
      [1, 2],
      [3, 4],
    ],
    columns: ["a", "b"],
    index: [0, 1],
    values: [
      [1, 2],
      [3, 4],
    ],
    shape: [2, 2],
  };
  it("isDanfo needs $data and the four arrays", () => {
    assert.equal(isDanfo(frame), true);
    for (const k of ["$data", "columns", "index", "values", "shape"]) {
      const o: Record<string, unknown> = { ...frame };
      if (k === "$data") delete o.$data;
      else o[k] = "not an array";
      assert.equal(isDanfo(o), false, `without ${k}`);
    }
    assert.equal(isDanfo(null), false);
    assert.equal(isDanfo("$data"), false);
  });

  it("a danfo frame and a series (flag, 1-D shape, or scalar values) become tables", () => {
    assert.deepEqual(displayBundle(frame), {
      "text/html": htmlTable(
        ["a", "b"],
        [
          [1, 2],
          [3, 4],
        ],
        [0, 1],
      ),
      "text/plain": textTable(
        ["a", "b"],
        [
          [1, 2],
          [3, 4],
        ],
        [0, 1],
      ),
    });
    const series = (extra: Record<string, unknown>) => ({
      $data: [5, 6],
      columns: ["s"],
      index: ["p", "q"],
      values: [5, 6],
      shape: [2, 1],
      ...extra,
    });
    const want = textTable(["s"], [[5], [6]], ["p", "q"]);
    assert.equal(displayBundle(series({}))["text/plain"], want, "scalar values");
    assert.equal(
      displayBundle(series({ $isSeries: true, values: [[5], [6]] }))["text/plain"],
      textTable(["s"], [[[5]], [[6]]], ["p", "q"]),
      "flagged series: each value is a row",
    );
    assert.equal(
      displayBundle(series({ shape: [2], values: [[5], [6]] }))["text/plain"],
      textTable(["s"], [[[5]], [[6]]], ["p", "q"]),
      "1-D shape",
    );
    assert.equal(
      displayBundle({ ...frame, index: [], values: [], shape: [0, 2] })["text/plain"],
      "  a  b",
      "an empty frame is a header only",
    );
    assert.equal(
      displayBundle({ ...frame, columns: [1, 2] })["text/plain"],
      textTable(
        ["1", "2"],
        [
          [1, 2],
          [3, 4],
        ],
        [0, 1],
      ),
      "column names as strings",
    );
  });

  it("plain-object records become a table with the union of keys in first-seen order; others are inspected", () => {
    const b = displayBundle([
      { a: 1, b: "x" },
      { c: true, a: 2 },
    ]);
    assert.equal(
      b["text/plain"],
      textTable(
        ["a", "b", "c"],
        [
          [1, "x", undefined],
          [2, undefined, true],
        ],
      ),
    );
    assert.equal(
      b["text/html"],
      htmlTable(
        ["a", "b", "c"],
        [
          [1, "x", undefined],
          [2, undefined, true],
        ],
      ),
    );
    class P {
      a = 1;
    }
    for (const x of [
      [],
      [new P()],
      [{ a: 1 }, null],
      [{ a: 1 }, [1]],
      [{ a: 1 }, new Float64Array(2)],
      [1, 2],
    ]) {
      assert.deepEqual(Object.keys(displayBundle(x)), ["text/plain"], JSON.stringify(x));
    }
    assert.deepEqual(displayBundle("plain text"), { "text/plain": "plain text" });
    const deep = String(displayBundle({ a: { b: { c: { d: { e: 1 } } } } })["text/plain"]);
    assert.ok(deep.includes("e: 1") && !deep.includes("[Object]"), "inspected to depth 4");
    assert.ok(
      String(displayBundle({ a: { b: { c: { d: { e: { f: 1 } } } } } })["text/plain"]).includes(
        "[Object]",
      ),
      "not deeper",
    );
    assert.ok(
      String(displayBundle(Array.from({ length: 60 }, (_, i) => i))["text/plain"]).endsWith(
        "... 10 more items\n]",
      ),
      "50 array items",
    );
    const tensorLike = {
      shape: [2],
      dtype: "float32",
      dataSync: () => [1, 2],
      toString: () => "Tensor\n    [1, 2]",
    };
    assert.deepEqual(displayBundle(tensorLike), { "text/plain": "Tensor\n    [1, 2]" });
    for (const notTensor of [
      { ...tensorLike, dtype: 3 },
      { ...tensorLike, shape: "2" },
      { ...tensorLike, dataSync: 1 },
    ]) {
      assert.notEqual(displayBundle(notTensor)["text/plain"], "Tensor\n    [1, 2]");
    }
  });

  it("a chart's text/plain line: mark (string or object) or composition, title, number of data rows", () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="40.4" height="20"><rect width="4" height="4"/></svg>';
    const line = (spec: Record<string, unknown>) =>
      String(
        chartBundle(
          { $schema: "https://vega.github.io/schema/vega-lite/v5.json", ...spec } as never,
          { svg },
        ).data["text/plain"],
      );
    assert.equal(
      line({ mark: "line", title: "Loss", data: { values: [{ x: 1 }, { x: 2 }] } }),
      '<vega-lite line chart "Loss", 2 data rows>',
    );
    assert.equal(
      line({ mark: { type: "point" }, title: { text: "T" }, data: { url: "x" } }),
      '<vega-lite point chart "T">',
    );
    for (const k of ["layer", "hconcat", "vconcat", "concat", "facet", "repeat"])
      assert.equal(line({ [k]: [] }), `<vega-lite ${k} chart>`);
    assert.equal(line({}), "<vega-lite chart chart>");
    const b = chartBundle(
      { $schema: "https://vega.github.io/schema/vega-lite/v5.json", mark: "line" } as never,
      { svg },
    );
    assert.deepEqual(b.metadata, { "image/png": { width: 40, height: 20 } });
    assert.equal(b.data["image/svg+xml"], svg);
    assert.deepEqual(b.dropped, []);
  });

  it("show() outside a kernel prints the text/plain part; { name } needs a chart", () => {
    assert.deepEqual(
      logs(() => show("hello")),
      ["hello"],
    );
    assert.throws(
      () => show([1], { name: "fig" }),
      (e: unknown) =>
        e instanceof TypeError &&
        (e as Error).message ===
          'show: { name: "fig" } writes figure files, which needs a vega-lite chart; got object',
    );
    assert.throws(
      () => show(null, { name: "fig" }),
      (e: unknown) =>
        e instanceof TypeError &&
        (e as Error).message ===
          'show: { name: "fig" } writes figure files, which needs a vega-lite chart; got null',
    );
  });
});

describe("display: progress()", () => {
  afterEach(() => useDisplayWriter(null));

  it("in a kernel: one display, then updates in place; the final state has no time and says done", () => {
    const sent: [DisplayMessage, boolean][] = [];
    useDisplayWriter((m, u) => sent.push([m, u]));
    const p = progress("training", { total: 4, throttleMs: 0 });
    assert.equal(sent.length, 1);
    assert.equal(sent[0]![1], false, "the first message creates the display");
    assert.match(String(sent[0]![0].data["text/plain"]), /^training · starting · \d+\.\d s$/);
    const id = (sent[0]![0] as { transient?: { display_id?: string } }).transient?.display_id;
    assert.match(String(id), /^progress/);
    p.update({ epoch: 1, loss: 0.123456, acc: 2e-5, big: 123456.7, ok: true, tag: "a" });
    assert.equal(sent[1]![1], true, "later messages update it");
    assert.equal(
      (sent[1]![0] as { transient?: { display_id?: string } }).transient?.display_id,
      id,
    );
    assert.match(
      String(sent[1]![0].data["text/plain"]),
      /^training · epoch 1\/4 · loss 0\.1235 · acc 2\.000e-5 · big 1\.235e\+5 · ok true · tag a · \d+\.\d s$/,
    );
    assert.match(
      String(sent[1]![0].data["text/html"]),
      /^<div style="font-family:monospace"><progress value="0\.250" max="1" style="width:12em;vertical-align:middle"><\/progress> training · epoch 1\/4 · /,
    );
    p.done({ epoch: 6, loss: 0 });
    const last = sent[sent.length - 1]![0].data;
    assert.equal(
      last["text/plain"],
      "training · epoch 6/4 · loss 0 · acc 2.000e-5 · big 1.235e+5 · ok true · tag a · done",
    );
    assert.match(String(last["text/html"]), /progress value="1\.000"/, "the bar is clamped at 1");
    const n = sent.length;
    p.update({ epoch: 7 });
    p.done();
    assert.equal(sent.length, n, "nothing after done");
  });

  it("throttling, the step key (epoch, step, a chosen key, or the update count) and no total", () => {
    const sent: DisplayMessage[] = [];
    useDisplayWriter((m) => sent.push(m));
    const p = progress("run", { throttleMs: 1e9 });
    p.update({ loss: 1 });
    p.update({ loss: 2 });
    assert.equal(sent.length, 1, "throttled: only the initial display");
    p.done();
    assert.equal(
      sent[1]!.data["text/plain"],
      "run · loss 2 · done",
      "no step key, no total: no step shown",
    );
    assert.equal(sent[1]!.data["text/html"], undefined, "no bar without a total");
    const q = progress("run", { throttleMs: 0, key: "it", total: 10 });
    q.update({ it: 3, step: 9 });
    q.done();
    assert.equal(sent[sent.length - 1]!.data["text/plain"], "run · it 3/10 · step 9 · done");
    const r = progress("run", { throttleMs: 0, total: 8 });
    r.update({ step: 2, x: -0.5 });
    r.done();
    assert.equal(sent[sent.length - 1]!.data["text/plain"], "run · step 2/8 · x -0.5 · done");
    const s = progress("run", { throttleMs: 0, total: 5 });
    s.update({ x: 1 });
    s.update({ x: 2 });
    s.done();
    assert.equal(
      sent[sent.length - 1]!.data["text/plain"],
      "run · step 2/5 · x 2 · done",
      "without a step key, updates are counted",
    );
    assert.match(String(sent[sent.length - 1]!.data["text/html"]), /value="0\.400"/);
    const e = progress("empty", { throttleMs: 0 });
    e.done();
    assert.equal(sent[sent.length - 1]!.data["text/plain"], "empty · done");
  });

  it("outside a kernel: plain lines, throttled (2 s by default), the final line always", () => {
    const lines = logs(() => {
      const p = progress("fit", { total: 2 });
      p.update({ epoch: 1 });
      p.update({ epoch: 2 });
      p.done();
    });
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^fit · epoch 1\/2 · \d+\.\d s$/);
    assert.equal(lines[1], "fit · epoch 2/2 · done");
    for (const total of [0, -1, NaN, Infinity]) {
      assert.throws(
        () => progress("x", { total }),
        (e: unknown) =>
          e instanceof RangeError &&
          (e as Error).message ===
            `progress: argument total = ${total} is out of domain; expected a positive number`,
      );
    }
  });
});

describe("display: finding tslab's display writer (jupyter.ts)", () => {
  const fake = "/nowhere/node_modules/tslab/dist/jupyter.js";
  const saved: [string, NodeJS.Module][] = [];
  beforeEach(() => {
    for (const k of Object.keys(require.cache))
      if (/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(k)) {
        saved.push([k, require.cache[k]!]);
        delete require.cache[k];
      }
    useDisplayWriter(undefined);
  });
  afterEach(() => {
    delete require.cache[fake];
    delete require.cache[fake + "x"];
    for (const [k, m] of saved.splice(0)) require.cache[k] = m;
    useDisplayWriter(null);
  });
  const { displayWriter, newDisplayId } =
    require("besselbook/kernel/jupyter") as typeof import("besselbook/kernel/jupyter");
  const install = (key: string, exports: unknown) => {
    require.cache[key] = {
      id: key,
      filename: key,
      loaded: true,
      exports,
    } as unknown as NodeJS.Module;
  };

  it("auto-detects tslab/dist/jupyter.js in the module cache, follows its current writer, and rescans", () => {
    assert.equal(displayWriter(), null, "no tslab loaded: plain text");
    install(fake + "x", { lastWriteDisplayData: () => undefined });
    assert.equal(displayWriter(), null, "only a file named exactly jupyter.js counts");
    const w1 = () => undefined,
      w2 = () => undefined;
    const exports: { lastWriteDisplayData?: unknown } = { lastWriteDisplayData: w1 };
    install(fake, exports);
    assert.equal(displayWriter(), w1, "found after it was loaded (rescanned)");
    exports.lastWriteDisplayData = w2;
    assert.equal(displayWriter(), w2, "the writer of the current cell, read on each call");
    exports.lastWriteDisplayData = "not a function";
    assert.equal(displayWriter(), null);
    delete exports.lastWriteDisplayData;
    assert.equal(displayWriter(), null);
    delete require.cache[fake];
    assert.equal(displayWriter(), null, "evicted: scanned again, nothing found");
    install(fake, { lastWriteDisplayData: w1 });
    assert.equal(displayWriter(), w1, "and found again when it comes back");
    const rec = () => undefined;
    useDisplayWriter(rec);
    assert.equal(displayWriter(), rec, "an explicit writer wins");
    useDisplayWriter(null);
    assert.equal(displayWriter(), null, "null forces plain text even inside tslab");
  });

  it("newDisplayId: prefix-pid-time-counter, unique and increasing within the process", () => {
    const a = newDisplayId(),
      b = newDisplayId("progress");
    const pa = a.split("-"),
      pb = b.split("-");
    assert.equal(pa[0], "bb");
    assert.equal(pb[0], "progress");
    assert.equal(pa[1], process.pid.toString(36));
    assert.ok(Math.abs(parseInt(pa[2]!, 36) - Date.now()) < 60000);
    assert.equal(Number(pb[3]), Number(pa[3]) + 1);
  });
});

describe("display: the chart size rule, number formats in progress, elapsed time", () => {
  const schema = "https://vega.github.io/schema/vega-lite/v5.json";
  // An SVG of exactly `bytes` bytes (a comment pads it), sized 30×10.
  const svgOf = (bytes: number) => {
    const head =
        '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="10"><rect width="3" height="3"/><!--',
      tail = "--></svg>";
    return head + "x".repeat(bytes - head.length - tail.length) + tail;
  };

  it("an SVG up to 100,000 bytes is kept; one byte more is dropped (the given PNG is used) and the line says so", () => {
    const png = Buffer.from("PNGBYTES");
    const keep = chartBundle({ $schema: schema, mark: "bar" } as never, {
      svg: svgOf(100_000),
      png,
    });
    assert.deepEqual(keep.dropped, []);
    assert.equal(Buffer.byteLength(String(keep.data["image/svg+xml"])), 100_000);
    assert.notEqual(
      keep.data["image/png"],
      png.toString("base64"),
      "with the SVG kept, a 1× PNG is rendered",
    );
    const drop = chartBundle({ $schema: schema, mark: "bar" } as never, {
      svg: svgOf(100_001),
      png,
    });
    assert.deepEqual(drop.dropped, ["image/svg+xml"]);
    assert.equal(drop.data["image/svg+xml"], undefined);
    assert.equal(drop.data["image/png"], png.toString("base64"));
    assert.equal(
      drop.data["text/plain"],
      "<vega-lite bar chart> (static image only: the SVG, 100 kB left out of the notebook; see figures/ for the files)",
    );
    assert.deepEqual(drop.metadata, { "image/png": { width: 30, height: 10 } });
    assert.deepEqual(
      chartBundle({ $schema: schema, mark: "bar" } as never, {
        svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
      }).metadata,
      {},
      "no size attributes, no metadata",
    );
  });

  it("a vega-lite spec over 250,000 bytes is dropped, both dropped parts are named with their sizes", () => {
    const values = Array.from({ length: 12_000 }, (_, i) => ({ x: i, y: i * 0.5 }));
    const spec = { $schema: schema, mark: "point", data: { values } };
    const b = chartBundle(spec as never, { svg: svgOf(150_000), png: Buffer.from("P") });
    assert.deepEqual(b.dropped, ["application/vnd.vegalite.v5+json", "image/svg+xml"]);
    const kb = Math.round(
      Buffer.byteLength(JSON.stringify(b.data["application/vnd.vegalite.v5+json"] ?? spec)) / 1000,
    );
    assert.match(
      String(b.data["text/plain"]),
      new RegExp(
        `^<vega-lite point chart, 12000 data rows> \\(static image only: the vega-lite spec, \\d+ kB and the SVG, 150 kB left out`,
      ),
    );
    assert.ok(kb > 250);
    const small = chartBundle(
      { $schema: schema, mark: "point", data: { values: values.slice(0, 10) } } as never,
      { svg: svgOf(500) },
    );
    assert.deepEqual(small.dropped, []);
    assert.ok(small.data["application/vnd.vegalite.v5+json"]);
  });

  it("progress numbers: integers as is, 4 significant digits, exponent below 1e-3 and from 1e5; elapsed seconds", () => {
    const sent: DisplayMessage[] = [];
    useDisplayWriter((m) => sent.push(m));
    const p = progress("n", { throttleMs: 0 });
    p.update({ a: 0.001, b: 99999.4, c: 123456.7, d: -0.000999, e: 0, f: -3, g: "s", h: false });
    const text = String(sent[sent.length - 1]!.data["text/plain"]);
    assert.match(
      text,
      /^n · a 0\.001 · b 100000 · c 1\.235e\+5 · d -9\.990e-4 · e 0 · f -3 · g s · h false · (\d+\.\d) s$/,
    );
    const secs = Number(/ (\d+\.\d) s$/.exec(text)![1]);
    assert.ok(secs >= 0 && secs < 30, `elapsed ${secs} s`);
    p.done();
    useDisplayWriter(null);
  });
});

describe("display: third round (nested cells, nullish values, svg attributes, exact kB, step keys, elapsed)", () => {
  afterEach(() => useDisplayWriter(null));

  it("object cells are inspected one level deep on one line; ragged rows; an elided text table with an index", () => {
    const html = htmlTable(["o"], [[{ a: { b: { c: 1 } }, long: "x".repeat(90) }]]);
    assert.ok(
      html.includes(
        `<td>{ a: { b: [Object] }, long: &#39;`.replace("&#39;", "'") + "x".repeat(90) + "' }</td>",
      ),
      html,
    );
    assert.equal(
      textTable(["a", "b"], [[1]]),
      "a  b\n1",
      "a short row leaves its missing cells out of the widths",
    );
    const t = textTable(
      ["v"],
      Array.from({ length: 31 }, (_, i) => [i]),
      Array.from({ length: 31 }, (_, i) => `r${i}`),
    ).split("\n");
    assert.equal(t[21], "  …   …");
  });

  it("null and undefined are shown as text, not taken for tensors", () => {
    assert.deepEqual(displayBundle(null), { "text/plain": "null" });
    assert.deepEqual(displayBundle(undefined), { "text/plain": "undefined" });
  });

  it("the PNG size comes from the root svg's width and height, with other attributes between them", () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="50" viewBox="0 0 50 25" height="25"></svg>';
    assert.deepEqual(
      chartBundle(
        { $schema: "https://vega.github.io/schema/vega-lite/v5.json", mark: "bar" } as never,
        { svg },
      ).metadata,
      { "image/png": { width: 50, height: 25 } },
    );
  });

  it("the dropped spec's size in kB is its byte length / 1000, rounded", () => {
    const { normalizeSpec } =
      require("besselbook/plot/render") as typeof import("besselbook/plot/render");
    const spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      mark: "point",
      data: { values: Array.from({ length: 12_000 }, (_, i) => ({ x: i, y: i * 0.5 })) },
    };
    const kb = Math.round(Buffer.byteLength(JSON.stringify(normalizeSpec(spec as never))) / 1000);
    const b = chartBundle(spec as never, {
      svg: '<svg xmlns="http://www.w3.org/2000/svg" width="3" height="3"></svg>',
    });
    assert.equal(
      b.data["text/plain"],
      `<vega-lite point chart, 12000 data rows> (static image only: the vega-lite spec, ${kb} kB left out of the notebook; see figures/ for the files)`,
    );
  });

  it("progress: large integers in full, a non-number step value falls back to the update count, elapsed in seconds", () => {
    const sent: DisplayMessage[] = [];
    useDisplayWriter((m) => sent.push(m));
    const p = progress("q", { throttleMs: 0, total: 9 });
    p.update({ epoch: "warmup" as never, n: 123456 });
    assert.match(
      String(sent[sent.length - 1]!.data["text/plain"]),
      /^q · epoch 1\/9 · n 123456 · /,
    );
    const t0 = Date.now();
    while (Date.now() - t0 < 150) {
      /* let time pass */
    }
    p.update({ epoch: 2 });
    const secs = Number(
      / (\d+\.\d) s$/.exec(String(sent[sent.length - 1]!.data["text/plain"]))![1],
    );
    assert.ok(secs >= 0.1 && secs < 30, `elapsed ${secs} s`);
    p.done();
  });

  it("a cached tslab module whose exports are missing gives plain text", () => {
    const { displayWriter } =
      require("besselbook/kernel/jupyter") as typeof import("besselbook/kernel/jupyter");
    const key = "/nowhere2/node_modules/tslab/dist/jupyter.js";
    useDisplayWriter(undefined);
    require.cache[key] = {
      id: key,
      filename: key,
      loaded: true,
      exports: undefined,
    } as unknown as NodeJS.Module;
    try {
      assert.equal(displayWriter(), null);
    } finally {
      delete require.cache[key];
    }
  });
});
