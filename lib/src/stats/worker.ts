/**
 * Worker-thread entry for parallelSeeds: initialise the requested backend once, then run
 * `besselbook[ns][fn](config, seed)` for each job posted and post the result back.
 */
import { parentPort } from "worker_threads";
import { resolveExperiment } from "./parallel";

interface Job {
  ns: string;
  fn: string;
  config: unknown;
  seed: number;
  backend: string;
}

let ready: Promise<unknown> | undefined;

parentPort!.on("message", async (job: Job) => {
  try {
    const { init } = require("../tensor/backend") as typeof import("../tensor/backend");
    ready ??= init({ quiet: true, backend: job.backend as "wasm" | "cpu" | "tensorflow" });
    await ready;
    const result = await resolveExperiment(job.ns, job.fn)(job.config, job.seed);
    parentPort!.postMessage({ ok: true, result });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ ok: false, message: err?.message ?? String(e), stack: err?.stack });
  }
});
