#!/usr/bin/env node
// npm run mutate -- <module> [more stryker args]   (see stryker/modules.json for the modules)
// Runs StrykerJS for one module at low priority (nice 15; the machine is shared), concurrency 1.
// Not part of `npm test`. Reports land in reports/mutation/<module>.{json,html} (git-ignored).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const modules = JSON.parse(readFileSync(new URL("../stryker/modules.json", import.meta.url), "utf8"));
const names = Object.keys(modules).filter((k) => !k.startsWith("_"));
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`usage: npm run mutate -- <module> [stryker options]\nmodules: ${names.join(", ")}`);
  process.exit(2);
}
const r = spawnSync("nice", ["-n", "15", process.execPath, "node_modules/@stryker-mutator/core/bin/stryker.js", "run", "stryker/stryker.conf.mjs", ...rest], {
  stdio: "inherit",
  env: { ...process.env, STRYKER_MODULE: name },
});
process.exit(r.status ?? 1);
