/**
 * Short runtime errors for the kernel (ours). tslab printed a failing cell's error with
 * `console.error(e)`: the message, a line of *compiled* source and ~10 frames of tslab and Node
 * internals. With the "cell-file" patch (tslab-patch.ts) every compiled cell runs under the file
 * name `besselbook-cell-<n>`; this module maps such stack frames back to the user's cell and
 * line and prints
 *
 *     Error: boom
 *         at line 2 of this cell: throw new Error("boom");
 *         at line 3 of the cell run as [4]: return f(x);
 *     (BESSELBOOK_STACK=1 shows the full stack)
 *
 * Compiled → source lines: tslab compiles a cell twice (TypeScript, then ES module → CommonJS)
 * without source maps, so we match the compiled line's text against the cell's lines (ours):
 * identical after dropping `exports.`, declaration keywords, type annotations we can see and
 * whitespace, else the line sharing most identifier/literal tokens (at least half of them). When
 * nothing matches well enough the report says "line unknown" rather than guess.
 */
import * as util from "util";

export const CELL_FILE_PREFIX = "besselbook-cell-";

export interface CellRecord {
  /** Execution count if known, else a running number. */
  label: number;
  src: string;
  output: string;
}

const strip = (s: string): string =>
  s
    .replace(/\bexports\./g, "")
    .replace(/^\s*(export\s+)?(const|let|var)\s+/, "")
    .replace(/\s+/g, "")
    .replace(/;+$/, "");

const tokens = (s: string): string[] =>
  (
    s
      .replace(/\bexports\./g, "")
      .match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|[A-Za-z_$][\w$]*|\d+(?:\.\d+)?/g) ?? []
  ).filter((t) => !["const", "let", "var", "exports", "export"].includes(t));

/**
 * 1-based line of `src` that produced 1-based line `line` of `output`, or undefined when no line
 * of the cell matches the compiled one well enough.
 */
export function sourceLine(src: string, output: string, line: number): number | undefined {
  const compiled = output.split("\n")[line - 1];
  if (compiled === undefined) return undefined;
  const lines = src.split("\n");
  const c = strip(compiled);
  if (!c) return undefined;
  // Same text after normalisation; a TypeScript line may carry annotations, so also accept a
  // source line that contains every character run of the compiled one in order.
  const exact = lines.map((l, i) => (strip(l) === c ? i + 1 : 0)).filter(Boolean);
  if (exact.length) return closest(exact, line);
  const ct = tokens(compiled);
  if (ct.length === 0) return undefined;
  let best: number[] = [];
  let bestScore = 0;
  lines.forEach((l, i) => {
    const lt = new Set(tokens(l));
    if (lt.size === 0) return;
    const shared = ct.filter((t) => lt.has(t)).length;
    const score = shared / Math.max(ct.length, lt.size);
    if (score > bestScore + 1e-12) {
      bestScore = score;
      best = [i + 1];
    } else if (Math.abs(score - bestScore) <= 1e-12) best.push(i + 1);
  });
  return bestScore >= 0.5 ? closest(best, line) : undefined;
}

function closest(candidates: number[], line: number): number {
  return candidates.reduce((a, b) => (Math.abs(b - line) < Math.abs(a - line) ? b : a));
}

const FRAME = new RegExp(`${CELL_FILE_PREFIX}(\\d+):(\\d+):(\\d+)`);

/** The short report of an error thrown by a cell (several lines, no trailing newline). */
export function shortError(err: unknown, cells: Map<number, CellRecord>, current?: number): string {
  if (!(err instanceof Error)) return `Uncaught ${util.inspect(err)}`;
  // Errors that choose their own one-line display (CheckError, ExerciseError: the message says
  // everything a reader needs) are shown exactly as they choose.
  if (
    typeof (err as unknown as Record<symbol, unknown>)[Symbol.for("nodejs.util.inspect.custom")] ===
      "function" &&
    process.env.BESSELBOOK_STACK !== "1"
  ) {
    return util.inspect(err);
  }
  const head = `${err.name}: ${err.message}`;
  const out = [head];
  const seen = new Set<string>();
  for (const frame of (err.stack ?? "").split("\n").slice(1)) {
    const m = FRAME.exec(frame);
    if (!m) continue;
    const cell = cells.get(Number(m[1]));
    if (!cell) continue;
    // tslab's wrapper `})(__tslab__.exports, __tslab__.require)` follows the compiled code.
    const compiled = cell.output.split("\n")[Number(m[2]) - 1];
    if (compiled === undefined || /__tslab__/.test(compiled)) continue;
    const n = sourceLine(cell.src, cell.output, Number(m[2]));
    const where = Number(m[1]) === current ? "this cell" : `the cell run as [${cell.label}]`;
    const text = n ? cell.src.split("\n")[n - 1].trim() : "";
    const line = n
      ? `    at line ${n} of ${where}: ${text.length > 80 ? text.slice(0, 77) + "..." : text}`
      : `    in ${where} (line unknown)`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(line);
    if (out.length > 4) break;
  }
  if (out.length === 1) {
    // Thrown outside any cell's code (a library, a callback): name the first frame that is not
    // Node's or tslab's, so the user still sees where.
    const lib = (err.stack ?? "")
      .split("\n")
      .slice(1)
      .map((l) => l.trim())
      .find(
        (l) =>
          l.startsWith("at ") && !/node:internal|[\\/]tslab[\\/]|\(node:|^at new Promise/.test(l),
      );
    if (lib) out.push(`    ${lib}`);
  }
  out.push("(BESSELBOOK_STACK=1 shows the full stack)");
  return out.join("\n");
}
