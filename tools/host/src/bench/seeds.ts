/**
 * `npm run bench -- seeds`: what parallelSeeds buys. The same independent runs (softmax regression
 * on the Fashion-MNIST subset, the tour's experiment, 4 seeds) on 1 worker thread and on 2,
 * alternated within one process, ROUNDS rounds; prints per-round wall times, the median ratio
 * t(1 worker) / t(2 workers) with its min–max spread, the load average before and after, and the
 * CPU model. With 2 cores and nothing else running the ideal is 2×; a busy machine shows less.
 */
import * as os from "os";
import { parallelSeeds } from "besselbook/stats/parallel";
import { init } from "besselbook/tensor/backend";
import { median } from "./stats";

export async function run(): Promise<void> {
  await init({ quiet: true, backend: "wasm" });
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  // The tour's full-mode configuration (notebook 00): a few seconds per seed, so a worker's
  // start-up (its own tfjs + wasm) is paid once per seed, as in the notebooks.
  const config = { nTrain: 2000, epochs: 40, lr: 0.1, batch: 200 };
  const seeds = [0, 1, 2, 3];
  const load0 = os.loadavg();
  console.log(
    `CPU: ${os.cpus()[0]?.model ?? "unknown"} × ${os.cpus().length}; load average before: ${load0.map((x) => x.toFixed(2)).join(" ")}`,
  );
  console.log(
    `workload: ${seeds.length} seeds of tensor.softmaxRegressionSeed ${JSON.stringify(config)}; ${rounds} rounds, 1 and 2 workers alternated`,
  );
  const ratios: number[] = [],
    t1s: number[] = [],
    t2s: number[] = [];
  let ref: number[] | undefined;
  for (let r = 0; r < rounds; r++) {
    // Alternate which engine goes first, so a load change hits both equally often.
    const order = r % 2 === 0 ? [1, 2] : [2, 1];
    const t: Record<number, number> = {};
    for (const w of order) {
      const start = process.hrtime.bigint();
      const out = await parallelSeeds({
        ns: "tensor",
        fn: "softmaxRegressionSeed",
        config,
        seeds,
        workers: w,
      });
      t[w] = Number(process.hrtime.bigint() - start) / 1e9;
      ref ??= out.values.testAcc;
      if (JSON.stringify(out.values.testAcc) !== JSON.stringify(ref))
        throw new Error("seeds bench: results differ between runs (determinism broken)");
    }
    t1s.push(t[1]!);
    t2s.push(t[2]!);
    ratios.push(t[1]! / t[2]!);
    console.log(
      `round ${r + 1}: 1 worker ${t[1]!.toFixed(2)} s, 2 workers ${t[2]!.toFixed(2)} s, ratio ${(t[1]! / t[2]!).toFixed(2)}`,
    );
  }
  const load1 = os.loadavg();
  console.log(
    `median: 1 worker ${median(t1s).toFixed(2)} s, 2 workers ${median(t2s).toFixed(2)} s`,
  );
  console.log(
    `speed-up of 2 workers over 1: median ${median(ratios).toFixed(2)}× (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}, ${rounds} rounds); results identical in every run`,
  );
  console.log(`load average after: ${load1.map((x) => x.toFixed(2)).join(" ")}`);
}
