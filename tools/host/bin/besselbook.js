#!/usr/bin/env node
// Thin shim so the bin link exists before `prepare` has built dist/ (npm links bins first).
require("../dist/runner/cli.js").main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err && err.stack ? err.stack : String(err)); process.exitCode = 2; },
);
