/**
 * Source patches for tslab 1.0.22 (its last release), applied when the kernel loads tslab's
 * compiled files (`installTslabPatches()`, called from kernel-preload.ts). tslab ships plain
 * CommonJS in node_modules/tslab/dist; each patch below replaces one exact snippet of one file.
 * Nothing is written to disk, so `npm ci` needs no extra step and an upgraded tslab is left alone:
 * a patch whose snippet is not found is skipped and the kernel prints one line naming it the first
 * time a cell runs (see `patchReport()`), so a silent regression cannot happen.
 *
 * The patches (ours):
 * - shorthand: `{ acc }` / `{ ...o, acc }` where `acc` was declared in an earlier cell. tslab turns
 *   earlier-cell identifiers into `exports.acc` by asking the checker for each identifier's symbol;
 *   for a shorthand property that is the *property* symbol (declared in this cell), so the name was
 *   left bare and failed with "ReferenceError: acc is not defined". We ask for the shorthand's
 *   value symbol and emit `acc: exports.acc` (also as a destructuring-assignment target).
 * - bundler: TypeScript module resolution "Bundler" (TS 5.0) instead of "Node10", so packages that
 *   declare their types only through a package.json `exports` map (danfojs, vega-lite 6) resolve.
 * - cell-file: compiled cells run under a file name `besselbook-cell-<n>` so a runtime error's
 *   stack can be mapped back to the user's cell and line (kernel-preload.ts, `cellError`).
 * - one-build: one program rebuild per cell instead of two (see ONE_BUILD_FIND below; issue #20.4).
 * - cell-error: a failing cell reports through the preload's short error printer (the error and
 *   the user's cell/line; BESSELBOOK_STACK=1 restores tslab's full print).
 * - types-node: cells are type-checked with `types: ["node"]`: of the global declaration packages
 *   in node_modules/@types only @types/node is loaded into every cell's program, not the ones the
 *   project's tests and tools bring (mocha's describe/it, markdown-it, …), which mean nothing in a
 *   notebook. Packages a cell or a library imports still resolve their @types as before. Saves
 *   ≈ 5 MB of each kernel's heap (environment.md, "Kernel memory").
 */
import * as fs from "fs";
import Module = require("module");
import * as path from "path";

export interface SourcePatch {
  id: string;
  /** Path suffix of the patched file, with "/" separators. */
  file: string;
  find: string;
  replace: string;
  /** Replace every occurrence (each must exist at least once). */
  all?: boolean;
}

const SHORTHAND_FIND = `        function wrapPrevIdentifier(node) {
            var _a, _b;
            if (!ts.isIdentifier(node)) {`;

const SHORTHAND_REPLACE = `        function wrapPrevIdentifier(node) {
            var _a, _b;
            if (ts.isShorthandPropertyAssignment(node)) {
                // besselbook patch "shorthand": { acc } naming an earlier cell's variable.
                const vs = checker.getShorthandAssignmentValueSymbol(node);
                if (vs && (vs.declarations || []).some((d) => d.getSourceFile() === declsFile)) {
                    const f = ts.factory;
                    let value = f.createPropertyAccessExpression(f.createIdentifier("exports"), f.createIdentifier(ts.idText(node.name)));
                    if (node.objectAssignmentInitializer) {
                        const init = ts.visitNode(node.objectAssignmentInitializer, wrapPrevIdentifier);
                        value = f.createAssignment(value, init);
                    }
                    return f.createPropertyAssignment(f.createIdentifier(ts.idText(node.name)), value);
                }
                return ts.visitEachChild(node, wrapPrevIdentifier, nullTransformationContext);
            }
            if (!ts.isIdentifier(node)) {`;

// One program rebuild per cell instead of two. tslab compiled each cell twice: once to learn the
// cell's top-level names (the source file's binder `locals`), then again with `export { names }`
// appended. Each rebuild makes a new program, builder state and type checker over every
// declaration file (lib, @types/node, the imported libraries). The names come from parsing and
// binding the cell text alone, the same text and target the program parses; only the second
// (final) build remains.
const ONE_BUILD_FIND = `        updateContent(prevDecl, src);
        let declsFile = builder.getSourceFile(declFilename);
        let srcFile = builder.getSourceFile(srcFilename);
        const locals = srcFile.locals;
        const keys = new Set();
        if (locals) {
            locals.forEach((_, key) => {
                keys.add(key);
            });
        }
        if (keys.size > 0) {
            // Export all local variables.
            // TODO: Disallow "export" in the input.
            const suffix = "\\nexport {" + Array.from(keys).join(", ") + "}";
            updateContent(prevDecl, src + suffix);
            declsFile = builder.getSourceFile(declFilename);
            srcFile = builder.getSourceFile(srcFilename);
        }
        asMutable(srcFile).parent = declsFile;`;

const ONE_BUILD_REPLACE = `        // besselbook patch "one-build": the cell's top-level names without a program rebuild.
        const localsFile = ts.createSourceFile(srcFilename, srcPrefix + src, transpileTarget, false);
        ts.bindSourceFile(localsFile, builder.getCompilerOptions());
        const locals = localsFile.locals;
        const keys = new Set();
        if (locals) {
            locals.forEach((_, key) => {
                keys.add(key);
            });
        }
        // Export all local variables (one build, with or without the export suffix).
        const suffix = keys.size > 0 ? "\\nexport {" + Array.from(keys).join(", ") + "}" : "";
        updateContent(prevDecl, src + suffix);
        const declsFile = builder.getSourceFile(declFilename);
        const srcFile = builder.getSourceFile(srcFilename);
        asMutable(srcFile).parent = declsFile;`;

export const TSLAB_PATCHES: SourcePatch[] = [
  {
    id: "shorthand",
    file: "tslab/dist/converter.js",
    find: SHORTHAND_FIND,
    replace: SHORTHAND_REPLACE,
  },
  {
    id: "bundler",
    file: "tslab/dist/converter.js",
    find: "moduleResolution: ts.ModuleResolutionKind.Node10,",
    replace: "moduleResolution: ts.ModuleResolutionKind.Bundler,",
  },
  {
    id: "cell-file",
    file: "tslab/dist/executor.js",
    find: "breakOnSigint: true,",
    replace:
      "breakOnSigint: true, filename: globalThis.__besselbookCellFile ? " +
      'globalThis.__besselbookCellFile(src, converted.output) : "evalmachine.<anonymous>",',
  },
  {
    id: "cell-error",
    file: "tslab/dist/executor.js",
    find: "console.error(e);",
    replace:
      "(globalThis.__besselbookCellError ? globalThis.__besselbookCellError(e, console) : console.error(e));",
    all: true,
  },
  {
    id: "one-build",
    file: "tslab/dist/converter.js",
    find: ONE_BUILD_FIND,
    replace: ONE_BUILD_REPLACE,
  },
  {
    id: "types-node",
    file: "tslab/dist/converter.js",
    find: "        typeRoots: getTypeRoots(),\n",
    replace:
      '        typeRoots: getTypeRoots(),\n        // besselbook patch "types-node".\n        types: ["node"],\n',
  },
];

export interface PatchResult {
  source: string;
  applied: string[];
  missing: string[];
}

/** Apply every patch meant for `file` to its source text. */
export function applyPatches(
  file: string,
  source: string,
  patches: SourcePatch[] = TSLAB_PATCHES,
): PatchResult {
  const norm = file.split(path.sep).join("/");
  const applied: string[] = [];
  const missing: string[] = [];
  const skip = new Set((process.env.BESSELBOOK_TSLAB_SKIP ?? "").split(",").map((x) => x.trim()));
  for (const p of patches) {
    if (!norm.endsWith("/" + p.file) || skip.has(p.id)) continue;
    if (!source.includes(p.find)) {
      missing.push(p.id);
      continue;
    }
    source = p.all ? source.split(p.find).join(p.replace) : source.replace(p.find, () => p.replace);
    applied.push(p.id);
  }
  return { source, applied, missing };
}

const state = {
  installed: false,
  applied: [] as string[],
  missing: [] as string[],
  reported: false,
};

/** Ids of applied and missing patches so far (files tslab has loaded). */
export function patchState(): { applied: string[]; missing: string[] } {
  return { applied: [...state.applied], missing: [...state.missing] };
}

/**
 * One line if a patch could not be applied (tslab changed), once per kernel; else undefined.
 * Names what then does not work, so the user knows which workaround applies.
 */
export function patchReport(): string | undefined {
  if (state.reported || state.missing.length === 0) return undefined;
  state.reported = true;
  return (
    `[besselbook] kernel patches not applied (tslab changed?): ${state.missing.join(", ")}; ` +
    "see environment.md, section 'The kernel'"
  );
}

/** Hook Node's CommonJS loader so tslab's dist files are patched as they load. Idempotent. */
export function installTslabPatches(): void {
  if (state.installed) return;
  state.installed = true;
  const exts = (Module as unknown as { _extensions: Record<string, (m: any, f: string) => void> })
    ._extensions;
  const orig = exts[".js"];
  const targets = new Set(TSLAB_PATCHES.map((p) => p.file));
  exts[".js"] = function (mod: any, filename: string) {
    const norm = filename.split(path.sep).join("/");
    if (![...targets].some((t) => norm.endsWith("/" + t))) return orig.call(this, mod, filename);
    const r = applyPatches(filename, fs.readFileSync(filename, "utf8"));
    state.applied.push(...r.applied);
    state.missing.push(...r.missing);
    mod._compile(r.source, filename);
  };
}
