/**
 * Bridge to the running tslab kernel's iopub channel.
 *
 * tslab's public API (`require("tslab").display`) sends exactly one MIME type per message:
 * `display.raw(type, data)` builds `{ data: { [type]: data } }`. A Jupyter display bundle with
 * several representations (vega-lite JSON + SVG + text) has to be ONE message, otherwise the
 * front end shows three outputs. Underneath, tslab 1.0.22 keeps the current cell's sender in
 * the exported variable `lastWriteDisplayData` of tslab/dist/jupyter.js:
 *
 *   writeDisplayData({ data, metadata, transient: { display_id } }, update)
 *
 * which signs and publishes a `display_data` message (or `update_display_data` when `update` is
 * true) with the executing request as parent. `newDisplay()`'s DisplayImpl.raw uses exactly this
 * function. We call it directly with a full bundle.
 *
 * Finding the kernel's instance: we look in require.cache for the already-loaded
 * .../tslab/dist/jupyter.js rather than `require("tslab")`, so (a) we get the instance of the
 * tslab that is actually running (global install or project-local), and (b) plain Node (tests,
 * scripts) never loads tslab and its TypeScript fork. Outside a kernel the writer is null and
 * callers fall back to printing text/plain.
 */

export interface DisplayMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

export type DisplayWriter = (msg: DisplayMessage, update: boolean) => void;

const JUPYTER_JS = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;
let cachedKey: string | undefined;
let override: DisplayWriter | null | undefined;

/**
 * Replace the writer (tests use a recording writer; another front end could plug in here).
 * `undefined` restores auto-detection; `null` forces plain-text mode.
 */
export function useDisplayWriter(w: DisplayWriter | null | undefined): void {
  override = w;
}

/** The current cell's display writer, or null outside a tslab kernel. */
export function displayWriter(): DisplayWriter | null {
  if (override !== undefined) return override;
  if (cachedKey === undefined || !require.cache[cachedKey]) {
    // Scan once and remember the key; scan again if nothing was found (tslab may load later)
    // or the cached module was evicted.
    cachedKey = Object.keys(require.cache).find((k) => JUPYTER_JS.test(k));
    if (cachedKey === undefined) return null;
  }
  const mod = require.cache[cachedKey]?.exports as { lastWriteDisplayData?: unknown } | undefined;
  const w = mod?.lastWriteDisplayData;
  return typeof w === "function" ? (w as DisplayWriter) : null;
}

let counter = 0;
/** A display id unique within this kernel process (Jupyter only needs uniqueness per session). */
export function newDisplayId(prefix = "bb"): string {
  counter++;
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${counter}`;
}
