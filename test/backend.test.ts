import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { expectNoLeakedTensors } from "./helpers";
import {
  init,
  check,
  notebook,
  resetSession,
  resultsDocument,
  CheckError,
  tensor,
} from "besselbook";
const { backendInfo, backendName, BACKENDS } = tensor;

async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.map(String).join(" "));
  };
  try {
    return { value: await fn(), lines };
  } finally {
    console.log = orig;
  }
}

function hasTfjsNode(): boolean {
  try {
    require.resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

describe("tensor/backend: init()", function () {
  this.timeout(60000);
  let savedEnv: string | undefined;
  before(() => {
    savedEnv = process.env.BESSELBOOK_BACKEND;
    delete process.env.BESSELBOOK_BACKEND;
  });
  after(() => {
    if (savedEnv === undefined) delete process.env.BESSELBOOK_BACKEND;
    else process.env.BESSELBOOK_BACKEND = savedEnv;
  });

  it("unknown BESSELBOOK_BACKEND is a RangeError naming the choices", async () => {
    process.env.BESSELBOOK_BACKEND = "gpu";
    try {
      await assert.rejects(
        init({ quiet: true }),
        (e: Error) =>
          e instanceof RangeError &&
          /"gpu"/.test(e.message) &&
          BACKENDS.every((b) => e.message.includes(`"${b}"`)),
      );
    } finally {
      delete process.env.BESSELBOOK_BACKEND;
    }
  });

  it("default: wasm on every machine (SIMD, 1 thread in Node), tfjs-node never even loaded; prints one line; ops run", () => {
    // A first init() can only be watched in a process where nothing has initialised a backend yet
    // (under npm test, other files call init() before this one), so it runs in a fresh Node. Every
    // module request during the default init() is recorded: an installed tfjs-node must not be
    // picked (or loaded) unless asked for, so results don't depend on what npm managed to install.
    const child = `
      const { init, backendInfo } = require("besselbook/tensor/backend");
      const Module = require("node:module");
      const orig = Module._resolveFilename;
      const requested = [];
      Module._resolveFilename = function (req, ...rest) { requested.push(req); return orig.call(this, req, ...rest); };
      const lines = [];
      const log = console.log;
      console.log = (...a) => { lines.push(a.map(String).join(" ")); };
      init().then((value) => {
        Module._resolveFilename = orig;
        console.log = log;
        const tf = require("@tensorflow/tfjs");
        const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[1], [1]])).dataSync());
        process.stdout.write(JSON.stringify({ value, lines, requested, info: backendInfo(), active: tf.getBackend(), y: [...y] }));
      }, (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
    const env = { ...process.env };
    delete env.BESSELBOOK_BACKEND;
    const r = spawnSync(process.execPath, ["-e", child], {
      cwd: path.join(__dirname, "..", ".."),
      env,
      encoding: "utf8",
      timeout: 60000,
    });
    assert.equal(r.status, 0, `child failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as {
      value: string;
      lines: string[];
      requested: string[];
      info: { simd: boolean; requested: string; kernels: unknown };
      active: string;
      y: number[];
    };
    assert.equal(out.value, "wasm");
    assert.ok(
      !out.requested.some((q) => q.includes("tfjs-node")),
      `default init() asked for tfjs-node: ${out.requested.filter((q) => q.includes("tfjs-node"))}`,
    );
    assert.ok(
      out.requested.some((q) => q.includes("tfjs-backend-wasm")),
      "the hook saw module requests (wasm was loaded through require)",
    );
    assert.equal(out.active, out.value);
    assert.equal(out.lines.length, 1);
    assert.match(
      out.lines[0]!,
      /^backend: wasm \(SIMD, 1 thread\) · tfjs 4\.22\.0 · \d+ besselbook wasm kernels?$/,
    );
    assert.equal(out.info.simd, true);
    assert.equal(out.info.requested, "default");
    assert.ok(Array.isArray(out.info.kernels));
    assert.deepEqual(out.y, [3, 7]);
  });

  it("is idempotent: a second call returns the same backend without re-initialising", async () => {
    const { value: first } = await captured(() => init());
    assert.equal(backendName(), first);
    const { value, lines } = await captured(() => init());
    assert.equal(value, first);
    assert.equal(tf.getBackend(), first);
    assert.equal(lines.length, 1);
  });

  it("passes when another test file called init() first (as under npm test)", function () {
    if (process.env.BESSELBOOK_BACKEND_ORDER_CHILD) this.skip();
    this.timeout(180000);
    // A mocha run of [a file that only calls init(), this file] in a fresh process.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-backend-order-"));
    const first = path.join(dir, "a-init-first.test.js");
    fs.writeFileSync(
      first,
      `const { init } = require(${JSON.stringify(require.resolve("besselbook/tensor/backend"))});
describe("another file", () => { it("calls init() first", async function () { this.timeout(60000); await init({ quiet: true }); }); });
`,
    );
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, BESSELBOOK_BACKEND_ORDER_CHILD: "1" };
      delete env.BESSELBOOK_BACKEND;
      const r = spawnSync(
        process.execPath,
        [
          require.resolve("mocha/bin/mocha.js"),
          "--no-config",
          "--timeout",
          "120000",
          "--reporter",
          "dot",
          first,
          __filename,
        ],
        { cwd: path.join(__dirname, "..", ".."), env, encoding: "utf8", timeout: 170000 },
      );
      assert.equal(
        r.status,
        0,
        `backend tests after another file's init() failed:\n${r.stdout}\n${r.stderr}`,
      );
      assert.match(r.stdout, /(\d+) passing/);
      assert.doesNotMatch(r.stdout, /failing/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("BESSELBOOK_BACKEND=cpu switches; record() provenance reports the active backend", async () => {
    process.env.BESSELBOOK_BACKEND = "cpu";
    try {
      const { value, lines } = await captured(() => init());
      assert.equal(value, "cpu");
      assert.equal(tf.getBackend(), "cpu");
      assert.match(
        lines[0]!,
        /^backend: cpu \[BESSELBOOK_BACKEND\] .* not the default \(wasm\): trained numbers will differ/,
      );
      assert.equal(backendInfo()!.requested, "explicit");
      resetSession();
      notebook("00_backend_test");
      assert.equal(resultsDocument().backend, "cpu");
    } finally {
      delete process.env.BESSELBOOK_BACKEND;
      resetSession();
    }
  });

  it("forcing tensorflow without tfjs-node fails with a message saying why", async function () {
    if (hasTfjsNode()) this.skip();
    await assert.rejects(
      init({ backend: "tensorflow", quiet: true }),
      /tfjs-node is not installed .*opt-in: npm install --no-save @tensorflow\/tfjs-node@4\.22\.0/,
    );
    // and the previous choice stays usable
    assert.equal(tf.getBackend(), "cpu");
  });

  it("explicit wasm after cpu switches back", async () => {
    assert.equal(await init({ backend: "wasm", quiet: true }), "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.equal(
      tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]),
      6,
    );
  });
});

describe("check with tfjs tensors", function () {
  this.timeout(60000);
  // rot90 of an [h, w] image: transpose then flip columns.
  const rot90 = (x: tf.Tensor) => tf.reverse(tf.transpose(x), 1);
  const quiet = <T>(fn: () => T): T => {
    const o = console.log;
    console.log = () => {};
    try {
      return fn();
    } finally {
      console.log = o;
    }
  };

  it("equivariant/invariant read tensors, run inside tf.tidy and leak nothing", () => {
    const x = tf.tensor2d([
      [1, -2, 3],
      [-4, 5, -6],
      [7, -8, 9],
    ]);
    expectNoLeakedTensors(() => {
      const err = quiet(() =>
        check.equivariant({
          what: "relu ∘ rot90",
          f: (t: tf.Tensor) => tf.relu(t),
          x,
          g: { in: rot90, out: rot90 },
          tol: 0,
        }),
      );
      assert.equal(err, 0);
      quiet(() =>
        check.invariant({
          what: "sum under rot90",
          f: (t: tf.Tensor) => tf.sum(t),
          x,
          g: rot90,
          tol: 1e-7,
        }),
      );
    }, "equivariant/invariant");
    // a map that is not rotation-equivariant: keep only the first row
    expectNoLeakedTensors(
      () =>
        assert.throws(
          () =>
            quiet(() =>
              check.equivariant({
                what: "first row",
                f: (t: tf.Tensor) => tf.slice(t, [0, 0], [1, 3]),
                x,
                g: { in: rot90, out: (y: tf.Tensor) => y },
                tol: 1e-3,
              }),
            ),
          CheckError,
        ),
      "a failing equivariant check",
    );
    quiet(() =>
      check.close(tf.tensor1d([1, 2]), new Float32Array([1, 2]), { what: "tensor vs typed array" }),
    );
    x.dispose();
  });
});
