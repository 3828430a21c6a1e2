/**
 * bcnn.notebook05Plan (lib/src/bcnn/notebook05.ts) and scripts/notebook-params.cjs: notebook 05's
 * experiment plan has one home, and the scripts that repeat its runs read the notebook's own
 * parameters instead of a copy (the profile script's copy had drifted: glyphTest 1000 vs 500).
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { bcnn, DomainError } from "besselbook";

const ROOT = path.resolve(__dirname, "..", "..");
const NB05 = path.join(ROOT, "notebooks", "05_bessel_cnn.ipynb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { notebookParams } = require(path.join(ROOT, "scripts", "notebook-params.cjs")) as {
  notebookParams: (p: string, mode?: string) => bcnn.Notebook05PlanParams & { workers: number };
};

describe("bcnn: notebook05Plan and the notebook's parameters", () => {
  it("reads notebook 05's parameters cell: full defaults, smoke overrides, SEED in scope", () => {
    const full = notebookParams(NB05, "full");
    const smoke = notebookParams(NB05, "smoke");
    assert.equal(full.dataSeed, 2021); // `dataSeed: SEED`, SEED defined in the cell before
    assert.equal(full.glyphTest, 500);
    assert.equal(full.nSeedsBcnn, 5);
    assert.equal(full.nSeeds, 3);
    assert.equal(smoke.nSeedsBcnn, 3);
    assert.equal(smoke.glyphTrain, 64);
    assert.equal(smoke.blur, full.blur); // not overridden in smoke
    assert.throws(() => notebookParams(NB05, "fast"), /mode/);
  });

  it("gives the three upright glyph B-CNN arms nSeedsBcnn seeds and every other configuration nSeeds", () => {
    const plan = bcnn.notebook05Plan(notebookParams(NB05, "full"));
    assert.deepEqual(plan.seeds, [0, 1, 2]);
    assert.deepEqual(plan.seedsBcnn, [0, 1, 2, 3, 4]);
    assert.deepEqual(Object.keys(plan.seedLists), Object.keys(plan.configs));
    for (const [k, s] of Object.entries(plan.seedLists)) {
      assert.deepEqual(s, bcnn.NOTEBOOK05_BCNN_ARMS.includes(k) ? [0, 1, 2, 3, 4] : [0, 1, 2], k);
      assert.deepEqual(plan.seedsOf(k), s);
    }
    for (const k of bcnn.NOTEBOOK05_BCNN_ARMS) assert.ok(k in plan.configs, k);
    // 3 arms × 5 + 7 configurations × 3 = 36 runs (notebook 05 §2, Budget)
    assert.equal(
      Object.values(plan.seedLists).reduce((s, l) => s + l.length, 0),
      36,
    );
  });

  it("adds the probe's small angles 1°, 3°, 7° unless P.probeExtraDeg says otherwise", () => {
    const P = notebookParams(NB05, "full");
    const dflt = bcnn.notebook05Plan(P).configs["glyphs/cnn/upright"].probeAnglesDeg;
    assert.deepEqual(dflt, [0, 1, 3, 7, 15, 30, 45, 60, 75, 90]);
    const own = bcnn.notebook05Plan({ ...P, probeExtraDeg: [2] }).configs["glyphs/cnn/upright"]
      .probeAnglesDeg;
    assert.deepEqual(own, [0, 2, 15, 30, 45, 60, 75, 90]);
    assert.deepEqual(
      bcnn.notebook05Plan(P).configs,
      bcnn.notebook05Configs({ ...P, probeExtraDeg: [1, 3, 7] }),
    );
  });

  it("refuses bad seed counts with a DomainError naming them", () => {
    const P = notebookParams(NB05, "full");
    assert.throws(
      () => bcnn.notebook05Plan({ ...P, nSeeds: 0 }),
      (e: Error) => e instanceof DomainError && /P\.nSeeds/.test(e.message),
    );
    assert.throws(
      () => bcnn.notebook05Plan({ ...P, nSeedsBcnn: 2.5 }),
      (e: Error) => e instanceof DomainError && /P\.nSeedsBcnn/.test(e.message),
    );
    assert.throws(() => bcnn.notebook05Plan(null as never), DomainError);
  });
});
