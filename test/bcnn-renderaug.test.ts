// Issue #14, session 6: augmentation by rendered rotations (glyphDataset's angleSeed, the
// rendered pool of notebook 05's "augRendered" arm, trainClassifier's augment "pool") — what it
// renders, that it trains on the pool, and that bad input is refused with a typed error.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bcnn, data, DomainError, ShapeError, init } from "besselbook";

describe("bcnn rendered augmentation (session 6)", function () {
  this.timeout(300000);
  let dir: string;
  let prev: string | undefined;
  before(async () => {
    await init({ quiet: true });
    prev = process.env.BESSELBOOK_CACHE;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-renderaug-"));
    process.env.BESSELBOOK_CACHE = dir;
  });
  after(() => {
    if (prev === undefined) delete process.env.BESSELBOOK_CACHE;
    else process.env.BESSELBOOK_CACHE = prev;
    fs.rmSync(dir, { recursive: true, force: true });
    bcnn.clearRenderMemo();
  });

  it("angleSeed: the same glyphs as the upright set, each rendered at its own random angle", () => {
    const up = data.glyphDataset({ n: 30, seed: 7, supersample: 4 });
    const rot = data.glyphDataset({
      n: 30,
      seed: 7,
      supersample: 4,
      angles: "random",
      angleSeed: 11,
    });
    assert.deepEqual(rot.labels, up.labels);
    assert.deepEqual(rot.scales, up.scales);
    assert.deepEqual(rot.centers, up.centers);
    const a = Array.from(rot.angles);
    assert.ok(
      a.every((x) => x >= 0 && x < 2 * Math.PI),
      "angles in [0, 2π)",
    );
    assert.ok(new Set(a).size === 30, "one angle per glyph");
    // each image is that glyph rendered at its angle (not another glyph, not a bilinear turn)
    const P = 28 * 28;
    for (const i of [0, 13, 29]) {
      const want = data.renderGlyph(up.classNames[up.labels[i]] as data.GlyphShape, {
        size: 28,
        angle: a[i],
        scale: up.scales[i],
        center: [up.centers[2 * i], up.centers[2 * i + 1]],
        supersample: 4,
      });
      assert.deepEqual(rot.images.subarray(i * P, (i + 1) * P), want);
    }
    // another angle seed: other angles; without angleSeed "random" draws other glyphs
    const rot2 = data.glyphDataset({
      n: 30,
      seed: 7,
      supersample: 4,
      angles: "random",
      angleSeed: 12,
    });
    assert.notDeepEqual(Array.from(rot2.angles), a);
    const plain = data.glyphDataset({ n: 30, seed: 7, supersample: 4, angles: "random" });
    assert.notDeepEqual(plain.scales, up.scales);
  });

  it('angleSeed: refused unless an integer with angles "random"', () => {
    // 2^32 and 2^60 would alias 0 (rng folds seeds to 32 bits); −1 likewise aliases 2^32 − 1
    for (const bad of [1.5, NaN, Infinity, -1, 2 ** 32, 2 ** 60])
      assert.throws(
        () => data.glyphDataset({ n: 2, seed: 1, angles: "random", angleSeed: bad }),
        (e: unknown) => e instanceof DomainError && /angleSeed/.test((e as Error).message),
      );
    assert.throws(
      () => data.glyphDataset({ n: 2, seed: 1, angleSeed: 3 }),
      (e: unknown) => e instanceof DomainError && /angleSeed/.test((e as Error).message),
    );
    // the range's ends are accepted
    for (const ok of [0, 2 ** 32 - 1])
      assert.equal(data.glyphDataset({ n: 2, seed: 1, angles: "random", angleSeed: ok }).n, 2);
  });

  it("notebook05Configs: the augRendered arm is the bilinear σ = 0.8 px arm plus a pool of maxGlyphEpochs rendered copies", () => {
    const P = {
      glyphTrain: 8,
      glyphEpochs: 1,
      glyphTest: 4,
      fashionTrain: 8,
      fashionEpochs: 1,
      fashionTest: 4,
      batch: 4,
      lr: 0.01,
      angleStepDeg: 45,
      nProbe: 2,
      nEq: 2,
      augment: true,
      blur: 0.8,
      dataSeed: 1,
      supersample: 2,
      maxGlyphEpochs: 3,
      minTrainAcc: 0.9,
    };
    const c = bcnn.notebook05Configs({ ...P, renderedControl: true });
    // opt-in since session 6 (outside notebook 05's budgeted run): absent by default and with false
    assert.equal(bcnn.notebook05Configs(P)["glyphs/bcnnSteer/augRendered"], undefined);
    assert.equal(
      bcnn.notebook05Configs({ ...P, renderedControl: false })["glyphs/bcnnSteer/augRendered"],
      undefined,
    );
    assert.deepEqual(
      Object.keys(bcnn.notebook05Configs(P)),
      Object.keys(c).filter((k) => !k.endsWith("/augRendered")),
    );
    for (const bad of [1, "true", null]) {
      assert.throws(
        () => bcnn.notebook05Configs({ ...P, renderedControl: bad as unknown as boolean }),
        (e: unknown) => e instanceof DomainError && /renderedControl/.test((e as Error).message),
      );
    }
    const { renderedAugment, ...rest } = c["glyphs/bcnnSteer/augRendered"];
    assert.equal(renderedAugment, 3);
    assert.deepEqual(rest, c["glyphs/bcnnSteer/aug"]);
    const args = bcnn.renderArgsOf(c["glyphs/bcnnSteer/augRendered"]);
    const poolArgs = args.filter((a) => a.angleSeed !== undefined);
    assert.deepEqual(
      poolArgs.map((a) => a.angleSeed),
      [1001, 1002, 1003],
    );
    assert.ok(
      poolArgs.every(
        (a) =>
          a.n === 8 &&
          a.dataSeed === 1 &&
          a.jitter === 1.5 &&
          a.blur === 0.8 &&
          a.supersample === 2,
      ),
    );
    assert.equal(
      bcnn.renderArgsOf(c["glyphs/bcnnSteer/aug"]).filter((a) => a.angleSeed !== undefined).length,
      0,
    );
    // independent of the bilinear arms: with augment false the control arm is still there,
    // unchanged
    const noBil = bcnn.notebook05Configs({ ...P, augment: false, renderedControl: true });
    assert.equal(noBil["glyphs/bcnnSteer/aug"], undefined);
    assert.deepEqual(noBil["glyphs/bcnnSteer/augRendered"], c["glyphs/bcnnSteer/augRendered"]);
  });

  it("trainSeed with a rendered pool differs from bilinear augmentation and from no augmentation; bad pools refused", async () => {
    const P = {
      glyphTrain: 16,
      glyphEpochs: 1,
      glyphTest: 4,
      fashionTrain: 8,
      fashionEpochs: 1,
      fashionTest: 4,
      batch: 8,
      lr: 0.01,
      angleStepDeg: 45,
      nProbe: 2,
      nEq: 2,
      augment: true,
      blur: 0.8,
      dataSeed: 1,
      supersample: 2,
      renderedControl: true,
    };
    const c = bcnn.notebook05Configs(P);
    const small = (cfg: bcnn.SeedConfig) => ({ ...cfg, spec: { ...cfg.spec, widths: [2, 2, 2] } });
    const rend = await bcnn.trainSeed(small(c["glyphs/bcnnSteer/augRendered"]), 0);
    const bil = await bcnn.trainSeed(small(c["glyphs/bcnnSteer/aug"]), 0);
    const none = await bcnn.trainSeed(small({ ...c["glyphs/bcnnSteer/aug"], augment: false }), 0);
    assert.notEqual(rend.finalLoss, bil.finalLoss);
    assert.notEqual(rend.finalLoss, none.finalLoss);
    const again = await bcnn.trainSeed(small(c["glyphs/bcnnSteer/augRendered"]), 0);
    assert.deepEqual(again.lossCurve, rend.lossCurve, "deterministic");
    assert.deepEqual(again.acc, rend.acc, "deterministic");
    for (const bad of [0, 1.5, NaN, 101]) {
      await assert.rejects(
        bcnn.trainSeed(small({ ...c["glyphs/bcnnSteer/augRendered"], renderedAugment: bad }), 0),
        (e: unknown) => e instanceof DomainError && /renderedAugment/.test((e as Error).message),
      );
    }
    await assert.rejects(
      bcnn.trainSeed(small({ ...c["glyphs/bcnnSteer/augRendered"], augment: false }), 0),
      (e: unknown) => e instanceof DomainError && /renderedAugment/.test((e as Error).message),
    );
  });

  it('trainClassifier augment "pool": epoch e trains on pool[e mod k]; empty, mis-shaped or relabelled pools refused', async () => {
    const d = data.glyphDataset({ n: 16, seed: 3 });
    const spec = {
      ...bcnn.matchedCnnSpec(bcnn.defaultBcnnSpec(), "cnn"),
      widths: [2, 2, 2],
      seed: 1,
    };
    const train = async (opts: Partial<bcnn.TrainOptions>) => {
      const m = bcnn.buildNet(spec);
      try {
        return await bcnn.trainClassifier(m, d, { epochs: 2, batchSize: 8, seed: 1, ...opts });
      } finally {
        m.dispose();
      }
    };
    // a pool whose copies are the training set itself trains exactly the unaugmented run
    const same = await train({ augment: "pool", pool: [d, d] });
    const plain = await train({});
    assert.deepEqual(same.loss, plain.loss);
    // a pool of rendered copies trains another run
    const r1 = data.glyphDataset({ n: 16, seed: 3, angles: "random", angleSeed: 5 });
    const r2 = data.glyphDataset({ n: 16, seed: 3, angles: "random", angleSeed: 6 });
    const pooled = await train({ augment: "pool", pool: [r1, r2] });
    assert.notDeepEqual(pooled.loss, plain.loss);
    // the second epoch uses the second copy: swapping copy 1 changes epoch 2's loss only
    const swapped = await train({ augment: "pool", pool: [r1, r1] });
    assert.equal(swapped.loss[0], pooled.loss[0]);
    assert.notEqual(swapped.loss[1], pooled.loss[1]);
    await assert.rejects(
      train({ augment: "pool", pool: [] }),
      (e: unknown) => e instanceof DomainError && /pool/.test((e as Error).message),
    );
    await assert.rejects(
      train({ augment: "pool" }),
      (e: unknown) => e instanceof DomainError && /pool/.test((e as Error).message),
    );
    await assert.rejects(
      train({ augment: "rotate", pool: [d] }),
      (e: unknown) => e instanceof DomainError && /pool/.test((e as Error).message),
    );
    const other = data.glyphDataset({ n: 16, seed: 4 });
    await assert.rejects(
      train({ augment: "pool", pool: [other] }),
      (e: unknown) => e instanceof DomainError && /pool\[0\]\.labels/.test((e as Error).message),
    );
    const short = data.glyphDataset({ n: 8, seed: 3 });
    await assert.rejects(
      train({ augment: "pool", pool: [short] }),
      (e: unknown) => e instanceof ShapeError && /pool\[0\]/.test((e as Error).message),
    );
    await assert.rejects(
      train({ augment: "bilinear" as never }),
      (e: unknown) => e instanceof DomainError && /augment/.test((e as Error).message),
    );
  });

  it("with until, the skipped final calibration would change nothing: trainAcc[last] = accuracy after recalibrating", async () => {
    const d = data.glyphDataset({ n: 32, seed: 5 });
    for (const [augment, until] of [
      ["none", { trainAcc: 0.01, maxEpochs: 3 }],
      ["rotate", { trainAcc: 1, maxEpochs: 2 }],
    ] as const) {
      const m = bcnn.buildNet({
        ...bcnn.matchedCnnSpec(bcnn.defaultBcnnSpec(), "cnn"),
        widths: [2, 2, 2],
        seed: 2,
      });
      const h = await bcnn.trainClassifier(m, d, {
        epochs: 1,
        batchSize: 8,
        seed: 4,
        augment,
        until,
      });
      const x = new Float32Array(d.images);
      const before = bcnn.predictClasses(m, x, [d.n, 28, 28, 1]);
      const logitsBefore = (m.predict(data.toTensor4d(d)) as { dataSync(): Float32Array })
        .dataSync()
        .slice();
      assert.equal(h.trainAcc![h.trainAcc!.length - 1], bcnn.accuracy(m, d));
      bcnn.calibrateNorms(m, d, { batches: 10, batchSize: 8, seed: 5, augment });
      assert.deepEqual(bcnn.predictClasses(m, x, [d.n, 28, 28, 1]), before);
      const logitsAfter = (
        m.predict(data.toTensor4d(d)) as { dataSync(): Float32Array }
      ).dataSync();
      assert.equal(
        Buffer.compare(Buffer.from(logitsAfter.buffer), Buffer.from(logitsBefore.buffer)),
        0,
        `${augment}: logits bit-identical after a second calibration`,
      );
      m.dispose();
    }
  });

  it("glyphSetAt refuses a non-integer angle seed, an angle seed with deg ≠ 0, and a NaN angle", () => {
    assert.throws(
      () => bcnn.glyphSetAt(2, 0, 1, 1.5, 0.8, 2, 1.5),
      (e: unknown) => e instanceof DomainError && /angleSeed/.test((e as Error).message),
    );
    assert.throws(
      () => bcnn.glyphSetAt(2, 15, 1, 1.5, 0.8, 2, 3),
      (e: unknown) => e instanceof DomainError && /angleSeed/.test((e as Error).message),
    );
    assert.throws(
      () => bcnn.glyphSetAt(2, NaN, 1),
      (e: unknown) =>
        e instanceof DomainError && /argument angleDeg = NaN/.test((e as Error).message),
    );
    assert.equal(bcnn.poolAngleSeed(2021, 3), 3024);
    // documented: neighbouring data seeds share streams (harmless with one data seed per
    // experiment)
    assert.equal(bcnn.poolAngleSeed(2021, 1), bcnn.poolAngleSeed(2022, 0));
    // the result must be a valid angleSeed, in [0, 2^32)
    for (const d of [-1001, 2 ** 32 - 1000]) {
      assert.throws(
        () => bcnn.poolAngleSeed(d, 0),
        (err: unknown) => err instanceof DomainError && /dataSeed/.test((err as Error).message),
      );
    }
    assert.equal(bcnn.poolAngleSeed(-1000, 0), 0);
    for (const [d, e] of [
      [NaN, 0],
      [1.5, 0],
      [1, -1],
      [1, 0.5],
      [1, Infinity],
    ]) {
      assert.throws(
        () => bcnn.poolAngleSeed(d, e),
        (err: unknown) =>
          err instanceof DomainError && /poolAngleSeed/.test((err as Error).message),
      );
    }
    // an overflow caused by the copy index names e, not dataSeed (review s6-14b finding 5)
    for (const [d, e] of [
      [0, 2 ** 53],
      [2021, 2 ** 32 - 3021],
    ]) {
      assert.throws(
        () => bcnn.poolAngleSeed(d, e),
        (err: unknown) =>
          err instanceof DomainError && /argument e = /.test((err as Error).message),
      );
    }
    assert.equal(bcnn.poolAngleSeed(2021, 2 ** 32 - 3022), 2 ** 32 - 1);
  });

  it("glyphDataset's seed is an integer in [0, 2^32) (2^32 would alias seed 0); a string renderedControl is quoted in the error", () => {
    for (const bad of [2 ** 32, 2 ** 60, -1, 1.5, NaN]) {
      assert.throws(
        () => data.glyphDataset({ n: 2, seed: bad }),
        (e: unknown) => e instanceof DomainError && /argument seed = /.test((e as Error).message),
      );
    }
    assert.equal(data.glyphDataset({ n: 2, seed: 2 ** 32 - 1 }).n, 2);
    const P = {
      glyphTrain: 16,
      glyphEpochs: 1,
      glyphTest: 4,
      fashionTrain: 8,
      fashionEpochs: 1,
      fashionTest: 4,
      batch: 8,
      lr: 0.01,
      angleStepDeg: 45,
      nProbe: 2,
      nEq: 2,
      augment: true,
      blur: 0.8,
      dataSeed: 1,
      supersample: 2,
    };
    assert.throws(
      () => bcnn.notebook05Configs({ ...P, renderedControl: "false" as unknown as boolean }),
      (e: unknown) => e instanceof DomainError && /= "false"/.test((e as Error).message),
    );
  });
});
