#!/usr/bin/env node
/**
 * Where a besselbook kernel's memory goes: runs the given cells in a real tslab kernel (through
 * the project's runner and kernelspec) and prints RSS, live heap (after a forced GC), external
 * memory, the number of loaded modules and the kernel's CPU time after each one
 * (tools/host/src/bench/memory.ts).
 *
 *   npm run build
 *   node scripts/kernel-memory.js                       # the steps measured in environment.md
 *   node scripts/kernel-memory.js '["1", "import { plot } from \"besselbook\";"]'
 *
 * Environment for the kernel passes through, e.g. BESSELBOOK_TSLAB_SKIP=types-node (run without
 * that kernel patch) or NODE_OPTIONS=--max-semi-space-size=4.
 */
const path = require("path");
const { kernelMemory, TYPICAL_STEPS } = require(path.join(__dirname, "..", "tools", "host", "dist", "bench", "memory"));

const steps = process.argv[2] ? JSON.parse(process.argv[2]) : TYPICAL_STEPS;
kernelMemory(steps).then(
  (samples) => {
    for (const { step, ...m } of samples) console.log(String(step).slice(0, 60).padEnd(62), JSON.stringify(m));
  },
  (e) => { console.error(e.message ?? e); process.exitCode = 1; },
);
