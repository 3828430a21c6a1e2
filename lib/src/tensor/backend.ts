/**
 * tfjs backend choice for notebooks and tests: `await init()`.
 *
 * One stated backend everywhere: **wasm** (@tensorflow/tfjs-backend-wasm, SIMD, one thread),
 * with besselbook's own kernels for the ops tfjs-backend-wasm 4.22 lacks. The committed
 * results, `npm run main` and the tests use it on every machine, whatever else is installed.
 * Other backends are an explicit opt-in, recorded in results/<notebook>.json ("backend"):
 *   BESSELBOOK_BACKEND=tensorflow   @tensorflow/tfjs-node (native libtensorflow). Not a
 *                                   dependency: install it yourself
 *                                   (`npm install --no-save @tensorflow/tfjs-node@4.22.0`, which
 *                                   downloads libtensorflow from Google's storage at install time);
 *   BESSELBOOK_BACKEND=cpu          pure JS (slow; a cross-check);
 *   init({ backend })               the same, from code.
 * Why not "best available": tfjs-node used to be picked automatically when it happened to
 * install (a laptop with internet) and then every trained number differed from the committed
 * notebooks (float32 kernels differ in summation order). If wasm fails to initialise, init()
 * throws rather than silently falling back to another backend.
 *
 * wasm in Node: the .wasm binaries are read from the package's dist/ directory, so
 * setWasmPaths gets that directory (with a trailing separator) resolved from node_modules; no
 * network fetch. tfjs picks the SIMD binary when WebAssembly SIMD validates (Node 20: yes).
 * The threaded-SIMD binary is never used in Node: tfjs 4.22 hard-codes
 * WASM_HAS_MULTITHREAD_SUPPORT = false when IS_NODE (tfjs issue #3830), so wasm runs on one
 * thread here.
 *
 * Randomness: tfjs has no global seed that makes every op reproducible (tf.randomNormal takes a
 * per-call seed; initialisers take their own). besselbook therefore takes seeds explicitly in
 * every lib function that draws, and `seed(n)` only records the notebook's seed for record().
 */
import { registerWasmKernels } from "./wasm";
import { session } from "../kernel/session";

export type BackendName = "tensorflow" | "wasm" | "cpu";
export const BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];
/** The backend used unless BESSELBOOK_BACKEND or init({ backend }) asks for another. */
export const DEFAULT_BACKEND: BackendName = "wasm";

/** Aliases accepted in BESSELBOOK_BACKEND. */
const ALIASES: Record<string, BackendName> = {
  tensorflow: "tensorflow",
  node: "tensorflow",
  "tfjs-node": "tensorflow",
  wasm: "wasm",
  cpu: "cpu",
};

export interface InitOptions {
  /** Force a backend (overrides BESSELBOOK_BACKEND). */
  backend?: BackendName | "node" | "tfjs-node";
  /** Don't print the one-line summary. */
  quiet?: boolean;
}

export interface BackendInfo {
  backend: BackendName;
  tfjs: string;
  /** wasm only: whether the SIMD binary is in use, and the thread count. */
  simd?: boolean;
  threads?: number;
  /** Names of besselbook's own wasm kernels registered (see ./wasm). */
  kernels: string[];
  /**
   * "default" (wasm, the stated backend) or "explicit" (BESSELBOOK_BACKEND / init({ backend })).
   */
  requested: "default" | "explicit";
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tf = any;

let chosen: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

function tf(): Tf {
  return require("../tf");
}

function parseChoice(raw: string, source: string): BackendName {
  const b = ALIASES[raw.trim().toLowerCase()];
  if (!b) {
    throw new RangeError(
      `init: ${source} = ${JSON.stringify(raw)} is out of domain; expected one of ${BACKENDS.map((x) => `"${x}"`).join(", ")} (aliases: "node", "tfjs-node" for "tensorflow")`,
    );
  }
  return b;
}

/** Try to load tfjs-node; it registers the "tensorflow" backend as a side effect. */
function loadTfjsNode(): boolean {
  try {
    require("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

/** Point tfjs-backend-wasm at its own dist/ directory for the .wasm files. */
function setupWasm(): void {
  const path = require("path") as typeof import("path");
  const wasm = require("@tensorflow/tfjs-backend-wasm");
  const dir = path.dirname(
    require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
  );
  wasm.setWasmPaths(dir + path.sep);
}

async function trySet(t: Tf, name: BackendName): Promise<boolean> {
  try {
    // tf.setBackend resolves false (and logs a warning) when the backend fails to initialise.
    const ok = await t.setBackend(name);
    if (ok) await t.ready();
    return ok && t.getBackend() === name;
  } catch {
    return false;
  }
}

async function choose(opts: InitOptions): Promise<BackendInfo> {
  const t = tf();
  const env = process.env.BESSELBOOK_BACKEND;
  const forced: BackendName | undefined =
    opts.backend !== undefined
      ? parseChoice(opts.backend, "argument backend")
      : env !== undefined && env.trim() !== ""
        ? parseChoice(env, "BESSELBOOK_BACKEND")
        : undefined;

  // No fallback chain: the default is wasm on every machine (see module comment).
  const order: BackendName[] = [forced ?? DEFAULT_BACKEND];
  let picked: BackendName | undefined;
  const failures: string[] = [];
  for (const name of order) {
    if (name === "tensorflow") {
      if (!loadTfjsNode()) {
        failures.push(
          "tensorflow (@tensorflow/tfjs-node is not installed or its native library failed to load; it is an opt-in: npm install --no-save @tensorflow/tfjs-node@4.22.0)",
        );
        continue;
      }
    } else if (name === "wasm") {
      try {
        setupWasm();
      } catch (e) {
        failures.push(`wasm (${(e as Error).message})`);
        continue;
      }
    }
    if (await trySet(t, name)) {
      picked = name;
      break;
    }
    failures.push(`${name} (setBackend failed)`);
  }
  if (!picked)
    throw new Error(
      `init: tfjs backend ${JSON.stringify(order[0])} could not be initialised: ${failures.join("; ")}`,
    );

  const info: BackendInfo = {
    backend: picked,
    tfjs: t.version?.tfjs ?? String(t.version_core),
    kernels: [],
    requested: forced ? "explicit" : "default",
  };
  if (picked === "wasm") {
    const wasm = require("@tensorflow/tfjs-backend-wasm");
    info.simd = Boolean(await t.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    info.threads = typeof wasm.getThreadsCount === "function" ? wasm.getThreadsCount() : 1;
    // besselbook's own kernels for ops tfjs-backend-wasm 4.22 lacks (see DESIGN.md pitfalls).
    info.kernels = registerWasmKernels();
  }
  return info;
}

/**
 * Pick and initialise the tfjs backend (see module comment). Idempotent: later calls return the
 * same choice (asking for a different backend explicitly switches). Prints one line, e.g.
 * `backend: wasm (SIMD, 1 thread) · tfjs 4.22.0 · 3 besselbook wasm kernels`.
 * Returns the backend name.
 */
export async function init(opts: InitOptions = {}): Promise<BackendName> {
  // Validate the request on every call, so a bad BESSELBOOK_BACKEND is reported even after a
  // backend was chosen earlier in the session.
  const env = process.env.BESSELBOOK_BACKEND;
  const want =
    opts.backend !== undefined
      ? parseChoice(opts.backend, "argument backend")
      : env !== undefined && env.trim() !== ""
        ? parseChoice(env, "BESSELBOOK_BACKEND")
        : undefined;
  if (chosen && (want === undefined || want === chosen.backend)) {
    if (!opts.quiet) console.log(summary(chosen));
    return chosen.backend;
  }
  if (!pending) {
    pending = choose({ ...opts, backend: want }).finally(() => {
      pending = undefined;
    });
  }
  const info = await pending;
  chosen = info;
  if (!opts.quiet) console.log(summary(info));
  return info.backend;
}

function summary(i: BackendInfo): string {
  const detail =
    i.backend === "wasm"
      ? ` (${i.simd ? "SIMD" : "no SIMD"}, ${i.threads ?? 1} thread${(i.threads ?? 1) === 1 ? "" : "s"})`
      : "";
  const why =
    i.requested === "explicit"
      ? process.env.BESSELBOOK_BACKEND
        ? " [BESSELBOOK_BACKEND]"
        : " [init({ backend })]"
      : "";
  const note =
    i.backend === DEFAULT_BACKEND
      ? ""
      : ` · not the default (${DEFAULT_BACKEND}): trained numbers will differ from the committed notebooks`;
  return `backend: ${i.backend}${detail}${why} · tfjs ${i.tfjs} · ${i.kernels.length} besselbook wasm kernel${i.kernels.length === 1 ? "" : "s"}${note}`;
}

/** What init() chose, or undefined before init(). */
export function backendInfo(): BackendInfo | undefined {
  return chosen ? { ...chosen, kernels: [...chosen.kernels] } : undefined;
}

/**
 * The active tfjs backend name for provenance: init()'s choice, else whatever tfjs is using if
 * it has been loaded and a backend is set, else undefined. Never loads or initialises tfjs.
 */
export function backendName(): string | undefined {
  if (chosen) {
    // Someone may have called tf.setBackend() directly after init(); report what is active.
    const active = activeTfBackend();
    return active ?? chosen.backend;
  }
  return activeTfBackend();
}

function activeTfBackend(): string | undefined {
  const loaded = Object.keys(require.cache).some((k) =>
    /[\\/]@tensorflow[\\/]tfjs-core[\\/]/.test(k),
  );
  if (!loaded) return undefined;
  try {
    // engine().backendName is a plain field set by setBackend; reading it initialises nothing.
    const name = require("@tensorflow/tfjs-core").engine().backendName;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Record the notebook's seed for record(). tfjs has no global seed (see module comment): pass
 * the seed (or rng(seed).fork()) to every lib function that draws. Returns nothing, so a setup
 * cell ending in `seed(0)` doesn't echo the number.
 */
export function seed(n: number): void {
  if (!(Number.isInteger(n) && n >= 0 && n <= 0xffffffff)) {
    throw new RangeError(
      `seed: argument n = ${n} is out of domain; expected an integer in [0, 2^32 - 1]`,
    );
  }
  session.seed = n;
}
