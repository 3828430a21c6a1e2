/**
 * `npm run bench -- bcnn`: one training step (forward + backward + Adam, batch 64, 28×28×1) of the
 * notebook-05 B-CNN and its parameter-matched CNN on the wasm backend, through both convolution
 * paths (tf.conv2d and im2col + matMul). Prints ms/step, images/s, the measured B-CNN/CNN time
 * ratio, and the theoretical ratio of convolution work: the real response channels per B-conv
 * output channel (13 for K = 5 with the paper's basis, 5 with the steerable basis), and the
 * MAC-weighted ratio for the whole network (convMacs). Also the B-CNN step with the steerable basis
 * (notebook 04 §7) at the same widths and widened to the same parameter count (notebook 05).
 */
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { init } from "besselbook/tensor/backend";
import {
  buildNet,
  convMacs,
  defaultBcnnSpec,
  matchedCnnSpec,
  NetSpec,
  trainableParams,
} from "besselbook/bcnn/models";
import { notebook05Specs } from "besselbook/bcnn/experiment";
import { BesselConv2D, ConvImpl, PlainConv2D } from "besselbook/bcnn/layer";
import { median } from "./stats";

const BATCH = 64;

/** Median wall time (ms) of `reps` calls of `step` after `warm` warm-up calls. */
async function timeIt(step: () => void, reps: number, warm = 2): Promise<number> {
  for (let i = 0; i < warm; i++) step();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    step();
    ts.push(performance.now() - t0);
    await new Promise((r) => setImmediate(r));
  }
  return median(ts);
}

function trainStep(spec: NetSpec): { step: () => void; params: number; dispose: () => void } {
  const model = buildNet(spec);
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, "float32", 1);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => i % 10),
      "int32",
    ),
    10,
  );
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => {
    const loss = tf.tidy(() =>
      opt.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(
            y,
            model.apply(x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
        true,
        vars,
      )!,
    );
    loss.dataSync();
    loss.dispose();
  };
  return {
    step,
    params: trainableParams(model),
    dispose: () => {
      model.dispose();
      opt.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

export async function run(): Promise<void> {
  await init({ backend: "wasm" });
  const reps = Number(process.env.BENCH_REPS ?? 5);
  if (process.env.BENCH_ONLY === "bconv") return bconvPaths(reps);
  // The machine may be shared: the load average tells how much the timings below are inflated.
  console.log(
    `batch ${BATCH}, 28×28×1, median of ${reps} steps after 2 warm-up steps; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${os.cpus().length} cores`,
  );

  // 1. Single first layer: B-conv(K=5, 1→8) vs conv(K=5, 1→8), forward+backward w.r.t. weights.
  console.log("\nlayer 1 alone (K = 5, 1 → 8 channels), forward + backward:");
  const x1 = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, "float32", 2);
  const layerTimes: Record<string, number> = {};
  for (const impl of ["conv", "matmul"] as ConvImpl[]) {
    for (const kind of ["bconv", "conv"]) {
      const layer =
        kind === "bconv"
          ? new BesselConv2D({ filters: 8, kernelSize: 5, impl, seed: 1 })
          : new PlainConv2D({ filters: 8, kernelSize: 5, impl, seed: 1 });
      layer.apply(x1);
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const ms = await timeIt(() => {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(
            () => tf.sum(tf.square(layer.apply(x1) as tf.Tensor)) as tf.Scalar,
            vars,
          );
          Object.values(grads).forEach((g) => g.dataSync());
        });
      }, reps);
      layerTimes[`${kind}/${impl}`] = ms;
      console.log(`  ${kind.padEnd(5)} ${impl.padEnd(6)} ${ms.toFixed(1).padStart(7)} ms`);
      layer.dispose();
    }
  }
  x1.dispose();
  for (const impl of ["conv", "matmul"]) {
    console.log(
      `  B-conv/conv (${impl}): ${(layerTimes[`bconv/${impl}`] / layerTimes[`conv/${impl}`]).toFixed(1)}× (theory 13 real responses per channel for the convolution itself)`,
    );
  }

  // 2. Whole networks of notebook 05.
  const bSpec = defaultBcnnSpec();
  const cSpec = matchedCnnSpec(bSpec);
  const theory = convMacs(bSpec) / convMacs(cSpec);
  console.log(
    `\nnetworks: B-CNN widths ${bSpec.widths} K ${bSpec.kernelSizes}; CNN widths ${cSpec.widths}`,
  );
  console.log(
    `conv MACs/image: B-CNN ${(convMacs(bSpec) / 1e6).toFixed(2)} M, CNN ${(convMacs(cSpec) / 1e6).toFixed(2)} M → theoretical ratio ${theory.toFixed(1)}×`,
  );
  for (const impl of ["conv", "matmul"] as ConvImpl[]) {
    const b = trainStep({ ...bSpec, impl });
    const c = trainStep({ ...cSpec, impl });
    const tb = await timeIt(b.step, reps);
    const tc = await timeIt(c.step, reps);
    console.log(
      `  ${impl.padEnd(6)} B-CNN ${tb.toFixed(0).padStart(5)} ms/step (${((BATCH * 1000) / tb).toFixed(0)} img/s, ${b.params} params) · ` +
        `CNN ${tc.toFixed(0).padStart(4)} ms/step (${((BATCH * 1000) / tc).toFixed(0)} img/s, ${c.params} params) · ratio ${(tb / tc).toFixed(1)}× (theory ${theory.toFixed(1)}×)`,
    );
    b.dispose();
    c.dispose();
  }

  // 3. Basis policies (conv path): the paper's basis vs the steerable one.
  const nb = notebook05Specs({ blur: 0.8 }); // notebook 05's glyph prefilter σ
  const variants: [string, NetSpec][] = [
    ["B-CNN paper basis", bSpec],
    ["B-CNN steerable, same widths", defaultBcnnSpec({ basis: "steerable", steerSigma: 0.8 })],
    ["B-CNN steerable, same params", nb.bcnnSteer],
    ["C4 CNN, same params", nb.c4],
  ];
  // Interleaved rounds (one step of each variant per round), so that a load change on a shared
  // machine hits every variant alike; the ratio to the paper basis is taken per round (CPU time
  // of this thread, which is less sensitive to other processes than wall time) and summarised
  // as median [min, max] over rounds.
  console.log(
    `\nbasis policies (conv path), ${reps} interleaved rounds after 2 warm-up steps each:`,
  );
  const built = variants.map(([name, spec]) => ({
    name,
    spec,
    t: trainStep(spec),
    wall: [] as number[],
    cpu: [] as number[],
  }));
  for (const b of built) for (let i = 0; i < 2; i++) b.t.step();
  for (let r = 0; r < reps; r++) {
    for (const b of built) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      b.t.step();
      b.wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      b.cpu.push((c.user + c.system) / 1000);
      await new Promise((res) => setImmediate(res));
    }
  }
  const ref = built[0];
  for (const b of built) {
    const ratios = b.cpu.map((v, i) => v / ref.cpu[i]);
    console.log(
      `  ${b.name.padEnd(30)} ${median(b.wall).toFixed(0).padStart(5)} ms/step wall · ${median(b.cpu).toFixed(0).padStart(5)} ms/step CPU · ` +
        `CPU ratio to paper basis ${median(ratios).toFixed(2)} [${Math.min(...ratios).toFixed(2)}, ${Math.max(...ratios).toFixed(2)}] · ` +
        `${b.t.params} params · ${(convMacs(b.spec) / 1e6).toFixed(2)} M conv MACs/image`,
    );
  }
  for (const b of built) b.t.dispose();
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  await bconvPaths(reps);
}

/**
 * 4. The B-conv compute paths (issue #14, session 5): filter bank + tf.conv2d ("bank", the old
 * default) vs the factorised basis-first paths, dense mixing ("basisDense") and mixing order by
 * order ("basis"), on notebook 05's three B-CNNs (paper basis, steerable σ = 0.8 px and σ = 1 px,
 * at 05's parameter-matched widths). Interleaved rounds (bank, basisDense, basis, bank, …); per
 * round the CPU-time ratio of each path to the bank (CPU time of this thread, less sensitive to
 * other processes than wall time); median [min, max] over rounds. Also run alone by
 * `BENCH_ONLY=bconv npm run bench -- bcnn`.
 */
export async function bconvPaths(reps: number): Promise<void> {
  const nb = notebook05Specs({ blur: 0.8 });
  const specs: [string, NetSpec][] = [
    ["paper", nb.bcnnPaper],
    ["steerable σ0.8", nb.bcnnSteer],
    ["steerable σ1", nb.bcnnSteer1],
  ];
  const paths = ["bank", "basisDense", "basis"] as const;
  console.log(`
B-conv paths (train step, batch ${BATCH}), ${reps} interleaved rounds after 2 warm-up steps; load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}:`);
  const cpu = (f: () => void) => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const fmt = (xs: number[]) =>
    `${median(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}, ${Math.max(...xs).toFixed(2)}]`;
  for (const [name, spec] of specs) {
    const runs = paths.map((bconv) => ({
      bconv,
      t: trainStep({ ...spec, bconv }),
      ms: [] as number[],
      macs: convMacs({ ...spec, bconv }),
    }));
    for (let i = 0; i < 2; i++) for (const r of runs) r.t.step();
    for (let k = 0; k < reps; k++) {
      for (const r of runs) r.ms.push(cpu(r.t.step));
      await new Promise((res) => setImmediate(res));
    }
    const [bank, dense, order] = runs;
    const ratio = (a: number[], b: number[]) => a.map((v, i) => v / b[i]);
    console.log(`  ${name} (widths ${spec.widths}):`);
    for (const r of runs) {
      console.log(
        `    ${r.bconv.padEnd(10)} ${median(r.ms).toFixed(0).padStart(5)} CPU-ms/step · ratio to bank ${fmt(ratio(r.ms, bank.ms))} · ` +
          `conv MACs/image ${(r.macs / 1e6).toFixed(2)} M (${(r.macs / bank.macs).toFixed(2)} of bank)`,
      );
    }
    console.log(`    basis/basisDense ${fmt(ratio(order.ms, dense.ms))}`);
    runs.forEach((r) => r.t.dispose());
  }
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
}
