/**
 * Issue #22, session 6: tests written for the StrykerJS runs on the frames code that decides
 * outside the float64 geometry (module `frames-decide` in stryker/modules.json: batch, nn, data and
 * line ranges of potential, train, molecules and models). Public API only; every expected value
 * is computed by hand here (ours) or follows from a stated definition; each property is asserted
 * in both directions (it holds, and the wrong variant is caught).
 */
import { strict as assert } from "node:assert";
import { frames as F, init, DomainError, ShapeError } from "besselbook";

const domain = (re: RegExp) => (e: unknown) => e instanceof DomainError && re.test((e as Error).message);
const shape = (re: RegExp) => (e: unknown) => e instanceof ShapeError && re.test((e as Error).message);

describe("frames (mutants 3): convergence judgement and learning-rate schedule", () => {
  before(async () => { await init(); });

  it("judgeConvergence judges the last `judge` losses only, halves split at floor(judge/2)", () => {
    // window [9, 9, 1, 1]: a = 9, b = 1, change 8/9 — the leading 100 is outside the window
    const r = F.judgeConvergence([100, 9, 9, 1, 1], 4);
    assert.equal(r.change, 8 / 9);
    assert.equal(r.converged, false);
    // odd window [4, 4 | 2, 2, 2]: a = 4, b = 2 (a ceil split would give a = 10/3)
    assert.equal(F.judgeConvergence([4, 4, 2, 2, 2], 5).change, 0.5);
    // the same window with a judge of 4 sees [4, 2, 2, 2]: a = 3, b = 2
    assert.equal(F.judgeConvergence([4, 4, 2, 2, 2], 4).change, 1 / 3);
  });

  it("judgeConvergence: |change| < rtol, strict, in both directions of the loss", () => {
    assert.equal(F.judgeConvergence([4, 4, 2, 2], 4, 0.5).converged, false); // change exactly 0.5
    assert.equal(F.judgeConvergence([4, 4, 2, 2], 4, 0.5000001).converged, true);
    const up = F.judgeConvergence([2, 2, 4, 4], 4, 0.5); // the loss rose: change −1
    assert.equal(up.change, -1);
    assert.equal(up.converged, false);
    assert.equal(F.judgeConvergence([2, 2, 4, 4], 4, 1.5).converged, true);
    assert.equal(F.judgeConvergence([1, 1, 1, 1], 4).converged, true); // default rtol 0.05
    assert.equal(F.judgeConvergence([1, 1, 0.9, 0.9], 4).converged, false);
    assert.equal(F.judgeConvergence([1, 1, 0.96, 0.96], 4).converged, true);
  });

  it("judgeConvergence refuses bad judge, rtol and too-short or non-finite windows", () => {
    assert.deepEqual(F.judgeConvergence([1, 1, 1, 1], 4).change, 0); // exactly judge losses: fine
    assert.throws(() => F.judgeConvergence([1, 1, 1], 4), shape(/judgeConvergence losses.*≥ 4 epochs/));
    assert.throws(() => F.judgeConvergence([1, 1, 1, 1, 1], 3), domain(/judgeConvergence: argument judge = 3/));
    for (const rtol of [0, -0.1, NaN, Infinity]) {
      assert.throws(() => F.judgeConvergence([1, 1, 1, 1], 4, rtol), domain(/judgeConvergence: argument rtol/));
    }
    // a non-finite loss only in the second half, and Infinity in the first
    assert.throws(() => F.judgeConvergence([1, 1, 1, NaN], 4), domain(/argument losses = NaN.*finite losses/));
    assert.throws(() => F.judgeConvergence([Infinity, 1, 1, 1], 4), domain(/argument losses = Infinity/));
    // a non-finite loss before the window does not matter
    assert.equal(F.judgeConvergence([NaN, 1, 1, 1, 1], 4).converged, true);
  });

  const sched = { epochs: 10, lr: 2, warm: 2, decay: 0.5, decayEpochs: 3, judge: 5 };
  it("scheduleLr: constant for `warm` epochs, then × decay per epoch for decayEpochs, then constant", () => {
    const got = Array.from({ length: 12 }, (_, ep) => F.scheduleLr(sched, ep));
    assert.deepEqual(got, [2, 2, 1, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
    const noWarm = { ...sched, warm: 0, decayEpochs: 5, judge: 5 };
    assert.deepEqual([0, 1, 4, 5, 9].map((ep) => F.scheduleLr(noWarm, ep)), [1, 0.5, 0.0625, 0.0625, 0.0625]);
  });

  it("the schedule's checks accept their boundaries and refuse one step past them", () => {
    const ok = (o: object) => F.scheduleLr({ ...sched, ...o } as typeof sched, 0);
    assert.equal(ok({ decay: 1 }), 2);
    assert.equal(ok({ judge: 4, epochs: 9 }), 2);
    assert.equal(ok({ warm: 0, epochs: 8 }), 1); // no warm-up: epoch 0 is already decayed once
    const bad: [object, RegExp][] = [
      [{ decay: 1.0000001 }, /schedule\.decay = 1\.0000001.*\(0, 1\]/],
      [{ decay: 0 }, /schedule\.decay = 0/],
      [{ decay: NaN }, /schedule\.decay = NaN/],
      [{ lr: 0 }, /schedule\.lr = 0/],
      [{ lr: Infinity }, /schedule\.lr = Infinity/],
      [{ judge: 3, epochs: 8 }, /schedule\.judge = 3/],
      [{ warm: -1, epochs: 7 }, /schedule\.warm = -1/],
      [{ decayEpochs: 2.5, epochs: 9.5 }, /schedule\.(decayEpochs|epochs) = /],
      [{ epochs: 11 }, /schedule\.epochs = 11.*warm \+ decayEpochs \+ judge = 10/],
      [{ epochs: 9 }, /schedule\.epochs = 9/],
    ];
    for (const [o, re] of bad) assert.throws(() => ok(o), domain(re), JSON.stringify(o));
    assert.throws(() => F.scheduleLr(sched, -1), domain(/scheduleLr: argument ep = -1/));
    assert.throws(() => F.scheduleLr(sched, 1.5), domain(/scheduleLr: argument ep = 1\.5/));
  });
});
