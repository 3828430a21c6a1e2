/**
 * info benchmark: the von Mises sampler and CDF, and the Fano check on random joints.
 * Baselines measured in the same run: a standard normal draw (rng.normal) for the sampler,
 * one density evaluation (exp + cos with log I₀ from special) for the CDF series.
 */
import { rng } from "besselbook/tensor/rng";
import * as info from "besselbook/info";

function nsPer(fn: () => void, iters: number): number {
  fn(); // warm up
  const t = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) fn();
  return Number(process.hrtime.bigint() - t) / iters;
}

export async function run(): Promise<void> {
  const r = rng(1);
  const N = 200000;
  const normalNs = nsPer(() => r.normals(N), 5) / N;
  console.log(`baseline: rng.normal ${normalNs.toFixed(1)} ns/draw`);
  for (const kappa of [0.5, 4, 64, 1e4]) {
    const ns = nsPer(() => info.sampleVonMises(N, 0, kappa, r), 5) / N;
    console.log(
      `sampleVonMises κ=${kappa}: ${ns.toFixed(1)} ns/draw (${(ns / normalNs).toFixed(2)}× a normal draw)`,
    );
  }
  const pdfNs = nsPer(() => info.vonMisesPdf(0.3, 0, 4), 200000);
  console.log(`baseline: vonMisesPdf ${pdfNs.toFixed(0)} ns/eval`);
  for (const kappa of [0.5, 4, 64, 1e4]) {
    const setup = nsPer(() => info.vonMisesCdf(0, kappa), 200);
    const F = info.vonMisesCdf(0, kappa);
    const terms = info.vonMisesFourierCoefficients(kappa).length - 1;
    const evalNs = nsPer(() => F(0.3), 20000);
    console.log(
      `vonMisesCdf κ=${kappa}: ${terms} series terms, setup ${(setup / 1000).toFixed(1)} µs, ${evalNs.toFixed(0)} ns/eval (${(evalNs / pdfNs).toFixed(1)}× the density)`,
    );
  }
  const joints = Array.from({ length: 2000 }, () => info.randomJoint(8, 8, r, 0.5));
  let k = 0;
  const genUs = nsPer(() => info.randomJoint(8, 8, r, 0.5), 2000) / 1000;
  const fanoUs = nsPer(() => info.fanoCheck(joints[k++ % joints.length]), 2000) / 1000;
  console.log(
    `randomJoint 8×8: ${genUs.toFixed(1)} µs; fanoCheck 8×8: ${fanoUs.toFixed(1)} µs (${(fanoUs / genUs).toFixed(2)}× generating it)`,
  );
  const t = Date.now();
  info.circularMeanRisk(64, 4, { reps: 2000, seed: 1 });
  console.log(`circularMeanRisk n=64, κ=4, 2000 replicates: ${Date.now() - t} ms`);
}
