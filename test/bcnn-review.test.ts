// Review s4-14 (issue #14, round 4): garbage-in of the notebook-05 experiment API, the cache keys,
// and the metric floor's tensor hygiene. Every case here failed (or leaked) before the fix.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { bcnn, DomainError, init } from "besselbook";

/** Smallest notebook-05 parameters (a valid base to break one field at a time). */
const P0 = {
  glyphTrain: 8,
  glyphEpochs: 1,
  glyphTest: 4,
  fashionTrain: 8,
  fashionEpochs: 1,
  fashionTest: 4,
  batch: 4,
  lr: 0.01,
  angleStepDeg: 45,
  nProbe: 2,
  nEq: 2,
  augment: false,
  blur: 0.8,
  dataSeed: 1,
  supersample: 2,
};

function rejectsNaming(fn: () => unknown, arg: string, value?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
    assert.match(e.message, new RegExp(`argument ${arg.replace(/[[\]"]/g, "\\$&")} = `), e.message);
    if (value !== undefined) assert.ok(e.message.includes(value), e.message);
    return true;
  });
}

describe("bcnn review s4-14: runExperiments seeds are checked before any work", () => {
  let dir: string;
  let prev: string | undefined;
  before(async () => {
    await init({ quiet: true });
    prev = process.env.BESSELBOOK_CACHE;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-review-"));
    process.env.BESSELBOOK_CACHE = dir;
  });
  after(() => {
    if (prev === undefined) delete process.env.BESSELBOOK_CACHE;
    else process.env.BESSELBOOK_CACHE = prev;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const cfg = () => ({ "glyphs/cnn/upright": bcnn.notebook05Configs(P0)["glyphs/cnn/upright"] });

  const bad: [string, unknown, string][] = [
    ["empty", [], "[]"],
    ["duplicate", [0, 0], "seed 0 twice"],
    ["duplicate later", [3, 1, 3], "seed 3 twice"],
    ["non-integer", [0, 1.5], "1.5"],
    ["negative", [-1], "-1"],
    ["NaN", [NaN], "NaN"],
    ["string", ["1"], "1"],
    ["not an array", 3, "3"],
  ];
  for (const [what, seeds, value] of bad) {
    it(`rejects ${what} seeds naming \`seeds\` and the value, without rendering`, async () => {
      await assert.rejects(
        bcnn.runExperiments(cfg(), seeds as number[], { workers: 1 }),
        (e: unknown) => {
          assert.ok(e instanceof DomainError, String(e));
          assert.match(e.message, /^runExperiments: argument seeds = /, e.message);
          assert.ok(e.message.includes(value), e.message);
          return true;
        },
      );
      // nothing was rendered or run: the cache directory is still empty
      assert.deepEqual(fs.readdirSync(dir), []);
    });
  }

  it("per-config seed lists: each list is checked and named; unknown names are refused", async () => {
    const c = { ...cfg(), "glyphs/c4/upright": bcnn.notebook05Configs(P0)["glyphs/c4/upright"] };
    await assert.rejects(
      bcnn.runExperiments(c, { "glyphs/cnn/upright": [0, 1] } as Record<string, number[]>),
      /argument seeds\["glyphs\/c4\/upright"\] = undefined/,
    );
    await assert.rejects(
      bcnn.runExperiments(c, { "glyphs/cnn/upright": [0, 1], "glyphs/c4/upright": [2, 2] }),
      /argument seeds\["glyphs\/c4\/upright"\] = \[2, 2\] \(seed 2 twice\)/,
    );
    await assert.rejects(
      bcnn.runExperiments(c, { "glyphs/cnn/upright": [0], "glyphs/c4/upright": [0], typo: [0] }),
      /argument seeds = \{ "typo"/,
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("validateSeeds returns a copy of a good list", () => {
    const s = [4, 0, 2];
    const out = bcnn.validateSeeds("f", "seeds", s);
    assert.deepEqual(out, [4, 0, 2]);
    assert.notEqual(out, s);
  });
});

describe("bcnn review s4-14: notebook05Configs / notebook05Specs validate up front", () => {
  for (const v of [NaN, 0, -15, 7, 100, 1.5, Infinity]) {
    it(`angleStepDeg ${v} is refused naming P.angleStepDeg`, () => {
      rejectsNaming(
        () => bcnn.notebook05Configs({ ...P0, angleStepDeg: v }),
        "P.angleStepDeg",
        String(v),
      );
    });
  }
  it("angleStepDeg 45 and 90 give angles including 0° and 90°", () => {
    assert.deepEqual(
      bcnn.notebook05Configs({ ...P0, angleStepDeg: 45 })["glyphs/cnn/upright"].anglesDeg,
      [0, 45, 90],
    );
    assert.deepEqual(
      bcnn.notebook05Configs({ ...P0, angleStepDeg: 90 })["glyphs/cnn/upright"].anglesDeg,
      [0, 90],
    );
    assert.deepEqual(
      bcnn.notebook05Configs({ ...P0, angleStepDeg: 30 })["glyphs/cnn/upright"].anglesDeg,
      [0, 30, 60, 90],
    );
  });
  for (const v of [0, 2.5, 17, NaN]) {
    it(`supersample ${v} is refused naming P.supersample`, () => {
      rejectsNaming(
        () => bcnn.notebook05Configs({ ...P0, supersample: v }),
        "P.supersample",
        String(v),
      );
    });
  }
  for (const [k, v] of [
    ["nProbe", 0],
    ["nProbe", 1.5],
    ["nProbe", NaN],
    ["nEq", 0],
    ["nEq", -2],
  ] as const) {
    it(`${k} ${v} is refused naming P.${k}`, () => {
      rejectsNaming(() => bcnn.notebook05Configs({ ...P0, [k]: v }), `P.${k}`, String(v));
    });
  }
  it("a blur inside the accepted range on which no mode steers names opts.blur, not oversample", () => {
    for (const b of [0.25, 0.4, 0.5]) {
      assert.throws(
        () => bcnn.notebook05Specs({ blur: b }),
        (e: unknown) => {
          assert.ok(e instanceof DomainError, String(e));
          assert.match(
            e.message,
            new RegExp(`^notebook05Specs: argument opts\\.blur = ${b} `),
            e.message,
          );
          assert.ok(!/oversample/.test(e.message), e.message);
          return true;
        },
      );
      // and through the configs
      rejectsNaming(() => bcnn.notebook05Configs({ ...P0, blur: b }), "opts.blur", String(b));
    }
  });
  it("the σ = 1 px arm keeps (1,1), the σ = 0.8 px arm does not; both match the paper basis's budget", () => {
    const s = bcnn.notebook05Specs({ blur: 0.8 });
    const modes = (spec: bcnn.NetSpec) =>
      new bcnn.BesselConv2D({
        filters: 1,
        kernelSize: 5,
        basis: "steerable",
        steerSigma: spec.steerSigma,
        oversample: 2,
      }).basis.modes
        .map((m) => `${m.nu},${m.j}`)
        .join(" ");
    assert.equal(s.bcnnSteer1.steerSigma, 1);
    assert.equal(s.bcnnSteer.steerSigma, 0.8);
    assert.equal(modes(s.bcnnSteer1), "0,0 0,1 1,0 1,1 2,0");
    assert.equal(modes(s.bcnnSteer), "0,0 0,1 1,0 2,0");
    const ref = bcnn.countParams(s.bcnnPaper);
    for (const k of ["bcnnSteer", "bcnnSteer1"] as const) {
      const r = bcnn.countParams(s[k]) / ref;
      assert.ok(r > 0.95 && r < 1.05, `${k}: parameter ratio ${r}`);
    }
    // every upright arm of the configs, the σ = 1 px one included
    assert.ok("glyphs/bcnnSteer1/upright" in bcnn.notebook05Configs(P0));
  });
});

describe("bcnn review s4-14: cache keys cover the renderer's code and the tfjs version", () => {
  it("the renderer's require closure reaches tensor/rng and errors", () => {
    const glyphs = require
      .resolve("besselbook")
      .replace(/index\.js$/, path.join("data", "glyphs.js"));
    const files = bcnn
      .requireClosure(glyphs)
      .map((f) => path.relative(path.dirname(path.dirname(glyphs)), f));
    assert.equal(files[0], path.join("data", "glyphs.js"));
    for (const f of [path.join("tensor", "rng.js"), "errors.js"])
      assert.ok(files.includes(f), `${f} in [${files.join(", ")}]`);
    assert.deepEqual(bcnn.requireClosure(path.join(os.tmpdir(), "no-such-file.js")), []);
  });
  it("requireClosure follows relative requires transitively and ignores packages", () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "bb-closure-"));
    try {
      fs.mkdirSync(path.join(d, "sub"));
      fs.writeFileSync(
        path.join(d, "a.js"),
        'const b = require("./sub/b"); const fs = require("node:fs"); const t = require("@tensorflow/tfjs");',
      );
      fs.writeFileSync(path.join(d, "sub", "b.js"), 'const c = require("../c.js");');
      fs.writeFileSync(path.join(d, "c.js"), 'const a = require("./a"); // a cycle');
      fs.writeFileSync(path.join(d, "unused.js"), "");
      assert.deepEqual(
        bcnn.requireClosure(path.join(d, "a.js")).map((f) => path.relative(d, f)),
        ["a.js", "c.js", path.join("sub", "b.js")],
      );
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
  it("tfjsVersion is the installed tfjs-core's", () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const v = (require("@tensorflow/tfjs-core/package.json") as { version: string }).version;
    assert.equal(bcnn.tfjsVersion(), v);
    assert.match(v, /^\d+\.\d+\.\d+/);
  });
});

describe("bcnn review s4-14: equivarianceFloor does not leak when rendering fails", () => {
  before(async () => {
    await init({ quiet: true });
  });
  it("tf.memory().numTensors is flat after rejected calls", () => {
    const before = tf.memory().numTensors;
    const bad = [
      { blur: NaN },
      { blur: -1 },
      { supersample: 0 },
      { supersample: 2.5 },
      { dataSeed: 1.5 },
      { dataSeed: NaN },
    ];
    for (const b of bad) {
      assert.throws(
        () => bcnn.equivarianceFloor({ nEq: 2, dataSeed: 1, blur: 0.8, supersample: 4, ...b }),
        DomainError,
      );
    }
    assert.equal(tf.memory().numTensors, before);
  });
});

describe("plot.band: fixed colours, dashed series, subtitle note (05's figures)", () => {
  const { plot, stats } = require("besselbook") as typeof import("besselbook");
  const s = [stats.summarize([0.5, 0.6, 0.7]), stats.summarize([0.6, 0.7, 0.8])];
  it("maps each series to its fixed colour and dash, and appends the note", () => {
    const spec = plot.band({
      x: [0, 1],
      series: { a: s, b: s, c: s },
      colors: { b: "#123456" },
      dashed: ["c"],
      note: "bands clipped to [0, 1]",
      title: "t",
    }) as any;
    const line = spec.layer[1].encoding;
    assert.deepEqual(line.color.scale.domain, ["a", "b", "c"]);
    assert.equal(line.color.scale.range[1], "#123456");
    assert.deepEqual(line.strokeDash.scale.range, [
      [1, 0],
      [1, 0],
      [6, 3],
    ]);
    assert.equal(line.color.legend.symbolType, "stroke"); // the legend shows the dash
    assert.match(spec.title.subtitle, /95% CI.*; bands clipped to \[0, 1\]$/);
    // without the options: no fixed scale, no dash channel, subtitle unchanged
    const plain = plot.band({ x: [0, 1], series: { a: s } }) as any;
    assert.equal(plain.layer[1].encoding.color.scale, undefined);
    assert.equal(plain.layer[1].encoding.strokeDash, undefined);
    assert.ok(!plain.title.text.includes("clipped"));
  });
  it("refuses colours or dashes for series that do not exist", () => {
    assert.throws(
      () => plot.band({ x: [0, 1], series: { a: s }, colors: { z: "#000" } }),
      /colors names "z"/,
    );
    assert.throws(
      () => plot.band({ x: [0, 1], series: { a: s }, dashed: ["z"] }),
      /dashed names "z"/,
    );
  });
});

describe("plot.band: per-series dash patterns", () => {
  const { plot, stats } = require("besselbook") as typeof import("besselbook");
  const s = [stats.summarize([0.5, 0.6, 0.7]), stats.summarize([0.6, 0.7, 0.8])];
  it("takes name → pattern and refuses a bad pattern", () => {
    const spec = plot.band({ x: [0, 1], series: { a: s, b: s }, dashed: { b: [2, 2] } }) as any;
    assert.deepEqual(spec.layer[1].encoding.strokeDash.scale.range, [
      [1, 0],
      [2, 2],
    ]);
    assert.throws(
      () => plot.band({ x: [0, 1], series: { a: s }, dashed: { a: [NaN] } }),
      /dashed\["a"\]/,
    );
  });
});
