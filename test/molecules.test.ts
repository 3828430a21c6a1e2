import * as assert from "assert";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { data, DomainError, FormatError, ShapeError } from "besselbook";

describe("data: shipped molecules (GFN2-xTB MD frames)", () => {
  it("loads every molecule with consistent sizes and hash", () => {
    const expect: Record<string, [number, number]> = {
      ethanol: [600, 9],
      malonaldehyde: [600, 9],
      aspirin: [400, 21],
      co2: [40, 3],
      benzene: [40, 12],
      methane: [40, 5],
    };
    for (const name of data.MOLECULES) {
      const m = data.loadMolecule(name);
      assert.deepStrictEqual([m.frames, m.atoms], expect[name], name);
      assert.strictEqual(m.pos.length, 3 * m.atoms * m.frames);
      assert.match(m.sha256, /^[0-9a-f]{64}$/);
    }
  });

  it("forces are −∇E in eV/Å: energy changes between MD frames match the work −∫F·dx", () => {
    // Trapezoid rule over consecutive frames (10 fs apart): ΔE ≈ −½(F_k + F_{k+1})·(x_{k+1} − x_k).
    // Least-squares slope of ΔE on that work: 0.97–1.01 measured; a sign error gives −1, forces in
    // Eh/bohr or kcal/mol give ≈ 0.019 or 23. The tolerance 0.1 is the trapezoid error at 10 fs.
    for (const name of ["ethanol", "malonaldehyde", "aspirin", "methane"]) {
      const m = data.loadMolecule(name);
      const n = 3 * m.atoms;
      let sw = 0,
        sww = 0;
      for (let k = 0; k + 1 < m.frames; k++) {
        let w = 0;
        for (let i = 0; i < n; i++)
          w -=
            0.5 *
            (m.forces[k * n + i] + m.forces[(k + 1) * n + i]) *
            (m.pos[(k + 1) * n + i] - m.pos[k * n + i]);
        sw += (m.energy[k + 1] - m.energy[k]) * w;
        sww += w * w;
      }
      const slope = sw / sww;
      assert.ok(Math.abs(slope - 1) < 0.1, `${name}: slope ${slope}`);
    }
  });

  it("net force vanishes (E is translation invariant) to the stored rounding", () => {
    for (const name of data.MOLECULES) {
      const m = data.loadMolecule(name);
      for (let k = 0; k < m.frames; k++)
        for (let a = 0; a < 3; a++) {
          let s = 0;
          for (let i = 0; i < m.atoms; i++) s += m.forces[3 * m.atoms * k + 3 * i + a];
          assert.ok(Math.abs(s) < 1e-5 * m.atoms, `${name} frame ${k}: net force ${s}`);
        }
    }
  });

  it("moleculeFrames maps species and slices frames", () => {
    const m = data.loadMolecule("ethanol");
    const f = data.moleculeFrames(m, { indices: [0, 5] });
    assert.strictEqual(f.clouds.length, 2);
    assert.deepStrictEqual(Array.from(f.clouds[1].pos), Array.from(m.pos.slice(5 * 27, 6 * 27)));
    assert.deepStrictEqual(
      Array.from(f.clouds[0].types),
      m.symbols.map((s) => ["H", "C", "O"].indexOf(s)),
    );
    assert.throws(() => data.moleculeFrames(m, { elements: ["H", "C"] }), /argument elements/);
    assert.throws(() => data.moleculeFrames(m, { indices: [600] }), /indices\[0\]/);
    assert.throws(() => data.loadMolecule("water"), /argument name/);
  });

  it("a modified file fails its hash check with a FormatError", () => {
    const dir = mkdtempSync(join(tmpdir(), "mol-"));
    const src = data.defaultMoleculesDir();
    copyFileSync(join(src, "MANIFEST.json"), join(dir, "MANIFEST.json"));
    writeFileSync(
      join(dir, "co2.json"),
      readFileSync(join(src, "co2.json"), "utf8").replace(/"energy":\[-/, '"energy":[-1'),
    );
    assert.throws(() => data.loadMolecule("co2", { dir }), FormatError);
  });
});

import { frames as F, linalg, init } from "besselbook";

describe("frames on molecules (issue 15)", function () {
  this.timeout(120000);
  before(async () => {
    await init({ quiet: true });
  });

  it("ambiguity projectors are projections that absorb their group: P² = P, ρ(g)P = P", () => {
    for (const rep of ["2x0e + 1x1o + 1x2e", "1xT1 + 1xT2 + 1xT1p", "1x0o + 1x1e"]) {
      for (const k of [0, 1, 2, 3]) {
        const P = F.ambiguityProjector(rep, k);
        assert.ok(linalg.maxAbsDiff(linalg.matMul(P, P), P) < 1e-12, `${rep} rank ${k}: P² = P`);
        for (const g of F.ambiguityGroup(k))
          assert.ok(
            linalg.maxAbsDiff(linalg.matMul(F.rho(rep, g), P), P) < 1e-12,
            `${rep} rank ${k}: ρ(g)P = P`,
          );
      }
    }
    // Ranks 0: only true scalars survive (1 of "2x0e + 1x1o + 1x2e" would be 2 dims; pseudo-scalars
    // die).
    const tr = (P: { data: Float64Array; rows: number }) =>
      Array.from({ length: P.rows }, (_, i) => P.data[i * P.rows + i]).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(tr(F.ambiguityProjector("2x0e + 1x1o + 1x2e", 0)) - 2) < 1e-12);
    assert.ok(Math.abs(tr(F.ambiguityProjector("1x0o + 1x1e", 0))) < 1e-12);
    // Rank 1 keeps the axis component of a vector and one ℓ = 2 component; rank 2 keeps 2 + 3.
    assert.ok(Math.abs(tr(F.ambiguityProjector("1x1o", 1)) - 1) < 1e-12);
    assert.ok(Math.abs(tr(F.ambiguityProjector("1x2e", 1)) - 1) < 1e-12);
    assert.ok(Math.abs(tr(F.ambiguityProjector("1x1o + 1x2e", 2)) - 5) < 1e-12);
    assert.throws(() => F.ambiguityGroup(4), /argument rank/);
  });

  it("moleculeSeed runs end to end and refuses overlapping train/test blocks", () => {
    const cfg = {
      molecule: "ethanol",
      vector: "transport" as const,
      nTrain: 4,
      trainFrom: 0,
      trainTo: 10,
      testFrom: 10,
      testTo: 14,
      cutoff: 3,
      epochs: 1,
      lr: 1e-3,
      decay: 1,
      batch: 2,
      model: { kind: "frames" as const, message: "tensor" as const, rep: "2x0e + 1x1o", hidden: 8 },
    };
    const r = F.moleculeSeed(cfg, 0);
    for (const k of [
      "energy",
      "vector",
      "tensor",
      "tensorL0",
      "tensorL2",
      "vectorMoved",
      "baseVector",
    ])
      assert.ok(Number.isFinite(r[k] as number), k);
    assert.ok(
      Math.abs((r.vectorMoved as number) - (r.vector as number)) < 1e-4 * (r.vector as number),
      "equivariant model: moved = stored",
    );
    assert.throws(() => F.moleculeSeed({ ...cfg, testFrom: 5 }, 0), /overlap/);
  });

  it("bad input to the frame ranks, targets and loaders gives typed errors naming the argument", () => {
    const c = F.moleculeDataset("ethanol", [0], { cutoff: 2 }).clouds[0];
    const g = F.radiusGraph(c.pos, 2);
    const nanPos = Float64Array.from(c.pos);
    nanPos[4] = NaN;
    // used to loop forever (NaN distances never advance the grouping loop)
    assert.throws(
      () => F.frameRanks(nanPos, g, { types: c.types }),
      (e: unknown) => e instanceof DomainError && /pos\[4\]/.test(String(e)),
    );
    const infPos = Float64Array.from(c.pos);
    infPos[0] = Infinity;
    for (const fn of [F.neighbourhoodTensor, F.transportTarget] as ((
      c: any,
      r: number,
    ) => Float64Array)[]) {
      assert.throws(
        () => fn({ pos: nanPos, types: c.types }, 2),
        (e: unknown) => e instanceof DomainError && /c\.pos\[4\]/.test(String(e)),
      );
      assert.throws(
        () => fn({ pos: infPos, types: c.types }, 2),
        (e: unknown) => e instanceof DomainError && /c\.pos\[0\]/.test(String(e)),
      );
      for (const rc of [-1, NaN, 0, Infinity])
        assert.throws(
          () => fn(c, rc),
          (e: unknown) => e instanceof DomainError && /cutoff/.test(String(e)),
        );
      assert.throws(
        () => fn({ pos: c.pos.slice(0, 9), types: c.types }, 2),
        (e: unknown) => e instanceof ShapeError && /c\.pos/.test(String(e)),
      );
      assert.ok(fn(c, 2).every(Number.isFinite), "valid input still gives finite numbers");
    }
    const bad = Int32Array.from(c.types);
    bad[0] = 7;
    assert.throws(
      () => F.neighbourhoodTensor({ pos: c.pos, types: bad }, 2),
      (e: unknown) => e instanceof DomainError && /c\.types\[0\]/.test(String(e)),
    );
    for (const rc of [NaN, -3])
      assert.throws(
        () => F.moleculeDataset("ethanol", [0], { cutoff: rc }),
        (e: unknown) => e instanceof DomainError && /opts\.cutoff/.test(String(e)),
      );
    const T = F.neighbourhoodTensor(c, 2);
    assert.throws(
      () => F.ambiguityLoss(c, 2, T.slice(0, 9)),
      (e: unknown) => e instanceof ShapeError && /ambiguityLoss T/.test(String(e)),
    );
    assert.ok(
      F.ambiguityLoss(c, 2, T).every((x) => x >= 0 && x <= 1),
      "valid T: a fraction per atom",
    );
    assert.throws(
      () => F.makeBatch([c], { cutoff: 2, nTypes: 1.5 }),
      (e: unknown) => e instanceof DomainError && /nTypes/.test(String(e)),
    );
  });
});
