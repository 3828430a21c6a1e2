// The parameter values of a notebook, read from its cell tagged "parameters", so that a script
// that repeats a notebook's runs (scripts/run-bcnn05.cjs, scripts/profile-bcnn05.cjs) uses the
// notebook's own values instead of a copy of them. The cell's first `params(full, { smoke })`
// call is evaluated with a `params` that returns its arguments; upper-case numeric constants
// defined before the cell (`const SEED = 2021;`) are in scope. Full mode returns `full`; smoke
// mode applies the smoke overrides. No -p / BESSELBOOK_PARAMS overrides are applied.
const fs = require("node:fs");
const path = require("node:path");
const { paramsCallArgs } = require(path.join(__dirname, "..", "tools", "host", "dist", "runner", "parameters.js"));

const text = (cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);

function notebookParams(notebookPath, mode = "full") {
  if (mode !== "full" && mode !== "smoke") throw new Error(`notebook-params: mode = ${mode}; expected "full" or "smoke"`);
  const nb = JSON.parse(fs.readFileSync(notebookPath, "utf8"));
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const k = code.findIndex((c) => (c.metadata?.tags ?? []).includes("parameters"));
  if (k < 0) throw new Error(`notebook-params: ${notebookPath} has no cell tagged "parameters"`);
  const consts = {};
  for (const c of code.slice(0, k)) {
    for (const m of text(c).matchAll(/^const ([A-Z][A-Z0-9_]*) = (-?\d+(?:\.\d+)?(?:e-?\d+)?);/gm)) consts[m[1]] = Number(m[2]);
  }
  const src = text(code[k]);
  const [args] = paramsCallArgs(src); // the runner's own scanner (tools/host, built by npm ci)
  if (args === undefined) throw new Error(`notebook-params: the parameters cell of ${notebookPath} has no params( … ) call`);
  const [full, opts] = new Function(...Object.keys(consts), "params", `return params(${args});`)(...Object.values(consts), (f, o) => [f, o ?? {}]);
  return mode === "smoke" ? { ...full, ...(opts.smoke ?? {}) } : { ...full };
}

module.exports = { notebookParams };
