// Loaded by mocha (--require) inside Stryker's sandbox. The unit tests import "besselbook/…",
// which node_modules/besselbook (an npm-workspace symlink into the ORIGINAL lib/) would resolve
// to the un-mutated build; map it to the sandbox's own lib/ so the tests exercise the mutants.
const Module = require("module");
const path = require("path");
// The same for "besselbook-host/…" (tools/host: runner, book, bench).
const lib = path.resolve(__dirname, "..", "lib");
const host = path.resolve(__dirname, "..", "tools", "host");
// lib/package.json's exports map names the public subpaths ("besselbook/kernel/paths" →
// ./dist/kernel/paths.js); apply it to the sandbox's lib/. An unexported subpath is left to Node,
// which refuses it (ERR_PACKAGE_PATH_NOT_EXPORTED) as it does outside the sandbox.
const libExports = require(path.join(lib, "package.json")).exports;
const orig = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "besselbook") request = lib;
  else if (request.startsWith("besselbook/")) {
    const target = libExports["./" + request.slice("besselbook/".length)];
    if (typeof target === "string") request = path.join(lib, target);
  }
  else if (request === "besselbook-host") request = host;
  else if (request.startsWith("besselbook-host/")) request = path.join(host, request.slice("besselbook-host/".length));
  return orig.call(this, request, ...rest);
};

// mochaOptions has no `timeout`; give each test the 60 s that .mocharc.json gives it (loaded machine),
// or STRYKER_TEST_TIMEOUT_MS (frames-core: instrumented Clebsch–Gordan eigenproblems take minutes).
const testTimeout = Number(process.env.STRYKER_TEST_TIMEOUT_MS) || 60000;
// Session 7 (environment.md, footnote 17): a WebAssembly trap ("memory access out of bounds")
// inside the tfjs wasm backend or a besselbook wasm kernel leaves that wasm instance unusable for
// the rest of the process. Stryker hot-swaps mutants in one worker, so after one mutant fed a
// kernel a wrong shape, every later mutant whose tests touch the backend failed with the same
// trap and was counted "killed" (285 false kills in session 6's first frames-decide run). Any
// mocha failure (test, hook or uncaught error) that is a trap therefore ends the worker at once:
// Stryker retries that mutant in a fresh worker (twice; a mutant that traps every time is
// reported as a runtime error, not a kill), and the mutants after it run in a clean process.
// Patched on Runner.prototype.fail, which every failure passes (test, hook, uncaught error): a
// root afterEach hook doing the same was tried first and never fired in Stryker's worker.
const WASM_TRAP = /memory access out of bounds|RuntimeError: unreachable|RuntimeError: (table|indirect call|integer|float|call stack)/;
const isTrap = (err) => !!err && (err instanceof WebAssembly.RuntimeError || WASM_TRAP.test(String(err.stack || err.message || err)));
const Runner = require("mocha").Runner;
const fail = Runner.prototype.fail;
Runner.prototype.fail = function (test, err, ...rest) {
  if (isTrap(err)) {
    const title = test && typeof test.fullTitle === "function" ? test.fullTitle() : "?";
    process.stderr.write(`stryker/resolve-sandbox: WebAssembly trap in "${title}"; ending this worker (${String(err && err.message).slice(0, 120)})\n`);
    // SIGKILL, not process.exit: nothing in the worker can intercept or delay it
    process.kill(process.pid, "SIGKILL");
  }
  return fail.call(this, test, err, ...rest);
};
exports.mochaHooks = {
  beforeEach() {
    if (this.currentTest) this.currentTest.timeout(testTimeout);
  },
};
