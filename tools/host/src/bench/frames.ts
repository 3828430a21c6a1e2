/**
 * `npm run bench -- frames`: forward+backward time of ONE message-passing layer — local frames
 * with tensorial messages (irreps transported by Wigner-D of L_iL_jᵀ, then an MLP) vs a tensor
 * field network layer (Clebsch–Gordan paths) — at ℓ_max = 1 and 2, on kNN graphs (k = 10) of
 * 1,000 and 10,000 edges. Both models include their frame prediction / embedding and heads, so
 * what is timed is a full training step of a one-layer model; the TFN is the baseline and the
 * ratio TFN / frames is printed (> 1: frames faster).
 *
 * Feature sizes: frames "16x0e + 8x1o (+ 4x2e)" with hidden 64; TFN 16 channels per ℓ, radial
 * MLP hidden 64 (so the frames layer has MORE parameters: its message MLP reads [h_i, ρh_j, rbf,
 * local edge]). Env: BESSELBOOK_BENCH_STEPS (timed steps, default 7), BESSELBOOK_BACKEND.
 *
 * Second table (issue 15): the SAME TFN (two layers, 8 channels) in the global frame and in local
 * frames (TFN frame "local": equal parameters, same function), one energy + conservative-force
 * training step on 10 ethanol configurations, ℓmax 1–3, interleaved rounds; ratio local / global.
 */
import { init } from "besselbook/tensor/backend";
import { FramesNet, Model, TFN } from "besselbook/frames/models";
import { makeBatch } from "besselbook/frames/batch";
import { randomCloud, targets } from "besselbook/frames/data";
import { timeStep } from "besselbook/frames/train";
import { Rng } from "besselbook/tensor/rng";
import { batches } from "besselbook/frames/train";
import { moleculeDataset } from "besselbook/frames/molecules";
import { timeInterleaved } from "besselbook/frames/potential";

export async function run(): Promise<void> {
  const backend = await init({ quiet: true });
  const steps = Number(process.env.BESSELBOOK_BENCH_STEPS ?? 7);
  console.log(
    `backend ${backend}; one layer, forward+backward, median of ${steps} steps after 3 warm-up steps`,
  );
  const k = 10,
    cutoff = 2.5;
  const rows: string[][] = [["edges", "ℓmax", "frames ms", "TFN ms", "TFN / frames"]];
  {
    // Throwaway pass: the first tfjs-wasm step pays one-off kernel setup, which would land on
    // whichever model is timed first.
    const c = randomCloud(new Rng(7), { n: 50 });
    const b = makeBatch([c], { cutoff, knn: k, nRbf: 8 }, [targets(c, { cutoff })]);
    for (const m of [
      new FramesNet({ message: "tensor", rep: "16x0e + 8x1o + 4x2e", layers: 1, hidden: 64 }),
      new TFN({ lmax: 2, channels: 16, layers: 1, hidden: 64 }),
    ]) {
      timeStep(m, b, { energy: 1, forces: 1, tensor: 1 }, { reps: 1, warmup: 1 });
      m.dispose();
    }
    b.dispose();
  }
  for (const nodes of [100, 1000]) {
    const cloud = randomCloud(new Rng(nodes), { n: nodes });
    const t = targets(cloud, { cutoff });
    const b = makeBatch([cloud], { cutoff, knn: k, nRbf: 8 }, [t]);
    const s = { energy: 1, forces: 1, tensor: 1 };
    for (const lmax of [1, 2] as const) {
      const fr: Model = new FramesNet({
        message: "tensor",
        rep: lmax === 1 ? "16x0e + 8x1o" : "16x0e + 8x1o + 4x2e",
        layers: 1,
        hidden: 64,
        seed: 1,
      });
      const tfn: Model = new TFN({ lmax, channels: 16, layers: 1, hidden: 64, seed: 1 });
      // Interleave so both see the same machine load.
      const a = timeStep(fr, b, s, { reps: steps, warmup: 3 });
      const c = timeStep(tfn, b, s, { reps: steps, warmup: 3 });
      rows.push([String(b.E), String(lmax), a.toFixed(1), c.toFixed(1), (c / a).toFixed(2)]);
      console.log(
        `  ${b.E} edges, ℓmax ${lmax}: frames ${a.toFixed(1)} ms (${fr.countParams()} params), TFN ${c.toFixed(1)} ms (${tfn.countParams()} params), TFN/frames ${(c / a).toFixed(2)}×`,
      );
      fr.dispose();
      tfn.dispose();
    }
    b.dispose();
  }
  const w = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  console.log(rows.map((r) => r.map((x, j) => x.padStart(w[j])).join("  ")).join("\n"));
  const ds = moleculeDataset(
    "ethanol",
    Array.from({ length: 10 }, (_, k) => 400 + 20 * k),
    { cutoff: 4 },
  );
  const mb = batches(ds, 10, { cutoff: 4, nRbf: 24, nTypes: 3 })[0];
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  console.log(
    `same TFN, global vs local frames, energy + force step, ${mb.E} edges, ${steps} interleaved rounds:`,
  );
  for (const lmax of [1, 2, 3] as const) {
    const ms = [
      new TFN({ lmax, channels: 8, hidden: 32, nRbf: 24, nTypes: 3, seed: 2 }),
      new TFN({ lmax, channels: 8, hidden: 32, nRbf: 24, nTypes: 3, seed: 2, frame: "local" }),
    ];
    const t = timeInterleaved(
      ms,
      mb,
      { energy: 1, forces: 1 },
      { energy: 1, forces: 1 },
      { rounds: steps, warmup: 1 },
    );
    console.log(
      `  ℓmax ${lmax}: global ${med(t[0]).toFixed(1)} ms, local ${med(t[1]).toFixed(1)} ms (${ms[0].countParams()} params each), local/global median ${med(t[1].map((x, r) => x / t[0][r])).toFixed(2)}`,
    );
    ms.forEach((m) => m.dispose());
  }
  mb.dispose();
}
