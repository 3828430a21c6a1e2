/**
 * Per-kernel session state shared by the notebook helpers: the notebook id, the seed, the
 * parameters in use and the metrics recorded so far. A tslab kernel is one Node process, so
 * module state is exactly "this notebook session"; re-running a cell updates it in place.
 */
import { BesselbookError } from "../errors";

export type ParamValue = number | string | boolean;

export interface Session {
  notebook?: string;
  seed?: number;
  params: Record<string, ParamValue>;
  metrics: Record<string, unknown>;
}

export const session: Session = { params: {}, metrics: {} };

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Set the notebook id (setup cell): figures go to figures/<id>/, results to results/<id>.json.
 * Calling it again with the same id is a no-op (re-running the setup cell); a different id starts
 * a fresh session (params, seed and recorded metrics are cleared) and says so. Returns nothing
 * (tslab echoes the value of a cell's last expression).
 */
export function notebook(id: string): void {
  if (typeof id !== "string" || !ID_RE.test(id)) {
    throw new RangeError(`notebook: argument id = ${JSON.stringify(id)} is out of domain; expected a file-name-safe id like "05_bessel_cnn" (letters, digits, _ . -)`);
  }
  if (session.notebook !== undefined && session.notebook !== id) {
    console.log(`notebook: switching from "${session.notebook}" to "${id}" (session state cleared)`);
    session.params = {};
    session.metrics = {};
    session.seed = undefined;
  }
  session.notebook = id;
}

/** The current notebook id, or a typed error saying the setup cell is missing. */
export function currentNotebook(what: string): string {
  if (session.notebook === undefined) {
    throw new BesselbookError(`${what}: no notebook id set; call notebook("NN_topic") in the setup cell first`);
  }
  return session.notebook;
}

/** Forget everything (tests; a kernel restart does the same). */
export function resetSession(): void {
  session.notebook = undefined;
  session.seed = undefined;
  session.params = {};
  session.metrics = {};
}
