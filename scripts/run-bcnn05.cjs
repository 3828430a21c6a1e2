// Notebook 05's 36 training runs (39 with RENDERED_CONTROL=1: + the rendered-augmentation arm of session 6,
// the notebook's -p renderedControl=true), outside the notebook: the same configurations, seed lists and
// worker count as its experiment cell (full mode), through bcnn.runExperiments, so that the runs
// land in the run cache (.besselbook/cache/runs) and the notebook then loads them. Used in
// session 5 to start the runs while the notebook's claims were being written (they were committed
// before this script finished; see 05 §6). Usage (after npm run build):
//   /usr/bin/time -v nice -n 5 node scripts/run-bcnn05.cjs
const path = require("node:path");
const bb = require(path.join(__dirname, "..", "lib", "dist", "index.js"));
(async () => {
  await bb.init({ quiet: true });
  const SEED = 2021;
  // notebook 05's parameters cell, full mode
  const P = { glyphTrain: 800, glyphEpochs: 6, glyphTest: 500, fashionTrain: 1000, fashionEpochs: 3,
    fashionTest: 2000, batch: 64, lr: 0.01, angleStepDeg: 15, nProbe: 40, nEq: 8, augment: true,
    blur: 0.8, dataSeed: SEED, nSeeds: 3, nSeedsBcnn: 5, workers: 2, minTrainAcc: 0.95,
    maxGlyphEpochs: 12, supersample: 16, renderedControl: process.env.RENDERED_CONTROL === "1" };
  const seeds = Array.from({ length: P.nSeeds }, (_, i) => i);
  const seedsB = Array.from({ length: P.nSeedsBcnn }, (_, i) => i);
  const bArms = ["glyphs/bcnnPaper/upright", "glyphs/bcnnSteer/upright", "glyphs/bcnnSteer1/upright"];
  const configs = bb.bcnn.notebook05Configs({ ...P, probeExtraDeg: [1, 3, 7] });
  const seedLists = Object.fromEntries(Object.keys(configs).map((k) => [k, bArms.includes(k) ? seedsB : seeds]));
  const c0 = process.cpuUsage();
  const ex = await bb.bcnn.runExperiments(configs, seedLists, { workers: P.workers });
  const c = process.cpuUsage(c0);
  // only counts and costs are printed here, no results
  console.log(`${ex.loaded} runs loaded, ${ex.ran} run; ${ex.seconds.toFixed(0)} s wall, ` +
    `${ex.renderSeconds.toFixed(0)} s of it rendering; process CPU ${((c.user + c.system) / 1e6).toFixed(1)} s`);
})();
