#!/usr/bin/env node
/**
 * Two checkouts of besselbook, the same workloads, alternating (ours; for a change that must leave
 * speed alone, e.g. issue #21's restructuring). Usage, from anywhere:
 *
 *   node scripts/bench-versions.cjs <checkout A> <checkout B> [rounds = 3]
 *
 * Each checkout must be built (`npm ci` / `npm run build`). Every round starts one fresh Node
 * process per checkout (order A, B, then B, A, …, so neither always runs first), each runs every
 * workload once as a warm-up and once timed, one thread, and reports process CPU seconds per
 * workload. Printed per workload: median CPU-s of A and B and the median [min–max] over rounds of
 * the per-round ratio B/A, with the load average before and after. The workloads are the
 * notebooks' own trainers at small sizes (as in `npm run bench -- trainers`): 03's contrastive
 * seed, 05's CNN and B-CNN seed (with its probes and equivariance metrics) and 07's frames and TFN
 * seeds. Both checkouts are loaded through lib/dist paths, so a version with and one without
 * lib's exports map both work.
 */
const { execFileSync } = require("node:child_process");
const os = require("node:os");
const path = require("node:path");

async function child(root) {
  const dist = (p) => require(path.join(root, "lib", "dist", p));
  const { init } = dist("tensor/backend");
  const { fashionGapSeed } = dist("contrastive/experiments");
  const { notebook05Configs, trainSeed } = dist("bcnn/experiment");
  const { moleculeSeed } = dist("frames/molecules");
  await init({ quiet: true });
  // angleStep (before session 7) and angleStepDeg (after) — each version reads its own key
  const nb05 = notebook05Configs({
    glyphTrain: 256, glyphEpochs: 1, glyphTest: 64, fashionTrain: 64, fashionEpochs: 1,
    fashionTest: 40, batch: 64, lr: 0.01, angleStep: 45, angleStepDeg: 45, nProbe: 4, nEq: 2,
    augment: false, dataSeed: 1, blur: 0.8,
  });
  const mol = (model) => ({
    molecule: "ethanol", trainFrom: 0, trainTo: 400, testFrom: 400, testTo: 450, nTrain: 40,
    cutoff: 4, epochs: 2, lr: 5e-3, decay: 0.9, batch: 10, vector: "forces", model,
  });
  const jobs = {
    "03 contrastive seed": () =>
      fashionGapSeed({ nTrain: 512, nTest: 256, steps: 60, d: 16, r: 6, shared: 3, phiDeg: 60,
        tau: 0.1, lr: 2e-3, batch: 64, hidden: 64, logEvery: 60 }, 0),
    "05 CNN seed": () => trainSeed(nb05["glyphs/cnn/upright"], 0),
    "05 B-CNN seed": () => trainSeed(nb05["glyphs/bcnnPaper/upright"], 0),
    "07 frames seed": () =>
      moleculeSeed(mol({ kind: "frames", message: "tensor", rep: "8x0e + 4x1o + 2x2e", hidden: 32,
        name: "f" }), 0),
    "07 TFN seed": () =>
      moleculeSeed(mol({ kind: "tfn", lmax: 2, channels: 8, hidden: 32, name: "t" }), 0),
  };
  const out = {};
  for (const [name, f] of Object.entries(jobs)) {
    await f();
    const c0 = process.cpuUsage();
    await f();
    const c = process.cpuUsage(c0);
    out[name] = (c.user + c.system) / 1e6;
  }
  process.stdout.write(JSON.stringify(out));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main() {
  const [a, b, r = "3"] = process.argv.slice(2);
  const rounds = Number(r);
  if (!a || !b || !Number.isInteger(rounds) || rounds < 1) {
    console.error("usage: node scripts/bench-versions.cjs <checkout A> <checkout B> [rounds ≥ 1]");
    process.exit(2);
  }
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
  const run = (root) => JSON.parse(execFileSync(process.execPath, [__filename, "--child", path.resolve(root)], { encoding: "utf8", maxBuffer: 1 << 24 }));
  console.log(`A = ${path.resolve(a)}\nB = ${path.resolve(b)}\n${rounds} rounds, load average ${load()}`);
  const A = [], B = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) { A.push(run(a)); B.push(run(b)); } else { B.push(run(b)); A.push(run(a)); }
    console.log(`round ${i + 1} done, load average ${load()}`);
  }
  for (const name of Object.keys(A[0])) {
    const ra = A.map((x) => x[name]), rb = B.map((x) => x[name]);
    const ratio = rb.map((v, i) => v / ra[i]);
    console.log(`${name.padEnd(22)} A ${median(ra).toFixed(2)} s  B ${median(rb).toFixed(2)} s  B/A ${median(ratio).toFixed(3)} [${Math.min(...ratio).toFixed(3)}–${Math.max(...ratio).toFixed(3)}]`);
  }
  console.log(`load average at the end ${load()}`);
}

if (process.argv[2] === "--child") child(process.argv[3]).catch((e) => { console.error(e); process.exit(1); });
else main();
