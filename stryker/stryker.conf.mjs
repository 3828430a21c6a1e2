// StrykerJS configuration, one module at a time: STRYKER_MODULE=<name> picks an entry of
// modules.json (scripts/mutate.mjs sets it; `npm run mutate -- <name>`).
import { readFileSync } from "node:fs";

const modules = JSON.parse(readFileSync(new URL("./modules.json", import.meta.url), "utf8"));
const name = process.env.STRYKER_MODULE;
const m = modules[name];
if (!m || name.startsWith("_")) {
  throw new Error(`STRYKER_MODULE = ${JSON.stringify(name)}; expected one of ${Object.keys(modules).filter((k) => !k.startsWith("_")).join(", ")}`);
}

// STRYKER_TYPECHECK=1 adds @stryker-mutator/typescript-checker: mutants that would not compile are
// then reported as compile errors instead of being run. It type-checks lib/ per mutant group and
// is what makes a run slow here (check.ts: ~6 mutants/min with it under load, ~150/min without),
// so it is opt-in; without it a surviving mutant may be one no compiler would accept — the
// survivors listed in environment.md were each read by hand.
const typecheck = process.env.STRYKER_TYPECHECK === "1";
// STRYKER_LOGIC_ONLY=1 skips string-literal mutants (message texts) for a quick look.
const logicOnly = process.env.STRYKER_LOGIC_ONLY === "1";
// STRYKER_TAG names the report files when a run is scoped with --mutate (default: the module).
const tag = process.env.STRYKER_TAG || name;

export default {
  packageManager: "npm",
  testRunner: "mocha",
  checkers: typecheck ? ["typescript"] : [],
  // the host modules (runner, protocol, report: tools/host/src) are checked with their own project
  tsconfigFile: m.mutate.every((f) => f.startsWith("tools/host/")) ? "tools/host/tsconfig.json" : "lib/tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: m.mutate,
  mutator: { excludedMutations: logicOnly ? ["StringLiteral"] : [] },
  // Build the (schemata-instrumented) library and the tests once per run, inside the sandbox.
  buildCommand: "node stryker/build.cjs",
  mochaOptions: {
    "no-config": true,
    spec: m.tests.map((t) => `.besselbook/test-dist/${t}.test.js`),
    require: ["stryker/resolve-sandbox.js"],
    // a module's optional `grep` (a regex on full test titles) leaves slow tests out of its run
    ...(m.grep ? { grep: m.grep } : {}),
  },
  coverageAnalysis: "perTest",
  concurrency: 1,
  timeoutMS: 20000,
  timeoutFactor: 3,
  ignorePatterns: ["figures", "site", ".besselbook", "reports", ".stryker-tmp"],
  reporters: ["clear-text", "json", "progress-append-only"],
  jsonReporter: { fileName: `reports/mutation/${tag}.json` },
  htmlReporter: { fileName: `reports/mutation/${tag}.html` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
