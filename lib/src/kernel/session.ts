/**
 * Per-kernel session state shared by the notebook helpers: the notebook id, the seed, the
 * parameters in use and the metrics recorded so far. A tslab kernel is one Node process, so
 * module state is exactly "this notebook session"; re-running a cell updates it in place.
 */
import { BesselbookError } from "../errors";
import type { CheckRecord, ClaimEntry } from "./claims";
import { mode } from "./mode";

export type ParamValue = number | string | boolean;

export interface Session {
  notebook?: string;
  seed?: number;
  params: Record<string, ParamValue>;
  metrics: Record<string, unknown>;
  /** Claims declared with claim(), by id, each with the checks that named it. */
  claims: Record<string, ClaimEntry>;
  /** Checks that named no claim (sanity checks), in order. */
  checks: CheckRecord[];
}

export const session: Session = { params: {}, metrics: {}, claims: {}, checks: [] };

/** The one line a smoke run prints at the top, so prose written for full runs doesn't mislead. */
export const SMOKE_BANNER =
  "⚠ smoke mode: tiny budgets to test that the notebook runs — the numbers below are NOT results, " +
  "and prose describing them was written for the full run (BESSELBOOK_MODE=full, the default)";

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Set the notebook id (setup cell): figures go to figures/<id>/, results to results/<id>.json.
 * Calling it again with the same id is a no-op (re-running the setup cell); a different id starts
 * a fresh session (params, seed and recorded metrics are cleared) and says so. Returns nothing
 * (tslab echoes the value of a cell's last expression).
 */
export function notebook(id: string): void {
  if (typeof id !== "string" || !ID_RE.test(id)) {
    throw new RangeError(
      `notebook: argument id = ${JSON.stringify(id)} is out of domain; expected a file-name-safe id like "05_bessel_cnn" (letters, digits, _ . -)`,
    );
  }
  if (session.notebook !== undefined && session.notebook !== id) {
    console.log(
      `notebook: switching from "${session.notebook}" to "${id}" (session state cleared)`,
    );
    session.params = {};
    session.metrics = {};
    session.claims = {};
    session.checks = [];
    session.seed = undefined;
  }
  if (session.notebook === undefined && mode() === "smoke") console.log(SMOKE_BANNER);
  session.notebook = id;
}

/** The current notebook id, or a typed error saying the setup cell is missing. */
export function currentNotebook(what: string): string {
  if (session.notebook === undefined) {
    throw new BesselbookError(
      `${what}: no notebook id set; call notebook("NN_topic") in the setup cell first`,
    );
  }
  return session.notebook;
}

/** Forget everything (tests; a kernel restart does the same). */
export function resetSession(): void {
  session.notebook = undefined;
  session.seed = undefined;
  session.params = {};
  session.metrics = {};
  session.claims = {};
  session.checks = [];
}
