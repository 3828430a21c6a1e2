/** Run mode: "full" (default, JupyterLab and `npm run main`) or "smoke" (tests: tiny sizes). */
export type Mode = "full" | "smoke";

export const MODES: readonly Mode[] = ["full", "smoke"];

/** The mode from BESSELBOOK_MODE (default "full"); anything else is an error naming the choices. */
export function mode(): Mode {
  const raw = process.env.BESSELBOOK_MODE;
  if (raw === undefined || raw.trim() === "") return "full";
  const m = raw.trim().toLowerCase();
  if (m === "full" || m === "smoke") return m;
  throw new RangeError(
    `mode: BESSELBOOK_MODE = ${JSON.stringify(raw)} is out of domain; expected one of ${MODES.map((x) => `"${x}"`).join(", ")}`,
  );
}
