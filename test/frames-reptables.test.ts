/**
 * frames.repErrorTable and frames.cgErrorTable (lib/src/frames/reptables.ts), the table data of
 * notebook 06 §3: against an inline computation from their definitions, with the wrong-parity
 * paths as a built-in negative control and the slips a caller can make refused with typed errors.
 */
import { strict as assert } from "node:assert";
import { DomainError, frames, linalg, rng } from "besselbook";

const r = rng(11);
const rotations = [0, 1, 2].map(() => linalg.randomRotation(r, false));
const reflections = [0, 1, 2].map(() => linalg.randomRotation(r, true));
const Rs = [...rotations, ...reflections];

describe("frames: repErrorTable", () => {
  it("equals the definition computed inline, bit for bit (three layouts, six group elements)", () => {
    const layouts = ["1x1o", "1xT2", "2x0e + 1x2e + 1x3o"];
    const rows = frames.repErrorTable(layouts, Rs);
    assert.deepEqual(
      rows.map((x) => x.layout),
      layouts,
    );
    layouts.forEach((rep, k) => {
      const n = frames.repDim(frames.parseRep(rep));
      let hom = 0,
        orth = 0;
      for (const A of Rs) {
        const rA = frames.rho(rep, A);
        orth = Math.max(
          orth,
          linalg.maxAbsDiff(linalg.matMul(rA, linalg.transpose(rA)), linalg.eye(n)),
        );
        for (const B of Rs)
          hom = Math.max(
            hom,
            linalg.maxAbsDiff(
              frames.rho(rep, linalg.mul3(A, B)),
              linalg.matMul(rA, frames.rho(rep, B)),
            ),
          );
      }
      assert.equal(rows[k].dim, n);
      assert.equal(rows[k].homomorphism, hom, `${rep}: homomorphism`);
      assert.equal(rows[k].orthogonality, orth, `${rep}: orthogonality`);
      assert.equal(rows[k].identity, linalg.maxAbsDiff(frames.rho(rep, linalg.I3), linalg.eye(n)));
    });
    assert.deepEqual(
      rows.map((x) => x.dim),
      [3, 9, 2 + 5 + 7],
    );
  });

  it("is at float64 rounding for the representations the library defines, reflections included", () => {
    const rows = frames.repErrorTable(["1x0o", "1x1e", "1x3e", "1xT1p", "1xT3"], Rs);
    for (const x of rows)
      assert.ok(Math.max(x.identity, x.orthogonality, x.homomorphism) < 1e-13, JSON.stringify(x));
  });

  it("measures a real defect: the pairs (R₁, R₂) are ordered products, not one element twice", () => {
    // ρ(R₁R₂) for ρ = "1x1e" (a pseudo-vector) differs from ρ(R₂R₁) by an O(1) amount on generic
    // elements; a table that compared ρ(R₁R₂) with ρ(R₂)ρ(R₁) would report that as an error
    const A = Rs[0],
      B = Rs[4];
    const swapped = linalg.maxAbsDiff(
      frames.rho("1x1e", linalg.mul3(A, B)),
      linalg.matMul(frames.rho("1x1e", B), frames.rho("1x1e", A)),
    );
    assert.ok(swapped > 0.1, `generic elements do not commute (${swapped})`);
    assert.ok(frames.repErrorTable(["1x1e"], [A, B])[0].homomorphism < 1e-14);
  });

  it("refuses bad input with typed errors naming the argument", () => {
    assert.throws(
      () => frames.repErrorTable([], Rs),
      (e: Error) => e instanceof DomainError && /layouts/.test(e.message),
    );
    assert.throws(
      () => frames.repErrorTable(["1x1o"], []),
      (e: Error) => e instanceof DomainError && /Rs/.test(e.message),
    );
    const scaled = Array.from(Rs[0], (v) => 2 * v);
    assert.throws(
      () => frames.repErrorTable(["1x1o"], [Rs[1], scaled]),
      (e: Error) =>
        e instanceof DomainError && /Rs\[1\]/.test(e.message) && /orthogonal/.test(e.message),
    );
    assert.throws(
      () => frames.repErrorTable(["1x1o"], [Rs[0].slice(0, 8)]),
      (e: Error) => e instanceof DomainError && /Rs\[0\]/.test(e.message),
    );
    const nan = Float64Array.from(Rs[0]);
    nan[4] = NaN;
    assert.throws(
      () => frames.repErrorTable(["1x1o"], [nan]),
      (e: Error) => e instanceof DomainError && /Rs\[0\]\[4\]/.test(e.message),
    );
    assert.throws(() => frames.repErrorTable(["1x9o"], Rs), DomainError);
  });
});

describe("frames: cgErrorTable", () => {
  it("ℓ ≤ 2: 15 paths, orthonormal and rotation-intertwining; reflections split by parity", () => {
    const rows = frames.cgErrorTable(2, rotations, reflections);
    assert.equal(rows.length, 15);
    for (const c of rows) {
      assert.ok(c.orthonormality < 1e-12 && c.rotation < 1e-12, `${c.l1}⊗${c.l2}→${c.l3}`);
      assert.equal(c.o3Path, (c.l1 + c.l2 + c.l3) % 2 === 0);
      // the negative control inside the table: odd paths (e.g. 1 ⊗ 1 → 1, the cross product)
      // produce pseudo-tensors, off by O(1) under a reflection
      if (c.o3Path)
        assert.ok(c.reflection < 1e-12, `${c.l1}⊗${c.l2}→${c.l3} reflection ${c.reflection}`);
      else assert.ok(c.reflection > 0.1, `${c.l1}⊗${c.l2}→${c.l3} reflection ${c.reflection}`);
    }
    assert.ok(rows.some((c) => c.l1 === 1 && c.l2 === 1 && c.l3 === 1 && !c.o3Path));
  });

  it("equals the definition computed inline for one path", () => {
    const row = frames
      .cgErrorTable(1, rotations, reflections)
      .find((c) => c.l1 === 1 && c.l2 === 1 && c.l3 === 1)!;
    const C = frames.clebschGordan(1, 1, 1);
    const err = (R: Float64Array) =>
      linalg.maxAbsDiff(
        linalg.matMul(frames.wignerD(1, R), C),
        linalg.matMul(C, linalg.kron(frames.wignerD(1, R), frames.wignerD(1, R))),
      );
    assert.equal(row.rotation, Math.max(...rotations.map(err)));
    assert.equal(row.reflection, Math.max(...reflections.map(err)));
  });

  it("refuses swapped or empty group-element lists (det checked) with typed errors", () => {
    assert.throws(
      () => frames.cgErrorTable(2, reflections, rotations),
      (e: Error) =>
        e instanceof DomainError && /rotations\[0\]/.test(e.message) && /det/.test(e.message),
    );
    assert.throws(
      () => frames.cgErrorTable(2, rotations, [...reflections, rotations[0]]),
      (e: Error) => e instanceof DomainError && /reflections\[3\]/.test(e.message),
    );
    assert.throws(
      () => frames.cgErrorTable(2, [], reflections),
      (e: Error) => e instanceof DomainError && /rotations/.test(e.message),
    );
    assert.throws(() => frames.cgErrorTable(4 as never, rotations, reflections), DomainError);
  });
});

describe("frames: characterError", () => {
  it("tr D^ℓ(R) = det(R)^ℓ sin((2ℓ+1)θ/2)/sin(θ/2) for ℓ = 0…3, rotations and reflections", () => {
    for (const l of [0, 1, 2, 3] as const) {
      const e = frames.characterError(l, Rs);
      assert.ok(e < 1e-12, `ℓ = ${l}: ${e}`);
    }
  });

  it("equals the definition computed inline (ℓ = 3), and the sign rule matters for even and odd ℓ", () => {
    const inline = Math.max(
      ...Rs.map((R) => {
        const s = linalg.det3(R),
          Rp = Array.from(R, (x) => s * x);
        const th = Math.acos(Math.max(-1, Math.min(1, (Rp[0] + Rp[4] + Rp[8] - 1) / 2)));
        const D = frames.wignerD(3, R);
        const tr = [0, 1, 2, 3, 4, 5, 6].reduce((a, k) => a + D.data[8 * k], 0);
        return Math.abs(tr - (s * Math.sin(3.5 * th)) / Math.sin(th / 2));
      }),
    );
    assert.equal(frames.characterError(3, Rs), inline);
    // the wrong sign rules a slip would use: det(R) for even ℓ, or 1 for odd ℓ, on a reflection
    const R = reflections[0];
    const s = linalg.det3(R),
      Rp = Array.from(R, (x) => s * x);
    const th = Math.acos((Rp[0] + Rp[4] + Rp[8] - 1) / 2);
    const chi = (l: number) => Math.sin(((2 * l + 1) / 2) * th) / Math.sin(th / 2);
    const tr = (l: number) => {
      const D = frames.wignerD(l as 2 | 3, R);
      let t = 0;
      for (let i = 0; i <= 2 * l; i++) t += D.data[(2 * l + 2) * i];
      return t;
    };
    assert.ok(Math.abs(tr(2) - s * chi(2)) > 0.1 || Math.abs(chi(2)) < 0.05, "ℓ = 2 with det(R)");
    assert.ok(Math.abs(tr(3) - chi(3)) > 0.1 || Math.abs(chi(3)) < 0.05, "ℓ = 3 without det(R)");
  });

  it("refuses the identity (0/0) and bad elements with typed errors", () => {
    assert.throws(
      () => frames.characterError(3, [Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1)]),
      (e: Error) =>
        e instanceof DomainError && /Rs\[0\]/.test(e.message) && /identity/.test(e.message),
    );
    assert.throws(() => frames.characterError(3, []), DomainError);
    assert.throws(
      () => frames.characterError(3, [Float64Array.of(2, 0, 0, 0, 1, 0, 0, 0, 1)]),
      (e: Error) => e instanceof DomainError && /orthogonal/.test(e.message),
    );
  });
});
