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
exports.mochaHooks = {
  beforeEach() {
    if (this.currentTest) this.currentTest.timeout(testTimeout);
  },
};
