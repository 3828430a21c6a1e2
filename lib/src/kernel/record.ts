/**
 * record({...}): the key numbers of a notebook, written to results/<notebook>.json with enough
 * provenance to tell two runs apart (mode, seed, backend, package versions, parameters).
 *
 * The file is meant to be committed, so it changes only when a number changes: no timestamps,
 * keys sorted at every level, two-space JSON with a trailing newline, atomic replace. Calls in one
 * kernel session merge (later values for the same key win), so each section can record its own
 * numbers as it goes.
 */
import * as fs from "fs";
import * as path from "path";
import { BesselbookError } from "../errors";
import { atomicWrite } from "./io";
import { mode } from "./mode";
import { repoRelativePath, resultsPath } from "./paths";
import { currentNotebook, session } from "./session";
import { ledger, verdict, verifyClaims } from "./claims";
import { backendName } from "../tensor/backend";

export type Metric = number | string | boolean | null | Metric[] | { [key: string]: Metric };

/** Sort object keys recursively; convert typed arrays to plain arrays; reject non-finite numbers
 *  (a NaN metric is a bug in the notebook, and JSON would silently turn it into null). */
function canonical(v: unknown, where: string): Metric {
  if (v === null) return null;
  if (typeof v === "number") {
    if (!Number.isFinite(v))
      throw new RangeError(
        `record: argument ${where} = ${v} is out of domain; expected a finite number`,
      );
    return Object.is(v, -0) ? 0 : v;
  }
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return Array.from(v as unknown as ArrayLike<number>, (x, i) => canonical(x, `${where}[${i}]`));
  if (Array.isArray(v)) return v.map((x, i) => canonical(x, `${where}[${i}]`));
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof (o as { dataSync?: unknown }).dataSync === "function" && Array.isArray(o.shape)) {
      const data = Array.from((o as { dataSync(): ArrayLike<number> }).dataSync());
      return (o.shape as number[]).length === 0
        ? canonical(data[0], where)
        : canonical(data, where);
    }
    const out: { [key: string]: Metric } = {};
    for (const k of Object.keys(o).sort()) {
      if (o[k] === undefined) continue;
      out[k] = canonical(o[k], `${where}.${k}`);
    }
    return out;
  }
  throw new TypeError(
    `record: ${where} is a ${typeof v}; expected numbers, strings, booleans, arrays or plain objects`,
  );
}

let libVersion: string | undefined;
function besselbookVersion(): string {
  if (libVersion === undefined) {
    try {
      libVersion = (
        JSON.parse(
          fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8"),
        ) as { version: string }
      ).version;
    } catch {
      libVersion = "unknown";
    }
  }
  return libVersion;
}

function tfjsVersion(): string | null {
  try {
    return (require("@tensorflow/tfjs-core/package.json") as { version: string }).version;
  } catch {
    return null;
  }
}

/** The JSON document record() writes, without touching the disk (tests, previews). */
export function resultsDocument(): Record<string, Metric> {
  const doc = {
    notebook: currentNotebook("record()"),
    mode: mode(),
    seed: session.seed ?? null,
    backend: backendName() ?? null,
    versions: { besselbook: besselbookVersion(), tfjs: tfjsVersion(), node: process.version },
    params: session.params,
    metrics: session.metrics,
    ...ledger(),
  };
  return canonical(doc, "results") as Record<string, Metric>;
}

/**
 * Merge `metrics` into this session's results and write results/<notebook>.json atomically.
 * Values: numbers (finite), strings, booleans, arrays, typed arrays, tfjs tensors, plain objects.
 * Prints where it wrote (relative to the repository root, so committed outputs carry no
 * machine-specific paths); resultsPath() gives the absolute path.
 */
export function record(metrics: Record<string, unknown>): void {
  if (metrics === null || typeof metrics !== "object" || Array.isArray(metrics)) {
    throw new TypeError(
      `record: expected an object of named metrics like { testAcc: 0.91 }, got ${Array.isArray(metrics) ? "array" : typeof metrics}`,
    );
  }
  currentNotebook("record()");
  const clean = canonical(metrics, "metrics") as Record<string, Metric>;
  if (Object.keys(clean).length === 0)
    throw new BesselbookError("record: no metrics given; expected at least one key");
  Object.assign(session.metrics, clean);
  const file = writeResults();
  console.log(`recorded ${Object.keys(clean).join(", ")} → ${repoRelativePath(file)}`);
}

function writeResults(): string {
  const file = resultsPath();
  atomicWrite(file, JSON.stringify(resultsDocument(), null, 2) + "\n");
  return file;
}

/**
 * The notebook's last code cell: verify the claims ledger (every claim has a passing check; see
 * claims.ts), write it with the metrics into results/<notebook>.json, and print one line per
 * claim with its verdict. Throws CheckError, writing nothing, if a claim is unchecked.
 */
export function finish(): void {
  currentNotebook("finish()");
  const claims = verifyClaims();
  const file = writeResults();
  const counts: Record<string, number> = {};
  for (const c of claims) counts[verdict(c)] = (counts[verdict(c)] ?? 0) + 1;
  const summary = Object.entries(counts)
    .map(([v, n]) => `${n} ${v}`)
    .join(", ");
  console.log(
    `claims: ${claims.length} (${summary || "none"}); ${session.checks.length} other checks → ${repoRelativePath(file)}`,
  );
  for (const c of claims) {
    const src = c.source === "ours" ? "ours" : `${c.source.ref} ${c.source.where}`;
    console.log(
      `  ${verdict(c).padEnd(20)} ${c.id} (${src}; ${c.checks.length} check${c.checks.length === 1 ? "" : "s"})`,
    );
  }
}
