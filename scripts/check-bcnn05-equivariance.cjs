// Notebook 05's saved equivariance numbers, recomputed for seed 0 of three configurations (a
// B-CNN, the C4 CNN with its cycled field, the plain CNN on Fashion-MNIST) at the notebook's
// full-mode parameters, without the run cache, and compared value for value (===) with
// results/05_bessel_cnn.json. Used in session 7 to show that moving the metrics onto the
// equivariance toolkit changed no saved number. Usage (after npm run build):
//   /usr/bin/time -v nice -n 5 node scripts/check-bcnn05-equivariance.cjs
const path = require("node:path");
const fs = require("node:fs");
const bb = require(path.join(__dirname, "..", "lib", "dist", "index.js"));
(async () => {
  await bb.init({ quiet: true });
  // notebook 05's parameters cell, full mode (as scripts/run-bcnn05.cjs)
  const P = { glyphTrain: 800, glyphEpochs: 6, glyphTest: 500, fashionTrain: 1000, fashionEpochs: 3,
    fashionTest: 2000, batch: 64, lr: 0.01, angleStepDeg: 15, nProbe: 40, nEq: 8, augment: true,
    blur: 0.8, dataSeed: 2021, nSeeds: 3, nSeedsBcnn: 5, workers: 2, minTrainAcc: 0.95,
    maxGlyphEpochs: 12, supersample: 16, renderedControl: false };
  const all = bb.bcnn.notebook05Configs({ ...P, probeExtraDeg: [1, 3, 7] });
  const names = ["glyphs/bcnnSteer/upright", "glyphs/c4/upright", "fashion/cnn/upright"];
  const configs = Object.fromEntries(names.map((n) => [n, all[n]]));
  const saved = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "results", "05_bessel_cnn.json"), "utf8")).metrics.runs;
  const c0 = process.cpuUsage();
  const ex = await bb.bcnn.runExperiments(configs, [0], { workers: P.workers, cache: false });
  const c = process.cpuUsage(c0);
  let values = 0, same = 0;
  for (const n of names) {
    for (const key of ["eqOurs", "eqPaper", "eq90Ours", "eq90Paper", "eqExcluded"]) {
      const want = saved[n].series[key][0], got = ex.runs[n].series[key][0];
      const ok = want.length === got.length && want.every((v, i) => Object.is(v, got[i]));
      values += want.length; same += ok ? want.length : want.filter((v, i) => Object.is(v, got[i])).length;
      console.log(`${ok ? "same" : "DIFFERS"}  ${n} ${key} seed 0: saved ${JSON.stringify(want)} now ${JSON.stringify(got)}`);
    }
  }
  console.log(`${same}/${values} values bit-identical; ${ex.ran} runs, ${ex.seconds.toFixed(0)} s wall, process CPU ${((c.user + c.system) / 1e6).toFixed(1)} s`);
})();
