#!/usr/bin/env node
/**
 * Where a besselbook kernel's memory goes: runs the given cells in a real tslab kernel (through
 * the project's runner and kernelspec) and prints RSS, live heap, external memory and the number
 * of loaded modules after each one. Start with `NODE_OPTIONS=--expose-gc` so a cell can call
 * `(global as any).gc()` to separate live memory from garbage.
 *
 *   npm run build
 *   NODE_OPTIONS=--expose-gc node scripts/kernel-memory.js \
 *     '["1", "import { plot } from \"besselbook\"; (global as any).gc(); 1"]'
 *
 * Without an argument it runs the steps measured in environment.md ("Kernel memory").
 */
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..");
const { runNotebook } = require(path.join(root, "lib", "dist", "runner"));
const { writeNotebook } = require(path.join(root, "lib", "dist", "runner", "notebook"));

const gc = "(global as any).gc?.();";
const DEFAULT = [
  `1; ${gc}`,
  `import { notebook, show, plot } from "besselbook"; ${gc}`,
  `import { init } from "besselbook"; await init(); ${gc}`,
  `show(plot.line({ x: [0, 1, 2], y: [1, 2, 3] })); ${gc}`,
  `import { danfo } from "besselbook"; const dfd = danfo(); ${gc}`,
];
const steps = process.argv[2] ? JSON.parse(process.argv[2]) : DEFAULT;
const probe = 'console.log("MEM " + JSON.stringify(((m: any) => ({ rss_MB: Math.round(m.rss / 1e6), ' +
  'heap_MB: Math.round(m.heapUsed / 1e6), external_MB: Math.round(m.external / 1e6), ' +
  'modules: Object.keys(require.cache).length, cpu_ms: Math.round((process.cpuUsage().user + ' +
  'process.cpuUsage().system) / 1000) }))(process.memoryUsage())));';
const cells = [];
steps.forEach((src, i) => {
  cells.push({ cell_type: "code", id: `s${i}`, metadata: {}, source: src, outputs: [], execution_count: null });
  cells.push({ cell_type: "code", id: `m${i}`, metadata: {}, source: probe, outputs: [], execution_count: null });
});
// Under notebooks/ so tslab compiles the cells with the project's module resolution.
const file = path.join(root, "notebooks", `.kernel-memory-${process.pid}.ipynb`);
writeNotebook(file, { nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
runNotebook(file, { mode: "smoke", timeoutS: 600 }).then(
  (r) => {
    fs.rmSync(file, { force: true });
    if (!r.ok) { console.error(r.failure.message); process.exitCode = 1; }
    r.cells.forEach((c, i) => {
      const m = /MEM (\{[^}]*\})/.exec(JSON.stringify(c.outputs).replace(/\\"/g, '"'));
      if (m) console.log(String(steps[(i - 1) / 2]).slice(0, 60).padEnd(62), m[1]);
    });
  },
  (e) => { fs.rmSync(file, { force: true }); console.error(e); process.exitCode = 1; },
);
