import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { init, backendInfo, backendName, BACKENDS } from "besselbook/dist/tensor/backend";
import { notebook, resetSession, resultsDocument } from "besselbook/dist/kernel";

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

  it("default order: tfjs-node if installed, else wasm (SIMD, 1 thread in Node); prints one line; ops run", async () => {
    const { value, lines } = await captured(() => init());
    assert.equal(value, hasTfjsNode() ? "tensorflow" : "wasm");
    assert.equal(tf.getBackend(), value);
    assert.equal(lines.length, 1);
    if (value === "wasm") {
      assert.match(lines[0]!, /^backend: wasm \(SIMD, 1 thread\) · tfjs 4\.22\.0 · \d+ besselbook wasm kernels?$/);
      const info = backendInfo()!;
      assert.equal(info.simd, true);
      assert.ok(Array.isArray(info.kernels));
    }
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
      assert.match(lines[0]!, /^backend: cpu \[BESSELBOOK_BACKEND\]/);
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
    await assert.rejects(init({ backend: "tensorflow", quiet: true }), /tfjs-node not installed/);
    // and the previous choice stays usable
    assert.equal(tf.getBackend(), "cpu");
  });

  it("explicit wasm after cpu switches back", async () => {
    assert.equal(await init({ backend: "wasm", quiet: true }), "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.equal(tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]), 6);
  });
});
