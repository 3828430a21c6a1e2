/**
 * Notebook file IO: read + validate (nbformat 4), serialize the way Jupyter does, atomic write.
 *
 * In memory, multi-line strings are joined (nbformat's rejoin_lines); on disk they are split into
 * lists of lines (split_lines) and the JSON is
 * `json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)` plus a trailing newline, as
 * nbformat.v4.nbjson writes it. Keeping that format byte-for-byte means a notebook saved by the
 * runner and one saved by JupyterLab diff cleanly.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { FormatError } from "besselbook/errors";
import { atomicWrite } from "besselbook/kernel/io";

/** A Jupyter MIME bundle: the library's own type (lib/src/kernel/display.ts). */
import type { MimeBundle } from "besselbook";
export type { MimeBundle };

export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr" | string; text: string }
  | { output_type: "display_data"; data: MimeBundle; metadata: Record<string, unknown> }
  | {
      output_type: "execute_result";
      data: MimeBundle;
      metadata: Record<string, unknown>;
      execution_count: number | null;
    }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  source: string;
  metadata: Record<string, unknown> & { tags?: string[] };
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: Record<string, MimeBundle>;
  [extra: string]: unknown;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** A cell's tags (empty when it has none). */
export function cellTags(cell: Cell): string[] {
  const t = cell.metadata?.tags;
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
}

const isTextLines = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === "string");
const isJsonMime = (mime: string) =>
  mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
const SPLIT_NON_TEXT = new Set(["application/javascript", "image/svg+xml"]);

function joinBundle(data: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [k, v] of Object.entries(data))
    out[k] = !isJsonMime(k) && isTextLines(v) ? v.join("") : v;
  return out;
}

function splitBundle(data: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [k, v] of Object.entries(data))
    out[k] =
      typeof v === "string" && (k.startsWith("text/") || SPLIT_NON_TEXT.has(k)) ? splitLines(v) : v;
  return out;
}

/**
 * Python's `str.splitlines(keepends=True)`, which nbformat uses: it breaks on \n, \r, \r\n and the
 * other Unicode line boundaries, so the same set is used here for byte-identical files.
 */
export function splitLines(s: string): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    out.push(s.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < s.length) out.push(s.slice(start));
  return out;
}

/** Validate parsed JSON as an nbformat-4 notebook and rejoin its line lists. Throws FormatError. */
export function parseNotebook(file: string, text: string): Notebook {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FormatError(
      file,
      `not valid JSON (${(e as Error).message}); expected an .ipynb notebook (nbformat 4 JSON)`,
    );
  }
  const bad = (why: string): never => {
    throw new FormatError(
      file,
      `not a Jupyter notebook: ${why}; expected nbformat 4 JSON with a "cells" array`,
    );
  };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    bad(`top level is ${Array.isArray(raw) ? "an array" : typeof raw}`);
  if (raw.nbformat !== 4) bad(`nbformat is ${JSON.stringify(raw.nbformat)}`);
  if (!Array.isArray(raw.cells))
    bad(`"cells" is ${raw.cells === undefined ? "missing" : typeof raw.cells}`);
  const cells: Cell[] = raw.cells.map((c: any, i: number) => {
    const where = `cell ${i + 1}`;
    if (c === null || typeof c !== "object") bad(`${where} is not an object`);
    if (!["code", "markdown", "raw"].includes(c.cell_type))
      bad(`${where} has cell_type ${JSON.stringify(c.cell_type)}`);
    if (typeof c.source !== "string" && !isTextLines(c.source))
      bad(`${where} source is neither a string nor a list of strings`);
    const cell: Cell = {
      ...c,
      source: typeof c.source === "string" ? c.source : c.source.join(""),
      metadata: c.metadata ?? {},
    };
    if (c.attachments)
      cell.attachments = Object.fromEntries(
        Object.entries(c.attachments as Record<string, MimeBundle>).map(([k, v]) => [
          k,
          joinBundle(v),
        ]),
      );
    if (c.cell_type === "code") {
      if (c.outputs !== undefined && !Array.isArray(c.outputs))
        bad(`${where} "outputs" is ${typeof c.outputs}, not an array`);
      const outputs = Array.isArray(c.outputs) ? c.outputs : [];
      cell.outputs = outputs.map((o: any, j: number) => {
        if (
          o === null ||
          typeof o !== "object" ||
          Array.isArray(o) ||
          typeof o.output_type !== "string"
        ) {
          bad(
            `${where} output ${j + 1} is ${o === null ? "null" : Array.isArray(o) ? "an array" : typeof o !== "object" ? `a ${typeof o}` : "an object without output_type"}, not an output`,
          );
        }
        if (o.output_type === "display_data" || o.output_type === "execute_result")
          return { ...o, data: joinBundle(o.data ?? {}) };
        if (o.output_type === "stream" && isTextLines(o.text))
          return { ...o, text: o.text.join("") };
        return o;
      });
      if (cell.execution_count === undefined) cell.execution_count = null;
    }
    return cell;
  });
  return {
    nbformat: 4,
    nbformat_minor: typeof raw.nbformat_minor === "number" ? raw.nbformat_minor : 0,
    metadata: raw.metadata && typeof raw.metadata === "object" ? raw.metadata : {},
    cells,
  };
}

/**
 * Read and validate a notebook file. Throws FormatError (bad JSON / not a notebook) or the fs
 * error.
 */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new FormatError(
      file,
      `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return parseNotebook(file, text);
}

/**
 * Deterministic cell id for cells that have none (nbformat 4.5 requires ids; random ones would
 * churn diffs).
 */
function stableId(cell: Cell, index: number, taken: Set<string>): string {
  for (let salt = 0; ; salt++) {
    const id = crypto
      .createHash("sha256")
      .update(`${index}\0${salt}\0${cell.source}`)
      .digest("hex")
      .slice(0, 8);
    if (!taken.has(id)) return id;
  }
}

/**
 * JSON with sorted keys and 1-space indent, matching Python's json.dumps(sort_keys=True, indent=1).
 */
function sortedJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object") {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v as object).sort(compareCodePoints)) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== undefined) o[k] = sortKeys(x);
      }
      return o;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value), null, 1);
}

/**
 * Python sorts str keys by code point; JS default sort is by UTF-16 unit — same except astral vs
 * U+E000+.
 */
function compareCodePoints(a: string, b: string): number {
  const x = [...a],
    y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

/**
 * Serialize as nbformat 4.5 on-disk JSON (split lines, sorted keys, indent 1, trailing newline).
 */
export function serializeNotebook(nb: Notebook): string {
  const taken = new Set(
    nb.cells.map((c) => c.id).filter((x): x is string => typeof x === "string"),
  );
  const cells = nb.cells.map((c, i) => {
    const out: Record<string, unknown> = { ...c, source: splitLines(c.source) };
    if (typeof c.id !== "string") {
      const id = stableId(c, i, taken);
      taken.add(id);
      out.id = id;
    }
    const meta = { ...c.metadata };
    delete meta.trusted; // nbformat strip_transient
    out.metadata = meta;
    if (c.attachments)
      out.attachments = Object.fromEntries(
        Object.entries(c.attachments).map(([k, v]) => [k, splitBundle(v)]),
      );
    if (c.cell_type === "code") {
      out.outputs = (c.outputs ?? []).map((o) => {
        if (o.output_type === "stream") return { ...o, text: splitLines(o.text) };
        if (o.output_type === "display_data" || o.output_type === "execute_result")
          return { ...o, data: splitBundle(o.data) };
        return o;
      });
      out.execution_count = c.execution_count ?? null;
    }
    return out;
  });
  const metadata = { ...nb.metadata };
  for (const k of ["orig_nbformat", "orig_nbformat_minor", "signature"]) delete metadata[k];
  return (
    sortedJson({ cells, metadata, nbformat: 4, nbformat_minor: Math.max(5, nb.nbformat_minor) }) +
    "\n"
  );
}

/**
 * Write text to `file` atomically: a temp file in the same directory (same filesystem, so rename is
 * atomic on POSIX) is fsynced and renamed over the target. Readers see the old or the new file,
 * never a half-written one; on any error the temp file is removed and the target is untouched.
 */
export function writeFileAtomic(file: string, text: string): void {
  atomicWrite(file, text);
}

/**
 * Write a notebook atomically. A symlink is followed and its target rewritten (replacing the link
 * by a regular file would leave the target stale and break the link's purpose).
 */
export function writeNotebook(file: string, nb: Notebook): void {
  writeFileAtomic(saveTarget(file), serializeNotebook(nb));
}

/** The file a save of `file` writes: the symlink's final target, or the path itself. */
export function saveTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file; // does not exist yet
  }
}
