/**
 * The claims ledger. A notebook declares each statement it makes about a paper or a result once,
 * with its source, and names that claim in the checks that test it:
 *
 *   claim("fano-constant", {
 *     text: "Fano's inequality bounds the error probability by (I + log 2)/log M",
 *     source: { ref: "gray2011", where: "Lemma 6.2" },
 *     kind: "reproduces",
 *   });
 *   check.close(bound, closedForm, {
 *     rtol: 1e-12, what: "Fano bound, M = 16", claim: "fano-constant",
 *   });
 *   …
 *   finish();   // last code cell: every claim needs a passing check; the ledger goes to results/
 *
 * Sources are keys of REFERENCES.md (an anchor `<a id="key"></a>` there), or "ours" for the
 * project's own constructions and experiments. A check naming an unknown claim throws at once;
 * `finish()` throws if a claim has no passing check (except kind "untestable", which must say
 * why). The ledger is written into results/<notebook>.json by record() and finish().
 */
import * as fs from "fs";
import * as path from "path";
import { BesselbookError, CheckError, DomainError } from "../errors";
import { repoRoot } from "./paths";
import { session } from "./session";

/** How a claim relates to its source. */
export type ClaimKind =
  /** the source states it and we reproduce it */
  | "reproduces"
  /** the source states it and our measurement disagrees (with `why`) */
  | "differs"
  /** builds on a sourced result beyond what the source states */
  | "extends"
  /** our own construction, experiment or observation (source "ours") */
  | "ours"
  /** a sourced statement we cannot test offline (with `why`) */
  | "untestable";

export const CLAIM_KINDS: readonly ClaimKind[] = [
  "reproduces",
  "differs",
  "extends",
  "ours",
  "untestable",
];

/** Where a claim comes from: a REFERENCES.md key and the place in that work, or "ours". */
export type Source = "ours" | { ref: string; where: string };

export interface ClaimSpec {
  /** One sentence stating the claim. */
  text: string;
  source: Source;
  kind: ClaimKind;
  /** Required for "differs" and "untestable": the evidence-based explanation. */
  why?: string;
  /**
   * Set when the claim was rewritten after its data were seen: what was expected before the run
   * and why it changed. Its checks then follow the data rather than test a prediction, so the
   * verdict is "revised after the run", never a pre-registered pass (the report keeps them apart).
   */
  revised?: string;
}

/**
 * One check as the ledger keeps it: what was measured, against what tolerance, and whether it
 * passed.
 */
export interface CheckRecord {
  /** The check function: close, less, equivariant, above, … */
  check: string;
  what: string;
  claim?: string;
  passed: boolean;
  /** The measured value(s) the verdict rests on. */
  value: unknown;
  /** The tolerance or bound it was compared with. */
  tol: unknown;
  /** Seeds behind an interval check, when the summary came from overSeeds/parallelSeeds. */
  seeds?: number[];
}

export interface ClaimEntry extends ClaimSpec {
  id: string;
  checks: CheckRecord[];
}

export type Verdict =
  | "reproduced"
  | "differs"
  | "extends"
  | "ours"
  | "not testable offline"
  | "revised after the run"
  | "unchecked"
  | "failed";

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;

let refCache: { file: string; mtimeMs: number; keys: Set<string> } | undefined;

/** The anchors `<a id="key"></a>` of REFERENCES.md at the repository root. */
export function referenceKeys(file = path.join(repoRoot(), "REFERENCES.md")): Set<string> {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new BesselbookError(
      `claim: ${file} not found; the project's citations live in REFERENCES.md at the repository root`,
    );
  }
  if (refCache && refCache.file === file && refCache.mtimeMs === st.mtimeMs) return refCache.keys;
  const text = fs.readFileSync(file, "utf8");
  const keys = new Set<string>();
  for (const m of text.matchAll(/<a id="([^"]+)"><\/a>/g)) keys.add(m[1]!);
  refCache = { file, mtimeMs: st.mtimeMs, keys };
  return keys;
}

function validate(id: string, spec: ClaimSpec): void {
  if (typeof id !== "string" || !ID_RE.test(id)) {
    throw new DomainError(
      `claim: argument id = ${JSON.stringify(id)} is out of domain; expected a short kebab-case id like "fano-constant"`,
    );
  }
  if (spec === null || typeof spec !== "object")
    throw new DomainError(`claim("${id}"): expected a spec { text, source, kind }`);
  if (typeof spec.text !== "string" || spec.text.trim().length < 10) {
    throw new DomainError(`claim("${id}"): argument text must state the claim in a sentence`);
  }
  if (!CLAIM_KINDS.includes(spec.kind)) {
    throw new DomainError(
      `claim("${id}"): argument kind = ${JSON.stringify(spec.kind)} is out of domain; expected one of ${CLAIM_KINDS.join(", ")}`,
    );
  }
  const src = spec.source;
  if (src === "ours") {
    if (spec.kind !== "ours")
      throw new DomainError(
        `claim("${id}"): source "ours" goes with kind "ours" (got kind "${spec.kind}"); a claim that reproduces, extends or differs from a paper names the paper`,
      );
  } else {
    if (
      src === null ||
      typeof src !== "object" ||
      typeof src.ref !== "string" ||
      typeof src.where !== "string" ||
      src.where.trim() === ""
    ) {
      throw new DomainError(
        `claim("${id}"): argument source must be "ours" or { ref: "<REFERENCES.md key>", where: "§/Thm/Fig./Table …" }`,
      );
    }
    if (spec.kind === "ours")
      throw new DomainError(
        `claim("${id}"): kind "ours" needs source "ours" (got ref "${src.ref}")`,
      );
    const keys = referenceKeys();
    if (!keys.has(src.ref)) {
      throw new DomainError(
        `claim("${id}"): source ref "${src.ref}" is not a key of REFERENCES.md (known: ${[...keys].sort().join(", ")})`,
      );
    }
  }
  if (
    (spec.kind === "differs" || spec.kind === "untestable") &&
    !(typeof spec.why === "string" && spec.why.trim().length >= 10)
  ) {
    throw new DomainError(
      `claim("${id}"): kind "${spec.kind}" needs \`why\`: the evidence for the difference, or why it cannot be tested offline`,
    );
  }
  if (
    spec.revised !== undefined &&
    !(typeof spec.revised === "string" && spec.revised.trim().length >= 10)
  ) {
    throw new DomainError(
      `claim("${id}"): argument revised must say what was expected before the run and why the claim changed`,
    );
  }
}

/**
 * Declare a claim (see the module comment). Re-running the cell with the same spec keeps its
 * checks; a changed spec starts the claim afresh. Prints one line so the reader sees the claim
 * and its source where it is made. Returns nothing.
 */
export function claim(id: string, spec: ClaimSpec): void {
  validate(id, spec);
  const prev = session.claims[id];
  const same =
    prev &&
    prev.text === spec.text &&
    prev.kind === spec.kind &&
    prev.why === spec.why &&
    prev.revised === spec.revised &&
    JSON.stringify(prev.source) === JSON.stringify(spec.source);
  const entry: ClaimEntry = {
    id,
    text: spec.text,
    source: spec.source,
    kind: spec.kind,
    why: spec.why,
    checks: same ? prev.checks : [],
  };
  if (spec.revised !== undefined) entry.revised = spec.revised;
  session.claims[id] = entry;
  const src = spec.source === "ours" ? "ours" : `${spec.source.ref}, ${spec.source.where}`;
  const rev = spec.revised !== undefined ? "; revised after the run" : "";
  console.log(`claim ${id} [${spec.kind}; ${src}${rev}]: ${spec.text}`);
}

/** Throw unless `id` names a declared claim (checks call this before measuring). */
export function requireClaim(id: string | undefined, what: string): void {
  if (id === undefined) return;
  if (!Object.prototype.hasOwnProperty.call(session.claims, id)) {
    const known = Object.keys(session.claims);
    throw new CheckError(
      `✗ ${what}: names claim "${id}", which no claim() declared${known.length ? ` (declared: ${known.join(", ")})` : ""}`,
    );
  }
}

let paused = 0;

/** Run fn without recording checks (check.rejects runs a wrong variant's check: its expected
 *  failure is the rejects check's evidence, not a failed check of the notebook). */
export function withoutLedger<T>(fn: () => T): T {
  paused++;
  try {
    return fn();
  } finally {
    paused--;
  }
}

/**
 * Add a check's outcome to the ledger; the same (claim, check, what) re-run replaces the old entry.
 */
export function noteCheck(rec: CheckRecord): void {
  if (paused > 0) return;
  const list = rec.claim !== undefined ? session.claims[rec.claim]!.checks : session.checks;
  const i = list.findIndex((c) => c.check === rec.check && c.what === rec.what);
  if (i >= 0) list[i] = rec;
  else list.push(rec);
}

/** The verdict of one claim from its kind and checks. */
export function verdict(c: ClaimEntry): Verdict {
  if (c.checks.some((k) => !k.passed)) return "failed";
  if (c.kind === "untestable") return "not testable offline";
  if (!c.checks.some((k) => k.passed)) return "unchecked";
  if (c.revised !== undefined) return "revised after the run";
  return (
    { reproduces: "reproduced", differs: "differs", extends: "extends", ours: "ours" } as const
  )[c.kind];
}

/** The ledger as results/<notebook>.json stores it. */
export function ledger(): { claims: Record<string, unknown>; checks: CheckRecord[] } {
  const claims: Record<string, unknown> = {};
  for (const c of Object.values(session.claims)) {
    claims[c.id] = {
      text: c.text,
      source: c.source,
      kind: c.kind,
      why: c.why,
      ...(c.revised !== undefined ? { revised: c.revised } : {}),
      verdict: verdict(c),
      checks: c.checks,
    };
  }
  return { claims, checks: session.checks };
}

/**
 * Verify the ledger: every claim has at least one passing check and none failed (claims of kind
 * "untestable" need none). Throws CheckError listing the claims that fail; otherwise prints one
 * line per claim. `record()` then writes the ledger (finish() calls it for you).
 */
export function verifyClaims(): ClaimEntry[] {
  const all = Object.values(session.claims);
  const bad = all.filter((c) => ["unchecked", "failed"].includes(verdict(c)));
  if (bad.length) {
    throw new CheckError(
      `✗ claims without a passing check: ${bad.map((c) => `${c.id} (${verdict(c)})`).join(", ")}. ` +
        "Every claim needs a check that could fail on a plausible mistake (check.*(…, { what, claim: id })).",
    );
  }
  return all;
}
