// CPU-seconds per phase of one notebook-05 run (trainSeed, seed 101, full-mode sizes), in one
// thread so that process.cpuUsage is the run's own CPU time. Usage (after npm run build):
//   node scripts/profile-bcnn05.cjs glyphs/bcnnPaper/upright glyphs/cnn/upright ...
// Optional environment overrides (session 5, to choose a B-conv path and a test-set size before
// the run): BCONV=bank|basis|basisDense sets spec.bconv of every B-CNN config profiled;
// GLYPH_TEST=n sets the number of test glyphs per angle (default: notebook 05's full mode).
// The first glyph config pays the rendering of every glyph set ("render" phase) unless the sets
// are already in the render cache (.besselbook/cache/renders); later configs reuse them.
const path = require("node:path");
const bb = require(path.join(__dirname, "..", "lib", "dist", "index.js"));
const ex = bb.bcnn;
const { notebookParams } = require("./notebook-params.cjs");
// A seed outside notebook 05's evidence (its seeds are 0–4): runs are deterministic in
// (config, seed), so profiling with an evidence seed would show part of the evidence early
// (review s4-14, finding 2; the previous version profiled with seed 1).
const PROFILE_SEED = 101;
(async () => {
  await bb.init({ quiet: true });
  ex.setPhaseClock(() => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; });
  // notebook 05's parameters cell, full mode (glyphTest 500 unless GLYPH_TEST says otherwise; this
  // script's own copy of the parameters had drifted to 1000 before session 7)
  const P = notebookParams(path.join(__dirname, "..", "notebooks", "05_bessel_cnn.ipynb"), "full");
  if (process.env.GLYPH_TEST) P.glyphTest = Number(process.env.GLYPH_TEST);
  const cfgs = ex.notebook05Plan(P).configs;
  const bconv = process.env.BCONV;
  if (bconv) for (const c of Object.values(cfgs)) if (c.spec.kind === "bcnn") c.spec = { ...c.spec, bconv };
  const which = process.argv.slice(2);
  for (const k of which) {
    const c0 = process.cpuUsage();
    const r = await ex.trainSeed(cfgs[k], PROFILE_SEED);
    const c = process.cpuUsage(c0);
    console.log(k, bconv ? `bconv=${bconv}` : "", `glyphTest=${P.glyphTest}`, "total CPU-s", ((c.user + c.system) / 1e6).toFixed(1), "epochs", r.epochsUsed,
      "phases", ex.PHASES.map((p, i) => `${p}=${r.phaseSeconds[i].toFixed(1)}`).join(" "), "acc", r.acc.map(v=>v.toFixed(3)).join(","));
  }
})();
