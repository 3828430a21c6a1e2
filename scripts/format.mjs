#!/usr/bin/env node
/**
 * `npm run format`: formats every .ts file under lib/src, test and tools/host/src — comments
 * re-wrapped to 100 columns (reflow-comments.mjs; prettier leaves comments alone), then prettier
 * with .prettierrc.json (100 columns), repeated until nothing changes (prettier can need a second
 * pass). `npm run format -- --check` changes nothing and exits 1 listing the files that would
 * change. test/format.test.ts checks the same in `npm test`.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { reflow } from "./reflow-comments.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIRS = ["lib/src", "test", "tools/host/src"];
const prettier = createRequire(import.meta.url)("prettier");

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

const check = process.argv.includes("--check");
const files = DIRS.flatMap((d) => tsFiles(join(ROOT, d))).sort();
const changed = new Set();
for (let pass = 1; pass <= 3; pass++) {
  let n = 0;
  for (const f of files) {
    const src = readFileSync(f, "utf8");
    const options = { ...(await prettier.resolveConfig(f)), filepath: f };
    const out = await prettier.format(reflow(src.split("\n")).lines.join("\n"), options);
    if (out !== src) {
      changed.add(relative(ROOT, f));
      n++;
      if (!check) writeFileSync(f, out);
    }
  }
  if (check || n === 0) break;
}
if (check && changed.size) {
  console.error(`${changed.size} file(s) not formatted (run npm run format):\n  ${[...changed].join("\n  ")}`);
  process.exit(1);
}
console.log(`${files.length} files; ${check ? "all formatted" : `${changed.size} changed`}`);
