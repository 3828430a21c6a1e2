/**
 * besselbook's chained tensor ops (lib/src/tensor/chained.ts) against tfjs-core's own sources.
 *
 * tfjs-core 4.22 ships each chained op as an ES module, dist/public/chained_ops/<op>.js, of the
 * form `getGlobalTensorClass().prototype.NAME = function (a, b) { this.throwIfDisposed();
 * return OP(this, a, b); }`. We read those files as text (they cannot be required) and check that
 * (1) the method names we register are exactly the ones tfjs-core's register_all_chained_ops
 * imports, (2) every "regular" method (body `return OP(this, …params)`) is in our table under the
 * same op and arity, (3) the irregular ones compute what the direct op computes, and (4) this
 * happens without the umbrella package being loaded (checked in a fresh process: under
 * `npm test`, other test files load the umbrella, which then replaces our methods with its own —
 * so the behaviour checks call ours through chainedImpl, not through Tensor.prototype).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const CHAINED_DIR = path.join(
  ROOT,
  "node_modules",
  "@tensorflow",
  "tfjs-core",
  "dist",
  "public",
  "chained_ops",
);

interface Parsed {
  name: string;
  op: string;
  params: string[];
  args: string;
}

function parseSources(): { registered: string[]; parsed: Map<string, Parsed> } {
  const all = fs.readFileSync(path.join(CHAINED_DIR, "register_all_chained_ops.js"), "utf8");
  const files = [...all.matchAll(/^import '\.\/(\w+)';/gm)].map((m) => m[1]!);
  const parsed = new Map<string, Parsed>();
  const registered: string[] = [];
  const body =
    /prototype\.(\w+) =\s*function \(([^)]*)\) \{\s*this\.throwIfDisposed\(\);\s*return (\w+)\(([^;]*)\);\s*\};/s;
  for (const f of files) {
    const src = fs
      .readFileSync(path.join(CHAINED_DIR, `${f}.js`), "utf8")
      .split("//# sourceMappingURL")[0]!;
    const name = /prototype\.(\w+) =/.exec(src)?.[1];
    assert.ok(name, `${f}.js: no prototype assignment found`);
    registered.push(name);
    const m = body.exec(src);
    if (m) {
      const params = m[2]!
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== "");
      parsed.set(name, { name, op: m[3]!, params, args: m[4]!.replace(/\s+/g, " ") });
    }
  }
  return { registered, parsed };
}

describe("chained tensor ops without @tensorflow/tfjs", function () {
  this.timeout(120000);
  let tf: typeof import("besselbook").tf;
  let chained: typeof import("besselbook/tensor/chained");
  before(() => {
    tf = require("besselbook").tf;
    chained = require("besselbook/tensor/chained");
  });
  /** Our implementation of chained method `name`, called on `t`. */
  const ours =
    (name: string) =>
    (t: unknown, ...args: unknown[]): any =>
      chained.chainedImpl(name)!.call(t, ...args);

  it("require('besselbook') loads tfjs-core, -layers, -backend-cpu and defines every chained op, without the umbrella", () => {
    const script = String.raw`
      require("besselbook");
      const tf = require("@tensorflow/tfjs-core");
      const names = require("besselbook/tensor/chained").chainedOpNames();
      const missing = names.filter((n) => typeof tf.Tensor.prototype[n] !== "function");
      const pkgs = new Set();
      for (const k of Object.keys(require.cache)) {
        const m = /node_modules\/@tensorflow\/([^/]+)\//.exec(k.split(require("path").sep).join("/"));
        if (m) pkgs.add(m[1]);
      }
      const sum = tf.tensor([1, 2, 3]).sum().dataSync()[0];
      console.log(JSON.stringify({ missing, pkgs: [...pkgs].sort(), sum }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })
        .trim()
        .split("\n")
        .pop()!,
    );
    assert.deepEqual(out.missing, []);
    assert.deepEqual(out.pkgs, ["tfjs-backend-cpu", "tfjs-core", "tfjs-layers"]);
    assert.equal(out.sum, 6);
  });

  it("registers exactly the methods tfjs-core's register_all_chained_ops does", () => {
    const { registered } = parseSources();
    assert.ok(registered.length > 100, `only ${registered.length} chained ops parsed`);
    assert.deepEqual(chained.chainedOpNames(), [...registered].sort());
    for (const name of registered) assert.equal(typeof chained.chainedImpl(name), "function", name);
    assert.equal(chained.chainedImpl("notAnOp"), undefined);
  });

  it("maps every regular method to tfjs's op with tfjs's arity", () => {
    const { parsed } = parseSources();
    const ours = new Map<string, number>();
    for (const [arity, names] of Object.entries(chained.CHAINED_BY_ARITY)) {
      for (const n of names) ours.set(n, Number(arity));
    }
    let regular = 0;
    for (const p of parsed.values()) {
      const isRegular = p.args === ["this", ...p.params].join(", ") && p.op === p.name;
      if (!isRegular) {
        assert.ok(
          p.name in chained.CHAINED_SPECIAL,
          `${p.name}: tfjs calls ${p.op}(${p.args}); ours must special-case it`,
        );
        continue;
      }
      regular++;
      assert.equal(ours.get(p.name), p.params.length, `${p.name}: arity`);
    }
    // Our table holds no method tfjs treats irregularly.
    for (const n of ours.keys()) {
      const p = parsed.get(n);
      assert.ok(
        !p || (p.op === n && p.args === ["this", ...p.params].join(", ")),
        `${n} is not a plain op(this, …) in tfjs`,
      );
    }
    assert.ok(regular >= 110, `only ${regular} regular chained ops`);
  });

  it("the special cases compute what the direct ops compute", () => {
    const x = tf.tensor2d([
      [1, -2, 3],
      [4, 5, -6],
    ]);
    const same = (a: any, b: any, what: string) => {
      assert.deepEqual(a.shape, b.shape, what);
      assert.equal(a.dtype, b.dtype, what);
      assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()), what);
    };
    same(ours("toFloat")(x), tf.cast(x, "float32"), "toFloat");
    same(ours("toInt")(x), tf.cast(x, "int32"), "toInt");
    same(ours("toBool")(x), tf.cast(x, "bool"), "toBool");
    same(ours("asType")(x, "int32"), tf.cast(x, "int32"), "asType");
    same(ours("flatten")(x), tf.reshape(x, [6]), "flatten");
    same(ours("as1D")(x), tf.reshape(x, [6]), "as1D");
    same(ours("as2D")(x, 3, 2), tf.reshape(x, [3, 2]), "as2D");
    same(ours("as3D")(x, 1, 3, 2), tf.reshape(x, [1, 3, 2]), "as3D");
    same(ours("as4D")(x, 1, 1, 3, 2), tf.reshape(x, [1, 1, 3, 2]), "as4D");
    same(ours("as5D")(x, 1, 1, 1, 3, 2), tf.reshape(x, [1, 1, 1, 3, 2]), "as5D");
    same(ours("asScalar")(tf.tensor1d([7])), tf.scalar(7), "asScalar");
    assert.throws(() => ours("asScalar")(x), /only 1 element/);
    same(ours("reshapeAs")(x, tf.zeros([3, 2])), tf.reshape(x, [3, 2]), "reshapeAs");
    same(ours("concat")(x, x, 1), tf.concat([x, x], 1), "concat tensor");
    same(ours("concat")(x, [x, x]), tf.concat([x, x, x]), "concat list");
    same(ours("stack")(x, x, 0), tf.stack([x, x], 0), "stack tensor");
    same(ours("stack")(x, [x, x], 2), tf.stack([x, x, x], 2), "stack list");
    const idx = tf.tensor1d([0, 2, 1], "int32");
    same(ours("oneHot")(idx, 3), tf.oneHot(tf.tensor1d([0, 2, 1], "int32"), 3), "oneHot defaults");
    same(
      ours("oneHot")(idx, 3, 5, -1),
      tf.oneHot(tf.tensor1d([0, 2, 1], "int32"), 3, 5, -1),
      "oneHot values",
    );
    const cond = tf.tensor2d(
      [
        [1, 0, 1],
        [0, 1, 0],
      ],
      undefined,
      "bool",
    );
    same(
      ours("where")(x, cond, tf.zerosLike(x)),
      tf.where(cond, x, tf.zerosLike(x)),
      "where: this is the middle argument",
    );
    // A regular method passes exactly its declared arguments (sum: axis, keepDims).
    same(ours("sum")(x, 1, true), tf.sum(x, 1, true), "sum");
    same(ours("matMul")(x, x, false, true), tf.matMul(x, x, false, true), "matMul");
    x.dispose();
    assert.throws(() => ours("sum")(x), /disposed/);
  });
});
