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
import * as path from "path";
import { BesselbookError } from "../errors";
import { ExecuteOutcome, KernelClient } from "./client";
import { InstalledKernelSpec, KERNEL_NAME, findKernelSpec, kernelSpec } from "./kernelspec";
import { Cell, MimeBundle, Notebook, Output, cellTags, readNotebook, writeNotebook } from "./notebook";
import type { Message } from "./protocol";

export type Mode = "smoke" | "full";

export interface RunOptions {
  /** Sets BESSELBOOK_MODE in the kernel. Default "full" (what JupyterLab sees when nothing is set). */
  mode?: Mode;
  /** `-p key=value` values, passed as BESSELBOOK_PARAMS JSON. */
  params?: Record<string, unknown>;
  /** Root for figures/ and results/ (BESSELBOOK_OUT, made absolute). Unset → not passed. */
  out?: string;
  /** Write the executed notebook back (atomically, only if every cell passed). */
  save?: boolean;
  /** Per-cell wall-clock limit in seconds. Default 1800. */
  timeoutS?: number;
  /** Kernel start limit in seconds (spawn → kernel_info_reply + iopub). Default 120. */
  startTimeoutS?: number;
  /** Name of an installed kernelspec; default: the built-in besselbook spec (same as `kernel install`). */
  kernel?: string | InstalledKernelSpec;
  /** How the notebook path is shown in reports (default: relative to process.cwd()). */
  displayPath?: string;
  /** Abort the run (Ctrl-C): kills the kernel, nothing is saved. */
  signal?: AbortSignal;
  /** Progress callback, called after each executed cell. */
  onCell?: (cell: CellResult, nb: string) => void;
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
  kind: "error" | "timeout" | "died" | "start" | "interrupted";
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

/** Path relative to the working directory when inside it, else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), path.resolve(file));
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

/** One line saying what went wrong, from an `error` output or tslab's stderr text. */
function errorSummary(outputs: Output[], stderr: string): string {
  const err = outputs.find((o): o is Extract<Output, { output_type: "error" }> => o.output_type === "error");
  if (err) return `${err.ename}: ${err.evalue}`;
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  // A thrown error prints its stack ("Error: msg" then "at …"); a type error prints "line:col - msg".
  const hit = lines.find((l) => /^(\w+\.)?\w*(Error|Exception)\b/.test(l) || /^Uncaught\b/.test(l)) ?? lines.find((l) => /^\d+:\d+ - /.test(l));
  if (hit) return /^\d+:\d+ - /.test(hit) ? `TypeScript error at ${hit}` : hit;
  return lines[0] ?? 'execute_reply status "error" with no error text';
}

/** Collects one notebook's outputs from iopub, with display_id bookkeeping across cells. */
class OutputCollector {
  private readonly displays = new Map<string, Array<{ data: MimeBundle; metadata: Record<string, unknown> }>>();
  outputs: Output[] = [];
  stderr = "";
  private clearPending = false;

  begin(): void {
    this.outputs = [];
    this.stderr = "";
    this.clearPending = false;
  }

  private push(o: Output): void {
    if (this.clearPending) {
      this.outputs = [];
      this.clearPending = false;
    }
    this.outputs.push(o);
  }

  handle(msg: Message): void {
    const c = msg.content as Record<string, any>;
    switch (msg.header.msg_type) {
      case "stream": {
        if (c.name === "stderr") this.stderr += c.text;
        const last = this.outputs[this.outputs.length - 1];
        if (!this.clearPending && last && last.output_type === "stream" && last.name === c.name) last.text += c.text;
        else this.push({ output_type: "stream", name: c.name, text: String(c.text ?? "") });
        break;
      }
      case "display_data":
      case "execute_result": {
        const o: Output =
          msg.header.msg_type === "display_data"
            ? { output_type: "display_data", data: c.data ?? {}, metadata: c.metadata ?? {} }
            : { output_type: "execute_result", data: c.data ?? {}, metadata: c.metadata ?? {}, execution_count: c.execution_count ?? null };
        this.push(o);
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
          o.data = c.data ?? {};
          o.metadata = c.metadata ?? {};
        }
        break;
      }
      case "error":
        this.push({ output_type: "error", ename: String(c.ename ?? "Error"), evalue: String(c.evalue ?? ""), traceback: Array.isArray(c.traceback) ? c.traceback : [] });
        break;
      case "clear_output":
        if (c.wait) this.clearPending = true;
        else this.outputs = [];
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
export function runEnv(file: string, opts: Pick<RunOptions, "mode" | "params" | "out">): Record<string, string> {
  const env: Record<string, string> = {
    BESSELBOOK_MODE: opts.mode ?? "full",
    BESSELBOOK_PARAMS: JSON.stringify(opts.params ?? {}),
    BESSELBOOK_NOTEBOOK: path.resolve(file),
  };
  if (opts.out !== undefined) env.BESSELBOOK_OUT = path.resolve(opts.out);
  return env;
}

/**
 * Run one notebook: start a kernel in the notebook's directory, execute every code cell in order,
 * stop at the first failure. Never throws for notebook failures (see `result.failure`); throws
 * FormatError for unreadable notebooks and BesselbookError for an unknown kernel name.
 */
export async function runNotebook(file: string, opts: RunOptions = {}): Promise<RunResult> {
  const t0 = Date.now();
  const nb = readNotebook(file);
  const spec = resolveKernel(opts.kernel);
  const shown = opts.displayPath ?? displayPath(file);
  const timeoutS = opts.timeoutS ?? 1800;
  const cells: CellResult[] = [];
  const result: RunResult = { path: file, ok: false, cells, notebook: nb, saved: false, timings: { startMs: 0, totalMs: 0 } };
  const fail = (f: Omit<Failure, "message"> & { detail?: string }, cell?: Cell): RunResult => {
    const where = f.cell !== undefined && cell ? `cell ${f.cell}${cell.id ? ` (id ${cell.id})` : ""} "${firstLine(cell.source)}": ` : "";
    const detail = f.detail?.replace(/\s+$/, "");
    result.failure = { kind: f.kind, cell: f.cell, cellId: f.cellId, summary: f.summary, message: `${shown}: ${where}${f.summary}${detail ? `\n${detail}` : ""}` };
    result.timings.totalMs = Date.now() - t0;
    return result;
  };
  if (opts.signal?.aborted) return fail({ kind: "interrupted", summary: "interrupted before start" });

  let client: KernelClient;
  try {
    client = await KernelClient.start({
      spec: spec.spec,
      resourceDir: spec.resourceDir,
      kernelName: spec.name,
      cwd: path.dirname(path.resolve(file)),
      env: runEnv(file, opts),
      startTimeoutMs: (opts.startTimeoutS ?? 120) * 1000,
    });
  } catch (e) {
    return fail({ kind: "start", summary: `kernel "${spec.name}" failed to start: ${(e as Error).message}` });
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

  try {
    const collector = new OutputCollector();
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
      const tc = Date.now();
      collector.begin();
      let outcome: ExecuteOutcome = await client.execute(cell.source, { timeoutMs: timeoutS * 1000, onIopub: (m) => collector.handle(m) });
      if (outcome.kind === "reply" && outcome.reply.status === "abort") {
        // tslab cancels requests that arrive within 200 ms after a failed cell (its TaskQueue.reset(200)),
        // which only happens after an allowed `raises-exception` cell: wait that out and send it again.
        await new Promise((r) => setTimeout(r, 300));
        collector.begin();
        outcome = await client.execute(cell.source, { timeoutMs: timeoutS * 1000, onIopub: (m) => collector.handle(m) });
      }
      const res: CellResult = { index, id: cell.id, status: "ok", executionCount: null, outputs: collector.outputs, stderr: collector.stderr, ms: Date.now() - tc };
      cells.push(res);
      cell.outputs = collector.outputs;
      if (outcome.kind === "reply") {
        const count = outcome.reply.execution_count;
        res.executionCount = typeof count === "number" ? count : null;
        cell.execution_count = res.executionCount;
        const failed = outcome.reply.status !== "ok" || collector.outputs.some((o) => o.output_type === "error");
        if (failed) res.status = cellTags(cell).includes("raises-exception") ? "allowed-error" : "error";
      } else {
        res.status = outcome.kind;
        cell.execution_count = null;
      }
      opts.onCell?.(res, shown);
      if (aborted) return fail({ kind: "interrupted", cell: index, cellId: cell.id, summary: `interrupted in cell ${index}` }, cell);
      if (res.status === "error") {
        return fail({ kind: "error", cell: index, cellId: cell.id, summary: errorSummary(res.outputs, res.stderr), detail: res.stderr }, cell);
      }
      if (outcome.kind === "timeout") {
        return fail({ kind: "timeout", cell: index, cellId: cell.id, summary: `timed out after ${timeoutS} s in cell ${index}`, detail: res.stderr }, cell);
      }
      if (outcome.kind === "died") {
        const how = outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.code}`;
        const tail = client.processOutput.trim();
        return fail(
          { kind: "died", cell: index, cellId: cell.id, summary: `kernel died in cell ${index} (${how})`, detail: [res.stderr.trim(), tail && `kernel process output:\n${tail}`].filter(Boolean).join("\n") },
          cell,
        );
      }
    }
    result.ok = true;
    nb.metadata.kernelspec = { display_name: spec.spec.display_name, language: spec.spec.language, name: spec.name };
    if (client.kernelInfo.language_info) nb.metadata.language_info = client.kernelInfo.language_info;
    if (nb.nbformat_minor < 5) nb.nbformat_minor = 5;
    if (opts.save && !opts.signal?.aborted) {
      writeNotebook(file, nb);
      result.saved = true;
    }
    result.timings.totalMs = Date.now() - t0;
    return result;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    await client.shutdown(1000);
    if (!result.timings.totalMs) result.timings.totalMs = Date.now() - t0;
  }
}

/** Parse `key=value`: JSON when the value parses as JSON (numbers, booleans, arrays…), else a string. */
export function parseParam(kv: string): [string, unknown] {
  const eq = kv.indexOf("=");
  if (eq <= 0) throw new BesselbookError(`-p expects key=value, got "${kv}"`);
  const key = kv.slice(0, eq);
  const raw = kv.slice(eq + 1);
  try {
    return [key, JSON.parse(raw)];
  } catch {
    return [key, raw];
  }
}

export interface RunManyOptions extends RunOptions {
  /** Notebooks run concurrently, each with its own kernel. Default 1. */
  jobs?: number;
  onDone?: (r: RunResult) => void;
}

/**
 * Validate every notebook first (so a malformed file fails before any kernel starts), then run
 * them with up to `jobs` kernels at once. Results come back in input order.
 */
export async function runNotebooks(files: string[], opts: RunManyOptions = {}): Promise<RunResult[]> {
  const problems: string[] = [];
  for (const f of files) {
    try {
      readNotebook(f);
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
      results[i] = await runNotebook(files[i], { ...opts, kernel });
      opts.onDone?.(results[i]);
    }
  };
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, files.length));
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}
