/**
 * Typed notebook parameters (the cell tagged `parameters`):
 *
 *   const P = params({ epochs: 12, nTrain: 6000 }, { smoke: { epochs: 1, nTrain: 400 } });
 *
 * Order of precedence: full defaults < smoke overrides (in smoke mode) < BESSELBOOK_PARAMS
 * (a JSON object; the runner turns `-p k=v` into it). No source rewriting (unlike papermill):
 * the cell stays as written and the values in use are printed in one line.
 */
import { BesselbookError } from "../errors";
import { mode } from "./mode";
import { ParamValue, session } from "./session";

export type Params = Record<string, ParamValue>;

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** Coerce an override to the type of the default. The runner's `-p k=v` may arrive as a string,
 *  so "12" is accepted for a number and "true"/"false" for a boolean; anything else must match. */
function coerce(key: string, value: unknown, like: ParamValue, source: string): ParamValue {
  const want = typeof like;
  if (typeof value === want) {
    if (want === "number" && !Number.isFinite(value as number)) {
      throw new BesselbookError(
        `params: ${source} sets ${key} = ${String(value)}; expected a finite number`,
      );
    }
    return value as ParamValue;
  }
  if (typeof value === "string") {
    const s = value.trim();
    if (want === "number" && s !== "" && Number.isFinite(Number(s))) return Number(s);
    if (want === "boolean" && (s === "true" || s === "false")) return s === "true";
  }
  throw new BesselbookError(
    `params: ${source} sets ${key} = ${JSON.stringify(value)} (${typeName(value)}); expected a ${want} like the default ${JSON.stringify(like)}`,
  );
}

function checkKeys(keys: string[], known: string[], source: string): void {
  const unknown = keys.filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new BesselbookError(
      `params: ${source} has unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")}; known keys: ${known.join(", ")}`,
    );
  }
}

/** Parse BESSELBOOK_PARAMS; empty/absent means no overrides. */
export function envOverrides(): Record<string, unknown> {
  const raw = process.env.BESSELBOOK_PARAMS;
  if (raw === undefined || raw.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new BesselbookError(
      `params: BESSELBOOK_PARAMS is not valid JSON (${(e as Error).message}); expected an object like {"epochs": 2}`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new BesselbookError(
      `params: BESSELBOOK_PARAMS must be a JSON object like {"epochs": 2}, got ${typeName(parsed)}`,
    );
  }
  return parsed as Record<string, unknown>;
}

function fmt(v: ParamValue): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/**
 * Resolve the notebook's parameters. Returns a new object of the same type as `full`.
 * Throws BesselbookError for unknown keys (listing the known ones) or mismatched types.
 * When a notebook has several params() cells, BESSELBOOK_PARAMS keys may belong to any of them,
 * so unknown env keys are only an error if no params() call in the session knows them.
 */
/**
 * `{ augment: true, epochs: 3 }` → `{ augment: boolean, epochs: number }`: the types a parameter
 * may take, not the literal defaults (TypeScript infers `true`, not `boolean`, under this
 * constraint).
 */
export type Widened<T> = {
  [K in keyof T]: T[K] extends boolean
    ? boolean
    : T[K] extends number
      ? number
      : T[K] extends string
        ? string
        : T[K];
};

export function params<T extends Record<string, number | string | boolean>>(
  full: T,
  opts: { smoke?: Partial<Widened<T>>; quiet?: boolean } = {},
): Widened<T> {
  if (full === null || typeof full !== "object" || Array.isArray(full)) {
    throw new TypeError(
      `params: expected an object of defaults like { epochs: 12 }, got ${typeName(full)}`,
    );
  }
  const known = Object.keys(full);
  for (const k of known) {
    const t = typeof full[k];
    if (t !== "number" && t !== "string" && t !== "boolean") {
      throw new TypeError(
        `params: default ${k} is ${typeName(full[k])}; expected number, string or boolean`,
      );
    }
  }
  const m = mode();
  const out: Record<string, ParamValue> = { ...full };
  const changed: string[] = [];
  if (opts.smoke) {
    checkKeys(Object.keys(opts.smoke), known, "the smoke overrides");
    if (m === "smoke") {
      for (const [k, v] of Object.entries(opts.smoke)) {
        if (v === undefined) continue;
        out[k] = coerce(k, v, full[k]!, "the smoke overrides");
        changed.push(k);
      }
    }
  }
  const env = envOverrides();
  const everKnown = new Set([...Object.keys(session.params), ...known]);
  checkKeys(
    Object.keys(env).filter((k) => !known.includes(k)),
    [...everKnown].filter((k) => !known.includes(k)).concat(known),
    "BESSELBOOK_PARAMS",
  );
  for (const [k, v] of Object.entries(env)) {
    if (!known.includes(k)) continue;
    out[k] = coerce(k, v, full[k]!, "BESSELBOOK_PARAMS");
    if (!changed.includes(k)) changed.push(k);
  }
  Object.assign(session.params, out);
  if (!opts.quiet) {
    const body = known
      .map((k) => `${k}=${fmt(out[k]!)}${changed.includes(k) ? "*" : ""}`)
      .join(" ");
    console.log(`params (${m} mode): ${body}${changed.length ? "   (* overridden)" : ""}`);
  }
  return out as Widened<T>;
}
