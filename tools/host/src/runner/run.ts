/**
 * Execute notebooks headlessly through a real kernel: the programmatic API behind `besselbook run`,
 * the notebook tests and the runner benchmark.
 *
 * Output handling follows what Jupyter front ends store (nbclient's output hooks): consecutive
 * stream messages with the same name merge into one output, display_data/execute_result/error are
 * appended, update_display_data rewrites every earlier output carrying the same transient
 * display_id, clear_output(wait) clears before the next output. tslab reports a failing cell only
 * through stderr text plus execute_reply.status = "error", so a cell fails on either that status or
 * an `error` iopub message.
 */
import * as fs from "fs";
import * as path from "path";
import { BesselbookError } from "besselbook/errors";
import { atomicWrite } from "besselbook/kernel/io";
import { cwdRelativePath } from "besselbook/kernel/paths";
import { ExecuteOutcome, KernelClient, KernelStartAborted } from "./client";
import { InstalledKernelSpec, KERNEL_NAME, findKernelSpec, kernelSpec } from "./kernelspec";
import {
  Cell,
  MimeBundle,
  Notebook,
  Output,
  cellTags,
  parseNotebook,
  readNotebook,
  saveTarget,
  serializeNotebook,
} from "./notebook";
import { checkParams } from "./parameters";
import type { Message } from "./protocol";

/** The run mode: the library's own type (one definition, lib/src/kernel/mode.ts). */
import type { Mode } from "besselbook";
export type { Mode };

export interface RunOptions {
  /**
   * Sets BESSELBOOK_MODE in the kernel. Default "full" (what JupyterLab sees when nothing is set).
   */
  mode?: Mode;
  /** `-p key=value` values, passed as BESSELBOOK_PARAMS JSON. */
  params?: Record<string, unknown>;
  /** Root for figures/ and results/ (BESSELBOOK_OUT, made absolute). Unset → not passed. */
  out?: string;
  /**
   * Write the executed notebook back: atomically, only if every cell passed, to a symlink's target,
   * never over a read-only file, and not when the file changed on disk during the run.
   */
  save?: boolean;
  /** Per-cell wall-clock limit in seconds. Default 1800. */
  timeoutS?: number;
  /** Kernel start limit in seconds (spawn → kernel_info_reply + iopub). Default 120. */
  startTimeoutS?: number;
  /**
   * Name of an installed kernelspec; default: the built-in besselbook spec (same as
   * `kernel install`).
   */
  kernel?: string | InstalledKernelSpec;
  /** How the notebook path is shown in reports (default: relative to process.cwd()). */
  displayPath?: string;
  /** Abort the run (Ctrl-C): kills the kernel, nothing is saved. */
  signal?: AbortSignal;
  /** Progress callback, called after each executed cell. */
  onCell?: (cell: CellResult, nb: string) => void;
  /** Called when a code cell starts (progress display). */
  onCellStart?: (info: CellStart) => void;
  /**
   * Per-output limit in bytes: a stream output's text is cut there, a bigger display is replaced by
   * a note saying so (as Jupyter front ends limit output); all outputs of a notebook together are
   * kept up to 10× this. Bounds the runner's memory and the saved file. Default 5 MB.
   */
  maxOutputBytes?: number;
  /**
   * After the last cell, wait this long for errors from callbacks it left running. Default 300 ms.
   */
  settleMs?: number;
}

export type CellStatus = "ok" | "error" | "allowed-error" | "timeout" | "died" | "not-run";

export interface CellResult {
  /** 1-based position among all cells of the notebook (markdown included), as reported. */
  index: number;
  id?: string;
  status: CellStatus;
  executionCount: number | null;
  outputs: Output[];
  /** All stderr stream text the cell produced. */
  stderr: string;
  ms: number;
}

export interface Failure {
  /**
   * input: unreadable notebook or bad `-p` (nothing run); save: cannot or may not save (checked
   * before the kernel starts, and again after the run); the rest concern the run itself.
   */
  kind: "error" | "timeout" | "died" | "start" | "interrupted" | "input" | "save";
  /** 1-based cell position (absent when the kernel did not start). */
  cell?: number;
  cellId?: string;
  /** One-line summary, e.g. `Error: boom` or `timed out after 5 s in cell 3`. */
  summary: string;
  /** The full report: `<path>: cell N (id …) "first line": summary` + the cell's stderr. */
  message: string;
}

export interface RunResult {
  path: string;
  ok: boolean;
  failure?: Failure;
  cells: CellResult[];
  /** The notebook with this run's outputs (also when it failed; only saved on success). */
  notebook: Notebook;
  saved: boolean;
  kernelPid?: number;
  connectionFile?: string;
  timings: { startMs: number; totalMs: number };
}

const firstLine = (src: string): string => {
  const line = src.split("\n").find((l) => l.trim()) ?? "";
  const t = line.trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
};

/** One line saying what went wrong, from an `error` output or tslab's stderr text. */
function errorSummary(outputs: Output[], stderr: string): string {
  const err = outputs.find(
    (o): o is Extract<Output, { output_type: "error" }> => o.output_type === "error",
  );
  if (err) return `${err.ename}: ${err.evalue}`;
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  // A thrown error prints its stack ("Error: msg" then "at …"); a type error prints "line:col -
  // msg".
  const hit =
    lines.find((l) => /^(\w+\.)?\w*(Error|Exception)\b/.test(l) || /^Uncaught\b/.test(l)) ??
    lines.find((l) => /^\d+:\d+ - /.test(l));
  if (hit) return /^\d+:\d+ - /.test(hit) ? `TypeScript error at ${hit}` : hit;
  return lines[0] ?? 'execute_reply status "error" with no error text';
}

/** Sizes as people read them. */
export function formatBytes(n: number): string {
  return n >= 1e6
    ? `${(n / 1e6).toFixed(1)} MB`
    : n >= 1e3
      ? `${(n / 1e3).toFixed(1)} kB`
      : `${n} B`;
}

/** Default per-output limit (bytes as received: a stream output's text, one display bundle). */
export const DEFAULT_MAX_OUTPUT_BYTES = 5_000_000;
/** All outputs of a notebook together are kept up to this many times the per-output limit. */
const NOTEBOOK_OUTPUT_FACTOR = 10;
/** Head and tail of a cell's stderr kept for failure reports. */
const STDERR_KEEP = 32 * 1024;

/** Keeps the first and last `keep` characters of a stream (failure reports need the end). */
class HeadTail {
  private head = "";
  private tail: string[] = [];
  private tailLen = 0;
  private dropped = 0;
  constructor(private readonly keep: number) {}
  add(s: string): void {
    if (this.head.length < this.keep) {
      const take = s.slice(0, this.keep - this.head.length);
      this.head += take;
      s = s.slice(take.length);
    }
    if (!s) return;
    this.tail.push(s);
    this.tailLen += s.length;
    while (this.tailLen - this.tail[0].length >= this.keep) {
      this.tailLen -= this.tail[0].length;
      this.dropped += this.tail.shift()!.length;
    }
  }
  text(): string {
    let tail = this.tail.join("");
    let dropped = this.dropped;
    if (tail.length > this.keep) {
      dropped += tail.length - this.keep;
      tail = tail.slice(-this.keep);
    }
    return dropped
      ? `${this.head}\n[… ${dropped} characters of stderr omitted …]\n${tail}`
      : this.head + tail;
  }
}

/** The outputs of one cell as they are collected. */
class CellSink {
  outputs: Output[] = [];
  readonly stderr = new HeadTail(STDERR_KEEP);
  clearPending = false;
  /** Stream outputs over the limit: the text kept and how much was dropped. */
  readonly truncated = new Map<Output, { kept: string; dropped: number }>();
  /** Outputs dropped because the notebook's total output limit was reached. */
  droppedOutputs = 0;
  droppedBytes = 0;
  private finished = false;
  private finalMarker?: Output;
  constructor(readonly index: number) {}

  /** Write the "not kept" notes into the outputs (again, if late output arrived since). */
  finish(limit: number, total: number): void {
    for (const [o, t] of this.truncated) {
      (o as { text: string }).text =
        `${t.kept}\n[besselbook run: output truncated; ${formatBytes(t.dropped)} more of ${(o as { name: string }).name} not kept (limit ${formatBytes(limit)} per output, --max-output)]\n`;
    }
    if (this.droppedOutputs) {
      const text = `[besselbook run: ${this.droppedOutputs} more output${this.droppedOutputs > 1 ? "s" : ""} (${formatBytes(this.droppedBytes)}) of this cell not kept: the notebook reached its ${formatBytes(total)} output limit (--max-output × ${NOTEBOOK_OUTPUT_FACTOR})]\n`;
      if (this.finalMarker) (this.finalMarker as { text: string }).text = text;
      else {
        this.finalMarker = { output_type: "stream", name: "stderr", text };
        this.outputs.push(this.finalMarker);
      }
    }
    this.finished = true;
  }
  get done(): boolean {
    return this.finished;
  }
}

/**
 * An uncaught exception / unhandled rejection reported by the kernel preload (kernel-preload.ts).
 */
export interface CallbackError {
  what: string;
  /** Execution count of the cell whose code scheduled the callback, when known. */
  count?: number;
  /** First line of the error and the full text. */
  summary: string;
  text: string;
  /** 1-based cell index during (or after) which it was reported. */
  seenIn: number;
  /** Reported after that cell's reply (between cells or after the last one). */
  late: boolean;
}

/** The line kernel-preload.ts writes; keep in sync with its report(). */
const CALLBACK_ERROR =
  /^\[besselbook\] (uncaught exception in a callback|unhandled promise rejection)(?: \(from the cell run as \[(\d+)\]\))?: (.*)$/m;

/**
 * Collects one notebook's outputs from iopub: per-cell sinks, display_id bookkeeping across cells,
 * output size limits, and the callback errors the kernel reports.
 */
class OutputCollector {
  private readonly displays = new Map<
    string,
    Array<{ data: MimeBundle; metadata: Record<string, unknown> }>
  >();
  /** Bytes kept across the notebook, and per output (cleared outputs give theirs back). */
  private kept = 0;
  private readonly sizes = new WeakMap<Output, number>();
  readonly callbackErrors: CallbackError[] = [];

  constructor(
    private readonly limit: number,
    private readonly total: number,
  ) {}

  private clear(sink: CellSink): void {
    for (const o of sink.outputs) this.kept -= this.sizes.get(o) ?? 0;
    sink.outputs = [];
    sink.clearPending = false;
  }

  private grow(o: Output, n: number): void {
    this.kept += n;
    this.sizes.set(o, (this.sizes.get(o) ?? 0) + n);
  }

  private push(sink: CellSink, o: Output, size: number): boolean {
    if (sink.clearPending) this.clear(sink);
    if (this.kept + size > this.total) {
      sink.droppedOutputs++;
      sink.droppedBytes += size;
      return false;
    }
    sink.outputs.push(o);
    this.grow(o, size);
    return true;
  }

  private tooBig(size: number, what: string): MimeBundle {
    return {
      "text/plain": `[besselbook run: ${what} of ${formatBytes(size)} not kept (limit ${formatBytes(this.limit)} per output, --max-output)]`,
    };
  }

  handle(msg: Message, sink: CellSink, late = false): void {
    const c = msg.content as Record<string, any>;
    // A message too large to decode (KernelClient.maxIopubContentBytes) carries only its size.
    const size = Math.max(msg.size ?? 0, Number(c.tooLargeBytes) || 0);
    switch (msg.header.msg_type) {
      case "stream": {
        const text = String(c.text ?? "");
        if (c.name === "stderr") {
          sink.stderr.add(text);
          const m = CALLBACK_ERROR.exec(text);
          if (m) {
            const full = text.slice(m.index + m[0].length - m[3].length).trimEnd();
            this.callbackErrors.push({
              what: m[1],
              count: m[2] ? Number(m[2]) : undefined,
              summary: m[3].trim(),
              text: full,
              seenIn: sink.index,
              late,
            });
          }
        }
        // Characters (or, for a message too large to decode, bytes) this chunk adds beyond what we
        // keep.
        const undecoded = Number(c.truncatedBytes) || 0;
        const last = sink.outputs[sink.outputs.length - 1];
        if (!sink.clearPending && last && last.output_type === "stream" && last.name === c.name) {
          const t = sink.truncated.get(last);
          if (t) {
            t.dropped += text.length + undecoded;
            return;
          }
          if (last.text.length + text.length > this.limit || undecoded) {
            const room = Math.max(0, Math.min(text.length, this.limit - last.text.length));
            last.text += text.slice(0, room);
            this.grow(last, room);
            sink.truncated.set(last, { kept: last.text, dropped: text.length - room + undecoded });
            return;
          }
          if (this.kept + text.length > this.total) {
            sink.droppedOutputs++;
            sink.droppedBytes += text.length;
            return;
          }
          last.text += text;
          this.grow(last, text.length);
        } else {
          const o: Output = {
            output_type: "stream",
            name: c.name,
            text: text.slice(0, this.limit),
          };
          const over = Math.max(0, text.length - this.limit) + undecoded;
          if (this.push(sink, o, Math.min(text.length, this.limit)) && over)
            sink.truncated.set(o, { kept: o.text as string, dropped: over });
        }
        break;
      }
      case "display_data":
      case "execute_result": {
        const data = size > this.limit ? this.tooBig(size, "display") : (c.data ?? {});
        const o: Output =
          msg.header.msg_type === "display_data"
            ? { output_type: "display_data", data, metadata: c.metadata ?? {} }
            : {
                output_type: "execute_result",
                data,
                metadata: c.metadata ?? {},
                execution_count: c.execution_count ?? null,
              };
        if (!this.push(sink, o, Math.min(size, this.limit))) break;
        const id = c.transient?.display_id;
        if (typeof id === "string") {
          const list = this.displays.get(id) ?? [];
          list.push(o as { data: MimeBundle; metadata: Record<string, unknown> });
          this.displays.set(id, list);
        }
        break;
      }
      case "update_display_data": {
        const id = c.transient?.display_id;
        for (const o of (typeof id === "string" && this.displays.get(id)) || []) {
          o.data = size > this.limit ? this.tooBig(size, "display update") : (c.data ?? {});
          o.metadata = c.metadata ?? {};
        }
        break;
      }
      case "error": {
        const traceback: string[] = Array.isArray(c.traceback) ? c.traceback.map(String) : [];
        const tb =
          size > this.limit
            ? [
                ...traceback.slice(0, 20),
                `[besselbook run: traceback of ${formatBytes(size)} cut to 20 lines]`,
              ]
            : traceback;
        const ename = c.tooLargeBytes ? "Error" : String(c.ename ?? "Error");
        const evalue = c.tooLargeBytes
          ? `[besselbook run: error message of ${formatBytes(size)} not kept]`
          : String(c.evalue ?? "").slice(0, this.limit);
        this.push(
          sink,
          { output_type: "error", ename, evalue, traceback: tb },
          Math.min(size, this.limit),
        );
        break;
      }
      case "clear_output":
        if (c.wait) sink.clearPending = true;
        else this.clear(sink);
        break;
      default:
        break; // status, execute_input, comm_*: nothing to store
    }
  }
}

function resolveKernel(k: RunOptions["kernel"]): InstalledKernelSpec {
  if (k && typeof k === "object") return k;
  if (typeof k === "string" && k !== KERNEL_NAME) return findKernelSpec(k);
  if (typeof k === "string") {
    // An installed "besselbook" spec wins (the user may have customised it); else the built-in one.
    try {
      return findKernelSpec(k);
    } catch {
      /* fall through */
    }
  }
  return { name: KERNEL_NAME, resourceDir: "", spec: kernelSpec() };
}

/** Environment the kernel gets on top of process.env and the kernelspec's env. */
export function runEnv(
  file: string,
  opts: Pick<RunOptions, "mode" | "params" | "out">,
): Record<string, string> {
  const env: Record<string, string> = {
    BESSELBOOK_MODE: opts.mode ?? "full",
    BESSELBOOK_PARAMS: JSON.stringify(opts.params ?? {}),
    BESSELBOOK_NOTEBOOK: path.resolve(file),
  };
  if (opts.out !== undefined) env.BESSELBOOK_OUT = path.resolve(opts.out);
  return env;
}

/** Why `--save` cannot write `file`, checked before the kernel starts; undefined when it can. */
export function saveProblem(file: string): string | undefined {
  const target = saveTarget(file);
  const via = target !== path.resolve(file) ? ` (symlink to ${target})` : "";
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch (e) {
    return `cannot save${via}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  // Mode bits, not access(2): root may write anything, but a 0444 notebook says "do not overwrite".
  if ((st.mode & 0o222) === 0) {
    return `the notebook${via} is read-only (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")}); --save will not overwrite it (make it writable, or run without --save)`;
  }
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch (e) {
    return `the notebook${via} is not writable by this user (${(e as NodeJS.ErrnoException).code}); nothing was run`;
  }
  try {
    // The atomic save writes a temp file next to the notebook and renames it over the original.
    fs.accessSync(path.dirname(target), fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    return `its directory ${path.dirname(target)} is not writable (${(e as NodeJS.ErrnoException).code}); --save writes a temp file there and renames it over the notebook`;
  }
  return undefined;
}

const EMPTY_NOTEBOOK = (): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [],
});

/** What onCellStart reports: enough for "cell 3/12 0:42 `const r = train(…)`". */
export interface CellStart {
  nb: string;
  /** 1-based position among all cells (as in failure reports); 0 while the kernel starts. */
  index: number;
  /**
   * 1-based position among the code cells that run (0: kernel starting), and how many there are.
   */
  ordinal: number;
  total: number;
  firstLine: string;
  /** When the notebook's run started (Date.now()). */
  startedAt: number;
}

/**
 * Run one notebook: start a kernel in the notebook's directory, execute every code cell in order,
 * stop at the first failure. Never throws for problems of this notebook (unreadable, mistyped
 * `-p`, cannot be saved, failing cell, kernel death: see `result.failure`); throws only for an
 * unknown kernel name (BesselbookError), which concerns every notebook alike.
 */
export async function runNotebook(file: string, opts: RunOptions = {}): Promise<RunResult> {
  const t0 = Date.now();
  const spec = resolveKernel(opts.kernel);
  const shown = opts.displayPath ?? cwdRelativePath(file);
  const timeoutS = opts.timeoutS ?? 1800;
  const limit = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const cells: CellResult[] = [];
  const result: RunResult = {
    path: file,
    ok: false,
    cells,
    notebook: EMPTY_NOTEBOOK(),
    saved: false,
    timings: { startMs: 0, totalMs: 0 },
  };
  const fail = (f: Omit<Failure, "message"> & { detail?: string }, cell?: Cell): RunResult => {
    const where =
      f.cell !== undefined && cell
        ? `cell ${f.cell}${cell.id ? ` (id ${cell.id})` : ""} "${firstLine(cell.source)}": `
        : "";
    const detail = f.detail?.replace(/\s+$/, "");
    result.failure = {
      kind: f.kind,
      cell: f.cell,
      cellId: f.cellId,
      summary: f.summary,
      message: `${shown}: ${where}${f.summary}${detail ? `\n${detail}` : ""}`,
    };
    result.timings.totalMs = Date.now() - t0;
    return result;
  };

  // Everything that can be checked without a kernel, so a bad notebook costs nothing.
  let original: Buffer;
  let nb: Notebook;
  try {
    original = fs.readFileSync(file);
    nb = parseNotebook(file, original.toString("utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail({
      kind: "input",
      summary: code ? `cannot read (${code})` : (e as Error).message.replace(`${file}: `, ""),
    });
  }
  result.notebook = nb;
  const checked = checkParams(nb, opts.params ?? {});
  if (checked.problems.length) return fail({ kind: "input", summary: checked.problems.join("; ") });
  if (opts.save) {
    const problem = saveProblem(file);
    if (problem) return fail({ kind: "save", summary: `${problem}; not run` });
  }
  if (opts.signal?.aborted)
    return fail({ kind: "interrupted", summary: "interrupted before start" });

  const code = nb.cells
    .map((c, i) => ({ c, index: i + 1 }))
    .filter(({ c }) => c.cell_type === "code" && c.source.trim());
  opts.onCellStart?.({
    nb: shown,
    index: 0,
    ordinal: 0,
    total: code.length,
    firstLine: "",
    startedAt: t0,
  });
  let client: KernelClient;
  try {
    client = await KernelClient.start({
      spec: spec.spec,
      resourceDir: spec.resourceDir,
      kernelName: spec.name,
      cwd: path.dirname(path.resolve(file)),
      env: runEnv(file, { ...opts, params: checked.params }),
      startTimeoutMs: (opts.startTimeoutS ?? 120) * 1000,
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof KernelStartAborted || opts.signal?.aborted)
      return fail({ kind: "interrupted", summary: "interrupted while the kernel was starting" });
    return fail({
      kind: "start",
      summary: `kernel "${spec.name}" failed to start: ${(e as Error).message}`,
    });
  }
  result.kernelPid = client.pid;
  result.connectionFile = client.connectionFile;
  result.timings.startMs = Date.now() - t0;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    client.kill();
  };
  opts.signal?.addEventListener("abort", onAbort);

  const collector = new OutputCollector(limit, limit * NOTEBOOK_OUTPUT_FACTOR);
  // Stream text beyond the limit is dropped anyway: do not decode more than that of one message.
  client.maxIopubContentBytes = limit + 64 * 1024;
  /** Which cell sent each execute_request, for output that arrives after its reply. */
  const sinks = new Map<string, CellSink>();
  const allSinks: CellSink[] = [];
  client.onLateIopub = (m) => {
    const sink = sinks.get(m.parent_header?.msg_id ?? "");
    if (!sink) return;
    collector.handle(m, sink, true);
    const cell = nb.cells[sink.index - 1];
    cell.outputs = sink.outputs;
    if (sink.done) sink.finish(limit, limit * NOTEBOOK_OUTPUT_FACTOR);
  };

  /** The first callback error, attributed to the cell whose code scheduled it. */
  const callbackFailure = (): RunResult | undefined => {
    const e = collector.callbackErrors[0];
    if (!e) return undefined;
    const from =
      e.count !== undefined ? cells.find((c) => c.executionCount === e.count) : undefined;
    const index = from?.index ?? e.seenIn;
    const cell = nb.cells[index - 1];
    const when = !from
      ? ` (reported ${e.late ? "after" : "during"} cell ${e.seenIn}; the cell that scheduled it is unknown)`
      : from.index === e.seenIn
        ? e.late
          ? " (after the cell finished)"
          : ""
        : ` (after the cell finished; reported ${e.late ? "after" : "during"} cell ${e.seenIn})`;
    return fail(
      {
        kind: "error",
        cell: index,
        cellId: cell?.id,
        summary: `${e.what}: ${e.summary}${when}`,
        detail: e.text,
      },
      cell,
    );
  };

  try {
    let ordinal = 0;
    for (let i = 0; i < nb.cells.length; i++) {
      const cell = nb.cells[i];
      if (cell.cell_type !== "code") continue;
      const index = i + 1;
      if (!cell.source.trim()) {
        // Nothing to run (nbclient skips empty cells too); clear stale outputs.
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      opts.onCellStart?.({
        nb: shown,
        index,
        ordinal: ++ordinal,
        total: code.length,
        firstLine: firstLine(cell.source),
        startedAt: t0,
      });
      const tc = Date.now();
      let sink = new CellSink(index);
      const run = () =>
        client.execute(cell.source, {
          timeoutMs: timeoutS * 1000,
          onIopub: (m) => collector.handle(m, sink),
          onSent: (id) => sinks.set(id, sink),
        });
      let outcome: ExecuteOutcome = await run();
      if (outcome.kind === "reply" && outcome.reply.status === "abort") {
        // tslab cancels requests that arrive within 200 ms after a failed cell (its
        // TaskQueue.reset(200)), which only happens after an allowed `raises-exception` cell: wait
        // that out and send it again.
        await new Promise((r) => setTimeout(r, 300));
        sink = new CellSink(index);
        outcome = await run();
      }
      sink.finish(limit, limit * NOTEBOOK_OUTPUT_FACTOR);
      allSinks.push(sink);
      const res: CellResult = {
        index,
        id: cell.id,
        status: "ok",
        executionCount: null,
        outputs: sink.outputs,
        stderr: sink.stderr.text(),
        ms: Date.now() - tc,
      };
      cells.push(res);
      cell.outputs = sink.outputs;
      if (outcome.kind === "reply") {
        const count = outcome.reply.execution_count;
        res.executionCount = typeof count === "number" ? count : null;
        cell.execution_count = res.executionCount;
        const failed =
          outcome.reply.status !== "ok" || sink.outputs.some((o) => o.output_type === "error");
        if (failed)
          res.status = cellTags(cell).includes("raises-exception") ? "allowed-error" : "error";
      } else {
        res.status = outcome.kind;
        cell.execution_count = null;
      }
      opts.onCell?.(res, shown);
      if (aborted)
        return fail(
          {
            kind: "interrupted",
            cell: index,
            cellId: cell.id,
            summary: `interrupted in cell ${index}`,
          },
          cell,
        );
      // An error thrown by a callback an earlier cell left running comes first: it happened first.
      const late = callbackFailure();
      if (late) return late;
      if (res.status === "error") {
        return fail(
          {
            kind: "error",
            cell: index,
            cellId: cell.id,
            summary: errorSummary(res.outputs, res.stderr),
            detail: res.stderr,
          },
          cell,
        );
      }
      if (outcome.kind === "timeout") {
        return fail(
          {
            kind: "timeout",
            cell: index,
            cellId: cell.id,
            summary: `timed out after ${timeoutS} s in cell ${index}`,
            detail: res.stderr,
          },
          cell,
        );
      }
      if (outcome.kind === "died") {
        const how = outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.code}`;
        const tail = client.processOutput.trim();
        return fail(
          {
            kind: "died",
            cell: index,
            cellId: cell.id,
            summary: `kernel died in cell ${index} (${how})`,
            detail: [res.stderr.trim(), tail && `kernel process output:\n${tail}`]
              .filter(Boolean)
              .join("\n"),
          },
          cell,
        );
      }
    }
    // Callbacks the last cells left behind get a moment to fail before the kernel is shut down.
    const settle = opts.settleMs ?? 300;
    if (settle > 0 && !aborted) await new Promise((r) => setTimeout(r, settle));
    if (aborted) return fail({ kind: "interrupted", summary: "interrupted after the last cell" });
    const late = callbackFailure();
    if (late) return late;
    result.ok = true;
    nb.metadata.kernelspec = {
      display_name: spec.spec.display_name,
      language: spec.spec.language,
      name: spec.name,
    };
    if (client.kernelInfo.language_info)
      nb.metadata.language_info = client.kernelInfo.language_info;
    if (nb.nbformat_minor < 5) nb.nbformat_minor = 5;
    if (opts.save && !opts.signal?.aborted) {
      const problem = saveNow(file, original, nb);
      if (problem) {
        result.ok = false;
        return fail({
          kind: "save",
          summary: `${problem}; the notebook ran, its outputs were not saved`,
        });
      }
      result.saved = true;
    }
    result.timings.totalMs = Date.now() - t0;
    return result;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    client.onLateIopub = undefined;
    await client.shutdown(1000);
    if (!result.timings.totalMs) result.timings.totalMs = Date.now() - t0;
  }
}

/** Save after a successful run, unless the file changed on disk meanwhile. Returns the problem. */
function saveNow(file: string, original: Buffer, nb: Notebook): string | undefined {
  const target = saveTarget(file);
  let now: Buffer;
  try {
    now = fs.readFileSync(target);
  } catch (e) {
    return `cannot save: the notebook can no longer be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  if (!now.equals(original)) {
    return `not saved: the file changed on disk while the notebook ran (edited elsewhere?); your version is kept, nothing was written`;
  }
  const problem = saveProblem(file);
  if (problem) return problem;
  try {
    atomicWrite(target, serializeNotebook(nb));
  } catch (e) {
    return `cannot save (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  return undefined;
}

/**
 * Parse `key=value`: JSON when the value parses as JSON (numbers, booleans, arrays…), else a
 * string.
 */
export function parseParam(kv: string): [string, unknown] {
  const eq = kv.indexOf("=");
  if (eq <= 0) throw new BesselbookError(`-p expects key=value, got "${kv}"`);
  const key = kv.slice(0, eq);
  const raw = kv.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [key, raw];
  }
  // JSON.parse("1e400") is Infinity, which JSON (BESSELBOOK_PARAMS) can only send as null.
  const nonFinite = (v: unknown): boolean =>
    typeof v === "number"
      ? !Number.isFinite(v)
      : Array.isArray(v)
        ? v.some(nonFinite)
        : v !== null && typeof v === "object"
          ? Object.values(v).some(nonFinite)
          : false;
  if (nonFinite(value))
    throw new BesselbookError(
      `-p ${key}=${raw}: not a finite number (JSON cannot carry ±Infinity); expected a value like ${key}=2`,
    );
  return [key, value];
}

export interface RunManyOptions extends RunOptions {
  /** Notebooks run concurrently, each with its own kernel. Default 1. */
  jobs?: number;
  onDone?: (r: RunResult) => void;
}

/**
 * Validate every notebook first (so a malformed file or an unknown `-p` key fails before any
 * kernel starts: BesselbookError listing every problem), then run them with up to `jobs` kernels
 * at once. From then on a problem of one notebook (it changed on disk, cannot be saved, fails) is
 * that notebook's failure; the others still run. Results come back in input order.
 */
export async function runNotebooks(
  files: string[],
  opts: RunManyOptions = {},
): Promise<RunResult[]> {
  const problems: string[] = [];
  for (const f of files) {
    try {
      const nb = readNotebook(f);
      for (const p of checkParams(nb, opts.params ?? {}).problems)
        problems.push(`${opts.displayPath ?? cwdRelativePath(f)}: ${p}`);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length) throw new BesselbookError(problems.join("\n"));
  const kernel = typeof opts.kernel === "string" ? resolveKernel(opts.kernel) : opts.kernel;
  const results: RunResult[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      try {
        results[i] = await runNotebook(files[i], { ...opts, kernel });
      } catch (e) {
        // runNotebook reports its own problems; anything else is still only this notebook's.
        const shown = opts.displayPath ?? cwdRelativePath(files[i]);
        const summary = `runner error: ${(e as Error).message}`;
        results[i] = {
          path: files[i],
          ok: false,
          cells: [],
          notebook: EMPTY_NOTEBOOK(),
          saved: false,
          timings: { startMs: 0, totalMs: 0 },
          failure: { kind: "error", summary, message: `${shown}: ${summary}` },
        };
      }
      opts.onDone?.(results[i]);
    }
  };
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, files.length));
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}
