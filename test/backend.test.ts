import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { init, backendInfo, backendName, BACKENDS } from "besselbook/dist/tensor/backend";
import { check, notebook, resetSession, resultsDocument } from "besselbook/dist/kernel";
import { CheckError } from "besselbook/dist/errors";

async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.map(String).join(" ")); };
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
  before(() => { savedEnv = process.env.BESSELBOOK_BACKEND; delete process.env.BESSELBOOK_BACKEND; });
  after(() => { if (savedEnv === undefined) delete process.env.BESSELBOOK_BACKEND; else process.env.BESSELBOOK_BACKEND = savedEnv; });

  it("unknown BESSELBOOK_BACKEND is a RangeError naming the choices", async () => {
    process.env.BESSELBOOK_BACKEND = "gpu";
    try {
      await assert.rejects(init({ quiet: true }), (e: Error) => e instanceof RangeError && /"gpu"/.test(e.message) && BACKENDS.every((b) => e.message.includes(`"${b}"`)));
    } finally {
      delete process.env.BESSELBOOK_BACKEND;
    }
  });

  it("default: wasm on every machine (SIMD, 1 thread in Node), tfjs-node never even loaded; prints one line; ops run", async () => {
    // Record every module request during the default init(): an installed tfjs-node must not be
    // picked (or loaded) unless asked for, so results don't depend on what npm managed to install.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Module = require("node:module") as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
    const orig = Module._resolveFilename;
    const requested: string[] = [];
    Module._resolveFilename = function (req: string, ...rest: unknown[]) { requested.push(req); return orig.call(this, req, ...rest); };
    let out: { value: string; lines: string[] };
    try {
      out = await captured(() => init());
    } finally {
      Module._resolveFilename = orig;
    }
    const { value, lines } = out;
    assert.equal(value, "wasm");
    assert.ok(!requested.some((r) => r.includes("tfjs-node")), `default init() asked for tfjs-node: ${requested.filter((r) => r.includes("tfjs-node"))}`);
    assert.ok(requested.some((r) => r.includes("tfjs-backend-wasm")), "the hook saw module requests (wasm was loaded through require)");
    assert.equal(tf.getBackend(), value);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^backend: wasm \(SIMD, 1 thread\) · tfjs 4\.22\.0 · \d+ besselbook wasm kernels?$/);
    const info = backendInfo()!;
    assert.equal(info.simd, true);
    assert.equal(info.requested, "default");
    assert.ok(Array.isArray(info.kernels));
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[1], [1]])).dataSync());
    assert.deepEqual([...y], [3, 7]);
  });

  it("is idempotent: a second call returns the same backend without re-initialising", async () => {
    const first = backendName();
    const { value } = await captured(() => init());
    assert.equal(value, first);
    assert.equal(tf.getBackend(), first);
  });

  it("BESSELBOOK_BACKEND=cpu switches; record() provenance reports the active backend", async () => {
    process.env.BESSELBOOK_BACKEND = "cpu";
    try {
      const { value, lines } = await captured(() => init());
      assert.equal(value, "cpu");
      assert.equal(tf.getBackend(), "cpu");
      assert.match(lines[0]!, /^backend: cpu \[BESSELBOOK_BACKEND\] .* not the default \(wasm\): trained numbers will differ/);
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
    await assert.rejects(init({ backend: "tensorflow", quiet: true }), /tfjs-node is not installed .*opt-in: npm install --no-save @tensorflow\/tfjs-node@4\.22\.0/);
    // and the previous choice stays usable
    assert.equal(tf.getBackend(), "cpu");
  });

  it("explicit wasm after cpu switches back", async () => {
    assert.equal(await init({ backend: "wasm", quiet: true }), "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.equal(tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]), 6);
  });
});

describe("check with tfjs tensors", function () {
  this.timeout(60000);
  // rot90 of an [h, w] image: transpose then flip columns.
  const rot90 = (x: tf.Tensor) => tf.reverse(tf.transpose(x), 1);
  const quiet = <T>(fn: () => T): T => { const o = console.log; console.log = () => {}; try { return fn(); } finally { console.log = o; } };

  it("equivariant/invariant read tensors, run inside tf.tidy and leak nothing", () => {
    const x = tf.tensor2d([[1, -2, 3], [-4, 5, -6], [7, -8, 9]]);
    const before = tf.memory().numTensors;
    const err = quiet(() => check.equivariant({ what: "relu ∘ rot90", f: (t: tf.Tensor) => tf.relu(t), x, g: { in: rot90, out: rot90 }, tol: 0 }));
    assert.equal(err, 0);
    quiet(() => check.invariant({ what: "sum under rot90", f: (t: tf.Tensor) => tf.sum(t), x, g: rot90, tol: 1e-7 }));
    assert.equal(tf.memory().numTensors, before, "no tensors leaked");
    // a map that is not rotation-equivariant: keep only the first row
    assert.throws(() => quiet(() => check.equivariant({ what: "first row", f: (t: tf.Tensor) => tf.slice(t, [0, 0], [1, 3]), x, g: { in: rot90, out: (y: tf.Tensor) => y }, tol: 1e-3 })), CheckError);
    assert.equal(tf.memory().numTensors, before, "no tensors leaked on failure either");
    quiet(() => check.close(tf.tensor1d([1, 2]), new Float32Array([1, 2]), { what: "tensor vs typed array" }));
    x.dispose();
  });
});
