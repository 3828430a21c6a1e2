// CPU-seconds per phase of one notebook-05 run (trainSeed, seed 1, full-mode sizes), in one
// thread so that process.cpuUsage is the run's own CPU time. Usage (after npm run build):
//   node scripts/profile-bcnn05.cjs glyphs/bcnnPaper/upright glyphs/cnn/upright ...
// The first glyph config pays the rendering of every glyph set ("render" phase) unless the sets
// are already in the render cache (.besselbook/cache/renders); later configs reuse them.
const path = require("node:path");
const bb = require(path.join(__dirname, "..", "lib", "dist", "index.js"));
const ex = bb.bcnn;
(async () => {
  await bb.init({ quiet: true });
  ex.setPhaseClock(() => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; });
  const P = { glyphTrain: 800, glyphEpochs: 6, glyphTest: 1000, fashionTrain: 1000, fashionEpochs: 3,
    fashionTest: 2000, batch: 64, lr: 0.01, angleStep: 15, nProbe: 40, nEq: 8, augment: true,
    blur: 0.8, dataSeed: 2021, minTrainAcc: 0.95, maxGlyphEpochs: 12, supersample: 16, probeExtra: [1,3,7] };
  const cfgs = ex.notebook05Configs(P);
  const which = process.argv.slice(2);
  for (const k of which) {
    const c0 = process.cpuUsage();
    const r = await ex.trainSeed(cfgs[k], 1);
    const c = process.cpuUsage(c0);
    console.log(k, "total CPU-s", ((c.user + c.system) / 1e6).toFixed(1), "epochs", r.epochsUsed,
      "phases", ex.PHASES.map((p, i) => `${p}=${r.phaseSeconds[i].toFixed(1)}`).join(" "), "acc", r.acc.map(v=>v.toFixed(3)).join(","));
  }
})();
