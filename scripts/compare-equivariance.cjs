// Old vs new equivariance measurements, value for value (issue #21 deliverable 2: the toolkit
// must change no number). Runs every metric the notebooks call through two builds of the library
// on the same inputs and the same model objects and prints, per metric, how many values are
// bit-identical (===) and the largest relative change of the others.
//
//   git archive <old commit> lib tsconfig.json package.json | tar -x -C /tmp/old
//   ln -s "$PWD/node_modules" /tmp/old/node_modules
//   (cd /tmp/old/lib && node ../node_modules/typescript/bin/tsc -p tsconfig.json)
//   node scripts/compare-equivariance.cjs /tmp/old/lib/dist lib/dist
//
// Both builds resolve tfjs from this checkout's node_modules, so they share one backend and the
// models built once are measured by both. Models are untrained (seeded random init): the metrics'
// arithmetic does not depend on how the weights were obtained. Inputs are the notebooks' own:
// rendered glyphs at 05's settings (nEq = 8, blur 0.8, supersample 16, dataSeed 2021 + 9),
// the first 8 Fashion-MNIST test images, the molecules of notebook 06 and synthetic clouds.
"use strict";
const path = require("node:path");
const [oldDir, newDir] = process.argv.slice(2).map((p) => path.resolve(p));
if (!oldDir || !newDir) throw new Error("usage: node scripts/compare-equivariance.cjs OLD_DIST NEW_DIST");
const O = require(oldDir);
const N = require(newDir);
const tf = N.tf;

const rows = [];
function compare(what, a, b) {
  const xs = [a].flat(Infinity), ys = [b].flat(Infinity);
  if (xs.length !== ys.length) throw new Error(`${what}: ${xs.length} vs ${ys.length} values`);
  let same = 0, worst = 0;
  xs.forEach((x, i) => {
    const y = ys[i];
    if (Object.is(x, y)) same++;
    else worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)));
  });
  rows.push({ what, values: xs.length, identical: same, maxRelChange: worst });
}
const flatReport = (r) => [r.errors, r.mean, r.excluded ?? 0];

async function main() {
  await N.init();
  console.log(`backend ${tf.getBackend()}`);
  // --- bcnn: the 05 models (untrained) on glyphs rendered as 05 renders them
  const specs = N.bcnn.notebook05Specs({ blur: 0.8 });
  const nEq = 8, seedEq = 2021 + 9, ss = 16;
  const g0 = N.bcnn.glyphSetAt(nEq, 0, seedEq, 0, 0.8, ss);
  const x = tf.tensor4d(g0.images.subarray(0, nEq * g0.height * g0.width), [nEq, g0.height, g0.width, 1]);
  const render = (deg) => { const g = N.bcnn.glyphSetAt(nEq, deg, seedEq, 0, 0.8, ss); return tf.tensor4d(g.images, [nEq, g.height, g.width, 1]); };
  for (const [name, spec] of Object.entries(specs)) {
    const model = N.bcnn.buildNet(spec);
    for (const layer of ["relu1", "relu3"]) {
      const fm = N.bcnn.featureModel(model, layer);
      const f = (t) => fm.predict(t);
      for (const [label, opts] of [["rendered", { c4Field: spec.kind === "c4", rotatedInput: render }], ["bicubic", { c4Field: spec.kind === "c4" }]]) {
        for (const angles of [[15, 30, 45, 60, 75], [90]]) {
          const tag = `${name} ${layer} ${label} ${angles.join(",")}`;
          compare(`bcnn.equivarianceError ${tag}`, flatReport(O.bcnn.equivarianceError(f, x, angles, opts)), flatReport(N.bcnn.equivarianceError(f, x, angles, opts)));
          compare(`bcnn.paperEquivarianceError ${tag}`, flatReport(O.bcnn.paperEquivarianceError(f, x, angles, opts)), flatReport(N.bcnn.paperEquivarianceError(f, x, angles, opts)));
        }
      }
    }
    const logits = (t) => model.predict(t);
    compare(`bcnn.rot90Error ${name} logits`, O.bcnn.rot90Error(logits, x), N.bcnn.rot90Error(logits, x));
    const f1 = N.bcnn.featureModel(model, "relu1");
    compare(`bcnn.rot90Error ${name} relu1`, O.bcnn.rot90Error((t) => f1.predict(t), x), N.bcnn.rot90Error((t) => f1.predict(t), x));
    compare(`bcnn.invarianceError ${name} logits (float32 tf.norm → float64)`, flatReport(O.bcnn.invarianceError(logits, x, [15, 45, 90], { rotatedInput: render })), flatReport(N.bcnn.invarianceError(logits, x, [15, 45, 90], { rotatedInput: render })));
    const a = model.predict(x), b = model.predict(N.bcnn.rot90(x, 1));
    compare(`bcnn.maxRelDiff ${name}`, O.bcnn.maxRelDiff(b, a), N.bcnn.maxRelDiff(b, a));
    tf.dispose([a, b]);
  }
  compare("bcnn.equivarianceFloor (05)", JSON.parse(JSON.stringify(Object.values(O.bcnn.equivarianceFloor({ nEq, dataSeed: 2021, blur: 0.8, supersample: ss })).map(Object.values))), Object.values(N.bcnn.equivarianceFloor({ nEq, dataSeed: 2021, blur: 0.8, supersample: ss })).map(Object.values));
  // 04: a B-conv layer's per-order metric on Fashion-MNIST images
  const fm = N.data.loadFashionMnist({ split: "test" });
  const img = tf.tensor4d(fm.images.subarray(0, 8 * 784), [8, 28, 28, 1]);
  const layer = new N.bcnn.BesselConv2D({ filters: 4, kernelSize: 5, seed: 3 });
  const angles = [15, 30, 45, 60, 75, 90];
  compare("bcnn.orderEquivariance (04-style layer)", O.bcnn.orderEquivariance(layer, img, angles).map((r) => [r.errors, r.mean, r.max, r.energyShare]), N.bcnn.orderEquivariance(layer, img, angles).map((r) => [r.errors, r.mean, r.max, r.energyShare]));
  const lf = (t) => layer.apply(t);
  compare("bcnn.equivarianceError (04-style layer)", flatReport(O.bcnn.equivarianceError(lf, img, angles)), flatReport(N.bcnn.equivarianceError(lf, img, angles)));
  compare("bcnn.rot90Error (04-style layer)", O.bcnn.rot90Error(lf, img), N.bcnn.rot90Error(lf, img));
  // --- frames: models of 06/07 (untrained) on molecules and synthetic clouds
  const F = N.frames;
  // the ideal molecules of 06 with two species (the models' default nTypes = 2): types mod 2
  const mols = ["co2", "methane", "benzene"].map((m) => F.idealMolecule(m)).map((c) => ({ pos: c.pos, types: c.types.map((t) => t % 2) }));
  const d = F.makeDataset(3, 4, { n: 9 }, { cutoff: 2.5 });
  const clouds = [...mols, ...d.clouds];
  const bo = { cutoff: 2.5 };
  const models = {
    "frames tensor": new F.FramesNet({ message: "tensor", rep: "4x0e + 2x1o + 2x2e", hidden: 16, seed: 2 }),
    "frames tensor, ambiguity ignored": new F.FramesNet({ message: "tensor", rep: "4x0e + 2x1o + 2x2e", hidden: 16, seed: 2, ambiguity: "ignore" }),
    "frames scalar": new F.FramesNet({ message: "scalar", rep: "4x0e + 2x1o", hidden: 16, seed: 1 }),
    "plain GNN": new F.FramesNet({ message: "none", rep: "4x0e + 2x1o", hidden: 16 }),
    "TFN lmax 2": new F.TFN({ lmax: 2, channels: 4, hidden: 8 }),
  };
  for (const seed of [0, 1, 2]) {
    const Qs = F.randomO3(1, 1, 500 + seed);
    for (const [name, m] of Object.entries(models)) {
      const ho = O.frames.equivarianceErrors(m, clouds, Qs, bo), hn = N.frames.equivarianceErrors(m, clouds, Qs, bo);
      compare(`frames.equivarianceErrors ${name} seed ${seed}`, [ho.energy, ho.forces, ho.tensor], [hn.energy, hn.forces, hn.tensor]);
      const checkArgs = (lib) => ({ what: `${name} forces`, f: lib.frames.predict(m, "forces", bo), inputs: clouds, g: lib.frames.o3Actions("forces", Qs, { translate: 0.7 }), tol: 1e9 });
      compare(`check.equivariant ${name} forces seed ${seed}`, O.check.equivariant(checkArgs(O)), N.check.equivariant(checkArgs(N)));
      const invArgs = (lib) => ({ what: `${name} energy`, f: lib.frames.predict(m, "energy", bo), inputs: clouds, g: Qs.map((Q) => (c) => lib.frames.transformCloud(c, Q, [0.3, 0.1, -0.2])), tol: 1e9 });
      compare(`check.invariant ${name} energy seed ${seed}`, O.check.invariant(invArgs(O)), N.check.invariant(invArgs(N)));
    }
  }
  const rng = new N.Rng(7);
  for (const c of clouds) {
    const g = F.radiusGraph(c.pos, 2.5);
    const Qs = [N.linalg.randomRotation(rng, false), N.linalg.randomRotation(rng, true)];
    for (const Q of Qs) for (const signRule of [true, false]) {
      compare(`frames.frameEquivarianceError signRule=${signRule}`, O.frames.frameEquivarianceError(c.pos, g, Q, [0.5, -1, 2], { signRule }), N.frames.frameEquivarianceError(c.pos, g, Q, [0.5, -1, 2], { signRule }));
    }
  }
  // merge rows of the same metric name prefix for the summary
  const by = new Map();
  for (const r of rows) {
    const key = r.what.split(" ")[0] + (r.what.includes("float32") ? " (invariance)" : "");
    const s = by.get(key) ?? { calls: 0, values: 0, identical: 0, maxRelChange: 0 };
    s.calls++; s.values += r.values; s.identical += r.identical; s.maxRelChange = Math.max(s.maxRelChange, r.maxRelChange);
    by.set(key, s);
  }
  for (const [k, s] of by) console.log(`${k.padEnd(36)} ${String(s.calls).padStart(4)} calls ${String(s.values).padStart(5)} values  identical ${s.identical}/${s.values}  max rel change ${s.maxRelChange.toExponential(2)}`);
  const diff = rows.filter((r) => r.identical !== r.values);
  for (const r of diff) console.log(`  differs: ${r.what}: ${r.values - r.identical} values, max rel change ${r.maxRelChange.toExponential(2)}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
