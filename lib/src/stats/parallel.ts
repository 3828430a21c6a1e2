/**
 * parallelSeeds: independent runs of a lib experiment on worker threads, one tfjs backend per
 * thread. The experiment is named, not passed as a closure (a closure can't cross threads):
 *
 *   const r = await parallelSeeds({ ns: "bcnn", fn: "trainSeed", config, seeds: [0, 1, 2, 3] });
 *
 * runs `require("besselbook")[ns][fn](config, seed)` for each seed. `config` must be
 * structured-cloneable (plain objects, arrays, typed arrays); the function returns a plain
 * object of numbers and number arrays, exactly as for overSeeds, and the result has the same
 * shape (per-metric values in seed order, summaries, series).
 *
 * Determinism: each seed's run depends only on (config, seed) — the function must draw every
 * random number from its seed — so the values do not depend on the number of workers or on
 * which worker ran which seed (the unit tests compare workers = 1, 2 and the in-process run).
 * Each worker initialises the same backend as the caller (wasm on one thread by default).
 */
import * as path from "path";
import { DomainError, BesselbookError } from "../errors";
import { checkSeeds, collectRuns, SeedResult, SeedRuns } from "./index";
import { backendName } from "../tensor/backend";

export interface ParallelSeedsOptions {
  /** A namespace of the besselbook package, e.g. "bcnn". */
  ns: string;
  /** An exported function of that namespace: (config, seed) => result | Promise<result>. */
  fn: string;
  config: unknown;
  seeds: number[];
  /** Worker threads (default: min(seeds, available cores)). */
  workers?: number;
  /** Backend for the workers (default: the caller's active backend, else wasm). */
  backend?: string;
}

interface Job {
  ns: string;
  fn: string;
  config: unknown;
  seed: number;
  backend: string;
}
type Reply = { ok: true; result: SeedResult } | { ok: false; message: string; stack?: string };

function cores(): number {
  const os = require("os") as typeof import("os");
  return typeof os.availableParallelism === "function"
    ? os.availableParallelism()
    : os.cpus().length;
}

/** Resolve `besselbook[ns][fn]` in this process, or throw naming what is missing. */
export function resolveExperiment(
  ns: string,
  fn: string,
): (config: unknown, seed: number) => unknown {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const lib = require("../index") as Record<string, unknown>;
  const space = lib[ns] as Record<string, unknown> | undefined;
  if (space === undefined || space === null || typeof space !== "object") {
    throw new DomainError(
      `parallelSeeds: argument ns = ${JSON.stringify(ns)} is not a namespace of besselbook`,
    );
  }
  const f = space[fn];
  if (typeof f !== "function")
    throw new DomainError(
      `parallelSeeds: besselbook.${ns} has no exported function ${JSON.stringify(fn)}`,
    );
  return f as (config: unknown, seed: number) => unknown;
}

/** Run `besselbook[ns][fn](config, seed)` for every seed on worker threads; see module comment. */
export async function parallelSeeds(opts: ParallelSeedsOptions): Promise<SeedRuns> {
  if (opts === null || typeof opts !== "object")
    throw new DomainError("parallelSeeds: expected { ns, fn, config, seeds }");
  const seeds = checkSeeds("parallelSeeds", opts.seeds);
  resolveExperiment(opts.ns, opts.fn); // fail here, not in a worker
  const n = opts.workers ?? Math.min(seeds.length, cores());
  if (!Number.isInteger(n) || n < 1)
    throw new DomainError(
      `parallelSeeds: argument workers = ${n} is out of domain; expected an integer ≥ 1`,
    );
  const backend = opts.backend ?? backendName() ?? "wasm";
  try {
    structuredClone(opts.config);
  } catch (e) {
    throw new DomainError(
      `parallelSeeds: argument config cannot be sent to a worker thread (${(e as Error).message}); use plain objects, arrays and typed arrays`,
    );
  }
  const { Worker } = require("worker_threads") as typeof import("worker_threads");
  const results: SeedResult[] = new Array(seeds.length);
  let next = 0;
  const workers: import("worker_threads").Worker[] = [];
  const script = path.join(__dirname, "worker.js");
  const env = { ...process.env, BESSELBOOK_BACKEND: backend };
  try {
    await Promise.all(
      Array.from(
        { length: Math.min(n, seeds.length) },
        () =>
          new Promise<void>((resolve, reject) => {
            const w = new Worker(script, { env });
            workers.push(w);
            let current = -1;
            const give = () => {
              if (next >= seeds.length) {
                resolve();
                return;
              }
              current = next++;
              const job: Job = {
                ns: opts.ns,
                fn: opts.fn,
                config: opts.config,
                seed: seeds[current]!,
                backend,
              };
              w.postMessage(job);
            };
            w.on("message", (r: Reply) => {
              if (!r.ok) {
                const err = new BesselbookError(
                  `parallelSeeds: ${opts.ns}.${opts.fn}(config, seed ${seeds[current]}) threw: ${r.message}`,
                );
                if (r.stack) err.stack = `${err.message}\n--- in the worker ---\n${r.stack}`;
                reject(err);
                return;
              }
              results[current] = r.result;
              give();
            });
            w.on("error", (e) =>
              reject(
                new BesselbookError(
                  `parallelSeeds: worker failed on seed ${seeds[current]}: ${e.message}`,
                ),
              ),
            );
            w.on("exit", (code) => {
              if (current >= 0 && results[current] === undefined)
                reject(
                  new BesselbookError(
                    `parallelSeeds: worker exited (code ${code}) while running seed ${seeds[current]}`,
                  ),
                );
            });
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return collectRuns(`parallelSeeds ${opts.ns}.${opts.fn}`, seeds, results);
}
