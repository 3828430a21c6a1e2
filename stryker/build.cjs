// Stryker's buildCommand (run in the sandbox, no shell): compile the instrumented library, the
// host tools (tools/host: runner, book, bench), then the tests, with the project's own TypeScript (the sandbox sits inside the project, so
// node_modules is found by walking up).
const { execFileSync } = require("child_process");
const tsc = require.resolve("typescript/bin/tsc");
for (const project of ["lib/tsconfig.json", "tools/host/tsconfig.json", "test"]) {
  execFileSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
}
