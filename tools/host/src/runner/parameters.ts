/**
 * `-p key=value` checked against the notebook before a kernel starts.
 *
 * Notebooks declare parameters with `params({ epochs: 12, … }, { smoke: {…} })` in the cell tagged
 * `parameters` (kernel/params.ts). The kernel rejects unknown keys and mistyped values, but only
 * when that cell runs — after the kernel started, and not at all in a notebook that never calls
 * params(). Here we read the defaults' object literal from the source (no evaluation) and apply the
 * same rules up front. A call whose defaults are not a plain literal (a variable, a spread) cannot
 * be read; then the kernel's own check is the only one, and we say so nowhere but here.
 */
import type { Cell, Notebook } from "./notebook";
import { cellTags } from "./notebook";

export type ParamType = "number" | "string" | "boolean";

export type NotebookParams =
  | { kind: "none" }
  /** A `parameters` cell or params() call whose defaults could not be read statically. */
  | { kind: "opaque"; cell: number }
  /** Keys with the type of their default (undefined: not a literal, type not checked). */
  | { kind: "params"; cell: number; keys: Map<string, ParamType | undefined> };

/** Skip a string/template literal or comment starting at i; returns the index after it, or i. */
function skipLiteral(src: string, i: number): number {
  const c = src[i];
  if (c === "/" && src[i + 1] === "/") {
    const e = src.indexOf("\n", i);
    return e < 0 ? src.length : e + 1;
  }
  if (c === "/" && src[i + 1] === "*") {
    const e = src.indexOf("*/", i + 2);
    return e < 0 ? src.length : e + 2;
  }
  if (c === '"' || c === "'" || c === "`") {
    for (let j = i + 1; j < src.length; j++) {
      if (src[j] === "\\") j++;
      else if (src[j] === c) return j + 1;
    }
    return src.length;
  }
  return i;
}

/** Index just past the bracket that closes the one at `open`, or -1. */
function matchClose(src: string, open: number): number {
  const pairs: Record<string, string> = { "{": "}", "[": "]", "(": ")" };
  const stack: string[] = [];
  for (let i = open; i < src.length;) {
    const j = skipLiteral(src, i);
    if (j !== i) {
      i = j;
      continue;
    }
    const c = src[i];
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === "}" || c === "]" || c === ")") {
      if (stack.pop() !== c) return -1;
      if (!stack.length) return i + 1;
    }
    i++;
  }
  return -1;
}

/** Split the inside of an object literal at top-level commas. */
function topLevelEntries(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length;) {
    const j = skipLiteral(body, i);
    if (j !== i) {
      i = j;
      continue;
    }
    const c = body[i];
    if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  out.push(body.slice(start));
  return out.map((e) => e.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "").trim()).filter(Boolean);
}

function literalType(expr: string): ParamType | undefined {
  const v = expr.replace(/\s+as\s+(const|boolean|number|string)\s*$/, "").trim();
  if (/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(e[+-]?\d+)?$/i.test(v) || /^0[xob][0-9a-f_]+$/i.test(v))
    return "number";
  if (v === "true" || v === "false") return "boolean";
  if (/^(["'])(?:\\.|(?!\1).)*\1$/s.test(v) || (/^`[^`]*`$/.test(v) && !v.includes("${")))
    return "string";
  return undefined;
}

/** Keys of the object literal at `open` (a "{"), or null when it is not a plain literal. */
function readObject(src: string, open: number): Map<string, ParamType | undefined> | null {
  const close = matchClose(src, open);
  if (close < 0) return null;
  const keys = new Map<string, ParamType | undefined>();
  for (const entry of topLevelEntries(src.slice(open + 1, close - 1))) {
    if (entry.startsWith("...")) return null;
    const m = /^(?:([A-Za-z_$][\w$]*)|"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)')\s*(:|$)/s.exec(
      entry,
    );
    if (!m) return null; // computed key, method, …
    const key = m[1] ?? m[2] ?? m[3];
    keys.set(key, m[4] === ":" ? literalType(entry.slice(m[0].length)) : undefined);
  }
  return keys;
}

/** Every `params(` call in a cell (also `bb.params(`), as the index of its "(". */
function paramsCalls(src: string): number[] {
  const at: number[] = [];
  for (let i = 0; i < src.length;) {
    const j = skipLiteral(src, i);
    if (j !== i) {
      i = j;
      continue;
    }
    if (src.startsWith("params", i) && !/[\w$]/.test(src[i - 1] ?? "")) {
      const m = /^params\s*\(/.exec(src.slice(i, i + 40));
      if (m) {
        at.push(i + m[0].length - 1);
        i += m[0].length;
        continue;
      }
    }
    i++;
  }
  return at;
}

/**
 * The argument text of every `params( … )` call in `src`, in order (comments and string literals
 * skipped) — what scripts/notebook-params.cjs evaluates to read a notebook's parameter values.
 */
export function paramsCallArgs(src: string): string[] {
  return paramsCalls(src).map((open) => {
    const end = matchClose(src, open);
    if (end < 0) throw new Error("paramsCallArgs: an unbalanced params( … ) call");
    return src.slice(open + 1, end - 1);
  });
}

/** What the notebook declares as parameters (see NotebookParams). */
export function notebookParameters(nb: Notebook): NotebookParams {
  const code = nb.cells
    .map((c, i) => ({ c, index: i + 1 }))
    .filter(({ c }) => c.cell_type === "code");
  const tagged = code.find(({ c }) => cellTags(c).includes("parameters"));
  const withCalls = code.filter(({ c }) => paramsCalls(c.source).length);
  if (!tagged && !withCalls.length) return { kind: "none" };
  const first = (tagged ?? withCalls[0]).index;
  const keys = new Map<string, ParamType | undefined>();
  const cells: Array<{ c: Cell; index: number }> =
    tagged && !withCalls.includes(tagged) ? [tagged, ...withCalls] : withCalls;
  if (!withCalls.length) return { kind: "opaque", cell: first };
  for (const { c, index } of cells) {
    for (const paren of paramsCalls(c.source)) {
      let i = paren + 1;
      while (/\s/.test(c.source[i] ?? "")) i++;
      const obj = c.source[i] === "{" ? readObject(c.source, i) : null;
      if (!obj) return { kind: "opaque", cell: index };
      for (const [k, t] of obj) keys.set(k, keys.has(k) && keys.get(k) !== t ? undefined : t);
    }
  }
  return { kind: "params", cell: first, keys };
}

const isNumberLike = (v: unknown) =>
  (typeof v === "number" && Number.isFinite(v)) ||
  (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)));

/**
 * Check `-p` values against the notebook's parameters; returns the problems (empty: fine) and the
 * values to pass, with numbers/booleans turned into their text where the default is a string
 * (`-p glyph=123` for a string parameter means the text "123", not a type error).
 */
export function checkParams(
  nb: Notebook,
  params: Record<string, unknown>,
): { problems: string[]; params: Record<string, unknown> } {
  const given = Object.keys(params);
  if (!given.length) return { problems: [], params };
  const decl = notebookParameters(nb);
  if (decl.kind === "none") {
    return {
      problems: [
        `-p ${given.join(", ")} given, but the notebook has no cell tagged "parameters" (no params() call): it takes no parameters`,
      ],
      params,
    };
  }
  if (decl.kind === "opaque") return { problems: [], params };
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  const known = [...decl.keys.keys()];
  for (const [k, v] of Object.entries(params)) {
    if (!decl.keys.has(k)) {
      problems.push(
        `unknown parameter "${k}" (-p ${k}=…); the parameters cell (cell ${decl.cell}) defines: ${known.join(", ") || "nothing"}`,
      );
      continue;
    }
    const want = decl.keys.get(k);
    let value = v;
    if (want === "string" && (typeof v === "number" || typeof v === "boolean")) value = String(v);
    const ok =
      want === undefined ||
      (want === "number"
        ? isNumberLike(value)
        : want === "boolean"
          ? typeof value === "boolean" || value === "true" || value === "false"
          : typeof value === "string");
    if (!ok)
      problems.push(
        `-p ${k}=${JSON.stringify(v)}: the default of ${k} (cell ${decl.cell}) is a ${want}; expected a ${want === "number" ? "finite number" : want}`,
      );
    out[k] = value;
  }
  return { problems, params: out };
}
