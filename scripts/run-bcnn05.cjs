// Notebook 05's 36 training runs (39 with RENDERED_CONTROL=1: + the rendered-augmentation arm of session 6,
// the notebook's -p renderedControl=true), outside the notebook: the same parameters (read from the
// notebook's parameters cell, full mode), configurations, seed lists and worker count as its
// experiment cell, through bcnn.notebook05Plan and bcnn.runExperiments, so that the runs land in the
// run cache (.besselbook/cache/runs) and the notebook then loads them. Used in session 5 to start
// the runs while the notebook's claims were being written (they were committed before this script
// finished; see 05 §6). Usage (after npm run build):
//   /usr/bin/time -v nice -n 5 node scripts/run-bcnn05.cjs
const path = require("node:path");
const bb = require(path.join(__dirname, "..", "lib", "dist", "index.js"));
const { notebookParams } = require("./notebook-params.cjs");
(async () => {
  await bb.init({ quiet: true });
  const P = notebookParams(path.join(__dirname, "..", "notebooks", "05_bessel_cnn.ipynb"), "full");
  P.renderedControl = process.env.RENDERED_CONTROL === "1";
  const { configs, seedLists } = bb.bcnn.notebook05Plan(P);
  const c0 = process.cpuUsage();
  const ex = await bb.bcnn.runExperiments(configs, seedLists, { workers: P.workers });
  const c = process.cpuUsage(c0);
  // only counts and costs are printed here, no results
  console.log(`${ex.loaded} runs loaded, ${ex.ran} run; ${ex.seconds.toFixed(0)} s wall, ` +
    `${ex.renderSeconds.toFixed(0)} s of it rendering; process CPU ${((c.user + c.system) / 1e6).toFixed(1)} s`);
})();
