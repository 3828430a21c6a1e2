/**
 * `npm run bench -- trainers`: the notebooks' own trainers (one seed each, in this process, one
 * thread) with this session's wasm kernels against the kernels before it (KERNELS_BEFORE: dW by
 * im2col, copying Identity, tfjs-core's segment-sum gradient), alternating call by call for R
 * rounds (BESSELBOOK_BENCH_ROUNDS, default 5). Printed: process CPU seconds per call, median
 * [min–max], and the per-round ratio now/before; the load average before and after.
 * Small configurations (a few seconds per call), not the notebooks' full-mode ones: the ratio is
 * what carries over, the absolute times do not.
 */
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { init } from "besselbook/tensor/backend";
import { KERNELS_BEFORE, wasmKernelOptions } from "besselbook/tensor/wasm";
import { fashionGapSeed } from "besselbook/contrastive/experiments";
import { notebook05Configs, trainSeed } from "besselbook/bcnn/experiment";
import { moleculeSeed } from "besselbook/frames/molecules";
import { median as med } from "./stats";

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const spread = (xs: number[], d = 2) =>
  `${med(xs).toFixed(d)} [${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}]`;

async function cpuSeconds(f: () => unknown): Promise<number> {
  const c0 = process.cpuUsage();
  await f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

export async function run(): Promise<void> {
  const rounds = Number(process.env.BESSELBOOK_BENCH_ROUNDS ?? 5);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(
      `BESSELBOOK_BENCH_ROUNDS = ${process.env.BESSELBOOK_BENCH_ROUNDS} is out of domain; expected an integer ≥ 1`,
    );
  await init({ quiet: true });
  const nb05 = notebook05Configs({
    glyphTrain: 256,
    glyphEpochs: 1,
    glyphTest: 64,
    fashionTrain: 64,
    fashionEpochs: 1,
    fashionTest: 40,
    batch: 64,
    lr: 0.01,
    angleStepDeg: 45,
    nProbe: 4,
    nEq: 2,
    augment: false,
    dataSeed: 1,
    blur: 0.8,
  });
  const mol = (model: Record<string, unknown>) => ({
    molecule: "ethanol",
    trainFrom: 0,
    trainTo: 400,
    testFrom: 400,
    testTo: 450,
    nTrain: 40,
    cutoff: 4,
    epochs: 2,
    lr: 5e-3,
    decay: 0.9,
    batch: 10,
    vector: "forces" as const,
    model,
  });
  const jobs: { name: string; run: () => unknown }[] = [
    {
      name: "03 contrastive fashionGapSeed (MLP encoders, InfoNCE; 60 steps, batch 64)",
      run: () =>
        fashionGapSeed(
          {
            nTrain: 512,
            nTest: 256,
            steps: 60,
            d: 16,
            r: 6,
            shared: 3,
            phiDeg: 60,
            tau: 0.1,
            lr: 2e-3,
            batch: 64,
            hidden: 64,
            logEvery: 60,
          },
          0,
        ),
    },
    {
      name: "05 bcnn trainSeed, CNN (256 glyphs, 1 epoch, batch 64)",
      run: () => trainSeed(nb05["glyphs/cnn/upright"], 0),
    },
    {
      name: "05 bcnn trainSeed, B-CNN paper basis (same)",
      run: () => trainSeed(nb05["glyphs/bcnnPaper/upright"], 0),
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    {
      name: "07 frames moleculeSeed, tensor messages (40 ethanol frames, 2 epochs)",
      run: () =>
        moleculeSeed(
          mol({
            kind: "frames",
            message: "tensor",
            rep: "8x0e + 4x1o + 2x2e",
            hidden: 32,
            name: "f",
          }) as any,
          0,
        ),
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    {
      name: "07 frames moleculeSeed, TFN ℓmax = 2 (same)",
      run: () =>
        moleculeSeed(mol({ kind: "tfn", lmax: 2, channels: 8, hidden: 32, name: "t" }) as any, 0),
    },
  ];
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus[0]?.model ?? "unknown CPU"} × ${cpus.length}; Node ${process.version}; tfjs ${tf.version.tfjs} on ${tf.getBackend()}; load average ${load()}`,
  );
  console.log(
    `method: each trainer once now, once before (order alternating), ${rounds} rounds, after one warm-up call each; CPU seconds per call`,
  );
  for (const job of jobs) {
    const l0 = load();
    const under = async (opts: Partial<typeof KERNELS_BEFORE> | null) => {
      const prev = opts ? wasmKernelOptions(opts) : null;
      try {
        return await cpuSeconds(job.run);
      } finally {
        if (prev) wasmKernelOptions(prev);
      }
    };
    await under(null);
    await under(KERNELS_BEFORE);
    const now: number[] = [],
      before: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2) {
        before.push(await under(KERNELS_BEFORE));
        now.push(await under(null));
      } else {
        now.push(await under(null));
        before.push(await under(KERNELS_BEFORE));
      }
    }
    const ratio = now.map((x, i) => x / before[i]);
    console.log(
      `  ${job.name}\n    now ${spread(now)} s, before ${spread(before)} s, now/before ${spread(ratio)}; load ${l0.split(" ")[0]} → ${load().split(" ")[0]}`,
    );
  }
}
